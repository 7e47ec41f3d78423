"""How izhic's network results converge as dt shrinks: arrival on the step grid.

A spike found in step k with a delay of m steps acts in step k + m (see
:mod:`izhic.synapses`): with ``method="rk4"`` the spike time t_s lies inside
step k, but its effect starts at the step boundary ``t_{k+m} = floor(t_s / dt)
dt + delay``, up to one dt before ``t_s + delay``. This script measures what
that quantization costs, against references that do not quantize.

Part 1, two neurons (RS, from v = -65, u = b v): A is driven by a constant
current (I = 10: 23 regular spikes in 1000 ms) and reaches B (I = 0, at rest)
through one synapse with a delay of 2 ms; every A spike makes B fire once.
The reference is exact and event-driven: A's spike times from
``izhic.reference.simulate_solve_ivp`` (DOP853, rtol = atol = 1e-12, restart
after every reset), B integrated with ``scipy.integrate.solve_ivp`` (same
settings) with its input a known function of time and each arrival at
``t_A + delay`` exactly (a restart there). Kinds:

* ``exponential`` (w = 20, tau = 5 ms): s jumps by w at the arrival, then
  ``s(t) = s exp(-(t - t_a) / tau)``;
* ``voltage`` (w = 30 mV): v jumps by w at the arrival;
* ``current, w = q/dt`` (q = 30): the weight q/dt held over the arrival step
  delivers the charge q, whatever dt; its limit is the voltage kind with a
  jump of q, which is its reference;
* ``current, w fixed`` (w = 60): the charge w dt vanishes with dt, so the
  limit is B without input (silent); only B's spike counts are shown.

Each rk4 run is also compared with the exact solution of the *quantized*
problem (B's arrivals at the step boundaries izhic uses, from izhic's own A
spikes): that difference is the neuron step's own error. And, as a
prototype of precise arrival (``--no-prototype`` skips it), B is stepped here
in Python with izhic's RK4 step and spike location
(``izhic.reference._rk4_spiking_step``), a step that holds an arrival split at
``t_A + delay`` exactly (A's times from izhic's rk4 run at the same dt);
given the quantized arrivals instead, the same stepper reproduces izhic's B.

Part 2, a random network: ``--n`` neurons (80 % RS-like excitatory, 20 %
FS-like inhibitory; b = 0.2, c = -65), each receiving ``--indegree`` synapses
(no autapses) with delays drawn from 1, 2, ..., 5 ms, constant drive uniform in
[5, 15] (every neuron fires on its own), no noise (noise drawn per step
changes with dt and cannot converge). Kinds: ``exponential`` (tau = 5 ms,
weights +1 / -2 times U[0.5, 1.5]), ``voltage`` (jumps +1 / -2 mV times the
same factors), ``current, w = q/dt`` (those jumps as charges: its limit is the
voltage network) and ``current, w fixed`` (w = jump / 0.5 ms: net.m's weights
at dt = 0.5; its limit is the uncoupled network). There is no exact
solution: the reference is an rk4 run at a much finer dt (``--ref-dt``,
default 2**-12 ms) of the kind's limit (exponential: itself; voltage and
current q/dt: the voltage network; current w fixed: the uncoupled network),
for euler too (euler's own finest run is itself off by its first-order
error). The rk4 run at twice ``--ref-dt`` against it tells how good it is.

Errors (ms): per neuron the first K spikes (``--k`` in the pair,
``--net-k`` in the network) are paired in order with the reference's;
pairing stops at the first pair more than ``--tol`` (1 ms) apart, or where
one train ends: the *divergence time* (the earlier time of that pair, or the
unmatched spike; none if neither). ``err``: the largest |t - t_ref| over the
pairs before divergence; ``err_all``: over all the first K pairs, however far
apart (the pair's fits use it, over the dts at which B has the reference's
spike count). Network: ``err_median``, the median over neurons of ``err``
(fitted while most neurons match K spikes; its max over neurons is capped by
the divergence rule and shown only), ``first_max`` and ``first_med``, the
largest and the median error of a neuron's first spike (most neurons fire
their first spike before any arrival), ``short``, the neurons that diverge
within K spikes, and the first and the median divergence time. The order
is the least-squares slope of log(error) against log(dt), also shown per
halving.

Every run uses one thread (``n_threads=1``): these networks are tiny, and two
threads that meet at every window of the shortest delay only lose time (on a
machine whose other core is busy, up to 50x).

Command line
------------
::

    python benchmarks/network_convergence.py          # ~20 s; figures/network_convergence.json
    python benchmarks/network_convergence.py --json out.json --n 200 --seed 2
    python benchmarks/network_convergence.py --quick  # 3 dts, 300 ms, no prototype (5 s)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import time
import warnings
from pathlib import Path

import numpy as np
import scipy

import izhic
from izhic import connect
from izhic.models import AccuracyWarning, as_model
from izhic.reference import _clamp1, _rk4_spiking_step, _rk4_stages, _StepCurrent
from izhic.reference import simulate_solve_ivp

DTS = (0.5, 0.25, 0.125, 0.0625, 0.03125, 2.0 ** -6, 2.0 ** -7)
METHODS = ("rk4", "euler")
TOL = 1e-12                       # rtol = atol of every solve_ivp call

#: the two-neuron case: (name, kind in izhic, weight, what the reference is)
PAIR_KINDS = (
    ("exponential", "exponential", 20.0, "exponential"),
    ("voltage", "voltage", 30.0, "voltage"),
    ("current, w = q/dt", "current", 30.0, "voltage"),
    ("current, w fixed", "current", 60.0, "silent"),
)
PAIR = {"I_A": 10.0, "I_B": 0.0, "delay": 2.0, "tau": 5.0, "v0": -65.0}

#: the random network's kinds: (name, kind, weight scale, the reference's kind)
NET_KINDS = (
    ("exponential", "exponential", 1.0, "exponential"),
    ("voltage", "voltage", 1.0, "voltage"),
    ("current, w = q/dt", "current", 1.0, "voltage"),
    ("current, w fixed", "current", 2.0, "uncoupled"),
)


# ---------------------------------------------------------------------------
# comparing spike trains, fitting orders
# ---------------------------------------------------------------------------

def compare_trains(t, ref, k_max, tol=1.0):
    """Train ``t`` against ``ref``, their first ``k_max`` spikes paired in order:
    ``err``, the largest |t - t_ref| over the pairs before the first one more
    than ``tol`` ms apart (nan if none), ``pairs``, how many those are,
    ``div``, the divergence time (the earlier time of that pair, else the
    first spike of the longer train without a partner; inf if neither), and
    ``err_all``, the largest difference over all the first ``k_max`` pairs,
    however far apart (nan if the trains have other counts within them)."""
    t, ref = np.asarray(t, dtype=float), np.asarray(ref, dtype=float)
    n = min(t.size, ref.size)
    diff = np.abs(t[:n] - ref[:n])
    bad = np.flatnonzero(diff > tol)
    if bad.size:
        j = int(bad[0])
        div = float(min(t[j], ref[j]))
    elif t.size != ref.size:
        j = n
        div = float((ref if ref.size > n else t)[n])
    else:
        j, div = n, math.inf
    k = min(j, k_max)
    k_all = min(n, k_max)
    same = k_all == min(k_max, max(t.size, ref.size))
    return {"err": float(diff[:k].max()) if k else math.nan, "pairs": k, "div": div,
            "err_all": float(diff[:k_all].max()) if k_all and same else math.nan}


def fit_order(dts, errors):
    """Least-squares slope of log(error) on log(dt) over the finite positive
    errors (nan with fewer than two), and the order of each halving."""
    dts, errors = np.asarray(dts, dtype=float), np.asarray(errors, dtype=float)
    ok = np.isfinite(errors) & (errors > 0)
    slope = float(np.polyfit(np.log(dts[ok]), np.log(errors[ok]), 1)[0]) if ok.sum() >= 2 \
        else math.nan
    local = [float(np.log(errors[i] / errors[i + 1]) / np.log(dts[i] / dts[i + 1]))
             if ok[i] and ok[i + 1] else math.nan for i in range(len(dts) - 1)]
    return slope, local


def _rs():
    """The RS neuron's model form (one neuron): dv, du, peak, reset."""
    return as_model("RS").checked().broadcast(1).take(0)


