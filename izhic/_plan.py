"""The validated plan of a simulation: what :func:`izhic.simulate` hands the kernel.

``build_plan`` checks and coerces every argument once (types, finiteness,
shapes, the model form's numerics, the memory a run needs) and returns a
:class:`Plan`: contiguous arrays, integer codes and flags, nothing the kernel
has to interpret. :class:`izhic._core.Run` takes the plan and nothing else;
the NumPy oracle (:func:`izhic.reference.simulate_numpy`) runs from the same
plan.

Data flows one way: arguments -> plan -> kernel -> result.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from . import _checks, _core, _noise, inputs
from ._time import MAX_STEPS, n_steps_of, step_times, time_grid
from .models import LOCATING_METHODS, METHODS, PARAM_BOUND, V_BOUND, Izhikevich2003, as_model
from .result import State
from .plasticity import STDP
from .synapses import Synapses

__all__ = ["Plan", "build_plan", "MAX_STEPS", "time_grid"]

_SPIKE_TIME = ("grid", "interpolate")
_TRACEABLE = ("v", "u")
_V_AT_SPIKE = ("peak", "overshoot", "reset")
_NOISE_KINDS = ("white", "per_step")
# n_threads=None: one thread per this many neuron-steps at least
_NET_NEURONS_PER_THREAD = 25_000   # network runs: neurons a thread needs (n_threads=None)
_PLASTIC_NEURONS_PER_THREAD = 5_000   # plastic ones (more work per neuron and step)
_WORK_PER_THREAD = 1 << 21
# neuron-steps per chunk: a chunk takes milliseconds, so Ctrl-C is handled promptly
_CHUNK_WORK = 1 << 23
_MAXW = 64


#: A window of a network run is at most this many steps (its input
#: accumulators hold one value per neuron and step).
MAX_WINDOW = 32
#: exponential synapses: distinct time constants in one run (izhic._core.MAX_EXP)
MAX_EXP = 4
#: Poisson input: most arrivals expected per neuron and step (the inverse
#: transform draws cost about that many operations)
MAX_POISSON_MEAN = 100.0


@dataclass(eq=False)
class ProjPlan:
    """One Synapses object as the kernel reads it."""

    gptr: np.ndarray            # neuron i's groups: gptr[i] .. gptr[i + 1] - 1
    gstart: np.ndarray          # group g's synapses: gstart[g] .. gstart[g + 1] - 1
    gdidx: np.ndarray           # group g's delay: dsteps[gdidx[g]]
    post: np.ndarray
    weight: np.ndarray
    dsteps: np.ndarray
    acc: int
    unique_targets: bool        # no group hits a target twice
    # plasticity (rule 0: none): the run's own weights and what the rule keeps
    rule: int = 0
    mask: Optional[np.ndarray] = None    # uint8 per synapse, or None: every synapse
    sd: Optional[np.ndarray] = None      # izhikevich2006: the derivatives
    apre: Optional[np.ndarray] = None    # additive: the synapses' presynaptic traces
    tpre: Optional[np.ndarray] = None    # ... and the step of their last arrival
    in_ptr: Optional[np.ndarray] = None  # the plastic synapses onto neuron i:
    in_syn: Optional[np.ndarray] = None  # in_syn[in_ptr[i]:in_ptr[i+1]] (storage positions),
    in_pre: Optional[np.ndarray] = None  # their presynaptic neurons
    in_dly: Optional[np.ndarray] = None  # and their delays (steps)
    gflag: Optional[np.ndarray] = None   # uint8 per group: 0 no plastic synapse, 1 all, 2 some
    in_off: Optional[np.ndarray] = None  # izhikevich2006: in_pre - in_dly * n (the trace's place)


@dataclass(eq=False)
class PoissonPlan:
    acc: int
    weight: float
    lam: float
    emlam: float
    keys: np.ndarray


@dataclass(eq=False)
class NetworkPlan:
    """The network input of a run: synapses, events, Poisson input.

    Accumulator ``a`` holds the input of one kind for every neuron and every
    step of a window: ``acc[(a * window + step_in_window) * n + neuron]``.
    """

    window: int
    ring: int
    max_delay: int
    n_acc: int
    acc: np.ndarray
    acc_current: int
    acc_voltage: int
    n_exp: int
    first_exp: int
    taus: tuple
    syn: np.ndarray                 # (n_exp * n,) the exponential synapses' currents (state)
    exp_full: np.ndarray
    exp_half: np.ndarray
    exp_rate: np.ndarray
    projections: list
    synapses: tuple
    poisson: list
    ev_ptr: Optional[np.ndarray]
    ev_neuron: Optional[np.ndarray]
    ev_amp: Optional[np.ndarray]
    in_flight_neuron: np.ndarray
    in_flight_step: np.ndarray
    fingerprint: str
    single: bool = True                 # synapses= was one object (not a list)
    kick_key: int = 0                   # random events (izhic.inputs.random_events)
    kick_n: int = 0                     # per step (0: none)
    kick_amp: float = 0.0
    rule: int = 0                       # plasticity: 0 none, 1 izhikevich2006, 2 additive
    stdp: Optional[dict] = None         # the rule's parameters
    interval: int = 0                   # izhikevich2006: steps between weight updates
    traces: Optional[np.ndarray] = None  # izhikevich2006: (n_cols * n) trace ring
    n_cols: int = 0
    apost: Optional[np.ndarray] = None  # additive: the neurons' traces
    tpost: Optional[np.ndarray] = None  # ... and the step of their last spike


def _vector_keys(seed, ids, stream):
    """izhic._noise.stream_key for every neuron (uint64 arithmetic wraps)."""
    def mix(z):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(mix(mix(ids + np.uint64(stream)) ^ np.uint64(seed)))


def _incoming(syn, steps, mask):
    """The plastic synapses onto each neuron (cached on the Synapses object):
    (in_ptr, in_syn, in_pre, in_dly)."""
    key = (steps.tobytes(), None if mask is None else mask.tobytes())
    cache = syn.__dict__.setdefault("_incoming_cache", {})
    if key not in cache:
        post = syn._post
        pos = np.arange(syn.n_synapses) if mask is None else np.flatnonzero(mask)
        order = np.argsort(post[pos], kind="stable")
        in_syn = np.ascontiguousarray(pos[order], dtype=np.int64)
        dly = np.repeat(steps[syn._gdidx], np.diff(syn._gstart))
        pre = np.repeat(np.repeat(np.arange(syn.n_neurons), np.diff(syn._gptr)),
                        np.diff(syn._gstart))
        in_ptr = np.searchsorted(post[in_syn], np.arange(syn.n_neurons + 1)).astype(np.int64)
        cache.clear()                   # one entry: the last dt and mask
        cache[key] = (in_ptr, in_syn, np.ascontiguousarray(pre[in_syn], dtype=np.int32),
                      np.ascontiguousarray(dly[in_syn], dtype=np.int32))
    return cache[key]


def _rules_of(plasticity, synapses):
    """The rule of each Synapses object (STDP or None) and the run's rule."""
    if plasticity is None:
        return [None] * len(synapses), None
    if isinstance(plasticity, STDP):
        rules = [plasticity] * len(synapses)
    elif isinstance(plasticity, (list, tuple)):
        rules = list(plasticity)
        if len(rules) != len(synapses):
            raise ValueError(f"plasticity: one rule (or None) per Synapses object: "
                             f"{len(synapses)}, got {len(rules)}")
        for i, r in enumerate(rules):
            if r is not None and not isinstance(r, STDP):
                raise TypeError(f"plasticity[{i}]: expected an izhic.STDP or None, got "
                                f"{type(r).__name__}")
    else:
        raise TypeError(f"plasticity: expected an izhic.STDP or a list of them, got "
                        f"{type(plasticity).__name__}")
    given = [r for r in rules if r is not None]
    if not synapses:
        raise ValueError("plasticity: needs synapses=")
    if not given:
        return rules, None
    first = given[0]
    for r in given[1:]:
        if (r.rule, r.params) != (first.rule, first.params):
            raise ValueError("plasticity: one rule with one set of parameters per run")
    for i, (r, syn) in enumerate(zip(rules, synapses)):
        if r is not None and r.plastic is not None and r.plastic.size != syn.n_synapses:
            raise ValueError(f"plasticity: the plastic mask has {r.plastic.size} entries, "
                             f"synapses[{i}] has {syn.n_synapses} synapses")
    return rules, first


