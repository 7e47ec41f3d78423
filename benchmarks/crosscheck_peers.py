"""Cross-check: one fixed network in the NumPy oracle, NEST and Brian2, spike for spike.

A script, not a test (nothing in tests/ imports NEST or Brian2). Run it with an
interpreter that has them, e.g. a separate virtual environment::

    python -m venv venv-peers
    venv-peers/bin/pip install numpy scipy nest-simulator brian2   # brian2 2.9: numpy<2.4
    venv-peers/bin/python benchmarks/crosscheck_peers.py [--T 1000] [--out trains.npz]

The network: N = 1000 (800 excitatory, 200 inhibitory) with net.m's neuron
parameters and weights, K = 100 inputs per neuron drawn with replacement,
weights x sqrt(10), integer delays uniform in 1..20 ms (``random_sparse_network``
of tests/network_oracles.py, seed 1), a constant current per neuron uniform in
[2, 6] (seed 7), no noise; v0 = -65, u0 = b v0; 1000 ms at 1 ms steps. It runs
with two weight sets:

* ``real``: the weights as drawn;
* ``dyadic``: the weights rounded to multiples of 2**-16, so that every sum
  of synaptic input is exact in any order (the tools' summation orders then
  cannot matter; only their neuron arithmetic and their semantics can).

Columns (each a function ``(pre, post, weight, delay, params, current, T) ->
spikes``, spikes an int64 array (n, 2) of (t, neuron) in the oracles'
convention: t is the step at whose start v >= 30 was found, t = 1..T):

* ``oracle``: ``net_m_delays`` (tests/network_oracles.py);
* ``oracle_push``: the same summing each step's input in push order (oldest
  firing step first, increasing neuron index: what a ring buffer filled at
  spike time gets; ``run_delays(order="push")``), which is Brian2's order;
* ``oracle_nest_arith``: ``net_m_delays`` with NEST's arithmetic of the update,
  ``v + 0.5*((((0.04*v)*v + 5*v + 140 - u) + 0.0 + I_e) + I_syn)``;
* ``oracle_nest_push``: NEST's arithmetic and push order;
* ``nest``: NEST 3 ``izhikevich``, ``consistent_integration=False``,
  resolution 1 ms, one thread, ``I_e`` = the current; NEST's delay d = the
  oracle's delay m (a spike emitted in step k is in the input of step k + d);
  NEST stamps a spike with the end of the step that produced it: t = stamp + 1;
* ``izhic``: izhic's network kernel, ``izhic.simulate`` with
  ``izhic.Synapses(pre, post, weight, delay)`` (kind ``"current"``),
  ``method="izhikevich2003"`` (net.m's update), dt = 1 ms, one thread; izhic
  reports a spike at the end of the step that produced it: t = time + 1;
* ``brian2``: Brian2 (Cython runtime) with net.m's update in ``run_regularly``
  (``when="groups"``), threshold v >= 30, reset, ``on_pre: Isyn_post += w``
  and the input cleared after each update; Brian2's delay = m - 1 ms (a spike
  found in step k is delivered in the same step's synapses slot and acts in
  the next update); the update is written one binary operation a statement
  so that no rewriting can reorder it, compiled with -ffp-contract=off and no
  -ffast-math; Brian2 stamps a spike with the start of the producing step:
  t = stamp + 2.

For each pair it prints the first spike that differs (t, neuron) and how
many ms the trains stay identical, then a table of izhic against every other
column (ms identical), and it saves all trains to the .npz. ``--add
module:function`` adds a column; the function has the signature above.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


sys.path.insert(0, str(HERE))
from network_loops import izhic_spikes  # noqa: E402
from network_loops import oracles as _oracles  # noqa: E402  (tests/network_oracles.py)


def build_network(weights="real", seed=1, N=1000, K=100, current_range=(2.0, 6.0),
                  current_seed=7):
    """The fixed network: dict(pre, post, weight, delay, params, current)."""
    net = _oracles().random_sparse_network(seed, N, K, weight_scale=np.sqrt(10.0))
    weight = net.weight
    if weights == "dyadic":
        weight = np.round(weight * 2.0 ** 16) / 2.0 ** 16
    current = np.random.default_rng(current_seed).uniform(*current_range, N)
    return dict(pre=net.pre, post=net.post, weight=weight, delay=net.delay,
                params=net.params, current=current)


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------

def run_oracle(pre, post, weight, delay, params, current, T):
    return _oracles().net_m_delays(*params, pre, post, weight, delay, T, current).spikes


def _update_nest(v, u, a, b, current, syn):
    """NEST 3.10 izhikevich.cpp, consistent_integration=False, h = 1 (S_.I_ = 0)."""
    v = v + 0.5 * ((0.04 * v) * v + 5.0 * v + 140.0 - u + 0.0 + current + syn)
    v = v + 0.5 * ((0.04 * v) * v + 5.0 * v + 140.0 - u + 0.0 + current + syn)
    u = u + a * (b * v - u)
    return v, u


def run_oracle_nest_arith(pre, post, weight, delay, params, current, T):
    return _oracles().run_delays(params, pre, post, weight, delay, T, current,
                                 _update_nest).spikes


def run_oracle_push(pre, post, weight, delay, params, current, T):
    return _oracles().run_delays(params, pre, post, weight, delay, T, current,
                                 order="push").spikes


def run_oracle_nest_push(pre, post, weight, delay, params, current, T):
    return _oracles().run_delays(params, pre, post, weight, delay, T, current,
                                 _update_nest, order="push").spikes


def run_izhic(pre, post, weight, delay, params, current, T):
    import izhic
    syn = izhic.Synapses(pre, post, weight, np.asarray(delay, dtype=float),
                         n_neurons=params.a.size)
    res = izhic.simulate(izhic.Izhikevich2003(*params), current, float(T), 1.0,
                         "izhikevich2003", n_threads=1, synapses=syn)
    return izhic_spikes(res, T)


def _trains(neuron, t):
    """Spike arrays (n, 2) sorted by (t, neuron), cut to t <= T by the caller."""
    spikes = np.column_stack([np.asarray(t, dtype=np.int64), np.asarray(neuron, dtype=np.int64)])
    return spikes[np.lexsort((spikes[:, 1], spikes[:, 0]))]


def run_nest(pre, post, weight, delay, params, current, T):
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 1.0, "local_num_threads": 1})
    a, b, c, d = params
    n = a.size
    pop = nest.Create("izhikevich", n, params={"consistent_integration": False})
    pop.set(a=a.tolist(), b=b.tolist(), c=c.tolist(), d=d.tolist(), V_th=30.0,
            V_m=[-65.0] * n, U_m=(b * -65.0).tolist(), I_e=current.tolist())
    first = pop.global_id if n == 1 else pop[0].global_id
    nest.Connect(np.asarray(pre) + first, np.asarray(post) + first, "one_to_one",
                 {"synapse_model": "static_synapse", "weight": np.asarray(weight, dtype=float),
                  "delay": np.asarray(delay, dtype=float)})
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    nest.Simulate(float(T))
    ev = rec.get("events")
    spikes = _trains(ev["senders"] - first, np.rint(ev["times"]).astype(np.int64) + 1)
    return spikes[spikes[:, 0] <= T]


# The update, one operation a statement (Brian2 passes expressions through
# sympy, which would reorder a sum of several terms)
_BRIAN_UPDATE = """
I_tot = Idc + Isyn
{half}
{half}
bv = b * v
du = bv - u
adu = a * du
u = u + adu
Isyn = 0
"""
_BRIAN_HALF = """q1 = v * v
q2 = 0.04 * q1
q3 = 5.0 * v
q4 = q2 + q3
q5 = q4 + 140.0
q6 = q5 - u
q7 = q6 + I_tot
q8 = 0.5 * q7
v = v + q8"""


def run_brian2(pre, post, weight, delay, params, current, T):
    import brian2 as b2
    b2.prefs.codegen.target = "cython"
    b2.prefs.codegen.loop_invariant_optimisations = False
    b2.prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O3", "-ffp-contract=off",
                                                   "-fno-fast-math", "-std=c++11"]
    b2.prefs.codegen.runtime.cython.cache_dir = os.environ.get(
        "BRIAN2_CACHE", str(Path(tempfile.gettempdir()) / "crosscheck_brian2_cache"))
    b2.start_scope()
    b2.defaultclock.dt = 1 * b2.ms
    n = params.a.size     # (no local names a, b, c, d: Brian2 would see them)
    G = b2.NeuronGroup(n, """v : 1
                             u : 1
                             a : 1 (constant)
                             b : 1 (constant)
                             c : 1 (constant)
                             d : 1 (constant)
                             Idc : 1 (constant)
                             Isyn : 1""",
                       threshold="v >= 30", reset="v = c\nu = u + d")
    G.a, G.b, G.c, G.d = params
    G.Idc = current
    G.v = -65.0
    G.u = params.b * -65.0
    G.run_regularly(_BRIAN_UPDATE.format(half=_BRIAN_HALF), when="groups")
    S = b2.Synapses(G, G, "w : 1", on_pre="Isyn_post += w")
    S.connect(i=np.asarray(pre), j=np.asarray(post))
    S.w = np.asarray(weight)
    S.delay = (np.asarray(delay) - 1) * b2.ms
    mon = b2.SpikeMonitor(G)
    net = b2.Network(G, S, mon)
    net.run(T * b2.ms)
    stamps = np.rint(np.asarray(mon.t / b2.ms)).astype(np.int64)
    spikes = _trains(np.asarray(mon.i), stamps + 2)
    return spikes[spikes[:, 0] <= T]


COLUMNS = {
    "oracle": run_oracle,
    "oracle_push": run_oracle_push,
    "oracle_nest_arith": run_oracle_nest_arith,
    "oracle_nest_push": run_oracle_nest_push,
    "nest": run_nest,
    "brian2": run_brian2,
    "izhic": run_izhic,
}
PAIRS = [("oracle", "nest"), ("oracle", "brian2"), ("nest", "brian2"),
         ("oracle_nest_arith", "nest"), ("oracle_nest_push", "nest"),
         ("oracle_push", "brian2"), ("izhic", "oracle"), ("izhic", "nest"),
         ("izhic", "brian2")]


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

def first_difference(x, y):
    """The earliest spike (t, neuron) in one train and not the other, or None."""
    n = min(len(x), len(y))
    diff = np.flatnonzero(np.any(x[:n] != y[:n], axis=1))
    if diff.size:
        k = diff[0]
        return tuple(int(z) for z in min(tuple(x[k]), tuple(y[k])))
    if len(x) != len(y):
        return tuple(int(z) for z in (x if len(x) > n else y)[n])
    return None


def identical_ms(x, y, T):
    """How many ms (steps) from the start the two trains are identical."""
    first = first_difference(x, y)
    return T if first is None else first[0] - 1


def describe(name_x, x, name_y, y, T):
    first = first_difference(x, y)
    if first is None:
        return f"  {name_x:>17s} vs {name_y:<7s}: identical for all {T} ms ({len(x)} spikes)"
    t, neuron = first
    return (f"  {name_x:>17s} vs {name_y:<7s}: first difference at t = {t} (neuron {neuron}): "
            f"identical for {t - 1} ms; {len(x)} vs {len(y)} spikes in all")


def izhic_table(results, T):
    """Lines: izhic against every other column, ms identical, one row per weight set."""
    names = [n for n in next(iter(results.values())) if n != "izhic"]
    lines = [f"izhic identical to ... for (ms of {T}):",
             "  " + f"{'weights':8s}" + "".join(f"{n:>18s}" for n in names)]
    for weights, trains in results.items():
        cells = [f"{identical_ms(trains['izhic'], trains[n], T):>18d}" for n in names]
        lines.append("  " + f"{weights:8s}" + "".join(cells))
    return lines


def _load_extra(spec):
    module, _, func = spec.partition(":")
    return func, getattr(importlib.import_module(module), func)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--T", type=int, default=1000, help="steps of 1 ms")
    p.add_argument("--weights", default="both", choices=["real", "dyadic", "both"])
    p.add_argument("--skip", action="append", default=[], choices=sorted(COLUMNS),
                   help="leave a column out (repeatable)")
    p.add_argument("--add", action="append", default=[], metavar="MODULE:FUNCTION",
                   help="another column: FUNCTION(pre, post, weight, delay, params, current, T)"
                        " -> spikes (n, 2) of (t, neuron)")
    p.add_argument("--out", default="crosscheck_trains.npz")
    args = p.parse_args(argv)
    columns = {k: f for k, f in COLUMNS.items() if k not in args.skip}
    for spec in args.add:
        name, fn = _load_extra(spec)
        columns[name] = fn
    saved, results = {}, {}
    for weights in (["real", "dyadic"] if args.weights == "both" else [args.weights]):
        net = build_network(weights)
        print(f"weights {weights}: N = {net['params'].a.size}, {net['pre'].size} synapses, "
              f"delays 1-{net['delay'].max()} ms, constant current, {args.T} ms")
        trains = {}
        for name, fn in columns.items():
            start = time.perf_counter()
            trains[name] = np.asarray(fn(T=args.T, **net), dtype=np.int64).reshape(-1, 2)
            print(f"  {name}: {len(trains[name])} spikes "
                  f"({len(trains[name]) / net['params'].a.size / (args.T / 1000):.2f} Hz), "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
            saved[f"{weights}_{name}"] = trains[name]
        extra = [(name, "oracle") for name in columns if name not in COLUMNS]
        for x, y in PAIRS + extra:
            if x in trains and y in trains:
                print(describe(x, trains[x], y, trains[y], args.T))
        results[weights] = trains
    if "izhic" in columns and len(columns) > 1:
        print("\n".join(izhic_table(results, args.T)))
    np.savez_compressed(args.out, **saved)
    print(f"trains saved to {args.out} (keys <weights>_<column>; rows (t, neuron))")


if __name__ == "__main__":
    main()
