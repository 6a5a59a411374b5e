"""Mutant: ``ts.executing_eagerly()`` is False inside any ``ts.function`` body, even one that the
run-eagerly flag makes run eagerly (EAGER-3 says it is True there).

Witness, eager::

    @ts.function
    def f(x):
        return x, ts.executing_eagerly()

    f(ts.constant(1.0))
"""

import tracespec.reference as ts
from tracespec.reference import polymorphic_function

from .base import Mutant, patch

_original = ts.executing_eagerly


def executing_eagerly():
    return _original() and not getattr(polymorphic_function._eager_calls, "depth", 0)


adapter = Mutant(__name__, "executing_eagerly() False in function bodies under the flag",
                 lambda: [patch(ts, "executing_eagerly", executing_eagerly)],
                 breaks=[("eager-switch", "eager"), ("eager-switch", "traced")])
