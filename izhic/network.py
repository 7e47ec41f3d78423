"""The classic networks of Izhikevich: net.m (2003) and spnet (2006).

:func:`network_2003` is the 1000-neuron network of Izhikevich (2003), Fig. 3
(net.m); :func:`polychronization_2006` the polychronization network of
Izhikevich (2006), spnet, with its STDP, exactly (see its docstring).

net.m:

800 excitatory neurons (a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2) and
200 inhibitory ones (a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2), all
to all: excitatory columns of the weight matrix uniform in [0, 0.5], inhibitory
ones in [-1, 0]. Each ms: thalamic input I = 5 randn (excitatory), 2 randn
(inhibitory); the neurons with v >= 30 fire; their weights are added to I;
v advances by two 0.5 ms Euler half steps with the same u and I, then u by one
1 ms step from the new v.

izhic runs it on its network kernel: :class:`izhic.Synapses` of kind
``"current"`` with a delay of 1 ms and the ``"izhikevich2003"`` method
(exactly net.m's update) with ``dt = 1``. The spikes found at the end of step k
(net.m finds them at the start of step k + 1) add their weights to the current
of step k + 1, summed in izhic's canonical order (the newest spikes first,
among one step's spikes the highest index first), then added to the thalamic
input. The thalamic input is drawn with NumPy's generator (``standard_normal``
per step, as a NumPy transcription of net.m draws it) and passed as a
recorded per-neuron input, 1000 steps at a time. One simulated second takes
about 5 ms (on this project's reference machine).
"""
from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ._extras import require
from .inputs import sampled
from .models import Izhikevich2003
from .result import write_npz
from .simulate import simulate
from .synapses import Synapses

__all__ = ["Network2003", "network_2003", "Polychronization2006", "polychronization_2006",
           "spnet_network", "spnet_targets", "spnet_synapses", "spnet_model"]

_SEGMENT = 1000        # steps of recorded thalamic input per kernel call


@dataclass(frozen=True)
class Network2003:
    """Result of :func:`network_2003`.

    ``times`` (ms) and ``neurons`` are the spikes as flat arrays (net.m's
    ``firings``), in order of time. ``times`` follow izhic's convention (the
    end of the step in which v reached 30 mV): net.m prints each of them
    1 ms later (it finds the spike at the start of the next step).

    The parameters are kept as attributes of the same names.

    Parameters
    ----------
    times : numpy.ndarray
        Spike times (ms), in order of time.
    neurons : numpy.ndarray of int
        The neuron of each spike.
    n_excitatory, n_inhibitory : int
        Population sizes.
    duration : float
        Simulated time (ms).
    seed : int
        The seed the network was run with.

    Examples
    --------
    >>> from izhic.network import network_2003
    >>> net = network_2003(100.0, n_excitatory=40, n_inhibitory=10, seed=1)
    >>> net.n_neurons, net.times.size == net.neurons.size
    (50, True)
    """

    times: np.ndarray
    neurons: np.ndarray
    n_excitatory: int
    n_inhibitory: int
    duration: float
    seed: int

    @property
    def n_neurons(self):
        return self.n_excitatory + self.n_inhibitory

    def mean_rate(self):
        """Mean firing rate over all neurons (Hz).

        Returns
        -------
        float
            Spikes per neuron per second of the run.

        Examples
        --------
        >>> from izhic.network import network_2003
        >>> net = network_2003(100.0, n_excitatory=40, n_inhibitory=10, seed=1)
        >>> net.mean_rate() == net.times.size / 50 / 0.1
        True
        """
        return self.times.size / self.n_neurons / (self.duration / 1000.0)

    def population_rate(self, bin_ms=1.0):
        """(bin centres in ms, spikes per bin divided by the number of neurons and the bin (Hz)).

        Parameters
        ----------
        bin_ms : float, default 1
            Bin width (ms); the bins start at 0.

        Returns
        -------
        centres : numpy.ndarray
            Bin centres (ms).
        rate : numpy.ndarray
            Population rate in each bin (Hz).

        Examples
        --------
        >>> from izhic.network import network_2003
        >>> net = network_2003(100.0, n_excitatory=40, n_inhibitory=10, seed=1)
        >>> t, rate = net.population_rate(50.0)
        >>> t.tolist(), bool(abs(rate.mean() - net.mean_rate()) < 1e-9)
        ([25.0, 75.0], True)
        """
        edges = np.arange(0.0, self.duration + bin_ms, bin_ms)
        counts, _ = np.histogram(self.times, edges)
        return 0.5 * (edges[1:] + edges[:-1]), counts / self.n_neurons / (bin_ms / 1000.0)


