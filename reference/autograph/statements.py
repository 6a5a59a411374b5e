"""Converting ``if``, ``while`` and ``for`` into calls of ``operators.py`` with explicit state.

A statement's *state* is the variables it assigns that are live afterwards or whose entry
value it reads (``scopes.py``). Each block becomes a function of the state that returns the
new state; variables assigned only inside a block stay local to it::

    if x > 0:                    def if_body(y):
        y = x                        y = x
    return y             ->          return (y,)
                                 def else_body(y):
                                     return (y,)
                                 (y,) = ag__.if_stmt(x > 0, if_body, else_body, (y,), ('y',))
                                 return y

A state variable with no value yet is passed as ``ag__.Undefined('y')``. ``while`` gets a
``loop_test`` and a ``loop_body``; ``for`` gets a ``loop_body(itr, ...)`` whose first
statement assigns the loop target, and an ``extra_test`` when ``break``/``return`` made one
(``jumps.py``). Variables declared ``global`` or ``nonlocal`` are never state: the new
functions declare them too.
"""

from __future__ import annotations

import ast

from . import scopes, syntax
from .syntax import Namer


class Statements:
    """Converts the control flow statements of one function (``convert``)."""

    def __init__(self, namer: Namer, declared: dict[str, set[str]], convert_function):
        self.namer = namer
        self.declared = declared  # "global" / "nonlocal" -> names
        self.convert_function = convert_function  # for nested function definitions

    def block(self, block: list[ast.stmt], live_out: set[str], bound: set[str]) -> list[ast.stmt]:
        """``block`` converted; ``bound``: the names that surely have a value on entry."""
        after: list[set[str]] = []
        live = set(live_out)
        for statement in reversed(block):
            after.append(live)
            live = scopes.live_before(statement, live)
        after.reverse()
        converted: list[ast.stmt] = []
        bound = set(bound)
        for statement, live_after in zip(block, after):
            if isinstance(statement, ast.If):
                new, state = self.if_(statement, live_after, bound)
            elif isinstance(statement, ast.While):
                new, state = self.while_(statement, live_after, bound)
            elif isinstance(statement, ast.For):
                new, state = self.for_(statement, live_after, bound)
            else:
                new, state = [self.other(statement, live_after, bound)], scopes.assigned([statement])
            converted += new
            bound |= state
        return converted

    def other(self, statement: ast.stmt, live_after: set[str], bound: set[str]) -> ast.stmt:
        """Statements that are not converted themselves, but whose blocks are."""
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.convert_function(statement)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            statement.body = self.block(statement.body, live_after, bound | scopes.assigned(statement.items))
        elif isinstance(statement, ast.Try):
            statement.body = self.block(statement.body, live_after, bound)
            for handler in statement.handlers:
                handler.body = self.block(handler.body, live_after, bound)
            statement.orelse = self.block(statement.orelse, live_after, bound)
            statement.finalbody = self.block(statement.finalbody, live_after, bound)
        return statement

    # -- the three statements -------------------------------------------------------------------
    def if_(self, node: ast.If, after: set[str], bound: set[str]) -> tuple[list[ast.stmt], set[str]]:
        entry = after | scopes.live_in(node.body, after) | scopes.live_in(node.orelse, after)
        state = self._state(scopes.assigned(node.body + node.orelse), entry)
        body = self._function(self.namer.new("if_body"), state, node.body, node)
        orelse = self._function(self.namer.new("else_body"), state, node.orelse, node)
        call = syntax.call(syntax.ag("if_stmt"), node.test, syntax.name(body.name),
                           syntax.name(orelse.name), self._initial(state, bound), syntax.strings_tuple(state))
        return [body, orelse, self._assign_state(state, call, node)], set(state)

    def while_(self, node: ast.While, after: set[str], bound: set[str]) -> tuple[list[ast.stmt], set[str]]:
        state = self._state(scopes.assigned(node.body), scopes.loop_head(node, after))
        test = self._function(self.namer.new("loop_test"), state, [], node, result=node.test)
        body = self._function(self.namer.new("loop_body"), state, node.body, node)
        call = syntax.call(syntax.ag("while_stmt"), syntax.name(test.name), syntax.name(body.name),
                           self._initial(state, bound), syntax.strings_tuple(state), self._options(node))
        return [test, body, self._assign_state(state, call, node)], set(state)

    def for_(self, node: ast.For, after: set[str], bound: set[str]) -> tuple[list[ast.stmt], set[str]]:
        targets = scopes.assigned([node.target])
        state = self._state(scopes.assigned(node.body) | targets, scopes.loop_head(node, after))
        itr = self.namer.new("itr")
        take = syntax.located(ast.Assign(targets=[node.target], value=syntax.name(itr)), node.target)
        body = self._function(self.namer.new("loop_body"), [itr, *state], [take, *node.body], node,
                              returns=state)
        new: list[ast.stmt] = [body]
        extra_test: ast.expr = ast.Constant(None)
        if getattr(node, "extra_test", None) is not None:
            test = self._function(self.namer.new("extra_test"), state, [], node, result=node.extra_test)
            new.insert(0, test)
            extra_test = syntax.name(test.name)
        options = self._options(node)
        if isinstance(node.target, ast.Name):
            options.keys.insert(0, ast.Constant("iterate_names"))
            options.values.insert(0, ast.Constant(node.target.id))
        call = syntax.call(syntax.ag("for_stmt"), node.iter, extra_test, syntax.name(body.name),
                           self._initial(state, bound), syntax.strings_tuple(state), options)
        return [*new, self._assign_state(state, call, node)], set(state)

    # -- helpers ------------------------------------------------------------------------------
    def _state(self, changed: set[str], live: set[str]) -> list[str]:
        excluded = self.declared["global"] | self.declared["nonlocal"]
        return sorted((changed & live) - excluded)

    def _function(self, name: str, parameters: list[str], block: list[ast.stmt], origin: ast.stmt,
                  result: ast.expr | None = None, returns: list[str] | None = None) -> ast.FunctionDef:
        """``def name(*parameters)``: ``block`` converted, returning ``result`` or the state."""
        returns = parameters if returns is None else returns
        body = self.block(block, set(returns), set(parameters))
        value = result if result is not None else syntax.names_tuple(returns)
        body.append(syntax.located(ast.Return(value=value), origin))
        declarations = [kind(names=sorted(self.declared[label] & scopes.assigned(body)))
                        for label, kind in (("global", ast.Global), ("nonlocal", ast.Nonlocal))]
        body = [d for d in declarations if d.names] + body
        return syntax.located(syntax.function(name, parameters, body), origin)

    def _initial(self, state: list[str], bound: set[str]) -> ast.Tuple:
        values = [syntax.name(v) if v in bound else syntax.call(syntax.ag("Undefined"), ast.Constant(v))
                  for v in state]
        return ast.Tuple(elts=values, ctx=ast.Load())

    def _options(self, node: ast.For | ast.While) -> ast.Dict:
        options = getattr(node, "loop_options", None)
        return options if options is not None else ast.Dict(keys=[], values=[])

    def _assign_state(self, state: list[str], call: ast.Call, origin: ast.stmt) -> ast.stmt:
        if not state:
            return syntax.located(ast.Expr(value=call), origin)
        return syntax.located(ast.Assign(targets=[syntax.names_tuple(state, store=True)], value=call), origin)
