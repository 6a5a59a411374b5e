"""The conformance suite catches every deliberately broken backend, in the right chapter.

Each ``mutant-*`` backend is the reference with one semantic bug. For every one
of them, ``tracespec check --profile ci`` (derandomized) must

1. exit non-zero,
2. write a report.json that lists failing tests,
3. fail in the chapter (and mode) that the bug must break, as reasoned from the
   spec below (``MUST_BREAK``), not read back from a run,
4. print each violation with a reproducer, and that reproducer, run against the
   mutant and against the reference, must show the two behave differently.

The reference itself must conform: exit 0, no failures, and every chapter has
passing tests in both modes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tracespec.adapters.registry import known_backends

CHAPTERS = ("tensors-and-ops", "tracing-and-cache", "eager-switch", "side-effects", "errors",
            "returns-and-nesting")

# mutant -> the checks its bug must make fail, as (chapter, mode, hand-written example), with the
# rule that forces it. Mode "traced": the scenario starts with run_functions_eagerly(False);
# "eager": it starts with True. Example names are those of tracespec.conformance.examples.
MUST_BREAK: dict[str, list[tuple[str, str, str]]] = {
    # EFFECT-3: ts.py_function runs its callable on every execution of the graph, with the
    # call's values; running it once while tracing loses every call's effect.
    "mutant-effects-at-trace-time": [
        ("side-effects", "traced", "EFFECT-3 py_function every execution"),
        ("side-effects", "traced", "EFFECT-4 program order"),
    ],
    # TRACE-12: a failed trace caches nothing; the next call traces (and logs) again and the
    # tracing count stays 0.
    "mutant-failed-traces-cached": [("tracing-and-cache", "traced", "TRACE-12 failed traces")],
    # EAGER-2: the flag is read on every call; a function traced before the flag is switched
    # on must then run its Python body eagerly instead of its cached graph.
    "mutant-flag-read-at-trace-time": [
        ("eager-switch", "traced", "EAGER-2 flag on traced function"),
    ],
    # EAGER-2/EAGER-3: with the flag on, bodies run eagerly (side effects on every call, no
    # tracing); ignoring the flag breaks the eager-switch chapter from either starting mode.
    "mutant-ignore-eager-flag": [
        ("eager-switch", "traced", "EAGER-2 flag on traced function"),
        ("eager-switch", "eager", "EAGER-2 flag on traced function"),
    ],
    # TRACE-3: tensors are keyed by dtype and shape; an int32 call must not reuse a float32 graph.
    "mutant-key-ignores-dtype": [("tracing-and-cache", "traced", "TRACE-3 dtype and shape")],
    # NEST-2: the inner function keeps its own cache across outer retraces (its tracing count
    # grows with each new input type, it never falls back to 1).
    "mutant-nested-retraced": [("returns-and-nesting", "traced", "NEST-2 inner keeps its cache")],
    # EFFECT-5: unused stateless ops are pruned, so their run-time errors never happen in a graph.
    "mutant-no-pruning": [("side-effects", "traced", "EFFECT-5 pruning")],
    # TENSOR-4 (checked in the errors chapter): .numpy() on a symbolic tensor fails at trace time.
    "mutant-numpy-in-trace": [("errors", "traced", "TENSOR-4 numpy in a trace")],
    # EFFECT-1: Python side effects run once per trace, not on cache hits.
    "mutant-replay-side-effects": [
        ("side-effects", "traced", "EFFECT-1 and 2 once per trace, every call"),
    ],
    # RETURN-1: Python values returned from a traced function come back as tensors.
    "mutant-returns-unconverted": [("returns-and-nesting", "traced", "RETURN-1 Python values")],
    # TRACE-4: Python scalars are part of the key, compared with ==; f(1) and f(2) trace twice.
    "mutant-scalars-not-keyed": [("tracing-and-cache", "traced", "TRACE-4 literals by equality")],
    # TRACE-10: input_signature pins a single trace; incompatible inputs raise TypeError.
    "mutant-signature-not-enforced": [("tracing-and-cache", "traced", "TRACE-10 input signature")],
    # EFFECT-4: stateful ops execute in the order the program created them.
    "mutant-stateful-reordered": [("side-effects", "traced", "EFFECT-4 program order")],
}

REGISTERED_MUTANTS = sorted(name for name in known_backends() if name.startswith("mutant-"))


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "TRACESPEC_"))}  # not this run's xdist worker
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "tracespec.conformance.cli", *args],
        capture_output=True, text=True, timeout=timeout, env=env,
    )


def violation_sections(stdout: str) -> dict[tuple[str, str, str], str]:
    """``(chapter, mode, test id) -> text`` of each ``=== violation:`` block in the output."""
    sections = {}
    parts = re.split(r"^=== violation: ", stdout, flags=re.MULTILINE)
    for part in parts[1:]:
        header, _, body = part.partition("\n")
        match = re.match(r"(\S+) \((eager|traced)\) (\S.*)$", header)
        assert match, f"malformed violation header: {header!r}"
        sections[match.groups()] = body
    return sections


def reproducer_of(section: str) -> str:
    """The script printed after ``--- reproducer ---``, without the block's indentation.

    It ends with the last ``tracing count`` line (hypothesis' notes and the command's
    summary follow it).
    """
    assert "--- reproducer ---" in section
    after = section.split("--- reproducer ---", 1)[1].split("Falsifying example")[0]
    lines = after.splitlines()[1:]
    last = max(i for i, line in enumerate(lines) if "print('tracing count:'" in line)
    return textwrap.dedent("\n".join(lines[: last + 1])).strip() + "\n"


def run_script(path: Path) -> str:
    result = subprocess.run([sys.executable, "-u", str(path)], capture_output=False,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=120)
    return result.stdout


def test_every_registered_mutant_has_an_expectation():
    assert len(REGISTERED_MUTANTS) >= 12, REGISTERED_MUTANTS
    assert set(REGISTERED_MUTANTS) == set(MUST_BREAK), (
        "every registered mutant needs a reasoned expected chapter, and every expectation a "
        f"registered mutant: {set(REGISTERED_MUTANTS) ^ set(MUST_BREAK)}"
    )


def example_id(example: str, mode: str) -> str:
    return f"::test_example[{example}-{mode}]"


@pytest.mark.parametrize("mutant", REGISTERED_MUTANTS)
def test_mutant_is_caught_in_its_chapter(mutant, tmp_path):
    result = run_cli("check", "--backend", mutant, "--profile", "ci", "--report", str(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"{mutant} passed the conformance suite:\n{output[-3000:]}"

    data = json.loads((tmp_path / "report.json").read_text())
    assert data["schema"] == "tracespec-report/1"
    assert data["backend"] == mutant
    assert data["profile"] == "ci"
    failed = [t for t in data["tests"] if t["outcome"] == "failed"]
    assert failed, f"report.json lists no failing test for {mutant}"
    failing_cells = {(t["chapter"], t["mode"]) for t in failed}
    for chapter, mode in failing_cells:
        assert chapter in CHAPTERS and mode in ("eager", "traced")
        assert data["chapters"][chapter][mode]["failed"] == sum(
            1 for t in failed if (t["chapter"], t["mode"]) == (chapter, mode))
    for chapter, mode, example in MUST_BREAK[mutant]:
        hits = [t for t in failed if t["test"].endswith(example_id(example, mode))]
        assert hits, (
            f"{mutant} ({data['backend_version']}) must fail example {example!r} in {mode} mode; "
            f"failed: {sorted(t['test'] for t in failed)}"
        )
        assert hits[0]["chapter"] == chapter, hits[0]
        assert hits[0]["mode"] == mode, hits[0]

    # Every violation is printed, with a reproducer that loads the mutant.
    assert "=== violation:" in result.stdout
    sections = violation_sections(result.stdout)
    assert len(sections) == len(failed), (sorted(sections), [t["test"] for t in failed])
    assert {(c, m) for c, m, _ in sections} == failing_cells
    for key, text in sections.items():
        assert "departs from the spec" in text, key
        assert "--- reproducer ---" in text, f"violation {key} printed without a reproducer"
        assert f"load({mutant!r})" in text, key
    for chapter, mode, example in MUST_BREAK[mutant]:
        assert any(c == chapter and m == mode and t.endswith(example_id(example, mode))
                   for c, m, t in sections), (chapter, mode, example)


@pytest.mark.parametrize("mutant", REGISTERED_MUTANTS)
def test_mutant_reproducer_reproduces_the_bug(mutant, tmp_path):
    """The printed reproducer, run against the mutant and the reference, shows a difference."""
    chapter, mode, example = MUST_BREAK[mutant][0]
    result = run_cli("check", "--backend", mutant, "--profile", "dev", "--", "-k", "test_example")
    assert result.returncode != 0, result.stdout[-3000:]
    sections = violation_sections(result.stdout)
    key = next((k for k in sections if k[2].endswith(example_id(example, mode))), None)
    assert key is not None, sorted(sections)
    assert key[:2] == (chapter, mode)
    script = reproducer_of(sections[key])
    backend_import = (
        "from tracespec.adapters.registry import load\n"
        f"backend = load({mutant!r})\n"
    )
    assert script.startswith("# tracespec reproducer"), script[:200]
    assert backend_import in script
    assert f"ts.config.run_functions_eagerly({mode == 'eager'})" in script
    on_mutant = tmp_path / "on_mutant.py"
    on_mutant.write_text(script)
    # The same program and call script against the reference: replace the backend block.
    lines = script.splitlines()
    start = lines.index("from tracespec.adapters.registry import load")
    end = next(i for i, line in enumerate(lines) if line.startswith("ts = "))
    on_reference = tmp_path / "on_reference.py"
    on_reference.write_text("\n".join(
        [*lines[:start], "import tracespec.reference as ts", *lines[end + 1:]]) + "\n")
    mutant_output = run_script(on_mutant)
    reference_output = run_script(on_reference)
    for text in (mutant_output, reference_output):
        assert "Traceback" not in text, text
        assert "tracing count:" in text, text
    assert mutant_output != reference_output, (
        f"the reproducer of {example!r} ({mode}) prints the same on {mutant} as on the "
        f"reference, so it does not show the bug:\n{mutant_output}"
    )


def test_reference_conforms(tmp_path):
    result = run_cli("check", "--profile", "ci", "--report", str(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "=== violation:" not in result.stdout

    data = json.loads((tmp_path / "report.json").read_text())
    assert data["backend"] == "reference"
    assert data["tests"], "no conformance test ran"
    assert [t for t in data["tests"] if t["outcome"] != "passed"] == []
    assert set(data["chapters"]) == set(CHAPTERS)
    for chapter in CHAPTERS:
        for mode in ("eager", "traced"):
            cell = data["chapters"][chapter][mode]
            assert cell["passed"] >= 1, (chapter, mode, cell)
            assert cell["failed"] == 0, (chapter, mode, cell)
            ran = [t for t in data["tests"] if t["chapter"] == chapter and t["mode"] == mode]
            assert cell["passed"] == len(ran)
