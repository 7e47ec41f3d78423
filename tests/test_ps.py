"""Method "ps" (Parker-Sochacki: Taylor series of adaptive order and sub-step,
each crossing the root of the series; izhic._core._ps_spiking_step, _ps_lanes
and _ps_redo) against its oracle, the exact hybrid solution (solve_ivp DOP853
with restarts at spikes, switches and input edges).

The claims (README, "Method ps"): on every model form, and on random 2003
parameter sets, at dt = 0.25 (and at dt = 1, which only sets the input's grid
for ps), every spike within 1e-8 ms of the exact solution and every count
exact, wherever the exact solution is itself well-conditioned (its runs at
rtol = 1e-12 and 1e-13 agree within 1e-9 ms).
"""
import contextlib
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import _core, inputs
from izhic.reference import simulate_numpy, simulate_solve_ivp

from helpers import assert_same
from test_accuracy import CURRENTS, DATA, PRESETS
from test_forms import FORMS, form

BOUND = 1e-8      # ms


def worst(res, exact):
    """The largest spike-time error (ms); the counts must agree."""
    assert_array_equal(res.spike_times.counts(), exact.spike_times.counts())
    return float(np.abs(res.spike_times.times - exact.spike_times.times).max(initial=0.0))


# ---------------------------------------------------------------- accuracy

def test_the_2003_presets_against_the_stored_exact_solution():
    # tests/data/exact_2003.npz: 7 presets x 10 currents, 1000 ms (test_accuracy.py)
    with np.load(DATA) as data:
        times, offsets, well = data["times"], data["offsets"], data["well_conditioned"]
    for p, preset in enumerate(PRESETS):
        for dt in (0.25, 1.0):
            res = izhic.simulate(preset, np.asarray(CURRENTS), 1000.0, dt=dt, method="ps",
                                 v0=-65.0)
            for c in range(len(CURRENTS)):
                k = p * len(CURRENTS) + c
                if not well[k]:
                    continue
                ref = times[offsets[k]:offsets[k + 1]]
                got = res.spike_times[c]
                assert got.size == ref.size, (preset, CURRENTS[c], dt)
                assert np.abs(got - ref).max(initial=0.0) < BOUND, (preset, CURRENTS[c], dt)


@pytest.mark.parametrize("name", list(FORMS))
def test_every_form_against_the_exact_solution(name):
    model, current, kw = form(name)
    cur = [0.5 * current, current, 2.0 * current]
    exact = simulate_solve_ivp(model, cur, 300.0, **kw)
    assert exact.spike_times.n_spikes > 0
    for dt in (0.25, 1.0):
        # (FS: its exact solution at rtol 1e-12 and 1e-13 differ by 1.1e-9 ms)
        assert worst(izhic.simulate(model, cur, 300.0, dt=dt, method="ps", **kw), exact) < BOUND


@pytest.mark.slow
def test_random_2003_parameter_sets():
    # the ranges: a 0.01-0.1, b 0.15-0.3, c -70..-45, d 0.05-8, I 0-30
    rng = np.random.default_rng(2026)
    n = 24
    model = izhic.Izhikevich2003(a=rng.uniform(0.01, 0.1, n), b=rng.uniform(0.15, 0.3, n),
                                 c=rng.uniform(-70.0, -45.0, n), d=rng.uniform(0.05, 8.0, n))
    current = rng.uniform(0.0, 30.0, n)
    e12 = simulate_solve_ivp(model, current, 1000.0).spike_times
    e13 = simulate_solve_ivp(model, current, 1000.0, rtol=1e-13, atol=1e-13).spike_times
    well = [i for i in range(n) if len(e12[i]) == len(e13[i])
            and np.abs(e12[i] - e13[i]).max(initial=0.0) < 1e-9]
    assert len(well) >= n - 3           # (chaotic bursters are the exceptions)
    assert sum(len(e13[i]) for i in well) > 2000
    for dt in (0.25, 1.0):
        res = izhic.simulate(model, current, 1000.0, dt=dt, method="ps").spike_times
        for i in well:
            assert len(res[i]) == len(e13[i]), (i, dt)
            assert np.abs(res[i] - e13[i]).max(initial=0.0) < BOUND, (i, dt)


