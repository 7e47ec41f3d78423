"""The 2003 network (net.m) against a loop written here from net.m's code, and its
figure (izhic.figures.izhikevich2003, Fig. 3)."""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from izhic.figures import FIGURES
from izhic.figures.izhikevich2003 import network_2003_figure
from izhic.network import network_2003


def net_m(T, seed, Ne=800, Ni=200):
    """net.m, line by line (0-based neurons, firing times as net.m prints them).

    The one liberty: the fired columns are summed one by one, highest index
    first, then added to the thalamic input (izhic's documented order of a
    step's synaptic input); MATLAB's ``sum(S(:,fired),2)`` leaves its order
    unspecified."""
    rng = np.random.default_rng(seed)
    re, ri = rng.random(Ne), rng.random(Ni)
    a = np.r_[0.02 * np.ones(Ne), 0.02 + 0.08 * ri]
    b = np.r_[0.2 * np.ones(Ne), 0.25 - 0.05 * ri]
    c = np.r_[-65 + 15 * re ** 2, -65 * np.ones(Ni)]
    d = np.r_[8 - 6 * re ** 2, 2 * np.ones(Ni)]
    S = np.hstack([0.5 * rng.random((Ne + Ni, Ne)), -rng.random((Ne + Ni, Ni))])
    v = -65 * np.ones(Ne + Ni)
    u = b * v
    firings = []
    for t in range(1, T + 1):
        I = np.r_[5 * np.ones(Ne), 2 * np.ones(Ni)] * rng.standard_normal(Ne + Ni)
        fired = np.flatnonzero(v >= 30)
        firings += [(t, i) for i in fired]
        v[fired] = c[fired]
        u[fired] = u[fired] + d[fired]
        syn = np.zeros(Ne + Ni)
        for j in fired[::-1]:
            syn = syn + S[:, j]
        I = I + syn
        v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + I)
        v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + I)
        u = u + a * (b * v - u)
    return firings


@pytest.mark.parametrize("seed", [0, 1])
def test_network_equals_net_m(seed):
    T = 2500                                   # three kernel calls (1000 steps each)
    net = network_2003(float(T), seed=seed)
    expected = net_m(T, seed)
    # net.m finds a spike at the start of the step after the one that produced
    # it: izhic's time + 1 ms; the last step's spikes fall after net.m's loop
    got = [(int(t) + 1, int(i)) for t, i in zip(net.times, net.neurons) if t + 1 <= T]
    assert got == expected
    assert len(expected) > 10000


def test_network_statistics_and_figure(tmp_path):
    net = network_2003(1000.0, seed=0)
    assert 5.0 < net.mean_rate() < 12.0          # the paper: ~7-8 Hz
    centres, rate = net.population_rate(1.0)
    assert rate.mean() == pytest.approx(net.mean_rate())
    spectrum = np.abs(np.fft.rfft(rate - rate.mean())) ** 2
    freqs = np.fft.rfftfreq(rate.size, 1e-3)
    band = (freqs > 2) & (freqs < 80)
    assert 5.0 < freqs[band][np.argmax(spectrum[band])] < 30.0   # rhythmic episodes
    png, js = FIGURES["network_2003"](tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and js.exists()
    assert_array_equal(network_2003(1000.0, seed=0).times, net.times)   # reproducible


def test_network_duration_must_be_whole_ms():
    with pytest.raises(ValueError, match="^duration"):
        network_2003(10.5)


def test_network_figure_title_fits_over_the_raster():
    """The title lies inside the figure and no wider than the raster's axes
    (0.1's one-line title ran past both)."""
    pytest.importorskip("matplotlib")
    from figure_geometry import drawn, inside

    fig = network_2003_figure(network_2003(200.0, seed=0))
    renderer = drawn(fig)
    raster = fig.axes[0]
    title = raster.title.get_window_extent(renderer)
    axes = raster.get_window_extent(renderer)
    assert inside(title, fig.bbox)
    assert axes.x0 <= title.x0 and title.x1 <= axes.x1
    assert title.y0 >= axes.y1                                  # above the raster
    assert "mean rate" in raster.get_title() and "dt = 1 ms" in raster.get_title()