def _simulate(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AccuracyWarning)   # dt = 0.5 with euler
        return izhic.simulate(*args, n_threads=1, **kwargs)


# ---------------------------------------------------------------------------
# part 1: two neurons, the exact event-driven reference
# ---------------------------------------------------------------------------

def exact_target(arrivals, kind, weight, duration, p=PAIR, tol=TOL):
    """B's exact spike times: RS at the constant current ``p["I_B"]``, each
    time of ``arrivals`` adding ``weight`` to the synaptic current s
    (``kind="exponential"``, decaying as exp(-t / tau)) or to v
    (``"voltage"``). solve_ivp (DOP853, rtol = atol = ``tol``) restarts at
    every arrival and after every reset; a jump to or past v_peak is a spike
    at the arrival."""
    from scipy.integrate import solve_ivp

    m = _rs()
    rate = 1.0 / p["tau"]
    y = np.array([p["v0"], m.b * p["v0"]])
    t, s, spikes = 0.0, 0.0, []

    def at_peak(t, y):
        return y[0] - m.peak(y[1])

    at_peak.terminal, at_peak.direction = True, 1.0
    edges = [float(a) for a in np.sort(arrivals) if a < duration] + [duration]
    with np.errstate(over="ignore", invalid="ignore"):
        for t_next in edges:
            t_seg, s_seg = t, s

            def rhs(tt, yy, t_seg=t_seg, s_seg=s_seg):
                current = p["I_B"] + s_seg * math.exp(-(tt - t_seg) * rate)
                return [m.dv(yy[0], yy[1], current), m.du(yy[0], yy[1])]

            while t < t_next:
                sol = solve_ivp(rhs, (t, t_next), y, method="DOP853", rtol=tol, atol=tol,
                                events=at_peak)
                if sol.status == 1:
                    t = float(sol.t_events[0][0])
                    spikes.append(t)
                    y = np.array(m.reset(*sol.y_events[0][0]), dtype=float)
                else:
                    t, y = t_next, sol.y[:, -1]
            s = s_seg * math.exp(-(t_next - t_seg) * rate)
            if t_next >= duration:
                break
            if kind == "exponential":
                s = s + weight
            else:
                y[0] = y[0] + weight
                if y[0] >= m.peak(y[1]):
                    spikes.append(t_next)
                    y = np.array(m.reset(y[0], y[1]), dtype=float)
    return np.array(spikes)


