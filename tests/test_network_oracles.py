"""The network oracles (tests/network_oracles.py) and the C loops of
benchmarks/network_loops.c against them, bit for bit where promised."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from network_oracles import (dense_to_sparse, net_m, net_m_delays, net_m_network,
                             net_m_thalamic, random_sparse_network, run_delays, spnet,
                             spnet_kicks, spnet_network, spnet_pre_lists)

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _network_loops():
    mod = sys.modules.get("network_loops")
    if mod is None:
        spec = importlib.util.spec_from_file_location("network_loops",
                                                      BENCHMARKS / "network_loops.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["network_loops"] = mod
        spec.loader.exec_module(mod)
    return mod


def _load(build):
    nl = _network_loops()
    try:
        return nl.load(build)
    except nl.LoopsUnavailable as exc:
        pytest.skip(f"C network loops ({build}) unavailable: {exc}")


@pytest.fixture(scope="module")
def exact():
    """network_loops.c built with -ffp-contract=off (no FMA)."""
    return _load("exact")


@pytest.fixture(scope="module")
def native():
    return _load("native")


def assert_same_run(got, ref):
    """Spike for spike, and the final state bit for bit."""
    assert_array_equal(got.spikes, ref.spikes)
    assert_array_equal(got.v, ref.v)
    assert_array_equal(got.u, ref.u)


def csr(n, pre, post, weight, delay):
    """The C loops' synapse layout (pre-major, grouped by delay)."""
    return _network_loops().SparseCSR.from_synapses(n, pre, post, weight, delay)


@pytest.fixture(scope="module")
def net_m_0():
    """net.m's network and thalamic input, seed 0, and the oracle's 1000 ms."""
    params, S = net_m_network(0)
    thalamic = net_m_thalamic(0, 1000)
    return params, S, thalamic, net_m(*params, S, thalamic)


@pytest.fixture(scope="module")
def sparse_1000():
    """N = 1000, K = 100, delays 1..20, weights x sqrt(10); thalamic noise; 1000 ms."""
    net = random_sparse_network(1, 1000, 100, weight_scale=np.sqrt(10.0))
    current = net_m_thalamic(1, 1000)
    return net, current, net_m_delays(*net.params, net.pre, net.post, net.weight, net.delay,
                                      1000, current)


# --------------------------------------------------------------------------
# The oracles among themselves
# --------------------------------------------------------------------------

def test_net_m_rate_and_reproducibility(net_m_0):
    params, S, thalamic, ref = net_m_0
    rate = ref.spikes.shape[0] / 1000 / 1.0
    assert 7.0 <= rate <= 8.0                       # Izhikevich 2003: ~7-8 Hz
    assert np.all(np.diff(ref.spikes[:, 0]) >= 0)
    assert_same_run(net_m(*params, S, thalamic[:100]), net_m(*params, S, thalamic[:100]))


@pytest.mark.parametrize("shuffle", [False, True])
def test_net_m_equals_net_m_delays_with_delay_one(net_m_0, shuffle):
    params, S, thalamic, _ = net_m_0
    T = 250
    pre, post, weight, delay = dense_to_sparse(S)
    if shuffle:       # each (pre, post) pair is unique: the list order cannot matter
        order = np.random.default_rng(5).permutation(pre.size)
        pre, post, weight, delay = pre[order], post[order], weight[order], delay[order]
    ref = net_m(*params, S, thalamic[:T])
    assert ref.spikes.shape[0] > 1000
    assert_same_run(net_m_delays(*params, pre, post, weight, delay, T, thalamic[:T]), ref)


def _update(v, u, a, b, current):
    """net.m's update of one neuron in Python floats (IEEE double)."""
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + current)
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + current)
    return v, u + a * (b * v - u)


def _order_example():
    """Neurons 0-2 fire at t = 1 (v0 = 35); neuron 4 (I = 1000) at t = 2; neuron 3
    gets input from 1 and 2 in step 1 and from all of them in step 2. The
    weights of step 2 (with 2**53) give a different sum in each other order."""
    n = 5
    a, b, c, d = np.full(n, 0.02), np.full(n, 0.2), np.full(n, -65.0), np.full(n, 8.0)
    v0 = np.array([35.0, 35.0, 35.0, -65.0, -65.0])
    current = np.array([0.0, 0.0, 0.0, 0.0, 1000.0])
    big = 2.0 ** 53
    #              pre post  weight delay
    synapses = [(0, 3, 1.0, 2), (1, 3, 0.2, 1), (2, 3, 0.7, 1), (1, 3, -big, 2),
                (2, 3, big, 2), (4, 3, 7.0, 1), (1, 3, -1.0, 2)]
    pre, post, weight, delay = (np.array(x) for x in zip(*synapses))
    return (a, b, c, d), v0, current, pre, post, weight.astype(float), delay


