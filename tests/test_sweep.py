"""izhic.sweep: in-process and on a real dask.distributed LocalCluster.

One LocalCluster of 2 worker processes on loopback serves the whole module.
Counting and signalling across processes goes through files: each call of the
:class:`Tally` measure creates one numbered file in a folder (any process can
add one, the test reads the count), and a Tally can send a signal on a given
call (SIGKILL to the worker running it, SIGINT to this process: Ctrl-C).
"""
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from izhic.network import network_2003
from izhic.sweeps import _block_shape, _Axis, spike_train

xr = pytest.importorskip("xarray", reason="the sweep extra is part of the test extra")
distributed = pytest.importorskip("distributed")
zarr = pytest.importorskip("zarr")

ROOT = Path(__file__).resolve().parents[1]
ALL_MEASURES = ("count", "rate", "latency", "mean_isi", "cv_isi", "spikes")


@pytest.fixture(scope="module")
def client():
    """A real LocalCluster: 2 worker processes, one thread each, loopback, no dashboard."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


class Tally:
    """A measure (spike counts, as ``counted``) that also counts its calls.

    Call number k (0, 1, ...) creates the file ``folder/k``, atomically across
    processes; on call number ``signal_at`` it sends ``signum`` to ``pid``
    (None: its own process, but only inside a worker, never this test's)."""

    def __init__(self, folder, signal_at=None, signum=None, pid=None):
        self.folder, self.signal_at, self.signum, self.pid = str(folder), signal_at, signum, pid
        self.test_pid = os.getpid()
        os.makedirs(self.folder, exist_ok=True)

    def calls(self):
        return len(os.listdir(self.folder))

    def __call__(self, res):
        k = 0
        while True:
            try:
                os.close(os.open(os.path.join(self.folder, str(k)), os.O_CREAT | os.O_EXCL))
                break
            except FileExistsError:
                k += 1
        if k == self.signal_at:
            pid = os.getpid() if self.pid is None else self.pid
            if pid != self.test_pid or self.pid is not None:
                os.kill(pid, self.signum)
        return {"counted": res.spike_counts()}


def noisy_grid():
    return {"a": [0.02, 0.05, 0.1], "seed": [3, 11], "d": [2.0, 8.0],
            "current": np.linspace(0.0, 12.0, 7)}


NOISY = dict(duration=200.0, dt=0.1, method="rk4", noise=3.0, chunk_size=10)


def n_done(store):
    return int(zarr.open_group(str(store), mode="r")["_izhic/done"][...].sum())


def wait_until_no_sweep_tasks(client, timeout=20.0):
    """Wait until the scheduler holds no izhic-sweep task (cancelled tasks drain)."""
    def sweep_tasks(dask_scheduler):
        return [str(k) for k in dask_scheduler.tasks if str(k).startswith("izhic-sweep")]
    end = time.monotonic() + timeout
    while (left := client.run_on_scheduler(sweep_tasks)) and time.monotonic() < end:
        time.sleep(0.05)
    return left


# ------------------------------------------------------------ cluster = here

def test_cluster_equals_in_process_bit_for_bit(client):
    """Noise keyed by the point's flat index: same numbers on 2 workers and here."""
    here = izhic.sweep("RS", noisy_grid(), measures=ALL_MEASURES, n_threads=2, **NOISY)
    there = izhic.sweep("RS", noisy_grid(), measures=ALL_MEASURES, client=client, **NOISY)
    xr.testing.assert_identical(there, here)
    assert here["count"].dims == ("a", "seed", "d", "current")
    assert int(here["n_spikes"].sum()) == here.sizes["spike"] > 100
    # the two seeds draw different noise
    assert not np.array_equal(here["spike_offset"].sel(seed=3), here["spike_offset"].sel(seed=11))


def test_chunking_does_not_change_the_numbers():
    kwargs = dict(NOISY, measures=("count", "latency", "cv_isi"))
    kwargs.pop("chunk_size")
    ref = izhic.sweep("RS", noisy_grid(), chunk_size=1, **kwargs)
    for chunk_size in (5, 29, None):
        xr.testing.assert_identical(
            izhic.sweep("RS", noisy_grid(), chunk_size=chunk_size, **kwargs).drop_attrs(),
            ref.drop_attrs())


def test_worker_killed_mid_sweep_completes_identical(client, tmp_path):
    pids = set(client.run(os.getpid).values())
    tally = Tally(tmp_path / "calls", signal_at=4, signum=signal.SIGKILL)
    kwargs = dict(NOISY, measures=("rate", tally), chunk_size=6)
    there = izhic.sweep("RS", noisy_grid(), client=client, **kwargs)
    client.wait_for_workers(2, timeout=60)
    after = set(client.run(os.getpid).values())
    assert len(after - pids) == 1, "one worker was killed and restarted by its nanny"
    n_chunks = 3 * 2 * 2 * 2          # 7 currents in chunks of 4 + 3
    assert tally.calls() >= n_chunks + 1   # the killed chunk ran again
    here = izhic.sweep("RS", noisy_grid(), **dict(kwargs, measures=("rate", Tally(tmp_path / "x"))))
    xr.testing.assert_identical(there, here)
    assert int(here["counted"].sum()) > 0


# ------------------------------------------------------------ store, resume, Ctrl-C

def test_interrupted_sweep_resumes_with_missing_chunks_only(tmp_path):
    store = tmp_path / "sweep.zarr"
    first = Tally(tmp_path / "first", signal_at=3, signum=signal.SIGINT, pid=os.getpid())
    kwargs = dict(NOISY, chunk_size=7)
    with pytest.raises(KeyboardInterrupt):
        izhic.sweep("RS", noisy_grid(), measures=("rate", "spikes", first), store=store, **kwargs)
    done = n_done(store)
    n_chunks = 3 * 2 * 2
    # call 3 (the 4th chunk) starts after 2 chunks were written (2 threads) and never is
    assert 2 <= done <= 3
    second = Tally(tmp_path / "second")
    ds = izhic.sweep("RS", noisy_grid(), measures=("rate", "spikes", second), store=store, **kwargs)
    assert second.calls() == n_chunks - done
    ref = izhic.sweep("RS", noisy_grid(), measures=("rate", "spikes", Tally(tmp_path / "r")),
                      **kwargs)
    xr.testing.assert_identical(ds.load(), ref)
    # the store is plain Zarr: xarray opens it without izhic
    xr.testing.assert_identical(xr.open_zarr(store, consolidated=False).load(), ref)
    # a third run computes nothing
    third = Tally(tmp_path / "third")
    izhic.sweep("RS", noisy_grid(), measures=("rate", "spikes", third), store=store, **kwargs)
    assert third.calls() == 0


def test_ctrl_c_on_cluster_cancels_tasks_store_resumes(client, tmp_path):
    store = tmp_path / "sweep.zarr"
    # a worker's 3rd call presses Ctrl-C in this process while it waits for results
    first = Tally(tmp_path / "first", signal_at=2, signum=signal.SIGINT, pid=os.getpid())
    kwargs = dict(NOISY, chunk_size=4)
    with pytest.raises(KeyboardInterrupt):
        izhic.sweep("RS", noisy_grid(), measures=("count", first), client=client, store=store,
                    **kwargs)
    assert wait_until_no_sweep_tasks(client) == []
    n_chunks = 3 * 2 * 2 * 2
    done = n_done(store)
    assert done < n_chunks
    second = Tally(tmp_path / "second")
    ds = izhic.sweep("RS", noisy_grid(), measures=("count", second), client=client,
                     store=store, **kwargs)
    assert second.calls() == n_chunks - done
    ref = izhic.sweep("RS", noisy_grid(), measures=("count", Tally(tmp_path / "r")), **kwargs)
    xr.testing.assert_identical(ds.load(), ref)


class FailOn:
    """A measure that raises on the chunk whose first current is ``current``."""

    def __init__(self, current):
        self.current = current

    def __call__(self, res):
        if res.n_neurons == 1 and self.current is not None:
            raise ValueError("this chunk fails")
        return {"silent": res.spike_counts() == 0}


@pytest.mark.parametrize("where", ["here", "cluster"])
def test_a_failing_chunk_stops_the_sweep_and_keeps_the_others(client, tmp_path, where):
    grid = {"current": [1.0, 2.0, 3.0, 4.0, 30.0]}   # chunks of 2, 2, 1: the last one fails
    kwargs = dict(duration=50.0, chunk_size=2, store=tmp_path / "s",
                  client=client if where == "cluster" else None)
    with pytest.raises(ValueError, match="this chunk fails"):
        izhic.sweep("RS", grid, measures=("count", FailOn(30.0)), **kwargs)
    if where == "cluster":
        assert wait_until_no_sweep_tasks(client) == []
    assert n_done(tmp_path / "s") <= 2      # the chunks that completed first, whole
    ds = izhic.sweep("RS", grid, measures=("count", FailOn(None)), **kwargs)
    assert_array_equal(ds["silent"], ds["count"] == 0)
    assert ds["silent"].values.tolist()[:3] == [True, True, True]


@pytest.mark.parametrize("change", [
    {"grid": {"current": np.linspace(0.0, 12.0, 8)}},
    {"grid": {"a": [0.02, 0.05, 0.11]}},
    {"duration": 100.0},
    {"noise": 3.5},
    {"method": "euler"},
    {"measures": ("rate", "latency")},
    {"chunk_size": 3},
    {"model": izhic.Izhikevich2003(a=0.02, b=0.25, c=-65.0, d=8.0)},
])
def test_changed_definition_on_the_same_store_is_refused(tmp_path, change):
    store = tmp_path / "s.zarr"
    base = dict(model="RS", grid=noisy_grid(), **NOISY)
    izhic.sweep(**base, store=store)
    changed = dict(base)
    for key, value in change.items():
        changed[key] = {**base["grid"], **value} if key == "grid" else value
    with pytest.raises(ValueError, match="holds a different sweep; refusing to mix them"):
        izhic.sweep(**changed, store=store)
    # the original definition still resumes (here: nothing left to do)
    izhic.sweep(**base, store=store)


def test_store_that_is_not_a_sweep_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="exists and is not an izhic sweep store"):
        izhic.sweep("RS", {"current": [1.0, 2.0]}, duration=10.0, store=tmp_path)
    zarr.create_group(str(tmp_path / "z"))
    with pytest.raises(ValueError, match="without a sweep manifest"):
        izhic.sweep("RS", {"current": [1.0, 2.0]}, duration=10.0, store=tmp_path / "z")


