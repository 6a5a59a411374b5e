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


Expr = Name | Literal | Op | BinOp | Numpy | CallFunction | Subscript | Structure

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


Stmt = Assign | Log | Print | PyFunction | For | If | Raise | Leak | Return


@dataclass(frozen=True)
class FunctionDef:
    name: str
    params: tuple[str, ...]
    body: tuple[Stmt, ...]
    defaults: tuple[tuple[str, Any], ...] = ()
    input_signature: tuple[tuple[tuple[int | None, ...] | None, str], ...] | None = None
    reduce_retracing: bool = False
    autograph: bool = True


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
    if isinstance(e, Structure):
        if e.kind == "dict":
            return "{" + ", ".join(f"{k!r}: {expression(v)}" for k, v in e.items) + "}"
        inner = ", ".join(expression(v) for v in e.items)
        if e.kind == "tuple":
            return f"({inner}{',' if len(e.items) == 1 else ''})"
        return f"[{inner}]"
    if hasattr(e, "source"):  # a node that prints itself (appended below)
        return e.source()
    raise AssertionError(f"unknown expression {e!r}")


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
        elif isinstance(s, Return):
            value = "" if s.value is None else " " + expression(s.value)
            lines.append(f"{indent}return{value}")
        elif hasattr(s, "lines"):  # a statement that prints itself (appended below)
            lines += s.lines(indent)
        else:
            raise AssertionError(f"unknown statement {s!r}")
    return lines


def function(f: FunctionDef) -> str:
    """Python source for one ``@ts.function``."""
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
    decorator = "@ts.function" + (f"({', '.join(options)})" if options else "")
    defaults = dict(f.defaults)
    params = ", ".join(p + (f"={defaults[p]!r}" if p in defaults else "") for p in f.params)
    body = statements(f.body, "    ") or ["    pass"]
    return "\n".join([decorator, f"def {f.name}({params}):", *body])


def program(functions: tuple[FunctionDef, ...]) -> str:
    """Python source for a whole program (helpers first, then the functions that call them)."""
    return "\n\n\n".join(function(f) for f in functions) + "\n"


# -- nodes that print themselves: variables and gradients (chapters 10 and 11) -------------


@dataclass(frozen=True)
class Method:
    """``value.name(*args, **kwargs)``: ``v.assign(x)``, ``tape.gradient(y, x)``, ``H.append(v)``."""

    value: Expr
    name: str
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def source(self) -> str:
        args = [expression(a) for a in self.args] + [f"{k}={_keyword(v)}" for k, v in self.kwargs]
        return f"{expression(self.value)}.{self.name}({', '.join(args)})"


@dataclass(frozen=True)
class Attribute:
    """``value.name``: ``model.trainable_variables``."""

    value: Expr
    name: str

    def source(self) -> str:
        return f"{expression(self.value)}.{self.name}"


@dataclass(frozen=True)
class Not:
    value: Expr

    def source(self) -> str:
        return f"(not {expression(self.value)})"


@dataclass(frozen=True)
class Do:
    """An expression on its own line, for its effect: ``v.assign_add(x)``."""

    value: Expr

    def lines(self, indent: str) -> list[str]:
        return [f"{indent}{expression(self.value)}"]


@dataclass(frozen=True)
class With:
    """``with <context> as <target>:`` (a ``ts.GradientTape``)."""

    context: Expr
    target: str
    body: tuple[Stmt, ...]

    def lines(self, indent: str) -> list[str]:
        body = statements(self.body, indent + "    ") or [f"{indent}    pass"]
        return [f"{indent}with {expression(self.context)} as {self.target}:", *body]


@dataclass(frozen=True)
class Plain:
    """An undecorated Python function (a driver that calls the program's functions)."""

    name: str
    params: tuple[str, ...]
    body: tuple[Stmt, ...]

    def text(self) -> str:
        body = statements(self.body, "    ") or ["    pass"]
        return "\n".join([f"def {self.name}({', '.join(self.params)}):", *body])
