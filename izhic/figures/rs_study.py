"""The original RS study's two figures: v traces and spike rate against current.

The study izhic grew from (*neuron-simulation-izhikevich*, A. Vera and A.
Minai): one Regular Spiking neuron of Izhikevich (2003), a = 0.02, b = 0.2,
c = -65, d = 8, peak 30 mV, a fresh neuron per constant current, started at
v0 = -65 mV, u0 = b v0, for 1000 ms, with the study's exact numerics
(:data:`PUBLISHED`: ``method="izhikevich2004"``, Euler with dt = 0.25 ms, v
first, then u from the new v, reset at the end of the step); rate = spikes
with 200 <= t <= 1000 ms divided by 0.8 s. The rate figure adds an accurate
curve (:data:`ACCURATE`: ``method="rk4"``, dt = 0.01 ms). The current is in
the 2003 model's own (dimensionless) units, as in the study.

Examples
--------
>>> from izhic.figures.rs_study import ACCURATE, PUBLISHED, sweep
>>> counts, rates = sweep(PUBLISHED)         # I = 0, 1, ..., 40
>>> counts[:5].tolist(), int(counts[10]), float(rates[40])
([0, 0, 0, 0, 5], 18, 83.75)
>>> float(sweep(ACCURATE)[1][40])
87.5
"""
from __future__ import annotations

import csv

import numpy as np

from ..plotting import new_figure, save_png
from ..simulate import simulate
from ._common import output_dir

__all__ = ["rs_sweep", "sweep", "PUBLISHED", "ACCURATE", "CURRENTS", "TRACE_CURRENTS",
           "CURRENT_UNIT", "RS_SWEEP_OUTPUTS"]

_MODEL = "RS"
_DURATION = 1000.0  # ms
_V0 = -65.0  # mV; u0 defaults to b * v0 = -13
#: The currents of the rate curve (model units): I = 0, 1, ..., 40.
CURRENTS = np.arange(0.0, 41.0)
#: The currents of the five v traces (model units).
TRACE_CURRENTS = (1.0, 10.0, 20.0, 30.0, 40.0)
_WINDOW = (200.0, 1000.0)  # ms, both ends included
#: The original study's numerics.
PUBLISHED = {"method": "izhikevich2004", "dt": 0.25}
#: The accurate reference of the rate figure.
ACCURATE = {"method": "rk4", "dt": 0.01}
#: The 2003 model's current has no physical unit: the study's "I = 10".
CURRENT_UNIT = "model units"
RS_SWEEP_OUTPUTS = ("membrane_potential.png", "spike_rate_vs_current.png",
                    "spike_rate_vs_current.csv")


def _label(numerics):
    return f"{numerics['method']}, dt = {numerics['dt']:g} ms"


def sweep(numerics):
    """Spike counts in [200, 1000] ms and rates (Hz) over :data:`CURRENTS`.

    One :func:`izhic.simulate` call: the 41 currents are 41 independent
    neurons, from v0 = -65 mV, u0 = b v0, with ``numerics`` (a dict of
    ``method`` and ``dt``, e.g. :data:`PUBLISHED`). -> ``(counts, rates)``.

    Parameters
    ----------
    numerics : dict
        ``{"method": ..., "dt": ...}`` passed to :func:`izhic.simulate`.

    Returns
    -------
    counts : numpy.ndarray of int64
        Spikes in [200, 1000] ms at each current.
    rates : numpy.ndarray
        The rates (Hz) over that window.

    Examples
    --------
    >>> from izhic.figures.rs_study import PUBLISHED, sweep
    >>> counts, rates = sweep(PUBLISHED)
    >>> int(counts[10]), float(rates[10])
    (18, 22.5)
    """
    res = simulate(_MODEL, current=CURRENTS, duration=_DURATION, v0=_V0, **numerics)
    return res.spike_counts(*_WINDOW), res.rates(*_WINDOW)