def network_parameters(n_excitatory=800, n_inhibitory=200, rng=None):
    """net.m's parameters and weights: (Izhikevich2003, S) with S[i, j] the
    weight from neuron j to neuron i."""
    rng = np.random.default_rng(rng)
    re = rng.random(n_excitatory)
    ri = rng.random(n_inhibitory)
    model = Izhikevich2003(
        a=np.concatenate([0.02 * np.ones(n_excitatory), 0.02 + 0.08 * ri]),
        b=np.concatenate([0.2 * np.ones(n_excitatory), 0.25 - 0.05 * ri]),
        c=np.concatenate([-65 + 15 * re ** 2, -65 * np.ones(n_inhibitory)]),
        d=np.concatenate([8 - 6 * re ** 2, 2 * np.ones(n_inhibitory)]),
    )
    n = n_excitatory + n_inhibitory
    S = np.hstack([0.5 * rng.random((n, n_excitatory)), -rng.random((n, n_inhibitory))])
    return model, S


def network_2003(duration=1000.0, *, n_excitatory=800, n_inhibitory=200, seed=0,
                 thalamic=(5.0, 2.0)):
    """Simulate net.m's network for ``duration`` ms (whole ms).

    Parameters
    ----------
    duration : float
        Simulated time in ms (a whole number: the step is 1 ms).
    n_excitatory, n_inhibitory : int
        Population sizes (800 and 200 in the paper).
    seed : int
        Seed of the parameters, weights and thalamic input (NumPy's default
        generator; each step draws ``standard_normal(n)``).
    thalamic : (float, float)
        Amplitudes of the thalamic input of excitatory and inhibitory neurons.

    Returns
    -------
    Network2003

    Examples
    --------
    >>> net = network_2003(200.0, seed=1)
    >>> 1.0 < net.mean_rate() < 20.0
    True
    """
    n_steps = int(round(duration))
    if n_steps < 0 or abs(n_steps - duration) > 1e-9:
        raise ValueError(f"duration: must be a whole, non-negative number of ms, got {duration!r}")
    rng = np.random.default_rng(seed)
    model, S = network_parameters(n_excitatory, n_inhibitory, rng)
    n = n_excitatory + n_inhibitory
    scale = np.concatenate([np.full(n_excitatory, thalamic[0]),
                            np.full(n_inhibitory, thalamic[1])])
    syn = Synapses.from_dense(S, delay=1.0)
    del S
    state = None
    times, neurons = [], []
    for k0 in range(0, n_steps, _SEGMENT):
        steps = min(_SEGMENT, n_steps - k0)
        thal = (rng.standard_normal((steps, n)) * scale).T        # (n, steps), net.m's draws
        res = simulate(model, sampled(thal, 1.0, t_start=float(k0)), float(steps), 1.0,
                       "izhikevich2003", n_threads=1, synapses=syn,
                       **({"state": state} if state is not None else
                          {"v0": -65.0, "u0": model.b * -65.0}))
        state = res.state
        t, i = res.raster()
        order = np.lexsort((i, t))
        times.append(t[order])
        neurons.append(i[order])
    return Network2003(np.concatenate(times) if times else np.zeros(0),
                       np.concatenate(neurons) if neurons else np.zeros(0, dtype=np.int64),
                       n_excitatory, n_inhibitory, float(n_steps), seed)


# ---------------------------------------------------------------------------
# Izhikevich (2006): polychronization (spnet)
# ---------------------------------------------------------------------------

SPNET = dict(n_excitatory=800, n_inhibitory=200, n_synapses=100, max_delay=20,
             w_excitatory=6.0, w_inhibitory=-5.0, w_max=10.0, kick=20.0)


