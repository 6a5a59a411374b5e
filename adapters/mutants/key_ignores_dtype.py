"""Mutant: the trace cache keys tensors by shape only, not dtype."""

from tracespec.reference import tensor_spec
from tracespec.reference.trace_type import TensorType

from .base import Mutant, patch


def is_subtype_of(self, other):
    return isinstance(other, TensorType) and tensor_spec.shape_is_compatible(
        self.spec.shape, other.spec.shape
    )


class KeyIgnoresDtype(Mutant):
    name = "mutant-key-ignores-dtype"
    bug = "trace cache keyed by shape but not dtype"

    def patches(self):
        return [patch(TensorType, "is_subtype_of", is_subtype_of)]


adapter = KeyIgnoresDtype()
