"""Independent reference implementations ("oracles") of izhic's simulations.

These functions exist to check the compiled core, not to be used for speed:

* :func:`simulate_numpy` re-implements every method of :func:`izhic.simulate`
  in plain NumPy, one Python loop iteration per time step, vectorized over
  neurons. It starts from the same validated plan as the kernel
  (:func:`izhic._plan.build_plan`) and evaluates exactly the floating-point
  expressions of the core, in the same order (the model form's own
  right-hand side, :mod:`izhic.models`), and the core is built with
  ``-ffp-contract=off``, so the two agree bit for bit: same spike times,
  same final state. It is tens to hundreds of times slower than the core.
* :func:`simulate_solve_ivp` computes the exact hybrid solution (spike times
  found as the crossings of the cut-off inside the step, reset there) with
  :func:`scipy.integrate.solve_ivp` at tight tolerances, for every model
  form, with the input as the continuous function of time it is (restarts
  at every spike, switch of the model and edge of the input). It is the
  yardstick for accuracy claims (convergence order, spike-time errors). It
  is very slow: milliseconds of Python per spike per neuron.

Examples
--------
>>> from izhic.reference import simulate_numpy, simulate_solve_ivp
>>> simulate_numpy("RS", [0, 5, 10], 1000.0, 0.25, "izhikevich2004").spike_times.counts().tolist()
[0, 11, 23]
>>> simulate_solve_ivp("RS", 10.0, 1000.0).spike_times.counts().tolist()
[23]
"""
from __future__ import annotations

import math
import numbers
from typing import NamedTuple, Optional

import numpy as np

from . import _checks, _core, _noise
from ._extras import require
from ._plan import _n_neurons, as_stimulus, build_plan
from ._time import step_times
from .models import METHODS, as_model
from .result import SpikeTrains

__all__ = ["ReferenceResult", "simulate_numpy", "simulate_solve_ivp", "normal_noise"]

#: v is held in [-VBIG, VBIG] after every update, as in the compiled core.
VBIG = _core.V_BOUND


class ReferenceResult(NamedTuple):
    """What the reference simulations return (the fields are also attributes).

    Parameters
    ----------
    spike_times : SpikeTrains
        ``spike_times[i]`` is neuron ``i``'s spike times in ms.
    v_final, u_final : ndarray, shape (n_neurons,)
        State at the end of the run (after any reset at that time).
    weights : list of ndarray or None
        Plastic runs: each Synapses object's final weights; else None.

    Examples
    --------
    >>> from izhic.reference import simulate_numpy
    >>> res = simulate_numpy("RS", 10.0, 100.0, 0.1)
    >>> res.spike_times.counts().tolist(), res.weights is None
    ([3], True)
    """

    spike_times: SpikeTrains
    v_final: np.ndarray
    u_final: np.ndarray
    weights: Optional[list] = None


def _clamp(v):
    """Hold v in [-VBIG, VBIG] (NaN stays NaN)."""
    return np.minimum(np.maximum(v, -VBIG), VBIG)


def _clamp1(x):
    x = x if x < VBIG else VBIG
    return x if x > -VBIG else -VBIG


# ---------------------------------------------------------------------------
# the noise: a counter-based hash (splitmix64's finalizer) and Box-Muller
# ---------------------------------------------------------------------------

def normal_noise(seed, neuron, step):
    """The standard normal number izhic's noise uses for (seed, neuron, step)
    (:func:`izhic._noise.normal`: a counter-based ziggurat, bit for bit the
    kernel's).

    Parameters
    ----------
    seed : int
        The run's seed (``res.seed``).
    neuron : int
        The neuron's index (or its ``neuron_ids`` entry).
    step : int
        The absolute step index (counted from t = 0 of the first run of a chain).

    Returns
    -------
    float
        The number N(0, 1); the noise of that neuron in that step is it times
        the noise amplitude (``/ sqrt(dt)`` for white noise).

    Examples
    --------
    >>> from izhic.reference import normal_noise
    >>> normal_noise(1, 0, 0) == normal_noise(1, 0, 0) != normal_noise(1, 0, 1)
    True
    """
    return _noise.normal(seed, neuron, step)


# ---------------------------------------------------------------------------
# One step of every method, from the model form's expressions
# ---------------------------------------------------------------------------

def _rk4_stages(m, v, u, current, h, clamp):
    """One classic RK4 step of length h: the same expressions, in the same
    order, as the kernel's RK4 lanes (k1 + 2 k2 + 2 k3 + k4, left to right).
    ``current``: held over the step, or (at t, at t + h/2, at t + h)."""
    ia, ib, ic = current if isinstance(current, tuple) else (current, current, current)
    h2, h6 = 0.5 * h, h / 6.0
    kv, ku = m.dv(v, u, ia), m.du(v, u)
    av, au = kv, ku
    for stage, hs in enumerate((h2, h2, h)):            # stages 2, 3, 4
        x, y = clamp(v + hs * kv), u + hs * ku
        kv, ku = m.dv(x, y, ib if stage < 2 else ic), m.du(x, y)
        if stage < 2:
            av, au = av + 2.0 * kv, au + 2.0 * ku
    return v + h6 * (av + kv), u + h6 * (au + ku)


def _grid_step(m, method, v, u, dt, current):
    """(v1, u1) before any reset, v1 clamped as the kernel clamps it; the
    Euler-type methods hold the current of t_k (``current[0]`` when the
    stage currents are given)."""
    if method != "rk4" and method != "rk4_grid" and isinstance(current, tuple):
        current = current[0]
    if method == "euler":
        return _clamp(m.euler_v(v, u, current, dt)), m.euler_u(u, v, dt)
    if method == "izhikevich2004":
        v1 = _clamp(m.euler_v(v, u, current, dt))
        return v1, m.euler_u(u, v1, dt)
    if method == "izhikevich2003":
        vh = _clamp(m.euler_v(v, u, current, 0.5 * dt))
        v1 = _clamp(m.euler_v(vh, u, current, 0.5 * dt))
        return v1, m.euler_u(u, v1, dt)
    v1, u1 = _rk4_stages(m, v, u, current, dt, _clamp)     # rk4, rk4_grid
    return _clamp(v1), u1


