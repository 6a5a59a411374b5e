"""Mutant: a graph runs a call of a nested ``ts.function`` as one stateful node instead of inlining
its ops, so a stateless op failing inside the first call stops the second call's effects (EFFECT-4).

Witness, traced::

    @ts.function
    def divide(a):
        ts.print("dividing", a)
        return 0 // a

    @ts.function
    def twice(x):
        return divide(x), divide(x)

    twice(ts.constant(0))
"""

from tracespec.reference.concrete_function import _CallPrimitive

from .base import Mutant, patch

adapter = Mutant(__name__, "calls run as one node, not inlined",
                 lambda: [patch(_CallPrimitive, "inlined", lambda self, attrs: None)],
                 breaks=[("side-effects", "traced")])
