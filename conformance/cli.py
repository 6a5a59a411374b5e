"""The ``tracespec`` command: ``tracespec check`` and ``tracespec backends``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from tracespec.adapters.registry import AdapterError, importable, known_backends, load

from . import report
from .plugin import PROFILES

SUITE = Path(__file__).resolve().parent / "suite"  # fixed root: node ids, hence ci draws, never vary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tracespec", description="Check a backend against the eager/traced specification."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run the conformance suite against a backend")
    check.add_argument("--backend", default="reference",
                       help="registered backend name or module:attribute (default: reference)")
    check.add_argument("--profile", default="ci", choices=sorted(PROFILES),
                       help="hypothesis profile (default: ci, derandomized)")
    check.add_argument("--report", type=Path, metavar="DIR",
                       help="write report.json and report.md into DIR")
    check.add_argument("-n", "--workers", default=None,
                       help="run in parallel with pytest-xdist (a number or 'auto')")
    check.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    commands.add_parser("backends", help="list the known backends and whether each loads")
    matrix = commands.add_parser("matrix", help="write the conformance matrix of report.json files")
    matrix.add_argument("reports", nargs="+", type=Path, help="report.json files")
    matrix.add_argument("--update", type=Path, metavar="PAGE",
                        help="replace the generated section of PAGE (e.g. docs/conformance.md)")
    args = parser.parse_args(argv)
    if args.command == "backends":
        return list_backends()
    if args.command == "matrix":
        return write_matrix(args.reports, args.update)
    return run_check(args)


def write_matrix(paths: list[Path], page: Path | None) -> int:
    reports = [json.loads(path.read_text()) for path in paths]
    if page is None:
        print(report.matrix(reports))
    else:
        report.update_matrix(page, reports)
    return 0


def list_backends() -> int:
    for name in sorted(known_backends()):
        ok, detail = importable(name)
        print(f"{name:<32} {'ok' if ok else 'unavailable':<12} {detail}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    try:
        adapter = load(args.backend)
    except AdapterError as error:
        print(f"tracespec: {error}", file=sys.stderr)
        return 2
    collector = report.Collector()
    pytest_args = [
        "--pyargs", "tracespec.conformance.suite", "--rootdir", str(SUITE),
        "--backend", args.backend, "--tracespec-profile", args.profile,
        "-p", "no:cacheprovider", "-o", "addopts=", "-q", "--tb=no", "--no-header",
        "-W", "ignore::pytest.PytestAssertRewriteWarning", "-W", "ignore::DeprecationWarning:gast",
        *(["-n", args.workers] if args.workers else []),
        *args.pytest_args,
    ]
    print(f"tracespec check: {adapter.describe()}, profile {args.profile}")
    status = pytest.main(pytest_args, plugins=[collector])
    print()
    print(report.table(collector.results))
    failures = [r for r in collector.results if r.outcome == "failed"]
    for result in failures:
        print(f"\n=== violation: {result.chapter} ({result.mode}) {result.test}")
        print(result.details)
    if args.report:
        json_path, md_path = report.write(collector, args.report)
        print(f"\nwrote {json_path} and {md_path}")
    if not collector.results:
        print("tracespec: no conformance test ran", file=sys.stderr)
        return 1
    verdict = "violates the spec" if failures else "conforms"
    print(f"\n{adapter.name}: {verdict} ({len(failures)} failing checks)")
    return 1 if failures or status != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
