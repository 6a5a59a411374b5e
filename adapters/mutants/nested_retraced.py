"""Mutant: a nested function is retraced on every call from inside another trace.

Witness, traced::

    @ts.function
    def inner(x):
        return x * 2

    @ts.function
    def outer(x):
        return inner(x) + 1

    outer(ts.constant(1))
    outer(ts.constant(1.0))
"""

from tracespec.reference import context
from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function.__call__


def __call__(self, *args, **kwargs):
    if not context.executing_eagerly():
        self._cache.clear()
        self._exact.clear()
    return _original(self, *args, **kwargs)


adapter = Mutant(__name__, "nested function retraced on every outer call",
                 lambda: [patch(Function, "__call__", __call__)],
                 breaks=[("returns-and-nesting", "traced")])
