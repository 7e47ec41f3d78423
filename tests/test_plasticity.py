"""Plasticity (izhic.STDP, izhic.network.polychronization_2006).

Oracles:

* spnet: ``network_oracles.spnet``, a line-by-line NumPy transcription of
  Izhikevich's spnet.m (its own targets draw, its own delivery and STDP
  loops): izhic's spikes and final weights must equal it spike for spike and
  bit for bit;
* additive STDP: :func:`additive_oracle` below, a plain loop over steps and
  synapses written from the rule's documentation (izhic.plasticity), with
  net.m's neuron update (``network_oracles.update_2003``);
* every synapse kind, method and model form: ``izhic.reference.simulate_numpy``
  (the reference implements both rules step by step in NumPy).
"""
import _thread
import math
import threading
import zlib

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import inputs
from izhic.network import polychronization_2006, spnet_network, spnet_targets
from izhic.reference import simulate_numpy
from izhic.result import State

from network_oracles import SPIKE_PEAK, spnet, spnet_kicks, update_2003
from network_oracles import spnet_network as oracle_targets

KINDS = [("current", None), ("voltage", None), ("exponential", 3.0)]


# ---------------------------------------------------------------------------
# spnet, exactly
# ---------------------------------------------------------------------------

def _spnet_columns(post, syn):
    """For each stored synapse (storage order), its column m in spnet's row."""
    n, m = post.shape
    col = np.empty(syn.n_synapses, dtype=np.int64)
    for k in range(n):
        sel = np.flatnonzero(syn.pre == k)
        delay = np.where(k < 800, np.arange(m) // 5 + 1, 1)
        col[sel] = np.lexsort((post[k], delay))    # storage: by delay, then target
    return col


def _oracle_spikes_as_izhic(spikes, T):
    """The oracle's (t, neuron) (found at the start of step t) as izhic's
    (end of the step before: t - 1 ms), sorted by (t, neuron)."""
    got = spikes[spikes[:, 0] <= T]
    return got[np.lexsort((got[:, 1], got[:, 0]))]


def _izhic_spikes(times, neurons, T):
    got = np.stack([np.rint(times).astype(np.int64) + 1, np.asarray(neurons)], axis=1)
    got = got[got[:, 0] <= T]
    return got[np.lexsort((got[:, 1], got[:, 0]))]


def _check_spnet_exact(seconds, seed):
    T = 1000 * seconds
    net = polychronization_2006(float(T), seed=seed, keep_events=True, keep_spikes=True,
                                n_threads=2)
    post = oracle_targets(seed)           # the tests' own draw of spnet.cpp's targets
    assert_array_equal(post, spnet_targets(np.random.default_rng(seed)))
    kicks = net.events.neuron
    assert_array_equal(net.events.time, np.arange(T, dtype=np.float64))
    assert np.all(net.events.amplitude == 20.0)
    ref = spnet(post, kicks)
    # izhic's spikes found in the last step would be the oracle's step T + 1
    assert_array_equal(_izhic_spikes(*net.raster(), T), _oracle_spikes_as_izhic(ref.spikes, T))
    col = _spnet_columns(post, net.synapses)
    assert_array_equal(net.weights, ref.s[net.synapses.pre, col])
    # the derivatives: izhic's state also holds the potentiation by the spikes
    # found in its last step, which the oracle would apply in its step T + 1
    sd = net.state.plastic["sd"][0]
    last = np.isin(net.synapses.post, np.flatnonzero(ref.v >= 30))
    same = net.excitatory & ~last
    assert_array_equal(sd[same], ref.sd[net.synapses.pre, col][same])
    # the oracle's v is not yet reset for the spikes izhic found in its last step
    assert_array_equal(net.state.v, np.where(ref.v >= 30, -65.0, ref.v))
    return net, ref


def test_spnet_equals_the_numpy_transcription_of_spnet_m():
    net, ref = _check_spnet_exact(3, seed=1)
    assert ref.spikes.shape[0] > 15000
    assert np.any(net.weights[net.excitatory] != 6.0)       # the rule acted


@pytest.mark.slow
def test_spnet_equals_the_numpy_transcription_for_10_seconds():
    net, ref = _check_spnet_exact(10, seed=4)
    assert ref.spikes.shape[0] > 40000
    w = net.weights[net.excitatory]
    assert w.min() < 6.0 < w.max()


def test_random_events_equal_explicit_events():
    """spnet's input generated in the kernel = the same input as events."""
    model, syn = spnet_network(2)
    stdp = izhic.STDP.izhikevich2006(plastic=syn.pre < 800)
    kicks = inputs.random_events(20.0)
    kw = dict(synapses=syn, plasticity=stdp, v0=-65.0, u0=-13.0)
    a = izhic.simulate(model, kicks, 1500.0, 1.0, "izhikevich2003", seed=9, **kw)
    ev = kicks.events(1000, 1500.0, 1.0, 9)
    assert np.all(np.bincount(ev.neuron, minlength=1000) < 10)     # uniform: ~1.5 each
    b = izhic.simulate(model, ev, 1500.0, 1.0, "izhikevich2003", **kw)
    assert_array_equal(a.spike_times.times, b.spike_times.times)
    assert_array_equal(a.weights, b.weights)
    # and the kicks of another seed differ
    assert not np.array_equal(kicks.events(1000, 1500.0, 1.0, 10).neuron, ev.neuron)


def test_horner_polynomial_is_spnets_rounding():
    """(0.04 v + 5) v + 140 and 0.04 v^2 + 5 v + 140 round differently: the
    option reproduces the first bit for bit (net.m's half steps)."""
    v = np.linspace(-80.0, 30.0, 100001)
    assert np.any((0.04 * v + 5) * v + 140 != 0.04 * v ** 2 + 5 * v + 140)
    model = izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8.0, horner=True)
    current = 5.0 + 10.0 * np.random.default_rng(0).random(50)
    res = izhic.simulate(model, current, 200.0, 1.0, "izhikevich2003", v0=-65.0, u0=-13.0)
    v, u = np.full(50, -65.0), np.full(50, -13.0)
    spikes = 0
    for _ in range(200):
        fired = v >= 30
        spikes += int(fired.sum())
        v[fired], u[fired] = -65.0, u[fired] + 8.0
        v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + current)
        v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + current)
        u = u + 0.02 * (0.2 * v - u)
    fired = v >= 30
    spikes += int(fired.sum())
    v[fired] = -65.0
    assert res.spike_times.n_spikes == spikes > 100
    assert_array_equal(res.v_final, v)


