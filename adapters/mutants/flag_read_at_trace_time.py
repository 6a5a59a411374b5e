"""Mutant: the run-eagerly flag is consulted only when a call misses the cache.

Witness, traced::

    @ts.function
    def f(x):
        log("body")
        return x

    f(ts.constant(1.0))
    ts.config.run_functions_eagerly(True)
    f(ts.constant(1.0))
"""

from tracespec.reference import eager_switch
from tracespec.reference.polymorphic_function import SCOPES, Function

from .base import Mutant, patch

_original = Function.__call__


def __call__(self, *args, **kwargs):
    function_type, _ = self._bind(args, kwargs)
    if any(self._lookup(function_type.within(s)) is not None for s in SCOPES):  # VAR-3
        # a cached graph runs, whatever the flag says
        with patch(eager_switch, "functions_run_eagerly", lambda: False):
            return _original(self, *args, **kwargs)
    return _original(self, *args, **kwargs)


adapter = Mutant(__name__, "the run-eagerly flag is read only when tracing",
                 lambda: [patch(Function, "__call__", __call__)], breaks=[("eager-switch", "traced")])
