"""Mutant: under ``run_functions_eagerly(True)``, ``get_concrete_function`` does not trace; it
hands back something that runs the Python body when called (EAGER-5 says it still traces).

Witness, eager::

    @ts.function
    def f(x):
        log("body")
        return x + 1

    concrete = lambda: f.get_concrete_function(ts.TensorSpec([], ts.float32))(ts.constant(1.0))

    concrete()
    concrete()
"""

from tracespec.reference import eager_switch
from tracespec.reference.polymorphic_function import Function

from .base import Mutant, patch

_original = Function.get_concrete_function


def get_concrete_function(self, *args, **kwargs):
    if eager_switch.functions_run_eagerly():
        return lambda *a, **k: self._call_eagerly(a, k)
    return _original(self, *args, **kwargs)


adapter = Mutant(__name__, "get_concrete_function runs eagerly under the flag",
                 lambda: [patch(Function, "get_concrete_function", get_concrete_function)],
                 breaks=[("eager-switch", "eager"), ("eager-switch", "traced")])
