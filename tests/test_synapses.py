"""Networks in the core: izhic.Synapses, events and Poisson input.

Oracles: tests/network_oracles.py's ring-buffer loop of net.m's neurons
(written from net.m and spnet, independent of izhic), and
izhic.reference.simulate_numpy (every method and form, plain NumPy)."""
import zlib

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import inputs
from izhic.reference import simulate_numpy

from network_oracles import net_m_delays, random_sparse_network

KINDS = [("current", None), ("voltage", None), ("exponential", 3.0)]
#: with a NumPy port (ps: tests/test_ps.py)
METHODS_2003 = tuple(m for m in izhic.Izhikevich2003.METHODS if m != "ps")
METHODS_2007 = tuple(m for m in izhic.Izhikevich2007.METHODS if m != "ps")


def _equal_to_reference(res, ref, min_spikes):
    assert res.spike_times.n_spikes > min_spikes
    assert_array_equal(res.spike_times.times, ref.spike_times.times)
    assert_array_equal(res.spike_times.offsets, ref.spike_times.offsets)
    assert_array_equal(res.v_final, ref.v_final)
    assert_array_equal(res.u_final, ref.u_final)


def _same_run(a, b):
    assert_array_equal(a.spike_times.times, b.spike_times.times)
    assert_array_equal(a.spike_times.offsets, b.spike_times.offsets)
    assert_array_equal(a.v_final, b.v_final)
    assert_array_equal(a.u_final, b.u_final)


def _random_synapses(rng, n, n_syn, kind, tau, dt, max_delay_steps=8, scale=1.0):
    pre = rng.integers(0, n, n_syn)
    post = rng.integers(0, n, n_syn)
    weight = scale * np.where(pre < 0.8 * n, 1.0, -2.0) * rng.random(n_syn)
    delay = dt * rng.integers(1, max_delay_steps + 1, n_syn)
    return izhic.Synapses(pre, post, weight, delay, kind=kind, tau=tau, n_neurons=n)


# ---------------------------------------------------------------------------
# storage
# ---------------------------------------------------------------------------

def test_storage_order_and_index():
    rng = np.random.default_rng(0)
    pre, post = rng.integers(0, 40, 3000), rng.integers(0, 40, 3000)
    weight, delay = rng.random(3000), rng.integers(1, 6, 3000).astype(float)
    syn = izhic.Synapses(pre, post, weight, delay)
    idx = syn.index
    assert_array_equal(syn.pre, pre[idx])
    assert_array_equal(syn.post, post[idx])
    assert_array_equal(syn.weight, weight[idx])
    assert_array_equal(syn.delay, delay[idx])
    key = (syn.pre * 10 + syn.delay) * 100 + syn.post
    assert (np.diff(key) >= 0).all()                  # by pre, then delay, then target
    assert syn.multapses                              # 3000 draws among 40 x 40 x 5
    assert syn.n_groups == np.unique(syn.pre * 10 + syn.delay).size
    # 12 bytes a synapse, 10 a group, 8 a neuron, the index, the delay table
    assert syn.nbytes == 12 * 3000 + 10 * syn.n_groups + 8 + 8 * 41 + 8 * 3000 + 8 * 5


def test_from_dense_matches_the_matrix():
    rng = np.random.default_rng(1)
    S = rng.random((30, 30)) * (rng.random((30, 30)) < 0.3)
    syn = izhic.Synapses.from_dense(S, delay=2.0)
    dense = np.zeros_like(S)
    dense[syn.post, syn.pre] = syn.weight
    assert_array_equal(dense, S)
    assert (syn.delay == 2.0).all() and not syn.multapses


