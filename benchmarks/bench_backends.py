"""Backends side by side: trace and cache-hit costs, and what a conformance run on JAX costs.

Run::

    python benchmarks/bench_backends.py                 # both sections, a few minutes
    python benchmarks/bench_backends.py --quick         # fewer samples
    python benchmarks/bench_backends.py --skip-check    # section 1 only
    python benchmarks/bench_backends.py --json out.json

1. Per call, in one process, for every backend that loads (reference, tensorflow, jax): the
   function is ``x + y`` on float32 ``(3,)`` with ``y`` closed over. *cache hit* is a call of
   a traced function (result ready: ``.numpy()``/``block_until_ready``); *first call* is the
   first call of a fresh function (trace, compile, run); *trace only* is
   ``get_concrete_function`` / ``jitted.trace`` on an abstract value. Each is timed through
   the framework itself (``tf.function``, ``jax.jit``, ``ts.function``) and through the
   tracespec adapter's namespace (what the suite calls: the JAX adapter adds an effects
   barrier and its trace counter, TensorFlow's a print drain). Medians in microseconds.
2. ``tracespec check --backend jax --profile ci`` in process: wall and CPU time, scenario runs,
   and where the time went, by sampling the stack every 5 ms (``SIGPROF``, CPU time): a
   sample is *inside JAX* when a frame of ``jax``/``jaxlib`` is on the stack, *in the
   reference* when a frame of ``tracespec.reference`` is (the predictions), else the harness.

Exit status: 0, or 2 on a bad command line. Nothing is asserted: these are figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

from tracespec.adapters.registry import AdapterError, load


def median_us(thunk: Callable[[], Any], samples: int, inner: int = 1) -> float:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(inner):
            thunk()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times) * 1e6


def native_costs(name: str, samples: int) -> dict[str, float]:
    """Cache hit, first call and trace, through the framework's own API."""
    if name == "reference":
        import tracespec.reference as ts

        y, x = ts.constant([1.0, 2.0, 3.0], ts.float32), ts.constant([0.5, 0.5, 0.5], ts.float32)
        spec = ts.TensorSpec([3], ts.float32)
        make = lambda: ts.function(lambda v: v + y)  # noqa: E731
        ready = lambda r: r.numpy()  # noqa: E731
        trace = lambda f: f.get_concrete_function(spec)  # noqa: E731
    elif name == "tensorflow":
        import tensorflow as tf

        y, x = tf.constant([1.0, 2.0, 3.0]), tf.constant([0.5, 0.5, 0.5])
        spec = tf.TensorSpec([3], tf.float32)
        make = lambda: tf.function(lambda v: v + y)  # noqa: E731
        ready = lambda r: r.numpy()  # noqa: E731
        trace = lambda f: f.get_concrete_function(spec)  # noqa: E731
    else:
        import jax
        import jax.numpy as jnp

        y, x = jnp.asarray([1.0, 2.0, 3.0]), jnp.asarray([0.5, 0.5, 0.5])
        spec = jax.ShapeDtypeStruct((3,), jnp.float32)
        make = lambda: jax.jit(lambda v: v + y)  # noqa: E731
        ready = lambda r: r.block_until_ready()  # noqa: E731
        trace = lambda f: f.trace(spec)  # noqa: E731
    hot = make()
    ready(hot(x))
    return {
        "cache_hit_us": median_us(lambda: ready(hot(x)), samples, inner=50),
        "first_call_us": median_us(lambda: ready(make()(x)), max(5, samples // 2)),
        "trace_only_us": median_us(lambda: trace(make()), max(5, samples // 2)),
    }


def adapter_costs(name: str, samples: int) -> dict[str, float]:
    """The same three, through the tracespec adapter's namespace (what the suite calls)."""
    adapter = load(name)
    with adapter.session():
        ts = adapter.namespace(lambda line: None)
        y, x = ts.constant([1.0, 2.0, 3.0], ts.float32), ts.constant([0.5, 0.5, 0.5], ts.float32)
        spec = ts.TensorSpec([3], ts.float32)
        make = lambda: ts.function(lambda v: v + y)  # noqa: E731
        ready = lambda r: adapter.to_numpy(r)  # noqa: E731
        hot = make()
        ready(hot(x))
        return {
            "cache_hit_us": median_us(lambda: ready(hot(x)), samples, inner=50),
            "first_call_us": median_us(lambda: ready(make()(x)), max(5, samples // 2)),
            "trace_only_us": median_us(lambda: make().get_concrete_function(spec), max(5, samples // 2)),
        }


class Sampler:
    """CPU-time stack samples: inside JAX, in the reference, or elsewhere (the harness)."""

    def __init__(self, interval: float = 0.005):
        import jax

        import tracespec.reference

        self.interval = interval
        self.jax_dirs = tuple(str(Path(m.__file__).resolve().parent) for m in
                              (jax, __import__("jaxlib")))
        self.reference_dir = str(Path(tracespec.reference.__file__).resolve().parent)
        self.counts: Counter[str] = Counter()

    def _sample(self, signum, frame) -> None:
        where = "harness"
        while frame is not None:
            file = frame.f_code.co_filename
            if file.startswith(self.jax_dirs):
                where = "jax"
                break
            if file.startswith(self.reference_dir):
                where = "reference"
            frame = frame.f_back
        self.counts[where] += 1

    def __enter__(self) -> Sampler:
        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)


def jax_check(profile: str) -> dict[str, Any]:
    """``tracespec check --backend jax`` in process, timed and sampled."""
    from tracespec.conformance import cli

    with tempfile.TemporaryDirectory() as directory:
        wall, cpu = time.perf_counter(), time.process_time()
        with Sampler() as sampler:
            status = cli.main(["check", "--backend", "jax", "--profile", profile,
                               "--report", directory])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        report = json.loads((Path(directory) / "report.json").read_text())
    total = sum(sampler.counts.values()) or 1
    outcomes = Counter(t["outcome"] for t in report["tests"])
    return {
        "exit_status": status, "wall_s": wall, "cpu_s": cpu, "scenario_runs": report["scenarios"],
        "tests": dict(outcomes), "samples": dict(sampler.counts),
        "share": {k: v / total for k, v in sampler.counts.items()},
    }


def per_call(results: dict[str, Any], samples: int) -> None:
    """Section 1, printed and added to ``results``."""
    for name in ("reference", "tensorflow", "jax"):
        try:
            version = load(name).version()
        except AdapterError as error:
            print(f"{name:<12}unavailable: {str(error).split('. ')[0]}")
            continue
        results["per_call"][name] = {"version": version}
        rows = [("native", native_costs)] if name == "reference" else [
            ("native", native_costs), ("adapter", adapter_costs)]
        for via, measure in rows:
            costs = measure(name, samples)
            results["per_call"][name][via] = costs
            print(f"{name:<12}{via:<10}{costs['cache_hit_us']:>14.1f}{costs['first_call_us']:>16.1f}"
                  f"{costs['trace_only_us']:>16.1f}")


@contextlib.contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    saved = [(logging.getLogger(n), logging.getLogger(n).level) for n in loggers]
    for logger, _ in saved:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--skip-check", action="store_true", help="section 1 only")
    parser.add_argument("--profile", default="ci", help="profile of the JAX check (default: ci)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    samples = 9 if args.quick else 25
    results: dict[str, Any] = {"python": platform.python_version(), "per_call": {}}
    print(f"{'backend':<12}{'via':<10}{'cache hit µs':>14}{'first call µs':>16}{'trace only µs':>16}")
    with _quiet("tracespec", "tensorflow"):  # fresh functions in a loop warn of retracing, as they should
        per_call(results, samples)
    if not args.skip_check and "jax" in results["per_call"]:
        check = jax_check(args.profile)
        results["jax_check"] = check
        share = check["share"]
        print(f"\ntracespec check --backend jax --profile {args.profile}: exit {check['exit_status']}, "
              f"{check['wall_s']:.1f} s wall, {check['cpu_s']:.1f} s CPU, "
              f"{check['scenario_runs']} scenario runs, tests {check['tests']}")
        print(f"CPU samples: inside JAX {share.get('jax', 0):.0%}, in the reference (predictions) "
              f"{share.get('reference', 0):.0%}, harness {share.get('harness', 0):.0%}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
