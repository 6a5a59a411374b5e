"""Tensors: eager ones hold a value, symbolic ones only a shape and a dtype.

``EagerTensor`` wraps a NumPy array. ``SymbolicTensor`` is an output of a node
in a graph being traced: it has no value, so it has no ``numpy`` attribute at
all, and asking for it raises TensorFlow's exact error,
``AttributeError: 'SymbolicTensor' object has no attribute 'numpy'``.
Both share the Python operators, which dispatch to the ops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes, errors
from .tensor_spec import Shape, TensorSpec, format_shape

if TYPE_CHECKING:
    from .graph import Graph, Node


class Tensor:
    """Common base of eager and symbolic tensors (``ts.Tensor``)."""

    dtype: dtypes.DType
    shape: Shape
    __array_priority__ = 100  # NumPy operands defer to the tensor's reflected operators

    @property
    def ndim(self) -> int | None:
        return None if self.shape is None else len(self.shape)

    @property
    def spec(self) -> TensorSpec:
        return TensorSpec(self.shape, self.dtype)

    def __hash__(self) -> int:
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def ref(self) -> TensorRef:
        """A hashable reference to this tensor, for use as a dict key."""
        return TensorRef(self)

    # Python operators. A Python operand takes the tensor's dtype when it can;
    # a reflected operator (``1.5 + t``) insists on it, as TensorFlow does.
    def _binary(self, op_name: str, other: Any, reflected: bool = False):
        from .ops import arithmetic

        op = getattr(arithmetic, op_name)
        if reflected:
            return op(_reflected_operand(other, self), self)
        return op(self, other)

    def __add__(self, other):
        return self._binary("add", other)

    def __radd__(self, other):
        return self._binary("add", other, reflected=True)

    def __sub__(self, other):
        return self._binary("subtract", other)

    def __rsub__(self, other):
        return self._binary("subtract", other, reflected=True)

    def __mul__(self, other):
        return self._binary("multiply", other)

    def __rmul__(self, other):
        return self._binary("multiply", other, reflected=True)

    def __truediv__(self, other):
        return self._binary("divide", other)

    def __rtruediv__(self, other):
        return self._binary("divide", other, reflected=True)

    def __floordiv__(self, other):
        return self._binary("floordiv", other)

    def __rfloordiv__(self, other):
        return self._binary("floordiv", other, reflected=True)

    def __mod__(self, other):
        return self._binary("mod", other)

    def __rmod__(self, other):
        return self._binary("mod", other, reflected=True)

    def __pow__(self, other):
        return self._binary("pow", other)

    def __rpow__(self, other):
        return self._binary("pow", other, reflected=True)

    def __matmul__(self, other):
        return self._binary("matmul", other)

    def __rmatmul__(self, other):
        return self._binary("matmul", other, reflected=True)

    def __neg__(self):
        from .ops import arithmetic

        return arithmetic.negative(self)

    def __abs__(self):
        from .ops import arithmetic

        return arithmetic.abs(self)

    def _compare(self, op_name: str, other: Any):
        from .ops import comparison

        return getattr(comparison, op_name)(self, other)

    def __lt__(self, other):
        return self._compare("less", other)

    def __le__(self, other):
        return self._compare("less_equal", other)

    def __gt__(self, other):
        return self._compare("greater", other)

    def __ge__(self, other):
        return self._compare("greater_equal", other)

    def __eq__(self, other):  # elementwise, as in TF2; incompatible shapes compare unequal
        from .ops import comparison

        if other is None:
            return False
        return comparison.equal(self, _reflected_operand(other, self), incompatible_shapes=False)

    def __ne__(self, other):
        from .ops import comparison

        if other is None:
            return True
        return comparison.not_equal(self, _reflected_operand(other, self), incompatible_shapes=False)

    def __and__(self, other):
        return self._compare("logical_and", other)

    def __or__(self, other):
        return self._compare("logical_or", other)

    def __invert__(self):
        from .ops import comparison

        return comparison.logical_not(self)

    def __getitem__(self, index):
        from .ops import shaping

        return shaping.strided_slice(self, index)


def _reflected_operand(other: Any, tensor: Tensor) -> Tensor:
    """A non-tensor operand must convert to the tensor's dtype (TypeError otherwise)."""
    return other if isinstance(other, Tensor) else convert_to_tensor(other, dtype=tensor.dtype)