def test_merge_and_with_weights():
    a = izhic.Synapses([0, 1], [1, 2], [1.0, 2.0], n_neurons=3)
    b = izhic.Synapses([2], [0], [3.0], delay=2.0, n_neurons=3)
    m = izhic.Synapses.merge(a, b)
    assert m.n_synapses == 3 and m.delay.tolist() == [1.0, 1.0, 2.0]
    w = m.with_weights([5.0, 6.0, 7.0])
    assert w.weight.tolist() == [5.0, 6.0, 7.0] and w.fingerprint() == m.fingerprint()
    with pytest.raises(ValueError, match="^weight"):
        m.with_weights([1.0])


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(pre=[0, 1], post=[1], weight=1.0), ValueError, "^post"),
    (dict(pre=[-1], post=[0], weight=1.0), ValueError, "^pre"),
    (dict(pre=[0.5], post=[0], weight=1.0), TypeError, "^pre"),
    (dict(pre=[0], post=[0], weight=[1.0, 2.0]), ValueError, "^weight"),
    (dict(pre=[0], post=[0], weight=np.nan), ValueError, "^weight"),
    (dict(pre=[0], post=[0], weight=1.0, delay=0.0), ValueError, "^delay"),
    (dict(pre=[0], post=[0], weight=1.0, kind="conductance"), ValueError, "^kind"),
    (dict(pre=[0], post=[0], weight=1.0, kind="exponential"), ValueError, "^tau"),
    (dict(pre=[0], post=[0], weight=1.0, tau=5.0), ValueError, "^tau"),
    (dict(pre=[0], post=[4], weight=1.0, n_neurons=3), ValueError, "^n_neurons"),
])
def test_synapses_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        izhic.Synapses(**kwargs)


def test_from_dense_bad_input():
    with pytest.raises(ValueError, match="^S"):
        izhic.Synapses.from_dense(np.ones((2, 3)))
    with pytest.raises(ValueError, match="^S"):
        izhic.Synapses.from_dense(np.full((2, 2), np.inf))


# ---------------------------------------------------------------------------
# delays: a spike found at the end of step k acts in step k + m
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, tau", KINDS)
@pytest.mark.parametrize("method", ["euler", "izhikevich2004", "izhikevich2003", "rk4"])
@pytest.mark.parametrize("dt", [1.0, 0.5, 0.1])
def test_delay_chain_arrives_at_the_documented_step(kind, tau, method, dt):
    """Neuron 0 fires once (an event); neurons 1-5 receive it with delays 1, 2,
    5, 10, 20 ms through a synapse strong enough to fire them in the arrival
    step: they spike at the end of that step, exactly t_0 + delay."""
    delays = np.array([1.0, 2.0, 5.0, 10.0, 20.0])
    # strong enough to cross the peak within the arrival step, not so strong
    # that the overshoot (which u sees in these methods) keeps it firing
    weight = {"current": 200.0 / dt, "voltage": 150.0, "exponential": 200.0 / dt}[kind]
    syn = izhic.Synapses(np.zeros(5, dtype=int), np.arange(1, 6), weight, delays, kind=kind,
                         tau=tau, n_neurons=6)
    kick = inputs.events([0], [3.0], 200.0 / dt)
    res = izhic.simulate("RS", kick, 30.0, dt, method, n_neurons=6, synapses=syn)
    t0 = res.spike_times[0]
    # one spike (rk4 resolves a kick this strong into several; the first counts)
    assert t0.size == 1 or method == "rk4"
    for j, d in enumerate(delays, start=1):
        tj = res.spike_times[j]
        assert tj.size >= 1
        if method == "rk4":
            # located inside the step that holds t0 + d (at its start when a
            # voltage jump lifts v over the peak)
            k_arrive = np.floor(t0[0] / dt - 1e-9) + round(d / dt)
            assert k_arrive * dt - 1e-12 <= tj[0] <= (k_arrive + 1) * dt + 1e-12
            if kind == "voltage":
                assert tj[0] == pytest.approx(k_arrive * dt, abs=1e-12)
        else:
            assert tj[0] == pytest.approx(t0[0] + d, abs=1e-9)


def test_delay_must_be_a_whole_number_of_steps():
    syn = izhic.Synapses([0], [1], 1.0, delay=1.25, n_neurons=2)
    with pytest.raises(ValueError, match=r"^delay: 1.25 ms is not a whole number of steps of "
                                         r"dt=0.5 ms .* nearest legal delay is 1 or 1.5 ms"):
        izhic.simulate("RS", 10.0, 10.0, 0.5, synapses=syn)
    short = izhic.Synapses([0], [1], 1.0, delay=0.05, n_neurons=2)
    with pytest.raises(ValueError, match="^delay: 0.05 ms .*at least one step"):
        izhic.simulate("RS", 10.0, 10.0, 0.1, synapses=short)


