"""The spec as data and the chapter registry that the whole suite reads."""

from __future__ import annotations

from support import ROOT

from tracespec.conformance import chapters, spec
from tracespec.conformance.scenario import Scenario


def test_the_installed_spec_is_the_docs_folder():
    installed = spec.chapters()
    assert [c.file for c in installed] == sorted(p.name for p in (ROOT / "docs" / "spec").glob("[0-9]*.md"))
    assert installed == spec.parse_chapters(ROOT / "docs" / "spec")


def test_every_chapter_has_a_registry_entry_with_its_rules():
    assert [c.slug for c in chapters.ALL] == [c.slug for c in spec.chapters()]
    for chapter, doc in zip(chapters.ALL, spec.chapters()):
        assert chapter.rules == tuple(rule.id for rule in doc.rules) and chapter.rules
        assert chapter.title == doc.title
        assert set(chapter.not_generated) <= set(chapter.rules)
        assert all(reason.strip() for reason in chapter.not_generated.values())
        for scenario in chapter.handwritten.values():
            assert isinstance(scenario, Scenario) and scenario.chapter == chapter.slug
            assert set(scenario.rules) <= set(spec.rules()), scenario.rules


def test_chapter_files_parse_titles_and_rules(tmp_path):
    (tmp_path / "01-first.md").write_text(
        "# 1. First chapter\n\n## ONE-1: A rule\n\n```python\n## ONE-9: inside a fence\n```\n"
        "## Not a rule\n\n## ONE-2: Another\n")
    (tmp_path / "README.md").write_text("# not a chapter\n")
    (doc,) = spec.parse_chapters(tmp_path)
    assert (doc.number, doc.slug, doc.title) == (1, "first", "First chapter")
    assert [r.id for r in doc.rules] == ["ONE-1", "ONE-2"]
