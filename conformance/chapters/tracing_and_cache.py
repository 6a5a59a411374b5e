"""Chapter: Tracing and the cache (docs/spec/tracing-and-cache)."""

from __future__ import annotations

from hypothesis import strategies as st

from tracespec.reference.tensor_spec import shape_is_compatible

from .. import codegen as c
from .. import programs as p
from ..draws import POOL, arguments, chance, choice, combined, fresh, integer, scalar_source, tensor_source
from ..scenario import T1, T2, V2, Call, Concrete, Scenario, SetEager, Step, handwritten

# Few statements per body: the calls are what this chapter is about.
WEIGHTS = {"value_use": 0, "tensor_api": 0}
OBJECTS = ("Token(0)", "Token(1)", "Token(0)", "Token(2)", "Token(1)", "[1, 2]", "[2, 1]", "(1, 2)",
           "{'a': 1, 'b': 2}", "{'b': 2, 'a': 1}", "[Token(0)]")


def _count(*functions: str) -> c.FunctionDef:
    """A driver: the tracing counts of ``functions`` (methods and ``ts.function(...)`` objects)."""
    counts = tuple(c.Method(c.Name(f), "experimental_get_tracing_count") for f in functions)
    return c.FunctionDef("counts", (), (c.Return(c.Structure("tuple", counts)),), traced=False)


def _signatures(function: str) -> c.FunctionDef:
    """A driver: how many signatures ``function`` lists (TRACE-9)."""
    text = c.Method(c.Name(function), "pretty_printed_concrete_signatures")
    count = c.Method(text, "count", (c.Literal("Input Parameters:"),))
    return c.FunctionDef("signatures", (), (c.Return(count),), traced=False)


@st.composite
def _tensor(draw, pool=POOL) -> str:
    """A tensor of one of a few specs (so calls repeat keys), a NumPy array, or a Python number."""
    dtype, shape = choice(draw, pool, "tensor spec")
    if not shape and chance(draw, 5):
        return draw(scalar_source(dtype))
    return draw(tensor_source((dtype, shape), numpy_array=chance(draw, 4, "as numpy")))


@st.composite
def _arguments_variant(draw):
    """Tensor, Python-literal, container and object parameters, keyed as TRACE-3..7 say."""
    other = ["literal", "object", "container", "object", "literal"]
    kinds = ["tensor", choice(draw, other), "object"]  # an object in every draw: TRACE-6
    names, body, values, sources = [], [c.Log("trace f")], [], []
    for index, kind in enumerate(kinds):
        name = "xpqr"[index]
        names.append(name)
        if kind == "tensor":
            spec = choice(draw, POOL)
            values.append(p.Value(c.Name(name), *spec))
            sources.append(("tensor", spec))
        elif kind == "container":
            container = choice(draw, ["list", "tuple", "dict", "pair"])
            items = [choice(draw, POOL), choice(draw, POOL)]
            statements, unpacked = p.unpack(container, name, items)
            body += statements
            values += unpacked
            sources.append((container, items))
            if container in ("list", "dict") and chance(draw, 3):  # TRACE-14
                body.append(c.Evaluate(c.Method(c.Name(name), "append" if container == "list" else "pop",
                                                (c.Literal(0) if container == "list" else c.Literal("a"),))))
        else:
            sources.append((kind, None))
    fn = p.Body(draw, values, errors=0)
    fn.run(integer(draw, 2, 4), WEIGHTS)
    body += fn.statements
    literal_names = [n for n, (k, _) in zip(names, sources) if k == "literal"]
    if literal_names and chance(draw, 3):
        body.append(c.If(c.Name(literal_names[0]), (c.Log("truthy"),)))
    returned = [fn.scope[-1].expr, *(c.Name(n) for n in literal_names)]
    defaults = ((names[-1], 1),) if sources[-1][0] == "literal" and chance(draw, 2) else ()
    f = c.FunctionDef("f", tuple(names), (*body, c.Return(c.Structure("tuple", tuple(returned)))),
                      defaults=defaults, autograph=fn.autograph)
    steps: list[Step] = []
    for _ in range(integer(draw, 2, 6)):
        given = []
        for kind, spec in sources:
            if kind == "tensor":
                given.append(draw(_tensor([spec, *POOL[:2]])))
            elif kind == "literal":
                given.append(choice(draw, p.LITERALS))
            elif kind == "object":
                given.append(choice(draw, OBJECTS))
            else:
                given.append(draw(p.container_argument(kind, spec)))
        steps.append(_call("f", names, given, defaults, draw))
    return [f], steps


