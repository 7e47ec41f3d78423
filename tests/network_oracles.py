"""Test oracles for networks of Izhikevich neurons: plain NumPy transcriptions
of the published algorithms, written independently of izhic.

* :func:`net_m` -- Izhikevich (2003) net.m, dense all-to-all weights;
* :func:`net_m_delays` -- the same neurons, sparse synapses with integer
  delays, summed in izhic's canonical order (that of spnet);
* :func:`spnet` -- Izhikevich (2006) spnet.m (polychronization, STDP), with
  spnet.cpp's connectivity (no repeated targets, no self-synapses).

Conventions shared by all of them:

* neurons are 0-based; everything is float64;
* one step is 1 ms; steps are numbered as in the MATLAB files, t = 1..T;
* a spike is reported as ``(t, neuron)`` where t is the step at whose *start*
  ``v >= 30`` was found (it was produced by the update of step t - 1). izhic
  reports the same spike at time t - 1 ms (the end of the step that produced
  it). Spikes are returned as an int64 array of shape (n, 2), sorted by
  (t, neuron). A spike produced by the last update (step T) is not found
  within the run: it shows as ``v_final >= 30`` (not reset); run T + 1 steps
  to see it;
* every floating-point expression is evaluated in exactly the order written
  in the docstrings (IEEE double, no reassociation; NumPy evaluates
  elementwise, so vectorizing over neurons does not change any rounding);
* a non-finite v or u raises ``FloatingPointError`` (NumPy's overflow and
  invalid-operation errors are turned on inside these functions): there is
  no lower bound on v, and a strong enough inhibitory input sends v past the
  parabola's left root, after which it diverges.

Summations of synaptic input use ``np.add.at``, which applies its adds one
by one in the order of the index array: the order of the adds into each
target is exactly the order of the concatenated synapse list.
"""
from __future__ import annotations

from collections import deque
from typing import NamedTuple

import numpy as np

__all__ = [
    "NeuronParams", "SparseNetwork", "RunResult", "SpnetResult",
    "net_m", "net_m_network", "net_m_thalamic", "net_m_delays", "run_delays", "update_2003",
    "dense_to_sparse", "random_sparse_network",
    "spnet", "spnet_network", "spnet_kicks", "spnet_pre_lists",
    "SPNET_NE", "SPNET_NI", "SPNET_M", "SPNET_D",
]

SPIKE_PEAK = 30.0


class NeuronParams(NamedTuple):
    """Per-neuron parameters of the 2003 model (arrays of length N)."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray


class SparseNetwork(NamedTuple):
    """Neuron parameters and a synapse list (one entry per synapse).

    ``pre``, ``post`` (int64), ``weight`` (float64), ``delay`` (int64, steps
    of 1 ms, >= 1). The order of the entries is part of the network: it is the
    order in which a neuron's synapses of equal delay are summed.
    """

    params: NeuronParams
    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay: np.ndarray


class RunResult(NamedTuple):
    spikes: np.ndarray   # (n, 2) int64: (t, neuron)
    v: np.ndarray        # state after the update of step T
    u: np.ndarray


class SpnetResult(NamedTuple):
    spikes: np.ndarray   # (n, 2) int64: (t, neuron), t = 1..T over the whole run
    v: np.ndarray
    u: np.ndarray
    s: np.ndarray        # (N, M) weights, s[n, m] = synapse m of neuron n
    sd: np.ndarray       # (N, M) their derivatives


def _spike_array(rows):
    """[(t, fired array), ...] -> (n, 2) int64 array."""
    if not rows:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate([np.column_stack([np.full(f.size, t, dtype=np.int64), f])
                           for t, f in rows]).astype(np.int64)


def _initial_state(b, v0, u0):
    n = b.size
    v = np.full(n, -65.0) if v0 is None else np.array(np.broadcast_to(v0, (n,)), dtype=np.float64)
    u = b * v if u0 is None else np.array(np.broadcast_to(u0, (n,)), dtype=np.float64)
    return v, u


def _half_steps_2003(v, u, a, b, current):
    """net.m's update: two half steps of v with the same u and I, then u from the new v."""
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + current)
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + current)
    u = u + a * (b * v - u)
    return v, u


