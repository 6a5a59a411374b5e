"""Whole programs over the whole vocabulary: the generator every chapter draws from.

A ``Body`` draws the statements of one function from the values in scope. It
knows each tensor's dtype and static shape as the calls it expects will give
them, so most of what it writes is well-typed and computes, and every op's
result usually feeds the next (a chain the returned value depends on, so
graphs run the ops instead of pruning them). Now and then it writes what the
spec says must fail: mismatched dtypes, incompatible shapes, indices out of
range, integer division by zero, a symbolic tensor asked for its value.

Each statement is one entry of ``VARIANTS``, drawn uniformly (a chapter
multiplies a kind's weight), so every op of the vocabulary is about as likely
as any other: Python operators on tensors, reflected ones with Python or NumPy
values on the left, every op of ``tracespec.reference``, the Tensor API
(``numpy``, ``shape``, ``dtype``, ``ndim``, ``ref``, ``bool``, ``len``,
``iter``, ``int``, ``float``, ``index``, ``repr``, ``str``), creation ops,
conversions inside a trace, ``ts.print`` of nested structures,
``ts.py_function`` (callbacks that record, and callbacks that raise), Python
side effects with computed labels, calls of nested functions.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

from . import codegen as c
from .draws import (
    DTYPES,
    FLOATS,
    INTEGERS,
    NUMERIC,
    Shape,
    Spec,
    arguments,
    chance,
    choice,
    integer,
    literal,
    scalar_source,
    specs,
    tensor_source,
)
from .scenario import Call, SetEager, Step


@dataclass(frozen=True)
class Value:
    """A tensor in scope: how to spell it, and its expected dtype and static shape."""

    expr: c.Expr
    dtype: str
    shape: Shape
    exact: bool = True  # its float values are the same on every backend, to the last bit
    constant: bool = False  # computed from constants alone: a graph optimizer may fold it

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class Callee:
    """A function of the program a body may call: ``name(<a value of spec>)`` gives ``result``."""

    name: str
    spec: Spec
    result: Spec


def broadcast(*shapes: Shape) -> Shape | None:
    """NumPy broadcasting of static shapes; ``None`` if they do not broadcast."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def _src(value: object) -> c.Expr:
    return c.Name(literal(value))


def _dtype(name: str) -> c.Name:
    return c.Name(f"ts.{name}")


def _str(value: c.Expr) -> c.Expr:
    return c.PyCall("str", (value,))


# The forms a value can absorb (`t | c` is all True for an all-True `t`); TensorFlow's Grappler
# folds them when it can compute that value, and drops a failing op of the other operand with them.
ABSORBING = ("&", "|", "logical_and", "logical_or")
COMPARISONS = {"<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal", "==": "equal",
               "!=": "not_equal"}
# Every kind of statement and its variants; each (kind, variant) is one entry of the draw.
VARIANTS: dict[str, tuple] = {
    "operator": ("+", "-", "*", "/", "//", "%", "**"),
    "reflected": ("+", "-", "*", "/", "//", "%", "**", "@"),
    "function": ("add", "subtract", "multiply", "divide", "floordiv", "mod", "pow", "maximum", "minimum"),
    "unary": ("-", "abs()", "negative", "abs", "square", "sqrt", "exp", "log"),
    "compare": (*COMPARISONS, *COMPARISONS.values()),
    "logical": ("&", "|", "^", "~", "logical_and", "logical_or", "logical_not", "reflected"),
    "where": (None, None, "coordinates"), "cast": (None, None), "reshape": (None, None),
    "concat": (None, None),
    "stack": (None, None), "gather": (None, None), "index": (None, None, None),
    "reduce": ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min") * 2,
    "matmul": ("@", "matmul"), "identity": (None, None),
    "create": ("zeros", "ones", "fill", "range", "range", "constant", "like"), "convert": (None,),
    "tensor_api": (None,) * 4, "value_use": (None, None), "log": (None,), "print": (None, None, None),
    "py_function": (None, None), "nested": (None, None),
}
# The Python values a body reads from tensors (``tensor_api``).
TENSOR_API = ("shape", "ndim", "dtype", "DType", "repr", "str", "ref", "deref", "is_tensor", "isinstance",
              "hash", "executing", "config", "as_dtype", "errors")
KINDS: dict[str, int] = dict.fromkeys(VARIANTS, 1)  # default weights: every entry alike
# One statement per op of the vocabulary (``Body.tour``): each primitive at least once.
TOUR: tuple[tuple[str, object], ...] = (
    *(("operator", op) for op in VARIANTS["operator"]), *(("function", fn) for fn in VARIANTS["function"]),
    *(("unary", fn) for fn in ("-", "abs", "square", "sqrt", "exp", "log")),
    *(("compare", op) for op in COMPARISONS),
    *(("logical", f"{op} {kind}") for op in ("&", "|", "^", "~", "reflected&", "reflected|", "reflected^")
      for kind in ("bool", "int")),
    *(("reflected", op) for op in VARIANTS["reflected"]),
    ("logical", "logical_not"), ("where", None), ("where", "coordinates"), ("cast", None),
    ("reshape", None), ("concat", None), ("stack", None), ("gather", None), ("index", None),
    *(("reduce", fn) for fn in VARIANTS["reduce"][:4]), ("matmul", None), ("identity", None),
    ("create", "zeros"), ("create", "fill"), ("create", "range"), ("convert", None),
)


# Float ops whose last bit may differ between NumPy and another backend's kernels (Eigen, XLA):
# transcendental functions, powers, and sums in another order.
INEXACT = frozenset({"exp", "log", "pow", "reduce_sum", "reduce_mean", "matmul"})


def _exact(expr: c.Expr) -> bool:
    """Whether the op at the top of ``expr`` gives the same float bits everywhere."""
    if isinstance(expr, c.Op):
        return expr.fn not in INEXACT
    if isinstance(expr, c.BinOp):
        return expr.op not in ("**", "@")
    return not isinstance(expr, c.CallFunction)


def _castable(x: Value, target: str) -> bool:
    """Whether the generators may cast ``x`` to ``target``: not a float that another backend may
    compute a last bit apart to an integer or bool, which turns that bit into a unit
    (``ts.cast(ts.pow(x, n) - x, ts.int32)``: ``7991708`` against ``7991707``), nor to a wider
    float, whose tolerance is too fine for that bit (``1.05781054`` against ``1.05781066``; both
    found on TensorFlow)."""
    return x.exact or x.dtype not in FLOATS or target == x.dtype or target == "float32"


@functools.cache
def _table(weights: tuple[tuple[str, int], ...]) -> tuple[tuple[str, object], ...]:
    """Every ``(kind, variant)`` entry, each kind's repeated as often as its weight says."""
    return tuple((k, v) for k, w in weights for v in VARIANTS[k] for _ in range(w))


