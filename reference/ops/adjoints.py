"""The ops gradient rules are made of: undoing broadcasts, reductions, reshapes, gathers and slices.

Each works from the *runtime* shape of a ``like`` input, so a rule traced with unknown
dimensions still computes the right shape. They come in transposed pairs, each the other's
gradient: ``sum_to`` and ``broadcast_like``; ``gather_grad``, ``strided_slice_grad`` and
``concat_part`` are the transposes of ``gather``, slicing and ``concat`` (their rules are
registered in ``shaping.py``, beside their partners). ``stop_gradient`` lives here too: the
identity through which no gradient flows.
"""

from __future__ import annotations

import numpy as np

from .. import errors, gradients
from ..conversion import convert_to_tensor
from ..primitive import Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec


def _like_rule(x: TensorSpec, like: TensorSpec, **_) -> TensorSpec:
    return TensorSpec(like.shape, x.dtype)


def _expanded(shape: tuple[int, ...], axes: tuple[int, ...]) -> list[int]:
    """``shape`` with a 1 inserted at each of ``axes`` (the axes a reduction removed)."""
    dims = list(shape)
    for axis in sorted(axes):
        dims.insert(axis, 1)
    return dims


def _sum_to_kernel(x: np.ndarray, like: np.ndarray, *, axes: tuple[int, ...]) -> np.ndarray:
    """Sum ``x`` over the axes a broadcast to its shape added (leading ones and 1-sized ones)."""
    target = _expanded(like.shape, axes)
    lead = x.ndim - len(target)
    if lead < 0:
        raise errors.InvalidArgumentError(f"sum_to: cannot sum {list(x.shape)} to {list(like.shape)}")
    summed = tuple(range(lead)) + tuple(
        lead + i for i, t in enumerate(target) if t == 1 and x.shape[lead + i] != 1)
    with np.errstate(all="ignore"):
        total = np.sum(x, axis=summed, keepdims=True, dtype=x.dtype) if summed else x
    return total.reshape(like.shape)


def _broadcast_like_kernel(x: np.ndarray, like: np.ndarray, *, axes: tuple[int, ...]) -> np.ndarray:
    """Broadcast ``x`` (with 1s inserted at ``axes``) to the shape of ``like``."""
    expanded = np.expand_dims(x, axes) if axes else x
    try:
        return np.broadcast_to(expanded, like.shape).copy()
    except ValueError:
        raise errors.InvalidArgumentError(
            f"broadcast_like: cannot broadcast {list(x.shape)} to {list(like.shape)}") from None


sum_to_p = Primitive("sum_to", _like_rule, _sum_to_kernel, node_name="Sum")
broadcast_like_p = Primitive("broadcast_like", _like_rule, _broadcast_like_kernel, node_name="BroadcastTo")


def sum_to(x: Tensor, like: Tensor, axes: tuple[int, ...] = ()) -> Tensor:
    """``x`` summed down to the shape of ``like``: the gradient of a broadcast (or a reduction)."""
    return bind(sum_to_p, x, like, axes=tuple(axes))


def broadcast_like(x: Tensor, like: Tensor, axes: tuple[int, ...] = ()) -> Tensor:
    """``x`` broadcast to the shape of ``like``, after inserting 1s at ``axes``."""
    return bind(broadcast_like_p, x, like, axes=tuple(axes))


@gradients.defvjp(sum_to_p)
def _sum_to_vjp(ct, x, like, *, axes, **_):
    return broadcast_like(ct, x, axes), None


@gradients.defvjp(broadcast_like_p)
def _broadcast_like_vjp(ct, x, like, *, axes, **_):
    return sum_to(ct, x, axes), None


def scalar(value: float, like: Tensor) -> Tensor:
    """The Python number ``value`` as a scalar tensor of ``like``'s dtype."""
    return convert_to_tensor(value, dtype=like.dtype)


def zeros_like(x: Tensor) -> Tensor:
    return broadcast_like(scalar(0, x), x)


def ones_like(x: Tensor) -> Tensor:
    return broadcast_like(scalar(1, x), x)


def _same_rule(x: TensorSpec) -> TensorSpec:
    return x


def _transpose_rule(x: TensorSpec) -> TensorSpec:
    shape = None if x.shape is None else (*x.shape[:-2], *x.shape[-2:][::-1])
    return TensorSpec(shape, x.dtype)


transpose_p = Primitive("transpose", _transpose_rule, lambda x: np.ascontiguousarray(np.swapaxes(x, -1, -2)),
                        node_name="Transpose")


def transpose(x: Tensor) -> Tensor:
    """The transpose of (a batch of) matrices: the gradient of ``matmul`` needs it."""
    return bind(transpose_p, x)


@gradients.defvjp(transpose_p)
def _transpose_vjp(ct, x, **_):
    return transpose(ct)


