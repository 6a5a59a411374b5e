"""The ``ci`` profile draws the same scenarios however and wherever tracespec is installed.

Hypothesis mixes constants it finds in "local" (not site-packages) source files into its
draws, so without care an editable install (a checkout) draws other scenarios than a wheel
install. This test installs the package twice, as a wheel's files under a site-packages
directory and as the source tree itself, and compares what each draws, from different
working directories and hash seeds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from support import ROOT, clean_env

DIGEST = """
import hashlib
from tracespec.conformance import chapters, plugin
import tracespec.conformance
assert tracespec.conformance.__path__[0].startswith({where!r}), tracespec.conformance.__path__
for chapter in chapters.ALL:
    drawn = plugin.draw(chapter, "ci")
    text = repr([(s.source, s.steps, s.globals) for s in drawn])
    print(chapter.slug, len(drawn), hashlib.sha256(text.encode()).hexdigest())
"""

PACKAGES = {"reference": "reference", "conformance": "conformance", "adapters": "adapters",
            "spec": "docs/spec"}


def draws(path, cwd, seed: str) -> str:
    env = clean_env(PYTHONPATH=f"{path}:{':'.join(p for p in sys.path if 'site-packages' in p)}",
                    PYTHONHASHSEED=seed)
    result = subprocess.run([sys.executable, "-c", DIGEST.format(where=str(path))], cwd=cwd,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_ci_draws_are_identical_across_install_mode_directory_and_hash_seed(tmp_path):
    wheel = tmp_path / "wheel" / "lib" / "site-packages"  # as a wheel installs it
    source = tmp_path / "source"  # the checkout itself, as an editable install finds it
    for name, folder in PACKAGES.items():
        shutil.copytree(ROOT / folder, wheel / "tracespec" / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
        (source / "tracespec").mkdir(parents=True, exist_ok=True)
        (source / "tracespec" / name).symlink_to(ROOT / folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    from_wheel = draws(wheel, elsewhere, "1")
    from_source = draws(source, ROOT, "12345")
    assert from_wheel == from_source
    assert len(from_wheel.splitlines()) >= 6
