"""Host effects that run on every execution: ``print`` and ``py_function``.

Both are stateful primitives. While tracing they are recorded like any op;
the graph interpreter never prunes them and runs them in program order. So
``ts.print`` prints on every call of a traced function, while a Python
``print`` in the same body prints only while tracing (EFFECT-1, EFFECT-2, EFFECT-3).
"""

from __future__ import annotations

import pprint
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import numpy as np

from .. import context, dtypes, errors, gradients
from ..conversion import convert_to_tensor
from ..primitive import Primitive, bind
from ..tensor import EagerTensor, Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note


def format_value(value: np.ndarray) -> str:
    """How ``ts.print`` shows a tensor, as ``tf.print`` does.

    Booleans print as 1/0, strings in quotes, floats in the shortest of 6 or 9
    significant digits (15 or 17 for float64) that reads back exactly, and each
    dimension longer than 6 as its first 3 and last 3 entries around ``...``.
    """
    if value.ndim == 0:
        return _scalar(value[()], value.dtype)
    return _nested(value, depth=1)


def _nested(value: np.ndarray, depth: int) -> str:
    rows = list(range(len(value)))
    if len(rows) > 2 * SUMMARIZE:
        rows = [*rows[:SUMMARIZE], None, *rows[-SUMMARIZE:]]
    if value.ndim == 1:
        items = ["..." if i is None else _scalar(value[i], value.dtype) for i in rows]
        return "[" + " ".join(items) + "]"
    items = ["..." if i is None else _nested(value[i], depth + 1) for i in rows]
    return "[" + ("\n" + " " * depth).join(items) + "]"


def _scalar(item: object, dtype: np.dtype) -> str:
    if dtype.kind == "O":
        return '"' + item.decode(errors="replace") + '"'  # type: ignore[union-attr]
    if dtype == np.bool_:
        return "1" if item else "0"
    if dtype.kind != "f":
        return str(item)
    short, long = (6, 9) if dtype == np.float32 else (15, 17)
    text = f"{item:.{short}g}"
    return text if dtype.type(text) == item or np.isnan(item) else f"{item:.{long}g}"


SUMMARIZE = 3


def _print_rule(*inputs: TensorSpec, **attrs) -> tuple[()]:
    return ()


def _print_kernel(*values: np.ndarray, parts, sep: str, end: str, stream) -> tuple[()]:
    """EFFECT-2: the print runs now, whenever its op executes."""
    note("EFFECT-2", "ts.print writes a line")
    if parts == (0,) and values[0].dtype.kind == "O" and values[0].ndim == 0:
        pieces = [values[0][()].decode(errors="replace")]  # a lone string prints as it is
    else:
        pieces = [format_value(values[p]) if isinstance(p, int) else p for p in parts]
    target = stream if stream is not None else sys.stderr
    target.write(sep.join(pieces) + end)
    return ()


print_p = Primitive("print", _print_rule, _print_kernel, stateful=True, multiple_results=True)
gradients.not_differentiable(print_p)


def print(
    *inputs: object, output_stream: TextIO | None = None, sep: str = " ", end: str = "\n"
) -> None:
    """Print tensors (and Python values, formatted when the op is created) on every execution.

    Strings print as they are and other Python values (NumPy data included) as
    ``pprint.pformat`` shows them.

    ``output_stream`` defaults to ``sys.stderr`` as it is when the print runs.
    """
    tensors: list[Tensor] = []
    parts: list[object] = []
    for value in inputs:
        if isinstance(value, Tensor):
            parts.append(len(tensors))
            tensors.append(value)
        else:  # Python values are formatted when the op is created, as tf.print does
            parts.append(value if isinstance(value, str) else pprint.pformat(value))
    bind(print_p, *tensors, parts=tuple(parts), sep=sep, end=end, stream=output_stream)


def _py_function_rule(*inputs: TensorSpec, func, Tout) -> tuple[TensorSpec, ...]:
    return tuple(TensorSpec(None, dtype) for dtype in Tout)


def _py_function_kernel(*values: np.ndarray, func, Tout) -> tuple[np.ndarray, ...]:
    """EFFECT-3: the Python callable runs now, whenever its op executes."""
    note("EFFECT-3", "ts.py_function calls %s", getattr(func, "__name__", func))
    assert context.executing_eagerly(), "py_function bodies run outside any trace"
    try:
        result = func(*(EagerTensor(v, dtypes.as_dtype(v.dtype)) for v in values))
        results = result if isinstance(result, (list, tuple)) else [result]
        if len(results) != len(Tout):
            raise ValueError(f"expected {len(Tout)} result(s), got {len(results)}")
        return tuple(convert_to_tensor(r, dtype=d)._value for r, d in zip(results, Tout))
    except errors.OpError:
        raise
    except Exception as error:  # any failure of the user's callable is a runtime error
        raise errors.InvalidArgumentError(f"{type(error).__name__}: {error}") from error


py_function_p = Primitive(
    "py_function", _py_function_rule, _py_function_kernel, stateful=True, multiple_results=True
)
gradients.not_differentiable(py_function_p)  # TensorFlow differentiates its callable: not yet


def py_function(func: Callable[..., Any], inp: Sequence[object], Tout: object):
    """Run the Python callable ``func`` eagerly on every execution, even inside a graph.

    ``Tout`` is a dtype (one tensor returned) or a list of dtypes (a list returned).
    Inside a graph the outputs have unknown shape.
    """
    single = not isinstance(Tout, (list, tuple))
    out_dtypes = tuple(dtypes.as_dtype(d) for d in ([Tout] if single else Tout))
    inputs = [convert_to_tensor(v) for v in inp]
    outputs = bind(py_function_p, *inputs, func=func, Tout=out_dtypes)
    return outputs[0] if single else list(outputs)
