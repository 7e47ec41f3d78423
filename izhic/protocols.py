"""Stimulation protocols of Izhikevich's published figures, as data.

* :data:`FEATURES_2004`: the twenty panels A-T of Izhikevich (2004), "Which
  model to use for cortical spiking neurons?", IEEE TNN 15:1063, Fig. 1;
* :data:`NEURON_TYPES_2003`: the eight traces of Izhikevich (2003), "Simple
  model of spiking neurons", IEEE TNN 14:1569, Fig. 2;
* :data:`PROTOCOLS_2007`: the step currents of the seven cell types of
  Izhikevich (2007), *Dynamical Systems in Neuroscience*, ch. 8 (section
  "The 2007 cell types" below).

The code that runs them and draws the figures is in :mod:`izhic.figures`
(:mod:`izhic.figures.izhikevich2004`, :mod:`izhic.figures.izhikevich2003`,
:mod:`izhic.figures.izhikevich2007`).

2004 Fig. 1 and 2003 Fig. 2
---------------------------
Both figures come from one public MATLAB file (``figure1.m``, November 2003).
Each protocol below is transcribed from it: parameters, initial state, step
``tau``, length ``T`` and the input ``I(t)`` with the code's own expressions
and **strict** inequalities (``t > T1``, ``T1 < t < T1 + 4``, ...; the switch
times are computed as the code computes them, e.g. ``T1 = tspan(end)/11``).

Numerics of the figure code (every panel and trace)::

    for t = 0:tau:T                                  % samples t_k = k tau, k = 0..T/tau
        I = I(t)
        V = V + tau*(0.04*V^2 + 5*V + 140 - u + I)   % G, L: 4.1*V + 108
        u = u + tau*a*(b*V - u)                      % u from the NEW V; R: tau*a*(b*(V+65))
        if V > 30: plot 30 at t; V = c; u = u + d    % else plot V at t

This is ``izhic.simulate(..., method="izhikevich2004", dt=tau)`` with the
current of the step starting at ``t_k`` equal to ``I(t_k)``, run for
``duration = T + tau`` (the code also advances the last sample, ``t = T``).
izhic reports a spike at the end of the step, ``t_k + tau``; the figure code
records ``t_k``. :mod:`izhic.figures.figure1m` runs them that way.

The 2007 cell types
-------------------
Izhikevich E.M. (2007) *Dynamical Systems in Neuroscience*, MIT Press,
ch. 8, figures 8.12 (RS), 8.19 (IB), 8.23 (CH), 8.25 (LTS), 8.27 (FS), 8.31
(TC) and 8.32 (RTN). The models are :data:`izhic.models.PRESETS_2007`; the
protocols (:data:`PROTOCOLS_2007`) are those of the public NEURON port of the
book's figures (ModelDB 39948, ``izhi2007Figs.py``): run length and step
amplitudes per cell type, and for TC and RTN a second, "burst mode" protocol
that holds the cell hyperpolarized for the first 120 ms. When the step
starts (our choice):

* tonic protocols: the current is 0 until ``t_on = 0.1 T`` and the amplitude
  from then on, as the book's own code (``I = [zeros(1, 0.1 n), A ones(1,
  0.9 n)]``): the cell rests at ``vr`` first, so the onset of firing is
  visible. (The NEURON port applies the amplitude from t = 0.)
* burst mode (TC, RTN): the hold current (-1200 pA, -350 pA) from t = 0 to
  ``t_on = 120`` ms, then the amplitude until the end, as the port (which
  runs 120 ms at the hold current, then switches). The port's burst-mode
  amplitudes differ from the tonic ones: TC 0/50/100 pA (650 ms), RTN
  30/50/90 pA over 720 ms.

The book's numerics: :data:`METHOD_2007` (``"euler"``: v and u both from the
old state) with the step :data:`TAU_2007` = 0.25 ms, from v0 = vr, u0 = 0.

Examples
--------
>>> from izhic.protocols import FEATURES_2004, PROTOCOLS_2007
>>> p = FEATURES_2004["K"]
>>> p.name, p.tau, p.duration
('resonator', 0.25, 400.0)
>>> p.current([40.0, 40.25, 43.75, 44.0]).tolist()      # 0.65 for 40 < t < 44
[0.0, 0.65, 0.65, 0.0]
>>> p = PROTOCOLS_2007["RS"]
>>> p.duration, p.amplitudes, p.t_on
(520.0, (60.0, 70.0, 85.0, 100.0), 52.0)
>>> p.current(100.0, [0.0, 51.75, 52.0]).tolist()
[0.0, 0.0, 100.0]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

from . import inputs
from .models import PRESET_NAMES_2007, PRESETS_2007, Izhikevich2003

__all__ = ["Protocol", "FEATURES_2004", "NEURON_TYPES_2003", "Protocol2007", "PROTOCOLS_2007",
           "TAU_2007", "METHOD_2007"]


@dataclass(frozen=True)
class Protocol:
    """One stimulation protocol of a published figure (one panel or trace).

    The parameters are kept as attributes of the same names (frozen).

    Parameters
    ----------
    key : str
        ``"A"`` .. ``"T"`` (2004 Fig. 1) or ``"RS"``, ``"TC_burst"``, ... (2003 Fig. 2).
    name : str
        What the panel shows, e.g. ``"tonic spiking"``.
    title : str
        The panel's title in the published figure code.
    a, b, c, d : float
        Model parameters (v_peak is 30 mV throughout).
    v0 : float
        Initial v (mV).
    u0 : float or None
        Initial u; None means ``b * v0`` (the code's ``u = b*V``).
    tau : float
        The figure code's step (ms).
    duration : float
        ``T``: the code samples ``t_k = k tau`` for ``k = 0 .. T/tau``.
    current : callable
        ``current(t) -> I``, vectorized over an array of times (ms), with the
        figure code's expressions and strict inequalities.
    linear, constant : float
        ``v' = 0.04 v^2 + linear v + constant - u + I`` (5, 140; panels G and
        L: 4.1, 108).
    recovery : {"standard", "accommodation"}
        ``u' = a (b v - u)``, or ``u' = a b (v + 65)`` (panel R).
    input_drawing : (base, height, mode)
        How the figure draws the input under the trace (in mV of the v axis):
        ``base + height * (I(t) - I(0)) / max|I - I(0)|`` (``mode="linear"``)
        or ``base + height * sign(I(t) - I(0))`` (``mode="sign"``: each pulse
        the same height, as the published panel O draws its +1 and -6 pulses).
    edges : tuple of float
        Where the input or its slope jumps (ms): method ``rk4`` splits its
        steps there, :func:`izhic.reference.simulate_solve_ivp` restarts there.

    Examples
    --------
    >>> from izhic.protocols import FEATURES_2004
    >>> p = FEATURES_2004["A"]
    >>> p.name, p.tau, p.duration, p.u_init
    ('tonic spiking', 0.25, 100.0, -14.0)
    """

    key: str
    name: str
    title: str
    a: float
    b: float
    c: float
    d: float
    v0: float
    tau: float
    duration: float
    current: Callable[[np.ndarray], np.ndarray]
    u0: Optional[float] = None
    linear: float = 5.0
    constant: float = 140.0
    recovery: str = "standard"
    input_drawing: Tuple[float, float, str] = (-90.0, 10.0, "linear")
    edges: Tuple[float, ...] = ()

    @property
    def u_init(self) -> float:
        """Initial u: ``u0`` if given, else ``b * v0``."""
        return self.b * self.v0 if self.u0 is None else self.u0

    @property
    def n_samples(self) -> int:
        """Samples of the figure code, ``t_k = k tau`` for ``k = 0 .. T/tau``."""
        return round(self.duration / self.tau) + 1

    def sample_times(self, dt=None) -> np.ndarray:
        """``k * dt`` for ``k = 0 .. T/dt`` (default ``dt = tau``), computed as
        products (not accumulated), as izhic samples inputs.

        Parameters
        ----------
        dt : float, optional
            Sampling step (ms); default ``tau``.

        Returns
        -------
        numpy.ndarray
            The times (ms), ``round(T / dt) + 1`` of them.

        Examples
        --------
        >>> from izhic.protocols import FEATURES_2004
        >>> p = FEATURES_2004["A"]
        >>> p.sample_times()[:3].tolist(), p.sample_times(1.0).size
        ([0.0, 0.25, 0.5], 101)
        """
        dt = self.tau if dt is None else dt
        return np.arange(round(self.duration / dt) + 1, dtype=np.float64) * dt

    def model(self) -> Izhikevich2003:
        """The model of this protocol, for :func:`izhic.simulate`.

        Returns
        -------
        Izhikevich2003
            ``a, b, c, d``, ``v_peak = 30``, ``linear``, ``constant`` and
            ``recovery`` of the protocol.

        Examples
        --------
        >>> from izhic.protocols import FEATURES_2004
        >>> m = FEATURES_2004["G"].model()
        >>> m.linear, m.constant
        (4.1, 108.0)
        """
        return Izhikevich2003(a=self.a, b=self.b, c=self.c, d=self.d, v_peak=30.0,
                              linear=self.linear, constant=self.constant,
                              recovery=self.recovery)

    def waveform(self) -> inputs.Waveform:
        """The input as an :class:`izhic.inputs.Waveform` (``current=`` of simulate).

        Returns
        -------
        Waveform
            ``current`` wrapped as a waveform, with the panel's ``edges``.

        Examples
        --------
        >>> from izhic.protocols import FEATURES_2004
        >>> FEATURES_2004["A"].waveform().values([0.0, 20.0]).tolist()
        [0.0, 14.0]
        >>> FEATURES_2004["A"].waveform().edges
        (10.0,)
        """
        return inputs.function(self.current, f"{self.key}: {self.name}", edges=self.edges)


# ----------------------------------------------------------------- helpers ----

def _t(t):
    return np.asarray(t, dtype=np.float64)


def _window(t, t_on, width):
    """The figure code's ``(t > t_on) & (t < t_on + width)``."""
    return (t > t_on) & (t < t_on + width)


