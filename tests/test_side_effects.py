"""Chapter 4: side effects (rules EFFECT-1..8).

Python side effects are captured with lists and counters; ``ts.print`` output
with a ``StringIO`` (or the ``event_log`` fixture, which merges printed lines
into the same list as Python events so that their order can be checked).
"""

from __future__ import annotations

import io
from unittest import mock

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.adapters.mutants.base import Mutant
from tracespec.conformance import runner
from tracespec.conformance.scenario import BASE_REQUIREMENTS, Call, Scenario
from tracespec.reference import interpreter, policies

interpreter_nodes_to_run = interpreter.nodes_to_run

InvalidArgumentError = ts.errors.InvalidArgumentError


# --------------------------------------------------------------------------------------
# EFFECT-1: Python side effects run once per trace
# --------------------------------------------------------------------------------------

def test_EFFECT_1_python_print_runs_once_per_trace(capsys):
    @ts.function
    def f(x):
        print("PY print", x)
        return x

    f(1)
    f(1)
    f(2)
    f(ts.constant(3))
    f(ts.constant(4))
    assert capsys.readouterr().out.splitlines() == [
        "PY print 1",
        "PY print 2",
        'PY print Tensor("x:0", shape=(), dtype=int32)',
    ]
    assert f.experimental_get_tracing_count() == 3


_counter = 0


def test_EFFECT_1_global_counter_equals_the_tracing_count():
    global _counter
    _counter = 0

    @ts.function
    def bump(x):
        global _counter
        _counter += 1
        return x

    for value in range(5):
        bump(ts.constant(value))
    assert _counter == 1
    for value in range(5):
        bump(value)
    assert _counter == 6
    assert bump.experimental_get_tracing_count() == 6


def test_EFFECT_1_list_append_runs_once_per_trace():
    log = []

    @ts.function
    def f(x):
        log.append("traced")
        return x * 2

    results = [int(f(ts.constant(v))) for v in range(4)]
    assert results == [0, 2, 4, 6]
    assert log == ["traced"]


def test_EFFECT_1_python_iterator_is_advanced_only_at_trace_time():
    iterator = iter([1, 2, 3])

    @ts.function
    def nxt(x):
        return x + next(iterator)

    assert [int(nxt(ts.constant(0))) for _ in range(3)] == [1, 1, 1]
    assert next(iterator) == 2  # only one value was consumed


# --------------------------------------------------------------------------------------
# EFFECT-2: ts.print runs on every call
# --------------------------------------------------------------------------------------

def test_EFFECT_2_ts_print_runs_on_every_call_python_print_per_trace(event_log):
    events, stream = event_log

    @ts.function
    def f(x):
        events.append(f"PY print {x}")
        ts.print("TF print", x, output_stream=stream)
        return x

    for value in (1, 1, 2, ts.constant(3), ts.constant(4)):
        f(value)
    assert events == [
        "PY print 1", "TF print 1",
        "TF print 1",
        "PY print 2", "TF print 2",
        'PY print Tensor("x:0", shape=(), dtype=int32)', "TF print 3",
        "TF print 4",
    ]


def test_EFFECT_2_prints_come_out_in_program_order():
    stream = io.StringIO()

    @ts.function
    def f(x):
        ts.print("A", output_stream=stream)
        y = x * 2
        ts.print("B", y, output_stream=stream)
        ts.print("C", output_stream=stream)
        return y

    f(ts.constant(1))
    f(ts.constant(5))
    assert stream.getvalue() == "A\nB 2\nC\nA\nB 10\nC\n"


