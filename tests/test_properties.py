"""Hypothesis properties of the reference runtime.

1. Random pure programs give bitwise-identical results (or the same error
   category) at top level, run eagerly through ``ts.function`` and traced, and
   the dtype and shape an independent abstract interpretation predicts (OP-1).
2. Over random call sequences of tensors, the tracing count is the number of
   distinct (dtype, shape) signatures seen (TRACE-3, TRACE-9).
3. Over random Python-literal arguments, it is the number of distinct values
   under ``==`` (NaN equal to NaN), and every call returns the value of the
   first-traced equal literal (TRACE-4).
4. Python side effects run once per trace (or per call when run eagerly),
   while ``ts.print`` and ``ts.py_function`` run once per call (EFFECT-1..3,
   EAGER-2, EAGER-3).

Every expectation is computed in the test from the drawn data, never read back
from the runtime under test.
"""

from __future__ import annotations

import io
import math
import operator
from dataclasses import dataclass

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tracespec.reference as ts

InvalidArgumentError = ts.errors.InvalidArgumentError

NUMERIC = ("int32", "int64", "float32", "float64")
FLOATING = ("float32", "float64")
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


def elements(dtype_name):
    """Moderate element values: small integers, finite floats."""
    if dtype_name in FLOATING:
        width = 32 if dtype_name == "float32" else 64
        return st.floats(-100, 100, width=width, allow_nan=False, allow_infinity=False)
    if dtype_name == "bool":
        return st.booleans()
    return st.integers(-20, 20)


def np_dtype(dtype_name):
    return np.dtype(np.bool_) if dtype_name == "bool" else np.dtype(dtype_name)


# --------------------------------------------------------------------------------------
# Property 1: random pure programs, three modes, bitwise equal
# --------------------------------------------------------------------------------------

UNARY = ("negative", "abs", "square")
UNARY_FLOAT = ("sqrt", "exp", "log")
BINARY = ("add", "subtract", "multiply", "maximum", "minimum", "divide", "floordiv", "mod")
# A leading Python literal is written with the reflected operator (``2 - t``), which converts
# it to the tensor's dtype; ``ts.subtract(2, t)`` would convert it on its own (TENSOR-2).
OPERATORS = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
             "divide": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod}
REDUCTIONS = ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min")


@dataclass(frozen=True)
class Abstract:
    """What the test predicts about an intermediate value: its dtype and shape."""

    dtype: str
    shape: tuple[int, ...]


def _binary_dtype(op, dtype):
    return "float64" if op == "divide" and dtype not in FLOATING else dtype


def draw_step(data, value: Abstract, y: Abstract, index: int):
    """Draw one step applicable to ``value``; return (step, abstract result)."""
    rank = len(value.shape)
    kinds = ["unary", "binary self", "binary literal", "reduce", "reshape", "cast", "where"]
    if value.dtype in FLOATING:
        kinds.append("unary float")
    if value.dtype == y.dtype:
        try:
            np.broadcast_shapes(value.shape, y.shape)
            kinds.append("binary y")
        except ValueError:
            pass
    if rank >= 1:
        kinds += ["reverse", "concat", "stack"]
        if value.shape[0] > 0:
            kinds += ["first", "gather"]
    if rank == 2:
        kinds.append("matmul")
    kind = data.draw(st.sampled_from(kinds), label=f"step {index} kind")
    if kind == "unary":
        op = data.draw(st.sampled_from(UNARY), label=f"step {index} op")
        return ("unary", op), value
    if kind == "unary float":
        op = data.draw(st.sampled_from(UNARY_FLOAT), label=f"step {index} op")
        return ("unary", op), value
    if kind in ("binary self", "binary y"):
        op = data.draw(st.sampled_from(BINARY), label=f"step {index} op")
        shape = value.shape if kind == "binary self" else np.broadcast_shapes(value.shape, y.shape)
        return (kind, op), Abstract(_binary_dtype(op, value.dtype), tuple(shape))
    if kind == "binary literal":
        op = data.draw(st.sampled_from(BINARY), label=f"step {index} op")
        literal_strategy = st.integers(-3, 3)
        if value.dtype in FLOATING:
            literal_strategy = st.one_of(literal_strategy, st.sampled_from([0.5, -1.5, 2.0]))
        literal = data.draw(literal_strategy, label=f"step {index} literal")
        reflected = op in OPERATORS and data.draw(st.booleans(),
                                                  label=f"step {index} literal on the left")
        return ("binary literal", op, literal, reflected), Abstract(
            _binary_dtype(op, value.dtype), value.shape
        )
    if kind == "reduce":
        op = data.draw(st.sampled_from(REDUCTIONS), label=f"step {index} op")
        axis = data.draw(st.one_of(st.none(), st.integers(-rank, rank - 1)) if rank else st.none(),
                         label=f"step {index} axis")
        keepdims = data.draw(st.booleans(), label=f"step {index} keepdims")
        reduced = set(range(rank)) if axis is None else {axis % rank}
        shape = tuple(1 if i in reduced else d for i, d in enumerate(value.shape)
                      if keepdims or i not in reduced)
        return ("reduce", op, axis, keepdims), Abstract(value.dtype, shape)
    if kind == "reshape":
        size = math.prod(value.shape)
        target = data.draw(st.sampled_from([[-1], [1, -1], [-1, 1]]), label=f"step {index} shape")
        shape = tuple(size if d == -1 else d for d in target)
        return ("reshape", tuple(target)), Abstract(value.dtype, shape)
    if kind == "cast":
        target = data.draw(st.sampled_from(NUMERIC), label=f"step {index} cast to")
        return ("cast", target), Abstract(target, value.shape)
    if kind == "where":
        return ("where",), value
    if kind == "reverse":
        return ("reverse",), value
    if kind == "first":
        return ("first",), Abstract(value.dtype, value.shape[1:])
    if kind == "gather":
        count = value.shape[0]
        indices = data.draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=3),
                            label=f"step {index} indices")
        return ("gather", tuple(indices)), Abstract(value.dtype, (len(indices), *value.shape[1:]))
    if kind == "concat":
        return ("concat",), Abstract(value.dtype, (value.shape[0] * 2, *value.shape[1:]))
    if kind == "stack":
        return ("stack",), Abstract(value.dtype, (2, *value.shape))
    assert kind == "matmul"
    rows = value.shape[0]
    return ("matmul",), Abstract(value.dtype, (rows, rows))


