"""The JAX adapter's own machinery (runs where JAX is installed: tox -e jax).

Expected values come from JAX's documented behaviour and the probes of the JAX findings
(trace counts of jit, callback order, error classes), not from the adapter.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

jax = pytest.importorskip("jax")

import jax.numpy as jnp  # noqa: E402

import tracespec.reference as reference  # noqa: E402
from tracespec.adapters.jax import adapter, adapter_x32  # noqa: E402
from tracespec.conformance import chapters, contract, expected_failures  # noqa: E402
from tracespec.conformance.messages import same_message  # noqa: E402
from tracespec.conformance.runner import REFERENCE, Violation, check  # noqa: E402
from tracespec.reference import policies  # noqa: E402


@pytest.fixture
def lines():
    printed = []
    with adapter.session():
        yield printed, adapter.namespace(printed.append)


def test_namespace_provides_the_vocabulary_but_strings_and_the_capabilities_it_lacks(lines):
    _, ts = lines
    missing = {name for name in reference.__all__ if not hasattr(ts, name)}
    assert missing == {"string",  # JAX holds no strings (string_values="unsupported")
                       "TensorArray", "TensorShape", "autograph", "data",  # chapters 7-9's capabilities
                       "Variable", "Module", "GradientTape", "stop_gradient"}  # variables, gradients
    gates = {name: gate for name, _, gate in contract.names()}
    assert not adapter.capabilities & {gates[name] for name in missing}
    assert {gates["cond"], gates["while_loop"]} <= adapter.capabilities  # jax.lax.cond, jax.lax.while_loop


def test_arrays_are_not_patched_and_numpy_is_supplied():
    assert not hasattr(type(jnp.zeros(())), "numpy")
    assert adapter.tensor_api["numpy"](jnp.asarray([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_the_session_fixes_x64_and_strict_promotion_and_restores_them():
    before = (jax.config.jax_enable_x64, jax.config.jax_numpy_dtype_promotion)
    with adapter.session():
        assert jax.config.jax_enable_x64 and jax.config.jax_numpy_dtype_promotion == "strict"
        assert jnp.zeros((), jnp.float64).dtype == jnp.float64
    assert (jax.config.jax_enable_x64, jax.config.jax_numpy_dtype_promotion) == before


def test_the_x32_session_turns_x64_off_narrows_silently_and_restores_it(recwarn):
    # JAX 0.10.2 without x64: a requested int64 is int32, with a UserWarning the session silences
    before = (jax.config.jax_enable_x64, jax.config.jax_numpy_dtype_promotion)
    with adapter_x32.session():
        assert not jax.config.jax_enable_x64 and jax.config.jax_numpy_dtype_promotion == "strict"
        ts = adapter_x32.namespace(print)
        narrowed = ts.constant(1, ts.int64)
        assert narrowed.dtype.name == "int32" and narrowed.dtype != ts.int64
        assert not [w for w in recwarn if "Explicitly requested dtype" in str(w.message)]
        assert [ts.constant(v).dtype.name for v in (1, 1.5, True)] == ["int32", "float32", "bool"]
    assert (jax.config.jax_enable_x64, jax.config.jax_numpy_dtype_promotion) == before
    assert adapter_x32.policies.python_value_dtypes == "jax-x32"
    assert 'jax.config.update("jax_enable_x64", False)' in adapter_x32.spelling.prelude


def test_constants_take_jaxs_x64_dtypes_and_are_strongly_typed(lines):
    _, ts = lines  # python_value_dtypes="jax-x64"
    assert [ts.constant(v).dtype.name for v in (1, 1.5, True, 2**40)] == ["int64", "float64", "bool", "int64"]
    assert ts.constant([1.0, 2.0], dtype=ts.float64).dtype.name == "float64"
    assert not ts.constant(1.0).weak_type


def test_a_weak_scalar_argument_converts_but_is_no_constant(lines):
    # jit traces a Python int as a weak ~int64[] (probe p1_scalars.x64); ts.constant refuses a
    # traced array as tf.constant refuses a tensor, ts.convert_to_tensor takes it as it is
    _, ts = lines
    seen = []

    @ts.function
    def f(p):
        seen.append((p.dtype.name, p.aval.weak_type, ts.convert_to_tensor(p) is p))
        return ts.constant(p)

    with pytest.raises(TypeError, match=r"^Expected any non-tensor type, but got a tensor instead\.\n"):
        f(1)  # JAX appends a note on its filtered traceback
    assert seen == [("int64", True, True)]


def test_the_tracing_count_counts_successful_traces_only(lines):
    _, ts = lines
    bodies = []

    @ts.function
    def f(x):
        bodies.append(x.shape)
        if x.shape == (3,):  # static: decided while tracing
            raise ValueError("boom")
        return x * 2

    f(ts.constant([1.0, 2.0], ts.float32))
    f(np.array([3.0, 4.0], dtype=np.float32))  # a NumPy array of the same shape and dtype: a hit
    assert f.experimental_get_tracing_count() == 1
    assert f._jitted._cache_size() == 2  # JAX's dispatch entries are not traces
    f(ts.constant([1.0], ts.float32))
    assert f.experimental_get_tracing_count() == 2
    with pytest.raises(ValueError):
        f(ts.constant([1.0, 2.0, 3.0], ts.float32))  # a failed trace is not counted
    assert f.experimental_get_tracing_count() == 2
    adapter.set_run_eagerly(True)
    f(ts.constant([1.0], ts.float32))  # the body runs, nothing is traced
    adapter.set_run_eagerly(False)
    assert f.experimental_get_tracing_count() == 2 and len(bodies) == 4
    f.get_concrete_function(ts.TensorSpec([None], ts.float32))  # a trace of its own
    assert f.experimental_get_tracing_count() == 3


def test_a_returned_string_fails_the_trace_after_the_body_ran(lines):
    _, ts = lines
    runs = []

    @ts.function
    def named(x):
        runs.append(1)
        return x, "name"

    for _ in range(2):
        with pytest.raises(TypeError, match="not a valid JAX type"):
            named(ts.constant(1.0))
    assert named.experimental_get_tracing_count() == 0 and len(runs) == 2  # not cached


def test_get_concrete_function_traces_symbolic_dimensions(lines):
    _, ts = lines
    seen = []

    @ts.function
    def f(x):
        seen.append(str(x.shape))
        return x + 1

    concrete = f.get_concrete_function(ts.TensorSpec([None], ts.float32))
    assert seen == ["(d0,)"]
    assert concrete(ts.constant([1.0, 2.0], ts.float32)).tolist() == [2.0, 3.0]
    f.get_concrete_function(ts.TensorSpec([None], ts.float32))  # the same abstract value: cached
    assert f.experimental_get_tracing_count() == 1


def test_the_eager_switch_is_process_global_and_takes_only_bools(lines):
    _, ts = lines
    seen = []
    ts.config.run_functions_eagerly(True)
    worker = threading.Thread(target=lambda: seen.append(ts.config.functions_run_eagerly()))
    worker.start()
    worker.join()
    ts.config.run_functions_eagerly(False)
    assert seen == [True]
    with pytest.raises(TypeError, match="expects a bool"):
        ts.config.run_functions_eagerly(1)


def test_prints_and_py_functions_keep_one_program_order_on_every_call(lines):
    printed, ts = lines
    events = []

    def host(x):
        events.append(("host", list(printed)))
        return x

    host.output_spec = lambda x: [(tuple(x.shape), x.dtype)]

    @ts.function
    def f(x):
        ts.print("A", x)
        y = ts.py_function(host, [x + 1], x.dtype)
        ts.print("C", y)
        return x

    f(ts.constant(1))
    f(ts.constant(2))
    assert printed == ["A 1", "C 2", "A 2", "C 3"]
    assert events == [("host", ["A 1"]), ("host", ["A 1", "C 2", "A 2"])]


def test_an_unused_py_function_is_not_pruned(lines):
    _, ts = lines
    calls = []

    @ts.function
    def f(x):
        ts.py_function(lambda v: calls.append(1) or v, [x], x.dtype)
        return x

    f(ts.constant(1.0))
    f(ts.constant(2.0))
    assert len(calls) == 2


@pytest.mark.parametrize(("program", "category"), [
    ("if x[0] > 0:\n        return x\n    return -x", "OperatorNotAllowedInGraphError"),
    ("return np.asarray(x)", "AttributeError"),  # what the supplied .numpy() does in a trace
    ("return x + ts.constant([1.0, 2.0, 3.0])", "ValueError"),  # shapes, while tracing
    ("return [][0]", "IndexError"),  # the program's own IndexError stays its own
    ("return ts.py_function(fails, [x], x.dtype)", "InvalidArgumentError"),  # a failing callback
])
def test_jax_errors_are_named_as_the_spec_names_them(lines, program, category):
    _, ts = lines

    def fails(x):
        raise KeyError("boom")

    namespace = {"ts": ts, "np": np, "fails": fails}
    exec(f"@ts.function\ndef f(x):\n    {program}\n", namespace)
    with pytest.raises(Exception) as caught:
        namespace["f"](ts.constant([1.0, 2.0]))
    assert adapter.error_category(caught.value, "tracing") == category


# The ops' shape and dtype errors: JAX raises them when the op is called, eagerly and under jit
# alike (eager_op_errors="as-traced"), with its own words for each of the spec's messages (their
# ids: conformance/messages.py; JAX's cores: JaxAdapter.message_patterns).
_OP_ERRORS = [
    "ts.constant([1, 2]) + ts.constant([1, 2, 3])", "ts.constant([1, 2]) > ts.constant([1, 2, 3])",
    "ts.where(ts.constant([True, False]), ts.ones([3]), ts.ones([3]))",
    "ts.matmul(ts.ones([2, 3]), ts.ones([2, 3]))", "ts.reshape(ts.ones([3]), [2])",
    "ts.reshape(ts.ones([3]), [2, -1])", "ts.concat([ts.ones([2]), ts.ones([2, 2])], 0)",
    "ts.concat([ts.ones([2, 1]), ts.ones([3, 2])], 0)", "ts.concat([ts.ones([]), ts.ones([])], 0)",
    "ts.concat([ts.ones([1]), ts.ones([1])], 5)", "ts.stack([ts.ones([2]), ts.ones([3])])",
    "ts.reduce_sum(ts.ones([2]), axis=3)", "ts.reduce_mean(ts.ones([2]), axis=-2)",
    "ts.gather(ts.constant(1.0), [0])", "ts.ones([2])[0, 0]",
    "ts.constant([1, 2]) + ts.constant([1.5, 2.5])", "ts.concat([ts.ones([1]), ts.ones([1], ts.int32)], 0)",
    "ts.matmul(ts.ones([1, 1]), ts.ones([1, 1], ts.int32))", "-ts.constant([True])",
    "ts.logical_and(ts.constant([True]), ts.constant([1]))",
]


@pytest.mark.parametrize("eager", [True, False], ids=["eager", "traced"])
@pytest.mark.parametrize("source", _OP_ERRORS)
def test_op_errors_have_the_spec_category_and_message_in_both_modes(lines, source, eager):
    _, ts = lines

    def raised(namespace: object) -> Exception:
        program = eval(f"lambda: {source}", {"ts": namespace})
        with pytest.raises(Exception) as caught:
            (program if eager else namespace.function(program))()
        return caught.value

    with policies.using(adapter.policies):
        expected = raised(reference)
    actual = raised(ts)
    assert adapter.error_category(actual, "tracing") == REFERENCE.error_category(expected, "tracing")
    assert same_message(str(expected), adapter.spelled_as_spec(str(actual)), adapter.message_patterns)


def test_where_alone_gives_the_coordinates_eagerly_and_needs_static_shapes_under_jit(lines):
    _, ts = lines
    condition = ts.constant([[True, False], [False, True]])
    coordinates = ts.where(condition)  # tf.where's [true elements, rank] int64 tensor, not a tuple
    assert coordinates.dtype == jnp.int64 and np.asarray(coordinates).tolist() == [[0, 0], [1, 1]]
    with pytest.raises(jax.errors.ConcretizationTypeError):  # no data-dependent shapes (jax.txt, OP-6)
        ts.function(lambda c: ts.where(c))(condition)


def test_a_leaked_tracer_used_later_is_a_type_error(lines):
    _, ts = lines
    leaked = []

    @ts.function
    def leaky(x):
        leaked.append(x + 1)
        return x

    leaky(ts.constant(1.0))
    with pytest.raises(Exception) as caught:
        leaked[0] + 1
    assert type(caught.value).__name__ == "UnexpectedTracerError"
    assert adapter.error_category(caught.value) == "TypeError"


def test_the_expected_failures_file_loads_and_gives_every_entry_a_reason():
    entries = expected_failures.load(None, adapter)
    assert entries.rules and all(reason.strip() for reason in entries.rules.values())
    assert not entries.tests and not entries.chapters  # rule-level entries only: tests keep checking


def test_a_violation_prints_a_script_that_needs_only_jax(tmp_path):
    scenario = chapters.HANDWRITTEN["CF-9 list appended in a loop body"]  # a tracer leaks from the loop
    with pytest.raises(Violation) as caught:
        check(scenario, adapter, False, "BACKEND IMPORT")
    script = str(caught.value).split("--- reproducer ---\n", 1)[1]
    imports = {line.split()[1].split(".")[0] for line in script.splitlines()
               if re.match(r"(import|from) ", line)}
    assert imports <= {"jax", "numpy", "builtins", "collections", "functools", "re", "sys"}, imports
    names = {node.id for node in ast.walk(ast.parse(script)) if isinstance(node, ast.Name)}
    assert "ts" not in names and "tracespec" not in names and "@function\ndef f" in script
    assert "step 1 (tracing count): the spec expects {'f': 0}; jax gave {'f': 1}" in script
    path = tmp_path / "repro.py"
    path.write_text(script)
    output = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert output.returncode == 0, output.stderr[-2000:]
    assert "1 UnexpectedTracerError" in output.stdout and "tracing counts: f=1" in output.stdout


def test_the_spec_repr_of_arrays_for_the_docs():
    with adapter.session():
        assert adapter.tensor_api["__repr__"](jnp.asarray(1.5, jnp.float32)) == (
            "<ts.Tensor: shape=(), dtype=float32, numpy=1.5>")
        assert adapter.spelled_as_spec("dtype('int32') TracerBoolConversionError") == (
            "ts.int32 OperatorNotAllowedInGraphError")
