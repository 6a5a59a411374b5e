"""Mutant: Python values returned from a traced function come back unconverted.

Witness, traced::

    @ts.function
    def f(x):
        return 1

    f(ts.constant(1.0))
"""

from tracespec.reference import polymorphic_function

from .base import Mutant, patch

_original = polymorphic_function._output_tensor


def _output_tensor(value, graph, wrapper):
    if isinstance(value, (bool, int, float, str, bytes)):
        return value
    return _original(value, graph, wrapper)


adapter = Mutant(__name__, "Python return values not converted when traced",
                 lambda: [patch(polymorphic_function, "_output_tensor", _output_tensor)],
                 breaks=[("returns-and-nesting", "traced")])
