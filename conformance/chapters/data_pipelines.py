"""Chapter: Data pipelines (docs/spec/data-pipelines).

Generated programs build a pipeline inside ``ts.function f(x, n)`` (``range`` of ``n`` or the
slices of a tensor made from ``x``; then ``map``, ``filter``, ``batch`` and ``take`` in a random
order) and consume it with ``for e in ds`` (sometimes with a ``break``); the map and filter
functions have Python effects (once per trace) and runtime effects (once per element). A
second function ``h(ds)`` takes a dataset argument, built by the call script, to check how
datasets key the cache. The call script flips the run-eagerly switch both ways.

A map function's runtime effects are generated only in pipelines whose consumer has neither
effects nor a ``break``: iterated eagerly, TensorFlow may compute elements ahead of the
consumer, so their interleaving (and elements past a ``break``) are not specified. For the
same reason a pipeline has one map function with runtime effects at most: TensorFlow runs a
stateless map between two stateful ones in parallel, behind a prefetch buffer, so the two
stateful ones may run in either order for different elements; and a ``take`` after a map with
runtime effects would leave unspecified whether the elements it drops were mapped.
"""

from __future__ import annotations

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import arguments, scenario
from ..scenario import Call, Scenario, SetEager, Step, handwritten
from .control_flow import with_flips

E, S, X, N = c.Name("e"), c.Name("s"), c.Name("x"), c.Name("n")


@st.composite
def _map_function(draw, name: str, quiet: bool) -> tuple[c.LocalDef, bool]:
    """A function for ``map`` (Python effects, runtime effects unless ``quiet``, AutoGraph), and
    whether it has runtime effects."""
    body: list = []
    effect = "none"
    if draw(st.booleans(), label="map logs"):
        body.append(c.Log(f"tracing {name}"))
    if not quiet:
        effect = draw(st.sampled_from(["print", "py_function", "none"]), label="map effect")
        if effect == "print":
            body.append(c.Print(name, E))
        elif effect == "py_function":
            body.append(c.ExprStmt(c.Raw(f"ts.py_function(effect({name!r}), [e], e.dtype)")))
    result = draw(st.sampled_from(["double", "plus", "branch"]), label="map result")
    if result == "branch":  # converted by AutoGraph inside the dataset function
        body.append(c.If(c.BinOp(">", E, c.Name("limit")), (c.Assign("e", c.BinOp("*", E, c.Name("two"))),)))
        body.append(c.Return(E))
    else:
        body.append(c.Return(c.BinOp("*" if result == "double" else "+", E, c.Name("two"))))
    return c.LocalDef(name, ("e",), tuple(body)), effect != "none"


@st.composite
def _pipeline(draw, quiet: bool) -> tuple[list, c.Expr, bool]:
    """Statements defining ``ds``, the element's dtype name, and whether elements are batches."""
    source = draw(st.sampled_from(["range", "slices"]), label="source")
    if source == "range":
        statements: list = [c.Assign("ds", c.Raw("ts.data.Dataset.range(n)")),
                            c.Assign("two", c.Raw("ts.constant(2, ts.int64)")),
                            c.Assign("limit", c.Raw("ts.constant(1, ts.int64)"))]
    else:
        statements = [c.Lines("ds = ts.data.Dataset.from_tensor_slices(ts.stack([x, x * 2.0, x - 1.0]))"),
                      c.Assign("two", c.Literal(2.0)), c.Assign("limit", c.Literal(0.0))]
    batched = effects = False  # effects: a map function with runtime effects is drawn
    for index in range(draw(st.integers(1, 3), label="transformation count")):
        cuts = [] if effects else ["take"]  # elements a take drops may have been mapped: see above
        kinds = [*cuts] if batched else ["map", "map", "filter", *cuts, "batch"]
        if not kinds:
            break
        kind = draw(st.sampled_from(kinds), label="transformation")
        if kind == "map":
            function, drawn = draw(_map_function(f"m{index}", quiet or effects))
            effects = effects or drawn
            statements += [function,
                           c.Assign("ds", c.MethodCall(c.Name("ds"), "map", (c.Name(f"m{index}"),)))]
        elif kind == "filter":
            predicate = c.LocalDef(f"keep{index}", ("e",), (
                c.Log(f"tracing keep{index}"), c.Return(c.BinOp(">", E, c.Name("limit")))))
            statements += [predicate, c.Lines(f"ds = ds.filter(keep{index})")]
        elif kind == "batch":
            batched = True
            statements.append(c.Assign("ds", c.MethodCall(c.Name("ds"), "batch", (c.Literal(2),))))
        else:
            statements.append(c.Lines(f"ds = ds.take({draw(st.integers(1, 3), label='take')})"))
    return statements, source, batched


