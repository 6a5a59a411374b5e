"""The conformance suite's pytest files: one per spec chapter, each two tests in both modes.

``test_generated`` checks the scenarios the profile draws from the chapter's
strategy; ``test_handwritten`` checks each of its hand-written scenarios.
"""

from __future__ import annotations

import pytest

from tracespec.conformance.chapters import BY_SLUG
from tracespec.conformance.plugin import MODES, Run


def chapter_tests(slug: str):
    """The two test functions of chapter ``slug``."""
    chapter = BY_SLUG[slug]
    mark = pytest.mark.chapter(slug)

    @mark
    @pytest.mark.parametrize("mode", MODES)
    def test_generated(tracespec: Run, mode: str) -> None:
        tracespec.generated(chapter, mode)

    @mark
    @pytest.mark.parametrize("mode", MODES)
    @pytest.mark.parametrize("name", list(chapter.handwritten))
    def test_handwritten(tracespec: Run, mode: str, name: str) -> None:
        tracespec.handwritten(chapter.handwritten[name], mode)

    return test_generated, test_handwritten
