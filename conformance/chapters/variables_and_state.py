"""Chapter: Variables and state (docs/spec/variables-and-state).

A generated scenario has four parts, one per family:

``lifecycle``
    a function that creates its variable lazily (on the first call, per Python key, always,
    or only when asked), from a constant or from its argument, then reads and writes it;
    calls with new argument types, ``get_concrete_function`` and the run-eagerly switch
    (VAR-1 to VAR-6, VAR-9);
``order``
    reads, writes, prints and nested calls of global variables in random order, results
    taken before and after later writes, unused writes (VAR-2, VAR-7, VAR-11);
``arguments``
    variables passed as arguments, with aliasing, other specs, and tensors (VAR-8);
``module``
    a ``ts.Module`` with a ``ts.function`` method that creates a variable on its first call,
    two instances, and ``trainable_variables`` (VAR-13).

``state()``, defined before the program, returns every variable's value, so a call script
can look at the variables between calls; ``parameters(model)`` returns a module's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from .. import codegen as c
from ..draws import arguments, literal
from ..scenario import BASE_REQUIREMENTS, Call, Concrete, Scenario, SetEager, Step, handwritten, requirements

SHAPES = ((), (2,))
VALUES = (0.5, 1.0, 2.0, -3.0)


def _value(draw, shape: tuple[int, ...]) -> str:
    items = [draw(st.sampled_from(VALUES)) for _ in range(2)]
    return literal(items if shape else items[0])


def _x(draw, shape: tuple[int, ...]) -> str:
    """A float32 argument of tenths (special and tiny floats are chapter 1's business)."""
    values = [draw(st.integers(-80, 80), label="tenths") / 10 for _ in range(2)]
    return f"ts.constant({literal(values if shape else values[0])})"


v, x = c.Name("v"), c.Name("x")


@st.composite
def _uses(draw, variable: c.Expr, label: str, prints: bool = True) -> list:
    """Reads and writes of ``variable`` (and ``x``, of its shape), results named ``r0``, ``r1``..."""
    body: list = []
    kinds = ["assign_add", "assign_sub", "assign", "assign_sub", "read", "alias", "expression"]
    for index in range(draw(st.integers(1, 4), label=f"{label} uses")):
        kind = draw(st.sampled_from(kinds + ["print"] * prints), label=f"{label} use")
        if kind in ("assign_add", "assign_sub"):
            body.append(c.Evaluate(c.Method(variable, kind, (c.BinOp("*", x, c.Literal(0.5)),))))
        elif kind == "assign":
            body.append(c.Evaluate(c.Method(variable, "assign", (c.BinOp("+", variable, x),))))
        elif kind == "read":
            body.append(c.Assign(f"r{index}", c.Method(variable, "read_value")))
        elif kind == "print":
            body.append(c.Print(label, variable))
        elif kind == "alias":
            body.append(c.Assign(f"r{index}", c.Method(variable, "assign_add", (x,))))
        else:
            body.append(c.Assign(f"r{index}", c.BinOp("*", variable, c.Literal(2.0))))
    return body


def _results(body: list, variable: c.Expr) -> c.Expr:
    names = [c.Name(s.target) for s in body if isinstance(s, c.Assign) and s.target.startswith("r")]
    return c.Structure("tuple", (*names, variable))


@dataclass(frozen=True)
class _Part:
    """One family's share of a scenario: its functions, its source before them, its calls."""

    functions: tuple[c.FunctionDef, ...]
    prelude: str
    call: Callable  # draw -> a step of this part
    after_switch: tuple[Step, ...] = ()  # steps right after the flag is switched


@st.composite
def _lifecycle(draw) -> _Part:
    shape = draw(st.sampled_from(SHAPES), label="variable shape")
    creation = draw(st.sampled_from(["late", "lazy", "keyed", "always", "lazy", "late", "none"]),
                    label="creation")
    initial = draw(st.sampled_from(["constant", "argument"]), label="initial value")
    values = [draw(st.sampled_from(VALUES)) for _ in range(2)]
    constant = c.Literal(values if shape else values[0])
    init = constant if initial == "constant" else c.BinOp("*", x, c.Literal(2.0))
    make = c.Op("Variable", (init,))
    h, d, k = c.Name("H"), c.Name("D"), c.Name("k")
    first = c.Subscript(c.BinOp("or", h, c.Structure("list", (c.Name("G0"),))), "0")
    body: list = [c.Log("trace f")]
    if creation == "lazy":
        body += [c.If(c.UnaryOp("not", h), (c.Evaluate(c.Method(h, "append", (make,))),)),
                 c.Assign("v", first)]
    elif creation == "keyed":
        body += [c.If(c.BinOp("not in", k, d), (c.Assign("D[k]", make),)), c.Assign("v", c.Subscript(d, "k"))]
    elif creation == "always":
        body += [c.Evaluate(c.Method(h, "append", (make,))), c.Assign("v", c.Subscript(h, "-1"))]
    elif creation == "late":
        body += [c.If(c.BinOp("and", k, c.UnaryOp("not", h)), (c.Evaluate(c.Method(h, "append", (make,))),)),
                 c.Assign("v", first)]
    else:
        body += [c.Assign("v", c.Name("G0"))]
    uses = draw(_uses(v, "v"))
    ending = draw(st.sampled_from(["variable", "tuple", "sum"]), label="returned")
    result = {"variable": v, "tuple": _results(uses, v), "sum": c.BinOp("+", v, x)}[ending]
    f = c.FunctionDef("f", ("x", "k"), (*body, *uses, c.Return(result)))
    # The first call of a "late" function asks for no variable; later calls mostly ask for one.
    keys = ["True", "False"] if creation == "late" else ["0", "1", "2"]
    first_call = Call("f", arguments(_x(draw, shape), "False" if creation == "late" else "0"))
    calls = iter([first_call])

    def call(draw) -> Step:
        made = next(calls, None)
        if made is not None:
            return made
        step = draw(st.sampled_from(["call", "call", "concrete"]), label="f step")
        key = draw(st.sampled_from(keys), label="key")
        if step == "call":
            call_shape = draw(st.sampled_from([shape, shape, shape, () if shape else (2,)]))
            return Call("f", arguments(_x(draw, call_shape), key))
        spec = "ts.TensorSpec([" + ", ".join(map(str, shape)) + "], ts.float32)"
        return Concrete("f", arguments(spec, key))

    # A "late" function called traced for the first time after the switch: first creating no
    # variable, then asked to create one (VAR-6).
    late = (Call("f", arguments(_x(draw, shape), "False")), Call("f", arguments(_x(draw, shape), "True")))
    return _Part((f,), f"G0 = ts.Variable({_value(draw, shape)})\nGLOBALS.append(G0)\n", call,
                 late if creation == "late" else ())


@st.composite
def _order(draw) -> _Part:
    shape = draw(st.sampled_from(SHAPES), label="variable shape")
    o0, o1 = c.Name("O0"), c.Name("O1")
    # No ts.print in ``inner``: TensorFlow does not order it with the caller's (VAR-7).
    inner = c.FunctionDef("inner", ("x",), (*draw(_uses(o1, "O1", prints=False)),
                                            c.Return(c.Method(o1, "read_value"))))
    body: list = []
    for index in range(draw(st.integers(1, 3), label="blocks")):
        kind = draw(st.sampled_from(["O0", "O1", "inner", "unused inner"]), label="block")
        if kind in ("O0", "O1"):
            uses = draw(_uses(c.Name(kind), kind))
            body += [c.Assign(f"{s.target}_{index}", s.value) if isinstance(s, c.Assign) else s for s in uses]
        elif kind == "inner":
            body.append(c.Assign(f"r_inner_{index}", c.CallFunction("inner", (x,))))
        else:
            body.append(c.Evaluate(c.CallFunction("inner", (x,))))
    names = [c.Name(s.target) for s in body if isinstance(s, c.Assign)]
    returned = draw(st.sampled_from(["all", "variables", "nothing"]), label="returned")
    result = {"all": c.Structure("tuple", (*names, o0)), "variables": c.Structure("list", (o0, o1)),
              "nothing": c.Literal(0)}[returned]
    g = c.FunctionDef("g", ("x",), (*body, c.Return(result)))
    prelude = (f"O0 = ts.Variable({_value(draw, shape)})\nO1 = ts.Variable({_value(draw, shape)})\n"
               "GLOBALS += [O0, O1]\n")
    return _Part((inner, g), prelude, lambda draw: Call(draw(st.sampled_from(["g", "g", "inner"])),
                                                         _x(draw, shape)))


_ARGUMENTS = ("A", "A", "B", "C", "S", "T")  # C is not trainable, S is a scalar, T a tensor


@st.composite
def _arguments(draw) -> _Part:
    p, q = c.Name("p"), c.Name("q")
    body: list = [c.Log("trace h")]
    for index in range(draw(st.integers(1, 3), label="writes")):
        kind = draw(st.sampled_from(["assign_add", "assign", "read"]), label="write")
        if kind == "read":
            body.append(c.Assign(f"r{index}", c.BinOp("+", p, q)))
        else:
            value = c.BinOp("*", q, c.Literal(0.5)) if kind == "assign_add" else c.BinOp("-", q, p)
            body.append(c.Evaluate(c.Method(p, kind, (value,))))
    names = [c.Name(s.target) for s in body if isinstance(s, c.Assign)]
    h = c.FunctionDef("h", ("p", "q"), (*body, c.Return(c.Structure("tuple", (*names, p)))))
    a, b, k, s, t = (_value(draw, shape) for shape in ((2,), (2,), (2,), (), (2,)))
    prelude = (f"A = ts.Variable({a})\nB = ts.Variable({b})\nC = ts.Variable({k}, trainable=False)\n"
               f"S = ts.Variable({s})\nT = ts.constant({t})\nGLOBALS += [A, B, C, S]\n")
    return _Part((h,), prelude, lambda draw: Call("h", arguments(draw(st.sampled_from(_ARGUMENTS[:5])),
                                                                 draw(st.sampled_from(_ARGUMENTS)))))


MODULE = '''\
class Model(ts.Module):
    def __init__(self):
        super().__init__()
        self.w = None
        self.b = ts.Variable({b})
        self.frozen = ts.Variable(1.0, trainable=False)

    @ts.function
    def __call__(self, x):
        log("trace model")
        if self.w is None:
            self.w = ts.Variable({init})
        self.w.assign_add(x * 0.5)
        return self.w * x + self.b


def parameters(model):
    return [v.numpy() for v in model.{which}]


m1 = Model()
m2 = Model()
'''


@st.composite
def _module(draw) -> _Part:
    init = draw(st.sampled_from(["2.0", "x * 2.0", "ts.ones([]) * 3.0"]), label="initial value")
    which = draw(st.sampled_from(["trainable_variables", "variables"]), label="which variables")

    def call(draw) -> Step:
        step = draw(st.sampled_from(["m1", "m1.__call__", "m2", "parameters"]), label="module step")
        if step == "parameters":
            return Call("parameters", draw(st.sampled_from(["m1", "m2"])))
        return Call(step, _x(draw, ()))

    return _Part((), MODULE.format(b=_value(draw, ()), init=init, which=which), call)


STATE = "def state():\n    return [w.numpy() for w in [*H, *D.values(), *GLOBALS]]\n"


@st.composite
def scenarios(draw) -> Scenario:
    """The four families of the module docstring in one program, called around a switch of the flag.

    Each part is called once first, in the starting mode; then the flag is switched (a run that
    starts eager goes on traced, one that starts traced goes on eagerly, half the time each) and
    the parts are called in a drawn order; ``state()`` and the modules' parameters come last.
    """
    parts = [draw(_lifecycle()), draw(_order()), draw(_arguments()), draw(_module())]
    steps: list[Step] = [part.call(draw) for part in parts]
    flag = draw(st.booleans(), label="switch the flag to")
    steps += [SetEager(flag), *(step for part in parts for step in part.after_switch)]
    for _ in range(draw(st.integers(1, 6), label="calls after the switch")):
        if draw(st.integers(0, 5), label="switch back") == 0:
            steps.append(SetEager(not flag))
        steps.append(draw(st.sampled_from(parts), label="part").call(draw))
    steps += [Call("state"), Call("parameters", "m1")]
    prelude = "H = []\nD = {}\nGLOBALS = []\n" + "".join(part.prelude for part in parts) + "\n" + STATE
    functions = [f for part in parts for f in part.functions]
    source = prelude + "\n\n" + c.program(tuple(functions))
    return Scenario("variables-and-state", source, tuple(steps),
                    (*(f.name for f in functions), "m1.__call__", "m2.__call__"),
                    requires=BASE_REQUIREMENTS | requirements(source, tuple(steps)))


NOT_GENERATED = {
    "VAR-12": "the reference predicts under the backend's policies; only a backend declaring "
              "variables='unsupported' reaches it, and then its scenarios are skipped (a test checks it)",
}

_F = "ts.constant(1.0)"

HANDWRITTEN = {
    "VAR-2 captured by reference": handwritten("variables-and-state", "VAR-2", """
        gv = ts.Variable(1.0)

        @ts.function
        def f():
            return gv + 1
        """, Call("f"), Call("gv.assign", "100.0"), Call("f"), SetEager(True), Call("f"),
        requires=("variables",)),
    "VAR-3 first call traces twice": handwritten("variables-and-state", "VAR-3 VAR-4", """
        H = []

        @ts.function
        def f(x):
            log("trace")
            if not H:
                H.append(ts.Variable(0.0))
            H[0].assign_add(x)
            return H[0].read_value()
        """, Call("f", _F), Call("f", _F), Call("f", "ts.constant([1.0, 2.0])"), requires=("variables",)),
    "VAR-4 initial value from the argument": handwritten("variables-and-state", "VAR-4", """
        H = []

        @ts.function
        def f(x):
            if not H:
                H.append(ts.Variable(x * 2))
                ts.print("initialising")
            return H[0] + x
        """, Call("f", "ts.constant(3.0)"), Call("f", "ts.constant(100.0)"), requires=("variables", "print")),
    "VAR-5 unconditional creation": handwritten("variables-and-state", "VAR-5", """
        @ts.function
        def f(x):
            log("trace")
            return ts.Variable(1.0) + x
        """, Call("f", _F), Call("f", _F), SetEager(True), Call("f", _F), requires=("variables",)),
    "VAR-6 late creation": handwritten("variables-and-state", "VAR-6", """
        H = []

        @ts.function
        def f(create):
            log("trace")
            if create and not H:
                H.append(ts.Variable(1.0))
            return H[0] + 1 if H else ts.constant(0.0)
        """, Call("f", "False"), Call("f", "True"), Call("f", "True"), Call("f", "False"),
        requires=("variables",)),
    "VAR-7 program order": handwritten("variables-and-state", "VAR-7 VAR-11", """
        v = ts.Variable(0.0)

        @ts.function
        def f():
            v.assign(1.0)
            v.assign_add(10.0)
            a = v.read_value()
            ts.print("v", v)
            v.assign(100.0)
            return a, v
        """, Call("f"), Call("v.numpy"), requires=("variables", "print")),
    "VAR-11 assign results": handwritten("variables-and-state", "VAR-11", """
        v = ts.Variable(0.0)

        @ts.function
        def f():
            r = v.assign(3.0)
            v.assign(7.0)
            return r, v.assign_add(1.0), v
        """, Call("f"), SetEager(True), Call("f"), requires=("variables",)),
    "VAR-8 variable arguments": handwritten("variables-and-state", "VAR-8", """
        a = ts.Variable(1.0)
        b = ts.Variable(2.0)
        c = ts.Variable(3.0, trainable=False)

        @ts.function
        def f(p, q):
            p.assign_add(q)
            return p.read_value()
        """, Call("f", "a, b"), Call("f", "b, a"), Call("f", "a, a"), Call("f", "c, a"),
        Call("f", "a, ts.constant(1.0)"), requires=("variables",)),
    "VAR-10 shape checks": handwritten("variables-and-state", "VAR-10", """
        v = ts.Variable([1.0, 2.0])

        @ts.function
        def f(x):
            v.assign(x)
            return v.read_value()

        @ts.function
        def g(x):
            v.assign_add(x)
            return v.read_value()
        """, Call("f", "ts.constant([3.0, 4.0])"), Call("f", "ts.constant(5.0)"),
        Call("g", "ts.constant(1.0)"), SetEager(True), Call("g", "ts.constant(1.0)"),
        Call("f", "ts.constant([1.0, 2.0, 3.0])"),
        requires=("variables",)),
    "VAR-13 module": handwritten("variables-and-state", "VAR-13", """
        class Dense(ts.Module):
            def __init__(self):
                super().__init__()
                self.w = ts.Variable(1.0, name="w")
                self.b = ts.Variable(0.0, name="b")
                self.frozen = ts.Variable(2.0, name="frozen", trainable=False)

        names = lambda: ([v.name for v in Dense().variables], [v.name for v in Dense().trainable_variables])

        @ts.function
        def f():
            return 0
        """, Call("names"), Call("f"), requires=("variables",)),
}
