"""Chapter 2: tracing and the cache (rules TRACE-1..15).

Side effects are captured with plain lists; ``ts.print`` with a ``StringIO``;
the retracing warning with ``caplog`` on the ``tracespec`` logger.
"""

from __future__ import annotations

import collections
import io
import logging
import re
import weakref

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.reference import policies

InvalidArgumentError = ts.errors.InvalidArgumentError


def count_traces(fn, calls, **options):
    """Call a fresh ``ts.function(fn)`` with each argument tuple; return its tracing count."""
    f = ts.function(fn, **options)
    for args in calls:
        f(*args)
    return f.experimental_get_tracing_count()


def identity(x):
    return x


def static_shape(tensor):
    """A tensor's static shape as a tuple (``None`` for unknown dimensions), or ``None``."""
    shape = tensor.shape
    if shape is None or getattr(shape, "rank", 0) is None:
        return None
    return tuple(shape)


# --------------------------------------------------------------------------------------
# TRACE-1: the Python body runs only while tracing
# --------------------------------------------------------------------------------------

def test_TRACE_1_python_body_runs_once_per_new_trace():
    runs = []

    @ts.function
    def f(x):
        runs.append(x)
        return x

    f(1)
    f(1)
    f(2)
    assert runs == [1, 2]
    f(ts.constant(3))
    f(ts.constant(4))
    assert len(runs) == 3
    assert str(runs[2]) == 'Tensor("x:0", shape=(), dtype=int32)'
    assert f.experimental_get_tracing_count() == 3


def test_TRACE_1_the_tracing_call_also_executes_the_new_graph():
    stream = io.StringIO()
    runs = []

    @ts.function
    def f(x):
        runs.append("body")
        ts.print("executed", x, output_stream=stream)
        return x * 10

    result = f(ts.constant(4))
    assert runs == ["body"]
    assert stream.getvalue() == "executed 4\n"
    assert int(result) == 40
    assert type(result).__name__ == "EagerTensor"
    result = f(ts.constant(5))
    assert runs == ["body"]
    assert stream.getvalue() == "executed 4\nexecuted 5\n"
    assert int(result) == 50


# --------------------------------------------------------------------------------------
# TRACE-2: get_concrete_function traces without executing
# --------------------------------------------------------------------------------------

def test_TRACE_2_get_concrete_function_traces_but_runs_nothing():
    stream = io.StringIO()
    runs = []

    @ts.function
    def f(x):
        runs.append("body")
        ts.print("executed", output_stream=stream)
        return x + 1

    concrete = f.get_concrete_function(ts.TensorSpec([], ts.int32))
    assert runs == ["body"]
    assert stream.getvalue() == ""
    assert f.experimental_get_tracing_count() == 1
    # a later matching call reuses the trace: no Python effect, the graph runs
    assert int(f(ts.constant(1))) == 2
    assert runs == ["body"]
    assert stream.getvalue() == "executed\n"
    # the concrete function itself executes the graph
    assert int(concrete(ts.constant(5))) == 6
    assert stream.getvalue() == "executed\nexecuted\n"
    assert f.experimental_get_tracing_count() == 1


def test_TRACE_2_get_concrete_function_accepts_values_and_reuses_traces():
    runs = []

    @ts.function
    def f(x, n):
        runs.append(n)
        return x * n

    first = f.get_concrete_function(ts.constant([1.0, 2.0]), 3)
    again = f.get_concrete_function(ts.TensorSpec([2], ts.float32), 3)
    assert runs == [3]
    assert f.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(first(ts.constant([1.0, 1.0]), 3).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(again(ts.constant([2.0, 2.0]), 3).numpy(), [6.0, 6.0])


EXACT = policies.Policies(relaxed_shapes="exact")


def test_TRACE_2_exact_a_trace_serves_only_its_own_exact_type():
    # JAX 0.10.2: jitted.trace(ShapeDtypeStruct((d0,))) traces with a symbolic dimension, and a
    # later call with shape (2,) traces again; trace((2,)) is the trace a (2,) call uses.
    seen = []

    @ts.function
    def f(x):
        seen.append(x.shape.as_list())
        return x + 1.0

    with policies.using(EXACT):
        f.get_concrete_function(ts.TensorSpec([None], ts.float32))
        f(ts.constant([1.0, 2.0]))
        f(ts.constant([1.0, 2.0]))
        f(ts.constant([1.0, 2.0, 3.0]))
        f.get_concrete_function(ts.TensorSpec([3], ts.float32))
    assert seen == [[None], [2], [3]] and f.experimental_get_tracing_count() == 3
    f(ts.constant([5.0]))  # under TensorFlow's option the relaxed trace serves it
    assert seen == [[None], [2], [3]]


def test_TRACE_2_get_concrete_function_with_input_signature_needs_no_arguments():
    # TF 2.21: f.get_concrete_function() traces the pinned signature
    runs = []
    f = ts.function(lambda x: runs.append("body") or x * 2,
                    input_signature=[ts.TensorSpec([None], ts.int32)])
    concrete = f.get_concrete_function()
    assert runs == ["body"]
    assert f.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(concrete(ts.constant([1, 2])).numpy(), [2, 4])
    f.get_concrete_function(ts.TensorSpec([None], ts.int32))
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match=r"Can not cast TensorSpec\(shape=\(None,\), dtype=ts\.float32"):
        f.get_concrete_function(ts.TensorSpec([None], ts.float32))
    assert runs == ["body"]


# --------------------------------------------------------------------------------------
# TRACE-3: tensors keyed by dtype and shape
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        ([ts.constant(1), ts.constant(2)], 1),
        ([ts.constant([1, 2]), ts.constant([1, 2, 3])], 2),
        ([ts.constant(1), ts.constant(1.0)], 2),
        ([ts.constant([[1, 2]]), ts.constant([1, 2])], 2),
        ([ts.constant(1), ts.constant(1, dtype=ts.int64)], 2),
        ([np.array([1, 2]), np.array([3, 4])], 1),
        ([np.float32(1), np.float32(2)], 1),
        ([np.array([1, 2], np.int32), ts.constant([5, 6])], 1),
        ([np.array([1, 2]), ts.constant([5, 6])], 2),  # int64 NumPy vs int32 tensor
        ([np.float64(1.5), ts.constant(1.5, dtype=ts.float64)], 1),
        ([ts.zeros([0]), ts.zeros([0]), ts.zeros([1])], 2),
    ],
    ids=["values", "shapes", "dtypes", "ranks", "int widths", "numpy values", "numpy scalars",
         "numpy vs tensor", "numpy int64 vs tensor int32", "numpy scalar vs tensor", "empty"],
)
def test_TRACE_3_tensors_keyed_by_dtype_and_shape(calls, expected):
    assert count_traces(identity, [(value,) for value in calls]) == expected


def test_TRACE_3_the_trace_sees_a_placeholder_not_the_value():
    seen = []

    @ts.function
    def f(x):
        seen.append((tuple(x.shape), x.dtype, hasattr(x, "numpy")))
        return x * 2

    assert int(f(ts.constant(3))) == 6
    assert int(f(ts.constant(7))) == 14
    assert float(f(np.float32(1.5))) == 3.0
    assert seen == [((), ts.int32, False), ((), ts.float32, False)]


