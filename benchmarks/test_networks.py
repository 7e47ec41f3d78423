"""Networks: izhic's network kernel against the C loops of network_loops.c and NumPy.

Run with ``pytest --benchmark-only benchmarks/test_networks.py`` (40-50 s
on 2 cores, spnet's group 6-10 s; ``pytest benchmarks/test_networks.py
--benchmark-disable`` runs each entry once with its checks, about 20 s,
spnet's group under 1 s besides the C build). Three groups.
The entries of the first two simulate net.m's neurons (Izhikevich 2003) for
1000 steps of 1 ms with net.m's update (izhic's ``method="izhikevich2003"``:
two half steps of v with the same u and current, then u), synapses that add
their weight to the current (izhic's kind ``"current"``) and thalamic noise
5 N(0, 1) per step for the excitatory neurons, 2 N(0, 1) for the inhibitory
ones, spikes recorded; the third is Izhikevich's 2006 spnet with STDP for
30 s:

* ``network net.m``: net.m itself, N = 1000 all to all (``net_m_network(0)``
  of tests/network_oracles.py), every delay 1 ms.

  - ``C loop (native)``: ``nl_netm`` (column adds of the fired neurons),
    ``-O3 -march=native``, noise from its own ziggurat; the reference of x;
  - ``izhic (1 thread)``: the whole ``izhic.simulate`` call on
    ``izhic.Synapses.from_dense(S)`` with ``noise=scale,
    noise_kind="per_step", seed=...``;
  - ``NumPy loop``: the tests' ``net_m`` (one vectorized step at a time, the
    fired columns added one by one) on a thalamic input that the timed call
    draws with ``numpy.random.default_rng``; 1000 steps take well under a
    second, so it runs the full length.

* ``network sparse 1e5``: ``random_sparse_network(1, 100000, 100,
  weight_scale=sqrt(10), max_delay=20)`` (K = 100 inputs per neuron drawn with
  replacement, 1e7 synapses, delays 1-20 ms; about 5.4 Hz, asynchronous).
  The network is drawn, stored as ``izhic.Synapses`` and as the C loops' CSR
  once per module, untimed; those times are in ``extra_info`` and in the
  summary's notes.

  - ``C loop queue (native)``: ``nl_sparse`` mode ``"queue"``: izhic's
    summation order (newest spikes first, decreasing neuron index, storage
    order), delay groups queued at spike time; the reference of x;
  - ``C loop push (native)``: mode ``"push"``: a ring buffer of the next 20
    steps' input, filled at spike time;
  - ``izhic (1 thread)``, ``izhic (2 threads)``: the whole ``izhic.simulate``
    call, ``n_threads`` 1 and 2.

* ``network spnet``: Izhikevich's (2006) polychronization network, spnet.m
  exactly, 30,000 steps of 1 ms (30 s of model time): N = 1000 (800
  excitatory), 100 synapses each with distinct targets drawn as spnet.cpp
  does from ``numpy.random.default_rng(1)`` (the tests' ``spnet_network(1)``,
  which is izhic's ``spnet_targets``), excitatory weights 6 with delays
  1-20 ms under spnet's STDP (cap 10), inhibitory -5 with delay 1 ms; each ms
  one neuron gets I = 20: the neurons ``polychronization_2006(seed=1)`` draws
  in its kernel (``izhic.inputs.random_events(20.0).events(1000, 30000.0,
  1.0, 1).neuron``), so that all four entries compute the same run. The
  targets, the C loop's incoming-synapse lists and the kicks are made once
  per module, untimed.

  - ``C loop (exact)``: ``nl_spnet`` (network_loops.c), built with
    ``-ffp-contract=off`` (no FMA contraction: every operation rounded as
    spnet.m writes it, as izhic does), given the kicks; the reference of x;
  - ``izhic (1 thread)``, ``izhic (2 threads)``: the whole call
    ``izhic.simulate(model, izhic.inputs.events(kicks, arange(30000.0),
    20.0), 30000.0, 1.0, "izhikevich2003", v0=-65.0, u0=-13.0, synapses=syn,
    plasticity=izhic.STDP.izhikevich2006(plastic=syn.pre < 800),
    n_threads=k)`` with ``model, syn = izhic.network.spnet_network(1)``
    (built once);
  - ``polychronization_2006 (1 thread)``: the user-facing call
    ``izhic.network.polychronization_2006(30000.0, seed=1, n_threads=1,
    keep_spikes=False)``: it builds the network, draws the kicks in the
    kernel, runs in segments of 10 s and keeps its statistics.

Every entry's ``extra_info`` has its model seconds per wall second (for
N = 1000 and 1 ms steps the same number as the summary's M neuron-steps/s);
the summary's notes repeat it.

What is checked (never a time). Each tool draws its own noise (izhic: a
counter-based ziggurat keyed by seed, neuron and step; the C loops: a
ziggurat over xoshiro256+; NumPy: its default generator), so the timed runs
are compared by their mean rate only: within 10 % of the C loop's on net.m
(1000 neurons: seeds alone move it by +-3 %), within 2 % at N = 1e5 (seeds:
+-0.2 %). A rate is a weak check (an off-by-one delay barely moves it), so
each group also runs one identical network on one identical input, untimed,
and asserts the trains equal spike for spike over the 1000 ms:

* net.m: the NumPy entry's recorded thalamic input, given to izhic as
  ``izhic.inputs.sampled``: izhic = the oracle ``net_m`` (the NumPy entry's
  own run) = the C loop built with ``-ffp-contract=off`` (bit for bit the
  oracle's arithmetic);
* sparse: a constant current per neuron, uniform in [2, 6] (seed 7), instead
  of the noise (about 10.5 Hz, 1e6 spikes): izhic (1 thread) = the C queue
  loop built with ``-ffp-contract=off``; and izhic (2 threads) gives the
  trains of izhic (1 thread) on the timed noise run.

spnet needs no extra run: its timed entries are one identical network on one
identical input. izhic's synapses are the C loop's (izhic's
``spnet_targets(default_rng(1))`` = the tests' draw given to the C loop, and
``syn``'s (pre, post, delay) = the C loop's rows in izhic's storage order,
sorted by (pre, delay, post)); izhic (1 thread) = the C loop (exact) spike
for spike over the 30 s (about 93,500 spikes) and in its final weights bit
for bit (column m of row n of the C loop's ``s`` mapped to storage order;
STDP must have moved some); izhic (2 threads) = izhic (1 thread) in spikes
and final weights; polychronization_2006: its final weights = the C loop's,
its spikes per second (excitatory, inhibitory) and its last second's spikes
= izhic (1 thread)'s.

Spike conventions: the oracles and the C loops report a spike at the step t
at whose start v >= 30 was found; izhic at the end of the step that produced
it, t - 1 ms (``network_loops.izhic_spikes`` converts; izhic's spikes of its
last step fall after the C loop's run and are left out). Without a C
compiler the C entries are skipped and the checks that need them are not
made. Medians measured: benchmarks/README.md, Networks.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

import izhic
import izhic.network
import network_loops
from network_loops import LoopsUnavailable, SparseCSR, izhic_spikes
from izhic.inputs import sampled

ORACLES = network_loops.oracles()
T = 1000                  # steps of 1 ms
DT = 1.0
METHOD = "izhikevich2003"
NOISE_SEED = 1            # izhic's and the C loops' noise
INPUT_SEED = 5            # the NumPy loop's thalamic input (the recorded input)
MAX_THREADS = izhic.show_config()["max_threads"]

NETM = "network net.m"
SPARSE = "network sparse 1e5"
SPARSE_N, SPARSE_K, SPARSE_SEED, SPARSE_MAX_DELAY = 100_000, 100, 1, 20
SPARSE_DC = (2.0, 6.0, 7)   # the exact check's constant current: uniform(low, high), seed

SPNET = "network spnet"
SPNET_SEED = 1             # connectivity and thalamic input
SPNET_T = 30_000           # steps of 1 ms: 30 s of model time
SPNET_NE, SPNET_D, SPNET_KICK = 800, 20, 20.0


def _thalamic_scale(n):
    """net.m's noise amplitudes: 5 for the first 80 % (excitatory), 2 for the rest."""
    ne = int(round(0.8 * n))
    return np.r_[np.full(ne, 5.0), np.full(n - ne, 2.0)]


