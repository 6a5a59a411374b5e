"""``ts.data.Dataset``: a minimal input pipeline, and why its functions are always traced.

A dataset is a *description* of a pipeline, held in a variant tensor (``variant.py``); the
sources and transformations (``range``, ``from_tensor_slices``, ``map``, ``filter``,
``batch``, ``take``) are ops that make new descriptions, eagerly or inside a trace (DATA-1,
DATA-2). Nothing is computed until the dataset is iterated.

The functions passed to ``map`` and ``filter`` are always traced, once, when the
transformation is made, into a sub-graph, also when ``ts.config.run_functions_eagerly(True)``
is on (DATA-3, DATA-4). So their Python side effects happen once per trace, ``.numpy()``
fails inside them in both modes, and ``ts.print`` inside them runs once per element,
whenever the element is produced. AutoGraph converts them, as it converts ``ts.function``
bodies.

Iterating a dataset eagerly produces eager tensors. In a traced function, AutoGraph turns
``for x in dataset`` into a graph loop: a ``dataset_reduce`` node whose body sub-graph runs
once per element (DATA-5). As a ``ts.function`` argument, a dataset is keyed by its element
spec, not by its contents (DATA-6).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import autograph, context, dtypes, eager_switch, errors, gradients, nest, trace_type, variant
from .control_flow import ControlFlowPrimitive, captures, check_predicate, leaf_tensor, repack, trace_subgraph
from .conversion import convert_to_tensor
from .graph import Graph
from .interpreter import execute
from .ops.arithmetic import cast
from .primitive import Primitive, bind
from .tensor import EagerTensor, Tensor
from .tensor_spec import TensorSpec, most_specific_common_shape
from .verbose import note

__all__ = ["Dataset"]  # ts.data: the namespace programs use

# -- pipelines: what a dataset's variant tensor holds ------------------------------------------


class Pipeline(variant.Value):
    """A pipeline description; ``elements()`` computes its elements (flat lists of arrays)."""

    def elements(self) -> Iterator[list[np.ndarray]]:
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class Range(Pipeline):
    start: int
    stop: int
    step: int
    dtype: dtypes.DType

    def elements(self):
        for value in range(self.start, self.stop, self.step):
            yield [np.array(value, self.dtype.numpy_dtype)]


@dataclass(frozen=True, eq=False)
class Slices(Pipeline):
    components: tuple[np.ndarray, ...]

    def elements(self):
        for index in range(len(self.components[0])):
            yield [np.array(c[index]) for c in self.components]


@dataclass(frozen=True, eq=False)
class Mapped(Pipeline):
    source: Pipeline
    function: Graph
    captured: tuple[np.ndarray, ...]

    def elements(self):
        for element in self.source.elements():
            yield execute(self.function, element, self.captured)


@dataclass(frozen=True, eq=False)
class Filtered(Pipeline):
    source: Pipeline
    predicate: Graph
    captured: tuple[np.ndarray, ...]

    def elements(self):
        for element in self.source.elements():
            if check_predicate(execute(self.predicate, element, self.captured)[0]):
                yield element


@dataclass(frozen=True, eq=False)
class Batched(Pipeline):
    source: Pipeline
    size: int
    drop_remainder: bool

    def elements(self):
        elements = self.source.elements()
        while batch := list(itertools.islice(elements, self.size)):
            if len(batch) < self.size and self.drop_remainder:
                return
            yield [_stack(parts) for parts in zip(*batch)]


def _stack(parts: tuple[np.ndarray, ...]) -> np.ndarray:
    for index, part in enumerate(parts):
        if part.shape != parts[0].shape:
            raise errors.InvalidArgumentError(
                "Cannot batch tensors with different shapes in component 0. First element had shape "
                f"[{','.join(map(str, parts[0].shape))}] and element {index} had shape "
                f"[{','.join(map(str, part.shape))}].")
    return np.stack(parts)


@dataclass(frozen=True, eq=False)
class Taken(Pipeline):
    source: Pipeline
    count: int

    def elements(self):
        elements = self.source.elements()
        yield from elements if self.count < 0 else itertools.islice(elements, self.count)


def _pipeline(value: np.ndarray) -> Pipeline:
    pipeline = variant.unwrap(value)
    assert isinstance(pipeline, Pipeline), pipeline
    return pipeline


# -- the dataset ops --------------------------------------------------------------------------


def _variant_rule(*inputs: TensorSpec, **attrs: Any) -> TensorSpec:
    return variant.SPEC


dataset_range_p = Primitive(
    "dataset_range", _variant_rule,
    lambda start, stop, step, *, dtype: variant.wrap(Range(int(start), int(stop), int(step), dtype)))
dataset_from_tensor_slices_p = Primitive(
    "dataset_from_tensor_slices", _variant_rule,
    lambda *components: variant.wrap(Slices(tuple(components))))
dataset_map_p = ControlFlowPrimitive(
    "dataset_map", _variant_rule,
    lambda source, *captured, function: variant.wrap(Mapped(_pipeline(source), function, captured)))
dataset_filter_p = ControlFlowPrimitive(
    "dataset_filter", _variant_rule,
    lambda source, *captured, predicate: variant.wrap(Filtered(_pipeline(source), predicate, captured)))
dataset_batch_p = Primitive(
    "dataset_batch", _variant_rule,
    lambda source, size, *, drop_remainder: variant.wrap(
        Batched(_pipeline(source), int(size), drop_remainder)))
dataset_take_p = Primitive(
    "dataset_take", _variant_rule, lambda source, count: variant.wrap(Taken(_pipeline(source), int(count))))


def _reduce_rule(source: TensorSpec, *inputs: TensorSpec, body: Graph, test: Graph | None):
    return tuple(t.spec for t in body.outputs)


def _reduce_kernel(source: np.ndarray, *values: np.ndarray, body: Graph, test: Graph | None):
    """DATA-5: the loop body runs once per element, as long as the (``break``) test holds."""
    count = len(body.outputs)
    state, rest = list(values[:count]), values[count:]
    body_captured, test_captured = rest[:len(body.captures)], rest[len(body.captures):]
    for element in _pipeline(source).elements():
        if test is not None and not check_predicate(execute(test, state, test_captured)[0]):
            break
        note("DATA-5", "the dataset loop runs its body for an element")
        state = execute(body, [*element, *state], body_captured)
    return tuple(state)


class _Reduce(ControlFlowPrimitive):
    def is_stateful(self, attrs: dict[str, Any]) -> bool:
        return True  # it consumes a pipeline, whose functions may have effects


dataset_reduce_p = _Reduce("dataset_reduce", _reduce_rule, _reduce_kernel, multiple_results=True)
gradients.not_differentiable(dataset_range_p, dataset_from_tensor_slices_p, dataset_map_p, dataset_filter_p,
                             dataset_batch_p, dataset_take_p, dataset_reduce_p)  # as in TensorFlow


# -- Dataset -----------------------------------------------------------------------------------


class Dataset:
    """``ts.data.Dataset``: a pipeline of elements (tensors, or tuples or dicts of tensors)."""

    def __init__(self, handle: Tensor, element_spec: Any, kind: str):
        self._variant = handle  # a variant tensor holding a Pipeline
        self._element_spec = element_spec
        self._kind = kind

    @property
    def element_spec(self) -> Any:
        """The structure of the elements, with a ``TensorSpec`` per tensor."""
        return self._element_spec

    # sources
    @staticmethod
    def range(*args: object, output_type: object = dtypes.int64) -> Dataset:
        """``range(stop)``, ``range(start, stop[, step])``: like Python's ``range``, as tensors."""
        note("DATA-1", "Dataset.range")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        dtype = dtypes.as_dtype(output_type)
        bounds = [cast(v, dtypes.int64) if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dtypes.int64)
                  for v in (start, stop, step)]
        return Dataset(bind(dataset_range_p, *bounds, dtype=dtype), TensorSpec((), dtype), "_RangeDataset")

    @staticmethod
    def from_tensor_slices(tensors: Any) -> Dataset:
        """The rows of ``tensors`` (a tensor, or a tuple or dict of tensors with one leading size)."""
        note("DATA-1", "Dataset.from_tensor_slices")
        structure = _as_tensors(tensors)
        components = nest.flatten(structure)
        for tensor in components:
            if tensor.shape == ():
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        shapes = [t.spec.shape for t in components]
        sizes = {shape[0] for shape in shapes if shape is not None and shape[0] is not None}
        if len(sizes) > 1:
            first, second = sorted(sizes)[:2]
            raise ValueError(f"Dimensions {first} and {second} are not compatible")
        spec = nest.map_structure(
            lambda t: TensorSpec(None if t.spec.shape is None else t.spec.shape[1:], t.dtype), structure)
        return Dataset(bind(dataset_from_tensor_slices_p, *components), spec, "_TensorSliceDataset")

    # transformations
    def map(self, map_func: Callable[..., Any]) -> Dataset:
        """Apply ``map_func`` to every element (a tuple element is passed as separate arguments)."""
        graph, outputs = self._trace(map_func, "map")
        spec = nest.map_structure(lambda t: leaf_tensor(t).spec, outputs)
        handle = bind(dataset_map_p, self._variant, *captures(graph), function=graph)
        return Dataset(handle, spec, "_MapDataset")

    def filter(self, predicate: Callable[..., Any]) -> Dataset:
        """Keep the elements for which ``predicate`` is true (a ``bool`` scalar)."""
        graph, outputs = self._trace(predicate, "filter")
        if not (isinstance(outputs, Tensor) and outputs.dtype == dtypes.bool_ and outputs.shape == ()):
            shown = leaf_tensor(outputs).spec if isinstance(outputs, (Tensor, bool)) else outputs
            raise ValueError("Invalid `predicate`. `predicate` must return a `ts.bool` scalar tensor, but "
                             f"its return type is {shown!r}.")
        handle = bind(dataset_filter_p, self._variant, *captures(graph), predicate=graph)
        return Dataset(handle, self._element_spec, "_FilterDataset")

    def batch(self, batch_size: int, drop_remainder: bool = False) -> Dataset:
        """Consecutive elements stacked in groups of ``batch_size`` (the last may be smaller)."""
        note("DATA-2", "Dataset.batch")
        size = None if not drop_remainder else int(batch_size)
        spec = nest.map_structure(
            lambda s: TensorSpec(None if s.shape is None else (size, *s.shape), s.dtype), self._element_spec)
        handle = bind(dataset_batch_p, self._variant, convert_to_tensor(batch_size, dtype=dtypes.int64),
                      drop_remainder=bool(drop_remainder))
        return Dataset(handle, spec, "_BatchDataset")

    def take(self, count: int) -> Dataset:
        """The first ``count`` elements (all of them for -1)."""
        note("DATA-2", "Dataset.take")
        handle = bind(dataset_take_p, self._variant, convert_to_tensor(count, dtype=dtypes.int64))
        return Dataset(handle, self._element_spec, "_TakeDataset")

    def _trace(self, fn: Callable[..., Any], transformation: str) -> tuple[Graph, Any]:
        """DATA-3, DATA-4: a dataset function is traced once, now, whatever the run-eagerly switch."""
        if eager_switch.functions_run_eagerly():
            note("DATA-4", "the run-eagerly switch does not apply to the function of Dataset.%s",
                 transformation)
            warnings.warn("Even though the `ts.config.run_functions_eagerly` option is set, this option "
                          "does not apply to ts.data functions.", UserWarning, stacklevel=3)
        note("DATA-3", "the function passed to Dataset.%s is traced once, now", transformation)
        body = autograph.converted(fn)
        spec = self._element_spec

        def pack(tensors: list[Tensor]) -> tuple:
            element = repack(spec, tensors)
            return tuple(element) if isinstance(spec, tuple) else (element,)

        graph, outputs = trace_subgraph(body, f"{transformation}_fn", nest.flatten(spec), pack)
        return graph, _tuples(outputs)

    # iteration
    def __iter__(self) -> Iterator[Any]:
        """Eagerly: the elements, as eager tensors."""
        if context.current_graph() is not None or not isinstance(self._variant, EagerTensor):
            raise TypeError("A dataset is iterated in a traced function only by a `for` loop that AutoGraph "
                            "converts; with autograph=False, iterate it outside the function.")
        note("DATA-1", "iterating a dataset eagerly")
        specs = nest.flatten(self._element_spec)
        for element in _pipeline(self._variant._value).elements():
            yield repack(self._element_spec, [EagerTensor(a, s.dtype) for a, s in zip(element, specs)])

    def for_loop(self, body: Callable[..., tuple], state: tuple, test: Callable[..., Any] | None) -> tuple:
        """AutoGraph's ``for element in dataset`` in a trace: ``state = body(element, *state)``."""
        graph = context.current_graph()
        assert graph is not None, "a dataset loop needs a graph"
        note("DATA-5", "`for` over a dataset in a trace: a dataset_reduce node")
        element_specs = nest.flatten(self._element_spec)
        initial = [graph.own(leaf_tensor(leaf)) for leaf in nest.flatten(list(state))]
        specs = [t.spec for t in initial]

        def pack_state(tensors: list[Tensor]) -> tuple:
            return tuple(repack(list(state), tensors))

        def pack(tensors: list[Tensor]) -> tuple:
            return (repack(self._element_spec, tensors[:len(element_specs)]),
                    *pack_state(tensors[len(element_specs):]))

        for _ in range(2):  # a second trace if the body changed a shape: the state's shapes relax
            body_graph, _ = trace_subgraph(body, graph.unique_name("reduce_body"), element_specs + specs,
                                                pack)
            relaxed = [TensorSpec(most_specific_common_shape(s.shape, t.shape), s.dtype)
                       for s, t in zip(specs, body_graph.outputs)]
            if relaxed == specs:
                break
            specs = relaxed
        test_graph = None
        if test is not None:
            test_graph, _ = trace_subgraph(test, graph.unique_name("reduce_test"), specs, pack_state)
        graphs = [body_graph] if test_graph is None else [body_graph, test_graph]
        outputs = bind(dataset_reduce_p, self._variant, *initial, *captures(*graphs), body=body_graph,
                       test=test_graph)
        return tuple(repack(list(state), outputs))

    def __ts_trace_type__(self, aliases: dict[int, int]) -> trace_type.TraceType:
        """DATA-6: a dataset argument is keyed by its element spec."""
        note("DATA-6", "a dataset argument is keyed by its element spec")
        return DatasetType(_hashable(self._element_spec), self._element_spec, self._kind)

    def __repr__(self) -> str:
        return f"<{self._kind} element_spec={self._element_spec!r}>"