def grid_arrivals(t_spikes, dt, delay):
    """Where izhic's arrivals lie: the start of step k + m for a spike in step
    k (t in (t_k, t_{k+1}]) and a delay of m steps."""
    k = np.ceil(np.asarray(t_spikes) / dt) - 1.0
    return (k + round(delay / dt)) * dt


def precise_target(arrivals, kind, weight, duration, dt, p=PAIR):
    """Prototype of precise arrival: B stepped with izhic's RK4 step and spike
    location (the NumPy reference's functions), a step that holds arrivals
    split at each of them (s or v jumps there). Arrivals on the step grid
    give izhic's own rk4 result."""
    m = _rs()
    rate = 1.0 / p["tau"]
    v, u, s = p["v0"], m.b * p["v0"], 0.0
    arrivals = np.sort(np.asarray(arrivals, dtype=float))
    spikes = []
    j = 0
    for k in range(int(round(duration / dt))):
        t, t1 = k * dt, (k + 1) * dt
        here = []
        while j < arrivals.size and arrivals[j] < t1:
            here.append(float(arrivals[j]))
            j += 1
        for a in here + [None]:
            b = t1 if a is None else a
            if b > t:            # the piece [t, b]: one RK4 step, redone if it spikes
                h = b - t
                current = _StepCurrent(p["I_B"], [s], [rate]) if kind == "exponential" \
                    else p["I_B"]
                stages = current.stages(0.0, h) if kind == "exponential" else current
                v1, u1 = _rk4_stages(m, v, u, stages, h, _clamp1)
                if v1 >= m.peak(u1) or v >= m.peak(u):
                    times, v, u = _rk4_spiking_step(m, current, t, b, h, v, u)
                    spikes.extend(times)
                else:
                    v, u = v1, u1
                s = s * math.exp(-h * rate)
                t = b
            if a is not None:    # the arrival's jump, before what follows it
                if kind == "exponential":
                    s = s + weight
                else:
                    v = v + weight
    return np.array(spikes)


