"""Variant tensors: tensors whose value is a Python object rather than an array.

A traced ``TensorArray`` is a list of tensors and a dataset is a pipeline; neither is an
array, yet both must flow through graphs as tensors, as loop variables and captures, as
TensorFlow's ``variant`` tensors do. A variant tensor has dtype ``variant`` and shape ``()``;
its NumPy value is a 0-d object array holding an immutable ``Value``. Ops that make or read
variant values are ordinary primitives (``tensor_array.py``, ``data.py``).
"""

from __future__ import annotations

import numpy as np

from .dtypes import DType
from .tensor import EagerTensor
from .tensor_spec import TensorSpec

variant = DType("variant", np.dtype(object), "variant")
"""The dtype of variant tensors (not a dtype a program spells: it never reaches Python values)."""

SPEC = TensorSpec((), variant)


class Value:
    """Base class of the immutable objects variant tensors hold (not a sequence, so NumPy keeps
    it whole in a 0-d object array)."""


def wrap(value: Value) -> np.ndarray:
    """``value`` as a kernel returns it."""
    array = np.empty((), dtype=object)
    array[()] = value
    return array


def unwrap(array: np.ndarray) -> Value:
    """The object a kernel receives."""
    value = array[()]
    assert isinstance(value, Value), f"not a variant value: {value!r}"
    return value


def eager(value: Value) -> EagerTensor:
    """An eager variant tensor holding ``value``."""
    return EagerTensor(wrap(value), variant)
