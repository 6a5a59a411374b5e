"""The coverage account: what the suite's scenarios reached, measured while the reference predicts them.

For every scenario run, a ``Recorder`` watches the reference (verbose mode,
``tracespec.reference.verbose``) and the program's use of the vocabulary, and
yields a ``Reach``: the spec rules whose decision points ran, the vocabulary
names the program used (and those whose ops a graph executed, not pruned), the
primitives executed eagerly, recorded and run in graphs, the kinds of call-script
steps and arguments, and the observation channels that carried something.

An ``Account`` adds the runs up per item and column: generated scenarios
starting ``eager`` or ``traced``, runs in which a ``graph`` executed the item,
and ``handwritten`` runs. ``shortfalls`` says where the ``ci`` profile falls
short of what the suite promises.
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import tracespec.reference as ts
from tracespec.reference import verbose
from tracespec.reference.primitive import PRIMITIVES

from . import spec, vocabulary

KINDS = ("rule", "name", "op", "step", "argument", "channel")
COLUMNS = ("eager", "traced", "graph", "handwritten")
STEPS = ("call", "method call", "concrete", "concrete call", "set eager", "set global")
ARGUMENTS = ("tensor", "tensor spec", "numpy", "literal", "container with tensors", "container",
             "object", "keyword", "variable")
CHANNELS = ("value", "error category", "error message", "python", "print", "py_function",
            "warning", "tracing count", "container type")
SOURCE_PREFIX = "<tracespec scenario"  # the file name of every scenario program (runner.py)
MIN_GRAPH_RUNS = 5  # every op must run in a graph in at least this many generated runs


@dataclass
class Reach:
    """What one scenario run reached."""

    rules: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    graph_names: set[str] = field(default_factory=set)
    ops: set[str] = field(default_factory=set)
    graph_ops: set[str] = field(default_factory=set)
    steps: set[str] = field(default_factory=set)
    arguments: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)

    def items(self) -> Iterator[tuple[str, str, bool]]:
        """``(kind, item, executed in a graph)`` for everything reached."""
        for kind, reached, in_graph in (("rule", self.rules, ()), ("name", self.names, self.graph_names),
                                        ("op", self.ops, self.graph_ops), ("step", self.steps, ()),
                                        ("argument", self.arguments, ()),
                                        ("channel", self.channels, ())):
            for item in reached | set(in_graph):
                yield kind, item, item in in_graph


class Recorder:
    """Collects one scenario run's ``Reach``: a listener of the reference's verbose mode."""

    def __init__(self) -> None:
        self.reach = Reach()
        self._active: list[str] = []  # vocabulary names whose calls are in progress
        self._origin: dict[Any, tuple[str, ...]] = {}  # graph node -> names that recorded it

    def rule(self, rule: str) -> None:
        self.reach.rules.add(rule)

    def op(self, event: str, primitive: str, node: Any) -> None:
        if primitive == "placeholder":
            return
        self.reach.ops.add(primitive)
        if event == "record":
            self._origin[node] = tuple(self._active)
        elif event == "run":
            self.reach.graph_ops.add(primitive)
            self.reach.graph_names.update(self._origin.get(node, ()))

    def use(self, name: str) -> None:
        self.reach.names.add(name)

    def calling(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, recording ``name`` and tagging the graph nodes its calls record."""
        def call(*args: Any, **kwargs: Any) -> Any:
            self.reach.names.add(name)
            self._active.append(name)
            try:
                return function(*args, **kwargs)
            finally:
                self._active.pop()

        return call

    def namespace(self, base: Any) -> Any:
        """``base`` (the program's ``ts``), recording every name the program uses."""
        return _Watched(base, self, "")

    @contextlib.contextmanager
    def watching(self) -> Iterator[Reach]:
        """Record the reference's rules and ops, and the program's use of its APIs, for the block."""
        with verbose.listening(self), _api_watched(self):
            yield self.reach


class _Watched:
    """A namespace whose attribute reads are recorded; callables are wrapped by ``calling``."""

    def __init__(self, base: Any, recorder: Recorder, prefix: str):
        self._base, self._recorder, self._prefix = base, recorder, prefix

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._base, name)
        dotted = self._prefix + name
        self._recorder.use(dotted.split(".")[0])
        if isinstance(value, (types.ModuleType, types.SimpleNamespace)):
            return _Watched(value, self._recorder, dotted + ".")
        if callable(value) and not isinstance(value, type):
            return self._recorder.calling(dotted, value)
        return value


_APIS = (
    ("Tensor", vocabulary.TENSOR, (ts.Tensor, ts.EagerTensor, ts.SymbolicTensor)),
    ("Function", vocabulary.FUNCTION, (ts.Function,)),
    ("Variable", vocabulary.VARIABLE, (ts.Variable,)),
    ("GradientTape", vocabulary.GRADIENT_TAPE, (ts.GradientTape,)),
    ("Module", vocabulary.MODULE, (ts.Module,)),
)


