"""Mutant: the frequent-retracing warning needs 6 tracing calls, not 5 (an off-by-one).

Witness, traced::

    @ts.function
    def f(x, n):
        return x + n

    f(ts.constant(1.0), 0)
    f(ts.constant(1.0), 1)
    f(ts.constant(1.0), 2)
    f(ts.constant(1.0), 3)
    f(ts.constant(1.0), 4)
"""

from tracespec.reference import retracing_warning

from .base import Mutant, patch

adapter = Mutant(__name__, "retracing warning threshold off by one",
                 lambda: [patch(retracing_warning, "THRESHOLD", retracing_warning.THRESHOLD + 1)],
                 breaks=[("tracing-and-cache", "traced"), ("tracing-and-cache", "eager")])
