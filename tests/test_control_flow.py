"""Chapter 7: ``ts.cond``, ``ts.while_loop`` and ``ts.TensorArray`` (docs/spec/07-control-flow.md).

Expected values are TensorFlow 2.21's (probes in /work/scratch/control-flow) or computed here.
"""

from __future__ import annotations

import numpy as np
import pytest

import tracespec.reference as ts


def _values(result):
    return [np.asarray(t.numpy()).tolist() for t in result]


# -- CF-1 --------------------------------------------------------------------------------------


def test_CF_1_eager_cond_calls_only_the_taken_branch_and_returns_it_raw():
    calls = []

    def yes():
        calls.append("yes")
        return 1

    def no():
        calls.append("no")
        return -1

    assert ts.cond(ts.constant(True), yes, no) == 1
    assert ts.cond(False, yes, no) == -1  # a Python bool is fine eagerly
    assert calls == ["yes", "no"]
    assert ts.cond(ts.constant(1) > 0, lambda: (1, [2.0]), lambda: None) == (1, [2.0])


def test_CF_1_under_the_flag_a_cond_runs_one_branch_per_call():
    calls = []

    @ts.function
    def f(x):
        return ts.cond(x > 0, lambda: calls.append("t") or x + 1, lambda: calls.append("f") or x - 1)

    ts.config.run_functions_eagerly(True)
    assert int(f(ts.constant(1))) == 2 and int(f(ts.constant(-1))) == -2
    assert calls == ["t", "f"] and f.experimental_get_tracing_count() == 0


def test_CF_1_branches_must_be_callables():
    with pytest.raises(TypeError, match=r"^'true_fn' must be callable\.$"):
        ts.cond(True, 1, lambda: 2)
    with pytest.raises(TypeError, match=r"cond\(\): 'false_fn' argument required"):
        ts.cond(True, lambda: 1)


# -- CF-2 --------------------------------------------------------------------------------------


def test_CF_2_both_branches_are_traced_true_first_and_the_graph_picks_one(event_log):
    events, stream = event_log

    @ts.function
    def f(x):
        def t():
            events.append("py true")
            ts.print("ts true", output_stream=stream)
            return x + 1

        def e():
            events.append("py false")
            ts.print("ts false", output_stream=stream)
            return x - 1

        return ts.cond(x > 0, t, e)

    assert int(f(ts.constant(1))) == 2
    assert events == ["py true", "py false", "ts true"]
    events.clear()
    assert int(f(ts.constant(-1))) == -2
    assert events == ["ts false"] and f.experimental_get_tracing_count() == 1


def test_CF_2_an_untaken_branch_that_raises_fails_the_trace_every_time():
    def bad():
        raise ValueError("boom in false branch")

    f = ts.function(lambda x: ts.cond(x > 0, lambda: x, bad))
    for _ in range(2):
        with pytest.raises(ValueError, match="boom in false branch"):
            f(ts.constant(1))
    assert f.experimental_get_tracing_count() == 0
    ts.config.run_functions_eagerly(True)
    assert int(f(ts.constant(1))) == 1


def test_CF_2_static_shape_errors_of_either_branch_fire_at_trace_time():
    f = ts.function(lambda x: ts.cond(x[0] > 0, lambda: x, lambda: ts.gather(x, [0]) + x[4]))
    with pytest.raises(ValueError, match="slice index 4 of dimension 0 out of bounds"):
        f(ts.constant([1, 2, 3]))


def test_CF_2_python_bool_predicate_in_a_trace_is_a_type_error_with_tensorflows_args():
    f = ts.function(lambda x, flag: ts.cond(flag, lambda: x, lambda: -x))
    with pytest.raises(TypeError) as caught:
        f(ts.constant(1), True)
    assert caught.value.args == ("pred must not be a Python bool", True)
    assert str(caught.value) == "('pred must not be a Python bool', True)"
    assert int(f(ts.constant(1), np.bool_(True))) == 1  # a NumPy bool converts to a tensor


