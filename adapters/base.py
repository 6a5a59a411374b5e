"""The adapter protocol: how the conformance suite drives a backend.

An adapter maps tracespec's vocabulary (the names of ``tracespec.reference``:
``constant``, the ops, ``function``, ``print``, ``py_function``, ``config``,
``TensorSpec``...) onto a real system and tells the suite what it needs to
observe it. Subclass ``Adapter`` and provide:

``name``, ``policies``, ``capabilities``
    class attributes: the backend's name, its implementation-defined choices
    (``tracespec.reference.policies.Policies``), and the parts of the
    vocabulary it supports (a subset of ``CAPABILITIES``; scenarios that need
    another part are skipped with a reason, never counted as passes).
``version()``
    the backend's version string, for reports.
``namespace(on_print)``
    the vocabulary as an object with attributes (``ns.constant``, ``ns.function``,
    ...). Its ``print`` must call ``on_print(line)`` for every line printed, at
    the moment it is printed, so the suite can place it in the event log.
``set_run_eagerly(flag)``, ``run_eagerly()``
    switch the backend's eager mode on or off, and read it back.
``tracing_count(function)``
    how many traces of a wrapped function succeeded (see docs/adapters.md, "The
    tracing count"); a backend that cannot count leaves ``tracing_count`` out of
    its capabilities, and the suite then compares everything but the counts.
``error_category(error, phase)``
    the spec's name for an exception the backend raised (see ``CATEGORIES``);
    ``phase`` (one of ``PHASES``) says whether it arose while a function body
    was being traced or while the program executed.
``to_numpy(value)``, ``dtype_name(tensor)``
    the value of a backend tensor as a NumPy array (``None`` if ``value`` is
    not a tensor), and its dtype's spec name (default: ``tensor.dtype.name``).
``flush_effects()``
    optional: deliver printed lines that the backend buffers; the suite calls
    it before recording any other event and at the end of each step.
``session()``
    a context manager entered around everything the suite does with the
    backend for one scenario; the base class saves the eager switch and
    restores it, whatever happens.

Optional class attributes: ``tensor_api`` (Tensor methods and operators the
backend's arrays lack, supplied as functions: ``conformance/tensor_api.py``),
``message_patterns`` (the backend's own stable core of a spec message, by id:
``conformance/messages.py``), ``expected_failures`` (the path of the backend's
expected-failures file) and ``spelling`` (how a reproducer writes the
vocabulary in the backend's own terms: ``Spelling``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from tracespec.reference.policies import TENSORFLOW, Policies

CAPABILITIES = frozenset({
    "ops",                    # constant, the elementwise/shape/reduction ops, Tensor operators
    "function",               # function(f) and calling it
    "input_signature",        # function(..., input_signature=[TensorSpec...])
    "reduce_retracing",       # function(..., reduce_retracing=True)
    "get_concrete_function",  # wrapped.get_concrete_function(...)
    "tracing_count",          # tracing_count(wrapped)
    "run_functions_eagerly",  # set_run_eagerly / run_eagerly
    "print",                  # print(...) as a runtime effect
    "py_function",            # py_function(func, inp, Tout) as a runtime effect
    "numpy",                  # Tensor.numpy()
    "variables",              # Variable (assign, read_value...) and Module
    "gradients",              # GradientTape and stop_gradient
    "control_flow",           # cond and while_loop (chapter 7)
    "tensor_array",           # TensorArray (chapter 7)
    "shape_invariants",       # TensorShape: loop variables whose shape changes (chapters 7, 8)
    "autograph",              # the autograph namespace: to_code, set_loop_options (chapter 8)
    "data",                   # the data namespace: Dataset (chapter 9)
    "strings",                # the string dtype (a backend without strings declares string_values)
})

# The spec's error categories, most specific first. A backend exception maps to one of
# these names; an exception the *program* raised keeps its own class name.
PHASES = ("tracing", "executing")

CATEGORIES = (
    "OperatorNotAllowedInGraphError",
    "InaccessibleTensorError",
    "InvalidArgumentError",
    "OpError",
    "AttributeError",
    "NotImplementedError",
    "RecursionError",
    "TypeError",
    "ValueError",
)

REQUIRED = (
    "name", "policies", "capabilities", "version", "namespace", "set_run_eagerly",
    "run_eagerly", "tracing_count", "error_category", "to_numpy", "session",
)


class Adapter:
    """Base class of all backends; see the module docstring for the protocol."""

    name: ClassVar[str]
    policies: ClassVar[Policies] = TENSORFLOW
    capabilities: ClassVar[frozenset[str]] = CAPABILITIES
    message_patterns: ClassVar[Mapping[str, str]] = {}
    tensor_api: ClassVar[Mapping[str, Callable[..., Any]]] = {}
    expected_failures: ClassVar[str | None] = None
    spelling: ClassVar[Spelling | None] = None

    def version(self) -> str:
        raise NotImplementedError

    def namespace(self, on_print: Callable[[str], None]) -> Any:
        raise NotImplementedError

    def set_run_eagerly(self, flag: bool) -> None:
        raise NotImplementedError

    def run_eagerly(self) -> bool:
        raise NotImplementedError

    def tracing_count(self, function: Any) -> int:
        raise NotImplementedError

    def error_category(self, error: BaseException, phase: str = "executing") -> str:
        """By default: the first built-in category in the exception's class hierarchy."""
        for cls in type(error).__mro__:
            if cls.__name__ in CATEGORIES:
                return cls.__name__
        return type(error).__name__

    def to_numpy(self, value: Any) -> np.ndarray | None:
        raise NotImplementedError

    def spelled_as_spec(self, text: str) -> str:
        """``text`` (a repr or message) with the backend's own names spelled as the spec's."""
        return text

    def flush_effects(self) -> None:
        """Deliver buffered ``print`` output now; called before each event is recorded."""

    def dtype_name(self, value: Any) -> str:
        """The spec's name of a backend tensor's dtype (``float32``, ``int32``, ``bool``...)."""
        return value.dtype.name

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        was_eager = self.run_eagerly()
        try:
            yield
        finally:
            self.set_run_eagerly(was_eager)

    def describe(self) -> str:
        return f"{self.name} {self.version()}"


