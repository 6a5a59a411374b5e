"""Chapter: The run-eagerly switch (docs/spec/eager-switch)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from .. import programs as p
from ..draws import chance, choice, fresh, integer, scenario, tensor_source
from ..scenario import T1, T2, V2, Call, Concrete, Scenario, SetEager, Step, handwritten

WEIGHTS = {"value_use": 4, "nested": 4}
NOT_GENERATED = {
    "EAGER-7": "the seed example is one fixed program (hand-written as 'EAGER-7 seed example'); "
               "generated programs reach each of its parts (.numpy() in a trace, failed traces, "
               "the flag) through EAGER-3, TENSOR-4 and TRACE-12",
}
# Ops called at top level, outside any ts.function (EAGER-6): always eager.
TOP_LEVEL = (
    ("ts.add", "ts.constant([1.0, 2.0]), 1.5"), ("ts.multiply", "ts.constant(3), ts.constant(4)"),
    ("ts.reduce_sum", "ts.constant([[1, 2], [3, 4]])"), ("ts.where", "ts.constant([True, False]), 1, 2"),
    ("ts.executing_eagerly", ""), ("ts.config.functions_run_eagerly", ""),
    ("ts.gather", "ts.constant([1, 2, 3]), [5]"), ("ts.range", "3"),
)


def _flag_reader() -> c.FunctionDef:
    """A driver: the run-eagerly switch, ``executing_eagerly`` and a top-level tensor as the
    program sees them (outside any function, whatever the switch says: EAGER-6)."""
    t = c.Op("constant", (c.Literal([1.5, 2.0]),))
    return c.FunctionDef("flags", (), (c.Return(c.Structure("tuple", (
        c.Method(c.Name("ts.config"), "functions_run_eagerly"), c.Op("executing_eagerly", ()),
        c.Op("is_tensor", (t,)), c.Attribute(t, "ndim")))),), traced=False)


@st.composite
def _scenarios(draw) -> Scenario:
    nested = chance(draw, 3) is False
    params = choice(draw, [("x",), ("x", "y")], "parameters")
    if nested:
        definitions, parameters = draw(p.with_nested("f", params, (3, 6), WEIGHTS))
    else:
        f, parameters = draw(p.op_function("f", params, (3, 7), WEIGHTS, guard=chance(draw, 2)))
        definitions = [f]
    f = definitions[-1]
    seen = c.Structure("tuple", (f.body[-1].value, c.Op("executing_eagerly", ())))
    f = c.FunctionDef(f.name, f.params, (c.Log("trace f"), *f.body[:-1], c.Return(seen)),
                      autograph=f.autograph)
    definitions = [*definitions[:-1], f, _flag_reader()]
    specs = ", ".join(f"ts.TensorSpec({list(s)}, ts.{d})" for d, s in parameters)
    driver = chance(draw, 3) is False  # the program itself asks for a concrete function
    if driver:
        definitions.append(p.concrete_driver("via_concrete", "f", specs))
    steps: list[Step] = []
    for _ in range(integer(draw, 3, 8)):
        kinds = ["call", "call", "call", "flag", "flag", "concrete", "top level", "flags"]
        kind = choice(draw, kinds + (["driver"] if driver else []))
        if kind == "call":
            steps += draw(p.calls("f", parameters, params, (1, 1)))
        elif kind == "flag":
            steps.append(SetEager(chance(draw, 2)))
        elif kind == "concrete":
            steps.append(Concrete("f", specs, name="cf"))
            args = ", ".join(draw(tensor_source(spec)) for spec in parameters)
            steps.append(Call("cf", args))
        elif kind == "driver":  # traced whatever the flag says (EAGER-5), then called
            steps.append(Call("via_concrete", ", ".join(draw(tensor_source(spec)) for spec in parameters)))
        elif kind == "top level":
            steps.append(Call(*choice(draw, TOP_LEVEL)))
        else:
            steps.append(Call("flags"))
    if nested and chance(draw, 2):
        steps.append(Call("g", draw(tensor_source(parameters[0]))))
    return scenario("eager-switch", definitions, steps)


def scenarios():
    """Calls interleaved with flips of the run-eagerly flag, nested functions, concrete
    functions traced under the flag, and ops at top level."""
    return fresh(_scenarios())


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
