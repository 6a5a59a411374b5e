"""Mutant: the graph interpreter runs stateful ops after everything else, in reverse order."""

from tracespec.reference import interpreter

from .base import Mutant, patch

_original = interpreter.nodes_to_run


def nodes_to_run(graph):
    nodes = _original(graph)
    stateful = [n for n in nodes if n.stateful]
    return [n for n in nodes if not n.stateful] + stateful[::-1]


class StatefulReordered(Mutant):
    name = "mutant-stateful-reordered"
    bug = "stateful ops reordered"

    def patches(self):
        return [patch(interpreter, "nodes_to_run", nodes_to_run)]


adapter = StatefulReordered()
