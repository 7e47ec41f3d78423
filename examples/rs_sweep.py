"""Reproduce the original RS project's two figures with izhic.

The original project (neuron-simulation-izhikevich) studied one Regular Spiking
neuron of Izhikevich (2003) under constant input currents. This script redraws
its two figures with the project's exact numerics and adds a second, accurate
curve to the rate figure so the effect of those numerics is visible.

Numerics of the original (``method="izhikevich2004"`` in izhic)
----------------------------------------------------------------
- RS neuron: a = 0.02, b = 0.2, c = -65, d = 8, peak 30 mV::

      v' = 0.04 v^2 + 5 v + 140 - u + I
      u' = a (b v - u)

- A fresh neuron for every current: v0 = -65 mV, u0 = b v0 = -13.
- Euler with dt = 0.25 ms for 1000 ms (4000 steps): v first, then u from the
  new v; if v >= 30 at the end of a step, the neuron spikes at the end of that
  step and v <- c, u <- u + d in the same step.
- v is never clipped: the traces show the step's overshoot (up to ~115 mV),
  hence ``v_at_spike="overshoot"``.
- Rate (Hz) = spikes with 200 <= t <= 1000 ms divided by 0.8 s
  (``res.rates(200, 1000)``); the original plotted spikes/ms.

The accurate curve uses classic RK4 with a fine step (``method="rk4"``,
dt = 0.01 ms). Both curves are one ``izhic.simulate`` call each: the 41
currents I = 0, 1, ..., 40 are 41 independent neurons.

Outputs (in ``figures/`` or ``--out DIR``)
------------------------------------------
- ``membrane_potential.png``: five stacked panels, "Membrane Potential for
  I = 1/10/20/30/40", 0-1000 ms.
- ``spike_rate_vs_current.png``: "Spike Rate vs Input Current", I = 0..40,
  published numerics and the accurate reference.
- ``spike_rate_vs_current.csv``: one row per current, columns
  ``current, count_izhikevich2004, rate_hz_izhikevich2004, count_accurate,
  rate_hz_accurate`` (counts in [200, 1000] ms; accurate = rk4, dt 0.01 ms).

Expected with the published numerics: 18 spikes in [200, 1000] ms at I = 10
(22.5 Hz) and 67 at I = 40 (83.75 Hz); no firing up to I = 3, first firing at
I = 4.

Command line
------------
::

    python examples/rs_sweep.py              # writes into ./figures/
    python examples/rs_sweep.py --out /tmp/rs
"""
from __future__ import annotations

import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import izhic  # noqa: E402

MODEL = "RS"
DURATION = 1000.0  # ms
V0 = -65.0  # mV; u0 defaults to b * v0 = -13
CURRENTS = np.arange(0.0, 41.0)  # I = 0, 1, ..., 40
TRACE_CURRENTS = (1.0, 10.0, 20.0, 30.0, 40.0)
RATE_WINDOW = (200.0, 1000.0)  # ms, both ends included

#: The original project's numerics and the fine-step reference.
PUBLISHED = {"method": "izhikevich2004", "dt": 0.25}
ACCURATE = {"method": "rk4", "dt": 0.01}


def _label(numerics):
    return f"{numerics['method']}, dt = {numerics['dt']:g} ms"


def simulate_traces(currents=TRACE_CURRENTS):
    """Membrane potential traces with the published numerics, overshoot unclipped."""
    return izhic.simulate(MODEL, current=np.asarray(currents, dtype=float),
                          duration=DURATION, v0=V0, record="v",
                          v_at_spike="overshoot", **PUBLISHED)


def sweep(numerics, currents=CURRENTS):
    """Spike counts and rates (Hz) in RATE_WINDOW, one neuron per current."""
    res = izhic.simulate(MODEL, current=currents, duration=DURATION, v0=V0, **numerics)
    return res.spike_counts(*RATE_WINDOW), res.rates(*RATE_WINDOW)


