"""``ts.TensorArray``: a list of tensors that loops can grow, in both modes.

Appending to a Python list inside a graph loop cannot work: the loop body is traced once,
so the list would hold one symbolic tensor of a finished sub-graph (CF-9, AG-11). A
``TensorArray`` is the graph's own list, and it behaves differently in each mode, as
TensorFlow's does (CF-10):

* **Eagerly** it is a mutable Python list of eager tensors. ``write`` changes it in place
  (and returns it), and by default ``read`` clears the element it reads
  (``clear_after_read``): reading it again is an error, and ``stack`` shows zeros there
  (after which reading it gives those zeros).
* **Traced** it is a value: a variant tensor holding an immutable list (a "flow", see
  ``variant.py``) that the ``tensor_list_*`` primitives below make and read. ``write``
  returns a *new* TensorArray and leaves the old one alone, so a loop must reassign it:
  ``ta = ta.write(i, x)``. Reads never clear.

Unwritten elements read and stack as zeros of the element shape. All elements share one
shape: the first write fixes it unless ``element_shape`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import context, dtypes, errors, gradients, variant
from .conversion import convert_to_tensor
from .ops.shaping import stack as stack_op
from .primitive import Primitive, bind
from .tensor import EagerTensor, Tensor
from .tensor_shape import TensorShape
from .tensor_spec import Shape, TensorSpec, format_shape
from .verbose import note


class TensorArray:
    """``ts.TensorArray(dtype, size, dynamic_size=False, clear_after_read=True, element_shape=None)``."""

    def __init__(self, dtype: object, size: object = None, dynamic_size: bool | None = None,
                 clear_after_read: bool | None = None, element_shape: object = None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._element_shape: Shape = None if element_shape is None else TensorShape(
            element_shape.dims if isinstance(element_shape, TensorShape) else element_shape).dims
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is enabled.")
        graph = context.current_graph()
        if graph is None:
            note("CF-10", "eagerly, a TensorArray is a mutable Python list")
            self._items: list = [None] * int(size)
            self._read: set[int] = set()  # indices cleared by a read (clear_after_read)
            self.flow: Tensor | None = None
            self._size: int | None = None
        else:
            note("CF-10", "traced, a TensorArray is a value in a variant tensor")
            self._items, self._read = [], set()
            length = convert_to_tensor(size, dtype=dtypes.int32)
            self._size = int(size) if isinstance(size, int) and not self._dynamic_size else None
            self.flow = bind(tensor_list_reserve_p, length, dynamic_size=self._dynamic_size)

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def element_shape(self) -> TensorShape:
        return TensorShape(self._element_shape)

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    def with_flow(self, flow: Tensor) -> TensorArray:
        """The same traced TensorArray on another flow (a loop variable, a branch output)."""
        assert self.flow is not None, "an eager TensorArray has no flow"
        new = object.__new__(TensorArray)
        new.__dict__.update(self.__dict__)
        new.flow = flow
        return new

    # -- write ------------------------------------------------------------------------------
    def write(self, index: object, value: object) -> TensorArray:
        """Element ``index`` becomes ``value``: in place eagerly, in a new TensorArray traced."""
        note("CF-9", "TensorArray.write")
        if self.flow is None:
            return self._eager_write(int(index), self._eager_value(value))
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        shape = self._merge_element_shape(value.shape, "Inconsistent shapes: saw {got} but expected {want}")
        written = self.with_flow(bind(tensor_list_write_p, self.flow,
                                      convert_to_tensor(index, dtype=dtypes.int32), value,
                                      dtype=self._dtype))
        written._element_shape = shape
        return written

    def _eager_value(self, value: object) -> EagerTensor:
        tensor = convert_to_tensor(value, dtype_hint=self._dtype)
        if tensor.dtype != self._dtype:
            raise errors.InvalidArgumentError(
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{tensor.dtype.name}")
        return tensor

    def _eager_write(self, index: int, value: EagerTensor) -> TensorArray:
        if index < 0:
            raise errors.OutOfRangeError(f"Writing to negative indices (index {index}) is not allowed.")
        if index >= len(self._items):
            if not self._dynamic_size:
                raise errors.OutOfRangeError(
                    f"Tried to write to index {index} but array is not resizeable and size is: "
                    f"{len(self._items)}")
            self._items += [None] * (index + 1 - len(self._items))
        self._element_shape = self._merge_element_shape(
            value.spec.shape, "Incompatible shape for value ({got}), expected ({want})")
        self._items[index] = value
        return self

    def _merge_element_shape(self, shape: Shape, message: str) -> Shape:
        """The element shape after writing an element of ``shape``: all elements share one."""
        known = self._element_shape
        if known is None or shape is None:
            return shape if known is None else known
        if len(known) != len(shape) or any(a is not None and b is not None and a != b
                                           for a, b in zip(known, shape)):
            raise ValueError(message.format(got=format_shape(shape), want=format_shape(known)))
        return tuple(a if a is not None else b for a, b in zip(known, shape))

    # -- read -------------------------------------------------------------------------------
    def read(self, index: object) -> Tensor:
        """Element ``index`` (zeros if never written); eagerly, by default, this clears it."""
        note("CF-9", "TensorArray.read")
        if self.flow is not None:
            return bind(tensor_list_read_p, self.flow, convert_to_tensor(index, dtype=dtypes.int32),
                        dtype=self._dtype, element_shape=self._element_shape)
        index = int(index)
        if index < 0:
            raise errors.OutOfRangeError(f"Reading from negative indices (index {index}) is not allowed.")
        if index >= len(self._items):
            raise errors.OutOfRangeError(
                f"Tried to read from index {index} but array size is: {len(self._items)}")
        if self._items[index] is None and index in self._read:
            raise errors.InvalidArgumentError(
                f"Could not read index {index} twice because it was cleared after a previous read "
                "(perhaps try setting clear_after_read = false?)")
        item = self._zero_if_unwritten(index)
        if self._clear_after_read:
            self._items[index] = None
            self._read.add(index)
        return item

    def _zero_if_unwritten(self, index: int) -> EagerTensor:
        """Eagerly, an unwritten element becomes zeros when it is first read or stacked."""
        if self._items[index] is None:
            shape = self._element_shape
            if shape is None or None in shape:
                raise ValueError(
                    f"Cannot convert a partially known TensorShape {format_shape(shape)} to a Tensor.")
            self._items[index] = EagerTensor(np.zeros(shape, self._dtype.numpy_dtype), self._dtype)
        return self._items[index]

    # -- stack, size, unstack ----------------------------------------------------------------
    def stack(self) -> Tensor:
        """All elements as one tensor with a new leading axis."""
        note("CF-9", "TensorArray.stack")
        if self.flow is not None:
            return bind(tensor_list_stack_p, self.flow, dtype=self._dtype,
                        element_shape=self._element_shape, size=self._size)
        if not self._items:
            return EagerTensor(np.zeros((0, *(self._element_shape or ())), self._dtype.numpy_dtype),
                               self._dtype)
        return stack_op([self._zero_if_unwritten(i) for i in range(len(self._items))])

    def size(self) -> Tensor:
        """The number of elements, an ``int32`` scalar."""
        note("CF-9", "TensorArray.size")
        if self.flow is None:
            return convert_to_tensor(len(self._items), dtype=dtypes.int32)
        if self._size is not None:
            return convert_to_tensor(self._size, dtype=dtypes.int32)
        return bind(tensor_list_size_p, self.flow)

    def unstack(self, value: object) -> TensorArray:
        """The rows of ``value`` as the elements."""
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        if self.flow is None:
            self._items = list(value)
            self._element_shape = value.shape[1:]
            return self
        unstacked = self.with_flow(bind(tensor_list_from_tensor_p, value))
        shape = value.spec.shape
        unstacked._element_shape = None if shape is None else shape[1:]
        unstacked._size = None if shape is None else shape[0]
        return unstacked

    def __repr__(self) -> str:
        mode = "eager" if self.flow is None else "traced"
        shape = format_shape(self._element_shape)
        return f"<ts.TensorArray ({mode}) dtype={self._dtype.name} element_shape={shape}>"


# -- the traced list and its primitives ------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TensorList(variant.Value):
    """What a traced TensorArray's flow holds: the elements (``None`` where unwritten)."""

    items: tuple[np.ndarray | None, ...]
    dynamic_size: bool

    def element(self, index: int, shape: Shape, dtype: dtypes.DType) -> np.ndarray:
        item = self.items[index]
        if item is not None:
            return item
        known = next((i.shape for i in self.items if i is not None), shape)
        if known is None or None in known:
            raise errors.InvalidArgumentError(
                f"Trying to read an uninitialized tensor: element {index} was never written and the "
                f"element shape {format_shape(known)} is not fully defined")
        return np.zeros(known, dtype.numpy_dtype)


