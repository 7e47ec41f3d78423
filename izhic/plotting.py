"""Drawing helpers for any simulation: a trace, a phase plane, a figure without pyplot.

* :func:`new_figure`: a :class:`matplotlib.figure.Figure` not managed by
  pyplot, for files (no window, no backend change); the figures of
  :mod:`izhic.figures` are drawn on one, and written by :func:`save_png`
  (a compact PNG: a palette of 256 colours).
* :func:`plot_trace`: the membrane potential of one recorded neuron, with its
  spikes.
* :func:`phase_plane`: the v-u phase plane of one neuron under a constant
  current.

For one neuron with a constant current ``I`` every model form is a planar
system with a reset (the 2003 form: ``v' = f(v) - u + I``, ``u' = a (b v -
u)``; the 2007 form: ``C v' = k (v - vr)(v - vt) - u + I``, ``u' = a (B(v) -
u)``; if ``v >= v_peak``: reset). The nullclines and fixed points come from
the model form (:func:`izhic.analysis.nullclines`,
:func:`izhic.analysis.fixed_points`); the trajectory from
:func:`izhic.simulate`, so it shows the numerics chosen with ``method`` and
``dt``. Matplotlib is imported only inside the functions.

Examples
--------
>>> import izhic
>>> from izhic.plotting import new_figure, phase_plane, plot_trace
>>> fig = new_figure(figsize=(7, 5))
>>> ax = phase_plane("RS", current=10.0, ax=fig.add_subplot())
>>> ax.get_title().splitlines()[0]
'RS (regular spiking), I = 10 (model units)'
>>> res = izhic.simulate("RS", current=10.0, duration=200.0, record="v")
>>> plot_trace(res, ax=new_figure().add_subplot()).get_title()
'rk4, dt = 0.1 ms: 5 spikes in 200 ms'
"""
from __future__ import annotations

import math

import numpy as np

from . import _checks
from ._extras import require
from .analysis import _constant_current, fixed_points, nullclines
from .models import PRESET_NAMES, PRESET_NAMES_2007, PRESETS_2003, PRESETS_2007, as_model
from .simulate import simulate

__all__ = ["new_figure", "save_png", "plot_trace", "phase_plane"]


def new_figure(**kwargs):
    """A :class:`matplotlib.figure.Figure` not managed by pyplot (for files).

    Keyword arguments go to ``Figure`` (``figsize``, ``dpi``, ...). Save it with
    ``fig.savefig(path)``; nothing needs closing.

    Parameters
    ----------
    **kwargs
        Passed to :class:`matplotlib.figure.Figure`.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with no axes.

    Examples
    --------
    >>> from izhic.plotting import new_figure
    >>> fig = new_figure(figsize=(4, 3))
    >>> fig.get_size_inches().tolist(), len(fig.axes)
    ([4.0, 3.0], 0)
    """
    figure = require("matplotlib.figure", "plot", "izhic.plotting")
    return figure.Figure(**kwargs)


