"""Running a scenario on a backend, predicting it with the reference, and comparing.

``observe`` executes the scenario's source with the adapter's namespace and
plays the call script, recording a ``StepRecord`` per step (the first record is
the program's definitions). ``predict`` observes the reference under the
backend's declared policies, with a coverage ``Recorder`` watching. ``check``
does both and raises ``Violation`` with a runnable reproducer when they differ.

Trap versus crash: an error the program provokes (the spec's errors, or the
program's own exceptions) is part of an observation. Anything else is a
``Crash``, never a verdict: a ``ReferenceBug`` (an exception from the
reference's internals), a ``BackendError`` (the adapter failing outside the
program: ``namespace()``, ``session()``, ``set_run_eagerly()``...) or a ``Hang``
(a scenario over its time limit). Crashes derive from ``BaseException`` so that
hypothesis reports them at once instead of shrinking them.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import itertools
import linecache
import logging
import numbers
import re
import signal
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

import tracespec.reference as ts
from tracespec.adapters.base import Adapter
from tracespec.adapters.reference import ReferenceAdapter
from tracespec.reference import nest, policies

from . import reproducers, spec, tensor_api
from .coverage import SOURCE_PREFIX, Reach, Recorder
from .observation import (
    Container,
    Difference,
    ErrorOutcome,
    Event,
    PythonLeaf,
    StepRecord,
    TensorLeaf,
    compare,
)
from .scenario import HELPERS, Call, Concrete, Scenario, SetEager, SetGlobal

TIME_LIMIT = 60.0  # seconds per scenario run, on each side
OPTIONAL = frozenset({"tracing_count"})  # capabilities whose absence leaves a channel uncompared


class Violation(AssertionError):
    """A backend's observation departs from the reference's prediction."""

    def __init__(self, text: str, reach: Reach, differences: list[Difference]):
        super().__init__(text)
        self.reach = reach
        self.differences = differences


class Unsupported(Exception):
    """The adapter lacks a capability the scenario needs."""


class Crash(BaseException):
    """Not a verdict on the backend: the check itself could not be carried out."""

    kind = "crash"

    def __init__(self, text: str, scenario_text: str = ""):
        super().__init__(text + (f"\n\n--- scenario ---\n{scenario_text}" if scenario_text else ""))
        self.text = text


class ReferenceBug(Crash):
    """The reference failed in a way the spec does not define: a bug of tracespec."""

    kind = "reference bug"


class BackendError(Crash):
    """The adapter or backend failed outside the program (not a departure from the spec)."""

    kind = "backend error"


class Hang(Crash):
    """A scenario ran over its time limit on the backend."""

    kind = "hang"


def observe(scenario: Scenario, adapter: Adapter, eager: bool,
            recorder: Recorder | None = None) -> list[StepRecord]:
    """Run ``scenario`` on ``adapter`` starting in the given mode; one record per step."""
    missing = scenario.requires - adapter.capabilities - OPTIONAL
    if missing:
        raise Unsupported(f"{adapter.name} lacks {', '.join(sorted(missing))}")
    if "variables" in scenario.requires and adapter.policies.variables == "unsupported":
        raise Unsupported(f"{adapter.name} declares variables='unsupported' (VAR-12)")
    crash = ReferenceBug if recorder is not None else BackendError
    records: list[StepRecord] = []
    events: list[Event] = []
    filename = _source_file(scenario.source)
    program = _Program(filename, frozenset(adapter.tensor_api))
    with contextlib.ExitStack() as stack:
        stack.enter_context(_session(crash, adapter))
        stack.callback(linecache.cache.pop, filename, None)
        stack.enter_context(_retracing_warnings(events, adapter))
        with _guarded(crash, adapter, "namespace()"):
            namespace = program.namespace = _program_namespace(adapter, events, recorder)
        for name, value in scenario.globals.items():
            namespace[name] = eval(program.code(value, "eval"), namespace)
        with _guarded(crash, adapter, "set_run_eagerly()"):
            adapter.set_run_eagerly(eager)
        definitions = StepRecord("definitions")
        definitions.outcome = _run(lambda: exec(program.code(scenario.source, "exec"), namespace),
                                   adapter, recorder, program, result=False)
        records.append(definitions)
        if isinstance(definitions.outcome, ErrorOutcome):
            return records
        for step in scenario.steps:
            records.append(_play(step, namespace, program, adapter, recorder, events, scenario, crash))
    return records


def predict(scenario: Scenario, adapter: Adapter, eager: bool) -> tuple[list[StepRecord], Reach]:
    """What the reference observes under ``adapter``'s declared policies, and what it reached."""
    recorder = Recorder()
    with policies.using(adapter.policies), recorder.watching() as reach:
        records = observe(scenario, REFERENCE, eager, recorder)
    reach.channels.update(_channels(records))
    return records, reach


