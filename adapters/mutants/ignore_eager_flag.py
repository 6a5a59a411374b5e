"""Mutant: ``ts.function`` ignores the run-eagerly flag and always traces."""

from tracespec.reference import polymorphic_function

from .base import Mutant, patch


class IgnoreEagerFlag(Mutant):
    name = "mutant-ignore-eager-flag"
    bug = "the run-eagerly flag is ignored"

    def patches(self):
        return [patch(polymorphic_function.eager_switch, "functions_run_eagerly", lambda: False)]


adapter = IgnoreEagerFlag()
