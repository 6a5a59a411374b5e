"""Mutant: the trace cache ignores the variable-creation scope, so a first call that creates
variables is traced only once (TensorFlow traces it again with creation forbidden).

Witness, traced::

    H = []

    @ts.function
    def f(x):
        log("trace")
        if not H:
            H.append(ts.Variable(1.0))
        return H[0] + x

    f(ts.constant(1.0))
    f(ts.constant(1.0))
"""

from tracespec.reference.trace_type import FunctionType

from .base import Mutant, patch

adapter = Mutant(__name__, "the cache key ignores the variable-creation scope",
                 lambda: [patch(FunctionType, "within", lambda self, scope: self)],
                 breaks=[("variables-and-state", "traced")])
