"""Figures that izhic reproduces, and a trace plot for any simulation.

The figure functions live in the package (not in ``examples/``) so that the
installed command line, ``izhic figure NAME``, can redraw them. Each takes an
output directory, writes its files there and returns their paths; they are
collected in :data:`FIGURES`.

Matplotlib is imported only inside the functions. The figure functions draw on
a :class:`matplotlib.figure.Figure` of their own, without pyplot: they never
open a window, need no display and leave pyplot's state (and backend) alone.

Examples
--------
>>> import izhic
>>> from izhic.figures import FIGURES, plot_trace
>>> list(FIGURES)[:1]
['rs_sweep']
>>> res = izhic.simulate("RS", current=10.0, duration=200.0, record="v")
>>> ax = plot_trace(res)                       # doctest: +SKIP
>>> paths = FIGURES["rs_sweep"]("figures")     # doctest: +SKIP
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from .simulate import simulate

__all__ = ["FIGURES", "plot_trace", "rs_sweep", "features_2004", "neuron_types_2003",
           "cell_types_2007", "network_2003", "phase_plane_rs", "new_figure"]


def new_figure(**kwargs):
    """A :class:`matplotlib.figure.Figure` not managed by pyplot (for files).

    Keyword arguments go to ``Figure`` (``figsize``, ``dpi``, ...). Save it with
    ``fig.savefig(path)``; nothing needs closing.
    """
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def plot_trace(result, ax=None, *, row=0, v_peak=30.0, spikes=True, title=None, **kwargs):
    """Plot the membrane potential of one recorded neuron, with its spikes.

    Parameters
    ----------
    result : SimulationResult
        From :func:`izhic.simulate` with ``record="v"`` (or ``("v", "u")``).
    ax : matplotlib Axes, optional
        Where to draw (default: a new pyplot figure).
    row : int, default 0
        Which trace: row ``row`` of ``result.v``, i.e. neuron
        ``result.record_neurons[row]``.
    v_peak : float or None, default 30
        Draw a dotted line at this potential (mV); None for none.
    spikes : bool, default True
        Mark the neuron's spike times with ticks along the top of the axes.
    title : str, optional
        Axes title (default: method, dt and spike count).
    **kwargs
        Passed to ``ax.plot`` for the trace (``color``, ``linewidth``, ...).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``result`` holds no v trace or ``row`` is out of range.
    """
    if getattr(result, "v", None) is None:
        raise ValueError("result: no v trace; simulate with record='v'")
    n_rows = result.v.shape[0]
    if not -n_rows <= row < n_rows:
        raise ValueError(f"row: the result holds {n_rows} v trace(s), got row={row!r}")
    neuron = int(result.record_neurons[row])
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(10, 3.5))
    kwargs.setdefault("color", "tab:blue")
    kwargs.setdefault("linewidth", 0.8)
    v = result.v[row]
    ax.plot(result.t, v, **kwargs)
    times = result.spike_times[neuron]
    if v_peak is not None:
        ax.axhline(v_peak, color="0.5", linestyle=":", linewidth=0.8)
    if spikes and times.size:
        # a raster row above the trace: x in data units, y in axes units
        ax.plot(times, np.full(times.size, 0.96), linestyle="none", marker="|",
                markersize=7, color="black", transform=ax.get_xaxis_transform(),
                label="spikes")
        low, high = float(np.min(v)), float(np.max(v))
        ax.set_ylim(low - 0.05 * (high - low), high + 0.15 * (high - low))
    if result.t[-1] > result.t[0]:
        ax.set_xlim(result.t[0], result.t[-1])
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("v (mV)")
    if title is None:
        title = (f"{result.method}, dt = {result.dt:g} ms: {times.size} spike"
                 f"{'' if times.size == 1 else 's'} in {result.duration:g} ms")
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    return ax


# ---------------------------------------------------------------- rs_sweep ----

_RS_MODEL = "RS"
_RS_DURATION = 1000.0  # ms
_RS_V0 = -65.0  # mV; u0 defaults to b * v0 = -13
_RS_CURRENTS = np.arange(0.0, 41.0)  # I = 0, 1, ..., 40
_RS_TRACE_CURRENTS = (1.0, 10.0, 20.0, 30.0, 40.0)
_RS_WINDOW = (200.0, 1000.0)  # ms, both ends included
#: The original project's numerics and the fine-step reference.
_RS_PUBLISHED = {"method": "izhikevich2004", "dt": 0.25}
_RS_ACCURATE = {"method": "rk4", "dt": 0.01}
RS_SWEEP_OUTPUTS = ("membrane_potential.png", "spike_rate_vs_current.png",
                    "spike_rate_vs_current.csv")


def _label(numerics):
    return f"{numerics['method']}, dt = {numerics['dt']:g} ms"


def _rs_sweep_rates(numerics):
    res = simulate(_RS_MODEL, current=_RS_CURRENTS, duration=_RS_DURATION, v0=_RS_V0,
                   **numerics)
    return res.spike_counts(*_RS_WINDOW), res.rates(*_RS_WINDOW)


def _rs_plot_membrane_potential(res, currents, path):
    n = len(currents)
    fig = new_figure(figsize=(10, 2.1 * n + 0.8))
    axes = fig.subplots(n, 1, sharex=True, sharey=True)
    for ax, current, v in zip(axes, currents, res.v):
        ax.plot(res.t, v, color="tab:blue", linewidth=0.8)
        ax.axhline(30.0, color="0.5", linestyle=":", linewidth=0.8)
        ax.set_title(f"Membrane Potential for I = {current:g}", fontsize=11)
        ax.set_ylabel("v (mV)")
        ax.grid(True, alpha=0.3)
    axes[0].set_xlim(0.0, _RS_DURATION)
    axes[0].set_ylim(-90.0, 130.0)
    axes[0].text(0.995, 30.0, "v_peak = 30 mV ", transform=axes[0].get_yaxis_transform(),
                 ha="right", va="bottom", fontsize=8, color="0.4")
    axes[-1].set_xlabel("Time (ms)")
    fig.suptitle(f"RS neuron (a=0.02, b=0.2, c=-65, d=8), {_label(_RS_PUBLISHED)}, "
                 f"v0 = {_RS_V0:g} mV, u0 = b v0; v not clipped at spikes", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _rs_plot_rates(currents, rate_published, rate_accurate, path):
    fig = new_figure(figsize=(8, 5.5))
    ax = fig.subplots()
    published, = ax.plot(currents, rate_published, marker="o", markersize=5, linestyle="-",
                         color="tab:blue", zorder=3,
                         label=f"published numerics: {_label(_RS_PUBLISHED)}")
    accurate, = ax.plot(currents, rate_accurate, marker="s", markersize=6, linestyle="--",
                        color="tab:orange", markerfacecolor="none", markeredgewidth=1.2,
                        zorder=2, label=f"accurate reference: {_label(_RS_ACCURATE)}")
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


def _rs_write_csv(path, currents, published, accurate):
    (count_pub, rate_pub), (count_acc, rate_acc) = published, accurate
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["current", "count_izhikevich2004", "rate_hz_izhikevich2004",
                         "count_accurate", "rate_hz_accurate"])
        for current, cp, rp, ca, ra in zip(currents, count_pub, rate_pub, count_acc, rate_acc):
            writer.writerow([f"{current:g}", int(cp), f"{rp:g}", int(ca), f"{ra:g}"])


def rs_sweep(out_dir="figures"):
    """The original RS project's two figures: v traces and spike rate vs current.

    One Regular Spiking neuron (Izhikevich 2003: a = 0.02, b = 0.2, c = -65,
    d = 8, peak 30 mV), a fresh neuron per constant current, started at
    v0 = -65 mV, u0 = b v0, for 1000 ms, with the project's exact numerics:
    ``method="izhikevich2004"`` (Euler, dt = 0.25 ms, v first, then u from
    the new v, reset at the end of the step), v not clipped at spikes
    (``v_at_spike="overshoot"``), rate = spikes with 200 <= t <= 1000 ms
    divided by 0.8 s. The rate figure adds an accurate curve
    (``method="rk4"``, dt = 0.01 ms). Each curve is one :func:`izhic.simulate`
    call over the 41 currents I = 0, 1, ..., 40.

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.

    Returns
    -------
    list of pathlib.Path
        ``out_dir / name`` for the files written, in this order:

        - ``membrane_potential.png``: five stacked panels "Membrane Potential
          for I = 1/10/20/30/40", 0-1000 ms;
        - ``spike_rate_vs_current.png``: "Spike Rate vs Input Current",
          published numerics and the accurate reference;
        - ``spike_rate_vs_current.csv``: columns ``current,
          count_izhikevich2004, rate_hz_izhikevich2004, count_accurate,
          rate_hz_accurate`` (counts in [200, 1000] ms).

    Notes
    -----
    Expected with the published numerics: no firing up to I = 3, first firing
    at I = 4 (5 spikes), 18 spikes at I = 10 (22.5 Hz), 67 at I = 40
    (83.75 Hz).
    """
    out_dir = Path(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    traces = simulate(_RS_MODEL, current=np.asarray(_RS_TRACE_CURRENTS), duration=_RS_DURATION,
                      v0=_RS_V0, record="v", v_at_spike="overshoot", **_RS_PUBLISHED)
    published = _rs_sweep_rates(_RS_PUBLISHED)
    accurate = _rs_sweep_rates(_RS_ACCURATE)

    paths = [out_dir / name for name in RS_SWEEP_OUTPUTS]
    _rs_plot_membrane_potential(traces, _RS_TRACE_CURRENTS, paths[0])
    _rs_plot_rates(_RS_CURRENTS, published[1], accurate[1], paths[1])
    _rs_write_csv(paths[2], _RS_CURRENTS, published, accurate)
    return paths


def features_2004(out_dir="figures"):
    """Izhikevich (2004) Fig. 1: the twenty firing patterns, figure-code numerics, and the accurate method beside.

    See :func:`izhic.repertoire.features_2004`."""
    from .repertoire import features_2004 as make   # imported here: it imports this module

    return make(out_dir)


def neuron_types_2003(out_dir="figures"):
    """Izhikevich (2003) Fig. 2: the eight neuron types with the figure code's numerics.

    See :func:`izhic.repertoire.neuron_types_2003`."""
    from .repertoire import neuron_types_2003 as make

    return make(out_dir)


def cell_types_2007(out_dir="figures"):
    """Izhikevich (2007) ch. 8: the seven cell types of the 2007 form under their protocols.

    See :func:`izhic.figures_2007.cell_types_2007`."""
    from .figures_2007 import cell_types_2007 as make

    return make(out_dir)


def phase_plane_rs(out_dir="figures"):
    """Phase plane of an RS neuron at I = 10: nullclines, fixed points, trajectory, resets.

    Any preset and current: :func:`izhic.plotting.phase_plane` or
    ``examples/phase_plane.py``."""
    from .plotting import phase_plane

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = new_figure(figsize=(7.5, 6.0))
    phase_plane("RS", 10.0, ax=fig.add_subplot(1, 1, 1))
    path = out / "phase_plane_RS_10.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    return [path]


def network_2003(out_dir="figures"):
    """Izhikevich (2003) Fig. 3: 1000 coupled neurons (net.m), raster and population rate.

    Writes ``network_2003.png`` (raster of the 800 excitatory and 200
    inhibitory neurons over 1000 ms, and the population rate in 1 ms bins) and
    ``network_2003.json`` (``{"times": [...], "neurons": [...], "mean_rate_hz":
    ...}``); see :mod:`izhic.network` for the numerics."""
    import json

    from .network import network_2003 as run

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    net = run(1000.0, seed=0)
    fig = new_figure(figsize=(9.0, 6.5))
    ax1, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    exc = net.neurons < net.n_excitatory
    ax1.plot(net.times[exc], net.neurons[exc], ".", ms=1.2, color="tab:blue")
    ax1.plot(net.times[~exc], net.neurons[~exc], ".", ms=1.2, color="tab:red")
    ax1.set_ylim(0, net.n_neurons)
    ax1.set_ylabel("neuron (blue: excitatory, red: inhibitory)")
    ax1.set_title(f"Izhikevich (2003) network, net.m: {net.n_neurons} neurons, "
                  f"mean rate {net.mean_rate():.1f} Hz (izhic, 'izhikevich2003', dt 1 ms)")
    centres, rate = net.population_rate(1.0)
    ax2.plot(centres, rate, color="0.2", lw=0.8)
    ax2.set_xlabel("time (ms)")
    ax2.set_ylabel("rate (Hz)")
    ax2.set_xlim(0, net.duration)
    png, js = out / "network_2003.png", out / "network_2003.json"
    fig.savefig(png, dpi=120, bbox_inches="tight")
    js.write_text(json.dumps({"times": net.times.tolist(), "neurons": net.neurons.tolist(),
                              "mean_rate_hz": net.mean_rate(), "seed": net.seed,
                              "n_excitatory": net.n_excitatory,
                              "n_inhibitory": net.n_inhibitory}))
    return [png, js]


#: Reproducible figures by name: ``FIGURES[name](out_dir) -> list of paths``.
#: The first line of each function's docstring describes it (``izhic figure --list``).
FIGURES = {
    "rs_sweep": rs_sweep,
    "features_2004": features_2004,
    "neuron_types_2003": neuron_types_2003,
    "cell_types_2007": cell_types_2007,
    "network_2003": network_2003,
    "phase_plane": phase_plane_rs,
}