def test_EFFECT_2_print_sep_and_end():
    stream = io.StringIO()
    ts.print("a", 1, [1, 2], ts.constant(1), sep="|", output_stream=stream)
    ts.print("end", end="!\n", output_stream=stream)
    assert stream.getvalue() == "a|1|[1, 2]|1\nend!\n"  # TF 2.21 tf.print output


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (ts.constant(1.5), "1.5"),
        (ts.constant(2.0), "2"),
        (ts.constant(-0.0), "-0"),
        (ts.constant(1 / 3), "0.333333343"),
        (ts.constant(1 / 3, dtype=ts.float64), "0.33333333333333331"),
        (ts.constant(0.1), "0.1"),
        (ts.constant(1e-8), "1e-08"),
        (ts.constant(1e10), "1e+10"),
        (ts.constant(123456789.0), "123456792"),
        (ts.constant(2**40), "1099511627776"),
        (ts.constant(True), "1"),
        (ts.constant([True, False]), "[1 0]"),
        (ts.constant([1.5, 2.0, 0.25]), "[1.5 2 0.25]"),
        (ts.constant([[1, 10], [100, 2]]), "[[1 10]\n [100 2]]"),
        (ts.constant("abc"), "abc"),
        (ts.constant(["a", "bc"]), '["a" "bc"]'),
        (ts.range(6), "[0 1 2 3 4 5]"),
        (ts.range(7), "[0 1 2 ... 4 5 6]"),
        (ts.reshape(ts.range(14), [7, 2]),
         "[[0 1]\n [2 3]\n [4 5]\n ...\n [8 9]\n [10 11]\n [12 13]]"),
        (ts.zeros([0]), "[]"),
    ],
    ids=repr,
)
def test_EFFECT_2_print_formats_tensors_like_tf_print(value, printed):
    # every expected text is what TF 2.21's tf.print writes for the same tensor
    stream = io.StringIO()
    ts.print(value, output_stream=stream)
    assert stream.getvalue() == printed + "\n"


# --------------------------------------------------------------------------------------
# EFFECT-3: ts.py_function runs on every execution, eagerly
# --------------------------------------------------------------------------------------

def test_EFFECT_3_py_function_runs_on_every_call_with_eager_values():
    calls = []

    def side(x):
        calls.append((ts.executing_eagerly(), type(x).__name__, x.numpy().tolist()))
        return x * 2

    @ts.function
    def pf(x):
        return ts.py_function(side, [x], ts.int32)

    results = [pf(ts.constant([i])).numpy().tolist() for i in range(3)]
    assert results == [[0], [2], [4]]
    assert calls == [(True, "EagerTensor", [0]), (True, "EagerTensor", [1]),
                     (True, "EagerTensor", [2])]
    assert pf.experimental_get_tracing_count() == 1


def test_EFFECT_3_py_function_counter_reads_three_after_three_calls():
    counter = {"n": 0}

    def pyside(x):
        counter["n"] += 1
        return x

    @ts.function
    def f(x):
        return ts.py_function(pyside, [x], ts.float32)

    for _ in range(3):
        f(ts.constant(1.0))
    assert counter["n"] == 3


def test_EFFECT_3_py_function_with_several_outputs_and_dtype_conversion():
    @ts.function
    def multi(x):
        a, b = ts.py_function(lambda v: (v, v.numpy() * 2), [x], [ts.int32, ts.int32])
        return a, b

    a, b = multi(ts.constant(3))
    assert (a.dtype, int(a)) == (ts.int32, 3)
    assert (b.dtype, int(b)) == (ts.int32, 6)
    single = ts.function(lambda x: ts.py_function(lambda v: 0.5, [x], ts.float64))
    out = single(ts.constant(1))
    assert (out.dtype, float(out)) == (ts.float64, 0.5)


def test_EFFECT_3_py_function_also_runs_at_top_level():
    calls = []
    out = ts.py_function(lambda v: calls.append(int(v)) or v + 1, [ts.constant(4)], ts.int32)
    assert calls == [4]
    assert int(out) == 5


# --------------------------------------------------------------------------------------
# EFFECT-4: stateful ops always run, in program order
# --------------------------------------------------------------------------------------

def test_EFFECT_4_unused_stateful_ops_run_in_program_order(event_log):
    events, stream = event_log

    @ts.function
    def order(x):
        ts.print("A", output_stream=stream)
        ts.py_function(lambda: events.append("B") or 0, [], ts.int32)  # result unused
        ts.print("C", x, output_stream=stream)
        ts.py_function(lambda: events.append("D") or 0, [], ts.int32)  # result unused
        return x

    order(ts.constant(1))
    order(ts.constant(2))
    assert events == ["A", "B", "C 1", "D", "A", "B", "C 2", "D"]