def update_2003(v, u, a, b, current, syn):
    """The update of :func:`net_m_delays`: I = current + syn, then net.m's update."""
    return _half_steps_2003(v, u, a, b, current + syn)


# ---------------------------------------------------------------------------
# net.m (Izhikevich 2003)
# ---------------------------------------------------------------------------

def net_m(a, b, c, d, S, thalamic, v0=None, u0=None):
    """Izhikevich (2003) net.m with a given thalamic input.

    ``S[post, pre]`` (N x N), ``thalamic`` (T x N): the thalamic input of each
    step. For t = 1..T::

        I = thalamic[t-1]
        fired = flatnonzero(v >= 30)           # record (t, fired)
        v[fired] = c[fired];  u[fired] = u[fired] + d[fired]
        syn = 0.0;  for j in fired, DECREASING:  syn = syn + S[:, j]
        I = I + syn
        v = v + 0.5*(0.04*(v*v) + 5*v + 140 - u + I)      # twice
        u = u + a*(b*v - u)

    v0 defaults to -65, u0 to b*v0. Returns ``RunResult(spikes, v, u)``.
    """
    a, b, c, d = (np.asarray(x, dtype=np.float64) for x in (a, b, c, d))
    S = np.asarray(S, dtype=np.float64)
    thalamic = np.asarray(thalamic, dtype=np.float64)
    n = a.size
    if S.shape != (n, n) or thalamic.ndim != 2 or thalamic.shape[1] != n:
        raise ValueError("net_m: S must be (N, N) and thalamic (T, N)")
    columns = np.ascontiguousarray(S.T)          # columns[j] = S[:, j]
    v, u = _initial_state(b, v0, u0)
    rows = []
    with np.errstate(over="raise", invalid="raise"):
        for t in range(1, thalamic.shape[0] + 1):
            current = thalamic[t - 1]
            fired = np.flatnonzero(v >= SPIKE_PEAK)
            rows.append((t, fired))
            v[fired] = c[fired]
            u[fired] = u[fired] + d[fired]
            syn = np.zeros(n)
            for j in fired[::-1]:
                syn = syn + columns[j]
            current = current + syn
            v, u = _half_steps_2003(v, u, a, b, current)
    return RunResult(_spike_array(rows), v, u)


def _net_m_draws(rng, Ne, Ni):
    re = rng.random(Ne)
    ri = rng.random(Ni)
    params = NeuronParams(
        a=np.concatenate([0.02 * np.ones(Ne), 0.02 + 0.08 * ri]),
        b=np.concatenate([0.2 * np.ones(Ne), 0.25 - 0.05 * ri]),
        c=np.concatenate([-65 + 15 * re ** 2, -65 * np.ones(Ni)]),
        d=np.concatenate([8 - 6 * re ** 2, 2 * np.ones(Ni)]),
    )
    return params, re, ri


def net_m_network(seed, Ne=800, Ni=200):
    """net.m's parameters and weights from ``numpy.random.default_rng(seed)``.

    Draws, in this order: re = random(Ne), ri = random(Ni), then
    S = hstack([0.5*random((N, Ne)), -random((N, Ni))]). Returns
    ``(NeuronParams, S)`` with ``S[post, pre]``.
    """
    rng = np.random.default_rng(seed)
    params, _, _ = _net_m_draws(rng, Ne, Ni)
    n = Ne + Ni
    S = np.hstack([0.5 * rng.random((n, Ne)), -rng.random((n, Ni))])
    return params, S


