"""Mutant: graph loop variables may change shape without a shape invariant: every loop
variable is relaxed to an unknown shape (CF-6, AG-9: the shape must stay, unless an
invariant says otherwise).

Witness, traced::

    @ts.function
    def f(v, n):
        return ts.while_loop(lambda v: ts.reduce_sum(v) < n, lambda v: [ts.concat([v, v], 0)], [v])

    f(ts.constant([1]), ts.constant(3))
"""

from tracespec.reference import control_flow
from tracespec.reference.autograph import operators

from .base import Mutant, patch

_check_loop_var = operators._check_loop_var


def _invariant_shapes(loop_vars, initial, shape_invariants):
    return [None for _ in initial]


def check_loop_var(name, check_shapes, initial, entry, exit, invariant):
    return _check_loop_var(name, False, initial, entry, exit, invariant)


adapter = Mutant(__name__, "loop variables may change shape without an invariant",
                 lambda: [patch(control_flow, "_invariant_shapes", _invariant_shapes),
                          patch(operators, "_check_loop_var", check_loop_var)],
                 breaks=[("control-flow", "traced"), ("autograph", "traced")])
