"""Chapter: Gradients (docs/spec/gradients).

A generated program is a random chain of differentiable (and a few non-differentiable) ops
over a tensor ``x`` and a trainable variable ``W``, written three times:

* ``inside(x)``: a ``ts.function`` with a tape in its body that returns the gradients (GRAD-6);
* ``forward(x)``: a ``ts.function`` computing the chain (possibly through a nested
  ``ts.function``, and possibly with a second output), and ``taped(x)``, plain Python that
  records a call of ``forward`` on a tape (GRAD-7);
* the run-eagerly switch runs both as plain Python (the eager reference of the two).

A chain may have one step through ``ts.cond`` or ``ts.while_loop`` (chapter 7), whose
gradients are walks of the branch taken or of the iterations run.

The tape's options (``persistent``, ``watch_accessed_variables``), the sources' structure, a
non-trainable variable ``K`` and writes to ``W`` between calls are drawn too.
"""

from __future__ import annotations

from textwrap import dedent

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import literal
from ..scenario import BASE_REQUIREMENTS, Call, Scenario, SetEager, Step, requirements


def _x(draw) -> str:
    """A length-3 float32 argument of tenths in [-2, 2]: ties and zeros now and then, and no
    value so small that TensorFlow's CPU kernels flush it (or what it computes) to zero."""
    element = st.integers(-20, 20).map(lambda tenths: tenths / 10)
    return f"ts.constant({literal([draw(element) for _ in range(3)])})"


def _op(fn: str, *args: c.Expr, **kwargs) -> c.Op:
    return c.Op(fn, args, tuple(kwargs.items()))


def _f(value: float) -> c.Literal:
    return c.Literal(value)


def _steps(a: c.Expr, b: c.Expr) -> dict[str, c.Expr]:
    """One step of the chain: a new length-3 float32 value from the last two."""
    plus_one = c.BinOp("+", _op("abs", b), _f(1.0))
    return {
        "add": c.BinOp("+", a, b),
        "subtract": c.BinOp("-", a, c.BinOp("*", b, _f(2.0))),
        "multiply": c.BinOp("*", a, b),
        "divide": c.BinOp("/", a, plus_one),
        "exp": _op("exp", c.BinOp("*", a, _f(0.1))),
        "log": _op("log", c.BinOp("+", _op("abs", a), _f(1.0))),
        "sqrt": _op("sqrt", c.BinOp("+", _op("abs", a), _f(1.0))),
        "square": _op("square", a),
        "pow": _op("pow", plus_one, _f(1.5)),
        "maximum": _op("maximum", a, b),
        "minimum": _op("minimum", a, b),
        "negative": c.BinOp("-", _op("negative", a), b),
        "mod": _op("mod", a, _f(2.5)),
        "where": _op("where", c.BinOp(">", a, b), a, c.BinOp("*", b, _f(3.0))),
        "reduce_sum": c.BinOp("*", _op("reduce_sum", a), b),
        "reduce_mean": c.BinOp("+", _op("reduce_mean", a, axis=0, keepdims=True), b),
        "reduce_max": _op("reduce_max", _op("stack", c.Structure("list", (a, b))), c.Literal(0)),
        "reduce_min": _op("reduce_min", _op("stack", c.Structure("list", (a, b)), axis=1), axis=1),
        "concat": c.Subscript(_op("concat", c.Structure("list", (a, b)), c.Literal(0)), "1:4"),
        "gather": c.BinOp("*", _op("gather", a, c.Literal([2, 0, 2])), b),
        "slice": c.BinOp("+", c.Subscript(a, "::-1"), b),
        "reshape": _op("reshape", _op("reshape", a, c.Literal([3, 1])), c.Literal([3])),
        "matmul": _op("reduce_sum", _op("matmul", _op("reshape", a, c.Literal([3, 1])),
                                        _op("reshape", b, c.Literal([1, 3]))), axis=0),
        "fill": c.BinOp("*", _op("fill", c.Literal([3]), c.Subscript(a, "0")), b),
        "cast float64": _op("cast", c.BinOp("*", _op("cast", a, c.Name("ts.float64")), _f(2.0)),
                            c.Name("ts.float32")),
        "cast int32": c.BinOp("+", _op("cast", _op("cast", a, c.Name("ts.int32")), c.Name("ts.float32")), b),
        "stop_gradient": c.BinOp("*", _op("stop_gradient", a), b),
        "floordiv": c.BinOp("+", _op("floordiv", a, _f(2.0)), b),
        "compare": c.BinOp("*", _op("cast", c.BinOp(">", a, _f(0.0)), c.Name("ts.float32")), b),
        "abs": _op("abs", c.BinOp("-", a, b)),
        "identity": _op("identity", a),
        "ones": c.BinOp("+", a, _op("ones", c.Literal([3]))),
    }


