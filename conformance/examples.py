"""Hand-written scenarios: the spec's key rules as fixed programs, checked through adapters.

Each example is a program's source and a call script; like generated
scenarios, it runs on the backend and on the reference, and the two
observations must agree. They pin down the rules that random programs reach
only rarely.
"""

from __future__ import annotations

from textwrap import dedent

from .scenario import Call, Concrete, Scenario, SetEager, SetGlobal, Step


def example(chapter: str, rules: str, source: str, *steps: Step, requires=(), **globals_):
    functions = tuple(
        line.split("(")[0][4:] for line in dedent(source).splitlines() if line.startswith("def ")
    )
    base = {"ops", "function", "tracing_count", "run_functions_eagerly"}
    return Scenario(chapter, dedent(source), tuple(steps), functions, tuple(rules.split()),
                    {k: repr(v) for k, v in globals_.items()}, frozenset(base | set(requires)))


T1 = "ts.constant(1.0)"
T2 = "ts.constant(2.0)"
V2 = "ts.constant([1.0, 2.0])"

EXAMPLES: dict[str, Scenario] = {
    # tensors and ops
    "OP-2 broadcast mismatch": example("tensors-and-ops", "OP-2", """
        @ts.function
        def f(x, y):
            return x + y
        """, Call("f", "ts.constant([1, 2]), ts.constant([1, 2, 3])"),
        Call("f", "ts.constant([1, 2]), ts.constant([[1], [2]])")),
    "OP-3 integer division": example("tensors-and-ops", "OP-3", """
        @ts.function
        def f(x, y):
            return x / y, x // y, x % y
        """, Call("f", "ts.constant([7, -7]), ts.constant([2, 2])"),
        Call("f", "ts.constant([7, -7]), ts.constant([0, 2])")),
    "TENSOR-2 no promotion": example("tensors-and-ops", "TENSOR-2 OP-4", """
        @ts.function
        def f(x, y):
            return x + y
        """, Call("f", "ts.constant(1), ts.constant(1.0)"), Call("f", "ts.constant(1), 2")),
    "OP-5 static slice": example("tensors-and-ops", "OP-5", """
        @ts.function
        def f(x):
            return x[4]
        """, Call("f", "ts.constant([1, 2, 3])")),
    # tracing and the cache
    "TRACE-4 literals by equality": example("tracing-and-cache", "TRACE-4", """
        @ts.function
        def f(x):
            log("trace")
            return ts.constant(x)
        """, Call("f", "1"), Call("f", "1.0"), Call("f", "True"), Call("f", "2")),
    "TRACE-3 dtype and shape": example("tracing-and-cache", "TRACE-3", """
        @ts.function
        def f(x):
            log("trace")
            return x
        """, Call("f", T1), Call("f", T2), Call("f", V2), Call("f", "ts.constant(1)"),
        Call("f", "np.array([1.0, 2.0])")),
    "TRACE-10 input signature": example("tracing-and-cache", "TRACE-10", """
        @ts.function(input_signature=[ts.TensorSpec([None], ts.int32)])
        def f(x):
            log("trace")
            return x
        """, Call("f", "[1, 2]"), Call("f", "[1, 2, 3]"), Call("f", "[[1, 2], [3, 4]]"),
        Call("f", "ts.constant([1.0])"), Call("f", "[1], 2"), requires=("input_signature",)),
    "TRACE-11 reduce retracing": example("tracing-and-cache", "TRACE-11", """
        @ts.function(reduce_retracing=True)
        def f(x):
            log("trace")
            return x
        """, *(Call("f", f"ts.zeros({s})") for s in ([3], [5], [7], [9], [2, 2], [3, 3])),
        requires=("reduce_retracing",)),
    "TRACE-12 failed traces": example("tracing-and-cache", "TRACE-12 ERROR-1", """
        @ts.function
        def f(x, fail):
            log("before")
            if fail:
                raise ValueError("boom")
            return x
        """, Call("f", f"{T1}, True"), Call("f", f"{T1}, True"), Call("f", f"{T1}, False")),
    "TRACE-2 concrete functions": example("tracing-and-cache", "TRACE-2 EAGER-5", """
        @ts.function
        def f(x):
            log("trace")
            ts.print("run")
            return x
        """, Concrete("f", "ts.TensorSpec([], ts.float32)"), Call("f", T1), SetEager(True),
        Concrete("f", "ts.TensorSpec([2], ts.float32)"), Call("f", V2),
        requires=("get_concrete_function", "print")),
    # the eager switch
    "EAGER-7 seed example": example("eager-switch", "EAGER-7 EAGER-3", """
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
    "EAGER-2 flag on traced function": example("eager-switch", "EAGER-2 EAGER-3", """
        @ts.function
        def f(x):
            log("body")
            return x * 2, 1
        """, Call("f", T1), SetEager(True), Call("f", T1), Call("f", V2), SetEager(False),
        Call("f", T1)),
    "EAGER-4 nested run eagerly": example("eager-switch", "EAGER-4", """
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
    # side effects
    "EFFECT-1 and 2 once per trace, every call": example("side-effects", "EFFECT-1 EFFECT-2", """
        @ts.function
        def f(x):
            log("python")
            ts.print("runtime", x)
            return x
        """, Call("f", "1"), Call("f", "1"), Call("f", "2"), Call("f", "ts.constant(3)"),
        Call("f", "ts.constant(4)"), requires=("print",)),
    "EFFECT-3 py_function every execution": example("side-effects", "EFFECT-3", """
        @ts.function
        def f(x):
            return ts.py_function(effect("host"), [x], x.dtype)
        """, Call("f", T1), Call("f", T2), Call("f", T1), requires=("py_function",)),
    "EFFECT-4 program order": example("side-effects", "EFFECT-4", """
        @ts.function
        def f(x):
            ts.print("A", x)
            unused = ts.py_function(effect("B"), [x + 1], x.dtype)
            ts.print("C", x * 2)
            return x
        """, Call("f", T1), Call("f", T2), requires=("print", "py_function")),
    "EFFECT-5 pruning": example("side-effects", "EFFECT-5", """
        @ts.function
        def f(x):
            unused = ts.gather(x, [5])
            return x
        """, Call("f", "ts.constant([1])"), Call("f", "ts.constant([2])")),
    "EFFECT-7 frozen globals": example("side-effects", "EFFECT-7", """
        @ts.function
        def f(x):
            return x + G
        """, Call("f", T1), SetGlobal("G", "100.0"), Call("f", T1), Call("f", V2),
        SetEager(True), Call("f", T1), G=1.0),
    # errors
    "ERROR-2 runtime errors are not sticky": example("errors", "ERROR-2", """
        @ts.function
        def f(x, i):
            return ts.gather(x, i)
        """, Call("f", f"{V2}, ts.constant([5])"), Call("f", f"{V2}, ts.constant([1])")),
    "ERROR-3 symbolic bool": example("errors", "ERROR-3", """
        @ts.function(autograph=False)
        def f(x):
            log("trace")
            if x > 0:
                return x
            return -x
        """, Call("f", T1), Call("f", "ts.constant(-1.0)"), SetEager(True), Call("f", T1)),
    "TENSOR-4 numpy in a trace": example("errors", "TENSOR-4 EAGER-7", """
        @ts.function
        def f(x):
            log("trace")
            return x.numpy()
        """, Call("f", T1), Call("f", T1), SetEager(True), Call("f", T1), requires=("numpy",)),
    # returns and nesting
    "RETURN-1 Python values": example("returns-and-nesting", "RETURN-1 RETURN-2", """
        @ts.function
        def f(x):
            return {"a": x, "b": [1, 2.5, True, "s", None], "c": (x,)}
        """, Call("f", T1), SetEager(True), Call("f", T1)),
    "RETURN-3 leaked tensors": example("returns-and-nesting", "RETURN-3", """
        @ts.function
        def leaky(x):
            y = x + 1
            LEAKED.append(y)
            return y
        @ts.function
        def user(x):
            return x + LEAKED[0]
        """, Call("leaky", T1), Call("LEAKED[0].numpy"), Call("user", T1), requires=("numpy",)),
    "NEST-2 inner keeps its cache": example("returns-and-nesting", "NEST-1 NEST-2", """
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
    "NEST-3 recursion on Python values": example("returns-and-nesting", "NEST-3", """
        @ts.function
        def rec(x, n):
            log("trace")
            if n == 0:
                return x
            return rec(x + 1, n - 1)
        """, Call("rec", f"{T1}, 3"), Call("rec", f"{T1}, 3"), Call("rec", f"{T1}, 1")),
}
