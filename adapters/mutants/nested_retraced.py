"""Mutant: a nested function is retraced on every call from inside another trace."""

from tracespec.reference import context
from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function.__call__


def __call__(self, *args, **kwargs):
    if not context.executing_eagerly():
        self._cache.clear()
    return _original(self, *args, **kwargs)


class NestedRetraced(Mutant):
    name = "mutant-nested-retraced"
    bug = "nested function retraced on every outer call"

    def patches(self):
        return [patch(Function, "__call__", __call__)]


adapter = NestedRetraced()
