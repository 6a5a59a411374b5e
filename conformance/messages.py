"""Error messages: the stable core of each spec-defined message, and how two messages compare.

Messages drift between versions and backends (``'Tensor' object`` became
``'SymbolicTensor' object`` in TF 2.13), so the spec compares an error by its
category plus the stable part of its text, as the semantics catalogue does.
``MESSAGES`` names the stable core of every message the spec defines, as a
regular expression. Two messages agree when

1. for every entry whose pattern the expected message matches, the actual
   message matches it too (a backend may declare its own pattern for an entry,
   by id, in ``Adapter.message_patterns``); and
2. if no entry matched, or only entries that wrap another message (``wraps``:
   graph execution errors, bindings), the expected message's last line, the
   innermost message, occurs in the actual one.

Backends spell their namespace in messages (``tf.function``): both sides are
compared after ``Adapter.spelled_as_spec``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    id: str
    category: str
    pattern: str
    wraps: bool = False  # the message wraps another one (its last line must match too)


MESSAGES: tuple[Message, ...] = (
    Message("symbolic-numpy", "AttributeError", r"'SymbolicTensor' object has no attribute 'numpy'"),
    Message("symbolic-bool", "OperatorNotAllowedInGraphError",
            r"Using a symbolic `\w+\.Tensor` as a Python `bool` is not allowed"),
    Message("symbolic-iteration", "OperatorNotAllowedInGraphError",
            r"Iterating over a symbolic `\w+\.Tensor` is not allowed"),
    Message("binding", "TypeError", r"Binding inputs to \w+\.function failed due to", wraps=True),
    Message("signature-cast", "TypeError", r"Can not cast TensorSpec\(shape=\S+, dtype=\w+\.\w+, "
            r"name=\w+\) to TensorSpec\(shape=\S+, dtype=\w+\.\w+, name=\w+\)"),
    Message("literal-cast", "TypeError", r"Can not cast .* to Literal\["),
    Message("modified-arguments", "ValueError",
            r"should not modify its Python input arguments\. Modifying a copy is allowed\."),
    Message("return-type", "TypeError", r"To be compatible with \w+\.function, Python functions "
            r"must return zero or more Tensors"),
    Message("out-of-scope", "TypeError", r"is out of scope and cannot be used here"),
    Message("graph-execution", "InvalidArgumentError", r"Graph execution error", wraps=True),
    Message("unhashable", "TypeError", r"Could not generate a generic TraceType for"),
    # chapters 10 and 11: variables and gradients
    Message("singleton-variables", "ValueError",
            r"only supports singleton \w+\.Variables created on the first call"),
    Message("late-variables", "ValueError",
            r"Creating variables on a non-first call to a function decorated with \w+\.function"),
    Message("variable-numpy", "NotImplementedError", r"numpy\(\) is only available when eager execution"),
    Message("assign-shape", "ValueError", r"Cannot assign value to variable '.*': Shape mismatch"),
    Message("update-rank", "ValueError", r"Shapes must be equal rank, but are \d+ and \d+"),
    Message("update-dimension", "ValueError",
            r"Dimension \d+ in both shapes must be equal, but are \d+ and \d+"),
    Message("update-shape", "InvalidArgumentError", r"Cannot update variable with shape \[[\d,]*\] using a "
            r"Tensor with shape \[[\d,]*\], shapes must be equal"),
    Message("assign-run-time-shape", "InvalidArgumentError",
            r"Trying to assign to variable with tensor with wrong shape"),
    Message("broken-first-trace", "TypeError", r"replace\(\) should be called on dataclass instances"),
    Message("unliftable", "UnliftableError",
            r"Unable to lift tensor .* because it depends transitively on placeholder"),
    Message("non-persistent-tape", "RuntimeError",
            r"A non-persistent GradientTape can only be used to compute one set of gradients"),
)

_OP_SUFFIX = re.compile(r"\s*\[Op:\w+\].*$")


def core(message: str) -> str:
    """The innermost message: the last non-empty line, without an ``[Op:...]`` suffix."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return _OP_SUFFIX.sub("", lines[-1]) if lines else ""


def same_message(expected: str, actual: str, patterns: Mapping[str, str] = {}) -> bool:
    """Whether ``actual`` keeps the stable core of ``expected`` (see the module docstring)."""
    matched = [m for m in MESSAGES if re.search(m.pattern, expected)]
    for entry in matched:
        if not re.search(patterns.get(entry.id, entry.pattern), actual):
            return False
    if matched and not all(m.wraps for m in matched):
        return True
    return core(expected) in actual
