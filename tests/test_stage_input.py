"""Method "rk4" sees the input as the function it is: waveforms at the RK
stage times, each step split at the input's edges, the form's switches
located like spikes (izhic.inputs.Stimulus.sample_stages, the core's
_stage_currents / _rk4_spiking_step). Against the NumPy oracle bit for bit,
and against the exact hybrid solution (solve_ivp with the continuous input in
the right-hand side, restarts at spikes, switches and edges)."""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import inputs
from izhic.reference import simulate_numpy, simulate_solve_ivp

SINE = 10.0 + inputs.function(lambda t: 5.0 * np.sin(2 * np.pi * t / 50.0), "20 Hz sine",
                              edges=[])
#: pulses whose edges fall inside the steps of dt = 0.2, 0.1, 0.05 and 0.025
PULSES = 4.0 + inputs.pulses([50.03, 170.07, 333.33, 610.011], 60.0, 8.0)


def _same(res, ref):
    assert_array_equal(res.spike_times.offsets, ref.spike_times.offsets)
    assert_array_equal(res.spike_times.times, ref.spike_times.times)
    assert_array_equal(res.state.v, ref.v_final)
    assert_array_equal(res.state.u, ref.u_final)


# ---------------------------------------------------------------------------
# the stage values and the pieces
# ---------------------------------------------------------------------------

def test_stage_values_and_pieces_of_a_pulse():
    stim = 0.0 + inputs.pulse(0.25, 0.3, 2.0)
    st = stim.sample_stages(4, 0.1)
    # step 2 = [0.2, 0.3]: the pulse starts inside it; it ends on the boundary 0.3
    assert_array_equal(st["wave"][:, 0], [0.0, 0.0, 0.0, 0.0])
    assert_array_equal(st["wave"][2], [0.0, 2.0, 2.0])        # t_k, mid, left limit at 0.3
    assert_array_equal(st["split"], [0, 0, 0, 2, 2])
    np.testing.assert_allclose(st["piece_start"], [0.0, 0.05], atol=1e-15)
    np.testing.assert_allclose(st["piece_length"], [0.05, 0.05], atol=1e-15)
    assert_array_equal(st["piece_wave"], [[0.0, 0.0, 0.0], [2.0, 2.0, 2.0]])


def test_left_limits_of_the_builtin_waveforms():
    t = np.array([10.0, 15.0, 20.0])
    w = inputs.pulse(10.0, 20.0, 3.0) + inputs.step(15.0, 1.0)
    assert_array_equal(w.values(t), [3.0, 4.0, 1.0])
    assert_array_equal(w.values_left(t), [0.0, 3.0, 4.0])
    s = inputs.sampled([1.0, 2.0, 3.0], 1.0, t_start=1.0)
    assert_array_equal(s.values([1.0, 2.0, 2.5]), [1.0, 2.0, 2.0])
    assert_array_equal(s.values_left([1.0, 2.0, 2.5]), [0.0, 1.0, 2.0])
    # a function with declared edges: its one-sided limits there, its values elsewhere
    strict = inputs.function(lambda t: np.where(t > 10, 14.0, 0.0), edges=[10])
    assert_array_equal(strict.values([10.0, 12.0]), [0.0, 14.0])
    assert_array_equal(strict.values_right([10.0, 12.0]), [14.0, 14.0])
    assert_array_equal(strict.values_left([10.0, 12.0]), [0.0, 14.0])
    assert_array_equal((0.0 + strict).sample_stages(3, 5.0)["wave"],
                       [[0, 0, 0], [0, 0, 0], [14, 14, 14]])
    # away from edges the left limit is the value (no shifted evaluation)
    sine = inputs.function(np.sin, edges=[])
    assert_array_equal(sine.values_left([123.4]), np.sin([123.4]))


def test_too_many_edges_in_one_step_is_refused():
    fine = inputs.sampled(np.arange(1000.0) % 7, 0.001)
    with pytest.raises(ValueError, match="^current: 99 edges of the input fall inside the step"):
        izhic.simulate("RS", fine, 1.0, dt=0.1, method="rk4")
    # the grid methods hold the input over the step: nothing to split
    izhic.simulate("RS", fine, 1.0, dt=0.1, method="rk4_grid")


def test_grid_methods_still_hold_the_input_of_t_k():
    # rk4_grid (and the Euler family) reproduce the published code: I(t_k) held
    held = izhic.simulate("RS", SINE, 200.0, dt=0.1, method="rk4_grid")
    t = np.arange(2000) * 0.1
    again = izhic.simulate("RS", 10.0 + inputs.sampled(SINE.shared.values(t), 0.1), 200.0,
                           dt=0.1, method="rk4_grid")
    assert_array_equal(held.spike_times.times, again.spike_times.times)


# ---------------------------------------------------------------------------
# the core equals the NumPy oracle, bit for bit
# ---------------------------------------------------------------------------