def net_m_thalamic(seed, T, Ne=800, Ni=200):
    """net.m's thalamic input, (T, N): row t-1 = r_[5*ones(Ne), 2*ones(Ni)] * randn(N).

    The normals continue the stream of :func:`net_m_network` with the same
    seed (the network's draws are made first and skipped), so that the pair
    reproduces the numbers of a loop that draws the network and then one
    ``standard_normal(N)`` per step from one generator.
    """
    rng = np.random.default_rng(seed)
    n = Ne + Ni
    _net_m_draws(rng, Ne, Ni)
    rng.random((n, Ne))
    rng.random((n, Ni))
    scale = np.concatenate([np.full(Ne, 5.0), np.full(Ni, 2.0)])
    return scale * rng.standard_normal((T, n))


# ---------------------------------------------------------------------------
# Sparse synapses with delays
# ---------------------------------------------------------------------------

def _as_current(current, T, n):
    current = np.asarray(current, dtype=np.float64)
    if current.shape == (n,):
        return lambda t: current
    if current.shape == (T, n):
        return lambda t: current[t - 1]
    raise ValueError(f"current must have shape (N,) or (T, N) = ({n},) or ({T}, {n}), "
                     f"got {current.shape}")


class _DelayGroups:
    """The synapses of (pre neuron j, delay m), in the order of the arrays."""

    def __init__(self, n, pre, delay):
        self.D = int(delay.max()) if delay.size else 1
        key = pre * (self.D + 1) + delay
        self.order = np.argsort(key, kind="stable")
        self.bounds = np.searchsorted(key[self.order], np.arange(n * (self.D + 1) + 1))

    def __call__(self, j, m):
        g = j * (self.D + 1) + m
        return self.order[self.bounds[g]:self.bounds[g + 1]]


def run_delays(params, pre, post, weight, delay, T, current, update=None, v0=None, u0=None,
               order="canonical"):
    """:func:`net_m_delays` with another neuron update or summation order.

    For cross-checks against other tools. ``params`` = (a, b, c, d);
    ``update(v, u, a, b, current_t, syn) -> (v, u)`` replaces
    :func:`update_2003`; ``order="push"`` sums the synaptic input of a step
    in the order a ring buffer filled at spike time gets it: the firing steps
    from oldest to newest, within one step the fired neurons in INCREASING
    index, each one's synapses in list order (``"canonical"``: that of
    :func:`net_m_delays`). Threshold, reset and delays are those of
    :func:`net_m_delays`.
    """
    if order not in ("canonical", "push"):
        raise ValueError(f"order must be 'canonical' or 'push', got {order!r}")
    update = update_2003 if update is None else update
    a, b, c, d = (np.asarray(x, dtype=np.float64) for x in params)
    n = a.size
    pre, post, delay = (np.asarray(x, dtype=np.int64) for x in (pre, post, delay))
    weight = np.asarray(weight, dtype=np.float64)
    if not pre.shape == post.shape == weight.shape == delay.shape or pre.ndim != 1:
        raise ValueError("pre, post, weight, delay must be 1-d arrays of one length")
    if delay.size and delay.min() < 1:
        raise ValueError("delays must be >= 1 step")
    if pre.size and (min(pre.min(), post.min()) < 0 or max(pre.max(), post.max()) >= n):
        raise ValueError("pre and post must be neuron indices 0..N-1")
    current_at = _as_current(current, T, n)
    groups = _DelayGroups(n, pre, delay)
    v, u = _initial_state(b, v0, u0)
    recent = deque(maxlen=groups.D)     # fired arrays of the last D steps, newest first
    rows = []
    with np.errstate(over="raise", invalid="raise"):
        for t in range(1, T + 1):
            fired = np.flatnonzero(v >= SPIKE_PEAK)
            rows.append((t, fired))
            v[fired] = c[fired]
            u[fired] = u[fired] + d[fired]
            recent.appendleft(fired)
            # recent[m-1] fired at step t-m+1: those synapses of delay m act now
            if order == "canonical":
                pieces = [groups(j, m) for m, fired_then in enumerate(recent, start=1)
                          for j in fired_then[::-1]]
            else:
                pieces = [groups(j, m) for m, fired_then in reversed(list(enumerate(recent, 1)))
                          for j in fired_then]
            syn = np.zeros(n)
            if pieces:
                idx = np.concatenate(pieces)
                np.add.at(syn, post[idx], weight[idx])
            v, u = update(v, u, a, b, current_at(t), syn)
    return RunResult(_spike_array(rows), v, u)


