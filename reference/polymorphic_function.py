"""``ts.function``: a polymorphic function, its cache of concrete functions, and calling.

A ``Function`` wraps a Python function. Each call (``Function.__call__``):

1. If the process-global run-eagerly switch is on, call the Python function
   directly: no tracing, no cache, the tracing count untouched (EAGER-2, EAGER-3).
2. Bind the arguments to the Python signature (or to ``input_signature``) and
   compute the call's ``FunctionType``: one trace type per parameter (TRACE-3..7, TRACE-10).
3. Look the type up in the cache: an exact match by hash first; otherwise the
   most specific cached type the call fits (not under ``relaxed_shapes="exact"``, TRACE-2). On
   a miss, trace (relaxing the type first under ``reduce_retracing``, TRACE-11); a failed trace
   caches nothing (TRACE-12).
4. Call the concrete function: eagerly that executes its graph; inside
   another trace it records a ``call`` node (NEST-1).
   Steps 3 and 4 follow the variable-creation rules (VAR-3 to VAR-6): the first
   call may trace twice, and a later trace must not create variables
   (``_call_with_variable_rules``).
5. For calls from eager context, feed the retracing-warning detector (TRACE-15).

Tracing (``Function._trace``) runs the Python body once with symbolic
placeholders in place of tensors, so its Python side effects happen then and
only then (TRACE-1, EFFECT-1), Python control flow and guards on Python values
are decided then (EFFECT-6, EFFECT-8), and ``.numpy()`` of a symbolic tensor
fails the trace on every call while eager calls run as plain Python (the seed
example, EAGER-7).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import threading
import types
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import (
    autograph,
    context,
    eager_switch,
    interpreter,
    nest,
    policies,
    retracing_warning,
    trace_type,
    variables,
)
from .concrete_function import ConcreteFunction, binding_error, literal_matches
from .conversion import convert_to_tensor, python_dtype
from .graph import Graph
from .primitive import run_kernel
from .tensor import SymbolicTensor, Tensor
from .tensor_spec import TensorSpec
from .trace_type import FunctionType
from .verbose import note

_eager_calls = threading.local()  # how many Function bodies run eagerly on this thread
_concrete_functions = itertools.count(1)  # numbers concrete functions, as TensorFlow's uids do


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
        self._pinned = None if input_signature is None else _pinned_signature(
            self._signature, self.input_signature)
        self._cache: list[tuple[FunctionType, ConcreteFunction]] = []  # in tracing order
        self._exact: dict[object, ConcreteFunction] = {}  # by ``_exact_key``
        self._tracing = 0  # traces of this function in progress (NEST-3: recursion)
        self._bound: weakref.WeakKeyDictionary[object, Function] = weakref.WeakKeyDictionary()
        self._created_variables: list[variables.Variable] | None = None  # None: not called yet
        self._first_trace_succeeded = False
        functools.update_wrapper(self, python_function, updated=())

    def __get__(self, instance: object, owner: type | None = None) -> Function:
        """TRACE-8: a method gets one ``Function``, hence one cache, per instance."""
        if instance is None:
            return self
        if instance not in self._bound:
            note("TRACE-8", "%s gets its own cache for a new instance", self.qualified_name)
            self._bound[instance] = Function(
                types.MethodType(self.python_function, instance),
                self.input_signature, self.reduce_retracing, self.autograph,
            )
        return self._bound[instance]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if eager_switch.functions_run_eagerly():  # step 1
            return self._call_eagerly(args, kwargs)
        from_eager = context.executing_eagerly()
        if not from_eager:
            note("NEST-2", "%s is called inside a trace; it keeps its own cache", self.name)
        function_type, arguments = self._bind(args, kwargs)  # step 2
        tracing_count = len(self._cache)
        result = self._call_with_variable_rules(function_type, arguments)  # steps 3 and 4
        if from_eager and policies.current().relaxed_shapes == "exact":  # step 5
            note("TRACE-15", "relaxed_shapes='exact': no retracing warning")
        elif from_eager:
            traced = len(self._cache) != tracing_count
            retracing_warning.record_call(self._stats_key(), traced, repr(self.python_function))
        return result

    def _call_eagerly(self, args: tuple, kwargs: dict) -> Any:
        note("EAGER-2", "the run-eagerly switch is on: %s runs its Python body", self.name)
        note("EAGER-3", "%s sees the call's own values", self.name)
        if getattr(_eager_calls, "depth", 0):
            note("EAGER-4", "%s is nested in a function that runs eagerly", self.name)
        _eager_calls.depth = getattr(_eager_calls, "depth", 0) + 1
        try:
            return self.python_function(*args, **kwargs)
        finally:
            _eager_calls.depth -= 1

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """TRACE-2: trace (or find) the concrete function for these arguments or ``TensorSpec``s.

        Never executes, and traces even when functions run eagerly (EAGER-5).
        """
        note("TRACE-2", "get_concrete_function of %s traces without executing", self.name)
        if eager_switch.functions_run_eagerly():
            note("EAGER-5", "get_concrete_function ignores the run-eagerly switch")
        if self.input_signature is not None and not args and not kwargs:
            args = self.input_signature
        function_type, arguments = self._bind(args, kwargs)
        if self._created_variables is None:
            self._first_trace(function_type, arguments, calling=False)
        if self._created_variables and not self._first_trace_succeeded:
            raise TypeError(_BROKEN)
        if self._created_variables:
            return self._scoped(function_type, arguments, None)
        concrete = self._scoped(function_type, arguments, self._created_variables)
        if self._created_variables:
            raise _late_creation_error()
        return concrete

    def experimental_get_tracing_count(self) -> int:
        """TRACE-9: how many concrete functions the cache holds."""
        note("TRACE-9", "%s holds %d concrete functions", self.name, len(self._cache))
        return len(self._cache)

    def pretty_printed_concrete_signatures(self) -> str:
        """Every cached concrete function's signature, in tracing order."""
        return "\n\n".join(concrete.pretty_printed_signature() for _, concrete in self._cache)

    # -- step 2: binding ---------------------------------------------------------------
    def _bind(self, args: tuple, kwargs: dict) -> tuple[FunctionType, dict[str, Any]]:
        """TRACE-7: bind to the signature, so positional, keyword and default spellings agree.

        Under ``argument_binding="as-passed"`` (JAX) they do not: the parameters passed by keyword
        are part of the key, and an omitted default is no parameter of it (the body sees the
        default itself). Under ``non_tensor_arguments="error"`` (JAX) every argument must be a
        pytree of arrays (TRACE-6). Under ``python_scalar_arguments="weak-tensor"`` (JAX) a Python
        int must fit the default int (TRACE-4).
        """
        if self.input_signature is not None:
            return self._bind_to_input_signature(args, kwargs)
        note("TRACE-7", "binding the arguments of %s to its signature", self.name)
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as error:
            raise binding_error(error, args, kwargs, self._signature) from None
        keywords: frozenset[str] = frozenset()
        if policies.current().argument_binding == "as-passed":
            note("TRACE-7", "argument_binding='as-passed': keywords are keyed, defaults are not")
            keywords = frozenset(bound.arguments) & frozenset(kwargs)
        else:
            bound.apply_defaults()
        arguments = dict(bound.arguments)
        if policies.current().non_tensor_arguments == "error":
            _refuse_non_arrays(self.python_function, arguments, keywords)
        if policies.current().python_scalar_arguments == "weak-tensor":
            _refuse_overflowing_ints(arguments, keywords)
        aliases: dict[int, int] = {}  # VAR-8: which variable arguments are the same variable
        parameters = tuple((n, trace_type.from_value(v, aliases)) for n, v in arguments.items())
        return FunctionType(parameters, keywords=keywords), arguments

    def _bind_to_input_signature(self, args, kwargs) -> tuple[FunctionType, dict[str, Any]]:
        """TRACE-10: ``input_signature`` pins one function type; values convert to it.

        Parameters past the specs keep their defaults as literals (``Literal[2]``): a
        call may pass the default again, any other value fails to bind.
        """
        note("TRACE-10", "binding the arguments of %s to its input_signature", self.name)
        signature, types, defaults = self._pinned
        shown = _pinned_text(signature, types)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise binding_error(error, args, kwargs, shown) from None
        bound.apply_defaults()
        arguments: dict[str, Any] = {}
        for name, kind in types.items():
            if name in defaults:
                value = bound.arguments[name]
                if value is not defaults[name] and not literal_matches(value, defaults[name]):
                    cast = TypeError(f"Can not cast {value!r} to {kind!r}")
                    raise binding_error(cast, args, kwargs, shown)
                if isinstance(value, Tensor):  # equal, but a tensor is no literal
                    raise TypeError(f"Parameter `{name}` was expected to be of type {kind!r} but "
                                    f"is {value.spec!r}")
                arguments[name] = value
                continue
            specs = kind.items if isinstance(kind, trace_type.SequenceType) else (kind,)
            values = [bound.arguments[f"{name}_{i}"] for i in range(len(specs))] \
                if isinstance(kind, trace_type.SequenceType) else [bound.arguments[name]]
            tensors = []
            for value, spec_type in zip(values, specs):
                spec = spec_type.spec  # type: ignore[attr-defined]
                try:
                    tensor = _convert_for_signature(value, spec)
                except (TypeError, ValueError) as error:
                    raise binding_error(error, args, kwargs, shown) from None
                given = tensor if isinstance(tensor, TensorSpec) else tensor.spec
                if not given.is_compatible_with(spec):
                    cast = TypeError(f"Can not cast {given!r} to {spec!r}")
                    raise binding_error(cast, args, kwargs, shown)
                tensors.append(tensor)
            arguments[name] = tuple(tensors) if isinstance(kind, trace_type.SequenceType) else tensors[0]
        # A defaulted parameter is keyed by the value passed (== the default): the first one
        # traced is the one the body sees, as for any literal (TRACE-4).
        keyed = tuple((n, trace_type.from_value(arguments[n]) if n in defaults else t)
                      for n, t in types.items())
        return FunctionType(keyed), arguments

    # -- step 3: the cache ---------------------------------------------------------------
    def _lookup(self, function_type: FunctionType) -> ConcreteFunction | None:
        """An exact match by hash, else the most specific cached type the call fits (TRACE-2)."""
        exact = self._exact.get(_exact_key(function_type))
        if exact is not None:
            return exact
        if policies.current().relaxed_shapes == "exact":
            note("TRACE-2", "relaxed_shapes='exact': only a trace of this exact type, made under "
                            "the same eager switch, serves the call")
            return None
        fits = [(t, c) for t, c in self._cache if function_type.is_subtype_of(t)]
        for candidate_type, concrete in fits:
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
                    note("TRACE-11", "relaxing %s to %s", function_type, relaxed)
                    function_type = relaxed
        try:
            concrete = self._trace(function_type, arguments)
        except BaseException:
            note("TRACE-12", "the trace of %s failed; nothing is cached", self.name)
            raise
        self._cache.append((function_type, concrete))
        self._exact[_exact_key(function_type)] = concrete
        return concrete

    # -- steps 3 and 4 under the variable-creation rules (VAR-3 to VAR-6) -------------------
    # TensorFlow's ``Function._call``: the first call traces with variable creation allowed;
    # if that trace created variables, it traces again with creation forbidden, and every
    # later call traces that way. The two ways key the cache apart (``FunctionType.scope``).

    def _call_with_variable_rules(self, function_type: FunctionType, arguments: dict) -> Any:
        if self._created_variables is None:
            return self._call(self._first_trace(function_type, arguments), arguments)
        if self._created_variables and not self._first_trace_succeeded:
            note("VAR-5", "the first trace of %s created variables and failed: calls return None",
                 self.name)
            return None
        if self._created_variables:
            note("VAR-5", "%s created variables on its first call: no later trace may", self.name)
            return self._call(self._scoped(function_type, arguments, None), arguments)
        result = self._call(self._scoped(function_type, arguments, self._created_variables), arguments)
        if self._created_variables:
            raise _late_creation_error()
        return result

    def _first_trace(self, function_type: FunctionType, arguments: dict,
                     calling: bool = True) -> ConcreteFunction:
        """VAR-3, VAR-4: trace the first call; returns the concrete function it executes."""
        self._created_variables = []
        first = self._scoped(function_type, arguments, self._created_variables)
        self._first_trace_succeeded = True
        if not self._created_variables:
            return first
        note("VAR-3", "the first trace of %s created variables: it traces again, creating none",
             self.name)
        lifted = _lift_initial_values(first.graph, calling)
        second = self._scoped(function_type, arguments, None)
        if lifted:
            return second
        note("VAR-4", "initial values depend on the arguments: this call runs the first trace")
        return first

    def _scoped(self, function_type: FunctionType, arguments: dict,
                created: list[variables.Variable] | None) -> ConcreteFunction:
        """Look up or trace with variable creation allowed (into ``created``) or forbidden (None)."""
        scope = SCOPES[created is None]
        with variables.creation_scope(created):
            return self._lookup_or_trace(function_type.within(scope), arguments)

    def _call(self, concrete: ConcreteFunction, arguments: dict) -> Any:
        return concrete.call_flat(self._flat_tensors(concrete, arguments))

    def _trace(self, function_type: FunctionType, arguments: dict[str, Any]) -> ConcreteFunction:
        """TRACE-1, EFFECT-1: run the Python body on placeholders and record its graph.

        EFFECT-6, EFFECT-8: Python ``if``/``for`` on Python values and state run now, once.
        """
        note("TRACE-1", "tracing %s: its Python body runs now", self.name)
        note("EFFECT-1", "Python side effects of %s happen now, once for this trace", self.name)
        if self._tracing:
            note("NEST-3", "%s recurses while it is being traced", self.name)
        graph = Graph(self.name)
        # 1. Placeholders for tensors; Python values as traced; objects as given.
        placeholders = {
            name: kind.placeholder(arguments[name], lambda spec, n=name: graph.add_placeholder(spec, n))
            for name, kind in function_type.parameters
        }
        before = {name: nest.snapshot(value) for name, value in placeholders.items()}
        # 2. Run the body inside a tracing context; its Python side effects happen now.
        self._tracing += 1
        try:
            with context.tracing_into(graph):
                args, kwargs = _split_arguments(self._signature, placeholders)
                body = self.python_function
                if self.autograph:
                    body = autograph.converted(body)
                else:
                    note("AG-3", "autograph=False: %s is traced as written", self.name)
                try:
                    returned = body(*args, **kwargs)
                except Exception:
                    note("ERROR-1", "the body of %s raised while tracing", self.name)
                    raise
                # 3. Outputs become tensors of this graph; None stays None (RETURN-1, RETURN-2).
                note("RETURN-2", "the outputs of %s keep their structure", self.name)
                if policies.current().string_values == "unsupported":
                    _refuse_strings(returned)
                if policies.current().non_tensor_arguments == "error":
                    note("RETURN-2", "non_tensor_arguments='error': returned dicts in sorted key order")
                    returned = nest.sorted_dicts(returned)
                outputs = nest.map_structure(lambda v: _output_tensor(v, graph, self), returned)
        finally:
            self._tracing -= 1
        # 4. The body must not have modified its Python container arguments (under
        # non_tensor_arguments="error" they are pytrees the body was given to keep).
        modified = [n for n, v in placeholders.items() if nest.snapshot(v) != before[n]]
        if modified and policies.current().non_tensor_arguments == "error":
            note("TRACE-14", "non_tensor_arguments='error': the body modified its own copies")
        elif modified:
            note("TRACE-14", "%s modified its Python arguments", self.name)
            raise ValueError(
                f"{self.qualified_name}({', '.join(placeholders)}) should not modify its Python input "
                "arguments. Modifying a copy is allowed. The following parameter(s) were "
                f"modified: {', '.join(modified)}"
            )
        graph.outputs = [t for t in nest.flatten(outputs) if isinstance(t, SymbolicTensor)]
        return ConcreteFunction(f"__inference_{self.name}_{next(_concrete_functions)}", graph,
                                function_type, outputs, _structured_signature(self, function_type))

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