@pytest.mark.slow
@pytest.mark.parametrize("key", ["TC_burst", "RTN_burst", "FS", "LTS", "CH"])
def test_2007_cells_under_their_protocols(key):
    # step input (split at its edges), the b switch of TC and RTN in burst mode,
    # FS's cubic term and LTS's moving peak and u cap: each located exactly
    from izhic.protocols import PROTOCOLS_2007
    p = PROTOCOLS_2007[key]
    model = izhic.PRESETS_2007[p.cell]
    stim = p.waveform(p.amplitudes[-1])
    exact = simulate_solve_ivp(model, stim, float(p.duration))
    assert exact.spike_times.n_spikes > 0
    res = izhic.simulate(model, stim, float(p.duration), dt=0.25, method="ps")
    assert worst(res, exact) < BOUND


def test_pulses_with_edges_inside_the_steps_are_exact():
    pulses = 4.0 + inputs.pulses([50.03, 170.07, 333.33, 610.011], 60.0, 8.0)
    exact = simulate_solve_ivp("RS", pulses, 700.0)
    assert exact.spike_times.n_spikes > 5
    for dt in (0.25, 0.1):
        assert worst(izhic.simulate("RS", pulses, 700.0, dt=dt, method="ps"), exact) < BOUND


def test_a_sine_is_seen_as_rk4_sees_it():
    # ps integrates the input as rk4 samples it: a quadratic through the step's
    # start, middle and end, so a smooth waveform is not exact; measured on RS
    # over 500 ms, 8.4e-7 ms at dt = 0.25 and 5.7e-8 at 0.125 (order 3.9)
    sine = 10.0 + inputs.function(lambda t: 5.0 * np.sin(2 * np.pi * t / 50.0), "20 Hz sine",
                                  edges=[])
    exact = simulate_solve_ivp("RS", sine, 500.0)
    err = [worst(izhic.simulate("RS", sine, 500.0, dt=dt, method="ps"), exact)
           for dt in (0.25, 0.125)]
    assert err[0] < 1e-5
    assert np.log2(err[0] / err[1]) > 3.0


# ---------------------------------------------------------------- semantics

@contextlib.contextmanager
def alone():
    """Every lane through _ps_spiking_step alone (the vector paths off)."""
    old = _core.ps_vector(False)
    try:
        yield
    finally:
        _core.ps_vector(old)


def both_paths(*args, **kw):
    """simulate(*args, **kw) by the vector paths and lane by lane: the same bits."""
    together = izhic.simulate(*args, **kw)
    with alone():
        by_one = izhic.simulate(*args, **kw)
    assert_same(together, by_one)
    return together


SINE = inputs.function(lambda t: 3.0 * np.sin(2 * np.pi * t / 50.0), "20 Hz sine", edges=[])


def test_the_switch_of_the_vector_paths():
    assert _core.ps_vector() is True
    with alone():
        assert _core.ps_vector() is False
    assert _core.ps_vector() is True
    with pytest.raises(TypeError, match="on must be a bool"):
        _core.ps_vector(1)


def test_the_vector_path_and_the_scalar_path_give_the_same_bits():
    # a held constant goes through _ps_lanes (all lanes at once), the lanes it
    # leaves through _ps_redo; with the vector paths off, every lane through
    # _ps_spiking_step alone: the same bits. The same constant as a waveform
    # (a quadratic over each step, zero slope) also gives them.
    current = np.linspace(0.0, 25.0, 300)
    held = both_paths("RS", current, 300.0, dt=0.25, method="ps")
    same = 0.0 + inputs.step(0.0, 1.0)           # 1 from t = 0 on: a waveform
    wave = both_paths("RS", current - 1.0 + same, 300.0, dt=0.25, method="ps")
    assert held.spike_times.n_spikes > 1000
    assert_array_equal(held.spike_times.offsets, wave.spike_times.offsets)
    assert_array_equal(held.spike_times.times, wave.spike_times.times)