# ------------------------------------------------------------ measures = simulate

def _flat_points(grid):
    mesh = np.meshgrid(*[np.asarray(v) for v in grid.values()], indexing="ij")
    return {name: m.ravel() for name, m in zip(grid, mesh)}


def _isi_reference(train, t0, t1):
    isi = np.diff(train[(train >= t0) & (train <= t1)])
    mean = isi.mean() if isi.size else np.nan
    return mean, (isi.std() / isi.mean() if isi.size >= 2 else np.nan)


@pytest.mark.parametrize("form", ["2003", "2007"])
def test_measures_equal_simulate(form):
    if form == "2003":
        model = izhic.PRESETS_2003["RS"]
        grid = {"a": [0.02, 0.06], "d": [2.0, 5.0, 8.0], "current": np.linspace(2.0, 30.0, 9)}
        method = "rk4"
    else:
        model = izhic.PRESETS_2007["RS"]
        grid = {"k": [0.5, 0.7, 1.0], "a": [0.01, 0.03], "current": np.linspace(40.0, 400.0, 9)}
        method = "euler"
    window = (50.0, 300.0)
    ds = izhic.sweep(model, grid, 300.0, 0.1, method, measures=ALL_MEASURES, window=window,
                     noise=2.0, seed=5, chunk_size=4)
    points = _flat_points(grid)
    current = points.pop("current")
    res = izhic.simulate(dataclasses.replace(model, **points), current, 300.0, 0.1, method,
                         noise=2.0, seed=5, neuron_ids=np.arange(current.size))
    shape = ds["count"].shape
    assert_array_equal(ds["count"].values.ravel(), res.spike_counts(*window))
    assert_array_equal(ds["rate"].values.ravel(), res.rates(*window))
    assert_array_equal(ds["latency"].values.ravel(), res.spike_times.first())
    assert_array_equal(ds["n_spikes"].values.ravel(), res.spike_counts())
    isi = np.array([_isi_reference(res.spike_times[i], *window) for i in range(current.size)])
    assert_allclose(ds["mean_isi"].values.ravel(), isi[:, 0], rtol=1e-12)
    assert_allclose(ds["cv_isi"].values.ravel(), isi[:, 1], rtol=1e-9, atol=1e-15)
    for p, idx in enumerate(np.ndindex(shape)):
        point = {name: ds[name].values[i] for name, i in zip(grid, idx)}
        assert_array_equal(spike_train(ds, **point), res.spike_times[p])
    assert np.isnan(ds["cv_isi"].values).any() and (ds["count"].values > 5).any()


