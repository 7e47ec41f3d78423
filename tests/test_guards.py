"""Guards that name the cause: the audit's reproducers of 0.1.0, each refused or
warned about with a message naming the argument, never a NaN, an unsorted
train or a spike outside the run.

Every test here failed on izhic 0.1.0 (which returned NaN, garbage, unsorted
trains, or an error naming the wrong argument).
"""
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import PRESETS_2007 as P7
from izhic._plan import build_plan
from izhic.simulate import _run, result_of

RS = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0}


def with_(**kw):
    return {**RS, **kw}


# ---------------------------------------------------------------- stiff recovery

@pytest.mark.parametrize("a, method", [(21.0, "euler"), (21.0, "izhikevich2004"),
                                       (50.0, "rk4_grid"), (30.0, "izhikevich2003"),
                                       (1000.0, "rk4")])
def test_stiff_recovery_is_refused_naming_a(a, method):
    with pytest.raises(ValueError, match=r"^model\.a: a = .*/ms makes u relax.*needs dt <"):
        izhic.simulate(with_(a=a), 10.0, 1000.0, 0.1, method)


def test_a_step_too_large_for_an_ordinary_a_blames_dt():
    with pytest.raises(ValueError, match=r"^dt: 1e\+308 ms is too large for this model"):
        izhic.simulate("RS", 10.0, 1e308, 1e308)


# ---------------------------------------------------------------- 2007 FS with grid methods

@pytest.mark.parametrize("method, dt, duration", [("izhikevich2004", 0.5, 200.0),
                                                  ("rk4_grid", 0.35, 210.0),
                                                  ("rk4_grid", 0.5, 200.0)])
def test_fs_2007_runaway_is_refused_naming_dt(method, dt, duration):
    with pytest.raises(ValueError, match=r"^dt: neuron 0 left the model's range .*by t = "
                                         r".*with dt=.* ms it stays in range"):
        izhic.simulate(P7["FS"], 100.0, duration, dt, method)


def test_fs_2007_rk4_at_a_large_step_is_warned_about():
    with pytest.warns(izhic.AccuracyWarning, match="dt: 5 ms is too coarse for method 'rk4'"):
        res = izhic.simulate(P7["FS"], 100.0, 200.0, 5.0, "rk4")
    assert np.isfinite(res.u_final).all() and np.isfinite(res.v_final).all()


# ---------------------------------------------------------------- extreme parameters

@pytest.mark.parametrize("model, match", [
    (with_(d=1e308), r"^model\.d: must lie within \+-1e\+100"),
    (with_(a=1e300), r"^model\.a: must lie within \+-1e\+100"),
    (with_(b=1e200), r"^model\.b: must lie within \+-1e\+100"),
    (with_(c=-1e151), r"^model\.c: must lie within \+-1e\+150"),
    (izhic.Izhikevich2007(**{**P7["LTS"].__dict__, "u_max": -np.inf}),
     r"^model\.u_max: must be finite"),
    (izhic.Izhikevich2007(**{**P7["RS"].__dict__, "C": -1.0}), r"^model\.C: the capacitance"),
])
def test_extreme_parameters_are_refused(model, match):
    with pytest.raises(ValueError, match=match):
        izhic.simulate(model, 10.0, 100.0, 0.1)


