"""Observations: what running a scenario on a backend showed, and how two are compared.

Per step: the outcome (an output tree, or an error), the events that happened
during the step in order, and the tracing count of every function. Events are
Python side effects (``python``), lines ``ts.print`` wrote (``print``),
``ts.py_function`` executions (``py_function``) and retracing warnings
(``warning``).

Comparison is exact, with three documented exceptions (docs/conformance.md):

* floating-point *computed values* (outputs, values a ``py_function`` receives)
  compare within ``TOLERANCE``: real backends rewrite graphs (Grappler, XLA,
  oneDNN), so traced floats may differ from eager ones in the last bits;
* a printed line compares as text, except that a float in it may differ from the
  expected one by at most ``PRINT_ULPS`` units in the last place of its dtype;
* an error compares by category and by the stable core of its message
  (``messages.py``).

The reference matches itself bit for bit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .messages import same_message

# dtype -> (relative, absolute) tolerance for floating-point computed values; the relative
# part scales with the largest finite magnitude of the expected array (a norm-wise bound: the
# rounding error of a sum or a gradient grows with its terms, not with its result).
TOLERANCE = {"float32": (1e-5, 1e-6), "float64": (1e-12, 1e-12)}
PRINT_ULPS = 2
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+|inf|nan)(?![\w.])")


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
class Container:
    """A list, tuple, dict or namedtuple of outcomes, with its exact type's name."""

    type_name: str
    items: tuple[tuple[Any, Any], ...]  # (key or index, outcome)

    def __str__(self) -> str:
        inner = ", ".join(f"{k!r}: {show(v)}" if isinstance(k, str) else show(v) for k, v in self.items)
        return f"{self.type_name}({inner})"


@dataclass(frozen=True)
class ErrorOutcome:
    category: str
    message: str = field(compare=False)
    # ERROR-2: the categories of the other nodes that failed independently (which one a backend
    # reports is unspecified): the actual error may be any of them.
    alternatives: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        first = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return f"raises {self.category}: {first}"


@dataclass(frozen=True)
class Event:
    kind: str  # "python", "print", "py_function" or "warning"
    text: str
    values: tuple[float, ...] = ()

    def __str__(self) -> str:
        values = " ".join(f"{v:g}" for v in self.values)
        return f"{self.kind} {self.text}" + (f" [{values}]" if values else "")


@dataclass
class StepRecord:
    step: str
    outcome: Any = None  # output tree, ErrorOutcome, or None for steps without a result
    events: list[Event] = field(default_factory=list)
    tracing_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Difference:
    step: int
    aspect: str  # "steps run", "outcome", "error message", "events" or "tracing count"
    expected: str
    actual: str
    channel: str = ""  # the observation channel that differs (coverage.CHANNELS), if one does

    def __str__(self) -> str:
        return (
            f"step {self.step} ({self.aspect}):\n    expected: {self.expected}\n"
            f"    actual:   {self.actual}"
        )


def compare(expected: list[StepRecord], actual: list[StepRecord],
            message_patterns: Mapping[str, str] = {}, effect_order: str = "program") -> list[Difference]:
    """Every way ``actual`` departs from ``expected``, step by step (step 0: the definitions).

    ``effect_order`` is the backend's policy (EFFECT-4): which orders of the events are accepted.
    """
    differences = []
    if len(expected) != len(actual):
        ends = [f"{len(r)} records, the last {r[-1].step}: {show(r[-1].outcome)}" if r else "none"
                for r in (expected, actual)]
        differences.append(Difference(min(len(expected), len(actual)) - 1, "steps run", *ends))
    for number, (want, got) in enumerate(zip(expected, actual)):
        if not same_outcome(want.outcome, got.outcome):
            differences.append(Difference(number, "outcome", show(want.outcome), show(got.outcome),
                                          _outcome_channel(want.outcome, got.outcome)))
        elif isinstance(want.outcome, ErrorOutcome) and not same_message(
                want.outcome.message, got.outcome.message, message_patterns):
            differences.append(Difference(number, "error message", repr(want.outcome.message),
                                          repr(got.outcome.message), "error message"))
        if not same_events(want.events, got.events, effect_order):
            differences.append(Difference(
                number, "events", _events_text(want.events), _events_text(got.events),
                _event_channel(want.events, got.events)
            ))
        if want.tracing_counts != got.tracing_counts:
            differences.append(Difference(
                number, "tracing count", str(want.tracing_counts), str(got.tracing_counts),
                "tracing count"
            ))
    return differences


def _outcome_channel(a: Any, b: Any) -> str:
    """The channel two different outcomes differ on (the outermost difference)."""
    if isinstance(a, ErrorOutcome) or isinstance(b, ErrorOutcome):
        return "error category"
    if isinstance(a, Container) and isinstance(b, Container):
        if a.type_name != b.type_name:
            return "container type"
        for (ka, va), (kb, vb) in zip(a.items, b.items):
            if ka == kb and not same_outcome(va, vb):
                return _outcome_channel(va, vb)
    return "value"


