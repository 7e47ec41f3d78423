"""Phase-plane pictures of one Izhikevich neuron: nullclines, fixed points, trajectory.

For one neuron with a constant current ``I`` every model form is a planar
system with a reset (the 2003 form: ``v' = f(v) - u + I``, ``u' = a (b v -
u)``; the 2007 form: ``C v' = k (v - vr)(v - vt) - u + I``, ``u' = a (B(v) -
u)``; if ``v >= v_peak``: reset). The nullclines and fixed points come from
the model form (:func:`izhic.analysis.nullclines`,
:func:`izhic.analysis.fixed_points`); the trajectory from
:func:`izhic.simulate`, so it shows the numerics chosen with ``method`` and
``dt``. Matplotlib is imported only inside :func:`phase_plane`.

Examples
--------
>>> from izhic.plotting import phase_plane
>>> ax = phase_plane("RS", current=10.0)    # doctest: +SKIP
"""
from __future__ import annotations

import math

import numpy as np

from . import _checks
from .analysis import _constant_current, fixed_points, nullclines
from .models import PRESET_NAMES, PRESET_NAMES_2007, PRESETS_2003, PRESETS_2007, as_model
from .simulate import simulate

__all__ = ["phase_plane"]

_STABLE = ("stable node", "stable focus")


def _one_neuron(model):
    """-> (the checked one-neuron model, display name)."""
    one = as_model(model).one_neuron("a phase plane is drawn for one neuron")
    for table, names, year in ((PRESETS_2003, PRESET_NAMES, ""),
                               (PRESETS_2007, PRESET_NAMES_2007, " 2007")):
        key = next((k for k, p in table.items() if p.checked() == one), None)
        if key is not None:
            return one, f"{key}{year} ({names[key]})"
    return one, one.label()


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
        Constant input current (model units).
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

    Raises
    ------
    TypeError, ValueError
        For a bad argument (arrays of parameters or currents among them);
        from :func:`izhic.simulate` for bad numerics.

    Notes
    -----
    Drawn: the v-nullcline ``u = f(v) + I`` and the u-nullcline ``u = b v``
    (``v = -65`` with accommodation), the fixed points of
    :func:`fixed_points` (filled: stable, open: unstable, half-filled:
    saddle-node), the lines ``v = v_peak`` (spike cut-off) and ``v = c``
    (reset), the trajectory from ``(v0, u0)`` simulated with
    ``izhic.simulate(..., record=("v", "u"), v_at_spike="reset")``: each
    stretch between spikes is a solid line ending at ``(v_peak, u)``, each
    reset a dashed arrow from ``(v_peak, u)`` to ``(c, u + d)``. The
    trajectory is colored from light (start) to dark (end), so the approach
    to a limit cycle shows.
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

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 5.5))
    from matplotlib.colors import to_rgb
    from matplotlib.lines import Line2D

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
    vv = np.linspace(*v_range, 600)
    u_v, u_u = nullclines(p, current, vv)
    ax.plot(vv, u_v, color="tab:red", linewidth=1.8, zorder=3, gid="v-nullcline",
            label="v-nullcline (v' = 0)")
    if getattr(p, "accommodation", False):
        ax.axvline(p.ACCOMMODATION_V, color="tab:green", linewidth=1.8, zorder=3,
                   gid="u-nullcline", label="u-nullcline (v = -65)")
    else:
        label = (f"u-nullcline (u = {p.b:g} v)" if p.FORM.startswith("2003")
                 else "u-nullcline (u = B(v))")
        ax.plot(vv, u_u, color="tab:green", linewidth=1.8, zorder=3, gid="u-nullcline",
                label=label)
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
    for x, label in marks:
        ax.annotate(label, (x, 1.0), xycoords=ax.get_xaxis_transform(), xytext=(-2, -3),
                    textcoords="offset points", ha="right", va="top", rotation=90,
                    fontsize=8, color="0.3")

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
    ax.plot([res.v[0, 0]], [res.u[0, 0]], marker="s", markersize=6, color=tuple(0.6 * dark),
            linestyle="none", zorder=6, gid="start", label="start (v0, u0)")

    # -- fixed points ----------------------------------------------------
    for v, u, kind in points:
        fill = "full" if kind in _STABLE else ("left" if kind == "saddle-node" else "none")
        ax.plot([v], [u], marker="o", markersize=8, fillstyle=fill, markeredgewidth=1.5,
                color="black", markerfacecolor="black", markerfacecoloralt="white",
                linestyle="none", zorder=7, gid=f"fixed point: {kind}")
        ax.annotate(kind, (v, u), xytext=(6, -10), textcoords="offset points", fontsize=8,
                    zorder=7)

    # -- frame -----------------------------------------------------------
    ax.set_xlim(*v_range)
    ax.set_ylim(*u_range)
    ax.set_xlabel("v (mV)")
    ax.set_ylabel("u (current units)")
    n_spikes = res.spike_times[0].size
    ax.set_title(f"{name}, I = {current:g}\n{method}, dt = {dt:g} ms, {duration:g} ms: "
                 f"{n_spikes} spike{'' if n_spikes == 1 else 's'}", fontsize=10)
    handles, _ = ax.get_legend_handles_labels()
    if resets:
        handles.append(Line2D([], [], color=dark, linestyle="--", linewidth=0.9,
                              label="reset (v_peak, u) -> (c, u + d)"))
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
