"""Chapter 8: AutoGraph (docs/spec/08-autograph.md), and the seed example verbatim (EAGER-7).

Expected values and messages are TensorFlow 2.21's (probes in /work/scratch/control-flow), or
computed here by plain Python.
"""

from __future__ import annotations

import ast
import sys
import traceback

import numpy as np
import pytest

import tracespec.reference as ts
from tracespec.reference import policies
from tracespec.reference.autograph import scopes
from tracespec.reference.graph import Graph

# -- EAGER-7: the seed, verbatim --------------------------------------------------------------

ys = []


@ts.function
def sqrt(x):
  y = x / 2
  d = y
  for _ in range(10):
    d /= 2
    if y * y < x:
      y += d
    else:
      y -= d
    ys.append(y.numpy())
  return y


SEED_VALUES = [1.5, 1.25, 1.375, 1.4375, 1.40625, 1.421875, 1.4140625, 1.41796875, 1.416015625,
               1.4150390625]


def _bisection_in_python(x: float) -> list[float]:
    y = np.float32(x) / 2
    d = y
    seen = []
    for _ in range(10):
        d = d / np.float32(2)
        y = y + d if y * y < x else y - d
        seen.append(float(y))
    return seen


def test_EAGER_7_seed_verbatim_eagerly_returns_the_bisection_and_fills_the_list():
    assert _bisection_in_python(2.0) == SEED_VALUES  # independent computation
    ys.clear()
    ts.config.run_functions_eagerly(True)
    result = sqrt(ts.constant(2.))
    assert result.dtype == ts.float32 and result.numpy() == np.float32(1.4150391)
    assert repr(result) == "<ts.Tensor: shape=(), dtype=float32, numpy=1.4150390625>"
    assert [float(v) for v in ys] == SEED_VALUES and all(type(v) is np.float32 for v in ys)
    assert sqrt.experimental_get_tracing_count() == 0


def test_EAGER_7_seed_verbatim_traced_fails_at_numpy_after_the_if_became_a_cond():
    ys.clear()
    for _ in range(2):
        with pytest.raises(AttributeError) as caught:
            sqrt(ts.constant(2.))
        assert str(caught.value) == "'SymbolicTensor' object has no attribute 'numpy'"
    assert ys == [] and sqrt.experimental_get_tracing_count() == 0
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert any(f.line == "ys.append(y.numpy())" for f in frames)  # the user's own line
    assert "ag__.if_stmt" in ts.autograph.to_code(sqrt)


# -- AG-1 --------------------------------------------------------------------------------------


def _sign(x):
    if x > 0:
        print("positive branch")
        y = 1
    else:
        print("other branch")
        y = -1
    return y


def test_AG_1_if_on_a_tensor_traces_both_branches_once(capsys):
    f = ts.function(_sign)
    assert [int(f(ts.constant(v))) for v in (5, -5, 0)] == [1, -1, -1]
    assert capsys.readouterr().out.splitlines() == ["positive branch", "other branch"]
    assert f.experimental_get_tracing_count() == 1


def test_AG_1_if_on_a_python_value_traces_the_taken_branch(capsys):
    f = ts.function(_sign)
    assert int(f(5)) == 1 and int(f(-5)) == -1
    assert capsys.readouterr().out.splitlines() == ["positive branch", "other branch"]
    assert f.experimental_get_tracing_count() == 2


def test_AG_1_elif_chains_and_numpy_conditions():
    @ts.function
    def three_way(x):
        if x > 0:
            r = 1
        elif x < 0:
            r = -1
        else:
            r = 0
        if np.float32(1.0) > 0:  # a NumPy value: Python control flow
            r = r * 10
        return r

    assert [int(three_way(ts.constant(v))) for v in (5, -5, 0)] == [10, -10, 0]


