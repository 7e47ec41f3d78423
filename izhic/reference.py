"""Independent reference implementations ("oracles") of izhic's simulations.

These functions exist to check the compiled core, not to be used for speed:

* :func:`simulate_numpy` re-implements every method of :func:`izhic.simulate`
  in plain NumPy, one Python loop iteration per time step, vectorized over
  neurons. It evaluates exactly the floating-point expressions of the core, in
  the same order (see the docstring of ``izhic._core``), and the core is built
  with ``-ffp-contract=off``, so the two agree bit for bit: same spike times,
  same final state. It is tens to hundreds of times slower than the core.
* :func:`simulate_solve_ivp` computes the exact hybrid solution (spike times
  found as the crossings of ``v = v_peak`` inside the step, reset there) with
  :func:`scipy.integrate.solve_ivp` at tight tolerances. It is the yardstick for
  accuracy claims (convergence order, spike-time errors). It is very slow:
  milliseconds of Python per spike per neuron.

The model (Izhikevich 2003)::

    v' = 0.04 v^2 + 5 v + 140 - u + I
    u' = a (b v - u)
    if v >= v_peak:  v <- c,  u <- u + d
"""
from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from . import _checks, _core
from .models import Izhikevich2007
from .result import SpikeTrains
from .simulate import METHODS, _as_stimulus, _model_form, _resolve_model, _steps

__all__ = ["ReferenceResult", "simulate_numpy", "simulate_solve_ivp"]

#: v is held in [-VBIG, VBIG] after every update, as in the compiled core.
VBIG = 1e150


class ReferenceResult(NamedTuple):
    """What the reference simulations return.

    Attributes
    ----------
    spike_times : SpikeTrains
        ``spike_times[i]`` is neuron ``i``'s spike times in ms.
    v_final, u_final : ndarray, shape (n_neurons,)
        State at ``t = duration`` (after any reset at that time).
    """

    spike_times: SpikeTrains
    v_final: np.ndarray
    u_final: np.ndarray


def _population(model, current, n_neurons, v0, u0):
    """Per-neuron float64 arrays, broadcast as :func:`izhic.simulate` does.

    Returns a dict with keys a, b, c, d, v_peak, current, v0, u0 (u0 defaults to
    ``b * v0``), each of shape (n,).
    """
    params = _resolve_model(model)
    is07 = isinstance(params, Izhikevich2007)
    arrays = {name: _checks.real_array(f"model.{name}", getattr(params, name))
              for name in params.field_names()}
    arrays["current"] = _checks.real_array("current", current)
    if v0 is None:
        v0 = arrays["vr"] if is07 else -65.0
    arrays["v0"] = _checks.real_array("v0", v0)
    if u0 is not None:
        arrays["u0"] = _checks.real_array("u0", u0)

    sizes = {key: arr.size for key, arr in arrays.items() if arr.ndim == 1}
    if n_neurons is None:
        n = max(sizes.values(), default=1)
    else:
        if isinstance(n_neurons, (bool, np.bool_)) or not isinstance(n_neurons, numbers.Integral):
            raise TypeError(f"n_neurons: expected an int, got {n_neurons!r}")
        if n_neurons < 1:
            raise ValueError(f"n_neurons: must be >= 1, got {n_neurons}")
        n = int(n_neurons)
    bad = {key: size for key, size in sizes.items() if size != n}
    if bad:
        raise ValueError("shapes: per-neuron arrays must all have length n_neurons="
                         f"{n}; got lengths {bad}")

    full = {key: np.broadcast_to(arr, (n,)).astype(np.float64) for key, arr in arrays.items()}
    if "u0" not in full:
        full["u0"] = np.zeros_like(full["v0"]) if is07 else full["b"] * full["v0"]
    return full


# ---------------------------------------------------------------------------
# NumPy oracle of the grid methods
# ---------------------------------------------------------------------------

# The v polynomial's coefficients and the recovery form of the run being
# simulated (set by simulate_numpy; the defaults are the 2003 model's).
_FORM = {"quadratic": 0.04, "linear": 5.0, "constant": 140.0, "recovery": "standard"}


def _f(v, u, current):
    """dv/dt, evaluated left to right: ((((q2 (v v)) + q1 v) + q0) - u) + I."""
    return (_FORM["quadratic"] * (v * v) + _FORM["linear"] * v + _FORM["constant"]
            - u + current)


