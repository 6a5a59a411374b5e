"""Hypothesis draws shared by the chapters: dtypes and shapes, values, argument source, scenarios.

Values include the awkward ones (NaN, infinities, negative and zero integers,
empty shapes), but only in some tensors, so most programs still compute
ordinary numbers. Draws are small on purpose: shrinking then yields a
reproducer a person can read.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from . import codegen as c
from .scenario import BASE_REQUIREMENTS, Scenario, Step

NUMERIC = ("float32", "float64", "int32", "int64")
DTYPES = (*NUMERIC, "bool")
Spec = tuple[str, tuple[int, ...]]
SPECIAL_FLOATS = (math.nan, math.inf, -math.inf, 0.0, -0.0)
SPECIAL_INTS = (0, -1, -7)
# A few tensor specs that calls draw from, so that some calls repeat a trace key.
POOL: tuple[Spec, ...] = (
    ("float32", (2,)), ("float32", (3,)), ("int32", (2,)), ("float64", ()), ("int32", ()),
)


@st.composite
def specs(draw, dtypes=DTYPES, max_rank: int = 2) -> Spec:
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    rank = draw(st.integers(0, max_rank), label="rank")
    empty = rank > 0 and draw(st.integers(0, 7), label="empty shape") == 0
    shape = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    if empty:
        position = draw(st.integers(0, rank - 1))
        shape = (*shape[:position], 0, *shape[position + 1:])
    return dtype, shape


def elements(dtype: str, special: bool = False):
    """Values of one ``dtype``; with ``special``, the awkward ones too."""
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith("int"):
        ordinary = st.integers(-20, 20)
        return st.one_of(ordinary, st.sampled_from(SPECIAL_INTS)) if special else ordinary
    width = 32 if dtype == "float32" else 64
    ordinary = st.floats(-10, 10, width=width, allow_subnormal=False)
    return st.one_of(ordinary, st.sampled_from(SPECIAL_FLOATS)) if special else ordinary


@st.composite
def values(draw, spec: Spec) -> list:
    """A nested list of values of ``spec``'s dtype and shape."""
    dtype, shape = spec
    special = draw(st.integers(0, 4), label="special values") == 0
    size = math.prod(shape)
    flat = draw(st.lists(elements(dtype, special), min_size=size, max_size=size))
    return np.array(flat, dtype=dtype).reshape(shape).tolist()


@st.composite
def tensor_source(draw, spec: Spec, numpy_array: bool = False) -> str:
    """Source text for a tensor argument of ``spec`` with drawn values."""
    dtype, shape = spec
    data = draw(values(spec))
    if shape and not math.prod(shape):
        data_text = f"np.zeros({list(shape)})"
        if numpy_array:
            return f"{data_text}.astype(np.{dtype})"
        return f"ts.constant({data_text}, dtype=ts.{dtype})"
    if numpy_array:
        return f"np.array({literal(data)}, dtype=np.{dtype})"
    return f"ts.constant({literal(data)}, dtype=ts.{dtype})"


def literal(value: object) -> str:
    """Python source for nested lists of numbers, NaN and infinities included."""
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    return repr(value)


def arguments(*sources: str, keywords: tuple[tuple[str, str], ...] = ()) -> str:
    return ", ".join([*sources, *(f"{k}={v}" for k, v in keywords)])


def scenario(chapter, functions, steps: list[Step], requires=(), globals=None,
             tracked: tuple[str, ...] | None = None, prelude: str = "") -> Scenario:
    """A generated scenario: ``functions`` printed by ``codegen``, after ``prelude`` source."""
    source = c.program(tuple(functions))
    return Scenario(
        chapter=chapter,
        source=(prelude + "\n\n" + source) if prelude else source,
        steps=tuple(steps),
        functions=tracked if tracked is not None else tuple(f.name for f in functions),
        globals=globals or {},
        requires=BASE_REQUIREMENTS | set(requires),
    )
