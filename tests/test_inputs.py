"""Time-varying input (izhic.inputs): the core against its oracles, and the timing rules.

* Every method equals ``simulate_numpy`` bit for bit with shared waveforms,
  per-neuron offsets and per-neuron sampled waveforms, for the kernel's block
  edges and thread counts.
* Timing: the current of step k is the stimulus at ``t_k = k dt``, held over
  the step. Checked at the edges (a pulse one step long, a pulse starting
  between samples, ``step`` inclusive, a strict ``function``), against runs
  split into constant-current pieces (independent of ``Stimulus.sample``), and
  against a plain-Python transcription of Izhikevich's 2004 figure code.
* The algebra of waveforms, their reprs and every error message.
"""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from izhic.reference import NUMPY_METHODS
from izhic import inputs

from helpers import assert_same, core_equals_numpy, random_population as _population


def random_population(seed, n):
    return _population(seed, n, (-5.0, 20.0))

#: the methods with a NumPy port (ps: tests/test_ps.py, against the exact solution)
METHODS = NUMPY_METHODS
#: the methods that hold the input of t_k over the step (rk4 sees the function)
HELD = tuple(m for m in METHODS if m != "rk4")


SHARED = {
    "step": inputs.step(20.0, 8.0),
    "pulse": inputs.pulse(10.0, 45.25, 12.0),
    "ramp": inputs.ramp(5.0, 0.4, t_off=55.0),
    "pulses": inputs.pulses([10.0, 30.1, 50.25], 5.0, 20.0),
    "function": inputs.function(lambda t: 5.0 + 6.0 * np.sin(t / 7.0)),
    "combined": 2 * inputs.pulse(10.0, 30.0, 4.0) - inputs.ramp(20.0, 0.2) + inputs.step(40, 9),
}


def _model_and_offsets(n, seed):
    if n == 1:  # scalar parameters: the single-neuron path of the kernel
        return "RS", 3.0
    return random_population(seed, n)


# ---------------------------------------------------------------- core == reference

@pytest.mark.parametrize("n", [1, 9, 300])
@pytest.mark.parametrize("wave", list(SHARED))
@pytest.mark.parametrize("method", METHODS)
def test_shared_waveform_equals_numpy(method, wave, n):
    model, offsets = _model_and_offsets(n, seed=n)
    current = offsets + SHARED[wave]
    ref = core_equals_numpy(model, current, duration=60.0, dt=0.25, method=method)
    assert ref.spike_times.n_spikes > 0


@pytest.mark.parametrize("method", METHODS)
def test_waveform_alone_equals_numpy(method):
    # current= a bare Waveform (no offsets), shared parameters, 300 neurons
    wave = SHARED["pulses"] + SHARED["ramp"]
    v0 = np.linspace(-75.0, -50.0, 300)
    ref = core_equals_numpy("RS", wave, duration=60.0, dt=0.25, method=method, v0=v0)
    assert ref.spike_times.n_spikes > 0


@pytest.mark.parametrize("interpolate", [False, True], ids=["hold", "interpolate"])
@pytest.mark.parametrize("n", [1, 9, 300])
@pytest.mark.parametrize("method", METHODS)
def test_per_neuron_sampled_equals_numpy(method, n, interpolate):
    rng = np.random.default_rng(100 + n)
    model, offsets = random_population(100 + n, n)
    # samples every 0.7 ms (not a multiple of dt), starting at 3 ms, ending before the run
    own = inputs.sampled(rng.uniform(-5.0, 25.0, (n, 70)), 0.7, t_start=3.0,
                         interpolate=interpolate)
    current = offsets + own + inputs.pulse(20.0, 30.0, 5.0)
    ref = core_equals_numpy(model, current, duration=60.0, dt=0.25, method=method)
    assert ref.spike_times.n_spikes > 0


@pytest.mark.parametrize("method", METHODS)
def test_pieces_of_constant_current_equal_one_run(method):
    # Independent of Stimulus.sample: a pulse run equals three runs with a
    # constant current, each continued from the last state.
    dt, a, t_on, t_off, duration = 0.25, 15.0, 10.0, 30.0, 60.0
    current = np.linspace(-2.0, 6.0, 9)
    whole = izhic.simulate("RS", current + inputs.pulse(t_on, t_off, a), duration=duration,
                           dt=dt, method=method)
    assert whole.spike_times.n_spikes > 0
    v, u, trains = -65.0, None, [[] for _ in current]
    for t0, t1, amp in ((0.0, t_on, 0.0), (t_on, t_off, a), (t_off, duration, 0.0)):
        part = izhic.simulate("RS", current + amp, duration=t1 - t0, dt=dt, method=method,
                              v0=v, u0=u)
        v, u = part.v_final, part.u_final
        for i in range(current.size):
            trains[i].extend(part.spike_times[i] + t0)
    assert_array_equal(whole.v_final, v)
    assert_array_equal(whole.u_final, u)
    for i in range(current.size):
        # rk4: t0 + s versus (k dt) + s, equal to rounding
        assert_allclose(whole.spike_times[i], trains[i], rtol=0, atol=1e-12)