def _n_spikes(result):
    """Spikes of an izhic result, a polychronization_2006 one, a C loop's or an oracle's."""
    if isinstance(result, izhic.SimulationResult):
        return int(result.spike_counts().sum())
    if isinstance(result, izhic.network.Polychronization2006):
        return int(result.spikes_per_second.sum())
    return int(result.spikes.shape[0])


def _c_build(entry):
    """The C loops' build an entry names: "C loop queue (native)" -> "native"."""
    return entry.rsplit("(", 1)[1].rstrip(")")


def _assert_trains_equal(got, expected, what):
    """Spike for spike; the message names the first spike that differs."""
    if np.array_equal(got, expected):
        return
    n = min(len(got), len(expected))
    rows = np.flatnonzero(np.any(got[:n] != expected[:n], axis=1))
    k = rows[0] if rows.size else n
    pytest.fail(f"{what}: {len(got)} vs {len(expected)} spikes; identical up to spike {k} "
                f"(got {got[k].tolist() if k < len(got) else None}, expected "
                f"{expected[k].tolist() if k < len(expected) else None}; rows (t, neuron))")


def _assert_rate_close(name, rate, ref_name, ref_rate, tolerance):
    assert abs(rate - ref_rate) <= tolerance * ref_rate, (
        f"{name}: {rate:.3f} Hz, {ref_name}: {ref_rate:.3f} Hz (more than "
        f"{tolerance:.0%} apart)")


