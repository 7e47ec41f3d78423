"""izhic.analysis: F-I curves and rheobase, against the published numbers and
against single-neuron izhic.simulate calls (the oracle)."""
import csv
import doctest
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from izhic import analysis
from izhic.analysis import FICurve, fi_curve, rheobase

#: The original RS project: Euler dt 0.25 ms, v then u from the new v, 1000 ms,
#: spikes counted in [200, 1000] ms.
ORIGINAL = {"method": "izhikevich2004", "dt": 0.25, "duration": 1000.0, "discard": 200.0}
ORIGINAL_COUNTS = [0, 0, 0, 0, 5, 8, 11, 12, 14, 15, 18, 19, 21, 22, 24, 26, 28, 29, 31, 32,
                   34, 35, 38, 39, 41, 42, 44, 45, 47, 49, 51, 52, 54, 55, 57, 59, 60, 61, 64,
                   65, 67]
#: every method, at the step it is used with
NUMERICS = [(method, {"izhikevich2004": 0.25, "izhikevich2003": 0.5}.get(method, 0.1))
            for method in izhic.METHODS]


def single(model, current, duration, dt, method, **kw):
    """One neuron, one simulate call: the oracle."""
    res = izhic.simulate(model, current=current, duration=duration, dt=dt, method=method, **kw)
    assert res.n_neurons == 1
    return res.spike_times[0]


def oracle_row(train, duration, discard):
    """(count, rate Hz, steady rate Hz, first spike ms) of one spike train."""
    inside = (train >= discard) & (train <= duration)
    count = int(inside.sum())
    isi = np.diff(train)
    steady = 1000.0 / isi[-1] if isi.size and train[-1] >= discard else 0.0
    first = train[0] if train.size else np.nan
    return count, count * 1000.0 / (duration - discard), steady, first


def assert_matches_oracle(fi, trains, duration, discard):
    rows = np.array([oracle_row(t, duration, discard) for t in trains])
    assert_array_equal(fi.counts, rows[:, 0].astype(np.int64))
    assert_allclose(fi.rates, rows[:, 1], rtol=1e-15, atol=0)
    assert_array_equal(fi.steady_rates, rows[:, 2])
    assert_array_equal(fi.first_spike, rows[:, 3])


# --- fi_curve ---------------------------------------------------------------------------

def test_fi_curve_reproduces_original_project():
    fi = fi_curve("RS", np.arange(41), **ORIGINAL)
    assert_array_equal(fi.currents, np.arange(41.0))
    assert_array_equal(fi.counts, ORIGINAL_COUNTS)
    assert fi.counts.dtype == np.int64
    assert_allclose(fi.rates, fi.counts * 1.25, rtol=1e-15, atol=0)
    assert fi.rates[10] == 22.5
    assert (fi.duration, fi.dt, fi.method, fi.discard) == (1000.0, 0.25, "izhikevich2004", 200.0)


def test_fi_curve_default_currents_are_the_original_sweep():
    fi = fi_curve(**ORIGINAL)
    assert_array_equal(fi.currents, np.arange(41.0))
    assert_array_equal(fi.counts, ORIGINAL_COUNTS)


def test_fi_curve_rates_equal_simulation_result_rates():
    currents = np.linspace(-2.0, 30.0, 17)
    fi = fi_curve("FS", currents, duration=500.0, dt=0.1, discard=123.4)
    res = izhic.simulate("FS", currents, 500.0, 0.1, "rk4")
    assert_array_equal(fi.rates, res.rates(123.4, 500.0))
    assert_array_equal(fi.counts, res.spike_counts(123.4, 500.0))
    assert_array_equal(fi.first_spike, res.spike_times.first())


@pytest.mark.parametrize("discard", [0.0, 150.0])
@pytest.mark.parametrize("method, dt", NUMERICS)
@pytest.mark.parametrize("model", ["RS", "CH", "FS"])
def test_fi_curve_equals_loop_of_single_neurons(model, method, dt, discard):
    currents = np.array([-3.0, 0.0, 2.5, 3.5, 3.9, 4.0, 7.25, 10.0, 18.0, 40.0])
    duration = 400.0
    fi = fi_curve(model, currents, duration=duration, dt=dt, method=method, discard=discard)
    trains = [single(model, i, duration, dt, method) for i in currents]
    assert_matches_oracle(fi, trains, duration, discard)