@dataclass(frozen=True)
class Spelling:
    """How a reproducer writes a scenario in the backend's own terms (``conformance/reproducers.py``).

    ``prelude`` starts the script (imports, configuration). ``names`` spells each vocabulary
    name (``"function": "jax.jit"``, ``"mod": "tf.math.floormod"``; a dotted key such as
    ``"config.run_functions_eagerly"`` spells a member). ``definitions`` holds the source of
    helpers the spellings use, by the name each defines; a definition is included when the
    script uses its name. ``methods`` spells Tensor and function methods as templates over
    ``{self}`` and ``{args}`` (``"numpy": "np.asarray({self})"``). ``set_eager`` and
    ``tracing_count`` are templates over ``{flag}`` and ``{function}``. ``notes`` are shown
    before the call script (what the reader must know to read its output).
    """

    prelude: str
    names: Mapping[str, str]
    set_eager: str
    tracing_count: str
    definitions: Mapping[str, str] = field(default_factory=dict)
    methods: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def missing_parts(adapter: object) -> list[str]:
    """The protocol members ``adapter`` lacks (a stub inherited from ``Adapter`` counts as missing)."""
    missing = []
    for part in REQUIRED:
        value = getattr(type(adapter), part, None) or getattr(adapter, part, None)
        if value is None or (part in _ABSTRACT and value is getattr(Adapter, part)):
            missing.append(part)
    unknown = set(getattr(adapter, "capabilities", ())) - CAPABILITIES
    if unknown:
        missing.append(f"capabilities (unknown: {', '.join(sorted(unknown))})")
    return missing


_ABSTRACT = ("version", "namespace", "set_run_eagerly", "run_eagerly", "tracing_count", "to_numpy")


class LinePrinter:
    """A write-only text stream that reports each completed line to a callback."""

    def __init__(self, on_line: Callable[[str], None]):
        self._on_line = on_line
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._on_line(line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._on_line(self._pending)
            self._pending = ""


class Namespace:
    """A vocabulary with some names replaced: everything else comes from ``base``."""

    def __init__(self, base: Any, **overrides: Any):
        self._base = base
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)