# ---------------------------------------------------------------------------
# every kind, method and form against the NumPy reference
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, tau", KINDS)
@pytest.mark.parametrize("method", METHODS_2003)
def test_kinds_equal_reference_2003(kind, tau, method):
    rng = np.random.default_rng(zlib.crc32(f"{kind}-{method}".encode()))
    n, dt = 40, 0.5
    syn = _random_synapses(rng, n, 600, kind, tau, dt, scale={"voltage": 3.0}.get(kind, 6.0))
    model = izhic.Izhikevich2003(a=0.02 + 0.08 * rng.random(n), b=0.2, c=-65.0,
                                 d=8 - 6 * rng.random(n))
    current = 4.0 + 6.0 * rng.random(n) + inputs.events(rng.integers(0, n, 20),
                                                        dt * rng.integers(0, 300, 20), 15.0)
    kw = dict(synapses=syn, noise=2.0, noise_kind="per_step", seed=7,
              poisson=inputs.poisson(20.0, 0.5, kind="voltage", n_sources=10))
    res = izhic.simulate(model, current, 150.0, dt, method, **kw)
    _equal_to_reference(res, simulate_numpy(model, current, 150.0, dt, method, **kw), 50)


@pytest.mark.parametrize("kind, tau", KINDS)
@pytest.mark.parametrize("method", METHODS_2007)
def test_kinds_equal_reference_2007(kind, tau, method):
    rng = np.random.default_rng(zlib.crc32(f"{kind}-{method}-2007".encode()))
    n, dt = 30, 0.25
    model = izhic.preset("RS", year=2007)
    syn = _random_synapses(rng, n, 400, kind, tau, dt,
                           scale={"voltage": 4.0}.get(kind, 300.0))
    current = 60.0 + 40.0 * rng.random(n)
    kw = dict(synapses=syn, noise=20.0, noise_kind="per_step", seed=3)
    res = izhic.simulate(model, current, 100.0, dt, method, **kw)
    _equal_to_reference(res, simulate_numpy(model, current, 100.0, dt, method, **kw), 20)


def test_current_kind_equals_the_independent_ring_buffer_loop():
    """net.m's neurons on a random sparse network with delays 1-20 ms against
    the tests' own loop (network_oracles.net_m_delays), with a recorded input."""
    n, T = 1000, 400
    net = random_sparse_network(3, n, 100, weight_scale=np.sqrt(10.0), max_delay=20)
    rng = np.random.default_rng(4)
    scale = np.r_[np.full(800, 5.0), np.full(200, 2.0)]
    thal = scale * rng.standard_normal((T, n))
    syn = izhic.Synapses(net.pre, net.post, net.weight, net.delay.astype(float), n_neurons=n)
    p = net.params
    model = izhic.Izhikevich2003(a=p.a, b=p.b, c=p.c, d=p.d)
    res = izhic.simulate(model, inputs.sampled(thal.T, 1.0), float(T), 1.0, "izhikevich2003",
                         synapses=syn, v0=-65.0, u0=p.b * -65.0, n_threads=2)
    # the loop sums a step's arrivals in the arrays' order within one spike:
    # give it izhic's storage order
    ora = net_m_delays(p.a, p.b, p.c, p.d, syn.pre, syn.post, syn.weight,
                       np.rint(syn.delay).astype(np.int64), T, thal)
    # the loop reports a spike at the start of the next step (net.m's time)
    expected = ora.spikes[ora.spikes[:, 0] >= 2]
    t, i = res.raster()
    got = np.stack([np.rint(t).astype(int) + 1, i], axis=1)
    got = got[np.lexsort((got[:, 1], got[:, 0]))]
    got = got[got[:, 0] <= T]
    expected = expected[np.lexsort((expected[:, 1], expected[:, 0]))]
    assert expected.shape[0] > 1000
    assert_array_equal(got, expected)


