"""Chapter 1: tensors and ops (rules TENSOR-1..5, OP-1..6).

Expected values come from the catalogue, from TensorFlow 2.21 (observed, with
``tf`` written ``ts``), or from NumPy computed independently in the test.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.reference import policies

InvalidArgumentError = ts.errors.InvalidArgumentError


def in_three_modes(fn, *args):
    """``fn(*args)`` at top level, through ``ts.function`` run eagerly, and traced.

    Returns ``{mode: result}``; the run-eagerly flag is restored by the caller's
    autouse fixture and by the ``finally`` here.
    """
    results = {"top level": fn(*args)}
    wrapped = ts.function(fn)
    saved = ts.config.functions_run_eagerly()
    try:
        ts.config.run_functions_eagerly(True)
        results["run eagerly"] = wrapped(*args)
        ts.config.run_functions_eagerly(False)
        results["traced"] = wrapped(*args)
    finally:
        ts.config.run_functions_eagerly(saved)
    return results


def assert_tensor(tensor, expected, dtype):
    """``tensor`` has ``dtype``, the shape of ``expected`` and its exact values."""
    expected = np.asarray(expected)
    assert tensor.dtype == dtype
    assert tuple(tensor.shape) == expected.shape
    np.testing.assert_array_equal(np.asarray(tensor.numpy()), expected)


def assert_in_three_modes(fn, args, expected, dtype):
    for mode, result in in_three_modes(fn, *args).items():
        try:
            assert_tensor(result, expected, dtype)
        except AssertionError as error:
            raise AssertionError(f"{mode}: {error}") from error


def traced_call(fn, *args):
    return ts.function(fn)(*args)


# --------------------------------------------------------------------------------------
# TENSOR-1: conversion of Python and NumPy values
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "dtype_name"),
    [
        (1.5, "float32"),
        (1, "int32"),
        (2**31 - 1, "int32"),
        (-(2**31), "int32"),
        (2**31, "int64"),
        (-(2**31) - 1, "int64"),
        ([1, 2**31], "int64"),
        (True, "bool"),
        ([True, False], "bool"),
        ([1, 2.5], "float32"),
        ("abc", "string"),
        (b"abc", "string"),
        (["a", "bc"], "string"),
        (np.float64(1.5), "float64"),
        (np.float32(1.5), "float32"),
        (np.int64(3), "int64"),
        (np.array([1, 2], dtype=np.int64), "int64"),
        (np.array([1.0, 2.0]), "float64"),
        (np.array([1, 2], dtype=np.int32), "int32"),
        (np.array([True]), "bool"),
    ],
)
def test_TENSOR_1_default_dtypes_follow_tensorflow(value, dtype_name):
    tensor = ts.constant(value)
    assert tensor.dtype == getattr(ts, dtype_name)
    expected = np.asarray(value)
    if dtype_name == "string":
        expected = np.vectorize(lambda s: s if isinstance(s, bytes) else s.encode(), otypes=[object])(
            expected
        )
    assert tuple(tensor.shape) == expected.shape
    np.testing.assert_array_equal(np.asarray(tensor.numpy()), expected)


def test_TENSOR_1_convert_to_tensor_uses_the_same_rules():
    assert ts.convert_to_tensor(1.5).dtype == ts.float32
    assert ts.convert_to_tensor(7).dtype == ts.int32
    assert ts.convert_to_tensor(np.float64(1.5)).dtype == ts.float64
    tensor = ts.constant([1, 2])
    assert ts.convert_to_tensor(tensor) is tensor


def test_TENSOR_1_an_explicit_dtype_converts_exact_python_values():
    assert_tensor(ts.constant(1, dtype=ts.float32), 1.0, ts.float32)
    assert_tensor(ts.constant([1, 2], dtype=ts.float64), [1.0, 2.0], ts.float64)
    assert_tensor(ts.constant(7, dtype=ts.int64), 7, ts.int64)


def test_TENSOR_1_bool_converts_to_a_requested_numeric_dtype():
    # TF 2.21: tf.constant(True, dtype=tf.float32) -> 1.0;
    # tf.constant([True, False], dtype=tf.int64) -> [1, 0]
    assert_tensor(ts.constant(True, dtype=ts.float32), 1.0, ts.float32)
    assert_tensor(ts.constant([True, False], dtype=ts.int64), [1, 0], ts.int64)


@pytest.mark.parametrize(
    ("value", "dtype_name"),
    [(1.5, "int32"), (2.0, "int32"), ([1.0, 2.0], "int32"), (1, "bool"), (1, "string")],
)
def test_TENSOR_1_inexact_or_cross_kind_python_conversion_is_a_type_error(value, dtype_name):
    # TF 2.21: "Cannot convert 2.0 to EagerTensor of dtype int32" (floats never become ints)
    with pytest.raises(TypeError, match=rf"Cannot convert .* to EagerTensor of dtype {dtype_name}"):
        ts.constant(value, dtype=getattr(ts, dtype_name))


def test_TENSOR_1_numpy_data_is_cast_to_a_requested_dtype():
    # TF 2.21: tf.constant(np.array([1.7, -1.7]), dtype=tf.int32) -> [1, -1];
    # tf.convert_to_tensor(np.array([1, 2]), dtype=tf.float32) -> [1., 2.] float32
    assert_tensor(ts.constant(np.array([1.7, -1.7]), dtype=ts.int32), [1, -1], ts.int32)
    assert_tensor(ts.constant(np.float32(1.5), dtype=ts.float64), 1.5, ts.float64)
    assert_tensor(ts.convert_to_tensor(np.array([1, 2]), dtype=ts.float32), [1.0, 2.0], ts.float32)


def test_TENSOR_1_out_of_range_and_ragged_values_are_value_errors():
    with pytest.raises(ValueError, match=r"Can't convert Python"):
        ts.constant(2**63)
    with pytest.raises(ValueError, match=r"Can't convert non-rectangular Python sequence to Tensor"):
        ts.constant([[1, 2], [3]])


# --------------------------------------------------------------------------------------
# TENSOR-2: no implicit promotion
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("fn", "arg", "expected", "dtype_name"),
    [
        (lambda x: x + 1, ts.constant(1.5), 2.5, "float32"),
        (lambda x: 1 + x, ts.constant(1.5), 2.5, "float32"),
        (lambda x: x * 2, ts.constant(3), 6, "int32"),
        (lambda x: x - 2, ts.constant(3, dtype=ts.int64), 1, "int64"),
        (lambda x: x + 1.5, ts.constant(1.0, dtype=ts.float64), 2.5, "float64"),
        (lambda x: 2 ** x, ts.constant(3.0), 8.0, "float32"),
    ],
)
def test_TENSOR_2_python_operand_takes_the_tensor_dtype(fn, arg, expected, dtype_name):
    assert_in_three_modes(fn, (arg,), expected, getattr(ts, dtype_name))


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (ts.constant(1), ts.constant(1.0)),
        (ts.constant(1), ts.constant(1, dtype=ts.int64)),
        (ts.constant(1.5), ts.constant(1.5, dtype=ts.float64)),
    ],
    ids=["int32+float32", "int32+int64", "float32+float64"],
)
def test_TENSOR_2_mismatched_tensor_dtypes_never_promote(x, y):
    names = (x.dtype.name, y.dtype.name)
    # eager, TF: "cannot compute AddV2 as input #1(zero-based) was expected to be a int32
    # tensor but is a float tensor" (TF says float/double for float32/float64)
    with pytest.raises(InvalidArgumentError):
        x + y
    with pytest.raises(InvalidArgumentError):
        ts.add(x, y)
    # traced, TF: "Input 'y' of 'AddV2' Op has type float32 that does not match type int32"
    with pytest.raises(TypeError, match=rf"has type {names[1]} that does not match type {names[0]}"):
        traced_call(lambda a, b: a + b, x, y)


def test_TENSOR_2_int_tensor_plus_python_float_fails_in_both_modes():
    x = ts.constant(1)
    for operand in (1.5, 2.0):  # TF 2.21 rejects 2.0 too: floats do not convert to int32
        with pytest.raises(InvalidArgumentError):
            x + operand
        with pytest.raises(TypeError, match=r"float32 that does not match type int32"):
            traced_call(lambda a, v=operand: a + v, x)


@pytest.mark.parametrize("operand", [1.5, 2.0])
def test_TENSOR_2_reflected_python_float_plus_int_tensor_is_a_type_error(operand):
    x = ts.constant(1)
    # eager, TF: "Cannot convert 1.5 to EagerTensor of dtype int32"
    with pytest.raises(TypeError, match=rf"{operand}.*int32|int32.*{operand}"):
        operand + x
    with pytest.raises(TypeError, match=rf"{operand}.*int32|int32.*{operand}"):
        traced_call(lambda a, v=operand: v + a, x)


# --------------------------------------------------------------------------------------
# TENSOR-3: repr and str
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected_repr", "expected_str"),
    [
        (1.5, "<ts.Tensor: shape=(), dtype=float32, numpy=1.5>",
         "ts.Tensor(1.5, shape=(), dtype=float32)"),
        (-3, "<ts.Tensor: shape=(), dtype=int32, numpy=-3>",
         "ts.Tensor(-3, shape=(), dtype=int32)"),
        (True, "<ts.Tensor: shape=(), dtype=bool, numpy=True>",
         "ts.Tensor(True, shape=(), dtype=bool)"),
        ("abc", "<ts.Tensor: shape=(), dtype=string, numpy=b'abc'>",
         "ts.Tensor(b'abc', shape=(), dtype=string)"),
        ([1, 2], "<ts.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>",
         "ts.Tensor([1 2], shape=(2,), dtype=int32)"),
        ([1.5, 2.0],
         "<ts.Tensor: shape=(2,), dtype=float32, numpy=array([1.5, 2. ], dtype=float32)>",
         "ts.Tensor([1.5 2. ], shape=(2,), dtype=float32)"),
        (["a", "b"],
         "<ts.Tensor: shape=(2,), dtype=string, numpy=array([b'a', b'b'], dtype=object)>",
         "ts.Tensor([b'a' b'b'], shape=(2,), dtype=string)"),
        (2**40, "<ts.Tensor: shape=(), dtype=int64, numpy=1099511627776>",
         "ts.Tensor(1099511627776, shape=(), dtype=int64)"),
    ],
)
def test_TENSOR_3_eager_repr_and_str_match_tensorflow(value, expected_repr, expected_str):
    tensor = ts.constant(value)
    assert repr(tensor) == expected_repr
    assert str(tensor) == expected_str


def test_TENSOR_3_scalar_float_repr_shows_the_exact_python_value():
    # TF 2.21 reprs a scalar through .item(): float32 0.1 is 0.10000000149011612; str rounds
    tensor = ts.constant(0.1)
    assert repr(tensor) == "<ts.Tensor: shape=(), dtype=float32, numpy=0.10000000149011612>"
    assert str(tensor) == "ts.Tensor(0.1, shape=(), dtype=float32)"
    assert repr(ts.constant(0.1, dtype=ts.float64)) == (
        "<ts.Tensor: shape=(), dtype=float64, numpy=0.1>"
    )


def test_TENSOR_3_multiline_values_start_on_a_new_line_in_repr_and_str():
    tensor = ts.constant([[1, 2], [3, 4]])
    assert repr(tensor) == (
        "<ts.Tensor: shape=(2, 2), dtype=int32, numpy=\n"
        "array([[1, 2],\n       [3, 4]], dtype=int32)>"
    )
    assert str(tensor) == "ts.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"


def test_TENSOR_3_symbolic_repr_and_str_name_the_graph_tensor():
    seen = {}

    @ts.function
    def f(x):
        y = x + 1
        seen["x"] = (repr(x), str(x))
        seen["y"] = (repr(y), str(y))
        return y

    f(ts.constant([1, 2]))
    assert seen["x"] == ("<ts.Tensor 'x:0' shape=(2,) dtype=int32>",
                         'Tensor("x:0", shape=(2,), dtype=int32)')
    assert seen["y"] == ("<ts.Tensor 'add:0' shape=(2,) dtype=int32>",
                         'Tensor("add:0", shape=(2,), dtype=int32)')


def test_TENSOR_3_symbolic_str_shows_unknown_dimensions():
    seen = []
    f = ts.function(lambda x: seen.append(str(x)) or x,
                    input_signature=[ts.TensorSpec([None, 3], ts.float32)])
    f(ts.zeros([2, 3]))
    assert seen == ['Tensor("x:0", shape=(None, 3), dtype=float32)']


def test_TENSOR_3_symbolic_tensor_of_unknown_rank():
    # TF 2.21: repr "<tf.Tensor 'x:0' shape=<unknown> dtype=float32>",
    # str 'Tensor("x:0", dtype=float32)' (no shape part at all)
    seen = []
    f = ts.function(lambda x: seen.append((repr(x), str(x))) or x,
                    input_signature=[ts.TensorSpec(None, ts.float32)])
    f(ts.zeros([2]))
    assert seen == [("<ts.Tensor 'x:0' shape=<unknown> dtype=float32>",
                     'Tensor("x:0", dtype=float32)')]


# --------------------------------------------------------------------------------------
# TENSOR-4: symbolic tensors
# --------------------------------------------------------------------------------------

def _catch(fn):
    try:
        fn()
    except Exception as error:
        return error
    return None


def test_TENSOR_4_symbolic_tensors_have_shape_and_dtype_but_no_value():
    seen = {}

    @ts.function
    def f(x):
        y = x * 2
        seen["shape"] = tuple(y.shape)
        seen["dtype"] = y.dtype
        seen["is tensor"] = isinstance(y, ts.Tensor)
        seen["has numpy"] = hasattr(y, "numpy")
        seen["numpy"] = _catch(lambda: y.numpy())
        seen["eagerly"] = ts.executing_eagerly()
        return y

    assert_tensor(f(ts.constant([1.0, 2.0])), [2.0, 4.0], ts.float32)
    assert seen["shape"] == (2,)
    assert seen["dtype"] == ts.float32
    assert seen["is tensor"] is True
    assert seen["has numpy"] is False
    assert seen["eagerly"] is False
    assert type(seen["numpy"]) is AttributeError
    assert str(seen["numpy"]) == "'SymbolicTensor' object has no attribute 'numpy'"


def test_TENSOR_4_symbolic_bool_and_iteration_are_not_allowed():
    seen = {}

    @ts.function(autograph=False)
    def f(x):
        seen["bool"] = _catch(lambda: bool(x > 0))
        seen["iter"] = _catch(lambda: [row for row in x])
        seen["len"] = _catch(lambda: len(x))
        return x

    f(ts.constant([1, 2]))
    assert isinstance(seen["bool"], ts.errors.OperatorNotAllowedInGraphError)
    assert isinstance(seen["bool"], TypeError)
    assert "Using a symbolic `ts.Tensor` as a Python `bool` is not allowed." in str(seen["bool"])
    assert isinstance(seen["iter"], ts.errors.OperatorNotAllowedInGraphError)
    assert "Iterating over a symbolic `ts.Tensor` is not allowed." in str(seen["iter"])
    assert type(seen["len"]) is TypeError
    assert str(seen["len"]) == (
        "len is not well defined for a symbolic Tensor (x:0). Please call `x.shape` rather "
        "than `len(x)` for shape information."
    )


def test_TENSOR_4_eager_tensors_allow_bool_iteration_and_len():
    tensor = ts.constant([[1, 2], [3, 4]])
    assert bool(ts.constant(1)) is True
    assert bool(ts.constant(0)) is False
    assert len(tensor) == 2
    rows = list(tensor)
    assert len(rows) == 2
    assert_tensor(rows[1], [3, 4], ts.int32)
    assert float(ts.constant(2.5)) == 2.5
    assert int(ts.constant(7)) == 7


# --------------------------------------------------------------------------------------
# TENSOR-5: unhashable, .ref(), elementwise ==
# --------------------------------------------------------------------------------------

def test_TENSOR_5_tensors_are_unhashable():
    tensor = ts.constant(1)
    message = r"^Tensor is unhashable\. Instead, use tensor\.ref\(\) as the key\.$"
    with pytest.raises(TypeError, match=message):
        hash(tensor)
    with pytest.raises(TypeError, match=message):
        {tensor}  # noqa: B018
    with pytest.raises(TypeError, match=message):
        {tensor: 1}  # noqa: B018
    seen = []

    @ts.function
    def f(x):
        seen.append(_catch(lambda: hash(x)))
        return x

    f(tensor)
    assert type(seen[0]) is TypeError
    assert str(seen[0]) == "Tensor is unhashable. Instead, use tensor.ref() as the key."


def test_TENSOR_5_ref_is_a_hashable_identity_key():
    a, b = ts.constant([1, 2]), ts.constant([1, 2])
    table = {a.ref(): "a", b.ref(): "b"}
    assert len(table) == 2
    assert table[a.ref()] == "a"
    assert a.ref() == a.ref()
    assert a.ref() != b.ref()
    assert a.ref().deref() is a


def test_TENSOR_5_equality_is_elementwise_in_both_modes():
    x, y = ts.constant([1, 2, 3]), ts.constant([1, 5, 3])
    assert_in_three_modes(lambda a, b: a == b, (x, y), [True, False, True], ts.bool)
    assert_in_three_modes(lambda a, b: a != b, (x, y), [False, True, False], ts.bool)
    assert_in_three_modes(lambda a: a == 2, (x,), [False, True, False], ts.bool)


def test_TENSOR_5_equality_with_none_is_python_false():
    x = ts.constant([1, 2])
    assert (x == None) is False  # noqa: E711
    assert (x != None) is True  # noqa: E711


def test_TENSOR_5_equality_of_incompatible_shapes_is_a_false_scalar_tensor():
    # TF 2.21 (tensor_equals, incompatible_shape_error=False), eager and traced:
    # tf.constant([1,2]) == tf.constant([1,2,3]) -> <tf.Tensor: shape=(), dtype=bool, numpy=False>
    assert_in_three_modes(
        lambda a, b: a == b, (ts.constant([1, 2]), ts.constant([1, 2, 3])), False, ts.bool
    )


# --------------------------------------------------------------------------------------
# OP-1: one kernel, two modes
# --------------------------------------------------------------------------------------

def _bitwise_equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_OP_1_no_algebraic_simplification_in_graphs():
    # TF's Grappler turns (x*3)/3 - x into zeros in a graph; the reference must not.
    rng = np.random.default_rng(0)
    data = rng.standard_normal(10_000).astype(np.float32)
    with np.errstate(all="ignore"):
        expected = (data * np.float32(3.0)) / np.float32(3.0) - data
    assert np.count_nonzero(expected) > 0  # the residues exist in float32 arithmetic
    results = in_three_modes(lambda x: (x * 3.0) / 3.0 - x, ts.constant(data))
    for mode, result in results.items():
        assert _bitwise_equal(result.numpy(), expected), mode


def test_OP_1_reductions_and_matmul_are_bitwise_equal_across_modes():
    rng = np.random.default_rng(1)
    a = ts.constant(rng.standard_normal((64, 32)).astype(np.float32))
    b = ts.constant(rng.standard_normal((32, 16)).astype(np.float32))
    bias = ts.constant(rng.standard_normal(16).astype(np.float32))

    def program(a, b, bias):
        hidden = ts.maximum(ts.matmul(a, b) + bias, 0.0)
        return ts.reduce_sum(hidden), ts.reduce_mean(ts.exp(hidden * 0.01), axis=0)

    results = in_three_modes(program, a, b, bias)
    reference = results.pop("top level")
    for mode, (total, mean) in results.items():
        assert _bitwise_equal(total.numpy(), reference[0].numpy()), mode
        assert _bitwise_equal(mean.numpy(), reference[1].numpy()), mode
    # and the value is right (independent float64 computation, float32 tolerance)
    hidden = np.maximum(a.numpy().astype(np.float64) @ b.numpy() + bias.numpy(), 0.0)
    np.testing.assert_allclose(reference[0].numpy(), hidden.sum(), rtol=1e-5)


# --------------------------------------------------------------------------------------
# OP-2: broadcasting
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((2, 1), (3,)), ((), (2, 3)), ((3, 1, 2), (4, 1)), ((1,), (5,)), ((0, 3), (3,))],
)
def test_OP_2_numpy_broadcasting(shape_a, shape_b):
    a = np.arange(int(np.prod(shape_a)), dtype=np.float32).reshape(shape_a)
    b = np.arange(int(np.prod(shape_b)), dtype=np.float32).reshape(shape_b) + 10
    assert_in_three_modes(lambda x, y: x * y + x, (ts.constant(a), ts.constant(b)),
                          a * b + a, ts.float32)


def test_OP_2_where_broadcasts_all_three_operands():
    cond = ts.constant([True, False])
    assert_in_three_modes(
        lambda c, x, y: ts.where(c, x, y), (cond, ts.constant(1), ts.constant([[5], [6]])),
        [[1, 5], [1, 6]], ts.int32,
    )


def test_OP_2_incompatible_shapes_fail_eagerly_with_invalid_argument():
    x, y = ts.constant([1, 2]), ts.constant([1, 2, 3])
    # TF 2.21: "Incompatible shapes: [2] vs. [3] [Op:AddV2]"
    with pytest.raises(InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs\. \[3\]"):
        ts.add(x, y)
    with pytest.raises(InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs\. \[3\]"):
        x * y


def test_OP_2_incompatible_static_shapes_fail_at_trace_time():
    ran = []

    @ts.function
    def f(x, y):
        ran.append("trace")
        return x + y

    # TF 2.21: "Dimensions must be equal, but are 2 and 3 for '{{node add}} = AddV2[...]'
    # with input shapes: [2], [3]."
    pattern = r"Dimensions must be equal, but are 2 and 3 for .* with input shapes: \[2\], \[3\]"
    with pytest.raises(ValueError, match=pattern):
        f.get_concrete_function(ts.TensorSpec([2], ts.int32), ts.TensorSpec([3], ts.int32))
    with pytest.raises(ValueError, match=pattern):
        f(ts.constant([1, 2]), ts.constant([1, 2, 3]))
    assert f.experimental_get_tracing_count() == 0


AS_TRACED = policies.Policies(eager_op_errors="as-traced")

# Under eager_op_errors="as-traced", probed on JAX 0.10.2 (x64, strict promotion), with
# jax_disable_jit and under jit alike: each raises the same class in both modes ("add got
# incompatible shapes for broadcasting: (2,), (3,).", "dot_general requires contracting
# dimensions...", "cannot reshape array...", "Cannot concatenate arrays with different numbers of
# dimensions...", "All input arrays must have the same shape...", "axis 3 is out of bounds for
# array of dimension 1", "Too many indices..."; the adapter names them ValueError, the shape
# category), never a run-time error.
_SHAPE_ERRORS = {
    "add": lambda: ts.constant([1, 2]) + ts.constant([1, 2, 3]),
    "greater": lambda: ts.constant([1, 2]) > ts.constant([1, 2, 3]),
    "where": lambda: ts.where(ts.constant([True, False]), ts.ones([3]), ts.ones([3])),
    "matmul": lambda: ts.matmul(ts.ones([2, 3]), ts.ones([2, 3])),
    "reshape": lambda: ts.reshape(ts.ones([3]), [2]),
    "concat-ranks": lambda: ts.concat([ts.ones([2]), ts.ones([2, 2])], 0),
    "concat-shapes": lambda: ts.concat([ts.ones([2, 1]), ts.ones([3, 2])], 0),
    "concat-axis": lambda: ts.concat([ts.ones([1]), ts.ones([1])], 5),
    "stack": lambda: ts.stack([ts.ones([2]), ts.ones([3])]),
    "reduction-axis": lambda: ts.reduce_sum(ts.ones([2]), axis=3),
    "gather-scalar": lambda: ts.gather(ts.constant(1.0), [0]),
    "too-many-indices": lambda: ts.ones([2])[0, 0],
}


@pytest.mark.parametrize("program", _SHAPE_ERRORS.values(), ids=_SHAPE_ERRORS)
def test_OP_2_as_traced_shape_errors_are_value_errors_in_both_modes(program):
    with policies.using(AS_TRACED):
        with pytest.raises(ValueError) as eager:
            program()
        with pytest.raises(ValueError) as traced:
            ts.function(program)()
    assert not isinstance(eager.value, InvalidArgumentError)
    assert str(traced.value).startswith(str(eager.value).split(" [Op:")[0])


def test_OP_2_as_traced_the_eager_error_comes_after_earlier_effects_before_the_op():
    # JAX 0.10.2 under jax_disable_jit: an io_callback print before the add has printed, the
    # add raises, the print after it never runs.
    seen = []

    def body(x, y):
        ts.py_function(lambda: seen.append("before") or 0, [], ts.int32)
        total = x + y
        ts.py_function(lambda: seen.append("after") or 0, [], ts.int32)
        return total

    with policies.using(AS_TRACED), pytest.raises(ValueError, match=r"Dimensions must be equal, but are 2 "
                                                                     r"and 3 \[Op:add\]"):
        body(ts.constant([1, 2]), ts.constant([1, 2, 3]))
    assert seen == ["before"]


def test_OP_2_as_traced_leaves_data_dependent_checks_to_the_kernel():
    # JAX checks shapes only; what needs values is a run-time matter (runtime_checks).
    with policies.using(AS_TRACED), pytest.raises(InvalidArgumentError, match="Integer division by zero"):
        ts.constant([1]) // ts.constant([0])


def test_OP_2_unknown_dimensions_move_the_check_to_run_time():
    f = ts.function(lambda x, y: x + y, input_signature=[ts.TensorSpec([None], ts.int32)] * 2)
    assert_tensor(f(ts.constant([1, 2]), ts.constant([10, 20])), [11, 22], ts.int32)
    assert_tensor(f(ts.constant([1, 2]), ts.constant([10])), [11, 12], ts.int32)
    with pytest.raises(InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs\. \[3\]"):
        f(ts.constant([1, 2]), ts.constant([1, 2, 3]))
    assert f.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# OP-3: division, floor division, modulo, overflow
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype_name", ["int32", "int64"])
def test_OP_3_integer_true_division_is_float64(dtype_name):
    dtype = getattr(ts, dtype_name)
    x, y = ts.constant([7, -7, 1], dtype=dtype), ts.constant([2, 2, 3], dtype=dtype)
    expected = np.array([7, -7, 1], dtype=np.float64) / np.array([2, 2, 3], dtype=np.float64)
    assert_in_three_modes(lambda a, b: a / b, (x, y), expected, ts.float64)
    assert_in_three_modes(lambda a: a / 2, (x,), [3.5, -3.5, 0.5], ts.float64)


def test_OP_3_float_true_division_keeps_the_dtype():
    x = ts.constant([1.0, -1.0, 0.0])
    with np.errstate(all="ignore"):
        expected = np.array([1.0, -1.0, 0.0], np.float32) / np.float32(0.0)
    assert_in_three_modes(lambda a: a / 0.0, (x,), expected, ts.float32)


def test_OP_3_integer_true_division_by_zero_is_infinite_not_an_error():
    assert_in_three_modes(lambda a, b: a / b, (ts.constant(1), ts.constant(0)), np.inf,
                          ts.float64)


@pytest.mark.parametrize(
    ("a", "b"),
    [([-7, 7, -7, 7, 0], [2, 2, -2, -2, 3]), ([-7.5, 7.5, -7.5, 0.5], [2.0, -2.0, -2.0, 2.0])],
    ids=["int32", "float32"],
)
def test_OP_3_floordiv_and_mod_round_toward_negative_infinity(a, b):
    x, y = ts.constant(a), ts.constant(b)
    dtype = x.dtype
    np_a, np_b = np.asarray(a, dtype.as_numpy_dtype), np.asarray(b, dtype.as_numpy_dtype)
    assert_in_three_modes(lambda p, q: p // q, (x, y), np.floor_divide(np_a, np_b), dtype)
    assert_in_three_modes(lambda p, q: p % q, (x, y), np.mod(np_a, np_b), dtype)


def test_OP_3_floordiv_and_mod_values_seen_in_tensorflow():
    # TF 2.21: -7 // 2 = -4, -7 % 2 = 1, 7 % -2 = -1, -7.5 // 2.0 = -4.0, -7.5 % 2.0 = 0.5
    assert int(ts.constant(-7) // ts.constant(2)) == -4
    assert int(ts.constant(-7) % ts.constant(2)) == 1
    assert int(ts.constant(7) % ts.constant(-2)) == -1
    assert float(ts.constant(-7.5) // ts.constant(2.0)) == -4.0
    assert float(ts.constant(-7.5) % ts.constant(2.0)) == 0.5


@pytest.mark.parametrize("op", ["floordiv", "mod"])
def test_OP_3_integer_division_by_zero_is_invalid_argument(op):
    fn = {"floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b}[op]
    x, zero = ts.constant([4, 5]), ts.constant([1, 0])
    with pytest.raises(InvalidArgumentError, match=r"Integer division by zero"):
        fn(x, zero)
    f = ts.function(fn)
    with pytest.raises(InvalidArgumentError, match=r"Integer division by zero"):
        f(x, zero)
    assert_tensor(f(x, ts.constant([2, 3])), fn(np.array([4, 5]), np.array([2, 3])), ts.int32)


JAX_VALUES = policies.Policies(runtime_checks="jax-values")


@pytest.mark.parametrize(("value", "message"), [
    ("a", "Value 'a' with dtype <U1 "), (b"a", "Value 'b'a'' with dtype |S1 "),
    (["a", "bc"], "Value 'a' with dtype <U1 "), ([1, "x"], "Value 'x' with dtype <U1 "),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_1_without_string_values_no_string_converts(value, message, eager):
    # JAX 0.10.2: jnp.asarray of each raises TypeError "<message>is not a valid JAX array type.
    # Only arrays of numeric types are supported by JAX.", under jit and eagerly.
    run = ts.constant if eager else ts.function(lambda: ts.constant(value))
    with policies.using(policies.Policies(string_values="unsupported")), pytest.raises(
            TypeError, match=re.escape(message + "is not a valid JAX array type. Only arrays of numeric "
                                                 "types are supported by JAX.")):
        run(value) if eager else run()


@pytest.mark.parametrize("dtype", [ts.int32, ts.int64])
@pytest.mark.parametrize("eager", [True, False])
def test_OP_3_jax_values_integer_division_by_zero_gives_values(dtype, eager):
    # JAX 0.10.2 (XLA CPU), under jit and eagerly: 0 // 0 = -1, x // 0 = -2, x % 0 = 0, and
    # INT_MIN // -1 = INT_MIN, INT_MIN % -1 = 0.
    least = int(np.iinfo(dtype.as_numpy_dtype).min)
    run = (lambda x, y: (x // y, x % y)) if eager else ts.function(lambda x, y: (x // y, x % y))
    with policies.using(JAX_VALUES):
        quotient, rest = run(ts.constant([0, 5, -5, least, 7], dtype), ts.constant([0, 0, 0, -1, 2], dtype))
    assert quotient.numpy().tolist() == [-1, -2, -2, least, 3] and quotient.dtype == dtype
    assert rest.numpy().tolist() == [0, 0, 0, 0, 1]


@pytest.mark.parametrize("eager", [True, False])
def test_OP_3_jax_values_a_negative_integer_power_gives_xlas_values(eager):
    # JAX 0.10.2, int32: 3 ** [-1, -2, -3, -64, 0] and 0 ** -1, 0 ** -64, 2 ** -1, 1 ** -5, (-1) ** -1.
    run = ts.pow if eager else ts.function(ts.pow)
    with policies.using(JAX_VALUES):
        threes = run(ts.constant([3, 3, 3, 3, 3]), ts.constant([-1, -2, -3, -64, 0]))
        others = run(ts.constant([0, 0, 2, 1, -1]), ts.constant([-1, -64, -1, -5, -1]))
    assert threes.numpy().tolist() == [2111105451, 703701817, -1197088493, 1, 1]
    assert others.numpy().tolist() == [0, 0, 0, 1, -1]


def test_OP_3_integer_overflow_wraps():
    big, small = np.iinfo(np.int32).max, np.iinfo(np.int32).min
    assert_in_three_modes(lambda a: a + 1, (ts.constant(big),), small, ts.int32)
    assert_in_three_modes(lambda a: a * -1, (ts.constant(small),), small, ts.int32)
    big64 = np.iinfo(np.int64).max
    assert_in_three_modes(lambda a: a + 1, (ts.constant(big64),), np.iinfo(np.int64).min,
                          ts.int64)


# --------------------------------------------------------------------------------------
# OP-4: dtype errors
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("fn", "arg", "dtype_name"),
    [
        (ts.sqrt, ts.constant(4), "int32"),
        (ts.exp, ts.constant(1, dtype=ts.int64), "int64"),
        (ts.log, ts.constant([1, 2]), "int32"),
        (lambda x: x + x, ts.constant(True), "bool"),
        (lambda x: -x, ts.constant([True]), "bool"),
        (lambda x: x < x, ts.constant("a"), "string"),
        # TF says "float" for float32 in the eager message
        (lambda x: ts.gather(ts.constant([1.0, 2.0]), x), ts.constant([0.0]), "float"),
    ],
    ids=["sqrt-int32", "exp-int64", "log-int32", "add-bool", "neg-bool", "less-string",
         "gather-float-indices"],
)
def test_OP_4_unsupported_dtype_eager_invalid_argument_traced_type_error(fn, arg, dtype_name):
    # TF 2.21 eager: "Value for attr 'T' of int32 is not in the list of allowed values: ..."
    # traced: "Value passed to parameter 'x' has DataType int32 not in list of allowed values"
    pattern = rf"(?s){dtype_name}.*allowed"
    with pytest.raises(InvalidArgumentError, match=pattern):
        fn(arg)
    with pytest.raises(TypeError, match=pattern):
        traced_call(fn, arg)


def test_OP_4_dtype_mismatch_eager_invalid_argument_traced_type_error():
    ints, floats = ts.constant([1, 2]), ts.constant([1.0, 2.0])
    for fn in (ts.add, ts.multiply, ts.maximum, ts.equal, lambda a, b: ts.concat([a, b], 0)):
        with pytest.raises(InvalidArgumentError):
            fn(ints, floats)
        with pytest.raises(TypeError):
            traced_call(fn, ints, floats)


@pytest.mark.parametrize("fn", [ts.add, ts.multiply, ts.maximum, ts.equal, ts.matmul,
                                lambda a, b: ts.concat([a, b], 0), lambda a, b: ts.stack([a, b])],
                         ids=["add", "multiply", "maximum", "equal", "matmul", "concat", "stack"])
def test_OP_4_as_traced_dtype_mismatches_are_type_errors_in_both_modes(fn):
    # JAX 0.10.2, strict promotion, under jax_disable_jit and jit: TypePromotionError ("Input dtypes
    # ('int32', 'float32') have no available implicit dtype promotion path ..."), category TypeError.
    ints, floats = ts.constant([[1, 2], [3, 4]]), ts.constant([[1.0, 2.0], [3.0, 4.0]])
    with policies.using(AS_TRACED):
        with pytest.raises(TypeError) as eager:
            fn(ints, floats)
        with pytest.raises(TypeError):
            traced_call(fn, ints, floats)
    assert not isinstance(eager.value, InvalidArgumentError)


def test_OP_4_as_traced_an_unsupported_dtype_is_a_type_error_eagerly():
    # JAX 0.10.2, in both modes: "neg does not accept dtype bool. Accepted dtypes are subtypes of
    # integer, floating, complexfloating." and, for a shape given as float data, "Shapes must be 1D
    # sequences of concrete values of integer type, got [2.]." (TypeError).
    with policies.using(AS_TRACED):
        with pytest.raises(TypeError, match="DataType bool not in list of allowed"):
            -ts.constant([True])
        with pytest.raises(TypeError, match="DataType float32 not in list of allowed") as caught:
            ts.reshape(ts.ones([2]), ts.constant([2.0]))
    assert not isinstance(caught.value, InvalidArgumentError)


def test_OP_4_dtype_errors_happen_at_trace_time_before_anything_runs():
    ran = []

    @ts.function
    def f(x):
        ts.py_function(lambda: ran.append("ran") or 0, [], ts.int32)
        return ts.sqrt(x)

    with pytest.raises(TypeError):
        f(ts.constant(4))
    assert ran == []
    assert f.experimental_get_tracing_count() == 0


# --------------------------------------------------------------------------------------
# OP-5: slicing
# --------------------------------------------------------------------------------------

_MATRIX = np.arange(12, dtype=np.int32).reshape(3, 4)


@pytest.mark.parametrize(
    "index",
    [
        1, -1, slice(1, 3), slice(None, None, -1), slice(None, None, 2), slice(1, 10),
        (Ellipsis, 0), (None,), (slice(None), 1), (1, slice(1, None)), (-1, -1),
        (slice(None), None, 2), (slice(5, 9),),
    ],
    ids=repr,
)
def test_OP_5_basic_slicing_matches_numpy(index):
    assert_in_three_modes(lambda x: x[index], (ts.constant(_MATRIX),), _MATRIX[index], ts.int32)


def test_OP_5_static_out_of_bounds_index_is_a_trace_time_value_error():
    ran = []

    @ts.function
    def f(x):
        ran.append("trace")
        return x[4]

    pattern = r"slice index 4 of dimension 0 out of bounds"
    with pytest.raises(ValueError, match=pattern):
        f.get_concrete_function(ts.TensorSpec([3], ts.int32))
    with pytest.raises(ValueError, match=pattern):
        f(ts.constant([1, 2, 3]))
    with pytest.raises(ValueError, match=r"slice index 5 of dimension 1 out of bounds"):
        traced_call(lambda x: x[:, 5], ts.constant(_MATRIX))
    assert f.experimental_get_tracing_count() == 0


def test_OP_5_out_of_bounds_index_is_invalid_argument_eagerly():
    with pytest.raises(InvalidArgumentError, match=r"slice index 4 of dimension 0 out of bounds"):
        ts.constant([1, 2, 3])[4]
    with pytest.raises(InvalidArgumentError, match=r"slice index -?\d+ of dimension 0 out of bounds"):
        ts.constant([1, 2, 3])[-4]
    with pytest.raises(InvalidArgumentError, match=r"slice index 5 of dimension 1 out of bounds"):
        ts.constant(_MATRIX)[:, 5]


@pytest.mark.parametrize("eager", [True, False])
def test_OP_5_jax_values_an_out_of_bounds_index_is_clamped(eager):
    # JAX 0.10.2: v[4], v[-4], v[-7] of [1, 2, 3] are 3, 1, 1; a traced index 7 gives 3, -9 gives 1.
    run = (lambda x, i: (x[4], x[-4], x[-7], x[i], x[1:9])) if eager else \
        ts.function(lambda x, i: (x[4], x[-4], x[-7], x[i], x[1:9]))
    with policies.using(JAX_VALUES):
        results = [run(ts.constant([1, 2, 3]), ts.constant(i)) for i in (7, -9)]
    assert [int(t) for t in results[0][:4]] == [3, 1, 1, 3] and int(results[1][3]) == 1
    assert results[0][4].numpy().tolist() == [2, 3]


@pytest.mark.parametrize("eager", [True, False])
def test_OP_5_jax_values_an_integer_index_of_an_empty_dimension_is_an_index_error(eager):
    run = (lambda x: x[0]) if eager else ts.function(lambda x: x[0])
    with policies.using(JAX_VALUES), pytest.raises(IndexError, match="index is out of bounds for axis 0 "
                                                                        "with size 0"):
        run(ts.zeros([0]))


# TensorFlow 2.21, each traced for TensorSpec([2], float32): shape inference evaluates the
# constant subgraph, so the call fails while tracing with these ValueErrors.
CONSTANT_SUBGRAPHS = {
    "fill": (lambda x: x[ts.fill([], 2)], "slice index 2 of dimension 0 out of bounds"),
    "add": (lambda x: x[ts.constant(1) + 1], "slice index 2 of dimension 0 out of bounds"),
    "cast": (lambda x: x[ts.cast(ts.constant(2.0), ts.int32)],
             "slice index 2 of dimension 0 out of bounds"),
    "reduce_sum": (lambda x: x[ts.reduce_sum(ts.constant([1, 1]))],
                   "slice index 2 of dimension 0 out of bounds"),
    "reshape": (lambda x: ts.reshape(x, ts.constant([1]) + 2),
                re.escape("Cannot reshape a tensor with 2 elements to shape [3] (3 elements)")),
    "axis": (lambda x: ts.reduce_sum(x, axis=ts.constant(0) + 1),
             "Invalid reduction dimension 1 for input with 1 dimensions"),
}


@pytest.mark.parametrize("case", sorted(CONSTANT_SUBGRAPHS))
def test_OP_5_values_computed_from_constants_are_known_while_tracing(case):
    fn, message = CONSTANT_SUBGRAPHS[case]
    f = ts.function(fn, autograph=False)
    with pytest.raises(ValueError, match=message):
        f(ts.constant([1.0, 2.0]))
    assert f.experimental_get_tracing_count() == 0


def test_OP_5_values_computed_from_constants_in_range_shape_the_trace():
    # TensorFlow 2.21: x[ts.constant(0) + 1] is a scalar, the reshape's static shape is [2]
    assert ts.function(lambda x: x[ts.constant(0) + 1])(ts.constant([1.0, 2.0])).shape == ()
    reshaped = ts.function(lambda x: ts.reshape(x, ts.constant([1]) + 1))
    assert reshaped.get_concrete_function(ts.TensorSpec([2], ts.float32)).structured_outputs.shape == (2,)


def test_OP_5_unknown_dimension_defers_the_bounds_check_to_run_time():
    f = ts.function(lambda x: x[4], input_signature=[ts.TensorSpec([None], ts.int32)])
    with pytest.raises(InvalidArgumentError, match=r"slice index 4 of dimension 0 out of bounds"):
        f(ts.constant([1, 2, 3]))
    assert_tensor(f(ts.constant([1, 2, 3, 4, 5])), 5, ts.int32)
    assert f.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# OP-6: reductions, matmul, gather, concat, stack, reshape, where, cast, creation ops
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("axis", "keepdims"),
    [(None, False), (0, False), (1, False), (-1, False), (1, True), ((0, 1), True), (None, True)],
)
@pytest.mark.parametrize("name", ["sum", "max", "min"])
def test_OP_6_reductions_match_numpy(name, axis, keepdims):
    data = np.array([[3, -1, 4], [1, -5, 9]], dtype=np.int32)
    op = {"sum": ts.reduce_sum, "max": ts.reduce_max, "min": ts.reduce_min}[name]
    np_op = {"sum": np.sum, "max": np.max, "min": np.min}[name]
    ts_axis = list(axis) if isinstance(axis, tuple) else axis
    expected = np_op(data, axis=axis, keepdims=keepdims).astype(np.int32)
    assert_in_three_modes(lambda x: op(x, axis=ts_axis, keepdims=keepdims), (ts.constant(data),),
                          expected, ts.int32)


def test_OP_6_integer_mean_truncates_toward_zero():
    # TF 2.21: mean([-1,-2]) = -1, mean([1,2]) = 1, mean([[1,2],[4,7]], axis=1) = [1, 5]
    assert_in_three_modes(ts.reduce_mean, (ts.constant([-1, -2]),), -1, ts.int32)
    assert_in_three_modes(ts.reduce_mean, (ts.constant([1, 2]),), 1, ts.int32)
    assert_in_three_modes(lambda x: ts.reduce_mean(x, axis=1), (ts.constant([[1, 2], [4, 7]]),),
                          [1, 5], ts.int32)
    assert_in_three_modes(ts.reduce_mean, (ts.constant([-7, 0, 0], dtype=ts.int64),), -2,
                          ts.int64)


def test_OP_6_float_mean_and_empty_reductions():
    assert_in_three_modes(ts.reduce_mean, (ts.constant([1.0, 2.0]),), 1.5, ts.float32)
    # TF 2.21: max of empty float32 is -inf, of empty int32 is INT32_MIN; sum of empty is 0
    assert_in_three_modes(ts.reduce_max, (ts.zeros([0]),), -np.inf, ts.float32)
    assert_in_three_modes(ts.reduce_max, (ts.zeros([0], ts.int32),), np.iinfo(np.int32).min,
                          ts.int32)
    assert_in_three_modes(ts.reduce_min, (ts.zeros([0], ts.int32),), np.iinfo(np.int32).max,
                          ts.int32)
    assert_in_three_modes(ts.reduce_sum, (ts.zeros([0], ts.int32),), 0, ts.int32)


def test_OP_6_matmul_matches_numpy():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    b = np.arange(12, dtype=np.float64).reshape(3, 4) - 5
    assert_in_three_modes(ts.matmul, (ts.constant(a), ts.constant(b)), a @ b, ts.float64)
    assert_in_three_modes(lambda x, y: x @ y, (ts.constant(a), ts.constant(b)), a @ b, ts.float64)


def test_OP_6_matmul_inner_dimension_mismatch():
    a = ts.ones([2, 3])
    # TF 2.21 eager: "Matrix size-incompatible: In[0]: [2,3], In[1]: [2,3] [Op:MatMul]"
    with pytest.raises(InvalidArgumentError, match=r"Matrix size-incompatible"):
        ts.matmul(a, a)
    with pytest.raises(ValueError, match=r"Dimensions must be equal, but are 3 and 2"):
        traced_call(ts.matmul, a, a)


@pytest.mark.parametrize("dtype, a, b, message", [  # TF 2.21 eager: MatMul, _MklMatMul, BatchMatMulV2
    ("float64", [2, 2], [], "In[0] and In[1] has different ndims: [2,2] vs. []"),
    ("int32", [], [2, 2], "In[0] and In[1] has different ndims: [] vs. [2,2]"),
    ("float64", [2], [2, 2], "In[0] and In[1] has different ndims: [2] vs. [2,2]"),
    ("float64", [2], [2], "In[0] and In[1] ndims must be == 2: 1"),
    ("int32", [], [], "In[0] and In[1] ndims must be == 2: 0"),
    ("float32", [2, 2], [], "In[1] ndims must be >= 2 [Op:matmul]"),
    ("float32", [2], [2], "In[0] ndims must be >= 2 [Op:matmul]"),
    ("float64", [2, 2, 2], [], "In[1] ndims must be >= 2: 0"),
    ("float32", [2, 2, 2], [2], "In[1] ndims must be >= 2: 1"),
    ("float32", [], [2, 2, 2], "In[0] ndims must be >= 2: 0"),
])
def test_OP_6_matmul_rank_errors_are_the_kernels_eagerly(dtype, a, b, message):
    with pytest.raises(InvalidArgumentError, match=re.escape(message)):
        ts.matmul(ts.ones(a, dtype), ts.ones(b, dtype))


def test_OP_6_gather_matches_numpy_take():
    params = ts.constant(_MATRIX)
    assert_in_three_modes(lambda p: ts.gather(p, [2, 0, 2]), (params,),
                          np.take(_MATRIX, [2, 0, 2], axis=0), ts.int32)
    assert_in_three_modes(lambda p: ts.gather(p, [3, 0], axis=1), (params,),
                          np.take(_MATRIX, [3, 0], axis=1), ts.int32)
    assert_in_three_modes(lambda p: ts.gather(p, [[0], [1]]), (params,),
                          np.take(_MATRIX, [[0], [1]], axis=0), ts.int32)


def test_OP_6_gather_out_of_range_index_is_invalid_argument():
    # TF 2.21: "indices[0] = 5 is not in [0, 1) [Op:GatherV2]"; negative indices too
    with pytest.raises(InvalidArgumentError, match=r"indices\[0\] = 5 is not in \[0, 1\)"):
        ts.gather(ts.constant([1.0]), [5])
    with pytest.raises(InvalidArgumentError, match=r"indices\[0\] = -1 is not in \[0, 2\)"):
        ts.gather(ts.constant([1.0, 2.0]), [-1])


@pytest.mark.parametrize("a, b, axis, message", [  # TF 2.21's shape function, in a graph
    ([], [2], -1, "Can't concatenate scalars (use ts.stack instead)"),
    ([], [2, 2], 0, "Can't concatenate scalars (use ts.stack instead)"),
    ([2], [], 0, "Shape must be rank 1 but is rank 0"),
    ([2, 2], [2], 1, "Shape must be rank 2 but is rank 1"),
    ([2], [2, 2], -1, "Shape must be rank 1 but is rank 2"),
    ([2], [2], 1, "Shape must be at least rank 2 but is rank 1"),
])
def test_OP_6_concat_shape_errors_while_tracing_check_the_first_rank_first(a, b, axis, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        traced_call(lambda x, y: ts.concat([x, y], axis), ts.zeros(a), ts.zeros(b))


@pytest.mark.parametrize("a, b, axis, message", [  # TF 2.21's ConcatV2 kernel, eagerly
    ([2], [], -1, "ConcatOp : Can't concatenate scalars (use ts.stack instead)"),
    ([2, 2], [], 0, "ConcatOp : Can't concatenate scalars (use ts.stack instead)"),
    ([], [2], 0, "ConcatOp : Can't concatenate scalars (use ts.stack instead)"),
    ([], [2], -1, "ConcatOp : Expected concatenating dimensions in the range [0, 0), but got -1"),
    ([2], [1, 1], -1,
     "ConcatOp : Ranks of all input tensors should match: shape[0] = [2] vs. shape[1] = [1,1]"),
])
def test_OP_6_concat_eagerly_checks_the_axis_then_every_input_for_a_scalar(a, b, axis, message):
    with pytest.raises(InvalidArgumentError, match=re.escape(message)):
        ts.concat([ts.zeros(a), ts.zeros(b)], axis)


def test_OP_6_concat_and_stack_match_numpy():
    a, b = _MATRIX, _MATRIX * 10
    for axis in (0, 1, -1):
        assert_in_three_modes(lambda x, y, ax=axis: ts.concat([x, y], ax),
                              (ts.constant(a), ts.constant(b)), np.concatenate([a, b], axis),
                              ts.int32)
    for axis in (0, 1, 2, -1):
        assert_in_three_modes(lambda x, y, ax=axis: ts.stack([x, y], ax),
                              (ts.constant(a), ts.constant(b)), np.stack([a, b], axis), ts.int32)


def test_OP_6_reshape_with_a_wildcard_matches_numpy():
    assert_in_three_modes(lambda x: ts.reshape(x, [3, -1]), (ts.range(6),),
                          np.arange(6).reshape(3, -1), ts.int32)
    assert_in_three_modes(lambda x: ts.reshape(x, [-1]), (ts.constant(_MATRIX),),
                          _MATRIX.reshape(-1), ts.int32)
    assert_in_three_modes(lambda x: ts.reshape(x, []), (ts.constant([5]),), 5, ts.int32)


def test_OP_6_reshape_size_mismatch():
    # TF 2.21 eager: "Input to reshape is a tensor with 6 values, but the requested shape has 8"
    with pytest.raises(InvalidArgumentError, match=r"Input to reshape is a tensor with 6 values"):
        ts.reshape(ts.range(6), [4, 2])
    # TF 2.21 traced: "Cannot reshape a tensor with 6 elements to shape [4,2] (8 elements)"
    with pytest.raises(ValueError, match=r"Cannot reshape a tensor with 6 elements to shape"):
        traced_call(lambda x: ts.reshape(x, [4, 2]), ts.range(6))


def test_OP_6_where_selects_elementwise():
    cond = np.array([True, False, True])
    assert_in_three_modes(
        lambda c, x, y: ts.where(c, x, y),
        (ts.constant(cond), ts.constant([1.0, 2.0, 3.0]), ts.constant([-1.0, -2.0, -3.0])),
        np.where(cond, [1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]).astype(np.float32), ts.float32,
    )


@pytest.mark.parametrize(
    ("values", "source", "target", "expected"),
    [
        ([-1.7, 1.7, -0.5, 2.9], "float32", "int32", [-1, 1, 0, 2]),  # truncates toward 0
        ([0.0, 2.5, -0.0], "float32", "bool", [False, True, False]),
        ([1, -2], "int32", "float64", [1.0, -2.0]),
        ([True, False], "bool", "int32", [1, 0]),
        ([2**31 - 1], "int32", "int64", [2**31 - 1]),
    ],
)
def test_OP_6_cast(values, source, target, expected):
    tensor = ts.constant(values, dtype=None if source == "bool" else getattr(ts, source))
    assert tensor.dtype == getattr(ts, source)
    target_dtype = getattr(ts, target)
    assert_in_three_modes(lambda x: ts.cast(x, target_dtype), (tensor,),
                          np.asarray(expected, dtype=target_dtype.as_numpy_dtype), target_dtype)


def test_OP_6_creation_ops():
    assert_tensor(ts.range(5), np.arange(5), ts.int32)
    assert_tensor(ts.range(5, 0, -2), [5, 3, 1], ts.int32)
    assert_tensor(ts.range(1.0, 2.0, 0.25), np.arange(1.0, 2.0, 0.25), ts.float32)
    assert_tensor(ts.fill([2, 3], 7), np.full((2, 3), 7), ts.int32)
    assert_tensor(ts.zeros([2]), [0.0, 0.0], ts.float32)
    assert_tensor(ts.ones([2], ts.int32), [1, 1], ts.int32)
    assert_tensor(ts.zeros([0, 2], ts.int64), np.zeros((0, 2)), ts.int64)

    @ts.function
    def made(x):
        return ts.zeros([2, 2]) + ts.fill([2, 2], 1.5) + ts.cast(ts.range(2), ts.float32) + x

    assert_tensor(made(ts.constant(1.0)), np.array([[2.5, 3.5], [2.5, 3.5]]), ts.float32)


# --------------------------------------------------------------------------------------
# Fidelity to TensorFlow 2.21: every expected value below was observed running the same
# program on TensorFlow 2.21 (tensorflow-cpu), eagerly and inside tf.function, with `tf`
# written `ts` and TensorFlow's op type names (AddV2, Sub, SelectV2...) written as the
# reference's (add, subtract, where...).
# --------------------------------------------------------------------------------------

def outcome(thunk):
    """``("value", dtype name, list)`` or ``("raises", class name, message)``."""
    try:
        result = thunk()
    except Exception as error:  # the observation is the error
        return ("raises", type(error).__name__, str(error))
    if isinstance(result, ts.Tensor):
        return ("value", result.dtype.name, np.asarray(result.numpy()).tolist())
    return ("value", type(result).__name__, result)


def both_modes(fn, *args):
    """``{"eager": outcome, "traced": outcome}`` of ``fn(*args)``."""
    return {"eager": outcome(lambda: fn(*args)), "traced": outcome(lambda: ts.function(fn)(*args))}


def assert_raises(result, cls, text):
    assert result[:2] == ("raises", cls), result
    assert text in result[2], result


F32 = lambda: ts.constant([1.0, 2.0])  # noqa: E731
I32 = lambda: ts.constant([1, 2])  # noqa: E731


def test_TENSOR_1_python_ints_wrap_into_a_requested_integer_dtype():
    # TF: tf.constant(2**31, tf.int32) -> -2147483648; tf.convert_to_tensor(np.int64(2**40), tf.int32) -> 0
    assert_tensor(ts.constant(2**31, ts.int32), -(2**31), ts.int32)
    assert_tensor(ts.convert_to_tensor(np.int64(2**40), ts.int32), 0, ts.int32)
    assert_tensor(ts.function(lambda: ts.constant(2**63, ts.int64))(), -(2**63), ts.int64)


def test_TENSOR_1_some_sequences_convert_in_a_trace_only():
    # TF eager: ValueError "Can't convert Python sequence with mixed types to Tensor."; traced: int32 [1, 1]
    modes = both_modes(lambda: ts.constant([True, 1]))
    assert_raises(modes["eager"], "ValueError", "Can't convert Python sequence with mixed types to Tensor.")
    assert modes["traced"] == ("value", "int32", [1, 1])
    # TF eager: ValueError "... out of range for a double-precision float."; traced: inf
    modes = both_modes(lambda: ts.constant(1e40))
    assert_raises(modes["eager"], "ValueError", "with a value out of range for a double-precision float")
    assert modes["traced"] == ("value", "float32", float("inf"))
    assert outcome(lambda: ts.constant(1e40, ts.float32)) == ("value", "float32", float("inf"))
    # TF traced: TypeError "Failed to convert elements of ['a', 1] to Tensor. ..."
    assert_raises(both_modes(lambda: ts.constant(["a", 1]))["traced"], "TypeError",
                  "Failed to convert elements of ['a', 1] to Tensor. Consider casting")


def test_TENSOR_1_conversion_errors_read_as_in_each_mode():
    # TF: eager "Cannot convert 'a' to EagerTensor of dtype float" (C++ name), traced
    # "Expected float32, but got a of type 'str'."; None: eager "Attempt to convert a value (None)
    # with an unsupported type (<class 'NoneType'>) to a Tensor.", traced "None values not supported."
    modes = both_modes(lambda: ts.constant("a", ts.float32))
    assert_raises(modes["eager"], "TypeError", "Cannot convert 'a' to EagerTensor of dtype float")
    assert_raises(modes["traced"], "TypeError", "Expected float32, but got a of type 'str'.")
    modes = both_modes(lambda: ts.constant(None))
    assert_raises(modes["eager"], "ValueError",
                  "Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>)")
    assert_raises(modes["traced"], "ValueError", "None values not supported.")
    modes = both_modes(lambda: ts.constant([1, 2], shape=[2, 2]))
    assert_raises(modes["eager"], "TypeError", "Eager execution of ts.constant with unsupported shape. "
                  "Tensor [1 2] (converted from [1, 2]) has 2 elements, but got `shape` (2, 2) "
                  "with 4 elements).")
    assert_raises(modes["traced"], "TypeError", "Expected Tensor's shape: (2, 2), but got (2,).")


def test_TENSOR_1_numpy_text_becomes_bytes():
    # TF: tf.constant(np.array(['ab', 'c'])) -> [b'ab', b'c']; np.str_('a') -> b'a'
    assert ts.constant(np.array(["ab", "c"])).numpy().tolist() == [b"ab", b"c"]
    assert ts.constant(np.str_("a")).numpy() == b"a"


def test_TENSOR_1_the_callers_numpy_array_is_copied_not_frozen():
    # TF: the array stays writable and the tensor keeps the old value; np.array(t) is a writable
    # copy, np.asarray(t) a read-only view.
    data = np.array([1.0, 2.0], dtype=np.float32)
    tensor = ts.constant(data)
    assert data.flags.writeable
    data[0] = 9.0
    assert tensor.numpy().tolist() == [1.0, 2.0]
    assert np.array(tensor).flags.writeable and not np.asarray(tensor).flags.writeable


def test_TENSOR_1_dtypes_equal_every_spelling_of_their_type():
    # TF: tf.float32 == np.float32 == np.dtype('float32') == 'float32' == float; tf.bool == bool;
    # tf.string == np.object_; hashes differ from NumPy's; as_dtype(int) and as_dtype(str) raise.
    for spelling in (np.float32, np.dtype("float32"), "float32", float):
        assert ts.float32 == spelling and spelling == ts.float32
        assert not ts.float32 != spelling  # noqa: SIM202 - `!=` is under test
    assert ts.bool == bool and ts.string == np.object_ and ts.int32 == np.int32  # noqa: E721
    assert ts.float32 != np.float64 and ts.float32 not in {np.float32: 1}
    assert ts.as_dtype(float) is ts.float32 and ts.zeros([2], float).dtype == ts.float32
    with pytest.raises(TypeError, match="Cannot convert the argument `type_value`: <class 'int'>"):
        ts.as_dtype(int)
    assert ts.float32.max == np.finfo(np.float32).max and ts.int32.min == -(2**31)
    assert ts.string.as_numpy_dtype is object


def test_TENSOR_1_shapes_convert_when_fully_known():
    # TF: tf.convert_to_tensor(x.shape) -> int32 [2]; TensorShape([2**40]) -> int64; a partly known
    # shape: ValueError "Cannot convert a partially known TensorShape (2, None) to a Tensor."
    assert_tensor(ts.convert_to_tensor(ts.zeros([2, 3]).shape), [2, 3], ts.int32)

    @ts.function(autograph=False)
    def partial(x):
        return ts.convert_to_tensor(x.shape)

    with pytest.raises(ValueError, match=r"Cannot convert a partially known TensorShape \(2, None\)"):
        partial.get_concrete_function(ts.TensorSpec([2, None]))


@pytest.mark.parametrize(
    ("fn", "eager", "traced"),
    [
        # TF: eager float32 [0, -1]; traced "Input 'y' of 'Sub' Op has type float32 that does not
        # match type int32 of argument 'x'."
        (lambda x: ts.subtract(1, x), ("value", "float32", [0.0, -1.0]),
         ("TypeError", "Input 'y' of 'subtract' Op has type float32 that does not match type int32 "
                       "of argument 'x'.")),
        # TF: eager "cannot compute AddV2 as input #1(zero-based) was expected to be a int32 tensor
        # but is a float tensor"; traced "Input 'y' of 'AddV2' Op has type float32 ..."
        (lambda x: ts.add(1, x),
         ("InvalidArgumentError", "cannot compute add as input #1(zero-based) was expected to be a "
                                  "int32 tensor but is a float tensor"),
         ("TypeError", "Input 'y' of 'add' Op has type float32 that does not match type int32 of "
                       "argument 'x'.")),
        # TF: where(c, 3.0, 0) float32 in both modes
        (lambda x: ts.where(x > 1.0, 3.0, 0), ("value", "float32", [0.0, 3.0]),
         ("value", "float32", [0.0, 3.0])),
        # TF: eager "Cannot convert 3.0 to EagerTensor of dtype int32"; traced "Expected int32 passed
        # to parameter 'e' of op 'SelectV2', got 3.0 of type 'float' instead. Error: ..."
        (lambda x: ts.where(x > 1.0, 0, 3.0),
         ("TypeError", "Cannot convert 3.0 to EagerTensor of dtype int32"),
         ("TypeError", "Expected int32 passed to parameter 'e' of op 'where', got 3.0 of type "
                       "'float' instead. "
                       "Error: Expected int32, but got 3.0 of type 'float'.")),
        # TF: divide(-1, x) converts -1 to x's dtype in both modes
        (lambda x: ts.divide(-1, x), ("value", "float32", [-1.0, -0.5]), ("value", "float32", [-1.0, -0.5])),
        # TF: a list takes the dtype of its first tensor, in both modes
        (lambda x: ts.concat([[5, 6], x], 0), ("value", "float32", [5.0, 6.0, 1.0, 2.0]),
         ("value", "float32", [5.0, 6.0, 1.0, 2.0])),
        (lambda x: ts.stack([1, 2.5]), ("value", "float32", [1.0, 2.5]), ("value", "float32", [1.0, 2.5])),
        # TF: eager "Cannot convert [2.5] to EagerTensor of dtype int32"; traced "Tensors in list
        # passed to 'values' of 'ConcatV2' Op have types [int32, float32] that don't all match."
        (lambda x: ts.concat([[1], [2.5]], 0),
         ("TypeError", "Cannot convert [2.5] to EagerTensor of dtype int32"),
         ("TypeError", "Tensors in list passed to 'values' of 'concat' Op have types "
                       "[int32, float32] that don't all match.")),
        # TF: eager ValueError "Attempt to convert a value (None) ..."; traced "Tried to convert 'y'
        # to a tensor and failed. Error: None values not supported."
        (lambda x: ts.maximum(x, None), ("ValueError", "Attempt to convert a value (None)"),
         ("ValueError", "Tried to convert 'y' to a tensor and failed. Error: None values not supported.")),
    ],
)
def test_TENSOR_2_which_operand_decides_the_dtype_differs_by_mode(fn, eager, traced):
    modes = both_modes(fn, F32())
    for mode, expected in (("eager", eager), ("traced", traced)):
        if expected[0] == "value":
            assert modes[mode] == expected, mode
        else:
            assert_raises(modes[mode], *expected)


def test_TENSOR_2_python_values_never_convert_to_another_kind():
    # TF: x_i32 * 2.0: eager "Cannot convert 2.0 to EagerTensor of dtype int32", traced "Expected
    # int32 passed to parameter 'y' of op 'Mul', got 2.0 of type 'float' instead. ..."; NumPy data
    # is cast: x_i32 + np.float64(1.5) -> [2, 3]; `x / y` of two dtypes is a TypeError in both modes.
    modes = both_modes(lambda x: x * 2.0, I32())
    assert_raises(modes["eager"], "TypeError", "Cannot convert 2.0 to EagerTensor of dtype int32")
    assert_raises(modes["traced"], "TypeError", "Expected int32, but got 2.0 of type 'float'.")
    assert both_modes(lambda x: x + np.float64(1.5), I32())["traced"] == ("value", "int32", [2, 3])
    for result in both_modes(lambda x: x / ts.constant([1, 2]), F32()).values():
        assert_raises(result, "TypeError",
                      "`x` and `y` must have the same dtype, got ts.float32 != ts.int32.")


def test_TENSOR_4_shapes_are_tensor_shapes():
    # TF: repr TensorShape([2, 3]) / TensorShape([None, 3]) / TensorShape(None); str (2, 3),
    # (None, 3), <unknown>; == lists and tuples; unknown rank: len and iteration raise ValueError,
    # indexing gives None, as_list raises.
    shape = ts.zeros([2, 3]).shape
    assert repr(shape) == "TensorShape([2, 3])" and str(shape) == "(2, 3)"
    assert shape == [2, 3] and shape == (2, 3) and len(shape) == 2 and shape[-1] == 3
    assert shape[1:] == [3] and repr(shape[1:]) == "TensorShape([3])" and shape.as_list() == [2, 3]
    assert shape.rank == 2 and shape.num_elements() == 6 and hash(shape) == hash((2, 3))
    seen = {}

    @ts.function(autograph=False)
    def look(x):
        seen["partial" if x.shape.rank else "unknown"] = x.shape
        return x

    look.get_concrete_function(ts.TensorSpec([None, 3]))
    look.get_concrete_function(ts.TensorSpec(None))
    partial, unknown = seen["partial"], seen["unknown"]
    assert repr(partial) == "TensorShape([None, 3])" and str(partial) == "(None, 3)"
    assert partial == [None, 3] and not partial.is_fully_defined() and partial.num_elements() is None
    assert repr(unknown) == "TensorShape(None)" and str(unknown) == "<unknown>" and unknown[0] is None
    for attempt, message in ((lambda: len(unknown), "Cannot take the length of shape with unknown rank."),
                             (lambda: list(unknown), "Cannot iterate over a shape with unknown rank."),
                             (unknown.as_list, "as_list() is not defined on an unknown TensorShape.")):
        with pytest.raises(ValueError, match=re.escape(message)):
            attempt()


UNROLLED = policies.Policies(symbolic_iteration="unrolled")


def test_TENSOR_4_unrolled_a_symbolic_tensor_has_its_static_length_and_rows():
    # JAX 0.10.2 under jit: len() of a float32[2, 3] tracer is 2, list(x) gives two float32[3]
    # rows, `a, b = x` unpacks a float32[2]; as eagerly.
    seen = {}

    @ts.function(autograph=False)
    def body(x, v):
        seen["len"] = len(x)
        seen["rows"] = [tuple(row.shape) for row in x]
        a, b = v
        return a - b

    with policies.using(UNROLLED):
        difference = body(ts.ones([2, 3]), ts.constant([5.0, 2.0]))
    assert seen == {"len": 2, "rows": [(3,), (3,)]} and float(difference) == 3.0


@pytest.mark.parametrize(("use", "message"), [(len, "Scalar tensor has no `len()`"),
                                              (list, "Cannot iterate over a scalar tensor.")])
def test_TENSOR_4_unrolled_a_symbolic_scalar_has_no_length_or_rows(use, message):
    # JAX 0.10.2, under jit as eagerly: "TypeError: len() of unsized object", "TypeError: iteration
    # over a 0-d array" (the spec words them as TensorFlow's eager tensors do).
    f = ts.function(use, autograph=False)
    with policies.using(UNROLLED), pytest.raises(TypeError, match=re.escape(message)):
        f(ts.constant(1.0))
    assert f.experimental_get_tracing_count() == 0


def test_TENSOR_4_unrolled_an_unknown_first_dimension_keeps_the_error():
    # (JAX's symbolic dimensions are not modelled: the reference keeps TensorFlow's TypeError.)
    f = ts.function(len, autograph=False)
    with policies.using(UNROLLED), pytest.raises(TypeError, match="len is not well defined"):
        f.get_concrete_function(ts.TensorSpec([None]))


def test_TENSOR_4_constants_made_in_a_trace_are_symbolic():
    # TF: inside tf.function, type(tf.constant(1.0)).__name__ == 'SymbolicTensor', .numpy() raises
    # AttributeError, int() TypeError, tf.constant(x) "Expected any non-tensor type, but got a tensor
    # instead."; tf.cast(x, x.dtype) is x; tf.convert_to_tensor([x, x]) packs (2, 2).
    seen = {}

    @ts.function(autograph=False)
    def body(x):
        c = ts.constant(1.0)
        seen["type"] = type(c).__name__
        seen["cast"] = ts.cast(x, ts.float32) is x
        seen["packed"] = ts.convert_to_tensor([x, x]).shape
        for key, attempt in (("numpy", lambda: c.numpy()), ("int", lambda: int(c)),
                             ("constant", lambda: ts.constant(x))):
            try:
                attempt()
            except (AttributeError, TypeError) as error:
                seen[key] = str(error)
        return x

    body(F32())
    assert seen["type"] == "SymbolicTensor" and seen["cast"] and seen["packed"] == [2, 2]
    assert seen["numpy"] == "'SymbolicTensor' object has no attribute 'numpy'"
    assert "not 'SymbolicTensor'" in seen["int"]
    assert seen["constant"] == "Expected any non-tensor type, but got a tensor instead."


def test_TENSOR_5_bool_and_integer_operators_follow_tensorflow():
    # TF: bool * bool and bool * 2 are a logical and (bool); & | ^ ~ are bitwise on ints and logical
    # on bools, reflected too; bool / bool: TypeError "Invalid dtype tf.bool in __truediv__ ...".
    b, i = ts.constant([True, False]), ts.constant([6, 3])
    assert_tensor(b * b, [True, False], ts.bool)
    assert_tensor(b * 2, [True, False], ts.bool)
    assert_tensor(i & 5, [4, 1], ts.int32)
    assert_tensor(i | 1, [7, 3], ts.int32)
    assert_tensor(i ^ 5, [3, 6], ts.int32)
    assert_tensor(~i, [-7, -4], ts.int32)
    assert_tensor(True & b, [True, False], ts.bool)
    assert_tensor(b ^ True, [False, True], ts.bool)
    with pytest.raises(TypeError, match=r"Invalid dtype ts\.bool in __truediv__\. Expected one of"):
        b / b


def test_TENSOR_5_add_joins_strings():
    # TF: x_s + x_s -> [b'aa', b'bcbc']; 'z' + x_s -> [b'za', b'zbc']; tf.add('p', 'q') -> b'pq'
    s = ts.constant(["a", "bc"])
    for result in in_three_modes(lambda x: x + x, s).values():
        assert result.numpy().tolist() == [b"aa", b"bcbc"]
    assert ("z" + s).numpy().tolist() == [b"za", b"zbc"] and ts.add("p", "q").numpy() == b"pq"


def test_TENSOR_5_operators_defer_to_numpy_then_to_tensorflows_error():
    # TF traced: x_str // np.int64(3) -> NotImplementedError "Cannot convert a symbolic tf.Tensor
    # (x:0) to a numpy array. ..." (NumPy's reflected operator takes over); x | None ->
    # AttributeError "'NoneType' object has no attribute '__ror__'" in both modes.
    with pytest.raises(NotImplementedError, match=r"Cannot convert a symbolic ts\.Tensor \(x:0\)"):
        ts.function(lambda x: x // np.int64(3))(ts.constant(["a"]))
    for result in both_modes(lambda x: x | None, I32()).values():
        assert_raises(result, "AttributeError", "'NoneType' object has no attribute '__ror__'")


@pytest.mark.parametrize(
    ("op", "x", "y", "expected"),
    [
        # TF: static shapes of x + y and x == y (tf.function.get_concrete_function, TensorSpecs)
        ("add", [None], [3], (3,)), ("add", [1], [None], (None,)), ("add", [None, 1], [None], (None, None)),
        ("add", [2, None], [3], (2, 3)), ("add", [0], [None], (None,)),
        ("eq", [None], [3], None), ("eq", [3], [2], ()), ("eq", [None], [None], (None,)),
        ("eq", [None, 3], [1], (None, 3)),
    ],
)
def test_OP_2_static_broadcast_shapes_follow_tensorflows_inference(op, x, y, expected):
    seen = {}

    @ts.function(autograph=False)
    def static(a, b):
        seen["shape"] = (a + b if op == "add" else a == b).shape
        return a

    static.get_concrete_function(ts.TensorSpec(x), ts.TensorSpec(y))
    assert seen["shape"].rank is None if expected is None else seen["shape"] == expected


def test_OP_2_kernels_check_shapes_before_data():
    # TF eager: [1, 2, 3] // [0, 1] -> "Incompatible shapes: [3] vs. [2]"; traced "Dimensions must
    # be equal, but are 3 and 2" (operand order); an empty result divides nothing: y % False is [].
    x, y = ts.constant([1, 2, 3]), ts.constant([0, 1])
    modes = both_modes(lambda a, b: a // b, x, y)
    assert_raises(modes["eager"], "InvalidArgumentError", "Incompatible shapes: [3] vs. [2]")
    assert_raises(modes["traced"], "ValueError", "Dimensions must be equal, but are 3 and 2")
    assert outcome(lambda: ts.constant([], ts.int32) % False) == ("value", "int32", [])


def test_OP_3_float_floor_modulo_keeps_tensorflows_signed_zero():
    # TF: tf.math.floormod(1.0, -1.0) -> 0.0 (NumPy gives -0.0); 5.5 % -2.0 -> -0.5
    result = ts.mod(ts.constant([1.0, 5.5]), ts.constant([-1.0, -2.0])).numpy()
    assert result.tolist() == [0.0, -0.5] and not np.signbit(result[0])


def test_OP_4_dtype_errors_read_as_tensorflows_in_each_mode():
    # TF: eager "Value for attr 'T' of bool is not in the list of allowed values: ..."; traced
    # "Value passed to parameter 'x' has DataType bool not in list of allowed values: ..."
    modes = both_modes(lambda x: ts.negative(x), ts.constant([True]))
    assert_raises(modes["eager"], "InvalidArgumentError",
                  "Value for attr 'T' of bool is not in the list of allowed values")
    assert_raises(modes["traced"], "TypeError",
                  "Value passed to parameter 'x' has DataType bool not in list of allowed values")


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        # TF: x = [10, 20, 30]; scalar int tensors and NumPy ints are indices and bounds
        (lambda: ts.constant(1), ("value", "int32", 20)),
        (lambda: slice(np.int64(1), None), ("value", "int32", [20, 30])),
        (lambda: slice(None, ts.constant(2)), ("value", "int32", [10, 20])),
        (lambda: np.array(1), ("value", "int32", 20)),
        # TF: "slice index -1 of dimension 0 out of bounds." for x[-4] (the index plus the dimension)
        (lambda: -4, ("InvalidArgumentError", "slice index -1 of dimension 0 out of bounds.")),
        (lambda: ts.constant(5), ("InvalidArgumentError", "slice index 5 of dimension 0 out of bounds.")),
        (lambda: [0, 1],
         ("InvalidArgumentError", "Index out of range using input dim 1; input has only 1 dims")),
        (lambda: (Ellipsis, Ellipsis),
         ("InvalidArgumentError", "Multiple ellipses in slice spec not allowed")),
        (lambda: slice(None, None, 0), ("InvalidArgumentError", "strides[0] must be non-zero")),
        (lambda: 1.0, ("TypeError", "Only integers, slices (`:`), ellipsis (`...`), ts.newaxis (`None`) and "
                                    "scalar ts.int32/ts.int64 tensors are valid indices, got 1.0")),
        (lambda: True, ("ValueError", "mask cannot be scalar.")),
    ],
)
def test_OP_5_indices_as_tensorflow_reads_them(index, expected):
    result = outcome(lambda: ts.constant([10, 20, 30])[index()])
    if expected[0] == "value":
        assert result == expected
    else:
        assert_raises(result, *expected)


def test_OP_5_a_tensor_index_is_checked_when_the_graph_runs():
    # TF: traced x[i] with i = tf.constant(5): InvalidArgumentError at run time, static shape ()
    pick = ts.function(lambda x, i: x[i])
    assert_tensor(pick(ts.constant([10, 20, 30]), ts.constant(2)), 30, ts.int32)
    with pytest.raises(InvalidArgumentError, match=r"slice index 5 of dimension 0 out of bounds"):
        pick(ts.constant([10, 20, 30]), ts.constant(5))


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        # TF, run time, static rank unknown (TensorSpec(None)) and the value of rank 1:
        (lambda x: ts.gather(x, [0], axis=1), "Shape must be at least rank 2 but is rank 1"),
        (lambda x: ts.reduce_sum(x, 1), "Invalid reduction dimension (1 for input with 1 dimension(s)"),
        (lambda x: x[0, 1], "Index out of range using input dim 1; input has only 1 dims"),
        (lambda x: ts.concat([x, x], 1),
         "ConcatOp : Expected concatenating dimensions in the range [-1, 1), but got 1"),
        (lambda x: ts.stack([x, x], 2), "axis = 2 not in [-2, 2)"),
        (lambda x: ts.reshape(x, [-1, -1]), "Only one input size may be -1, not both 0 and 1"),
    ],
)
def test_OP_6_kernels_check_what_static_shapes_could_not(fn, message):
    relaxed = ts.function(fn, input_signature=[ts.TensorSpec(None, ts.float32)])
    with pytest.raises(InvalidArgumentError, match=re.escape(message)):
        relaxed(ts.constant([1.0, 2.0]))


@pytest.mark.parametrize(
    ("fn", "spec", "message"),
    [
        # TF, at trace time:
        (lambda x: ts.reshape(x, [7]), [None, 3], "Dimension size must be evenly divisible by 3 but is 7"),
        (lambda x: ts.reduce_sum(x, 5), [2, 3], "Invalid reduction dimension 5 for input with 2 dimensions."),
        (lambda x: ts.matmul(x, ts.constant([1.0, 2.0])), None,
         "Shape must be at least rank 2 but is rank 1"),
        (lambda x: ts.range(5, 0, 1), [], "Requires start <= limit when delta > 0: 5/0"),
        (lambda x: ts.concat([x, x], 2), [2, 3], "Shape must be at least rank 3 but is rank 2"),
        (lambda x: ts.stack([x, ts.zeros([3])]), [2],
         "Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are [2] and [3]."),
        (lambda x: ts.fill([-1], x), [], "Fill dimensions must be >= 0"),
    ],
)
def test_OP_6_static_shapes_fail_at_trace_time_as_in_tensorflow(fn, spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        ts.function(fn).get_concrete_function(ts.TensorSpec(spec))


def test_OP_6_static_shapes_of_reductions_reshapes_and_joins():
    # TF: reduce_sum of an unknown rank -> (); reshape [-1, -1] -> (None, None); concat of an
    # unknown rank and (1, 3) -> (None, 3); stack of unknown and (2, 3) -> (2, 2, 3).
    seen = {}

    @ts.function(autograph=False)
    def static(x):
        seen["sum"] = ts.reduce_sum(x).shape
        seen["reshape"] = ts.reshape(x, [-1, -1]).shape
        seen["concat"] = ts.concat([x, ts.ones([1, 3])], 0).shape
        seen["stack"] = ts.stack([x, ts.ones([2, 3])]).shape
        return x

    static.get_concrete_function(ts.TensorSpec(None))
    assert seen == {"sum": [], "reshape": [None, None], "concat": [None, 3], "stack": [2, 2, 3]}


def test_OP_6_kernel_values_match_tensorflow():
    # TF: range(1, 2, 0.3) = start + i * delta -> [1, 1.3, 1.6000000238, 1.9000000954];
    # integer mean of [2147483647, 2, 1] -> 715827883 (no wrap); reshape of (0,) to [-1, 0] ->
    # shape (1, 0); reshape of (0, 2) to [0, -1] -> (0, 2); gather of (2, 0) with [5] -> (1, 0);
    # matmul batches: (2, 1, 3) @ (3, 2) -> (2, 1, 2); where(c) -> int64 coordinates.
    np.testing.assert_array_equal(ts.range(1, 2, 0.3).numpy(),
                                  np.float32(1) + np.arange(4, dtype=np.float32) * np.float32(0.3))
    assert ts.reduce_mean(ts.constant([2147483647, 2, 1])).numpy() == 715827883
    assert ts.reshape(ts.zeros([0]), [-1, 0]).shape == [1, 0]
    assert ts.reshape(ts.zeros([0, 2]), [0, -1]).shape == [0, 2]
    assert ts.gather(ts.zeros([2, 0]), [5]).shape == [1, 0]
    assert ts.matmul(ts.ones([2, 1, 3]), ts.ones([3, 2])).shape == [2, 1, 2]
    assert_tensor(ts.where(ts.constant([[True, False], [False, True]])), [[0, 0], [1, 1]], ts.int64)


def test_OP_6_creation_ops_of_every_dtype():
    # TF: ones([2], tf.bool) -> [True, True]; zeros([2], tf.string) -> [b'', b''];
    # fill([-1], 1.0) eagerly: "Dimension -1 must be >= 0"; reshape to [2.0]: "Value for attr
    # 'Tshape' of float is not in the list of allowed values: int32, int64"
    assert_tensor(ts.ones([2], ts.bool), [True, True], ts.bool)
    assert ts.zeros([2], ts.string).numpy().tolist() == [b"", b""]
    assert_raises(outcome(lambda: ts.fill([-1], 1.0)), "InvalidArgumentError", "Dimension -1 must be >= 0")
    assert_raises(outcome(lambda: ts.reshape(ts.zeros([2]), [2.0])), "InvalidArgumentError",
                  "Value for attr 'Tshape' of float is not in the list of allowed values: int32, int64")


def test_OP_6_cast_of_strings_fails_when_the_graph_runs_before_anything_else():
    # TF: tf.cast(string, tf.float32): eager UnimplementedError "Cast string to float is not
    # supported"; traced the trace succeeds (later Python effects happen) and the call fails
    # before the graph's tf.print runs.
    assert_raises(outcome(lambda: ts.cast(ts.constant("a"), ts.float32)), "UnimplementedError",
                  "Cast string to float is not supported")
    effects = []

    @ts.function
    def body(x):
        ts.py_function(lambda: effects.append("ran") or 0, [], ts.int32)
        y = ts.cast(x, ts.float32)
        effects.append("traced after the cast")
        return y

    with pytest.raises(ts.errors.UnimplementedError, match="Cast string to float is not supported"):
        body(ts.constant("a"))
    assert effects == ["traced after the cast"]


def test_TENSOR_4_python_conversions_of_eager_tensors_follow_tensorflow():
    # TF: bool(tf.zeros([0])) -> False; bool of two elements -> ValueError "The truth value of an
    # array with more than one element is ambiguous. ..."; int() of a vector -> TypeError;
    # range(tf.constant(2.0)) -> AttributeError "'numpy.float32' object has no attribute '__index__'"
    assert bool(ts.zeros([0])) is False and bool(ts.constant([1])) is True
    with pytest.raises(ValueError, match=r"The truth value of an array with more than one element"):
        bool(ts.constant([True, False]))
    with pytest.raises(TypeError, match="only 0-dimensional arrays can be converted to Python scalars"):
        int(ts.constant([1, 2]))
    with pytest.raises(AttributeError,
                       match=re.escape("'numpy.float32' object has no attribute '__index__'")):
        range(ts.constant(2.0))
    assert list(range(ts.constant(2))) == [0, 1]


# python_value_dtypes="jax-x64", type_promotion="jax-strict": every expected value below is what
# JAX 0.10.2 gives under jax_enable_x64 and jax_numpy_dtype_promotion="strict" (adapters/jax.py's
# session), eagerly and under jit alike.
JAX_DTYPES = policies.Policies(python_value_dtypes="jax-x64", type_promotion="jax-strict")


def _under_jax_dtypes(make, eager):
    with policies.using(JAX_DTYPES):
        return make() if eager else ts.function(make)()


@pytest.mark.parametrize(("make", "dtype", "value"), [
    (lambda: ts.constant(1), "int64", 1), (lambda: ts.constant(1.5), "float64", 1.5),
    (lambda: ts.constant(True), "bool", True), (lambda: ts.constant([1, 2.5]), "float64", [1.0, 2.5]),
    (lambda: ts.constant([]), "float64", []), (lambda: ts.constant(2**31), "int64", 2**31),
    (lambda: ts.constant(1e40), "float64", 1e40), (lambda: ts.constant((1, 2)), "int64", [1, 2]),
    (lambda: ts.constant(1.5, ts.int32), "int32", 1), (lambda: ts.constant(1, ts.bool), "bool", True),
    (lambda: ts.constant(True, ts.int32), "int32", 1),
    (lambda: ts.constant([1, 2.5], ts.int32), "int32", [1, 2]),
    (lambda: ts.constant(1e40, ts.float32), "float32", np.inf),
    (lambda: ts.fill([2], 1), "int64", [1, 1]), (lambda: ts.range(3), "int64", [0, 1, 2]),
    (lambda: ts.range(0, 3, 0.5), "float64", [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_1_jax_x64_python_values_convert_to_jax_dtypes(make, dtype, value, eager):
    tensor = _under_jax_dtypes(make, eager)
    assert tensor.dtype.name == dtype and tensor.numpy().tolist() == value


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: ts.constant(2**63), OverflowError,
     "Python int 9223372036854775808 too large to convert to int64"),
    (lambda: ts.constant(2**31, ts.int32), OverflowError,
     "Python integer 2147483648 out of bounds for int32"),
    (lambda: ts.constant([True, 1]), ValueError, "have no available implicit dtype promotion path"),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_1_jax_x64_refuses_what_jax_refuses(make, error, message, eager):
    with pytest.raises(error, match=re.escape(message)):
        _under_jax_dtypes(make, eager)


_I32 = lambda: ts.constant([1, 2], ts.int32)  # noqa: E731
_F32 = lambda: ts.constant([1.0, 2.0], ts.float32)  # noqa: E731
_I64 = lambda: ts.constant([3, 4], ts.int64)  # noqa: E731
_B = lambda: ts.constant([True, False])  # noqa: E731


@pytest.mark.parametrize(("make", "dtype", "value"), [
    (lambda: ts.subtract(1, _F32()), "float32", [0.0, -1.0]), (lambda: 1 + _F32(), "float32", [2.0, 3.0]),
    (lambda: _B() + True, "bool", [True, True]), (lambda: _I32() + 2**40, "int32", [1, 2]),
    (lambda: _I32() + (-2**31 - 1), "int32", [-2147483648, -2147483647]),
    (lambda: ts.add(1, 2), "int64", 3), (lambda: ts.add(1, 2.5), "float64", 3.5),
    (lambda: ts.add(True, True), "bool", True), (lambda: _I32() ** 2, "int32", [1, 4]),
    (lambda: ts.where(_B(), _I32(), 7), "int32", [1, 7]), (lambda: ts.where(_B(), 1, 2), "int64", [1, 2]),
    (lambda: ts.stack([1, 2.5]), "float64", [1.0, 2.5]),
    (lambda: ts.stack([_F32()[0], 2]), "float32", [1.0, 2.0]),
    (lambda: ts.logical_and(_B(), True), "bool", [True, False]), (lambda: _F32() % 2, "float32", [1.0, 0.0]),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_2_jax_strict_python_operands_adopt_a_dtype_of_their_kind(make, dtype, value, eager):
    tensor = _under_jax_dtypes(make, eager)
    assert tensor.dtype.name == dtype and tensor.numpy().tolist() == value


@pytest.mark.parametrize("make", [
    lambda: _I32() + _F32(), lambda: _F32() + ts.constant([1.0, 2.0], ts.float64), lambda: _I32() + _I64(),
    lambda: _I32() + 1.5, lambda: 1.5 + _I32(), lambda: _F32() + True, lambda: ts.add(True, 1),
    lambda: _I32() // 2.0, lambda: _I32() ** 2.0, lambda: ts.pow(_I32(), _I64()),
    lambda: ts.where(_B(), _I32(), 7.0), lambda: ts.where(_B(), _I32(), _F32()), lambda: _I32() == 1.0,
    lambda: _I32() > _F32(), lambda: ts.logical_and(_B(), _I32()), lambda: ts.logical_and(_B(), 1),
    lambda: ts.concat([_I32(), _F32()], 0), lambda: ts.stack([True, 1]), lambda: _B() * _I32(),
    lambda: ts.matmul(ts.reshape(_I32(), [1, 2]), ts.reshape(_F32(), [2, 1])),
    lambda: _F32() + np.array([1.0, 2.0]), lambda: _F32() + np.float64(1), lambda: _I32() + np.int64(1),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_2_jax_strict_refuses_with_a_type_promotion_error_in_both_modes(make, eager):
    # JAX: TypePromotionError (a ValueError) "Input dtypes ('int32', 'float32') have no available
    # implicit dtype promotion path when jax_numpy_dtype_promotion=strict. ...", the pair in any order.
    with pytest.raises(ValueError, match="have no available implicit dtype promotion path when "
                                         "jax_numpy_dtype_promotion=strict") as raised:
        _under_jax_dtypes(make, eager)
    assert type(raised.value).__name__ == "TypePromotionError"


@pytest.mark.parametrize(("make", "message"), [
    (lambda: ts.add(_I32(), [1, 2]),
     "add requires ndarray or scalar arguments, got <class 'list'> at position 1."),
    (lambda: ts.concat([_I32(), [1, 2]], 0),
     "concat requires ndarray or scalar arguments, got <class 'list'> at position 1."),
    (lambda: _F32() * [1.0, 2.0], "unsupported operand type(s) for *: "),
    (lambda: [1.0, 2.0] * _F32(), "unsupported operand type(s) for *: 'list' and "),
    (lambda: _F32() + None, "unsupported operand type(s) for +: "),
    (lambda: None + _F32(), "unsupported operand type(s) for +: 'NoneType' and "),
    (lambda: _F32() < [1.0, 2.0], "'<' not supported between instances of "),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_2_jax_strict_ops_take_no_lists_or_none(make, message, eager):
    with pytest.raises(TypeError, match=re.escape(message)):
        _under_jax_dtypes(make, eager)


def test_TENSOR_2_jax_strict_equality_with_what_no_operator_takes_is_false():
    with policies.using(JAX_DTYPES):
        assert (_F32() == "a") is False and (_F32() != None) is True  # noqa: E711


@pytest.mark.parametrize(("make", "dtype", "value"), [
    (lambda: _I32() / _I32(), "float32", [1.0, 1.0]), (lambda: _I32() / 2, "float32", [0.5, 1.0]),
    (lambda: 2 / _I32(), "float32", [2.0, 1.0]), (lambda: ts.divide(1, _I32()), "float32", [1.0, 0.5]),
    (lambda: _I64() / _I64(), "float64", [1.0, 1.0]), (lambda: _I64() / 2, "float64", [1.5, 2.0]),
    (lambda: _B() / _B(), "float32", [1.0, np.nan]),
])
@pytest.mark.parametrize("eager", [True, False])
def test_OP_3_jax_x64_true_division_dtypes(make, dtype, value, eager):
    tensor = _under_jax_dtypes(make, eager)
    assert tensor.dtype.name == dtype
    np.testing.assert_array_equal(tensor.numpy(), value)


@pytest.mark.parametrize(("make", "dtype", "value"), [
    (lambda: ts.sqrt(_I32()), "float32", [1.0, 1.4142135]),
    (lambda: ts.sqrt(_I64()), "float64", [1.7320508075688772, 2.0]),
    (lambda: ts.sqrt(_B()), "float32", [1.0, 0.0]), (lambda: ts.exp(_B()), "float32", [2.7182817, 1.0]),
    (lambda: ts.log(_I32()), "float32", [0.0, 0.6931472]), (lambda: ts.sqrt(4), "float64", 2.0),
    (lambda: _B() + _B(), "bool", [True, False]), (lambda: _B() * _B(), "bool", [True, False]),
])
@pytest.mark.parametrize("eager", [True, False])
def test_OP_4_jax_x64_float_ops_of_integers_and_bool_arithmetic(make, dtype, value, eager):
    tensor = _under_jax_dtypes(make, eager)
    assert tensor.dtype.name == dtype
    np.testing.assert_allclose(tensor.numpy(), value, rtol=1e-6)


@pytest.mark.parametrize(("make", "dtype", "value"), [
    (lambda: ts.reduce_sum(_I32()), "int64", 3), (lambda: ts.reduce_sum(_B()), "int64", 1),
    (lambda: ts.reduce_sum(ts.constant([2**31 - 1, 1], ts.int32)), "int64", 2**31),
    (lambda: ts.reduce_sum(_I64()), "int64", 7), (lambda: ts.reduce_sum(_F32()), "float32", 3.0),
    (lambda: ts.reduce_mean(ts.constant([1, 2, 4], ts.int32)), "float32", 2.3333335),
    (lambda: ts.reduce_mean(ts.constant([-1, -2], ts.int32)), "float32", -1.5),
    (lambda: ts.reduce_mean(_B()), "float32", 0.5), (lambda: ts.reduce_mean(_I64()), "float64", 3.5),
    (lambda: ts.reduce_max(_I32()), "int32", 2),
])
@pytest.mark.parametrize("eager", [True, False])
def test_OP_6_jax_x64_reduction_dtypes(make, dtype, value, eager):
    tensor = _under_jax_dtypes(make, eager)
    assert tensor.dtype.name == dtype
    np.testing.assert_allclose(tensor.numpy(), value, rtol=1e-6)


def test_TENSOR_2_jax_standard_promotion_is_not_implemented_yet():
    message = "does not implement type_promotion='jax-standard' yet"
    with pytest.raises(NotImplementedError, match=re.escape(message)):
        policies.Policies(type_promotion="jax-standard")


# python_value_dtypes="jax-x32": every expected value below is what JAX 0.10.2 gives without
# jax_enable_x64 (jax_numpy_dtype_promotion="strict"), probed eagerly and under jit.
JAX_X32 = policies.Policies(python_value_dtypes="jax-x32", type_promotion="jax-strict")


@pytest.mark.parametrize(("make", "dtype", "value"), [
    (lambda: ts.constant(1), "int32", 1), (lambda: ts.constant(1.5), "float32", 1.5),
    (lambda: ts.constant([]), "float32", []), (lambda: ts.constant(-(2**31)), "int32", -(2**31)),
    (lambda: ts.constant(1, ts.int64), "int32", 1),
    (lambda: ts.constant(1.5, ts.float64), "float32", 1.5),
    (lambda: ts.constant(np.array([2**40])), "int32", [0]),
    (lambda: ts.constant(np.int64(2**40)), "int32", 0),
    (lambda: ts.constant(np.array([1e300])), "float32", [np.inf]),
    (lambda: ts.constant(1e300), "float32", np.inf),
    (lambda: ts.constant(np.float64(1.5)), "float32", 1.5),
    (lambda: ts.zeros([2], ts.int64), "int32", [0, 0]),
    (lambda: ts.cast(ts.constant([1, 2]), ts.int64), "int32", [1, 2]),
    (lambda: ts.reduce_sum(ts.constant([1, 2])), "int32", 3),
    (lambda: ts.reduce_sum(ts.constant([True, False])), "int32", 1),
    (lambda: ts.reduce_mean(ts.constant([1, 2])), "float32", 1.5),
    (lambda: ts.constant([1, 2]) / ts.constant([2, 2]), "float32", [0.5, 1.0]),
    (lambda: ts.sqrt(ts.constant(4)), "float32", 2.0), (lambda: ts.range(3), "int32", [0, 1, 2]),
    (lambda: ts.range(3.0), "float32", [0.0, 1.0, 2.0]), (lambda: ts.fill([2], 1), "int32", [1, 1]),
    (lambda: ts.constant(True) + ts.constant(True), "bool", True),
    (lambda: ts.where(ts.constant(True), 3.0, 0), "float32", 3.0),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_1_jax_x32_has_no_64_bit_dtypes(make, dtype, value, eager):
    with policies.using(JAX_X32):
        tensor = make() if eager else ts.function(make)()
        assert tensor.dtype.name == dtype
        np.testing.assert_array_equal(tensor.numpy(), value)
        assert tensor.dtype != ts.int64 and tensor.dtype != ts.float64


@pytest.mark.parametrize(("make", "message"), [
    (lambda: ts.constant(2**31), "Python int 2147483648 too large to convert to int32"),
    (lambda: ts.constant([1, 2**31]), "Python integer 2147483648 out of bounds for int32"),
    (lambda: ts.constant(2**40, ts.int64), "Python integer 1099511627776 out of bounds for int32"),
    (lambda: ts.constant(1) + 2**31, "An overflow was encountered while parsing an argument to a jitted "
                                     "computation, whose argument path is y. Got <class 'int'> with value "
                                     "2147483648"),
])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_1_jax_x32_ints_beyond_int32_overflow(make, message, eager):
    with policies.using(JAX_X32), pytest.raises(OverflowError, match=re.escape(message)):
        make() if eager else ts.function(make)()


def test_TRACE_4_jax_x32_weak_scalar_arguments_are_32_bit():
    # JAX 0.10.2 without x64: jit(f)(1) is an int32 weak array, jit(f)(2**31) an OverflowError
    with policies.using(dataclasses.replace(JAX_X32, python_scalar_arguments="weak-tensor")):
        f = ts.function(lambda x: x)
        assert f(1).dtype == ts.int32 and f(1.5).dtype == ts.float32
        spec = ts.TensorSpec([2], ts.int64)
        assert spec.dtype == ts.int32
        assert f.get_concrete_function(spec).structured_outputs.dtype == ts.int32
        with pytest.raises(OverflowError, match=re.escape("path is x. Got <class 'int'> with value 2147")):
            f(2**31)


@pytest.mark.parametrize("array", [np.zeros([0]), np.zeros([0], np.int32), np.zeros([2, 0]),
                                   np.zeros([0], bool)])
def test_TENSOR_1_an_empty_numpy_array_converts_to_string(array):
    # TF 2.21: no element to refuse, so tf.constant(np.zeros([0]), dtype=tf.string) is an empty string tensor
    tensor = ts.constant(array, dtype=ts.string)
    assert tensor.dtype == ts.string and tensor.shape == array.shape


@pytest.mark.parametrize(("shape", "index"), [([], 0), ([2], 5), ([2], -2), ([None, 3], 2)])
@pytest.mark.parametrize("eager", [True, False])
def test_TENSOR_4_an_index_beyond_a_known_rank_is_an_index_error(shape, index, eager):
    # TF 2.21: tf.TensorShape([])[0], tf.TensorShape([2])[5] and [-2] raise
    # IndexError("tuple index out of range")
    if eager:
        with pytest.raises(IndexError, match=r"^tuple index out of range$"):
            ts.TensorShape(shape)[index]
    else:
        f = ts.function(lambda x: x.shape[index], autograph=False)
        with pytest.raises(IndexError, match=r"^tuple index out of range$"):
            f.get_concrete_function(ts.TensorSpec(shape, ts.float32))
    assert ts.TensorShape(None)[index] is None
