"""Phase-plane analysis of one Izhikevich neuron: nullclines, fixed points, a plot.

For one neuron with a constant current ``I`` the 2003 model is a planar
system with a reset::

    v' = f(v) - u + I,   f(v) = quadratic v^2 + linear v + constant
                                (0.04 v^2 + 5 v + 140 by default)
    u' = a (b v - u)            (recovery="standard")
    u' = a b (v + 65)           (recovery="accommodation", Izhikevich 2004 panel R)
    if v >= v_peak:  v <- c,  u <- u + d

* the **v-nullcline** (v' = 0) is the parabola ``u = f(v) + I``;
* the **u-nullcline** (u' = 0) is the line ``u = b v`` (standard recovery) or
  the vertical line ``v = -65`` (accommodation);
* the **fixed points** are where they cross: ``f(v) - b v + I = 0``, i.e.
  ``0.04 v^2 + (5 - b) v + 140 + I = 0`` with the default coefficients. With
  two roots the lower one is the rest state (a stable node or focus) and the
  upper one a saddle; they merge and vanish in a saddle-node bifurcation at
  ``I = (5 - b)^2 / 0.16 - 140`` (I = 4 for b = 0.2).

The trajectory itself comes from :func:`izhic.simulate`, so it shows the
numerics chosen with ``method`` and ``dt``. Matplotlib is imported only
inside :func:`phase_plane`; :func:`nullclines` and :func:`fixed_points` need
NumPy only.

Examples
--------
>>> from izhic.plotting import fixed_points, nullclines
>>> [(round(v, 6), round(u, 6), kind) for v, u, kind in fixed_points("RS", 0.0)]
[(-70.0, -14.0, 'stable node'), (-50.0, -10.0, 'saddle')]
>>> nullclines("RS", 10.0, [-60.0])
(array([-6.]), array([-12.]))
>>> ax = phase_plane("RS", current=10.0)    # doctest: +SKIP
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from . import _checks
from .models import PRESET_NAMES, PRESETS_2003, Izhikevich2003
from .simulate import _resolve_model, simulate

__all__ = ["nullclines", "fixed_points", "phase_plane"]

#: u' = a b (v - ACCOMMODATION_V) for recovery="accommodation" (see izhic.models).
ACCOMMODATION_V = -65.0

_STABLE = ("stable node", "stable focus")


# ------------------------------------------------------------------ model ----

def _one_neuron(model):
    """-> (Izhikevich2003 with plain float fields, display name). One neuron only."""
    params = _resolve_model(model)
    values = {}
    for name in Izhikevich2003.PER_NEURON:
        value = getattr(params, name)
        if np.ndim(value) != 0:
            raise ValueError(
                f"model.{name}: a phase plane is drawn for one neuron, so every parameter must "
                f"be a scalar; got {np.size(value)} values (shape {np.shape(value)})")
        values[name] = _checks.real_scalar(f"model.{name}", value)
    for name in ("quadratic", "linear", "constant"):
        values[name] = _checks.real_scalar(f"model.{name}", getattr(params, name))
    values["recovery"] = _checks.choice("model.recovery", params.recovery,
                                        Izhikevich2003.RECOVERY)
    if values["c"] >= values["v_peak"]:
        raise ValueError(f"model.c: the reset value must be below v_peak, got c={values['c']!r} "
                         f">= v_peak={values['v_peak']!r}")
    one = Izhikevich2003(**values)
    if isinstance(model, str):
        key = model.strip().upper()
        name = f"{key} ({PRESET_NAMES[key]})"
    else:
        key = next((k for k, p in PRESETS_2003.items() if p == one), None)
        name = (f"{key} ({PRESET_NAMES[key]})" if key else
                f"a={one.a:g}, b={one.b:g}, c={one.c:g}, d={one.d:g}")
    return one, name


def _constant_current(current):
    """A finite scalar current; arrays and waveforms are refused with a clear message."""
    if isinstance(current, np.ndarray) and current.ndim == 0:
        current = current.item()
    if isinstance(current, (list, tuple, np.ndarray)):
        raise ValueError(
            "current: a phase plane is drawn for one neuron and a constant current, so current "
            f"must be a scalar; got {np.size(current)} values (shape {np.shape(current)})")
    if not isinstance(current, numbers.Real) or isinstance(current, bool):
        raise TypeError("current: a phase plane needs a constant current (a real number), "
                        f"got {_checks._show(current)} ({type(current).__name__}); "
                        "the nullclines of a time-varying current move with it")
    return _checks.real_scalar("current", current)


def _dvdt(p, current, v, u):
    return (p.quadratic * v + p.linear) * v + p.constant - u + current


def _dudt(p, v, u):
    if p.recovery == "accommodation":
        return p.a * p.b * (v - ACCOMMODATION_V) + 0.0 * u
    return p.a * (p.b * v - u)


# ------------------------------------------------------------- analysis ----

def nullclines(model, current, v):
    """The two nullclines of one neuron, as u at the given potentials.

    Parameters
    ----------
    model : str, Izhikevich2003 or dict
        A 2003 preset name (``"RS"``, ...) or the parameters of **one**
        neuron (scalar fields).
    current : float
        Constant input current (model units).
    v : float or array_like
        Membrane potentials (mV) at which to evaluate the nullclines.

    Returns
    -------
    u_v : ndarray, shape of ``v``
        v-nullcline (v' = 0): ``u = quadratic v^2 + linear v + constant + I``.
    u_u : ndarray, shape of ``v``
        u-nullcline (u' = 0): ``u = b v``. With ``recovery="accommodation"``
        (``u' = a b (v + 65)``) u' vanishes only on the vertical line
        ``v = -65``, which is not a graph u(v): ``u_u`` is all NaN then (and
        :func:`phase_plane` draws the vertical line).

    Raises
    ------
    ValueError
        If a model parameter or the current holds more than one value.
    """
    p, _ = _one_neuron(model)
    current = _constant_current(current)
    v = np.asarray(v, dtype=np.float64)
    u_v = (p.quadratic * v + p.linear) * v + p.constant + current
    if p.recovery == "accommodation":
        u_u = np.full(v.shape, np.nan)
    else:
        u_u = p.b * v
    return u_v, u_u


def _classify(trace, det, scale):
    """Kind of a fixed point from the trace and determinant of its Jacobian."""
    tol = 1e-12 * max(scale, 1.0)
    if abs(det) <= tol:
        return "saddle-node"
    if det < 0:
        return "saddle"
    if abs(trace) <= tol:
        return "center"
    stability = "stable" if trace < 0 else "unstable"
    shape = "node" if trace * trace - 4.0 * det >= 0 else "focus"
    return f"{stability} {shape}"


def fixed_points(model, current):
    """Fixed points of one neuron under a constant current, and their kind.

    Parameters
    ----------
    model : str, Izhikevich2003 or dict
        A 2003 preset name or the parameters of one neuron (scalar fields).
    current : float
        Constant input current (model units).

    Returns
    -------
    list of (v, u, kind)
        Sorted by v (mV). ``kind`` is one of ``"stable node"``,
        ``"stable focus"``, ``"unstable node"``, ``"unstable focus"``,
        ``"saddle"``, ``"center"`` (purely imaginary eigenvalues: a Hopf
        point) or ``"saddle-node"`` (a zero eigenvalue: the double root at
        the bifurcation). Empty when the nullclines do not cross (the neuron
        fires repetitively).

    Raises
    ------
    ValueError
        If a parameter or the current holds more than one value, or if
        ``a = 0`` (or ``b = 0`` with accommodation): then u' vanishes
        everywhere and every point of the v-nullcline is a fixed point.

    Notes
    -----
    Standard recovery: ``q2 v^2 + (q1 - b) v + q0 + I = 0``, ``u = b v``
    (``0.04 v^2 + (5 - b) v + 140 + I = 0`` for the default coefficients
    ``q2, q1, q0``). The Jacobian there is ``[[2 q2 v + q1, -1], [a b, -a]]``:
    ``det < 0`` is a saddle; ``det > 0`` is stable if ``trace < 0``, a node
    if ``trace^2 >= 4 det`` and a focus otherwise. Accommodation
    (``u' = a b (v + 65)``): one fixed point, ``v = -65``,
    ``u = f(-65) + I``, Jacobian ``[[2 q2 v + q1, -1], [a b, 0]]``.

    Examples
    --------
    >>> fixed_points("RS", 3.0)[0]        # the initial state of the RS project
    (-65.0, -13.0, 'stable node')
    >>> fixed_points("RS", 4.5)           # past the saddle-node at I = 4: none
    []
    """
    p, _ = _one_neuron(model)
    current = _constant_current(current)
    q2, q1, q0, a, b = p.quadratic, p.linear, p.constant, p.a, p.b
    accommodation = p.recovery == "accommodation"
    if a == 0.0 or (accommodation and b == 0.0):
        raise ValueError(
            f"model: with a={a:g}" + (f", b={b:g}" if accommodation else "") + " u' is zero "
            "everywhere: every point of the v-nullcline is a fixed point (none is isolated)")
    if accommodation:
        roots = [ACCOMMODATION_V]
    else:
        # q2 v^2 + (q1 - b) v + (q0 + I) = 0, written so that no root loses digits
        lin, const = q1 - b, q0 + current
        if q2 == 0.0:
            roots = [] if lin == 0.0 else [-const / lin]
        else:
            disc = lin * lin - 4.0 * q2 * const
            if abs(disc) <= 1e-12 * max(lin * lin, abs(4.0 * q2 * const)):
                roots = [-lin / (2.0 * q2)]
            elif disc < 0:
                roots = []
            else:
                s = -0.5 * (lin + math.copysign(math.sqrt(disc), lin))
                roots = sorted({s / q2, const / s} if s != 0.0 else {0.0})
    out = []
    for v in roots:
        u = (q2 * v + q1) * v + q0 + current if accommodation else b * v
        j11 = 2.0 * q2 * v + q1
        j22 = 0.0 if accommodation else -a
        trace = j11 + j22
        det = j11 * j22 + a * b
        scale = abs(j11 * j22) + abs(a * b)
        out.append((float(v), float(u), _classify(trace, det, scale)))
    return out


# --------------------------------------------------------------- drawing ----

def _trajectory_pieces(res, p):
    """Split the recorded (v, u) at the resets.

    -> (segments, resets): segments is a list of (v, u) arrays, each a
    stretch between resets that ends at (v_peak, u at the spike); resets is a
    list of ((v_peak, u), (c, u + d)) pairs.

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
        u_spike = (1.0 - frac) * u[k] + frac * (u[k + 1] - p.d)
        vs = list(v[start:k + 1]) + [p.v_peak]
        us = list(u[start:k + 1]) + [u_spike]
        if head is not None:
            vs.insert(0, head[0])
            us.insert(0, head[1])
        segments.append((np.array(vs), np.array(us)))
        head = (p.c, u_spike + p.d)
        resets.append(((p.v_peak, u_spike), head))
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
                v0=-65.0, u0=None, ax=None, v_range=None, u_range=None, vector_field=True):
    """Draw the v-u phase plane of one neuron: nullclines, fixed points, a trajectory.

    Parameters
    ----------
    model : str, Izhikevich2003 or dict, default "RS"
        A 2003 preset name (``"RS"``, ``"IB"``, ``"CH"``, ``"FS"``, ``"LTS"``,
        ``"TC"``, ``"RZ"``) or the parameters of one neuron (scalar fields).
    current : float, default 10
        Constant input current (model units).
    duration : float, default 200
        Length of the trajectory (ms).
    dt : float, default 0.05
        Time step (ms) of the simulation and of the drawn trajectory.
    method : str, default "rk4"
        Integration method, see :data:`izhic.METHODS`.
    v0 : float, default -65
        Initial membrane potential (mV).
    u0 : float, optional
        Initial recovery variable; default ``b * v0``.
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
    points = fixed_points(p, current) if p.a != 0.0 and not (
        p.recovery == "accommodation" and p.b == 0.0) else []

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 5.5))
    from matplotlib.colors import to_rgb
    from matplotlib.lines import Line2D

    # -- ranges ----------------------------------------------------------
    traj_v = np.concatenate([s[0] for s in segments]) if segments else res.v[0]
    traj_u = np.concatenate([s[1] for s in segments]) if segments else res.u[0]
    if v_range is None:
        low = min(p.c, float(res.v[0, 0]), float(np.min(traj_v)),
                  *(v for v, _, _ in points[:1]))
        v_range = (low - 15.0, p.v_peak + 5.0)
    if u_range is None:
        us = [float(np.min(traj_u)), float(np.max(traj_u))]
        us += [u for v, u, _ in points if v_range[0] <= v <= v_range[1]]
        if p.quadratic > 0:   # the bottom of the v-nullcline, where the dynamics turn
            v_low = -p.linear / (2.0 * p.quadratic)
            if v_range[0] <= v_low <= v_range[1]:
                us.append(float(nullclines(p, current, v_low)[0]))
        u_range = _padded(min(us), max(us), 0.08, 10.0)

    # -- vector field ----------------------------------------------------
    if vector_field:
        gv = np.linspace(*v_range, 27)[1:-1]
        gu = np.linspace(*u_range, 21)[1:-1]
        V, U = np.meshgrid(gv, gu)
        wv = v_range[1] - v_range[0]
        wu = u_range[1] - u_range[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            dv = _dvdt(p, current, V, U) / wv    # directions in axes fractions
            du = _dudt(p, V, U) / wu
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
    if p.recovery == "accommodation":
        ax.axvline(ACCOMMODATION_V, color="tab:green", linewidth=1.8, zorder=3,
                   gid="u-nullcline", label="u-nullcline (v = -65)")
    else:
        ax.plot(vv, u_u, color="tab:green", linewidth=1.8, zorder=3, gid="u-nullcline",
                label=f"u-nullcline (u = {p.b:g} v)")
    ax.axvline(p.v_peak, color="0.35", linestyle=":", linewidth=1.0, zorder=2, gid="v_peak")
    ax.axvline(p.c, color="0.35", linestyle="-.", linewidth=0.9, zorder=2, gid="c")
    for x, label in ((p.v_peak, "v_peak"), (p.c, "c (reset)")):
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