@st.composite
def _consumer(draw, quiet: bool) -> tuple:
    """``for e in ds``: sum the elements (as float32), maybe ``break``; effects only when quiet."""
    add = c.Assign("s", c.BinOp("+", S, c.Op("cast", (c.Op("reduce_sum", (E,)), c.Raw("ts.float32")))))
    body: list = [add]
    if quiet and draw(st.booleans(), label="consumer effects"):
        body.insert(0, c.Print("got", S))
    if quiet and draw(st.booleans(), label="break"):
        body.append(c.If(c.BinOp(">", S, c.Literal(3.0)), (c.Break(),)))
    return (c.ForIn("e", c.Name("ds"), tuple(body)),)


@st.composite
def scenarios(draw) -> Scenario:
    """A pipeline built and consumed in ``f``; a dataset argument for ``h``."""
    quiet = draw(st.booleans(), label="quiet map")  # no runtime effects in the dataset functions
    statements, _, _ = draw(_pipeline(quiet))
    f = c.FunctionDef("f", ("x", "n"), (c.Assign("s", c.Literal(0.0)), *statements, *draw(_consumer(quiet)),
                                        c.Return(S)))
    h = c.FunctionDef("h", ("ds",), (c.Log("tracing h"), c.Assign("s", c.Literal(0.0)),
                                     *draw(_consumer(True)), c.Return(S)))
    datasets = ["ts.data.Dataset.range({k})", "ts.data.Dataset.range({k}).batch(2)",
                "ts.data.Dataset.from_tensor_slices([1.0, 2.0, 3.0]).take({k})",
                "ts.data.Dataset.range({k}).batch(2, drop_remainder=True)"]
    steps: list[Step] = []
    for _ in range(draw(st.integers(2, 4), label="call count")):
        if draw(st.integers(0, 2), label="call h") == 2:  # the simplest draws call f
            argument = draw(st.sampled_from(datasets), label="dataset argument")
            argument = argument.format(k=draw(st.integers(0, 4), label="dataset size"))
            steps.append(Call("h", argument))
        else:
            x = draw(st.sampled_from([-1.0, 0.5, 2.0]), label="x")
            n = draw(st.integers(0, 4), label="n")
            steps.append(Call("f", arguments(f"ts.constant({x!r})", f"ts.constant({n}, ts.int64)")))
    return scenario("data-pipelines", [f, h], draw(with_flips(steps)), )


HANDWRITTEN = {
    "DATA-3 map traced once, runs per element": handwritten("data-pipelines", "DATA-3 DATA-4 DATA-5", """
        @ts.function
        def f(n):
            def double(e):
                log("tracing double")
                ts.print("mapping", e)
                return e * 2
            s = ts.constant(0, ts.int64)
            for e in ts.data.Dataset.range(n).map(double):
                s += e
            return s
        """, Call("f", "ts.constant(3, ts.int64)"), Call("f", "ts.constant(2, ts.int64)"), SetEager(True),
        Call("f", "ts.constant(2, ts.int64)"), requires=("print",)),
    "DATA-6 keyed by element spec": handwritten("data-pipelines", "DATA-6", """
        @ts.function
        def count(ds):
            log("tracing count")
            n = ts.constant(0)
            for _ in ds:
                n += 1
            return n
        """, Call("count", "ts.data.Dataset.range(5)"), Call("count", "ts.data.Dataset.range(7).take(2)"),
        Call("count", "ts.data.Dataset.range(5).batch(2)"),
        Call("count", "ts.data.Dataset.range(5).batch(2, drop_remainder=True)")),
}