def test_EFFECT_4_stateful_ops_after_the_return_value_still_run(event_log):
    events, stream = event_log

    @ts.function
    def f(x):
        y = x + 1
        ts.print("after", y, output_stream=stream)
        return y

    assert int(f(ts.constant(1))) == 2
    assert events == ["after 2"]


def test_EFFECT_4_stateful_ops_in_a_nested_function_run_even_if_its_result_is_unused(event_log):
    events, stream = event_log

    @ts.function
    def inner(x):
        ts.print("inner", x, output_stream=stream)
        return x

    @ts.function
    def outer(x):
        inner(x)  # the call's result is unused
        return x * 3

    assert int(outer(ts.constant(2))) == 6
    assert int(outer(ts.constant(3))) == 9
    assert events == ["inner 2", "inner 3"]


def test_EFFECT_4_a_called_function_runs_inlined_so_its_failure_stops_only_its_dependents(event_log):
    """Probed on TensorFlow 2.21: ``0 // a`` failing inside the first call does not stop the second
    call's print; a failing ``py_function`` (stateful) does, and so does every later effect."""
    events, stream = event_log

    @ts.function
    def divide(a):
        ts.print("dividing", a, output_stream=stream)
        return 0 // a

    @ts.function
    def twice(x):
        return divide(x), divide(x)

    with pytest.raises(ts.errors.InvalidArgumentError, match="Integer division by zero"):
        twice(ts.constant(0))
    assert events == ["dividing 0", "dividing 0"]
    events.clear()

    def boom(a):
        raise ValueError("boom")

    @ts.function
    def failing_effect(a):
        ts.print("w1", a, output_stream=stream)
        ts.py_function(boom, [a], ts.int32)
        return a

    @ts.function
    def calls(x):
        failing_effect(x)
        failing_effect(x)
        ts.print("after", output_stream=stream)
        return x

    with pytest.raises(ts.errors.InvalidArgumentError, match="boom"):
        calls(ts.constant(1))
    assert events == ["w1 1"]


def test_EFFECT_5_an_unused_op_of_a_called_function_is_pruned(event_log):
    """Probed on TensorFlow 2.21: the callee's failing ``gather`` feeds only the unused result."""
    events, stream = event_log

    @ts.function
    def unused_gather(x):
        ts.print("inside", output_stream=stream)
        return ts.gather(x, [5])

    @ts.function
    def caller(x):
        unused_gather(x)
        return x

    assert caller(ts.constant([1, 2])).numpy().tolist() == [1, 2]
    assert events == ["inside"]


def _kinds_grouped(graph):
    """A backend whose stateful ops run grouped by kind: every print after every py_function."""
    nodes = interpreter_nodes_to_run(graph)
    prints = [n for n in nodes if n.primitive.name == "print"]
    return [n for n in nodes if n not in prints] + prints


@pytest.mark.parametrize("effect_order, conforms", [("program", False), ("per-kind", True),
                                                    ("none", True)])
def test_EFFECT_4_effect_order_decides_which_orders_conform(effect_order, conforms):
    """A backend that keeps each kind's order but not the order between kinds conforms under
    ``effect_order="per-kind"`` or ``"none"`` and violates EFFECT-4 under ``"program"``."""
    program = (
        "@ts.function\n"
        "def f(x):\n"
        "    ts.print('A', x)\n"
        "    ts.py_function(effect('B'), [x], ts.int32)\n"
        "    ts.print('C', x)\n"
        "    return x\n"
    )
    scenario = Scenario("effect order", program, (Call("f", "ts.constant(1)"),), ("f",),
                        requires=BASE_REQUIREMENTS | {"print", "py_function"})
    adapter = Mutant(__name__, "prints after py_functions",
                     lambda: [mock.patch.object(interpreter, "nodes_to_run", _kinds_grouped)], [])
    adapter.policies = policies.Policies(effect_order=effect_order)
    if conforms:
        runner.check(scenario, adapter, False, "import tracespec.reference as ts")
    else:
        with pytest.raises(runner.Violation, match=r"\(events\)"):
            runner.check(scenario, adapter, False, "import tracespec.reference as ts")


