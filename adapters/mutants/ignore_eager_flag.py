"""Mutant: ``ts.function`` ignores the run-eagerly flag and always traces.

Witness, eager::

    @ts.function
    def f(x):
        log("body")
        return x

    f(ts.constant(1.0))
    f(ts.constant(1.0))
"""

from tracespec.reference import polymorphic_function

from .base import Mutant, patch

adapter = Mutant(__name__, "the run-eagerly flag is ignored",
                 lambda: [patch(polymorphic_function.eager_switch, "functions_run_eagerly", lambda: False)],
                 breaks=[("eager-switch", "traced"), ("eager-switch", "eager")])