# ---------------------------------------------------------------------------
# additive STDP against its own oracle
# ---------------------------------------------------------------------------

def _decay(x, steps, tau):
    return 0.0 if x == 0.0 else x * math.exp(-(float(steps) * 1.0) / tau)


def additive_oracle(a, b, c, d, pre, post, weight, delay, plastic, current, T, p):
    """Pair-based additive STDP on net.m's neurons (dt = 1 ms), as documented.

    In the oracle's steps t = 1..T (izhic's step t - 1, starting at t - 1 ms):
    the neurons with v >= 30 at the start of step t fired at t - 1 ms
    (izhic's spike time): reset; each one's trace apost decays to t - 1 and
    gains a_minus; each plastic synapse onto it gains its apre decayed to
    t - 1 (clipped). Then the arrivals of step t (spikes found at the start
    of step t - m + 1 on synapses of delay m), in the canonical order: their
    weights are summed into the input, and then, synapse by synapse: apre
    decays to t - 1 and gains a_plus; w loses its target's apost decayed to
    t - 1 (clipped). Then net.m's update. After step T the spikes found at
    its end are recorded (time T) and potentiate. -> (spikes (t ms, i), w)."""
    n = a.size
    w = weight.copy()
    apre, tpre = np.zeros(w.size), np.zeros(w.size, dtype=np.int64)
    apost, tpost = np.zeros(n), np.zeros(n, dtype=np.int64)
    D = int(delay.max())
    by_group = {}
    for s in range(w.size):                        # storage order within a group
        by_group.setdefault((int(pre[s]), int(delay[s])), []).append(s)
    onto = [[s for s in range(w.size) if post[s] == i and plastic[s]] for i in range(n)]
    v, u = np.full(n, -65.0), b * -65.0
    history = []                                   # fired arrays, newest first
    spikes = []

    def post_events(fired, now):
        for i in fired:
            apost[i] = _decay(apost[i], now - tpost[i], p["tau_minus"]) + p["a_minus"]
            tpost[i] = now
            for s in onto[i]:
                w[s] = min(max(w[s] + _decay(apre[s], now - tpre[s], p["tau_plus"]),
                               p["w_min"]), p["w_max"])

    for t in range(1, T + 1):
        now = t - 1
        fired = np.flatnonzero(v >= SPIKE_PEAK)
        spikes += [(now, int(i)) for i in fired]
        v[fired] = c[fired]
        u[fired] = u[fired] + d[fired]
        post_events(fired, now)
        history.insert(0, fired)
        del history[D:]
        arrivals = [s for m, fired_then in enumerate(history, start=1)
                    for j in fired_then[::-1] for s in by_group.get((int(j), m), [])]
        syn = np.zeros(n)
        for s in arrivals:
            syn[post[s]] = syn[post[s]] + w[s]
        for s in arrivals:
            if not plastic[s]:
                continue
            apre[s] = _decay(apre[s], now - tpre[s], p["tau_plus"]) + p["a_plus"]
            tpre[s] = now
            i = post[s]
            w[s] = min(max(w[s] - _decay(apost[i], now - tpost[i], p["tau_minus"]),
                           p["w_min"]), p["w_max"])
        v, u = update_2003(v, u, a, b, current, syn)
    fired = np.flatnonzero(v >= SPIKE_PEAK)
    spikes += [(T, int(i)) for i in fired]
    post_events(fired, T)
    return np.array(sorted(spikes), dtype=np.int64).reshape(-1, 2), w


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_additive_stdp_equals_its_oracle(seed):
    rng = np.random.default_rng(100 + seed)
    n, n_syn, T = 30, 300, 400
    pre, post = rng.integers(0, n, n_syn), rng.integers(0, n, n_syn)
    delay = rng.integers(1, 8, n_syn).astype(np.float64)
    weight = np.where(pre < 24, 4.0, -6.0) * rng.random(n_syn)
    syn = izhic.Synapses(pre, post, weight, delay, n_neurons=n)
    a = 0.02 + 0.08 * rng.random(n)
    b, c, d = np.full(n, 0.2), np.full(n, -65.0), 8.0 - 6.0 * rng.random(n)
    current = 3.0 + 7.0 * rng.random(n)
    plastic = (syn.pre < 24) & (rng.random(n_syn) < 0.8)
    params = dict(tau_plus=16.8, tau_minus=33.7, a_plus=0.3, a_minus=0.35, w_min=0.0,
                  w_max=5.0)
    stdp = izhic.STDP.additive(plastic=plastic, **params)
    res = izhic.simulate(izhic.Izhikevich2003(a=a, b=b, c=c, d=d), current, float(T), 1.0,
                         "izhikevich2003", synapses=syn, plasticity=stdp, v0=-65.0,
                         u0=b * -65.0)
    spikes, w = additive_oracle(a, b, c, d, syn.pre, syn.post, syn.weight,
                                syn.delay.astype(np.int64), plastic, current, T, params)
    t, i = res.raster()
    got = np.stack([np.rint(t).astype(np.int64), i], axis=1)
    got = got[np.lexsort((got[:, 1], got[:, 0]))]
    assert got.shape[0] > 200
    assert_array_equal(got, spikes)
    assert_array_equal(res.weights, w)
    changed = res.weights != syn.weight
    assert changed[plastic].mean() > 0.5 and not changed[~plastic].any()
    assert np.any(res.weights == 0.0) or np.any(res.weights == 5.0)    # the clip acted