def test_fi_curve_per_neuron_parameters_broadcast():
    currents = np.array([2.0, 5.0, 10.0, 15.0, 20.0])
    a = np.array([0.02, 0.03, 0.05, 0.08, 0.1])
    v0 = np.array([-70.0, -65.0, -60.0, -65.0, -70.0])
    model = {"a": a, "b": 0.2, "c": [-65.0], "d": np.linspace(2.0, 8.0, 5)}
    fi = fi_curve(model, currents, duration=300.0, dt=0.1, v0=v0, u0=-14.0, discard=50.0)
    trains = [single({"a": a[i], "b": 0.2, "c": -65.0, "d": model["d"][i]}, currents[i],
                     300.0, 0.1, "rk4", v0=v0[i], u0=-14.0) for i in range(5)]
    assert_matches_oracle(fi, trains, 300.0, 50.0)


def test_fi_curve_accepts_izhikevich2003_and_read_only_currents():
    currents = np.arange(0.0, 20.0, 5.0)
    currents.flags.writeable = False
    fi = fi_curve(izhic.preset("RS"), currents, dt=0.25, method="izhikevich2004",
                  discard=200.0)
    assert_array_equal(fi.counts, np.array(ORIGINAL_COUNTS)[::5][:4])


def test_fi_curve_thread_count_invariant():
    currents = np.linspace(0.0, 40.0, 300)
    one = fi_curve("RS", currents, duration=200.0, n_threads=1)
    two = fi_curve("RS", currents, duration=200.0, n_threads=2)
    for name in ("counts", "rates", "steady_rates", "first_spike"):
        assert_array_equal(getattr(one, name), getattr(two, name))


# --- steady_rates -----------------------------------------------------------------------

@pytest.mark.parametrize("current", [4.0, 10.0, 25.0, 40.0])
def test_steady_rate_is_last_isi(current):
    fi = fi_curve("RS", [current], **ORIGINAL)
    train = single("RS", current, 1000.0, 0.25, "izhikevich2004")
    assert fi.steady_rates[0] == 1000.0 / np.diff(train)[-1]
    assert fi.first_spike[0] == train[0]


def test_steady_rate_window_rule():
    """Last spike at t >= discard (inclusive) counts; its partner may precede discard."""
    train = single("RS", 10.0, 1000.0, 0.25, "izhikevich2004")
    last_isi = train[-1] - train[-2]
    kw = {"duration": 1000.0, "dt": 0.25, "method": "izhikevich2004"}
    at_last = fi_curve("RS", [10.0], discard=train[-1], **kw)
    assert at_last.counts[0] == 1
    assert at_last.steady_rates[0] == 1000.0 / last_isi
    between = fi_curve("RS", [10.0], discard=(train[-2] + train[-1]) / 2, **kw)
    assert between.steady_rates[0] == 1000.0 / last_isi
    after = fi_curve("RS", [10.0], discard=train[-1] + 0.25, **kw)
    assert after.counts[0] == 0
    assert after.steady_rates[0] == 0.0


def test_steady_rate_zero_for_fewer_than_two_spikes():
    # I = 3.5: a single transient spike from (-65, -13), then rest; I = 0: silent
    fi = fi_curve("RS", [0.0, 3.5], dt=0.25, method="izhikevich2004")
    assert_array_equal(fi.counts, [0, 1])
    assert_array_equal(fi.steady_rates, [0.0, 0.0])
    assert np.isnan(fi.first_spike[0]) and fi.first_spike[1] == 30.75


@pytest.mark.parametrize("method, dt", [("rk4", 0.1), ("izhikevich2004", 0.25)])
def test_steady_rate_increases_with_current_rs(method, dt):
    fi = fi_curve("RS", np.arange(4.0, 41.0), dt=dt, method=method, discard=200.0)
    assert (fi.steady_rates > 0).all()
    assert (np.diff(fi.steady_rates) > 0).all()
    # adaptation: the steady rate is at least the mean rate after the transient
    assert (fi.steady_rates >= fi.rates - 1.25).all()