def _g(a, b, v, u):
    """du/dt: a (b v - u), or a b (v + 65) for the "accommodation" recovery."""
    if _FORM["recovery"] == "accommodation":
        return (a * b) * (v + 65.0)
    return a * (b * v - u)


def _u_step(u, dta, b, v):
    """u + dt du/dt for the Euler-type schemes, with dta = dt a."""
    if _FORM["recovery"] == "accommodation":
        return u + (dta * b) * (v + 65.0)
    return u + dta * (b * v - u)


def _clamp(v):
    """Hold v in [-VBIG, VBIG] (NaN stays NaN)."""
    return np.minimum(np.maximum(v, -VBIG), VBIG)


def _step(method, v, u, dt, dta, a, b, current):
    """Advance (v, u) by one step of ``dt``; returns (v1, u1) before any reset."""
    if method == "euler":
        v1 = _clamp(v + dt * _f(v, u, current))
        u1 = _u_step(u, dta, b, v)
    elif method == "izhikevich2004":
        v1 = _clamp(v + dt * _f(v, u, current))
        u1 = _u_step(u, dta, b, v1)
    elif method == "izhikevich2003":
        h = 0.5 * dt
        vh = _clamp(v + h * _f(v, u, current))
        v1 = _clamp(vh + h * _f(vh, u, current))
        u1 = _u_step(u, dta, b, v1)
    elif method in ("rk4", "rk4_grid"):
        h = 0.5 * dt
        dt6 = dt / 6.0
        k1v = _f(v, u, current)
        k1u = _g(a, b, v, u)
        vs = _clamp(v + h * k1v)
        us = u + h * k1u
        k2v = _f(vs, us, current)
        k2u = _g(a, b, vs, us)
        vs = _clamp(v + h * k2v)
        us = u + h * k2u
        k3v = _f(vs, us, current)
        k3u = _g(a, b, vs, us)
        vs = _clamp(v + dt * k3v)
        us = u + dt * k3u
        k4v = _f(vs, us, current)
        k4u = _g(a, b, vs, us)
        v1 = _clamp(v + dt6 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v))
        u1 = u + dt6 * (k1u + 2.0 * k2u + 2.0 * k3u + k4u)
    else:  # pragma: no cover - checked by the caller
        raise ValueError(method)
    return v1, u1



# ---------------------------------------------------------------------------
# Spike location of method "rk4": a line-by-line port of the core's scalar
# code (izhic/_core.pyx: _rk4_one, _rk4_locate, _rk4_spiking_step). Python
# floats are IEEE doubles without fused multiply-add, so the bits agree.
# ---------------------------------------------------------------------------

def _clamp1(x):
    x = x if x < VBIG else VBIG
    return x if x > -VBIG else -VBIG


class _Lane2003:
    """One neuron of the 2003 form, for the scalar spike-location code."""

    def __init__(self, current, a, b, c, d, peak):
        self.current, self.a, self.b, self.c, self.d, self.peak = current, a, b, c, d, peak

    def f(self, x, y):
        return _f(x, y, self.current)

    def g(self, x, y):
        return _g(self.a, self.b, x, y)

    def peak_at(self, u):
        return self.peak

    def slope(self, x, y):
        return self.f(x, y)

    def reset(self, v, u):
        return self.c, u + self.d


class _Lane2007:
    """One neuron of the 2007 form (RK4 slopes with 1/C), special terms included."""

    def __init__(self, params, current, k, vr, vt, invc, a, b, c, d, peak):
        self.p, self.current = params, current
        self.k, self.vr, self.vt, self.invc = k, vr, vt, invc
        self.a, self.b, self.c, self.d, self.peak = a, b, c, d, peak

    def f(self, x, y):
        return (self.k * (x - self.vr) * (x - self.vt) - y + self.current) * self.invc

    def B(self, x):
        p = self.p
        if not p.special:
            return self.b * (x - self.vr)
        bb = p.b_low if (p.b_low is not None and x <= p.v_switch) else self.b
        z = x - p.v_cubic
        z = z if z > 0.0 else 0.0
        return bb * (x - (self.vr if p.v_u is None else p.v_u)) + p.cubic * (z * z * z)

    def g(self, x, y):
        return self.a * (self.B(x) - y)

    def peak_at(self, u):
        return self.peak + self.p.peak_u * u if self.p.special else self.peak

    def slope(self, x, y):
        s = self.f(x, y)
        return s - self.p.peak_u * self.g(x, y) if self.p.special else s

    def reset(self, v, u):
        if not self.p.special:
            return self.c, u + self.d
        uu = u + self.d
        return self.c + self.p.c_u * u, (uu if uu < self.p.u_max else self.p.u_max)