@contextlib.contextmanager
def _api_watched(recorder: Recorder) -> Iterator[None]:
    """Wrap the Tensor and Function APIs of the reference; uses from the program count."""
    saved: list[tuple[type, str, Any]] = []
    for prefix, names, classes in _APIS:
        for name in names:
            for cls in classes:
                if name in cls.__dict__:
                    original = cls.__dict__[name]
                    saved.append((cls, name, original))
                    setattr(cls, name, _watched_member(recorder, f"{prefix}.{name}", original))
    try:
        yield
    finally:
        for cls, name, original in reversed(saved):
            setattr(cls, name, original)


def _watched_member(recorder: Recorder, name: str, member: Any) -> Any:
    if isinstance(member, property):
        return property(_from_program(recorder, name, member.fget))
    return _from_program(recorder, name, member)


def _from_program(recorder: Recorder, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    tracked = recorder.calling(name, function)

    def member(*args: Any, **kwargs: Any) -> Any:
        if sys._getframe(1).f_code.co_filename.startswith(SOURCE_PREFIX):
            return tracked(*args, **kwargs)
        return function(*args, **kwargs)

    return member


class Account:
    """Scenario runs per (kind, item, column)."""

    def __init__(self, counts: Mapping[tuple[str, str, str], int] | None = None):
        self.counts: Counter[tuple[str, str, str]] = Counter(counts or {})

    def add(self, reach: Reach, mode: str, handwritten: bool) -> None:
        for kind, item, in_graph in reach.items():
            if handwritten:
                self.counts[kind, item, "handwritten"] += 1
            else:
                self.counts[kind, item, mode] += 1
                if in_graph:
                    self.counts[kind, item, "graph"] += 1

    def merge(self, other: Account) -> None:
        self.counts.update(other.counts)

    def as_pairs(self) -> list[list[Any]]:
        """A JSON-friendly form (pytest-xdist ships user properties between processes)."""
        return [[*key, count] for key, count in sorted(self.counts.items())]

    @classmethod
    def from_pairs(cls, pairs: Iterable[list[Any]]) -> Account:
        return cls({(kind, item, column): count for kind, item, column, count in pairs})

    def items(self, kind: str) -> list[str]:
        """The items of ``kind`` the suite promises to reach, then any others it reached."""
        expected = list(EXPECTED[kind]())
        seen = sorted({item for k, item, _ in self.counts if k == kind} - set(expected))
        return expected + seen

    def as_json(self) -> dict[str, dict[str, dict[str, int]]]:
        return {kind: {item: {col: self.counts[kind, item, col] for col in COLUMNS}
                       for item in self.items(kind)} for kind in KINDS}

    def table(self) -> str:
        """One section per kind: runs per column, ``-`` for none."""
        lines = []
        for kind in KINDS:
            items = self.items(kind)
            width = max([len(kind), *map(len, items)]) + 2
            lines.append(f"{kind:<{width}}" + "".join(f"{c:>12}" for c in COLUMNS))
            for item in items:
                cells = "".join(f"{self.counts[kind, item, c] or '-':>12}" for c in COLUMNS)
                lines.append(f"{item:<{width}}{cells}")
            lines.append("")
        return "\n".join(lines)

    def shortfalls(self, not_generated: Mapping[str, str]) -> list[str]:
        """Where generated scenarios fall short: every item in both modes, ops in graphs.

        Rules in ``not_generated`` and vocabulary names in ``vocabulary.NOT_GENERATED`` are
        exempt (each has its reason).
        """
        missing = []
        for kind in KINDS:
            for item in EXPECTED[kind]():
                if item in not_generated or (kind == "name" and item in vocabulary.NOT_GENERATED):
                    continue
                modes = [m for m in ("eager", "traced") if not self.counts[kind, item, m]]
                if modes:
                    missing.append(f"{kind} {item}: no generated run starting {' or '.join(modes)}")
                if kind == "op" and self.counts[kind, item, "graph"] < MIN_GRAPH_RUNS:
                    missing.append(f"op {item}: {self.counts[kind, item, 'graph']} generated runs "
                                   f"executed it in a graph (at least {MIN_GRAPH_RUNS} needed)")
        return missing


def _ops() -> list[str]:
    return [name for name in PRIMITIVES if name != "placeholder"]


EXPECTED: dict[str, Callable[[], Iterable[str]]] = {
    "rule": lambda: spec.rules(),
    "name": lambda: vocabulary.ALL,
    "op": _ops,
    "step": lambda: STEPS,
    "argument": lambda: ARGUMENTS,
    "channel": lambda: CHANNELS,
}
