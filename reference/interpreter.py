"""The graph interpreter: runs a traced graph with the same kernels as eager mode.

Execution is TensorFlow's non-strict execution:

1. Mark the nodes that must run: every stateful node (``print``,
   ``py_function``, calls of functions that contain them), and every node an
   output or a marked node depends on.
2. Run the marked nodes in program order, so stateful nodes keep their order.
   Unmarked stateless nodes are pruned: their runtime errors never happen
   (catalogue rule 32).
3. A kernel's ``InvalidArgumentError`` is re-raised as a graph execution error
   that names the node.

The reference does not model graph rewrites (Grappler, XLA): a graph computes
exactly what eager execution of the same ops computes, bit for bit.

Verbose mode: enable DEBUG logging for ``tracespec.reference.interpreter`` to
see every node as it executes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from . import errors
from .graph import Graph, Node, placeholder

log = logging.getLogger(__name__)


def nodes_to_run(graph: Graph) -> list[Node]:
    """Step 1: the nodes that must execute, in program order."""
    needed: set[int] = set()
    pending = [t.node for t in graph.outputs] + [n for n in graph.nodes if n.stateful]
    while pending:
        node = pending.pop()
        if id(node) not in needed:
            needed.add(id(node))
            pending.extend(t.node for t in node.inputs)
    return [n for n in graph.nodes if id(n) in needed]


def execute(
    graph: Graph, arguments: Sequence[np.ndarray], captured: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Run ``graph`` on argument values (one per placeholder) and captured values."""
    values: dict[int, np.ndarray] = {}
    for tensor, value in zip(graph.placeholders, arguments, strict=True):
        values[id(tensor)] = value
    for (_, inner), value in zip(graph.captures, captured, strict=True):
        values[id(inner)] = value
    for node in nodes_to_run(graph):  # step 2
        if node.primitive is placeholder:
            continue
        inputs = [values[id(t)] for t in node.inputs]
        log.debug("%s: %s%s", graph.name, node.name, [a.shape for a in inputs])
        try:
            results = node.primitive.kernel(*inputs, **node.attrs)
        except errors.InvalidArgumentError as error:  # step 3
            raise errors.InvalidArgumentError(
                f"Graph execution error:\n\nDetected at node '{node.name}' in graph "
                f"'{graph.name}':\n{error.message}"
            ) from None
        results = results if isinstance(results, tuple) else (results,)
        for tensor, value in zip(node.outputs, results, strict=True):
            values[id(tensor)] = np.asarray(value, dtype=tensor.dtype.numpy_dtype)
    return [values[id(t)] for t in graph.outputs]
