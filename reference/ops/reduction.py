"""Reductions over axes: sum, mean, max, min.

``axis=None`` reduces everything. The mean of integers truncates toward zero,
as TensorFlow's does. ``reduce_max``/``reduce_min`` of an empty tensor give
the dtype's lowest/highest value (``-inf``/``inf`` for floats).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..conversion import convert_to_tensor
from ..primitive import Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks


def _axes(axis: int | Sequence[int] | None) -> tuple[int, ...] | None:
    if axis is None:
        return None
    return (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)


def _reduce_rule(name: str):
    def rule(x: TensorSpec, *, axis: tuple[int, ...] | None, keepdims: bool) -> TensorSpec:
        note("OP-6", "%s over axis %s", name, axis)
        checks.check_dtype(name, x, checks.NUMERIC)
        if x.shape is None:
            return TensorSpec(None, x.dtype)
        rank = len(x.shape)
        reduced = set(range(rank)) if axis is None else {
            checks.normalize_axis(a, rank, name) for a in axis
        }
        dims = tuple(
            1 if i in reduced else d for i, d in enumerate(x.shape) if keepdims or i not in reduced
        )
        return TensorSpec(dims, x.dtype)

    return rule


def _sum(x: np.ndarray, axis, keepdims) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _mean(x: np.ndarray, axis, keepdims) -> np.ndarray:
    if x.dtype.kind == "f":
        with np.errstate(all="ignore"):
            return np.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
    count = x.size // max(total.size, 1) if x.size else 0
    if count == 0:
        return np.zeros_like(total, dtype=x.dtype)
    return (np.sign(total) * (np.abs(total) // count)).astype(x.dtype)


def _extreme(numpy_reduce, float_initial: float, int_attribute: str):
    def run(x: np.ndarray, axis, keepdims) -> np.ndarray:
        if x.dtype.kind == "f":
            initial = float_initial
        else:
            initial = getattr(np.iinfo(x.dtype), int_attribute)
        return numpy_reduce(x, axis=axis, keepdims=keepdims, initial=initial)

    return run


def _reduction(name: str, kernel):
    primitive = Primitive(
        name,
        _reduce_rule(name),
        lambda x, *, axis, keepdims: np.asarray(kernel(x, axis, keepdims), dtype=x.dtype),
    )

    def op(x: object, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return bind(primitive, convert_to_tensor(x), axis=_axes(axis), keepdims=bool(keepdims))

    op.__name__ = name
    op.__doc__ = f"``{name}`` over ``axis`` (all axes when None)."
    return op


reduce_sum = _reduction("reduce_sum", _sum)
reduce_mean = _reduction("reduce_mean", _mean)
reduce_max = _reduction("reduce_max", _extreme(np.max, -np.inf, "min"))
reduce_min = _reduction("reduce_min", _extreme(np.min, np.inf, "max"))