def net_m_delays(a, b, c, d, pre, post, weight, delay, T, current, v0=None, u0=None):
    """net.m's neurons with sparse synapses that have integer delays (steps).

    A spike found at the start of step t whose synapse has delay m (>= 1) adds
    its weight to the input of step t + m - 1 (delay 1: step t itself, as in
    net.m). The synaptic input of step t is summed in izhic's canonical order
    (spnet's): ``syn = 0.0``; over the firing steps from newest to oldest
    (delay 1 first, then 2, ...); within one firing step over the fired
    neurons in DECREASING index; for each, over its synapses with the
    matching delay in the order of the arrays; ``syn[post] = syn[post] + w``.
    Then ``I = current_t + syn`` (``current[t-1]`` for a (T, N) array, or the
    same (N,) vector every step) and net.m's update (see :func:`net_m`).
    Spikes found at the start of step t act at most up to step T; later
    arrivals are dropped. Returns ``RunResult(spikes, v, u)``.
    """
    return run_delays((a, b, c, d), pre, post, weight, delay, T, current, v0=v0, u0=u0)


def dense_to_sparse(S, delay=1):
    """A dense ``S[post, pre]`` as synapse arrays (pre, post, weight, delay), pre-major.

    Every entry becomes a synapse (zeros included), in the order pre = 0..N-1,
    post = 0..N-1 within each pre.
    """
    S = np.asarray(S, dtype=np.float64)
    post, pre = np.meshgrid(np.arange(S.shape[0]), np.arange(S.shape[1]), indexing="xy")
    pre, post = pre.ravel(), post.ravel()
    return pre, post, S[post, pre].copy(), np.full(pre.size, delay, dtype=np.int64)


def random_sparse_network(seed, N, K=100, *, weight_scale=1.0, max_delay=20,
                          excitatory_fraction=0.8):
    """A sparse network with net.m's neurons and weights, fixed in-degree K.

    From ``numpy.random.default_rng(seed)``, in this order: re, ri (net.m's
    neuron parameters, see :func:`net_m_network`); pre = integers(0, N,
    (N, K)) (each neuron's K presynaptic neurons, drawn with replacement,
    self included); u = random((N, K)); delays = integers(1, max_delay + 1,
    (N, K)). weight = 0.5 u (excitatory pre, index < Ne) or -u (inhibitory),
    times ``weight_scale``. Synapses are listed post-major (post 0's K inputs
    first). ``Ne = round(excitatory_fraction * N)``.
    """
    rng = np.random.default_rng(seed)
    Ne = int(round(excitatory_fraction * N))
    params, _, _ = _net_m_draws(rng, Ne, N - Ne)
    pre = rng.integers(0, N, (N, K))
    uni = rng.random((N, K))
    delay = rng.integers(1, max_delay + 1, (N, K))
    weight = np.where(pre < Ne, 0.5 * uni, -uni) * weight_scale
    post = np.repeat(np.arange(N), K)
    return SparseNetwork(params, pre.ravel().astype(np.int64), post.astype(np.int64),
                         weight.ravel(), delay.ravel().astype(np.int64))


# ---------------------------------------------------------------------------
# spnet (Izhikevich 2006)
# ---------------------------------------------------------------------------

SPNET_NE, SPNET_NI, SPNET_M, SPNET_D = 800, 200, 100, 20