# --------------------------------------------------------------------------------------
# EFFECT-5: unused stateless ops are pruned
# --------------------------------------------------------------------------------------

def _unused_gather(x):
    ts.gather(x, [5])  # out of range, and unused
    return x


def test_EFFECT_5_unused_failing_stateless_op_is_pruned_in_a_graph():
    result = ts.function(_unused_gather)(ts.constant([0.0]))
    np.testing.assert_array_equal(result.numpy(), np.array([0.0], np.float32))


def test_EFFECT_5_eager_runs_every_op_so_the_error_happens():
    # TF 2.21: "indices[0] = 5 is not in [0, 1) [Op:GatherV2]"
    pattern = r"indices\[0\] = 5 is not in \[0, 1\)"
    with pytest.raises(InvalidArgumentError, match=pattern):
        _unused_gather(ts.constant([0.0]))
    ts.config.run_functions_eagerly(True)
    with pytest.raises(InvalidArgumentError, match=pattern):
        ts.function(_unused_gather)(ts.constant([0.0]))


def test_EFFECT_5_a_used_failing_op_fails_the_graph():
    @ts.function
    def used(x):
        return ts.gather(x, [5])

    with pytest.raises(InvalidArgumentError, match=r"indices\[0\] = 5 is not in \[0, 1\)"):
        used(ts.constant([0.0]))


def _unused_gather_of_a_scalar(x):
    ts.gather(x, [0])  # a 0-d tensor has no axis 0: the op's rule rejects it
    return x


def test_EFFECT_5_an_unused_op_whose_shapes_its_rule_rejects_fails_the_trace():
    # TF 2.21: "Shape must be at least rank 1 but is rank 0 for '{{node GatherV2}} = ...'"
    f = ts.function(_unused_gather_of_a_scalar)
    with pytest.raises(ValueError, match="Shape must be at least rank 1 but is rank 0 for"):
        f(ts.constant(1.0))
    assert f.experimental_get_tracing_count() == 0


@pytest.mark.parametrize("eager", [True, False], ids=["eager", "traced"])
def test_EFFECT_5_as_traced_an_unused_gather_of_a_scalar_raises_in_both_modes(eager):
    # JAX 0.10.2, an unused jnp.take(x, [0], axis=0) of a 0-d x, under jax_disable_jit and jit:
    # "ValueError: axis 0 is out of bounds for array of dimension 0".
    run = _unused_gather_of_a_scalar if eager else ts.function(_unused_gather_of_a_scalar)
    with (policies.using(policies.Policies(eager_op_errors="as-traced")),
          pytest.raises(ValueError, match="Shape must be at least rank 1 but is rank 0") as caught):
        run(ts.constant(1.0))
    assert not isinstance(caught.value, InvalidArgumentError)


def test_EFFECT_5_pruning_follows_data_dependencies():
    @ts.function
    def f(x):
        bad = ts.gather(x, [5])
        also_unused = bad * 2  # depends on the failing op, unused too
        del also_unused
        ok = x * 2
        return ok

    np.testing.assert_array_equal(f(ts.constant([1.0])).numpy(), [2.0])

    @ts.function
    def g(x):
        bad = ts.gather(x, [5])
        return x + ts.reduce_sum(bad) * 0  # used, even if multiplied by zero

    with pytest.raises(InvalidArgumentError):
        g(ts.constant([1.0]))


# --------------------------------------------------------------------------------------
# EFFECT-6: Python control flow over Python values runs at trace time
# --------------------------------------------------------------------------------------

