"""Mutant: a ``ts.function`` method keeps one bound function per class, not per instance, so a
second instance runs with the first one as ``self``.

Witness, traced::

    class Model:
        def __init__(self, scale):
            self.scale = scale
        @ts.function
        def call(self, x):
            log("trace")
            return x * self.scale

    m1 = Model(2.0)
    m2 = Model(3.0)

    m1.call(ts.constant(1.0))
    m2.call(ts.constant(1.0))
"""

from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function.__get__


def __get__(self, instance, owner=None):
    if instance is None:
        return self
    first = next(iter(self._bound.keys()), instance)
    return _original(self, first, owner)


adapter = Mutant(__name__, "one cache per class for ts.function methods",
                 lambda: [patch(Function, "__get__", __get__)],
                 breaks=[("tracing-and-cache", "traced"), ("tracing-and-cache", "eager")])
