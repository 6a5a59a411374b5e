"""``ts.cond`` and ``ts.while_loop``: control flow as ops.

Eagerly both are plain Python: ``cond`` calls the one branch its predicate picks and
``while_loop`` is a Python ``while`` (CF-1, CF-5). While tracing, each branch, and the
loop's condition and body, is traced exactly once into a sub-graph of its own, whatever the
data, so all their Python side effects happen then (CF-2, CF-5). One node (``cond`` or
``while``) holds the sub-graphs. When the graph runs, its kernel runs the branch the
predicate picks, or the body once per iteration, with the graph interpreter; so stateful ops
inside run only when taken, in program order (CF-4, CF-8).

Tracing rules, all checked while tracing: branch outputs agree in structure and dtype, and
their shapes relax to the most specific shape both fit (CF-3); loop variables keep their
structure, dtype and shape unless a shape invariant relaxes the shape (CF-6).

A branch or loop body returns tensors, Python values (converted to tensors) and
``TensorArray`` values (which flow through the sub-graph as their variant tensor).
``trace_subgraph`` is also how ``data.py`` traces dataset functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import context, dtypes, errors, gradients, nest, tape, variant
from .concrete_function import returning_intermediates
from .conversion import convert_to_tensor
from .graph import Graph
from .interpreter import execute, nodes_to_run
from .ops.adjoints import zeros_like
from .primitive import Primitive, bind
from .tensor import EagerTensor, Tensor
from .tensor_array import TensorArray
from .tensor_shape import TensorShape
from .tensor_spec import Shape, TensorSpec, format_shape, most_specific_common_shape, shape_is_compatible
from .variables import is_handle, variable_of
from .verbose import note

# -- sub-graphs ------------------------------------------------------------------------------


def trace_subgraph(fn: Callable[..., Any], name: str, specs: Sequence[TensorSpec],
                   pack: Callable[[list[Tensor]], tuple] = tuple) -> tuple[Graph, Any]:
    """Trace ``fn`` into a new sub-graph of the graph being traced (or of none).

    The sub-graph gets one placeholder per spec; ``pack`` turns them into ``fn``'s
    arguments. Tensors of enclosing graphs that ``fn`` uses become captures. Returns the
    sub-graph, whose outputs are the tensors of ``fn``'s result, and that result with the
    sub-graph's tensors as leaves. Afterwards the sub-graph is closed (``graph.py``).
    """
    graph = Graph(name)
    outer = context.current_graph()
    graph._scope = outer._scope if outer is not None else ""  # TensorFlow's `while/mul` (CF-9)
    try:
        with context.tracing_into(graph):
            placeholders = [graph.add_placeholder(spec, f"{name}_arg") for spec in specs]
            result = fn(*pack(placeholders))
            outputs = nest.map_structure(lambda leaf: _own(graph, leaf, fn), result)
    finally:
        graph.closed = True
    graph.outputs = [leaf_tensor(leaf) for leaf in nest.flatten(outputs)]
    return graph, outputs


def _own(graph: Graph, leaf: Any, fn: Callable[..., Any]) -> Any:
    """A result leaf as a value of ``graph``: tensors and TensorArrays; Python values convert."""
    if isinstance(leaf, TensorArray):
        return leaf.with_flow(graph.own(leaf.flow))
    if isinstance(leaf, Tensor):
        return graph.own(leaf)
    if isinstance(leaf, (bool, int, float, str, bytes, np.ndarray, np.generic)):
        return graph.own(convert_to_tensor(leaf))
    raise TypeError(
        "To be compatible with ts.function, Python functions must return zero or more Tensors "
        f"or None values; in compilation of {fn!r}, found return value of type "
        f"{type(leaf).__name__}, which is not a Tensor."
    )


def leaf_tensor(leaf: Any) -> Tensor:
    """The tensor a structure leaf travels as: a TensorArray as its flow, a Python value converted."""
    if isinstance(leaf, TensorArray):
        return leaf.flow
    return leaf if isinstance(leaf, Tensor) else convert_to_tensor(leaf)


def repack(template: Any, tensors: Sequence[Tensor]) -> Any:
    """``template``'s structure with ``tensors`` as its leaves (TensorArrays rebuilt on them)."""
    flat = iter(tensors)

    def leaf(old: Any) -> Any:
        new = next(flat)
        return old.with_flow(new) if isinstance(old, TensorArray) else new

    return nest.map_structure(leaf, template)


