"""Chapter: Tensors and ops (docs/spec/tensors-and-ops)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from .. import codegen as c
from ..draws import DTYPES, arguments, scenario, specs, tensor_source
from ..scenario import Call, Scenario, handwritten


def _literal_for(dtype: str, value: float) -> c.Literal:
    return c.Literal(int(value) if dtype.startswith("int") else float(value))


@st.composite
def _op(draw, var: str, dtype: str, shape: tuple[int, ...], others: list[tuple[str, str, tuple]]):
    """One op applied to ``var``; returns (expression, dtype, shape)."""
    v = c.Name(var)
    partners = [c.Name(n) for n, d, s in others if d == dtype and s in (shape, ())]
    partner = draw(st.sampled_from(partners)) if partners else v
    choices = ["cast", "reshape", "stack", "reduce"]
    if shape:
        choices += ["concat", "gather", "index", "reverse"]
    if dtype == "bool":
        choices += ["not", "and", "where"]
    else:
        choices += ["neg", "abs", "square", "arith", "minmax", "compare", "where_numeric"]
        choices += ["float_math"] if dtype.startswith("float") else ["int_div"]
    kind = draw(st.sampled_from(choices), label="op kind")
    same = (dtype, shape)
    if kind == "cast":
        target = draw(st.sampled_from(DTYPES))
        return c.Op("cast", (v, c.Name(f"ts.{target}"))), target, shape
    if kind == "reshape":
        return c.Op("reshape", (v, c.Literal([-1]))), dtype, (int(np.prod(shape)),)
    if kind == "stack":
        return c.Op("stack", (c.Structure("list", (v, v)),)), dtype, (2, *shape)
    if kind == "reduce":
        fn = draw(st.sampled_from(["reduce_sum", "reduce_mean", "reduce_max", "reduce_min"]))
        if dtype == "bool":
            v, dtype = c.Op("cast", (v, c.Name("ts.int32"))), "int32"
        return c.Op(fn, (v,)), dtype, ()
    if kind == "concat":
        return c.Op("concat", (c.Structure("list", (v, v)), c.Literal(0))), dtype, (
            2 * shape[0], *shape[1:])
    if kind == "gather":
        index = draw(st.integers(0, 3))
        return c.Op("gather", (v, c.Literal([index]))), dtype, (1, *shape[1:])
    if kind == "index":
        return c.Subscript(v, str(draw(st.integers(-1, 2)))), dtype, shape[1:]
    if kind == "reverse":
        return c.Subscript(v, "::-1"), *same
    if kind == "not":
        return c.Op("logical_not", (v,)), *same
    if kind == "and":
        return c.Op(draw(st.sampled_from(["logical_and", "logical_or"])), (v, partner)), *same
    if kind == "where":
        return c.Op("where", (v, c.Op("cast", (v, c.Name("ts.int32"))), c.Literal(7))), "int32", shape
    if kind in ("neg", "abs", "square"):
        return c.Op({"neg": "negative"}.get(kind, kind), (v,)), *same
    if kind == "arith":
        op = draw(st.sampled_from(["+", "-", "*"]))
        right = draw(st.sampled_from([partner, _literal_for(dtype, draw(st.integers(-3, 3)))]))
        return c.BinOp(op, v, right), *same
    if kind == "minmax":
        return c.Op(draw(st.sampled_from(["maximum", "minimum"])), (v, partner)), *same
    if kind == "compare":
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        if op in ("==", "!="):
            return c.Op("equal" if op == "==" else "not_equal", (v, partner)), "bool", shape
        return c.BinOp(op, v, _literal_for(dtype, 0)), "bool", shape
    if kind == "where_numeric":
        condition = c.BinOp(">", v, _literal_for(dtype, 0))
        return c.Op("where", (condition, v, partner)), *same
    if kind == "float_math":
        fn = draw(st.sampled_from(["sqrt", "exp", "log", "divide"]))
        if fn == "divide":
            return c.BinOp("/", v, c.Literal(2.0)), *same
        argument = c.Op("abs", (v,)) if fn == "sqrt" else v
        if fn == "log":
            argument = c.BinOp("+", c.Op("abs", (v,)), c.Literal(1.0))
        return c.Op(fn, (argument,)), *same
    op = draw(st.sampled_from(["//", "%", "/"]))
    if op == "/":
        return c.BinOp("/", v, partner), "float64", shape
    return c.BinOp(op, v, c.Literal(draw(st.sampled_from([2, 3, -3])))), *same


@st.composite
def scenarios(draw) -> Scenario:
    """A chain of ops over one or two tensor arguments, called a few times."""
    spec = draw(specs(), label="argument spec")
    dtype, shape = spec
    two = draw(st.booleans(), label="two arguments")
    params = ("x", "y") if two else ("x",)
    known = [(p, dtype, shape) for p in params]
    body: list = []
    for index in range(draw(st.integers(1, 5), label="op count")):
        name, var_dtype, var_shape = draw(st.sampled_from(known))
        value, out_dtype, out_shape = draw(_op(name, var_dtype, var_shape, known))
        target = f"v{index}"
        body.append(c.Assign(target, value))
        known.append((target, out_dtype, out_shape))
    result = c.Name(known[-1][0])
    if draw(st.booleans(), label="return a pair"):
        result = c.Structure("tuple", (result, c.Name(known[-2][0])))
    body.append(c.Return(result))
    f = c.FunctionDef("f", params, tuple(body))
    steps = []
    for _ in range(draw(st.integers(1, 3), label="call count")):
        call_spec = draw(st.sampled_from([spec, spec, (dtype, shape[:-1] or (2,))]))
        args = [draw(tensor_source(call_spec)) for _ in params]
        steps.append(Call("f", arguments(*args)))
    return scenario("tensors-and-ops", [f], steps)


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
}
