"""The adapter protocol as an outside author meets it (docs/adapters.md).

The contract page agrees with the code; scenarios require the capabilities of what they use, and
a missing one skips the scenario, not the test; Tensor members a backend supplies replace the
missing ones without patching; the tracing count may be left out; ``error_category`` is told the
phase; ``py_function`` callables carry their output spec; expected-failure files live with the
adapter or come from ``--xfail``; an unimplemented policy is a one-line error; reproducers are
native where the backend spells them, and keep the tracespec form elsewhere.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracespec.reference as reference
from tracespec.adapters import registry
from tracespec.adapters.base import CAPABILITIES
from tracespec.adapters.reference import ReferenceAdapter
from tracespec.conformance import chapters, contract, expected_failures, tensor_api, vocabulary
from tracespec.conformance.plugin import Run, Suite
from tracespec.conformance.runner import OPTIONAL, Violation, check
from tracespec.conformance.scenario import Concrete, Scenario

DOCS = Path(__file__).resolve().parents[2] / "docs" / "adapters.md"
IMPORT = "import tracespec.reference as ts"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TRACESPEC_"))}
    if cwd is not None:
        env["PYTHONPATH"] = str(cwd)
    return subprocess.run([sys.executable, "-m", "tracespec.conformance.cli", *args],
                          capture_output=True, text=True, timeout=600, env=env, cwd=cwd)


# -- the contract page ------------------------------------------------------------------------

def test_the_pages_generated_section_is_the_codes_contract():
    assert contract.section(DOCS) == contract.markdown(), (
        "docs/adapters.md is stale: python -m tracespec.conformance.contract --update docs/adapters.md")


def test_the_contract_lists_every_name_member_option_and_category():
    names = [row[0] for row in contract.names()]
    assert names == sorted(reference.__all__)
    assert {m for m, _, _ in contract.tensor_members()} >= {"numpy", "__add__", "__getitem__", "__bool__"}
    assert "__radd__" not in {m for m, _, _ in contract.tensor_members()}  # served by __add__
    assert [o for o, _ in contract.function_options()] == ["input_signature", "reduce_retracing", "autograph"]
    page = contract.markdown()
    for category in ("InvalidArgumentError", "OperatorNotAllowedInGraphError", "AttributeError"):
        assert f"| `{category}` |" in page


def test_every_gate_is_a_capability_and_names_something_of_the_vocabulary():
    known = {*vocabulary.NAMESPACE, *(f"Tensor.{m}" for m in vocabulary.TENSOR),
             *(f"Function.{m}" for m in vocabulary.FUNCTION),
             *(f"function({o}=...)" for o, _ in contract.function_options())}
    for name, gate in contract.GATES.items():
        assert name in known, name
        assert set(gate.split(" or ")) <= CAPABILITIES, gate


def used_capabilities(scenario: Scenario) -> set[str]:
    """The capabilities the contract says a scenario's own text needs (every alternative of a gate)."""
    texts = [scenario.source, *(f"_({getattr(step, 'args', '')})" for step in scenario.steps),
             *(getattr(step, "function", "") for step in scenario.steps)]
    needed: set[str] = set()
    for text in texts:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ts":
                needed.add(contract.GATES.get(node.attr, "ops"))
            elif isinstance(node, ast.Attribute):  # a member of a tensor or of a function
                needed.add(contract.GATES.get(f"Tensor.{node.attr}",
                                              contract.GATES.get(f"Function.{node.attr}", "ops")))
            elif isinstance(node, ast.keyword):
                needed.add(contract.GATES.get(f"function({node.arg}=...)", "ops"))
    if any(isinstance(step, Concrete) for step in scenario.steps):
        needed.add("get_concrete_function")
    return {gate for gate in needed if " or " not in gate}  # TensorSpec: either one


@pytest.mark.parametrize("name", sorted(chapters.HANDWRITTEN))
def test_a_handwritten_scenario_requires_what_it_uses(name):
    scenario = chapters.HANDWRITTEN[name]
    assert used_capabilities(scenario) - OPTIONAL <= scenario.requires, name


