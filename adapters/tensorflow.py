"""TensorFlow (``tensorflow-cpu``) as a backend: the vocabulary mapped onto ``tf``.

Everything maps to the TensorFlow API of the same name (``mod`` is
``tf.math.floormod``, ``floordiv`` is ``tf.math.floordiv``), with two
wrappers, because ``tf.print`` writes from C++ and cannot write to a Python
stream:

* ``print`` is ``tf.print`` writing to a private file; each printed line is
  tagged with the Python stream it was meant for and delivered there when the
  file is drained: right after an eager print, after every call of a wrapped
  function, and whenever the suite is about to record another event
  (``flush_effects``), so the event log keeps program order.
* ``function`` is ``tf.function`` plus that drain after every call; every
  other attribute (``get_concrete_function``, ``experimental_get_tracing_count``,
  ...) is the ``tf.function``'s own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import types
from collections.abc import Callable, Iterator
from typing import Any, TextIO

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf
from tensorflow.python.eager.polymorphic_function import polymorphic_function

import tracespec.reference as ts

from .base import Adapter, LinePrinter, Namespace, Spelling

ALIASES = {"mod": "floormod", "bool": "bool", "DType": "dtypes.DType"}
NOT_MAPPED = {"EagerTensor", "SymbolicTensor", "Function", "ConcreteFunction"}
_MARK, _END = "\x1e", "\x1f"


def _lookup(name: str) -> Any:
    spelled = _spelled(name)
    return None if spelled is None else eval(spelled, {"tf": tf})


def _spelled(name: str) -> str | None:
    """Where ``tf`` has the vocabulary name: ``tf.<name>``, or else ``tf.math.<name>``."""
    target: Any = tf
    path = "tf"
    for part in ALIASES.get(name, name).split("."):
        if getattr(target, part, None) is not None:
            target, path = getattr(target, part), f"{path}.{part}"
        elif getattr(tf.math, part, None) is not None:
            target, path = getattr(tf.math, part), f"tf.math.{part}"
        else:
            return None
    return path


SPELLING = Spelling(
    prelude="import tensorflow as tf",
    names={n: spelled for n in ts.__all__ if n not in NOT_MAPPED and (spelled := _spelled(n))},
    set_eager="tf.config.run_functions_eagerly({flag})",
    tracing_count="{function}.experimental_get_tracing_count()",
    notes=("tf.print writes to standard error.",),
)


class _FilePrinter:
    """``tf.print`` into a file, drained into Python streams in order."""

    def __init__(self, default: TextIO):
        handle, self.path = tempfile.mkstemp(prefix="tracespec-tf-print-", suffix=".txt")
        os.close(handle)
        self.streams: list[TextIO] = [default]
        self.offset = 0

    def print(self, *inputs: Any, output_stream: TextIO | None = None, sep: str = " ",
              end: str = "\n") -> Any:
        stream = self.streams[0] if output_stream is None else output_stream
        if stream not in self.streams:
            self.streams.append(stream)
        tag = f"{_MARK}{self.streams.index(stream)}{_END}"  # says which stream the line is for
        op = tf.print(*inputs, output_stream=f"file://{self.path}", sep=sep, end=end + tag)
        if tf.executing_eagerly():
            self.drain()
        return op

    def drain(self) -> None:
        with open(self.path, encoding="utf-8", errors="replace") as file:
            file.seek(self.offset)
            text = file.read()
            self.offset = file.tell()
        for piece in text.split(_END)[:-1]:
            printed, _, index = piece.rpartition(_MARK)
            self.streams[int(index)].write(printed)
            self.streams[int(index)].flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.remove(self.path)


class _DrainingFunction:
    """A ``tf.function`` that delivers pending prints after each call."""

    def __init__(self, function: Any, drain: Callable[[], None]):
        self._function = function
        self._drain = drain

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._function(*args, **kwargs)
        finally:
            self._drain()

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return _DrainingFunction(self._function.__get__(instance, owner), self._drain)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._function, name)


class _ModuleNamespace(types.ModuleType):
    """The vocabulary as a module object: AutoGraph finds its directives (``ts.autograph.
    experimental.set_loop_options``) only by following attributes of modules."""

    def __init__(self, base: Any, **overrides: Any):
        super().__init__("ts")
        self._base = base
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


class TensorFlowAdapter(Adapter):
    """TensorFlow 2 with ``tf.function`` and ``tf.config.run_functions_eagerly``."""

    name = "tensorflow"
    spelling = SPELLING

    def __init__(self) -> None:
        self._printers: list[_FilePrinter] = []

    def version(self) -> str:
        return tf.__version__

    def namespace(self, on_print: Callable[[str], None]) -> Any:
        printer = _FilePrinter(LinePrinter(on_print))
        self._printers.append(printer)

        def function(func: Any = None, **options: Any) -> Any:
            def wrap(f: Any) -> _DrainingFunction:
                return _DrainingFunction(tf.function(f, **options), printer.drain)

            return wrap if func is None else wrap(func)

        def py_function(func: Any, inp: Any, Tout: Any, name: Any = None) -> Any:
            def after_pending_prints(*args: Any) -> Any:
                printer.drain()  # prints that ran before this callback come first
                return func(*args)

            return tf.py_function(after_pending_prints, inp, Tout, name=name)

        vocabulary = {n: _lookup(n) for n in ts.__all__ if n not in NOT_MAPPED}
        vocabulary.update(
            print=printer.print,
            py_function=py_function,
            function=function,
            config=Namespace(tf.config, run_functions_eagerly=tf.config.run_functions_eagerly,
                             functions_run_eagerly=tf.config.functions_run_eagerly),
        )
        missing = sorted(n for n, v in vocabulary.items() if v is None)
        assert not missing, f"TensorFlow lacks {missing}"
        return _ModuleNamespace(tf, **vocabulary)

    def spelled_as_spec(self, text: str) -> str:
        return re.sub(r"\btf\.", "ts.", text)

    def flush_effects(self) -> None:
        for printer in self._printers:
            printer.drain()

    def set_run_eagerly(self, flag: bool) -> None:
        tf.config.run_functions_eagerly(flag)

    def run_eagerly(self) -> bool:
        return tf.config.functions_run_eagerly()

    def tracing_count(self, function: Any) -> int:
        return function.experimental_get_tracing_count()

    def error_category(self, error: BaseException, phase: str = "executing") -> str:
        """Autograph's ``StagingError`` wraps an error it could not re-raise: use the original."""
        if type(error).__name__ == "StagingError":
            last = str(error).strip().splitlines()[-1].strip()
            original = last.partition(":")[0]
            if original.isidentifier():
                return original
        return super().error_category(error, phase)

    def to_numpy(self, value: Any) -> np.ndarray | None:
        """Tensors and variables; a gradient of ``gather`` (``IndexedSlices``) as its dense value."""
        if isinstance(value, tf.IndexedSlices):
            value = tf.convert_to_tensor(value)
        if tf.is_tensor(value) and hasattr(value, "numpy"):
            return np.asarray(value.numpy())
        return None

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Also: TensorFlow's retracing warnings go to the spec's ``tracespec`` logger; its
        other log records (autograph's notes) are dropped. Retracing detectors count this
        scenario's calls only (TensorFlow keys them by code object, and equal code objects
        compiled for different scenarios would share one)."""
        logger = logging.getLogger("tensorflow")
        saved = logger.handlers[:], logger.propagate
        logger.handlers[:], logger.propagate = [_RetracingWarnings()], False
        detectors = polymorphic_function._frequent_tracing_detector_manager
        polymorphic_function._frequent_tracing_detector_manager = (
            polymorphic_function._FrequentTracingDetectorManager())
        try:
            with super().session():
                yield
        finally:
            polymorphic_function._frequent_tracing_detector_manager = detectors
            logger.handlers[:], logger.propagate = saved
            for printer in self._printers:
                printer.close()
            self._printers.clear()


class _RetracingWarnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "triggered tf.function retracing" in message:
            logging.getLogger("tracespec").warning("%s", message)


adapter = TensorFlowAdapter()
