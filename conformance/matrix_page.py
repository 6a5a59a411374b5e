"""The conformance matrix as one static HTML page (``tracespec matrix --html PAGE``).

Rows are the spec's chapters, each followed by its rules; columns are backends x modes, one
pair per report.json given. A cell is coloured by what the tests that reached the row (in that
backend and mode) showed: *pass*, *fail* (a violation or a crash), *expected failure*, or *not
applicable* (every such test was skipped, or none reached the rule), and says how many tests
there were of each kind. A rule's name links to its section of the spec; a cell links there
too, or, when something failed, to the failure's text and reproducer further down the page.
The header names each backend's version, profile, Python and declared policies.

The page is self-contained (inline CSS, no script), so it can be opened from disk or served as
it is; links to the spec are relative to ``spec_url``.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

from . import spec

MODES = ("eager", "traced")
STATUSES = {"pass": "pass", "fail": "fail", "xfail": "expected failure", "na": "not applicable"}
_KINDS = (("passed", "pass"), ("failed", "fail"), ("error", "crash"), ("xfailed", "xfail"),
          ("skipped", "skip"))

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; }
table.matrix { border-collapse: collapse; font-size: 0.85em; }
table.matrix th, table.matrix td { border: 1px solid #c8c8c8; padding: 0.25em 0.5em; }
table.matrix thead th { background: #eef0f3; position: sticky; top: 0; }
tr.chapter th, tr.chapter td { border-top: 2px solid #555; font-weight: 600; }
th.row { text-align: left; font-weight: normal; }
tr.chapter th.row { font-weight: 600; }
td.cell a { color: inherit; text-decoration: none; display: block; }
td.pass, .legend .pass { background: #c8ecd0; }
td.fail, .legend .fail { background: #f5b7b1; }
td.xfail, .legend .xfail { background: #fbe3a6; }
td.na, .legend .na { background: #e4e4e4; color: #555; }
.backends { display: flex; flex-wrap: wrap; gap: 1em; margin-bottom: 1em; }
.backend { border: 1px solid #c8c8c8; border-radius: 4px; padding: 0.5em 0.8em; font-size: 0.85em; }
.backend h2 { font-size: 1.05em; margin: 0 0 0.3em; }
.backend ul { margin: 0.2em 0 0; padding-left: 1.2em; }
.legend span { padding: 0.1em 0.5em; margin-right: 0.5em; border: 1px solid #c8c8c8; }
section.failure pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.8em; }
"""


