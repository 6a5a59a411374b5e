"""The pytest plugin: scenario-level skips, expected failures, profiles and parallel runs."""

from __future__ import annotations

import json
import re
import sys

import pytest
from support import REFERENCE_IMPORT, cli, run, scenario

from tracespec.adapters.base import CAPABILITIES
from tracespec.adapters.reference import ReferenceAdapter
from tracespec.conformance import chapters, expected_failures, plugin
from tracespec.conformance.expected_failures import ExpectedFailures
from tracespec.conformance.scenario import Call

PRINTS = """
    @ts.function
    def f(x):
        ts.print("run", x)
        return x
    """
PLAIN = """
    @ts.function
    def f(x):
        return x * 2
    """


class NoPrint(ReferenceAdapter):
    name = "no-print"
    capabilities = CAPABILITIES - {"print"}

    def __init__(self):
        self.namespaces = 0

    def namespace(self, on_print):
        self.namespaces += 1
        return super().namespace(on_print)


def suite(adapter, expected=None) -> plugin.Suite:
    return plugin.Suite(adapter, "dev", REFERENCE_IMPORT, expected or ExpectedFailures(), 60.0)


def test_a_scenario_needing_a_missing_capability_is_skipped_and_the_others_still_checked():
    adapter = NoPrint()
    run_ = plugin.Run(suite(adapter))
    run_.check(scenario(PRINTS, Call("f", "ts.constant(1.0)"), requires=("print",)), "traced", False)
    run_.check(scenario(PLAIN, Call("f", "ts.constant(1.0)")), "traced", False)
    assert run_.checked == 1 and run_.skipped == ["no-print lacks print"]
    assert adapter.namespaces == 1, "a scenario the backend cannot run was run"
    run_.finish()  # one scenario was checked: the test passes
    only_skipped = plugin.Run(suite(adapter))
    only_skipped.check(scenario(PRINTS, Call("f", "ts.constant(1.0)"), requires=("print",)), "eager",
                       False)
    with pytest.raises(pytest.skip.Exception, match="lacks print"):
        only_skipped.finish()


class Doubles(ReferenceAdapter):
    name = "doubles"

    def to_numpy(self, value):
        array = super().to_numpy(value)
        return None if array is None else array * 2


def test_a_violation_reaching_an_expected_rule_is_an_expected_failure():
    expected = ExpectedFailures(rules={("TRACE-1", "traced"): "known to differ"})
    run_ = plugin.Run(suite(Doubles(), expected))
    run_.check(scenario(PLAIN, Call("f", "ts.constant(1.0)")), "traced", False)  # reaches TRACE-1
    assert run_.checked == 1 and run_.expected == ["TRACE-1: known to differ"]
    with pytest.raises(pytest.xfail.Exception, match="known to differ"):
        run_.finish()
    with pytest.raises(AssertionError, match="departs from the spec"):  # eager mode is not excused
        plugin.Run(suite(Doubles(), expected)).check(
            scenario(PLAIN, Call("f", "ts.constant(1.0)")), "eager", False)


def test_a_violation_of_a_program_matching_an_expected_pattern_is_an_expected_failure():
    expected = ExpectedFailures(programs={(r"x \* 2", "traced"): "a known bug of x * 2"},
                                rules={("TRACE-1", "traced"): "the rule's reason"})
    run_ = plugin.Run(suite(Doubles(), expected))
    run_.check(scenario(PLAIN, Call("f", "ts.constant(1.0)")), "traced", False)  # matches, first
    assert run_.expected == [r"program x \* 2: a known bug of x * 2"]
    with pytest.raises(AssertionError, match="departs from the spec"):  # no other program
        plugin.Run(suite(Doubles(), ExpectedFailures(programs={(r"x \* 3", None): "other"}))).check(
            scenario(PLAIN, Call("f", "ts.constant(1.0)")), "traced", False)


def write(tmp_path, text):
    path = tmp_path / "xfail.txt"
    path.write_text(text)
    return path