def _rk4_one(lane, v, u, h):
    h6 = h / 6.0
    kv, ku = lane.f(v, u), lane.g(v, u)
    av, au = kv, ku
    for stage in (2, 3, 4):             # at v + h/2 k1, v + h/2 k2, v + h k3
        hs = 0.5 * h if stage < 4 else h
        x = _clamp1(v + hs * kv)
        y = u + hs * ku
        kv, ku = lane.f(x, y), lane.g(x, y)
        if stage < 4:
            av, au = av + 2.0 * kv, au + 2.0 * ku
    return v + h6 * (av + kv), u + h6 * (au + ku)


def _rk4_locate(lane, v, u, H):
    """theta in (0, H] where one RK4 step of length theta from (v, u) reaches
    the peak (given v < peak <= v_RK4(H)), and the state there: Newton from
    theta = 0 with F'(theta) ~ dv/dt (- peak_u du/dt), kept inside the bracket."""
    tlo, thi, th = 0.0, H, 0.0
    vt, ut = v, u
    for _ in range(60):
        f = vt - lane.peak_at(ut)
        if f >= 0.0:
            thi = th
        else:
            tlo = th
        slope = lane.slope(vt, ut)
        tn = th - f / slope if slope > 0.0 else -1.0
        if not (tlo < tn < thi):
            tn = 0.5 * (tlo + thi)
        if abs(tn - th) <= 1e-10 and th > 0.0:
            break
        th = tn
        vt, ut = _rk4_one(lane, v, u, th)
    return th, vt, ut


def _rk4_spiking_step(t0, dt, v, u, lane):
    """The step [t0, t0 + dt] from (v, u), redone in two RK4 sub-steps: spike
    times and the state at its end (time measured from the start of the step)."""
    s = 0.0
    times = []
    if v >= lane.peak_at(u):
        times.append(t0)
        v, u = lane.reset(v, u)
    while dt - s > 1e-12 * dt:
        h = (dt - s) / 2
        crossing = False
        for _ in range(2):
            v1, u1 = _rk4_one(lane, v, u, h)
            if v1 >= lane.peak_at(u1):
                crossing = True
                break
            v, u = v1, u1
            s = s + h
        if not crossing:
            break
        if len(times) >= _core.SPIKES_PER_STEP_LIMIT:
            raise ValueError("current: too many spikes within one step")
        th, vx, ux = _rk4_locate(lane, v, u, h)
        s = s + th
        times.append(t0 + s)
        v, u = lane.reset(vx, ux)
    return times, v, u


_MASK64 = (1 << 64) - 1
_GOLDEN64 = 0x9E3779B97F4A7C15


def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def normal_noise(seed, neuron, step):
    """The standard normal number izhic's noise uses for (seed, neuron, step):
    a counter-based hash (splitmix64's finalizer) and Box-Muller, with the C
    library's log/cos/sqrt (which Python's math module calls), bit for bit."""
    h1 = _mix64(seed ^ _mix64(neuron ^ _mix64((step + _GOLDEN64) & _MASK64)))
    h2 = _mix64((h1 + _GOLDEN64) & _MASK64)
    u1 = ((h1 >> 11) + 1.0) * 2.0 ** -53
    u2 = (h2 >> 11) * 2.0 ** -53
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)


