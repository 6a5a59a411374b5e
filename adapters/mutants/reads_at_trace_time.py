"""Mutant: a traced function reads its variables when it is traced, freezing their values.

Witness, traced::

    v = ts.Variable(1.0)

    @ts.function
    def f():
        return v + 1

    f()
    v.assign(100.0)
    f()
"""

from tracespec.reference import context, variables
from tracespec.reference.tensor import EagerTensor

from .base import Mutant, patch

_original = variables.Variable.read_value


def read_value(self):
    if context.executing_eagerly():
        return _original(self)
    return EagerTensor(self._storage, self.dtype)  # the value now, baked into the graph


adapter = Mutant(__name__, "variable reads hoisted to trace time",
                 lambda: [patch(variables.Variable, "read_value", read_value)],
                 breaks=[("variables-and-state", "traced"), ("gradients", "traced")])
