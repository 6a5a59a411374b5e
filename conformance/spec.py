"""The specification as data: its chapters and rules, read from the Markdown that ships with the suite.

``docs/spec/NN-<slug>.md`` installs as ``tracespec.spec``. A chapter's title is
its level-1 heading; its rules are the level-2 headings ``## ID: title``; a rule's
section is the text up to the next level-1 or level-2 heading.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path

HEADING = re.compile(r"^## (?P<id>[A-Z]+-\d+): (?P<title>\S.*)$")
TITLE = re.compile(r"^# (?:\d+\. )?(?P<title>\S.*)$")
ANY_HEADING = re.compile(r"^#{1,2} ")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<info>\S*)")
CHAPTER_FILE = re.compile(r"^(?P<number>\d+)-(?P<slug>[a-z0-9-]+)\.md$")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    chapter: str  # the chapter's slug
    section: str  # the Markdown text from the heading to the next level-1/2 heading


@dataclass(frozen=True)
class ChapterDoc:
    number: int
    slug: str
    title: str
    file: str
    rules: tuple[Rule, ...]


def parse_chapter(path: Path) -> ChapterDoc:
    match = CHAPTER_FILE.match(path.name)
    assert match, f"not a chapter file name: {path.name}"
    lines = path.read_text(encoding="utf-8").splitlines()
    in_fence = False
    starts = []
    title = match["slug"]
    for number, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence and ANY_HEADING.match(line):
            starts.append(number)
            heading = TITLE.match(line)
            if heading and title == match["slug"]:
                title = heading["title"]
    rules = []
    for position, start in enumerate(starts):
        heading = HEADING.match(lines[start])
        if heading:
            end = starts[position + 1] if position + 1 < len(starts) else len(lines)
            section = "\n".join(lines[start + 1:end])
            rules.append(Rule(heading["id"], heading["title"], match["slug"], section))
    return ChapterDoc(int(match["number"]), match["slug"], title, path.name, tuple(rules))


def parse_chapters(directory: Path) -> tuple[ChapterDoc, ...]:
    """Every ``NN-<slug>.md`` of ``directory``, in reading order."""
    paths = sorted(p for p in directory.iterdir() if CHAPTER_FILE.match(p.name))
    return tuple(parse_chapter(p) for p in paths)


@functools.cache
def chapters() -> tuple[ChapterDoc, ...]:
    """The installed specification's chapters."""
    return parse_chapters(Path(str(importlib.resources.files("tracespec.spec"))))


def rules() -> dict[str, Rule]:
    """Every rule of the specification by ID, in reading order."""
    return {rule.id: rule for chapter in chapters() for rule in chapter.rules}