def anchor(heading: str) -> str:
    """The anchor GitHub-flavoured Markdown gives a heading (``TRACE-3: Tensors...`` ->
    ``trace-3-tensors...``)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def render(reports: list[dict[str, Any]], spec_url: str = "spec/") -> str:
    """The page for ``reports`` (report.json contents, in column order)."""
    failures = _Failures(reports)
    lines = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        "<title>tracespec conformance matrix</title>", f"<style>{STYLE}</style>", "</head>",
        "<body>", "<h1>tracespec conformance matrix</h1>",
        '<div class="backends">', *(_backend_card(r) for r in reports), "</div>",
        '<p class="legend">' + "".join(f'<span class="{c}">{html.escape(label)}</span>'
                                       for c, label in (("pass", "pass"), ("fail", "fail"),
                                                        ("xfail", "expected failure"),
                                                        ("na", "not applicable"))) + "</p>",
        '<table class="matrix">', "<thead>", "<tr><th rowspan=\"2\">chapter / rule</th>"
        + "".join(f'<th colspan="{len(MODES)}">{html.escape(r["backend"])}</th>' for r in reports)
        + "</tr>",
        "<tr>" + "".join(f"<th>{m}</th>" for _ in reports for m in MODES) + "</tr>", "</thead>",
        "<tbody>",
    ]
    for chapter in spec.chapters():
        link = f"{spec_url}{chapter.file}"
        lines.append(f'<tr class="chapter" id="chapter-{chapter.slug}"><th class="row">'
                     f'<a href="{html.escape(link)}">{chapter.number}. {html.escape(chapter.title)}</a>'
                     "</th>" + "".join(_chapter_cell(r, chapter.slug, m, link, failures)
                                       for r in reports for m in MODES) + "</tr>")
        for rule in chapter.rules:
            rule_link = f"{link}#{anchor(f'{rule.id}: {rule.title}')}"
            lines.append(f'<tr class="rule" id="rule-{rule.id}"><th class="row">'
                         f'<a href="{html.escape(rule_link)}">{rule.id}</a> {html.escape(_plain(rule.title))}'
                         "</th>" + "".join(_rule_cell(r, rule.id, m, rule_link, failures)
                                           for r in reports for m in MODES) + "</tr>")
    lines += ["</tbody>", "</table>", *failures.sections(), "</body>", "</html>"]
    return "\n".join(lines) + "\n"


def _plain(title: str) -> str:
    return title.replace("`", "")


def _backend_card(report: dict[str, Any]) -> str:
    policies = "".join(f"<li><code>{html.escape(k)}={html.escape(str(v))}</code></li>"
                       for k, v in report.get("policies", {}).items())
    counts = Counter(t["outcome"] for t in report.get("tests", []))
    summary = ", ".join(f"{counts[o]} {label}" for o, label in _KINDS if counts[o])
    return (f'<div class="backend" id="backend-{html.escape(report["backend"])}">'
            f'<h2>{html.escape(report["backend"])} {html.escape(str(report.get("backend_version", "")))}</h2>'
            f'profile <code>{html.escape(str(report.get("profile", "?")))}</code>, '
            f'Python {html.escape(str(report.get("python", "?")))}, '
            f'{report.get("scenarios", "?")} scenario runs; tests: {summary or "none"}'
            f"<ul>{policies}</ul></div>")


def _status(counts: Counter) -> str:
    if counts["failed"] or counts["error"]:
        return "fail"
    if counts["xfailed"]:
        return "xfail"
    if counts["passed"]:
        return "pass"
    return "na"


def _cell(counts: Counter, link: str, title: str) -> str:
    status = _status(counts)
    text = ", ".join(f"{counts[o]} {label}" for o, label in _KINDS if counts[o]) or "not reached"
    return (f'<td class="cell {status}" title="{html.escape(title)}: {STATUSES[status]}">'
            f'<a href="{html.escape(link)}">{html.escape(text)}</a></td>')


def _chapter_cell(report, slug, mode, link, failures) -> str:
    counts = Counter({o: n for o, n in report["chapters"].get(slug, {}).get(mode, {}).items() if n})
    failing = failures.first(report, lambda t: t["chapter"] == slug and t["mode"] == mode)
    return _cell(counts, failing or link, f"{report['backend']} {mode}, chapter {slug}")


def _rule_cell(report, rule, mode, link, failures) -> str:
    tests = [t for t in report["tests"] if t["mode"] == mode and rule in t["rules"]]
    counts = Counter(t["outcome"] for t in tests)
    failing = failures.first(report, lambda t: t["mode"] == mode and rule in t["rules"])
    return _cell(counts, failing or link, f"{report['backend']} {mode}, {rule}")


class _Failures:
    """Every failing or crashed test of the reports, each a section with its text."""

    def __init__(self, reports: list[dict[str, Any]]):
        self.entries = [(report, number, test) for report in reports
                        for number, test in enumerate(report["tests"])
                        if test["outcome"] in ("failed", "error")]

    @staticmethod
    def id(report: dict[str, Any], number: int) -> str:
        return f"failure-{report['backend']}-{number}"

    def first(self, report: dict[str, Any], matches) -> str | None:
        for owner, number, test in self.entries:
            if owner is report and matches(test):
                return "#" + self.id(report, number)
        return None

    def sections(self) -> list[str]:
        if not self.entries:
            return []
        out = ["<h2>Failures and their reproducers</h2>"]
        for report, number, test in self.entries:
            kind = test.get("crash") or "violation"
            out.append(f'<section class="failure" id="{self.id(report, number)}">'
                       f"<h3>{html.escape(report['backend'])} ({html.escape(test['mode'])}): "
                       f"{html.escape(kind)} in {html.escape(test['test'])}</h3>"
                       f"<pre>{html.escape(test['details'].strip())}</pre></section>")
        return out
