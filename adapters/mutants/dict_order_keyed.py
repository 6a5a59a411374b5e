"""Mutant: a dict argument is keyed by its insertion order too, so reordered keys retrace.

Witness, traced::

    @ts.function
    def f(d):
        log("trace")
        return d["a"] + d["b"]

    f({"a": ts.constant(1.0), "b": ts.constant(2.0)})
    f({"b": ts.constant(2.0), "a": ts.constant(1.0)})
"""

from collections.abc import Mapping
from dataclasses import dataclass

from tracespec.reference import trace_type
from tracespec.reference.trace_type import MappingType

from .base import Mutant, patch

_original = trace_type.from_value


@dataclass(frozen=True)
class _Ordered(MappingType):
    order: tuple = ()

    def is_subtype_of(self, other):
        return isinstance(other, _Ordered) and other.order == self.order and super().is_subtype_of(other)


def from_value(value):
    kind = _original(value)
    if isinstance(kind, MappingType) and isinstance(value, Mapping):
        return _Ordered(kind.items, tuple(repr(k) for k in value))
    return kind


adapter = Mutant(__name__, "dict insertion order in the cache key",
                 lambda: [patch(trace_type, "from_value", from_value)],
                 breaks=[("tracing-and-cache", "traced")])
