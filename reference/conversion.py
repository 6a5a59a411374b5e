"""TENSOR-1, TENSOR-2: how Python and NumPy values become tensors. All conversion lives here.

One value (``convert_to_tensor``, ``constant``), TENSOR-1:

* a tensor stays itself (a requested dtype must be its own: ``ValueError``);
* a fully known ``TensorShape`` becomes an ``int32`` vector (``int64`` when a
  dimension does not fit); a partly known one cannot be converted;
* a list or tuple holding tensors is packed into one tensor (``ts.stack``);
* NumPy data keeps its dtype, or is cast to a requested one as NumPy casts
  (``1.5`` becomes ``1``); text becomes UTF-8 ``bytes``;
* Python data gets a default dtype: ``bool``; ``int32`` (``int64`` when a value
  does not fit); ``float32``; ``string``. A requested dtype is honoured only
  where no information is lost by kind (``bool`` to a number, ``int`` to a
  float): an ``int`` is never a ``bool`` and a ``float`` never an ``int``.
  Integers wrap into a requested integer dtype, as TensorFlow's do.
* ``None`` is no value: ``ValueError``.

Eagerly the result is an eager tensor. Inside a trace it is a graph constant,
a symbolic tensor like any other (no ``.numpy()``, no ``bool()``). The errors
are TensorFlow's, whose texts differ by mode: eagerly a failed conversion reads
``Cannot convert 1.5 to EagerTensor of dtype int32``, while tracing
``Expected int32, but got 1.5 of type 'float'.``. A few values convert in one
mode only, as in TensorFlow: eagerly mixed ``bool``/number lists and floats
beyond ``float32``'s range are refused; a trace accepts them (``inf``).

An op's inputs (the ``*_inputs`` functions), TENSOR-2: ops never promote, so
every input of one dtype slot must end up with the same dtype, and a Python
value is converted to it where it can be:

* most ops (``matching_inputs``): eagerly the first *tensor* among the inputs
  decides and the others convert to its dtype (``ts.subtract(1, x)`` is
  ``float32`` for a ``float32`` ``x``); while tracing the inputs convert in
  order, so a leading Python value decides (``ts.subtract(1, x)`` is then a
  dtype mismatch): TensorFlow's eager and graph op builders differ here;
* ``add``, ``matmul`` and ``/`` (``hinted_inputs``): the first input converts
  on its own and the second tries the first's dtype, falling back to its own;
* lists (``listed_inputs``, for ``concat`` and ``stack``): the first tensor in
  the list decides, in both modes;
* inputs with a dtype of their own (``op_input``), possibly fixed by the op:
  the condition of ``where``, the operands of logical ops.

Under ``python_scalar_arguments="weak-tensor"`` (JAX, TRACE-4) an op's weakly typed tensors (a
Python scalar argument, traced) are first given its other operands' dtype, as a Python value would
be (``weak_adopted``).

Checking the result (one dtype, an allowed dtype) is the op's rule
(``ops/checks.py``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from . import context, dtypes, errors, policies
from .ops import checks
from .tensor import EagerTensor, Tensor
from .tensor_shape import TensorShape
from .verbose import note

_FAILED = ("Failed to convert elements of {!r} to Tensor. Consider casting elements to a supported "
           "type. See https://www.tensorflow.org/api_docs/python/tf/dtypes for supported TF dtypes.")


def convert_to_tensor(value: object, dtype: object = None, dtype_hint: object = None,
                      name: str | None = None) -> Tensor:
    """Turn ``value`` into a tensor (``ts.convert_to_tensor``); see the module docstring.

    ``dtype`` is required of the result; ``dtype_hint`` is tried first and
    dropped if the value does not convert to it. Inside a trace a new constant
    node is called ``name`` (``Const`` unless told).
    """
    want = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if want is not None and value.dtype != want:
            raise ValueError(
                f"Tensor conversion requested dtype {want.name} for Tensor with dtype "
                f"{value.dtype.name}: {value!r}"
            )
        return value
    note("TENSOR-1", "converting a %s to a tensor", type(value).__name__)
    if want is None and dtype_hint is not None:
        try:
            return convert_to_tensor(value, dtype=dtype_hint, name=name)
        except (TypeError, ValueError):
            pass
    if isinstance(value, (list, tuple)) and _holds_tensor(value):
        return _pack(value, want, name or "packed")
    return _as_graph_value(_to_eager(value, want), name)


def constant(value: object, dtype: object = None, shape: object = None, name: str = "Const") -> Tensor:
    """A constant tensor holding ``value`` (``ts.constant``); NumPy input is cast to ``dtype``.

    An eager tensor is copied; a symbolic one (inside a trace) is refused.
    """
    want = None if dtype is None else dtypes.as_dtype(dtype)
    note("TENSOR-1", "ts.constant of a %s", type(value).__name__)
    tracing = context.current_graph() is not None
    if tracing and isinstance(value, TensorShape):  # TensorFlow's quirk: constant() reads it as one value
        raise ValueError(f"Expected values {value} to be a dense tensor with shape [], but got "
                         f"shape [{len(value)}].")
    if isinstance(value, Tensor):
        if not isinstance(value, EagerTensor):
            if want is not None:
                raise TypeError(f"Expected {want.name}, but got {value} of type "
                                f"'{type(value).__name__}'.")
            raise TypeError("Expected any non-tensor type, but got a tensor instead.")
        if want is not None and value.dtype != want:
            raise TypeError(f"Expected tensor {value.numpy()} with dtype {want!r}, but got dtype "
                            f"{value.dtype!r}.")
        value = value.numpy()
    elif isinstance(value, (list, tuple)) and _holds_tensor(value):
        if tracing:
            raise TypeError("Expected any non-tensor type, but got a tensor instead.")
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
    tensor = _to_eager(value, want)
    if shape is not None:
        tensor = _reshaped(tensor, value, tuple(int(d) for d in shape), tracing)  # type: ignore[union-attr]
    return _as_graph_value(tensor, name)


def _reshaped(tensor: EagerTensor, value: object, target: tuple, tracing: bool) -> EagerTensor:
    """``ts.constant(value, shape=...)``: a single value fills the shape, else sizes must agree."""
    array = tensor._value
    size = int(np.prod(target))
    if array.size == 1:
        return EagerTensor(np.full(target, array.reshape(())), tensor.dtype)
    if array.size == size:
        return EagerTensor(array.reshape(target), tensor.dtype)
    shown = "(" + ", ".join(map(str, target)) + ("," if len(target) == 1 else "") + ")"
    if tracing:
        raise TypeError(f"Expected Tensor's shape: {shown}, but got {tuple(array.shape)}.")
    raise TypeError(f"Eager execution of ts.constant with unsupported shape. Tensor {array} "
                    f"(converted from {value!r}) has {array.size} elements, but got `shape` "
                    f"{shown} with {size} elements).")


# -- an op's inputs (TENSOR-2) ---------------------------------------------------------------

def matching_inputs(op: str, values: Sequence[object], params: Sequence[str],
                    allowed: Sequence[dtypes.DType] | None = None) -> list[Tensor]:
    """Inputs that must share one dtype, converted as TensorFlow's op builders do in each mode."""
    values = weak_adopted(values)
    if policies.current().type_promotion == "jax-strict":
        return promoted_inputs(op, values, params)
    note("TENSOR-2", "%s converts its Python operands to its tensors' dtype", op)
    if context.current_graph() is None:
        # Eagerly: the first tensor decides, or else the first value converted on its own.
        dtype = next((v.dtype for v in values if isinstance(v, Tensor)), None)
        tensors = []
        for value in values:
            tensors.append(value if isinstance(value, Tensor) else convert_to_tensor(value, dtype))
            dtype = dtype or tensors[-1].dtype
        return tensors
    # Tracing: in order; the first input fixes the dtype the others must convert to.
    tensors = []
    dtype = None
    for value, param in zip(values, params):
        tensor = _graph_input(op, param, value, dtype)
        if dtype is None:
            if allowed is not None:
                try:
                    checks.check_allowed(op, param, tensor.spec, allowed)
                except checks.DtypeError as error:
                    raise checks.plain(error) from None
            dtype = tensor.dtype
        tensors.append(tensor)
    return tensors


