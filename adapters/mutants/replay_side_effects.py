"""Mutant: Python side effects are replayed on every traced call (the body re-runs on cache hits).

Witness, traced::

    @ts.function
    def f(x):
        log("body")
        return x

    f(ts.constant(1.0))
    f(ts.constant(2.0))
"""

from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function._lookup_or_trace


def _lookup_or_trace(self, function_type, arguments):
    concrete = self._lookup(function_type)
    if concrete is not None:
        self._trace(function_type, arguments)  # replays the Python body, discards the graph
        return concrete
    return _original(self, function_type, arguments)


adapter = Mutant(__name__, "Python side effects replayed on every traced call",
                 lambda: [patch(Function, "_lookup_or_trace", _lookup_or_trace)],
                 breaks=[("side-effects", "traced")])
