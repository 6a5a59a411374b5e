"""Ops that move elements around: reshape, concat, stack, gather, slicing, identity (OP-5, OP-6).

Their static shape rules are TensorFlow's shape inference: a problem the
static shapes prove is a ``ValueError`` at trace time; anything that needs an
unknown dimension or rank is checked by the kernel when the op runs. Every
kernel checks every shape and index itself, so eagerly and in a graph a bad
value is an ``InvalidArgumentError`` with TensorFlow's text, never a crash.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from .. import context, dtypes, errors, gradients, policies
from ..conversion import convert_to_tensor, listed_inputs, op_input
from ..graph import constant_value, name_scope
from ..primitive import Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import Shape, TensorSpec
from ..verbose import note
from . import checks
from .adjoints import (
    broadcast_like,
    concat_part,
    concat_part_p,
    gather_grad,
    gather_grad_p,
    reshape_like,
    scalar,
    strided_slice_grad,
    strided_slice_grad_p,
)

identity_p = Primitive("identity", lambda x: x, lambda x: x.copy(), node_name="Identity")


@gradients.defvjp(identity_p)
def _identity_vjp(ct, x, **_):
    return ct


def identity(x: object, name: str | None = None) -> Tensor:
    """A tensor with the same value as ``x``."""
    with name_scope(name or "Identity") as scope:
        return bind(identity_p, convert_to_tensor(x, name="input"), name=scope)


def static_int(op: str, param: str, value: object) -> int:
    """An integer argument the reference needs before the graph runs (an axis)."""
    if isinstance(value, Tensor):
        known = constant_value(value)
        if known is None:
            raise TypeError(f"{op}: the reference needs `{param}` before the graph runs (a Python "
                            f"int or a constant); it does not model a computed {param}, got {value!r}.")
        value = known
    if not isinstance(value, (numbers.Integral, np.integer)) and not (
            isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.ndim == 0):
        raise TypeError(f"Expected int32 for argument '{param}', got {value!r} of type "
                        f"'{type(value).__name__}' instead.")
    return int(value)


def shape_argument(op: str, param: str, value: object, attr: str) -> tuple[tuple[int, ...], int]:
    """A shape given as data (``reshape``'s ``shape``, ``fill``'s ``dims``): int32 or int64 values.

    The reference needs them before the graph runs: Python ints, NumPy data, a
    fully known ``TensorShape`` or a constant tensor; it does not model shapes
    computed in the graph.
    """
    tensor = op_input(op, param, value, hint=dtypes.int32)
    try:
        checks.check_allowed(op, param, tensor.spec, checks.INTEGER, attr)
    except checks.DtypeError as error:
        raise checks.surfaced(op, error) from None
    data = constant_value(tensor)
    if data is None:
        raise TypeError(f"{op}: the reference needs `{param}` before the graph runs (a list of "
                        f"ints, NumPy data or a constant); it does not model a computed {param}, "
                        f"got {tensor!r}.")
    return tuple(int(d) for d in np.ravel(data)), np.ndim(data)


# -- reshape ---------------------------------------------------------------------------------

def _reshape_rule(x: TensorSpec, *, shape: tuple[int, ...]) -> TensorSpec:
    """OP-6: at most one -1; sizes are checked as far as the static shapes go."""
    note("OP-6", "reshape to %s", list(shape))
    wildcards = [i for i, d in enumerate(shape) if d == -1]
    out: Shape = tuple(None if d == -1 else d for d in shape)
    if len(wildcards) > 1 or x.shape is None:
        return TensorSpec(out, x.dtype)  # only the kernel can check these
    known_out = math.prod(d for d in shape if d != -1)
    shown = "[" + ",".join("?" if d == -1 else str(d) for d in shape) + "]"
    known_in = math.prod(d for d in x.shape if d is not None)  # type: ignore[misc]
    if None not in x.shape:
        if not wildcards and known_in != known_out:
            raise checks.ShapeError(f"Cannot reshape a tensor with {known_in} elements to shape "
                                    f"{shown} ({known_out} elements)")
        if wildcards and known_out == 0:
            if known_in != 0:
                raise checks.ShapeError(f"Cannot reshape a tensor with {known_in} elements to "
                                        f"shape {shown} (0 elements)")
            return TensorSpec(out, x.dtype)
        if wildcards:
            if known_in % known_out:
                raise checks.ShapeError(f"Dimension size must be evenly divisible by {known_out} "
                                        f"but is {known_in}")
            out = tuple(known_in // known_out if d == -1 else d for d in shape)
        return TensorSpec(out, x.dtype)
    if not wildcards and known_in and known_out % known_in:
        raise checks.ShapeError(f"Dimension size must be evenly divisible by {known_in} but is "
                                f"{known_out}")
    return TensorSpec(out, x.dtype)


def _reshape_kernel(x: np.ndarray, *, shape: tuple[int, ...]) -> np.ndarray:
    """OP-6: TensorFlow's Reshape kernel; a -1 is inferred even next to zero-sized dimensions."""
    wildcards = [i for i, d in enumerate(shape) if d == -1]
    for i, d in enumerate(shape):
        if d < -1:
            raise errors.InvalidArgumentError(f"Size {i} must be non-negative, not {d}")
    if len(wildcards) > 1:
        raise errors.InvalidArgumentError(
            f"Only one input size may be -1, not both {wildcards[0]} and {wildcards[1]}")
    has_zero = 0 in shape
    product = math.prod(d for d in shape if d > 0)
    target = list(shape)
    if wildcards:
        counted = math.prod(d for d in x.shape if d > 0 or not has_zero)
        input_has_zero = has_zero and 0 in x.shape
        missing = counted // product if product else 0
        if not input_has_zero and product * missing != counted:
            raise errors.InvalidArgumentError(
                f"Input to reshape is a tensor with {counted} values, but the requested shape "
                f"requires a multiple of {product}")
        target[wildcards[0]] = missing
    if math.prod(target) != x.size:
        raise errors.InvalidArgumentError(
            f"Input to reshape is a tensor with {x.size} values, but the requested shape has "
            f"{math.prod(target)}")
    return x.reshape(target)