RNG = np.random.default_rng(11)
CASES = {
    "sine": ("RS", SINE, {}),
    "pulses, 3 neurons": ("CH", np.array([3.0, 5.0, 9.0]) + PULSES, {}),
    "own, zero-order hold off the grid": (
        "RS", inputs.sampled(RNG.uniform(0, 20, (3, 3000)), 0.07), {}),
    "own, interpolated, with noise": (
        "RS", 2.0 + inputs.sampled(RNG.uniform(0, 20, (3, 300)), 0.7, interpolate=True),
        dict(noise=2.0, seed=3)),
    "2007 TC (switch of b)": (izhic.PRESETS_2007["TC"], inputs.step(50.0, 100.0) - 20.0,
                              dict(n_neurons=2)),
    "2007 FS (cubic), pulse": (izhic.PRESETS_2007["FS"],
                               150.0 + inputs.pulse(20.03, 80.0, 100.0), dict(n_neurons=2)),
    "2007 RTN": (izhic.PRESETS_2007["RTN"], inputs.step(50.0, 150.0) - 40.0, {}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_core_equals_the_oracle(name):
    model, current, kw = CASES[name]
    duration = 200.0 if isinstance(model, str) else 300.0
    res = izhic.simulate(model, current, duration, dt=0.1, method="rk4", **kw)
    assert res.spike_times.counts().sum() > 0
    _same(res, simulate_numpy(model, current, duration, dt=0.1, method="rk4", **kw))


@pytest.mark.parametrize("kind, tau", [("current", None), ("voltage", None),
                                       ("exponential", 5.0)])
def test_network_with_waveforms_equals_the_oracle(kind, tau):
    rng = np.random.default_rng(4)
    n, dt = 30, 0.5
    pre, post = rng.integers(0, n, 400), rng.integers(0, n, 400)
    w = (3.0 if kind == "voltage" else 6.0) * np.where(pre < 24, 1.0, -2.0) * rng.random(400)
    syn = izhic.Synapses(pre, post, w, dt * rng.integers(1, 8, 400), kind=kind, tau=tau,
                         n_neurons=n)
    current = (4.0 + 6.0 * rng.random(n) + inputs.pulses([20.13, 60.37], 15.0, 6.0)
               + inputs.function(lambda t: 2.0 * np.sin(t / 7.0), edges=[]))
    kw = dict(synapses=syn, noise=2.0, noise_kind="per_step", seed=7)
    res = izhic.simulate("RS", current, 100.0, dt, "rk4", **kw)
    assert res.spike_times.counts().sum() > 50
    _same(res, simulate_numpy("RS", current, 100.0, dt, "rk4", **kw))


def test_chained_runs_equal_one_run():
    one = izhic.simulate("FS", PULSES, 400.0, dt=0.1, method="rk4")
    first = izhic.simulate("FS", PULSES, 170.0, dt=0.1, method="rk4")
    rest = izhic.simulate("FS", PULSES, 230.0, dt=0.1, method="rk4", state=first.state)
    assert_array_equal(one.spike_times[0],
                       np.concatenate([first.spike_times[0], rest.spike_times[0]]))


# ---------------------------------------------------------------------------
# against the exact hybrid solution
# ---------------------------------------------------------------------------

def _errors(model, current, dts, duration=1000.0, **kw):
    exact = simulate_solve_ivp(model, current, duration, **kw).spike_times
    out = []
    for dt in dts:
        res = izhic.simulate(model, current, duration, dt=dt, method="rk4", **kw).spike_times
        assert_array_equal(res.counts(), exact.counts())
        out.append(max(float(np.abs(res[i] - exact[i]).max(initial=0.0))
                       for i in range(len(exact))))
    return np.array(out)


#: measured (README, "Accuracy"): the worst spike error at dt = 0.1 (ms) and the
#: order between dt = 0.2 and 0.05, with a margin; 1e-3 ms holds for RS and FS,
#: not for CH (its reset at -50 mV keeps it near threshold: 1.95e-3 and 2.73e-3)
BOUNDS_2003 = {("RS", "sine"): (1e-3, 3.5), ("FS", "sine"): (1e-3, 3.5),
               ("CH", "sine"): (4e-3, 3.5), ("RS", "pulses"): (1e-3, 3.5),
               ("FS", "pulses"): (1e-3, 2.8), ("CH", "pulses"): (3e-3, 2.8)}


@pytest.mark.slow
@pytest.mark.parametrize("preset, stimulus", list(BOUNDS_2003))
def test_time_varying_input_is_accurate(preset, stimulus):
    err = _errors(preset, SINE if stimulus == "sine" else PULSES, (0.2, 0.1, 0.05))
    bound, order = BOUNDS_2003[preset, stimulus]
    assert err[1] < bound                          # every spike, dt = 0.1
    assert np.log2(err[0] / err[2]) / 2 >= order   # between dt 0.2 and 0.05


@pytest.mark.slow
@pytest.mark.parametrize("key", ["RS", "IB", "CH", "LTS", "FS", "RTN", "TC", "TC_burst",
                                 "RTN_burst"])
def test_2007_cells_under_their_protocols(key):
    # the switch of b (TC, RTN: at v = -65) and FS's cubic term are located
    from izhic.protocols import PROTOCOLS_2007
    p = PROTOCOLS_2007[key]
    model = izhic.PRESETS_2007[p.cell]
    amp = p.amplitudes[-1]
    err = _errors(model, p.waveform(amp), (0.1, 0.05), duration=float(p.duration))
    assert err[0] < 0.01                           # every spike within 0.01 ms at dt = 0.1
    if key.endswith("_burst"):
        # before: 0.017-0.11 ms at dt 0.1 (the switch stepped across, first order)
        assert err[0] < 1e-4