def _event_channel(a: list[Event], b: list[Event]) -> str:
    """The kind of the first expected event that differs, or of the first one too many or missing."""
    for x, y in zip(a, b):
        if not same_events([x], [y]):
            return x.kind
    return (a[len(b):] or b[len(a):])[0].kind


def same_outcome(a: Any, b: Any) -> bool:
    if isinstance(a, TensorLeaf) and isinstance(b, TensorLeaf):
        return a == b and _close(a.value, b.value, a.dtype)
    if isinstance(a, PythonLeaf) and isinstance(b, PythonLeaf):
        if a.type_name != b.type_name:
            return False
        if isinstance(a.value, float):
            return _close(np.float64(a.value), np.float64(b.value), "float64")
        return a.value == b.value
    if isinstance(a, Container) and isinstance(b, Container):
        return (a.type_name == b.type_name and len(a.items) == len(b.items) and all(
            ka == kb and same_outcome(va, vb) for (ka, va), (kb, vb) in zip(a.items, b.items)))
    if isinstance(a, ErrorOutcome) and isinstance(b, ErrorOutcome):
        return b.category in (a.category, *a.alternatives)
    return a == b


def same_events(a: list[Event], b: list[Event], effect_order: str = "program") -> bool:
    """The same events in an order the policy accepts (EFFECT-4's ``effect_order``): the same
    sequence (``program``), the same sequence of each kind (``per-kind``), or the same events of
    each kind in any order (``none``)."""
    if effect_order != "program":
        kinds = sorted({e.kind for e in a} | {e.kind for e in b})
        per_kind = [([e for e in a if e.kind == k], [e for e in b if e.kind == k]) for k in kinds]
        if effect_order == "none":
            per_kind = [(sorted(x, key=_event_key), sorted(y, key=_event_key)) for x, y in per_kind]
        return all(same_events(x, y) for x, y in per_kind)
    if [(e.kind, len(e.values)) for e in a] != [(e.kind, len(e.values)) for e in b]:
        return False
    for x, y in zip(a, b):
        # a Python print may show a tensor's computed value, so it compares as printed text
        same_text = same_printed if x.kind in ("print", "python") else str.__eq__
        if not same_text(x.text, y.text) or not _close_numbers(x.values, y.values):
            return False
    return True


def _event_key(event: Event) -> tuple[str, tuple[float, ...]]:
    return event.text, tuple(np.nan_to_num(event.values))


def same_printed(expected: str, actual: str) -> bool:
    """The same text, except floats within ``PRINT_ULPS`` of the expected ones."""
    if expected == actual:
        return True
    want, got = _NUMBER.split(expected), _NUMBER.split(actual)
    want_numbers, got_numbers = _NUMBER.findall(expected), _NUMBER.findall(actual)
    if want != got or len(want_numbers) != len(got_numbers):
        return False
    return all(_close_printed(x, y) for x, y in zip(want_numbers, got_numbers))


def _close_printed(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    if not (_is_float_text(expected) or _is_float_text(actual)):  # integers compare exactly
        return False
    digits = len(re.sub(r"[^0-9]", "", expected.split("e")[0].split("E")[0]).lstrip("0"))
    # 9 digits: a float32; more: a float64, unless the value is a float32's (the repr of a float32
    # tensor's NumPy value, `numpy=2.9057819843292236`)
    kind = np.float32 if digits <= 9 or float(np.float32(expected)) == float(expected) else np.float64
    x, y = kind(expected), kind(actual)
    if np.isnan(x) and np.isnan(y):  # the sign of a NaN (`-nan`) is not specified
        return True
    if x == 0 and y == 0 and expected.lstrip("-") == actual.lstrip("-"):  # nor a zero's in a graph
        # (Grappler rewrites `0 - x` as `-x`)
        return True
    if x == y or not (np.isfinite(x) and np.isfinite(y)):  # one value, two texts: a format differs
        return False
    ulp = np.spacing(np.abs(kind(x)))
    return bool(np.abs(x - y) <= PRINT_ULPS * ulp)


def _is_float_text(text: str) -> bool:
    return any(ch in text for ch in ".eE") or text.lstrip("+-") in ("inf", "nan") or text == "-0"


def _close_numbers(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Integers (as passed) compare exactly, other numbers as float32 values."""
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
    if np.array_equal(a, b, equal_nan=a.dtype.kind == "f" and b.dtype.kind == "f"):
        return True
    dtype = dtype.removeprefix("numpy ")  # a NumPy array from `.numpy()` is computed too
    if dtype not in TOLERANCE:
        return False
    rtol, atol = TOLERANCE[dtype]
    finite = np.isfinite(a)
    if not np.array_equal(finite, np.isfinite(b)) or not np.array_equal(a[~finite], b[~finite],
                                                                         equal_nan=True):
        return False
    scale = np.max(np.abs(a[finite]), initial=0.0)
    return bool(np.all(np.abs(a[finite] - b[finite]) <= atol + rtol * scale))


def show(outcome: Any) -> str:
    return "(no value)" if outcome is None else str(outcome)


def _events_text(events: list[Event]) -> str:
    return "; ".join(str(e) for e in events) or "(none)"