# --------------------------------------------------------------------------------------
# TRACE-4: Python literals keyed by ==
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 1], 1),
        ([1, 2], 2),
        ([1, 1.0, True], 1),
        ([0, False, 0.0, -0.0], 1),
        (["a", "a", "b"], 2),
        ([None, None], 1),
        ([None, 0], 2),
        ([1, "1"], 2),
        ([b"a", "a"], 2),
        ([float("nan"), float("nan")], 1),
        ([1.5, 1.5, 2.5], 2),
    ],
    ids=["same", "different", "1 == 1.0 == True", "zeros", "strings", "None", "None vs 0",
         "int vs str", "bytes vs str", "nan", "floats"],
)
def test_TRACE_4_literals_share_trace_by_equality(values, expected):
    assert count_traces(identity, [(v,) for v in values]) == expected


def test_TRACE_4_the_first_traced_literal_is_baked_in():
    @ts.function
    def lit(x):
        return ts.constant(x)

    # TF 2.21: lit(1) then lit(1.0) and lit(True) all return the traced int32 1
    for value in (1, 1.0, True):
        result = lit(value)
        assert result.dtype == ts.int32
        assert int(result) == 1
    assert lit.experimental_get_tracing_count() == 1

    @ts.function
    def lit2(x):
        return x

    for value in (True, 1, 1.0):
        result = lit2(value)
        assert result.dtype == ts.bool
        assert bool(result) is True


def test_TRACE_4_the_body_sees_the_python_value_itself():
    seen = []

    @ts.function
    def f(n, label):
        seen.append((n, type(n), label))
        return ts.constant(n) * 2

    assert int(f(3, "x")) == 6
    assert seen == [(3, int, "x")]


def test_TRACE_4_eager_would_use_each_value_own_dtype():
    @ts.function
    def lit(x):
        return ts.constant(x)

    lit(1)
    ts.config.run_functions_eagerly(True)
    assert lit(1.0).dtype == ts.float32
    assert lit(True).dtype == ts.bool


WEAK = policies.Policies(python_scalar_arguments="weak-tensor")  # JAX's option (TRACE-4)
JAX_ARGUMENTS = policies.Policies(python_scalar_arguments="weak-tensor", symbolic_bool="error",
                                  non_tensor_arguments="error", argument_binding="as-passed")
# The default int and float of a weak scalar are python_value_dtypes' (TENSOR-1): int32 and float32
# under "tf", as JAX without x64 (p1_scalars.x32); JAX under x64 has int64 and float64.


def test_TRACE_4_weak_tensor_scalars_are_keyed_by_dtype_not_value():
    # JAX 0.10.2: jit(body)(x, p) for True, False, np.bool_(True), 1, 2, a weak array, np.int32(1),
    # 1.0, nan, -0.0 traces 4 times; the body sees bool[], ~int[], int32[], ~float[]
    seen = []

    @ts.function
    def f(x, p):
        seen.append((p.dtype, p.weak, p.shape.as_list()))
        return p

    x = ts.constant(1.0)
    with policies.using(WEAK):
        weak_three = ts.function(lambda p: p)(3)
        for p in (True, False, np.bool_(True), 1, 2, weak_three, np.int32(1), 1.0, float("nan"), -0.0):
            f(x, p)
    assert f.experimental_get_tracing_count() == 4
    assert seen == [(ts.bool, False, []), (ts.int32, True, []), (ts.int32, False, []), (ts.float32, True, [])]


def test_TRACE_4_weak_tensor_scalars_return_as_weak_tensors_that_share_the_key():
    # JAX 0.10.2: jit(lambda p: p * 2)(3) is a weak array 6; k(1) then k(that) trace once, a strong
    # np.int64(1) traces again; inner called from outer(1) is then a hit for inner(5)
    with policies.using(WEAK):
        doubled = ts.function(lambda p: p * 2)(3)
        k = ts.function(identity)
        k(1); k(doubled); k(np.int64(1))  # noqa: E702
        inner = ts.function(lambda p: p + 1)
        outer = ts.function(lambda p: inner(p))
        outer(1); inner(5)  # noqa: E702
    assert (int(doubled), doubled.dtype, doubled.weak) == (6, ts.int32, True)
    assert k.experimental_get_tracing_count() == 2
    assert inner.experimental_get_tracing_count() == 1


def test_TRACE_4_weak_tensor_scalars_take_the_other_operand_dtype():
    # JAX 0.10.2 (strict): float32 * p and p / float32 are float32 for p=3; int32 + p for p=1.5 is a
    # TypePromotionError; p + 1.5 is a weak float, p * 2 a weak int, p > 0 a weak bool; True + float32
    # is an error (a bool is not weak)
    with policies.using(WEAK):
        assert ts.function(lambda p: ts.constant(2.0) * p)(3).dtype == ts.float32
        assert ts.function(lambda p: p / ts.constant(2.0))(3).dtype == ts.float32
        assert ts.function(lambda p: 2.0 * p)(3).dtype == ts.float32
        results = ts.function(lambda p: (p + 1.5, p * 2, p > 0, -p))(1)
        with pytest.raises(TypeError):
            ts.function(lambda p: ts.constant(1) + p)(1.5)
        with pytest.raises(TypeError):
            ts.function(lambda p: ts.constant(1.0) + p)(True)
    assert [(r.dtype, r.weak) for r in results] == [(ts.float32, True), (ts.int32, True), (ts.bool, True),
                                                    (ts.int32, True)]
    assert [r.numpy().item() for r in results] == [2.5, 2, True, -1]


@pytest.mark.parametrize(("body", "error"), [
    (lambda p: 1 if p else 0, ts.errors.OperatorNotAllowedInGraphError),
    (lambda p: 1 if p == 0 else 0, ts.errors.OperatorNotAllowedInGraphError),
    (lambda p: int(p), TypeError), (lambda p: list(range(p)), TypeError),
], ids=["if", "==", "int", "range"])
def test_TRACE_4_weak_tensor_scalars_have_no_python_value_while_tracing(body, error):
    # JAX 0.10.2: TracerBoolConversionError, ConcretizationTypeError and TracerIntegerConversionError
    # (TypeErrors) while tracing jit(body)(1); nothing is cached
    f = ts.function(body)
    with policies.using(JAX_ARGUMENTS), pytest.raises(error):
        f(1)
    assert f.experimental_get_tracing_count() == 0


def test_TRACE_4_weak_tensor_an_int_must_fit_the_default_int():
    # JAX 0.10.2 (x32: the limit is 2**31; x64: 2**63): OverflowError at the call, before the body
    # runs, naming the argument's path
    runs = []

    @ts.function
    def f(x, p):
        runs.append(1)
        return x

    x = ts.constant(1.0)
    with policies.using(JAX_ARGUMENTS):
        with pytest.raises(OverflowError, match=r"^An overflow was encountered while parsing an argument "
                                                r"to a jitted computation, whose argument path is p\. Got "
                                                r"<class 'int'> with value 2147483648$"):
            f(x, 2**31)
        with pytest.raises(OverflowError, match=r"argument path is p\[1\]\. Got <class 'int'> with value "
                                                r"-2147483649$"):
            f(x, p=[1, -(2**31) - 1])
        f(x, [2**31 - 1, -(2**31)])
    assert runs == [1] and f.experimental_get_tracing_count() == 1


