"""Mutant: a symbolic tensor used as a Python ``bool`` is simply True (as any object is), instead
of failing the trace (ERROR-3).

Witness, traced::

    @ts.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x

    f(ts.constant(-1.0))
"""

from tracespec.reference.tensor import SymbolicTensor

from .base import Mutant, patch

adapter = Mutant(__name__, "bool() of a symbolic tensor is True",
                 lambda: [patch(SymbolicTensor, "__bool__", lambda self: True)],
                 breaks=[("errors", "traced")])