def save_png(fig, path, *, dpi=100, colors=256, **kwargs):
    """Write ``fig`` as a PNG with a palette of at most ``colors`` colours.

    Line plots need few colours: the file is about half the size of
    matplotlib's true-colour PNG and looks the same (no dithering; the
    palette is chosen from the image). ``kwargs`` go to ``fig.savefig``
    (``bbox_inches="tight"``, ...). Returns ``path``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    path : str or os.PathLike
        The PNG file to write (overwritten).
    dpi : float, default 100
        Resolution of the image.
    colors : int, default 256
        Most colours of the palette.
    **kwargs
        Passed to ``fig.savefig``.

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Examples
    --------
    >>> import os, tempfile
    >>> from PIL import Image
    >>> from izhic.plotting import new_figure, save_png
    >>> fig = new_figure(figsize=(4, 3))
    >>> _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> path = save_png(fig, os.path.join(tempfile.mkdtemp(), "line.png"))
    >>> with Image.open(path) as image:
    ...     image.mode, image.size
    ('P', (400, 300))
    """
    import io

    Image = require("PIL.Image", "plot", "save_png")   # (Pillow: a dependency of matplotlib)

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, **kwargs)
    buf.seek(0)
    with Image.open(buf) as image:
        quantize = getattr(Image, "Quantize", Image)    # Pillow >= 9.1: enums
        dither = getattr(Image, "Dither", Image)
        image.convert("RGB").quantize(colors=colors, method=quantize.MEDIANCUT,
                                      dither=dither.NONE).save(path, format="PNG",
                                                               optimize=True)
    return path


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
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``result`` holds no v trace or ``row`` is out of range.

    Examples
    --------
    >>> import izhic
    >>> from izhic.plotting import new_figure, plot_trace
    >>> res = izhic.simulate("RS", 10.0, 100.0, record="v")
    >>> ax = plot_trace(res, ax=new_figure().add_subplot())
    >>> ax.lines[0].get_xdata().size == res.t.size, ax.get_title()
    (True, 'rk4, dt = 0.1 ms: 3 spikes in 100 ms')
    """
    if getattr(result, "v", None) is None:
        raise ValueError("result: no v trace; simulate with record='v'")
    n_rows = result.v.shape[0]
    if not -n_rows <= row < n_rows:
        raise ValueError(f"row: the result holds {n_rows} v trace(s), got row={row!r}")
    neuron = int(result.record_neurons[row])
    if ax is None:
        plt = require("matplotlib.pyplot", "plot", "plot_trace")
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


# ----------------------------------------------------------- phase plane ----

_STABLE = ("stable node", "stable focus")


def _one_neuron(model):
    """-> (the checked one-neuron model, display name)."""
    one = as_model(model).one_neuron("a phase plane is drawn for one neuron")
    for table, names, year in ((PRESETS_2003, PRESET_NAMES, ""),
                               (PRESETS_2007, PRESET_NAMES_2007, " 2007")):
        key = next((k for k, p in table.items() if p.checked() == one), None)
        if key is not None:   # "regular spiking (L5 pyramidal)": no parentheses in parentheses
            return one, f"{key}{year} ({names[key].replace(' (', ', ').rstrip(')')})"
    return one, one.label()


def _units(p):
    """The unit of the current and of u: the 2003 form's own, or pA (2007)."""
    return "model units" if p.FORM.startswith("2003") else "pA"


def _shown_current(p, current):
    """``"10 (model units)"`` (2003 form) or ``"100 pA"`` (2007 form)."""
    unit = _units(p)
    return f"{current:g} ({unit})" if unit == "model units" else f"{current:g} {unit}"


def _v_minus(x):
    """``"v + 60"`` for x = -60, ``"v - 5"`` for 5, ``"v"`` for 0."""
    return "v" if x == 0 else f"v {'-' if x > 0 else '+'} {abs(x):g}"


def _u_nullcline_text(p):
    """The u-nullcline as a formula with the model's numbers, for the legend."""
    if p.FORM.startswith("2003"):
        return "v = -65" if p.accommodation else f"u = {p.b:g} v"
    v_u = p.vr if p.v_u is None else p.v_u

    def linear(b):
        return "0" if b == 0 else f"{b:g} ({_v_minus(v_u)})"

    high = linear(p.b)
    if p.cubic != 0.0:
        cubic = f"{p.cubic:g} ({_v_minus(p.v_cubic)})^3 for v > {p.v_cubic:g}"
        high = cubic + ("" if p.b == 0 else f", plus {high}")
        if p.b == 0:
            high += ", else 0"
    if p.b_low is None:
        return f"u = {high}"
    return f"u = {linear(p.b_low)} for v <= {p.v_switch:g}, else {high}"


