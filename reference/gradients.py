"""The gradient rules: one vector-Jacobian product (VJP) per primitive (GRAD-5).

Each ``ops/*.py`` module registers the rule of a primitive right after defining it::

    @gradients.defvjp(multiply_p)
    def _multiply_vjp(ct, x, y, **_):
        return sum_to(ct * y, x), sum_to(ct * x, y)

A rule receives the cotangent of the op's output (a tuple of them for an op with several
outputs; ``None`` for an output nothing depends on), the op's inputs, its output as ``out``
and its attributes, and returns the cotangent of each input: a tensor, or ``None`` where no
gradient flows. Rules are written with ops, so they run eagerly, record into a graph while
tracing, and can themselves be differentiated (a tape recording another tape's gradient).

``not_differentiable`` registers ``None``: no input of the op ever gets a gradient
(comparisons, ``floordiv``, ``stop_gradient``, writes to variables...), as TensorFlow's
``ops.NotDifferentiable``. This module imports no op: ops import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

VJP = Callable[..., Any]

RULES: dict[str, VJP | None] = {}
"""Every primitive's rule by primitive name; ``None``: not differentiable."""


def defvjp(primitive: Any) -> Callable[[VJP], VJP]:
    """Register the decorated function as ``primitive``'s VJP rule."""
    def register(rule: VJP) -> VJP:
        RULES[primitive.name] = rule
        return rule

    return register


def not_differentiable(*primitives: Any) -> None:
    """No gradient flows through these primitives to any of their inputs."""
    for primitive in primitives:
        RULES[primitive.name] = None


RECORDING: dict[str, Callable[[Any], tuple[dict[str, Any], list[Any]]]] = {}
"""For ops that run graphs (calls, conditionals, loops), by primitive name: given a graph node,
the attributes of the same op returning the values its graphs compute, and its output specs.
A gradient through such an op needs those values (GRAD-7)."""


def rule(primitive: Any) -> VJP | None:
    """The VJP rule of ``primitive``, ``None`` if it is not differentiable."""
    if primitive.name not in RULES:
        raise LookupError(f"No gradient defined for operation '{primitive.name}'.")
    return RULES[primitive.name]
