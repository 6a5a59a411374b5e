"""Collecting suite results into a conformance report: a table, report.json and report.md.

``Collector`` is a pytest plugin object: it records, per test, the spec
chapter, the mode, the outcome and (for violations) the failure text with its
reproducer. The JSON schema is versioned (``SCHEMA``).
"""

from __future__ import annotations

import json
import platform
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .examples import EXAMPLES
from .plugin import ADAPTER, MODES
from .strategies import CHAPTERS, RULES

SCHEMA = "tracespec-report/1"
OUTCOMES = ("passed", "failed", "xfailed", "skipped")


@dataclass
class Result:
    test: str
    chapter: str
    mode: str
    outcome: str
    rules: tuple[str, ...]
    details: str = ""
    scenarios: int = 0


@dataclass(eq=False)
class Collector:
    """Gathers one ``Result`` per conformance test (works with pytest-xdist)."""

    results: list[Result] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)

    def pytest_configure(self, config: pytest.Config) -> None:
        adapter = config.stash[ADAPTER]
        self.header = {
            "backend": adapter.name,
            "backend_version": adapter.version(),
            "policies": adapter.policies.as_dict(),
            "profile": config.getoption("--tracespec-profile"),
            "python": platform.python_version(),
        }

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        if "chapter" not in properties:
            return
        outcome = _outcome(report)
        if outcome is None:
            return
        details = ""
        if outcome == "failed":
            details = properties.get("violation") or report.longreprtext
        elif outcome in ("xfailed", "skipped"):
            details = getattr(report, "wasxfail", "") or _skip_reason(report)
        self.results.append(Result(report.nodeid, properties["chapter"],
                                   properties.get("mode", "-"), outcome,
                                   _rules(report.nodeid, properties["chapter"]), details,
                                   properties.get("scenarios", 0)))


def _outcome(report: pytest.TestReport) -> str | None:
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else "failed"  # a strict XPASS fails
    if report.when == "call":
        return report.outcome
    if report.outcome != "passed":  # setup or teardown failed or skipped
        return report.outcome
    return None


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)


def _rules(nodeid: str, chapter: str) -> tuple[str, ...]:
    match = re.search(r"test_example\[(.*)-(eager|traced)\]", nodeid)
    if match and match.group(1) in EXAMPLES:
        return EXAMPLES[match.group(1)].rules
    return RULES[chapter]


def table(results: list[Result]) -> str:
    """Chapters x modes: passed / failed / expected failures / skipped."""
    counts = Counter((r.chapter, r.mode, r.outcome) for r in results)
    width = max(len(c) for c in CHAPTERS) + 2
    lines = [f"{'chapter':<{width}}" + "".join(f"{m:>24}" for m in MODES),
             f"{'':<{width}}" + "".join(f"{'pass fail xfail skip':>24}" for _ in MODES)]
    for chapter in CHAPTERS:
        cells = []
        for mode in MODES:
            cell = " ".join(f"{counts[(chapter, mode, o)]:>4}" for o in OUTCOMES)
            cells.append(f"{cell:>24}")
        lines.append(f"{chapter:<{width}}" + "".join(cells))
    lines.append(f"scenario runs checked: {sum(r.scenarios for r in results)} "
                 "(each in one starting mode, on the backend and on the reference)")
    return "\n".join(lines)


def rule_results(results: list[Result]) -> dict[str, dict[str, str]]:
    """Per rule and mode: ``failed`` if any test touching the rule failed, else the best outcome."""
    rank = {"failed": 0, "xfailed": 1, "passed": 2, "skipped": 3}
    merged: dict[str, dict[str, str]] = {}
    for result in results:
        for rule in result.rules:
            modes = merged.setdefault(rule, {})
            previous = modes.get(result.mode)
            if previous is None or rank[result.outcome] < rank[previous]:
                modes[result.mode] = result.outcome
    return dict(sorted(merged.items()))


def write(collector: Collector, directory: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    results = collector.results
    data = {
        "schema": SCHEMA,
        **collector.header,
        "chapters": {
            chapter: {mode: {o: sum(1 for r in results if r.chapter == chapter and r.mode == mode
                                    and r.outcome == o) for o in OUTCOMES} for mode in MODES}
            for chapter in CHAPTERS
        },
        "scenarios": sum(r.scenarios for r in results),
        "rules": rule_results(results),
        "tests": [r.__dict__ for r in results],
    }
    json_path = directory / "report.json"
    json_path.write_text(json.dumps(data, indent=2, default=list) + "\n")
    md_path = directory / "report.md"
    md_path.write_text(markdown(data))
    return json_path, md_path


def markdown(data: dict[str, Any]) -> str:
    """The report as a Markdown page: header, chapter matrix, violations."""
    lines = [
        f"# Conformance report: {data['backend']} {data['backend_version']}",
        "",
        f"Profile `{data['profile']}`, Python {data['python']}. Policies: "
        + ", ".join(f"`{k}={v}`" for k, v in data["policies"].items()) + ".",
        "",
        "| chapter | " + " | ".join(MODES) + " |",
        "|---|" + "---|" * len(MODES),
    ]
    for chapter, modes in data["chapters"].items():
        cells = [_cell(modes[m]) for m in MODES]
        lines.append(f"| {chapter} | " + " | ".join(cells) + " |")
    lines += ["", "Cells: passed / failed / expected failures / skipped.", ""]
    failures = [t for t in data["tests"] if t["outcome"] == "failed"]
    if failures:
        lines += ["## Violations", ""]
        for test in failures:
            lines += [f"### {test['test']}", "", "```", test["details"].strip(), "```", ""]
    expected = [t for t in data["tests"] if t["outcome"] == "xfailed"]
    if expected:
        lines += ["## Expected failures", ""]
        lines += [f"- `{t['test']}`: {t['details']}" for t in expected]
    return "\n".join(lines) + "\n"


def _cell(counts: dict[str, int]) -> str:
    return " / ".join(str(counts[o]) for o in OUTCOMES)


MATRIX_START = "<!-- matrix:start (generated by tracespec matrix; do not edit) -->"
MATRIX_END = "<!-- matrix:end -->"


def matrix(reports: list[dict[str, Any]]) -> str:
    """One Markdown table of chapters x (backend, mode) from several report.json files."""
    columns = [(r, mode) for r in reports for mode in MODES]
    lines = ["| chapter | " + " | ".join(f"{r['backend']} {m}" for r, m in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for chapter in CHAPTERS:
        cells = [_cell(r["chapters"][chapter][m]) for r, m in columns]
        lines.append(f"| {chapter} | " + " | ".join(cells) + " |")
    lines += ["", "Cells: passed / failed / expected failures / skipped (test functions; each "
              "generated test checks many scenarios).", ""]
    for r in reports:
        lines.append(f"- `{r['backend']}` {r['backend_version']}: profile `{r['profile']}`, "
                     f"Python {r['python']}, {r.get('scenarios', '?')} scenario runs.")
    return "\n".join(lines)


def update_matrix(page: Path, reports: list[dict[str, Any]]) -> None:
    """Replace the generated section of ``page`` with the matrix of ``reports``."""
    text = page.read_text()
    before, found, rest = text.partition(MATRIX_START)
    _, found_end, after = rest.partition(MATRIX_END)
    if not (found and found_end):
        raise ValueError(f"{page} has no {MATRIX_START!r} ... {MATRIX_END!r} section to update.")
    page.write_text(before + MATRIX_START + "\n" + matrix(reports) + "\n" + MATRIX_END + after)
