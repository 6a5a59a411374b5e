"""Shared helpers of the conformance machinery's tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tracespec.conformance.scenario import BASE_REQUIREMENTS, Scenario

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_IMPORT = "import tracespec.reference as ts"


def scenario(source: str, *steps, functions=("f",), requires=(), chapter="side-effects",
             **globals_) -> Scenario:
    return Scenario(chapter, textwrap.dedent(source), tuple(steps), tuple(functions), ("TEST-1",),
                    dict(globals_), BASE_REQUIREMENTS | frozenset(requires))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: not this run's xdist worker, no tracespec overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TRACESPEC_"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=clean_env(**env))


def cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "tracespec.conformance.cli", *args], cwd, **env)


def run_script(text: str, directory: Path) -> subprocess.CompletedProcess:
    path = directory / "script.py"
    path.write_text(text)
    return subprocess.run([sys.executable, "-u", str(path)], cwd=directory, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120, env=clean_env())
