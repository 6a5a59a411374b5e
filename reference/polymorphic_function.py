"""``ts.function``: a polymorphic function, its cache of concrete functions, and calling.

A ``Function`` wraps a Python function. Each call (``Function.__call__``):

1. If the process-global run-eagerly switch is on, call the Python function
   directly: no tracing, no cache, the tracing count untouched (rules 52-54).
2. Bind the arguments to the Python signature (or to ``input_signature``) and
   compute the call's ``FunctionType``: one trace type per parameter.
3. Look for a cached concrete function whose type the call fits, preferring
   the most specific. On a miss, trace (relaxing the type first under
   ``reduce_retracing``); a failed trace caches nothing (rule 25).
4. Call the concrete function: eagerly that executes its graph; inside
   another trace it records a ``call`` node (rule 46).
5. For calls from eager context, feed the retracing-warning detector.

Tracing (``Function._trace``) runs the Python body once with symbolic
placeholders in place of tensors, so its Python side effects happen then and
only then (rules 1, 4).
"""

from __future__ import annotations

import functools
import inspect
import types
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import context, eager_switch, policies, retracing_warning, trace_type
from .graph import Graph
from .interpreter import execute
from .primitive import Primitive, bind
from .tensor import SymbolicTensor, Tensor, convert_to_tensor
from .tensor_spec import TensorSpec
from .trace_type import FunctionType


