"""The pytest plugin (registered through the ``pytest11`` entry point).

Options: ``--backend NAME`` (or ``TRACESPEC_BACKEND``; default ``reference``),
``--tracespec-profile dev|ci|thorough`` (or ``TRACESPEC_PROFILE``) and
``--tracespec-xfail FILE`` (default: the backend's own expected-failures file).
The report header names the backend, its version, its policies and the profile.

An expected-failures file has one entry per line, ``<test id>  # <reason>``;
a test whose node id ends with the entry's id is marked as a strict expected
failure (so an unexpected pass is reported as a failure), and an entry that
matches no collected test is reported as a warning.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from tracespec.adapters.base import Adapter
from tracespec.adapters.registry import AdapterError, load

from .runner import Unsupported, Violation, check
from .scenario import Scenario

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
PROFILES = {
    "dev": settings(max_examples=15, deadline=None, suppress_health_check=_QUIET),
    "ci": settings(max_examples=40, deadline=None, derandomize=True, database=None,
                   print_blob=True, suppress_health_check=_QUIET,
                   phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]),
    "thorough": settings(max_examples=400, deadline=None, suppress_health_check=_QUIET),
}
_profile = ["dev"]  # chosen in pytest_configure; applied to the suite's tests only


def profile_settings() -> settings:
    """The hypothesis settings of the chosen profile, for the suite's generated tests.

    They decorate the suite's tests rather than being loaded as hypothesis's global profile,
    so other hypothesis tests in the same run keep their own defaults.
    """
    return PROFILES[_profile[0]]


ADAPTER = pytest.StashKey[Adapter]()
EXPECTED = pytest.StashKey[dict[str, str]]()
MATCHED = pytest.StashKey[set[str]]()
MODES = ("eager", "traced")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tracespec", "tracespec conformance suite")
    group.addoption("--backend", default=os.environ.get("TRACESPEC_BACKEND", "reference"),
                    help="backend to check: a registered name or module:attribute")
    group.addoption("--tracespec-profile", default=os.environ.get("TRACESPEC_PROFILE", "dev"),
                    choices=sorted(PROFILES), help="hypothesis profile (default: dev)")
    group.addoption("--tracespec-xfail", default=None,
                    help="expected-failures file (default: the backend's own)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chapter(name): the spec chapter a conformance test checks")
    _profile[0] = config.getoption("--tracespec-profile")
    name = config.getoption("--backend")
    try:
        adapter = load(name)
    except AdapterError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[ADAPTER] = adapter
    path = config.getoption("--tracespec-xfail") or expected_failures_file(adapter)
    config.stash[EXPECTED] = read_expected_failures(Path(path)) if path else {}
    config.stash[MATCHED] = set()


def expected_failures_file(adapter: Adapter) -> Path | None:
    """``adapters/expected_failures/<name>.txt`` beside the adapters, if it exists."""
    path = Path(__file__).resolve().parent.parent / "adapters" / "expected_failures" / (
        f"{adapter.name}.txt")
    return path if path.exists() else None


def read_expected_failures(path: Path) -> dict[str, str]:
    """Entries ``test id -> reason``; an entry without a reason is an error."""
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        test_id, _, reason = line.partition("#")
        if not reason.strip():
            raise pytest.UsageError(f"{path}:{number}: expected failure without a reason: {line}")
        entries[test_id.strip()] = reason.strip()
    return entries


def pytest_report_header(config: pytest.Config) -> list[str]:
    adapter = config.stash[ADAPTER]
    chosen = ", ".join(f"{k}={v}" for k, v in adapter.policies.as_dict().items())
    return [
        f"tracespec backend: {adapter.describe()}",
        f"tracespec policies: {chosen}",
        f"tracespec profile: {config.getoption('--tracespec-profile')}",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    expected = config.stash[EXPECTED]
    for item in items:
        for test_id, reason in expected.items():
            if item.nodeid.endswith(test_id):
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
                config.stash[MATCHED].add(test_id)
    suite_collected = any(item.get_closest_marker("chapter") for item in items)
    for test_id in expected.keys() - config.stash[MATCHED]:
        if suite_collected:
            warnings.warn(f"expected failure {test_id!r} matches no test", stacklevel=1)


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("chapter")
    if marker is not None:
        item.user_properties.append(("chapter", marker.args[0]))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "mode" in callspec.params:
            item.user_properties.append(("mode", callspec.params["mode"]))


@pytest.fixture(scope="session")
def tracespec_adapter(pytestconfig: pytest.Config) -> Adapter:
    """The backend under test."""
    return pytestconfig.stash[ADAPTER]


@pytest.fixture(scope="session")
def backend_import(pytestconfig: pytest.Config) -> str:
    """How a reproducer gets ``ts`` for this backend."""
    return reproducer_import(pytestconfig.getoption("--backend"))


def reproducer_import(name: str) -> str:
    """The lines a reproducer starts with to get ``ts`` for the backend ``name``."""
    if name == "reference":
        return "import tracespec.reference as ts"
    return (
        "from tracespec.adapters.registry import load\n"
        f"backend = load({name!r})\n"
        "session = backend.session()\n"
        "session.__enter__()\n"
        "ts = backend.namespace(print)"
    )


_checked = [0]  # scenarios checked by the running test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    _checked[0] = 0
    try:
        return (yield)
    finally:
        if item.get_closest_marker("chapter") is not None:
            item.user_properties.append(("scenarios", _checked[0]))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A violation's own text (differences and reproducer) travels with the report."""
    report = yield
    if call.excinfo is not None and isinstance(call.excinfo.value, Violation):
        report.user_properties.append(("violation", str(call.excinfo.value)))
    return report


def verify(scenario: Scenario, adapter: Adapter, mode: str, backend_import: str) -> None:
    """Check one scenario in one mode; skip (with the reason) what the backend cannot run."""
    _checked[0] += 1
    try:
        check(scenario, adapter, mode == "eager", backend_import)
    except Unsupported as reason:
        pytest.skip(str(reason))
