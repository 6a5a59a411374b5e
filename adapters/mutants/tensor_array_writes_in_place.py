"""Mutant: a traced ``TensorArray`` is written in place, as an eager one is, so a write whose
result is dropped is not lost (CF-10: traced, ``write`` returns a new array).

Witness, traced::

    @ts.function
    def f(x):
        ta = ts.TensorArray(ts.float32, size=2)
        ta.write(0, x)
        ta = ta.write(1, x)
        return ta.stack()

    f(ts.constant(1.0))
"""

from tracespec.reference.tensor_array import TensorArray

from .base import Mutant, patch

_original = TensorArray.write


def write(self, index, value):
    written = _original(self, index, value)
    if self.flow is not None:  # traced: keep the new list in the old array too
        self.flow, self._element_shape = written.flow, written._element_shape
    return written


adapter = Mutant(__name__, "traced TensorArray writes change the array in place",
                 lambda: [patch(TensorArray, "write", write)], breaks=[("control-flow", "traced")])
