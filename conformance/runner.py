"""Running a scenario on a backend, predicting it with the reference, and comparing.

``observe`` executes the scenario's source with the adapter's namespace and
plays the call script, recording a ``StepRecord`` per step. ``check`` observes
the backend, observes the reference under the backend's declared policies
(the prediction), and raises ``Violation`` with a runnable reproducer when
they differ.
"""

from __future__ import annotations

import contextlib
import itertools
import linecache
import logging
import numbers
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from tracespec.adapters.base import Adapter
from tracespec.adapters.reference import ReferenceAdapter
from tracespec.reference import policies

from .observation import (
    ErrorOutcome,
    Event,
    PythonLeaf,
    StepRecord,
    TensorLeaf,
    compare,
    print_event,
)
from .scenario import HELPERS, Call, Concrete, Scenario, SetEager, SetGlobal


class Violation(AssertionError):
    """A backend's observation departs from the reference's prediction."""


class Unsupported(Exception):
    """The adapter lacks a capability the scenario needs."""


def observe(scenario: Scenario, adapter: Adapter, eager: bool) -> list[StepRecord]:
    """Run ``scenario`` on ``adapter`` starting in the given mode; one record per step."""
    missing = scenario.requires - adapter.capabilities
    if missing:
        raise Unsupported(f"{adapter.name} lacks {', '.join(sorted(missing))}")
    records: list[StepRecord] = []
    events: list[Event] = []
    with contextlib.ExitStack() as stack, adapter.session(), _quiet(logging.getLogger("tracespec")):
        namespace = _program_namespace(adapter, events)
        for name, value in scenario.globals.items():
            namespace[name] = eval(value, namespace)
        adapter.set_run_eagerly(eager)
        filename = _source_file(scenario.source)
        stack.callback(linecache.cache.pop, filename, None)
        exec(compile(scenario.source, filename, "exec"), namespace)
        for step in scenario.steps:
            record = StepRecord(step.source())
            if isinstance(step, SetEager):
                adapter.set_run_eagerly(step.flag)
            elif isinstance(step, SetGlobal):
                namespace[step.name] = eval(step.value, namespace)
            else:
                record.outcome = _run_call(step, namespace, adapter)
            adapter.flush_effects()
            record.events, events[:] = list(events), []
            record.tracing_counts = {
                name: adapter.tracing_count(namespace[name]) for name in scenario.functions
            }
            records.append(record)
    return records


def predict(scenario: Scenario, adapter: Adapter, eager: bool) -> list[StepRecord]:
    """What the reference observes under ``adapter``'s declared policies."""
    with policies.using(adapter.policies):
        return observe(scenario, REFERENCE, eager)


def check(scenario: Scenario, adapter: Adapter, eager: bool, backend_import: str) -> None:
    """Raise ``Violation`` (with a reproducer) if ``adapter`` departs from the prediction."""
    actual = observe(scenario, adapter, eager)
    expected = predict(scenario, adapter, eager)
    differences = compare(expected, actual)
    if differences:
        mode = "eager" if eager else "traced"
        text = "\n".join(str(d) for d in differences)
        raise Violation(
            f"{adapter.name} departs from the spec ({scenario.chapter}, {mode} mode; rules "
            f"{', '.join(scenario.rules) or 'n/a'}):\n{text}\n\n--- reproducer ---\n"
            + scenario.reproducer(backend_import, eager)
        )


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Retracing warnings are not part of an observation: silence them while observing."""
    disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = disabled


def _source_file(source: str) -> str:
    """A new file name under which ``inspect`` finds the source (autograph needs it).

    Unique per run: code objects compiled from equal text under one name compare equal, and
    autograph caches its conversions by code object.
    """
    name = f"<tracespec scenario {next(_runs)}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    return name


def _program_namespace(adapter: Adapter, events: list[Event]) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(_HELPERS_CODE, namespace)

    def log(label: str) -> None:
        adapter.flush_effects()
        events.append(Event("python", label))

    def effect(label: str) -> Callable[..., Any]:
        def record(*tensors: Any) -> Any:
            values = [np.asarray(adapter.to_numpy(t), dtype=np.float64).ravel() for t in tensors]
            flat = tuple(float(v) for array in values for v in array)
            adapter.flush_effects()
            events.append(Event("py_function", label, flat))
            return tensors[0]

        return record

    namespace.update(
        ts=adapter.namespace(lambda line: events.append(print_event(line))),
        log=log,
        effect=effect,
    )
    return namespace


def _run_call(step: Call | Concrete, namespace: dict[str, Any], adapter: Adapter) -> Any:
    try:
        result = eval(step.source(), namespace)
    except Exception as error:  # the program's or the backend's error: part of the observation
        return ErrorOutcome(adapter.error_category(error), f"{type(error).__name__}: {error}")
    if isinstance(step, Concrete):
        return None
    return _outcome(result, adapter)


def _outcome(value: Any, adapter: Adapter) -> Any:
    """Backend-neutral form of a returned value."""
    array = adapter.to_numpy(value)
    if array is not None:
        return TensorLeaf(adapter.dtype_name(value), tuple(array.shape), array)
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _outcome(v, adapter) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_outcome(v, adapter) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, (np.ndarray, np.generic)):
        return TensorLeaf(f"numpy {value.dtype.name}", tuple(np.shape(value)), np.asarray(value))
    if isinstance(value, (bool, numbers.Number, str, bytes)):
        return PythonLeaf(type(value).__name__, value)
    return PythonLeaf(type(value).__name__, "<object>")


_runs = itertools.count(1)
_HELPERS_CODE = compile(HELPERS, "<tracespec helpers>", "exec")
REFERENCE = ReferenceAdapter()