# ---------------------------------------------------------------- timing at the edges

DT = 0.25


def _trace(current, method="euler", duration=20.0):
    """v and u of RS from rest, recorded every step."""
    res = izhic.simulate("RS", current, duration=duration, dt=DT, method=method,
                         v0=-70.0, record=("v", "u"), record_dt=DT)
    return res


def _one_hot(steps, amplitude, duration=20.0):
    """A sampled waveform that is ``amplitude`` on exactly the given steps."""
    values = np.zeros(round(duration / DT))
    values[list(steps)] = amplitude
    return inputs.sampled(values, DT)


def _first_change(res, base, name="v"):
    """Time of the first sample where ``res`` and ``base`` differ."""
    diff = np.flatnonzero(getattr(res, name)[0] != getattr(base, name)[0])
    return res.t[diff[0]] if diff.size else None


def test_pulse_of_one_step_starting_on_a_sample():
    base = _trace(0.0)
    res = _trace(inputs.pulse(10.0, 10.25, 3.0))
    # the step from 10.0 to 10.25 (k = 40) sees it: v changes from the sample at 10.25 on
    assert _first_change(res, base, "v") == 10.25
    assert_allclose(res.v[0, 41] - base.v[0, 41], DT * 3.0, rtol=0, atol=1e-12)
    # euler: u of a step uses the old v, so u changes one sample later
    assert _first_change(res, base, "u") == 10.5
    # and it is exactly the one-step sampled waveform, for every method
    for method in METHODS:
        assert_same(_trace(inputs.pulse(10.0, 10.25, 3.0), method),
                    _trace(_one_hot([40], 3.0), method))


def test_pulse_starting_between_samples_starts_at_the_next_step():
    base = _trace(0.0)
    res = _trace(inputs.pulse(10.1, 10.6, 3.0))
    # on at t_k = 10.25 and 10.5 (k = 41, 42), not at 10.0 nor 10.75
    assert _first_change(res, base, "v") == 10.5
    for method in HELD:
        assert_same(_trace(inputs.pulse(10.1, 10.6, 3.0), method),
                    _trace(_one_hot([41, 42], 3.0), method))
    # rk4 splits the steps at the edges: the pulse acts from 10.1 to 10.6 exactly
    rk4 = _trace(inputs.pulse(10.1, 10.6, 3.0), "rk4")
    assert _first_change(rk4, _trace(0.0, "rk4"), "v") == 10.25
    assert not np.array_equal(rk4.v, _trace(_one_hot([41, 42], 3.0), "rk4").v)


def test_pulse_covers_t_on_to_before_t_off():
    # pulse(10, 15): steps starting at 10.0, ..., 14.75
    for method in METHODS:
        assert_same(_trace(inputs.pulse(10.0, 15.0, 3.0), method),
                    _trace(_one_hot(range(40, 60), 3.0), method))


def test_pulses_and_ramp_on_the_grid():
    for method in HELD:
        assert_same(_trace(inputs.pulses([2.0, 10.1], 0.5, 4.0), method),
                    _trace(_one_hot([8, 9, 41, 42], 4.0), method))
    # rk4: the same where the edges lie on the grid (the pulse at 2.0)
    assert_same(_trace(inputs.pulses([2.0], 0.5, 4.0), "rk4"),
                _trace(_one_hot([8, 9], 4.0), "rk4"))
    t = np.arange(80) * DT
    ramp = np.where((t >= 5.0) & (t < 12.0), 0.5 * (t - 5.0), 0.0)
    assert_same(_trace(inputs.ramp(5.0, 0.5, t_off=12.0)), _trace(inputs.sampled(ramp, DT)))


def test_step_includes_t_on():
    base = _trace(0.0)
    res = _trace(inputs.step(10.0, 3.0))
    assert _first_change(res, base) == 10.25  # the step starting at 10.0 is on
    assert_array_equal(inputs.step(10.0, 3.0).values([9.75, 10.0, 10.25]), [0.0, 3.0, 3.0])
    assert_same(res, _trace(_one_hot(range(40, 80), 3.0)))


