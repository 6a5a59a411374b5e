"""Mutant: ``.numpy()`` works inside a trace (it returns zeros of the static shape).

Witness, traced::

    @ts.function
    def f(x):
        return x.numpy()

    f(ts.constant(1.0))
"""

from unittest import mock

import numpy as np

from tracespec.reference.tensor import SymbolicTensor

from .base import Mutant


def numpy(self):
    shape = [d or 1 for d in (self.shape or ())]
    return np.zeros(shape, dtype=self.dtype.numpy_dtype)[()]


adapter = Mutant(__name__, ".numpy() allowed inside a trace",
                 lambda: [mock.patch.object(SymbolicTensor, "numpy", numpy, create=True)],
                 breaks=[("errors", "traced")])