def hinted_inputs(x: object, y: object, names: tuple[str, str] = ("x", "y"), op: str = "add") -> list[Tensor]:
    """``add``, ``matmul``, ``/``: ``x`` converts on its own, ``y`` tries ``x``'s dtype first."""
    x, y = weak_adopted((x, y))
    if policies.current().type_promotion == "jax-strict":
        return promoted_inputs(op, (x, y), names)
    first = convert_to_tensor(x, name=names[0])
    if isinstance(y, Tensor):
        return [first, y]
    note("TENSOR-2", "the second operand tries the dtype of the first")
    return [first, convert_to_tensor(y, dtype_hint=first.dtype, name=names[1])]


def listed_inputs(op: str, values: Sequence[object], param: str = "values") -> list[Tensor]:
    """A list input (``concat``, ``stack``): the first tensor in the list gives the dtype."""
    values = weak_adopted(values)
    if policies.current().type_promotion == "jax-strict":
        return promoted_inputs(op, values, [_nth(param, i) for i in range(len(values))])
    note("TENSOR-2", "the first tensor in the list passed to %s gives the dtype", op)
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), None)
    if context.current_graph() is None:
        tensors = []
        for value in values:
            tensors.append(value if isinstance(value, Tensor) else convert_to_tensor(value, dtype))
            dtype = dtype or tensors[-1].dtype
        return tensors
    try:
        tensors = [v if isinstance(v, Tensor) else convert_to_tensor(v, dtype, name=_nth(param, i))
                   for i, v in enumerate(values)]
    except (TypeError, ValueError):
        tensors = None
    if tensors is not None and len({t.dtype for t in tensors}) <= 1:
        return tensors
    observed = []
    for value in values:
        try:
            observed.append(convert_to_tensor(value).dtype.name)
        except (TypeError, ValueError):
            observed.append("<NOT CONVERTIBLE TO TENSOR>")
    raise TypeError(f"Tensors in list passed to '{param}' of '{op}' Op have types "
                    f"[{', '.join(observed)}] that don't all match.")


