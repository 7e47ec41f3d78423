"""Workloads W1-W3 (one neuron, an F-I sweep, a population), izhic against the C yardstick.

Run from the repository root with ``pytest --benchmark-only`` (``python -m
pytest`` alone skips this directory; see the root ``conftest.py``). Every
entry simulates Izhikevich 2003 RS neurons with a constant current, dt = 0.1 ms,
v0 = -65, u0 = b*v0, and counts spikes. The timed call is the whole public call
(``izhic.simulate`` including its checks and result object), so small
workloads show per-call overhead.

Each entry is called once untimed first: that call is the warm-up, and its
spike counts are checked against the C yardstick wherever the entry computes
the same numbers (forward Euler: izhic ``euler``, the NumPy reference, the
one-neuron-at-a-time C loop). The check is for correctness, never for time.
The other integrators (izhic ``rk4``, which locates each peak crossing inside
the step, izhic ``rk4_grid``, which resets at the end of the step, and
solve_ivp) compute other numbers: ``extra_info`` records the largest spike-count
difference from Euler, nothing is asserted. Then ``benchmark.pedantic`` times
as many calls as fit in about one second (at least 3; see ``timed`` in
``conftest.py``).

``solve_ivp`` (RK45, rtol = atol = 1e-6, which gives the exact spike counts
here) costs about 0.1 s per neuron per simulated second, so it runs an evenly
spread subset of the neurons where the full size would take minutes; its entry
name says how many, and ``extra_info`` gives the M neuron-steps/s of the subset
(the rate the full size would run at) and the extrapolated full-size time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.testing as npt
import pytest

import izhic

DT = 0.1  # ms
MAX_THREADS = izhic.show_config()["max_threads"]
#: solve_ivp settings: the explicit Runge-Kutta pair most users reach for, with
#: tolerances tight enough that its spike counts match the exact hybrid solution
#: (DOP853, 1e-12) on W1 and W2; rtol=1e-3 (scipy's default) loses spikes on W2.
IVP_METHOD = "RK45"
IVP_RTOL = 1e-6
IVP_ATOL = 1e-6


@dataclass(frozen=True)
class Workload:
    key: str
    group: str
    current: np.ndarray
    duration: float  # ms
    ivp_neurons: int  # neurons solve_ivp runs (a subset where the full size is too slow)

    @property
    def n_neurons(self):
        return self.current.size

    @property
    def n_steps(self):
        return round(self.duration / DT)

    @property
    def ivp_index(self):
        """Neurons of the solve_ivp subset: evenly spread over the workload."""
        return np.linspace(0, self.n_neurons - 1, self.ivp_neurons).round().astype(int)


WORKLOADS = {
    wl.key: wl for wl in (
        Workload("W1", "W1 one neuron 1e5 steps", np.array([10.0]), 10_000.0, ivp_neurons=1),
        Workload("W2", "W2 F-I sweep 1000 neurons", np.linspace(0.0, 40.0, 1000), 1000.0,
                 ivp_neurons=10),
        Workload("W3", "W3 population 1e5 neurons x 100 ms",
                 np.random.default_rng(2003).uniform(0.0, 40.0, 100_000), 100.0,
                 ivp_neurons=10),
    )
}

#: entries of the W1-W3 groups, in the order they are listed
ENTRIES = (
    "C yardstick (native)",
    "C yardstick (baseline flags)",
    "C one neuron at a time (native)",
    "izhic euler (1 thread)",
    "izhic rk4 (1 thread)",
    "izhic rk4_grid (1 thread)",
    f"izhic euler (all {MAX_THREADS} threads)",
    "NumPy reference euler",
    "solve_ivp",
)


def _reference(name):
    """``izhic.reference.<name>``, or skip while it is not there."""
    try:
        from izhic import reference
    except ImportError as exc:  # pragma: no cover - depends on the checkout
        pytest.skip(f"izhic.reference not importable: {exc}")
    fn = getattr(reference, name, None)
    if fn is None:
        pytest.skip(f"izhic.reference.{name} not available yet")
    return fn


def _izhic(current, duration, method, n_threads):
    def run():
        return izhic.simulate("RS", current, duration, DT, method,
                              n_threads=n_threads).spike_times.counts()
    return run


@pytest.fixture(scope="module")
def expected(yardstick_builds):
    """Euler spike counts of each workload from the C yardstick (None without a compiler)."""
    build = yardstick_builds["native"]
    if isinstance(build, str):
        return dict.fromkeys(WORKLOADS)
    return {key: build.blocked(wl.current, wl.n_steps, DT) for key, wl in WORKLOADS.items()}


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("key", list(WORKLOADS))
def test_workload(benchmark, measure, yardstick, expected, key, entry):
    wl = WORKLOADS[key]
    work = wl.n_neurons * wl.n_steps
    same_as_euler = True
    name = entry
    index = slice(None)  # the neurons simulated

    if entry.startswith("C "):
        build = yardstick("baseline" if "baseline" in entry else "native")
        kernel = build.single if "one neuron" in entry else build.blocked
        run = lambda: kernel(wl.current, wl.n_steps, DT)  # noqa: E731
        benchmark.extra_info["flags"] = " ".join(build.flags)
    elif entry.startswith("izhic"):
        method = entry.split()[1]
        threads = 1 if "(1 thread)" in entry else -1
        run = _izhic(wl.current, wl.duration, method, threads)
        same_as_euler = method == "euler"
    elif entry.startswith("NumPy"):
        simulate_numpy = _reference("simulate_numpy")
        run = lambda: simulate_numpy("RS", wl.current, wl.duration, DT,  # noqa: E731
                                     "euler").spike_times.counts()
    elif entry == "solve_ivp":
        simulate_solve_ivp = _reference("simulate_solve_ivp")
        index = wl.ivp_index
        current = wl.current[index]
        name = f"solve_ivp {IVP_METHOD} rtol={IVP_RTOL:g}"
        if current.size < wl.n_neurons:
            name += f" ({current.size} of {wl.n_neurons} neurons)"
        work = current.size * wl.n_steps

        def run():
            return simulate_solve_ivp("RS", current, wl.duration, method=IVP_METHOD,
                                      rtol=IVP_RTOL, atol=IVP_ATOL).spike_times.counts()
        same_as_euler = False
    else:  # pragma: no cover
        raise AssertionError(entry)

    counts, median = measure(benchmark, wl.group, name, run, work)
    benchmark.extra_info["spikes"] = int(np.sum(counts))
    if median is not None and work < wl.n_neurons * wl.n_steps:
        full = median * wl.n_neurons * wl.n_steps / work
        benchmark.extra_info["full size (extrapolated) s"] = round(full, 1)

    euler = expected[key]
    if euler is None:
        return
    if same_as_euler:
        npt.assert_array_equal(counts, euler, err_msg=f"{entry}: spike counts differ from "
                               "the C yardstick (both are forward Euler)")
    else:
        # another integrator: not the same numbers; record how far apart they are
        diff = np.abs(counts - euler[index])
        benchmark.extra_info["max |count - euler count|"] = int(diff.max())


# --------------------------------------------------------------------------
# tiny: the fixed cost of one call
# --------------------------------------------------------------------------

TINY = "tiny: 1 neuron x 100 steps"


@pytest.mark.parametrize("entry", [
    "izhic euler (default threads)",
    "izhic euler (1 thread)",
    "izhic rk4 (default threads)",
    "C yardstick (native)",
    "NumPy reference euler",
])
def test_tiny(benchmark, bench_record, yardstick, entry):
    """The whole ``izhic.simulate("RS", 10.0, duration=10.0, dt=0.1, method="euler")``."""
    if entry.startswith("izhic"):
        method = entry.split()[1]
        kwargs = {"n_threads": 1} if "1 thread" in entry else {}

        def run():
            return izhic.simulate("RS", 10.0, duration=10.0, dt=0.1, method=method,
                                  **kwargs).spike_times.counts()
    elif entry.startswith("C "):
        build = yardstick("native")
        current = np.array([10.0])
        run = lambda: build.blocked(current, 100, 0.1)  # noqa: E731
    else:
        simulate_numpy = _reference("simulate_numpy")
        run = lambda: simulate_numpy("RS", 10.0, 10.0, 0.1,  # noqa: E731
                                     "euler").spike_times.counts()
    benchmark.group = TINY
    benchmark.name = entry
    counts = benchmark(run)  # calibrated rounds: the call takes microseconds
    benchmark.extra_info["spikes"] = int(np.sum(counts))
    if benchmark.stats is not None:
        bench_record(TINY, entry, benchmark.stats.stats, 100)


# --------------------------------------------------------------------------
# threads W3: scaling with the number of OpenMP threads
# --------------------------------------------------------------------------

THREAD_COUNTS = sorted({1, 2, MAX_THREADS})


@pytest.mark.parametrize("n_threads", THREAD_COUNTS)
@pytest.mark.parametrize("method", ["euler", "rk4", "rk4_grid"])
def test_threads_w3(benchmark, measure, expected, method, n_threads):
    wl = WORKLOADS["W3"]
    group = "threads W3"
    name = f"izhic {method}, n_threads={n_threads}"
    if n_threads > MAX_THREADS:
        benchmark.extra_info["note"] = f"more threads than the {MAX_THREADS} cores"
    run = _izhic(wl.current, wl.duration, method, n_threads)
    counts, _ = measure(benchmark, group, name, run, wl.n_neurons * wl.n_steps)
    benchmark.extra_info["spikes"] = int(np.sum(counts))
    euler = expected["W3"]
    if euler is None:
        return
    if method == "euler":
        npt.assert_array_equal(counts, euler, err_msg=f"{name}: spike counts differ from "
                               "the C yardstick (both are forward Euler)")
    else:
        benchmark.extra_info["max |count - euler count|"] = int(np.abs(counts - euler).max())
