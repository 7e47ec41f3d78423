"""Spike-timing-dependent plasticity: the rule a network run applies to its
synapses' weights (``izhic.simulate(..., synapses=syn, plasticity=stdp)``).

Two rules, both on the step grid (a spike found in step k has the time
t_{k+1}; with ``"rk4"`` too: plasticity does not use the located times), both
deterministic for any thread count:

**Izhikevich (2006)**, :meth:`STDP.izhikevich2006`, the rule of spnet
("Polychronization: computation with spikes"). Every neuron has a trace x:
each step ``x <- trace_decay * x``, and ``x <- trace_amplitude`` (set, not
added) when the neuron fires. Each plastic synapse (pre p, target i, delay
D) has a derivative ``sd``:

* potentiation, when i fires: ``sd += x_p`` as it was D before (the
  presynaptic trace as seen at the synapse);
* depression, when a spike of p arrives at the synapse:
  ``sd -= ltd_ratio * x_i`` (i's trace in the arrival step, which already
  holds a firing of i found in the step before);
* every ``update_interval`` ms: ``w = clip((bias + w) + sd, w_min, w_max)``,
  then ``sd *= derivative_decay``.

In izhic's steps: the arrivals of step k (and their depression) come before
step k; after step k, the weights are updated if ``t_{k+1}`` ends an
interval, then the traces of the spikes found in step k are set and their
potentiation applied. With spnet's parameters (the defaults) and numerics
this is spnet exactly (see :func:`izhic.network.polychronization_2006`).

**Pair-based additive STDP**, :meth:`STDP.additive` (NEST's
``stdp_synapse`` with ``mu_plus = mu_minus = 0``, Brian2's STDP example), all
pairs of pre and post spikes, exponential traces computed exactly from the
elapsed time:

* a presynaptic spike reaches the synapse at the start of the step it
  arrives in (t_a = t_{k+m} for a spike found in step k with a delay of m
  steps): the synapse's trace ``apre`` decays to t_a and gains ``a_plus``;
  then ``w = clip(w - apost_i(t_a), w_min, w_max)`` (depression by the
  target's trace);
* a spike of the target at t_post = t_{k+1}: its trace ``apost`` decays to
  t_post and gains ``a_minus``; then every plastic synapse onto it gets
  ``w = clip(w + apre(t_post), w_min, w_max)`` (potentiation).

The arrivals of step k act with the weights before their own change; a
spike that arrives in step k and a firing of the target found in step k
pair as pre before post (potentiation with the full ``a_plus``).

Both rules: only the synapses of the Synapses objects given a rule change
(``plasticity=[stdp, None]`` with ``synapses=[exc, inh]``: the inhibitory
ones stay), optionally only those a ``plastic`` mask marks. A plastic run
advances one step at a time (the weights a step reads depend on the step
before). Its state (``res.state``) carries the weights, derivatives and
traces, so chained runs equal one run.

Examples
--------
>>> import izhic
>>> izhic.STDP.izhikevich2006()
STDP('izhikevich2006', trace_amplitude=0.1, trace_decay=0.95, ltd_ratio=1.2, update_interval=1000, bias=0.01, derivative_decay=0.9, w_min=0, w_max=10)
>>> izhic.STDP.additive(tau_plus=16.8, a_plus=0.01, a_minus=0.0105, w_max=1.0).rule
'additive'
"""
from __future__ import annotations

import numpy as np

from . import _checks

__all__ = ["STDP", "RULES"]

#: The rules and their parameters (with the defaults).
RULES = {
    "izhikevich2006": dict(trace_amplitude=0.1, trace_decay=0.95, ltd_ratio=1.2,
                           update_interval=1000.0, bias=0.01, derivative_decay=0.9,
                           w_min=0.0, w_max=10.0),
    "additive": dict(tau_plus=20.0, tau_minus=20.0, a_plus=0.01, a_minus=0.0105, w_min=0.0,
                     w_max=1.0),
}
_POSITIVE = {"tau_plus", "tau_minus", "update_interval"}
_NONNEGATIVE = {"trace_amplitude", "ltd_ratio", "a_plus", "a_minus"}
_FRACTION = {"trace_decay", "derivative_decay"}


