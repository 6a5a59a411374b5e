"""Nested structures (``tf.nest`` in miniature): lists, tuples, namedtuples and dicts of leaves."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
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


def leaves_with_paths(structure: Any, path: str = "") -> Iterator[tuple[Any, str]]:
    """JAX's pytree leaves of ``structure`` with their paths after ``path`` (``p['k'][0]``,
    ``p.a``), dicts in sorted key order (``pytree_keys``); ``None`` is no leaf."""
    if structure is None:
        return
    if isinstance(structure, dict):
        items = [(f"[{key!r}]", structure[key]) for key in pytree_keys(structure)]
    elif is_namedtuple(structure):
        items = [(f".{name}", item) for name, item in zip(structure._fields, structure)]
    elif isinstance(structure, (list, tuple)):
        items = [(f"[{index}]", item) for index, item in enumerate(structure)]
    else:
        yield structure, path
        return
    for step, item in items:
        yield from leaves_with_paths(item, path + step)


def sorted_dicts(structure: Any) -> Any:
    """``structure`` with its dicts in ``pytree_keys`` order, as JAX rebuilds a pytree."""
    if isinstance(structure, dict):
        return type(structure)((k, sorted_dicts(structure[k])) for k in pytree_keys(structure))
    if isinstance(structure, (list, tuple)):
        items = [sorted_dicts(v) for v in structure]
        return type(structure)(*items) if is_namedtuple(structure) else type(structure)(items)
    return structure


def pytree_keys(mapping: dict) -> list[Any]:
    """A dict's keys as JAX orders them (TRACE-5 under ``non_tensor_arguments="error"``): sorted
    (an ``OrderedDict`` keeps its order); keys that do not sort are JAX's ``ValueError``."""
    if isinstance(mapping, OrderedDict):
        return list(mapping)
    try:
        return sorted(mapping)
    except TypeError:
        raise ValueError("Comparator raised exception while sorting pytree dictionary keys.") from None
