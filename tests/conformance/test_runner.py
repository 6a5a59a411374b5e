"""The runner: observing a scenario, checking it against the prediction, and trap versus crash."""

from __future__ import annotations

import contextlib
import re
import time

import numpy as np
import pytest
from support import REFERENCE_IMPORT, run_script, scenario

import tracespec.reference as ts
from tracespec.adapters.reference import ReferenceAdapter
from tracespec.conformance import runner
from tracespec.conformance.observation import ErrorOutcome, Event, TensorLeaf
from tracespec.conformance.scenario import Call, Concrete, SetEager, SetGlobal

COUNTED = """
    @ts.function
    def f(x):
        log("trace")
        return x * 3
    """


class OffByOne(ReferenceAdapter):
    name = "off-by-one"

    def tracing_count(self, function):
        return super().tracing_count(function) + 1


class Perturbed(ReferenceAdapter):
    """Returns every output slightly changed: ``change(array) -> array``."""

    name = "perturbed"

    def __init__(self, change):
        self.change = change

    def to_numpy(self, value):
        array = super().to_numpy(value)
        return None if array is None else self.change(array)


def test_check_passes_the_reference_adapter_and_says_what_it_reached():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(2)"))
    for eager in (False, True):
        reach = runner.check(sc, ReferenceAdapter(), eager, REFERENCE_IMPORT)
        assert {"Tensor.__mul__", "constant", "function"} <= reach.names
        assert reach.steps == {"call"} and reach.arguments == {"tensor"}
        assert {"value", "python", "tracing count"} <= reach.channels
    assert {"TRACE-1", "TRACE-3"} <= runner.check(sc, ReferenceAdapter(), False, REFERENCE_IMPORT).rules
    assert "EAGER-2" in runner.check(sc, ReferenceAdapter(), True, REFERENCE_IMPORT).rules


def test_check_raises_violation_with_reproducer():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(2.0)"))
    with pytest.raises(runner.Violation) as caught:
        runner.check(sc, OffByOne(), False, "import my_backend as ts")
    message = str(caught.value)
    assert isinstance(caught.value, AssertionError)
    assert "off-by-one departs from the spec" in message
    assert "side-effects, traced mode" in message and "TRACE-1" in caught.value.reach.rules
    assert "step 1 (tracing count)" in message and "step 2 (tracing count)" in message
    assert "expected: {'f': 1}" in message and "actual:   {'f': 2}" in message
    assert "(outcome)" not in message and "(events)" not in message
    reproducer = message.split("--- reproducer ---\n", 1)[1]
    assert reproducer.startswith("# tracespec reproducer") and "import my_backend as ts" in reproducer
    assert "def f(x):" in reproducer and "ts.config.run_functions_eagerly(False)" in reproducer
    compile(reproducer, "<reproducer>", "exec")


def test_check_names_the_eager_mode():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"))
    with pytest.raises(runner.Violation, match="eager mode") as caught:
        runner.check(sc, OffByOne(), True, REFERENCE_IMPORT)
    assert "ts.config.run_functions_eagerly(True)" in str(caught.value)


def _next_float(array):
    return np.nextafter(array, np.inf).astype(array.dtype) if array.dtype.kind == "f" else array


@pytest.mark.parametrize(("change", "violates"), [
    (_next_float, False),                                                    # last bit only
    (lambda a: a * np.asarray(1.001, a.dtype) if a.dtype.kind == "f" else a, True),
    (lambda a: a + 1 if a.dtype.kind == "i" else a, True),                    # integers exact
])
def test_check_tolerates_only_last_bit_float_differences(change, violates):
    sc = scenario(COUNTED, Call("f", "ts.constant([1.5, -2.25])"), Call("f", "ts.constant([7])"))
    context = pytest.raises(runner.Violation) if violates else contextlib.nullcontext()
    with context:
        runner.check(sc, Perturbed(change), False, REFERENCE_IMPORT)


