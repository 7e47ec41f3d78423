"""``izhic.sweep``: parameter sweeps on threads or a Dask cluster, labelled, on disk.

A sweep is the outer product of named axes (``grid``). Its points are cut into
chunks, hyper-rectangles of the grid; a model sweep runs each chunk as one
population in one :func:`izhic.simulate` call and reduces it to the measures
asked for; a function sweep calls ``func(**point)`` for each point of the chunk.
Chunks run side by side on this process's threads (``client=None``) or as
tasks of a ``dask.distributed.Client``; this process gathers their results into an
``xarray.Dataset`` and, with ``store=``, writes each chunk to a Zarr store as
it completes, so that an interrupted sweep resumes where it stopped.

Data flows one way: arguments -> a checked, picklable :class:`_Plan` -> chunks
(here or on workers) -> the writer (memory or Zarr) -> ``xarray.Dataset``.
Dask, xarray and Zarr are imported only when a sweep runs (the ``sweep`` extra).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import signal
import threading
import uuid
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Optional

import numpy as np

from . import _checks
from ._extras import require
from ._plan import checked_seed
from ._version import __version__
from .models import Izhikevich2003, Izhikevich2007, as_model
from .simulate import simulate

__all__ = ["sweep", "MEASURES", "spike_train", "CHUNK_WORK", "MAX_CHUNK"]

#: Built-in measures of a model sweep: name -> what it holds.
MEASURES = {
    "count": "spikes with t_start <= t <= t_stop (the window; default the whole run)",
    "rate": "count / (t_stop - t_start), in Hz",
    "latency": "time of the first spike of the run, from t = 0 (ms; NaN: no spike)",
    "mean_isi": "mean of the intervals between consecutive spikes in the window (ms; NaN: "
                "fewer than 2 spikes)",
    "cv_isi": "standard deviation (ddof 0) / mean of those intervals (NaN: fewer than 3 spikes)",
    "spikes": "the spike trains: n_spikes per point, spike_offset into the flat spike_times",
}
_UNITS = {"count": ("spikes in the window", "1"), "rate": ("firing rate in the window", "Hz"),
          "latency": ("first-spike latency", "ms"), "mean_isi": ("mean inter-spike interval", "ms"),
          "cv_isi": ("coefficient of variation of the inter-spike intervals", "1"),
          "n_spikes": ("spikes in the whole run", "1"),
          "spike_offset": ("index of the point's first spike in spike_times", "1"),
          "spike_times": ("all spike times, chunk after chunk", "ms")}

_RESERVED = (*MEASURES, "n_spikes", "spike_offset", "spike_times")

#: Neuron-steps per chunk of a model sweep (when ``chunk_size`` is not given): a
#: chunk of 1e5 neurons x 1e4 steps, 0.34 s of forward Euler on one core here,
#: against a per-task overhead of a few ms on a LocalCluster (README, benchmarks).
CHUNK_WORK = 10 ** 9
#: Bounds of the automatic chunk size (neurons).
MIN_CHUNK, MAX_CHUNK = 1024, 10 ** 6
_FORMAT = 1   # version of the store layout and of the manifest

def _require(module):
    """Import ``module`` (xarray, zarr, distributed) or say which extra installs it."""
    return require(module, "sweep", "izhic.sweep")


# ---------------------------------------------------------------------------
# The plan: everything a chunk needs, checked once
# ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Axis:
    name: str
    values: np.ndarray
    call_wide: bool       # shared by one simulate call (its chunks hold one value)


@dataclasses.dataclass(frozen=True)
class _Plan:
    """A checked sweep: picklable, sent once to each worker."""

    axes: tuple
    block: tuple                    # chunk shape
    model: Any = None               # model sweeps: the base model (scalar fields)
    sim: Optional[dict] = None      # fixed simulate arguments
    measures: tuple = ()
    window: tuple = (0.0, 0.0)
    func: Any = None                # function sweeps
    kwargs: Optional[dict] = None

    @property
    def spikes(self):
        """True when the spike trains are kept."""
        return "spikes" in self.measures

    @property
    def shape(self):
        return tuple(ax.values.size for ax in self.axes)

    @property
    def n_blocks(self):
        return tuple(-(-n // b) for n, b in zip(self.shape, self.block))

    @property
    def dims(self):
        return tuple(ax.name for ax in self.axes)

    def slices(self, index):
        """The grid slices of chunk ``index`` (a tuple of chunk indices)."""
        return tuple(slice(i * b, min((i + 1) * b, n))
                     for i, b, n in zip(index, self.block, self.shape))

    def chunks(self):
        """Every chunk index, in C order."""
        return list(np.ndindex(*self.n_blocks))

    def describe(self, index):
        """The chunk's coordinates, for error messages."""
        parts = []
        for ax, s in zip(self.axes, self.slices(index)):
            vals = ax.values[s]
            parts.append(f"{ax.name}={vals[0].item()!r}" if vals.size == 1
                         else f"{ax.name}={vals[0].item()!r}..{vals[-1].item()!r}")
        return ", ".join(parts)


