"""Host effects that run on every execution: ``print`` and ``py_function``.

Both are stateful primitives. While tracing they are recorded like any op;
the graph interpreter never prunes them and runs them in program order. So
``ts.print`` prints on every call of a traced function, while a Python
``print`` in the same body prints only while tracing (catalogue rules 1, 2, 9).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import numpy as np

from .. import context, dtypes, errors
from ..primitive import Primitive, bind
from ..tensor import EagerTensor, Tensor, convert_to_tensor
from ..tensor_spec import TensorSpec


def format_value(value: np.ndarray) -> str:
    """How ``ts.print`` shows a tensor: like ``tf.print`` (bools as 1/0, strings quoted)."""
    if value.dtype == object:
        items = np.vectorize(lambda b: '"' + b.decode(errors="replace") + '"', otypes=[object])
        return str(items(value)) if value.ndim else items(value).item()
    if value.dtype == np.bool_:
        value = value.astype(np.int8)
    if value.ndim == 0:
        return np.format_float_positional(value, trim="-") if value.dtype.kind == "f" else str(value)
    return np.array2string(value, separator=" ", threshold=1000, edgeitems=3)


def _print_rule(*inputs: TensorSpec, **attrs) -> tuple[()]:
    return ()


def _print_kernel(*values: np.ndarray, parts, sep: str, end: str, stream) -> tuple[()]:
    pieces = [format_value(values[p]) if isinstance(p, int) else p for p in parts]
    target = stream if stream is not None else sys.stderr
    target.write(sep.join(pieces) + end)
    return ()


print_p = Primitive("print", _print_rule, _print_kernel, stateful=True, multiple_results=True)


def print(  # noqa: A001 - TensorFlow's name
    *inputs: object, output_stream: TextIO | None = None, sep: str = " ", end: str = "\n"
) -> None:
    """Print tensors (and Python values, formatted when the op is created) on every execution.

    ``output_stream`` defaults to ``sys.stderr`` as it is when the print runs.
    """
    tensors: list[Tensor] = []
    parts: list[object] = []
    for value in inputs:
        if isinstance(value, (Tensor, np.ndarray)):
            parts.append(len(tensors))
            tensors.append(convert_to_tensor(value))
        else:
            parts.append(str(value))
    bind(print_p, *tensors, parts=tuple(parts), sep=sep, end=end, stream=output_stream)


def _py_function_rule(*inputs: TensorSpec, func, Tout) -> tuple[TensorSpec, ...]:
    return tuple(TensorSpec(None, dtype) for dtype in Tout)


def _py_function_kernel(*values: np.ndarray, func, Tout) -> tuple[np.ndarray, ...]:
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


def py_function(func: Callable[..., Any], inp: Sequence[object], Tout: object):  # noqa: N803
    """Run the Python callable ``func`` eagerly on every execution, even inside a graph.

    ``Tout`` is a dtype (one tensor returned) or a list of dtypes (a list returned).
    Inside a graph the outputs have unknown shape.
    """
    single = not isinstance(Tout, (list, tuple))
    out_dtypes = tuple(dtypes.as_dtype(d) for d in ([Tout] if single else Tout))
    inputs = [convert_to_tensor(v) for v in inp]
    outputs = bind(py_function_p, *inputs, func=func, Tout=out_dtypes)
    return outputs[0] if single else list(outputs)
