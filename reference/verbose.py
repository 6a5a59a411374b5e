"""Verbose mode: the reference says what it is doing, and which spec rule decides it.

Every place in the reference that decides a rule of ``docs/spec`` calls ``note`` with the
rule's ID; every op it executes eagerly, records into a graph or runs from a graph is
reported by ``op_event``. Both go to DEBUG records of the ``tracespec.reference`` logger, so::

    import logging
    logging.basicConfig()
    logging.getLogger("tracespec.reference").setLevel(logging.DEBUG)

narrates a program rule by rule (``TRACE-1: tracing f``, ``run add_1``...). The records
carry the rule ID (``record.rule``) or the op event (``record.op``: the event, the
primitive's name, the graph node or ``None``), which is how the conformance suite's
coverage account sees what a scenario reached.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("tracespec.reference")


def note(rule: str, message: str, *args: Any) -> None:
    """Rule ``rule`` decides what happens now (``message`` % ``args`` says what)."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug(f"{rule}: {message}", *args, extra={"rule": rule})


def op_event(event: str, primitive: str, node: Any = None) -> None:
    """``event`` is ``eager`` (executed now), ``record`` (added to a graph) or ``run``."""
    if log.isEnabledFor(logging.DEBUG):
        name = primitive if node is None else node.name
        log.debug("%s %s", event, name, extra={"op": (event, primitive, node)})
