"""Izhikevich's public figure code, ``figure1.m``: its numerics and its panels.

One MATLAB file (November 2003) draws both Izhikevich (2004) Fig. 1
(:mod:`izhic.figures.izhikevich2004`) and Izhikevich (2003) Fig. 2
(:mod:`izhic.figures.izhikevich2003`). Their protocols (parameters, initial
state, step, input) are data in :mod:`izhic.protocols`; this module runs one
with izhic as the code does (:func:`run_protocol`) and draws one panel as
the code does (:func:`draw_panel`). The published numerics are the figure
code's Euler scheme, ``method="izhikevich2004"`` with the panel's own step
``tau``::

    at each sample t_k = k tau (k = 0 .. T/tau):
        V <- V + tau (0.04 V^2 + 5 V + 140 - u + I(t_k))
        u <- u + tau a (b V - u)           (u from the new V)
        if V > 30: spike; V <- c, u <- u + d

Two conventions differ between izhic and the figure code, and are converted
here:

* time of a spike: izhic reports the end of the step, ``t_k + tau``; the figure
  code records (and plots 30 mV at) the sample ``t_k`` whose update crossed
  30 mV. :func:`run_protocol` returns the figure code's ``t_k``;
* the trace: the figure code plots at ``t_k`` the state *after* the update of
  sample ``t_k`` (``VV(k)``), i.e. izhic's sample ``t_k + tau``;
  :meth:`PanelRun.trace` returns it that way.

izhic tests ``v >= 30`` where the code tests ``V > 30``; no sample of any
panel or trace lands on 30 exactly (``tests/test_figure1m.py`` checks it), so
the two agree: every spike time equals the figure code's, bit for bit.

Examples
--------
>>> from izhic.protocols import NEURON_TYPES_2003
>>> from izhic.figures.figure1m import run_protocol
>>> run = run_protocol(NEURON_TYPES_2003["RS"])
>>> run.spike_times[:3].tolist()                   # the samples t_k, ms
[18.25, 24.25, 54.5]
>>> t, v = run.trace()
>>> t.size == NEURON_TYPES_2003["RS"].n_samples, float(v.max())
(True, 30.0)
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..plotting import new_figure
from ..protocols import Protocol
from ..result import SimulationResult
from ..simulate import GRID_METHODS, simulate

__all__ = ["PanelRun", "run_protocol", "draw_panel", "panel_figure", "TRACE_COLOR",
           "INPUT_COLOR"]

#: MATLAB R13's first two line colours, as in the published figures.
TRACE_COLOR = (0.0, 0.0, 1.0)
INPUT_COLOR = (0.0, 0.5, 0.0)


class PanelRun(NamedTuple):
    """One protocol run: ``(result, current, spike_times)``.

    The parameters are the tuple's fields (attributes of the same names).

    Parameters
    ----------
    result : SimulationResult
        The izhic run, v recorded at every step (``result.v[0]``; at a spike
        the sample shows 30 mV unless another ``v_at_spike`` was asked for).
    current : ndarray
        The input at ``result.t``: ``current[k]`` drives the step from
        ``t_k`` to ``t_k + dt``.
    spike_times : ndarray
        Grid methods: the figure code's convention, the sample ``t_k`` whose
        update crossed 30 mV (izhic's time minus ``dt``, computed as
        ``k * dt``). ``"rk4"``: the located crossing times.

    Examples
    --------
    >>> from izhic.protocols import FEATURES_2004
    >>> from izhic.figures.figure1m import run_protocol
    >>> run = run_protocol(FEATURES_2004["A"])
    >>> run.result.v.shape, run.current.shape, run.spike_times.size
    ((1, 402), (402,), 5)
    """

    result: SimulationResult
    current: np.ndarray
    spike_times: np.ndarray

    def trace(self):
        """``(t, v)`` as the figure code plots it.

        Grid methods: ``v`` after the update of sample ``t_k``, at ``t_k``
        (``t_k = k dt = 0 .. T``, computed as the product, as the figure
        code). ``"rk4"``: the state at ``t`` (as recorded).

        Returns
        -------
        t : numpy.ndarray
            Times (ms).
        v : numpy.ndarray
            Membrane potential (mV) at those times.

        Examples
        --------
        >>> from izhic.protocols import FEATURES_2004
        >>> from izhic.figures.figure1m import run_protocol
        >>> t, v = run_protocol(FEATURES_2004["A"]).trace()
        >>> t[:2].tolist(), t.size == v.size == 401
        ([0.0, 0.25], True)
        """
        res = self.result
        if res.method in GRID_METHODS:
            return np.arange(res.t.size - 1) * res.dt, res.v[0, 1:]
        return res.t, res.v[0]


def run_protocol(protocol: Protocol, method="izhikevich2004", dt=None, *,
                 v_at_spike="peak", t_stop=None) -> PanelRun:
    """Run one protocol of :mod:`izhic.protocols` as the figure code does.

    Parameters
    ----------
    protocol : Protocol
        E.g. ``FEATURES_2004["K"]`` or ``NEURON_TYPES_2003["RS"]``.
    method : str, default "izhikevich2004"
        Any :func:`izhic.simulate` method; the default is the figure code's.
    dt : float, optional
        Step in ms (default: the protocol's ``tau``).
    v_at_spike : {"peak", "overshoot", "reset"}
        What the v trace shows at a spike (default: 30 mV, as the figure code).
    t_stop : float, optional
        Last sample (ms) to advance, a multiple of ``dt``; default the
        protocol's ``T``.

    Returns
    -------
    PanelRun
        ``(result, current, spike_times)``, spike times in the figure code's
        convention for grid methods (see :class:`PanelRun`).

    Notes
    -----
    The run lasts ``T + dt``: the figure code advances every sample
    ``t_k = k dt`` for ``k = 0 .. T/dt``, the last one included.

    Examples
    --------
    >>> from izhic.protocols import FEATURES_2004
    >>> from izhic.figures.figure1m import run_protocol
    >>> run_protocol(FEATURES_2004["A"]).spike_times.tolist()
    [13.0, 17.0, 31.5, 59.25, 86.75]
    """
    dt = protocol.tau if dt is None else float(dt)
    t_stop = protocol.duration if t_stop is None else float(t_stop)
    duration = round(t_stop / dt) * dt + dt
    res = simulate(protocol.model(), current=protocol.waveform(), duration=duration, dt=dt,
                   method=method, v0=protocol.v0, u0=protocol.u_init, record="v",
                   v_at_spike=v_at_spike)
    times = np.asarray(res.spike_times[0])
    if method in GRID_METHODS:
        times = (np.rint(times / dt) - 1.0) * dt   # t_k = k dt of the crossing update
    # the input as the kernel sampled it: at t_k = k dt (the product)
    return PanelRun(res, protocol.current(np.arange(res.t.size) * dt), times)


# ----------------------------------------------------------------- drawing ----

def _input_line(protocol, t, current):
    """The input as the published figures draw it: a line under the trace (mV)."""
    base, height, mode = protocol.input_drawing
    dev = current - current[0]
    if mode == "sign":
        return base + height * np.sign(dev)
    scale = np.max(np.abs(dev))
    return base + (height * dev / scale if scale > 0 else 0.0 * dev)


def _nice_length(duration):
    """A round scale-bar length, at most a quarter of ``duration`` (ms)."""
    for length in (100.0, 50.0, 20.0, 10.0, 5.0):
        if length <= duration / 4:
            return length
    return 5.0


def _scale_bar(ax, duration, color="0.35"):
    length = _nice_length(duration)
    x1 = duration
    ax.plot([x1 - length, x1], [-97.0, -97.0], color=color, linewidth=1.5,
            solid_capstyle="butt", clip_on=False)
    ax.text(x1 - length / 2, -99.0, f"{length:g} ms", ha="center", va="top",
            fontsize=7, color=color, clip_on=False)


def draw_panel(ax, protocol, run, *, color=TRACE_COLOR, title=None, magnify_j=True):
    """One panel as the figure code draws it: v, the input under it, axis off.

    ``run`` is a :class:`PanelRun` of ``protocol``; ``title`` defaults to the
    protocol's; panel J of 2004 Fig. 1 adds its oscillation magnified 20x
    (grid methods, unless ``magnify_j=False``). A scale bar replaces the time
    axis.

    Parameters
    ----------
    ax : matplotlib Axes
        Where to draw.
    protocol : Protocol
        The protocol of the panel.
    run : PanelRun
        Its run (:func:`run_protocol`).
    color : color, default blue
        Colour of the v trace.
    title : str, optional
        Panel title; default ``protocol.title``.
    magnify_j : bool, default True
        Add panel J's magnified oscillation.

    Examples
    --------
    >>> from izhic.plotting import new_figure
    >>> from izhic.protocols import FEATURES_2004
    >>> from izhic.figures.figure1m import draw_panel, run_protocol
    >>> ax = new_figure().add_subplot()
    >>> draw_panel(ax, FEATURES_2004["A"], run_protocol(FEATURES_2004["A"]))
    >>> ax.get_title(), [float(y) for y in ax.get_ylim()]
    ('(A) tonic spiking', [-90.0, 30.0])
    """
    t, v = run.trace()
    ax.plot(t, v, color=color, linewidth=0.7, clip_on=False)
    cur_t = run.result.t[:-1] if run.result.method in GRID_METHODS else run.result.t
    cur = run.current[:cur_t.size]
    ax.plot(cur_t, _input_line(protocol, cur_t, cur), color=INPUT_COLOR, linewidth=0.9,
            clip_on=False)
    if magnify_j and protocol.key == "J" and run.result.method in GRID_METHODS:
        # the published panel J adds the oscillation magnified 20x, centred on -10 mV,
        # from the code's sample 220 (1-based) on: -10 + 20 (VV - mean(VV))
        ax.plot(t[219:], -10.0 + 20.0 * (v[219:] - v.mean()), color=color, linewidth=0.5,
                alpha=0.55, clip_on=False)
        ax.text(t[-1], 8.0, "x20", ha="right", va="bottom", fontsize=7, color="0.4")
    ax.set_xlim(0.0, protocol.duration)
    ax.set_ylim(-90.0, 30.0)
    ax.set_axis_off()
    ax.set_title(protocol.title if title is None else title, fontsize=10, pad=4)
    _scale_bar(ax, protocol.duration)


def panel_figure(protocols, runs, shape, *, figsize, title, note, note_y, top, bottom,
                 hspace):
    """A grid of panels as the published figure: ``runs`` ({key: PanelRun}, in
    order) drawn with :func:`draw_panel` and ``protocols[key]`` on ``shape``
    (rows, columns) axes; ``title`` above, a grey ``note`` at height ``note_y``
    (figure fraction) below; ``top``, ``bottom``, ``hspace`` place the grid.
    Returns the :class:`matplotlib.figure.Figure`.

    Parameters
    ----------
    protocols : mapping of str to Protocol
        The protocol of each key of ``runs``.
    runs : dict of str to PanelRun
        The runs, in the order of the panels.
    shape : (int, int)
        Rows and columns of the grid.
    figsize : (float, float)
        Figure size (inches).
    title : str
        The figure's title.
    note : str
        Grey text under the grid.
    note_y : float
        Height of the note (figure fraction).
    top, bottom : float
        Top and bottom of the grid (figure fractions).
    hspace : float
        Vertical space between rows (``subplots_adjust``).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, not managed by pyplot.

    Examples
    --------
    >>> from izhic.protocols import FEATURES_2004
    >>> from izhic.figures.figure1m import panel_figure, run_protocol
    >>> keys = ("A", "B")
    >>> fig = panel_figure(FEATURES_2004, {k: run_protocol(FEATURES_2004[k]) for k in keys},
    ...                    (1, 2), figsize=(6, 2), title="two panels", note="note",
    ...                    note_y=0.02, top=0.8, bottom=0.1, hspace=0.3)
    >>> [ax.get_title() for ax in fig.axes]
    ['(A) tonic spiking', '(B) phasic spiking']
    """
    fig = new_figure(figsize=figsize)
    axes = fig.subplots(*shape)
    for ax, (key, run) in zip(axes.ravel(), runs.items()):
        draw_panel(ax, protocols[key], run)
    fig.suptitle(title, fontsize=11)
    fig.text(0.5, note_y, note, ha="center", fontsize=8, color="0.3")
    fig.subplots_adjust(left=0.02, right=0.98, top=top, bottom=bottom, wspace=0.12,
                        hspace=hspace)
    return fig
