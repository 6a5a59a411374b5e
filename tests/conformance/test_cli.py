"""The ``tracespec`` command: documented exit codes, and a clear one-line error for bad input."""

from __future__ import annotations

import json

import pytest
from support import cli, run_script

from tracespec.conformance import cli as cli_module

QUICK = ("--", "-k", "test_handwritten and TRACE-3")  # one cheap conformance test per mode


def one_line_error(result, *fragments):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("tracespec:")]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_exit_codes_are_documented_in_the_help(tmp_path):
    result = cli("check", "--help", cwd=tmp_path)
    for code, meaning in cli_module.EXIT_CODES.items():
        assert f"{code} {meaning}" in " ".join(result.stdout.split()), (code, result.stdout)


def test_conforms_is_0_and_violates_is_1(tmp_path):
    assert cli("check", *QUICK, cwd=tmp_path).returncode == 0
    result = cli("check", "--backend", "mutant-key-ignores-dtype", *QUICK, cwd=tmp_path)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "mutant-key-ignores-dtype: violates the spec" in result.stdout


BROKEN_BACKEND = '''
import contextlib
from tracespec.adapters.reference import ReferenceAdapter


class Broken(ReferenceAdapter):
    name = "broken"

    def namespace(self, on_print):
        raise RuntimeError("the adapter is broken")


broken = Broken()
'''

BUGGY_REFERENCE = '''
from tracespec.adapters.reference import ReferenceAdapter
from tracespec.reference import interpreter


def nodes_to_run(graph):
    raise AssertionError("a bug of the reference")


interpreter.nodes_to_run = nodes_to_run  # the prediction itself is broken
adapter = ReferenceAdapter()
'''


def test_a_backend_error_is_3_and_not_a_verdict(tmp_path):
    (tmp_path / "broken_backend.py").write_text(BROKEN_BACKEND)
    result = cli("check", "--backend", "broken_backend:broken", *QUICK, cwd=tmp_path)
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr
    assert "=== backend error:" in result.stdout and "the adapter is broken" in result.stdout
    assert "violates the spec" not in result.stdout
    assert "was not judged" in result.stderr


def test_a_reference_bug_is_4_with_its_traceback_and_the_scenario(tmp_path):
    (tmp_path / "buggy_reference.py").write_text(BUGGY_REFERENCE)
    result = cli("check", "--backend", "buggy_reference:adapter", *QUICK, cwd=tmp_path)
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr
    assert "=== reference bug:" in result.stdout and "a bug of the reference" in result.stdout
    assert "Traceback" in result.stdout and "--- scenario ---" in result.stdout
    assert "violates the spec" not in result.stdout


def test_nothing_checked_is_5(tmp_path):
    result = cli("check", "--", "-k", "no_test_matches_this", cwd=tmp_path)
    assert result.returncode == 5, result.stdout + result.stderr
    assert "no conformance test ran" in result.stderr


def test_a_module_attribute_backend_in_the_current_directory_loads(tmp_path):
    (tmp_path / "my_backend.py").write_text(
        "from tracespec.adapters.reference import ReferenceAdapter\n"
        "class Mine(ReferenceAdapter):\n    name = 'mine'\nadapter = Mine()\n")
    result = cli("check", "--backend", "my_backend:adapter", "-n", "2", *QUICK, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "mine: conforms" in result.stdout


@pytest.mark.parametrize(("args", "fragments"), [
    (("check", "--backend", "no-such-backend"), ("Unknown backend 'no-such-backend'", "reference")),
    (("check", "--backend", "no_such_module:adapter"), ("could not be imported",
                                                        "module in the current directory")),
    (("check", "--xfail", "missing.txt"), ("cannot read the expected-failures file missing.txt",)),
])
def test_bad_check_arguments_are_one_line_errors(tmp_path, args, fragments):
    one_line_error(cli(*args, cwd=tmp_path), *fragments)


def test_an_expected_failures_file_naming_an_unknown_rule_is_a_usage_error(tmp_path):
    (tmp_path / "xfail.txt").write_text("rule NOPE-1  # there is no such rule\n")
    one_line_error(cli("check", "--xfail", "xfail.txt", cwd=tmp_path), "the spec has no rule 'NOPE-1'")


def test_report_naming_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "report.json").write_text("{}")
    one_line_error(cli("check", "--report", "report.json", cwd=tmp_path), "is a file",
                   "names a directory")


