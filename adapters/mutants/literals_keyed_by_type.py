"""Mutant: Python scalar arguments are keyed by type as well as value: ``1``, ``1.0`` and ``True``
get three traces.

Witness, traced::

    @ts.function
    def f(x, n):
        log("trace")
        return x * n

    f(ts.constant(2.0), 1)
    f(ts.constant(2.0), 1.0)
    f(ts.constant(2.0), True)
"""

from tracespec.reference.trace_type import Literal, _is_nan

from .base import Mutant, patch


def __eq__(self, other):
    if not isinstance(other, Literal) or type(self.value) is not type(other.value):
        return False
    return (_is_nan(self.value) and _is_nan(other.value)) or bool(self.value == other.value)


def __hash__(self):
    return hash((type(self.value), "nan" if _is_nan(self.value) else self.value))


adapter = Mutant(__name__, "Python literals keyed by type and value",
                 lambda: [patch(Literal, "__eq__", __eq__), patch(Literal, "__hash__", __hash__)],
                 breaks=[("tracing-and-cache", "traced")])
