"""Mutant: a call of a nested ``ts.function`` is an ordinary, stateless node that runs as a whole
(not inlined), so when the outer function does not use its result the inner function's runtime
effects never run (NEST-1, EFFECT-4).

Witness, traced::

    @ts.function
    def inner(x):
        ts.print("inner runs", x)
        return x * 2

    @ts.function
    def outer(x):
        inner(x)
        return x + 1

    outer(ts.constant(1.0))
"""

from tracespec.reference.concrete_function import _CallPrimitive

from .base import Mutant, patch

adapter = Mutant(__name__, "call nodes of nested functions are never stateful",
                 lambda: [patch(_CallPrimitive, "is_stateful", lambda self, attrs: False),
                          patch(_CallPrimitive, "inlined", lambda self, attrs: None)],
                 breaks=[("returns-and-nesting", "traced")])
