"""Mutant: integer ``%`` has the sign of the dividend (C's ``fmod``), not of the divisor.

Witness, eager::

    @ts.function
    def f(x):
        return x % 3, x % -3

    f(ts.constant([-7, 7]))
"""

import numpy as np

from tracespec.reference.ops import arithmetic

from .base import Mutant, kernel


def fmod(original):
    def run(x, y, **attrs):
        result = original(x, y, **attrs)  # checks integer division by zero
        if np.asarray(x).dtype.kind != "i":
            return result
        return np.fmod(x, y).astype(result.dtype)

    return run


adapter = Mutant(__name__, "integer modulo takes the sign of the dividend",
                 lambda: [kernel(arithmetic.mod_p, fmod)],
                 breaks=[("tensors-and-ops", "eager"), ("tensors-and-ops", "traced")])