def _call(function: str, names, given, defaults, draw) -> Call:
    """A call by position, by keyword (in either order), or leaving a default out."""
    style = choice(draw, ["positional", "positional", "keyword", "mixed"] + (["default"] if defaults else []))
    if style == "default":
        return Call(function, arguments(*given[:-1]))
    if style == "positional":
        return Call(function, arguments(*given))
    split = 1 if style == "mixed" else 0
    keywords = list(zip(names[split:], given[split:]))
    if chance(draw, 2):
        keywords.reverse()
    return Call(function, arguments(*given[:split], keywords=tuple(keywords)))


@st.composite
def _signature_variant(draw):
    """``input_signature``, with a defaulted parameter beyond it and calls by keyword."""
    dtype = choice(draw, ["float32", "int32"])
    pattern = choice(draw, [(None,), (2,), None, (None, 2)], "signature shape")
    two = chance(draw, 2)
    specs = ((pattern, dtype), ((None,), dtype)) if two else ((pattern, dtype),)
    names = ("x", "y") if two else ("x",)
    values = [p.Value(c.Name(n), dtype, (2,)) for n in names]
    fn = p.Body(draw, values, errors=0, known_shapes=False)
    fn.run(integer(draw, 2, 4), WEIGHTS)
    defaulted = chance(draw, 2)
    params = (*names, "k") if defaulted else names
    result = fn.scope[-1].expr
    if defaulted:
        result = c.Structure("tuple", (result, c.Name("k")))
    f = c.FunctionDef("f", params, (c.Log("trace f"), *fn.statements, c.Return(result)),
                      defaults=(("k", 2),) if defaulted else (), input_signature=specs,
                      autograph=fn.autograph)
    steps: list[Step] = []
    for _ in range(integer(draw, 2, 5)):
        given = []
        for _name in names:
            kind = choice(draw, ["tensor", "tensor", "list", "numpy", "other"])
            if kind == "list":
                given.append(choice(draw, ["[1, 2]", "[1.0, 2.0, 3.0]", "[[1, 2], [3, 4]]", "3"]))
            elif kind == "numpy":
                given.append(draw(tensor_source((dtype, (2,)), numpy_array=True)))
            elif kind == "other":
                given.append(draw(_tensor()))
            else:
                given.append(draw(tensor_source((dtype, choice(draw, [(2,), (3,), (2, 2)])))))
        if defaulted and chance(draw, 2):
            given.append(choice(draw, ["2", "3", "2.0"]))
            names_here = (*names, "k")
        elif chance(draw, 8):
            given.append("1")  # one argument too many
            names_here = (*names, "extra")
        else:
            names_here = names
        steps.append(_call("f", names_here, given, (), draw))
    if chance(draw, 3):
        steps.insert(integer(draw, 0, len(steps)), Concrete("f", "", name="cf"))
        fitting = (2, 2) if pattern == (None, 2) else (2,)
        cf_args = [draw(tensor_source((dtype, fitting if n == "x" else (2,)))) for n in names]
        steps.append(Call("cf", arguments(*cf_args)))
    return [f], steps


@st.composite
def _concrete_variant(draw):
    """``get_concrete_function`` with specs and a Python value; calls of what it returned."""
    dtype, shape = choice(draw, [("float32", (None,)), ("float32", ()), ("int32", (2,)), ("float32", None)])
    spec = f"ts.TensorSpec({None if shape is None else list(shape)}, ts.{dtype})"
    fitting = (dtype, (2,) if shape is None else tuple(d or 2 for d in shape))
    known = shape is not None and None not in shape
    body = p.Body(draw, [p.Value(c.Name("x"), *fitting)], errors=0, known_shapes=known)
    body.run(integer(draw, 2, 4), WEIGHTS)
    result = c.Structure("tuple", (body.scope[-1].expr, c.Name("n")))
    runs = c.Evaluate(c.Op("print", (c.Literal("run"), c.Name("n"))))
    f = c.FunctionDef("f", ("x", "n"), (c.Log("trace f"), runs, *body.statements, c.Return(result)),
                      defaults=(("n", 2),), autograph=body.autograph)
    literal = choice(draw, ["", ", 2", ", 3", ", n=2"])
    # Another dtype fails the call (TRACE-13); a tensor of the dtype but another shape would run
    # a graph built for the spec's shape, which the spec leaves unspecified.
    others = [(d, s) for d, s in POOL if d != dtype or shape_is_compatible(s, shape)]
    steps: list[Step] = [Concrete("f", spec + literal, name="cf")]
    definitions: list = [f, _signatures("f")]
    target = "cf"
    if chance(draw, 2):  # the program asks for the concrete function itself, at each call
        steps, target = [], "concrete"
        definitions.append(p.concrete_driver("concrete", "f", spec + literal))
    for _ in range(integer(draw, 2, 5)):
        x = draw(_tensor(others)) if chance(draw, 4) else draw(tensor_source(fitting))
        form = choice(draw, ["structured", "flat", "keyword", "literal", "wrong literal", "python"])
        args = {"structured": x, "flat": x, "keyword": f"x={x}", "literal": f"{x}, 2",
                "python": draw(scalar_source(dtype)), "wrong literal": f"{x}, n=3"}[form]
        steps.append(Call(target, args))
    steps += [Call("f", draw(tensor_source(fitting))), Call("signatures")]
    return definitions, steps