def test_additive_pairing_signs():
    """One synapse, pre 5 ms before post: potentiation a_plus exp(-5/tau+);
    post 5 ms before pre: depression a_minus exp(-5/tau-)."""
    syn = izhic.Synapses([0], [1], [1.0], [1.0], kind="voltage", n_neurons=2)
    stdp = izhic.STDP.additive(tau_plus=20.0, tau_minus=10.0, a_plus=0.1, a_minus=0.2,
                               w_max=5.0)
    model = izhic.preset("RS")
    # neuron 0 kicked at 10 ms (fires in that step), neuron 1 at 16 ms
    for t0, t1, sign in [(10.0, 16.0, +1), (16.0, 10.0, -1)]:
        ev = inputs.events([0, 1], [t0, t1], 100.0)
        res = izhic.simulate(model, ev, 40.0, 1.0, "izhikevich2003", synapses=syn,
                             plasticity=stdp)
        t, i = res.raster()
        t_pre, t_post = float(t[i == 0][0]), float(t[i == 1][0])
        arrival = t_pre + 1.0 - 1.0      # found in step k (time t_{k+1}), arrives in k + 1
        dw = float(res.weights[0]) - 1.0
        if sign > 0:
            assert dw == pytest.approx(0.1 * math.exp(-(t_post - arrival) / 20.0), rel=1e-12)
        else:
            assert dw == pytest.approx(-0.2 * math.exp(-(arrival - t_post) / 10.0), rel=1e-12)