def test_CF_2_the_graph_holds_both_branches_as_sub_graphs_and_prints_them():
    f = ts.function(lambda x: ts.cond(x > 0, lambda: x + 1, lambda: x - 1))
    text = str(f.get_concrete_function(ts.TensorSpec([], ts.int32)))
    assert "cond(" in text and "graph cond_true() {" in text and "graph cond_false() {" in text
    assert text.index("graph cond_true") > text.index("= cond(")
    assert "      cond/add:0 = add(cond/add/capture:0, cond/add/y:0)" in text  # its own nodes, indented


def test_CF_2_non_bool_predicate_fails_when_the_graph_runs():
    f = ts.function(lambda x: ts.cond(x, lambda: x, lambda: -x))
    with pytest.raises(ts.errors.InvalidArgumentError, match="Input 'pred' passed int32 expected bool"):
        f(ts.constant(1))
    g = ts.function(lambda x: ts.cond(x > 0, lambda: x, lambda: -x))
    with pytest.raises(ts.errors.InvalidArgumentError, match="must be a scalar, but it has shape \\[2\\]"):
        g(ts.constant([1, 2]))


# -- CF-3 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("true_value, false_value", [
    (lambda: ts.constant(1), lambda: ts.constant(1.0)),
    (lambda: 1, lambda: 2.0),
    (lambda: ts.constant(1.0, ts.float64), lambda: ts.constant(1.0)),
    (lambda: [ts.constant(1), ts.constant(1)], lambda: (ts.constant(1), ts.constant(1))),
    (lambda: {"a": ts.constant(1)}, lambda: {"b": ts.constant(1)}),
], ids=["int32-float32", "python-int-float", "float64-float32", "list-tuple", "dict-keys"])
def test_CF_3_branches_that_disagree_are_a_type_error_when_traced(true_value, false_value):
    f = ts.function(lambda x: ts.cond(x > 0, true_value, false_value))
    with pytest.raises(TypeError, match=r"true_fn and false_fn arguments to ts\.cond must have the same "
                                        r"number, type, and overall structure of return values\."):
        f(ts.constant(1))
    ts.config.run_functions_eagerly(True)
    f(ts.constant(1))  # eagerly nothing is checked


def test_CF_3_none_in_one_branch_is_tensorflows_value_error():
    f = ts.function(lambda x: ts.cond(x > 0, lambda: x, lambda: None))
    with pytest.raises(ValueError, match=r"Lengths of branch outputs of cond must match\."):
        f(ts.constant(1))
    both = ts.function(lambda x: ts.cond(x > 0, lambda: (x, None), lambda: (x, None)))
    result = both(ts.constant(1))
    assert int(result[0]) == 1 and result[1] is None


@pytest.mark.parametrize("a, b, static", [
    ([1], [1, 2], (None,)), ([[1, 2]], [[1], [2]], (None, None)), (1, [1], None), ([[1]], [1], None),
])
def test_CF_3_output_shapes_relax_to_the_most_specific_common_shape(a, b, static):
    seen = {}

    @ts.function
    def f(x):
        y = ts.cond(x > 0, lambda: ts.constant(a), lambda: ts.constant(b))
        seen["shape"] = y.shape
        return y

    assert np.asarray(f(ts.constant(1)).numpy()).tolist() == a
    assert seen["shape"] == static
    assert np.asarray(f(ts.constant(-1)).numpy()).tolist() == b


def test_CF_3_python_values_returned_by_branches_become_tensors_when_traced():
    f = ts.function(lambda x: ts.cond(x > 0, lambda: (1, [2.0]), lambda: (3, [4.0])))
    one, (two,) = f(ts.constant(1))
    assert (one.dtype, int(one), two.dtype, float(two)) == (ts.int32, 1, ts.float32, 2.0)
    text = ts.function(lambda x: ts.cond(x > 0, lambda: "a", lambda: "b"))(ts.constant(1))
    assert text.numpy() == b"a"


# -- CF-4 --------------------------------------------------------------------------------------


def test_CF_4_stateful_ops_in_branches_run_only_when_taken_in_order(event_log):
    events, stream = event_log
    counts = {"t": 0, "f": 0}

    def count(key):
        def bump(x):
            counts[key] += 1
            return x
        return bump

    @ts.function
    def f(x):
        ts.print("before", output_stream=stream)
        y = ts.cond(x > 0,
                    lambda: ts.py_function(count("t"), [x], ts.int32),
                    lambda: ts.py_function(count("f"), [x], ts.int32))
        ts.print("after", output_stream=stream)
        return y

    for value in (1, 1, -1):
        f(ts.constant(value))
    assert counts == {"t": 2, "f": 1}
    assert events == ["before", "after"] * 3


