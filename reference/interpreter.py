"""The graph interpreter: runs a traced graph with the same kernels as eager mode.

Execution is TensorFlow's non-strict execution:

1. Mark the nodes that must run: every stateful node (``print``,
   ``py_function``, calls of functions that contain them), and every node an
   output or a marked node depends on (EFFECT-4).
2. Run the marked nodes in program order, so stateful nodes keep their order.
   Unmarked stateless nodes are pruned: their runtime errors never happen
   (EFFECT-5).
3. A kernel's ``InvalidArgumentError`` is re-raised as a graph execution error
   that names the node (ERROR-2).

The reference does not model graph rewrites (Grappler, XLA): a graph computes
exactly what eager execution of the same ops computes, bit for bit.

Verbose mode (``verbose.py``) reports every node as it runs.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from . import errors
from .graph import Graph, Node, placeholder
from .primitive import run_kernel
from .tensor import EagerTensor, SymbolicTensor
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
            raise errors.InvalidArgumentError(
                f"Graph execution error:\n\nDetected at node '{node.name}' in graph "
                f"'{graph.name}':\n{error.message}"
            ) from None
        results = results if isinstance(results, tuple) else (results,)
        for tensor, value in zip(node.outputs, results, strict=True):
            values[id(tensor)] = np.asarray(value, dtype=tensor.dtype.numpy_dtype)
    return [values[id(t)] for t in graph.outputs]


def _ancestors(graph: Graph, tensors: Sequence[SymbolicTensor]) -> set[int]:
    needed: set[int] = set()
    pending = [t.node for t in tensors]
    while pending:
        node = pending.pop()
        if id(node) not in needed:
            needed.add(id(node))
            pending.extend(t.node for t in node.inputs)
    return needed


def liftable(graph: Graph, tensor: SymbolicTensor) -> bool:
    """VAR-4: whether ``tensor`` can be computed without running the graph: it depends on no
    argument and on no tensor of an enclosing trace, only on values captured from eager code."""
    eager = {id(inner) for outer, inner in graph.captures if isinstance(outer, EagerTensor)}
    return all(
        node.primitive is not placeholder or id(node.outputs[0]) in eager
        for node in graph.nodes if id(node) in _ancestors(graph, [tensor])
    )


def evaluate(graph: Graph, tensors: Sequence[SymbolicTensor]) -> list[np.ndarray]:
    """VAR-4: the values of liftable ``tensors`` now, running only the nodes they depend on."""
    needed = _ancestors(graph, tensors)
    part = copy.copy(graph)
    part.nodes = [n for n in graph.nodes if id(n) in needed]
    part.placeholders = []
    part.captures = [(outer, inner) for outer, inner in graph.captures if id(inner.node) in needed]
    part.outputs = list(tensors)
    return execute(part, [], [outer._value for outer, _ in part.captures])
