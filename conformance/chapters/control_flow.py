"""Chapter: Control flow as ops (docs/spec/control-flow).

Generated programs are one ``ts.function f(x, n)`` (``x`` a float32 scalar, ``n`` a small
int32 count) built from a few statements: ``ts.cond`` with effects in both branches (some with
branches that disagree), ``ts.while_loop`` with effects in the body, ``maximum_iterations``,
shape invariants and loop variables that change dtype or shape, ``TensorArray`` collection,
and tensors leaked out of a loop body through a Python list. The call script flips the
run-eagerly switch, so every rule is reached from both starting modes.
"""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import arguments, scenario
from ..scenario import Call, Scenario, SetEager, Step, handwritten

X = c.Name("x")
S = c.Name("s")
N = c.Name("n")


def _effects(draw, label: str, value: c.Expr, kinds=("log", "print", "py_function")) -> list:
    """Python and runtime effects for a branch or loop body."""
    effects: list = []
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=2, unique=True), label="effects"):
        if kind == "log":
            effects.append(c.Log(label))
        elif kind == "print":
            effects.append(c.Print(label, value))
        else:
            effects.append(c.ExprStmt(c.Raw(f"ts.py_function(effect({label!r}), [{c.expression(value)}], "
                                            f"ts.float32)")))
    return effects


GOOD_CONDS = ["tensor", "tensor", "tensor", "python values", "constant predicate"]
BAD_CONDS = ["dtype mismatch", "structure mismatch", "python predicate"]
GOOD_LOOPS = ["plain", "bounded", "nested cond", "tensor array", "tensor array", "grow with invariant",
              "array outside a loop"]
BAD_LOOPS = ["grow", "dtype change", "leak"]


@st.composite
def _cond(draw, index: int, variants: list[str]) -> list:
    """``s = ts.cond(...)``: effects in both branches; sometimes branches that disagree."""
    variant = draw(st.sampled_from(variants), label="cond variant")
    threshold = draw(st.sampled_from([-1.0, 0.0, 1.0]))
    returns = {
        "tensor": (c.BinOp("+", S, c.Literal(1.0)), c.BinOp("*", S, c.Literal(2.0))),
        "python values": (c.Literal(1.5), c.Literal(-1.5)),
        "dtype mismatch": (S, c.Op("cast", (S, c.Raw("ts.int32")))),
        "structure mismatch": (c.Structure("list", (S,)), c.Structure("tuple", (S,))),
        "python predicate": (S, c.Op("negative", (S,))),
        "constant predicate": (c.BinOp("-", S, c.Literal(1.0)), c.BinOp("+", S, c.Literal(3.0))),
    }[variant]
    true_fn, false_fn = f"yes{index}", f"no{index}"
    defs = [c.LocalDef(name, (), (*_effects(draw, f"{name}", S), c.Return(value)))
            for name, value in zip((true_fn, false_fn), returns)]
    predicate = {"python predicate": c.Literal(True),  # known while tracing, but traced anyway:
                 "constant predicate": c.BinOp(">", c.Op("constant", (c.Literal(threshold),)), c.Literal(0.0))
                 }.get(variant, c.BinOp(">", S, c.Literal(threshold)))
    call = c.Op("cond", (predicate, c.Name(true_fn), c.Name(false_fn)))
    if variant in ("dtype mismatch", "structure mismatch"):
        return [*defs, c.Assign("_", call)]
    return [*defs, c.Assign("s", call)]


