"""Tensors: eager ones hold a value, symbolic ones only a shape and a dtype.

``EagerTensor`` wraps a NumPy array. ``SymbolicTensor`` is an output of a node
in a graph being traced: it has no value, so it has no ``numpy`` attribute at
all, and asking for it raises TensorFlow's exact error,
``AttributeError: 'SymbolicTensor' object has no attribute 'numpy'``.
Both get the Python operators from ``operators.py`` (TENSOR-5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import dtypes, errors, policies
from .tensor_shape import TensorShape
from .tensor_spec import Shape, TensorSpec, format_shape
from .verbose import note

if TYPE_CHECKING:
    from .graph import Graph, Node


class Tensor:
    """Common base of eager and symbolic tensors (``ts.Tensor``)."""

    _dtype: dtypes.DType
    _shape: Shape
    # TRACE-4 under python_scalar_arguments="weak-tensor": a Python scalar argument traced as a
    # weakly typed tensor (JAX's weak_type), and what is computed from weak tensors alone; an op
    # gives a weak operand the dtype of the others (conversion.weak_adopted).
    weak: bool = False
    __array_priority__ = 100  # NumPy operands defer to the tensor's reflected operators

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        """TENSOR-4: the static shape, as a ``TensorShape`` (partly or wholly unknown in a trace)."""
        return TensorShape(self._shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def ndim(self) -> int:
        """TENSOR-4: the rank, ``-1`` for an unknown rank (as TensorFlow's)."""
        return -1 if self._shape is None else len(self._shape)

    @property
    def spec(self) -> TensorSpec:
        return TensorSpec(self._shape, self.dtype)

    def __hash__(self) -> int:  # TENSOR-5: `==` is elementwise, so tensors cannot be hashed
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def ref(self) -> TensorRef:
        """A hashable reference to this tensor, for use as a dict key."""
        return TensorRef(self)


class EagerTensor(Tensor):
    """A tensor with a value, produced by executing an op."""

    def __init__(self, value: np.ndarray, dtype: dtypes.DType):
        dtype = dtypes.canonical(dtype)
        with np.errstate(all="ignore"):  # narrowed 64-bit data wraps or overflows, as in JAX
            array = np.array(value, dtype=dtype.numpy_dtype)  # a copy: the caller's array stays theirs
        array.flags.writeable = False
        self._value = array
        self._dtype = dtype
        self._shape = array.shape

    def numpy(self) -> np.ndarray | np.generic:
        """The value as NumPy: an array, or a NumPy scalar for rank 0."""
        return self._value[()] if self._value.ndim == 0 else self._value.copy()

    def __array__(self, dtype=None, copy=None):
        if copy:
            return np.array(self._value, dtype=dtype)
        return np.asarray(self._value, dtype=dtype)

    def __bool__(self) -> bool:
        value = self.numpy()
        if isinstance(value, np.ndarray) and value.size == 0:
            return False  # as TensorFlow's: an empty tensor is false
        return _as_python(bool, value)

    def __int__(self) -> int:
        return _as_python(int, _scalar_only(self.numpy()))

    def __float__(self) -> float:
        return _as_python(float, _scalar_only(self.numpy()))

    def __index__(self) -> int:
        return _as_python(lambda v: v.__index__(), self.numpy())

    def __format__(self, spec: str) -> str:
        return format(self.numpy(), spec)

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("Scalar tensor has no `len()`")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (EagerTensor(row, self.dtype) for row in self._value)

    def __repr__(self) -> str:
        note("TENSOR-3", "repr of an eager tensor")
        text = _numpy_text(self._value, is_repr=True)
        if "\n" in text:
            text = "\n" + text
        return f"<ts.Tensor: shape={format_shape(self._shape)}, dtype={self.dtype.name}, numpy={text}>"

    def __str__(self) -> str:
        note("TENSOR-3", "str of an eager tensor")
        text = _numpy_text(self._value, is_repr=False)
        if "\n" in text:
            text = "\n" + text
        return f"ts.Tensor({text}, shape={format_shape(self._shape)}, dtype={self.dtype.name})"


def _scalar_only(value: np.ndarray | np.generic) -> np.ndarray | np.generic:
    """TENSOR-4: ``int(t)``/``float(t)`` need one element (the text of NumPy 2.3+, as TF 2.21's)."""
    if np.size(value) != 1:
        raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
    return value


def _as_python(convert, value: np.ndarray | np.generic):
    """``bool(t)``, ``int(t)``...: NumPy's conversion of the value, with NumPy's errors."""
    try:
        return convert(value)
    except (AttributeError, TypeError, ValueError) as error:
        raise type(error)(str(error)) from None


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
        self._dtype = spec.dtype
        self._shape = spec.shape

    @property
    def graph(self) -> Graph:
        return self.node.graph

    @property
    def name(self) -> str:
        return f"{self.node.name}:{self.index}"

    def __getattr__(self, name: str):
        if name == "numpy":
            note("TENSOR-4", "a symbolic tensor has no value")
            note("EAGER-7", "the seed example's .numpy() in a trace")
        raise AttributeError(f"'SymbolicTensor' object has no attribute '{name}'")

    def __bool__(self) -> bool:
        note("ERROR-3", "a symbolic tensor used as a Python bool")
        raise errors.OperatorNotAllowedInGraphError(
            "Using a symbolic `ts.Tensor` as a Python `bool` is not allowed. Python control "
            "flow on a tensor needs the value, which only exists when the graph runs. Use "
            "`ts.where`, move the condition out of the function, or run the function eagerly."
        )

    def __iter__(self):
        length = self._unrolled_length("iterating over")
        if length is not None:
            return (self[i] for i in range(length))
        note("ERROR-3", "iterating over a symbolic tensor")
        raise errors.OperatorNotAllowedInGraphError(
            "Iterating over a symbolic `ts.Tensor` is not allowed. Iterate over a Python "
            "range or list instead, or run the function eagerly."
        )

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(
            f"Cannot convert a symbolic ts.Tensor ({self.name}) to a numpy array. This error may "
            "indicate that you're trying to pass a Tensor to a NumPy call, which is not supported."
        )

    def __len__(self) -> int:
        length = self._unrolled_length("len() of")
        if length is not None:
            return length
        note("TENSOR-4", "a symbolic tensor has no len()")
        raise TypeError(
            f"len is not well defined for a symbolic Tensor ({self.name}). "
            "Please call `x.shape` rather than `len(x)` for shape information."
        )

    def _unrolled_length(self, use: str) -> int | None:
        """TENSOR-4, ERROR-3 under ``symbolic_iteration="unrolled"`` (JAX): a known first dimension
        is the tensor's length, and iterating gives its rows ``x[0]``, ``x[1]``...; a scalar fails
        as an eager scalar does. ``None`` when the policy is ``"error"`` or the dimension unknown."""
        if policies.current().symbolic_iteration != "unrolled" or self._shape is None:
            return None
        rule = "TENSOR-4" if use.startswith("len") else "ERROR-3"
        if not self._shape:
            note(rule, "symbolic_iteration='unrolled': %s a symbolic scalar", use)
            raise TypeError("Scalar tensor has no `len()`" if rule == "TENSOR-4" else
                            "Cannot iterate over a scalar tensor.")
        if self._shape[0] is None:
            return None  # JAX's symbolic dimensions are not modelled yet
        note(rule, "symbolic_iteration='unrolled': %s a symbolic tensor of %d rows", use, self._shape[0])
        return self._shape[0]

    def __repr__(self) -> str:
        note("TENSOR-3", "repr of a symbolic tensor")
        return f"<ts.Tensor '{self.name}' shape={format_shape(self._shape)} dtype={self.dtype.name}>"

    def __str__(self) -> str:
        note("TENSOR-3", "str of a symbolic tensor")
        shape = "" if self._shape is None else f"shape={format_shape(self._shape)}, "
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
