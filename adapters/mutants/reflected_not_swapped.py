"""Mutant: reflected operators forget to swap: ``2.0 - x`` computes ``x - 2.0``.

Witness, eager::

    @ts.function
    def f(x):
        return 2.0 - x, 1.0 / x, 8.0 // x, 2.0 ** x

    f(ts.constant([4.0, -1.0]))
"""

from tracespec.reference.tensor import Tensor

from .base import Mutant, patch

_SWAPPED = ("sub", "truediv", "floordiv", "mod", "pow")


def _unswapped(name):
    forward = getattr(Tensor, f"__{name}__")
    return lambda self, other: forward(self, other)


adapter = Mutant(__name__, "reflected operators compute the forward operation",
                 lambda: [patch(Tensor, f"__r{name}__", _unswapped(name)) for name in _SWAPPED],
                 breaks=[("tensors-and-ops", "eager"), ("tensors-and-ops", "traced")])
