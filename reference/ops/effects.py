"""Host effects that run on every execution: ``print`` and ``py_function``.

Both are stateful primitives. While tracing they are recorded like any op;
the graph interpreter never prunes them and runs them in program order. So
``ts.print`` prints on every call of a traced function, while a Python
``print`` in the same body prints only while tracing (EFFECT-1, EFFECT-2, EFFECT-3).
"""

from __future__ import annotations

import collections
import itertools
import pprint
import random
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import numpy as np

from .. import context, dtypes, errors, gradients
from ..conversion import convert_to_tensor
from ..nest import is_namedtuple
from ..primitive import Primitive, bind
from ..tensor import EagerTensor, Tensor
from ..tensor_spec import TensorSpec
from ..verbose import note
from .arithmetic import flush_subnormals


def format_value(value: np.ndarray) -> str:
    """How ``ts.print`` shows a tensor, as ``tf.print`` does.

    Booleans print as 1/0, strings in quotes with C escapes, a NaN with its sign
    (``-nan``), floats in the shortest of 6 or 9 significant digits (15 or 17 for
    float64) that reads back exactly (subnormals as 0, as TensorFlow's CPU reads them), and each
    dimension longer than 6 as its first 3 and last 3 entries around ``...``.
    Sub-arrays of rank ``r`` are separated by ``r - 1`` line breaks, as NumPy does.
    An empty tensor prints ``[]``, or ``[`` line breaks `` ...]`` when only an
    inner dimension is 0, and nothing at all when it is ``bool``.
    """
    value = flush_subnormals(value)
    if value.ndim == 0:
        return _scalar(value[()], value.dtype)
    if value.size == 0 and value.dtype == np.bool_:
        return ""  # TensorFlow prints empty bool tensors as nothing at all
    if value.size == 0 and value.shape[0]:
        return "[" + "\n" * (value.ndim - 1) + " ...]"
    return _nested(value, depth=1)


def _nested(value: np.ndarray, depth: int) -> str:
    rows = list(range(len(value)))
    if len(rows) > 2 * SUMMARIZE:
        rows = [*rows[:SUMMARIZE], None, *rows[-SUMMARIZE:]]
    if value.ndim == 1:
        items = ["..." if i is None else _scalar(value[i], value.dtype) for i in rows]
        return "[" + " ".join(items) + "]"
    items = ["..." if i is None else _nested(value[i], depth + 1) for i in rows]
    return "[" + ("\n" * (value.ndim - 1) + " " * depth).join(items) + "]"


def _scalar(item: object, dtype: np.dtype) -> str:
    if dtype.kind == "O":
        return '"' + _escaped(item) + '"'  # type: ignore[arg-type]
    if dtype == np.bool_:
        return "1" if item else "0"
    if dtype.kind != "f":
        return str(item)
    if np.isnan(item):
        return "-nan" if np.signbit(item) else "nan"  # C's printf shows the sign bit of a NaN
    short, long = (6, 9) if dtype == np.float32 else (15, 17)
    text = f"{item:.{short}g}"
    return text if dtype.type(text) == item else f"{item:.{long}g}"


_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}


def _escaped(data: bytes) -> str:
    """C escapes as TensorFlow's ``Utf8SafeCEscape``: control bytes octal, UTF-8 left alone."""
    out = bytearray()
    for byte in data:
        if byte in _ESCAPES:
            out += _ESCAPES[byte].encode()
        elif byte < 0x20 or byte == 0x7F:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    return out.decode(errors="replace")


SUMMARIZE = 3


def _print_rule(*inputs: TensorSpec, **attrs) -> tuple[()]:
    return ()


def _print_kernel(*values: np.ndarray, pieces, raw: bool, end: str, stream) -> tuple[()]:
    """EFFECT-2: the print runs now, whenever its op executes."""
    note("EFFECT-2", "ts.print writes a line")
    if raw:  # a lone scalar string prints as it is
        text = values[0][()].decode(errors="replace")
    else:
        formatted = iter(format_value(v) for v in values)
        text = "".join(p if isinstance(p, str) else next(formatted) for p in pieces)
    target = stream if stream is not None else sys.stderr
    target.write(text + end)
    return ()


print_p = Primitive("print", _print_rule, _print_kernel, stateful=True, multiple_results=True,
                   node_name="PrintV2")
gradients.not_differentiable(print_p)


class _Tensor:
    """Where a tensor's printed value goes in a template."""


def print(
    *inputs: object, output_stream: TextIO | None = None, sep: str = " ", end: str = "\n"
) -> Any:
    """Print tensors, and Python structures holding them, on every execution (EFFECT-2).

    As ``tf.print``: a string argument is printed as it is; any other argument is
    shown as ``pprint.pformat`` shows it, with the *values* of the tensors in it
    filled in when the print runs (so ``[x, 1]`` prints ``[[1 2], 1]``). The
    Python parts are formatted when the op is created. ``output_stream`` defaults
    to ``sys.stderr`` as it is when the print runs.
    """
    tensors = [leaf for value in inputs for leaf in _leaves(value) if isinstance(leaf, Tensor)]
    raw = (len(inputs) == 1 and len(tensors) == 1 and inputs[0] is tensors[0]
           and tensors[0].spec.shape == () and tensors[0].dtype == dtypes.string)
    bind(print_p, *tensors, pieces=_template(inputs, sep), raw=raw, end=end, stream=output_stream)
    return None if context.executing_eagerly() else Operation("print")