def test_shared_fields_and_seed_axes_get_their_own_simulate_calls():
    """quadratic/constant are population-wide: a chunk never straddles two values."""
    grid = {"constant": [140.0, 135.0], "current": np.linspace(0.0, 20.0, 11), "seed": [1, 2]}
    ds = izhic.sweep("RS", grid, 200.0, 0.1, "euler", measures=("count",), noise=1.0,
                     chunk_size=100)
    shape = ds["count"].shape
    for i, constant in enumerate(grid["constant"]):
        for k, seed in enumerate(grid["seed"]):
            ids = np.ravel_multi_index((i, np.arange(11), k), shape)
            model = izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8.0, constant=constant)
            res = izhic.simulate(model, grid["current"], 200.0, 0.1, "euler", noise=1.0,
                                 seed=seed, neuron_ids=ids)
            assert_array_equal(ds["count"].values[i, :, k], res.spike_counts())


def test_string_axis_and_2007_shared_field_round_trip_through_the_store(tmp_path):
    grid = {"recovery": ["standard", "accommodation"], "current": [5.0, 10.0, 20.0]}
    mem = izhic.sweep("RS", grid, 300.0, 0.1, "euler", measures=("count",))
    disk = izhic.sweep("RS", grid, 300.0, 0.1, "euler", measures=("count",), store=tmp_path / "r")
    xr.testing.assert_identical(disk.load(), mem)
    assert list(disk["recovery"].values) == ["standard", "accommodation"]
    accommodation = izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8.0, recovery="accommodation")
    assert_array_equal(mem["count"].sel(recovery="accommodation"),
                       izhic.simulate(accommodation, grid["current"], 300.0, 0.1,
                                      "euler").spike_counts())
    fs = izhic.PRESETS_2007["FS"]
    ds = izhic.sweep(fs, {"cubic": [0.0, 0.025], "current": [100.0, 300.0]}, 300.0, 0.1,
                     measures=("count",), store=tmp_path / "fs")
    for cubic in (0.0, 0.025):
        res = izhic.simulate(dataclasses.replace(fs, cubic=cubic), [100.0, 300.0], 300.0, 0.1)
        assert_array_equal(ds["count"].sel(cubic=cubic), res.spike_counts())


