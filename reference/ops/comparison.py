"""Comparisons, logical ops and ``where``: ops that produce or consume ``bool`` tensors."""

from __future__ import annotations

import numpy as np

from .. import context, dtypes, errors, gradients, policies
from ..conversion import convert_to_tensor, matching_inputs, op_input, promoted_inputs
from ..graph import name_scope
from ..primitive import PRIMITIVES, Primitive, bind
from ..tensor import Tensor
from ..tensor_spec import TensorSpec
from . import checks
from .adjoints import scalar, sum_to
from .arithmetic import flush_subnormals

_ANY = (*checks.NUMERIC, dtypes.bool_, dtypes.string)
_XY = ("x", "y")


def _compare_rule(name: str, allowed):
    def rule(x: TensorSpec, y: TensorSpec, *, incompatible_shapes: bool = True) -> TensorSpec:
        checks.check_allowed(name, "x", x, allowed)
        checks.check_same_dtype(name, _XY, x, y)
        mode = "error" if incompatible_shapes else "scalar"  # `==` on incompatible shapes is False
        return TensorSpec(checks.broadcast_shapes(name, x.shape, y.shape, mode), dtypes.bool_)

    return rule


def _compare_kernel(kernel, unequal_result: bool):
    def run(x: np.ndarray, y: np.ndarray, *, incompatible_shapes: bool = True) -> np.ndarray:
        if not incompatible_shapes and not _broadcastable(x, y):
            return np.array(unequal_result)
        checks.kernel_broadcast(x, y)
        return kernel(flush_subnormals(x), flush_subnormals(y))

    return run


def _broadcastable(x: np.ndarray, y: np.ndarray) -> bool:
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return False
    return True


def _compare_op(op_name: str, node_name: str, allowed, kernel, unequal_result: bool = False):
    primitive = Primitive(
        op_name, _compare_rule(op_name, allowed), _compare_kernel(kernel, unequal_result),
        node_name=node_name,
    )

    def op(x: object, y: object, name: str | None = None, **attrs) -> Tensor:
        with name_scope(name or node_name) as scope:
            return bind(primitive, *matching_inputs(op_name, (x, y), _XY, allowed), name=scope,
                        **attrs)

    op.__name__ = op_name
    op.__doc__ = f"Elementwise ``{op_name}``, giving a ``bool`` tensor."
    return op