# ---------------------------------------------------------------------------
# Spike location of method "rk4": a line-by-line port of the core's scalar
# code (izhic/_core.pyx: _rk4_one, _rk4_locate, _rk4_spiking_step). Python
# floats are IEEE doubles without fused multiply-add, so the bits agree.
# ---------------------------------------------------------------------------

class _StepCurrent:
    """The current of one neuron through a step, t ms into it: held (``I``),
    or I + sum_g s_g exp(-t rate_g) with exponential synapses (the kernel's
    _I_at). With waveform input (``pieces``: (start, length, (at start,
    middle, end)) of each piece of the step), the piece's quadratic through
    its three values replaces I (the kernel's _lane_piece)."""

    def __init__(self, I, s=(), rates=(), pieces=None):
        self.I, self.s, self.rates = I, tuple(s), tuple(rates)
        self.pieces = pieces
        self.varies = bool(self.s) or pieces is not None
        if pieces is not None:
            self.use(0)

    def use(self, p):
        start, H, (ya, yh, yb) = self.pieces[p]
        dh, db = yh - ya, yb - ya
        self.pst, self.pa = start, ya
        self.pc1 = (4.0 * dh - db) / H
        self.pc2 = (2.0 * (db - 2.0 * dh)) / (H * H)

    def at(self, t):
        if self.pieces is not None:
            tau = t - self.pst
            x = self.pa + tau * (self.pc1 + tau * self.pc2)
        else:
            x = self.I
        for s, r in zip(self.s, self.rates):
            x = x + s * math.exp(-t * r)
        return x

    def stages(self, t0, h):
        if not self.varies:
            return self.I
        return (self.at(t0), self.at(t0 + 0.5 * h), self.at(t0 + h))


def _riccati_guess(m, I, v, u, t0, H):
    """Newton's start: the time v takes to the peak with u and the current
    frozen (v' = q2 v^2 + q1 v + c0, solved exactly; the kernel's
    _riccati_guess); 0 where it does not get there within H."""
    cur = I.at(t0) if I.varies else I.I
    P = float(m.peak(u))
    if isinstance(m, _Branch) or hasattr(m, "vt"):
        k, vr, vt, invc = m.k, m.vr, m.vt, 1.0 / m.C
        q2 = k * invc
        q1 = -k * (vr + vt) * invc
        c0 = (k * vr * vt - u + cur) * invc
    else:
        q2, q1, c0 = m.quadratic, m.linear, m.constant - u + cur
    if not q2 > 0.0 or not P > v:
        return 0.0
    D = q1 * q1 - 4.0 * q2 * c0
    if D < 0.0:
        s = math.sqrt(-D)
        T = (2.0 / s) * (math.atan((2.0 * q2 * P + q1) / s) - math.atan((2.0 * q2 * v + q1) / s))
    else:
        s = math.sqrt(D)
        rp = (-q1 + s) / (2.0 * q2)
        rm = (-q1 - s) / (2.0 * q2)
        if not v > rp or s == 0.0:
            return 0.0
        T = math.log(((P - rp) * (v - rm)) / ((P - rm) * (v - rp))) / (q2 * (rp - rm))
    return T if 0.0 < T < H else 0.0


#: ms: a Newton correction of a spike time this small (in a sub-step H <= 0.05
#: ms) is taken without another RK4 step (the kernel's)
LOCATE_ACCEPT = 3e-6
#: ms: the same above H = 0.05 ms, times (0.05 / H)^4
LOCATE_ACCEPT_LONG = 1e-6


def _hermite_guess(m, I, v, u, v1, u1, H, t0):
    """Newton's start for a spike (the kernel's _hermite_guess): the time as a
    cubic Hermite interpolant over the sub-step (0 at its start, H at its end
    (v1, u1), slopes from v'), at the cut-off; in y = -1/(v + sigma), sigma =
    q1 / (2 q2) (on the upstroke v ~ -1/(q2 (t - t*)), so the time is nearly
    linear in y), or in F = v - peak(u) where the cut-off moves with u. 0
    where it is unusable."""
    c0 = I.at(t0) if I.varies else I.I
    c1 = I.at(t0 + H) if I.varies else I.I
    if getattr(m, "special", False) and m.peak_u != 0.0:
        y0 = v - m.peak(u)
        y1 = v1 - m.peak(u1)
        yp = 0.0
        f0 = m.crossing_slope(v, u, c0)
        f1 = m.crossing_slope(v1, u1, c1)
        if not (f0 > 0.0 and f1 > 0.0):
            return 0.0
        g0 = 1.0 / f0
        g1 = 1.0 / f1
    else:
        if hasattr(m, "vt"):
            sig = -(m.vr + m.vt) * 0.5
        elif m.quadratic > 0.0:
            sig = m.linear / (2.0 * m.quadratic)
        else:
            return 0.0
        z0 = v + sig
        z1 = v1 + sig
        zp = m.peak(u) + sig
        f0 = m.dv(v, u, c0)
        f1 = m.dv(v1, u1, c1)
        if not (z0 > 0.0 and z1 > 0.0 and zp > 0.0 and f0 > 0.0 and f1 > 0.0):
            return 0.0
        y0 = -1.0 / z0
        y1 = -1.0 / z1
        yp = -1.0 / zp
        g0 = (z0 * z0) / f0
        g1 = (z1 * z1) / f1
    D = y1 - y0
    if not (D > 0.0):
        return 0.0
    x = (yp - y0) / D
    y = 1.0 - x
    T = H * (x * (y * (y * (g0 * D / H))) + x * (x * ((3.0 - 2.0 * x) - y * (g1 * D / H))))
    return T if 0.0 < T < H else 0.0


