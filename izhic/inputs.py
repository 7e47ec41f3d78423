"""Time-varying input currents.

A stimulus is ``I_i(t) = offset_i + shared(t) + own_i(t)``:

* ``offset``: one constant per neuron (or one for all);
* ``shared``: one waveform for all neurons (steps, pulses, ramps, sampled data,
  any vectorized function of t, and sums and multiples of these);
* ``own``: optionally one sampled waveform per neuron (an N x T array).

Timing: with the grid methods (``euler``, ``izhikevich2004``,
``izhikevich2003``, ``rk4_grid``) the current of step k (from ``t_k = k dt`` to
``t_k + dt``) is the stimulus evaluated at ``t_k`` and held over the whole
step, as in Izhikevich's figure code. With ``rk4`` each RK4 stage sees the
stimulus at its own time (``t_k``, ``t_k + dt/2``, and the limit from the left
at ``t_{k+1}``), and a step with an edge of a waveform strictly inside it is
split there (:meth:`Stimulus.sample_stages`; the edges are what each waveform
declares in ``edges``; a :func:`function` without ``edges`` is treated as
smooth). Noise stays an increment per step, held over it. ``t_k`` is
computed as ``k * dt`` (not accumulated). A pulse
``pulse(10, 15, 1.0)`` is on for ``10 <= t_k < 15``: with dt = 0.25 it acts on
the steps starting at 10.0, 10.25, ..., 14.75. The edges of step, pulse(s)
and ramp are compared with a tolerance of 1e-9 (1 + |edge|) ms, so rounding of
``k * dt`` cannot move an edge by a step.

Combine with ``+`` and ``*``::

    current = offsets + izhic.inputs.pulse(100, 200, 5.0) + 0.1 * izhic.inputs.ramp(300, 1.0)

``offsets`` may be a NumPy array (one value per neuron).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from . import _checks
from .synapses import _kind

__all__ = ["Stimulus", "Waveform", "Events", "PoissonInput", "constant", "step", "pulse",
           "pulses", "ramp", "sampled", "function", "events", "poisson"]


class Waveform:
    """A current waveform shared by all neurons: ``values(t) -> array like t``.

    Build one with :func:`step`, :func:`pulse`, :func:`pulses`, :func:`ramp`,
    :func:`sampled` or :func:`function`; combine with ``+``, ``-`` and ``*``
    (adding a number or an array of offsets makes a :class:`Stimulus`).

    Parameters
    ----------
    fn : callable
        ``fn(t)`` for an array of times (ms).
    description : str
        How it is shown.
    edges : sequence of float or None
        Where it or its slope jumps (None: unknown).
    left : callable, optional
        ``left(t)``: the exact limit from the left at the times ``t`` (see
        :meth:`values_left`); None: ``fn`` just before ``t``.
    right : callable, optional
        ``right(t)``: the exact limit from the right (see
        :meth:`values_right`); None: ``fn`` itself, or just after ``t`` at
        the edges when there is no ``left`` either.

    Examples
    --------
    >>> from izhic import inputs
    >>> w = inputs.pulse(10, 20, 1.0) + 0.5 * inputs.step(15, 2.0)
    >>> w.values([12.0, 16.0, 25.0]).tolist()
    [1.0, 2.0, 1.0]
    >>> w.edges
    (10.0, 20.0, 15.0)
    """

    __array_ufunc__ = None  # ndarray + Waveform -> Waveform.__radd__, not broadcasting

    def __init__(self, fn, description, edges=(), left=None, right=None):
        self._fn = fn
        self._left = left
        self._right = right
        self.description = description
        #: times (ms) where the waveform or its slope jumps (None: unknown);
        #: the exact reference (solve_ivp) restarts its integration there, and
        #: method "rk4" splits its step there
        self.edges = None if edges is None else tuple(float(e) for e in edges)

    def values(self, t):
        """The waveform at the times ``t`` (ms), as a float64 array of t's shape.

        Raises ValueError when the function returns something else (naming
        ``current`` and the shapes).

        Parameters
        ----------
        t : array_like
            Times (ms).

        Returns
        -------
        numpy.ndarray
            The values (float64), shape of ``t``.

        Examples
        --------
        >>> from izhic import inputs
        >>> inputs.step(5.0, 10.0).values([0.0, 5.0, 6.0])
        array([ 0., 10., 10.])
        """
        t = np.asarray(t, dtype=np.float64)
        try:
            out = np.asarray(self._fn(t), dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"current: the waveform {self.description} could not be "
                             f"evaluated at {t.size} times: {exc}") from None
        if out.shape not in ((), t.shape):
            raise ValueError(f"current: the waveform {self.description} returned shape "
                             f"{out.shape} for times of shape {t.shape}; a waveform must "
                             "return one value per time (or one for all)")
        return np.broadcast_to(out, t.shape).copy()

    def values_left(self, t):
        """The limit from the left at the times ``t`` (ms): the value just
        before a jump at ``t`` (method "rk4" evaluates the end of a step or of
        a piece of it there). Away from its edges that is its value; at an
        edge (within ``1e-9 (1 + abs(edge))`` ms), without an exact left limit
        of its own, the waveform is evaluated at ``t - 4e-9 (1 + abs(t))`` ms:
        just before the edge as the built-in waveforms compare it.

        Parameters
        ----------
        t : array_like
            Times (ms).

        Returns
        -------
        numpy.ndarray
            The left limits (float64), shape of ``t``.

        Examples
        --------
        >>> from izhic import inputs
        >>> inputs.step(5.0, 10.0).values_left([5.0, 6.0])
        array([ 0., 10.])
        """
        t = np.asarray(t, dtype=np.float64)
        if self._left is not None:
            out = np.asarray(self._left(t), dtype=np.float64)
            return np.broadcast_to(out, t.shape).copy()
        return self._one_sided(t, -1.0)

    def values_right(self, t):
        """The limit from the right at the times ``t`` (ms): the value just
        after a jump at ``t`` (method "rk4" evaluates the start of a step or
        of a piece of it there). The built-in waveforms' values are already
        that (their edges are half-open, ``t_on <= t``); a :func:`function`
        with ``edges`` is evaluated at ``t + 4e-9 (1 + abs(t))`` ms at its
        edges, so that e.g. ``t > 10`` is on from 10 (its values elsewhere).

        Parameters
        ----------
        t : array_like
            Times (ms).

        Returns
        -------
        numpy.ndarray
            The right limits (float64), shape of ``t``.

        Examples
        --------
        >>> import numpy as np
        >>> from izhic import inputs
        >>> strict = inputs.function(lambda t: np.where(t > 10, 14.0, 0.0), edges=[10])
        >>> strict.values([10.0]), strict.values_right([10.0])
        (array([0.]), array([14.]))
        """
        t = np.asarray(t, dtype=np.float64)
        if self._right is not None:
            out = np.asarray(self._right(t), dtype=np.float64)
            return np.broadcast_to(out, t.shape).copy()
        if self._left is not None:     # (a waveform with exact limits: its values)
            return self.values(t)
        return self._one_sided(t, 1.0)

    def _one_sided(self, t, side):
        if not self.edges:
            return self.values(t)
        edges = np.sort(np.asarray(self.edges, dtype=np.float64))
        i = np.clip(np.searchsorted(edges, t), 1, edges.size) if edges.size > 1 else 0
        near = np.minimum(np.abs(t - edges[np.minimum(i, edges.size - 1)]),
                          np.abs(t - edges[np.maximum(i - 1, 0)]))
        at_edge = near <= 2e-9 * (1.0 + np.abs(t))
        return np.where(at_edge, self.values(_shifted(t, side)), self.values(t))

    def __repr__(self):
        return f"Waveform({self.description})"

    # -- algebra -------------------------------------------------------------
    def __add__(self, other):
        if isinstance(other, Waveform):
            edges = (None if self.edges is None or other.edges is None
                     else self.edges + other.edges)
            return Waveform(lambda t: self.values(t) + other.values(t),
                            f"{self.description} + {other.description}", edges,
                            lambda t: self.values_left(t) + other.values_left(t),
                            lambda t: self.values_right(t) + other.values_right(t))
        if isinstance(other, Stimulus):
            return other + self
        return Stimulus(offset=other, shared=self)

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        return -1.0 * self

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            k = float(other)
            return Waveform(lambda t: k * self.values(t), f"{k:g} * ({self.description})",
                            self.edges, lambda t: k * self.values_left(t),
                            lambda t: k * self.values_right(t))
        return NotImplemented

    __rmul__ = __mul__


def _real(name, value):
    return _checks.real_scalar(name, value)


# Edges are compared with a tolerance, because the sample times k*dt are
# rounded: with dt = 0.3, 3*0.3 = 0.8999999999999999, and a pulse starting at
# 0.9 must act from that sample on. (function() compares exactly: it is the
# user's own expression, e.g. the 2004 figure code's strict inequalities.)
def _shifted(t, side):
    """Times a little after (side 1) or before (side -1) ``t``: past any edge
    at ``t`` compared with the tolerance of _at_or_after (a one-sided limit)."""
    return t + side * 4e-9 * (1.0 + np.abs(t))


def _at_or_after(t, edge):
    return t >= edge - 1e-9 * (1.0 + abs(edge))


def _before(t, edge):
    return t < edge - 1e-9 * (1.0 + abs(edge))


def constant(amplitude):
    """The same current at all times.

    Parameters
    ----------
    amplitude : float
        The current (model units).

    Returns
    -------
    Waveform

    Examples
    --------
    >>> from izhic import inputs
    >>> inputs.constant(2.5).values([0.0, 100.0]).tolist()
    [2.5, 2.5]
    """
    amplitude = _real("amplitude", amplitude)
    return Waveform(lambda t: np.full(t.shape, amplitude), f"constant {amplitude:g}")


def step(t_on, amplitude):
    """``amplitude`` for ``t >= t_on``, 0 before.

    Parameters
    ----------
    t_on : float
        Onset (ms); compared with a tolerance of 1e-9 (1 + |t_on|) ms.
    amplitude : float
        The current from then on (model units).

    Returns
    -------
    Waveform

    Examples
    --------
    >>> from izhic import inputs
    >>> inputs.step(10.0, 5.0).values([9.9, 10.0, 50.0]).tolist()
    [0.0, 5.0, 5.0]
    """
    t_on, amplitude = _real("t_on", t_on), _real("amplitude", amplitude)
    return Waveform(lambda t: np.where(_at_or_after(t, t_on), amplitude, 0.0),
                    f"step to {amplitude:g} at {t_on:g} ms", (t_on,))


def pulse(t_on, t_off, amplitude):
    """``amplitude`` for ``t_on <= t < t_off``, 0 elsewhere.

    Parameters
    ----------
    t_on, t_off : float
        Start and end (ms), ``t_off >= t_on``; both compared with a tolerance
        of 1e-9 (1 + |edge|) ms.
    amplitude : float
        The current during the pulse (model units).

    Returns
    -------
    Waveform

    Examples
    --------
    >>> from izhic import inputs
    >>> inputs.pulse(10.0, 15.0, 1.0).values([9.75, 10.0, 14.75, 15.0]).tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    t_on, t_off = _real("t_on", t_on), _real("t_off", t_off)
    amplitude = _real("amplitude", amplitude)
    if t_off < t_on:
        raise ValueError(f"t_off: {t_off!r} is before t_on={t_on!r}")
    return Waveform(lambda t: np.where(_at_or_after(t, t_on) & _before(t, t_off), amplitude, 0.0),
                    f"pulse {amplitude:g} in [{t_on:g}, {t_off:g}) ms", (t_on, t_off))


