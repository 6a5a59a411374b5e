"""Hypothesis strategies: one scenario generator per spec chapter.

Each strategy draws a small program (as ``codegen`` AST) and a call script,
and returns a ``Scenario`` whose source is the printed program. Draws are
small on purpose: shrinking then yields a reproducer a person can read.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from . import codegen as c
from .scenario import Call, Concrete, Scenario, SetEager, SetGlobal, Step

NUMERIC = ("float32", "float64", "int32", "int64")
DTYPES = (*NUMERIC, "bool")
Spec = tuple[str, tuple[int, ...]]


# -- tensors and argument source --------------------------------------------------------------

@st.composite
def specs(draw, dtypes=DTYPES, max_rank: int = 2) -> Spec:
    dtype = draw(st.sampled_from(dtypes))
    rank = draw(st.integers(0, max_rank))
    shape = tuple(draw(st.integers(0 if rank == 1 else 1, 3)) for _ in range(rank))
    return dtype, shape


def _elements(dtype: str):
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith("int"):
        return st.integers(-20, 20)
    width = 32 if dtype == "float32" else 64
    return st.floats(-10, 10, width=width, allow_subnormal=False)


@st.composite
def tensor_source(draw, spec: Spec, numpy_array: bool = False) -> str:
    """Source text for a tensor argument of ``spec`` with drawn values."""
    dtype, shape = spec
    values = draw(hnp.arrays(np.dtype(dtype), shape, elements=_elements(dtype)))
    if numpy_array:
        return f"np.array({values.tolist()!r}, dtype=np.{dtype})"
    return f"ts.constant({values.tolist()!r}, dtype=ts.{dtype})"


def arguments(*sources: str, keywords: tuple[tuple[str, str], ...] = ()) -> str:
    return ", ".join([*sources, *(f"{k}={v}" for k, v in keywords)])


def scenario(chapter, functions, steps, rules, requires=(), globals=None) -> Scenario:
    base = {"ops", "function", "tracing_count", "run_functions_eagerly"}
    return Scenario(
        chapter=chapter,
        source=c.program(tuple(functions)),
        steps=tuple(steps),
        functions=tuple(f.name for f in functions),
        rules=tuple(rules),
        globals=globals or {},
        requires=frozenset(base | set(requires)),
    )


# -- tensors and ops ----------------------------------------------------------------------------

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
def tensors_and_ops(draw) -> Scenario:
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
    rules = ("OP-1", "OP-2", "OP-3", "OP-4", "OP-5", "OP-6", "TENSOR-1", "TENSOR-2")
    return scenario("tensors-and-ops", [f], steps, rules)


# -- tracing and the cache ----------------------------------------------------------------------

POOL: tuple[Spec, ...] = (
    ("float32", (2,)), ("float32", (3,)), ("int32", (2,)), ("float64", ()), ("int32", ()),
)
LITERALS = ("0", "1", "1.0", "True", "False", "2", "'a'", "None", "float('nan')")
OBJECTS = ("Token(0)", "Token(1)", "[1, 2]", "[2, 1]", "(1, 2)", "{'a': 1, 'b': 2}",
           "{'b': 2, 'a': 1}", "[Token(0)]", "{1, 2}")


@st.composite
def _tensor_argument(draw, pool=POOL) -> str:
    spec = draw(st.sampled_from(pool), label="tensor spec")
    return draw(tensor_source(spec, numpy_array=draw(st.booleans(), label="as numpy")))


@st.composite
def tracing_and_cache(draw) -> Scenario:
    """Call sequences that probe the cache key, signatures and relaxation."""
    variant = draw(st.sampled_from(["literal", "object", "signature", "relax"]), label="variant")
    body = (c.Log("trace f"), c.Assign("y", c.BinOp("+", c.Name("x"), c.Name("x"))))
    steps: list[Step] = []
    rules: tuple[str, ...]
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
        rules = ("TRACE-1", "TRACE-3", "TRACE-4", "TRACE-5", "TRACE-6", "TRACE-7", "TRACE-9")
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
        rules = ("TRACE-10",)
        requires.add("input_signature")
    else:
        f = c.FunctionDef("f", ("x",), (*body, c.Return(c.Name("y"))), reduce_retracing=True)
        pool = (("float32", (3,)), ("float32", (5,)), ("float32", (2, 2)), ("float32", ()),
                ("int32", (3,)))
        for _ in range(draw(st.integers(1, 6), label="call count")):
            steps.append(Call("f", draw(_tensor_argument(pool))))
        rules = ("TRACE-11",)
        requires.add("reduce_retracing")
    if variant != "object" and draw(st.booleans(), label="get_concrete_function"):
        spec = draw(st.sampled_from(["ts.TensorSpec([None], ts.float32)", "ts.TensorSpec([2], ts.float32)"]))
        extra = ", 1" if variant == "literal" else ""
        position = draw(st.integers(0, len(steps)))
        steps.insert(position, Concrete("f", spec + extra))
        rules += ("TRACE-2",)
        requires.add("get_concrete_function")
    return scenario("tracing-and-cache", [f], steps, rules, requires)


# -- the eager switch ---------------------------------------------------------------------------

@st.composite
def eager_switch(draw) -> Scenario:
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
    rules = ("EAGER-1", "EAGER-2", "EAGER-3", "EAGER-4", "EAGER-5", "RETURN-1")
    requires = {"print", "get_concrete_function"} | ({"numpy"} if use_numpy else set())
    return scenario("eager-switch", functions, steps, rules, requires)


# -- side effects -------------------------------------------------------------------------------

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
def side_effects(draw) -> Scenario:
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
    rules = ("EFFECT-1", "EFFECT-2", "EFFECT-3", "EFFECT-4", "EFFECT-5", "EFFECT-6", "EFFECT-7")
    return scenario("side-effects", [f], steps, rules, {"print", "py_function"}, {"G": "1.0"})


# -- errors -------------------------------------------------------------------------------------

@st.composite
def errors(draw) -> Scenario:
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
    rules = ("ERROR-1", "ERROR-2", "ERROR-3", "TRACE-12", "OP-2", "EAGER-3")
    return scenario("errors", [f], steps, rules, requires)


# -- returns and nesting ------------------------------------------------------------------------

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
def returns_and_nesting(draw) -> Scenario:
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
        rules = ("NEST-1", "NEST-2", "RETURN-1", "RETURN-2")
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
        rules = ("RETURN-3",)
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
        rules = ("NEST-3",)
    return scenario("returns-and-nesting", functions, steps, rules, {"numpy"})


CHAPTERS = {
    "tensors-and-ops": tensors_and_ops,
    "tracing-and-cache": tracing_and_cache,
    "eager-switch": eager_switch,
    "side-effects": side_effects,
    "errors": errors,
    "returns-and-nesting": returns_and_nesting,
}

# The rules each chapter's generated scenarios exercise (hand-written examples name their own).
RULES = {
    "tensors-and-ops": ("OP-1", "OP-2", "OP-3", "OP-4", "OP-5", "OP-6", "TENSOR-1", "TENSOR-2"),
    "tracing-and-cache": ("TRACE-1", "TRACE-2", "TRACE-3", "TRACE-4", "TRACE-5", "TRACE-6",
                          "TRACE-7", "TRACE-9", "TRACE-10", "TRACE-11"),
    "eager-switch": ("EAGER-1", "EAGER-2", "EAGER-3", "EAGER-4", "EAGER-5", "RETURN-1"),
    "side-effects": ("EFFECT-1", "EFFECT-2", "EFFECT-3", "EFFECT-4", "EFFECT-5", "EFFECT-6",
                     "EFFECT-7"),
    "errors": ("ERROR-1", "ERROR-2", "ERROR-3", "TRACE-12", "OP-2", "EAGER-3"),
    "returns-and-nesting": ("NEST-1", "NEST-2", "NEST-3", "RETURN-1", "RETURN-2", "RETURN-3"),
}