def _as_waveform(current):
    """``current`` (exactly) as a waveform."""
    same = 0.0 + inputs.step(0.0, 1.0)
    assert np.all(current - 1.0 + 1.0 == current)
    return current - 1.0 + same


@pytest.mark.parametrize("name", list(FORMS))
def test_lanes_side_by_side_and_alone_give_the_same_bits_on_every_form(name):
    # held input: _ps_lanes, then the lanes it leaves (spikes, sub-steps too
    # long for the series) side by side in _ps_redo; dt = 1 shortens most
    # upstroke sub-steps. Against _ps_spiking_step, lane by lane; held, as a
    # waveform, a sine (the input's terms of orders 1 and 2) and pulses with
    # edges inside steps (those steps split: lane by lane either way).
    model, current, kw = form(name)
    cur = current * np.arange(8, 33) / 16.0
    pulses = inputs.pulses([50.03, 170.07], 60.0, 8.0)
    for dt in (0.25, 1.0):
        held = both_paths(model, cur, 300.0, dt=dt, method="ps", **kw)
        wave = both_paths(model, _as_waveform(cur), 300.0, dt=dt, method="ps", **kw)
        assert held.spike_times.n_spikes > 25
        assert_same(held, wave)
        sine = both_paths(model, cur + SINE, 300.0, dt=dt, method="ps", **kw)
        assert sine.spike_times.n_spikes > 25
        assert not np.array_equal(sine.spike_times.times, held.spike_times.times)
        both_paths(model, cur + pulses, 300.0, dt=dt, method="ps", **kw)


def test_lanes_with_their_own_parameters_give_the_same_bits():
    rng = np.random.default_rng(5)
    n = 150
    model = izhic.Izhikevich2003(a=rng.uniform(0.01, 0.1, n), b=rng.uniform(0.15, 0.3, n),
                                 c=rng.uniform(-70.0, -45.0, n), d=rng.uniform(0.05, 8.0, n))
    cur = np.round(rng.uniform(1.0, 30.0, n) * 64.0) / 64.0
    for dt in (0.25, 1.0):
        held = both_paths(model, cur, 300.0, dt=dt, method="ps")
        wave = both_paths(model, _as_waveform(cur), 300.0, dt=dt, method="ps")
        assert held.spike_times.n_spikes > 5000
        assert_same(held, wave)
        both_paths(model, cur + SINE, 300.0, dt=dt, method="ps")


@pytest.mark.parametrize("kind", ["current", "voltage"])
def test_networks_with_a_waveform_give_the_same_bits_both_ways(kind):
    rng = np.random.default_rng(6)
    n, m = 120, 1500
    syn = izhic.Synapses(rng.integers(0, n, m), rng.integers(0, n, m), rng.uniform(-2.0, 4.0, m),
                         delay=rng.integers(1, 5, m) * 0.25, kind=kind)
    res = both_paths("RS", rng.uniform(1.0, 20.0, n) + SINE, 200.0, dt=0.25, method="ps",
                     synapses=syn)
    assert res.spike_times.n_spikes > 500


def test_a_neuron_does_not_depend_on_its_block_or_the_threads():
    model = izhic.Izhikevich2003(a=np.linspace(0.02, 0.1, 130), b=0.2, c=-60.0, d=4.0)
    current = np.linspace(0.0, 30.0, 130)
    one = izhic.simulate(model, current, 200.0, dt=0.25, method="ps", n_threads=1)
    two = izhic.simulate(model, current, 200.0, dt=0.25, method="ps", n_threads=2)
    assert_same(one, two)
    for i in (0, 64, 129):
        alone = izhic.simulate(model.take(i), current[i], 200.0, dt=0.25, method="ps")
        assert_array_equal(alone.spike_times[0], one.spike_times[i])
        assert alone.v_final[0] == one.v_final[i] and alone.u_final[0] == one.u_final[i]


def test_a_state_above_the_peak_spikes_at_the_start():
    res = izhic.simulate("RS", 0.0, 10.0, dt=0.25, method="ps", v0=35.0)
    assert res.spike_times[0][0] == 0.0