def pulses(onsets, width, amplitude):
    """Pulses of ``amplitude`` for ``onset <= t < onset + width`` at each onset.

    Parameters
    ----------
    onsets : array_like
        Onsets (ms).
    width : float
        Duration of each pulse (ms), >= 0.
    amplitude : float
        The current during a pulse (model units); overlapping pulses do not add.

    Returns
    -------
    Waveform

    Examples
    --------
    >>> from izhic import inputs
    >>> inputs.pulses([10.0, 30.0], 2.0, 1.0).values([10.0, 12.0, 31.0]).tolist()
    [1.0, 0.0, 1.0]
    """
    onsets = _checks.real_array("onsets", onsets).ravel()
    width, amplitude = _real("width", width), _real("amplitude", amplitude)
    if width < 0:
        raise ValueError(f"width: must be >= 0, got {width!r}")

    def fn(t):
        on = np.zeros(t.shape, dtype=bool)
        for t0 in onsets:
            on |= _at_or_after(t, t0) & _before(t, t0 + width)
        return np.where(on, amplitude, 0.0)

    return Waveform(fn, f"{onsets.size} pulses of {amplitude:g}, {width:g} ms",
                    tuple(onsets) + tuple(onsets + width))


def ramp(t_on, slope, t_off=None):
    """``slope * (t - t_on)`` for ``t_on <= t`` (and ``t < t_off`` if given), 0 elsewhere.

    Parameters
    ----------
    t_on : float
        Start of the ramp (ms).
    slope : float
        Rate of rise (model current units per ms).
    t_off : float, optional
        End of the ramp (ms); the current drops back to 0 there.

    Returns
    -------
    Waveform

    Examples
    --------
    >>> from izhic import inputs
    >>> inputs.ramp(100.0, 0.5, t_off=200.0).values([50.0, 150.0, 250.0]).tolist()
    [0.0, 25.0, 0.0]
    """
    t_on, slope = _real("t_on", t_on), _real("slope", slope)
    t_off = np.inf if t_off is None else _real("t_off", t_off)
    return Waveform(lambda t: np.where(_at_or_after(t, t_on) & _before(t, t_off),
                                       slope * np.maximum(t - t_on, 0.0), 0.0),
                    f"ramp {slope:g}/ms from {t_on:g} ms",
                    (t_on,) if math.isinf(t_off) else (t_on, t_off))


