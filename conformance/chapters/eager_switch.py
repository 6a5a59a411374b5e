"""Chapter: The run-eagerly switch (docs/spec/eager-switch)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import POOL, scenario, tensor_source
from ..scenario import T1, T2, V2, Call, Concrete, Scenario, SetEager, Step, handwritten


@st.composite
def scenarios(draw) -> Scenario:
    """Calls interleaved with flips of the run-eagerly flag."""
    use_numpy = draw(st.booleans(), label="body calls .numpy()")
    nested = draw(st.booleans(), label="nested function")
    functions = []
    body: list = [c.Log("trace f"), c.Print("p", c.Name("x"))]
    value: c.Expr = c.BinOp("*", c.Name("x"), c.Literal(2.0))
    if nested:
        functions.append(c.FunctionDef("g", ("a",), (c.Log("trace g"), c.Return(
            c.BinOp("+", c.Name("a"), c.Literal(1.0))))))
        value = c.CallFunction("g", (value,))
    body.append(c.Assign("y", value))
    if use_numpy:
        body.append(c.Assign("n", c.Numpy(c.Name("y"))))
    returned: c.Expr = c.Name("y")
    if draw(st.booleans(), label="also return a Python value"):
        returned = c.Structure("tuple", (c.Name("y"), c.Literal(draw(st.sampled_from([1, 2.5, True])))))
    body.append(c.Return(returned))
    functions.append(c.FunctionDef("f", ("x",), tuple(body)))
    steps: list[Step] = []
    for _ in range(draw(st.integers(2, 7), label="step count")):
        kind = draw(st.sampled_from(["call", "call", "flag", "concrete"]))
        if kind == "call":
            steps.append(Call("f", draw(tensor_source(draw(st.sampled_from(POOL[:2]))))))
        elif kind == "flag":
            steps.append(SetEager(draw(st.booleans())))
        else:
            steps.append(Concrete("f", "ts.TensorSpec([None], ts.float32)"))
    requires = {"print"} | ({"numpy"} if use_numpy else set())
    if any(isinstance(step, Concrete) for step in steps):
        requires.add("get_concrete_function")
    return scenario("eager-switch", functions, steps, requires)


HANDWRITTEN = {
    "EAGER-7 seed example": handwritten("eager-switch", "EAGER-7 EAGER-3", """
        @ts.function
        def approx_sqrt(x):
            lo, hi = ts.constant(1.0), ts.constant(2.0)
            y = lo
            for _ in range(10):
                mid = (lo + hi) / 2
                ts.print("mid", mid)
                lo, hi = (mid, hi) if (mid * mid < x).numpy() else (lo, mid)
                y = mid
            return y
        """, Call("approx_sqrt", T2), SetEager(True), Call("approx_sqrt", T2), SetEager(False),
        Call("approx_sqrt", T2), requires=("numpy", "print")),
    "EAGER-2 flag on traced function": handwritten("eager-switch", "EAGER-2 EAGER-3", """
        @ts.function
        def f(x):
            log("body")
            return x * 2, 1
        """, Call("f", T1), SetEager(True), Call("f", T1), Call("f", V2), SetEager(False),
        Call("f", T1)),
    "EAGER-4 nested run eagerly": handwritten("eager-switch", "EAGER-4", """
        @ts.function
        def inner(x):
            log("inner")
            return x + 1
        @ts.function
        def outer(x):
            log("outer")
            return inner(x) * 2
        """, SetEager(True), Call("outer", T1), Call("outer", T1), SetEager(False),
        Call("outer", T1), Call("outer", T1)),
}
