"""The run-eagerly switch: ``ts.config.run_functions_eagerly`` and friends.

One module global for the whole process, as in TensorFlow (EAGER-1): every
thread sees the same value, and every ``ts.function`` call reads it afresh
(EAGER-2), so it also affects functions that were traced before.
"""

from __future__ import annotations

from .verbose import note

_run_functions_eagerly = False


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Make every ``ts.function`` call run its Python body directly (True) or trace (False)."""
    global _run_functions_eagerly
    note("EAGER-1", "the process-global run-eagerly switch is set to %s", run_eagerly)
    if not isinstance(run_eagerly, bool):
        raise TypeError(
            f"run_functions_eagerly expects a bool, got {type(run_eagerly).__name__}: "
            f"{run_eagerly!r}. Pass True to run functions eagerly or False to trace them."
        )
    _run_functions_eagerly = run_eagerly


def functions_run_eagerly() -> bool:
    """The current value of the process-global run-eagerly switch."""
    return _run_functions_eagerly
