"""``TensorSpec``: a shape and a dtype, with ``None`` for what is not known.

A shape is a tuple whose entries are ints or ``None`` (an unknown dimension),
or ``None`` itself for an unknown rank. The same class serves as the
*abstract value* of a symbolic tensor while tracing.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import dtypes

Shape = tuple[int | None, ...] | None


def as_shape(shape: object) -> Shape:
    """Normalise ``None``, an int, or a sequence of ints/``None`` to a shape."""
    if shape is None:
        return None
    if isinstance(shape, int):
        return (shape,)
    dims = tuple(shape)  # type: ignore[arg-type]
    for dim in dims:
        if dim is not None and (not isinstance(dim, int) or dim < 0):
            raise ValueError(f"Shape dimensions must be non-negative ints or None, got {shape!r}.")
    return dims


def format_shape(shape: Shape) -> str:
    """``(2, None)`` and ``<unknown>``, as TensorFlow prints them."""
    if shape is None:
        return "<unknown>"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def shape_is_compatible(shape: Shape, pattern: Shape) -> bool:
    """True if every tensor of ``shape`` also has the (more general) ``pattern``."""
    if pattern is None:
        return True
    if shape is None or len(shape) != len(pattern):
        return False
    return all(p is None or s == p for s, p in zip(shape, pattern))


def most_specific_common_shape(a: Shape, b: Shape) -> Shape:
    """The most specific shape both ``a`` and ``b`` are compatible with."""
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


@dataclass(frozen=True)
class TensorSpec:
    """Describes tensors by shape and dtype: ``ts.TensorSpec([None], ts.int32)``."""

    shape: Shape
    dtype: dtypes.DType = dtypes.float32
    name: str | None = None

    def __init__(self, shape: object, dtype: object = dtypes.float32, name: str | None = None):
        object.__setattr__(self, "shape", as_shape(shape))
        object.__setattr__(self, "dtype", dtypes.canonical(dtypes.as_dtype(dtype)))
        object.__setattr__(self, "name", name)

    def __repr__(self) -> str:
        return (
            f"TensorSpec(shape={format_shape(self.shape)}, dtype={self.dtype!r}, "
            f"name={self.name!r})"
        )

    def is_compatible_with(self, other: TensorSpec) -> bool:
        """True if a tensor described by ``self`` is acceptable where ``other`` is asked for."""
        return self.dtype == other.dtype and shape_is_compatible(self.shape, other.shape)
