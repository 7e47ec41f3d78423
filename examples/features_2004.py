"""Reproduce Fig. 1 of Izhikevich (2004): twenty neuro-computational features
==========================================================================

Izhikevich E.M. (2004) "Which model to use for cortical spiking neurons?",
IEEE Trans. Neural Networks 15:1063-1070, Fig. 1: one model, twenty panels
(A tonic spiking ... T inhibition-induced bursting), each with its own
parameters a, b, c, d, initial state, input and step. The protocols are data in
:mod:`izhic.protocols` (``FEATURES_2004``), transcribed from the public figure
code (``figure1.m``), strict inequalities of the inputs included.

Numerics of the figure code (``method="izhikevich2004"`` in izhic)
------------------------------------------------------------------
- Samples ``t_k = k tau`` for ``k = 0 .. T/tau`` (tau = 0.1 to 0.5 ms by
  panel; izhic runs ``T + tau`` ms so the last sample is advanced too).
- At each sample: ``I = I(t_k)``;
  ``V += tau (0.04 V^2 + 5 V + 140 - u + I)`` (panels G, L: ``4.1 V + 108``);
  ``u += tau a (b V - u)`` with the **new** V (panel R: ``u += tau a b (V + 65)``,
  u0 = -16); if ``V > 30``: the code plots 30 mV at ``t_k``, ``V = c``,
  ``u += d``.
- Spike times are written in the figure code's convention, the sample ``t_k``
  whose update crossed 30 mV; izhic's own spike time (end of the step) is
  ``t_k + tau``. izhic tests ``v >= 30``, the code ``V > 30``: no sample lands
  on 30 exactly, so the spike times are the figure code's, bit for bit.

Accurate comparison
-------------------
Every panel is also run with RK4, each crossing of 30 mV located inside the
step, dt = 0.01 ms, same input. Panels whose spike count changes or whose
spikes move by more than 1 ms are drawn side by side. The published numerics
are part of several panels' behaviour: at the accurate solution panel Q (DAP)
fires tonically (8 spikes instead of 1), P (bistability) is not switched off by
the second pulse, N bursts 14 spikes instead of 7, I and M fire ~10 ms earlier,
S fires a 4th spike after the inhibition ends, and T's bursts turn into a
runaway (each spike lowers u by 2, a < 0 keeps u falling, the rate grows
without bound; the run is stopped).

Outputs (in ``figures/`` or ``--out DIR``)
------------------------------------------
- ``features_2004.png``: the 5 x 4 grid, v (spikes at 30 mV) with the input
  drawn under each trace, as the published figure;
- ``features_2004.json``: ``{"A": {"name": "tonic spiking", "spike_times":
  [...]}, ..., "T": {...}}``, figure-code times in ms;
- ``features_2004_accurate.png`` / ``.json``: the comparison (both spike time
  lists, counts and shifts for every panel). ``--no-accurate`` skips them.

The figure code is :func:`izhic.figures.izhikevich2004.features_2004`; this script
is a thin wrapper around it.

Command line
------------
::

    python examples/features_2004.py              # writes into ./figures/
    python examples/features_2004.py --out /tmp/f --no-accurate
"""
from __future__ import annotations

import argparse
import sys

import matplotlib

matplotlib.use("Agg")

from izhic.figures.izhikevich2004 import features_2004  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Reproduce Izhikevich (2004) Fig. 1, the twenty features A-T, with the "
                    "figure code's numerics (Euler at each panel's step, v then u from the "
                    "new v), and compare each panel with an accurate RK4 solution.",
        epilog="Writes features_2004.png/.json (and features_2004_accurate.png/.json) and "
               "prints their paths.")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, created if missing (default: %(default)s)")
    parser.add_argument("--no-accurate", dest="accurate", action="store_false",
                        help="skip the comparison with the accurate solution")
    args = parser.parse_args(argv)
    for path in features_2004(args.out, accurate=args.accurate):
        print(path)
    return 0


if __name__ == "__main__":
    status = main()
    if status:      # (no exit on success: the docs' gallery runs this inside Sphinx)
        sys.exit(status)