# ---------------------------------------------------------------------------
# every kind, method and form against the reference
# ---------------------------------------------------------------------------

def _rule(name, mask, w_max):
    if name == "additive":
        return izhic.STDP.additive(a_plus=0.1, a_minus=0.12, w_max=w_max, plastic=mask)
    return izhic.STDP.izhikevich2006(update_interval=20.0, w_max=w_max, plastic=mask)


@pytest.mark.parametrize("rule", ["additive", "izhikevich2006"])
@pytest.mark.parametrize("kind, tau", KINDS)
@pytest.mark.parametrize("method", [m for m in izhic.Izhikevich2003.METHODS if m != "ps"])
def test_rules_equal_reference_2003(rule, kind, tau, method):
    rng = np.random.default_rng(zlib.crc32(f"{rule}-{kind}-{method}".encode()))
    n, dt = 40, 0.5
    pre, post = rng.integers(0, n, 600), rng.integers(0, n, 600)
    scale = 3.0 if kind == "voltage" else 6.0
    syn = izhic.Synapses(pre, post, np.where(pre < 32, 1.0, -2.0) * rng.random(600) * scale,
                         dt * rng.integers(1, 9, 600), kind=kind, tau=tau, n_neurons=n)
    kw = dict(synapses=syn, noise=2.0, noise_kind="per_step", seed=7,
              plasticity=_rule(rule, syn.pre < 32, 8.0))
    current = 5.0 + inputs.random_events(30.0)
    res = izhic.simulate("RS", current, 150.0, dt, method, **kw)
    ref = simulate_numpy("RS", current, 150.0, dt, method, **kw)
    assert res.spike_times.n_spikes > 100
    assert_array_equal(res.spike_times.times, ref.spike_times.times)
    assert_array_equal(res.weights, ref.weights[0])
    assert np.sum(res.weights != syn.weight) > 50


@pytest.mark.parametrize("rule", ["additive", "izhikevich2006"])
@pytest.mark.parametrize("method", [m for m in izhic.Izhikevich2007.METHODS if m != "ps"])
def test_rules_equal_reference_2007(rule, method):
    rng = np.random.default_rng(zlib.crc32(f"{rule}-{method}-2007".encode()))
    n, dt = 30, 0.25
    pre, post = rng.integers(0, n, 400), rng.integers(0, n, 400)
    syn = izhic.Synapses(pre, post, np.where(pre < 24, 1.0, -2.0) * 300.0 * rng.random(400),
                         dt * rng.integers(1, 9, 400), kind="exponential", tau=3.0,
                         n_neurons=n)
    kw = dict(synapses=syn, noise=20.0, noise_kind="per_step", seed=3,
              plasticity=_rule(rule, syn.pre < 24, 400.0))
    model = izhic.preset("RS", year=2007)
    current = 60.0 + 40.0 * rng.random(n)
    res = izhic.simulate(model, current, 100.0, dt, method, **kw)
    ref = simulate_numpy(model, current, 100.0, dt, method, **kw)
    assert res.spike_times.n_spikes > 20
    assert_array_equal(res.spike_times.times, ref.spike_times.times)
    assert_array_equal(res.weights, ref.weights[0])


