"""The cell types of Izhikevich (2007), ch. 8, under their published protocols.

Izhikevich E.M. (2007) *Dynamical Systems in Neuroscience*, MIT Press,
ch. 8, figures 8.12 (RS), 8.19 (IB), 8.23 (CH), 8.25 (LTS), 8.27 (FS), 8.31
(TC) and 8.32 (RTN). The models are :data:`izhic.models.PRESETS_2007`; the
protocols (:data:`PROTOCOLS_2007`) are those of the public NEURON port of the
book's figures (ModelDB 39948, ``izhi2007Figs.py``): run length and step
amplitudes per cell type, and for TC and RTN a second, "burst mode" protocol
that holds the cell hyperpolarized for the first 120 ms.

When the step starts (our choice, documented here)
--------------------------------------------------
* tonic protocols: the current is 0 until ``t_on = 0.1 T`` and the amplitude
  from then on, as the book's own code (``I = [zeros(1, 0.1 n), A ones(1,
  0.9 n)]``): the cell rests at ``vr`` first, so the onset of firing is
  visible. (The NEURON port applies the amplitude from t = 0.)
* burst mode (TC, RTN): the hold current (-1200 pA, -350 pA) from t = 0 to
  ``t_on = 120`` ms, then the amplitude until the end, as the port (which
  runs 120 ms at the hold current, then switches). The port's burst-mode
  amplitudes differ from the tonic ones: TC 0/50/100 pA (650 ms), RTN
  30/50/90 pA over 720 ms.

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
shows the peak the cell reached: ``v_peak`` (``v_at_spike="peak"``), and for
LTS and TC, whose peak depends on u, the u-dependent peak ``v_peak + peak_u
u`` (u before the reset, recomputed from the previous sample), as the book's
figures draw it.

Examples
--------
>>> from izhic.figures_2007 import PROTOCOLS_2007, run_protocol_2007
>>> p = PROTOCOLS_2007["RS"]
>>> p.duration, p.amplitudes, p.t_on
(520.0, (60.0, 70.0, 85.0, 100.0), 52.0)
>>> run_protocol_2007(p, 100.0, record=None).spike_times[0].tolist()[:3]
[100.75, 174.5, 250.75]
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import inputs
from .models import PRESET_NAMES_2007, PRESETS_2007
from .simulate import simulate

__all__ = ["Protocol2007", "PROTOCOLS_2007", "TAU", "METHOD", "run_protocol_2007",
           "cell_types_2007", "CELL_TYPES_2007_OUTPUTS"]

#: The book's step (ms) and scheme.
TAU = 0.25
METHOD = "euler"
_JSON_DECIMALS = 6  # ms


@dataclass(frozen=True)
class Protocol2007:
    """One published protocol: a cell type and the step currents it is shown under.

    Attributes
    ----------
    key : str
        ``"RS"``, ..., ``"TC_burst"``, ``"RTN_burst"``.
    cell : str
        The cell type, a key of :data:`izhic.models.PRESETS_2007`.
    figure : str
        The book's figure, e.g. ``"8.12"``.
    duration : float
        Run length T (ms): ``T / tau`` steps from t = 0.
    amplitudes : tuple of float
        The step currents (pA), one run each.
    t_on : float
        When the step to the amplitude starts (ms).
    hold : float
        The current before ``t_on`` (pA): 0, or the burst mode's
        hyperpolarizing hold.
    """

    key: str
    cell: str
    figure: str
    duration: float
    amplitudes: tuple
    t_on: float
    hold: float = 0.0

    @property
    def burst_mode(self) -> bool:
        """True for the protocols that start from a hyperpolarizing hold."""
        return self.hold != 0.0

    @property
    def name(self) -> str:
        """The cell type's full name (and the mode, for burst mode)."""
        name = PRESET_NAMES_2007[self.cell]
        return f"{name}, burst mode" if self.burst_mode else name

    def model(self):
        """The cell's parameters, :data:`izhic.models.PRESETS_2007` ``[cell]``."""
        return PRESETS_2007[self.cell]

    def waveform(self, amplitude):
        """The input of the run at ``amplitude`` (pA), an :mod:`izhic.inputs` waveform."""
        step = inputs.step(self.t_on, amplitude)
        if not self.burst_mode:
            return step
        return inputs.pulse(0.0, self.t_on, self.hold) + step

    def current(self, amplitude, t):
        """The input (pA) at the times ``t`` (ms): ``hold`` before ``t_on``,
        ``amplitude`` from ``t_on`` on."""
        return self.waveform(amplitude).values(t)

    def as_dict(self):
        """The protocol as plain data (for the JSON file)."""
        return {"cell": self.cell, "figure": self.figure, "duration_ms": self.duration,
                "amplitudes_pA": list(self.amplitudes), "t_on_ms": self.t_on,
                "hold_pA": self.hold, "method": METHOD, "dt_ms": TAU,
                "v0_mV": float(self.model().vr), "u0_pA": 0.0,
                "spike_time": "end of the step whose update reached the peak, (k + 1) dt"}


