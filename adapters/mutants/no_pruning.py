"""Mutant: graphs run every node, so unused stateless ops are not pruned."""

from tracespec.reference import interpreter

from .base import Mutant, patch


class NoPruning(Mutant):
    name = "mutant-no-pruning"
    bug = "unused stateless ops not pruned"

    def patches(self):
        return [patch(interpreter, "nodes_to_run", lambda graph: list(graph.nodes))]


adapter = NoPruning()
