"""Mutant: runtime effects (``print``, ``py_function``) run while tracing, not when executing."""

from tracespec.reference.graph import Graph
from tracespec.reference.ops import effects
from tracespec.reference.primitive import execute_eagerly

from .base import Mutant, patch

_original = Graph.add_node
_EFFECTS = (effects.print_p, effects.py_function_p)


def add_node(self, primitive, inputs, attrs):
    if primitive in _EFFECTS:
        from tracespec.reference import context

        stack = context._stack()
        saved = stack[:]
        stack.clear()
        try:  # run the effect now, on zeros, as a trace-time-only op would
            import numpy as np

            from tracespec.reference.tensor import EagerTensor

            fake = [EagerTensor(np.zeros([d or 0 for d in (t.shape or ())]), t.dtype)
                    for t in inputs]
            outputs = execute_eagerly(primitive, tuple(fake), attrs)
        finally:
            stack[:] = saved
        return [self.own(t) for t in outputs]
    return _original(self, primitive, inputs, attrs)


class EffectsAtTraceTime(Mutant):
    name = "mutant-effects-at-trace-time"
    bug = "runtime effects run only at trace time"

    def patches(self):
        return [patch(Graph, "add_node", add_node)]


adapter = EffectsAtTraceTime()