def test_AG_1_while_on_a_tensor_is_a_graph_loop_on_python_values_it_unrolls():
    def halvings(x):
        steps = 0
        while x > 1:
            print("body")
            x = x // 2
            steps += 1
        return steps

    f = ts.function(halvings)
    assert int(f(ts.constant(40))) == 5 and int(f(ts.constant(1))) == 0
    assert f.experimental_get_tracing_count() == 1
    graph = f.get_concrete_function(ts.TensorSpec([], ts.int32)).graph
    assert [n.primitive.name for n in graph.nodes].count("while") == 1
    assert int(f(40)) == 5  # Python: unrolled, no while node
    python_graph = f.get_concrete_function(40).graph
    assert "while" not in [n.primitive.name for n in python_graph.nodes]


def test_AG_1_the_while_test_is_traced_twice_the_body_once():
    calls = {"test": 0, "body": 0}

    def test(i, n):
        calls["test"] += 1
        return i < n

    @ts.function
    def f(n):
        i = 0
        while test(i, n):
            calls["body"] += 1
            i += 1
        return i

    assert int(f(ts.constant(3))) == 3
    assert calls == {"test": 2, "body": 1}


def test_AG_1_stateful_ops_in_a_converted_if_run_only_on_the_taken_path(event_log):
    events, stream = event_log

    @ts.function
    def f(x):
        if x > 0:
            ts.print("positive", output_stream=stream)
        else:
            ts.print("not positive", output_stream=stream)
        return x

    f(ts.constant(1))
    f(ts.constant(-1))
    assert events == ["positive", "not positive"]


# -- AG-2 --------------------------------------------------------------------------------------


def test_AG_2_for_over_a_tensor_iterates_its_rows_in_a_graph_loop(capsys):
    @ts.function
    def total(xs):
        s = ts.zeros([2], ts.int32)
        for row in xs:
            print("body")
            s += row
        return s

    assert total(ts.constant([[1, 2], [3, 4], [5, 6]])).numpy().tolist() == [9, 12]
    assert capsys.readouterr().out.splitlines() == ["body"]
    dynamic = ts.function(total.python_function, input_signature=[ts.TensorSpec([None, 2], ts.int32)])
    assert dynamic(ts.constant([[1, 2], [3, 4]])).numpy().tolist() == [4, 6]
    with pytest.raises(ValueError, match="len requires a non-scalar tensor"):
        total(ts.constant(3))


def test_AG_2_for_over_ts_range_and_range_of_a_tensor_are_graph_loops():
    @ts.function
    def f(a, b):
        s = ts.constant(0)
        for i in ts.range(a, b, 2):
            s += i
        t = 0
        for i in range(b):
            t += i
        return s, t

    s, t = f(ts.constant(2), ts.constant(9))
    assert int(s) == 2 + 4 + 6 + 8 and int(t) == sum(range(9))
    ts.config.run_functions_eagerly(True)
    assert [int(v) for v in f(ts.constant(2), ts.constant(9))] == [20, 36]


def test_AG_2_for_over_python_values_unrolls(capsys):
    @ts.function
    def f(xs):
        s = 0
        for x in xs:
            print("body")
            s += x
        return s

    assert int(f([ts.constant(1), ts.constant(2)])) == 3
    assert int(f((1, 2, 3))) == 6
    assert capsys.readouterr().out.count("body") == 5


def test_AG_2_a_negative_range_step_and_the_loop_target_after_the_loop():
    @ts.function
    def f(n):
        s = ts.constant(0)
        for i in ts.range(n, 0, -1):
            s += i
        return s, i

    s, last = f(ts.constant(4))
    assert int(s) == 10 and int(last) == 1
    _, start = f(ts.constant(0))
    assert int(start) == 0  # an undefined target starts as the range's start (TensorFlow's rule)


# -- AG-3 --------------------------------------------------------------------------------------


def test_AG_3_autograph_false_raises_for_tensor_control_flow_and_eager_runs():
    f = ts.function(_sign, autograph=False)
    with pytest.raises(ts.errors.OperatorNotAllowedInGraphError):
        f(ts.constant(1))
    ts.config.run_functions_eagerly(True)
    assert f(ts.constant(-1)) == -1


