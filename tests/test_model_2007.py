"""The 2007 form: the core against the NumPy reference (bit for bit) and against
a loop written here from the book's equations (Izhikevich 2007, ch. 8)."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from helpers import assert_same, core_equals_numpy
from izhic import inputs
from izhic.reference import simulate_numpy

PRESETS = sorted(izhic.PRESETS_2007)


@pytest.mark.parametrize("method", ["euler", "izhikevich2004", "rk4", "rk4_grid"])
@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("n", [1, 9, 300])
def test_core_equals_numpy(name, method, n):
    rng = np.random.default_rng(n)
    current = rng.uniform(-100.0, 600.0, n) + inputs.pulse(40.0, 90.0, -250.0)
    model = izhic.PRESETS_2007[name]
    core_equals_numpy(model, current, duration=200.0, dt=0.25, method=method)


def test_per_neuron_parameters_of_the_2007_form():
    rng = np.random.default_rng(0)
    n = 200
    model = dict(C=rng.uniform(50, 150, n), k=rng.uniform(0.5, 1.5, n), vr=-60.0,
                 vt=rng.uniform(-45, -40, n), v_peak=35.0, a=rng.uniform(0.01, 0.05, n),
                 b=rng.uniform(-2, 5, n), c=-50.0, d=rng.uniform(50, 150, n))
    current = rng.uniform(0, 500, n)
    ref = simulate_numpy(model, current, duration=300.0, dt=0.25, method="euler")
    assert_same(izhic.simulate(model, current, duration=300.0, dt=0.25, method="euler"), ref)
    assert ref.spike_times.n_spikes > 100


def book_loop(p, current, duration, tau):
    """The book's Euler loop, written from the published equations."""
    n = int(round(duration / tau))
    v, u = float(p.vr), 0.0
    spikes, trace = [], [v]
    for i in range(n):
        I = current(i * tau)
        v_new = v + tau * (p.k * (v - p.vr) * (v - p.vt) - u + I) / p.C
        b = p.b if p.b_low is None or v > p.v_switch else p.b_low
        vu = p.vr if p.v_u is None else p.v_u
        U = b * (v - vu) + p.cubic * max(v - p.v_cubic, 0.0) ** 3
        u_new = u + tau * p.a * (U - u)
        if v_new >= p.v_peak + p.peak_u * u_new:
            spikes.append((i + 1) * tau)
            v_new = p.c + p.c_u * u_new
            u_new = min(u_new + p.d, p.u_max)
        v, u = v_new, u_new
        trace.append(v)
    return np.array(spikes), np.array(trace)


@pytest.mark.parametrize("name, amplitude, duration", [
    ("RS", 100.0, 520.0), ("IB", 500.0, 600.0), ("CH", 400.0, 210.0), ("LTS", 200.0, 320.0),
    ("FS", 200.0, 100.0), ("TC", 100.0, 650.0), ("RTN", 70.0, 650.0)])
def test_book_protocols_match_a_loop_of_the_published_equations(name, amplitude, duration):
    # the step starts at 10 % of the run, as the public port's protocols
    p = izhic.PRESETS_2007[name]
    t_on = 0.1 * duration
    res = izhic.simulate(p, inputs.step(t_on, amplitude), duration, 0.25, "euler",
                         record="v", v_at_spike="reset")
    spikes, trace = book_loop(p, lambda t: amplitude if t >= t_on else 0.0, duration, 0.25)
    assert spikes.size > 0
    # the book divides by C after multiplying by tau; izhic multiplies by tau / C:
    # rounding-level differences, so spike times agree to the step and traces closely
    assert_array_equal(res.spike_times[0], spikes)
    assert_allclose(res.v[0], trace, rtol=0, atol=1e-6)


def test_rs_2007_under_100_pA():
    # the 2007 RS cell under 100 pA from rest: tonic firing with adaptation
    res = izhic.simulate(izhic.PRESETS_2007["RS"], 100.0, 1000.0, 0.25, "euler")
    isi = np.diff(res.spike_times[0])
    assert res.spike_times.n_spikes > 5
    assert isi[-1] > isi[0]


def test_defaults_and_errors_of_the_2007_form():
    rs = izhic.preset("rs", year=2007)
    res = izhic.simulate(rs, 0.0, 10.0, 0.25, "euler", record=("v", "u"))
    assert res.v[0, 0] == rs.vr and res.u[0, 0] == 0.0   # v0 = vr, u0 = 0
    with pytest.raises(ValueError, match="^method"):
        izhic.simulate(rs, 100.0, 10.0, 0.25, "izhikevich2003")
    with pytest.raises(ValueError, match="^model.C"):
        izhic.simulate(dict(C=0.0, k=0.7, vr=-60, vt=-40, v_peak=35, a=0.03, b=-2, c=-50,
                            d=100), 100.0, 10.0, 0.25, "euler")
    with pytest.raises(ValueError, match="^current"):
        izhic.simulate(rs, -1e9, 10.0, 0.25, "euler")
    with pytest.raises(ValueError, match="preset 'RZ' of the 2007 form"):
        izhic.preset("RZ", year=2007)


@pytest.mark.parametrize("name", PRESETS)
def test_rk4_converges_at_fourth_order_on_the_2007_form(name):
    # spike times against rk4 at a 40x finer step (self-convergence; the exact
    # hybrid reference of izhic.reference covers the 2003 form)
    p = izhic.PRESETS_2007[name]
    amplitude = {"IB": 500.0, "CH": 400.0, "FS": 200.0}.get(name, 150.0)
    fine = izhic.simulate(p, amplitude, 300.0, 0.0025, "rk4").spike_times[0]
    errors = []
    for dt in (0.1, 0.05):
        times = izhic.simulate(p, amplitude, 300.0, dt, "rk4").spike_times[0]
        assert times.size == fine.size, (name, dt)
        errors.append(np.abs(times - fine).max())
    assert errors[0] < 0.05, (name, errors)
    assert np.log2(errors[0] / errors[1]) > 3.0, (name, errors)
    # the grid versions are first order in spike time and far off
    grid = izhic.simulate(p, amplitude, 300.0, 0.1, "euler").spike_times[0]
    n = min(grid.size, fine.size)
    assert np.abs(grid[:n] - fine[:n]).max() > 10 * errors[0]