def _sum(weights):
    syn = 0.0
    for w in weights:
        syn = syn + w
    return syn


def test_net_m_delays_summation_order():
    """Newest firing step first, then decreasing pre index, then list order."""
    params, v0, current, pre, post, weight, delay = _order_example()
    ref = net_m_delays(*params, pre, post, weight, delay, 2, current, v0=v0)
    assert_array_equal(ref.spikes, [[1, 0], [1, 1], [1, 2], [2, 4]])
    big = 2.0 ** 53
    syn1 = _sum([0.7, 0.2])                       # step 1: pre 2, then pre 1
    canonical = [7.0, big, -big, -1.0, 1.0]       # step 2: pre 4 (delay 1); 2, 1 (list order), 0
    others = [[1.0, -big, -1.0, big, 7.0],        # push: oldest first, increasing index
              [7.0, 1.0, -big, -1.0, big],        # increasing index
              [7.0, big, -1.0, -big, 1.0],        # a neuron's synapses in reverse
              [big, -big, -1.0, 1.0, 7.0]]        # oldest first
    v1, u1 = _update(-65.0, -13.0, 0.02, 0.2, 0.0 + syn1)
    v, u = _update(v1, u1, 0.02, 0.2, 0.0 + _sum(canonical))
    assert (ref.v[3], ref.u[3]) == (v, u)
    for other in others:
        assert _update(v1, u1, 0.02, 0.2, 0.0 + _sum(other))[0] != v


@pytest.mark.parametrize("m", [1, 2, 7])
def test_net_m_delays_delay_semantics(m):
    """A spike found at the start of step 1 with delay m acts in step m: the
    target's v jumps in step m's update and its spike is found at step m + 1."""
    params = (np.full(2, 0.02), np.full(2, 0.2), np.full(2, -65.0), np.full(2, 8.0))
    ref = net_m_delays(*params, [0], [1], [500.0], [m], 10, np.zeros(2),
                       v0=np.array([35.0, -65.0]))
    assert_array_equal(ref.spikes, [[1, 0], [m + 1, 1]])


def test_net_m_delays_current_forms_and_errors(sparse_1000):
    net, current, ref = sparse_1000
    const = np.full(1000, 4.0)
    a = net_m_delays(*net.params, net.pre, net.post, net.weight, net.delay, 50, const)
    b = net_m_delays(*net.params, net.pre, net.post, net.weight, net.delay, 50,
                     np.tile(const, (50, 1)))
    assert_same_run(a, b)
    with pytest.raises(ValueError, match="current"):
        net_m_delays(*net.params, net.pre, net.post, net.weight, net.delay, 50, current)
    with pytest.raises(ValueError, match="delays"):
        net_m_delays(*net.params, net.pre, net.post, net.weight, net.delay - 1, 50, const)


def _blow_up():
    """Neuron 0 fires at t = 1 onto neuron 1 with weight -1e200: v overflows."""
    params = (np.full(2, 0.02), np.full(2, 0.2), np.full(2, -65.0), np.full(2, 8.0))
    return params, np.array([35.0, -65.0]), ([0], [1], [-1e200], [1])


def test_oracle_raises_on_non_finite_v():
    params, v0, syn = _blow_up()
    with pytest.raises(FloatingPointError):
        net_m_delays(*params, *syn, 5, np.zeros(2), v0=v0)


def test_sparse_network_regime(sparse_1000):
    net, _, ref = sparse_1000
    assert net.pre.size == 100_000 and set(np.unique(net.delay)) == set(range(1, 21))
    assert_array_equal(np.bincount(net.post), np.full(1000, 100))
    rate = ref.spikes.shape[0] / 1000
    assert 4.0 < rate < 7.0                         # asynchronous, ~5.4 Hz
    assert np.bincount(ref.spikes[:, 0]).max() < 0.03 * 1000


def test_spnet_network_draws_like_spnet_cpp():
    post = spnet_network(3)
    assert post.shape == (1000, 100)
    rows = np.sort(post, axis=1)
    assert np.all(np.diff(rows, axis=1) > 0)                        # distinct targets
    assert not np.any(post[:800] == np.arange(800)[:, None])        # no self-synapses
    assert post[800:].max() < 800 and post.min() >= 0 and post.max() < 1000
    ptr, p, m = spnet_pre_lists(post)
    assert ptr[-1] == 800 * 100
    for i in (0, 517, 999):      # MATLAB's find order: by column m, then row p
        lin = m[ptr[i]:ptr[i + 1]] * 1000 + p[ptr[i]:ptr[i + 1]]
        assert np.all(np.diff(lin) > 0) and np.all(post[p[ptr[i]:ptr[i + 1]],
                                                        m[ptr[i]:ptr[i + 1]]] == i)


@pytest.fixture(scope="module")
def spnet_3s():
    post = spnet_network(1)
    kicks = spnet_kicks(2, 3000)
    return post, kicks, spnet(post, kicks)


