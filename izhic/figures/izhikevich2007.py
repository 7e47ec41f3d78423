"""Izhikevich (2007), ch. 8: the cell types of the 2007 form under their published protocols.

Izhikevich E.M. (2007) *Dynamical Systems in Neuroscience*, MIT Press,
ch. 8, figures 8.12 (RS), 8.19 (IB), 8.23 (CH), 8.25 (LTS), 8.27 (FS), 8.31
(TC) and 8.32 (RTN). The models are :data:`izhic.models.PRESETS_2007`; the
protocols (:data:`izhic.protocols.PROTOCOLS_2007`: run length, step
amplitudes, when the step starts, the burst modes of TC and RTN) are data in
:mod:`izhic.protocols`. This module runs them (:func:`run_protocol_2007`) and
draws the figure (:func:`cell_types_2007`).

Numerics (every run)
--------------------
The book's scheme, ``izhic.simulate(..., method="euler", dt=0.25)``: forward
Euler, v and u both from the old state, reset at the end of the step::

    v <- v + tau (k (v - vr)(v - vt) - u + I(t_k)) / C
    u <- u + tau a (U(v) - u)             U(v) = b (v - vr) for RS, IB, CH
    if v >= v_peak(u):  v <- c(u),  u <- min(u + d, u_max)

with the special terms of LTS (peak 40 - 0.1 u, reset -53 + 0.04 u, u capped
at 670), FS (U(v) = 0.025 (v + 55)^3 for v >= -55, else 0; the reset changes
only v), TC (peak 35 + 0.1 u, reset -60 - 0.1 u, U(v) = b (v - vr) with b =
15 for v <= -65, else 0) and RTN (U(v) = b (v + 65), b = 10 for v <= -65,
else 2). The switch of b and U(v) use the old v; a u-dependent peak or reset
uses u after its update, before the jump by d. Initial state v0 = vr, u0 = 0;
tau = 0.25 ms; the current of step k is the protocol's current at ``t_k = k
tau``.

Spike times are izhic's: the end of the step whose update reached the peak,
``(k + 1) tau`` (the book's code draws the peak at the sample before, ``k
tau``). Traces show v at ``t = 0, tau, ...``; a sample that ends a spike
shows the peak the cell reached (``v_at_spike="peak"``): ``v_peak``, and for
LTS and TC, whose peak depends on u, the u-dependent cut-off ``v_peak + peak_u
u`` the step crossed (u after its update, before the jump by d), as the book's
figures draw it.

Examples
--------
>>> from izhic.figures.izhikevich2007 import run_protocol_2007
>>> run_protocol_2007("RS", 100.0, record=None).spike_times[0].tolist()[:3]
[100.75, 174.5, 250.75]
"""
from __future__ import annotations

import numpy as np

from ..plotting import new_figure, save_png
from ..protocols import METHOD_2007, PROTOCOLS_2007, TAU_2007
from ..simulate import simulate
from ._common import output_dir, rounded_times, spikes_text, write_json

__all__ = ["run_protocol_2007", "cell_types_2007", "CELL_TYPES_2007_OUTPUTS"]


def run_protocol_2007(protocol, amplitude, *, record=("v", "u"), v_at_spike="peak"):
    """One run of a protocol at one amplitude, with the book's numerics.

    Parameters
    ----------
    protocol : izhic.protocols.Protocol2007 or str
        A protocol or its key in :data:`izhic.protocols.PROTOCOLS_2007`.
    amplitude : float
        The step current (pA).
    record, v_at_spike
        Passed to :func:`izhic.simulate` (default: v and u at every step,
        spikes drawn to ``v_peak``).

    Returns
    -------
    SimulationResult
        ``method="euler"``, ``dt = 0.25`` ms, ``duration = T``, v0 = vr,
        u0 = 0.

    Examples
    --------
    >>> from izhic.figures.izhikevich2007 import run_protocol_2007
    >>> res = run_protocol_2007("RS", 100.0)
    >>> res.method, res.dt, res.spike_counts().tolist()
    ('euler', 0.25, [6])
    """
    if isinstance(protocol, str):
        if protocol not in PROTOCOLS_2007:
            raise ValueError(f"protocol: expected one of {', '.join(PROTOCOLS_2007)}, "
                             f"got {protocol!r}")
        protocol = PROTOCOLS_2007[protocol]
    return simulate(protocol.model(), protocol.waveform(amplitude), protocol.duration,
                    TAU_2007, METHOD_2007, record=record, v_at_spike=v_at_spike)