def _rk4_locate(m, I, v, u, H, t0=0.0, kink=None, sgn=1.0, end=None):
    """theta in (0, H] where one RK4 step of length theta from (v, u) reaches
    the cut-off (given v < peak <= v_RK4(H)), and the state there: Newton with
    the crossing's slope, kept inside the bracket, from the Hermite guess
    (``end``: the state at H; sub-steps up to 0.125 ms) or the Riccati one.
    A correction below LOCATE_ACCEPT (scaled down for long sub-steps) is
    taken without another RK4 step (the state moved along its slopes).
    ``I``: the step's current (a _StepCurrent), ``t0``: the sub-step's
    start. With ``kink``: where it crosses v = kink instead, upward (sgn 1)
    or downward, from theta = 0."""
    tlo, thi, th = 0.0, H, 0.0
    vt, ut = v, u
    accept = LOCATE_ACCEPT
    if H > 0.05:
        r = 0.05 / H
        accept = LOCATE_ACCEPT_LONG * (r * r) * (r * r)
    if kink is None:
        if end is not None and H <= 0.125:
            th = _hermite_guess(m, I, v, u, end[0], end[1], H, t0)
        if th == 0.0:
            th = _riccati_guess(m, I, v, u, t0, H)
        if th > 0.0:
            vt, ut = _rk4_stages(m, v, u, I.stages(t0, th), th, _clamp1)
    for it in range(60):
        f = vt - m.peak(ut) if kink is None else sgn * (vt - kink)
        if f >= 0.0 and th == 0.0:
            break
        if f >= 0.0:
            thi = th
        else:
            tlo = th
        if kink is None:
            slope = m.crossing_slope(vt, ut, I.at(t0 + th) if I.varies else I.I)
        else:
            slope = sgn * m.dv(vt, ut, I.at(t0 + th) if I.varies else I.I)
        tn = th - f / slope if slope > 0.0 else -1.0
        newton = tlo < tn < thi
        if not newton:
            tn = 0.5 * (tlo + thi)
        if abs(tn - th) <= 1e-10 and th > 0.0:
            break
        if kink is None and newton and th > 0.0 and abs(tn - th) <= accept:
            cur = I.at(t0 + th) if I.varies else I.I
            ds = tn - th
            return tn, vt + ds * m.dv(vt, ut, cur), ut + ds * m.du(vt, ut)
        th = tn
        vt, ut = _rk4_stages(m, v, u, I.stages(t0, th), th, _clamp1)
    return th, vt, ut


class _Branch:
    """A 2007 model whose u-nullcline keeps one branch of b whatever v is
    (``upper``: b, else b_low): the kernel's _B07 with bside >= 0."""

    def __init__(self, m, upper):
        self._m, self._upper = m, upper

    def __getattr__(self, name):
        return getattr(self._m, name)

    def du(self, v, u):
        m = self._m
        bb = m.b if self._upper else m.b_low
        z = max(v - m.v_cubic, 0.0)
        v_u = m.vr if m.v_u is None else m.v_u
        return m.a * ((bb * (v - v_u) + m.cubic * (z * z * z)) - u)


def _rk4_spiking_step(m, I, t0, t1, dt, v, u, kinks=(), kink_b=-1):
    """Step [t0, t1] from (v, u), redone piece by piece (one piece unless the
    input has an edge inside the step) in two RK4 sub-steps, each sub-step
    that crosses a switch of the form (``kinks``) cut there: spike times and
    the state at its end (time measured from the start of the step). ``I``:
    a number (held) or a _StepCurrent."""
    if not isinstance(I, _StepCurrent):
        I = _StepCurrent(I)
    s = 0.0
    times = []
    n_sw = 0
    above = [v > kk for kk in kinks]
    if v >= m.peak(u):
        times.append(t0)
        v, u = m.reset(v, u)
        above = [v > kk for kk in kinks]
    pieces = I.pieces if I.pieces is not None else [(0.0, dt, None)]
    for p, (start, length, _) in enumerate(pieces):
        if I.pieces is not None:
            I.use(p)
        if p > 0:
            s = start
        end = dt if p == len(pieces) - 1 else start + length
        while end - s > 1e-12 * dt:
            n_sub = 2 if not times else 1       # after a reset: the rest in one step
            h = (end - s) / n_sub
            crossing = switched = False
            for _ in range(n_sub):
                v1, u1 = _rk4_stages(m, v, u, I.stages(s, h), h, _clamp1)
                if n_sw < 64 and any((v1 > kk) != ab for kk, ab in zip(kinks, above)):
                    switched = True
                if switched or v1 >= m.peak(u1):
                    crossing = True
                    break
                v, u = v1, u1
                s = s + h
            if not crossing:
                break
            if switched:
                best = (h, v1, u1, 0)
                for q, kk in enumerate(kinks):
                    if (v1 > kk) != above[q]:
                        # the located step is the old branch's (the kernel's bside)
                        mq = _Branch(m, above[q]) if q == kink_b else m
                        tq, vq, uq = _rk4_locate(mq, I, v, u, h, s, kink=kk,
                                                 sgn=-1.0 if above[q] else 1.0)
                        if tq <= best[0]:
                            best = (tq, vq, uq, q)
                q = best[3]
                above[q] = not above[q]
                s = s + best[0]
                # on the switch, on its new side (the kernel's rule)
                v = math.nextafter(kinks[q], math.inf) if above[q] else kinks[q]
                u = best[2]
                n_sw += 1
                continue
            if len(times) >= _core.SPIKES_PER_STEP_LIMIT:
                raise ValueError("current: too many spikes within one step")
            th, vx, ux = _rk4_locate(m, I, v, u, h, s, end=(v1, u1))
            s = s + th
            times.append(min(t0 + s, t1))
            v, u = m.reset(vx, ux)
            above = [v > kk for kk in kinks]
    return times, float(v), float(u)


