"""TENSOR-1: how Python and NumPy values become tensors.

One place for the whole rule. A Python ``bool`` becomes ``bool``, an ``int``
becomes ``int32`` (``int64`` when it does not fit), a ``float`` becomes
``float32``, a ``str``/``bytes`` becomes ``string``; NumPy arrays and scalars
keep their own dtype. A requested dtype is honoured only where no information
is lost by kind (bool -> int/float, int -> float, never float -> int and
nothing -> bool); NumPy data is cast to it. The caller's NumPy array is copied,
never frozen or shared.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import dtypes
from .tensor import EagerTensor, SymbolicTensor, Tensor
from .verbose import note


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
    note("TENSOR-1", "converting a %s to a tensor", type(value).__name__)
    if want is None and dtype_hint is not None:
        hint = dtypes.as_dtype(dtype_hint)
        try:
            return _convert_python(value, hint)
        except (TypeError, ValueError):
            pass
    return _convert_python(value, want)


def operands(*values: object) -> list[Tensor]:
    """Convert an op's operands: Python values take the first tensor operand's dtype as a hint."""
    hint = next((v.dtype for v in values if isinstance(v, Tensor)), None)
    if hint is not None and not isinstance(values[0], Tensor):
        hint = None  # TensorFlow converts a leading Python value on its own
    return [convert_to_tensor(v, dtype_hint=hint) for v in values]


def constant(value: object, dtype: object = None, shape: object = None) -> EagerTensor:
    """An eager tensor holding ``value`` (``ts.constant``); NumPy input is cast to ``dtype``."""
    want = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, EagerTensor):
        value = value.numpy()
    elif isinstance(value, SymbolicTensor):
        raise TypeError(f"ts.constant needs a concrete value, got the symbolic tensor {value!r}.")
    note("TENSOR-1", "ts.constant of a %s", type(value).__name__)
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


def infer_python_dtype(value: object) -> dtypes.DType:
    """The dtype TensorFlow gives a (possibly nested) Python value."""
    leaves = list(_leaves(value))
    if not leaves:
        return dtypes.float32  # an empty list, as in TensorFlow
    if any(isinstance(v, (str, bytes)) for v in leaves):
        return dtypes.string
    if all(isinstance(v, (bool, np.bool_)) for v in leaves):
        return dtypes.bool_
    if any(isinstance(v, (float, np.floating)) for v in leaves):
        return dtypes.float32
    if all(-(2**31) <= int(v) < 2**31 for v in leaves):
        return dtypes.int32
    return dtypes.int64


def _leaves(value: object):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, (numbers.Number, np.generic, str, bytes)):
        yield value
    else:
        raise TypeError(f"Cannot convert {value!r} of type {type(value).__name__} to a tensor.")


def _convert_python(value: object, want: dtypes.DType | None) -> EagerTensor:
    """Python or NumPy data to an eager tensor of ``want`` (or the value's own dtype)."""
    if isinstance(value, (np.ndarray, np.generic)):
        own = dtypes.as_dtype(value.dtype)
        if want is None or want == own:
            return EagerTensor(np.array(value), own)
        if dtypes.string in (own, want):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {want.name}")
        with np.errstate(all="ignore"):
            return EagerTensor(np.asarray(value).astype(want.numpy_dtype), want)
    inferred = infer_python_dtype(value)
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