# ---------------------------------------------------------------- drawing ----

_TRACE_COLOR = (0.0, 0.0, 1.0)   # as the book's MATLAB figures
_INPUT_COLOR = (0.0, 0.5, 0.0)
#: Panel layout of the figure: rows of protocol keys.
_LAYOUT = (("RS", "IB", "CH"), ("LTS", "FS", "RTN"), ("TC", "TC_burst", "RTN_burst"))
CELL_TYPES_2007_OUTPUTS = ("cell_types_2007.png", "cell_types_2007.json")


def _input_levels(protocol, amplitude):
    """The current levels of one run, labelled on its own input axis: the
    amplitude, and for burst mode the hold before it (pA)."""
    return sorted({protocol.hold, amplitude}) if protocol.burst_mode else [amplitude]


def _draw_protocol(fig, spec, protocol, runs):
    """One panel: the traces for the protocol's amplitudes stacked, largest on
    top, each with its input drawn under it.

    Each input axis is labelled with its own run's levels (the step's
    amplitude; the hold too in burst mode), at their height on a scale shared
    by the panel; each trace carries its spike count. The artists have gids
    (``"v: RS 100 pA"``, ``"input: RS 100 pA"``, ``"count: RS 100 pA"``)."""
    n = len(runs)
    # per amplitude: v, its input, a gap (none after the last)
    grid = spec.subgridspec(3 * n - 1, 1, height_ratios=([4.0, 1.0, 0.6] * n)[:-1],
                            hspace=0.0)
    m = protocol.model()
    v_low = min(float(np.min(v)) for _, _, v in runs)
    v_high = max(float(np.max(v)) for _, _, v in runs)
    currents = [protocol.current(a, res.t) for a, res, _ in runs]
    i_low = min(0.0, min(float(c.min()) for c in currents))
    i_high = max(0.0, max(float(c.max()) for c in currents))
    pad = 0.12 * (i_high - i_low or 1.0)
    first = None
    for row, ((amplitude, res, v), cur) in enumerate(zip(runs[::-1], currents[::-1])):
        run_id = f"{protocol.key} {amplitude:g} pA"
        ax = fig.add_subplot(grid[3 * row], sharex=first, gid=f"v: {run_id}")
        first = first or ax
        ax.plot(res.t, v, color=_TRACE_COLOR, linewidth=0.7)
        # headroom above the highest peak for the label
        ax.set_ylim(v_low - 5.0, v_high + 0.3 * (v_high - v_low))
        ax.set_yticks([t for t in (-80, -40, 0, 40) if v_low <= t <= v_high])
        ax.tick_params(labelsize=7, length=2, labelbottom=False, bottom=False)
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.set_ylabel("mV", fontsize=7, labelpad=1)
        ax.text(0.995, 1.0, spikes_text(res.spike_times[0].size), transform=ax.transAxes,
                ha="right", va="top", fontsize=8, gid=f"count: {run_id}")
        axi = fig.add_subplot(grid[3 * row + 1], sharex=first, gid=f"input: {run_id}")
        axi.plot(res.t, cur, color=_INPUT_COLOR, linewidth=1.0, drawstyle="steps-post")
        axi.set_ylim(i_low - pad, i_high + pad)
        levels = _input_levels(protocol, amplitude)
        axi.set_yticks(levels, [f"{i:g} pA" for i in levels])
        # the current's axis on the right, in its colour: no clash with the mV ticks
        axi.yaxis.tick_right()
        axi.tick_params(axis="y", labelsize=7, length=3, colors=_INPUT_COLOR)
        axi.tick_params(axis="x", labelsize=7, length=2, labelbottom=row == n - 1)
        axi.spines[["top", "left"]].set_visible(False)
        axi.spines["right"].set_color(_INPUT_COLOR)
        if row == n - 1:
            axi.set_xlabel("time (ms)", fontsize=8, labelpad=1)
        if row == 0:
            start = (f"{protocol.hold:g} pA for {protocol.t_on:g} ms, then the step"
                     if protocol.burst_mode else f"from 0 pA, step at {protocol.t_on:g} ms")
            ax.set_title(f"{protocol.cell}: {protocol.name} (Fig. {protocol.figure})\n"
                         f"v0 = {float(m.vr):g} mV; {start}", fontsize=9.5, pad=4)
    first.set_xlim(0.0, protocol.duration)


