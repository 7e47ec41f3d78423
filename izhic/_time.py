"""The time grid of izhic: the reported time of each step boundary.

Step k runs from ``t_k`` to ``t_{k+1}``; the kernels count steps from t = 0
of the first run of a chain.
"""
from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np

__all__ = ["MAX_STEPS", "time_grid", "step_times"]

#: Longest run in steps, counted from t = 0 of the first run of a chain (the
#: kernels count steps in 64-bit integers; this bound keeps the step's
#: reported time exact, see time_grid).
MAX_STEPS = 1 << 40


@functools.lru_cache(maxsize=256)
def time_grid(dt):
    """(num, den): the reported time of step boundary k is ``(k * num) / den``.

    ``num / den`` is dt as the shortest decimal that reads back as dt (0.1 ->
    1/10), when that fraction is small enough for ``k * num`` to stay an
    exact integer for every k <= MAX_STEPS; then the time is the double
    nearest to k times the decimal dt (3 steps of 0.1 end at 0.3, not
    0.30000000000000004). Otherwise ``(dt, 1)``: the product ``k * dt``.

    >>> time_grid(0.1), time_grid(0.25)
    ((1.0, 10.0), (1.0, 4.0))
    >>> float(step_times(3, 0.1)), 3 * 0.1
    (0.3, 0.30000000000000004)
    """
    frac = Fraction(repr(float(dt)))
    if frac.numerator < (1 << 53) // MAX_STEPS and frac.denominator < (1 << 53):
        return float(frac.numerator), float(frac.denominator)
    return float(dt), 1.0


def step_times(steps, dt):
    """Reported times of the step boundaries ``steps`` (an int array)."""
    num, den = time_grid(dt)
    return (np.asarray(steps, dtype=np.float64) * num) / den


def n_steps_of(duration, dt, step0=0):
    """Whole steps of dt in duration (ValueError naming duration otherwise)."""
    n = duration / dt
    if not step0 + n <= MAX_STEPS:
        raise ValueError(f"duration: {duration!r} ms is {n:.3g} steps of dt={dt!r} ms; "
                         f"at most {MAX_STEPS:.3g} steps from t = 0")
    n_steps = round(n)
    if abs(n - n_steps) > 1e-6:
        raise ValueError(f"duration: {duration!r} ms is not a whole number of steps of "
                         f"dt={dt!r} ms ({n:.10g} steps)")
    return int(n_steps)
