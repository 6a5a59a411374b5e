"""Mutant: the run-eagerly flag is consulted only when a call misses the cache."""

from tracespec.reference import eager_switch
from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function.__call__


def __call__(self, *args, **kwargs):
    function_type, _ = self._bind(args, kwargs)
    if self._lookup(function_type) is not None:  # a cached graph runs, whatever the flag says
        with patch(eager_switch, "functions_run_eagerly", lambda: False):
            return _original(self, *args, **kwargs)
    return _original(self, *args, **kwargs)


class FlagReadAtTraceTime(Mutant):
    name = "mutant-flag-read-at-trace-time"
    bug = "the run-eagerly flag is read only when tracing"

    def patches(self):
        return [patch(Function, "__call__", __call__)]


adapter = FlagReadAtTraceTime()
