"""C loops of three networks (network_loops.c) through ctypes, and their timings.

``load(build)`` compiles ``network_loops.c`` into a temporary directory
(``$CC`` or ``cc``) and returns a :class:`Loops` object; without a compiler, or
when the build fails, it raises :class:`LoopsUnavailable` with the reason.
Builds:

* ``"native"``: ``-O3 -march=native`` (gcc contracts a*b + c into FMA: the
  timing build);
* ``"exact"``: the same plus ``-ffp-contract=off``: every operation rounded
  as written, bit for bit equal to the NumPy oracles of
  ``tests/network_oracles.py``.

The loops and their orders are described in network_loops.c; spikes come back
as the oracles return them: an int64 array (n, 2) of (t, neuron), t the step
at whose start v >= 30 was found.

Run as a script for the timings (medians of several runs; put ``nice -n 5``
in front on a shared machine)::

    python benchmarks/network_loops.py               # net.m, sparse 1e4 / 1e5, spnet
    python benchmarks/network_loops.py spnet --hour  # and one hour of spnet
"""
from __future__ import annotations

import atexit
import ctypes
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "network_loops.c"
BUILDS = {
    "native": ["-O3", "-march=native"],
    "exact": ["-O3", "-march=native", "-ffp-contract=off"],
}
NL_NOMEM, NL_NONFINITE = -1, -2


def oracles():
    """tests/network_oracles.py as a module (imported by path)."""
    mod = sys.modules.get("network_oracles")
    if mod is None:
        spec = importlib.util.spec_from_file_location(
            "network_oracles", HERE.parent / "tests" / "network_oracles.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["network_oracles"] = mod
        spec.loader.exec_module(mod)
    return mod


def izhic_spikes(result, T):
    """The spikes of an ``izhic.simulate`` result (dt = 1 ms) in the oracles' convention.

    izhic reports a spike at the end of the step that produced it; the
    oracles and the loops at the step t at whose start v >= 30 was found, one
    step later: (t, neuron) = (izhic's time + 1, neuron), sorted by (t, neuron),
    up to t = T (the last step's spikes fall after the oracles' loop).
    """
    times, neurons = result.raster()
    spikes = np.column_stack([np.rint(times).astype(np.int64) + 1,
                              np.asarray(neurons, dtype=np.int64)])
    spikes = spikes[np.lexsort((spikes[:, 1], spikes[:, 0]))]
    return spikes[spikes[:, 0] <= T]


class LoopsUnavailable(RuntimeError):
    """No C compiler, or network_loops.c did not build."""


class _SpikeBuf(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int64), ("cap", ctypes.c_int64),
                ("step", ctypes.POINTER(ctypes.c_int32)),
                ("neuron", ctypes.POINTER(ctypes.c_int32))]


class LoopResult(NamedTuple):
    spikes: np.ndarray     # (n, 2) int64: (t, neuron)
    v: np.ndarray
    u: np.ndarray
    seconds: float         # wall time of the C call alone


class SpnetLoopResult(NamedTuple):
    spikes: np.ndarray
    v: np.ndarray
    u: np.ndarray
    s: np.ndarray
    sd: np.ndarray
    seconds: float
    sec_wall: np.ndarray   # wall time (s) of each completed model second


_D, _I32, _I64 = (np.ctypeslib.ndpointer(t, flags="C_CONTIGUOUS")
                  for t in (np.float64, np.int32, np.int64))
_OPT_D = ctypes.c_void_p   # a double array or None
_SIGNATURES = {
    "nl_netm": [ctypes.c_int, _D, _D, _D, _D, _D, ctypes.c_int, _OPT_D, _OPT_D,
                ctypes.c_uint64, _D, _D, ctypes.POINTER(_SpikeBuf)],
    "nl_sparse": [ctypes.c_int, _D, _D, _D, _D, ctypes.c_int, _I64, _I32, _D,
                  ctypes.c_int, ctypes.c_int, _OPT_D, ctypes.c_int64, _OPT_D,
                  ctypes.c_uint64, _D, _D, ctypes.POINTER(_SpikeBuf)],
    "nl_spnet": [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_double,
                 _I32, _D, _D, _I64, _I32, _I32, ctypes.c_int64, ctypes.c_void_p,
                 ctypes.c_uint64, _D, _D, ctypes.POINTER(_SpikeBuf), _OPT_D],
    "nl_normals": [ctypes.c_uint64, ctypes.c_int64, _D],
}


def _f64(x, n=None):
    x = np.ascontiguousarray(x, dtype=np.float64)
    return x if n is None else np.ascontiguousarray(np.broadcast_to(x, (n,)), dtype=np.float64)


