"""Execution contexts: eager at the bottom, one tracing context per function being traced.

``bind`` (see ``primitive.py``) asks the innermost context what to do with an
op: execute it now (eager) or record it in a graph (tracing). The stack is
thread-local, as TensorFlow's graph stack is. The run-eagerly switch is *not*
thread-local: it is one process-global flag (``config.py``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Graph

_local = threading.local()


def _stack() -> list[Graph]:
    if not hasattr(_local, "graphs"):
        _local.graphs = []
    return _local.graphs


def current_graph() -> Graph | None:
    """The graph being traced into, or ``None`` when executing eagerly."""
    stack = _stack()
    return stack[-1] if stack else None


def executing_eagerly() -> bool:
    """True unless a function is being traced on this thread (``tf.executing_eagerly``)."""
    return not _stack()


@contextlib.contextmanager
def tracing_into(graph: Graph) -> Iterator[Graph]:
    """Make ``graph`` the innermost context while the body runs."""
    stack = _stack()
    stack.append(graph)
    try:
        yield graph
    finally:
        popped = stack.pop()
        assert popped is graph, "tracing contexts must nest"


def tapes() -> list:
    """The gradient tapes recording on this thread, outermost first (``tape.py``)."""
    if not hasattr(_local, "tapes"):
        _local.tapes = []
    return _local.tapes
