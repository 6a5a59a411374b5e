"""Small builders for the Python syntax the converter writes, and a namer for new names.

Every node the converter makes gets the source location of the user's statement it stands
for (``located``), so converted code compiles under the user's own file and line numbers
and a traceback points at the user's line.
"""

from __future__ import annotations

import ast
import itertools

from .scopes import read

AG = "ag__"  # the name converted code knows ``operators.py`` by


def name(identifier: str, store: bool = False) -> ast.Name:
    return ast.Name(id=identifier, ctx=ast.Store() if store else ast.Load())


def ag(attribute: str) -> ast.Attribute:
    """``ag__.<attribute>``."""
    return ast.Attribute(value=name(AG), attr=attribute, ctx=ast.Load())


def call(function: ast.expr, *args: ast.expr, keywords: list[ast.keyword] | None = None) -> ast.Call:
    return ast.Call(func=function, args=list(args), keywords=keywords or [])


def names_tuple(identifiers: list[str], store: bool = False) -> ast.Tuple:
    return ast.Tuple(elts=[name(i, store) for i in identifiers], ctx=ast.Store() if store else ast.Load())


def strings_tuple(identifiers: list[str]) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(i) for i in identifiers], ctx=ast.Load())


def assign(identifier: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[name(identifier, store=True)], value=value)


def lambda_(body: ast.expr) -> ast.Lambda:
    """``lambda: body``."""
    arguments = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                              kwarg=None, defaults=[])
    return ast.Lambda(args=arguments, body=body)


def not_(operand: ast.expr) -> ast.UnaryOp:
    return ast.UnaryOp(op=ast.Not(), operand=operand)


def function(identifier: str, parameters: list[str], body: list[ast.stmt]) -> ast.FunctionDef:
    """``def identifier(*parameters): body``."""
    node = ast.parse(f"def {identifier}({', '.join(parameters)}):\n    pass").body[0]
    assert isinstance(node, ast.FunctionDef)
    for part in ast.walk(node):  # the template's own locations (line 1) are not the user's
        for attribute in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if hasattr(part, attribute):
                delattr(part, attribute)
    node.body = body or [ast.Pass()]
    return node


def located(node: ast.AST, origin: ast.AST) -> ast.AST:
    """Give ``node`` and every part of it that has no location the start of ``origin``.

    (The start only: Python places a call at the end of its function's expression, and a
    statement's end may be lines further down.)
    """
    for part in ast.walk(node):
        if "lineno" in part._attributes and not hasattr(part, "lineno"):
            part.lineno, part.col_offset = origin.lineno, origin.col_offset
            part.end_lineno, part.end_col_offset = origin.lineno, origin.col_offset
    return node


class Namer:
    """New names for one function: never one the function already uses."""

    def __init__(self, function: ast.FunctionDef):
        self.taken = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
        self.taken |= {node.arg for node in ast.walk(function) if isinstance(node, ast.arg)}
        self.taken |= {node.name for node in ast.walk(function)
                       if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        self.taken |= read([function]) | {AG}

    def new(self, base: str) -> str:
        for candidate in itertools.chain([base], (f"{base}_{i}" for i in itertools.count(1))):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise AssertionError("unreachable")
