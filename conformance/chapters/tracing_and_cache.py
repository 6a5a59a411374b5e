"""Chapter: Tracing and the cache (docs/spec/tracing-and-cache)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import POOL, arguments, scenario, tensor_source
from ..scenario import T1, T2, V2, Call, Concrete, Scenario, SetEager, Step, handwritten

LITERALS = ("0", "1", "1.0", "True", "False", "2", "'a'", "None", "float('nan')")
OBJECTS = ("Token(0)", "Token(1)", "[1, 2]", "[2, 1]", "(1, 2)", "{'a': 1, 'b': 2}",
           "{'b': 2, 'a': 1}", "[Token(0)]", "{1, 2}")


@st.composite
def _tensor_argument(draw, pool=POOL) -> str:
    spec = draw(st.sampled_from(pool), label="tensor spec")
    return draw(tensor_source(spec, numpy_array=draw(st.booleans(), label="as numpy")))


@st.composite
def scenarios(draw) -> Scenario:
    """Call sequences that probe the cache key, signatures and relaxation."""
    variant = draw(st.sampled_from(["literal", "object", "signature", "relax"]), label="variant")
    body = (c.Log("trace f"), c.Assign("y", c.BinOp("+", c.Name("x"), c.Name("x"))))
    steps: list[Step] = []
    requires: set[str] = set()
    if variant in ("literal", "object"):
        returned = c.Structure("tuple", (c.Name("y"), c.Name("p"))) if variant == "literal" else c.Name("y")
        default = draw(st.booleans(), label="p has a default")
        f = c.FunctionDef("f", ("x", "p"), (*body, c.Return(returned)),
                          defaults=(("p", 1),) if default else ())
        values = LITERALS if variant == "literal" else OBJECTS
        for _ in range(draw(st.integers(1, 6), label="call count")):
            x = draw(_tensor_argument())
            style = draw(st.sampled_from(["positional", "keyword", "default"] if default
                                         else ["positional", "keyword"]))
            p = draw(st.sampled_from(values))
            if style == "positional":
                steps.append(Call("f", arguments(x, p)))
            elif style == "keyword":
                steps.append(Call("f", arguments(keywords=(("p", p), ("x", x)))))
            else:
                steps.append(Call("f", arguments(x)))
    elif variant == "signature":
        dtype = draw(st.sampled_from(["float32", "int32"]))
        pattern = draw(st.sampled_from([(None,), (2,), None]), label="signature shape")
        f = c.FunctionDef("f", ("x",), (*body, c.Return(c.Name("y"))),
                          input_signature=((pattern, dtype),))
        for _ in range(draw(st.integers(1, 5), label="call count")):
            choice = draw(st.sampled_from(["tensor", "list", "extra"]))
            x = draw(_tensor_argument())
            if choice == "list":
                x = draw(st.sampled_from(["[1, 2]", "[1.0, 2.0, 3.0]", "[[1, 2], [3, 4]]", "3"]))
            steps.append(Call("f", arguments(x, "1") if choice == "extra" else x))
        requires.add("input_signature")
    else:
        f = c.FunctionDef("f", ("x",), (*body, c.Return(c.Name("y"))), reduce_retracing=True)
        pool = (("float32", (3,)), ("float32", (5,)), ("float32", (2, 2)), ("float32", ()),
                ("int32", (3,)))
        for _ in range(draw(st.integers(1, 6), label="call count")):
            steps.append(Call("f", draw(_tensor_argument(pool))))
        requires.add("reduce_retracing")
    if variant != "object" and draw(st.booleans(), label="get_concrete_function"):
        spec = draw(st.sampled_from(["ts.TensorSpec([None], ts.float32)", "ts.TensorSpec([2], ts.float32)"]))
        extra = ", 1" if variant == "literal" else ""
        position = draw(st.integers(0, len(steps)))
        steps.insert(position, Concrete("f", spec + extra))
        requires.add("get_concrete_function")
    return scenario("tracing-and-cache", [f], steps, requires)


HANDWRITTEN = {
    "TRACE-4 literals by equality": handwritten("tracing-and-cache", "TRACE-4", """
        @ts.function
        def f(x):
            log("trace")
            return ts.constant(x)
        """, Call("f", "1"), Call("f", "1.0"), Call("f", "True"), Call("f", "2")),
    "TRACE-3 dtype and shape": handwritten("tracing-and-cache", "TRACE-3", """
        @ts.function
        def f(x):
            log("trace")
            return x
        """, Call("f", T1), Call("f", T2), Call("f", V2), Call("f", "ts.constant(1)"),
        Call("f", "np.array([1.0, 2.0])")),
    "TRACE-10 input signature": handwritten("tracing-and-cache", "TRACE-10", """
        @ts.function(input_signature=[ts.TensorSpec([None], ts.int32)])
        def f(x):
            log("trace")
            return x
        """, Call("f", "[1, 2]"), Call("f", "[1, 2, 3]"), Call("f", "[[1, 2], [3, 4]]"),
        Call("f", "ts.constant([1.0])"), Call("f", "[1], 2"), requires=("input_signature",)),
    "TRACE-11 reduce retracing": handwritten("tracing-and-cache", "TRACE-11", """
        @ts.function(reduce_retracing=True)
        def f(x):
            log("trace")
            return x
        """, *(Call("f", f"ts.zeros({s})") for s in ([3], [5], [7], [9], [2, 2], [3, 3])),
        requires=("reduce_retracing",)),
    "TRACE-12 failed traces": handwritten("tracing-and-cache", "TRACE-12 ERROR-1", """
        @ts.function
        def f(x, fail):
            log("before")
            if fail:
                raise ValueError("boom")
            return x
        """, Call("f", f"{T1}, True"), Call("f", f"{T1}, True"), Call("f", f"{T1}, False")),
    "TRACE-2 concrete functions": handwritten("tracing-and-cache", "TRACE-2 EAGER-5", """
        @ts.function
        def f(x):
            log("trace")
            ts.print("run")
            return x
        """, Concrete("f", "ts.TensorSpec([], ts.float32)"), Call("f", T1), SetEager(True),
        Concrete("f", "ts.TensorSpec([2], ts.float32)"), Call("f", V2),
        requires=("get_concrete_function", "print")),
}
