"""Trace types: what a call's arguments contribute to the cache key.

* tensors and NumPy values: their dtype and shape, never their value (TRACE-3);
* ``bool``/``int``/``float``/``str``/``None``: a literal, equal by Python
  ``==`` (so ``1``, ``1.0`` and ``True`` share a trace; NaN equals NaN) (TRACE-4); under
  ``python_scalar_arguments="weak-tensor"`` (JAX) a ``bool``, ``int`` or ``float`` is a 0-d
  tensor of its default dtype instead, weakly typed unless a ``bool``, keyed like one;
* lists, tuples, dicts, namedtuples: their structure and their items' types (TRACE-5);
* anything else: the object itself, matched by identity or ``==``; it must be
  hashable (TRACE-6).
* an object with ``__ts_trace_type__`` (a variable, VAR-8; a dataset, DATA-6): the type it
  says, given the call's aliases so far (TensorFlow's tracing protocol).

A type can be a *subtype* of another (a ``(3,)`` tensor fits a ``(None,)``
trace) and two types may have a most specific common supertype: that is how
``reduce_retracing`` relaxes shapes (TRACE-11).
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import nest, policies, tensor_spec
from .conversion import convert_to_tensor, python_dtype
from .tensor import Tensor
from .tensor_spec import TensorSpec
from .verbose import note


class TraceType:
    """Base class: how one argument is keyed."""

    def is_subtype_of(self, other: TraceType) -> bool:
        return self == other

    def most_specific_common_supertype(self, other: TraceType) -> TraceType | None:
        return self if self == other else None

    def placeholder(self, value: Any, make_placeholder: Callable[[TensorSpec], Tensor]) -> Any:
        """The value the Python body sees for this argument while tracing."""
        return value

    def tensors(self, value: Any) -> list[Tensor]:
        """The tensor leaves of a call's argument, in placeholder order."""
        return []


@dataclass(frozen=True)
class TensorType(TraceType):
    spec: TensorSpec
    weak: bool = False  # a weakly typed tensor (python_scalar_arguments="weak-tensor", TRACE-4)

    def is_subtype_of(self, other: TraceType) -> bool:
        return isinstance(other, TensorType) and self.weak == other.weak and \
            self.spec.is_compatible_with(other.spec)

    def most_specific_common_supertype(self, other: TraceType) -> TraceType | None:
        if not isinstance(other, TensorType) or \
                (other.spec.dtype, other.weak) != (self.spec.dtype, self.weak):
            return None
        shape = tensor_spec.most_specific_common_shape(self.spec.shape, other.spec.shape)
        return TensorType(TensorSpec(shape, self.spec.dtype), self.weak)

    def placeholder(self, value, make_placeholder):
        placeholder = make_placeholder(self.spec)
        if self.weak:
            placeholder.weak = True
        return placeholder

    def tensors(self, value):
        return [convert_to_tensor(value, dtype=self.spec.dtype)]

    def __repr__(self) -> str:
        return repr(self.spec) + (" (weak)" if self.weak else "")


@dataclass(frozen=True, eq=False)
class Literal(TraceType):
    """A Python scalar, keyed by value; the body sees the value it was traced with."""

    value: Any

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Literal):
            return False
        both_nan = _is_nan(self.value) and _is_nan(other.value)
        return both_nan or bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash("nan") if _is_nan(self.value) else hash(self.value)

    def placeholder(self, value, make_placeholder):
        return self.value

    def __repr__(self) -> str:
        return f"Literal[{self.value!r}]"


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


@dataclass(frozen=True)
class SequenceType(TraceType):
    """A list or tuple (or namedtuple): its class and its items' types, in order."""

    kind: type
    items: tuple[TraceType, ...]

    def is_subtype_of(self, other):
        return (
            isinstance(other, SequenceType)
            and other.kind is self.kind
            and len(other.items) == len(self.items)
            and all(a.is_subtype_of(b) for a, b in zip(self.items, other.items))
        )

    def most_specific_common_supertype(self, other):
        if not isinstance(other, SequenceType) or other.kind is not self.kind:
            return None
        if len(other.items) != len(self.items):
            return None
        items = [a.most_specific_common_supertype(b) for a, b in zip(self.items, other.items)]
        return None if None in items else SequenceType(self.kind, tuple(items))

    def placeholder(self, value, make_placeholder):
        items = [t.placeholder(v, make_placeholder) for t, v in zip(self.items, value)]
        return self.kind(*items) if _is_namedtuple(self.kind) else self.kind(items)

    def tensors(self, value):
        return [leaf for t, v in zip(self.items, value) for leaf in t.tensors(v)]

    def __repr__(self) -> str:
        return f"{self.kind.__name__.capitalize()}[{', '.join(map(repr, self.items))}]"


@dataclass(frozen=True)
class MappingType(TraceType):
    """A mapping: its keys and their values' types; insertion order does not matter."""

    items: frozenset[tuple[Any, TraceType]]

    def _as_dict(self) -> dict[Any, TraceType]:
        return dict(self.items)

    def is_subtype_of(self, other):
        if not isinstance(other, MappingType):
            return False
        mine, theirs = self._as_dict(), other._as_dict()
        return mine.keys() == theirs.keys() and all(
            mine[k].is_subtype_of(theirs[k]) for k in mine
        )

    def most_specific_common_supertype(self, other):
        if not isinstance(other, MappingType):
            return None
        mine, theirs = self._as_dict(), other._as_dict()
        if mine.keys() != theirs.keys():
            return None
        merged = {k: mine[k].most_specific_common_supertype(theirs[k]) for k in mine}
        return None if None in merged.values() else MappingType(frozenset(merged.items()))

    def placeholder(self, value, make_placeholder):
        types = self._as_dict()
        made = {k: types[k].placeholder(value[k], make_placeholder) for k in _ordered(types)}
        if policies.current().non_tensor_arguments == "error":  # TRACE-5: a pytree, rebuilt
            return {k: made[k] for k in nest.pytree_keys(value)}
        return {k: made[k] for k in value}

    def tensors(self, value):
        types = self._as_dict()
        return [leaf for k in _ordered(types) for leaf in types[k].tensors(value[k])]

    def __repr__(self) -> str:
        return "Dict[" + ", ".join(f"{k!r}: {t!r}" for k, t in self._as_dict().items()) + "]"


