"""Connectors and populations: build networks as users of Brian2, NEST and
PyNN do, straight into izhic's synapse storage.

Connectors (each returns a :class:`izhic.Synapses`):

* :func:`all_to_all`: every neuron of ``pre`` to every neuron of ``post``;
* :func:`fixed_indegree`: each neuron of ``post`` receives ``indegree``
  synapses from neurons of ``pre`` drawn at random (NEST's
  ``fixed_indegree``, PyNN's ``FixedNumberPreConnector``);
* :func:`fixed_outdegree`: each neuron of ``pre`` sends ``outdegree``
  synapses to neurons of ``post`` drawn at random;
* :func:`fixed_probability`: each pair (pre, post) is connected with
  probability ``p`` (NEST's ``pairwise_bernoulli``, Brian2's
  ``connect(p=...)``).

``pre`` and ``post`` select neurons of one population: an int ``n`` (neurons
0 .. n - 1), a ``range`` (e.g. ``pop["E"]`` of a :class:`Population`) or a
sorted 1-D array of distinct indices. ``autapses`` (a neuron to itself) and,
where a draw can repeat, ``multapses`` (one pair connected more than once)
are allowed by default, as in NEST; PyNN and Brian2 users may want
``autapses=False``.

Weights and delays are a number or a function ``f(pre, post, rng)`` of the
synapses' presynaptic and target neurons (1-D int arrays) and a
:class:`numpy.random.Generator`, returning one value per synapse (delays in
ms). Everything is drawn from ``seed``: the same seed gives the same
synapses, on any machine and thread count. The draws go in chunks of rows
(targets for :func:`fixed_indegree`, sources otherwise), each from its own
stream (``numpy.random.SeedSequence(seed, spawn_key=(chunk,))``): in each
chunk the connections first, then the delays, then the weights.

Memory: the synapses are written in place into their storage (about 14
bytes a synapse, see :mod:`izhic.synapses`), in two or three passes over the
chunks that draw the same numbers again; besides the result, a connector
holds one int64 counter per (neuron, distinct delay) and one chunk of about
a million synapses. A network of 1e6 neurons with 100 synapses each (1e8
synapses, 1.4 GB) builds within about 1.6 GB.

Examples
--------
net.m's network (Izhikevich 2003): 800 excitatory and 200 inhibitory
neurons, all to all, excitatory weights uniform in [0, 0.5], inhibitory in
[-1, 0]:

>>> import numpy as np, izhic
>>> from izhic import connect
>>> pop = connect.Population({"E": 800, "I": 200})
>>> def w(pre, post, rng):
...     return np.where(pre < 800, 0.5, -1.0) * rng.random(pre.size)
>>> syn = connect.all_to_all(pop.n, pop.n, weight=w, seed=1)
>>> syn.n_synapses
1000000
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from . import _checks
from .models import as_model
from .synapses import _MAX_DELAYS, _MAX_INDEX, Synapses, _kind

__all__ = ["all_to_all", "fixed_indegree", "fixed_outdegree", "fixed_probability",
           "Population"]

_CHUNK_SYNAPSES = 1 << 20        # synapses drawn per chunk (about)


# ---------------------------------------------------------------------------
# arguments
# ---------------------------------------------------------------------------

def _selection(name, value):
    """A sorted int64 array of distinct neuron indices (ranges stay cheap)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected an int, a range or an array of neuron indices, "
                        f"got {value!r}")
    if isinstance(value, numbers.Integral):
        if value < 1:
            raise ValueError(f"{name}: expected at least one neuron, got {value}")
        value = range(int(value))
    if isinstance(value, range):
        if value.step != 1 or len(value) == 0 or value.start < 0:
            raise ValueError(f"{name}: expected a non-empty range of neuron indices with step "
                             f"1, got {value!r}")
        if value.stop - 1 > _MAX_INDEX:
            raise ValueError(f"{name}: neuron indices must be below 2**31, got {value!r}")
        return np.arange(value.start, value.stop, dtype=np.int64)
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected an int, a range or a non-empty 1-D array of neuron "
                        f"indices, got {_checks._show(value)}")
    arr = arr.astype(np.int64)
    if arr.min() < 0 or arr.max() > _MAX_INDEX:
        raise ValueError(f"{name}: neuron indices must lie in 0 .. 2**31 - 1")
    if arr.size > 1 and not (np.diff(arr) > 0).all():
        raise ValueError(f"{name}: the neuron indices must be sorted and distinct")
    return arr


