"""Expected failures: where a backend departs from the spec deliberately, each with a reason.

A file has one entry per line, ``<what>  # <reason>``; blank lines and lines
starting with ``#`` are ignored. ``<what>`` is one of

``rule RULE-ID [eager|traced]``
    a violating scenario that reaches the rule is an expected failure (the
    test goes on checking its other scenarios);
``chapter SLUG [eager|traced]``
    every test of the chapter may fail (non-strict);
``program REGEX [eager|traced]``
    a violating scenario whose program text matches the regular expression (``re.search``; it
    cannot hold ``#`` or spaces) is an expected failure: the narrowest entry, for a known bug of
    the backend that a construct triggers (tried before the rule entries);
``<the end of a test id>``
    that test must fail (strict: an unexpected pass fails the run).

An entry without a reason, or naming a rule or chapter the spec does not have,
is an error. A backend's own file is ``Adapter.expected_failures`` (a path), or
``adapters/expected_failures/<name>.txt`` for the built-in backends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tracespec.adapters.base import Adapter

from . import spec

MODES = ("eager", "traced")


class Invalid(Exception):
    """An expected-failures file that cannot be read as the format says."""


@dataclass
class ExpectedFailures:
    rules: dict[tuple[str, str | None], str] = field(default_factory=dict)
    chapters: dict[tuple[str, str | None], str] = field(default_factory=dict)
    tests: dict[str, str] = field(default_factory=dict)
    programs: dict[tuple[str, str | None], str] = field(default_factory=dict)
    matched: set[str] = field(default_factory=set)

    def for_violation(self, program: str, rules: set[str], mode: str) -> str | None:
        """The reason a violation of ``program``, reaching ``rules``, is expected, if it is."""
        for (pattern, only), reason in self.programs.items():
            if only in (None, mode) and re.search(pattern, program):
                self.matched.add(f"program {pattern}")
                return f"program {pattern}: {reason}"
        for (rule, only), reason in self.rules.items():
            if rule in rules and only in (None, mode):
                self.matched.add(f"rule {rule}")
                return f"{rule}: {reason}"
        return None

    def for_test(self, nodeid: str, chapter: str, mode: str | None):
        """The xfail mark for a collected conformance test, if an entry names it."""
        for test_id, reason in self.tests.items():
            if nodeid.endswith(test_id):
                self.matched.add(test_id)
                return pytest.mark.xfail(reason=reason, strict=True)
        for (slug, only), reason in self.chapters.items():
            if slug == chapter and only in (None, mode):
                self.matched.add(f"chapter {slug}")
                return pytest.mark.xfail(reason=reason, strict=False)
        return None

    def unmatched(self) -> list[str]:
        """Test-id and chapter entries that matched no collected test."""
        named = [*self.tests, *(f"chapter {slug}" for slug, _ in self.chapters)]
        return [entry for entry in named if entry not in self.matched]


def read(path: Path) -> ExpectedFailures:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise Invalid(f"cannot read the expected-failures file {path}: {error.strerror}") from None
    known_rules = spec.rules()
    known_chapters = {chapter.slug for chapter in spec.chapters()}
    entries = ExpectedFailures()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        what, _, reason = line.partition("#")
        where = f"{path}:{number}"
        if not reason.strip():
            raise Invalid(f"{where}: expected failure without a reason: {line.strip()!r}. "
                          "Add '# <why the backend departs from the spec>'.")
        words = what.split()
        if words[0] == "program":
            if len(words) not in (2, 3) or (len(words) == 3 and words[2] not in MODES):
                raise Invalid(f"{where}: write 'program <regular expression> [eager|traced]  # reason', "
                              f"got {what.strip()!r}.")
            try:
                re.compile(words[1])
            except re.error as error:
                raise Invalid(f"{where}: {words[1]!r} is not a regular expression: {error}.") from None
            entries.programs[words[1], words[2] if len(words) == 3 else None] = reason.strip()
        elif words[0] in ("rule", "chapter"):
            if len(words) not in (2, 3) or (len(words) == 3 and words[2] not in MODES):
                raise Invalid(f"{where}: write '{words[0]} <name> [eager|traced]  # reason', "
                              f"got {what.strip()!r}.")
            name, only = words[1], (words[2] if len(words) == 3 else None)
            known = known_rules if words[0] == "rule" else known_chapters
            if name not in known:
                shown = "the headings of docs/spec, e.g. TRACE-3" if words[0] == "rule" else (
                    ", ".join(sorted(known)))
                raise Invalid(f"{where}: the spec has no {words[0]} {name!r}; known: {shown}.")
            table = entries.rules if words[0] == "rule" else entries.chapters
            table[name, only] = reason.strip()
        else:
            entries.tests[what.strip()] = reason.strip()
    return entries


def load(path: str | None, adapter: Adapter) -> ExpectedFailures:
    """The file given on the command line, else the backend's own, else none."""
    if path is not None:
        return read(Path(path))
    own = adapter_file(adapter)
    return read(own) if own is not None else ExpectedFailures()


def adapter_file(adapter: Adapter) -> Path | None:
    declared = getattr(adapter, "expected_failures", None)
    if declared is not None:
        return Path(declared)
    built_in = Path(__file__).resolve().parent.parent / "adapters" / "expected_failures" / (
        f"{adapter.name}.txt")
    return built_in if built_in.exists() else None