def spnet_network(seed, Ne=SPNET_NE, Ni=SPNET_NI, M=SPNET_M):
    """spnet's targets ``post`` (N x M, int64) drawn as spnet.cpp does.

    From ``numpy.random.default_rng(seed)``, neuron by neuron (0..N-1):
    excitatory neurons get M distinct targets among all neurons except
    themselves (``choice(N - 1, M, replace=False)``, values >= i shifted by
    one); inhibitory ones M distinct excitatory targets
    (``choice(Ne, M, replace=False)``). Column m of row n is synapse m of
    neuron n (its delay follows from m, see :func:`spnet`).
    """
    rng = np.random.default_rng(seed)
    n = Ne + Ni
    post = np.empty((n, M), dtype=np.int64)
    for i in range(n):
        if i < Ne:
            r = rng.choice(n - 1, M, replace=False)
            post[i] = r + (r >= i)
        else:
            post[i] = rng.choice(Ne, M, replace=False)
    return post


def spnet_kicks(seed, T, N=SPNET_NE + SPNET_NI):
    """The neuron that gets I = 20 in each step, (T,) int64: integers(0, N, T)."""
    return np.random.default_rng(seed).integers(0, N, T)


def spnet_pre_lists(post, Ne=SPNET_NE):
    """The incoming excitatory synapses of every neuron, in spnet.m's order.

    spnet.m: ``pre{i} = find(post == i & s > 0)``: the excitatory synapses
    (p < Ne) onto i in increasing MATLAB linear index, i.e. column-major:
    by synapse column m first, then by presynaptic row p. Returns
    ``(ptr, rows, cols)``: neuron i's are ``rows[ptr[i]:ptr[i+1]]`` (p) and
    ``cols[...]`` (m).
    """
    post = np.asarray(post)
    N, M = post.shape
    m, p = np.meshgrid(np.arange(M), np.arange(Ne), indexing="ij")   # column-major walk
    p, m = p.ravel(), m.ravel()
    target = post[p, m]
    order = np.argsort(target, kind="stable")
    ptr = np.searchsorted(target[order], np.arange(N + 1))
    return ptr, p[order], m[order]