# ---------------------------------------------------------------------------
# threads, continuation, inputs
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def network_3000():
    net = random_sparse_network(2, 3000, 100, weight_scale=np.sqrt(10.0), max_delay=20)
    p = net.params
    model = izhic.Izhikevich2003(a=p.a, b=p.b, c=p.c, d=p.d)
    syn = izhic.Synapses(net.pre, net.post, net.weight, net.delay.astype(float), n_neurons=3000)
    noise = np.r_[np.full(2400, 5.0), np.full(600, 2.0)]
    return model, syn, noise


@pytest.mark.parametrize("method", ["izhikevich2003", "rk4"])
def test_identical_for_any_thread_count(network_3000, method):
    model, syn, noise = network_3000
    dt = 1.0 if method == "izhikevich2003" else 0.5
    kw = dict(synapses=syn, noise=noise, noise_kind="per_step", seed=1,
              poisson=inputs.poisson(5.0, 1.0, kind="exponential", tau=5.0, n_sources=3))
    runs = [izhic.simulate(model, 0.0, 300.0, dt, method, n_threads=t, **kw) for t in (1, 2, 3)]
    assert runs[0].spike_times.n_spikes > 1000
    for other in runs[1:]:
        _same_run(runs[0], other)


@pytest.mark.parametrize("kind, tau", KINDS)
def test_chained_state_runs_equal_one_run(kind, tau):
    """Cut a run at steps where spikes are in flight (delays up to 8 steps):
    the pieces, continued with state=, equal the whole run bit for bit."""
    rng = np.random.default_rng(11)
    n, dt = 300, 0.5
    syn = _random_synapses(rng, n, 6000, kind, tau, dt, scale={"voltage": 2.0}.get(kind, 3.0))
    model = izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8 - 6 * rng.random(n))
    kw = dict(synapses=syn, noise=3.0, noise_kind="per_step", seed=5,
              poisson=inputs.poisson(10.0, 2.0, kind="current", n_sources=5))
    current = 3.0 + inputs.events(rng.integers(0, n, 50), dt * rng.integers(0, 400, 50), 20.0)
    whole = izhic.simulate(model, current, 200.0, dt, "euler", **kw)
    a = izhic.simulate(model, current, 60.5, dt, "euler", n_threads=2, **kw)
    b = izhic.simulate(model, current, 77.0, dt, "euler", state=a.state, n_threads=3, **kw)
    # spikes in flight at the cuts
    assert a.state.in_flight[0].size + b.state.in_flight[0].size > 0
    c = izhic.simulate(model, current, 62.5, dt, "euler", state=b.state, **kw)
    assert_array_equal(c.v_final, whole.v_final)
    assert_array_equal(c.u_final, whole.u_final)
    assert_array_equal(c.state.syn, whole.state.syn)
    times = np.concatenate([r.spike_times.times for r in (a, b, c)])
    neurons = np.concatenate([r.spike_times.neurons for r in (a, b, c)])
    order = np.lexsort((times, neurons))
    assert_array_equal(times[order], whole.spike_times.times)
    assert_array_equal(neurons[order], whole.spike_times.neurons)


def test_state_remembers_its_network():
    syn = izhic.Synapses([0], [1], 1.0, n_neurons=2)
    other = izhic.Synapses([1], [0], 1.0, n_neurons=2)
    res = izhic.simulate("RS", 10.0, 20.0, 0.5, synapses=syn)
    with pytest.raises(ValueError, match="^state: comes from a run with other synapses"):
        izhic.simulate("RS", 10.0, 20.0, 0.5, synapses=other, state=res.state)
    plain = izhic.simulate("RS", 10.0, 20.0, 0.5, n_neurons=2)
    with pytest.raises(ValueError, match="^state: comes from a run without these synapses"):
        izhic.simulate("RS", 10.0, 20.0, 0.5, synapses=syn, state=plain.state)


def test_events_act_in_the_step_they_start():
    ev = inputs.events([0, 1, 1], [2.0, 4.0, 7.5], 3000.0)
    res = izhic.simulate("RS", ev, 12.0, 0.5, "euler", n_neurons=2)
    assert res.spike_times[0].tolist() == [2.5]
    assert res.spike_times[1].tolist() == [4.5, 8.0]
    with pytest.raises(ValueError, match="^current: the event time 2.3 ms is not a whole "
                                         "multiple of dt=0.5 ms"):
        izhic.simulate("RS", inputs.events([0], [2.3], 1.0), 10.0, 0.5)
    with pytest.raises(ValueError, match="^current: an event targets neuron 5"):
        izhic.simulate("RS", inputs.events([5], [1.0], 1.0), 10.0, 0.5, n_neurons=2)


