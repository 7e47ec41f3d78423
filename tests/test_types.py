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


def _run(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.mark.slow
def test_the_stub_matches_the_compiled_core(tmp_path):
    # the izhic this Python imports (an installed wheel's, or the checkout's
    # through an editable install), run from elsewhere than the checkout; mypy
    # finds an installed wheel's stub in site-packages, but cannot follow an
    # editable install's import hook: it is told where the package lies
    import os
    from pathlib import Path

    import izhic

    where = Path(izhic.__file__).resolve().parents[1]
    env = dict(os.environ)
    if "site-packages" not in where.parts:
        env["MYPYPATH"] = str(where)
    proc = _run("mypy.stubtest", "izhic._core", "--mypy-config-file", CONFIG, "--allowlist",
                str(ROOT / "tests" / "stubtest_allowlist.txt"), cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # (an unused allowlist entry fails the run, so passing shows that the compiled
    # module was compared, not a module mypy could not find)


@pytest.mark.slow
def test_the_package_type_checks():
    proc = _run("mypy", "--config-file", CONFIG, "--cache-dir", "/dev/null", "-p", "izhic")
    assert proc.returncode == 0, proc.stdout + proc.stderr
