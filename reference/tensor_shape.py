"""``TensorShape``: what ``x.shape`` returns, a static shape with possibly unknown parts (TENSOR-4).

A dimension is an ``int`` or ``None`` (unknown), and the rank itself may be
unknown (``TensorShape(None)``, printed ``<unknown>``). It behaves like a tuple
of its dimensions where that is defined: ``len``, indexing, iteration and ``==``
(against another shape, a tuple or a list). Where the rank is unknown those
raise ``ValueError`` as TensorFlow's do, except indexing, which gives ``None``.
Inside the reference shapes are plain tuples (``tensor_spec.Shape``); this
class is the face they show to programs.

Not modelled: TensorFlow's ``Dimension`` objects (``.dims``) and its deprecated
methods.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterator
from typing import Any

from .tensor_spec import Shape, format_shape
from .verbose import note


class TensorShape:
    """The static shape of a tensor: ``TensorShape([2, None])``, ``TensorShape(None)``."""

    __slots__ = ("_dims",)

    def __init__(self, dims: Any):
        if dims is None:
            self._dims: Shape = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif isinstance(dims, (list, tuple)) or hasattr(dims, "__iter__"):
            self._dims = tuple(_dimension(d) for d in dims)
        else:
            self._dims = (_dimension(dims),)

    @property
    def dims(self) -> Shape:
        """The dimensions as the reference holds them: a tuple of ints and ``None`` (``None``
        for an unknown rank); TensorFlow's are ``Dimension`` objects."""
        return self._dims

    @property
    def rank(self) -> int | None:
        return None if self._dims is None else len(self._dims)

    ndims = rank

    def as_list(self) -> list[int | None]:
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def is_fully_defined(self) -> bool:
        return self._dims is not None and None not in self._dims

    def num_elements(self) -> int | None:
        return math.prod(self._dims) if self.is_fully_defined() else None  # type: ignore[arg-type]

    def is_compatible_with(self, other: Any) -> bool:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        return len(self._dims) == len(other._dims) and all(
            a is None or b is None or a == b for a, b in zip(self._dims, other._dims)
        )

    def concatenate(self, other: Any) -> TensorShape:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def with_rank(self, rank: int) -> TensorShape:
        if self._dims is None:
            return TensorShape([None] * rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __bool__(self) -> bool:
        return self._dims is not None  # as TensorFlow's: a scalar shape is "true"

    def __iter__(self) -> Iterator[int | None]:
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key: Any) -> Any:
        if self._dims is not None:
            if isinstance(key, slice):
                return TensorShape(self._dims[key])
            if not -len(self._dims) <= operator.index(key) < len(self._dims):
                note("TENSOR-4", "index %d of a shape of rank %d", key, len(self._dims))
                raise IndexError("tuple index out of range")  # TensorFlow's (its dims are a tuple)
            return self._dims[key]
        if not isinstance(key, slice):
            return None
        if key.step is not None:
            raise ValueError("Steps are not yet handled")
        start = 0 if key.start is None else key.start
        if key.stop is None or start < 0 or key.stop < 0:
            return TensorShape(None)
        return TensorShape([None] * (key.stop - start))

    def __add__(self, other: Any) -> TensorShape:
        return self.concatenate(other)

    def __radd__(self, other: Any) -> TensorShape:
        return as_shape(other).concatenate(self)

    def __eq__(self, other: object) -> bool:
        try:
            other = as_shape(other)
        except TypeError:
            return NotImplemented
        return self._dims == other._dims

    def __hash__(self) -> int:
        return hash(self._dims)

    def __repr__(self) -> str:
        return "TensorShape(None)" if self._dims is None else f"TensorShape({list(self._dims)})"

    def __str__(self) -> str:
        note("TENSOR-4", "a static shape prints as TensorFlow prints it")
        return format_shape(self._dims)


def as_shape(value: Any) -> TensorShape:
    return value if isinstance(value, TensorShape) else TensorShape(value)


def _dimension(value: Any) -> int | None:
    if value is None:
        return None
    try:
        dim = int(value.__index__())
    except (AttributeError, TypeError):
        raise TypeError(f"Dimension value must be integer or None, got {value!r}.") from None
    if dim < 0:
        raise ValueError(f"Dimension {dim} must be >= 0")
    return dim
