"""JAX (``jax[cpu]``) as a backend: ``ts.function`` on ``jax.jit``, the eager switch on ``jax_disable_jit``.

Configuration, fixed inside ``session()``: 64-bit types on (``jax_enable_x64``) and strict
dtype promotion (``jax_numpy_dtype_promotion="strict"``), so the suite's float64/int64 tensors
exist and no operator promotes silently (TENSOR-2).

The mapping (each choice rests on a probe of JAX 0.10.2, issue 11):

* ``function`` is ``jax.jit`` of a wrapper that counts *successful traces*: the body returned
  outputs JAX accepts while JAX was tracing it (not under ``jax_disable_jit``, and not a failed
  trace). ``get_concrete_function`` is ``jitted.trace`` on abstract values
  (``jax.ShapeDtypeStruct``; a ``None`` dimension is a ``jax.export`` symbolic dimension). JAX has
  no ``input_signature`` and nothing like ``reduce_retracing``: both capabilities are absent.
  jit takes its arguments as pytrees of arrays and keys them as passed (``non_tensor_arguments=
  "error"``, ``argument_binding="as-passed"``); a method passes its instance, which jit refuses.
  A Python number argument is a weakly typed array keyed by its dtype (``python_scalar_arguments=
  "weak-tensor"``), so ``constant`` refuses a traced array, as ``tf.constant`` refuses a tensor.
* the eager switch is ``jax.config.update("jax_disable_jit", flag)`` (process-global).
* ``print`` and ``py_function`` are ``io_callback(..., ordered=True)``: one ordered token chain,
  so both keep one program order and are never pruned (``pure_callback`` would be pruned,
  ``jax.debug`` callbacks are on another chain). ``print`` formats as ``tf.print`` does.
* the ops are ``jax.numpy`` functions (``NAMES``), which the reproducers spell as written;
  ``where`` alone is ``jnp.argwhere`` (the coordinates) and ``reduce_mean`` checks its axes first.
  ``constant`` (and ``convert_to_tensor``, ``fill``, ``range``) makes a strongly typed array of
  JAX's own dtype for a Python value (int64, float64: ``python_value_dtypes="jax-x64"``,
  TENSOR-1); operands promote as JAX's strict promotion says (``type_promotion="jax-strict"``,
  TENSOR-2). ``zeros`` and ``ones`` are float32 unless told, as the vocabulary's.
* an op checks its shapes and dtypes when it is called, eagerly and under jit alike, pruned or
  not (``eager_op_errors="as-traced"``); JAX words these errors its own way, so the adapter
  declares its stable core of each spec message by the message's id (``message_patterns``).
* a tracer has its static length: ``len(x)`` and iteration over the first dimension work while
  tracing (``symbolic_iteration="unrolled"``).
* JAX arrays have no ``.numpy()``: the adapter supplies it (``tensor_api``) as
  ``np.asarray``, which on a tracer raises ``TracerArrayConversionError``: the spec's
  ``AttributeError`` (a host value requested inside a trace, TENSOR-4).
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import inspect
import pprint
import re
import textwrap
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np
from jax import export as jax_export
from jax._src import core as jax_core
from jax.experimental import io_callback

import tracespec.reference as reference
from tracespec.reference.ops.effects import format_value
from tracespec.reference.policies import Policies

from .base import CAPABILITIES, Adapter, LinePrinter, Spelling

EXPECTED_FAILURES = str(Path(__file__).resolve().parent / "expected_failures" / "jax.txt")


def _tracing() -> bool:
    """Whether JAX is tracing (jit, ``.trace``); False at top level and under ``jax_disable_jit``."""
    return not jax_core.trace_state_clean()


# -- values ------------------------------------------------------------------------------------

def constant(value: Any, dtype: Any = None, shape: Any = None) -> jax.Array:
    """``tf.constant``: a strongly typed array of JAX's dtype for the value (under x64: int64,
    float64, bool; TENSOR-1 under ``python_value_dtypes="jax-x64"``) unless told. Like
    ``tf.constant`` it takes no traced array (a weak scalar argument, TRACE-4), which
    ``jnp.asarray`` would (TENSOR-1: ``convert_to_tensor`` does)."""
    if isinstance(value, jax.core.Tracer):
        raise TypeError("Expected any non-tensor type, but got a tensor instead.")
    array = jnp.asarray(value, dtype=dtype)
    array = jnp.asarray(array, dtype=array.dtype)  # an explicit dtype makes it strong
    if shape is not None:
        shape = tuple(shape)
        array = jnp.broadcast_to(array, shape) if array.size == 1 else jnp.reshape(array, shape)
    return array


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None) -> jax.Array:
    """``tf.convert_to_tensor``: arrays as they are, other values as ``constant`` makes them."""
    if isinstance(value, jax.Array):
        return value if dtype is None else jnp.asarray(value, dtype=dtype)
    return constant(value, dtype if dtype is not None else dtype_hint)


def zeros(shape: Any, dtype: Any = jnp.float32) -> jax.Array:
    """``tf.zeros`` (float32 unless told)."""
    return jnp.zeros(shape, dtype)


def ones(shape: Any, dtype: Any = jnp.float32) -> jax.Array:
    """``tf.ones`` (float32 unless told)."""
    return jnp.ones(shape, dtype)


def fill(dims: Any, value: Any) -> jax.Array:
    """``tf.fill``: ``value``'s dtype as ``constant`` gives it."""
    return jnp.full(dims, value, dtype=constant(value).dtype)


