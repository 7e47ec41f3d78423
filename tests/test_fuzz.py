"""Fuzzing: whatever simulate accepts ends in a result without NaN or inf, with
every train sorted and inside the run; whatever it refuses is a ValueError or
TypeError naming an argument.

A fixed hypothesis profile (derandomized, no database) keeps the run small,
fast and the same on every machine: 5000 examples, a few seconds.
"""
import math
import re
import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import izhic  # noqa: E402
from izhic import inputs  # noqa: E402

settings.register_profile("izhic-fuzz", max_examples=5000, derandomize=True, database=None,
                          deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: an error must start with the name of what it refuses
NAMED = re.compile(r"^(model(\.\w+)?|current|duration|dt|method|v0|u0|noise|noise_kind|seed|"
                   r"n_neurons|record\w*|shapes|spike_time|v_at_spike|state|neuron_ids|"
                   r"n_threads): ")

# numbers from the ordinary to the absurd, inside and outside the accepted bounds
def span(lo, hi):
    return st.one_of(st.floats(lo, hi), st.sampled_from([lo, hi, 0.0]),
                     st.floats(-1e120, 1e120), st.sampled_from([1e99, -1e99, 1e-300]))


@st.composite
def models(draw):
    kind = draw(st.sampled_from(["2003", "2003", "G", "R", "horner", "2007"]))
    if kind == "2007":
        base = izhic.PRESETS_2007[draw(st.sampled_from(list(izhic.PRESETS_2007)))]
        fields = {name: getattr(base, name) for name in base.all_field_names()}
        for name in draw(st.sets(st.sampled_from(base.PER_NEURON), max_size=3)):
            fields[name] = draw(span(-200.0, 200.0))
        return izhic.Izhikevich2007(**fields)
    fields = {"a": draw(span(-0.1, 2.0)), "b": draw(span(-1.0, 1.0)),
              "c": draw(span(-90.0, -30.0)), "d": draw(span(-25.0, 25.0)),
              "v_peak": draw(st.sampled_from([30.0, 30.0, 0.0, 1e3, 1e149]))}
    if kind == "G":
        fields.update(linear=4.1, constant=108.0)
    elif kind == "R":
        fields.update(recovery="accommodation")
    elif kind == "horner":
        fields.update(horner=True)
    return izhic.Izhikevich2003(**fields)


@st.composite
def calls(draw):
    model = draw(models())
    n = draw(st.sampled_from([1, 1, 3, 9, 70]))
    dt = draw(st.sampled_from([0.01, 0.1, 0.1, 0.25, 0.5, 1.0, 2.0]))
    n_steps = draw(st.integers(0, 60))
    current = draw(st.one_of(span(-50.0, 500.0),
                             st.lists(span(-50.0, 500.0), min_size=n, max_size=n)))
    if draw(st.booleans()):
        current = current + draw(st.sampled_from([
            inputs.pulse(0.2, 1.0, 50.0), inputs.step(0.5, -20.0), inputs.ramp(0.0, 10.0)]))
    kwargs = dict(model=model, current=current, duration=n_steps * dt, dt=dt,
                  method=draw(st.sampled_from([None, *izhic.METHODS])))
    if draw(st.booleans()):
        kwargs["v0"] = draw(span(-100.0, 40.0))
    if draw(st.booleans()):
        kwargs["u0"] = draw(span(-50.0, 50.0))
    if draw(st.booleans()):
        kwargs.update(noise=draw(span(0.0, 50.0)), seed=draw(st.integers(0, 2**64 - 1)))
    if draw(st.booleans()):
        kwargs.update(record=("v", "u"))
    if n > 1 and np.ndim(current) == 0:
        kwargs["n_neurons"] = n
    return kwargs


@settings(settings.get_profile("izhic-fuzz"))
@given(calls())
def test_no_nan_no_unsorted_no_stray_spike(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", izhic.AccuracyWarning)
        try:
            res = izhic.simulate(**kwargs)
        except (ValueError, TypeError) as exc:
            assert NAMED.match(str(exc)), f"unnamed error: {exc!r}"
            return
    for arr in (res.v_final, res.u_final, res.spike_times.times):
        assert np.isfinite(arr).all()
    for trace in (res.v, res.u):
        if trace is not None:
            assert np.isfinite(trace).all()
    for train in res.spike_times:
        assert np.all(np.diff(train) >= 0)
    times = res.spike_times.times
    assert np.all((times >= res.t_start) & (times <= res.t_stop))
    assert math.isclose(res.t_stop - res.t_start, res.duration, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("method", izhic.Izhikevich2007.METHODS)
def test_a_special_reset_that_rides_a_runaway_u_is_refused(method):
    # found by the fuzzer (hypothesis 6.170): the LTS terms (moving peak, reset
    # c + c_u u, u cap) with an absurd b. Each step's u1 (before the cap) grows
    # with v, so the reset c + c_u u1 runs v past 1e150 to inf although u stays
    # capped at u_max; the range check read only |u| and the lower v bound.
    model = izhic.Izhikevich2007(C=100, k=1.0, vr=0.0, vt=-42, v_peak=40, a=0.03,
                                 b=2461585818108977.0, c=4.0, d=20, v_switch=-65.0,
                                 peak_u=-0.1, c_u=0.04, u_max=670.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", izhic.AccuracyWarning)
        with pytest.raises(ValueError, match=r"^model: neuron 0 (left the model's range|"
                                             r"crossed v_peak more than)"):
            izhic.simulate(model, 500.0, duration=116.0, dt=2.0, n_neurons=70, method=method)
