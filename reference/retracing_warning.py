"""TRACE-15: the frequent-retracing warning, as TensorFlow computes it.

One detector per Python code object, so re-creating a ``ts.function`` from the
same ``def`` in a loop still counts. Only calls made from eager context are
recorded. The window keeps roughly the last 10 calls; when 5 of them traced,
a WARNING goes to the ``tracespec`` logger, at most twice per detector.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections.abc import Iterator

from .verbose import note

MAX_CALL_HISTORY = 10
THRESHOLD = 5
MAX_WARNINGS_PER_DETECTOR = 2

logger = logging.getLogger("tracespec")


class Detector:
    """Counts recent calls, grouped as runs that each start with a tracing call."""

    def __init__(self) -> None:
        self.calls_per_tracing: list[int] = []
        self.call_count = 0
        self.warnings = 0

    def called_with_tracing(self, function_name: str) -> None:
        self.call_count += 1
        self.calls_per_tracing.append(1)
        while self.call_count - self.calls_per_tracing[0] > MAX_CALL_HISTORY:
            self.call_count -= self.calls_per_tracing.pop(0)
        if self.warnings < MAX_WARNINGS_PER_DETECTOR and len(self.calls_per_tracing) >= THRESHOLD:
            self.warnings += 1
            note("TRACE-15", "%s retraced too often: a warning", function_name)
            logger.warning(
                "%d out of the last %d calls to %s triggered ts.function retracing. Tracing is "
                "expensive and the excessive number of tracings could be due to (1) creating "
                "@ts.function repeatedly in a loop, (2) passing tensors with different shapes, "
                "(3) passing Python objects instead of tensors. For (1), please define your "
                "@ts.function outside of the loop. For (2), @ts.function has "
                "reduce_retracing=True option that can avoid unnecessary retracing. For (3), "
                "pass tensors instead of Python values.",
                len(self.calls_per_tracing), self.call_count, function_name,
            )

    def called_without_tracing(self) -> None:
        if not self.calls_per_tracing:
            self.calls_per_tracing = [0]
        self.calls_per_tracing[-1] += 1
        self.call_count += 1


_detectors: weakref.WeakKeyDictionary[object, Detector] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def record_call(key: object, traced: bool, function_name: str) -> None:
    """TRACE-15: record one eager-context call of the function identified by ``key``."""
    with _lock:
        detector = _detectors.setdefault(key, Detector())
        if traced:
            detector.called_with_tracing(function_name)
        else:
            detector.called_without_tracing()


@contextlib.contextmanager
def isolated() -> Iterator[None]:
    """Count calls in fresh detectors for the block (equal code objects share a detector)."""
    global _detectors
    saved, _detectors = _detectors, weakref.WeakKeyDictionary()
    try:
        yield
    finally:
        _detectors = saved