def test_AG_3_the_error_policy_turns_autograph_off_for_every_function():
    f = ts.function(_sign)
    with policies.using(policies.Policies(symbolic_bool="error")):
        with pytest.raises(ts.errors.OperatorNotAllowedInGraphError):
            f(ts.constant(1))
        dataset_fn = lambda: ts.data.Dataset.range(2).map(_sign)  # noqa: E731
        with pytest.raises(ts.errors.OperatorNotAllowedInGraphError):
            dataset_fn()
    assert int(f(ts.constant(1))) == 1  # back under TensorFlow's choice
    assert "autograph" in policies.IMPLEMENTED["symbolic_bool"] and "error" in policies.IMPLEMENTED[
        "symbolic_bool"]


# -- AG-4 --------------------------------------------------------------------------------------


def test_AG_4_tensor_break_in_a_python_for_loop():
    @ts.function
    def f(x):
        for _ in range(5):
            if x > 2:
                break
            x += 1
        return x

    with pytest.raises(NotImplementedError, match=r"^break and return statements which depend on a TF "
                                                  r"condition are not supported in Python for loops\. Did "
                                                  r"you intend to make it a TF loop\?$"):
        f(ts.constant(0))
    ts.config.run_functions_eagerly(True)
    assert int(f(ts.constant(0))) == 3


def test_AG_4_a_python_while_whose_condition_becomes_a_tensor():
    @ts.function
    def f(n):
        i = 0
        while True:
            i += 1
            if i >= n:
                break
        return i

    @ts.function
    def g(n):
        i = 0
        while i < 10:
            i = ts.constant(11)
        return i

    for function in (f, g):
        with pytest.raises(NotImplementedError, match=r"^The condition of while loop started as non-Tensor, "
                                                      r"then changed to Tensor\."):
            function(ts.constant(3))


def test_AG_4_a_tensor_continue_in_a_python_loop_works():
    @ts.function
    def f(x):
        s = x
        for _ in range(5):
            if x > 2:
                continue
            s += 1
        return s

    assert int(f(ts.constant(0))) == 5 and int(f(ts.constant(3))) == 3


# -- AG-5 --------------------------------------------------------------------------------------


def test_AG_5_break_and_continue_in_graph_loops():
    @ts.function
    def f(n):
        s = ts.constant(0)
        for i in ts.range(n):
            if i > 3:
                break
            s += i
        t = ts.constant(0)
        for i in ts.range(n):
            if i % 2 == 0:
                continue
            t += i
        return s, t

    assert [int(v) for v in f(ts.constant(10))] == [6, 25]  # catalogue rule 36


def test_AG_5_break_in_a_tensor_while_and_a_loop_else():
    @ts.function
    def f(n):
        i = ts.constant(0)
        while i < 100:
            i += 1
            if i >= n:
                break
        return i

    assert int(f(ts.constant(5))) == 5

    def python_else(n):
        found = -1
        for i in range(n):
            if i == 2:
                found = i
                break
        else:
            found = 99
        return found

    assert [int(ts.function(python_else)(n)) for n in (5, 1)] == [python_else(5), python_else(1)]


# -- AG-6 --------------------------------------------------------------------------------------


def test_AG_6_return_inside_a_graph_loop_is_not_implemented():
    @ts.function
    def f(n):
        for i in ts.range(n):
            if i > 3:
                return i
        return ts.constant(-1)

    with pytest.raises(NotImplementedError, match=r"^a return statement cannot be placed inside this "
                                                  r"TensorFlow loop"):
        f(ts.constant(10))
    ts.config.run_functions_eagerly(True)
    assert int(f(ts.constant(10))) == 4


def test_AG_6_a_return_under_a_python_condition_in_a_graph_loop_works():
    @ts.function
    def f(n, flag):
        for i in ts.range(n):
            if flag:
                return i
        return ts.constant(-1)

    assert int(f(ts.constant(10), True)) == 0  # TensorFlow 2.21: the first iteration's value
    with pytest.raises(ts.errors.InvalidArgumentError, match="loop must iterate at least once"):
        f(ts.constant(0), True)