def _block_shape(axes, target):
    """Chunk shape: whole trailing axes while they fit in ``target`` points, then
    an even split of the next axis; call-wide axes and the axes before a split get 1."""
    block = [1] * len(axes)
    left = max(1, int(target))
    for j in range(len(axes) - 1, -1, -1):
        n = axes[j].values.size
        if axes[j].call_wide or left <= 1:
            continue
        if n <= left:
            block[j] = n
        else:
            block[j] = -(-n // -(-n // left))   # n split into ceil(n / left) near-equal parts
        left //= block[j]
    return tuple(block)


def _axis_values(name, values, *, kind):
    """A grid axis as a checked 1-D array (kind: "real", "seed", "str", "any")."""
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise ValueError(f"grid[{name!r}]: expected a 1-D sequence of values, got "
                         f"{_checks._show(values)}")
    arr = np.asarray(values)
    if arr.size == 0:
        raise ValueError(f"grid[{name!r}]: is empty")
    if kind == "str" or (kind == "any" and arr.dtype.kind in "US"):
        if arr.dtype.kind not in "US":
            raise TypeError(f"grid[{name!r}]: expected strings, got {_checks._show(values)}")
        arr = arr.astype(str)
    elif kind == "seed":
        if arr.dtype.kind not in "iu":
            raise TypeError(f"grid[{name!r}]: expected ints, got {_checks._show(values)}")
        if arr.dtype.kind == "i" and arr.min() < 0:
            raise ValueError(f"grid[{name!r}]: seeds must be >= 0, got {int(arr.min())}")
    elif not (kind == "any" and arr.dtype.kind in "biu"):   # function sweeps keep ints, bools
        arr = _checks.real_array(f"grid[{name!r}]", arr)
    if np.unique(arr).size != arr.size:
        raise ValueError(f"grid[{name!r}]: values must be unique, got {_checks._show(values)}")
    arr = arr.copy()
    arr.flags.writeable = False
    return arr


def _grid_items(grid):
    if not isinstance(grid, Mapping) or not grid:
        raise TypeError(f"grid: expected a non-empty dict of axis name -> values, got "
                        f"{_checks._show(grid)}")
    for name in grid:
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"grid: axis names must be identifiers, got {name!r}")
    return list(grid.items())


_SIM_AXES = ("current", "v0", "u0", "noise")   # per-neuron simulate arguments


