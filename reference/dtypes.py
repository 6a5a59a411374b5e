"""Data types: the six the reference knows, printed like TensorFlow's (``conversion.py`` says
which dtype a Python value gets)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DType:
    """A tensor element type, printed like ``tf.float32`` but named ``ts``."""

    name: str
    numpy_dtype: np.dtype

    def __repr__(self) -> str:
        return f"ts.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: {self.name!r}>"

    @property
    def as_numpy_dtype(self) -> type:
        return self.numpy_dtype.type

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


bool_ = DType("bool", np.dtype(np.bool_))
int32 = DType("int32", np.dtype(np.int32))
int64 = DType("int64", np.dtype(np.int64))
float32 = DType("float32", np.dtype(np.float32))
float64 = DType("float64", np.dtype(np.float64))
string = DType("string", np.dtype(object))

ALL = (bool_, int32, int64, float32, float64, string)
_BY_NAME = {d.name: d for d in ALL}


def as_dtype(value: object) -> DType:
    """Return the DType named by ``value`` (a DType, a name, or a NumPy dtype)."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    try:
        np_dtype = np.dtype(value)
    except TypeError:
        np_dtype = None
    if np_dtype is not None:
        if np_dtype.kind in "SUO":
            return string
        for dtype in ALL:
            if dtype.numpy_dtype == np_dtype:
                return dtype
    known = ", ".join(d.name for d in ALL)
    raise TypeError(f"Cannot convert {value!r} to a ts.DType; the reference supports: {known}.")
