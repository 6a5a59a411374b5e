"""Mutant: graphs run every node, so unused stateless ops are not pruned.

Witness, traced::

    @ts.function
    def f(x):
        unused = ts.gather(x, [5])
        return x

    f(ts.constant([1]))
"""

from tracespec.reference import interpreter

from .base import Mutant, patch

adapter = Mutant(__name__, "unused stateless ops not pruned",
                 lambda: [patch(interpreter, "nodes_to_run", lambda graph: list(graph.nodes))],
                 breaks=[("side-effects", "traced")])