def _model_plan(model, grid, duration, dt, method, measures, window, current, v0, u0,
                noise, noise_kind, seed, spike_time, chunk_size):
    params = as_model(model)
    is07 = isinstance(params, Izhikevich2007)
    per_neuron, shared = params.PER_NEURON, params.SHARED
    for name in per_neuron:
        if np.ndim(getattr(params, name)) != 0:
            raise ValueError(f"model.{name}: a sweep's model holds one value per field (the "
                             f"base point), got an array of shape {np.shape(getattr(params, name))};"
                             f" sweep it through grid[{name!r}]")
    duration = 1000.0 if duration is None else _checks.real_scalar("duration", duration,
                                                                   nonnegative=True)
    dt = 0.1 if dt is None else _checks.real_scalar("dt", dt, positive=True)
    if method is None:
        method = "euler" if is07 else "rk4"
    if noise_kind is None:
        noise_kind = "white"
    fixed = {"current": 0.0 if current is None else current, "v0": v0, "u0": u0, "noise": noise}
    for name, value in fixed.items():
        if value is not None:
            fixed[name] = _checks.real_scalar(name, value)   # per-point values go in grid
    if fixed["noise"] is not None and fixed["noise"] < 0:
        raise ValueError(f"noise: must be >= 0, got {fixed['noise']!r}")

    axes = []
    allowed = (*per_neuron, *shared, *_SIM_AXES, "seed")
    for name, values in _grid_items(grid):
        if name not in allowed:
            raise ValueError(f"grid: unknown axis {name!r} for a {type(params).__name__} model; "
                             f"axes are the model's fields ({', '.join(per_neuron + shared)}), "
                             f"{', '.join(_SIM_AXES)} and seed")
        if name == "seed":
            axes.append(_Axis(name, _axis_values(name, values, kind="seed"), True))
        elif name == "recovery":
            arr = _axis_values(name, values, kind="str")
            for value in arr:
                _checks.choice(f"grid[{name!r}]", str(value), Izhikevich2003.RECOVERY)
            axes.append(_Axis(name, arr, True))
        else:
            arr = _axis_values(name, values, kind="real")
            if name == "noise" and (arr < 0).any():
                raise ValueError(f"grid['noise']: must be >= 0, got {arr.min()!r}")
            axes.append(_Axis(name, arr, name in shared))
    names = [ax.name for ax in axes]
    noisy = fixed["noise"] is not None or "noise" in names
    if "seed" in names and not noisy:
        raise ValueError("grid['seed']: a seed axis without noise changes nothing; pass noise= "
                         "or a grid['noise'] axis")
    if seed is not None:
        if "seed" in names:
            raise ValueError("seed: given both as an argument and as grid['seed']")
        seed = checked_seed(seed)
    elif noisy and "seed" not in names:
        seed = 0   # a sweep is a definition: its noise must repeat on a rerun
    sim = {"duration": duration, "dt": dt, "method": method, **fixed,
           "noise_kind": noise_kind, "seed": seed if noisy else None, "spike_time": spike_time}
    _checks.choice("noise_kind", noise_kind, ("white", "per_step"))

    measures = _measure_list(measures)
    window = _window(window, duration)
    if chunk_size is None:
        n_steps = max(1, round(duration / dt))
        chunk_size = min(MAX_CHUNK, max(MIN_CHUNK, CHUNK_WORK // n_steps))
    else:
        chunk_size = _chunk_size(chunk_size)
    plan = _Plan(axes=tuple(axes), block=_block_shape(axes, chunk_size), model=params, sim=sim,
                 measures=measures, window=window)
    # the extremes of the grid, checked before any work starts (duration 0)
    chunks = plan.chunks()
    for index in {chunks[0], chunks[-1]}:
        _simulate_chunk(plan, index, n_threads=1, check_only=True)
    return plan


def _chunk_size(value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"chunk_size: expected a positive int, got {_checks._show(value)}")
    if value < 1:
        raise ValueError(f"chunk_size: must be >= 1, got {value}")
    return int(value)


def _window(window, duration):
    if window is None:
        return (0.0, duration)
    if isinstance(window, (str, bytes)) or np.ndim(window) != 1 or len(window) != 2:
        raise ValueError(f"window: expected (t_start, t_stop) in ms, got {_checks._show(window)}")
    t0 = _checks.real_scalar("window[0]", window[0])
    t1 = _checks.real_scalar("window[1]", window[1])
    if not 0.0 <= t0 < t1 <= duration:
        raise ValueError(f"window: ({t0!r}, {t1!r}) must satisfy 0 <= t_start < t_stop <= "
                         f"duration={duration!r}")
    return (t0, t1)


def _measure_list(measures):
    if measures is None:
        measures = ("rate", "count")
    if isinstance(measures, str) or callable(measures):
        measures = (measures,)
    if not isinstance(measures, Sequence) or not measures:
        raise TypeError(f"measures: expected names from {', '.join(MEASURES)} and/or callables, "
                        f"got {_checks._show(measures)}")
    out = []
    for m in measures:
        if isinstance(m, str):
            _checks.choice("measures", m, tuple(MEASURES))
        elif not callable(m):
            raise TypeError(f"measures: expected names from {', '.join(MEASURES)} or callables "
                            f"f(result) -> array or dict of arrays, got {_checks._show(m)}")
        if any(m is other or (isinstance(m, str) and m == other) for other in out):
            raise ValueError(f"measures: {m!r} is given twice")
        out.append(m)
    return tuple(out)


def _func_plan(func, grid, kwargs, chunk_size):
    if kwargs is None:
        kwargs = {}
    if not isinstance(kwargs, Mapping):
        raise TypeError(f"kwargs: expected a dict of keyword arguments, got {_checks._show(kwargs)}")
    axes = []
    for name, values in _grid_items(grid):
        if name in kwargs:
            raise ValueError(f"kwargs: {name!r} is also a grid axis")
        axes.append(_Axis(name, _axis_values(name, values, kind="any"), False))
    size = 1 if chunk_size is None else _chunk_size(chunk_size)
    return _Plan(axes=tuple(axes), block=_block_shape(axes, size), func=func, kwargs=dict(kwargs))


# ---------------------------------------------------------------------------
# One chunk (runs here or on a worker)
# ---------------------------------------------------------------------------

def _point_ids(plan, index):
    """The flat C-order index of each point of the chunk in the whole grid: its
    identity in the noise stream, whatever the chunking."""
    ids = np.zeros((), dtype=np.uint64)
    for j, s in enumerate(plan.slices(index)):
        stride = math.prod(plan.shape[j + 1:])
        shape = [1] * len(plan.shape)
        shape[j] = s.stop - s.start
        ids = ids + (np.arange(s.start, s.stop, dtype=np.uint64) * np.uint64(stride)).reshape(shape)
    return ids.ravel()


def _per_point(plan, index):
    """{axis name: a scalar (one value in the chunk) or one value per point (C order)}."""
    slices = plan.slices(index)
    shape = tuple(s.stop - s.start for s in slices)
    values = {}
    for j, (ax, s) in enumerate(zip(plan.axes, slices)):
        vals = ax.values[s]
        if vals.size == 1:
            values[ax.name] = vals[0].item()
        else:
            bshape = [1] * len(shape)
            bshape[j] = vals.size
            values[ax.name] = np.broadcast_to(vals.reshape(bshape), shape).ravel()
    return values, shape


def _simulate_chunk(plan, index, n_threads, check_only=False):
    """The chunk's SimulationResult (``check_only``: validate it, 0 ms)."""
    values, _ = _per_point(plan, index)
    params = plan.model
    fields = {k: v for k, v in values.items() if k in params.PER_NEURON or k in params.SHARED}
    if fields:
        params = dataclasses.replace(params, **fields)
    sim = dict(plan.sim)
    for name in _SIM_AXES:
        if name in values:
            sim[name] = values[name]
    if "seed" in values:
        sim["seed"] = int(values["seed"])
    noisy = sim["noise"] is not None
    try:
        return simulate(params, sim["current"], 0.0 if check_only else sim["duration"],
                        sim["dt"], sim["method"], v0=sim["v0"], u0=sim["u0"],
                        noise=sim["noise"], noise_kind=sim["noise_kind"], seed=sim["seed"],
                        neuron_ids=_point_ids(plan, index) if noisy else None,
                        spike_time=sim["spike_time"], n_threads=n_threads)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"sweep chunk {index} ({plan.describe(index)}): {exc}") from None


def _isi_stats(trains, t0, t1):
    """(mean ISI, CV of the ISIs) per neuron, from the spikes in [t0, t1]."""
    n = len(trains)
    neuron = np.repeat(np.arange(n), np.diff(trains.offsets))
    inside = (trains.times >= t0) & (trains.times <= t1)
    t, k = trains.times[inside], neuron[inside]
    same = k[1:] == k[:-1]
    d, kd = np.diff(t)[same], k[1:][same]
    n_isi = np.bincount(kd, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(kd, weights=d, minlength=n) / n_isi
        dev = d - mean[kd]
        sd = np.sqrt(np.bincount(kd, weights=dev * dev, minlength=n) / n_isi)
        cv = np.where(n_isi >= 2, sd / mean, np.nan)
    return mean, cv


def _callable_outputs(func, res, n):
    out = func(res)
    name = getattr(func, "__name__", type(func).__name__)
    if not isinstance(out, Mapping):
        if not name.isidentifier():
            raise ValueError(f"measures: the callable {func!r} returns an array but its name "
                             f"{name!r} cannot name a variable; return a dict of arrays")
        out = {name: out}
    arrays = {}
    for key, value in out.items():
        arr = np.asarray(value)
        if not isinstance(key, str) or not key.isidentifier():
            raise ValueError(f"measures: {name} returned the variable name {key!r}; use identifiers")
        if arr.ndim < 1 or arr.shape[0] != n or arr.dtype.kind not in "biuf":
            raise ValueError(f"measures: {name} must return numbers with one row per neuron of "
                             f"the chunk (shape ({n}, ...)); got {key!r} of shape {arr.shape}, "
                             f"dtype {arr.dtype}")
        arrays[key] = arr
    return arrays


def _run_chunk(plan, index, n_threads=None):
    """Run chunk ``index`` -> ``(index, {variable: block-shaped array}, spike times or None)``."""
    _, shape = _per_point(plan, index)
    if plan.func is not None:
        return (index, *_run_func_chunk(plan, index, shape))
    res = _simulate_chunk(plan, index, n_threads)
    n = res.n_neurons
    t0, t1 = plan.window
    out, times = {}, None
    isi = None
    for m in plan.measures:
        if not isinstance(m, str):
            for key, arr in _callable_outputs(m, res, n).items():
                if key in out or key in plan.dims or key in _RESERVED:
                    raise ValueError(f"measures: the variable {key!r} is given twice (or is a "
                                     "grid axis or a built-in measure's)")
                out[key] = arr
        elif m == "count":
            out["count"] = res.spike_counts(t0, t1)
        elif m == "rate":
            out["rate"] = res.rates(t0, t1)
        elif m == "latency":
            out["latency"] = res.spike_times.first()
        elif m in ("mean_isi", "cv_isi"):
            isi = _isi_stats(res.spike_times, t0, t1) if isi is None else isi
            out[m] = isi[0] if m == "mean_isi" else isi[1]
        else:   # "spikes"
            out["n_spikes"] = res.spike_counts()
            times = np.array(res.spike_times.times)
    return index, {k: v.reshape(shape + v.shape[1:]) for k, v in out.items()}, times


def _func_value(key, value, point):
    arr = np.asarray(value)
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    if arr.dtype.kind in "bc":
        return arr
    raise TypeError(f"func: returned {key!r} = {_checks._show(value)} at {point}; expected "
                    "numbers, booleans or arrays of them")


def _run_func_chunk(plan, index, shape):
    values, _ = _per_point(plan, index)
    n = math.prod(shape)
    rows = {}
    for i in range(n):
        point = {k: (v if np.ndim(v) == 0 else v[i].item()) for k, v in values.items()}
        out = plan.func(**point, **plan.kwargs)
        if not isinstance(out, Mapping) or not out:
            raise TypeError(f"func: must return a non-empty dict of name -> number or array, "
                            f"got {_checks._show(out)} at {point}")
        if rows and set(out) != set(rows):
            raise ValueError(f"func: returned {sorted(out)} at {point} but {sorted(rows)} before")
        for key, value in out.items():
            if not isinstance(key, str) or not key.isidentifier() or key in plan.dims:
                raise ValueError(f"func: the name {key!r} cannot name a variable (an identifier "
                                 f"that is not a grid axis)")
            arr = _func_value(key, value, point)
            if i and (arr.shape != rows[key][0].shape or arr.dtype != rows[key][0].dtype):
                raise ValueError(f"func: {key!r} has shape {arr.shape}, dtype {arr.dtype} at "
                                 f"{point} but {rows[key][0].shape}, {rows[key][0].dtype} before")
            rows.setdefault(key, []).append(arr)
    return {k: np.stack(v).reshape(shape + v[0].shape) for k, v in rows.items()}, None


# ---------------------------------------------------------------------------
# The manifest: a sweep's definition, as JSON
# ---------------------------------------------------------------------------

def _code_digest(code):
    h = hashlib.sha256(code.co_code)
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            h.update(_code_digest(const).encode())
        elif isinstance(const, frozenset):
            h.update(repr(sorted(map(repr, const))).encode())
        else:
            h.update(repr(const).encode())
    h.update(repr(code.co_names).encode())
    return h.hexdigest()[:16]


def _callable_id(func):
    """A callable's identity: its qualified name and a digest of its bytecode."""
    target = func
    if hasattr(func, "func") and hasattr(func, "args"):      # functools.partial
        return {"partial": _callable_id(func.func), "args": _jsonable(list(func.args), "partial"),
                "kwargs": _jsonable(dict(func.keywords), "partial")}
    if not hasattr(target, "__code__"):
        target = getattr(type(func), "__call__", None)
    name = getattr(func, "__qualname__", type(func).__qualname__)
    module = getattr(func, "__module__", type(func).__module__)
    code = getattr(target, "__code__", None)
    return {"callable": f"{module}.{name}", "code": _code_digest(code) if code else None}


def _jsonable(value, what):
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value.item() if hasattr(value, "item") else value
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), what)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, what) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, what) for k, v in value.items()}
    raise TypeError(f"{what}: {_checks._show(value)} cannot be recorded in the store's manifest "
                    "(use numbers, strings, lists or dicts of them)")


