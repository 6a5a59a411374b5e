"""Variables: mutable state that traced functions capture by reference (``ts.Variable``).

A variable holds a value that ops can read and overwrite. In a graph it is represented by
its *handle*: an eager tensor of dtype ``resource`` whose value is the variable itself. A
graph captures the handle, never the value (VAR-2), or receives it as an argument (VAR-8).
Reading is the op ``read_variable`` and writing the stateful ops ``assign_variable``,
``assign_add_variable`` and ``assign_sub_variable``; they run when the graph executes, and
the interpreter runs them in program order (VAR-7). Every op input that is a variable is read
right there (``primitive.bind``), so ``v + 1`` is ``read_variable`` then ``add``.

Where a variable may be created is decided by the innermost *creation scope*: anywhere in
eager code, but inside a trace only when the ``ts.function`` being traced allows it
(``creation_scope``; the rules are VAR-3 to VAR-6 in ``polymorphic_function.py``).

``ts.Variable`` is a ``ts.Tensor`` here so that every op accepts it; in TensorFlow
``isinstance(v, tf.Tensor)`` is False, while ``tf.is_tensor(v)`` is True, as here.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import context, eager_switch, errors, gradients, policies, trace_type
from .conversion import convert_to_tensor
from .dtypes import DType
from .primitive import Primitive, bind
from .tensor import EagerTensor, SymbolicTensor, Tensor
from .tensor_spec import Shape, TensorSpec, as_shape, format_shape
from .verbose import note

resource = DType("resource", np.dtype(object), "resource")
"""The dtype of handles: a handle's value is the variable it refers to."""


def is_handle(tensor: Tensor) -> bool:
    return tensor.dtype is resource


def variable_of(handle: np.ndarray) -> Variable:
    """The variable a handle's value refers to."""
    return handle[()]


# -- the ops on a handle -------------------------------------------------------------------

def _read_rule(handle: TensorSpec, *, spec: TensorSpec) -> TensorSpec:
    return spec


def _read_kernel(handle: np.ndarray, *, spec: TensorSpec) -> np.ndarray:
    """VAR-2: the value the variable holds when the op runs."""
    return variable_of(handle)._storage.copy()


read_variable_p = Primitive("read_variable", _read_rule, _read_kernel, node_name="ReadVariableOp")


@gradients.defvjp(read_variable_p)
def _read_vjp(ct, handle, **_):
    """GRAD-3: every read of a variable sends its cotangent to the variable (its handle)."""
    return ct


def _assign_rule(handle: TensorSpec, value: TensorSpec) -> tuple[()]:
    return ()


def _assign_kernel(handle: np.ndarray, value: np.ndarray) -> tuple[()]:
    """VAR-10: overwrite the value; a shape the trace could not check is checked now."""
    variable = variable_of(handle)
    if not _compatible(value.shape, variable.shape):
        note("VAR-10", "the assigned value has the wrong shape at run time")
        raise errors.InvalidArgumentError(
            "Trying to assign to variable with tensor with wrong shape. Expected "
            f"{_dims(variable.shape)} got {_dims(value.shape)}"
        )
    variable._store(value)
    return ()


def _update_rule():
    def rule(handle: TensorSpec, delta: TensorSpec, *, spec: TensorSpec) -> tuple[()]:
        """VAR-10: ``assign_add``/``assign_sub`` need the variable's exact shape: no broadcasting."""
        if spec.shape is None or delta.shape is None:
            return ()
        if len(spec.shape) != len(delta.shape):
            raise ValueError(f"Shapes must be equal rank, but are {len(spec.shape)} and {len(delta.shape)}")
        for index, (a, b) in enumerate(zip(spec.shape, delta.shape)):
            if a is not None and b is not None and a != b:
                raise ValueError(
                    f"Dimension {index} in both shapes must be equal, but are {a} and {b}. Shapes "
                    f"are {_dims(spec.shape)} and {_dims(delta.shape)}."
                )
        return ()

    return rule


def _update_kernel(numpy_op):
    def run(handle: np.ndarray, delta: np.ndarray, *, spec: TensorSpec) -> tuple[()]:
        variable = variable_of(handle)
        current = variable._storage
        if delta.shape != current.shape:
            raise errors.InvalidArgumentError(
                f"Cannot update variable with shape {_dims(current.shape)} using a Tensor with "
                f"shape {_dims(delta.shape)}, shapes must be equal."
            )
        with np.errstate(all="ignore"):
            variable._store(numpy_op(current, delta).astype(current.dtype))
        return ()

    return run


assign_variable_p = Primitive("assign_variable", _assign_rule, _assign_kernel, stateful=True,
                              multiple_results=True, node_name="AssignVariableOp")
assign_add_variable_p = Primitive("assign_add_variable", _update_rule(), _update_kernel(np.add),
                                  stateful=True, multiple_results=True, node_name="AssignAddVariableOp")
assign_sub_variable_p = Primitive("assign_sub_variable", _update_rule(), _update_kernel(np.subtract),
                                  stateful=True, multiple_results=True, node_name="AssignSubVariableOp")