def _network_plan(synapses, poisson, events, n, dt, step0, n_steps, seed, ids, state,
                  random=None, plasticity=None):
    """The NetworkPlan of a run, or None when it has no network input."""
    single = not isinstance(synapses, (list, tuple))
    if synapses is None:
        synapses = ()
    elif isinstance(synapses, Synapses):
        synapses = (synapses,)
    elif isinstance(synapses, (list, tuple)):
        synapses = tuple(synapses)
    else:
        raise TypeError(f"synapses: expected an izhic.Synapses or a list of them, got "
                        f"{type(synapses).__name__}")
    for i, syn in enumerate(synapses):
        if not isinstance(syn, Synapses):
            raise TypeError(f"synapses[{i}]: expected an izhic.Synapses, got "
                            f"{type(syn).__name__}")
        if syn.n_neurons != n:
            raise ValueError(f"synapses[{i}]: connects {syn.n_neurons} neurons, the run has {n}")
    if poisson is None:
        poisson = ()
    elif isinstance(poisson, inputs.PoissonInput):
        poisson = (poisson,)
    elif isinstance(poisson, (list, tuple)):
        poisson = tuple(poisson)
        for i, q in enumerate(poisson):
            if not isinstance(q, inputs.PoissonInput):
                raise TypeError(f"poisson[{i}]: expected izhic.inputs.poisson(...), got "
                                f"{type(q).__name__}")
    else:
        raise TypeError(f"poisson: expected izhic.inputs.poisson(...) or a list of them, got "
                        f"{type(poisson).__name__}")
    rules, stdp = _rules_of(plasticity, synapses)
    if not synapses and not poisson and events is None and random is None:
        if state is not None and state.network is not None:
            raise ValueError("state: comes from a network run; pass the same synapses=")
        return None

    # accumulators: one per kind (the exponential kind: one per time constant)
    kinds = [(s.kind, s.tau) for s in synapses] + [(q.kind, q.tau) for q in poisson]
    if events is not None or random is not None:
        kinds.append(("current", None))
    taus = sorted({tau for kind, tau in kinds if kind == "exponential"})
    if len(taus) > MAX_EXP:
        raise ValueError(f"synapses: at most {MAX_EXP} time constants of exponential synapses "
                         f"in one run, got {len(taus)} ({', '.join(f'{t:g}' for t in taus)} ms)")
    acc_index, n_acc = {}, 0
    for key in (("current", None), ("voltage", None)):
        if key in kinds:
            acc_index[key] = n_acc
            n_acc += 1
    first_exp = n_acc
    for tau in taus:
        acc_index[("exponential", tau)] = n_acc
        n_acc += 1

    steps = [s.delay_steps(dt) for s in synapses]
    present = [st for s, st in zip(synapses, steps) if s.n_synapses]
    max_delay = max((int(st.max()) for st in present), default=1)
    min_delay = min((int(st.min()) for st in present), default=MAX_WINDOW)
    window = max(1, min(min_delay, MAX_WINDOW))
    if stdp is not None:
        window = 1              # the weights a step reads depend on the step before
    projections = [ProjPlan(s._gptr, s._gstart, s._gdidx, s._post, s._weight, st,
                            acc_index[(s.kind, s.tau)], not s.multapses)
                   for s, st in zip(synapses, steps)]

    _checks.fits_in_memory(f"synapses: the input of {n} neurons over a window of {window} "
                           "steps", 8 * n_acc * window * n)
    acc = np.zeros(n_acc * window * n)

    rates = np.array([1.0 / tau for tau in taus])
    exp_full = np.array([math.exp(-dt * r) for r in rates])
    exp_half = np.array([math.exp(-(0.5 * dt) * r) for r in rates])
    fingerprint = ",".join(s.fingerprint() for s in synapses)
    if state is not None and state.network is not None:
        if state.network != fingerprint or state.syn.shape[0] != len(taus) * n:
            raise ValueError("state: comes from a run with other synapses; pass the same "
                             "synapses= to continue it")
        syn = np.array(state.syn, dtype=np.float64)
        in_n, in_s = state.in_flight
    else:
        if state is not None and synapses:
            raise ValueError("state: comes from a run without these synapses (a continuation "
                             "keeps the network it started with)")
        syn = np.zeros(len(taus) * n)
        in_n, in_s = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)

    plastic = _plastic_plan(stdp, rules, synapses, steps, projections, n, dt, max_delay,
                            state)

    plans = []
    if poisson:
        id_arr = np.arange(n, dtype=np.uint64) if ids is None else ids
    for q_i, q in enumerate(poisson):
        lam = q.mean_arrivals(dt)
        if lam > MAX_POISSON_MEAN:
            raise ValueError(f"poisson[{q_i}]: {q.n_sources} sources x {q.rate:g} Hz expect "
                             f"{lam:g} arrivals per step of dt={dt:g} ms; at most "
                             f"{MAX_POISSON_MEAN:g} (use fewer sources with a larger weight, or "
                             "a current with noise)")
        plans.append(PoissonPlan(acc_index[(q.kind, q.tau)], q.weight, lam, math.exp(-lam),
                                 _vector_keys(seed, id_arr, _noise.C_POISSON + q_i)))

    ev_ptr = ev_neuron = ev_amp = None
    if events is not None:
        k = events.steps(dt)
        if events.n_events and events.neuron.max() >= n:
            raise ValueError(f"current: an event targets neuron {int(events.neuron.max())}, "
                             f"the run has {n}")
        inside = (k >= step0) & (k < step0 + n_steps)
        k = k[inside] - step0
        order = np.argsort(k, kind="stable")
        ev_neuron = np.ascontiguousarray(events.neuron[inside][order], dtype=np.int32)
        ev_amp = np.ascontiguousarray(events.amplitude[inside][order], dtype=np.float64)
        ev_ptr = np.searchsorted(k[order], np.arange(n_steps + 1)).astype(np.int64)
    return NetworkPlan(
        window=window, ring=max_delay + window, max_delay=max_delay, n_acc=n_acc, acc=acc,
        acc_current=acc_index.get(("current", None), -1),
        acc_voltage=acc_index.get(("voltage", None), -1), n_exp=len(taus),
        first_exp=first_exp, taus=tuple(taus), syn=syn, exp_full=exp_full,
        exp_half=exp_half, exp_rate=rates, projections=projections, synapses=synapses,
        poisson=plans, ev_ptr=ev_ptr, ev_neuron=ev_neuron, ev_amp=ev_amp,
        in_flight_neuron=np.ascontiguousarray(in_n, dtype=np.int32),
        in_flight_step=np.ascontiguousarray(in_s, dtype=np.int64), fingerprint=fingerprint,
        kick_key=0 if random is None else _noise.stream_key(seed, 0, _noise.C_KICKS),
        kick_n=0 if random is None else random.per_step,
        kick_amp=0.0 if random is None else random.amplitude, single=single, **plastic)