def _axis_digest(values):
    data = "\x00".join(values.tolist()).encode() if values.dtype.kind == "U" else values.tobytes()
    return {"n": int(values.size), "first": values[0].item(), "last": values[-1].item(),
            "dtype": values.dtype.kind, "sha256": hashlib.sha256(data).hexdigest()[:16]}


def _manifest(plan):

    out = {"format": _FORMAT, "izhic": __version__,
           "grid": {ax.name: _axis_digest(ax.values) for ax in plan.axes},
           "chunks": list(plan.block)}
    if plan.func is not None:
        out["func"] = _callable_id(plan.func)
        out["kwargs"] = _jsonable(plan.kwargs, "kwargs")
        return out
    model = {"form": type(plan.model).__name__}
    model.update({f.name: _jsonable(getattr(plan.model, f.name), "model")
                  for f in dataclasses.fields(plan.model)})
    out["model"] = model
    out["simulate"] = _jsonable(plan.sim, "simulate")
    out["measures"] = [m if isinstance(m, str) else _callable_id(m) for m in plan.measures]
    out["window"] = list(plan.window)
    return out


def _differences(stored, given, prefix=""):
    keys = sorted(set(stored) | set(given))
    diffs = []
    for key in keys:
        a, b = stored.get(key, "(absent)"), given.get(key, "(absent)")
        if isinstance(a, dict) and isinstance(b, dict):
            diffs += _differences(a, b, f"{prefix}{key}.")
        elif a != b:
            diffs.append(f"{prefix}{key}: stored {a!r}, given {b!r}")
    return diffs


