"""Everyday analyses built on :func:`izhic.simulate` and the model forms:
F-I curves, rheobase, nullclines and fixed points.

:func:`fi_curve` and :func:`rheobase` run a fresh neuron per current (one
neuron of one population per current, constant input from ``t = 0``), so a
whole curve or a whole bisection step is one :func:`izhic.simulate` call.
Every model form works, with :func:`izhic.simulate`'s meaning (its default
initial state and default method). :func:`nullclines` and
:func:`fixed_points` ask the model form (:mod:`izhic.models`).

Units: time in ms, rates in Hz, v in mV, currents in the model's own units
(see :mod:`izhic.models`).
"""
from __future__ import annotations

import csv
import math
import numbers
import warnings
from dataclasses import dataclass, replace

import numpy as np

from . import _checks
from ._extras import require
from .models import AccuracyWarning, as_model
from .simulate import EVERY_STEP_MESSAGE, simulate

__all__ = ["FICurve", "fi_curve", "rheobase", "RHEOBASE_SEARCH_MAX", "nullclines",
           "fixed_points"]

#: ``rheobase`` without ``high`` looks for firing at ``low + 2**k``, k = 0..16,
#: so up to ``low + 65536`` current units (RS fires ~140 000 spikes/s there).
RHEOBASE_SEARCH_MAX = 2.0 ** 16
# one simulate call per group: low + 1 .. 32 (with low), then 64 .. 2048, then 4096 .. 65536
_SEARCH_GROUPS = (2.0 ** np.arange(0, 6), 2.0 ** np.arange(6, 12), 2.0 ** np.arange(12, 17))

_TABLE_COLUMNS = ("current", "count", "rate_hz", "steady_rate_hz", "first_spike_ms")