def arange(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None) -> jax.Array:
    """``tf.range``: the dtype of its arguments as ``constant`` gives it."""
    if dtype is None:
        dtype = constant(start if limit is None else [start, limit, delta]).dtype
    return jnp.arange(start, limit, delta, dtype=dtype)


def where(condition: Any, x: Any = None, y: Any = None) -> jax.Array:
    """``tf.where``: ``jnp.where`` elementwise; alone, the coordinates of the true elements as
    ``jnp.argwhere`` gives them (``jnp.where(c)`` is NumPy's tuple of index arrays)."""
    if x is None and y is None:
        return jnp.argwhere(condition)
    return jnp.where(condition, x, y)


def reduce_mean(x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
    """``tf.reduce_mean``: ``jnp.mean``, its axes checked first as ``jnp.sum`` checks them (OP-6;
    ``jnp.mean`` of an axis out of range fails on its own ``IndexError: tuple index out of range``)."""
    ndim = jnp.ndim(x)
    for a in (() if axis is None else np.atleast_1d(axis).tolist()):
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of bounds for array of dimension {ndim}")
    return jnp.mean(x, axis=axis, keepdims=keepdims)


def cast(x: Any, dtype: Any) -> jax.Array:
    """``tf.cast``."""
    return jnp.asarray(x).astype(dtype)


def gather(params: Any, indices: Any, axis: int = 0) -> jax.Array:
    """``tf.gather``: ``jnp.take`` (its default mode fills invalid indices)."""
    return jnp.take(params, jnp.asarray(indices), axis=axis)


def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any], name: Any = None) -> Any:
    """``tf.cond``: ``jax.lax.cond``; under jit both branches are traced and their results
    converted as ``convert_to_tensor`` converts them (as ``tf.cond`` does), under
    ``jax_disable_jit`` only the branch taken runs, as in Python."""
    if not _tracing():
        return jax.lax.cond(pred, true_fn, false_fn)
    return jax.lax.cond(pred, *(lambda fn=fn: jax.tree_util.tree_map(convert_to_tensor, fn())
                                for fn in (true_fn, false_fn)))


def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Any,
               maximum_iterations: Any = None, name: Any = None) -> Any:
    """``tf.while_loop``: ``jax.lax.while_loop`` over the loop variables, converted as
    ``convert_to_tensor`` converts them (plus a counter when ``maximum_iterations`` bounds the
    loop); under ``jax_disable_jit`` a Python loop. The result has ``loop_vars``' type."""
    values = tuple(jax.tree_util.tree_map(convert_to_tensor, tuple(loop_vars)))
    if maximum_iterations is None:
        values = jax.lax.while_loop(lambda v: cond(*v), lambda v: tuple(body(*v)), values)
    else:
        _, values = jax.lax.while_loop(
            lambda c: jnp.logical_and(c[0] < maximum_iterations, cond(*c[1])),
            lambda c: (c[0] + 1, tuple(body(*c[1]))), (jnp.asarray(0), values))
    return type(loop_vars)(values)