# ---------------------------------------------------------------------------
# Writers: memory and Zarr
# ---------------------------------------------------------------------------

def _variable_attrs(name, plan):
    if name not in _UNITS:
        return {}
    long_name, units = _UNITS[name]
    attrs = {"long_name": long_name, "units": units}
    if name in ("count", "rate", "mean_isi", "cv_isi"):
        attrs["window_ms"] = list(plan.window)
    return attrs


def _fill(dtype):
    return np.nan if np.dtype(dtype).kind in "fc" else 0


def _spike_offsets(plan, n_spikes_of):
    """Global spike_offset per chunk, in chunk order: yields (index, offsets block,
    spikes so far), ``n_spikes_of(index)`` giving the chunk's spike counts."""
    base = 0
    for index in plan.chunks():
        counts = np.asarray(n_spikes_of(index), dtype=np.int64)
        flat = counts.ravel()
        offsets = np.empty_like(flat)
        offsets[0] = base
        np.cumsum(flat[:-1], out=offsets[1:])
        offsets[1:] += base
        base += int(flat.sum())
        yield index, offsets.reshape(counts.shape), base


class _Variables:
    """Every chunk must give the same variables, shapes and dtypes as the first."""

    def __init__(self, plan):
        self.plan, self.first = plan, None

    def check(self, index, out):
        kinds = {name: (arr.shape[len(self.plan.shape):], arr.dtype) for name, arr in out.items()}
        if self.first is None:
            self.first = kinds
        elif kinds != self.first:
            raise ValueError(f"chunk {index} ({self.plan.describe(index)}) gave the variables "
                             f"{_show_kinds(kinds)}, the first chunk {_show_kinds(self.first)}")


def _show_kinds(kinds):
    return ", ".join(f"{name} {shape} {dtype}" for name, (shape, dtype) in sorted(kinds.items()))


class _MemoryWriter:
    def __init__(self, plan, manifest):
        self.plan, self.manifest = plan, manifest
        self.arrays, self.pieces = {}, {}
        self.variables = _Variables(plan)

    def done(self):
        return set()

    def write(self, index, out, times):
        self.variables.check(index, out)
        slices = self.plan.slices(index)
        for name, arr in out.items():
            full = self.arrays.get(name)
            if full is None:
                full = self.arrays[name] = np.full(self.plan.shape + arr.shape[len(slices):],
                                                   _fill(arr.dtype), dtype=arr.dtype)
            full[slices] = arr
        if times is not None:
            self.pieces[index] = times

    def dataset(self):
        xr = _require("xarray")
        plan = self.plan
        arrays = dict(self.arrays)
        if plan.spikes:
            offsets = np.empty(plan.shape, dtype=np.int64)
            for index, block, _ in _spike_offsets(plan, lambda i: arrays["n_spikes"][plan.slices(i)]):
                offsets[plan.slices(index)] = block
            arrays["spike_offset"] = offsets
            pieces = [self.pieces[i] for i in plan.chunks()]
            arrays["spike_times"] = np.concatenate(pieces) if pieces else np.zeros(0)
        data = {}
        for name, arr in arrays.items():
            dims = ("spike",) if name == "spike_times" else _dims(plan, name, arr.ndim)
            data[name] = xr.Variable(dims, arr, attrs=_variable_attrs(name, plan))
        coords = {ax.name: np.asarray(ax.values) for ax in plan.axes}
        return xr.Dataset(data, coords=coords, attrs={"izhic_sweep": json.dumps(self.manifest)})


def _dims(plan, name, ndim):
    return plan.dims + tuple(f"{name}_dim_{j}" for j in range(ndim - len(plan.dims)))