def spnet(post, kicks, *, Ne=SPNET_NE, D=SPNET_D, sm=10.0):
    """Izhikevich (2006) spnet.m, translated line by line (0-based neurons).

    ``post`` (N x M): synapse m of neuron n targets ``post[n, m]``; targets of
    one neuron must be distinct. Neurons < Ne are excitatory (a = 0.02, d = 8,
    weights 6, plastic; column m has delay m // (M // D) + 1), the others
    inhibitory (a = 0.1, d = 2, weights -5, all delay 1); b = 0.2, c = -65,
    v0 = -65, u0 = 0.2 v0. ``kicks[t-1]`` is the neuron that gets I = 20 in
    step t; T = len(kicks). Each step t (tau = (t-1) % 1000 + 1 in its second,
    STDP[:, col] holds the traces, column tau + D - 1 being "now")::

        I = zeros(N); I[kicks[t-1]] = 20
        fired = flatnonzero(v >= 30); v[fired] = -65; u[fired] = u[fired] + d[fired]
        STDP[fired, tau+D-1] = 0.1
        LTP: for each fired i, each incoming excitatory synapse (p, m) of i in
             spnet_pre_lists order: sd[p, m] = sd[p, m] + STDP[p, tau+D-1-delay(m)]
        delivery: for every spike of the last D steps, newest first (within
             one step in decreasing neuron index), its synapses of delay
             t - t_fire + 1 in increasing m:
             I[post[n, m]] = I[post[n, m]] + s[n, m]
             sd[n, m] = sd[n, m] - 1.2*STDP[post[n, m], tau+D-1]
        v = v + 0.5*((0.04*v + 5)*v + 140 - u + I)      # twice
        u = u + a*(0.2*v - u)
        STDP[:, tau+D] = 0.95*STDP[:, tau+D-1]
        at the end of each second (tau == 1000):
             STDP[:, 0:D+1] = STDP[:, 1000:1001+D]
             s[:Ne] = maximum(0, minimum(sm, (0.01 + s[:Ne]) + sd[:Ne]))
             sd = 0.9*sd

    Every synapse gets at most one LTP and one LTD term per step (LTP first),
    so only the order of the adds into I matters, and it is the delivery
    order above. Returns ``SpnetResult(spikes, v, u, s, sd)``; spike steps
    count over the whole run (1..T), not within the second.
    """
    post = np.asarray(post, dtype=np.int64)
    kicks = np.asarray(kicks, dtype=np.int64)
    N, M = post.shape
    per = M // D
    if M % D or not 0 < Ne <= N:
        raise ValueError("spnet: M must be a multiple of D and 0 < Ne <= N")
    if np.any(np.diff(np.sort(post, axis=1), axis=1) == 0):
        raise ValueError("spnet: a neuron's targets must be distinct")
    a = np.concatenate([0.02 * np.ones(Ne), 0.1 * np.ones(N - Ne)])
    d = np.concatenate([8 * np.ones(Ne), 2 * np.ones(N - Ne)])
    s = np.concatenate([6 * np.ones((Ne, M)), -5 * np.ones((N - Ne, M))])
    sd = np.zeros((N, M))
    ptr, pre_p, pre_m = spnet_pre_lists(post, Ne)
    pre_delay = pre_m // per + 1
    STDP = np.zeros((N, 1001 + D))
    v = -65 * np.ones(N)
    u = 0.2 * v
    recent = deque(maxlen=D)        # (exc fired, inh fired) of the last D steps, newest first
    rows = []
    with np.errstate(over="raise", invalid="raise"):
        for t in range(1, kicks.size + 1):
            tau = (t - 1) % 1000 + 1
            now = tau + D - 1
            I = np.zeros(N)
            I[kicks[t - 1]] = 20
            fired = np.flatnonzero(v >= SPIKE_PEAK)
            v[fired] = -65
            u[fired] = u[fired] + d[fired]
            STDP[fired, now] = 0.1
            if fired.size:                              # LTP (distinct synapses)
                sel = np.concatenate([np.arange(ptr[i], ptr[i + 1]) for i in fired])
                p, m = pre_p[sel], pre_m[sel]
                sd[p, m] = sd[p, m] + STDP[p, now - pre_delay[sel]]
            rows.append((t, fired))
            recent.appendleft((fired[fired < Ne][::-1], fired[fired >= Ne][::-1]))
            # delivery: newest step first; in one step the inhibitory neurons
            # (the higher indices) first, each kind in decreasing index; the
            # 2-d slices list each neuron's synapses in increasing column
            src, col = [], []
            for j, (exc, inh) in enumerate(recent, start=1):
                if j == 1 and inh.size:
                    src.append(np.repeat(inh, M))
                    col.append(np.tile(np.arange(M), inh.size))
                if exc.size:
                    cols = np.arange((j - 1) * per, j * per)
                    src.append(np.repeat(exc, per))
                    col.append(np.tile(cols, exc.size))
            if src:
                n_, m_ = np.concatenate(src), np.concatenate(col)
                target = post[n_, m_]
                np.add.at(I, target, s[n_, m_])
                sd[n_, m_] = sd[n_, m_] - 1.2 * STDP[target, now]
            v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
            v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
            u = u + a * (0.2 * v - u)
            STDP[:, now + 1] = 0.95 * STDP[:, now]
            if tau == 1000:
                STDP[:, 0:D + 1] = STDP[:, 1000:1001 + D]
                s[:Ne] = np.maximum(0, np.minimum(sm, 0.01 + s[:Ne] + sd[:Ne]))
                sd = 0.9 * sd
    return SpnetResult(_spike_array(rows), v, u, s, sd)