def test_observe_records_the_definitions_then_each_step():
    sc = scenario("""
        @ts.function
        def f(x, p=1):
            log("trace")
            ts.print("p", x)
            return x + G
        """, Call("f", "ts.constant(1.0)"), SetGlobal("G", "10.0"), Call("f", "x=ts.constant(1.0)"),
        Concrete("f", "ts.TensorSpec([], ts.float32)", name="cf"), Call("cf", "ts.constant(2.0)"),
        requires=("print",), G="1.0")
    records = runner.observe(sc, runner.REFERENCE, eager=False)
    assert [r.step for r in records] == ["definitions", "f(ts.constant(1.0))", "G = 10.0",
                                         "f(x=ts.constant(1.0))",
                                         "cf = f.get_concrete_function(ts.TensorSpec([], ts.float32))",
                                         "cf(ts.constant(2.0))"]
    assert records[1].events == [Event("python", "trace"), Event("print", "p 1")]
    assert records[1].outcome.value == 2.0 and records[3].outcome.value == 2.0  # G frozen
    assert [r.tracing_counts for r in records[1:]] == [{"f": 1}] * 5
    assert records[5].outcome.value == 3.0 and records[5].events == [Event("print", "p 2")]
    _, reach = runner.predict(sc, runner.REFERENCE, eager=False)
    assert reach.steps == {"call", "set global", "concrete", "concrete call"}
    assert reach.arguments == {"tensor", "tensor spec", "keyword"}


def test_reproducer_prints_what_the_observation_records(tmp_path):
    sc = scenario(COUNTED.replace('log("trace")', 'log("trace")\n        ts.print("run", x)'),
                  Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(2.0)"),
                  Call("f", "ts.constant([1.0, 2.0])"), requires=("print",))
    for eager in (False, True):
        result = run_script(sc.reproducer(REFERENCE_IMPORT, eager), tmp_path)
        assert result.returncode == 0, result.stdout
        records = runner.observe(sc, runner.REFERENCE, eager)
        printed = [line for line in result.stdout.splitlines() if not re.match(r"\d+ <ts", line)]
        expected = []
        for record in records[1:]:
            expected += [f"{e.kind} {e.text}" if e.kind == "python" else e.text for e in record.events]
            expected += [f"tracing count: {record.tracing_counts['f']}"]
        assert printed == expected


# -- the eager switch is restored ----------------------------------------------------------------

FLAG_STEPS = (SetEager(True), Call("f", "ts.constant(1.0)"))


class TracingCountFails(ReferenceAdapter):
    name = "tracing-count-fails"

    def tracing_count(self, function):
        raise RuntimeError("backend exploded")


class SessionFailsOnExit(ReferenceAdapter):
    name = "session-fails-on-exit"

    @contextlib.contextmanager
    def session(self):
        with super().session():
            yield
            raise RuntimeError("session teardown failed")


class NamespaceFails(ReferenceAdapter):
    name = "namespace-fails"

    def namespace(self, on_print):
        raise RuntimeError("no namespace today")


@pytest.mark.parametrize("initial", [False, True])
@pytest.mark.parametrize(("adapter", "steps", "error"), [
    (ReferenceAdapter(), (*FLAG_STEPS, SetGlobal("G", "1 / 0")), ZeroDivisionError),
    (TracingCountFails(), FLAG_STEPS, runner.BackendError),
    (SessionFailsOnExit(), FLAG_STEPS, runner.BackendError),
    (NamespaceFails(), FLAG_STEPS, runner.BackendError),
], ids=["step-raises", "tracing-count-raises", "session-exit-raises", "namespace-raises"])
def test_observe_restores_the_eager_flag(initial, adapter, steps, error):
    sc = scenario("""
        @ts.function
        def f(x):
            return x
        """, *steps)
    ts.config.run_functions_eagerly(initial)
    with pytest.raises(error):
        runner.observe(sc, adapter, eager=not initial)
    assert ts.config.functions_run_eagerly() is initial


@pytest.mark.parametrize("initial", [False, True])
def test_a_program_that_fails_to_define_is_an_outcome_and_the_flag_is_restored(initial):
    sc = scenario("raise RuntimeError('program failed at import')\n", Call("f"))
    ts.config.run_functions_eagerly(initial)
    (definitions,) = runner.observe(sc, ReferenceAdapter(), eager=not initial)
    assert definitions.outcome == ErrorOutcome("RuntimeError", "program failed at import")
    assert ts.config.functions_run_eagerly() is initial


# -- trap versus crash ---------------------------------------------------------------------------

