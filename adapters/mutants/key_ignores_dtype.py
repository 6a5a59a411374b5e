"""Mutant: the trace cache keys tensors by shape only, not dtype.

Witness, traced::

    @ts.function
    def f(x):
        log("trace")
        return x

    f(ts.constant(1.0))
    f(ts.constant(1))
"""

from tracespec.reference import tensor_spec
from tracespec.reference.trace_type import TensorType

from .base import Mutant, patch


def is_subtype_of(self, other):
    return isinstance(other, TensorType) and tensor_spec.shape_is_compatible(
        self.spec.shape, other.spec.shape
    )


adapter = Mutant(__name__, "trace cache keyed by shape but not dtype",
                 lambda: [patch(TensorType, "is_subtype_of", is_subtype_of)],
                 breaks=[("tracing-and-cache", "traced")])