def test_function_strict_inequality_excludes_t_on():
    # the 2004 figure code's "I = 14 for t > 10": off at t = 10 exactly
    base = _trace(0.0)
    res = _trace(inputs.function(lambda t: np.where(t > 10, 3.0, 0.0)))
    assert _first_change(res, base) == 10.5  # first on at the step starting at 10.25
    assert_same(res, _trace(_one_hot(range(41, 80), 3.0)))


@pytest.mark.parametrize("method", METHODS)
def test_edges_on_a_sample_with_inexact_dt(method):
    # dt = 0.3: 3 * dt = 0.8999999999999999 and 6 * dt = 1.7999999999999998 land
    # below the decimal edges 0.9 and 1.8; both are still samples (on at k = 3,
    # off at k = 6), as in sampled()
    dt = 0.3
    assert 3 * dt < 0.9 and 6 * dt < 1.8

    def run(current):
        return izhic.simulate("RS", current, duration=6.0, dt=dt, method=method, v0=-70.0)

    def one_hot(steps, amplitude=5.0):
        values = np.zeros(20)
        values[list(steps)] = amplitude
        return inputs.sampled(values, dt)

    assert_same(run(inputs.pulse(0.9, 1.8, 5.0)), run(one_hot([3, 4, 5])))
    assert_same(run(inputs.pulse(0.3, 0.9, 5.0)), run(one_hot([1, 2])))
    assert_same(run(inputs.step(0.9, 5.0)), run(one_hot(range(3, 20))))
    assert_same(run(inputs.pulses([0.9, 3.6], 0.9, 5.0)), run(one_hot([3, 4, 5, 12, 13, 14])))
    ramp = inputs.ramp(0.9, 1.0, t_off=1.8).values(np.arange(8) * dt)
    assert_allclose(ramp, [0, 0, 0, 0, 0.3, 0.6, 0, 0], rtol=0, atol=1e-12)
    assert ramp[6] == 0.0  # off at k = 6


def test_sampled_hold_and_interpolate():
    t = np.array([0.0, 1.999, 2.0, 2.5, 3.0, 3.75, 4.0, 4.5, 100.0])
    hold = inputs.sampled([1.0, 2.0, 3.0], 1.0, t_start=2.0)
    lin = inputs.sampled([1.0, 2.0, 3.0], 1.0, t_start=2.0, interpolate=True)
    # before the first sample: 0; after the last: the last value
    assert_array_equal(hold.values(t), [0, 0, 1, 1, 2, 2, 3, 3, 3])
    assert_allclose(lin.values(t), [0, 0, 1, 1.5, 2, 2.75, 3, 3, 3], rtol=0, atol=1e-15)
    # samples every 0.1 ms read at t_k = k * 0.1 (inexact products): the sample at each t_k
    values = np.arange(50.0)
    assert_array_equal(inputs.sampled(values, 0.1).values(np.arange(50) * 0.1), values)


def test_sampled_per_neuron_hold_and_interpolate():
    values = np.array([[0.0, 10.0, 20.0], [5.0, 5.0, -5.0]])
    for interpolate, expected in ((False, [[0, 0, 10, 10, 20, 20], [5, 5, 5, 5, -5, -5]]),
                                  (True, [[0, 5, 10, 15, 20, 20], [5, 5, 5, 0, -5, -5]])):
        stim = inputs.sampled(values, 1.0, interpolate=interpolate)
        assert isinstance(stim, inputs.Stimulus) and stim.n_own == 2
        wave, own = stim.sample(6, 0.5)
        assert wave is None
        assert own.shape == (6, 2)  # (steps, neurons): what the core reads
        assert_allclose(own.T, expected, rtol=0, atol=1e-15)


def test_per_neuron_sampled_acts_per_neuron():
    # neuron i gets the waveform in row i (and only that)
    values = np.zeros((3, 80))
    values[1, 40:60] = 3.0
    res = izhic.simulate("RS", inputs.sampled(values, DT), duration=20.0, dt=DT,
                         method="euler", v0=-70.0, record="v")
    base = _trace(0.0)
    assert_array_equal(res.v[0], base.v[0])
    assert_array_equal(res.v[2], base.v[0])
    assert res.t[np.flatnonzero(res.v[1] != base.v[0])[0]] == 10.25


# ---------------------------------------------------------------- 2004 figure code

