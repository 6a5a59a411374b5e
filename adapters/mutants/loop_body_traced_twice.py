"""Mutant: the body of a graph loop is traced twice (a throwaway trace to learn the loop
variables' types, then the real one), so its Python side effects happen twice per trace
(CF-5: once).

Witness, traced::

    @ts.function
    def f(n):
        def body(i):
            log("tracing the body")
            return [i + 1]
        return ts.while_loop(lambda i: i < n, body, [ts.constant(0)])

    f(ts.constant(2))
"""

from tracespec.reference import control_flow

from .base import Mutant, patch

_original = control_flow.trace_subgraph


def trace_subgraph(fn, name, specs, pack=tuple):
    if name.rpartition("/")[2].startswith("while_body"):  # `while/while_body` in its scope
        _original(fn, name, specs, pack)  # discarded
    return _original(fn, name, specs, pack)


adapter = Mutant(__name__, "graph loop bodies traced twice",
                 lambda: [patch(control_flow, "trace_subgraph", trace_subgraph)],
                 breaks=[("control-flow", "traced"), ("autograph", "traced")])
