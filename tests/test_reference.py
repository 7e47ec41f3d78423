"""The compiled core against its oracles (izhic.reference).

* ``simulate_numpy`` evaluates the same expressions as the core in the same
  order, so spike times and final states must agree bit for bit, for every
  method, step, population size (block edges of the kernel) and thread count.
* ``simulate_solve_ivp`` (the exact hybrid solution) is checked against the
  published spike counts.
"""
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic.reference import NUMPY_METHODS, ReferenceResult, simulate_numpy, simulate_solve_ivp

from helpers import assert_same, core_equals_numpy, random_population

#: the methods with a NumPy port (ps: tests/test_ps.py, against the exact solution)
METHODS = NUMPY_METHODS


# coarse steps on purpose (rk4_grid at dt = 1 is warned about: too coarse to
# resolve a spike); the kernel must still equal the oracle bit for bit
@pytest.mark.filterwarnings("ignore::izhic.AccuracyWarning")
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("dt", [0.05, 0.1, 0.25, 0.5, 1.0])
@pytest.mark.parametrize("method", METHODS)
def test_core_equals_numpy_random_parameters(method, dt, seed):
    model, current = random_population(seed, 300)
    ref = core_equals_numpy(model, current, duration=200.0, dt=dt, method=method)
    assert ref.spike_times.n_spikes > 0  # the comparison covers resets


@pytest.mark.parametrize("n", [1, 7, 8, 9, 63, 64, 65, 255, 256, 257, 1000])
@pytest.mark.parametrize("method", METHODS)
def test_core_equals_numpy_block_edges(method, n):
    # 8-lane blocks below 256 neurons, 64-lane blocks from 256 on: partial and
    # full last blocks, a single block, more blocks than threads
    model, current = random_population(1000 + n, n)
    core_equals_numpy(model, current, duration=100.0, dt=0.25, method=method)


@pytest.mark.parametrize("n", [5, 300])
@pytest.mark.parametrize("method", METHODS)
def test_core_equals_numpy_per_neuron_peak_and_initial_state(method, n):
    rng = np.random.default_rng(7)
    model, current = random_population(7, n)
    model["v_peak"] = rng.uniform(-10.0, 60.0, n)
    v0 = rng.uniform(-80.0, 20.0, n)  # some start above their peak
    u0 = rng.uniform(-20.0, 10.0, n)
    ref = core_equals_numpy(model, current, duration=150.0, dt=0.1, method=method, v0=v0,
                            u0=u0)
    assert ref.spike_times.n_spikes > 0


RUNAWAY_PEAKS = [30.0, 1e3, 1e100, 1e149, 9.9e149]
HUGE_CURRENTS = [1e99, -1e99, 1e90, -1e90, 1e50, -1e50, 1e80, -1e80]


@pytest.mark.filterwarnings("ignore::izhic.AccuracyWarning")
@pytest.mark.parametrize("method", [m for m in METHODS if m != "rk4"])
def test_core_equals_numpy_runaway(method):
    # peaks up to just below the +-1e150 bound on v, and currents so large that
    # v runs into that bound (or beyond it before the reset): the state stays
    # finite and bit-identical to the oracle. ("rk4" refuses huge positive
    # currents: the neuron would cross the peak without end inside one step;
    # every method refuses huge negative ones: see test_validation.py.)
    model = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0,
             "v_peak": np.resize(RUNAWAY_PEAKS, len(HUGE_CURRENTS) * 2)}
    huge = [x for x in HUGE_CURRENTS if x > 0]
    current = np.concatenate([huge, np.linspace(10.0, 40.0, len(HUGE_CURRENTS))])
    model["v_peak"] = model["v_peak"][:current.size]
    for dt in (0.1, 1.0):
        ref = simulate_numpy(model, current, duration=100.0, dt=dt, method=method)
        res = izhic.simulate(model, current, duration=100.0, dt=dt, method=method)
        assert_same(res, ref)
        assert np.isfinite(res.v_final).all() and np.isfinite(res.u_final).all()
        assert np.isfinite(res.spike_times.times).all()


@pytest.mark.parametrize("v_peak", [1e150, -1e150, 2e150, 1e300])
def test_v_peak_beyond_the_bound_is_refused(v_peak):
    with pytest.raises(ValueError, match="v_peak"):
        izhic.simulate({"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "v_peak": v_peak}, 10.0,
                       duration=10.0)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(izhic.PRESETS_2003))
def test_core_equals_numpy_presets_scalar_broadcast(name, method):
    # scalar parameters, per-neuron current; scalar v0 and u0 broadcast
    current = np.linspace(-2.0, 30.0, 17)
    ref = simulate_numpy(name, current, duration=300.0, dt=0.25, method=method, v0=-70.0)
    res = izhic.simulate(name, current, duration=300.0, dt=0.25, method=method, v0=-70.0)
    assert_same(res, ref)
    ref = simulate_numpy(name, 10.0, duration=50.0, dt=0.5, method=method, n_neurons=3,
                         u0=-14.0)
    res = izhic.simulate(name, 10.0, duration=50.0, dt=0.5, method=method, n_neurons=3,
                         u0=-14.0)
    assert_same(res, ref)


def test_numpy_accepts_every_model_form():
    params = izhic.preset("FS")
    as_dict = {"a": 0.1, "b": 0.2, "c": -65.0, "d": 2.0}
    results = [simulate_numpy(m, 10.0, duration=100.0, dt=0.5) for m in ("FS", params, as_dict)]
    for other in results[1:]:
        assert_same(other, results[0])
    assert isinstance(results[0], ReferenceResult)
    assert results[0].v_final.shape == (1,)