def test_block_shape_rule():
    def axes(*sizes, shared=()):
        return [_Axis(f"x{j}", np.arange(n), j in shared) for j, n in enumerate(sizes)]
    assert _block_shape(axes(10, 3, 41), 1_000) == (5, 3, 41)        # 10 in 2 equal parts
    assert _block_shape(axes(10, 3, 41), 100) == (1, 2, 41)
    assert _block_shape(axes(10, 3, 41), 30) == (1, 1, 21)          # 41 in 2 near-equal parts
    assert _block_shape(axes(10, 3, 41), 10 ** 9) == (10, 3, 41)
    assert _block_shape(axes(4, 5, 6, shared=(2,)), 100) == (4, 5, 1)  # shared axis: 1
    assert _block_shape(axes(50, 50, 400), 10 ** 5) == (5, 50, 400)


# ------------------------------------------------------------ function sweeps

def network_summary(seed, drive, duration):
    net = network_2003(duration, seed=seed, thalamic=(drive, 2.0))
    return {"mean_rate": net.mean_rate(), "n_spikes": net.times.size, "pid": os.getpid()}


def test_function_sweep_of_networks_runs_as_tasks_on_the_cluster(client, tmp_path):
    grid = {"drive": [3.0, 5.0], "seed": [0, 1, 2, 3]}
    ds = izhic.sweep(network_summary, grid, kwargs={"duration": 60.0}, client=client,
                     store=tmp_path / "nets.zarr", progress=True)
    assert ds["mean_rate"].dims == ("drive", "seed")
    worker_pids = set(client.run(os.getpid).values())
    assert set(ds["pid"].values.ravel().astype(int)) <= worker_pids
    for i, drive in enumerate(grid["drive"]):
        for j, seed in enumerate(grid["seed"]):
            net = network_2003(60.0, seed=seed, thalamic=(drive, 2.0))
            assert ds["mean_rate"].values[i, j] == net.mean_rate()
            assert ds["n_spikes"].values[i, j] == net.times.size
    assert (ds["mean_rate"].sel(drive=5.0) > ds["mean_rate"].sel(drive=3.0)).all()