def _step_after(t_on, amplitude):
    """``amplitude`` for ``t > t_on``, else 0."""
    def current(t):
        return np.where(_t(t) > t_on, amplitude, 0.0)
    return current


# ------------------------------------------------- 2004 Fig. 1, panels A-T ----
# Each function is the panel's ``if`` statement, with the code's switch times.

def _input_g(t):  # (G) T1 = 30; I = 0.075*(t - T1) for t > T1
    t = _t(t)
    return np.where(t > 30.0, 0.075 * (t - 30.0), 0.0)


def _input_h(t):  # (H) T1 = 30; I = -0.5 + 0.015*(t - T1) for t > T1, else -0.5
    t = _t(t)
    return np.where(t > 30.0, -0.5 + (0.015 * (t - 30.0)), -0.5)


def _input_i(t):  # (I) T1 = tspan(end)/10; 7.04 for T1 < t < T1 + 3
    return np.where(_window(_t(t), 100.0 / 10, 3.0), 7.04, 0.0)


def _input_j(t):  # (J) T1 = tspan(end)/10; 2 for T1 < t < T1 + 5
    return np.where(_window(_t(t), 200.0 / 10, 5.0), 2.0, 0.0)


def _input_k(t):  # (K) T1 = T/10, T2 = T1 + 20, T3 = 0.7 T, T4 = T3 + 40; 4 ms pulses
    t = _t(t)
    t1 = 400.0 / 10
    t2 = t1 + 20
    t3 = 0.7 * 400.0
    t4 = t3 + 40
    on = _window(t, t1, 4) | _window(t, t2, 4) | _window(t, t3, 4) | _window(t, t4, 4)
    return np.where(on, 0.65, 0.0)


