"""Programs as a small AST, and the one code generator that prints them as Python over ``ts``.

Every backend runs the same printed source; failure reports show it as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# -- expressions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    id: str


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Op:
    """``ts.<fn>(*args, **kwargs)``; keyword values are Python literals."""

    fn: str
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Numpy:
    """``value.numpy()``."""

    value: Expr


@dataclass(frozen=True)
class CallFunction:
    """A call of another function of the program (a nested ``ts.function``)."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Subscript:
    value: Expr
    index: str  # source text of the index, e.g. "0" or "::-1"


@dataclass(frozen=True)
class Structure:
    """A list, tuple or dict (items are ``(key, expr)`` pairs for a dict)."""

    kind: str
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Attribute:
    """``value.name``: ``x.shape``, ``x.dtype``, ``pair.a``."""

    value: Expr
    name: str


@dataclass(frozen=True)
class Method:
    """``value.name(*args, **kwargs)``: ``x.ref()``, ``f.get_concrete_function(spec)``."""

    value: Expr
    name: str
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True)
class PyCall:
    """``fn(*args, **kwargs)`` for a Python callable named by source text (``len``, ``repr``, ``Pair``)."""

    fn: str
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True)
class UnaryOp:
    """``-x``, ``~x`` or ``not x``."""

    op: str
    operand: Expr


Expr = (Name | Literal | Op | BinOp | Numpy | CallFunction | Subscript | Structure
        | Attribute | Method | PyCall | UnaryOp)

# -- statements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Assign:
    target: str
    value: Expr


@dataclass(frozen=True)
class Log:
    """A Python side effect."""

    label: str


@dataclass(frozen=True)
class Print:
    """``ts.print(label, value)``: a runtime effect."""

    label: str
    value: Expr


@dataclass(frozen=True)
class PyFunction:
    """``target = ts.py_function(effect(label), [value], value.dtype)``: a runtime effect."""

    target: str
    label: str
    value: Expr


@dataclass(frozen=True)
class For:
    """``for <var> in range(count):`` over a Python range (unrolled when traced)."""

    var: str
    count: int
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class If:
    condition: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()


@dataclass(frozen=True)
class Raise:
    exception: str
    message: str


@dataclass(frozen=True)
class Leak:
    """``LEAKED.append(value)``: a tensor escapes through Python state."""

    value: Expr


@dataclass(frozen=True)
class Return:
    value: Expr | None


@dataclass(frozen=True)
class Evaluate:
    """An expression evaluated for its effect: ``ts.print(...)``, ``items.append(1)``."""

    value: Expr


@dataclass(frozen=True)
class LogValue:
    """``log(<value>)``: a Python side effect whose label is computed (``str(x.shape)``)."""

    value: Expr


@dataclass(frozen=True)
class Try:
    """``try: <body> except <exception>: <handler>``."""

    body: tuple[Stmt, ...]
    exception: str
    handler: tuple[Stmt, ...]


@dataclass(frozen=True)
class Global:
    """``global <names>``."""

    names: tuple[str, ...]


Stmt = (Assign | Log | Print | PyFunction | For | If | Raise | Leak | Return
        | Evaluate | LogValue | Try | Global)


@dataclass(frozen=True)
class FunctionDef:
    name: str
    params: tuple[str, ...]
    body: tuple[Stmt, ...]
    defaults: tuple[tuple[str, Any], ...] = ()
    input_signature: tuple[tuple[tuple[int | None, ...] | None, str], ...] | None = None
    reduce_retracing: bool = False
    autograph: bool = True
    traced: bool = True  # decorated with ``ts.function``; a plain ``def`` otherwise


@dataclass(frozen=True)
class ClassDef:
    """A class whose methods are ``FunctionDef``s (``self`` first): ``ts.function`` methods."""

    name: str
    methods: tuple[FunctionDef, ...]


# A program: functions, classes and module-level statements (instances, globals), in order.
Definition = FunctionDef | ClassDef | Stmt


# -- printing ------------------------------------------------------------------------------


def expression(e: Expr) -> str:
    """Python source for an expression."""
    if isinstance(e, Name):
        return e.id
    if isinstance(e, Literal):
        return repr(e.value)
    if isinstance(e, Op):
        args = [expression(a) for a in e.args] + [f"{k}={_keyword(v)}" for k, v in e.kwargs]
        return f"ts.{e.fn}({', '.join(args)})"
    if isinstance(e, BinOp):
        return f"({expression(e.left)} {e.op} {expression(e.right)})"
    if isinstance(e, Numpy):
        return f"{expression(e.value)}.numpy()"
    if isinstance(e, CallFunction):
        return f"{e.name}({', '.join(expression(a) for a in e.args)})"
    if isinstance(e, Subscript):
        return f"{expression(e.value)}[{e.index}]"
    if isinstance(e, Attribute):
        return f"{expression(e.value)}.{e.name}"
    if isinstance(e, Method):
        return f"{expression(e.value)}.{e.name}({_arguments(e.args, e.kwargs)})"
    if isinstance(e, PyCall):
        return f"{e.fn}({_arguments(e.args, e.kwargs)})"
    if isinstance(e, UnaryOp):
        return f"({e.op}{' ' if e.op == 'not' else ''}{expression(e.operand)})"
    if isinstance(e, Structure):
        if e.kind == "dict":
            return "{" + ", ".join(f"{k!r}: {expression(v)}" for k, v in e.items) + "}"
        inner = ", ".join(expression(v) for v in e.items)
        if e.kind == "tuple":
            return f"({inner}{',' if len(e.items) == 1 else ''})"
        return f"[{inner}]"
    if isinstance(e, CONTROL_FLOW_EXPRESSIONS):
        return control_flow_expression(e)
    raise AssertionError(f"unknown expression {e!r}")


