"""TENSOR-5: Python operators on tensors, as one table installed on ``Tensor``.

``x + 1`` is ``ts.add(x, 1)``: a Python operand takes the tensor's dtype when it
can (TENSOR-1). A reflected operator (``1.5 + x``) insists on the tensor's dtype,
as TensorFlow does. ``==`` and ``!=`` are elementwise; incompatible shapes
compare unequal (a scalar ``False``/``True``), and ``None`` is simply unequal.
Importing this module installs the table (``reference/__init__.py`` does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conversion import convert_to_tensor
from .ops import arithmetic, comparison, shaping
from .tensor import Tensor
from .verbose import note


def _operand(other: Any, tensor: Tensor) -> Tensor:
    """A non-tensor operand must convert to the tensor's dtype (``TypeError`` otherwise)."""
    return other if isinstance(other, Tensor) else convert_to_tensor(other, dtype=tensor.dtype)


def _forward(op: Callable[..., Tensor]) -> Callable[..., Tensor]:
    return lambda self, other: op(self, other)


def _reflected(op: Callable[..., Tensor]) -> Callable[..., Tensor]:
    return lambda self, other: op(_operand(other, self), self)


def _equality(op: Callable[..., Tensor], if_none: bool) -> Callable[..., Any]:
    def compare(self: Tensor, other: Any) -> Any:
        note("TENSOR-5", "== and != are elementwise")
        if other is None:
            return if_none
        return op(self, _operand(other, self), incompatible_shapes=False)

    return compare


BINARY = {
    "add": arithmetic.add, "sub": arithmetic.subtract, "mul": arithmetic.multiply,
    "truediv": arithmetic.divide, "floordiv": arithmetic.floordiv, "mod": arithmetic.mod,
    "pow": arithmetic.pow, "matmul": arithmetic.matmul,
}

TABLE: dict[str, Callable[..., Any]] = {
    **{f"__{name}__": _forward(op) for name, op in BINARY.items()},
    **{f"__r{name}__": _reflected(op) for name, op in BINARY.items()},
    "__neg__": arithmetic.negative,
    "__abs__": arithmetic.abs,
    "__lt__": _forward(comparison.less),
    "__le__": _forward(comparison.less_equal),
    "__gt__": _forward(comparison.greater),
    "__ge__": _forward(comparison.greater_equal),
    "__eq__": _equality(comparison.equal, if_none=False),
    "__ne__": _equality(comparison.not_equal, if_none=True),
    "__and__": _forward(comparison.logical_and),
    "__or__": _forward(comparison.logical_or),
    "__invert__": comparison.logical_not,
    "__getitem__": shaping.strided_slice,
}


def install() -> None:
    """Put every operator of ``TABLE`` on ``Tensor``."""
    for name, method in TABLE.items():
        setattr(Tensor, name, method)


install()
