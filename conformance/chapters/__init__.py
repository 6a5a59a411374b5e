"""The chapter registry: the spec chapter is the unit of the suite.

Each chapter of ``docs/spec`` (``NN-<slug>.md``) has a module here named after
its slug (``side-effects`` -> ``side_effects.py``) that defines

``scenarios()``
    the hypothesis strategy that draws the chapter's generated scenarios;
``HANDWRITTEN``
    hand-written scenarios by name: the chapter's key rules as fixed programs;
``NOT_GENERATED``
    rules of the chapter that generated scenarios cannot reach, each with the reason.

Its number, title and rules come from the chapter's Markdown. The suite files,
the report, the benchmark and the mutant tests all read ``ALL``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hypothesis.strategies import SearchStrategy

from .. import spec
from ..scenario import Scenario


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    title: str
    rules: tuple[str, ...]
    scenarios: Callable[[], SearchStrategy[Scenario]]
    handwritten: Mapping[str, Scenario]
    not_generated: Mapping[str, str]

    @property
    def module(self) -> str:
        return self.slug.replace("-", "_")


def _load(doc: spec.ChapterDoc) -> Chapter:
    module = importlib.import_module(f"{__name__}.{doc.slug.replace('-', '_')}")
    rules = tuple(rule.id for rule in doc.rules)
    not_generated = getattr(module, "NOT_GENERATED", {})
    unknown = set(not_generated) - set(rules)
    assert not unknown, f"{module.__name__}.NOT_GENERATED names rules of no chapter {doc.slug}: {unknown}"
    for scenario in module.HANDWRITTEN.values():
        assert scenario.chapter == doc.slug, (scenario.chapter, doc.slug)
    return Chapter(doc.number, doc.slug, doc.title, rules, module.scenarios, module.HANDWRITTEN,
                   not_generated)


ALL: tuple[Chapter, ...] = tuple(_load(doc) for doc in spec.chapters())
BY_SLUG: dict[str, Chapter] = {chapter.slug: chapter for chapter in ALL}
HANDWRITTEN: dict[str, Scenario] = {
    name: scenario for chapter in ALL for name, scenario in chapter.handwritten.items()
}