def _frozen(arr, dtype):
    arr = np.array(arr, dtype=dtype)  # our own copy
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, repr=False, eq=False)
class FICurve:
    """Firing rate against constant input current; what :func:`fi_curve` returns.

    Entry ``i`` of every array belongs to ``currents[i]`` (one fresh neuron per
    current). The arrays are read-only. The parameters are kept as
    attributes of the same names (:func:`fi_curve` makes the curve).

    Parameters
    ----------
    currents : ndarray, shape (n,)
        Input currents (model units).
    rates : ndarray, shape (n,)
        Mean firing rate in Hz: ``counts / (duration - discard) * 1000``.
    counts : ndarray of int64, shape (n,)
        Spikes with ``discard <= t <= duration`` (both ends included, as
        :meth:`izhic.SimulationResult.rates`).
    steady_rates : ndarray, shape (n,)
        ``1000 / ISI`` in Hz, where ISI is the last inter-spike interval of the
        whole run (ms), provided the last spike lies at ``t >= discard``; the
        interval's first spike may lie before ``discard``. 0 where the neuron
        fired fewer than 2 spikes in the run or its last spike came before
        ``discard``.
    first_spike : ndarray, shape (n,)
        Latency of the first spike of the whole run, from ``t = 0`` (ms; not
        limited to the window); NaN where the neuron never fired.
    duration, dt : float
        Simulated time and time step (ms).
    method : str
        Integration method (see :data:`izhic.METHODS`).
    discard : float
        Start of the counting window (ms); spikes before it are a transient.

    Examples
    --------
    >>> import izhic
    >>> fi = izhic.fi_curve("RS", [0.0, 5.0, 10.0], duration=200.0)
    >>> fi.rates.tolist(), fi.counts.tolist()
    ([0.0, 15.0, 25.0], [0, 3, 5])
    """

    currents: np.ndarray
    rates: np.ndarray
    counts: np.ndarray
    steady_rates: np.ndarray
    first_spike: np.ndarray
    duration: float
    dt: float
    method: str
    discard: float

    def __post_init__(self):
        n = None
        for name, dtype in (("currents", np.float64), ("rates", np.float64),
                            ("counts", np.int64), ("steady_rates", np.float64),
                            ("first_spike", np.float64)):
            arr = _frozen(getattr(self, name), dtype)
            if arr.ndim != 1 or (n is not None and arr.size != n):
                raise ValueError(f"FICurve.{name}: expected a 1-D array of length "
                                 f"{arr.size if n is None else n}, got shape {arr.shape}")
            n = arr.size
            object.__setattr__(self, name, arr)

    def __len__(self):
        return self.currents.size

    def __repr__(self):
        return (f"FICurve(n_currents={len(self)}, currents=[{self.currents.min():g} .. "
                f"{self.currents.max():g}], max rate={self.rates.max():g} Hz, "
                f"window=[{self.discard:g}, {self.duration:g}] ms, dt={self.dt:g} ms, "
                f"method={self.method!r})")

    def as_table(self):
        """The curve as columns: a dict of 1-D arrays, one row per current.

        Keys, in order: ``current``, ``count``, ``rate_hz``,
        ``steady_rate_hz``, ``first_spike_ms``. ``pandas.DataFrame(fi.as_table())``
        makes a data frame of it.

        Returns
        -------
        dict
            ``{column: numpy.ndarray}`` (the curve's own read-only arrays).

        Examples
        --------
        >>> import izhic
        >>> table = izhic.fi_curve("RS", [0.0, 10.0], duration=200.0).as_table()
        >>> list(table), table["rate_hz"].tolist()
        (['current', 'count', 'rate_hz', 'steady_rate_hz', 'first_spike_ms'], [0.0, 25.0])
        """
        return dict(zip(_TABLE_COLUMNS, (self.currents, self.counts, self.rates,
                                         self.steady_rates, self.first_spike)))

    def to_csv(self, path):
        """Write :meth:`as_table` to ``path`` as CSV with a header row.

        Floats are written with ``repr`` (they read back exactly); a neuron
        that never fired has ``first_spike_ms`` ``nan``. Returns ``path``.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (overwritten).

        Returns
        -------
        str or os.PathLike
            ``path``, as given.

        Examples
        --------
        >>> import izhic, os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "fi.csv")
        >>> _ = izhic.fi_curve("RS", [0.0, 10.0], duration=200.0).to_csv(path)
        >>> with open(path) as fh:
        ...     fh.readline().strip()
        'current,count,rate_hz,steady_rate_hz,first_spike_ms'
        """
        columns = self.as_table()
        with open(path, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in zip(*columns.values()):
                writer.writerow([str(int(x)) if isinstance(x, np.integer) else repr(float(x))
                                 for x in row])
        return path

    def plot(self, ax=None, *, steady=False, **kwargs):
        """Plot the rate against the current with matplotlib.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (default: a new figure).
        steady : bool, default False
            Also draw :attr:`steady_rates` (dashed).
        **kwargs
            Passed to ``ax.plot`` for the mean-rate line.

        Returns
        -------
        matplotlib Axes
            The axes drawn on.

        Examples
        --------
        >>> import izhic
        >>> from matplotlib.figure import Figure
        >>> fi = izhic.fi_curve("RS", [0.0, 5.0, 10.0], duration=200.0)
        >>> ax = fi.plot(Figure().subplots(), steady=True)
        >>> len(ax.lines)
        2
        """
        if ax is None:
            plt = require("matplotlib.pyplot", "plot", "FICurve.plot")
            _, ax = plt.subplots()
        kwargs.setdefault("marker", "o")
        kwargs.setdefault("label", "mean rate")
        line, = ax.plot(self.currents, self.rates, **kwargs)
        if steady:
            ax.plot(self.currents, self.steady_rates, linestyle="--", marker="s",
                    markerfacecolor="none", color=line.get_color(),
                    label="steady rate (last ISI)")
            ax.legend()
        ax.set_xlabel("input current")
        ax.set_ylabel("rate (Hz)")
        ax.set_title(f"F-I curve: spikes in [{self.discard:g}, {self.duration:g}] ms, "
                     f"{self.method}, dt = {self.dt:g} ms", fontsize=9)
        ax.grid(True, alpha=0.3)
        return ax


def _window(duration, discard):
    duration = _checks.real_scalar("duration", duration, positive=True)
    discard = _checks.real_scalar("discard", discard)
    if not 0.0 <= discard < duration:
        raise ValueError(f"discard: must satisfy 0 <= discard < duration = {duration:g} ms, "
                         f"got {discard!r}")
    return duration, discard


def _broadcast(name, value, n):
    """A scalar or a 1-D array of length n (length 1 broadcasts)."""
    arr = _checks.real_array(name, value)
    if arr.ndim == 1 and arr.size != n:
        if arr.size != 1:
            raise ValueError(f"{name}: expected a scalar or one value per current "
                             f"({n} values), got {arr.size} values")
        arr = arr.reshape(())
    return arr


def _steady_rates(trains, discard):
    times, offsets = trains.times, trains.offsets
    counts = np.diff(offsets)
    out = np.zeros(counts.size)
    last = offsets[1:] - 1
    ok = counts >= 2
    ok[ok] = times[last[ok]] >= discard
    out[ok] = 1000.0 / (times[last[ok]] - times[last[ok] - 1])
    return out


def fi_curve(model="RS", currents=None, *, duration=1000.0, dt=0.1, method=None,
             discard=0.0, v0=None, u0=None, n_threads=None):
    """Firing rate of a neuron against constant input current (F-I curve).

    One fresh neuron per current, all simulated together in one
    :func:`izhic.simulate` call.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict, default "RS"
        As in :func:`izhic.simulate` (any model form). A per-neuron parameter
        may also be an array with one value per current (length 1
        broadcasts).
    currents : array_like, shape (n,), optional
        Constant input currents (model units), finite; default
        ``0, 1, ..., 40`` (the original RS project's sweep).
    duration : float, default 1000
        Simulated time (ms), a whole number of steps of ``dt``.
    dt : float, default 0.1
        Time step (ms).
    method : str, optional
        Integration scheme, one of :data:`izhic.METHODS` the form supports;
        default: the form's, as :func:`izhic.simulate` ("rk4" for the 2003
        form, "euler" for the 2007 form).
    discard : float, default 0
        Spikes before ``discard`` ms are a transient and are not counted:
        ``counts`` and ``rates`` use spikes with ``discard <= t <= duration``.
        Must satisfy ``0 <= discard < duration``.
    v0 : float or array_like, optional
        Initial membrane potential (mV), scalar or one per current; default:
        the form's (-65, or vr for the 2007 form).
    u0 : float or array_like, optional
        Initial recovery variable, scalar or one per current; default: the
        form's (``b * v0``, or 0 for the 2007 form).
    n_threads : int, optional
        OpenMP threads (None or -1: all cores); results do not depend on it.

    Returns
    -------
    FICurve
        ``rates`` (Hz), ``counts``, ``steady_rates`` (Hz, from the last
        inter-spike interval), ``first_spike`` (ms), ... one entry per current.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it (``currents``, ``discard``,
        ``model.a``, ...).

    Notes
    -----
    ``rates`` equals ``simulate(...).rates(discard, duration)``. The
    ``steady_rates`` entry of a neuron is ``1000 / (t[-1] - t[-2])`` for its
    spike times ``t`` over the whole run, if it fired at least twice and
    ``t[-1] >= discard``, else 0. Slow adaptation or a neuron that stops
    firing late in the run is not detected by it; compare with ``rates``.

    With the original RS project's numerics
    (``method="izhikevich2004", dt=0.25, discard=200``) the counts are the
    published ones: 0 up to I = 3, 5 at I = 4, 18 at I = 10 (22.5 Hz).

    Examples
    --------
    >>> import numpy as np
    >>> from izhic.analysis import fi_curve
    >>> fi = fi_curve("RS", np.arange(0.0, 41.0, 10.0), dt=0.25,
    ...               method="izhikevich2004", discard=200.0)
    >>> fi.counts.tolist()
    [0, 18, 34, 51, 67]
    >>> fi.rates.tolist()
    [0.0, 22.5, 42.5, 63.75, 83.75]
    """
    if currents is None:
        currents = np.arange(0.0, 41.0)
    currents = _checks.real_array("currents", currents)
    if currents.ndim != 1 or currents.size == 0:
        raise ValueError(f"currents: expected a non-empty 1-D array of currents, got "
                         f"{'a scalar' if currents.ndim == 0 else 'an empty array'}")
    duration, discard = _window(duration, discard)
    n = currents.size
    params = as_model(model)
    params = replace(params, **{name: _broadcast(f"model.{name}", getattr(params, name), n)
                                for name in params.PER_NEURON})
    if v0 is not None:
        v0 = _broadcast("v0", v0, n)
    if u0 is not None:
        u0 = _broadcast("u0", u0, n)

    res = simulate(params, currents, duration, dt, method, n_neurons=n, v0=v0, u0=u0,
                   n_threads=n_threads)
    trains = res.spike_times
    return FICurve(
        currents=currents,
        rates=res.rates(discard, duration),
        counts=res.spike_counts(discard, duration),
        steady_rates=_steady_rates(trains, discard),
        first_spike=trains.first(),
        duration=res.duration, dt=res.dt, method=res.method, discard=discard,
    )


def rheobase(model="RS", *, duration=1000.0, dt=0.1, method=None, low=0.0, high=None,
             tol=1e-3, min_spikes=1, discard=0.0, v0=None, u0=None, currents_per_call=8,
             n_threads=None):
    """Smallest constant current that makes a neuron fire, for a given duration.

    "Fires" means at least ``min_spikes`` spikes with
    ``discard <= t <= duration``, for a fresh neuron started at ``(v0, u0)``
    with the current switched on at ``t = 0``.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict, default "RS"
        One neuron's parameters (scalars), as in :func:`izhic.simulate` (any
        model form).
    duration : float, default 1000
        Simulated time (ms) of every trial.
    dt : float, default 0.1
        Time step (ms).
    method : str, optional
        Integration scheme, one of :data:`izhic.METHODS` the form supports;
        default: the form's, as :func:`izhic.simulate`.
    low : float, default 0
        A current at which the neuron does not fire (checked).
    high : float, optional
        A current above ``low`` at which it fires (checked). Default: the
        first of ``low + 1, low + 2, low + 4, ..., low + 2**16`` that fires
        (:data:`RHEOBASE_SEARCH_MAX`); ``low + 1 .. 32`` are tried in one
        simulation with ``low``, ``low + 64 .. 2048`` and ``low + 4096 .. 65536``
        in one more each, only if needed.
    tol : float, default 1e-3
        Width of the final bracket (model current units), > 0.
    min_spikes : int, default 1
        Spikes needed in the window.
    discard : float, default 0
        Start of the counting window (ms), ``0 <= discard < duration``.
    v0 : float, optional
        Initial membrane potential (mV); default: the form's (-65, or vr).
    u0 : float, optional
        Initial recovery variable; default: the form's (``b * v0``, or 0).
    currents_per_call : int, default 8
        Currents tried per simulation (see Notes).
    n_threads : int, optional
        OpenMP threads (None or -1: all cores).

    Returns
    -------
    float
        A current ``I`` at which the neuron fires such that a current
        ``I' >= I - tol`` does not (``I'`` is the last current tried below
        ``I``); the rheobase lies in ``(I - tol, I]``.

    Raises
    ------
    ValueError
        If the neuron fires at ``low``, does not fire at ``high`` (or at
        ``low + 2**16`` when ``high`` is None), or for a bad argument (the
        message names it).
    TypeError
        For an argument of the wrong type.

    Notes
    -----
    Search: each step tries ``k = currents_per_call`` equally spaced currents
    inside the bracket ``(low, high)`` as ``k`` neurons of one
    :func:`izhic.simulate` call, and keeps the interval between the largest
    silent current below the first firing one and that firing current. A step
    shrinks the bracket ``k + 1`` times (9x for the default), where bisection
    (``currents_per_call=1``) shrinks it 2x: from the bracket ``[2, 4]`` that
    RS starts from, 4 calls instead of 11 reach ``tol = 1e-3``. The core
    advances a small population in vector blocks of 8 neurons, so a call
    with 8 currents costs well under twice one with a single current (more
    than 8 cost in proportion, and 16 make two blocks that may go to two
    threads); the default therefore fills one block. The last step uses only
    as many currents as needed to reach ``tol``. The search assumes that
    firing is monotone in the current between ``low`` and ``high``;
    otherwise it finds one of the transitions. A probe that :func:`izhic.simulate`
    refuses because the neuron crosses ``v_peak`` without end (the 2007 LTS
    cell at 1000 pA and more with ``"rk4"`` or ``"ps"``: its reset
    ``c + c_u u`` lies above its cut-off ``v_peak + peak_u u`` once u nears
    its cap) counts as firing, and so does, without the AccuracyWarning that
    :func:`izhic.simulate` gives for it, a probe of a grid method that spikes
    in more than a third of its steps.

    The answer is the rheobase *for that duration, window and initial
    state*, not the bifurcation point of the model: just above the true
    threshold the first spike may come only after a long latency, beyond
    ``duration``. For RS (2003 parameters, ``b = 0.2``) the rest state
    disappears in a saddle-node at I = 4; at I = 3 the default initial state
    ``(-65, -13)`` is an exact fixed point. From that state and over 1000 ms
    the neuron already fires a single transient spike from I ~ 3.46 and fires
    repetitively (the reset lies outside the basin of the rest state) from
    I ~ 3.78, so ``discard=200`` selects the second.

    Examples
    --------
    >>> from izhic.analysis import rheobase
    >>> i_rh = rheobase("RS", method="izhikevich2004", dt=0.25, discard=200.0)
    >>> 3.7 < i_rh <= 3.8
    True
    """
    duration, discard = _window(duration, discard)
    params = as_model(model)
    for name in params.PER_NEURON:
        arr = _checks.real_array(f"model.{name}", getattr(params, name))
        if arr.size != 1:
            raise ValueError(f"model.{name}: rheobase takes one neuron's parameters "
                             f"(scalars), got {arr.size} values; use fi_curve for a "
                             "population")
    params = params.one_neuron("rheobase takes one neuron's parameters")
    v0 = None if v0 is None else _checks.real_scalar("v0", v0)
    u0 = None if u0 is None else _checks.real_scalar("u0", u0)
    low = _checks.real_scalar("low", low)
    if high is not None:
        high = _checks.real_scalar("high", high)
        if not high > low:
            raise ValueError(f"high: must be > low = {low!r}, got {high!r}")
    tol = _checks.real_scalar("tol", tol, positive=True)
    min_spikes = _positive_int("min_spikes", min_spikes)
    k = _positive_int("currents_per_call", currents_per_call)

    def fires(currents):
        try:
            with warnings.catch_warnings():
                # a probe that spikes every few steps fires: that is all it asks
                warnings.filterwarnings("ignore", EVERY_STEP_MESSAGE, AccuracyWarning)
                res = simulate(params, currents, duration, dt, method, n_neurons=currents.size,
                               v0=v0, u0=u0, n_threads=n_threads)
        except ValueError as exc:
            # a neuron that crosses v_peak without end because of its model
            # (the 2007 LTS cell at 1000 pA and more with rk4 or ps: its reset
            # lies above its peak near the u cap) certainly fires: the probes
            # alone, each refused one counted as firing (a current far outside
            # the model's range, "current: ...", stays an error)
            if not (str(exc).startswith("model:") and "crossed v_peak more than" in str(exc)):
                raise
            if currents.size == 1:
                return np.ones(1, dtype=bool)
            return np.concatenate([fires(currents[i:i + 1]) for i in range(currents.size)])
        return res.spike_counts(discard, duration) >= min_spikes

    window = f"{min_spikes} spike(s) in [{discard:g}, {duration:g}] ms"
    if high is None:
        groups = _SEARCH_GROUPS
    else:
        groups = (np.array([high - low]),)
    # low and the first group together; each further group only if nothing fired yet
    # (large currents are costly: they spike every step or more often)
    below = low
    for i, steps in enumerate(groups):
        probes = low + steps
        try:
            fired = fires(np.concatenate(([low], probes)) if i == 0 else probes)
        except ValueError as exc:
            if not str(exc).startswith("current:"):  # not about the size of the current
                raise
            hint = "a smaller `high`" if len(groups) == 1 else "`high` explicitly"
            raise ValueError(f"high: the simulation failed at currents {probes[0]:g} .. "
                             f"{probes[-1]:g} ({exc}); pass {hint}") from exc
        if i == 0:
            if fired[0]:
                raise ValueError(f"low: the neuron already fires ({window}) at low = {low!r}; "
                                 "pass a lower `low`")
            fired = fired[1:]
        if fired.any():
            first = int(np.argmax(fired))
            low, high = (below if first == 0 else float(probes[first - 1])), float(probes[first])
            break
        below = float(probes[-1])
    else:
        if high is not None:
            raise ValueError(f"high: the neuron does not fire ({window}) at high = {high!r}; "
                             "pass a higher `high` (or a longer duration)")
        raise ValueError(f"high: the neuron does not fire ({window}) at any current up to "
                         f"low + 2**16 = {below:g}; pass `high` explicitly")

    while high - low > tol and np.nextafter(low, high) < high:
        n = min(k, math.ceil((high - low) / tol) - 1)
        probes = low + (high - low) * (np.arange(1, n + 1) / (n + 1))
        probes = probes[(probes > low) & (probes < high)]
        if probes.size == 0:
            break
        fired = fires(probes)
        if fired.any():
            first = int(np.argmax(fired))
            high = float(probes[first])
            if first > 0:
                low = float(probes[first - 1])
        else:
            low = float(probes[-1])
    return high


def _positive_int(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a positive int, got {_checks._show(value)}")
    if value < 1:
        raise ValueError(f"{name}: must be >= 1, got {value}")
    return int(value)


# -------------------------------------------------------------- phase plane ----

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


def nullclines(model, current, v):
    """The two nullclines of one neuron, as u at the given potentials.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict
        A preset name (``"RS"``, ...) or the parameters of **one** neuron
        (scalar fields), of any model form.
    current : float
        Constant input current (model units).
    v : float or array_like
        Membrane potentials (mV) at which to evaluate the nullclines.

    Returns
    -------
    u_v : ndarray, shape of ``v``
        v-nullcline (v' = 0): ``u = f(v) + I`` (2003 form: ``f(v) =
        quadratic v^2 + linear v + constant``; 2007 form: ``k (v - vr)(v -
        vt)``).
    u_u : ndarray, shape of ``v``
        u-nullcline (u' = 0): ``u = b v`` (2003 form), ``u = B(v)`` (2007
        form, with the switches and the cubic term of the special cells).
        With ``recovery="accommodation"`` (``u' = a b (v + 65)``) u' vanishes
        only on the vertical line ``v = -65``, which is not a graph u(v):
        ``u_u`` is all NaN then (and :func:`izhic.plotting.phase_plane` draws
        the vertical line).

    Raises
    ------
    ValueError
        If a model parameter or the current holds more than one value.

    Examples
    --------
    >>> from izhic.analysis import nullclines
    >>> nullclines("RS", 10.0, [-60.0])
    (array([-6.]), array([-12.]))
    """
    m = as_model(model).one_neuron("a phase plane is drawn for one neuron")
    current = _constant_current(current)
    v = np.asarray(v, dtype=np.float64)
    return np.asarray(m.v_nullcline(current, v), dtype=np.float64), \
        np.asarray(np.broadcast_to(m.u_nullcline(v), v.shape), dtype=np.float64)


def fixed_points(model, current):
    """Fixed points of one neuron under a constant current, and their kind.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict
        A preset name or the parameters of one neuron (scalar fields), of any
        model form.
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
    The fixed points are where the nullclines cross; for the 2007 special
    cells, whose u-nullcline is piecewise (the switch of b at ``v_switch``,
    FS's cubic above ``v_cubic``), piece by piece. The kind comes from the
    trace and determinant of the Jacobian there (e.g. 2003 standard form
    ``[[2 q2 v + q1, -1], [a b, -a]]``): ``det < 0`` is a saddle;
    ``det > 0`` is stable if ``trace < 0``, a node if ``trace^2 >= 4 det``
    and a focus otherwise.

    Examples
    --------
    >>> from izhic.analysis import fixed_points
    >>> fixed_points("RS", 3.0)[0]        # the initial state of the RS project
    (-65.0, -13.0, 'stable node')
    >>> fixed_points("RS", 4.5)           # past the saddle-node at I = 4: none
    []
    """
    m = as_model(model).one_neuron("a phase plane is drawn for one neuron")
    return m.fixed_points(_constant_current(current))