def simulate_numpy(model="RS", current=0.0, duration=1000.0, dt=0.1, method="rk4", *,
                   n_neurons=None, v0=None, u0=None, noise=None, noise_kind="white",
                   seed=0, spike_time="grid", neuron_ids=None):
    """Plain-NumPy reference of :func:`izhic.simulate` (same bits, much slower).

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict
        As in :func:`izhic.simulate` (the 2007 form with methods "euler" and
        "izhikevich2004").
    current : float, array_like (n_neurons,), Waveform or Stimulus
        As in :func:`izhic.simulate`: the stimulus at t_k = k dt, held over
        step k.
    duration : float
        Simulated time in ms (a whole number of steps).
    dt : float
        Time step in ms.
    method : {"rk4", "euler", "izhikevich2004", "izhikevich2003", "rk4_grid"}
        Integration scheme, see :data:`izhic.METHODS`.
    n_neurons : int, optional
        Population size when every other argument is a scalar.
    v0 : float or array_like, default -65
        Initial membrane potential (mV).
    u0 : float or array_like, optional
        Initial recovery variable; default ``b * v0`` (2003 form), 0 (2007 form).
    noise, noise_kind, seed, neuron_ids : optional
        Gaussian current noise, as in :func:`izhic.simulate` (see
        :func:`normal_noise`).
    spike_time : {"grid", "interpolate"}
        As in :func:`izhic.simulate` (grid methods of the 2003 form).

    Returns
    -------
    ReferenceResult
        Spike times and the final state; equal bit for bit to those of
        :func:`izhic.simulate` with the same arguments.

    Notes
    -----
    Step ``k`` takes the state at ``t = k dt`` to ``(k + 1) dt``, with
    ``dta = dt * a`` and

    .. math::

        f(v, u) = 0.04 v^2 + 5 v + 140 - u + I

    evaluated as ``0.04*(v*v) + 5.0*v + 140.0 - u + I``, left to right:

    ============== ==========================================================
    euler          v1 = v + dt f(v, u);  u1 = u + dta (b v - u)
    izhikevich2004 v1 = v + dt f(v, u);  u1 = u + dta (b v1 - u)
    izhikevich2003 vh = v + (dt/2) f(v, u);  v1 = vh + (dt/2) f(vh, u);
                   u1 = u + dta (b v1 - u)
    rk4_grid       classic RK4 of (f, a (b v - u)) with h = dt/2,
                   v1 = v + (dt/6) (k1v + 2 k2v + 2 k3v + k4v), same for u
    rk4            the same step; where it ends at or above v_peak, the step is
                   redone neuron by neuron: each crossing of the step map is
                   located (safeguarded Newton), the neuron is reset there and
                   the rest of the step is integrated from the reset state
    ============== ==========================================================

    Every new v (``vh``, the RK4 stage values and ``v1``) is held in
    ``[-1e150, 1e150]`` right after it is computed. Then, where
    ``v1 >= v_peak``, the neuron spikes at ``t = (k + 1) dt`` (computed as a
    product, never accumulated), ``v1 <- c`` and ``u1 <- u1 + d``. Arithmetic is
    IEEE non-stop, as in C: an overflow gives ``inf`` silently.

    Examples
    --------
    >>> from izhic.reference import simulate_numpy
    >>> res = simulate_numpy("RS", current=[0, 5, 10], duration=1000.0, dt=0.25,
    ...                      method="izhikevich2004")
    >>> res.spike_times.counts().tolist()
    [0, 11, 23]
    """
    params = _resolve_model(model)
    form = None if isinstance(params, Izhikevich2007) else _model_form(params)
    stim = _as_stimulus(current)
    if n_neurons is None and stim.own is not None:
        n_neurons = stim.n_own
    p = _population(model, stim.offset, n_neurons, v0, u0)
    duration = _checks.real_scalar("duration", duration, nonnegative=True)
    dt = _checks.real_scalar("dt", dt, positive=True)
    _checks.choice("method", method, tuple(METHODS))
    n_steps = _steps(duration, dt)
    wave, own = stim.sample(n_steps, dt)
    if noise is not None:
        sigma = np.broadcast_to(_checks.real_array("noise", noise), p["v0"].shape)
        scale = sigma / np.sqrt(dt) if noise_kind == "white" else sigma

    a, b, c, d, v_peak, offset = (p[key] for key in ("a", "b", "c", "d", "v_peak", "current"))
    dta = dt * a
    v = p["v0"].copy()
    u = p["u0"].copy()
    trains = [[] for _ in range(v.size)]
    if form is None:                     # the 2007 form
        v, u = _run_numpy_2007(params, p, method, n_steps, dt, v, u, offset, wave, own, noise,
                               seed, scale if noise is not None else None, trains, neuron_ids)
        return ReferenceResult(SpikeTrains.from_lists(trains), v, u)
    _FORM.update(form)
    try:
        v, u = _run_numpy(method, n_steps, dt, v, u, offset, wave, own, noise, seed, spike_time,
                   scale if noise is not None else None, a, b, c, d, v_peak, dta, trains,
                   neuron_ids)
    finally:
        _FORM.update(quadratic=0.04, linear=5.0, constant=140.0, recovery="standard")
    return ReferenceResult(SpikeTrains.from_lists(trains), v, u)