@pytest.mark.parametrize("workers", ["abc", "0", "-1"])
def test_bad_worker_counts_are_refused_with_the_fix(tmp_path, workers):
    result = cli("check", "-n", workers, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "expected a positive number of workers or 'auto'" in result.stderr


def test_matrix_errors_name_the_file_and_the_fix(tmp_path):
    one_line_error(cli("matrix", "missing.json", cwd=tmp_path), "cannot read report missing.json",
                   "tracespec check --report DIR")
    (tmp_path / "notjson.json").write_text("this is not JSON")
    one_line_error(cli("matrix", "notjson.json", cwd=tmp_path), "notjson.json is not JSON")
    (tmp_path / "old.json").write_text(json.dumps({"schema": "tracespec-report/1"}))
    one_line_error(cli("matrix", "old.json", cwd=tmp_path), "is not a tracespec-report/2 report",
                   "'tracespec-report/1'")


def test_matrix_update_needs_the_markers(tmp_path):
    out = tmp_path / "out"
    assert cli("check", "--report", str(out), *QUICK, cwd=tmp_path).returncode == 0
    page = tmp_path / "page.md"
    page.write_text("# no markers here\n")
    one_line_error(cli("matrix", str(out / "report.json"), "--update", str(page), cwd=tmp_path),
                   "has no", "Add the two marker lines")
    assert page.read_text() == "# no markers here\n"  # nothing the user wrote is lost


def test_a_printed_reproducer_runs_as_printed(tmp_path):
    result = cli("check", "--backend", "mutant-no-pruning", "--profile", "dev", "--",
                 "-k", "test_handwritten and EFFECT-5", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    section = result.stdout.split("=== violation: side-effects (traced)", 1)[1]
    lines = section.split("--- reproducer ---", 1)[1].splitlines()[1:]
    last = max(i for i, line in enumerate(lines) if "print('tracing count:'" in line)
    ran = run_script("\n".join(lines[: last + 1]) + "\n", tmp_path)
    assert ran.returncode == 0 and "tracing count:" in ran.stdout, ran.stdout


def test_no_shrink_gives_the_same_verdict_on_the_first_failing_draw(tmp_path):
    failing = {}
    for flags in ((), ("--no-shrink",)):
        out = tmp_path / "-".join(flags or ("shrink",))
        result = cli("check", "--backend", "mutant-print-bools-as-words", *flags,
                     "--report", str(out), "--", "-k", "test_generated and side_effects",
                     cwd=tmp_path)
        assert result.returncode == 1 and "--- reproducer ---" in result.stdout, result.stdout
        tests = json.loads((out / "report.json").read_text())["tests"]
        failing[flags] = {(t["test"], t["mode"]): t["scenarios"] for t in tests
                          if t["outcome"] == "failed"}
    shrunk, as_drawn = failing[()], failing[("--no-shrink",)]
    assert shrunk.keys() == as_drawn.keys() and len(shrunk) == 2, failing
    assert all(as_drawn[test] < shrunk[test] for test in shrunk), failing  # no shrinking ran


def test_coverage_prints_the_account(tmp_path):
    result = cli("check", "--coverage", *QUICK, cwd=tmp_path)
    assert result.returncode == 0
    account = result.stdout.split("coverage: scenario runs that reached each item", 1)[1]
    for heading in ("rule", "name", "op", "step", "argument", "channel"):
        assert f"\n{heading} " in account
    assert "TRACE-3" in account and "Tensor.__add__" in account
