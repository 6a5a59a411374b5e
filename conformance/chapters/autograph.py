"""Chapter: AutoGraph (docs/spec/autograph).

Generated programs are Python control flow over tensor and Python conditions mixed, in
``ts.function f(x, n, p)`` (``x`` a float32 scalar, ``n`` a count as a tensor or a Python int,
``p`` a Python bool): ``if``/``elif``/``else``, ``while`` and ``for`` over tensors, ``ts.range``
and Python ranges, ``break`` and ``continue``, early returns, conditional expressions and
``and``/``or``/``not``, effects everywhere, a helper function AutoGraph converts too, shape
invariants through ``set_loop_options`` and a ``TensorArray``. Sometimes a second function
``g`` breaks one of the chapter's rules (a variable undefined or ``None`` in one branch,
dtypes or shapes that change, a tensor ``break`` in a Python loop, a ``return`` in a graph
loop, or no AutoGraph at all). A plain ``to_code`` probe checks AG-12.
"""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import arguments, scenario
from ..scenario import Call, Scenario, SetEager, Step, handwritten
from .control_flow import with_flips

X, S, N, P = c.Name("x"), c.Name("s"), c.Name("n"), c.Name("p")


def _gt(value: c.Expr, threshold: float) -> c.Expr:
    return c.BinOp(">", value, c.Literal(threshold))


@st.composite
def _condition(draw) -> c.Expr:
    """A condition: a tensor, a Python value, or ``and``/``or``/``not`` of them."""
    kind = draw(st.sampled_from(["tensor", "tensor", "python", "and", "or", "not"]), label="condition")
    tensor = _gt(draw(st.sampled_from([X, S])), draw(st.sampled_from([-1.0, 0.0, 1.0, 3.0])))
    python = draw(st.sampled_from([P, c.Not(P), c.BinOp(">", c.Name("k"), c.Literal(0))]))
    if kind == "tensor":
        return tensor
    if kind == "python":
        return python
    if kind == "not":
        return c.Not(tensor)
    pair = (tensor, python) if draw(st.booleans()) else (python, tensor)
    return c.BoolOp(kind, pair)


@st.composite
def _simple(draw, label: str) -> c.Stmt:
    kind = draw(st.sampled_from(["add", "scale", "count", "float", "log", "print", "py_function"]),
                label="simple statement")
    if kind == "add":
        return c.Assign("s", c.BinOp("+", S, X))
    if kind == "scale":
        return c.Assign("s", c.BinOp("*", S, c.Literal(0.5)))
    if kind == "count":
        return c.Assign("k", c.BinOp("+", c.Name("k"), c.Literal(1)))
    if kind == "float":
        return c.Assign("y", c.BinOp("+", c.Name("y"), c.Literal(1.0)))
    if kind == "log":
        return c.Log(label)
    if kind == "print":
        return c.Print(label, S)
    return c.ExprStmt(c.Raw(f"ts.py_function(effect({label!r}), [s], ts.float32)"))


@st.composite
def _block(draw, label: str, depth: int, loop: str | None) -> tuple:
    statements = []
    for index in range(draw(st.integers(1, 2), label="block length")):
        statements.append(draw(_statement(f"{label}{index}", depth, loop)))
    return tuple(statements)


@st.composite
def _statement(draw, label: str, depth: int, loop: str | None) -> c.Stmt:
    """A statement; ``loop`` is the kind of the enclosing loop ("graph", "python" or None)."""
    kinds = ["simple", "simple", "simple"]
    if depth < 2:
        kinds += ["if", "if", "ifexp"] + ([] if loop else ["loop"])
    if loop:
        kinds += ["jump"]
    kind = draw(st.sampled_from(kinds), label="statement")
    if kind == "simple":
        return draw(_simple(label))
    if kind == "ifexp":
        choice = draw(st.sampled_from([c.IfExp(_gt(X, 0.0), S, c.Op("negative", (S,))),
                                       c.IfExp(P, S, c.BinOp("*", S, c.Literal(2.0)))]))
        return c.Assign("s", choice)
    if kind == "jump":  # a tensor `break` in a Python loop is an error (AG-4): only in g
        jump = draw(st.sampled_from([c.Break(), c.Continue()]))
        condition = draw(_condition()) if loop == "graph" or isinstance(jump, c.Continue) else P
        return c.If(condition, (c.Log(f"{label} jump"), jump))
    if kind == "if":
        orelse = draw(_block(f"{label}e", depth + 1, loop)) if draw(st.booleans()) else ()
        return c.If(draw(_condition()), draw(_block(f"{label}t", depth + 1, loop)), orelse)
    return draw(_loop(label, depth))