def _group_flags(syn, plastic):
    """Per synapse group: 0 if none of its synapses is plastic, 1 if all are,
    2 if some (uint8; the kernel skips or streams the depression by it)."""
    n_groups = syn._gstart.size - 1
    if plastic is None or n_groups == 0:
        return np.ones(n_groups, dtype=np.uint8)
    starts = syn._gstart[:-1]
    size = np.diff(syn._gstart)
    count = np.add.reduceat(plastic.astype(np.int64), starts) if plastic.size else \
        np.zeros(n_groups, np.int64)
    count = np.where(size > 0, count, 0)
    return np.where(count == 0, 0, np.where(count == size, 1, 2)).astype(np.uint8)


def _plastic_plan(stdp, rules, synapses, steps, projections, n, dt, max_delay, state):
    """Fill the projections' plasticity arrays; -> the NetworkPlan's fields."""
    saved = None if state is None else state.plastic
    if stdp is None:
        if saved is not None:
            raise ValueError("state: comes from a plastic run; pass plasticity= to continue "
                             "it (or syn.with_weights(res.weights) for fixed weights)")
        return {}
    code = 1 if stdp.rule == "izhikevich2006" else 2
    if saved is not None and saved.get("rule") != stdp.rule:
        raise ValueError(f"state: comes from a run with the {saved.get('rule')!r} rule, not "
                         f"{stdp.rule!r}")
    for i, (rule, syn, st, pr) in enumerate(zip(rules, synapses, steps, projections)):
        if rule is None:
            continue
        pr.rule = code
        mask = None if rule.plastic is None else rule.plastic.astype(np.uint8)
        pr.mask = mask
        w = saved["weights"][i] if saved is not None else None
        pr.weight = np.array(syn._weight if w is None else w, dtype=np.float64)
        if code == 1:
            pr.sd = (np.zeros(syn.n_synapses) if saved is None
                     else np.array(saved["sd"][i], dtype=np.float64))
        else:
            pr.apre = (np.zeros(syn.n_synapses) if saved is None
                       else np.array(saved["apre"][i], dtype=np.float64))
            pr.tpre = (np.zeros(syn.n_synapses, dtype=np.int64) if saved is None
                       else np.array(saved["tpre"][i], dtype=np.int64))
        pr.in_ptr, pr.in_syn, pr.in_pre, pr.in_dly = _incoming(syn, st, rule.plastic)
        pr.gflag = _group_flags(syn, rule.plastic)
        pr.in_off = pr.in_pre.astype(np.int64) - pr.in_dly.astype(np.int64) * n
    out = dict(rule=code, stdp=stdp.params)
    if code == 1:
        interval = stdp.update_interval / dt
        if abs(interval - round(interval)) > 1e-9 * interval or round(interval) < 1:
            raise ValueError(f"plasticity: update_interval={stdp.update_interval:g} ms is not "
                             f"a whole number of steps of dt={dt:g} ms")
        n_cols = max_delay + 2
        traces = np.zeros(n_cols * n)
        if saved is not None:
            traces = np.array(saved["traces"], dtype=np.float64)
            if traces.size != n_cols * n:
                raise ValueError("state: its traces do not fit these synapses")
        out.update(interval=int(round(interval)), traces=traces, n_cols=n_cols)
    else:
        out.update(apost=np.zeros(n) if saved is None else np.array(saved["apost"]),
                   tpost=(np.zeros(n, dtype=np.int64) if saved is None
                          else np.array(saved["tpost"], dtype=np.int64)))
    return out


