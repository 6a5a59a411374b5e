"""Self-tests of the conformance machinery: codegen, scenarios and reproducers, observations and
their comparison, the runner, the adapter registry, the pytest plugin and the ``tracespec`` CLI.

Expected values are worked out by hand from the spec (or from the scenario text), never read back
from the module under test.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracespec.reference as ts
from tracespec.adapters import registry
from tracespec.adapters.base import CAPABILITIES, Adapter
from tracespec.adapters.reference import ReferenceAdapter
from tracespec.conformance import codegen as c
from tracespec.conformance import plugin, report, runner, strategies
from tracespec.conformance.observation import (
    ErrorOutcome,
    Event,
    PythonLeaf,
    StepRecord,
    TensorLeaf,
    compare,
    print_event,
)
from tracespec.conformance.scenario import Call, Concrete, Scenario, SetEager, SetGlobal

REFERENCE_IMPORT = "import tracespec.reference as ts"
BASE_REQUIRES = frozenset({"ops", "function", "tracing_count", "run_functions_eagerly"})


def scenario(source: str, *steps, functions=("f",), requires=(), chapter="side-effects",
             **globals_) -> Scenario:
    return Scenario(chapter, textwrap.dedent(source), tuple(steps), tuple(functions), ("TEST-1",),
                    dict(globals_), BASE_REQUIRES | frozenset(requires))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: not this run's xdist worker, no tracespec overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TRACESPEC_"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=clean_env(**env))


def cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "tracespec.conformance.cli", *args], cwd, **env)


def run_script(text: str, directory: Path) -> subprocess.CompletedProcess:
    path = directory / "script.py"
    path.write_text(text)
    return subprocess.run([sys.executable, "-u", str(path)], cwd=directory, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120, env=clean_env())


# == codegen ===================================================================================

def _full_program() -> tuple[c.FunctionDef, ...]:
    x, y = c.Name("x"), c.Name("y")
    body = (
        c.Log("start"),
        c.Assign("y", c.BinOp("*", x, c.Literal(2.0))),
        c.For("i", 3, (c.Assign("y", c.BinOp("+", y, c.Literal(1.0))),)),
        c.If(c.Name("p"), (c.Assign("y", c.Op("negative", (y,))),), (c.Log("not negated"),)),
        c.PyFunction("z", "host", y),
        c.Print("y", y),
        c.Assign("unused", c.Op("gather", (x, c.Literal([5])))),
        c.Leak(y),
        c.Return(c.Structure("dict", (
            ("y", y),
            ("pair", c.Structure("tuple", (c.Name("z"), c.Literal(1)))),
            ("one", c.Structure("tuple", (c.Subscript(y, "0"),))),
            ("list", c.Structure("list", (c.Subscript(y, "::-1"), c.Numpy(c.Name("x"))))),
            ("twice", c.CallFunction("g", (y,))),
        ))),
    )
    g = c.FunctionDef("g", ("a",), (c.Return(c.BinOp("*", c.Name("a"), c.Literal(2.0))),))
    f = c.FunctionDef("f", ("x", "p"), body, defaults=(("p", True),))
    return g, f


def _exec_program(source: str, lines: list[str]) -> dict:
    namespace: dict = {}
    exec(runner.HELPERS, namespace)
    namespace["log"] = lambda label: lines.append(f"python {label}")
    namespace["effect"] = lambda label: (
        lambda t: lines.append(f"py_function {label} {t.numpy().tolist()}") or t)
    namespace["ts"] = ts
    exec(compile(source, "<codegen test>", "exec"), namespace)
    return namespace


def test_codegen_renders_every_statement_as_runnable_source(capsys):
    source = c.program(_full_program())
    assert source.count("@ts.function") == 2
    compile(source, "<codegen>", "exec")  # valid Python

    lines: list[str] = []
    namespace = _exec_program(source, lines)
    x = ts.constant([1.0, 2.0])
    # Run eagerly the body runs op by op, so the unused gather's error surfaces...
    ts.config.run_functions_eagerly(True)
    with pytest.raises(ts.errors.InvalidArgumentError):
        namespace["f"](x)
    # ...traced, it is pruned (EFFECT-5) but the .numpy() of a symbolic x fails (TENSOR-4),
    ts.config.run_functions_eagerly(False)
    with pytest.raises(AttributeError):
        namespace["f"](x)


def test_codegen_program_computes_what_the_ast_says(capsys):
    g, f = _full_program()
    body = tuple(s for s in f.body if not isinstance(s, c.Assign) or s.target != "unused")
    returned = body[-1].value
    items = (*(item for item in returned.items if item[0] != "list"),
             ("list", c.Structure("list", (c.Subscript(c.Name("y"), "::-1"),))))
    f = c.FunctionDef("f", f.params, (*body[:-1], c.Return(c.Structure("dict", items))), f.defaults)
    source = c.program((g, f))
    for eager in (False, True):
        lines: list[str] = []
        namespace = _exec_program(source, lines)
        ts.config.run_functions_eagerly(eager)
        out = namespace["f"](ts.constant([1.0, 2.0]))
        # y = x*2 = [2, 4]; three times +1 -> [5, 7]; p defaults to True -> [-5, -7]
        np.testing.assert_array_equal(out["y"].numpy(), [-5.0, -7.0])
        np.testing.assert_array_equal(out["pair"][0].numpy(), [-5.0, -7.0])
        assert isinstance(out["pair"], tuple) and len(out["pair"]) == 2
        # a traced function converts the returned Python 1 into a tensor (RETURN-1)
        assert (out["pair"][1] == 1) if eager else int(out["pair"][1].numpy()) == 1
        assert isinstance(out["one"], tuple) and len(out["one"]) == 1
        assert float(out["one"][0].numpy()) == -5.0
        assert isinstance(out["list"], list)
        np.testing.assert_array_equal(out["list"][0].numpy(), [-7.0, -5.0])
        np.testing.assert_array_equal(out["twice"].numpy(), [-10.0, -14.0])
        assert lines == ["python start", "py_function host [-5.0, -7.0]"]
        assert len(namespace["LEAKED"]) == 1
        # p=False: the else branch logs instead of negating
        lines.clear()
        out = namespace["f"](ts.constant([1.0, 2.0]), False)
        np.testing.assert_array_equal(out["y"].numpy(), [5.0, 7.0])
        assert lines == ["python start", "python not negated", "py_function host [5.0, 7.0]"]
    printed = capsys.readouterr().err.splitlines()
    assert printed == ["y [-5 -7]", "y [5 7]"] * 2


def test_codegen_function_options_render_and_take_effect():
    f = c.FunctionDef("f", ("x",), (c.Log("trace"), c.Return(c.Name("x"))),
                      input_signature=(((None,), "float32"),))
    r = c.FunctionDef("r", ("x",), (c.Log("trace"), c.Return(c.Name("x"))), reduce_retracing=True)
    a = c.FunctionDef("a", ("x",), (c.If(c.BinOp(">", c.Name("x"), c.Literal(0.0)),
                                         (c.Return(c.Name("x")),)), c.Return(c.Literal(0.0))),
                      autograph=False)
    empty = c.FunctionDef("e", (), ())
    source = c.program((f, r, a, empty))
    lines: list[str] = []
    namespace = _exec_program(source, lines)
    ts.config.run_functions_eagerly(False)
    namespace["f"](ts.constant([1.0]))
    namespace["f"](ts.constant([1.0, 2.0, 3.0]))
    assert namespace["f"].experimental_get_tracing_count() == 1  # one trace for [None] float32
    with pytest.raises(TypeError):
        namespace["f"](ts.constant([1, 2]))  # int32 does not fit the signature (TRACE-10)
    for n in (2, 3, 4):
        namespace["r"](ts.zeros([n]))
    assert namespace["r"].experimental_get_tracing_count() == 2  # [2], then relaxed [None]
    with pytest.raises(TypeError):  # OperatorNotAllowedInGraphError is a TypeError (ERROR-3)
        namespace["a"](ts.constant(1.0))
    assert namespace["e"]() is None


def test_codegen_one_element_tuple_and_keywords():
    expr = c.Op("reshape", (c.Structure("tuple", (c.Literal(1),)),), (("shape", [-1]),))
    assert eval(c.expression(expr), {"ts": ts}).numpy().tolist() == [1]
    cast = c.Op("cast", (c.Literal([1.5, 2.5]),), (("dtype", "ts.int32"),))
    assert eval(c.expression(cast), {"ts": ts}).dtype == ts.int32


@pytest.mark.parametrize("chapter", sorted(strategies.CHAPTERS))
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_scenarios_compile_with_their_reproducers(chapter, data):
    drawn = data.draw(strategies.CHAPTERS[chapter]())
    assert drawn.chapter == chapter
    compile(drawn.source, "<scenario>", "exec")
    for eager in (False, True):
        compile(drawn.reproducer(REFERENCE_IMPORT, eager), "<reproducer>", "exec")
    for function in drawn.functions:
        assert f"def {function}(" in drawn.source


# == reproducers ================================================================================

TRACED_PROGRAM = """
    @ts.function
    def f(x):
        log("trace")
        ts.print("run", x)
        return x * 2
    """
CALLS = (Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(2.0)"),
         Call("f", "ts.constant([1.0, 2.0])"))


def _parse_reproducer_output(output: str, steps: int) -> list[dict]:
    """Per call step: the lines printed before its result, the result line, the tracing count."""
    parsed, pending = [], []
    lines = iter(output.splitlines())
    for line in lines:
        match = re.match(r"^(\d+) (.*)$", line)
        if match and int(match.group(1)) == len(parsed) + 1:
            count = next(lines)
            assert count.startswith("tracing count: "), count
            parsed.append({"events": pending, "result": match.group(2),
                           "count": int(count.split(": ")[1])})
            pending = []
        else:
            pending.append(line)
    assert len(parsed) == steps and not pending, output
    return parsed


@pytest.mark.parametrize("eager", [False, True])
def test_reproducer_runs_and_prints_what_the_observation_predicts(eager, tmp_path):
    sc = scenario(TRACED_PROGRAM, *CALLS, requires=("print",))
    result = run_script(sc.reproducer(REFERENCE_IMPORT, eager), tmp_path)
    assert result.returncode == 0, result.stdout
    printed = _parse_reproducer_output(result.stdout, 3)

    # By hand (EFFECT-1, EFFECT-2, TRACE-3): traced, the body runs for each new signature only;
    # eagerly it runs on every call and nothing is traced.
    counts = [0, 0, 0] if eager else [1, 1, 2]
    traces = [1, 1, 1] if eager else [1, 0, 1]
    assert [p["count"] for p in printed] == counts
    assert [p["events"].count("python trace") for p in printed] == traces
    assert [p["events"][-1] for p in printed] == ["run 1", "run 2", "run [1 2]"]
    assert "numpy=2.0" in printed[0]["result"] and "numpy=4.0" in printed[1]["result"]
    assert "shape=(2,)" in printed[2]["result"] and "[2., 4.]" in printed[2]["result"]

    # The runner's observation of the same scenario says the same.
    records = runner.observe(sc, runner.REFERENCE, eager)
    assert [r.tracing_counts for r in records] == [{"f": n} for n in counts]
    for record, shown in zip(records, printed):
        assert len(record.events) == len(shown["events"]), (record.events, shown["events"])
        for event, line in zip(record.events, shown["events"]):
            if event.kind == "python":
                assert line == f"python {event.label}"
            else:
                label, _, numbers = line.partition(" ")
                assert (event.kind, event.label) == ("print", label)
                assert event.values == tuple(float(v) for v in re.findall(r"-?[\d.]+", numbers))
        shown_values = re.findall(r"-?\d+\.\d*", shown["result"].split("numpy=")[1])
        assert [float(v) for v in shown_values] == record.outcome.value.ravel().tolist()
        shape = re.search(r"shape=\(([\d, ]*)\)", shown["result"]).group(1)
        assert tuple(int(d) for d in shape.split(",") if d.strip()) == record.outcome.shape


def test_reproducer_replays_flag_switches_and_global_rebinding(tmp_path):
    sc = scenario("""
        @ts.function
        def f(x):
            log("trace")
            return x + G
        """, Call("f", "ts.constant(1.0)"), SetGlobal("G", "10.0"), Call("f", "ts.constant(1.0)"),
        SetEager(True), Call("f", "ts.constant(1.0)"), Concrete("f", "ts.TensorSpec([], ts.float32)"),
        G="1.0")
    result = run_script(sc.reproducer(REFERENCE_IMPORT, eager=False), tmp_path)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    # EFFECT-7: G is frozen at trace (1.0), so the cached graph still adds 1; eagerly it adds 10.
    assert lines[:3] == ["python trace", "1 <ts.Tensor: shape=(), dtype=float32, numpy=2.0>",
                         "tracing count: 1"]
    # Results are numbered by their step in the call script (step 2 rebinds G, step 4 flips).
    assert lines[3:6] == ["3 <ts.Tensor: shape=(), dtype=float32, numpy=2.0>", "tracing count: 1",
                          "python trace"]
    assert lines[6:8] == ["5 <ts.Tensor: shape=(), dtype=float32, numpy=11.0>", "tracing count: 1"]
    # get_concrete_function finds the cached float32 scalar trace: no new trace (TRACE-2).
    assert lines[8].startswith("6 ") and lines[9] == "tracing count: 1"
    assert len(lines) == 10


def test_runner_binds_the_scenario_globals():
    """A scenario's ``globals`` are part of the program: the runner must bind them as the
    reproducer does (``G = <value>`` before the program)."""
    sc = scenario("""
        @ts.function
        def f(x):
            return x + G
        """, Call("f", "ts.constant(1)"), G="10")
    for eager in (False, True):
        (record,) = runner.observe(sc, runner.REFERENCE, eager)
        assert isinstance(record.outcome, TensorLeaf), record.outcome
        assert record.outcome.value.tolist() == 11, (
            "runner.observe ignored Scenario.globals {'G': '10'} (the reproducer binds G = 10)")


# == observations and their comparison ===========================================================

def leaf(dtype: str, value) -> TensorLeaf:
    array = np.asarray(value, dtype=np.dtype(dtype))
    return TensorLeaf(dtype, array.shape, array)


def record(outcome=None, events=(), counts=None) -> StepRecord:
    return StepRecord("f(x)", outcome, list(events), dict(counts or {"f": 1}))


def differs(expected, actual) -> list[str]:
    return [d.aspect for d in compare([expected], [actual])]


def test_compare_finds_nothing_between_equal_observations():
    want = record((leaf("int32", [1, 2]), {"a": PythonLeaf("str", "s")}, [None]),
                  [Event("python", "trace"), Event("print", "p", (1.0, 2.0))])
    got = record((leaf("int32", [1, 2]), {"a": PythonLeaf("str", "s")}, [None]),
                 [Event("python", "trace"), Event("print", "p", (1.0, 2.0))])
    assert compare([want, want], [got, got]) == []


@pytest.mark.parametrize("actual", [
    leaf("int32", [1, 3]),                  # one integer differs
    leaf("int64", [1, 2]),                  # dtype
    leaf("int32", [[1, 2]]),                # shape
    leaf("int32", [1]),
    PythonLeaf("int", 1),                   # a Python value instead of a tensor
    ErrorOutcome("InvalidArgumentError", "x"),
    None,
    (leaf("int32", [1, 2]),),               # wrapped in a structure
])
def test_compare_is_exact_on_integer_tensors(actual):
    assert differs(record(leaf("int32", [1, 2])), record(actual)) == ["outcome"]


def test_compare_is_exact_on_large_integers():
    big = 10**15
    assert differs(record(leaf("int64", [big])), record(leaf("int64", [big + 1]))) == ["outcome"]
    assert differs(record(PythonLeaf("int", big)), record(PythonLeaf("int", big + 1))) == ["outcome"]
    assert differs(record(PythonLeaf("bool", True)), record(PythonLeaf("int", 1))) == ["outcome"]
    assert differs(record(leaf("bool", [True])), record(leaf("bool", [False]))) == ["outcome"]


def test_compare_tolerates_only_last_bit_float_differences():
    one32 = np.float32(1.5)
    next32 = np.nextafter(one32, np.float32(2))
    assert differs(record(leaf("float32", [one32])), record(leaf("float32", [next32]))) == []
    assert differs(record(leaf("float32", [1.5])), record(leaf("float32", [1.5015]))) == ["outcome"]
    one64 = np.float64(1.5)
    next64 = np.nextafter(one64, 2.0)
    assert differs(record(leaf("float64", [one64])), record(leaf("float64", [next64]))) == []
    assert differs(record(leaf("float64", [1.5])), record(leaf("float64", [1.5 + 1e-9]))) == [
        "outcome"]
    # A float tolerance never hides a dtype or shape difference, and NaN equals NaN.
    assert differs(record(leaf("float32", [1.5])), record(leaf("float64", [1.5]))) == ["outcome"]
    assert differs(record(leaf("float32", [1.5])), record(leaf("float32", 1.5))) == ["outcome"]
    assert differs(record(leaf("float32", [np.nan])), record(leaf("float32", [np.nan]))) == []
    assert differs(record(PythonLeaf("float", 0.1 + 0.2)), record(PythonLeaf("float", 0.3))) == []
    assert differs(record(PythonLeaf("float", 0.3)), record(PythonLeaf("float", 0.31))) == [
        "outcome"]


def test_compare_structures_exactly():
    t = leaf("float32", [1.0])
    assert differs(record((t, t)), record([t, t])) == ["outcome"]
    assert differs(record({"a": t}), record({"b": t})) == ["outcome"]
    assert differs(record({"a": t, "b": t}), record({"b": t, "a": t})) == []
    assert differs(record((t,)), record((t, t))) == ["outcome"]
    assert differs(record(None), record(None)) == []


def test_compare_error_outcomes_by_category_only():
    a = ErrorOutcome("InvalidArgumentError", "indices[0] = 5 is not in [0, 1)")
    b = ErrorOutcome("InvalidArgumentError", "a completely different message")
    assert differs(record(a), record(b)) == []
    assert differs(record(a), record(ErrorOutcome("TypeError", a.message))) == ["outcome"]
    assert differs(record(a), record(ErrorOutcome("OpError", a.message))) == ["outcome"]


@pytest.mark.parametrize("actual", [
    [Event("print", "trace")],                                 # kind
    [Event("python", "trace2")],                               # label
    [Event("python", "trace"), Event("python", "trace")],      # count
    [],
])
def test_compare_is_exact_on_event_kinds_labels_and_counts(actual):
    assert differs(record(events=[Event("python", "trace")]), record(events=actual)) == ["events"]


def test_compare_is_exact_on_event_order():
    a, b = Event("print", "A", (1.0,)), Event("py_function", "B", (2.0,))
    assert differs(record(events=[a, b]), record(events=[b, a])) == ["events"]


def test_compare_event_values():
    want = record(events=[Event("print", "x", (1.5, 2.0))])
    close = np.nextafter(np.float32(1.5), np.float32(2))
    assert differs(want, record(events=[Event("print", "x", (float(close), 2.0))])) == []
    assert differs(want, record(events=[Event("print", "x", (1.6, 2.0))])) == ["events"]
    assert differs(want, record(events=[Event("print", "x", (1.5,))])) == ["events"]


def test_compare_is_exact_on_integers_printed_in_events():
    """Printed integer tensors must compare exactly, like integer outputs do."""
    want = record(events=[print_event("x 100000000")])
    got = record(events=[print_event("x 100000001")])
    assert differs(want, got) == ["events"]


def test_print_event_parses_label_and_numbers():
    event = print_event("mid [1.5 -2 3e-05] nan")
    assert (event.kind, event.label) == ("print", "mid")
    assert event.values[:3] == (1.5, -2.0, 3e-05)
    assert np.isnan(event.values[3])


def test_compare_tracing_counts_exactly():
    assert differs(record(counts={"f": 1, "g": 0}), record(counts={"f": 1, "g": 1})) == [
        "tracing count"]
    assert differs(record(counts={"f": 1}), record(counts={"f": 1})) == []
    # several aspects of one step are all reported, with the step number
    (d1, d2) = compare([record(leaf("int32", 1)), record(counts={"f": 2})],
                       [record(leaf("int32", 1)), record(leaf("int32", 2), counts={"f": 3})])
    assert (d1.step, d1.aspect, d2.step, d2.aspect) == (2, "outcome", 2, "tracing count")
    assert "{'f': 2}" in str(d2) and "{'f': 3}" in str(d2)


# == runner.check and Violation ===================================================================

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


def test_check_passes_the_reference_adapter():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(2)"))
    for eager in (False, True):
        runner.check(sc, ReferenceAdapter(), eager, REFERENCE_IMPORT)


def test_check_raises_violation_with_reproducer():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(2.0)"))
    with pytest.raises(runner.Violation) as caught:
        runner.check(sc, OffByOne(), False, "import my_backend as ts")
    message = str(caught.value)
    assert isinstance(caught.value, AssertionError)
    assert "off-by-one departs from the spec" in message
    assert "side-effects, traced mode" in message and "TEST-1" in message
    assert "step 1 (tracing count)" in message and "step 2 (tracing count)" in message
    assert "expected: {'f': 1}" in message and "actual:   {'f': 2}" in message
    assert "(outcome)" not in message and "(events)" not in message
    reproducer = message.split("--- reproducer ---\n", 1)[1]
    assert reproducer.startswith("# tracespec reproducer")
    assert "import my_backend as ts" in reproducer
    assert "def f(x):" in reproducer and 'log("trace")' in reproducer
    assert "ts.config.run_functions_eagerly(False)" in reproducer
    assert "f(ts.constant(2.0))" in reproducer
    compile(reproducer, "<reproducer>", "exec")


def test_check_names_the_eager_mode():
    sc = scenario(COUNTED, Call("f", "ts.constant(1.0)"))
    with pytest.raises(runner.Violation, match="eager mode") as caught:
        runner.check(sc, OffByOne(), True, REFERENCE_IMPORT)
    assert "ts.config.run_functions_eagerly(True)" in str(caught.value)


def _next_float(array):
    if array.dtype.kind == "f":
        return np.nextafter(array, np.inf).astype(array.dtype)
    return array


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


# == runner.observe restores the eager switch =====================================================

FLAG_SCENARIO_STEPS = (SetEager(True), Call("f", "ts.constant(1.0)"))


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


class SessionFailsOnEnter(ReferenceAdapter):
    name = "session-fails-on-enter"

    @contextlib.contextmanager
    def session(self):
        with super().session():
            self.set_run_eagerly(True)
            raise RuntimeError("session setup failed")
        yield  # pragma: no cover


@pytest.mark.parametrize("initial", [False, True])
@pytest.mark.parametrize(("adapter", "steps", "error"), [
    (ReferenceAdapter(), (*FLAG_SCENARIO_STEPS, SetGlobal("G", "1 / 0")), ZeroDivisionError),
    (ReferenceAdapter(), (SetEager(False), Call("f", "ts.constant(1.0)"), SetGlobal("G", "missing")),
     NameError),
    (TracingCountFails(), FLAG_SCENARIO_STEPS, RuntimeError),
    (SessionFailsOnExit(), FLAG_SCENARIO_STEPS, RuntimeError),
    (SessionFailsOnEnter(), FLAG_SCENARIO_STEPS, RuntimeError),
], ids=["step-raises", "step-raises-traced", "tracing-count-raises", "session-exit-raises",
        "session-enter-raises"])
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
def test_observe_restores_the_eager_flag_when_the_program_raises(initial):
    sc = scenario("raise RuntimeError('program failed at import')\n", Call("f"))
    ts.config.run_functions_eagerly(initial)
    with pytest.raises(RuntimeError, match="program failed"):
        runner.observe(sc, ReferenceAdapter(), eager=not initial)
    assert ts.config.functions_run_eagerly() is initial


def test_observe_and_predict_leave_the_flag_alone_on_success():
    sc = scenario(COUNTED, *FLAG_SCENARIO_STEPS)
    ts.config.run_functions_eagerly(False)
    runner.check(sc, ReferenceAdapter(), False, REFERENCE_IMPORT)
    assert ts.config.functions_run_eagerly() is False


# == the adapter registry ==========================================================================

TINY_MODULE = '''
from tracespec.adapters.reference import ReferenceAdapter


class TinyAdapter(ReferenceAdapter):
    name = "tiny"

    def version(self):
        return "tiny-1.0"


adapter = TinyAdapter()
not_an_adapter = object()
'''


@pytest.fixture
def tiny_module(tmp_path, monkeypatch):
    name = f"tiny_backend_{abs(hash(str(tmp_path))) % 10**8}"
    (tmp_path / f"{name}.py").write_text(TINY_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_unknown_backend_lists_the_known_ones():
    with pytest.raises(registry.AdapterError) as caught:
        registry.load("no-such-backend")
    message = str(caught.value)
    assert "no-such-backend" in message
    for known in ("reference", "mutant-no-pruning", "mutant-stateful-reordered"):
        assert known in message
    assert "module:attribute" in message


def test_known_backends_come_from_entry_points():
    known = registry.known_backends()
    assert known["reference"] == "tracespec.adapters.reference:adapter"
    assert len([n for n in known if n.startswith("mutant-")]) >= 12


def test_module_attribute_loading(tiny_module):
    adapter = registry.load(f"{tiny_module}:adapter")
    assert adapter.name == "tiny" and adapter.version() == "tiny-1.0"
    from_class = registry.load(f"{tiny_module}:TinyAdapter")  # a class is instantiated
    assert isinstance(from_class, Adapter) and from_class.name == "tiny"
    assert registry.importable(f"{tiny_module}:adapter") == (True, "tiny-1.0")


def test_module_attribute_errors(tiny_module):
    with pytest.raises(registry.AdapterError, match="no attribute 'missing'"):
        registry.load(f"{tiny_module}:missing")
    with pytest.raises(registry.AdapterError, match="could not be imported"):
        registry.load("no_such_module_for_tracespec:adapter")
    with pytest.raises(registry.AdapterError, match="does not implement the adapter protocol"):
        registry.load(f"{tiny_module}:not_an_adapter")
    ok, reason = registry.importable("no_such_module_for_tracespec:adapter")
    assert not ok and "could not be imported" in reason


def _write_module(tmp_path, monkeypatch, name, text):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_adapter_without_tracing_count_is_rejected(tmp_path, monkeypatch):
    _write_module(tmp_path, monkeypatch, "no_count_backend", """
        import tracespec.reference as ts
        from tracespec.adapters.base import Adapter

        class NoCount(Adapter):
            name = "no-count"
            def version(self): return "0"
            def namespace(self, on_print): return ts
            def set_run_eagerly(self, flag): ts.config.run_functions_eagerly(flag)
            def run_eagerly(self): return ts.config.functions_run_eagerly()
            def to_numpy(self, value): return None

        class Plain:  # not an Adapter subclass at all
            name = "plain"
            policies = None
            capabilities = frozenset()
            def version(self): return "0"

        class Unknown(NoCount):
            capabilities = frozenset({"ops", "teleport"})
            def tracing_count(self, function): return 0
        """)
    with pytest.raises(registry.AdapterError) as caught:
        registry.load("no_count_backend:NoCount")
    message = str(caught.value)
    assert "tracing_count" in message
    for present in ("version", "namespace", "to_numpy", "set_run_eagerly"):
        assert present not in message.split("missing")[1]
    with pytest.raises(registry.AdapterError) as caught:
        registry.load("no_count_backend:Plain")
    for absent in ("namespace", "tracing_count", "to_numpy", "session"):
        assert absent in str(caught.value)
    with pytest.raises(registry.AdapterError, match="teleport"):
        registry.load("no_count_backend:Unknown")


def test_cli_check_with_an_unknown_backend(tmp_path):
    result = cli("check", "--backend", "no-such-backend", cwd=tmp_path)
    assert result.returncode == 2
    assert "no-such-backend" in result.stderr and "reference" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_backends_lists_reference_as_ok(tmp_path):
    result = cli("backends", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    status = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines() if line.strip()}
    assert status["reference"] == "ok"
    mutants = [name for name in status if name.startswith("mutant-")]
    assert len(mutants) >= 12
    assert all(status[name] == "ok" for name in mutants)
    assert set(status) == set(registry.known_backends())


# == capabilities and the plugin ===================================================================

class NoPrint(ReferenceAdapter):
    name = "no-print"
    capabilities = CAPABILITIES - {"print"}

    def __init__(self):
        self.namespaces = 0

    def namespace(self, on_print):
        self.namespaces += 1
        return super().namespace(on_print)


def test_scenario_needing_a_missing_capability_is_skipped_not_run():
    adapter = NoPrint()
    needs_print = scenario(TRACED_PROGRAM, *CALLS, requires=("print",))
    with pytest.raises(pytest.skip.Exception, match="print"):
        plugin.verify(needs_print, adapter, "traced", REFERENCE_IMPORT)
    with pytest.raises(pytest.skip.Exception, match="print"):
        plugin.verify(needs_print, adapter, "eager", REFERENCE_IMPORT)
    assert adapter.namespaces == 0, "a scenario the backend cannot run was run"
    plugin.verify(scenario(COUNTED, *CALLS), adapter, "traced", REFERENCE_IMPORT)  # runs, passes
    assert adapter.namespaces == 1


NO_PRINT_MODULE = """
from tracespec.adapters.base import CAPABILITIES
from tracespec.adapters.reference import ReferenceAdapter


