"""Data types: the six the reference knows, printed and compared like TensorFlow's.

``conversion.py`` says which dtype a Python value gets. A ``DType`` equals
anything ``as_dtype`` reads as the same type (``ts.float32 == np.float32 ==
"float32" == float``), as TensorFlow's does (TENSOR-1); its hash is its own,
so a NumPy type and a ``DType`` are different dict keys.
"""

from __future__ import annotations

import builtins

import numpy as np

from . import policies
from .verbose import note


class DType:
    """A tensor element type, printed like ``tf.float32`` but named ``ts``."""

    __slots__ = ("c_name", "name", "numpy_dtype")

    def __init__(self, name: str, numpy_dtype: np.dtype, c_name: str):
        self.name = name
        self.numpy_dtype = numpy_dtype
        self.c_name = c_name  # TensorFlow's kernels name types as C++ does: float, double...

    def __repr__(self) -> str:
        return f"ts.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: {self.name!r}>"

    def __eq__(self, other: object) -> bool:
        """TENSOR-1: equal to every spelling of the same type (a name, a NumPy or Python type)."""
        if other is None:
            return False
        if not isinstance(other, DType):
            try:
                other = as_dtype(other)
            except TypeError:
                return False
        return self.name == other.name

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(("ts.DType", self.name))

    def __reduce__(self):
        return as_dtype, (self.name,)

    @property
    def as_numpy_dtype(self) -> type:
        return object if self.name == "string" else self.numpy_dtype.type

    @property
    def is_bool(self) -> bool:
        return self.name == "bool"

    @property
    def is_integer(self) -> bool:
        return self.name in ("int32", "int64")

    @property
    def is_floating(self) -> bool:
        return self.name in ("float32", "float64")

    @property
    def is_numeric(self) -> bool:
        return self.is_integer or self.is_floating

    @property
    def min(self) -> object:
        """The lowest value of the type (``-3.4028235e+38`` for ``float32``)."""
        return self._limit("min")

    @property
    def max(self) -> object:
        """The highest value of the type (``2147483647`` for ``int32``)."""
        return self._limit("max")

    def _limit(self, which: str) -> object:
        if self.is_floating:
            return getattr(np.finfo(self.numpy_dtype), which)
        if self.is_integer:
            return getattr(np.iinfo(self.numpy_dtype), which)
        if self.is_bool:
            return which == "max"
        raise TypeError(f"Cannot find {which}imum value of {self}.")


bool_ = DType("bool", np.dtype(np.bool_), "bool")
int32 = DType("int32", np.dtype(np.int32), "int32")
int64 = DType("int64", np.dtype(np.int64), "int64")
float32 = DType("float32", np.dtype(np.float32), "float")
float64 = DType("float64", np.dtype(np.float64), "double")
string = DType("string", np.dtype(object), "string")

ALL = (bool_, int32, int64, float32, float64, string)
_BY_NAME = {**{d.name: d for d in ALL}, "float": float32, "double": float64}
_PYTHON_TYPES = {builtins.float: float32, builtins.bool: bool_, builtins.object: string}


_NARROWED = {"int64": int32, "float64": float32}


def canonical(dtype: DType) -> DType:
    """The dtype a tensor asked to be ``dtype`` has: itself, but under
    ``python_value_dtypes="jax-x32"`` (JAX without ``jax_enable_x64``) no 64-bit type exists, so
    ``int64`` is ``int32`` and ``float64`` is ``float32`` (TENSOR-1)."""
    if policies.current().python_value_dtypes == "jax-x32" and dtype.name in _NARROWED:
        note("TENSOR-1", "python_value_dtypes='jax-x32': %s is %s", dtype.name, _NARROWED[dtype.name].name)
        return _NARROWED[dtype.name]
    return dtype


def as_dtype(value: object) -> DType:
    """The DType that ``value`` names: a DType, a name, a NumPy dtype or type, ``float``/``bool``.

    Python's ``int`` and ``str`` name no dtype (TensorFlow refuses them too).
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    if isinstance(value, type) and value in _PYTHON_TYPES:
        return _PYTHON_TYPES[value]
    if value is not int and value is not str:
        try:
            np_dtype = np.dtype(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            np_dtype = None
        if np_dtype is not None:
            if np_dtype.kind in "SUO":
                return string
            for dtype in ALL:
                if dtype.numpy_dtype == np_dtype:
                    return dtype
    raise TypeError(f"Cannot convert the argument `type_value`: {value!r} to a tracespec DType.")