def figure_2004_tonic_spiking():
    """Panel A of Izhikevich's 2004 figure code (izhikevich.org, figure1.m), in plain Python.

    a=0.02; b=0.2; c=-65; d=6; V=-70; u=b*V; tau=0.25; tspan=0:tau:100; T1=tspan(end)/10;
    for t=tspan: I=14 if t>T1 else 0; V=V+tau*(0.04*V^2+5*V+140-u+I); u=u+tau*a*(b*V-u);
    if V>30: spike at t; V=c; u=u+d.
    """
    a, b, c, d = 0.02, 0.2, -65.0, 6.0
    V = -70.0
    u = b * V
    tau = 0.25
    tspan = [k * tau for k in range(401)]  # 0:tau:100, exact in binary
    T1 = tspan[-1] / 10
    spikes = []
    for t in tspan:
        I = 14.0 if t > T1 else 0.0
        V = V + tau * (0.04 * (V * V) + 5 * V + 140 - u + I)  # MATLAB's V^2 is V*V
        u = u + tau * a * (b * V - u)  # with the new V
        if V > 30:
            spikes.append(t)
            V = c
            u = u + d
    return np.array(spikes), V, u


def test_figure_2004_tonic_spiking():
    spikes, V, u = figure_2004_tonic_spiking()
    assert spikes.size == 5  # 13, 17, 31.5, 59.25, 86.75 ms
    res = izhic.simulate({"a": 0.02, "b": 0.2, "c": -65.0, "d": 6.0, "v_peak": 30.0},
                         inputs.function(lambda t: np.where(t > 10, 14.0, 0.0)),
                         duration=100.25,  # tspan = 0:0.25:100 has 401 steps
                         dt=0.25, method="izhikevich2004", v0=-70.0)
    # izhic reports the end of the step (t_k + tau); the figure code records t_k
    assert_array_equal(res.spike_times[0] - 0.25, spikes)
    assert res.v_final[0] == V and res.u_final[0] == u


# ---------------------------------------------------------------- algebra and reprs

W = inputs.pulse(10.0, 20.0, 3.0)
T = np.arange(0.0, 30.0, 0.25)


@pytest.mark.parametrize("combine", [lambda o, w: o + w, lambda o, w: w + o],
                         ids=["offsets+w", "w+offsets"])
def test_offsets_and_waveform_give_a_stimulus(combine):
    offsets = np.array([0.0, 1.0, 2.0])
    stim = combine(offsets, W)
    assert isinstance(stim, inputs.Stimulus)  # not an object array broadcast over offsets
    assert_array_equal(stim.offset, offsets)
    assert stim.shared is W
    assert isinstance(combine([0.0, 1.0, 2.0], W), inputs.Stimulus)
    assert isinstance(combine(1.5, W), inputs.Stimulus)


def test_offsets_either_side_simulate_the_same():
    offsets = np.linspace(0.0, 10.0, 5)
    a = izhic.simulate("RS", offsets + W, duration=50.0, dt=0.25, method="euler")
    b = izhic.simulate("RS", W + offsets, duration=50.0, dt=0.25, method="euler")
    assert a.spike_times.n_spikes > 0
    assert_same(a, b)


def test_waveform_algebra_values():
    w2 = inputs.ramp(5.0, 0.5)
    assert isinstance(W + w2, inputs.Waveform)
    assert_array_equal((W + w2).values(T), W.values(T) + w2.values(T))
    assert_array_equal((2 * W).values(T), 2 * W.values(T))
    assert_array_equal((W * 2).values(T), 2 * W.values(T))
    assert_array_equal((-W).values(T), -W.values(T))
    assert_array_equal((W - w2).values(T), W.values(T) - w2.values(T))
    low = W - 1
    assert isinstance(low, inputs.Stimulus)
    assert low.offset == -1 and low.shared is W
    high = 1 - W
    assert isinstance(high, inputs.Stimulus) and high.offset == 1
    assert_array_equal(high.shared.values(T), -W.values(T))
    assert isinstance(np.ones(3) - W, inputs.Stimulus)
    # a Stimulus plus a waveform adds to its shared part
    stim = (np.ones(3) + W) + w2
    assert isinstance(stim, inputs.Stimulus)
    assert_array_equal(stim.shared.values(T), W.values(T) + w2.values(T))
    assert_array_equal(stim.offset, np.ones(3))
    assert inputs.constant(2.5).values(T).tolist() == [2.5] * T.size


def test_twice_equals_sum_in_a_simulation():
    a = izhic.simulate("RS", 2 * W, duration=40.0, dt=0.25, method="euler")
    b = izhic.simulate("RS", W + W, duration=40.0, dt=0.25, method="euler")
    assert a.spike_times.n_spikes > 0
    assert_same(a, b)