@st.composite
def _loop(draw, label: str, depth: int) -> c.Stmt:
    """A graph loop (over a tensor, ``ts.range`` or ``range`` of a tensor) or a Python one."""
    kind = draw(st.sampled_from(["ts.range", "range(n)", "range(2)", "tensor", "while tensor",
                                 "while python"]), label="loop")
    python = kind in ("range(2)", "while python")  # range(n) is a graph loop unless n is a Python int
    body = draw(_block(f"{label}l", depth + 1, "python" if python else "graph"))
    if kind == "while tensor":
        return c.While(c.BinOp("<", c.Name("w"), N), (c.Assign("w", c.BinOp("+", c.Name("w"), c.Literal(1))),
                                                     *body))
    if kind == "while python":
        return c.While(c.BinOp("<", c.Name("j"), c.Literal(2)), (c.Assign("j", c.BinOp("+", c.Name("j"),
                                                                                       c.Literal(1))), *body))
    iterable = {"ts.range": c.Op("range", (N,)), "range(n)": c.CallFunction("range", (N,)),
                "range(2)": c.CallFunction("range", (c.Literal(2),)),
                "tensor": c.Op("stack", (c.Structure("list", (X, S)),))}[kind]
    return c.ForIn("i", iterable, body)


PRELUDE = '''\
def helper(v):
    if v > 0.0:
        return v * 2.0
    return v


def code_has_if():
    return "ag__.if_stmt" in ts.autograph.to_code(helper)'''


@st.composite
def _good_function(draw) -> c.FunctionDef:
    body: list = [c.Assign("s", X), c.Assign("k", c.Literal(0)), c.Assign("y", c.Literal(0.0)),
                  c.Assign("w", c.Op("constant", (c.Literal(0),))), c.Assign("j", c.Literal(0))]
    for index in range(draw(st.integers(1, 3), label="statement count")):
        body.append(draw(_statement(f"s{index}", 0, None)))
    extra = draw(st.sampled_from(["none", "helper", "array", "invariant", "early return"]), label="extra")
    if extra == "helper":
        body.append(c.Assign("s", c.CallFunction("helper", (S,))))
    elif extra == "array":
        write = c.Assign("ta", c.MethodCall(c.Name("ta"), "write", (c.Name("i"), S)))
        body += [c.Assign("ta", c.Raw("ts.TensorArray(ts.float32, size=0, dynamic_size=True)")),
                 c.ForIn("i", c.Op("range", (N,)), (write, c.Assign("s", c.BinOp("+", S, c.Literal(1.0))))),
                 c.Assign("s", c.BinOp("+", S, c.Op("reduce_sum", (c.MethodCall(c.Name("ta"), "stack"),))))]
    elif extra == "invariant":
        grow = c.Assign("v", c.Op("concat", (c.Structure("list", (c.Name("v"), c.Op("stack", (
            c.Structure("list", (S,)),)))), c.Literal(0))))
        body += [c.Assign("v", c.Op("stack", (c.Structure("list", (X,)),))),
                 c.ForIn("i", c.Op("range", (N,)), (c.LoopOptions((("v", (None,)),)), grow)),
                 c.Assign("s", c.BinOp("+", S, c.Op("reduce_sum", (c.Name("v"),))))]
    elif extra == "early return":
        body.append(c.If(draw(_condition()), (c.Log("early"), c.Return(c.BinOp("*", S, c.Literal(10.0))))))
    to_float = c.Op("cast", (c.Name("k"), c.Raw("ts.float32")))
    body.append(c.Return(c.BinOp("+", c.BinOp("+", S, to_float), c.Name("y"))))
    return c.FunctionDef("f", ("x", "n", "p"), tuple(body))


