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

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import errors
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
        self._names: dict[str, itertools.count] = {}

    def unique_name(self, base: str) -> str:
        counter = self._names.setdefault(base, itertools.count())
        index = next(counter)
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
        except (TypeError, ValueError):
            note("OP-4", "%s rejects its inputs while tracing", primitive.name)
            raise

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
        if tensor.graph.closed:
            note("CF-9", "a tensor of the finished sub-graph %s is used in %s", tensor.graph.name, self.name)
            raise errors.InaccessibleTensorError(
                f"{tensor!r} is out of scope and cannot be used here. Use return values, explicit "
                "Python locals or TensorFlow collections to access it. It belongs to "
                f"{tensor.graph.name}, a branch or loop body whose trace has ended."
            )
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
            for value in node.attrs.values():
                if isinstance(value, Graph):
                    lines += ["    " + line for line in str(value).splitlines()]
        lines.append(f"  return {', '.join(t.name for t in self.outputs)}")
        lines.append("}")
        return "\n".join(lines)


def _spec_text(tensor: SymbolicTensor) -> str:
    return f"{tensor.dtype.name}{format_shape(tensor.shape)}"


def _attr_text(value: Any) -> str:
    if isinstance(value, Graph):
        return value.name
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=6, separator=", ")
        return text.replace("\n", "")
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    return repr(value)
