"""The documentation runs: docstring examples and the README's Python blocks."""
import doctest
import importlib
import pathlib
import pkgutil
import re
import sys

import numpy as np
import pytest

import izhic

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: every Python module of the package (the compiled core has no docstring examples)
MODULES = sorted({"izhic"} | {m.name for m in pkgutil.walk_packages(izhic.__path__, "izhic.")
                              if m.name not in ("izhic._core", "izhic.__main__")})
#: private helpers that need no examples of their own
NO_EXAMPLES = {"izhic._checks", "izhic._version"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    importlib.import_module(name)
    module = sys.modules[name]    # (izhic.simulate: the module, not the function)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    # a module whose examples are never run passes whatever they say
    if name not in NO_EXAMPLES:
        assert result.attempted > 0, f"{name} has no docstring example that runs"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert blocks
    # the README's sampled-input example refers to the user's own recordings
    namespace = {"recordings": np.random.default_rng(0).uniform(0.0, 5.0, (1000, 200))}
    # the README's LocalCluster takes dask's default dashboard port; when
    # something else holds it (another cluster), its dashboard goes elsewhere
    busy = not _port_free(8787)
    for block in blocks:
        if busy:
            block = block.replace("LocalCluster(", 'LocalCluster(dashboard_address=":0", ')
        exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["fi"].rates[10] == 22.5


def _port_free(port):
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def test_readme_quick_start_is_exactly_two_commands():
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    lines = [line for line in quick.strip().splitlines() if line.strip()]
    assert lines == ['python -m pip install -e ".[test]" && python examples/rs_sweep.py',
                     "python -m pytest"]
