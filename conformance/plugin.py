"""The pytest plugin (registered through the ``pytest11`` entry point).

Options: ``--backend NAME`` (or ``TRACESPEC_BACKEND``; default ``reference``),
``--tracespec-profile dev|ci|thorough`` (or ``TRACESPEC_PROFILE``),
``--tracespec-xfail FILE`` (default: the backend's own expected failures) and
``--tracespec-timeout SECONDS`` (per scenario run) and ``--tracespec-no-shrink`` (report
each failing test's first failing draw as drawn). The report header names
the backend, its version, its policies and the profile.

Each conformance test checks scenarios through a ``Run`` (the ``tracespec``
fixture): a scenario the backend lacks a capability for is skipped with the
reason while the others are still checked; what every checked scenario
reached goes into the coverage account; a violation in a scenario that
reaches a rule the backend expects to fail counts as an expected failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tracespec.adapters.base import Adapter
from tracespec.adapters.registry import AdapterError, load

from . import expected_failures, reproducers
from .chapters import Chapter
from .coverage import Account
from .runner import TIME_LIMIT, Crash, Unsupported, Violation, check
from .scenario import Scenario

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
PROFILES = {
    "dev": settings(max_examples=15, deadline=None, suppress_health_check=_QUIET),
    "ci": settings(max_examples=40, deadline=None, database=None, print_blob=True,
                   suppress_health_check=_QUIET,
                   phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]),
    "thorough": settings(max_examples=400, deadline=None, suppress_health_check=_QUIET),
}
MODES = ("eager", "traced")


@dataclass
class Suite:
    """The session's backend and settings."""

    adapter: Adapter
    profile: str
    backend_import: str
    expected: expected_failures.ExpectedFailures
    time_limit: float
    timings: Counter[str] | None = None  # seconds by part, when --tracespec-timings asks
    shrink: bool = True  # minimize a failing draw before reporting it


@dataclass
class Run:
    """One conformance test: the scenarios it checks and what they reached."""

    suite: Suite
    account: Account = field(default_factory=Account)
    checked: int = 0
    skipped: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # reasons of expected violations
    rules: set[str] = field(default_factory=set)

    def check(self, scenario: Scenario, mode: str, handwritten: bool) -> None:
        """Check one scenario in one mode (see the module docstring)."""
        suite = self.suite
        try:
            reach = check(scenario, suite.adapter, mode == "eager", suite.backend_import,
                          suite.time_limit, suite.timings)
        except Unsupported as reason:
            self.skipped.append(str(reason))
            return
        except Violation as violation:
            self.checked += 1
            self.account.add(violation.reach, mode, handwritten)
            self.rules = set(violation.reach.rules)  # the failing scenario's rules name the failure
            reason = suite.expected.for_violation(scenario.source, violation.reach.rules, mode)
            if reason is None:
                raise
            self.expected.append(reason)
            return
        self.checked += 1
        self.account.add(reach, mode, handwritten)
        self.rules |= reach.rules

    def generated(self, chapter: Chapter, mode: str) -> None:
        """Check the scenarios the profile draws from ``chapter``'s strategy."""
        drawn(chapter, self.suite.profile, lambda scenario: self.check(scenario, mode, False),
              self.suite.shrink)
        self.finish()

    def handwritten(self, scenario: Scenario, mode: str) -> None:
        self.check(scenario, mode, handwritten=True)
        self.finish()

    def finish(self) -> None:
        if not self.checked and self.skipped:
            pytest.skip("; ".join(sorted(set(self.skipped))))
        if self.expected:
            pytest.xfail("; ".join(sorted(set(self.expected))))


def drawn(chapter: Chapter, profile: str, visit: Callable[[Scenario], None],
          shrink: bool = True) -> None:
    """Run hypothesis over ``chapter``'s strategy as ``tracespec check`` does, visiting each draw.

    With every visit passing, the visits are exactly the scenarios a check of the chapter
    draws (``draw`` collects them), whatever the mode. Without ``shrink``, a failing visit
    is reported as drawn: the same verdict, sooner, with a larger failing scenario.
    """
    def draw_and_visit(data):
        visit(data.draw(chapter.scenarios(), label="scenario"))

    # One example database entry per chapter (hypothesis keys it by the function's digest).
    draw_and_visit._hypothesis_internal_add_digest = chapter.slug.encode()
    with _without_local_constants():
        profile_test(profile, chapter, shrink)(given(data=st.data())(draw_and_visit))()


def draw(chapter: Chapter, profile: str = "ci") -> list[Scenario]:
    """The scenarios ``tracespec check --profile <profile>`` draws from ``chapter``."""
    scenarios: list[Scenario] = []
    drawn(chapter, profile, scenarios.append)
    return scenarios