@dataclass(eq=False)
class Plan:
    """A validated simulation, ready for the kernel (see the module docstring).

    Per-neuron parameter arrays have length ``n``, or 1 when ``shared_params``
    (one value for every neuron, kept in registers by the kernel).
    """

    model: object               # the checked model form (izhic.models)
    method: str
    method_code: int
    locate: bool                # rk4: crossings located inside the step
    interpolate: bool           # grid methods, spike_time="interpolate"
    n: int
    dt: float
    duration: float
    n_steps: int
    step0: int                  # absolute index of the first step
    time_num: float
    time_den: float
    # parameters
    shared_params: bool
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray
    v_peak: np.ndarray
    q2: float = 0.04
    q1: float = 5.0
    q0: float = 140.0
    accommodation: bool = False
    horner: bool = False
    form2007: bool = False
    special07: bool = False
    k07: Optional[np.ndarray] = None
    vr07: Optional[np.ndarray] = None
    vt07: Optional[np.ndarray] = None
    dtc07: Optional[np.ndarray] = None
    invc07: Optional[np.ndarray] = None
    special_terms: tuple = ()
    # input
    current: Optional[np.ndarray] = None
    wave: Optional[np.ndarray] = None
    own: Optional[np.ndarray] = None
    # method "rk4" with waveforms: the input at the stage times of each step
    # (izhic.inputs.Stimulus.sample_stages), the steps split at the input's edges
    staged: bool = False
    wave3: Optional[np.ndarray] = None      # (n_steps, 3)
    own3: Optional[np.ndarray] = None       # (n_steps, 3, n)
    split: Optional[np.ndarray] = None      # (n_steps + 1,) int64
    piece_start: Optional[np.ndarray] = None
    piece_length: Optional[np.ndarray] = None
    piece_wave: Optional[np.ndarray] = None  # (n_pieces, 3)
    piece_own: Optional[np.ndarray] = None   # (n_pieces, 3, n)
    kinks: tuple = ()                       # rk4: potentials where the form switches
    kink_b: int = -1                        # the index in kinks of the switch of b (2007)
    noise: Optional[np.ndarray] = None      # per-neuron scale of N(0, 1) per step
    seed: Optional[int] = None
    neuron_ids: Optional[np.ndarray] = None
    noise_keys: Optional[np.ndarray] = None  # each neuron's noise stream key
    # state (our own copies, advanced in place)
    v: Optional[np.ndarray] = None
    u: Optional[np.ndarray] = None
    # records
    record: tuple = ()
    record_neurons: Optional[np.ndarray] = None
    rec_row: Optional[np.ndarray] = None
    blk_rec: Optional[np.ndarray] = None
    tr_v: Optional[np.ndarray] = None
    tr_u: Optional[np.ndarray] = None
    t: Optional[np.ndarray] = None
    stride: int = 1
    v_at_spike: str = "peak"
    v_at_spike_code: int = 0
    # work layout
    width: int = 1
    n_blocks: int = 1
    partitions: np.ndarray = field(default_factory=lambda: np.zeros(2, dtype=np.int64))
    n_threads: int = 1
    chunk: int = 1
    warnings: tuple = ()
    # what the run was built from (for error diagnosis and the oracles)
    stimulus: object = None
    initial: tuple = ()
    # random numbers (noise, Poisson input): the ziggurat's tables
    zig_x: Optional[np.ndarray] = None
    zig_r: Optional[np.ndarray] = None
    zig_f: Optional[np.ndarray] = None
    # network input
    network: Optional[NetworkPlan] = None
    dta: Optional[np.ndarray] = None    # dt * a per neuron (network blocks, padded)

    @property
    def t_start(self):
        return float(step_times(self.step0, self.dt))

    @property
    def t_stop(self):
        return float(step_times(self.step0 + self.n_steps, self.dt))