class _ZarrWriter:
    """Layout: the root group holds the manifest (attribute ``izhic_sweep``), one
    array per axis and per variable (dimension names for xarray); subgroup
    ``_izhic`` holds ``done`` (one element per chunk, set after the chunk's data
    are written) and the spike times of each chunk until the sweep is complete.
    Each object is written atomically (zarr's LocalStore: a temporary file, then
    a rename), and a chunk counts as done only once its ``done`` element is set."""

    def __init__(self, plan, manifest, path):
        zarr = self.zarr = _require("zarr")
        self.plan, self.manifest, self.path = plan, manifest, path
        text = json.dumps(manifest)
        if os.path.isdir(path) and os.listdir(path):
            try:
                root = zarr.open_group(path, mode="r+")
            except Exception as exc:   # zarr raises several kinds on a non-store directory
                raise ValueError(f"store: {path!r} exists and is not an izhic sweep store "
                                 f"({type(exc).__name__}: {exc})") from None
            stored = root.attrs.get("izhic_sweep")
            if stored is None:
                raise ValueError(f"store: {path!r} is a Zarr store without a sweep manifest: "
                                 "not written by izhic.sweep; use a new path")
            if json.loads(stored) != json.loads(text):   # dicts: key order does not count
                diffs = _differences(json.loads(stored), json.loads(text))
                raise ValueError(
                    f"store: {path!r} holds a different sweep; refusing to mix them. "
                    + "; ".join(diffs[:6]) + (f"; and {len(diffs) - 6} more" if len(diffs) > 6
                                              else "")
                    + ". Use a new store (or delete this one) for a new definition")
        else:
            root = zarr.create_group(path, attributes={"izhic_sweep": text})
        self.root = root
        self.variables = _Variables(plan)
        for ax in plan.axes:   # (re)written every time: a run stopped here left them unwritten
            if ax.name not in root:
                root.create_array(ax.name, shape=ax.values.shape,
                                  dtype=str if ax.values.dtype.kind == "U" else ax.values.dtype,
                                  chunks=ax.values.shape, dimension_names=(ax.name,))
            root[ax.name][...] = ax.values
        meta = root.require_group("_izhic")
        self.meta = meta
        if "done" in meta:
            self.done_array = meta["done"]
        else:
            self.done_array = meta.create_array("done", shape=plan.n_blocks, dtype="uint8",
                                                chunks=(1,) * len(plan.shape), fill_value=0)

    def done(self):
        flags = self.done_array[...]
        return {tuple(int(i) for i in idx) for idx in zip(*np.nonzero(flags))}

    def _array(self, name, arr):
        plan = self.plan
        extra = arr.shape[len(plan.shape):]
        if name in self.root:
            stored = self.root[name]
            if stored.shape != plan.shape + extra or stored.dtype != arr.dtype:
                raise ValueError(f"store: {name!r} is stored with shape {stored.shape}, dtype "
                                 f"{stored.dtype}; this chunk gave {plan.shape + extra}, {arr.dtype}")
            return stored
        stored = self.root.create_array(
            name, shape=plan.shape + extra, dtype=arr.dtype, chunks=plan.block + extra,
            fill_value=_fill(arr.dtype), dimension_names=_dims(plan, name, arr.ndim),
            attributes=_variable_attrs(name, plan))
        return stored

    def write(self, index, out, times):
        self.variables.check(index, out)
        slices = self.plan.slices(index)
        for name, arr in out.items():
            self._array(name, arr)[slices] = arr
        if times is not None:
            key = "spikes_" + "_".join(map(str, index))
            piece = self.meta.create_array(key, shape=times.shape, dtype="float64",
                                           chunks=(max(1, times.size),), overwrite=True)
            piece[...] = times
        self.done_array[index] = 1   # last: the chunk is done only now

    def dataset(self):
        xr = _require("xarray")
        plan = self.plan
        if plan.spikes and not self.meta.attrs.get("spikes_written", False):
            self._write_spike_trains()
        return xr.open_zarr(self.path, consolidated=False, chunks=None)

    def _write_spike_trains(self):
        """spike_offset and the flat spike_times, from the chunks' pieces (idempotent)."""
        plan, root, meta = self.plan, self.root, self.meta
        n_spikes = root["n_spikes"]
        offsets = root.require_array("spike_offset", shape=plan.shape, dtype="int64",
                                     chunks=plan.block, fill_value=0,
                                     dimension_names=plan.dims,
                                     attributes=_variable_attrs("spike_offset", plan))
        total = 0
        for index, block, total in _spike_offsets(plan, lambda i: n_spikes[plan.slices(i)]):
            offsets[plan.slices(index)] = block
        chunk = max(1, min(total, 1 << 20))
        if "spike_times" in root:
            del root["spike_times"]
        times = root.create_array("spike_times", shape=(total,), dtype="float64",
                                  chunks=(chunk,), fill_value=np.nan, dimension_names=("spike",),
                                  attributes=_variable_attrs("spike_times", plan))
        start = 0
        for index in plan.chunks():
            piece = meta["spikes_" + "_".join(map(str, index))][...]
            times[start:start + piece.size] = piece
            start += piece.size
        meta.attrs["spikes_written"] = True


# ---------------------------------------------------------------------------
# Running: here, or as tasks of a dask.distributed.Client
# ---------------------------------------------------------------------------

@contextmanager
def _sigint_deferred():
    """Hold Ctrl-C (SIGINT) while one chunk is written, then deliver it: a chunk is
    written whole or not at all. Only in the main thread with a callable handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    received = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            previous(signal.SIGINT, received[0])


def _progress(progress, total, initial, what):
    if not progress:
        return None
    tqdm = require("tqdm.auto", "progress", "izhic.sweep(progress=True)").tqdm
    return tqdm(total=total, initial=initial, unit="chunk", desc=f"izhic sweep ({what})",
                mininterval=0.25)


def _write(writer, bar, result):
    index, out, times = result
    with _sigint_deferred():
        writer.write(index, out, times)
    if bar is not None:
        bar.update()


def _run_here(plan, todo, writer, bar, n_threads):
    """Chunks on ``n_threads`` threads of this process, one chunk per thread at a time.

    Chunks side by side (each ``simulate`` on one thread) rather than one chunk
    on all threads: no barrier between the threads at every few steps, so a
    core taken by another process slows one chunk, not all. With fewer chunks
    than threads each chunk gets its share of them. This thread writes."""
    total = _checks.n_threads(n_threads) if plan.func is None else 1
    workers = min(total, len(todo))
    per_chunk = n_threads if workers == 1 else max(1, total // workers)
    if workers == 1:
        for index in todo:
            _write(writer, bar, _run_chunk(plan, index, per_chunk))
        return
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(workers, thread_name_prefix="izhic-sweep")
    pending = set()
    try:
        queue = iter(todo)
        for index in queue:
            pending.add(pool.submit(_run_chunk, plan, index, per_chunk))
            if len(pending) == workers:
                break
        while pending:
            # a short timeout keeps this thread responsive to Ctrl-C
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                _write(writer, bar, future.result())
                index = next(queue, None)
                if index is not None:
                    pending.add(pool.submit(_run_chunk, plan, index, per_chunk))
    finally:
        # Ctrl-C or a failed chunk: nothing new starts; running chunks end on their own
        pool.shutdown(wait=not pending, cancel_futures=True)


def _identity(x):
    return x


@contextmanager
def _sigint_flag():
    """Turn Ctrl-C (SIGINT) into a flag for the duration (only in the main
    thread with a callable handler; elsewhere the flag is never set): the
    caller raises KeyboardInterrupt where it is safe. A KeyboardInterrupt
    raised at an arbitrary point inside dask.distributed's client can leave
    it in a state where the next sweep's futures come back cancelled."""
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread() or \
            not callable(signal.getsignal(signal.SIGINT)):
        yield flag
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: flag.set())
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_on(client, plan, todo, writer, bar, n_threads):
    distributed = _require("distributed")
    run = uuid.uuid4().hex[:8]
    with _sigint_flag() as interrupted:
        # the plan travels once, as the result of a task: a lost worker's copy is
        # recomputed from the scheduler's record (scattered data would be lost with it)
        plan_future = client.submit(_identity, plan, key=f"izhic-sweep-{run}-plan")
        futures = [client.submit(_run_chunk, plan_future, index, n_threads, pure=False,
                                 key=f"izhic-sweep-{run}-{'-'.join(map(str, index))}")
                   for index in todo]
        try:
            position = {future.key: i for i, future in enumerate(futures)}
            pending = set(futures)
            while pending:
                if interrupted.is_set():
                    raise KeyboardInterrupt
                try:
                    # a short timeout: Ctrl-C is seen within a fifth of a second
                    finished, pending = distributed.wait(pending, timeout=0.2,
                                                         return_when="FIRST_COMPLETED")
                except TimeoutError:
                    continue
                for future in sorted(finished, key=lambda f: position[f.key]):
                    _write(writer, bar, future.result())
                    future.release()
            if interrupted.is_set():
                raise KeyboardInterrupt
        except BaseException:
            client.cancel([*futures, plan_future])   # Ctrl-C or a failed chunk: stop the rest
            raise
        finally:
            plan_future.release()


