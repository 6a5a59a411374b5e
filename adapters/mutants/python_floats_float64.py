"""Mutant: a Python ``float`` converts to ``float64`` (NumPy's default), not ``float32``.

Witness, eager::

    @ts.function
    def f(x):
        return ts.constant(1.5), x * 2.0

    f(ts.constant(1.0))
"""

from tracespec.reference import conversion, dtypes

from .base import Mutant, patch

_original = conversion._default_dtype


def _default_dtype(value, leaves, kinds, tracing):
    dtype = _original(value, leaves, kinds, tracing)
    return dtypes.float64 if dtype == dtypes.float32 and leaves else dtype


adapter = Mutant(__name__, "Python floats become float64 tensors",
                 lambda: [patch(conversion, "_default_dtype", _default_dtype)],
                 breaks=[("tensors-and-ops", "eager"), ("tensors-and-ops", "traced"),
                         ("returns-and-nesting", "traced")])