def as_stimulus(current):
    if isinstance(current, inputs.Stimulus):
        return current
    if isinstance(current, inputs.Waveform):
        return inputs.Stimulus(shared=current)
    if isinstance(current, inputs.Events):
        return inputs.Stimulus(events=current)
    if isinstance(current, inputs.RandomEvents):
        return inputs.Stimulus(random=current)
    return inputs.Stimulus(offset=current)


def checked_seed(seed):
    if seed is None:
        return int(np.random.SeedSequence().entropy % (1 << 64))
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed: expected an int, got {_checks._show(seed)}")
    if not 0 <= seed < 1 << 64:
        raise ValueError(f"seed: must be in [0, 2**64), got {seed}")
    return int(seed)


def checked_method(model, method):
    """The model form's default or a method it supports (ValueError naming
    ``method`` and the form otherwise)."""
    if method is None:
        return model.DEFAULT_METHOD
    _checks.choice("method", method, tuple(METHODS))
    if method not in model.METHODS:
        raise ValueError(f"method: the {model.FORM} runs with "
                         f"{', '.join(map(repr, model.METHODS))}, got {method!r}"
                         + (" (the 2003 network's half steps do not apply to the 2007 form; "
                            "the book's own scheme is 'euler')" if method == "izhikevich2003"
                            else ""))
    return method


def _record_args(record, record_neurons, record_dt, dt, n):
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


def _n_neurons(n_neurons, sizes):
    if n_neurons is not None:
        if isinstance(n_neurons, (bool, np.bool_)) or not isinstance(n_neurons,
                                                                     (int, np.integer)):
            raise TypeError(f"n_neurons: expected an int, got {_checks._show(n_neurons)}")
        if n_neurons < 1:
            raise ValueError(f"n_neurons: must be >= 1, got {n_neurons}")
        n = int(n_neurons)
    else:
        n = max(sizes.values(), default=1)
    empty = [key for key, size in sizes.items() if size == 0]
    if empty:
        raise ValueError(f"{empty[0]}: is an empty array; give one value per neuron (or a "
                         "scalar for all)")
    if any(size != n for size in sizes.values()):
        raise ValueError("shapes: per-neuron arrays must all have length n_neurons="
                         f"{n}; got lengths " + ", ".join(f"{k}: {v}" for k, v in sizes.items()))
    return n


def _per_neuron(arr, n):
    if type(arr) is float:
        return np.array([arr]) if n == 1 else np.full(n, arr)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape == (n,) and arr.dtype == np.float64 and arr.flags.c_contiguous:
        return arr                      # (the usual case: broadcast_to costs microseconds)
    return np.ascontiguousarray(np.broadcast_to(arr, (n,)), dtype=np.float64)


