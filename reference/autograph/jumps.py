"""Lowering ``break``, ``continue`` and ``return`` into variables, as TensorFlow's AutoGraph does.

A graph loop or conditional has no jumps: it runs its blocks to the end. So a jump becomes
an assignment to a control variable, and the statements it would skip are guarded by it::

    for i in ts.range(n):         break_ = False
        if i > 3:                 for i in ts.range(n):       # extra test: not break_
            break          ->         if i > 3:
        s += i                            break_ = True
                                      if not break_:
                                          s += i

``continue`` sets ``continue_`` (reset at the top of each iteration); ``break`` sets
``break_``, which also becomes an extra loop test; ``return x`` sets ``do_return`` and
``retval_`` (extra tests of every enclosing loop), and the function returns ``retval_``
at its end. When a condition is a tensor, these variables become tensors too, and the
guards become graph conditionals (AG-5). A ``return`` under a Python loop's tensor condition,
or inside a graph loop, cannot work; ``operators.py`` says so (AG-4, AG-6).

Loop options (``ts.autograph.experimental.set_loop_options(...)`` as the first statement of a
loop) are taken out of the body first, and kept on the loop for ``statements.py``.
"""

from __future__ import annotations

import ast

from . import syntax
from .syntax import Namer

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.While)


def lower(function: ast.FunctionDef, namer: Namer) -> None:
    """Rewrite ``function``'s body in place: loop options, then break/continue, then return."""
    for loop in _walk(function.body, into_loops=True, of=_LOOPS):
        _take_loop_options(loop)
    function.body = _lower_loops(function.body, namer)
    function.body, _ = _group_returns(function.body)
    if any(True for _ in _walk(_compound(function.body), into_loops=True, of=(ast.Return,))):
        function.body = _lower_returns(function.body, namer)


# -- walking one scope ----------------------------------------------------------------------------


def _walk(block: list[ast.stmt], into_loops: bool, of: tuple[type, ...]):
    """The statements of types ``of`` in ``block``, at any depth of this scope."""
    for statement in block:
        if isinstance(statement, of):
            yield statement
        if isinstance(statement, _SCOPES) or (isinstance(statement, _LOOPS) and not into_loops):
            continue
        for child in _blocks(statement):
            yield from _walk(child, into_loops, of)


def _blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement blocks directly inside ``statement``."""
    if isinstance(statement, ast.Try):
        return [statement.body, *(h.body for h in statement.handlers), statement.orelse,
                statement.finalbody]
    return [getattr(statement, field) for field in ("body", "orelse")
            if isinstance(getattr(statement, field, None), list)]


def _compound(block: list[ast.stmt]) -> list[ast.stmt]:
    return [s for s in block if not isinstance(s, (ast.Return, *_SCOPES))]


def _sets(statement: ast.stmt, flag: str) -> bool:
    """Whether ``statement`` (after lowering) may assign ``flag``."""
    return any(isinstance(node, ast.Name) and node.id == flag and isinstance(node.ctx, ast.Store)
               for node in ast.walk(statement))


# -- loop options -------------------------------------------------------------------------------


def _take_loop_options(loop: ast.For | ast.While) -> None:
    """AG-9: ``set_loop_options(...)`` as a loop's first statement becomes the loop's options."""
    first = loop.body[0] if loop.body else None
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Call)
            and _called_name(first.value.func) == "set_loop_options"):
        keys = [ast.Constant(k.arg) for k in first.value.keywords]
        loop.loop_options = ast.Dict(keys=keys, values=[k.value for k in first.value.keywords])
        loop.body = loop.body[1:] or [ast.Pass()]


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


# -- break and continue -------------------------------------------------------------------------


def _lower_loops(block: list[ast.stmt], namer: Namer) -> list[ast.stmt]:
    lowered: list[ast.stmt] = []
    for statement in block:
        if isinstance(statement, _LOOPS):
            lowered += _lower_loop(statement, namer)
            continue
        if not isinstance(statement, _SCOPES):
            _rewrite_blocks(statement, lambda b: _lower_loops(b, namer))
        lowered.append(statement)
    return lowered


def _rewrite_blocks(statement: ast.stmt, rewrite) -> None:
    if isinstance(statement, ast.Try):
        statement.body, statement.orelse = rewrite(statement.body), rewrite(statement.orelse)
        statement.finalbody = rewrite(statement.finalbody)
        for handler in statement.handlers:
            handler.body = rewrite(handler.body)
        return
    for field in ("body", "orelse"):
        if isinstance(getattr(statement, field, None), list):
            setattr(statement, field, rewrite(getattr(statement, field)))


def _lower_loop(loop: ast.For | ast.While, namer: Namer) -> list[ast.stmt]:
    loop.body = _lower_loops(loop.body, namer)  # inner loops first: their jumps are their own
    before: list[ast.stmt] = []
    orelse = loop.orelse
    if any(True for _ in _walk(loop.body, into_loops=False, of=(ast.Continue,))):
        flag = namer.new("continue_")
        loop.body = [syntax.located(syntax.assign(flag, ast.Constant(False)), loop.body[0]),
                     *_replace_jump(loop.body, ast.Continue, flag)]
    if any(True for _ in _walk(loop.body, into_loops=False, of=(ast.Break,))):
        flag = namer.new("break_")
        loop.body = _replace_jump(loop.body, ast.Break, flag)
        before.append(syntax.located(syntax.assign(flag, ast.Constant(False)), loop))
        _add_loop_test(loop, syntax.not_(syntax.name(flag)))
        orelse = [syntax.located(ast.If(test=syntax.not_(syntax.name(flag)), body=orelse, orelse=[]),
                                 orelse[0])] if orelse else []
    loop.orelse = []
    return [*before, loop, *orelse]


def _add_loop_test(loop: ast.For | ast.While, test: ast.expr) -> None:
    """``while test and ...`` / a for loop's extra test ``test and ...``."""
    syntax.located(test, loop)
    if isinstance(loop, ast.While):
        loop.test = syntax.located(ast.BoolOp(op=ast.And(), values=[test, loop.test]), loop.test)
        return
    extra = getattr(loop, "extra_test", None)
    loop.extra_test = test if extra is None else syntax.located(
        ast.BoolOp(op=ast.And(), values=[test, extra]), loop)