class STDP:
    """A plasticity rule and its parameters.

    Parameters
    ----------
    rule : {"izhikevich2006", "additive"}
        The rule (see :mod:`izhic.plasticity`).
    plastic : array_like of bool, optional
        Which synapses of the Synapses object change (storage order); default
        all.
    **params
        The rule's parameters (:data:`RULES` lists them with their
        defaults). ``izhikevich2006``: ``trace_amplitude``, ``trace_decay``
        (per step), ``ltd_ratio``, ``update_interval`` (ms, a whole number
        of steps), ``bias``, ``derivative_decay``, ``w_min``, ``w_max``.
        ``additive``: ``tau_plus``, ``tau_minus`` (ms), ``a_plus``,
        ``a_minus``, ``w_min``, ``w_max``.

    Examples
    --------
    >>> import izhic
    >>> izhic.STDP("additive", a_plus=0.02).a_plus
    0.02
    """

    def __init__(self, rule="izhikevich2006", *, plastic=None, **params):
        _checks.choice("rule", rule, tuple(RULES))
        unknown = set(params) - set(RULES[rule])
        if unknown:
            raise TypeError(f"{sorted(unknown)[0]}: not a parameter of the {rule!r} rule "
                            f"(its parameters: {', '.join(RULES[rule])})")
        values = dict(RULES[rule])
        for name, value in params.items():
            x = _checks.real_scalar(name, value)
            if name in _POSITIVE and not x > 0:
                raise ValueError(f"{name}: must be > 0, got {x!r}")
            if name in _NONNEGATIVE and x < 0:
                raise ValueError(f"{name}: must be >= 0, got {x!r}")
            if name in _FRACTION and not 0.0 <= x <= 1.0:
                raise ValueError(f"{name}: a factor in [0, 1], got {x!r}")
            values[name] = x
        if not values["w_min"] <= values["w_max"]:
            raise ValueError(f"w_max: must be >= w_min ({values['w_min']!r}), got "
                             f"{values['w_max']!r}")
        if plastic is not None:
            plastic = np.asarray(plastic)
            if plastic.ndim != 1 or plastic.dtype != bool:
                raise TypeError("plastic: expected a 1-D array of bool, one per synapse")
            plastic = plastic.copy()
            plastic.flags.writeable = False
        self.rule = rule
        self.plastic = plastic
        self._params = values
        for name, value in values.items():
            setattr(self, name, value)

    @classmethod
    def izhikevich2006(cls, *, plastic=None, **params):
        """Izhikevich's (2006) rule; the defaults are spnet's.

        Parameters
        ----------
        plastic : array_like of bool, optional
            Which synapses change (storage order); default all.
        **params
            ``trace_amplitude``, ``trace_decay``, ``ltd_ratio``,
            ``update_interval`` (ms), ``bias``, ``derivative_decay``,
            ``w_min``, ``w_max`` (defaults in :data:`RULES`).

        Returns
        -------
        STDP
            ``STDP("izhikevich2006", plastic=plastic, **params)``.

        Examples
        --------
        >>> import izhic
        >>> stdp = izhic.STDP.izhikevich2006(w_max=5.0)
        >>> stdp.rule, stdp.w_max, stdp.trace_decay
        ('izhikevich2006', 5.0, 0.95)
        """
        return cls("izhikevich2006", plastic=plastic, **params)

    @classmethod
    def additive(cls, *, plastic=None, **params):
        """Pair-based additive STDP with exponential traces.

        Parameters
        ----------
        plastic : array_like of bool, optional
            Which synapses change (storage order); default all.
        **params
            ``tau_plus``, ``tau_minus`` (ms), ``a_plus``, ``a_minus``,
            ``w_min``, ``w_max`` (defaults in :data:`RULES`).

        Returns
        -------
        STDP
            ``STDP("additive", plastic=plastic, **params)``.

        Examples
        --------
        >>> import izhic
        >>> izhic.STDP.additive(w_max=2.0)
        STDP('additive', tau_plus=20, tau_minus=20, a_plus=0.01, a_minus=0.0105, w_min=0, w_max=2)
        """
        return cls("additive", plastic=plastic, **params)

    @property
    def params(self):
        """The rule's parameters (a new dict)."""
        return dict(self._params)

    def __repr__(self):
        args = ", ".join(f"{k}={v:g}" for k, v in self._params.items())
        mask = "" if self.plastic is None else f", plastic={int(self.plastic.sum())} synapses"
        return f"STDP({self.rule!r}, {args}{mask})"