def apply_step(step, v, y):
    kind = step[0]
    if kind == "unary":
        return getattr(ts, step[1])(v)
    if kind == "binary self":
        return getattr(ts, step[1])(v, v)
    if kind == "binary y":
        return getattr(ts, step[1])(v, y)
    if kind == "binary literal":
        _, op, literal, reflected = step
        return OPERATORS[op](literal, v) if reflected else getattr(ts, op)(v, literal)
    if kind == "reduce":
        _, op, axis, keepdims = step
        return getattr(ts, op)(v, axis=axis, keepdims=keepdims)
    if kind == "reshape":
        return ts.reshape(v, list(step[1]))
    if kind == "cast":
        return ts.cast(v, getattr(ts, step[1]))
    if kind == "where":
        return ts.where(v > 0, v, -v)
    if kind == "reverse":
        return v[::-1]
    if kind == "first":
        return v[0]
    if kind == "gather":
        return ts.gather(v, list(step[1]))
    if kind == "concat":
        return ts.concat([v, v], 0)
    if kind == "stack":
        return ts.stack([v, v])
    assert kind == "matmul"
    rows, cols = v.shape
    return ts.matmul(v, ts.reshape(v, [cols, rows]))


def make_program(steps):
    def program(x, y):
        v = x
        for step in steps:
            v = apply_step(step, v, y)
        return v

    return program


def outcome(call):
    """('ok', dtype name, shape, bytes) or ('error', category); other exceptions propagate."""
    try:
        result = call()
    except InvalidArgumentError:
        return ("error", "InvalidArgumentError")
    array = np.asarray(result.numpy())
    return ("ok", result.dtype.name, tuple(result.shape), array.dtype.str, array.tobytes())


@PROPERTY_SETTINGS
@given(data=st.data())
def test_OP_1_property_random_pure_programs_are_bitwise_equal_across_modes(data):
    dtype = data.draw(st.sampled_from(NUMERIC), label="input dtype")
    x_shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
                        label="x shape")
    y_shape = data.draw(hnp.broadcastable_shapes(x_shape, min_dims=0, max_dims=3, max_side=4),
                        label="y shape")
    x = data.draw(hnp.arrays(np_dtype(dtype), x_shape, elements=elements(dtype)), label="x")
    y = data.draw(hnp.arrays(np_dtype(dtype), y_shape, elements=elements(dtype)), label="y")
    count = data.draw(st.integers(1, 6), label="number of steps")
    value, y_abstract = Abstract(dtype, tuple(x_shape)), Abstract(dtype, tuple(y_shape))
    steps = []
    for index in range(count):
        step, value = draw_step(data, value, y_abstract, index)
        steps.append(step)

    program = make_program(steps)
    tx, ty = ts.constant(x), ts.constant(y)
    function = ts.function(program)
    top_level = outcome(lambda: program(tx, ty))
    ts.config.run_functions_eagerly(True)
    try:
        run_eagerly = outcome(lambda: function(tx, ty))
    finally:
        ts.config.run_functions_eagerly(False)
    traced = outcome(lambda: function(tx, ty))
    event(f"outcome: {top_level[0]}")
    assert run_eagerly == top_level
    assert traced == top_level
    if top_level[0] == "ok":
        assert top_level[1:3] == (value.dtype, value.shape)  # the independent prediction


