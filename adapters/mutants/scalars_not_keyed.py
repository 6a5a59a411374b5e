"""Mutant: Python scalar arguments are not part of the cache key."""

from tracespec.reference.trace_type import Literal

from .base import Mutant, patch


class ScalarsNotKeyed(Mutant):
    name = "mutant-scalars-not-keyed"
    bug = "Python scalars not part of the trace key"

    def patches(self):
        return [patch(Literal, "is_subtype_of", lambda self, other: isinstance(other, Literal))]


adapter = ScalarsNotKeyed()
