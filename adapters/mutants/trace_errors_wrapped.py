"""Mutant: an exception the body raises while it is traced surfaces as ``RuntimeError`` wrapping
it, not with its own class (ERROR-1).

Witness, traced::

    @ts.function
    def f(x, fail):
        if fail:
            raise ValueError("boom")
        return x

    f(ts.constant(1.0), True)
"""

from tracespec.reference import errors
from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function._trace


def _trace(self, function_type, arguments):
    try:
        return _original(self, function_type, arguments)
    except errors.OpError:
        raise
    except Exception as error:
        raise RuntimeError(f"error while tracing {self.name}: {error}") from error


adapter = Mutant(__name__, "trace-time exceptions wrapped in RuntimeError",
                 lambda: [patch(Function, "_trace", _trace)],
                 breaks=[("errors", "traced"), ("tracing-and-cache", "traced")])
