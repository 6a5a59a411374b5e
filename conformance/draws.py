"""Hypothesis draws shared by the chapters: dtypes and shapes, values, argument sources, scenarios.

Values include the awkward ones (NaN, infinities, signed zeros, negative and zero
integers, integers at the edge of their dtype, empty shapes), but only in some
tensors, so most programs still compute ordinary numbers. Draws are small and
cheap on purpose (no ``hypothesis.extra.numpy``): shrinking then yields a
reproducer a person can read, and drawing stays a small part of a check.
"""

from __future__ import annotations

import math
import random
import re

from hypothesis import strategies as st

from . import codegen as c
from .scenario import BASE_REQUIREMENTS, Call, Concrete, Scenario, SetGlobal, Step, requirements

FLOATS = ("float32", "float64")
INTEGERS = ("int32", "int64")
NUMERIC = (*FLOATS, *INTEGERS)
DTYPES = (*NUMERIC, "bool")
Shape = tuple[int, ...]
Spec = tuple[str, Shape]
SPECIAL_FLOATS = (math.nan, math.inf, -math.inf, 0.0, -0.0)
# TensorFlow caches the eager tensors of Python scalars by value, and -0.0 == 0.0: which zero a
# scalar gets depends on what the process converted first. Python and scalar floats avoid both.
SCALAR_FLOATS = (math.nan, math.inf, -math.inf)
SPECIAL_INTS = {"int32": (0, -1, -7, 2**31 - 1, -(2**31)), "int64": (0, -1, -7, 2**40, -(2**63))}
STRINGS = ("a", "bc", "", "it's", "a b")
SHAPES: tuple[Shape, ...] = ((), (2,), (3,), (2, 2), (2, 3), (1, 3), (3, 1))
EMPTY_SHAPES: tuple[Shape, ...] = ((0,), (2, 0), (0, 3))
# A few tensor specs that calls draw from, so that some calls repeat a trace key.
POOL: tuple[Spec, ...] = (
    ("float32", (2,)), ("float32", (3,)), ("int32", (2,)), ("float64", ()), ("int32", ()),
)


def integer(draw, low: int, high: int) -> int:
    """An integer in ``[low, high]``, shrinking toward 0 (or ``low``).

    A scenario makes hundreds of small choices; each ``draw(st.integers(...))`` costs
    hypothesis about 45 µs of bookkeeping, taking the choice from the choice sequence
    directly about 7 µs. Shrinking works on the choices alike.
    """
    data = getattr(draw, "__self__", None)
    if hasattr(data, "draw_integer"):
        return data.draw_integer(low, high, shrink_towards=max(low, min(0, high)))
    return draw(st.integers(low, high))


def choice(draw, options, label: str | None = None):
    """One of ``options`` (a sequence; repeat an item to weight it), shrinking to the first."""
    options = options if isinstance(options, (list, tuple, range, str)) else tuple(options)
    return options[integer(draw, 0, len(options) - 1)]


def chance(draw, one_in: int, label: str | None = None) -> bool:
    """True about once in ``one_in`` draws (and never for the simplest example)."""
    return integer(draw, 0, one_in - 1) == one_in - 1


@st.composite
def specs(draw, dtypes=DTYPES, shapes=SHAPES) -> Spec:
    """A dtype and a static shape; now and then an empty one."""
    dtype = choice(draw, dtypes, "dtype")
    shape = choice(draw, EMPTY_SHAPES, "empty shape") if chance(draw, 10) else choice(draw, shapes)
    return dtype, shape


def element(draw, dtype: str, special: bool = False):
    """One value of ``dtype``; with ``special``, now and then an awkward one.

    Floats are multiples of 1/8 in [-10, 10]: exact in every float dtype, short to read.
    """
    if dtype == "bool":
        return bool(integer(draw, 0, 1))
    if dtype == "string":
        return choice(draw, STRINGS)
    if special and chance(draw, 3):
        return choice(draw, SPECIAL_INTS[dtype] if dtype in INTEGERS else SCALAR_FLOATS)
    if dtype in INTEGERS:
        return integer(draw, -20, 20)
    return (integer(draw, -80, 79) + 0.5) / 8  # never a zero


def _elements(seed: int, dtype: str, count: int) -> list:
    """``count`` values of ``dtype`` made from ``seed``: all zeros for seed 0, awkward ones
    (``SPECIAL_*``) in about one seed in four."""
    scalar = count == 1 and dtype in FLOATS  # a Python scalar to convert: no zeros
    if not seed:
        return [1.0 if scalar else _ZERO[dtype]] * count
    generator = random.Random(seed)
    special = seed % 4 == 0
    out = []
    for _ in range(count):
        if special and generator.random() < 0.4 and dtype not in ("bool", "string"):
            floats = SCALAR_FLOATS if scalar else SPECIAL_FLOATS
            out.append(generator.choice(SPECIAL_INTS[dtype] if dtype in INTEGERS else floats))
        elif scalar:
            out.append((generator.randint(-80, 79) + 0.5) / 8)
        elif dtype == "bool":
            out.append(generator.random() < 0.5)
        elif dtype == "string":
            out.append(generator.choice(STRINGS))
        elif dtype in INTEGERS:
            out.append(generator.randint(-20, 20))
        else:
            out.append(generator.randint(-80, 80) / 8)
    return out


_ZERO = {"bool": False, "string": "", "int32": 0, "int64": 0, "float32": 0.0, "float64": 0.0}


@st.composite
def values(draw, spec: Spec) -> list | object:
    """A nested list of values of ``spec``'s dtype and shape (a scalar for rank 0).

    The values come from one drawn seed, so a tensor is one choice for hypothesis to
    shrink (toward zeros), however many elements it has.
    """
    dtype, shape = spec
    return _nest(_elements(integer(draw, 0, 2**16), dtype, math.prod(shape)), shape)