reshape_p = Primitive("reshape", _reshape_rule, _reshape_kernel, node_name="Reshape")


@gradients.defvjp(reshape_p)
def _reshape_vjp(ct, x, **_):
    return reshape_like(ct, x)


def reshape(x: object, shape: object, name: str | None = None) -> Tensor:
    """Same elements, new shape; one dimension may be -1."""
    with name_scope(name or "Reshape") as scope:
        tensor = op_input("reshape", "tensor", x)
        dims, _ = shape_argument("reshape", "shape", shape, "Tshape")
        if any(d < -1 for d in dims) and not context.executing_eagerly():
            bad = next(d for d in dims if d < -1)
            raise ValueError(f"Invalid value in tensor used for shape: {bad}")
        return bind(reshape_p, tensor, shape=dims, name=scope)


# -- concat and stack ------------------------------------------------------------------------

def _concat_rule(*specs: TensorSpec, axis: int) -> TensorSpec:
    """OP-6: the first known rank is not 0, the other ranks agree with it, and every dimension but
    ``axis`` (checked from the last input back)."""
    note("OP-6", "concat of %d tensors along axis %d", len(specs), axis)
    dtype = checks.check_list_dtype("concat", "values", specs)
    ranks = [len(s.shape) for s in specs if s.shape is not None]
    if ranks and ranks[0] == 0:
        raise checks.ShapeError("Can't concatenate scalars (use ts.stack instead)")
    for rank in ranks[1:]:
        if rank != ranks[0]:
            raise checks.ShapeError(f"Shape must be rank {ranks[0]} but is rank {rank}")
    least = -axis if axis < 0 else axis + 1
    for rank in ranks:
        if rank < least:
            raise checks.ShapeError(f"Shape must be at least rank {least} but is rank {rank}")
    if not ranks:
        return TensorSpec(None, dtype)
    rank = ranks[0]
    where = axis % rank
    known = [s.shape for s in specs if s.shape is not None]
    others = [i for i in range(rank) if i != where]
    merged = [known[-1][i] for i in others]
    for shape in reversed(known[:-1]):
        mine = [shape[i] for i in others]
        merged = _merge(mine, merged, "")
    middle = [s.shape[where] if s.shape is not None else None for s in specs]
    dims = list(merged)
    dims.insert(where, None if None in middle else sum(middle))  # type: ignore[arg-type]
    return TensorSpec(tuple(dims), dtype)