@pytest.mark.parametrize("kwargs, match", [
    ({"v0": 1e200}, r"^v0: must lie within \+-1e\+150"),
    ({"u0": -1e300}, r"^u0: must lie within \+-1e\+100"),
    ({"current": 1e300}, r"^current: must lie within \+-1e\+100"),
])
def test_extreme_inputs_are_refused_naming_them(kwargs, match):
    kwargs = {"current": 10.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        izhic.simulate("RS", duration=100.0, **kwargs)


# ---------------------------------------------------------------- steps too large to mean much

@pytest.mark.parametrize("method, dt", [("rk4_grid", 1.25), ("izhikevich2003", 2.0),
                                        ("euler", 5.0), ("izhikevich2004", 5.0),
                                        ("rk4", 2.0)])
def test_steps_beyond_a_methods_resolution_are_warned_about(method, dt):
    with pytest.warns(izhic.AccuracyWarning, match=f"dt: {dt:g} ms is too coarse for method"):
        res = izhic.simulate("RS", 10.0, 1000.0, dt, method)
    assert np.isfinite(res.spike_times.times).all()


def test_rk4_at_a_step_of_10_ms_names_the_step():
    # 0.1.0: "current: far too large" for I = 10
    with pytest.warns(izhic.AccuracyWarning), \
            pytest.raises(ValueError, match=r"^dt: neuron 0 crossed v_peak more than 1000 "
                                            r"times.*the step is far too coarse"):
        izhic.simulate("RS", 10.0, 1000.0, 10.0, "rk4")


@pytest.mark.parametrize("method, dt", [("izhikevich2003", 1.0), ("euler", 1.0),
                                        ("rk4_grid", 0.5), ("rk4", 1.0)])
def test_published_steps_are_not_warned_about(method, dt):
    izhic.simulate("RS", 10.0, 1000.0, dt, method)      # (warnings are errors in the tests)


# ---------------------------------------------------------------- times inside the run, sorted

def test_spikes_lie_inside_the_run():
    # 0.1.0 reported a spike at 0.30000000000000004 in a 0.3 ms run
    res = izhic.simulate("RS", 1e4, 0.3, 0.1, "euler")
    assert_array_equal(res.spike_times.times, [0.1, 0.2, 0.3])
    assert res.t_stop == 0.3
    res = izhic.simulate("RS", 10.0, 99.9, 0.1, "euler", record="v", record_dt=0.3)
    assert res.t[-1] == 99.9 and res.t[1] == 0.3     # not 99.90000000000002, 0.30000000000000004


@pytest.mark.parametrize("method", izhic.METHODS)
def test_trains_stay_sorted_when_the_thread_count_changes_between_chunks(method):
    # 0.1.0 kept one spike buffer per OpenMP thread: when the team size changed
    # between chunks (OMP_DYNAMIC under load) up to half the trains came back
    # unsorted. Buffers now belong to fixed partitions of the neurons.
    current = np.linspace(0.0, 40.0, 2000)
    ref = izhic.simulate("RS", current, 200.0, 0.1, method, n_threads=1)
    plan = build_plan("RS", current, 200.0, 0.1, method, n_threads=2)
    from izhic import _core
    run = _core.Run(plan)
    for k0, threads in zip(range(0, plan.n_steps, 250), [2, 1, 2, 1, 3, 1, 2, 1]):
        run.use_threads(threads)
        assert run.advance(k0, min(k0 + 250, plan.n_steps))
    offsets = np.zeros(plan.n + 1, dtype=np.int64)
    run.count(offsets)
    times = np.empty(int(offsets[-1]))
    run.fill(times, offsets, offsets[:-1].copy())
    res = result_of(plan, times, offsets)
    for i in range(plan.n):
        assert np.all(np.diff(res.spike_times[i]) > 0)
    assert_array_equal(res.spike_times.times, ref.spike_times.times)


def test_trains_sorted_under_omp_dynamic():
    code = textwrap.dedent("""
        import numpy as np, izhic
        res = izhic.simulate("RS", np.linspace(0, 40, 5000), 300.0, 0.1, "euler", n_threads=2)
        print(all(np.all(np.diff(t) > 0) for t in res.spike_times))
        """)
    env = {"OMP_DYNAMIC": "true", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.stdout.strip() == "True", out.stderr


# ---------------------------------------------------------------- errors that name the cause

@pytest.mark.parametrize("kwargs, exc, match", [
    ({"current": []}, ValueError, r"^current: is an empty array"),
    ({"model": with_(a=[])}, ValueError, r"^model\.a: is an empty array"),
    ({"v0": []}, ValueError, r"^v0: is an empty array"),
    ({"current": [1.0, 2.0, 3.0], "v0": [1.0, 2.0]}, ValueError,
     r"^shapes: .*n_neurons=3; got lengths current: 3, v0: 2"),
    ({"current": izhic.inputs.function(lambda t: np.zeros(3))}, ValueError,
     r"^current: the waveform <lambda> returned shape \(3,\)"),
    ({"seed": 1}, ValueError, r"^seed: given without noise"),
])
def test_bad_input_names_the_argument(kwargs, exc, match):
    kwargs = {"model": "RS", "current": 10.0, **kwargs}
    with pytest.raises(exc, match=match):
        izhic.simulate(duration=10.0, **kwargs)


def test_a_huge_thread_count_is_clamped_not_an_overflow():
    res = izhic.simulate("RS", [10.0] * 20, 10.0, n_threads=2**31)
    assert res.spike_times.n_spikes >= 0


def test_endless_crossings_name_the_current_and_the_step_they_happen_in():
    # 0.1.0: "near t = 0 ms" (the chunk start) for any runaway
    with pytest.raises(ValueError, match=r"^current: neuron 0 crossed v_peak more than 1000 "
                                         r"times in the step ending at t = 0\.25 ms"):
        izhic.simulate(P7["LTS"], 1e6, 100.0, 0.25, "rk4")
    with pytest.raises(ValueError, match=r"^current: neuron 1 crossed v_peak.*ending at t = 0.1 ms"):
        izhic.simulate("RS", [10.0, 1e60], 10.0, 0.1, "rk4")


def test_rates_outside_the_run_are_refused():
    res = izhic.simulate("RS", 10.0, 1000.0)
    with pytest.raises(ValueError, match=r"^t_stop: 1500.0 ms is after the end of the run"):
        res.rates(500, 1500)
    assert res.rates(500, 1000)[0] == 2 * res.spike_counts(500, 1000)[0]


# -- the checks' fast paths give the general paths' answers ----------------------

def test_spectral_radius_in_real_arithmetic_equals_the_complex_eigenvalues():
    from izhic.models import _spectral_radius
    rng = np.random.default_rng(11)
    A = rng.normal(scale=rng.choice([1e-3, 1.0, 1e3], size=(4000, 1, 1)), size=(4000, 2, 2))
    A[:5] = [[[0, -1], [1, 0]]]          # a pure rotation (complex pair on the unit circle)
    want = np.abs(np.linalg.eigvals(A)).max(axis=-1)
    assert_allclose = np.testing.assert_allclose
    assert_allclose(_spectral_radius(A), want, rtol=1e-9, atol=0)
    assert np.isnan(_spectral_radius(np.full((2, 2), np.nan)))


@pytest.mark.parametrize("model, dts", [
    (izhic.Izhikevich2003(a=np.linspace(0.01, 0.1, 50), b=np.linspace(0.1, 0.26, 50), c=-65,
                          d=np.linspace(2, 8, 50)), (0.1, 1.0, 2.0, 3.0, 5.0)),
    (izhic.Izhikevich2007(C=np.linspace(50, 150, 50), k=0.7, vr=-60, vt=-40, a=0.03, b=-2,
                          c=-50, d=100, v_peak=35), (0.1, 5.0, 8.0, 12.0, 20.0)),
], ids=["2003", "2007"])
def test_the_rest_state_check_of_arrays_refuses_as_one_neuron_at_a_time(model, dts):
    # per-neuron models take a one-pass path when every mode is slower than
    # the step; the array is refused exactly when some neuron alone is, and
    # the neuron it names is one of those
    checked = model.checked()
    for dt in dts:
        alone = []
        for i in range(50):
            try:
                checked.take(i).check_numerics("euler", dt, 0.0)
                alone.append(False)
            except ValueError:
                alone.append(True)
        if any(alone):
            with pytest.raises(ValueError, match=r"neuron \d+") as info:
                checked.check_numerics("euler", dt, 0.0)
            named = int(re.search(r"neuron (\d+)", str(info.value)).group(1))
            assert alone[named], (dt, named)
        else:
            checked.check_numerics("euler", dt, 0.0)
    assert any(alone) and not all(alone)       # (the last step refuses some, not all)


def test_the_bound_check_of_parameter_arrays_names_the_first_bad_value():
    with pytest.raises(ValueError, match=r"model\.a: values must be finite, got nan at index 2"):
        izhic.Izhikevich2003(a=[0.02, 1e200, np.nan], b=0.2, c=-65, d=8).checked()
    with pytest.raises(ValueError, match=r"model\.a: must lie within \+-1e\+100, got 1e\+200"):
        izhic.Izhikevich2003(a=[0.02, 1e200, 0.1], b=0.2, c=-65, d=8).checked()
    with pytest.raises(ValueError, match=r"model\.c: must lie within"):
        izhic.Izhikevich2003(a=0.02, b=0.2, c=-1e151, d=8).checked()
    with pytest.raises(ValueError, match=r"model\.c: the reset value must be below v_peak, got "
                                         r"c=35\.0"):
        izhic.Izhikevich2003(a=0.02, b=0.2, c=[-65.0, 35.0], d=8).checked()
    assert izhic.Izhikevich2003(a=np.array([0.02, 0.1]), b=0.2, c=-65, d=8).checked().a.dtype \
        == np.float64


# ------------------------------------------------------- a grid method firing every step

@pytest.mark.parametrize("method", ["euler", "izhikevich2004", "rk4_grid"])
def test_a_2007_cell_that_fires_every_few_steps_is_warned_about(method):
    # the book's 2007 LTS cell above ~1000 pA: near the u cap its reset lies
    # above its cut-off, and a grid method "fires" every second or third step
    with pytest.warns(izhic.AccuracyWarning, match=rf"^method '{method}', dt=0.1 ms: neuron 1 "
                      r"spiked in \d+ of 3000 steps"):
        res = izhic.simulate(P7["LTS"], [100.0, 1000.0], 300.0, 0.1, method)
    assert res.spike_counts()[1] > 1000 and res.spike_counts()[0] < 10
    # the same cell at its protocol's currents: no warning (filterwarnings = error)
    izhic.simulate(P7["LTS"], [100.0, 300.0], 300.0, 0.1, method)


@pytest.mark.parametrize("method", ["euler", "izhikevich2004", "izhikevich2003", "rk4_grid"])
def test_a_2003_neuron_that_fires_every_step_is_warned_about(method):
    with pytest.warns(izhic.AccuracyWarning, match=rf"^method '{method}', dt=0.1 ms: neuron 1 "
                      r"spiked in 3000 of 3000 steps"):
        izhic.simulate("RS", [10.0, 1e4], 300.0, 0.1, method)
    izhic.simulate("RS", [10.0, 500.0], 300.0, 0.1, method)    # 1.2 kHz: no warning


def test_every_step_message_pattern_matches_the_warning():
    # rheobase filters the warning by this pattern: it must keep matching the text
    from izhic.simulate import EVERY_STEP_MESSAGE
    with pytest.warns(izhic.AccuracyWarning) as rec:
        izhic.simulate("RS", 1e4, 10.0, 0.1, "euler")
    assert re.match(EVERY_STEP_MESSAGE, str(rec[0].message))


def test_every_step_warning_names_the_neuron_id_and_spares_rk4():
    with pytest.warns(izhic.AccuracyWarning, match=r"neuron 7 spiked"):
        izhic.simulate(P7["LTS"], 1000.0, 300.0, 0.1, "euler", neuron_ids=[7])
    with pytest.raises(ValueError, match="^model: neuron 0 crossed v_peak more than"):  # rk4
        izhic.simulate(P7["LTS"], 1000.0, 300.0, 0.1, "rk4")