class ConcreteFunction:
    """One traced graph with the function type it accepts and its output structure."""

    def __init__(self, name: str, graph: Graph, function_type: FunctionType, outputs: Any):
        self.name = name
        self.graph = graph
        self.function_type = function_type
        self.structured_outputs = outputs  # nested structure with SymbolicTensor leaves

    @property
    def stateful(self) -> bool:
        return any(node.stateful for node in self.graph.nodes)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call with arguments of this function's type (rule 26).

        First the structured call: every parameter bound and fitting its trace type. If
        that fails, the flat call: the tensor parameters alone, positionally, checked only
        when the graph runs (``InvalidArgumentError``). If neither applies, the structured
        call's ``TypeError``.
        """
        try:
            return self.call_flat(self._structured_arguments(args, kwargs))
        except TypeError as structured_error:
            tensor_parameters = [t for _, t in self.function_type.parameters
                                 if isinstance(t, trace_type.TensorType)]
            if kwargs or len(args) != len(tensor_parameters):
                raise structured_error from None
            return self.call_flat([convert_to_tensor(a) for a in args])

    def _structured_arguments(self, args: tuple, kwargs: dict) -> list[Tensor]:
        names = [name for name, _ in self.function_type.parameters]
        signature = inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
        )
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise _binding_error(error, args, kwargs, signature) from None
        flat: list[Tensor] = []
        for name, expected in self.function_type.parameters:
            value = bound.arguments[name]
            if isinstance(expected, trace_type.TensorType) and not isinstance(value, Tensor):
                value = convert_to_tensor(value, dtype_hint=expected.spec.dtype)
            given = trace_type.from_value(value)
            if not given.is_subtype_of(expected):
                shown = value if isinstance(given, trace_type.Literal) else given
                cast = TypeError(f"Can not cast {shown!r} to {expected!r}")
                raise _binding_error(cast, args, kwargs, signature)
            flat.extend(expected.tensors(value))
        return flat

    def call_flat(self, arguments: Sequence[Tensor]) -> Any:
        """Run (or, inside a trace, record a call of) the graph on flat tensor arguments."""
        captured = [outer for outer, _ in self.graph.captures]
        results = bind(call_p, *arguments, *captured, function=self)
        flat = iter(results)
        return _map_structure(
            lambda leaf: next(flat) if isinstance(leaf, SymbolicTensor) else leaf,
            self.structured_outputs,
        )

    def pretty_printed_signature(self) -> str:
        outputs = _map_structure(
            lambda t: t.spec if isinstance(t, SymbolicTensor) else t, self.structured_outputs
        )
        return (
            f"Input Parameters:\n{self.function_type}\nOutput Type:\n  {outputs!r}\n"
            "Captures:\n  " + (", ".join(o.name for o, _ in self.graph.captures) or "None")
        )

    def __str__(self) -> str:
        return str(self.graph)

    def __repr__(self) -> str:
        return f"<ConcreteFunction {self.name}>"


def _call_rule(*inputs: TensorSpec, function: ConcreteFunction) -> tuple[TensorSpec, ...]:
    expected = function.graph.placeholders + [inner for _, inner in function.graph.captures]
    for index, (given, wanted) in enumerate(zip(inputs, expected, strict=True)):
        if not given.is_compatible_with(wanted.spec):
            raise TypeError(
                f"cannot compute {function.name} as input #{index}(zero-based) was expected to "
                f"be a {wanted.dtype.name} tensor of shape {wanted.shape} but is a "
                f"{given.dtype.name} tensor of shape {given.shape}"
            )
    return tuple(t.spec for t in function.graph.outputs)


def _call_kernel(*values: np.ndarray, function: ConcreteFunction) -> tuple[np.ndarray, ...]:
    count = len(function.graph.placeholders)
    return tuple(execute(function.graph, values[:count], values[count:]))


class _CallPrimitive(Primitive):
    def is_stateful(self, attrs: dict[str, Any]) -> bool:
        return attrs["function"].stateful


call_p = _CallPrimitive("call", _call_rule, _call_kernel, multiple_results=True)


class Function:
    """A Python function that is traced into graphs and called through a cache (``ts.function``)."""

    def __init__(
        self,
        python_function: Callable[..., Any],
        input_signature: Sequence[TensorSpec] | None = None,
        reduce_retracing: bool = False,
        autograph: bool = True,
    ):
        self.python_function = python_function
        self.input_signature = None if input_signature is None else tuple(input_signature)
        self.reduce_retracing = reduce_retracing
        self.autograph = autograph
        self.name = getattr(python_function, "__name__", type(python_function).__name__)
        self.qualified_name = getattr(python_function, "__qualname__", self.name)
        self._signature = inspect.signature(python_function)
        self._cache: list[tuple[FunctionType, ConcreteFunction]] = []
        self._bound: weakref.WeakKeyDictionary[object, Function] = weakref.WeakKeyDictionary()
        functools.update_wrapper(self, python_function, updated=())

    # Methods: one Function, hence one cache, per instance (rule 21).
    def __get__(self, instance: object, owner: type | None = None) -> Function:
        if instance is None:
            return self
        if instance not in self._bound:
            self._bound[instance] = Function(
                types.MethodType(self.python_function, instance),
                self.input_signature, self.reduce_retracing, self.autograph,
            )
        return self._bound[instance]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if eager_switch.functions_run_eagerly():  # step 1
            return self.python_function(*args, **kwargs)
        from_eager = context.executing_eagerly()
        function_type, arguments = self._bind(args, kwargs)  # step 2
        tracing_count = len(self._cache)
        concrete = self._lookup_or_trace(function_type, arguments)  # step 3
        result = concrete.call_flat(self._flat_tensors(concrete, arguments))  # step 4
        if from_eager:  # step 5
            traced = len(self._cache) != tracing_count
            retracing_warning.record_call(self._stats_key(), traced, repr(self.python_function))
        return result

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """Trace (or find) the concrete function for these arguments or ``TensorSpec``s.

        Never executes, and traces even when functions run eagerly (rules 3, 57).
        """
        if self.input_signature is not None and not args and not kwargs:
            args = self.input_signature
        function_type, arguments = self._bind(args, kwargs)
        return self._lookup_or_trace(function_type, arguments)

    def experimental_get_tracing_count(self) -> int:
        """How many concrete functions the cache holds (rule 23)."""
        return len(self._cache)

    def pretty_printed_concrete_signatures(self) -> str:
        """Every cached concrete function's signature, in tracing order."""
        return "\n\n".join(concrete.pretty_printed_signature() for _, concrete in self._cache)

    # -- step 2: binding ---------------------------------------------------------------
    def _bind(self, args: tuple, kwargs: dict) -> tuple[FunctionType, dict[str, Any]]:
        if self.input_signature is not None:
            return self._bind_to_input_signature(args, kwargs)
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as error:
            raise _binding_error(error, args, kwargs, self._signature) from None
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        parameters = tuple((n, trace_type.from_value(v)) for n, v in arguments.items())
        return FunctionType(parameters), arguments

    def _bind_to_input_signature(self, args, kwargs) -> tuple[FunctionType, dict[str, Any]]:
        names = list(self._signature.parameters)[: len(self.input_signature)]
        signature = inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
        )
        shown = _signature_text(names, self.input_signature)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise _binding_error(error, args, kwargs, shown) from None
        arguments: dict[str, Any] = {}
        for name, spec in zip(names, self.input_signature):
            value = bound.arguments[name]
            try:
                tensor = _convert_for_signature(value, spec)
            except (TypeError, ValueError) as error:
                raise _binding_error(error, args, kwargs, shown) from None
            given = tensor if isinstance(tensor, TensorSpec) else tensor.spec
            if not given.is_compatible_with(spec):
                cast = TypeError(f"Can not cast {given!r} to {spec!r}")
                raise _binding_error(cast, args, kwargs, shown)
            arguments[name] = tensor
        parameters = tuple((n, trace_type.TensorType(s)) for n, s in zip(names, self.input_signature))
        return FunctionType(parameters), arguments

    # -- step 3: the cache ---------------------------------------------------------------
    def _lookup(self, function_type: FunctionType) -> ConcreteFunction | None:
        fits = [(t, c) for t, c in self._cache if function_type.is_subtype_of(t)]
        for candidate_type, concrete in fits:  # the most specific candidate wins
            if all(candidate_type.is_subtype_of(other) for other, _ in fits):
                return concrete
        return fits[0][1] if fits else None

    def _lookup_or_trace(self, function_type: FunctionType, arguments: dict) -> ConcreteFunction:
        concrete = self._lookup(function_type)
        if concrete is not None:
            return concrete
        if self.reduce_retracing:
            for known, _ in self._cache:
                relaxed = function_type.most_specific_common_supertype(known)
                if relaxed is not None:
                    function_type = relaxed
        concrete = self._trace(function_type, arguments)
        self._cache.append((function_type, concrete))
        return concrete

    def _trace(self, function_type: FunctionType, arguments: dict[str, Any]) -> ConcreteFunction:
        """Run the Python body on placeholders and record the graph it builds."""
        graph = Graph(self.name)
        # 1. Placeholders for tensors; Python values as traced; objects as given.
        placeholders = {
            name: kind.placeholder(arguments[name], lambda spec, n=name: graph.add_placeholder(spec, n))
            for name, kind in function_type.parameters
        }
        before = {name: _structure_snapshot(value) for name, value in placeholders.items()}
        # 2. Run the body inside a tracing context; its Python side effects happen now.
        with context.tracing_into(graph):
            args, kwargs = _split_arguments(self._signature, placeholders)
            returned = self.python_function(*args, **kwargs)
            # 3. Outputs become tensors of this graph; None stays None.
            outputs = _map_structure(lambda v: _output_tensor(v, graph, self), returned)
        # 4. The body must not have modified its Python container arguments (rule 27).
        modified = [n for n, v in placeholders.items() if _structure_snapshot(v) != before[n]]
        if modified:
            raise ValueError(
                f"{self.qualified_name}({', '.join(placeholders)}) should not modify its Python input "
                "arguments. Modifying a copy is allowed. The following parameter(s) were "
                f"modified: {', '.join(modified)}"
            )
        graph.outputs = [t for t in _flatten(outputs) if isinstance(t, SymbolicTensor)]
        return ConcreteFunction(f"__inference_{self.name}_{id(graph)}", graph, function_type, outputs)

    def _flat_tensors(self, concrete: ConcreteFunction, arguments: dict) -> list[Tensor]:
        return [
            leaf for name, kind in concrete.function_type.parameters
            for leaf in kind.tensors(arguments[name])
        ]

    def _stats_key(self) -> object:
        target = self.python_function
        target = getattr(target, "__func__", target)
        return getattr(target, "__code__", target)

    def __repr__(self) -> str:
        return f"<ts.function {self.name}>"


