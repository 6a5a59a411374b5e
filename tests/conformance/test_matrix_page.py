"""The HTML conformance matrix, rendered from fixture reports and read back from a real browser.

The page is opened in headless Chromium (Debian's ``chromium``; .ci/run installs it); a script
appended to a copy of the page records, for every cell, what a reader sees: its text, its
computed background colour and where its link goes. The expectations are the fixture's
outcomes and the spec's headings, not the page's own code.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tracespec.conformance import cli, matrix_page, report, spec
from tracespec.conformance.plugin import MODES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# The colours a reader sees (matrix_page.STYLE), as the browser computes them.
GREEN, RED = "rgb(200, 236, 208)", "rgb(245, 183, 177)"
AMBER, GREY = "rgb(251, 227, 166)", "rgb(228, 228, 228)"


def fixture_report(backend: str, version: str, results: list[report.Result], **policies: str) -> dict:
    """A report.json as ``tracespec check --report`` writes it, for these test results."""
    return {
        "schema": report.SCHEMA, "backend": backend, "backend_version": version,
        "policies": {"python_scalar_arguments": "literal", **policies}, "profile": "ci",
        "python": "3.11.7", "chapters": report.chapter_counts(results), "scenarios": 40,
        "rules": report.rule_results(results), "not_generated": {}, "coverage": {},
        "shortfalls": [], "tests": [r.__dict__ for r in results],
    }


def passing(chapter: spec.ChapterDoc, mode: str) -> report.Result:
    return report.Result(f"test_{chapter.slug}.py::test_generated[{mode}]", chapter.slug, mode,
                         "passed", tuple(r.id for r in chapter.rules), scenarios=10)


def reports() -> list[dict]:
    chapters = {c.slug: c for c in spec.chapters()}
    everything = [passing(c, m) for c in chapters.values() for m in MODES]
    reference = fixture_report("reference", "0.1.0", everything)
    errors_traced = report.Result(
        "test_errors.py::test_generated[traced]", "errors", "traced", "failed",
        ("ERROR-1", "ERROR-2"), "tensorflow departs from the spec\n\n--- reproducer ---\n"
        "import tensorflow as tf\nprint(tf.gather([1.0], [5]))\n", 12)
    tensorflow = fixture_report("tensorflow", "2.21.0", [
        r for r in everything if (r.chapter, r.mode) != ("errors", "traced")] + [errors_traced])
    jax_results = [
        report.Result("test_tracing_and_cache.py::test_generated[traced]", "tracing-and-cache",
                      "traced", "xfailed", ("TRACE-1", "TRACE-3", "TRACE-4"),
                      "TRACE-4: jit traces Python scalars as weak arrays", 30),
        report.Result("test_tracing_and_cache.py::test_handwritten[TRACE-10 input signature-traced]",
                      "tracing-and-cache", "traced", "skipped", (), "jax lacks input_signature"),
        *(r for r in everything if r.chapter != "tracing-and-cache" or r.mode == "eager"),
    ]
    jax = fixture_report("jax", "0.10.2 (x64, strict promotion)", jax_results,
                         symbolic_bool="error", variables="unsupported")
    return [reference, tensorflow, jax]


HARNESS = """
<pre id="observed"></pre>
<script>
const columns = [];
const heads = document.querySelectorAll("thead tr");
const backends = [];
heads[0].querySelectorAll("th[colspan]").forEach(th => {
  for (let i = 0; i < Number(th.colSpan); i++) backends.push(th.innerText.trim());
});
heads[1].querySelectorAll("th").forEach((th, i) => columns.push(backends[i] + " " + th.innerText.trim()));
const cells = {};
document.querySelectorAll("tbody tr").forEach(tr => {
  tr.querySelectorAll("td").forEach((td, i) => {
    const link = td.querySelector("a");
    cells[tr.id + " " + columns[i]] = {
      text: td.innerText.trim(), background: getComputedStyle(td).backgroundColor,
      href: link.getAttribute("href"), visible: td.offsetWidth > 0 && td.offsetHeight > 0};
  });
});
const rows = {};
document.querySelectorAll("tbody tr th.row a").forEach(a => {
  rows[a.closest("tr").id] = a.getAttribute("href");
});
const sections = {};
document.querySelectorAll("section.failure").forEach(s => {
  sections[s.id] = {text: s.innerText, visible: s.offsetHeight > 0};
});
document.getElementById("observed").textContent = JSON.stringify({
  cells, rows, sections, header: document.querySelector(".backends").innerText});