def run_pair(kind, weight, method, dt, duration, p=PAIR):
    """izhic's A and B spike times for one kind, method and dt."""
    syn = izhic.Synapses([0], [1], weight=[weight], delay=[p["delay"]], kind=kind,
                         tau=p["tau"] if kind == "exponential" else None, n_neurons=2)
    res = _simulate("RS", current=[p["I_A"], p["I_B"]], duration=duration, dt=dt,
                    method=method, synapses=syn)
    return res.spike_times[0], res.spike_times[1]


def pair_study(dts, duration, k_max, tol, prototype, p=PAIR):
    """Every pair kind x method x dt against the exact references."""
    t0 = time.perf_counter()
    exact_a = simulate_solve_ivp("RS", p["I_A"], duration, rtol=TOL, atol=TOL).spike_times[0]
    arrive = exact_a + p["delay"]
    exact_b = {"exponential": exact_target(arrive, "exponential", 20.0, duration),
               "voltage": exact_target(arrive, "voltage", 30.0, duration),
               "silent": np.zeros(0)}
    out = {"params": dict(p), "exact_A": exact_a.tolist(),
           "exact_B": {k: v.tolist() for k, v in exact_b.items()}, "cases": []}
    for name, kind, w, ref_kind in PAIR_KINDS:
        for method in METHODS:
            rows = []
            for dt in dts:
                ta, tb = run_pair(kind, w / dt if name == "current, w = q/dt" else w, method,
                                  dt, duration, p)
                a_vs, b_vs = (compare_trains(ta, exact_a, k_max, tol),
                              compare_trains(tb, exact_b[ref_kind], k_max, tol))
                row = {"dt": dt, "n_A": len(ta), "n_B": len(tb), "err_A": a_vs["err_all"],
                       "err_B": b_vs["err"], "err_B_all": b_vs["err_all"],
                       "matched_B": b_vs["pairs"], "div_B": b_vs["div"],
                       "same_count": len(tb) == len(exact_b[ref_kind])}
                if method == "rk4" and name == ref_kind:
                    grid = grid_arrivals(ta, dt, p["delay"])
                    # how early izhic's arrivals come (they never come late)
                    row["arrival_err"] = compare_trains(grid, arrive, k_max, tol)["err_all"]
                    row["err_B_vs_quantized"] = compare_trains(
                        tb, exact_target(grid, kind, w, duration), k_max, tol)["err_all"]
                    if prototype:
                        row["prototype_on_grid_vs_izhic"] = compare_trains(
                            precise_target(grid, kind, w, duration, dt), tb, k_max,
                            tol)["err_all"]
                        row["err_B_precise"] = compare_trains(
                            precise_target(np.asarray(ta) + p["delay"], kind, w, duration, dt),
                            exact_b[ref_kind], k_max, tol)["err_all"]
                rows.append(row)
            case = {"name": name, "kind": kind, "weight": w, "method": method,
                    "reference": ref_kind, "rows": rows}
            for key in ("err_A", "err_B_all", "err_B_vs_quantized", "err_B_precise"):
                if all(key in r for r in rows) and ref_kind != "silent" or key == "err_A":
                    # fitted where B has the reference's spike count (a lost spike
                    # is not a spike-time error)
                    case["order_" + key], case["local_" + key] = fit_order(
                        dts, [r[key] if r["same_count"] or key == "err_A" else math.nan
                              for r in rows])
            out["cases"].append(case)
    out["seconds"] = time.perf_counter() - t0
    return out


