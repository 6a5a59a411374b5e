"""Chapter 10: variables and state (rules VAR-1..13).

Expected values are TensorFlow 2.21's, as observed (/work/scratch/state/FINDINGS.md, F1 and
F2), or computed here from the program's arithmetic.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.reference import policies

InvalidArgumentError = ts.errors.InvalidArgumentError
SINGLETON = "only supports singleton ts.Variables created on the first call"
LATE = "Creating variables on a non-first call to a function decorated with ts.function."


# --------------------------------------------------------------------------------------
# VAR-1: creating a variable
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, dtype, shape", [
    (1.0, "float32", ()), (1, "int32", ()), ([1, 2, 3], "int32", (3,)), ([1, 2.5], "float32", (2,)),
    (np.float64(1.5), "float64", ()), (np.array([1.0, 2.0]), "float64", (2,)), (True, "bool", ()),
    ("s", "string", ()),
])
def test_VAR_1_dtype_and_shape_are_inferred_as_for_constants(value, dtype, shape):
    v = ts.Variable(value)
    assert (v.dtype.name, v.shape) == (dtype, shape)


def test_VAR_1_a_callable_initial_value_is_called_once():
    calls = []

    def initial():
        calls.append(1)
        return ts.ones([2]) * 3

    v = ts.Variable(initial)
    assert calls == [1]
    assert v.numpy().tolist() == [3.0, 3.0]


def test_VAR_1_an_explicit_dtype_converts_python_values_but_never_casts_tensors():
    assert ts.Variable(2, dtype=ts.float32).numpy() == np.float32(2.0)
    with pytest.raises(TypeError, match=r"Cannot convert 2\.5 to EagerTensor of dtype int32"):
        ts.Variable(2.5, dtype=ts.int32)
    with pytest.raises(ValueError, match=r"^initial_value: Tensor conversion requested dtype int32"):
        ts.Variable(ts.constant(2.5), dtype=ts.int32)


def test_VAR_1_bad_arguments():
    with pytest.raises(ValueError, match=r"The `initial_value` arg to `ts\.Variable` must be specified"):
        ts.Variable()
    with pytest.raises(ValueError, match="non-rectangular"):
        ts.Variable([[1], [2, 3]])
    with pytest.raises(ValueError, match=r"initial value's shape \(\(2,\)\) is not compatible with the "
                                         r"explicitly supplied `shape` argument \(\[3\]\)"):
        ts.Variable([1.0, 2.0], shape=[3])
    with pytest.raises(ValueError, match="name for name_scope must be a string"):
        ts.Variable(1.0, name=3)


def test_VAR_1_names_get_a_suffix_and_are_never_made_unique():
    assert [ts.Variable(0.0).name for _ in range(3)] == ["Variable:0"] * 3
    assert ts.Variable(0.0, name="w").name == ts.Variable(1.0, name="w").name == "w:0"
    assert ts.Variable(0.0, name="").name == ":0"


def test_VAR_1_trainable_defaults_to_true_and_is_not_validated():
    assert ts.Variable(1.0).trainable is True
    assert ts.Variable(1.0, trainable=None).trainable is True
    assert ts.Variable(1.0, trainable=False).trainable is False
    assert ts.Variable(1.0, trainable="yes").trainable == "yes"


def test_VAR_1_a_declared_none_dimension_stays_free():
    v = ts.Variable([1.0, 2.0], shape=[None])
    assert v.shape == (None,)
    assert repr(ts.Variable([1.0], shape=None)).startswith("<ts.Variable 'Variable:0' shape=(1,)")


def test_VAR_1_repr_and_python_protocols():
    v = ts.Variable(1.0)
    assert repr(v) == str(v) == "<ts.Variable 'Variable:0' shape=() dtype=float32, numpy=1.0>"
    assert repr(ts.Variable([[1.0, 2.0], [3.0, 4.0]], name="mat")) == (
        "<ts.Variable 'mat:0' shape=(2, 2) dtype=float32, numpy=\narray([[1., 2.],\n       [3., 4.]], "
        "dtype=float32)>")
    assert (float(ts.Variable(2.5)), int(ts.Variable(2.7)), bool(ts.Variable(1.0))) == (2.5, 2, True)
    assert ts.is_tensor(v)
    with pytest.raises(TypeError, match="has no len"):
        len(ts.Variable([1.0, 2.0]))
    with pytest.raises(TypeError, match="bad operand type for unary"):
        +v  # noqa: B018
    with pytest.raises(TypeError, match=r"Variable is unhashable. Instead, use variable.ref\(\)"):
        hash(v)
    with pytest.raises(ValueError, match=r"Attempt to convert a value \(None\)"):
        v == None  # noqa: E711, B015
    assert [float(x) for x in ts.Variable([1.0, 2.0, 3.0])] == [1.0, 2.0, 3.0]
    assert np.array(ts.Variable([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_VAR_1_ops_and_operators_read_the_current_value_and_return_tensors():
    v = ts.Variable(3.0)
    results = [v + 1, 1 + v, v * v, 2 - v, v / 2, v ** 2, -v, abs(v), ts.square(v), v == 3.0, v < 4.0]
    assert all(type(r) is ts.EagerTensor for r in results)
    assert [float(r) for r in results] == [4.0, 4.0, 9.0, -1.0, 1.5, 9.0, -3.0, 3.0, 9.0, 1.0, 1.0]
    m = ts.Variable([[1.0, 2.0], [3.0, 4.0]])
    assert (m @ m).numpy().tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert m[:, 0].numpy().tolist() == [1.0, 3.0]
    with pytest.raises(InvalidArgumentError):
        ts.Variable(1) + 1.5


# --------------------------------------------------------------------------------------
# VAR-2: captured by reference
# --------------------------------------------------------------------------------------

def test_VAR_2_assign_between_calls_is_seen_without_retracing():
    gv = ts.Variable(1.0)

    @ts.function
    def read():
        return gv + 1

    assert float(read()) == 2.0
    gv.assign(100.0)
    assert float(read()) == 101.0
    gv.assign_add(1.0)
    assert float(read()) == 102.0
    assert read.experimental_get_tracing_count() == 1


def test_VAR_2_rebinding_the_name_is_not_seen():
    holder = {"v": ts.Variable(1.0)}

    @ts.function
    def read():
        return holder["v"] * 2

    assert float(read()) == 2.0
    holder["v"] = ts.Variable(40.0)
    assert float(read()) == 2.0


def test_VAR_2_the_graph_holds_a_handle_and_reads_it():
    v = ts.Variable(1.0, name="cap")

    @ts.function
    def read():
        return v + 1

    concrete = read.get_concrete_function()
    names = [node.primitive.name for node in concrete.graph.nodes]
    assert "read_variable" in names and "constant" in names  # the 1, never the variable's value
    assert [outer for outer, _ in concrete.graph.captures] == [v.handle]
    assert "ts.resource" in concrete.pretty_printed_signature()


def test_VAR_2_while_tracing_a_variable_has_no_value():
    v = ts.Variable(1.0, name="cap")
    seen = []

    @ts.function
    def look():
        seen.append(repr(v))
        return v.numpy()

    with pytest.raises(NotImplementedError, match=r"numpy\(\) is only available when eager execution"):
        look()
    assert seen == ["<ts.Variable 'cap:0' shape=() dtype=float32>"]


# --------------------------------------------------------------------------------------
# VAR-3 and VAR-4: the first call's two traces, and lifting
# --------------------------------------------------------------------------------------

class _Accumulator(ts.Module):
    def __init__(self, log):
        super().__init__()
        self.v = None
        self.log = log

    @ts.function
    def __call__(self, x):
        self.log.append(ts.executing_eagerly())
        if self.v is None:
            self.v = ts.Variable(0.0, name="acc")
        self.v.assign_add(x)
        return self.v.read_value()


def test_VAR_3_the_first_call_traces_twice_and_the_variable_persists():
    log = []
    acc = _Accumulator(log)
    assert float(acc(ts.constant(1.0))) == 1.0
    assert log == [False, False]
    assert acc.__call__.experimental_get_tracing_count() == 2
    assert float(acc(ts.constant(1.0))) == 2.0
    assert log == [False, False] and acc.__call__.experimental_get_tracing_count() == 2
    assert acc.v.name == "acc:0" and float(acc.v) == 2.0


def test_VAR_3_a_new_signature_adds_one_trace_without_doubling():
    slot = []

    @ts.function
    def f(x):
        if not slot:
            slot.append(ts.Variable(10.0))
        return slot[0] + x

    assert float(f(ts.constant(1.0))) == 11.0
    assert f.experimental_get_tracing_count() == 2
    assert f(ts.constant([1.0, 2.0])).numpy().tolist() == [11.0, 12.0]
    assert f.experimental_get_tracing_count() == 3


def test_VAR_3_each_instance_traces_and_creates_on_its_own():
    first, second = _Accumulator([]), _Accumulator([])
    first(ts.constant(1.0))
    second(ts.constant(5.0))
    first(ts.constant(1.0))
    assert (float(first.v), float(second.v)) == (2.0, 5.0)
    assert first.v is not second.v
    counts = [m.__call__.experimental_get_tracing_count() for m in (first, second)]
    assert counts == [2, 2]


def test_VAR_3_only_the_creating_function_doubles():
    slot, outer_runs = [], []

    @ts.function
    def inner(x):
        if not slot:
            slot.append(ts.Variable(1.0))
        return slot[0] * x

    @ts.function
    def outer(x):
        outer_runs.append(1)
        return inner(x) + 1

    assert float(outer(ts.constant(3.0))) == 4.0
    assert (outer.experimental_get_tracing_count(), inner.experimental_get_tracing_count()) == (1, 2)
    assert outer_runs == [1]


def test_VAR_3_get_concrete_function_as_first_trace_creates_and_traces_twice():
    hold = []

    @ts.function
    def f(x):
        if not hold:
            hold.append(ts.Variable(5.0))
        return hold[0] * x

    f.get_concrete_function(ts.TensorSpec([], ts.float32))
    assert f.experimental_get_tracing_count() == 2 and float(hold[0]) == 5.0
    assert float(f(ts.constant(2.0))) == 10.0
    assert f.experimental_get_tracing_count() == 2


def test_VAR_4_a_constant_initial_value_is_lifted_and_the_first_trace_never_runs():
    made, out = [], io.StringIO()

    @ts.function
    def f(x):
        if not made:
            made.append(ts.Variable(1.0))
            ts.print("made", output_stream=out)
        ts.print("body", output_stream=out)
        return made[0] + x

    assert float(f(ts.constant(1.0))) == 2.0
    assert float(f(ts.constant(1.0))) == 2.0
    assert out.getvalue() == "body\nbody\n"


def test_VAR_4_an_initial_value_from_the_arguments_runs_the_first_trace_once():
    made, out = [], io.StringIO()

    @ts.function
    def f(x):
        if not made:
            made.append(ts.Variable(x * 2))
            ts.print("made", output_stream=out)
        ts.print("body", output_stream=out)
        return made[0] + x

    assert float(f(ts.constant(3.0))) == 9.0
    assert float(f(ts.constant(100.0))) == 106.0
    assert out.getvalue() == "made\nbody\nbody\n"
    assert f.experimental_get_tracing_count() == 2


@pytest.mark.parametrize("initial", [
    lambda x: ts.Variable(lambda: x * 2), lambda x: ts.Variable(x * 0 + 6),
])
def test_VAR_4_initial_values_keep_the_first_calls_value(initial):
    made = []

    @ts.function
    def f(x):
        if not made:
            made.append(initial(x))
        return made[0] + 0

    assert float(f(ts.constant(3.0))) == 6.0
    assert float(f(ts.constant(100.0))) == 6.0


# --------------------------------------------------------------------------------------
# VAR-5 and VAR-6: creation on a later trace
# --------------------------------------------------------------------------------------

def test_VAR_5_unconditional_creation_fails_in_the_second_trace():
    runs = []

    @ts.function
    def mk(x):
        runs.append(1)
        v = ts.Variable(1.0)
        return v + x

    with pytest.raises(ValueError, match=SINGLETON):
        mk(ts.constant(1.0))
    assert len(runs) == 2 and mk.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError, match=SINGLETON):
        mk(ts.constant(1.0))
    assert len(runs) == 3 and mk.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("second_call", [
    lambda f: f(ts.constant(1), 2), lambda f: f(ts.constant(1.0), 2),
    lambda f: f.get_concrete_function(ts.TensorSpec([], ts.int32), 2),
])
def test_VAR_5_a_retrace_that_creates_fails(second_call):
    store = {}

    @ts.function
    def f(x, k):
        if k not in store:
            store[k] = ts.Variable(float(k))
        return store[k] + ts.cast(x, ts.float32)

    assert float(f(ts.constant(1.0), 1)) == 2.0
    with pytest.raises(ValueError, match=SINGLETON):
        second_call(f)
    assert list(store) == [1] and f.experimental_get_tracing_count() == 2


def test_VAR_5_a_first_trace_that_creates_then_fails_leaves_calls_returning_none():
    slot, runs = [], []

    @ts.function
    def f(x):
        runs.append(1)
        if not slot:
            slot.append(ts.Variable(0.5))
        slot[0].assign_add(x)
        return slot[0] + x

    with pytest.raises(ValueError, match="Shapes must be equal rank"):
        f(ts.constant([0.0, 0.0]))
    assert f(ts.constant(1.0)) is None and f(ts.constant([1.0, 2.0])) is None
    assert runs == [1] and f.experimental_get_tracing_count() == 0
    with pytest.raises(TypeError, match=r"replace\(\) should be called on dataclass instances"):
        f.get_concrete_function(ts.TensorSpec([], ts.float32))
    assert slot[0].numpy().tolist() == []  # never initialised


def test_VAR_6_late_creation_fails_after_the_call_and_then_everything_retraces():
    store, traces = {}, []

    @ts.function
    def f(x):
        traces.append(x.dtype.name)
        if x.dtype == ts.int32 and "v" not in store:
            store["v"] = ts.Variable(100)
        return store["v"] + x if x.dtype == ts.int32 else x * 2

    assert float(f(ts.constant(1.0))) == 2.0
    with pytest.raises(ValueError, match=f"^{LATE}$"):
        f(ts.constant(1))
    assert f.experimental_get_tracing_count() == 2 and int(store["v"]) == 100  # initialised by the run
    assert int(f(ts.constant(1))) == 101
    assert float(f(ts.constant(2.0))) == 4.0  # traced before, traced again
    assert f.experimental_get_tracing_count() == 4
    assert traces == ["float32", "int32", "int32", "float32"]


def test_VAR_6_after_late_creation_a_further_creation_gets_the_singleton_message():
    @ts.function
    def g(flag):
        if flag:
            return ts.Variable(1.0) + 1
        return ts.constant(0.0)

    g(False)
    with pytest.raises(ValueError, match=f"^{LATE}$"):
        g(True)
    with pytest.raises(ValueError, match=SINGLETON):
        g(True)
    assert float(g(False)) == 0.0 and g.experimental_get_tracing_count() == 3


def test_VAR_6_a_variable_made_by_a_late_concrete_function_is_uninitialised_and_reads_empty():
    st = []

    @ts.function
    def h(x):
        if x.dtype == ts.int32 and not st:
            st.append(ts.Variable(1))
            return st[0] + x
        return x

    h(ts.constant(1.0))
    with pytest.raises(ValueError, match=f"^{LATE}$"):
        h.get_concrete_function(ts.TensorSpec([], ts.int32))
    assert st[0].numpy().tolist() == []


# --------------------------------------------------------------------------------------
# VAR-7: automatic control dependencies
# --------------------------------------------------------------------------------------

def _both_modes(body):
    """``body`` eagerly (undecorated) and traced; each gets a fresh variable starting at 0."""
    eager_v = ts.Variable(0.0)
    traced_v = ts.Variable(0.0)
    eager = body(eager_v)
    traced = ts.function(lambda: body(traced_v))()
    return eager, traced, float(eager_v), float(traced_v)


def _values(result):
    return [float(r) for r in (result if isinstance(result, tuple) else (result,))]


@pytest.mark.parametrize("body, expected, final", [
    (lambda v: (v.assign(1.0), v.assign_add(10.0), v.read_value(), v.assign(100.0))[2], [11.0], 100.0),
    (lambda v: (v.assign_add(1.0), v.read_value())[1], [1.0], 1.0),
    (lambda v: (v.read_value(), v + 0, ts.identity(v), v.value(), v.assign(100.0))[:4],
     [0.0, 0.0, 0.0, 0.0], 100.0),
    (lambda v: (lambda r: (v.assign(8.0), r + 0)[1])(v.assign(7.0)), [8.0], 8.0),
    (lambda v: (lambda s: (v.assign(8.0), s)[1])(v.assign(7.0) + 0), [7.0], 8.0),
    (lambda v: (v * 1, v.assign_add(5.0), v * 1, v.assign_add(5.0), v * 1)[::2], [0.0, 5.0, 10.0], 10.0),
    (lambda v: (v.assign(1.0), v.assign(v * 2), v.assign(v + 1), v.read_value())[3], [3.0], 3.0),
])
def test_VAR_7_reads_and_writes_keep_program_order(body, expected, final):
    eager, traced, eager_final, traced_final = _both_modes(body)
    assert _values(eager) == _values(traced) == expected
    assert eager_final == traced_final == final


def test_VAR_7_unused_writes_still_run():
    v = ts.Variable(0.0)

    @ts.function
    def f():
        v.assign_add(1.0)
        v.assign_add(1.0)
        v.assign(v + 40.0)
        return 0

    f()
    f()
    assert float(v) == 84.0


def test_VAR_7_prints_interleave_with_reads_and_writes(event_log):
    events, stream = event_log
    v = ts.Variable(0.0)

    @ts.function
    def f():
        early = v.read_value()
        ts.print("A", v, output_stream=stream)
        v.assign_add(1.0)
        ts.print("B", v, output_stream=stream)
        v.assign_add(1.0)
        ts.print("C", v.read_value(), "early", early, output_stream=stream)

    f()
    assert events == ["A 0", "B 1", "C 2 early 0"]


def test_VAR_7_nested_functions_are_ordered_like_any_stateful_op():
    v = ts.Variable(0.0)

    @ts.function
    def inner_inc():
        return v.assign_add(1.0)

    @ts.function
    def inner_read():
        return v.read_value()

    @ts.function
    def outer():
        a = inner_inc()
        b = inner_read()
        v.assign(10.0)
        c = inner_read()
        d = inner_inc()
        return a, b, c, d, v.read_value()

    assert _values(outer()) == [1.0, 1.0, 10.0, 11.0, 11.0]


def test_VAR_7_the_python_guard_runs_once_and_the_write_every_call():
    class Model(ts.Module):
        def __init__(self):
            super().__init__()
            self.v = ts.Variable(0)
            self.counter = 0

        @ts.function
        def __call__(self):
            if self.counter == 0:
                self.counter += 1
                self.v.assign_add(1)
            return self.v.read_value()

    model = Model()
    assert [int(model()) for _ in range(3)] == [1, 2, 3]
    ts.config.run_functions_eagerly(True)
    eager = Model()
    assert [int(eager()) for _ in range(3)] == [1, 1, 1]


# --------------------------------------------------------------------------------------
# VAR-8: variables as arguments
# --------------------------------------------------------------------------------------

def test_VAR_8_variables_with_one_spec_share_a_trace_and_the_body_writes_the_callers():
    @ts.function
    def bump(v):
        v.assign_add(1.0)
        return v.read_value()

    v1, v2 = ts.Variable(1.0), ts.Variable(10.0)
    assert float(bump(v1)) == 2.0 and float(v1) == 2.0
    assert float(bump(v2)) == 11.0 and float(v2) == 11.0
    assert bump.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("other", [
    lambda: ts.Variable(1.0, trainable=False), lambda: ts.Variable([1.0, 2.0]), lambda: ts.Variable(1),
    lambda: ts.Variable([1.0, 2.0], shape=[None]), lambda: ts.constant(1.0),
])
def test_VAR_8_trainable_shape_dtype_and_tensors_are_other_keys(other):
    @ts.function
    def same(v):
        return v + 0

    same(ts.Variable(1.0))
    same(other())
    assert same.experimental_get_tracing_count() == 2


def test_VAR_8_aliasing_is_part_of_the_key():
    @ts.function
    def two(p, q):
        return p + q

    v1, v2 = ts.Variable(1.0), ts.Variable(2.0)
    two(v1, v2)
    two(v2, v1)
    assert two.experimental_get_tracing_count() == 1
    assert float(two(v1, v1)) == 2.0
    two(v2, v2)
    assert two.experimental_get_tracing_count() == 2

    @ts.function
    def listed(vs):
        return vs[0] + vs[1]

    listed([v1, v2])
    listed([v2, v1])
    listed([v1, v1])
    assert listed.experimental_get_tracing_count() == 2
    assert "VariableSpec(shape=(), dtype=ts.float32, trainable=True, alias_id=0)" in (
        two.pretty_printed_concrete_signatures())


def test_VAR_8_fresh_variables_reuse_the_trace_of_a_training_step():
    @ts.function
    def step(w, x):
        w.assign_sub(0.1 * x)
        return w.read_value()

    for _ in range(3):
        step(ts.Variable([1.0, 2.0]), ts.constant([1.0, 1.0]))
    assert step.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# VAR-9: the run-eagerly switch
# --------------------------------------------------------------------------------------

def test_VAR_9_every_eager_call_creates_a_fresh_variable():
    made = []

    @ts.function
    def mkv(x):
        v = ts.Variable(1.0)
        made.append(v)
        v.assign_add(x)
        return v

    ts.config.run_functions_eagerly(True)
    results = [mkv(ts.constant(1.0)) for _ in range(2)]
    assert [r is m for r, m in zip(results, made)] == [True, True]
    assert [float(r) for r in results] == [2.0, 2.0]
    assert mkv.experimental_get_tracing_count() == 0
    ts.config.run_functions_eagerly(False)
    with pytest.raises(ValueError, match=SINGLETON):
        mkv(ts.constant(1.0))
    assert mkv.experimental_get_tracing_count() == 1


def test_VAR_9_created_under_the_switch_then_traced_once():
    holder = []

    @ts.function
    def f(x):
        if not holder:
            holder.append(ts.Variable(0.0))
        holder[0].assign_add(x)
        return holder[0].read_value()

    ts.config.run_functions_eagerly(True)
    assert [float(f(ts.constant(1.0))) for _ in range(2)] == [1.0, 2.0]
    ts.config.run_functions_eagerly(False)
    assert [float(f(ts.constant(1.0))) for _ in range(2)] == [3.0, 4.0]
    assert f.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# VAR-10: writing checks dtype and shape
# --------------------------------------------------------------------------------------

def test_VAR_10_conversions_on_assign():
    w = ts.Variable(1.0)
    w.assign(1)
    assert float(w) == 1.0
    w.assign(np.float64(2.5))
    assert float(w) == 2.5
    with pytest.raises(ValueError, match=r"conversion requested dtype float32 for Tensor with dtype int32"):
        w.assign(ts.constant(1))
    with pytest.raises(TypeError, match=r"Cannot convert 2\.5 to EagerTensor of dtype int32"):
        ts.Variable(1).assign(2.5)
    with pytest.raises(TypeError, match=r"Cannot convert 1\.5 to EagerTensor of dtype int32"):
        ts.Variable(1).assign_add(1.5)


@pytest.mark.parametrize("value, shown", [([1.0, 2.0, 3.0], "(3,)"), (5.0, "()")])
def test_VAR_10_assign_needs_a_compatible_shape_eagerly_and_traced(value, shown):
    message = (f"Cannot assign value to variable ' Variable:0': Shape mismatch.The variable shape (2,), "
               f"and the assigned value shape {shown} are incompatible.")
    v = ts.Variable([1.0, 2.0])
    with pytest.raises(ValueError) as eager:
        v.assign(value)
    with pytest.raises(ValueError) as traced:
        ts.function(lambda: v.assign(value))()
    assert str(eager.value) == str(traced.value) == message


def test_VAR_10_assign_add_needs_the_exact_shape():
    v = ts.Variable([1.0, 2.0])
    with pytest.raises(InvalidArgumentError, match=r"Cannot update variable with shape \[2\] using a Tensor "
                                                   r"with shape \[\], shapes must be equal"):
        v.assign_add(1.0)
    with pytest.raises(InvalidArgumentError, match=r"with shape \[3\]"):
        v.assign_sub([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 1 and 0"):
        ts.function(lambda: v.assign_sub(1.0))()
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal, but are 2 and 3"):
        ts.function(lambda: v.assign_add([1.0, 2.0, 3.0]))()
    assert v.numpy().tolist() == [1.0, 2.0]


def test_VAR_10_a_shape_known_only_at_run_time_is_checked_when_the_graph_runs():
    v = ts.Variable([1.0, 2.0])

    @ts.function(input_signature=[ts.TensorSpec([None], ts.float32)])
    def put(x):
        v.assign(x)

    put(ts.constant([5.0, 6.0]))
    with pytest.raises(InvalidArgumentError, match=r"wrong shape. Expected \[2\] got \[3\]"):
        put(ts.constant([1.0, 2.0, 3.0]))
    assert v.numpy().tolist() == [5.0, 6.0]


def test_VAR_10_a_free_dimension_takes_any_length():
    v = ts.Variable([1.0, 2.0], shape=[None])
    v.assign([1.0, 2.0, 3.0])
    assert v.shape == (None,) and v.numpy().tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match=r"variable shape \(None,\), and the assigned value shape \(1, 1\)"):
        v.assign([[1.0]])


# --------------------------------------------------------------------------------------
# VAR-11: assign results and returned variables
# --------------------------------------------------------------------------------------

def test_VAR_11_assign_returns_a_live_alias_or_none():
    w = ts.Variable(0.0)
    r = w.assign(3.0)
    w.assign(7.0)
    assert repr(r) == "<ts.Variable 'UnreadVariable' shape=() dtype=float32, numpy=7.0>"
    assert float(r + 0) == 7.0 and r is not w
    assert float(w.assign(1.0).assign_add(2.0)) == 3.0 and float(w) == 3.0
    assert w.assign(5.0, read_value=False) is None
    assert w.assign_add(1.0, read_value=False) is None and float(w) == 6.0


def test_VAR_11_a_returned_variable_is_read_after_every_write():
    q = ts.Variable(0.0)

    @ts.function
    def rets():
        r1 = q.assign(5.0)
        r2 = q.assign_add(1.0)
        q.assign(2.0, read_value=False)
        return r1, r2, {"v": q, "t": (q, 1)}

    r1, r2, d = rets()
    assert all(type(t) is ts.EagerTensor for t in (r1, r2, d["v"], d["t"][0]))
    assert [float(r1), float(r2), float(d["v"]), float(d["t"][0])] == [2.0, 2.0, 2.0, 2.0]
    assert float(ts.function(lambda: q.assign(2.0) * 3)()) == 6.0


def test_VAR_11_under_the_switch_the_variable_itself_comes_back():
    cap = ts.Variable(1.0)

    @ts.function
    def ret():
        return cap

    assert type(ret()) is ts.EagerTensor
    ts.config.run_functions_eagerly(True)
    assert ret() is cap


# --------------------------------------------------------------------------------------
# VAR-12: the variables policy
# --------------------------------------------------------------------------------------

def test_VAR_12_unsupported_variables_raise_and_the_default_is_tensorflows():
    assert policies.TENSORFLOW.variables == "singleton"
    with policies.using(policies.Policies(variables="unsupported")), \
            pytest.raises(NotImplementedError, match="variables='unsupported'"):
        ts.Variable(1.0)
    assert float(ts.Variable(1.0)) == 1.0


def test_VAR_12_a_backend_declaring_unsupported_has_variable_scenarios_skipped():
    from tracespec.adapters.reference import ReferenceAdapter
    from tracespec.conformance.runner import Unsupported, observe
    from tracespec.conformance.scenario import Call, handwritten

    class NoVariables(ReferenceAdapter):
        name = "no-variables"
        policies = policies.Policies(variables="unsupported")

    scenario = handwritten("variables-and-state", "VAR-2", """
        v = ts.Variable(1.0)

        @ts.function
        def f():
            return v + 1
        """, Call("f"), requires=("variables",))
    with pytest.raises(Unsupported, match="variables"):
        observe(scenario, NoVariables(), eager=False)


# --------------------------------------------------------------------------------------
# VAR-13: ts.Module
# --------------------------------------------------------------------------------------

class _Dense(ts.Module):
    def __init__(self, tag=""):
        super().__init__()
        self.w = ts.Variable(1.0, name=f"{tag}w")
        self.b = ts.Variable(0.0, name=f"{tag}b")
        self.frozen = ts.Variable(2.0, name=f"{tag}frozen", trainable=False)


class _Container(ts.Module):
    def __init__(self):
        super().__init__()
        self.layers = [_Dense("l0."), _Dense("l1.")]
        self.d = {"b": ts.Variable(0.0, name="db"), "a": ts.Variable(0.0, name="da")}
        self.t = (ts.Variable(0.0, name="t0"), ts.Variable(0.0, name="t1"))
        self.plain = ts.Variable(0.0, name="plain")
        self.same = self.plain
        self.nested = [[ts.Variable(0.0, name="nn")]]


def _names(variables):
    return [v.name[:-2] for v in variables]


def test_VAR_13_names():
    class MyModel(ts.Module):
        pass

    class HTTPLayer2D(ts.Module):
        pass

    assert (ts.Module().name, _Dense().name, MyModel().name, HTTPLayer2D().name) == (
        "module", "__dense", "my_model", "http_layer2_d")  # TensorFlow's regular expression
    assert ts.Module(name="my_mod").name == "my_mod"
    for bad in ("bad name", "1abc"):
        with pytest.raises(ValueError, match=f"'{bad}' is not a valid module name"):
            ts.Module(name=bad)


def test_VAR_13_variables_in_tensorflows_order():
    dense = _Dense()
    assert _names(dense.variables) == ["b", "frozen", "w"]
    assert _names(dense.trainable_variables) == ["b", "w"]
    container = _Container()
    assert _names(container.variables) == [
        "da", "db", "nn", "plain", "t0", "t1", "l0.b", "l0.frozen", "l0.w", "l1.b", "l1.frozen", "l1.w"]
    assert isinstance(container.variables, tuple) and len(container.submodules) == 2
    container.layers.append(_Dense("l2."))
    container.later = ts.Variable(0.0, name="later")
    assert _names(container.variables)[:7] == ["da", "db", "later", "nn", "plain", "t0", "t1"]
    assert len(container.submodules) == 3 and ts.Module().variables == ()


def test_VAR_13_a_function_method_has_one_cache_per_instance_and_creates_lazily():
    class Lazy(ts.Module):
        def __init__(self):
            super().__init__()
            self.w = None

        @ts.function
        def __call__(self, x):
            if self.w is None:
                self.w = ts.Variable(ts.ones([x.shape[1], 2]), name="w")
            return ts.matmul(x, self.w)

    a, b = Lazy(), Lazy()
    assert a.variables == ()
    a(ts.ones([1, 3]))
    b(ts.ones([1, 4]))
    assert [v.shape for v in a.variables] == [(3, 2)] and [v.shape for v in b.variables] == [(4, 2)]
    assert a.__call__ is not b.__call__
    a(ts.ones([5, 3]))
    assert a.__call__.experimental_get_tracing_count() == 3


def test_VAR_7_reads_and_writes_keep_order_in_graph_loops_and_conditionals(event_log):
    events, stream = event_log
    total = ts.Variable(0.0)

    @ts.function
    def accumulate(xs):
        for x in xs:
            total.assign_add(x)
            ts.print("running total", total, output_stream=stream)
        if total > 5.0:
            total.assign(0.0)
        return total.read_value()

    assert float(accumulate(ts.constant([1.0, 2.0, 3.0]))) == 0.0
    assert float(accumulate(ts.constant([4.0, 0.5, 0.5]))) == 5.0
    assert accumulate.experimental_get_tracing_count() == 1
    assert events == ["running total 1", "running total 3", "running total 6",
                      "running total 4", "running total 4.5", "running total 5"]


def test_VAR_7_a_write_in_a_branch_runs_only_when_the_branch_is_taken():
    v = ts.Variable(0)

    @ts.function
    def bump(flag):
        ts.cond(flag, lambda: v.assign_add(1), lambda: v.assign_add(0))
        return v.read_value()

    assert [int(bump(ts.constant(b))) for b in (True, False, True)] == [1, 1, 2]


def test_VAR_7_a_write_in_a_while_body_runs_every_iteration():
    v = ts.Variable(1.0)

    @ts.function
    def doubling(n):
        def body(i):
            v.assign(v * 2.0)
            return [i + 1]
        ts.while_loop(lambda i: i < n, body, [0])
        return v.read_value()

    assert float(doubling(ts.constant(3))) == 8.0
    assert float(doubling(ts.constant(2))) == 32.0