@pytest.fixture(scope="module")
def c_loops():
    """``{"native": Loops or the reason it is missing, "exact": ...}``."""
    out = {}
    for build in ("native", "exact"):
        try:
            out[build] = network_loops.load(build)
        except LoopsUnavailable as exc:
            out[build] = f"C network loops ({build}) unavailable: {exc}"
    return out


class _Case:
    """One group's network and entries; first runs are kept for the checks.

    A subclass gives ``group``, ``entries``, ``reference`` (the entry the
    summary's x divides by, the C loop whose rate the others are checked
    against), ``rate_tolerance``, ``min_rounds`` (or ``rounds_of(entry)``),
    ``T`` (steps of 1 ms), and the methods ``header``, ``run`` and ``check``.
    """

    group = ""
    entries = ()
    reference = ""
    rate_tolerance = 0.0
    min_rounds = 3
    T = T

    def __init__(self, c_loops):
        self._c_loops = c_loops
        self._first = {}            # entry or check run -> (result, seconds)

    def rounds_of(self, entry):
        """The least number of timed rounds of ``entry``."""
        return self.min_rounds

    def loops(self, build):
        """The C loops' build, or None without it."""
        loops = self._c_loops[build]
        return None if isinstance(loops, str) else loops

    def require(self, build):
        """The C loops' build, or skip the entry."""
        loops = self._c_loops[build]
        if isinstance(loops, str):
            pytest.skip(loops)
        return loops

    def header(self):
        """The first line under the group's table: the network and its build times."""
        raise NotImplementedError

    def run(self, name):
        """The callable of entry or check run ``name``."""
        raise NotImplementedError

    def check(self, benchmark, entry, result):
        """The entry's own checks (asserted); -> what was checked, as words."""
        raise NotImplementedError

    def first(self, name):
        """``(result, seconds)`` of the first call of ``run(name)`` (made once)."""
        if name not in self._first:
            fn = self.run(name)
            start = time.perf_counter()
            result = fn()
            self._first[name] = (result, time.perf_counter() - start)
        return self._first[name]

    def rate(self, name):
        """Mean rate (Hz) of the first run of ``name``."""
        return _n_spikes(self.first(name)[0]) / self.n / (self.T * DT / 1000.0)

    def check_rate(self, entry):
        """The entry's rate against the reference C loop's (not for that loop itself)."""
        if entry == self.reference or self.loops("native") is None:
            return []
        _assert_rate_close(entry, self.rate(entry), self.reference, self.rate(self.reference),
                           self.rate_tolerance)
        return [f"rate within {self.rate_tolerance:.0%} of {self.reference}"]


# --------------------------------------------------------------------------
# network net.m
# --------------------------------------------------------------------------

