"""What every mutant shares: the reference adapter, with patches applied only in ``session()``.

A mutant is one module of this package: a docstring that says the bug and
gives a *witness*, the patch functions, and ``adapter = Mutant(__name__, bug,
patches, breaks)``. Its backend name is ``mutant-`` plus the module name with
dashes. The patches apply while the suite runs the *candidate* side of a
scenario and are undone before the reference predicts it, so the prediction is
never affected.

``breaks`` names the ``(chapter, mode)`` cells of ``tracespec check --profile
ci`` the bug must make fail, as reasoned from the spec. The witness is a short
scenario in the docstring, after a line ``Witness, traced::`` (or ``eager``):
an indented program, a blank line, then one call per line. It must observably
differ between the mutant and the reference (an equivalent mutant proves
nothing); ``tests/test_mutants.py`` runs it.
"""

from __future__ import annotations

import contextlib
import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from unittest import mock

from ..reference import ReferenceAdapter


class Mutant(ReferenceAdapter):
    """The reference with one deliberate semantic bug (see ``bug``)."""

    def __init__(self, module: str, bug: str, patches: Callable[[], list[Any]],
                 breaks: Sequence[tuple[str, str]]):
        self.module = module
        self.name = "mutant-" + module.rsplit(".", 1)[-1].replace("_", "-")
        self.bug = bug
        self._patches = patches
        self.breaks = tuple(breaks)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack, super().session():
            for patch in self._patches():
                stack.enter_context(patch)
            yield

    def version(self) -> str:
        return f"{super().version()} (mutant: {self.bug})"

    def witness(self) -> tuple[str, list[str], bool]:
        """The docstring's witness: program source, call lines, and whether it starts eager."""
        doc = sys.modules[self.module].__doc__ or ""
        match = re.search(r"^Witness, (eager|traced)::\n\n((?:(?:    .*)?\n)+)", doc, re.MULTILINE)
        assert match, f"{self.module} has no 'Witness, eager|traced::' block"
        program, _, calls = textwrap.dedent(match[2]).strip().rpartition("\n\n")
        return program + "\n", calls.splitlines(), match[1] == "eager"


def patch(target: object, attribute: str, new: object) -> Any:
    return mock.patch.object(target, attribute, new)


@contextlib.contextmanager
def kernel(primitive: Any, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Iterator[None]:
    """Run ``primitive`` with the kernel ``wrap(original kernel)``, eagerly and in graphs alike.

    (``Primitive`` is a frozen dataclass, so ``patch`` cannot replace its kernel.)
    """
    original = primitive.kernel
    object.__setattr__(primitive, "kernel", wrap(original))
    try:
        yield
    finally:
        object.__setattr__(primitive, "kernel", original)