def weak_adopted(values: Sequence[object]) -> list[object]:
    """TRACE-4 under ``python_scalar_arguments="weak-tensor"``: an op's weakly typed tensors take
    the dtype of its other operands, as a Python scalar does (JAX's weak types).

    With a strongly typed operand (a tensor or NumPy value), a weak ``int`` is cast to its dtype if
    that is an integer or float dtype, a weak ``float`` if it is a float dtype; otherwise it is
    left as it is, for the op to refuse. Among weak tensors and Python numbers alone the kinds
    promote ``int`` < ``float``: all become the default dtype of the widest kind (``python_dtype``),
    weakly typed. Without a weak tensor the values are returned as they are.
    """
    if not any(isinstance(v, Tensor) and v.weak for v in values):
        return list(values)
    strong = next((v.dtype for v in values if isinstance(v, Tensor) and not v.weak), None) or next(
        (dtypes.as_dtype(v.dtype) for v in values if isinstance(v, (np.ndarray, np.generic))), None)
    if strong is not None:
        note("TRACE-4", "python_scalar_arguments='weak-tensor': a weak operand takes the dtype %s",
             strong.name)
        return [_cast(v, strong) if isinstance(v, Tensor) and v.weak
                and _adopts(_PYTHON[_weak_kind(v.dtype)], strong) else v for v in values]
    kinds = {_weak_kind(v.dtype) if isinstance(v, Tensor) else _kind_of(v) for v in values
             if isinstance(v, (Tensor, int, float))}
    dtype = python_dtype(float if "float" in kinds else int) if kinds <= {"int", "float"} else None
    if dtype is None:  # a weak bool: nothing to promote
        return list(values)
    note("TRACE-4", "python_scalar_arguments='weak-tensor': weak operands promote to a weak %s", dtype.name)
    adopted = []
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = convert_to_tensor(value, dtype)
        elif not isinstance(value, Tensor):
            adopted.append(value)
            continue
        adopted.append(_cast(value, dtype))
        adopted[-1].weak = True
    return adopted


