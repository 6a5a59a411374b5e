"""Chapter 6: returned values, nesting and recursion (rules RETURN-1..3, NEST-1..3)."""

from __future__ import annotations

import collections
import io
import re

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.reference import policies

Pair = collections.namedtuple("Pair", "first second")


def returning(value):
    """A fresh ``ts.function`` of no arguments that returns ``value``."""

    def body():
        return value

    return ts.function(body)


# --------------------------------------------------------------------------------------
# RETURN-1: traced outputs are normalised to tensors
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "dtype_name", "expected"),
    [
        (1, "int32", 1),
        (2**40, "int64", 2**40),
        (1.5, "float32", 1.5),
        (True, "bool", True),
        ("abc", "string", b"abc"),
        (b"xy", "string", b"xy"),
        (np.array([1.0, 2.0]), "float64", [1.0, 2.0]),
        (np.float32(2.5), "float32", 2.5),
        (np.int64(3), "int64", 3),
        (np.array([[1, 2]], dtype=np.int32), "int32", [[1, 2]]),
    ],
    ids=repr,
)
def test_RETURN_1_traced_python_and_numpy_outputs_become_tensors(value, dtype_name, expected):
    result = returning(value)()
    assert type(result).__name__ == "EagerTensor"
    assert result.dtype == getattr(ts, dtype_name)
    expected = np.asarray(expected)
    assert tuple(result.shape) == expected.shape
    np.testing.assert_array_equal(np.asarray(result.numpy()), expected)


def test_RETURN_1_returned_tensors_are_eager_tensors_with_values():
    @ts.function
    def f(x):
        return x * 2, x

    doubled, same = f(ts.constant([1, 2]))
    for tensor in (doubled, same):
        assert type(tensor).__name__ == "EagerTensor"
    np.testing.assert_array_equal(doubled.numpy(), [2, 4])
    np.testing.assert_array_equal(same.numpy(), [1, 2])


@pytest.mark.parametrize("value", [1, 1.5, "abc", True, None], ids=repr)
def test_RETURN_1_run_eagerly_python_values_come_back_as_they_are(value):
    ts.config.run_functions_eagerly(True)
    result = returning(value)()
    assert type(result) is type(value)
    assert result == value


def test_RETURN_1_run_eagerly_numpy_values_and_objects_come_back_as_they_are():
    array = np.array([1.0])
    marker = object()
    ts.config.run_functions_eagerly(True)
    assert returning(array)() is array
    assert returning(marker)() is marker


# --------------------------------------------------------------------------------------
# RETURN-2: output structure is preserved
# --------------------------------------------------------------------------------------

def test_RETURN_2_nested_structure_is_preserved_with_tensor_leaves():
    @ts.function
    def f(x):
        return {"a": x, "b": [x, (x, 3)], "c": None, "d": "s"}

    out = f(ts.constant(1))
    assert type(out) is dict
    assert sorted(out) == ["a", "b", "c", "d"]
    assert out["c"] is None
    assert type(out["b"]) is list
    assert type(out["b"][1]) is tuple
    assert int(out["a"]) == 1
    assert int(out["b"][0]) == 1
    assert [int(v) for v in out["b"][1]] == [1, 3]
    assert (out["d"].dtype, out["d"].numpy()) == (ts.string, b"s")


def test_RETURN_2_namedtuples_and_key_order_are_preserved():
    @ts.function
    def f(x):
        return Pair(x, x + 1), {"b": 1, "a": 2}

    pair, table = f(ts.constant(1))
    assert type(pair) is Pair
    assert (int(pair.first), int(pair.second)) == (1, 2)
    assert list(table) == ["b", "a"]  # TF 2.21 keeps the returned dict's key order


def test_RETURN_2_none_stays_none():
    assert returning(None)() is None

    @ts.function
    def no_return(x):
        x + 1

    assert no_return(ts.constant(1)) is None

    @ts.function
    def pair(x):
        return x, None

    result = pair(ts.constant(1))
    assert type(result) is tuple
    assert result[1] is None
    assert int(result[0]) == 1


