"""The conformance suite catches every deliberately broken backend, where the spec says it must.

Each ``mutant-*`` backend is the reference with one semantic bug. For every one of them:

1. its witness (a scenario in its docstring) shows the bug: the reference runs it and
   conforms, the mutant departs from it (an equivalent mutant would prove nothing);
2. ``tracespec check --profile ci``, run on the chapters its ``breaks`` names (a chapter's
   ``ci`` draws have a fixed seed of their own, so they are the same as in a full check) and
   with ``--no-shrink`` (the same verdict: minimizing a large failing program is most of the
   time a caught mutant costs, tests/conformance/test_cli.py), exits 1 ("violates the
   spec"), fails in every one of those ``(chapter, mode)`` cells
   (reasoned from the spec, not read back from a run), prints each violation with a
   reproducer that loads the mutant, and that reproducer, run against the mutant and
   against the reference, shows the difference.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from tracespec.adapters.registry import load, mutants
from tracespec.conformance import chapters
from tracespec.conformance.coverage import CHANNELS
from tracespec.conformance.runner import REFERENCE, Violation, check
from tracespec.conformance.scenario import BASE_REQUIREMENTS, Call, Scenario, SetEager

MUTANTS = sorted(mutants())
MIN_MUTANTS = 30


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "TRACESPEC_"))}  # not this run's xdist worker
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run([sys.executable, "-m", "tracespec.conformance.cli", *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def witness_scenario(program: str, calls: list[str]) -> Scenario:
    steps = []
    for line in calls:
        flag = re.fullmatch(r"ts\.config\.run_functions_eagerly\((True|False)\)", line)
        if flag:
            steps.append(SetEager(flag[1] == "True"))
        else:
            function, _, args = line.partition("(")
            steps.append(Call(function, args[:-1]))
    functions = tuple(re.findall(r"^def (\w+)", program, re.MULTILINE))
    return Scenario("witness", program, tuple(steps), functions,
                    requires=BASE_REQUIREMENTS | {"print", "py_function", "numpy"})


def violation_sections(stdout: str) -> dict[tuple[str, str, str], str]:
    """``(chapter, mode, test id) -> text`` of each ``=== violation:`` block in the output."""
    sections = {}
    for part in re.split(r"^=== violation: ", stdout, flags=re.MULTILINE)[1:]:
        header, _, body = part.partition("\n")
        match = re.match(r"(\S+) \((eager|traced)\) (\S.*)$", header)
        assert match, f"malformed violation header: {header!r}"
        sections[match.groups()] = body
    return sections


def reproducer_of(section: str) -> str:
    """The script printed after ``--- reproducer ---``, up to its last ``tracing count`` line."""
    after = section.split("--- reproducer ---", 1)[1].split("Falsifying example")[0]
    lines = after.splitlines()[1:]
    last = max(i for i, line in enumerate(lines) if "print('tracing count:'" in line)
    return textwrap.dedent("\n".join(lines[: last + 1])).strip() + "\n"


def run_script(path: Path) -> str:
    return subprocess.run([sys.executable, "-u", str(path)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120).stdout


def test_there_are_enough_mutants_and_each_names_cells_of_the_spec():
    assert len(MUTANTS) >= MIN_MUTANTS, MUTANTS
    for name in MUTANTS:
        adapter = load(name)
        assert adapter.name == name and adapter.breaks, name
        for chapter, mode in adapter.breaks:
            assert chapter in chapters.BY_SLUG and mode in ("eager", "traced"), (name, chapter, mode)


def witness_channels(name: str) -> set[str]:
    """The observation channels on which the mutant's witness departs from the reference."""
    adapter = load(name)
    program, calls, eager = adapter.witness()
    scenario = witness_scenario(program, calls)
    check(scenario, REFERENCE, eager, "import tracespec.reference as ts")  # the reference conforms
    with pytest.raises(Violation) as violation:
        check(scenario, adapter, eager, "import tracespec.reference as ts")
    return {difference.channel for difference in violation.value.differences}


@pytest.mark.parametrize("name", MUTANTS)
def test_witness_shows_the_bug(name):
    assert witness_channels(name) <= set(CHANNELS), name


def mutant_table() -> str:
    """docs/conformance.md's table: how many mutants break each chapter, by witness channel."""
    cells: Counter[tuple[str, str]] = Counter()
    for name in MUTANTS:
        channels = witness_channels(name)
        for chapter in {c for c, _ in load(name).breaks}:
            cells.update((chapter, channel) for channel in channels)
    lines = ["| chapter | " + " | ".join(CHANNELS) + " |", "|---" * (len(CHANNELS) + 1) + "|"]
    for chapter in chapters.ALL:
        lines.append(f"| {chapter.slug} | " + " | ".join(
            str(cells[chapter.slug, channel] or "") for channel in CHANNELS) + " |")
    return "\n".join(lines)


def test_every_chapter_and_every_channel_has_a_mutant_as_docs_conformance_md_tables():
    table = mutant_table()
    rows = [line.split("|")[2:-1] for line in table.splitlines()[2:]]
    assert all(any(cell.strip() for cell in row) for row in rows), table
    assert all(any(row[i].strip() for row in rows) for i in range(len(CHANNELS))), table
    docs = (Path(__file__).parents[1] / "docs" / "conformance.md").read_text()
    assert table in docs, f"docs/conformance.md's mutant table is out of date; it is now:\n{table}"


@pytest.mark.parametrize("name", MUTANTS)
def test_mutant_is_caught_by_the_ci_profile(name, tmp_path):
    adapter = load(name)
    tests = " or ".join(sorted({f"test_{chapters.BY_SLUG[c].module}" for c, _ in adapter.breaks}))
    result = run_cli("check", "--backend", name, "--profile", "ci", "--no-shrink",
                     "--report", str(tmp_path), "--", "-k", tests)
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"{name} was not judged a violation:\n{output[-3000:]}"

    data = json.loads((tmp_path / "report.json").read_text())
    failed = [t for t in data["tests"] if t["outcome"] == "failed"]
    failing_cells = {(t["chapter"], t["mode"]) for t in failed}
    missing = set(adapter.breaks) - failing_cells
    assert not missing, f"{name} must fail in {sorted(missing)}; it failed in {sorted(failing_cells)}"

    sections = violation_sections(result.stdout)
    assert {(c, m) for c, m, _ in sections} == failing_cells
    for key, text in sections.items():
        assert "departs from the spec" in text and "--- reproducer ---" in text, key
        assert f"load({name!r})" in text, key

    # The reproducer of a violation in a cell the bug must break shows the bug on its own.
    key = next(k for k in sections if k[:2] in set(adapter.breaks))
    script = reproducer_of(sections[key])
    on_mutant = tmp_path / "on_mutant.py"
    on_mutant.write_text(script)
    lines = script.splitlines()
    start = lines.index("from tracespec.adapters.registry import load")
    end = next(i for i, line in enumerate(lines) if line.startswith("ts = "))
    on_reference = tmp_path / "on_reference.py"
    on_reference.write_text("\n".join(
        [*lines[:start], "import tracespec.reference as ts", *lines[end + 1:]]) + "\n")
    mutant_output, reference_output = run_script(on_mutant), run_script(on_reference)
    for text in (mutant_output, reference_output):
        assert "Traceback" not in text and "tracing count:" in text, text
    assert mutant_output != reference_output, (
        f"the reproducer of {key} prints the same on {name} as on the reference:\n{mutant_output}")