# -- AG-7 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("source, message", [
    ("if x > 0:\n    y = x\nreturn y", r"^'y' must also be initialized in the else branch$"),
    ("if x > 0:\n    pass\nelse:\n    y = x\nreturn y", r"^'y' must also be initialized in the main branch$"),
    ("if x > 0:\n    y = 1\nelif x < 0:\n    y = -1\nreturn y", r"^'y' must also be initialized in the else"),
    ("if x > 0:\n    y = None\nelse:\n    y = x\nreturn y", r"^'y' is None at the end of the main branch\.$"),
    ("y = None\nif x > 0:\n    y = x\nreturn y", r"^'y' is None at the end of the else branch\.$"),
    ("if x > 0:\n    return x", r"^the else branch must also have a return statement\.$"),
    ("if x > 0:\n    return x\nreturn None", r"^'retval_' is None at the end of the else branch\.$"),
    ("for i in range(5):\n    if x > 2:\n        return x\n    x += 1\nreturn x",
     r"^the else branch must also have a return statement\.$"),
], ids=["else", "main", "elif", "none-main", "none-else", "return", "return-none", "python-loop"])
def test_AG_7_undefined_none_and_missing_returns_after_a_graph_conditional(source, message):
    namespace: dict = {}
    exec("def f(x):\n" + "".join(f"    {line}\n" for line in source.splitlines()), namespace)
    with pytest.raises(ValueError, match=message):
        _traced_from_string(source)(ts.constant(1))


def _traced_from_string(body: str):
    """A ts.function from source text, registered so that AutoGraph can read it."""
    import linecache

    text = "def f(x):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    name = f"<test autograph {abs(hash(text))}>"
    linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    namespace: dict = {"ts": ts}
    exec(compile(text, name, "exec"), namespace)
    return ts.function(namespace["f"])


def test_AG_7_eagerly_undefined_and_none_values_are_fine():
    ts.config.run_functions_eagerly(True)
    assert int(_traced_from_string("if x > 0:\n    y = x\nreturn y")(ts.constant(1))) == 1
    assert _traced_from_string("y = None\nif x > 0:\n    y = x\nreturn y")(ts.constant(-1)) is None


def test_AG_7_a_variable_used_only_inside_a_branch_needs_no_else(event_log):
    events, stream = event_log

    @ts.function
    def f(x):
        if x > 0:
            y = x * 2
            ts.print(y, output_stream=stream)
        return x

    f(ts.constant(1))
    f(ts.constant(-1))
    assert events == ["2"]


def test_AG_7_a_variable_first_defined_in_a_graph_loop():
    @ts.function
    def f(n):
        for i in ts.range(n):
            y = i * 10
        return y

    assert int(f(ts.constant(3))) == 20
    with pytest.raises(ts.errors.InvalidArgumentError,
                       match=r"assertion failed: \[loop must iterate at least once to initialize y\]"):
        f(ts.constant(0))

    @ts.function
    def g(n):
        for _ in ts.range(n):
            y = y + 1  # noqa: F821, F841
        return n

    with pytest.raises(ValueError, match=r"^'y' must be defined before the loop\nNote: AutoGraph tried"):
        g(ts.constant(2))


# -- AG-8 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("source, error, message", [
    ("if x > 0:\n    y = 1\nelse:\n    y = 1.0\nreturn y", TypeError,
     r"^'y' has dtype int32 in the main branch, but dtype float32 in the else branch$"),
    ("if x > 0:\n    return 1\nreturn 1.0", TypeError,
     r"^'retval_' has dtype int32 in the main branch, but dtype float32 in the else branch$"),
    ("if x > 0:\n    y = (x, x)\nelse:\n    y = [x, x]\nreturn y", TypeError,
     r"^'y' must have the same nested structure in the main and else branches:"),
    ("for i in ts.range(x):\n    x = ts.cast(x, ts.float32)\nreturn x", TypeError,
     r"^'x' has dtype int32 before the loop, but dtype float32 after one iteration$"),
    ("z = ts.constant(0)\nwhile z < 10:\n    z = ts.cast(z, ts.float32) + 1.0\nreturn z", TypeError,
     r"^'z' has dtype int32 before the loop, but dtype float32 after one iteration$"),
    ("p = (x, x)\nfor i in ts.range(x):\n    p = [p[0] + 1, p[1]]\nreturn p", TypeError,
     r"^'p' does not have the same nested structure after one iteration\."),
], ids=["if", "return", "structure", "for", "while", "loop-structure"])
def test_AG_8_dtypes_and_structures_agree_across_branches_and_iterations(source, error, message):
    with pytest.raises(error, match=message):
        _traced_from_string(source)(ts.constant(3))