@st.composite
def _while(draw, index: int, variants: list[str]) -> list:
    """``i, s = ts.while_loop(...)``: effects in the body, optional bound, invariants, errors."""
    variant = draw(st.sampled_from(variants), label="while variant")
    body = f"body{index}"
    changes_type = variant in ("grow", "dtype change")  # py_function's output dtype would not fit
    effects = _effects(draw, body, c.Name("v"), ("log", "print") if changes_type else ("log", "print",
                                                                                       "py_function"))
    i = c.Name("i")
    step = c.BinOp("+", i, c.Literal(1))
    cond = c.Lambda(("i", "v"), c.BinOp("<", i, N))
    start = c.Op("constant", (c.Literal(0),))
    if variant in ("plain", "bounded", "nested cond"):
        new_v: c.Expr = draw(st.sampled_from([c.BinOp("+", c.Name("v"), X), c.BinOp("*", c.Name("v"),
                                                                                     c.Literal(2.0))]))
        extra: list = []
        if variant == "nested cond":
            v = c.Name("v")
            extra = [c.LocalDef("up", (), (c.Log(f"{body} up"), c.Return(c.BinOp("+", v, c.Literal(1.0))))),
                     c.LocalDef("down", (), (c.Return(c.BinOp("-", v, c.Literal(1.0))),)),
                     c.Assign("v", c.Op("cond", (c.BinOp(">", i, c.Literal(0)), c.Name("up"),
                                                 c.Name("down"))))]
        result = c.Return(c.Structure("tuple", (step, new_v)))
        definition = c.LocalDef(body, ("i", "v"), (*effects, *extra, result))
        keywords = (("maximum_iterations", draw(st.integers(0, 2))),) if variant == "bounded" else ()
        loop = c.Op("while_loop", (cond, c.Name(body), c.Structure("tuple", (start, S))), keywords)
        return [definition, c.Assign(f"i{index}, s", loop)]
    if variant == "grow with invariant":
        grown = c.Op("concat", (c.Structure("list", (c.Name("v"), c.Name("v"))), c.Literal(0)))
        definition = c.LocalDef(body, ("i", "v"), (*effects, c.Return(c.Structure("tuple", (step, grown)))))
        invariants = c.Raw("(ts.TensorShape([]), ts.TensorShape([None]))")  # the structure of loop_vars
        loop = c.Raw(f"ts.while_loop({c.expression(cond)}, {body}, (ts.constant(0), ts.reshape(s, [1])), "
                     f"shape_invariants={c.expression(invariants)})")
        return [definition, c.Assign(f"i{index}, grown{index}", loop),
                c.Assign("s", c.BinOp("+", S, c.Op("reduce_sum", (c.Name(f"grown{index}"),))))]
    if variant in ("grow", "dtype change"):  # errors when traced; the loop starts from x itself
        changed = c.Op("stack", (c.Structure("list", (c.Name("v"), c.Name("v"))),)) if variant == "grow" \
            else c.Op("cast", (c.Name("v"), c.Raw("ts.int32")))
        definition = c.LocalDef(body, ("i", "v"), (*effects, c.Return(c.Structure("tuple", (step, changed)))))
        loop = c.Op("while_loop", (cond, c.Name(body), c.Structure("tuple", (start, X))))
        return [definition, c.Assign("_", loop)]
    if variant == "array outside a loop":  # the first write's result is dropped: lost when traced
        return [c.Assign(f"ta{index}", c.Raw("ts.TensorArray(ts.float32, size=2)")),
                c.ExprStmt(c.MethodCall(c.Name(f"ta{index}"), "write", (c.Literal(0), S))),
                c.Assign(f"ta{index}", c.MethodCall(c.Name(f"ta{index}"), "write", (
                    c.Literal(1), c.BinOp("*", S, c.Literal(2.0))))),
                c.Lines(f"s = s + ts.reduce_sum(ta{index}.stack())")]
    if variant == "tensor array":
        size = draw(st.sampled_from([N, c.Literal(3)]), label="array size")
        definition = c.LocalDef(body, ("i", "v", "ta"), (*effects, c.Return(c.Structure("tuple", (
            step, c.BinOp("+", c.Name("v"), c.Literal(1.0)),
            c.MethodCall(c.Name("ta"), "write", (i, c.BinOp("*", c.Name("v"), c.Literal(2.0)))))))))
        array = c.Raw(f"ts.TensorArray(ts.float32, size={c.expression(size)})")
        loop = c.Raw(f"ts.while_loop(lambda i, v, ta: i < n, {body}, (ts.constant(0), s, {array.text}))")
        ta = c.Name(f"ta{index}")
        uses = [c.Assign("s", c.BinOp("+", S, c.Op("reduce_sum", (c.MethodCall(ta, "stack"),)))),
                c.Assign("s", c.BinOp("+", S, c.Op("cast", (c.MethodCall(ta, "size"), c.Raw("ts.float32")))))]
        if size == c.Literal(3):  # a read in range whatever n is (unwritten elements are zeros)
            uses.append(c.Assign("s", c.BinOp("+", S, c.MethodCall(ta, "read", (c.Literal(0),)))))
        return [definition, c.Assign(f"i{index}, s, ta{index}", loop), *uses]
    # leak: a tensor of the body kept in a Python list and used after the loop
    definition = c.LocalDef(body, ("i", "v"), (*effects, c.ExprStmt(c.MethodCall(c.Name("kept"), "append", (
        c.BinOp("*", c.Name("v"), c.Literal(2.0)),))), c.Return(c.Structure("tuple", (step, c.Name("v"))))))
    loop = c.Op("while_loop", (cond, c.Name(body), c.Structure("tuple", (start, S))))
    return [c.Assign("kept", c.Structure("list", ())), definition, c.Assign("_", loop),
            c.Assign("s", c.BinOp("+", S, c.Subscript(c.Name("kept"), "0")))]


