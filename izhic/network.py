"""The 1000-neuron network of Izhikevich (2003), Fig. 3 (net.m).

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

from dataclasses import dataclass

import numpy as np

from .inputs import sampled
from .models import Izhikevich2003
from .simulate import simulate
from .synapses import Synapses

__all__ = ["Network2003", "network_2003"]

_SEGMENT = 1000        # steps of recorded thalamic input per kernel call


@dataclass(frozen=True)
class Network2003:
    """Result of :func:`network_2003`.

    ``times`` (ms) and ``neurons`` are the spikes as flat arrays (net.m's
    ``firings``), in order of time. ``times`` follow izhic's convention (the
    end of the step in which v reached 30 mV): net.m prints each of them
    1 ms later (it finds the spike at the start of the next step).
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
        """Mean firing rate over all neurons (Hz)."""
        return self.times.size / self.n_neurons / (self.duration / 1000.0)

    def population_rate(self, bin_ms=1.0):
        """(bin centres in ms, spikes per bin divided by the number of neurons and the bin (Hz))."""
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