def _replace_jump(block: list[ast.stmt], jump: type, flag: str) -> list[ast.stmt]:
    """``jump`` statements become ``flag = True``; what they skip is guarded by ``not flag``."""
    lowered: list[ast.stmt] = []
    for index, statement in enumerate(block):
        if isinstance(statement, jump):
            lowered.append(syntax.located(syntax.assign(flag, ast.Constant(True)), statement))
            return lowered  # the rest of the block never runs
        if not isinstance(statement, (*_SCOPES, *_LOOPS)):
            _rewrite_blocks(statement, lambda b: _replace_jump(b, jump, flag))
        lowered.append(statement)
        if _sets(statement, flag):
            return lowered + _guarded(block[index + 1:], flag, statement,
                                      lambda b: _replace_jump(b, jump, flag))
    return lowered


def _guarded(rest: list[ast.stmt], flag: str, origin: ast.stmt, lower) -> list[ast.stmt]:
    """``if not flag: rest``, with ``rest`` lowered too."""
    rest = lower(rest)
    if not rest:
        return []
    guard = ast.If(test=syntax.not_(syntax.name(flag)), body=rest, orelse=[])
    return [syntax.located(guard, rest[0])]


# -- return ---------------------------------------------------------------------------------------


def _group_returns(block: list[ast.stmt]) -> tuple[list[ast.stmt], bool]:
    """Move what follows an ``if`` whose one branch returns into its other branch.

    ``if c: return a`` followed by ``return b`` becomes ``if c: return a else: return b``, so
    that both branches of a graph conditional return. Returns the block and whether it
    definitely returns.
    """
    for index, statement in enumerate(block):
        if isinstance(statement, ast.Return):
            return block[:index + 1], True
        if isinstance(statement, ast.If):
            statement.body, body_returns = _group_returns(statement.body)
            statement.orelse, else_returns = _group_returns(statement.orelse)
            rest = block[index + 1:]
            if body_returns and else_returns:
                return block[:index + 1], True
            if body_returns and rest:
                statement.orelse, else_returns = _group_returns(statement.orelse + rest)
                return block[:index + 1], else_returns
            if else_returns and rest:
                statement.body, body_returns = _group_returns(statement.body + rest)
                return block[:index + 1], body_returns
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            statement.body, returns = _group_returns(statement.body)
            if returns:
                return block[:index + 1], True
        elif not isinstance(statement, _SCOPES):
            _rewrite_blocks(statement, lambda b: _group_returns(b)[0])
    return block, False


def _lower_returns(body: list[ast.stmt], namer: Namer) -> list[ast.stmt]:
    do_return, retval = namer.new("do_return"), namer.new("retval_")
    origin = body[0]
    start = [syntax.assign(do_return, ast.Constant(False)),
             syntax.assign(retval, syntax.call(syntax.ag("UndefinedReturnValue")))]
    end = ast.Return(value=syntax.call(syntax.ag("ret"), syntax.name(retval), syntax.name(do_return)))
    lowered = _replace_returns(body, do_return, retval)
    return [syntax.located(s, origin) for s in start] + lowered + [syntax.located(end, body[-1])]


def _replace_returns(block: list[ast.stmt], do_return: str, retval: str) -> list[ast.stmt]:
    lowered: list[ast.stmt] = []
    for index, statement in enumerate(block):
        if isinstance(statement, ast.Return):
            value = statement.value or ast.Constant(None)
            lowered += [syntax.located(syntax.assign(do_return, ast.Constant(True)), statement),
                        syntax.located(syntax.assign(retval, value), statement)]
            return lowered
        if isinstance(statement, _LOOPS) and _sets_after(statement, do_return, retval):
            _add_loop_test(statement, syntax.not_(syntax.name(do_return)))
        if not isinstance(statement, _SCOPES):
            _rewrite_blocks(statement, lambda b: _replace_returns(b, do_return, retval))
        lowered.append(statement)
        if _sets(statement, do_return):
            return lowered + _guarded(block[index + 1:], do_return, statement,
                                      lambda b: _replace_returns(b, do_return, retval))
    return lowered


def _sets_after(loop: ast.For | ast.While, do_return: str, retval: str) -> bool:
    """Whether the loop's body has a ``return`` (before it is lowered)."""
    return any(True for _ in _walk(loop.body, into_loops=True, of=(ast.Return,)))