def _step_current(k, offset, wave, own, noise, seed, scale, n, ids=None):
    """offset + shared(t_k) + own_i(t_k) + noise, added in this order."""
    current = offset
    if wave is not None:
        current = current + wave[k]
    if own is not None:
        current = current + own[k]
    if noise is not None:
        ids = range(n) if ids is None else ids
        current = current + scale * np.array([normal_noise(seed, int(i), k) for i in ids])
    return current


def _run_numpy_2007(params, p, method, n_steps, dt, v, u, offset, wave, own, noise, seed,
                    scale, trains, ids=None):
    """Euler steps of the 2007 form (u from the old v, or the new v for
    "izhikevich2004"), as izhic._core's _lanes_2007."""
    if method not in ("euler", "izhikevich2004", "rk4", "rk4_grid"):
        raise ValueError(f"method: the 2007 form runs with 'euler', 'izhikevich2004', 'rk4' "
                         f"or 'rk4_grid', got {method!r}")
    k_, vr, vt, a, b, c, d, peak = (p[key] for key in
                                    ("k", "vr", "vt", "a", "b", "c", "d", "v_peak"))
    dtc = dt / p["C"]
    dta = dt * a
    special = params.special
    if special:
        v_u = vr if params.v_u is None else float(params.v_u)
        b_low = 0.0 if params.b_low is None else float(params.b_low)
        v_switch = -np.inf if params.b_low is None else float(params.v_switch)
    invc = 1.0 / p["C"]

    def f(x, y, current):
        return (k_ * (x - vr) * (x - vt) - y + current) * invc

    def B(x):
        if not special:
            return b * (x - vr)
        z = np.maximum(x - params.v_cubic, 0.0)
        return np.where(x <= v_switch, b_low, b) * (x - v_u) + params.cubic * (z * z * z)

    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_steps):
            current = _step_current(k, offset, wave, own, noise, seed, scale, v.size, ids)
            if method in ("rk4", "rk4_grid"):
                v_start, u_start = v, u
                h, dt6 = 0.5 * dt, dt / 6.0
                kv, ku = f(v, u, current), a * (B(v) - u)
                av, au = kv, ku
                for stage, hs in enumerate((h, h, dt)):     # stages 2, 3, 4
                    xs, ys = _clamp(v + hs * kv), u + hs * ku
                    kv, ku = f(xs, ys, current), a * (B(xs) - ys)
                    if stage < 2:
                        av, au = av + 2.0 * kv, au + 2.0 * ku
                vn, un = v + dt6 * (av + kv), u + dt6 * (au + ku)
                pk = peak + params.peak_u * un if special else peak
                fired = vn >= pk
                if method == "rk4":
                    redo = fired | (v_start >= (peak + params.peak_u * u_start if special
                                                else peak)) if k == 0 else fired
                    v, u = np.maximum(vn, -VBIG), un
                    for i in np.flatnonzero(redo):
                        lane = _Lane2007(params, current[i], k_[i], vr[i], vt[i], invc[i], a[i],
                                         b[i], c[i], d[i], peak[i])
                        times, v[i], u[i] = _rk4_spiking_step(k * dt, dt, v_start[i],
                                                              u_start[i], lane)
                        trains[i].extend(times)
                    continue
                if special:
                    reset_v = c + params.c_u * un
                    reset_u = np.where(un + d < params.u_max, un + d, params.u_max)
                else:
                    reset_v, reset_u = c, un + d
                v = np.where(fired, reset_v, np.maximum(vn, -VBIG))
                u = np.where(fired, reset_u, un)
                for i in np.flatnonzero(fired):
                    trains[i].append((k + 1) * dt)
                continue
            vn = v + dtc * (k_ * (v - vr) * (v - vt) - u + current)
            vu = _clamp(vn) if method == "izhikevich2004" else v
            if special:
                bb = np.where(vu <= v_switch, b_low, b)
                x = np.maximum(vu - params.v_cubic, 0.0)
                un = u + dta * (bb * (vu - v_u) + params.cubic * (x * x * x) - u)
                pk = peak + params.peak_u * un
                fired = vn >= pk
                reset_v = c + params.c_u * un
                reset_u = np.where(un + d < params.u_max, un + d, params.u_max)
            else:
                un = u + dta * (b * (vu - vr) - u)
                fired = vn >= peak
                reset_v, reset_u = c, un + d
            v = np.where(fired, reset_v, np.maximum(vn, -VBIG))
            u = np.where(fired, reset_u, un)
            for i in np.flatnonzero(fired):
                trains[i].append((k + 1) * dt)
    return v, u