def test_CF_4_a_stateless_unused_cond_is_pruned_a_stateful_one_is_not(event_log):
    events, stream = event_log

    def kept():
        ts.print("kept", output_stream=stream)  # returns nothing: an Operation is no output

    @ts.function
    def f(x):
        ts.cond(x > 0, lambda: ts.gather(x[None], [5]), lambda: x[None])  # would fail if run
        ts.cond(x > 0, kept, lambda: None)
        return x

    assert int(f(ts.constant(1))) == 1
    assert events == ["kept"]


# -- CF-5 --------------------------------------------------------------------------------------


def test_CF_5_traced_cond_and_body_are_traced_once_and_the_body_runs_per_iteration(event_log):
    events, stream = event_log

    @ts.function
    def f(n):
        def cond(i, s):
            events.append("py cond")
            return i < n

        def body(i, s):
            events.append("py body")
            ts.print("body", i, output_stream=stream)
            return i + 1, s + i

        return ts.while_loop(cond, body, (ts.constant(0), ts.constant(0)))

    assert _values(f(ts.constant(3))) == [3, 3]
    assert events == ["py cond", "py body", "body 0", "body 1", "body 2"]
    events.clear()
    assert _values(f(ts.constant(0))) == [0, 0] and events == []
    ts.config.run_functions_eagerly(True)
    f(ts.constant(2))
    assert events == ["py cond", "py body", "body 0", "py cond", "py body", "body 1", "py cond"]


def test_CF_5_loop_vars_keep_their_structure_and_python_values_convert():
    @ts.function
    def f(n):
        return ts.while_loop(lambda i: i < n, lambda i: i + 1, [0])

    result = f(ts.constant(3))
    assert isinstance(result, list) and result[0].dtype == ts.int32 and int(result[0]) == 3
    nested = ts.function(lambda n: ts.while_loop(
        lambda d: d["i"] < n, lambda d: [{"i": d["i"] + 1, "acc": (d["acc"][0] * 2,)}],
        [{"i": ts.constant(0), "acc": (ts.constant(1.0),)}]))(ts.constant(3))
    assert int(nested[0]["i"]) == 3 and float(nested[0]["acc"][0]) == 8.0


def test_CF_5_eager_results_are_tensors_even_after_no_iteration():
    _, v = ts.while_loop(lambda i, v: i < 0, lambda i, v: (i + 1, v), (ts.constant(0), -1.5))
    assert (type(v), v.dtype, float(v)) == (ts.EagerTensor, ts.float32, -1.5)  # TF 2.21 converts
    (j,) = ts.while_loop(lambda i: i < 2, lambda i: (i + 1,), (0,))
    assert int(j) == 2


def test_CF_5_eager_loop_bodies_must_return_the_loop_structure():
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor"):
        ts.while_loop(lambda i: i < 2, lambda i: i + 1, [ts.constant(0)])
    with pytest.raises(TypeError, match=r"list or tuple.*\[x\]"):
        ts.while_loop(lambda i: i < 2, lambda i: i + 1, ts.constant(0))


# -- CF-6 --------------------------------------------------------------------------------------


def test_CF_6_dtype_changes_are_rejected_when_traced_and_allowed_eagerly():
    @ts.function
    def f(i):
        return ts.while_loop(lambda i: i < 3, lambda i: [ts.cast(i, ts.float32) + 1], [i])

    with pytest.raises(TypeError, match=r"^Loop var i:0 enters the loop with type <dtype: 'int32'> but has "
                                        r"type <dtype: 'float32'> after 1 iteration\. i:0 type should remain "
                                        r"constant\.$"):
        f(ts.constant(0))
    ts.config.run_functions_eagerly(True)
    assert float(f(ts.constant(0))[0]) == 3.0


