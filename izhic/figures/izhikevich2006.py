"""Izhikevich (2006), "Polychronization: computation with spikes": spnet.

:func:`polychronization_2006` runs the network (:func:`izhic.network.polychronization_2006`,
spnet exactly) and draws what the paper's simulation shows over time: the
excitatory weights going from all 6 to a bimodal distribution (near 0 and near
the cap 10), the firing rate of each second, rasters of the first and the
last second, and the spectrum of the population rate at the end.

Examples
--------
>>> from izhic.figures.izhikevich2006 import polychronization_2006_figure
>>> from izhic.network import polychronization_2006 as run
>>> fig = polychronization_2006_figure(run(2000.0, seed=1))
>>> len(fig.axes)
5
"""
from __future__ import annotations

import numpy as np

from ..network import polychronization_2006 as run_network
from ..plotting import new_figure, save_png
from ._common import output_dir, write_json

__all__ = ["polychronization_2006", "polychronization_2006_figure", "summary"]

#: Default model time of ``izhic figure polychronization_2006``: 10 minutes.
FIGURE_DURATION = 600_000.0
OUTPUTS = ("polychronization_2006.png", "polychronization_2006.json")


def _minutes(ms):
    s = ms / 1000.0
    if s < 60:
        return f"{s:g} s"
    if s < 3600:
        return f"{s / 60:g} min"
    return f"{s / 3600:g} h"


def _band_fractions(freq, power):
    """Fractions of the 1-100 Hz power in delta (1-4), theta-alpha (4-13),
    beta (13-30) and gamma (30-100 Hz)."""
    sel = (freq >= 1.0) & (freq <= 100.0)
    total = power[sel].sum()
    bands = {"delta_1_4": (1, 4), "theta_alpha_4_13": (4, 13), "beta_13_30": (13, 30),
             "gamma_30_100": (30, 100)}
    return {k: float(power[(freq >= lo) & (freq < hi)].sum() / total) if total > 0 else 0.0
            for k, (lo, hi) in bands.items()}


def summary(net):
    """What the figure states, as a dict (also the JSON file's content).

    Parameters
    ----------
    net : Polychronization2006
        What :func:`izhic.network.polychronization_2006` returned.

    Returns
    -------
    dict
        Seed, duration, weight fractions and histograms, the rates of the
        first second and of the last 10 s, the spikes per second and (with at
        least 256 ms of population counts) the spectrum's bands and peak.

    Examples
    --------
    >>> from izhic.network import polychronization_2006
    >>> from izhic.figures.izhikevich2006 import summary
    >>> s = summary(polychronization_2006(1000.0, seed=1))
    >>> s["duration_ms"], s["weights_final"]["between"]
    (1000.0, 1.0)
    """
    seconds, re, ri = net.rates()
    out = {"seed": net.seed, "duration_ms": net.duration, "complete": net.complete,
           "wall_s": net.wall_s,
           "weights_final": net.weight_fractions(),
           "rate_first_second_hz": {"excitatory": float(re[0]) if re.size else None,
                                    "inhibitory": float(ri[0]) if ri.size else None},
           "rate_last_10_s_hz": {"excitatory": float(re[-10:].mean()) if re.size else None,
                                 "inhibitory": float(ri[-10:].mean()) if ri.size else None},
           "weight_times_ms": [float(t) for t in net.weight_times],
           "weight_histograms": net.weight_histograms.tolist(),
           "weight_edges": net.weight_edges.tolist(),
           "spikes_per_second": net.spikes_per_second.tolist()}
    if net.tail_counts.size >= 256:
        freq, power = net.spectrum()
        out["spectrum_end"] = _band_fractions(freq, power)
        sel = freq >= 1.0
        out["spectrum_peak_hz"] = float(freq[sel][np.argmax(power[sel])])
    return out