def check(scenario: Scenario, adapter: Adapter, eager: bool, backend_import: str,
          time_limit: float = TIME_LIMIT, timings: Counter[str] | None = None) -> Reach:
    """Raise ``Violation`` (with a reproducer) if ``adapter`` departs from the prediction.

    ``timings``, if given, adds the seconds spent predicting (``reference``), observing the
    backend (``backend``) and comparing (``compare``).
    """
    mode = "eager" if eager else "traced"
    reproducer = scenario.reproducer(backend_import, eager)
    clock = _Clock(timings)
    try:
        with clock("reference"), _time_limit(time_limit, lambda: ReferenceBug(
                f"the reference ran over the {time_limit:g} s time limit ({mode} mode)")):
            expected, reach = predict(scenario, adapter, eager)
        with clock("backend"), _time_limit(time_limit, lambda: Hang(
                f"{adapter.name} ran over the {time_limit:g} s time limit ({mode} mode)")):
            actual = observe(scenario, adapter, eager)
    except Crash as crash:
        raise type(crash)(crash.text, reproducer) from crash
    if "tracing_count" not in adapter.capabilities:  # the backend cannot count: compare the rest
        for record in expected:
            record.tracing_counts = {}
    with clock("compare"):
        differences = compare(expected, actual, adapter.message_patterns,
                              adapter.policies.effect_order)
    if differences:
        text = "\n".join(str(d) for d in differences)
        rules = _spec_order(reach.rules)
        script = reproducers.native(scenario, adapter, eager, expected, differences, rules)
        raise Violation(
            f"{adapter.name} departs from the spec ({scenario.chapter}, {mode} mode; rules "
            f"reached: {', '.join(rules) or 'none'}):\n{text}\n\n--- reproducer ---\n"
            f"{script or reproducer}", reach, differences)
    return reach


class _Clock:
    """Adds the seconds of each timed block to ``timings[name]`` (or does nothing)."""

    def __init__(self, timings: Counter[str] | None):
        self.timings = timings

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.timings is None:
            yield
            return
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] += time.perf_counter() - start


# -- playing a step -----------------------------------------------------------------------

def _play(step, namespace, program, adapter, recorder, events, scenario, crash) -> StepRecord:
    """Play one step of the call script and record what it showed."""
    record = StepRecord(step.source())
    if isinstance(step, SetEager):
        _note_step(recorder, "set eager")
        with _guarded(crash, adapter, "set_run_eagerly()"):
            adapter.set_run_eagerly(step.flag)
    elif isinstance(step, SetGlobal):
        _note_step(recorder, "set global")
        namespace[step.name] = eval(program.code(step.value, "eval"), namespace)
    else:
        with _guarded(crash, adapter, "run_eagerly()"):
            traceable = isinstance(step, Concrete) or not adapter.run_eagerly()
        record.outcome = _run(lambda: _call(step, namespace, program, recorder), adapter, recorder,
                              program, result=isinstance(step, Call), traceable=traceable)
    with _guarded(crash, adapter, "flush_effects()"):
        adapter.flush_effects()
    record.events, events[:] = list(events), []
    if "tracing_count" in adapter.capabilities:
        with _guarded(crash, adapter, "tracing_count()"):
            record.tracing_counts = {
                name: adapter.tracing_count(eval(program.code(name, "eval"), namespace))
                for name in scenario.functions
            }
    return record


def _call(step: Call | Concrete, namespace: dict[str, Any], program: _Program,
          recorder: Recorder | None) -> Any:
    """Evaluate the step as program code (its frames count as the program's)."""
    if isinstance(step, Concrete):
        _note_step(recorder, "concrete")
        target = eval(program.code(step.function, "eval"), namespace)
        args, kwargs = eval(program.code(f"_arguments({step.args})", "eval"), namespace)
        _note_arguments(recorder, args, kwargs)
        concrete = target.get_concrete_function(*args, **kwargs)
        if step.name is not None:
            namespace[step.name] = concrete
        return concrete
    target = eval(program.code(step.function, "eval"), namespace)
    _note_step(recorder, _call_kind(target))
    args, kwargs = eval(program.code(f"_arguments({step.args})", "eval"), namespace)
    _note_arguments(recorder, args, kwargs)
    return target(*args, **kwargs)


