"""``izhic.simulate``: the one public entry to the compiled core.

Data flows one way: arguments -> checks -> contiguous float64 arrays ->
:class:`izhic._core.Run` (nogil kernels, run in chunks of steps) ->
:class:`izhic.result.SimulationResult`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from . import _checks, _core, inputs
from .models import Izhikevich2003, Izhikevich2007, preset
from .result import SimulationResult, SpikeTrains

__all__ = ["simulate", "METHODS"]

#: Integration methods and what they compute (see the README for the details).
METHODS = {
    "rk4": "classic fourth-order Runge-Kutta; each crossing of the peak is located inside "
           "the step, the neuron is reset there and the step is finished from the reset",
    "euler": "forward Euler, v and u from the old state, reset at the end of the step",
    "izhikevich2004": "Izhikevich's figure code: v first, then u from the new v (original RS project)",
    "izhikevich2003": "net.m: two half steps of v with the same u, then u from the new v",
    "rk4_grid": "classic fourth-order Runge-Kutta, reset at the end of the step (as other simulators)",
}
#: Methods that reset at the end of the step ("grid" spike times unless interpolated).
GRID_METHODS = ("euler", "izhikevich2004", "izhikevich2003", "rk4_grid")
_SPIKE_TIME = ("grid", "interpolate")

_TRACEABLE = ("v", "u")
_V_AT_SPIKE = ("peak", "overshoot", "reset")
# neuron-steps per chunk: a chunk takes milliseconds, so Ctrl-C is handled promptly
_CHUNK_WORK = 1 << 23
# n_threads=None: one thread per this many neuron-steps at least
_WORK_PER_THREAD = 1 << 21
# |v| is held within this bound so that v*v never overflows (izhic._core.VBIG)
_V_BOUND = 1e150


_NOISE_KINDS = ("white", "per_step")


def _as_stimulus(current):
    if isinstance(current, inputs.Stimulus):
        return current
    if isinstance(current, inputs.Waveform):
        return inputs.Stimulus(shared=current)
    return inputs.Stimulus(offset=current)


def _seed(seed):
    if seed is None:
        return int(np.random.SeedSequence().entropy % (1 << 64))
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed: expected an int, got {_checks._show(seed)}")
    if not 0 <= seed < 1 << 64:
        raise ValueError(f"seed: must be in [0, 2**64), got {seed}")
    return int(seed)


def _resolve_model(model):
    if isinstance(model, (Izhikevich2003, Izhikevich2007)):
        return model
    if isinstance(model, str):
        return preset(model)
    if isinstance(model, Mapping) and ("C" in model or "k" in model):
        try:
            return Izhikevich2007(**model)
        except TypeError as exc:
            raise TypeError(f"model: {exc}") from None
    if isinstance(model, Mapping):
        unknown = set(model) - set(Izhikevich2003.all_field_names())
        if unknown:
            raise ValueError(f"model: unknown parameter(s) {sorted(unknown)}; "
                             f"expected {', '.join(Izhikevich2003.all_field_names())}")
        try:
            return Izhikevich2003(**model)
        except TypeError as exc:
            raise TypeError(f"model: {exc}") from None
    raise TypeError(f"model: expected a preset name (e.g. 'RS'), an Izhikevich2003 or a dict "
                    f"of parameters, got {type(model).__name__}")


#: Longest run in steps (the kernels count steps in 64-bit integers; this
#: bound keeps ``(k + 1) * dt`` exact to well below a step).
MAX_STEPS = 1 << 40


def _model_form(params):
    """The population-wide fields of the model, checked."""
    form = {name: _checks.real_scalar(f"model.{name}", getattr(params, name))
            for name in ("quadratic", "linear", "constant")}
    form["recovery"] = _checks.choice("model.recovery", params.recovery,
                                      Izhikevich2003.RECOVERY)
    return form


_METHODS_2007 = ("euler", "izhikevich2004", "rk4", "rk4_grid")


def _special_2007(params):
    """The special-cell terms of a 2007 model as the core wants them, or None."""
    if not params.special:
        return None
    sp = {name: _checks.real_scalar(f"model.{name}", getattr(params, name))
          for name in ("cubic", "v_cubic", "v_switch", "peak_u", "c_u")}
    sp["u_max"] = float(params.u_max)
    if np.isnan(sp["u_max"]):
        raise ValueError("model.u_max: must not be NaN")
    sp["use_vu"] = params.v_u is not None
    sp["v_u"] = 0.0 if params.v_u is None else _checks.real_scalar("model.v_u", params.v_u)
    if params.b_low is None:
        sp["b_low"], sp["v_switch"] = 0.0, -np.inf
    else:
        sp["b_low"] = _checks.real_scalar("model.b_low", params.b_low)
    return sp


def _form_args(form, is07, arrays, n, dt, special):
    """The Run arguments that select the model form."""
    if is07:
        full = {key: np.ascontiguousarray(np.broadcast_to(arrays[key], (n,)), dtype=np.float64)
                for key in ("k", "vr", "vt", "C")}
        return (0.04, 5.0, 140.0, False,
                (full["k"], full["vr"], full["vt"], dt / full["C"], 1.0 / full["C"]), special)
    return (form["quadratic"], form["linear"], form["constant"],
            form["recovery"] == "accommodation", None, None)


def _check_stiffness_2007(arrays, current, dt):
    """The 2007 form's version of _check_stiffness (Euler: |lambda dt| < 2).

    Lower rest state of C v' = k (v - vr)(v - vt) - b (v - vr) + I: the fast
    eigenvalue is -sqrt(disc) / C with disc = (k (vr + vt) + b)^2
    - 4 k (k vr vt + b vr + I)."""
    k, vr, vt, b, C = (arrays[key] for key in ("k", "vr", "vt", "b", "C"))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        disc = (k * (vr + vt) + b) ** 2 - 4.0 * k * (k * vr * vt + b * vr + current)
        lam = np.where((disc > 0.0) & (k > 0.0), np.sqrt(np.maximum(disc, 0.0)) / C, 0.0)
    z = np.atleast_1d(lam * dt)
    bad = np.flatnonzero(z > 2.0)
    if bad.size:
        i = int(bad[0])
        lam_i = float(z[i] / dt)
        raise ValueError(f"current: the rest state of neuron {i} relaxes at rate {lam_i:.4g}/ms, "
                         f"too fast for dt={dt:g} ms (needs dt < {2.0 / lam_i:.3g} ms); reduce "
                         "the current's magnitude or dt")


def _steps(duration, dt):
    n = duration / dt
    if not n <= MAX_STEPS:
        raise ValueError(f"duration: {duration!r} ms is {n:.3g} steps of dt={dt!r} ms; "
                         f"at most {MAX_STEPS:.3g} steps per run")
    n_steps = round(n)
    if abs(n - n_steps) > 1e-6:
        raise ValueError(f"duration: {duration!r} ms is not a whole number of steps of "
                         f"dt={dt!r} ms ({n:.10g} steps)")
    return int(n_steps)


#: Largest |lambda dt| on the negative real axis for which each method is stable.
_STABILITY_LIMIT = {"euler": 2.0, "izhikevich2004": 2.0, "izhikevich2003": 4.0,
                    "rk4": 2.785, "rk4_grid": 2.785}


def _check_stiffness(b, current, dt, method, form=None):
    """Refuse currents so negative that the rest state is too stiff for ``dt``.

    At the lower rest state (0.04 v^2 + (5 - b) v + 140 + I = 0, u = b v) the
    fast eigenvalue is lambda ~ 0.08 v + 5 = -sqrt((5 - b)^2 - 0.16 (140 + I)).
    For I -> -inf it grows like sqrt(-I): an explicit step with |lambda dt|
    beyond the method's stability limit turns the rest state into a growing
    oscillation and, soon after, into spurious spikes.
    """
    q2, q1, q0 = ((form["quadratic"], form["linear"], form["constant"]) if form
                  else (0.04, 5.0, 140.0))
    if q2 <= 0.0:
        return
    limit = _STABILITY_LIMIT[method]
    if b.ndim == 0 and current.ndim == 0:       # fast path (no NumPy machinery)
        x = q1 - float(b)
        disc = x * x - 4.0 * q2 * (q0 + float(current))
        if not (disc > 0.0 and math.sqrt(disc) * dt > limit):
            return
    with np.errstate(invalid="ignore", over="ignore"):
        disc = (q1 - b) ** 2 - 4.0 * q2 * (q0 + current)
        lam = np.sqrt(np.where(disc > 0.0, disc, 0.0))
    z = np.broadcast_to(lam * dt, np.broadcast(b, current).shape)
    bad = np.flatnonzero(np.atleast_1d(z) > limit)
    if bad.size:
        i = int(bad[0])
        cur = float(np.broadcast_to(current, z.shape).reshape(-1)[i]) if z.ndim else float(current)
        lam_i = float(np.atleast_1d(z)[i] / dt)
        raise ValueError(
            f"current: {cur:g} puts the rest state of neuron {i} near v = "
            f"{(-lam_i - q1) / (2.0 * q2):.4g} mV, where it relaxes at rate {lam_i:.4g}/ms: the "
            f"step dt={dt:g} ms is unstable there for method {method!r} (needs dt < "
            f"{limit / lam_i:.3g} ms). Such currents are far outside the model's range; "
            "reduce the current or dt")


def _record_args(record, record_neurons, record_dt, dt, n_steps, n):
    """-> (names, neuron indices, stride)."""
    if record is None:
        if record_neurons is not None or record_dt is not None:
            raise ValueError("record: record_neurons/record_dt given but record is None; "
                             "pass record='v' (or ('v', 'u'))")
        return (), None, 1
    if isinstance(record, str):
        names = (record,)
    elif isinstance(record, (tuple, list)):
        names = tuple(record)
    else:
        raise TypeError(f"record: expected 'v', 'u' or a tuple of them, got {record!r}")
    if not names:
        return (), None, 1
    for name in names:
        _checks.choice("record", name, _TRACEABLE)
    if len(set(names)) != len(names):
        raise ValueError(f"record: duplicate names in {record!r}")
    if record_neurons is None:
        idx = np.arange(n, dtype=np.int64)
    else:
        arr = np.asarray(record_neurons)
        if arr.size == 0:
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iu" or arr.ndim > 1:
            raise TypeError(f"record_neurons: expected an int or a 1-D array of ints, "
                            f"got {_checks._show(record_neurons)}")
        idx = arr.astype(np.int64).ravel()
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise ValueError(f"record_neurons: indices must be in [0, {n}), "
                             f"got {_checks._show(record_neurons)}")
        idx = np.where(idx < 0, idx + n, idx)
        if np.unique(idx).size != idx.size:
            raise ValueError("record_neurons: indices must be unique")
    if record_dt is None:
        stride = 1
    else:
        rdt = _checks.real_scalar("record_dt", record_dt, positive=True)
        ratio = rdt / dt
        stride = round(ratio)
        if stride < 1 or abs(ratio - stride) > 1e-9 * ratio:
            raise ValueError(f"record_dt: {rdt!r} ms must be a whole multiple of dt={dt!r} ms")
    return names, idx, stride


# bytes a spike costs: 12 while running (neuron index + time), 8 in the result
_SPIKE_BYTES = 20


def _check_spike_memory(run, k1, n_steps, dt):
    """Stop a run whose spikes, extrapolated to its end, cannot fit in memory.

    The number of spikes is known only as the run goes; after each chunk the
    count so far is projected linearly to the last step (checked once the
    spikes take 256 MiB, so ordinary runs never read /proc/meminfo)."""
    stored = run.n_spikes() * _SPIKE_BYTES
    if stored < 1 << 28 or k1 >= n_steps:
        return
    projected = int(stored * (n_steps / k1)) - stored
    _checks.fits_in_memory(
        f"simulate: after {k1 * dt:g} ms the spikes take {stored / 2**30:.2f} GiB; the rest of "
        f"the run, at this rate, ({run.n_spikes() / k1 * (n_steps - k1):.3g} more spikes)",
        projected, "simulate fewer neurons or a shorter run (or in pieces, continuing from "
        "v_final and u_final)")


def _progress_bar(progress, n_steps, n, method):
    """A tqdm bar over the steps (tqdm.auto: a widget in notebooks), or None."""
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=n_steps, unit="step", desc=f"izhic {method}, {n} neurons",
                leave=False, mininterval=0.25)


def simulate(model="RS", current=0.0, duration=1000.0, dt=0.1, method=None, *,
             n_neurons=None, v0=None, u0=None, record=None, record_neurons=None,
             record_dt=None, v_at_spike="peak", spike_time=None, noise=None,
             noise_kind="white", seed=None, neuron_ids=None, n_threads=None, progress=False):
    """Simulate a population of independent Izhikevich neurons.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict
        A 2003 preset name (``"RS"``, ``"IB"``, ``"CH"``, ``"FS"``, ``"LTS"``,
        ``"TC"``, ``"RZ"``), parameters ``a, b, c, d[, v_peak, ...]`` of the
        2003 form, or a 2007-form model (``izhic.PRESETS_2007["RS"]``, or a
        dict with ``C, k, vr, vt, v_peak, a, b, c, d``; every method but
        "izhikevich2003"); per-neuron fields may hold one value per neuron.
    current : float, array_like (n_neurons,), Waveform or Stimulus
        Input current (model units): a constant per neuron, or a
        time-varying stimulus built from :mod:`izhic.inputs` (e.g.
        ``offsets + izhic.inputs.pulse(100, 200, 5.0)``). The current of each
        step is the stimulus at the step's start ``t_k = k dt``, held over the
        step (all RK4 stages see it).
    duration : float
        Simulated time in ms (a whole number of steps).
    dt : float
        Time step in ms.
    method : {"rk4", "euler", "izhikevich2004", "izhikevich2003", "rk4_grid"}, optional
        Integration scheme, see :data:`METHODS`; default ``"rk4"`` (2003 form)
        or ``"euler"`` (2007 form, the book's scheme). ``"rk4"``
        locates each crossing of ``v_peak`` inside the step to the
        integrator's accuracy, resets the neuron there and finishes the step
        from the reset state. The other ("grid") methods test
        ``v >= v_peak`` at the end of each step, reset there and report the
        spike at the end of that step.
    n_neurons : int, optional
        Population size when every other argument is a scalar (default 1); if
        given with arrays it must match their length.
    v0 : float or array_like, optional
        Initial membrane potential (mV); default -65 (2003 form) or ``vr``
        (2007 form).
    u0 : float or array_like, optional
        Initial recovery variable; default ``b * v0`` (2003 form) or 0 (2007
        form, as the book's code).
    record : None, "v", "u" or ("v", "u")
        Traces to record. Nothing is recorded by default.
    record_neurons : int or array_like of int, optional
        Neurons whose traces are recorded (default: all); row ``i`` of a trace
        belongs to neuron ``record_neurons[i]``.
    record_dt : float, optional
        Sampling interval of the traces in ms, a multiple of ``dt`` (default
        ``dt``). Samples are taken at ``t = 0, record_dt, 2 record_dt, ...``.
    v_at_spike : {"peak", "overshoot", "reset"}
        What the v trace shows in a sample whose step ended in a spike:
        ``v_peak`` (as Izhikevich's figures), the value the step computed
        before the reset (as the original RS project), or the reset value c.
    spike_time : {"grid", "interpolate"}, optional
        Grid methods only: report the end of the step (``"grid"``, default) or
        where the straight line between v at the start of the step and the
        pre-reset v at its end meets ``v_peak`` (``"interpolate"``: a cheap
        first-order correction of the reported time; the dynamics and the
        reset are unchanged).
    noise : float or array_like, optional
        Gaussian current noise amplitude per neuron (sigma >= 0). Added to the
        current of each step, redrawn every step.
    noise_kind : {"white", "per_step"}
        ``"white"``: sigma * N(0,1) / sqrt(dt) (white noise of intensity sigma:
        the Euler-Maruyama scaling, results converge as dt -> 0).
        ``"per_step"``: sigma * N(0,1) each step, whatever dt (the 2003
        network's ``I = 5 randn``).
    seed : int, optional
        Seed of the noise (default: a fresh random seed, reported as
        ``res.seed``). The noise of neuron i at step k depends only on
        (seed, i, k): identical for any thread count.
    neuron_ids : array_like of int, shape (n_neurons,), optional
        The identity of each neuron in the noise stream (non-negative ints,
        default ``0 .. n_neurons - 1``): neuron ``i`` draws the numbers of
        ``(seed, neuron_ids[i], k)``. Give a part of a larger population its
        ids there and it gets the same noise as in the whole (``izhic.sweep``
        does this); equal ids draw equal noise.
    n_threads : int, optional
        OpenMP threads (-1: all cores). None (default): all cores, but no more
        than one per ~2 million neuron-steps (small runs stay on one thread).
        Results do not depend on it.
    progress : bool, default False
        Show a tqdm progress bar over the steps (a widget in notebooks).

    Returns
    -------
    SimulationResult
        ``res.spike_times[i]`` holds neuron ``i``'s spike times in ms.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.
    MemoryError
        When the traces asked for cannot fit in memory (checked before
        allocating) or the spikes outgrow it.

    Notes
    -----
    Each step advances ``(v, u)`` from ``t = k dt`` to ``(k + 1) dt`` with
    the current held constant. Grid methods: if then ``v >= v_peak`` the
    neuron spikes at ``(k + 1) dt`` and ``v <- c``, ``u <- u + d``. ``"rk4"``:
    the spike time is the crossing inside the step; more than
    ``izhic._core.SPIKES_PER_STEP_LIMIT`` crossings of one neuron in one step
    raise ValueError. A neuron that starts at or above ``v_peak`` spikes at
    t = 0 with ``"rk4"``. Traces sample the state at ``t = k dt`` after any
    reset (except v at a spike, see ``v_at_spike``).

    Examples
    --------
    >>> import izhic
    >>> res = izhic.simulate("RS", current=[0, 5, 10], duration=1000.0, dt=0.25,
    ...                      method="izhikevich2004")
    >>> res.spike_counts().tolist()
    [0, 11, 23]
    """
    params = _resolve_model(model)
    if method is None:
        method = "euler" if isinstance(params, Izhikevich2007) else "rk4"
    duration = _checks.real_scalar("duration", duration, nonnegative=True)
    dt = _checks.real_scalar("dt", dt, positive=True)
    _checks.choice("method", method, tuple(METHODS))
    _checks.choice("v_at_spike", v_at_spike, _V_AT_SPIKE)
    if spike_time is None:
        spike_time = "located" if method == "rk4" else "grid"
    elif method == "rk4":
        raise ValueError(f"spike_time: {spike_time!r} does not apply to method 'rk4', which "
                         "locates each crossing inside the step; use method='rk4_grid' for "
                         "grid spike times")
    else:
        _checks.choice("spike_time", spike_time, _SPIKE_TIME)
    auto_threads = n_threads is None
    threads = _checks.n_threads(n_threads)
    n_steps = _steps(duration, dt)

    is07 = isinstance(params, Izhikevich2007)
    names = params.field_names()
    if is07:
        if method not in _METHODS_2007:
            raise ValueError(f"method: the 2007 form runs with {', '.join(map(repr, _METHODS_2007))}"
                             f" (the book's own scheme is 'euler'; 'izhikevich2003' is the 2003 "
                             f"network's), got {method!r}")
        form, special = None, _special_2007(params)
    else:
        form, special = _model_form(params), None
    arrays = {name: _checks.real_array(f"model.{name}", getattr(params, name)) for name in names}
    peak = arrays["v_peak"]
    if peak.size and not (np.abs(peak) < _V_BOUND).all():
        raise ValueError(f"model.v_peak: must lie within +-{_V_BOUND:g} mV, got "
                         f"{peak[np.abs(peak) >= _V_BOUND].ravel()[0]!r}")
    c_arr, peak_b = ((arrays["c"], peak) if arrays["c"].ndim == peak.ndim == 0
                     else np.broadcast_arrays(arrays["c"], peak))
    if special is None and (c_arr >= peak_b).any():
        raise ValueError("model.c: the reset value must be below v_peak, got c="
                         f"{c_arr[c_arr >= peak_b].ravel()[0]!r} >= v_peak")
    stim = _as_stimulus(current)
    arrays["current"] = _checks.real_array("current", stim.offset)
    arrays["v0"] = _checks.real_array("v0", (arrays["vr"] if is07 else -65.0) if v0 is None else v0)
    if u0 is not None:
        arrays["u0"] = _checks.real_array("u0", u0)

    _checks.choice("noise_kind", noise_kind, _NOISE_KINDS)
    if seed is not None:
        _seed(seed)
    if noise is not None:
        arrays["noise"] = _checks.real_array("noise", noise)
        if (arrays["noise"] < 0).any():
            raise ValueError(f"noise: must be >= 0, got {arrays['noise'].min()!r}")
    sizes = {key: arr.size for key, arr in arrays.items() if arr.ndim == 1}
    if stim.own is not None:
        sizes["current (per-neuron waveform)"] = stim.n_own
    if n_neurons is not None:
        if isinstance(n_neurons, (bool, np.bool_)) or not isinstance(n_neurons, (int, np.integer)):
            raise TypeError(f"n_neurons: expected an int, got {_checks._show(n_neurons)}")
        if n_neurons < 1:
            raise ValueError(f"n_neurons: must be >= 1, got {n_neurons}")
        n = int(n_neurons)
    else:
        n = max(sizes.values(), default=1)
    bad = {key: size for key, size in sizes.items() if size != n}
    if bad:
        raise ValueError("shapes: per-neuron arrays must all have length n_neurons="
                         f"{n}; got lengths {bad}")

    _checks.fits_in_memory(f"current: a per-neuron waveform of {n} x {n_steps} steps",
                           8 * n * n_steps if stim.own is not None else 0)
    wave, own = stim.sample(n_steps, dt) if n_steps else (None, None)
    lowest = arrays["current"]
    if wave is not None:
        lowest = lowest + wave.min()
    if own is not None:
        lowest = lowest + own.min(axis=0)
    if is07:
        _check_stiffness_2007(arrays, lowest, dt)
        if (arrays["C"] <= 0).any():
            raise ValueError("model.C: the capacitance must be > 0")
    else:
        _check_stiffness(arrays["b"], lowest, dt, method, form)
    noise_scale = None
    seed = None if noise is None else _seed(seed)
    if noise is not None:
        scale = arrays["noise"] / np.sqrt(dt) if noise_kind == "white" else arrays["noise"]
        noise_scale = np.ascontiguousarray(np.broadcast_to(scale, (n,)), dtype=np.float64)
    ids = None
    if neuron_ids is not None:
        ids = _checks.neuron_ids("neuron_ids", neuron_ids, n)
    rec_names, rec_idx, stride = _record_args(record, record_neurons, record_dt, dt, n_steps, n)
    n_samples = n_steps // stride + 1
    n_rec = 0 if rec_idx is None else rec_idx.size
    _checks.fits_in_memory(
        f"simulate: {n} neurons (state and parameters) and traces of "
        f"{n_rec} neurons x {n_samples} samples x {len(rec_names)} variables",
        8 * (10 * n + n_rec * n_samples * len(rec_names)),
    )

    def per_neuron(arr):
        if arr.ndim == 0:
            return np.full(n, arr.item())
        return np.ascontiguousarray(np.broadcast_to(arr, (n,)), dtype=np.float64)

    # parameters: one shared value (kept in registers by the kernels) or one per neuron
    shared = all(arrays[name].ndim == 0 for name in names)
    prm = {name: (arrays[name].reshape(1) if shared else per_neuron(arrays[name]))
           for name in names}
    current_arr = per_neuron(arrays["current"])
    v = np.array(per_neuron(arrays["v0"]))  # state: our own copies, updated in place
    if "u0" in arrays:
        u = np.array(per_neuron(arrays["u0"]))
    else:
        u = np.zeros(n) if is07 else per_neuron(arrays["b"]) * v

    t = tr_v = tr_u = rec_row = None
    if rec_names:
        t = np.arange(n_samples, dtype=np.float64) * (stride * dt)
        rec_row = np.full(n, -1, dtype=np.int32)
        rec_row[rec_idx] = np.arange(n_rec, dtype=np.int32)
        if "v" in rec_names:
            tr_v = np.empty((n_rec, n_samples))
            tr_v[:, 0] = v[rec_idx]
        if "u" in rec_names:
            tr_u = np.empty((n_rec, n_samples))
            tr_u[:, 0] = u[rec_idx]
        if n_rec == 0:
            rec_row = None

    if auto_threads:
        # a thread needs enough work to pay for waking it and for the barrier
        # at the end of each chunk (milliseconds when another process holds a core)
        threads = max(1, min(threads, (n * n_steps) // _WORK_PER_THREAD))
    run = _core.Run(method, dt, prm["a"], prm["b"], prm["c"], prm["d"], prm["v_peak"],
                    current_arr, v, u, stride, rec_row,
                    tr_v if n_rec else None, tr_u if n_rec else None, v_at_spike, threads,
                    spike_time == "interpolate", wave, own, noise_scale,
                    0 if seed is None else seed, *_form_args(form, is07, arrays, n, dt, special),
                    ids=ids)
    # Chunks of a few milliseconds of work: between them the GIL is back, so
    # Ctrl-C raises KeyboardInterrupt promptly and the progress bar moves.
    chunk = max(1, _CHUNK_WORK // n)
    bar = _progress_bar(progress, n_steps, n, method)
    try:
        for k0 in range(0, n_steps, chunk):
            k1 = min(k0 + chunk, n_steps)
            if not run.advance(k0, k1):
                raise MemoryError(f"simulate: out of memory storing spikes after "
                                  f"{run.n_spikes()} spikes (at t = {k0 * dt:g} ms)")
            if run.n_capped():
                raise ValueError(
                    f"current: a neuron crossed v_peak more than "
                    f"{_core.SPIKES_PER_STEP_LIMIT} times within one step of dt={dt!r} ms "
                    f"(near t = {k0 * dt:g} ms); the current is far too large for this "
                    "model: reduce it or dt")
            _check_spike_memory(run, k1, n_steps, dt)
            if bar is not None:
                bar.update(k1 - k0)
    finally:
        if bar is not None:
            bar.close()
    times, offsets = run.collect()
    v.flags.writeable = False
    u.flags.writeable = False
    return SimulationResult(
        spike_times=SpikeTrains(times, offsets), duration=duration, dt=dt, method=method,
        n_neurons=n, v_final=v, u_final=u, t=t, v=tr_v, u=tr_u,
        record_neurons=rec_idx if rec_names else None, seed=seed,
    )
