"""Mutant: the run-eagerly flag is honoured by the outermost call only; a ``ts.function`` called
from a function that runs eagerly is still traced (EAGER-4 says nothing on the path is).

Witness, eager::

    @ts.function
    def inner(x):
        log("inner")
        return x * 2

    @ts.function
    def outer(x):
        log("outer")
        return inner(x) + 1

    outer(ts.constant(1.0))
    outer(ts.constant(2.0))
"""

from tracespec.reference import eager_switch, polymorphic_function
from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function.__call__


def __call__(self, *args, **kwargs):
    if getattr(polymorphic_function._eager_calls, "depth", 0):
        eager_switch_state = eager_switch.functions_run_eagerly
        try:  # the nested call sees the flag off
            eager_switch.functions_run_eagerly = lambda: False
            return _original(self, *args, **kwargs)
        finally:
            eager_switch.functions_run_eagerly = eager_switch_state
    return _original(self, *args, **kwargs)


adapter = Mutant(__name__, "nested functions traced under the flag",
                 lambda: [patch(Function, "__call__", __call__)],
                 breaks=[("eager-switch", "eager"), ("returns-and-nesting", "eager")])
