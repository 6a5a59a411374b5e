"""Ops that make new tensors: zeros, ones, fill, range (OP-6)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import dtypes, errors, gradients
from ..conversion import convert_to_tensor
from ..primitive import Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks
from .reduction import reduce_sum


def _fill_rule(value: TensorSpec, *, shape: tuple[int, ...]) -> TensorSpec:
    note("OP-6", "fill of shape %s", list(shape))
    if value.shape is not None and value.shape != ():
        raise ValueError(f"fill: value must be a scalar, got shape {value.shape}.")
    return TensorSpec(shape, value.dtype)


fill_p = Primitive("fill", _fill_rule, lambda value, *, shape: np.full(shape, value))


@gradients.defvjp(fill_p)
def _fill_vjp(ct, value, **_):
    """Every element is the value: its cotangent is the sum (GRAD-5)."""
    return reduce_sum(ct)


def _shape_argument(shape: object) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)  # type: ignore[union-attr]
    if any(d < 0 for d in dims):
        raise ValueError(f"Shape dimensions must be non-negative, got {list(dims)}.")
    return dims


def fill(dims: Sequence[int], value: object) -> Tensor:
    """A tensor of shape ``dims`` with every element equal to the scalar ``value``."""
    return bind(fill_p, convert_to_tensor(value), shape=_shape_argument(dims))


def zeros(shape: Sequence[int], dtype: object = dtypes.float32) -> Tensor:
    """A tensor of zeros (``float32`` unless told)."""
    return fill(shape, convert_to_tensor(0, dtype=dtype))


def ones(shape: Sequence[int], dtype: object = dtypes.float32) -> Tensor:
    """A tensor of ones (``float32`` unless told)."""
    return fill(shape, convert_to_tensor(1, dtype=dtype))


def _range_rule(start: TensorSpec, limit: TensorSpec, delta: TensorSpec, *, length) -> TensorSpec:
    note("OP-6", "range of length %s", length)
    dtype = checks.check_same_dtype("range", start, limit, delta)
    checks.check_dtype("range", start, checks.NUMERIC)
    return TensorSpec((length,), dtype)


def _range_kernel(start: np.ndarray, limit: np.ndarray, delta: np.ndarray, *, length) -> np.ndarray:
    if delta == 0:
        raise errors.InvalidArgumentError("Requires delta != 0")
    return np.arange(start, limit, delta, dtype=start.dtype)


range_p = Primitive("range", _range_rule, _range_kernel)
gradients.not_differentiable(range_p)


def range(start: object, limit: object = None, delta: object = 1, dtype: object = None) -> Tensor:
    """``[start, start + delta, ...)`` up to ``limit``, like Python's ``range``."""
    if limit is None:
        start, limit = 0, start
    values = (start, limit, delta)
    if dtype is None:
        tensors = [v for v in values if isinstance(v, Tensor)]
        floating = any(isinstance(v, float) for v in values)
        dtype = tensors[0].dtype if tensors else (dtypes.float32 if floating else dtypes.int32)
    start, limit, delta = (convert_to_tensor(v, dtype=dtype) for v in values)
    length = None
    if all(hasattr(v, "_value") for v in (start, limit, delta)) and delta._value != 0:
        length = len(np.arange(start._value, limit._value, delta._value))
    return bind(range_p, start, limit, delta, length=length)