# ---------------------------------------------------------------------------
# part 2: a random network, the finest dt as reference
# ---------------------------------------------------------------------------

def random_network(n, indegree, seed):
    """(model dict, drive, base weights of each synapse) of the network, and a
    builder ``syn(kind, scale)`` of its Synapses (same connections)."""
    rng = np.random.default_rng(seed)
    n_exc = int(round(0.8 * n))
    exc = np.arange(n) < n_exc
    model = {"a": np.where(exc, 0.02, 0.1), "b": np.full(n, 0.2), "c": np.full(n, -65.0),
             "d": np.where(exc, 8.0, 2.0)}
    drive = rng.uniform(5.0, 15.0, n)

    def weight(pre, post, rng):
        return np.where(pre < n_exc, 1.0, -2.0) * (0.5 + rng.random(pre.size))

    def delay(pre, post, rng):
        return rng.integers(1, 6, pre.size).astype(float)

    base = connect.fixed_indegree(n, n, indegree, weight=weight, delay=delay, seed=seed,
                                  autapses=False)

    def syn(kind, scale):
        tau = 5.0 if kind == "exponential" else None
        return izhic.Synapses(base.pre, base.post, base.weight * scale, base.delay, kind=kind,
                              tau=tau, n_neurons=n)

    return model, drive, syn


def network_errors(trains, ref, k_max, tol):
    """compare_trains of every neuron, summed up over the network: the median
    and the largest per-neuron error (first ``k_max`` spikes, before
    divergence), the largest and the median error of the first spike, how
    many neurons diverged within ``k_max`` spikes, the first and the median
    divergence time."""
    per = [compare_trains(t, r, k_max, tol) for t, r in zip(trains, ref)]
    errs = np.array([c["err"] for c in per])
    first = [compare_trains(t, r, 1, math.inf)["err_all"] for t, r in zip(trains, ref)]
    divs = np.array([c["div"] for c in per])
    short = int(sum(c["pairs"] < min(k_max, len(r)) for c, r in zip(per, ref)))
    some = np.isfinite(errs).any()
    return {"err_median": float(np.nanmedian(errs)) if some else math.nan,
            "err_max": float(np.nanmax(errs)) if some else math.nan,
            "first_max": float(np.nanmax(first)), "first_median": float(np.nanmedian(first)),
            "n_short": short,
            "div_first": float(divs.min()), "div_median": float(np.median(divs))}


