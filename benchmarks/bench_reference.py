"""Benchmarks for tracespec's reference runtime (``tracespec.reference``).

Run::

    python benchmarks/bench_reference.py            # full run
    python benchmarks/bench_reference.py --quick    # fewer repeats, under 10 s
    python benchmarks/bench_reference.py --json results.json

What it measures (see ``benchmarks/README.md``):

1. Per-call overhead, as median microseconds: one eager op, a ``ts.function``
   call that hits the cache, a trace (``get_concrete_function`` on a fresh
   ``ts.function``), and a first call (trace + execute).
2. Growth of trace+execute time with program size: the first call of a fresh
   ``ts.function`` whose body is a chain of N elementwise adds, for
   N = 10, 100, 1,000, 10,000. The ratio time(10,000) / time(1,000) must stay
   within ``GROWTH_LIMIT`` (linear growth gives about 10x); above it the script
   exits with status 1, so a CI job running it fails on a regression.
3. Informational rows (never gated): scaling of captures and of the
   concrete-function cache lookup.

Per-call timings run with the garbage collector disabled, as ``timeit`` does.
The growth timings, which allocate hundreds of thousands of objects, run with
it enabled, as a user's program would. A full collection precedes every
sample. A growth ratio above the limit is measured again, with twice the
repeats, before the run fails: one burst of load on a shared machine should
not fail CI, while real superlinear growth fails both times.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import platform
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

import tracespec.reference as ts

GROWTH_SIZES = (10, 100, 1_000, 10_000)
GROWTH_LIMIT = 15.0
CAPTURE_SIZES = (1_000, 10_000)
CACHE_SIZES = (1, 1_000)

SHAPE = (3,)


# -- timing helpers ---------------------------------------------------------------------------

def _time_once(fn: Callable[[], Any], collector: bool = False) -> float:
    """Seconds for one call of ``fn``, after a full collection.

    The garbage collector is off while ``fn`` runs unless ``collector`` is true.
    """
    gc.collect()
    was_enabled = gc.isenabled()
    if collector:
        gc.enable()
    else:
        gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def _loops_for(timer: timeit.Timer, target: float) -> int:
    """How many calls make one timed loop last at least ``target`` seconds."""
    number = 1
    while timer.timeit(number) < target:  # as timeit.autorange does
        number *= 2
    return number


def _median_per_call(fn: Callable[[], Any], repeats: int, target: float) -> tuple[float, int]:
    """Median seconds per call of ``fn`` over ``repeats`` loops of about ``target`` seconds."""
    timer = timeit.Timer(fn)
    number = _loops_for(timer, target)
    per_call = [t / number for t in timer.repeat(repeat=repeats, number=number)]
    return statistics.median(per_call), number


def _median_fresh(
    make: Callable[[], Callable[[], Any]], repeats: int, collector: bool = False
) -> tuple[float, list[float]]:
    """Median seconds of one call of a freshly made callable; ``make`` itself is not timed."""
    samples = [_time_once(make(), collector) for _ in range(repeats)]
    return statistics.median(samples), samples


# -- the programs -----------------------------------------------------------------------------

def _inputs() -> tuple[ts.Tensor, ts.Tensor]:
    return ts.constant(np.arange(3, dtype=np.float32)), ts.constant(np.ones(3, np.float32))


def _small_function(y: ts.Tensor) -> ts.Function:
    """A small ``ts.function``: one add of the argument and a closed-over eager tensor."""
    def small(x):
        return x + y

    return ts.function(small)


def _scale_function() -> ts.Function:
    """A small ``ts.function`` of one argument of any shape."""
    def scale(x):
        return x * 2.0

    return ts.function(scale)


def _chain_function(n: int) -> ts.Function:
    """A ``ts.function`` whose body is a chain of ``n`` elementwise adds (one node each)."""
    def chain(x, y):
        for _ in range(n):
            x = x + y
        return x

    return ts.function(chain)


def _capture_function(n: int) -> ts.Function:
    """An outer function computing ``n`` tensors that an inner ``ts.function`` closes over.

    Tracing the inner body captures ``n`` distinct outer symbolic tensors.
    """
    def outer(x, y):
        values = [x]
        for _ in range(n - 1):
            values.append(values[-1] + y)

        def inner():
            total = values[0]
            for value in values[1:]:
                total = total + value
            return total

        return ts.function(inner)()

    return ts.function(outer)


# -- the benchmarks ---------------------------------------------------------------------------

def bench_per_call(rounds: int, target: float, trace_samples: int) -> dict[str, Any]:
    """Eager op, cache-hit call, trace and first call, measured in interleaved rounds.

    Each round times one loop of eager ops, one loop of cache-hit calls and a
    share of the trace samples, so drift in machine speed affects every row alike
    and the ratios between rows stay meaningful.
    """
    x, y = _inputs()
    spec = ts.TensorSpec(SHAPE, ts.float32)

    hit_function = _small_function(y)
    hit_function(x)  # trace once; every timed call is a cache hit
    _small_function(y).get_concrete_function(spec)  # warm up imports and code paths

    def fresh_trace() -> Callable[[], Any]:
        function = _small_function(y)
        return lambda: function.get_concrete_function(spec)

    def fresh_first_call() -> Callable[[], Any]:
        function = _small_function(y)
        return lambda: function(x)

    eager_timer = timeit.Timer(lambda: x + y)
    hit_timer = timeit.Timer(lambda: hit_function(x))
    eager_loops = _loops_for(eager_timer, target)
    hit_loops = _loops_for(hit_timer, target)
    per_round = max(1, trace_samples // rounds)
    samples: dict[str, list[float]] = {"eager": [], "hit": [], "trace": [], "first": []}
    for _ in range(rounds):
        samples["eager"].append(eager_timer.timeit(eager_loops) / eager_loops)
        samples["hit"].append(hit_timer.timeit(hit_loops) / hit_loops)
        for _ in range(per_round):
            samples["trace"].append(_time_once(fresh_trace()))
            samples["first"].append(_time_once(fresh_first_call()))
    assert hit_function.experimental_get_tracing_count() == 1, "cache-hit calls retraced"
    median = {key: statistics.median(values) for key, values in samples.items()}
    return {
        "eager_op_us": median["eager"] * 1e6,
        "traced_hit_us": median["hit"] * 1e6,
        "trace_us": median["trace"] * 1e6,
        "first_call_us": median["first"] * 1e6,
        "loops": {"eager_op": eager_loops, "traced_hit": hit_loops},
        "rounds": rounds,
        "trace_samples": per_round * rounds,
    }


def bench_growth(repeats: int, sizes: tuple[int, ...] = GROWTH_SIZES) -> list[dict[str, Any]]:
    """First-call time of a fresh chain function for each size, in interleaved rounds.

    Each round times every size once (fresh functions each time), so a burst of
    machine load lands on neighbouring sizes rather than on one size only.
    """
    x, y = _inputs()
    for n in sizes:  # check once, untimed, that each program computes what it should
        result = _chain_function(n)(x, y)
        np.testing.assert_allclose(result.numpy(), x.numpy() + n * y.numpy(), rtol=1e-5)
    samples: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(repeats):
        for n in sizes:
            function = _chain_function(n)
            samples[n].append(_time_once(lambda f=function: f(x, y), collector=True))
    rows = []
    for n in sizes:
        median = statistics.median(samples[n])
        rows.append({"n": n, "median_s": median, "us_per_op": median / n * 1e6,
                     "samples_s": samples[n]})
    return rows


def bench_info(repeats: int) -> dict[str, Any]:
    """Scaling figures reported for information only; they never fail the run."""
    x, _ = _inputs()
    spec = ts.TensorSpec(SHAPE, ts.float32)

    captures = []
    for n in CAPTURE_SIZES:
        def fresh(n: int = n) -> Callable[[], Any]:
            function = _capture_function(n)
            return lambda: function.get_concrete_function(spec, spec)

        median, _ = _median_fresh(fresh, repeats)
        captures.append({"n": n, "median_s": median})

    cache = []
    for size in CACHE_SIZES:
        function = _scale_function()
        for k in range(1, size):  # other shapes, so the hit has ``size - 1`` rivals
            function.get_concrete_function(ts.TensorSpec((k + SHAPE[0],), ts.float32))
        function(x)
        assert function.experimental_get_tracing_count() == size
        hit, _ = _median_per_call(lambda function=function: function(x), repeats, 0.02)
        cache.append({"cached_traces": size, "hit_us": hit * 1e6})
    return {"captures": captures, "cache_lookup": cache}


# -- report -----------------------------------------------------------------------------------

def _n(n: int) -> str:
    return f"{n:,}"


def report(results: dict[str, Any]) -> str:
    per = results["per_call"]
    eager = per["eager_op_us"]
    lines = [
        f"tracespec reference benchmarks ({results['mode']} mode) - "
        f"Python {results['python']}, NumPy {results['numpy']}, {results['platform']}",
        "",
        "1. Per-call overhead (median)                      us/call   vs eager op",
    ]
    rows = [
        ("eager op: x + y, float32 (3,)", per["eager_op_us"]),
        ("ts.function call, cache hit: f(x)", per["traced_hit_us"]),
        ("trace: get_concrete_function, fresh function", per["trace_us"]),
        ("first call, fresh function (trace + execute)", per["first_call_us"]),
    ]
    for label, value in rows:
        lines.append(f"   {label:<46} {value:>9.1f}   {value / eager:>9.1f}x")
    lines += [
        "",
        "2. Trace + execute vs program size (first call, chain of N adds, median)",
        "        N    time (ms)    us/op   vs previous N",
    ]
    previous = None
    for row in results["growth"]:
        step = "" if previous is None else f"{row['median_s'] / previous:.1f}x"
        lines.append(
            f"   {_n(row['n']):>6} {row['median_s'] * 1e3:>12.2f} {row['us_per_op']:>8.1f} "
            f"{step:>15}"
        )
        previous = row["median_s"]
    verdict = "OK" if results["passed"] else "FAIL: superlinear growth"
    if results["growth_ratio_before_confirmation"] is not None:
        verdict += (
            f" (remeasured: the first measurement gave "
            f"{results['growth_ratio_before_confirmation']:.1f}x)"
        )
    lines += [
        f"   time(10,000) / time(1,000) = {results['growth_ratio']:.1f}x "
        f"(limit {GROWTH_LIMIT:.0f}x, linear = 10x): {verdict}",
        "",
        "3. Informational (not gated)",
    ]
    info = results["info"]
    caps = info["captures"]
    for row in caps:
        lines.append(
            f"   trace, inner function capturing {_n(row['n']):>6} outer tensors: "
            f"{row['median_s'] * 1e3:>9.1f} ms"
        )
    lines.append(
        f"   capture growth {_n(caps[-1]['n'])} / {_n(caps[0]['n'])}: "
        f"{caps[-1]['median_s'] / caps[0]['median_s']:.1f}x "
        f"(linear = {caps[-1]['n'] / caps[0]['n']:.0f}x)"
    )
    cache = info["cache_lookup"]
    for row in cache:
        lines.append(
            f"   cache hit, function with {_n(row['cached_traces']):>5} cached traces: "
            f"{row['hit_us']:>9.1f} us"
        )
    lines.append(
        f"   cache-hit growth {_n(cache[-1]['cached_traces'])} / "
        f"{_n(cache[0]['cached_traces'])} traces: "
        f"{cache[-1]['hit_us'] / cache[0]['hit_us']:.1f}x (constant = 1x)"
    )
    return "\n".join(lines)


def _growth_ratio(rows: list[dict[str, Any]]) -> float:
    by_n = {row["n"]: row["median_s"] for row in rows}
    return by_n[10_000] / by_n[1_000]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a few seconds)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)

    # Re-creating a ts.function from one ``def`` is the retracing warning's case (1);
    # here it is deliberate, so keep the log quiet.
    logging.getLogger("tracespec").setLevel(logging.ERROR)
    if ts.config.functions_run_eagerly():
        parser.error("ts.config.run_functions_eagerly is on; nothing would be traced")

    if args.quick:
        repeats, target, trace_samples, growth_repeats, info_repeats = 10, 0.01, 50, 5, 1
    else:
        repeats, target, trace_samples, growth_repeats, info_repeats = 30, 0.02, 300, 9, 3

    started = time.perf_counter()
    per_call = bench_per_call(repeats, target, trace_samples)
    growth = bench_growth(growth_repeats)
    growth_ratio = _growth_ratio(growth)
    first_ratio = None
    if growth_ratio > GROWTH_LIMIT:  # confirm before failing
        first_ratio = growth_ratio
        growth = bench_growth(2 * growth_repeats)
        growth_ratio = _growth_ratio(growth)
    info = bench_info(info_repeats)
    results = {
        "mode": "quick" if args.quick else "full",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(terse=True),
        "repeats": {"per_call_rounds": repeats, "trace_samples": trace_samples,
                    "growth": growth_repeats, "info": info_repeats},
        "per_call": per_call,
        "ratios": {
            "traced_hit_over_eager_op": per_call["traced_hit_us"] / per_call["eager_op_us"],
            "trace_over_eager_op": per_call["trace_us"] / per_call["eager_op_us"],
            "trace_over_traced_hit": per_call["trace_us"] / per_call["traced_hit_us"],
            "first_call_over_traced_hit": per_call["first_call_us"] / per_call["traced_hit_us"],
            "growth_10000_over_1000": growth_ratio,
        },
        "growth": growth,
        "growth_ratio": growth_ratio,
        "growth_ratio_before_confirmation": first_ratio,
        "growth_limit": GROWTH_LIMIT,
        "passed": growth_ratio <= GROWTH_LIMIT,
        "info": info,
    }
    results["elapsed_s"] = time.perf_counter() - started
    print(report(results))
    print(f"\n(total {results['elapsed_s']:.1f} s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
            handle.write("\n")
    if not results["passed"]:
        print(
            f"error: trace+execute time grew {growth_ratio:.1f}x from 1,000 to 10,000 ops "
            f"(limit {GROWTH_LIMIT:.0f}x)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