def _initialize_kernel(handle: np.ndarray, value: np.ndarray) -> tuple[()]:
    """VAR-1, VAR-4: give a variable its initial value, unless it has one (created while tracing)."""
    variable = variable_of(handle)
    if not variable._initialized:
        variable._store(value)
    return ()


initialize_variable_p = Primitive("initialize_variable", _assign_rule, _initialize_kernel,
                                  stateful=True, multiple_results=True, node_name="AssignVariableOp")
gradients.not_differentiable(assign_variable_p, assign_add_variable_p, assign_sub_variable_p,
                             initialize_variable_p)  # GRAD-3: writes are not differentiable


# -- where variables may be created ----------------------------------------------------------

_scopes = threading.local()

SINGLETON_ERROR = (
    "ts.function only supports singleton ts.Variables created on the first call. Make sure the "
    "ts.Variable is only created once or created outside ts.function. See "
    "https://www.tensorflow.org/guide/function#creating_tfvariables for more information."
)


@contextlib.contextmanager
def creation_scope(created: list[Variable] | None) -> Iterator[None]:
    """While tracing inside this scope, variables are created into ``created`` (``None``: forbidden)."""
    stack = _scopes.__dict__.setdefault("stack", [])
    stack.append(created)
    try:
        yield
    finally:
        stack.pop()


def _creation_allowed_into() -> list[Variable] | None:
    """Where a variable created now is recorded (``None`` when executing eagerly)."""
    if context.executing_eagerly():
        note("VAR-1", "a variable is created eagerly")
        if eager_switch.functions_run_eagerly():
            note("VAR-9", "functions run eagerly: no creation rule applies, each call creates anew")
        return None
    stack = _scopes.__dict__.get("stack") or [[]]
    if stack[-1] is None:
        note("VAR-5", "creating a variable in a trace that forbids it")
        raise ValueError(SINGLETON_ERROR)
    note("VAR-3", "a variable is created while tracing a first call")
    return stack[-1]


# -- the variable --------------------------------------------------------------------------

class Variable(Tensor):
    """A mutable tensor-like value (``ts.Variable``): read where used, written by ``assign``."""

    def __init__(
        self,
        initial_value: Any = None,
        trainable: bool | None = None,
        *,
        name: str | None = None,
        dtype: Any = None,
        shape: Any = None,
    ):
        if policies.current().variables == "unsupported":
            note("VAR-12", "this backend has no variables")
            raise NotImplementedError(
                "Variables are not supported under the policy variables='unsupported' (a backend "
                "without mutable state); keep state outside the function and pass it in."
            )
        if initial_value is None:
            raise ValueError(
                "The `initial_value` arg to `ts.Variable` must be specified except when you are "
                "not providing a `variable_def`. You provided neither."
            )
        if name is not None and not isinstance(name, str):
            raise ValueError("name for name_scope must be a string.")
        created = _creation_allowed_into()
        if callable(initial_value):
            initial_value = initial_value()
        value = _initial_tensor(initial_value, dtype)
        declared = value.spec.shape if shape is None else as_shape(shape)
        if not _compatible(value.spec.shape, declared):
            raise ValueError(
                "In this `ts.Variable` creation, the initial value's shape "
                f"({format_shape(value.spec.shape)}) is not compatible with the explicitly supplied "
                f"`shape` argument ({shape})."
            )
        self._dtype = value.dtype
        self._shape = declared
        self.name = f"{'Variable' if name is None else name}:0"
        self.trainable = True if trainable is None else trainable
        self._storage = np.zeros((0,), value.dtype.numpy_dtype)  # read before initialisation
        self._initialized = False
        self._id = next(_ids)
        cell = np.empty((), dtype=object)
        cell[()] = self
        self.handle = EagerTensor(cell, resource)
        bind(initialize_variable_p, self.handle, value)
        if created is not None:
            created.append(self)

    def _store(self, value: np.ndarray) -> None:
        self._storage = np.array(value, dtype=self._dtype.numpy_dtype)
        self._initialized = True

    # reading -----------------------------------------------------------------------------
    def read_value(self) -> Tensor:
        """The value now, as a tensor (a ``read_variable`` op: VAR-2, VAR-7)."""
        note("VAR-2", "variable %s is read when the op runs", self.name)
        _accessed(self)
        return bind(read_variable_p, self.handle, spec=TensorSpec(self._shape, self._dtype))

    value = read_value

    def numpy(self) -> np.ndarray | np.generic:
        if not context.executing_eagerly():
            note("VAR-2", "a variable has no value while tracing")
            raise NotImplementedError("numpy() is only available when eager execution is enabled.")
        return self.read_value().numpy()

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.numpy(), dtype=dtype)

    def __bool__(self) -> bool:
        return bool(self.read_value())

    def __int__(self) -> int:
        return int(self.read_value())

    def __float__(self) -> float:
        return float(self.read_value())

    def __iter__(self):
        return iter(self.read_value())

    # writing -----------------------------------------------------------------------------
    def assign(self, value: Any, read_value: bool = True) -> UnreadVariable | None:
        """Overwrite the value (a stateful ``assign_variable`` op that always runs: VAR-7)."""
        value = self._converted(value)
        if not _compatible(value.spec.shape, self._shape):
            note("VAR-10", "the assigned value has the wrong shape")
            raise ValueError(
                f"Cannot assign value to variable ' {self.name}': Shape mismatch.The variable shape "
                f"{format_shape(self._shape)}, and the assigned value shape {format_shape(value.spec.shape)} "
                "are incompatible."
            )
        return self._write(assign_variable_p, value, read_value)

    def assign_add(self, delta: Any, read_value: bool = True) -> UnreadVariable | None:
        """Add ``delta`` (same shape: no broadcasting) as a stateful op."""
        return self._write(assign_add_variable_p, self._converted(delta), read_value)

    def assign_sub(self, delta: Any, read_value: bool = True) -> UnreadVariable | None:
        """Subtract ``delta`` (same shape: no broadcasting) as a stateful op."""
        return self._write(assign_sub_variable_p, self._converted(delta), read_value)

    def _converted(self, value: Any) -> Tensor:
        note("VAR-10", "the value written to %s converts to its dtype", self.name)
        return convert_to_tensor(value, dtype=self._dtype)

    def _write(self, primitive: Primitive, value: Tensor, read_value: bool) -> UnreadVariable | None:
        note("VAR-7", "%s of %s is a stateful op", primitive.name, self.name)
        _accessed(self)
        attrs = {} if primitive is assign_variable_p else {"spec": TensorSpec(self._shape, self._dtype)}
        bind(primitive, self.handle, value, **attrs)
        return UnreadVariable(self) if read_value else None

    # as a traced function's argument -------------------------------------------------------
    def __ts_trace_type__(self, aliases: dict[int, int]) -> VariableSpec:
        """VAR-8: keyed by shape, dtype, trainable and which arguments are the same variable."""
        note("VAR-8", "a variable argument is keyed by its spec, not its value")
        alias_id = aliases.setdefault(id(self.handle), len(aliases))
        return VariableSpec(self._shape, self._dtype, self.trainable, alias_id)

    # Python protocols ----------------------------------------------------------------------
    def __hash__(self) -> int:
        raise TypeError(f"Variable is unhashable. Instead, use variable.ref() as the key. "
                        f"(Variable: {self!r})")

    def __eq__(self, other: Any) -> Any:
        if other is None:
            raise _none_error()
        return self.read_value() == other

    def __ne__(self, other: Any) -> Any:
        if other is None:
            raise _none_error()
        return self.read_value() != other

    def __repr__(self) -> str:
        head = f"<ts.Variable '{self.name}' shape={format_shape(self._shape)} dtype={self._dtype.name}"
        if not context.executing_eagerly():
            return head + ">"
        value = self._storage
        text = repr(value.item()) if value.ndim == 0 else repr(value)
        return f"{head}, numpy={chr(10) if chr(10) in text else ''}{text}>"

    __str__ = __repr__


