"""Mutant: a ``ts.py_function`` node in a graph hands its callback the inputs of the graph's
first execution on every later one (a reused input buffer).

Witness, traced::

    @ts.function
    def f(x):
        return ts.py_function(effect("host"), [x + 1.0], x.dtype)

    f(ts.constant(1.0))
    f(ts.constant(2.0))
"""

from tracespec.reference.ops import effects

from .base import Mutant, kernel


def stale(original):
    first: dict[str, tuple] = {}

    def run(*values, name, **attrs):
        values = first.setdefault(name, values)
        return original(*values, name=name, **attrs)

    return run


adapter = Mutant(__name__, "py_function callbacks receive stale inputs in graphs",
                 lambda: [kernel(effects.py_function_p, stale)],
                 breaks=[("side-effects", "traced")])
