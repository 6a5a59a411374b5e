"""Mutant: ``ts.print`` writes floats with ``%g`` (6 significant digits) even when they need 9 to
read back (EFFECT-2's format: the shortest of 6 or 9 that reads back exactly).

Witness, traced::

    @ts.function
    def f(x):
        ts.print(x / 3.0)
        return x

    f(ts.constant([1.0, 2.0]))
"""

import numpy as np

from tracespec.reference.ops import effects

from .base import Mutant, patch

_original = effects._scalar


def _scalar(item, dtype):
    return f"{item:g}" if np.dtype(dtype).kind == "f" else _original(item, dtype)


adapter = Mutant(__name__, "ts.print formats floats with %g",
                 lambda: [patch(effects, "_scalar", _scalar)],
                 breaks=[("side-effects", "traced"), ("side-effects", "eager")])
