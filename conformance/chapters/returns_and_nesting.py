"""Chapter: Returned values, nesting and recursion (docs/spec/returns-and-nesting)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from .. import programs as p
from ..draws import arguments, chance, choice, fresh, integer, scenario, tensor_source
from ..scenario import T1, Call, Scenario, SetEager, Step, handwritten

WEIGHTS = {"nested": 6, "py_function": 2}
# Python leaves of returned structures: literals, None, NumPy values, and an object (an error).
PYTHON_LEAVES = (c.Literal(1), c.Literal(2.5), c.Literal(True), c.Literal("s"), c.Literal(None),
                 c.Name("np.array([1.0, 2.0])"), c.Name("np.int64(3)"), c.Literal(-7))


@st.composite
def _structure(draw, tensors: list[c.Expr], depth: int = 0) -> c.Expr:
    """A returned structure: dicts, lists, tuples and ``Pair``s of tensors and Python values."""
    if depth == 2 or chance(draw, 3):
        if chance(draw, 12):
            return c.PyCall("Token", (c.Literal(1),))  # not a tensor: RETURN-2's TypeError
        if chance(draw, 3):
            return choice(draw, PYTHON_LEAVES)
        return choice(draw, tensors)
    kind = choice(draw, ["list", "tuple", "dict", "pair"], "structure kind")
    items = [draw(_structure(tensors, depth + 1)) for _ in range(integer(draw, 1, 3))]
    if kind == "dict":
        keys = choice(draw, [("a", "b", "c"), ("c", "b", "a")])
        return c.Structure("dict", tuple(zip(keys, items)))
    if kind == "pair":
        return c.PyCall("Pair", (items[0], items[-1]))
    return c.Structure(kind, tuple(items))


@st.composite
def _nested(draw):
    params = choice(draw, [("x",), ("x", "y")])
    definitions, parameters = draw(p.with_nested("outer", params, (2, 5), WEIGHTS, inner="inner"))
    outer = definitions[-1]
    tensors = [s.target for s in outer.body if isinstance(s, c.Assign)][-3:] or ["x"]
    returned = draw(_structure([c.Name(t) for t in tensors]))
    # a call whose result is unused: the inner function's runtime effects still run (NEST-1, EFFECT-4)
    unused = (c.Evaluate(c.CallFunction("inner", (c.Name("x"),))),) if chance(draw, 2) else ()
    outer = c.FunctionDef("outer", outer.params, (c.Log("trace outer"), *outer.body[:-1], *unused,
                                                  c.Return(returned)), autograph=outer.autograph)
    steps: list[Step] = []
    for _ in range(integer(draw, 1, 5)):
        if chance(draw, 3):
            steps.append(Call("inner", draw(tensor_source(parameters[0]))))
        else:
            steps += draw(p.calls("outer", parameters, params, (1, 1)))
    return [definitions[0], outer], steps


@st.composite
def _leak(draw):
    spec = choice(draw, [("float32", (2,)), ("int32", ()), ("float32", ())])
    body = p.Body(draw, [p.Value(c.Name("x"), *spec)], errors=0)
    body.run(integer(draw, 2, 4), WEIGHTS)
    leaked = body.scope[-1]
    leaky = c.FunctionDef("leaky", ("x",), (*body.statements, c.Leak(leaked.expr), c.Return(c.Name("x"))),
                          autograph=body.autograph)
    leaked_value = c.Subscript(c.Name("LEAKED"), "-1")
    user = c.FunctionDef("user", ("x",), (c.Return(c.BinOp("+", c.Name("x"), leaked_value)),))
    steps: list[Step] = [Call("leaky", draw(tensor_source(spec)))]
    for _ in range(integer(draw, 2, 5)):
        kind = choice(draw, ["leaky", "user", "user", "numpy", "top level", "count"])
        x = draw(tensor_source(spec))
        if kind == "numpy":
            steps.append(Call("LEAKED[-1].numpy"))
        elif kind == "top level":  # a leaked symbolic tensor used eagerly
            steps.append(Call("ts.add", arguments("LEAKED[-1]", "LEAKED[-1]")))
        elif kind == "count":
            steps.append(Call("len", "LEAKED"))
        elif kind == "user":
            steps.append(Call("user", draw(tensor_source((leaked.dtype, leaked.shape)))))
        else:
            steps.append(Call("leaky", x))
    return [leaky, user], steps


@st.composite
def _recursion(draw):
    effect = choice(draw, [c.Log("trace rec"), c.Evaluate(c.Op("print", (c.Literal("rec"), c.Name("n"))))])
    step = choice(draw, [c.BinOp("+", c.Name("x"), c.Literal(1)), c.BinOp("*", c.Name("x"), c.Literal(2)),
                         c.Op("square", (c.Name("x"),))])
    rec = c.FunctionDef("rec", ("x", "n"), (
        effect,
        c.If(c.BinOp("<=", c.Name("n"), c.Literal(0)), (c.Return(c.Name("x")),)),
        c.Return(c.CallFunction("rec", (step, c.BinOp("-", c.Name("n"), c.Literal(1))))),
    ))
    spec = choice(draw, [("float32", (2,)), ("int32", ())])
    steps = [Call("rec", arguments(draw(tensor_source(spec)), str(integer(draw, 0, 3))))
             for _ in range(integer(draw, 1, 4))]
    return [rec], steps


@st.composite
def _returns(draw):
    spec = choice(draw, [("float32", (2,)), ("int32", ()), ("bool", (2,))])
    body = p.Body(draw, [p.Value(c.Name("x"), *spec)], errors=1)
    body.run(integer(draw, 2, 5), WEIGHTS)
    returned = draw(_structure([v.expr for v in body.scope[-3:]]))
    f = c.FunctionDef("f", ("x",), (c.Log("trace f"), *body.statements, c.Return(returned)),
                      autograph=body.autograph)
    steps = [Call("f", draw(tensor_source(spec))) for _ in range(integer(draw, 1, 3))]
    return [f], steps


VARIANTS = {"nested": (_nested, 3), "leak": (_leak, 3), "recursion": (_recursion, 3),
            "returns": (_returns, 2)}


@st.composite
def _scenarios(draw) -> Scenario:
    variant = choice(draw, [v for v, (_, w) in VARIANTS.items() for _ in range(w)], "variant")
    definitions, steps = draw(VARIANTS[variant][0]())
    steps = p.flips(draw, p.trace_first(draw, steps, mostly=variant in ("leak", "recursion")), 3)
    return scenario("returns-and-nesting", definitions, steps)


def scenarios():
    """Nested functions with their own effects, returned structures and Python values,
    leaked tensors, recursion."""
    return fresh(_scenarios())


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
    "NEST-1 an unused call still runs its effects": handwritten("returns-and-nesting", "NEST-1 EFFECT-4", """
        @ts.function
        def inner(x):
            ts.print("inner runs", x)
            return x * 2
        @ts.function
        def outer(x):
            inner(x)
            return x + 1
        """, Call("outer", "ts.constant(1)"), Call("outer", "ts.constant(2)"), requires=("print",)),
}
