"""Collecting suite results into a conformance report: a table, report.json and report.md.

``Collector`` is a pytest plugin object: it records, per conformance test, the
spec chapter, the mode, the outcome, the rules its scenarios reached, its
coverage account and (for violations and crashes) the text with its
reproducer. The JSON schema is versioned (``SCHEMA``).
"""

from __future__ import annotations

import json
import platform
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import chapters, spec
from .coverage import Account
from .plugin import MODES, SUITE

SCHEMA = "tracespec-report/2"
OUTCOMES = ("passed", "failed", "xfailed", "skipped", "error")


@dataclass
class Result:
    test: str
    chapter: str
    mode: str
    outcome: str  # one of OUTCOMES; "error" is a crash (see ``crash``)
    rules: tuple[str, ...]
    details: str = ""
    scenarios: int = 0
    crash: str = ""  # "reference bug", "backend error" or "hang"


@dataclass(eq=False)
class Collector:
    """Gathers one ``Result`` per conformance test and the coverage account (works with xdist)."""

    results: list[Result] = field(default_factory=list)
    account: Account = field(default_factory=Account)
    header: dict[str, Any] = field(default_factory=dict)

    def pytest_configure(self, config: pytest.Config) -> None:
        suite = config.stash[SUITE]
        self.header = {
            "backend": suite.adapter.name,
            "backend_version": suite.adapter.version(),
            "policies": suite.adapter.policies.as_dict(),
            "profile": suite.profile,
            "python": platform.python_version(),
        }

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        if "chapter" not in properties:
            return
        outcome = _outcome(report)
        if outcome is None:
            return
        if "coverage" in properties:
            self.account.merge(Account.from_pairs(properties["coverage"]))
        details, crash = "", ""
        if "crash" in properties:
            outcome, (crash, details) = "error", properties["crash"]
        elif outcome == "failed":
            details = properties.get("violation") or report.longreprtext
        elif outcome in ("xfailed", "skipped"):
            details = getattr(report, "wasxfail", "") or _skip_reason(report)
        self.results.append(Result(report.nodeid, properties["chapter"], properties.get("mode", "-"),
                                   outcome, tuple(properties.get("rules", ())), details,
                                   properties.get("scenarios", 0), crash))


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


def chapter_counts(results: list[Result]) -> dict[str, dict[str, dict[str, int]]]:
    counts = Counter((r.chapter, r.mode, r.outcome) for r in results)
    return {c.slug: {m: {o: counts[c.slug, m, o] for o in OUTCOMES} for m in MODES}
            for c in chapters.ALL}


def table(results: list[Result]) -> str:
    """Chapters x modes: passed / failed / expected failures / skipped / crashed."""
    counts = chapter_counts(results)
    width = max(len(c) for c in counts) + 2
    legend = "pass fail xfail skip err"
    lines = [f"{'chapter':<{width}}" + "".join(f"{m:>28}" for m in MODES),
             f"{'':<{width}}" + "".join(f"{legend:>28}" for _ in MODES)]
    for chapter, modes in counts.items():
        cells = "".join(f"{' '.join(f'{modes[m][o]:>4}' for o in OUTCOMES):>28}" for m in MODES)
        lines.append(f"{chapter:<{width}}{cells}")
    lines.append(f"scenario runs checked: {sum(r.scenarios for r in results)} "
                 "(each in one starting mode, on the backend and on the reference)")
    return "\n".join(lines)


def rule_results(results: list[Result]) -> dict[str, dict[str, str]]:
    """Per rule and mode: ``failed`` if any test whose scenarios reached the rule failed, else the best."""
    rank = {"error": 0, "failed": 1, "xfailed": 2, "passed": 3, "skipped": 4}
    merged: dict[str, dict[str, str]] = {rule: {} for rule in spec.rules()}
    for result in results:
        for rule in result.rules:
            modes = merged.setdefault(rule, {})
            previous = modes.get(result.mode)
            if previous is None or rank[result.outcome] < rank[previous]:
                modes[result.mode] = result.outcome
    return merged