def _interp_time(t0, t1, dt, v_start, v_end, peak):
    """spike_time="interpolate": where the line from (t0, v_start) to the
    pre-reset (t1, v_end) meets the peak (the core's _interp_time)."""
    if v_start >= peak:
        return t0
    th = dt * ((peak - v_start) / (v_end - v_start))
    return min(t0 + min(th, dt), t1)


def _step_current(plan, k):
    """offset + shared(t_k) + own_i(t_k) + noise_i(k), added in this order;
    ``k`` counts this run's steps, the noise is keyed by the absolute step."""
    current = plan.current
    if plan.wave is not None:
        current = current + plan.wave[k]
    if plan.own is not None:
        current = current + plan.own[k]
    if plan.noise is not None:
        ids = range(plan.n) if plan.neuron_ids is None else plan.neuron_ids
        step = plan.step0 + k
        keys = [_noise.stream_key(plan.seed, int(i)) for i in ids]
        current = current + plan.noise * np.array(
            [_noise.normal_from_key(key, step) for key in keys])
    return current


def _noise_of(plan, k):
    ids = range(plan.n) if plan.neuron_ids is None else plan.neuron_ids
    keys = [_noise.stream_key(plan.seed, int(i)) for i in ids]
    return plan.noise * np.array([_noise.normal_from_key(key, plan.step0 + k) for key in keys])


def _stage_currents(plan, k):
    """rk4 with waveforms: ((offset + shared) + own) + noise at t_k, t_k + dt/2
    and t_{k+1} (the kernel's _stage_currents), and the noise alone."""
    nz = _noise_of(plan, k) if plan.noise is not None else None
    out = []
    for st in range(3):
        x = plan.current
        if plan.wave3 is not None:
            x = x + plan.wave3[k, st]
        if plan.own3 is not None:
            x = x + plan.own3[k, st]
        if nz is not None:
            x = x + nz
        out.append(x)
    return tuple(out), nz


def _piece_currents(plan, k, i, nz, acc):
    """Neuron i's pieces of split step k: [(start, length, (start, middle, end))]."""
    p0, p1 = int(plan.split[k]), int(plan.split[k + 1])
    pieces = []
    for p in range(p0, p1):
        tri = []
        for st in range(3):
            x = float(plan.current[i])
            if plan.piece_wave is not None:
                x = x + float(plan.piece_wave[p, st])
            if plan.piece_own is not None:
                x = x + float(plan.piece_own[p, st, i])
            if nz is not None:
                x = x + float(nz[i])
            if acc is not None:
                x = x + float(acc[i])
            tri.append(x)
        pieces.append((float(plan.piece_start[p]), float(plan.piece_length[p]), tuple(tri)))
    return pieces


#: the methods :func:`simulate_numpy` ports (every method but "ps", whose oracle is
#: :func:`simulate_solve_ivp`)
NUMPY_METHODS = tuple(m for m in METHODS if m != "ps")


def simulate_numpy(model="RS", current=0.0, duration=1000.0, dt=0.1, method=None, *,
                   n_neurons=None, v0=None, u0=None, noise=None, noise_kind="white",
                   seed=None, spike_time=None, neuron_ids=None, state=None, synapses=None,
                   poisson=None, plasticity=None):
    """Plain-NumPy reference of :func:`izhic.simulate` (same bits, much slower).

    Parameters
    ----------
    model, current, duration, dt, method, n_neurons, v0, u0, noise, noise_kind, seed, spike_time, neuron_ids, state, synapses, poisson, plasticity
        As in :func:`izhic.simulate` (every model form and method but
        ``"ps"``, networks of every synapse kind, both plasticity rules; give
        ``seed`` with noise to compare runs). Method ``"ps"`` is refused: its
        oracle is the exact hybrid solution, :func:`simulate_solve_ivp`.

    Returns
    -------
    ReferenceResult
        Spike times, the final state and (plastic runs) the final weights;
        equal bit for bit to those of :func:`izhic.simulate` with the same
        arguments.

    Notes
    -----
    Step ``k`` takes the state at ``t_k`` to ``t_{k+1}``. With the model
    form's ``f = dv/dt`` and ``g = du/dt`` (:mod:`izhic.models`: e.g.
    ``0.04*(v*v) + 5.0*v + 140.0 - u + I``, left to right, for the 2003 form):

    ============== ==========================================================
    euler          v1 = v + dt f(v, u);  u1 = u + (dt a)(b v - u)
    izhikevich2004 v1 = v + dt f(v, u);  u1 = u + (dt a)(b v1 - u)
    izhikevich2003 vh = v + (dt/2) f(v, u);  v1 = vh + (dt/2) f(vh, u);
                   u1 = u + (dt a)(b v1 - u)
    rk4_grid       classic RK4 of (f, g) with h = dt/2,
                   v1 = v + (dt/6) (k1v + 2 k2v + 2 k3v + k4v), same for u
    rk4            the same step, the input at the stage times (t_k,
                   t_k + dt/2, t_{k+1}); where it ends at or above the
                   cut-off, crosses a switch of the form or has an input edge
                   inside, the step is redone neuron by neuron, piece by
                   piece: each crossing of the step map is located
                   (safeguarded Newton), the neuron is reset (or switched)
                   there and the rest of the step is integrated from there
    ============== ==========================================================

    (the 2007 form: ``v + (dt/C)(k (v - vr)(v - vt) - u + I)`` and
    ``u + (dt a)(B(v) - u)``). Every new v (``vh``, the RK4 stage values and
    ``v1``) is held in ``[-1e150, 1e150]`` right after it is computed. Then,
    where ``v1 >= v_peak`` (the 2007 special cells: ``v_peak + peak_u u1``),
    the neuron spikes at ``t_{k+1}`` and is reset. Arithmetic is IEEE
    non-stop, as in C.

    Examples
    --------
    >>> from izhic.reference import simulate_numpy
    >>> res = simulate_numpy("RS", current=[0, 5, 10], duration=1000.0, dt=0.25,
    ...                      method="izhikevich2004")
    >>> res.spike_times.counts().tolist()
    [0, 11, 23]
    """
    if method == "ps":
        raise ValueError("method: 'ps' has no NumPy port (its sub-steps and orders adapt to "
                         "the state; its oracle is the exact hybrid solution, "
                         "izhic.reference.simulate_solve_ivp)")
    plan = build_plan(model, current, duration, dt, method, n_neurons=n_neurons, v0=v0, u0=u0,
                      noise=noise, noise_kind=noise_kind, seed=seed, neuron_ids=neuron_ids,
                      spike_time=spike_time, state=state, n_threads=1, synapses=synapses,
                      poisson=poisson, plasticity=plasticity, for_kernel=False)
    return run_plan_numpy(plan)