def _weak_kind(dtype: dtypes.DType) -> str:
    return "float" if dtype.is_floating else "int" if dtype.is_integer else "bool"


def _cast(tensor: Tensor, dtype: dtypes.DType) -> Tensor:
    from .ops.arithmetic import cast  # ops import this module

    return tensor if tensor.dtype == dtype else cast(tensor, dtype)


def python_dtype(kind: type) -> dtypes.DType:
    """TENSOR-1: the default dtype of a Python ``bool``, ``int`` or ``float`` (of a small one: the
    dtype ``1`` or ``1.0`` converts to); a weak scalar argument has it (TRACE-4)."""
    value = kind(1)
    return _default_dtype(value, [value], {_kind_of(value)}, tracing=True)
_PYTHON = {"bool": bool, "int": int, "float": float}


def strict_promotion(operands: Sequence[dtypes.DType | type]) -> dtypes.DType | type:
    """TENSOR-2 under ``type_promotion="jax-strict"`` (JAX's strict promotion): the one dtype of
    an op's operands, given as tensors' dtypes and Python operands' types.

    Tensors must share one dtype. A Python ``int`` adopts any integer or float dtype, a ``float``
    a float dtype, a ``bool`` only ``bool``. Python values alone promote along ``int`` <
    ``float`` (a ``bool`` only with ``bool``s), and the result is then their Python type.
    Anything else is JAX's ``TypePromotionError`` (a ``ValueError``), in both modes.
    """
    note("TENSOR-2", "type_promotion='jax-strict': one dtype; a Python operand adopts it by kind")
    strong = [d for d in operands if isinstance(d, dtypes.DType)]
    python = [t for t in operands if not isinstance(t, dtypes.DType)]
    if strong:
        first = strong[0]
        other = next((d for d in strong if d != first), None) or next(
            (t for t in python if not _adopts(t, first)), None)
        if other is not None:
            raise _promotion_error(first, other)
        return first
    kinds = set(python)
    if len(kinds) > 1 and bool in kinds:
        raise _promotion_error(bool, next(t for t in python if t is not bool))
    return float if float in kinds else python[0]


def _adopts(kind: type, dtype: dtypes.DType) -> bool:
    """Whether a Python operand (or a weak tensor, TRACE-4) of kind ``kind`` takes ``dtype`` under
    strict promotion: an int any number dtype, a float a float dtype, a bool only bool."""
    if kind is float:
        return dtype.is_floating
    if kind is int:
        return dtype.is_integer or dtype.is_floating
    return dtype.is_bool


def _promotion_error(*operands: dtypes.DType | type) -> errors.TypePromotionError:
    names = tuple(d.name if isinstance(d, dtypes.DType) else "bool" if d is bool else str(d)
                  for d in operands)
    return errors.TypePromotionError(
        f"Input dtypes {names} have no available implicit dtype promotion path when "
        "jax_numpy_dtype_promotion=strict. Try explicitly casting inputs to the desired output type, "
        "or set jax_numpy_dtype_promotion=standard.")


def arraylike(value: object) -> bool:
    """Whether JAX takes ``value`` as an operand: a tensor, NumPy data or a Python number."""
    return isinstance(value, (Tensor, np.ndarray, np.generic, bool, int, float))


