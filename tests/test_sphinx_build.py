"""The documentation builds: Sphinx, numpydoc and the theme, no warning at all."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_sphinx_html_build_has_no_warning(tmp_path):
    # the docs extra (pip install -e ".[docs]"); skipped without it
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("pydata_sphinx_theme")
    pytest.importorskip("sphinx_gallery")
    out = tmp_path / "html"
    # -W: any warning fails the build; --keep-going: report them all first;
    # -E and -d: a fresh environment, nothing read from an earlier build
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q",
           "-d", str(tmp_path / "doctrees"), "-b", "html", str(ROOT / "docs"), str(out)]
    # (cwd elsewhere than the checkout: autodoc reads the izhic this Python has installed)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "index.html").is_file()
    for page in ("api/izhic.html", "api/inputs.html", "gallery/index.html"):
        assert (out / page).is_file(), page
    # the gallery ran every example and shows the figures each one wrote
    examples = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))
    assert len(examples) >= 10
    for name in examples:
        html = (out / "gallery" / f"{name}.html").read_text(encoding="utf-8")
        assert f"sphx_glr_{name}_001.png" in html, name
        assert (out / "_images" / f"sphx_glr_{name}_001.png").stat().st_size > 10_000, name
    # numpydoc ran: simulate's Parameters section is rendered as a field list
    api = (out / "api" / "izhic.html").read_text(encoding="utf-8")
    assert 'id="izhic.simulate"' in api and "Parameters" in api