def function(
    func: Callable[..., Any] | None = None,
    *,
    input_signature: Sequence[TensorSpec] | None = None,
    reduce_retracing: bool = False,
    autograph: bool = True,
) -> Any:
    """Make a ``Function``: use as ``@ts.function`` or ``@ts.function(...)``.

    ``autograph`` is accepted for TensorFlow compatibility; the reference does not convert
    Python control flow yet, so it behaves as TensorFlow does with ``autograph=False``.
    """
    def wrap(f: Callable[..., Any]) -> Function:
        return Function(f, input_signature, reduce_retracing, autograph)

    return wrap if func is None else wrap(func)


# -- helpers --------------------------------------------------------------------------------

def _binding_error(error: Exception, args, kwargs, signature) -> TypeError:
    return TypeError(
        f"Binding inputs to ts.function failed due to `{error}`. Received args: {args!r} and "
        f"kwargs: {kwargs!r} for signature: {signature}."
    )


def _signature_text(names: list[str], specs: Sequence[TensorSpec]) -> str:
    return "(" + ", ".join(f"{n}: {s!r}" for n, s in zip(names, specs)) + ")"


def _convert_for_signature(value: Any, spec: TensorSpec) -> Tensor | TensorSpec:
    """Tensors and ``TensorSpec``s are taken as they are; other values convert to the spec's dtype."""
    if isinstance(value, (Tensor, TensorSpec)):
        return value
    return convert_to_tensor(value, dtype=spec.dtype)


