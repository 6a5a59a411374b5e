"""Ops that move elements around: reshape, concat, stack, gather, slicing, identity."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import errors, gradients
from ..conversion import convert_to_tensor, operands
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

identity_p = Primitive("identity", lambda x: x, lambda x: x.copy())


@gradients.defvjp(identity_p)
def _identity_vjp(ct, x, **_):
    return ct


def identity(x: object) -> Tensor:
    """A tensor with the same value as ``x``."""
    return bind(identity_p, convert_to_tensor(x))


def _reshape_rule(x: TensorSpec, *, shape: tuple[int, ...]) -> TensorSpec:
    note("OP-6", "reshape to %s", list(shape))
    wildcard = [i for i, d in enumerate(shape) if d == -1]
    if len(wildcard) > 1:
        raise ValueError(f"reshape: at most one dimension may be -1, got {list(shape)}.")
    known = x.shape is not None and None not in x.shape
    size = math.prod(x.shape) if known else None  # type: ignore[arg-type]
    fixed = math.prod(d for d in shape if d != -1)
    if not wildcard:
        if size is not None and size != fixed:
            raise ValueError(
                f"Cannot reshape a tensor with {size} elements to shape {list(shape)} "
                f"({fixed} elements) for 'reshape'."
            )
        return TensorSpec(shape, x.dtype)
    if size is None:
        out: Shape = tuple(None if d == -1 else d for d in shape)
    elif fixed == 0 or size % fixed:
        raise ValueError(
            f"Cannot reshape a tensor with {size} elements to shape {list(shape)} for 'reshape'."
        )
    else:
        out = tuple(size // fixed if d == -1 else d for d in shape)
    return TensorSpec(out, x.dtype)


def _reshape_kernel(x: np.ndarray, *, shape: tuple[int, ...]) -> np.ndarray:
    try:
        return x.reshape(shape)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Input to reshape is a tensor with {x.size} values, but the requested shape "
            f"has {int(np.prod(shape))}"
        ) from None


reshape_p = Primitive("reshape", _reshape_rule, _reshape_kernel)


@gradients.defvjp(reshape_p)
def _reshape_vjp(ct, x, **_):
    return reshape_like(ct, x)


def reshape(x: object, shape: Sequence[int]) -> Tensor:
    """Same elements, new shape; one dimension may be -1."""
    return bind(reshape_p, convert_to_tensor(x), shape=tuple(int(d) for d in shape))


def _join_rule(name: str, stacking: bool):
    def rule(*specs: TensorSpec, axis: int) -> TensorSpec:
        note("OP-6", "%s of %d tensors along axis %d", name, len(specs), axis)
        if not specs:
            raise ValueError(f"{name} needs at least one tensor.")
        dtype = checks.check_same_dtype(name, *specs)
        shapes = [s.shape for s in specs]
        if any(s is None for s in shapes):
            return TensorSpec(None, dtype)
        ranks = {len(s) for s in shapes}  # type: ignore[arg-type]
        if len(ranks) > 1:
            raise ValueError(f"{name}: all inputs must have the same rank, got {shapes}.")
        rank = ranks.pop()
        out_rank = rank + 1 if stacking else rank
        where = checks.normalize_axis(axis, out_rank, name)
        dims: list[int | None] = []
        for i in range(rank):
            column = {s[i] for s in shapes if s[i] is not None}  # type: ignore[index]
            if stacking or i != where:
                if len(column) > 1:
                    raise ValueError(f"{name}: dimension {i} differs between inputs: {shapes}.")
                dims.append(column.pop() if column and len(column) == 1 else None)
            else:
                parts = [s[i] for s in shapes]  # type: ignore[index]
                dims.append(None if None in parts else sum(parts))  # type: ignore[arg-type]
        if stacking:
            dims.insert(where, len(specs))
        return TensorSpec(tuple(dims), dtype)

    return rule


def _join_kernel(numpy_join, name: str):
    def run(*arrays: np.ndarray, axis: int) -> np.ndarray:
        try:
            return numpy_join(arrays, axis=axis)
        except (ValueError, np.exceptions.AxisError) as error:
            raise errors.InvalidArgumentError(f"{name}: {error}") from None

    return run


concat_p = Primitive("concat", _join_rule("concat", False), _join_kernel(np.concatenate, "concat"))
stack_p = Primitive("stack", _join_rule("stack", True), _join_kernel(np.stack, "stack"))


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


def concat(values: Sequence[object], axis: int) -> Tensor:
    """Join tensors of one dtype along an existing axis."""
    return bind(concat_p, *operands(*values), axis=int(axis))


def stack(values: Sequence[object], axis: int = 0) -> Tensor:
    """Join tensors of one dtype and shape along a new axis."""
    return bind(stack_p, *operands(*values), axis=int(axis))


def _gather_rule(params: TensorSpec, indices: TensorSpec, *, axis: int) -> TensorSpec:
    note("OP-6", "gather along axis %d", axis)
    checks.check_dtype("gather", indices, checks.INTEGER)
    if params.shape is None or indices.shape is None:
        return TensorSpec(None, params.dtype)
    where = checks.normalize_axis(axis, len(params.shape), "gather")
    shape = params.shape[:where] + indices.shape + params.shape[where + 1 :]
    return TensorSpec(shape, params.dtype)


def _gather_kernel(params: np.ndarray, indices: np.ndarray, *, axis: int) -> np.ndarray:
    size = params.shape[axis]
    bad = np.argwhere((np.atleast_1d(indices) < 0) | (np.atleast_1d(indices) >= size))
    if bad.size:
        position = tuple(int(i) for i in bad[0])
        where = "" if indices.ndim == 0 else "[" + ",".join(map(str, position)) + "]"
        value = indices[()] if indices.ndim == 0 else indices[position]
        raise errors.InvalidArgumentError(f"indices{where} = {value} is not in [0, {size})")
    return np.take(params, indices, axis=axis)


gather_p = Primitive("gather", _gather_rule, _gather_kernel)


@gradients.defvjp(gather_p)
def _gather_vjp(ct, params, indices, *, axis, **_):
    """Dense: a repeated index adds up its cotangents (TensorFlow gives ``IndexedSlices``)."""
    return gather_grad(ct, indices, params, axis), None


@gradients.defvjp(gather_grad_p)
def _gather_grad_vjp(ct, cotangent, indices, like, *, axis, **_):
    return gather(ct, indices, axis), None, None


def gather(params: object, indices: object, axis: int = 0) -> Tensor:
    """Pick slices of ``params`` along ``axis``; out-of-range indices fail at run time."""
    return bind(gather_p, convert_to_tensor(params), convert_to_tensor(indices), axis=int(axis))


# Basic slicing: ints, slices with int bounds, ``...`` and ``None``.
Index = tuple[object, ...]


def _expand_index(index: Index, rank: int) -> list[object]:
    """Replace ``...`` by full slices so that every entry lines up with a dimension."""
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


def _slice_rule(x: TensorSpec, *, index: Index) -> TensorSpec:
    """OP-5: a static bounds check when the dimension is known."""
    note("OP-5", "slicing with %r", index)
    if x.shape is None:
        return TensorSpec(None, x.dtype)
    consumed = sum(1 for item in index if item is not None and item is not Ellipsis)
    if consumed > len(x.shape):
        raise ValueError(f"Index {index!r} has too many entries for a rank {len(x.shape)} tensor.")
    dims: list[int | None] = []
    position = 0
    for item in _expand_index(index, len(x.shape)):
        if item is None:
            dims.append(1)
            continue
        dim = x.shape[position]
        if isinstance(item, int):
            if dim is not None and not -dim <= item < dim:
                raise ValueError(f"slice index {item} of dimension {position} out of bounds.")
        else:
            assert isinstance(item, slice)
            dims.append(None if dim is None else len(range(*item.indices(dim))))
        position += 1
    return TensorSpec(tuple(dims), x.dtype)


def _slice_kernel(x: np.ndarray, *, index: Index) -> np.ndarray:
    """OP-5: the run-time bounds check."""
    for position, item in enumerate(i for i in _expand_index(index, x.ndim) if i is not None):
        if isinstance(item, int) and not -x.shape[position] <= item < x.shape[position]:
            raise errors.InvalidArgumentError(
                f"slice index {item} of dimension {position} out of bounds."
            )
    return np.asarray(x[index])


strided_slice_p = Primitive("strided_slice", _slice_rule, _slice_kernel)


@gradients.defvjp(strided_slice_p)
def _strided_slice_vjp(ct, x, *, index, **_):
    return strided_slice_grad(ct, x, index)


@gradients.defvjp(strided_slice_grad_p)
def _strided_slice_grad_vjp(ct, cotangent, like, *, index, **_):
    return strided_slice(ct, index), None


def strided_slice(x: Tensor, index: object) -> Tensor:
    """``x[index]`` for basic indexing with Python ints, slices, ``...`` and ``None``."""
    items = index if isinstance(index, tuple) else (index,)
    normalised: list[object] = []
    for item in items:
        if isinstance(item, slice):
            bounds = (item.start, item.stop, item.step)
            if not all(b is None or isinstance(b, int) for b in bounds):
                raise TypeError(f"Only Python int slice bounds are supported, got {item!r}.")
            if item.step == 0:
                raise ValueError("slice step cannot be zero")
            normalised.append(item)
        elif item is None or item is Ellipsis or (isinstance(item, int) and not isinstance(item, bool)):
            normalised.append(item)
        else:
            raise TypeError(
                f"Only integers, slices (`:`), ellipsis (`...`) and None are valid indices, "
                f"got {item!r}."
            )
    return bind(strided_slice_p, x, index=tuple(normalised))