# --- FICurve helpers --------------------------------------------------------------------

def test_ficurve_arrays_read_only_and_repr():
    fi = fi_curve("RS", [0.0, 10.0], **ORIGINAL)
    for name in ("currents", "rates", "counts", "steady_rates", "first_spike"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(fi, name)[0] = 1
    assert len(fi) == 2
    assert "FICurve(n_currents=2" in repr(fi)
    with pytest.raises(ValueError, match="FICurve.rates"):
        FICurve(currents=[1.0, 2.0], rates=[1.0], counts=[1, 2], steady_rates=[0, 0],
                first_spike=[1, 2], duration=1.0, dt=0.1, method="rk4", discard=0.0)


def test_ficurve_table_and_csv_round_trip(tmp_path):
    fi = fi_curve("RS", np.linspace(0.0, 40.0, 9), dt=0.1, discard=200.0)
    table = fi.as_table()
    assert list(table) == ["current", "count", "rate_hz", "steady_rate_hz", "first_spike_ms"]
    assert table["rate_hz"] is fi.rates
    path = tmp_path / "fi.csv"
    assert fi.to_csv(path) == path
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9
    for key, column in table.items():
        back = np.array([float(row[key]) for row in rows])
        assert_array_equal(back, column)  # exact, NaN included
    assert rows[0]["count"] == "0" and rows[0]["first_spike_ms"] == "nan"


def test_ficurve_plot():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    fi = fi_curve("RS", np.arange(0.0, 41.0, 5.0), **ORIGINAL)
    ax = fi.plot()
    try:
        assert ax.get_xlabel() == "input current"
        assert ax.get_ylabel() == "rate (Hz)"
        line, = ax.get_lines()
        assert_array_equal(line.get_xdata(), fi.currents)
        assert_array_equal(line.get_ydata(), fi.rates)
    finally:
        plt.close(ax.figure)
    fig, ax = plt.subplots()
    try:
        assert fi.plot(ax, steady=True, color="k") is ax
        assert len(ax.get_lines()) == 2
        assert_array_equal(ax.get_lines()[1].get_ydata(), fi.steady_rates)
    finally:
        plt.close(fig)


# --- fi_curve validation ----------------------------------------------------------------

@pytest.mark.parametrize("kwargs, exc, match", [
    ({"currents": [[1.0, 2.0]]}, ValueError, "currents"),
    ({"currents": [1.0, np.nan]}, ValueError, "currents"),
    ({"currents": [1.0, np.inf]}, ValueError, "currents"),
    ({"currents": ["a", "b"]}, TypeError, "currents"),
    ({"currents": []}, ValueError, "currents"),
    ({"currents": 5.0}, ValueError, "currents"),
    ({"discard": -1.0}, ValueError, "discard"),
    ({"discard": 1000.0}, ValueError, "discard"),
    ({"discard": np.nan}, ValueError, "discard"),
    ({"discard": "200"}, TypeError, "discard"),
    ({"duration": 0.0}, ValueError, "duration"),
    ({"duration": 1000.05}, ValueError, "duration"),
    ({"dt": -0.1}, ValueError, "dt"),
    ({"method": "heun"}, ValueError, "method"),
    ({"model": "XX"}, ValueError, "model"),
    ({"model": {"a": [0.02, 0.03], "b": 0.2, "c": -65.0, "d": 8.0}}, ValueError, "model.a"),
    ({"v0": [-65.0, -60.0]}, ValueError, "v0"),
    ({"u0": np.zeros(4)}, ValueError, "u0"),
    ({"n_threads": 0}, ValueError, "n_threads"),
])
def test_fi_curve_errors_name_the_argument(kwargs, exc, match):
    kwargs = {"currents": [0.0, 5.0, 10.0], **kwargs}
    with pytest.raises(exc, match=match):
        fi_curve(**kwargs)


# --- rheobase ---------------------------------------------------------------------------

def fires(current, *, min_spikes=1, discard=0.0, duration=1000.0, dt=0.1, method="rk4",
          model="RS"):
    res = izhic.simulate(model, current, duration, dt, method)
    return res.spike_counts(discard, duration)[0] >= min_spikes


@pytest.mark.parametrize("discard", [0.0, 200.0])
@pytest.mark.parametrize("method, dt", [("izhikevich2004", 0.25), ("rk4", 0.1)])
def test_rheobase_rs_between_3_and_4(method, dt, discard):
    tol = 1e-3
    value = rheobase("RS", method=method, dt=dt, discard=discard, tol=tol)
    assert 3.0 < value <= 4.0
    kw = {"method": method, "dt": dt, "discard": discard}
    assert fires(value, **kw)
    assert not fires(value - tol, **kw)
    # the F-I curve agrees: silent at 3, firing at 4
    fi = fi_curve("RS", [3.0, value - tol, value, 4.0], method=method, dt=dt, discard=discard)
    assert_array_equal(fi.counts > 0, [False, False, True, True])


def test_rheobase_rs_original_numerics_values():
    """A single transient spike from ~3.46, tonic firing after 200 ms from ~3.78."""
    transient = rheobase("RS", method="izhikevich2004", dt=0.25)
    tonic = rheobase("RS", method="izhikevich2004", dt=0.25, discard=200.0)
    assert 3.45 < transient <= 3.46
    assert 3.77 < tonic <= 3.78


@pytest.mark.parametrize("tol", [0.5, 1e-2, 1e-5])
def test_rheobase_tolerance(tol):
    kw = {"method": "izhikevich2004", "dt": 0.25, "discard": 200.0}
    value = rheobase("RS", tol=tol, **kw)
    assert fires(value, **kw)
    assert not fires(value - tol, **kw)
    fine = rheobase("RS", tol=1e-6, **kw)
    assert fine <= value < fine + tol + 1e-6


@pytest.mark.parametrize("currents_per_call", [1, 2, 7, 16, 33])
def test_rheobase_currents_per_call_same_bracket(currents_per_call):
    """Bisection (1 per call) and k-section find the same threshold within tol."""
    tol = 1e-4
    value = rheobase("RS", tol=tol, currents_per_call=currents_per_call)
    assert fires(value)
    assert not fires(value - tol)
    assert abs(value - rheobase("RS", tol=tol)) <= tol


@pytest.mark.parametrize("currents_per_call, n_calls", [(None, 1 + 4), (1, 1 + 11),
                                                          (8, 1 + 4), (16, 1 + 3)])
def test_rheobase_calls_simulate_few_times(monkeypatch, currents_per_call, n_calls):
    """The bracket [2, 4] comes from the first call (low + 1, 2, 4, ...), then each
    call shrinks it (k + 1)-fold: 1 + ceil(log(2 / 1e-3) / log(k + 1)) calls."""
    calls = []
    original = analysis.simulate

    def counting(*args, **kwargs):
        calls.append(np.size(args[1]))
        return original(*args, **kwargs)

    monkeypatch.setattr(analysis, "simulate", counting)
    kw = {} if currents_per_call is None else {"currents_per_call": currents_per_call}
    rheobase("RS", tol=1e-3, **kw)
    assert len(calls) == n_calls
    assert calls[0] == 7  # low and low + 1 ... 32
    assert max(calls[1:]) <= (currents_per_call or 8)


@pytest.mark.parametrize("model, low", [("FS", -5.0), ("LTS", -5.0), ("CH", 0.0),
                                        ({"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0,
                                          "v_peak": 25.0}, 0.0)])
def test_rheobase_other_models(model, low):
    tol = 1e-3
    value = rheobase(model, low=low, tol=tol, duration=500.0, min_spikes=2)
    assert low < value
    assert fires(value, model=model, duration=500.0, min_spikes=2)
    assert not fires(value - tol, model=model, duration=500.0, min_spikes=2)


def test_rheobase_with_high_and_initial_state():
    value = rheobase("RS", high=10.0, tol=1e-3)
    assert abs(value - rheobase("RS", tol=1e-3)) <= 1e-3
    # from a hyperpolarized start the first spike needs more current
    cold = rheobase("RS", v0=-80.0, u0=-16.0, tol=1e-3)
    res = izhic.simulate("RS", [cold - 1e-3, cold], 1000.0, 0.1, v0=-80.0, u0=-16.0)
    assert_array_equal(res.spike_counts() > 0, [False, True])


def test_rheobase_search_beyond_first_call():
    """Firing needs more than low + 32: found by the second search call."""
    value = rheobase("RS", duration=100.0, min_spikes=50, tol=1e-2)
    assert value > 32.0
    assert fires(value, duration=100.0, min_spikes=50)
    assert not fires(value - 1e-2, duration=100.0, min_spikes=50)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"low": 10.0}, ValueError, "low: the neuron already fires"),
    ({"high": 3.0}, ValueError, "high: the neuron does not fire"),
    ({"high": 0.0}, ValueError, "high: must be > low"),
    ({"low": 5.0, "high": 4.0}, ValueError, "high: must be > low"),
    ({"duration": 100.0, "min_spikes": 10**6}, ValueError, r"high: .*2\*\*16"),
    ({"tol": 0.0}, ValueError, "tol"),
    ({"tol": np.inf}, ValueError, "tol"),
    ({"min_spikes": 0}, ValueError, "min_spikes"),
    ({"min_spikes": 1.5}, TypeError, "min_spikes"),
    ({"currents_per_call": 0}, ValueError, "currents_per_call"),
    ({"discard": 1000.0}, ValueError, "discard"),
    ({"discard": -5.0}, ValueError, "discard"),
    ({"low": np.nan}, ValueError, "low"),
    ({"high": "10"}, TypeError, "high"),
    ({"v0": [-65.0, -60.0]}, TypeError, "v0"),
    ({"model": {"a": [0.02, 0.03], "b": 0.2, "c": -65.0, "d": 8.0}}, ValueError, "model.a"),
    ({"method": "heun"}, ValueError, "method"),
    ({"duration": 1000.05}, ValueError, "duration"),
])
def test_rheobase_errors_name_the_argument(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rheobase("RS", **kwargs) if "model" not in kwargs else rheobase(**kwargs)


def run_fresh(code):
    """Run ``code`` in a fresh interpreter: the checks below make the core refuse a
    current, and the core keeps state (a pool of spike buffers) between runs."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize("kwargs, hint", [
    ({"high": 1e6}, "a smaller `high`"),
    ({"dt": 2.0, "duration": 100.0, "min_spikes": 10**6}, "`high` explicitly"),
])
def test_rheobase_current_too_large_for_the_method(kwargs, hint):
    """simulate refuses currents that cross v_peak > 1000 times in one rk4 step;
    rheobase says which end of the bracket caused it."""
    out = run_fresh(f"""
        from izhic.analysis import rheobase
        try:
            rheobase("RS", **{kwargs!r})
        except ValueError as exc:
            assert isinstance(exc.__cause__, ValueError)
            print(exc)
        """)
    assert out.startswith("high: the simulation failed")
    assert hint in out


def test_rheobase_with_a_step_unstable_for_the_model():
    # dt = 10 ms: the rest state itself is unstable for rk4; the error says so
    with pytest.raises(ValueError, match=r"^dt: 10 ms is too large for this model.*needs dt <"):
        rheobase("RS", dt=10.0, duration=100.0)


def test_refused_current_leaves_later_runs_unaffected():
    run_fresh("""
        import izhic
        from izhic.analysis import rheobase
        try:
            rheobase("RS", high=1e6)
        except ValueError:
            pass
        else:
            raise SystemExit("no error")
        for method in ("rk4", "euler"):
            res = izhic.simulate("RS", [0.0, 10.0], 100.0, 0.1, method)
            assert res.spike_counts().tolist() == [0, 3], method
        assert 3.0 < rheobase("RS", tol=1e-2) <= 4.0
        """)


def test_rheobase_length_one_parameters_accepted():
    model = {"a": [0.02], "b": 0.2, "c": -65.0, "d": np.array([8.0])}
    assert rheobase(model, tol=1e-2) == rheobase("RS", tol=1e-2)


# --- docstrings -------------------------------------------------------------------------

def test_docstring_examples_run():
    result = doctest.testmod(analysis, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2
    assert result.failed == 0
