"""Continuing a run from its state: N chained runs equal one run bit for bit.

``simulate(..., state=res.state)`` goes on from where ``res`` stopped: the
steps are counted from t = 0 of the first run, so the noise (keyed by the
absolute step) and a time-varying input (sampled at ``k dt``) continue, and
spike and trace times are absolute.
"""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import inputs

METHODS = tuple(izhic.METHODS)


def chained(model, current, pieces, dt, method, **kwargs):
    """Run ``pieces`` (durations) one after the other; -> list of results."""
    out, state = [], None
    for duration in pieces:
        res = izhic.simulate(model, current, duration, dt, method, state=state, **kwargs)
        out.append(res)
        state = res.state
    return out


def stimulus(n):
    # offsets, a sine and a pulse with an edge inside the second piece
    t_wave = inputs.function(lambda t: 3.0 * np.sin(2 * np.pi * t / 137.0))
    return np.linspace(2.0, 12.0, n) + t_wave + inputs.pulse(310.0, 420.0, 4.0)


CASES = [(izhic.preset("RS"), 1.0), (izhic.PRESETS_2007["LTS"], 40.0)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("model, scale", CASES, ids=["2003", "2007"])
def test_four_pieces_equal_one_run(model, scale, method):
    if method not in model.METHODS:
        pytest.skip(f"{method} does not run the {model.FORM}")
    n = 70            # 8-lane blocks, a partial last one
    current = scale * stimulus(n)
    kwargs = dict(noise=scale * 2.0, seed=11, record=("v", "u"), record_neurons=[0, 33, 69],
                  record_dt=0.5, n_threads=2)
    whole = izhic.simulate(model, current, 1000.0, 0.1, method, **kwargs)
    parts = chained(model, current, [250.0] * 4, 0.1, method, **kwargs)
    assert whole.spike_times.n_spikes > 100
    for i in range(n):
        assert_array_equal(np.concatenate([p.spike_times[i] for p in parts]),
                           whole.spike_times[i])
    assert_array_equal(parts[-1].v_final, whole.v_final)
    assert_array_equal(parts[-1].u_final, whole.u_final)
    # traces: each piece starts with the sample its predecessor ended with
    for name in ("v", "u"):
        joined = np.concatenate([getattr(parts[0], name)] +
                                [getattr(p, name)[:, 1:] for p in parts[1:]], axis=1)
        assert_array_equal(joined, getattr(whole, name))
    assert_array_equal(np.concatenate([parts[0].t] + [p.t[1:] for p in parts[1:]]), whole.t)
    assert [p.t_start for p in parts] == [0.0, 250.0, 500.0, 750.0]
    assert parts[-1].t_stop == 1000.0 and parts[-1].state.step == 10000
    assert parts[1].seed == 11          # the state carries the seed on


def test_pieces_of_unequal_length_and_a_single_neuron():
    current = 10.0 + inputs.ramp(100.0, 0.01)
    whole = izhic.simulate("RS", current, 1000.0, 0.1, noise=1.0, seed=5)
    parts = chained("RS", current, [0.1, 99.9, 333.3, 566.7], 0.1, "rk4", noise=1.0)
    assert [p.seed for p in parts[1:]] == [parts[0].seed] * 3
    parts = chained("RS", current, [0.1, 99.9, 333.3, 566.7], 0.1, "rk4", noise=1.0, seed=5)
    assert_array_equal(np.concatenate([p.spike_times[0] for p in parts]), whole.spike_times[0])
    assert parts[-1].v_final[0] == whole.v_final[0]


def test_times_are_absolute_and_inside_the_run():
    first = izhic.simulate("RS", 30.0, 100.0, 0.1)
    rest = izhic.simulate("RS", 30.0, 0.3, 0.1, "euler", state=first.state)
    assert rest.t_start == 100.0 and rest.t_stop == 100.3
    times = rest.spike_times.times
    assert np.all((times > 100.0) & (times <= 100.3))
    assert rest.rates().shape == (1,)        # the default window is the run's own
    with pytest.raises(ValueError, match="t_start: 50.0 ms is before the start of the run"):
        rest.rates(50.0, 100.3)


def test_state_is_refused_with_a_clear_error():
    res = izhic.simulate("RS", [10.0, 20.0], 100.0, 0.1)
    with pytest.raises(ValueError, match=r"^dt: state= continues a run of dt=0.1 ms"):
        izhic.simulate("RS", [10.0, 20.0], 100.0, 0.25, state=res.state)
    with pytest.raises(ValueError, match=r"^state: holds 2 neurons, the run has 3"):
        izhic.simulate("RS", [10.0, 20.0, 30.0], 100.0, 0.1, state=res.state)
    with pytest.raises(ValueError, match=r"^v0: the initial state comes from state="):
        izhic.simulate("RS", [10.0, 20.0], 100.0, 0.1, state=res.state, v0=-70.0)
    with pytest.raises(TypeError, match=r"^state: expected an izhic.State"):
        izhic.simulate("RS", 10.0, 100.0, state={"v": 1})
    assert "t=100 ms" in repr(res.state)
    assert not res.state.v.flags.writeable