def polychronization_2006_figure(net):
    """The figure of a :class:`izhic.network.Polychronization2006` (a
    :class:`matplotlib.figure.Figure`, not managed by pyplot): (a) the
    excitatory weight distribution at each of ``net.weight_times``, (b) the
    rate of each second, (c, d) rasters of the first and the last second,
    (e) the population rate's spectrum over the last <= 10 s.

    Parameters
    ----------
    net : Polychronization2006
        What :func:`izhic.network.polychronization_2006` returned.

    Returns
    -------
    matplotlib.figure.Figure
        Five axes, (a) to (e).

    Examples
    --------
    Drawing takes about two seconds, so it is not run here:

    >>> from izhic.network import polychronization_2006
    >>> from izhic.figures.izhikevich2006 import polychronization_2006_figure
    >>> fig = polychronization_2006_figure(polychronization_2006(1000.0))  # doctest: +SKIP
    >>> len(fig.axes)                                                     # doctest: +SKIP
    5
    """
    fig = new_figure(figsize=(11.0, 10.0))
    grid = fig.add_gridspec(3, 2, height_ratios=[1.0, 1.2, 0.9])
    ax_w = fig.add_subplot(grid[0, 0])
    ax_r = fig.add_subplot(grid[0, 1])
    ax_first = fig.add_subplot(grid[1, 0])
    ax_last = fig.add_subplot(grid[1, 1], sharey=ax_first)
    ax_s = fig.add_subplot(grid[2, :])

    edges = net.weight_edges
    centres = 0.5 * (edges[1:] + edges[:-1])
    colors = ["0.6", "tab:orange", "tab:green", "tab:blue", "tab:purple", "tab:brown"]
    n_exc = max(int(net.weight_histograms[0].sum()) if len(net.weight_histograms) else 1, 1)
    for j, (t, h) in enumerate(zip(net.weight_times, net.weight_histograms)):
        frac = h / n_exc
        ax_w.step(centres, np.maximum(frac, 1e-6), where="mid",
                  color=colors[j % len(colors)], lw=1.4, label=f"t = {_minutes(t)}")
    ax_w.set_yscale("log")
    ax_w.set_ylim(1e-5, 1.5)
    ax_w.set_xlim(edges[0], edges[-1])
    ax_w.set_xlabel("excitatory weight (mV of input per spike, cap 10)")
    ax_w.set_ylabel("fraction of synapses (bins 0.2)")
    ax_w.set_title("(a) excitatory weights over time", fontsize=10, loc="left")
    ax_w.legend(fontsize=8, loc="lower left")

    seconds, re, ri = net.rates()
    ax_r.plot(seconds, re, color="tab:blue", lw=0.8, label="excitatory")
    ax_r.plot(seconds, ri, color="tab:red", lw=0.8, label="inhibitory")
    ax_r.set_xlabel("model time (s)")
    ax_r.set_ylabel("rate in each second (Hz)")
    if seconds.size > 100:
        ax_r.set_xscale("log")
    ax_r.set_title("(b) firing rate per second", fontsize=10, loc="left")
    ax_r.legend(fontsize=8)

    for ax, (t, i), label, start in [
            (ax_first, net.first_second, "(c) the first second", 0.0),
            (ax_last, net.last_second, "(d) the last second", max(net.duration - 1000.0, 0))]:
        exc = i < net.n_excitatory
        ax.plot(t[exc] - start, i[exc], ".", ms=1.0, color="tab:blue")
        ax.plot(t[~exc] - start, i[~exc], ".", ms=1.0, color="tab:red")
        ax.set_xlim(0, 1000)
        ax.set_ylim(0, net.n_neurons)
        ax.set_xlabel(f"time from t = {start / 1000:g} s (ms)")
        ax.set_title(f"{label}: {t.size} spikes", fontsize=10, loc="left")
    ax_first.set_ylabel("neuron (blue: excitatory, red: inhibitory)")

    if net.tail_counts.size >= 256:
        freq, power = net.spectrum()
        sel = (freq >= 1.0) & (freq <= 200.0)
        ax_s.semilogy(freq[sel], power[sel], color="0.2", lw=1.0)
        bands = _band_fractions(freq, power)
        ax_s.set_title(f"(e) spectrum of the population rate, last "
                       f"{net.tail_counts.size / 1000:g} s: "
                       f"delta {bands['delta_1_4']:.0%}, gamma (30-100 Hz) "
                       f"{bands['gamma_30_100']:.0%} of the 1-100 Hz power",
                       fontsize=10, loc="left")
    ax_s.set_xlabel("frequency (Hz)")
    ax_s.set_ylabel("power (spikes^2 / Hz)")
    f = net.weight_fractions()
    fig.suptitle(f"Izhikevich (2006), polychronization (spnet), seed {net.seed}: "
                 f"{_minutes(net.duration)} of model time"
                 f"{'' if net.complete else ' (interrupted)'}\n"
                 f"final excitatory weights: {f['below']:.0%} below 0.5, {f['between']:.0%} "
                 f"between, {f['above']:.0%} above 9.5; izhic, 'izhikevich2003', dt = 1 ms",
                 fontsize=11)
    fig.tight_layout()
    return fig


def polychronization_2006(out_dir="figures", duration=FIGURE_DURATION, seed=1, **kwargs):
    """Izhikevich (2006): spnet's weights, rates, rasters and rhythm over 10 minutes.

    Writes ``polychronization_2006.png`` (see
    :func:`polychronization_2006_figure`) and ``polychronization_2006.json``
    (:func:`summary`: weight fractions and histograms, rates, the spectrum's
    bands). ``duration`` in ms (default 10 minutes, ~4 s of wall time);
    other keywords go to :func:`izhic.network.polychronization_2006`.

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.
    duration : float, default 600000
        Model time (ms, whole seconds).
    seed : int, default 1
        Seed of the network and its input.
    **kwargs
        Passed to :func:`izhic.network.polychronization_2006`.

    Returns
    -------
    list of pathlib.Path
        ``[out_dir / "polychronization_2006.png", out_dir / "polychronization_2006.json"]``.

    Examples
    --------
    A run of ten minutes takes seconds, so the call is not run here:

    >>> import tempfile
    >>> from izhic.figures.izhikevich2006 import OUTPUTS, polychronization_2006
    >>> OUTPUTS
    ('polychronization_2006.png', 'polychronization_2006.json')
    >>> [p.name for p in polychronization_2006(tempfile.mkdtemp(), 2000.0)]  # doctest: +SKIP
    ['polychronization_2006.png', 'polychronization_2006.json']
    """
    out = output_dir(out_dir)
    net = run_network(duration, seed=seed, **kwargs)
    png, js = (out / name for name in OUTPUTS)
    fig = polychronization_2006_figure(net)
    save_png(fig, png, dpi=110)
    write_json(js, summary(net))
    return [png, js]