def all_leaves(structure: Any) -> list[Any]:
    """The leaves of ``structure``, ``None`` included (``nest.flatten`` leaves it out)."""
    if isinstance(structure, Mapping):
        return [leaf for value in structure.values() for leaf in all_leaves(value)]
    if isinstance(structure, (list, tuple)):
        return [leaf for value in structure for leaf in all_leaves(value)]
    return [structure]


def same_structure(a: Any, b: Any, check_types: bool = True) -> bool:
    """Whether ``a`` and ``b`` nest the same containers the same way (``None`` is a leaf here).

    Without ``check_types`` a list and a tuple of the same items count as the same.
    """
    return structure_error(a, b, check_types) is None


def structure_error(a: Any, b: Any, check_types: bool = True) -> Exception | None:
    """TensorFlow's error for two structures that differ: ``TypeError`` for another kind of
    sequence, ``ValueError`` for anything else; ``None`` if they agree."""
    mismatch = "The two structures don't have the same nested structure."
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        if not (isinstance(a, Mapping) and isinstance(b, Mapping)) or a.keys() != b.keys():
            return ValueError(mismatch)
        return next((e for k in a if (e := structure_error(a[k], b[k], check_types))), None)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        if not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))) or len(a) != len(b):
            return ValueError(mismatch)
        if check_types and type(a) is not type(b):
            return TypeError(mismatch)
        return next((e for x, y in zip(a, b) if (e := structure_error(x, y, check_types))), None)
    return None


class ControlFlowPrimitive(Primitive):
    """A primitive whose attributes hold sub-graphs: stateful when any of them is."""

    def is_stateful(self, attrs: dict[str, Any]) -> bool:
        return any(node.stateful for graph in attrs.values() if isinstance(graph, Graph)
                   for node in graph.nodes)


def captures(*graphs: Graph) -> list[Tensor]:
    """The enclosing graphs' tensors the sub-graphs captured, in order: the node's extra inputs."""
    return [outer for graph in graphs for outer, _ in graph.captures]


def check_predicate(value: np.ndarray) -> bool:
    """A predicate's value when the graph runs: a ``bool`` scalar."""
    if value.dtype != np.bool_:
        raise errors.InvalidArgumentError(f"Input 'pred' passed {value.dtype.name} expected bool")
    if value.ndim:
        raise errors.InvalidArgumentError(
            f"The second input must be a scalar, but it has shape {list(value.shape)}")
    return bool(value)


# -- cond --------------------------------------------------------------------------------------


