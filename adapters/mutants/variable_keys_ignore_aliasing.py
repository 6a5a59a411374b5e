"""Mutant: variable arguments are keyed by dtype and shape only, not by trainable and aliasing.

Witness, traced::

    a = ts.Variable(1.0)
    b = ts.Variable(2.0)

    @ts.function
    def f(p, q):
        log("trace")
        return p + q

    f(a, b)
    f(a, a)
"""

from tracespec.reference import variables

from .base import Mutant, patch


def tracing_type(self, aliases):
    return variables.VariableSpec(self.shape, self.dtype, True, 0)


adapter = Mutant(__name__, "variable arguments keyed without trainable and aliasing",
                 lambda: [patch(variables.Variable, "__ts_trace_type__", tracing_type)],
                 breaks=[("variables-and-state", "traced")])
