"""Arithmetic: elementwise binary and unary math, ``cast`` and ``matmul``.

Binary ops broadcast as NumPy does and never promote: both operands must have
one dtype, and a Python operand is converted to the tensors' dtype where it can
be (TENSOR-2, ``conversion.matching_inputs``). ``add`` also joins strings.
``divide`` is true division: integers are divided as ``float64``, as in
TensorFlow. Integer overflow wraps; integer division by zero is a run-time
error (OP-3). Float kernels flush subnormal inputs and results to zero, as
TensorFlow's CPU kernels do (OP-1).
"""

from __future__ import annotations

import math

import numpy as np

from .. import dtypes, errors, gradients, policies
from ..conversion import (
    computed_dtype,
    convert_to_tensor,
    hinted_inputs,
    jax_dtypes,
    matching_inputs,
    op_input,
)
from ..graph import name_scope
from ..primitive import PRIMITIVES, Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from . import checks
from .adjoints import scalar, sign, sum_to, transpose

_XY = ("x", "y")


def flush_subnormals(array: np.ndarray) -> np.ndarray:
    """OP-1: subnormal floats read and written as (signed) zero, as on TensorFlow's CPU."""
    if array.dtype.kind != "f":
        return array
    tiny = np.finfo(array.dtype).tiny
    with np.errstate(invalid="ignore"):
        small = np.abs(array) < tiny
    return np.where(small, np.copysign(np.zeros_like(array), array), array) if small.any() else array


def _binary_rule(name: str, allowed):
    def rule(x: TensorSpec, y: TensorSpec) -> TensorSpec:
        checks.check_allowed(name, "x", x, allowed)
        dtype = checks.check_same_dtype(name, _XY, x, y)
        return TensorSpec(checks.broadcast_shapes(name, x.shape, y.shape), dtype)

    return rule