def _arguments(args: tuple[Expr, ...], kwargs: tuple[tuple[str, Expr], ...]) -> str:
    return ", ".join([*(expression(a) for a in args), *(f"{k}={expression(v)}" for k, v in kwargs)])


def _keyword(value: Any) -> str:
    return value if isinstance(value, str) and value.startswith("ts.") else repr(value)


def statements(body: tuple[Stmt, ...], indent: str) -> list[str]:
    """Python source lines for a block of statements."""
    lines: list[str] = []
    for s in body:
        if isinstance(s, Assign):
            lines.append(f"{indent}{s.target} = {expression(s.value)}")
        elif isinstance(s, Log):
            lines.append(f"{indent}log({s.label!r})")
        elif isinstance(s, Print):
            lines.append(f"{indent}ts.print({s.label!r}, {expression(s.value)})")
        elif isinstance(s, PyFunction):
            value = expression(s.value)
            lines.append(
                f"{indent}{s.target} = ts.py_function(effect({s.label!r}), [{value}], {value}.dtype)"
            )
        elif isinstance(s, For):
            lines.append(f"{indent}for {s.var} in range({s.count}):")
            lines += statements(s.body, indent + "    ") or [f"{indent}    pass"]
        elif isinstance(s, If):
            lines.append(f"{indent}if {expression(s.condition)}:")
            lines += statements(s.body, indent + "    ") or [f"{indent}    pass"]
            if s.orelse:
                lines.append(f"{indent}else:")
                lines += statements(s.orelse, indent + "    ")
        elif isinstance(s, Raise):
            lines.append(f"{indent}raise {s.exception}({s.message!r})")
        elif isinstance(s, Leak):
            lines.append(f"{indent}LEAKED.append({expression(s.value)})")
        elif isinstance(s, Evaluate):
            lines.append(f"{indent}{expression(s.value)}")
        elif isinstance(s, LogValue):
            lines.append(f"{indent}log({expression(s.value)})")
        elif isinstance(s, Try):
            lines.append(f"{indent}try:")
            lines += statements(s.body, indent + "    ") or [f"{indent}    pass"]
            lines.append(f"{indent}except {s.exception}:")
            lines += statements(s.handler, indent + "    ") or [f"{indent}    pass"]
        elif isinstance(s, Global):
            lines.append(f"{indent}global {', '.join(s.names)}")
        elif isinstance(s, Return):
            value = "" if s.value is None else " " + expression(s.value)
            lines.append(f"{indent}return{value}")
        elif isinstance(s, CONTROL_FLOW_STATEMENTS):
            lines += control_flow_statement(s, indent)
        elif hasattr(s, "lines"):  # a statement that prints itself (appended below)
            lines += s.lines(indent)
        else:
            raise AssertionError(f"unknown statement {s!r}")
    return lines


def function(f: FunctionDef, indent: str = "") -> str:
    """Python source for one ``@ts.function`` (a plain ``def`` if not ``traced``)."""
    options = []
    if f.input_signature is not None:
        specs = ", ".join(
            f"ts.TensorSpec({None if shape is None else list(shape)}, ts.{dtype})"
            for shape, dtype in f.input_signature
        )
        options.append(f"input_signature=[{specs}]")
    if f.reduce_retracing:
        options.append("reduce_retracing=True")
    if not f.autograph:
        options.append("autograph=False")
    decorator = ["@ts.function" + (f"({', '.join(options)})" if options else "")] if f.traced else []
    defaults = dict(f.defaults)
    params = ", ".join(p + (f"={_keyword(defaults[p])}" if p in defaults else "") for p in f.params)
    body = statements(f.body, indent + "    ") or [f"{indent}    pass"]
    return "\n".join([*(indent + d for d in decorator), f"{indent}def {f.name}({params}):", *body])


def class_(k: ClassDef) -> str:
    """Python source for a class and its methods."""
    methods = "\n\n".join(function(m, "    ") for m in k.methods) or "    pass"
    return f"class {k.name}:\n{methods}"


def program(definitions: tuple[Definition, ...]) -> str:
    """Python source for a whole program, definitions in order (helpers before their callers).

    Consecutive module-level statements stay together; functions and classes stand apart.
    """
    blocks: list[str] = []
    for d in definitions:
        if isinstance(d, FunctionDef):
            blocks.append(function(d))
        elif isinstance(d, ClassDef):
            blocks.append(class_(d))
        elif blocks and not blocks[-1].startswith(("@", "def ", "class ")):
            blocks[-1] += "\n" + "\n".join(statements((d,), ""))
        else:
            blocks.append("\n".join(statements((d,), "")))
    return "\n\n\n".join(blocks) + "\n"


