"""Mutant: the graph interpreter runs stateful ops after everything else, in reverse order.

Witness, traced::

    @ts.function
    def f(x):
        ts.print("A", x)
        ts.print("B", x)
        return x

    f(ts.constant(1.0))
"""

from tracespec.reference import interpreter

from .base import Mutant, patch

_original = interpreter.nodes_to_run


def nodes_to_run(graph):
    nodes = _original(graph)
    stateful = [n for n in nodes if n.stateful]
    return [n for n in nodes if not n.stateful] + stateful[::-1]


adapter = Mutant(__name__, "stateful ops reordered",
                 lambda: [patch(interpreter, "nodes_to_run", nodes_to_run)],
                 breaks=[("side-effects", "traced")])