def _interp_time(t0, dt, v_start, v_end, peak):
    """spike_time="interpolate": where the line from (t0, v_start) to the pre-reset
    (t0 + dt, v_end) meets the peak (the core's _interp_time)."""
    if v_start >= peak:
        return t0
    th = dt * ((peak - v_start) / (v_end - v_start))
    return t0 + min(th, dt)


def _run_numpy(method, n_steps, dt, v, u, offset, wave, own, noise, seed, spike_time,
               scale, a, b, c, d,
               v_peak, dta, trains, ids=None):
    """The step loop of simulate_numpy: returns the final (v, u), appends to trains."""
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_steps):
            current = _step_current(k, offset, wave, own, noise, seed, scale, v.size, ids)
            v_start, u_start = v, u
            v, u = _step(method, v, u, dt, dta, a, b, current)
            fired = v >= v_peak
            if method == "rk4":     # locate the crossings inside the step
                redo = fired | (v_start >= v_peak) if k == 0 else fired
                for i in np.flatnonzero(redo):
                    lane = _Lane2003(current[i], a[i], b[i], c[i], d[i], v_peak[i])
                    times, v[i], u[i] = _rk4_spiking_step(k * dt, dt, v_start[i], u_start[i],
                                                          lane)
                    trains[i].extend(times)
                continue
            if fired.any():
                t = (k + 1) * dt
                for i in np.flatnonzero(fired):
                    if spike_time == "interpolate":
                        trains[i].append(_interp_time(k * dt, dt, v_start[i], v[i], v_peak[i]))
                    else:
                        trains[i].append(t)
                v[fired] = c[fired]
                u[fired] += d[fired]
    return v, u


# ---------------------------------------------------------------------------
# Exact hybrid solution with solve_ivp
# ---------------------------------------------------------------------------

def _hybrid_neuron(i, a, b, c, d, v_peak, current, v0, u0, duration, method, rtol, atol,
                   max_spikes):
    """Spike times and final (v, u) of one neuron, by solve_ivp with restarts."""
    from scipy.integrate import solve_ivp  # imported here: scipy is slow to import

    def rhs(t, y):
        v, u = y
        return [0.04 * (v * v) + 5.0 * v + 140.0 - u + current, a * (b * v - u)]

    def at_peak(t, y):
        return y[0] - v_peak

    at_peak.terminal = True
    at_peak.direction = 1.0

    t = 0.0
    y = np.array([v0, u0])
    spikes = []
    while t < duration:
        sol = solve_ivp(rhs, (t, duration), y, method=method, rtol=rtol, atol=atol,
                        events=at_peak)
        if sol.status == -1:
            raise RuntimeError(f"simulate_solve_ivp: neuron {i}: the integration failed at "
                               f"t = {sol.t[-1]!r} ms: {sol.message}")
        if sol.status == 0:  # reached `duration` without a spike
            y = sol.y[:, -1]
            break
        t_spike = float(sol.t_events[0][0])
        if not t_spike > t:
            raise RuntimeError(f"simulate_solve_ivp: neuron {i}: no progress after the "
                               f"reset at t = {t!r} ms (spike again at {t_spike!r} ms)")
        if len(spikes) >= max_spikes:
            raise RuntimeError(f"simulate_solve_ivp: neuron {i}: more than max_spikes="
                               f"{max_spikes} spikes before t = {t_spike!r} ms")
        spikes.append(t_spike)
        t = t_spike
        y = np.array([c, sol.y_events[0][0][1] + d])
    return spikes, float(y[0]), float(y[1])


