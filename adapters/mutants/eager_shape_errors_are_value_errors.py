"""Mutant: eagerly, shapes that do not broadcast raise ``ValueError`` (the trace-time error), not
``InvalidArgumentError``.

Witness, eager::

    @ts.function
    def f(x, y):
        return x + y

    f(ts.constant([1, 2]), ts.constant([1, 2, 3]))
"""

from tracespec.reference import primitive

from .base import Mutant, patch

_original = primitive._kernel_error


def _kernel_error(op, values, attrs, error):
    kind, text = _original(op, values, attrs, error)
    return (ValueError, text) if isinstance(error, ValueError) else (kind, text)


adapter = Mutant(__name__, "eager shape errors raised as ValueError",
                 lambda: [patch(primitive, "_kernel_error", _kernel_error)],
                 breaks=[("tensors-and-ops", "eager")])