class NoPrint(ReferenceAdapter):
    name = "no-print"
    capabilities = CAPABILITIES - {"print"}


adapter = NoPrint()
"""


def test_missing_capability_is_reported_as_skipped_by_tracespec_check(tmp_path):
    (tmp_path / "no_print_backend.py").write_text(NO_PRINT_MODULE)
    out = tmp_path / "out"
    result = cli("check", "--backend", "no_print_backend:adapter", "--profile", "dev",
                 "--report", str(out), "--", "-k", "test_example", cwd=tmp_path,
                 PYTHONPATH=str(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    data = json.loads((out / "report.json").read_text())
    outcome = {t["test"].split("::")[-1]: t for t in data["tests"]}
    for mode in ("eager", "traced"):
        skipped = outcome[f"test_example[EFFECT-4 program order-{mode}]"]  # uses ts.print
        assert skipped["outcome"] == "skipped" and "print" in skipped["details"]
        ran = outcome[f"test_example[EFFECT-5 pruning-{mode}]"]  # no print
        assert ran["outcome"] == "passed"
    assert data["chapters"]["side-effects"]["traced"]["skipped"] >= 1


XFAIL_RUN = ["--pyargs", "tracespec.conformance.suite", "-p", "no:cacheprovider", "-o", "addopts=",
             "-k", "test_example"]


def pytest_run(tmp_path, *args):
    return run([sys.executable, "-m", "pytest", *XFAIL_RUN, *args], tmp_path)


def test_expected_failure_that_passes_fails_strictly_and_stale_entries_warn(tmp_path):
    xfail = tmp_path / "xfail.txt"
    xfail.write_text(
        "# comment lines and blank lines are ignored\n\n"
        "test_tensors_and_ops.py::test_example[OP-5 static slice-traced]  # pretend it fails\n"
        "test_example[no such example-eager]  # a stale entry\n"
    )
    result = pytest_run(tmp_path, "--tracespec-xfail", str(xfail), "-q", "-rA")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "XPASS(strict)" in output and "pretend it fails" in output
    assert re.search(r"FAILED \S*test_example\[OP-5 static slice-traced\]", output), output
    assert re.search(r"\b1 failed\b", output), output
    assert "no such example-eager" in output and "matches no test" in output


def test_expected_failure_of_a_failing_check_is_an_xfail(tmp_path):
    xfail = tmp_path / "xfail.txt"
    xfail.write_text("test_example[EFFECT-5 pruning-traced]  # unused ops are not pruned yet\n")
    result = pytest_run(tmp_path, "--tracespec-xfail", str(xfail), "--backend",
                        "mutant-no-pruning", "-q")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"\b1 xfailed\b", output), output
    assert "failed" not in output.replace("xfailed", ""), output


def test_expected_failure_without_reason_is_a_usage_error(tmp_path):
    xfail = tmp_path / "xfail.txt"
    xfail.write_text("test_example[OP-5 static slice-traced]\n")
    result = pytest_run(tmp_path, "--tracespec-xfail", str(xfail), "-q")
    assert result.returncode == 4, result.stdout + result.stderr  # pytest.ExitCode.USAGE_ERROR
    assert "without a reason" in result.stderr
    assert f"{xfail}:1" in result.stderr


def test_suite_passes_on_the_reference_under_xdist(tmp_path):
    result = run([sys.executable, "-m", "pytest", "--pyargs", "tracespec.conformance.suite",
                  "-n", "2", "-p", "no:cacheprovider", "-o", "addopts=",
                  "--tracespec-profile", "dev"], tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "created: 2/2 workers" in output
    assert re.search(r"\b\d+ passed\b", output) and " failed" not in output, output[-2000:]
    assert "tracespec backend: reference" in output
    assert "tracespec profile: dev" in output
    assert "python_scalar_arguments=literal" in output


def test_cli_report_under_xdist_has_the_schema_fields(tmp_path):
    out = tmp_path / "out"
    result = cli("check", "--profile", "dev", "-n", "2", "--report", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    data = json.loads((out / "report.json").read_text())
    for key in ("schema", "backend", "backend_version", "policies", "profile", "chapters", "rules",
                "tests"):
        assert key in data, key
    assert data["schema"] == "tracespec-report/1"
    assert data["backend"] == "reference" and data["profile"] == "dev"
    assert data["backend_version"]
    assert data["policies"]["python_scalar_arguments"] == "literal"
    assert data["policies"]["eager_switch_scope"] == "process-global"
    # with workers, every test still reaches the report, with its chapter and mode
    assert data["tests"] and all(t["outcome"] == "passed" for t in data["tests"])
    for chapter, modes in data["chapters"].items():
        for mode in ("eager", "traced"):
            assert modes[mode]["passed"] >= 1, (chapter, mode)
            assert modes[mode]["passed"] == sum(
                1 for t in data["tests"] if (t["chapter"], t["mode"]) == (chapter, mode))
    assert {"EFFECT-5", "TRACE-12", "EAGER-2", "NEST-2"} <= set(data["rules"])
    assert all(modes == {"eager": "passed", "traced": "passed"} for modes in data["rules"].values())
    md = (out / "report.md").read_text()
    assert md.startswith("# Conformance report: reference")
    assert "| side-effects |" in md


def test_printed_reproducer_runs_as_printed(tmp_path):
    """The reproducer under ``=== violation:`` is a script: copied as printed, it runs."""
    result = cli("check", "--backend", "mutant-no-pruning", "--profile", "dev", "--",
                 "-k", "test_example and EFFECT-5", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    section = result.stdout.split("=== violation: side-effects (traced)", 1)[1]
    lines = section.split("--- reproducer ---", 1)[1].splitlines()[1:]
    last = max(i for i, line in enumerate(lines) if "print('tracing count:'" in line)
    script = "\n".join(lines[: last + 1]) + "\n"
    ran = run_script(script, tmp_path)
    assert ran.returncode == 0, f"the printed reproducer does not run:\n{ran.stdout}\n{script}"
    assert "tracing count:" in ran.stdout


# == report =======================================================================================

def test_report_counts_rules_and_markdown(tmp_path):
    collector = report.Collector()
    collector.header = {"backend": "demo", "backend_version": "9.9", "profile": "ci",
                        "policies": {"python_scalar_arguments": "literal"}, "python": "3.x"}
    R = report.Result
    collector.results = [
        R("m::test_example[OP-5 static slice-eager]", "tensors-and-ops", "eager", "passed",
          ("OP-5",)),
        R("m::test_example[OP-5 static slice-traced]", "tensors-and-ops", "traced", "failed",
          ("OP-5",), "Violation: demo departs\n--- reproducer ---\nprint(1)"),
        R("m::test_generated[traced]", "tensors-and-ops", "traced", "passed", ("OP-5", "OP-1")),
        R("m::test_generated[eager]", "errors", "eager", "xfailed", ("ERROR-1",), "known bug"),
        R("m::test_generated[traced]", "errors", "traced", "skipped", ("ERROR-1",), "lacks print"),
    ]
    json_path, md_path = report.write(collector, tmp_path / "nested" / "dir")
    data = json.loads(json_path.read_text())
    assert data["schema"] == "tracespec-report/1"
    assert data["backend"] == "demo" and data["backend_version"] == "9.9"
    ops = data["chapters"]["tensors-and-ops"]
    assert ops["eager"] == {"passed": 1, "failed": 0, "xfailed": 0, "skipped": 0}
    assert ops["traced"] == {"passed": 1, "failed": 1, "xfailed": 0, "skipped": 0}
    assert data["chapters"]["errors"]["eager"]["xfailed"] == 1
    assert data["chapters"]["errors"]["traced"]["skipped"] == 1
    assert data["chapters"]["side-effects"]["traced"] == {
        "passed": 0, "failed": 0, "xfailed": 0, "skipped": 0}
    assert data["rules"]["OP-5"] == {"eager": "passed", "traced": "failed"}  # a failure wins
    assert data["rules"]["OP-1"] == {"traced": "passed"}
    assert data["rules"]["ERROR-1"] == {"eager": "xfailed", "traced": "skipped"}
    assert len(data["tests"]) == 5 and data["tests"][1]["outcome"] == "failed"
    md = md_path.read_text()
    assert "## Violations" in md and "--- reproducer ---" in md
    assert "## Expected failures" in md and "known bug" in md
    assert "| tensors-and-ops | 1 / 0 / 0 / 0 | 1 / 1 / 0 / 0 |" in md
    table = report.table(collector.results)
    assert re.search(r"tensors-and-ops\s+1\s+0\s+0\s+0\s+1\s+1\s+0\s+0", table), table
