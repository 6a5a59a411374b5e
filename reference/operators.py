"""TENSOR-5: Python operators on tensors, as one table installed on ``Tensor``.

Each operator is the op TensorFlow's operator table dispatches to, with its
conversion of a Python operand (TENSOR-2):

* ``x + 1`` converts ``1`` to ``x``'s dtype if it can (else to its own: then the
  dtypes mismatch); ``+`` joins strings;
* ``-``, ``//``, ``%``, ``**``, ``<``... convert as their ops do;
* ``*`` with a ``bool`` tensor on either side is a logical *and* of the
  operands read as integers (the result is ``bool``);
* ``/`` is true division, with the dtype check in Python (``TypeError`` in
  both modes, as TensorFlow's ``truediv``);
* ``&``, ``|``, ``^`` and ``~`` are logical on ``bool`` tensors and bitwise on integers;
* a reflected operator (``1.5 + x``) converts its Python operand to ``x``'s
  dtype, and raises ``TypeError`` when it cannot;
* ``==`` and ``!=`` are elementwise; incompatible shapes compare unequal (a
  scalar ``False``/``True``), and ``None`` is simply unequal.

Under ``type_promotion="jax-strict"`` (TENSOR-2) an operand JAX takes no array from (``None``,
a list, a string) makes the operator return ``NotImplemented``, so Python raises its own
``TypeError`` (``==`` is then ``False``), and ``*`` of ``bool`` tensors is the op's.

Importing this module installs the table (``reference/__init__.py`` does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import dtypes, policies
from .conversion import arraylike, convert_to_tensor
from .graph import exact, name_scope
from .ops import arithmetic, comparison, shaping
from .tensor import Tensor
from .verbose import note


def _mul(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``*``: with a ``bool`` tensor on either side, ``bool(int(x) * int(y))``, as TensorFlow."""
    if policies.current().type_promotion == "none" and any(isinstance(v, Tensor) and v.dtype.is_bool
                                                          for v in (x, y)):
        note("TENSOR-5", "* with a bool tensor multiplies the operands as integers")
        as_int = [arithmetic.cast(v, dtypes.int32) for v in (x, y)]
        return arithmetic.cast(arithmetic.multiply(*as_int, name=name), dtypes.bool_)
    return arithmetic.multiply(x, y, name=name)


def _bitwise(logical: Callable[..., Tensor], bitwise: Callable[..., Tensor]):
    def op(x: Any, y: Any, name: str | None = None) -> Tensor:
        tensor = x if isinstance(x, Tensor) else y  # a reflected operand may come first
        return logical(x, y, name=name) if tensor.dtype.is_bool else bitwise(x, y)

    return op


def _invert(x: Tensor) -> Tensor:
    return comparison.logical_not(x) if x.dtype.is_bool else arithmetic.invert(x)


BINARY: dict[str, Callable[..., Tensor]] = {
    "add": arithmetic.add, "sub": arithmetic.subtract, "mul": _mul, "truediv": arithmetic.truediv,
    "floordiv": arithmetic.floordiv, "mod": arithmetic.mod, "pow": arithmetic.pow,
    "matmul": arithmetic.matmul,
    "and": _bitwise(comparison.logical_and, arithmetic.bitwise_and),
    "or": _bitwise(comparison.logical_or, arithmetic.bitwise_or),
    "xor": _bitwise(comparison.logical_xor, arithmetic.bitwise_xor),
}


def _binary(name: str, op: Callable[..., Tensor]) -> Callable[..., Any]:
    """``self <op> other``, in a name scope of the operator's name (``add``, ``mul``...). If the
    op refuses, an operand with its own reflected operator (NumPy data) gets a chance, as
    TensorFlow's operator wrapper gives it."""
    def forward(self: Tensor, other: Any) -> Any:
        if _refused(name, self, other):
            return NotImplemented
        try:
            with name_scope(name) as scope:
                return op(self, other, name=exact(scope))
        except (TypeError, ValueError) as error:
            if policies.current().type_promotion == "jax-strict" or not hasattr(type(other), f"__r{name}__"):
                raise
            reflected = getattr(other, f"__r{name}__", None)
            if reflected is None:  # `type` has `__ror__` (for `int | str`), its instances do not
                raise AttributeError(f"'{type(other).__name__}' object has no attribute "
                                     f"'__r{name}__'") from None
            try:
                result = reflected(self)
            except (TypeError, ValueError):
                raise error from None
            if result is NotImplemented:
                raise
            return result

    return forward


def _reflected(name: str, op: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """``other <op> self``: ``other`` must convert to ``self``'s dtype (``TypeError`` otherwise);
    a weak ``self`` (TRACE-4) may take ``other``'s instead, as the op's inputs say."""
    def reflected(self: Tensor, other: Any) -> Tensor:
        if _refused(name, other, self):
            return NotImplemented
        note("TENSOR-5", "a reflected operator converts its Python operand to the tensor's dtype")
        with name_scope(name) as scope:
            if self.weak or policies.current().type_promotion == "jax-strict":
                return op(other, self, name=exact(scope))
            return op(convert_to_tensor(other, dtype=self.dtype, name="x"), self, name=exact(scope))

    return reflected


def _equality(op: Callable[..., Tensor], if_none: bool) -> Callable[..., Any]:
    def compare(self: Tensor, other: Any) -> Any:
        note("TENSOR-5", "== and != are elementwise")
        if other is None:
            return if_none
        if _refused("eq", self, other):
            return NotImplemented
        return op(self, other, incompatible_shapes=False)

    return compare


def _forward(op: Callable[..., Tensor]) -> Callable[..., Tensor]:
    return lambda self, other: NotImplemented if _refused("compare", self, other) else op(self, other)


_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
            "pow": "**", "matmul": "@", "and": "&", "or": "|", "xor": "^"}


def _refused(name: str, left: Any, right: Any) -> bool:
    """TENSOR-2 under ``type_promotion="jax-strict"``: whether JAX's operator refuses the
    operands, as ``NotImplemented``; a list or tuple is refused with a ``TypeError`` of its own."""
    other = right if isinstance(left, Tensor) else left
    if policies.current().type_promotion != "jax-strict" or arraylike(other):
        return False
    note("TENSOR-2", "type_promotion='jax-strict': an operator takes no %s", type(other).__name__)
    if isinstance(other, (list, tuple)) and name in _SYMBOLS:
        raise TypeError(f"unsupported operand type(s) for {_SYMBOLS[name]}: '{type(left).__name__}' and "
                        f"'{type(right).__name__}'")
    return True


TABLE: dict[str, Callable[..., Any]] = {
    **{f"__{name}__": _binary(name, op) for name, op in BINARY.items()},
    **{f"__r{name}__": _reflected(name, op) for name, op in BINARY.items()},
    "__neg__": arithmetic.negative,
    "__abs__": arithmetic.abs,
    "__invert__": _invert,
    "__lt__": _forward(comparison.less),
    "__le__": _forward(comparison.less_equal),
    "__gt__": _forward(comparison.greater),
    "__ge__": _forward(comparison.greater_equal),
    "__eq__": _equality(comparison.equal, if_none=False),
    "__ne__": _equality(comparison.not_equal, if_none=True),
    "__getitem__": shaping.strided_slice,
}


def install() -> None:
    """Put every operator of ``TABLE`` on ``Tensor``."""
    for name, method in TABLE.items():
        setattr(Tensor, name, method)


install()