def _merge(a: Sequence[int | None], b: Sequence[int | None], context: str) -> list[int | None]:
    """Two shapes that must agree where both are known (TensorFlow's ``Merge``)."""
    if len(a) != len(b):
        raise checks.ShapeError(f"Shapes must be equal rank, but are {len(a)} and {len(b)}{context}")
    merged = []
    for index, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            raise checks.ShapeError(
                f"Dimension {index} in both shapes must be equal, but are {x} and {y}. Shapes are "
                f"{checks.shape_text(tuple(a))} and {checks.shape_text(tuple(b))}.{context}")
        merged.append(x if x is not None else y)
    return merged


def _concat_kernel(*arrays: np.ndarray, axis: int) -> np.ndarray:
    first = arrays[0]
    if not (-first.ndim <= axis < first.ndim or first.ndim == axis == 0):  # the range first, as TF
        raise errors.InvalidArgumentError(
            "ConcatOp : Expected concatenating dimensions in the range "
            f"[{-first.ndim}, {first.ndim}), but got {axis}")
    if any(array.ndim == 0 for array in arrays):  # any scalar, before the ranks (probed on TF 2.21)
        raise errors.InvalidArgumentError("ConcatOp : Can't concatenate scalars (use ts.stack instead)")
    where = axis % first.ndim
    for index, array in enumerate(arrays[1:], start=1):
        shown = f"shape[0] = {checks.array_shape_text(first)} vs. shape[{index}] = " \
                f"{checks.array_shape_text(array)}"
        if array.ndim != first.ndim:
            raise errors.InvalidArgumentError(
                f"ConcatOp : Ranks of all input tensors should match: {shown}")
        for dim in range(first.ndim):
            if dim != where and array.shape[dim] != first.shape[dim]:
                raise errors.InvalidArgumentError(
                    f"ConcatOp : Dimension {dim} in both shapes must be equal: {shown}")
    return np.concatenate(arrays, axis=where)


def _stack_rule(*specs: TensorSpec, axis: int) -> TensorSpec:
    """OP-6: all shapes merge into one; ``axis`` is checked against its rank."""
    note("OP-6", "stack of %d tensors along axis %d", len(specs), axis)
    dtype = checks.check_list_dtype("stack", "values", specs)
    merged: Shape = specs[0].shape
    for index, spec in enumerate(specs[1:], start=1):
        if merged is None or spec.shape is None:
            merged = merged if spec.shape is None else spec.shape
            continue
        context = f"\n\tFrom merging shape {index - 1} with other shapes."
        merged = tuple(_merge(merged, spec.shape, context))
    if merged is None:
        return TensorSpec(None, dtype)
    rank = len(merged) + 1
    if not -rank <= axis < rank:
        raise checks.ShapeError(f"Invalid axis: {axis}; must be in [{-rank},{rank})")
    dims = list(merged)
    dims.insert(axis % rank, len(specs))
    return TensorSpec(tuple(dims), dtype)


def _stack_kernel(*arrays: np.ndarray, axis: int) -> np.ndarray:
    first = arrays[0]
    for index, array in enumerate(arrays[1:], start=1):
        if array.shape != first.shape:
            raise errors.InvalidArgumentError(
                f"Shapes of all inputs must match: values[0].shape = {checks.array_shape_text(first)}"
                f" != values[{index}].shape = {checks.array_shape_text(array)}")
    rank = first.ndim + 1
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(f"axis = {axis} not in [{-rank}, {rank})")
    return np.stack(arrays, axis=axis)


concat_p = Primitive("concat", _concat_rule, _concat_kernel, node_name="ConcatV2")
stack_p = Primitive("stack", _stack_rule, _stack_kernel, node_name="Pack")


@gradients.defvjp(concat_p)
def _concat_vjp(ct, *parts, axis, **_):
    return tuple(concat_part(ct, list(parts), axis, index) for index in range(len(parts)))


@gradients.defvjp(concat_part_p)
def _concat_part_vjp(ct, cotangent, *parts, axis, index, **_):
    pieces = [ct if i == index else broadcast_like(scalar(0, ct), part) for i, part in enumerate(parts)]
    return (concat(pieces, axis), *(None for _ in parts))


@gradients.defvjp(stack_p)
def _stack_vjp(ct, *parts, axis, **_):
    rank = None if ct.spec.shape is None else len(ct.spec.shape)
    where = axis if rank is None else axis % rank
    return tuple(ct[(slice(None),) * where + (index,)] for index in range(len(parts)))


