"""Pytest glue for the executable examples in ``docs/spec/*.md``.

pytest collects every Markdown file as one doctest item (``--doctest-glob='*.md'``), so names
defined by one example stay visible to the later examples of the same file. The examples never
import the namespace they exercise: the fixtures below inject it as ``ts`` (and NumPy as
``np``), so that the same text can later run against another backend's namespace.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tracespec.reference as namespace_under_test  # the backend the examples run on


@pytest.fixture(autouse=True)
def _inject_namespace(doctest_namespace: dict[str, Any]) -> None:
    """Make ``ts`` (the namespace under test) and ``np`` available to every example."""
    doctest_namespace["ts"] = namespace_under_test
    doctest_namespace["np"] = np


@pytest.fixture(autouse=True)
def _restore_run_eagerly_flag() -> Iterator[None]:
    """Save the process-global run-eagerly switch and restore it afterwards, even on failure."""
    saved = namespace_under_test.config.functions_run_eagerly()
    try:
        yield
    finally:
        namespace_under_test.config.run_functions_eagerly(saved)