class ObjectType(TraceType):
    """Any other Python object: matches the same object, or one that compares ``==``."""

    def __init__(self, value: Any):
        try:
            self._hash = hash(value)
        except TypeError:
            raise TypeError(
                f"Could not generate a generic TraceType for {value!r}.Please verify that it is "
                "immutable/hashable. Otherwise, consider implementing the Tracing Protocol for it."
            ) from None
        try:
            self._ref: Callable[[], Any] = weakref.ref(value)
        except TypeError:
            self._ref = lambda: value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ObjectType):
            return False
        mine, theirs = self._ref(), other._ref()
        if mine is None or theirs is None:
            return False
        if mine is theirs:
            return True
        try:
            return bool(mine == theirs)
        except Exception:
            return False

    def __hash__(self) -> int:
        return self._hash

    def placeholder(self, value, make_placeholder):
        return value

    def __repr__(self) -> str:
        return f"Object[{self._ref()!r}]"


def _ordered(keys) -> list:
    """A dict's keys in a canonical order, so that insertion order never matters."""
    return sorted(keys, key=repr)


def _is_namedtuple(kind: type) -> bool:
    return issubclass(kind, tuple) and hasattr(kind, "_fields")


def from_value(value: Any, aliases: dict[int, int] | None = None) -> TraceType:
    """The trace type of one argument value (``TensorSpec`` stands for any matching tensor).

    ``aliases`` numbers the variables of one call in order of appearance (VAR-8).
    """
    aliases = {} if aliases is None else aliases
    own = getattr(type(value), "__ts_trace_type__", None)
    if own is not None:  # a type that says how it is keyed (a variable, VAR-8; a dataset, DATA-6)
        return own(value, aliases)
    if isinstance(value, (TensorSpec, Tensor, np.ndarray, np.generic)):
        note("TRACE-3", "a tensor argument is keyed by its dtype and shape")
        if isinstance(value, TensorSpec):
            return TensorType(value)
        if isinstance(value, Tensor):
            return TensorType(value.spec, value.weak)
        return TensorType(convert_to_tensor(value).spec)
    if isinstance(value, (bool, int, float)) and policies.current().python_scalar_arguments == "weak-tensor":
        kind = bool if isinstance(value, bool) else int if isinstance(value, int) else float
        note("TRACE-4", "python_scalar_arguments='weak-tensor': the Python %s is a 0-d tensor keyed "
                        "by its dtype, not its value", kind.__name__)
        return TensorType(TensorSpec([], python_dtype(kind)), weak=kind is not bool)
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        note("TRACE-4", "the Python value %r is keyed by ==", value)
        return Literal(value)
    if isinstance(value, (list, tuple)):
        note("TRACE-5", "a %s is keyed by its structure", type(value).__name__)
        return SequenceType(type(value), tuple(from_value(v, aliases) for v in value))
    if isinstance(value, Mapping):
        note("TRACE-5", "a mapping is keyed by its keys and their values' types")
        return MappingType(frozenset((k, from_value(v, aliases)) for k, v in value.items()))
    if isinstance(value, weakref.ref):
        raise TypeError(f"weakref input {value!r} not supported for ts.function.")
    note("TRACE-6", "a %s is keyed by identity or equality", type(value).__name__)
    return ObjectType(value)


@dataclass(frozen=True)
class FunctionType:
    """The trace types of every parameter of one call, by parameter name, in order."""

    parameters: tuple[tuple[str, TraceType], ...]
    scope: str = ""  # the variable-creation scope of the trace (VAR-3), as TensorFlow keys it
    keywords: frozenset[str] = frozenset()  # passed by keyword (argument_binding="as-passed", TRACE-7)

    def within(self, scope: str) -> FunctionType:
        return dataclasses.replace(self, scope=scope)

    def is_subtype_of(self, other: FunctionType) -> bool:
        same = (self.scope, self.keywords) == (other.scope, other.keywords)
        return same and len(self.parameters) == len(other.parameters) and all(
            n1 == n2 and t1.is_subtype_of(t2)
            for (n1, t1), (n2, t2) in zip(self.parameters, other.parameters)
        )

    def most_specific_common_supertype(self, other: FunctionType) -> FunctionType | None:
        if [n for n, _ in self.parameters] != [n for n, _ in other.parameters] or \
                (self.scope, self.keywords) != (other.scope, other.keywords):
            return None
        merged = []
        for (name, mine), (_, theirs) in zip(self.parameters, other.parameters):
            common = mine.most_specific_common_supertype(theirs)
            if common is None:
                return None
            merged.append((name, common))
        return dataclasses.replace(self, parameters=tuple(merged))

    def __str__(self) -> str:
        return "\n".join(f"  {name} (POSITIONAL_OR_KEYWORD): {t!r}" for name, t in self.parameters)