def test_CF_6_shape_changes_need_shape_invariants():
    grow = lambda v: [ts.concat([v, ts.constant([1])], 0)]  # noqa: E731
    f = ts.function(lambda v: ts.while_loop(lambda v: ts.reduce_sum(v) < 3, grow, [v]))
    with pytest.raises(ValueError, match=r"^Input tensor `v:0` enters the loop with shape \(1,\), but has "
                                         r"shape \(2,\) after one iteration\. To allow the shape to vary "
                                         r"across iterations, use the `shape_invariants` argument of "
                                         r"ts\.while_loop"):
        f(ts.constant([1]))
    seen = {}

    def relaxed(invariant):
        def loop(v):
            result = ts.while_loop(lambda v: ts.reduce_sum(v) < 3, grow, [v], shape_invariants=[invariant])
            seen["shape"] = result[0].shape
            return result
        return ts.function(loop)

    for invariant in (ts.TensorShape([None]), ts.TensorSpec([None], ts.int32)):
        assert _values(relaxed(invariant)(ts.constant([1]))) == [[1, 1, 1]] and seen["shape"] == (None,)


def test_CF_6_invariants_must_match_the_loop_structure():
    f = ts.function(lambda v: ts.while_loop(lambda v: ts.reduce_sum(v) < 1, lambda v: [v], [v],
                                            shape_invariants=[ts.TensorShape([None])] * 2))
    with pytest.raises(ValueError, match="The two structures don't have the same nested structure"):
        f(ts.constant([0]))


# -- CF-7 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("maximum, expected", [(2, 2), (0, 0), (-1, 0), (20, 10)])
def test_CF_7_maximum_iterations_in_both_modes(maximum, expected):
    f = ts.function(lambda n: ts.while_loop(lambda i: i < n, lambda i: [i + 1], [ts.constant(0)],
                                            maximum_iterations=maximum))
    assert _values(f(ts.constant(10))) == [expected]
    ts.config.run_functions_eagerly(True)
    assert _values(f(ts.constant(10))) == [expected]


def test_CF_7_a_tensor_maximum_and_a_float_one():
    f = ts.function(lambda n, m: ts.while_loop(lambda i: i < n, lambda i: [i + 1], [ts.constant(0)],
                                               maximum_iterations=m))
    assert _values(f(ts.constant(10), ts.constant(4))) == [4]
    with pytest.raises(TypeError):
        f(ts.constant(10), 2.5)


# -- CF-8 --------------------------------------------------------------------------------------


def test_CF_8_stateful_ops_in_the_body_run_per_iteration_in_order(event_log):
    events, stream = event_log
    calls = []

    def host(i):
        calls.append(int(i))
        return i

    @ts.function
    def f(n):
        ts.print("start", output_stream=stream)
        out = ts.while_loop(lambda i: i < n, lambda i: [
            ts.reshape(ts.py_function(host, [i], ts.int32), []) + 1], [ts.constant(0)])
        ts.print("end", output_stream=stream)
        return out

    f(ts.constant(3))
    f(ts.constant(0))
    assert calls == [0, 1, 2] and events == ["start", "end", "start", "end"]


# -- CF-9 --------------------------------------------------------------------------------------


def test_CF_9_a_python_list_appended_in_a_loop_body_is_inaccessible_after_it():
    @ts.function
    def f(n):
        found = []

        def body(i):
            found.append(i * i)
            return [i + 1]

        ts.while_loop(lambda i: i < n, body, [0])
        return ts.stack(found)

    with pytest.raises(ts.errors.InaccessibleTensorError,
                       match=r"is out of scope and cannot be used here\. Use return values, explicit "
                             r"Python locals or TensorFlow collections to access it\."):
        f(ts.constant(3))
    assert issubclass(ts.errors.InaccessibleTensorError, ValueError)


def test_CF_9_a_branch_tensor_used_after_the_cond_is_inaccessible():
    kept = []

    @ts.function
    def f(x):
        def t():
            kept.append(x + 1)
            return x

        ts.cond(x > 0, t, lambda: x)
        return kept[0]

    with pytest.raises(ts.errors.InaccessibleTensorError):
        f(ts.constant(1))