def _template(inputs: Sequence[object], sep: str) -> tuple[object, ...]:
    """The text around the tensors, as ``tf.print`` builds it: one placeholder per tensor."""
    free = [_map(lambda leaf: "" if isinstance(leaf, Tensor) else leaf, _sorted(v)) for v in inputs]
    placeholder = _placeholder(" ".join(pprint.pformat(v) for v in free))
    templates = []
    for value in inputs:
        if isinstance(value, str):
            templates.append(value)
        else:
            filled = _map(lambda leaf: placeholder if isinstance(leaf, Tensor) else leaf, value)
            templates.append(pprint.pformat(filled))
    template = sep.join(templates).replace(f"'{placeholder}'", placeholder)
    pieces: list[object] = []
    for index, text in enumerate(template.split(placeholder)):
        if index:
            pieces.append(_Tensor)
        pieces.append(text)
    return tuple(pieces)


def _placeholder(text: str) -> str:
    placeholder, rng = "{}", random.Random(5)
    while placeholder in text:
        placeholder += str(rng.randint(0, 9))
    return placeholder


def _sorted(value: object) -> object:
    if isinstance(value, collections.OrderedDict):
        return collections.OrderedDict(sorted(value.items()))
    return value


def _map(fn: Callable[[Any], Any], value: Any) -> Any:
    """``tf.nest.map_structure``: ``None`` and strings are leaves; dicts are rebuilt in order."""
    if isinstance(value, dict):
        return type(value)((k, _map(fn, v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        items = [_map(fn, v) for v in value]
        return type(value)(*items) if is_namedtuple(value) else type(value)(items)
    return fn(value)


def _leaves(value: Any) -> list[Any]:
    """Leaves in ``tf.nest`` order: dicts by sorted key."""
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


class Operation:
    """What an op without outputs gives inside a trace: not a tensor, so it cannot be returned."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<ts.Operation '{self.name}'>"


# -- py_function ----------------------------------------------------------------------------

def _py_function_rule(*inputs: TensorSpec, func, Tout, label) -> tuple[TensorSpec, ...]:
    return tuple(TensorSpec(None, dtype) for dtype in Tout)


# EFFECT-3: the OpError a callback's exception becomes, as TensorFlow's py_func maps them.
_ERROR_CLASSES: tuple[tuple[type[BaseException], type[errors.OpError]], ...] = (
    (errors.OpError, errors.UnknownError),
    (ValueError, errors.InvalidArgumentError),
    (TypeError, errors.InvalidArgumentError),
    (StopIteration, errors.OutOfRangeError),
    (MemoryError, errors.ResourceExhaustedError),
    (NotImplementedError, errors.UnimplementedError),
)


def _py_function_kernel(*values: np.ndarray, func, Tout, label) -> tuple[np.ndarray, ...]:
    """EFFECT-3: the Python callable runs now, whenever its op executes."""
    note("EFFECT-3", "ts.py_function calls %s", getattr(func, "__name__", func))
    assert context.executing_eagerly(), "py_function bodies run outside any trace"
    try:
        result = func(*(EagerTensor(v, dtypes.as_dtype(v.dtype)) for v in values))
    except Exception as error:  # a failure of the user's callable is a run-time error
        raise _mapped(error) from error
    results = [] if result is None else list(result) if isinstance(result, (list, tuple)) else [result]
    if len(results) < len(Tout):
        raise errors.InvalidArgumentError(
            f"{label} returns {len(results)} values, but expects to see {len(Tout)} values.")
    try:  # extra results are dropped, as TensorFlow zips them with Tout
        return tuple(convert_to_tensor(r, dtype=d)._value for r, d in zip(results, Tout))
    except (TypeError, ValueError) as error:
        raise _mapped(error) from error


def _mapped(error: BaseException) -> errors.OpError:
    """EFFECT-3: the callback's exception as the OpError TensorFlow maps its class to."""
    kind = next((mapped for cls, mapped in _ERROR_CLASSES if isinstance(error, cls)),
                errors.UnknownError)
    note("EFFECT-3", "the callback raised %s: %s", type(error).__name__, kind.__name__)
    text = error.message if isinstance(error, errors.OpError) else str(error)
    return kind(f"{type(error).__name__}: {text}")


py_function_p = Primitive(
    "py_function", _py_function_rule, _py_function_kernel, stateful=True, multiple_results=True,
    node_name="EagerPyFunc",
)
_py_functions = itertools.count()
gradients.not_differentiable(py_function_p)  # TensorFlow differentiates its callable: not yet


def py_function(func: Callable[..., Any], inp: Sequence[object], Tout: object):
    """Run the Python callable ``func`` eagerly on every execution, even inside a graph.

    ``Tout`` is a dtype (one tensor returned) or a list of dtypes (a list returned).
    Extra results are dropped, missing ones are an error. Inside a graph the
    outputs have unknown shape, and with no outputs the op itself is returned.
    """
    single = not isinstance(Tout, (list, tuple))
    out_dtypes = tuple(dtypes.as_dtype(d) for d in ([Tout] if single else Tout))
    inputs = [convert_to_tensor(v) for v in inp]
    outputs = bind(py_function_p, *inputs, func=func, Tout=out_dtypes,
                   label=f"pyfunc_{next(_py_functions)}")
    if single:
        return outputs[0]
    if not out_dtypes and not context.executing_eagerly():
        return Operation("py_function")
    return list(outputs)