def _nullcline_grid(p, v_range, n=600):
    """Potentials at which to draw the nullclines, with a NaN where the
    u-nullcline jumps (2007 TC: b switches at v_switch), so that no vertical
    connector is drawn there."""
    vv = np.linspace(*v_range, n)
    x = p.v_switch if getattr(p, "b_low", None) is not None else None
    if x is None or not v_range[0] < x < v_range[1]:
        return vv
    v_u = p.vr if p.v_u is None else p.v_u
    if (p.b_low - p.b) * (x - v_u) == 0.0:     # continuous there (RTN): nothing to break
        return vv
    after = np.nextafter(x, np.inf)
    return np.concatenate([vv[vv < x], [x, np.nan, after], vv[vv > after]])


def _label_x(x, v_range):
    """Where the label of a cut-off or reset line goes along the top of the
    axes: at the line (kept inside the axes' width), and its alignment."""
    lo, hi = v_range
    x = min(max(float(x), lo), hi)
    edge = 0.06 * (hi - lo)
    return x, "right" if x > hi - edge else ("left" if x < lo + edge else "center")


# --------------------------------------------------------------- drawing ----

def _trajectory_pieces(res, p):
    """Split the recorded (v, u) at the resets.

    -> (segments, resets): segments is a list of (v, u) arrays, each a
    stretch between resets that ends at (peak(u), u at the spike); resets is a
    list of ((peak(u), u), reset state) pairs (the model form's peak and reset).

    The trace was recorded with ``v_at_spike="reset"``, so every sample is a
    state on the trajectory. A spike at ``t_s`` in the step from ``t_k`` to
    ``t_k + dt`` (sample k to k + 1) reached ``v_peak`` with u between u[k]
    and u[k + 1] - d (the sample after the step holds the reset state, for
    ``"rk4"`` advanced over the rest of the step): u at the spike is read by
    linear interpolation at ``t_s``, exact for the grid methods (t_s = t_k+1).
    """
    t, v, u = res.t, res.v[0], res.u[0]
    dt = res.dt
    times = np.asarray(res.spike_times[0])
    segments, resets = [], []
    start = 0                      # first sample of the current segment
    head = None                    # (v, u) where the current segment starts (after a reset)
    last_k = -1
    for ts in times:
        k = int(math.ceil(ts / dt - 1e-9)) - 1          # the step that ended in the spike
        k = min(max(k, 0), t.size - 2)
        if k == last_k:                                 # several spikes in one step: one jump
            continue
        last_k = k
        frac = min(max((ts - t[k]) / dt, 0.0), 1.0)
        u_pre = u[k + 1] - p.d
        if getattr(p, "u_max", math.inf) <= u[k + 1]:     # the cap hid u before the jump
            u_pre = u[k]
        u_spike = (1.0 - frac) * u[k] + frac * u_pre
        v_spike = float(p.peak(u_spike))
        vs = list(v[start:k + 1]) + [v_spike]
        us = list(u[start:k + 1]) + [u_spike]
        if head is not None:
            vs.insert(0, head[0])
            us.insert(0, head[1])
        segments.append((np.array(vs), np.array(us)))
        head = tuple(float(x) for x in p.reset(v_spike, u_spike))
        resets.append(((v_spike, u_spike), head))
        start = k + 1
    vs, us = list(v[start:]), list(u[start:])
    if head is not None:
        vs.insert(0, head[0])
        us.insert(0, head[1])
    if len(vs) > 1:
        segments.append((np.array(vs), np.array(us)))
    return segments, resets


def _checked_range(name, value):
    if value is None:
        return None
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected (low, high), got {_checks._show(value)}") from None
    lo = _checks.real_scalar(f"{name}[0]", lo)
    hi = _checks.real_scalar(f"{name}[1]", hi)
    if not lo < hi:
        raise ValueError(f"{name}: low must be below high, got ({lo!r}, {hi!r})")
    return lo, hi


def _padded(lo, hi, fraction, minimum_span):
    span = max(hi - lo, minimum_span)
    mid = 0.5 * (lo + hi)
    return mid - 0.5 * span * (1 + 2 * fraction), mid + 0.5 * span * (1 + 2 * fraction)