def _count(name, value, low=0):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an int, got {_checks._show(value)}")
    if value < low:
        raise ValueError(f"{name}: must be >= {low}, got {value}")
    return int(value)


def _flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


def _value_or_function(name, value):
    if callable(value):
        return value
    return _checks.real_scalar(name, value)


def _seed_entropy(seed):
    if seed is None:
        return np.random.SeedSequence().entropy
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed: expected a non-negative int or None, got {seed!r}")
    return int(seed)


def _n_neurons(n_neurons, pre, post):
    top = int(max(pre[-1], post[-1])) + 1
    if n_neurons is None:
        return top
    if isinstance(n_neurons, (bool, np.bool_)) or not isinstance(n_neurons, numbers.Integral):
        raise TypeError(f"n_neurons: expected an int, got {_checks._show(n_neurons)}")
    if n_neurons < top:
        raise ValueError(f"n_neurons: {n_neurons} is too small for neuron index {top - 1}")
    return int(n_neurons)


# ---------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------

def _distinct(rng, rows, n_cand):
    """One value in [0, n_cand) per entry of ``rows`` (sorted row ids), distinct
    within each row: drawn with replacement, repeats drawn again."""
    vals = rng.integers(0, n_cand, rows.size)
    while True:
        order = np.lexsort((vals, rows))
        r, v = rows[order], vals[order]
        dup = np.flatnonzero((r[1:] == r[:-1]) & (v[1:] == v[:-1])) + 1
        if dup.size == 0:
            return vals
        redo = order[dup]
        vals[redo] = rng.integers(0, n_cand, redo.size)


def _skip_self(vals, own, cand):
    """Map values drawn from [0, len(cand) - 1) to candidates other than each
    row's own neuron (if it is a candidate)."""
    pos = np.searchsorted(cand, own)
    present = (pos < cand.size) & (cand[np.minimum(pos, cand.size - 1)] == own)
    return np.where(present & (vals >= pos), vals + 1, vals)


class _Plan:
    """One connector: its chunks and how a chunk's pairs are drawn."""

    def __init__(self, name, pre, post, n_rows, draw, rows_per_chunk, seed):
        self.name, self.pre, self.post = name, pre, post
        self.n_rows, self.draw = n_rows, draw
        self.rows_per_chunk = max(1, rows_per_chunk)
        self.entropy = _seed_entropy(seed)

    def chunks(self):
        for c, r0 in enumerate(range(0, self.n_rows, self.rows_per_chunk)):
            r1 = min(r0 + self.rows_per_chunk, self.n_rows)
            rng = np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(self.entropy, spawn_key=(c,))))
            pre, post = self.draw(rng, r0, r1)
            yield rng, pre, post


def _evaluate(name, spec, pre, post, rng, positive=False):
    if not callable(spec):
        return np.full(pre.size, spec, dtype=np.float64)
    out = np.asarray(spec(pre, post, rng), dtype=np.float64)
    if out.shape != pre.shape:
        out = np.broadcast_to(out, pre.shape) if out.ndim == 0 else out
    if out.shape != pre.shape:
        raise ValueError(f"{name}: the function returned shape {out.shape}, expected one value "
                         f"per synapse ({pre.size})")
    if not np.isfinite(out).all() or (out.size and np.abs(out).max() >= 1e100):
        raise ValueError(f"{name}: the function returned values that are not finite")
    if positive and out.size and not (out > 0).all():
        raise ValueError(f"{name}: delays must be > 0 ms, the function returned "
                         f"{float(out.min())!r}")
    return out


