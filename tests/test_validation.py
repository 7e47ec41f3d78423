"""Bad input to ``izhic.simulate`` gets a clear error naming the argument.

The standard: a bad argument raises ValueError/TypeError whose message names the
argument (and shows the value), never a crash, a hang, NaN results or a silent
wrong answer; a request that cannot fit in memory is refused (MemoryError)
before anything is allocated. Inputs that are merely unusual (read-only,
integer, float32, 0-d, NumPy scalars, lists) are accepted and give the same
results as their float64 equivalents, and no input array is ever modified.
"""
import importlib
import math
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic

METHODS = tuple(izhic.METHODS)
# methods that reset at the end of the step and report spikes on the grid
GRID_METHODS = tuple(getattr(importlib.import_module("izhic.simulate"), "GRID_METHODS", METHODS))
EVENT_METHODS = tuple(m for m in METHODS if m not in GRID_METHODS)

RS = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0}


def run(**kwargs):
    """A short, valid call; ``kwargs`` replace one argument at a time."""
    args = {"model": "RS", "current": 10.0, "duration": 10.0, "dt": 0.25, "method": "euler"}
    args.update(kwargs)
    return izhic.simulate(**args)


class _Hang(Exception):
    pass


@pytest.fixture
def no_hang():
    """Turn a call that would run for ages into a failure after a few seconds.

    The kernel returns to Python between chunks of steps, so SIGALRM gets through.
    This is a guard against a hang, not a timing assertion."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        pytest.skip("needs SIGALRM in the main thread")

    def handler(signum, frame):
        raise _Hang("the call ran instead of being refused")

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(2)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- time grid

@pytest.mark.parametrize("dt, exc", [
    (0.0, ValueError), (-0.1, ValueError), (float("nan"), ValueError),
    (float("inf"), ValueError), (-float("inf"), ValueError), (None, TypeError),
    ("0.1", TypeError), (True, TypeError), (1 + 0j, TypeError), ([0.1], TypeError),
])
def test_bad_dt(dt, exc):
    with pytest.raises(exc, match=r"^dt\b"):
        run(dt=dt)


@pytest.mark.parametrize("duration, exc", [
    (-1.0, ValueError), (-0.25, ValueError), (float("nan"), ValueError),
    (float("inf"), ValueError), (None, TypeError), ("10", TypeError),
])
def test_bad_duration(duration, exc):
    with pytest.raises(exc, match=r"^duration\b"):
        run(duration=duration)


@pytest.mark.parametrize("duration, dt", [(0.3, 0.25), (1000.3, 0.25), (1000.0, 0.3), (10.0, 3.0)])
def test_duration_not_whole_number_of_steps(duration, dt):
    with pytest.raises(ValueError, match=r"^duration\b.*whole number of steps"):
        run(duration=duration, dt=dt)


def test_duration_not_whole_number_of_steps_long_run():
    # 1e9 steps + 0.4 of a step: must be refused as not a whole number of steps
    # (record="v" on many neurons makes a missing check end in MemoryError, not a long run)
    with pytest.raises(ValueError, match=r"^duration\b"):
        run(duration=0.25 * 1e9 + 0.1, dt=0.25, record="v", n_neurons=1000)


@pytest.mark.parametrize("duration, dt", [(1e10, 1e-300), (1.0, 5e-324)])
def test_number_of_steps_overflows(duration, dt):
    with pytest.raises(ValueError, match=r"^(duration|dt)\b"):
        run(duration=duration, dt=dt)


def test_number_of_steps_beyond_int64(no_hang):
    with pytest.raises(ValueError, match=r"^(duration|dt)\b"):
        run(duration=1e19, dt=1.0)


# ---------------------------------------------------------------- current

@pytest.mark.parametrize("current, exc", [
    (float("nan"), ValueError), (float("inf"), ValueError), (-float("inf"), ValueError),
    (np.array([1.0, np.nan]), ValueError), ([1.0, float("inf")], ValueError),
    ("10", TypeError), (None, TypeError), ([1.0, None], TypeError), (True, TypeError),
    (np.ones((2, 2)), ValueError), ([[1.0, 2.0], [3.0]], ValueError),
    ([1 + 1j, 2.0], TypeError), (1 + 1j, TypeError), (np.array(["a", "b"]), TypeError),
])
def test_bad_current(current, exc):
    with pytest.raises(exc, match=r"^current\b"):
        run(current=current)


def test_nan_current_message_shows_value_and_index():
    with pytest.raises(ValueError, match=r"current.*nan.*index 2"):
        run(current=[1.0, 2.0, np.nan, 4.0])


@pytest.mark.parametrize("kwargs", [
    {"current": [1.0, 2.0, 3.0], "model": dict(RS, a=[0.02] * 4)},
    {"current": [1.0, 2.0, 3.0], "v0": [-65.0, -65.0]},
    {"current": [1.0, 2.0, 3.0], "u0": [-13.0] * 4},
    {"current": [1.0, 2.0, 3.0], "n_neurons": 4},
    {"current": 1.0, "v0": [-65.0, -60.0], "n_neurons": 3},
])
def test_length_mismatch(kwargs):
    with pytest.raises(ValueError, match=r"n_neurons=\d+.*lengths"):
        run(**kwargs)


@pytest.mark.parametrize("n_neurons, exc", [(0, ValueError), (-3, ValueError), (2.0, TypeError),
                                            ("2", TypeError), (True, TypeError)])
def test_bad_n_neurons(n_neurons, exc):
    with pytest.raises(exc, match=r"^n_neurons\b"):
        run(n_neurons=n_neurons)


@pytest.mark.parametrize("name", ["v0", "u0"])
@pytest.mark.parametrize("value, exc", [(float("nan"), ValueError), ([0.0, float("inf")], ValueError),
                                        ("x", TypeError), (np.zeros((2, 1)), ValueError)])
def test_bad_initial_state(name, value, exc):
    with pytest.raises(exc, match=rf"^{name}\b"):
        run(current=[1.0, 2.0], **{name: value})


def test_v0_none_means_the_default_initial_state():
    # v0=None: -65 mV for the 2003 form (vr for the 2007 form), u0 = b v0
    assert_array_equal(run(v0=None).spike_times.times, run(v0=-65.0).spike_times.times)
    with pytest.raises(TypeError, match=r"^v0\b"):
        run(v0="-65")


# ---------------------------------------------------------------- model

@pytest.mark.parametrize("model, exc, match", [
    ("XX", ValueError, r"^model\b.*'XX'"),
    ("", ValueError, r"^model\b"),
    (None, TypeError, r"^model\b"),
    (3, TypeError, r"^model\b"),
    ([0.02, 0.2, -65.0, 8.0], TypeError, r"^model\b"),
    (dict(RS, e=1.0), ValueError, r"^model\b.*'e'"),
    ({"a": 0.02, "b": 0.2, "c": -65.0}, TypeError, r"^model\b.*'d'"),
    (dict(RS, a=None), TypeError, r"^model\.a\b"),
    (dict(RS, b="0.2"), TypeError, r"^model\.b\b"),
    (dict(RS, a=[0.02, np.nan]), ValueError, r"^model\.a\b.*nan"),
    (dict(RS, d=np.inf), ValueError, r"^model\.d\b"),
    (dict(RS, c=np.ones((2, 2))), ValueError, r"^model\.c\b"),
    (dict(RS, v_peak=np.nan), ValueError, r"^model\.v_peak\b"),
    (dict(RS, v_peak=1e151), ValueError, r"^model\.v_peak\b.*1e\+?151"),
    (dict(RS, v_peak=-1e151), ValueError, r"^model\.v_peak\b"),
    (dict(RS, v_peak=1e150), ValueError, r"^model\.v_peak\b"),
    (dict(RS, v_peak=[30.0, 1e200]), ValueError, r"^model\.v_peak\b"),
    (izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=np.nan), ValueError, r"^model\.d\b"),
])
def test_bad_model(model, exc, match):
    with pytest.raises(exc, match=match):
        run(model=model, current=[1.0, 2.0])


@pytest.mark.parametrize("c", [30.0, 40.0, [-65.0, 30.0]])
def test_reset_at_or_above_v_peak_is_refused(c):
    # v <- c >= v_peak would spike again in every step
    with pytest.raises(ValueError, match=r"^model\.c\b.*v_peak"):
        run(model=dict(RS, c=c), current=[1.0, 2.0])


def test_v_peak_just_inside_bound_is_accepted():
    # (I = 1000 at dt 0.25 fires every 2-3 steps: warned as such)
    with pytest.warns(izhic.AccuracyWarning, match="spiked in 16 of 40 steps"):
        res = run(model=dict(RS, v_peak=1e149), current=1e3)
    assert np.isfinite(res.v_final).all() and np.isfinite(res.u_final).all()
    assert np.isfinite(res.spike_times.times).all()


# ---------------------------------------------------------------- choices

@pytest.mark.parametrize("method, exc", [("xx", ValueError), ("RK4", ValueError),
                                         (4, TypeError), (("rk4",), TypeError)])
def test_bad_method(method, exc):
    with pytest.raises(exc, match=r"^method\b"):
        run(method=method)


def test_method_none_is_the_forms_default():
    assert izhic.simulate("RS", 10.0, duration=10.0, method=None).method == "rk4"
    assert izhic.simulate(izhic.PRESETS_2007["RS"], 100.0, duration=10.0).method == "euler"


@pytest.mark.parametrize("v_at_spike, exc", [("xx", ValueError), (None, TypeError), (30.0, TypeError)])
def test_bad_v_at_spike(v_at_spike, exc):
    with pytest.raises(exc, match=r"^v_at_spike\b"):
        run(v_at_spike=v_at_spike, record="v")


@pytest.mark.parametrize("n_threads, exc", [(0, ValueError), (-2, ValueError), (1.5, TypeError),
                                            ("2", TypeError), (True, TypeError)])
def test_bad_n_threads(n_threads, exc):
    with pytest.raises(exc, match=r"^n_threads\b"):
        run(n_threads=n_threads)


@pytest.mark.parametrize("n_threads", [None, -1, 1, 2, np.int64(3), 64])
def test_good_n_threads(n_threads):
    assert_array_equal(run(n_threads=n_threads).spike_times.times, run(n_threads=1).spike_times.times)


@pytest.mark.parametrize("method", GRID_METHODS)
@pytest.mark.parametrize("spike_time, exc", [("xx", ValueError), (3, TypeError)])
def test_bad_spike_time(method, spike_time, exc):
    with pytest.raises(exc, match=r"^spike_time\b"):
        run(method=method, spike_time=spike_time)


@pytest.mark.parametrize("method", EVENT_METHODS)
@pytest.mark.parametrize("spike_time", ["grid", "interpolate", "xx"])
def test_spike_time_does_not_apply_to_event_methods(method, spike_time):
    with pytest.raises(ValueError, match=r"^spike_time\b"):
        run(method=method, spike_time=spike_time)


# ---------------------------------------------------------------- traces

@pytest.mark.parametrize("kwargs, exc, match", [
    ({"record": "w"}, ValueError, r"^record\b.*'w'"),
    ({"record": ("v", "w")}, ValueError, r"^record\b"),
    ({"record": ("v", "v")}, ValueError, r"^record\b.*duplicate"),
    ({"record": ("v", None)}, TypeError, r"^record\b"),
    ({"record": "v", "record_neurons": [5]}, ValueError, r"^record_neurons\b.*\[5\]"),
    ({"record": "v", "record_neurons": 2}, ValueError, r"^record_neurons\b"),
    ({"record": "v", "record_neurons": [-3]}, ValueError, r"^record_neurons\b"),
    ({"record": "v", "record_neurons": [1, 1]}, ValueError, r"^record_neurons\b.*unique"),
    ({"record": "v", "record_neurons": [1, -1]}, ValueError, r"^record_neurons\b.*unique"),
    ({"record": "v", "record_neurons": [0.0]}, TypeError, r"^record_neurons\b"),
    ({"record": "v", "record_neurons": 1.0}, TypeError, r"^record_neurons\b"),
    ({"record": "v", "record_neurons": [[0]]}, TypeError, r"^record_neurons\b"),
    ({"record": "v", "record_neurons": ["0"]}, TypeError, r"^record_neurons\b"),
    ({"record": "v", "record_dt": 0.3}, ValueError, r"^record_dt\b.*multiple"),
    ({"record": "v", "record_dt": 0.125}, ValueError, r"^record_dt\b"),
    ({"record": "v", "record_dt": 0.0}, ValueError, r"^record_dt\b"),
    ({"record": "v", "record_dt": -1.0}, ValueError, r"^record_dt\b"),
    ({"record": "v", "record_dt": np.nan}, ValueError, r"^record_dt\b"),
    ({"record": "v", "record_dt": "1"}, TypeError, r"^record_dt\b"),
    ({"record_neurons": [0]}, ValueError, r"record_neurons"),
    ({"record_dt": 1.0}, ValueError, r"record_dt"),
])
def test_bad_record(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        run(current=[1.0, 2.0], **kwargs)


@pytest.mark.parametrize("record", [1, 1.5])
def test_record_of_wrong_type(record):
    with pytest.raises(TypeError, match=r"^record\b"):
        run(record=record)


def test_record_no_neurons_with_int_array():
    res = run(current=[1.0, 2.0], record="v", record_neurons=np.array([], dtype=np.int64))
    assert res.v.shape == (0, res.t.size)


def test_record_no_neurons_with_empty_list():
    res = run(current=[1.0, 2.0], record="v", record_neurons=[])
    assert res.v.shape == (0, res.t.size)


# ---------------------------------------------------------------- memory

@pytest.mark.parametrize("kwargs", [
    {"current": 0.0, "n_neurons": 10**6, "record": "v"},
    {"current": np.zeros(10**6), "record": ("v", "u"), "record_neurons": np.arange(0, 10**6, 10)},
])
def test_traces_that_cannot_fit_are_refused(kwargs):
    # 10**6 neurons x 10**6 steps x 8 bytes = 7.3 TiB of trace: refused before allocating
    with pytest.raises(MemoryError, match=r"GiB"):
        izhic.simulate("RS", duration=10**6 * 0.25, dt=0.25, method="euler", **kwargs)


def test_population_that_cannot_fit_is_refused():
    with pytest.raises(MemoryError, match=r"GiB"):
        run(current=0.0, n_neurons=10**15, duration=0.25)


# ---------------------------------------------------------------- huge currents

@pytest.mark.parametrize("current", [1e100, 1e300, 1e308, np.finfo(np.float64).max,
                                     -1e100, -1e308, -np.finfo(np.float64).max])
@pytest.mark.parametrize("method", METHODS)
def test_currents_beyond_any_model_are_refused(method, current):
    # |I| >= 1e100: products of such numbers overflow; nothing near a model
    with pytest.raises(ValueError, match=r"^current: must lie within \+-1e\+100, got"):
        run(method=method, current=current, duration=10.0, dt=0.25)


@pytest.mark.parametrize("current", [1e50, 1e99])
@pytest.mark.parametrize("method", GRID_METHODS)
def test_huge_positive_current_grid_methods(method, current):
    with pytest.warns(izhic.AccuracyWarning, match="neuron 0 spiked in 40 of 40 steps"):
        res = run(method=method, current=current, duration=10.0, dt=0.25)
    n_steps = 40
    assert res.spike_times.n_spikes == n_steps  # one spike per step
    assert_array_equal(res.spike_times[0], np.arange(1, n_steps + 1) / 4)
    assert np.isfinite(res.v_final).all() and np.isfinite(res.u_final).all()


@pytest.mark.parametrize("current", [-1e99, -1e50, -1e4])
@pytest.mark.parametrize("method", [m for m in METHODS if m != "ps"])
def test_huge_negative_current_is_refused(method, current):
    # the rest state moves to v ~ -sqrt(-I/0.04), where it is too stiff for an
    # explicit step: refused, naming the current and the dt that would be needed
    with pytest.raises(ValueError, match=r"^current: .*unstable.*needs dt <"):
        run(method=method, current=current, duration=10.0, dt=0.25)


def test_huge_negative_current_with_ps():
    # ps has no stiffness limit: at I = -1e4 it settles where the exact flow
    # does (0.04 v^2 + 5 v + 140 - u - 1e4 = 0 with u = b v: v = -562.1 mV);
    # currents far beyond any model's range are refused, naming the current
    res = run(method="ps", current=-1e4, duration=3000.0, dt=0.25)
    assert res.spike_times.n_spikes == 0
    assert abs(res.v_final[0] - (-5.0 + 0.2 - np.sqrt(4.8 ** 2 + 0.16 * 9860.0)) / 0.08) < 1e-6
    for current in (-1e99, -1e50):
        with pytest.raises(ValueError, match=r"^current: .*far outside the model's range"):
            run(method="ps", current=current, duration=10.0, dt=0.25)


@pytest.mark.parametrize("method", METHODS)
def test_large_negative_current_within_the_stable_range(method):
    # I = -1000 puts the rest state near -218 mV (|lambda dt| = 1.25 at dt = 0.1):
    # stable for every method, no spurious spikes, v settles there
    res = run(method=method, current=-1000.0, duration=200.0, dt=0.1)
    assert res.spike_times.n_spikes == 0
    assert -230.0 < res.v_final[0] < -200.0


def _in_subprocess(code):
    """Run ``code`` in a fresh interpreter (state left in the core's buffer pool by a
    refused run cannot leak into the other tests); return its stdout."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("method", EVENT_METHODS)