STRUCTURAL = ("concat", "matmul", "gather", "reshape", "slice", "reduce_max")
STEP_KINDS = (*STRUCTURAL, *(k for k in _steps(c.Name("a"), c.Name("b")) if k not in STRUCTURAL))
"""The kinds of step, those whose gradients need ops of their own first."""


def _mixed(a: c.Expr, b: c.Expr) -> c.Expr:
    """One step through every op whose gradient needs an op of its own (concat, slicing, gather,
    reshape, matmul, a reduction over an axis) and ``stop_gradient``: each program has it once."""
    picked = _op("gather", c.Subscript(_op("concat", c.Structure("list", (a, b)), c.Literal(0)), "1:4"),
                 c.Literal([2, 0, 1]))
    outer = _op("matmul", _op("reshape", a, c.Literal([3, 1])), _op("reshape", picked, c.Literal([1, 3])))
    return c.BinOp("+", _op("reduce_sum", outer, axis=0), _op("stop_gradient", b))


def _control_flow(kind: str, a: c.Expr, b: c.Expr) -> c.Expr:
    """One step through ``ts.cond`` or ``ts.while_loop`` (GRAD-5's rules for them): the predicate
    compares a maximum, which both backends compute exactly."""
    if kind == "cond":
        return _op("cond", c.BinOp(">", _op("reduce_max", a), _f(0.5)),
                   c.Lambda((), c.BinOp("*", a, b)), c.Lambda((), c.BinOp("-", a, c.BinOp("*", b, _f(2.0)))))
    i, s = c.Name("i"), c.Name("s")
    step = c.Structure("tuple", (c.BinOp("+", i, c.Literal(1)),
                                 c.BinOp("+", c.BinOp("*", s, _f(0.5)), c.BinOp("*", a, b))))
    loop = _op("while_loop", c.Lambda(("i", "s"), c.BinOp("<", i, c.Literal(2))), c.Lambda(("i", "s"), step),
               c.Structure("list", (c.Literal(0), b)))
    return c.Subscript(loop, "1")


@st.composite
def _chain(draw, start: c.Expr, label: str) -> tuple[list, c.Expr]:
    """Assignments ``a0 = ...; a1 = ...`` from ``start`` and ``W``; returns them and the last value."""
    body = [c.Assign(f"{label}0", c.BinOp("*", start, c.Name("W")))]
    previous, current = start, c.Name(f"{label}0")
    length = draw(st.integers(3, 6), label="chain length")
    mixed_at = draw(st.integers(1, length), label="mixed step at")
    flow = draw(st.sampled_from([None, "cond", "while"]), label="control flow step")
    flow_at = draw(st.integers(1, length), label="control flow step at") if flow else None
    for index in range(1, length + 1):
        if index == mixed_at:
            value = _mixed(current, previous)
        elif index == flow_at:
            value = _control_flow(flow, current, previous)
        else:
            value = _steps(current, previous)[draw(st.sampled_from(STEP_KINDS), label="step")]
        body.append(c.Assign(f"{label}{index}", value))
        previous, current = current, c.Name(f"{label}{index}")
    return body, current


def _target(kind: str, value: c.Expr) -> c.Expr:
    if kind == "sum of squares":
        return _op("reduce_sum", c.BinOp("*", value, value))
    if kind == "vector":
        return value
    return c.Structure("list", (_op("reduce_mean", value), c.BinOp("*", value, _f(2.0))))