def test_function_sweep_in_process_with_array_outputs():
    def f(x, name):
        return {"square": x * x, "vec": np.arange(3) * x, "flag": x > 1, "tag": len(name)}
    ds = izhic.sweep(f, {"x": [0, 1, 2, 3]}, kwargs={"name": "ab"}, chunk_size=3)
    assert_array_equal(ds["square"], [0.0, 1.0, 4.0, 9.0])
    assert ds["square"].dtype == np.float64 and ds["flag"].dtype == bool
    assert ds["vec"].dims == ("x", "vec_dim_0")
    assert_array_equal(ds["vec"].values[3], [0.0, 3.0, 6.0])
    assert_array_equal(ds["tag"], 2.0)


# ------------------------------------------------------------ progress, imports, errors

def test_progress_bar_over_chunks(capsys):
    izhic.sweep("RS", {"current": np.arange(6.0)}, duration=10.0, chunk_size=2, progress=True)
    err = capsys.readouterr().err
    assert "izhic sweep (here)" in err and "3/3" in err


def test_import_izhic_does_not_import_dask_xarray_zarr():
    code = ("import sys, izhic; izhic.sweep; "
            "print(sorted(m for m in ('dask', 'distributed', 'xarray', 'zarr') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_extra_names_it():
    code = ("import sys; sys.modules['xarray'] = None; import izhic\n"
            "try:\n    izhic.sweep('RS', {'current': [1.0]}, duration=1.0)\n"
            "except ImportError as exc:\n    print(exc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "izhic[sweep]"' in out.stdout and "xarray" in out.stdout


def _f(x):
    return {"y": x}


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"grid": {"e": [1.0]}}, ValueError, r"grid: unknown axis 'e' for a Izhikevich2003 model"),
    ({"grid": {"k": [1.0]}}, ValueError, r"unknown axis 'k'"),
    ({"grid": {}}, TypeError, r"grid: expected a non-empty dict"),
    ({"grid": [1.0, 2.0]}, TypeError, r"grid: expected a non-empty dict"),
    ({"grid": {"a": 0.02}}, ValueError, r"grid\['a'\]: expected a 1-D sequence of values, got 0.02"),
    ({"grid": {"a": [[0.02]]}}, ValueError, r"grid\['a'\]: expected a 1-D sequence"),
    ({"grid": {"a": []}}, ValueError, r"grid\['a'\]: is empty"),
    ({"grid": {"a": [0.02, 0.02]}}, ValueError, r"grid\['a'\]: values must be unique"),
    ({"grid": {"a": [0.02, np.nan]}}, ValueError, r"grid\['a'\]: values must be finite"),
    ({"grid": {"a": ["x"]}}, TypeError, r"grid\['a'\]: expected real numbers"),
    ({"grid": {"seed": [1.5]}, "noise": 1.0}, TypeError, r"grid\['seed'\]: expected ints"),
    ({"grid": {"seed": [-1]}, "noise": 1.0}, ValueError, r"grid\['seed'\]: seeds must be >= 0"),
    ({"grid": {"seed": [1, 2]}}, ValueError, r"grid\['seed'\]: a seed axis without noise"),
    ({"grid": {"noise": [-1.0]}}, ValueError, r"grid\['noise'\]: must be >= 0"),
    ({"grid": {"recovery": ["fast"]}}, ValueError, r"grid\['recovery'\]: unknown value 'fast'"),
    ({"grid": {"c": [40.0]}}, ValueError, r"sweep chunk \(0,\) \(c=40.0\): model.c: the reset"),
    ({"measures": ("rate", "speed")}, ValueError, r"measures: unknown value 'speed'"),
    ({"measures": ("rate", "rate")}, ValueError, r"measures: 'rate' is given twice"),
    ({"measures": ()}, TypeError, r"measures: expected names"),
    ({"measures": (3,)}, TypeError, r"measures: expected names .* or callables"),
    ({"window": (5.0,)}, ValueError, r"window: expected \(t_start, t_stop\)"),
    ({"window": (5.0, 2.0)}, ValueError, r"window: \(5.0, 2.0\) must satisfy"),
    ({"window": (0.0, 20.0)}, ValueError, r"must satisfy 0 <= t_start < t_stop <= duration=10.0"),
    ({"current": [1.0, 2.0]}, TypeError, r"current: expected a real number"),
    ({"noise": -1.0}, ValueError, r"noise: must be >= 0, got -1.0"),
    ({"seed": 1.5, "noise": 1.0}, TypeError, r"seed: expected an int"),
    ({"seed": 1, "noise": 1.0, "grid": {"seed": [1, 2]}}, ValueError, r"seed: given both"),
    ({"chunk_size": 0}, ValueError, r"chunk_size: must be >= 1, got 0"),
    ({"chunk_size": 2.5}, TypeError, r"chunk_size: expected a positive int"),
    ({"n_threads": 0}, ValueError, r"n_threads: must be a positive int"),
    ({"dt": 0.3}, ValueError, r"duration: 10.0 ms is not a whole number of steps"),
    ({"method": "heun"}, ValueError, r"method: unknown value 'heun'"),
    ({"kwargs": {"x": 1}}, TypeError, r"kwargs: applies to function sweeps"),
    ({"client": "tcp://127.0.0.1:8786"}, TypeError, r"client: expected a dask.distributed.Client"),
    ({"store": 3}, TypeError, r"store: expected a directory path"),
    ({"store": "s3://bucket/x"}, ValueError, r"store: 's3://bucket/x': only local directories"),
    ({"model": izhic.Izhikevich2003(a=[0.02, 0.03], b=0.2, c=-65.0, d=8.0)}, ValueError,
     r"model.a: a sweep's model holds one value per field"),
    ({"model": _f, "duration": 10.0}, TypeError, r"duration: applies to model sweeps"),
    ({"model": _f, "grid": {"x": [1]}, "kwargs": {"x": 2}}, ValueError,
     r"kwargs: 'x' is also a grid axis"),
    ({"model": _f, "grid": {"x": [1]}, "kwargs": 3}, TypeError, r"kwargs: expected a dict"),
])
def test_errors_name_the_argument(kwargs, exc, match):
    args = {"model": "RS", "grid": {"current": [1.0, 2.0]}, "duration": 10.0, "dt": 0.1}
    args.update(kwargs)
    if callable(args["model"]):
        args.pop("dt")
        if "duration" not in kwargs:
            args.pop("duration")
    with pytest.raises(exc, match=match):
        izhic.sweep(**args)