def test_TRACE_4_weak_tensor_containers_hold_weak_scalars():
    # JAX 0.10.2: jit(body)(x, [1, 2.5, True]) sees [~int[], ~float[], bool[]]; [3, 0.5, False] is a hit
    seen = []

    @ts.function
    def f(p):
        seen.append([(v.dtype, v.weak) for v in p])
        return p[0] + p[1]

    with policies.using(WEAK):
        assert float(f([1, 2.5, True])) == 3.5
        assert float(f([3, 0.5, False])) == 3.5
    assert seen == [[(ts.int32, True), (ts.float32, True), (ts.bool, False)]]


def test_TRACE_4_weak_tensor_scalars_pass_unchanged_under_the_eager_switch():
    # JAX 0.10.2: under disable_jit, jit(lambda p: p)(3) returns the Python int 3
    seen = []

    @ts.function
    def f(p):
        seen.append(p)
        return p

    with policies.using(WEAK):
        ts.config.run_functions_eagerly(True)
        try:
            result = f(3)
        finally:
            ts.config.run_functions_eagerly(False)
    assert result == 3 and type(result) is int and seen == [3]
    assert f.experimental_get_tracing_count() == 0


def test_TRACE_4_weak_tensor_an_omitted_default_stays_a_python_value():
    # JAX 0.10.2, def d(x, p=1): d(x) sees the int 1; d(x, 1) and d(x, p=1) see tracers (3 traces);
    # `if p:` works only in the first
    seen = []

    @ts.function
    def d(x, p=1):
        seen.append(type(p).__name__)
        return x + p

    x = ts.constant(1.0)
    with policies.using(JAX_ARGUMENTS):
        results = [float(d(x)), float(d(x, 1)), float(d(x, p=1))]
    assert results == [2.0, 2.0, 2.0]
    assert seen == ["int", "SymbolicTensor", "SymbolicTensor"]


# --------------------------------------------------------------------------------------
# TRACE-5: containers
# --------------------------------------------------------------------------------------

Point = collections.namedtuple("Point", "a b")


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        ([[1, 2], [1, 2]], 1),
        ([[1, 2], [2, 1]], 2),
        ([[1, 2], (1, 2)], 2),
        ([(1, 2), Point(1, 2)], 2),
        ([{1: 2, 3: 4}, {3: 4, 1: 2}], 1),
        ([{"a": 1}, {"b": 1}], 2),
        ([{"a": 1}, {"a": 2}], 2),
        ([[ts.constant(1)], [ts.constant(5)]], 1),
        ([[ts.constant(1)], [ts.constant(1), ts.constant(1)]], 2),
        ([[ts.constant(1)], [ts.constant(1.0)]], 2),
        ([{"a": ts.constant(1)}, {"a": ts.constant(2)}], 1),
        ([[[1]], [[1]], [[2]]], 2),
        ([[], ()], 2),
        ([[np.float32(1)], [np.float32(2)]], 1),
    ],
    ids=["fresh equal lists", "order", "list vs tuple", "tuple vs namedtuple",
         "dict order", "dict keys", "dict values", "tensor items", "length",
         "item dtype", "dict of tensors", "nested", "empty list vs tuple", "numpy items"],
)
def test_TRACE_5_containers_keyed_by_structure_and_item_types(calls, expected):
    assert count_traces(identity, [(value,) for value in calls]) == expected


def test_TRACE_5_container_arguments_reach_the_body_with_placeholders():
    seen = []

    @ts.function
    def f(pair, table):
        seen.append((type(pair), type(table), sorted(table)))
        return pair.a + table["k"] * pair.b

    point = Point(ts.constant(1), 2)
    assert int(f(point, {"k": ts.constant(10)})) == 21
    assert int(f(Point(ts.constant(3), 2), {"k": ts.constant(1)})) == 5
    assert seen == [(Point, dict, ["k"])]


PYTREES = policies.Policies(non_tensor_arguments="error")  # JAX's option (TRACE-5, TRACE-6, TRACE-14)
AS_PASSED = policies.Policies(argument_binding="as-passed")  # JAX's option (TRACE-7)
BOTH = policies.Policies(non_tensor_arguments="error", argument_binding="as-passed")  # JAX's


def test_TRACE_5_pytrees_give_and_return_dicts_in_sorted_key_order():
    # JAX 0.10.2: the body of jit(g) sees {'b': 1, 'a': 2} as ['a', 'b'], both insertion orders share
    # a trace, and a returned dict comes back sorted (nested ones too); under disable_jit it comes
    # back as built.
    seen = []

    @ts.function
    def g(d):
        seen.append(list(d))
        return [{"b": d["a"], "a": d["b"], "c": {"z": d["a"], "y": 1}}]

    with policies.using(PYTREES):
        first = g({"b": ts.constant(1.0), "a": ts.constant(2)})
        g({"a": ts.constant(3), "b": ts.constant(4.0)})
        ts.config.run_functions_eagerly(True)
        try:
            eager = g({"b": ts.constant(1.0), "a": ts.constant(2)})
        finally:
            ts.config.run_functions_eagerly(False)
    assert seen == [["a", "b"], ["b", "a"]]
    assert g.experimental_get_tracing_count() == 1
    assert list(first[0]) == ["a", "b", "c"] and list(first[0]["c"]) == ["y", "z"]
    assert list(eager[0]) == ["b", "a", "c"] and list(eager[0]["c"]) == ["z", "y"]


def test_TRACE_5_pytree_dict_keys_must_sort():
    f = ts.function(identity)
    with policies.using(PYTREES):
        # JAX 0.10.2: "Comparator raised exception while sorting pytree dictionary keys."
        with pytest.raises(ValueError, match=r"^Comparator raised exception while sorting pytree "
                                             r"dictionary keys\.$"):
            f({1: ts.constant(1), "a": ts.constant(2)})
        assert f({3: ts.constant(1), 1: ts.constant(2)}) is not None  # ints sort
    assert f.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# TRACE-6: other objects
# --------------------------------------------------------------------------------------

class Scale:
    def __init__(self, factor):
        self.factor = factor


class Key:
    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Key) and other.value == self.value

    def __hash__(self):
        return hash(self.value)


class Unhashable:
    __hash__ = None


def test_TRACE_6_same_object_reuses_the_trace_even_when_mutated():
    @ts.function
    def apply(model, x):
        return x * model.factor

    model = Scale(2.0)
    x = ts.constant(1.0)
    assert float(apply(model, x)) == 2.0
    model.factor = 5.0
    assert float(apply(model, x)) == 2.0  # stale: the attribute was read at trace time
    assert apply.experimental_get_tracing_count() == 1
    assert float(apply(Scale(3.0), x)) == 3.0  # a new, unequal object retraces
    assert apply.experimental_get_tracing_count() == 2


def test_TRACE_6_equal_distinct_objects_share_a_trace():
    first, second = Key(1), Key(1)
    assert count_traces(lambda k: ts.constant(k.value), [(first,), (second,)]) == 1
    assert count_traces(lambda k: ts.constant(k.value), [(Key(1),), (Key(2),)]) == 2