def test_EFFECT_6_python_if_traces_only_the_taken_branch(event_log):
    events, stream = event_log

    @ts.function
    def f(x, positive):
        if positive:
            events.append("trace true")
            ts.print("run true", output_stream=stream)
            return x
        events.append("trace false")
        ts.print("run false", output_stream=stream)
        return -x

    assert int(f(ts.constant(2), True)) == 2
    assert int(f(ts.constant(3), True)) == 3
    assert events == ["trace true", "run true", "run true"]
    assert int(f(ts.constant(3), False)) == -3
    assert events[3:] == ["trace false", "run false"]
    assert f.experimental_get_tracing_count() == 2


def test_EFFECT_6_python_for_loop_is_unrolled_at_trace_time(event_log):
    events, stream = event_log

    @ts.function
    def f(x):
        for i in range(3):
            events.append(f"trace {i}")
            ts.print("step", x, output_stream=stream)
            x = x + i
        return x

    assert int(f(ts.constant(10))) == 13
    assert int(f(ts.constant(20))) == 23
    assert events == [
        "trace 0", "trace 1", "trace 2",
        "step 10", "step 10", "step 11",
        "step 20", "step 20", "step 21",
    ]


def test_EFFECT_6_loop_over_a_list_of_tensors_unrolls():
    seen = []

    @ts.function
    def total(xs):
        acc = ts.constant(0)
        for x in xs:
            seen.append(str(x))
            acc = acc + x
        return acc

    assert int(total([ts.constant(1), ts.constant(2), ts.constant(3)])) == 6
    assert int(total([ts.constant(4), ts.constant(5), ts.constant(6)])) == 15
    assert len(seen) == 3  # one trace, three unrolled iterations
    assert all(s.startswith('Tensor("') for s in seen)


# --------------------------------------------------------------------------------------
# EFFECT-7: free and global Python values are frozen at trace time
# --------------------------------------------------------------------------------------

foo = 1
global_tensor = ts.constant(1)


def test_EFFECT_7_global_python_value_is_frozen_until_a_retrace():
    global foo
    foo = 1

    @ts.function
    def buggy_add(x):
        return x + foo

    try:
        assert int(buggy_add(ts.constant(1))) == 2
        foo = 100
        assert int(buggy_add(ts.constant(1))) == 2
        assert buggy_add.experimental_get_tracing_count() == 1
        # a new argument type retraces, and the new trace reads the new value
        np.testing.assert_array_equal(buggy_add(ts.constant([1])).numpy(), [101])
        assert int(buggy_add(ts.constant(1))) == 2  # the old trace keeps the old value
    finally:
        foo = 1


def test_EFFECT_7_global_eager_tensor_is_captured_by_value():
    global global_tensor
    global_tensor = ts.constant(1)

    @ts.function
    def add_global(x):
        return x + global_tensor

    try:
        assert int(add_global(ts.constant(1))) == 2
        global_tensor = ts.constant(10)
        assert int(add_global(ts.constant(1))) == 2
        np.testing.assert_array_equal(add_global(ts.constant([1])).numpy(), [11])
    finally:
        global_tensor = ts.constant(1)


def test_EFFECT_7_closure_values_are_frozen_too():
    scale = 2.0

    @ts.function
    def f(x):
        return x * scale

    assert float(f(ts.constant(1.0))) == 2.0
    scale = 5.0
    assert float(f(ts.constant(1.0))) == 2.0
    # run eagerly, the body reads the live value
    ts.config.run_functions_eagerly(True)
    assert float(f(ts.constant(1.0))) == 5.0


# --------------------------------------------------------------------------------------
# EFFECT-8: a Python guard on Python state is evaluated only at trace time
# --------------------------------------------------------------------------------------

class Model:
    def __init__(self, stream):
        self.counter = 0
        self.stream = stream

    @ts.function
    def __call__(self, x):
        if self.counter == 0:
            self.counter += 1
            ts.print("initialising", output_stream=self.stream)
        return x


def test_EFFECT_8_guarded_op_is_baked_into_the_graph():
    stream = io.StringIO()
    model = Model(stream)
    for _ in range(3):
        model(ts.constant(1))
    assert model.counter == 1
    assert stream.getvalue() == "initialising\n" * 3  # TF 2.21: printed on every call