class NetmCase(_Case):
    """net.m (N = 1000, dense, delay 1 ms)."""

    group = NETM
    entries = ("C loop (native)", "izhic (1 thread)", "NumPy loop")
    reference = "C loop (native)"
    rate_tolerance = 0.10

    def __init__(self, c_loops):
        super().__init__(c_loops)
        self.params, self.S = ORACLES.net_m_network(0)
        self.n = self.S.shape[0]
        # S in Fortran order: the C loop's S.T is then contiguous (no copy in the call)
        self.S_columns = np.asfortranarray(self.S)
        self.model = izhic.Izhikevich2003(*self.params)
        start = time.perf_counter()
        self.synapses = izhic.Synapses.from_dense(self.S, delay=1.0)
        self.synapses_s = time.perf_counter() - start
        self.scale = _thalamic_scale(self.n)

    def header(self):
        return (f"N = {self.n} all to all, {self.synapses.n_synapses} synapses "
                f"(izhic.Synapses.from_dense: {self.synapses_s:.2f} s, untimed), {T} steps "
                "of 1 ms")

    def recorded_input(self):
        """(T, N): the NumPy loop's thalamic input."""
        return self.scale * np.random.default_rng(INPUT_SEED).standard_normal((T, self.n))

    def run(self, name):
        if name == "C loop (native)":
            loops = self.require("native")
            return lambda: loops.net_m(*self.params, self.S_columns, T, noise_scale=self.scale,
                                       seed=NOISE_SEED)
        if name == "izhic (1 thread)":
            return lambda: izhic.simulate(self.model, 0.0, T * DT, DT, METHOD, noise=self.scale,
                                          noise_kind="per_step", seed=NOISE_SEED, n_threads=1,
                                          synapses=self.synapses)
        if name == "NumPy loop":
            return lambda: ORACLES.net_m(*self.params, self.S, self.recorded_input())
        if name == "izhic, recorded input":
            current = sampled(self.recorded_input().T, DT)
            return lambda: izhic.simulate(self.model, current, T * DT, DT, METHOD, n_threads=1,
                                          synapses=self.synapses)
        if name == "C loop (exact build), recorded input":
            loops = self.loops("exact")
            return lambda: loops.net_m(*self.params, self.S_columns, T,
                                       thalamic=self.recorded_input())
        raise KeyError(name)

    def check(self, benchmark, entry, result):
        if not entry.startswith("izhic"):
            return []
        benchmark.extra_info["izhic.Synapses.from_dense s"] = round(self.synapses_s, 3)
        # the same network on the same input: izhic = the oracle = the exact C loop
        got = izhic_spikes(self.first("izhic, recorded input")[0], T)
        _assert_trains_equal(got, self.first("NumPy loop")[0].spikes,
                             "izhic vs the oracle net_m, recorded input")
        checks = [f"recorded input: = oracle net_m, {len(got)} spikes"]
        if self.loops("exact") is not None:
            _assert_trains_equal(got, self.first("C loop (exact build), recorded input")[0].spikes,
                                 "izhic vs the C loop (exact build), recorded input")
            checks.append("= C loop (exact build)")
        return checks


# --------------------------------------------------------------------------
# network sparse 1e5
# --------------------------------------------------------------------------