def _input_l(t):  # (L) T1 = T/11, T2 = T1 + 5, T3 = 0.7 T, T4 = T3 + 10; 2 ms pulses
    t = _t(t)
    t1 = 100.0 / 11
    t2 = t1 + 5
    t3 = 0.7 * 100.0
    t4 = t3 + 10
    on = _window(t, t1, 2) | _window(t, t2, 2) | _window(t, t3, 2) | _window(t, t4, 2)
    return np.where(on, 9.0, 0.0)


def _input_rebound(t):  # (M), (N) T1 = 20; -15 for T1 < t < T1 + 5
    return np.where(_window(_t(t), 20.0, 5.0), -15.0, 0.0)


def _input_o(t):  # (O) 1 for 10 < t < 15 or 80 < t < 85; elseif 70 < t < 75: -6
    t = _t(t)
    return np.where(_window(t, 10, 5) | _window(t, 80, 5), 1.0,
                    np.where(_window(t, 70, 5), -6.0, 0.0))


def _input_p(t):  # (P) T1 = tspan(end)/8, T2 = 216; 1.24 in (T1, T1+5), (T2, T2+5), else 0.24
    t = _t(t)
    t1 = 300.0 / 8
    return np.where(_window(t, t1, 5) | _window(t, 216.0, 5), 1.24, 0.24)