def test_CF_9_a_tensor_array_collects_one_value_per_iteration():
    @ts.function
    def squares(n):
        def body(i, ta):
            return i + 1, ta.write(i, i * i)

        _, ta = ts.while_loop(lambda i, ta: i < n, body, (0, ts.TensorArray(ts.int32, size=n)))
        return ta.stack()

    assert squares(ts.constant(4)).numpy().tolist() == [0, 1, 4, 9]
    assert squares(ts.constant(0)).numpy().tolist() == []
    ts.config.run_functions_eagerly(True)
    assert squares(ts.constant(3)).numpy().tolist() == [0, 1, 4]


# -- CF-10 -------------------------------------------------------------------------------------


def _fill_two(x):
    ta = ts.TensorArray(ts.float32, size=2)
    ta.write(0, x)  # result dropped
    ta = ta.write(1, x)
    return ta.stack()


def test_CF_10_eager_writes_mutate_traced_writes_return_a_new_array():
    assert _fill_two(ts.constant(1.0)).numpy().tolist() == [1.0, 1.0]
    assert ts.function(_fill_two)(ts.constant(1.0)).numpy().tolist() == [0.0, 1.0]
    ts.config.run_functions_eagerly(True)
    assert ts.function(_fill_two)(ts.constant(1.0)).numpy().tolist() == [1.0, 1.0]


def test_CF_10_eager_reads_clear_graph_reads_do_not():
    def read_then_stack():
        ta = ts.TensorArray(ts.float32, size=3).write(0, 1.0).write(1, 2.0).write(2, 3.0)
        return ta.read(1), ta.stack()

    value, stacked = read_then_stack()
    assert float(value) == 2.0 and stacked.numpy().tolist() == [1.0, 0.0, 3.0]
    value, stacked = ts.function(read_then_stack)()
    assert float(value) == 2.0 and stacked.numpy().tolist() == [1.0, 2.0, 3.0]
    ta = ts.TensorArray(ts.float32, size=1).write(0, 1.0)
    ta.read(0)
    with pytest.raises(ts.errors.InvalidArgumentError, match="Could not read index 0 twice"):
        ta.read(0)
    keep = ts.TensorArray(ts.float32, size=1, clear_after_read=False).write(0, 1.0)
    assert float(keep.read(0)) == float(keep.read(0)) == 1.0


def test_CF_10_unwritten_elements_are_zeros_and_sizes():
    assert ts.TensorArray(ts.float32, size=2).write(0, 1.0).stack().numpy().tolist() == [1.0, 0.0]
    traced = ts.function(lambda: ts.TensorArray(ts.float32, size=2).write(1, [1.0, 2.0]).read(0))()
    assert traced.numpy().tolist() == [0.0, 0.0]
    grown = ts.function(lambda: ts.TensorArray(ts.float32, size=0, dynamic_size=True).write(3, 1.0).stack())()
    assert grown.numpy().tolist() == [0.0, 0.0, 0.0, 1.0]
    assert int(ts.TensorArray(ts.float32, size=0, dynamic_size=True).unstack([1.0, 2.0]).size()) == 2
    empty = ts.TensorArray(ts.float32, size=0, element_shape=[2]).stack()
    assert empty.shape == (0, 2)


@pytest.mark.parametrize("action, eager_error, traced_error", [
    (lambda ta: ta.read(5), ts.errors.OutOfRangeError, ts.errors.InvalidArgumentError),
    (lambda ta: ta.read(-1), ts.errors.OutOfRangeError, ts.errors.InvalidArgumentError),
    (lambda ta: ta.write(5, 1.0).stack(), ts.errors.OutOfRangeError, ts.errors.InvalidArgumentError),
    (lambda ta: ta.write(0, ts.constant(1)).stack(), ts.errors.InvalidArgumentError,
     ts.errors.InvalidArgumentError),
    (lambda ta: ta.write(0, [1.0, 2.0]).write(1, [1.0]).stack(), ValueError, ValueError),
], ids=["read-past-end", "read-negative", "write-past-end", "write-dtype", "write-shape"])
def test_CF_10_errors_differ_between_the_two_implementations(action, eager_error, traced_error):
    with pytest.raises(eager_error):
        action(ts.TensorArray(ts.float32, size=2))
    with pytest.raises(traced_error):
        ts.function(lambda: action(ts.TensorArray(ts.float32, size=2)))()
    assert not issubclass(ts.errors.OutOfRangeError, ts.errors.InvalidArgumentError)
