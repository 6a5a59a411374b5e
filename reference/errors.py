"""Spec-defined errors, mirroring TensorFlow's classes.

These are the errors a *program* can provoke. A bug in the reference itself
shows up as a plain ``AssertionError`` instead, never as one of these.
Where TensorFlow raises a Python built-in (``TypeError`` for bad arguments,
``ValueError`` for trace-time shape errors, ``AttributeError`` for
``.numpy()`` on a symbolic tensor) the reference raises the same built-in.
"""

from __future__ import annotations


class OpError(Exception):
    """An error raised while executing an op (TensorFlow's ``tf.errors.OpError``)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidArgumentError(OpError):
    """A kernel rejected its inputs at run time (eagerly or while executing a graph)."""


class OutOfRangeError(OpError):
    """An index past the end (an eager ``TensorArray`` read or write, TensorFlow's class)."""


class OperatorNotAllowedInGraphError(TypeError):
    """A symbolic tensor was used as a Python ``bool`` or iterated while tracing."""


class InaccessibleTensorError(ValueError):
    """A symbolic tensor was used outside the graph that defines it."""


__all__ = [
    "InaccessibleTensorError",
    "InvalidArgumentError",
    "OpError",
    "OperatorNotAllowedInGraphError",
    "OutOfRangeError",
]
