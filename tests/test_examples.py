"""The examples run from a clean directory and reproduce their published numbers.

examples/rs_sweep.py is a thin wrapper around :func:`izhic.figures.rs_sweep`
(the figure code lives in the package so that ``izhic figure rs_sweep`` works
from an installed izhic); the figure helpers are tested here too."""
import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from izhic.figures import FIGURES, new_figure, plot_trace
from izhic.figures import rs_sweep as rs_sweep_figure

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
    """examples/rs_sweep.py is a wrapper: izhic.figures.rs_sweep writes the same files."""
    _, out = rs_sweep
    paths = rs_sweep_figure(tmp_path / "pkg")
    assert paths == [tmp_path / "pkg" / name for name in OUTPUTS]
    assert paths[2].read_bytes() == (out / OUTPUTS[2]).read_bytes()
    for path in paths[:2]:
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_figure_registry():
    assert FIGURES["rs_sweep"] is rs_sweep_figure
    for name, func in FIGURES.items():
        # `izhic figure --list` shows the first line of the docstring
        assert func.__doc__ and func.__doc__.strip().splitlines()[0], name


# ------------------------------------------------------------ plot_trace ----

def test_plot_trace_draws_v_and_spikes():
    res = izhic.simulate("RS", current=[0.0, 10.0], duration=200.0, dt=0.25,
                         method="izhikevich2004", record="v", record_neurons=[1])
    fig = new_figure()
    ax = plot_trace(res, ax=fig.subplots())
    trace, marks = ax.lines[0], ax.lines[-1]
    assert_array_equal(trace.get_xdata(), res.t)
    assert_array_equal(trace.get_ydata(), res.v[0])
    # row 0 of the trace is neuron 1: its spikes are marked, not neuron 0's (none)
    assert_array_equal(marks.get_xdata(), res.spike_times[1])
    assert res.spike_counts()[1] > 0
    assert ax.get_title().startswith("izhikevich2004, dt = 0.25 ms: ")
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "v (mV)"


def test_plot_trace_errors():
    fig = new_figure()
    ax = fig.subplots()
    with pytest.raises(ValueError, match="no v trace; simulate with record='v'"):
        plot_trace(izhic.simulate("RS", 10.0, 10.0), ax=ax)
    res = izhic.simulate("RS", 10.0, 10.0, record="v")
    with pytest.raises(ValueError, match="row: the result holds 1 v trace"):
        plot_trace(res, ax=ax, row=1)