def _input_q(t):  # (Q) T1 = 10; 20 for abs(t - T1) < 1
    return np.where(np.abs(_t(t) - 10.0) < 1, 20.0, 0.0)


def _input_r(t):  # (R) t/25 for t < 200; 0 for t < 300; (t-300)/12.5*4 for t < 312.5; 0
    t = _t(t)
    return np.where(t < 200, t / 25,
                    np.where(t < 300, 0.0,
                             np.where(t < 312.5, (t - 300) / 12.5 * 4, 0.0)))


def _input_inhibition(t):  # (S), (T) 80 for t < 50 or t > 250, else 75
    t = _t(t)
    return np.where((t < 50) | (t > 250), 80.0, 75.0)


def _pulse_edges(onsets, width):
    return tuple(x for t in onsets for x in (t, t + width))


def _panel(key, name, short, a, b, c, d, v0, tau, duration, current, **kwargs):
    return Protocol(key=key, name=name, title=f"({key}) {short}", a=a, b=b, c=c, d=d,
                    v0=v0, tau=tau, duration=duration, current=current, **kwargs)


_PANELS = [
    _panel("A", "tonic spiking", "tonic spiking",
           0.02, 0.2, -65, 6, -70, 0.25, 100.0, _step_after(100.0 / 10, 14.0),
           edges=(10.0,)),
    _panel("B", "phasic spiking", "phasic spiking",
           0.02, 0.25, -65, 6, -64, 0.25, 200.0, _step_after(20.0, 0.5),
           edges=(20.0,)),
    _panel("C", "tonic bursting", "tonic bursting",
           0.02, 0.2, -50, 2, -70, 0.25, 220.0, _step_after(22.0, 15.0),
           edges=(22.0,)),
    _panel("D", "phasic bursting", "phasic bursting",
           0.02, 0.25, -55, 0.05, -64, 0.2, 200.0, _step_after(20.0, 0.6),
           edges=(20.0,)),
    _panel("E", "mixed mode", "mixed mode",
           0.02, 0.2, -55, 4, -70, 0.25, 160.0, _step_after(160.0 / 10, 10.0),
           edges=(16.0,)),
    _panel("F", "spike frequency adaptation", "spike freq. adapt",
           0.01, 0.2, -65, 8, -70, 0.25, 85.0, _step_after(85.0 / 10, 30.0),
           edges=(8.5,)),
    _panel("G", "Class 1 excitable", "Class 1 excitable",
           0.02, -0.1, -55, 6, -60, 0.25, 300.0, _input_g,
           linear=4.1, constant=108.0, input_drawing=(-90.0, 20.0, "linear"),
           edges=(30.0,)),
    _panel("H", "Class 2 excitable", "Class 2 excitable",
           0.2, 0.26, -65, 0, -64, 0.25, 300.0, _input_h,
           input_drawing=(-90.0, 20.0, "linear"),
           edges=(30.0,)),
    _panel("I", "spike latency", "spike latency",
           0.02, 0.2, -65, 6, -70, 0.2, 100.0, _input_i,
           edges=(10.0, 13.0)),
    _panel("J", "subthreshold oscillations", "subthreshold osc.",
           0.05, 0.26, -60, 0, -62, 0.25, 200.0, _input_j,
           edges=(20.0, 25.0)),
    _panel("K", "resonator", "resonator",
           0.1, 0.26, -60, -1, -62, 0.25, 400.0, _input_k,
           edges=(40.0, 44.0, 60.0, 64.0, 280.0, 284.0, 320.0, 324.0)),
    _panel("L", "integrator", "integrator",
           0.02, -0.1, -55, 6, -60, 0.25, 100.0, _input_l, linear=4.1, constant=108.0,
           edges=_pulse_edges((100.0 / 11, 100.0 / 11 + 5, 70.0, 80.0), 2.0)),
    _panel("M", "rebound spike", "rebound spike",
           0.03, 0.25, -60, 4, -64, 0.2, 200.0, _input_rebound,
           input_drawing=(-85.0, 5.0, "linear"),
           edges=(20.0, 25.0)),
    _panel("N", "rebound burst", "rebound burst",
           0.03, 0.25, -52, 0, -64, 0.2, 200.0, _input_rebound,
           input_drawing=(-85.0, 5.0, "linear"),
           edges=(20.0, 25.0)),
    _panel("O", "threshold variability", "thresh. variability",
           0.03, 0.25, -60, 4, -64, 0.25, 100.0, _input_o,
           input_drawing=(-85.0, 5.0, "sign"),
           edges=(10.0, 15.0, 70.0, 75.0, 80.0, 85.0)),
    _panel("P", "bistability", "bistability",
           0.1, 0.26, -60, 0, -61, 0.25, 300.0, _input_p,
           edges=(37.5, 42.5, 216.0, 221.0)),
    _panel("Q", "depolarizing after-potential", "DAP",
           1, 0.2, -60, -21, -70, 0.1, 50.0, _input_q,
           edges=(9.0, 11.0)),
    _panel("R", "accommodation", "accommodation",
           0.02, 1, -55, 4, -65, 0.5, 400.0, _input_r, u0=-16.0,
           recovery="accommodation", input_drawing=(-90.0, 12.0, "linear"),
           edges=(200.0, 300.0, 312.5)),
    _panel("S", "inhibition-induced spiking", "inh. induced sp.",
           -0.02, -1, -60, 8, -63.8, 0.5, 350.0, _input_inhibition,
           input_drawing=(-80.0, 10.0, "linear"),
           edges=(50.0, 250.0)),
    _panel("T", "inhibition-induced bursting", "inh. induced brst.",
           -0.026, -1, -45, -2, -63.8, 0.5, 350.0, _input_inhibition,
           input_drawing=(-80.0, 10.0, "linear"),
           edges=(50.0, 250.0)),
]