def _figure(all_runs):
    fig = new_figure(figsize=(15.0, 17.0))
    outer = fig.add_gridspec(len(_LAYOUT), len(_LAYOUT[0]), left=0.045, right=0.96,
                             top=0.935, bottom=0.045, wspace=0.25, hspace=0.2)
    for r, keys in enumerate(_LAYOUT):
        for c, key in enumerate(keys):
            _draw_protocol(fig, outer[r, c], PROTOCOLS_2007[key], all_runs[key])
    fig.suptitle("Izhikevich (2007), ch. 8: the cell types under their published step "
                 "currents\nthe book's numerics: Euler, u from the old v, tau = 0.25 ms; "
                 "v0 = vr, u0 = 0", fontsize=12)
    fig.text(0.5, 0.012, "Blue: v (mV), spikes drawn to the peak (LTS: 40 - 0.1 u, "
             "TC: 35 + 0.1 u); green: the injected current, labelled (pA) at its own levels "
             "on the right, on one scale for all traces of a panel. Largest amplitude on top.",
             ha="center", fontsize=8.5, color="0.3")
    return fig


def cell_types_2007(out_dir="figures"):
    """Izhikevich (2007) ch. 8: the seven cell types of the 2007 form under their protocols.

    RS, IB, CH, LTS, FS, RTN and TC, and TC and RTN in burst mode
    (:data:`izhic.protocols.PROTOCOLS_2007`), with the book's numerics (see the module
    docstring: Euler, u from the old v, tau = 0.25 ms, v0 = vr, u0 = 0).

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.

    Returns
    -------
    list of pathlib.Path
        - ``cell_types_2007.png``: one panel per protocol, the traces of its
          amplitudes stacked (largest on top), the input (pA) drawn under
          each (labelled with its own levels), time in ms;
        - ``cell_types_2007.json``: ``{"RS": {"name": ..., "protocol":
          {...}, "runs": [{"current_pA": 60.0, "spike_times": [...]}, ...]},
          ...}``, keys as :data:`izhic.protocols.PROTOCOLS_2007` (``TC_burst``,
          ``RTN_burst`` for burst mode); spike times in ms, izhic's (the end
          of the step that reached the peak), rounded to 1e-6 ms.

    Notes
    -----
    Spike counts (RS 60/70/85/100 pA: 2, 3, 5, 6; IB 290/370/500/550: 0, 3,
    7, 9; CH 200/300/400/600: 4, 9, 12, 19; LTS 100/125/200/300: 1, 3, 8,
    19; FS 73.2/100/200/400: 2, 4, 7, 12; RTN 50/70/110: 3, 6, 10; TC
    50/100/150: 3, 10, 15; TC burst mode 0/50/100: 6, 10, 16; RTN burst mode
    30/50/90: 3, 6, 10). IB at 290 pA stays below its rheobase (about 350
    pA: the saddle-node of ``1.2 x^2 - 41 x + I = 0``, ``x = v + 75``).

    Examples
    --------
    Drawing the nine panels takes seconds, so the call is not run here:

    >>> import tempfile
    >>> from izhic.figures.izhikevich2007 import CELL_TYPES_2007_OUTPUTS, cell_types_2007
    >>> CELL_TYPES_2007_OUTPUTS
    ('cell_types_2007.png', 'cell_types_2007.json')
    >>> [p.name for p in cell_types_2007(tempfile.mkdtemp())]   # doctest: +SKIP
    ['cell_types_2007.png', 'cell_types_2007.json']
    """
    out_dir = output_dir(out_dir)
    all_runs, data = {}, {}
    for key, protocol in PROTOCOLS_2007.items():
        runs = []
        for amplitude in protocol.amplitudes:
            res = run_protocol_2007(protocol, amplitude)
            runs.append((amplitude, res, res.v[0]))
        all_runs[key] = runs
        data[key] = {"name": protocol.name, "protocol": protocol.as_dict(),
                     "runs": [{"current_pA": amplitude,
                               "spike_times": rounded_times(res.spike_times[0])}
                              for amplitude, res, _ in runs]}
    paths = [out_dir / name for name in CELL_TYPES_2007_OUTPUTS]
    save_png(_figure(all_runs), paths[0], dpi=100)
    write_json(paths[1], data)
    return paths