def _exact_key(function_type: FunctionType) -> object:
    """The cache's key of an exact match: the type; under ``relaxed_shapes="exact"`` also the
    eager switch at the time of the trace, which then serves only calls under the same switch
    (EAGER-5: JAX's ``jax_disable_jit`` is part of its trace context)."""
    if policies.current().relaxed_shapes == "exact":
        return function_type, eager_switch.functions_run_eagerly()
    return function_type


def function(
    func: Callable[..., Any] | None = None,
    *,
    input_signature: Sequence[TensorSpec] | None = None,
    reduce_retracing: bool = False,
    autograph: bool = True,
) -> Any:
    """Make a ``Function``: use as ``@ts.function`` or ``@ts.function(...)``.

    With ``autograph`` (the default) the body is traced as ``autograph.converted`` makes it.
    """
    def wrap(f: Callable[..., Any]) -> Function:
        return Function(f, input_signature, reduce_retracing, autograph)

    return wrap if func is None else wrap(func)


# -- helpers --------------------------------------------------------------------------------

def _structured_signature(function: Function, function_type: FunctionType) -> inspect.Signature:
    """TRACE-13: a concrete function's parameters keep their Python kinds, without defaults."""
    python = function._signature.parameters
    return inspect.Signature([
        inspect.Parameter(name, python[name].kind if name in python else
                          inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for name, _ in function_type.parameters
    ])


def _pinned_signature(signature: inspect.Signature, specs: Sequence[TensorSpec]):
    """TRACE-10: the signature an ``input_signature`` gives: specs for the leading parameters
    (``*args`` takes the rest, as ``args_0``, ``args_1``...), literals for defaulted ones.

    A parameter with neither is an error when the function is made, as in TensorFlow.
    """
    parameters: list[inspect.Parameter] = []
    types: dict[str, trace_type.TraceType] = {}
    defaults: dict[str, Any] = {}
    remaining = list(specs)
    for name, parameter in signature.parameters.items():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            types[name] = trace_type.SequenceType(tuple, tuple(trace_type.TensorType(s) for s in remaining))
            parameters += [inspect.Parameter(f"{name}_{i}", inspect.Parameter.POSITIONAL_ONLY)
                           for i in range(len(remaining))]
            remaining = []
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        elif remaining and parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            types[name] = trace_type.TensorType(remaining.pop(0))
            parameters.append(parameter.replace(default=inspect.Parameter.empty,
                                                annotation=inspect.Parameter.empty))
        elif parameter.default is not inspect.Parameter.empty:
            types[name] = trace_type.from_value(parameter.default)
            defaults[name] = parameter.default
            parameters.append(parameter.replace(annotation=inspect.Parameter.empty))
        else:
            raise TypeError(f"input_signature missing type constraint for {name}")
    return inspect.Signature(parameters), types, defaults


def _pinned_text(signature: inspect.Signature, types: dict[str, trace_type.TraceType]) -> str:
    """``(x: TensorSpec(...), y: Literal[2] = <captured_default_value>)``, as TensorFlow shows it."""
    shown = []
    for parameter in signature.parameters.values():
        kind = types.get(parameter.name)
        if kind is None:  # one of *args
            base, _, index = parameter.name.rpartition("_")
            kind = types[base].items[int(index)]  # type: ignore[attr-defined]
        default = "" if parameter.default is inspect.Parameter.empty else " = <captured_default_value>"
        shown.append(f"{parameter.name}: {kind!r}{default}")
    text = ", ".join(shown)
    if any(p.kind is inspect.Parameter.POSITIONAL_ONLY for p in signature.parameters.values()):
        text += ", /"
    return f"({text})"


def _convert_for_signature(value: Any, spec: TensorSpec) -> Tensor | TensorSpec:
    """Tensors and ``TensorSpec``s are taken as they are; other values convert to the spec's dtype."""
    if isinstance(value, (Tensor, TensorSpec)):
        return value
    return convert_to_tensor(value, dtype=spec.dtype)


def _split_arguments(signature: inspect.Signature, arguments: dict[str, Any]):
    bound = inspect.BoundArguments(signature, arguments)  # type: ignore[arg-type]
    return bound.args, bound.kwargs


def _late_creation_error() -> ValueError:
    note("VAR-6", "a trace after a first call that created no variables created one")
    return ValueError("Creating variables on a non-first call to a function decorated with ts.function.")


# VAR-3: the cache keys a trace by whether it may create variables (FunctionType.scope).
SCOPES = ("variable creation", "no variable creation")

_BROKEN = ("replace() should be called on dataclass instances: the first trace created variables, "
           "then failed, so the function has no trace that forbids creating them (TensorFlow 2.21)")


class UnliftableError(Exception):
    """An initial value that ``get_concrete_function`` cannot compute: it needs the arguments."""


def _lift_initial_values(graph: Graph, calling: bool) -> bool:
    """VAR-4: give the variables the first trace created their initial values now, eagerly.

    Possible when no initial value depends on the call's arguments (``interpreter.evaluate``);
    otherwise nothing is lifted and the first call runs the first trace, which initialises them
    (``get_concrete_function``, which runs nothing, fails instead).
    """
    initializers = [n for n in graph.nodes if n.primitive is variables.initialize_variable_p]
    unliftable = [n for n in initializers if not interpreter.liftable(graph, n.inputs[1])]
    if unliftable and not calling:
        note("VAR-4", "get_concrete_function cannot lift an initial value that needs the arguments")
        raise UnliftableError(f"Unable to lift tensor {unliftable[0].inputs[1]!r} because it depends "
                              "transitively on placeholder via at least one path")
    if unliftable:
        return False
    handles = {id(inner): outer for outer, inner in graph.captures}
    for node in initializers:
        note("VAR-4", "an initial value is lifted out of the trace and computed now")
        (value,) = interpreter.evaluate(graph, [node.inputs[1]])
        run_kernel(node.primitive, [handles[id(node.inputs[0])]._value, value], node.attrs)
    return True


def _refuse_strings(returned: Any) -> None:
    """RETURN-1 under ``string_values="unsupported"``: a returned string anywhere in the outputs
    fails the trace, after the body ran; the message names its place as JAX does."""
    found = next(((leaf, path) for leaf, path in nest.leaves_with_paths(returned)
                  if isinstance(leaf, (str, bytes))), None)
    if found is not None:
        note("RETURN-1", "string_values='unsupported': a returned %s fails the trace",
             type(found[0]).__name__)
        where = f" at output component {found[1]}" if found[1] else ""
        raise TypeError(f"traced for jit returned a value of type {type(found[0])}{where}, which is not "
                        "a valid JAX type")


_ARRAY_LEAVES = (Tensor, TensorSpec, np.ndarray, np.generic, bool, int, float, complex)


def _refuse_non_arrays(python_function: Callable[..., Any], arguments: dict[str, Any],
                       keywords: frozenset[str]) -> None:
    """TRACE-6 under ``non_tensor_arguments="error"``: an argument is a pytree (lists, tuples,
    dicts, ``None``) of tensors and Python numbers, or a value that says how it is keyed (a
    variable); anything else is a ``TypeError`` at the call, with JAX's text and path (positional
    arguments first, then keywords by name; a method's ``self`` is an argument too)."""
    named = _in_pytree_order(arguments, keywords)
    if isinstance(python_function, types.MethodType):
        instance, python_function = python_function.__self__, python_function.__func__
        named.insert(0, (next(iter(inspect.signature(python_function).parameters)), instance))
    for name, value in named:
        for leaf, path in nest.leaves_with_paths(value, name):
            if not isinstance(leaf, _ARRAY_LEAVES) and not hasattr(type(leaf), "__ts_trace_type__"):
                note("TRACE-6", "non_tensor_arguments='error': a %s argument is refused",
                     type(leaf).__name__)
                raise TypeError(
                    f"Error interpreting argument to {python_function!r} as an abstract array. The "
                    f"problematic value is of type {type(leaf)} and was passed to the function at path "
                    f"{path}.\nThis typically means that a jit-wrapped function was called with a "
                    "non-array argument, and this argument was not marked as static using the "
                    "static_argnums or static_argnames parameters of jax.jit.")


def _in_pytree_order(arguments: dict[str, Any], keywords: frozenset[str]) -> list[tuple[str, Any]]:
    """The arguments as JAX flattens them: positional ones first, then keywords by name."""
    named = [item for item in arguments.items() if item[0] not in keywords]
    return named + sorted(item for item in arguments.items() if item[0] in keywords)


def _refuse_overflowing_ints(arguments: dict[str, Any], keywords: frozenset[str]) -> None:
    """TRACE-4 under ``python_scalar_arguments="weak-tensor"``: a Python int argument (a leaf of a
    container too) outside the default int's range is JAX's ``OverflowError`` at the call, before
    anything is traced, naming its path."""
    info = np.iinfo(python_dtype(int).numpy_dtype)
    for name, value in _in_pytree_order(arguments, keywords):
        for leaf, path in nest.leaves_with_paths(value, name):
            if isinstance(leaf, int) and not isinstance(leaf, bool) and not info.min <= leaf <= info.max:
                note("TRACE-4", "python_scalar_arguments='weak-tensor': %d overflows the default int", leaf)
                raise OverflowError("An overflow was encountered while parsing an argument to a jitted "
                                    f"computation, whose argument path is {path}. Got {type(leaf)} with "
                                    f"value {leaf}")


def _output_tensor(value: Any, graph: Graph, function: Function) -> Any:
    """RETURN-1: a returned value as a tensor of the graph (Python values as the policy says).

    Anything ``convert_to_tensor`` accepts becomes a tensor (a fully known ``TensorShape``
    too); anything else fails the trace.
    """
    if value is None:
        return None
    note("RETURN-1", "%s returns %s", function.name, type(value).__name__)
    if isinstance(value, variables.Variable):
        note("VAR-11", "%s returns a variable: it is read at the output, after every write",
             function.name)
        value = value.read_value()
    if isinstance(value, Tensor):
        return graph.own(value)
    if isinstance(value, (bool, int, float, str, bytes)) and \
            policies.current().python_return_values == "as-is":
        return value
    try:
        return graph.own(convert_to_tensor(value))
    except (TypeError, ValueError):
        pass
    raise TypeError(
        "To be compatible with ts.function, Python functions must return zero or more Tensors "
        f"or None values; in compilation of {function.python_function!r}, found return value of "
        f"type {type(value).__name__}, which is not a Tensor."
    )