# --------------------------------------------------------------------------------------
# Property 2: tracing count == number of distinct (dtype, shape) signatures
# --------------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(data=st.data())
def test_TRACE_3_property_tracing_count_is_the_number_of_distinct_signatures(data):
    pool = data.draw(
        st.lists(
            st.tuples(st.sampled_from((*NUMERIC, "bool")),
                      hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3)),
            min_size=1, max_size=4, unique=True,
        ),
        label="signature pool",
    )
    order = data.draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=12),
                      label="call order")
    runs = []

    @ts.function
    def f(x):
        runs.append("trace")
        return ts.identity(x)

    seen = set()
    for call, index in enumerate(order):
        dtype, shape = pool[index]
        value = data.draw(hnp.arrays(np_dtype(dtype), shape, elements=elements(dtype)),
                          label=f"call {call} value")
        as_numpy = data.draw(st.booleans(), label=f"call {call} passes NumPy")
        result = f(value if as_numpy else ts.constant(value))
        seen.add((dtype, tuple(shape)))
        assert f.experimental_get_tracing_count() == len(seen)
        assert len(runs) == len(seen)
        assert result.dtype.name == dtype
        assert np.asarray(result.numpy()).tobytes() == value.tobytes()


# --------------------------------------------------------------------------------------
# Property 3: Python literals are keyed by ==
# --------------------------------------------------------------------------------------

LITERALS = st.one_of(
    st.integers(-2, 2),
    st.sampled_from([0.0, -0.0, 1.0, 2.5, math.inf, math.nan]),
    st.booleans(),
    st.sampled_from(["", "a", "b"]),
    st.none(),
)


def literal_equal(a, b):
    """Python ``==``, except that NaN equals NaN (catalogue rule 15)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


EXPECTED_DTYPE = {bool: "bool", int: "int32", float: "float32", str: "string"}


@PROPERTY_SETTINGS
@given(values=st.lists(LITERALS, min_size=1, max_size=12))
def test_TRACE_4_property_literals_trace_once_per_distinct_value(values):
    @ts.function
    def f(x):
        return x

    representatives = []
    for value in values:
        matches = [r for r in representatives if literal_equal(r, value)]
        if not matches:
            representatives.append(value)
        first = matches[0] if matches else value
        result = f(value)
        assert f.experimental_get_tracing_count() == len(representatives)
        # the graph traced for the first equal value is reused, with that value baked in
        if first is None:
            assert result is None
            continue
        assert result.dtype.name == EXPECTED_DTYPE[type(first)]
        got = result.numpy()
        if isinstance(first, str):
            assert got == first.encode()
        elif isinstance(first, float) and math.isnan(first):
            assert math.isnan(got)
        else:
            assert got == first


# --------------------------------------------------------------------------------------
# Property 4: Python effects per trace, ts.print and py_function per call
# --------------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(data=st.data())
def test_EFFECT_1_property_python_effects_per_trace_runtime_effects_per_call(data):
    pool = data.draw(
        st.lists(st.tuples(st.sampled_from(NUMERIC),
                           hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)),
                 min_size=1, max_size=3, unique=True),
        label="tensor signature pool",
    )
    calls = data.draw(
        st.lists(st.tuples(st.integers(0, len(pool) - 1), st.integers(0, 2), st.booleans()),
                 min_size=1, max_size=10),
        label="calls (signature, literal, run eagerly)",
    )
    python_effects, host_calls = [], []
    stream = io.StringIO()

    @ts.function
    def f(x, k):
        python_effects.append(k)
        ts.print("tick", output_stream=stream)
        ts.py_function(lambda: host_calls.append(k) or 0, [], ts.int32)
        return x

    traced_keys = set()
    expected_python_effects = 0
    for number, (index, k, eagerly) in enumerate(calls, start=1):
        dtype, shape = pool[index]
        value = np.zeros(shape, dtype=np_dtype(dtype))
        ts.config.run_functions_eagerly(eagerly)
        try:
            f(ts.constant(value), k)
        finally:
            ts.config.run_functions_eagerly(False)
        key = (dtype, tuple(shape), k)
        if eagerly:
            expected_python_effects += 1
        elif key not in traced_keys:
            traced_keys.add(key)
            expected_python_effects += 1
        assert f.experimental_get_tracing_count() == len(traced_keys)
        assert len(python_effects) == expected_python_effects
        assert stream.getvalue() == "tick\n" * number
        assert len(host_calls) == number