_SYMBOLIC = jax_export.symbolic_shape(", ".join(f"d{i}" for i in range(8)))


class TensorSpec:
    """``tf.TensorSpec`` as a JAX abstract value; a ``None`` dimension is symbolic."""

    def __init__(self, shape: Any, dtype: Any = jnp.float32, name: str | None = None):
        if shape is None:
            raise TypeError("JAX cannot trace for an unknown rank: give TensorSpec a shape")
        self.shape = tuple(shape)
        self.dtype = jnp.dtype(dtype)
        self.name = name

    def abstract(self, symbols: Iterator[Any]) -> jax.ShapeDtypeStruct:
        """The ``jax.ShapeDtypeStruct``; the k-th ``None`` of one trace is always ``d<k>``."""
        return jax.ShapeDtypeStruct(tuple(next(symbols) if d is None else d for d in self.shape),
                                    self.dtype)

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype.name}, name={self.name!r})"


# -- functions ---------------------------------------------------------------------------------

class Function:
    """``ts.function`` on ``jax.jit``, counting the traces that succeed."""

    def __init__(self, python_function: Callable[..., Any], autograph: bool = True,
                 reduce_retracing: bool = False, input_signature: Any = None):
        if reduce_retracing or input_signature is not None:
            raise NotImplementedError("jax.jit has no input_signature or reduce_retracing: "
                                      "JAX traces every new argument shape")
        self.python_function = python_function
        self._count = 0
        self._explicit = False  # the next body run is get_concrete_function's trace
        functools.update_wrapper(self, python_function)

        def body(*args: Any, **kwargs: Any) -> Any:
            # Under jax_disable_jit a jitted call inside a trace is inlined: not a trace of it.
            explicit, self._explicit = self._explicit, False
            outputs = python_function(*args, **kwargs)
            if _tracing() and (explicit or not jax.config.jax_disable_jit) and _valid(outputs):
                self._count += 1
            return outputs

        self._jitted = jax.jit(functools.wraps(python_function)(body))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._jitted(*args, **kwargs)
        finally:
            if not _tracing():
                jax.effects_barrier()  # deliver this call's callbacks before the next event

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        symbols = iter(_SYMBOLIC)

        def abstract(value: Any) -> Any:
            return value.abstract(symbols) if isinstance(value, TensorSpec) else value

        self._explicit = True
        try:
            traced = self._jitted.trace(*map(abstract, args),
                                        **{k: abstract(v) for k, v in kwargs.items()})
        finally:
            self._explicit = False
        return ConcreteFunction(traced)

    def experimental_get_tracing_count(self) -> int:
        return self._count

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        """A method passes its instance to jit, which refuses it (TRACE-6, TRACE-8); the bound
        method counts the function's traces."""
        if instance is None:
            return self
        bound = functools.partial(self, instance)
        bound.experimental_get_tracing_count = self.experimental_get_tracing_count  # type: ignore[attr-defined]
        return bound


class ConcreteFunction:
    """``jitted.trace(...)``: calling it evaluates the traced program (``jax.stages.Traced``)."""

    def __init__(self, traced: Any):
        self.traced = traced

    def __call__(self, *args: Any) -> Any:
        try:
            return self.traced(*args)
        finally:
            jax.effects_barrier()


def function(func: Callable[..., Any] | None = None, **options: Any) -> Any:
    """``ts.function``, as a decorator with or without options."""
    if func is None:
        return lambda f: Function(f, **options)
    return Function(func, **options)


def _valid(outputs: Any) -> bool:
    """Whether jit accepts ``outputs`` (strings and objects make the trace fail after the body)."""
    leaves = (jax.Array, np.ndarray, np.generic, bool, int, float, complex)
    for leaf in jax.tree_util.tree_leaves(outputs):
        if not isinstance(leaf, leaves):
            return False
        if type(leaf) is int and not -(2**63) <= leaf < 2**63:
            return False
    return True


# -- the namespace -----------------------------------------------------------------------------

