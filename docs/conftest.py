"""Pytest glue for the executable examples in ``docs/*.md``.

pytest collects every Markdown file as one doctest item (``--doctest-glob='*.md'``), so names
defined by one example stay visible to the later examples of the same file. The examples never
import the namespace they exercise: ``ts`` is the namespace of the backend chosen with
``--backend`` (the reference unless told), so the same text runs on every backend, e.g.
``pytest docs --backend tensorflow``. On a backend other than the reference, output is compared
after the adapter rewrites its own spellings (``tf.`` becomes ``ts.``), and exception lines by
class name only (doctest's ``IGNORE_EXCEPTION_DETAIL``): messages and module paths are
presentation, the class is the spec.
"""

from __future__ import annotations

import doctest
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tracespec.adapters.base import Adapter
from tracespec.conformance.plugin import SUITE


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
        doctest_namespace["ts"] = _adapter.namespace(lambda line: sys.stdout.write(line + "\n"))
        doctest_namespace["np"] = np
        yield


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
    for item in items:
        test = getattr(item, "dtest", None)
        if test is None:
            continue
        for example in test.examples:
            example.options[doctest.IGNORE_EXCEPTION_DETAIL] = True
        item.runner._checker = _BackendSpelling(item.runner._checker, adapter)
