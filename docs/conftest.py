"""Pytest glue for the executable examples in ``docs/*.md``.

pytest collects every Markdown file as one doctest item (``--doctest-glob='*.md'``), so names
defined by one example stay visible to the later examples of the same file. The examples never
import the namespace they exercise: ``ts`` is the namespace of the backend chosen with
``--backend`` (the reference unless told), so the same text runs on every backend, e.g.
``pytest docs --backend tensorflow``. On a backend other than the reference, exception lines are
compared by class name only (doctest's ``IGNORE_EXCEPTION_DETAIL``): messages and module paths
are presentation, the class is the spec.
"""

from __future__ import annotations

import doctest
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from tracespec.adapters.base import Adapter
from tracespec.conformance.plugin import ADAPTER


@pytest.fixture(scope="session")
def _adapter(pytestconfig: pytest.Config) -> Adapter:
    return pytestconfig.stash[ADAPTER]


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.stash[ADAPTER].name == "reference":
        return
    for item in items:
        test = getattr(item, "dtest", None)
        for example in getattr(test, "examples", ()):
            example.options[doctest.IGNORE_EXCEPTION_DETAIL] = True
