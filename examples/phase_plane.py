"""The v-u phase plane of one Izhikevich neuron, next to its v(t)
==============================================================

One neuron under a constant current I, of a 2003 preset (``--form 2003``, the
default) or a 2007 cell type (``--form 2007``)::

    2003:  v' = 0.04 v^2 + 5 v + 140 - u + I,    u' = a (b v - u)
           if v >= 30:  v <- c,  u <- u + d                    (I in model units)
    2007:  C v' = k (v - vr)(v - vt) - u + I,    u' = a (B(v) - u)
           if v >= v_peak(u):  v <- c(u),  u <- min(u + d, u_max)    (I in pA)

Left: the phase plane drawn by :func:`izhic.plotting.phase_plane` -- the
v-nullcline (a parabola), the u-nullcline, their crossings (fixed points:
filled = stable, open = unstable), a light direction field, and the
trajectory from the form's initial state (2003: v0 = -65 mV, u0 = b v0;
2007: v0 = vr, u0 = 0; an open orange square): solid between spikes, a
dashed arrow for each reset from (v_peak, u) to (c, u + d). The 2007 LTS and
TC cells move their cut-off and reset with u: v_peak(u) and c(u) are slanted
lines. Right: v(t) of the same run, spikes drawn up to the cut-off they
reached, with the cut-off and the reset (curves of u(t) for LTS and TC).

For b = 0.2 (2003 RS, IB, CH, FS) the nullclines cross below I = 4 (a rest
state and a saddle) and not above: the neuron then fires repetitively. Try::

    python examples/phase_plane.py                         # 2003 RS, I = 10
    python examples/phase_plane.py --preset FS --current 10
    python examples/phase_plane.py --preset RZ --current 0.5 --duration 300
    python examples/phase_plane.py --preset CH --current 10 --method izhikevich2004 --dt 0.25
    python examples/phase_plane.py --form 2007 --preset LTS      # I = 300 pA
    python examples/phase_plane.py --form 2007 --preset TC --current 100

The 2007 default current is the largest step of the cell's published
protocol (``izhic.protocols.PROTOCOLS_2007``). Writes
``phase_plane_<PRESET>_<I>.png`` (e.g. ``phase_plane_RS_10.png``; 2007:
``phase_plane_2007_LTS_300.png``) into ``--out`` (default ``figures/``) and
prints its path.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed

import numpy as np  # noqa: E402

import izhic  # noqa: E402
from izhic.plotting import new_figure, phase_plane, save_png  # noqa: E402
from izhic.protocols import PROTOCOLS_2007  # noqa: E402

FORMS = {2003: izhic.PRESETS_2003, 2007: izhic.PRESETS_2007}


def default_current(form, preset):
    """2003: 10 (model units); 2007: the largest step of the cell's protocol (pA)."""
    return 10.0 if form == 2003 else max(PROTOCOLS_2007[preset].amplitudes)


def draw(preset, current, duration, method, dt, out_dir, form=2003):
    """Write the 1 x 2 figure and return its path."""
    model = izhic.preset(preset, year=form)
    fig = new_figure(figsize=(13, 5.6))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1.0]})
    phase_plane(model, current, duration=duration, dt=dt, method=method, ax=left)

    # the same run as the phase plane, with v shown at the cut-off it crossed
    # when it spikes (v_peak, or v_peak(u) for LTS and TC)
    res = izhic.simulate(model, current=current, duration=duration, dt=dt, method=method,
                         record=("v", "u"), v_at_spike="peak")
    v, u = res.v[0], res.u[0]
    cut_off = np.broadcast_to(model.peak(u), v.shape)      # v_peak, or v_peak(u(t))
    reset = np.broadcast_to(model.reset(0.0, u)[0], v.shape)  # c, or c(u(t))
    right.plot(res.t, v, color="tab:blue", linewidth=0.9)
    right.plot(res.t, cut_off, color="0.35", linestyle=":", linewidth=1.0)
    right.plot(res.t, reset, color="0.35", linestyle="-.", linewidth=0.9)
    tilted = not np.isscalar(model.peak(u))
    for level, label in ((cut_off[-1], " v_peak(u)" if tilted else " v_peak"),
                         (reset[-1], " c(u) (reset)" if tilted else " c (reset)")):
        right.annotate(label, (1.0, level), xycoords=("axes fraction", "data"), ha="left",
                       va="center", fontsize=8, color="0.3", annotation_clip=False)
    right.set_xlim(0.0, duration)
    right.set_xlabel("time (ms)")
    right.set_ylabel("v (mV)")
    n_spikes = res.spike_times[0].size
    right.set_title(f"v(t): {n_spikes} spike{'' if n_spikes == 1 else 's'} in {duration:g} ms",
                    fontsize=10)
    right.grid(True, alpha=0.3)
    fig.tight_layout()

    os.makedirs(out_dir, exist_ok=True)
    year = "" if form == 2003 else "2007_"
    path = Path(out_dir) / f"phase_plane_{year}{preset.upper()}_{current:g}.png"
    save_png(fig, path, dpi=110)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Draw the v-u phase plane (nullclines, fixed points, direction field, "
                    "trajectory with its resets) of one Izhikevich neuron, a 2003 preset or a "
                    "2007 cell type, under a constant current, next to its v(t).",
        epilog="Writes phase_plane_<PRESET>_<I>.png (2007: phase_plane_2007_<PRESET>_<I>.png) "
               "into DIR and prints its path.")
    parser.add_argument("--form", default=2003, type=int, choices=list(FORMS),
                        help="model form: the 2003 presets or the 2007 cell types "
                             "(default: %(default)s)")
    names = sorted(set(izhic.PRESETS_2003) | set(izhic.PRESETS_2007))
    parser.add_argument("--preset", default="RS", type=str.upper, choices=names,
                        help="2003 preset (RS, IB, CH, FS, LTS, TC, RZ) or 2007 cell type "
                             "(RS, IB, CH, LTS, FS, TC, RTN) (default: %(default)s)")
    parser.add_argument("--current", default=None, type=float, metavar="I",
                        help="constant input current: model units (2003) or pA (2007) "
                             "(default: 10, or the largest step of the 2007 cell's protocol)")
    parser.add_argument("--duration", default=200.0, type=float, metavar="MS",
                        help="simulated time in ms (default: %(default)g)")
    parser.add_argument("--method", default="rk4", choices=list(izhic.METHODS),
                        help="integration method (default: %(default)s)")
    parser.add_argument("--dt", default=0.05, type=float, metavar="MS",
                        help="time step in ms (default: %(default)g)")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, created if missing (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.preset not in FORMS[args.form]:
        parser.error(f"--preset: {args.preset} is not a {args.form} preset; choose one of "
                     f"{', '.join(FORMS[args.form])}")
    current = default_current(args.form, args.preset) if args.current is None else args.current
    try:
        path = draw(args.preset, current, args.duration, args.method, args.dt, args.out,
                    args.form)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    print(path)
    return 0


if __name__ == "__main__":
    status = main()
    if status:      # (no exit on success: the docs' gallery runs this inside Sphinx)
        sys.exit(status)