def test_spnet_oracle_dynamics(spnet_3s):
    post, kicks, ref = spnet_3s
    per_second = np.bincount((ref.spikes[:, 0] - 1) // 1000, minlength=3)
    assert np.all((2000 < per_second) & (per_second < 12000))
    assert ref.s.shape == (1000, 100)
    assert np.all(ref.s[800:] == -5.0)                               # not plastic
    assert 0.0 <= ref.s[:800].min() and ref.s[:800].max() <= 10.0
    assert np.any(ref.s[:800] != 6.0) and np.any(ref.sd[:800] != 0.0)


# --------------------------------------------------------------------------
# The C loops against the oracles
# --------------------------------------------------------------------------

def test_c_net_m_equals_oracle(exact, net_m_0):
    params, S, thalamic, ref = net_m_0
    assert_same_run(exact.net_m(*params, S, 1000, thalamic=thalamic), ref)


@pytest.mark.parametrize("mode", ["pull", "queue"])
def test_c_sparse_canonical_modes_equal_oracle(exact, sparse_1000, mode):
    """The canonical order, bit for bit."""
    net, current, ref = sparse_1000
    assert_same_run(exact.sparse(net.params, csr(1000, *net[1:]), 1000, current=current,
                                 mode=mode), ref)


def test_c_sparse_push_equals_oracle_in_push_order(exact, sparse_1000):
    """The push loop sums in another order: bit for bit equal to the oracle
    told that order, and (here) spike for spike equal to the canonical one."""
    net, current, ref = sparse_1000
    got = exact.sparse(net.params, csr(1000, *net[1:]), 1000, current=current, mode="push")
    assert_same_run(got, run_delays(net.params, *net[1:], 1000, current, order="push"))
    assert_array_equal(got.spikes, ref.spikes)
    assert not np.array_equal(got.v, ref.v)             # the orders do differ


def test_c_sparse_push_exact_when_order_cannot_matter(exact, sparse_1000):
    """Weights on a 2**-10 grid: every sum is exact in any order, so the
    push loop must equal the oracle bit for bit; a constant current."""
    net, _, _ = sparse_1000
    net = net._replace(weight=np.round(net.weight * 1024) / 1024)
    current = np.linspace(3.0, 6.0, 1000)
    ref = net_m_delays(*net.params, net.pre, net.post, net.weight, net.delay, 600, current)
    assert ref.spikes.shape[0] > 1000
    for mode in ("push", "pull", "queue"):
        assert_same_run(exact.sparse(net.params, csr(1000, *net[1:]), 600, current=current,
                                     mode=mode), ref)


@pytest.mark.parametrize("mode", ["pull", "queue"])
def test_c_sparse_summation_order(exact, mode):
    params, v0, current, pre, post, weight, delay = _order_example()
    ref = net_m_delays(*params, pre, post, weight, delay, 2, current, v0=v0)
    assert_same_run(exact.sparse(params, csr(5, pre, post, weight, delay), 2,
                                 current=current, v0=v0, mode=mode), ref)


def test_c_raises_on_non_finite_v(exact):
    params, v0, syn = _blow_up()
    with pytest.raises(FloatingPointError):
        exact.sparse(params, csr(2, *syn), 5, current=np.zeros(2), v0=v0)


def test_c_spnet_equals_oracle(exact, spnet_3s):
    post, kicks, ref = spnet_3s
    got = exact.spnet(post, kicks=kicks)
    assert_same_run(got, ref)
    assert_array_equal(got.s, ref.s)
    assert_array_equal(got.sd, ref.sd)


@pytest.mark.slow
def test_c_spnet_equals_oracle_10s(exact):
    post = spnet_network(2)
    kicks = spnet_kicks(7, 10_000)
    ref = spnet(post, kicks)
    got = exact.spnet(post, kicks=kicks)
    assert_same_run(got, ref)
    assert_array_equal(got.s, ref.s)
    assert_array_equal(got.sd, ref.sd)


def test_c_timing_loops_regimes(native):
    """The timing build with its own noise and kicks: the published regimes."""
    params, S = net_m_network(0)
    scale = np.r_[np.full(800, 5.0), np.full(200, 2.0)]
    rates = [native.net_m(*params, S, 1000, noise_scale=scale, seed=s).spikes.shape[0] / 1000
             for s in (1, 2)]
    assert all(6.8 < r < 8.4 for r in rates), rates
    res = native.spnet(spnet_network(1), T=3000, seed=3)
    assert 2000 < res.spikes.shape[0] / 3 < 12000
    z = native.normals(11, 200_000)
    assert abs(z.mean()) < 0.01 and abs(z.var() - 1) < 0.01
    assert abs(np.mean(np.abs(z) > 2) - 0.0455) < 0.002       # two-sided tail at 2 sigma