def cond(pred: object, true_fn: Callable[[], Any] | None = None,
         false_fn: Callable[[], Any] | None = None, name: str | None = None) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``: in Python eagerly, as a graph conditional traced."""
    for label, fn in (("true_fn", true_fn), ("false_fn", false_fn)):
        if fn is None:
            raise TypeError(f"cond(): '{label}' argument required")
        if not callable(fn):
            raise TypeError(f"'{label}' must be callable.")
    graph = context.current_graph()
    if graph is None:
        note("CF-1", "eagerly, ts.cond calls the %s branch only", "true" if pred else "false")
        return true_fn() if pred else false_fn()
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool", pred)
    pred = convert_to_tensor(pred)
    note("CF-2", "ts.cond traces both branches into sub-graphs of %s", graph.name)
    names = graph.unique_name("cond_true"), graph.unique_name("cond_false")
    with graph.scoped(name or "cond") as scope:  # the branches' ops are `cond/mul`, as TensorFlow's
        true_graph, true_out = trace_subgraph(true_fn, names[0], ())
        false_graph, false_out = trace_subgraph(false_fn, names[1], ())
        _check_branches(true_out, false_out)
        inputs = [pred, *captures(true_graph, false_graph)]
        if tape.recording(inputs, true_graph.variables + false_graph.variables):  # GRAD-6: its gradient
            # needs the values the branch computes
            true_graph, false_graph = map(returning_intermediates, (true_graph, false_graph))
        results = bind(cond_p, *inputs, true_graph=true_graph, false_graph=false_graph, name=scope)
    return repack(true_out, results)


def _check_branches(true_out: Any, false_out: Any) -> None:
    """CF-3: the two branches return the same structure of the same dtypes."""
    note("CF-3", "the branches of ts.cond must agree in structure and dtype")
    mismatch = TypeError(
        "true_fn and false_fn arguments to ts.cond must have the same number, type, and "
        "overall structure of return values.")
    if not same_structure(true_out, false_out):
        raise mismatch
    true_leaves = nest.flatten(true_out)
    false_leaves = nest.flatten(false_out)
    if len(true_leaves) != len(false_leaves):  # None in one branch only
        raise ValueError(f"Lengths of branch outputs of cond must match.\nlen(graphs[0].outputs): "
                         f"{len(true_leaves)}\nlen(graphs[1].outputs): {len(false_leaves)}")
    for a, b in zip(true_leaves, false_leaves):
        if leaf_tensor(a).dtype != leaf_tensor(b).dtype:
            raise mismatch


def _cond_rule(pred: TensorSpec, *captured: TensorSpec, true_graph: Graph,
               false_graph: Graph) -> tuple[TensorSpec, ...]:
    """CF-3: each output has the most specific shape both branches' outputs fit. Branches that
    return their values (GRAD-7) add one variant output that holds them."""
    count = _primal_count(true_graph)
    return tuple(TensorSpec(most_specific_common_shape(t.spec.shape, f.spec.shape), t.dtype)
                 for t, f in zip(true_graph.outputs[:count], false_graph.outputs[:count])
                 ) + _values_spec(true_graph)


def _cond_kernel(pred: np.ndarray, *captured: np.ndarray, true_graph: Graph,
                 false_graph: Graph) -> tuple[np.ndarray, ...]:
    """CF-4: run the branch the predicate picks, and only that one."""
    taken = check_predicate(pred)
    note("CF-4", "the cond node runs its %s branch", "true" if taken else "false")
    split = len(true_graph.captures)
    graph = true_graph if taken else false_graph
    outputs = execute(graph, [], captured[:split] if taken else captured[split:])
    return _with_values(graph, outputs, (taken, tuple(outputs[_primal_count(graph):])))


cond_p = ControlFlowPrimitive("cond", _cond_rule, _cond_kernel, multiple_results=True)


# -- while_loop ----------------------------------------------------------------------------------


def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Sequence[Any],
               shape_invariants: Sequence[Any] | None = None,
               maximum_iterations: object = None, name: str | None = None) -> Any:
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; returns the final values.

    Eagerly a Python loop; traced, ``cond`` and ``body`` are traced once each and the graph
    loops. ``shape_invariants`` (a ``ts.TensorShape`` or ``ts.TensorSpec`` per variable, same
    structure as ``loop_vars``) lets shapes change across iterations; ``maximum_iterations``
    bounds the number of iterations.
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if not isinstance(loop_vars, (list, tuple)):
        raise TypeError(f"ts.while_loop takes its loop variables as a list or tuple, got "
                        f"{type(loop_vars).__name__}; write [x] for a single variable.")
    if context.current_graph() is None:
        return _eager_while(cond, body, loop_vars, maximum_iterations)
    with context.current_graph().scoped(name or "while") as scope:  # the body's ops are `while/mul`
        return traced_while(cond, body, loop_vars, shape_invariants, maximum_iterations, name=scope)


def _eager_while(cond, body, loop_vars, maximum_iterations) -> Any:
    """CF-5: eagerly, a Python loop; nothing is checked but the structure. The result's values
    are tensors, as the loop's would be."""
    note("CF-5", "eagerly, ts.while_loop is a Python loop")
    values, count = loop_vars, 0
    limit = None if maximum_iterations is None else int(maximum_iterations)
    if limit is not None:
        note("CF-7", "maximum_iterations bounds the eager loop at %d", limit)
    while True:
        go = cond(*values)
        if (limit is not None and count >= limit) or not go:
            break
        values = body(*values)
        count += 1
        # TensorFlow compares the list of the variables (with a bound: the variables themselves)
        error = structure_error(list(loop_vars), list(values)) if limit is None else \
            structure_error(loop_vars, values)
        if error is not None:
            raise error
    return nest.map_structure(lambda v: v if isinstance(v, TensorArray) else convert_to_tensor(v), values)


