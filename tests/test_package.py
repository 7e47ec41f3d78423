"""What a user gets with the package: the licence it claims, documentation that
refers only to what ships with it."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import izhic

ROOT = Path(__file__).resolve().parents[1]


def test_the_license_file_is_the_one_pyproject_names():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'license = "BSD-3-Clause"' in pyproject and 'license-files = ["LICENSE"]' in pyproject


def test_no_file_refers_to_material_users_do_not_have():
    # the project was written against notes outside the repository; what it
    # says must stand on its own (cite the paper or the tool instead)
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):      # not a git checkout
        files = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()
                 and not any(part.startswith(".") or part in ("build", "__pycache__")
                             for part in p.relative_to(ROOT).parts)]
    # (spelled in pieces: tools that grep the tree for these should not find this file)
    shared = "shared"
    pattern = re.compile(rf"\.\./{shared}|{shared}/reference|performance\.md|the issue quotes|"
                         r"the reference table")
    offenders = [name for name in files
                 if name.endswith((".py", ".md", ".c", ".pyx", ".toml", ".txt", ".cfg"))
                 and name != Path(__file__).relative_to(ROOT).as_posix()
                 and pattern.search((ROOT / name).read_text(errors="replace"))]
    assert not offenders, offenders


def test_the_version_is_in_one_place():
    version = (ROOT / "izhic" / "_version.py").read_text()
    assert f'__version__ = "{izhic.__version__}"' in version
    assert 'version = { attr = "izhic._version.__version__" }' in \
        (ROOT / "pyproject.toml").read_text()


def test_citation_and_changelog():
    citation = (ROOT / "CITATION.cff").read_text()
    assert citation.startswith("cff-version: 1.2.0") and "license: BSD-3-Clause" in citation
    assert "Polychronization: computation with spikes" in citation
    assert "\nversion:" not in citation          # the version lives in izhic/_version.py
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog") and "## 0.1.0" in changelog


def test_build_needs_no_numpy_and_the_wheel_ships_no_generated_c():
    """The core uses typed memoryviews, not NumPy's C API; the 1.8 MB of C that
    Cython writes is rebuilt from _core.pyx and stays out of the wheel."""
    import pytest

    tomllib = pytest.importorskip("tomllib")     # Python >= 3.11
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert not any(r.startswith("numpy") for r in pyproject["build-system"]["requires"])
    assert "*.c" in pyproject["tool"]["setuptools"]["exclude-package-data"]["izhic"]
    assert "numpy" not in (ROOT / "izhic" / "_core.pyx").read_text()
    assert "import numpy" not in (ROOT / "setup.py").read_text()


def test_test_modules_have_unique_names():
    """tests/ and benchmarks/ are not packages: two test files of one name would
    stop ``pytest --benchmark-only`` from the root at collection."""
    names = [p.name for d in ("tests", "benchmarks") for p in (ROOT / d).glob("test_*.py")]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


# -- the core needs NumPy only; every optional feature names its extra ----------

_OPTIONAL = ("matplotlib", "scipy", "tqdm", "PIL", "pandas", "neo", "dask", "distributed",
             "xarray", "zarr")

# (extra, the call that needs it): run with every optional package made unimportable
_FEATURES = {
    "plot": ["izhic.plotting.new_figure()",
             "izhic.plotting.plot_trace(izhic.simulate('RS', 10.0, 10.0, record='v'))",
             "izhic.plotting.phase_plane('RS', 10.0, duration=10.0)",
             "izhic.fi_curve('RS', [10.0], duration=50.0).plot()",
             "izhic.plotting.save_png(None, 'x.png')",
             "izhic.cli.main(['run', 'RS', '--duration', '10', '--out', 'x.png'])"],
    "progress": ["izhic.simulate('RS', 10.0, 10.0, progress=True)",
                 "izhic.network.polychronization_2006(1000.0, progress=True)"],
    "scipy": ["izhic.reference.simulate_solve_ivp('RS', 10.0, 10.0)",
              "izhic.network.polychronization_2006(1000.0).spectrum()"],
    "io": ["izhic.simulate('RS', 10.0, 10.0).to_pandas()",
           "izhic.simulate('RS', 10.0, 10.0).to_neo()"],
    "sweep": ["izhic.sweep('RS', {'current': [1.0]}, duration=1.0)"],
}


def test_import_izhic_and_simulate_need_numpy_only(tmp_path):
    code = (f"import sys\nfor m in {_OPTIONAL!r}:\n    sys.modules[m] = None\n"
            "import izhic, izhic.simulate, izhic.network, izhic.plotting, izhic.reference\n"
            "import izhic.cli, izhic.figures, izhic.analysis\n"
            "res = izhic.simulate(izhic.PRESETS_2007['RS'], [0.0, 100.0], 200.0)\n"
            "print(res.spike_counts().tolist())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[0] == "[0, 3]"      # (2007 RS: rheobase ~51 pA)


@pytest.mark.parametrize("extra, call", [(e, c) for e, calls in _FEATURES.items() for c in calls])
def test_a_feature_without_its_extra_names_it(tmp_path, extra, call):
    code = (f"import sys\nfor m in {_OPTIONAL!r}:\n    sys.modules[m] = None\n"
            "import izhic, izhic.plotting, izhic.reference, izhic.network, izhic.cli\n"
            f"try:\n    {call}\nexcept ImportError as exc:\n    print(exc)\n"
            "else:\n    print('no error')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f'pip install "izhic[{extra}]"' in proc.stdout, proc.stdout


def test_the_extras_named_in_errors_are_pyprojects():
    tomllib = pytest.importorskip("tomllib")
    from izhic._extras import EXTRAS

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    for extra, packages in EXTRAS.items():
        listed = {re.split(r"[<>=;\[ ]", spec)[0] for spec in extras[extra]}
        assert set(p.split("[")[0] for p in packages) == listed, extra
        # the quick start's test extra installs them all
        assert listed <= {re.split(r"[<>=;\[ ]", spec)[0] for spec in extras["test"]}, extra
        assert listed <= {re.split(r"[<>=;\[ ]", spec)[0] for spec in extras["all"]}, extra


@pytest.mark.skipif(not os.environ.get("IZHIC_EXPECT_INSTALLED"),
                    reason="IZHIC_EXPECT_INSTALLED: only when testing an installed wheel (CI)")
def test_the_izhic_under_test_is_the_installed_one():
    assert "site-packages" in Path(izhic.__file__).parts, izhic.__file__
    assert ROOT not in Path(izhic.__file__).resolve().parents
