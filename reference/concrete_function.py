"""Concrete functions: one traced graph, the function type it accepts, and the ``call`` primitive.

Calling a concrete function binds ``call``: eagerly that executes its graph;
inside another trace it records a ``call`` node, so a nested function is
traced once into the outer graph (NEST-1). A ``call`` node is stateful when the
graph it calls has a stateful node, so it is never pruned; when the outer graph runs, the
call's graph runs inlined in its place (EFFECT-4).

Under a gradient tape a call is one op whose rule is the gradient of the graph (GRAD-7):
the call then runs ``with_intermediates()``, the same graph also returning every value it
computes, and the rule walks the graph backwards with those values.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import context, gradients, nest, tape, trace_type
from .conversion import convert_to_tensor
from .graph import Graph, Node, name_scope, placeholder
from .interpreter import execute, nodes_to_run
from .ops.adjoints import zeros_like
from .ops.checks import DtypeError
from .primitive import Primitive, bind
from .tensor import EagerTensor, SymbolicTensor, Tensor
from .tensor_spec import TensorSpec
from .trace_type import FunctionType
from .variables import is_handle
from .verbose import note


class ConcreteFunction:
    """One traced graph with the function type it accepts and its output structure."""

    def __init__(self, name: str, graph: Graph, function_type: FunctionType, outputs: Any,
                 signature: inspect.Signature | None = None):
        self.name = name
        self.graph = graph
        self.function_type = function_type
        self.structured_outputs = outputs  # nested structure with SymbolicTensor leaves
        names = [name for name, _ in function_type.parameters]
        # The structured call's signature: the Python parameters' kinds, no defaults.
        self.signature = signature or inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
        self.primal_count = len(graph.outputs)  # outputs before any intermediates (GRAD-7)
        self._with_intermediates: ConcreteFunction | None = None

    @property
    def stateful(self) -> bool:
        return any(node.stateful for node in self.graph.nodes)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """TRACE-13: call with arguments of this function's type only.

        First the structured call: every parameter given (the traced values of Python
        parameters too, or values ``==`` to them), each fitting its trace type; Python
        values convert to their spec's dtype. If that fails, the flat call: the tensor
        parameters alone, by position or by placeholder name, each a tensor, whose dtype
        is checked only when the graph is called (``InvalidArgumentError``) and whose
        shape is not checked at all, as in TensorFlow. If neither applies, a
        ``TypeError`` with both reasons.
        """
        note("TRACE-13", "calling the concrete function %s", self.name)
        try:
            flat = self._structured_arguments(args, kwargs)
        except TypeError as structured_error:
            try:
                flat = self._flat_arguments(args, kwargs)
            except TypeError as flat_error:
                raise TypeError(f"{structured_error}\nFallback to flat signature also failed due "
                                f"to: {flat_error}") from None
        return self.call_flat(flat)

    def _structured_arguments(self, args: tuple, kwargs: dict) -> list[Tensor]:
        shown = self._signature_text()
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as error:
            raise binding_error(error, args, kwargs, shown) from None
        flat: list[Tensor] = []
        for name, expected in self.function_type.parameters:
            try:
                value = _converted(expected, bound.arguments[name])
            except (TypeError, ValueError) as error:
                raise binding_error(error, args, kwargs, shown) from None
            if isinstance(expected, trace_type.Literal):
                if not literal_matches(value, expected.value):
                    cast = TypeError(f"Can not cast {value!r} to {expected!r}")
                    raise binding_error(cast, args, kwargs, shown)
                continue
            given = trace_type.from_value(value)
            if not given.is_subtype_of(expected):
                cast = TypeError(f"Can not cast {given!r} to {expected!r}")
                raise binding_error(cast, args, kwargs, shown)
            flat.extend(expected.tensors(value))
        return flat

    def _flat_arguments(self, args: tuple, kwargs: dict) -> list[Tensor]:
        """The flat call: one tensor per placeholder, named as the placeholders are."""
        keywords = [t.node.name for t in self.graph.placeholders]
        summary = f"{self.graph.name}({', '.join(keywords)})"
        if len(args) > len(keywords):
            raise TypeError(f"{summary} takes {len(keywords)} positional arguments, got {len(args)}.")
        values, rest = list(args), dict(kwargs)
        for keyword in keywords[len(values):]:
            if keyword not in rest:
                given = set(keywords[:len(values)]) | set(rest)
                missing = ", ".join(sorted(set(keywords) - given))
                raise TypeError(f"{summary} missing required arguments: {missing}.")
            values.append(rest.pop(keyword))
        for key in rest:
            if key in keywords[:len(args)]:
                raise TypeError(f"{summary} got two values for '{key}'.")
        if rest:
            raise TypeError(f"{summary} got unexpected keyword arguments: {', '.join(sorted(rest))}.")
        for index, value in enumerate(values):
            if not isinstance(value, Tensor):
                raise TypeError(f"{summary}: expected argument #{index}(zero-based) to be a Tensor; "
                                f"got {type(value).__name__} ({value}).")
        note("TRACE-13", "%s is called with its flat tensor arguments", self.name)
        return values

    def _signature_text(self) -> str:
        types = dict(self.function_type.parameters)
        shown: list[str] = []
        positional_only = False
        for parameter in self.signature.parameters.values():
            if positional_only and parameter.kind is not inspect.Parameter.POSITIONAL_ONLY:
                shown.append("/")
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY and "*" not in shown:
                shown.append("*")
            shown.append(f"{parameter.name}: {types[parameter.name]!r}")
            positional_only = parameter.kind is inspect.Parameter.POSITIONAL_ONLY
        if positional_only:
            shown.append("/")
        inputs = ", ".join(shown)
        outputs = nest.map_structure(
            lambda t: t.spec if isinstance(t, SymbolicTensor) else t, self.structured_outputs)
        return f"({inputs}) -> {outputs!r}"

    def call_flat(self, arguments: Sequence[Tensor]) -> Any:
        """Run (or, inside a trace, record a call of) the graph on flat tensor arguments."""
        captured = [outer for outer, _ in self.graph.captures]
        if context.current_graph() is not None:
            note("NEST-1", "%s is called inside a trace: a call node", self.name)
        function = self
        used = self.graph.variables + [t._value[()] for t in arguments if _is_handle(t)]
        if tape.recording([*arguments, *captured], used):  # GRAD-3: the variables the call uses
            note("GRAD-7", "a tape records the call of %s as one op", self.name)
            function = self.with_intermediates()
        kind = "StatefulPartitionedCall" if self.stateful else "PartitionedCall"  # TF's call ops
        with name_scope(kind) as scope:
            results = bind(call_p, *arguments, *captured, function=function, name=scope)
        for result, output in zip(results, self.graph.outputs):  # TRACE-4: weak outputs stay weak
            if output.weak:
                result.weak = True
        flat = iter(results)
        return nest.map_structure(
            lambda leaf: next(flat) if isinstance(leaf, SymbolicTensor) else leaf,
            self.structured_outputs,
        )

    def with_intermediates(self) -> ConcreteFunction:
        """GRAD-7: this function, also returning the value of every node that runs."""
        if self._with_intermediates is None:
            forward = ConcreteFunction(self.name, returning_intermediates(self.graph), self.function_type,
                                       self.structured_outputs, self.signature)
            forward.primal_count = self.primal_count
            self._with_intermediates = forward
        return self._with_intermediates

    def pretty_printed_signature(self) -> str:
        outputs = nest.map_structure(
            lambda t: t.spec if isinstance(t, SymbolicTensor) else t, self.structured_outputs
        )
        return (
            f"Input Parameters:\n{self.function_type}\nOutput Type:\n  {outputs!r}\n"
            "Captures:\n  " + ("\n  ".join(_capture_text(o) for o, _ in self.graph.captures) or "None")
        )

    def __str__(self) -> str:
        return str(self.graph)

    def __repr__(self) -> str:
        return f"<ConcreteFunction {self.name}>"


def _converted(expected: trace_type.TraceType, value: Any) -> Any:
    """Python leaves of an argument converted to the dtypes of the tensors they stand for."""
    if isinstance(expected, trace_type.TensorType):
        return value if isinstance(value, Tensor) else convert_to_tensor(value, dtype=expected.spec.dtype)
    if isinstance(expected, trace_type.SequenceType) and isinstance(value, (list, tuple)) \
            and len(value) == len(expected.items):
        items = [_converted(t, v) for t, v in zip(expected.items, value)]
        return type(value)(*items) if nest.is_namedtuple(value) else type(value)(items)
    if isinstance(expected, trace_type.MappingType) and isinstance(value, dict):
        types = dict(expected.items)
        return {k: _converted(types[k], v) if k in types else v for k, v in value.items()}
    return value


def _call_rule(*inputs: TensorSpec, function: ConcreteFunction) -> tuple[TensorSpec, ...]:
    """TRACE-13: the graph accepts tensors of its placeholders' dtypes (any shape)."""
    expected = function.graph.placeholders + [inner for _, inner in function.graph.captures]
    for index, (given, wanted) in enumerate(zip(inputs, expected, strict=True)):
        if given.dtype != wanted.dtype:
            message = (f"cannot compute {function.name} as input #{index}(zero-based) was expected "
                       f"to be a {wanted.dtype.c_name} tensor but is a {given.dtype.c_name} tensor")
            raise DtypeError(message, message)
    return tuple(t.spec for t in function.graph.outputs)


