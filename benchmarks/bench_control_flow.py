"""Benchmark of graph control flow and AutoGraph (issue 9's figures).

Run::

    python benchmarks/bench_control_flow.py                        # the reference
    python benchmarks/bench_control_flow.py --backend tensorflow   # TensorFlow (installed)
    python benchmarks/bench_control_flow.py --backend both --json cf.json
    python benchmarks/bench_control_flow.py --quick

1. Trace time (``get_concrete_function`` on a fresh function, nothing executes) of a
   100-iteration loop whose body is ``x = x * 1.01 + 1.0``, written three ways: a
   ``while_loop`` (``autograph=False``), the same body unrolled by a Python
   ``for _ in range(100)`` (``autograph=False``: 200 ops in one graph), and AutoGraph's
   ``for _ in range(n)`` with ``n`` a tensor (one graph loop). The figure to read is the
   ratio unrolled / while_loop: a graph loop traces its body once, unrolling traces it 100
   times.
2. AutoGraph conversion time (``autograph.to_code``: parsing, rewriting and compiling, no
   tracing) of generated 200-line functions of three shapes: straight-line assignments,
   sequential ``for j in range(2)`` blocks, and sequential ``if``/``else`` blocks on a
   tensor. Every sample converts a freshly compiled function (conversions are cached by
   code object). TensorFlow 2.21's converter is exponential in the number of sequential
   ``if``/``else`` blocks (its control-flow-graph walk revisits successors without
   de-duplication: 14 blocks take about 16 s, 24 do not finish), so on TensorFlow that
   shape is measured with 8 blocks only (``--tf-if-blocks``); the reference converts all
   of them.

Figures are medians; the machine is usually shared, so compare ratios, not milliseconds.
Exit status 0 unless the command line is wrong (2).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

ITERATIONS = 100
LINES = 200


def _median_ms(sample: Callable[[], float], repeats: int) -> float:
    """Median of ``repeats`` calls of ``sample`` (each returns seconds), in milliseconds."""
    times = []
    for _ in range(repeats):
        gc.collect()
        times.append(sample())
    return statistics.median(times) * 1000.0


# -- 1. trace time ----------------------------------------------------------------------------

def trace_bodies(ns: Any) -> dict[str, tuple[Callable[..., Any], bool]]:
    """The three loops, as (Python function, autograph) pairs."""

    def graph_while(x):
        return ns.while_loop(lambda i, x: i < ITERATIONS,
                             lambda i, x: (i + 1, x * 1.01 + 1.0),
                             (ns.constant(0), x))[1]

    def unrolled(x):
        for _ in range(ITERATIONS):
            x = x * 1.01 + 1.0
        return x

    def autograph_for(x):
        for _ in range(ns.constant(ITERATIONS)):
            x = x * 1.01 + 1.0
        return x

    return {"while_loop (autograph=False)": (graph_while, False),
            "unrolled range(100) (autograph=False)": (unrolled, False),
            "AutoGraph for over a tensor range": (autograph_for, True)}


def bench_trace(ns: Any, repeats: int) -> dict[str, float]:
    spec = ns.TensorSpec([], ns.float32)
    results: dict[str, float] = {}
    for name, (body, autograph) in trace_bodies(ns).items():
        # Warm-up: the first trace of a kind pays imports and caches.
        ns.function(body, autograph=autograph).get_concrete_function(spec)

        def sample(body: Callable[..., Any] = body, autograph: bool = autograph) -> float:
            fresh = ns.function(body, autograph=autograph)
            start = time.perf_counter()
            fresh.get_concrete_function(spec)
            return time.perf_counter() - start

        results[name] = _median_ms(sample, repeats)
    for name, (body, autograph) in trace_bodies(ns).items():
        value = float(ns.function(body, autograph=autograph)(ns.constant(1.0)).numpy())
        results.setdefault("computed value", value)
        if abs(value - results["computed value"]) > 1e-3 * abs(value):
            raise AssertionError(f"{name} computes {value}, not {results['value']}")
    results["ratio unrolled / while_loop"] = (
        results["unrolled range(100) (autograph=False)"] / results["while_loop (autograph=False)"])
    return results


# -- 2. conversion time -----------------------------------------------------------------------

def straight_line_source(lines: int) -> str:
    body = [f"    y = y * 1.0 + {i}.0" for i in range(lines - 2)]
    return "\n".join(["def f(x):", "    y = x", *body[: lines - 3], "    return y"]) + "\n"


def for_blocks_source(lines: int) -> str:
    body = []
    while len(body) + 4 <= lines:
        body += ["    for j in range(2):", "        y = y * 1.0"]
    return "\n".join(["def f(x):", "    y = x", *body, "    return y"]) + "\n"


def if_blocks_source(lines: int, blocks: int | None = None) -> str:
    body: list[str] = []
    i = 0
    while len(body) + 7 <= lines and (blocks is None or i < blocks):
        body += [f"    if x > {i}:", f"        y = y + {i}", "    else:", f"        y = y - {i}"]
        i += 1
    return "\n".join(["def f(x):", "    y = x", *body, "    return y"]) + "\n"


def _fresh_function(source: str, directory: str, counter: list[int]) -> Callable[..., Any]:
    """``f`` from ``source``, compiled anew into its own file (inspect reads it there)."""
    counter[0] += 1
    path = os.path.join(directory, f"bench_cf_{counter[0]}.py")
    with open(path, "w") as handle:
        handle.write(source)
    namespace: dict[str, Any] = {}
    exec(compile(source, path, "exec"), namespace)
    return namespace["f"]


def bench_conversion(ns: Any, repeats: int, tf_if_blocks: int | None) -> dict[str, float]:
    shapes = {"straight-line": straight_line_source(LINES),
              "for blocks": for_blocks_source(LINES),
              "if/else blocks": if_blocks_source(LINES, tf_if_blocks)}
    results: dict[str, float] = {}
    counter = [0]
    with tempfile.TemporaryDirectory(prefix="tracespec-bench-cf-") as directory:
        for name, source in shapes.items():
            lines = source.count("\n")
            label = f"{name}, {lines} lines"
            ns.autograph.to_code(_fresh_function(source, directory, counter))  # warm-up

            def sample(source: str = source) -> float:
                function = _fresh_function(source, directory, counter)
                start = time.perf_counter()
                ns.autograph.to_code(function)
                return time.perf_counter() - start

            results[label] = _median_ms(sample, repeats)
    return results


# -- main -------------------------------------------------------------------------------------

def namespace(backend: str) -> Any:
    if backend == "reference":
        return importlib.import_module("tracespec.reference")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return importlib.import_module("tensorflow")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("reference", "tensorflow", "both"), default="reference")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--tf-if-blocks", type=int, default=8,
                        help="if/else blocks in TensorFlow's if-shaped function (default 8)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    trace_repeats, conversion_repeats = (5, 3) if args.quick else (15, 7)
    backends = ("reference", "tensorflow") if args.backend == "both" else (args.backend,)
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for backend in backends:
        ns = namespace(backend)
        blocks = args.tf_if_blocks if backend == "tensorflow" else None
        figures[backend] = {"trace ms": bench_trace(ns, trace_repeats),
                            "to_code ms": bench_conversion(ns, conversion_repeats, blocks)}
    for backend, groups in figures.items():
        print(f"== {backend}")
        for group, rows in groups.items():
            print(f"  {group}")
            for name, value in rows.items():
                print(f"    {name:<42} {value:10.2f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
