"""Benchmarks for variables and gradients (chapters 10 and 11).

Run::

    python benchmarks/bench_state.py                  # the reference only
    python benchmarks/bench_state.py --tensorflow     # and the same on TensorFlow
    python benchmarks/bench_state.py --quick --json state.json

What it measures (see ``benchmarks/README.md``):

1. A training loop: 100 steps of an 8 -> 16 -> 16 -> 1 float32 MLP (ReLU through
   ``maximum``, batch 32, mean squared error, ``GradientTape``, ``assign_sub(0.01 * g)``), with
   the step undecorated (eager) and decorated with ``function`` (traced; the first loop, which
   includes the trace, is reported apart). Median wall time per loop, the ratio eager / traced,
   and whether the final losses agree (bitwise on the reference).
2. The cost of one gradient: the forward pass alone versus the forward pass recorded on a tape
   plus ``tape.gradient``, eagerly and traced; the ratio says what reverse mode costs on top.

The same program runs on each backend through its namespace (``tracespec.reference`` or the
TensorFlow adapter's), with fresh variables for every loop. TensorFlow runs with one intra-op
and one inter-op thread, as in the findings this reproduces.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SHAPES = ((8, 16), (16,), (16, 16), (16,), (16, 1), (1,))
STEPS = 100


def make_model(ts: Any) -> dict[str, Callable[..., Any]]:
    """The MLP's pieces, written once against the namespace ``ts``."""
    rng = np.random.default_rng(0)
    x = ts.constant(rng.normal(size=(32, 8)).astype(np.float32))
    y = ts.constant(rng.normal(size=(32, 1)).astype(np.float32))

    def parameters() -> list:
        r = np.random.default_rng(1)
        return [ts.Variable((r.normal(size=s) * 0.3).astype(np.float32)) for s in SHAPES]

    def forward(params, x, y):
        w1, b1, w2, b2, w3, b3 = params
        h1 = ts.maximum(ts.matmul(x, w1) + b1, 0.0)
        h2 = ts.maximum(ts.matmul(h1, w2) + b2, 0.0)
        return ts.reduce_mean(ts.square(ts.matmul(h2, w3) + b3 - y))

    def gradient(params, x, y):
        with ts.GradientTape() as tape:
            loss = forward(params, x, y)
        return tape.gradient(loss, params)

    def step(params, x, y):
        with ts.GradientTape() as tape:
            loss = forward(params, x, y)
        for p, g in zip(params, tape.gradient(loss, params)):
            p.assign_sub(0.01 * g)
        return loss

    return {"x": x, "y": y, "parameters": parameters, "forward": forward, "gradient": gradient,
            "step": step}


def training_loop(model: dict, step: Callable[..., Any]) -> tuple[float, float]:
    """Seconds for STEPS steps from fresh parameters, and the final loss."""
    params = model["parameters"]()
    start = time.perf_counter()
    for _ in range(STEPS):
        loss = step(params, model["x"], model["y"])
    value = float(np.asarray(loss))
    return time.perf_counter() - start, value


def per_call(fn: Callable[[], Any], calls: int, repeats: int) -> float:
    """Median seconds per call over ``repeats`` runs of ``calls`` calls."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            result = fn()
        np.asarray(result[0] if isinstance(result, list) else result)
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def measure(ts: Any, repeats: int, calls: int) -> dict[str, Any]:
    model = make_model(ts)
    eager = [training_loop(model, model["step"]) for _ in range(repeats)]
    traced_step = ts.function(model["step"])
    first = training_loop(model, traced_step)
    traced = [training_loop(model, traced_step) for _ in range(repeats)]
    eager_ms = statistics.median(t for t, _ in eager) * 1e3
    traced_ms = statistics.median(t for t, _ in traced) * 1e3
    losses = {loss for _, loss in eager + traced + [first]}
    params = model["parameters"]()
    args = (params, model["x"], model["y"])
    costs = {}
    for mode, wrap in (("eager", lambda f: f), ("traced", ts.function)):
        forward, gradient = wrap(model["forward"]), wrap(model["gradient"])
        forward(*args), gradient(*args)  # trace outside the timing
        f = per_call(lambda forward=forward: forward(*args), calls, repeats)
        g = per_call(lambda gradient=gradient: gradient(*args), calls, repeats)
        costs[mode] = {"forward_us": f * 1e6, "forward_and_gradient_us": g * 1e6, "ratio": g / f}
    return {
        "training_loop_ms": {"eager": eager_ms, "traced": traced_ms, "traced_first_loop": first[0] * 1e3},
        "eager_over_traced": eager_ms / traced_ms,
        "tracing_count": traced_step.experimental_get_tracing_count(),
        "final_losses": sorted(losses),
        "losses_bitwise_equal": len(losses) == 1,
        "gradient_cost": costs,
    }


def tensorflow_namespace() -> Any:
    from tracespec.adapters.tensorflow import adapter, tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return adapter.namespace(lambda line: None)


def report(name: str, result: dict[str, Any]) -> list[str]:
    loop, costs = result["training_loop_ms"], result["gradient_cost"]
    lines = [
        f"{name}: {STEPS} training steps of the MLP",
        f"  eager  {loop['eager']:9.1f} ms   traced {loop['traced']:9.1f} ms   "
        f"(first traced loop, with the trace: {loop['traced_first_loop']:.1f} ms)",
        f"  eager / traced = {result['eager_over_traced']:.2f}x; tracing count {result['tracing_count']}; "
        f"final losses {'bitwise equal' if result['losses_bitwise_equal'] else 'differ'} "
        f"({', '.join(f'{v:.9g}' for v in result['final_losses'])})",
    ]
    for mode, cost in costs.items():
        lines.append(f"  one gradient, {mode:6}: forward {cost['forward_us']:9.0f} us, forward + gradient "
                     f"{cost['forward_and_gradient_us']:9.0f} us: {cost['ratio']:.2f}x the forward pass")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--tensorflow", action="store_true", help="also measure TensorFlow")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    options = parser.parse_args(argv)
    repeats, calls = (3, 5) if options.quick else (7, 20)

    import tracespec.reference as reference

    results = {"python": platform.python_version(), "reference": measure(reference, repeats, calls)}
    lines = report("reference", results["reference"])
    if options.tensorflow:
        results["tensorflow"] = measure(tensorflow_namespace(), repeats, calls * 10)
        lines += report("tensorflow", results["tensorflow"])
    print("\n".join(lines))
    if options.json:
        with open(options.json, "w", encoding="utf-8") as file:
            json.dump(results, file, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
