"""Results of a simulation: compact spike trains, optional traces, analysis helpers."""
from __future__ import annotations

import contextlib
import operator
import os
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import _checks
from ._extras import require
from ._time import step_times


def write_npz(path, arrays, compressed=False):
    """Write ``arrays`` to the ``.npz`` file ``path`` whole or not at all.

    The arrays go to ``path + ".tmp.npz"``, which then replaces ``path``
    (``os.replace``, atomic on one file system). Ctrl-C (SIGINT) during the
    write is held until the file is whole and in place, then raised as
    KeyboardInterrupt: an interrupt inside NumPy's zip writer would leave it
    half closed. Any other error removes the temporary file and leaves
    ``path`` as it was.
    """
    path = os.fspath(path)
    tmp = path + ".tmp.npz"
    with _sigint_held():
        try:
            (np.savez_compressed if compressed else np.savez)(tmp, **arrays)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.remove(tmp)
            except OSError:
                pass
            raise


@contextlib.contextmanager
def _sigint_held():
    """SIGINT, while the block runs, is noted and delivered after it to the
    handler that was there before (Python's own raises KeyboardInterrupt).
    Outside the main thread (where no handler can be set) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    seen = []
    try:
        before = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(frame))
    except ValueError:               # not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        if seen and callable(before):
            before(signal.SIGINT, seen[0])


__all__ = ["SpikeTrains", "SimulationResult", "State", "load"]


def _window(t_start, t_stop, default_stop):
    """(t_start, t_stop) in ms; None means 0 and ``default_stop``."""
    t_start = 0.0 if t_start is None else _checks.real_scalar("t_start", t_start)
    t_stop = default_stop if t_stop is None else _checks.real_scalar("t_stop", t_stop)
    if t_stop < t_start:
        raise ValueError(f"t_stop: {t_stop!r} is before t_start={t_start!r}")
    return t_start, t_stop


class SpikeTrains(Sequence):
    """Spike times of many neurons, stored as one flat array plus offsets.

    ``trains[i]`` is neuron ``i``'s spike times (ms, increasing) as a read-only
    1-D float64 view; ``len(trains)`` is the number of neurons. Nothing is
    stored per spike but its time (8 bytes), plus 8 bytes of offset per neuron.

    Parameters
    ----------
    times : array_like, shape (n_spikes,)
        All spike times, neuron 0's first, then neuron 1's, ... Kept (as a
        read-only float64 array) as the attribute ``times``.
    offsets : array_like of int, shape (n_neurons + 1,)
        Neuron ``i``'s spikes are ``times[offsets[i]:offsets[i + 1]]``; must
        start at 0 and end at ``len(times)``. Kept (read-only int64) as the
        attribute ``offsets``.

    Examples
    --------
    >>> from izhic import SpikeTrains
    >>> trains = SpikeTrains([1.0, 5.0, 3.0], [0, 2, 2, 3])
    >>> len(trains), trains[0].tolist(), trains[1].size, trains.n_spikes
    (3, [1.0, 5.0], 0, 3)
    """

    __slots__ = ("times", "offsets")

    def __init__(self, times, offsets):
        times = np.asarray(times, dtype=np.float64)
        offsets = np.asarray(offsets, dtype=np.int64)
        if offsets.ndim != 1 or offsets.size < 1 or offsets[0] != 0 or offsets[-1] != times.size:
            raise ValueError("offsets must start at 0 and end at len(times)")
        times.flags.writeable = False
        offsets.flags.writeable = False
        self.times = times
        self.offsets = offsets

    @classmethod
    def from_lists(cls, trains):
        """Build from a sequence of 1-D arrays (one per neuron).

        Parameters
        ----------
        trains : sequence of array_like
            Spike times (ms) of each neuron, in order.

        Returns
        -------
        SpikeTrains
            The trains, packed into one flat array.

        Examples
        --------
        >>> from izhic import SpikeTrains
        >>> SpikeTrains.from_lists([[1.0, 5.0, 12.0], [], [3.0]]).offsets
        array([0, 3, 3, 4])
        """
        trains = [np.asarray(t, dtype=np.float64).ravel() for t in trains]
        counts = np.array([t.size for t in trains], dtype=np.int64)
        offsets = np.zeros(len(trains) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        times = np.concatenate(trains) if trains else np.empty(0)
        return cls(times, offsets)

    def __len__(self):
        return self.offsets.size - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        try:
            i = operator.index(i)   # ints and NumPy integers, not floats or strings
        except TypeError:
            raise TypeError(f"neuron index must be an integer, got {i!r}") from None
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"neuron index out of range for {n} neurons")
        return self.times[self.offsets[i]:self.offsets[i + 1]]

    def __repr__(self):
        return f"SpikeTrains(n_neurons={len(self)}, n_spikes={self.times.size})"

    @property
    def n_spikes(self) -> int:
        """Total number of spikes."""
        return int(self.times.size)

    @property
    def neurons(self) -> np.ndarray:
        """Neuron index of every entry of :attr:`times` (for raster plots)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.offsets))

    def counts(self, t_start=None, t_stop=None) -> np.ndarray:
        """Spikes per neuron with ``t_start <= t <= t_stop`` (both ends included).

        Without a window, all spikes.

        Parameters
        ----------
        t_start : float, optional
            Start of the window (ms); default 0.
        t_stop : float, optional
            End of the window (ms); default: no end.

        Returns
        -------
        numpy.ndarray of int64, shape (n_neurons,)
            The spike count of each neuron.

        Examples
        --------
        >>> from izhic import SpikeTrains
        >>> trains = SpikeTrains.from_lists([[1.0, 5.0, 12.0], [], [3.0]])
        >>> trains.counts(), trains.counts(2.0, 12.0)
        (array([3, 0, 1]), array([2, 0, 1]))
        """
        if t_start is None and t_stop is None:
            return np.diff(self.offsets)
        t0, t1 = _window(t_start, t_stop, np.inf)
        inside = (self.times >= t0) & (self.times <= t1)
        csum = np.zeros(self.times.size + 1, dtype=np.int64)
        np.cumsum(inside, out=csum[1:])
        return csum[self.offsets[1:]] - csum[self.offsets[:-1]]

    def first(self) -> np.ndarray:
        """Time of each neuron's first spike (NaN where it never fired).

        Returns
        -------
        numpy.ndarray, shape (n_neurons,)
            First spike times (ms).

        Examples
        --------
        >>> from izhic import SpikeTrains
        >>> SpikeTrains.from_lists([[1.0, 5.0, 12.0], [], [3.0]]).first()
        array([ 1., nan,  3.])
        """
        out = np.full(len(self), np.nan)
        has = np.diff(self.offsets) > 0
        out[has] = self.times[self.offsets[:-1][has]]
        return out

    def isi(self, i) -> np.ndarray:
        """Inter-spike intervals of neuron ``i`` (ms).

        Parameters
        ----------
        i : int
            Neuron index (negative counts from the end).

        Returns
        -------
        numpy.ndarray
            The differences of neuron ``i``'s consecutive spike times (one
            fewer than its spikes; empty for fewer than two).

        Examples
        --------
        >>> from izhic import SpikeTrains
        >>> SpikeTrains.from_lists([[1.0, 5.0, 12.0], [], [3.0]]).isi(0)
        array([4., 7.])
        """
        return np.diff(self[i])