def spnet_targets(rng, n_excitatory=800, n_inhibitory=200, n_synapses=100):
    """spnet's targets, (N, M) int64, drawn as spnet.cpp does: neuron by
    neuron, excitatory ones M distinct targets among all neurons but
    themselves, inhibitory ones M distinct excitatory targets.

    (spnet.m draws with repeats and then, through MATLAB's indexed assignment
    ``I(ind) = I(ind) + s``, counts only one of the repeated targets of a
    (neuron, delay) group: 0.24% of the excitatory and 6% of the inhibitory
    synapses are silently lost. spnet.cpp's draw has none of that.)

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw from (``rng.choice``, neuron by neuron).
    n_excitatory, n_inhibitory : int, default 800, 200
        Population sizes.
    n_synapses : int, default 100
        Outgoing synapses per neuron (M).

    Returns
    -------
    numpy.ndarray of int64, shape (N, M)
        Row n: the targets of neuron n.

    Examples
    --------
    >>> import numpy as np
    >>> from izhic.network import spnet_targets
    >>> post = spnet_targets(np.random.default_rng(0), 4, 2, 3)
    >>> post.shape, bool((post[4:] < 4).all()), any(i in post[i] for i in range(6))
    ((6, 3), True, False)
    """
    n = n_excitatory + n_inhibitory
    post = np.empty((n, n_synapses), dtype=np.int64)
    for i in range(n):
        if i < n_excitatory:
            r = rng.choice(n - 1, n_synapses, replace=False)
            post[i] = r + (r >= i)
        else:
            post[i] = rng.choice(n_excitatory, n_synapses, replace=False)
    return post