@dataclass
class Body:
    """Draws one function body; ``scope`` holds the tensors the statements may use."""

    draw: object
    scope: list[Value]
    statements: list[c.Stmt] = field(default_factory=list)
    errors: int = 1  # in how many of 16 statements an erroneous variant is drawn
    autograph: bool = True  # False once the body applies Python builtins to tensors
    guard: bool = True  # value uses (numpy, len, int...) only when ts.executing_eagerly()
    prefix: str = "v"
    callees: list[Callee] = field(default_factory=list)  # functions the body may call
    labels: int = 0
    used: set[c.Expr] = field(default_factory=set)  # values some statement already uses
    failed: bool = False  # an erroneous variant has been drawn
    known_shapes: bool = True  # static shapes are as drawn (not relaxed or partly unknown)

    # -- drawing helpers -------------------------------------------------------------
    def pick(self, options, label: str | None = None):
        return choice(self.draw, options, label)

    def chance(self, one_in: int) -> bool:
        return chance(self.draw, one_in)

    def wrong(self) -> bool:
        """Whether to draw an erroneous variant now: at most once per body, so that a graph
        never has two independent failing nodes (which one TensorFlow names is unspecified)."""
        if self.failed or self.errors <= 0 or integer(self.draw, 0, 15) >= self.errors:
            return False
        self.failed = True
        return True

    def operand(self, accept=lambda v: True) -> Value | None:
        """A value in scope, most often the newest one nothing uses yet (so results feed each
        other and graphs run them instead of pruning them)."""
        fits = [v for v in self.scope if accept(v)]
        if not fits:
            return None
        unused = [v for v in fits if v.expr not in self.used]
        chosen = unused[-1] if unused and not self.chance(4) else self.pick(fits)
        self.used.add(chosen.expr)
        return chosen

    def of(self, dtypes) -> Value:
        """A value of one of ``dtypes``: one in scope, else a cast (or comparison) of one.

        The newest value nothing uses yet is converted rather than left unused, so the chain
        of results goes on through values of other dtypes.
        """
        unused = [v for v in self.scope if v.expr not in self.used and v.dtype != "string"]
        newest = unused[-1] if unused else None
        x = None if newest is not None and newest.dtype not in dtypes and self.chance(2) else (
            self.operand(lambda v: v.dtype in dtypes))
        if x is not None:
            return x
        target = dtypes[0]
        if newest is None or not _castable(newest, target):
            newest = self.operand(lambda v: v.dtype != "string" and _castable(v, target))
        x = newest or self.scope[0]
        self.used.add(x.expr)
        if target == "bool" and x.dtype in NUMERIC:
            return self.bind(c.BinOp(">", x.expr, _src(0)), "bool", x.shape)
        return self.bind(c.Op("cast", (x.expr, _dtype(target))), target, x.shape)

    def partner(self, x: Value, same_shape: bool = False) -> Value | None:
        """Another value of ``x``'s dtype whose shape broadcasts with (or equals) ``x``'s."""
        fits = [v for v in self.scope if v.dtype == x.dtype and v is not x and (
            v.shape == x.shape if same_shape else broadcast(v.shape, x.shape) is not None)]
        return self.pick(fits) if fits else None

    def scalar(self, dtype: str, kind: str = "python") -> c.Expr:
        return c.Name(self.draw(scalar_source(dtype, kind)))

    def label(self) -> str:
        self.labels += 1
        return f"{self.prefix}{self.labels}"

    def bind(self, expr: c.Expr, dtype: str, shape: Shape | None) -> Value:
        """``vN = expr``; the new value joins the scope."""
        name = f"{self.prefix}{len(self.statements)}"
        self.statements.append(c.Assign(name, expr))
        dims = () if shape is None else tuple(max(d, 0) for d in shape)
        operands = self._operands(expr)
        exact = dtype not in FLOATS or (_exact(expr) and all(v.exact for v in operands))
        value = Value(c.Name(name), dtype, dims, exact, all(v.constant for v in operands))
        self.scope.append(value)
        return value

    def _operands(self, expr: c.Expr) -> list[Value]:
        """The values in scope whose elements ``expr`` uses (not only their static shape or dtype)."""
        names: set[str] = set()
        stack: list = [expr]
        while stack:
            e = stack.pop()
            if isinstance(e, c.Attribute) and e.name in ("shape", "dtype"):
                continue
            if isinstance(e, c.Name):
                names.add(e.id)
            elif isinstance(e, c.Subscript):  # its index is source text: `v0[v8]`
                names.update(re.findall(r"[A-Za-z_]\w*", e.index))
                stack.append(e.value)
            elif isinstance(e, tuple):
                stack.extend(e)
            elif hasattr(e, "__dataclass_fields__"):
                stack.extend(getattr(e, f) for f in e.__dataclass_fields__)
        return [v for v in self.scope if isinstance(v.expr, c.Name) and v.expr.id in names]

    def log(self, text: c.Expr) -> None:
        self.statements.append(c.LogValue(text))

    # -- the body ------------------------------------------------------------------------
    def run(self, count: int, weights: dict[str, int] | None = None) -> None:
        """Draw ``count`` statements; ``weights`` multiply the kinds' entries (default 1)."""
        table = _table(tuple({**KINDS, **(weights or {})}.items()))
        for _ in range(count):
            for _attempt in range(3):
                kind, variant = self.pick(table, "statement")
                if self.statement(kind, variant):
                    break

    def statement(self, kind: str, variant: object) -> bool:
        """Draw one statement of ``kind``; False if nothing in scope fits it."""
        return getattr(self, f"_{kind}")(variant)

    def tour(self, entries) -> None:
        """One statement for each ``(kind, variant)`` of ``entries``, in their order."""
        for kind, variant in entries:
            if not self.statement(kind, variant):
                self.statement(kind, variant)  # no fitting operand: the new values may fit

    def unused(self) -> list[Value]:
        """The values no statement uses: what a function must return for every op to run."""
        return [v for v in self.scope if v.expr not in self.used]

    # -- arithmetic ----------------------------------------------------------------------
    def _operator(self, op: str) -> bool:
        if self.wrong() and self.chance(2):  # bool or string operands: OP-4, or concatenation
            x = self.operand(lambda v: v.dtype in ("bool", "string")) or self.of(NUMERIC)
            op = "+" if x.dtype == "string" else op
        else:
            x = self.of(NUMERIC)
        right, shape = self._right_operand(x, op)
        if op in ("//", "%") and not self._exact_operands(x, right):
            op = "-"
        dtype = "float64" if op == "/" and x.dtype in INTEGERS else x.dtype
        self.bind(c.BinOp(op, x.expr, right), dtype, shape)
        return True

    def _exact_operands(self, *operands: Value | c.Expr) -> bool:
        """Whether ``//`` and ``%`` may take these operands: not a float that another backend may
        compute a last bit apart (``INEXACT``), since the step of a floor turns that bit into a
        difference as large as the divisor (``exp(12.0) % 0.875``: found on TensorFlow)."""
        values = [v for v in operands if isinstance(v, Value)]
        values += [v for e in operands if not isinstance(e, Value) for v in self._operands(e)]
        return all(v.exact for v in values)

    def _right_operand(self, x: Value, op: str) -> tuple[c.Expr, Shape | None]:
        """The right operand of ``x <op> ...``: a tensor, a Python or NumPy value, or a list."""
        kinds = ["scalar", "scalar", "tensor", "tensor", "numpy"]
        if x.rank == 1 and x.size:
            kinds.append("list")
        kind = self.pick(kinds)
        partner = self.partner(x)
        if self.wrong():  # a value of another dtype (TENSOR-2, OP-4), or None
            other = self.operand(lambda v: v.dtype != x.dtype and v.dtype != "string")
            if other is not None and kind == "tensor":
                return other.expr, broadcast(x.shape, other.shape)
            if self.chance(4):
                return c.Literal(None), x.shape
            return self.scalar("float32" if x.dtype in INTEGERS else "int32"), x.shape
        if op == "**":  # integers to negative powers fail; a Python base to a fraction is complex;
            # no 0: Grappler folds `x ** 0` to ones, dropping x's failing producer (OP-6)
            return _src(self.pick([1, 2, 3] if x.dtype in INTEGERS else [2.0, 3.0, -1.0])), x.shape
        if kind == "tensor" and partner is not None:
            return partner.expr, broadcast(x.shape, partner.shape)
        if kind == "numpy":
            return self.scalar(x.dtype, "numpy"), x.shape
        if kind == "list":
            items = ", ".join(self.draw(scalar_source(x.dtype)) for _ in range(x.shape[0]))
            return c.Name(f"[{items}]"), x.shape
        if op in ("//", "%") and x.dtype in INTEGERS:
            return _src(self.pick([2, 3, -3, 7])), x.shape
        return self.scalar(x.dtype), x.shape

    def _reflected(self, op: str) -> bool:
        """``2 * x``, ``np.float32(1.5) - x``, ``np.full(...) + x``: a non-tensor on the left."""
        x = self.of(NUMERIC)
        if op == "@":
            x = self.matrix()
            left = c.Name(f"np.ones([2, {x.shape[0]}], dtype=np.{x.dtype})")
            self.bind(c.BinOp("@", left, x.expr), x.dtype, (2, x.shape[1]))
            return True
        if op == "**" and x.dtype in INTEGERS:
            op = "*"  # an integer tensor may hold negative exponents
        if op == "**":  # a positive base: with a Python exponent a negative one gives a complex
            self.bind(c.BinOp(op, _src(self.pick([2.0, 0.5, 3.0])), x.expr), x.dtype, x.shape)
            return True
        dtype = "float64" if op == "/" and x.dtype in INTEGERS else x.dtype
        kind = self.pick(["python", "python", "numpy", "array"])
        if self.wrong():
            left = self.scalar("float32" if x.dtype in INTEGERS else "bool")  # TENSOR-2: TypeError
        elif kind == "array":
            dims = list(x.shape[-1:])
            left = c.Name(f"np.full({dims}, {self.draw(scalar_source(x.dtype))}, dtype=np.{x.dtype})")
        else:
            left = self.scalar(x.dtype, kind)
        if isinstance(left, c.Name) and left.id.startswith("-"):
            left = c.Name(f"({left.id})")  # -2 ** x would be -(2 ** x)
        if op in ("//", "%") and not self._exact_operands(x):
            op = "-"
        self.bind(c.BinOp(op, left, x.expr), dtype, x.shape)
        return True

    def _function(self, fn: str) -> bool:
        """``ts.add(x, y)`` and friends, with Python or NumPy values in either position."""
        x = self.of(NUMERIC)
        partner = self.partner(x)
        if fn == "pow" and not (partner is not None and not partner.constant and self.chance(2)):
            # a literal exponent, never 0, as for `**`; a computed tensor one cannot be folded
            other = _src(self.pick([1, 2] if x.dtype in INTEGERS else [2.0, 3.0, -1.0, 0.5]))
            shape = x.shape
        elif partner is not None and self.chance(2):
            other, shape = partner.expr, broadcast(x.shape, partner.shape)
        elif fn in ("floordiv", "mod") and x.dtype in INTEGERS and not self.wrong():
            other, shape = _src(self.pick([2, 3, -3])), x.shape
        else:
            other, shape = self.scalar(x.dtype, self.pick(["python", "numpy"])), x.shape
        args = (other, x.expr) if fn != "pow" and self.chance(5) else (x.expr, other)
        if fn in ("floordiv", "mod") and not self._exact_operands(x, other):
            fn = "subtract"
        dtype = "float64" if fn == "divide" and x.dtype in INTEGERS else x.dtype
        self.bind(c.Op(fn, args), dtype, shape)
        return True

    def _unary(self, fn: str) -> bool:
        if fn in ("sqrt", "exp", "log"):
            x = self.of(NUMERIC if self.wrong() else FLOATS)  # OP-4: sqrt of an integer
            expr: c.Expr = c.Op(fn, (x.expr,))
        else:
            x = self.of(NUMERIC)
            python = {"-": c.UnaryOp("-", x.expr), "abs()": c.PyCall("abs", (x.expr,))}
            expr = python.get(fn) or c.Op(fn, (x.expr,))
        self.bind(expr, x.dtype, x.shape)
        return True

    def _compare(self, op: str) -> bool:
        equality = op in ("==", "!=", "equal", "not_equal")
        x = self.operand(lambda v: v.dtype != "string" or equality) if equality else self.of(NUMERIC)
        if x is None:
            return False
        partner = self.partner(x)
        if x.dtype == "string":
            other: c.Expr = c.Name(repr(self.pick(["a", "bc", ""])))
            shape = x.shape
        elif partner is not None and self.chance(2):
            other, shape = partner.expr, broadcast(x.shape, partner.shape)
        elif op in ("==", "!=") and self.chance(5):  # incompatible shapes compare unequal
            other = c.Op("zeros", (_src([7]),), (("dtype", f"ts.{x.dtype}"),))
            shape = broadcast(x.shape, (7,)) or ()
        elif op in ("==", "!=") and self.chance(5):  # None is simply unequal: a Python bool
            self.log(_str(c.BinOp(op, x.expr, c.Literal(None))))
            return True
        else:
            other, shape = self.scalar(x.dtype if x.dtype != "bool" else "bool"), x.shape
        expr = c.BinOp(op, x.expr, other) if op in COMPARISONS else c.Op(op, (x.expr, other))
        self.bind(expr, "bool", shape)
        return True

    def _logical(self, form: str) -> bool:
        """``&``, ``|``, ``^``, ``~``: logical on bools, bitwise on integers; the ``logical_*`` ops
        (bools only: on integers, OP-4). ``form`` may name the operand kind: ``"& int"``."""
        form, _, kind = form.partition(" ")
        operators = form in ("&", "|", "^", "~") or form.startswith("reflected")
        if kind == "int" or (operators and not kind and self.chance(2)) or (not operators and self.wrong()):
            x = self.of(INTEGERS)
        else:
            x = self.of(("bool",))
        partner = self.partner(x)
        if partner is not None and partner.constant != x.constant and form in ABSORBING:
            partner = None  # Grappler folds `c | t` for a foldable all-True t, dropping c's error
        other = partner.expr if partner is not None else (  # a tensor: TF's autograph refuses
            c.UnaryOp("~", x.expr) if form != "~" else x.expr)  # `x | <Python value>` in a trace
        shape = broadcast(x.shape, partner.shape) if partner is not None else x.shape
        if form in ("&", "|", "^"):
            expr: c.Expr = c.BinOp(form, x.expr, other)
        elif form == "~":
            expr, shape = c.UnaryOp("~", x.expr), x.shape
        elif form == "logical_not":
            expr, shape = c.Op("logical_not", (x.expr,)), x.shape
        elif form.startswith("reflected"):  # ``True & x``, ``3 ^ x``: the Python value on the left
            op = form.removeprefix("reflected") or self.pick(["&", "|", "^"])
            lefts = [True, False] if x.dtype == "bool" else [3, 0]
            # Not ``True | c`` or ``False & c``: Grappler folds them, dropping a failing op of c's
            lefts = [v for v in lefts if (op, v) not in (("|", True), ("&", False))]
            left = _src(self.pick(lefts))
            expr, shape = c.BinOp(op, left, x.expr), x.shape
        else:
            expr = c.Op(form, (x.expr, other))
        self.bind(expr, x.dtype, shape)
        return True

    def _where(self, form: str | None = None) -> bool:
        if form == "coordinates":  # ts.where(condition): where the trues are
            condition = self.of(("bool",))
            expr, rank = condition.expr, condition.rank
            if rank == 0:  # a scalar fails (OP-6), unless Grappler folds the empty sum below away
                expr, rank = c.Op("reshape", (expr, _src([-1]))), 1
            coordinates = c.Op("where", (expr,))
            self.bind(c.Op("reduce_sum", (coordinates,), (("axis", 0),)), "int64", (rank,))
            return True
        x = self.operand(lambda v: v.dtype != "string") or self.of(NUMERIC)
        conditions = [v for v in self.scope if v.dtype == "bool" and broadcast(v.shape, x.shape)]
        if conditions and self.chance(2):
            condition = self.pick(conditions)
            cond_expr, cond_shape = condition.expr, condition.shape
        elif x.dtype == "bool":
            cond_expr, cond_shape = x.expr, x.shape
        else:
            cond_expr, cond_shape = c.BinOp(">", x.expr, self.scalar(x.dtype)), x.shape
        partner = self.partner(x)
        if partner is not None and self.chance(2):
            other, other_shape = partner.expr, partner.shape
        elif self.chance(3) and x.dtype != "bool":  # a Python value in a branch
            other, other_shape = self.scalar(x.dtype), ()
        else:
            other = c.UnaryOp("~" if x.dtype == "bool" else "-", x.expr)
            other_shape = x.shape
        shape = broadcast(cond_shape, x.shape, other_shape)
        if shape is None:
            cond_expr, other, shape = c.BinOp("!=", x.expr, x.expr), x.expr, x.shape
        args = (cond_expr, other, x.expr) if self.chance(3) else (cond_expr, x.expr, other)
        self.bind(c.Op("where", args), x.dtype, shape)
        return True

    def _cast(self, _=None) -> bool:
        x = self.operand()
        if x is None:
            return False
        targets = [d for d in DTYPES if _castable(x, d)]
        targets += ["string"] if x.dtype == "string" or self.wrong() else []
        target = self.pick(targets)  # a cast to or from string fails only when it runs
        self.bind(c.Op("cast", (x.expr, _dtype(target))), target, x.shape)
        return True

    # -- shapes ------------------------------------------------------------------------------
    def _reshape(self, _=None) -> bool:
        x = self.operand()
        if x is None:
            return False
        n = x.size
        shapes = [[-1], [1, -1], [-1, 1]]  # any size fits: relaxed or partly known shapes vary
        if self.known_shapes:  # (TF's Grappler folds a size-changing reshape of those away)
            shapes += [[n], *([a, n // a] for a in (2, 3) if n and n % a == 0)]
        if self.known_shapes and self.wrong():  # must fail (Grappler folds some of these in TF)
            shapes = [[n + 1], [3, -1] if n % 3 else [n + 1]]
        same = [v for v in self.scope if v.size == n and v is not x and v.shape != x.shape]
        if same and self.chance(4):  # a TensorShape as the shape argument
            other = self.pick(same)
            self.bind(c.Op("reshape", (x.expr, c.Attribute(other.expr, "shape"))), x.dtype, other.shape)
            return True
        target = self.pick(shapes)
        try:
            shape = np.empty(x.shape).reshape(target).shape
        except ValueError:
            shape = tuple(target)
        self.bind(c.Op("reshape", (x.expr, _src(target))), x.dtype, shape)
        return True

    def _concat(self, _=None) -> bool:
        x = self.operand(lambda v: v.rank >= 1)
        if x is None:
            return False
        partner = self.partner(x, same_shape=True)
        items: tuple[c.Expr, ...] = (x.expr, partner.expr if partner is not None else x.expr)
        if self.chance(8) and x.rank == 1 and x.dtype in NUMERIC:  # a Python list among tensors
            items = (c.Name(literal([0 if x.dtype in INTEGERS else 0.5] * x.shape[0])), x.expr)
        axis = x.rank + 1 if self.wrong() else self.pick(range(-x.rank, x.rank))
        shape = list(x.shape)
        if -x.rank <= axis < x.rank:
            shape[axis] *= 2
        self.bind(c.Op("concat", (c.Structure("list", items), _src(axis))), x.dtype, tuple(shape))
        return True

    def _stack(self, _=None) -> bool:
        x = self.operand()
        if x is None:
            return False
        partner = self.partner(x, same_shape=True)
        items = (x.expr, partner.expr if partner is not None else x.expr)
        axis = self.pick(range(-x.rank - 1, x.rank + 1))
        shape = list(x.shape)
        shape.insert(axis if axis >= 0 else len(shape) + axis + 1, 2)
        kwargs = (("axis", axis),) if axis or self.chance(2) else ()
        self.bind(c.Op("stack", (c.Structure("list", items),), kwargs), x.dtype, tuple(shape))
        return True

    def _gather(self, _=None) -> bool:
        x = self.operand(lambda v: v.rank >= 1)
        if x is None:
            return False
        axis = self.pick([0, 0, 1] if x.rank == 2 else [0])
        dim = x.shape[axis]
        indices = [self.pick(range(dim)) for _ in range(self.pick([1, 2, 3]))] if dim else []
        if self.wrong() or not dim:
            indices = [dim + self.pick([0, 3])]  # out of range: InvalidArgumentError when it runs
        index: c.Expr = _src(indices)
        index_tensors = [v for v in self.scope if v.dtype in INTEGERS and v.rank <= 1]
        if index_tensors and self.chance(6):  # data-dependent indices, maybe out of range
            index = self.pick(index_tensors).expr
        shape = list(x.shape)
        shape[axis] = len(indices)
        self.bind(c.Op("gather", (x.expr, index), (("axis", axis),) if axis else ()), x.dtype, tuple(shape))
        return True

    def _index(self, _=None) -> bool:
        x = self.operand(lambda v: v.rank >= 1 or self.chance(4))
        if x is None:
            return False
        options = ["0", "-1", "1:", ":-1", "::-1", "::-2", "::2", "...", "None", "..., None"]
        if x.rank == 2:
            options += [":, 0", "0, 1", "-1, ::-1", ":, ::-1", "1:, :1"]
        if self.wrong():
            options = [str(max(x.shape, default=0) + 2), "0, 0, 0"]
        index = self.pick(options)
        tensor_indices = [v for v in self.scope if v.dtype in INTEGERS and v.rank == 0]
        if tensor_indices and x.rank and self.chance(8):  # a tensor-valued index
            index = c.expression(self.pick(tensor_indices).expr)
            shape: Shape = x.shape[1:]
        else:
            try:
                shape = np.empty(x.shape)[eval(f"np.s_[{index}]", {"np": np})].shape
            except IndexError:
                shape = ()
        self.bind(c.Subscript(x.expr, index), x.dtype, shape)
        return True

    def _reduce(self, fn: str) -> bool:
        x = self.of(("bool",)) if self.wrong() else self.of(NUMERIC)  # OP-4: no reductions of bool
        axes: list = [None, None, *range(-x.rank, x.rank)] + ([[0, 1]] if x.rank == 2 else [])
        if self.wrong():
            axes = [x.rank + 1]
        axis = self.pick(axes)
        keepdims = self.chance(4)
        kwargs = ((("axis", axis),) if axis is not None else ()) + ((("keepdims", True),) if keepdims else ())
        try:
            shape = np.sum(np.empty(x.shape), axis=None if axis is None else tuple(np.atleast_1d(axis)),
                           keepdims=keepdims).shape
        except (ValueError, np.exceptions.AxisError):
            shape = ()
        self.bind(c.Op(fn, (x.expr,), kwargs), x.dtype, shape)
        return True

    def matrix(self) -> Value:
        """A numeric rank-2 value: one in scope, else a reshape of one."""
        x = self.operand(lambda v: v.rank == 2 and v.dtype in NUMERIC)
        if x is None:
            x = self.of(FLOATS)
            x = self.bind(c.Op("reshape", (x.expr, _src([1, -1]))), x.dtype, (1, x.size))
        return x

    def _matmul(self, form: str) -> bool:
        x = self.matrix()
        rows, inner = x.shape
        partners = [v for v in self.scope if v.dtype == x.dtype and v.rank == 2 and v.shape[0] == inner]
        if partners and self.chance(2):
            other = self.pick(partners)
            right, columns = other.expr, other.shape[1]
        elif self.chance(2):
            right, columns = c.Op("reshape", (x.expr, _src([inner, rows]))), rows
        else:
            columns = self.pick([1, 2])
            right = c.Op("ones", (_src([inner, columns]), _dtype(x.dtype)))
        if self.wrong():
            right, columns = x.expr, inner  # inner dimensions differ unless square
        form = form or self.pick(["@", "matmul"])
        expr = c.BinOp("@", x.expr, right) if form == "@" else c.Op("matmul", (x.expr, right))
        self.bind(expr, x.dtype, (rows, columns))
        return True

    def _identity(self, _=None) -> bool:
        x = self.operand()
        if x is None:
            return False
        self.bind(c.Op("identity", (x.expr,)), x.dtype, x.shape)
        return True

    # -- tensors from nothing ----------------------------------------------------------------
    def _create(self, kind: str) -> bool:
        dtype = self.pick(NUMERIC)
        shape = self.pick([(2,), (3,), (2, 2), ()])
        dims = _src(list(shape))
        if kind == "like":  # zeros/ones shaped like a value in scope, from its TensorShape and dtype
            x = self.operand(lambda v: v.dtype != "string")
            if x is None:
                return False
            like = (c.Attribute(x.expr, "shape"), c.Attribute(x.expr, "dtype"))
            expr = c.Op(self.pick(["zeros", "ones"]), like)
            self.bind(expr, x.dtype, x.shape)
        elif kind in ("zeros", "ones"):
            if self.chance(6):
                dtype = "bool"  # ts.ones(..., ts.bool)
            args = (dims,) if dtype == "float32" and self.chance(2) else (dims, _dtype(dtype))
            self.bind(c.Op(kind, args), dtype, shape)
        elif kind == "fill":
            filled = {"int64": "int32", "float64": "float32"}.get(dtype, dtype)  # Python values
            self.bind(c.Op("fill", (dims, self.scalar(dtype))), filled, shape)
        elif kind == "range":
            start, limit, delta = self.pick([(0, 3, 1), (1, 10, 3), (5, 0, -2), (0, 1, 1), (2, 2, 1)])
            if self.wrong():
                start, limit, delta = self.pick([(5, 0, 1), (0, 5, 0), (0, 10, -1)])  # invalid ranges
            args = (_src(limit),) if start == 0 and delta == 1 else (_src(start), _src(limit), _src(delta))
            length = max(0, math.ceil((limit - start) / delta)) if delta else 0
            self.bind(c.Op("range", args), "int32", (length,))
        else:
            value = self.pick([1.5, 2, True, [1.0, 2.0], [[1, 2], [3, 4]], "s", -7] + (
                [2**31, 2**40] if self.wrong() else []))
            kwargs = (("dtype", f"ts.{dtype}"),) if self.chance(3) and not isinstance(value, str) else ()
            array = np.array(value)
            inferred = {"f": "float32", "b": "bool", "U": "string"}.get(array.dtype.kind)
            if inferred is None:
                inferred = "int32" if abs(int(array.max())) < 2**31 else "int64"
            source = repr(value) if isinstance(value, str) else literal(value)
            self.bind(c.Op("constant", (c.Name(source),), kwargs), dtype if kwargs else inferred, array.shape)
        return True

    def _convert(self, _=None) -> bool:
        """``ts.convert_to_tensor`` of Python and NumPy values (inside a trace too)."""
        source = self.pick(["1.0", "[1, 2]", "np.array([0.5, 1.5])", "[[True], [False]]", "np.int64(3)"])
        value = eval(source, {"np": np})
        if isinstance(value, (np.ndarray, np.generic)):
            dtype = np.asarray(value).dtype.name
        else:
            dtype = {"f": "float32", "b": "bool", "i": "int32"}[np.asarray(value).dtype.kind]
        x = self.bind(c.Op("convert_to_tensor", (c.Name(source),)), dtype, np.shape(value))
        if self.chance(3):  # is it symbolic inside a trace?
            self.log(c.PyCall("spelled", (c.PyCall("repr", (x.expr,)),)))
        return True

    # -- the Tensor API and Python values --------------------------------------------------
    def _tensor_api(self, kind: str) -> bool:
        """Python values read from tensors: shape, dtype, ndim, ref, repr and str, type tests."""
        kind = kind or self.pick(TENSOR_API)
        x = self.operand(lambda v: v.exact) if kind in ("repr", "str") else self.operand()
        if x is None:
            return False
        if kind == "shape":
            shape = c.Attribute(x.expr, "shape")
            self.log(self.pick([_str(shape), _str(c.PyCall("len", (shape,))),
                                _str(c.BinOp("==", shape, _src(list(x.shape)))),
                                _str(c.Subscript(shape, "0")) if x.rank else _str(shape)]))
        elif kind == "ndim":
            self.log(_str(c.Attribute(x.expr, "ndim")))
        elif kind == "dtype":
            dtype = c.Attribute(x.expr, "dtype")
            self.log(self.pick([_str(c.BinOp("==", dtype, _dtype(self.pick((*DTYPES, "string"))))),
                                _str(c.Attribute(dtype, "name")),
                                _str(c.BinOp("==", dtype, c.Name(f"np.{x.dtype}")))
                                if x.dtype in NUMERIC else _str(c.Attribute(dtype, "name"))]))
        elif kind == "DType":
            self.log(_str(c.PyCall("isinstance", (c.Attribute(x.expr, "dtype"), c.Name("ts.DType")))))
        elif kind in ("repr", "str"):
            self.log(c.PyCall("spelled", (c.PyCall(kind, (x.expr,)),)))
        elif kind == "ref":
            key = c.expression(c.Method(x.expr, "ref"))
            self.log(_str(c.Subscript(c.Name(f"{{{key}: 1}}"), key)))
        elif kind == "deref":
            self.bind(c.Method(c.Method(x.expr, "ref"), "deref"), x.dtype, x.shape)
        elif kind == "is_tensor":
            self.log(_str(c.Op("is_tensor", (x.expr,))))
        elif kind == "isinstance":
            self.log(_str(c.PyCall("isinstance", (x.expr, c.Name("ts.Tensor")))))
        elif kind == "hash":  # TENSOR-5: tensors are unhashable
            self.statements.append(c.Try((c.Evaluate(c.PyCall("hash", (x.expr,))),), "TypeError",
                                         (c.Log(f"unhashable {self.label()}"),)))
        elif kind == "executing":
            self.log(_str(c.Op("executing_eagerly", ())))
        elif kind == "config":
            self.log(_str(c.Method(c.Name("ts.config"), "functions_run_eagerly")))
        elif kind == "errors":
            error = self.pick(["InvalidArgumentError", "OperatorNotAllowedInGraphError"])
            self.log(_str(c.PyCall("issubclass", (c.Name(f"ts.errors.{error}"), c.Name("TypeError")))))
        else:
            named = c.Op("as_dtype", (c.Name(repr(x.dtype)),))
            self.log(_str(c.BinOp("==", named, c.Attribute(x.expr, "dtype"))))
        return True

    def _value_use(self, use: str | None = None) -> bool:
        """What needs a tensor's value (``numpy``, ``bool``, ``len``, ``iter``, ``int``,
        ``float``, ``index``): fine eagerly, an error on a symbolic tensor (TENSOR-4, ERROR-3)."""
        use = use or self.pick(["numpy", "len", "iter", "unpack", "bool", "if", "int", "float", "index"])
        if use in ("len", "iter", "unpack"):
            x = self.operand(lambda v: v.rank >= 1 and v.shape[0] > 0)
        elif use in ("bool", "if"):
            x = self.bind(c.BinOp(">", self.count().expr, _src(0)), "bool", ())
        elif use in ("int", "index"):
            x = self.count()
        elif use == "float":
            x = self.bind(c.Op("cast", (self.count().expr, _dtype("float32"))), "float32", ())
        else:
            x = self.operand(lambda v: v.dtype != "string" and v.exact)
        if x is None:
            return False
        statements: list[c.Stmt]
        if use == "unpack":
            first = c.Subscript(c.PyCall("list", (x.expr,)), "0")
            statements = [c.Assign(f"row{len(self.statements)}", first)]
        elif use == "if":
            statements = [c.If(x.expr, (c.Log(f"true {self.label()}"),), (c.Log("false"),))]
        else:
            statements = [c.LogValue(_str({
                "numpy": c.Numpy(x.expr), "len": c.PyCall("len", (x.expr,)),
                "iter": c.PyCall("len", (c.PyCall("list", (x.expr,)),)), "bool": c.PyCall("bool", (x.expr,)),
                "int": c.PyCall("int", (x.expr,)), "float": c.PyCall("float", (x.expr,)),
                "index": c.PyCall("len", (c.PyCall("range", (x.expr,)),)),
            }[use]))]
        if self.guard and not self.chance(3):
            statements = [c.If(c.Op("executing_eagerly", ()), tuple(statements))]
        self.statements.extend(statements)
        self.autograph = False  # autograph would turn len(), int(), bool(), iteration into ops
        return True

    def count(self) -> Value:
        """An int32 scalar computed from a value in scope: how many of its elements are nonzero."""
        x = self.operand(lambda v: v.dtype != "string") or self.of(NUMERIC)
        truth = x.expr if x.dtype == "bool" else c.BinOp("!=", x.expr, _src(0))
        return self.bind(c.Op("reduce_sum", (c.Op("cast", (truth, _dtype("int32"))),)), "int32", ())

    def _nested(self, _=None) -> bool:
        """A call of another function of the program (a nested ``ts.function``)."""
        for callee in self.callees:
            x = self.operand(lambda v, s=callee.spec: (v.dtype, v.shape) == s)
            if x is not None:
                self.bind(c.CallFunction(callee.name, (x.expr,)), *callee.result)
                return True
        return False

    # -- effects -----------------------------------------------------------------------------
    def _log(self, _=None) -> bool:
        self.statements.append(c.Log(self.label()))
        return True

    def _print(self, _=None) -> bool:
        x = self.operand()
        if x is None:
            return False
        kind = self.pick(["label", "label", "two", "nested", "alone", "python", "sep"])
        label = c.Literal(self.label())
        kwargs: tuple = ()
        if kind == "two":
            args: tuple = (label, x.expr, (self.operand() or x).expr)
        elif kind == "nested":  # a Python structure holding tensors prints their values
            args = (label, self.pick([c.Structure("list", (x.expr, c.Literal(1))),
                                      c.Structure("dict", (("k", x.expr), ("n", c.Literal("s")))),
                                      c.Structure("tuple", (x.expr, c.Structure("list", (x.expr,))))]))
        elif kind == "alone":
            args = (x.expr,)
        elif kind == "python":
            python = self.pick([c.Literal(1.5), c.Literal([1, 2]), c.Literal(None), c.Literal({"k": 1})])
            args = (label, python, x.expr)
        elif kind == "sep":
            args, kwargs = (label, x.expr, x.expr), (("sep", ", "),)
        else:
            args = (label, x.expr)
        self.statements.append(c.Evaluate(c.Op("print", args, kwargs)))
        return True

    def _py_function(self, _=None) -> bool:
        x = self.operand(lambda v: v.dtype in (*NUMERIC, "bool"))
        if x is None:
            return False
        if self.wrong():  # the callback raises when the graph runs
            exception = self.pick(["ValueError", "TypeError", "KeyError", "ZeroDivisionError",
                                   "StopIteration", "NotImplementedError"])
            self.statements.append(c.Assign(f"failed{len(self.statements)}", c.Op("py_function", (
                c.PyCall("raising", (c.Literal(exception),)), c.Structure("list", (x.expr,)),
                c.Attribute(x.expr, "dtype")))))
            return True
        name = f"{self.prefix}{len(self.statements)}"
        self.statements.append(c.PyFunction(name, self.label(), x.expr))
        self.scope.append(Value(c.Name(name), x.dtype, x.shape))  # its static shape is unknown
        return True


# -- parameters and the values calls pass ------------------------------------------------------

@st.composite
def parameter_specs(draw, count: int, dtypes=DTYPES) -> list[Spec]:
    """Specs for ``count`` tensor parameters; a second one often shares the first's spec."""
    first = draw(specs(dtypes))
    out = [first]
    for _ in range(count - 1):
        out.append(first if not chance(draw, 3) else draw(specs(dtypes)))
    return out


def values_of(names, parameter_specs) -> list[Value]:
    return [Value(c.Name(n), d, s) for n, (d, s) in zip(names, parameter_specs)]


def returned(draw, body: Body, structure: bool = True) -> c.Expr:
    """What a body returns: its newest value, often with others (those nothing uses first)."""
    tensors = [v.expr for v in body.scope]
    last = tensors[-1]
    if not structure or chance(draw, 3):
        return last
    others = ([t for t in tensors[:-1] if t not in body.used][-2:] or tensors[-3:-1] or [last])
    kind = choice(draw, ["tuple", "list", "dict", "pair", "python", "none", "shape", "array"],
                  "returned structure")
    if kind == "tuple":
        return c.Structure("tuple", (last, *others))
    if kind == "list":
        return c.Structure("list", (*others, last))
    if kind == "dict":
        return c.Structure("dict", (("b", last), ("a", others[0])))
    if kind == "pair":
        return c.PyCall("Pair", (last, others[0]))
    if kind == "python":
        return c.Structure("tuple", (last, c.Literal(choice(draw, [1, 2.5, True, "s"]))))
    if kind == "none":
        return c.Structure("list", (last, c.Literal(None)))
    if kind == "shape":  # a TensorShape returned from a traced function
        return c.Structure("tuple", (last, c.Attribute(body.scope[0].expr, "shape")))
    return c.Structure("tuple", (last, c.Name("np.array([1.0, 2.0])")))


# -- whole functions and their calls -------------------------------------------------------------

@st.composite
def op_function(draw, name: str = "f", params: tuple[str, ...] = ("x", "y"), statements=(3, 7),
                weights: dict[str, int] | None = None, errors: int = 1, dtypes=DTYPES,
                structure: bool = True, guard: bool = True, prefix: str = "v", known_shapes: bool = True):
    """A ``ts.function`` over tensor ``params``: ``(FunctionDef, parameter specs)``."""
    parameter = draw(parameter_specs(len(params), dtypes))
    body = Body(draw, values_of(params, parameter), errors=errors, guard=guard, prefix=prefix,
                known_shapes=known_shapes)
    body.run(integer(draw, *statements), weights)
    result = returned(draw, body, structure)
    f = c.FunctionDef(name, params, (*body.statements, c.Return(result)), autograph=body.autograph)
    return f, parameter


@st.composite
def tensor_argument(draw, spec: Spec, vary: bool = True) -> str:
    """An argument for a parameter of ``spec``: most often a tensor of that spec.

    With ``vary``, sometimes a NumPy array, a Python value, a tensor of another shape
    (a retrace) or another dtype (a retrace, or an error in the body).
    """
    dtype, shape = spec
    variant = choice(draw, ["same"] * 10 + (["numpy", "shape", "dtype", "python"] if vary else []),
                     "argument variant")
    if variant == "numpy" and dtype in NUMERIC:  # NumPy bools under operators become int8
        return draw(tensor_source(spec, numpy_array=True))
    if variant == "shape":
        return draw(tensor_source((dtype, choice(draw, [(), (2,), (3,), (2, 2), (1,)]))))
    if variant == "dtype":
        return draw(tensor_source((choice(draw, [d for d in DTYPES if d != dtype]), shape)))
    if variant == "python" and not shape and dtype in ("float32", "int32", "bool"):
        return draw(scalar_source(dtype))
    return draw(tensor_source(spec))


def flips(draw, steps: list[Step], one_in: int = 2) -> list[Step]:
    """``steps`` with run-eagerly switches inserted now and then (both ways)."""
    steps = list(steps)
    if not chance(draw, one_in):
        return steps
    for _ in range(choice(draw, [1, 1, 2])):
        steps.insert(integer(draw, 0, len(steps)), SetEager(chance(draw, 2)))
    return steps


@st.composite
def calls(draw, function: str, parameters: list[Spec], names: tuple[str, ...], count=(1, 4),
          vary: bool = True) -> list[Step]:
    """Calls of ``function``, arguments by position or keyword."""
    steps: list[Step] = []
    for _ in range(integer(draw, *count)):
        sources = [draw(tensor_argument(spec, vary)) for spec in parameters]
        if chance(draw, 4) and names:
            split = integer(draw, 0, len(names) - 1)
            keywords = list(zip(names[split:], sources[split:]))
            if chance(draw, 2):
                keywords.reverse()
            steps.append(Call(function, arguments(*sources[:split], keywords=tuple(keywords))))
        else:
            steps.append(Call(function, arguments(*sources)))
    return steps


@st.composite
def nested_function(draw, name: str, spec: Spec, statements=(1, 4), weights=None, prefix: str = "w"):
    """An inner ``ts.function`` ``name(a)`` with its own Python and runtime effects and ops.

    Returns ``(FunctionDef, Callee)``.
    """
    body = Body(draw, [Value(c.Name("a"), *spec)], prefix=prefix)
    body.statements.append(c.Log(f"trace {name}"))
    for kind, variant in (("print", None), ("py_function", None), ("tensor_api", "repr")):
        if chance(draw, 2):
            getattr(body, f"_{kind}")(variant)
    body.run(integer(draw, *statements), weights)
    result = body.scope[-1]
    f = c.FunctionDef(name, ("a",), (*body.statements, c.Return(result.expr)), autograph=body.autograph)
    return f, Callee(name, spec, (result.dtype, result.shape))


@st.composite
def with_nested(draw, name: str = "f", params: tuple[str, ...] = ("x",), statements=(2, 5),
                weights=None, errors: int = 1, dtypes=DTYPES, inner: str = "g"):
    """``op_function`` that also calls a nested ``ts.function`` ``inner`` of its own.

    Returns ``(definitions, parameter specs)``: the inner function first.
    """
    parameter = draw(parameter_specs(len(params), dtypes))
    g, callee = draw(nested_function(inner, parameter[0], weights=weights))
    body = Body(draw, values_of(params, parameter), errors=errors, callees=[callee])
    body.run(integer(draw, *statements), weights)
    if not any(isinstance(s, c.Assign) and isinstance(s.value, c.CallFunction) for s in body.statements):
        body._nested()
        body.run(1, weights)
    result = returned(draw, body)
    f = c.FunctionDef(name, params, (*body.statements, c.Return(result)), autograph=body.autograph)
    return [g, f], parameter


# Python values whose trace keys collide (``1 == 1.0 == True``, NaN matches NaN) or differ.
LITERALS = ("0", "1", "1.0", "True", "False", "2", "-3", "'a'", "'b'", "None", "float('nan')", "2.5")


@st.composite
def container_argument(draw, kind: str, items: list[Spec], same: int = 4) -> str:
    """A container of tensors, varied in the ways a trace key tells apart (or does not); about
    ``same`` in ``same + 5`` keep the structure and the items' specs."""
    sources = [draw(tensor_source(spec)) for spec in items]
    variant = choice(draw, ["same"] * same + ["reordered", "other kind", "longer", "python leaf",
                                              "other dtype"], "container variant")
    if variant == "python leaf":
        sources[-1] = draw(scalar_source(items[-1][0])) if items[-1][0] != "string" else "'s'"
    elif variant == "other dtype":
        sources[0] = draw(tensor_source((choice(draw, [d for d in DTYPES if d != items[0][0]]),
                                         items[0][1])))
    elif variant == "longer":
        sources.append(sources[0])
    if kind == "dict":
        keys = ["a", "b", "c"][: len(sources)]
        pairs = list(zip(keys, sources))
        if variant == "reordered" or chance(draw, 2):
            pairs.reverse()  # insertion order: not part of the key
        if variant == "other kind":
            return "[" + ", ".join(sources) + "]"
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in pairs) + "}"
    if variant == "reordered":
        sources.reverse()
    if variant == "other kind":
        kind = {"list": "tuple", "tuple": "list", "pair": "tuple"}[kind]
    if kind == "pair":
        return f"Pair({', '.join(sources[:2])})"
    inner = ", ".join(sources)
    return f"({inner}{',' if len(sources) == 1 else ''})" if kind == "tuple" else f"[{inner}]"


def unpack(kind: str, name: str, items: list[Spec]) -> tuple[list[c.Stmt], list[Value]]:
    """Statements that take a container parameter apart, and the values they give."""
    statements, out = [], []
    for index, spec in enumerate(items):
        target = f"{name}{index}"
        if kind == "dict":
            source: c.Expr = c.Subscript(c.Name(name), repr("ab"[index]))
        elif kind == "pair":
            source = c.Attribute(c.Name(name), "ab"[index])
        else:
            source = c.Subscript(c.Name(name), str(index))
        statements.append(c.Assign(target, source))
        out.append(Value(c.Name(target), *spec))
    return statements, out


def trace_first(draw, steps: list[Step], mostly: bool = False) -> list[Step]:
    """``steps``, now and then (``mostly``: three times in four) after switching the run-eagerly
    flag off: a scenario that starts eager then traces too (starting traced, nothing changes)."""
    switch = not chance(draw, 4) if mostly else chance(draw, 2)
    return [SetEager(False), *steps] if switch else steps


# What a driver (a plain function at top level) may ask of an eager tensor ``t``.
TENSOR_USES = {
    "numpy": c.PyCall("str", (c.Numpy(c.Name("t")),)),
    "repr": c.PyCall("spelled", (c.PyCall("repr", (c.Name("t"),)),)),
    "str": c.PyCall("spelled", (c.PyCall("str", (c.Name("t"),)),)),
    "shape": c.PyCall("str", (c.Attribute(c.Name("t"), "shape"),)),
    "ndim": c.Attribute(c.Name("t"), "ndim"),
    "dtype": c.Attribute(c.Attribute(c.Name("t"), "dtype"), "name"),
    "len": c.PyCall("len", (c.Name("t"),)),
    "iter": c.PyCall("len", (c.PyCall("list", (c.Name("t"),)),)),
    "bool": c.PyCall("bool", (c.Name("t"),)),
    "int": c.PyCall("int", (c.Name("t"),)),
    "float": c.PyCall("float", (c.Name("t"),)),
    "index": c.PyCall("len", (c.PyCall("range", (c.Name("t"),)),)),
    "ref": c.BinOp("==", c.Method(c.Name("t"), "ref"), c.Method(c.Name("t"), "ref")),
    "eq": c.PyCall("spelled", (c.PyCall("str", (c.BinOp("==", c.Name("t"), c.Name("t")),)),)),
    "isinstance": c.PyCall("isinstance", (c.Name("t"), c.Name("ts.Tensor"))),
    "DType": c.PyCall("isinstance", (c.Attribute(c.Name("t"), "dtype"), c.Name("ts.DType"))),
    "is_tensor": c.Op("is_tensor", (c.Name("t"),)),
    "string": c.BinOp("==", c.Attribute(c.Name("t"), "dtype"), c.Name("ts.string")),
    "as_dtype": c.BinOp("==", c.Op("as_dtype", (c.Attribute(c.Attribute(c.Name("t"), "dtype"), "name"),)),
                        c.Attribute(c.Name("t"), "dtype")),
}


def concrete_driver(name: str, function: str, arguments: str) -> c.FunctionDef:
    """A driver ``name(*args, **kwargs)``: the program asks ``function`` for its concrete function
    for ``arguments`` (source text) and calls it, when the call script says so."""
    concrete = c.Method(c.Name(function), "get_concrete_function", (c.Name(arguments),) if arguments else ())
    call = c.PyCall(c.expression(concrete), (c.Name("*args"), c.Name("**kwargs")))
    return c.FunctionDef(name, ("*args", "**kwargs"), (c.Return(call),), traced=False)


def inspector(uses: tuple[str, ...]) -> c.FunctionDef:
    """A driver ``inspect(t)``: what ``uses`` of ``TENSOR_USES`` give for the eager tensor ``t``.

    Each use is tried on its own, so a use that does not apply (``len`` of a scalar) reports
    its error's class and the others still run.
    """
    body: list[c.Stmt] = [c.Assign("seen", c.Structure("list", ()))]
    for use in uses:
        failure = c.Attribute(c.PyCall("type", (c.Name("e"),)), "__name__")
        body.append(c.Try((c.Evaluate(c.Method(c.Name("seen"), "append", (TENSOR_USES[use],))),),
                          "Exception as e", (c.Evaluate(c.Method(c.Name("seen"), "append", (failure,))),)))
    body.append(c.Return(c.Name("seen")))
    return c.FunctionDef("inspect", ("t",), tuple(body), traced=False)