def test_traces_and_spike_times():
    res = izhic.simulate("RS", 10.0, 100.0, dt=0.25, method="ps", record=("v", "u"))
    assert res.method == "ps"
    t = res.spike_times[0]
    assert t.size and not np.allclose(t / 0.25, np.round(t / 0.25))  # inside the steps
    k = np.round(np.ceil(t / 0.25)).astype(int)                       # their samples
    assert_array_equal(res.v[0, k], 30.0)                             # v_at_spike="peak"
    assert np.isfinite(res.v).all() and (res.v <= 30.0).all()


def test_chained_runs_equal_one_run():
    full = izhic.simulate("RS", [5.0, 10.0, 20.0], 200.0, dt=0.25, method="ps")
    first = izhic.simulate("RS", [5.0, 10.0, 20.0], 120.0, dt=0.25, method="ps")
    rest = izhic.simulate("RS", [5.0, 10.0, 20.0], 80.0, dt=0.25, method="ps",
                          state=first.state)
    for i in range(3):
        assert_array_equal(np.concatenate([first.spike_times[i], rest.spike_times[i]]),
                           full.spike_times[i])


def test_a_network_with_exponential_synapses_is_integrated_exactly(tmp_path):
    # the arrivals are on the step grid (as for every method); between them the
    # synaptic current s exp(-t/tau) enters the series exactly, so B's spikes
    # match the exact solution driven by izhic's own arrivals
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "network_convergence.py"
    spec = importlib.util.spec_from_file_location("network_convergence_ps", path)
    conv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conv)
    for dt in (0.25, 0.1):
        ta, tb = conv.run_pair("exponential", 20.0, "ps", dt, 300.0)
        exact_b = conv.exact_target(conv.grid_arrivals(ta, dt, conv.PAIR["delay"]),
                                    "exponential", 20.0, 300.0)
        assert len(tb) == len(exact_b) > 3
        assert np.abs(tb - exact_b).max() < 1e-7


# ---------------------------------------------------------------- refusals

def test_no_numpy_port_and_no_grid_spike_times():
    with pytest.raises(ValueError, match=r"^method: 'ps' has no NumPy port"):
        simulate_numpy("RS", 10.0, 10.0, 0.1, "ps")
    with pytest.raises(ValueError, match=r"^spike_time: 'interpolate' does not apply to "
                                         r"method 'ps'"):
        izhic.simulate("RS", 10.0, 10.0, 0.1, "ps", spike_time="interpolate")


def test_no_step_is_too_coarse_for_ps():
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # no AccuracyWarning, no refusal
        res = izhic.simulate("RS", 10.0, 1000.0, dt=5.0, method="ps")
    exact = simulate_solve_ivp("RS", 10.0, 1000.0)
    assert worst(res, exact) < BOUND


def test_white_noise_is_a_current_held_over_each_step():
    # the noise of neuron 0 in step k is (sigma / sqrt(dt)) N(seed, 0, k), held
    # over the step: the exact solution of that piecewise-constant current is
    # ps's oracle (solve_ivp restarts at every step's edge)
    from izhic.reference import normal_noise
    dt, sigma, duration, seed = 0.25, 3.0, 150.0, 7
    res = izhic.simulate("RS", 8.0, duration, dt=dt, method="ps", noise=sigma, seed=seed)
    n = round(duration / dt)
    noise = [sigma / np.sqrt(dt) * normal_noise(seed, 0, k) for k in range(n)]
    exact = simulate_solve_ivp("RS", 8.0 + inputs.sampled(noise, dt), duration)
    assert exact.spike_times.n_spikes > 2
    assert worst(res, exact) < BOUND


@pytest.mark.parametrize("rule", ["additive", "izhikevich2006"])
@pytest.mark.parametrize("kind, tau", [("current", None), ("voltage", None),
                                       ("exponential", 5.0)])
