"""AutoGraph: Python control flow on tensors, converted into graph control flow.

Not yet: ``converted`` returns the function unchanged, so ``if`` on a symbolic
tensor raises ``OperatorNotAllowedInGraphError`` (ERROR-3), as TensorFlow does
with ``autograph=False``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def converted(function: Callable[..., Any]) -> Callable[..., Any]:
    """The function tracing runs for a ``ts.function`` with ``autograph=True``."""
    return function