class SparseCase(_Case):
    """N = 1e5, K = 100, delays 1-20 ms, weights x sqrt(10)."""

    group = SPARSE
    entries = ("C loop queue (native)", "C loop push (native)", "izhic (1 thread)",
               "izhic (2 threads)")
    reference = "C loop queue (native)"
    rate_tolerance = 0.02
    min_rounds = 5              # a call takes most of a second

    def __init__(self, c_loops):
        super().__init__(c_loops)
        self.n = SPARSE_N
        start = time.perf_counter()
        net = ORACLES.random_sparse_network(SPARSE_SEED, SPARSE_N, SPARSE_K,
                                            weight_scale=np.sqrt(10.0),
                                            max_delay=SPARSE_MAX_DELAY)
        self.draw_s = time.perf_counter() - start
        start = time.perf_counter()
        self.synapses = izhic.Synapses(net.pre, net.post, net.weight, net.delay * DT,
                                       n_neurons=SPARSE_N)
        self.synapses_s = time.perf_counter() - start
        start = time.perf_counter()
        self.csr = SparseCSR.from_synapses(SPARSE_N, net.pre, net.post, net.weight, net.delay)
        self.csr_s = time.perf_counter() - start
        self.params = net.params
        del net
        self.model = izhic.Izhikevich2003(*self.params)
        self.scale = _thalamic_scale(self.n)
        low, high, seed = SPARSE_DC
        self.dc = np.random.default_rng(seed).uniform(low, high, self.n)

    def header(self):
        return (f"N = {self.n:g}, K = {SPARSE_K}, {self.synapses.n_synapses:g} synapses, "
                f"delays 1-{SPARSE_MAX_DELAY} ms, {T} steps of 1 ms; untimed: network drawn "
                f"in {self.draw_s:.1f} s, izhic.Synapses built in {self.synapses_s:.1f} s, "
                f"the C loops' CSR in {self.csr_s:.1f} s")

    def run(self, name):
        if name in ("C loop queue (native)", "C loop push (native)"):
            mode = name.split()[2]
            loops = self.require("native")
            return lambda: loops.sparse(self.params, self.csr, T, noise_scale=self.scale,
                                        seed=NOISE_SEED, mode=mode)
        if name in ("izhic (1 thread)", "izhic (2 threads)"):
            threads = int(name.split("(")[1].split()[0])
            return lambda: izhic.simulate(self.model, 0.0, T * DT, DT, METHOD, noise=self.scale,
                                          noise_kind="per_step", seed=NOISE_SEED,
                                          n_threads=threads, synapses=self.synapses)
        if name == "izhic (1 thread), constant current":
            return lambda: izhic.simulate(self.model, self.dc, T * DT, DT, METHOD, n_threads=1,
                                          synapses=self.synapses)
        if name == "C loop queue (exact build), constant current":
            loops = self.loops("exact")
            return lambda: loops.sparse(self.params, self.csr, T, current=self.dc, mode="queue")
        raise KeyError(name)

    def check(self, benchmark, entry, result):
        benchmark.extra_info["network draw s"] = round(self.draw_s, 2)
        if entry.startswith("C "):
            benchmark.extra_info["C CSR build s"] = round(self.csr_s, 2)
            return []
        benchmark.extra_info["izhic.Synapses build s"] = round(self.synapses_s, 2)
        if int(entry.split("(")[1].split()[0]) > MAX_THREADS:
            benchmark.extra_info["note"] = f"more threads than the {MAX_THREADS} cores"
        checks = []
        if entry == "izhic (1 thread)" and self.loops("exact") is not None:
            # the same network on the same input: izhic = the C loop in izhic's order
            got = izhic_spikes(self.first("izhic (1 thread), constant current")[0], T)
            _assert_trains_equal(
                got, self.first("C loop queue (exact build), constant current")[0].spikes,
                "izhic vs the C queue loop (exact build), constant current")
            checks.append(f"constant current: = C loop queue (exact build), {len(got)} spikes")
        if entry == "izhic (2 threads)":
            _assert_trains_equal(izhic_spikes(result, T),
                                 izhic_spikes(self.first("izhic (1 thread)")[0], T),
                                 "izhic 2 threads vs 1 thread")
            checks.append("= izhic (1 thread)")
        return checks


# --------------------------------------------------------------------------
# network spnet
# --------------------------------------------------------------------------

