"""Pytest glue for the executable examples in ``docs/*.md``.

pytest collects every Markdown file as one doctest item (``--doctest-glob='*.md'``), so names
defined by one example stay visible to the later examples of the same file. The examples never
import the namespace they exercise: ``ts`` is the namespace of the backend chosen with
``--backend`` (the reference unless told), so the same text runs on every backend, e.g.
``pytest docs --backend tensorflow``. On a backend other than the reference, output is compared
after the adapter rewrites its own spellings (``tf.`` becomes ``ts.``), and exception lines by
class name only (doctest's ``IGNORE_EXCEPTION_DETAIL``): messages and module paths are
presentation, the class is the spec. A backend's supplied Tensor members
(``Adapter.tensor_api``) are used as in the suite: the examples are rewritten to use them, and a
supplied ``__repr__`` shows the values doctest displays. A line ``> Not on <backend>, ...: <why>``
in a chapter skips the examples of the code block after it on those backends, and a line
``> Not on <backend> (this chapter): <why>`` every example of the chapter. A mark naming a
backend covers its variants too (``jax`` covers ``jax-x32``).
"""

from __future__ import annotations

import ast
import builtins
import doctest
import re
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tracespec.adapters.base import Adapter
from tracespec.conformance import tensor_api
from tracespec.conformance.plugin import SUITE

NOT_ON = re.compile(r"^> Not on (?P<backends>[\w-]+(?:, [\w-]+)*)(?P<chapter> \(this chapter\))?:")


@pytest.fixture(scope="session")
def _adapter(pytestconfig: pytest.Config) -> Adapter:
    return pytestconfig.stash[SUITE].adapter


@pytest.fixture(autouse=True)
def _inject_namespace(doctest_namespace: dict[str, Any], _adapter: Adapter) -> Iterator[None]:
    """Make ``ts`` (the namespace under test) and ``np`` available to every example.

    The backend's session is entered for each file, so its global state (the run-eagerly
    switch, and anything a backend patches) is restored afterwards, even on failure.
    """
    with _adapter.session():
        namespace = _adapter.namespace(lambda line: sys.stdout.write(line + "\n"))
        doctest_namespace["ts"] = namespace
        doctest_namespace["np"] = np
        doctest_namespace[tensor_api.NAME] = tensor_api.TensorAPI(_adapter.tensor_api, namespace.is_tensor)
        represent = _adapter.tensor_api.get("__repr__")
        if represent is not None:
            doctest_namespace[DISPLAY] = _Display(represent, namespace.is_tensor)
        yield


DISPLAY = "__display__"


class _Display:
    """Shows a value as doctest would, with the backend's tensors (also inside containers) as
    its supplied ``__repr__`` writes them (doctest itself uses the built-in display hook)."""

    def __init__(self, represent: Any, is_tensor: Any):
        self._represent = represent
        self._is_tensor = is_tensor

    def __call__(self, value: Any) -> None:
        if value is not None:
            builtins._ = value
            sys.stdout.write(self.text(value) + "\n")

    def text(self, value: Any) -> str:
        if self._is_tensor(value):
            return self._represent(value)
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            inner = ", ".join(f"{k}={self.text(v)}" for k, v in zip(value._fields, value))
            return f"{type(value).__name__}({inner})"
        if isinstance(value, tuple):
            return "(" + ", ".join(self.text(v) for v in value) + ("," if len(value) == 1 else "") + ")"
        if isinstance(value, list):
            return "[" + ", ".join(self.text(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {self.text(v)}" for k, v in value.items()) + "}"
        return repr(value)


class _BackendSpelling(doctest.OutputChecker):
    """Compares output after rewriting the backend's own spellings (``tf.`` -> ``ts.``)."""

    def __init__(self, base: doctest.OutputChecker, adapter: Adapter):
        self._base = base
        self._adapter = adapter

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return self._base.check_output(want, self._adapter.spelled_as_spec(got), optionflags)

    def output_difference(self, example: doctest.Example, got: str, optionflags: int) -> str:
        return self._base.output_difference(example, self._adapter.spelled_as_spec(got), optionflags)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    adapter = config.stash[SUITE].adapter
    if adapter.name == "reference":
        return
    supplied = frozenset(adapter.tensor_api)
    for item in items:
        test = getattr(item, "dtest", None)
        if test is None:
            continue
        skipped = not_applicable(test.docstring or "", adapter.name)
        for example in test.examples:
            example.options[doctest.IGNORE_EXCEPTION_DETAIL] = True
            if example.lineno in skipped:
                example.options[doctest.SKIP] = True
            elif supplied:
                example.source = _displayed(tensor_api.rewrite(example.source, supplied),
                                            "__repr__" in supplied) + "\n"
        item.runner._checker = _BackendSpelling(item.runner._checker, adapter)


def _displayed(source: str, supplied_repr: bool) -> str:
    """An expression statement shown through ``__display__`` when the backend supplies repr."""
    tree = ast.parse(source)
    if not supplied_repr or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return source.rstrip("\n")
    call = ast.Call(ast.Name(DISPLAY, ast.Load()), [tree.body[0].value], [])
    return ast.unparse(ast.fix_missing_locations(ast.Expression(call)))


def not_applicable(text: str, backend: str) -> set[int]:
    """The lines of ``text`` from a ``> Not on ...`` line naming ``backend`` to the end of the
    code block after it; every line, if a ``> Not on ... (this chapter):`` line names it."""
    covered, active, fenced = set(), False, False
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = NOT_ON.match(line)
        named = bool(match) and bool({backend, backend.split("-")[0]} & set(match["backends"].split(", ")))
        if named and match["chapter"]:
            return set(range(len(lines)))
        if match:
            active = named
        if active:
            covered.add(number)
            if line.startswith("```"):
                active = fenced = not fenced
    return covered