def _elementwise(kernel, *checks_after_broadcast):
    def run(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        checks.kernel_broadcast(x, y)  # shapes first, then the data (OP-2, OP-3)
        for check in checks_after_broadcast:
            check(x, y)
        x, y = flush_subnormals(x), flush_subnormals(y)
        with np.errstate(all="ignore"):
            return flush_subnormals(np.asarray(kernel(x, y)))

    return run


def _computes(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether the result has elements: a check of the divisor only sees those it divides."""
    return math.prod(np.broadcast_shapes(x.shape, y.shape)) > 0


def _no_integer_zero_division(x: np.ndarray, y: np.ndarray) -> None:
    note("OP-3", "integer division and modulo round toward negative infinity")
    if y.dtype.kind == "i" and _computes(x, y) and np.any(y == 0):
        if policies.current().runtime_checks == "jax-values":
            note("OP-3", "runtime_checks='jax-values': integer x // 0 is -1 if x == 0 else -2, x % 0 is 0")
            return
        raise errors.InvalidArgumentError("Integer division by zero")


def _no_negative_integer_power(x: np.ndarray, y: np.ndarray) -> None:
    if y.dtype.kind == "i" and _computes(x, y) and np.any(y < 0):
        if policies.current().runtime_checks == "jax-values":
            note("OP-3", "runtime_checks='jax-values': x ** y for y < 0 is 0 if x == 0, else "
                         "x ** (y & 63), wrapped")
            return
        raise errors.InvalidArgumentError("Integers to negative integer powers are not allowed")


def _floor_divide(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Floor division: of integers, exact; of floats, ``floor(x / y)`` as TensorFlow computes it.
    An integer division by zero that got through its check (``runtime_checks="jax-values"``)
    is -1 for ``0 // 0`` and -2 otherwise, as XLA's CPU kernel gives it."""
    if x.dtype.kind != "i":
        return np.floor(x / y)
    x, y = np.broadcast_arrays(x, y)
    zero = y == 0
    return np.where(zero, np.where(x == 0, -1, -2), np.floor_divide(x, np.where(zero, 1, y))).astype(x.dtype)


def _power(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x ** y``. A negative integer exponent that got through its check
    (``runtime_checks="jax-values"``) gives what XLA's CPU kernel gives: 0 for ``x == 0``,
    else ``x ** (y & 63)``, wrapped."""
    if y.dtype.kind != "i" or not np.any(y < 0):
        return np.power(x, y)
    x, y = np.broadcast_arrays(x, y)
    negative = y < 0
    return np.where(negative & (x == 0), 0, np.power(x, np.where(negative, y & 63, y))).astype(x.dtype)


def _add(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Numbers add; strings join (``b"a" + b"b"`` is ``b"ab"``)."""
    if x.dtype.kind == "O":
        return np.asarray(np.frompyfunc(lambda a, b: a + b, 2, 1)(x, y), dtype=object)
    return np.add(x, y)


_ADDABLE = (*checks.NUMERIC, dtypes.string)
add_p = Primitive("add", _binary_rule("add", _ADDABLE), _elementwise(_add), node_name="AddV2")
subtract_p = Primitive("subtract", _binary_rule("subtract", checks.NUMERIC), _elementwise(np.subtract),
                       node_name="Sub")
multiply_p = Primitive("multiply", _binary_rule("multiply", checks.NUMERIC), _elementwise(np.multiply),
                       node_name="Mul")
divide_p = Primitive("divide", _binary_rule("divide", checks.FLOATING), _elementwise(np.true_divide),
                     node_name="RealDiv")
floordiv_p = Primitive("floordiv", _binary_rule("floordiv", checks.NUMERIC),
                       _elementwise(_floor_divide, _no_integer_zero_division), node_name="FloorDiv")
def _floor_mod(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Floor modulo: of integers, Python's ``%`` (``x % 0`` is 0 where it gets through its check,
    ``runtime_checks="jax-values"``); of floats, TensorFlow's sign-corrected fmod."""
    if x.dtype.kind == "i":
        return np.mod(x, np.where(y == 0, 1, y))
    rest = np.fmod(x, y)
    return np.where((rest != 0) & ((y < 0) != (rest < 0)), rest + y, rest)


mod_p = Primitive("mod", _binary_rule("mod", checks.NUMERIC),
                  _elementwise(_floor_mod, _no_integer_zero_division), node_name="FloorMod")
pow_p = Primitive("pow", _binary_rule("pow", checks.NUMERIC),
                  _elementwise(_power, _no_negative_integer_power), node_name="Pow")
maximum_p = Primitive("maximum", _binary_rule("maximum", checks.NUMERIC), _elementwise(np.maximum),
                      node_name="Maximum")
minimum_p = Primitive("minimum", _binary_rule("minimum", checks.NUMERIC), _elementwise(np.minimum),
                      node_name="Minimum")
bitwise_and_p = Primitive("bitwise_and", _binary_rule("bitwise_and", checks.INTEGER),
                          _elementwise(np.bitwise_and), node_name="BitwiseAnd")
bitwise_or_p = Primitive("bitwise_or", _binary_rule("bitwise_or", checks.INTEGER),
                         _elementwise(np.bitwise_or), node_name="BitwiseOr")
bitwise_xor_p = Primitive("bitwise_xor", _binary_rule("bitwise_xor", checks.INTEGER),
                          _elementwise(np.bitwise_xor), node_name="BitwiseXor")


# Gradient rules (GRAD-5). A broadcast operand gets its cotangent summed back to its shape.
def _other(name: str, *inputs, **attrs):
    """A primitive of a module that imports this one (comparisons, ``where``), by name."""
    return bind(PRIMITIVES[name], *inputs, **attrs)


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


gradients.not_differentiable(floordiv_p, bitwise_and_p, bitwise_or_p, bitwise_xor_p)


@gradients.defvjp(mod_p)
def _mod_vjp(ct, x, y, **_):
    return sum_to(ct, x), sum_to(ct * -floordiv(x, y), y)


@gradients.defvjp(pow_p)
def _pow_vjp(ct, x, y, *, out):
    """d/dy is masked to 0 where x <= 0, where the real logarithm does not exist."""
    positive = _other("greater", x, scalar(0, x))
    safe = _other("where", positive, x, scalar(1, x))
    log_x = _other("where", positive, log(safe), scalar(0, x))
    return sum_to(ct * y * x ** (y - 1), x), sum_to(ct * out * log_x, y)


def _select(x_wins, ct, x, y):
    zero = scalar(0, ct)
    return sum_to(_other("where", x_wins, ct, zero), x), sum_to(_other("where", x_wins, zero, ct), y)


@gradients.defvjp(maximum_p)
def _maximum_vjp(ct, x, y, **_):
    """A tie goes to the first argument."""
    return _select(_other("greater_equal", x, y), ct, x, y)


@gradients.defvjp(minimum_p)
def _minimum_vjp(ct, x, y, **_):
    """A tie goes to the first argument."""
    return _select(_other("less_equal", x, y), ct, x, y)


def _bool_arithmetic(primitive: Primitive, x: Tensor, y: Tensor, scope: str) -> Tensor | None:
    """OP-4 under JAX's ``python_value_dtypes``: ``bool + bool`` is a logical or, ``bool * bool``
    a logical and; None where the op is not one of those."""
    if not (x.dtype.is_bool and y.dtype.is_bool and primitive in (add_p, multiply_p) and jax_dtypes()):
        return None
    note("OP-4", "python_value_dtypes=%r: %s of bools is logical", policies.current().python_value_dtypes,
         primitive.name)
    return bind(PRIMITIVES["logical_or" if primitive is add_p else "logical_and"], x, y, name=scope)


def _binary_op(primitive: Primitive, allowed, scope_name: str | None = None):
    def op(x: object, y: object, name: str | None = None) -> Tensor:
        with name_scope(name or scope_name or primitive.node_name) as scope:
            x, y = matching_inputs(primitive.name, (x, y), _XY, allowed)
            logical = _bool_arithmetic(primitive, x, y, scope)
            return bind(primitive, x, y, name=scope) if logical is None else logical

    op.__name__ = primitive.name
    op.__doc__ = f"Elementwise ``{primitive.name}`` with NumPy broadcasting."
    return op


subtract = _binary_op(subtract_p, checks.NUMERIC)
multiply = _binary_op(multiply_p, checks.NUMERIC)
floordiv = _binary_op(floordiv_p, checks.NUMERIC, "floordiv")
mod = _binary_op(mod_p, checks.NUMERIC)
pow = _binary_op(pow_p, checks.NUMERIC)
maximum = _binary_op(maximum_p, checks.NUMERIC)
minimum = _binary_op(minimum_p, checks.NUMERIC)
bitwise_and = _binary_op(bitwise_and_p, checks.INTEGER)
bitwise_or = _binary_op(bitwise_or_p, checks.INTEGER)
bitwise_xor = _binary_op(bitwise_xor_p, checks.INTEGER)


def add(x: object, y: object, name: str | None = None) -> Tensor:
    """Elementwise ``add`` with broadcasting; ``y`` tries ``x``'s dtype (TENSOR-2); strings join."""
    with name_scope(name or "Add") as scope:
        x, y = hinted_inputs(x, y)
        logical = _bool_arithmetic(add_p, x, y, scope)
        return bind(add_p, x, y, name=scope) if logical is None else logical


def divide(x: object, y: object) -> Tensor:
    """True division; a Python ``x`` takes the dtype of a tensor ``y`` (TENSOR-2)."""
    if not isinstance(x, Tensor) and policies.current().type_promotion == "none":
        x = convert_to_tensor(x, dtype=y.dtype if isinstance(y, Tensor) else None)
    return x / y  # the operator, as TensorFlow's divide


def truediv(x: object, y: object, name: str | None = None) -> Tensor:
    """``x / y``: one dtype, checked in Python; integers are divided as ``float64`` (OP-3), or
    as ``conversion.computed_dtype`` says."""
    with name_scope(name or "truediv") as scope:
        x, y = hinted_inputs(x, y, op="true_divide")
        if x.dtype != y.dtype:
            raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != {y.dtype!r}.")
        computed = computed_dtype("truediv", x.dtype)
        if computed is not None:
            return bind(divide_p, cast(x, computed), cast(y, computed), name=scope)
        if x.dtype not in checks.NUMERIC:
            expected = ", ".join(repr(d) for d in checks.NUMERIC)
            raise TypeError(f"Invalid dtype {x.dtype!r} in __truediv__. Expected one of {{{expected}}}.")
        if x.dtype.is_integer:
            note("OP-3", "true division of %s gives float64", x.dtype.name)
            x, y = cast(x, dtypes.float64), cast(y, dtypes.float64)
        return bind(divide_p, x, y, name=scope)


def _unary_rule(name: str, allowed):
    def rule(x: TensorSpec) -> TensorSpec:
        checks.check_allowed(name, "x", x, allowed)
        return x

    return rule


def _quiet(kernel):
    def run(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return flush_subnormals(np.asarray(kernel(flush_subnormals(x))))

    return run


negative_p = Primitive("negative", _unary_rule("negative", checks.NUMERIC), _quiet(np.negative),
                       node_name="Neg")
abs_p = Primitive("abs", _unary_rule("abs", checks.NUMERIC), _quiet(np.abs), node_name="Abs")
square_p = Primitive("square", _unary_rule("square", checks.NUMERIC), _quiet(np.square),
                     node_name="Square")
sqrt_p = Primitive("sqrt", _unary_rule("sqrt", checks.FLOATING), _quiet(np.sqrt), node_name="Sqrt")
exp_p = Primitive("exp", _unary_rule("exp", checks.FLOATING), _quiet(np.exp), node_name="Exp")
log_p = Primitive("log", _unary_rule("log", checks.FLOATING), _quiet(np.log), node_name="Log")
invert_p = Primitive("invert", _unary_rule("invert", checks.INTEGER), _quiet(np.invert),
                     node_name="Invert")
gradients.not_differentiable(invert_p)


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
    zero = scalar(0, ct)
    return _other("where", _other("equal", ct, zero), zero, ct * 0.5 / out)


@gradients.defvjp(exp_p)
def _exp_vjp(ct, x, *, out):
    return ct * out


@gradients.defvjp(log_p)
def _log_vjp(ct, x, **_):
    return ct * (scalar(1, x) / x)


def _unary_op(primitive: Primitive):
    def op(x: object, name: str | None = None) -> Tensor:
        with name_scope(name or primitive.node_name) as scope:
            x = op_input(primitive.name, "x", x)
            computed = computed_dtype(primitive.name, x.dtype)
            return bind(primitive, x if computed is None else cast(x, computed), name=scope)

    op.__name__ = primitive.name
    op.__doc__ = f"Elementwise ``{primitive.name}``."
    return op


negative = _unary_op(negative_p)
abs = _unary_op(abs_p)
square = _unary_op(square_p)
sqrt = _unary_op(sqrt_p)
exp = _unary_op(exp_p)
log = _unary_op(log_p)
invert = _unary_op(invert_p)


def _cast_rule(x: TensorSpec, *, dtype: dtypes.DType) -> TensorSpec:
    return TensorSpec(x.shape, dtype)


def _cast_supported(x: TensorSpec, *, dtype: dtypes.DType) -> None:
    """ERROR-2: strings do not cast to or from numbers: the kernel cannot be built (run time)."""
    if dtypes.string in (x.dtype, dtype) and x.dtype != dtype:
        note("ERROR-2", "cast from %s to %s fails when it runs", x.dtype.name, dtype.name)
        raise errors.UnimplementedError(f"Cast {x.dtype.c_name} to {dtype.c_name} is not supported")


def _cast_kernel(x: np.ndarray, *, dtype: dtypes.DType) -> np.ndarray:
    """OP-6: floats to integers truncate toward zero."""
    _cast_supported(TensorSpec(x.shape, dtypes.as_dtype(x.dtype)), dtype=dtype)
    with np.errstate(all="ignore"):
        return flush_subnormals(x.astype(dtype.numpy_dtype))


cast_p = Primitive("cast", _cast_rule, _cast_kernel, instantiate=_cast_supported, node_name="Cast")


@gradients.defvjp(cast_p)
def _cast_vjp(ct, x, *, dtype, **_):
    """Only a cast between floating dtypes passes the gradient (in the source dtype)."""
    return cast(ct, x.dtype) if x.dtype.is_floating and dtype.is_floating else None


def cast(x: object, dtype: object, name: str | None = None) -> Tensor:
    """Convert ``x`` to ``dtype``; a tensor of that dtype already is returned as it is."""
    target = dtypes.as_dtype(dtype)
    if isinstance(x, Tensor) and x.dtype == target:
        return x
    with name_scope(name or "Cast") as scope:
        return bind(cast_p, convert_to_tensor(x, name="x"), dtype=target, name=scope)


def _matmul_rule(a: TensorSpec, b: TensorSpec) -> TensorSpec:
    """OP-6: rank-2 matrix products; higher or unknown ranks are batched (``BatchMatMulV2``)."""
    note("OP-6", "matmul")
    checks.check_allowed("matmul", "a", a, checks.NUMERIC)
    dtype = checks.check_same_dtype("matmul", ("a", "b"), a, b)
    batched = a.shape is None or b.shape is None or len(a.shape) > 2 or len(b.shape) > 2
    for spec in (a, b):
        rank = None if spec.shape is None else len(spec.shape)
        if rank is not None and (rank < 2 or (not batched and rank != 2)):
            raise checks.ShapeError(
                f"Shape must be {'at least ' if batched else ''}rank 2 but is rank {rank}")
    if a.shape is None or b.shape is None:
        return TensorSpec(None, dtype)
    inner_a, inner_b = a.shape[-1], b.shape[-2]
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise checks.ShapeError(f"Dimensions must be equal, but are {inner_a} and {inner_b}")
    batch = checks.broadcast_shapes("matmul", a.shape[:-2], b.shape[:-2])
    return TensorSpec((*batch, a.shape[-2], b.shape[-1]), dtype)  # type: ignore[misc]


def _matmul_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """OP-6's kernel errors, TensorFlow's: ranks up to 2 are ``MatMul``'s (two matrices; for
    ``float32`` oneDNN's ``_MklMatMul``, which names the first input that is no matrix), a higher
    rank ``BatchMatMulV2``'s (each input at least a matrix)."""
    if a.ndim <= 2 and b.ndim <= 2:
        if a.dtype == np.float32 and (a.ndim < 2 or b.ndim < 2):
            raise errors.InvalidArgumentError(f"In[{0 if a.ndim < 2 else 1}] ndims must be >= 2")
        if a.ndim != b.ndim:
            raise errors.InvalidArgumentError(
                "In[0] and In[1] has different ndims: "
                f"{checks.array_shape_text(a)} vs. {checks.array_shape_text(b)}")
        if a.ndim != 2:
            raise errors.InvalidArgumentError(f"In[0] and In[1] ndims must be == 2: {a.ndim}")
    for index, array in enumerate((a, b)):
        if array.ndim < 2:
            raise errors.InvalidArgumentError(f"In[{index}] ndims must be >= 2: {array.ndim}")
    if a.ndim > 2 or b.ndim > 2:
        try:
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise errors.InvalidArgumentError(
                "In[0] and In[1] must have compatible batch dimensions: "
                f"{checks.array_shape_text(a)} vs. {checks.array_shape_text(b)}") from None
    if a.shape[-1] != b.shape[-2]:
        raise errors.InvalidArgumentError(
            f"Matrix size-incompatible: In[0]: {checks.array_shape_text(a)}, "
            f"In[1]: {checks.array_shape_text(b)}")
    with np.errstate(all="ignore"):
        return flush_subnormals(np.matmul(flush_subnormals(a), flush_subnormals(b)))


matmul_p = Primitive("matmul", _matmul_rule, _matmul_kernel, node_name="MatMul")


@gradients.defvjp(matmul_p)
def _matmul_vjp(ct, a, b, **_):
    """Batch dimensions broadcast, so their cotangents are summed back (``sum_to``)."""
    return sum_to(matmul(ct, transpose(b)), a), sum_to(matmul(transpose(a), ct), b)


def matmul(a: object, b: object, name: str | None = None) -> Tensor:
    """Matrix product of two tensors of one dtype (batched over leading dimensions)."""
    with name_scope(name or "MatMul") as scope:
        return bind(matmul_p, *hinted_inputs(a, b, ("a", "b"), "matmul"), name=scope)


__all__ = [
    "abs", "add", "cast", "divide", "exp", "floordiv", "log", "matmul", "maximum", "minimum",
    "mod", "multiply", "negative", "pow", "sqrt", "square", "subtract",
]