class _NetworkInput:
    """The network input of a NumPy run, step by step, in the documented order:
    per accumulator, the current events, then the Poisson inputs, then the
    synaptic arrivals (newest spikes first; among the spikes of one step,
    decreasing neuron index; for one spike the Synapses objects in order;
    within one, storage order)."""

    def __init__(self, plan):
        net = plan.network
        self.net, self.n, self.step0, self.dt = net, plan.n, plan.step0, plan.dt
        self.history = {}                     # step -> neurons that spiked (in order)
        for i, k in zip(net.in_flight_neuron.tolist(), net.in_flight_step.tolist()):
            self.history.setdefault(k, []).append(i)
        self.groups = []                      # per projection: (pre, steps) -> synapse indices
        for pr in net.projections:
            sizes = np.diff(pr.gstart)
            pre = np.repeat(np.repeat(np.arange(self.n), np.diff(pr.gptr)), sizes)
            steps = np.repeat(pr.dsteps[pr.gdidx], sizes)
            table = {}
            for idx, key in enumerate(zip(pre.tolist(), steps.tolist())):
                table.setdefault(key, []).append(idx)
            self.groups.append(table)
        self.poisson_keys = [q.keys.tolist() for q in net.poisson]

    def accumulate(self, k):
        """The accumulators of absolute step k: a list of (n,) arrays."""
        net, n = self.net, self.n
        acc = [np.zeros(n) for _ in range(net.n_acc)]
        if net.ev_ptr is not None:
            local = k - self.step0
            for e in range(net.ev_ptr[local], net.ev_ptr[local + 1]):
                i = int(net.ev_neuron[e])
                acc[net.acc_current][i] = acc[net.acc_current][i] + net.ev_amp[e]
        for j in range(net.kick_n):
            i = _noise.kick_neuron(net.kick_key, k, j, net.kick_n, n)
            acc[net.acc_current][i] = acc[net.acc_current][i] + net.kick_amp
        for q, keys in zip(net.poisson, self.poisson_keys):
            target = acc[q.acc]
            for i in range(n):
                cnt = _noise.poisson_count(keys[i], k, q.emlam, q.lam)
                if cnt:
                    target[i] = target[i] + q.weight * float(cnt)
        for m in range(1, net.max_delay + 1):
            for i in reversed(self.history.get(k - m, ())):
                for pr, table in zip(net.projections, self.groups):
                    target = acc[pr.acc]
                    for idx in table.get((i, m), ()):
                        target[pr.post[idx]] = target[pr.post[idx]] + pr.weight[idx]
                        if pr.rule and (pr.mask is None or pr.mask[idx]):
                            self._depress(pr, idx, k)
        return acc

    # -- plasticity (izhic.plasticity), synapse by synapse ---------------------------
    def _depress(self, pr, s, k):
        net, i = self.net, int(pr.post[s])
        p = net.stdp
        if net.rule == 1:
            pr.sd[s] = pr.sd[s] - p["ltd_ratio"] * net.traces[(k % net.n_cols) * self.n + i]
        else:
            pr.apre[s] = _decay(pr.apre[s], k - pr.tpre[s], self.dt, p["tau_plus"]) + p["a_plus"]
            pr.tpre[s] = k
            y = _decay(net.apost[i], k - net.tpost[i], self.dt, p["tau_minus"])
            pr.weight[s] = min(max(pr.weight[s] - y, p["w_min"]), p["w_max"])

    def after_step(self, k, spiked):
        """Weight update (end of an interval), traces, potentiation."""
        net, n, p = self.net, self.n, self.net.stdp
        if not net.rule:
            return
        if net.rule == 1 and (k + 1) % net.interval == 0:
            for pr in net.projections:
                if pr.rule:
                    sel = slice(None) if pr.mask is None else pr.mask.astype(bool)
                    pr.weight[sel] = np.clip((p["bias"] + pr.weight[sel]) + pr.sd[sel],
                                             p["w_min"], p["w_max"])
                    pr.sd[sel] = p["derivative_decay"] * pr.sd[sel]
        if net.rule == 1:
            new = ((k + 1) % net.n_cols) * n
            old = (k % net.n_cols) * n
            net.traces[new:new + n] = p["trace_decay"] * net.traces[old:old + n]
            for i in spiked:
                net.traces[new + i] = p["trace_amplitude"]
        for i in spiked:
            if net.rule == 2:
                net.apost[i] = _decay(net.apost[i], k + 1 - net.tpost[i], self.dt,
                                      p["tau_minus"]) + p["a_minus"]
                net.tpost[i] = k + 1
            for pr in net.projections:
                if not pr.rule:
                    continue
                for q in range(pr.in_ptr[i], pr.in_ptr[i + 1]):
                    s = pr.in_syn[q]
                    if net.rule == 1:
                        col = k + 1 - int(pr.in_dly[q])
                        if col >= 0:
                            pr.sd[s] = pr.sd[s] + net.traces[(col % net.n_cols) * n
                                                             + pr.in_pre[q]]
                    else:
                        x = _decay(pr.apre[s], k + 1 - pr.tpre[s], self.dt, p["tau_plus"])
                        pr.weight[s] = min(max(pr.weight[s] + x, p["w_min"]), p["w_max"])

    def step_input(self, acc, current, v, syn):
        """-> (v after the jumps, B, (I at t_k, t_k + dt/2, t_k + dt) or I held).
        ``current``: held, or (rk4 with waveforms) its values at the three
        stage times; then B is those three, each + the current input."""
        net = self.net
        if net.acc_voltage >= 0:
            v = v + acc[net.acc_voltage]
        if isinstance(current, tuple):
            B = tuple(x + acc[net.acc_current] for x in current) if net.acc_current >= 0 \
                else current
            for g in range(net.n_exp):
                syn[g] = syn[g] + acc[net.first_exp + g]
            x, xh, x4 = B
            for g in range(net.n_exp):
                x = x + syn[g]
                xh = xh + syn[g] * net.exp_half[g]
                x4 = x4 + syn[g] * net.exp_full[g]
            return v, B, (x, xh, x4)
        B = current + acc[net.acc_current] if net.acc_current >= 0 else current
        if not net.n_exp:
            return v, B, B
        for g in range(net.n_exp):
            syn[g] = syn[g] + acc[net.first_exp + g]
        x = xh = x4 = B
        for g in range(net.n_exp):
            x = x + syn[g]
            xh = xh + syn[g] * net.exp_half[g]
            x4 = x4 + syn[g] * net.exp_full[g]
        return v, B, (x, xh, x4)


