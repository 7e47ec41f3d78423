"""Random numbers of izhic's noise and Poisson input: counter-based, so that
they depend only on (seed, neuron id, step) and never on threads, blocks or
chunks.

Each neuron has a stream key ``key = mix64(mix64(id + C_STREAM) ^ seed)``;
the 64 random bits of step k are ``mix64(key + (k + 1) * GOLDEN)``, i.e. the
SplitMix64 sequence from the neuron's own starting point (``mix64`` is its
finalizer). A standard normal number is drawn from them by a 256-layer
ziggurat (Marsaglia & Tsang 2000, with the layer and the uniform from
independent bits as Doornik 2005 recommends): 98.8% of the numbers cost one
hash, a multiply and a compare; the rest (the wedges and the tail) draw more
bits from ``mix64(h + GOLDEN2)`` and use the C library's ``exp``/``log``,
which Python's :mod:`math` calls too.

The tables are computed here, once, and handed to the compiled kernel with
the plan: the kernel and :func:`normal` read the same bits. This module is
the reference implementation (a plain Python transcription of the kernel's
code, bit for bit).

Examples
--------
>>> from izhic._noise import normal
>>> normal(1, 0, 0) == normal(1, 0, 0) != normal(1, 0, 1)
True
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["normal", "uniform", "stream_key", "ZIG_X", "ZIG_R", "ZIG_F", "ZIG_LAYERS"]

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15          # the SplitMix64 increment
GOLDEN2 = 0xD1B54A32D192ED03         # for the extra bits of a rejected draw
C_STREAM = 0xBF58476D1CE4E5B9       # the noise stream
C_POISSON = 0x94D049BB133111EB      # the Poisson-input streams (+ the input's index)
C_KICKS = 0x2545F4914F6CDD1D        # the random events (one stream for the population)

ZIG_LAYERS = 256
_R = 3.6541528853610088          # right edge of the base layer (256 layers)
_V = 0.00492867323399             # area of each layer


def _tables():
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    x = [0.0] * (ZIG_LAYERS + 1)
    x[0] = _V / f(_R)
    x[1] = _R
    for i in range(1, ZIG_LAYERS - 1):
        x[i + 1] = math.sqrt(-2.0 * math.log(_V / x[i] + f(x[i])))
    x[ZIG_LAYERS] = 0.0
    ratio = [x[i + 1] / x[i] for i in range(ZIG_LAYERS)]
    fx = [f(xi) for xi in x]
    return (np.array(x, dtype=np.float64), np.array(ratio, dtype=np.float64),
            np.array(fx, dtype=np.float64))


#: x_i (257), x_{i+1} / x_i (256), exp(-x_i^2 / 2) (257): read-only tables
ZIG_X, ZIG_R, ZIG_F = _tables()
for _t in (ZIG_X, ZIG_R, ZIG_F):
    _t.flags.writeable = False
_X, _RATIO, _FX = ZIG_X.tolist(), ZIG_R.tolist(), ZIG_F.tolist()


def mix64(z):
    """SplitMix64's finalizer."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def mix64_array(z):
    """mix64 of a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def kick_neuron(key, k, j, per_step, n):
    """The neuron of random event j of step k (izhic.inputs.RandomEvents)."""
    h = mix64((key + (k * per_step + j + 1) * GOLDEN) & MASK64)
    return int(float(h >> 11) * 2.0 ** -53 * n)


def stream_key(seed, neuron, stream=C_STREAM):
    """The stream key of ``neuron`` (its id) under ``seed``."""
    return mix64(mix64((neuron + stream) & MASK64) ^ seed)


def _bits(key, step):
    return mix64((key + (step + 1) * GOLDEN) & MASK64)


def _unit(h):
    """A uniform number in [0, 1) from the top 53 bits of h."""
    return (h >> 11) * 2.0 ** -53


def normal_from_key(key, step):
    """The kernel's ziggurat (izhic_normal in _core.pyx), line by line."""
    h = _bits(key, step)
    while True:
        i = h & 0xFF
        u = 2.0 * _unit(h) - 1.0                 # [-1, 1)
        x = u * _X[i]
        if abs(u) < _RATIO[i]:
            return x
        h = mix64((h + GOLDEN2) & MASK64)
        if i == 0:                                # the tail beyond R
            while True:
                e = -math.log(1.0 - _unit(h)) / _R
                h = mix64((h + GOLDEN2) & MASK64)
                y = -math.log(1.0 - _unit(h))
                h = mix64((h + GOLDEN2) & MASK64)
                if y + y > e * e:
                    return _R + e if u > 0.0 else -(_R + e)
        if _FX[i + 1] + _unit(h) * (_FX[i] - _FX[i + 1]) < math.exp(-0.5 * x * x):
            return x
        h = mix64((h + GOLDEN2) & MASK64)


def normal(seed, neuron, step):
    """The standard normal number of ``(seed, neuron, step)``, as the kernel draws it."""
    return normal_from_key(stream_key(seed, neuron), step)


def uniform(seed, neuron, step, stream=C_POISSON):
    """The uniform number in [0, 1) of a Poisson-input stream."""
    return _unit(_bits(stream_key(seed, neuron, stream), step))


def poisson_count(key, step, exp_minus_lam, lam):
    """The number of Poisson arrivals of mean ``lam`` in a step (inverse
    transform, as the kernel's izhic_poisson): the smallest n with
    U < sum_{j <= n} e^-lam lam^j / j!."""
    u = _unit(_bits(key, step))
    p = exp_minus_lam
    cdf = p
    n = 0
    while u >= cdf and n < 10_000:
        n += 1
        p = p * lam / n
        cdf = cdf + p
        if p == 0.0:
            break
    return n
