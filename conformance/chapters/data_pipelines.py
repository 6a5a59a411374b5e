"""Chapter: data-pipelines (docs/spec/data-pipelines)."""

from __future__ import annotations

from hypothesis import strategies as st

HANDWRITTEN: dict = {}


def scenarios():
    return st.nothing()
