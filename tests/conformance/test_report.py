"""The conformance report: counts per chapter and mode, rule results, markdown, coverage."""

from __future__ import annotations

import json
import re

from tracespec.conformance import report
from tracespec.conformance.coverage import Account


def test_report_counts_rules_and_markdown(tmp_path):
    collector = report.Collector()
    collector.header = {"backend": "demo", "backend_version": "9.9", "profile": "ci",
                        "policies": {"python_scalar_arguments": "literal"}, "python": "3.x"}
    R = report.Result
    collector.results = [
        R("m::test_handwritten[OP-5 static slice-eager]", "tensors-and-ops", "eager", "passed",
          ("OP-5",)),
        R("m::test_handwritten[OP-5 static slice-traced]", "tensors-and-ops", "traced", "failed",
          ("OP-5",), "Violation: demo departs\n--- reproducer ---\nprint(1)"),
        R("m::test_generated[traced]", "tensors-and-ops", "traced", "passed", ("OP-5", "OP-1")),
        R("m::test_generated[eager]", "errors", "eager", "xfailed", ("ERROR-1",), "known bug"),
        R("m::test_generated[traced]", "errors", "traced", "skipped", ("ERROR-1",), "lacks print"),
        R("m::test_generated[eager]", "side-effects", "eager", "error", ("EFFECT-1",),
          "the reference raised ...", crash="reference bug"),
    ]
    collector.account = Account({("rule", "OP-5", "traced"): 3})
    json_path, md_path = report.write(collector, tmp_path / "nested" / "dir")
    data = json.loads(json_path.read_text())
    assert data["schema"] == "tracespec-report/2"
    ops = data["chapters"]["tensors-and-ops"]
    assert ops["eager"] == {"passed": 1, "failed": 0, "xfailed": 0, "skipped": 0, "error": 0}
    assert ops["traced"] == {"passed": 1, "failed": 1, "xfailed": 0, "skipped": 0, "error": 0}
    assert data["chapters"]["errors"]["eager"]["xfailed"] == 1
    assert data["chapters"]["side-effects"]["eager"]["error"] == 1
    assert data["rules"]["OP-5"] == {"eager": "passed", "traced": "failed"}  # a failure wins
    assert data["rules"]["OP-1"] == {"traced": "passed"}
    assert data["rules"]["ERROR-1"] == {"eager": "xfailed", "traced": "skipped"}
    assert data["rules"]["EFFECT-1"] == {"eager": "error"}
    assert data["rules"]["TRACE-8"] == {}  # every rule of the spec is listed, reached or not
    assert data["coverage"]["rule"]["OP-5"] == {"eager": 0, "traced": 3, "graph": 0, "handwritten": 0}
    assert "rule OP-5: no generated run starting eager" in data["shortfalls"]
    md = md_path.read_text()
    assert "## Violations" in md and "--- reproducer ---" in md and "## Crashes" in md
    assert "## Expected failures" in md and "known bug" in md
    assert "| tensors-and-ops | 1 / 0 / 0 / 0 / 0 | 1 / 1 / 0 / 0 / 0 |" in md
    assert "## Coverage" in md and "OP-5" in md
    table = report.table(collector.results)
    assert re.search(r"tensors-and-ops\s+1\s+0\s+0\s+0\s+0\s+1\s+1\s+0\s+0\s+0", table), table


def test_matrix_lists_every_chapter_of_every_report():
    one = {"backend": "a", "backend_version": "1", "profile": "ci", "python": "3", "scenarios": 2,
           "chapters": {"x": {"eager": {"passed": 1}, "traced": {"failed": 1}}}}
    two = dict(one, backend="b", chapters={"y": {"eager": {"passed": 2}, "traced": {}}})
    text = report.matrix([one, two])
    assert "| x | 1 / 0 / 0 / 0 / 0 | 0 / 1 / 0 / 0 / 0 | 0 / 0 / 0 / 0 / 0 |" in text
    assert "| y |" in text and "a eager" in text and "b traced" in text
