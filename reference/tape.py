"""Reverse-mode differentiation: ``ts.GradientTape`` (chapter 11, GRAD-1 to GRAD-8).

While a tape is recording (inside its ``with`` block), ``bind`` shows it every op of the
context the tape was opened in: eager code, or the graph being traced. It keeps an op when
one of the op's floating inputs (or a variable's handle) is *connected*: watched, or an
output of an op it kept. ``gradient`` then walks the kept ops backwards (``backpropagate``),
applying each primitive's rule (``gradients.py``), and returns the cotangent that reached
each source, or ``None`` where none did.

A call of a traced function is one op (``concrete_function.py``) whose rule walks the
function's graph backwards in the same way, so its gradient equals the eager one. A tensor's
cotangent is the sum of its contributions in the order they arrive, and a call hands its
inputs' contributions on one by one, so the sums, and hence the bits, are the same too.

The seed article's examples with gradients (GRAD-8: a tape inside a ``ts.function``; GRAD-9:
a training step) need nothing beyond these rules.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import context, gradients, nest
from .conversion import convert_to_tensor
from .ops.adjoints import ones_like, stop_gradient, zeros_like
from .primitive import Primitive
from .tensor import EagerTensor, SymbolicTensor, Tensor
from .variables import Variable, is_handle
from .verbose import note

__all__ = ["GradientTape", "backpropagate", "stop_gradient"]

Partials = dict[int, list[Tensor]]
"""Cotangent contributions by ``id`` of the tensor they belong to, in arrival order."""


@dataclass(frozen=True)
class Entry:
    """One op a tape kept: the same fields as a graph ``Node``."""

    primitive: Primitive
    inputs: tuple[Tensor, ...]
    outputs: tuple[Tensor, ...]
    attrs: dict[str, Any] = field(hash=False)


def differentiable(tensor: Tensor) -> bool:
    """GRAD-4: gradients flow only through floating values (and to variables, by their handle)."""
    return tensor.dtype.is_floating or is_handle(tensor)


class GradientTape:
    """Records ops on watched values, for ``gradient`` (``ts.GradientTape``, GRAD-1)."""

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._graph = context.current_graph()
        self.reset()
        self._recording = False
        self._used = False

    # recording ---------------------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        self._graph = context.current_graph()
        if self._graph is not None:
            note("GRAD-6", "a tape opened while tracing %s records the traced ops", self._graph.name)
        self._start()
        return self

    def __exit__(self, *exception: object) -> None:
        if self._recording:
            self._stop()

    def _start(self) -> None:
        context.tapes().append(self)
        self._recording = True

    def _stop(self) -> None:
        context.tapes().remove(self)
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Ops in this block are not recorded."""
        if not self._recording:
            raise ValueError("Tape must be recording when stop_recording is called.")
        self._stop()
        try:
            yield
        finally:
            self._start()

    def reset(self) -> None:
        """Forget everything recorded and watched."""
        self._entries: list[Entry] = []
        self._connected: dict[int, Tensor] = {}  # id -> tensor (kept alive, so ids stay unique)
        self._variables: dict[int, Variable] = {}  # watched variables by handle id

    def _here(self) -> bool:
        return context.current_graph() is self._graph

    def would_record(self, inputs: Iterable[Tensor]) -> bool:
        """Whether an op with these inputs, bound now, is kept."""
        return self._here() and any(
            id(self._in_graph(t)) in self._connected and differentiable(t) for t in inputs)

    def _in_graph(self, tensor: Tensor) -> Tensor:
        """While tracing, a variable's eager handle stands for its capture in the graph."""
        if self._graph is not None and isinstance(tensor, EagerTensor) and is_handle(tensor):
            return self._graph.own(tensor)
        return tensor

    def record(self, primitive: Primitive, inputs: tuple[Tensor, ...], outputs: list[Tensor],
               attrs: dict[str, Any]) -> None:
        """Called by ``bind`` for every op: keep it if a connected value flows into it."""
        if not outputs or not self.would_record(inputs):
            return
        if isinstance(outputs[0], SymbolicTensor):
            inputs = outputs[0].node.inputs  # the graph's own tensors for the op's inputs
        note("GRAD-1", "the tape records %s", primitive.name)
        self._entries.append(Entry(primitive, inputs, tuple(outputs), attrs))
        for tensor in outputs:
            self._connected[id(tensor)] = tensor

    # watching ----------------------------------------------------------------------------
    def watch(self, tensor: Any) -> None:
        """Differentiate with respect to ``tensor`` (a tensor, a variable, or a structure of them)."""
        for value in nest.flatten(tensor):
            if not isinstance(value, Tensor):
                raise ValueError(f"Passed in object {value!r} of type '{type(value).__name__}', "
                                 "not ts.Tensor or ts.Variable or ExtensionType.")
            if not value.dtype.is_floating:
                logging.getLogger("tracespec").warning(
                    "The dtype of the watched tensor must be floating (e.g. ts.float32), got %r",
                    value.dtype)
            note("GRAD-2", "the tape watches a %s", type(value).__name__)
            key = self._key(value)
            if isinstance(value, Variable):
                self._variables.setdefault(id(key), value)
            self._connected[id(key)] = key

    def variable_accessed(self, variable: Variable) -> None:
        """GRAD-3: a trainable variable read (or written) while recording is watched."""
        if self._recording and self._watch_accessed_variables and variable.trainable and self._here():
            note("GRAD-3", "the tape watches the trainable variable %s it saw used", variable.name)
            self.watch(variable)

    def watched_variables(self) -> tuple[Variable, ...]:
        """The watched variables, in the order they were created."""
        return tuple(sorted(self._variables.values(), key=lambda v: v._id))

    def _key(self, value: Tensor) -> Tensor:
        """The tensor that stands for ``value`` in the ops this tape records (a variable: its handle)."""
        if not isinstance(value, Variable):
            return value
        return value.handle if self._graph is None else self._graph.own(value.handle)

    # differentiating ---------------------------------------------------------------------
    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = "none") -> Any:
        """The gradient of the sum of ``target`` with respect to each source (GRAD-1).

        ``sources`` may be any structure of tensors and variables; the result has the same
        structure, with ``None`` for a source no gradient reaches (zeros with
        ``unconnected_gradients="zero"``).
        """
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients (or jacobians)")
        if self._recording:
            if self._persistent:
                note("GRAD-2", "gradient inside the context of a persistent tape records its own ops")
            else:
                note("GRAD-2", "gradient inside the context stops a non-persistent tape recording")
                self._stop()
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of Tensors, "
                            "Variables or CompositeTensors to be differentiated, but received None.")
        if str(unconnected_gradients).lower() not in ("none", "zero"):
            raise ValueError(f"Unknown value for unconnected_gradients: {unconnected_gradients!r}")
        _check_source(sources)
        flat_sources = nest.flatten(sources)
        for source in flat_sources:
            _check_source(source)
        self._used = True
        note("GRAD-1", "the tape differentiates %d targets", len(nest.flatten(target)))
        partials: Partials = {}
        seeds = [None] * len(nest.flatten(target)) if output_gradients is None else nest.flatten(
            output_gradients)
        for value, seed in zip(nest.flatten(target), seeds):
            _check_source(value, "target")
            key = self._key(value)
            if not differentiable(key):
                note("GRAD-4", "an integer target has no gradient")
                continue
            seed = ones_like(value) if seed is None else convert_to_tensor(seed, dtype_hint=value.dtype)
            partials.setdefault(id(key), []).append(seed)
        backpropagate(self._entries, partials)
        results = []
        for source in flat_sources:
            key = self._key(source)
            found = total(partials, key) if id(key) in self._connected else None  # unwatched: None
            if found is None:
                note("GRAD-1", "no gradient reaches a source")
                if str(unconnected_gradients).lower() == "zero":
                    found = zeros_like(source)
            results.append(found)
        flat = iter(results)
        return nest.map_structure(lambda _: next(flat), sources)


