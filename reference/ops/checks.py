"""Shared checks of the ops' shape and dtype rules (their abstract evaluation)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import dtypes, errors
from ..tensor_spec import Shape, TensorSpec
from ..verbose import note

NUMERIC = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)
FLOATING = (dtypes.float32, dtypes.float64)
INTEGER = (dtypes.int32, dtypes.int64)


def check_dtype(op: str, spec: TensorSpec, allowed: Sequence[dtypes.DType]) -> None:
    if spec.dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise TypeError(
            f"Value passed to {op} has dtype {spec.dtype.name}, not in the allowed list: {names}."
        )


def check_same_dtype(op: str, *specs: TensorSpec) -> dtypes.DType:
    """TENSOR-2: operands must have one dtype; nothing is promoted."""
    note("TENSOR-2", "%s needs one dtype for all its operands", op)
    first = specs[0].dtype
    for index, spec in enumerate(specs[1:], start=1):
        if spec.dtype != first:
            raise TypeError(
                f"Input #{index} of '{op}' has type {spec.dtype.name} that does not match "
                f"type {first.name} of input #0."
            )
    return first


def broadcast_shapes(op: str, *shapes: Shape) -> Shape:
    """OP-2: NumPy broadcasting, with ``None`` for unknown dimensions and ranks."""
    note("OP-2", "%s broadcasts its operands' shapes", op)
    if any(s is None for s in shapes):
        return None
    rank = max(len(s) for s in shapes)  # type: ignore[arg-type]
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]  # type: ignore[arg-type]
    result: list[int | None] = []
    for dims in zip(*padded):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            text = " and ".join(str(d) for d in sorted(known))
            listed = ", ".join(_shape_list(s) for s in shapes)
            raise ValueError(
                f"Dimensions must be equal, but are {text} for '{op}' with input shapes: {listed}."
            )
        if known:
            result.append(known.pop())
        elif any(d is None for d in dims):
            result.append(None)
        else:
            result.append(1)
    return tuple(result)


def _shape_list(shape: Shape) -> str:
    return "?" if shape is None else "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def elementwise_kernel_broadcast(*arrays: np.ndarray) -> None:
    """OP-2: the kernel-side shape check: incompatible shapes are a run-time error."""
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        listed = " vs. ".join("[" + ",".join(map(str, a.shape)) + "]" for a in arrays)
        raise errors.InvalidArgumentError(f"Incompatible shapes: {listed}") from None


def normalize_axis(axis: int, rank: int | None, op: str) -> int:
    if rank is None:
        return axis
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for a rank {rank} input to '{op}'.")
    return axis % rank
