"""Observations: what running a scenario on a backend showed, and how two are compared.

Per step: the outcome (an output tree, or an error category), the events
that happened during the step in order (Python side effects, ``print`` lines,
``py_function`` executions), and the tracing count of every function.

Comparison is exact for structure, dtypes, shapes, integers, booleans, event
kinds and labels, tracing counts and error categories. Floating-point values
compare within ``TOLERANCE`` (see docs/conformance.md for why): real backends
rewrite graphs (Grappler, XLA, oneDNN), so traced floats may differ from eager
ones in the last bits. The reference matches itself bit for bit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# dtype -> (relative, absolute) tolerance for floating-point values.
TOLERANCE = {"float32": (1e-5, 1e-6), "float64": (1e-12, 1e-12)}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+|inf|nan)")


@dataclass(frozen=True)
class TensorLeaf:
    dtype: str
    shape: tuple[int, ...]
    value: np.ndarray = field(compare=False)

    def __str__(self) -> str:
        return f"{self.dtype}{list(self.shape)} {np.array2string(self.value, threshold=8)}"


@dataclass(frozen=True)
class PythonLeaf:
    type_name: str
    value: Any

    def __str__(self) -> str:
        return f"Python {self.type_name} {self.value!r}"


@dataclass(frozen=True)
class ErrorOutcome:
    category: str
    message: str = field(compare=False)

    def __str__(self) -> str:
        return f"raises {self.category}: {self.message.splitlines()[0] if self.message else ''}"


@dataclass(frozen=True)
class Event:
    kind: str  # "python", "print" or "py_function"
    label: str
    values: tuple[float, ...] = ()

    def __str__(self) -> str:
        values = " ".join(f"{v:g}" for v in self.values)
        return f"{self.kind} {self.label}" + (f" [{values}]" if values else "")


@dataclass
class StepRecord:
    step: str
    outcome: Any = None  # output tree, ErrorOutcome, or None for steps without a result
    events: list[Event] = field(default_factory=list)
    tracing_counts: dict[str, int] = field(default_factory=dict)


def print_event(line: str) -> Event:
    """A printed line ``label values...`` as an event whose values are its numbers."""
    label, _, rest = line.partition(" ")
    return Event("print", label, tuple(float(x) for x in _NUMBER.findall(rest)))


@dataclass(frozen=True)
class Difference:
    step: int
    aspect: str  # "outcome", "events" or "tracing count"
    expected: str
    actual: str

    def __str__(self) -> str:
        return (
            f"step {self.step} ({self.aspect}):\n    expected: {self.expected}\n"
            f"    actual:   {self.actual}"
        )


def compare(expected: list[StepRecord], actual: list[StepRecord]) -> list[Difference]:
    """Every way ``actual`` departs from ``expected``, step by step."""
    differences = []
    for number, (want, got) in enumerate(zip(expected, actual, strict=True), start=1):
        if not same_outcome(want.outcome, got.outcome):
            differences.append(
                Difference(number, "outcome", show(want.outcome), show(got.outcome))
            )
        if not same_events(want.events, got.events):
            differences.append(Difference(
                number, "events", _events_text(want.events), _events_text(got.events)
            ))
        if want.tracing_counts != got.tracing_counts:
            differences.append(Difference(
                number, "tracing count", str(want.tracing_counts), str(got.tracing_counts)
            ))
    return differences


def same_outcome(a: Any, b: Any) -> bool:
    if isinstance(a, TensorLeaf) and isinstance(b, TensorLeaf):
        return a == b and _close(a.value, b.value, a.dtype)
    if isinstance(a, PythonLeaf) and isinstance(b, PythonLeaf):
        if a.type_name != b.type_name:
            return False
        if isinstance(a.value, float):
            return _close(np.float64(a.value), np.float64(b.value), "float64")
        return a.value == b.value
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_outcome(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same_outcome(x, y) for x, y in zip(a, b))
        )
    return a == b


def same_events(a: list[Event], b: list[Event]) -> bool:
    if [(e.kind, e.label, len(e.values)) for e in a] != [(e.kind, e.label, len(e.values)) for e in b]:
        return False
    return all(_close_numbers(x.values, y.values) for x, y in zip(a, b))


def _close_numbers(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Integers (as printed or passed) compare exactly, other numbers as float32 values."""
    for x, y in zip(a, b):
        if _integral(x) and _integral(y):
            if x != y:
                return False
        elif not _close(np.float64(x), np.float64(y), "float32"):
            return False
    return True


def _integral(value: float) -> bool:
    return float(value).is_integer() and abs(value) < 2**53


def _close(a: np.ndarray, b: np.ndarray, dtype: str) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if dtype not in TOLERANCE:
        return bool(np.array_equal(a, b))
    rtol, atol = TOLERANCE[dtype]
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def show(outcome: Any) -> str:
    if isinstance(outcome, dict):
        return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in outcome.items()) + "}"
    if isinstance(outcome, list):
        return "[" + ", ".join(show(v) for v in outcome) + "]"
    if isinstance(outcome, tuple):
        return "(" + ", ".join(show(v) for v in outcome) + ("," if len(outcome) == 1 else "") + ")"
    return str(outcome)


def _events_text(events: list[Event]) -> str:
    return "; ".join(str(e) for e in events) or "(none)"