def promoted_inputs(op: str, values: Sequence[object], params: Sequence[str]) -> list[Tensor]:
    """An op's operands under ``type_promotion="jax-strict"``, the same in both modes: tensors,
    NumPy values and Python numbers only (a list or ``None`` is JAX's ``TypeError``), one dtype
    by ``strict_promotion``, and Python ints wrapped into an integer dtype (``int32 + 2**40`` is
    ``int32``)."""
    for position, value in enumerate(values):
        if not arraylike(value):
            raise TypeError(f"{op} requires ndarray or scalar arguments, got {type(value)} at position "
                            f"{position}.")
    # NumPy data (np.float64 too, a float) is strong: a tensor of its own dtype.
    values = [v if type(v) in (bool, int, float) else convert_to_tensor(v, name=p)
              for v, p in zip(values, params)]
    promoted = strict_promotion([v.dtype if isinstance(v, Tensor) else _PYTHON[_kind_of(v)] for v in values])
    if isinstance(promoted, dtypes.DType):
        dtype = promoted
    else:
        dtype = _default_dtype(values, values, {_kind_of(v) for v in values},
                               context.current_graph() is not None)
    tensors = []
    for value, param in zip(values, params):
        if isinstance(value, int) and not isinstance(value, bool) and dtype.is_integer:
            info = np.iinfo(python_dtype(int).numpy_dtype)  # the default int's range, then wrapped
            if not info.min <= value <= info.max:
                raise OverflowError("An overflow was encountered while parsing an argument to a jitted "
                                    f"computation, whose argument path is {param}. Got {type(value)} with "
                                    f"value {value}")
            bits = 32 if dtype == dtypes.int32 else 64
            value = ((value + 2 ** (bits - 1)) % 2**bits) - 2 ** (bits - 1)
        tensors.append(value if isinstance(value, Tensor) else convert_to_tensor(value, dtype, name=param))
    return tensors


_COMPUTED_IN = {"truediv": float, "sqrt": float, "exp": float, "log": float, "reduce_mean": float,
                "reduce_sum": int}


def jax_dtypes() -> bool:
    """Whether ``python_value_dtypes`` is one of JAX's (``"jax-x32"``, ``"jax-x64"``)."""
    return policies.current().python_value_dtypes.startswith("jax-")


def computed_dtype(op: str, dtype: dtypes.DType) -> dtypes.DType | None:
    """OP-3, OP-4, OP-6 under JAX's ``python_value_dtypes``: the dtype JAX computes ``op`` in
    when it is not the input's (None: the input's, or TensorFlow's rule under ``"tf"``).

    ``/``, ``sqrt``, ``exp``, ``log`` and ``reduce_mean`` of ``int32`` or ``bool`` are ``float32``
    (even under x64), of ``int64`` ``float64``; ``reduce_sum`` of a ``bool`` or of an int that is
    not the default int is the default int (``int64`` under x64, ``int32`` under x32).
    """
    kind = _COMPUTED_IN.get(op)
    if not jax_dtypes() or kind is None or not (dtype.is_integer or dtype.is_bool):
        return None
    option = policies.current().python_value_dtypes
    if kind is int:
        default = python_dtype(int)
        if dtype == default:
            return None
        note("OP-6", "python_value_dtypes=%r: the sum of %s is the default int, %s", option, dtype.name,
             default.name)
        return default
    computed = dtypes.float64 if dtype == dtypes.int64 else dtypes.float32
    note("OP-3" if op == "truediv" else "OP-6" if op == "reduce_mean" else "OP-4",
         "python_value_dtypes=%r: %s of %s is computed in %s", option, op, dtype.name, computed.name)
    return computed


def _nth(name: str, index: int) -> str:
    return name if index == 0 else f"{name}_{index}"


def op_input(op: str, param: str, value: object, dtype: dtypes.DType | None = None,
             hint: dtypes.DType | None = None) -> Tensor:
    """An input with a dtype of its own (``hint`` if the value converts to it), or one the op
    fixes (``bool`` for a condition)."""
    if isinstance(value, Tensor):
        return value
    if context.current_graph() is None:
        return convert_to_tensor(value, dtype, dtype_hint=hint)
    return _graph_input(op, param, value, dtype, hint)


def _graph_input(op: str, param: str, value: object, dtype: dtypes.DType | None,
                 hint: dtypes.DType | None = None) -> Tensor:
    """One input as TensorFlow's graph op builder converts it, with its error texts."""
    if isinstance(value, Tensor):
        return value
    try:
        return convert_to_tensor(value, dtype, dtype_hint=hint, name=param)
    except TypeError as error:
        if dtype is None:
            raise
        raise TypeError(f"Expected {dtype.name} passed to parameter '{param}' of op '{op}', got "
                        f"{value!r} of type '{type(value).__name__}' instead. Error: {error}") from None
    except ValueError as error:
        raise ValueError(f"Tried to convert '{param}' to a tensor and failed. Error: {error}") from None


# -- one value ------------------------------------------------------------------------------