def test_EFFECT_8_eagerly_the_guard_is_checked_on_every_call():
    stream = io.StringIO()
    model = Model(stream)
    ts.config.run_functions_eagerly(True)
    for _ in range(3):
        model(ts.constant(1))
    assert model.counter == 1
    assert stream.getvalue() == "initialising\n"


# -- Fidelity to TensorFlow 2.21 (each expected text observed with tf.print / tf.py_function) ----

def _printed(*values, **options):
    stream = io.StringIO()
    ts.print(*values, output_stream=stream, **options)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        # TF: structures print with their tensors' values, dict keys sorted, strings repr'd inside
        (lambda x: ([x, 1],), "[[1.5 2.5], 1]\n"),
        (lambda x: ({"b": [x, 2], "a": "s"},), "{'a': 's', 'b': [[1.5 2.5], 2]}\n"),
        (lambda x: ((x, "s"),), "([1.5 2.5], 's')\n"),
        (lambda x: ("s", [x]), "s [[1.5 2.5]]\n"),
        (lambda x: ([x > 2.0],), "[[0 1]]\n"),
        (lambda x: (ts.constant("q"), [ts.constant("q")]), '"q" ["q"]\n'),
        (lambda x: (None, 1.5, [1, 2]), "None 1.5 [1, 2]\n"),
        # TF: string elements are C-escaped (Utf8SafeCEscape); a lone scalar string is raw
        (lambda x: (ts.constant(['a"b', "a\nb", "\\", "\t", "it's", "\x7f"]),),
         '["a\\"b" "a\\nb" "\\\\" "\\t" "it\\\'s" "\\177"]\n'),
        (lambda x: (ts.constant("it's\n"),), "it's\n\n"),
        (lambda x: ("lit", ts.constant("it's\n")), 'lit "it\\\'s\\n"\n'),
        # TF: rank 3 blocks separated by a blank line; empty inner dimensions; empty bool
        (lambda x: (ts.reshape(ts.range(8), [2, 2, 2]),),
         "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]\n"),
        (lambda x: (ts.zeros([2, 0]),), "[\n ...]\n"),
        (lambda x: (ts.zeros([2, 0, 3]),), "[\n\n ...]\n"),
        (lambda x: (ts.zeros([0, 3]),), "[]\n"),
        (lambda x: ("pre", ts.zeros([2, 0], ts.bool), "post"), "pre  post\n"),
        # TF: a subnormal float prints as 0 (the CPU reads it as zero)
        (lambda x: (ts.constant(np.float32(1e-45)),), "0\n"),
    ],
)
def test_EFFECT_2_print_text_follows_tf_print(make, expected):
    x = ts.constant([1.5, 2.5])
    assert _printed(*make(x)) == expected

    @ts.function
    def traced(v):
        stream = io.StringIO()
        ts.print(*make(v), output_stream=stream)
        outputs.append(stream)
        return v

    outputs: list[io.StringIO] = []
    traced(x)
    assert outputs[0].getvalue() == expected  # the same text when the graph runs


@pytest.mark.parametrize(
    ("raised", "category"),
    [
        # TF: the OpError class a callback's exception becomes (py_func.cc)
        (ValueError("v"), ts.errors.InvalidArgumentError),
        (TypeError("t"), ts.errors.InvalidArgumentError),
        (UnicodeError("u"), ts.errors.InvalidArgumentError), (StopIteration(), ts.errors.OutOfRangeError),
        (MemoryError(), ts.errors.ResourceExhaustedError),
        (NotImplementedError(), ts.errors.UnimplementedError),
        (KeyError("k"), ts.errors.UnknownError), (ZeroDivisionError(), ts.errors.UnknownError),
        (RuntimeError("r"), ts.errors.UnknownError), (IndexError("i"), ts.errors.UnknownError),
    ],
)
def test_EFFECT_3_a_callbacks_exception_maps_to_tensorflows_class(raised, category):
    def callback(x):
        raise raised

    for run in (lambda: ts.py_function(callback, [ts.constant(1.0)], ts.float32),
                lambda: ts.function(lambda x: ts.py_function(callback, [x], ts.float32))(ts.constant(1.0))):
        with pytest.raises(category) as caught:
            run()
        assert type(caught.value) is category
        assert f"{type(raised).__name__}: {raised}" in str(caught.value)  # TF: "KeyError: 'k'"


