"""What ``izhic.simulate`` and its results promise: the semantics of the public API.

Spike trains (compact storage, indexing, windows), spike times on the grid,
thread-count and concurrency invariance, traces (sampling, neuron selection,
what v shows at a spike), continuing a run from its final state, the forms a
model may take, initial state, population sizes around the kernel's block
sizes. Accuracy against oracles lives in ``test_reference.py``.
"""
import concurrent.futures
import importlib
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from helpers import assert_same, random_population
from izhic import SpikeTrains

METHODS = tuple(izhic.METHODS)
# methods that reset at the end of the step and report spikes on the grid
GRID_METHODS = tuple(getattr(importlib.import_module("izhic.simulate"), "GRID_METHODS", METHODS))

RS = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0}


@pytest.fixture(scope="module")
def issue_example():
    return izhic.simulate("RS", current=[0, 5, 10], duration=1000.0, dt=0.25,
                          method="izhikevich2004")


# ---------------------------------------------------------------- the issue's example

def test_issue_example(issue_example):
    res = issue_example
    assert len(res.spike_times) == 3
    train = res.spike_times[2]
    assert isinstance(train, np.ndarray) and train.ndim == 1 and train.dtype == np.float64
    assert_array_equal(train[:3], [3.75, 29.0, 75.0])
    assert_array_equal(res.spike_counts(), [0, 11, 23])
    assert res.n_neurons == 3 and res.duration == 1000.0 and res.dt == 0.25
    assert res.method == "izhikevich2004"
    assert "n_spikes=34" in repr(res)


def test_rate_of_the_original_project(issue_example):
    # the original RS project's rate: spikes in [200, 1000] ms / 0.8 s
    assert issue_example.rates(200, 1000)[2] == 22.5
    assert_array_equal(issue_example.rates(200, 1000), [0.0, 10.0, 22.5])
    assert_array_equal(issue_example.rates(), issue_example.spike_counts())  # 1000 ms = 1 s
    assert_array_equal(issue_example.spike_counts(200, 1000), [0, 8, 18])


@pytest.mark.parametrize("window", [(500.0, 500.0), (600.0, 500.0), (0.0, np.nan), (np.inf, None)])
def test_rates_refuse_a_bad_window(issue_example, window):
    with pytest.raises(ValueError, match="t_start|t_stop|window|rates"):
        issue_example.rates(*window)


