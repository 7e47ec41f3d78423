"""The model forms of the Izhikevich neuron: each one described in one place.

A model form is a dataclass of its parameters plus everything every layer of
izhic needs to know about it, so that no other module re-derives it:

* its fields: which may hold one value per neuron (:attr:`PER_NEURON`) and
  which are shared by a run (:attr:`SHARED`), with their defaults;
* the initial state, the default method and the methods it supports;
* its right-hand side, spike cut-off and reset as NumPy expressions (for the
  oracles in :mod:`izhic.reference`, the phase plane and the checks);
* its nullclines, fixed points and their kind (:mod:`izhic.analysis`);
* the stability limits of each method (refused before a run) and the step
  beyond which a method no longer resolves a spike (warned);
* what it hands the compiled kernel (a form code and shared constants).

The 2003 form (Izhikevich 2003, IEEE TNN 14:1569; the 2004 variants)::

    v' = 0.04 v^2 + 5 v + 140 - u + I        (v in mV, t in ms)
    u' = a (b v - u)
    if v >= v_peak:  v <- c,  u <- u + d

The 2007 form (Izhikevich 2007, *Dynamical Systems in Neuroscience*, ch. 8)::

    C v' = k (v - vr)(v - vt) - u + I          (v mV, t ms, I pA, C pF)
    u'   = a (B(v) - u)

``I`` of the 2003 form is in the model's own current units (the paper's
"dimensionless" current: I = 10 drives an RS neuron at ~23 Hz).

Examples
--------
>>> import izhic
>>> rs = izhic.preset("RS")
>>> rs.DEFAULT_METHOD, rs.initial_state(rs.checked())
('rk4', (-65.0, -13.0))
>>> lts = izhic.PRESETS_2007["LTS"]
>>> lts.DEFAULT_METHOD, lts.special
('euler', True)
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import ClassVar, Optional, Union

import numpy as np

from . import _checks

__all__ = ["Izhikevich2003", "Izhikevich2007", "PRESETS_2003", "PRESETS_2007", "preset",
           "as_model", "ModelForm", "METHODS", "AccuracyWarning"]

ArrayLike = Union[float, "np.ndarray", list]

#: Integration methods and what they compute (see the README for the details).
METHODS = {
    "rk4": "classic fourth-order Runge-Kutta; each crossing of the peak is located inside "
           "the step, the neuron is reset there and the step is finished from the reset",
    "euler": "forward Euler, v and u from the old state, reset at the end of the step",
    "izhikevich2004": "Izhikevich's figure code: v first, then u from the new v (original RS project)",
    "izhikevich2003": "net.m: two half steps of v with the same u, then u from the new v",
    "rk4_grid": "classic fourth-order Runge-Kutta, reset at the end of the step (as other simulators)",
    "ps": "Parker-Sochacki: Taylor series of adaptive order and sub-step; each crossing of the "
          "peak (and each switch of the form) is the root of the series; spike times "
          "within about 1e-9 ms of the exact solution",
}
#: Methods that reset at the end of the step ("grid" spike times unless interpolated).
GRID_METHODS = ("euler", "izhikevich2004", "izhikevich2003", "rk4_grid")
#: Methods that locate each crossing inside the step and reset there.
LOCATING_METHODS = ("rk4", "ps")

#: |v| is held below this bound so that v*v never overflows (izhic._core.VBIG).
V_BOUND = 1e150
#: Every parameter, and the initial u, must lie within +-PARAM_BOUND: far
#: beyond any model, and small enough that no product of them overflows.
PARAM_BOUND = 1e100

#: Largest a dt for which each method's update of u (u' = -a u + ...) is stable:
#: the Euler-type methods update u with one Euler step (|1 - a dt| < 1), RK4
#: has its real stability interval (-2.785, 0).
U_DECAY_LIMIT = {"euler": 2.0, "izhikevich2004": 2.0, "izhikevich2003": 2.0,
                 "rk4": 2.785, "rk4_grid": 2.785, "ps": math.inf}
#: Beyond dt * lambda_peak of this (lambda_peak: the rate dv'/dv of the
#: upstroke at the spike cut-off, 7.4/ms for the 2003 form) a method no longer
#: resolves the spike: grid methods fire every few steps whatever the model,
#: RK4's stages run into the blow-up of v^2 (measured: the 2003 presets at
#: I = 10 keep their spike counts within 15% up to these steps, and lose
#: them quickly beyond: rk4_grid at dt = 1.25 gives 740 spikes instead of 23).
RESOLUTION_LIMIT = {"euler": 8.0, "izhikevich2004": 8.0, "izhikevich2003": 8.0,
                    "rk4": 8.0, "rk4_grid": 3.8, "ps": math.inf}


class AccuracyWarning(UserWarning):
    """A run that is legal but whose step is too coarse for its result to mean much.

    Issued by :func:`izhic.simulate` (and the other runners) when
    :meth:`ModelForm.check_numerics` returns a warning text.

    Examples
    --------
    >>> import warnings, izhic
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = izhic.simulate("RS", current=10.0, duration=20.0, dt=1.25)
    >>> any(issubclass(w.category, izhic.AccuracyWarning) for w in caught)
    True
    """


def _rk4_factor(z):
    return 1.0 + z + z * z / 2.0 + z * z * z / 6.0 + z * z * z * z / 24.0


def _amplification(method, J, dt):
    """The linearized one-step map of ``method`` for the Jacobian ``J`` (..., 2, 2)."""
    fv, fu, gv, gu = J[..., 0, 0], J[..., 0, 1], J[..., 1, 0], J[..., 1, 1]
    A = np.empty(J.shape)
    if method == "euler":
        A[..., 0, 0], A[..., 0, 1] = 1.0 + dt * fv, dt * fu
        A[..., 1, 0], A[..., 1, 1] = dt * gv, 1.0 + dt * gu
    elif method in ("izhikevich2004", "izhikevich2003"):
        if method == "izhikevich2004":
            pv, pu = 1.0 + dt * fv, dt * fu            # v1 = pv v + pu u
        else:
            h = 0.5 * dt
            pv, pu = (1.0 + h * fv) ** 2, h * fu * (2.0 + h * fv)
        A[..., 0, 0], A[..., 0, 1] = pv, pu
        A[..., 1, 0], A[..., 1, 1] = dt * gv * pv, 1.0 + dt * gu + dt * gv * pu
    else:  # rk4, rk4_grid
        Z = dt * J
        eye = np.broadcast_to(np.eye(2), J.shape)
        Z2 = Z @ Z
        A = eye + Z + Z2 / 2.0 + Z2 @ Z / 6.0 + Z2 @ Z2 / 24.0
    return A


def _spectral_radius(A):
    """max |lambda| of each 2 x 2 matrix A (..., 2, 2), in real arithmetic:
    lambda = h +- sqrt(h^2 - det) with h = trace / 2, so the radius is
    |h| + sqrt(h^2 - det) for real eigenvalues and sqrt(det) for a complex
    pair (NaN stays NaN)."""
    h = 0.5 * (A[..., 0, 0] + A[..., 1, 1])
    det = A[..., 0, 0] * A[..., 1, 1] - A[..., 0, 1] * A[..., 1, 0]
    with np.errstate(invalid="ignore", over="ignore"):
        disc = h * h - det
        real = disc >= 0.0
        return np.where(real, np.abs(h) + np.sqrt(np.where(real, disc, 0.0)),
                        np.sqrt(np.where(real, 0.0, det)))


def _unstable(method, J, dt, fast):
    """A step that blows a damped mode up: the linearized step map grows
    (spectral radius > 1) and the step is longer than the fastest time scale
    1/|lambda| of J. (A slow, weakly damped focus under Euler also has a
    spectral radius slightly above 1: a first-order inaccuracy, not a
    blow-up, and not refused.)"""
    fast = np.asarray(fast)
    long_step = dt * fast > 1.0
    if not long_step.any():            # the usual case: no mode is faster than the step
        return long_step
    if long_step.ndim == 0:
        with np.errstate(over="ignore", invalid="ignore"):
            rho = _spectral_radius(_amplification(method, J, dt))
        return ~(rho <= 1.0 + 1e-12) & long_step
    out = np.zeros(long_step.shape, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        rho = _spectral_radius(_amplification(method, J[long_step], dt))
    out[long_step] = ~(rho <= 1.0 + 1e-12)
    return out


def _fastest_rate(J):
    """max |lambda| of each 2 x 2 Jacobian J (..., 2, 2): the fastest time scale."""
    return _spectral_radius(J)


def _largest_stable_dt(method, J, dt):
    """The largest step (bisection below dt) that :func:`_unstable` accepts for
    the rest state with Jacobian J (2, 2)."""
    fast = float(_fastest_rate(J))
    lo, hi = 0.0, dt
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if _unstable(method, J, mid, fast):
            hi = mid
        else:
            lo = mid
    return lo


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


def _quadratic_roots(q2, lin, const):
    """Real roots of q2 x^2 + lin x + const = 0, written so that no root loses digits."""
    if q2 == 0.0:
        return [] if lin == 0.0 else [-const / lin]
    disc = lin * lin - 4.0 * q2 * const
    if abs(disc) <= 1e-12 * max(lin * lin, abs(4.0 * q2 * const)):
        return [-lin / (2.0 * q2)]
    if disc < 0:
        return []
    s = -0.5 * (lin + math.copysign(math.sqrt(disc), lin))
    return sorted({s / q2, const / s} if s != 0.0 else {0.0})


_PLAIN = (float, int, bool, str, type(None))


class ModelForm:
    """What every model form describes (the interface of the two dataclasses).

    Class attributes: ``FORM`` (its name in messages), ``PER_NEURON``,
    ``SHARED``, ``DEFAULT_METHOD``, ``METHODS`` (supported, in order of
    preference). Methods that evaluate the model take the *checked* model
    (:meth:`checked`: per-neuron fields as floats or 1-D float64 arrays) and
    broadcast like NumPy.

    Examples
    --------
    >>> import izhic
    >>> from izhic.models import ModelForm
    >>> isinstance(izhic.preset("RS"), ModelForm), izhic.Izhikevich2007.DEFAULT_METHOD
    (True, 'euler')
    """

    FORM: ClassVar[str] = ""
    PER_NEURON: ClassVar[tuple] = ()
    SHARED: ClassVar[tuple] = ()
    DEFAULT_METHOD: ClassVar[str] = "rk4"
    METHODS: ClassVar[tuple] = ()

    # -- fields -------------------------------------------------------------
    @classmethod
    def field_names(cls):
        """Names of the per-neuron fields.

        Returns
        -------
        tuple of str
            The fields that may hold one value per neuron (``PER_NEURON``).

        Examples
        --------
        >>> import izhic
        >>> izhic.Izhikevich2003.field_names()
        ('a', 'b', 'c', 'd', 'v_peak')
        """
        return cls.PER_NEURON

    @classmethod
    def all_field_names(cls):
        """Names of every field, per-neuron and shared, in declaration order.

        Returns
        -------
        tuple of str
            The dataclass fields of the form.

        Examples
        --------
        >>> import izhic
        >>> izhic.Izhikevich2003.all_field_names()[4:]
        ('v_peak', 'quadratic', 'linear', 'constant', 'recovery', 'horner')
        """
        return tuple(f.name for f in fields(cls))

    def checked(self):
        """A copy with every field validated: per-neuron fields as floats or 1-D
        float64 arrays (finite, within +-PARAM_BOUND), shared fields checked.
        Raises ValueError/TypeError naming ``model.<field>``.

        A model whose fields are all plain numbers (the presets) is checked
        once: it cannot change, so the result is kept.

        Returns
        -------
        ModelForm
            The checked model (same form as ``self``).

        Examples
        --------
        >>> import izhic
        >>> izhic.Izhikevich2003(a=0.02, b=0.2, c=[-65, -50], d=8).checked().c
        array([-65., -50.])
        """
        cached = self.__dict__.get("_checked")
        if cached is not None:
            return cached
        out = self._checked()
        if all(type(getattr(self, name)) in _PLAIN for name in self.PER_NEURON + self.SHARED):
            object.__setattr__(self, "_checked", out)
            object.__setattr__(out, "_checked", out)
        return out

    def _checked(self):
        values = {}
        for name in self.PER_NEURON:
            bound = V_BOUND if name in ("v_peak", "c", "vr", "vt") else PARAM_BOUND
            arr = _checks.real_array(f"model.{name}", getattr(self, name), bound=bound)
            values[name] = float(arr) if arr.ndim == 0 else arr
        values.update(self._checked_shared())
        out = replace(self, **values)
        out._check_consistency()
        return out

    def n_values(self):
        """{field: length} of the per-neuron fields that hold one value per neuron.

        Returns
        -------
        dict
            ``{name: number of values}`` of the 1-D per-neuron fields (scalar
            fields are left out).

        Examples
        --------
        >>> import izhic
        >>> izhic.Izhikevich2003(a=0.02, b=0.2, c=[-65.0, -50.0], d=8.0).n_values()
        {'c': 2}
        """
        return {name: np.size(x) for name, x in
                ((name, getattr(self, name)) for name in self.PER_NEURON)
                if type(x) is not float and np.ndim(x) == 1}

    def take(self, index):
        """The checked model of the neurons ``index`` (an int: one neuron, scalars).

        Parameters
        ----------
        index : int, slice or array of int
            Which neurons. An int gives a model of plain floats.

        Returns
        -------
        ModelForm
            The model restricted to those neurons (shared fields unchanged).

        Examples
        --------
        >>> import izhic
        >>> m = izhic.Izhikevich2003(a=0.02, b=0.2, c=[-65.0, -50.0], d=[8.0, 2.0]).checked()
        >>> m.take(1).c, m.take(1).d
        (-50.0, 2.0)
        """
        values = {name: (getattr(self, name) if np.ndim(getattr(self, name)) == 0
                         else getattr(self, name)[index]) for name in self.PER_NEURON}
        if np.ndim(index) == 0:
            values = {k: float(v) for k, v in values.items()}
        return replace(self, **values)

    def broadcast(self, n):
        """The checked model with every per-neuron field as an (n,) array.

        Parameters
        ----------
        n : int
            Number of neurons; each per-neuron field must broadcast to ``(n,)``.

        Returns
        -------
        ModelForm
            The model with (read-only, broadcast) float64 arrays of shape ``(n,)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().broadcast(3).a
        array([0.02, 0.02, 0.02])
        """
        return replace(self, **{name: np.broadcast_to(np.asarray(getattr(self, name),
                                                                 dtype=np.float64), (n,))
                                for name in self.PER_NEURON})

    def is_scalar(self):
        """True when every per-neuron field holds one value (checked models:
        floats).

        Returns
        -------
        bool
            Whether the model describes a single (or homogeneous) neuron.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").is_scalar()
        True
        >>> izhic.Izhikevich2003(a=0.02, b=0.2, c=[-65.0, -50.0], d=8.0).is_scalar()
        False
        """
        return all(type(x) is float or np.ndim(x) == 0
                   for x in (getattr(self, name) for name in self.PER_NEURON))

    def one_neuron(self, what):
        """The checked model, refusing per-neuron arrays (``what`` says why:
        "a phase plane is drawn for one neuron").

        Parameters
        ----------
        what : str
            Why one neuron is needed; it begins the ValueError's message
            (after ``model.<field>:``) when a field holds several values.

        Returns
        -------
        ModelForm
            The checked model with every per-neuron field as a float.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").one_neuron("one neuron only").c
        -65.0
        >>> m = izhic.Izhikevich2003(a=0.02, b=0.2, c=[-65.0, -50.0], d=8.0)
        >>> m.one_neuron("one neuron only")
        Traceback (most recent call last):
        ...
        ValueError: model.c: one neuron only, so every parameter must be a scalar; got 2 values (shape (2,))
        """
        p = self.checked()
        scalars = {}
        for name in self.PER_NEURON:
            value = getattr(p, name)
            if np.size(value) != 1:
                raise ValueError(
                    f"model.{name}: {what}, so every parameter must be a scalar; got "
                    f"{np.size(value)} values (shape {np.shape(value)})")
            scalars[name] = float(np.reshape(value, ()))
        return replace(p, **scalars)

    def label(self):
        """The per-neuron fields of one neuron as text (defaults left out).

        Returns
        -------
        str
            ``"name=value, ..."`` of the per-neuron fields that differ from
            their defaults (fields without a default are always listed). The
            fields must be scalars.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("IB").label()
        'a=0.02, b=0.2, c=-55, d=4'
        """
        defaults = {f.name: f.default for f in fields(self)}
        return ", ".join(f"{name}={getattr(self, name):g}" for name in self.PER_NEURON
                         if np.ndim(getattr(self, name)) or getattr(self, name) != defaults[name])

    def _checked_shared(self):  # pragma: no cover - implemented by each form
        raise NotImplementedError

    def _check_consistency(self):
        pass

    # -- what the form computes (NumPy; overridden by each form) -------------
    def initial_state(self, p, v0=None, u0=None):
        """(v0, u0) with the form's defaults for those not given.

        Parameters
        ----------
        p : ModelForm
            The (checked) model whose defaults apply (e.g. ``u0 = b v0`` of
            the 2003 form).
        v0, u0 : float or array, optional
            Initial membrane potential (mV) and recovery variable; None: the
            form's default.

        Returns
        -------
        tuple
            ``(v0, u0)``.

        Examples
        --------
        >>> import izhic
        >>> rs = izhic.preset("RS").checked()
        >>> rs.initial_state(rs, v0=-70.0)
        (-70.0, -14.0)
        """
        raise NotImplementedError

    def dv(self, v, u, current):
        """dv/dt (mV/ms) of the form (implemented by each form).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.
        current : float or array
            Input current (the form's current units).

        Returns
        -------
        float or array
            dv/dt, broadcast over the arguments.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().dv(-65.0, -13.0, 10.0)
        7.0
        """
        raise NotImplementedError

    def du(self, v, u):
        """du/dt of the form (implemented by each form).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.

        Returns
        -------
        float or array
            du/dt (per ms), broadcast over the arguments.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().du(-50.0, -13.0)
        0.06
        """
        raise NotImplementedError

    def peak(self, u):
        """The spike cut-off (mV) in state ``u`` (implemented by each form).

        Parameters
        ----------
        u : float or array
            Recovery variable (the 2007 special cells move the cut-off with it).

        Returns
        -------
        float or array
            The potential at which a spike is registered.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().peak(-13.0)
        30.0
        """
        raise NotImplementedError

    def reset(self, v, u):
        """(v, u) after a spike from the state (v, u) (implemented by each form).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.

        Returns
        -------
        tuple
            ``(v, u)`` after the reset.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().reset(30.0, -13.0)
        (-65.0, -5.0)
        """
        raise NotImplementedError

    def crossing_slope(self, v, u, current):
        """d/dt (v - peak(u)): the slope the spike locator follows.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.
        current : float or array
            Input current (the form's current units).

        Returns
        -------
        float or array
            The rate (mV/ms) at which ``v`` approaches the cut-off; equal to
            :meth:`dv` where the cut-off does not depend on ``u``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().crossing_slope(-65.0, -13.0, 10.0)
        7.0
        """
        return self.dv(v, u, current)

    def euler_v(self, v, u, current, h):
        """v after an Euler (half) step of length h, rounded as the kernel does.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.
        current : float or array
            Input current (the form's current units).
        h : float
            Step length (ms).

        Returns
        -------
        float or array
            ``v + h v'``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().euler_v(-65.0, -13.0, 10.0, 0.5)
        -61.5
        """
        raise NotImplementedError

    def euler_u(self, u, v_used, dt):
        """u after an Euler step of dt from the potential ``v_used`` (the old v,
        or the new one for "izhikevich2004"/"izhikevich2003"), rounded as the
        kernel does.

        Parameters
        ----------
        u : float or array
            Recovery variable before the step.
        v_used : float or array
            Membrane potential (mV) the step evaluates ``u'`` at.
        dt : float
            Step length (ms).

        Returns
        -------
        float or array
            ``u + dt u'``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().euler_u(-13.0, -50.0, 0.5)
        -12.97
        """
        raise NotImplementedError

    def jacobian(self, v, u):
        """The Jacobian of (v', u') with respect to (v, u) (implemented by each form).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.

        Returns
        -------
        numpy.ndarray
            ``[[dv'/dv, dv'/du], [du'/dv, du'/du]]``: shape ``(2, 2)`` plus the
            broadcast shape of ``v`` and ``u``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").checked().jacobian(-65.0, -13.0)
        array([[-0.2  , -1.   ],
               [ 0.004, -0.02 ]])
        """
        raise NotImplementedError

    def peak_rate(self):
        """dv'/dv at the spike cut-off (1/ms): the time scale of the upstroke.

        Returns
        -------
        float or array
            The rate per neuron (the cut-off is taken at most 100 mV).

        Examples
        --------
        >>> import izhic
        >>> float(izhic.preset("RS").checked().peak_rate())
        7.4
        """
        raise NotImplementedError

    def kinks(self):
        """Potentials (mV) where the right-hand side is not smooth (switches).

        Returns
        -------
        tuple of float
            Empty for a smooth model.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").kinks()
        ()
        """
        return ()

    def describe(self):
        """The form's name, for messages.

        Returns
        -------
        str
            ``FORM`` (the forms add what differs from their plain model).

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").describe()
        '2003 form'
        """
        return self.FORM

    # -- shared analysis built on the above ----------------------------------
    def fixed_points(self, current):
        """Fixed points of one neuron (scalar fields) under a constant current:
        a list of (v, u, kind), sorted by v.

        Parameters
        ----------
        current : float
            The constant input current.

        Returns
        -------
        list of tuple
            ``(v, u, kind)`` per fixed point, ``kind`` one of "stable node",
            "stable focus", "unstable node", "unstable focus", "saddle",
            "saddle-node", "center".

        Examples
        --------
        >>> import izhic
        >>> [(round(v, 6), kind) for v, u, kind in izhic.preset("RS").checked().fixed_points(0.0)]
        [(-70.0, 'stable node'), (-50.0, 'saddle')]
        """
        out = []
        for v, u in self._fixed_points_vu(current):
            J = self.jacobian(v, u)
            trace = J[0, 0] + J[1, 1]
            det = J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0]
            scale = abs(J[0, 0] * J[1, 1]) + abs(J[0, 1] * J[1, 0])
            out.append((float(v), float(u), _classify(trace, det, scale)))
        return out

    def rest_state(self, current):
        """The lowest stable fixed point of each neuron under ``current`` as
        (v, u) arrays (NaN where there is none). Vectorized over neurons.

        Parameters
        ----------
        current : float or array
            Constant input current, broadcast against the per-neuron fields.

        Returns
        -------
        tuple of numpy.ndarray
            ``(v, u)`` of the rest state, NaN where there is no stable one.

        Examples
        --------
        >>> import izhic
        >>> v, u = izhic.preset("RS").checked().rest_state(0.0)
        >>> round(float(v), 9), round(float(u), 9)
        (-70.0, -14.0)
        """
        raise NotImplementedError

    def check_numerics(self, method, dt, lowest_current, v0=None):
        """Refuse a step that is unstable for this model and method (ValueError
        naming the cause and the dt that would work); return a warning text
        when the step is legal but too coarse to resolve a spike, else None.

        (Kept per (method, dt, current) for the presets and other models of
        plain numbers: sweeps call it with the same arguments again and again.)

        Parameters
        ----------
        method : str
            Integration method, a key of :data:`METHODS`.
        dt : float
            Time step (ms).
        lowest_current : float or array
            The lowest input current of the run (per neuron or overall): the
            rest state under it is checked for stability.
        v0 : float or array, optional
            Initial potential (mV); accepted for the callers, not used by the checks.

        Returns
        -------
        str or None
            The text of an :class:`AccuracyWarning`, or None when the step is fine.

        Examples
        --------
        >>> import izhic
        >>> rs = izhic.preset("RS").checked()
        >>> rs.check_numerics("rk4", 0.1, 10.0) is None
        True
        >>> rs.check_numerics("rk4", 1.5, 10.0).startswith("dt: 1.5 ms is too coarse")
        True
        """
        key = None
        if self.__dict__.get("_checked") is self and type(lowest_current) is float:
            key = (method, dt, lowest_current)
            memo = self.__dict__.setdefault("_numerics", {})
            if key in memo:
                return memo[key]
        text = self._check_numerics(method, dt, lowest_current)
        if key is not None and len(memo) < 256:
            memo[key] = text
        return text

    def _check_numerics(self, method, dt, lowest_current):
        if method == "ps":
            # its sub-steps follow the series' radius of convergence: no dt is
            # unstable or too coarse for it (dt only sets the input's grid)
            return None
        limit = U_DECAY_LIMIT[method]
        # the decay of u (standard recovery): u_{n+1} ~ (1 - a dt) u_n
        a = np.atleast_1d(np.asarray(self._u_decay_rate(), dtype=np.float64))
        bad = np.flatnonzero(a * dt > limit)
        if bad.size:
            i = int(bad[0])
            rate = float(a[i])
            who = f" (neuron {i})" if a.size > 1 else ""
            where = (f"a = {rate:g}/ms{who} makes u relax at rate {rate:g}/ms; the step "
                     f"dt={dt:g} ms is unstable there for method {method!r} (needs dt < "
                     f"{limit / rate:.3g} ms)")
            if rate <= 1.0:     # as in every published model: the step is the cause
                raise ValueError(f"dt: {dt:g} ms is too large for this model: {where}; "
                                 "reduce dt")
            raise ValueError(f"model.a: {where}; reduce dt or a")
        # the rest state under the lowest current: every mode the model damps
        # must be damped by the step too
        if self.is_scalar():                       # one check (no NumPy machinery)
            lowest = float(np.min(lowest_current)) if np.ndim(lowest_current) else \
                float(lowest_current)
            v_rest, u_rest = self.rest_state(lowest)
            v_rest, u_rest = np.atleast_1d(v_rest), np.atleast_1d(u_rest)
            lowest_current = lowest
        else:
            n = max(max(self.n_values().values()), np.size(lowest_current))
            v_rest, u_rest = self.rest_state(lowest_current)
            v_rest = np.broadcast_to(v_rest, (n,))
            u_rest = np.broadcast_to(u_rest, (n,))
        ok = np.isfinite(v_rest)
        if ok.any():
            idx = np.flatnonzero(ok)
            if idx.size == v_rest.size:     # (the per-neuron fields broadcast against v)
                J = self.jacobian(v_rest, u_rest)
            else:
                J = self.broadcast(v_rest.size).take(idx).jacobian(v_rest[idx], u_rest[idx])
            J = np.asarray(J, dtype=np.float64)
            # the usual case, in one pass: every mode slower than the step (the
            # row-sum norm bounds the spectral radius), so _unstable has nothing to find
            if (dt * np.abs(J).sum(axis=1).max(axis=0) <= 1.0).all():
                unstable = idx[:0]
            else:
                J = np.moveaxis(J, (0, 1), (-2, -1))
                unstable = np.flatnonzero(_unstable(method, J, dt, _fastest_rate(J)))
            if unstable.size:
                j = int(unstable[0])
                i = int(idx[j])
                need = _largest_stable_dt(method, J[j], dt)
                fast = float(_fastest_rate(J[j]))
                cur = float(np.broadcast_to(np.atleast_1d(lowest_current), v_rest.shape)[i])
                who = f" of neuron {i}" if v_rest.size > 1 else ""
                where = (f"the rest state{who} near v = {v_rest[i]:.4g} mV, where it relaxes "
                         f"at rate {fast:.4g}/ms: the step dt={dt:g} ms is unstable there for "
                         f"method {method!r} (needs dt < {need:.3g} ms)")
                # blame the current when the model alone (I = 0) would be stable
                one = self.broadcast(v_rest.size).take(i)
                v0r, u0r = one.rest_state(0.0)
                calm = False
                if cur != 0.0 and np.isfinite(v0r):
                    J0 = np.asarray(one.jacobian(float(v0r), float(u0r)), dtype=np.float64)
                    calm = not _unstable(method, J0, dt, float(_fastest_rate(J0)))
                if calm:
                    raise ValueError(f"current: {cur:g} puts {where}. Such currents are far "
                                     "outside the model's range; reduce the current or dt")
                raise ValueError(f"dt: {dt:g} ms is too large for this model: {where}; "
                                 "reduce dt")
        rate = np.max(np.atleast_1d(self.peak_rate()))
        if rate * dt > RESOLUTION_LIMIT[method]:
            return (f"dt: {dt:g} ms is too coarse for method {method!r} to resolve a spike of "
                    f"this model (the upstroke at v_peak grows at {rate:.3g}/ms; steps up to "
                    f"about {RESOLUTION_LIMIT[method] / rate:.2g} ms give meaningful spike "
                    "trains): the result is legal but mostly shows the step")
        return None

    def _u_decay_rate(self):
        return self.a


def _shared_real(name, value):
    return _checks.real_scalar(f"model.{name}", value)


@dataclass(frozen=True)
class Izhikevich2003(ModelForm):
    """Parameters of the 2003 Izhikevich model (and the variants of 2004).

    Every field among ``a, b, c, d, v_peak`` may be a scalar (shared by all
    neurons) or a 1-D array with one value per neuron; arrays broadcast
    against ``current`` in :func:`izhic.simulate`. The other fields are
    shared by a run.

    Parameters
    ----------
    a : float or array
        Recovery rate of ``u`` (1/ms).
    b : float or array
        Sensitivity of ``u`` to ``v`` (dimensionless).
    c : float or array
        Reset value of ``v`` after a spike (mV).
    d : float or array
        Increment of ``u`` after a spike (current units).
    v_peak : float or array, default 30
        Spike cut-off (mV): a spike is registered when ``v >= v_peak``.
    quadratic, linear, constant : float, default 0.04, 5, 140
        Coefficients of ``v' = quadratic v^2 + linear v + constant - u + I``,
        one value for the whole population. Izhikevich (2004) uses
        0.04, 4.1, 108 for panels G and L.
    recovery : {"standard", "accommodation"}
        ``u' = a (b v - u)``, or ``u' = a b (v + 65)`` (no decay of u:
        Izhikevich 2004 panel R, accommodation).
    horner : bool, default False
        Evaluate the polynomial as ``(quadratic v + linear) v + constant``
        (Izhikevich 2006, spnet) instead of ``quadratic v^2 + linear v +
        constant`` (2003, 2004): the same model, rounded differently, so that
        published code is reproduced bit for bit.

    Notes
    -----
    Initial state: ``v = -65``, ``u = b v`` unless given. Default method of
    :func:`izhic.simulate`: ``"rk4"``; every method runs this form.

    Examples
    --------
    >>> import numpy as np, izhic
    >>> r = np.random.default_rng(0).uniform(size=800)
    >>> excitatory = izhic.Izhikevich2003(a=0.02, b=0.2, c=-65 + 15 * r**2, d=8 - 6 * r**2)
    >>> excitatory.checked().c.shape
    (800,)
    """

    a: ArrayLike
    b: ArrayLike
    c: ArrayLike
    d: ArrayLike
    v_peak: ArrayLike = 30.0
    quadratic: float = 0.04
    linear: float = 5.0
    constant: float = 140.0
    recovery: str = "standard"
    horner: bool = False

    FORM: ClassVar[str] = "2003 form"
    #: fields that may hold one value per neuron
    PER_NEURON: ClassVar[tuple] = ("a", "b", "c", "d", "v_peak")
    #: fields shared by the whole population
    SHARED: ClassVar[tuple] = ("quadratic", "linear", "constant", "recovery", "horner")
    RECOVERY: ClassVar[tuple] = ("standard", "accommodation")
    DEFAULT_METHOD: ClassVar[str] = "rk4"
    METHODS: ClassVar[tuple] = ("rk4", "euler", "izhikevich2004", "izhikevich2003", "rk4_grid",
                                "ps")
    #: u' = a b (v - ACCOMMODATION_V) for recovery="accommodation"
    ACCOMMODATION_V: ClassVar[float] = -65.0

    def _checked_shared(self):
        out = {name: _shared_real(name, getattr(self, name))
               for name in ("quadratic", "linear", "constant")}
        for name, value in out.items():
            if abs(value) >= PARAM_BOUND:
                raise ValueError(f"model.{name}: must lie within +-{PARAM_BOUND:g}, got {value!r}")
        out["recovery"] = _checks.choice("model.recovery", self.recovery, self.RECOVERY)
        if not isinstance(self.horner, (bool, np.bool_)):
            raise TypeError(f"model.horner: expected True or False, got {self.horner!r}")
        out["horner"] = bool(self.horner)
        return out

    def _check_consistency(self):
        c, peak = np.asarray(self.c), np.asarray(self.v_peak)
        if c.size and peak.size and c.max() < peak.min():   # (the usual case, at once)
            return
        above = np.broadcast_to(c >= peak, np.broadcast(c, peak).shape)
        if above.any():
            i = int(np.flatnonzero(np.atleast_1d(above))[0])
            cc = float(np.atleast_1d(np.broadcast_to(c, above.shape))[i])
            raise ValueError(f"model.c: the reset value must be below v_peak, got c={cc!r} "
                             ">= v_peak")

    @property
    def accommodation(self):
        return self.recovery == "accommodation"

    def describe(self):
        """The form's name and what differs from the plain 2003 model.

        Returns
        -------
        str
            E.g. ``"2003 form"``, or with the polynomial and the recovery it uses.

        Examples
        --------
        >>> import izhic
        >>> izhic.Izhikevich2003(0.02, 0.2, -65, 8, recovery="accommodation").describe()
        "2003 form, accommodation recovery u' = a b (v + 65)"
        """
        parts = [self.FORM]
        if (self.quadratic, self.linear, self.constant) != (0.04, 5.0, 140.0):
            parts.append(f"v' = {self.quadratic:g} v^2 + {self.linear:g} v + "
                         f"{self.constant:g} - u + I")
        if self.accommodation:
            parts.append("accommodation recovery u' = a b (v + 65)")
        return ", ".join(parts)

    def initial_state(self, p=None, v0=None, u0=None):
        """(v0, u0): ``v0 = -65`` mV and ``u0 = b v0`` unless given.

        Parameters
        ----------
        p : Izhikevich2003, optional
            The model whose ``b`` gives ``u0`` (default: this one).
        v0, u0 : float or array, optional
            Initial potential (mV) and recovery variable.

        Returns
        -------
        tuple
            ``(v0, u0)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").initial_state()
        (-65.0, -13.0)
        """
        p = self if p is None else p
        v0 = -65.0 if v0 is None else v0
        u0 = p.b * v0 if u0 is None else u0
        return v0, u0

    def _poly(self, v):
        if self.horner:
            return (self.quadratic * v + self.linear) * v + self.constant
        return self.quadratic * (v * v) + self.linear * v + self.constant

    def dv(self, v, u, current):
        """dv/dt, evaluated as the kernel does: ((q2 (v v) + q1 v) + q0 - u) + I.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.
        current : float or array
            Input current (the form's current units).

        Returns
        -------
        float or array
            dv/dt (mV/ms).

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").dv(-65.0, -13.0, 10.0)
        7.0
        """
        return self._poly(v) - u + current

    def du(self, v, u):
        """du/dt: a (b v - u), or a b (v + 65) for the accommodation recovery.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.

        Returns
        -------
        float or array
            du/dt (per ms).

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").du(-65.0, -13.0)
        0.0
        """
        if self.accommodation:
            return (self.a * self.b) * (v + 65.0)
        return self.a * (self.b * v - u)

    def euler_v(self, v, u, current, h):
        """v after an Euler (half) step of length h, rounded as the kernel does.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.
        current : float or array
            Input current (the form's current units).
        h : float
            Step length (ms).

        Returns
        -------
        float or array
            ``v + h (f(v) - u + I)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").euler_v(-65.0, -13.0, 10.0, 0.5)
        -61.5
        """
        return v + h * (self._poly(v) - u + current)

    def euler_u(self, u, v_used, dt):
        """u after an Euler step of dt from the potential ``v_used``.

        Parameters
        ----------
        u : float or array
            Recovery variable before the step.
        v_used : float or array
            Membrane potential (mV) at which ``u'`` is evaluated.
        dt : float
            Step length (ms).

        Returns
        -------
        float or array
            ``u + (dt a) (b v_used - u)`` (accommodation: ``u + (dt a b) (v_used + 65)``).

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").euler_u(-13.0, -50.0, 0.5)
        -12.97
        """
        dta = dt * self.a
        if self.accommodation:
            return u + (dta * self.b) * (v_used + 65.0)
        return u + dta * (self.b * v_used - u)

    def peak(self, u):
        """The spike cut-off: v_peak.

        Parameters
        ----------
        u : float or array
            Recovery variable (unused: the 2003 cut-off is fixed).

        Returns
        -------
        float or array
            ``v_peak`` (mV).

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").peak(0.0)
        30.0
        """
        return self.v_peak

    def reset(self, v, u):
        """(v, u) after a spike: (c, u + d).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.

        Returns
        -------
        tuple
            ``(c, u + d)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").reset(30.0, -13.0)
        (-65.0, -5.0)
        """
        return self.c, u + self.d

    def v_nullcline(self, current, v):
        """u on the v-nullcline (v' = 0): u = f(v) + I.

        Parameters
        ----------
        current : float or array
            Input current.
        v : float or array
            Membrane potential (mV).

        Returns
        -------
        float or array
            ``quadratic v^2 + linear v + constant + I``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").v_nullcline(0.0, -65.0)
        -16.0
        """
        return (self.quadratic * v + self.linear) * v + self.constant + current

    def u_nullcline(self, v):
        """u on the u-nullcline: u = b v (NaN for the accommodation form, whose
        u-nullcline is the vertical line v = -65).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).

        Returns
        -------
        float or array
            ``b v``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").u_nullcline(-65.0)
        -13.0
        """
        if self.accommodation:
            return np.full(np.shape(v), np.nan)
        return self.b * v

    def jacobian(self, v, u):
        """The Jacobian of (v', u') with respect to (v, u).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable.

        Returns
        -------
        numpy.ndarray
            ``[[2 quadratic v + linear, -1], [a b, -a]]`` (``du'/du = 0`` for
            the accommodation recovery), shape ``(2, 2)`` plus the shape of ``v``.

        Examples
        --------
        >>> import izhic
        >>> izhic.preset("RS").jacobian(-65.0, -13.0)
        array([[-0.2  , -1.   ],
               [ 0.004, -0.02 ]])
        """
        j11 = 2.0 * self.quadratic * v + self.linear
        j21 = self.a * self.b
        j22 = 0.0 if self.accommodation else -self.a
        return np.array([[j11, -1.0 + 0.0 * j11], [j21 + 0.0 * j11, j22 + 0.0 * j11]])

    def peak_rate(self):
        """dv'/dv at the spike cut-off (1/ms): ``2 quadratic min(v_peak, 100) + linear``.

        Returns
        -------
        float or array
            The rate per neuron.

        Examples
        --------
        >>> import izhic
        >>> float(izhic.preset("RS").peak_rate())
        7.4
        """
        # beyond ~100 mV the quadratic blow-up takes the same time whatever the cut-off
        return 2.0 * self.quadratic * np.minimum(np.asarray(self.v_peak), 100.0) + self.linear

    def _u_decay_rate(self):
        return 0.0 * np.asarray(self.a) if self.accommodation else self.a

    def _fixed_points_vu(self, current):
        if self.a == 0.0 or (self.accommodation and self.b == 0.0):
            raise ValueError(
                f"model: with a={self.a:g}" + (f", b={self.b:g}" if self.accommodation else "")
                + " u' is zero everywhere: every point of the v-nullcline is a fixed point "
                "(none is isolated)")
        if self.accommodation:
            v = self.ACCOMMODATION_V
            return [(v, float(self.v_nullcline(current, v)))]
        roots = _quadratic_roots(self.quadratic, self.linear - self.b, self.constant + current)
        return [(v, self.b * v) for v in roots]

    def rest_state(self, current):
        """The lower (stable) fixed point of each neuron under ``current``.

        Parameters
        ----------
        current : float or array
            Constant input current, broadcast against ``a`` and ``b``.

        Returns
        -------
        tuple of numpy.ndarray
            ``(v, u)``, NaN where the lower fixed point is missing or unstable.

        Examples
        --------
        >>> import izhic
        >>> v, u = izhic.preset("RS").rest_state([0.0, 10.0])
        >>> v
        array([-70., nan])
        """
        q2, q1, q0 = self.quadratic, self.linear, self.constant
        a, b = np.asarray(self.a, dtype=float), np.asarray(self.b, dtype=float)
        current = np.asarray(current, dtype=float)
        if self.accommodation:
            v = np.broadcast_to(self.ACCOMMODATION_V, np.broadcast(a, b, current).shape)
            u = self.v_nullcline(current, v)
            stable = (a * b > 0) & (2.0 * q2 * v + q1 < 0)
            return np.where(stable, v, np.nan), np.where(stable, u, np.nan)
        if q2 <= 0.0:
            shape = np.broadcast(a, b, current).shape
            return np.full(shape, np.nan), np.full(shape, np.nan)
        with np.errstate(invalid="ignore", over="ignore"):
            lin, const = q1 - b, q0 + current
            disc = lin * lin - 4.0 * q2 * const
            v = (-lin - np.sqrt(np.where(disc > 0, disc, np.nan))) / (2.0 * q2)
            u = b * v
            # stable: trace < 0 and det > 0 at the lower root
            j11 = 2.0 * q2 * v + q1
            stable = (j11 - a < 0) & (-j11 * a + a * b > 0)
        return np.where(stable, v, np.nan), np.where(stable, u, np.nan)


@dataclass(frozen=True)
class Izhikevich2007(ModelForm):
    """Parameters of the 2007 form (Izhikevich 2007, *Dynamical Systems in
    Neuroscience*, ch. 8)::

        C v' = k (v - vr)(v - vt) - u + I          (v mV, t ms, I pA, C pF)
        u'   = a (B(v) - u),   B(v) = b (v - v_u) + cubic * max(v - v_cubic, 0)^3
        if v >= v_peak + peak_u * u:  v <- c + c_u * u,  u <- min(u + d, u_max)

    with ``b`` replaced by ``b_low`` where ``v <= v_switch``. The plain form
    (RS, IB, CH) uses none of the extra terms: ``v_u = vr``, ``cubic = 0``,
    ``peak_u = c_u = 0``, ``u_max = inf``, no switch.

    Parameters
    ----------
    C : float or array
        Membrane capacitance (pF), > 0.
    k : float or array
        Gain of the quadratic term (nS/mV).
    vr, vt : float or array
        Resting and threshold potentials (mV).
    v_peak : float or array
        Spike cut-off (mV), plus ``peak_u * u`` for the special cells.
    a : float or array
        Recovery rate of ``u`` (1/ms).
    b : float or array
        Sensitivity of ``u`` to ``v`` (nS).
    c : float or array
        Reset of ``v`` (mV), plus ``c_u * u`` for the special cells.
    d : float or array
        Increment of ``u`` after a spike (pA).
    v_u : float, optional
        Reference potential of ``u`` (default ``vr``; RTN uses -65).
    cubic, v_cubic : float, default 0, 0
        The cubic term of FS's u-nullcline (0.025, -55 for FS).
    b_low, v_switch : float, optional
        ``b`` becomes ``b_low`` where ``v <= v_switch`` (TC, RTN); None: no switch.
    peak_u, c_u : float, default 0
        u-dependence of the cut-off and of the reset (LTS, TC).
    u_max : float, default inf
        Cap of ``u`` after the jump by ``d`` (LTS: 670).

    Notes
    -----
    ``C, k, vr, vt, v_peak, a, b, c, d`` may hold one value per neuron; the
    special-cell terms (``v_u`` .. ``u_max``) are shared by a run.
    Initial state: v = vr, u = 0 unless given. Default method of
    :func:`izhic.simulate` for this form: "euler" (the book's own scheme, u from
    the old v); "rk4", "rk4_grid" and "izhikevich2004" run it too
    ("izhikevich2003", the 2003 network's half steps, does not apply).

    Examples
    --------
    >>> import izhic
    >>> rs = izhic.PRESETS_2007["RS"]
    >>> rs.initial_state(rs.checked())
    (-60.0, 0.0)
    >>> [(round(v, 3), kind) for v, u, kind in rs.checked().fixed_points(0.0)]
    [(-60.0, 'stable node'), (-42.857, 'saddle')]
    """

    C: ArrayLike
    k: ArrayLike
    vr: ArrayLike
    vt: ArrayLike
    v_peak: ArrayLike
    a: ArrayLike
    b: ArrayLike
    c: ArrayLike
    d: ArrayLike
    v_u: Optional[float] = None        # None: vr
    cubic: float = 0.0
    v_cubic: float = 0.0
    b_low: Optional[float] = None      # None: no switch
    v_switch: float = -65.0
    peak_u: float = 0.0
    c_u: float = 0.0
    u_max: float = float("inf")

    FORM: ClassVar[str] = "2007 form"
    PER_NEURON: ClassVar[tuple] = ("C", "k", "vr", "vt", "v_peak", "a", "b", "c", "d")
    SHARED: ClassVar[tuple] = ("v_u", "cubic", "v_cubic", "b_low", "v_switch", "peak_u", "c_u",
                               "u_max")
    DEFAULT_METHOD: ClassVar[str] = "euler"
    METHODS: ClassVar[tuple] = ("euler", "izhikevich2004", "rk4", "rk4_grid", "ps")

    @property
    def special(self):
        """True when any special-cell term is used."""
        return (self.v_u is not None or self.cubic != 0.0 or self.b_low is not None
                or self.peak_u != 0.0 or self.c_u != 0.0 or self.u_max != float("inf"))

    def _checked_shared(self):
        out = {}
        for name in ("cubic", "v_cubic", "v_switch", "peak_u", "c_u"):
            out[name] = _shared_real(name, getattr(self, name))
            if abs(out[name]) >= PARAM_BOUND:
                raise ValueError(f"model.{name}: must lie within +-{PARAM_BOUND:g}, "
                                 f"got {out[name]!r}")
        for name in ("v_u", "b_low"):
            value = getattr(self, name)
            if value is not None:
                value = _shared_real(name, value)
                if abs(value) >= PARAM_BOUND:
                    raise ValueError(f"model.{name}: must lie within +-{PARAM_BOUND:g}, "
                                     f"got {value!r}")
            out[name] = value
        u_max = self.u_max
        if isinstance(u_max, (bool, np.bool_)) or not isinstance(u_max, numbers.Real):
            raise TypeError(f"model.u_max: expected a real number or inf, got {u_max!r}")
        u_max = float(u_max)
        if not (u_max == math.inf or (math.isfinite(u_max) and abs(u_max) < PARAM_BOUND)):
            raise ValueError(f"model.u_max: must be finite (within +-{PARAM_BOUND:g}) or +inf, "
                             f"got {u_max!r}")
        out["u_max"] = u_max
        return out

    def _check_consistency(self):
        C = np.atleast_1d(self.C)
        if not (C >= 1.0 / PARAM_BOUND).all():
            raise ValueError(f"model.C: the capacitance must be > 0 (at least "
                             f"{1.0 / PARAM_BOUND:g} pF), got {float(C[~(C >= 1.0 / PARAM_BOUND)][0])!r}")
        if not self.special:
            above = np.atleast_1d(np.asarray(self.c) >= np.asarray(self.v_peak))
            if above.any():
                bad = float(np.broadcast_to(np.asarray(self.c), above.shape)[above][0])
                raise ValueError(f"model.c: the reset value must be below v_peak, got c={bad!r}"
                                 " >= v_peak")

    def describe(self):
        """The form's name, noting the special-cell terms when used.

        Returns
        -------
        str
            ``"2007 form"`` or ``"2007 form with special-cell terms"``.

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["TC"].describe()
        '2007 form with special-cell terms'
        """
        return self.FORM + (" with special-cell terms" if self.special else "")

    def initial_state(self, p=None, v0=None, u0=None):
        """(v0, u0): ``v0 = vr`` and ``u0 = 0`` unless given.

        Parameters
        ----------
        p : Izhikevich2007, optional
            The model whose ``vr`` gives ``v0`` (default: this one).
        v0, u0 : float or array, optional
            Initial potential (mV) and recovery variable (pA).

        Returns
        -------
        tuple
            ``(v0, u0)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["IB"].initial_state()
        (-75, 0.0)
        """
        p = self if p is None else p
        v0 = p.vr if v0 is None else v0
        u0 = 0.0 if u0 is None else u0
        return v0, u0

    def _B(self, v):
        """The u-nullcline B(v)."""
        if not self.special:
            return self.b * (v - self.vr)
        bb = self.b if self.b_low is None else np.where(v <= self.v_switch, self.b_low, self.b)
        z = np.maximum(v - self.v_cubic, 0.0)
        v_u = self.vr if self.v_u is None else self.v_u
        return bb * (v - v_u) + self.cubic * (z * z * z)

    def _dB(self, v):
        bb = self.b if self.b_low is None else np.where(v <= self.v_switch, self.b_low, self.b)
        z = np.maximum(v - self.v_cubic, 0.0)
        return bb + 3.0 * self.cubic * (z * z)

    def dv(self, v, u, current):
        """dv/dt = (k (v - vr)(v - vt) - u + I) / C (as the RK4 lanes: times 1/C).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable (pA).
        current : float or array
            Input current (pA).

        Returns
        -------
        float or array
            dv/dt (mV/ms).

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].dv(-60.0, 0.0, 100.0)
        1.0
        """
        return (self.k * (v - self.vr) * (v - self.vt) - u + current) * (1.0 / self.C)

    def du(self, v, u):
        """du/dt = a (B(v) - u), B the (possibly switched or cubic) u-nullcline.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable (pA).

        Returns
        -------
        float or array
            du/dt (pA/ms).

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].du(-50.0, 0.0)
        -0.6
        """
        return self.a * (self._B(v) - u)

    def euler_v(self, v, u, current, h):
        """v after an Euler (half) step of length h, rounded as the kernel does.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable (pA).
        current : float or array
            Input current (pA).
        h : float
            Step length (ms).

        Returns
        -------
        float or array
            ``v + (h / C) (k (v - vr)(v - vt) - u + I)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].euler_v(-60.0, 0.0, 100.0, 0.5)
        -59.5
        """
        return v + (h / self.C) * (self.k * (v - self.vr) * (v - self.vt) - u + current)

    def euler_u(self, u, v_used, dt):
        """u after an Euler step of dt from the potential ``v_used``.

        Parameters
        ----------
        u : float or array
            Recovery variable (pA) before the step.
        v_used : float or array
            Membrane potential (mV) at which ``u'`` is evaluated.
        dt : float
            Step length (ms).

        Returns
        -------
        float or array
            ``u + (dt a) (B(v_used) - u)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].euler_u(0.0, -50.0, 0.5)
        -0.3
        """
        return u + (dt * self.a) * (self._B(v_used) - u)

    def peak(self, u):
        """The spike cut-off: v_peak (+ peak_u u for the special cells).

        Parameters
        ----------
        u : float or array
            Recovery variable (pA).

        Returns
        -------
        float or array
            The cut-off (mV).

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["TC"].peak(10.0)
        36.0
        """
        if not self.special:
            return self.v_peak
        return self.v_peak + self.peak_u * u

    def crossing_slope(self, v, u, current):
        """d/dt (v - peak(u)) = v' - peak_u u': the slope the spike locator follows.

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable (pA).
        current : float or array
            Input current (pA).

        Returns
        -------
        float or array
            The rate (mV/ms) at which ``v`` approaches the cut-off.

        Examples
        --------
        >>> import izhic
        >>> float(izhic.PRESETS_2007["TC"].crossing_slope(-60.0, 0.0, 100.0))
        0.5
        """
        if not self.special:
            return self.dv(v, u, current)
        return self.dv(v, u, current) - self.peak_u * self.du(v, u)

    def reset(self, v, u):
        """(v, u) after a spike: (c, u + d), or (c + c_u u, min(u + d, u_max)).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable (pA).

        Returns
        -------
        tuple
            ``(v, u)`` after the reset.

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].reset(35.0, 10.0)
        (-50, 110.0)
        """
        if not self.special:
            return self.c, u + self.d
        uu = u + self.d
        return self.c + self.c_u * u, np.where(uu < self.u_max, uu, self.u_max)

    def v_nullcline(self, current, v):
        """u on the v-nullcline (v' = 0): u = k (v - vr)(v - vt) + I.

        Parameters
        ----------
        current : float or array
            Input current (pA).
        v : float or array
            Membrane potential (mV).

        Returns
        -------
        float or array
            u (pA).

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].v_nullcline(0.0, -50.0)
        -70.0
        """
        return self.k * (v - self.vr) * (v - self.vt) + current

    def u_nullcline(self, v):
        """u on the u-nullcline: u = B(v).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).

        Returns
        -------
        float or array
            ``b (v - v_u) + cubic max(v - v_cubic, 0)^3`` (``b_low`` below ``v_switch``).

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].u_nullcline(-50.0)
        -20.0
        """
        return self._B(v)

    def jacobian(self, v, u):
        """The Jacobian of (v', u') with respect to (v, u).

        Parameters
        ----------
        v : float or array
            Membrane potential (mV).
        u : float or array
            Recovery variable (pA).

        Returns
        -------
        numpy.ndarray
            ``[[k (2 v - vr - vt) / C, -1 / C], [a B'(v), -a]]``, shape
            ``(2, 2)`` plus the shape of ``v``.

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["RS"].jacobian(-60.0, 0.0)
        array([[-0.14, -0.01],
               [-0.06, -0.03]])
        """
        j11 = self.k * (2.0 * v - self.vr - self.vt) / self.C
        j12 = -1.0 / self.C
        j21 = self.a * self._dB(v)
        j22 = -self.a
        z = 0.0 * j11
        return np.array([[j11, j12 + z], [j21 + z, j22 + z]])

    def peak_rate(self):
        """dv'/dv at the spike cut-off (1/ms), taken at u = 0 and at most 100 mV.

        Returns
        -------
        float or array
            ``k (2 min(v_peak, 100) - vr - vt) / C`` per neuron.

        Examples
        --------
        >>> import izhic
        >>> float(izhic.PRESETS_2007["RS"].peak_rate())
        1.19
        """
        # the cut-off at u = 0 (special cells move it with u, slightly); beyond
        # ~100 mV the blow-up takes the same time whatever the cut-off
        return self.k * (2.0 * np.minimum(np.asarray(self.v_peak), 100.0) - self.vr - self.vt) \
            / self.C

    def kinks(self):
        """Potentials (mV) where the right-hand side is not smooth.

        Returns
        -------
        tuple of float
            ``v_switch`` (when ``b_low`` is set) and ``v_cubic`` (when ``cubic``
            is not 0).

        Examples
        --------
        >>> import izhic
        >>> izhic.PRESETS_2007["TC"].kinks(), izhic.PRESETS_2007["RS"].kinks()
        ((-65.0,), ())
        """
        out = []
        if self.b_low is not None:
            out.append(self.v_switch)
        if self.cubic != 0.0:
            out.append(self.v_cubic)
        return tuple(out)

    def _fixed_points_vu(self, current):
        if self.a == 0.0:
            raise ValueError("model: with a=0 u' is zero everywhere: every point of the "
                             "v-nullcline is a fixed point (none is isolated)")
        # k (v - vr)(v - vt) + I = B(v), piece by piece (B is a polynomial on each)
        edges = sorted(set(self.kinks()))
        bounds = [-math.inf] + edges + [math.inf]
        v_u = self.vr if self.v_u is None else self.v_u
        roots = []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            mid = (0.5 * (lo + hi) if math.isfinite(lo) and math.isfinite(hi)
                   else (hi - 1.0 if math.isfinite(hi) else (lo + 1.0 if math.isfinite(lo)
                                                             else 0.0)))
            bb = self.b if self.b_low is None or mid > self.v_switch else self.b_low
            cubic = self.cubic if (self.cubic != 0.0 and mid > self.v_cubic) else 0.0
            # cubic (v - vc)^3 + bb (v - v_u) - k (v - vr)(v - vt) - I = 0
            vc = self.v_cubic
            poly = np.polynomial.Polynomial([-vc, 1.0]) ** 3 * cubic
            poly = poly + np.polynomial.Polynomial([-bb * v_u, bb])
            poly = poly - self.k * np.polynomial.Polynomial([-self.vr, 1.0]) * \
                np.polynomial.Polynomial([-self.vt, 1.0]) - current
            if cubic == 0.0:
                coef = poly.coef
                coef = np.pad(coef, (0, 3 - coef.size))
                cand = _quadratic_roots(coef[2], coef[1], coef[0])
            else:
                cand = [r.real for r in poly.roots() if abs(r.imag) <= 1e-9 * (1 + abs(r))]
            roots += [float(r) for r in cand if lo < r <= hi or (r == lo == -math.inf)]
        roots = sorted(set(roots))
        return [(v, float(self._B(v))) for v in roots]

    def rest_state(self, current):
        """The lower (stable) fixed point of each neuron under ``current``,
        on the piece of the model below every kink.

        Parameters
        ----------
        current : float or array
            Constant input current (pA), broadcast against the per-neuron fields.

        Returns
        -------
        tuple of numpy.ndarray
            ``(v, u)``, NaN where there is no stable rest state on that piece.

        Examples
        --------
        >>> import izhic
        >>> v, u = izhic.PRESETS_2007["RS"].rest_state(0.0)
        >>> round(float(v), 9)
        -60.0
        """
        # the plain quadratic: k (v - vr)(v - vt) + I = b' (v - v_u) on the lowest
        # piece (below every kink); special cells whose rest lies elsewhere are
        # left to the checks during the run
        k, vr, vt = (np.asarray(x, dtype=float) for x in (self.k, self.vr, self.vt))
        a, C = np.asarray(self.a, dtype=float), np.asarray(self.C, dtype=float)
        current = np.asarray(current, dtype=float)
        bb = np.asarray(self.b if self.b_low is None else self.b_low, dtype=float)
        v_u = vr if self.v_u is None else self.v_u
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            # k v^2 - (k (vr + vt) + bb) v + (k vr vt + bb v_u + I) = 0
            q2 = k
            lin = -(k * (vr + vt) + bb)
            const = k * vr * vt + bb * v_u + current
            disc = lin * lin - 4.0 * q2 * const
            v = (-lin - np.sqrt(np.where((disc > 0) & (q2 > 0), disc, np.nan))) / (2.0 * q2)
            lowest = min(self.kinks(), default=math.inf)
            v = np.where(v <= lowest, v, np.nan)
            u = bb * (v - v_u)
            j11 = k * (2.0 * v - vr - vt) / C
            stable = (j11 - a < 0) & (-j11 * a + a * bb / C > 0)
        return np.where(stable, v, np.nan), np.where(stable, u, np.nan)


# ------------------------------------------------------------------ presets ----

#: The seven classes of Izhikevich (2003), Fig. 2.
PRESETS_2003 = {
    "RS": Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8.0),    # regular spiking
    "IB": Izhikevich2003(a=0.02, b=0.2, c=-55.0, d=4.0),    # intrinsically bursting
    "CH": Izhikevich2003(a=0.02, b=0.2, c=-50.0, d=2.0),    # chattering
    "FS": Izhikevich2003(a=0.1, b=0.2, c=-65.0, d=2.0),     # fast spiking
    "LTS": Izhikevich2003(a=0.02, b=0.25, c=-65.0, d=2.0),  # low-threshold spiking
    "TC": Izhikevich2003(a=0.02, b=0.25, c=-65.0, d=0.05),  # thalamo-cortical
    "RZ": Izhikevich2003(a=0.1, b=0.26, c=-65.0, d=2.0),    # resonator
}

PRESET_NAMES = {
    "RS": "regular spiking",
    "IB": "intrinsically bursting",
    "CH": "chattering",
    "FS": "fast spiking",
    "LTS": "low-threshold spiking",
    "TC": "thalamo-cortical",
    "RZ": "resonator",
}

#: The cell types of Izhikevich (2007), ch. 8. FS uses k = 1 (one source gives
#: 3.5); TC uses u' = a (b (v - vr) - u) (one source writes (v + 65): pass
#: ``v_u=-65``).
PRESETS_2007 = {
    "RS": Izhikevich2007(C=100, k=0.7, vr=-60, vt=-40, v_peak=35, a=0.03, b=-2, c=-50, d=100),
    "IB": Izhikevich2007(C=150, k=1.2, vr=-75, vt=-45, v_peak=50, a=0.01, b=5, c=-56, d=130),
    "CH": Izhikevich2007(C=50, k=1.5, vr=-60, vt=-40, v_peak=25, a=0.03, b=1, c=-40, d=150),
    "LTS": Izhikevich2007(C=100, k=1.0, vr=-56, vt=-42, v_peak=40, a=0.03, b=8, c=-53, d=20,
                          peak_u=-0.1, c_u=0.04, u_max=670.0),
    "FS": Izhikevich2007(C=20, k=1.0, vr=-55, vt=-40, v_peak=25, a=0.2, b=0.0, c=-45, d=0,
                         cubic=0.025, v_cubic=-55.0),
    "TC": Izhikevich2007(C=200, k=1.6, vr=-60, vt=-50, v_peak=35, a=0.01, b=0.0, c=-60, d=10,
                         b_low=15.0, v_switch=-65.0, peak_u=0.1, c_u=-0.1),
    "RTN": Izhikevich2007(C=40, k=0.25, vr=-65, vt=-45, v_peak=0, a=0.015, b=2.0, c=-55, d=50,
                          b_low=10.0, v_switch=-65.0, v_u=-65.0),
}

PRESET_NAMES_2007 = {
    "RS": "regular spiking (L5 pyramidal)", "IB": "intrinsically bursting (L5)",
    "CH": "chattering (cat V1)", "LTS": "low-threshold spiking (barrel)",
    "FS": "fast spiking (L5 interneuron)", "TC": "thalamo-cortical (cat dLGN)",
    "RTN": "reticular thalamic nucleus (rat)",
}


def preset(name: str, year: int = 2003):
    """Return the preset called ``name`` (case-insensitive) of the 2003 model
    (``"RS"``, ``"IB"``, ``"CH"``, ``"FS"``, ``"LTS"``, ``"TC"``, ``"RZ"``) or,
    with ``year=2007``, of the 2007 form (RS, IB, CH, LTS, FS, TC, RTN).

    Parameters
    ----------
    name : str
        The preset's name.
    year : {2003, 2007}
        Which model form's presets.

    Returns
    -------
    Izhikevich2003 or Izhikevich2007

    Examples
    --------
    >>> import izhic
    >>> izhic.preset("fs").a
    0.1
    >>> izhic.preset("RTN", year=2007).v_u
    -65.0
    """
    if year not in (2003, 2007):
        raise ValueError(f"year: 2003 or 2007, got {year!r}")
    table = PRESETS_2003 if year == 2003 else PRESETS_2007
    if not isinstance(name, str):
        raise TypeError(f"model: expected a preset name, got {type(name).__name__}")
    key = name.strip().upper()
    if key not in table:
        raise ValueError(f"model: unknown preset {name!r} of the {year} form; choose one of "
                         f"{', '.join(table)}")
    return table[key]


def as_model(model):
    """The model form of ``model``: a preset name, a dict of parameters (2007
    form when it has ``C`` or ``k``) or a model instance (returned as is).

    Parameters
    ----------
    model : str, dict or ModelForm
        A 2003 preset name (see :func:`preset`), the fields of an
        :class:`Izhikevich2003` or :class:`Izhikevich2007`, or a model.

    Returns
    -------
    ModelForm
        The model (not yet checked).

    Examples
    --------
    >>> from izhic.models import as_model
    >>> as_model("FS").a
    0.1
    >>> as_model({"a": 0.02, "b": 0.2, "c": -65, "d": 8}).FORM
    '2003 form'
    """
    if isinstance(model, ModelForm):
        return model
    if isinstance(model, str):
        return preset(model)
    if isinstance(model, Mapping):
        cls = Izhikevich2007 if ("C" in model or "k" in model) else Izhikevich2003
        unknown = set(model) - set(cls.all_field_names())
        if unknown:
            raise ValueError(f"model: unknown parameter(s) {sorted(unknown)} for the "
                             f"{cls.FORM}; expected {', '.join(cls.all_field_names())}")
        try:
            return cls(**model)
        except TypeError as exc:
            raise TypeError(f"model: {exc}") from None
    raise TypeError(f"model: expected a preset name (e.g. 'RS'), an Izhikevich2003, an "
                    f"Izhikevich2007 or a dict of parameters, got {type(model).__name__}")
