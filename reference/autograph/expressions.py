"""Converting expressions: ``and``, ``or``, ``not``, ``a if c else b``, and calls by name.

``a and b`` must not evaluate ``b`` unless needed, so both sides become lambdas:
``ag__.and_(lambda: a, lambda: b)``; for a tensor ``a`` that is ``ts.cond(a, b, lambda: a)``
(AG-11). ``not a`` is ``ag__.not_(a)``; ``a if c else b`` is
``ag__.if_exp(c, lambda: a, lambda: b, 'c')`` (the condition's text names it in errors).

A call of a plain name, ``f(x)``, becomes ``ag__.call(f, x)``: ``range`` and ``len`` of
tensors become ops, and a plain Python function is converted before it runs (AG-14). Other
builtins (``print``...), attribute calls (``ts.add``, ``xs.append``) and nested scopes'
bodies are left alone (nested functions are converted as functions of their own).
"""

from __future__ import annotations

import ast
import builtins

from . import syntax

_CONVERTED_BUILTINS = {"range", "len"}


class Expressions(ast.NodeTransformer):
    """The expression rewrites, applied to one function's body."""

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        operator = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = syntax.call(syntax.ag(operator), syntax.lambda_(value), syntax.lambda_(result))
        return syntax.located(result, node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Not):
            return node
        return syntax.located(syntax.call(syntax.ag("not_"), node.operand), node)

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        text = ast.unparse(node.test)
        self.generic_visit(node)
        converted = syntax.call(syntax.ag("if_exp"), node.test, syntax.lambda_(node.body),
                                syntax.lambda_(node.orelse), ast.Constant(text))
        return syntax.located(converted, node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        func = node.func
        if not isinstance(func, ast.Name):
            return node
        if func.id in vars(builtins) and func.id not in _CONVERTED_BUILTINS:
            return node
        return syntax.located(syntax.call(syntax.ag("call"), func, *node.args, keywords=node.keywords),
                              node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.stmt:
        """A nested function: only what the enclosing scope evaluates (it is converted on its own)."""
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def _loop(self, node: ast.For | ast.While) -> ast.stmt:
        self.generic_visit(node)
        for extra in ("extra_test", "loop_options"):  # set by jumps.py, not AST fields
            if getattr(node, extra, None) is not None:
                setattr(node, extra, self.visit(getattr(node, extra)))
        return node

    visit_For = visit_While = _loop


def convert(body: list[ast.stmt]) -> list[ast.stmt]:
    """``body`` with its expressions converted."""
    transformer = Expressions()
    return [transformer.visit(statement) for statement in body]
