"""Mutant: Python values returned from a traced function come back unconverted."""

from tracespec.reference import polymorphic_function

from .base import Mutant, patch

_original = polymorphic_function._output_tensor


def _output_tensor(value, graph, wrapper):
    if isinstance(value, (bool, int, float, str, bytes)):
        return value
    return _original(value, graph, wrapper)


class ReturnsUnconverted(Mutant):
    name = "mutant-returns-unconverted"
    bug = "Python return values not converted when traced"

    def patches(self):
        return [patch(polymorphic_function, "_output_tensor", _output_tensor)]


adapter = ReturnsUnconverted()