def test_import_izhic_simulate_module():
    code = ("import izhic.simulate; import izhic; "
            "res = izhic.simulate('RS', 10.0, duration=10.0); print(len(res.spike_times))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


# ---------------------------------------------------------------- SpikeTrains

@pytest.fixture(scope="module")
def trains():
    return SpikeTrains.from_lists([[1.0, 2.0, 4.0], [], [0.5], [3.0, 3.5]])


def test_spike_trains_are_compact(trains):
    assert_array_equal(trains.times, [1.0, 2.0, 4.0, 0.5, 3.0, 3.5])
    assert_array_equal(trains.offsets, [0, 3, 3, 4, 6])
    assert trains.times.dtype == np.float64 and trains.offsets.dtype == np.int64
    assert len(trains) == 4 and trains.n_spikes == 6
    assert repr(trains) == "SpikeTrains(n_neurons=4, n_spikes=6)"


def test_spike_trains_indexing(trains):
    assert_array_equal(trains[0], [1.0, 2.0, 4.0])
    assert trains[1].shape == (0,) and trains[1].dtype == np.float64
    assert_array_equal(trains[-1], [3.0, 3.5])
    assert_array_equal(trains[-4], trains[0])
    assert_array_equal(trains[np.int64(2)], [0.5])
    assert_array_equal(trains[np.array(3)], [3.0, 3.5])
    assert np.shares_memory(trains[0], trains.times)  # views, not copies


def test_spike_trains_iteration_and_slicing(trains):
    listed = list(trains)
    assert len(listed) == 4
    for got, want in zip(listed, ([1.0, 2.0, 4.0], [], [0.5], [3.0, 3.5])):
        assert_array_equal(got, want)
    for got, want in zip(trains[1:3], listed[1:3]):
        assert_array_equal(got, want)
    for got, want in zip(trains[::-2], listed[::-2]):
        assert_array_equal(got, want)
    assert trains[4:] == []


@pytest.mark.parametrize("index", [4, -5, 100, np.int64(4)])
def test_spike_trains_index_out_of_range(trains, index):
    with pytest.raises(IndexError, match="out of range"):
        trains[index]


@pytest.mark.parametrize("index", [None, "x", [0, 1]])
def test_spike_trains_index_of_wrong_type(trains, index):
    with pytest.raises(TypeError):
        trains[index]


@pytest.mark.parametrize("index", [1.0, 1.5, np.float64(1.0), "1"])
def test_spike_trains_non_integer_index(trains, index):
    with pytest.raises(TypeError, match="integer"):
        trains[index]


def test_spike_trains_neurons_for_raster(trains, issue_example):
    assert_array_equal(trains.neurons, [0, 0, 0, 2, 3, 3])
    times, neurons = issue_example.raster()
    assert times is issue_example.spike_times.times
    assert_array_equal(neurons, np.repeat([0, 1, 2], [0, 11, 23]))


def test_spike_trains_counts_window_is_inclusive(trains):
    assert_array_equal(trains.counts(), [3, 0, 1, 2])
    assert_array_equal(trains.counts(1.0, 3.0), [2, 0, 0, 1])  # both ends included
    assert_array_equal(trains.counts(2.0, 2.0), [1, 0, 0, 0])
    assert_array_equal(trains.counts(t_stop=1.0), [1, 0, 1, 0])
    assert_array_equal(trains.counts(5.0, 9.0), [0, 0, 0, 0])
    with pytest.raises(ValueError):
        trains.counts(3.0, 1.0)


def test_spike_trains_counts_from_t_start_to_the_end(trains, issue_example):
    assert_array_equal(trains.counts(t_start=3.0), [1, 0, 0, 2])
    assert_array_equal(issue_example.spike_counts(200.0), issue_example.spike_counts(200.0, 1000.0))


def test_spike_trains_first_and_isi(trains):
    assert_array_equal(trains.first(), [1.0, np.nan, 0.5, 3.0])
    assert_array_equal(trains.isi(0), [1.0, 2.0])
    assert_array_equal(trains.isi(-1), [0.5])
    assert trains.isi(1).shape == (0,) and trains.isi(2).shape == (0,)


def test_spike_trains_from_lists_round_trip(issue_example):
    st = issue_example.spike_times
    again = SpikeTrains.from_lists(list(st))
    assert_array_equal(again.times, st.times)
    assert_array_equal(again.offsets, st.offsets)
    empty = SpikeTrains.from_lists([])
    assert len(empty) == 0 and empty.n_spikes == 0
    assert_array_equal(SpikeTrains.from_lists([[], []]).offsets, [0, 0, 0])


def test_spike_trains_refuse_bad_offsets():
    with pytest.raises(ValueError, match="offsets"):
        SpikeTrains([1.0, 2.0], [0, 1])
    with pytest.raises(ValueError, match="offsets"):
        SpikeTrains([1.0, 2.0], [1, 2])


def test_results_are_read_only(issue_example):
    st = issue_example.spike_times
    for arr in (st.times, st.offsets, st[2], issue_example.v_final, issue_example.u_final):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[...] = 0


def test_result_is_frozen(issue_example):
    with pytest.raises(AttributeError):
        issue_example.dt = 0.1


# ---------------------------------------------------------------- spike times

@pytest.mark.filterwarnings("ignore::izhic.AccuracyWarning")   # rk4_grid at dt = 1
@pytest.mark.parametrize("dt", [0.1, 0.25, 0.5, 1.0])
@pytest.mark.parametrize("method", GRID_METHODS)
def test_grid_spike_times(method, dt):
    duration = 300.0
    model, current = random_population(3, 50)
    res = izhic.simulate(model, current, duration=duration, dt=dt, method=method)
    t = res.spike_times.times
    assert t.size > 100
    steps = np.round(t / dt)
    assert_allclose(steps * dt, t, rtol=1e-12, atol=0)
    assert t.min() >= dt and t.max() <= duration * (1 + 1e-12)
    for train in res.spike_times:
        assert np.all(np.diff(train) > 0)


@pytest.mark.parametrize("method", METHODS)
def test_spike_times_within_the_run(method):
    model, current = random_population(4, 50)
    res = izhic.simulate(model, current, duration=300.0, dt=0.1, method=method)
    t = res.spike_times.times
    assert t.size > 100 and np.isfinite(t).all()
    assert t.min() > 0.0 and t.max() <= 300.0
    for train in res.spike_times:
        assert np.all(np.diff(train) > 0)


def test_spike_counts_match_trains():
    model, current = random_population(5, 40)
    res = izhic.simulate(model, current, duration=300.0, dt=0.25, method="euler")
    assert_array_equal(res.spike_counts(), [len(t) for t in res.spike_times])
    assert_array_equal(res.spike_counts(100.0, 200.0),
                       [np.count_nonzero((t >= 100.0) & (t <= 200.0)) for t in res.spike_times])


# ---------------------------------------------------------------- threads

@pytest.fixture(scope="module")
def population_2000():
    return random_population(7, 2000)


@pytest.mark.parametrize("method", METHODS)
def test_thread_count_invariance(method, population_2000):
    model, current = population_2000
    ref = izhic.simulate(model, current, duration=150.0, dt=0.1, method=method, n_threads=1)
    assert ref.spike_times.n_spikes > 2000
    for n_threads in (2, 3, 7, None, -1):
        res = izhic.simulate(model, current, duration=150.0, dt=0.1, method=method,
                             n_threads=n_threads)
        assert_same(res, ref)


@pytest.mark.parametrize("method", ["izhikevich2004", "rk4"])
def test_concurrent_calls_from_python_threads(method):
    model, _ = random_population(8, 300)

    def task(k):
        current = np.linspace(-2.0, 30.0, 300) + k
        return izhic.simulate(model, current, duration=150.0, dt=0.25, method=method,
                              record="v", record_neurons=[k, 299 - k], n_threads=2)

    serial = [task(k) for k in range(8)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(task, range(8)))
    for res, ref in zip(parallel, serial):
        assert_same(res, ref)
        assert_array_equal(res.v, ref.v)


# ---------------------------------------------------------------- traces

def test_no_traces_by_default(issue_example):
    res = issue_example
    assert res.v is None and res.u is None and res.t is None and res.record_neurons is None


def test_trace_shapes_and_times():
    res = izhic.simulate("RS", [5.0, 10.0, 15.0], duration=100.0, dt=0.25, method="euler",
                         record="v")
    assert_allclose(res.t, np.arange(401) * 0.25, rtol=0, atol=1e-12)
    assert res.t[0] == 0.0 and res.t[-1] == 100.0
    assert res.v.shape == (3, 401) and res.v.dtype == np.float64
    assert res.u is None
    assert_array_equal(res.record_neurons, [0, 1, 2])
    assert_array_equal(res.v[:, 0], -65.0)


def test_record_neurons_order_is_kept():
    current = np.linspace(0.0, 20.0, 8)
    full = izhic.simulate("RS", current, duration=100.0, dt=0.25, method="euler", record="v")
    some = izhic.simulate("RS", current, duration=100.0, dt=0.25, method="euler", record="v",
                          record_neurons=[5, 2])
    assert_array_equal(some.record_neurons, [5, 2])
    assert_array_equal(some.v, full.v[[5, 2]])
    neg = izhic.simulate("RS", current, duration=100.0, dt=0.25, method="euler", record="v",
                         record_neurons=[-1, 0])
    assert_array_equal(neg.record_neurons, [7, 0])
    assert_array_equal(neg.v, full.v[[7, 0]])
    assert_same(some, full)  # recording changes nothing else


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("record_dt, stride", [(1.0, 4), (0.25, 1), (2.5, 10), (3.0, 12)])
def test_record_dt_subsamples_the_full_trace(method, record_dt, stride):
    args = dict(model="RS", current=[3.0, 10.0, 25.0], duration=100.0, dt=0.25, method=method,
                record=("v", "u"))
    full = izhic.simulate(**args)
    sub = izhic.simulate(record_dt=record_dt, **args)
    assert_array_equal(sub.v, full.v[:, ::stride])
    assert_array_equal(sub.u, full.u[:, ::stride])
    assert_allclose(sub.t, full.t[::stride], rtol=1e-12, atol=0)
    assert_same(sub, full)


def test_record_u_starts_at_b_v0():
    model = dict(RS, b=[0.2, 0.25, 0.26])
    res = izhic.simulate(model, 10.0, duration=50.0, dt=0.25, method="euler",
                         v0=[-65.0, -70.0, -60.0], record=("v", "u"))
    assert_array_equal(res.v[:, 0], [-65.0, -70.0, -60.0])
    assert_array_equal(res.u[:, 0], np.array([0.2, 0.25, 0.26]) * [-65.0, -70.0, -60.0])
    assert res.u.shape == res.v.shape == (3, 201)


@pytest.fixture(scope="module")
def spiking_traces():
    """v traces with each v_at_spike, grid method, full resolution."""
    args = dict(model="RS", current=[10.0, 20.0], duration=200.0, dt=0.25,
                method="izhikevich2004", record="v")
    return {shown: izhic.simulate(v_at_spike=shown, **args) for shown in ("peak", "overshoot", "reset")}


def _spike_samples(res, row):
    """Indices of the samples at neuron ``record_neurons[row]``'s spike times."""
    idx = np.round(res.spike_times[res.record_neurons[row]] / (res.t[1] - res.t[0])).astype(int)
    assert_allclose(res.t[idx], res.spike_times[res.record_neurons[row]], rtol=1e-12)
    return idx


@pytest.mark.parametrize("shown, check", [
    ("peak", lambda x: np.all(x == 30.0)),
    ("reset", lambda x: np.all(x == -65.0)),
    ("overshoot", lambda x: np.all(x > 30.0)),
])
def test_v_at_spike(spiking_traces, shown, check):
    res = spiking_traces[shown]
    for row in range(2):
        idx = _spike_samples(res, row)
        assert idx.size > 3
        assert check(res.v[row, idx])
        others = np.setdiff1d(np.arange(res.t.size), idx)
        assert np.all(res.v[row, others] < 30.0)
        # everywhere else the three traces agree
        assert_array_equal(res.v[row, others], spiking_traces["peak"].v[row, others])
    assert_same(res, spiking_traces["peak"])


@pytest.mark.parametrize("method", [m for m in METHODS if m not in GRID_METHODS])
def test_v_at_spike_peak_for_event_methods(method):
    # spikes inside a step: the sample at the end of that step shows v_peak
    res = izhic.simulate("RS", [10.0, 20.0], duration=200.0, dt=0.25, method=method,
                         record="v", v_at_spike="peak")
    for row in range(2):
        t = res.spike_times[row]
        assert t.size > 3
        steps_with_spike = np.unique(np.ceil(t / 0.25 - 1e-9).astype(int))
        assert_array_equal(np.flatnonzero(res.v[row] == 30.0), steps_with_spike)
        assert np.all(res.v[row] <= 30.0)


def test_last_sample_is_the_final_state():
    model, current = random_population(9, 20)
    res = izhic.simulate(model, current, duration=200.0, dt=0.25, method="euler", record=("v", "u"),
                         record_neurons=[3, 0, 17], v_at_spike="reset")
    assert_array_equal(res.v[:, -1], res.v_final[[3, 0, 17]])
    assert_array_equal(res.u[:, -1], res.u_final[[3, 0, 17]])


# ---------------------------------------------------------------- continuing a run

@pytest.mark.parametrize("dt", [0.25, 0.125])
@pytest.mark.parametrize("method", METHODS)
def test_continue_from_final_state(method, dt):
    model, current = random_population(10, 30)
    full = izhic.simulate(model, current, duration=1000.0, dt=dt, method=method)
    first = izhic.simulate(model, current, duration=500.0, dt=dt, method=method)
    second = izhic.simulate(model, current, duration=500.0, dt=dt, method=method,
                            v0=first.v_final, u0=first.u_final)
    assert second.spike_times.n_spikes > 30
    for i in range(len(current)):
        want = full.spike_times[i]
        assert_array_equal(first.spike_times[i], want[want <= 500.0])
        if method in GRID_METHODS:
            assert_array_equal(second.spike_times[i] + 500.0, want[want > 500.0])
        else:  # event times are located in absolute time: equal to rounding
            assert_allclose(second.spike_times[i] + 500.0, want[want > 500.0], rtol=0, atol=1e-9)
    if method in GRID_METHODS:
        assert_array_equal(second.v_final, full.v_final)
        assert_array_equal(second.u_final, full.u_final)
    else:
        assert_allclose(second.v_final, full.v_final, rtol=0, atol=1e-9)
        assert_allclose(second.u_final, full.u_final, rtol=0, atol=1e-9)


# ---------------------------------------------------------------- model forms

@pytest.mark.parametrize("model", [
    "rs", " RS ", "Rs", izhic.PRESETS_2003["RS"], izhic.preset("rs"),
    izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8.0), izhic.Izhikevich2003(**RS, v_peak=30.0),
    RS, dict(RS, v_peak=30.0), {k: [v] * 3 for k, v in RS.items()},
])
def test_model_forms(model):
    ref = izhic.simulate("RS", [5.0, 10.0, 15.0], duration=200.0, dt=0.25, method="euler")
    res = izhic.simulate(model, [5.0, 10.0, 15.0], duration=200.0, dt=0.25, method="euler")
    assert ref.spike_times.n_spikes > 0
    assert_same(res, ref)