def traced_while(cond, body, loop_vars, shape_invariants=None, maximum_iterations=None,
                 must_iterate: str | None = None, name: str | None = None) -> Any:
    """CF-5, CF-6: trace ``cond`` and ``body`` once each into sub-graphs and add a ``while`` node.

    ``must_iterate`` is AutoGraph's: a message for the run-time error when the loop runs no
    iteration (it has loop variables whose initial values are only placeholders).
    """
    graph = context.current_graph()
    assert graph is not None, "traced_while needs a graph"
    note("CF-5", "ts.while_loop traces its condition and body once each")
    leaves = nest.flatten(loop_vars)
    if len(leaves) != len(all_leaves(loop_vars)):
        raise ValueError("None values not supported.")
    initial = [graph.own(leaf_tensor(leaf)) for leaf in leaves]
    specs = [TensorSpec(shape, t.dtype)
             for t, shape in zip(initial, _invariant_shapes(loop_vars, initial, shape_invariants))]

    def pack(tensors: list[Tensor]) -> tuple:
        return tuple(repack(list(loop_vars), tensors))

    cond_graph, _ = trace_subgraph(cond, graph.unique_name("while_cond"), specs, pack)
    if len(cond_graph.outputs) != 1:
        raise TypeError("The condition of ts.while_loop must return one boolean scalar.")
    body_graph, result = trace_subgraph(body, graph.unique_name("while_body"), specs, pack)
    if len(loop_vars) == 1 and not isinstance(result, (list, tuple)):
        result = [result]
    _check_iteration(loop_vars, initial, specs, result)
    limit = [] if maximum_iterations is None else [convert_to_tensor(maximum_iterations, dtype=dtypes.int32)]
    inputs = [*initial, *captures(cond_graph, body_graph), *limit]
    if tape.recording(inputs, cond_graph.variables + body_graph.variables):  # GRAD-6: its gradient
        # needs the values each iteration computes
        body_graph = returning_intermediates(body_graph)
    outputs = bind(while_p, *inputs, cond_graph=cond_graph, body_graph=body_graph, bounded=bool(limit),
                   must_iterate=must_iterate, name=name)
    return type(loop_vars)(repack(list(result), outputs))  # the body's TensorArrays know more


def _invariant_shapes(loop_vars, initial: list[Tensor], shape_invariants) -> list[Shape]:
    """CF-6: each variable's shape across iterations: its initial shape, or its invariant."""
    if shape_invariants is None:
        return [t.spec.shape for t in initial]
    note("CF-6", "shape invariants relax the loop variables' shapes")
    error = structure_error(loop_vars, shape_invariants)
    if error is not None:
        raise error
    shapes = []
    for t, invariant in zip(initial, all_leaves(list(shape_invariants))):
        if invariant is None:
            shapes.append(t.spec.shape)
            continue
        shape = invariant.dims if isinstance(invariant, TensorShape) else (
            invariant.shape if isinstance(invariant, TensorSpec) else TensorShape(invariant).dims)
        if not shape_is_compatible(t.spec.shape, shape):
            raise ValueError(f"The shape invariant {format_shape(shape)} is not compatible with the "
                             f"initial shape {format_shape(t.spec.shape)} of the loop variable {t.name}.")
        shapes.append(shape)
    return shapes


def _check_iteration(loop_vars, initial: list[Tensor], specs: list[TensorSpec], result: Any) -> None:
    """CF-6: after one iteration every loop variable keeps its structure, dtype and shape."""
    note("CF-6", "loop variables keep their structure, dtype and shape")
    if not same_structure(list(loop_vars), list(result), check_types=False):
        raise ValueError("The two structures don't have the same nested structure.")
    for start, spec, leaf in zip(initial, specs, nest.flatten(list(result))):
        after = leaf_tensor(leaf)
        if after.dtype != start.dtype:
            raise TypeError(
                f"Loop var {start.name} enters the loop with type {start.dtype} but has type "
                f"{after.dtype} after 1 iteration. {start.name} type should remain constant.")
        if not shape_is_compatible(after.spec.shape, spec.shape):
            raise ValueError(
                f"Input tensor `{start.name}` enters the loop with shape {format_shape(start.spec.shape)}, "
                f"but has shape {format_shape(after.spec.shape)} after one iteration. To allow the shape "
                "to vary across iterations, use the `shape_invariants` argument of ts.while_loop to "
                "specify a less-specific shape.")