def _membrane_potential_figure(res, currents):
    n = len(currents)
    fig = new_figure(figsize=(10, 2.1 * n + 0.8))
    axes = fig.subplots(n, 1, sharex=True, sharey=True)
    for ax, current, v in zip(axes, currents, res.v):
        ax.plot(res.t, v, color="tab:blue", linewidth=0.8)
        ax.axhline(30.0, color="0.5", linestyle=":", linewidth=0.8)
        ax.set_title(f"Membrane Potential for I = {current:g} ({CURRENT_UNIT})", fontsize=11)
        ax.set_ylabel("v (mV)")
        ax.grid(True, alpha=0.3)
    axes[0].set_xlim(0.0, _DURATION)
    axes[0].set_ylim(-90.0, 130.0)
    axes[0].text(0.995, 30.0, "v_peak = 30 mV ", transform=axes[0].get_yaxis_transform(),
                 ha="right", va="bottom", fontsize=8, color="0.4")
    axes[-1].set_xlabel("Time (ms)")
    fig.suptitle(f"RS neuron (a=0.02, b=0.2, c=-65, d=8), {_label(PUBLISHED)}, "
                 f"v0 = {_V0:g} mV, u0 = b v0; v not clipped at spikes", fontsize=10)
    fig.tight_layout()
    return fig


def _rates_figure(currents, rate_published, rate_accurate):
    fig = new_figure(figsize=(8, 5.5))
    ax = fig.subplots()
    published, = ax.plot(currents, rate_published, marker="o", markersize=5, linestyle="-",
                         color="tab:blue", zorder=3,
                         label=f"published numerics: {_label(PUBLISHED)}")
    accurate, = ax.plot(currents, rate_accurate, marker="s", markersize=6, linestyle="--",
                        color="tab:orange", markerfacecolor="none", markeredgewidth=1.2,
                        zorder=2, label=f"accurate reference: {_label(ACCURATE)}")
    fig.suptitle("Spike Rate vs Input Current", fontsize=13)
    ax.set_title("RS neuron, v0 = -65 mV, u0 = b v0; rate = spikes with "
                 "200 <= t <= 1000 ms / 0.8 s", fontsize=9, color="0.3")
    ax.set_xlabel(f"Input current I ({CURRENT_UNIT})")
    ax.set_ylabel("Spike rate (Hz)")
    ax.set_xlim(-1, currents[-1] + 1)
    ax.set_ylim(bottom=-2)
    ax.grid(True, alpha=0.4)
    ax.legend(handles=[published, accurate], loc="upper left")
    fig.tight_layout()
    return fig


def _write_csv(path, currents, published, accurate):
    (count_pub, rate_pub), (count_acc, rate_acc) = published, accurate
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["current", "count_izhikevich2004", "rate_hz_izhikevich2004",
                         "count_accurate", "rate_hz_accurate"])
        for current, cp, rp, ca, ra in zip(currents, count_pub, rate_pub, count_acc, rate_acc):
            writer.writerow([f"{current:g}", int(cp), f"{rp:g}", int(ca), f"{ra:g}"])


def rs_sweep(out_dir="figures"):
    """The original RS project's two figures: v traces and spike rate vs current.

    See the module docstring for the model and the numerics. Each curve is one
    :func:`izhic.simulate` call over the 41 currents I = 0, 1, ..., 40.

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.

    Returns
    -------
    list of pathlib.Path
        ``out_dir / name`` for the files written, in this order:

        - ``membrane_potential.png``: five stacked panels "Membrane Potential
          for I = 1/10/20/30/40 (model units)", 0-1000 ms;
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

    Examples
    --------
    The run takes about a second, so it is not run here:

    >>> import tempfile
    >>> from izhic.figures.rs_study import RS_SWEEP_OUTPUTS, rs_sweep
    >>> RS_SWEEP_OUTPUTS[0]
    'membrane_potential.png'
    >>> [p.name for p in rs_sweep(tempfile.mkdtemp())][1]   # doctest: +SKIP
    'spike_rate_vs_current.png'
    """
    out = output_dir(out_dir)
    traces = simulate(_MODEL, current=np.asarray(TRACE_CURRENTS), duration=_DURATION,
                      v0=_V0, record="v", v_at_spike="overshoot", **PUBLISHED)
    published = sweep(PUBLISHED)
    accurate = sweep(ACCURATE)

    paths = [out / name for name in RS_SWEEP_OUTPUTS]
    save_png(_membrane_potential_figure(traces, TRACE_CURRENTS), paths[0], dpi=120)
    save_png(_rates_figure(CURRENTS, published[1], accurate[1]), paths[1], dpi=120)
    _write_csv(paths[2], CURRENTS, published, accurate)
    return paths
