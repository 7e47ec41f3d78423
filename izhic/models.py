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
from typing import Optional, Union

import numpy as np

__all__ = ["Izhikevich2003", "Izhikevich2007", "PRESETS_2003", "PRESETS_2007", "preset"]

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


def preset(name: str, year: int = 2003):
    """Return the preset called ``name`` (case-insensitive) of the 2003 model
    (``"RS"``, ``"IB"``, ``"CH"``, ``"FS"``, ``"LTS"``, ``"TC"``, ``"RZ"``) or,
    with ``year=2007``, of the 2007 form (RS, IB, CH, LTS, FS, TC, RTN)."""
    if year == 2007:
        key = name.strip().upper() if isinstance(name, str) else name
        if key not in PRESETS_2007:
            raise ValueError(f"model: unknown 2007 preset {name!r}; choose one of "
                             f"{', '.join(PRESETS_2007)}")
        return PRESETS_2007[key]
    if year != 2003:
        raise ValueError(f"year: 2003 or 2007, got {year!r}")
    if not isinstance(name, str):
        raise TypeError(f"model: expected a preset name or Izhikevich2003, got {type(name).__name__}")
    key = name.strip().upper()
    if key not in PRESETS_2003:
        raise ValueError(
            f"model: unknown preset {name!r}; choose one of {', '.join(PRESETS_2003)}"
        )
    return PRESETS_2003[key]


@dataclass(frozen=True)
class Izhikevich2007:
    """Parameters of the 2007 form (Izhikevich 2007, *Dynamical Systems in
    Neuroscience*, ch. 8)::

        C v' = k (v - vr)(v - vt) - u + I          (v mV, t ms, I pA, C pF)
        u'   = a (B(v) - u),   B(v) = b (v - v_u) + cubic * max(v - v_cubic, 0)^3
        if v >= v_peak + peak_u * u:  v <- c + c_u * u,  u <- min(u + d, u_max)

    with ``b`` replaced by ``b_low`` where ``v <= v_switch``. The plain form
    (RS, IB, CH) uses none of the extra terms: ``v_u = vr``, ``cubic = 0``,
    ``peak_u = c_u = 0``, ``u_max = inf``, no switch.

    ``C, k, vr, vt, v_peak, a, b, c, d`` may hold one value per neuron; the
    special-cell terms (``v_u`` .. ``u_max``) are shared by a run.
    Initial state: v = vr, u = 0 unless given. Default method of
    ``izhic.simulate`` for this form: "euler" (the book's own scheme, u from
    the old v); "rk4", "rk4_grid" and "izhikevich2004" run it too.
    """

    C: ArrayLike
    k: ArrayLike
    vr: ArrayLike
    vt: ArrayLike
    v_peak: ArrayLike
    a: ArrayLike
    b: ArrayLike
    c: ArrayLike
    d: ArrayLike
    v_u: Optional[float] = None        # None: vr
    cubic: float = 0.0
    v_cubic: float = 0.0
    b_low: Optional[float] = None      # None: no switch
    v_switch: float = -65.0
    peak_u: float = 0.0
    c_u: float = 0.0
    u_max: float = float("inf")

    PER_NEURON = ("C", "k", "vr", "vt", "v_peak", "a", "b", "c", "d")
    SHARED = ("v_u", "cubic", "v_cubic", "b_low", "v_switch", "peak_u", "c_u", "u_max")

    @classmethod
    def field_names(cls):
        return cls.PER_NEURON

    @classmethod
    def all_field_names(cls):
        return tuple(f.name for f in fields(cls))

    @property
    def special(self):
        """True when any special-cell term is used."""
        return (self.v_u is not None or self.cubic != 0.0 or self.b_low is not None
                or self.peak_u != 0.0 or self.c_u != 0.0 or self.u_max != float("inf"))


#: The cell types of Izhikevich (2007), ch. 8 (reference table, section 4).
#: FS uses k = 1 (one source gives 3.5); TC uses u' = a (b (v - vr) - u)
#: (one source writes (v + 65): pass ``v_u=-65``).
PRESETS_2007 = {
    "RS": Izhikevich2007(C=100, k=0.7, vr=-60, vt=-40, v_peak=35, a=0.03, b=-2, c=-50, d=100),
    "IB": Izhikevich2007(C=150, k=1.2, vr=-75, vt=-45, v_peak=50, a=0.01, b=5, c=-56, d=130),
    "CH": Izhikevich2007(C=50, k=1.5, vr=-60, vt=-40, v_peak=25, a=0.03, b=1, c=-40, d=150),
    "LTS": Izhikevich2007(C=100, k=1.0, vr=-56, vt=-42, v_peak=40, a=0.03, b=8, c=-53, d=20,
                          peak_u=-0.1, c_u=0.04, u_max=670.0),
    "FS": Izhikevich2007(C=20, k=1.0, vr=-55, vt=-40, v_peak=25, a=0.2, b=0.0, c=-45, d=0,
                         cubic=0.025, v_cubic=-55.0),
    "TC": Izhikevich2007(C=200, k=1.6, vr=-60, vt=-50, v_peak=35, a=0.01, b=0.0, c=-60, d=10,
                         b_low=15.0, v_switch=-65.0, peak_u=0.1, c_u=-0.1),
    "RTN": Izhikevich2007(C=40, k=0.25, vr=-65, vt=-45, v_peak=0, a=0.015, b=2.0, c=-55, d=50,
                          b_low=10.0, v_switch=-65.0, v_u=-65.0),
}

PRESET_NAMES_2007 = {
    "RS": "regular spiking (L5 pyramidal)", "IB": "intrinsically bursting (L5)",
    "CH": "chattering (cat V1)", "LTS": "low-threshold spiking (barrel)",
    "FS": "fast spiking (L5 interneuron)", "TC": "thalamo-cortical (cat dLGN)",
    "RTN": "reticular thalamic nucleus (rat)",
}