@pytest.mark.parametrize("value", [Unhashable(), [Unhashable()], {1, 2}], ids=["object", "in list", "set"])
def test_TRACE_6_unhashable_arguments_are_rejected(value):
    f = ts.function(lambda v: ts.constant(1))
    # TF 2.21: "Could not generate a generic TraceType for <...>.Please verify that it is
    # immutable/hashable. Otherwise, consider implementing the Tracing Protocol for it."
    with pytest.raises(TypeError, match=r"^Could not generate a generic TraceType for .*\.Please "
                                        r"verify that it is immutable/hashable\. Otherwise, "
                                        r"consider implementing the Tracing Protocol for it\.$"):
        f(value)
    assert f.experimental_get_tracing_count() == 0


def test_TRACE_6_weakref_arguments_are_rejected():
    target = Scale(1.0)
    f = ts.function(lambda r: ts.constant(1))
    # TF 2.21: "weakref input <weakref at 0x...> not supported for tf.function."
    with pytest.raises(TypeError, match=r"weakref input .* not supported for ts\.function"):
        f(weakref.ref(target))


def _refused(path, kind):
    """JAX 0.10.2's message for a non-array argument (its first line; a hint follows)."""
    return (r"^Error interpreting argument to <function [\w.<>]+ at 0x[0-9a-f]+> as an abstract array\. "
            rf"The problematic value is of type <class '{re.escape(kind)}'> and was passed to the "
            rf"function at path {re.escape(path)}\.\nThis typically means")


@pytest.mark.parametrize(("value", "path", "kind"), [
    ("a", "p", "str"), (b"x", "p", "bytes"), ({1, 2}, "p", "set"), (Scale(1.0), "p", f"{__name__}.Scale"),
    (object(), "p", "object"), (len, "p", "builtin_function_or_method"),
    ([Scale(0)], "p[0]", f"{__name__}.Scale"), (("a",), "p[0]", "str"), ({"k": "s"}, "p['k']", "str"),
    ({"k": [1, "s"]}, "p['k'][1]", "str"), ({"b": object(), "a": "x"}, "p['a']", "str"),
    (Point(1, "s"), "p.b", "str"),
], ids=["str", "bytes", "set", "object", "object()", "function", "in list", "in tuple", "in dict",
        "nested", "first in key order", "namedtuple field"])
def test_TRACE_6_pytrees_refuse_non_array_arguments_at_the_call(value, path, kind):
    # JAX 0.10.2: jit(h)(x, value) raises TypeError before the body runs, naming the leaf's path
    runs = []

    @ts.function
    def h(x, p):
        runs.append(1)
        return x

    with policies.using(PYTREES):
        with pytest.raises(TypeError, match=_refused(path, kind)):
            h(ts.constant(1.0), value)
        with pytest.raises(TypeError, match=_refused(path, kind)):
            h(ts.constant(1.0), p=value)
        with pytest.raises(TypeError, match=_refused(path, kind)):
            h.get_concrete_function(ts.TensorSpec([], ts.float32), value)
    assert runs == [] and h.experimental_get_tracing_count() == 0


def test_TRACE_6_pytrees_name_varargs_keywords_and_self():
    # JAX 0.10.2: paths args[1] and kw['k'], keywords after the positional arguments by name (a
    # leaf of the first one named), and a method's instance at path self (<function A.m at ...>)
    @ts.function
    def va(*args, **kw):
        return 0

    class A:
        @ts.function
        def m(self, x):
            return x

    x = ts.constant(1.0)
    with policies.using(PYTREES):
        with pytest.raises(TypeError, match=_refused("args[1]", "str")):
            va(x, "s")
        with pytest.raises(TypeError, match=_refused("kw['k']", "str")):
            va(x, k="s")
    with policies.using(BOTH):
        with pytest.raises(TypeError, match=_refused("a", "str")):
            ts.function(lambda b, a: b)(a="s", b=b"t")
        with pytest.raises(TypeError, match=_refused("a", "bytes")):
            ts.function(lambda z, a, b: z)(1.0, b="s", a=b"t")
        with pytest.raises(TypeError, match=_refused("b", "bytes")):
            ts.function(lambda b, a: b)(b"t", a="s")
    method = (r"<function test_TRACE_6_[\w.<>]+A\.m at .*" + re.escape(f"<class '{__name__}.") +
              r"[\w.<>]+A'> and was passed to the function at path self\.")
    with policies.using(PYTREES), pytest.raises(TypeError, match=method):
        A().m(x)


def test_TRACE_6_pytrees_accept_none_empty_and_nested_containers():
    # JAX 0.10.2: None, () and (None,) are valid arguments; None leaves come back as None
    f = ts.function(identity)
    with policies.using(PYTREES):
        assert f(None) is None
        assert f(()) == ()
        assert f((None,)) == (None,)
        nested = f([ts.constant(1), (np.float32(2.0), {"z": None, "y": ts.constant(1.0)})])
    assert nested[1][1]["z"] is None and float(nested[1][1]["y"]) == 1.0
    assert f.experimental_get_tracing_count() == 4


def test_TRACE_6_pytrees_run_eagerly_and_omitted_defaults_take_any_value():
    # JAX 0.10.2: under disable_jit jit(h)(x, "s") runs the body; an omitted object default is fine
    sentinel = object()
    seen = []

    @ts.function
    def h(x, p=sentinel):
        seen.append(p)
        return x

    with policies.using(BOTH):
        h(ts.constant(1.0))
        ts.config.run_functions_eagerly(True)
        try:
            h(ts.constant(1.0), "s")
        finally:
            ts.config.run_functions_eagerly(False)
    assert seen == [sentinel, "s"] and h.experimental_get_tracing_count() == 1


def test_TRACE_6_pytrees_a_nested_call_fails_the_outer_trace():
    # JAX 0.10.2: jit(outer) calling jit(h)(x, "s") raises the same TypeError while tracing outer
    h = ts.function(lambda x, p: x)
    outer = ts.function(lambda x: h(x, "s"))
    with policies.using(PYTREES), pytest.raises(TypeError, match=_refused("p", "str")):
        outer(ts.constant(1.0))
    assert outer.experimental_get_tracing_count() == 0


# --------------------------------------------------------------------------------------
# TRACE-7: canonicalised arguments
# --------------------------------------------------------------------------------------

def test_TRACE_7_positional_keyword_and_explicit_default_share_a_trace():
    runs = []

    @ts.function
    def kk(x, y=1):
        runs.append(y)
        return x + y

    t = ts.constant(1)
    results = [kk(t), kk(x=t), kk(t, 1), kk(t, y=1), kk(y=1, x=t)]
    assert [int(r) for r in results] == [2] * 5
    assert kk.experimental_get_tracing_count() == 1
    assert runs == [1]
    assert int(kk(t, 2)) == 3
    assert kk.experimental_get_tracing_count() == 2


