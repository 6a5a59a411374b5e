"""Graphs: what tracing records.

A graph has placeholders (one per tensor argument), captures (tensors of an
enclosing graph that the body closed over), nodes in program order, and
outputs. Eager tensors the body closes over are baked in as constants, so
rebinding a global later changes nothing (EFFECT-7). ``str(graph)``
prints it as readable text, with the sub-graphs of control flow nodes (branches,
loop bodies, dataset functions) indented under the node that holds them.

A sub-graph is *closed* once its trace has ended: a tensor of a closed sub-graph
(say, one a loop body appended to a Python list) cannot be used anywhere else, and
using it raises ``InaccessibleTensorError`` at once, at trace time (CF-9).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import context, errors, gradients
from .primitive import Primitive
from .tensor import EagerTensor, SymbolicTensor, Tensor
from .tensor_spec import TensorSpec, format_shape
from .variables import is_handle, variable_of
from .verbose import note, op_event


def _no_kernel(*args, **kwargs):
    raise AssertionError("placeholders are fed, never executed")


def _placeholder_rule(*, spec: TensorSpec) -> TensorSpec:
    return spec


placeholder = Primitive("placeholder", _placeholder_rule, _no_kernel, node_name="Placeholder")


def _constant_rule(*, value: np.ndarray, dtype) -> TensorSpec:
    return TensorSpec(value.shape, dtype)


constant_primitive = Primitive("constant", _constant_rule, lambda *, value, dtype: value,
                               node_name="Const")
gradients.not_differentiable(placeholder, constant_primitive)


@contextlib.contextmanager
def name_scope(name: str) -> Iterator[str | None]:
    """The scope of one op call while tracing (``None`` eagerly): TensorFlow names the call's
    converted inputs ``Sub/y`` and its result ``Sub`` (TENSOR-3)."""
    graph = context.current_graph()
    if graph is None:
        yield None
        return
    with graph.scoped(name) as scope:
        yield scope


def exact(scope: str | None) -> str | None:
    """The name that re-enters ``scope``: what an op call passes to an op it is made of."""
    return None if scope is None else scope + "/"


def constant_value(tensor: Tensor) -> np.ndarray | None:
    """The value of a tensor known before any graph runs (OP-5, OP-6).

    An eager tensor's, a constant node's, or that of a stateless op whose inputs all
    have one: TensorFlow's shape inference evaluates such constant subgraphs, so
    ``x[ts.constant(1) + 1]`` is bounds-checked and ``ts.reshape(x, ts.fill([1], 3))``
    shaped while tracing. A kernel that rejects the constants leaves the value unknown
    (the graph reports it when it runs).
    """
    if isinstance(tensor, EagerTensor):
        return tensor._value
    if not isinstance(tensor, SymbolicTensor):
        return None
    node = tensor.node
    if node.primitive is constant_primitive:
        return node.attrs["value"]
    if node.stateful or not node.inputs or node.primitive.multiple_results:
        return None  # placeholders, effects, variables' reads, calls and control flow
    known = [constant_value(t) for t in node.inputs]
    if any(value is None for value in known):
        return None
    note("OP-6", "shape inference evaluates %s: its inputs are constants", node.name)
    try:
        return np.asarray(node.primitive.kernel(*known, **node.attrs))
    except errors.OpError:
        return None


@dataclass(eq=False)
class Node:
    """One op application: a primitive, its input tensors, its attributes, its outputs."""

    graph: Graph
    name: str
    primitive: Primitive
    inputs: tuple[SymbolicTensor, ...]
    attrs: dict[str, Any]
    outputs: list[SymbolicTensor] = field(default_factory=list)

    @property
    def stateful(self) -> bool:
        return self.primitive.is_stateful(self.attrs)


class Graph:
    """The record of one trace."""

    def __init__(self, name: str):
        self.name = name
        self.closed = False  # set when the trace of a sub-graph (branch, loop body...) has ended
        self.nodes: list[Node] = []
        self.placeholders: list[SymbolicTensor] = []
        self.captures: list[tuple[SymbolicTensor, SymbolicTensor]] = []  # (outer, inner)
        self._captured: dict[int, SymbolicTensor] = {}  # id(outer) -> inner, for captures
        self.outputs: list[SymbolicTensor] = []
        self._names: dict[str, int] = {}  # lower-case names in use -> next suffix
        self._scope = ""  # the name scope nodes are created in: "" or "mul/"

    def unique_name(self, base: str, mark: bool = True) -> str:
        """TENSOR-3: TensorFlow's node names: in the current scope, unique ignoring case
        (``add``, ``add_1``, then ``Add_2``)."""
        name = self._scope + base
        key = name.lower()
        index = self._names.get(key, 0)
        if mark:
            self._names[key] = index + 1
        if index:
            base_key = key
            while key in self._names:
                key = f"{base_key}_{index}"
                index += 1
            if mark:
                self._names[key] = 1
            name = f"{name}_{index - 1}"
        return name

    def _peek_name(self, base: str) -> str:
        """The name the next node called ``base`` would get."""
        return self.unique_name(base, mark=False)

    @contextlib.contextmanager
    def scoped(self, name: str) -> Iterator[str]:
        """A name scope for the nodes of one op call: ``mul``, and ``mul/Cast`` inside it.

        A name ending in ``/`` re-enters that scope as it is (the scope of a caller)."""
        scope = name[:-1] if name.endswith("/") else self.unique_name(name)
        saved, self._scope = self._scope, scope + "/"
        try:
            yield scope
        finally:
            self._scope = saved

    def add_placeholder(self, spec: TensorSpec, name: str) -> SymbolicTensor:
        (tensor,) = self._record(placeholder, (), {"spec": spec}, name)
        self.placeholders.append(tensor)
        return tensor

    def add_node(
        self, primitive: Primitive, inputs: tuple[Tensor, ...], attrs: dict[str, Any],
        name: str | None = None,
    ) -> list[SymbolicTensor]:
        """Check the primitive's rule and record it; returns the symbolic outputs.

        The node is called ``name`` exactly (the op call's scope), or else after the
        primitive's TensorFlow op type, made unique.

        OP-4: a rule violation surfaces now, at trace time, as ``TypeError``/``ValueError``,
        whether or not the node is used later (EFFECT-5 prunes kernels, not these checks).
        """
        symbolic = tuple(self.own(t) for t in inputs)
        try:
            return self._record(primitive, symbolic, attrs, primitive.node_name, exact=name)
        except TypeError as error:
            note("OP-4", "%s rejects its inputs while tracing", primitive.name)
            raise TypeError(str(error)) from None
        except ValueError as error:  # OP-2: as TensorFlow's shape inference names the node
            note("OP-2", "%s rejects its static shapes while tracing", primitive.name)
            node = name or self._peek_name(primitive.node_name)
            args = ", ".join(_input_name(t) for t in symbolic)
            shapes = ", ".join(_shape_list(t.spec.shape) for t in symbolic)
            raise ValueError(f"{error} for '{{{{node {node}}}}} = {primitive.name}({args})' with "
                             f"input shapes: {shapes}.") from None

    def own(self, tensor: Tensor, name: str = "Const") -> SymbolicTensor:
        """``tensor`` as a tensor of this graph: its own, captured, or an eager value baked in
        (a constant node called ``name``)."""
        if isinstance(tensor, EagerTensor) and not is_handle(tensor):
            note("EFFECT-7", "an eager value is baked into graph %s as a constant", self.name)
            (const,) = self._record(constant_primitive, (), {"value": tensor._value,
                                                              "dtype": tensor.dtype}, name)
            return const
        if isinstance(tensor, SymbolicTensor) and tensor.graph is self:
            return tensor
        if isinstance(tensor, SymbolicTensor) and tensor.graph.closed:
            note("CF-9", "a tensor of the finished sub-graph %s is used in %s", tensor.graph.name, self.name)
            raise errors.InaccessibleTensorError(
                f"{tensor!r} is out of scope and cannot be used here. Use return values, explicit "
                "Python locals or TensorFlow collections to access it. It belongs to "
                f"{tensor.graph.name}, a branch or loop body whose trace has ended."
            )
        # A variable's handle is captured, never its value (VAR-2). A tensor of another graph
        # is captured too. If that graph is not an enclosing trace (a leaked tensor), calling
        # this graph fails: the capture has no value (RETURN-3).
        return self._capture(tensor)

    def use_handle(self, handle: EagerTensor, inner: SymbolicTensor) -> None:
        """VAR-8: in this graph, the variable of ``handle`` is the argument ``inner``."""
        self._captured[id(handle)] = inner

    @property
    def variables(self) -> list:
        """The variables this graph captures (nested functions' ones included)."""
        return [variable_of(outer._value) for outer, _ in self.captures
                if isinstance(outer, EagerTensor) and is_handle(outer)]

    def _capture(self, outer: SymbolicTensor) -> SymbolicTensor:
        if id(outer) not in self._captured:
            (inner,) = self._record(placeholder, (), {"spec": outer.spec}, "capture")
            self.captures.append((outer, inner))
            self._captured[id(outer)] = inner
        return self._captured[id(outer)]

    def _record(self, primitive, inputs, attrs, base_name, exact=None) -> list[SymbolicTensor]:
        specs = primitive.abstract_eval(*(t.spec for t in inputs), **attrs)
        specs = specs if isinstance(specs, tuple) else (specs,)
        if exact is None and base_name.endswith("/"):  # a scope's own name, as it is
            exact = base_name[:-1]
        node = Node(self, exact or self.unique_name(base_name), primitive, inputs, attrs)
        node.outputs = [SymbolicTensor(node, i, s) for i, s in enumerate(specs)]
        self.nodes.append(node)
        op_event("record", primitive.name, node)
        return node.outputs

    def __str__(self) -> str:
        params = ", ".join(f"{t.name}: {_spec_text(t)}" for t in self.placeholders)
        lines = [f"graph {self.name}({params}) {{"]
        for outer, inner in self.captures:
            source = outer.name if isinstance(outer, SymbolicTensor) else variable_of(outer._value).name
            lines.append(f"  {inner.name} = capture {source}  # {_spec_text(inner)}")
        for node in self.nodes:
            if node.primitive is placeholder:
                continue
            outs = ", ".join(t.name for t in node.outputs) or "_"
            args = [t.name for t in node.inputs]
            args += [f"{k}={_attr_text(v)}" for k, v in node.attrs.items()]
            kinds = "; ".join(_spec_text(t) for t in node.outputs)
            note = "stateful" if node.stateful else kinds
            lines.append(f"  {outs} = {node.primitive.name}({', '.join(args)})  # {note}")
            for value in node.attrs.values():
                if isinstance(value, Graph):
                    lines += ["    " + line for line in str(value).splitlines()]
        lines.append(f"  return {', '.join(t.name for t in self.outputs)}")
        lines.append("}")
        return "\n".join(lines)


def _input_name(tensor: SymbolicTensor) -> str:
    return tensor.node.name if tensor.index == 0 else tensor.name


def _shape_list(shape) -> str:
    if shape is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _spec_text(tensor: SymbolicTensor) -> str:
    return f"{tensor.dtype.name}{format_shape(tensor.spec.shape)}"


def _attr_text(value: Any) -> str:
    if isinstance(value, Graph):
        return value.name
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=6, separator=", ")
        return text.replace("\n", "")
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    return repr(value)
