"""Conformance: tensors and ops (docs/spec chapter), in both modes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracespec.conformance import strategies
from tracespec.conformance.examples import EXAMPLES
from tracespec.conformance.plugin import MODES, profile_settings, verify

CHAPTER = "tensors-and-ops"
pytestmark = pytest.mark.chapter(CHAPTER)


@pytest.mark.parametrize("mode", MODES)
@profile_settings()
@given(data=st.data())
def test_generated(tracespec_adapter, backend_import, mode, data):
    scenario = data.draw(strategies.tensors_and_ops(), label="scenario")
    verify(scenario, tracespec_adapter, mode, backend_import)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", [n for n, s in EXAMPLES.items() if s.chapter == CHAPTER])
def test_example(tracespec_adapter, backend_import, mode, name):
    verify(EXAMPLES[name], tracespec_adapter, mode, backend_import)