# -- AG-9 --------------------------------------------------------------------------------------


def test_AG_9_shapes_across_iterations_and_set_loop_options():
    grow = "x = ts.constant([0])\nfor i in ts.range(n):\n{}    x = ts.concat([x, ts.stack([i])], 0)\nreturn x"
    plain = grow.format("").replace("n)", "x_len)")
    with pytest.raises(ValueError, match=r"^'x' has shape \(1,\) before the loop, but shape \(2,\) after one "
                                         r"iteration\. Use ts\.autograph\.experimental\.set_loop_options"):
        _loop_function(plain)(ts.constant(3))
    options = ("    ts.autograph.experimental.set_loop_options("
               "shape_invariants=[(x, ts.TensorShape([None]))])\n")
    relaxed = _loop_function(grow.format(options).replace("n)", "x_len)"))
    assert relaxed(ts.constant(3)).numpy().tolist() == [0, 0, 1, 2]
    bad = options.replace("[None]", "[2]")
    with pytest.raises(ValueError, match=r"does not conform with the shape invariant \(2,\)"):
        _loop_function(grow.format(bad).replace("n)", "x_len)"))(ts.constant(3))


def _loop_function(body: str):
    import linecache

    text = "def f(x_len):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    name = f"<test autograph loop {abs(hash(text))}>"
    linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    namespace: dict = {"ts": ts}
    exec(compile(text, name, "exec"), namespace)
    return ts.function(namespace["f"])


def test_AG_9_maximum_iterations_option_and_python_loops_ignore_options():
    @ts.function
    def f(n):
        s = ts.constant(0)
        for _ in ts.range(n):
            ts.autograph.experimental.set_loop_options(maximum_iterations=3)
            s += 1
        t = 0
        for _ in range(3):
            ts.autograph.experimental.set_loop_options(maximum_iterations=1)
            t += 1
        return s, t

    assert [int(v) for v in f(ts.constant(10))] == [3, 3]
    ts.config.run_functions_eagerly(True)
    assert [int(v) for v in f(ts.constant(10))] == [10, 3]


def test_AG_9_conditionals_relax_shapes():
    seen = {}

    @ts.function
    def f(x):
        if x > 0:
            y = ts.zeros([2])
        else:
            y = ts.zeros([2, 2])
        seen["shape"] = y.shape
        return y

    assert f(ts.constant(1)).shape == (2,) and seen["shape"].rank is None  # TensorShape(None)


# -- AG-10 -------------------------------------------------------------------------------------


def test_AG_10_python_values_changed_by_graph_control_flow_become_tensors():
    seen = {}

    @ts.function
    def f(x):
        i, j, untouched = 0, 0, 7
        if x > 0:
            i = 1
        for _ in ts.range(x):
            j += 1
        seen.update(i=type(i).__name__, j=type(j).__name__, untouched=type(untouched).__name__)
        return [0] * i, j

    repeated, j = f(ts.constant(2))
    assert seen == {"i": "SymbolicTensor", "j": "SymbolicTensor", "untouched": "int"}
    assert repeated.numpy().tolist() == [0] and int(j) == 2  # [0] * tensor broadcasts, as in TF
    ts.config.run_functions_eagerly(True)
    assert f(ts.constant(2)) == ([0], 2)


# -- AG-11 -------------------------------------------------------------------------------------


