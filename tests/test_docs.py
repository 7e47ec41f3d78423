"""The documentation runs: docstring examples and the README's Python blocks."""
import doctest
import importlib
import pathlib
import re

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULES = ["izhic", "izhic.simulate", "izhic.result", "izhic.models", "izhic.inputs",
           "izhic.reference", "izhic.analysis", "izhic.plotting", "izhic.figures",
           "izhic.repertoire", "izhic.figures_2007", "izhic.protocols", "izhic.network",
           "izhic.sweeps"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    if name == "izhic.simulate":   # the package attribute is the function; get the module
        import sys
        module = sys.modules[name]
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert blocks
    # the README's sampled-input example refers to the user's own recordings
    namespace = {"recordings": np.random.default_rng(0).uniform(0.0, 5.0, (1000, 200))}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["fi"].rates[10] == 22.5


def test_readme_quick_start_is_exactly_two_commands():
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    lines = [line for line in quick.strip().splitlines() if line.strip()]
    assert lines == ['python -m pip install -e ".[test]" && python examples/rs_sweep.py',
                     "python -m pytest"]