_STATE_FORMAT = 1     # State.save's file layout


def _frozen_copy(arr):
    out = np.array(arr, dtype=np.float64)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, repr=False, eq=False)
class State:
    """Everything needed to continue a run: ``simulate(..., state=res.state)``.

    A run continued from a state equals, bit for bit, the longer run it is a
    piece of: the steps are counted from t = 0 of the first run, so the noise
    (keyed by the step) and any time-varying input (sampled at ``k dt``) go on
    where they stopped, and spike times are in absolute ms.

    The parameters are kept as attributes of the same names (the state is frozen).

    Parameters
    ----------
    v, u : ndarray, shape (n_neurons,)
        Membrane potential (mV) and recovery variable after the last step
        (after any reset in it). Read-only.
    step : int
        Steps done since t = 0.
    dt : float
        The step (ms); a continuation must use the same.
    seed : int or None
        Seed of the noise and Poisson input, used by the continuation unless
        it gives its own.
    in_flight : (ndarray, ndarray) or None
        Network runs: the spikes still travelling to their targets, as
        (neurons, steps found in); the continuation delivers them.
    syn : ndarray or None
        Network runs with exponential synapses: their currents, shape
        (n_time_constants * n_neurons,).
    network : str or None
        Network runs: what identifies the connections; a continuation must
        pass the same ``synapses=``.
    plastic : dict or None
        Plastic runs: the rule (``"rule"``), the weights of each Synapses
        object (``"weights"``, None for one without a rule) and what the
        rule keeps (``"sd"`` derivatives and ``"traces"`` for
        ``izhikevich2006``; ``"apre"``, ``"tpre"``, ``"apost"``, ``"tpost"``
        for ``additive``).

    Examples
    --------
    >>> import izhic
    >>> first = izhic.simulate("RS", 10.0, 100.0)
    >>> first.state
    State(n_neurons=1, t=100 ms, step=1000, dt=0.1 ms)
    >>> rest = izhic.simulate("RS", 10.0, 100.0, state=first.state)
    >>> whole = izhic.simulate("RS", 10.0, 200.0)
    >>> bool((whole.spike_times[0][-rest.spike_times[0].size:] == rest.spike_times[0]).all())
    True
    """

    v: np.ndarray
    u: np.ndarray
    step: int
    dt: float
    seed: Optional[int] = None
    in_flight: Optional[tuple] = None
    syn: Optional[np.ndarray] = None
    network: Optional[str] = None
    plastic: Optional[dict] = None

    def __post_init__(self):
        object.__setattr__(self, "v", _frozen_copy(self.v) if self.v.flags.writeable
                           else self.v)
        object.__setattr__(self, "u", _frozen_copy(self.u) if self.u.flags.writeable
                           else self.u)
        if self.v.shape != self.u.shape or self.v.ndim != 1:
            raise ValueError(f"State: v and u must be 1-D arrays of one shape, got "
                             f"{self.v.shape} and {self.u.shape}")

    @property
    def n_neurons(self) -> int:
        return int(self.v.size)

    @property
    def t(self) -> float:
        """Time of the state (ms)."""
        return float(step_times(self.step, self.dt))

    def __repr__(self):
        return (f"State(n_neurons={self.n_neurons}, t={self.t:g} ms, step={self.step}, "
                f"dt={self.dt:g} ms)")

    # -- files ---------------------------------------------------------------

    def to_arrays(self):
        """The state as a flat dict of NumPy arrays (what :meth:`save` writes;
        :meth:`from_arrays` reads it back).

        Returns
        -------
        dict
            ``{name: numpy.ndarray}``: ``state_format``, ``v``, ``u``,
            ``step``, ``dt``, ``seed`` and, when present, the in-flight
            spikes, synaptic currents, network key and plastic state.

        Examples
        --------
        >>> import izhic
        >>> sorted(izhic.simulate("RS", 10.0, 50.0).state.to_arrays())
        ['dt', 'seed', 'state_format', 'step', 'u', 'v']
        """
        out = {"state_format": np.int64(_STATE_FORMAT), "v": self.v, "u": self.u,
               "step": np.int64(self.step), "dt": np.float64(self.dt),
               "seed": np.array("" if self.seed is None else str(self.seed))}
        if self.in_flight is not None:
            out["in_flight_neurons"], out["in_flight_steps"] = self.in_flight
        if self.syn is not None:
            out["syn"] = self.syn
        if self.network is not None:
            out["network"] = np.array(self.network)
        if self.plastic is not None:
            p = self.plastic
            out["plastic_rule"] = np.array(p["rule"])
            out["plastic_n"] = np.int64(len(p["weights"]))
            for name, value in p.items():
                if name == "rule":
                    continue
                if isinstance(value, tuple):
                    for i, x in enumerate(value):
                        if x is not None:
                            out[f"plastic_{name}_{i}"] = x
                else:
                    out[f"plastic_{name}"] = value
        return out

    @classmethod
    def from_arrays(cls, arrays):
        """A State from :meth:`to_arrays`' dict (or an opened ``.npz``).

        Parameters
        ----------
        arrays : mapping
            What :meth:`to_arrays` returned, or an opened ``.npz`` file of it.

        Returns
        -------
        State
            The state those arrays describe.

        Examples
        --------
        >>> import izhic
        >>> from izhic import State
        >>> s = izhic.simulate("RS", 10.0, 50.0).state
        >>> back = State.from_arrays(s.to_arrays())
        >>> back.step, bool((back.v == s.v).all())
        (500, True)
        """
        try:
            fmt = int(arrays["state_format"])
        except KeyError:
            raise ValueError("state: not an izhic state (no 'state_format' entry)") from None
        if fmt != _STATE_FORMAT:
            raise ValueError(f"state: format {fmt} is not this izhic's ({_STATE_FORMAT})")
        keys = set(arrays.keys()) if hasattr(arrays, "keys") else set(arrays)
        seed = str(arrays["seed"])
        in_flight = None
        if "in_flight_neurons" in keys:
            in_flight = (np.asarray(arrays["in_flight_neurons"], dtype=np.int32),
                         np.asarray(arrays["in_flight_steps"], dtype=np.int64))
        plastic = None
        if "plastic_rule" in keys:
            n = int(arrays["plastic_n"])
            plastic = {"rule": str(arrays["plastic_rule"])}
            per = ("weights", "sd") if plastic["rule"] == "izhikevich2006" else \
                ("weights", "apre", "tpre")
            whole = ("traces",) if plastic["rule"] == "izhikevich2006" else ("apost", "tpost")
            for name in per:
                plastic[name] = tuple(
                    _frozen_copy(arrays[f"plastic_{name}_{i}"])
                    if f"plastic_{name}_{i}" in keys else None for i in range(n))
            for name in whole:
                plastic[name] = _frozen_copy(arrays[f"plastic_{name}"])
        return cls(v=np.asarray(arrays["v"], dtype=np.float64),
                   u=np.asarray(arrays["u"], dtype=np.float64), step=int(arrays["step"]),
                   dt=float(arrays["dt"]), seed=int(seed) if seed else None,
                   in_flight=in_flight,
                   syn=np.asarray(arrays["syn"], dtype=np.float64) if "syn" in keys else None,
                   network=str(arrays["network"]) if "network" in keys else None,
                   plastic=plastic)

    def save(self, path):
        """Write the state to ``path`` (a NumPy ``.npz``; written to a
        temporary file first and then renamed, so that an interrupted save
        leaves the previous file whole). :meth:`State.load` reads it back:
        the continuation from the loaded state equals the one from this.

        Parameters
        ----------
        path : str or os.PathLike
            File to write (the name is used as given).

        Examples
        --------
        >>> import izhic, os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "state.npz")
        >>> izhic.simulate("RS", 10.0, 50.0).state.save(path)
        >>> os.path.exists(path)
        True
        """
        write_npz(path, self.to_arrays())

    @classmethod
    def load(cls, path):
        """The state that :meth:`save` wrote to ``path``.

        Parameters
        ----------
        path : str or os.PathLike
            A file written by :meth:`save`.

        Returns
        -------
        State
            The saved state.

        Examples
        --------
        >>> import izhic, os, tempfile
        >>> from izhic import State
        >>> path = os.path.join(tempfile.mkdtemp(), "state.npz")
        >>> izhic.simulate("RS", 10.0, 50.0).state.save(path)
        >>> State.load(path)
        State(n_neurons=1, t=50 ms, step=500, dt=0.1 ms)
        """
        with np.load(path, allow_pickle=False) as f:
            return cls.from_arrays(f)


