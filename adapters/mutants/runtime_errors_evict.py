"""Mutant: a run-time error evicts the concrete function that raised it, so the next call
traces again (ERROR-2 says the error is not sticky: the trace stays cached).

Witness, traced::

    @ts.function
    def f(x, i):
        log("trace")
        return ts.gather(x, i)

    f(ts.constant([1.0, 2.0]), ts.constant([5]))
    f(ts.constant([1.0, 2.0]), ts.constant([1]))
"""

from tracespec.reference import eager_switch, errors
from tracespec.reference.polymorphic_function import SCOPES, Function

from .base import Mutant, patch

_original = Function.__call__


def __call__(self, *args, **kwargs):
    try:
        return _original(self, *args, **kwargs)
    except errors.OpError:
        if not eager_switch.functions_run_eagerly():
            function_type = self._bind(args, kwargs)[0]
            failed = {self._lookup(function_type.within(scope)) for scope in SCOPES}  # VAR-3
            self._cache[:] = [(kind, concrete) for kind, concrete in self._cache if concrete not in failed]
            self._exact = dict(self._cache)
        raise


adapter = Mutant(__name__, "run-time errors evict the concrete function",
                 lambda: [patch(Function, "__call__", __call__)],
                 breaks=[("errors", "traced")])
