"""Chapter: (docs/spec/variables-and-state)."""

from __future__ import annotations

from hypothesis import strategies as st

from ..scenario import Scenario


def scenarios() -> st.SearchStrategy[Scenario]:
    return st.nothing()


HANDWRITTEN: dict[str, Scenario] = {}