@st.composite
def _relaxed_variant(draw):
    """``reduce_retracing``: shapes relax, Python values still retrace."""
    dtype = choice(draw, ["float32", "int32"])
    body = p.Body(draw, [p.Value(c.Name("x"), dtype, (3,))], errors=0)
    shaped = ("index", "gather", "matmul", "concat", "reshape")  # would fail on other shapes
    body.run(integer(draw, 1, 3), {**WEIGHTS, **dict.fromkeys(shaped, 0)})
    f = c.FunctionDef("f", ("x", "n"), (c.Log("trace f"), *body.statements,
                                        c.Return(c.Structure("tuple", (body.scope[-1].expr, c.Name("n"))))),
                      reduce_retracing=True, autograph=body.autograph)
    shapes = [(3,), (5,), (2, 2), (), (7,), (1, 3)]
    steps = [Call("f", arguments(draw(tensor_source((dtype, choice(draw, shapes)))), choice(draw, "112")))
             for _ in range(integer(draw, 3, 6))]
    return [f, _signatures("f")], [*steps, Call("signatures")]


@st.composite
def _methods_variant(draw):
    """``ts.function`` methods (one cache per instance) and two functions of one ``def``."""
    body = p.Body(draw, [p.Value(c.Name("x"), "float32", (2,))], errors=0)
    body.run(integer(draw, 2, 4), WEIGHTS)
    scaled = c.BinOp("*", body.scope[-1].expr, c.Attribute(c.Name("self"), "scale"))
    call = c.FunctionDef("call", ("self", "x"), (c.Log("trace call"), *body.statements, c.Return(scaled)),
                         autograph=body.autograph)
    init = c.FunctionDef("__init__", ("self", "scale"), (c.Assign("self.scale", c.Name("scale")),),
                         traced=False)
    plus_one = c.BinOp("+", c.Name("x"), c.Literal(1))
    base = c.FunctionDef("base", ("x",), (c.Log("trace base"), c.Return(plus_one)), traced=False)
    definitions = [
        c.ClassDef("Model", (init, call)),
        c.Assign("m1", c.PyCall("Model", (c.Literal(2),))),
        c.Assign("m2", c.PyCall("Model", (c.Literal(3),))),
        base,
        c.Assign("first", c.Op("function", (c.Name("base"),))),
        c.Assign("second", c.Op("function", (c.Name("base"),))),
        _count("m1.call", "m2.call", "first", "second"),
    ]
    steps: list[Step] = []
    for _ in range(integer(draw, 2, 6)):
        target = choice(draw, ["m1.call", "m2.call", "m1.call", "first", "second"])
        steps.append(Call(target, draw(tensor_source(choice(draw, [("float32", (2,)), ("float32", (3,))])))))
    steps.append(Call("counts"))
    return definitions, steps


@st.composite
def _retracing_variant(draw):
    """Many distinct Python values: frequent retracing is logged (TRACE-15)."""
    f = c.FunctionDef("f", ("x", "n"), (c.Log("trace f"), c.Return(c.BinOp("+", c.Name("x"), c.Name("n")))))
    values = list(range(integer(draw, 5, 12)))
    steps: list[Step] = [SetEager(False)] if not chance(draw, 4) else []
    for n in values:
        steps.append(Call("f", arguments(T1, str(n if not chance(draw, 4) else values[0]))))
    return [f], steps


