"""Mutant: Python scalar arguments are not part of the cache key.

Witness, traced::

    @ts.function
    def f(x, p):
        log("trace")
        return x

    f(ts.constant(1.0), 1)
    f(ts.constant(1.0), 2)
"""

from tracespec.reference.trace_type import Literal

from .base import Mutant, patch

adapter = Mutant(__name__, "Python scalars not part of the trace key",
                 lambda: [patch(Literal, "__eq__", lambda self, other: isinstance(other, Literal)),
                          patch(Literal, "__hash__", lambda self: 0)],
                 breaks=[("tracing-and-cache", "traced")])