def function(fn, description=None, edges=None):
    """Any vectorized function of time: ``fn(t_array_ms) -> array``.

    Parameters
    ----------
    fn : callable
        ``fn(t)`` for an array ``t`` of times (ms) returns an array of the
        same shape (or a scalar).
    description : str, optional
        How the waveform is shown (default: the function's name).
    edges : array_like, optional
        The times (ms) where it jumps or kinks, if known; the exact reference
        :func:`izhic.reference.simulate_solve_ivp` restarts its integration
        there (and refuses a function without them).

    Returns
    -------
    Waveform

    Examples
    --------
    The 2004 figure code's "14 for t > 10" (a strict inequality, compared
    exactly as written):

    >>> import numpy as np
    >>> from izhic import inputs
    >>> w = inputs.function(lambda t: np.where(t > 10, 14.0, 0.0), edges=[10])
    >>> w.values([10.0, 10.25]).tolist()
    [0.0, 14.0]
    """
    if not callable(fn):
        raise TypeError(f"fn: expected a callable of t, got {type(fn).__name__}")
    if edges is not None:
        edges = _checks.real_array("edges", edges).ravel()
    return Waveform(fn, description or getattr(fn, "__name__", "function"), edges)


def sampled(values, dt_sample, t_start=0.0, interpolate=False):
    """A waveform given by samples ``values[m]`` at ``t_start + m * dt_sample``.

    Parameters
    ----------
    values : array_like, shape (n_samples,) or (n_neurons, n_samples)
        1-D: one waveform shared by all neurons (returns a Waveform). 2-D: one
        waveform per neuron (returns a Stimulus).
    dt_sample : float
        Time between samples (ms), > 0.
    t_start : float, default 0
        Time of the first sample (ms).
    interpolate : bool, default False
        Between samples hold the value (zero-order hold) or interpolate
        linearly. Before the first sample the current is 0, after the last
        one the last value.

    Returns
    -------
    Waveform or Stimulus

    Examples
    --------
    >>> from izhic import inputs
    >>> w = inputs.sampled([0.0, 2.0, 4.0], dt_sample=1.0)
    >>> w.values([0.5, 1.0, 1.5, 9.0]).tolist()
    [0.0, 2.0, 2.0, 4.0]
    >>> inputs.sampled([0.0, 2.0, 4.0], 1.0, interpolate=True).values([0.5, 1.5]).tolist()
    [1.0, 3.0]
    """
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"values: expected real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim not in (1, 2) or arr.shape[-1] == 0:
        raise ValueError(f"values: expected shape (n_samples,) or (n_neurons, n_samples), "
                         f"got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("values: must be finite")
    dt_sample = _checks.real_scalar("dt_sample", dt_sample, positive=True)
    t_start = _real("t_start", t_start)

    def at(t):  # t: (T,) -> (..., T)
        x = (t - t_start) / dt_sample
        if interpolate:
            m = np.clip(np.floor(x).astype(np.int64), 0, arr.shape[-1] - 1)
            m1 = np.minimum(m + 1, arr.shape[-1] - 1)
            w = np.clip(x - m, 0.0, 1.0)
            out = arr[..., m] * (1.0 - w) + arr[..., m1] * w
        else:
            m = np.clip(np.floor(x + 1e-9).astype(np.int64), 0, arr.shape[-1] - 1)
            out = arr[..., m]
        return np.where(x < -1e-9, 0.0, out)

    def left(t):  # the limit from the left: the sample before a sample time
        x = (t - t_start) / dt_sample
        if interpolate:
            out = at(t)
        else:
            m = np.clip(np.ceil(x - 1e-9).astype(np.int64) - 1, 0, arr.shape[-1] - 1)
            out = arr[..., m]
        return np.where(x <= 1e-9, 0.0, out)

    edges = t_start + dt_sample * np.arange(arr.size)
    if arr.ndim == 1:
        return Waveform(at, f"{arr.size} samples every {dt_sample:g} ms", edges, left)
    return Stimulus(own=at, n_own=arr.shape[0], own_left=left, own_edges=edges)


class Stimulus:
    """``I_i(t) = offset_i + shared(t) + own_i(t)``: what ``current=`` accepts.

    Usually built by adding waveforms to a number or an array of offsets
    rather than directly.

    Parameters
    ----------
    offset : float or array_like (n_neurons,), default 0
        Constant part, per neuron or one for all.
    shared : Waveform, optional
        A waveform every neuron gets.
    own : callable, optional
        ``own(t)`` for times ``t`` (T,) returns (n_own, T): one waveform per
        neuron (what :func:`sampled` builds from a 2-D array).
    n_own : int, optional
        Number of neurons ``own`` serves.
    events : Events, optional
        Sparse one-step current events (:func:`events`).
    random : object, optional
        Random current events, as built by ``izhic.inputs.random_events``.
    own_left : callable, optional
        ``own``'s exact limit from the left, ``own_left(t)`` -> (n_own, T);
        None: ``own`` just before the time.
    own_edges : sequence of float, optional
        Times (ms) where ``own`` or its slope jumps (None: unknown, treated
        as smooth).

    Examples
    --------
    >>> import numpy as np
    >>> from izhic import inputs
    >>> stim = np.array([1.0, 2.0]) + inputs.step(5.0, 10.0)
    >>> stim
    Stimulus(offset=array([1., 2.]), shared=step to 10 at 5 ms)
    >>> shared, own = stim.sample(4, dt=2.5)
    >>> shared.tolist(), own is None
    ([0.0, 0.0, 10.0, 10.0], True)
    """

    __array_ufunc__ = None

    def __init__(self, offset=0.0, shared=None, own=None, n_own=None, events=None,
                 random=None, own_left=None, own_edges=None):
        self.offset = offset
        self.shared = shared
        self.own = own
        self.n_own = n_own
        self.events = events
        self.random = random
        #: ``own``'s limit from the left (None: ``own`` just before the time)
        self.own_left = own_left
        #: where ``own`` or its slope jumps (None: unknown, treated as smooth)
        self.own_edges = None if own_edges is None else tuple(float(e) for e in own_edges)

    def _own_parts(self):
        return dict(own=self.own, n_own=self.n_own, own_left=self.own_left,
                    own_edges=self.own_edges)

    def __repr__(self):
        parts = [f"offset={_checks._show(self.offset, 30)}"]
        if self.shared is not None:
            parts.append(f"shared={self.shared.description}")
        if self.own is not None:
            parts.append(f"own={self.n_own} waveforms")
        if self.events is not None:
            parts.append(f"events={self.events.n_events}")
        if self.random is not None:
            parts.append(f"random={self.random!r}")
        return f"Stimulus({', '.join(parts)})"

    def __add__(self, other):
        if isinstance(other, Events):
            return self + Stimulus(events=other)
        if isinstance(other, RandomEvents):
            return self + Stimulus(random=other)
        if isinstance(other, Waveform):
            shared = other if self.shared is None else self.shared + other
            return Stimulus(self.offset, shared, events=self.events, random=self.random,
                            **self._own_parts())
        if isinstance(other, Stimulus):
            if self.own is not None and other.own is not None:
                raise ValueError("current: at most one per-neuron sampled waveform")
            shared = self.shared if other.shared is None else (
                other.shared if self.shared is None else self.shared + other.shared)
            events = self.events if other.events is None else (
                other.events if self.events is None else self.events + other.events)
            if self.random is not None and other.random is not None:
                raise ValueError("current: at most one random_events input")
            return Stimulus(np.add(self.offset, other.offset), shared, events=events,
                            random=self.random if self.random is not None else other.random,
                            **(self if self.own is not None else other)._own_parts())
        return Stimulus(np.add(self.offset, other), self.shared, events=self.events,
                        random=self.random, **self._own_parts())

    __radd__ = __add__

    def __mul__(self, other):
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            k = float(other)
            own, own_left = self.own, self.own_left
            return Stimulus(np.multiply(self.offset, k),
                            None if self.shared is None else k * self.shared,
                            None if own is None else (lambda t: k * own(t)), self.n_own,
                            None if self.events is None else k * self.events,
                            None if self.random is None else k * self.random,
                            None if own_left is None else (lambda t: k * own_left(t)),
                            self.own_edges)
        return NotImplemented

    __rmul__ = __mul__

    def sample(self, n_steps, dt, step0=0, n=None):
        """(shared (n_steps,) or None, own (n_steps, n_own) or None) at
        t_k = k dt for the steps k = step0 .. step0 + n_steps - 1.

        Parameters
        ----------
        n_steps : int
            Number of steps.
        dt : float
            Time step (ms).
        step0 : int, default 0
            Index of the first step (a continued run starts past 0).
        n : int, optional
            Not used (the number of neurons is not needed here).

        Returns
        -------
        shared : numpy.ndarray or None
            The shared waveform at each step's start, shape ``(n_steps,)``.
        own : numpy.ndarray or None
            The per-neuron waveforms, shape ``(n_steps, n_own)``.

        Examples
        --------
        >>> from izhic import inputs
        >>> shared, own = (1.0 + inputs.step(1.0, 2.0)).sample(3, dt=0.5)
        >>> shared.tolist(), own
        ([0.0, 0.0, 2.0], None)
        """
        if self.shared is None and self.own is None:
            return None, None
        t = np.arange(step0, step0 + n_steps, dtype=np.float64) * dt
        shared = None if self.shared is None else self.shared.values(t)
        own = None if self.own is None else np.ascontiguousarray(self._own_at(t))
        for name, arr in (("shared waveform", shared), ("per-neuron waveform", own)):
            if arr is not None and not np.isfinite(arr).all():
                raise ValueError(f"current: the {name} has non-finite values")
        return shared, own


    def _own_at(self, t, left=False):
        if left:
            out = self.own_left(t) if self.own_left is not None else self.own(_shifted(t, -1.0))
        else:
            out = self.own(t)
        out = np.asarray(out, dtype=np.float64)
        if out.shape != (self.n_own, t.size):
            raise ValueError(f"current: the per-neuron waveform gave shape {out.shape}, "
                             f"expected ({self.n_own}, {t.size})")
        return out.T

    def sample_stages(self, n_steps, dt, step0=0, max_pieces=64):
        """The waveforms as method "rk4" sees them: at the stage times of each
        step, and in pieces where an edge falls inside a step.

        Returns ``None`` without waveforms, else a dict:

        * ``wave`` (n_steps, 3) or None, ``own`` (n_steps, 3, n_own) or None:
          the shared and per-neuron waveforms at ``t_k`` (the limit from the
          right), ``t_k + dt/2`` and ``t_{k+1}`` (the limit from the left),
          ``t_k = k dt``;
        * ``split`` (n_steps + 1,) int64 or None: the pieces of step k are
          ``split[k] .. split[k+1] - 1`` (none: the step is whole); the steps
          with an edge inside (more than ``1e-9 (1 + abs(edge))`` ms from both ends);
        * ``piece_start``, ``piece_length`` (n_pieces,): each piece's start,
          ms from the start of its step, and length; ``piece_wave``
          (n_pieces, 3), ``piece_own`` (n_pieces, 3, n_own): the waveforms at
          the piece's start, middle and end (left limit), as for a step.

        Parameters
        ----------
        n_steps : int
            Number of steps.
        dt : float
            Time step (ms).
        step0 : int, default 0
            Index of the first step.
        max_pieces : int, default 64
            Most pieces one step may be split into (ValueError beyond).

        Returns
        -------
        dict or None
            The arrays described above.

        Examples
        --------
        A pulse that starts in the middle of the third step splits it in two:

        >>> from izhic import inputs
        >>> d = (1.0 + inputs.pulse(2.5, 3.0, 4.0)).sample_stages(4, 1.0)
        >>> d["wave"][2].tolist(), d["split"].tolist(), d["piece_start"].tolist()
        ([0.0, 4.0, 4.0], [0, 0, 0, 2, 2], [0.0, 0.5])
        """
        if self.shared is None and self.own is None:
            return None
        k = np.arange(step0, step0 + n_steps, dtype=np.float64)
        times = (k * dt, (k + 0.5) * dt, (k + 1.0) * dt)
        out = dict(wave=None, own=None, split=None, piece_start=None, piece_length=None,
                   piece_wave=None, piece_own=None)
        if self.shared is not None:
            out["wave"] = np.stack([self.shared.values_right(times[0]),
                                    self.shared.values(times[1]),
                                    self.shared.values_left(times[2])], axis=1)
        if self.own is not None:
            out["own"] = np.ascontiguousarray(np.stack(
                [self._own_at(times[0]), self._own_at(times[1]),
                 self._own_at(times[2], left=True)], axis=1))
        edges = []
        if self.shared is not None and self.shared.edges:
            edges += list(self.shared.edges)
        if self.own is not None and self.own_edges:
            edges += list(self.own_edges)
        t_lo, t_hi = step0 * dt, (step0 + n_steps) * dt
        edges = np.unique(np.asarray([e for e in edges if t_lo < e < t_hi], dtype=np.float64))
        if edges.size:
            step = np.floor(edges / dt).astype(np.int64)
            tol = 1e-9 * (1.0 + np.abs(edges))
            start = step * dt
            inside = (edges > start + tol) & (edges < (step + 1) * dt - tol)
            edges, step = edges[inside], step[inside]
        if edges.size:
            # edges closer than the tolerance to each other are one edge
            keep = np.ones(edges.size, dtype=bool)
            keep[1:] = np.diff(edges) > 1e-9 * (1.0 + np.abs(edges[1:]))
            edges, step = edges[keep], step[keep]
            counts = np.bincount(step - step0, minlength=n_steps)
            if counts.max() + 1 > max_pieces:
                worst = int(np.argmax(counts)) + step0
                raise ValueError(f"current: {int(counts.max())} edges of the input fall inside "
                                 f"the step at t = {worst * dt:g} ms (dt={dt!r} ms); method "
                                 f"'rk4' splits a step at most {max_pieces - 1} times: use a "
                                 "smaller dt, or method 'rk4_grid' (input held over each step)")
            split = np.zeros(n_steps + 1, dtype=np.int64)
            split[1:] = np.cumsum(np.where(counts > 0, counts + 1, 0))
            n_pieces = int(split[-1])
            p_lo = np.empty(n_pieces)
            p_hi = np.empty(n_pieces)
            p_k = np.empty(n_pieces)
            pos = 0
            ke = 0
            for kk in np.flatnonzero(counts):
                m = int(counts[kk])
                t0 = (kk + step0) * dt
                bounds = np.concatenate(([t0], edges[ke:ke + m], [(kk + step0 + 1) * dt]))
                p_lo[pos:pos + m + 1] = bounds[:-1]
                p_hi[pos:pos + m + 1] = bounds[1:]
                p_k[pos:pos + m + 1] = t0
                pos += m + 1
                ke += m
            mid = 0.5 * (p_lo + p_hi)
            out["split"] = split
            out["piece_start"] = p_lo - p_k
            out["piece_length"] = p_hi - p_lo
            if self.shared is not None:
                out["piece_wave"] = np.stack([self.shared.values_right(p_lo),
                                              self.shared.values(mid),
                                              self.shared.values_left(p_hi)], axis=1)
            if self.own is not None:
                out["piece_own"] = np.ascontiguousarray(np.stack(
                    [self._own_at(p_lo), self._own_at(mid), self._own_at(p_hi, left=True)],
                    axis=1))
        for name, what in (("wave", "shared"), ("own", "per-neuron"),
                           ("piece_wave", "shared"), ("piece_own", "per-neuron")):
            arr = out[name]
            if arr is not None and not np.isfinite(arr).all():
                raise ValueError(f"current: the {what} waveform has non-finite values")
        return out


class Events:
    """Sparse current events: ``amplitude[i]`` is added to the current of
    neuron ``neuron[i]`` in the step that starts at ``time[i]`` (a whole
    multiple of dt), for that step only. Build with :func:`events`; add to a
    current (``5.0 + izhic.inputs.events(...)``).

    Parameters
    ----------
    neuron : numpy.ndarray of int
        The neuron of each event (kept as the attribute ``neuron``).
    time : numpy.ndarray of float
        The time (ms) of each event (attribute ``time``).
    amplitude : numpy.ndarray of float
        The current added in that step (attribute ``amplitude``).

    Examples
    --------
    >>> from izhic import inputs
    >>> ev = inputs.events([0, 1], [2.0, 5.0], 20.0)
    >>> ev
    Events(2 events, t = 2 .. 5 ms)
    >>> (ev + inputs.events([1], [1.0], -3.0)).n_events
    3
    """

    __array_ufunc__ = None

    def __init__(self, neuron, time, amplitude):
        self.neuron = neuron
        self.time = time
        self.amplitude = amplitude

    @property
    def n_events(self):
        return int(self.neuron.size)

    def __repr__(self):
        if not self.n_events:
            return "Events(0 events)"
        return (f"Events({self.n_events} events, t = {self.time.min():g} .. "
                f"{self.time.max():g} ms)")

    def __add__(self, other):
        if isinstance(other, Events):
            return Events(np.concatenate([self.neuron, other.neuron]),
                          np.concatenate([self.time, other.time]),
                          np.concatenate([self.amplitude, other.amplitude]))
        if isinstance(other, (Stimulus, Waveform)):
            return Stimulus(events=self) + other
        return Stimulus(offset=other, events=self)

    __radd__ = __add__

    def __mul__(self, other):
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return Events(self.neuron, self.time, self.amplitude * float(other))
        return NotImplemented

    __rmul__ = __mul__

    def steps(self, dt):
        """The step each event acts in (int64); ValueError naming ``time`` when a
        time is not a whole multiple of dt.

        Parameters
        ----------
        dt : float
            Time step (ms).

        Returns
        -------
        numpy.ndarray of int64
            ``time / dt`` of each event, rounded.

        Examples
        --------
        >>> from izhic import inputs
        >>> inputs.events([0, 1], [2.0, 5.0], 20.0).steps(0.5)
        array([ 4, 10])
        """
        x = self.time / dt
        k = np.rint(x)
        bad = np.flatnonzero(np.abs(x - k) > 1e-9 * np.maximum(1.0, np.abs(x)))
        if bad.size:
            t = float(self.time[bad[0]])
            raise ValueError(f"current: the event time {t!r} ms is not a whole multiple of "
                             f"dt={dt!r} ms (nearest: {math.floor(t / dt) * dt:g} or "
                             f"{math.ceil(t / dt) * dt:g} ms)")
        return k.astype(np.int64)


def events(neuron, time, amplitude):
    """Sparse current events (one pulse of one step each).

    Parameters
    ----------
    neuron : array_like of int
        The neuron of each event.
    time : float or array_like
        The start of the step each event acts in (ms, >= 0, a whole multiple
        of the run's dt).
    amplitude : float or array_like
        Added to that neuron's current for that step (model units), on top of
        the rest of the input; events in one step add up, in the order given.

    Returns
    -------
    Events

    Examples
    --------
    Izhikevich's spnet gives one random neuron I = 20 each ms:

    >>> import numpy as np
    >>> from izhic import inputs
    >>> kicks = np.random.default_rng(0).integers(0, 1000, 1000)
    >>> ev = inputs.events(kicks, np.arange(1000.0), 20.0)
    >>> ev.n_events
    1000
    """
    neuron = np.asarray(neuron)
    if neuron.ndim != 1 or (neuron.size and neuron.dtype.kind not in "iu"):
        raise TypeError(f"neuron: expected a 1-D array of neuron indices, got "
                        f"{_checks._show(neuron)}")
    neuron = neuron.astype(np.int64)
    if neuron.size and neuron.min() < 0:
        raise ValueError(f"neuron: indices must be >= 0, got {int(neuron.min())}")
    n = neuron.size
    time = np.array(np.broadcast_to(_checks.real_array("time", time), (n,)), dtype=np.float64)
    if n and time.min() < 0:
        raise ValueError(f"time: must be >= 0, got {float(time.min())!r}")
    amplitude = np.array(np.broadcast_to(_checks.real_array("amplitude", amplitude), (n,)),
                         dtype=np.float64)
    return Events(neuron, time, amplitude)


class RandomEvents:
    """Each step, ``per_step`` neurons drawn uniformly (with repeats) get
    ``amplitude`` added to their current for that step: spnet's thalamic
    input (one neuron a ms, I = 20). Build with :func:`random_events`.

    The draws are counter-based, keyed by the run's seed and the step, so
    they are the same for any thread count and in chained runs; they act
    after the explicit events and before the synaptic input of the step.
    :meth:`events` gives the same input as explicit :class:`Events`.

    Examples
    --------
    >>> from izhic import inputs
    >>> kicks = inputs.random_events(20.0)
    >>> kicks
    RandomEvents(1 neuron a step, amplitude 20)
    >>> ev = kicks.events(n_neurons=1000, duration=5.0, dt=1.0, seed=1)
    >>> ev.time.tolist(), bool((ev.amplitude == 20.0).all())
    ([0.0, 1.0, 2.0, 3.0, 4.0], True)
    """

    __array_ufunc__ = None

    def __init__(self, amplitude, per_step):
        self.amplitude = amplitude
        self.per_step = per_step

    def __repr__(self):
        who = "1 neuron" if self.per_step == 1 else f"{self.per_step} neurons"
        return f"RandomEvents({who} a step, amplitude {self.amplitude:g})"

    def __add__(self, other):
        return Stimulus(random=self) + other

    __radd__ = __add__

    def __mul__(self, other):
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return RandomEvents(self.amplitude * float(other), self.per_step)
        return NotImplemented

    __rmul__ = __mul__

    def neurons(self, n_neurons, step0, n_steps, seed):
        """The neurons drawn in steps step0 .. step0 + n_steps - 1: (n_steps,
        per_step) int64."""
        from . import _noise

        key = _noise.stream_key(seed, 0, _noise.C_KICKS)
        k = np.arange(step0, step0 + n_steps, dtype=np.uint64)[:, None]
        j = np.arange(self.per_step, dtype=np.uint64)[None, :]
        with np.errstate(over="ignore"):
            h = _noise.mix64_array(np.uint64(key) + (k * np.uint64(self.per_step) + j
                                                      + np.uint64(1)) * np.uint64(_noise.GOLDEN))
        unit = (h >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
        return (unit * n_neurons).astype(np.int64)

    def events(self, n_neurons, duration, dt, seed, t_start=0.0):
        """The same input as explicit events, for ``duration`` ms from
        ``t_start`` (a run of that seed and dt)."""
        from ._time import n_steps_of, step_times

        step0 = n_steps_of(t_start, dt)
        n_steps = n_steps_of(duration, dt, step0)
        who = self.neurons(int(n_neurons), step0, n_steps, int(seed))
        k = np.repeat(np.arange(step0, step0 + n_steps), self.per_step)
        return Events(who.reshape(-1), step_times(k, dt), np.full(k.size, self.amplitude))


def random_events(amplitude, per_step=1):
    """Random current events: each step, ``per_step`` neurons drawn uniformly
    get ``amplitude`` for that step (spnet's thalamic input:
    ``random_events(20.0)`` with dt = 1 ms). Give the run a ``seed``.

    Parameters
    ----------
    amplitude : float
        Current added to a drawn neuron for one step.
    per_step : int, default 1
        Neurons drawn each step (independently: one neuron may be drawn twice).

    Returns
    -------
    RandomEvents

    Examples
    --------
    >>> import izhic
    >>> res = izhic.simulate("RS", izhic.inputs.random_events(200.0), 100.0, 1.0,
    ...                      "izhikevich2003", n_neurons=10, seed=1)
    >>> res.spike_times.n_spikes > 0
    True
    """
    amplitude = _checks.real_scalar("amplitude", amplitude)
    if isinstance(per_step, (bool, np.bool_)) or not isinstance(per_step, numbers.Integral):
        raise TypeError(f"per_step: expected an int, got {_checks._show(per_step)}")
    if per_step < 1:
        raise ValueError(f"per_step: must be >= 1, got {per_step}")
    return RandomEvents(amplitude, int(per_step))


class PoissonInput:
    """Poisson spike input, independent for every neuron: built by :func:`poisson`.

    The parameters are kept as attributes of the same names; :func:`poisson`
    checks them.

    Parameters
    ----------
    rate : float
        Rate of one source (Hz).
    weight : float
        Weight of one arrival.
    kind : {"current", "voltage", "exponential"}
        How an arrival acts.
    tau : float or None
        Time constant (ms) of ``"exponential"``.
    n_sources : int
        Independent sources per neuron.

    Examples
    --------
    >>> from izhic import inputs
    >>> inputs.poisson(rate=5.0, weight=0.5, n_sources=100)
    PoissonInput(100 sources x 5 Hz, weight 0.5, kind='current')
    """

    def __init__(self, rate, weight, kind, tau, n_sources):
        self.rate, self.weight, self.kind, self.tau, self.n_sources = (rate, weight, kind, tau,
                                                                       n_sources)

    def __repr__(self):
        tau = f", tau={self.tau:g} ms" if self.tau is not None else ""
        return (f"PoissonInput({self.n_sources} sources x {self.rate:g} Hz, weight "
                f"{self.weight:g}, kind={self.kind!r}{tau})")

    def mean_arrivals(self, dt):
        """Expected arrivals per neuron per step.

        Parameters
        ----------
        dt : float
            Time step (ms).

        Returns
        -------
        float
            ``n_sources * rate * dt / 1000``.

        Examples
        --------
        >>> from izhic import inputs
        >>> inputs.poisson(rate=5.0, weight=0.5, n_sources=100).mean_arrivals(0.1)
        0.05
        """
        return self.n_sources * self.rate * dt / 1000.0


def poisson(rate, weight, kind="current", tau=None, n_sources=1):
    """Poisson spike input to every neuron, through a synapse kind (NEST's
    ``poisson_generator``, Brian2's ``PoissonInput``).

    Each neuron receives its own ``n_sources`` independent Poisson trains of
    ``rate`` each; in each step the number of arrivals is drawn from a
    Poisson distribution of mean ``n_sources * rate * dt`` (counter-based:
    the same for any thread count, keyed by the seed and the neuron), and
    ``weight`` times that number enters the step as the synapse ``kind`` says
    (see :mod:`izhic.synapses`). Pass it as ``simulate(..., poisson=...)``
    (one or a list), with ``seed=``.

    Parameters
    ----------
    rate : float
        Rate of one source (Hz), >= 0.
    weight : float
        Weight of one arrival.
    kind : {"current", "voltage", "exponential"}
        How an arrival acts.
    tau : float, optional
        Time constant (ms) of ``"exponential"``.
    n_sources : int, default 1
        Independent sources per neuron.

    Returns
    -------
    PoissonInput

    Examples
    --------
    100 sources of 10 Hz, each arrival a jump of 2 mV:

    >>> import izhic
    >>> res = izhic.simulate("RS", 0.0, 1000.0, 0.1, n_neurons=50, seed=1,
    ...                      poisson=izhic.inputs.poisson(rate=10.0, weight=2.0,
    ...                                                   kind="voltage", n_sources=100))
    >>> 0 < res.spike_times.n_spikes
    True
    """
    rate = _checks.real_scalar("rate", rate, nonnegative=True)
    weight = _checks.real_scalar("weight", weight)
    kind, tau = _kind(kind, tau)
    if isinstance(n_sources, (bool, np.bool_)) or not isinstance(n_sources, numbers.Integral):
        raise TypeError(f"n_sources: expected an int, got {_checks._show(n_sources)}")
    if n_sources < 1:
        raise ValueError(f"n_sources: must be >= 1, got {n_sources}")
    return PoissonInput(rate, weight, kind, tau, int(n_sources))
