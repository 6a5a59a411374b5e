"""Mutant: a symbolic tensor that escaped its trace reads as zeros of its shape when used later,
instead of raising (RETURN-3: it is out of scope).

Witness, traced::

    @ts.function
    def leaky(x):
        y = x + 1.0
        LEAKED.append(y)
        return y

    @ts.function
    def user(x):
        return x + LEAKED[0]

    leaky(ts.constant(1.0))
    user(ts.constant(1.0))
"""

import numpy as np

from tracespec.reference import primitive
from tracespec.reference.tensor import EagerTensor, SymbolicTensor

from .base import Mutant, patch

_original = primitive.execute_eagerly


def _zeros(tensor):
    shape = [d or 1 for d in (tensor.shape or ())]
    return EagerTensor(np.zeros(shape, dtype=tensor.dtype.numpy_dtype), tensor.dtype)


def execute_eagerly(op, inputs, attrs):
    inputs = tuple(_zeros(t) if isinstance(t, SymbolicTensor) else t for t in inputs)
    return _original(op, inputs, attrs)


adapter = Mutant(__name__, "leaked symbolic tensors read as zeros",
                 lambda: [patch(primitive, "execute_eagerly", execute_eagerly)],
                 breaks=[("returns-and-nesting", "traced")])