def test_reprs():
    assert repr(W) == "Waveform(pulse 3 in [10, 20) ms)"
    assert repr(2 * W) == "Waveform(2 * (pulse 3 in [10, 20) ms))"
    assert repr(W + inputs.step(5, 1)) == \
        "Waveform(pulse 3 in [10, 20) ms + step to 1 at 5 ms)"
    assert repr(inputs.ramp(5, 0.5)) == "Waveform(ramp 0.5/ms from 5 ms)"
    assert repr(inputs.pulses([1, 2, 3], 0.5, 2)) == "Waveform(3 pulses of 2, 0.5 ms)"
    assert repr(inputs.sampled([1, 2, 3], 0.1)) == "Waveform(3 samples every 0.1 ms)"
    assert repr(W - 1) == "Stimulus(offset=-1, shared=pulse 3 in [10, 20) ms)"
    assert repr(np.array([0.0, 1.0]) + W) == \
        "Stimulus(offset=array([0., 1.]), shared=pulse 3 in [10, 20) ms)"
    assert repr(inputs.sampled(np.ones((3, 5)), 1.0)) == "Stimulus(offset=0.0, own=3 waveforms)"

    def drive(t):
        return t

    assert repr(inputs.function(drive)) == "Waveform(drive)"
    assert repr(inputs.function(drive, "my drive")) == "Waveform(my drive)"


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_waveform_refused(bad):
    wave = inputs.function(lambda t: np.where(t > 5.0, bad, 0.0))
    with pytest.raises(ValueError, match="current: the shared waveform has non-finite"):
        izhic.simulate("RS", wave, duration=10.0, dt=0.25)


def test_pulse_off_before_on_refused():
    with pytest.raises(ValueError, match="t_off"):
        inputs.pulse(5, 1, 1)


@pytest.mark.parametrize("values, match", [
    (np.zeros((2, 3, 4)), "values: expected shape"),
    (np.zeros(0), "values: expected shape"),
    ([1.0, np.nan], "values: must be finite"),
])
def test_sampled_bad_values_refused(values, match):
    with pytest.raises(ValueError, match=match):
        inputs.sampled(values, 1.0)


def test_sampled_bad_dtype_and_dt_refused():
    with pytest.raises(TypeError, match="values"):
        inputs.sampled(["a", "b"], 1.0)
    with pytest.raises(ValueError, match="dt_sample"):
        inputs.sampled([1.0, 2.0], 0.0)


def test_per_neuron_sampled_wrong_n_neurons_refused():
    own = inputs.sampled(np.zeros((3, 10)), 1.0)
    with pytest.raises(ValueError, match=r"shapes: .*current \(per-neuron waveform\)"):
        izhic.simulate("RS", own, duration=10.0, n_neurons=4)
    with pytest.raises(ValueError, match=r"shapes: .*current"):
        izhic.simulate("RS", np.zeros(5) + own, duration=10.0)


def test_two_per_neuron_waveforms_refused():
    own = inputs.sampled(np.zeros((3, 10)), 1.0)
    with pytest.raises(ValueError, match="current: at most one per-neuron"):
        own + own


def test_other_constructor_errors():
    with pytest.raises(TypeError, match="fn"):
        inputs.function(3.0)
    with pytest.raises(ValueError, match="width"):
        inputs.pulses([1.0], -1.0, 1.0)
    with pytest.raises(TypeError, match="amplitude"):
        inputs.step(1.0, "a")
    with pytest.raises(ValueError, match="t_on"):
        inputs.ramp(np.nan, 1.0)


# ---------------------------------------------------------------- stiffness

@pytest.mark.parametrize("method", METHODS)
def test_stiffness_uses_the_lowest_current_over_time(method):
    with pytest.raises(ValueError, match=r"current: -99995 .*unstable"):
        izhic.simulate("RS", 5.0 + inputs.pulse(50.0, 60.0, -1e5), duration=100.0, dt=0.1,
                       method=method)
    values = np.zeros((2, 10))
    values[1, 5] = -1e5
    with pytest.raises(ValueError, match=r"current: .*unstable"):
        izhic.simulate("RS", inputs.sampled(values, 1.0), duration=20.0, dt=0.1, method=method)
    # the same pulse after the end of the run is never applied
    res = izhic.simulate("RS", 5.0 + inputs.pulse(150.0, 160.0, -1e5), duration=100.0, dt=0.1,
                         method=method)
    assert res.spike_times.n_spikes > 0
