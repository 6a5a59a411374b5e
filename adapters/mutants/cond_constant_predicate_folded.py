"""Mutant: a ``ts.cond`` whose predicate is known while tracing is folded, so only the taken
branch is traced (TensorFlow traces both branches even for a constant predicate, CF-2).

Witness, traced::

    @ts.function
    def f(x):
        def yes():
            log("tracing yes")
            return x
        def no():
            log("tracing no")
            return -x
        return ts.cond(ts.constant(1.0) > 0.0, yes, no)

    f(ts.constant(1.0))
"""

import tracespec.reference as ts
from tracespec.reference import context, control_flow
from tracespec.reference.graph import constant_primitive
from tracespec.reference.primitive import run_kernel
from tracespec.reference.tensor import EagerTensor, SymbolicTensor

from .base import Mutant, patch

_original = control_flow.cond


def _folded(tensor):
    """The value of a tensor computed from constants only, or None."""
    if isinstance(tensor, EagerTensor):
        return tensor._value
    if not isinstance(tensor, SymbolicTensor) or tensor.node.primitive.stateful:
        return None
    if tensor.node.primitive is constant_primitive:
        return tensor.node.attrs["value"]
    if not tensor.node.inputs:
        return None
    inputs = [_folded(t) for t in tensor.node.inputs]
    if any(v is None for v in inputs):
        return None
    return run_kernel(tensor.node.primitive, inputs, tensor.node.attrs)


def cond(pred, true_fn=None, false_fn=None, name=None):
    value = _folded(pred) if context.current_graph() is not None else None
    if value is not None:  # constant folding: only the taken branch is traced
        return true_fn() if bool(value) else false_fn()
    return _original(pred, true_fn, false_fn, name)


adapter = Mutant(__name__, "a cond with a known predicate traces only the taken branch",
                 lambda: [patch(control_flow, "cond", cond), patch(ts, "cond", cond)],
                 breaks=[("control-flow", "traced")])