@pytest.mark.parametrize("variant", ["G", "R"])
def test_rules_on_2004_variants_equal_reference(variant):
    """The 2004 variants (panel G's polynomial, panel R's accommodation)."""
    model = (izhic.Izhikevich2003(a=0.02, b=-0.1, c=-55.0, d=6.0, linear=4.1, constant=108.0)
             if variant == "G" else
             izhic.Izhikevich2003(a=0.02, b=1.0, c=-55.0, d=4.0, recovery="accommodation"))
    rng = np.random.default_rng(5)
    n = 20
    pre, post = rng.integers(0, n, 200), rng.integers(0, n, 200)
    syn = izhic.Synapses(pre, post, 2.0 * rng.random(200), 0.25 * rng.integers(1, 5, 200),
                         kind="voltage", n_neurons=n)
    kw = dict(synapses=syn, plasticity=izhic.STDP.additive(a_plus=0.05, w_max=3.0),
              noise=1.0, noise_kind="per_step", seed=2)
    current = 40.0 + 20.0 * rng.random(n)
    res = izhic.simulate(model, current, 200.0, 0.25, "euler", **kw)
    ref = simulate_numpy(model, current, 200.0, 0.25, "euler", **kw)
    assert_array_equal(res.spike_times.times, ref.spike_times.times)
    assert_array_equal(res.weights, ref.weights[0])


# ---------------------------------------------------------------------------
# threads, chained runs, checkpoints
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ["additive", "izhikevich2006"])
def test_plastic_runs_are_thread_invariant_and_chain(rule):
    rng = np.random.default_rng(11)
    n = 2000
    pre, post = rng.integers(0, n, 100 * n), rng.integers(0, n, 100 * n)
    weight = np.where(pre < 1600, 0.5, -1.0) * rng.random(pre.size)
    syn = izhic.Synapses(pre, post, weight, rng.integers(1, 21, pre.size).astype(float),
                         n_neurons=n)
    stdp = _rule(rule, syn.pre < 1600, 1.0)
    model = izhic.preset("RS")
    kw = dict(synapses=syn, plasticity=stdp, noise=5.0, noise_kind="per_step", seed=4)
    ref = izhic.simulate(model, 0.0, 300.0, 1.0, "izhikevich2003", n_threads=1, **kw)
    assert ref.spike_times.n_spikes > 500
    for nt in (2, 3, 8):
        res = izhic.simulate(model, 0.0, 300.0, 1.0, "izhikevich2003", n_threads=nt, **kw)
        assert_array_equal(res.spike_times.times, ref.spike_times.times)
        assert_array_equal(res.weights, ref.weights)
    first = izhic.simulate(model, 0.0, 140.0, 1.0, "izhikevich2003", n_threads=2, **kw)
    rest = izhic.simulate(model, 0.0, 160.0, 1.0, "izhikevich2003", n_threads=1,
                          state=first.state, **kw)
    assert_array_equal(rest.weights, ref.weights)
    assert_array_equal(rest.v_final, ref.v_final)
    # and through a file
    arrays = first.state.to_arrays()
    again = izhic.simulate(model, 0.0, 160.0, 1.0, "izhikevich2003",
                           state=State.from_arrays(arrays), **kw)
    assert_array_equal(again.weights, ref.weights)


def test_state_save_load_roundtrip(tmp_path):
    model, syn = spnet_network(3)
    stdp = izhic.STDP.izhikevich2006(plastic=syn.pre < 800)
    kw = dict(synapses=syn, plasticity=stdp, seed=5)
    a = izhic.simulate(model, inputs.random_events(20.0), 2000.0, 1.0, "izhikevich2003",
                       v0=-65.0, u0=-13.0, **kw)
    path = tmp_path / "state.npz"
    a.state.save(path)
    loaded = State.load(path)
    assert loaded.step == a.state.step and loaded.seed == 5 and loaded.network == a.state.network
    assert_array_equal(loaded.in_flight[0], a.state.in_flight[0])
    assert_array_equal(loaded.plastic["traces"], a.state.plastic["traces"])
    b1 = izhic.simulate(model, inputs.random_events(20.0), 1000.0, 1.0, "izhikevich2003",
                        state=a.state, **kw)
    b2 = izhic.simulate(model, inputs.random_events(20.0), 1000.0, 1.0, "izhikevich2003",
                        state=loaded, **kw)
    assert_array_equal(b1.weights, b2.weights)
    assert_array_equal(b1.spike_times.times, b2.spike_times.times)
    np.savez(tmp_path / "other.npz", v=np.zeros(3))
    with pytest.raises(ValueError, match="not an izhic state"):
        State.load(tmp_path / "other.npz")


