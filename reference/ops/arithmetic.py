"""Arithmetic: elementwise binary and unary math, ``cast`` and ``matmul``.

Binary ops broadcast as NumPy does and never promote: both operands must
have one dtype (a Python operand is converted to the tensor's dtype when it
can be). ``divide`` is true division: integers are divided as ``float64``, as
in TensorFlow. Integer overflow wraps; integer division by zero is an error.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes, errors, gradients
from ..conversion import convert_to_tensor, operands
from ..primitive import Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks
from .adjoints import scalar, sign, sum_to, transpose
from .comparison import equal, greater, greater_equal, less_equal, where


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


# Gradient rules (GRAD-5). A broadcast operand gets its cotangent summed back to its shape.
@gradients.defvjp(add_p)
def _add_vjp(ct, x, y, **_):
    return sum_to(ct, x), sum_to(ct, y)


@gradients.defvjp(subtract_p)
def _subtract_vjp(ct, x, y, **_):
    return sum_to(ct, x), sum_to(-ct, y)


@gradients.defvjp(multiply_p)
def _multiply_vjp(ct, x, y, **_):
    return sum_to(ct * y, x), sum_to(x * ct, y)


@gradients.defvjp(divide_p)
def _divide_vjp(ct, x, y, **_):
    return sum_to(ct / y, x), sum_to(ct * (-x / y / y), y)


gradients.not_differentiable(floordiv_p)


@gradients.defvjp(mod_p)
def _mod_vjp(ct, x, y, **_):
    return sum_to(ct, x), sum_to(ct * -floordiv(x, y), y)


@gradients.defvjp(pow_p)
def _pow_vjp(ct, x, y, *, out):
    """d/dy is masked to 0 where x <= 0, where the real logarithm does not exist."""
    positive = greater(x, 0)
    log_x = where(positive, log(where(positive, x, 1)), 0)
    return sum_to(ct * y * x ** (y - 1), x), sum_to(ct * out * log_x, y)


def _select(x_wins, ct, x, y):
    zero = scalar(0, ct)
    return sum_to(where(x_wins, ct, zero), x), sum_to(where(x_wins, zero, ct), y)


@gradients.defvjp(maximum_p)
def _maximum_vjp(ct, x, y, **_):
    """A tie goes to the first argument."""
    return _select(greater_equal(x, y), ct, x, y)


@gradients.defvjp(minimum_p)
def _minimum_vjp(ct, x, y, **_):
    """A tie goes to the first argument."""
    return _select(less_equal(x, y), ct, x, y)


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


@gradients.defvjp(negative_p)
def _negative_vjp(ct, x, **_):
    return -ct


@gradients.defvjp(abs_p)
def _abs_vjp(ct, x, **_):
    return ct * sign(x)  # 0 at 0


@gradients.defvjp(square_p)
def _square_vjp(ct, x, **_):
    return ct * (x * 2)


@gradients.defvjp(sqrt_p)
def _sqrt_vjp(ct, x, *, out):
    """A zero cotangent gives zero, even where sqrt' is infinite (TensorFlow's SqrtGrad)."""
    return where(equal(ct, 0), scalar(0, ct), ct * 0.5 / out)


@gradients.defvjp(exp_p)
def _exp_vjp(ct, x, *, out):
    return ct * out


@gradients.defvjp(log_p)
def _log_vjp(ct, x, **_):
    return ct * (scalar(1, x) / x)


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


@gradients.defvjp(cast_p)
def _cast_vjp(ct, x, *, dtype, **_):
    """Only a cast between floating dtypes passes the gradient (in the source dtype)."""
    return cast(ct, x.dtype) if x.dtype.is_floating and dtype.is_floating else None


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


@gradients.defvjp(matmul_p)
def _matmul_vjp(ct, a, b, **_):
    return matmul(ct, transpose(b)), matmul(transpose(a), ct)


def matmul(a: object, b: object) -> Tensor:
    """Matrix product of two rank-2 tensors of one dtype."""
    return bind(matmul_p, *operands(a, b))


__all__ = [
    "abs", "add", "cast", "divide", "exp", "floordiv", "log", "matmul", "maximum", "minimum",
    "mod", "multiply", "negative", "pow", "sqrt", "square", "subtract",
]