</script>
"""


def seen_by_a_browser(page: Path, tmp_path: Path) -> dict:
    """What Chromium shows of ``page``: the harness's record of every cell, link and section."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (.ci/run installs the Debian package 'chromium')")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", HARNESS + "</body>"),
                     encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="observed">(.*?)</pre>', result.stdout, re.DOTALL)
    assert match and match.group(1), f"Chromium showed no page:\n{result.stderr[-2000:]}"
    return json.loads(html.unescape(match.group(1)))


@pytest.fixture(scope="module")
def seen(tmp_path_factory) -> dict:
    directory = tmp_path_factory.mktemp("matrix")
    paths = []
    for data in reports():
        path = directory / f"{data['backend']}.json"
        path.write_text(json.dumps(data))
        paths.append(str(path))
    page = directory / "matrix.html"
    assert cli.main(["matrix", *paths, "--html", str(page)]) == cli.CONFORMS
    return seen_by_a_browser(page, directory)


def test_the_header_names_each_backend_its_version_and_policies(seen):
    header = seen["header"]
    for text in ("reference 0.1.0", "tensorflow 2.21.0", "jax 0.10.2 (x64, strict promotion)",
                 "symbolic_bool=error", "variables=unsupported", "profile ci"):
        assert text in header, text


def test_a_failing_rule_is_red_and_links_to_its_reproducer(seen):
    cell = seen["cells"]["rule-ERROR-2 tensorflow traced"]
    assert cell["visible"] and cell["background"] == RED
    assert cell["text"] == "1 fail"
    target = cell["href"]
    assert target.startswith("#failure-tensorflow-")
    section = seen["sections"][target[1:]]
    assert section["visible"] and "import tensorflow as tf" in section["text"]
    assert seen["cells"]["chapter-errors tensorflow traced"]["background"] == RED
    assert seen["cells"]["rule-ERROR-2 tensorflow eager"]["background"] == GREEN


def test_expected_failures_and_rules_not_reached_have_their_own_colours(seen):
    expected = seen["cells"]["rule-TRACE-4 jax traced"]
    assert expected["background"] == AMBER and expected["text"] == "1 xfail"
    unreached = seen["cells"]["rule-TRACE-10 jax traced"]
    assert unreached["background"] == GREY and unreached["text"] == "not reached"
    chapter = seen["cells"]["chapter-tracing-and-cache jax traced"]
    assert chapter["background"] == AMBER and chapter["text"] == "1 xfail, 1 skip"


def test_passing_cells_are_green_with_counts_and_link_to_the_rule(seen):
    cell = seen["cells"]["rule-TRACE-4 reference traced"]
    assert cell["background"] == GREEN and cell["text"] == "1 pass"
    assert cell["href"] == seen["rows"]["rule-TRACE-4"]


def test_rule_names_link_to_their_section_of_the_spec(seen):
    # The anchors GitHub gives these headings (docs/spec/05-errors.md, 02-tracing-and-cache.md).
    assert seen["rows"]["rule-ERROR-2"] == (
        "spec/05-errors.md#error-2-run-time-errors-are-invalidargumenterror-and-are-not-sticky")
    assert seen["rows"]["rule-TRACE-3"] == (
        "spec/02-tracing-and-cache.md#trace-3-tensors-are-keyed-by-dtype-and-shape")
    assert seen["rows"]["chapter-errors"] == "spec/05-errors.md"


def test_every_rule_of_the_spec_has_a_row_and_a_cell_per_backend_and_mode(seen):
    for rule in spec.rules():
        assert f"rule-{rule}" in seen["rows"], rule
        for backend in ("reference", "tensorflow", "jax"):
            for mode in MODES:
                assert seen["cells"][f"rule-{rule} {backend} {mode}"]["visible"], (rule, backend, mode)


def test_page_without_failures_has_no_failure_section():
    page = matrix_page.render(reports()[:1])
    assert "Failures and their reproducers" not in page
    assert 'class="cell fail' not in page


def test_matrix_html_to_an_unwritable_place_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(reports()[0]))
    code = cli.main(["matrix", str(path), "--html", str(tmp_path / "missing" / "page.html")])
    assert code == cli.USAGE
    assert "cannot write" in capsys.readouterr().err