def _tonic(cell, figure, duration, amplitudes):
    return Protocol2007(cell, cell, figure, float(duration), tuple(map(float, amplitudes)),
                        t_on=0.1 * duration)


def _burst(cell, figure, duration, amplitudes, hold, hold_ms=120.0):
    return Protocol2007(f"{cell}_burst", cell, figure, float(duration),
                        tuple(map(float, amplitudes)), t_on=hold_ms, hold=float(hold))


#: The published protocols (ModelDB 39948, the port of the book's figures),
#: in the order of the figure. Tonic protocols step from 0 to the amplitude at
#: 10 % of the run; burst modes hold at ``hold`` for 120 ms, then step.
PROTOCOLS_2007 = {p.key: p for p in (
    _tonic("RS", "8.12", 520, (60, 70, 85, 100)),
    _tonic("IB", "8.19", 600, (290, 370, 500, 550)),
    _tonic("CH", "8.23", 210, (200, 300, 400, 600)),
    _tonic("LTS", "8.25", 320, (100, 125, 200, 300)),
    _tonic("FS", "8.27", 100, (73.2, 100, 200, 400)),
    _tonic("RTN", "8.32", 650, (50, 70, 110)),
    _tonic("TC", "8.31", 650, (50, 100, 150)),
    _burst("TC", "8.31", 650, (0, 50, 100), hold=-1200.0),
    _burst("RTN", "8.32", 720, (30, 50, 90), hold=-350.0),
)}


def run_protocol_2007(protocol, amplitude, *, record=("v", "u"), v_at_spike="peak"):
    """One run of a protocol at one amplitude, with the book's numerics.

    Parameters
    ----------
    protocol : Protocol2007 or str
        A protocol or its key in :data:`PROTOCOLS_2007`.
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
    """
    if isinstance(protocol, str):
        if protocol not in PROTOCOLS_2007:
            raise ValueError(f"protocol: expected one of {', '.join(PROTOCOLS_2007)}, "
                             f"got {protocol!r}")
        protocol = PROTOCOLS_2007[protocol]
    return simulate(protocol.model(), protocol.waveform(amplitude), protocol.duration, TAU,
                    METHOD, record=record, v_at_spike=v_at_spike)


def _shown_trace(protocol, res):
    """The v trace as the book draws it: at a spike, the u-dependent peak (LTS, TC)."""
    v = np.array(res.v[0])
    m = protocol.model()
    if m.peak_u == 0.0:
        return v
    k = np.rint(np.asarray(res.spike_times[0]) / res.dt).astype(np.int64)  # spike samples
    vo, uo = v[k - 1], res.u[0, k - 1]  # the state before the step that spiked
    b = np.where(vo <= m.v_switch, m.b_low, m.b) if m.b_low is not None else m.b
    vu = m.vr if m.v_u is None else m.v_u
    u_pre = uo + res.dt * m.a * (b * (vo - vu)
                                 + m.cubic * np.maximum(vo - m.v_cubic, 0.0) ** 3 - uo)
    v[k] = m.v_peak + m.peak_u * u_pre
    return v


# ---------------------------------------------------------------- drawing ----

_TRACE_COLOR = (0.0, 0.0, 1.0)   # as the book's MATLAB figures
_INPUT_COLOR = (0.0, 0.5, 0.0)
#: Panel layout of the figure: rows of protocol keys.
_LAYOUT = (("RS", "IB", "CH"), ("LTS", "FS", "RTN"), ("TC", "TC_burst", "RTN_burst"))
CELL_TYPES_2007_OUTPUTS = ("cell_types_2007.png", "cell_types_2007.json")


def _spikes(n):
    return f"{n} spike{'' if n == 1 else 's'}"


