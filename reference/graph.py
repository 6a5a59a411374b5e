"""Graphs: what tracing records.

A graph has placeholders (one per tensor argument), captures (tensors of an
enclosing graph that the body closed over), nodes in program order, and
outputs. Eager tensors the body closes over are baked in as constants, so
rebinding a global later changes nothing (EFFECT-7). ``str(graph)``
prints it as readable text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .primitive import Primitive
from .tensor import EagerTensor, SymbolicTensor, Tensor
from .tensor_spec import TensorSpec, format_shape
from .verbose import note, op_event


def _no_kernel(*args, **kwargs):
    raise AssertionError("placeholders are fed, never executed")


def _placeholder_rule(*, spec: TensorSpec) -> TensorSpec:
    return spec


placeholder = Primitive("placeholder", _placeholder_rule, _no_kernel)


def _constant_rule(*, value: np.ndarray, dtype) -> TensorSpec:
    return TensorSpec(value.shape, dtype)


constant_primitive = Primitive("constant", _constant_rule, lambda *, value, dtype: value)


def constant_value(tensor: Tensor) -> np.ndarray | None:
    """The value of a tensor known before any graph runs: an eager one's, or a constant node's."""
    if isinstance(tensor, EagerTensor):
        return tensor._value
    if isinstance(tensor, SymbolicTensor) and tensor.node.primitive is constant_primitive:
        return tensor.node.attrs["value"]
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
        self.nodes: list[Node] = []
        self.placeholders: list[SymbolicTensor] = []
        self.captures: list[tuple[SymbolicTensor, SymbolicTensor]] = []  # (outer, inner)
        self._captured: dict[int, SymbolicTensor] = {}  # id(outer) -> inner, for captures
        self.outputs: list[SymbolicTensor] = []
        self._names: dict[str, int] = {}  # how many nodes have each base name

    def unique_name(self, base: str) -> str:
        name = self._peek_name(base)
        self._names[base] = self._names.get(base, 0) + 1
        return name

    def _peek_name(self, base: str) -> str:
        """The name the next node called ``base`` would get."""
        index = self._names.get(base, 0)
        return base if index == 0 else f"{base}_{index}"

    def add_placeholder(self, spec: TensorSpec, name: str) -> SymbolicTensor:
        (tensor,) = self._record(placeholder, (), {"spec": spec}, name)
        self.placeholders.append(tensor)
        return tensor

    def add_node(
        self, primitive: Primitive, inputs: tuple[Tensor, ...], attrs: dict[str, Any]
    ) -> list[SymbolicTensor]:
        """Check the primitive's rule and record it; returns the symbolic outputs.

        OP-4: a rule violation surfaces now, at trace time, as ``TypeError``/``ValueError``.
        """
        symbolic = tuple(self.own(t) for t in inputs)
        try:
            return self._record(primitive, symbolic, attrs, primitive.name)
        except TypeError as error:
            note("OP-4", "%s rejects its inputs while tracing", primitive.name)
            raise TypeError(str(error)) from None
        except ValueError as error:  # OP-2: as TensorFlow's shape inference names the node
            note("OP-2", "%s rejects its static shapes while tracing", primitive.name)
            name = self._peek_name(primitive.name)
            args = ", ".join(_input_name(t) for t in symbolic)
            shapes = ", ".join(_shape_list(t.spec.shape) for t in symbolic)
            raise ValueError(f"{error} for '{{{{node {name}}}}} = {primitive.name}({args})' with "
                             f"input shapes: {shapes}.") from None

    def own(self, tensor: Tensor) -> SymbolicTensor:
        """``tensor`` as a tensor of this graph: its own, captured, or an eager value baked in."""
        if isinstance(tensor, EagerTensor):
            note("EFFECT-7", "an eager value is baked into graph %s as a constant", self.name)
            (const,) = self._record(constant_primitive, (), {"value": tensor._value,
                                                              "dtype": tensor.dtype}, "Const")
            return const
        assert isinstance(tensor, SymbolicTensor)
        if tensor.graph is self:
            return tensor
        # A tensor of another graph is captured. If that graph is not an enclosing trace (a
        # leaked tensor), calling this graph fails: the capture has no value (RETURN-3).
        return self._capture(tensor)

    def _capture(self, outer: SymbolicTensor) -> SymbolicTensor:
        if id(outer) not in self._captured:
            (inner,) = self._record(placeholder, (), {"spec": outer.spec}, "capture")
            self.captures.append((outer, inner))
            self._captured[id(outer)] = inner
        return self._captured[id(outer)]

    def _record(self, primitive, inputs, attrs, base_name) -> list[SymbolicTensor]:
        specs = primitive.abstract_eval(*(t.spec for t in inputs), **attrs)
        specs = specs if isinstance(specs, tuple) else (specs,)
        node = Node(self, self.unique_name(base_name), primitive, inputs, attrs)
        node.outputs = [SymbolicTensor(node, i, s) for i, s in enumerate(specs)]
        self.nodes.append(node)
        op_event("record", primitive.name, node)
        return node.outputs

    def __str__(self) -> str:
        params = ", ".join(f"{t.name}: {_spec_text(t)}" for t in self.placeholders)
        lines = [f"graph {self.name}({params}) {{"]
        for outer, inner in self.captures:
            lines.append(f"  {inner.name} = capture {outer.name}  # {_spec_text(inner)}")
        for node in self.nodes:
            if node.primitive is placeholder:
                continue
            outs = ", ".join(t.name for t in node.outputs) or "_"
            args = [t.name for t in node.inputs]
            args += [f"{k}={_attr_text(v)}" for k, v in node.attrs.items()]
            kinds = "; ".join(_spec_text(t) for t in node.outputs)
            note = "stateful" if node.stateful else kinds
            lines.append(f"  {outs} = {node.primitive.name}({', '.join(args)})  # {note}")
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
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=6, separator=", ")
        return text.replace("\n", "")
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    return repr(value)
