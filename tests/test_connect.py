"""izhic.connect: connectors and populations."""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic import connect


def _pairs(syn):
    return syn.pre, syn.post


def _uniform_delay(pre, post, rng):
    return rng.integers(1, 6, pre.size).astype(float)


def _weights(pre, post, rng):
    return np.where(pre < 80, 0.5, -1.0) * rng.random(pre.size)


def _stored_in_order(syn):
    key = (syn.pre * 1000 + syn.delay) * 10**6 + syn.post
    return bool((np.diff(key) >= 0).all())


@pytest.mark.parametrize("build", [
    lambda seed: connect.fixed_indegree(100, 100, 10, _weights, _uniform_delay, seed=seed),
    lambda seed: connect.fixed_outdegree(100, 100, 10, _weights, _uniform_delay, seed=seed),
    lambda seed: connect.fixed_probability(100, 100, 0.1, _weights, _uniform_delay, seed=seed),
    lambda seed: connect.all_to_all(100, 100, _weights, _uniform_delay, seed=seed),
], ids=["indegree", "outdegree", "probability", "all_to_all"])
def test_reproducible_and_in_storage_order(build):
    a, b, c = build(1), build(1), build(2)
    assert _stored_in_order(a)
    assert_array_equal(a.pre, b.pre)
    assert_array_equal(a.post, b.post)
    assert_array_equal(a.weight, b.weight)
    assert_array_equal(a.delay, b.delay)
    assert not (np.array_equal(a.weight, c.weight) and np.array_equal(a.post, c.post))
    assert set(np.unique(a.delay)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    exc = a.pre < 80
    assert (a.weight[exc] >= 0).all() and (a.weight[~exc] <= 0).all()


def test_chunks_do_not_change_the_draws(monkeypatch):
    """The chunk size is part of the stream: a connector gives the same
    synapses as an obviously-correct loop over its chunks."""
    monkeypatch.setattr(connect, "_CHUNK_SYNAPSES", 50)
    syn = connect.fixed_indegree(30, 30, 5, seed=3)
    pre, post = [], []
    for c, r0 in enumerate(range(0, 30, 10)):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(3, spawn_key=(c,))))
        draws = rng.integers(0, 30, (10, 5))
        for r in range(10):
            pre += draws[r].tolist()
            post += [r0 + r] * 5
    expected = sorted(zip(pre, post))
    assert sorted(zip(syn.pre.tolist(), syn.post.tolist())) == expected


def test_fixed_indegree_exact_and_options():
    syn = connect.fixed_indegree(range(50, 150), range(0, 200), 30, autapses=False,
                                 multapses=False, seed=4)
    assert (np.bincount(syn.post, minlength=200) == 30).all()
    assert ((syn.pre >= 50) & (syn.pre < 150)).all()
    assert (syn.pre != syn.post).all()
    assert np.unique(syn.pre * 1000 + syn.post).size == syn.n_synapses
    assert syn.n_neurons == 200 and not syn.multapses
    many = connect.fixed_indegree(10, 10, 50, seed=1)       # with repeats
    assert many.multapses and (np.bincount(many.post) == 50).all()


def test_fixed_outdegree_exact_and_options():
    syn = connect.fixed_outdegree(40, 40, 39, autapses=False, multapses=False, seed=5)
    assert (np.bincount(syn.pre) == 39).all() and (syn.pre != syn.post).all()
    assert np.unique(syn.pre * 100 + syn.post).size == syn.n_synapses


def test_fixed_probability_statistics():
    n, p = 400, 0.05
    syn = connect.fixed_probability(n, n, p, autapses=False, seed=6)
    mean = n * (n - 1) * p
    assert abs(syn.n_synapses - mean) < 5 * np.sqrt(mean * (1 - p))
    assert (syn.pre != syn.post).all()
    assert np.unique(syn.pre * n + syn.post).size == syn.n_synapses
    # out-degrees binomial(n - 1, p): their variance too
    deg = np.bincount(syn.pre, minlength=n)
    assert deg.var() == pytest.approx((n - 1) * p * (1 - p), rel=0.25)
    # targets uniform over the candidates
    counts = np.bincount(syn.post, minlength=n)
    assert counts.max() < 3 * counts.mean()
    assert connect.fixed_probability(50, 50, 0.0).n_synapses == 0
    assert connect.fixed_probability(50, 50, 1.0, autapses=False).n_synapses == 50 * 49


def test_all_to_all_matches_dense():
    rng = np.random.default_rng(0)
    S = rng.random((20, 20))
    syn = connect.all_to_all(20, weight=lambda pre, post, rng_: S[post, pre])
    dense = izhic.Synapses.from_dense(S)
    assert_array_equal(syn.pre, dense.pre)
    assert_array_equal(syn.post, dense.post)
    assert_array_equal(syn.weight, dense.weight)


