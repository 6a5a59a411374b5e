"""Chapter: control-flow (docs/spec/control-flow)."""

from __future__ import annotations

from hypothesis import strategies as st

HANDWRITTEN: dict = {}


def scenarios():
    return st.nothing()