def test_TRACE_7_binding_errors_are_type_errors():
    f = ts.function(lambda a, b=1: a)
    # TF 2.21: "Binding inputs to tf.function failed due to `missing a required argument: 'a'`"
    with pytest.raises(TypeError, match=r"Binding inputs to ts\.function failed due to "
                                        r"`missing a required argument: 'a'`"):
        f()
    with pytest.raises(TypeError, match=r"failed due to `too many positional arguments`"):
        f(1, 2, 3)
    with pytest.raises(TypeError, match=r"failed due to `got an unexpected keyword argument 'c'`"):
        f(1, c=3)
    assert f.experimental_get_tracing_count() == 0


def test_TRACE_7_as_passed_keys_how_arguments_were_passed():
    # JAX 0.10.2, def f(x, p=1): f(x, 1), f(x, p=1), f(p=1, x=x) trace (1, 2, 3); f(x=x, p=1) is a
    # hit; f(x) traces (4) and its body sees the Python int 1; f(x=x) traces (5); f(x) is a hit
    seen = []

    @ts.function
    def f(x, p=1):
        seen.append(p)
        return x

    x = ts.constant(1.0)
    counts = []
    with policies.using(AS_PASSED):
        for args, kwargs in [((x, 1), {}), ((x,), {"p": 1}), ((), {"p": 1, "x": x}),
                             ((), {"x": x, "p": 1}), ((x,), {}), ((), {"x": x}), ((x,), {})]:
            f(*args, **kwargs)
            counts.append(f.experimental_get_tracing_count())
    assert counts == [1, 2, 3, 3, 4, 5, 5]
    assert seen[3] == 1 and type(seen[3]) is int


def test_TRACE_7_as_passed_tensors_by_position_or_keyword():
    # JAX 0.10.2: g(x, x), g(x, y=x), g(y=x, x=x), g(x=x, y=x) trace 3 times
    with policies.using(AS_PASSED):
        g = ts.function(lambda x, y: x + y)
        x = ts.constant(1.0)
        g(x, x); g(x, y=x); g(y=x, x=x); g(x=x, y=x)  # noqa: E702
    assert g.experimental_get_tracing_count() == 3


def test_TRACE_7_as_passed_omitted_default_is_plain_python_in_the_body():
    # JAX 0.10.2: def d(x, p=True): `if p:` works when p is omitted (p is the Python default)
    @ts.function
    def d(x, p=True):
        if p:
            return x + 1.0
        return x

    with policies.using(AS_PASSED):
        assert float(d(ts.constant(1.0))) == 2.0
    assert d.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# TRACE-8: separate functions, per-instance methods
# --------------------------------------------------------------------------------------

def test_TRACE_8_separate_function_objects_never_share_traces():
    runs = []

    def body(x):
        runs.append("trace")
        return x

    first, second = ts.function(body), ts.function(body)
    x = ts.constant(1)
    first(x)
    second(x)
    first(x)
    assert runs == ["trace", "trace"]
    assert first.experimental_get_tracing_count() == 1
    assert second.experimental_get_tracing_count() == 1


def test_TRACE_8_a_method_has_one_cache_per_instance():
    runs = []

    class Model:
        def __init__(self, k):
            self.k = k

        @ts.function
        def __call__(self, x):
            runs.append(self.k)
            return x * self.k

    m1, m2 = Model(2), Model(3)
    x = ts.constant(1)
    assert int(m1(x)) == 2
    assert int(m2(x)) == 3
    assert int(m1(x)) == 2
    assert runs == [2, 3]
    assert m1.__call__.experimental_get_tracing_count() == 1
    assert m2.__call__.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# TRACE-9: the tracing count
# --------------------------------------------------------------------------------------

def test_TRACE_9_tracing_count_counts_concrete_functions():
    @ts.function
    def double(a):
        return a + a

    assert double.experimental_get_tracing_count() == 0
    double(ts.constant(1))
    double(ts.constant(2))
    assert double.experimental_get_tracing_count() == 1
    double("a")
    assert double.experimental_get_tracing_count() == 2
    double.get_concrete_function(ts.TensorSpec([3], ts.float32))
    assert double.experimental_get_tracing_count() == 3
    double.get_concrete_function(ts.TensorSpec([3], ts.float32))
    assert double.experimental_get_tracing_count() == 3
    signatures = double.pretty_printed_concrete_signatures()
    assert signatures.count("Input Parameters:") == 3


def test_TRACE_9_eager_calls_and_failed_traces_do_not_count():
    runs = []

    @ts.function
    def f(x, fail):
        runs.append(fail)
        if fail:
            raise ValueError("no")
        return x

    f(ts.constant(1), False)
    ts.config.run_functions_eagerly(True)
    f(ts.constant([1.0]), False)
    f(ts.constant(2), 0)
    ts.config.run_functions_eagerly(False)
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError, match="no"):
        f(ts.constant(1), True)
    assert f.experimental_get_tracing_count() == 1
    assert runs == [False, False, 0, True]


# --------------------------------------------------------------------------------------
# TRACE-10: input_signature
# --------------------------------------------------------------------------------------

def test_TRACE_10_input_signature_accepts_compatible_inputs_without_retracing():
    runs = []

    @ts.function(input_signature=[ts.TensorSpec([None], ts.int32)])
    def sig(x):
        runs.append(str(x))
        return x + 1

    np.testing.assert_array_equal(sig(ts.constant([1, 2])).numpy(), [2, 3])
    np.testing.assert_array_equal(sig(ts.constant([1, 2, 3])).numpy(), [2, 3, 4])
    np.testing.assert_array_equal(sig([5, 6]).numpy(), [6, 7])  # a Python list is converted
    np.testing.assert_array_equal(sig(x=[5]).numpy(), [6])
    assert runs == ['Tensor("x:0", shape=(None,), dtype=int32)']
    assert sig.experimental_get_tracing_count() == 1


def test_TRACE_10_input_signature_converts_numpy_arrays_to_the_pinned_dtype():
    # TF 2.21: a [None] float32 signature accepts np.array([1, 2]) (int64) and
    # np.array([1., 2.]) (float64), returning float32 [1., 2.]
    f = ts.function(lambda x: x, input_signature=[ts.TensorSpec([None], ts.float32)])
    for array in (np.array([1, 2]), np.array([1.0, 2.0])):
        result = f(array)
        assert result.dtype == ts.float32
        np.testing.assert_array_equal(result.numpy(), [1.0, 2.0])
    assert f.experimental_get_tracing_count() == 1


def test_TRACE_10_incompatible_inputs_are_type_errors():
    f = ts.function(lambda x: x, input_signature=[ts.TensorSpec([None], ts.int32)])
    prefix = r"^Binding inputs to ts\.function failed due to `"
    with pytest.raises(TypeError, match=prefix + re.escape(
        "Can not cast TensorSpec(shape=(2, 2), dtype=ts.int32, name=None) to "
        "TensorSpec(shape=(None,), dtype=ts.int32, name=None)`. Received args: ")):
        f(ts.constant([[1, 2], [3, 4]]))
    with pytest.raises(TypeError, match=prefix + re.escape(
        "Can not cast TensorSpec(shape=(2,), dtype=ts.float32, name=None) to "
        "TensorSpec(shape=(None,), dtype=ts.int32, name=None)`")):
        f(ts.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match=prefix + "Can not cast TensorSpec.*int64"):
        f(ts.constant([1, 2], dtype=ts.int64))
    with pytest.raises(TypeError, match=prefix + "Cannot convert \\[1.5, 2.0\\] to EagerTensor "
                                                 "of dtype int32`"):
        f([1.5, 2.0])
    with pytest.raises(TypeError, match=prefix + "too many positional arguments`"):
        f(ts.constant([1]), 5)
    with pytest.raises(TypeError, match=r"for signature: \(x: TensorSpec\(shape=\(None,\), "
                                        r"dtype=ts\.int32, name=None\)\)\.$"):
        f()
    assert f.experimental_get_tracing_count() == 0