def test_numpy_zero_duration_returns_initial_state():
    ref = simulate_numpy("RS", [0.0, 10.0], duration=0.0, dt=0.1, v0=[-70.0, -60.0])
    assert ref.spike_times.n_spikes == 0
    assert len(ref.spike_times) == 2
    assert_array_equal(ref.v_final, [-70.0, -60.0])
    assert_array_equal(ref.u_final, [-14.0, -12.0])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"method": "heun"}, ValueError, "method"),
    ({"dt": 0.3}, ValueError, "duration"),
    ({"current": [1.0, 2.0], "v0": [1.0, 2.0, 3.0]}, ValueError, "shapes"),
    ({"n_neurons": 0}, ValueError, "n_neurons"),
    ({"n_neurons": 2.0}, TypeError, "n_neurons"),
    ({"model": "XX"}, ValueError, "preset"),
])
def test_numpy_rejects_bad_arguments(kwargs, error, match):
    args = {"model": "RS", "duration": 10.0, "dt": 0.25} | kwargs
    with pytest.raises(error, match=match):
        simulate_numpy(**args)


# --- the exact hybrid solution ------------------------------------------------

@pytest.mark.parametrize("name, count", [("RS", 23), ("FS", 137), ("CH", 87)])
def test_solve_ivp_published_counts(name, count):
    # reference doc, section 6: 1000 ms at I = 10 from v = -65, u = b v
    res = simulate_solve_ivp(name, current=10.0, duration=1000.0)
    assert res.spike_times.counts().tolist() == [count]
    times = res.spike_times[0]
    assert np.all(np.diff(times) > 0)
    assert 0.0 < times[0] and times[-1] <= 1000.0


def test_solve_ivp_other_solver_and_population():
    # several neurons at once, another solver passed through; spike times agree
    # with DOP853 to well below a grid step
    current = [0.0, 10.0]
    exact = simulate_solve_ivp("RS", current, duration=300.0)
    lsoda = simulate_solve_ivp("RS", current, duration=300.0, method="LSODA", rtol=1e-10,
                               atol=1e-10)
    assert_array_equal(lsoda.spike_times.offsets, exact.spike_times.offsets)
    np.testing.assert_allclose(lsoda.spike_times.times, exact.spike_times.times, rtol=0,
                               atol=1e-5)
    assert exact.spike_times.counts().tolist()[0] == 0
    np.testing.assert_allclose(lsoda.v_final, exact.v_final, rtol=0, atol=1e-5)


def test_solve_ivp_grid_rk4_converges_to_it():
    # the grid's spike times are late by at most a few steps per spike at a small dt
    exact = simulate_solve_ivp("RS", 10.0, duration=200.0)
    grid = izhic.simulate("RS", 10.0, duration=200.0, dt=0.01, method="rk4")
    assert_array_equal(grid.spike_times.offsets, exact.spike_times.offsets)
    late = grid.spike_times.times - exact.spike_times.times
    assert np.all(late >= 0.0)
    assert np.all(late < 0.1)


def test_solve_ivp_max_spikes_guard():
    with pytest.raises(RuntimeError, match="max_spikes=5"):
        simulate_solve_ivp("FS", 10.0, duration=1000.0, max_spikes=5)


@pytest.mark.parametrize("kwargs, match", [
    ({"v0": 30.0}, "v0: must be below the cut-off"),
    ({"model": {"a": 0.02, "b": 0.2, "c": 35.0, "d": 8.0}}, "c: the reset value must be below"),
    ({"model": {"a": 0.02, "b": 0.2, "c": -75.0, "d": 8.0, "v_peak": [30.0, -70.0]},
      "v0": [-80.0, -65.0]},
     r"v0: must be below the cut-off.*neuron 1 has v0=-65\.0, cut-off -70\.0"),
    ({"rtol": 0.0}, "rtol"),
    ({"max_spikes": -1}, "max_spikes"),
])
def test_solve_ivp_rejects_bad_arguments(kwargs, match):
    args = {"model": "RS", "current": 10.0, "duration": 10.0} | kwargs
    with pytest.raises(ValueError, match=match):
        simulate_solve_ivp(**args)


@pytest.mark.parametrize("current", [1e99, 1e90, 1e50])
def test_rk4_refuses_endless_crossings_like_the_oracle(current):
    with pytest.raises(ValueError, match="current"):
        izhic.simulate("RS", [10.0, current], duration=10.0, dt=0.1, method="rk4")
    with pytest.raises(ValueError, match="current"):
        simulate_numpy("RS", [10.0, current], duration=10.0, dt=0.1, method="rk4")


@pytest.mark.parametrize("method", ["euler", "izhikevich2004", "izhikevich2003", "rk4_grid"])
@pytest.mark.parametrize("dt", [0.1, 0.5])
def test_interpolated_spike_times_equal_numpy(method, dt):
    model, current = random_population(3, 300)
    with warnings.catch_warnings():     # (at dt 0.5 some fire every 2-3 steps: warned)
        warnings.simplefilter("ignore", izhic.AccuracyWarning)
        ref = core_equals_numpy(model, current, 200.0, dt, method, spike_time="interpolate")
    grid = simulate_numpy(model, current, 200.0, dt, method)
    assert_array_equal(ref.spike_times.offsets, grid.spike_times.offsets)
    late = grid.spike_times.times - ref.spike_times.times
    assert (late >= 0).all() and (late <= dt).all() and late.max() > 0
