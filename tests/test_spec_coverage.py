"""Every rule of the specification is tested, has an executable example, and says where it is defined.

The rules are the level-2 headings ``## ID: title`` of ``docs/spec/*.md`` (IDs like
``TRACE-3``), in every chapter. A rule is covered by a test function in ``tests/`` whose
name contains the ID with ``-`` written ``_`` (``test_TRACE_3_...``); ``TRACE_1`` does not
count for ``TRACE-10``. Each heading must be followed, before the next level-1 or level-2
heading, by a fenced ``python`` block containing a ``>>>`` line, and by a line

    Defined in: reference/<file>.py (<function or class>)[, reference/<file>.py (...)]

naming where the reference decides the rule: every file named must exist and mention the
rule ID (its ``verbose.note`` or its docstring), so the index from spec to code stays true.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "docs" / "spec"
TESTS = ROOT / "tests"

HEADING = re.compile(r"^## (?P<id>[A-Z]+-\d+): (?P<title>\S.*)$")
DEFINED_IN = re.compile(r"^Defined in: (?P<places>.+)$", re.M)
PLACE = re.compile(r"^(?P<file>reference/[\w/]+\.py) \((?P<names>[^()]+)\)$")
ANY_HEADING = re.compile(r"^#{1,2} ")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<info>\S*)")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    chapter: str
    section: str  # the Markdown text from the heading to the next level-1/2 heading


def parse_rules(spec_dir: Path = SPEC) -> list[Rule]:
    rules = []
    for path in sorted(spec_dir.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        in_fence = False
        starts = []
        for number, line in enumerate(lines):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if not in_fence and ANY_HEADING.match(line):
                starts.append(number)
        for position, start in enumerate(starts):
            match = HEADING.match(lines[start])
            if not match:
                continue
            end = starts[position + 1] if position + 1 < len(starts) else len(lines)
            section = "\n".join(lines[start + 1:end])
            rules.append(Rule(match["id"], match["title"], path.name, section))
    return rules


def definition_problems(rule: Rule, root: Path = ROOT) -> list[str]:
    """What is wrong with ``rule``'s ``Defined in:`` line (an empty list when nothing is)."""
    lines = DEFINED_IN.findall(rule.section)
    if len(lines) != 1:
        return [f"{rule.id} ({rule.chapter}): {len(lines)} 'Defined in:' lines, expected 1"]
    problems = []
    for place in (p.strip() for p in re.split(r",\s*(?=reference/)", lines[0])):
        match = PLACE.match(place)
        if not match:
            problems.append(f"{rule.id}: '{place}' is not 'reference/<file>.py (<name>)'")
            continue
        path = root / match["file"]
        if not path.is_file():
            problems.append(f"{rule.id}: {match['file']} does not exist")
        elif not re.search(rf"(?<![\w-]){re.escape(rule.id)}(?!\d)", path.read_text(encoding="utf-8")):
            problems.append(f"{rule.id}: {match['file']} does not mention {rule.id}")
    return problems


def has_executable_example(section: str) -> bool:
    """True if ``section`` holds a fenced ``python`` block with a ``>>>`` line."""
    block: list[str] | None = None
    fence = ""
    is_python = False
    for line in section.splitlines():
        match = FENCE.match(line)
        if block is None:
            if match:
                block, fence = [], match["fence"]
                is_python = match["info"].lower() in ("python", "py", "pycon", "python3")
            continue
        if match and match["fence"].startswith(fence[0]) and len(match["fence"]) >= len(fence) \
                and not match["info"]:
            if is_python and any(item.lstrip().startswith(">>>") for item in block):
                return True
            block = None
            continue
        block.append(line)
    return False


@functools.cache
def collect_test_names(tests_dir: Path = TESTS) -> frozenset[str]:
    names = set()
    for path in sorted(tests_dir.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                names.add(node.name)
    return frozenset(names)



def covering_tests(rule_id: str, names: frozenset[str] | set[str]) -> list[str]:
    key = rule_id.replace("-", "_")
    pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(key)}(?![0-9])")
    return sorted(name for name in names if pattern.search(name))


RULES = parse_rules()


def test_spec_defines_rules():
    assert SPEC.is_dir(), f"{SPEC} does not exist"
    assert RULES, f"no '## ID: title' rule headings found in {SPEC}/*.md"


def test_rule_ids_are_unique():
    seen: dict[str, str] = {}
    duplicates = []
    for rule in RULES:
        if rule.id in seen:
            duplicates.append(f"{rule.id} in {seen[rule.id]} and {rule.chapter}")
        seen[rule.id] = rule.chapter
    assert not duplicates, duplicates