def test_huge_positive_current_event_methods(method):
    # an event-locating method may refuse (naming the current) instead of resetting
    # without end inside one step; if it runs, everything it reports is finite
    out = _in_subprocess(f"""
        import numpy as np, izhic
        for current in (1e90, 1e99):
            try:
                res = izhic.simulate("RS", current, duration=10.0, dt=0.25, method={method!r})
            except ValueError as exc:
                print("refused:", exc)
            else:
                print("finite:", np.isfinite(res.spike_times.times).all()
                      and np.isfinite(res.v_final).all() and np.isfinite(res.u_final).all())
        """)
    lines = out.splitlines()
    assert len(lines) == 2, out
    for line in lines:
        assert line.startswith("refused: current") or line == "finite: True", out


@pytest.mark.parametrize("method", METHODS)
def test_huge_current_in_a_population(method):
    # a runaway neuron next to ordinary ones does not disturb them
    current = np.array([10.0, 1e90 if method not in ("rk4", "ps") else 1e4, 10.0, 5.0])
    if method in ("rk4", "ps"):
        res = run(method=method, current=current, duration=100.0)
    else:                       # (a grid method fires neuron 1 every step: warned)
        with pytest.warns(izhic.AccuracyWarning, match="neuron 1 spiked in 400 of 400 steps"):
            res = run(method=method, current=current, duration=100.0)
    for i in (0, 2, 3):
        alone = run(method=method, current=current[i], duration=100.0)
        assert_array_equal(res.spike_times[i], alone.spike_times[0])
    assert np.isfinite(res.v_final).all() and np.isfinite(res.u_final).all()