def plot_membrane_potential(res, currents, path):
    n = len(currents)
    fig, axes = plt.subplots(n, 1, figsize=(10, 2.1 * n + 0.8), sharex=True, sharey=True)
    for ax, current, v in zip(axes, currents, res.v):
        ax.plot(res.t, v, color="tab:blue", linewidth=0.8)
        ax.axhline(30.0, color="0.5", linestyle=":", linewidth=0.8)
        ax.set_title(f"Membrane Potential for I = {current:g}", fontsize=11)
        ax.set_ylabel("v (mV)")
        ax.grid(True, alpha=0.3)
    axes[0].set_xlim(0.0, DURATION)
    axes[0].set_ylim(-90.0, 130.0)
    axes[0].text(0.995, 30.0, "v_peak = 30 mV ", transform=axes[0].get_yaxis_transform(),
                 ha="right", va="bottom", fontsize=8, color="0.4")
    axes[-1].set_xlabel("Time (ms)")
    fig.suptitle(f"RS neuron (a=0.02, b=0.2, c=-65, d=8), {_label(PUBLISHED)}, "
                 f"v0 = {V0:g} mV, u0 = b v0; v not clipped at spikes", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_rates(currents, rate_published, rate_accurate, path):
    fig, ax = plt.subplots(figsize=(8, 5.5))
    published, = ax.plot(currents, rate_published, marker="o", markersize=5, linestyle="-",
                         color="tab:blue", zorder=3,
                         label=f"published numerics: {_label(PUBLISHED)}")
    accurate, = ax.plot(currents, rate_accurate, marker="s", markersize=6, linestyle="--",
                        color="tab:orange", markerfacecolor="none", markeredgewidth=1.2,
                        zorder=2, label=f"accurate reference: {_label(ACCURATE)}")
    fig.suptitle("Spike Rate vs Input Current", fontsize=13)
    ax.set_title("RS neuron, v0 = -65 mV, u0 = b v0; rate = spikes with "
                 "200 <= t <= 1000 ms / 0.8 s", fontsize=9, color="0.3")
    ax.set_xlabel("Input current I")
    ax.set_ylabel("Spike rate (Hz)")
    ax.set_xlim(-1, currents[-1] + 1)
    ax.set_ylim(bottom=-2)
    ax.grid(True, alpha=0.4)
    ax.legend(handles=[published, accurate], loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_csv(path, currents, published, accurate):
    (count_pub, rate_pub), (count_acc, rate_acc) = published, accurate
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["current", "count_izhikevich2004", "rate_hz_izhikevich2004",
                         "count_accurate", "rate_hz_accurate"])
        for row in zip(currents, count_pub, rate_pub, count_acc, rate_acc):
            current, cp, rp, ca, ra = row
            writer.writerow([f"{current:g}", int(cp), f"{rp:g}", int(ca), f"{ra:g}"])


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Reproduce the original RS project's figures (membrane potential for "
                    "I = 1, 10, 20, 30, 40 and spike rate vs input current for I = 0..40) "
                    "with its exact numerics (Euler dt 0.25 ms, v then u from the new v), "
                    "plus an accurate rk4 (dt 0.01 ms) rate curve.",
        epilog="Writes membrane_potential.png, spike_rate_vs_current.png and "
               "spike_rate_vs_current.csv.")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, relative to the current directory; "
                             "created if missing (default: %(default)s)")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    traces = simulate_traces()
    published = sweep(PUBLISHED)
    accurate = sweep(ACCURATE)

    paths = [os.path.join(args.out, name) for name in (
        "membrane_potential.png", "spike_rate_vs_current.png", "spike_rate_vs_current.csv")]
    plot_membrane_potential(traces, TRACE_CURRENTS, paths[0])
    plot_rates(CURRENTS, published[1], accurate[1], paths[1])
    write_csv(paths[2], CURRENTS, published, accurate)
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
