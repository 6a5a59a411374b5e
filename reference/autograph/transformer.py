"""The conversion itself: a function's source, rewritten, compiled under its own file and lines.

``converted(f)`` reads ``f``'s source (``inspect``, so anything ``linecache`` knows works),
rewrites its definition in three passes, one module each:

1. ``jumps.py``: loop options taken out, then ``break``/``continue``/``return`` lowered into
   control variables;
2. ``expressions.py``: ``and``/``or``/``not``, conditional expressions, calls by name;
3. ``statements.py``: ``if``/``while``/``for`` into calls of ``operators.py`` with explicit state;

and compiles it with the user's file name and line numbers (AG-13), so that tracebacks show
the user's own lines and source. The new function has ``f``'s globals, defaults and closure
cells (so ``global``, ``nonlocal`` and free variables behave as before), plus the cell
``ag__``. Conversions are cached by code object; ``to_code`` returns the rewritten source
(AG-12). A lambda's expression is converted too. A function whose source cannot be read,
a lambda that its source lines do not single out, or a generator runs unconverted.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
import threading
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import policies
from ..verbose import note
from . import expressions, jumps, scopes, syntax
from .statements import Statements

_NOT_USER_CODE = set(sys.stdlib_module_names) | {"numpy", "tracespec", "tensorflow", "jax", "hypothesis",
                                                  "pytest", "_pytest"}


@dataclass(frozen=True)
class Conversion:
    code: types.CodeType  # the converted function's code object
    source: str  # its text


def converted(function: Callable[..., Any], recursive: bool = False) -> Callable[..., Any]:
    """``function`` as AutoGraph converts it (unchanged if it cannot be converted).

    ``recursive``: a function the converted code calls; library functions stay as they are.
    Under the ``symbolic_bool="error"`` policy nothing is converted (AG-3).
    """
    if policies.current().symbolic_bool != "autograph":
        note("AG-3", "symbolic_bool=%s: Python control flow is not converted",
             policies.current().symbolic_bool)
        return function
    if isinstance(function, types.MethodType):
        inner = converted(function.__func__, recursive)
        return function if inner is function.__func__ else types.MethodType(inner, function.__self__)
    if not isinstance(function, types.FunctionType):
        return function
    if recursive and (function.__module__ or "").split(".")[0] in _NOT_USER_CODE:
        return function
    conversion = _convert(function.__code__)
    if conversion is None:
        return function
    if recursive:
        note("AG-14", "the called function %s is converted too", function.__qualname__)
    note("AG-13", "%s runs as converted code, under its own file and line numbers", function.__qualname__)
    return _instantiate(conversion, function)


def to_code(function: Callable[..., Any]) -> str:
    """The Python source AutoGraph makes of ``function`` (or of a ``ts.function``'s Python function)."""
    target = getattr(function, "python_function", function)
    target = getattr(target, "__func__", target)
    conversion = _convert(target.__code__) if isinstance(target, types.FunctionType) else None
    if conversion is None:
        raise ValueError(f"Cannot convert {function!r}: AutoGraph needs the source code of a Python "
                         "function defined with def.")
    note("AG-12", "to_code shows the converted source of %s", target.__qualname__)
    return conversion.source


# Conversions by code object, then by file name: code objects compare equal across files, and a
# conversion is compiled under its file's name. The keys are weak, so that the cache does not keep
# a program's code alive (detectors keyed by code, such as the retracing warning's, would outlive
# the program, and a later program with equal code would share them).
_conversions: weakref.WeakKeyDictionary[types.CodeType, dict[str, Conversion | None]] = (
    weakref.WeakKeyDictionary())
_conversions_lock = threading.RLock()


# Python 3.10's unparser parenthesises a tuple target (`(y,) = ...`), 3.11's does not: one spelling.
_TUPLE_TARGET = re.compile(r"^(\s*)\(([\w.]+(?:, [\w.]+)*,?)\) = ", re.MULTILINE)


def _unparse(node: ast.AST) -> str:
    return _TUPLE_TARGET.sub(r"\1\2 = ", ast.unparse(node))


def _convert(code: types.CodeType) -> Conversion | None:
    with _conversions_lock:
        by_file = _conversions.setdefault(code, {})
        if code.co_filename not in by_file:
            by_file[code.co_filename] = _convert_from(code, code.co_filename)
        return by_file[code.co_filename]


def _convert_from(code: types.CodeType, filename: str) -> Conversion | None:
    try:
        lines, first_line = inspect.getsourcelines(code)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    ast.increment_lineno(tree, first_line - 1)
    node = _lambda_of(tree, code) if code.co_name == "<lambda>" else _function_of(tree, code)
    if node is None or any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)) for n in ast.walk(node)):
        return None
    if isinstance(node, ast.Lambda):
        node.body = expressions.convert([ast.Expr(value=node.body)])[0].value
        result: ast.expr = node
        source = _unparse(node)
    else:
        node.decorator_list = []
        node.args.defaults, node.args.kw_defaults = [], [None] * len(node.args.kwonlyargs)
        convert_function(node)
        result, source = syntax.name(node.name), _unparse(node)
    # The factory is never run: it only makes ``ag__`` and the free variables closure cells.
    # ``global`` keeps a function's own name (a recursive call) a global, as it was.
    own = [] if isinstance(node, ast.Lambda) else [node]
    scope = [] if not own or node.name in code.co_freevars else [ast.Global(names=[node.name])]
    free = [name for name in code.co_freevars if name != syntax.AG]  # a nested, converted def has it
    factory = syntax.function("__autograph_factory", [syntax.AG, *free],
                              [*scope, *own, ast.Return(value=result)])
    syntax.located(factory, node)
    module = ast.fix_missing_locations(ast.Module(body=[factory], type_ignores=[]))
    compiled = compile(module, filename, "exec")
    factory_code = _code_named(compiled, "__autograph_factory")
    return Conversion(_code_named(factory_code, code.co_name), source)


