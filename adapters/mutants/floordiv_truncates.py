"""Mutant: integer ``//`` rounds toward zero (C's division), not toward negative infinity.

Witness, traced::

    @ts.function
    def f(x, y):
        return x // y

    f(ts.constant([-7, 7, 6]), ts.constant([2, -2, 3]))
"""

import numpy as np

from tracespec.reference.ops import arithmetic

from .base import Mutant, kernel


def truncating(original):
    def run(x, y, **attrs):
        result = original(x, y, **attrs)
        if np.asarray(x).dtype.kind != "i":
            return result
        inexact = (np.mod(x, y) != 0) & ((np.asarray(x) < 0) != (np.asarray(y) < 0))
        return np.where(inexact, result + 1, result).astype(result.dtype)

    return run


adapter = Mutant(__name__, "integer floor division truncates toward zero",
                 lambda: [kernel(arithmetic.floordiv_p, truncating)],
                 breaks=[("tensors-and-ops", "eager"), ("tensors-and-ops", "traced")])
