"""Chapter: Errors (docs/spec/errors)."""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from .. import programs as p
from ..draws import arguments, chance, choice, fresh, integer, scenario, tensor_source
from ..scenario import T1, V2, Call, Scenario, SetEager, Step, handwritten

WEIGHTS = {"gather": 3, "index": 2, "reshape": 3, "value_use": 3, "print": 2, "log": 3, "py_function": 2}
EXCEPTIONS = ("ValueError", "KeyError", "RuntimeError", "TypeError", "ZeroDivisionError")
# Data that some kernels reject when they run (ERROR-2).
INDICES = ("ts.constant([0, 2])", "ts.constant([1, 5])", "ts.constant([0, 0, 1])", "ts.constant([-1])",
           "ts.constant(1)", "ts.constant(7)")
DIVISORS = ("ts.constant([1, 2, 3])", "ts.constant([2, 0, 1])", "ts.constant(0)", "ts.constant(-2)")


def _effects_around(draw, statements: list[c.Stmt], label: str) -> list[c.Stmt]:
    """Trace-time and run-time effects before and after ``statements`` (which may fail)."""
    before = [c.Log(f"before {label}")] + ([c.Evaluate(c.Op("print", (c.Literal(f"A {label}"),)))]
                                           if chance(draw, 2) else [])
    after = [c.Log(f"after {label}")] + ([c.Evaluate(c.Op("print", (c.Literal(f"B {label}"), c.Name("x"))))]
                                         if chance(draw, 2) else [])
    return [*before, *statements, *after]


@st.composite
def _scenarios(draw) -> Scenario:
    variant = choice(draw, ["raise", "runtime", "runtime", "symbolic", "try", "body"], "variant")
    x_spec = choice(draw, [("int32", (3,)), ("float32", (3,)), ("int32", ()), ("float32", (2, 2))])
    body = p.Body(draw, [p.Value(c.Name("x"), *x_spec)], errors=3, guard=False)
    params: tuple[str, ...] = ("x",)
    extra: list[str] = []  # argument sources of the parameters after x, per call (drawn below)
    statements: list[c.Stmt] = []
    autograph = True
    if variant == "raise":  # ERROR-1: raised while tracing, never cached
        params = ("x", "p")
        exception = choice(draw, EXCEPTIONS)
        statements = [c.If(c.Name("p"), (c.Raise(exception, f"{exception} raised by the body"),))]
    elif variant == "runtime":  # ERROR-2: a kernel rejects the data, eagerly or in the graph
        params = ("x", "i")
        if x_spec[0] == "int32" and chance(draw, 2):
            x, i = c.Name("x"), c.Name("i")
            op: c.Expr = choice(draw, [c.BinOp("//", x, i), c.BinOp("%", x, i), c.Op("floordiv", (x, i))])
            extra = [DIVISORS]
        else:
            op = c.Op("gather", (c.Name("x"), c.Name("i")))
            extra = [INDICES]
        statements = [c.Assign("failing", op)]
        body.scope.append(p.Value(c.Name("failing"), x_spec[0], x_spec[1]))
    elif variant == "symbolic":  # ERROR-3, TENSOR-4: a value needed while tracing
        autograph = False
        body.run(1, {k: 0 for k in p.KINDS} | {"value_use": 1})
        statements = body.statements[:]
        body.statements.clear()
        if chance(draw, 2):
            statements.append(c.If(c.BinOp(">", c.Op("reduce_sum", (c.Name("x"),)), c.Literal(0)),
                                   (c.Log("positive"),), (c.Log("not positive"),)))
    elif variant == "try":  # an error caught eagerly may escape the trace, or the other way round
        catch = choice(draw, ["ts.errors.InvalidArgumentError"] * 2 + ["TypeError", "ValueError"])
        params = ("x", "i")
        extra = [INDICES]
        attempt = choice(draw, [c.Op("gather", (c.Name("x"), c.Name("i"))),
                                c.BinOp("+", c.Name("x"), c.Literal(1.5 if x_spec[0] == "int32" else 1)),
                                c.BinOp("+", c.Name("x"), c.Op("zeros", (c.Literal([4]),)))])
        statements = [c.Try((c.Assign("caught", attempt), c.Log("no error")), catch,
                            (c.Log(f"caught {catch}"), c.Assign("caught", c.Name("x"))))]
        body.scope.append(p.Value(c.Name("caught"), *x_spec))
    statements = _effects_around(draw, statements, variant)
    body.run(integer(draw, 2, 5), WEIGHTS)
    f = c.FunctionDef("f", params, (c.Log("trace f"), *statements, *body.statements,
                                    c.Return(p.returned(draw, body))),
                      autograph=autograph and body.autograph)
    steps: list[Step] = []
    for _ in range(integer(draw, 1, 4)):
        x = draw(tensor_source((x_spec[0], (2,)) if chance(draw, 4) else x_spec))
        rest = [choice(draw, options) for options in extra]
        if variant == "raise":
            rest = [choice(draw, ["True", "False"])]
        steps.append(Call("f", arguments(x, *rest)))
    steps = p.flips(draw, p.trace_first(draw, steps, mostly=variant == "symbolic"), 2)
    return scenario("errors", [f], steps)


def scenarios():
    """Trace-time and run-time failures, effects around them, and what happens on the next call."""
    return fresh(_scenarios())


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
