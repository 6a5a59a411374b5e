"""Benchmark of the conformance suite as users run it: the ``tracespec check`` command itself.

Run::

    python benchmarks/bench_conformance.py                      # the reference, 3 runs
    python benchmarks/bench_conformance.py --quick              # 1 run, 3 mutants
    python benchmarks/bench_conformance.py --backend tensorflow --no-mutants
    python benchmarks/bench_conformance.py --json bench.json

1. ``tracespec check --profile ci`` as a subprocess (median of the runs): wall time,
   scenario runs checked per second, and where the time goes, measured from inside the
   run (``--tracespec-timings``): start-up and collection (process start to the first
   test), drawing (hypothesis' own time in the generated tests: the tests' time minus
   their checks), the backend under test, the reference's prediction (with the coverage
   account), comparing, and the rest (reporting, teardown).
2. Time to first detection of every shipped mutant: ``tracespec check --backend
   mutant-... --profile ci -- -x`` until its first violation (wall time, process start
   included): median and maximum.

Goals (exit status 1 when missed): the reference's ci run under 30 s; the mutants'
median time to first detection under 2 s and maximum under 5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tracespec.adapters.registry import mutants

CI_LIMIT_S = 30.0
DETECTION_MEDIAN_S, DETECTION_MAX_S = 2.0, 5.0


def run_check(backend: str, out: Path, *extra: str) -> tuple[float, float, int]:
    """One ``tracespec check`` subprocess writing its report into ``out``: its start (epoch
    seconds), its wall seconds and its exit status."""
    command = [sys.executable, "-m", "tracespec.conformance.cli", "check", "--backend", backend,
               "--profile", "ci", "--report", str(out), *extra]
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True)
    return started, time.time() - started, result.returncode


def bench_command(backend: str, runs: int) -> dict[str, Any]:
    samples = []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix="tracespec-bench-"))
        timings_file = out / "timings.json"
        started, wall, status = run_check(backend, out, "--", "--tracespec-timings", str(timings_file))
        timings = json.loads(timings_file.read_text())
        report = json.loads((out / "report.json").read_text())
        tests = timings.get("test_generated calls", 0) + timings.get("test_handwritten calls", 0)
        checks = sum(timings.get(part, 0) for part in ("backend", "reference", "compare"))
        parts = {
            "start-up and collection": timings["first test"] - started,
            "drawing (hypothesis)": tests - checks,
            "backend under test": timings.get("backend", 0),
            "reference prediction": timings.get("reference", 0),
            "comparison": timings.get("compare", 0),
        }
        parts["rest (reporting, teardown)"] = wall - sum(parts.values())
        samples.append({"wall_s": wall, "status": status, "scenarios": report["scenarios"],
                        "parts_s": parts})
    median = statistics.median(s["wall_s"] for s in samples)
    chosen = min(samples, key=lambda s: abs(s["wall_s"] - median))
    return {"backend": backend, "runs": samples, "median_wall_s": median,
            "scenarios": chosen["scenarios"], "scenario_runs_per_s": chosen["scenarios"] / median,
            "parts_s": chosen["parts_s"], "status": chosen["status"]}


def bench_detection(names: list[str]) -> dict[str, Any]:
    times = {}
    for name in names:
        _, wall, status = run_check(name, Path(tempfile.mkdtemp(prefix="tracespec-bench-")), "--", "-x")
        times[name] = {"wall_s": wall, "caught": status == 1}
    values = [t["wall_s"] for t in times.values()]
    return {"mutants": times, "median_s": statistics.median(values), "max_s": max(values)}


def report(results: dict[str, Any]) -> str:
    command = results["command"]
    lines = [f"tracespec check --backend {command['backend']} --profile ci: "
             f"{command['median_wall_s']:.1f} s wall (median of {len(command['runs'])}), "
             f"{command['scenarios']} scenario runs, {command['scenario_runs_per_s']:.0f} per second",
             ""]
    total = sum(command["parts_s"].values())
    for part, seconds in command["parts_s"].items():
        lines.append(f"  {part:<28} {seconds:7.2f} s  {100 * seconds / total:5.1f}%")
    detection = results.get("detection")
    if detection:
        lines += ["", f"time to first detection (-x), {len(detection['mutants'])} mutants: median "
                  f"{detection['median_s']:.2f} s, maximum {detection['max_s']:.2f} s"]
        for name, row in sorted(detection["mutants"].items(), key=lambda item: item[1]["wall_s"]):
            caught = "" if row["caught"] else "  NOT CAUGHT"
            lines.append(f"  {name:<44} {row['wall_s']:6.2f} s{caught}")
    return "\n".join(lines)


def goals_met(results: dict[str, Any]) -> bool:
    ok = results["command"]["status"] == 0 or results["command"]["backend"] != "reference"
    if results["command"]["backend"] == "reference":
        ok &= results["command"]["median_wall_s"] < CI_LIMIT_S
    detection = results.get("detection")
    if detection:
        ok &= all(row["caught"] for row in detection["mutants"].values())
        ok &= detection["median_s"] < DETECTION_MEDIAN_S and detection["max_s"] < DETECTION_MAX_S
    return bool(ok)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="reference")
    parser.add_argument("--quick", action="store_true", help="one run, three mutants")
    parser.add_argument("--no-mutants", action="store_true", help="skip time to first detection")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"command": bench_command(args.backend, 1 if args.quick else 3)}
    if not args.no_mutants:
        names = sorted(mutants())
        results["detection"] = bench_detection(names[:3] if args.quick else names)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    met = goals_met(results)
    print("\ngoals met" if met else "\ngoals NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
