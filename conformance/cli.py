"""The ``tracespec`` command: ``tracespec check``, ``tracespec backends`` and ``tracespec matrix``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tracespec.adapters.registry import AdapterError, importable, known_backends, load

from . import expected_failures, matrix_page, report
from .plugin import PROFILES
from .runner import TIME_LIMIT

SUITE = Path(__file__).resolve().parent / "suite"  # a fixed root: node ids never vary

EXIT_CODES = {
    0: "the backend conforms",
    1: "the backend violates the spec",
    2: "usage error (bad arguments or input files)",
    3: "backend error: the adapter failed outside the program, or a scenario hung",
    4: "reference bug: the reference failed in a way the spec does not define",
    5: "nothing was checked (no conformance test ran)",
}
CONFORMS, VIOLATES, USAGE, BACKEND_ERROR, REFERENCE_BUG, NOTHING_CHECKED = range(6)


class UsageError(Exception):
    """Bad command-line input; the message names the problem and the fix."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tracespec", description="Check a backend against the eager/traced specification.",
        epilog="exit codes of 'check': " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="run the conformance suite against a backend",
        epilog="exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()))
    check.add_argument("--backend", default="reference",
                       help="registered backend name or module:attribute (default: reference)")
    check.add_argument("--profile", default="ci", choices=sorted(PROFILES),
                       help="hypothesis profile (default: ci, the same draws everywhere)")
    check.add_argument("--report", type=Path, metavar="DIR",
                       help="write report.json and report.md into DIR")
    check.add_argument("--xfail", metavar="FILE",
                       help="expected-failures file (default: the backend's own)")
    check.add_argument("--timeout", type=_seconds, default=TIME_LIMIT, metavar="SECONDS",
                       help=f"time limit per scenario run (default: {TIME_LIMIT:g})")
    check.add_argument("--no-shrink", action="store_true",
                       help="report each failing test's first failing scenario as drawn, "
                            "without minimizing it (the same verdict, sooner)")
    check.add_argument("--coverage", action="store_true",
                       help="print the coverage account: what the scenarios reached")
    check.add_argument("-n", "--workers", type=_workers, default=None,
                       help="run in parallel with pytest-xdist (a number or 'auto')")
    check.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    commands.add_parser("backends", help="list the known backends and whether each loads")
    matrix = commands.add_parser("matrix", help="write the conformance matrix of report.json files")
    matrix.add_argument("reports", nargs="+", type=Path, help="report.json files")
    matrix.add_argument("--update", type=Path, metavar="PAGE",
                        help="replace the generated section of PAGE (e.g. docs/conformance.md)")
    matrix.add_argument("--html", type=Path, metavar="OUT",
                        help="write the matrix as a static HTML page to OUT (rules x backends x modes)")
    matrix.add_argument("--spec-url", default="spec/", metavar="URL",
                        help="where the HTML page links the spec chapters (default: spec/, for a "
                             "page in docs/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "backends":
            return list_backends()
        if args.command == "matrix":
            return write_matrix(args.reports, args.update, args.html, args.spec_url)
        return run_check(args)
    except UsageError as error:
        print(f"tracespec: {error}", file=sys.stderr)
        return USAGE


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"the time limit must be positive, got {text}")
    return value


def _workers(text: str) -> str:
    if text == "auto" or (text.isdigit() and int(text) > 0):
        return text
    raise argparse.ArgumentTypeError(f"expected a positive number of workers or 'auto', got {text!r}")