@pytest.mark.parametrize("slug", sorted(chapters.BY_SLUG))
@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_generated_scenario_requires_exactly_what_it_uses(slug, data):
    scenario = data.draw(chapters.BY_SLUG[slug].scenarios())
    assert used_capabilities(scenario) - OPTIONAL <= scenario.requires
    extra = scenario.requires - used_capabilities(scenario) - {"ops", "function", "tracing_count",
                                                              "run_functions_eagerly", "numpy"}
    assert not extra, f"{slug} requires {extra} it does not use:\n{scenario.source}"


# -- capabilities ---------------------------------------------------------------------------

class WithoutConcreteFunctions(ReferenceAdapter):
    name = "no-concrete"
    capabilities = CAPABILITIES - {"get_concrete_function"}


def test_a_missing_capability_skips_the_scenario_and_the_test_goes_on():
    suite = Suite(WithoutConcreteFunctions(), "ci", IMPORT, expected_failures.ExpectedFailures(), 60.0)
    run = Run(suite)
    run.generated(chapters.BY_SLUG["tracing-and-cache"], "traced")  # passes: not all were skipped
    assert run.checked > 0
    assert run.skipped and all("lacks get_concrete_function" in reason for reason in run.skipped)


class CannotCount(ReferenceAdapter):
    name = "cannot-count"
    capabilities = CAPABILITIES - {"tracing_count"}

    def tracing_count(self, function):
        raise AssertionError("the suite must not ask a backend that cannot count")


class CannotCountAndMisprints(CannotCount):
    name = "cannot-count-misprints"

    def namespace(self, on_print):
        return super().namespace(lambda line: on_print(line + "!"))


@pytest.mark.parametrize("name", ["TRACE-4 literals by equality", "EFFECT-4 program order"])
def test_without_tracing_count_everything_else_is_compared(name):
    scenario = chapters.HANDWRITTEN[name]
    check(scenario, CannotCount(), False, IMPORT)  # never asked for a count, conforms on the rest
    if "ts.print" in scenario.source:
        with pytest.raises(Violation, match=r"\(events\)"):
            check(scenario, CannotCountAndMisprints(), False, IMPORT)


# -- Tensor members an adapter supplies --------------------------------------------------------

class Watched(ReferenceAdapter):
    """The reference, with ``.numpy()`` and ``/`` supplied (and recorded) by the adapter."""

    name = "watched"
    calls: ClassVar[list[str]] = []

    @staticmethod
    def _numpy(tensor):
        Watched.calls.append("numpy")
        return tensor.numpy()

    @staticmethod
    def _divide(a, b):
        Watched.calls.append("__truediv__")
        return reference.divide(a, b)

    tensor_api: ClassVar[dict] = {"numpy": _numpy, "__truediv__": _divide}


def test_supplied_members_are_used_for_the_backends_tensors_in_programs_and_call_scripts():
    Watched.calls.clear()
    check(chapters.HANDWRITTEN["EAGER-7 seed example"], Watched(), True, IMPORT)  # (lo + hi) / 2, .numpy()
    assert "numpy" in Watched.calls and "__truediv__" in Watched.calls
    Watched.calls.clear()
    check(chapters.HANDWRITTEN["RETURN-3 leaked tensors"], Watched(), False, IMPORT)  # LEAKED[0].numpy
    assert Watched.calls == ["numpy"]


def test_a_supplied_operator_applies_to_tensors_only():
    api = tensor_api.TensorAPI({"__truediv__": lambda a, b: ("supplied", a, b)}, reference.is_tensor)
    namespace = {tensor_api.NAME: api}
    code = tensor_api.compile_program("q = 7 / 2\nt = x / 2", "<test>", "exec", frozenset({"__truediv__"}))
    namespace["x"] = reference.constant(1.0)
    exec(code, namespace)
    assert namespace["q"] == 3.5
    assert namespace["t"][0] == "supplied" and namespace["t"][2] == 2