def _call_kernel(*values: np.ndarray, function: ConcreteFunction) -> tuple[np.ndarray, ...]:
    count = len(function.graph.placeholders)
    return tuple(execute(function.graph, values[:count], values[count:]))


class _CallPrimitive(Primitive):
    def is_stateful(self, attrs: dict[str, Any]) -> bool:
        return attrs["function"].stateful

    def inlined(self, attrs: dict[str, Any]) -> Graph:
        return attrs["function"].graph


call_p = _CallPrimitive("call", _call_rule, _call_kernel, multiple_results=True)
gradients.RECORDING["call"] = lambda node: (
    {"function": node.attrs["function"].with_intermediates()},
    [t.spec for t in node.attrs["function"].with_intermediates().graph.outputs])


@gradients.defvjp(call_p)
def _call_vjp(cotangents, *inputs, out, function):
    """GRAD-7: the gradient of a call is its graph's gradient, walked with the call's values.

    An output without a cotangent counts as zero when another output has one (TensorFlow
    differentiates a function as a whole). Each input gets its list of contributions, not
    their sum, so that the caller adds them up exactly as eager execution would.
    """
    graph = function.graph
    parameters = graph.placeholders + [inner for _, inner in graph.captures]
    value = {id(t): v for t, v in zip([*parameters, *graph.outputs], [*inputs, *out])}
    partials: tape.Partials = {}
    given = cotangents[: function.primal_count]
    for inner, outer, cotangent in zip(graph.outputs, out, given):
        if cotangent is None and len(given) > 1 and tape.differentiable(outer):
            cotangent = zeros_like(outer)
        if cotangent is not None:
            partials.setdefault(id(inner), []).append(cotangent)
    tape.backpropagate(nodes_to_run(graph), partials, lambda t: value[id(t)])
    return tuple(partials.get(id(t)) for t in parameters)