def _function_of(tree: ast.Module, code: types.CodeType) -> ast.FunctionDef | None:
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef) and node.name == code.co_name else None


def _lambda_of(tree: ast.Module, code: types.CodeType) -> ast.Lambda | None:
    """The one lambda of these source lines that ``code`` was compiled from, if it is clear which."""
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
             and tuple(a.arg for a in (*n.args.posonlyargs, *n.args.args, *n.args.kwonlyargs)) == names]
    if len(found) > 1 and hasattr(code, "co_positions"):  # Python 3.11+: columns tell them apart
        spots = {(line, column) for line, _, column, _ in code.co_positions() if line is not None}
        found = [n for n in found if any(
            (n.body.lineno, n.body.col_offset) <= spot <= (n.body.end_lineno, n.body.end_col_offset)
            for spot in spots if spot[1] is not None)]
    return found[0] if len(found) == 1 else None


def convert_function(node: ast.FunctionDef) -> None:
    """Rewrite one function definition in place (nested definitions are converted as they come)."""
    namer = syntax.Namer(node)
    jumps.lower(node, namer)
    node.body = expressions.convert(node.body)
    declared = {"global": scopes.declared(node.body, ast.Global),
                "nonlocal": scopes.declared(node.body, ast.Nonlocal)}
    node.body = Statements(namer, declared, convert_function).block(
        node.body, set(), scopes.parameters(node.args))


def _code_named(code: types.CodeType, name: str) -> types.CodeType:
    return next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == name)


def _instantiate(conversion: Conversion, function: types.FunctionType) -> types.FunctionType:
    """The converted function with ``function``'s globals, defaults and closure cells."""
    from . import operators

    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    closure = tuple(types.CellType(operators) if name == syntax.AG else cells[name]
                    for name in conversion.code.co_freevars)
    new = types.FunctionType(conversion.code, function.__globals__, function.__name__,
                             function.__defaults__, closure)
    new.__kwdefaults__ = function.__kwdefaults__
    new.__qualname__, new.__module__ = function.__qualname__, function.__module__
    new.__doc__ = function.__doc__
    return new
