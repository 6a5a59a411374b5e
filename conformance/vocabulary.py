"""The vocabulary: every name a backend's namespace provides, and the Tensor API programs use.

``NAMESPACE`` is ``tracespec.reference.__all__``; ``TENSOR`` are the methods,
properties and operators of ``ts.Tensor`` that programs may use; ``FUNCTION``
the members of what ``ts.function`` returns; ``VARIABLE``, ``GRADIENT_TAPE`` and
``MODULE`` those of ``ts.Variable``, ``ts.GradientTape`` and ``ts.Module`` (chapters 10
and 11). The coverage account counts each of them, and the adapter protocol
(docs/adapters.md) lists them. ``NOT_GENERATED`` names those no generated program uses,
each with the reason.
"""

from __future__ import annotations

import tracespec.reference as ts
from tracespec.reference import operators

NAMESPACE: tuple[str, ...] = tuple(sorted(ts.__all__))

TENSOR: tuple[str, ...] = (
    "numpy", "shape", "dtype", "ndim", "ref",
    "__bool__", "__len__", "__iter__", "__int__", "__float__", "__index__", "__repr__", "__str__",
    *operators.TABLE,
)

FUNCTION: tuple[str, ...] = (
    "get_concrete_function", "experimental_get_tracing_count", "pretty_printed_concrete_signatures",
)

VARIABLE: tuple[str, ...] = ("assign", "assign_add", "assign_sub", "read_value", "numpy")

GRADIENT_TAPE: tuple[str, ...] = ("watch", "gradient", "watched_variables")

MODULE: tuple[str, ...] = ("variables", "trainable_variables")

ALL: tuple[str, ...] = (
    *NAMESPACE, *(f"Tensor.{n}" for n in TENSOR), *(f"Function.{n}" for n in FUNCTION),
    *(f"Variable.{n}" for n in VARIABLE), *(f"GradientTape.{n}" for n in GRADIENT_TAPE),
    *(f"Module.{n}" for n in MODULE),
)

_CLASS = ("a class of the reference that a backend need not expose under this name (TensorFlow has "
          "no public tf.{0}; adapters/tensorflow.py leaves it unmapped), so no portable program names "
          "it; programs reach its instances through {1}")
NOT_GENERATED: dict[str, str] = {
    "ConcreteFunction": _CLASS.format("ConcreteFunction", "get_concrete_function"),
    "EagerTensor": _CLASS.format("EagerTensor", "ts.constant and every eager op"),
    "Function": _CLASS.format("Function", "ts.function"),
    "SymbolicTensor": _CLASS.format("SymbolicTensor", "the tensors of every trace"),
}