class UnreadVariable(Variable):
    """What ``assign`` returns: the same variable, read wherever it is used (not a snapshot)."""

    def __init__(self, variable: Variable):  # not super().__init__: that makes a new variable
        self._parent = variable
        self._dtype = variable._dtype
        self._shape = variable._shape
        self.name = "UnreadVariable"
        self.trainable = variable.trainable
        self._id = variable._id
        self.handle = variable.handle

    @property
    def _storage(self) -> np.ndarray:
        return self._parent._storage


_ids = iter(range(1, 2**63))


def _none_error() -> ValueError:
    return ValueError("Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) "
                      "to a Tensor.")


def _initial_tensor(value: Any, dtype: Any) -> Tensor:
    """VAR-1: the initial value as a tensor: ``dtype`` converts Python values, never tensors."""
    if isinstance(value, Variable):
        value = value.read_value()
    try:
        return convert_to_tensor(value, dtype=dtype)
    except ValueError as error:
        if isinstance(value, Tensor):
            raise ValueError(f"initial_value: {error}") from None
        raise


def _compatible(a: Shape, b: Shape) -> bool:
    """Shapes that may describe the same tensor: equal ranks and equal known dimensions."""
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def _dims(shape: Shape) -> str:
    return "?" if shape is None else "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _accessed(variable: Variable) -> None:
    """Tell the gradient tapes recording here that ``variable`` is used (GRAD-3)."""
    for tape in context.tapes():
        tape.variable_accessed(variable)


@dataclass(frozen=True)
class VariableSpec(trace_type.TraceType):
    """The trace type of a variable argument (VAR-8); the body sees the variable itself."""

    shape: Shape
    dtype: DType
    trainable: Any
    alias_id: int

    def placeholder(self, value: Variable, make_placeholder: Callable[[TensorSpec], Tensor]) -> Variable:
        handle = make_placeholder(TensorSpec((), resource))
        assert isinstance(handle, SymbolicTensor)
        handle.graph.use_handle(value.handle, handle)
        return value

    def tensors(self, value: Variable) -> list[Tensor]:
        return [value.handle]

    def __repr__(self) -> str:
        return (f"VariableSpec(shape={format_shape(self.shape)}, dtype={self.dtype!r}, "
                f"trainable={self.trainable!r}, alias_id={self.alias_id})")
