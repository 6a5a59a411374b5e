"""Mutant: any trace may create variables (no singleton rule): each retrace makes new ones.

Witness, traced::

    @ts.function
    def f(x):
        return ts.Variable(1.0) + x

    f(ts.constant(1.0))
    f(ts.constant(2.0))
"""

from tracespec.reference import variables

from .base import Mutant, patch

_original = variables._creation_allowed_into


def creation_allowed_into():
    try:
        return _original()
    except ValueError:
        return []  # created, and recorded nowhere


adapter = Mutant(__name__, "variables may be created on any trace",
                 lambda: [patch(variables, "_creation_allowed_into", creation_allowed_into)],
                 breaks=[("variables-and-state", "traced")])