def test_AG_11_and_or_not_on_tensors_become_graph_ops_and_stay_lazy(event_log):
    events, stream = event_log

    def rhs(x):
        events.append("python rhs")
        ts.print("runtime rhs", output_stream=stream)
        return x < 5

    @ts.function
    def f(x):
        return x > 0 and rhs(x), x < 0 or x > 5, not x > 0

    both, either, negated = f(ts.constant(3))
    assert (bool(both), bool(either), bool(negated)) == (True, False, False)
    assert events == ["python rhs", "runtime rhs"]
    events.clear()
    assert not bool(f(ts.constant(-3))[0]) and events == []  # the rhs op runs only when needed


def test_AG_11_python_operands_keep_python_meaning():
    @ts.function
    def f(x, flag):
        return flag and x > 0

    assert bool(f(ts.constant(3), True)) is True
    falsy = f(ts.constant(3), False)
    assert falsy.dtype == ts.bool and not bool(falsy)  # Python False, converted on return
    with pytest.raises(TypeError, match=r"true_fn and false_fn arguments to ts\.cond"):
        ts.function(lambda x, flag: x > 0 and flag)(ts.constant(3), 5)
    ts.config.run_functions_eagerly(True)
    assert f(ts.constant(3), False) is False


def test_AG_11_conditional_expressions_on_tensors():
    @ts.function
    def magnitude(x):
        return x if x > 0 else -x

    assert int(magnitude(ts.constant(-3))) == 3
    with pytest.raises(TypeError, match=r"^'x > 0' has dtype int32 in the main branch, but dtype float32"):
        _traced_from_string("return 1 if x > 0 else 2.0")(ts.constant(1))
    with pytest.raises(ValueError, match=r"^'x > 0' is None at the end of the else branch\.$"):
        _traced_from_string("return x if x > 0 else None")(ts.constant(1))


# -- AG-12 -------------------------------------------------------------------------------------


def test_AG_12_to_code_shows_the_converted_source():
    code = ts.autograph.to_code(_sign)
    assert code == (
        "def _sign(x):\n\n"
        "    def if_body(y):\n        print('positive branch')\n        y = 1\n        return (y,)\n\n"
        "    def else_body(y):\n        print('other branch')\n        y = -1\n        return (y,)\n"
        "    y, = ag__.if_stmt(x > 0, if_body, else_body, (ag__.Undefined('y'),), ('y',))\n"
        "    return y")
    assert ts.autograph.to_code(ts.function(_sign)) == code
    ast.parse(ts.autograph.to_code(test_AG_5_break_and_continue_in_graph_loops))
    with pytest.raises(ValueError, match="needs the source code"):
        ts.autograph.to_code(len)


def test_AG_12_the_chapters_to_code_example_is_what_the_reference_prints():
    from pathlib import Path

    chapter = (Path(__file__).parent.parent / "docs" / "spec" / "08-autograph.md").read_text()
    shown = chapter.split("On the reference, `to_code(sign.python_function)` is:\n\n```text\n")[1]
    shown = shown.split("\n```")[0]
    namespace: dict = {"ts": ts}
    source = ("def sign(x):\n    if x > 0:\n        print(\"tracing the positive branch\")\n        y = 1\n"
              "    else:\n        print(\"tracing the other branch\")\n        y = -1\n    return y\n")
    path = "<test to_code sign>"
    import linecache

    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    exec(compile(source, path, "exec"), namespace)
    assert ts.autograph.to_code(namespace["sign"]) == shown


# -- AG-13 -------------------------------------------------------------------------------------


def test_AG_13_tracebacks_show_the_users_lines_and_file():
    @ts.function
    def broken(x):
        if x > 0:
            y = x.numpy()
        else:
            y = x
        return y

    with pytest.raises(AttributeError) as caught:
        broken(ts.constant(1))
    frames = traceback.extract_tb(caught.value.__traceback__)
    ours = [f for f in frames if f.filename == __file__]
    assert ours[-1].line == "y = x.numpy()"
    assert ours[-1].lineno == broken.python_function.__code__.co_firstlineno + 3