def _holds_tensor(value: object) -> bool:
    if isinstance(value, Tensor):
        return True
    return isinstance(value, (list, tuple)) and any(_holds_tensor(v) for v in value)


def _pack(value: list | tuple, want: dtypes.DType | None, name: str) -> Tensor:
    """A list holding tensors: its items converted to the first tensor's dtype, then stacked."""
    from .ops.shaping import pack  # the one op conversion uses; ops import this module

    dtype = want or _first_tensor_dtype(value)
    items = [_pack(v, dtype, "packed") if isinstance(v, (list, tuple)) else
             convert_to_tensor(v, dtype) for v in value]
    return pack(items, name=name)


def _first_tensor_dtype(value: object) -> dtypes.DType | None:
    if isinstance(value, Tensor):
        return value.dtype
    if isinstance(value, (list, tuple)):
        for item in value:
            found = _first_tensor_dtype(item)
            if found is not None:
                return found
    return None


def _as_graph_value(tensor: EagerTensor, name: str | None = None) -> Tensor:
    """Inside a trace a converted value is a constant node of the graph (a symbolic tensor)."""
    graph = context.current_graph()
    return tensor if graph is None else graph.own(tensor, name or "Const")


def _to_eager(value: object, want: dtypes.DType | None) -> EagerTensor:
    """Python or NumPy data as an eager tensor of ``want`` (or of the value's default dtype)."""
    tracing = context.current_graph() is not None
    if isinstance(value, TensorShape):
        return _shape_tensor(value, want)
    if isinstance(value, (np.ndarray, np.generic)):
        return _numpy_tensor(value, want, tracing)
    if value is None:
        raise ValueError("None values not supported." if tracing else
                         "Attempt to convert a value (None) with an unsupported type "
                         "(<class 'NoneType'>) to a Tensor.")
    leaves = list(_flat(value))
    text = next((v for v in leaves if isinstance(v, (str, bytes))), None)
    if text is not None and policies.current().string_values == "unsupported":
        note("TENSOR-1", "string_values='unsupported': a string converts to no tensor")
        raise TypeError(f"Value '{text}' with dtype {np.asarray(text).dtype.str} is not a valid JAX array "
                        "type. Only arrays of numeric types are supported by JAX.")
    if not all(_is_scalar(v) for v in leaves):
        if isinstance(value, (list, tuple)) and not tracing:
            raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
        if tracing:
            raise TypeError(_FAILED.format(value))
        raise ValueError(f"Attempt to convert a value ({value!r}) with an unsupported type "
                         f"({type(value)!r}) to a Tensor.")
    kinds = {_kind_of(v) for v in leaves}
    jax = jax_dtypes()
    if not tracing and not jax:  # eagerly TensorFlow checks the sequence itself first
        _check_sequence(value, leaves, kinds, want)
    dtype = want or _default_dtype(value, leaves, kinds, tracing)
    if jax and want is not None:
        _check_cast(leaves, dtypes.canonical(want))
        note("TENSOR-1", "python_value_dtypes=%r: a requested dtype casts as NumPy casts",
             policies.current().python_value_dtypes)
    bad = _NONE if jax else next((v for v in leaves if not _converts(v, dtype)), _NONE)
    if bad is not _NONE:
        if tracing:
            raise TypeError(f"Expected {dtype.name}, but got {bad} of type '{type(bad).__name__}'.")
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.c_name}")
    try:
        np.array(value)
    except ValueError as error:  # a ragged nest of lists (NumPy's words while tracing)
        raise ValueError(str(error)) from None
    array = np.array(value, dtype=object)
    if dtype == dtypes.string:
        return EagerTensor(_bytes(array), dtype)
    if dtype.is_integer:
        return EagerTensor(_wrapped(array, dtype, tracing), dtype)
    if dtype.is_bool:
        return EagerTensor(array.astype(bool), dtype)
    with np.errstate(all="ignore"):
        return EagerTensor(array.astype(np.float64).astype(dtype.numpy_dtype), dtype)


_NONE = object()


def _flat(value: object):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flat(item)
    else:
        yield value