def test_the_rewrite_keeps_short_circuits_and_evaluates_each_operand_once():
    seen = []
    api = tensor_api.TensorAPI({"__bool__": lambda v: bool(v)}, lambda v: True)
    namespace = {tensor_api.NAME: api, "see": lambda v: seen.append(v) or v}
    exec(tensor_api.compile_program("r = see(0) or see(2) or see(3)\nq = see(0) and see(5)",
                                    "<test>", "exec", frozenset({"__bool__"})), namespace)
    assert (namespace["r"], namespace["q"]) == (2, 0)
    assert seen == [0, 2, 0]


def test_slices_and_comparisons_are_rewritten_with_their_operands():
    supplied = frozenset({"__getitem__", "__lt__", "__neg__", "__iter__"})
    text = tensor_api.rewrite("y = -x[::-1, 0] < 1\nfor v in x: pass", supplied)
    assert "operator('__getitem__', x, (slice(None, None, -1), 0))" in text
    assert "operator('__lt__'" in text and "operator('__neg__'" in text and "operator('__iter__', x)" in text
    assert tensor_api.rewrite("y = x + 1", supplied) == "y = x + 1"  # nothing supplied is used


def test_an_unknown_supplied_member_is_rejected_when_the_backend_loads(tmp_path):
    (tmp_path / "typo_adapter.py").write_text(textwrap.dedent("""
        from tracespec.adapters.reference import ReferenceAdapter
        class Typo(ReferenceAdapter):
            name = "typo"
            tensor_api = {"nunpy": lambda t: t}
        adapter = Typo()
    """))
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(registry.AdapterError, match="nunpy"):
            registry.load("typo_adapter:adapter")
    finally:
        sys.path.remove(str(tmp_path))


# -- error phases and py_function output specs --------------------------------------------------

class Phases(ReferenceAdapter):
    name = "phases"
    seen: ClassVar[list[tuple[str, str]]] = []

    def error_category(self, error, phase="executing"):
        Phases.seen.append((type(error).__name__, phase))
        return super().error_category(error, phase)


@pytest.mark.parametrize(("name", "eager", "expected"), [
    ("TRACE-12 failed traces", False, ("ValueError", "tracing")),      # raised by the body, tracing
    ("TRACE-12 failed traces", True, ("ValueError", "executing")),     # the same body, run eagerly
    ("ERROR-2 runtime errors are not sticky", False, ("InvalidArgumentError", "executing")),
    ("ERROR-3 symbolic bool", False, ("OperatorNotAllowedInGraphError", "tracing")),
])
def test_error_category_is_told_whether_the_error_arose_tracing_or_executing(name, eager, expected):
    Phases.seen.clear()
    check(chapters.HANDWRITTEN[name], Phases(), eager, IMPORT)
    assert expected in Phases.seen, Phases.seen


def test_the_phase_sees_through_autograph_on_tensorflow():
    pytest.importorskip("tensorflow")
    from tracespec.adapters.tensorflow import TensorFlowAdapter

    seen = []

    class TensorFlowPhases(TensorFlowAdapter):
        def error_category(self, error, phase="executing"):
            seen.append(phase)
            return super().error_category(error, phase)

    check(chapters.HANDWRITTEN["TRACE-12 failed traces"], TensorFlowPhases(), False, IMPORT)
    assert seen and set(seen) == {"tracing"}  # raised in autograph's converted body
    seen.clear()
    check(chapters.HANDWRITTEN["ERROR-2 runtime errors are not sticky"], TensorFlowPhases(), False, IMPORT)
    assert seen == ["executing"]  # raised by the graph's kernel


class Specs(ReferenceAdapter):
    name = "specs"
    seen: ClassVar[list] = []

    def namespace(self, on_print):
        ns = super().namespace(on_print)
        original = ns.py_function

        def py_function(func, inp, Tout, name=None):
            Specs.seen.append((func.output_spec(*inp), Tout))
            return original(func, inp, Tout)

        ns.py_function = py_function
        return ns


def test_py_function_callables_carry_the_spec_of_their_result():
    Specs.seen.clear()
    check(chapters.HANDWRITTEN["EFFECT-3 py_function every execution"], Specs(), False, IMPORT)
    (spec, dtype), *_ = Specs.seen
    assert spec == [((), reference.float32)] and dtype == reference.float32


