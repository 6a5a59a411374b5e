"""Chapter 5: errors (rules ERROR-1..3)."""

from __future__ import annotations

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.reference import policies

InvalidArgumentError = ts.errors.InvalidArgumentError
OperatorNotAllowedInGraphError = ts.errors.OperatorNotAllowedInGraphError


# --------------------------------------------------------------------------------------
# ERROR-1: a Python exception in the body surfaces from the tracing call, every call
# --------------------------------------------------------------------------------------

class MyError(Exception):
    pass


@pytest.mark.parametrize("error_class", [ValueError, KeyError, RuntimeError, MyError])
def test_ERROR_1_python_exception_keeps_its_class_on_every_call(error_class):
    runs = []

    @ts.function
    def raiser(x, flag):
        runs.append(flag)
        if flag:
            raise error_class("boom at trace")
        return x

    for attempt in (1, 2, 3):
        with pytest.raises(error_class, match="boom at trace"):
            raiser(ts.constant(1), True)
        assert len(runs) == attempt  # nothing was cached: every call traced again
    assert raiser.experimental_get_tracing_count() == 0


def test_ERROR_1_the_error_comes_from_the_tracing_call_only():
    @ts.function
    def f(x, flag):
        if flag:
            raise ValueError("only when traced with flag=True")
        return x * 2

    assert int(f(ts.constant(2), False)) == 4
    with pytest.raises(ValueError, match="only when traced with flag=True"):
        f(ts.constant(2), True)
    assert int(f(ts.constant(3), False)) == 6  # the good trace is untouched
    assert f.experimental_get_tracing_count() == 1


def test_ERROR_1_eager_raises_the_same_class():
    @ts.function
    def raiser(x):
        raise MyError("custom")

    ts.config.run_functions_eagerly(True)
    for _ in range(2):
        with pytest.raises(MyError, match="custom"):
            raiser(ts.constant(1))


def test_ERROR_1_error_from_an_op_at_trace_time_keeps_its_class():
    @ts.function
    def f(x):
        return ts.reshape(x, [4, 2])

    for _ in range(2):
        with pytest.raises(ValueError, match=r"Cannot reshape a tensor with 6 elements"):
            f(ts.range(6))
    assert f.experimental_get_tracing_count() == 0


# --------------------------------------------------------------------------------------
# ERROR-2: run-time errors are InvalidArgumentError and not sticky
# --------------------------------------------------------------------------------------

def test_ERROR_2_runtime_error_in_a_graph_is_invalid_argument():
    @ts.function
    def pick(x, i):
        return ts.gather(x, i)

    x = ts.constant([10.0, 20.0])
    assert float(pick(x, ts.constant(1))) == 20.0
    with pytest.raises(InvalidArgumentError) as info:
        pick(x, ts.constant(5))
    message = str(info.value)
    assert message.startswith("Graph execution error:")
    assert "indices = 5 is not in [0, 2)" in message  # TF 2.21 kernel text
    assert isinstance(info.value, ts.errors.OpError)


def test_ERROR_2_runtime_errors_are_not_sticky():
    @ts.function
    def pick(x, i):
        return ts.gather(x, i)

    x = ts.constant([10.0, 20.0, 30.0])
    with pytest.raises(InvalidArgumentError):
        pick(x, ts.constant([7]))
    np.testing.assert_array_equal(pick(x, ts.constant([2])).numpy(), [30.0])
    with pytest.raises(InvalidArgumentError):
        pick(x, ts.constant([-1]))
    np.testing.assert_array_equal(pick(x, ts.constant([0])).numpy(), [10.0])
    assert pick.experimental_get_tracing_count() == 1


def test_ERROR_2_eager_runtime_error_has_no_graph_prefix():
    with pytest.raises(InvalidArgumentError) as info:
        ts.gather(ts.constant([10.0, 20.0]), ts.constant(5))
    assert "Graph execution error" not in str(info.value)
    assert "indices = 5 is not in [0, 2)" in str(info.value)
    with pytest.raises(InvalidArgumentError, match=r"indices\[1,0\] = 5 is not in \[0, 2\)"):
        ts.gather(ts.constant([10.0, 20.0]), ts.constant([[0, 1], [5, 0]]))
    ts.config.run_functions_eagerly(True)
    with pytest.raises(InvalidArgumentError) as info:
        ts.function(lambda x: ts.gather(x, ts.constant(5)))(ts.constant([10.0, 20.0]))
    assert "Graph execution error" not in str(info.value)