@pytest.mark.parametrize("method", METHODS)
def test_per_neuron_parameters(method):
    names = ["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"]
    presets = [izhic.PRESETS_2003[name] for name in names]
    model = izhic.Izhikevich2003(**{f: np.array([getattr(p, f) for p in presets], dtype=float)
                                    for f in izhic.Izhikevich2003.field_names()})
    res = izhic.simulate(model, 10.0, duration=200.0, dt=0.25, method=method)
    assert len(res.spike_times) == 7
    for i, name in enumerate(names):
        alone = izhic.simulate(name, 10.0, duration=200.0, dt=0.25, method=method)
        assert_array_equal(res.spike_times[i], alone.spike_times[0])
        assert_array_equal(res.v_final[i], alone.v_final[0])


def test_presets_and_methods():
    assert set(izhic.PRESETS_2003) == {"RS", "IB", "CH", "FS", "LTS", "TC", "RZ"}
    for params in izhic.PRESETS_2003.values():
        assert isinstance(params, izhic.Izhikevich2003) and params.v_peak == 30.0
    assert {"euler", "izhikevich2004", "izhikevich2003", "rk4"} <= set(izhic.METHODS)
    for name, description in izhic.METHODS.items():
        assert isinstance(description, str) and description
    assert izhic.simulate.__defaults__ is not None  # a plain function