def concat(values: object, axis: object, name: str = "concat") -> Tensor:
    """Join tensors of one dtype along an existing axis."""
    items = list(values) if isinstance(values, (list, tuple)) else [values]
    where = static_int("concat", "axis", axis)
    if len(items) == 1:
        with name_scope(name):
            return identity(items[0], name=name)
    with name_scope(name) as scope:
        return bind(concat_p, *listed_inputs("concat", items), axis=where, name=scope)


def stack(values: Sequence[object], axis: object = 0, name: str = "stack") -> Tensor:
    """Join tensors of one dtype and shape along a new axis."""
    where = static_int("stack", "axis", axis)
    items = list(values)
    if where == 0:  # TensorFlow converts the whole list as one value first, if it can
        try:
            return convert_to_tensor(items, name=name)
        except (TypeError, ValueError):
            pass
    else:  # and checks another axis against the first value, converted alone
        first = convert_to_tensor(items[0], name=name).spec.shape
        rank = None if first is None else len(first) + 1
        if rank is not None and not -rank <= where < rank:
            raise ValueError(f"Argument `axis` = {where} not in range [{-rank}, {rank})")
    return pack(items, where, name)


def pack(values: Sequence[object], axis: int = 0, name: str = "packed") -> Tensor:
    """A list holding tensors as one tensor (``convert_to_tensor`` of the list): a stack."""
    with name_scope(name) as scope:
        return bind(stack_p, *listed_inputs("stack", list(values)), axis=axis, name=scope)


# -- gather ---------------------------------------------------------------------------------

def _gather_rule(params: TensorSpec, indices: TensorSpec, *, axis: int) -> TensorSpec:
    note("OP-6", "gather along axis %d", axis)
    checks.check_allowed("gather", "indices", indices, checks.INTEGER, "Tindices")
    if params.shape is None:
        return TensorSpec(None, params.dtype)
    least = -axis if axis < 0 else axis + 1
    if len(params.shape) < max(least, 1):
        raise checks.ShapeError(f"Shape must be at least rank {max(least, 1)} but is rank "
                                f"{len(params.shape)}")
    if indices.shape is None:
        return TensorSpec(None, params.dtype)
    where = axis % len(params.shape)
    shape = params.shape[:where] + indices.shape + params.shape[where + 1:]
    if (policies.current().runtime_checks == "jax-values" and params.shape[where] == 0
            and 0 not in shape and None not in shape):
        note("ERROR-2", "runtime_checks='jax-values': a non-empty gather from an empty axis")
        raise IndexError("Cannot do a non-empty jnp.take() from an empty axis.")
    return TensorSpec(shape, params.dtype)


def _gather_kernel(params: np.ndarray, indices: np.ndarray, *, axis: int) -> np.ndarray:
    if params.ndim == 0:
        raise errors.InvalidArgumentError("params must be at least 1 dimensional")
    least = -axis if axis < 0 else axis + 1
    if params.ndim < least:
        raise errors.InvalidArgumentError(
            f"Shape must be at least rank {least} but is rank {params.ndim}")
    size = params.shape[axis]
    where = axis % params.ndim
    out_shape = params.shape[:where] + indices.shape + params.shape[where + 1:]
    if math.prod(out_shape) == 0:  # nothing to copy, so no index is checked
        return np.zeros(out_shape, dtype=params.dtype)
    if policies.current().runtime_checks == "jax-values":
        return _filled_gather(params, indices, where)
    bad = np.argwhere((np.atleast_1d(indices) < 0) | (np.atleast_1d(indices) >= size))
    if bad.size:
        position = tuple(int(i) for i in bad[0])
        where = "" if indices.ndim == 0 else "[" + ",".join(map(str, position)) + "]"
        value = indices[()] if indices.ndim == 0 else indices[position]
        raise errors.InvalidArgumentError(f"indices{where} = {value} is not in [0, {size})")
    return np.take(params, indices, axis=axis)


gather_p = Primitive("gather", _gather_rule, _gather_kernel, node_name="GatherV2")


@gradients.defvjp(gather_p)
def _gather_vjp(ct, params, indices, *, axis, **_):
    """Dense: a repeated index adds up its cotangents (TensorFlow gives ``IndexedSlices``)."""
    return gather_grad(ct, indices, params, axis), None