def _check_sequence(value: object, leaves: list, kinds: set[str], want: dtypes.DType | None) -> None:
    """What TensorFlow's eager conversion rejects before it looks at the dtype."""
    try:
        np.array(value)
    except ValueError:
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
    if len(kinds) > 1 and ("string" in kinds or ("bool" in kinds and (want is None or want.is_bool))):
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
    if (want is None or not want.is_floating) and any(
            _kind_of(v) == "int" and not -(2**63) <= int(v) < 2**63 for v in leaves):
        raise ValueError("Can't convert Python sequence with out-of-range integer to Tensor.")


def _is_scalar(value: object) -> bool:
    return isinstance(value, (bool, numbers.Number, str, bytes, np.generic)) and not isinstance(
        value, (complex, np.complexfloating))


def _kind_of(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return "string"
    if isinstance(value, (numbers.Integral, np.integer)):
        return "int"
    return "float"


def _default_dtype(value: object, leaves: list, kinds: set[str], tracing: bool) -> dtypes.DType:
    """TENSOR-1: the dtype Python data gets, as ``python_value_dtypes`` says.

    ``"tf"``: ``bool``; ``int32`` (``int64`` when a value needs it); ``float32``; ``string``.
    ``"jax-x64"`` (JAX under ``jax_enable_x64``): ``bool``, ``int64``, ``float64``; an empty
    list is ``float64``; a list mixing ``bool`` and numbers promotes as ``type_promotion`` says.
    ``"jax-x32"`` (JAX's default): the same with ``int32`` and ``float32``. Under either an int
    outside the default int's range is an ``OverflowError``.
    """
    if jax_dtypes() and "string" not in kinds:
        option = policies.current().python_value_dtypes
        wide = option == "jax-x64"
        note("TENSOR-1", "python_value_dtypes=%r: Python ints are %s, floats %s", option,
             "int64" if wide else "int32", "float64" if wide else "float32")
        if len(kinds) > 1 and "bool" in kinds:
            if policies.current().type_promotion != "jax-strict":
                raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
            strict_promotion([_PYTHON[_kind_of(v)] for v in leaves])
        if kinds == {"bool"}:
            return dtypes.bool_
        integer = dtypes.int64 if wide else dtypes.int32
        info = np.iinfo(integer.numpy_dtype)
        bad = next((v for v in leaves if _kind_of(v) == "int" and not info.min <= int(v) <= info.max), None)
        if bad is not None:
            raise OverflowError(f"Python integer {bad} out of bounds for {integer.name}"
                                if isinstance(value, (list, tuple)) else
                                f"Python int {bad} too large to convert to {integer.name}")
        if "float" in kinds or not leaves:
            return dtypes.float64 if wide else dtypes.float32
        return integer
    if not leaves:
        return dtypes.float32  # an empty list, as in TensorFlow
    if "string" in kinds:
        if kinds != {"string"}:
            if tracing:
                raise TypeError(_FAILED.format(value))
            raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
        return dtypes.string
    if kinds == {"bool"}:
        return dtypes.bool_
    if "bool" in kinds and not tracing:
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
    if "float" in kinds:
        finite = [abs(float(v)) for v in leaves if np.isfinite(float(v))]
        if not tracing and finite and max(finite) > float(np.finfo(np.float32).max):
            raise ValueError("Can't convert Python sequence with a value out of range for a "
                             "double-precision float.")
        return dtypes.float32
    ints = [int(v) for v in leaves]
    if all(-(2**31) <= v < 2**31 for v in ints):
        return dtypes.int32
    if all(-(2**63) <= v < 2**63 for v in ints):
        return dtypes.int64
    if tracing and not all(-(2**63) <= v < 2**64 for v in ints):
        raise TypeError(_FAILED.format(value))
    # Not modelled: a trace gives TensorFlow's uint64 here; the reference has no uint64.
    raise ValueError("Can't convert Python sequence with out-of-range integer to Tensor.")


def _check_cast(leaves: list, dtype: dtypes.DType) -> None:
    """Under JAX's ``python_value_dtypes`` a requested dtype casts any Python number (``1.5``
    to ``int32`` is ``1``), but an int must fit a requested integer dtype (JAX's text)."""
    if not dtype.is_integer:
        return
    info = np.iinfo(dtype.numpy_dtype)
    bad = next((v for v in leaves if _kind_of(v) == "int" and not info.min <= int(v) <= info.max), None)
    if bad is not None:
        raise OverflowError(f"Python integer {bad} out of bounds for {dtype.name}")


def _converts(value: object, dtype: dtypes.DType) -> bool:
    """Whether a Python scalar converts to ``dtype`` without changing kind (TENSOR-1)."""
    kind = _kind_of(value)
    if dtype == dtypes.string:
        return kind == "string"
    if dtype.is_bool:
        return kind == "bool"
    if dtype.is_integer:
        return kind in ("bool", "int")
    return kind in ("bool", "int", "float")


def _wrapped(array: np.ndarray, dtype: dtypes.DType, tracing: bool) -> np.ndarray:
    """Python ints into an integer dtype: they wrap, as in TensorFlow; beyond 64 bits they fail."""
    ints = [int(v) for v in array.flat]
    if any(not -(2**63) <= v < 2**63 for v in ints):
        if not tracing:
            raise ValueError("Can't convert Python sequence with out-of-range integer to Tensor.")
        if any(not -(2**63) <= v < 2**64 for v in ints):
            raise OverflowError("Python int too large to convert to C long")
    bits = 32 if dtype == dtypes.int32 else 64
    wrapped = [((v + 2 ** (bits - 1)) % 2**bits) - 2 ** (bits - 1) for v in ints]
    return np.array(wrapped, dtype=dtype.numpy_dtype).reshape(array.shape)


def _bytes(array: np.ndarray) -> np.ndarray:
    out = np.empty(array.shape, dtype=object)
    for index, item in np.ndenumerate(array):
        out[index] = item.encode() if isinstance(item, str) else bytes(item)
    return out


def _numpy_tensor(value: np.ndarray | np.generic, want: dtypes.DType | None,
                  tracing: bool) -> EagerTensor:
    """NumPy data keeps its dtype or is cast to ``want``; text becomes UTF-8 bytes."""
    array = np.asarray(value)
    if array.dtype.kind in "OSU":
        item = next((v for v in array.flat if not isinstance(v, (str, bytes))), _NONE)
        if item is not _NONE:
            if tracing:
                raise TypeError(f"Expected binary or unicode string, got {item!r}")
            raise ValueError("Failed to convert a NumPy array to a Tensor (Unsupported object "
                             f"type {type(item).__name__}).")
        if want is None or want == dtypes.string:
            return EagerTensor(_bytes(array), dtypes.string)
        try:  # NumPy parses the text, as TensorFlow lets it
            return EagerTensor(array.astype(want.numpy_dtype), want)
        except ValueError as error:
            raise ValueError(str(error)) from None
    own = dtypes.as_dtype(array.dtype)
    if want is None or want == own:
        return EagerTensor(array, own)
    if want == dtypes.string and not array.size:  # no element to refuse (probed on TF 2.21)
        return EagerTensor(_bytes(array), dtypes.string)
    if want == dtypes.string:
        if tracing:
            raise TypeError(f"Expected binary or unicode string, got {array.flat[0]!r}")
        raise ValueError(f"Failed to convert a NumPy array to a Tensor (Unsupported object type "
                         f"{type(array.flat[0].item()).__name__}).")
    with np.errstate(all="ignore"):
        return EagerTensor(array.astype(want.numpy_dtype), want)


def _shape_tensor(shape: TensorShape, want: dtypes.DType | None) -> EagerTensor:
    """A fully known ``TensorShape`` as an ``int32`` (or ``int64``) vector."""
    if not shape.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a Tensor.")
    dims = shape.as_list()
    if want is not None and not want.is_integer:
        raise TypeError(f"Cannot convert TensorShape {shape} to dtype {want}. Allowed dtypes are "
                        "ts.int32 and ts.int64.")
    fits = all(d < 2**31 for d in dims)  # type: ignore[operator]
    dtype = want or (dtypes.int32 if fits else dtypes.int64)
    return EagerTensor(np.array(dims, dtype=dtype.numpy_dtype), dtype)
