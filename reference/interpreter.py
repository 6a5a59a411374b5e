"""The graph interpreter: runs a traced graph with the same kernels as eager mode.

Execution is TensorFlow's non-strict execution:

1. Mark the nodes that must run: every stateful node (``print``,
   ``py_function``, calls of functions that contain them), and every node an
   output or a marked node depends on (EFFECT-4).
2. Run the marked nodes in program order, so stateful nodes keep their order.
   Unmarked stateless nodes are pruned: their runtime errors never happen
   (EFFECT-5).
3. A kernel's ``InvalidArgumentError`` is re-raised as a graph execution error
   that names the node (ERROR-2); one raised in a sub-graph (a branch, a loop
   body) names the node there.

The reference does not model graph rewrites (Grappler, XLA): a graph computes
exactly what eager execution of the same ops computes, bit for bit.

Verbose mode (``verbose.py``) reports every node as it runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import errors
from .graph import Graph, Node, placeholder
from .primitive import run_kernel
from .verbose import note, op_event


def nodes_to_run(graph: Graph) -> list[Node]:
    """Step 1: the nodes that must execute, in program order."""
    needed: set[int] = set()
    stateful = [n for n in graph.nodes if n.stateful]
    if stateful:
        note("EFFECT-4", "graph %s runs its %d stateful nodes in program order", graph.name, len(stateful))
    pending = [t.node for t in graph.outputs] + stateful
    while pending:
        node = pending.pop()
        if id(node) not in needed:
            needed.add(id(node))
            pending.extend(t.node for t in node.inputs)
    run = [n for n in graph.nodes if id(n) in needed]
    if len(run) < len(graph.nodes):
        note("EFFECT-5", "graph %s prunes %d unused nodes", graph.name, len(graph.nodes) - len(run))
    return run


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
        op_event("run", node.primitive.name, node)
        try:
            results = run_kernel(node.primitive, inputs, node.attrs)
        except errors.InvalidArgumentError as error:  # step 3
            if error.message.startswith("Graph execution error"):  # from a sub-graph: named there
                raise
            raise errors.InvalidArgumentError(
                f"Graph execution error:\n\nDetected at node '{node.name}' in graph "
                f"'{graph.name}':\n{error.message}"
            ) from None
        results = results if isinstance(results, tuple) else (results,)
        for tensor, value in zip(node.outputs, results, strict=True):
            values[id(tensor)] = np.asarray(value, dtype=tensor.dtype.numpy_dtype)
    return [values[id(t)] for t in graph.outputs]
