"""Izhikevich (2004) Fig. 1: the twenty neuro-computational features A-T.

Izhikevich E.M. (2004) "Which model to use for cortical spiking neurons?",
IEEE Trans. Neural Networks 15:1063-1070, Fig. 1, as drawn by the public
figure code (``figure1.m``; its numerics and conventions:
:mod:`izhic.figures.figure1m`). The protocols are data in
:mod:`izhic.protocols` (:data:`~izhic.protocols.FEATURES_2004`).
:func:`features_2004` draws the figure with the published numerics and, beside
it, every panel that an accurate solution (:data:`ACCURATE`) changes visibly.

Examples
--------
>>> from izhic.figures.izhikevich2004 import accurate_run, compare_accurate, run_panel
>>> ref, stopped_at = accurate_run("I")            # rk4, dt = 0.01 ms
>>> stats = compare_accurate(run_panel("I"), ref)
>>> stats["count_accurate"], stats["max_shift_ms"], stopped_at
(1, -10.007, None)
"""
from __future__ import annotations

import numpy as np

from ..plotting import new_figure, save_png
from ..protocols import FEATURES_2004
from ._common import output_dir, rounded_times, spikes_text, write_json
from .figure1m import PanelRun, draw_panel, panel_figure, run_protocol

__all__ = ["run_panel", "accurate_run", "compare_accurate", "features_2004", "PUBLISHED",
           "ACCURATE", "SHIFT_TOLERANCE", "MAX_ACCURATE_SPIKES", "FEATURES_2004_OUTPUTS",
           "FEATURES_2004_ACCURATE_OUTPUTS"]

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

_ACCURATE_COLOR = (0.85, 0.33, 0.1)


