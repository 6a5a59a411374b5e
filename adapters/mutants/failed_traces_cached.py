"""Mutant: a trace that raised is cached, and later calls re-raise without running Python.

Witness, traced::

    @ts.function
    def f(x, fail):
        log("before")
        if fail:
            raise ValueError("boom")
        return x

    f(ts.constant(1.0), True)
    f(ts.constant(1.0), True)
"""

from tracespec.reference.concrete_function import ConcreteFunction
from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function._trace


class _Failed(ConcreteFunction):
    def __init__(self, error):
        self.error = error

    def call_flat(self, arguments):
        raise self.error


def _trace(self, function_type, arguments):
    try:
        return _original(self, function_type, arguments)
    except Exception as error:
        self._cache.append((function_type, _Failed(error)))
        self._exact[function_type] = self._cache[-1][1]
        raise


adapter = Mutant(__name__, "failed traces are cached", lambda: [patch(Function, "_trace", _trace)],
                 breaks=[("tracing-and-cache", "traced")])