class Foo:
    pass


@pytest.mark.parametrize(
    ("value", "type_name"), [(Foo(), "Foo"), ({1}, "set"), (len, "builtin_function_or_method")]
)
def test_RETURN_2_other_objects_are_a_type_error(value, type_name):
    f = returning(value)
    # TF 2.21: "To be compatible with tf.function, Python functions must return zero or more
    # Tensors or ExtensionTypes or None values; in compilation of <function r_obj at 0x...>,
    # found return value of type Foo, which is not a Tensor or ExtensionType."
    with pytest.raises(TypeError, match=r"^To be compatible with ts\.function, Python functions "
                                        r"must return zero or more Tensors .*in compilation of "
                                        r"<function .*>, found return value of type "
                                        + type_name + r", which is not a Tensor"):
        f()
    assert f.experimental_get_tracing_count() == 0


def test_RETURN_2_an_object_inside_a_structure_is_rejected_too():
    with pytest.raises(TypeError, match=r"found return value of type Foo"):
        returning({"ok": 1, "bad": [Foo()]})()


# --------------------------------------------------------------------------------------
# RETURN-3: leaked symbolic tensors are dead after the trace
# --------------------------------------------------------------------------------------

def test_RETURN_3_leaked_tensor_has_no_value():
    leaked = []

    @ts.function
    def leaky(x):
        y = x + 1
        leaked.append(y)
        return y

    for value in (1, 2, 3):
        assert int(leaky(ts.constant(value))) == value + 1
    assert len(leaked) == 1  # one trace, one leaked tensor
    assert str(leaked[0]) == 'Tensor("add:0", shape=(), dtype=int32)'
    with pytest.raises(AttributeError, match=r"^'SymbolicTensor' object has no attribute 'numpy'$"):
        leaked[0].numpy()


def test_RETURN_3_using_a_leaked_tensor_is_an_out_of_scope_type_error():
    leaked = []

    @ts.function
    def leaky(x):
        y = x + 1
        leaked.append(y)
        return y

    leaky(ts.constant([1, 2]))
    # TF 2.21: "<tf.Tensor 'add:0' shape=(2,) dtype=int32> is out of scope and cannot be used
    # here. Use return values, explicit Python locals or TensorFlow collections to access it."
    pattern = (r"^<ts\.Tensor 'add:0' shape=\(2,\) dtype=int32> is out of scope and cannot be "
               r"used here\. Use return values, explicit Python locals or TensorFlow collections "
               r"to access it\.")
    with pytest.raises(TypeError, match=pattern):
        ts.function(lambda a: a + leaked[0])(ts.constant([1, 2]))
    with pytest.raises(TypeError, match=pattern):
        leaked[0] + 1


def test_RETURN_3_a_retrace_cannot_use_the_previous_trace_tensor():
    store = []

    @ts.function
    def leaky(x):
        y = x + 1
        store.append(y)
        if len(store) > 1:
            return x + store[0]
        return y

    assert int(leaky(ts.constant(1))) == 2
    with pytest.raises(TypeError, match=r"is out of scope and cannot be used here"):
        leaky(ts.constant([1]))


# --------------------------------------------------------------------------------------
# NEST-1: a nested function is traced into the outer graph
# --------------------------------------------------------------------------------------

def test_NEST_1_nested_python_effects_happen_during_the_outer_trace_only():
    stream = io.StringIO()
    events = []

    @ts.function
    def inner(x):
        events.append("tracing inner")
        ts.print("inner runs", output_stream=stream)
        return x * 2

    @ts.function
    def outer(x):
        events.append("tracing outer")
        return inner(x) + 1

    assert [int(outer(ts.constant(1))) for _ in range(2)] == [3, 3]
    assert events == ["tracing outer", "tracing inner"]
    assert stream.getvalue() == "inner runs\n" * 2  # the inner graph's effects run per call
    assert inner.experimental_get_tracing_count() == 1
    assert outer.experimental_get_tracing_count() == 1