def _while_rule(*inputs: TensorSpec, cond_graph: Graph, body_graph: Graph, bounded: bool,
                must_iterate: str | None) -> tuple[TensorSpec, ...]:
    return tuple(p.spec for p in body_graph.placeholders) + _values_spec(body_graph)


def _while_kernel(*values: np.ndarray, cond_graph: Graph, body_graph: Graph, bounded: bool,
                  must_iterate: str | None) -> tuple[np.ndarray, ...]:
    """CF-8: evaluate the condition, run the body, repeat; ``maximum_iterations`` bounds it."""
    count = len(body_graph.placeholders)
    state, rest = list(values[:count]), values[count:]
    cond_captured = rest[:len(cond_graph.captures)]
    body_captured = rest[len(cond_graph.captures):len(cond_graph.captures) + len(body_graph.captures)]
    limit = int(rest[-1]) if bounded else None
    if limit is not None:
        note("CF-7", "maximum_iterations bounds the graph loop at %d", limit)
    iterations: list[tuple] = []  # each iteration's state and the body's outputs
    while True:
        (go,) = execute(cond_graph, state, cond_captured)
        if not check_predicate(go) or (limit is not None and len(iterations) >= limit):
            break
        note("CF-8", "the while node runs its body (iteration %d)", len(iterations) + 1)
        outputs = execute(body_graph, state, body_captured)
        iterations.append((tuple(state), tuple(outputs)))
        state = outputs[:count]
    if must_iterate is not None and not iterations:
        raise errors.InvalidArgumentError(f"assertion failed: [{must_iterate}]")
    return _with_values(body_graph, state, iterations)


while_p = ControlFlowPrimitive("while", _while_rule, _while_kernel, multiple_results=True)


# -- gradients through conditionals and loops (GRAD-7) -------------------------------------------
# A gradient needs the values the branch that ran, or each iteration of the body, computed.
# Under a tape (or inside a function a tape records) the sub-graphs return them
# (``returning_intermediates``) and the node bundles them in one variant output. The rules
# then walk that branch, or the iterations from last to first, backwards with those values,
# as a call's rule walks its graph (``concrete_function._call_vjp``). Inside a trace the
# values exist only when the graph runs, so there the walk is an op of its own whose kernel
# does it then (``backward_p``). Every float input (and variable) a conditional or a loop
# captures gets a gradient, zero where the branch or the body that ran does not use it.


class Values(variant.Value):
    """What the variant output of a conditional or loop holds: which branch ran and its values,
    or each iteration's state and the body's values."""

    def __init__(self, ran: Any):
        self.ran = ran


def _primal_count(graph: Graph) -> int:
    return getattr(graph, "primal_count", len(graph.outputs))


def _values_spec(graph: Graph) -> tuple[TensorSpec, ...]:
    return (variant.SPEC,) if hasattr(graph, "primal_count") else ()


def _with_values(graph: Graph, outputs: list, ran: Any) -> tuple[np.ndarray, ...]:
    if not hasattr(graph, "primal_count"):
        return tuple(outputs)
    return (*outputs[: graph.primal_count], variant.wrap(Values(ran)))


def _record_cond(node) -> tuple[dict[str, Any], list[TensorSpec]]:
    attrs = dict(node.attrs, true_graph=returning_intermediates(node.attrs["true_graph"]),
                 false_graph=returning_intermediates(node.attrs["false_graph"]))
    return attrs, [*(t.spec for t in node.outputs), variant.SPEC]


def _record_while(node) -> tuple[dict[str, Any], list[TensorSpec]]:
    attrs = dict(node.attrs, body_graph=returning_intermediates(node.attrs["body_graph"]))
    return attrs, [*(t.spec for t in node.outputs), variant.SPEC]


gradients.RECORDING.update({"cond": _record_cond, "while": _record_while})


