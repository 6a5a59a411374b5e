"""Nested structures (``tf.nest`` in miniature): lists, tuples, namedtuples and dicts of leaves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """Apply ``fn`` to every leaf; ``None`` stays ``None``; containers keep their types."""
    if structure is None:
        return None
    if isinstance(structure, Mapping):
        return type(structure)((k, map_structure(fn, v)) for k, v in structure.items())
    if isinstance(structure, (list, tuple)):
        items = [map_structure(fn, v) for v in structure]
        return type(structure)(*items) if is_namedtuple(structure) else type(structure)(items)
    return fn(structure)


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure`` in order (dicts in insertion order); ``None`` is no leaf."""
    leaves: list[Any] = []
    map_structure(leaves.append, structure)
    return leaves


def snapshot(value: Any) -> Any:
    """An identity-and-shape fingerprint of nested Python containers (TRACE-14 compares two)."""
    if isinstance(value, Mapping):
        return ("dict", id(value), tuple((k, snapshot(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, id(value), tuple(snapshot(v) for v in value))
    return id(value)


def is_namedtuple(value: Any) -> bool:
    kind = value if isinstance(value, type) else type(value)
    return issubclass(kind, tuple) and hasattr(kind, "_fields")