def test_refused_run_does_not_poison_later_runs():
    # regression: the per-step spike cap count once survived in the core's pool of
    # spike buffers, so every call after one refused run raised the same ValueError
    out = _in_subprocess("""
        import numpy as np, izhic
        def rs10():
            return izhic.simulate("RS", 10.0, duration=100.0, dt=0.25, method="euler")
        expected = rs10().spike_times.times
        for method in izhic.METHODS:
            try:
                izhic.simulate("RS", 1e99, duration=10.0, dt=0.25, method=method)
            except ValueError:
                pass
        try:
            print(np.array_equal(rs10().spike_times.times, expected))
        except ValueError as exc:
            print("raised:", exc)
        """)
    assert out.strip() == "True", out


# ---------------------------------------------------------------- accepted inputs

def _readonly(x):
    arr = np.array(x, dtype=np.float64)
    arr.flags.writeable = False
    return arr


CURRENT = [0.0, 5.0, 10.0, 20.0]
MODEL = {"a": [0.02, 0.02, 0.1, 0.02], "b": [0.2, 0.2, 0.2, 0.25], "c": [-65.0, -55.0, -65.0, -65.0],
         "d": [8.0, 4.0, 2.0, 2.0], "v_peak": [30.0, 30.0, 30.0, 25.0]}