#: The twenty panels of Izhikevich (2004), Fig. 1, by letter.
FEATURES_2004 = {p.key: p for p in _PANELS}


# ------------------------------------------------- 2003 Fig. 2, eight traces ----

def _input_rz(t):  # T1 = 10, T2 = T1 + 50: 10 for T2 < t < T2 + 5; elseif t > T1: -0.5; else -2
    t = _t(t)
    t1 = 100.0 / 10
    t2 = t1 + 50
    return np.where(_window(t, t2, 5), 10.0, np.where(t > t1, -0.5, -2.0))


def _input_tc_burst(t):  # T1 = 3*tspan(end)/10 = 45: 0 for t > T1, else -25
    return np.where(_t(t) > 3 * 150.0 / 10, 0.0, -25.0)


def _trace(key, name, title, a, b, c, d, v0, duration, current, **kwargs):
    return Protocol(key=key, name=name, title=title, a=a, b=b, c=c, d=d, v0=v0, tau=0.25,
                    duration=duration, current=current, **kwargs)


_TRACES = [
    _trace("RS", "regular spiking", "regular spiking (RS)",
           0.02, 0.2, -65, 8, -63, 150.0, _step_after(150.0 / 10, 14.0),
           edges=(15.0,)),
    _trace("IB", "intrinsically bursting", "intrinsically bursting (IB)",
           0.02, 0.2, -55, 4, -70, 150.0, _step_after(150.0 / 10, 11.0),
           edges=(15.0,)),
    _trace("CH", "chattering", "chattering (CH)",
           0.02, 0.2, -50, 2, -70, 150.0, _step_after(150.0 / 10, 10.0),
           edges=(15.0,)),
    _trace("FS", "fast spiking", "fast spiking (FS)",
           0.1, 0.2, -65, 2, -70, 150.0, _step_after(150.0 / 10, 10.0),
           edges=(15.0,)),
    _trace("TC", "thalamo-cortical, tonic", "thalamo-cortical (TC)",
           0.02, 0.25, -65, 0.05, -63, 150.0, _step_after(2 * 150.0 / 10, 1.5),
           edges=(30.0,)),
    _trace("TC_burst", "thalamo-cortical, burst", "thalamo-cortical burst (TC)",
           0.02, 0.25, -65, 0.05, -87, 150.0, _input_tc_burst,
           edges=(45.0,)),
    _trace("RZ", "resonator", "resonator (RZ)",
           0.1, 0.26, -65, 2, -70, 100.0, _input_rz,
           edges=(10.0, 60.0, 65.0)),
    _trace("LTS", "low-threshold spiking", "low-threshold spiking (LTS)",
           0.02, 0.25, -65, 2, -63, 250.0, _step_after(250.0 / 10, 10.0),
           edges=(25.0,)),
]

