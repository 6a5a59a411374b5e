"""Mutant: ``ts.print`` writes booleans as ``True``/``False`` instead of ``1``/``0``.

Witness, eager::

    @ts.function
    def f(x):
        ts.print("positive", x > 0)
        return x

    f(ts.constant([1.0, -2.0]))
"""

import numpy as np

from tracespec.reference.ops import effects

from .base import Mutant, patch

_original = effects._scalar


def _scalar(item, dtype):
    return str(bool(item)) if np.dtype(dtype) == np.bool_ else _original(item, dtype)


adapter = Mutant(__name__, "ts.print writes booleans as True/False",
                 lambda: [patch(effects, "_scalar", _scalar)],
                 breaks=[("side-effects", "traced"), ("side-effects", "eager")])
