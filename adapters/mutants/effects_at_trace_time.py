"""Mutant: runtime effects (``print``, ``py_function``) run while tracing, not when executing.

Witness, traced::

    @ts.function
    def f(x):
        ts.print("runs", x)
        return x

    f(ts.constant(1.0))
    f(ts.constant(2.0))
"""

import numpy as np

from tracespec.reference import context
from tracespec.reference.graph import Graph
from tracespec.reference.ops import effects
from tracespec.reference.primitive import execute_eagerly
from tracespec.reference.tensor import EagerTensor

from .base import Mutant, patch

_original = Graph.add_node
_EFFECTS = (effects.print_p, effects.py_function_p)


def add_node(self, primitive, inputs, attrs):
    if primitive not in _EFFECTS:
        return _original(self, primitive, inputs, attrs)
    stack = context._stack()
    saved = stack[:]
    stack.clear()
    try:  # run the effect now, on zeros, as a trace-time-only op would
        fake = [EagerTensor(np.zeros([d or 0 for d in (t.shape or ())]), t.dtype) for t in inputs]
        outputs = execute_eagerly(primitive, tuple(fake), attrs)
    finally:
        stack[:] = saved
    return [self.own(t) for t in outputs]


adapter = Mutant(__name__, "runtime effects run only at trace time",
                 lambda: [patch(Graph, "add_node", add_node)], breaks=[("side-effects", "traced")])