# Vocabulary name -> the JAX expression it is (the reproducers print these spellings; the
# namespace holds the dtypes as ``jnp.dtype`` objects, which JAX takes wherever ``jnp.float32`` goes).
NAMES: dict[str, str] = {
    **{name: f"jnp.{name}" for name in (
        "abs", "add", "subtract", "multiply", "maximum", "minimum", "negative", "square", "sqrt",
        "exp", "log", "matmul", "equal", "not_equal", "greater", "greater_equal", "less",
        "less_equal", "logical_and", "logical_or", "logical_not", "reshape", "stack")},
    "divide": "jnp.true_divide", "floordiv": "jnp.floor_divide", "mod": "jnp.remainder",
    "pow": "jnp.power", "concat": "jnp.concatenate",
    "reduce_sum": "jnp.sum", "reduce_max": "jnp.max",
    "reduce_min": "jnp.min", "identity": "jnp.asarray",
    **{name: name for name in ("constant", "convert_to_tensor", "zeros", "ones", "fill", "cast",
                               "gather", "where", "reduce_mean", "TensorSpec")},
    "range": "arange",
    "cond": "cond", "while_loop": "while_loop",
    "function": "function", "print": "host_print", "py_function": "py_function",
    **{name: f"jnp.{name}" for name in ("float32", "float64", "int32", "int64", "bool")},
    "DType": "np.dtype", "as_dtype": "jnp.dtype", "Tensor": "jax.Array",
    "EagerTensor": "jax.Array", "SymbolicTensor": "jax.core.Tracer",
    "is_tensor": "is_tensor", "executing_eagerly": "executing_eagerly",
}
_DTYPES = ("float32", "float64", "int32", "int64", "bool")


def is_tensor(value: Any) -> bool:
    """``tf.is_tensor``: a JAX array, concrete or traced."""
    return isinstance(value, jax.Array)


def executing_eagerly() -> bool:
    """``tf.executing_eagerly``: not inside a trace."""
    return not _tracing()


def _numpy(value: Any) -> Any:
    """``Tensor.numpy()``: the host value, a NumPy scalar for a 0-d array as TensorFlow's (on a
    tracer: ``TracerArrayConversionError``)."""
    array = np.asarray(value)
    return array[()] if array.ndim == 0 else array


def _spec_repr(value: Any) -> str:
    """TENSOR-3's form of an array (JAX's own is ``Array(1., dtype=float32)``), for the docs."""
    if isinstance(value, jax.core.Tracer):  # JAX names no graph nodes
        return f"<ts.Tensor shape={tuple(value.shape)} dtype={value.dtype.name}>"
    return repr(reference.constant(np.asarray(value)))


class _Ref:
    """``Tensor.ref()``: a hashable handle on an array that compares by identity."""

    def __init__(self, tensor: Any):
        self._tensor = tensor

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ref) and other._tensor is self._tensor

    def __hash__(self) -> int:
        return id(self._tensor)

    def deref(self) -> Any:
        return self._tensor


def _spec_str(value: Any) -> str:
    """TENSOR-3's ``str`` of an array (JAX's own is NumPy's), for the docs."""
    if isinstance(value, jax.core.Tracer):
        return f"Tensor(shape={tuple(value.shape)}, dtype={value.dtype.name})"
    return str(reference.constant(np.asarray(value)))


# -- reproducers: the same mapping, as a script that needs only JAX -------------------------------

def _source(function: Callable[..., Any]) -> str:
    """A function's source without annotations (the script imports no ``typing``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, ast.FunctionDef):
            node.returns = None
    return ast.unparse(tree)


_REPRODUCER_FUNCTION = '''\
def function(python_function=None, **options):
    """ts.function: jax.jit, counting the traces that succeed (the options are ignored)."""
    if python_function is None:
        return lambda f: function(f, **options)

    @functools.wraps(python_function)
    def body(*args, **kwargs):
        outputs = python_function(*args, **kwargs)
        if not executing_eagerly() and not jax.config.jax_disable_jit:
            traces[python_function.__name__] += 1
        return outputs

    return jax.jit(body)'''

_REPRODUCER_EXECUTING_EAGERLY = '''\
def executing_eagerly():
    """ts.executing_eagerly: not inside a trace."""
    return not isinstance(jnp.zeros(()) + 0, jax.core.Tracer)'''

_REPRODUCER_TENSOR_SPEC = '''\
SYMBOLS = jax.export.symbolic_shape("d0, d1, d2, d3")


def TensorSpec(shape, dtype=jnp.float32):
    """ts.TensorSpec: an abstract value; each None is a symbolic dimension."""
    symbols = iter(SYMBOLS)
    return jax.ShapeDtypeStruct(tuple(next(symbols) if d is None else d for d in shape), dtype)'''

_REPRODUCER_PRINT = '''\
def host_print(*values):
    """ts.print: prints on every execution, in program order (an ordered io_callback)."""
    arrays = [v for v in values if isinstance(v, jax.Array)]

    def write(*host):
        host = iter(host)
        print(*(np.asarray(next(host)) if isinstance(v, jax.Array) else v for v in values))

    io_callback(write, None, *arrays, ordered=True)'''

_REPRODUCER_PY_FUNCTION = '''\
def py_function(func, inp, Tout):
    """ts.py_function: calls func on every execution (an ordered io_callback); the result has
    the shape of the first input."""
    result = jax.ShapeDtypeStruct(jnp.shape(inp[0]), Tout)
    return io_callback(lambda *v: np.asarray(func(*v), Tout), result, *inp, ordered=True)'''

SPELLING = Spelling(
    prelude="""\