def _split_arguments(signature: inspect.Signature, arguments: dict[str, Any]):
    bound = inspect.BoundArguments(signature, arguments)  # type: ignore[arg-type]
    return bound.args, bound.kwargs


def _output_tensor(value: Any, graph: Graph, function: Function) -> Any:
    if value is None:
        return None
    if isinstance(value, Tensor):
        return graph.own(value)
    if isinstance(value, (bool, int, float, str, bytes)):
        if policies.current().python_return_values == "as-is":
            return value
        return graph.own(convert_to_tensor(value))
    if isinstance(value, (np.ndarray, np.generic)):
        return graph.own(convert_to_tensor(value))
    raise TypeError(
        "To be compatible with ts.function, Python functions must return zero or more Tensors "
        f"or None values; in compilation of {function.python_function!r}, found return value of "
        f"type {type(value).__name__}, which is not a Tensor."
    )


def _map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """Apply ``fn`` to every leaf (``None`` leaves stay ``None``) of nested lists/tuples/dicts."""
    if structure is None:
        return None
    if isinstance(structure, Mapping):
        return {k: _map_structure(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        items = [_map_structure(fn, v) for v in structure]
        if hasattr(structure, "_fields"):
            return type(structure)(*items)
        return type(structure)(items)
    return fn(structure)


def _flatten(structure: Any) -> list[Any]:
    leaves: list[Any] = []
    _map_structure(leaves.append, structure)
    return leaves


def _structure_snapshot(value: Any) -> Any:
    """Identity-and-shape fingerprint of nested Python containers."""
    if isinstance(value, Mapping):
        return ("dict", id(value), tuple((k, _structure_snapshot(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, id(value), tuple(_structure_snapshot(v) for v in value))
    return id(value)
