"""Ops that make new tensors: zeros, ones, fill, range (OP-6).

Shapes are data (``int32`` or ``int64`` values): a negative dimension is an
error, at trace time when the shape is a constant. ``zeros`` and ``ones`` are
``float32`` unless told, and of any dtype: ``zeros`` of ``bool`` is ``False``,
of ``string`` the empty string. ``range`` infers the widest dtype of its
arguments (``int32`` < ``int64`` < ``float32`` < ``float64``), casts them to
it, and computes ``start + i * delta``; a range that runs the wrong way, or a
zero ``delta``, is an error (at trace time when all three are constants).
"""

from __future__ import annotations

import math

import numpy as np

from .. import context, dtypes, errors, gradients
from ..conversion import constant, convert_to_tensor, op_input
from ..graph import constant_value, exact, name_scope
from ..primitive import Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks
from .arithmetic import cast
from .reduction import reduce_sum
from .shaping import shape_argument


def _fill_rule(value: TensorSpec, *, shape: tuple[int, ...], dims_rank: int = 1) -> TensorSpec:
    note("OP-6", "fill of shape %s", list(shape))
    if dims_rank != 1:
        raise checks.ShapeError(f"Shape must be rank 1 but is rank {dims_rank}")
    if any(d < 0 for d in shape):
        raise checks.ShapeError("Fill dimensions must be >= 0")
    if value.shape is not None and value.shape != ():
        raise checks.ShapeError(f"Shape must be rank 0 but is rank {len(value.shape)}")
    return TensorSpec(shape, value.dtype)


def _fill_kernel(value: np.ndarray, *, shape: tuple[int, ...], dims_rank: int = 1) -> np.ndarray:
    for dim in shape:
        if dim < 0:
            raise errors.InvalidArgumentError(f"Dimension {dim} must be >= 0")
    if value.size != 1 or value.ndim > 1:
        raise errors.InvalidArgumentError(
            f"value must represent a scalar, got shape {checks.array_shape_text(value)}")
    return np.full(shape, value.reshape(()))


fill_p = Primitive("fill", _fill_rule, _fill_kernel, node_name="Fill")


@gradients.defvjp(fill_p)
def _fill_vjp(ct, value, **_):
    """Every element is the value: its cotangent is the sum (GRAD-5)."""
    return reduce_sum(ct)


def fill(dims: object, value: object, name: str | None = None) -> Tensor:
    """A tensor of shape ``dims`` with every element equal to the scalar ``value``.

    Eagerly ``dims`` may be a single int; a trace checks that it is a vector.
    """
    with name_scope(name or "Fill") as scope:
        scalar = op_input("fill", "value", value)  # converted first, as TensorFlow's fill does
        shape, rank = shape_argument("fill", "dims", dims, "index_type")
        rank = 1 if context.executing_eagerly() else rank
        return bind(fill_p, scalar, shape=shape, dims_rank=rank, name=scope)


def _filled(shape: object, dtype: object, value: object, name: str) -> Tensor:
    target = dtypes.as_dtype(dtype)
    with name_scope(name) as scope:
        if not context.executing_eagerly() and not isinstance(shape, Tensor):
            small = _small_shape(shape)  # a trace makes a small one a constant, as TensorFlow does
            if small is not None:
                return constant(value, dtype=target, shape=small, name=exact(scope))
        if not isinstance(shape, Tensor):  # as TensorFlow's zeros and ones convert it
            shape = convert_to_tensor(shape, dtype=dtypes.int32, name="shape")
        dims, _ = shape_argument("fill", "dims", shape, "index_type")
        return bind(fill_p, constant(value, dtype=target), shape=dims, name=scope)


def _small_shape(shape: object) -> tuple[int, ...] | None:
    try:
        dims = tuple(int(d) for d in shape)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return dims if all(d >= 0 for d in dims) and math.prod(dims) < 1000 else None


def zeros(shape: object, dtype: object = dtypes.float32) -> Tensor:
    """A tensor of zeros (``float32`` unless told; ``False`` for ``bool``, ``b""`` for ``string``)."""
    target = dtypes.as_dtype(dtype)
    zero = False if target.is_bool else "" if target == dtypes.string else 0
    return _filled(shape, target, zero, "zeros")


