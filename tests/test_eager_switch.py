"""Chapter 3: the run-eagerly switch (rules EAGER-1..7)."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.reference import policies


def run_in_thread(fn):
    result = {}

    def target():
        try:
            result["value"] = fn()
        except BaseException as error:
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    if "error" in result:
        raise result["error"]
    return result["value"]


# --------------------------------------------------------------------------------------
# EAGER-1: one process-global flag
# --------------------------------------------------------------------------------------

def test_EAGER_1_functions_run_eagerly_reads_the_flag():
    ts.config.run_functions_eagerly(False)
    assert ts.config.functions_run_eagerly() is False
    ts.config.run_functions_eagerly(True)
    assert ts.config.functions_run_eagerly() is True
    ts.config.run_functions_eagerly(False)
    assert ts.config.functions_run_eagerly() is False


def test_EAGER_1_other_threads_see_the_flag_set_here():
    @ts.function
    def inside():
        return ts.executing_eagerly()

    ts.config.run_functions_eagerly(True)
    seen = run_in_thread(lambda: (ts.config.functions_run_eagerly(), inside()))
    assert seen == (True, True)  # TF 2.21 probe E3: {'seen_in_thread': True, ...: True}
    ts.config.run_functions_eagerly(False)
    seen = run_in_thread(lambda: (ts.config.functions_run_eagerly(), bool(inside())))
    assert seen == (False, False)


def test_EAGER_1_a_flag_set_in_another_thread_is_seen_here():
    ts.config.run_functions_eagerly(False)
    run_in_thread(lambda: ts.config.run_functions_eagerly(True))
    assert ts.config.functions_run_eagerly() is True


# --------------------------------------------------------------------------------------
# EAGER-2: the flag is read on every call
# --------------------------------------------------------------------------------------

def test_EAGER_2_flag_affects_already_traced_functions():
    runs = []

    @ts.function
    def f(x):
        runs.append((ts.executing_eagerly(), type(x).__name__))
        return x + 1

    x = ts.constant(1)
    assert int(f(x)) == 2
    assert runs == [(False, "SymbolicTensor")]
    ts.config.run_functions_eagerly(True)
    assert int(f(x)) == 2
    assert int(f(x)) == 2
    assert runs[1:] == [(True, "EagerTensor"), (True, "EagerTensor")]
    assert f.experimental_get_tracing_count() == 1
    ts.config.run_functions_eagerly(False)
    assert int(f(x)) == 2
    assert len(runs) == 3  # the existing trace is reused: no Python effect
    assert f.experimental_get_tracing_count() == 1


def test_EAGER_2_eager_calls_leave_the_cache_alone():
    runs = []

    @ts.function
    def f(x):
        runs.append("body")
        return x

    ts.config.run_functions_eagerly(True)
    f(ts.constant(1))
    f(ts.constant([1.0, 2.0]))
    f(3)
    assert f.experimental_get_tracing_count() == 0
    ts.config.run_functions_eagerly(False)
    f(ts.constant(1))
    assert f.experimental_get_tracing_count() == 1
    assert runs == ["body"] * 4


# --------------------------------------------------------------------------------------
# EAGER-3: the body runs with eager tensors
# --------------------------------------------------------------------------------------

def test_EAGER_3_body_sees_eager_tensors_and_numpy_works():
    seen = []

    @ts.function
    def f(x):
        y = x * 2
        seen.append((ts.executing_eagerly(), type(x).__name__, y.numpy()))
        return y

    ts.config.run_functions_eagerly(True)
    f(ts.constant([1.0, 2.0]))
    f(ts.constant([3.0, 4.0]))
    assert [s[:2] for s in seen] == [(True, "EagerTensor"), (True, "EagerTensor")]
    np.testing.assert_array_equal(seen[0][2], np.array([2.0, 4.0], np.float32))
    np.testing.assert_array_equal(seen[1][2], np.array([6.0, 8.0], np.float32))


def test_EAGER_3_python_side_effects_run_on_every_call():
    effects = []

    @ts.function
    def f(x):
        effects.append("python")
        return x

    ts.config.run_functions_eagerly(True)
    for _ in range(4):
        f(ts.constant(1))
    assert effects == ["python"] * 4


def test_EAGER_3_python_control_flow_on_values_works():
    @ts.function
    def relu_like(x):
        if x > 0:
            return x
        return -x

    ts.config.run_functions_eagerly(True)
    assert int(relu_like(ts.constant(3))) == 3
    assert int(relu_like(ts.constant(-4))) == 4


def test_EAGER_3_arguments_are_passed_through_unconverted():
    seen = []

    @ts.function
    def f(x, items):
        seen.append((type(x), type(items)))
        return x

    ts.config.run_functions_eagerly(True)
    array = np.array([1, 2])
    assert f(array, [1]) is array
    assert seen == [(np.ndarray, list)]


# --------------------------------------------------------------------------------------
# EAGER-4: nested functions run eagerly too
# --------------------------------------------------------------------------------------

def test_EAGER_4_nested_functions_run_eagerly_under_the_flag():
    @ts.function
    def inner():
        return ts.executing_eagerly()

    @ts.function
    def outer():
        return inner()

    normally = outer()
    assert normally.dtype == ts.bool
    assert bool(normally) is False
    ts.config.run_functions_eagerly(True)
    assert outer() is True  # a Python bool, not a tensor (TF 2.21 probe E4)


def test_EAGER_4_nested_python_effects_run_per_call_under_the_flag():
    effects = []

    @ts.function
    def inner(x):
        effects.append("inner")
        return x * 2

    @ts.function
    def outer(x):
        effects.append("outer")
        return inner(x) + 1

    ts.config.run_functions_eagerly(True)
    for _ in range(3):
        assert int(outer(ts.constant(1))) == 3
    assert effects == ["outer", "inner"] * 3
    assert inner.experimental_get_tracing_count() == 0
    assert outer.experimental_get_tracing_count() == 0


# --------------------------------------------------------------------------------------
# EAGER-5: get_concrete_function still traces under the flag
# --------------------------------------------------------------------------------------

def test_EAGER_5_get_concrete_function_traces_under_the_flag():
    stream = io.StringIO()
    trace_log = []

    @ts.function
    def h(x):
        trace_log.append((ts.executing_eagerly(), hasattr(x, "numpy"), str(x)))
        ts.print("run", output_stream=stream)
        return x + 1

    ts.config.run_functions_eagerly(True)
    concrete = h.get_concrete_function(ts.TensorSpec([], ts.int32))
    assert trace_log == [(False, False, 'Tensor("x:0", shape=(), dtype=int32)')]
    assert h.experimental_get_tracing_count() == 1
    assert stream.getvalue() == ""
    # the concrete function executes its graph: ts.print runs, the Python body does not
    assert int(concrete(ts.constant(1))) == 2
    assert stream.getvalue() == "run\n"
    assert len(trace_log) == 1
    # the Function itself still runs eagerly under the flag
    assert int(h(ts.constant(1))) == 2
    assert trace_log[1][:2] == (True, True)
    assert stream.getvalue() == "run\nrun\n"
    assert h.experimental_get_tracing_count() == 1


# --------------------------------------------------------------------------------------
# EAGER-6: top-level ops are always eager
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag", [False, True])
def test_EAGER_6_top_level_ops_are_eager_whatever_the_flag(flag):
    ts.config.run_functions_eagerly(flag)
    a, b = ts.constant(1), ts.constant(2)
    c = a + b
    assert ts.executing_eagerly() is True
    assert type(c).__name__ == "EagerTensor"
    assert c.numpy() == 3
    assert int(ts.reduce_sum(ts.stack([a, b, c]))) == 6


def test_EAGER_6_executing_eagerly_is_false_only_inside_a_trace():
    inside = []

    @ts.function
    def f(x):
        inside.append(ts.executing_eagerly())
        return x

    assert ts.executing_eagerly() is True
    f(ts.constant(1))
    assert inside == [False]
    assert ts.executing_eagerly() is True


# --------------------------------------------------------------------------------------
# EAGER-7: the seed example
# --------------------------------------------------------------------------------------

def bisect(lo, hi):
    """Bisection for sqrt(2) that asks for a value with ``.numpy()`` on every step."""
    mid = None
    for _ in range(10):
        mid = (lo + hi) / 2
        if (mid * mid - 2.0).numpy() > 0:
            hi = mid
        else:
            lo = mid
    return mid


def _expected_bisection():
    lo, hi = np.float32(1.0), np.float32(2.0)
    for _ in range(10):
        mid = (lo + hi) / np.float32(2.0)
        if mid * mid - np.float32(2.0) > 0:
            hi = mid
        else:
            lo = mid
    return mid


def test_EAGER_7_seed_example_works_only_eagerly():
    assert _expected_bisection() == np.float32(1.4150390625)  # catalogue: 1.4150391
    f = ts.function(bisect)
    lo, hi = ts.constant(1.0), ts.constant(2.0)
    # traced: the AttributeError surfaces on every call (nothing is cached)
    for _ in range(2):
        with pytest.raises(AttributeError, match=r"'SymbolicTensor' object has no attribute 'numpy'"):
            f(lo, hi)
    assert f.experimental_get_tracing_count() == 0
    ts.config.run_functions_eagerly(True)
    result = f(lo, hi)
    assert result.dtype == ts.float32
    assert result.numpy() == np.float32(1.4150390625)
    ts.config.run_functions_eagerly(False)
    with pytest.raises(AttributeError, match=r"'SymbolicTensor' object has no attribute 'numpy'"):
        f(lo, hi)


def test_EAGER_7_seed_list_append_of_numpy_values():
    # catalogue rule 5: out.append((x*2).numpy()) fails traced; eagerly appends one value per call
    out = []

    @ts.function
    def g(x):
        y = x * 2
        out.append(y.numpy())
        return y

    with pytest.raises(AttributeError, match=r"'SymbolicTensor' object has no attribute 'numpy'"):
        g(ts.constant(1.0))
    assert out == []
    ts.config.run_functions_eagerly(True)
    g(ts.constant(1.0))
    g(ts.constant(2.0))
    assert out == [np.float32(2.0), np.float32(4.0)]
    assert all(type(v) is np.float32 for v in out)
    ts.config.run_functions_eagerly(False)
    with pytest.raises(AttributeError):
        g(ts.constant(1.0))
    assert len(out) == 2


def test_EAGER_5_exact_a_trace_made_under_the_switch_serves_no_traced_call():
    # JAX 0.10.2: a jitted.trace made under jax_disable_jit is not reused once the flag is off;
    # the next jitted call traces again (TensorFlow reuses it).
    traces = []

    @ts.function
    def f(x):
        traces.append("trace")
        return x * 2.0

    with policies.using(policies.Policies(relaxed_shapes="exact")):
        ts.config.run_functions_eagerly(True)
        try:
            f.get_concrete_function(ts.constant(1.0))
            f.get_concrete_function(ts.constant(1.0))  # the same switch: served
        finally:
            ts.config.run_functions_eagerly(False)
        assert float(f(ts.constant(3.0))) == 6.0
        f(ts.constant(4.0))
    assert traces == ["trace", "trace"] and f.experimental_get_tracing_count() == 2
