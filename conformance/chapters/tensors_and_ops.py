"""Chapter: Tensors and ops (docs/spec/tensors-and-ops)."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import strategies as st

from .. import codegen as c
from .. import programs as p
from ..draws import DTYPES, chance, choice, fresh, integer, scenario, specs, tensor_source
from ..scenario import Call, Scenario, handwritten

# Operators, the ops and the Tensor API, weighted toward what this chapter specifies.
WEIGHTS = {"operator": 2, "reflected": 2, "function": 2, "index": 2, "value_use": 2, "tensor_api": 2,
           "log": 0, "nested": 0}


def _signature(draw, parameters):
    """An ``input_signature`` for the parameters: some dimensions, or the rank, left unknown."""
    out = []
    for dtype, shape in parameters:
        pattern = choice(draw, ["same", "none dims", "unknown rank"], "signature shape")
        if pattern == "same":
            out.append((shape, dtype))
        elif pattern == "none dims":
            out.append((tuple(None if chance(draw, 2) else d for d in shape), dtype))
        else:
            out.append((None, dtype))
    return tuple(out)


def scenarios():
    """A body of ops over one to three tensor arguments, called a few times, in either mode.

    The function is plain, pinned by an ``input_signature`` with unknown dimensions
    (static shapes partly unknown), or relaxed by ``reduce_retracing``.
    """
    return fresh(_scenarios())


@st.composite
def _scenarios(draw) -> Scenario:
    params = choice(draw, [("x",), ("x", "y"), ("x", "y"), ("x", "y", "z")], "parameters")
    dtypes = (*DTYPES, "string") if chance(draw, 8) else DTYPES
    if chance(draw, 3):
        return draw(_tour())
    if chance(draw, 6):
        return draw(_static_shapes())
    errors = choice(draw, [0, 0, 1, 2], "errors")  # pure programs too (OP-1)
    options = choice(draw, ["plain"] * 5 + ["signature", "relaxed"], "function options")
    f, parameters = draw(p.op_function("f", params, (5, 12), WEIGHTS, errors=errors, dtypes=dtypes,
                                       known_shapes=options == "plain"))
    steps = draw(p.calls("f", parameters, params, (1, 4), vary=options == "plain"))
    if options == "signature":
        f = dataclasses.replace(f, input_signature=_signature(draw, parameters))
    elif options == "relaxed":
        f = dataclasses.replace(f, reduce_retracing=True)
        steps += draw(p.calls("f", parameters, params, (2, 3), vary=True))
    definitions = [f]
    if chance(draw, 3) is False:  # the Tensor API on eager tensors, at top level
        definitions.append(p.inspector(tuple(sorted(p.TENSOR_USES))))  # each use on its own
        for _ in range(integer(draw, 1, 3)):
            steps.append(Call("inspect", draw(tensor_source(draw(specs())))))
    return scenario("tensors-and-ops", definitions, p.flips(draw, steps))


@st.composite
def _tour(draw) -> Scenario:
    """Every op of the vocabulary once, in a drawn order, each on what the others computed: a
    pure program (OP-1) whose graph runs every kernel."""
    params = choice(draw, [("x",), ("x", "y")], "parameters")
    parameters = draw(p.parameter_specs(len(params), ("float32", "float64", "int32", "int64")))
    body = p.Body(draw, p.values_of(params, parameters), errors=0, guard=True)
    order = list(p.TOUR)
    random.Random(integer(draw, 0, 2**16)).shuffle(order)  # one choice: cheap to shrink
    body.tour(order)
    result = c.Structure("tuple", tuple(v.expr for v in body.unused()))
    f = c.FunctionDef("f", params, (*body.statements, c.Return(result)), autograph=body.autograph)
    steps = draw(p.calls("f", parameters, params, (1, 3), vary=False))
    return scenario("tensors-and-ops", [f], p.trace_first(draw, steps))


# Ops whose static shape rules the static-shapes variant exercises on partly known shapes.
SHAPE_RULES = {k: 0 for k in p.KINDS} | {"reduce": 2, "where": 2, "reshape": 2, "matmul": 2, "concat": 1,
                                         "stack": 1, "operator": 1, "compare": 1, "cast": 1}


@st.composite
def _static_shapes(draw) -> Scenario:
    """Static shapes inferred through reduce, where, reshape, matmul... from partly known
    shapes (an ``input_signature`` with ``None`` dimensions), logged while tracing; and a
    caller's NumPy array, which a tensor made from it must not freeze."""
    dtype = choice(draw, ["float32", "int32"])
    shape = choice(draw, [(2, 3), (3,), (2, 2)])
    pattern = tuple(None if chance(draw, 2) else d for d in shape)
    body = p.Body(draw, [p.Value(c.Name("x"), dtype, shape)], errors=0)
    for _ in range(integer(draw, 3, 6)):
        start = len(body.scope)
        body.run(1, SHAPE_RULES)
        for value in body.scope[start:]:
            body.log(c.PyCall("str", (c.Attribute(value.expr, "shape"),)))
    f = c.FunctionDef("f", ("x",), (*body.statements, c.Return(body.scope[-1].expr)),
                      input_signature=((pattern, dtype),), autograph=body.autograph)
    array = c.Assign("ARRAY", c.Name(draw(tensor_source((dtype, shape), numpy_array=True))))
    poke = c.FunctionDef("poke", (), (c.Assign("ARRAY[0]", c.Literal(1)), c.Return(c.Name("ARRAY"))),
                         traced=False)
    steps = [Call("f", "ARRAY"), Call("poke"), Call("f", "ARRAY"), Call("ts.constant", "ARRAY"), Call("poke"),
             *draw(p.calls("f", [(dtype, shape)], ("x",), (1, 2), vary=False))]
    return scenario("tensors-and-ops", [f, array, poke], p.flips(draw, steps))


HANDWRITTEN = {
    "OP-2 broadcast mismatch": handwritten("tensors-and-ops", "OP-2", """
        @ts.function
        def f(x, y):
            return x + y
        """, Call("f", "ts.constant([1, 2]), ts.constant([1, 2, 3])"),
        Call("f", "ts.constant([1, 2]), ts.constant([[1], [2]])")),
    "OP-3 integer division": handwritten("tensors-and-ops", "OP-3", """
        @ts.function
        def f(x, y):
            return x / y, x // y, x % y
        """, Call("f", "ts.constant([7, -7]), ts.constant([2, 2])"),
        Call("f", "ts.constant([7, -7]), ts.constant([0, 2])")),
    "TENSOR-2 no promotion": handwritten("tensors-and-ops", "TENSOR-2 OP-4", """
        @ts.function
        def f(x, y):
            return x + y
        """, Call("f", "ts.constant(1), ts.constant(1.0)"), Call("f", "ts.constant(1), 2")),
    "OP-5 static slice": handwritten("tensors-and-ops", "OP-5", """
        @ts.function
        def f(x):
            return x[4]
        """, Call("f", "ts.constant([1, 2, 3])")),
    "TENSOR-5 reflected operators": handwritten("tensors-and-ops", "TENSOR-5", """
        @ts.function
        def f(x):
            return 2.0 - x, 1.0 / x, 9.0 // x, 2.0 ** x, 10.0 % x
        """, Call("f", "ts.constant([4.0, -1.0])"), Call("f", "ts.constant([0.5, 3.0])")),
}