# -- policies and expected failures of an outside adapter --------------------------------------

OUTSIDE = """
import copy

from tracespec.adapters.registry import load
from tracespec.reference.policies import Policies

adapter = copy.copy(load("mutant-scalars-not-keyed"))  # a backend that keys Python scalars by type
adapter.name = "outside"
adapter.expected_failures = {xfail!r}
adapter.policies = Policies({policy})
"""
XFAIL = "rule TRACE-4  # this backend keys Python scalars by type only\n"


def write_outside(tmp_path: Path, xfail: str | None = None, policy: str = "") -> None:
    (tmp_path / "outside_adapter.py").write_text(OUTSIDE.format(xfail=xfail, policy=policy))


def test_an_adapter_declaring_an_unimplemented_option_is_a_one_line_error(tmp_path):
    write_outside(tmp_path, policy='python_scalar_arguments="specialize-then-dynamic"')
    result = run_cli("check", "--backend", "outside_adapter:adapter", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["tracespec: Backend 'outside_adapter:adapter': The reference does not implement "
                     "python_scalar_arguments='specialize-then-dynamic' yet; it implements: literal, "
                     "weak-tensor."]


def test_the_expected_failures_of_an_outside_adapter_come_from_its_attribute(tmp_path):
    (tmp_path / "expected.txt").write_text(XFAIL)
    write_outside(tmp_path, xfail=str(tmp_path / "expected.txt"))
    result = run_cli("check", "--backend", "outside_adapter:adapter", "--report",
                     str(tmp_path / "r"), "--", "-k", "tracing_and_cache", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    report = (tmp_path / "r" / "report.json").read_text()
    assert "TRACE-4: this backend keys Python scalars by type only" in report


def test_xfail_names_a_file_for_one_run(tmp_path):
    write_outside(tmp_path)
    failing = run_cli("check", "--backend", "outside_adapter:adapter", "--", "-k", "tracing_and_cache",
                      cwd=tmp_path)
    assert failing.returncode == 1
    (tmp_path / "mine.txt").write_text(XFAIL)
    passing = run_cli("check", "--backend", "outside_adapter:adapter",
                      "--xfail", str(tmp_path / "mine.txt"), "--", "-k", "tracing_and_cache", cwd=tmp_path)
    assert passing.returncode == 0, passing.stdout[-3000:]


# -- reproducers ----------------------------------------------------------------------------------

def violation_text(adapter, name: str, eager: bool = False) -> str:
    with pytest.raises(Violation) as caught:
        check(chapters.HANDWRITTEN[name], adapter, eager, "BACKEND IMPORT")
    return str(caught.value)


class Miscounting(ReferenceAdapter):
    name = "miscounting"

    def tracing_count(self, function):
        return function.experimental_get_tracing_count() + 1


def test_a_backend_without_a_spelling_keeps_the_tracespec_reproducer():
    text = violation_text(Miscounting(), "TRACE-4 literals by equality")
    assert "--- reproducer ---\n# tracespec reproducer: run with python\nBACKEND IMPORT" in text


def test_a_tensorflow_violation_prints_a_script_that_needs_only_tensorflow(tmp_path):
    pytest.importorskip("tensorflow")
    from tracespec.adapters.tensorflow import TensorFlowAdapter

    class Off(TensorFlowAdapter):
        def tracing_count(self, function):
            return function.experimental_get_tracing_count() + 1

    script = violation_text(Off(), "TRACE-4 literals by equality").split("--- reproducer ---\n", 1)[1]
    imports = {line.split()[1].split(".")[0] for line in script.splitlines()
               if re.match(r"(import|from) ", line)}
    assert imports - set(sys.stdlib_module_names) <= {"tensorflow", "numpy"}, imports
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    assert "tracespec" not in code and "@tf.function" in code and not re.search(r"\bts\.\w", code)
    assert "# What to look for" in script and "the spec expects {'f': 1}; tensorflow gave {'f': 2}" in script
    path = tmp_path / "repro.py"
    path.write_text(script)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    output = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300,
                            env=env).stdout
    assert "tracing counts: f=1" in output and "Traceback" not in output
