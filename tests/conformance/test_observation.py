"""Comparing observations: exact, except computed floats, printed floats and message detail."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.conformance.messages import MESSAGES, core, normalise, same_message
from tracespec.conformance.observation import (
    Container,
    ErrorOutcome,
    Event,
    PythonLeaf,
    StepRecord,
    TensorLeaf,
    compare,
    same_events,
    same_outcome,
    same_printed,
)
from tracespec.reference import policies


def leaf(dtype: str, value) -> TensorLeaf:
    array = np.asarray(value, dtype=np.dtype(dtype))
    return TensorLeaf(dtype, array.shape, array)


def record(outcome=None, events=(), counts=None) -> StepRecord:
    return StepRecord("f(x)", outcome, list(events), dict(counts or {"f": 1}))


def tuple_of(*items) -> Container:
    return Container("tuple", tuple(enumerate(items)))


def differs(expected, actual) -> list[str]:
    return [d.aspect for d in compare([expected], [actual])]


def test_compare_finds_nothing_between_equal_observations():
    outcome = tuple_of(leaf("int32", [1, 2]), Container("dict", (("a", PythonLeaf("str", "s")),)))
    want = record(outcome, [Event("python", "trace"), Event("print", "p [1 2]")])
    got = record(outcome, [Event("python", "trace"), Event("print", "p [1 2]")])
    assert compare([want, want], [got, got]) == []


@pytest.mark.parametrize("actual", [
    leaf("int32", [1, 3]),                  # one integer differs
    leaf("int64", [1, 2]),                  # dtype
    leaf("int32", [[1, 2]]),                # shape
    leaf("int32", [1]),
    PythonLeaf("int", 1),                   # a Python value instead of a tensor
    ErrorOutcome("InvalidArgumentError", "x"),
    None,
    tuple_of(leaf("int32", [1, 2])),        # wrapped in a structure
])
def test_compare_is_exact_on_integer_tensors(actual):
    assert differs(record(leaf("int32", [1, 2])), record(actual)) == ["outcome"]


def test_compare_is_exact_on_large_integers_and_python_types():
    big = 10**15
    assert differs(record(leaf("int64", [big])), record(leaf("int64", [big + 1]))) == ["outcome"]
    assert differs(record(PythonLeaf("int", big)), record(PythonLeaf("int", big + 1))) == ["outcome"]
    assert differs(record(PythonLeaf("bool", True)), record(PythonLeaf("int", 1))) == ["outcome"]
    assert differs(record(leaf("bool", [True])), record(leaf("bool", [False]))) == ["outcome"]


def test_compare_tolerates_only_last_bit_differences_of_computed_floats():
    one32 = np.float32(1.5)
    next32 = np.nextafter(one32, np.float32(2))
    assert differs(record(leaf("float32", [one32])), record(leaf("float32", [next32]))) == []
    assert differs(record(leaf("float32", [1.5])), record(leaf("float32", [1.5015]))) == ["outcome"]
    one64 = np.float64(1.5)
    assert differs(record(leaf("float64", [one64])), record(leaf("float64", [np.nextafter(one64, 2)]))
                   ) == []
    assert differs(record(leaf("float64", [1.5])), record(leaf("float64", [1.5 + 1e-9]))) == [
        "outcome"]
    # A float tolerance never hides a dtype or shape difference, and NaN equals NaN.
    assert differs(record(leaf("float32", [1.5])), record(leaf("float64", [1.5]))) == ["outcome"]
    assert differs(record(leaf("float32", [1.5])), record(leaf("float32", 1.5))) == ["outcome"]
    assert differs(record(leaf("float32", [np.nan])), record(leaf("float32", [np.nan]))) == []
    assert differs(record(leaf("float32", [np.inf])), record(leaf("float32", [-np.inf]))) == [
        "outcome"]
    assert differs(record(PythonLeaf("float", 0.1 + 0.2)), record(PythonLeaf("float", 0.3))) == []
    # The bound is norm-wise: an element small beside the array's largest may differ more (as
    # TensorFlow's gradient [-623302.56, 307457.44, -1139.3984] from the reference's below).
    want = [-623302.75, 307457.5, -1139.4102]
    assert differs(record(leaf("float32", want)), record(leaf("float32", [-623302.56, 307457.44, -1139.3984]))
                   ) == []
    assert differs(record(leaf("float32", want)), record(leaf("float32", [-623302.75, 307457.5, -1149.0]))
                   ) == ["outcome"]
    # NumPy arrays (what `.numpy()` returned) are computed values too; the dtype still counts.
    numpy32 = TensorLeaf("numpy float32", (1,), np.array([8.2085006e-02], np.float32))
    assert differs(record(numpy32), record(TensorLeaf("numpy float32", (1,), np.array([8.2084998e-02],
                                                                                       np.float32)))) == []
    assert differs(record(numpy32), record(TensorLeaf("numpy float64", (1,), np.array([8.2085006e-02])))
                   ) == ["outcome"]


def test_compare_structures_and_their_exact_types():
    t = leaf("float32", [1.0])
    assert differs(record(tuple_of(t, t)), record(Container("list", ((0, t), (1, t))))) == ["outcome"]
    assert differs(record(tuple_of(t, t)), record(Container("Pair", ((0, t), (1, t))))) == ["outcome"]
    assert differs(record(Container("dict", (("a", t),))), record(Container("dict", (("b", t),)))) == [
        "outcome"]
    assert differs(record(Container("dict", (("a", t),))),
                   record(Container("OrderedDict", (("a", t),)))) == ["outcome"]
    assert differs(record(tuple_of(t)), record(tuple_of(t, t))) == ["outcome"]
    assert differs(record(None), record(None)) == []


def test_compare_errors_by_category_and_the_core_of_the_message():
    a = ErrorOutcome("InvalidArgumentError", "indices[0] = 5 is not in [0, 1)")
    decorated = ErrorOutcome("InvalidArgumentError", "{{function_node __wrapped__GatherV2}} "
                             "indices[0] = 5 is not in [0, 1) [Op:GatherV2] name: ")
    assert differs(record(a), record(decorated)) == []
    assert differs(record(a), record(ErrorOutcome("InvalidArgumentError", "something else"))) == [
        "error message"]
    assert differs(record(a), record(ErrorOutcome("TypeError", a.message))) == ["outcome"]
    assert differs(record(a), record(ErrorOutcome("OpError", a.message))) == ["outcome"]


def test_messages_keep_their_stable_core():
    assert core("Graph execution error:\n\nDetected at node 'g':\nboom [Op:Gather]") == "boom"
    numpy = "'SymbolicTensor' object has no attribute 'numpy'"
    assert same_message(numpy, "in user code:\n\n  File ...\n    AttributeError: " + numpy)
    assert not same_message(numpy, "'Tensor' object has no attribute 'numpy'")
    # a wrapping message (binding, graph execution) must also keep its innermost line
    binding = "Binding inputs to ts.function failed due to `too many positional arguments`."
    assert same_message(binding, "in user code:\n\n" + binding)
    assert not same_message(binding, "Binding inputs to ts.function failed due to `other`.")
    graph = "Graph execution error:\n\nDetected at node 'f':\nInteger division by zero"
    assert same_message(graph, "Graph execution error:\n\nDetected at node FloorDiv defined at "
                        "...\nInteger division by zero\n\t [[{{node FloorDiv}}]]")
    assert not same_message(graph, "Integer division by zero")
    # a broadcast's shapes in either order (Grappler swaps an add's operands), but the same shapes
    broadcast = ("Graph execution error:\n\nDetected at node 'add_2' in graph 'f':\n"
                 "Incompatible shapes: [5] vs. [3]")
    assert same_message(broadcast, broadcast.replace("[5] vs. [3]", "[3] vs. [5]"))
    assert not same_message(broadcast, broadcast.replace("[5] vs. [3]", "[4] vs. [3]"))
    # a backend may declare its own pattern for a message, by the message's id
    assert same_message(numpy, "TracerArrayConversionError: ...",
                        {"symbolic-numpy": "TracerArrayConversionError"})
    # ... which compares the named groups it has, and only those
    returned = ("To be compatible with ts.function, Python functions must return zero or more Tensors "
                "or ExtensionTypes or None values; in compilation of <function f>, found return value "
                "of type str, which is not a Tensor or ExtensionType.")
    jax = "f returned a value of type <class 'str'> at output path [0], which is not a valid JAX type"
    assert same_message(returned, jax, {"return-type": r"which is not a valid JAX type"})
    assert same_message(returned, jax, {"return-type": r"of type <class '(?P<type>\w+)'>"})
    assert not same_message(returned, jax.replace("'str'", "'int'"),
                            {"return-type": r"of type <class '(?P<type>\w+)'>"})
    # a non-array argument (TRACE-6, JAX's text): the function's address aside, type and path agree
    refused = ("Error interpreting argument to <function f at 0x7f01> as an abstract array. The "
               "problematic value is of type <class 'Token'> and was passed to the function at path q.")
    assert same_message(refused, refused.replace("0x7f01", "0x7f02") + "\nThis typically means ...")
    assert not same_message(refused, refused.replace("path q", "path q[0]"))
    assert not same_message(refused, refused.replace("'Token'", "'str'"))


_OP_MESSAGES = {  # the ops' shape and dtype errors, the op's rule raising (OP-2, OP-4, OP-6)
    "broadcast": lambda: ts.constant([1, 2]) + ts.constant([1, 2, 3]),
    "matmul": lambda: ts.matmul(ts.ones([2, 3]), ts.ones([2, 3])),
    "rank": lambda: ts.concat([ts.ones([2]), ts.ones([2, 2])], 0),
    "reshape": lambda: ts.reshape(ts.ones([3]), [2]),
    "reshape-wildcard": lambda: ts.reshape(ts.ones([3]), [2, -1]),
    "concat-shapes": lambda: ts.concat([ts.ones([2, 1]), ts.ones([3, 2])], 0),
    "concat-scalars": lambda: ts.concat([ts.ones([]), ts.ones([])], 0),
    "stack-shapes": lambda: ts.stack([ts.ones([2]), ts.ones([3])]),
    "axis": lambda: ts.reduce_sum(ts.ones([2]), axis=3),
    "too-many-indices": lambda: ts.ones([2])[0, 0],
    "dtype-mismatch": lambda: ts.constant([1]) + ts.constant([1.5]),
    "list-dtype-mismatch": lambda: ts.concat([ts.ones([1]), ts.ones([1], ts.int32)], 0),
    "fixed-dtype": lambda: ts.logical_and(ts.constant([True]), ts.constant([1])),
    "dtype-not-allowed": lambda: -ts.constant([True]),
}


@pytest.mark.parametrize("eager", [True, False], ids=["eager-as-traced", "traced"])
@pytest.mark.parametrize("program", _OP_MESSAGES.values(), ids=_OP_MESSAGES)
def test_every_op_message_of_the_spec_has_an_id(program, eager):
    # so that a backend can declare its own words for it (Adapter.message_patterns)
    with policies.using(policies.Policies(eager_op_errors="as-traced")), pytest.raises(Exception) as caught:
        (program if eager else ts.function(program))()
    text = normalise(str(caught.value)).strip()
    assert [m.id for m in MESSAGES if re.fullmatch(m.pattern, text)]


@pytest.mark.parametrize("actual", [
    [Event("print", "trace")],                                 # kind
    [Event("python", "trace2")],                               # label
    [Event("python", "trace"), Event("python", "trace")],      # count
    [],
])
def test_compare_is_exact_on_event_kinds_labels_and_counts(actual):
    assert differs(record(events=[Event("python", "trace")]), record(events=actual)) == ["events"]


def test_compare_is_exact_on_event_order():
    a, b = Event("print", "A 1"), Event("py_function", "B", (2.0,))
    assert differs(record(events=[a, b]), record(events=[b, a])) == ["events"]


def test_effect_order_per_kind_accepts_only_each_kinds_own_order():  # EFFECT-4
    a1, a2 = Event("print", "A 1"), Event("print", "A 2")
    b1, b2 = Event("py_function", "B", (1.0,)), Event("py_function", "B", (2.0,))
    want = [a1, b1, a2, b2]
    for order in ([a1, a2, b1, b2], [b1, b2, a1, a2], [b1, a1, b2, a2]):
        assert compare([record(events=want)], [record(events=order)], effect_order="per-kind") == []
        assert differs(record(events=want), record(events=order)) == ["events"]  # program order
    for order in ([a2, a1, b1, b2], [a1, b2, a2, b1], [a1, b1, a2], [a1, b1, a2, b2, b2]):
        assert [d.aspect for d in compare([record(events=want)], [record(events=order)],
                                          effect_order="per-kind")] == ["events"]


def test_effect_order_none_accepts_any_order_of_the_same_events():  # EFFECT-4
    a1, a2 = Event("print", "A 1"), Event("print", "A 2")
    b1, b2 = Event("py_function", "B", (1.0,)), Event("py_function", "B", (2.0,))
    assert compare([record(events=[a1, b1, a2, b2])], [record(events=[b2, a2, b1, a1])],
                   effect_order="none") == []
    for other in ([a1, a1, b1, b2], [a1, a2, b1], [a1, a2, b1, Event("py_function", "B", (3.0,))]):
        assert [d.aspect for d in compare([record(events=[a1, b1, a2, b2])], [record(events=other)],
                                          effect_order="none")] == ["events"]


def test_py_function_values_compare_as_computed_values():
    want = record(events=[Event("py_function", "x", (1.5, 2.0))])
    close = np.nextafter(np.float32(1.5), np.float32(2))
    assert differs(want, record(events=[Event("py_function", "x", (float(close), 2.0))])) == []
    assert differs(want, record(events=[Event("py_function", "x", (1.6, 2.0))])) == ["events"]
    assert differs(want, record(events=[Event("py_function", "x", (1.5,))])) == ["events"]
    assert differs(record(events=[Event("py_function", "x", (10**8,))]),
                   record(events=[Event("py_function", "x", (10**8 + 1,))])) == ["events"]


def test_printed_text_is_exact_but_for_floats_within_two_ulps():
    assert same_printed("mid 1.4150391", "mid 1.4150391")
    next_up = np.nextafter(np.float32(1.4150391), np.float32(2))
    assert same_printed("mid 1.4150391", f"mid {next_up:.9g}")
    assert not same_printed("mid 1.4150391", "mid 1.41504")       # 6 digits where 8 are needed
    assert not same_printed("b [1 0]", "b [True False]")           # booleans print as 1/0
    assert not same_printed("x [1 2]", "x [1 3]")                  # integers exactly
    assert not same_printed("x [1 2 3 ... 8 9 10]", "x [1 2 3 4 5 6 7 8 9 10]")  # elision
    assert not same_printed("x 1", "x 1.0")
    assert same_printed("x [nan inf -inf]", "x [nan inf -inf]")
    assert not same_printed("x nan", "x inf")
    assert same_printed("x -nan", "x nan") and same_printed("v [nan -nan]", "v [-nan nan]")  # NaN's sign
    assert not same_printed("x -nan", "x -inf")
    # TF 2.21's graphs: Grappler computes `False - x` of zeros as -0, and 42 / 7.0 as 6.00000048
    assert same_printed("v1 [0 0 0]", "v1 [-0 -0 -0]") and same_printed("v [-0 1.5]", "v [0 1.5]")
    assert same_printed("ratio0 6", "ratio0 6.00000048") and same_printed("r 6.00000048", "r 6")
    assert not same_printed("r 6", "r 6.00000191")  # 4 ulps
    assert not same_printed("x 6", "x 6.0") and not same_printed("x 0", "x 0.0")  # one value, two texts


def test_a_python_print_of_a_float32_repr_compares_within_two_float32_ulps():
    # TF 2.21's eager exp(1.0) is 2.7182817459106445, NumPy's float32 exp 2.7182819843292236
    # (one ulp up); a body's print(repr(t)) shows the float32 value in float64's digits
    value = np.float32(2.7182817459106445)
    def line(v):
        return [Event("python", f"<ts.Tensor: shape=(), dtype=float32, numpy={float(v)!r}>")]
    one_up = np.nextafter(value, np.float32(3))
    three_up = np.nextafter(np.nextafter(one_up, np.float32(3)), np.float32(3))
    assert same_events(line(value), line(one_up))
    assert not same_events(line(value), line(three_up))
    e = [Event("python", "x 2.718281828459045")]  # a float64 value (not a float32's): float64 ulps
    assert not same_events(e, [Event("python", f"x {2.718281828459045 + 1e-9!r}")])
    assert not same_events([Event("python", "trace f")], [Event("python", "trace g")])


def test_compare_tracing_counts_exactly_and_numbers_steps_from_the_definitions():
    assert differs(record(counts={"f": 1, "g": 0}), record(counts={"f": 1, "g": 1})) == [
        "tracing count"]
    (d1, d2) = compare([record(leaf("int32", 1)), record(counts={"f": 2})],
                       [record(leaf("int32", 1)), record(leaf("int32", 2), counts={"f": 3})])
    assert (d1.step, d1.aspect, d2.step, d2.aspect) == (1, "outcome", 1, "tracing count")
    assert "{'f': 2}" in str(d2) and "{'f': 3}" in str(d2)


def test_compare_reports_a_different_number_of_steps():
    (difference,) = compare([record(), record()], [record()])
    assert difference.aspect == "steps run"


def test_ERROR_2_independent_failures_accept_any_of_their_categories():
    """A gather and a ``py_function`` fail independently: the reference names both, and a
    backend may report either one's class (found on TensorFlow by ``--profile thorough``)."""
    def fail(*tensors):
        raise KeyError("the callback fails")

    @ts.function
    def f(x, i):
        picked = ts.gather(x, i)
        ts.py_function(fail, [x], x.dtype)
        return picked

    with pytest.raises(ts.errors.InvalidArgumentError) as caught:
        f(ts.constant([1, 2]), ts.constant([-1]))
    assert [type(e).__name__ for e in caught.value.failures] == ["InvalidArgumentError", "UnknownError"]
    expected = ErrorOutcome("InvalidArgumentError", "m", ("UnknownError",))
    assert same_outcome(expected, ErrorOutcome("UnknownError", "m"))
    assert same_outcome(expected, ErrorOutcome("InvalidArgumentError", "m"))
    assert not same_outcome(expected, ErrorOutcome("TypeError", "m"))
    assert not same_outcome(ErrorOutcome("InvalidArgumentError", "m"), ErrorOutcome("UnknownError", "m"))