# --------------------------------------------------------------------------------------
# TRACE-11: reduce_retracing
# --------------------------------------------------------------------------------------

def test_TRACE_11_reduce_retracing_relaxes_shapes():
    traced_shapes = []

    @ts.function(reduce_retracing=True)
    def rr(x):
        traced_shapes.append(static_shape(x))
        return x * 2

    counts = []
    for shape in ([3], [5], [3], [7], [9], [2, 2], [3], [3, 3]):
        result = rr(ts.ones(shape))
        np.testing.assert_array_equal(result.numpy(), np.full(shape, 2.0, np.float32))
        counts.append(rr.experimental_get_tracing_count())
    assert counts == [1, 2, 2, 2, 2, 3, 3, 3]
    assert traced_shapes == [(3,), (None,), None]
    signatures = rr.pretty_printed_concrete_signatures()
    expected = [
        "TensorSpec(shape=(3,), dtype=ts.float32, name=None)",
        "TensorSpec(shape=(None,), dtype=ts.float32, name=None)",
        "TensorSpec(shape=<unknown>, dtype=ts.float32, name=None)",
    ]
    positions = [signatures.find("x (POSITIONAL_OR_KEYWORD): " + spec) for spec in expected]
    assert all(p >= 0 for p in positions), signatures
    assert positions == sorted(positions)


def test_TRACE_11_rank_change_relaxes_to_unknown_rank_and_dtypes_never_relax():
    f = ts.function(identity, reduce_retracing=True)
    f(ts.zeros([3]))
    f(ts.zeros([2, 2]))
    assert f.experimental_get_tracing_count() == 2
    assert "TensorSpec(shape=<unknown>, dtype=ts.float32" in f.pretty_printed_concrete_signatures()
    g = ts.function(identity, reduce_retracing=True)
    g(ts.zeros([3]))
    g(ts.zeros([3], ts.int32))
    g(ts.zeros([4], ts.int32))
    assert g.experimental_get_tracing_count() == 3
    signatures = g.pretty_printed_concrete_signatures()
    assert "TensorSpec(shape=(None,), dtype=ts.int32, name=None)" in signatures
    assert "TensorSpec(shape=(None,), dtype=ts.float32" not in signatures


def test_TRACE_11_literals_still_retrace_per_value():
    runs = []

    @ts.function(reduce_retracing=True)
    def rp(n):
        runs.append(n)
        return ts.constant(n)

    for n in (1, 2, 3, 2):
        assert int(rp(n)) == n
    assert runs == [1, 2, 3]
    assert rp.experimental_get_tracing_count() == 3


def test_TRACE_11_mixed_tensor_and_literal_arguments():
    # TF 2.21: (x:(3,), n=1), (x:(4,), n=2), (x:(5,), n=2) -> 3 traces, the last (None,)
    f = ts.function(lambda x, n: x * n, reduce_retracing=True)
    f(ts.zeros([3]), 1)
    f(ts.zeros([4]), 2)
    f(ts.zeros([5]), 2)
    f(ts.zeros([6]), 2)
    assert f.experimental_get_tracing_count() == 3
    signatures = f.pretty_printed_concrete_signatures()
    assert "TensorSpec(shape=(None,), dtype=ts.float32, name=None)\n  n (POSITIONAL_OR_KEYWORD): " \
           "Literal[2]" in signatures


# --------------------------------------------------------------------------------------
# TRACE-12: failed traces are not cached
# --------------------------------------------------------------------------------------

def test_TRACE_12_failed_trace_is_retried_and_repeats_python_effects():
    before_error = []

    @ts.function
    def raiser(x, flag):
        before_error.append("effect")
        if flag:
            raise ValueError("boom at trace")
        return x

    t = ts.constant(1)
    for attempt in (1, 2, 3):
        with pytest.raises(ValueError, match="boom at trace"):
            raiser(t, True)
        assert before_error == ["effect"] * attempt
        assert raiser.experimental_get_tracing_count() == 0
    assert int(raiser(t, False)) == 1
    assert raiser.experimental_get_tracing_count() == 1
    assert len(before_error) == 4


def test_TRACE_12_trace_time_op_errors_are_not_cached_either():
    runs = []

    @ts.function
    def f(x):
        runs.append("trace")
        return ts.sqrt(x)

    for _ in range(2):
        with pytest.raises(TypeError):
            f(ts.constant(4))
    assert runs == ["trace", "trace"]
    assert f.experimental_get_tracing_count() == 0
    assert float(f(ts.constant(4.0))) == 2.0


# --------------------------------------------------------------------------------------
# TRACE-13: a concrete function accepts only its own type
# --------------------------------------------------------------------------------------

def test_TRACE_13_concrete_function_rejects_another_literal():
    @ts.function
    def pw(a, b):
        return a**b

    sq = pw.get_concrete_function(a=ts.TensorSpec(None, ts.float32), b=2)
    assert float(sq(ts.constant(3.0), b=2)) == 9.0
    assert float(sq(ts.constant(3.0), 2)) == 9.0
    # TF 2.21: "Binding inputs to tf.function failed due to `Can not cast 3 to Literal[2]`"
    with pytest.raises(TypeError, match=r"Binding inputs to ts\.function failed due to "
                                        r"`Can not cast 3 to Literal\[2\]`"):
        sq(ts.constant(3.0), b=3)
    assert pw.experimental_get_tracing_count() == 1


def test_TRACE_13_concrete_function_literal_argument_may_be_omitted():
    # catalogue probe K13: sq(tf.constant(3.0)) -> 9.0 (the bound literal is the default)
    @ts.function
    def pw(a, b):
        return a**b

    sq = pw.get_concrete_function(a=ts.TensorSpec(None, ts.float32), b=2)
    assert float(sq(ts.constant(3.0))) == 9.0


