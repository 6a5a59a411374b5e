"""Implementation-defined behaviour: the points where real systems legitimately differ.

The spec names each point and its allowed options (the first option is
TensorFlow's). A backend declares its choices; it conforms when it matches the
reference run *under those choices*. The reference implements an option when
it is listed in ``IMPLEMENTED``; declaring another option is an error that
says which options exist and which are implemented so far.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

OPTIONS: dict[str, tuple[str, ...]] = {
    "python_scalar_arguments": ("literal", "weak-tensor", "specialize-then-dynamic"),
    "symbolic_bool": ("autograph", "error", "graph-break"),
    "python_side_effects": ("trace-time", "replayed"),
    "host_values_in_trace": ("error", "graph-break"),
    "free_python_values": ("frozen", "guarded"),
    "python_return_values": ("converted", "as-is"),
    "variables": ("singleton", "unsupported"),
    "eager_switch_scope": ("process-global", "thread-local"),
    "runtime_checks": ("raise", "jax-values"),
    "relaxed_shapes": ("serve-later-calls", "exact"),
    "string_values": ("supported", "unsupported"),
    "effect_order": ("program", "per-kind", "none"),
    "non_tensor_arguments": ("literal", "error"),
    "argument_binding": ("canonical", "as-passed"),
    "eager_op_errors": ("kernel", "as-traced"),
    "symbolic_iteration": ("error", "unrolled"),
    "python_value_dtypes": ("tf", "jax-x32", "jax-x64"),
    "type_promotion": ("none", "jax-strict", "jax-standard"),
}

IMPLEMENTED: dict[str, tuple[str, ...]] = {
    # "literal": a Python bool, int or float argument is keyed by == and the body sees it (TRACE-4).
    # "weak-tensor" (JAX): traced, it is a 0-d tensor of its default dtype keyed by that dtype (weakly
    # typed unless a bool: an op gives it its other operands' dtype); an int must fit the default int.
    "python_scalar_arguments": ("literal", "weak-tensor"),
    # "autograph": reference/autograph converts `if`/`while`/`for` on tensors into ts.cond and
    # ts.while_loop (chapter 8). "error": nothing is converted, so control flow on a symbolic
    # tensor raises OperatorNotAllowedInGraphError, as TensorFlow does with autograph=False.
    "symbolic_bool": ("autograph", "error"),
    "python_side_effects": ("trace-time",),
    "host_values_in_trace": ("error",),
    "free_python_values": ("frozen",),
    "python_return_values": ("converted", "as-is"),
    # "singleton": ts.Variable, chapters 10-11 (VAR-1..13). "unsupported": the backend has no
    # variables; scenarios that use them are skipped with that reason.
    "variables": ("singleton", "unsupported"),
    "eager_switch_scope": ("process-global",),
    # "raise": kernels reject bad indices, integer division by zero and negative integer powers
    # with InvalidArgumentError (ERROR-2, OP-3, OP-5). "jax-values": they never raise at run time
    # and give the values XLA's CPU kernels give (JAX).
    "runtime_checks": ("raise", "jax-values"),
    # "serve-later-calls": a concrete function serves every later call that fits its type, and a
    # trace made under the eager switch serves calls after it (TRACE-2, EAGER-5). "exact" (JAX): a
    # trace serves only its own exact type, made under the same eager switch; no retracing warning.
    "relaxed_shapes": ("serve-later-calls", "exact"),
    # "supported": strings are tensors of dtype string (TENSOR-1, RETURN-1). "unsupported" (JAX):
    # no string converts to a tensor, and a traced function cannot return one.
    "string_values": ("supported", "unsupported"),
    # EFFECT-4. "program": every runtime effect runs in program order (TensorFlow's automatic
    # control dependencies). "per-kind": effects of one kind (print, py_function, ...) keep program
    # order among themselves, kinds interleave freely (JAX's ordered effects of different kinds).
    # "none": no order at all (JAX's unordered callbacks). The reference predicts program order
    # under every option; the option widens which orders the comparison accepts.
    "effect_order": ("program", "per-kind", "none"),
    # "literal": a str, bytes or other object argument is keyed by value or identity (TRACE-4,
    # TRACE-6). "error" (JAX): arguments are pytrees of arrays; any other leaf is a TypeError at the
    # call, dicts are taken (and returned) in sorted key order.
    "non_tensor_arguments": ("literal", "error"),
    # "canonical": arguments are bound to the signature, defaults applied, before keying (TRACE-7).
    # "as-passed" (JAX): how each argument was passed is part of the key; an omitted default is
    # not keyed, and the body sees the default itself.
    "argument_binding": ("canonical", "as-passed"),
    # "kernel": eagerly an op's shape or dtype violation is the kernel's InvalidArgumentError,
    # while tracing the rule's ValueError or TypeError (OP-2, OP-4). "as-traced" (JAX): the rule's
    # ValueError or TypeError in both modes, before the op runs.
    "eager_op_errors": ("kernel", "as-traced"),
    # "error": len() of a symbolic tensor is a TypeError and iterating over one an
    # OperatorNotAllowedInGraphError (TENSOR-4, ERROR-3). "unrolled" (JAX): a symbolic tensor has
    # its static length, and iterating over it gives its rows while tracing.
    "symbolic_iteration": ("error", "unrolled"),
    # "tf": a Python int is int32 (int64 if it needs it), a float float32; ops keep TensorFlow's
    # result dtypes (TENSOR-1, OP-3, OP-6). "jax-x64": int64 and float64, and JAX's result
    # dtypes (int32 / int32 is float32, the sum of int32 or bool is int64). "jax-x32" (JAX's
    # default): int32 and float32, no 64-bit dtype at all (int64 is int32, float64 float32), the
    # sum of bool is int32.
    "python_value_dtypes": ("tf", "jax-x32", "jax-x64"),
    # "none": an op's operands must have one dtype; a Python operand converts to it where it can
    # (TENSOR-2). "jax-strict": the same in both modes (TypeError), with JAX's rule for Python
    # operands (an int adopts any number dtype, a float a float dtype, a bool only bool).
    "type_promotion": ("none", "jax-strict"),
}


@dataclass(frozen=True)
class Policies:
    """One backend's choices; the defaults are TensorFlow's."""

    python_scalar_arguments: str = "literal"
    symbolic_bool: str = "autograph"
    python_side_effects: str = "trace-time"
    host_values_in_trace: str = "error"
    free_python_values: str = "frozen"
    python_return_values: str = "converted"
    variables: str = "singleton"
    eager_switch_scope: str = "process-global"
    runtime_checks: str = "raise"
    relaxed_shapes: str = "serve-later-calls"
    string_values: str = "supported"
    effect_order: str = "program"
    non_tensor_arguments: str = "literal"
    argument_binding: str = "canonical"
    eager_op_errors: str = "kernel"
    symbolic_iteration: str = "error"
    python_value_dtypes: str = "tf"
    type_promotion: str = "none"

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value not in OPTIONS[field.name]:
                raise ValueError(
                    f"Unknown option {value!r} for policy {field.name}; the options are: "
                    f"{', '.join(OPTIONS[field.name])}."
                )
            if value not in IMPLEMENTED[field.name]:
                raise NotImplementedError(
                    f"The reference does not implement {field.name}={value!r} yet; it "
                    f"implements: {', '.join(IMPLEMENTED[field.name])}."
                )

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


TENSORFLOW = Policies()
_current = TENSORFLOW


def current() -> Policies:
    """The policies the reference is running under (TensorFlow's unless told)."""
    return _current


@contextlib.contextmanager
def using(policies: Policies) -> Iterator[Policies]:
    """Run the reference under ``policies`` for the duration of the block."""
    global _current
    previous, _current = _current, policies
    try:
        yield policies
    finally:
        _current = previous