def _spnet_layout(post, ne=SPNET_NE, D=SPNET_D):
    """spnet's synapses in the C loop's layout (row n, column m: flat index
    n * M + m) -> ``(pre, post, delay, order)``: ``order[k]`` is the flat index
    of izhic's stored synapse k, storage being sorted by (pre, delay, post)."""
    n, M = post.shape
    pre = np.repeat(np.arange(n), M)
    delay = np.where(pre < ne, np.tile(np.arange(M) // (M // D) + 1, n), 1)
    target = np.asarray(post, dtype=np.int64).reshape(-1)
    order = np.lexsort((target, delay, pre))
    return pre[order], target[order], delay[order], order


class SpnetCase(_Case):
    """Izhikevich 2006 spnet (N = 1000, 1e5 synapses, delays 1-20 ms, STDP), 30 s."""

    group = SPNET
    entries = ("C loop (exact)", "izhic (1 thread)", "izhic (2 threads)",
               "polychronization_2006 (1 thread)")
    reference = "C loop (exact)"
    min_rounds = 15             # calls of 0.07-0.2 s: about 10 s in all
    T = SPNET_T

    def rounds_of(self, entry):
        # 2 threads synchronize every ms: with another process on the cores a
        # call can take seconds instead of 0.2 s
        return 5 if entry == "izhic (2 threads)" else self.min_rounds

    def __init__(self, c_loops):
        super().__init__(c_loops)
        start = time.perf_counter()
        # the C loop's targets: the tests' own draw of spnet.cpp's (default_rng(seed))
        self.post = np.ascontiguousarray(ORACLES.spnet_network(SPNET_SEED), dtype=np.int32)
        self.pre_lists = ORACLES.spnet_pre_lists(self.post, SPNET_NE)
        self.c_setup_s = time.perf_counter() - start
        start = time.perf_counter()
        self.model, self.synapses = izhic.network.spnet_network(SPNET_SEED)
        self.synapses_s = time.perf_counter() - start
        self.n = self.post.shape[0]
        # the thalamic input: the neuron kicked in each step, exactly the draws
        # polychronization_2006(seed=SPNET_SEED) makes inside the kernel
        self.kicks = izhic.inputs.random_events(SPNET_KICK).events(
            self.n, float(self.T), DT, SPNET_SEED).neuron
        self.events = izhic.inputs.events(self.kicks, np.arange(self.T, dtype=float), SPNET_KICK)
        self.layout = _spnet_layout(self.post)

    def header(self):
        return (f"N = {self.n} ({SPNET_NE} excitatory), {self.synapses.n_synapses} synapses "
                f"(excitatory: delays 1-{SPNET_D} ms, STDP; inhibitory: 1 ms), connectivity "
                f"seed {SPNET_SEED}, {self.T} steps of 1 ms, one kick of {SPNET_KICK:g} a step "
                f"(polychronization_2006's, seed {SPNET_SEED}); untimed: izhic's network built "
                f"in {self.synapses_s:.2f} s, the C loop's targets and pre lists in "
                f"{self.c_setup_s:.2f} s")

    def run(self, name):
        if name == "C loop (exact)":
            loops = self.require("exact")
            return lambda: loops.spnet(self.post, kicks=self.kicks, Ne=SPNET_NE, D=SPNET_D,
                                       pre_lists=self.pre_lists)
        if name in ("izhic (1 thread)", "izhic (2 threads)"):
            threads = int(name.split("(")[1].split()[0])
            syn = self.synapses
            return lambda: izhic.simulate(
                self.model, self.events, self.T * DT, DT, METHOD, v0=-65.0, u0=-13.0,
                synapses=syn, plasticity=izhic.STDP.izhikevich2006(plastic=syn.pre < SPNET_NE),
                n_threads=threads)
        if name == "polychronization_2006 (1 thread)":
            return lambda: izhic.network.polychronization_2006(
                self.T * DT, seed=SPNET_SEED, n_threads=1, keep_spikes=False)
        raise KeyError(name)

    def c_weights(self):
        """The C loop's final weights in izhic's storage order, or None without it."""
        if self.loops("exact") is None:
            return None
        weights = self.first("C loop (exact)")[0].s.reshape(-1)[self.layout[3]]
        assert np.any(weights[self.layout[0] < SPNET_NE] != 6.0), "STDP changed no weight"
        return weights

    def check_network(self, synapses):
        """izhic's synapses are the C loop's: same (pre, post, delay), in storage order."""
        pre, post, delay, _ = self.layout
        assert np.array_equal(self.post, izhic.network.spnet_targets(
            np.random.default_rng(SPNET_SEED))), "izhic's spnet_targets vs the tests' draw"
        assert np.array_equal(synapses.pre, pre) and np.array_equal(synapses.post, post), \
            "izhic's synapses vs the C loop's targets"
        assert np.array_equal(synapses.delay, delay * DT), "izhic's delays vs the C loop's"

    def check(self, benchmark, entry, result):
        if entry.startswith("C "):
            return []
        benchmark.extra_info["izhic network build s"] = round(self.synapses_s, 3)
        threads = int(entry.split("(")[1].split()[0])
        if threads > MAX_THREADS:
            benchmark.extra_info["note"] = f"more threads than the {MAX_THREADS} cores"
        c_w = self.c_weights()
        checks = []
        if entry == "izhic (1 thread)":
            self.check_network(self.synapses)
            checks.append("synapses = the C loop's targets and delays")
            if c_w is not None:
                got = izhic_spikes(result, self.T)
                _assert_trains_equal(got, self.first("C loop (exact)")[0].spikes,
                                     "izhic vs the C spnet loop (exact build)")
                assert np.array_equal(result.weights, c_w), \
                    "izhic's final weights vs the C spnet loop's"
                checks.append(f"= C loop (exact): {len(got)} spikes, final weights bit for bit")
        elif entry == "izhic (2 threads)":
            one = self.first("izhic (1 thread)")[0]
            _assert_trains_equal(izhic_spikes(result, self.T), izhic_spikes(one, self.T),
                                 "izhic 2 threads vs 1 thread")
            assert np.array_equal(result.spike_times.times, one.spike_times.times)
            assert np.array_equal(result.weights, one.weights), "weights: 2 threads vs 1"
            checks.append("= izhic (1 thread): spikes, final weights")
        else:
            # the same kicks drawn in the kernel: the run of izhic (1 thread) exactly
            self.check_network(result.synapses)
            assert result.complete and result.duration == self.T * DT
            if c_w is not None:
                assert np.array_equal(result.weights, c_w), \
                    "polychronization_2006's final weights vs the C spnet loop's"
                checks.append("final weights = C loop (exact)")
            t, i = self.first("izhic (1 thread)")[0].raster()
            per_second = np.zeros((self.T // 1000, 2), np.int64)
            np.add.at(per_second, (((t - 1.0) // 1000.0).astype(np.int64),
                                   (i >= SPNET_NE).astype(np.int64)), 1)
            assert np.array_equal(result.spikes_per_second, per_second), \
                "polychronization_2006's spikes per second vs izhic (1 thread)'s"
            last = t > self.T * DT - 1000.0
            order = np.lexsort((i[last], t[last]))
            assert np.array_equal(result.last_second[0], t[last][order]) and \
                np.array_equal(result.last_second[1], i[last][order]), \
                "polychronization_2006's last second vs izhic (1 thread)'s"
            checks.append("= izhic (1 thread): spikes per second, last second's spikes")
        return checks

    def check_rate(self, entry):
        return []               # the spikes themselves are compared


# --------------------------------------------------------------------------
# The entries of every group
# --------------------------------------------------------------------------

CASES = (NetmCase, SparseCase, SpnetCase)


@pytest.fixture(scope="module")
def cases(c_loops, bench_group):
    """``get(group)``: the group's case, built on first use (once per module)."""
    built = {}

    def get(group):
        if group not in built:
            case = next(cls for cls in CASES if cls.group == group)(c_loops)
            bench_group(group, reference=case.reference, notes=[case.header()])
            built[group] = case
        return built[group]
    return get


@pytest.mark.parametrize("group, entry", [(cls.group, e) for cls in CASES for e in cls.entries])
def test_network(benchmark, measure, bench_group, cases, group, entry):
    case = cases(group)
    fn = case.run(entry)
    if benchmark.disabled:      # nothing is timed: the first run stands for the call
        fn = lambda: case.first(entry)[0]    # noqa: E731
    result, median = measure(benchmark, group, entry, fn, case.n * case.T,
                             warm=case.first(entry), min_rounds=case.rounds_of(entry))
    rate = case.rate(entry)
    benchmark.extra_info["spikes"] = _n_spikes(result)
    benchmark.extra_info["rate Hz"] = round(rate, 3)
    speed = ""
    if median is not None:
        model_s = case.T * DT / 1000.0
        benchmark.extra_info["model s per wall s"] = float(f"{model_s / median:.4g}")
        speed = f", {model_s / median:.4g} model s per wall s"
    if entry.startswith("C "):
        benchmark.extra_info["flags"] = " ".join(case.require(_c_build(entry)).flags)
    checks = case.check(benchmark, entry, result) + case.check_rate(entry)
    benchmark.extra_info["checks"] = "; ".join(checks)
    bench_group(group).notes.append(f"{entry}: {rate:.2f} Hz{speed}"
                                    + (f" ({'; '.join(checks)})" if checks else ""))