def test_plasticity_and_every_synapse_kind_run_with_ps(rule, kind, tau):
    # the network and its rule are the same for every method (arrivals and
    # plasticity on the step grid); ps only integrates the neurons between
    # them. Its oracle for the neurons is above (the exponential pair); here:
    # independent of the thread count, weights that move, spikes like rk4's
    rng = np.random.default_rng(11)
    n, dt = 40, 0.25
    pre, post = rng.integers(0, n, 600), rng.integers(0, n, 600)
    scale = 3.0 if kind == "voltage" else 6.0
    syn = izhic.Synapses(pre, post, np.where(pre < 32, 1.0, -2.0) * rng.random(600) * scale,
                         dt * rng.integers(1, 9, 600), kind=kind, tau=tau, n_neurons=n)
    stdp = (izhic.STDP.additive(a_plus=0.1, a_minus=0.12, w_max=8.0, plastic=syn.pre < 32)
            if rule == "additive" else
            izhic.STDP.izhikevich2006(update_interval=20.0, w_max=8.0, plastic=syn.pre < 32))
    kw = dict(synapses=syn, plasticity=stdp)
    current = np.linspace(4.0, 12.0, n)
    one, two = (izhic.simulate("RS", current, 150.0, dt, "ps", n_threads=t, **kw)
                for t in (1, 2))
    assert one.spike_times.n_spikes > 100
    assert_same(one, two)
    assert_array_equal(one.weights, two.weights)
    assert np.sum(one.weights != syn.weight) > 50
    rk4 = izhic.simulate("RS", current, 150.0, dt, "rk4", **kw)
    assert abs(rk4.spike_times.n_spikes - one.spike_times.n_spikes) <= \
        0.05 * one.spike_times.n_spikes


# ---------------------------------------------------------------- the other functions

@pytest.mark.parametrize("name", list(FORMS))
def test_fi_curve_and_rheobase_with_ps(name):
    # every function that runs simulate gives simulate's meaning with ps too
    from izhic import fi_curve, rheobase
    model, current, kw = form(name)
    currents = np.array([0.0, 0.5 * current, current, 2.0 * current])
    fi = fi_curve(model, currents, duration=300.0, discard=5.0, method="ps", **kw)
    res = izhic.simulate(model, currents, 300.0, method="ps", **kw)
    assert fi.method == res.method == "ps"
    assert_array_equal(fi.counts, res.spike_counts(5.0, 300.0))
    assert fi.counts[-1] > 0
    tol = 1e-2 * current
    i_rh = rheobase(model, duration=300.0, tol=tol, low=-0.5 * current, method="ps", **kw)
    at = izhic.simulate(model, [i_rh, i_rh - tol], 300.0, method="ps", **kw).spike_counts()
    assert at[0] >= 1 and at[1] == 0


@pytest.mark.parametrize("method", ["rk4", "ps"])
def test_rheobase_of_the_2007_lts_cell_probes_past_endless_spiking(method):
    # the search's first probes reach 1000 pA and more, where the LTS cell's
    # reset c + c_u u lies above its peak v_peak + peak_u u once u nears its
    # cap of 670: the exact solution spikes without end and a run there is
    # refused; such a probe counts as firing (it used to end the search)
    from izhic import rheobase
    model = izhic.PRESETS_2007["LTS"]
    with pytest.raises(ValueError, match="crossed v_peak more than"):
        izhic.simulate(model, 2000.0, 300.0, 0.1, method)
    i_rh = rheobase(model, duration=300.0, tol=1.0, low=-100.0, method=method)
    at = izhic.simulate(model, [i_rh, i_rh - 1.0], 300.0, 0.1, method).spike_counts()
    assert at[0] >= 1 and at[1] == 0


def test_sweep_with_ps():
    out = izhic.sweep("RS", {"a": [0.02, 0.1], "d": [2.0, 8.0]}, 300.0, 0.25, "ps",
                      current=10.0)
    for a in (0.02, 0.1):
        for d in (2.0, 8.0):
            one = izhic.simulate(izhic.Izhikevich2003(a=a, b=0.2, c=-65.0, d=d), 10.0, 300.0,
                                 0.25, "ps")
            assert int(out["count"].sel(a=a, d=d)) == one.spike_counts()[0]
