"""What every mutant shares: the reference adapter, with patches applied only in ``session()``.

A mutant patches the reference's internals while the suite runs the
*candidate* side of a scenario, and restores them before the reference
predicts the same scenario, so the prediction is never affected.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, ClassVar
from unittest import mock

from ..reference import ReferenceAdapter


class Mutant(ReferenceAdapter):
    """The reference with one deliberate semantic bug (see ``bug``)."""

    bug: ClassVar[str]

    def patches(self) -> list[Any]:
        """``unittest.mock.patch`` objects that introduce the bug."""
        raise NotImplementedError

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack, super().session():
            for patch in self.patches():
                stack.enter_context(patch)
            yield

    def version(self) -> str:
        return f"{super().version()} (mutant: {self.bug})"


def patch(target: object, attribute: str, new: object) -> Any:
    return mock.patch.object(target, attribute, new)
