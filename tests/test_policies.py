"""The reference under implementation-defined choices (ARCHITECTURE.md, "policies")."""

import pytest

import tracespec.reference as ts
from tracespec.reference import policies


def test_default_policies_are_tensorflows():
    assert policies.current() == policies.TENSORFLOW
    assert policies.TENSORFLOW.python_return_values == "converted"


def test_python_return_values_as_is_keeps_python_values_when_traced():
    @ts.function
    def f(x):
        return x * 2, 1, "s", None

    with policies.using(policies.Policies(python_return_values="as-is")):
        doubled, one, text, nothing = f(ts.constant(2.0))
    assert float(doubled) == 4.0
    assert (one, text, nothing) == (1, "s", None)
    assert type(one) is int
    converted = ts.function(lambda: 1)()  # back under TensorFlow's choice: an int32 tensor
    assert converted.dtype == ts.int32


def test_policies_are_restored_after_an_error():
    with pytest.raises(RuntimeError), policies.using(policies.Policies(python_return_values="as-is")):
        raise RuntimeError("boom")
    assert policies.current() == policies.TENSORFLOW


def test_unknown_option_names_the_choices():
    with pytest.raises(ValueError, match="options are: converted, as-is"):
        policies.Policies(python_return_values="sometimes")


def test_unimplemented_option_says_what_is_implemented():
    with pytest.raises(NotImplementedError, match=r"python_side_effects='replayed'.*implements: trace-time"):
        policies.Policies(python_side_effects="replayed")