class EagerTensor(Tensor):
    """A tensor with a value, produced by executing an op."""

    def __init__(self, value: np.ndarray, dtype: dtypes.DType):
        array = np.asarray(value, dtype=dtype.numpy_dtype)
        array.flags.writeable = False
        self._value = array
        self.dtype = dtype
        self.shape = array.shape

    def numpy(self) -> np.ndarray | np.generic:
        """The value as NumPy: an array, or a NumPy scalar for rank 0."""
        return self._value[()] if self._value.ndim == 0 else self._value.copy()

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._value, dtype=dtype)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __index__(self) -> int:
        if not self.dtype.is_integer:
            raise TypeError(f"Only integer scalar tensors can be used as an index, got {self!r}.")
        return int(self._value)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("Scalar tensor has no `len()`")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (EagerTensor(row, self.dtype) for row in self._value)

    def __repr__(self) -> str:
        text = _numpy_text(self._value, is_repr=True)
        if "\n" in text:
            text = "\n" + text
        return f"<ts.Tensor: shape={format_shape(self.shape)}, dtype={self.dtype.name}, numpy={text}>"

    def __str__(self) -> str:
        text = _numpy_text(self._value, is_repr=False)
        if "\n" in text:
            text = "\n" + text
        return f"ts.Tensor({text}, shape={format_shape(self.shape)}, dtype={self.dtype.name})"


def _numpy_text(value: np.ndarray, is_repr: bool) -> str:
    if value.ndim == 0:
        return repr(value.item()) if is_repr or value.dtype == object else str(value[()])
    return repr(value) if is_repr else str(value)


class SymbolicTensor(Tensor):
    """An output of a graph node: shape and dtype known, value not.

    It deliberately has no ``numpy`` method: asking for one is the seed
    example's ``AttributeError``.
    """

    def __init__(self, node: Node, index: int, spec: TensorSpec):
        self.node = node
        self.index = index
        self.dtype = spec.dtype
        self.shape = spec.shape

    @property
    def graph(self) -> Graph:
        return self.node.graph

    @property
    def name(self) -> str:
        return f"{self.node.name}:{self.index}"

    def __bool__(self) -> bool:
        raise errors.OperatorNotAllowedInGraphError(
            "Using a symbolic `ts.Tensor` as a Python `bool` is not allowed. Python control "
            "flow on a tensor needs the value, which only exists when the graph runs. Use "
            "`ts.where`, move the condition out of the function, or run the function eagerly."
        )

    def __iter__(self):
        raise errors.OperatorNotAllowedInGraphError(
            "Iterating over a symbolic `ts.Tensor` is not allowed. Iterate over a Python "
            "range or list instead, or run the function eagerly."
        )

    def __len__(self) -> int:
        raise TypeError(
            f"len is not well defined for a symbolic Tensor ({self.name}). "
            "Please call `x.shape` rather than `len(x)` for shape information."
        )

    def __repr__(self) -> str:
        return f"<ts.Tensor '{self.name}' shape={format_shape(self.shape)} dtype={self.dtype.name}>"

    def __str__(self) -> str:
        shape = "" if self.shape is None else f"shape={format_shape(self.shape)}, "
        return f'Tensor("{self.name}", {shape}dtype={self.dtype.name})'


class TensorRef:
    """Hashable wrapper returned by ``Tensor.ref()``; compares by identity."""

    def __init__(self, tensor: Tensor):
        self._tensor = tensor

    def deref(self) -> Tensor:
        return self._tensor

    def __hash__(self) -> int:
        return id(self._tensor)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorRef) and other._tensor is self._tensor


