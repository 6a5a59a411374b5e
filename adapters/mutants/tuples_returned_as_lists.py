"""Mutant: a traced function's tuples come back as lists (the output structure is rebuilt from
its flat tensors with the wrong container type; RETURN-2).

Witness, traced::

    @ts.function
    def f(x):
        return x, (x + 1, x * 2)

    f(ts.constant(1.0))
"""

from tracespec.reference.concrete_function import ConcreteFunction

from .base import Mutant, patch

_original = ConcreteFunction.call_flat


def _as_lists(value):
    if type(value) is tuple:
        return [_as_lists(v) for v in value]
    if type(value) is list:
        return [_as_lists(v) for v in value]
    if type(value) is dict:
        return {k: _as_lists(v) for k, v in value.items()}
    return value


def call_flat(self, arguments):
    return _as_lists(_original(self, arguments))


adapter = Mutant(__name__, "returned tuples become lists",
                 lambda: [patch(ConcreteFunction, "call_flat", call_flat)],
                 breaks=[("returns-and-nesting", "traced"), ("tensors-and-ops", "traced")])
