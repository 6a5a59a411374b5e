"""Mutant: AutoGraph drops the extra loop test that ``break`` makes, so a graph loop with a
``break`` runs to its end (AG-5: ``break`` works in graph loops).

Witness, traced::

    @ts.function
    def f(n):
        s = ts.constant(0)
        for i in ts.range(n):
            s += i
            if i > 1:
                break
        return s

    f(ts.constant(5))
"""

from tracespec.reference.autograph import operators

from .base import Mutant, patch


def _and_extra_test(going, extra_test, values):
    return going


adapter = Mutant(__name__, "break ignored in graph loops",
                 lambda: [patch(operators, "_and_extra_test", _and_extra_test)],
                 breaks=[("autograph", "traced")])