def test_EFFECT_3_an_op_error_inside_a_callback_is_unknown():
    # TF: UnknownError "InvalidArgumentError: ... indices[0] = 5 is not in [0, 2) ..."
    def callback(x):
        return ts.gather(x, [5])

    message = r"InvalidArgumentError: indices\[0\] = 5 is not in \[0, 2\)"
    with pytest.raises(ts.errors.UnknownError, match=message):
        ts.py_function(callback, [ts.constant([1.0, 2.0])], ts.float32)


def test_EFFECT_3_extra_results_are_dropped_missing_ones_fail():
    # TF: (a, a) for Tout=float32 -> a; a 3-tuple for [f32, f32] -> the first two; one value for two
    # -> InvalidArgumentError "pyfunc_N returns 1 values, but expects to see 2 values."; None for
    # float32 -> "... returns 0 values, but expects to see 1 values."; 2**40 for int32 wraps to 0.
    a = ts.constant(1.5)
    assert ts.py_function(lambda v: (v, v), [a], ts.float32).numpy() == 1.5
    assert len(ts.py_function(lambda v: (v, v, v), [a], [ts.float32, ts.float32])) == 2
    with pytest.raises(InvalidArgumentError,
                       match=r"pyfunc_\d+ returns 1 values, but expects to see 2 values\."):
        ts.py_function(lambda v: v, [a], [ts.float32, ts.float32])
    with pytest.raises(InvalidArgumentError, match=r"returns 0 values, but expects to see 1 values\."):
        ts.py_function(lambda v: None, [a], ts.float32)
    assert ts.py_function(lambda v: 2**40, [a], ts.int32).numpy() == 0


def test_EFFECT_4_after_a_failed_op_only_what_depends_on_it_stops():
    # TF (graph, x a TensorSpec([None]) argument):
    #   print('A'); gather(x, [5]); print('B'); return gather   -> prints A, B, then raises
    #   print('A'); print('B', gather(x, [5])); print('C')       -> prints A only (C is chained after B)
    #   print('A'); py_function(raises); print('B')              -> prints A only
    out = []

    def say(tag):
        return lambda *args: out.append(tag) or 0

    @ts.function(input_signature=[ts.TensorSpec([None])])
    def independent(x):
        ts.py_function(say("A"), [], ts.int32)
        y = ts.gather(x, [5])
        ts.py_function(say("B"), [], ts.int32)
        return y

    @ts.function(input_signature=[ts.TensorSpec([None])])
    def dependent(x):
        ts.py_function(say("A"), [], ts.int32)
        ts.py_function(say("B"), [ts.gather(x, [5])], ts.int32)
        ts.py_function(say("C"), [], ts.int32)
        return x

    def raises():
        raise ValueError("no")

    @ts.function(input_signature=[ts.TensorSpec([None])])
    def after_a_failed_callback(x):
        ts.py_function(say("A"), [], ts.int32)
        ts.py_function(raises, [], ts.int32)
        ts.py_function(say("B"), [], ts.int32)
        return x

    for function, printed in ((independent, ["A", "B"]), (dependent, ["A"]),
                              (after_a_failed_callback, ["A"])):
        out.clear()
        with pytest.raises(InvalidArgumentError):
            function(ts.constant([1.0, 2.0]))
        assert out == printed, function


def test_EFFECT_2_a_nan_prints_with_its_sign_bit():
    # TF: tf.print(np.float32(nan)) -> "nan"; of -nan, of 0 * inf and of log(-1.0) -> "-nan"
    assert _printed(ts.constant(np.float32(np.nan)), ts.constant([-np.nan, 1.0])) == "nan [-nan 1]\n"
    assert _printed(ts.constant(0.0) * ts.constant(np.inf), ts.log(ts.constant(-1.0))) == "-nan -nan\n"