@dataclass(frozen=True, repr=False)
class SimulationResult:
    """What :func:`izhic.simulate` returns.

    The parameters are kept as attributes of the same names (the result is
    frozen); results are made by the runners and :func:`load`, not by hand.

    Parameters
    ----------
    spike_times : SpikeTrains
        ``spike_times[i]`` is neuron ``i``'s spike times in ms (absolute: a
        run continued from a state at 250 ms reports spikes after 250).
    duration, dt : float
        Simulated time and step (ms).
    method : str
        The integration method used.
    n_neurons : int
        Number of neurons simulated.
    t : ndarray or None
        Sample times (ms) of the traces: ``t_start, t_start + record_dt, ...``
        up to ``t_stop`` (included when ``record_dt`` divides the duration).
    v, u : ndarray or None
        Traces, shape ``(len(record_neurons), len(t))``: ``v[i]`` belongs to
        neuron ``record_neurons[i]``. ``None`` unless recorded.
    record_neurons : ndarray or None
        Neuron indices of the trace rows.
    seed : int or None
        Seed of the current noise (None without noise): pass it back as
        ``seed=`` to repeat a noisy run exactly.
    v_final, u_final : ndarray, shape (n_neurons,)
        State at ``t_stop`` (after any reset in the last step).
    state : State
        Everything needed to continue: ``simulate(..., state=res.state)``.
    t_start, t_stop : float
        Time (ms) at which the run started (0, or the state's time) and ended.
    weights : ndarray, list or None
        Plastic runs: the final weights in the storage order of the synapses
        (a list, one entry per Synapses object, when ``synapses=`` was a
        list; the unchanged weights of objects without a rule).

    Examples
    --------
    >>> import izhic
    >>> res = izhic.simulate("RS", [0.0, 10.0], 100.0, record="v", record_neurons=[1])
    >>> res.n_neurons, res.v.shape, res.spike_counts().tolist()
    (2, (1, 1001), [0, 3])
    """

    spike_times: SpikeTrains
    duration: float
    dt: float
    method: str
    n_neurons: int
    v_final: np.ndarray
    u_final: np.ndarray
    t: Optional[np.ndarray] = None
    v: Optional[np.ndarray] = None
    u: Optional[np.ndarray] = None
    record_neurons: Optional[np.ndarray] = None
    seed: Optional[int] = None
    state: Optional[State] = None
    t_start: float = 0.0
    t_stop: Optional[float] = None
    weights: Optional[object] = None

    def __post_init__(self):
        if self.t_stop is None:
            object.__setattr__(self, "t_stop", self.t_start + self.duration)

    def __repr__(self):
        traces = [name for name in ("v", "u") if getattr(self, name) is not None]
        span = (f"duration={self.duration} ms" if self.t_start == 0.0 else
                f"t=[{self.t_start:g}, {self.t_stop:g}] ms")
        return (f"SimulationResult(n_neurons={self.n_neurons}, {span}, "
                f"dt={self.dt} ms, method={self.method!r}, n_spikes={self.spike_times.n_spikes}, "
                f"traces={traces})")

    def _run_window(self, t_start, t_stop):
        t0, t1 = _window(self.t_start if t_start is None else t_start,
                         self.t_stop if t_stop is None else t_stop, self.t_stop)
        # a window outside the run would count spikes that were never simulated
        slack = 1e-9 * max(1.0, abs(self.t_stop))
        if t0 < self.t_start - slack:
            raise ValueError(f"t_start: {t0!r} ms is before the start of the run "
                             f"({self.t_start:g} ms)")
        if t1 > self.t_stop + slack:
            raise ValueError(f"t_stop: {t1!r} ms is after the end of the run "
                             f"({self.t_stop:g} ms)")
        return t0, t1

    def spike_counts(self, t_start=None, t_stop=None) -> np.ndarray:
        """Spikes per neuron in ``[t_start, t_stop]`` (ms, both ends included;
        defaults: the whole run). A window outside the run is refused.

        Parameters
        ----------
        t_start : float, optional
            Start of the window (ms); default: the start of the run.
        t_stop : float, optional
            End of the window (ms); default: the end of the run.

        Returns
        -------
        numpy.ndarray of int64, shape (n_neurons,)
            Spike count of each neuron.

        Examples
        --------
        >>> import izhic
        >>> res = izhic.simulate("RS", [5.0, 10.0], 100.0)
        >>> res.spike_counts().tolist(), res.spike_counts(0, 50).tolist()
        ([2, 3], [1, 2])
        """
        if t_start is None and t_stop is None:
            return self.spike_times.counts()
        return self.spike_times.counts(*self._run_window(t_start, t_stop))

    def rates(self, t_start=None, t_stop=None) -> np.ndarray:
        """Firing rate per neuron in Hz: spikes in ``[t_start, t_stop]`` divided by
        ``t_stop - t_start`` (defaults: the whole run; a window outside the run
        is refused).

        The original RS project's rate is ``rates(200, 1000)`` on a 1000 ms run.

        Parameters
        ----------
        t_start : float, optional
            Start of the window (ms); default: the start of the run.
        t_stop : float, optional
            End of the window (ms); default: the end of the run.

        Returns
        -------
        numpy.ndarray, shape (n_neurons,)
            Rates (Hz).

        Examples
        --------
        >>> import izhic
        >>> res = izhic.simulate("RS", [0.0, 10.0], 1000.0, 0.25, "izhikevich2004")
        >>> res.rates(200, 1000).tolist()
        [0.0, 22.5]
        """
        t0, t1 = self._run_window(t_start, t_stop)
        if t1 <= t0:
            raise ValueError(f"rates: empty window [{t0}, {t1}]")
        return self.spike_times.counts(t0, t1) * (1000.0 / (t1 - t0))

    def raster(self):
        """``(times, neurons)``: flat arrays for ``plt.scatter(times, neurons)``.

        Returns
        -------
        times : numpy.ndarray
            Every spike time (ms), neuron by neuron (``spike_times.times``).
        neurons : numpy.ndarray of int64
            The neuron of each entry of ``times``.

        Examples
        --------
        >>> import izhic
        >>> times, neurons = izhic.simulate("RS", [10.0, 20.0], 100.0).raster()
        >>> neurons[:4].tolist(), bool((times[1:3] > times[:2]).all())
        ([0, 0, 0, 1], True)
        """
        return self.spike_times.times, self.spike_times.neurons

    # -- leaving Python: files, pandas, Neo ---------------------------------

    def save(self, path):
        """Write the result to ``path``, a compressed NumPy archive (``.npz``):
        spikes, final state, traces, weights, the run's step, method, times,
        seed and the izhic version that made it. :func:`izhic.load` reads it
        back with every field equal (bit for bit), its ``state`` included, so
        a loaded result can be continued (``simulate(..., state=res.state)``).
        Written to a temporary file first, then renamed; Ctrl-C during the
        write takes effect once the file is whole.

        Parameters
        ----------
        path : str or os.PathLike
            File to write (the name is used as given).

        Examples
        --------
        >>> import izhic, os, tempfile
        >>> res = izhic.simulate("RS", [5.0, 10.0], 200.0, record="v", record_neurons=[1])
        >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
        >>> res.save(path)
        >>> back = izhic.load(path)
        >>> bool((back.spike_times.times == res.spike_times.times).all()), back.v.shape
        (True, (1, 2001))
        """
        from ._version import __version__

        out = {"result_format": np.int64(_RESULT_FORMAT), "izhic_version": np.array(__version__),
               "times": self.spike_times.times, "offsets": self.spike_times.offsets,
               "duration": np.float64(self.duration), "dt": np.float64(self.dt),
               "method": np.array(self.method), "n_neurons": np.int64(self.n_neurons),
               "v_final": self.v_final, "u_final": self.u_final,
               "t_start": np.float64(self.t_start), "t_stop": np.float64(self.t_stop),
               "seed": np.array("" if self.seed is None else str(self.seed))}
        for name in ("t", "v", "u", "record_neurons"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        w = self.weights
        if isinstance(w, (list, tuple)):
            out["weights_n"] = np.int64(len(w))
            for i, x in enumerate(w):
                out[f"weights_{i}"] = x
        elif w is not None:
            out["weights"] = w
        if self.state is not None:
            out.update({f"state__{k}": v for k, v in self.state.to_arrays().items()})
        write_npz(path, out, compressed=True)

    def to_pandas(self, what="spikes"):
        """The result as a tidy :class:`pandas.DataFrame` (needs pandas:
        ``pip install "izhic[io]"``).

        Parameters
        ----------
        what : {"spikes", "traces"}
            ``"spikes"``: one row per spike, columns ``neuron`` and ``time_ms``,
            in order of time (ties by neuron). ``"traces"``: one row per
            recorded sample, columns ``neuron``, ``t_ms`` and the recorded
            variables ``v`` (mV) and ``u`` (``record=("v", "u")``).

        Returns
        -------
        pandas.DataFrame
            The table described above.

        Examples
        --------
        >>> import izhic
        >>> df = izhic.simulate("RS", [5.0, 10.0], 100.0).to_pandas()
        >>> list(df.columns), int(df["neuron"].iloc[0])
        (['neuron', 'time_ms'], 1)
        """
        pd = _import_extra("pandas", "to_pandas")
        _checks.choice("what", what, ("spikes", "traces"))
        if what == "spikes":
            times, neurons = self.spike_times.times, self.spike_times.neurons
            order = np.lexsort((neurons, times))
            return pd.DataFrame({"neuron": neurons[order].astype(np.int64),
                                 "time_ms": times[order]})
        if self.t is None:
            raise ValueError("to_pandas: this run recorded no traces; pass record='v' "
                             "(or 'u', or ('v', 'u')) to simulate")
        n_rec, n_t = self.record_neurons.size, self.t.size
        cols = {"neuron": np.repeat(self.record_neurons.astype(np.int64), n_t),
                "t_ms": np.tile(self.t, n_rec)}
        for name in ("v", "u"):
            if getattr(self, name) is not None:
                cols[name] = getattr(self, name).reshape(-1)
        return pd.DataFrame(cols)

    def to_neo(self):
        """The result as a :class:`neo.core.Segment` (needs Neo: ``pip install
        "izhic[io]"``): one ``SpikeTrain`` per neuron (ms, from ``t_start`` to
        ``t_stop``; ``annotations["neuron"]`` its index) and, when traces were
        recorded, an ``AnalogSignal`` per variable (``v`` in mV; ``u`` in
        the model's units, given as dimensionless; one channel per recorded
        neuron, ``array_annotations["neuron"]``), so that Elephant's analyses
        apply.

        Returns
        -------
        neo.core.Segment
            The spike trains and analog signals described above.

        Examples
        --------
        >>> import izhic
        >>> seg = izhic.simulate("RS", [5.0, 10.0], 1000.0).to_neo()
        >>> len(seg.spiketrains), str(seg.spiketrains[1].units.dimensionality)
        (2, 'ms')
        """
        neo = _import_extra("neo", "to_neo")
        import quantities as pq

        seg = neo.Segment(name="izhic", description=f"izhic.simulate, method {self.method!r}, "
                          f"dt = {self.dt:g} ms")
        for i in range(self.n_neurons):
            seg.spiketrains.append(neo.SpikeTrain(
                np.asarray(self.spike_times[i]), units="ms", t_start=self.t_start * pq.ms,
                t_stop=self.t_stop * pq.ms, name=f"neuron {i}", neuron=i))
        if self.t is not None:
            period = (self.t[1] - self.t[0]) if self.t.size > 1 else self.dt
            for name, units in (("v", "mV"), ("u", "dimensionless")):
                x = getattr(self, name)
                if x is None:
                    continue
                sig = neo.AnalogSignal(x.T, units=units, sampling_period=period * pq.ms,
                                       t_start=self.t[0] * pq.ms, name=name)
                sig.array_annotate(neuron=self.record_neurons.astype(np.int64))
                seg.analogsignals.append(sig)
        return seg


_RESULT_FORMAT = 1      # SimulationResult.save's file layout


def _import_extra(module, what):
    return require(module, "io", what)


def load(path):
    """A :class:`SimulationResult` that :meth:`SimulationResult.save` wrote
    (every field equal, its ``state`` included).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.npz`` file written by :meth:`SimulationResult.save`.

    Returns
    -------
    SimulationResult
        The saved result.

    Examples
    --------
    >>> import izhic, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
    >>> izhic.simulate("RS", 10.0, 100.0).save(path)
    >>> izhic.load(path).spike_times.n_spikes
    3
    """
    with np.load(path, allow_pickle=False) as f:
        keys = set(f.files)
        if "result_format" not in keys:
            raise ValueError(f"load: {path!r} is not a result saved by izhic "
                             "(no 'result_format' entry)")
        if int(f["result_format"]) != _RESULT_FORMAT:
            raise ValueError(f"load: {path!r} has format {int(f['result_format'])}, not this "
                             f"izhic's ({_RESULT_FORMAT})")
        opt = {name: np.array(f[name]) for name in ("t", "v", "u", "record_neurons")
               if name in keys}
        for name in ("t", "v", "u"):
            if name in opt:
                opt[name].flags.writeable = False
        if "weights_n" in keys:
            weights = [np.array(f[f"weights_{i}"]) for i in range(int(f["weights_n"]))]
        else:
            weights = np.array(f["weights"]) if "weights" in keys else None
        state_keys = [k for k in f.files if k.startswith("state__")]
        state = State.from_arrays({k[7:]: f[k] for k in state_keys}) if state_keys else None
        seed = str(f["seed"])
        return SimulationResult(
            spike_times=SpikeTrains(np.array(f["times"]), np.array(f["offsets"])),
            duration=float(f["duration"]), dt=float(f["dt"]), method=str(f["method"]),
            n_neurons=int(f["n_neurons"]), v_final=_frozen_copy(f["v_final"]),
            u_final=_frozen_copy(f["u_final"]), seed=int(seed) if seed else None,
            state=state, t_start=float(f["t_start"]), t_stop=float(f["t_stop"]),
            weights=weights, **opt)