@st.composite
def with_flips(draw, calls: list[Step]) -> list[Step]:
    """``calls`` with the run-eagerly switch set one way and then the other, each followed by a
    call, so that a scenario reaches both modes whichever it starts in."""
    first = draw(st.integers(0, len(calls) - 2), label="first flip")
    second = draw(st.integers(first + 1, len(calls) - 1), label="second flip")
    flag = draw(st.booleans(), label="first flag")
    return [*calls[:first], SetEager(flag), *calls[first:second], SetEager(not flag), *calls[second:]]


@st.composite
def _function(draw, name: str, count: int, conds: list[str], loops: list[str]) -> c.FunctionDef:
    body: list = [c.Assign("s", X)]
    for index in range(count):
        kind = draw(st.sampled_from(["cond", "while"]), label="statement kind")
        body += draw(_cond(index, conds) if kind == "cond" else _while(index, loops))
    return c.FunctionDef(name, ("x", "n"), (*body, c.Return(S)))


@st.composite
def scenarios(draw) -> Scenario:
    """``ts.cond`` and ``ts.while_loop`` with effects, bounds, invariants and arrays (``f``), and
    sometimes one that breaks a rule (``g``)."""
    functions = [draw(_function("f", draw(st.integers(1, 3), label="statement count"), GOOD_CONDS,
                                GOOD_LOOPS))]
    if draw(st.integers(0, 2), label="error case") == 0:
        functions.append(draw(_function("g", 1, BAD_CONDS, BAD_LOOPS)))
    steps: list[Step] = []
    for _ in range(draw(st.integers(2, 4), label="call count")):
        x = draw(st.sampled_from([-2.0, -0.5, 0.0, 0.5, 2.0]), label="x")
        n = draw(st.integers(0, 3), label="n")
        target = draw(st.sampled_from([f.name for f in functions]), label="called")
        steps.append(Call(target, arguments(f"ts.constant({x!r})", f"ts.constant({n})")))
    return scenario("control-flow", functions, draw(with_flips(steps)), )


HANDWRITTEN = {
    "CF-2 both branches traced, one runs": handwritten("control-flow", "CF-1 CF-2 CF-4", """
        @ts.function
        def f(x):
            def yes():
                log("tracing yes")
                ts.print("yes", x)
                return x + 1.0
            def no():
                log("tracing no")
                ts.print("no", x)
                return x - 1.0
            return ts.cond(x > 0.0, yes, no)
        """, Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(-1.0)"), SetEager(True),
        Call("f", "ts.constant(1.0)"), requires=("print",)),
    "CF-5 body traced once, runs per iteration": handwritten("control-flow", "CF-5 CF-8", """
        @ts.function
        def f(n):
            def body(i):
                log("tracing body")
                ts.print("iteration", i)
                return [i + 1]
            return ts.while_loop(lambda i: i < n, body, [ts.constant(0)])
        """, Call("f", "ts.constant(3)"), Call("f", "ts.constant(0)"), SetEager(True),
        Call("f", "ts.constant(2)"), requires=("print",)),
    "CF-6 loop variables keep their dtype": handwritten("control-flow", "CF-6", """
        @ts.function
        def f(i):
            return ts.while_loop(lambda i: i < 3, lambda i: [ts.cast(i, ts.float32) + 1], [i])
        """, Call("f", "ts.constant(0)"), SetEager(True), Call("f", "ts.constant(0)")),
    "CF-9 list appended in a loop body": handwritten("control-flow", "CF-9", """
        @ts.function
        def f(n):
            found = []
            def body(i):
                found.append(i * i)
                return [i + 1]
            ts.while_loop(lambda i: i < n, body, [0])
            return ts.stack(found)
        """, Call("f", "ts.constant(3)"), SetEager(True), Call("f", "ts.constant(3)")),
    "CF-10 TensorArray writes and reads": handwritten("control-flow", "CF-10", """
        @ts.function
        def f(x):
            ta = ts.TensorArray(ts.float32, size=2)
            ta.write(0, x)
            ta = ta.write(1, x)
            return ta.read(1), ta.read(1), ta.stack()
        """, Call("f", "ts.constant(1.0)"), SetEager(True), Call("f", "ts.constant(1.0)")),
    "CF-2 a constant predicate still traces both": handwritten("control-flow", "CF-2", """
        @ts.function
        def f(x):
            def yes():
                log("tracing yes")
                return x * 2.0
            def no():
                log("tracing no")
                return x - 1.0
            return ts.cond(ts.constant(3) > 2, yes, no)
        """, Call("f", "ts.constant(1.0)"), Call("f", "ts.constant(2.0)"), SetEager(True),
        Call("f", "ts.constant(1.0)")),
}
