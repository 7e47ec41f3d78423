"""``izhic.simulate``: the one public entry to the compiled core.

Data flows one way: arguments -> :func:`izhic._plan.build_plan` (every check,
once) -> :class:`izhic._core.Run` (nogil kernels, run in chunks of steps) ->
:class:`izhic.result.SimulationResult`.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import _checks, _core
from ._extras import require
from ._plan import build_plan
from ._time import step_times
from .models import GRID_METHODS, METHODS, AccuracyWarning
from .result import SimulationResult, SpikeTrains, State

__all__ = ["simulate", "METHODS", "GRID_METHODS"]

# bytes a spike costs: 12 while running (neuron index + time), 8 in the result
_SPIKE_BYTES = 20


def _check_spike_memory(run, k1, n_steps, plan):
    """Stop a run whose spikes, extrapolated to its end, cannot fit in memory.

    The number of spikes is known only as the run goes; after each chunk the
    count so far is projected linearly to the last step (checked once the
    spikes take 256 MiB, so ordinary runs never read /proc/meminfo)."""
    stored = run.n_spikes() * _SPIKE_BYTES
    if stored < 1 << 28 or k1 >= n_steps:
        return
    projected = int(stored * (n_steps / k1)) - stored
    _checks.fits_in_memory(
        f"simulate: after {k1 * plan.dt:g} ms the spikes take {stored / 2**30:.2f} GiB; the "
        f"rest of the run, at this rate, ({run.n_spikes() / k1 * (n_steps - k1):.3g} more "
        "spikes)", projected, "simulate fewer neurons or a shorter run (or in pieces, "
        "continuing with state=res.state)")


def _progress_bar(progress, plan):
    """A tqdm bar over the steps (tqdm.auto: a widget in notebooks), or None."""
    if not progress:
        return None
    tqdm = require("tqdm.auto", "progress", "simulate(progress=True)").tqdm
    return tqdm(total=plan.n_steps, unit="step",
                desc=f"izhic {plan.method}, {plan.n} neurons", leave=False, mininterval=0.25)


def _diagnose(plan, step, neuron, what, diverged=False):
    """The error for a neuron whose state left the model's range (``what``)
    or that crossed v_peak too often within one step: name the likely cause
    (the current, the step, the parameters) with its values. A neuron that
    ran away is run again alone with a quarter of the step: if it then stays
    in range, the step was the cause."""
    m = plan.model.broadcast(plan.n).take(neuron)
    t = float(step_times(step + 1, plan.dt))
    current = float(plan.current[neuron])
    rate = float(np.max(m.peak_rate()))
    when = (f"by t = {t:g} ms (the range is checked every {_core.RANGE_CHECK_STEPS} steps)"
            if diverged else f"in the step ending at t = {t:g} ms")
    head = f"neuron {neuron} {what} {when} (method {plan.method!r}, dt={plan.dt:g} ms)"
    if abs(current) > 1e3 * max(1.0, abs(float(m.v_nullcline(0.0, m.c)))):
        return f"current: {head}: the current {current:g} is far outside the model's range"
    if rate * plan.dt > 8.0:
        return (f"dt: {head}: the step is far too coarse for this model (its upstroke at "
                f"v_peak grows at {rate:.3g}/ms; steps well below {8.0 / rate:.2g} ms "
                "resolve it); reduce dt")
    if diverged and plan.stimulus is not None and plan.noise is None:
        v0, u0 = (float(np.broadcast_to(x, (plan.n,))[neuron]) for x in plan.initial)
        stim = plan.stimulus
        offset = float(np.broadcast_to(np.asarray(stim.offset, dtype=float), (plan.n,))[neuron])
        finer = plan.dt / 4.0
        span = (step + 1 - plan.step0) * plan.dt
        try:
            finer_plan = build_plan(m, offset if stim.shared is None else offset + stim.shared,
                                    round(span / finer) * finer, finer, plan.method, v0=v0,
                                    u0=u0, n_threads=1)
            _run(finer_plan, diagnose=False)   # (without the network: the neuron alone)
        except (ValueError, MemoryError):
            pass
        else:
            return (f"dt: {head}: the step is unstable for this neuron (with dt={finer:g} ms "
                    "it stays in range); reduce dt")
    return (f"model: {head}: the state runs away under these parameters and this step "
            f"({m.describe()}; {m.label()}); reduce dt, or check the parameters and the "
            "initial state")


def _run(plan, progress=False, diagnose=True):
    """Advance the plan's kernel in chunks; -> (times, offsets). A refused run
    raises ValueError (naming its likely cause if ``diagnose``)."""
    run = _core.Run(plan)
    # Chunks of a few milliseconds of work: between them the GIL is back, so
    # Ctrl-C raises KeyboardInterrupt promptly and the progress bar moves.
    bar = _progress_bar(progress, plan)
    try:
        for k0 in range(0, plan.n_steps, plan.chunk):
            k1 = min(k0 + plan.chunk, plan.n_steps)
            if not run.advance(k0, k1):
                raise MemoryError(f"simulate: out of memory storing spikes after "
                                  f"{run.n_spikes()} spikes (at t = {k0 * plan.dt:g} ms)")
            n_capped, step, neuron = run.capped()
            if n_capped and not diagnose:
                raise ValueError("capped")
            if n_capped:
                raise ValueError(_diagnose(
                    plan, step, neuron,
                    f"needed more than {_core.PS_SUBSTEPS_LIMIT} sub-steps of its series"
                    if run.stalled() else
                    f"crossed v_peak more than {_core.SPIKES_PER_STEP_LIMIT} times"))
            n_bad, step, neuron = run.diverged()
            if n_bad and not diagnose:
                raise ValueError("diverged")
            if n_bad:
                raise ValueError(_diagnose(
                    plan, step, neuron, "left the model's range (|u| or |v| beyond 1e150, "
                    "or not a number)", diverged=True))
            _check_spike_memory(run, k1, plan.n_steps, plan)
            if bar is not None:
                bar.update(k1 - k0)
    finally:
        if bar is not None:
            bar.close()
    offsets = np.zeros(plan.n + 1, dtype=np.int64)
    run.count(offsets)
    times = np.empty(int(offsets[-1]), dtype=np.float64)
    run.fill(times, offsets, offsets[:plan.n].copy())
    in_flight = None
    if plan.network is not None:
        k_end = plan.step0 + plan.n_steps
        count = run.in_flight_count(k_end, plan.network.max_delay)
        in_flight = (np.empty(count, dtype=np.int32), np.empty(count, dtype=np.int64))
        run.in_flight_fill(*in_flight, k_end, plan.network.max_delay)
    return times, offsets, in_flight


def simulate(model="RS", current=0.0, duration=1000.0, dt=0.1, method=None, *,
             n_neurons=None, v0=None, u0=None, record=None, record_neurons=None,
             record_dt=None, v_at_spike="peak", spike_time=None, noise=None,
             noise_kind="white", seed=None, neuron_ids=None, n_threads=None, state=None,
             synapses=None, poisson=None, plasticity=None, progress=False):
    """Simulate Izhikevich neurons: a population, or a network of them.

    Parameters
    ----------
    model : str, Izhikevich2003, Izhikevich2007 or dict
        A 2003 preset name (``"RS"``, ``"IB"``, ``"CH"``, ``"FS"``, ``"LTS"``,
        ``"TC"``, ``"RZ"``), parameters ``a, b, c, d[, v_peak, ...]`` of the
        2003 form, or a 2007-form model (``izhic.PRESETS_2007["RS"]``, or a
        dict with ``C, k, vr, vt, v_peak, a, b, c, d``); per-neuron fields may
        hold one value per neuron.
    current : float, array_like (n_neurons,), Waveform or Stimulus
        Input current (model units): a constant per neuron, or a
        time-varying stimulus built from :mod:`izhic.inputs` (e.g.
        ``offsets + izhic.inputs.pulse(100, 200, 5.0)``). The current of each
        step is the stimulus at the step's start ``t_k = k dt``, held over the
        step (all RK4 stages see it). Sparse pulses:
        ``izhic.inputs.events(neuron, time, amplitude)`` (each amplitude
        added to the current of the step that starts at ``time``) and
        ``izhic.inputs.random_events(amplitude)`` (spnet's thalamic input).
    duration : float
        Simulated time in ms (a whole number of steps).
    dt : float
        Time step in ms.
    method : {"rk4", "euler", "izhikevich2004", "izhikevich2003", "rk4_grid", "ps"}, optional
        Integration scheme, see :data:`METHODS`; default: the model form's
        (``"rk4"`` for the 2003 form, ``"euler"``, the book's scheme, for the
        2007 form). ``"rk4"`` locates each crossing of ``v_peak`` inside the
        step to the integrator's accuracy, resets the neuron there and
        finishes the step from the reset state. ``"ps"`` (Parker-Sochacki)
        integrates by Taylor series of adaptive order and sub-step, each
        crossing the root of the series: spike times within about 1e-9 ms of
        the exact solution at any ``dt`` (which then only sets the grid of
        the input, the traces and the network), at 1.4-5x the cost of
        ``"rk4"`` at dt = 0.1. The other ("grid") methods test
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
        ``dt``). Samples are taken at ``t_start, t_start + record_dt, ...``.
    v_at_spike : {"peak", "overshoot", "reset"}
        What the v trace shows in a sample whose step ended in a spike: the
        cut-off the spike crossed (``v_peak``; ``v_peak + peak_u u`` for the
        2007 cells whose cut-off moves with u), as Izhikevich's figures; the
        value the step computed before the reset (as the original RS project;
        with ``"rk4"``, which resets at the crossing, the cut-off); or the
        reset value.
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
        Seed of the noise, the Poisson input and the random events (default:
        a fresh random seed, reported as ``res.seed``; with ``state=``, the
        state's seed). The noise of neuron i at step k depends only on
        (seed, i, k): identical for any thread count. Refused when nothing
        would use it.
    neuron_ids : array_like of int, shape (n_neurons,), optional
        The identity of each neuron in the noise stream (non-negative ints,
        default ``0 .. n_neurons - 1``): neuron ``i`` draws the numbers of
        ``(seed, neuron_ids[i], k)``. Give a part of a larger population its
        ids there and it gets the same noise as in the whole (``izhic.sweep``
        does this); equal ids draw equal noise.
    n_threads : int, optional
        OpenMP threads (-1: all cores). None (default): all cores, but no more
        than one per ~2 million neuron-steps (small runs stay on one thread)
        and, for a network, one per 25,000 neurons (5,000 when plastic: its
        threads meet at a barrier every window of the shortest delay, every
        step when plastic). Results do not depend on it.
    state : State, optional
        Continue from ``res.state`` of an earlier run (instead of ``v0``,
        ``u0``): the same ``dt``; steps, noise and time-varying input go on
        from where that run stopped, so chained runs equal one long run bit
        for bit, and times (spikes, traces) are absolute.
    synapses : Synapses or list of Synapses, optional
        Connections between the neurons (:class:`izhic.Synapses`, built
        directly, from a dense matrix or with :mod:`izhic.connect`): a spike
        found at the end of step k reaches a target of a synapse with a
        delay of m steps in step k + m, where it acts as the synapse's kind
        says (``"current"``: added to the current of that step;
        ``"voltage"``: v jumps at the step's start; ``"exponential"``: a
        synaptic current with time constant tau). The input of a step is
        summed in a fixed order (events, random events, Poisson input, then
        the spikes newest first; among one step's spikes the highest index
        first; for one spike the objects in the order given, each in storage
        order), so results do not depend on the thread count.
    poisson : PoissonInput or list of them, optional
        Independent Poisson spike input to every neuron
        (:func:`izhic.inputs.poisson`), through a synapse kind.
    plasticity : STDP or list of (STDP or None), optional
        The rule that changes the synapses' weights (:class:`izhic.STDP`,
        see :mod:`izhic.plasticity`); a list gives each Synapses object its
        rule or None. The final weights are ``res.weights``.
    progress : bool, default False
        Show a tqdm progress bar over the steps (a widget in notebooks).

    Returns
    -------
    SimulationResult
        ``res.spike_times[i]`` holds neuron ``i``'s spike times in ms;
        ``res.state`` continues the run.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it. Also for a step that is
        unstable for the model and method (with the dt that would work), and
        for a run whose state leaves the model's range (naming the neuron,
        the time and the likely cause): no NaN or inf reaches a result.
    MemoryError
        When the traces asked for cannot fit in memory (checked before
        allocating) or the spikes outgrow it.

    Warns
    -----
    AccuracyWarning
        When ``dt`` is legal but too coarse for the method to resolve a spike
        (the result then mostly shows the step); and, after a grid-method run,
        when a neuron spiked in more than a third of the steps.

    Notes
    -----
    Each step advances ``(v, u)`` from ``t_k = k dt`` to ``t_{k+1}`` with
    the current held constant. Grid methods: if then ``v >= v_peak`` the
    neuron spikes at ``t_{k+1}`` and ``v <- c``, ``u <- u + d``. ``"rk4"``
    and ``"ps"``: the spike time is the crossing inside the step; more than
    ``izhic._core.SPIKES_PER_STEP_LIMIT`` crossings of one neuron in one step
    (with ``"ps"`` also more than ``izhic._core.PS_SUBSTEPS_LIMIT`` sub-steps)
    raise ValueError. A neuron that starts at or above ``v_peak`` spikes at
    the start of the run with ``"rk4"`` and ``"ps"``. Traces sample the state at the step
    boundaries after any reset (except v at a spike, see ``v_at_spike``).
    Reported times are ``k dt`` rounded from the decimal ``dt`` (3 steps of
    0.1 ms end at 0.3), so every spike lies in ``[t_start, t_stop]``.

    Examples
    --------
    >>> import izhic
    >>> res = izhic.simulate("RS", current=[0, 5, 10], duration=1000.0, dt=0.25,
    ...                      method="izhikevich2004")
    >>> res.spike_counts().tolist()
    [0, 11, 23]
    >>> first = izhic.simulate("RS", 10.0, 500.0)
    >>> rest = izhic.simulate("RS", 10.0, 500.0, state=first.state)
    >>> rest.t_start, bool(rest.spike_times[0][0] > 500.0)
    (500.0, True)
    """
    plan = build_plan(model, current, duration, dt, method, n_neurons=n_neurons, v0=v0, u0=u0,
                      record=record, record_neurons=record_neurons, record_dt=record_dt,
                      v_at_spike=v_at_spike, spike_time=spike_time, noise=noise,
                      noise_kind=noise_kind, seed=seed, neuron_ids=neuron_ids,
                      n_threads=n_threads, state=state, synapses=synapses, poisson=poisson,
                      plasticity=plasticity)
    for text in plan.warnings:
        warnings.warn(text, AccuracyWarning, stacklevel=2)
    times, offsets, in_flight = _run(plan, progress)
    text = None if plan.warnings else _every_step_warning(plan, offsets)
    if text:                    # (a step already warned about as too coarse: once is enough)
        warnings.warn(text, AccuracyWarning, stacklevel=2)
    return result_of(plan, times, offsets, in_flight)


#: a grid method's neuron that spikes in more than this share of its steps (a
#: spike every 3 steps or faster) is warned about: the step is then what the
#: spike times show
EVERY_STEP_SHARE = 1.0 / 3.0
#: what that warning's text starts with (a filter for callers that expect it)
EVERY_STEP_MESSAGE = r"method '[^']+', dt=\S+ ms: neuron \d+ spiked in \d+ of \d+ steps"


def _every_step_warning(plan, offsets):
    """The AccuracyWarning text for a grid-method run in which a neuron
    spiked in more than EVERY_STEP_SHARE of the steps (at least 10), else None.
    (rk4 and ps locate such spikes inside the step, and refuse a neuron that
    crosses v_peak more than SPIKES_PER_STEP_LIMIT times in one.)"""
    if plan.method not in GRID_METHODS or plan.n_steps < 10:
        return None
    counts = np.diff(np.asarray(offsets))
    i = int(np.argmax(counts))
    if not counts[i] > EVERY_STEP_SHARE * plan.n_steps:
        return None
    neuron = i if plan.neuron_ids is None else int(np.asarray(plan.neuron_ids)[i])
    return (f"method {plan.method!r}, dt={plan.dt:g} ms: neuron {neuron} spiked in "
            f"{int(counts[i])} of {plan.n_steps} steps, so its spike times show the step, "
            "not the model: the input is far too strong for this dt, or the reset lies at "
            "or above the cut-off (the 2007 LTS cell above about 1000 pA, near its u cap); "
            "'rk4' locates the spikes inside the step (and refuses the second case)")


def result_of(plan, times, offsets, in_flight=None):
    """The SimulationResult of a finished plan."""
    v, u = plan.v, plan.u
    v.flags.writeable = False
    u.flags.writeable = False
    net = plan.network
    plastic, weights = _plastic_state(net)
    state = State(v, u, plan.step0 + plan.n_steps, plan.dt, plan.seed,
                  in_flight=in_flight, syn=None if net is None else net.syn.copy(),
                  network=None if net is None else net.fingerprint, plastic=plastic)
    return SimulationResult(
        spike_times=SpikeTrains(times, offsets), duration=plan.duration, dt=plan.dt,
        method=plan.method, n_neurons=plan.n, v_final=v, u_final=u, t=plan.t,
        v=plan.tr_v, u=plan.tr_u, record_neurons=plan.record_neurons, seed=plan.seed,
        state=state, t_start=plan.t_start, t_stop=plan.t_stop, weights=weights,
    )


def _frozen(x):
    if x is not None:
        x.flags.writeable = False
    return x


def _plastic_state(net):
    """(State.plastic, SimulationResult.weights) of a finished network plan."""
    if net is None or not net.rule:
        return None, None
    prs = net.projections
    plastic = {"rule": "izhikevich2006" if net.rule == 1 else "additive",
               "weights": tuple(_frozen(pr.weight) if pr.rule else None for pr in prs)}
    if net.rule == 1:
        plastic["sd"] = tuple(_frozen(pr.sd) for pr in prs)
        plastic["traces"] = _frozen(net.traces)
    else:
        plastic["apre"] = tuple(_frozen(pr.apre) for pr in prs)
        plastic["tpre"] = tuple(_frozen(pr.tpre) for pr in prs)
        plastic["apost"] = _frozen(net.apost)
        plastic["tpost"] = _frozen(net.tpost)
    weights = [pr.weight for pr in prs]
    return plastic, weights[0] if len(net.synapses) == 1 and net.single else weights