def _check_client(client):
    if client is None:
        return None
    distributed = _require("distributed")
    if not isinstance(client, distributed.Client):
        hint = (" (wrap it: dask.distributed.Client(cluster))"
                if hasattr(client, "scheduler_address") else "")
        raise TypeError(f"client: expected a dask.distributed.Client or None, got "
                        f"{type(client).__name__}{hint}")
    return client


def _check_store(store):
    if store is None:
        return None
    if not isinstance(store, (str, os.PathLike)):
        raise TypeError(f"store: expected a directory path (str or os.PathLike), got "
                        f"{_checks._show(store)}")
    path = os.fspath(store)
    if "://" in path:
        raise ValueError(f"store: {path!r}: only local directories are supported")
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"store: {path!r} exists and is not a directory")
    return path


def sweep(model, grid, duration=None, dt=None, method=None, *, measures=None, window=None,
          current=None, v0=None, u0=None, noise=None, noise_kind=None, seed=None,
          spike_time=None, kwargs=None, chunk_size=None, n_threads=None, client=None,
          store=None, progress=False):
    """Run a model, or a function, over the outer product of named parameter axes.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007, dict or callable
        The model, as for :func:`izhic.simulate` (a preset name, a model or a
        dict of fields; one value per field: the base point of the sweep), or a
        function ``func(**point, **kwargs)`` returning a dict of numbers or
        arrays (a function sweep: a network, an analysis, anything).
    grid : dict of str -> 1-D array_like
        The axes, in the order of the result's dimensions; the sweep runs every
        combination of their values (unique values each). Model sweeps: the
        model's fields (2003 form: ``a, b, c, d, v_peak`` and ``quadratic,
        linear, constant, recovery``; 2007 form: ``C, k, vr, vt, v_peak, a, b,
        c, d`` and ``v_u, cubic, v_cubic, b_low, v_switch, peak_u, c_u,
        u_max``), ``current``, ``v0``, ``u0``, ``noise`` and ``seed``. Fields
        not in the grid come from ``model``. Function sweeps: the function's
        keyword arguments.
    duration, dt : float, optional
        Simulated time and step in ms (default 1000 and 0.1), model sweeps only.
    method : str, optional
        Integration method, as for :func:`izhic.simulate` (default ``"rk4"``,
        2007 form ``"euler"``).
    measures : sequence of str or callable, default ("rate", "count")
        What each point keeps (see :data:`MEASURES`): ``"count"`` and
        ``"rate"`` (spikes in ``window``; Hz), ``"latency"`` (first spike of
        the run, ms), ``"mean_isi"`` and ``"cv_isi"`` (of the intervals
        between the spikes in ``window``), ``"spikes"`` (the spike trains:
        variables ``n_spikes``, ``spike_offset`` and the flat ``spike_times``,
        see :func:`spike_train`), or a callable ``f(result)`` that reduces the
        :class:`~izhic.SimulationResult` of a chunk to an array with one row
        per neuron (a variable named after the function) or a dict of them.
        Neuron ``i`` of a chunk is its ``i``-th point in C order; several
        chunks may call it at once, on threads or workers.
    window : (float, float), optional
        ``(t_start, t_stop)`` in ms of ``count``, ``rate`` and the ISI measures
        (both ends included); default the whole run.
    current, v0, u0, noise : float, optional
        Values for every point when not a grid axis (defaults as in
        :func:`izhic.simulate`; ``current`` 0).
    noise_kind : {"white", "per_step"}, optional
        As in :func:`izhic.simulate` (default ``"white"``).
    seed : int, optional
        Seed of the noise when ``seed`` is not an axis; default 0, so that a
        sweep repeats exactly (and resumes).
    spike_time : {"grid", "interpolate"}, optional
        As in :func:`izhic.simulate` (grid methods).
    kwargs : dict, optional
        Function sweeps: fixed keyword arguments of every call.
    chunk_size : int, optional
        Points per chunk (at most). Model sweeps: one :func:`izhic.simulate`
        call per chunk; default ``CHUNK_WORK / steps`` neurons within
        ``[MIN_CHUNK, MAX_CHUNK]`` (1e5 for 1e4 steps). Function sweeps:
        points per task, default 1.
    n_threads : int, optional
        In this process: threads (None or -1: all cores), running that many
        chunks side by side, one thread each (with fewer chunks than threads,
        each :func:`izhic.simulate` call gets its share of them). On a client:
        threads of each chunk's :func:`izhic.simulate` call, default 1 (a
        worker runs as many chunks at once as it has threads). The numbers do
        not depend on it. Function sweeps run one point at a time here.
    client : dask.distributed.Client, optional
        Run the chunks as tasks on its workers (they need izhic, not the
        store). None (default): in this process.
    store : str or os.PathLike, optional
        A local directory: a Zarr store written chunk by chunk as the chunks
        complete, with the sweep's definition (the manifest). Running the same
        sweep on it again computes only the missing chunks; a different
        definition is refused.
    progress : bool, default False
        A tqdm progress bar over the chunks.

    Returns
    -------
    xarray.Dataset
        One variable per measure with the grid's dimensions and coordinates
        (function sweeps: one per name ``func`` returns, with extra dimensions
        ``{name}_dim_0, ...`` for arrays); attribute ``izhic_sweep`` holds the
        manifest (JSON). With ``store``, the store opened by
        ``xarray.open_zarr(store, consolidated=False)`` (read lazily;
        ``.load()`` reads it all; the metadata are not consolidated, which
        Zarr 3 would warn about).

    Raises
    ------
    TypeError, ValueError
        For a bad argument (the message names it), a store that holds a
        different sweep, or a chunk that :func:`izhic.simulate` refuses.
    ImportError
        Without the ``sweep`` extra (``pip install "izhic[sweep]"``).

    Notes
    -----
    Chunks are hyper-rectangles of the grid: whole trailing axes, then an even
    split of one axis; axes shared by a whole ``simulate`` call (the shared
    model fields and ``seed``) get one value per chunk. The noise of a point
    is drawn with its flat index in the whole grid (C order) as its neuron
    identity (``simulate(neuron_ids=...)``), so every point gets the same
    numbers whatever the chunking, the threads or the workers: a sweep on a
    cluster equals the in-process one bit for bit. With ``store``, each
    chunk's data are written before its entry in ``_izhic/done``; Ctrl-C is
    held while a chunk is written, cancels the tasks and leaves every written
    chunk complete (chunks already running, on threads here or on workers,
    finish on their own and their results are dropped). Function sweeps store numbers as float64 (integers exactly
    up to 2**53) and booleans as bool; a function is identified in the
    manifest by its qualified name and a digest of its bytecode.

    Examples
    --------
    >>> import numpy as np, izhic
    >>> ds = izhic.sweep("RS", {"d": [2.0, 8.0], "current": [0.0, 5.0, 10.0]},
    ...                  duration=1000.0, dt=0.25, method="izhikevich2004")
    >>> ds["count"].sel(d=8.0).values.tolist()
    [0, 11, 23]
    >>> ds["rate"].dims
    ('d', 'current')
    """
    client = _check_client(client)
    path = _check_store(store)
    is_func = callable(model) and not isinstance(model, (str, Mapping))
    if is_func:
        given = {"duration": duration, "dt": dt, "method": method, "measures": measures,
                 "window": window, "current": current, "v0": v0, "u0": u0, "noise": noise,
                 "noise_kind": noise_kind, "seed": seed, "spike_time": spike_time,
                 "n_threads": n_threads}
        for name, value in given.items():
            if value is not None:
                raise TypeError(f"{name}: applies to model sweeps; pass the function's own "
                                "arguments as grid axes or in kwargs=")
        plan = _func_plan(model, grid, kwargs, chunk_size)
    else:
        if kwargs is not None:
            raise TypeError("kwargs: applies to function sweeps; a model sweep takes "
                            "simulate's arguments directly")
        plan = _model_plan(model, grid, duration, dt, method, measures, window, current, v0,
                           u0, noise, noise_kind, seed, spike_time, chunk_size)
        if n_threads is not None:
            _checks.n_threads(n_threads)
        elif client is not None:
            n_threads = 1
    _require("xarray")
    manifest = _manifest(plan) if path is not None else _manifest_or_none(plan)
    writer = _MemoryWriter(plan, manifest) if path is None else _ZarrWriter(plan, manifest, path)
    done = writer.done()
    todo = [index for index in plan.chunks() if index not in done]
    n_chunks = math.prod(plan.n_blocks)
    bar = _progress(progress, n_chunks, n_chunks - len(todo),
                    "here" if client is None else "on the cluster")
    try:
        if todo and client is None:
            _run_here(plan, todo, writer, bar, n_threads)
        elif todo:
            _run_on(client, plan, todo, writer, bar, n_threads)
    finally:
        if bar is not None:
            bar.close()
    return writer.dataset()


