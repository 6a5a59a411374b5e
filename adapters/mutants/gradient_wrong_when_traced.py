"""Mutant: the gradient rule of ``multiply`` is wrong inside a trace only (it swaps the operands).

Witness, traced::

    @ts.function
    def f(x):
        with ts.GradientTape() as tape:
            tape.watch(x)
            y = x * 3.0
        return tape.gradient(y, x)

    f(ts.constant(2.0))
"""

from unittest import mock

from tracespec.reference import context, gradients
from tracespec.reference.ops import arithmetic
from tracespec.reference.ops.adjoints import sum_to

from .base import Mutant

_original = arithmetic._multiply_vjp


def multiply_vjp(ct, x, y, **attrs):
    if context.current_graph() is None:
        return _original(ct, x, y, **attrs)
    return sum_to(ct * x, x), sum_to(y * ct, y)


adapter = Mutant(__name__, "multiply's gradient rule is wrong when traced",
                 lambda: [mock.patch.dict(gradients.RULES, {"multiply": multiply_vjp})],
                 breaks=[("gradients", "traced")])
