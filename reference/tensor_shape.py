"""``ts.TensorShape``: a shape on its own, as loop shape invariants spell it.

``ts.TensorShape([None])`` says "a vector of any length". ``ts.while_loop`` takes it
(or a ``TensorSpec``) in ``shape_invariants`` (CF-6), and
``ts.autograph.experimental.set_loop_options`` takes it for the loops AutoGraph
makes (AG-9). The shape itself is the same tuple a ``TensorSpec`` holds.
"""

from __future__ import annotations

from .tensor_spec import Shape, as_shape, format_shape


class TensorShape:
    """A shape whose dimensions (or whole rank) may be unknown: ``ts.TensorShape([None, 3])``."""

    def __init__(self, dims: object):
        self.dims: Shape = as_shape(dims)

    @property
    def rank(self) -> int | None:
        return None if self.dims is None else len(self.dims)

    def as_list(self) -> list[int | None]:
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self.dims)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorShape) and other.dims == self.dims

    def __hash__(self) -> int:
        return hash(self.dims)

    def __repr__(self) -> str:
        return "TensorShape(None)" if self.dims is None else f"TensorShape({list(self.dims)})"

    def __str__(self) -> str:
        return format_shape(self.dims)