def test_function_results_errors():
    with pytest.raises(TypeError, match=r"func: must return a non-empty dict .* at \{'x': 1\}"):
        izhic.sweep(lambda x: x, {"x": [1]})
    with pytest.raises(ValueError, match=r"func: 'y' has shape \(2,\)"):
        izhic.sweep(lambda x: {"y": np.zeros(x)}, {"x": [1, 2]}, chunk_size=2)
    with pytest.raises(TypeError, match=r"func: returned 'y' = 'a'"):
        izhic.sweep(lambda x: {"y": "a"}, {"x": [1]})
    with pytest.raises(ValueError, match=r"chunk \(1,\) \(x=2\) gave the variables z \(\) "
                                         r"float64, the first chunk y \(\) float64"):
        izhic.sweep(lambda x: {"y": x} if x < 2 else {"z": x}, {"x": [1, 2]})
    with pytest.raises(ValueError, match=r"measures: <lambda> must return numbers with one row "
                                         r"per neuron of the chunk \(shape \(2, ...\)\); got 'x'"):
        izhic.sweep("RS", {"current": [1.0, 2.0]}, duration=10.0,
                    measures=(lambda res: {"x": 1.0},))
    with pytest.raises(ValueError, match=r"its name '<lambda>' cannot name a variable"):
        izhic.sweep("RS", {"current": [1.0]}, duration=10.0, measures=(lambda res: res.v_final,))


def test_function_kwargs_must_be_recordable_with_a_store(tmp_path):
    with pytest.raises(TypeError, match=r"kwargs: <object object at .*> cannot be "
                                        r"recorded in the store's manifest"):
        izhic.sweep(lambda x, o: {"y": x}, {"x": [1]}, kwargs={"o": object()},
                    store=tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_spike_train_errors():
    ds = izhic.sweep("RS", {"current": [5.0, 10.0]}, duration=100.0)
    with pytest.raises(ValueError, match="ds: holds no spike trains"):
        spike_train(ds, current=5.0)
    ds = izhic.sweep("RS", {"d": [2.0, 8.0], "current": [5.0, 10.0]}, duration=100.0,
                     measures=("spikes",))
    with pytest.raises(ValueError, match="point: .* selects 2 points"):
        spike_train(ds, current=5.0)


@pytest.mark.slow
def test_example_small_run(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "sweep_fi_surface.py"),
                           "--small", "--out", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "sweep_fi_surface.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
