"""Gaussian current noise: reproducible, thread-invariant, equal to the reference.

The noise of neuron i at step k is ``scale_i * normal_noise(seed, i, k)``, a
counter-based draw: it depends on (seed, i, k) only, not on the thread count,
the population size or the kernel's blocks. ``"white"`` scales it by
``sigma / sqrt(dt)``, ``"per_step"`` by ``sigma``.
"""
import math

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from helpers import assert_same, core_equals_numpy
from izhic import inputs
from izhic.reference import NUMPY_METHODS, normal_noise, simulate_numpy

#: the methods with a NumPy port (ps: tests/test_ps.py, against the exact solution)
METHODS = NUMPY_METHODS


def noisy(n=300, seed=1, method="euler", duration=100.0, dt=0.25, **kwargs):
    current = np.linspace(8.0, 0.0, n)  # n = 1: the spiking end
    kwargs.setdefault("noise", 4.0)
    if kwargs["noise"] is not None:
        kwargs["seed"] = seed
    return izhic.simulate("RS", current, duration=duration, dt=dt, method=method, **kwargs)


# ---------------------------------------------------------------- reproducibility

@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_result_different_seed_different(method):
    a = noisy(method=method, seed=12345)
    b = noisy(method=method, seed=12345)
    c = noisy(method=method, seed=12346)
    assert a.seed == 12345
    assert a.spike_times.n_spikes > 0
    assert_same(a, b)
    assert not np.array_equal(a.v_final, c.v_final)
    assert not np.array_equal(a.spike_times.times, c.spike_times.times)


@pytest.mark.parametrize("n", [1, 9, 300])
@pytest.mark.parametrize("method", METHODS)
def test_bit_identical_across_thread_counts(method, n):
    runs = [noisy(n=n, method=method, seed=7, n_threads=t) for t in (1, 2, 3)]
    assert runs[0].spike_times.n_spikes > 0
    for res in runs[1:]:
        assert_same(res, runs[0])


@pytest.mark.parametrize("method", METHODS)
def test_neuron_noise_independent_of_population_size(method):
    # the noise is keyed by the neuron index: neuron 0 alone (single-neuron path)
    # or in a population of 300 (64-lane blocks, two threads) gets the same draws
    pop = izhic.simulate("RS", np.full(300, 5.0), duration=100.0, dt=0.25, method=method,
                         noise=4.0, seed=99, n_threads=2)
    alone = izhic.simulate("RS", 5.0, duration=100.0, dt=0.25, method=method, noise=4.0,
                           seed=99)
    nine = izhic.simulate("RS", np.full(9, 5.0), duration=100.0, dt=0.25, method=method,
                          noise=4.0, seed=99)
    assert alone.spike_times.n_spikes > 0
    assert_array_equal(alone.spike_times[0], pop.spike_times[0])
    assert alone.v_final[0] == pop.v_final[0] and alone.u_final[0] == pop.u_final[0]
    for i in range(9):
        assert_array_equal(nine.spike_times[i], pop.spike_times[i])
    assert_array_equal(nine.v_final, pop.v_final[:9])
    # different neurons with the same parameters get different noise
    assert np.unique(pop.v_final).size > 250


def test_seed_none_draws_a_fresh_seed_that_reproduces():
    a = noisy(n=20, seed=None)
    b = noisy(n=20, seed=None)
    assert isinstance(a.seed, int) and 0 <= a.seed < 2**64
    assert a.seed != b.seed
    assert_same(noisy(n=20, seed=a.seed), a)
    assert noisy(n=20, noise=None).seed is None  # no noise, no seed


def test_seed_forms_accepted():
    ref = noisy(n=20, seed=5)
    for seed in (np.int64(5), np.uint64(5), np.int32(5)):
        assert_same(noisy(n=20, seed=seed), ref)
    big = noisy(n=20, seed=2**64 - 1)
    assert big.seed == 2**64 - 1


def test_zero_noise_equals_no_noise():
    assert_same(noisy(noise=0.0), noisy(noise=None))


# ---------------------------------------------------------------- against the reference