V0 = [-65.0, -70.0, -60.0, -64.0]
U0 = [-13.0, -14.0, -12.0, -16.0]


@pytest.fixture(scope="module")
def float64_result():
    return izhic.simulate({k: np.array(v) for k, v in MODEL.items()}, np.array(CURRENT),
                          duration=200.0, dt=0.25, method="izhikevich2004",
                          v0=np.array(V0), u0=np.array(U0))


@pytest.mark.parametrize("convert", [
    _readonly, list, tuple,
    lambda x: np.asarray(x, dtype=np.int64) if np.all(np.asarray(x) == np.round(x)) else np.asarray(x),
], ids=["readonly", "list", "tuple", "int"])
def test_array_forms_accepted(float64_result, convert):
    res = izhic.simulate({k: convert(v) for k, v in MODEL.items()}, convert(CURRENT),
                         duration=200.0, dt=0.25, method="izhikevich2004",
                         v0=convert(V0), u0=convert(U0))
    assert res.spike_times.n_spikes > 0
    assert_array_equal(res.spike_times.offsets, float64_result.spike_times.offsets)
    assert_array_equal(res.spike_times.times, float64_result.spike_times.times)
    assert_array_equal(res.v_final, float64_result.v_final)
    assert_array_equal(res.u_final, float64_result.u_final)