def ones(shape: object, dtype: object = dtypes.float32) -> Tensor:
    """A tensor of ones (``float32`` unless told; ``True`` for ``bool``)."""
    target = dtypes.as_dtype(dtype)
    return _filled(shape, target, True if target.is_bool else 1, "ones")


# -- range ----------------------------------------------------------------------------------

_RANGE_ORDER = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)
_RANGE_PARAMS = ("start", "limit", "delta")


def _range_problem(start, limit, delta, eager: bool) -> str | None:
    if delta == 0:
        return f"Requires delta != 0: {_number(delta)}" if eager else "Requires delta != 0"
    if delta > 0 and start > limit:
        return f"Requires start <= limit when delta > 0: {_number(start)}/{_number(limit)}"
    if delta < 0 and start < limit:
        return f"Requires start >= limit when delta < 0: {_number(start)}/{_number(limit)}"
    return None


def _number(value) -> str:
    """A number as TensorFlow's C++ prints it: ``5``, ``1.5``."""
    if isinstance(value, (np.floating, float)):
        return np.format_float_positional(value, trim="-")
    return str(value)


def _range_length(start, limit, delta) -> int:
    if isinstance(start, (np.integer, int)):
        return (abs(int(limit) - int(start)) + abs(int(delta)) - 1) // abs(int(delta))
    return math.ceil(abs((float(limit) - float(start)) / float(delta)))


def _range_rule(start: TensorSpec, limit: TensorSpec, delta: TensorSpec, *, values) -> TensorSpec:
    note("OP-6", "range")
    for name, spec in zip(_RANGE_PARAMS, (start, limit, delta)):
        if spec.shape is not None and spec.shape != ():
            raise checks.ShapeError(f"Shape must be rank 0 but is rank {len(spec.shape)}\n\t for '{name}'")
    dtype = checks.check_same_dtype("range", _RANGE_PARAMS, start, limit, delta)
    checks.check_allowed("range", "start", start, _RANGE_ORDER, "Tidx")
    if values is None:
        return TensorSpec((None,), dtype)
    problem = _range_problem(*values, eager=False)
    if problem:
        raise checks.ShapeError(problem)
    return TensorSpec((_range_length(*values),), dtype)


def _range_kernel(start: np.ndarray, limit: np.ndarray, delta: np.ndarray, *, values) -> np.ndarray:
    for name, value in zip(_RANGE_PARAMS, (start, limit, delta)):
        if value.ndim:
            raise errors.InvalidArgumentError(
                f"{name} must be a scalar, not shape {checks.array_shape_text(value)}")
    first, last, step = start[()], limit[()], delta[()]
    problem = _range_problem(first, last, step, eager=True)
    if problem:
        raise errors.InvalidArgumentError(problem)
    count = np.arange(_range_length(first, last, step), dtype=start.dtype)
    with np.errstate(all="ignore"):
        return (first + count * step).astype(start.dtype)


range_p = Primitive("range", _range_rule, _range_kernel, node_name="Range")
gradients.not_differentiable(range_p)


def range(start: object, limit: object = None, delta: object = 1, dtype: object = None) -> Tensor:
    """``[start, start + delta, ...)`` up to ``limit``, like Python's ``range``."""
    if limit is None:
        start, limit = 0, start
    want = None if dtype is None else dtypes.as_dtype(dtype)
    with name_scope("range") as scope:
        tensors = [v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=want, name=param)
                   for v, param in zip((start, limit, delta), _RANGE_PARAMS)]
        if want is None:
            for param, tensor in zip(_RANGE_PARAMS, tensors):
                if tensor.dtype not in _RANGE_ORDER:
                    raise TypeError(f"ts.range needs numbers, got a {tensor.dtype.name} {param}.")
            want = max((t.dtype for t in tensors), key=_RANGE_ORDER.index)
        known = [constant_value(t) for t in tensors]  # a trace knows constants, cast or not
        values = None if any(v is None or np.ndim(v) for v in known) else tuple(
            v[()].astype(want.numpy_dtype) for v in known)
        return bind(range_p, *(cast(t, want) for t in tensors), values=values, name=scope)
