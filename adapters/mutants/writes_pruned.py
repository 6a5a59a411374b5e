"""Mutant: the graph interpreter prunes variable writes that nothing uses, as if they were stateless.

Witness, traced::

    v = ts.Variable(0.0)

    @ts.function
    def f():
        v.assign_add(1.0)
        return 0

    f()
    f()
    v.numpy()
"""

from tracespec.reference import variables
from tracespec.reference.primitive import Primitive

from .base import Mutant, patch

_WRITES = (variables.assign_variable_p, variables.assign_add_variable_p, variables.assign_sub_variable_p)
_original = Primitive.is_stateful


def is_stateful(self, attrs):
    return False if self in _WRITES else _original(self, attrs)


adapter = Mutant(__name__, "unused variable writes are pruned",
                 lambda: [patch(Primitive, "is_stateful", is_stateful)],
                 breaks=[("variables-and-state", "traced")])
