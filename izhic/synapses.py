"""Synapses between the neurons of one population, stored as the kernel
delivers them.

A :class:`Synapses` object holds one set of connections of one kind:

* ``"current"``: the summed weights of the spikes that arrive in step k are
  added to the current of step k, held over the step (every RK4 stage sees
  them): Izhikevich's net.m and spnet, NEST's ``izhikevich`` with
  ``consistent_integration=False``;
* ``"voltage"``: v jumps by the summed weights at the start of the step they
  arrive in (NEST's default ``izhikevich``, Brian2's ``on_pre: v += w``);
* ``"exponential"`` (time constant ``tau``): a synaptic current s that jumps
  by the weights at the start of their arrival step and decays as
  ``ds/dt = -s / tau`` in between (exactly: ``exp(-t / tau)``); the neuron
  sees ``s`` at every RK4 stage time, so networks converge as dt shrinks.

Delays are in ms, whole multiples of the run's dt and at least one step: a
spike found at the end of step k (reported at t_{k+1}) with a delay of m
steps acts in step k + m (m = 1: the next step, as in net.m).

Storage: rows by presynaptic neuron, within a row by delay, within a delay by
target. A row is cut into groups of equal delay (a spike queues each of its
groups, a range of storage, at the step it arrives in): per synapse an int32
target and a float64 weight (12 bytes), per (neuron, delay) group its start
(int64) and delay index (uint16), per neuron the first of its groups (int64):
with K synapses a neuron spread over D delays, 12 + (10 D + 8) / K bytes per
synapse (13.9 for K = 100, D = 20; 12.02 for net.m's dense rows). The arrays
:attr:`Synapses.pre`, :attr:`~Synapses.post`,
:attr:`~Synapses.weight`, :attr:`~Synapses.delay` and every per-synapse
result (``res.weights``) are in this storage order; :attr:`Synapses.index`
gives, for each stored synapse, its position in the arrays it was built from.

Examples
--------
>>> import numpy as np, izhic
>>> syn = izhic.Synapses([0, 0, 1], [1, 2, 0], weight=[0.5, 0.25, -1.0], delay=[2.0, 1.0, 1.0])
>>> syn
Synapses(3 synapses, 3 neurons, kind='current', delays 1-2 ms)
>>> syn.pre.tolist(), syn.post.tolist(), syn.delay.tolist(), syn.index.tolist()
([0, 0, 1], [2, 1, 0], [1.0, 2.0, 1.0], [1, 0, 2])
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from . import _checks

__all__ = ["Synapses", "KINDS"]

#: What a spike does when it arrives (see the module docstring).
KINDS = ("current", "voltage", "exponential")
_MAX_DELAYS = 1 << 16           # distinct delays of one Synapses object (uint16 index)
_MAX_INDEX = (1 << 31) - 1      # neuron indices are int32 in the kernel


def _index_array(name, value):
    arr = np.asarray(value)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        if arr.size == 0 and arr.ndim == 1:
            return arr.astype(np.int64)
        raise TypeError(f"{name}: expected a 1-D array of neuron indices (ints), got "
                        f"{_checks._show(value)}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name}: neuron indices must be >= 0, got {int(arr.min())}")
    if arr.size and arr.max() > _MAX_INDEX:
        raise ValueError(f"{name}: neuron indices must be below 2**31, got {int(arr.max())}")
    return arr


def _per_synapse(name, value, n, positive=False):
    arr = _checks.real_array(name, value)
    if arr.ndim == 1 and arr.size != n:
        raise ValueError(f"{name}: expected one value per synapse ({n}) or a scalar, got "
                         f"{arr.size} values")
    if positive and arr.size and not (arr > 0).all():
        raise ValueError(f"{name}: must be > 0 ms, got {float(np.min(arr))!r}")
    if arr.size and not (np.abs(arr) < 1e100).all():
        raise ValueError(f"{name}: must lie within +-1e100")
    return np.broadcast_to(arr, (n,))


def _kind(kind, tau):
    _checks.choice("kind", kind, KINDS)
    if kind == "exponential":
        if tau is None:
            raise ValueError("tau: an exponential synapse needs its time constant tau (ms)")
        tau = _checks.real_scalar("tau", tau, positive=True)
    elif tau is not None:
        raise ValueError(f"tau: only kind='exponential' has a time constant, got kind={kind!r}")
    return kind, tau


class Synapses:
    """Connections from ``pre[i]`` to ``post[i]`` with ``weight[i]`` and ``delay[i]``.

    Parameters
    ----------
    pre, post : array_like of int, shape (n_synapses,)
        Presynaptic and target neuron of each synapse (indices into one
        population; a neuron may target itself and the same pair may repeat).
    weight : float or array_like
        The weight of each synapse (model current units for ``"current"`` and
        ``"exponential"``, mV for ``"voltage"``); negative: inhibitory.
    delay : float or array_like, default 1
        Axonal delay of each synapse (ms, > 0); at run time a whole multiple
        of dt (one step at least).
    kind : {"current", "voltage", "exponential"}, default "current"
        What an arriving spike does (see :mod:`izhic.synapses`).
    tau : float, optional
        Decay time constant (ms) of the ``"exponential"`` kind.
    n_neurons : int, optional
        The population's size (default: the largest index + 1); the network
        run's population must have this size.

    Attributes
    ----------
    pre, post, weight, delay : ndarray
        The synapses in storage order (by pre, then delay, then target).
    index : ndarray of int64
        Position of each stored synapse in the arrays passed in.
    n_synapses, n_neurons : int
    kind : str
    tau : float or None

    Examples
    --------
    >>> import izhic
    >>> syn = izhic.Synapses([0, 1], [1, 0], weight=2.0, delay=1.5, kind="exponential", tau=5.0)
    >>> syn.kind, syn.tau, syn.delay.tolist()
    ('exponential', 5.0, [1.5, 1.5])
    """

    def __init__(self, pre, post, weight, delay=1.0, kind="current", tau=None, *,
                 n_neurons=None):
        pre = _index_array("pre", pre)
        post = _index_array("post", post)
        if pre.shape != post.shape:
            raise ValueError(f"post: expected one target per synapse ({pre.size}), got "
                             f"{post.size}")
        n_syn = pre.size
        weight = _per_synapse("weight", weight, n_syn)
        delay = _per_synapse("delay", delay, n_syn, positive=True)
        kind, tau = _kind(kind, tau)
        n = self._population_size(n_neurons, pre, post)
        table, didx = np.unique(delay, return_inverse=True)
        if table.size > _MAX_DELAYS:
            raise ValueError(f"delay: at most {_MAX_DELAYS} distinct delays in one Synapses "
                             f"object, got {table.size}")
        didx = didx.reshape(-1).astype(np.int64)
        group = pre * max(table.size, 1) + didx          # (pre, delay) groups, in order
        if n * max(table.size, 1) * n < 2 ** 62:          # one key: (group, target)
            order = np.argsort(group * n + post, kind="stable")
        else:
            order = np.lexsort((post, group))
        del didx
        identity = bool(np.array_equal(order, np.arange(n_syn)))
        group = group[order]
        cut = np.flatnonzero(group[1:] != group[:-1]) + 1
        gstart = np.concatenate([[0], cut, [n_syn]]).astype(np.int64) if n_syn else \
            np.zeros(1, dtype=np.int64)
        gkey = group[gstart[:-1]]
        del group, cut
        nd = max(table.size, 1)
        gptr = np.searchsorted(gkey // nd, np.arange(n + 1)).astype(np.int64)
        self._set(n, gptr, gstart, (gkey % nd).astype(np.uint16),
                  post[order].astype(np.int32), np.array(weight[order], dtype=np.float64),
                  table, kind, tau,
                  None if identity else order.astype(np.int64))

    # -- construction ---------------------------------------------------------
    @staticmethod
    def _population_size(n_neurons, pre, post):
        top = int(max(pre.max(), post.max())) + 1 if pre.size else 0
        if n_neurons is None:
            return max(top, 1)
        if isinstance(n_neurons, (bool, np.bool_)) or not isinstance(n_neurons,
                                                                     numbers.Integral):
            raise TypeError(f"n_neurons: expected an int, got {_checks._show(n_neurons)}")
        if n_neurons < max(top, 1):
            raise ValueError(f"n_neurons: {n_neurons} is too small for neuron index "
                             f"{top - 1}" if top else f"n_neurons: must be >= 1, got {n_neurons}")
        return int(n_neurons)

    def _set(self, n, gptr, gstart, gdidx, post, weight, table, kind, tau, index):
        """The storage: neuron i's groups are gptr[i] .. gptr[i + 1] - 1; group
        g holds synapses gstart[g] .. gstart[g + 1] - 1 (targets post, int32,
        and weights, float64), all with the delay table[gdidx[g]], sorted by
        target."""
        self._gptr = gptr
        self._gstart = gstart
        self._gdidx = gdidx
        self._post = post
        self._weight = weight
        self._delays = np.asarray(table, dtype=np.float64)
        self._index = index
        self.n_neurons = int(n)
        self.kind = kind
        self.tau = tau
        for arr in (gptr, gstart, gdidx, post, weight, self._delays):
            arr.flags.writeable = False
        # does a group hit one target twice (a multapse)? Without, a group whose
        # targets span exactly its length is a dense column
        self._multapses = False
        step = 1 << 24
        for lo in range(0, max(post.size - 1, 0), step):
            hi = min(lo + step, post.size - 1)
            same = post[lo + 1:hi + 1] == post[lo:hi]
            if same.any():
                starts = gstart[1:-1]
                inside = starts[(starts > lo) & (starts <= hi)] - 1 - lo   # group boundaries
                same[inside] = False
                if same.any():
                    self._multapses = True
                    break

    @classmethod
    def _from_storage(cls, n, gptr, gstart, gdidx, post, weight, table, kind, tau,
                      index=None):
        """From arrays already in storage order (connectors build them so)."""
        self = cls.__new__(cls)
        self._set(n, gptr, gstart, gdidx, post, weight, table, kind, tau, index)
        return self

    @classmethod
    def from_dense(cls, S, delay=1.0, kind="current", tau=None):
        """The synapses of a dense weight matrix ``S[post, pre]`` (as net.m).

        Parameters
        ----------
        S : array_like, shape (n_neurons, n_neurons)
            ``S[i, j]`` is the weight from neuron j to neuron i; zeros are no
            synapse.
        delay : float or array_like of S's shape, default 1
            Delays (ms).
        kind, tau
            As for :class:`Synapses`.

        Returns
        -------
        Synapses
            In storage order: by pre (the column), then by delay and target.

        Examples
        --------
        >>> import numpy as np, izhic
        >>> S = np.array([[0.0, 0.5], [-1.0, 0.0]])
        >>> syn = izhic.Synapses.from_dense(S)
        >>> syn.pre.tolist(), syn.post.tolist(), syn.weight.tolist()
        ([0, 1], [1, 0], [-1.0, 0.5])
        """
        S = np.asarray(S)
        if S.ndim != 2 or S.shape[0] != S.shape[1] or S.dtype.kind not in "iuf":
            raise ValueError(f"S: expected a square 2-D array of weights S[post, pre], got "
                             f"shape {S.shape}, dtype {S.dtype}")
        S = S.astype(np.float64, copy=False)
        if not np.isfinite(S).all():
            raise ValueError("S: weights must be finite")
        pre, post = np.nonzero(S.T)            # by pre, then by target
        d = np.asarray(delay)
        d = d.T[pre, post] if d.ndim == 2 else delay
        return cls(pre, post, S.T[pre, post], d, kind, tau, n_neurons=S.shape[0])

    @classmethod
    def merge(cls, *groups):
        """One Synapses object from several of the same kind (and tau) and
        population size; ``index`` counts through the groups in order.

        Parameters
        ----------
        *groups : Synapses
            The objects to join (at least one), all of one kind, tau and
            ``n_neurons``.

        Returns
        -------
        Synapses
            Every synapse of the groups.

        Examples
        --------
        >>> import izhic
        >>> a = izhic.Synapses([0], [1], 0.5, n_neurons=3)
        >>> b = izhic.Synapses([2], [1], -1.0, n_neurons=3)
        >>> izhic.Synapses.merge(a, b).pre.tolist()
        [0, 2]
        """
        if not groups:
            raise ValueError("groups: give at least one Synapses object")
        first = groups[0]
        for g in groups:
            if not isinstance(g, Synapses):
                raise TypeError(f"groups: expected Synapses objects, got {type(g).__name__}")
            if (g.kind, g.tau, g.n_neurons) != (first.kind, first.tau, first.n_neurons):
                raise ValueError("groups: every Synapses object must have the same kind, tau "
                                 "and n_neurons")
        pre = np.concatenate([g.pre[np.argsort(g.index)] for g in groups])
        post = np.concatenate([g.post[np.argsort(g.index)] for g in groups])
        weight = np.concatenate([g.weight[np.argsort(g.index)] for g in groups])
        delay = np.concatenate([g.delay[np.argsort(g.index)] for g in groups])
        return cls(pre, post, weight, delay, first.kind, first.tau, n_neurons=first.n_neurons)

    def with_weights(self, weight):
        """The same connections with other weights (one per synapse, in storage
        order, e.g. ``res.weights`` after plasticity).

        Parameters
        ----------
        weight : float or array_like, shape (n_synapses,)
            The new weights, in storage order (one number: every synapse).

        Returns
        -------
        Synapses
            A new object with the same connections, delays, kind and tau.

        Examples
        --------
        >>> import izhic
        >>> s = izhic.Synapses([0, 0, 1], [1, 2, 2], [0.5, 0.5, 1.0], n_neurons=3)
        >>> w = s.with_weights([1.0, 2.0, 3.0])
        >>> w.weight.tolist(), w.fingerprint() == s.fingerprint()
        ([1.0, 2.0, 3.0], True)
        """
        weight = np.array(_per_synapse("weight", weight, self.n_synapses), dtype=np.float64)
        out = Synapses._from_storage(self.n_neurons, self._gptr, self._gstart, self._gdidx,
                                     self._post, weight, self._delays, self.kind, self.tau,
                                     self._index)
        return out

    # -- what it holds -------------------------------------------------------------
    @property
    def n_synapses(self) -> int:
        return int(self._post.size)

    @property
    def pre(self):
        """Presynaptic neuron of each synapse (storage order)."""
        return np.repeat(np.arange(self.n_neurons, dtype=np.int64), np.diff(self._ptr()))

    @property
    def post(self):
        """Target neuron of each synapse (storage order)."""
        return self._post.astype(np.int64)

    @property
    def weight(self):
        """Weight of each synapse (storage order), read-only."""
        return self._weight

    @property
    def delay(self):
        """Delay of each synapse in ms (storage order)."""
        return np.repeat(self._delays[self._gdidx], np.diff(self._gstart))

    def _ptr(self):
        """Neuron i's synapses: ptr[i] .. ptr[i + 1] - 1."""
        return self._gstart[self._gptr]

    @property
    def n_groups(self) -> int:
        """Number of (presynaptic neuron, delay) groups."""
        return int(self._gdidx.size)

    @property
    def index(self):
        """Position of each stored synapse in the arrays it was built from."""
        if self._index is None:
            return np.arange(self.n_synapses, dtype=np.int64)
        return self._index

    @property
    def multapses(self) -> bool:
        """True when some neuron reaches one target twice with one delay."""
        return self._multapses

    @property
    def delays(self):
        """The distinct delays (ms), sorted."""
        return self._delays

    @property
    def nbytes(self) -> int:
        """Bytes of the stored arrays."""
        return int(sum(a.nbytes for a in (self._gptr, self._gstart, self._gdidx, self._post,
                                          self._weight, self._delays))
                   + (0 if self._index is None else self._index.nbytes))

    def delay_steps(self, dt):
        """The distinct delays as whole numbers of steps of ``dt`` (int32);
        ValueError naming ``delay`` with the nearest legal values otherwise.

        Parameters
        ----------
        dt : float
            Time step (ms).

        Returns
        -------
        numpy.ndarray of int32
            ``delays / dt`` (each at least 1), in the order of :attr:`delays`.

        Examples
        --------
        >>> import izhic
        >>> s = izhic.Synapses([0, 1], [1, 2], 0.5, delay=[1.0, 2.0], n_neurons=3)
        >>> s.delay_steps(0.5)
        array([2, 4], dtype=int32)
        """
        steps = self._delays / dt
        whole = np.rint(steps)
        bad = np.flatnonzero((np.abs(steps - whole) > 1e-9 * np.maximum(1.0, steps))
                             | (whole < 1))
        if bad.size:
            d = float(self._delays[bad[0]])
            below = max(1.0, math.floor(d / dt + 1e-9)) * dt
            above = max(1.0, math.ceil(d / dt - 1e-9)) * dt
            nearest = f"{below:g} ms" if below == above else f"{below:g} or {above:g} ms"
            raise ValueError(f"delay: {d:g} ms is not a whole number of steps of dt={dt:g} ms "
                             f"(at least one step); the nearest legal delay is {nearest}")
        if whole.size and whole.max() >= 1 << 30:
            raise ValueError(f"delay: {float(self._delays.max()):g} ms is too many steps of "
                             f"dt={dt:g} ms")
        return whole.astype(np.int32)

    def fingerprint(self):
        """A short text that identifies the connections (not the weights): what
        a continued run checks it is given the same network.

        Returns
        -------
        str
            16 hexadecimal digits (of a SHA-1 of the stored connections,
            delays, kind, tau and population size).

        Examples
        --------
        >>> import izhic
        >>> a = izhic.Synapses([0], [1], 0.5, n_neurons=2)
        >>> len(a.fingerprint()), a.fingerprint() == izhic.Synapses([0], [1], 2.0, n_neurons=2).fingerprint()
        (16, True)
        """
        cached = getattr(self, "_fingerprint", None)
        if cached is not None:
            return cached
        import hashlib

        h = hashlib.sha1()
        for arr in (self._gptr, self._gstart, self._gdidx, self._post, self._delays):
            h.update(np.ascontiguousarray(arr).view(np.uint8))
        h.update(f"{self.kind}:{self.tau}:{self.n_neurons}".encode())
        self._fingerprint = h.hexdigest()[:16]      # the connections never change
        return self._fingerprint

    def __repr__(self):
        if self._delays.size:
            lo, hi = self._delays.min(), self._delays.max()
            d = f"delays {lo:g} ms" if lo == hi else f"delays {lo:g}-{hi:g} ms"
        else:
            d = "no delays"
        tau = f", tau={self.tau:g} ms" if self.tau is not None else ""
        return (f"Synapses({self.n_synapses} synapses, {self.n_neurons} neurons, "
                f"kind={self.kind!r}{tau}, {d})")