SOURCES = {
    "list": c.Structure("list", (c.Name("x"), c.Name("W"))),
    "dict": c.Structure("dict", (("x", c.Name("x")), ("w", c.Name("W")), ("k", c.Name("K")))),
    "variable": c.Name("W"),
    "tuple": c.Structure("tuple", (c.Name("W"), c.Name("x"), c.Name("K"))),
}


def _tape(draw) -> c.Op:
    options = {}
    if draw(st.booleans(), label="persistent"):
        options["persistent"] = True
    if draw(st.integers(0, 3), label="watch accessed variables") == 0:
        options["watch_accessed_variables"] = False
    return _op("GradientTape", **options)


@st.composite
def scenarios(draw) -> Scenario:
    """A random chain, differentiated inside and outside traced functions."""
    x, tape = c.Name("x"), c.Name("tape")
    nested = draw(st.booleans(), label="nested function")
    body, last = draw(_chain(x, "a"))
    functions = []
    if nested:
        inner_body, inner_last = draw(_chain(c.Name("u"), "n"))
        functions.append(c.FunctionDef("inner", ("u",), (*inner_body, c.Return(inner_last))))
        # inner's chain starts from a0, not from the last value: chained, two chains of products
        # could overflow float32, and after an overflow inf - inf is nan or inf by the order of
        # evaluation (found on TensorFlow).
        body.append(c.Assign("m", c.BinOp("+", last, c.CallFunction("inner", (c.Name("a0"),)))))
        last = c.Name("m")
    target = draw(st.sampled_from(["sum of squares", "vector", "two targets"]), label="target")
    sources = SOURCES[draw(st.sampled_from(sorted(SOURCES)), label="sources")]
    watches = [c.Evaluate(c.Method(tape, "watch", (x,)))]
    if draw(st.booleans(), label="watch K"):
        watches.append(c.Evaluate(c.Method(tape, "watch", (c.Name("K"),))))
    returned = c.Structure("tuple", (c.Method(tape, "gradient", (c.Name("y"), sources)),
                                     c.Method(tape, "watched_variables")))
    functions.append(c.FunctionDef("inside", ("x",), (
        c.Log("trace inside"),
        c.With(_tape(draw), "tape", (*watches, *body, c.Assign("y", _target(target, last)))),
        c.Return(returned),
    )))
    two_outputs = draw(st.booleans(), label="two outputs")
    forward_result = c.Name("y") if not two_outputs else c.Structure("tuple", (c.Name("y"), c.Name("a0")))
    functions.append(c.FunctionDef("forward", ("x",), (
        c.Log("trace forward"), *body, c.Assign("y", _target(target, last)), c.Return(forward_result))))
    functions.append(c.FunctionDef("taped", ("x",), (
        c.With(_tape(draw), "tape", (*watches, c.Assign("y", c.CallFunction("forward", (x,))))),
        c.Return(c.Structure("tuple", (c.Method(tape, "gradient", (c.Name("y"), sources)),
                                       c.Method(tape, "watched_variables")))),
    ), traced=False))
    # Both ways first, in the starting mode; then the flag is switched (so that each run sees
    # both regimes) and the functions are called in a drawn order.
    flag = draw(st.booleans(), label="switch the flag to")
    steps: list[Step] = [Call("inside", _x(draw)), Call("taped", _x(draw)), SetEager(flag),
                         Call("inside", _x(draw)), Call("taped", _x(draw))]
    for _ in range(draw(st.integers(0, 4), label="more steps")):
        step = draw(st.sampled_from(["inside", "taped", "forward", "eager", "write"]), label="step")
        if step == "eager":
            steps.append(SetEager(draw(st.booleans())))
        elif step == "write":
            steps.append(Call("W.assign", _x(draw)))
        else:
            steps.append(Call(step, _x(draw)))
    values = [draw(st.sampled_from([0.5, 1.0, -2.0, 3.0])) for _ in range(6)]
    prelude = (f"W = ts.Variable({literal(values[:3])}, name='W')\n"
               f"K = ts.Variable({literal(values[3:])}, name='K', trainable=False)\n")
    source = prelude + "\n\n" + c.program(tuple(functions))
    return Scenario("gradients", source, tuple(steps), ("inside", "forward"),
                    requires=BASE_REQUIREMENTS | requirements(source, tuple(steps)))