import collections
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import io_callback

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_numpy_dtype_promotion", "strict")""",
    names={**NAMES, "errors.InvalidArgumentError": "jax.errors.JaxRuntimeError",
           "errors.OperatorNotAllowedInGraphError": "jax.errors.TracerBoolConversionError"},
    set_eager='jax.config.update("jax_disable_jit", {flag})',
    tracing_count="traces[{function!r}]",
    definitions={
        "traces": "traces = collections.Counter()  # successful traces by function: the tracing count",
        "function": _REPRODUCER_FUNCTION, "executing_eagerly": _REPRODUCER_EXECUTING_EAGERLY,
        "TensorSpec": _REPRODUCER_TENSOR_SPEC, "host_print": _REPRODUCER_PRINT,
        "py_function": _REPRODUCER_PY_FUNCTION,
        **{f.__name__: _source(f) for f in (constant, convert_to_tensor, zeros, ones, fill, arange,
                                            where, reduce_mean, cast, gather, cond, while_loop, is_tensor)},
    },
    methods={"numpy": "np.asarray({self})", "get_concrete_function": "{self}.trace({args})"},
    notes=("The definitions below are how tracespec's JAX adapter maps the vocabulary (here",
           "ts.print prints with numpy's formatting; the spec formats as tf.print). JAX's",
           "TracerArrayConversionError is the spec's AttributeError (a host value inside a",
           "trace), TracerBoolConversionError its OperatorNotAllowedInGraphError."),
)

_NO_PROMOTION = r"Input dtypes \([^)]*\) have no available implicit dtype promotion path"