def test_ERROR_2_py_function_failure_is_a_runtime_invalid_argument():
    def fail_on_negative(v):
        if v.numpy() < 0:
            raise ValueError("negative input")
        return v

    @ts.function
    def f(x):
        return ts.py_function(fail_on_negative, [x], ts.int32)

    assert int(f(ts.constant(1))) == 1
    with pytest.raises(InvalidArgumentError, match="negative input"):
        f(ts.constant(-1))
    assert int(f(ts.constant(2))) == 2
    assert f.experimental_get_tracing_count() == 1


def test_ERROR_2_integer_division_by_zero_at_run_time_then_recovery():
    f = ts.function(lambda a, b: a // b)
    with pytest.raises(InvalidArgumentError, match="Integer division by zero"):
        f(ts.constant(1), ts.constant(0))
    assert int(f(ts.constant(7), ts.constant(2))) == 3


# --------------------------------------------------------------------------------------
# ERROR-3: a symbolic tensor as a Python bool fails at trace time
# --------------------------------------------------------------------------------------

def _sign(x):
    if x > 0:
        return x
    return -x


@pytest.mark.parametrize("value", [3, -3, 0])
def test_ERROR_3_symbolic_bool_fails_at_trace_time_whatever_the_data(value):
    f = ts.function(_sign, autograph=False)
    with pytest.raises(OperatorNotAllowedInGraphError,
                       match=r"Using a symbolic `ts\.Tensor` as a Python `bool` is not allowed"):
        f(ts.constant(value))
    assert f.experimental_get_tracing_count() == 0


def test_ERROR_3_the_error_is_a_type_error():
    assert issubclass(OperatorNotAllowedInGraphError, TypeError)
    f = ts.function(_sign, autograph=False)
    with pytest.raises(TypeError):
        f(ts.constant(1))


@pytest.mark.parametrize(
    "body",
    [
        lambda x: x if x > 0 and x < 5 else -x,
        lambda x: ts.constant(1) if not (x > 0) else x,
        lambda x: [y for y in [x] if y > 0],
    ],
    ids=["and", "not", "filter"],
)
def test_ERROR_3_every_python_bool_use_is_rejected(body):
    f = ts.function(body, autograph=False)
    with pytest.raises(OperatorNotAllowedInGraphError):
        f(ts.constant(2))


def test_ERROR_3_while_on_a_symbolic_tensor_is_rejected():
    def countdown(n):
        while n > 0:
            n = n - 1
        return n

    with pytest.raises(OperatorNotAllowedInGraphError):
        ts.function(countdown, autograph=False)(ts.constant(3))
    ts.config.run_functions_eagerly(True)
    assert int(ts.function(countdown, autograph=False)(ts.constant(3))) == 0


def test_ERROR_3_iterating_a_symbolic_tensor_is_rejected():
    def total(x):
        acc = ts.constant(0)
        for item in x:
            acc = acc + item
        return acc

    with pytest.raises(OperatorNotAllowedInGraphError,
                       match=r"Iterating over a symbolic `ts\.Tensor` is not allowed"):
        ts.function(total, autograph=False)(ts.constant([1, 2, 3]))
    ts.config.run_functions_eagerly(True)
    assert int(ts.function(total, autograph=False)(ts.constant([1, 2, 3]))) == 6


UNROLLED = policies.Policies(symbolic_iteration="unrolled")


def test_ERROR_3_unrolled_iterating_a_symbolic_tensor_unrolls_over_its_rows():
    # JAX 0.10.2 under jit: `for item in x` over an int32[3] tracer runs the body three times while
    # tracing, once per x[i], and the jitted call returns 6; the second call does not trace again.
    seen = []

    def total(x):
        acc = ts.constant(0)
        for item in x:
            seen.append(tuple(item.shape))
            acc = acc + item
        return acc

    f = ts.function(total, autograph=False)
    with policies.using(UNROLLED):
        assert int(f(ts.constant([1, 2, 3]))) == 6
        assert int(f(ts.constant([4, 5, 6]))) == 15
    assert seen == [(), (), ()] and f.experimental_get_tracing_count() == 1


def test_ERROR_3_unrolled_a_condition_on_a_row_is_still_a_symbolic_bool():
    # JAX 0.10.2: `if item > 0:` on a row of a tracer is a TracerBoolConversionError.
    def positives(x):
        return [item for item in x if item > 0]

    with policies.using(UNROLLED), pytest.raises(OperatorNotAllowedInGraphError):
        ts.function(positives, autograph=False)(ts.constant([1, -2]))


def test_ERROR_3_eager_runs_python_control_flow_on_the_value():
    f = ts.function(_sign, autograph=False)
    ts.config.run_functions_eagerly(True)
    assert int(f(ts.constant(3))) == 3
    assert int(f(ts.constant(-3))) == 3
    assert int(_sign(ts.constant(-5))) == 5  # plain eager Python, no function at all


def test_ERROR_3_python_bool_of_python_values_is_fine_in_a_trace():
    @ts.function(autograph=False)
    def f(x, positive):
        if positive:  # a Python bool: decided at trace time
            return x
        return -x

    assert int(f(ts.constant(2), True)) == 2
    assert int(f(ts.constant(2), False)) == -2


# -- Fidelity to TensorFlow 2.21: what waits for the run time (observed on TensorFlow) ----------

def test_ERROR_2_checks_that_need_unknown_shapes_wait_for_the_run_time():
    # TF, x a TensorSpec(None) argument: reshape(x, [-1, -1]) traces (later Python effects happen,
    # the graph's prints run), then fails when it runs: "Only one input size may be -1, not both 0
    # and 1"; reduce_sum(x, 5) -> "Invalid reduction dimension (5 for input with 2 dimension(s)".
    effects = []

    @ts.function(input_signature=[ts.TensorSpec(None, ts.float32)])
    def body(x):
        ts.py_function(lambda: effects.append("graph") or 0, [], ts.int32)
        y = ts.reshape(x, [-1, -1])
        effects.append("traced after the reshape")
        return y

    with pytest.raises(ts.errors.InvalidArgumentError,
                       match="Only one input size may be -1, not both 0 and 1"):
        body(ts.constant([[1.0, 2.0]]))
    assert effects == ["traced after the reshape", "graph"]
    summed = ts.function(lambda x: ts.reduce_sum(x, 5), input_signature=[ts.TensorSpec(None)])
    with pytest.raises(ts.errors.InvalidArgumentError,
                       match=r"Invalid reduction dimension \(5 for input with 2 dimension\(s\)"):
        summed(ts.zeros([2, 2]))


def test_ERROR_2_run_time_error_classes_and_eager_suffixes():
    # TF eager: gather out of range "indices[0] = 5 is not in [0, 2) [Op:GatherV2]"; integer
    # division by zero "Integer division by zero [Op:FloorDiv]"; cast of a string
    # UnimplementedError "Cast string to float is not supported [Op:Cast]".
    for run, cls, text in (
            (lambda: ts.gather(ts.constant([1, 2]), [5]), ts.errors.InvalidArgumentError,
             "indices[0] = 5 is not in [0, 2) [Op:gather]"),
            (lambda: ts.constant(1) // 0, ts.errors.InvalidArgumentError,
             "Integer division by zero [Op:floordiv]"),
            (lambda: ts.cast(ts.constant("a"), ts.float32), ts.errors.UnimplementedError,
             "Cast string to float is not supported [Op:cast]")):
        with pytest.raises(cls) as caught:
            run()
        assert str(caught.value) == text


def test_ERROR_2_several_independent_failures_are_all_named():
    # TF reports one of two independent failing nodes (it ran the Reshape's first); which one is
    # unspecified, so the reference names both, each as TensorFlow words it.
    @ts.function(input_signature=[ts.TensorSpec([None])])
    def two_failures(x):
        return ts.gather(x, [5000]), ts.reshape(x, [3, -1])

    with pytest.raises(ts.errors.InvalidArgumentError) as caught:
        two_failures(ts.constant([1.0, 2.0]))
    message = str(caught.value)
    assert "indices[0] = 5000 is not in [0, 2)" in message
    assert ("Input to reshape is a tensor with 2 values, but the requested shape requires a "
            "multiple of 3") in message


# -- The stable core of messages: the reference's texts against TensorFlow 2.21's ------------------

@pytest.mark.parametrize(
    ("reference", "tensorflow"),
    [
        # each pair: the reference's message and TensorFlow 2.21's for the same program and mode
        ("cannot compute add as input #1(zero-based) was expected to be a int32 tensor but is a "
         "float tensor [Op:add]",
         "cannot compute AddV2 as input #1(zero-based) was expected to be a int32 tensor but is a "
         "float tensor [Op:AddV2] name: "),
        ("Input 'y' of 'floordiv' Op has type float32 that does not match type int32 of argument 'x'.",
         "in user code:\n\n    File \"<f>\", line 3, in f  *\n        return x // y\n\n    TypeError: "
         "Input 'y' of 'FloorDiv' Op has type float32 that does not match type int32 of argument 'x'.\n"),
        ("Dimensions must be equal, but are 3 and 2 for '{{node floordiv}} = floordiv(x, i)' with "
         "input shapes: [3], [2].",
         "Dimensions must be equal, but are 3 and 2 for '{{node floordiv}} = FloorDiv[T=DT_INT32](x, "
         "i)' with input shapes: [3], [2]."),
        ("Incompatible shapes: [3] vs. [2] [Op:floordiv]",
         "{{function_node __wrapped__FloorDiv_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
         "Incompatible shapes: [3] vs. [2] [Op:FloorDiv] name: "),
        ("Value for attr 'T' of bool is not in the list of allowed values: int32, int64, float, double, "
         "string [Op:add]",
         "Value for attr 'T' of bool is not in the list of allowed values: bfloat16, half, float, "
         "double\n\t; NodeDef: {{node AddV2}}; Op<name=AddV2; signature=x:T, y:T -> z:T> [Op:AddV2] name: "),
        ("Expected int32 passed to parameter 'y' of op 'equal', got 1.5 of type 'float' instead. "
         "Error: Expected int32, but got 1.5 of type 'float'.",
         "TypeError: Expected int32, but got 1.5 of type 'float'."),
        ("Graph execution error:\n\nDetected at node 'gather' in graph 'f':\nindices[0] = 5 is not in "
         "[0, 2) [Op:call]",
         "Graph execution error:\n\nDetected at node GatherV2 defined at (most recent call last):\n  File "
         "\"<f>\", line 2\n\nindices[0] = 5 is not in [0, 2)\n\t [[{{node GatherV2}}]] "
         "[Op:__inference_f_31]"),
        ("pyfunc_0 returns 1 values, but expects to see 2 values. [Op:py_function]",
         "{{function_node __wrapped__EagerPyFunc_Tin_1_Tout_2_device_/job:localhost/replica:0/task:0/"
         "device:CPU:0}} pyfunc_87 returns 1 values, but expects to see 2 values. [Op:EagerPyFunc]"),
        ("Binding inputs to ts.function failed due to `Can not cast 3 to Literal[2]`. Received args: "
         "(<ts.Tensor: shape=(), dtype=float32, numpy=1.5>, 3) and kwargs: {} for signature: (x, y).",
         "Binding inputs to ts.function failed due to `Can not cast 3 to Literal[2]`. Received args: "
         "(<ts.Tensor: shape=(), dtype=float32, numpy=1.5>, 3) and kwargs: {} for signature: (x: "
         "TensorSpec(shape=(), dtype=ts.float32, name=None), y: Literal[2] = <captured_default_value>)."),
    ],
)
def test_ERROR_2_reference_and_tensorflow_messages_share_their_stable_core(reference, tensorflow):
    from tracespec.conformance.messages import same_message

    assert same_message(reference, tensorflow)


@pytest.mark.parametrize(
    ("reference", "other"),
    [
        ("Dimensions must be equal, but are 3 and 2 for '{{node floordiv}} = floordiv(x, i)' with "
         "input shapes: [3], [2].",
         "Dimensions must be equal, but are 2 and 3 for '{{node floordiv}} = FloorDiv[T=DT_INT32](x, "
         "i)' with input shapes: [3], [2]."),
        ("Value for attr 'T' of bool is not in the list of allowed values: int32 [Op:add]",
         "Value for attr 'T' of int32 is not in the list of allowed values: bool [Op:AddV2]"),
        ("Expected int32, but got 1.5 of type 'float'.", "Expected int64, but got 1.5 of type 'float'."),
        ("pyfunc_0 returns 1 values, but expects to see 2 values.",
         "pyfunc_3 returns 0 values, but expects to see 2 values."),
        ("Graph execution error:\n\nDetected at node 'gather' in graph 'f':\nindices[0] = 5 is not in "
         "[0, 2)", "indices[0] = 5 is not in [0, 2)"),
    ],
)
def test_ERROR_2_messages_that_differ_in_substance_do_not_compare_equal(reference, other):
    from tracespec.conformance.messages import same_message

    assert not same_message(reference, other)


def test_ERROR_2_any_detection_of_several_failures_matches():
    from tracespec.conformance.messages import same_message

    both = ("Graph execution error:\n\nDetected at node 'gather' in graph 'f':\nindices[0] = 5000 is "
            "not in [0, 2)\n\nDetected at node 'reshape' in graph 'f':\nInput to reshape is a tensor "
            "with 2 values, but the requested shape requires a multiple of 3")
    tensorflow = ("Graph execution error:\n\nDetected at node Reshape defined at (most recent call "
                  "last):\n...\nInput to reshape is a tensor with 2 values, but the requested shape "
                  "requires a multiple of 3\n\t [[{{node Reshape}}]] [Op:__inference_f_7]")
    assert same_message(both, tensorflow)
    assert not same_message(both, tensorflow.replace("multiple of 3", "multiple of 4"))


# ERROR-2 under runtime_checks="jax-values": nothing fails at run time (values from JAX 0.10.2,
# jnp.take under jit and eagerly; /work/scratch/jax/FINDINGS.md, section 2).

JAX_VALUES = policies.Policies(runtime_checks="jax-values")


@pytest.mark.parametrize("eager", [True, False])
def test_ERROR_2_jax_values_an_invalid_gather_index_gives_the_fill_value(eager):
    def gathered(x, i, b):
        return ts.gather(x, ts.constant([3, -3, -4, 5])), ts.gather(i, [2]), ts.gather(b, [-3])

    run = gathered if eager else ts.function(gathered)
    with policies.using(JAX_VALUES):
        floats, ints, bools = run(ts.constant([1.0, 2.0, 3.0]), ts.constant([1, 2]),
                                  ts.constant([True, False]))
        wide = run(ts.constant([1.0]), ts.constant([1, 2], ts.int64), ts.constant([False]))[1]
    np.testing.assert_array_equal(floats.numpy(), [np.nan, 1.0, np.nan, np.nan])
    assert ints.numpy().tolist() == [-2147483648] and wide.numpy().tolist() == [-9223372036854775808]
    assert bools.numpy().tolist() == [True]


def test_ERROR_2_jax_values_fill_whole_slices_along_the_axis():
    with policies.using(JAX_VALUES):
        out = ts.gather(ts.constant([[1, 2], [3, 4]]), [2, -1], axis=1)
    assert out.numpy().tolist() == [[-2147483648, 2], [-2147483648, 4]]


@pytest.mark.parametrize("eager", [True, False])
def test_ERROR_2_jax_values_a_non_empty_gather_from_an_empty_axis_is_an_index_error(eager):
    run = (lambda x, i: ts.gather(x, i)) if eager else ts.function(lambda x, i: ts.gather(x, i))
    with policies.using(JAX_VALUES):
        with pytest.raises(IndexError, match=r"Cannot do a non-empty jnp\.take\(\) from an empty axis\."):
            run(ts.zeros([0]), ts.constant([0]))
        assert run(ts.zeros([0]), ts.zeros([0], ts.int32)).numpy().tolist() == []