def spnet_synapses(post, n_excitatory=800, max_delay=20, w_excitatory=6.0,
                   w_inhibitory=-5.0):
    """The Synapses of spnet's targets ``post`` (row n: neuron n's synapses):
    (excitatory, inhibitory). Column m of an excitatory row has the delay
    m // (M / max_delay) + 1 ms; inhibitory synapses 1 ms.

    Parameters
    ----------
    post : numpy.ndarray of int, shape (N, M)
        The targets, as :func:`spnet_targets` draws them.
    n_excitatory : int, default 800
        The first ``n_excitatory`` rows are excitatory.
    max_delay : int, default 20
        Largest excitatory delay (ms); M must be a multiple of it.
    w_excitatory, w_inhibitory : float, default 6, -5
        Initial weights (mV, kind ``"current"``).

    Returns
    -------
    excitatory : Synapses
        The excitatory rows' synapses (over all N neurons).
    inhibitory : Synapses
        The inhibitory rows' synapses (delay 1 ms).

    Examples
    --------
    >>> import numpy as np
    >>> from izhic.network import spnet_synapses, spnet_targets
    >>> post = spnet_targets(np.random.default_rng(0), 4, 2, 2)
    >>> exc, inh = spnet_synapses(post, n_excitatory=4, max_delay=2)
    >>> exc.n_synapses, inh.n_synapses, exc.delays.tolist(), inh.delays.tolist()
    (8, 4, [1.0, 2.0], [1.0])
    """
    n, m = post.shape
    per = m // max_delay
    cols = np.arange(m)
    ne = n_excitatory
    exc = Synapses(np.repeat(np.arange(ne), m), post[:ne].reshape(-1), w_excitatory,
                   np.tile(cols // per + 1, ne).astype(np.float64), n_neurons=n)
    inh = Synapses(np.repeat(np.arange(ne, n), m), post[ne:].reshape(-1), w_inhibitory, 1.0,
                   n_neurons=n)
    return exc, inh


def spnet_model(n_excitatory=800, n_inhibitory=200):
    """spnet's neurons: a = 0.02 / 0.1, b = 0.2, c = -65, d = 8 / 2, and its
    polynomial ``(0.04 v + 5) v + 140`` (``horner=True``).

    Parameters
    ----------
    n_excitatory, n_inhibitory : int, default 800, 200
        Population sizes (excitatory neurons first).

    Returns
    -------
    Izhikevich2003
        One value of ``a`` and ``d`` per neuron.

    Examples
    --------
    >>> from izhic.network import spnet_model
    >>> m = spnet_model(4, 2)
    >>> m.a.tolist(), m.horner
    ([0.02, 0.02, 0.02, 0.02, 0.1, 0.1], True)
    """
    return Izhikevich2003(a=np.r_[np.full(n_excitatory, 0.02), np.full(n_inhibitory, 0.1)],
                          b=0.2, c=-65.0,
                          d=np.r_[np.full(n_excitatory, 8.0), np.full(n_inhibitory, 2.0)],
                          horner=True)


def spnet_network(seed=0):
    """spnet's network from ``seed``: (model, synapses) with synapses one
    :class:`izhic.Synapses` (all 100,000, storage order; its ``pre < 800``
    are the excitatory, plastic ones) and the targets drawn by
    :func:`spnet_targets` from ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    seed : int, default 0
        Seed of the targets.

    Returns
    -------
    model : Izhikevich2003
        :func:`spnet_model` of 800 + 200 neurons.
    synapses : Synapses
        All 100,000 synapses (weights 6 and -5; delays 1-20 ms and 1 ms).

    Examples
    --------
    >>> from izhic.network import spnet_network
    >>> model, syn = spnet_network(seed=1)
    >>> syn
    Synapses(100000 synapses, 1000 neurons, kind='current', delays 1-20 ms)
    """
    ne, ni, m, dmax = (SPNET[k] for k in ("n_excitatory", "n_inhibitory", "n_synapses",
                                            "max_delay"))
    post = spnet_targets(np.random.default_rng(seed), ne, ni, m)
    n = ne + ni
    pre = np.repeat(np.arange(n), m)
    delay = np.where(pre < ne, np.tile(np.arange(m) // (m // dmax) + 1, n), 1)
    weight = np.where(pre < ne, SPNET["w_excitatory"], SPNET["w_inhibitory"])
    syn = Synapses(pre, post.reshape(-1), weight, delay.astype(np.float64), n_neurons=n)
    return spnet_model(ne, ni), syn


#: Default times (ms) of the excitatory weight histograms: the start, 1 min, 10 min
#: (the end is always added).
WEIGHT_TIMES = (0.0, 60_000.0, 600_000.0)
WEIGHT_EDGES = np.linspace(0.0, 10.0, 51)       # 0.2 wide bins over [0, w_max]
_SPECTRUM_MS = 10_000                            # population counts kept for the spectrum
_KEEP_SPIKES_UP_TO = 600_000.0                   # keep_spikes=None: every spike up to 10 min


@dataclass(eq=False)
class Polychronization2006:
    """What :func:`polychronization_2006` ran and found.

    Everything needed to rerun it elsewhere: ``synapses`` (pre, post, delay
    and the *initial* weights), ``events`` (the thalamic input, when
    ``keep_events=True``), ``seed``; and what came out: ``weights`` (final, in
    the order of ``synapses``), ``state`` (to continue the run), the spikes
    (all of them when kept, ``raster()``; always those of the first and the
    last second), per-second spike counts, excitatory weight histograms at
    ``weight_times`` and the population counts (1 ms bins) of the last 10 s.
    ``complete`` is False when the run was interrupted (Ctrl-C): then
    ``duration`` is what was computed.

    The parameters are kept as attributes of the same names.

    Parameters
    ----------
    seed : int
        Seed of the connections and the thalamic input.
    duration : float
        Model time computed (ms).
    requested : float
        Model time asked for (ms).
    synapses : Synapses
        The connections with their initial weights.
    weights : numpy.ndarray
        Final weights, in the storage order of ``synapses``.
    state : State
        The state at the end (to continue the run).
    spikes_per_second : numpy.ndarray, shape (seconds, 2)
        Excitatory and inhibitory spikes in each second.
    weight_times : numpy.ndarray
        Times (ms) of the weight histograms.
    weight_histograms : numpy.ndarray, shape (len(weight_times), 50)
        Counts of the excitatory weights in 0.2 wide bins over [0, 10].
    first_second, last_second : tuple
        ``(times, neurons)`` of the first and the last second computed.
    tail_counts : numpy.ndarray
        Spikes per 1 ms bin over the last (at most) 10 s.
    events : Events or None
        The thalamic input, with ``keep_events=True``.
    spikes : tuple or None
        ``(times, neurons)`` of every spike, in time order, when kept.
    complete : bool
        False when the run was interrupted.
    wall_s : float
        Wall-clock time of the run (s).
    n_excitatory, n_inhibitory : int
        Population sizes (800, 200).

    Examples
    --------
    >>> from izhic.network import polychronization_2006
    >>> net = polychronization_2006(1000.0, seed=1)
    >>> net.complete, net.n_neurons, int(net.excitatory.sum())
    (True, 1000, 80000)
    """

    seed: int
    duration: float                  # ms computed
    requested: float                 # ms asked for
    synapses: Synapses
    weights: np.ndarray
    state: object
    spikes_per_second: np.ndarray    # (seconds, 2): excitatory, inhibitory spikes in each second
    weight_times: np.ndarray         # ms
    weight_histograms: np.ndarray    # (len(weight_times), 50): counts of excitatory weights
    first_second: tuple              # (times, neurons) of t <= 1000 ms
    last_second: tuple               # (times, neurons) of the last second computed
    tail_counts: np.ndarray          # spikes per 1 ms bin over the last <= 10 s
    events: object = None            # izhic.inputs.Events, with keep_events=True
    spikes: Optional[tuple] = None   # (times, neurons) in time order, with keep_spikes
    complete: bool = True
    wall_s: float = 0.0
    n_excitatory: int = 800
    n_inhibitory: int = 200

    weight_edges = WEIGHT_EDGES

    @property
    def n_neurons(self):
        return self.n_excitatory + self.n_inhibitory

    @property
    def excitatory(self):
        """The excitatory (plastic) synapses: a boolean mask over ``synapses``."""
        return self.synapses.pre < self.n_excitatory

    def raster(self):
        """``(times, neurons)`` of every spike, in time order (needs
        ``keep_spikes``: a run longer than 10 min keeps only the first and
        the last second, :attr:`first_second` and :attr:`last_second`).

        Returns
        -------
        times : numpy.ndarray
            Spike times (ms).
        neurons : numpy.ndarray
            The neuron of each spike.

        Examples
        --------
        >>> from izhic.network import polychronization_2006
        >>> times, neurons = polychronization_2006(1000.0, seed=1).raster()
        >>> times.size == neurons.size, bool((times[1:] >= times[:-1]).all())
        (True, True)
        """
        if self.spikes is None:
            raise ValueError("raster: this run did not keep its spikes; pass keep_spikes=True "
                             "(first_second and last_second are always kept)")
        return self.spikes

    def rates(self):
        """(seconds, excitatory rate, inhibitory rate): the rates (Hz) of each
        second of model time (``seconds``: its end, in s).

        Returns
        -------
        seconds : numpy.ndarray
            The end of each second (s): 1, 2, ...
        excitatory, inhibitory : numpy.ndarray
            Mean rate (Hz) of the excitatory and of the inhibitory neurons in
            each second.

        Examples
        --------
        >>> from izhic.network import polychronization_2006
        >>> seconds, exc, inh = polychronization_2006(1000.0, seed=1).rates()
        >>> seconds.tolist(), bool(exc[0] > 0)
        ([1.0], True)
        """
        n = self.spikes_per_second.shape[0]
        return (np.arange(1, n + 1, dtype=np.float64),
                self.spikes_per_second[:, 0] / self.n_excitatory,
                self.spikes_per_second[:, 1] / self.n_inhibitory)

    def weight_fractions(self, weights=None, low=0.5, high=9.5):
        """Fractions of the excitatory weights below ``low``, in between and
        above ``high`` (default: the final weights), and exactly at 0 and at
        the cap: a dict.

        Parameters
        ----------
        weights : array_like, optional
            Weights in the storage order of ``synapses`` (default: the final ones).
        low, high : float, default 0.5, 9.5
            The bounds (mV) of the three ranges.

        Returns
        -------
        dict
            ``below``, ``between`` (``low <= w <= high``), ``above``,
            ``zero`` and ``cap`` (w = 10): fractions of the excitatory weights.

        Examples
        --------
        >>> from izhic.network import polychronization_2006
        >>> net = polychronization_2006(1000.0, seed=1)
        >>> net.weight_fractions(net.synapses.weight)["between"]
        1.0
        """
        w = (self.weights if weights is None else np.asarray(weights))[self.excitatory]
        cap = SPNET["w_max"]
        return {"below": float(np.mean(w < low)), "between": float(np.mean((w >= low) &
                                                                              (w <= high))),
                "above": float(np.mean(w > high)), "zero": float(np.mean(w == 0.0)),
                "cap": float(np.mean(w == cap))}

    def spectrum(self, nperseg=1024):
        """(frequencies in Hz, power) of the population rate over the last
        <= 10 s (1 ms bins, mean removed, Welch's method).

        Parameters
        ----------
        nperseg : int, default 1024
            Segment length of :func:`scipy.signal.welch` (at most the number of bins).

        Returns
        -------
        frequencies : numpy.ndarray
            Frequencies (Hz).
        power : numpy.ndarray
            Power spectral density of the population counts.

        Examples
        --------
        >>> from izhic.network import polychronization_2006
        >>> f, p = polychronization_2006(1000.0, seed=1).spectrum(256)
        >>> f.shape == p.shape, float(f[1])
        (True, 3.90625)
        """
        welch = require("scipy.signal", "scipy", "spectrum").welch

        x = self.tail_counts.astype(np.float64)
        if x.size < 16:
            raise ValueError("spectrum: needs at least 16 ms of the run")
        return welch(x - x.mean(), fs=1000.0, nperseg=min(nperseg, x.size))


def _checkpoint_arrays(seed, requested, stats, state):
    out = {f"state__{k}": v for k, v in state.to_arrays().items()}
    out.update(seed=np.array(str(seed)), requested=np.float64(requested))
    for key, value in stats.items():
        out[f"stats__{key}"] = value
    return out


def _load_checkpoint(path, seed):
    from .result import State

    with np.load(path, allow_pickle=False) as f:
        if str(f["seed"]) != str(seed):
            raise ValueError(f"resume: the checkpoint {path!r} is of seed {str(f['seed'])}, "
                             f"not {seed!r}")
        state = State.from_arrays({k[7:]: f[k] for k in f.files if k.startswith("state__")})
        stats = {k[7:]: f[k] for k in f.files if k.startswith("stats__")}
    return state, stats


def polychronization_2006(duration=60_000.0, *, seed=0, keep_events=False, keep_spikes=None,
                          n_threads=None, progress=False, checkpoint=None,
                          checkpoint_every=60_000.0, resume=False, weight_times=WEIGHT_TIMES,
                          segment=10_000.0):
    """Izhikevich's (2006) polychronization network (spnet), exactly.

    1000 neurons (800 excitatory: a = 0.02, d = 8; 200 inhibitory: a = 0.1,
    d = 2; b = 0.2, c = -65; v0 = -65, u0 = -13), 100 outgoing synapses each,
    drawn as spnet.cpp does (distinct targets, no self-synapses; excitatory
    onto any neuron, inhibitory onto excitatory neurons only): excitatory
    weights 6 with delays 1-20 ms (5 synapses per delay), plastic under
    :meth:`izhic.STDP.izhikevich2006` (cap 10); inhibitory -5, delay 1 ms,
    fixed. Each ms one neuron drawn uniformly gets I = 20
    (:func:`izhic.inputs.random_events`, from ``seed``). spnet's numerics:
    net.m's two half steps of 0.5 ms (``method="izhikevich2003"``, dt = 1)
    with spnet's polynomial ``(0.04 v + 5) v + 140`` (``horner=True``);
    synaptic input summed in spnet's order. The spikes, weights and
    derivatives equal those of spnet.m run on the same targets and input
    (tests/test_plasticity.py checks 10 s against a NumPy loop of spnet.m).

    Parameters
    ----------
    duration : float
        Model time in ms (a whole number of seconds; default one minute).
    seed : int
        Seed of the connections (NumPy's ``default_rng(seed)``, as
        :func:`spnet_targets` draws them) and of the thalamic input.
    keep_events : bool
        Keep the thalamic input as explicit events (``net.events``: one per
        ms, 24 bytes each).
    keep_spikes : bool or None
        Keep every spike (``net.raster()``; ~16 bytes per spike, ~6,000
        spikes per second of model time). None: when ``duration`` is at most
        10 minutes. The first and the last second are always kept.
    n_threads : int or None
        Threads of the kernel (the result does not depend on them).
    progress : bool
        A progress bar over the seconds of model time (tqdm).
    checkpoint : str or path, optional
        A file (``.npz``) to which the run's state and statistics are saved
        every ``checkpoint_every`` ms of model time, at the end and when
        interrupted.
    checkpoint_every : float, default 60000
        Model time (ms) between two checkpoints; > 0.
    resume : bool
        Continue from ``checkpoint`` if that file exists (its seed must be
        this ``seed``): the result equals that of an uninterrupted run.
    weight_times : sequence of float
        Times (ms, whole seconds) of the excitatory weight histograms
        (the end is added).
    segment : float
        Model time per kernel call (ms, whole seconds): Ctrl-C loses at most
        the segment under way.

    Returns
    -------
    Polychronization2006

    Notes
    -----
    Ctrl-C stops the run within a fraction of a second; the result then
    holds the completed segments (``complete=False``; a checkpoint, when
    given, is written) and a RuntimeWarning says where it stopped. (Ctrl-C
    during the first few milliseconds, while the network is built, raises
    KeyboardInterrupt: nothing has been computed yet.)

    Examples
    --------
    >>> net = polychronization_2006(2000.0, seed=1)
    >>> net.spikes_per_second.shape, net.weights.shape
    ((2, 2), (100000,))
    """
    from . import _checks
    from .inputs import random_events
    from .plasticity import STDP

    duration = _checks.real_scalar("duration", duration)
    seconds = duration / 1000.0
    if not (duration >= 0 and seconds == round(seconds)):
        raise ValueError(f"duration: a whole, non-negative number of seconds in ms, got "
                         f"{duration!r}")
    segment = _checks.real_scalar("segment", segment)
    if not (segment >= 1000.0 and segment / 1000.0 == round(segment / 1000.0)):
        raise ValueError(f"segment: a whole number of seconds (>= 1000 ms), got {segment!r}")
    checkpoint_every = _checks.real_scalar("checkpoint_every", checkpoint_every)
    if not checkpoint_every > 0:
        raise ValueError(f"checkpoint_every: must be > 0, got {checkpoint_every!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise TypeError(f"seed: expected a non-negative int, got {seed!r}")
    seed = int(seed)
    wt = np.unique(np.asarray([_checks.real_scalar("weight_times", t) for t in weight_times],
                              dtype=np.float64))
    if wt.size and (np.any(wt < 0) or np.any(wt % 1000.0 != 0)):
        raise ValueError(f"weight_times: whole seconds (ms) >= 0, got {list(weight_times)!r}")
    wt = wt[wt <= duration]
    if resume and checkpoint is None:
        raise ValueError("resume: needs checkpoint= (the file to resume from)")
    keep_spikes = duration <= _KEEP_SPIKES_UP_TO if keep_spikes is None else bool(keep_spikes)

    model, syn = spnet_network(seed)
    ne, ni = SPNET["n_excitatory"], SPNET["n_inhibitory"]
    exc = syn.pre < ne
    stdp = STDP.izhikevich2006(plastic=exc, w_max=SPNET["w_max"])
    kicks = random_events(SPNET["kick"])
    n = ne + ni

    def histogram(w):
        return np.histogram(w[exc], WEIGHT_EDGES)[0].astype(np.int64)

    state = None
    stats = {"per_second": np.zeros((0, 2), np.int64), "hist_t": np.zeros(0),
             "hist": np.zeros((0, WEIGHT_EDGES.size - 1), np.int64),
             "first_t": np.zeros(0), "first_i": np.zeros(0, np.int64),
             "last_t": np.zeros(0), "last_i": np.zeros(0, np.int64),
             "tail": np.zeros(0, np.int64), "spikes_t": np.zeros(0),
             "spikes_i": np.zeros(0, np.int64), "wall_s": np.float64(0.0)}
    if resume and checkpoint is not None:
        if os.path.exists(checkpoint):
            state, saved = _load_checkpoint(checkpoint, seed)
            if state.t > duration:
                raise ValueError(f"resume: the checkpoint is at t = {state.t:g} ms, past "
                                 f"duration={duration:g}")
            if keep_spikes and saved["spikes_t"].size < saved["per_second"].sum():
                raise ValueError("resume: the checkpoint kept no spikes; pass keep_spikes=False")
            if saved["hist_t"].size and saved["hist_t"][-1] not in wt:
                saved["hist_t"] = saved["hist_t"][:-1]      # the end of the saved run
                saved["hist"] = saved["hist"][:-1]
            stats.update(saved)
    weights = syn.weight.copy() if state is None else np.array(state.plastic["weights"][0])
    if state is None and 0.0 in wt:
        stats["hist_t"] = np.r_[stats["hist_t"], 0.0]
        stats["hist"] = np.vstack([stats["hist"], histogram(weights)])
    done = 0.0 if state is None else state.t
    parts = ((stats["spikes_t"], stats["spikes_i"]),)
    bar = None
    if progress:
        tqdm = require("tqdm.auto", "progress", "polychronization_2006(progress=True)").tqdm
        bar = tqdm(total=int(seconds), initial=int(done / 1000.0), unit="s",
                   desc="polychronization_2006 (model s)", mininterval=0.25)
    complete = True
    last_saved = done
    start = time.perf_counter()
    wall0 = float(stats["wall_s"])
    # what the completed segments found, replaced by one assignment per
    # segment, so that Ctrl-C (KeyboardInterrupt, which may come between any
    # two statements) leaves it whole
    snap = (state, weights, done, stats, parts)

    def save(snap):
        state, _, _, stats, parts = snap
        s = dict(stats)
        if keep_spikes:
            s["spikes_t"] = np.concatenate([x[0] for x in parts])
            s["spikes_i"] = np.concatenate([x[1] for x in parts])
        s["wall_s"] = np.float64(wall0 + time.perf_counter() - start)
        write_npz(checkpoint, _checkpoint_arrays(seed, duration, s, state))

    try:
        while snap[2] < duration:
            state, _, done, stats, parts = snap
            stop = min(duration, done + segment)
            later = wt[wt > done]
            if later.size and later[0] < stop:
                stop = float(later[0])
            kw = {"state": state} if state is not None else {"v0": -65.0, "u0": -13.0}
            res = simulate(model, kicks, stop - done, 1.0, "izhikevich2003", seed=seed,
                           synapses=syn, plasticity=stdp, n_threads=n_threads, **kw)
            t, i = res.raster()
            order = np.lexsort((i, t))
            t, i = t[order], i[order]
            new = dict(stats)
            sec = ((t - done - 1.0) // 1000.0).astype(np.int64)   # spikes at t_{k+1}: (done, stop]
            n_sec = int(round((stop - done) / 1000.0))
            counts = np.zeros((n_sec, 2), np.int64)
            np.add.at(counts, (sec, (i >= ne).astype(np.int64)), 1)
            new["per_second"] = np.vstack([stats["per_second"], counts])
            if done < 1000.0:
                first = t <= 1000.0
                new["first_t"], new["first_i"] = t[first], i[first]
            last = t > stop - 1000.0
            new["last_t"], new["last_i"] = t[last], i[last]
            bins = np.bincount((t - done - 1.0).astype(np.int64), minlength=int(stop - done))
            new["tail"] = np.r_[stats["tail"], bins][-_SPECTRUM_MS:]
            if stop in wt or stop == duration:
                new["hist_t"] = np.r_[stats["hist_t"], stop]
                new["hist"] = np.vstack([stats["hist"], histogram(res.weights)])
            snap = (res.state, res.weights, stop, new, parts + ((t, i),) if keep_spikes else parts)
            if bar is not None:
                bar.update(n_sec)
            if checkpoint is not None and (stop - last_saved >= checkpoint_every
                                           or stop == duration):
                save(snap)
                last_saved = stop
    except KeyboardInterrupt:
        complete = False
        if checkpoint is not None and snap[0] is not None:
            save(snap)
        warnings.warn(f"polychronization_2006: interrupted; the result holds the first "
                      f"{snap[2]:g} ms of {duration:g}" +
                      (f" (resume from {checkpoint!s} with resume=True)" if checkpoint else ""),
                      RuntimeWarning, stacklevel=2)
    finally:
        if bar is not None:
            bar.close()
    state, weights, done, stats, parts = snap
    stats = dict(stats)
    if stats["hist_t"].size == 0 or stats["hist_t"][-1] != done:
        stats["hist_t"] = np.r_[stats["hist_t"], done]
        stats["hist"] = np.vstack([stats["hist"], histogram(weights)])
    events = kicks.events(n, done, 1.0, seed) if keep_events else None
    spikes = None
    if keep_spikes:
        spikes = (np.concatenate([x[0] for x in parts]), np.concatenate([x[1] for x in parts]))
    weights = np.array(weights)
    weights.flags.writeable = False
    return Polychronization2006(
        seed=seed, duration=done, requested=duration, synapses=syn, weights=weights,
        state=state, spikes_per_second=stats["per_second"], weight_times=stats["hist_t"],
        weight_histograms=stats["hist"], first_second=(stats["first_t"], stats["first_i"]),
        last_second=(stats["last_t"], stats["last_i"]), tail_counts=stats["tail"],
        events=events, spikes=spikes, complete=complete,
        wall_s=float(wall0 + time.perf_counter() - start), n_excitatory=ne, n_inhibitory=ni)