def _same_net(a, b):
    assert_array_equal(a.weights, b.weights)
    assert_array_equal(a.spikes_per_second, b.spikes_per_second)
    assert_array_equal(a.weight_histograms, b.weight_histograms)
    assert_array_equal(a.weight_times, b.weight_times)
    assert_array_equal(a.tail_counts, b.tail_counts)
    for x, y in zip(a.last_second + a.first_second, b.last_second + b.first_second):
        assert_array_equal(x, y)
    assert_array_equal(a.state.v, b.state.v)


def test_checkpoint_resume_equals_uninterrupted(tmp_path):
    whole = polychronization_2006(6000.0, seed=2, segment=2000.0, weight_times=[0, 3000])
    path = tmp_path / "run.npz"
    half = polychronization_2006(4000.0, seed=2, segment=2000.0, checkpoint=path,
                                 checkpoint_every=2000.0, weight_times=[0, 3000])
    assert half.complete and half.duration == 4000.0
    resumed = polychronization_2006(6000.0, seed=2, segment=2000.0, checkpoint=path,
                                    resume=True, weight_times=[0, 3000])
    _same_net(whole, resumed)
    assert_array_equal(whole.raster()[0], resumed.raster()[0])
    assert_array_equal(whole.raster()[1], resumed.raster()[1])
    assert list(whole.weight_times) == [0.0, 3000.0, 6000.0]
    with pytest.raises(ValueError, match="seed"):
        polychronization_2006(6000.0, seed=3, checkpoint=path, resume=True)


def test_ctrl_c_keeps_the_completed_segments(tmp_path):
    """An interrupt (as Ctrl-C sends it) during the run: the result holds
    the completed segments, a checkpoint is written, resuming it gives the
    uninterrupted run."""
    path = tmp_path / "run.npz"
    timer = threading.Timer(0.4, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.warns(RuntimeWarning, match="interrupted"):
            part = polychronization_2006(3_600_000.0, seed=6, segment=1000.0, checkpoint=path,
                                         keep_spikes=True)
    finally:
        timer.cancel()
    assert not part.complete
    assert 0 < part.duration < 3_600_000.0 and part.duration % 1000.0 == 0
    assert part.spikes_per_second.shape[0] == part.duration / 1000.0
    assert part.state.t == part.duration
    assert part.raster()[0].size == part.spikes_per_second.sum()
    whole = polychronization_2006(part.duration, seed=6, segment=1000.0)
    assert_array_equal(whole.weights, part.weights)
    assert_array_equal(whole.spikes_per_second, part.spikes_per_second)
    resumed = polychronization_2006(part.duration + 2000.0, seed=6, segment=1000.0,
                                    checkpoint=path, resume=True)
    longer = polychronization_2006(part.duration + 2000.0, seed=6, segment=1000.0)
    _same_net(longer, resumed)


def test_polychronization_statistics():
    net = polychronization_2006(3000.0, seed=1)
    t, i = net.raster()
    assert np.all(np.diff(t) >= 0) and t[0] > 0 and t[-1] <= 3000.0
    assert net.spikes_per_second.shape == (3, 2)
    assert net.spikes_per_second.sum() == t.size
    assert net.spikes_per_second[0, 0] == np.sum((t <= 1000) & (i < 800))
    assert_array_equal(net.first_second[0], t[t <= 1000])
    assert_array_equal(net.last_second[1], i[t > 2000])
    assert net.tail_counts.sum() == t.size and net.tail_counts.size == 3000
    assert list(net.weight_times) == [0.0, 3000.0]
    assert np.all(net.weight_histograms.sum(axis=1) == 80000)
    assert net.weight_histograms[0, 30] == 80000            # every weight 6 at the start
    f = net.weight_fractions()
    assert math.isclose(f["below"] + f["between"] + f["above"], 1.0)
    freq, power = net.spectrum()
    assert freq[0] == 0.0 and power.shape == freq.shape
    sec, re, ri = net.rates()
    assert re[0] == net.spikes_per_second[0, 0] / 800
    assert net.synapses.n_synapses == 100_000 and np.all(net.synapses.weight[:80000] == 6.0)
    assert net.events is None
    long = polychronization_2006(0.0, seed=1)
    assert long.duration == 0 and long.weights.shape == (100_000,)


def test_thread_count_does_not_change_spnet():
    a = polychronization_2006(2000.0, seed=3, n_threads=1)
    b = polychronization_2006(2000.0, seed=3, n_threads=3)
    _same_net(a, b)


def test_kicks_are_spnet_uniform():
    ev = inputs.random_events(20.0).events(1000, 200_000.0, 1.0, 1)
    counts = np.bincount(ev.neuron, minlength=1000)
    assert counts.size == 1000
    # 200 kicks per neuron on average: chi-square with 999 degrees of freedom
    chi2 = np.sum((counts - 200.0) ** 2 / 200.0)
    assert 850 < chi2 < 1150
    # the oracle draws its own kicks from NumPy: same law, another stream
    assert np.bincount(spnet_kicks(1, 200_000), minlength=1000).size == 1000


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

def _small():
    syn = izhic.Synapses([0, 1], [1, 0], [1.0, 1.0], [1.0, 2.0], n_neurons=2)
    return syn


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(rule="hebb"), ValueError, "rule"),
    (dict(rule="additive", trace_decay=0.9), TypeError, "trace_decay"),
    (dict(rule="izhikevich2006", trace_decay=1.5), ValueError, "trace_decay"),
    (dict(rule="additive", tau_plus=0.0), ValueError, "tau_plus"),
    (dict(rule="additive", a_minus=-1.0), ValueError, "a_minus"),
    (dict(rule="additive", w_min=2.0, w_max=1.0), ValueError, "w_max"),
    (dict(rule="additive", a_plus=float("nan")), ValueError, "a_plus"),
    (dict(rule="additive", plastic=[1, 0]), TypeError, "plastic"),
])
def test_stdp_bad_input(kwargs, exc, match):
    rule = kwargs.pop("rule")
    with pytest.raises(exc, match=match):
        izhic.STDP(rule, **kwargs)