@pytest.mark.parametrize("name", ["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"])
@pytest.mark.parametrize("method", METHODS)
def test_every_preset_fires_for_every_method(name, method):
    res = izhic.simulate(name, 10.0, duration=200.0, dt=0.25, method=method)
    assert res.spike_times.n_spikes > 0


def test_v_peak_is_the_threshold():
    # a lower v_peak fires earlier and, with v_at_spike="peak", shows that value
    low = izhic.simulate(dict(RS, v_peak=0.0), 10.0, duration=100.0, dt=0.25,
                         method="izhikevich2004", record="v")
    high = izhic.simulate("RS", 10.0, duration=100.0, dt=0.25, method="izhikevich2004")
    assert low.spike_times[0][0] < high.spike_times[0][0]
    idx = _spike_samples(low, 0)
    assert_array_equal(low.v[0, idx], 0.0)


# ---------------------------------------------------------------- initial state and sizes

def test_default_initial_state():
    res = izhic.simulate(dict(RS, b=0.25), 0.0, duration=1.0, dt=0.25, method="euler",
                         record=("v", "u"))
    assert res.v[0, 0] == -65.0
    assert res.u[0, 0] == 0.25 * -65.0


def test_n_neurons_with_scalars():
    res = izhic.simulate("RS", 10.0, duration=200.0, dt=0.25, method="euler", n_neurons=5)
    assert len(res.spike_times) == 5 and res.n_neurons == 5
    assert res.spike_times[0].size > 0
    for train in res.spike_times:
        assert_array_equal(train, res.spike_times[0])
    assert res.v_final.shape == res.u_final.shape == (5,)
    # n_neurons given with arrays of that length is fine
    same = izhic.simulate("RS", np.full(5, 10.0), duration=200.0, dt=0.25, method="euler",
                          n_neurons=5)
    assert_same(same, res)