@pytest.mark.parametrize("noise_kind", ["white", "per_step"])
@pytest.mark.parametrize("method", METHODS)
def test_equals_numpy(method, noise_kind):
    n = 40
    rng = np.random.default_rng(3)
    sigma = rng.uniform(0.0, 6.0, n)  # one amplitude per neuron
    current = np.linspace(-2.0, 8.0, n)
    kwargs = dict(duration=60.0, dt=0.25, method=method, noise=sigma, noise_kind=noise_kind,
                  seed=2024)
    ref = core_equals_numpy("RS", current, **kwargs)
    assert ref.spike_times.n_spikes > 0


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_equals_numpy_with_a_waveform_and_block_edges(method):
    # 257 neurons: 64-lane blocks and a partial last one; noise added to a time-varying input
    n = 257
    current = np.linspace(-2.0, 6.0, n) + inputs.pulse(10.0, 30.0, 5.0)
    kwargs = dict(duration=40.0, dt=0.5, method=method, noise=3.0, seed=11)
    ref = simulate_numpy("RS", current, **kwargs)
    assert ref.spike_times.n_spikes > 0
    assert_same(izhic.simulate("RS", current, n_threads=2, **kwargs), ref)


# ---------------------------------------------------------------- statistics

def test_normal_noise_statistics():
    draws = np.array([normal_noise(42, i, k) for i in range(20) for k in range(1000)])
    assert np.isfinite(draws).all()
    n = draws.size
    assert abs(draws.mean()) < 5 / math.sqrt(n)
    assert abs(draws.var() - 1.0) < 0.05
    assert abs(np.mean(draws**3)) < 0.1  # symmetric
    assert abs(np.mean(draws**4) - 3.0) < 0.3  # Gaussian tails
    # neighbours in neuron and in step are uncorrelated
    grid = draws.reshape(20, 1000)
    assert abs(np.corrcoef(grid[0], grid[1])[0, 1]) < 0.1
    assert abs(np.corrcoef(grid[0, :-1], grid[0, 1:])[0, 1]) < 0.1
    # the seed changes every draw
    assert normal_noise(43, 0, 0) != normal_noise(42, 0, 0)
    assert normal_noise(42, 0, 0) == draws[0]


def _subthreshold_variance(dt, noise_kind):
    """Variance over 4000 neurons of v after 40 ms of noise around the rest state."""
    res = izhic.simulate("RS", 0.0, n_neurons=4000, duration=40.0, dt=dt, method="euler",
                         v0=-70.0, noise=1.0, noise_kind=noise_kind, seed=5)
    assert res.spike_times.n_spikes == 0  # linear regime near rest (-70 mV)
    return res.v_final.var()


def test_white_noise_variance_independent_of_dt():
    # sigma N / sqrt(dt) per step: the variance of v converges as dt -> 0
    coarse = _subthreshold_variance(0.2, "white")
    fine = _subthreshold_variance(0.05, "white")
    assert 0.2 < fine < 2.0
    assert coarse / fine == pytest.approx(1.0, rel=0.15)


def test_per_step_noise_variance_scales_with_dt():
    # sigma N per step: the variance of v is proportional to dt
    coarse = _subthreshold_variance(0.2, "per_step")
    fine = _subthreshold_variance(0.05, "per_step")
    assert coarse / fine == pytest.approx(4.0, rel=0.15)


@pytest.mark.filterwarnings("ignore::izhic.AccuracyWarning")   # rk4_grid at dt = 1
@pytest.mark.parametrize("method", METHODS)
def test_per_step_and_white_differ_by_sqrt_dt(method):
    # dt = 1: the same; dt = 0.25: white sigma equals per_step 2 sigma (exact in binary)
    white = noisy(method=method, dt=1.0, noise=3.0, noise_kind="white")
    per_step = noisy(method=method, dt=1.0, noise=3.0, noise_kind="per_step")
    assert white.spike_times.n_spikes > 0
    assert_same(white, per_step)
    white = noisy(method=method, dt=0.25, noise=1.5, noise_kind="white")
    assert_same(white, noisy(method=method, dt=0.25, noise=3.0, noise_kind="per_step"))
    assert not np.array_equal(white.v_final,
                              noisy(method=method, dt=0.25, noise=1.5,
                                    noise_kind="per_step").v_final)


