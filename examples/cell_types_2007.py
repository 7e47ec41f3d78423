"""Reproduce the cell types of Izhikevich (2007), ch. 8, under their published protocols
=====================================================================================

Izhikevich E.M. (2007) *Dynamical Systems in Neuroscience*, MIT Press,
figures 8.12 (RS), 8.19 (IB), 8.23 (CH), 8.25 (LTS), 8.27 (FS), 8.31 (TC)
and 8.32 (RTN): each cell of the 2007 form (``izhic.PRESETS_2007``) under the
step currents of the public port of those figures (ModelDB 39948)::

    C v' = k (v - vr)(v - vt) - u + I,   u' = a (U(v) - u)
    if v >= v_peak(u):  v <- c(u),  u <- min(u + d, u_max)

============  ======  ===========================  ===================================
protocol      T (ms)  amplitudes (pA)              input
============  ======  ===========================  ===================================
RS            520     60, 70, 85, 100              0, then the amplitude from 0.1 T
IB            600     290, 370, 500, 550           0, then the amplitude from 0.1 T
CH            210     200, 300, 400, 600           0, then the amplitude from 0.1 T
LTS           320     100, 125, 200, 300           0, then the amplitude from 0.1 T
FS            100     73.2, 100, 200, 400          0, then the amplitude from 0.1 T
RTN           650     50, 70, 110                  0, then the amplitude from 0.1 T
TC            650     50, 100, 150                 0, then the amplitude from 0.1 T
TC_burst      650     0, 50, 100                   -1200 pA for 120 ms, then the amplitude
RTN_burst     720     30, 50, 90                   -350 pA for 120 ms, then the amplitude
============  ======  ===========================  ===================================

The step starts at 10 % of the run, as in the book's own code (the port
applies it from t = 0); burst mode holds the hyperpolarizing current for the
first 120 ms, as the port. The protocols are data:
``izhic.protocols.PROTOCOLS_2007``.

Numerics: the book's scheme, ``izhic.simulate(..., method="euler",
dt=0.25)``: forward Euler with tau = 0.25 ms, v and u both from the old state,
spike test and reset at the end of the step; v0 = vr, u0 = 0; the current of
step k is the protocol's current at t_k = k tau. Special terms: LTS (peak 40 -
0.1 u, reset -53 + 0.04 u, u <= 670), FS (U(v) = 0.025 (v + 55)^3 above -55
mV), TC (peak 35 + 0.1 u, reset -60 - 0.1 u, b = 15 below -65 mV, else 0),
RTN (U(v) = b (v + 65), b = 10 below -65 mV, else 2).

Outputs (in ``figures/`` or ``--out DIR``): ``cell_types_2007.png`` (one panel
per protocol, the amplitudes' traces stacked, largest on top, the input in pA
under each, spikes drawn to the peak) and ``cell_types_2007.json``
(``{"RS": {"name": ..., "protocol": {...}, "runs": [{"current_pA": 60.0,
"spike_times": [...]}, ...]}, ...}``; spike times in ms at the end of the step
that reached the peak).

The figure code is :func:`izhic.figures.izhikevich2007.cell_types_2007`; this
script is a thin wrapper around it::

    python examples/cell_types_2007.py              # writes into ./figures/
    python examples/cell_types_2007.py --out /tmp/c
"""
from __future__ import annotations

import argparse
import sys

from izhic.figures.izhikevich2007 import cell_types_2007


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Reproduce the cell types of Izhikevich (2007), ch. 8 (RS, IB, CH, LTS, "
                    "FS, RTN, TC; TC and RTN also in burst mode) under their published step "
                    "currents, with the book's numerics (Euler, u from the old v, tau 0.25 ms, "
                    "v0 = vr, u0 = 0).",
        epilog="Writes cell_types_2007.png and cell_types_2007.json and prints their paths.")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, relative to the current directory; "
                             "created if missing (default: %(default)s)")
    args = parser.parse_args(argv)
    for path in cell_types_2007(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    status = main()
    if status:      # (no exit on success: the docs' gallery runs this inside Sphinx)
        sys.exit(status)
