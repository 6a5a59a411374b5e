"""Arithmetic: elementwise binary and unary math, ``cast`` and ``matmul``.

Binary ops broadcast as NumPy does and never promote: both operands must
have one dtype (a Python operand is converted to the tensor's dtype when it
can be). ``divide`` is true division: integers are divided as ``float64``, as
in TensorFlow. Integer overflow wraps; integer division by zero is an error.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes, errors
from ..conversion import convert_to_tensor, operands
from ..primitive import Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks


def _binary_rule(name: str, allowed, result_dtype=None):
    def rule(x: TensorSpec, y: TensorSpec) -> TensorSpec:
        dtype = checks.check_same_dtype(name, x, y)
        checks.check_dtype(name, x, allowed)
        shape = checks.broadcast_shapes(name, x.shape, y.shape)
        return TensorSpec(shape, result_dtype(dtype) if result_dtype else dtype)

    return rule


def _elementwise(kernel):
    def run(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        checks.elementwise_kernel_broadcast(x, y)
        with np.errstate(all="ignore"):
            return kernel(x, y)

    return run


def _no_integer_zero_division(kernel):
    def run(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        note("OP-3", "integer division and modulo round toward negative infinity")
        if y.dtype.kind == "i" and np.any(y == 0):
            raise errors.InvalidArgumentError("Integer division by zero")
        return kernel(x, y)

    return run


def _integer_power(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if y.dtype.kind == "i" and np.any(y < 0):
        raise errors.InvalidArgumentError("Integers to negative integer powers are not allowed")
    return np.power(x, y)


def _true_divide_dtype(dtype: dtypes.DType) -> dtypes.DType:
    """OP-3: true division of integers gives float64."""
    note("OP-3", "true division of %s gives %s", dtype.name, "float64" if dtype.is_integer else dtype.name)
    return dtypes.float64 if dtype.is_integer else dtype


add_p = Primitive("add", _binary_rule("add", checks.NUMERIC), _elementwise(np.add))
subtract_p = Primitive("subtract", _binary_rule("subtract", checks.NUMERIC), _elementwise(np.subtract))
multiply_p = Primitive("multiply", _binary_rule("multiply", checks.NUMERIC), _elementwise(np.multiply))
divide_p = Primitive(
    "divide",
    _binary_rule("divide", checks.NUMERIC, _true_divide_dtype),
    _elementwise(lambda x, y: np.true_divide(x.astype(np.result_type(x, 1.0)), y)),
)
floordiv_p = Primitive(
    "floordiv",
    _binary_rule("floordiv", checks.NUMERIC),
    _no_integer_zero_division(_elementwise(np.floor_divide)),
)
mod_p = Primitive(
    "mod", _binary_rule("mod", checks.NUMERIC), _no_integer_zero_division(_elementwise(np.mod))
)
pow_p = Primitive("pow", _binary_rule("pow", checks.NUMERIC), _elementwise(_integer_power))
maximum_p = Primitive("maximum", _binary_rule("maximum", checks.NUMERIC), _elementwise(np.maximum))
minimum_p = Primitive("minimum", _binary_rule("minimum", checks.NUMERIC), _elementwise(np.minimum))


def _binary_op(primitive: Primitive):
    def op(x: object, y: object) -> Tensor:
        return bind(primitive, *operands(x, y))

    op.__name__ = primitive.name
    op.__doc__ = f"Elementwise ``{primitive.name}`` with NumPy broadcasting."
    return op


add = _binary_op(add_p)
subtract = _binary_op(subtract_p)
multiply = _binary_op(multiply_p)
divide = _binary_op(divide_p)
floordiv = _binary_op(floordiv_p)
mod = _binary_op(mod_p)
pow = _binary_op(pow_p)
maximum = _binary_op(maximum_p)
minimum = _binary_op(minimum_p)


def _unary_rule(name: str, allowed):
    def rule(x: TensorSpec) -> TensorSpec:
        checks.check_dtype(name, x, allowed)
        return x

    return rule


def _quiet(kernel):
    def run(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return kernel(x)

    return run


negative_p = Primitive("negative", _unary_rule("negative", checks.NUMERIC), _quiet(np.negative))
abs_p = Primitive("abs", _unary_rule("abs", checks.NUMERIC), _quiet(np.abs))
square_p = Primitive("square", _unary_rule("square", checks.NUMERIC), _quiet(np.square))
sqrt_p = Primitive("sqrt", _unary_rule("sqrt", checks.FLOATING), _quiet(np.sqrt))
exp_p = Primitive("exp", _unary_rule("exp", checks.FLOATING), _quiet(np.exp))
log_p = Primitive("log", _unary_rule("log", checks.FLOATING), _quiet(np.log))


def _unary_op(primitive: Primitive):
    def op(x: object) -> Tensor:
        return bind(primitive, convert_to_tensor(x))

    op.__name__ = primitive.name
    op.__doc__ = f"Elementwise ``{primitive.name}``."
    return op


negative = _unary_op(negative_p)
abs = _unary_op(abs_p)
square = _unary_op(square_p)
sqrt = _unary_op(sqrt_p)
exp = _unary_op(exp_p)
log = _unary_op(log_p)


def _cast_rule(x: TensorSpec, *, dtype: dtypes.DType) -> TensorSpec:
    if dtypes.string in (x.dtype, dtype) and x.dtype != dtype:
        raise TypeError(f"Cannot cast {x.dtype.name} to {dtype.name}.")
    return TensorSpec(x.shape, dtype)


def _cast_kernel(x: np.ndarray, *, dtype: dtypes.DType) -> np.ndarray:
    with np.errstate(all="ignore"):
        return x.astype(dtype.numpy_dtype)


cast_p = Primitive("cast", _cast_rule, _cast_kernel)


def cast(x: object, dtype: object) -> Tensor:
    """Convert ``x`` to ``dtype``; floats to integers truncate toward zero."""
    return bind(cast_p, convert_to_tensor(x), dtype=dtypes.as_dtype(dtype))


def _matmul_rule(a: TensorSpec, b: TensorSpec) -> TensorSpec:
    note("OP-6", "matmul of rank-2 tensors")
    dtype = checks.check_same_dtype("matmul", a, b)
    checks.check_dtype("matmul", a, checks.NUMERIC)
    if a.shape is None or b.shape is None:
        return TensorSpec(None, dtype)
    if len(a.shape) != 2 or len(b.shape) != 2:
        raise ValueError(
            f"Shape must be rank 2 for 'matmul', got ranks {len(a.shape)} and {len(b.shape)}."
        )
    inner_a, inner_b = a.shape[1], b.shape[0]
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ValueError(
            f"Dimensions must be equal, but are {inner_a} and {inner_b} for 'matmul' with "
            f"input shapes: {list(a.shape)}, {list(b.shape)}."
        )
    return TensorSpec((a.shape[0], b.shape[1]), dtype)


def _matmul_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        shapes = ", ".join(f"In[{i}]: [" + ",".join(map(str, s.shape)) + "]" for i, s in enumerate((a, b)))
        raise errors.InvalidArgumentError(f"Matrix size-incompatible: {shapes}")
    with np.errstate(all="ignore"):
        return np.matmul(a, b)


matmul_p = Primitive("matmul", _matmul_rule, _matmul_kernel)


def matmul(a: object, b: object) -> Tensor:
    """Matrix product of two rank-2 tensors of one dtype."""
    return bind(matmul_p, *operands(a, b))


__all__ = [
    "abs", "add", "cast", "divide", "exp", "floordiv", "log", "matmul", "maximum", "minimum",
    "mod", "multiply", "negative", "pow", "sqrt", "square", "subtract",
]
