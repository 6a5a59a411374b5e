"""Mutant: Python side effects are replayed on every traced call (the body re-runs on cache hits)."""

from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function._lookup_or_trace


def _lookup_or_trace(self, function_type, arguments):
    concrete = self._lookup(function_type)
    if concrete is not None:
        self._trace(function_type, arguments)  # replays the Python body, discards the graph
        return concrete
    return _original(self, function_type, arguments)


class ReplaySideEffects(Mutant):
    name = "mutant-replay-side-effects"
    bug = "Python side effects replayed on every traced call"

    def patches(self):
        return [patch(Function, "_lookup_or_trace", _lookup_or_trace)]


adapter = ReplaySideEffects()
