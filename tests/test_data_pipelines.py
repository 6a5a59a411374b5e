"""Chapter 9: ``ts.data.Dataset`` (docs/spec/09-data-pipelines.md).

Expected values are TensorFlow 2.21's (probes p9-p12 in /work/scratch/control-flow) or computed
here by plain Python.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracespec.reference as ts

Dataset = ts.data.Dataset


def _ints(dataset) -> list:
    return [np.asarray(x.numpy()).tolist() for x in dataset]


# -- DATA-1 ------------------------------------------------------------------------------------


def test_DATA_1_sources_reprs_and_element_specs():
    ds = Dataset.from_tensor_slices([1, 2, 3])
    assert repr(ds) == "<_TensorSliceDataset element_spec=TensorSpec(shape=(), dtype=ts.int32, name=None)>"
    assert repr(Dataset.range(3)) == (
        "<_RangeDataset element_spec=TensorSpec(shape=(), dtype=ts.int64, name=None)>")
    assert Dataset.range(3, output_type=ts.int32).element_spec == ts.TensorSpec([], ts.int32)
    table = Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]})
    assert table.element_spec == {"a": ts.TensorSpec([], ts.int32), "b": ts.TensorSpec([2], ts.float32)}
    assert [(int(e["a"]), e["b"].numpy().tolist()) for e in table] == [(1, [1.0, 2.0]), (2, [3.0, 4.0])]
    assert _ints(Dataset.from_tensor_slices([[1, 2], [3, 4]])) == [[1, 2], [3, 4]]


def test_DATA_1_eager_iteration_yields_eager_tensors_like_python_range():
    elements = list(Dataset.range(2, 8, 2))
    assert all(isinstance(e, ts.EagerTensor) and e.dtype == ts.int64 for e in elements)
    assert [int(e) for e in elements] == list(range(2, 8, 2))
    assert [x.numpy() for x in Dataset.from_tensor_slices(["a", "bc"])] == [b"a", b"bc"]


def test_DATA_1_bad_sources():
    with pytest.raises(ValueError, match=r"^Unbatching a tensor is only supported for rank >= 1$"):
        Dataset.from_tensor_slices(5)
    with pytest.raises(ValueError, match=r"^Dimensions 2 and 3 are not compatible$"):
        Dataset.from_tensor_slices(([1, 2], [1, 2, 3]))
    with pytest.raises(ValueError, match="non-rectangular"):
        Dataset.from_tensor_slices([[1, 2], [3]])


# -- DATA-2 ------------------------------------------------------------------------------------


def test_DATA_2_map_filter_batch_take_compute_what_python_would():
    pipeline = Dataset.range(10).filter(lambda x: x % 3 == 0).map(lambda x: x * 10).batch(2)
    expected = [v * 10 for v in range(10) if v % 3 == 0]
    assert _ints(pipeline) == [expected[i:i + 2] for i in range(0, len(expected), 2)]
    assert pipeline.element_spec == ts.TensorSpec([None], ts.int64)
    dropped = Dataset.range(5).batch(2, drop_remainder=True)
    assert _ints(dropped) == [[0, 1], [2, 3]] and dropped.element_spec == ts.TensorSpec([2], ts.int64)
    assert _ints(Dataset.range(5).take(2)) == [0, 1]
    assert _ints(Dataset.range(3).take(-1)) == [0, 1, 2] and _ints(Dataset.range(3).take(10)) == [0, 1, 2]


def test_DATA_2_tuple_elements_unpack_and_returned_lists_become_tuples():
    pairs = Dataset.from_tensor_slices(([1, 2], [10, 20]))
    assert _ints(pairs.map(lambda x, y: x + y)) == [11, 22]
    swapped = pairs.map(lambda x, y: [y, x])
    assert isinstance(swapped.element_spec, tuple)
    assert [(int(a), int(b)) for a, b in swapped] == [(10, 1), (20, 2)]
    with pytest.raises(TypeError, match="positional argument"):
        pairs.map(lambda t: t)
    table = Dataset.from_tensor_slices({"a": [1, 2], "b": [10, 20]})
    assert _ints(table.map(lambda d: d["a"] + d["b"])) == [11, 22]
    assert _ints(Dataset.range(3).map(lambda x: 7)) == [7, 7, 7]


@pytest.mark.parametrize("predicate, spec", [
    (lambda x: x, "TensorSpec(shape=(), dtype=ts.int64, name=None)"),
    (lambda x: 1, "TensorSpec(shape=(), dtype=ts.int32, name=None)"),
    (lambda x: ts.constant([True, False]), "TensorSpec(shape=(2,), dtype=ts.bool, name=None)"),
], ids=["int64", "python-int", "vector"])
def test_DATA_2_a_predicate_must_return_a_bool_scalar(predicate, spec):
    with pytest.raises(ValueError) as caught:
        Dataset.range(3).filter(predicate)
    assert str(caught.value) == ("Invalid `predicate`. `predicate` must return a `ts.bool` scalar tensor, "
                                 f"but its return type is {spec}.")
    assert _ints(Dataset.range(3).filter(lambda x: True)) == [0, 1, 2]  # a Python bool is fine


# -- DATA-3 ------------------------------------------------------------------------------------


def test_DATA_3_a_map_function_is_traced_once_when_map_is_called(event_log):
    events, stream = event_log
    calls = []

    def fn(x):
        calls.append(ts.executing_eagerly())
        ts.print("map", x, output_stream=stream)
        return x * 2

    mapped = Dataset.range(3).map(fn)
    assert calls == [False] and events == []
    assert _ints(mapped) == [0, 2, 4] and _ints(mapped) == [0, 2, 4]
    assert calls == [False] and events == ["map 0", "map 1", "map 2"] * 2
    Dataset.range(3).map(fn)
    assert len(calls) == 2  # another map() traces again


def test_DATA_3_py_function_in_map_runs_per_element_and_autograph_applies():
    seen = []

    def host(x):
        seen.append(int(x))
        return x * 10

    mapped = Dataset.range(3).map(lambda x: ts.py_function(host, [x], ts.int64))
    assert _ints(mapped) == [0, 10, 20] and seen == [0, 1, 2]

    def bent(x):
        if x > 1:
            return x
        return -x

    assert _ints(Dataset.range(3).map(bent)) == [0, -1, 2]


def test_DATA_3_a_dataset_built_in_a_function_traces_its_map_fn_with_the_function():
    traces = []

    def fn(x):
        traces.append("map")
        return x + 1

    @ts.function
    def f(n):
        s = ts.constant(0, ts.int64)
        for x in Dataset.range(n).map(fn):
            s += x
        return s

    assert int(f(ts.constant(3, ts.int64))) == 6 and int(f(ts.constant(4, ts.int64))) == 10
    assert traces == ["map"] and f.experimental_get_tracing_count() == 1
    ts.config.run_functions_eagerly(True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f(ts.constant(3, ts.int64))
        f(ts.constant(3, ts.int64))
    assert traces == ["map"] * 3  # under the switch, rebuilt (and retraced) per call


# -- DATA-4 ------------------------------------------------------------------------------------


def test_DATA_4_the_switch_does_not_apply_to_dataset_functions():
    seen = []
    ts.config.run_functions_eagerly(True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mapped = Dataset.range(3).map(lambda x: seen.append(ts.executing_eagerly()) or x)
        mapped.filter(lambda x: x > 0)
    assert seen == [False] and _ints(mapped) == [0, 1, 2]
    assert [w.category for w in caught] == [UserWarning, UserWarning]
    assert "this option does not apply to ts.data functions" in str(caught[0].message)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AttributeError, match="'SymbolicTensor' object has no attribute 'numpy'"):
            Dataset.range(3).map(lambda x: x.numpy())
    ts.config.run_functions_eagerly(False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Dataset.range(3).map(lambda x: x)
    assert caught == []
    with pytest.raises(AttributeError, match="'SymbolicTensor' object has no attribute 'numpy'"):
        Dataset.range(3).map(lambda x: x.numpy())


# -- DATA-5 ------------------------------------------------------------------------------------


def test_DATA_5_a_dataset_loop_in_a_function_is_traced_once_and_runs_per_element(event_log):
    events, stream = event_log
    bodies = []

    @ts.function
    def f(ds):
        s = ts.constant(0, ts.int64)
        for x in ds:
            bodies.append("body")
            ts.print("got", x, output_stream=stream)
            s += x
        return s

    mapped = Dataset.range(3).map(lambda x: (ts.print("map", x, output_stream=stream), x)[1])
    assert int(f(mapped)) == 3
    assert bodies == ["body"]
    assert events == ["map 0", "got 0", "map 1", "got 1", "map 2", "got 2"]
    ts.config.run_functions_eagerly(True)
    events.clear()
    assert int(f(Dataset.range(3))) == 3 and bodies == ["body"] * 4
    assert events == ["got 0", "got 1", "got 2"]


def test_DATA_5_break_stops_a_dataset_loop_and_graphs_loops_nest():
    @ts.function
    def f(ds, limit):
        s = ts.constant(0, ts.int64)
        for x in ds:
            if x > limit:
                break
            s += x
        return s

    assert int(f(Dataset.range(10), ts.constant(3, ts.int64))) == 6

    @ts.function
    def g(ds):
        total = ts.constant(0, ts.int64)
        for row in ds:
            for x in row:
                total += x
        return total

    assert int(g(Dataset.from_tensor_slices(ts.constant([[1, 2], [3, 4]], ts.int64)))) == 10


def test_DATA_5_without_autograph_a_dataset_cannot_be_iterated_in_a_trace():
    @ts.function(autograph=False)
    def f(ds):
        return [x for x in ds]

    with pytest.raises(TypeError, match="AutoGraph"):
        f(Dataset.range(3))


# -- DATA-6 ------------------------------------------------------------------------------------


def test_DATA_6_datasets_are_keyed_by_their_element_spec():
    @ts.function
    def count(ds):
        n = ts.constant(0)
        for _ in ds:
            n += 1
        return n

    assert int(count(Dataset.range(3))) == 3
    assert int(count(Dataset.range(5).map(lambda x: x + 1))) == 5
    assert count.experimental_get_tracing_count() == 1
    assert int(count(Dataset.range(3, output_type=ts.int32))) == 3
    assert int(count(Dataset.range(3).batch(2))) == 2
    assert count.experimental_get_tracing_count() == 3
