"""Reductions over axes: sum, mean, max, min (OP-6).

``axis=None`` reduces everything (a scalar, even when the rank is unknown).
Every axis must lie in ``[-rank, rank)``: checked while tracing when the rank
is known, else by the kernel. The sum of integers wraps; their mean is taken
without wrapping and truncates toward zero, as TensorFlow's is. ``reduce_max``/``reduce_min`` of
an empty tensor give the dtype's lowest/highest value (``-inf``/``inf`` for floats).
"""

from __future__ import annotations

import math

import numpy as np

from .. import context, dtypes, errors, gradients
from ..conversion import computed_dtype, op_input
from ..graph import constant_value, name_scope
from ..primitive import PRIMITIVES, Primitive, bind
from ..tensor import EagerTensor, Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks
from .adjoints import broadcast_like, ones_like, scalar
from .arithmetic import cast, flush_subnormals
from .comparison import equal
from .shaping import static_int


def _axes(op: str, axis: object) -> tuple[int, ...] | None:
    """The axes to reduce: an int, a list of ints, or a constant tensor of them."""
    if axis is None:
        return None
    if isinstance(axis, Tensor) and constant_value(axis) is not None:
        axis = constant_value(axis)
    if isinstance(axis, (list, tuple)) or (isinstance(axis, np.ndarray) and axis.ndim == 1):
        return tuple(static_int(op, "axis", a) for a in axis)  # type: ignore[union-attr]
    return (static_int(op, "axis", axis),)


def _reduce_rule(name: str):
    def rule(x: TensorSpec, *, axis: tuple[int, ...] | None, keepdims: bool) -> TensorSpec:
        note("OP-6", "%s over axis %s", name, axis)
        checks.check_allowed(name, "input", x, checks.NUMERIC)
        if x.shape is None:
            return TensorSpec(() if axis is None and not keepdims else None, x.dtype)
        rank = len(x.shape)
        for a in axis or ():
            if not -rank <= a < rank:
                raise checks.ShapeError(f"Invalid reduction dimension {a} for input with {rank} "
                                        "dimensions.")
        reduced = set(range(rank)) if axis is None else {a % rank for a in axis}
        dims = tuple(
            1 if i in reduced else d for i, d in enumerate(x.shape) if keepdims or i not in reduced
        )
        return TensorSpec(dims, x.dtype)

    return rule


def _sum(x: np.ndarray, axis, keepdims) -> np.ndarray:
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _mean(x: np.ndarray, axis, keepdims) -> np.ndarray:
    if x.dtype.kind == "f":
        total = np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        count = x.size // max(total.size, 1) if x.size else 0
        return (total / x.dtype.type(count)).astype(x.dtype)  # NaN for an empty mean
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)  # no wrap before dividing
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


def _reduce_kernel(kernel):
    def run(x: np.ndarray, *, axis, keepdims) -> np.ndarray:
        for a in axis or ():
            if not -x.ndim <= a < x.ndim:
                raise errors.InvalidArgumentError(
                    f"Invalid reduction dimension ({a} for input with {x.ndim} dimension(s)")
        where = None if axis is None else tuple(sorted({a % x.ndim for a in axis}))
        with np.errstate(all="ignore"):
            result = kernel(flush_subnormals(x), where, keepdims)
        return flush_subnormals(np.asarray(result, dtype=x.dtype))

    return run


def _reduction(op_name: str, node_name: str, kernel):
    primitive = Primitive(op_name, _reduce_rule(op_name), _reduce_kernel(kernel), node_name=node_name)

    def op(input_tensor: object, axis: object = None, keepdims: bool = False,
           name: str | None = None) -> Tensor:
        axes = _axes(op_name, axis)
        graph = context.current_graph()
        if axes is None and graph is not None:
            # TensorFlow computes the axes of a full reduction with nodes of its own, whose
            # names are then taken (TENSOR-3): a constant, or Rank and range when the rank
            # is 0 or unknown.
            rank = input_tensor.ndim if isinstance(input_tensor, Tensor) else None
            if rank:
                graph.own(EagerTensor(np.arange(rank, dtype=np.int32), dtypes.int32))
            else:
                graph.unique_name("Rank")
                graph.unique_name("range")
        with name_scope(name or node_name) as scope:
            x = op_input(op_name, "input", input_tensor)
            computed = computed_dtype(op_name, x.dtype)
            return bind(primitive, x if computed is None else cast(x, computed), axis=axes,
                        keepdims=bool(keepdims), name=scope)

    op.__name__ = op_name
    op.__doc__ = f"``{op_name}`` over ``axis`` (all axes when None)."
    return op


reduce_sum = _reduction("reduce_sum", "Sum", _sum)
reduce_mean = _reduction("reduce_mean", "Mean", _mean)
reduce_max = _reduction("reduce_max", "Max", _extreme(np.max, -np.inf, "min"))
reduce_min = _reduction("reduce_min", "Min", _extreme(np.min, np.inf, "max"))


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
