"""Spec-defined errors, mirroring TensorFlow's classes.

These are the errors a *program* can provoke. A bug in the reference itself
shows up as a plain ``AssertionError`` instead, never as one of these.
Where TensorFlow raises a Python built-in (``TypeError`` for bad arguments,
``ValueError`` for trace-time shape errors, ``AttributeError`` for
``.numpy()`` on a symbolic tensor) the reference raises the same built-in.

The ``OpError`` subclasses are the run-time errors of kernels (ERROR-2):
``InvalidArgumentError`` for bad data, and the classes ``ts.py_function``
maps its callback's exception to (EFFECT-3), as TensorFlow's ``py_func`` does.
"""

from __future__ import annotations


class OpError(Exception):
    """An error raised while executing an op (TensorFlow's ``tf.errors.OpError``)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidArgumentError(OpError):
    """A kernel rejected its inputs at run time (eagerly or while executing a graph)."""


class UnimplementedError(OpError):
    """The kernel does not implement the operation for these inputs (``cast`` of strings)."""


class OutOfRangeError(OpError):
    """An index past the end (an eager ``TensorArray`` read or write), or a ``ts.py_function``
    callback raised ``StopIteration``."""


class ResourceExhaustedError(OpError):
    """A ``ts.py_function`` callback raised ``MemoryError``."""


class UnknownError(OpError):
    """A ``ts.py_function`` callback raised an exception with no more specific class."""


class OperatorNotAllowedInGraphError(TypeError):
    """A symbolic tensor was used as a Python ``bool`` or iterated while tracing."""


class InaccessibleTensorError(ValueError):
    """A symbolic tensor was used outside the graph that defines it."""


class TypePromotionError(ValueError):
    """Operands with no implicit promotion under ``type_promotion="jax-strict"`` (TENSOR-2): JAX's
    class, a ``ValueError`` (not in the vocabulary: TensorFlow has no promotion)."""


__all__ = [
    "InaccessibleTensorError",
    "InvalidArgumentError",
    "OpError",
    "OperatorNotAllowedInGraphError",
    "OutOfRangeError",
    "ResourceExhaustedError",
    "UnimplementedError",
    "UnknownError",
]