def test_float32_arrays_accepted():
    # float32(0.02) is not 0.02: the float64 equivalent is the float32 value, exactly
    def f32(x):
        return np.asarray(x, dtype=np.float32)

    def as64(x):
        return f32(x).astype(np.float64)

    res = izhic.simulate({k: f32(v) for k, v in MODEL.items()}, f32(CURRENT), duration=200.0,
                         dt=0.25, method="izhikevich2004", v0=f32(V0), u0=f32(U0))
    ref = izhic.simulate({k: as64(v) for k, v in MODEL.items()}, as64(CURRENT), duration=200.0,
                         dt=0.25, method="izhikevich2004", v0=as64(V0), u0=as64(U0))
    assert res.spike_times.n_spikes > 0
    assert_array_equal(res.spike_times.offsets, ref.spike_times.offsets)
    assert_array_equal(res.spike_times.times, ref.spike_times.times)
    assert_array_equal(res.v_final, ref.v_final)


@pytest.mark.parametrize("kwargs", [
    {"current": 10}, {"current": np.int64(10)}, {"current": np.float64(10)},
    {"current": np.float32(10)}, {"current": np.array(10.0)}, {"current": np.array(10)},
    {"current": [10.0]}, {"current": _readonly(10.0)},
    {"dt": np.float64(0.25)}, {"dt": np.array(0.25)}, {"dt": np.float32(0.25)},
    {"duration": 100}, {"duration": np.int64(100)}, {"duration": np.float64(100)},
    {"duration": np.array(100.0)},
    {"v0": -65}, {"v0": np.int64(-65)}, {"v0": np.array(-65.0)}, {"v0": _readonly(-65.0)},
    {"model": {"a": 0.02, "b": 0.2, "c": -65, "d": 8}},
    {"model": {"a": np.float64(0.02), "b": np.array(0.2), "c": np.int64(-65), "d": [8]}},
    {"model": {k: _readonly(v) for k, v in RS.items()}},
    {"n_neurons": np.int64(1)},
])
def test_scalar_forms_accepted(kwargs):
    args = {"current": 10.0, "duration": 100.0, "dt": 0.25, "v0": -65.0, "model": "RS"}
    ref = izhic.simulate(method="euler", **args)
    args.update(kwargs)
    res = izhic.simulate(method="euler", **args)
    assert ref.spike_times.n_spikes > 0
    assert_array_equal(res.spike_times.times, ref.spike_times.times)
    assert_array_equal(res.v_final, ref.v_final)


