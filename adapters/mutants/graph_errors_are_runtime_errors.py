"""Mutant: a kernel that fails while a graph executes raises ``RuntimeError`` ("Graph execution
error: ...") instead of ``InvalidArgumentError`` (ERROR-2).

Witness, traced::

    @ts.function
    def f(x, i):
        return ts.gather(x, i)

    f(ts.constant([1.0, 2.0]), ts.constant([5]))
"""

from tracespec.reference import interpreter

from .base import Mutant, patch

_original = interpreter._graph_execution_error


def _graph_execution_error(failures):
    return RuntimeError(str(_original(failures)))


adapter = Mutant(__name__, "graph execution errors raised as RuntimeError",
                 lambda: [patch(interpreter, "_graph_execution_error", _graph_execution_error)],
                 breaks=[("errors", "traced")])