@st.composite
def _failing_variant(draw):
    """A trace that fails for some values is not cached (TRACE-12)."""
    body = p.Body(draw, [p.Value(c.Name("x"), "float32", (2,))], errors=1)
    body.run(integer(draw, 2, 4), WEIGHTS)
    fail = c.If(c.Name("fail"), (c.Raise("ValueError", "boom"),))
    f = c.FunctionDef("f", ("x", "fail"), (c.Log("before"), fail,
                                           *body.statements, c.Log("after"), c.Return(body.scope[-1].expr)),
                      autograph=body.autograph)
    steps = [Call("f", arguments(draw(_tensor()), choice(draw, ["True", "False"])))
             for _ in range(integer(draw, 2, 5))]
    return [f], steps


@st.composite
def _containers_variant(draw):
    """A list, tuple, dict or ``Pair`` of tensors, called with the variations a trace key tells
    apart (kind, length, dtypes) and those it does not (a dict's insertion order) (TRACE-5)."""
    kind = choice(draw, ["dict", "dict", "dict", "list", "tuple", "pair"])
    items = [choice(draw, POOL), choice(draw, POOL)]
    statements, values = p.unpack(kind, "xs", items)
    body = p.Body(draw, values, errors=0)
    body.run(integer(draw, 1, 3), WEIGHTS)
    f = c.FunctionDef("f", ("xs",), (c.Log("trace f"), *statements, *body.statements,
                                     c.Return(body.scope[-1].expr)), autograph=body.autograph)
    steps = [Call("f", draw(p.container_argument(kind, items, same=10))) for _ in range(integer(draw, 2, 5))]
    return [f], steps


@st.composite
def _mutating_variant(draw):
    """A body that modifies its list or dict argument: the trace fails (TRACE-14)."""
    kind = choice(draw, ["list", "dict"])
    change = (c.Method(c.Name("items"), "append", (c.Literal(0),)) if kind == "list" else
              c.Method(c.Name("items"), "pop", (c.Literal("a"),)))
    copy = chance(draw, 4)  # modifying a copy is allowed
    target = c.Method(c.Name("items"), "copy") if copy else c.Name("items")
    body = (c.Log("trace f"), c.Assign("items", target), c.Evaluate(change),
            c.Return(c.PyCall("len", (c.Name("items"),))))
    f = c.FunctionDef("f", ("items",), body)
    argument = "[ts.constant(1.0), 2]" if kind == "list" else "{'a': ts.constant(1.0), 'b': 2}"
    steps = [SetEager(False), *(Call("f", argument) for _ in range(integer(draw, 1, 3)))]
    return [f], steps


VARIANTS = {"arguments": (_arguments_variant, 4), "containers": (_containers_variant, 4),
            "mutating": (_mutating_variant, 3),
            "signature": (_signature_variant, 3), "concrete": (_concrete_variant, 3),
            "relaxed": (_relaxed_variant, 3), "methods": (_methods_variant, 4),
            "retracing": (_retracing_variant, 3), "failing": (_failing_variant, 2)}


@st.composite
def _scenarios(draw) -> Scenario:
    """One variant, often two (renamed apart): more of them per scenario, the same cost each."""
    table = [v for v, (_, w) in VARIANTS.items() for _ in range(w)]
    variants = [choice(draw, table, "variant")]
    if chance(draw, 2) is False:
        variants.append(choice(draw, [v for v in table if v != variants[0]], "second variant"))
    parts = [draw(VARIANTS[v][0]()) for v in variants]
    first, *rest = parts
    parts = [(first[0], p.flips(draw, p.trace_first(draw, first[1], mostly=True), 3)), *rest]
    return combined("tracing-and-cache", parts)


def scenarios():
    """Call sequences that probe the cache key, signatures, concrete functions and relaxation."""
    return fresh(_scenarios())


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
    "TRACE-8 a method has a cache per instance": handwritten("tracing-and-cache", "TRACE-8", """
        class Model:
            def __init__(self, scale):
                self.scale = scale
            @ts.function
            def call(self, x):
                log("trace call")
                return x * self.scale
        m1 = Model(2.0)
        m2 = Model(3.0)
        @ts.function
        def both(x):
            log("trace both")
            return m1.call(x) + m2.call(x)
        """, Call("m1.call", T1), Call("m2.call", T1), Call("m1.call", T1), Call("m2.call", T2),
        Call("both", T1)),
    "TRACE-15 frequent retracing warns": handwritten("tracing-and-cache", "TRACE-15", """
        @ts.function
        def f(x, n):
            log("trace")
            return x + n
        """, *(Call("f", f"{T1}, {n}") for n in range(6))),
}