def run_plan_numpy(plan):
    """Run a plan (:func:`izhic._plan.build_plan`) in NumPy; -> ReferenceResult."""
    n, dt, method = plan.n, plan.dt, plan.method
    m = plan.model.broadcast(n)
    v, u = plan.v.copy(), plan.u.copy()
    trains = [[] for _ in range(n)]
    net = None if plan.network is None else _NetworkInput(plan)
    syn = None if net is None else [plan.network.syn[g * n:(g + 1) * n].copy()
                                    for g in range(plan.network.n_exp)]
    jumps = net is not None and plan.network.acc_voltage >= 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(plan.n_steps):
            kk = plan.step0 + k
            t0, t1 = float(step_times(kk, dt)), float(step_times(kk + 1, dt))
            nz = acc = None
            if plan.staged:
                current, nz = _stage_currents(plan, k)
            else:
                current = _step_current(plan, k)
            stage_current = current
            if net is not None:
                accs = net.accumulate(kk)
                if plan.network.acc_current >= 0:
                    acc = accs[plan.network.acc_current]
                v, B, stage_current = net.step_input(accs, current, v, syn)
            elif plan.staged:
                B = current
            v_start, u_start = v, u
            v1, u1 = _grid_step(m, method, v, u, dt, stage_current)
            fired = v1 >= m.peak(u1)
            spiked = []
            if method == "rk4":     # locate the crossings inside the step
                v, u = np.maximum(v1, -VBIG), u1
                redo = fired | (v_start >= m.peak(u_start)) if (k == 0 or jumps) else fired
                split = plan.split is not None and plan.split[k + 1] > plan.split[k]
                if split:           # an input edge inside the step: every neuron is redone
                    redo = np.ones(n, dtype=bool)
                for kink in plan.kinks:   # and every neuron that crossed a switch
                    redo = redo | ((v_start > kink) != (v > kink))
                for i in np.flatnonzero(redo):
                    s_exp = rates = ()
                    if net is not None and plan.network.n_exp:
                        s_exp = [float(x[i]) for x in syn]
                        rates = plan.network.exp_rate.tolist()
                    if split:
                        lane = _StepCurrent(0.0, s_exp, rates,
                                            _piece_currents(plan, k, int(i), nz, acc))
                    elif plan.staged:
                        lane = _StepCurrent(0.0, s_exp, rates,
                                            [(0.0, dt, tuple(float(x[i]) for x in B))])
                    elif s_exp:
                        lane = _StepCurrent(float(B[i]), s_exp, rates)
                    else:
                        lane = float((stage_current[0] if isinstance(stage_current, tuple)
                                      else stage_current)[i])
                    times, v[i], u[i] = _rk4_spiking_step(m.take(int(i)), lane, t0, t1, dt,
                                                          float(v_start[i]), float(u_start[i]),
                                                          plan.kinks, plan.kink_b)
                    trains[i].extend(times)
                    spiked += [int(i)] * len(times)
            else:
                reset_v, reset_u = m.reset(v1, u1)
                v = np.where(fired, reset_v, np.maximum(v1, -VBIG))
                u = np.where(fired, reset_u, u1)
                if fired.any():
                    peak = np.broadcast_to(m.peak(u1), (n,))
                    for i in np.flatnonzero(fired):
                        trains[i].append(_interp_time(t0, t1, dt, v_start[i], v1[i], peak[i])
                                         if plan.interpolate else t1)
                    spiked = np.flatnonzero(fired).tolist()
            if net is not None:
                net.history[kk] = spiked
                for g in range(plan.network.n_exp):
                    syn[g] = syn[g] * plan.network.exp_full[g]
                net.after_step(kk, spiked)
    weights = None
    if plan.network is not None and plan.network.rule:
        weights = [pr.weight for pr in plan.network.projections]
    return ReferenceResult(SpikeTrains.from_lists(trains), v, u, weights)