def _manifest_or_none(plan):
    """The manifest without a store: exact where it can be, never refusing."""
    try:
        return _manifest(plan)
    except TypeError:
        return {"format": _FORMAT, "note": "not recordable (kwargs are not JSON)"}


def spike_train(ds, **point):
    """The spike times (ms) of one point of a sweep run with ``measures=("spikes", ...)``.

    Parameters
    ----------
    ds : xarray.Dataset
        What :func:`sweep` returned (or the store opened with ``xarray.open_zarr``).
    **point
        One coordinate value per grid axis (as ``ds.sel``).

    Returns
    -------
    ndarray
        The point's spike times, increasing.

    Examples
    --------
    >>> import izhic
    >>> ds = izhic.sweep("RS", {"current": [5.0, 10.0]}, duration=100.0, dt=0.25,
    ...                  method="izhikevich2004", measures=("spikes",))
    >>> izhic.sweeps.spike_train(ds, current=10.0)
    array([ 3.75, 29.  , 75.  ])
    """
    if "spike_times" not in ds:
        raise ValueError("ds: holds no spike trains; sweep with measures=('spikes', ...)")
    p = ds[["spike_offset", "n_spikes"]].sel(**point)
    if p["spike_offset"].ndim:
        raise ValueError(f"point: {point} selects {p['spike_offset'].size} points; give one "
                         f"value for each of {', '.join(ds['spike_offset'].dims)}")
    start = int(p["spike_offset"])
    return np.asarray(ds["spike_times"][start:start + int(p["n_spikes"])].values)