def _run(thunk: Callable[[], Any], adapter: Adapter, recorder: Recorder | None, program: _Program,
         result: bool, traceable: bool = False) -> Any:
    """The outcome of running program code: its result, or the error it raised.

    ``traceable``: the step may trace (a traced-mode call, or ``get_concrete_function``).
    """
    try:
        value = thunk()
    except Exception as error:  # the program's or the backend's error: part of the observation
        if recorder is not None and _is_reference_bug(error):
            raise ReferenceBug("the reference raised an error the spec does not define:\n"
                               + "".join(traceback.format_exception(error))) from error
        phase = program.phase(error, traceable)
        others = tuple(adapter.error_category(e, phase) for e in getattr(error, "failures", ())[1:])
        return ErrorOutcome(adapter.error_category(error, phase), adapter.spelled_as_spec(str(error)),
                            others)
    return _outcome(value, adapter) if result else None


def _outcome(value: Any, adapter: Adapter) -> Any:
    """Backend-neutral form of a returned value."""
    array = adapter.to_numpy(value)
    if array is not None:
        return TensorLeaf(adapter.dtype_name(value), tuple(array.shape), array)
    if isinstance(value, dict):
        return Container(type(value).__name__, tuple((k, _outcome(v, adapter)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return Container(type(value).__name__,
                         tuple((i, _outcome(v, adapter)) for i, v in enumerate(value)))
    if isinstance(value, (np.ndarray, np.generic)):
        return TensorLeaf(f"numpy {value.dtype.name}", tuple(np.shape(value)), np.asarray(value))
    if value is None or isinstance(value, (bool, numbers.Number, str, bytes)):
        return PythonLeaf(type(value).__name__, value)
    return PythonLeaf(type(value).__name__, "<object>")


# -- the program's source, namespace and events --------------------------------------------

class _Program:
    """How a scenario's source text is compiled for one backend, and where its errors arose."""

    def __init__(self, filename: str, supplied: frozenset[str]):
        self.filename = filename
        self.supplied = supplied  # the Tensor members the adapter supplies (tensor_api.py)
        self.namespace: dict[str, Any] = {}  # the program's globals, once built

    def code(self, text: str, mode: str) -> Any:
        return tensor_api.compile_program(text, self.filename, mode, self.supplied)

    def phase(self, error: BaseException, traceable: bool) -> str:
        """``tracing`` if a function body of the program was running under a trace when
        ``error`` arose, else ``executing``.

        A body's frame runs a function whose globals are the program's namespace: the
        program's own, or one a backend made from it (autograph's converted functions keep the
        original globals). Under a step that cannot trace (an eager-mode call) every body
        executes.
        """
        tb = error.__traceback__ if traceable else None
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_globals is self.namespace and frame.f_code.co_name != "<module>":
                return "tracing"
            tb = tb.tb_next
        return "executing"


def _program_namespace(adapter: Adapter, events: list[Event], recorder: Recorder | None) -> dict:
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

        record.output_spec = _like_first_input
        return record

    vocabulary = adapter.namespace(lambda line: events.append(Event("print", line)))
    namespace.update(
        __tensor_api__=tensor_api.TensorAPI(adapter.tensor_api, vocabulary.is_tensor),
        ts=vocabulary if recorder is None else recorder.namespace(vocabulary),
        log=log,
        effect=effect,
        _arguments=lambda *args, **kwargs: (args, kwargs),
    )
    return namespace


def _like_first_input(*inputs: Any) -> list[tuple[tuple[int, ...], Any]]:
    """``effect``'s ``output_spec``: one result, with the shape and dtype of the first input."""
    return [(tuple(inputs[0].shape), inputs[0].dtype)]


_RETRACING = re.compile(r"(\d+) out of the last (\d+) calls to <(?:function|bound method) ([\w.<>]+)")


@contextlib.contextmanager
def _retracing_warnings(events: list[Event], adapter: Adapter) -> Iterator[None]:
    """TRACE-15: retracing warnings (on the ``tracespec`` logger) become events, in order."""
    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            match = _RETRACING.search(record.getMessage())
            if match:
                adapter.flush_effects()
                count, window, name = match.groups()
                events.append(Event("warning", f"{count} out of the last {window} calls to "
                                               f"{name.rsplit('.', 1)[-1]} triggered retracing"))

    logger = logging.getLogger("tracespec")
    handler = Catch(logging.WARNING)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


def _source_file(source: str) -> str:
    """A new file name under which ``inspect`` finds the source (autograph needs it).

    Unique per run: code objects compiled from equal text under one name compare equal, and
    autograph caches its conversions by code object.
    """
    name = f"{SOURCE_PREFIX} {next(_runs)}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    return name


# -- trap versus crash ---------------------------------------------------------------------

_REFERENCE_DIR = str(Path(ts.__file__).resolve().parent)


def _is_reference_bug(error: BaseException) -> bool:
    """An exception from the reference's internals rather than a ``raise`` of a spec error.

    The innermost frame of the program or the reference decides: a program frame means the
    program raised it (an observation); a reference frame must be the ``raise`` statement
    itself, otherwise Python or a library failed inside the reference.
    """
    if isinstance(error, AssertionError):
        return True
    if isinstance(error, RecursionError) or _CALL_ERROR.search(str(error)):
        return False  # deep recursion, or a program function called with the wrong arguments
    frames = traceback.extract_tb(error.__traceback__)
    ours = [i for i, f in enumerate(frames)
            if f.filename.startswith(SOURCE_PREFIX) or f.filename.startswith(_REFERENCE_DIR)]
    if not ours:
        return False
    last = frames[ours[-1]]
    if last.filename.startswith(SOURCE_PREFIX):
        return False
    return ours[-1] != len(frames) - 1 or not _is_raise(last.filename, last.lineno)


_CALL_ERROR = re.compile(r"takes \d+ positional arguments? but \d+ (?:was|were) given|"
                         r"got an unexpected keyword argument|missing \d+ required|"
                         r"got multiple values for argument")


@functools.cache
def _raise_lines(filename: str) -> frozenset[int]:
    tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    return frozenset(
        line for node in ast.walk(tree) if isinstance(node, ast.Raise)
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    )


def _is_raise(filename: str, lineno: int | None) -> bool:
    return lineno is not None and lineno in _raise_lines(filename)


@contextlib.contextmanager
def _guarded(crash: type[Crash], adapter: Adapter, what: str) -> Iterator[None]:
    """The adapter's own code (outside the program) must not fail."""
    try:
        yield
    except Exception as error:
        raise crash(f"{adapter.name}: {what} raised "
                    + "".join(traceback.format_exception(error))) from error


@contextlib.contextmanager
def _session(crash: type[Crash], adapter: Adapter) -> Iterator[None]:
    """The adapter's session around the scenario; entering or leaving it must not fail."""
    session = adapter.session()
    with _guarded(crash, adapter, "session()"):
        session.__enter__()
    try:
        yield
    finally:
        with _guarded(crash, adapter, "session()"):
            session.__exit__(None, None, None)


@contextlib.contextmanager
def _time_limit(seconds: float, crash: Callable[[], Crash]) -> Iterator[None]:
    """Raise ``crash()`` if the block runs longer than ``seconds`` (main thread, POSIX only)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise crash()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- what a prediction reached ---------------------------------------------------------------

def _note_step(recorder: Recorder | None, kind: str) -> None:
    if recorder is not None:
        recorder.reach.steps.add(kind)


def _call_kind(target: Any) -> str:
    if isinstance(target, ts.ConcreteFunction):
        return "concrete call"
    if isinstance(target, ts.Function) and hasattr(target.python_function, "__self__"):
        return "method call"
    return "call"


def _note_arguments(recorder: Recorder | None, args: tuple, kwargs: dict) -> None:
    if recorder is None:
        return
    recorder.reach.arguments.update(_argument_kind(v) for v in (*args, *kwargs.values()))
    if kwargs:
        recorder.reach.arguments.add("keyword")


def _argument_kind(value: Any) -> str:
    if isinstance(value, ts.Variable):
        return "variable"
    if isinstance(value, ts.Tensor):
        return "tensor"
    if isinstance(value, ts.TensorSpec):
        return "tensor spec"
    if isinstance(value, (np.ndarray, np.generic)):
        return "numpy"
    if value is None or isinstance(value, (bool, int, float, str)):
        return "literal"
    if isinstance(value, (list, tuple, dict)):
        leaves = nest.flatten(value)
        return "container with tensors" if any(isinstance(v, ts.Tensor) for v in leaves) else "container"
    return "object"


def _channels(records: list[StepRecord]) -> set[str]:
    channels = set()
    for record in records:
        outcome = record.outcome
        if isinstance(outcome, ErrorOutcome):
            channels.update(("error category", "error message"))
        elif outcome is not None:
            channels.add("value")
            if isinstance(outcome, Container):
                channels.add("container type")
        channels.update(event.kind for event in record.events)
        if record.tracing_counts:
            channels.add("tracing count")
    return channels


def _spec_order(rules: set[str]) -> list[str]:
    order = list(spec.rules())
    return sorted(rules, key=lambda r: order.index(r) if r in order else len(order))


_runs = itertools.count(1)
_HELPERS_CODE = compile(HELPERS, "<tracespec helpers>", "exec")
REFERENCE = ReferenceAdapter()