def _reshape_like_kernel(x: np.ndarray, like: np.ndarray) -> np.ndarray:
    return x.reshape(like.shape)


reshape_like_p = Primitive("reshape_like", _like_rule, _reshape_like_kernel, node_name="Reshape")


def reshape_like(x: Tensor, like: Tensor) -> Tensor:
    """``x`` reshaped to the shape of ``like`` (the gradient of ``reshape``)."""
    return bind(reshape_like_p, x, like)


@gradients.defvjp(reshape_like_p)
def _reshape_like_vjp(ct, x, like, **_):
    return reshape_like(ct, x), None


sign_p = Primitive("sign", _same_rule, np.sign, node_name="Sign")


def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1 (NaN stays NaN): the gradient of ``abs``."""
    return bind(sign_p, x)


@gradients.defvjp(sign_p)
def _sign_vjp(ct, x, **_):
    return zeros_like(x)  # TensorFlow: zeros, not None


def _gather_grad_rule(ct: TensorSpec, indices: TensorSpec, like: TensorSpec, *, axis: int) -> TensorSpec:
    return TensorSpec(like.shape, ct.dtype)


def _gather_grad_kernel(ct: np.ndarray, indices: np.ndarray, like: np.ndarray, *, axis: int) -> np.ndarray:
    """Scatter-add ``ct`` into zeros shaped like the gathered tensor; repeated indices add up."""
    out = np.zeros(like.shape, ct.dtype)
    with np.errstate(all="ignore"):
        np.add.at(out, (slice(None),) * (axis % like.ndim) + (indices,), ct)
    return out


gather_grad_p = Primitive("gather_grad", _gather_grad_rule, _gather_grad_kernel,
                          node_name="UnsortedSegmentSum")


def gather_grad(ct: Tensor, indices: Tensor, like: Tensor, axis: int) -> Tensor:
    """The gradient of ``gather``, dense (TensorFlow returns the same as ``IndexedSlices``)."""
    return bind(gather_grad_p, ct, indices, like, axis=axis)


def _slice_grad_rule(ct: TensorSpec, like: TensorSpec, *bounds: TensorSpec, index) -> TensorSpec:
    return TensorSpec(like.shape, ct.dtype)


def concrete_index(index: tuple, bounds: tuple[np.ndarray, ...]) -> tuple:
    """A slice's index with its tensor bounds (the items that name an extra input) filled in."""
    def value(item):
        return int(bounds[item.position]) if hasattr(item, "position") else item

    return tuple(slice(value(i.start), value(i.stop), value(i.step)) if isinstance(i, slice) else value(i)
                 for i in index)


def _slice_grad_kernel(ct: np.ndarray, like: np.ndarray, *bounds: np.ndarray, index) -> np.ndarray:
    """``ct`` placed where the slice came from, zeros elsewhere."""
    out = np.zeros(like.shape, ct.dtype)
    out[concrete_index(index, bounds)] = ct
    return out


strided_slice_grad_p = Primitive("strided_slice_grad", _slice_grad_rule, _slice_grad_kernel,
                                 node_name="StridedSliceGrad")


def strided_slice_grad(ct: Tensor, like: Tensor, bounds: tuple[Tensor, ...], index: tuple) -> Tensor:
    """The gradient of ``x[index]`` (``bounds``: the slice's tensor bounds)."""
    return bind(strided_slice_grad_p, ct, like, *bounds, index=index)


def _concat_part_rule(ct: TensorSpec, *parts: TensorSpec, axis: int, index: int) -> TensorSpec:
    return TensorSpec(parts[index].shape, ct.dtype)


def _concat_part_kernel(ct: np.ndarray, *parts: np.ndarray, axis: int, index: int) -> np.ndarray:
    """The slice of ``ct`` along ``axis`` that ``parts[index]`` occupied in the concatenation."""
    where = axis % ct.ndim
    start = sum(p.shape[where] for p in parts[:index])
    chosen = (slice(None),) * where + (slice(start, start + parts[index].shape[where]),)
    return ct[chosen].copy()


concat_part_p = Primitive("concat_part", _concat_part_rule, _concat_part_kernel, node_name="Slice")


def concat_part(ct: Tensor, parts: list[Tensor], axis: int, index: int) -> Tensor:
    """The gradient of ``concat`` for its input number ``index``."""
    return bind(concat_part_p, ct, *parts, axis=axis, index=index)


stop_gradient_p = Primitive("stop_gradient", _same_rule, lambda x: x.copy(), node_name="StopGradient")
gradients.not_differentiable(stop_gradient_p)


def stop_gradient(input: object) -> Tensor:
    """The same value, but no gradient flows back through it (GRAD-4)."""
    return bind(stop_gradient_p, convert_to_tensor(input))