#: The eight traces of Izhikevich (2003), Fig. 2 (figure1.m numerics, tau = 0.25 ms).
NEURON_TYPES_2003 = {p.key: p for p in _TRACES}


# ------------------------------------------------ 2007 ch. 8, the cell types ----

#: The book's step (ms) for the 2007 cell types.
TAU_2007 = 0.25
#: The book's scheme for the 2007 cell types (v and u both from the old state).
METHOD_2007 = "euler"


@dataclass(frozen=True)
class Protocol2007:
    """One published protocol: a cell type and the step currents it is shown under.

    The parameters are kept as attributes of the same names (frozen).

    Parameters
    ----------
    key : str
        ``"RS"``, ..., ``"TC_burst"``, ``"RTN_burst"``.
    cell : str
        The cell type, a key of :data:`izhic.models.PRESETS_2007`.
    figure : str
        The book's figure, e.g. ``"8.12"``.
    duration : float
        Run length T (ms): ``T / tau`` steps from t = 0.
    amplitudes : tuple of float
        The step currents (pA), one run each.
    t_on : float
        When the step to the amplitude starts (ms).
    hold : float
        The current before ``t_on`` (pA): 0, or the burst mode's
        hyperpolarizing hold.

    Examples
    --------
    >>> from izhic.protocols import PROTOCOLS_2007
    >>> p = PROTOCOLS_2007["TC_burst"]
    >>> p.cell, p.hold, p.burst_mode, p.name
    ('TC', -1200.0, True, 'thalamo-cortical (cat dLGN), burst mode')
    """

    key: str
    cell: str
    figure: str
    duration: float
    amplitudes: tuple
    t_on: float
    hold: float = 0.0

    @property
    def burst_mode(self) -> bool:
        """True for the protocols that start from a hyperpolarizing hold."""
        return self.hold != 0.0

    @property
    def name(self) -> str:
        """The cell type's full name (and the mode, for burst mode)."""
        name = PRESET_NAMES_2007[self.cell]
        return f"{name}, burst mode" if self.burst_mode else name

    def model(self):
        """The cell's parameters, :data:`izhic.models.PRESETS_2007` ``[cell]``.

        Returns
        -------
        Izhikevich2007
            The preset of the cell type.

        Examples
        --------
        >>> from izhic.protocols import PROTOCOLS_2007
        >>> PROTOCOLS_2007["RS"].model().C
        100
        """
        return PRESETS_2007[self.cell]

    def waveform(self, amplitude):
        """The input of the run at ``amplitude`` (pA), an :mod:`izhic.inputs` waveform.

        Parameters
        ----------
        amplitude : float
            The step current (pA) from ``t_on`` on.

        Returns
        -------
        Waveform
            A step at ``t_on``, plus the hold pulse over ``[0, t_on)`` in burst mode.

        Examples
        --------
        >>> from izhic.protocols import PROTOCOLS_2007
        >>> PROTOCOLS_2007["TC_burst"].waveform(50.0)
        Waveform(pulse -1200 in [0, 120) ms + step to 50 at 120 ms)
        """
        step = inputs.step(self.t_on, amplitude)
        if not self.burst_mode:
            return step
        return inputs.pulse(0.0, self.t_on, self.hold) + step

    def current(self, amplitude, t):
        """The input (pA) at the times ``t`` (ms): ``hold`` before ``t_on``,
        ``amplitude`` from ``t_on`` on.

        Parameters
        ----------
        amplitude : float
            The step current (pA).
        t : array_like
            Times (ms).

        Returns
        -------
        numpy.ndarray
            The current at each time (pA), shape of ``t``.

        Examples
        --------
        >>> from izhic.protocols import PROTOCOLS_2007
        >>> PROTOCOLS_2007["TC_burst"].current(50.0, [0.0, 200.0]).tolist()
        [-1200.0, 50.0]
        """
        return self.waveform(amplitude).values(t)

    def as_dict(self):
        """The protocol as plain data (for the JSON file).

        Returns
        -------
        dict
            Cell, figure, duration, amplitudes, ``t_on``, hold, method, dt,
            initial state and the spike-time convention (plain Python values).

        Examples
        --------
        >>> from izhic.protocols import PROTOCOLS_2007
        >>> d = PROTOCOLS_2007["RS"].as_dict()
        >>> d["cell"], d["method"], d["dt_ms"], d["v0_mV"]
        ('RS', 'euler', 0.25, -60.0)
        """
        return {"cell": self.cell, "figure": self.figure, "duration_ms": self.duration,
                "amplitudes_pA": list(self.amplitudes), "t_on_ms": self.t_on,
                "hold_pA": self.hold, "method": METHOD_2007, "dt_ms": TAU_2007,
                "v0_mV": float(self.model().vr), "u0_pA": 0.0,
                "spike_time": "end of the step whose update reached the peak, (k + 1) dt"}