def _decay(x, steps, dt, tau):
    """x after ``steps`` steps of exponential decay (as the kernel computes it)."""
    if x == 0.0:
        return 0.0
    return x * math.exp(-(float(steps) * dt) / tau)


# ---------------------------------------------------------------------------
# Exact hybrid solution with solve_ivp
# ---------------------------------------------------------------------------

def _input_function(stim, i, duration):
    """(I(t, side) for neuron i as a function of t, sorted edges in
    (0, duration) where it or its slope jumps). ``side`` -1 gives the limit
    from the left, +1 from the right, 0 the value: a piece between two edges
    sees the input of its own interior at both ends (its solver's last stages
    evaluate the piece's end)."""
    offset = float(np.broadcast_to(np.asarray(stim.offset, dtype=np.float64),
                                   (i + 1,))[i]) if np.ndim(stim.offset) else float(stim.offset)
    parts = []
    edges = []
    if stim.shared is not None:
        if stim.shared.edges is None:
            raise ValueError(f"current: the waveform {stim.shared.description} does not say "
                             "where it jumps, so solve_ivp cannot restart there; build it from "
                             "izhic.inputs (step, pulse, pulses, ramp, sampled), or pass "
                             "edges= to inputs.function")
        parts.append(stim.shared)
        edges += list(stim.shared.edges)
    if stim.own is not None:
        raise ValueError("current: per-neuron sampled waveforms are not supported by "
                         "simulate_solve_ivp; pass each neuron's waveform as a shared one")

    def I(t, side=0):
        x = offset
        tt = np.array([t])
        for w in parts:
            value = w.values_left if side < 0 else (w.values_right if side > 0 else w.values)
            x = x + float(value(tt)[0])
        return x

    edges = sorted({float(e) for e in edges if 0.0 < e < duration})
    return I, edges


def _hybrid_neuron(i, m, I, edges, v0, u0, duration, method, rtol, atol, max_spikes):
    """Spike times and final (v, u) of one neuron, by solve_ivp with restarts
    at spikes, at the form's switches and at the input's edges."""
    # imported here: scipy is optional (the scipy extra) and slow to import
    solve_ivp = require("scipy.integrate", "scipy", "simulate_solve_ivp").solve_ivp

    piece = [0.0, duration]         # the input piece being integrated (between edges)

    def rhs(t, y):
        side = -1 if t >= piece[1] else (1 if t <= piece[0] else 0)
        return [m.dv(y[0], y[1], I(t, side)), m.du(y[0], y[1])]

    def at_peak(t, y):
        return y[0] - m.peak(y[1])

    at_peak.terminal = True
    at_peak.direction = 1.0
    events = [at_peak]
    for kink in m.kinks():
        def at_kink(t, y, kink=kink):
            return y[0] - kink
        at_kink.terminal = True
        events.append(at_kink)

    t = 0.0
    y = np.array([v0, u0], dtype=np.float64)
    spikes = []
    stops = edges + [duration]
    seg = 0
    while t < duration:
        while seg < len(stops) and stops[seg] <= t:
            seg += 1
        t_end = stops[seg] if seg < len(stops) else duration
        piece[0] = stops[seg - 1] if seg > 0 else 0.0
        piece[1] = t_end
        sol = solve_ivp(rhs, (t, t_end), y, method=method, rtol=rtol, atol=atol,
                        events=events)
        if sol.status == -1:
            raise RuntimeError(f"simulate_solve_ivp: neuron {i}: the integration failed at "
                               f"t = {sol.t[-1]!r} ms: {sol.message}")
        if sol.status == 0:  # reached the end of the piece without an event
            y = sol.y[:, -1]
            t = t_end
            continue
        hits = [(float(te[0]), j) for j, te in enumerate(sol.t_events) if te.size]
        t_ev, j = min(hits)
        y_ev = sol.y_events[j][0]
        if j == 0:
            if not t_ev > t or (spikes and t_ev <= spikes[-1]):
                raise RuntimeError(f"simulate_solve_ivp: neuron {i}: no progress after the "
                                   f"reset at t = {t!r} ms (spike again at {t_ev!r} ms)")
            if len(spikes) >= max_spikes:
                raise RuntimeError(f"simulate_solve_ivp: neuron {i}: more than max_spikes="
                                   f"{max_spikes} spikes before t = {t_ev!r} ms")
            spikes.append(t_ev)
            v_r, u_r = m.reset(float(y_ev[0]), float(y_ev[1]))
            y = np.array([float(v_r), float(u_r)])
        else:   # a switch of the model: restart there, on the other side
            # (v just past the switch, so that the right-hand side starts on the
            # branch that applies from here, and the event is not found again)
            kink = m.kinks()[j - 1]
            up = m.dv(float(y_ev[0]), float(y_ev[1]),
                      I(t_ev, -1 if t_ev >= piece[1] else (1 if t_ev <= piece[0] else 0))) > 0.0
            y = np.array([math.nextafter(kink, math.inf if up else -math.inf), float(y_ev[1])])
            if t_ev <= t:
                # the kink sits exactly at the start: step across it with the solver
                y = solve_ivp(rhs, (t, min(t + 1e-9, t_end)), y, method=method, rtol=rtol,
                              atol=atol).y[:, -1]
                t_ev = min(t + 1e-9, t_end)
        t = t_ev
    return spikes, float(y[0]), float(y[1])


