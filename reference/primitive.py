"""Primitives and ``bind``: every op, in every mode, goes through here.

A primitive is defined once: a name, an abstract evaluation rule (shape and
dtype of the outputs from those of the inputs; raises ``TypeError`` for a dtype
problem and ``ValueError`` for a shape problem), one NumPy kernel, and whether
it is stateful. ``bind`` asks the innermost context what to do:

* eagerly, it checks the rule against the concrete inputs and runs the kernel
  at once; a dtype violation surfaces as ``InvalidArgumentError`` with the
  eager kernel's text, a shape violation as the kernel reports it (under
  ``eager_op_errors="as-traced"``: the rule's ``TypeError``/``ValueError``), and
  every error ends with ``[Op:name]``, as TensorFlow's eager kernels report them;
* while tracing, it checks the rule (errors surface at trace time, as
  ``TypeError``/``ValueError``) and records a node; the same kernel runs later
  when the graph executes (``interpreter.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import context, errors, policies
from .tensor import EagerTensor, SymbolicTensor, Tensor
from .tensor_spec import TensorSpec
from .verbose import note, op_event

if TYPE_CHECKING:
    from .graph import Graph

AbstractEval = Callable[..., TensorSpec | tuple[TensorSpec, ...]]
Kernel = Callable[..., np.ndarray | tuple[np.ndarray, ...]]


@dataclass(frozen=True)
class Primitive:
    """One op, defined once for both modes."""

    name: str
    abstract_eval: AbstractEval
    kernel: Kernel
    stateful: bool = False
    multiple_results: bool = False
    # ERROR-2: the check a graph makes when it builds this kernel, before any node runs
    # (TensorFlow builds every kernel of a graph first): raises the OpError of a kernel
    # that cannot exist for these input dtypes.
    instantiate: Callable[..., None] | None = None
    node_name: str = ""  # TENSOR-3: the TensorFlow op type that names its graph nodes

    def __post_init__(self) -> None:
        if not self.node_name:
            object.__setattr__(self, "node_name", self.name)
        PRIMITIVES.setdefault(self.name, self)

    def is_stateful(self, attrs: dict[str, Any]) -> bool:
        """Stateful nodes always run, in program order, even if nothing uses them."""
        return self.stateful

    def inlined(self, attrs: dict[str, Any]) -> Graph | None:
        """EFFECT-4: the graph a graph runs in place of this node (a function call's), or ``None``."""
        return None

    def __repr__(self) -> str:
        return f"Primitive({self.name})"


PRIMITIVES: dict[str, Primitive] = {}
"""Every primitive by name, in the order the ops modules define them."""


def bind(primitive: Primitive, *inputs: Tensor, name: str | None = None, **attrs: Any):
    """Apply ``primitive`` to tensors in the current context; returns tensor(s).

    ``name`` names the graph node while tracing (the op call's scope, TENSOR-3). An input
    that is a variable is read first, right here (VAR-2). Every gradient tape recording in
    this context then sees the op (GRAD-1).
    """
    inputs = tuple(_read_variable(t) for t in inputs)
    graph = context.current_graph()
    if graph is None:
        outputs = execute_eagerly(primitive, inputs, attrs)
    else:
        outputs = graph.add_node(primitive, inputs, attrs, name)
    if inputs and primitive.name in WEAK_RESULTS and all(t.weak for t in inputs):
        note("TRACE-4", "python_scalar_arguments='weak-tensor': %s of weak tensors is weak", primitive.name)
        for output in outputs:
            output.weak = True
    for tape in context.tapes():
        tape.record(primitive, inputs, outputs, attrs)
    return tuple(outputs) if primitive.multiple_results else outputs[0]


# TRACE-4 under python_scalar_arguments="weak-tensor": the elementwise primitives whose result is
# weakly typed when every input is (JAX's rule); a cast, a reduction or a call gives strong ones.
WEAK_RESULTS = frozenset({
    "add", "subtract", "multiply", "divide", "floordiv", "mod", "pow", "maximum", "minimum",
    "bitwise_and", "bitwise_or", "bitwise_xor", "negative", "abs", "square", "sqrt", "exp", "log",
    "invert", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "logical_not", "where", "identity",
})


def _read_variable(tensor: Tensor) -> Tensor:
    """A variable (``variables.py``) used as an op's input is read where the op is."""
    return tensor if isinstance(tensor, (EagerTensor, SymbolicTensor)) else tensor.read_value()


def execute_eagerly(
    primitive: Primitive, inputs: tuple[Tensor, ...], attrs: dict[str, Any]
) -> list[EagerTensor]:
    """EAGER-6: outside any trace an op runs now: check its rule, then run its kernel."""
    note("EAGER-6", "%s executes eagerly", primitive.name)
    op_event("eager", primitive.name)
    for tensor in inputs:
        if isinstance(tensor, SymbolicTensor):
            note("RETURN-3", "a symbolic tensor is used outside its graph")
            raise out_of_scope_error(tensor)
    values = [t._value for t in inputs]
    try:
        specs = _as_tuple(primitive.abstract_eval(*(t.spec for t in inputs), **attrs))
    except (TypeError, ValueError) as error:
        if policies.current().eager_op_errors == "as-traced":
            # OP-2, OP-4 under eager_op_errors="as-traced": the rule's own error, as while
            # tracing, before the kernel runs.
            dtype = isinstance(error, TypeError)
            note("OP-4" if dtype else "OP-2", "eager_op_errors='as-traced': %s rejects its inputs "
                 "eagerly as while tracing: %s", primitive.name, "TypeError" if dtype else "ValueError")
            raise (TypeError if dtype else ValueError)(f"{error} [Op:{primitive.name}]") from None
        # OP-4: a dtype rule violation reads as the eager kernel's own check; a shape one as
        # the kernel reports it (the kernel checks every shape).
        note("OP-4", "%s rejects its inputs eagerly: InvalidArgumentError", primitive.name)
        message = getattr(error, "eager_message", None)
        kind, text = (errors.InvalidArgumentError, message) if message else _kernel_error(
            primitive, values, attrs, error)
        raise kind(f"{text} [Op:{primitive.name}]") from None
    try:
        arrays = _as_tuple(run_kernel(primitive, values, attrs))
    except errors.OpError as error:
        eager = type(error)(f"{error.message} [Op:{primitive.name}]")
        for graph_detail in ("detections", "failures"):  # a graph's failed nodes (ERROR-2)
            if hasattr(error, graph_detail):
                setattr(eager, graph_detail, getattr(error, graph_detail))
        raise eager from None
    return [EagerTensor(a, s.dtype) for a, s in zip(arrays, specs)]


def run_kernel(primitive: Primitive, values: list[np.ndarray], attrs: dict[str, Any]) -> Any:
    """OP-1: the one kernel of a primitive, for eager execution and for graph execution alike."""
    note("OP-1", "the %s kernel runs", primitive.name)
    try:
        return primitive.kernel(*values, **attrs)
    except errors.OpError:
        note("ERROR-2", "the %s kernel rejects its inputs: a run-time error", primitive.name)
        raise


def _kernel_error(primitive: Primitive, values: list, attrs: dict, error: Exception):
    """The error the kernel itself raises for these inputs (or the rule's, if it raises none)."""
    try:
        primitive.kernel(*values, **attrs)
    except errors.OpError as kernel_error:
        return type(kernel_error), kernel_error.message
    except Exception:  # the kernel does not check this; the rule's message says it
        pass
    return errors.InvalidArgumentError, str(error)


def out_of_scope_error(tensor: SymbolicTensor) -> TypeError:
    return TypeError(
        f"{tensor!r} is out of scope and cannot be used here. Use return values, explicit "
        "Python locals or TensorFlow collections to access it. A symbolic tensor only exists "
        "inside the trace that created it."
    )


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)
