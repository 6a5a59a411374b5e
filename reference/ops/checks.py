"""Shared checks of the ops' shape and dtype rules (their abstract evaluation), with TensorFlow's texts.

A rule raises ``DtypeError`` (a ``TypeError``) for a dtype problem and
``ShapeError`` (a ``ValueError``) for a static shape problem. While tracing
they surface as they are, at trace time (OP-4, OP-2); the graph adds the node
and its input shapes to a shape error's message, as TensorFlow's shape
inference does. Eagerly a dtype error becomes ``InvalidArgumentError`` with
the text TensorFlow's eager kernels use (``eager_message``), and a shape error
is left to the kernel, which checks every shape itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import context, dtypes, errors, policies
from ..tensor_spec import Shape, TensorSpec
from ..verbose import note

NUMERIC = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)
FLOATING = (dtypes.float32, dtypes.float64)
INTEGER = (dtypes.int32, dtypes.int64)


class DtypeError(TypeError):
    """A dtype rule violation: its text at trace time, and ``eager_message`` for eager kernels."""

    def __init__(self, message: str, eager_message: str):
        super().__init__(message)
        self.eager_message = eager_message


class ShapeError(ValueError):
    """A static shape rule violation (trace time); eagerly the kernel reports the same problem."""


def surfaced(op: str, error: Exception) -> Exception:
    """A rule violation found outside ``bind`` (in an op's static arguments), as ``bind`` shows it.

    Eagerly: ``InvalidArgumentError`` with the kernel's text (under
    ``eager_op_errors="as-traced"``, the error itself); while tracing: the error itself.
    """
    if context.current_graph() is not None or policies.current().eager_op_errors == "as-traced":
        return plain(error)
    message = getattr(error, "eager_message", str(error))
    return errors.InvalidArgumentError(f"{message} [Op:{op}]")


def plain(error: Exception) -> Exception:
    """A rule's error as the built-in the user sees: ``TypeError`` or ``ValueError``."""
    return TypeError(str(error)) if isinstance(error, TypeError) else ValueError(str(error))


# -- dtypes ---------------------------------------------------------------------------------

def check_allowed(op: str, param: str, spec: TensorSpec, allowed: Sequence[dtypes.DType],
                  attr: str = "T") -> None:
    """OP-4: the op does not support this dtype (``sqrt`` of an integer, ``add`` of booleans)."""
    if spec.dtype not in allowed:
        raise DtypeError(
            f"Value passed to parameter '{param}' has DataType {spec.dtype.name} not in list of "
            f"allowed values: {', '.join(d.name for d in allowed)}",
            f"Value for attr '{attr}' of {spec.dtype.c_name} is not in the list of allowed "
            f"values: {', '.join(d.c_name for d in allowed)}",
        )


def check_same_dtype(op: str, params: Sequence[str], *specs: TensorSpec, offset: int = 0) -> dtypes.DType:
    """TENSOR-2: inputs that share a dtype must have one dtype; nothing is promoted.

    ``offset``: the op's inputs before these (the eager message counts every input).
    """
    note("TENSOR-2", "%s needs one dtype for all its operands", op)
    first = specs[0].dtype
    for index, spec in enumerate(specs[1:], start=1):
        if spec.dtype != first:
            raise DtypeError(
                f"Input '{params[min(index, len(params) - 1)]}' of '{op}' Op has type "
                f"{spec.dtype.name} that does not match type {first.name} of argument "
                f"'{params[0]}'.",
                _wrong_input(op, offset + index, first, spec.dtype),
            )
    return first


def check_list_dtype(op: str, param: str, specs: Sequence[TensorSpec], offset: int = 0) -> dtypes.DType:
    """TENSOR-2: the tensors of a list input (``concat``, ``stack``) must have one dtype."""
    note("TENSOR-2", "the tensors passed to %s need one dtype", op)
    first = specs[0].dtype
    for index, spec in enumerate(specs):
        if spec.dtype != first:
            names = ", ".join(s.dtype.name for s in specs)
            raise DtypeError(
                f"Tensors in list passed to '{param}' of '{op}' Op have types [{names}] that "
                "don't all match.",
                _wrong_input(op, offset + index, first, spec.dtype),
            )
    return first


def check_fixed_dtype(op: str, param: str, index: int, spec: TensorSpec, dtype: dtypes.DType) -> None:
    """An input whose dtype the op fixes (the condition of ``where``, logical operands)."""
    if spec.dtype != dtype:
        raise DtypeError(
            f"Input '{param}' of '{op}' Op has type {spec.dtype.name} that does not match "
            f"expected type of {dtype.name}.",
            _wrong_input(op, index, dtype, spec.dtype),
        )


def _wrong_input(op: str, index: int, want: dtypes.DType, got: dtypes.DType) -> str:
    return (f"cannot compute {op} as input #{index}(zero-based) was expected to be a "
            f"{want.c_name} tensor but is a {got.c_name} tensor")


# -- shapes ---------------------------------------------------------------------------------

def broadcast_shapes(op: str, x: Shape, y: Shape, incompatible: str = "error") -> Shape:
    """OP-2: the static shape of a broadcast, as TensorFlow's shape inference computes it.

    Dimensions align from the right; a missing or size-1 dimension stretches. A
    known dimension next to an unknown one wins when it is not 1 (the run time
    checks the rest). Known dimensions that differ are an error, or, for ``==``
    (``incompatible="scalar"``), make the result a scalar; there an unknown
    dimension next to a known one leaves the whole shape unknown.
    """
    note("OP-2", "%s broadcasts its operands' shapes", op)
    if x is None or y is None:
        return None
    rank = max(len(x), len(y))
    xs, ys = (1,) * (rank - len(x)) + tuple(x), (1,) * (rank - len(y)) + tuple(y)
    dims: list[int | None] = []
    for a, b in zip(xs, ys):
        if a is not None and b is not None:
            if a == 1 or a == b:
                dims.append(b)
            elif b == 1:
                dims.append(a)
            elif incompatible == "scalar":
                return ()
            else:
                raise ShapeError(f"Dimensions must be equal, but are {a} and {b}")
        elif a is None and b is None:
            dims.append(None)
        else:
            known = a if b is None else b
            if known != 1 and incompatible == "scalar":
                return None
            dims.append(known if known > 1 else None)  # type: ignore[operator]
    return tuple(dims)


def shape_text(shape: Shape) -> str:
    """A shape as TensorFlow's shape inference prints it: ``[2,?]``, ``?`` for an unknown rank."""
    if shape is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def array_shape_text(array: np.ndarray) -> str:
    """A concrete shape as TensorFlow's kernels print it: ``[2,3]``."""
    return "[" + ",".join(map(str, array.shape)) + "]"


def kernel_broadcast(*arrays: np.ndarray) -> None:
    """OP-2: the kernel-side shape check: incompatible shapes are a run-time error."""
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        listed = " vs. ".join(array_shape_text(a) for a in arrays)
        raise errors.InvalidArgumentError(f"Incompatible shapes: {listed}") from None


def normalize_axis(axis: int, rank: int, message: str) -> int:
    """``axis`` in ``[-rank, rank)`` as a non-negative index; ``ShapeError(message)`` otherwise."""
    if not -rank <= axis < rank:
        raise ShapeError(message)
    return axis % rank
