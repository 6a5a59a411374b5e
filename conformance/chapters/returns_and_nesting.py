"""Chapter: Returned values, nesting and recursion (docs/spec/returns-and-nesting)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import arguments, scenario, tensor_source
from ..scenario import T1, Call, Scenario, SetEager, Step, handwritten

_LEAVES = (c.Name("b"), c.Name("x"), c.Literal(1), c.Literal(2.5), c.Literal(True),
           c.Literal(None), c.Literal("s"))


@st.composite
def _returned(draw, depth: int = 0) -> c.Expr:
    if depth == 2 or draw(st.booleans()):
        return draw(st.sampled_from(_LEAVES))
    kind = draw(st.sampled_from(["list", "tuple", "dict"]))
    items = [draw(_returned(depth + 1)) for _ in range(draw(st.integers(1, 3)))]
    if kind == "dict":
        return c.Structure("dict", tuple((f"k{i}", v) for i, v in enumerate(items)))
    return c.Structure(kind, tuple(items))


@st.composite
def scenarios(draw) -> Scenario:
    """Nested functions, returned structures and Python values, leaked tensors, recursion."""
    variant = draw(st.sampled_from(["nested", "leak", "recursion"]), label="variant")
    steps: list[Step] = []
    if variant == "nested":
        inner = c.FunctionDef("inner", ("a",), (c.Log("trace inner"),
                                                c.Return(c.BinOp("*", c.Name("a"), c.Literal(2)))))
        outer = c.FunctionDef("outer", ("x",), (c.Log("trace outer"),
                                                c.Assign("b", c.CallFunction("inner", (c.Name("x"),))),
                                                c.Return(draw(_returned(), label="returned"))))
        functions = [inner, outer]
        for _ in range(draw(st.integers(1, 5))):
            spec = draw(st.sampled_from([("float32", (2,)), ("int32", (2,)), ("float32", ())]))
            steps.append(Call(draw(st.sampled_from(["outer", "outer", "inner"])),
                              draw(tensor_source(spec))))
    elif variant == "leak":
        leaky = c.FunctionDef("leaky", ("x",), (c.Assign("y", c.BinOp("+", c.Name("x"), c.Literal(1.0))),
                                                c.Leak(c.Name("y")), c.Return(c.Name("y"))))
        user = c.FunctionDef("user", ("x",), (c.Return(c.BinOp("+", c.Name("x"),
                                                                c.Subscript(c.Name("LEAKED"), "0"))),))
        functions = [leaky, user]
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["leaky", "user", "numpy", "flag"]))
            x = draw(tensor_source(("float32", (2,))))
            if kind == "numpy":
                steps.append(Call("LEAKED[-1].numpy"))
            elif kind == "flag":
                steps.append(SetEager(draw(st.booleans())))
            else:
                steps.append(Call(kind, x))
    else:
        rec = c.FunctionDef("rec", ("x", "n"), (
            c.Log("trace rec"),
            c.If(c.BinOp("==", c.Name("n"), c.Literal(0)), (c.Return(c.Name("x")),)),
            c.Return(c.CallFunction("rec", (c.BinOp("+", c.Name("x"), c.Literal(1.0)),
                                            c.BinOp("-", c.Name("n"), c.Literal(1))))),
        ))
        functions = [rec]
        for _ in range(draw(st.integers(1, 3))):
            x = draw(tensor_source(("float32", (2,))))
            steps.append(Call("rec", arguments(x, str(draw(st.integers(0, 3))))))
    return scenario("returns-and-nesting", functions, steps, {"numpy"})


HANDWRITTEN = {
    "RETURN-1 Python values": handwritten("returns-and-nesting", "RETURN-1 RETURN-2", """
        @ts.function
        def f(x):
            return {"a": x, "b": [1, 2.5, True, "s", None], "c": (x,)}
        """, Call("f", T1), SetEager(True), Call("f", T1)),
    "RETURN-3 leaked tensors": handwritten("returns-and-nesting", "RETURN-3", """
        @ts.function
        def leaky(x):
            y = x + 1
            LEAKED.append(y)
            return y
        @ts.function
        def user(x):
            return x + LEAKED[0]
        """, Call("leaky", T1), Call("LEAKED[0].numpy"), Call("user", T1), requires=("numpy",)),
    "NEST-2 inner keeps its cache": handwritten("returns-and-nesting", "NEST-1 NEST-2", """
        @ts.function
        def inner(x):
            log("inner")
            return x * 2
        @ts.function
        def outer(x):
            log("outer")
            return inner(x) + 1
        """, Call("outer", "ts.constant(1)"), Call("outer", "ts.constant(2)"),
        Call("inner", "ts.constant(5)"), Call("outer", "ts.constant(1.0)")),
    "NEST-3 recursion on Python values": handwritten("returns-and-nesting", "NEST-3", """
        @ts.function
        def rec(x, n):
            log("trace")
            if n == 0:
                return x
            return rec(x + 1, n - 1)
        """, Call("rec", f"{T1}, 3"), Call("rec", f"{T1}, 3"), Call("rec", f"{T1}, 1")),
}
