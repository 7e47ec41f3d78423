"""Parameter sets of the Izhikevich model, as data.

The 2003 form (Izhikevich 2003, IEEE TNN 14:1569)::

    v' = 0.04 v^2 + 5 v + 140 - u + I        (v in mV, t in ms)
    u' = a (b v - u)
    if v >= v_peak:  v <- c,  u <- u + d

``I`` is in the model's own current units (the paper's "dimensionless" current,
often read as pA/pF-like: I = 10 drives an RS neuron at ~23 Hz).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Union

import numpy as np

__all__ = ["Izhikevich2003", "PRESETS_2003", "preset"]

ArrayLike = Union[float, "np.ndarray", list]


@dataclass(frozen=True)
class Izhikevich2003:
    """Parameters of the 2003 Izhikevich model.

    Every field may be a scalar (shared by all neurons) or a 1-D array with one
    value per neuron; arrays broadcast against ``current`` in
    :func:`izhic.simulate`.

    Parameters
    ----------
    a : float or array
        Recovery rate of ``u`` (1/ms).
    b : float or array
        Sensitivity of ``u`` to ``v`` (dimensionless).
    c : float or array
        Reset value of ``v`` after a spike (mV).
    d : float or array
        Increment of ``u`` after a spike (current units).
    v_peak : float or array, default 30
        Spike cut-off (mV): a spike is registered when ``v >= v_peak``.
    quadratic, linear, constant : float, default 0.04, 5, 140
        Coefficients of ``v' = quadratic v^2 + linear v + constant - u + I``,
        one value for the whole population. Izhikevich (2004) uses
        0.04, 4.1, 108 for panels G and L.
    recovery : {"standard", "accommodation"}
        ``u' = a (b v - u)``, or ``u' = a b (v + 65)`` (no decay of u:
        Izhikevich 2004 panel R, accommodation).

    Examples
    --------
    >>> import numpy as np, izhic
    >>> r = np.random.default_rng(0).uniform(size=800)
    >>> excitatory = izhic.Izhikevich2003(a=0.02, b=0.2, c=-65 + 15 * r**2, d=8 - 6 * r**2)
    """

    a: ArrayLike
    b: ArrayLike
    c: ArrayLike
    d: ArrayLike
    v_peak: ArrayLike = 30.0
    quadratic: float = 0.04
    linear: float = 5.0
    constant: float = 140.0
    recovery: str = "standard"

    #: fields that may hold one value per neuron
    PER_NEURON = ("a", "b", "c", "d", "v_peak")
    #: fields shared by the whole population
    SHARED = ("quadratic", "linear", "constant", "recovery")
    RECOVERY = ("standard", "accommodation")

    @classmethod
    def field_names(cls):
        """Names of the per-neuron fields."""
        return cls.PER_NEURON

    @classmethod
    def all_field_names(cls):
        return tuple(f.name for f in fields(cls))


#: The seven classes of Izhikevich (2003), Fig. 2.
PRESETS_2003 = {
    "RS": Izhikevich2003(a=0.02, b=0.2, c=-65.0, d=8.0),    # regular spiking
    "IB": Izhikevich2003(a=0.02, b=0.2, c=-55.0, d=4.0),    # intrinsically bursting
    "CH": Izhikevich2003(a=0.02, b=0.2, c=-50.0, d=2.0),    # chattering
    "FS": Izhikevich2003(a=0.1, b=0.2, c=-65.0, d=2.0),     # fast spiking
    "LTS": Izhikevich2003(a=0.02, b=0.25, c=-65.0, d=2.0),  # low-threshold spiking
    "TC": Izhikevich2003(a=0.02, b=0.25, c=-65.0, d=0.05),  # thalamo-cortical
    "RZ": Izhikevich2003(a=0.1, b=0.26, c=-65.0, d=2.0),    # resonator
}

PRESET_NAMES = {
    "RS": "regular spiking",
    "IB": "intrinsically bursting",
    "CH": "chattering",
    "FS": "fast spiking",
    "LTS": "low-threshold spiking",
    "TC": "thalamo-cortical",
    "RZ": "resonator",
}


def preset(name: str) -> Izhikevich2003:
    """Return the 2003 preset called ``name`` (``"RS"``, ``"IB"``, ...; case-insensitive)."""
    if not isinstance(name, str):
        raise TypeError(f"model: expected a preset name or Izhikevich2003, got {type(name).__name__}")
    key = name.strip().upper()
    if key not in PRESETS_2003:
        raise ValueError(
            f"model: unknown preset {name!r}; choose one of {', '.join(PRESETS_2003)}"
        )
    return PRESETS_2003[key]
