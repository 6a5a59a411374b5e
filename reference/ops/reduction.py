"""Reductions over axes: sum, mean, max, min.

``axis=None`` reduces everything. The mean of integers truncates toward zero,
as TensorFlow's does. ``reduce_max``/``reduce_min`` of an empty tensor give
the dtype's lowest/highest value (``-inf``/``inf`` for floats).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import gradients
from ..conversion import convert_to_tensor
from ..primitive import PRIMITIVES, Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks
from .adjoints import broadcast_like, ones_like, scalar
from .arithmetic import cast
from .comparison import equal


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


# Gradient rules (GRAD-5): the cotangent is broadcast back over the reduced axes.
def _removed_axes(x, axis, keepdims) -> tuple[int, ...]:
    """The reduced axes the output lacks (none with ``keepdims``, or when everything is reduced)."""
    if keepdims or axis is None:
        return ()
    rank = None if x.spec.shape is None else len(x.spec.shape)
    if rank is None and any(a < 0 for a in axis):
        raise NotImplementedError("the gradient of a reduction over a negative axis of a tensor of "
                                  "unknown rank: not yet; give the axis as a non-negative number.")
    return tuple(sorted(a if rank is None else a % rank for a in axis))


@gradients.defvjp(PRIMITIVES["reduce_sum"])
def _sum_vjp(ct, x, *, axis, keepdims, **_):
    return broadcast_like(ct, x, _removed_axes(x, axis, keepdims))


def _count(x, out):
    """How many elements of ``x`` each element of the mean ``out`` averages."""
    shape, reduced = x.spec.shape, out.spec.shape
    if shape is not None and reduced is not None and None not in (*shape, *reduced):
        return scalar(math.prod(shape) // max(math.prod(reduced), 1), x)
    return reduce_sum(ones_like(x)) / reduce_sum(ones_like(out))


@gradients.defvjp(PRIMITIVES["reduce_mean"])
def _mean_vjp(ct, x, *, axis, keepdims, out):
    return broadcast_like(ct, x, _removed_axes(x, axis, keepdims)) / _count(x, out)


def _extreme_vjp(ct, x, *, axis, keepdims, out):
    """Elements equal to the extreme share its cotangent equally."""
    axes = _removed_axes(x, axis, keepdims)
    chosen = cast(equal(x, broadcast_like(out, x, axes)), x.dtype)
    count = broadcast_like(reduce_sum(chosen, axis, keepdims), x, axes)
    return chosen / count * broadcast_like(ct, x, axes)


gradients.defvjp(PRIMITIVES["reduce_max"])(_extreme_vjp)
gradients.defvjp(PRIMITIVES["reduce_min"])(_extreme_vjp)