@pytest.mark.parametrize("method", METHODS)
def test_neuron_ids_give_a_part_the_noise_of_the_whole(method):
    # neurons 40..109 of a population of 300, simulated alone with their ids
    whole = noisy(method=method, seed=5)
    ids = np.arange(40, 110)
    part = izhic.simulate("RS", np.linspace(8.0, 0.0, 300)[ids], duration=100.0, dt=0.25,
                          method=method, noise=4.0, seed=5, neuron_ids=ids)
    assert part.spike_times.n_spikes > 0
    for j, i in enumerate(ids):
        assert_array_equal(part.spike_times[j], whole.spike_times[i])
    assert_array_equal(part.v_final, whole.v_final[ids])
    ref = simulate_numpy("RS", np.linspace(8.0, 0.0, 300)[ids], 100.0, 0.25, method,
                         noise=4.0, seed=5, neuron_ids=ids)
    assert_same(part, ref)
    # equal ids draw equal noise: common random numbers across a current sweep
    same = izhic.simulate("RS", np.full(3, 5.0), 100.0, 0.25, method, noise=4.0, seed=5,
                          neuron_ids=[7, 7, 7])
    assert same.v_final[0] == same.v_final[1] == same.v_final[2]


@pytest.mark.parametrize("ids, exc, match", [
    ([0, 1], ValueError, "neuron_ids: expected one id per neuron"),
    ([0, -1, 2], ValueError, "neuron_ids: ids must be >= 0"),
    ([0.0, 1.0, 2.0], TypeError, "neuron_ids: expected a 1-D array of non-negative ints"),
    ([[0, 1, 2]], TypeError, "neuron_ids"),
])
def test_bad_neuron_ids_refused(ids, exc, match):
    with pytest.raises(exc, match=match):
        izhic.simulate("RS", [1.0, 2.0, 3.0], duration=10.0, dt=0.25, noise=1.0, seed=1,
                       neuron_ids=ids)


def test_seed_without_noise_is_refused():
    with pytest.raises(ValueError, match="seed: given without noise"):
        izhic.simulate("RS", 10.0, 100.0, seed=3)


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("kwargs, exc, match", [
    ({"noise": -1.0}, ValueError, "noise: must be >= 0"),
    ({"noise": [1.0, -0.5, 2.0]}, ValueError, "noise: must be >= 0"),
    ({"noise": np.nan}, ValueError, "noise: .*finite"),
    ({"noise": np.inf}, ValueError, "noise: .*finite"),
    ({"noise": [1.0, np.nan, 1.0]}, ValueError, "noise: .*finite"),
    ({"noise": "1"}, TypeError, "noise"),
    ({"noise": [1.0, 2.0]}, ValueError, "shapes: .*noise"),
    ({"noise": 1.0, "noise_kind": "pink"}, ValueError, "noise_kind: unknown value 'pink'"),
    ({"noise": 1.0, "noise_kind": None}, TypeError, "noise_kind"),
    ({"noise": 1.0, "seed": 1.5}, TypeError, "seed: expected an int"),
    ({"noise": 1.0, "seed": 2.0}, TypeError, "seed: expected an int"),
    ({"noise": 1.0, "seed": "3"}, TypeError, "seed: expected an int"),
    ({"noise": 1.0, "seed": True}, TypeError, "seed: expected an int"),
    ({"noise": 1.0, "seed": -1}, ValueError, r"seed: must be in \[0, 2\*\*64\), got -1"),
    ({"noise": 1.0, "seed": 2**64}, ValueError, r"seed: must be in \[0, 2\*\*64\)"),
])
def test_bad_noise_arguments_refused(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        izhic.simulate("RS", [1.0, 2.0, 3.0], duration=10.0, dt=0.25, **kwargs)