def simulate_solve_ivp(model="RS", current=0.0, duration=1000.0, *, n_neurons=None, v0=None,
                       u0=None, method="DOP853", rtol=1e-12, atol=1e-12, max_spikes=100000):
    """Exact hybrid solution of the Izhikevich model by :func:`scipy.integrate.solve_ivp`.

    Each neuron is integrated on its own with an adaptive solver; a terminal
    event finds the time at which ``v`` crosses the cut-off upwards, the
    spike is recorded at that time, the state is reset there and the
    integration restarts from the reset state, until ``duration``. The
    integration also restarts where the model switches (the 2007 form's
    ``v_switch`` and ``v_cubic``) and at every edge of the input, which
    enters as the continuous function of time it is (not sampled on a
    grid). Unlike the grid methods of :func:`izhic.simulate`, spike times are
    not rounded to a step, so this is the reference for accuracy
    (convergence order, spike-time errors).

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict
        As in :func:`izhic.simulate`: every model form, each field a scalar
        or one value per neuron.
    current : float, array_like (n_neurons,), Waveform or Stimulus
        Input current: constant per neuron, plus optionally one shared
        waveform of :mod:`izhic.inputs` whose edges are known (step, pulse,
        pulses, ramp, sampled, or ``function(..., edges=...)``).
    duration : float
        Simulated time in ms.
    n_neurons : int, optional
        Population size when every other argument is a scalar.
    v0 : float or array_like, optional
        Initial membrane potential (mV), below the cut-off; the form's
        default (-65 for the 2003 form, vr for the 2007 form).
    u0 : float or array_like, optional
        Initial recovery variable; the form's default (``b v0`` or 0).
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
        If ``v0`` or the reset lies at or above the cut-off for some neuron
        (the hybrid solution would have to spike endlessly at one instant),
        for noise (not a deterministic problem), or for a waveform whose
        edges are unknown.
    RuntimeError
        If the solver fails, a restart makes no progress, or a neuron fires
        more than ``max_spikes`` times.

    Notes
    -----
    Between events the solver integrates the model form's own right-hand side
    (:meth:`izhic.Izhikevich2003.dv`, ``.du``; for the 2003 form
    ``v' = 0.04 v^2 + 5 v + 140 - u + I``, ``u' = a (b v - u)``) with the
    event ``v - peak(u) = 0`` (direction +1, terminal). At an event at time
    ``t_s``: record ``t_s``, reset (``v = c``, ``u = u(t_s) + d``, or the
    form's reset) and restart on ``[t_s, duration]``.

    Cost: everything runs in Python, one ``solve_ivp`` call per spike and a
    few thousand right-hand-side evaluations per spike at the default
    tolerances, i.e. milliseconds per spike and roughly a second per neuron
    per simulated second of a fast spiker. Use it for a handful of neurons.

    Examples
    --------
    >>> import izhic
    >>> from izhic.reference import simulate_solve_ivp
    >>> res = simulate_solve_ivp("RS", current=10.0, duration=1000.0)
    >>> res.spike_times.counts().tolist()
    [23]
    >>> simulate_solve_ivp(izhic.PRESETS_2007["RS"], 100.0, 520.0).spike_times.counts().tolist()
    [7]
    """
    m0 = as_model(model).checked()
    stim = as_stimulus(current)
    duration = _checks.real_scalar("duration", duration, nonnegative=True)
    rtol = _checks.real_scalar("rtol", rtol, positive=True)
    atol = _checks.real_scalar("atol", atol, positive=True)
    if isinstance(max_spikes, (bool, np.bool_)) or not isinstance(max_spikes, numbers.Integral):
        raise TypeError(f"max_spikes: expected an int, got {max_spikes!r}")
    if max_spikes < 0:
        raise ValueError(f"max_spikes: must be >= 0, got {max_spikes}")
    offset = _checks.real_array("current", stim.offset)
    sizes = {f"model.{k}": v for k, v in m0.n_values().items()}
    if offset.ndim == 1:
        sizes["current"] = offset.size
    v0a = None if v0 is None else _checks.real_array("v0", v0)
    u0a = None if u0 is None else _checks.real_array("u0", u0)
    for name, arr in (("v0", v0a), ("u0", u0a)):
        if arr is not None and arr.ndim == 1:
            sizes[name] = arr.size
    n = _n_neurons(n_neurons, sizes)
    m = m0.broadcast(n)
    v_init, u_init = m.initial_state(m, v0a, u0a)
    v_init = np.broadcast_to(np.asarray(v_init, dtype=np.float64), (n,))
    u_init = np.broadcast_to(np.asarray(u_init, dtype=np.float64), (n,))
    offsets = np.broadcast_to(offset, (n,))
    for i in range(n):
        one = m.take(i)
        peak0 = float(one.peak(float(u_init[i])))
        if v_init[i] >= peak0:
            raise ValueError(f"v0: must be below the cut-off for the hybrid solution; neuron "
                             f"{i} has v0={float(v_init[i])!r}, cut-off {peak0!r}")
    trains = []
    v_final = np.empty(n)
    u_final = np.empty(n)
    # the solver's trial steps may run into the blow-up of v just past the peak;
    # those steps are rejected, their overflow is not an error
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n):
            one = m.take(i)
            stim_i = as_stimulus(current)
            I, edges = _input_function(_with_offset(stim_i, float(offsets[i])), 0, duration)
            spikes, v_final[i], u_final[i] = _hybrid_neuron(
                i, one, I, edges, float(v_init[i]), float(u_init[i]), duration, method, rtol,
                atol, int(max_spikes))
            trains.append(spikes)
    return ReferenceResult(SpikeTrains.from_lists(trains), v_final, u_final)


def _with_offset(stim, offset):
    from .inputs import Stimulus

    return Stimulus(offset=offset, shared=stim.shared, own=stim.own, n_own=stim.n_own)