NOT_GENERATED = {
    "GRAD-8": "an example (the seed article's), not a decision of the reference: it is made of EAGER-2, "
              "EAGER-6 and GRAD-6, which generated scenarios reach; its hand-written scenario runs it",
    "GRAD-9": "an example (the seed article's), made of GRAD-1, GRAD-3, VAR-7 and VAR-8, which generated "
              "scenarios reach; its hand-written scenario runs it",
}

def _handwritten(rules: str, functions: str, source: str, *steps: Step, requires=()) -> Scenario:
    """A hand-written scenario whose plain Python helpers are not among its ``functions``."""
    source = dedent(source)
    return Scenario("gradients", source, steps, tuple(functions.split()), tuple(rules.split()),
                    requires=BASE_REQUIREMENTS | requirements(source, steps) | set(requires))


HANDWRITTEN = {
    "GRAD-8 square and gradient": _handwritten("GRAD-8 GRAD-6", "square_and_gradient", """
        @ts.function
        def square_and_gradient(x):
            log(str(ts.executing_eagerly()))
            with ts.GradientTape() as tape:
                tape.watch(x)
                y = x * x
            dy_dx = tape.gradient(y, x)
            return y, dy_dx

        def square_and_gradient_no_tf_function(x):
            log(str(ts.executing_eagerly()))
            with ts.GradientTape() as tape:
                tape.watch(x)
                y = x * x
            dy_dx = tape.gradient(y, x)
            return y, dy_dx
        """, SetEager(True), Call("square_and_gradient", "ts.constant(3.0)"), SetEager(False),
        Call("square_and_gradient_no_tf_function", "ts.constant(3.0)"),
        Call("square_and_gradient", "ts.constant(3.0)"), Call("square_and_gradient", "ts.constant(3.0)")),
    "GRAD-9 training step": _handwritten("GRAD-9 GRAD-1 GRAD-3", "train_step", """
        w = ts.Variable([[0.5]])
        b = ts.Variable([0.0])
        x_train = ts.constant([[1.0], [2.0], [3.0]])
        y_train = ts.constant([[2.0], [4.0], [6.0]])

        @ts.function
        def train_step(x, y):
            log(str(ts.executing_eagerly()))
            with ts.GradientTape() as tape:
                loss = ts.reduce_mean(ts.square(ts.matmul(x, w) + b - y))
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(0.05 * gw)
            b.assign_sub(0.05 * gb)
            return loss
        """, *(Call("train_step", "x_train, y_train") for _ in range(3)), SetEager(True),
        *(Call("train_step", "x_train, y_train") for _ in range(2))),
    "GRAD-7 multiple outputs": _handwritten("GRAD-7", "two", """
        v = ts.Variable(2.0)

        @ts.function
        def two(x):
            ts.print("forward")
            return x * x, v * 3.0, ts.constant(5.0)

        def taped(x):
            with ts.GradientTape(persistent=True) as tape:
                tape.watch(x)
                a, b, c = two(x)
            return [tape.gradient(t, [x, v]) for t in (a, b, c)]
        """, Call("taped", "ts.constant(3.0)"), SetEager(True), Call("taped", "ts.constant(3.0)"),
        requires=("print",)),
    "GRAD-1 product rule in a trace": _handwritten("GRAD-1", "slope", """
        @ts.function
        def slope(x, w):
            with ts.GradientTape() as tape:
                tape.watch(x)
                y = x * w + w
            return tape.gradient(y, x)
        """, Call("slope", "ts.constant(2.0), ts.constant(3.0)"), SetEager(True),
        Call("slope", "ts.constant(2.0), ts.constant(3.0)")),
}