def test_TRACE_13_concrete_function_rejects_another_tensor_dtype():
    f = ts.function(lambda x: x * 2)
    concrete = f.get_concrete_function(ts.TensorSpec([None], ts.float32))
    np.testing.assert_array_equal(concrete(ts.constant([1.0, 2.0, 3.0])).numpy(), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(concrete([1.0, 2.0]).numpy(), [2.0, 4.0])
    # TF 2.21: "cannot compute __inference_... as input #0(zero-based) was expected to be a
    # float tensor but is a int32 tensor"
    with pytest.raises(InvalidArgumentError, match=r"cannot compute \S+ as input #0\(zero-based\) "
                                                   r"was expected to be a float\w* tensor.*but is "
                                                   r"a int32 tensor"):
        concrete(ts.constant([1, 2], dtype=ts.int32))
    assert f.experimental_get_tracing_count() == 1


def test_TRACE_13_concrete_function_accepts_any_shape_its_spec_allows():
    f = ts.function(lambda x: ts.reduce_sum(x))
    concrete = f.get_concrete_function(ts.TensorSpec([None], ts.int32))
    for n in (0, 1, 5):
        assert int(concrete(ts.range(n))) == sum(range(n))
    assert f.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# TRACE-14: Python container arguments must not be modified
# --------------------------------------------------------------------------------------

def _append(l):  # noqa: E741 - the catalogue's name
    l.append(1)
    return ts.constant(1)


def _set_key(d):
    d["k"] = 1
    return ts.constant(1)


def _nested_append(l):  # noqa: E741
    l[0].append(1)
    return ts.constant(1)


def _setitem(l):  # noqa: E741
    l[0] = 5
    return ts.constant(1)


@pytest.mark.parametrize(
    ("fn", "arg", "text"),
    [
        (_append, [1], "_append(l)"),
        (_set_key, {"a": 1}, "_set_key(d)"),
        (_nested_append, [[1]], "_nested_append(l)"),
        (_setitem, [1], "_setitem(l)"),
    ],
    ids=["append", "dict key", "nested", "setitem"],
)
def test_TRACE_14_modifying_a_container_argument_is_a_value_error(fn, arg, text):
    f = ts.function(fn)
    name = text[text.index("(") + 1]
    # TF 2.21: "app(l) should not modify its Python input arguments. Modifying a copy is
    # allowed. The following parameter(s) were modified: l"
    with pytest.raises(ValueError, match="^" + re.escape(
        f"{text} should not modify its Python input arguments. Modifying a copy is allowed. "
        f"The following parameter(s) were modified: {name}") + "$"):
        f(arg)
    assert f.experimental_get_tracing_count() == 0


def test_TRACE_14_the_error_names_only_the_modified_parameter():
    def mut2(a, l):  # noqa: E741
        l.pop()
        return a

    # TF 2.21 names the function by its __qualname__
    with pytest.raises(ValueError, match=r"^test_TRACE_14_the_error_names_only_the_modified_"
                                         r"parameter\.<locals>\.mut2\(a, l\) should not modify "
                                         r".* were modified: l$"):
        ts.function(mut2)(ts.constant(1), [1, 2])

def test_TRACE_14_pytrees_the_body_modifies_its_own_copies():
    # JAX 0.10.2: jit(f) appending to its list argument returns 3 for a 2-list, twice, and the
    # caller's list keeps 2 items; popping from a dict argument leaves the caller's keys
    @ts.function
    def grow(items):
        items.append(ts.constant(0))
        return len(items)

    @ts.function
    def shrink(d):
        d.pop("a")
        return len(d)

    given = [ts.constant(1.0), ts.constant(2)]
    table = {"a": ts.constant(1.0), "b": ts.constant(2)}
    with policies.using(PYTREES):
        assert [int(grow(given)), int(grow(given))] == [3, 3]
        assert int(shrink(table)) == 1
    assert len(given) == 2 and list(table) == ["a", "b"]



def test_TRACE_14_modifying_a_copy_is_allowed():
    @ts.function
    def copy_ok(l):  # noqa: E741
        l = list(l)  # noqa: E741
        l.append(1)
        return ts.constant(len(l))

    original = [1]
    assert int(copy_ok(original)) == 2
    assert original == [1]


# --------------------------------------------------------------------------------------
# TRACE-15: the retracing warning
# --------------------------------------------------------------------------------------

_WARNING = re.compile(
    r"^(\d+) out of the last (\d+) calls to <function .+ at 0x[0-9a-fA-F]+> triggered "
    r"ts\.function retracing\. Tracing is expensive and the excessive number of tracings "
    r"could be due to \(1\) creating @ts\.function repeatedly in a loop, \(2\) passing "
    r"tensors with different shapes, \(3\) passing Python objects instead of tensors\."
)


@pytest.fixture
def retracing_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="tracespec")

    def collect():
        return [
            r for r in caplog.records
            if r.name.startswith("tracespec") and _WARNING.search(r.getMessage())
        ]

    return collect


def test_TRACE_15_exact_logs_no_retracing_warning(retracing_warnings):
    # JAX 0.10.2 logs nothing however often jit retraces.
    inc = ts.function(lambda x: x)
    with policies.using(EXACT):
        for value in range(1, 8):
            inc(value)
    assert inc.experimental_get_tracing_count() == 7 and retracing_warnings() == []


def test_TRACE_15_fifth_tracing_call_warns_once(retracing_warnings):
    @ts.function
    def inc(x):
        return x

    for value in range(1, 5):
        inc(value)
    assert retracing_warnings() == []
    inc(5)
    records = retracing_warnings()
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].name == "tracespec"
    message = records[0].getMessage()
    assert _WARNING.match(message).group(1, 2) == ("5", "5")
    assert "<function test_TRACE_15_fifth_tracing_call_warns_once.<locals>.inc at" in message


def test_TRACE_15_at_most_two_warnings_per_function(retracing_warnings):
    @ts.function
    def inc(x):
        return x

    for value in range(10):
        inc(value)
    counts = [_WARNING.match(r.getMessage()).group(1, 2) for r in retracing_warnings()]
    assert counts == [("5", "5"), ("6", "6")]  # TF 2.21 probe: exactly these two


def test_TRACE_15_recreating_the_function_in_a_loop_still_warns(retracing_warnings):
    def body(x):
        return x

    for value in range(4):
        ts.function(body)(ts.constant(value))
    assert retracing_warnings() == []
    ts.function(body)(ts.constant(4))
    assert len(retracing_warnings()) == 1


def test_TRACE_15_calls_that_do_not_trace_keep_the_warning_away(retracing_warnings):
    @ts.function
    def f(x):
        return x

    for value in range(20):
        f(ts.constant(value))
    assert retracing_warnings() == []

    @ts.function
    def g(x):
        return x

    for value in range(4):  # 4 traces among 12 calls: below the threshold
        g(value)
        g(value)
        g(value)
    assert retracing_warnings() == []


def test_TRACE_15_calls_during_an_outer_trace_do_not_count(retracing_warnings):
    @ts.function
    def inner(x, n):
        return x + n

    @ts.function
    def outer(x):
        for n in range(7):
            x = inner(x, n)
        return x

    assert int(outer(ts.constant(1))) == 1 + sum(range(7))
    assert inner.experimental_get_tracing_count() == 7
    assert retracing_warnings() == []


# -- Fidelity to TensorFlow 2.21: binding (observed running the same calls on TensorFlow) --------

def _outcome(thunk):
    try:
        result = thunk()
    except Exception as error:  # the observation is the error
        return type(error).__name__, str(error)
    return "value", np.asarray(result.numpy()).tolist()