# -- nodes that print themselves: gradient tapes (chapter 11) ----------------------------


@dataclass(frozen=True)
class With:
    """``with <context> as <target>:`` (a ``ts.GradientTape``)."""

    context: Expr
    target: str
    body: tuple[Stmt, ...]

    def lines(self, indent: str) -> list[str]:
        body = statements(self.body, indent + "    ") or [f"{indent}    pass"]
        return [f"{indent}with {expression(self.context)} as {self.target}:", *body]


# -- control flow, AutoGraph and data pipelines (chapters 7-9) -------------------------------------


@dataclass(frozen=True)
class Not:
    """``(not value)``."""

    value: Expr


@dataclass(frozen=True)
class BoolOp:
    """``(a and b)`` / ``(a or b)``."""

    op: str
    values: tuple[Expr, ...]


@dataclass(frozen=True)
class IfExp:
    """``(body if test else orelse)``."""

    test: Expr
    body: Expr
    orelse: Expr


@dataclass(frozen=True)
class Lambda:
    """``(lambda params: body)``."""

    params: tuple[str, ...]
    body: Expr


@dataclass(frozen=True)
class MethodCall:
    """``value.method(args)`` (``ta.write(i, v)``, ``ds.map(f)``, ``xs.append(v)``)."""

    value: Expr
    method: str
    args: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class Raw:
    """Source text used as it is (a structure of names and ops the other nodes cannot spell)."""

    text: str


@dataclass(frozen=True)
class While:
    condition: Expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class ForIn:
    """``for <target> in <iterable>:`` over any expression (a tensor, ``ts.range``, a dataset...)."""

    target: str
    iterable: Expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class Break:
    pass


@dataclass(frozen=True)
class Continue:
    pass


@dataclass(frozen=True)
class ExprStmt:
    """An expression evaluated for its effects."""

    value: Expr


@dataclass(frozen=True)
class LocalDef:
    """A plain (undecorated) ``def``: a branch, a loop body, a dataset function, a helper."""

    name: str
    params: tuple[str, ...]
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class LoopOptions:
    """``ts.autograph.experimental.set_loop_options(...)``, the first statement of a loop."""

    shape_invariants: tuple[tuple[str, tuple[int | None, ...]], ...] = ()
    maximum_iterations: int | None = None


@dataclass(frozen=True)
class Lines:
    """Statements as source text (a fixed pattern), printed at the block's indentation."""

    text: str


CONTROL_FLOW_EXPRESSIONS = (Not, BoolOp, IfExp, Lambda, MethodCall, Raw)
CONTROL_FLOW_STATEMENTS = (While, ForIn, Break, Continue, ExprStmt, LocalDef, LoopOptions, Lines)


def control_flow_expression(e: Expr) -> str:
    if isinstance(e, Not):
        return f"(not {expression(e.value)})"
    if isinstance(e, BoolOp):
        return "(" + f" {e.op} ".join(expression(v) for v in e.values) + ")"
    if isinstance(e, IfExp):
        return f"({expression(e.body)} if {expression(e.test)} else {expression(e.orelse)})"
    if isinstance(e, Lambda):
        params = " " + ", ".join(e.params) if e.params else ""
        return f"(lambda{params}: {expression(e.body)})"
    if isinstance(e, MethodCall):
        return f"{expression(e.value)}.{e.method}({', '.join(expression(a) for a in e.args)})"
    assert isinstance(e, Raw)
    return e.text


def control_flow_statement(s: Stmt, indent: str) -> list[str]:
    inner = indent + "    "
    if isinstance(s, While):
        return [f"{indent}while {expression(s.condition)}:", *(statements(s.body, inner) or [f"{inner}pass"])]
    if isinstance(s, ForIn):
        return [f"{indent}for {s.target} in {expression(s.iterable)}:",
                *(statements(s.body, inner) or [f"{inner}pass"])]
    if isinstance(s, Break):
        return [f"{indent}break"]
    if isinstance(s, Continue):
        return [f"{indent}continue"]
    if isinstance(s, ExprStmt):
        return [f"{indent}{expression(s.value)}"]
    if isinstance(s, LocalDef):
        header = f"{indent}def {s.name}({', '.join(s.params)}):"
        return [header, *(statements(s.body, inner) or [f"{inner}pass"])]
    if isinstance(s, Lines):
        return [indent + line if line else "" for line in s.text.splitlines()]
    assert isinstance(s, LoopOptions)
    options = []
    if s.shape_invariants:
        pairs = ", ".join(f"({name}, ts.TensorShape({list(dims)}))" for name, dims in s.shape_invariants)
        options.append(f"shape_invariants=[{pairs}]")
    if s.maximum_iterations is not None:
        options.append(f"maximum_iterations={s.maximum_iterations}")
    return [f"{indent}ts.autograph.experimental.set_loop_options({', '.join(options)})"]
