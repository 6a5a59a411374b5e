"""Comparisons, logical ops and ``where``: ops that produce or consume ``bool`` tensors."""

from __future__ import annotations

import numpy as np

from .. import dtypes, gradients
from ..conversion import convert_to_tensor, operands
from ..primitive import PRIMITIVES, Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from . import checks
from .adjoints import scalar, sum_to

_ANY = (*checks.NUMERIC, dtypes.bool_, dtypes.string)
_BOOL = (dtypes.bool_,)


def _compare_rule(name: str, allowed):
    def rule(x: TensorSpec, y: TensorSpec, *, incompatible_shapes: bool = True) -> TensorSpec:
        checks.check_same_dtype(name, x, y)
        checks.check_dtype(name, x, allowed)
        try:
            shape = checks.broadcast_shapes(name, x.shape, y.shape)
        except ValueError:
            if incompatible_shapes:
                raise
            shape = ()  # `==` on incompatible shapes is a scalar False (True for `!=`)
        if not incompatible_shapes and (shape is None or None in shape):
            shape = None  # only the run time knows whether the shapes are compatible
        return TensorSpec(shape, dtypes.bool_)

    return rule


def _compare_kernel(kernel, unequal_result: bool):
    def run(x: np.ndarray, y: np.ndarray, *, incompatible_shapes: bool = True) -> np.ndarray:
        if not incompatible_shapes and not _broadcastable(x, y):
            return np.array(unequal_result)
        checks.elementwise_kernel_broadcast(x, y)
        return kernel(x, y)

    return run


def _broadcastable(x: np.ndarray, y: np.ndarray) -> bool:
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return False
    return True


def _compare_op(name: str, allowed, kernel, unequal_result: bool = False):
    primitive = Primitive(
        name, _compare_rule(name, allowed), _compare_kernel(kernel, unequal_result)
    )

    def op(x: object, y: object, **attrs) -> Tensor:
        return bind(primitive, *operands(x, y), **attrs)

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}``, giving a ``bool`` tensor."
    return op


equal = _compare_op("equal", _ANY, np.equal)
not_equal = _compare_op("not_equal", _ANY, np.not_equal, unequal_result=True)
less = _compare_op("less", checks.NUMERIC, np.less)
less_equal = _compare_op("less_equal", checks.NUMERIC, np.less_equal)
greater = _compare_op("greater", checks.NUMERIC, np.greater)
greater_equal = _compare_op("greater_equal", checks.NUMERIC, np.greater_equal)
logical_and = _compare_op("logical_and", _BOOL, np.logical_and)
logical_or = _compare_op("logical_or", _BOOL, np.logical_or)
gradients.not_differentiable(*(PRIMITIVES[name] for name in (
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or")))


def _not_rule(x: TensorSpec) -> TensorSpec:
    checks.check_dtype("logical_not", x, _BOOL)
    return x


logical_not_p = Primitive("logical_not", _not_rule, np.logical_not)
gradients.not_differentiable(logical_not_p)


def logical_not(x: object) -> Tensor:
    """Elementwise negation of a ``bool`` tensor."""
    return bind(logical_not_p, convert_to_tensor(x))


def _where_rule(condition: TensorSpec, x: TensorSpec, y: TensorSpec) -> TensorSpec:
    checks.check_dtype("where", condition, _BOOL)
    dtype = checks.check_same_dtype("where", x, y)
    return TensorSpec(checks.broadcast_shapes("where", condition.shape, x.shape, y.shape), dtype)


def _where_kernel(condition: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    checks.elementwise_kernel_broadcast(condition, x, y)
    return np.where(condition, x, y)


where_p = Primitive("where", _where_rule, _where_kernel)


@gradients.defvjp(where_p)
def _where_vjp(ct, condition, x, y, **_):
    """Each branch gets the cotangent where it was chosen, zero elsewhere (GRAD-5)."""
    zero = scalar(0, ct)
    return None, sum_to(where(condition, ct, zero), x), sum_to(where(condition, zero, ct), y)


def where(condition: object, x: object, y: object) -> Tensor:
    """Pick from ``x`` where ``condition`` holds and from ``y`` elsewhere (broadcasting)."""
    condition = convert_to_tensor(condition)
    x, y = operands(x, y)
    return bind(where_p, condition, x, y)