def _tonic(cell, figure, duration, amplitudes):
    return Protocol2007(cell, cell, figure, float(duration), tuple(map(float, amplitudes)),
                        t_on=0.1 * duration)


def _burst(cell, figure, duration, amplitudes, hold, hold_ms=120.0):
    return Protocol2007(f"{cell}_burst", cell, figure, float(duration),
                        tuple(map(float, amplitudes)), t_on=hold_ms, hold=float(hold))


#: The published protocols (ModelDB 39948, the port of the book's figures),
#: in the order of the figure. Tonic protocols step from 0 to the amplitude at
#: 10 % of the run; burst modes hold at ``hold`` for 120 ms, then step.
PROTOCOLS_2007 = {p.key: p for p in (
    _tonic("RS", "8.12", 520, (60, 70, 85, 100)),
    _tonic("IB", "8.19", 600, (290, 370, 500, 550)),
    _tonic("CH", "8.23", 210, (200, 300, 400, 600)),
    _tonic("LTS", "8.25", 320, (100, 125, 200, 300)),
    _tonic("FS", "8.27", 100, (73.2, 100, 200, 400)),
    _tonic("RTN", "8.32", 650, (50, 70, 110)),
    _tonic("TC", "8.31", 650, (50, 100, 150)),
    _burst("TC", "8.31", 650, (0, 50, 100), hold=-1200.0),
    _burst("RTN", "8.32", 720, (30, 50, 90), hold=-350.0),
)}
