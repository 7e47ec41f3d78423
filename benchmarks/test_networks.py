"""Networks: izhic's network kernel against the C loops of network_loops.c and NumPy.

Run with ``pytest --benchmark-only benchmarks/test_networks.py`` (about a
minute on 2 cores; ``pytest benchmarks/test_networks.py --benchmark-disable``
runs each entry once with its checks, about half a minute). Every entry
simulates net.m's neurons (Izhikevich 2003) for 1000 steps of 1 ms with
net.m's update (izhic's ``method="izhikevich2003"``: two half steps of v with
the same u and current, then u), synapses that add their weight to the
current (izhic's kind ``"current"``) and thalamic noise 5 N(0, 1) per step
for the excitatory neurons, 2 N(0, 1) for the inhibitory ones, spikes
recorded. Two groups:

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

Spike conventions: the oracles and the C loops report a spike at the step t
at whose start v >= 30 was found; izhic at the end of the step that produced
it, t - 1 ms (``network_loops.izhic_spikes`` converts). Without a C compiler
the C entries are skipped and the checks that need them are not made.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

import izhic
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


def _thalamic_scale(n):
    """net.m's noise amplitudes: 5 for the first 80 % (excitatory), 2 for the rest."""
    ne = int(round(0.8 * n))
    return np.r_[np.full(ne, 5.0), np.full(n - ne, 2.0)]


def _n_spikes(result):
    """Spikes of an izhic result, a C loop's or an oracle's."""
    if isinstance(result, izhic.SimulationResult):
        return int(result.spike_counts().sum())
    return int(result.spikes.shape[0])


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
    against), ``rate_tolerance``, ``min_rounds``, and the methods ``header``,
    ``run`` and ``check``.
    """

    group = ""
    entries = ()
    reference = ""
    rate_tolerance = 0.0
    min_rounds = 3

    def __init__(self, c_loops):
        self._c_loops = c_loops
        self._first = {}            # entry or check run -> (result, seconds)

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
        return _n_spikes(self.first(name)[0]) / self.n / (T * DT / 1000.0)

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
# The entries of both groups
# --------------------------------------------------------------------------

CASES = (NetmCase, SparseCase)


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
    result, _ = measure(benchmark, group, entry, case.run(entry), case.n * T,
                        warm=case.first(entry), min_rounds=case.min_rounds)
    rate = case.rate(entry)
    benchmark.extra_info["spikes"] = _n_spikes(result)
    benchmark.extra_info["rate Hz"] = round(rate, 3)
    if entry.startswith("C "):
        benchmark.extra_info["flags"] = " ".join(case.require("native").flags)
    checks = case.check(benchmark, entry, result) + case.check_rate(entry)
    benchmark.extra_info["checks"] = "; ".join(checks)
    bench_group(group).notes.append(f"{entry}: {rate:.2f} Hz"
                                    + (f" ({'; '.join(checks)})" if checks else ""))