def test_poisson_input_reproducibility():
    """The same seed gives the same input for any thread count, another seed
    other input; without a seed one is drawn and kept in the state."""
    model = izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8.0, v_peak=1e9)
    kw = dict(poisson=inputs.poisson(10.0, 0.01, kind="voltage", n_sources=1000), seed=2)
    a = izhic.simulate(model, 0.0, 50.0, 0.1, "euler", n_neurons=200, n_threads=1, **kw)
    b = izhic.simulate(model, 0.0, 50.0, 0.1, "euler", n_neurons=200, n_threads=2, **kw)
    assert_array_equal(a.v_final, b.v_final)
    c = izhic.simulate(model, 0.0, 50.0, 0.1, "euler", n_neurons=200,
                       poisson=kw["poisson"], seed=3)
    assert not np.array_equal(a.v_final, c.v_final)
    d = izhic.simulate(model, 0.0, 50.0, 0.1, "euler", n_neurons=200, poisson=kw["poisson"])
    e = izhic.simulate(model, 0.0, 50.0, 0.1, "euler", n_neurons=200, poisson=kw["poisson"],
                       seed=d.state.seed)
    assert_array_equal(d.v_final, e.v_final)


def test_poisson_counts_have_the_poisson_law():
    from izhic import _noise

    lam = 0.7
    keys = [_noise.stream_key(9, i, _noise.C_POISSON) for i in range(200)]
    counts = np.array([[_noise.poisson_count(k, s, np.exp(-lam), lam) for s in range(100)]
                       for k in keys])
    assert counts.mean() == pytest.approx(lam, abs=0.04)
    assert counts.var() == pytest.approx(lam, abs=0.06)
    assert (counts == 0).mean() == pytest.approx(np.exp(-lam), abs=0.02)


@pytest.mark.parametrize("bad, match", [
    (dict(synapses="S"), "^synapses"),
    (dict(synapses=izhic.Synapses([0], [1], 1.0, n_neurons=5)), "^synapses\\[0\\]: connects 5"),
    (dict(poisson="many"), "^poisson"),
    (dict(poisson=inputs.poisson(1e5, 1.0, n_sources=1000), seed=1), "^poisson"),
])
def test_network_bad_input(bad, match):
    with pytest.raises((TypeError, ValueError), match=match):
        izhic.simulate("RS", 10.0, 10.0, 0.5, n_neurons=3, **bad)


def test_too_many_time_constants():
    syns = [izhic.Synapses([0], [1], 1.0, kind="exponential", tau=t, n_neurons=2)
            for t in (1.0, 2.0, 3.0, 4.0, 5.0)]
    with pytest.raises(ValueError, match="^synapses: at most 4 time constants"):
        izhic.simulate("RS", 10.0, 10.0, 0.5, synapses=syns)


def test_the_network_sets_the_population_size():
    syn = izhic.Synapses([0], [1], 1.0, n_neurons=7)
    assert izhic.simulate("RS", 10.0, 10.0, 0.5, synapses=syn).n_neurons == 7


def test_list_of_synapse_objects_sums_in_order():
    """Two objects of one kind act like their merge when no target gets two
    inputs in one step (the order of a step's sum is by object then storage)."""
    a = izhic.Synapses([0], [1], 800.0, delay=1.0, n_neurons=3)
    b = izhic.Synapses([0], [2], 800.0, delay=2.0, n_neurons=3)
    kick = inputs.events([0], [1.0], 4000.0)
    one = izhic.simulate("RS", kick, 10.0, 0.5, "euler", n_neurons=3,
                         synapses=izhic.Synapses.merge(a, b))
    two = izhic.simulate("RS", kick, 10.0, 0.5, "euler", n_neurons=3, synapses=[a, b])
    _same_run(one, two)