def test_the_programs_own_errors_are_observations():
    sc = scenario("""
        @ts.function
        def f(x):
            return {}["missing"]
        """, Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(1.0), 2"),
        Call("f", "ts.constant([1, 2]) + ts.constant([1, 2, 3])"))
    for eager in (False, True):
        records = runner.observe(sc, runner.REFERENCE, eager)
        assert [type(r.outcome) for r in records[1:]] == [ErrorOutcome] * 3
        categories = [r.outcome.category for r in records[1:]]
        assert categories == ["KeyError", "TypeError", "InvalidArgumentError"]


def test_an_internal_error_of_the_reference_is_a_reference_bug(monkeypatch):
    from tracespec.reference.ops import checks

    def broken(op, *shapes):
        return shapes.no_such_attribute  # a bug inside the reference, not a spec error

    monkeypatch.setattr(checks, "broadcast_shapes", broken)
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"))
    with pytest.raises(runner.ReferenceBug, match="no_such_attribute"):
        runner.check(sc, ReferenceAdapter(), False, REFERENCE_IMPORT)


def test_an_assertion_inside_the_reference_is_a_reference_bug(monkeypatch):
    from tracespec.reference import interpreter

    def broken(graph):
        raise AssertionError("the interpreter lost a node")

    monkeypatch.setattr(interpreter, "nodes_to_run", broken)
    with pytest.raises(runner.ReferenceBug, match="lost a node"):
        runner.predict(scenario(COUNTED, Call("f", "ts.constant(1.0)")), ReferenceAdapter(), False)


def test_a_backend_failing_outside_the_program_is_a_backend_error_not_a_violation():
    with pytest.raises(runner.BackendError, match=r"namespace\(\) raised") as caught:
        runner.check(scenario(COUNTED, Call("f", "ts.constant(1.0)")), NamespaceFails(), False,
                     REFERENCE_IMPORT)
    assert not isinstance(caught.value, AssertionError)


class Hangs(ReferenceAdapter):
    name = "hangs"

    def tracing_count(self, function):
        time.sleep(30)


def test_a_backend_that_hangs_is_named_with_the_scenario():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"))
    started = time.monotonic()
    with pytest.raises(runner.Hang, match=r"hangs ran over the 0\.5 s time limit") as caught:
        runner.check(sc, Hangs(), False, REFERENCE_IMPORT, time_limit=0.5)
    assert time.monotonic() - started < 10
    assert "def f(x):" in str(caught.value)


def test_calling_a_program_function_with_wrong_arguments_is_the_programs_error():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0), 2"), SetEager(True),
                  Call("f", "ts.constant(1.0), 2"))
    records = runner.observe(sc, runner.REFERENCE, False)
    assert records[1].outcome.category == records[3].outcome.category == "TypeError"
    runner.check(sc, ReferenceAdapter(), False, REFERENCE_IMPORT)


def test_retracing_warnings_are_events_of_the_scenario_alone():
    sc = scenario(COUNTED, *(Call("f", str(n)) for n in range(6)))
    records = runner.observe(sc, runner.REFERENCE, False)
    warnings = [(i, e.text) for i, r in enumerate(records) for e in r.events if e.kind == "warning"]
    assert warnings == [(5, "5 out of the last 5 calls to f triggered retracing"),
                        (6, "6 out of the last 6 calls to f triggered retracing")]
    assert runner.observe(sc, runner.REFERENCE, False)[5].events[-1] == Event(
        "warning", "5 out of the last 5 calls to f triggered retracing")  # a fresh count each run


def test_outcomes_keep_container_types_and_python_values():
    sc = scenario("""
        @ts.function
        def f(x):
            return Pair(x, [1, (x,)]), {"k": None}
        """, Call("f", "ts.constant(1.0)"), SetEager(True), Call("f", "ts.constant(1.0)"))
    records = runner.observe(sc, runner.REFERENCE, False)
    traced, eager = records[1].outcome, records[3].outcome
    assert [traced.type_name, traced.items[0][1].type_name, traced.items[1][1].type_name] == [
        "tuple", "Pair", "dict"]
    one = traced.items[0][1].items[1][1].items[0][1]
    assert isinstance(one, TensorLeaf) and one.dtype == "int32"
    assert eager.items[0][1].items[1][1].items[0][1].type_name == "int"
