"""Tensor members an adapter supplies: a program rewrite, so that no backend patches its array type.

Programs use part of the Tensor API (``vocabulary.TENSOR``): ``.numpy()``, the
operators, indexing, ``bool()``... A backend whose arrays lack some of it (JAX
arrays have no ``.numpy()``) supplies each missing member in
``Adapter.tensor_api``, a mapping from the member's name to a function:

* a method or property (``"numpy"``, ``"shape"``): ``fn(tensor, *args)``; a
  property is called with the tensor alone;
* an operator (``"__add__"``, ``"__getitem__"``, ``"__neg__"``, ``"__bool__"``...):
  ``fn(*operands)``, the operands in program order, so one function serves the
  forward and the reflected form (``1.5 + x`` calls ``fn(1.5, x)``).

The suite then compiles every program, call-script expression and global of a
scenario through ``compile_program``, which rewrites (only) the uses of supplied
members into calls of ``__tensor_api__``, the ``TensorAPI`` object the runner puts
into the program's namespace:

* ``x.numpy()``, ``x.shape`` become ``T.member(x, 'numpy')()``, ``T.member(x, 'shape')``
  (``T`` is ``__tensor_api__``);
* ``a / b``, ``-a``, ``a < b``, ``a[::-1]`` become ``T.operator('__truediv__', a, b)``, ...,
  ``T.operator('__getitem__', a, slice(None, None, -1))``;
* ``abs(a)``, ``bool(a)``, ``len(a)``, ``int(a)``, ``float(a)``, ``iter(a)``, ``repr(a)``,
  ``str(a)`` become ``T.operator('__abs__', a)``, ..., and ``print(a, ...)`` prints
  ``T.operator('__str__', a)``;
* the truth tests of ``if``, ``while``, ``assert``, ``x if a else y`` and ``not a`` become
  ``T.operator('__bool__', a)``, and ``a or b``, ``a and b`` become ``T.boolean('or', a,
  lambda: b)`` (each operand evaluated once, and only when needed);
* ``for v in a`` (and comprehensions) iterate over ``T.operator('__iter__', a)``.

A supplied function is used when an operand is a tensor of the backend (its
namespace's ``is_tensor``); otherwise Python's own operator applies. Chained
comparisons (``a < b < c``), augmented assignments and f-strings are not
rewritten. Line numbers are kept, so tracebacks still point into the program.
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable, Mapping
from typing import Any

from .vocabulary import TENSOR

PROPERTIES = frozenset({"shape", "dtype", "ndim"})

_BINARY = {
    ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__",
    ast.FloorDiv: "__floordiv__", ast.Mod: "__mod__", ast.Pow: "__pow__", ast.MatMult: "__matmul__",
    ast.BitAnd: "__and__", ast.BitOr: "__or__",
}
_UNARY = {ast.USub: "__neg__", ast.Invert: "__invert__"}
_COMPARE = {ast.Lt: "__lt__", ast.LtE: "__le__", ast.Gt: "__gt__", ast.GtE: "__ge__",
            ast.Eq: "__eq__", ast.NotEq: "__ne__"}
_BUILTINS = {"abs": "__abs__", "bool": "__bool__", "len": "__len__", "int": "__int__",
             "float": "__float__", "iter": "__iter__", "repr": "__repr__", "str": "__str__"}

# What an operator means when no operand is a backend tensor.
_PYTHON: dict[str, Callable[..., Any]] = {
    **{name: getattr(operator, name) for name in (*_BINARY.values(), *_UNARY.values(),
                                                   *_COMPARE.values(), "__getitem__")},
    **{dunder: getattr(builtins, name) for name, dunder in _BUILTINS.items()},
    "__index__": operator.index,
}
OPERATORS = frozenset(_PYTHON)
NAME = "__tensor_api__"


class TensorAPI:
    """The supplied members, applied to the backend's tensors (``is_tensor``) only."""

    def __init__(self, supplied: Mapping[str, Callable[..., Any]], is_tensor: Callable[[Any], bool]):
        self._supplied = dict(supplied)
        self._is_tensor = is_tensor

    def member(self, value: Any, name: str) -> Any:
        function = self._supplied.get(name)
        if function is None or not self._is_tensor(value):
            return getattr(value, name)
        if name in PROPERTIES:
            return function(value)
        return lambda *args, **kwargs: function(value, *args, **kwargs)

    def boolean(self, kind: str, first: Any, *later: Callable[[], Any]) -> Any:
        """``first or later...`` (``kind`` "or") or ``first and later...``, truth by ``__bool__``."""
        value = first
        for thunk in later:
            if self.operator("__bool__", value) == (kind == "or"):
                return value
            value = thunk()
        return value

    def operator(self, name: str, *operands: Any) -> Any:
        function = self._supplied.get(name)
        if function is not None and any(self._is_tensor(v) for v in operands):
            return function(*operands)
        return _PYTHON[name](*operands)


