"""Mutant: ``.numpy()`` works inside a trace (it returns zeros of the static shape)."""

from unittest import mock

import numpy as np

from tracespec.reference.tensor import SymbolicTensor

from .base import Mutant


def numpy(self):
    shape = [d or 1 for d in (self.shape or ())]
    return np.zeros(shape, dtype=self.dtype.numpy_dtype)[()]


class NumpyInTrace(Mutant):
    name = "mutant-numpy-in-trace"
    bug = ".numpy() allowed inside a trace"

    def patches(self):
        return [mock.patch.object(SymbolicTensor, "numpy", numpy, create=True)]


adapter = NumpyInTrace()