def test_AG_13_identical_functions_in_two_files_keep_their_own_file():
    # Code objects compare equal whatever their file, so the conversion cache must tell them apart.
    import linecache

    source = "def g(x):\n    if x > 0:\n        y = x.numpy()\n    else:\n        y = x\n    return y\n"
    files = []
    for path in ("<test AG-13 first>", "<test AG-13 second>"):
        linecache.cache[path] = (len(source), None, source.splitlines(True), path)
        namespace: dict = {}
        exec(compile(source, path, "exec"), namespace)
        with pytest.raises(AttributeError) as caught:
            ts.function(namespace["g"])(ts.constant(1))
        frames = traceback.extract_tb(caught.value.__traceback__)
        files.append({f.filename for f in frames if f.filename.startswith("<test AG-13")})
    assert files == [{"<test AG-13 first>"}, {"<test AG-13 second>"}]


def test_the_conversion_cache_does_not_keep_a_programs_code_alive():
    import gc
    import linecache
    import weakref

    source = "def g(x):\n    if x > 0:\n        return x\n    return -x\n"
    linecache.cache["<test cache>"] = (len(source), None, source.splitlines(True), "<test cache>")
    namespace: dict = {}
    exec(compile(source, "<test cache>", "exec"), namespace)
    assert int(ts.function(namespace["g"])(ts.constant(-2))) == 2
    code = weakref.ref(namespace.pop("g").__code__)
    gc.collect()
    assert code() is None


# -- AG-14 -------------------------------------------------------------------------------------


def _clip(x):
    if x > 10:
        return ts.constant(10)
    return x


def test_AG_14_functions_called_by_name_are_converted():
    @ts.function
    def f(x):
        return _clip(x) + 1

    assert [int(f(ts.constant(v))) for v in (30, 3)] == [11, 4]
    with pytest.raises(ts.errors.OperatorNotAllowedInGraphError):
        ts.function(f.python_function, autograph=False)(ts.constant(30))


def test_AG_14_recursion_on_a_tensor_condition_is_a_recursion_error():
    @ts.function
    def rec(n):
        if n <= 0:
            return n
        return rec(n - 1)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(600)
    try:
        with pytest.raises(RecursionError):
            rec(ts.constant(3))
    finally:
        sys.setrecursionlimit(limit)
    ts.config.run_functions_eagerly(True)
    assert int(rec(ts.constant(3))) == 0


# -- the converter's machinery -------------------------------------------------------------------

counter = 0


def test_converted_code_keeps_globals_nonlocals_closures_defaults_and_methods():
    global counter
    counter = 0
    offset = ts.constant(100)
    cell = [0]

    def outer():
        hits = 0

        @ts.function
        def f(x, scale=2):
            nonlocal hits
            global counter
            counter += 1
            hits += 1
            if x > 0:
                y = x * scale + offset
            else:
                y = x
            return y

        return f, lambda: hits

    f, hits = outer()
    assert int(f(ts.constant(1))) == 102 and int(f(ts.constant(1), scale=3)) == 103
    assert counter == 2 and hits() == 2 and cell == [0]

    class Scaler:
        def __init__(self, k):
            self.k = k

        @ts.function
        def __call__(self, x):
            if x > 0:
                return x * self.k
            return x

    assert int(Scaler(3)(ts.constant(2))) == 6 and int(Scaler(4)(ts.constant(-2))) == -2


def test_liveness_follows_loops_and_branches():
    body = ast.parse("s = 0\nfor i in r:\n    s += i\n    t = i\nprint(s)").body
    assert scopes.live_in(body, set()) == {"r", "print"}
    loop = body[1]
    assert scopes.loop_head(loop, {"print", "s"}) == {"s", "print"}
    branch = ast.parse("if c:\n    y = 1\nelse:\n    z = y").body
    assert scopes.live_before(branch[0], {"y"}) == {"c", "y"}


def test_a_scratch_graph_for_the_while_test_leaves_the_trace_clean():
    @ts.function
    def f(n):
        i = ts.constant(0)
        while i < n:
            i += 1
        return i

    graph = f.get_concrete_function(ts.TensorSpec([], ts.int32)).graph
    assert isinstance(graph, Graph) and [n.primitive.name for n in graph.nodes].count("less") == 0
