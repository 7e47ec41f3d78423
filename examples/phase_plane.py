"""The v-u phase plane of one Izhikevich (2003) neuron, next to its v(t).

One neuron of a 2003 preset under a constant current I::

    v' = 0.04 v^2 + 5 v + 140 - u + I
    u' = a (b v - u)
    if v >= 30:  v <- c,  u <- u + d

Left: the phase plane drawn by :func:`izhic.plotting.phase_plane` -- the
v-nullcline ``u = 0.04 v^2 + 5 v + 140 + I`` (a parabola), the u-nullcline
``u = b v``, their crossings (fixed points: filled = stable, open =
unstable), a light direction field, and the trajectory from v0 = -65 mV,
u0 = b v0: solid between spikes, a dashed arrow for each reset from
(30, u) to (c, u + d). Right: v(t) of the same run, spikes drawn up to the
peak.

For b = 0.2 (RS, IB, CH, FS) the nullclines cross below I = 4 (a rest state
and a saddle) and not above: the neuron then fires repetitively. Try::

    python examples/phase_plane.py                         # RS, I = 10
    python examples/phase_plane.py --preset FS --current 10
    python examples/phase_plane.py --preset RZ --current 0.5 --duration 300
    python examples/phase_plane.py --preset CH --current 10 --method izhikevich2004 --dt 0.25

Writes ``phase_plane_<PRESET>_<I>.png`` (e.g. ``phase_plane_RS_10.png``) into
``--out`` (default ``figures/``) and prints its path.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed

from matplotlib.figure import Figure  # noqa: E402

import izhic  # noqa: E402
from izhic.plotting import phase_plane  # noqa: E402


def draw(preset, current, duration, method, dt, out_dir):
    """Write the 1 x 2 figure and return its path."""
    model = izhic.preset(preset)
    fig = Figure(figsize=(13, 5.2))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1.0]})
    phase_plane(preset, current, duration=duration, dt=dt, method=method, ax=left)

    # the same run as the phase plane, with v shown at v_peak when it spikes
    res = izhic.simulate(preset, current=current, duration=duration, dt=dt, method=method,
                         record="v", v_at_spike="peak")
    right.plot(res.t, res.v[0], color="tab:blue", linewidth=0.9)
    right.axhline(model.v_peak, color="0.35", linestyle=":", linewidth=1.0)
    right.axhline(model.c, color="0.35", linestyle="-.", linewidth=0.9)
    for level, label in ((model.v_peak, " v_peak"), (model.c, " c (reset)")):
        right.text(1.0, level, label, transform=right.get_yaxis_transform(), ha="left",
                   va="center", fontsize=8, color="0.3")
    right.set_xlim(0.0, duration)
    right.set_xlabel("time (ms)")
    right.set_ylabel("v (mV)")
    n_spikes = res.spike_times[0].size
    right.set_title(f"v(t): {n_spikes} spike{'' if n_spikes == 1 else 's'} in {duration:g} ms",
                    fontsize=10)
    right.grid(True, alpha=0.3)
    fig.tight_layout()

    os.makedirs(out_dir, exist_ok=True)
    path = Path(out_dir) / f"phase_plane_{preset.upper()}_{current:g}.png"
    fig.savefig(path, dpi=110)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Draw the v-u phase plane (nullclines, fixed points, direction field, "
                    "trajectory with its resets) of one Izhikevich 2003 preset neuron under a "
                    "constant current, next to its v(t).",
        epilog="Writes phase_plane_<PRESET>_<I>.png into DIR and prints its path.")
    parser.add_argument("--preset", default="RS", type=str.upper,
                        choices=list(izhic.PRESETS_2003),
                        help="2003 preset (default: %(default)s)")
    parser.add_argument("--current", default=10.0, type=float, metavar="I",
                        help="constant input current, model units (default: %(default)g)")
    parser.add_argument("--duration", default=200.0, type=float, metavar="MS",
                        help="simulated time in ms (default: %(default)g)")
    parser.add_argument("--method", default="rk4", choices=list(izhic.METHODS),
                        help="integration method (default: %(default)s)")
    parser.add_argument("--dt", default=0.05, type=float, metavar="MS",
                        help="time step in ms (default: %(default)g)")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, created if missing (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        path = draw(args.preset, args.current, args.duration, args.method, args.dt, args.out)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