def test_n_neurons_numpy_int_broadcasts():
    res = run(n_neurons=np.int64(3))
    assert len(res.spike_times) == 3


def test_record_neurons_forms_accepted():
    current = np.linspace(0.0, 20.0, 6)
    ref = run(current=current, record="v", record_neurons=[4, 1])
    for form in (np.array([4, 1], dtype=np.int32), np.array([4, 1], dtype=np.uint8), (4, 1),
                 [-2, 1], _readonly_int([4, 1])):
        res = run(current=current, record="v", record_neurons=form)
        assert_array_equal(res.record_neurons, [4, 1])
        assert_array_equal(res.v, ref.v)
    one = run(current=current, record="v", record_neurons=np.int64(4))
    assert_array_equal(one.v, ref.v[:1])


def _readonly_int(x):
    arr = np.array(x, dtype=np.int64)
    arr.flags.writeable = False
    return arr


@pytest.mark.parametrize("method", METHODS)
def test_inputs_are_not_modified(method):
    model = {k: np.array(v) for k, v in MODEL.items()}
    current, v0, u0 = np.array(CURRENT), np.array(V0), np.array(U0)
    copies = [a.copy() for a in (*model.values(), current, v0, u0)]
    res = izhic.simulate(model, current, duration=200.0, dt=0.25, method=method, v0=v0, u0=u0,
                         record=("v", "u"))
    assert res.spike_times.n_spikes > 0
    for before, after in zip(copies, (*model.values(), current, v0, u0)):
        assert_array_equal(after, before)
    assert not np.shares_memory(res.v_final, v0) and not np.shares_memory(res.u_final, u0)


def test_continuing_from_result_does_not_modify_it():
    first = run(current=[5.0, 10.0], duration=100.0)
    v, u = first.v_final.copy(), first.u_final.copy()
    run(current=[5.0, 10.0], duration=100.0, v0=first.v_final, u0=first.u_final)
    assert_array_equal(first.v_final, v)
    assert_array_equal(first.u_final, u)


def test_error_messages_show_the_value():
    with pytest.raises(ValueError, match=r"-0\.5"):
        run(dt=-0.5)
    with pytest.raises(TypeError, match=r"'fast'"):
        run(duration="fast")
    with pytest.raises(ValueError, match=r"'rk5'"):
        run(method="rk5")


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_bad_current_in_population_is_refused_before_running(bad):
    current = np.full(300, 10.0)
    current[123] = bad
    with pytest.raises(ValueError, match=r"^current\b.*index 123"):
        run(current=current)