equal = _compare_op("equal", "Equal", _ANY, np.equal)
not_equal = _compare_op("not_equal", "NotEqual", _ANY, np.not_equal, unequal_result=True)
less = _compare_op("less", "Less", checks.NUMERIC, np.less)
less_equal = _compare_op("less_equal", "LessEqual", checks.NUMERIC, np.less_equal)
greater = _compare_op("greater", "Greater", checks.NUMERIC, np.greater)
greater_equal = _compare_op("greater_equal", "GreaterEqual", checks.NUMERIC, np.greater_equal)
gradients.not_differentiable(*(PRIMITIVES[name] for name in (
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal")))


def _logical_rule(name: str):
    def rule(*specs: TensorSpec) -> TensorSpec:
        for index, (param, spec) in enumerate(zip(_XY, specs)):
            checks.check_fixed_dtype(name, param, index, spec, dtypes.bool_)
        shape = specs[0].shape if len(specs) == 1 else checks.broadcast_shapes(
            name, specs[0].shape, specs[1].shape)
        return TensorSpec(shape, dtypes.bool_)

    return rule


def _logical_kernel(kernel):
    def run(*values: np.ndarray) -> np.ndarray:
        checks.kernel_broadcast(*values)
        return kernel(*values)

    return run


logical_and_p = Primitive("logical_and", _logical_rule("logical_and"), _logical_kernel(np.logical_and),
                          node_name="LogicalAnd")
logical_or_p = Primitive("logical_or", _logical_rule("logical_or"), _logical_kernel(np.logical_or),
                         node_name="LogicalOr")
logical_not_p = Primitive("logical_not", _logical_rule("logical_not"), np.logical_not,
                          node_name="LogicalNot")
gradients.not_differentiable(logical_and_p, logical_or_p, logical_not_p)


def _bool_inputs(op: str, values: tuple) -> list[Tensor]:
    """Operands of a logical op: ``bool``. Eagerly TensorFlow's fast path converts Python
    numbers and lists itself; a string or a NumPy scalar that is no Python ``float`` sends it
    to its fallback, which converts every operand to ``bool``, so a tensor of another dtype
    is refused (``ValueError``) rather than left to the kernel."""
    def fallback(value: object) -> bool:
        return isinstance(value, (str, bytes)) or (
            isinstance(value, np.generic) and not isinstance(value, float))

    if policies.current().type_promotion == "jax-strict":
        values = tuple(promoted_inputs(op, values, _XY[:len(values)]))
    if context.executing_eagerly() and any(fallback(v) for v in values):
        return [convert_to_tensor(v, dtypes.bool_) for v in values]
    return [op_input(op, p, v, dtypes.bool_) for p, v in zip(_XY, values)]


def _logical_op(primitive: Primitive):
    def op(*operands: object, name: str | None = None) -> Tensor:
        with name_scope(name or primitive.node_name) as scope:
            return bind(primitive, *_bool_inputs(primitive.name, operands), name=scope)

    op.__name__ = primitive.name
    return op


logical_and = _logical_op(logical_and_p)
logical_and.__doc__ = "Elementwise ``and`` of ``bool`` tensors (Python values must be ``bool``)."
logical_or = _logical_op(logical_or_p)
logical_or.__doc__ = "Elementwise ``or`` of ``bool`` tensors (Python values must be ``bool``)."
logical_not = _logical_op(logical_not_p)
logical_not.__doc__ = "Elementwise negation of a ``bool`` tensor."


def logical_xor(x: object, y: object, name: str | None = None) -> Tensor:
    """``(x | y) & ~(x & y)``, as TensorFlow composes it (the ``^`` of ``bool`` tensors)."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


def _where_rule(condition: TensorSpec, x: TensorSpec, y: TensorSpec) -> TensorSpec:
    checks.check_fixed_dtype("SelectV2", "condition", 0, condition, dtypes.bool_)  # TF's op names
    dtype = checks.check_same_dtype("SelectV2", ("t", "e"), x, y, offset=1)
    shape = checks.broadcast_shapes("where", x.shape, y.shape)
    return TensorSpec(checks.broadcast_shapes("where", condition.shape, shape), dtype)


def _where_kernel(condition: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    try:
        np.broadcast_shapes(condition.shape, x.shape, y.shape)
    except ValueError:
        shapes = [checks.array_shape_text(a) for a in (condition, x, y)]
        raise errors.InvalidArgumentError(
            f"condition {shapes[0]}, then {shapes[1]}, and else {shapes[2]} must be broadcastable"
        ) from None
    return np.where(condition, x, y)


where_p = Primitive("where", _where_rule, _where_kernel, node_name="SelectV2")


@gradients.defvjp(where_p)
def _where_vjp(ct, condition, x, y, **_):
    """Each branch gets the cotangent where it was chosen, zero elsewhere (GRAD-5)."""
    zero = scalar(0, ct)
    return None, sum_to(where(condition, ct, zero), x), sum_to(where(condition, zero, ct), y)


def _coordinates_rule(condition: TensorSpec) -> TensorSpec:
    rank = None if condition.shape is None else len(condition.shape)
    return TensorSpec((None, rank), dtypes.int64)


def _coordinates_kernel(condition: np.ndarray) -> np.ndarray:
    if condition.ndim == 0:  # TensorFlow's kernel has no case for a scalar
        raise errors.InvalidArgumentError("WhereOp : Unhandled input dimensions: 0")
    return np.argwhere(condition != 0).astype(np.int64)


where_coordinates_p = Primitive("where_coordinates", _coordinates_rule, _coordinates_kernel,
                                node_name="Where")
gradients.not_differentiable(where_coordinates_p)


def where(condition: object, x: object = None, y: object = None) -> Tensor:
    """Pick from ``x`` where ``condition`` holds and from ``y`` elsewhere (broadcasting).

    Without ``x`` and ``y``: the ``int64`` coordinates of the true elements.
    """
    if x is None and y is None:
        with name_scope("Where") as scope:
            return bind(where_coordinates_p, op_input("where", "input", condition), name=scope)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    with name_scope("SelectV2") as scope:
        condition = op_input("where", "condition", condition, dtypes.bool_)
        x, y = matching_inputs("where", (x, y), ("t", "e"))
        return bind(where_p, condition, x, y, name=scope)