def _state_copy(x, n):
    """Our own (n,) copy of an initial state, advanced in place by the kernel."""
    if type(x) is float:
        return np.array([x]) if n == 1 else np.full(n, x)
    return np.array(_per_neuron(x, n))


def _within(name, x, bound):
    """Refuse values of ``x`` (a float or an array) at or beyond +-bound."""
    if type(x) is float:
        ok = -bound < x < bound
    else:
        ok = not x.size or bool((np.abs(x) < bound).all())
    if not ok:
        x = np.atleast_1d(x)
        raise ValueError(f"{name}: must lie within +-{bound:g}, got "
                         f"{float(x[~(np.abs(x) < bound)].ravel()[0])!r}")


def _lowest_current(offset, wave, own):
    if type(offset) is float and wave is None and own is None:
        return offset
    lowest = offset
    if wave is not None and wave.size:
        lowest = lowest + wave.min()
    if own is not None and own.size:
        lowest = lowest + own.reshape(-1, own.shape[-1]).min(axis=0)   # (steps[, 3], n)
    return lowest


def build_plan(model="RS", current=0.0, duration=1000.0, dt=0.1, method=None, *,
               n_neurons=None, v0=None, u0=None, record=None, record_neurons=None,
               record_dt=None, v_at_spike="peak", spike_time=None, noise=None,
               noise_kind="white", seed=None, neuron_ids=None, n_threads=None, state=None,
               synapses=None, poisson=None, plasticity=None, for_kernel=True):
    """Check every argument of :func:`izhic.simulate` and build its :class:`Plan`.

    ``for_kernel=False`` skips what only the compiled kernel needs (blocks,
    threads, trace buffers), for the NumPy oracle.

    >>> plan = build_plan("RS", [0.0, 10.0], 100.0, 0.1)
    >>> plan.method, plan.n, plan.n_steps, plan.shared_params, plan.width
    ('rk4', 2, 1000, True, 8)
    """
    m = as_model(model).checked()
    method = checked_method(m, method)
    duration = _checks.real_scalar("duration", duration, nonnegative=True)
    dt = _checks.real_scalar("dt", dt, positive=True)
    _checks.choice("v_at_spike", v_at_spike, _V_AT_SPIKE)
    if spike_time is None:
        spike_time = "located" if method in LOCATING_METHODS else "grid"
    elif method in LOCATING_METHODS:
        raise ValueError(f"spike_time: {spike_time!r} does not apply to method {method!r}, "
                         "which locates each crossing inside the step; use method='rk4_grid' "
                         "for grid spike times")
    else:
        _checks.choice("spike_time", spike_time, _SPIKE_TIME)
    auto_threads = n_threads is None
    threads = _checks.n_threads(n_threads)
    _checks.choice("noise_kind", noise_kind, _NOISE_KINDS)

    # -- continuation ---------------------------------------------------------
    step0 = 0
    if state is not None:
        if not isinstance(state, State):
            raise TypeError(f"state: expected an izhic.State (res.state), got "
                            f"{type(state).__name__}")
        if v0 is not None or u0 is not None:
            raise ValueError("v0: the initial state comes from state=; do not pass v0/u0 too")
        if dt != state.dt:
            raise ValueError(f"dt: state= continues a run of dt={state.dt!r} ms; pass the same "
                             f"dt (got {dt!r})")
        step0 = state.step
        v0, u0 = state.v, state.u
        draws = (noise is not None or poisson is not None
                 or as_stimulus(current).random is not None)
        if seed is None and draws and state.seed is not None:
            seed = state.seed
    n_steps = n_steps_of(duration, dt, step0)

    # -- per-neuron arrays and the population size ------------------------------
    stim = as_stimulus(current)
    offset = _checks.real_array("current", stim.offset)
    sizes = {f"model.{name}": size for name, size in m.n_values().items()}
    if offset.ndim == 1:
        sizes["current"] = offset.size
    if stim.own is not None:
        sizes["current (per-neuron waveform)"] = stim.n_own
    v0_arr = None if v0 is None else _checks.real_array("v0", v0)
    u0_arr = None if u0 is None else _checks.real_array("u0", u0)
    if state is None:
        for name, arr in (("v0", v0_arr), ("u0", u0_arr)):
            if arr is not None and arr.ndim == 1:
                sizes[name] = arr.size
    noise_arr = None
    if noise is not None:
        noise_arr = _checks.real_array("noise", noise)
        if (noise_arr < 0).any():
            raise ValueError(f"noise: must be >= 0, got {float(noise_arr.min())!r}")
        if noise_arr.size and not (noise_arr < PARAM_BOUND).all():
            raise ValueError(f"noise: must lie below {PARAM_BOUND:g}, got "
                             f"{float(noise_arr.max())!r}")
        if noise_arr.ndim == 1:
            sizes["noise"] = noise_arr.size
    elif seed is not None and poisson is None and stim.random is None:
        raise ValueError("seed: given without noise, Poisson input or random events; the run "
                         "draws no random numbers (pass noise=..., or leave seed out)")
    if state is not None and not sizes and n_neurons is None:
        n_neurons = state.n_neurons
    if state is None and not sizes and n_neurons is None and synapses is not None:
        first = synapses[0] if isinstance(synapses, (list, tuple)) and synapses else synapses
        if isinstance(first, Synapses):
            n_neurons = first.n_neurons      # the network's size sets the population's
    n = _n_neurons(n_neurons, sizes)
    if state is not None and state.n_neurons != n:
        raise ValueError(f"state: holds {state.n_neurons} neurons, the run has {n}")
    if offset.ndim == 0:
        offset = float(offset)
    _within("current", offset, PARAM_BOUND)

    # -- initial state ------------------------------------------------------------
    v_init, u_init = m.initial_state(m, v0_arr, u0_arr)
    v_init, u_init = (x if type(x) is float else
                      (float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=np.float64))
                      for x in (v_init, u_init))
    _within("v0", v_init, V_BOUND)
    _within("u0", u_init, PARAM_BOUND)

    # -- input over this run's steps ---------------------------------------------
    staged = method in LOCATING_METHODS and (stim.shared is not None or stim.own is not None)
    _checks.fits_in_memory(f"current: a per-neuron waveform of {n} x {n_steps} steps"
                           + (" at 3 stage times" if staged else ""),
                           (24 if staged else 8) * n * n_steps if stim.own is not None else 0)
    stages = None
    if staged and n_steps:
        # rk4: the input at the stage times, the steps split at its edges
        stages = stim.sample_stages(n_steps, dt, step0=step0, max_pieces=_core.PIECES_PER_STEP_LIMIT)
        wave, own = stages["wave"], stages["own"]
    else:
        wave, own = stim.sample(n_steps, dt, step0=step0, n=n) if n_steps else (None, None)
    for name, arr in (("the shared waveform", wave), ("the per-neuron waveform", own)) + (
            (("the shared waveform", stages["piece_wave"]),
             ("the per-neuron waveform", stages["piece_own"])) if stages else ()):
        if arr is not None and arr.size and not (np.abs(arr) < PARAM_BOUND).all():
            raise ValueError(f"current: {name} must lie within +-{PARAM_BOUND:g}")

    # -- numerics: refuse what is unstable, warn what is meaningless -----------
    lowest = _lowest_current(offset, wave, own)
    if m.is_scalar() and type(lowest) is not float:
        lowest = float(np.min(lowest))      # the stiffest rest state: one check
    warnings = []
    text = m.check_numerics(method, dt, lowest)
    if text:
        warnings.append(text)

    seed_used = None
    scale = None
    if noise_arr is not None or poisson is not None or stim.random is not None:
        seed_used = checked_seed(seed)
    if noise_arr is not None:
        scale = noise_arr / np.sqrt(dt) if noise_kind == "white" else noise_arr
        scale = _per_neuron(np.asarray(scale), n)
    ids = None
    if neuron_ids is not None:
        ids = _checks.neuron_ids("neuron_ids", neuron_ids, n)
    network = _network_plan(synapses, poisson, stim.events, n, dt, step0, n_steps, seed_used,
                            ids, state, random=stim.random, plasticity=plasticity)

    rec_names, rec_idx, stride = _record_args(record, record_neurons, record_dt, dt, n)
    n_samples = n_steps // stride + 1
    n_rec = 0 if rec_idx is None else rec_idx.size
    _checks.fits_in_memory(
        f"simulate: {n} neurons (state and parameters) and traces of "
        f"{n_rec} neurons x {n_samples} samples x {len(rec_names)} variables",
        8 * (10 * n + n_rec * n_samples * len(rec_names)),
    )

    # -- parameters as the kernel wants them --------------------------------------
    shared = m.is_scalar() and n > 1
    if m.is_scalar():
        def prm(value):
            return np.array([float(value)]) if shared or n == 1 else np.full(n, float(value))
    else:
        def prm(value):
            return _per_neuron(np.asarray(value, dtype=np.float64), n)
    num, den = time_grid(dt)
    plan = Plan(
        model=m, method=method, method_code=_core.METHOD_CODES[method],
        locate=method in LOCATING_METHODS, interpolate=spike_time == "interpolate", n=n, dt=dt,
        duration=duration, n_steps=n_steps, step0=step0, time_num=num, time_den=den,
        shared_params=shared, a=prm(m.a), b=prm(m.b), c=prm(m.c), d=prm(m.d),
        v_peak=prm(m.v_peak), current=_per_neuron(offset, n),
        wave=None if staged else wave, own=None if staged else own, staged=staged,
        wave3=wave if staged else None, own3=own if staged else None,
        noise=scale, seed=seed_used, neuron_ids=ids,
        v=_state_copy(v_init, n), u=_state_copy(u_init, n),
        record=rec_names, record_neurons=rec_idx if rec_names else None, stride=stride,
        v_at_spike=v_at_spike, v_at_spike_code=_core.V_AT_SPIKE_CODES[v_at_spike],
        warnings=tuple(warnings), stimulus=stim, initial=(v_init, u_init), network=network,
    )
    if stages is not None:
        for name in ("split", "piece_start", "piece_length", "piece_wave", "piece_own"):
            setattr(plan, name, stages[name])
    if method in LOCATING_METHODS:
        plan.kinks = tuple(float(x) for x in m.kinks())
        if not isinstance(m, Izhikevich2003) and m.b_low is not None:
            plan.kink_b = 0             # (Izhikevich2007.kinks lists v_switch first)
    if scale is not None or (network is not None and network.poisson):
        plan.zig_x, plan.zig_r, plan.zig_f = _noise.ZIG_X, _noise.ZIG_R, _noise.ZIG_F
    if scale is not None:
        plan.noise_keys = _vector_keys(seed_used, np.arange(n, dtype=np.uint64) if ids is None
                                       else ids, _noise.C_STREAM)
    if isinstance(m, Izhikevich2003):
        plan.q2, plan.q1, plan.q0 = m.quadratic, m.linear, m.constant
        plan.accommodation, plan.horner = m.accommodation, m.horner
    else:
        C = _per_neuron(np.asarray(m.C, dtype=np.float64), n)
        plan.form2007 = True
        plan.k07 = _per_neuron(np.asarray(m.k, dtype=np.float64), n)
        plan.vr07 = _per_neuron(np.asarray(m.vr, dtype=np.float64), n)
        plan.vt07 = _per_neuron(np.asarray(m.vt, dtype=np.float64), n)
        plan.dtc07 = dt / C
        plan.invc07 = 1.0 / C
        if m.special:
            plan.special07 = True
            plan.special_terms = (
                m.v_u is not None, 0.0 if m.v_u is None else m.v_u, m.cubic, m.v_cubic,
                0.0 if m.b_low is None else m.b_low,
                -math.inf if m.b_low is None else m.v_switch, m.peak_u, m.c_u, m.u_max)
    if not for_kernel:
        return plan

    # -- traces --------------------------------------------------------------------
    if rec_names:
        plan.t = step_times(step0 + np.arange(n_samples, dtype=np.int64) * stride, dt)
        if n_rec:
            rec_row = np.full(n, -1, dtype=np.int32)
            rec_row[rec_idx] = np.arange(n_rec, dtype=np.int32)
            plan.rec_row = rec_row
        if "v" in rec_names:
            plan.tr_v = np.empty((n_rec, n_samples))
            plan.tr_v[:, 0] = plan.v[rec_idx]
        if "u" in rec_names:
            plan.tr_u = np.empty((n_rec, n_samples))
            plan.tr_u[:, 0] = plan.u[rec_idx]

    # -- blocks, partitions, threads ----------------------------------------------
    # (network runs advance in blocks of 8 or 64 lanes: there is no
    # single-neuron path for them)
    # (nor for rk4 runs with waveform input or with switches of the form, nor
    # for ps, whose neurons are stepped one by one anyway)
    width = _MAXW if n >= 4 * _MAXW else (
        8 if n > 1 or network is not None or plan.staged or plan.kinks or method == "ps"
        else 1)
    n_blocks = (n + width - 1) // width
    if auto_threads:
        # a thread needs enough work to pay for waking it and for the barrier
        # at the end of each chunk (milliseconds when another process holds a core)
        threads = max(1, min(threads, (n * n_steps) // _WORK_PER_THREAD))
        if network is not None:
            # a network run meets at a barrier every window (every step when
            # plastic): a thread needs enough neurons per window to pay for it
            per = _PLASTIC_NEURONS_PER_THREAD if plasticity is not None else \
                _NET_NEURONS_PER_THREAD
            threads = max(1, min(threads, n // per))
    threads = max(1, min(threads, n_blocks))
    plan.width, plan.n_blocks, plan.n_threads = width, n_blocks, threads
    plan.partitions = (np.arange(threads + 1, dtype=np.int64) * n_blocks) // threads
    if plan.rec_row is not None:
        blk = np.zeros(n_blocks, dtype=np.int8)
        blk[rec_idx // width] = 1
        plan.blk_rec = blk
    plan.chunk = max(1, _CHUNK_WORK // n)
    if network is not None:         # whole windows per chunk
        plan.chunk = max(network.window, plan.chunk - plan.chunk % network.window)
        if not plan.shared_params:
            # network blocks read their parameters in place, every window: the
            # arrays run to the end of the last block (padding repeats its lane 0)
            n_pad = n_blocks * width
            names = ["a", "b", "c", "d", "v_peak"] + (
                ["k07", "vr07", "vt07", "dtc07", "invc07"] if plan.form2007 else [])
            for name in names:
                setattr(plan, name, _padded(getattr(plan, name), n_pad, width))
            plan.dta = dt * plan.a
    return plan


def _padded(arr, n_pad, width):
    """``arr`` (n,) extended to n_pad entries with the last block's lane 0."""
    out = np.empty(n_pad)
    out[:arr.size] = arr
    out[arr.size:] = arr[(arr.size - 1) // width * width]
    return out
