"""Mutant: a trace that raised is cached, and later calls re-raise without running Python."""

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
        raise


class FailedTracesCached(Mutant):
    name = "mutant-failed-traces-cached"
    bug = "failed traces are cached"

    def patches(self):
        return [patch(Function, "_trace", _trace)]


adapter = FailedTracesCached()