def test_NEST_1_inner_sees_symbolic_tensors_of_the_outer_trace():
    seen = []

    @ts.function
    def inner(x):
        seen.append((ts.executing_eagerly(), hasattr(x, "numpy")))
        return x + 1

    @ts.function
    def outer(x):
        return inner(x) * 10

    assert int(outer(ts.constant(1))) == 20
    assert seen == [(False, False)]


def test_NEST_1_repeated_inner_calls_share_one_inner_trace():
    runs = []

    @ts.function
    def inner(x):
        runs.append("inner")
        return x * 2

    @ts.function
    def outer(x):
        runs.append("outer")
        return inner(x) + inner(x + 1)

    assert int(outer(ts.constant(1))) == 6
    assert runs == ["outer", "inner"]
    assert inner.experimental_get_tracing_count() == 1


def test_NEST_1_inner_errors_surface_from_the_outer_call():
    @ts.function
    def inner(x):
        return ts.gather(x, [5])

    @ts.function
    def outer(x):
        return inner(x)

    with pytest.raises(ts.errors.InvalidArgumentError, match=r"indices\[0\] = 5 is not in \[0, 1\)"):
        outer(ts.constant([1.0]))


# --------------------------------------------------------------------------------------
# NEST-2: the inner function keeps its own cache, keyed as if called eagerly
# --------------------------------------------------------------------------------------

def test_NEST_2_a_later_top_level_call_reuses_the_inner_trace():
    runs = []

    @ts.function
    def inner(x):
        runs.append("inner")
        return x * 2

    @ts.function
    def outer(x):
        return inner(x) + 1

    outer(ts.constant(1))
    assert int(inner(ts.constant(5))) == 10
    assert inner.experimental_get_tracing_count() == 1
    assert runs == ["inner"]
    assert float(inner(ts.constant(5.0))) == 10.0  # a new dtype is a new trace
    assert inner.experimental_get_tracing_count() == 2


def test_NEST_2_an_inner_trace_made_at_top_level_is_reused_by_the_outer_trace():
    runs = []

    @ts.function
    def inner(x):
        runs.append("inner")
        return x + 1

    @ts.function
    def outer(x):
        return inner(x) * 3

    inner(ts.constant(1))
    assert int(outer(ts.constant(2))) == 9
    assert runs == ["inner"]
    assert inner.experimental_get_tracing_count() == 1


def test_NEST_2_outer_and_inner_caches_are_separate():
    @ts.function
    def inner(x):
        return x + 1

    @ts.function
    def outer(x):
        return inner(x) * 2

    assert int(outer(ts.constant(1))) == 4
    assert int(outer(ts.constant(2))) == 6
    np.testing.assert_array_equal(outer(ts.constant([1, 2])).numpy(), [4, 6])
    assert outer.experimental_get_tracing_count() == 2
    assert inner.experimental_get_tracing_count() == 2


# --------------------------------------------------------------------------------------
# NEST-3: recursion on Python values unrolls at trace time
# --------------------------------------------------------------------------------------

def test_NEST_3_recursion_on_a_python_int_traces_each_value_once():
    traced = []

    @ts.function
    def rec2(n):
        traced.append(n)
        if n <= 0:
            return ts.constant(1)
        return rec2(n - 1) * 2

    assert int(rec2(3)) == 8
    assert traced == [3, 2, 1, 0]
    assert rec2.experimental_get_tracing_count() == 4
    assert int(rec2(2)) == 4  # already traced while tracing rec2(3)
    assert rec2.experimental_get_tracing_count() == 4
    assert traced == [3, 2, 1, 0]


def test_NEST_3_recursion_with_a_tensor_argument_and_a_python_counter():
    @ts.function
    def power(x, n):
        if n == 0:
            return ts.constant(1)
        return x * power(x, n - 1)

    assert int(power(ts.constant(2), 5)) == 32
    assert power.experimental_get_tracing_count() == 6
    assert int(power(ts.constant(3), 5)) == 243
    assert int(power(ts.constant(3), 2)) == 9
    assert power.experimental_get_tracing_count() == 6