def _list(value: np.ndarray) -> TensorList:
    lst = variant.unwrap(value)
    assert isinstance(lst, TensorList), lst
    return lst


def _reserve_kernel(size: np.ndarray, *, dynamic_size: bool) -> np.ndarray:
    return variant.wrap(TensorList((None,) * int(size), dynamic_size))


def _write_kernel(flow: np.ndarray, index: np.ndarray, value: np.ndarray, *, dtype) -> np.ndarray:
    lst, i = _list(flow), int(index)
    if value.dtype != dtype.numpy_dtype:
        raise errors.InvalidArgumentError(
            f"Invalid data types; op elements {dtypes.as_dtype(value.dtype).name} but list elements "
            f"{dtype.name}")
    items = list(lst.items)
    if i >= len(items) and lst.dynamic_size:
        items += [None] * (i + 1 - len(items))
    if not 0 <= i < len(items):
        raise errors.InvalidArgumentError(
            f"Trying to modify element {i} in a list with {len(items)} elements.")
    items[i] = value
    return variant.wrap(TensorList(tuple(items), lst.dynamic_size))


def _read_kernel(flow: np.ndarray, index: np.ndarray, *, dtype, element_shape) -> np.ndarray:
    lst, i = _list(flow), int(index)
    if not 0 <= i < len(lst.items):
        raise errors.InvalidArgumentError(
            f"Trying to access element {i} in a list with {len(lst.items)} elements.")
    return lst.element(i, element_shape, dtype)


