"""Mutant: a tape outside a traced function does not see the variables the function reads, so
they are not watched and get no gradient.

Witness, traced::

    w = ts.Variable(2.0)

    @ts.function
    def f(x):
        return w * x

    class Tape:
        @staticmethod
        def taped(x):
            with ts.GradientTape() as tape:
                y = f(x)
            return tape.gradient(y, w)

    Tape.taped(ts.constant(3.0))
"""

from tracespec.reference.graph import Graph

from .base import Mutant, patch

adapter = Mutant(__name__, "a call does not tell the tape which variables it reads",
                 lambda: [patch(Graph, "variables", property(lambda self: []))],
                 breaks=[("gradients", "traced")])