def _draw_protocol(fig, spec, protocol, runs):
    """One panel: the traces for the protocol's amplitudes stacked, largest on
    top, each with its input drawn under it."""
    n = len(runs)
    # per amplitude: v, its input, a gap (none after the last)
    grid = spec.subgridspec(3 * n - 1, 1, height_ratios=([4.0, 1.0, 0.35] * n)[:-1],
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
        ax = fig.add_subplot(grid[3 * row], sharex=first)
        first = first or ax
        ax.plot(res.t, v, color=_TRACE_COLOR, linewidth=0.7)
        # headroom above the highest peak for the label
        ax.set_ylim(v_low - 5.0, v_high + 0.3 * (v_high - v_low))
        ax.set_yticks([t for t in (-80, -40, 0, 40) if v_low <= t <= v_high])
        ax.tick_params(labelsize=7, length=2, labelbottom=False, bottom=False)
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.set_ylabel("mV", fontsize=7, labelpad=1)
        label = (f"{protocol.hold:g} \u2192 {amplitude:g} pA" if protocol.burst_mode
                 else f"{amplitude:g} pA")
        ax.text(0.995, 1.0, f"{label}: {_spikes(res.spike_times[0].size)}",
                transform=ax.transAxes, ha="right", va="top", fontsize=8)
        axi = fig.add_subplot(grid[3 * row + 1], sharex=first)
        axi.plot(res.t, cur, color=_INPUT_COLOR, linewidth=1.0, drawstyle="steps-post")
        axi.set_ylim(i_low - pad, i_high + pad)
        ticks = sorted({i_low, i_high})
        axi.set_yticks(ticks, [f"{i:g} pA" for i in ticks])
        # the current's axis on the right, in its colour: no clash with the mV ticks
        axi.yaxis.tick_right()
        axi.tick_params(axis="y", labelsize=6.5, length=2, colors=_INPUT_COLOR)
        axi.tick_params(axis="x", labelsize=7, length=2, labelbottom=row == n - 1)
        axi.spines[["top", "left"]].set_visible(False)
        axi.spines["right"].set_color(_INPUT_COLOR)
        if row == n - 1:
            axi.set_xlabel("time (ms)", fontsize=8, labelpad=1)
        if row == 0:
            start = (f"{protocol.hold:g} pA for {protocol.t_on:g} ms, then the step"
                     if protocol.burst_mode else f"step at {protocol.t_on:g} ms")
            ax.set_title(f"{protocol.cell}: {protocol.name} (Fig. {protocol.figure})\n"
                         f"v0 = {float(m.vr):g} mV; {start}", fontsize=9.5, pad=4)
    first.set_xlim(0.0, protocol.duration)


def _figure(all_runs, path):
    from .figures import new_figure

    fig = new_figure(figsize=(15.0, 17.0))
    outer = fig.add_gridspec(len(_LAYOUT), len(_LAYOUT[0]), left=0.045, right=0.965,
                             top=0.935, bottom=0.045, wspace=0.25, hspace=0.2)
    for r, keys in enumerate(_LAYOUT):
        for c, key in enumerate(keys):
            _draw_protocol(fig, outer[r, c], PROTOCOLS_2007[key], all_runs[key])
    fig.suptitle("Izhikevich (2007), ch. 8: the cell types under their published step "
                 "currents\nthe book's numerics: Euler, u from the old v, tau = 0.25 ms; "
                 "v0 = vr, u0 = 0", fontsize=12)
    fig.text(0.5, 0.012, "Blue: v (mV), spikes drawn to the peak (LTS: 40 - 0.1 u, "
             "TC: 35 + 0.1 u); green: the injected current (pA), the same scale for all "
             "traces of a panel. Largest amplitude on top.", ha="center", fontsize=8.5,
             color="0.3")
    fig.savefig(path, dpi=100)


def _times(values):
    return [round(float(t), _JSON_DECIMALS) for t in values]


def cell_types_2007(out_dir="figures"):
    """Izhikevich (2007) ch. 8: the seven cell types under their published protocols.

    RS, IB, CH, LTS, FS, RTN and TC, and TC and RTN in burst mode
    (:data:`PROTOCOLS_2007`), with the book's numerics (see the module
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
          each, time in ms;
        - ``cell_types_2007.json``: ``{"RS": {"name": ..., "protocol":
          {...}, "runs": [{"current_pA": 60.0, "spike_times": [...]}, ...]},
          ...}``, keys as :data:`PROTOCOLS_2007` (``TC_burst``,
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
    """
    out_dir = Path(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    all_runs, data = {}, {}
    for key, protocol in PROTOCOLS_2007.items():
        runs = []
        for amplitude in protocol.amplitudes:
            res = run_protocol_2007(protocol, amplitude)
            runs.append((amplitude, res, _shown_trace(protocol, res)))
        all_runs[key] = runs
        data[key] = {"name": protocol.name, "protocol": protocol.as_dict(),
                     "runs": [{"current_pA": amplitude,
                               "spike_times": _times(res.spike_times[0])}
                              for amplitude, res, _ in runs]}
    paths = [out_dir / name for name in CELL_TYPES_2007_OUTPUTS]
    _figure(all_runs, paths[0])
    with open(paths[1], "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    return paths
