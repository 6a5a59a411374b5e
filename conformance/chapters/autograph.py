"""Chapter: AutoGraph (docs/spec/autograph).

Generated programs are Python control flow over tensor and Python conditions mixed, in
``ts.function f(x, n, p)`` (``x`` a float32 scalar, ``n`` a count as a tensor or a Python int,
``p`` a Python bool): ``if``/``elif``/``else``, ``while`` and ``for`` over tensors, ``ts.range``
and Python ranges, ``break`` and ``continue``, early returns, conditional expressions and
``and``/``or``/``not``, effects everywhere, a helper function AutoGraph converts too, shape
invariants through ``set_loop_options`` and a ``TensorArray``. Up to two more functions,
``g0`` and ``g1``, each break one of the chapter's rules (a variable undefined or ``None`` in
one branch, dtypes or shapes that change, a tensor ``break`` in a Python loop, a ``return`` in
a graph loop, ``.numpy()`` after a converted ``if``, or no AutoGraph at all); ``plain`` has
``autograph=False`` and Python conditions only. A ``to_code`` probe checks AG-12.
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
    extras = draw(st.lists(st.sampled_from(sorted(EXTRAS)), max_size=3, unique=True), label="extras")
    for extra in sorted(extras, key=lambda e: e == "early return"):  # an early return goes last
        text = EXTRAS[extra]
        if extra == "break":
            text = text.format(limit=draw(st.sampled_from([0.0, 1.0, 2.0]), label="break limit"))
        body.append(c.Lines(text))
    to_float = c.Op("cast", (c.Name("k"), c.Raw("ts.float32")))
    body.append(c.Return(c.BinOp("+", c.BinOp("+", S, to_float), c.Name("y"))))
    return c.FunctionDef("f", ("x", "n", "p"), tuple(body))


EXTRAS = {  # fixed patterns added to ``f``
    "helper": "s = helper(s)",
    "array": """\
ta = ts.TensorArray(ts.float32, size=0, dynamic_size=True)
for i in ts.range(n):
    ta = ta.write(i, s)
    s = s + 1.0
s = s + ts.reduce_sum(ta.stack()) + ts.cast(ta.size(), ts.float32)""",
    "over a tensor": """\
for e in ts.stack([x, s, x * 2.0]):
    s = s + e""",
    "invariant": """\
v = ts.stack([x])
for i in ts.range(n):
    ts.autograph.experimental.set_loop_options(shape_invariants=[(v, ts.TensorShape([None]))])
    v = ts.concat([v, ts.stack([s])], 0)
s = s + ts.reduce_sum(v)""",
    "break": """\
for i in ts.range(n):
    s = s + 1.0
    if s > {limit}:
        break""",  # statements before the break would run again if the loop did not stop
    "early return": """\
if x > 0.0:
    log('early')
    return s * 10.0""",
}

BROKEN = {  # function bodies that break one of the chapter's rules when traced: (body, autograph)
    "undefined in a branch": ("if x > 0.0:\n    z = x\nreturn z", True),
    "None in a branch": ("z = None\nif x > 0.0:\n    z = x\nreturn z", True),
    "missing return": ("if x > 0.0:\n    return x", True),
    "dtype in branches": ("if x > 0.0:\n    z = 1\nelse:\n    z = 1.0\nreturn z", True),
    "dtype in a loop": ("z = ts.constant(0)\nfor i in ts.range(n):\n    z = ts.cast(z, ts.float32)\nreturn z",
                        True),
    "shape in a loop": ("v = ts.stack([x])\nfor i in ts.range(n):\n    v = ts.concat([v, v], 0)\nreturn v",
                        True),
    "tensor break in a Python loop": ("s = x\nfor i in range(3):\n    if s > 1.0:\n        break\n"
                                      "    s = s + 1.0\nreturn s", True),
    "while turned into a tensor": ("j = 0\nwhile j < 3:\n    j = ts.constant(5)\n"
                                   "return x + ts.cast(j, ts.float32)", True),
    "return in a graph loop": ("for i in ts.range(n):\n    if i > 1:\n        return x\nreturn -x", True),
    "no autograph": ("if x > 0.0:\n    return x\nreturn -x", False),
    "the seed: .numpy() after a converted if": ("z = x\nif x > 0.0:\n    z = x * 2.0\nreturn z.numpy()",
                                                True),
}


PLAIN = c.FunctionDef("plain", ("x", "n", "p"), (
    c.Assign("s", X), c.If(P, (c.Assign("s", c.BinOp("*", S, c.Literal(2.0))),)),
    c.ForIn("i", c.CallFunction("range", (c.Literal(2),)), (c.Assign("s", c.BinOp("+", S, X)),)),
    c.Return(S)), autograph=False)


@st.composite
def scenarios(draw) -> Scenario:
    """Mixed tensor and Python control flow in ``f``; up to two rules broken, in ``g0`` and ``g1``."""
    functions = [draw(_good_function())]
    if draw(st.booleans(), label="without autograph"):  # Python control flow on Python values only
        functions.append(PLAIN)
    broken = draw(st.lists(st.sampled_from(sorted(BROKEN)), max_size=2, unique=True), label="broken rules")
    for index, case in enumerate(broken):
        body, autograph = BROKEN[case]
        functions.append(c.FunctionDef(f"g{index}", ("x", "n", "p"), (c.Lines(body),), autograph=autograph))
    steps: list[Step] = []
    for index in range(draw(st.integers(len(functions) + 1, len(functions) + 3), label="call count")):
        x = draw(st.sampled_from([-2.0, -0.5, 0.5, 2.0]), label="x")
        count = draw(st.integers(0, 3), label="n")
        n = f"ts.constant({count})" if draw(st.integers(0, 3), label="n kind") else str(count)
        p = draw(st.sampled_from(["True", "False"]), label="p")
        called = index if index < len(functions) else draw(st.integers(0, len(functions) - 1))
        steps.append(Call(functions[called].name, arguments(f"ts.constant({x!r})", n, p)))
    if draw(st.integers(0, 3), label="to_code probe") == 0:
        steps.append(Call("code_has_if"))
    return scenario("autograph", functions, draw(with_flips(steps)), prelude=PRELUDE)


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
                ts.print("at", i)
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