def _walk(graph: Graph, cotangents, parameters: list, arguments: list, outputs: list,
          skip: int = 0) -> tape.Partials:
    """Backpropagate ``cotangents`` of ``graph``'s outputs; its inputs' contributions by id.

    ``outputs`` are the values of ``graph.outputs[skip:]`` (the first ``skip`` are cotangent
    targets only: their values are among the others).
    """
    value = {id(t): v for t, v in zip([*parameters, *graph.outputs[skip:]], [*arguments, *outputs])}
    partials: tape.Partials = {}
    for inner, cotangent in zip(graph.outputs, cotangents):
        if cotangent is not None:
            partials.setdefault(id(inner), []).append(cotangent)
    tape.backpropagate(nodes_to_run(graph), partials, lambda t: value[id(t)])
    return partials


def _eager(array: np.ndarray, like: Tensor) -> EagerTensor:
    return EagerTensor(array, like.dtype)


def _zero_gradient(graph_capture: Tensor, outer: Tensor) -> Tensor | None:
    """The gradient of a captured input nothing reaches: zeros of its value (None if not float)."""
    if isinstance(graph_capture, EagerTensor) and is_handle(graph_capture):
        return zeros_like(variable_of(graph_capture._value).read_value())
    return zeros_like(outer) if outer.dtype.is_floating else None


def _cond_backward(cotangents, captured: tuple, values: np.ndarray, true_graph: Graph,
                   false_graph: Graph) -> list:
    """The cotangents of a conditional's captured inputs, from the branch that ran."""
    taken = variant.unwrap(values).ran
    split = len(true_graph.captures)
    graph, mine = (true_graph, range(split)) if taken[0] else (false_graph, range(split, len(captured)))
    inner = [i for _, i in graph.captures]
    outputs = [*(_eager(a, t) for a, t in zip(taken[1], graph.outputs[graph.primal_count:]))]
    partials = _walk(graph, cotangents, inner, [captured[i] for i in mine], outputs,
                     graph.primal_count)
    both = [*true_graph.captures, *false_graph.captures]
    results = []
    for index, outer in enumerate(captured):
        found = partials.get(id(inner[index - mine.start])) if index in mine else None
        results.append(found if found else _zero_gradient(both[index][0], outer))
    return results


def _while_backward(cotangents, inputs: tuple, values: np.ndarray, cond_graph: Graph,
                    body_graph: Graph) -> list:
    """The cotangents of a loop's inputs: its iterations walked from the last to the first."""
    count = len(body_graph.placeholders)
    start = count + len(cond_graph.captures)
    captured = inputs[start:start + len(body_graph.captures)]
    inner = [i for _, i in body_graph.captures]
    state_cotangents = list(cotangents[:count])
    capture_partials: list[list] = [[] for _ in captured]
    for state, outputs in reversed(variant.unwrap(values).ran):
        arguments = [_eager(a, t) for a, t in zip(state, inputs[:count])] + list(captured)
        partials = _walk(body_graph, state_cotangents, [*body_graph.placeholders, *inner], arguments,
                         [_eager(a, t) for a, t in zip(outputs, body_graph.outputs)])
        state_cotangents = [tape.total(partials, p) for p in body_graph.placeholders]
        for index, t in enumerate(inner):
            capture_partials[index] += partials.get(id(t), [])
    results: list = [ct if ct is not None else _zero_gradient(None, t)
                     for ct, t in zip(state_cotangents, inputs[:count])]
    results += [None] * len(cond_graph.captures)
    results += [found or _zero_gradient(outer_capture, t)
                for found, (outer_capture, _), t in zip(capture_partials, body_graph.captures, captured)]
    return results + [None] * (len(inputs) - len(results))


@gradients.defvjp(cond_p)
def _cond_vjp(cotangents, pred, *captured, out, true_graph, false_graph):
    """GRAD-10: the gradient of a conditional is the gradient of the branch that ran."""
    count = true_graph.primal_count
    note("GRAD-10", "the gradient of a conditional walks the branch that ran")
    if isinstance(out[count], EagerTensor):
        return (None, *_cond_backward(cotangents[:count], captured, out[count]._value, true_graph,
                                      false_graph))
    return tuple(_later("cond", cotangents[:count], (pred, *captured), out[count],
                        {"true_graph": true_graph, "false_graph": false_graph}))


