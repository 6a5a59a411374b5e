"""The reference runtime as a backend: the built-in default of ``tracespec check``."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import tracespec.reference as ts
from tracespec.reference import errors, retracing_warning

from .base import Adapter, LinePrinter, Namespace


class ReferenceAdapter(Adapter):
    """``tracespec.reference`` itself, under TensorFlow's policies."""

    name = "reference"

    def version(self) -> str:
        from importlib.metadata import version

        return version("tracespec")

    def namespace(self, on_print: Callable[[str], None]) -> Any:
        return Namespace(ts, print=functools.partial(ts.print, output_stream=LinePrinter(on_print)))

    def set_run_eagerly(self, flag: bool) -> None:
        ts.config.run_functions_eagerly(flag)

    def run_eagerly(self) -> bool:
        return ts.config.functions_run_eagerly()

    def tracing_count(self, function: Any) -> int:
        return function.experimental_get_tracing_count()

    def error_category(self, error: BaseException, phase: str = "executing") -> str:
        if isinstance(error, errors.InvalidArgumentError):
            return "InvalidArgumentError"
        return super().error_category(error, phase)

    def to_numpy(self, value: Any) -> np.ndarray | None:
        if isinstance(value, (ts.EagerTensor, ts.Variable)):
            return np.asarray(value.numpy())
        return None

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Also: retracing warnings count this scenario's calls only."""
        with retracing_warning.isolated(), super().session():
            yield


adapter = ReferenceAdapter()