def network_study(dts, n, indegree, seed, duration, k_max, tol, ref_dt):
    """Every network kind x method x dt against the rk4 run at ``ref_dt``."""
    t0 = time.perf_counter()
    model, drive, syn = random_network(n, indegree, seed)

    def run(kind, scale, method, dt):
        synapses = None if kind is None else syn(kind, scale)
        res = _simulate(model, current=drive, duration=duration, dt=dt, method=method,
                        synapses=synapses)
        return res.spike_times

    refs, ref_seconds = {}, {}
    for ref_kind in ("exponential", "voltage", "uncoupled"):
        tr = time.perf_counter()
        refs[ref_kind] = run(None if ref_kind == "uncoupled" else ref_kind, 1.0, "rk4", ref_dt)
        ref_seconds[ref_kind] = time.perf_counter() - tr
    # how good the reference is: the run at twice its dt against it
    check = network_errors(run("exponential", 1.0, "rk4", 2 * ref_dt), refs["exponential"],
                           k_max, tol)
    out = {"n": n, "indegree": indegree, "seed": seed, "duration": duration,
           "ref_dt": ref_dt, "ref_seconds": ref_seconds, "ref_check_2dt": check,
           "rate_hz": {k: float(sum(len(t) for t in v) / n / duration * 1e3)
                       for k, v in refs.items()}, "cases": []}
    for name, kind, scale, ref_kind in NET_KINDS:
        for method in METHODS:
            rows = []
            for dt in dts:
                s = scale / dt if name == "current, w = q/dt" else scale
                row = network_errors(run(kind, s, method, dt), refs[ref_kind], k_max, tol)
                row["dt"] = dt
                rows.append(row)
            case = {"name": name, "kind": kind, "method": method, "reference": ref_kind,
                    "rows": rows}
            for key in ("err_median", "first_max", "first_median"):
                # the median stands for the network while most neurons are matched
                errs = [r[key] if key != "err_median" or r["n_short"] < n / 2 else math.nan
                        for r in rows]
                case["order_" + key], case["local_" + key] = fit_order(dts, errs)
            out["cases"].append(case)
    out["seconds"] = time.perf_counter() - t0
    return out


# ---------------------------------------------------------------------------
# printing
# ---------------------------------------------------------------------------

def _g(x, width=9):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-".rjust(width)
    if isinstance(x, float) and math.isinf(x):
        return "none".rjust(width)
    return f"{x:{width}.3g}"


def _orders(case, key):
    o = case.get("order_" + key)
    if o is None:
        return ""
    local = " ".join(_g(x, 5) for x in case["local_" + key])
    return f"order {_g(o, 5)} (per halving: {local})"


def print_pair(out, k_max):
    print(f"\n== two neurons: A (I = {out['params']['I_A']:g}) -> B, delay "
          f"{out['params']['delay']:g} ms; first {k_max} spikes vs the exact solution ==")
    print("err_B: before B's train diverges (1 ms); err_B_all: over all first "
          f"{k_max}; arrival: how early izhic's arrivals come; vs_quant: B against the "
          "exact solution with izhic's arrivals; precise: the precise-arrival prototype; "
          "proto=izhic: the prototype on izhic's arrivals against izhic")
    for case in out["cases"]:
        rows = case["rows"]
        print(f"\n{case['name']} (w = {case['weight']:g}), {case['method']}, reference: "
              f"{case['reference']}")
        extra = [k for k in ("arrival_err", "err_B_vs_quantized", "err_B_precise",
                             "prototype_on_grid_vs_izhic") if k in rows[0]]
        names = {"arrival_err": "arrival", "err_B_vs_quantized": "vs_quant",
                 "err_B_precise": "precise", "prototype_on_grid_vs_izhic": "proto=izhic"}
        print("      dt  n_A  n_B     err_A     err_B err_B_all  diverge_B"
              + "".join(f" {names[k]:>11}" for k in extra))
        for r in rows:
            print(f"{r['dt']:8.5g} {r['n_A']:4d} {r['n_B']:4d} {_g(r['err_A'])} "
                  f"{_g(r['err_B'])} {_g(r['err_B_all'])} {_g(r['div_B'], 10)}"
                  + "".join(f" {_g(r[k], 11)}" for k in extra))
        for key in ("err_A", "err_B_all", "err_B_vs_quantized", "err_B_precise"):
            if "order_" + key in case:
                print(f"  {key}: {_orders(case, key)}")