def is_tensor(value: object) -> bool:
    """True for eager and symbolic tensors."""
    return isinstance(value, Tensor)


def convert_to_tensor(value: object, dtype: object = None, dtype_hint: object = None) -> Tensor:
    """Turn ``value`` into a tensor (``ts.convert_to_tensor``).

    A tensor is returned as is (its dtype must match ``dtype``). A Python value
    gets ``dtype``, or ``dtype_hint`` when it converts to that exactly, or its
    own default dtype. Inside a trace the result is still an eager constant; it
    becomes a graph constant when an op uses it.
    """
    want = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if want is not None and value.dtype != want:
            raise ValueError(
                f"Tensor conversion requested dtype {want.name} for Tensor with dtype "
                f"{value.dtype.name}: {value!r}"
            )
        return value
    if want is None and dtype_hint is not None:
        hint = dtypes.as_dtype(dtype_hint)
        try:
            return _convert_python(value, hint)
        except (TypeError, ValueError):
            pass
    return _convert_python(value, want)


def constant(value: object, dtype: object = None, shape: object = None) -> EagerTensor:
    """An eager tensor holding ``value`` (``ts.constant``); NumPy input is cast to ``dtype``."""
    want = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, EagerTensor):
        value = value.numpy()
    elif isinstance(value, SymbolicTensor):
        raise TypeError(f"ts.constant needs a concrete value, got the symbolic tensor {value!r}.")
    tensor = _convert_python(value, want)
    if shape is not None:
        target = tuple(shape)  # type: ignore[arg-type]
        array = tensor.numpy()
        if np.size(array) == 1:
            array = np.full(target, array.reshape(()), dtype=tensor.dtype.numpy_dtype)
        else:
            array = np.reshape(array, target)
        tensor = EagerTensor(array, tensor.dtype)
    return tensor


def _convert_python(value: object, want: dtypes.DType | None) -> EagerTensor:
    """Python or NumPy data to an eager tensor of ``want`` (or the value's own dtype).

    NumPy data is cast to ``want``. A Python value converts only where no
    information is lost by kind: bool -> int/float, int -> float, never float -> int
    and nothing -> bool; otherwise ``TypeError``, as in TensorFlow.
    """
    if isinstance(value, (np.ndarray, np.generic)):
        own = dtypes.as_dtype(value.dtype)
        if want is None or want == own:
            return EagerTensor(np.asarray(value), own)
        if dtypes.string in (own, want):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {want.name}")
        with np.errstate(all="ignore"):
            return EagerTensor(np.asarray(value).astype(want.numpy_dtype), want)
    inferred = dtypes.infer_python_dtype(value)
    target = want or inferred
    try:
        array = np.array(value, dtype=object if target == dtypes.string else None)
    except ValueError:
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
    if array.dtype == object and target != dtypes.string:
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor.")
    if array.size and (_kind(inferred), _kind(target)) not in _LOSSLESS:
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {target.name}")
    if target == dtypes.string:
        return EagerTensor(np.vectorize(_to_bytes, otypes=[object])(array), target)
    if target.is_integer and not np.all(_fits(array, target)):
        raise ValueError(f"Can't convert Python int {value!r} to a {target.name} tensor.")
    return EagerTensor(array.astype(target.numpy_dtype), target)


_LOSSLESS = {("bool", "bool"), ("bool", "int"), ("bool", "float"), ("int", "int"),
             ("int", "float"), ("float", "float"), ("string", "string")}


def _kind(dtype: dtypes.DType) -> str:
    if dtype.is_integer:
        return "int"
    if dtype.is_floating:
        return "float"
    return dtype.name


def _fits(array: np.ndarray, dtype: dtypes.DType) -> np.ndarray:
    info = np.iinfo(dtype.numpy_dtype)
    as_objects = array.astype(object)
    return (as_objects >= info.min) & (as_objects <= info.max)


def _to_bytes(item: object) -> bytes:
    return item.encode() if isinstance(item, str) else bytes(item)