def returning_intermediates(graph: Graph) -> Graph:
    """GRAD-7: a copy of ``graph`` that also returns the value of every node that runs, after
    its own outputs (``primal_count`` of them). Its calls, conditionals and loops return the
    values their own graphs compute too (``gradients.RECORDING``), so that a gradient can walk
    into them."""
    copied = copy.copy(graph)
    copied.nodes, renamed = [], {}
    for node in graph.nodes:
        inputs = tuple(renamed.get(id(t), t) for t in node.inputs)
        rewrite = gradients.RECORDING.get(node.primitive.name)
        if rewrite is not None:
            attrs, specs = rewrite(node)
            node = _copy_node(copied, node, inputs, attrs, specs, renamed)
        elif any(new is not old for new, old in zip(inputs, node.inputs)):
            node = _copy_node(copied, node, inputs, node.attrs, [t.spec for t in node.outputs], renamed)
        copied.nodes.append(node)
    copied.outputs = [renamed.get(id(t), t) for t in graph.outputs]
    copied.primal_count = len(copied.outputs)
    copied.outputs += [t for node in nodes_to_run(copied) if node.primitive is not placeholder
                       for t in node.outputs]
    return copied


def _copy_node(graph: Graph, node: Node, inputs: tuple, attrs: dict, specs: list, renamed: dict) -> Node:
    """``node`` in ``graph`` with new inputs and attributes; its outputs are renamed to the copy's."""
    copied = Node(graph, node.name, node.primitive, inputs, attrs)
    copied.outputs = [SymbolicTensor(copied, i, spec) for i, spec in enumerate(specs)]
    renamed.update((id(old), new) for old, new in zip(node.outputs, copied.outputs))
    return copied


def _is_handle(tensor: Tensor) -> bool:
    return isinstance(tensor, EagerTensor) and is_handle(tensor)


def _capture_text(outer: Tensor) -> str:
    return f"{id(outer)}: {outer.spec!r}" if isinstance(outer, EagerTensor) else outer.name


def literal_matches(a: Any, b: Any) -> bool:
    """A literal parameter accepts anything ``==`` to it (a tensor too, elementwise)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def binding_error(error: Exception, args, kwargs, signature) -> TypeError:
    """TRACE-10, TRACE-13: arguments that do not bind to a signature."""
    return TypeError(
        f"Binding inputs to ts.function failed due to `{error}`. Received args: {args!r} and "
        f"kwargs: {kwargs!r} for signature: {signature}."
    )