@gradients.defvjp(gather_grad_p)
def _gather_grad_vjp(ct, cotangent, indices, like, *, axis, **_):
    return gather(ct, indices, axis), None, None


def _filled_gather(params: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    """ERROR-2 under ``runtime_checks="jax-values"``: index ``i`` of an axis of size ``n`` is valid
    if ``-n <= i < n`` (negative counts from the end); an invalid one gives a slice of the fill
    value: ``nan`` for floats, the least integer for integers, ``True`` for bool."""
    size = params.shape[axis]
    valid = (indices >= -size) & (indices < size)
    if not valid.all():
        note("ERROR-2", "runtime_checks='jax-values': a gather index outside [-%d, %d) is filled", size, size)
    taken = np.take(params, np.where(valid, indices, 0), axis=axis)
    kind = params.dtype.kind
    fill = np.nan if kind == "f" else np.iinfo(params.dtype).min if kind in "iu" else True
    invalid = (~valid).reshape((1,) * axis + indices.shape + (1,) * (params.ndim - axis - 1))
    return np.where(invalid, np.array(fill, params.dtype), taken)


def gather(params: object, indices: object, axis: object = 0, name: str | None = None) -> Tensor:
    """Pick slices of ``params`` along ``axis``; out-of-range indices fail at run time."""
    with name_scope(name or "GatherV2") as scope:
        return bind(gather_p, op_input("gather", "params", params),
                    op_input("gather", "indices", indices), axis=static_int("gather", "axis", axis),
                    name=scope)


# -- slicing --------------------------------------------------------------------------------

class Dynamic:
    """An index or slice bound that is a tensor: known only when the graph runs."""

    def __init__(self, position: int):
        self.position = position  # which extra input of the slice holds it

    def __repr__(self) -> str:
        return f"<input {self.position + 1}>"


_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), ts.newaxis (`None`) and "
                     "scalar ts.int32/ts.int64 tensors are valid indices")


def _expand(index: tuple, rank: int) -> list[object]:
    """Line the index up with the dimensions: ``...`` becomes full slices."""
    consumed = sum(1 for item in index if item is not None and item is not Ellipsis)
    expanded: list[object] = []
    for item in index:
        if item is Ellipsis:
            expanded.extend([slice(None)] * (rank - consumed))
        else:
            expanded.append(item)
    if Ellipsis not in index:
        expanded.extend([slice(None)] * (rank - consumed))
    return expanded


def _slice_problems(index: tuple, rank: int, dims: Sequence[int | None]) -> str | None:
    """OP-5: what is wrong with ``index`` for a tensor of these dimensions, as TensorFlow says it."""
    if sum(1 for item in index if item is Ellipsis) > 1:
        return "Multiple ellipses in slice spec not allowed"
    for position, item in enumerate(index):
        if isinstance(item, slice) and isinstance(item.step, int) and item.step == 0:
            return f"strides[{position}] must be non-zero"
    consumed = sum(1 for item in index if item is not None and item is not Ellipsis)
    if rank == 0 and consumed:
        return "Attempting to slice scalar input."
    if consumed > rank:
        return f"Index out of range using input dim {rank}; input has only {rank} dims"
    dim_index = 0
    for item in _expand(index, rank):
        if item is None:
            continue
        dim = dims[dim_index]
        if isinstance(item, int) and dim is not None:
            normalised = item + dim if item < 0 else item
            if not 0 <= normalised < dim:
                if policies.current().runtime_checks != "jax-values":
                    return f"slice index {normalised} of dimension {dim_index} out of bounds."
                if dim == 0:
                    note("OP-5", "runtime_checks='jax-values': an integer index of an empty dimension")
                    raise IndexError(f"index is out of bounds for axis {dim_index} with size 0")
                note("OP-5", "runtime_checks='jax-values': index %d is clamped into a dimension of "
                             "size %d", item, dim)
        dim_index += 1
    return None