def test_a_connected_network_runs_like_from_dense():
    rng = np.random.default_rng(1)
    S = rng.random((50, 50)) - 0.3
    a = connect.all_to_all(50, weight=lambda pre, post, rng_: S[post, pre])
    b = izhic.Synapses.from_dense(S)
    kw = dict(noise=3.0, noise_kind="per_step", seed=1)
    ra = izhic.simulate("RS", 5.0, 200.0, 0.5, "euler", synapses=a, **kw)
    rb = izhic.simulate("RS", 5.0, 200.0, 0.5, "euler", synapses=b, **kw)
    assert_array_equal(ra.spike_times.times, rb.spike_times.times)
    assert ra.spike_times.n_spikes > 100


@pytest.mark.parametrize("call, exc, match", [
    (lambda: connect.fixed_indegree(10, 10, -1), ValueError, "^indegree"),
    (lambda: connect.fixed_indegree(10, 10, 2.5), TypeError, "^indegree"),
    (lambda: connect.fixed_indegree(10, 10, 11, multapses=False), ValueError, "^indegree"),
    (lambda: connect.fixed_indegree(10, 10, 10, multapses=False, autapses=False), ValueError,
     "^indegree"),
    (lambda: connect.fixed_outdegree(5, 5, 6, multapses=False), ValueError, "^outdegree"),
    (lambda: connect.fixed_probability(10, 10, 1.5), ValueError, "^p"),
    (lambda: connect.fixed_indegree([3, 1], 10, 1), ValueError, "^pre"),
    (lambda: connect.fixed_indegree(range(0, 10, 2), 10, 1), ValueError, "^pre"),
    (lambda: connect.fixed_indegree(0, 10, 1), ValueError, "^pre"),
    (lambda: connect.fixed_indegree("all", 10, 1), TypeError, "^pre"),
    (lambda: connect.all_to_all(10, autapses="no"), TypeError, "^autapses"),
    (lambda: connect.all_to_all(10, delay=0.0), ValueError, "^delay"),
    (lambda: connect.all_to_all(10, delay=lambda p, q, r: -np.ones(p.size)), ValueError,
     "^delay"),
    (lambda: connect.all_to_all(10, weight=lambda p, q, r: np.ones(3)), ValueError, "^weight"),
    (lambda: connect.all_to_all(10, weight=lambda p, q, r: np.full(p.size, np.nan)),
     ValueError, "^weight"),
    (lambda: connect.all_to_all(10, n_neurons=5), ValueError, "^n_neurons"),
    (lambda: connect.all_to_all(10, seed=-1), TypeError, "^seed"),
    (lambda: connect.all_to_all(10, kind="gap"), ValueError, "^kind"),
])
def test_connector_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_population_groups_and_model():
    def exc(n, rng):
        r = rng.random(n)
        return izhic.Izhikevich2003(a=0.02, b=0.2, c=-65 + 15 * r ** 2, d=8 - 6 * r ** 2)

    pop = connect.Population({"E": (800, exc), "I": (200, "FS")}, seed=1)
    again = connect.Population({"E": (800, exc), "I": (200, "FS")}, seed=1)
    assert pop.n == len(pop) == 1000 and list(pop) == ["E", "I"]
    assert pop["E"] == range(0, 800) and pop["I"] == range(800, 1000)
    assert_array_equal(pop.model.c, again.model.c)
    assert pop.model.a[0] == 0.02 and pop.model.a[-1] == 0.1
    assert pop.model.b == 0.2                         # equal in every group: one value
    assert pop.group_of([0, 799, 800]).tolist() == ["E", "E", "I"]
    assert "E: 800" in repr(pop)
    res = izhic.simulate(pop.model, 10.0, 50.0, 0.5)
    assert res.n_neurons == 1000


def test_population_of_2007_cells():
    pop = connect.Population({"RS": (10, izhic.preset("RS", year=2007)),
                              "IB": (5, izhic.preset("IB", year=2007))})
    assert pop.model.C.shape == (15,)
    with pytest.raises(ValueError, match="shared field"):
        connect.Population({"RS": (3, izhic.preset("RS", year=2007)),
                            "LTS": (3, izhic.preset("LTS", year=2007))})
    with pytest.raises(ValueError, match="one model form"):
        connect.Population({"a": (3, "RS"), "b": (3, izhic.preset("RS", year=2007))})


@pytest.mark.parametrize("groups, exc, match", [
    ({}, TypeError, "^groups"),
    ({"E": 0}, ValueError, "^groups"),
    ({"E": (3, "XX")}, ValueError, "groups\\['E'\\]"),
    ({"E": (3, lambda n, rng: izhic.Izhikevich2003(a=np.ones(2), b=0.2, c=-65.0, d=8.0))},
     ValueError, "^groups: field a has 2 values for a group of 3"),
])
def test_population_bad_input(groups, exc, match):
    with pytest.raises(exc, match=match):
        connect.Population(groups)
    pop = connect.Population({"E": 2})
    with pytest.raises(KeyError, match="no such group"):
        pop["X"]
