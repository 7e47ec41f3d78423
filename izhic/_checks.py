"""Argument checks shared by the public functions.

Each helper raises TypeError/ValueError naming the argument and the value."""
from __future__ import annotations

import math
import numbers
import os

import numpy as np

_NUMERIC_KINDS = "iuf"


def _show(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def real_scalar(name, value, *, positive=False, nonnegative=False):
    """A finite real number as float."""
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)) or not isinstance(
        value, numbers.Real
    ):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in _NUMERIC_KINDS:
            value = value.item()
        else:
            raise TypeError(f"{name}: expected a real number, got {_show(value)} "
                            f"({type(value).__name__})")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name}: must be finite, got {x!r}")
    if positive and not x > 0:
        raise ValueError(f"{name}: must be > 0, got {x!r}")
    if nonnegative and not x >= 0:
        raise ValueError(f"{name}: must be >= 0, got {x!r}")
    return x


def real_array(name, value, *, bound=None):
    """A finite float64 array of ndim 0 or 1 (read-only and integer/float32
    input accepted); with ``bound``, every value strictly within +-bound."""
    if type(value) is float or type(value) is int:  # fast path for plain scalars
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"{name}: values must be finite, got {x!r}")
        if bound is not None and not abs(x) < bound:
            raise ValueError(f"{name}: must lie within +-{bound:g}, got {x!r}")
        return np.array(x)
    if value is None:
        raise TypeError(f"{name}: expected a number or a 1-D array of numbers, got None")
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise TypeError(f"{name}: expected a number or a 1-D array of numbers, got {_show(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged lists etc.
        raise ValueError(f"{name}: cannot be read as a 1-D array of numbers: {exc}") from None
    if arr.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{name}: expected real numbers, got an array of dtype {arr.dtype} "
                        f"({_show(value)})")
    if arr.ndim > 1:
        raise ValueError(f"{name}: expected a scalar or a 1-D array (one value per neuron), "
                         f"got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not arr.size:
        return arr
    # one pass in the usual case: the extremes are finite (NaN propagates
    # through min and max) and, with a bound, within it
    lo, hi = arr.min(), arr.max()
    if bound is None:
        if math.isfinite(lo) and math.isfinite(hi):
            return arr
    elif -bound < lo and hi < bound:
        return arr
    if not np.isfinite(arr).all():
        bad = arr[~np.isfinite(arr)]
        raise ValueError(f"{name}: values must be finite, got {float(bad.ravel()[0])!r}"
                         + (f" at index {int(np.flatnonzero(~np.isfinite(arr))[0])}"
                            if arr.ndim else ""))
    raise ValueError(f"{name}: must lie within +-{bound:g}, got "
                     f"{float(arr[~(np.abs(arr) < bound)].ravel()[0])!r}")


def choice(name, value, options):
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected one of {', '.join(map(repr, options))}, "
                        f"got {_show(value)} ({type(value).__name__})")
    if value not in options:
        raise ValueError(f"{name}: unknown value {value!r}; choose one of "
                         f"{', '.join(map(repr, options))}")
    return value


def neuron_ids(name, value, n):
    """A contiguous uint64 array of n non-negative integer ids."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        raise TypeError(f"{name}: expected a 1-D array of non-negative ints, got {_show(value)}")
    if arr.size != n:
        raise ValueError(f"{name}: expected one id per neuron ({n}), got {arr.size}")
    if arr.size and arr.dtype.kind == "i" and arr.min() < 0:
        raise ValueError(f"{name}: ids must be >= 0, got {int(arr.min())}")
    return np.ascontiguousarray(arr, dtype=np.uint64)


_CPUS = os.cpu_count() or 1


def n_threads(value):
    """None or -1: all cores; otherwise a positive int."""
    if value is None:
        return _CPUS
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"n_threads: expected a positive int, -1 or None, got {_show(value)}")
    value = int(value)
    if value == -1:
        return _CPUS
    if value < 1:
        raise ValueError(f"n_threads: must be a positive int, -1 or None, got {value}")
    return value


def available_memory():
    """Bytes of memory the OS says are available, or None if unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def fits_in_memory(what, n_bytes, advice="record fewer neurons, a coarser record_dt, or a "
                   "shorter run"):
    """Refuse (MemoryError) a request that cannot fit, before allocating it."""
    if n_bytes < 1 << 28:  # small requests: not worth reading /proc/meminfo
        return
    avail = available_memory()
    if avail is not None and n_bytes > avail:
        raise MemoryError(
            f"{what} would need {n_bytes / 2**30:.2f} GiB but only {avail / 2**30:.2f} GiB "
            f"of memory is available; {advice}"
        )