def read_report(path: Path) -> dict[str, Any]:
    """A report.json written by ``tracespec check --report``, or a clear ``UsageError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read report {path}: {error.strerror}. Write one with "
                         "'tracespec check --report DIR' and pass DIR/report.json.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not JSON ({error.msg} at line {error.lineno}); pass a "
                         "report.json written by 'tracespec check --report DIR'.") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != report.SCHEMA:
        raise UsageError(f"{path} is not a {report.SCHEMA} report (its schema is {schema!r}); "
                         "write it again with this version's 'tracespec check --report DIR'.")
    return data


def write_matrix(paths: list[Path], page: Path | None, html: Path | None = None,
                 spec_url: str = "spec/") -> int:
    reports = [read_report(path) for path in paths]
    if html is not None:
        try:
            html.write_text(matrix_page.render(reports, spec_url), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {html}: {error.strerror}.") from None
        print(f"wrote {html}")
    if page is None:
        if html is None:
            print(report.matrix(reports))
        return CONFORMS
    try:
        report.update_matrix(page, reports)
    except OSError as error:
        raise UsageError(f"cannot update {page}: {error.strerror}.") from None
    except ValueError as error:
        raise UsageError(f"{error} Add the two marker lines where the matrix belongs.") from None
    return CONFORMS


def list_backends() -> int:
    for name in sorted(known_backends()):
        ok, detail = importable(name)
        print(f"{name:<36} {'ok' if ok else 'unavailable':<12} {detail}")
    return CONFORMS


def run_check(args: argparse.Namespace) -> int:
    if args.report is not None and args.report.exists() and not args.report.is_dir():
        raise UsageError(f"--report {args.report} is a file; it names a directory that "
                         "report.json and report.md are written into.")
    _importable_from_here(args.backend)
    try:
        adapter = load(args.backend)
        expected_failures.load(args.xfail, adapter)  # a bad file is a usage error, not a crash
    except (AdapterError, expected_failures.Invalid) as error:
        raise UsageError(str(error)) from None
    collector = report.Collector()
    pytest_args = [
        "--pyargs", "tracespec.conformance.suite", "--rootdir", str(SUITE),
        "--backend", args.backend, "--tracespec-profile", args.profile,
        "--tracespec-timeout", str(args.timeout),
        *(["--tracespec-no-shrink"] if args.no_shrink else []),
        *(["--tracespec-xfail", args.xfail] if args.xfail else []),
        "-p", "no:cacheprovider", "-o", "addopts=", "-q", "--tb=no", "--no-header",
        "-W", "ignore::pytest.PytestAssertRewriteWarning", "-W", "ignore::DeprecationWarning:gast",
        *(["-n", args.workers] if args.workers else []),
        *args.pytest_args,
    ]
    print(f"tracespec check: {adapter.describe()}, profile {args.profile}")
    status = pytest.main(pytest_args, plugins=[collector])
    if status == pytest.ExitCode.USAGE_ERROR:
        return USAGE
    print()
    print(report.table(collector.results))
    if args.coverage:
        print("\ncoverage: scenario runs that reached each item\n")
        print(collector.account.table())
    crashes = [r for r in collector.results if r.outcome == "error"]
    failures = [r for r in collector.results if r.outcome == "failed"]
    for result in crashes:
        print(f"\n=== {result.crash}: {result.chapter} ({result.mode}) {result.test}")
        print(result.details)
    for result in failures:
        print(f"\n=== violation: {result.chapter} ({result.mode}) {result.test}")
        print(result.details)
    if args.report:
        json_path, md_path = report.write(collector, args.report)
        print(f"\nwrote {json_path} and {md_path}")
    return verdict(adapter.name, collector.results, status)


def verdict(name: str, results: list[report.Result], status: int) -> int:
    """The exit code, with its sentence on stdout (stderr for what is not a verdict)."""
    kinds = {r.crash for r in results if r.outcome == "error"}
    failures = sum(r.outcome == "failed" for r in results)
    if "reference bug" in kinds:
        print(f"\ntracespec: reference bug (see above); {name} was not judged", file=sys.stderr)
        return REFERENCE_BUG
    if kinds:
        print(f"\ntracespec: {', '.join(sorted(kinds))} (see above); {name} was not judged",
              file=sys.stderr)
        return BACKEND_ERROR
    if not results:
        print("tracespec: no conformance test ran", file=sys.stderr)
        return NOTHING_CHECKED
    if failures or status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        print(f"\n{name}: violates the spec ({failures} failing checks)")
        return VIOLATES
    print(f"\n{name}: conforms (0 failing checks)")
    return CONFORMS


def _importable_from_here(backend: str) -> None:
    """``module:attribute`` names resolve as ``python -m`` would: the current directory first."""
    if ":" not in backend:
        return
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)
    paths = os.environ.get("PYTHONPATH", "")
    if here not in paths.split(os.pathsep):  # pytest-xdist's workers are new processes
        os.environ["PYTHONPATH"] = here + (os.pathsep + paths if paths else "")


if __name__ == "__main__":
    sys.exit(main())
