"""Results out of Python: SimulationResult.save / izhic.load, to_pandas, to_neo."""
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import inputs


def _same(a, b):
    assert_array_equal(a.spike_times.times, b.spike_times.times)
    assert_array_equal(a.spike_times.offsets, b.spike_times.offsets)
    for name in ("v_final", "u_final", "t", "v", "u", "record_neurons"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert_array_equal(x, y)
    for name in ("duration", "dt", "method", "n_neurons", "seed", "t_start", "t_stop"):
        assert getattr(a, name) == getattr(b, name), name


@pytest.mark.parametrize("model", ["RS", izhic.preset("FS", year=2007)], ids=["2003", "2007"])
def test_save_load_round_trip_and_continue(tmp_path, model):
    current = 10.0 if model == "RS" else 200.0
    res = izhic.simulate(model, [current, 2 * current], 300.0, 0.1, record=("v", "u"),
                         record_neurons=[1], noise=1.0, seed=5)
    res.save(tmp_path / "r.npz")
    back = izhic.load(tmp_path / "r.npz")
    _same(res, back)
    assert res.spike_times.n_spikes > 5
    a = izhic.simulate(model, [current, 2 * current], 200.0, 0.1, noise=1.0, state=res.state)
    b = izhic.simulate(model, [current, 2 * current], 200.0, 0.1, noise=1.0, state=back.state)
    _same(a, b)


def test_save_load_a_plastic_network(tmp_path):
    rng = np.random.default_rng(1)
    pre, post = rng.integers(0, 50, 500), rng.integers(0, 50, 500)
    exc = izhic.Synapses(pre, post, 2.0 * rng.random(500), rng.integers(1, 5, 500) * 1.0,
                         n_neurons=50)
    inh = izhic.Synapses(post, pre, -1.0, 1.0, n_neurons=50)
    kw = dict(synapses=[exc, inh], plasticity=[izhic.STDP.additive(w_max=3.0), None])
    res = izhic.simulate("RS", 5.0 + inputs.random_events(30.0), 300.0, 1.0,
                         "izhikevich2003", seed=2, **kw)
    res.save(tmp_path / "net.npz")
    back = izhic.load(tmp_path / "net.npz")
    _same(res, back)
    assert isinstance(back.weights, list) and len(back.weights) == 2
    for x, y in zip(res.weights, back.weights):
        assert_array_equal(x, y)
    a = izhic.simulate("RS", 5.0 + inputs.random_events(30.0), 100.0, 1.0, "izhikevich2003",
                       state=res.state, **kw)
    b = izhic.simulate("RS", 5.0 + inputs.random_events(30.0), 100.0, 1.0, "izhikevich2003",
                       state=back.state, **kw)
    _same(a, b)
    assert_array_equal(a.weights[0], b.weights[0])


def test_load_refuses_other_files(tmp_path):
    np.savez(tmp_path / "x.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="not a result saved by izhic"):
        izhic.load(tmp_path / "x.npz")


def test_to_pandas_spikes_and_traces():
    pytest.importorskip("pandas")
    res = izhic.simulate("RS", [4.0, 10.0, 20.0], 300.0, record=("v", "u"), record_neurons=[0, 2],
                         record_dt=1.0)
    df = res.to_pandas()
    t, i = res.raster()
    assert len(df) == t.size > 10
    assert np.all(np.diff(df["time_ms"].to_numpy()) >= 0)
    assert sorted(zip(df["time_ms"], df["neuron"])) == sorted(zip(t.tolist(), i.tolist()))
    tr = res.to_pandas("traces")
    assert list(tr.columns) == ["neuron", "t_ms", "v", "u"]
    assert len(tr) == 2 * res.t.size
    rows = tr[tr["neuron"] == 2]
    assert_array_equal(rows["v"].to_numpy(), res.v[1])
    assert_array_equal(rows["t_ms"].to_numpy(), res.t)
    with pytest.raises(ValueError, match="what"):
        res.to_pandas("isi")
    with pytest.raises(ValueError, match="recorded no traces"):
        izhic.simulate("RS", 10.0, 10.0).to_pandas("traces")


# elephant's isi passes copy= to quantities, which warns about it (their code, not ours)
@pytest.mark.filterwarnings("ignore:The 'copy' argument in Quantity is deprecated")
def test_to_neo_feeds_elephant():
    neo = pytest.importorskip("neo")
    elephant = pytest.importorskip("elephant.statistics")
    import quantities as pq

    res = izhic.simulate("RS", np.linspace(5.0, 30.0, 6), 1000.0, record="v",
                         record_neurons=[3], record_dt=0.5)
    seg = res.to_neo()
    assert isinstance(seg, neo.Segment) and len(seg.spiketrains) == 6
    rates = res.rates()
    for i, st in enumerate(seg.spiketrains):
        assert st.annotations["neuron"] == i
        rate = elephant.mean_firing_rate(st).rescale(pq.Hz).magnitude
        assert rate == pytest.approx(rates[i], rel=1e-12)
        isi = np.diff(res.spike_times[i])
        cv = elephant.cv(elephant.isi(st))
        assert cv == pytest.approx(np.std(isi) / np.mean(isi), rel=1e-9)
    (v,) = seg.analogsignals
    assert str(v.units.dimensionality) == "mV" and v.shape == (res.t.size, 1)
    assert_array_equal(v.magnitude[:, 0], res.v[0])
    assert float(v.sampling_period.rescale(pq.ms).magnitude) == 0.5
    assert list(v.array_annotations["neuron"]) == [3]


def test_missing_extra_names_it():
    code = ("import sys; sys.modules['pandas'] = None; sys.modules['neo'] = None\n"
            "import izhic\nres = izhic.simulate('RS', 10.0, 10.0)\n"
            "for f in (res.to_pandas, res.to_neo):\n"
            "    try:\n        f()\n    except ImportError as exc:\n        print(exc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 2 and all('pip install "izhic[io]"' in x for x in lines)
    assert "pandas" in lines[0] and "neo" in lines[1]


def test_ctrl_c_during_a_save_waits_for_the_whole_file(tmp_path, monkeypatch):
    """Ctrl-C while an .npz is written (here: as the zip archive closes, where
    a CI run once caught it and left the file open): the file is finished and
    in place, then KeyboardInterrupt is raised; no file is left open (an
    unclosed file is a ResourceWarning, an error in this suite) and no
    temporary file is left behind."""
    import _thread
    import gc
    import warnings
    import zipfile

    from izhic.result import write_npz

    path = tmp_path / "state.npz"
    izhic.simulate("RS", 10.0, 50.0).state.save(path)
    close = zipfile.ZipFile.close

    def interrupted_close(self):
        monkeypatch.setattr(zipfile.ZipFile, "close", close)    # once
        _thread.interrupt_main()
        for _ in range(1000):        # the handler runs between bytecodes
            pass
        close(self)

    monkeypatch.setattr(zipfile.ZipFile, "close", interrupted_close)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            write_npz(path, {"x": np.arange(1000.0)})
        gc.collect()
    assert [w for w in seen if issubclass(w.category, ResourceWarning)] == []
    with np.load(path) as f:
        assert_array_equal(f["x"], np.arange(1000.0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.npz"]
    write_npz(path, {"x": np.arange(3.0)}, compressed=True)
    with np.load(path) as f:
        assert_array_equal(f["x"], np.arange(3.0))


class _Unpicklable:
    def __reduce__(self):
        raise RuntimeError("cannot be pickled")


def test_a_failed_save_leaves_the_old_file(tmp_path):
    """An error while an .npz is written leaves the file that was there and
    no temporary file."""
    from izhic.result import write_npz

    path = tmp_path / "state.npz"
    izhic.simulate("RS", 10.0, 50.0).state.save(path)
    before = path.read_bytes()
    bad = np.empty(1, object)
    bad[0] = _Unpicklable()
    with pytest.raises(RuntimeError, match="cannot be pickled"):
        write_npz(path, {"x": np.arange(1000.0), "bad": bad})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.npz"]