def not_generated() -> dict[str, str]:
    """Rules no generated scenario can reach, with the reasons their chapters give."""
    return {rule: reason for chapter in chapters.ALL for rule, reason in chapter.not_generated.items()}


def data(collector: Collector) -> dict[str, Any]:
    results = collector.results
    return {
        "schema": SCHEMA,
        **collector.header,
        "chapters": chapter_counts(results),
        "scenarios": sum(r.scenarios for r in results),
        "rules": rule_results(results),
        "not_generated": not_generated(),
        "coverage": collector.account.as_json(),
        "shortfalls": collector.account.shortfalls(not_generated()),
        "tests": [r.__dict__ for r in results],
    }


def write(collector: Collector, directory: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    report = data(collector)
    json_path = directory / "report.json"
    json_path.write_text(json.dumps(report, indent=2, default=list) + "\n")
    md_path = directory / "report.md"
    md_path.write_text(markdown(report, collector.account))
    return json_path, md_path


def markdown(report: dict[str, Any], account: Account) -> str:
    """The report as a Markdown page: header, chapter matrix, violations, coverage."""
    lines = [
        f"# Conformance report: {report['backend']} {report['backend_version']}",
        "",
        f"Profile `{report['profile']}`, Python {report['python']}. Policies: "
        + ", ".join(f"`{k}={v}`" for k, v in report["policies"].items()) + ".",
        "",
        "| chapter | " + " | ".join(MODES) + " |",
        "|---|" + "---|" * len(MODES),
    ]
    for chapter, modes in report["chapters"].items():
        lines.append(f"| {chapter} | " + " | ".join(_cell(modes[m]) for m in MODES) + " |")
    lines += ["", "Cells: passed / failed / expected failures / skipped / crashed.", ""]
    for title, outcome in (("Crashes", "error"), ("Violations", "failed")):
        failures = [t for t in report["tests"] if t["outcome"] == outcome]
        if failures:
            lines += [f"## {title}", ""]
            for test in failures:
                lines += [f"### {test['test']}", "", "```", test["details"].strip(), "```", ""]
    expected = [t for t in report["tests"] if t["outcome"] == "xfailed"]
    if expected:
        lines += ["## Expected failures", ""]
        lines += [f"- `{t['test']}`: {t['details']}" for t in expected]
        lines.append("")
    lines += ["## Coverage", "", "Scenario runs that reached each item: generated runs starting "
              "eager or traced, generated runs in which a graph executed it, hand-written runs.",
              "", "```", account.table().rstrip(), "```", ""]
    if report["not_generated"]:
        lines += ["Rules that no generated scenario reaches:", ""]
        lines += [f"- {rule}: {why}" for rule, why in report["not_generated"].items()]
        lines.append("")
    if report["shortfalls"]:
        lines += ["Shortfalls:", ""] + [f"- {s}" for s in report["shortfalls"]] + [""]
    return "\n".join(lines)


def _cell(counts: dict[str, int]) -> str:
    return " / ".join(str(counts.get(o, 0)) for o in OUTCOMES)


MATRIX_START = "<!-- matrix:start (generated by tracespec matrix; do not edit) -->"
MATRIX_END = "<!-- matrix:end -->"


def matrix(reports: list[dict[str, Any]]) -> str:
    """One Markdown table of chapters x (backend, mode) from several report.json files."""
    columns = [(r, mode) for r in reports for mode in MODES]
    names = list(dict.fromkeys(chapter for r in reports for chapter in r["chapters"]))
    lines = ["| chapter | " + " | ".join(f"{r['backend']} {m}" for r, m in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for chapter in names:
        cells = [_cell(r["chapters"].get(chapter, {}).get(m, {})) for r, m in columns]
        lines.append(f"| {chapter} | " + " | ".join(cells) + " |")
    lines += ["", "Cells: passed / failed / expected failures / skipped / crashed (test functions; "
              "each generated test checks many scenarios).", ""]
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