def test_NEST_3_weak_tensor_recursion_on_a_python_int_fails_at_the_first_call():
    # JAX 0.10.2: jit(rec)(x, 3) raises TracerBoolConversionError at `if n == 0:` (n is traced):
    # the body ran once, nothing is cached
    runs = []

    @ts.function
    def rec(x, n):
        runs.append(n)
        if n == 0:
            return x
        return rec(x, n - 1)

    jax_like = policies.Policies(python_scalar_arguments="weak-tensor", symbolic_bool="error")
    with policies.using(jax_like), pytest.raises(ts.errors.OperatorNotAllowedInGraphError):
        rec(ts.constant(1.0), 3)
    assert len(runs) == 1 and rec.experimental_get_tracing_count() == 0


# -- Fidelity to TensorFlow 2.21: returned shapes (observed on TensorFlow) -------------------------

def test_RETURN_1_a_returned_shape_becomes_a_tensor_when_fully_known():
    # TF: return x.shape -> int32 (2,) [2, 3]; a scalar's -> int32 (0,) []; a partly known shape:
    # TypeError "To be compatible with tf.function, Python functions must return zero or more
    # Tensors or ExtensionTypes or None values; ... found return value of type TensorShape ...";
    # under run_functions_eagerly(True) the TensorShape itself.
    shape_of = ts.function(lambda x: x.shape)
    result = shape_of(ts.zeros([2, 3]))
    assert result.dtype == ts.int32 and result.numpy().tolist() == [2, 3]
    assert shape_of(ts.constant(1.0)).numpy().tolist() == []
    partial = ts.function(lambda x: x.shape, input_signature=[ts.TensorSpec([None])])
    with pytest.raises(TypeError, match="found return value of type TensorShape, which is not a Tensor"):
        partial(ts.zeros([2]))
    ts.config.run_functions_eagerly(True)
    try:
        assert repr(shape_of(ts.zeros([2, 3]))) == "TensorShape([2, 3])"
    finally:
        ts.config.run_functions_eagerly(False)


@pytest.mark.parametrize(("returned", "component"), [
    (lambda x: "a", ""), (lambda x: (x, "b"), " at output component [1]"),
    (lambda x: {"b": [x, x, x, b"s"], "a": x}, " at output component ['b'][3]"),
    (lambda x: [x, ("q",)], " at output component [1][0]"),
])
def test_RETURN_1_without_string_values_a_returned_string_fails_every_trace(returned, component):
    # JAX 0.10.2: "function ... traced for jit returned a value of type <class 'str'> at output
    # component [1], which is not a valid JAX type", raised after the body ran; nothing cached.
    runs = []

    def body(x):
        runs.append(1)
        return returned(x)

    f = ts.function(body)
    kind = "bytes" if component.endswith("[3]") else "str"
    with policies.using(policies.Policies(string_values="unsupported")):
        for attempt in (1, 2):
            with pytest.raises(TypeError, match=re.escape(
                    f"traced for jit returned a value of type <class '{kind}'>{component}, which is not "
                    "a valid JAX type")):
                f(ts.constant(1.0))
            assert len(runs) == attempt and f.experimental_get_tracing_count() == 0
        ts.config.run_functions_eagerly(True)
        try:
            assert returned(1.0) == f(1.0)  # eagerly the string comes back as it is
        finally:
            ts.config.run_functions_eagerly(False)


def test_RETURN_1_jax_x64_returned_python_values_are_64_bit():
    # JAX 0.10.2 under x64: jit returns Python 1, 2.5, True and 2**40 as (weak) int64, float64,
    # bool and int64 arrays.
    with policies.using(policies.Policies(python_value_dtypes="jax-x64")):
        returned = ts.function(lambda: (1, 2.5, True, 2**40))()
    assert [t.dtype.name for t in returned] == ["int64", "float64", "bool", "int64"]