class JaxAdapter(Adapter):
    """JAX with ``jax.jit`` and ``jax_disable_jit``; see the module docstring."""

    name = "jax"
    policies = Policies(symbolic_bool="error", variables="unsupported", runtime_checks="jax-values",
                        relaxed_shapes="exact", string_values="unsupported",
                        non_tensor_arguments="error", argument_binding="as-passed",
                        eager_op_errors="as-traced", symbolic_iteration="unrolled",
                        python_scalar_arguments="weak-tensor", python_value_dtypes="jax-x64",
                        type_promotion="jax-strict")
    capabilities = CAPABILITIES - {"input_signature", "reduce_retracing", "shape_invariants", "tensor_array",
                                   "autograph", "data", "variables", "gradients", "strings"}
    tensor_api: ClassVar[Mapping[str, Callable[..., Any]]] = {
        "numpy": _numpy, "ref": _Ref, "__repr__": _spec_repr, "__str__": _spec_str}
    spelling = SPELLING
    expected_failures = EXPECTED_FAILURES
    message_patterns: ClassVar[Mapping[str, str]] = {
        "symbolic-numpy": r"__array__\(\) was called on traced array",
        "symbolic-bool": r"Attempted boolean conversion of traced array",
        "return-type": r"which is not a valid JAX type",
        "out-of-scope": r"Encountered an unexpected tracer",
        "broadcast": r"got incompatible shapes for broadcasting|Incompatible shapes for broadcasting: "
                     r"shapes=|dot_general requires contracting dimensions to have the same shape",
        "rank": r"Cannot concatenate arrays with different numbers of dimensions|axis -?\d+ is out of "
                r"bounds for array of dimension \d+|must have ndim at least",
        "reshape": r"cannot reshape array of shape",
        "merge-shapes": r"Cannot concatenate arrays with shapes that differ in dimensions other than the one "
                        r"being concatenated|All input arrays must have the same shape",
        "concat-scalars": r"Zero-dimensional arrays cannot be concatenated",
        "axis": r"axis -?\d+ is out of bounds for array of dimension \d+",
        "too-many-indices": r"Too many indices: array is \d+-dimensional, but \d+ were indexed",
        "dtype-mismatch": _NO_PROMOTION, "list-dtype-mismatch": _NO_PROMOTION,
        "dtype-not-allowed": r"does not accept dtype (?P<dtype>\w+)",
        "scalar-len": r"len\(\) of unsized object", "scalar-iteration": r"iteration over a 0-d array",
        "cond-branches": r"cond branch(?:es must have equal output types| outputs must have the same pytree "
                         r"structure),? but they differ",
        "loop-var-dtype": r"carry input and carry output must have equal types[^$]*so the dtypes do not",
        "loop-var-shape": r"carry input and carry output must have equal types[^$]*so the shapes do not",
    }

    def version(self) -> str:
        return f"{jax.__version__} (x64, strict promotion)"

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Also: 64-bit types and strict promotion for the scenario."""
        with jax.enable_x64(True), jax.numpy_dtype_promotion("strict"), super().session():
            yield

    def namespace(self, on_print: Callable[[str], None]) -> Any:
        stream = LinePrinter(on_print)

        def host_print(*inputs: Any, output_stream: Any = None, sep: str = " ", end: str = "\n") -> None:
            """``tf.print``: Python values formatted now (``pprint``, as ``tf.print``), the values of
            the arrays in them on every execution."""
            target = stream if output_stream is None else output_stream
            arrays: list[jax.Array] = []

            def slot(leaf: Any) -> Any:  # an array's place in the text: `'@@k@@'`
                if not isinstance(leaf, jax.Array):
                    return leaf
                arrays.append(leaf)
                return f"@@{len(arrays) - 1}@@"

            texts = [value if isinstance(value, str) else pprint.pformat(jax.tree_util.tree_map(slot, value))
                     for value in inputs]

            def write(*values: Any) -> None:
                text = sep.join(texts)
                for index, value in enumerate(values):
                    shown = format_value(np.asarray(value))
                    text = re.sub(f"'?@@{index}@@'?", lambda _, shown=shown: shown, text, count=1)
                target.write(text + end)

            io_callback(write, None, *arrays, ordered=True)

        def py_function(func: Callable[..., Any], inp: Any, Tout: Any, name: Any = None) -> Any:
            """``tf.py_function``: ``func`` runs on the host on every execution."""
            single = not isinstance(Tout, (list, tuple))
            dtypes = [Tout] if single else list(Tout)
            inputs = [jnp.asarray(v) for v in (inp if isinstance(inp, (list, tuple)) else [inp])]
            shapes = _result_shapes(func, inputs, len(dtypes))
            specs = tuple(jax.ShapeDtypeStruct(s, jnp.dtype(d)) for s, d in zip(shapes, dtypes))

            def call(*values: Any) -> Any:
                result = func(*values)
                results = result if isinstance(result, (list, tuple)) else [result]
                return tuple(np.asarray(r, dtype=s.dtype) for r, s in zip(results, specs))

            results = io_callback(call, specs, *inputs, ordered=True)
            return results[0] if single else list(results)

        scope = {**globals(), "host_print": host_print, "py_function": py_function}
        vocabulary = {name: eval(spelled, scope) for name, spelled in NAMES.items()}
        vocabulary.update({dtype: jnp.dtype(dtype) for dtype in _DTYPES})
        return types.SimpleNamespace(
            **vocabulary, Function=Function, ConcreteFunction=ConcreteFunction,
            errors=types.SimpleNamespace(
                OpError=jax.errors.JaxRuntimeError, InvalidArgumentError=jax.errors.JaxRuntimeError,
                OperatorNotAllowedInGraphError=jax.errors.TracerBoolConversionError,
                InaccessibleTensorError=jax.errors.UnexpectedTracerError),
            config=types.SimpleNamespace(run_functions_eagerly=self.set_run_eagerly,
                                         functions_run_eagerly=self.run_eagerly),
        )

    def set_run_eagerly(self, flag: bool) -> None:
        if not isinstance(flag, bool):  # JAX accepts anything truthy
            raise TypeError(f"run_functions_eagerly expects a bool, got {flag!r}")
        jax.config.update("jax_disable_jit", flag)

    def run_eagerly(self) -> bool:
        return bool(jax.config.jax_disable_jit)

    def tracing_count(self, function: Any) -> int:
        return function.experimental_get_tracing_count()

    def error_category(self, error: BaseException, phase: str = "executing") -> str:
        """JAX's classes as the spec names them (the table in docs/adapters.md, "JAX")."""
        for cls, category in _CATEGORIES:
            if isinstance(error, cls):
                return category
        text = str(error)
        if isinstance(error, (TypeError, ValueError)) and _SHAPE.search(text):
            return "ValueError"
        if isinstance(error, IndexError) and _JAX_INDEX.search(text):
            return "ValueError"  # (its other IndexErrors are the spec's under runtime_checks="jax-values")
        return super().error_category(error, phase)

    def to_numpy(self, value: Any) -> np.ndarray | None:
        if isinstance(value, jax.Array) and not isinstance(value, jax.core.Tracer):
            return np.asarray(value)
        return None

    def flush_effects(self) -> None:
        jax.effects_barrier()

    def spelled_as_spec(self, text: str) -> str:
        """Dtypes as ``ts.float32``; the classes ``error_category`` maps by their spec names (a
        shape error's ``TypeError`` line as ``ValueError``)."""
        text = re.sub(r"dtype\('(\w+)'\)", r"ts.\1", text)
        for cls, category in _CATEGORIES:
            text = re.sub(rf"\b(?:jax\.errors\.)?{cls.__name__}\b", category, text)
        return re.sub(rf"^TypeError(?=: [^\n]*(?:{_SHAPE.pattern}))", "ValueError", text, flags=re.M)


