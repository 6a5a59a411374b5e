"""Verbose mode: the reference says what it is doing, and which spec rule decides it.

Every place in the reference that decides a rule of ``docs/spec`` calls ``note`` with the
rule's ID; every op it executes eagerly, records into a graph or runs from a graph is
reported by ``op_event``. Both become DEBUG records of the ``tracespec.reference`` logger, so::

    import logging
    logging.basicConfig()
    logging.getLogger("tracespec.reference").setLevel(logging.DEBUG)

narrates a program rule by rule (``TRACE-1: tracing f``, ``run add_1``...). A listener
(the conformance suite's coverage account) gets the same facts without the cost of a log
record: the rule ID, or the op event with the primitive's name and the graph node.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any, Protocol

log = logging.getLogger("tracespec.reference")


class Listener(Protocol):
    def rule(self, rule: str) -> None: ...

    def op(self, event: str, primitive: str, node: Any) -> None: ...


_listeners: list[Listener] = []


def note(rule: str, message: str, *args: Any) -> None:
    """Rule ``rule`` decides what happens now (``message`` % ``args`` says what)."""
    for listener in _listeners:
        listener.rule(rule)
    if log.isEnabledFor(logging.DEBUG):
        log.debug(f"{rule}: {message}", *args)


def op_event(event: str, primitive: str, node: Any = None) -> None:
    """``event`` is ``eager`` (executed now), ``record`` (added to a graph) or ``run``."""
    for listener in _listeners:
        listener.op(event, primitive, node)
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s %s", event, primitive if node is None else node.name)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Tell ``listener`` every rule and op event of the block."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