def _stack_kernel(flow: np.ndarray, *, dtype, element_shape, size) -> np.ndarray:
    lst = _list(flow)
    if not lst.items:
        if element_shape is None or None in element_shape:
            raise errors.InvalidArgumentError(
                "Tried to stack elements of an empty list with non-fully-defined element_shape: "
                f"{format_shape(element_shape)}")
        return np.zeros((0, *element_shape), dtype.numpy_dtype)
    items = [lst.element(i, element_shape, dtype) for i in range(len(lst.items))]
    for item in items[1:]:
        if item.shape != items[0].shape:
            raise errors.InvalidArgumentError(
                "PartialTensorShape: Incompatible shapes during merge: "
                f"[{','.join(map(str, items[0].shape))}] vs. [{','.join(map(str, item.shape))}]")
    return np.stack(items)


def _from_tensor_kernel(value: np.ndarray) -> np.ndarray:
    return variant.wrap(TensorList(tuple(np.array(row) for row in value), False))


def _stack_rule(flow: TensorSpec, *, dtype, element_shape, size) -> TensorSpec:
    return TensorSpec(None if element_shape is None else (size, *element_shape), dtype)


def _from_tensor_rule(value: TensorSpec) -> TensorSpec:
    if value.shape == ():
        raise ValueError("TensorArray.unstack needs a tensor of rank at least 1, got a scalar.")
    return variant.SPEC


tensor_list_reserve_p = Primitive("tensor_list_reserve", lambda size, **_: variant.SPEC, _reserve_kernel)
tensor_list_write_p = Primitive("tensor_list_write", lambda flow, index, value, **_: variant.SPEC,
                                _write_kernel)
tensor_list_read_p = Primitive(
    "tensor_list_read", lambda flow, index, *, dtype, element_shape: TensorSpec(element_shape, dtype),
    _read_kernel)
tensor_list_stack_p = Primitive("tensor_list_stack", _stack_rule, _stack_kernel)
tensor_list_size_p = Primitive(
    "tensor_list_size", lambda flow: TensorSpec((), dtypes.int32),
    lambda flow: np.array(len(_list(flow).items), np.int32))
tensor_list_from_tensor_p = Primitive("tensor_list_from_tensor", _from_tensor_rule, _from_tensor_kernel)
gradients.not_differentiable(tensor_list_reserve_p, tensor_list_size_p)


def _not_yet(ct, *inputs, **_):
    raise NotImplementedError("Gradients through a ts.TensorArray: not yet (TensorFlow has them); "
                              "carry the values as loop variables instead.")


for _primitive in (tensor_list_write_p, tensor_list_read_p, tensor_list_stack_p, tensor_list_from_tensor_p):
    gradients.defvjp(_primitive)(_not_yet)

