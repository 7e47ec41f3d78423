"""The original RS study's figures (izhic.figures.rs_study) and examples/rs_sweep.py.

examples/rs_sweep.py is a thin wrapper around
:func:`izhic.figures.rs_study.rs_sweep` (the figure code lives in the package so
that ``izhic figure rs_sweep`` works from an installed izhic): it runs from a
clean directory and reproduces the study's numbers."""
import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from izhic.figures.rs_study import (CURRENT_UNIT, PUBLISHED, TRACE_CURRENTS,
                                    _membrane_potential_figure, _rates_figure)
from izhic.figures.rs_study import rs_sweep as rs_sweep_figure

ROOT = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OUTPUTS = ("membrane_potential.png", "spike_rate_vs_current.png", "spike_rate_vs_current.csv")


@pytest.fixture(scope="module")
def rs_sweep(tmp_path_factory):
    """Run examples/rs_sweep.py once; -> (completed process, output directory)."""
    out = tmp_path_factory.mktemp("rs_sweep") / "figures"  # not there yet: the script creates it
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "rs_sweep.py"),
                           "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    return proc, out


@pytest.fixture(scope="module")
def rs_table(rs_sweep):
    _, out = rs_sweep
    with open(out / "spike_rate_vs_current.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: np.array([float(row[key]) for row in rows]) for key in rows[0]}


def test_rs_sweep_runs_and_prints_paths(rs_sweep):
    proc, out = rs_sweep
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(out / name) for name in OUTPUTS]


@pytest.mark.parametrize("name", OUTPUTS[:2])
def test_rs_sweep_pngs(rs_sweep, name):
    _, out = rs_sweep
    data = (out / name).read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 20_000  # a real figure, not an empty canvas


def test_rs_sweep_csv_published_counts(rs_table):
    assert_array_equal(rs_table["current"], np.arange(41.0))
    counts = rs_table["count_izhikevich2004"]
    # the original RS project's numbers: silent up to I = 3, 18 spikes at I = 10, 67 at I = 40
    assert_array_equal(counts[:5], [0, 0, 0, 0, 5])
    assert counts[10] == 18
    assert counts[40] == 67
    assert_allclose(rs_table["rate_hz_izhikevich2004"], counts * 1.25, rtol=1e-12)
    assert_allclose(rs_table["rate_hz_accurate"], rs_table["count_accurate"] * 1.25, rtol=1e-12)


def test_rs_sweep_accurate_close_to_published(rs_table):
    published = rs_table["rate_hz_izhikevich2004"]
    accurate = rs_table["rate_hz_accurate"]
    assert_array_equal(accurate[:4], 0.0)  # below the saddle-node at I = 4 nothing fires
    high = rs_table["current"] >= 20
    # dt = 0.25 delays every spike a little, so the published rates are slightly low
    assert np.all(np.abs(accurate[high] - published[high]) <= 6.25)  # <= 5 spikes in 0.8 s
    assert accurate.sum() > published.sum()


def test_rs_sweep_example_is_the_package_figure(rs_sweep, tmp_path):
    """examples/rs_sweep.py is a wrapper: izhic.figures.rs_study.rs_sweep writes the same
    files."""
    _, out = rs_sweep
    paths = rs_sweep_figure(tmp_path / "pkg")
    assert paths == [tmp_path / "pkg" / name for name in OUTPUTS]
    assert paths[2].read_bytes() == (out / OUTPUTS[2]).read_bytes()
    for path in paths[:2]:
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_panel_titles_give_the_current_and_its_unit():
    """The 2003 model's current has no physical unit: each panel says so."""
    res = izhic.simulate("RS", current=np.asarray(TRACE_CURRENTS), duration=50.0, v0=-65.0,
                         record="v", **PUBLISHED)
    fig = _membrane_potential_figure(res, TRACE_CURRENTS)
    assert CURRENT_UNIT == "model units"
    assert [ax.get_title() for ax in fig.axes] == [
        f"Membrane Potential for I = {i:g} (model units)" for i in (1, 10, 20, 30, 40)]
    rates = _rates_figure(np.arange(3.0), [0.0, 1.0, 2.0], [0.0, 1.0, 2.0])
    assert rates.axes[0].get_xlabel() == "Input current I (model units)"