def _nest(flat: list, shape: Shape):
    if not shape:
        return flat[0]
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


@st.composite
def tensor_source(draw, spec: Spec, numpy_array: bool = False) -> str:
    """Source text for a tensor (or NumPy array) argument of ``spec`` with drawn values."""
    dtype, shape = spec
    if shape and not math.prod(shape):
        data = f"np.zeros({list(shape)})"
        if numpy_array:
            return f"{data}.astype(np.{_numpy_name(dtype)})"
        return f"ts.constant({data}, dtype=ts.{dtype})"
    data = literal(draw(values(spec)))
    if numpy_array:
        return f"np.array({data}, dtype=np.{_numpy_name(dtype)})"
    return f"ts.constant({data}, dtype=ts.{dtype})"


def _numpy_name(dtype: str) -> str:
    return {"bool": "bool_", "string": "bytes_"}.get(dtype, dtype)


@st.composite
def scalar_source(draw, dtype: str, kind: str = "python") -> str:
    """A Python (or NumPy) scalar that converts to ``dtype``: ``2``, ``-0.5``, ``np.float32(1.5)``."""
    value = element(draw, dtype, special=chance(draw, 5))
    if dtype in INTEGERS and kind == "python":
        value = max(-(2**31), min(2**31 - 1, value))
    text = literal(value)
    return f"np.{_numpy_name(dtype)}({text})" if kind == "numpy" else text


def literal(value: object) -> str:
    """Python source for nested lists of numbers, NaN and infinities included."""
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    return repr(value)


def arguments(*sources: str, keywords: tuple[tuple[str, str], ...] = ()) -> str:
    return ", ".join([*sources, *(f"{k}={v}" for k, v in keywords)])


def scenario(chapter: str, definitions, steps: list[Step], globals=None,
             tracked: tuple[str, ...] | None = None, requires=(), prelude: str = "") -> Scenario:
    """A generated scenario: ``definitions`` printed by ``codegen``, after ``prelude`` source.

    The tracing counts of ``tracked`` (by default every top-level ``ts.function``,
    ``_functions``) are recorded after each step. The scenario requires what its text uses (see
    ``requirements``), so a backend lacking a capability skips only the scenarios
    that need it.
    """
    definitions = tuple(definitions)
    if tracked is None:
        tracked = _functions(definitions)
    source = c.program(definitions)
    source = (prelude + "\n\n" + source) if prelude else source
    steps = tuple(steps)
    return Scenario(
        chapter=chapter,
        source=source,
        steps=steps,
        functions=tracked,
        globals=globals or {},
        requires=BASE_REQUIREMENTS | set(requires) | requirements(source, steps),
    )


def combined(chapter: str, parts, globals=None) -> Scenario:
    """One scenario made of several ``(definitions, steps)`` parts, one after the other.

    Every name a part defines at top level (functions, classes, globals, concrete
    functions its steps keep) gets the part's suffix (``_1``, ``_2``...; none for the
    first), in its program text and in its steps, so the parts never collide.
    """
    sources: list[str] = []
    steps: list[Step] = []
    tracked: list[str] = []
    for index, (definitions, part_steps) in enumerate(parts):
        definitions = tuple(definitions)
        rename = _renamer(_defined(definitions, part_steps), f"_{index}") if index else str
        sources.append(rename(c.program(definitions)))
        steps += [_renamed_step(step, rename) for step in part_steps]
        tracked += [rename(name) for name in _functions(definitions)]
    source = "\n\n".join(sources)
    return Scenario(chapter=chapter, source=source, steps=tuple(steps), functions=tuple(tracked),
                    globals=globals or {}, requires=BASE_REQUIREMENTS | requirements(source, tuple(steps)))


def _functions(definitions) -> tuple[str, ...]:
    """The program's top-level ``ts.function``s: decorated ``def``s and ``name = ts.function(...)``."""
    return tuple(d.name if isinstance(d, c.FunctionDef) else d.target for d in definitions
                 if (isinstance(d, c.FunctionDef) and d.traced)
                 or (isinstance(d, c.Assign) and isinstance(d.value, c.Op) and d.value.fn == "function"))


def _defined(definitions, steps) -> set[str]:
    names = {d.name for d in definitions if isinstance(d, (c.FunctionDef, c.ClassDef))}
    names |= {d.target for d in definitions if isinstance(d, c.Assign)}
    return names | {s.name for s in steps if isinstance(s, Concrete) and s.name}


def _renamer(names: set[str], suffix: str):
    if not names:
        return str
    pattern = re.compile(r"(?<![\w.'\"])(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    return lambda text: pattern.sub(lambda m: m.group(1) + suffix, text)


def _renamed_step(step: Step, rename) -> Step:
    if isinstance(step, Call):
        return Call(rename(step.function), rename(step.args))
    if isinstance(step, Concrete):
        return Concrete(rename(step.function), rename(step.args), step.name and rename(step.name))
    if isinstance(step, SetGlobal):
        return SetGlobal(step.name, rename(step.value))
    return step


def fresh(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """``strategy``, with every example drawn afresh.

    After each new example, hypothesis runs a few *mutations* of it, copying one part
    of the draw over another part drawn by the same strategy. With the few examples
    of the ``ci`` profile, that makes most scenarios near-copies of a handful. Parts
    drawn inside a unique collection are never copied (hypothesis knows the copy would
    be rejected), so the scenario is drawn as the one element of one. Shrinking is
    unaffected.
    """
    return st.lists(strategy, min_size=1, max_size=1, unique_by=id).map(lambda drawn: drawn[0])
