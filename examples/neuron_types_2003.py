"""Reproduce Fig. 2 of Izhikevich (2003): the model's cortical and thalamic neuron types
=====================================================================================

Izhikevich E.M. (2003) "Simple model of spiking neurons", IEEE Trans. Neural
Networks 14:1569-1572, Fig. 2, as drawn by the public figure code
(``figure1.m``): eight traces, each a step of input current (RZ: a brief pulse
on a negative baseline; TC burst: release from hyperpolarization).

=============  =====  =====  ====  =====  ======  ======  =======================================
trace          a      b      c     d      V0      T (ms)  input
=============  =====  =====  ====  =====  ======  ======  =======================================
RS             0.02   0.2    -65   8      -63     150     14 for t > 15
IB             0.02   0.2    -55   4      -70     150     11 for t > 15
CH             0.02   0.2    -50   2      -70     150     10 for t > 15
FS             0.1    0.2    -65   2      -70     150     10 for t > 15
TC (tonic)     0.02   0.25   -65   0.05   -63     150     1.5 for t > 30
TC (burst)     0.02   0.25   -65   0.05   -87     150     -25 for t <= 45, then 0
RZ             0.1    0.26   -65   2      -70     100     -2; -0.5 for t > 10; 10 for 60 < t < 65
LTS            0.02   0.25   -65   2      -63     250     10 for t > 25
=============  =====  =====  ====  =====  ======  ======  =======================================

u0 = b V0. The protocols are data in :mod:`izhic.protocols`
(``NEURON_TYPES_2003``).

Numerics: the figure code's Euler scheme (``method="izhikevich2004"``), tau =
0.25 ms: at each sample ``t_k = k tau`` (k = 0 .. T/tau),
``V += tau (0.04 V^2 + 5 V + 140 - u + I(t_k))``, then ``u += tau a (b V - u)``
from the new V; if ``V > 30`` the code plots 30 mV at ``t_k``, ``V = c``,
``u += d``. Spike times in the JSON are those ``t_k`` (izhic's own time, the
end of the step, is ``t_k + tau``).

Outputs (in ``figures/`` or ``--out DIR``): ``neuron_types_2003.png`` (the
eight traces, 2 x 4, input drawn under each) and ``neuron_types_2003.json``
(``{"RS": {"name": "regular spiking", "spike_times": [...]}, ...}``, keys RS,
IB, CH, FS, TC, TC_burst, RZ, LTS).

The figure code is :func:`izhic.figures.izhikevich2003.neuron_types_2003`; this
script is a thin wrapper around it::

    python examples/neuron_types_2003.py              # writes into ./figures/
    python examples/neuron_types_2003.py --out /tmp/n
"""
from __future__ import annotations

import argparse
import sys

import matplotlib

matplotlib.use("Agg")

from izhic.figures.izhikevich2003 import neuron_types_2003  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Reproduce Izhikevich (2003) Fig. 2 (RS, IB, CH, FS, TC tonic and burst, "
                    "RZ, LTS) with the figure code's numerics (Euler, tau 0.25 ms, v then u "
                    "from the new v).",
        epilog="Writes neuron_types_2003.png and neuron_types_2003.json and prints their paths.")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, created if missing (default: %(default)s)")
    args = parser.parse_args(argv)
    for path in neuron_types_2003(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    status = main()
    if status:      # (no exit on success: the docs' gallery runs this inside Sphinx)
        sys.exit(status)