def _ptr(x):
    return None if x is None else x.ctypes.data


class SparseCSR(NamedTuple):
    """Pre-major CSR grouped by delay: the synapses of pre j with delay m
    (1..D) are ``ptr[j*D + m - 1] : ptr[j*D + m]``, in the synapse list's order."""

    n: int
    D: int
    ptr: np.ndarray        # int64, N*D + 1
    post: np.ndarray       # int32
    weight: np.ndarray     # float64

    @classmethod
    def from_synapses(cls, n, pre, post, weight, delay):
        pre, delay = np.asarray(pre, dtype=np.int64), np.asarray(delay, dtype=np.int64)
        if delay.size and delay.min() < 1:
            raise ValueError("delays must be >= 1 step")
        D = int(delay.max()) if delay.size else 1
        key = pre * D + (delay - 1)
        order = np.argsort(key, kind="stable")
        ptr = np.searchsorted(key[order], np.arange(n * D + 1)).astype(np.int64)
        return cls(n, D, ptr, np.asarray(post, dtype=np.int32)[order],
                   np.asarray(weight, dtype=np.float64)[order])


class Loops:
    """One build of network_loops.c."""

    def __init__(self, name, flags, path):
        self.name, self.flags = name, tuple(flags)
        self.lib = ctypes.CDLL(str(path))
        for fn, argtypes in _SIGNATURES.items():
            f = getattr(self.lib, fn)
            f.argtypes = argtypes
            f.restype = None if fn == "nl_normals" else ctypes.c_int
        self.lib.nl_spikebuf_free.argtypes = [ctypes.POINTER(_SpikeBuf)]
        self.lib.nl_spikebuf_free.restype = None

    def _call(self, fn, *args, after=()):
        """Run one loop: fn(*args, spike buffer, *after); -> (spikes array, seconds)."""
        buf = _SpikeBuf()
        try:
            start = time.perf_counter()
            err = fn(*args, ctypes.byref(buf), *after)
            seconds = time.perf_counter() - start
            if err == NL_NONFINITE:
                raise FloatingPointError("network_loops: v became NaN or infinite")
            if err == NL_NOMEM:
                raise MemoryError("network_loops: out of memory")
            spikes = np.empty((buf.n, 2), dtype=np.int64)
            if buf.n:
                spikes[:, 0] = np.ctypeslib.as_array(buf.step, (buf.n,))
                spikes[:, 1] = np.ctypeslib.as_array(buf.neuron, (buf.n,))
        finally:
            self.lib.nl_spikebuf_free(ctypes.byref(buf))
        return spikes, seconds

    def normals(self, seed, n):
        """n standard normals of the loops' sampler (ziggurat over xoshiro256+)."""
        out = np.empty(n)
        self.lib.nl_normals(seed, n, out)
        return out

    def net_m(self, a, b, c, d, S, T, *, thalamic=None, noise_scale=None, seed=0,
              v0=-65.0, u0=None):
        """net.m (dense ``S[post, pre]``) for T steps.

        Input: ``thalamic`` (T x N), exactly as tests' ``net_m``, or noise
        ``noise_scale[i] * normal`` drawn inside the loop from ``seed``.
        """
        a, b, c, d = (_f64(x) for x in (a, b, c, d))
        n = a.size
        ST = np.ascontiguousarray(np.asarray(S, dtype=np.float64).T)
        thal, scale = _inputs(n, T, thalamic, noise_scale, 2)
        v = _f64(v0, n).copy()
        u = b * v if u0 is None else _f64(u0, n).copy()
        spikes, sec = self._call(self.lib.nl_netm, n, a, b, c, d, ST, T, _ptr(thal),
                                 _ptr(scale), seed, v, u)
        return LoopResult(spikes, v, u, sec)

    def sparse(self, params, csr, T, *, current=None, noise_scale=None, seed=0,
               mode="pull", v0=-65.0, u0=None):
        """net.m's neurons, sparse synapses with delays (a :class:`SparseCSR`).

        mode "pull": izhic's canonical summation order, exactly tests'
        ``net_m_delays``, looking each spike's delay group up at delivery;
        "queue": the same order, the groups queued at spike time; "push":
        into a ring buffer at spike time (oldest spike first per target). Input: ``current`` (T x N, or (N,) for every
        step) or noise ``noise_scale[i] * normal`` from ``seed``.
        """
        a, b, c, d = (_f64(x) for x in params)
        n = a.size
        cur, scale = _inputs(n, T, current, noise_scale, 1)
        stride = n if cur is not None and cur.ndim == 2 else 0
        v = _f64(v0, n).copy()
        u = b * v if u0 is None else _f64(u0, n).copy()
        spikes, sec = self._call(self.lib.nl_sparse, n, a, b, c, d, csr.D, csr.ptr,
                                 csr.post, csr.weight, T, {"push": 0, "pull": 1, "queue": 2}[mode],
                                 _ptr(cur), stride, _ptr(scale), seed, v, u)
        return LoopResult(spikes, v, u, sec)

    def spnet(self, post, *, kicks=None, T=None, seed=0, Ne=800, D=20, sm=10.0,
              pre_lists=None):
        """spnet.m exactly; ``kicks`` (T,) as tests' ``spnet``, or T steps with
        the kicked neuron drawn inside the loop from ``seed``. ``pre_lists``:
        ``spnet_pre_lists(post, Ne)`` made beforehand (keeps it out of a timing)."""
        ora = oracles()
        post = np.asarray(post)
        n, M = post.shape
        ptr, pre_p, pre_m = ora.spnet_pre_lists(post, Ne) if pre_lists is None else pre_lists
        if kicks is not None:
            kicks = np.ascontiguousarray(kicks, dtype=np.int32)
            T = kicks.size
        s = np.concatenate([6 * np.ones((Ne, M)), -5 * np.ones((n - Ne, M))])
        sd = np.zeros((n, M))
        v = np.full(n, -65.0)
        u = 0.2 * v
        sec_wall = np.zeros(T // 1000)
        spikes, seconds = self._call(
            self.lib.nl_spnet, n, Ne, M, D, sm, np.ascontiguousarray(post, dtype=np.int32),
            s, sd, np.ascontiguousarray(ptr, dtype=np.int64),
            np.ascontiguousarray(pre_p, dtype=np.int32), np.ascontiguousarray(pre_m, dtype=np.int32),
            T, _ptr(kicks), seed, v, u, after=(_ptr(sec_wall),))
        return SpnetLoopResult(spikes, v, u, s, sd, seconds, sec_wall)


def _inputs(n, T, given, noise_scale, given_ndim):
    """(given array or None, noise scale or None): exactly one of the two."""
    if (given is None) == (noise_scale is None):
        raise ValueError("give either the input array or noise_scale")
    if noise_scale is not None:
        return None, _f64(noise_scale, n)
    given = _f64(given)
    if given.shape != (T, n) and not (given_ndim == 1 and given.shape == (n,)):
        raise ValueError(f"input: shape {given.shape} does not fit T={T}, N={n}")
    return given, None


_CACHE = {}
_TMP = []


def _compiler():
    cc = shlex.split(os.environ.get("CC", "cc"))
    return cc if cc and shutil.which(cc[0]) else None


def load(build="exact"):
    """The compiled build ``build`` ("native" or "exact"), compiled once per process."""
    if build not in _CACHE:
        _CACHE[build] = _compile(build)
    if isinstance(_CACHE[build], str):
        raise LoopsUnavailable(_CACHE[build])
    return _CACHE[build]


def _compile(build):
    cc = _compiler()
    if cc is None:
        return f"no C compiler ({os.environ.get('CC', 'cc')!r} not found on PATH)"
    if not _TMP:
        tmp = tempfile.TemporaryDirectory(prefix="network_loops_")
        _TMP.append(tmp)
        atexit.register(tmp.cleanup)
    target = Path(_TMP[0].name) / f"network_loops_{build}.so"
    cmd = [*cc, *BUILDS[build], "-shared", "-fPIC", str(SOURCE), "-o", str(target), "-lm"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        return f"`{' '.join(cmd)}` failed:\n{res.stderr.strip()}"
    return Loops(build, BUILDS[build], target)


# ---------------------------------------------------------------------------
# Timings (python benchmarks/network_loops.py)
# ---------------------------------------------------------------------------

def _median_run(fn, repeat):
    """fn() -> result with .seconds; -> (median seconds, all seconds, last result)."""
    times, res = [], None
    for _ in range(repeat):
        res = fn()
        times.append(res.seconds)
    return float(np.median(times)), times, res


def _fmt(seconds):
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def time_net_m(loops, repeat, seed=0):
    ora = oracles()
    params, S = ora.net_m_network(seed)
    scale = np.r_[np.full(800, 5.0), np.full(200, 2.0)]
    med, times, res = _median_run(
        lambda: loops.net_m(*params, S, 1000, noise_scale=scale, seed=seed), repeat)
    print(f"net.m N=1000 dense, 1000 ms, ziggurat noise: median {_fmt(med)} "
          f"(min {_fmt(min(times))}, max {_fmt(max(times))}), "
          f"{res.spikes.shape[0] / 1000:.2f} Hz", flush=True)


def time_sparse(loops, repeat, n, scale_name, max_delay=20, seed=1):
    """max_delay=1: every delay 1 ms, as in net.m. With x10 weights that network
    bursts (about 21 Hz, up to a third of the neurons in one ms); delays
    spread over 1-20 ms break the bursts up (about 10 Hz)."""
    ora = oracles()
    factor = {"sqrt10": np.sqrt(10.0), "x10": 10.0, "x1": 1.0}[scale_name]
    net = ora.random_sparse_network(seed, n, 100, weight_scale=factor, max_delay=max_delay)
    csr = SparseCSR.from_synapses(n, net.pre, net.post, net.weight, net.delay)
    ne = int(round(0.8 * n))
    noise = np.r_[np.full(ne, 5.0), np.full(n - ne, 2.0)]
    params = net.params
    del net
    for mode in ("push", "pull", "queue"):
        med, times, res = _median_run(
            lambda: loops.sparse(params, csr, 1000, noise_scale=noise, seed=seed, mode=mode),
            repeat)
        counts = np.bincount(res.spikes[:, 0], minlength=1001)
        print(f"sparse N={n:g} K=100 delays 1-{max_delay}, weights {scale_name}, 1000 ms, {mode}: "
              f"median {_fmt(med)} (min {_fmt(min(times))}, max {_fmt(max(times))}), "
              f"{res.spikes.shape[0] / n:.2f} Hz, max {counts.max() / n:.1%} of neurons "
              f"in 1 ms", flush=True)


def time_spnet(loops, repeat, seconds_late, hour, seed=1):
    ora = oracles()
    post = ora.spnet_network(seed)
    early = []
    for r in range(repeat):
        res = loops.spnet(post, T=10_000, seed=100 + r)
        early.append(res.sec_wall)
    early = np.array(early)
    n_early = np.bincount((res.spikes[:, 0] - 1) // 1000, minlength=10)
    print(f"spnet first 10 s: median {np.median(early) * 1e3:.2f} ms per model second "
          f"(per-second medians over {repeat} runs: "
          f"{', '.join(f'{x * 1e3:.1f}' for x in np.median(early, axis=0))} ms), "
          f"{n_early.mean():.0f} spikes/s", flush=True)
    runs = [loops.spnet(post, T=seconds_late * 1000, seed=200 + r) for r in range(max(1, repeat // 2))]
    late = np.array([r.sec_wall[60:] for r in runs])
    n_late = np.bincount((runs[-1].spikes[:, 0] - 1) // 1000)[60:]
    print(f"spnet seconds 60-{seconds_late}: median {np.median(late) * 1e3:.2f} ms per model "
          f"second, {n_late.mean():.0f} spikes/s; whole run {_fmt(np.median([r.seconds for r in runs]))}",
          flush=True)
    if hour:
        res = loops.spnet(post, T=3_600_000, seed=300)
        n_sec = np.bincount((res.spikes[:, 0] - 1) // 1000)
        s_exc = res.s[:800]
        print(f"spnet one hour of model time: {_fmt(res.seconds)} "
              f"({res.seconds / 3.6:.2f} ms per model second; last 10 min "
              f"{np.median(res.sec_wall[-600:]) * 1e3:.2f} ms per s, {n_sec[-600:].mean():.0f} spikes/s); "
              f"exc weights < 0.5: {np.mean(s_exc < 0.5):.1%}, > 9.5: {np.mean(s_exc > 9.5):.1%}",
              flush=True)


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("what", nargs="*", choices=["netm", "sparse", "spnet", []],
                   help="what to time (default: all three)")
    p.add_argument("--build", default="native", choices=sorted(BUILDS))
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--sizes", default="1e4,1e5")
    p.add_argument("--late", type=int, default=300, help="spnet: model seconds of the long run")
    p.add_argument("--hour", action="store_true", help="spnet: also one hour of model time")
    args = p.parse_args(argv)
    args.what = args.what or ["netm", "sparse", "spnet"]
    loops = load(args.build)
    print(f"build {args.build}: {' '.join(loops.flags)}; {os.cpu_count()} cores; "
          f"medians of {args.repeat} runs", flush=True)
    if "netm" in args.what:
        time_net_m(loops, args.repeat)
    if "sparse" in args.what:
        for n in (int(float(x)) for x in args.sizes.split(",")):
            for scale, max_delay in (("sqrt10", 20), ("x10", 20), ("x10", 1)):
                time_sparse(loops, args.repeat if n <= 10_000 else max(3, args.repeat // 2),
                            n, scale, max_delay)
    if "spnet" in args.what:
        time_spnet(loops, args.repeat, args.late, args.hour)


if __name__ == "__main__":
    main()