def _build(plan, weight, delay, kind, tau, n):
    """Storage from the connector's chunks, in two or three passes."""
    kind, tau = _kind(kind, tau)
    weight = _value_or_function("weight", weight)
    delay = _value_or_function("delay", delay)
    if not callable(delay) and delay <= 0:
        raise ValueError(f"delay: must be > 0 ms, got {delay!r}")
    # pass 1 (delays drawn by a function): the table of distinct delays
    if callable(delay):
        table = np.zeros(0)
        for rng, pre, post in plan.chunks():
            table = np.union1d(table, _evaluate("delay", delay, pre, post, rng, True))
            if table.size > _MAX_DELAYS:
                raise ValueError(f"delay: at most {_MAX_DELAYS} distinct delays in one "
                                 f"Synapses object")
        if table.size == 0:
            table = np.ones(1)
    else:
        table = np.array([float(delay)])
    nd = table.size
    _checks.fits_in_memory(f"{plan.name}: the group counters of {n} neurons x {nd} delays",
                           8 * n * nd)
    counts = np.zeros(n * nd, dtype=np.int64)

    def keys(rng, pre, post):
        if nd == 1:
            return pre
        d = _evaluate("delay", delay, pre, post, rng, True)
        return pre * nd + np.searchsorted(table, d)

    # pass 2: how many synapses each (neuron, delay) group holds
    total = 0
    for rng, pre, post in plan.chunks():
        k = keys(rng, pre, post)
        counts += np.bincount(k, minlength=n * nd)
        total += k.size
    _checks.fits_in_memory(f"{plan.name}: {total} synapses", 12 * total)
    cursor = np.zeros(n * nd + 1, dtype=np.int64)
    np.cumsum(counts, out=cursor[1:])
    occupied = np.flatnonzero(counts)
    del counts
    gstart = np.append(cursor[occupied], total).astype(np.int64)
    gptr = np.searchsorted(occupied // nd, np.arange(n + 1)).astype(np.int64)
    gdidx = (occupied % nd).astype(np.uint16)
    del occupied
    post_out = np.empty(total, dtype=np.int32)
    weight_out = np.empty(total, dtype=np.float64)
    # pass 3: each synapse into its place (by group, then target)
    for rng, pre, post in plan.chunks():
        k = keys(rng, pre, post)
        w = _evaluate("weight", weight, pre, post, rng)
        if k.size == 0:
            continue
        order = np.lexsort((post, k))
        ks = k[order]
        first = np.concatenate([[0], np.flatnonzero(ks[1:] != ks[:-1]) + 1])
        run = np.repeat(first, np.diff(np.append(first, ks.size)))
        place = cursor[ks] + (np.arange(ks.size) - run)
        post_out[place] = post[order]
        weight_out[place] = w[order]
        np.add.at(cursor, ks[first], np.diff(np.append(first, ks.size)))
    return Synapses._from_storage(n, gptr, gstart, gdidx, post_out, weight_out, table, kind,
                                  tau)


def _rows_per_chunk(per_row):
    return max(1, _CHUNK_SYNAPSES // max(1, int(per_row)))


# ---------------------------------------------------------------------------
# connectors
# ---------------------------------------------------------------------------

def all_to_all(pre, post=None, weight=1.0, delay=1.0, kind="current", tau=None, *,
               autapses=True, n_neurons=None, seed=None):
    """Every neuron of ``pre`` to every neuron of ``post`` (default: ``pre``).

    Parameters
    ----------
    pre, post : int, range or sorted array of int
        The sources and the targets (see :mod:`izhic.connect`).
    weight, delay : float or callable
        A value or ``f(pre, post, rng)`` per synapse; delays in ms.
    kind, tau
        As for :class:`izhic.Synapses`.
    autapses : bool, default True
        Whether a neuron in both selections connects to itself.
    n_neurons : int, optional
        The population's size (default: the largest index + 1).
    seed : int, optional
        Seed of the weights and delays drawn by functions.

    Returns
    -------
    Synapses

    Examples
    --------
    >>> from izhic import connect
    >>> syn = connect.all_to_all(3, weight=0.5, autapses=False)
    >>> syn.pre.tolist(), syn.post.tolist()
    ([0, 0, 1, 1, 2, 2], [1, 2, 0, 2, 0, 1])
    """
    pre = _selection("pre", pre)
    post = pre if post is None else _selection("post", post)
    autapses = _flag("autapses", autapses)
    n = _n_neurons(n_neurons, pre, post)

    def draw(rng, r0, r1):
        src = np.repeat(pre[r0:r1], post.size)
        tgt = np.tile(post, r1 - r0)
        if not autapses:
            keep = src != tgt
            src, tgt = src[keep], tgt[keep]
        return src, tgt

    plan = _Plan("all_to_all", pre, post, pre.size, draw, _rows_per_chunk(post.size), seed)
    return _build(plan, weight, delay, kind, tau, n)


def fixed_indegree(pre, post, indegree, weight=1.0, delay=1.0, kind="current", tau=None, *,
                   autapses=True, multapses=True, n_neurons=None, seed=None):
    """Each neuron of ``post`` receives ``indegree`` synapses from neurons of
    ``pre`` drawn uniformly (with repeats unless ``multapses=False``).

    Parameters
    ----------
    pre, post : int, range or sorted array of int
        The sources and the targets (see :mod:`izhic.connect`).
    indegree : int
        Synapses per target (K).
    weight, delay : float or callable
        A value or ``f(pre, post, rng)`` per synapse; delays in ms.
    kind, tau
        As for :class:`izhic.Synapses`.
    autapses, multapses : bool, default True
        Whether a neuron may draw itself, and the same source twice.
    n_neurons : int, optional
        The population's size (default: the largest index + 1).
    seed : int, optional
        Seed of every draw.

    Returns
    -------
    Synapses

    Examples
    --------
    >>> from izhic import connect
    >>> syn = connect.fixed_indegree(1000, 1000, 100, weight=0.1, seed=1)
    >>> syn.n_synapses, int(np.bincount(syn.post).min())
    (100000, 100)
    """
    return _fixed_degree("indegree", pre, post, indegree, weight, delay, kind, tau, autapses,
                         multapses, n_neurons, seed)


def fixed_outdegree(pre, post, outdegree, weight=1.0, delay=1.0, kind="current", tau=None, *,
                    autapses=True, multapses=True, n_neurons=None, seed=None):
    """Each neuron of ``pre`` sends ``outdegree`` synapses to neurons of
    ``post`` drawn uniformly (with repeats unless ``multapses=False``).

    Parameters
    ----------
    pre, post : int, range or sorted array of int
        The sources and the targets (see :mod:`izhic.connect`).
    outdegree : int
        Synapses per source.
    weight, delay : float or callable
        A value or ``f(pre, post, rng)`` per synapse; delays in ms.
    kind, tau
        As for :class:`izhic.Synapses`.
    autapses, multapses : bool, default True
        Whether a neuron may draw itself, and the same target twice.
    n_neurons : int, optional
        The population's size (default: the largest index + 1).
    seed : int, optional
        Seed of every draw.

    Returns
    -------
    Synapses

    Examples
    --------
    >>> import numpy as np
    >>> from izhic import connect
    >>> syn = connect.fixed_outdegree(100, 100, 10, multapses=False, seed=1)
    >>> int(np.bincount(syn.pre).max())
    10
    """
    return _fixed_degree("outdegree", pre, post, outdegree, weight, delay, kind, tau, autapses,
                         multapses, n_neurons, seed)


def _fixed_degree(which, pre, post, degree, weight, delay, kind, tau, autapses, multapses,
                  n_neurons, seed):
    """fixed_indegree (each target draws its sources) or fixed_outdegree (each
    source draws its targets)."""
    pre = _selection("pre", pre)
    post = _selection("post", post)
    k = _count(which, degree)
    autapses, multapses = _flag("autapses", autapses), _flag("multapses", multapses)
    n = _n_neurons(n_neurons, pre, post)
    rows, cand = (post, pre) if which == "indegree" else (pre, post)
    drawn = "sources per target" if which == "indegree" else "targets per source"
    n_cand = cand.size - (0 if autapses else 1)
    if not multapses and k > n_cand:
        raise ValueError(f"{which}: {k} distinct {drawn}, but only {n_cand} are available "
                         f"(multapses=False)")
    if n_cand < 1 and k:
        raise ValueError(f"{'pre' if which == 'indegree' else 'post'}: no candidate other "
                         f"than the neuron itself (autapses=False)")

    def draw(rng, r0, r1):
        own = np.repeat(rows[r0:r1], k)
        if multapses:
            vals = rng.integers(0, n_cand, own.size)
        else:
            vals = _distinct(rng, np.repeat(np.arange(r1 - r0), k), n_cand)
        if not autapses:
            vals = _skip_self(vals, own, cand)
        return (cand[vals], own) if which == "indegree" else (own, cand[vals])

    plan = _Plan(f"fixed_{which}", pre, post, rows.size, draw, _rows_per_chunk(k), seed)
    return _build(plan, weight, delay, kind, tau, n)


def fixed_probability(pre, post, p, weight=1.0, delay=1.0, kind="current", tau=None, *,
                      autapses=True, n_neurons=None, seed=None):
    """Each pair (pre, post) connected with probability ``p``, independently
    (no multapses).

    Each source draws its number of targets from a binomial distribution and
    then that many distinct targets uniformly, which is the same
    distribution.

    Parameters
    ----------
    pre, post : int, range or sorted array of int
        The sources and the targets (see :mod:`izhic.connect`).
    p : float
        Connection probability, in [0, 1].
    weight, delay : float or callable
        A value or ``f(pre, post, rng)`` per synapse; delays in ms.
    kind, tau
        As for :class:`izhic.Synapses`.
    autapses : bool, default True
        Whether the pair (i, i) may be drawn.
    n_neurons : int, optional
        The population's size (default: the largest index + 1).
    seed : int, optional
        Seed of every draw.

    Returns
    -------
    Synapses

    Examples
    --------
    >>> from izhic import connect
    >>> syn = connect.fixed_probability(1000, 1000, 0.1, seed=1)
    >>> 95_000 < syn.n_synapses < 105_000
    True
    """
    pre = _selection("pre", pre)
    post = _selection("post", post)
    p = _checks.real_scalar("p", p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p: a probability in [0, 1], got {p!r}")
    autapses = _flag("autapses", autapses)
    n = _n_neurons(n_neurons, pre, post)

    def draw(rng, r0, r1):
        src_rows = pre[r0:r1]
        if autapses:
            n_cand = np.full(src_rows.size, post.size)
        else:
            pos = np.searchsorted(post, src_rows)
            inside = (pos < post.size) & (post[np.minimum(pos, post.size - 1)] == src_rows)
            n_cand = post.size - inside.astype(np.int64)
        counts = rng.binomial(n_cand, p)
        rows = np.repeat(np.arange(src_rows.size), counts)
        src = src_rows[rows]
        vals = _distinct_ragged(rng, rows, n_cand[rows])
        if not autapses:
            vals = _skip_self(vals, src, post)
        return src, post[vals]

    plan = _Plan("fixed_probability", pre, post, pre.size, draw,
                 _rows_per_chunk(max(1.0, p * post.size)), seed)
    return _build(plan, weight, delay, kind, tau, n)


def _distinct_ragged(rng, rows, n_cand):
    """As _distinct, with each entry's own number of candidates."""
    vals = np.floor(rng.random(rows.size) * n_cand).astype(np.int64)
    while True:
        order = np.lexsort((vals, rows))
        r, v = rows[order], vals[order]
        dup = np.flatnonzero((r[1:] == r[:-1]) & (v[1:] == v[:-1])) + 1
        if dup.size == 0:
            return vals
        redo = order[dup]
        vals[redo] = np.floor(rng.random(redo.size) * n_cand[redo]).astype(np.int64)


# ---------------------------------------------------------------------------
# populations
# ---------------------------------------------------------------------------

class Population:
    """One population made of named sub-populations, each with its own
    parameter recipe; ``pop["E"]`` is the index range of group "E".

    Parameters
    ----------
    groups : mapping of name to int or (int, recipe)
        The sub-populations in order: a size, or a size and a recipe. A
        recipe is a model (a preset name, a dict of parameters, an
        :class:`~izhic.Izhikevich2003` or :class:`~izhic.Izhikevich2007`
        whose fields may hold one value per neuron of the group) or a
        function ``f(n, rng)`` returning one. Groups without a recipe get
        ``default``.
    default : model, default "RS"
        The recipe of the groups that give none.
    seed : int, optional
        Seed of the recipes' draws (each group its own stream, in order).

    Attributes
    ----------
    n : int
        Neurons in all.
    names : tuple of str
    model : Izhikevich2003 or Izhikevich2007
        The whole population's parameters, one value per neuron where the
        groups differ (pass it to :func:`izhic.simulate`).

    Examples
    --------
    net.m's neurons (r uniform in [0, 1] per neuron):

    >>> import izhic
    >>> from izhic import connect
    >>> def excitatory(n, rng):
    ...     r = rng.random(n)
    ...     return izhic.Izhikevich2003(a=0.02, b=0.2, c=-65 + 15 * r ** 2, d=8 - 6 * r ** 2)
    >>> def inhibitory(n, rng):
    ...     r = rng.random(n)
    ...     return izhic.Izhikevich2003(a=0.02 + 0.08 * r, b=0.25 - 0.05 * r, c=-65.0, d=2.0)
    >>> pop = connect.Population({"E": (800, excitatory), "I": (200, inhibitory)}, seed=1)
    >>> pop.n, pop["I"], pop.model.a.shape
    (1000, range(800, 1000), (1000,))
    """

    def __init__(self, groups, default="RS", seed=None):
        if not isinstance(groups, Mapping) or not groups:
            raise TypeError(f"groups: expected a non-empty mapping of name to size or "
                            f"(size, recipe), got {_checks._show(groups)}")
        entropy = _seed_entropy(seed)
        self._ranges = {}
        models, start = [], 0
        for index, (name, spec) in enumerate(groups.items()):
            if not isinstance(name, str):
                raise TypeError(f"groups: names must be str, got {name!r}")
            size, recipe = (spec, default) if not isinstance(spec, tuple) else (spec + (default,))[:2]
            size = _count(f"groups[{name!r}]", size, low=1)
            rng = np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(entropy, spawn_key=(index,))))
            model = recipe(size, rng) if callable(recipe) else recipe
            try:
                model = as_model(model)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"groups[{name!r}]: {exc}") from None
            models.append((size, model))
            self._ranges[name] = range(start, start + size)
            start += size
        self.n = start
        self.names = tuple(self._ranges)
        self.model = _concatenate(models)

    def __getitem__(self, name):
        try:
            return self._ranges[name]
        except KeyError:
            raise KeyError(f"{name!r}: no such group; the groups are "
                           f"{', '.join(self.names)}") from None

    def __iter__(self):
        return iter(self.names)

    def __len__(self):
        return self.n

    def __repr__(self):
        parts = ", ".join(f"{k}: {len(r)}" for k, r in self._ranges.items())
        return f"Population({self.n} neurons: {parts}; {type(self.model).__name__})"

    def group_of(self, neurons):
        """The group name of each neuron index (an array of str).

        Parameters
        ----------
        neurons : int or array_like of int
            Neuron indices, in ``0 .. n - 1``.

        Returns
        -------
        numpy.ndarray of str
            The name of each neuron's group, shape of ``neurons``.

        Examples
        --------
        >>> from izhic import connect
        >>> connect.Population({"E": 3, "I": 2}).group_of([0, 3, 4]).tolist()
        ['E', 'I', 'I']
        """
        neurons = np.asarray(neurons)
        bounds = np.array([r.stop for r in self._ranges.values()])
        if neurons.size and (neurons.min() < 0 or neurons.max() >= self.n):
            raise ValueError(f"neurons: indices must lie in 0 .. {self.n - 1}")
        return np.array(self.names)[np.searchsorted(bounds, neurons, side="right")]


def _concatenate(models):
    """One model of the groups' models (same form): per-neuron fields where
    they differ; shared fields must agree."""
    cls = type(models[0][1])
    for _, m in models:
        if type(m) is not cls:
            raise ValueError(f"groups: every group must use one model form, got "
                             f"{cls.__name__} and {type(m).__name__}")
    kwargs = {}
    for name in cls.PER_NEURON:
        parts = []
        for size, m in models:
            value = np.asarray(getattr(m, name), dtype=np.float64)
            if value.ndim == 0:
                value = np.full(size, float(value))
            elif value.shape != (size,):
                raise ValueError(f"groups: field {name} has {value.size} values for a group of "
                                 f"{size}")
            parts.append(value)
        joined = np.concatenate(parts)
        kwargs[name] = float(joined[0]) if (joined == joined[0]).all() else joined
    for name in cls.SHARED:
        values = {repr(getattr(m, name)) for _, m in models}
        if len(values) > 1:
            raise ValueError(f"groups: the shared field {name} differs between groups "
                             f"({', '.join(sorted(values))})")
        kwargs[name] = getattr(models[0][1], name)
    return cls(**kwargs)

