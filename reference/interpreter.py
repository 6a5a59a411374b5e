"""The graph interpreter: runs a traced graph with the same kernels as eager mode.

Execution is TensorFlow's non-strict execution:

0. Inline every function call: the called graph's nodes take the place of the
   ``call`` node, as TensorFlow inlines function bodies before a graph runs. A
   call's stateful ops join the caller's order, and a call's other ops are pruned
   or fail like the caller's own (EFFECT-4).
1. Mark the nodes that must run: every stateful node (``print``,
   ``py_function``, a control-flow op whose branches contain them), and every
   node an output or a marked node depends on (EFFECT-4).
2. Build the kernels of the marked nodes. A kernel that cannot exist for its
   input dtypes (``cast`` between strings and numbers) fails the call before
   anything runs, so no ``ts.print`` of the graph prints (ERROR-2).
3. Run the marked nodes in program order, so stateful nodes keep their order,
   and so do the reads and writes of a variable (VAR-7).
   Unmarked stateless nodes are pruned: their runtime errors never happen
   (EFFECT-5).
4. A node whose kernel fails (ERROR-2) stops only what depends on it: the
   nodes that use its outputs and, since each stateful node runs after the
   one before it (TensorFlow's automatic control dependencies), every later
   stateful node if it is stateful or skipped. The other nodes still run, so a
   ``ts.print`` that needs nothing from a failed gather still prints. At the
   end the failure is raised as a graph execution error naming the node. When
   several independent nodes fail, the error names each of them (which one
   TensorFlow reports is unspecified).

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


def inline(graph: Graph) -> Graph:
    """Step 0: ``graph`` with every function call replaced by the called graph's nodes.

    The inlined nodes are copies wired to the caller's tensors; each keeps its own graph, so
    an error still names the node and the function it belongs to (ERROR-2).
    """
    if not any(node.primitive.inlined(node.attrs) is not None for node in graph.nodes):
        return graph
    flat = copy.copy(graph)
    flat.nodes = []
    renamed: dict[int, SymbolicTensor] = {}
    _place(graph, renamed, flat.nodes)
    flat.outputs = [renamed.get(id(t), t) for t in graph.outputs]
    return flat


def _place(graph: Graph, renamed: dict[int, SymbolicTensor], nodes: list[Node]) -> None:
    """Append copies of ``graph``'s nodes to ``nodes``, inlining calls; ``renamed`` maps each
    tensor of ``graph`` to the tensor that stands for it in the flat graph."""
    for node in graph.nodes:
        inputs = tuple(renamed.get(id(t), t) for t in node.inputs)
        callee = node.primitive.inlined(node.attrs)
        if callee is not None:
            note("EFFECT-4", "graph %s inlines %s", graph.name, node.name)
            op_event("run", node.primitive.name, node)  # the call runs as its inlined ops
            parameters = callee.placeholders + [inner for _, inner in callee.captures]
            inner = {id(p): t for p, t in zip(parameters, inputs, strict=True)}
            _place(callee, inner, nodes)
            for output, result in zip(node.outputs, callee.outputs, strict=True):
                renamed[id(output)] = inner.get(id(result), result)
        elif node.primitive is placeholder:
            if id(node.outputs[0]) not in renamed:  # the callee's parameters are the call's inputs
                nodes.append(node)
        else:
            placed = copy.copy(node)
            placed.inputs = inputs
            placed.outputs = [SymbolicTensor(placed, t.index, t.spec) for t in node.outputs]
            renamed.update((id(old), new) for old, new in zip(node.outputs, placed.outputs))
            nodes.append(placed)


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
    graph = inline(graph)
    run = nodes_to_run(graph)
    for node in run:  # step 2: every kernel is built before any runs
        if node.primitive.instantiate is not None:
            try:
                node.primitive.instantiate(*(t.spec for t in node.inputs), **node.attrs)
            except errors.OpError as error:
                note("ERROR-2", "the kernel of %s cannot be built: nothing runs", node.name)
                raise _graph_execution_error([(node, error)]) from None
    stopped: set[int] = set()  # nodes that failed, or depend on one that did
    failures: list[tuple[Node, errors.OpError]] = []
    previous_stateful: Node | None = None
    for node in run:  # step 3
        if node.primitive is placeholder:
            continue
        after = previous_stateful if node.stateful else None
        if node.stateful:
            previous_stateful = node
        if any(id(t.node) in stopped for t in node.inputs) or (after and id(after) in stopped):
            note("ERROR-2", "node %s does not run: a node it depends on failed", node.name)
            stopped.add(id(node))
            continue
        inputs = [values[id(t)] for t in node.inputs]
        op_event("run", node.primitive.name, node)
        try:
            results = run_kernel(node.primitive, inputs, node.attrs)
        except errors.OpError as error:  # step 4
            stopped.add(id(node))
            failures.append((node, error))
            continue
        results = results if isinstance(results, tuple) else (results,)
        for tensor, value in zip(node.outputs, results, strict=True):
            values[id(tensor)] = np.asarray(value, dtype=tensor.dtype.numpy_dtype)
    if failures:
        raise _graph_execution_error(failures)
    return [values[id(t)] for t in graph.outputs]


def _graph_execution_error(failures: list[tuple[Node, errors.OpError]]) -> errors.OpError:
    """ERROR-2: the kernel's error, naming the node and its function (an inlined callee's, or the
    inner node of a control-flow op's sub-graph)."""
    detections = []
    for node, error in failures:
        detections.extend(getattr(error, "detections", None) or
                          [f"Detected at node '{node.name}' in graph '{node.graph.name}':\n{error.message}"])
    causes = [e for _, error in failures for e in getattr(error, "failures", None) or [error]]
    failure = type(causes[0])("Graph execution error:\n\n" + "\n\n".join(detections))
    failure.detections = detections  # type: ignore[attr-defined]
    failure.failures = causes  # type: ignore[attr-defined]  # each of them may be the one reported
    return failure


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