def test_plasticity_bad_use():
    syn = _small()
    other = izhic.Synapses([0], [1], [1.0], [1.0], n_neurons=2)
    with pytest.raises(ValueError, match="plasticity: needs synapses"):
        izhic.simulate("RS", 10.0, 10.0, 1.0, plasticity=izhic.STDP.additive())
    with pytest.raises(ValueError, match="plastic mask has 3"):
        izhic.simulate("RS", 10.0, 10.0, 1.0, synapses=syn,
                       plasticity=izhic.STDP.additive(plastic=np.ones(3, bool)))
    with pytest.raises(ValueError, match="one rule"):
        izhic.simulate("RS", 10.0, 10.0, 1.0, synapses=[syn, other],
                       plasticity=[izhic.STDP.additive(), izhic.STDP.izhikevich2006()])
    with pytest.raises(ValueError, match="one rule"):
        izhic.simulate("RS", 10.0, 10.0, 1.0, synapses=[syn, other],
                       plasticity=[izhic.STDP.additive(), izhic.STDP.additive(a_plus=0.5)])
    with pytest.raises(ValueError, match="one rule .or None. per Synapses"):
        izhic.simulate("RS", 10.0, 10.0, 1.0, synapses=[syn, other],
                       plasticity=[izhic.STDP.additive()])
    with pytest.raises(TypeError, match="plasticity"):
        izhic.simulate("RS", 10.0, 10.0, 1.0, synapses=syn, plasticity="stdp")
    with pytest.raises(ValueError, match="update_interval"):
        izhic.simulate("RS", 10.0, 9.9, 0.3, synapses=izhic.Synapses(
            [0], [1], [1.0], [0.3], n_neurons=2),
            plasticity=izhic.STDP.izhikevich2006(update_interval=1.0))
    res = izhic.simulate("RS", 10.0, 10.0, 1.0, synapses=syn,
                         plasticity=izhic.STDP.additive())
    with pytest.raises(ValueError, match="plastic run"):
        izhic.simulate("RS", 10.0, 10.0, 1.0, synapses=syn, state=res.state)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(duration=1500.0), ValueError, "duration"),
    (dict(duration=-1000.0), ValueError, "duration"),
    (dict(duration=1000.0, seed=-1), TypeError, "seed"),
    (dict(duration=1000.0, seed=1.5), TypeError, "seed"),
    (dict(duration=1000.0, segment=500.0), ValueError, "segment"),
    (dict(duration=1000.0, weight_times=[500.0]), ValueError, "weight_times"),
    (dict(duration=1000.0, resume=True), ValueError, "resume"),
    (dict(duration=1000.0, checkpoint_every=0.0), ValueError, "checkpoint_every"),
])
def test_polychronization_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        polychronization_2006(**kwargs)


