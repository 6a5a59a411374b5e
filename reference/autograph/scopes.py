"""What the converter needs to know about names: which a statement assigns, which it reads,
and which are *live* after it (read again before being reassigned).

A converted statement's state is the variables it assigns that are live afterwards, or whose
value on entry it reads; everything else stays local to its blocks. All three questions are
answered within one function scope: nested functions, lambdas and comprehensions contribute
only the names they read from outside.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable


class _Names(ast.NodeVisitor):
    """Collects the names assigned and read by the nodes it visits, in the current scope."""

    def __init__(self) -> None:
        self.assigned: set[str] = set()
        self.read: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        (self.read if isinstance(node.ctx, ast.Load) else self.assigned).add(node.id)
        if isinstance(node.ctx, ast.Del):
            self.read.add(node.id)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):  # `x += 1` reads x too
            self.read.add(node.target.id)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            self.assigned.add(node.name)
            for decorator in node.decorator_list:
                self.visit(decorator)
        for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
            self.visit(default)
        body = node.body if isinstance(node.body, list) else [node.body]
        inner = _names(body)
        self.read |= inner.read - inner.assigned - parameters(node.args)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.assigned.add(node.name)
        for child in (*node.bases, *node.keywords, *node.decorator_list):
            self.visit(child)
        self.read |= _names(node.body).read

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        inner = _Names()
        for part in ast.iter_child_nodes(node):
            inner.visit(part)
        targets = {name for generator in node.generators for name in assigned([generator.target])}
        self.read |= inner.read - targets

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            self.assigned.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.assigned.add(node.name)
        self.generic_visit(node)


def _names(nodes: Iterable[ast.AST]) -> _Names:
    names = _Names()
    for node in nodes:
        names.visit(node)
    return names


def assigned(nodes: Iterable[ast.AST]) -> set[str]:
    """The names ``nodes`` bind in the current scope."""
    return _names(nodes).assigned


def read(nodes: Iterable[ast.AST]) -> set[str]:
    """The names ``nodes`` read (nested scopes: the names they read from this one)."""
    return _names(nodes).read


def parameters(args: ast.arguments) -> set[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def declared(body: list[ast.stmt], kind: type[ast.Global] | type[ast.Nonlocal]) -> set[str]:
    """The names a function body declares ``global`` (or ``nonlocal``), at any depth of its scope."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, kind):
            found.update(node.names)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            for child in ast.iter_child_nodes(node):
                visit(child)

    for statement in body:
        visit(statement)
    return found


# -- liveness ----------------------------------------------------------------------------------


def live_in(block: list[ast.stmt], live_out: set[str]) -> set[str]:
    """The names whose values on entry to ``block`` may be read (``live_out``: those read after)."""
    live = set(live_out)
    for statement in reversed(block):
        live = live_before(statement, live)
    return live


def live_before(statement: ast.stmt, after: set[str]) -> set[str]:
    """The names live before ``statement``, given those live after it."""
    if isinstance(statement, ast.If):
        return read([statement.test]) | live_in(statement.body, after) | live_in(statement.orelse, after)
    if isinstance(statement, ast.While):
        return loop_head(statement, after)
    if isinstance(statement, ast.For):
        return read([statement.iter]) | loop_head(statement, after)
    if isinstance(statement, ast.Return):
        return read([statement]) if statement.value else set()
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return read(statement.items) | (live_in(statement.body, after) - assigned(statement.items))
    if isinstance(statement, ast.Try):
        handlers = set().union(*(live_in(h.body, after) for h in statement.handlers))
        rest = live_in(statement.orelse + statement.finalbody, after)
        return live_in(statement.body, rest | handlers) | handlers
    return (after - assigned([statement])) | read([statement])


def loop_head(loop: ast.While | ast.For, after: set[str]) -> set[str]:
    """The names live at the top of each iteration: read by the test, the body or after the loop."""
    exit_live = live_in(loop.orelse, after)
    targets = assigned([loop.target]) if isinstance(loop, ast.For) else set()
    extra = getattr(loop, "extra_test", None)  # a for loop's test from break/return (jumps.py)
    test = read([loop.test]) if isinstance(loop, ast.While) else read([extra]) if extra else set()
    head = exit_live | test
    while True:
        new = exit_live | test | (live_in(loop.body, head) - targets)
        if new == head:
            return head
        head = new