def simulate_solve_ivp(model="RS", current=0.0, duration=1000.0, *, n_neurons=None, v0=-65.0,
                       u0=None, method="DOP853", rtol=1e-12, atol=1e-12, max_spikes=100000):
    """Exact hybrid solution of the Izhikevich model by :func:`scipy.integrate.solve_ivp`.

    Each neuron is integrated on its own with an adaptive solver; a terminal
    event finds the time at which ``v`` crosses ``v_peak`` upwards, the spike
    is recorded at that time, the state is reset there and the integration
    restarts from the reset state, until ``duration``. Unlike the grid methods
    of :func:`izhic.simulate`, spike times are not rounded to a step, so this is
    the reference for accuracy (convergence order, spike-time errors).

    Parameters
    ----------
    model : str, Izhikevich2003 or dict
        As in :func:`izhic.simulate`: a preset name or parameters
        ``a, b, c, d[, v_peak]``, each a scalar or one value per neuron.
    current : float or array_like, shape (n_neurons,)
        Input current of each neuron, constant in time.
    duration : float
        Simulated time in ms.
    n_neurons : int, optional
        Population size when every other argument is a scalar.
    v0 : float or array_like, default -65
        Initial membrane potential (mV); must be below ``v_peak``.
    u0 : float or array_like, optional
        Initial recovery variable; default ``b * v0``.
    method : str, default "DOP853"
        Any method of :func:`scipy.integrate.solve_ivp` (``"DOP853"``,
        ``"RK45"``, ``"LSODA"``, ...), passed through.
    rtol, atol : float, default 1e-12
        Tolerances passed to :func:`scipy.integrate.solve_ivp`.
    max_spikes : int, default 100000
        Most spikes allowed per neuron; more raises ``RuntimeError`` (a guard
        against endless restarts).

    Returns
    -------
    ReferenceResult
        Spike times (ms, exact crossing times) and the state at ``duration``.

    Raises
    ------
    ValueError
        If ``v0 >= v_peak`` or ``c >= v_peak`` for some neuron (the hybrid
        solution would have to spike endlessly at one instant).
    RuntimeError
        If the solver fails, a restart makes no progress, or a neuron fires
        more than ``max_spikes`` times.

    Notes
    -----
    Between spikes the solver integrates

    .. math::

        v' = 0.04 v^2 + 5 v + 140 - u + I, \\qquad u' = a (b v - u),

    with the event :math:`v - v_{peak} = 0` (direction +1, terminal). At an
    event at time :math:`t_s`: record :math:`t_s`, set :math:`v = c`,
    :math:`u = u(t_s) + d` and restart on :math:`[t_s, \\text{duration}]`.

    Cost: everything runs in Python, one ``solve_ivp`` call per spike and a
    few thousand right-hand-side evaluations per spike at the default
    tolerances, i.e. milliseconds per spike and roughly a second per neuron
    per simulated second of a fast spiker. Use it for a handful of neurons.

    Examples
    --------
    >>> from izhic.reference import simulate_solve_ivp
    >>> res = simulate_solve_ivp("RS", current=10.0, duration=1000.0)
    >>> res.spike_times.counts().tolist()
    [23]
    """
    p = _population(model, current, n_neurons, v0, u0)
    duration = _checks.real_scalar("duration", duration, nonnegative=True)
    rtol = _checks.real_scalar("rtol", rtol, positive=True)
    atol = _checks.real_scalar("atol", atol, positive=True)
    if isinstance(max_spikes, (bool, np.bool_)) or not isinstance(max_spikes, numbers.Integral):
        raise TypeError(f"max_spikes: expected an int, got {max_spikes!r}")
    if max_spikes < 0:
        raise ValueError(f"max_spikes: must be >= 0, got {max_spikes}")
    for key in ("v0", "c"):
        above = np.flatnonzero(p[key] >= p["v_peak"])
        if above.size:
            i = int(above[0])
            raise ValueError(f"{key}: must be below v_peak for the hybrid solution; neuron {i} "
                             f"has {key}={float(p[key][i])!r}, "
                             f"v_peak={float(p['v_peak'][i])!r}")

    n = p["v0"].size
    trains = []
    v_final = np.empty(n)
    u_final = np.empty(n)
    # the solver's trial steps may run into the blow-up of v just past the peak;
    # those steps are rejected, their overflow is not an error
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n):
            spikes, v_final[i], u_final[i] = _hybrid_neuron(
                i, *(float(p[key][i]) for key in
                     ("a", "b", "c", "d", "v_peak", "current", "v0", "u0")),
                duration, method, rtol, atol, int(max_spikes))
            trains.append(spikes)
    return ReferenceResult(SpikeTrains.from_lists(trains), v_final, u_final)
