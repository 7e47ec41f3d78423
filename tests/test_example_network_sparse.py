"""examples/network_sparse.py on a small network (2000 neurons, 400 ms): its files,
its figure, its statistics, and the regimes it is there to show.

The example's defaults (1e5 neurons, 1000 ms) take seconds; the README's numbers
come from a full run. Here each run takes well under a second (most of it the
figure). The regime checks are measured, so that they can fail: over 8 seeds
the population Fano factor (1 ms bins) was 0.91-1.15 with weights x sqrt(10) and
7.8-13.6 with x10; the CV of the population rate 0.29-0.33 (independent Poisson
neurons at that rate: 0.30) and 0.66-0.90."""
import contextlib
import io
import json
import math

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from helpers import load_example   # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SMALL = ["--n-neurons", "2000", "--duration", "400"]


@pytest.fixture(scope="module")
def example():
    """examples/network_sparse.py, imported as a module."""
    return load_example("network_sparse")


def run(example, *args):
    """main(args): -> (Outcome, what it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        outcome = example.main([*SMALL, *args])
    return outcome, out.getvalue()


@pytest.fixture(scope="module")
def sqrt10(example, tmp_path_factory):
    """The default weights, written into a directory main creates (its parent exists)."""
    out = tmp_path_factory.mktemp("sparse") / "figs"
    return run(example, "--out", str(out)) + (out,)


@pytest.fixture(scope="module")
def x10(example, tmp_path_factory):
    """Weights x10, written into the current directory (no --out)."""
    where = tmp_path_factory.mktemp("sparse_x10")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(where)
        return run(example, "--weight-scale", "x10") + (where,)


def poisson_cv(stats, n_neurons):
    """CV of the population count in 1 ms bins for independent Poisson neurons."""
    return 1.0 / math.sqrt(stats["mean_rate_hz"] * n_neurons * 1e-3)


def test_files_figure_and_summary(sqrt10):
    outcome, printed, out = sqrt10
    names = [p.name for p in outcome.paths]
    assert names == ["network_sparse_sqrt10.png", "network_sparse_sqrt10.json",
                     "network_sparse_sqrt10.npz"]
    assert all(p.parent == out and p.is_file() for p in outcome.paths)
    # every path is printed, after the statistics
    assert printed.splitlines()[-3:] == [str(p) for p in outcome.paths]
    data = outcome.paths[0].read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 50_000     # a drawn figure, not a blank one
    from PIL import Image
    with Image.open(outcome.paths[0]) as image:
        assert image.size == (1100, 1100)
    # three panels: raster, population rate, spectrum; labelled, with units
    axes = outcome.figure.axes
    assert len(axes) == 3
    assert [ax.get_title(loc="left")[:3] for ax in axes] == ["(a)", "(b)", "(c)"]
    assert [ax.get_xlabel() for ax in axes] == ["time (ms)", "time (ms)", "frequency (Hz)"]
    assert axes[1].get_ylabel() == "population rate (Hz)"
    assert "N = 2,000, K = 100" in outcome.figure.get_suptitle()
    # the JSON is the summary main returned
    summary = json.loads(outcome.paths[1].read_text())
    assert summary == json.loads(json.dumps(outcome.summary))
    p = summary["parameters"]
    assert (p["n_neurons"], p["n_excitatory"], p["n_inhibitory"]) == (2000, 1600, 400)
    assert p["n_synapses"] == 2000 * 100
    assert (p["method"], p["dt_ms"], p["max_delay_ms"]) == ("izhikevich2003", 1.0, 20)
    assert p["scale"] == pytest.approx(math.sqrt(10))
    assert summary["timings_s"]["simulate"] > 0
    with np.load(outcome.paths[2]) as curves:
        assert curves["rate_hz"].shape == (400,)
        assert curves["freq_hz"].shape == curves["psd_hz2_per_hz"].shape
        # the raster shows 800 excitatory and 200 inhibitory neurons
        shown = curves["raster_neurons"]
        assert shown.size == 1000 and (shown < 1600).sum() == 800
        assert set(np.unique(curves["raster_rows"])) <= set(range(1000))
    assert "mean rate" in printed and "regime: asynchronous" in printed


def test_statistics_are_those_of_an_asynchronous_network(sqrt10):
    outcome, _, _ = sqrt10
    s = outcome.summary["statistics"]
    assert s["window_ms"] == [200.0, 400.0]
    assert 1.0 < s["mean_rate_hz"] < 30.0
    assert 1.0 < s["rate_inhibitory_hz"] < s["rate_excitatory_hz"] < 30.0
    # the rates add up: 80 % excitatory, 20 % inhibitory
    assert s["mean_rate_hz"] == pytest.approx(
        0.8 * s["rate_excitatory_hz"] + 0.2 * s["rate_inhibitory_hz"])
    # the population's spike count is as variable as that of independent neurons
    assert 0.6 < s["population_fano"] < 1.6
    assert s["population_rate_cv"] < 1.3 * poisson_cv(s, 2000)
    assert s["max_fraction_per_ms"] < 0.02
    assert s["spectral_peak_over_poisson"] < 15
    assert 1.0 <= s["spectral_peak_hz"] <= 100.0
    assert 0.2 < s["cv_isi_median"] < 2.0


def test_weights_x10_synchronize_the_network(sqrt10, x10):
    (async_run, _, _), (sync_run, printed, where) = sqrt10, x10
    a, b = async_run.summary["statistics"], sync_run.summary["statistics"]
    # no --out: the current directory, and nothing else created there
    assert sorted(p.name for p in where.iterdir()) == [
        "network_sparse_x10.json", "network_sparse_x10.npz", "network_sparse_x10.png"]
    assert sync_run.summary["parameters"]["scale"] == 10.0
    assert 1.0 < b["mean_rate_hz"] < 30.0
    assert b["population_fano"] > 4.0 and b["population_fano"] > 4.0 * a["population_fano"]
    assert b["population_rate_cv"] > 2.0 * poisson_cv(b, 2000)
    assert b["population_rate_cv"] > 1.8 * a["population_rate_cv"]
    assert b["max_fraction_per_ms"] > 2.0 * a["max_fraction_per_ms"]
    assert b["spectral_peak_over_poisson"] > 100
    assert "regime: synchronous" in printed


def test_bad_arguments_are_refused_and_write_nothing(example, tmp_path, capsys):
    for args, message in [
            (["--out", str(tmp_path / "missing" / "figs")], "does not exist"),
            (["--duration", "300.5"], "--duration: a whole number of ms"),
            (["--duration", "100"], "--duration: a whole number of ms above --discard"),
            (["--discard", "50.5"], "--discard: a whole number of ms"),
            (["--n-neurons", "5"], "--n-neurons: at least 10"),
            (["--weight-scale", "x3"], "invalid choice: 'x3'")]:
        with pytest.raises(SystemExit) as exc:
            example.main([*SMALL, "--out", str(tmp_path / "figs"), *args])   # last one wins
        assert exc.value.code == 2
        assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
