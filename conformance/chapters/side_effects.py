"""Chapter: Side effects (docs/spec/side-effects)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import arguments, scenario, tensor_source
from ..scenario import T1, T2, V2, Call, Scenario, SetEager, SetGlobal, Step, handwritten


@st.composite
def _effect_statements(draw, depth: int = 0) -> list:
    statements: list = []
    for index in range(draw(st.integers(1, 4), label="statement count")):
        label = f"e{depth}{index}"
        kinds = ["log", "print", "py_function", "unused", "global"]
        if depth == 0:
            kinds += ["for", "if"]
        kind = draw(st.sampled_from(kinds), label="statement kind")
        if kind == "log":
            statements.append(c.Log(label))
        elif kind == "print":
            statements.append(c.Print(label, c.Name("x")))
        elif kind == "py_function":
            statements.append(c.PyFunction("x", label, c.BinOp("+", c.Name("x"), c.Literal(1.0))))
        elif kind == "unused":
            statements.append(c.Assign("unused", c.Op("gather", (c.Name("x"), c.Literal([5])))))
        elif kind == "global":
            statements.append(c.Assign("x", c.BinOp("*", c.Name("x"), c.Name("G"))))
        elif kind == "for":
            statements.append(c.For("i", draw(st.integers(0, 2)), tuple(draw(_effect_statements(1)))))
        else:
            statements.append(c.If(c.Name("p"), tuple(draw(_effect_statements(1))),
                                   tuple(draw(_effect_statements(1)))))
    return statements


@st.composite
def scenarios(draw) -> Scenario:
    """Python effects, runtime effects, pruning, unrolled loops and frozen globals."""
    body = draw(_effect_statements())
    f = c.FunctionDef("f", ("x", "p"), (*body, c.Return(c.Name("x"))))
    steps: list[Step] = []
    for _ in range(draw(st.integers(1, 5), label="step count")):
        if draw(st.integers(0, 3)) == 0:
            steps.append(SetGlobal("G", draw(st.sampled_from(["1.0", "2.0", "3.0"]))))
        else:
            x = draw(tensor_source(draw(st.sampled_from([("float32", (2,)), ("float32", ())]))))
            steps.append(Call("f", arguments(x, draw(st.sampled_from(["True", "False"])))))
    source = c.function(f)
    requires = {effect for effect in ("print", "py_function") if f"ts.{effect}(" in source}
    return scenario("side-effects", [f], steps, requires, {"G": "1.0"})


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
}