def profile_test(profile: str, chapter: Chapter, shrink: bool = True):
    """The decorators that make a hypothesis test draw as ``profile`` says.

    ``ci`` draws the same scenarios everywhere: a fixed seed per chapter, no database.
    Without ``shrink``, hypothesis skips its shrink phase (the draws stay the same).
    """
    chosen = PROFILES[profile]
    if not shrink:
        chosen = settings(chosen, phases=[p for p in chosen.phases if p is not Phase.shrink])

    def apply(test):
        test = chosen(test)
        return seed(zlib.crc32(chapter.slug.encode()))(test) if profile == "ci" else test

    return apply


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Keep hypothesis from mixing literals of "local" source files into the draws.

    Hypothesis draws some integers, floats and strings from constants it finds in
    modules outside site-packages, so an editable install of tracespec (whose source
    is then local) would draw other scenarios than a wheel install. The suite's draws
    must not depend on how or where tracespec is installed.
    """
    try:
        from hypothesis.internal.conjecture import providers
        empty = providers.Constants()
        cache = providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError):  # another hypothesis: tests/test_draws.py notices
        yield
        return
    with mock.patch.object(providers.HypothesisProvider, "_local_constants", empty):
        cache.clear()
        try:
            yield
        finally:
            cache.clear()


SUITE = pytest.StashKey[Suite]()
RUN = pytest.StashKey[Run]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tracespec", "tracespec conformance suite")
    group.addoption("--backend", default=os.environ.get("TRACESPEC_BACKEND", "reference"),
                    help="backend to check: a registered name or module:attribute")
    group.addoption("--tracespec-profile", default=os.environ.get("TRACESPEC_PROFILE", "dev"),
                    choices=sorted(PROFILES), help="hypothesis profile (default: dev)")
    group.addoption("--tracespec-xfail", default=None,
                    help="expected-failures file (default: the backend's own)")
    group.addoption("--tracespec-timeout", type=float, default=TIME_LIMIT,
                    help=f"time limit per scenario run, in seconds (default: {TIME_LIMIT:g})")
    group.addoption("--tracespec-no-shrink", action="store_true",
                    help="report a failing test's first failing draw without minimizing it")
    group.addoption("--tracespec-timings", default=None, metavar="FILE",
                    help="write the seconds spent in each part of the run to FILE (JSON)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chapter(name): the spec chapter a conformance test checks")
    name = config.getoption("--backend")
    try:
        adapter = load(name)
        expected = expected_failures.load(config.getoption("--tracespec-xfail"), adapter)
    except (AdapterError, expected_failures.Invalid) as error:
        raise pytest.UsageError(str(error)) from None
    timings = Counter() if config.getoption("--tracespec-timings") else None
    config.stash[SUITE] = Suite(adapter, config.getoption("--tracespec-profile"),
                                reproducers.backend_import(name, adapter), expected,
                                config.getoption("--tracespec-timeout"), timings,
                                not config.getoption("--tracespec-no-shrink"))


def pytest_sessionstart(session: pytest.Session) -> None:
    timings = session.config.stash[SUITE].timings
    if timings is not None:
        timings["started"] = time.time()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With --tracespec-timings: the parts of the run, in seconds (wall clock)."""
    path = session.config.getoption("--tracespec-timings")
    timings = session.config.stash[SUITE].timings
    if path and timings is not None:
        timings["finished"] = time.time()
        Path(path).write_text(json.dumps(dict(timings), indent=2) + "\n")


def pytest_report_header(config: pytest.Config) -> list[str]:
    suite = config.stash[SUITE]
    chosen = ", ".join(f"{k}={v}" for k, v in suite.adapter.policies.as_dict().items())
    return [
        f"tracespec backend: {suite.adapter.describe()}",
        f"tracespec policies: {chosen}",
        f"tracespec profile: {suite.profile}",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Expected failures become xfail marks; hand-written scenarios run before generated ones."""
    expected = config.stash[SUITE].expected
    suite_items = [item for item in items if item.get_closest_marker("chapter")]
    for item in suite_items:
        chapter = item.get_closest_marker("chapter").args[0]
        mode = getattr(item, "callspec", None) and item.callspec.params.get("mode")
        mark = expected.for_test(item.nodeid, chapter, mode)
        if mark is not None:
            item.add_marker(mark)
    if suite_items:
        for entry in expected.unmatched():
            warnings.warn(f"expected failure {entry!r} matches no test", stacklevel=1)
    items.sort(key=lambda item: item.get_closest_marker("chapter") is not None
               and item.originalname == "test_generated")


@pytest.fixture
def tracespec(request: pytest.FixtureRequest) -> Run:
    """The conformance test's ``Run`` against the backend under test."""
    run = Run(request.config.stash[SUITE])
    request.node.stash[RUN] = run
    return run


@pytest.fixture(scope="session")
def tracespec_adapter(pytestconfig: pytest.Config) -> Adapter:
    """The backend under test."""
    return pytestconfig.stash[SUITE].adapter


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    marker = item.get_closest_marker("chapter")
    timings = item.config.stash[SUITE].timings
    start = time.perf_counter()
    if timings is not None and "first test" not in timings:
        timings["first test"] = time.time()
    try:
        return (yield)
    finally:
        if timings is not None:
            timings[f"{item.originalname} calls"] += time.perf_counter() - start
        run = item.stash.get(RUN, None)
        if marker is not None and run is not None:
            mode = item.callspec.params.get("mode", "-") if hasattr(item, "callspec") else "-"
            item.user_properties += [
                ("chapter", marker.args[0]), ("mode", mode), ("scenarios", run.checked),
                ("skipped scenarios", len(run.skipped)), ("rules", sorted(run.rules)),
                ("coverage", run.account.as_pairs()),
            ]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A violation's or crash's own text (differences and reproducer) travels with the report."""
    report = yield
    if call.excinfo is not None:
        error = call.excinfo.value
        if isinstance(error, Violation):
            report.user_properties.append(("violation", str(error)))
        elif isinstance(error, Crash):
            report.user_properties.append(("crash", [error.kind, str(error)]))
            if error.kind == "reference bug":
                item.session.shouldstop = "tracespec: reference bug"
    return report