def phase_plane(model="RS", current=10.0, *, duration=200.0, dt=0.05, method="rk4",
                v0=None, u0=None, ax=None, v_range=None, u_range=None, vector_field=True):
    """Draw the v-u phase plane of one neuron: nullclines, fixed points, a trajectory.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict, default "RS"
        A preset name (``"RS"``, ...) or the parameters of one neuron (scalar
        fields), of any model form (``izhic.PRESETS_2007["LTS"]``: the
        cut-off and the reset that move with u are drawn as slanted lines).
    current : float, default 10
        Constant input current: the 2003 form's own units, pA for the 2007
        form (the title says which).
    duration : float, default 200
        Length of the trajectory (ms).
    dt : float, default 0.05
        Time step (ms) of the simulation and of the drawn trajectory.
    method : str, default "rk4"
        Integration method, see :data:`izhic.METHODS`.
    v0 : float, optional
        Initial membrane potential (mV); default: the form's (-65, or vr).
    u0 : float, optional
        Initial recovery variable; default: the form's (``b * v0``, or 0).
    ax : matplotlib Axes, optional
        Where to draw (default: a new pyplot figure).
    v_range : (float, float), optional
        Limits of the v axis (mV). Default: from ``min(c, v_rest, v0,
        lowest v of the trajectory) - 15`` to ``v_peak + 5``, where
        ``v_rest`` is the lowest fixed point (if any).
    u_range : (float, float), optional
        Limits of the u axis. Default: the trajectory, the fixed points and
        the bottom of the v-nullcline, padded.
    vector_field : bool, default True
        Draw light arrows of the direction of (v', u') on a grid. The arrows
        have equal length on screen: they show direction, not speed.

    Returns
    -------
    matplotlib Axes
        The axes drawn on.

    Raises
    ------
    TypeError, ValueError
        For a bad argument (arrays of parameters or currents among them);
        from :func:`izhic.simulate` for bad numerics.

    Notes
    -----
    Drawn: the v-nullcline ``u = f(v) + I`` and the u-nullcline ``u = b v``
    (``v = -65`` with accommodation; the 2007 form's ``u = B(v)``, its
    formula in the legend, broken where b switches with a jump), the fixed
    points of :func:`fixed_points` (filled: stable, open: unstable,
    half-filled: saddle-node), the lines ``v = v_peak`` (spike cut-off) and
    ``v = c`` (reset), slanted ``v_peak(u)`` and ``c(u)`` for the 2007 cells
    whose cut-off and reset move with u (LTS, TC), each labelled just above
    the axes, where no trajectory crosses its label; the trajectory from
    ``(v0, u0)`` (an open square, drawn above a fixed point it starts at)
    simulated with ``izhic.simulate(..., record=("v", "u"),
    v_at_spike="reset")``: each stretch between spikes is a solid line ending
    at ``(v_peak, u)``, each reset a dashed arrow from ``(v_peak, u)`` to
    ``(c, u + d)``. The trajectory is colored from light (start) to dark
    (end), so the approach to a limit cycle shows. The artists carry gids
    (``"trajectory"``, ``"reset"``, ``"start"``, ``"label: c"``, ...).

    Examples
    --------
    >>> from izhic.plotting import new_figure, phase_plane
    >>> fig = new_figure(figsize=(4, 3))
    >>> ax = phase_plane("FS", 10.0, duration=50.0, vector_field=False, ax=fig.add_subplot())
    >>> len(fig.axes), ax.get_xlabel()[:1]
    (1, 'v')
    """
    p, name = _one_neuron(model)
    current = _constant_current(current)
    v_range = _checked_range("v_range", v_range)
    u_range = _checked_range("u_range", u_range)
    res = simulate(p, current=current, duration=duration, dt=dt, method=method, v0=v0,
                   u0=u0, record=("v", "u"), v_at_spike="reset")
    segments, resets = _trajectory_pieces(res, p)
    try:
        points = fixed_points(p, current)
    except ValueError:          # u' = 0 everywhere: no isolated fixed point
        points = []
    tilted = getattr(p, "special", False) and (p.peak_u != 0.0 or p.c_u != 0.0)
    units = _units(p)

    if ax is None:
        plt = require("matplotlib.pyplot", "plot", "phase_plane")
        _, ax = plt.subplots(figsize=(7, 5.5))
    to_rgb = require("matplotlib.colors", "plot", "phase_plane").to_rgb
    Line2D = require("matplotlib.lines", "plot", "phase_plane").Line2D

    # -- ranges ----------------------------------------------------------
    traj_v = np.concatenate([s[0] for s in segments]) if segments else res.v[0]
    traj_u = np.concatenate([s[1] for s in segments]) if segments else res.u[0]
    if v_range is None:
        resets_v = [r[1][0] for r in resets] or [float(np.min(p.reset(0.0, traj_u)[0]))]
        low = min(min(resets_v), float(res.v[0, 0]), float(np.min(traj_v)),
                  *(v for v, _, _ in points[:1]))
        high = float(np.max(p.peak(traj_u)))
        v_range = (low - 15.0, high + 5.0)
    if u_range is None:
        us = [float(np.min(traj_u)), float(np.max(traj_u))]
        us += [u for v, u, _ in points if v_range[0] <= v <= v_range[1]]
        # the bottom of the v-nullcline, where the dynamics turn
        grid = np.linspace(*v_range, 601)
        bottom = nullclines(p, current, grid)[0]
        j = int(np.argmin(bottom))
        if 0 < j < grid.size - 1:
            us.append(float(bottom[j]))
        u_range = _padded(min(us), max(us), 0.08, 10.0)

    # -- vector field ----------------------------------------------------
    if vector_field:
        gv = np.linspace(*v_range, 27)[1:-1]
        gu = np.linspace(*u_range, 21)[1:-1]
        V, U = np.meshgrid(gv, gu)
        wv = v_range[1] - v_range[0]
        wu = u_range[1] - u_range[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            dv = p.dv(V, U, current) / wv    # directions in axes fractions
            du = np.broadcast_to(p.du(V, U), V.shape) / wu
            norm = np.hypot(dv, du)
            norm[norm == 0] = np.inf
        length = 0.025                            # arrow length, fraction of the axes
        ax.quiver(V, U, dv / norm * length * wv, du / norm * length * wu, angles="xy",
                  scale_units="xy", scale=1.0, color="0.72", width=0.0022, headwidth=4,
                  headlength=4, headaxislength=3.5, pivot="mid", zorder=1, gid="vector field")

    # -- nullclines and the special lines --------------------------------
    vv = _nullcline_grid(p, v_range)
    u_v, u_u = nullclines(p, current, vv)
    ax.plot(vv, u_v, color="tab:red", linewidth=1.8, zorder=3, gid="v-nullcline",
            label="v-nullcline (v' = 0)")
    if getattr(p, "accommodation", False):
        ax.axvline(p.ACCOMMODATION_V, color="tab:green", linewidth=1.8, zorder=3,
                   gid="u-nullcline", label="u-nullcline (v = -65)")
    else:
        ax.plot(vv, u_u, color="tab:green", linewidth=1.8, zorder=3, gid="u-nullcline",
                label=f"u-nullcline ({_u_nullcline_text(p)})")
    if tilted:                     # cut-off and reset that move with u (2007 LTS, TC)
        uu = np.array(u_range)
        ax.plot(p.peak(uu), uu, color="0.35", linestyle=":", linewidth=1.0, zorder=2,
                gid="v_peak")
        ax.plot(p.reset(0.0, uu)[0], uu, color="0.35", linestyle="-.", linewidth=0.9,
                zorder=2, gid="c")
        marks = ((float(p.peak(uu[1])), "v_peak(u)"), (float(p.reset(0.0, uu[1])[0]),
                                                        "c(u) (reset)"))
    else:
        ax.axvline(p.v_peak, color="0.35", linestyle=":", linewidth=1.0, zorder=2,
                   gid="v_peak")
        ax.axvline(p.c, color="0.35", linestyle="-.", linewidth=0.9, zorder=2, gid="c")
        marks = ((p.v_peak, "v_peak"), (p.c, "c (reset)"))
    # the labels sit just above the axes, where no trajectory or reset can cross them
    for (x, label), gid in zip(marks, ("label: v_peak", "label: c")):
        x, ha = _label_x(x, v_range)
        ax.annotate(label, (x, 1.0), xycoords=ax.get_xaxis_transform(), xytext=(0, 2),
                    textcoords="offset points", ha=ha, va="bottom", fontsize=8,
                    color="0.3", annotation_clip=False, gid=gid)

    # -- trajectory ------------------------------------------------------
    dark = np.array(to_rgb("tab:blue"))
    n = max(len(segments), 1)

    def shade(i):   # light blue at the start, full color at the end
        w = 0.25 + 0.75 * (i + 1) / n if n > 1 else 1.0
        return tuple(1.0 - w * (1.0 - dark))

    for i, (sv, su) in enumerate(segments):
        ax.plot(sv, su, color=shade(i), linewidth=1.3, zorder=4, gid="trajectory",
                label="trajectory" if i == len(segments) - 1 else None)
    for i, ((v1, u1), (v2, u2)) in enumerate(resets):
        ax.annotate("", xy=(v2, u2), xytext=(v1, u1), zorder=4, gid="reset",
                    arrowprops=dict(arrowstyle="-|>", linestyle="--", linewidth=0.9,
                                    color=shade(i), shrinkA=0, shrinkB=0, mutation_scale=9))
    # an open square above the fixed points, larger than their circles: where the
    # run starts at a fixed point (at rest) both stay visible
    ax.plot([res.v[0, 0]], [res.u[0, 0]], marker="s", markersize=11, fillstyle="none",
            markeredgewidth=1.8, color="tab:orange", linestyle="none", zorder=8, gid="start",
            label="start (v0, u0)")

    # -- fixed points ----------------------------------------------------
    for v, u, kind in points:
        fill = "full" if kind in _STABLE else ("left" if kind == "saddle-node" else "none")
        ax.plot([v], [u], marker="o", markersize=8, fillstyle=fill, markeredgewidth=1.5,
                color="black", markerfacecolor="black", markerfacecoloralt="white",
                linestyle="none", zorder=7, gid=f"fixed point: {kind}")
        ax.annotate(kind, (v, u), xytext=(9, -11), textcoords="offset points", fontsize=8,
                    zorder=7)

    # -- frame -----------------------------------------------------------
    ax.set_xlim(*v_range)
    ax.set_ylim(*u_range)
    ax.set_xlabel("v (mV)")
    ax.set_ylabel("u (model units, as the current)" if units == "model units" else "u (pA)")
    n_spikes = res.spike_times[0].size
    # pad: room for the labels of the cut-off and reset lines above the axes
    ax.set_title(f"{name}, I = {_shown_current(p, current)}\n{method}, dt = {dt:g} ms, "
                 f"{duration:g} ms: {n_spikes} spike{'' if n_spikes == 1 else 's'}",
                 fontsize=10, pad=16)
    handles, _ = ax.get_legend_handles_labels()
    if resets:
        handles.append(Line2D([], [], color=dark, linestyle="--", linewidth=0.9,
                              label="reset (v_peak(u), u) -> (c(u), u + d)" if tilted
                              else "reset (v_peak, u) -> (c, u + d)"))
    if any(kind in _STABLE for _, _, kind in points):
        handles.append(Line2D([], [], marker="o", markersize=7, color="black",
                              linestyle="none", label="stable fixed point"))
    if any(kind not in _STABLE for _, _, kind in points):
        handles.append(Line2D([], [], marker="o", markersize=7, color="black", fillstyle="none",
                              linestyle="none", label="unstable fixed point"))
    if not points:
        handles.append(Line2D([], [], linestyle="none",
                              label="no fixed point: the nullclines do not cross"))
    # below the axes: inside, it would hide part of the picture whatever the corner
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=3, frameon=False, handlelength=2.2, columnspacing=1.2)
    return ax
