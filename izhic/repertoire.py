"""Izhikevich's repertoire figures: 2004 Fig. 1 (twenty features) and 2003 Fig. 2.

The protocols (parameters, initial state, step, input) are data in
:mod:`izhic.protocols`; this module runs them with izhic and draws the
figures. The published numerics are the figure code's Euler scheme,
``method="izhikevich2004"`` with the panel's own step ``tau``::

    at each sample t_k = k tau (k = 0 .. T/tau):
        V <- V + tau (0.04 V^2 + 5 V + 140 - u + I(t_k))
        u <- u + tau a (b V - u)           (u from the new V)
        if V > 30: spike; V <- c, u <- u + d

Two conventions differ between izhic and the figure code, and are converted
here:

* time of a spike: izhic reports the end of the step, ``t_k + tau``; the figure
  code records (and plots 30 mV at) the sample ``t_k`` whose update crossed
  30 mV. :func:`run_protocol` returns the figure code's ``t_k``;
* the trace: the figure code plots at ``t_k`` the state *after* the update of
  sample ``t_k`` (``VV(k)``), i.e. izhic's sample ``t_k + tau``;
  :meth:`PanelRun.trace` returns it that way.

izhic tests ``v >= 30`` where the code tests ``V > 30``; no sample of any
panel or trace lands on 30 exactly (``tests/test_repertoire.py`` checks it), so
the two agree: every spike time equals the figure code's, bit for bit.

Figures: :func:`features_2004` and :func:`neuron_types_2003`. Each takes an
output directory, writes PNG + JSON files there and returns their paths.
Matplotlib is imported only inside them (no pyplot: no window, no backend
change).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .protocols import FEATURES_2004, NEURON_TYPES_2003, Protocol
from .result import SimulationResult
from .simulate import GRID_METHODS, simulate

__all__ = ["PanelRun", "run_protocol", "run_panel", "compare_accurate", "features_2004",
           "neuron_types_2003", "accurate_run", "PUBLISHED", "ACCURATE",
           "SHIFT_TOLERANCE", "MAX_ACCURATE_SPIKES"]

#: The published numerics: the figure code's scheme, at each panel's own tau.
PUBLISHED = {"method": "izhikevich2004", "dt": None}
#: The accurate reference: RK4 locating each crossing inside the step, 0.01 ms.
ACCURATE = {"method": "rk4", "dt": 0.01}
#: A panel "differs visibly" if its spike count differs or a spike moves more
#: than this (ms) between the published numerics and the accurate reference.
SHIFT_TOLERANCE = 1.0
#: An accurate run that would fire more than this is stopped (a runaway: panel T).
MAX_ACCURATE_SPIKES = 1000
_RUNAWAY_STEP = 10.0  # ms: granularity of the stop of a runaway accurate run

# MATLAB R13's first two line colours, as in the published figures
_TRACE_COLOR = (0.0, 0.0, 1.0)
_INPUT_COLOR = (0.0, 0.5, 0.0)
_ACCURATE_COLOR = (0.85, 0.33, 0.1)
_JSON_DECIMALS = 6   # ms; the figure code's times are multiples of 0.1 ms or coarser


class PanelRun(NamedTuple):
    """One protocol run: ``(result, current, spike_times)``.

    Attributes
    ----------
    result : SimulationResult
        The izhic run, v recorded at every step (``result.v[0]``; at a spike
        the sample shows 30 mV unless another ``v_at_spike`` was asked for).
    current : ndarray
        The input at ``result.t``: ``current[k]`` drives the step from
        ``t_k`` to ``t_k + dt``.
    spike_times : ndarray
        Grid methods: the figure code's convention, the sample ``t_k`` whose
        update crossed 30 mV (izhic's time minus ``dt``, computed as
        ``k * dt``). ``"rk4"``: the located crossing times.
    """

    result: SimulationResult
    current: np.ndarray
    spike_times: np.ndarray

    def trace(self):
        """``(t, v)`` as the figure code plots it.

        Grid methods: ``v`` after the update of sample ``t_k``, at ``t_k``
        (``t_k = k dt = 0 .. T``, computed as the product, as the figure
        code). ``"rk4"``: the state at ``t`` (as recorded).
        """
        res = self.result
        if res.method in GRID_METHODS:
            return np.arange(res.t.size - 1) * res.dt, res.v[0, 1:]
        return res.t, res.v[0]


def run_protocol(protocol: Protocol, method="izhikevich2004", dt=None, *,
                 v_at_spike="peak", t_stop=None) -> PanelRun:
    """Run one protocol of :mod:`izhic.protocols`.

    Parameters
    ----------
    protocol : Protocol
        E.g. ``FEATURES_2004["K"]`` or ``NEURON_TYPES_2003["RS"]``.
    method : str, default "izhikevich2004"
        Any :func:`izhic.simulate` method; the default is the figure code's.
    dt : float, optional
        Step in ms (default: the protocol's ``tau``).
    v_at_spike : {"peak", "overshoot", "reset"}
        What the v trace shows at a spike (default: 30 mV, as the figure code).
    t_stop : float, optional
        Last sample (ms) to advance, a multiple of ``dt``; default the
        protocol's ``T``.

    Returns
    -------
    PanelRun
        ``(result, current, spike_times)``, spike times in the figure code's
        convention for grid methods (see :class:`PanelRun`).

    Notes
    -----
    The run lasts ``T + dt``: the figure code advances every sample
    ``t_k = k dt`` for ``k = 0 .. T/dt``, the last one included.
    """
    dt = protocol.tau if dt is None else float(dt)
    t_stop = protocol.duration if t_stop is None else float(t_stop)
    duration = round(t_stop / dt) * dt + dt
    res = simulate(protocol.model(), current=protocol.waveform(), duration=duration, dt=dt,
                   method=method, v0=protocol.v0, u0=protocol.u_init, record="v",
                   v_at_spike=v_at_spike)
    times = np.asarray(res.spike_times[0])
    if method in GRID_METHODS:
        times = (np.rint(times / dt) - 1.0) * dt   # t_k = k dt of the crossing update
    # the input as the kernel sampled it: at t_k = k dt (the product)
    return PanelRun(res, protocol.current(np.arange(res.t.size) * dt), times)


def run_panel(letter, method="izhikevich2004", dt=None, *, v_at_spike="peak",
              t_stop=None) -> PanelRun:
    """Run panel ``letter`` (``"A"`` .. ``"T"``) of Izhikevich (2004), Fig. 1.

    Same as ``run_protocol(FEATURES_2004[letter], method, dt, ...)``; with
    the defaults, the figure code's numerics at the panel's step.

    >>> from izhic.repertoire import run_panel
    >>> run_panel("A").spike_times.tolist()
    [13.0, 17.0, 31.5, 59.25, 86.75]
    """
    if not isinstance(letter, str) or letter.upper() not in FEATURES_2004:
        raise ValueError(f"letter: expected one of {', '.join(FEATURES_2004)}, got {letter!r}")
    return run_protocol(FEATURES_2004[letter.upper()], method, dt, v_at_spike=v_at_spike,
                        t_stop=t_stop)


def accurate_run(letter):
    """Panel ``letter`` with the accurate reference numerics (:data:`ACCURATE`).

    Returns ``(run, stopped_at)``: the :class:`PanelRun` and None, or, for a
    panel whose accurate solution runs away (panel T: every spike lowers u by
    2, a < 0 makes u unstable, and the firing rate grows without bound until
    the run fails near 324 ms), the run up to the last multiple of 10 ms
    with at most :data:`MAX_ACCURATE_SPIKES` spikes, and that time (ms).
    """
    protocol = FEATURES_2004[letter]
    try:
        run = run_panel(letter, **ACCURATE)
    except ValueError as exc:
        if "crossed v_peak" not in str(exc):
            raise
        run = None
    if run is not None and run.spike_times.size <= MAX_ACCURATE_SPIKES:
        return run, None
    last = None
    for i in range(1, int(protocol.duration // _RUNAWAY_STEP) + 1):
        stop = i * _RUNAWAY_STEP
        try:
            run = run_panel(letter, t_stop=stop, **ACCURATE)
        except ValueError as exc:
            if "crossed v_peak" not in str(exc):
                raise
            break
        if run.spike_times.size > MAX_ACCURATE_SPIKES:
            break
        last = (run, stop)
    if last is None:
        raise RuntimeError(f"panel {letter}: the accurate run exceeds {MAX_ACCURATE_SPIKES} "
                           f"spikes within {_RUNAWAY_STEP:g} ms")
    return last


def _times(values):
    return [round(float(t), _JSON_DECIMALS) for t in values]


def compare_accurate(published: PanelRun, accurate: PanelRun):
    """How far the published numerics are from the accurate reference.

    Published times are the figure code's ``t_k``, accurate ones the located
    crossings. Returns a dict:

    - ``count_published``, ``count_accurate``: spike counts;
    - ``first_spike_shift_ms``: accurate minus published time of the first
      spike (None unless both fire);
    - ``max_shift_ms``: with equal counts, accurate minus published time of the
      spike (paired in order) that moved most, signed (negative: the accurate
      spike comes earlier); None when the counts differ or nothing fires;
    - ``differs_visibly``: the counts differ, or a spike moved by more than
      :data:`SHIFT_TOLERANCE` ms.
    """
    tp, ta = published.spike_times, accurate.spike_times
    first = round(float(ta[0] - tp[0]), 3) if tp.size and ta.size else None
    shift = None
    if tp.size == ta.size and tp.size:
        diff = ta - tp
        shift = round(float(diff[np.argmax(np.abs(diff))]), 3)
    differs = tp.size != ta.size or (shift is not None and abs(shift) > SHIFT_TOLERANCE)
    return {"count_published": int(tp.size), "count_accurate": int(ta.size),
            "first_spike_shift_ms": first, "max_shift_ms": shift,
            "differs_visibly": bool(differs)}


# ----------------------------------------------------------------- drawing ----

def _input_line(protocol, t, current):
    """The input as the published figures draw it: a line under the trace (mV)."""
    base, height, mode = protocol.input_drawing
    dev = current - current[0]
    if mode == "sign":
        return base + height * np.sign(dev)
    scale = np.max(np.abs(dev))
    return base + (height * dev / scale if scale > 0 else 0.0 * dev)


def _nice_length(duration):
    """A round scale-bar length, at most a quarter of ``duration`` (ms)."""
    for length in (100.0, 50.0, 20.0, 10.0, 5.0):
        if length <= duration / 4:
            return length
    return 5.0


def _scale_bar(ax, duration, color="0.35"):
    length = _nice_length(duration)
    x1 = duration
    ax.plot([x1 - length, x1], [-97.0, -97.0], color=color, linewidth=1.5,
            solid_capstyle="butt", clip_on=False)
    ax.text(x1 - length / 2, -99.0, f"{length:g} ms", ha="center", va="top",
            fontsize=7, color=color, clip_on=False)


def _draw_panel(ax, protocol, run, *, color=_TRACE_COLOR, title=None, magnify_j=True):
    """One panel as the figure code draws it: v, the input under it, axis off."""
    t, v = run.trace()
    ax.plot(t, v, color=color, linewidth=0.7, clip_on=False)
    cur_t = run.result.t[:-1] if run.result.method in GRID_METHODS else run.result.t
    cur = run.current[:cur_t.size]
    ax.plot(cur_t, _input_line(protocol, cur_t, cur), color=_INPUT_COLOR, linewidth=0.9,
            clip_on=False)
    if magnify_j and protocol.key == "J" and run.result.method in GRID_METHODS:
        # the published panel J adds the oscillation magnified 20x, centred on -10 mV,
        # from the code's sample 220 (1-based) on: -10 + 20 (VV - mean(VV))
        ax.plot(t[219:], -10.0 + 20.0 * (v[219:] - v.mean()), color=color, linewidth=0.5,
                alpha=0.55, clip_on=False)
        ax.text(t[-1], 8.0, "x20", ha="right", va="bottom", fontsize=7, color="0.4")
    ax.set_xlim(0.0, protocol.duration)
    ax.set_ylim(-90.0, 30.0)
    ax.set_axis_off()
    ax.set_title(protocol.title if title is None else title, fontsize=10, pad=4)
    _scale_bar(ax, protocol.duration)


def _write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


# ----------------------------------------------------------- features_2004 ----

FEATURES_2004_OUTPUTS = ("features_2004.png", "features_2004.json")
FEATURES_2004_ACCURATE_OUTPUTS = ("features_2004_accurate.png", "features_2004_accurate.json")


def _features_figure(runs, path):
    from .figures import new_figure

    fig = new_figure(figsize=(12.5, 13.0))
    axes = fig.subplots(5, 4)
    for ax, (key, run) in zip(axes.ravel(), runs.items()):
        _draw_panel(ax, FEATURES_2004[key], run)
    fig.suptitle("Izhikevich (2004), Fig. 1: the twenty neuro-computational features, "
                 "figure-code numerics (Euler, v then u from the new v, step 0.1-0.5 ms)",
                 fontsize=11)
    fig.text(0.5, 0.01, "v from -90 to 30 mV (spikes drawn at 30 mV); green: the input, "
             "drawn under the trace (shape only, not to scale; panel O: pulses +1, -6, +1; "
             "J: the oscillation magnified 20x in light blue)", ha="center", fontsize=8,
             color="0.3")
    fig.subplots_adjust(left=0.02, right=0.98, top=0.94, bottom=0.045, wspace=0.12,
                        hspace=0.42)
    fig.savefig(path, dpi=110)


def _spikes(n):
    return f"{n} spike{'' if n == 1 else 's'}"


def _accurate_note(stats):
    """What changed, for the title of an accurate panel."""
    n_acc = stats["count_accurate"]
    if stats["accurate_stopped_at_ms"] is not None:
        return f"runaway, {n_acc} spikes by {stats['accurate_stopped_at_ms']:g} ms"
    note = _spikes(n_acc)
    if stats["max_shift_ms"] is not None:
        shift = stats["max_shift_ms"]
        note += f", up to {abs(shift):.3g} ms {'earlier' if shift < 0 else 'later'}"
    elif stats["first_spike_shift_ms"] is not None:
        first = stats["first_spike_shift_ms"]
        note += f", 1st {abs(first):.3g} ms {'earlier' if first < 0 else 'later'}"
    return note


def _accurate_figure(pairs, path):
    from .figures import new_figure

    n = len(pairs)
    n_cols = 2   # two panels per row, each as (published | accurate)
    n_rows = max(1, -(-n // n_cols))
    height = 2.45 * n_rows + 1.1
    fig = new_figure(figsize=(13.0, height))
    axes = np.atleast_2d(fig.subplots(n_rows, 2 * n_cols))
    for ax in axes.ravel():
        ax.set_axis_off()
    for i, (key, (published, accurate, stats)) in enumerate(pairs.items()):
        row, col = divmod(i, n_cols)
        p = FEATURES_2004[key]
        _draw_panel(axes[row, 2 * col], p, published,
                    title=f"{p.title}\npublished, tau {p.tau:g} ms: "
                          f"{_spikes(stats['count_published'])}")
        ax = axes[row, 2 * col + 1]
        _draw_panel(ax, p, accurate, color=_ACCURATE_COLOR,
                    title=f"{p.title}\naccurate: {_accurate_note(stats)}")
        stop = stats["accurate_stopped_at_ms"]
        if stop is not None:
            ax.axvline(stop, color="0.4", linestyle=":", linewidth=0.8)
            ax.text(stop + 0.02 * p.duration, 5.0,
                    "rate grows without\nbound (u -> -inf);\nrun stopped here",
                    fontsize=7, color="0.3", va="top")
    same = [key for key in FEATURES_2004 if key not in pairs]
    note = ("Same spike count, every spike within "
            f"{SHIFT_TOLERANCE:g} ms: " + (", ".join(same) if same else "none") +
            ".\nPublished spike times: the figure code's sample t_k\n(izhic's grid time "
            "minus tau); accurate: the located\ncrossing of 30 mV. Both runs sample the "
            "same I(t)\n(strict inequalities) at the start of each step.")
    if n % n_cols:
        ax = axes[-1, -2]
        ax.text(0.0, 0.9, note, transform=ax.transAxes, fontsize=8.5, va="top",
                color="0.25", linespacing=1.5)
    else:
        fig.text(0.5, 0.05 / height, note.replace("\n", " "), ha="center", va="bottom",
                 fontsize=8, color="0.3")
    fig.suptitle("Izhikevich (2004), Fig. 1: the panels whose published numerics differ "
                 "visibly from an accurate solution (spike count, or a spike moved > "
                 f"{SHIFT_TOLERANCE:g} ms)\nblue: figure-code Euler at the panel's step tau; "
                 "orange: RK4 with each crossing located inside the step, dt = 0.01 ms",
                 fontsize=10.5, y=1 - 0.12 / height, va="top")
    fig.subplots_adjust(left=0.02, right=0.98, top=1 - 1.25 / height,
                        bottom=0.3 / height, wspace=0.12, hspace=0.62)
    fig.savefig(path, dpi=110)


def features_2004(out_dir="figures", accurate=True):
    """Izhikevich (2004) Fig. 1: the twenty features A-T, with the figure code's numerics.

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.
    accurate : bool, default True
        Also compare every panel with an accurate solution (``method="rk4"``,
        dt = 0.01 ms, the same input) and draw the panels that differ visibly.

    Returns
    -------
    list of pathlib.Path
        The files written, in this order:

        - ``features_2004.png``: 5 x 4 panels, as the published figure: v
          (spikes drawn at 30 mV) and the input under it;
        - ``features_2004.json``: ``{"A": {"name": "tonic spiking",
          "spike_times": [...]}, ..., "T": {...}}``. Spike times are in ms in
          **the figure code's convention**: the sample ``t_k = k tau`` whose
          update crossed 30 mV (izhic's own spike time, the end of that step,
          is ``t_k + tau``); rounded to 1e-6 ms.
        - with ``accurate=True``: ``features_2004_accurate.png`` (for each panel
          whose spike count differs or whose spikes move by more than
          :data:`SHIFT_TOLERANCE` ms: published and accurate traces side by
          side) and ``features_2004_accurate.json``: per panel ``name``,
          ``published`` (figure-code times, as above), ``accurate`` (located
          crossing times), ``count_published``, ``count_accurate``,
          ``max_shift_ms`` and ``differs_visibly``.

    Notes
    -----
    Each panel is :func:`run_panel` with the defaults: ``method="izhikevich2004"``
    at the panel's tau (0.1 to 0.5 ms) for ``T + tau`` ms, so the figure
    code's last sample ``t = T`` is advanced too.
    """
    out_dir = Path(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    runs = {key: run_panel(key, **PUBLISHED) for key in FEATURES_2004}
    paths = [out_dir / name for name in FEATURES_2004_OUTPUTS]
    _features_figure(runs, paths[0])
    _write_json(paths[1], {key: {"name": FEATURES_2004[key].name,
                                 "spike_times": _times(run.spike_times)}
                           for key, run in runs.items()})
    if not accurate:
        return paths

    summary, pairs = {}, {}
    for key, published in runs.items():
        ref, stopped_at = accurate_run(key)
        stats = compare_accurate(published, ref)
        stats["accurate_stopped_at_ms"] = stopped_at
        summary[key] = {"name": FEATURES_2004[key].name,
                        "published": _times(published.spike_times),
                        "accurate": _times(ref.spike_times), **stats}
        if stats["differs_visibly"]:
            pairs[key] = (published, ref, stats)
    extra = [out_dir / name for name in FEATURES_2004_ACCURATE_OUTPUTS]
    _accurate_figure(pairs, extra[0])
    _write_json(extra[1], summary)
    return paths + extra


# ------------------------------------------------------- neuron_types_2003 ----

NEURON_TYPES_2003_OUTPUTS = ("neuron_types_2003.png", "neuron_types_2003.json")


def neuron_types_2003(out_dir="figures"):
    """Izhikevich (2003) Fig. 2: eight cortical and thalamic firing types, figure-code numerics.

    RS, IB, CH, FS, TC (tonic and burst mode), RZ and LTS, each with the
    public figure code's protocol (:data:`izhic.protocols.NEURON_TYPES_2003`)
    and numerics (``method="izhikevich2004"``, tau = 0.25 ms).

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.

    Returns
    -------
    list of pathlib.Path
        - ``neuron_types_2003.png``: the eight traces in a 2 x 4 grid, input
          drawn under each;
        - ``neuron_types_2003.json``: ``{"RS": {"name": "regular spiking",
          "spike_times": [...]}, ...}`` (keys RS, IB, CH, FS, TC, TC_burst,
          RZ, LTS), spike times in the figure code's convention (the sample
          ``t_k`` whose update crossed 30 mV), ms.
    """
    from .figures import new_figure

    out_dir = Path(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    runs = {key: run_protocol(p) for key, p in NEURON_TYPES_2003.items()}
    paths = [out_dir / name for name in NEURON_TYPES_2003_OUTPUTS]

    fig = new_figure(figsize=(13.0, 5.6))
    axes = fig.subplots(2, 4)
    for ax, (key, run) in zip(axes.ravel(), runs.items()):
        _draw_panel(ax, NEURON_TYPES_2003[key], run)
    fig.suptitle("Izhikevich (2003), Fig. 2: firing patterns of the model's neuron types, "
                 "figure-code numerics (Euler, tau = 0.25 ms, v then u from the new v)",
                 fontsize=11)
    fig.text(0.5, 0.015, "v from -90 to 30 mV (spikes drawn at 30 mV); green: the input, "
             "drawn under the trace (shape only, not to scale)", ha="center", fontsize=8,
             color="0.3")
    fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.09, wspace=0.12,
                        hspace=0.45)
    fig.savefig(paths[0], dpi=110)
    _write_json(paths[1], {key: {"name": NEURON_TYPES_2003[key].name,
                                 "spike_times": _times(run.spike_times)}
                           for key, run in runs.items()})
    return paths