def test_raster_needs_keep_spikes():
    net = polychronization_2006(1000.0, seed=0, keep_spikes=False)
    with pytest.raises(ValueError, match="keep_spikes"):
        net.raster()
    assert net.first_second[0].size == net.spikes_per_second.sum()


def test_small_networks_stay_on_one_thread_by_default():
    """A network meets at a barrier every window (every step when plastic):
    with n_threads=None, spnet's 1000 neurons run on one thread (two were
    slower on 2 cores, and 6-8x slower with another process on a core)."""
    from izhic._plan import build_plan

    model, syn = spnet_network(0)
    stdp = izhic.STDP.izhikevich2006(plastic=syn.pre < 800)
    kw = dict(synapses=syn, plasticity=stdp, v0=-65.0, u0=-13.0, seed=1)
    auto = build_plan(model, inputs.random_events(20.0), 1000.0, 1.0, "izhikevich2003", **kw)
    assert auto.n_threads == 1
    two = build_plan(model, inputs.random_events(20.0), 1000.0, 1.0, "izhikevich2003",
                     n_threads=2, **kw)
    assert two.n_threads == 2


def _exact_c_loops():
    """benchmarks/network_loops.c built without FMA contraction (spnet.m's
    arithmetic, an independent C loop of it), or skip."""
    import importlib.util
    import sys
    from pathlib import Path

    mod = sys.modules.get("network_loops")
    if mod is None:
        path = Path(__file__).resolve().parent.parent / "benchmarks" / "network_loops.py"
        spec = importlib.util.spec_from_file_location("network_loops", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["network_loops"] = mod
        spec.loader.exec_module(mod)
    try:
        return mod.load("exact")
    except mod.LoopsUnavailable as exc:
        pytest.skip(f"C network loops unavailable: {exc}")


@pytest.mark.slow
def test_five_minutes_of_spnet_equal_the_c_loop_of_spnet_m():
    """polychronization_2006 (its in-kernel input) for 300 s of model time,
    past the weights' bimodal split: every spike and every final weight
    equal a C loop of spnet.m given the same kicks (benchmarks/spnet_hour.py
    does the hour: equal too)."""
    loops = _exact_c_loops()
    seed, T = 7, 300_000
    net = polychronization_2006(float(T), seed=seed, keep_spikes=True, keep_events=True)
    post = oracle_targets(seed)
    c = loops.spnet(post, kicks=net.events.neuron)
    assert c.spikes.shape[0] > 1_000_000
    assert_array_equal(_izhic_spikes(*net.raster(), T), _oracle_spikes_as_izhic(c.spikes, T))
    col = _spnet_columns(post, net.synapses)
    assert_array_equal(net.weights, c.s[net.synapses.pre, col])
    f = net.weight_fractions()
    assert f["below"] > 0.1 and f["above"] > 0.1          # on its way to bimodal


def test_two_synapse_objects_give_the_single_objects_run():
    """spnet as [excitatory, inhibitory] Synapses with plasticity=[rule, None]
    equals spnet as one Synapses with a plastic mask: the same spikes and
    weights (the projections' arrivals are summed in the one canonical order)."""
    from izhic.network import spnet_model, spnet_synapses

    post = spnet_targets(np.random.default_rng(5))
    exc, inh = spnet_synapses(post)
    kicks = inputs.random_events(20.0)
    two = izhic.simulate(spnet_model(), kicks, 2000.0, 1.0, "izhikevich2003", seed=5,
                         v0=-65.0, u0=-13.0, synapses=[exc, inh],
                         plasticity=[izhic.STDP.izhikevich2006(), None])
    net = polychronization_2006(2000.0, seed=5)
    t, i = two.raster()
    order = np.lexsort((i, t))
    assert_array_equal(t[order], net.raster()[0])
    assert_array_equal(i[order], net.raster()[1])
    assert isinstance(two.weights, list) and np.array_equal(two.weights[1], inh.weight)
    stored = np.concatenate(two.weights)          # exc rows (0..799) then inh rows
    assert_array_equal(stored, net.weights)