def test_expected_failures_file_format(tmp_path):
    entries = expected_failures.read(write(tmp_path, (
        "# comment lines and blank lines are ignored\n\n"
        "rule TRACE-4 traced  # literals are not keyed\n"
        "chapter errors  # messages differ\n"
        "test_errors.py::test_generated[eager]  # a test id suffix\n"
        "program logical_not\\( traced  # a known bug\n")))
    assert entries.rules == {("TRACE-4", "traced"): "literals are not keyed"}
    assert entries.chapters == {("errors", None): "messages differ"}
    assert entries.tests == {"test_errors.py::test_generated[eager]": "a test id suffix"}
    assert entries.programs == {(r"logical_not\(", "traced"): "a known bug"}


@pytest.mark.parametrize(("line", "message"), [
    ("rule TRACE-99  # no such rule", "the spec has no rule 'TRACE-99'"),
    ("chapter no-such-chapter  # nope", "the spec has no chapter 'no-such-chapter'"),
    ("rule TRACE-4 sideways  # bad mode", "write 'rule <name> [eager|traced]  # reason'"),
    ("test_errors.py::test_generated[eager]", "expected failure without a reason"),
    ("program (unclosed  # bad pattern", "'(unclosed' is not a regular expression"),
    ("program a b c  # spaces", "write 'program <regular expression> [eager|traced]  # reason'"),
])
def test_bad_expected_failures_files_are_clear_errors(tmp_path, line, message):
    path = write(tmp_path, line + "\n")
    with pytest.raises(expected_failures.Invalid, match=re.escape(message)) as caught:
        expected_failures.read(path)
    assert f"{path}:1" in str(caught.value)
    with pytest.raises(expected_failures.Invalid, match="cannot read"):
        expected_failures.read(tmp_path / "missing.txt")


SUITE_RUN = ["--pyargs", "tracespec.conformance.suite", "-p", "no:cacheprovider", "-o", "addopts="]


def pytest_run(tmp_path, *args):
    return run([sys.executable, "-m", "pytest", *SUITE_RUN, *args], tmp_path)


def test_a_strict_expected_failure_that_passes_fails_and_stale_entries_warn(tmp_path):
    xfail = write(tmp_path, (
        "test_tensors_and_ops.py::test_handwritten[OP-5 static slice-traced]  # pretend it fails\n"
        "test_handwritten[no such scenario-eager]  # a stale entry\n"))
    result = pytest_run(tmp_path, "-k", "test_handwritten", "--tracespec-xfail", str(xfail),
                        "-q", "-rA")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "XPASS(strict)" in output and "pretend it fails" in output
    assert re.search(r"\b1 failed\b", output), output
    assert "no such scenario-eager" in output and "matches no test" in output


def test_an_expected_failure_of_a_failing_check_is_an_xfail(tmp_path):
    xfail = write(tmp_path, "test_handwritten[EFFECT-5 pruning-traced]  # unused ops not pruned\n")
    result = pytest_run(tmp_path, "-k", "test_handwritten and EFFECT-5", "--tracespec-xfail",
                        str(xfail), "--backend", "mutant-no-pruning", "-q")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"\b1 xfailed\b", output) and "1 passed" in output, output


def test_hand_written_scenarios_run_before_generated_ones(tmp_path):
    result = pytest_run(tmp_path, "--collect-only", "-q")
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    first_generated = next(i for i, t in enumerate(ids) if "test_generated" in t)
    assert all("test_generated" in t for t in ids[first_generated:]), ids
    assert len([t for t in ids if "test_generated" in t]) == 2 * len(chapters.ALL)


def test_suite_under_xdist_reports_every_test_with_its_chapter(tmp_path):
    out = tmp_path / "out"
    result = cli("check", "--profile", "dev", "-n", "2", "--report", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    data = json.loads((out / "report.json").read_text())
    assert data["schema"] == "tracespec-report/2" and data["profile"] == "dev"
    assert data["policies"]["python_scalar_arguments"] == "literal"
    assert data["tests"] and all(t["outcome"] == "passed" for t in data["tests"])
    for chapter, modes in data["chapters"].items():
        for mode in ("eager", "traced"):
            assert modes[mode]["passed"] == sum(
                1 for t in data["tests"] if (t["chapter"], t["mode"]) == (chapter, mode)) >= 1
    # the coverage account is merged across the workers
    assert data["coverage"]["rule"]["TRACE-1"]["traced"] > 0
    assert data["coverage"]["step"]["call"]["eager"] > 0