@gradients.defvjp(while_p)
def _while_vjp(cotangents, *inputs, out, cond_graph, body_graph, bounded, must_iterate):
    """GRAD-10: the gradient of a loop: each iteration's body walked backwards, last one first."""
    count = len(body_graph.placeholders)
    note("GRAD-10", "the gradient of a loop walks its iterations backwards")
    if isinstance(out[count], EagerTensor):
        return tuple(_while_backward(cotangents[:count], inputs, out[count]._value, cond_graph, body_graph))
    return tuple(_later("while", cotangents[:count], inputs, out[count],
                        {"cond_graph": cond_graph, "body_graph": body_graph}))


_BACKWARD = {"cond": _cond_backward, "while": _while_backward}


def _later(kind: str, cotangents, inputs: tuple, values: Tensor, graphs: dict) -> list:
    """Inside a trace: an op that computes the cotangents of ``inputs`` when the graph runs."""
    given = [ct is not None for ct in cotangents]
    wanted = [tape.differentiable(t) for t in inputs]
    specs = tuple(_gradient_spec(t, kind, graphs, index) for index, t in enumerate(inputs))
    results = iter(bind(backward_p, values, *(ct for ct in cotangents if ct is not None), *inputs,
                        kind=kind, graphs=graphs, given=tuple(given), wanted=tuple(wanted),
                        specs=tuple(s for s, w in zip(specs, wanted) if w)))
    return [next(results) if w else None for w in wanted]


def _gradient_spec(t: Tensor, kind: str, graphs: dict, index: int) -> TensorSpec:
    """A cotangent's spec: the input's, or for a variable's handle the variable's value."""
    if not (t.dtype == variant.variant or t.dtype.name == "resource"):
        return t.spec
    sub = [*graphs.get("true_graph", graphs.get("cond_graph")).captures]
    if kind == "cond":
        sub += graphs["false_graph"].captures
        outer = sub[index - 1][0]
    else:
        count = len(graphs["body_graph"].placeholders)
        both = [*graphs["cond_graph"].captures, *graphs["body_graph"].captures]
        outer = both[index - count][0] if index >= count else None
    variable = variable_of(outer._value) if isinstance(outer, EagerTensor) else None
    return TensorSpec(variable.shape if variable is not None else None,
                      variable.dtype if variable is not None else dtypes.float32)


def _backward_rule(values: TensorSpec, *rest: TensorSpec, kind, graphs, given, wanted, specs):
    return specs


def _backward_kernel(values: np.ndarray, *rest: np.ndarray, kind, graphs, given, wanted, specs):
    """The walk of ``_cond_backward``/``_while_backward``, run eagerly when the graph runs."""
    supplied = sum(given)
    cotangent_values, input_values = iter(rest[:supplied]), rest[supplied:]
    like = [*(graphs["true_graph"] if kind == "cond" else graphs["body_graph"]).outputs]
    cotangents = [EagerTensor(next(cotangent_values), like[i].dtype) if g else None
                  for i, g in enumerate(given)]
    dtypes_of = _input_dtypes(kind, graphs, input_values)
    inputs = tuple(EagerTensor(v, d) for v, d in zip(input_values, dtypes_of))
    if kind == "cond":
        results = [None, *_cond_backward(cotangents, inputs[1:], values, graphs["true_graph"],
                                         graphs["false_graph"])]
    else:
        results = _while_backward(cotangents, inputs, values, graphs["cond_graph"], graphs["body_graph"])
    totals = []
    for result, w in zip(results, wanted):
        if w:
            totals.append((tape.add_up(result) if isinstance(result, list) else result)._value)
    return tuple(totals)


def _input_dtypes(kind: str, graphs: dict, values) -> list:
    """The dtypes of a conditional's or loop's inputs, from its sub-graphs."""
    if kind == "cond":
        inner = [graphs["true_graph"], graphs["false_graph"]]
        return [dtypes.bool_, *(i.dtype for g in inner for _, i in g.captures)]
    body, condition = graphs["body_graph"], graphs["cond_graph"]
    found = [p.dtype for p in body.placeholders] + [i.dtype for g in (condition, body) for _, i in g.captures]
    return found + [dtypes.int32] * (len(values) - len(found))


backward_p = Primitive("control_flow_backward", _backward_rule, _backward_kernel, multiple_results=True,
                       node_name="Gradient")
gradients.not_differentiable(backward_p)  # a gradient through it: not yet