def print_network(out, k_max):
    print(f"\n== random network: {out['n']} neurons, indegree {out['indegree']}, "
          f"{out['duration']:g} ms; first {k_max} spikes of each neuron vs rk4 at dt = "
          f"{out['ref_dt']:g} ==")
    print("rates of the references (Hz): " + ", ".join(
        f"{k} {v:.1f}" for k, v in out["rate_hz"].items()))
    c = out["ref_check_2dt"]
    print(f"reference check, rk4 at 2 x ref_dt against it: median err {c['err_median']:.3g} "
          f"ms, max {c['err_max']:.3g} ms, first divergence {c['div_first']:.4g} ms")
    for case in out["cases"]:
        print(f"\n{case['name']}, {case['method']}, reference: {case['reference']}")
        print("      dt  err_median   err_max first_max first_med  short  first_div  "
              "median_div")
        for r in case["rows"]:
            print(f"{r['dt']:8.5g} {_g(r['err_median'], 11)} {_g(r['err_max'])} "
                  f"{_g(r['first_max'])} {_g(r['first_median'])} {r['n_short']:6d} "
                  f"{_g(r['div_first'], 10)} {_g(r['div_median'], 11)}")
        for key in ("err_median", "first_max", "first_median"):
            print(f"  {key}: {_orders(case, key)}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dts", type=float, nargs="+", default=list(DTS),
                    help="time steps (ms), whole divisors of 1 ms (default %(default)s)")
    ap.add_argument("--duration", type=float, default=1000.0, help="ms (default 1000)")
    ap.add_argument("--k", type=int, default=20,
                    help="spikes compared per neuron in the pair (default 20)")
    ap.add_argument("--net-k", type=int, default=3,
                    help="spikes compared per neuron in the network (default 3)")
    ap.add_argument("--tol", type=float, default=1.0,
                    help="ms apart at which two trains have diverged (default 1)")
    ap.add_argument("--n", type=int, default=100, help="network size (default 100)")
    ap.add_argument("--indegree", type=int, default=10, help="synapses per neuron (10)")
    ap.add_argument("--seed", type=int, default=1, help="network seed (default 1)")
    ap.add_argument("--ref-dt", type=float, default=2.0 ** -12,
                    help="dt of the network's reference run (default 2**-12 ms)")
    ap.add_argument("--no-prototype", action="store_true",
                    help="skip the precise-arrival prototype (the slow part)")
    ap.add_argument("--no-network", action="store_true", help="the pair only")
    ap.add_argument("--quick", action="store_true",
                    help="dt 0.5, 0.25, 0.125, 300 ms, no prototype (a smoke run)")
    ap.add_argument("--json", default=os.path.join("figures", "network_convergence.json"),
                    help="where to write the numbers (default %(default)s)")
    args = ap.parse_args(argv)
    if args.quick:
        args.dts, args.duration, args.no_prototype = [0.5, 0.25, 0.125], 300.0, True
        args.k = min(args.k, 5)
    dts = sorted(args.dts, reverse=True)
    out = {"machine": machine(), "dts": dts, "k": args.k, "net_k": args.net_k, "tol": args.tol}
    print("machine: " + ", ".join(f"{k} {v}" for k, v in out["machine"].items()))
    t0 = time.perf_counter()
    out["pair"] = pair_study(dts, args.duration, args.k, args.tol, not args.no_prototype)
    print_pair(out["pair"], args.k)
    if not args.no_network:
        out["network"] = network_study(dts, args.n, args.indegree, args.seed, args.duration,
                                       args.net_k, args.tol, args.ref_dt)
        print_network(out["network"], args.net_k)
    out["seconds"] = time.perf_counter() - t0
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1, default=_json_default)
    print(f"\n{out['seconds']:.1f} s; wrote {args.json}")
    return out


def machine():
    """What the numbers were measured on (the errors do not depend on it)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    names = re.findall(r"^model name\s*:\s*(.*)$", text, re.M)
    return {"cpu": names[0] if names else platform.machine(), "cores": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "izhic": izhic.__version__}


def _json_default(x):
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    raise TypeError(type(x).__name__)


if __name__ == "__main__":
    main()
