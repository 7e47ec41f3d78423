"""One hour (or --seconds S) of spnet: izhic against the exact C loop, timed and compared.

A script, not a benchmark (pytest does not collect it): an hour of model time
takes about 20 s per tool on this project's machine. It runs Izhikevich's
(2006) spnet with STDP from connectivity seed 1 and one input for both, the
kicks that ``izhic.network.polychronization_2006(seed=1)`` draws in its
kernel:

* the C loop ``nl_spnet`` of ``network_loops.c``, built with
  ``-ffp-contract=off`` (the build that computes what spnet.m computes, bit
  for bit; its incoming-synapse lists are made before the timing);
* izhic: the whole ``polychronization_2006(duration, seed=1, n_threads=1,
  keep_spikes=False)`` call (network built, kicks drawn in the kernel,
  segments of 10 s, per-second statistics).

It prints both wall times and their ratio, whether the final weights are
equal bit for bit and the spikes per second equal, and what the network did
(rates, excitatory weight fractions, the spectrum's bands at the end);
``--json FILE`` writes the numbers.

    python benchmarks/spnet_hour.py                 # one hour
    python benchmarks/spnet_hour.py --seconds 300   # five minutes
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import network_loops as nl  # noqa: E402
import network_oracles as ora  # noqa: E402

import izhic  # noqa: E402
from izhic.figures.izhikevich2006 import summary  # noqa: E402
from izhic.network import polychronization_2006  # noqa: E402


def storage_columns(post, syn):
    """For each of izhic's stored synapses, its column in spnet's row."""
    col = np.empty(syn.n_synapses, dtype=np.int64)
    for k in range(post.shape[0]):
        sel = np.flatnonzero(syn.pre == k)
        delay = np.where(k < 800, np.arange(post.shape[1]) // 5 + 1, 1)
        col[sel] = np.lexsort((post[k], delay))
    return col


def per_second(spikes, n_seconds):
    """(seconds, 2) excitatory / inhibitory counts of the C loop's spikes
    (found at the start of step t: izhic's time t - 1 ms)."""
    t, i = spikes[:, 0].astype(np.int64), spikes[:, 1]
    sec = (t - 2) // 1000
    ok = (sec >= 0) & (sec < n_seconds)
    out = np.zeros((n_seconds, 2), np.int64)
    np.add.at(out, (sec[ok], (i[ok] >= 800).astype(np.int64)), 1)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=int, default=3600, help="model time (default: an hour)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", default=None, help="write the numbers to this file")
    args = p.parse_args(argv)
    T = 1000 * args.seconds
    loops = nl.load("exact")
    post = ora.spnet_network(args.seed)
    kicks = izhic.inputs.random_events(20.0).events(1000, float(T), 1.0, args.seed).neuron
    pre_lists = ora.spnet_pre_lists(post, 800)
    t0 = time.perf_counter()
    c = loops.spnet(post, kicks=kicks, pre_lists=pre_lists)
    c_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    net = polychronization_2006(float(T), seed=args.seed, n_threads=1, keep_spikes=False)
    z_s = time.perf_counter() - t0
    col = storage_columns(post, net.synapses)
    weights_equal = bool(np.array_equal(c.s[net.synapses.pre, col], net.weights))
    counts_equal = bool(np.array_equal(per_second(c.spikes, args.seconds)[:-1],
                                       net.spikes_per_second[:-1]))
    s = summary(net)
    out = {"model_s": args.seconds, "seed": args.seed, "c_loop_s": c_s, "izhic_s": z_s,
           "ratio": z_s / c_s, "spikes": int(net.spikes_per_second.sum()),
           "weights_equal_bit_for_bit": weights_equal,
           "spikes_per_second_equal": counts_equal, "weights": net.weight_fractions(),
           "rates_last_10_s_hz": s["rate_last_10_s_hz"],
           "rates_first_second_hz": s["rate_first_second_hz"],
           "spectrum_end": s.get("spectrum_end")}
    print(f"spnet, {args.seconds} s of model time, seed {args.seed}: C loop (exact) "
          f"{c_s:.2f} s, izhic polychronization_2006 (1 thread) {z_s:.2f} s: "
          f"{z_s / c_s:.2f}x; {out['spikes']} spikes")
    print(f"final weights equal bit for bit: {weights_equal}; spikes per second equal: "
          f"{counts_equal}")
    f = out["weights"]
    print(f"excitatory weights: {f['below']:.1%} below 0.5 ({f['zero']:.1%} at 0), "
          f"{f['between']:.1%} between, {f['above']:.1%} above 9.5 ({f['cap']:.1%} at 10)")
    r = out["rates_last_10_s_hz"]
    print(f"rates over the last 10 s: {r['excitatory']:.2f} Hz excitatory, "
          f"{r['inhibitory']:.2f} Hz inhibitory")
    if out["spectrum_end"]:
        b = out["spectrum_end"]
        print(f"spectrum of the last 10 s: delta {b['delta_1_4']:.0%}, gamma "
              f"{b['gamma_30_100']:.0%} of the 1-100 Hz power")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    return out


if __name__ == "__main__":
    main()