def test_every_rule_has_a_test():
    names = collect_test_names()
    missing = [f"{rule.id} ({rule.chapter}: {rule.title})" for rule in RULES
               if not covering_tests(rule.id, names)]
    assert RULES, "no rules found"
    assert not missing, "rules without a test named after them: " + ", ".join(missing)


def test_every_rule_id_named_by_a_test_exists_in_the_spec():
    known = {rule.id.replace("-", "_") for rule in RULES}
    named = {
        match.group(1): name
        for name in collect_test_names()
        if (match := re.match(r"^test_([A-Z]+_\d+)(?![0-9])", name))
    }
    unknown = sorted(f"{key} ({name})" for key, name in named.items() if key not in known)
    assert RULES, "no rules found"
    assert not unknown, "tests name rule IDs that the spec does not define: " + ", ".join(unknown)


def test_every_rule_has_an_executable_example():
    missing = [f"{rule.id} ({rule.chapter})" for rule in RULES
               if not has_executable_example(rule.section)]
    assert RULES, "no rules found"
    assert not missing, "rules without a ```python block containing >>>: " + ", ".join(missing)


def test_every_rule_says_where_it_is_defined():
    problems = [problem for rule in RULES for problem in definition_problems(rule)]
    assert RULES, "no rules found"
    assert not problems, "rules without a true 'Defined in:' line:\n" + "\n".join(problems)


# ---- the checker itself ---------------------------------------------------------------

def test_checker_parses_headings_sections_and_examples(tmp_path):
    (tmp_path / "01-x.md").write_text(
        "# Chapter\n\n"
        "## TRACE-1: First rule\n\nProse.\n\n```python\n>>> 1 + 1\n2\n\n```\n\n"
        "## TRACE-10: Tenth rule\n\n```python\nprint('no prompt')\n```\n\n"
        "```text\n>>> not python\n```\n\n"
        "## Not a rule\n\n```python\n>>> 'belongs to no rule'\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "02-y.md").write_text(
        "## OP-2: Fenced heading lookalike\n\n```python\n## OP-9: inside a fence\n>>> 3\n3\n```\n",
        encoding="utf-8",
    )
    rules = parse_rules(tmp_path)
    assert [r.id for r in rules] == ["TRACE-1", "TRACE-10", "OP-2"]
    assert [r.title for r in rules] == ["First rule", "Tenth rule", "Fenced heading lookalike"]
    assert [has_executable_example(r.section) for r in rules] == [True, False, True]


def test_checker_matches_whole_ids_only():
    names = {"test_TRACE_10_pins", "test_TRACE_1_body", "test_xTRACE_1", "test_TRACE_12"}
    assert covering_tests("TRACE-1", names) == ["test_TRACE_1_body"]
    assert covering_tests("TRACE-10", names) == ["test_TRACE_10_pins"]
    assert covering_tests("TRACE-12", names) == ["test_TRACE_12"]
    assert covering_tests("TRACE-2", names) == []


def test_checker_reads_defined_in_lines(tmp_path):
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "a.py").write_text('note("OP-2", "x")  # OP-22 too\n', encoding="utf-8")
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "01-x.md").write_text(
        "## OP-2: Right\n\nDefined in: reference/a.py (f)\n\n"
        "## OP-3: Not mentioned there\n\nDefined in: reference/a.py (f)\n\n"
        "## OP-4: Missing file\n\nDefined in: reference/a.py (f), reference/b.py (g)\n\n"
        "## OP-5: No line\n\nProse.\n\n"
        "## OP-6: Malformed\n\nDefined in: somewhere\n",
        encoding="utf-8",
    )
    found = {r.id: definition_problems(r, tmp_path) for r in parse_rules(tmp_path / "spec")}
    assert found["OP-2"] == []
    assert found["OP-3"] == ["OP-3: reference/a.py does not mention OP-3"]
    assert found["OP-4"] == ["OP-4: reference/a.py does not mention OP-4",
                             "OP-4: reference/b.py does not exist"]
    assert found["OP-5"] == ["OP-5 (01-x.md): 0 'Defined in:' lines, expected 1"]
    assert found["OP-6"] == ["OP-6: 'somewhere' is not 'reference/<file>.py (<name>)'"]


def test_checker_finds_no_rules_in_an_empty_folder(tmp_path):
    assert parse_rules(tmp_path) == []


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_rule_is_covered(rule):
    assert covering_tests(rule.id, collect_test_names()), f"no test named after {rule.id}"
    assert has_executable_example(rule.section), f"{rule.id} has no executable example"
    assert not definition_problems(rule), definition_problems(rule)
