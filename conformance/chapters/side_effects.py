"""Chapter: Side effects (docs/spec/side-effects)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from .. import programs as p
from ..draws import arguments, chance, choice, fresh, integer, scenario, tensor_source
from ..scenario import T1, T2, V2, Call, Scenario, SetEager, SetGlobal, Step, handwritten

WEIGHTS = {"log": 8, "print": 4, "py_function": 5}
NOT_GENERATED = {
    "EFFECT-6": "generated (Python if over a Python argument, for over a Python range, both "
                "unrolled while tracing) but not measurable: Python itself runs those statements, "
                "so no decision point of the reference notes the rule",
    "EFFECT-8": "generated (a ts.function method guarded by an attribute of its instance) but not "
                "measurable: the guard is a Python if that Python evaluates, so no decision point "
                "of the reference notes the rule",
}


@st.composite
def _block(draw, body: p.Body, depth: int = 0) -> list[c.Stmt]:
    """Effects, ops (some unused, some failing) and Python control flow over Python values."""
    statements: list[c.Stmt] = []
    for _ in range(integer(draw, 1, 4)):
        kind = choice(draw, ["body", "body", "body", "unused", "global", "counter", "iterator", "ratio",
                             "flags"]
                      + (["for", "if", "guard"] if depth == 0 else []), "statement kind")
        if kind == "ratio":  # a computed value printed: the float text needs up to 9 digits
            divisor = c.Literal(choice(draw, [3.0, 7.0, 10.0]))
            ratio = c.BinOp("/", c.Op("reduce_sum", (c.Name("x"),)), divisor)
            statements.append(c.Evaluate(c.Op("print", (c.Literal(f"ratio{depth}"), ratio))))
        elif kind == "flags":  # a bool tensor printed: its elements as 1 and 0 (EFFECT-2)
            flags = c.BinOp(">", c.Name("x"), c.Literal(0.0))
            statements.append(c.Evaluate(c.Op("print", (c.Literal(f"flags{depth}"), flags))))
        elif kind == "body":
            start = len(body.statements)
            body.run(1, WEIGHTS)
            statements += body.statements[start:]
        elif kind == "unused":  # pruned when traced; its error shows eagerly (EFFECT-5)
            index = choice(draw, ["[5]", "[0]"])
            unused = c.Op("gather", (c.Name("x"), c.Name(index)))
            statements.append(c.Assign(f"unused{len(statements)}", unused))
        elif kind == "global":  # a global read while tracing, frozen into the graph (EFFECT-7)
            statements.append(c.Assign("x", c.BinOp(choice(draw, ["*", "+"]), c.Name("x"), c.Name("G"))))
        elif kind == "counter":  # a global counter bumped once per trace (EFFECT-1)
            statements += [c.Assign("COUNT", c.BinOp("+", c.Name("COUNT"), c.Literal(1))),
                           c.LogValue(c.PyCall("str", (c.Name("COUNT"),)))]
        elif kind == "iterator":  # next() on a Python iterator: the value seen while tracing
            statements.append(c.Assign("x", c.BinOp("+", c.Name("x"), c.PyCall("next", (c.Name("ITEMS"),)))))
        elif kind == "for":
            statements.append(c.For("i", integer(draw, 0, 3), tuple(draw(_inner(body)))))
        elif kind == "if":
            statements.append(c.If(c.Name("p"), tuple(draw(_inner(body))), tuple(draw(_inner(body)))))
        else:  # a guard on Python state, decided once while tracing (EFFECT-8)
            statements += [c.If(c.UnaryOp("not", c.Name("GREETED")), (
                c.Assign("GREETED", c.Literal(True)),
                c.Evaluate(c.Op("print", (c.Literal("hello"),))), c.Log("greeting")))]
    return statements


@st.composite
def _inner(draw, body: p.Body) -> list[c.Stmt]:
    """A block inside a loop or branch: the values it makes stay inside (it may not run)."""
    scope = body.scope[:]
    statements = draw(_block(body, 1))
    body.scope[:] = scope
    return statements


def _program_state() -> list[c.Stmt]:
    return [c.Assign("COUNT", c.Literal(0)), c.Assign("ITEMS", c.PyCall("iter", (c.PyCall("range", (
        c.Literal(10), c.Literal(100))),))), c.Assign("GREETED", c.Literal(False))]


def _greeter() -> list:
    """EFFECT-8 with an instance attribute: a ``ts.function`` method that greets once."""
    init = c.FunctionDef("__init__", ("self",), (c.Assign("self.greeted", c.Literal(False)),), traced=False)
    call = c.FunctionDef("__call__", ("self", "x"), (
        c.If(c.UnaryOp("not", c.Name("self.greeted")), (
            c.Assign("self.greeted", c.Literal(True)),
            c.Evaluate(c.Op("print", (c.Literal("hello"), c.Name("x")))))),
        c.Return(c.BinOp("+", c.Name("x"), c.Literal(1)))))
    return [c.ClassDef("Greeter", (init, call)), c.Assign("greeter", c.PyCall("Greeter"))]


@st.composite
def _scenarios(draw) -> Scenario:
    values = [p.Value(c.Name("x"), "float32", (2,))]
    body = p.Body(draw, values, errors=2)
    statements = draw(_block(body))
    if body.scope[-1] is not values[0] and chance(draw, 2):
        result: c.Expr = body.scope[-1].expr
    else:
        result = c.Name("x")
    f = c.FunctionDef("f", ("x", "p"), (c.Global(("COUNT", "GREETED")), c.Log("trace f"), *statements,
                                        c.Return(result)),
                      autograph=body.autograph)
    definitions: list = [*_program_state(), f]
    greeter = chance(draw, 3)
    if greeter:
        definitions += _greeter()
    steps: list[Step] = []
    for _ in range(integer(draw, 1, 5)):
        kind = choice(draw, ["call", "call", "call", "global", "greeter" if greeter else "call"])
        if kind == "global":
            value = choice(draw, ["1.0", "2.0", "ts.constant(3.0)", "ts.constant([1.0, -1.0])"])
            steps.append(SetGlobal("G", value))
        elif kind == "greeter":
            steps.append(Call("greeter", draw(tensor_source(("float32", (2,))))))
        else:
            x = draw(tensor_source(choice(draw, [("float32", (2,)), ("float32", (2,)), ("float32", ())])))
            steps.append(Call("f", arguments(x, choice(draw, ["True", "False"]))))
    return scenario("side-effects", definitions, p.flips(draw, steps, 3), {"G": "1.0"})


def scenarios():
    """Python effects, runtime effects, pruning, unrolled loops, frozen globals and guards."""
    return fresh(_scenarios())


HANDWRITTEN = {
    "EFFECT-1 and 2 once per trace, every call": handwritten("side-effects", "EFFECT-1 EFFECT-2", """
        @ts.function
        def f(x):
            log("python")
            ts.print("runtime", x)
            return x
        """, Call("f", "1"), Call("f", "1"), Call("f", "2"), Call("f", "ts.constant(3)"),
        Call("f", "ts.constant(4)"), requires=("print",)),
    "EFFECT-3 py_function every execution": handwritten("side-effects", "EFFECT-3", """
        @ts.function
        def f(x):
            return ts.py_function(effect("host"), [x], x.dtype)
        """, Call("f", T1), Call("f", T2), Call("f", T1), requires=("py_function",)),
    "EFFECT-4 program order": handwritten("side-effects", "EFFECT-4", """
        @ts.function
        def f(x):
            ts.print("A", x)
            unused = ts.py_function(effect("B"), [x + 1], x.dtype)
            ts.print("C", x * 2)
            return x
        """, Call("f", T1), Call("f", T2), requires=("print", "py_function")),
    "EFFECT-5 pruning": handwritten("side-effects", "EFFECT-5", """
        @ts.function
        def f(x):
            unused = ts.gather(x, [5])
            return x
        """, Call("f", "ts.constant([1])"), Call("f", "ts.constant([2])")),
    "EFFECT-7 frozen globals": handwritten("side-effects", "EFFECT-7", """
        @ts.function
        def f(x):
            return x + G
        """, Call("f", T1), SetGlobal("G", "100.0"), Call("f", T1), Call("f", V2),
        SetEager(True), Call("f", T1), G=1.0),
    "EFFECT-2 bools print as 1 and 0": handwritten("side-effects", "EFFECT-2", """
        @ts.function
        def f(x):
            ts.print("positive", x > 0.0, x < 0.0)
            return x
        """, Call("f", "ts.constant([1.0, -2.0])"), SetEager(True), Call("f", "ts.constant([-1.0])"),
        requires=("print",)),
    "EFFECT-4 a call's ops run inlined": handwritten("side-effects", "EFFECT-4 EFFECT-5", """
        @ts.function
        def divide(a):
            ts.print("dividing", a)
            return 0 // a
        @ts.function
        def twice(x):
            return divide(x), divide(x)
        @ts.function
        def unused_gather(x):
            ts.print("inside", x)
            return ts.gather(x, [5])
        @ts.function
        def caller(x):
            unused_gather(x)
            return x
        """, Call("twice", "ts.constant(0)"), Call("twice", "ts.constant(2)"),
        Call("caller", "ts.constant([1, 2])"), SetEager(True), Call("twice", "ts.constant(0)"),
        Call("caller", "ts.constant([1, 2])"), requires=("print",)),
}