def _slice_rule(x: TensorSpec, *bounds: TensorSpec, index: tuple) -> TensorSpec:
    """OP-5: static checks where the dimensions are known; the kernel checks the rest."""
    note("OP-5", "slicing with %r", index)
    for spec in bounds:
        checks.check_allowed("strided_slice", "begin", spec, checks.INTEGER, "Index")
    if x.shape is None:
        return TensorSpec(None, x.dtype)
    problem = _slice_problems(index, len(x.shape), x.shape)
    if problem:
        raise checks.ShapeError(problem)
    dims: list[int | None] = []
    position = 0
    for item in _expand(index, len(x.shape)):
        if item is None:
            dims.append(1)
            continue
        dim = x.shape[position]
        if isinstance(item, slice):
            static = all(b is None or isinstance(b, int) for b in (item.start, item.stop, item.step))
            dims.append(len(range(*item.indices(dim))) if dim is not None and static else None)
        position += 1
    return TensorSpec(tuple(dims), x.dtype)


def _slice_kernel(x: np.ndarray, *bounds: np.ndarray, index: tuple) -> np.ndarray:
    """OP-5: the run-time checks, then NumPy's basic indexing."""
    def value(item):
        return int(bounds[item.position]) if isinstance(item, Dynamic) else item

    concrete = tuple(
        slice(value(i.start), value(i.stop), value(i.step)) if isinstance(i, slice) else value(i)
        for i in index
    )
    problem = _slice_problems(concrete, x.ndim, x.shape)
    if problem:
        raise errors.InvalidArgumentError(problem)
    if policies.current().runtime_checks == "jax-values":
        concrete = _clamped(concrete, x.shape)
    return np.asarray(x[concrete])


def _clamped(index: tuple, dims: Sequence[int]) -> tuple:
    """OP-5 under ``runtime_checks="jax-values"``: an integer index ``i`` of a dimension of size
    ``n`` counts from the end if negative (``i + n``), then is clamped into ``[0, n - 1]``."""
    clamped: list[object] = []
    position = 0
    for item in _expand(index, len(dims)):
        if isinstance(item, int):
            size = dims[position]
            item = min(max(item + size if item < 0 else item, 0), size - 1)
        clamped.append(item)
        position += item is not None
    return tuple(clamped)


strided_slice_p = Primitive("strided_slice", _slice_rule, _slice_kernel, node_name="StridedSlice")


@gradients.defvjp(strided_slice_p)
def _strided_slice_vjp(ct, x, *bounds, index, **_):
    return (strided_slice_grad(ct, x, bounds, index), *(None for _ in bounds))


@gradients.defvjp(strided_slice_grad_p)
def _strided_slice_grad_vjp(ct, cotangent, like, *bounds, index, **_):
    return (bind(strided_slice_p, ct, *bounds, index=index), None, *(None for _ in bounds))


def strided_slice(x: Tensor, index: object) -> Tensor:
    """``x[index]``: ints, slices, ``...``, ``None`` and scalar integer tensors (``Tensor.__getitem__``)."""
    if isinstance(index, (bool, np.bool_)) or (
            isinstance(index, (Tensor, np.ndarray)) and dtypes.as_dtype(index.dtype) == dtypes.bool_):
        if np.ndim(index) == 0 if not isinstance(index, Tensor) else index.spec.shape == ():
            raise ValueError("mask cannot be scalar.")
        raise TypeError("Indexing with a boolean mask (ts.boolean_mask) is not modelled by the "
                        "reference.")
    items = index if isinstance(index, (tuple, list)) else (index,)
    bounds: list[Tensor] = []

    def part(item: object) -> object:
        if isinstance(item, (numbers.Integral, np.integer)):
            return int(item)
        if isinstance(item, np.ndarray) and item.ndim == 0 and item.dtype.kind in "iu":
            return int(item)
        spec = item.spec if isinstance(item, Tensor) else None
        vector = spec is not None and spec.shape is not None and len(spec.shape) == 1
        if spec is None or spec.dtype not in checks.INTEGER or vector:
            raise TypeError(f"{_SLICE_TYPE_ERROR}, got {item!r}")
        known = constant_value(item)  # type: ignore[arg-type]
        if known is not None and np.ndim(known) == 0:
            return int(known)
        bounds.append(item)  # type: ignore[arg-type]
        return Dynamic(len(bounds) - 1)

    normalised: list[object] = []
    for item in items:
        if isinstance(item, slice):
            normalised.append(slice(*(None if b is None else part(b)
                                      for b in (item.start, item.stop, item.step))))
        elif item is None or item is Ellipsis:
            normalised.append(item)
        else:
            normalised.append(part(item))
    with name_scope("strided_slice") as scope:
        return bind(strided_slice_p, x, *bounds, index=tuple(normalised), name=scope)
