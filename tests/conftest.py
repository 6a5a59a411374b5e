"""Shared fixtures for the reference runtime's self-tests.

The run-eagerly switch is one process-global flag (rule EAGER-1), so a test
that flips it would leak into every later test. The autouse fixture below
saves the flag before each test and restores it afterwards, also when the
test fails.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

import tracespec.reference as ts


@pytest.fixture(autouse=True)
def _restore_run_eagerly_flag() -> Iterator[None]:
    saved = ts.config.functions_run_eagerly()
    try:
        yield
    finally:
        ts.config.run_functions_eagerly(saved)


class EventStream(io.StringIO):
    """A text stream for ``ts.print`` that also logs every completed line into ``events``."""

    def __init__(self, events: list) -> None:
        super().__init__()
        self.events = events
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        self.events.extend(lines)
        return super().write(text)


@pytest.fixture
def event_log():
    """A list of events and a ``ts.print`` stream that appends each printed line to it."""
    events: list = []
    return events, EventStream(events)