def _result_shapes(func: Any, inputs: list[Any], count: int) -> list[tuple[int, ...]]:
    """The shapes ``func`` returns: its ``output_spec`` if it has one (the suite's callables do),
    else the first input's."""
    output_spec = getattr(func, "output_spec", None)
    if output_spec is not None:
        return [tuple(shape) for shape, _ in output_spec(*inputs)]
    return [tuple(inputs[0].shape) if inputs else ()] * count


_CATEGORIES = (
    (jax.errors.TracerBoolConversionError, "OperatorNotAllowedInGraphError"),
    (jax.errors.TracerArrayConversionError, "AttributeError"),
    (jax.errors.UnexpectedTracerError, "TypeError"),
    (jax.errors.JaxRuntimeError, "InvalidArgumentError"),
)
_SHAPE = re.compile(r"incompatible shapes for broadcasting|Incompatible shapes for broadcasting|"
                    r"dot_general requires contracting|cannot reshape array|Cannot concatenate arrays|"
                    r"must have the same shape|so the shapes do not match")
_JAX_INDEX = re.compile(r"Too many indices")

class JaxX32Adapter(JaxAdapter):
    """JAX as most people run it: 64-bit types off (no ``jax_enable_x64``), so Python ints and
    floats are int32 and float32 and a 64-bit dtype requested is narrowed
    (``python_value_dtypes="jax-x32"``); otherwise the choices of ``JaxAdapter``."""

    name = "jax-x32"
    policies = dataclasses.replace(JaxAdapter.policies, python_value_dtypes="jax-x32")
    spelling = dataclasses.replace(SPELLING, prelude=SPELLING.prelude.replace(
        'jax.config.update("jax_enable_x64", True)', 'jax.config.update("jax_enable_x64", False)'))

    def version(self) -> str:
        return f"{jax.__version__} (x32, strict promotion)"

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Also: 64-bit types off for the scenario (JAX's UserWarning on each narrowed request
        silenced: it is no observation)."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"Explicitly requested dtype .* is not available", UserWarning)
            with jax.enable_x64(False), jax.numpy_dtype_promotion("strict"), Adapter.session(self):
                yield


adapter = JaxAdapter()
adapter_x32 = JaxX32Adapter()
