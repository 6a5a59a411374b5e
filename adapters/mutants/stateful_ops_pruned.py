"""Mutant: graph pruning treats stateful ops like any other, so an effect whose result nothing uses
(a ``ts.print``, an unused ``ts.py_function``) never runs in a graph (EFFECT-4).

Witness, traced::

    @ts.function
    def f(x):
        ts.print("runs", x)
        unused = ts.py_function(effect("host"), [x], x.dtype)
        return x

    f(ts.constant(1.0))
"""

from tracespec.reference import interpreter

from .base import Mutant, patch


def nodes_to_run(graph):
    needed: set[int] = set()
    pending = [t.node for t in graph.outputs]
    while pending:
        node = pending.pop()
        if id(node) not in needed:
            needed.add(id(node))
            pending.extend(t.node for t in node.inputs)
    return [n for n in graph.nodes if id(n) in needed]


adapter = Mutant(__name__, "unused stateful ops pruned from graphs",
                 lambda: [patch(interpreter, "nodes_to_run", nodes_to_run)],
                 breaks=[("side-effects", "traced")])