def test_TRACE_10_defaulted_parameters_past_the_signature_are_literals():
    # TF: def f(x, y=2) with input_signature=[TensorSpec([], float32)]: F(c) and F(c, 2) -> 3.0;
    # F(c, 3) -> "Binding inputs to tf.function failed due to `Can not cast 3 to Literal[2]`.
    # ... for signature: (x: TensorSpec(shape=(), dtype=tf.float32, name=None), y: Literal[2] =
    # <captured_default_value>)."; F(c, tf.constant(2.0)) -> "Parameter `y` was expected to be of
    # type Literal[2] but is TensorSpec(shape=(), dtype=tf.float32, name=None)".
    @ts.function(input_signature=[ts.TensorSpec([], ts.float32)])
    def f(x, y=2):
        return x + y

    c = ts.constant(1.0)
    for call in (lambda: f(c), lambda: f(c, 2), lambda: f(c, y=2)):
        assert _outcome(call) == ("value", 3.0)
    kind, message = _outcome(lambda: f(c, 3))
    assert kind == "TypeError" and "failed due to `Can not cast 3 to Literal[2]`" in message
    assert message.endswith("for signature: (x: TensorSpec(shape=(), dtype=ts.float32, name=None), "
                            "y: Literal[2] = <captured_default_value>).")
    assert _outcome(lambda: f(c, ts.constant(2.0))) == (
        "TypeError", "Parameter `y` was expected to be of type Literal[2] but is "
                     "TensorSpec(shape=(), dtype=ts.float32, name=None)")
    assert f.experimental_get_tracing_count() == 1


def test_TRACE_10_every_parameter_needs_a_spec_or_a_default():
    # TF, at decoration: "input_signature missing type constraint for y"; *args take the specs as
    # args_0, args_1 (positional only).
    with pytest.raises(TypeError, match="input_signature missing type constraint for y"):
        ts.function(lambda x, y: x, input_signature=[ts.TensorSpec([])])

    @ts.function(input_signature=[ts.TensorSpec([]), ts.TensorSpec([])])
    def total(*args):
        return args[0] + args[1]

    assert _outcome(lambda: total(1.0, 2.0)) == ("value", 3.0)
    kind, message = _outcome(lambda: total(1.0))
    assert kind == "TypeError" and "`missing a required argument: 'args_1'`" in message
    assert message.endswith("args_1: TensorSpec(shape=(), dtype=ts.float32, name=None), /).")


def test_TRACE_13_a_concrete_call_tries_the_structured_then_the_flat_signature():
    # TF, CF = f.get_concrete_function(TensorSpec([], float32)) for def f(x, y=2):
    #   CF(c), CF(c, 2), CF(x=c) -> 3.0 (the last two by the flat signature, tensors only);
    #   CF(tf.constant([1.5])) -> [3.5] (a flat tensor's shape is not checked);
    #   CF(tf.constant(1)) -> InvalidArgumentError "cannot compute __inference_f_N as input
    #     #0(zero-based) was expected to be a float tensor but is a int32 tensor";
    #   CF(1.5) -> "... `missing a required argument: 'y'` ...\nFallback to flat signature also
    #     failed due to: f(x): expected argument #0(zero-based) to be a Tensor; got float (1.5).";
    #   CF(c, 3) -> "... `Can not cast 3 to Literal[2]` ...\nFallback ...: f(x) takes 1
    #     positional arguments, got 2."; CF(c, z=1) -> "... f(x) got unexpected keyword arguments: z."
    @ts.function
    def f(x, y=2):
        return x + y

    cf = f.get_concrete_function(ts.TensorSpec([], ts.float32))
    c = ts.constant(1.0)
    for call in (lambda: cf(c), lambda: cf(c, 2), lambda: cf(x=c)):
        assert _outcome(call) == ("value", 3.0)
    assert _outcome(lambda: cf(ts.constant([1.5]))) == ("value", [3.5])
    kind, message = _outcome(lambda: cf(ts.constant(1)))
    assert kind == "InvalidArgumentError"
    assert "as input #0(zero-based) was expected to be a float tensor but is a int32 tensor" in message
    for call, cause, fallback in (
            (lambda: cf(1.5), "missing a required argument: 'y'",
             "f(x): expected argument #0(zero-based) to be a Tensor; got float (1.5)."),
            (lambda: cf(c, 3), "Can not cast 3 to Literal[2]", "f(x) takes 1 positional arguments, got 2."),
            (lambda: cf(c, z=1), "missing a required argument: 'y'",
             "f(x) got unexpected keyword arguments: z.")):
        kind, message = _outcome(call)
        assert kind == "TypeError" and f"failed due to `{cause}`" in message
        assert message.endswith(f"\nFallback to flat signature also failed due to: {fallback}")


def test_TRACE_13_literals_compare_by_equality_and_containers_convert():
    # TF: CF3 = get_concrete_function(TensorSpec([None]), 3): CF3(v, tf.constant(3.0)) is accepted
    # (3.0 == 3), tf.constant(5.0) is "Can not cast <tf.Tensor: ...numpy=5.0> to Literal[3]"; dict
    # and list specs: CF({'a': 5.0, 'b': 2.0}) -> 3.0, flat CF(a, b) -> 3.0 (leaves in key order).
    @ts.function
    def scale(x, n):
        return x * n

    cf3 = scale.get_concrete_function(ts.TensorSpec([None]), 3)
    assert _outcome(lambda: cf3(ts.constant([1.0]), ts.constant(3.0))) == ("value", [3.0])
    _, message = _outcome(lambda: cf3(ts.constant([1.0]), ts.constant(5.0)))
    assert "Can not cast <ts.Tensor: shape=(), dtype=float32, numpy=5.0> to Literal[3]" in message

    @ts.function
    def difference(d):
        return d["a"] - d["b"]

    cfd = difference.get_concrete_function({"a": ts.TensorSpec([]), "b": ts.TensorSpec([])})
    assert _outcome(lambda: cfd({"a": 5.0, "b": 2.0})) == ("value", 3.0)
    assert _outcome(lambda: cfd(ts.constant(5.0), ts.constant(2.0))) == ("value", 3.0)


def test_TRACE_13_keyword_only_parameters_stay_keyword_only():
    # TF: def f(x, *, y=2): CF(a, b) -> "Binding inputs ... `too many positional arguments` ..."
    @ts.function
    def f(x, *, y=2):
        return x * y

    cf = f.get_concrete_function(ts.TensorSpec([]))
    kind, message = _outcome(lambda: cf(ts.constant(5.0), ts.constant(2.0)))
    assert kind == "TypeError" and "`too many positional arguments`" in message
    assert _outcome(lambda: cf(ts.constant(5.0), y=2)) == ("value", 10.0)


def test_TRACE_10_a_defaulted_parameter_is_traced_with_the_first_equal_value():
    # TF: def g(x, k=1) with input_signature=[TensorSpec([None])]: g(x, True) traces with k=True
    # and returns a bool True; g(x, 1.0) and g(x) reuse that trace (still True); tracing count 1.
    seen = []

    @ts.function(input_signature=[ts.TensorSpec([None], ts.float32)])
    def g(x, k=1):
        seen.append(k)
        return -x, k

    for call in (lambda: g(ts.constant([1.0]), True), lambda: g(ts.constant([1.0]), 1.0),
                 lambda: g(ts.constant([1.0]))):
        _, k = call()
        assert k.dtype == ts.bool and bool(k.numpy()) is True
    assert seen == [True] and g.experimental_get_tracing_count() == 1
