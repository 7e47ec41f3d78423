"""Accuracy audit of method "rk4": spike times against the exact hybrid solution.

A script, not a test. For each case it computes the exact spike times with
``izhic.reference.simulate_solve_ivp`` (DOP853, rtol = atol = 1e-12, restarts
at every spike, model switch and input edge; cached in
``/tmp/izhic_audit_cache``, one ``.npz`` per case, keyed by the case's name
and a hash of its definition), then runs ``izhic.simulate(..., method="rk4")``
at each dt and reports, per case and dt, whether the spike counts match, the
largest spike-time error ``max |t_izhic - t_exact|`` (when they do) and the
observed order ``log2(err(dt) / err(dt / 2))`` between consecutive dts.

Groups:

* ``A``: the 2003 presets RS, FS, CH under (i) a 20 Hz sine,
  ``I = 10 + 5 sin(2 pi t / 50)`` (``inputs.function(fn, edges=[])``), and
  (ii) 40.013 ms pulses of +10 on an offset of 5, with onsets (and ends)
  between grid points of every dt (``inputs.pulses``); ``--duration`` long.
* ``B``: the seven 2007 cell types (``izhic.PRESETS_2007``) under every
  amplitude of their published protocols (``izhic.protocols.PROTOCOLS_2007``:
  tonic steps at 10 % of the run, and TC and RTN in burst mode: held
  hyperpolarized for 120 ms, then released), each over the protocol's own
  duration (100 .. 720 ms; ``--duration`` does not apply).
* ``C``: random 2003 parameter sets (seeded): a in [0.01, 0.1], b in
  [0.15, 0.3], c in [-70, -45], d in [0.05, 8], constant I in [0, 30];
  kept when the exact solution fires at 1 .. 300 Hz, is computable, and the
  spike count at the finest dt equals the exact one with every spike within
  ``--ill-tol`` (0.1 ms) of it (the others are listed as skipped, with the
  reason; the skipped ones still carry their numbers in the JSON);
  ``--duration`` long.

Usage::

    python benchmarks/accuracy_audit.py                      # all groups, 1000 ms
    python benchmarks/accuracy_audit.py --group A --dts 0.2,0.1,0.05 --json out.json
    python benchmarks/accuracy_audit.py --compare /tmp/audit_before.json   # also show the ratio

Orders are only computed where both errors are above ``ORDER_FLOOR`` (1e-9 ms,
near the exact solution's own accuracy); the group summaries take the worst
error at dt = 0.1 and the smallest order over the pairs 0.2 -> 0.1 and
0.1 -> 0.05 (the dts present).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import multiprocessing
import os
import platform
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CACHE_DIR = Path("/tmp/izhic_audit_cache")
EXACT = {"method": "DOP853", "rtol": 1e-12, "atol": 1e-12}
ORDER_FLOOR = 1e-9
DEFAULT_DTS = (0.2, 0.1, 0.05, 0.025)

# group A inputs
SINE = {"I0": 10.0, "A": 5.0, "period": 50.0}                   # 20 Hz
PULSES = {"offset": 5.0, "amplitude": 10.0, "width": 40.013,
          "onsets": [50.03, 170.07, 290.011, 410.13, 530.017, 650.09, 770.003, 890.11]}

# group C
N_RANDOM, RANDOM_SEED = 40, 20250101
RATE_RANGE = (1.0, 300.0)
EXACT_TIMEOUT = 300.0       # s per exact solution (--exact-timeout)


# ----------------------------------------------------------------------------- izhic ----

def import_izhic(timeout=180.0):
    """izhic, retried while a rebuild of the package makes the import fail."""
    t0 = time.monotonic()
    while True:
        try:
            izhic = importlib.import_module("izhic")
            importlib.import_module("izhic.reference")
            importlib.import_module("izhic.protocols")
            return izhic
        except Exception as exc:  # ImportError, OSError (a half-written .so), ...
            if time.monotonic() - t0 > timeout:
                raise
            print(f"[audit] import izhic failed ({type(exc).__name__}: {exc}); retrying",
                  file=sys.stderr, flush=True)
            for name in [m for m in sys.modules if m == "izhic" or m.startswith("izhic.")]:
                del sys.modules[name]
            time.sleep(5.0)


# ----------------------------------------------------------------------------- cases ----
# A case is plain data (picklable, hashable for the cache); build() makes the model and
# the current from it, in whichever process needs them.

def cases_a(duration):
    out = []
    for cell in ("RS", "FS", "CH"):
        out.append({"name": f"{cell}_sine", "group": "A", "model": ["2003", cell],
                    "input": dict(SINE, kind="sine"), "duration": duration})
        out.append({"name": f"{cell}_pulses", "group": "A", "model": ["2003", cell],
                    "input": dict(PULSES, kind="pulses"), "duration": duration})
    return out


def cases_b(izhic):
    from izhic.protocols import PROTOCOLS_2007

    out = []
    for key, p in PROTOCOLS_2007.items():
        for amp in p.amplitudes:
            spec = {"name": f"{key}@{amp:g}", "group": "B", "model": ["2007", p.cell],
                    "input": {"kind": "protocol2007", "protocol": key, "amplitude": amp},
                    "duration": float(p.duration)}
            if not p.burst_mode:
                # the cell rests at (vr, 0) until the step: the exact solution starts at
                # t_on (RTN's rest vr = -65 is its v_switch: solve_ivp's kink event
                # would restart there every 1e-9 ms, endlessly)
                spec["exact_from"] = float(p.t_on)
            out.append(spec)
    return out


def cases_c(duration, n=N_RANDOM, seed=RANDOM_SEED):
    rng = np.random.default_rng(seed)
    out = []
    for j in range(n):
        a, b = rng.uniform(0.01, 0.1), rng.uniform(0.15, 0.3)
        c, d = rng.uniform(-70.0, -45.0), rng.uniform(0.05, 8.0)
        current = rng.uniform(0.0, 30.0)
        out.append({"name": f"rand{j:02d}", "group": "C",
                    "model": ["params", {"a": round(a, 6), "b": round(b, 6), "c": round(c, 4),
                                         "d": round(d, 4)}],
                    "input": {"kind": "const", "I": round(current, 4)}, "duration": duration,
                    "max_spikes": int(RATE_RANGE[1] * duration / 1000.0) + 1})
    return out


def build(spec, izhic):
    """(model, current) of a case."""
    from izhic import inputs

    form, what = spec["model"]
    if form == "2003":
        model = izhic.PRESETS_2003[what]
    elif form == "2007":
        model = izhic.PRESETS_2007[what]
    else:
        model = izhic.Izhikevich2003(**what)
    inp = spec["input"]
    kind = inp["kind"]
    if kind == "sine":
        I0, A, period = inp["I0"], inp["A"], inp["period"]
        current = inputs.function(lambda t: I0 + A * np.sin(2.0 * np.pi * t / period),
                                  "sine", edges=[])
    elif kind == "pulses":
        current = inp["offset"] + inputs.pulses(inp["onsets"], inp["width"], inp["amplitude"])
    elif kind == "protocol2007":
        from izhic.protocols import PROTOCOLS_2007
        current = PROTOCOLS_2007[inp["protocol"]].waveform(inp["amplitude"])
    elif kind == "const":
        current = float(inp["I"])
    else:
        raise ValueError(f"unknown input kind {kind!r}")
    return model, current


def spec_key(spec):
    text = json.dumps({"spec": spec, "exact": EXACT}, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def cache_path(spec):
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in spec["name"])
    return CACHE_DIR / f"{spec['group']}_{safe}__{spec_key(spec)}.npz"


# ----------------------------------------------------------------------------- exact ----

def exact_spikes(spec, use_cache=True):
    """-> (spike times or None, error text or None, seconds, from_cache)."""
    path = cache_path(spec)
    if use_cache and path.exists():
        try:
            with np.load(path, allow_pickle=False) as z:
                err = str(z["error"]) or None
                return (None if err else z["times"].copy()), err, float(z["seconds"]), True
        except Exception:
            pass    # unreadable: recompute
    izhic = import_izhic()
    from izhic.reference import simulate_solve_ivp

    t0 = time.perf_counter()
    times, err = None, None
    try:
        model, current = build(spec, izhic)
        kw = dict(EXACT)
        if "max_spikes" in spec:
            kw["max_spikes"] = spec["max_spikes"]
        with _time_limit(EXACT_TIMEOUT, spec["name"]):
            if "exact_from" in spec:
                times = _exact_from_rest(spec, izhic, kw)
            else:
                res = simulate_solve_ivp(model, current, spec["duration"], **kw)
                times = np.asarray(res.spike_times[0], dtype=np.float64)
    except Exception as exc:
        err = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - t0
    if err and err.startswith("ExactTimeout"):
        return None, err, seconds, False     # not cached: a longer limit may do
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}.npz")
        np.savez(tmp, times=np.zeros(0) if times is None else times, error=err or "",
                 seconds=seconds, spec=json.dumps(spec, sort_keys=True))
        os.replace(tmp, path)
    except OSError as exc:
        print(f"[audit] could not cache {spec['name']}: {exc}", file=sys.stderr)
    return times, err, seconds, False


class ExactTimeout(Exception):
    pass


class _time_limit:
    """Raise ExactTimeout after ``seconds`` (SIGALRM; only in a main thread)."""

    def __init__(self, seconds, name):
        self.seconds, self.name = seconds, name

    def _fire(self, *_):
        raise ExactTimeout(f"exact solution of {self.name} took over {self.seconds:g} s")

    def __enter__(self):
        import signal
        import threading
        self.on = bool(self.seconds) and threading.current_thread() is threading.main_thread()
        if self.on:
            self.old = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, float(self.seconds))
        return self

    def __exit__(self, *exc):
        if self.on:
            import signal
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            signal.signal(signal.SIGALRM, self.old)
        return False


def _exact_from_rest(spec, izhic, kw):
    """Exact spike times of a run that rests until ``spec["exact_from"]``: checks that
    the initial state is an exact equilibrium of the input before then, and solves
    from there."""
    from izhic.models import as_model
    from izhic.reference import simulate_solve_ivp

    model, current = build(spec, izhic)
    t_on = spec["exact_from"]
    m = as_model(model).checked().broadcast(1)
    v0, u0 = m.initial_state(m, None, None)
    v0, u0 = float(np.ravel(v0)[0]), float(np.ravel(u0)[0])
    one = m.take(0)
    before = current.values(np.linspace(0.0, t_on, 1001)[:-1])
    if np.any(before != before[0]):
        raise ValueError(f"exact_from: the input is not constant before t = {t_on:g} ms")
    I0 = float(before[0])
    if float(one.dv(v0, u0, I0)) != 0.0 or float(one.du(v0, u0)) != 0.0:
        raise ValueError(f"exact_from: the initial state ({v0}, {u0}) is not at rest at I = {I0}")
    after = float(current.values(np.array([t_on]))[0])
    res = simulate_solve_ivp(model, after, spec["duration"] - t_on, v0=v0, u0=u0, **kw)
    return t_on + np.asarray(res.spike_times[0], dtype=np.float64)


def _exact_job(job):
    spec, use_cache = job
    try:
        return spec["name"], exact_spikes(spec, use_cache)
    except Exception as exc:   # anything the job itself could not catch
        return spec["name"], (None, f"{type(exc).__name__}: {exc}", 0.0, False)


def all_exact(specs, processes, use_cache):
    """{name: (times, err, seconds, cached)}, with up to ``processes`` workers."""
    out, todo = {}, []
    for s in specs:
        if use_cache and cache_path(s).exists():
            out[s["name"]] = exact_spikes(s)
        else:
            todo.append(s)
    if todo:
        print(f"[audit] exact solutions: {len(todo)} to compute "
              f"({len(specs) - len(todo)} cached), {processes} process(es)", file=sys.stderr,
              flush=True)
        # the longest first (group A/C run 1000 ms at tens of Hz; B is shorter)
        todo.sort(key=lambda s: -s["duration"])
        if processes > 1 and len(todo) > 1:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(processes) as pool:
                for i, (name, r) in enumerate(pool.imap_unordered(_exact_job, [(s, use_cache) for s in todo]), 1):
                    out[name] = r
                    _progress(i, len(todo), name, r)
        else:
            for i, s in enumerate(todo, 1):
                name, r = _exact_job((s, use_cache))
                out[name] = r
                _progress(i, len(todo), name, r)
    return out


def _progress(i, n, name, r):
    times, err, seconds, _ = r
    what = f"{times.size} spikes" if times is not None else f"FAILED ({err[:80]})"
    print(f"[audit]   {i}/{n} {name}: {what}, {seconds:.1f} s", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- izhic rk4 ----

def run_rk4(spec, dts, exact, izhic):
    """Per dt: counts, match, max error (or the mismatch), any warning or error."""
    rows = {}
    try:
        model, current = build(spec, izhic)
    except Exception as exc:
        return {f"{dt:g}": {"error": f"{type(exc).__name__}: {exc}"} for dt in dts}
    for dt in dts:
        row = {}
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                t0 = time.perf_counter()
                res = izhic.simulate(model, current, spec["duration"], dt, method="rk4")
                row["seconds"] = time.perf_counter() - t0
            got = np.asarray(res.spike_times[0], dtype=np.float64)
            row["n_spikes"] = int(got.size)
            if caught:
                row["warnings"] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
            if exact is not None:
                row["count_match"] = bool(got.size == exact.size)
                if got.size == exact.size:
                    diff = np.abs(got - exact)
                    row["max_err"] = float(diff.max()) if diff.size else 0.0
                    row["argmax_spike"] = int(diff.argmax()) if diff.size else None
                else:
                    m = min(got.size, exact.size)
                    first = (np.flatnonzero(np.abs(got[:m] - exact[:m]) > 0.5 * dt))
                    row["mismatch"] = {
                        "n_izhic": int(got.size), "n_exact": int(exact.size),
                        "first_differing_spike": int(first[0]) if first.size else m,
                        "max_err_common_prefix": (float(np.abs(got[:first[0]] - exact[:first[0]]).max())
                                                  if first.size and first[0] > 0 else None)}
        except Exception as exc:
            row["error"] = f"{type(exc).__name__}: {exc}"
        rows[f"{dt:g}"] = row
    return rows


def orders(dts, rows):
    out = {}
    for d1, d2 in zip(dts[:-1], dts[1:]):
        e1, e2 = rows[f"{d1:g}"].get("max_err"), rows[f"{d2:g}"].get("max_err")
        key = f"{d1:g}->{d2:g}"
        if e1 is None or e2 is None or e1 <= ORDER_FLOOR or e2 <= ORDER_FLOOR:
            out[key] = None
        else:
            out[key] = math.log2(e1 / e2) / math.log2(d1 / d2)
    return out


# ----------------------------------------------------------------------------- report ----

def _cell_err(row):
    if "error" in row:
        return "ERROR"
    if row.get("max_err") is not None:
        return f"{row['max_err']:.2e}"
    if "mismatch" in row:
        m = row["mismatch"]
        return f"n{m['n_izhic']}/{m['n_exact']}"
    return "-"


def _fmt_order(x):
    return "-" if x is None else f"{x:5.2f}"


def print_group(group, results, dts, out):
    def p(line=""):
        print(line, file=out, flush=True)

    title = {"A": "A: 2003 presets, sine and mid-step pulses",
             "B": "B: 2007 cell types, published protocols (burst modes included)",
             "C": "C: random 2003 parameter sets, constant input"}[group]
    kept = [r for r in results if r["group"] == group and not r.get("skipped")]
    skipped = [r for r in results if r["group"] == group and r.get("skipped")]
    p(f"== {title} ==")
    pairs = [f"{a:g}->{b:g}" for a, b in zip(dts[:-1], dts[1:])]
    width = max([len("case")] + [len(r["name"]) for r in kept])
    head = (f"{'case':<{width}} {'n_spk':>5} " + " ".join(f"{'err@' + format(d, 'g'):>10}" for d in dts)
            + "  " + " ".join(f"{'o' + k:>11}" for k in pairs))
    p(head)
    p("-" * len(head))
    for r in kept:
        n = "-" if r["n_exact"] is None else str(r["n_exact"])
        line = (f"{r['name']:<{width}} {n:>5} "
                + " ".join(f"{_cell_err(r['dts'][f'{d:g}']):>10}" for d in dts) + "  "
                + " ".join(f"{_fmt_order(r['orders'][k]):>11}" for k in pairs))
        p(line)
    notes = []
    for r in kept:
        if r.get("exact_error"):
            notes.append(f"  {r['name']}: exact solution failed: {r['exact_error']}")
        for d in dts:
            row = r["dts"][f"{d:g}"]
            if "error" in row:
                notes.append(f"  {r['name']} dt={d:g}: {row['error']}")
            if "mismatch" in row:
                m = row["mismatch"]
                notes.append(f"  {r['name']} dt={d:g}: count mismatch, izhic {m['n_izhic']} vs "
                             f"exact {m['n_exact']} (first differing spike #{m['first_differing_spike']})")
            for w in row.get("warnings", ()):
                notes.append(f"  {r['name']} dt={d:g}: {w}")
    if notes:
        p("notes:")
        for s in notes:
            p(s)
    if skipped:
        p(f"skipped ({len(skipped)}):")
        for r in skipped:
            p(f"  {r['name']} {r['params']}: {r['skipped']}")
    summary = group_summary(kept, dts)
    p(f"SUMMARY {group}: {summary['text']}")
    p()
    return summary


def group_summary(kept, dts):
    s = {"n_cases": len(kept)}
    ref_dt = 0.1 if 0.1 in dts else dts[min(1, len(dts) - 1)]
    errs = [(r["dts"][f"{ref_dt:g}"].get("max_err"), r["name"]) for r in kept]
    bad = [name for e, name in errs if e is None]
    good = [(e, name) for e, name in errs if e is not None]
    worst = max(good) if good else (None, None)
    s.update(ref_dt=ref_dt, worst_err=worst[0], worst_case=worst[1], no_error_at_ref=bad)
    want = [k for k in ("0.2->0.1", "0.1->0.05") if k in (kept[0]["orders"] if kept else {})]
    if not want:
        want = list(kept[0]["orders"])[:2] if kept else []
    mins = {}
    for k in want:
        vals = [(r["orders"][k], r["name"]) for r in kept if r["orders"].get(k) is not None]
        mins[k] = min(vals) if vals else (None, None)
    s["min_order"] = {k: {"order": v[0], "case": v[1]} for k, v in mins.items()}
    n_match = sum(1 for r in kept for d in dts if r["dts"][f"{d:g}"].get("count_match"))
    s["count_matches"] = f"{n_match}/{len(kept) * len(dts)}"
    w = "n/a" if worst[0] is None else f"{worst[0]:.3g} ms ({worst[1]})"
    text = f"{len(kept)} cases; worst err@{ref_dt:g} = {w}"
    if bad:
        text += f" [no error at dt={ref_dt:g} for {len(bad)}: {', '.join(bad[:4])}{'...' if len(bad) > 4 else ''}]"
    for k, v in mins.items():
        text += f"; min order {k} = " + ("n/a" if v[0] is None else f"{v[0]:.2f} ({v[1]})")
    text += f"; counts matched {s['count_matches']} (case x dt)"
    s["text"] = text
    return s


def compare(results, path, dts, out):
    """Per case, the ratio of the old max error to the new at each dt."""
    try:
        old = {r["name"]: r for r in json.loads(Path(path).read_text())["results"]}
    except Exception as exc:
        print(f"[audit] --compare {path}: {exc}", file=out)
        return
    print(f"== compared with {path}: old err / new err ==", file=out)
    for r in results:
        o = old.get(r["name"])
        if r.get("skipped") or o is None or o.get("skipped"):
            continue
        cells = []
        for d in dts:
            a = o.get("dts", {}).get(f"{d:g}", {}).get("max_err")
            b = r["dts"][f"{d:g}"].get("max_err")
            cells.append("-" if a is None or b is None or b == 0 else f"{a / b:9.3g}")
        print(f"{r['name']:<14} " + " ".join(f"{c:>9}" for c in cells), file=out)
    print(file=out)


def build_info(izhic):
    info = {"izhic_version": getattr(izhic, "__version__", "?"), "python": platform.python_version(),
            "numpy": np.__version__}
    try:
        import scipy
        info["scipy"] = scipy.__version__
    except Exception:
        pass
    info["izhic_file"] = getattr(izhic, "__file__", "?")
    pkg = Path(info["izhic_file"]).resolve().parent
    if pkg.parent != REPO:
        info["note"] = f"izhic imported from {pkg}, not from the repository {REPO}"
    try:
        info["git_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, text=True,
                                            capture_output=True).stdout.strip()
        info["git_dirty"] = sorted(subprocess.run(["git", "status", "--porcelain"], cwd=REPO,
                                                  text=True, capture_output=True
                                                  ).stdout.split("\n")[:-1])
    except Exception:
        pass
    try:
        core = importlib.import_module("izhic._core")
        st = os.stat(core.__file__)
        info["core_so"] = core.__file__
        info["core_so_mtime"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(st.st_mtime))
    except Exception:
        pass
    return info


# ----------------------------------------------------------------------------- main ----

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--group", default="all", help="A, B, C, all, or a list such as A,C")
    ap.add_argument("--duration", type=float, default=1000.0,
                    help="ms, groups A and C (B runs each protocol's own duration)")
    ap.add_argument("--dts", default=",".join(f"{d:g}" for d in DEFAULT_DTS),
                    help="comma-separated steps (ms), coarse to fine, e.g. 0.2,0.1,0.05,0.025")
    ap.add_argument("--json", metavar="PATH", help="write all results as JSON")
    ap.add_argument("--compare", metavar="PATH", help="a JSON of an earlier run: print ratios")
    ap.add_argument("--processes", type=int, default=2, help="workers for the exact solutions")
    ap.add_argument("--no-cache", action="store_true", help="recompute the exact solutions")
    ap.add_argument("--n-random", type=int, default=N_RANDOM, help="parameter sets of group C")
    ap.add_argument("--seed", type=int, default=RANDOM_SEED, help="seed of group C")
    ap.add_argument("--exact-timeout", type=float, default=300.0,
                    help="seconds allowed per exact solution (0: no limit)")
    ap.add_argument("--ill-tol", type=float, default=0.1,
                    help="group C: also skip a case whose error at the finest dt exceeds "
                         "this (ms) although its counts match (default 0.1)")
    args = ap.parse_args(argv)
    globals()["EXACT_TIMEOUT"] = args.exact_timeout

    groups = ["A", "B", "C"] if args.group.lower() == "all" else \
        [g.strip().upper() for g in args.group.split(",") if g.strip()]
    if not groups or any(g not in ("A", "B", "C") for g in groups):
        ap.error(f"--group: expected A, B, C or all, got {args.group!r}")
    try:
        dts = [float(x) for x in args.dts.split(",") if x.strip()]
    except ValueError:
        ap.error(f"--dts: expected numbers, got {args.dts!r}")
    if not dts or any(d <= 0 for d in dts):
        ap.error("--dts: positive steps needed")
    processes = max(1, min(args.processes, 2))

    t_start = time.perf_counter()
    izhic = import_izhic()
    specs = []
    if "A" in groups:
        specs += cases_a(args.duration)
    if "B" in groups:
        specs += cases_b(izhic)
    if "C" in groups:
        specs += cases_c(args.duration, args.n_random, args.seed)

    exact = all_exact(specs, processes, not args.no_cache)
    t_exact = time.perf_counter() - t_start

    results = []
    for spec in specs:
        name = spec["name"]
        r = {"name": name, "group": spec["group"], "spec": spec,
             "params": spec["model"][1] if spec["model"][0] == "params" else spec["model"],
             "duration": spec["duration"]}
        try:
            times, err, secs, cached = exact.get(name, (None, "not computed", 0.0, False))
            r.update(n_exact=None if times is None else int(times.size), exact_error=err,
                     exact_seconds=secs, exact_cached=cached,
                     exact_times=None if times is None else times.tolist())
            if spec["group"] == "C":
                if times is None:
                    r["skipped"] = f"exact solution failed: {err}"
                else:
                    rate = times.size / (spec["duration"] / 1000.0)
                    r["rate_hz"] = rate
                    if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
                        r["skipped"] = f"rate {rate:.1f} Hz outside {RATE_RANGE[0]:g}-{RATE_RANGE[1]:g} Hz"
            if not r.get("skipped"):
                r["dts"] = run_rk4(spec, dts, times, izhic)
                r["orders"] = orders(dts, r["dts"])
                if spec["group"] == "C":
                    fine = r["dts"][f"{dts[-1]:g}"]
                    if not fine.get("count_match"):
                        r["skipped"] = (f"ill-conditioned: at dt={dts[-1]:g} izhic has "
                                        f"{fine.get('n_spikes', fine.get('error'))} spikes, "
                                        f"exact {times.size}")
                    elif fine.get("max_err", 0.0) > args.ill_tol:
                        r["skipped"] = (f"ill-conditioned: counts equal at dt={dts[-1]:g} but "
                                        f"a spike is {fine['max_err']:.3g} ms off "
                                        f"(> --ill-tol {args.ill_tol:g} ms)")
        except Exception as exc:
            traceback.print_exc()
            r["skipped"] = f"case failed: {type(exc).__name__}: {exc}"
            r["dts"] = {f"{d:g}": {"error": r["skipped"]} for d in dts}
            r["orders"] = orders(dts, r["dts"])
        results.append(r)
    t_total = time.perf_counter() - t_start

    out = sys.stdout
    print(f"izhic accuracy audit: method rk4 vs simulate_solve_ivp ({EXACT['method']}, "
          f"rtol={EXACT['rtol']:g}, atol={EXACT['atol']:g}); dts {', '.join(f'{d:g}' for d in dts)}; "
          f"duration {args.duration:g} ms (B: protocol durations)", file=out)
    print("err = max |t_izhic - t_exact| over all spikes (ms), nA/B = spike counts differ "
          "(izhic/exact); o = log2(err(dt)/err(dt/2)) / log2(dt1/dt2)\n", file=out)
    summaries = {}
    for g in groups:
        summaries[g] = print_group(g, results, dts, out)
    if args.compare:
        compare(results, args.compare, dts, out)
    print(f"run time {t_total:.1f} s (exact solutions {t_exact:.1f} s, "
          f"{sum(1 for r in results if r.get('exact_cached'))}/{len(results)} cached)", file=out)

    if args.json:
        doc = {"meta": dict(build_info(izhic), dts=dts, duration=args.duration, groups=groups,
                            exact=EXACT, order_floor=ORDER_FLOOR, seed=args.seed,
                            n_random=args.n_random, run_seconds=t_total,
                            date=time.strftime("%Y-%m-%d %H:%M:%S")),
               "summaries": summaries, "results": results}
        Path(args.json).write_text(json.dumps(doc, indent=1, default=_json_default))
        print(f"wrote {args.json}", file=out)
    return 0


def _json_default(x):
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


if __name__ == "__main__":
    sys.exit(main())
