"""Chapter: Errors (docs/spec/errors)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import arguments, scenario, tensor_source
from ..scenario import T1, V2, Call, Scenario, SetEager, Step, handwritten


@st.composite
def scenarios(draw) -> Scenario:
    """Trace-time and run-time failures, and what happens on the next call."""
    variant = draw(st.sampled_from(["raise", "gather", "divide", "bool", "numpy", "shape"]),
                   label="variant")
    requires: set[str] = set()
    autograph = True
    steps: list[Step] = []
    if variant == "raise":
        exception = draw(st.sampled_from(["ValueError", "KeyError", "RuntimeError"]))
        body = (c.Log("before"), c.If(c.Name("p"), (c.Raise(exception, "boom"),)),
                c.Log("after"), c.Return(c.Name("x")))
        params = ("x", "p")
        for _ in range(draw(st.integers(1, 4))):
            x = draw(tensor_source(("float32", (2,))))
            steps.append(Call("f", arguments(x, draw(st.sampled_from(["True", "False"])))))
    elif variant in ("gather", "divide"):
        params = ("x", "i")
        op = (c.Op("gather", (c.Name("x"), c.Name("i"))) if variant == "gather"
              else c.BinOp("//", c.Name("x"), c.Name("i")))
        body = (c.Log("trace"), c.Return(op))
        for _ in range(draw(st.integers(1, 4))):
            x = draw(tensor_source(("int32", (3,))))
            i = draw(st.sampled_from(["ts.constant([0, 2], dtype=ts.int32)",
                                      "ts.constant([1, 5], dtype=ts.int32)",
                                      "ts.constant([0, 0, 1], dtype=ts.int32)",
                                      "ts.constant([1, 2, 3], dtype=ts.int32)"]))
            steps.append(Call("f", arguments(x, i)))
    else:
        params = ("x",)
        if variant == "bool":
            autograph = False
            body = (c.Log("trace"), c.If(c.BinOp(">", c.Name("x"), c.Literal(0.0)),
                                         (c.Return(c.Name("x")),)),
                    c.Return(c.Op("negative", (c.Name("x"),))))
        elif variant == "numpy":
            requires.add("numpy")
            body = (c.Log("trace"), c.Assign("n", c.Numpy(c.Name("x"))), c.Return(c.Name("x")))
        else:
            body = (c.Log("trace"), c.Return(c.BinOp(
                "+", c.Name("x"), c.Op("constant", (c.Literal([1.0, 2.0, 3.0]),)))))
        for _ in range(draw(st.integers(1, 4))):
            shape = (2,) if variant == "shape" else draw(st.sampled_from([(), ()]))
            steps.append(Call("f", draw(tensor_source(("float32", shape)))))
    if draw(st.booleans(), label="flip to eager midway"):
        steps.insert(draw(st.integers(0, len(steps))), SetEager(True))
    f = c.FunctionDef("f", params, tuple(body), autograph=autograph)
    return scenario("errors", [f], steps, requires)


HANDWRITTEN = {
    "ERROR-2 runtime errors are not sticky": handwritten("errors", "ERROR-2", """
        @ts.function
        def f(x, i):
            return ts.gather(x, i)
        """, Call("f", f"{V2}, ts.constant([5])"), Call("f", f"{V2}, ts.constant([1])")),
    "ERROR-3 symbolic bool": handwritten("errors", "ERROR-3", """
        @ts.function(autograph=False)
        def f(x):
            log("trace")
            if x > 0:
                return x
            return -x
        """, Call("f", T1), Call("f", "ts.constant(-1.0)"), SetEager(True), Call("f", T1)),
    "TENSOR-4 numpy in a trace": handwritten("errors", "TENSOR-4 EAGER-7", """
        @ts.function
        def f(x):
            log("trace")
            return x.numpy()
        """, Call("f", T1), Call("f", T1), SetEager(True), Call("f", T1), requires=("numpy",)),
}