def recording(inputs: Iterable[Tensor], variables: Iterable[Variable] = ()) -> bool:
    """Whether a tape recording here keeps an op with these inputs, which uses ``variables``
    (GRAD-3: the tapes watch those, as if the op had read them here)."""
    variables = list(variables)
    for tape in context.tapes():
        for variable in variables:
            tape.variable_accessed(variable)
    return any(tape.would_record(inputs) for tape in context.tapes())


def _check_source(value: Any, what: str = "source") -> None:
    if value is None:
        raise TypeError(f"Cannot differentiate with respect to None: the {what} must be a ts.Tensor "
                        "or a ts.Variable.")
    if not isinstance(value, (Tensor, list, tuple, dict)):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute '_id'")


def backpropagate(entries: list, partials: Partials,
                  primal: Callable[[Tensor], Tensor] = lambda tensor: tensor) -> None:
    """Walk ``entries`` (tape entries or graph nodes) backwards, adding cotangents into ``partials``.

    ``primal`` gives the value that stands for an entry's tensor (a graph node's tensor
    stands for the value a call computed for it).
    """
    for entry in reversed(entries):
        if not any(id(t) in partials for t in entry.outputs):
            continue
        rule = gradients.rule(entry.primitive)
        if rule is None:
            note("GRAD-4", "%s is not differentiable", entry.primitive.name)
            continue
        note("GRAD-5", "the gradient rule of %s", entry.primitive.name)
        cotangents = tuple(total(partials, t) for t in entry.outputs)
        outputs = tuple(primal(t) for t in entry.outputs)
        many = entry.primitive.multiple_results
        results = rule(cotangents if many else cotangents[0], *(primal(t) for t in entry.inputs),
                       out=outputs if many else outputs[0], **entry.attrs)
        if not isinstance(results, tuple):
            results = (results,)
        for tensor, cotangent in zip(entry.inputs, results, strict=True):
            if cotangent is None or not differentiable(tensor):
                continue
            contributions = cotangent if isinstance(cotangent, list) else [cotangent]
            partials.setdefault(id(tensor), []).extend(contributions)


def total(partials: Partials, tensor: Tensor) -> Tensor | None:
    """The cotangent of ``tensor``: its contributions added up, first to last."""
    contributions = partials.get(id(tensor))
    if not contributions:
        return None
    if len(contributions) > 1:
        partials[id(tensor)] = contributions = [add_up(contributions)]
    return contributions[0]


def add_up(contributions: list[Tensor]) -> Tensor:
    """The sum of cotangent contributions, first to last."""
    result = contributions[0]
    for contribution in contributions[1:]:
        result = result + contribution
    return result
