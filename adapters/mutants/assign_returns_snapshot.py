"""Mutant: ``assign`` returns a snapshot of the new value instead of the variable itself.

Witness, eager::

    v = ts.Variable(0.0)

    @ts.function
    def f():
        r = v.assign(3.0)
        v.assign(7.0)
        return r

    f()
"""

from tracespec.reference import variables

from .base import Mutant, patch

_original = variables.Variable._write


def write(self, primitive, value, read_value):
    alias = _original(self, primitive, value, read_value)
    return None if alias is None else self.read_value()


adapter = Mutant(__name__, "assign returns a snapshot, not the variable",
                 lambda: [patch(variables.Variable, "_write", write)],
                 breaks=[("variables-and-state", "eager"), ("variables-and-state", "traced")])