def run_panel(letter, method="izhikevich2004", dt=None, *, v_at_spike="peak",
              t_stop=None) -> PanelRun:
    """Run panel ``letter`` (``"A"`` .. ``"T"``) of Izhikevich (2004), Fig. 1.

    Same as ``run_protocol(FEATURES_2004[letter], method, dt, ...)``; with
    the defaults, the figure code's numerics at the panel's step.

    Parameters
    ----------
    letter : str
        The panel, ``"A"`` .. ``"T"`` (case-insensitive).
    method : str, default "izhikevich2004"
        Any :func:`izhic.simulate` method.
    dt : float, optional
        Step (ms); default the panel's ``tau``.
    v_at_spike : {"peak", "overshoot", "reset"}
        What the v trace shows at a spike.
    t_stop : float, optional
        Last sample (ms) to advance; default the panel's ``T``.

    Returns
    -------
    PanelRun
        See :func:`izhic.figures.figure1m.run_protocol`.

    Examples
    --------
    >>> from izhic.figures.izhikevich2004 import run_panel
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

    Parameters
    ----------
    letter : str
        The panel, ``"A"`` .. ``"T"``.

    Returns
    -------
    run : PanelRun
        The accurate run (located crossing times).
    stopped_at : float or None
        Where a runaway run was stopped (ms), None for a whole run.

    Examples
    --------
    >>> from izhic.figures.izhikevich2004 import accurate_run
    >>> run, stopped_at = accurate_run("A")
    >>> run.spike_times.size, stopped_at
    (5, None)
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

    Parameters
    ----------
    published : PanelRun
        The run with the figure code's numerics (:func:`run_panel`).
    accurate : PanelRun
        The accurate run of the same panel (:func:`accurate_run`).

    Returns
    -------
    dict
        The entries listed above.

    Examples
    --------
    >>> from izhic.figures.izhikevich2004 import accurate_run, compare_accurate, run_panel
    >>> stats = compare_accurate(run_panel("A"), accurate_run("A")[0])
    >>> stats["count_published"], stats["count_accurate"], stats["first_spike_shift_ms"]
    (5, 5, -0.369)
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


# ----------------------------------------------------------- features_2004 ----

FEATURES_2004_OUTPUTS = ("features_2004.png", "features_2004.json")
FEATURES_2004_ACCURATE_OUTPUTS = ("features_2004_accurate.png", "features_2004_accurate.json")


def _features_figure(runs):
    return panel_figure(
        FEATURES_2004, runs, (5, 4), figsize=(12.5, 13.0),
        title="Izhikevich (2004), Fig. 1: the twenty neuro-computational features, "
              "figure-code numerics (Euler, v then u from the new v, step 0.1-0.5 ms)",
        note="v from -90 to 30 mV (spikes drawn at 30 mV); green: the input, drawn under the "
             "trace (shape only, not to scale; panel O: pulses +1, -6, +1; J: the "
             "oscillation magnified 20x in light blue)",
        note_y=0.01, top=0.94, bottom=0.045, hspace=0.42)


#: How the title of an accurate panel names the shift it reports (explained
#: under the figure): the spike that moved most when the counts agree, else the
#: first spike (the only pairing that still means something).
_SHIFT_WORDS = {"max_shift_ms": "largest shift", "first_spike_shift_ms": "first-spike shift"}
_SHIFT_CAPTION = ("Largest shift (same spike count): the spike, paired\nin order, that "
                  "moved most. First-spike shift (the\ncounts differ): how far the first "
                  "spike moved.")


def _accurate_note(stats):
    """What changed, for the title of an accurate panel: the count, and
    "largest shift X ms earlier" or "first-spike shift X ms later"."""
    n_acc = stats["count_accurate"]
    if stats["accurate_stopped_at_ms"] is not None:
        return f"runaway, {n_acc} spikes by {stats['accurate_stopped_at_ms']:g} ms"
    note = spikes_text(n_acc)
    for key, words in _SHIFT_WORDS.items():
        shift = stats[key]
        if shift is not None:
            return f"{note}, {words} {abs(shift):.3g} ms {'earlier' if shift < 0 else 'later'}"
    return note


def _accurate_figure(pairs):
    n = len(pairs)
    n_cols = 2   # two panels per row, each as (published | accurate)
    n_rows = max(1, -(-n // n_cols))
    height = 2.7 * n_rows + 1.3
    fig = new_figure(figsize=(13.0, height))
    axes = np.atleast_2d(fig.subplots(n_rows, 2 * n_cols))
    for ax in axes.ravel():
        ax.set_axis_off()
    for i, (key, (published, accurate, stats)) in enumerate(pairs.items()):
        row, col = divmod(i, n_cols)
        p = FEATURES_2004[key]
        draw_panel(axes[row, 2 * col], p, published,
                   title=f"{p.title}\npublished (tau {p.tau:g} ms)\n"
                         f"{spikes_text(stats['count_published'])}")
        ax = axes[row, 2 * col + 1]
        draw_panel(ax, p, accurate, color=_ACCURATE_COLOR,
                   title=f"{p.title}\naccurate (dt {ACCURATE['dt']:g} ms)\n"
                         f"{_accurate_note(stats)}")
        stop = stats["accurate_stopped_at_ms"]
        if stop is not None:
            ax.axvline(stop, color="0.4", linestyle=":", linewidth=0.8)
            ax.text(stop + 0.02 * p.duration, 5.0,
                    "rate grows without\nbound (u -> -inf);\nrun stopped here",
                    fontsize=7, color="0.3", va="top")
    same = [key for key in FEATURES_2004 if key not in pairs]
    note = ("Same spike count, every spike within "
            f"{SHIFT_TOLERANCE:g} ms: " + (", ".join(same) if same else "none") +
            ".\n" + _SHIFT_CAPTION + "\nPublished spike times: the figure code's sample "
            "t_k\n(izhic's grid time minus tau); accurate: the located\ncrossing of 30 mV. "
            "Both runs sample the same I(t)\n(strict inequalities) at the start of each step.")
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
    fig.subplots_adjust(left=0.02, right=0.98, top=1 - 1.45 / height,
                        bottom=0.3 / height, wspace=0.12, hspace=0.9)
    return fig


def features_2004(out_dir="figures", accurate=True):
    """Izhikevich (2004) Fig. 1: the twenty firing patterns, figure-code numerics, and the accurate method beside.

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

    Examples
    --------
    Drawing the twenty panels takes a second or more, so the call is not run here:

    >>> import tempfile
    >>> from izhic.figures.izhikevich2004 import FEATURES_2004_OUTPUTS, features_2004
    >>> FEATURES_2004_OUTPUTS
    ('features_2004.png', 'features_2004.json')
    >>> [p.name for p in features_2004(tempfile.mkdtemp(), accurate=False)]   # doctest: +SKIP
    ['features_2004.png', 'features_2004.json']
    """
    out_dir = output_dir(out_dir)
    runs = {key: run_panel(key, **PUBLISHED) for key in FEATURES_2004}
    paths = [out_dir / name for name in FEATURES_2004_OUTPUTS]
    save_png(_features_figure(runs), paths[0], dpi=110)
    write_json(paths[1], {key: {"name": FEATURES_2004[key].name,
                                "spike_times": rounded_times(run.spike_times)}
                          for key, run in runs.items()})
    if not accurate:
        return paths

    summary, pairs = {}, {}
    for key, published in runs.items():
        ref, stopped_at = accurate_run(key)
        stats = compare_accurate(published, ref)
        stats["accurate_stopped_at_ms"] = stopped_at
        summary[key] = {"name": FEATURES_2004[key].name,
                        "published": rounded_times(published.spike_times),
                        "accurate": rounded_times(ref.spike_times), **stats}
        if stats["differs_visibly"]:
            pairs[key] = (published, ref, stats)
    extra = [out_dir / name for name in FEATURES_2004_ACCURATE_OUTPUTS]
    save_png(_accurate_figure(pairs), extra[0], dpi=110)
    write_json(extra[1], summary)
    return paths + extra
