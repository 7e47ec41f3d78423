"""Reproduce the original RS project's two figures with izhic
==========================================================

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

The figure code is :func:`izhic.figures.rs_study.rs_sweep`, so an installed izhic
redraws the same files with ``izhic figure rs_sweep``; this script is a thin
wrapper around it.

Command line
------------
::

    python examples/rs_sweep.py              # writes into ./figures/
    python examples/rs_sweep.py --out /tmp/rs
    izhic figure rs_sweep --out /tmp/rs      # the same, from the installed package
"""
from __future__ import annotations

import argparse
import sys

from izhic.figures.rs_study import rs_sweep


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Reproduce the original RS project's figures (membrane potential for "
                    "I = 1, 10, 20, 30, 40 and spike rate vs input current for I = 0..40) "
                    "with its exact numerics (Euler dt 0.25 ms, v then u from the new v), "
                    "plus an accurate rk4 (dt 0.01 ms) rate curve.",
        epilog="Writes membrane_potential.png, spike_rate_vs_current.png and "
               "spike_rate_vs_current.csv and prints their paths. "
               "Same as: izhic figure rs_sweep --out DIR.")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, relative to the current directory; "
                             "created if missing (default: %(default)s)")
    args = parser.parse_args(argv)
    for path in rs_sweep(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    status = main()
    if status:      # (no exit on success: the docs' gallery runs this inside Sphinx)
        sys.exit(status)