BROKEN = {
    "undefined in a branch": ((c.If(_gt(X, 0.0), (c.Assign("z", X),)), c.Return(c.Name("z"))), True),
    "None in a branch": ((c.Assign("z", c.Literal(None)), c.If(_gt(X, 0.0), (c.Assign("z", X),)),
                          c.Return(c.Name("z"))), True),
    "missing return": ((c.If(_gt(X, 0.0), (c.Return(X),)),), True),
    "dtype in branches": ((c.If(_gt(X, 0.0), (c.Assign("z", c.Literal(1)),), (c.Assign("z", c.Literal(1.0)),)),
                           c.Return(c.Name("z"))), True),
    "dtype in a loop": ((c.Assign("z", c.Op("constant", (c.Literal(0),))), c.ForIn("i", c.Op("range", (N,)), (
        c.Assign("z", c.Op("cast", (c.Name("z"), c.Raw("ts.float32")))),)), c.Return(c.Name("z"))), True),
    "shape in a loop": ((c.Assign("v", c.Op("stack", (c.Structure("list", (X,)),))), c.ForIn(
        "i", c.Op("range", (N,)), (c.Assign("v", c.Op("concat", (c.Structure("list", (c.Name("v"), c.Name("v"))),
                                                                  c.Literal(0)))),)), c.Return(c.Name("v"))), True),
    "tensor break in a Python loop": ((c.Assign("s", X), c.ForIn("i", c.CallFunction("range", (c.Literal(3),)), (
        c.If(_gt(S, 1.0), (c.Break(),)), c.Assign("s", c.BinOp("+", S, c.Literal(1.0))))), c.Return(S)), True),
    "while turned into a tensor": ((c.Assign("j", c.Literal(0)), c.While(c.BinOp("<", c.Name("j"), c.Literal(3)), (
        c.Assign("j", c.Op("constant", (c.Literal(5),))),)), c.Return(c.BinOp("+", X, c.Op("cast", (
            c.Name("j"), c.Raw("ts.float32")))))), True),
    "return in a graph loop": ((c.ForIn("i", c.Op("range", (N,)), (c.If(c.BinOp(">", c.Name("i"), c.Literal(1)), (
        c.Return(X),)),)), c.Return(c.Op("negative", (X,)))), True),
    "no autograph": ((c.If(_gt(X, 0.0), (c.Return(X),)), c.Return(c.Op("negative", (X,)))), False),
    "the seed: .numpy() after a converted if": ((c.Assign("z", X), c.If(_gt(X, 0.0), (
        c.Assign("z", c.BinOp("*", X, c.Literal(2.0))),)), c.Return(c.Numpy(c.Name("z")))), True),
}


@st.composite
def scenarios(draw) -> Scenario:
    """Mixed tensor and Python control flow in ``f``; sometimes a rule broken in ``g``."""
    functions = [draw(_good_function())]
    if draw(st.integers(0, 2), label="error case") == 0:
        body, autograph = BROKEN[draw(st.sampled_from(sorted(BROKEN)), label="broken rule")]
        functions.append(c.FunctionDef("g", ("x", "n", "p"), body, autograph=autograph))
    steps: list[Step] = []
    for _ in range(draw(st.integers(2, 4), label="call count")):
        x = draw(st.sampled_from([-2.0, -0.5, 0.5, 2.0]), label="x")
        count = draw(st.integers(0, 3), label="n")
        n = f"ts.constant({count})" if draw(st.integers(0, 3), label="n kind") else str(count)
        p = draw(st.sampled_from(["True", "False"]), label="p")
        target = draw(st.sampled_from([f.name for f in functions]), label="called")
        steps.append(Call(target, arguments(f"ts.constant({x!r})", n, p)))
    if draw(st.integers(0, 3), label="to_code probe") == 0:
        steps.append(Call("code_has_if"))
    return scenario("autograph", functions, draw(with_flips(steps)), {"print", "py_function", "numpy"},
                    prelude=PRELUDE)


HANDWRITTEN = {
    "EAGER-7 the seed, verbatim": handwritten("autograph", "EAGER-7 AG-1 TENSOR-4", """
        ys = []
        collected = lambda: list(ys)

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
        """, Call("sqrt", "ts.constant(2.)"), Call("sqrt", "ts.constant(2.)"), Call("collected"),
        SetEager(True), Call("sqrt", "ts.constant(2.)"), Call("collected"), SetEager(False),
        Call("sqrt", "ts.constant(2.)"), Call("collected"), requires=("numpy",)),
    "AG-1 both branches traced": handwritten("autograph", "AG-1 AG-10", """
        @ts.function
        def sign(x):
            i = 0
            if x > 0:
                log("positive branch")
                i = 1
            else:
                log("other branch")
                i = -1
            return i
        """, Call("sign", "ts.constant(5)"), Call("sign", "ts.constant(-5)"), Call("sign", "5"),
        SetEager(True), Call("sign", "ts.constant(5)")),
    "AG-5 break and continue in a graph loop": handwritten("autograph", "AG-5 AG-2", """
        @ts.function
        def f(n):
            s = ts.constant(0)
            for i in ts.range(n):
                if i > 3:
                    break
                if i % 2 == 0:
                    continue
                ts.print("adding", i)
                s += i
            return s
        """, Call("f", "ts.constant(10)"), Call("f", "ts.constant(2)"), SetEager(True),
        Call("f", "ts.constant(10)"), requires=("print",)),
    "AG-7 undefined in the else branch": handwritten("autograph", "AG-7", """
        @ts.function
        def f(x):
            if x > 0:
                y = x
            return y
        """, Call("f", "ts.constant(1)"), SetEager(True), Call("f", "ts.constant(1)"),
        Call("f", "ts.constant(-1)")),
}