def _as_tensors(structure: Any) -> Any:
    """A source's structure: tuples and dicts of tensors (a list is data for one tensor)."""
    if isinstance(structure, tuple):
        return type(structure)(*map(_as_tensors, structure)) if nest.is_namedtuple(structure) \
            else tuple(map(_as_tensors, structure))
    if isinstance(structure, dict):
        return {k: _as_tensors(v) for k, v in structure.items()}
    return convert_to_tensor(structure)


def _tuples(structure: Any) -> Any:
    """Lists in a dataset's structure are tuples, as in TensorFlow."""
    if isinstance(structure, list):
        return tuple(_tuples(v) for v in structure)
    if isinstance(structure, tuple) and not nest.is_namedtuple(structure):
        return tuple(_tuples(v) for v in structure)
    if isinstance(structure, dict):
        return {k: _tuples(v) for k, v in structure.items()}
    return structure


def _fits(spec: Any, general: Any) -> bool:
    if isinstance(spec, TensorSpec) and isinstance(general, TensorSpec):
        return spec.is_compatible_with(general)
    if isinstance(spec, dict) and isinstance(general, dict):
        return spec.keys() == general.keys() and all(_fits(spec[k], general[k]) for k in spec)
    if isinstance(spec, tuple) and isinstance(general, tuple):
        return len(spec) == len(general) and all(_fits(a, b) for a, b in zip(spec, general))
    return False


def _hashable(spec: Any) -> Any:
    if isinstance(spec, dict):
        return ("dict", tuple((k, _hashable(v)) for k, v in spec.items()))
    if isinstance(spec, tuple):
        return tuple(_hashable(v) for v in spec)
    return spec


@dataclass(frozen=True)
class DatasetType(trace_type.TraceType):
    """A dataset argument's trace type: its element spec; the graph gets its variant tensor."""

    key: Any
    element_spec: Any = None
    kind: str = "Dataset"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatasetType) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def is_subtype_of(self, other: trace_type.TraceType) -> bool:
        """Batches of 2 fit a trace for batches of any size: a spec fits a more general one."""
        return isinstance(other, DatasetType) and _fits(self.element_spec, other.element_spec)

    def placeholder(self, value: Any, make_placeholder: Callable[[TensorSpec], Tensor]) -> Dataset:
        return Dataset(make_placeholder(variant.SPEC), self.element_spec, self.kind)

    def tensors(self, value: Any) -> list[Tensor]:
        return [value._variant]

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec!r})"