@pytest.mark.parametrize("n", [1, 3])
def test_duration_zero(n):
    res = izhic.simulate("RS", 10.0, duration=0.0, dt=0.25, method="euler", n_neurons=n,
                         v0=-60.0, record=("v", "u"))
    assert len(res.spike_times) == n and res.spike_times.n_spikes == 0
    assert all(train.size == 0 for train in res.spike_times)
    assert_array_equal(res.t, [0.0])
    assert res.v.shape == (n, 1)
    assert_array_equal(res.v_final, -60.0)
    assert_array_equal(res.u_final, 0.2 * -60.0)


@pytest.mark.parametrize("n", [1, 2, 8, 9, 63, 64, 65, 255, 256, 257])
@pytest.mark.parametrize("method", METHODS)
def test_population_sizes(method, n):
    # block edges of the kernel: one neuron alone, blocks of 8 and of 64 lanes
    current = np.linspace(0.0, 30.0, n)
    model = dict(RS, d=np.linspace(2.0, 8.0, n))  # per-neuron parameters
    rec = sorted({0, n // 2, n - 1})[::-1]
    res = izhic.simulate(model, current, duration=100.0, dt=0.25, method=method,
                         record=("v", "u"), record_neurons=rec)
    assert len(res.spike_times) == n
    assert res.v.shape == (len(rec), 401)
    for row, i in enumerate(rec):
        alone = izhic.simulate(dict(RS, d=model["d"][i]), current[i], duration=100.0, dt=0.25,
                               method=method, record=("v", "u"))
        assert_array_equal(res.spike_times[i], alone.spike_times[0])
        assert_array_equal(res.v[row], alone.v[0])
        assert_array_equal(res.u[row], alone.u[0])
        assert res.v_final[i] == alone.v_final[0]


@pytest.mark.parametrize("n", [1, 9, 257])
def test_shared_and_per_neuron_parameters_agree(n):
    current = np.linspace(0.0, 30.0, n)
    shared = izhic.simulate("RS", current, duration=100.0, dt=0.25, method="izhikevich2003")
    per_neuron = izhic.simulate({k: np.full(n, v) for k, v in RS.items()}, current,
                                duration=100.0, dt=0.25, method="izhikevich2003")
    assert_same(per_neuron, shared)


# ---------------------------------------------------------------- configuration

def test_show_config():
    config = izhic.show_config()
    assert isinstance(config, dict)
    assert isinstance(config["openmp"], bool) and isinstance(config["native"], bool)
    assert isinstance(config["max_threads"], int) and config["max_threads"] >= 1
    assert config["version"] == izhic.__version__
