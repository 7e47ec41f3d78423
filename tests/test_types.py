"""The compiled core's type stub matches the module, and the package type-checks.

``izhic/_core.pyi`` describes the Cython module to type checkers and IDEs; a
stale stub (0.1.0: ``Run`` with the wrong arguments) misleads them.
mypy's stubtest compares the stub with the compiled module itself."""
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")
ROOT = Path(__file__).resolve().parents[1]


CONFIG = str(ROOT / "pyproject.toml")


def _run(*args):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_the_stub_matches_the_compiled_core():
    proc = _run("mypy.stubtest", "izhic._core", "--mypy-config-file", CONFIG, "--allowlist",
                str(ROOT / "tests" / "stubtest_allowlist.txt"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_package_type_checks():
    proc = _run("mypy", "--config-file", CONFIG, "--cache-dir", "/dev/null", "-p", "izhic")
    assert proc.returncode == 0, proc.stdout + proc.stderr
