"""The vocabulary: every name a backend's namespace provides, and the Tensor API programs use.

``NAMESPACE`` is ``tracespec.reference.__all__``; ``TENSOR`` are the methods,
properties and operators of ``ts.Tensor`` that programs may use; ``FUNCTION``
the members of what ``ts.function`` returns. The coverage account counts each
of them, and the adapter protocol (docs/adapters.md) lists them.
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

ALL: tuple[str, ...] = (
    *NAMESPACE, *(f"Tensor.{n}" for n in TENSOR), *(f"Function.{n}" for n in FUNCTION),
)