def unknown_members(names: Mapping[str, Any]) -> list[str]:
    """The names that are no Tensor member programs use (``vocabulary.TENSOR``): a typo."""
    return sorted(set(names) - set(TENSOR) - OPERATORS - PROPERTIES)


def compile_program(source: str, filename: str, mode: str, supplied: frozenset[str]) -> Any:
    """``compile(source, filename, mode)``, with the uses of ``supplied`` members rewritten."""
    if not supplied:
        return compile(source, filename, mode)
    tree = _Rewrite(supplied).visit(ast.parse(source, filename, mode))
    return compile(ast.fix_missing_locations(tree), filename, mode)


def rewrite(source: str, supplied: frozenset[str]) -> str:
    """The rewritten program as source text (for the executable docs); ``source`` itself if
    nothing in it uses a supplied member."""
    rewriter = _Rewrite(supplied)
    tree = rewriter.visit(ast.parse(source))
    if not rewriter.changed:
        return source
    statements = [ast.unparse(ast.fix_missing_locations(s)) for s in tree.body]
    simple = all("\n" not in s for s in statements)
    return ("; " if simple else "\n").join(statements)


class _Rewrite(ast.NodeTransformer):
    def __init__(self, supplied: frozenset[str]):
        self.supplied = supplied
        self.changed = False

    def _call(self, method: str, node: ast.AST, *args: ast.expr) -> ast.expr:
        self.changed = True
        target = ast.Attribute(ast.Name(NAME, ast.Load()), method, ast.Load())
        return ast.copy_location(ast.Call(target, list(args), []), node)

    def _operator(self, name: str, node: ast.AST, *operands: ast.expr) -> ast.expr:
        return self._call("operator", node, ast.Constant(name), *operands)

    def _truth(self, node: ast.expr) -> ast.expr:
        node = self.visit(node)
        return self._operator("__bool__", node, node) if "__bool__" in self.supplied else node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and node.attr in self.supplied:
            return self._call("member", node, node.value, ast.Constant(node.attr))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        name = _BINARY.get(type(node.op))
        return self._operator(name, node, node.left, node.right) if name in self.supplied else node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        if isinstance(node.op, ast.Not):
            node.operand = self._truth(node.operand)
            return node
        self.generic_visit(node)
        if isinstance(node.operand, ast.Constant):  # a literal such as -1
            return node
        name = _UNARY.get(type(node.op))
        return self._operator(name, node, node.operand) if name in self.supplied else node

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        name = _COMPARE.get(type(node.ops[0])) if len(node.ops) == 1 else None
        if name in self.supplied:
            return self._operator(name, node, node.left, node.comparators[0])
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and "__getitem__" in self.supplied:
            return self._operator("__getitem__", node, node.value, _index(node.slice))
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name):
            return node
        if (len(node.args) == 1 and not node.keywords
                and _BUILTINS.get(node.func.id) in self.supplied):
            return self._operator(_BUILTINS[node.func.id], node, node.args[0])
        if node.func.id == "print" and "__str__" in self.supplied:  # print(a) writes str(a)
            node.args = [a if isinstance(a, ast.Starred) else self._operator("__str__", a, a)
                         for a in node.args]
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        if "__bool__" not in self.supplied:
            return self.generic_visit(node)
        # `a or b` yields an operand, evaluated once and only when needed.
        first, *rest = (self.visit(v) for v in node.values)
        later = [ast.Lambda(ast.arguments([], [], None, [], [], None, []), v) for v in rest]
        kind = ast.Constant("or" if isinstance(node.op, ast.Or) else "and")
        return self._call("boolean", node, kind, first, *later)

    def _tested(self, node: ast.If | ast.While | ast.IfExp | ast.Assert) -> ast.AST:
        node.test = self._truth(node.test)
        for field in ("body", "orelse", "msg"):
            value = getattr(node, field, None)
            if isinstance(value, list):
                setattr(node, field, [self.visit(s) for s in value])
            elif isinstance(value, ast.AST):
                setattr(node, field, self.visit(value))
        return node

    visit_If = visit_While = visit_IfExp = visit_Assert = _tested

    def visit_For(self, node: ast.For) -> ast.AST:
        self.generic_visit(node)
        if "__iter__" in self.supplied:
            node.iter = self._operator("__iter__", node.iter, node.iter)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        if "__iter__" in self.supplied:
            node.iter = self._operator("__iter__", node.iter, node.iter)
        return node


def _index(node: ast.expr) -> ast.expr:
    """An index expression as a value: ``::-1`` becomes ``slice(None, None, -1)``."""
    if isinstance(node, ast.Slice):
        parts = [p if p is not None else ast.Constant(None) for p in (node.lower, node.upper, node.step)]
        return ast.copy_location(ast.Call(ast.Name("slice", ast.Load()), parts, []), node)
    if isinstance(node, ast.Tuple):
        return ast.copy_location(ast.Tuple([_index(e) for e in node.elts], ast.Load()), node)
    return node
