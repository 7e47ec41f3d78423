"""The 2007 cell types under their published protocols (izhic.protocols.PROTOCOLS_2007,
run and drawn by izhic.figures.izhikevich2007).

Every run is compared with a loop written here from the book's equations
(Izhikevich 2007, ch. 8; the parameters typed in again from the reference
table, not read from izhic.PRESETS_2007), then checked for the firing pattern
each cell is known for."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from izhic.figures.izhikevich2007 import cell_types_2007, run_protocol_2007
from izhic.protocols import PROTOCOLS_2007, Protocol2007
from izhic.protocols import TAU_2007 as TAU

ROOT = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: The published protocols (ModelDB 39948): T (ms), amplitudes (pA), hold (pA, first 120 ms)
PUBLISHED = {
    "RS": (520, (60, 70, 85, 100), None),
    "IB": (600, (290, 370, 500, 550), None),
    "CH": (210, (200, 300, 400, 600), None),
    "LTS": (320, (100, 125, 200, 300), None),
    "FS": (100, (73.2, 100, 200, 400), None),
    "RTN": (650, (50, 70, 110), None),
    "TC": (650, (50, 100, 150), None),
    "TC_burst": (650, (0, 50, 100), -1200),
    "RTN_burst": (720, (30, 50, 90), -350),
}
RUNS = [(key, amplitude) for key, (_, amplitudes, _) in PUBLISHED.items()
        for amplitude in amplitudes]

#: C (pF), k (nS/mV), vr, vt (mV), a (1/ms), b (nS), c (mV), d (pA), v_peak (mV)
BOOK = {
    "RS": (100, 0.7, -60, -40, 0.03, -2, -50, 100, 35),
    "IB": (150, 1.2, -75, -45, 0.01, 5, -56, 130, 50),
    "CH": (50, 1.5, -60, -40, 0.03, 1, -40, 150, 25),
    "LTS": (100, 1.0, -56, -42, 0.03, 8, -53, 20, 40),
    "FS": (20, 1.0, -55, -40, 0.2, 0, -45, 0, 25),
    "TC": (200, 1.6, -60, -50, 0.01, 0, -60, 10, 35),
    "RTN": (40, 0.25, -65, -45, 0.015, 2, -55, 50, 0),
}


def book_current(key, amplitude):
    """The current of each step k (at t_k = k tau), written out: rest for the
    first 10 % of the run (the book's ``I = [zeros(1, 0.1 n), A ones(1, 0.9 n)]``),
    or the burst mode's hold for the first 120 ms; then the amplitude."""
    duration, _, hold = PUBLISHED[key]
    n = round(duration / TAU)
    n_before = round(0.1 * n) if hold is None else round(120 / TAU)
    current = np.full(n, float(amplitude))
    current[:n_before] = 0.0 if hold is None else hold
    return current


def book_loop(cell, current, tau=TAU):
    """Forward Euler as in the book's code: v and u from the old v, u; the
    u-dependent peak and reset from the updated u (before the jump by d).
    Returns the spike times at the end of the step, (k + 1) tau."""
    C, k, vr, vt, a, b, c, d, v_peak = BOOK[cell]
    v, u = float(vr), 0.0
    spikes = []
    for i, I in enumerate(current):
        v_new = v + tau * (k * (v - vr) * (v - vt) - u + I) / C
        if cell == "FS":      # U(v) = 0.025 (v - vb)^3 for v >= vb = -55, else 0
            U = 0.025 * (v + 55) ** 3 if v >= -55 else 0.0
        elif cell == "TC":    # b = 15 if v <= -65, else 0
            U = (15 if v <= -65 else 0) * (v - vr)
        elif cell == "RTN":   # u' = a (b (v + 65) - u), b = 10 if v <= -65, else 2
            U = (10 if v <= -65 else 2) * (v + 65)
        else:
            U = b * (v - vr)
        u_new = u + tau * a * (U - u)
        if cell == "LTS":
            peak = 40 - 0.1 * u_new
        elif cell == "TC":
            peak = 35 + 0.1 * u_new
        else:
            peak = v_peak
        if v_new >= peak:
            spikes.append((i + 1) * tau)
            if cell == "LTS":
                v_new, u_new = -53 + 0.04 * u_new, min(u_new + 20, 670)
            elif cell == "TC":
                v_new, u_new = -60 - 0.1 * u_new, u_new + 10
            else:
                v_new, u_new = c, u_new + d
        v, u = v_new, u_new
    return np.array(spikes)


@pytest.fixture(scope="module")
def runs():
    """izhic's spike times of every published run: {(key, amplitude): times}."""
    return {(key, a): np.asarray(run_protocol_2007(key, a, record=None).spike_times[0])
            for key, a in RUNS}


def test_protocols_are_the_published_ones():
    assert list(PROTOCOLS_2007) == list(PUBLISHED)
    for key, (duration, amplitudes, hold) in PUBLISHED.items():
        p = PROTOCOLS_2007[key]
        assert (p.duration, p.amplitudes) == (duration, amplitudes)
        assert p.cell == key.split("_")[0]
        if hold is None:   # the step starts at 10 % of the run, from 0 pA
            assert (p.hold, p.t_on, p.burst_mode) == (0.0, 0.1 * duration, False)
        else:              # burst mode: the hold for the first 120 ms
            assert (p.hold, p.t_on, p.burst_mode) == (hold, 120.0, True)
        for amplitude in amplitudes:
            t = np.arange(round(duration / TAU)) * TAU
            assert_array_equal(p.current(amplitude, t), book_current(key, amplitude))


def test_parameters_are_the_books():
    for cell, (C, k, vr, vt, a, b, c, d, v_peak) in BOOK.items():
        m = PROTOCOLS_2007[cell].model()
        assert (m.C, m.k, m.vr, m.vt, m.a, m.b, m.c, m.d, m.v_peak) == \
            (C, k, vr, vt, a, b, c, d, v_peak)


@pytest.mark.parametrize("key, amplitude", RUNS)
def test_spike_times_equal_the_books_loop(runs, key, amplitude):
    # exactly: izhic multiplies by tau / C where the book divides tau X by C,
    # and no spike of any published run moves by a step because of it
    expected = book_loop(PROTOCOLS_2007[key].cell, book_current(key, amplitude))
    assert_array_equal(runs[key, amplitude], expected)


def test_spike_counts(runs):
    counts = {key: [runs[key, a].size for a in PUBLISHED[key][1]] for key in PUBLISHED}
    assert counts == {"RS": [2, 3, 5, 6], "IB": [0, 3, 7, 9], "CH": [4, 9, 12, 19],
                      "LTS": [1, 3, 8, 19], "FS": [2, 4, 7, 12], "RTN": [3, 6, 10],
                      "TC": [3, 10, 15], "TC_burst": [6, 10, 16], "RTN_burst": [3, 6, 10]}


def _bursts(times, gap):
    """Split spike times into groups separated by more than ``gap`` ms."""
    if times.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(times) > gap) + 1
    return np.split(times, cuts)


def test_rs_fires_tonically_with_adaptation(runs):
    isi = np.diff(runs["RS", 100.0])
    assert isi.size >= 4 and np.all(isi > 60)        # single spikes, no bursts
    assert isi[-1] > isi[0]                           # adaptation
    assert np.all([runs["RS", a].size for a in (60.0, 70.0, 85.0, 100.0)])  # every step fires


def test_ib_bursts_first_then_fires_tonically(runs):
    for amplitude in (500.0, 550.0):
        isi = np.diff(runs["IB", amplitude])
        assert isi[0] < 20                             # an initial burst (doublet or more)
        assert np.all(isi[-3:] > 60)                   # then regular single spikes
    assert runs["IB", 290.0].size == 0                 # below the rheobase (~350 pA)


def test_ch_chatters(runs):
    for amplitude in (200.0, 300.0, 400.0, 600.0):
        groups = _bursts(runs["CH", amplitude], gap=15.0)
        assert len(groups) >= 2                              # repeated bursts
        assert all(g.size >= 2 for g in groups[:-1])         # of two spikes or more


def test_fs_fires_fast_without_adaptation(runs):
    times = runs["FS", 400.0]
    isi = np.diff(times)
    assert 1000.0 / isi[1:].mean() > 100                     # > 100 Hz
    assert isi[-1] <= 1.25 * isi[1]                          # no slowing down
    assert runs["FS", 73.2].size >= 1                        # fires near its rheobase


def test_lts_adapts_and_its_spikes_shrink(runs):
    isi = np.diff(runs["LTS", 200.0])
    assert isi[-1] > 1.5 * isi[0]                            # adaptation
    isi = np.diff(runs["LTS", 300.0])
    assert isi[-1] > 1.2 * isi[0]
    res = run_protocol_2007("LTS", 300.0)
    u_after = res.u[0, np.rint(res.spike_times[0] / TAU).astype(int)]
    assert np.all(np.diff(u_after[:5]) > 0)                  # u builds up ...
    # ... so the peak 40 - 0.1 u the spikes reach falls during the train
    assert 40 - 0.1 * (u_after[-1] - 20) < 25


def test_lts_rebounds_after_inhibition():
    # not a published protocol: 80 pA (silent alone), with -300 pA more for 100-150 ms
    from izhic import inputs, simulate
    lts = PROTOCOLS_2007["LTS"].model()
    assert simulate(lts, 80.0, 1000.0, TAU, "euler").spike_times.n_spikes == 0
    res = simulate(lts, 80.0 + inputs.pulse(100.0, 150.0, -300.0), 1000.0, TAU, "euler")
    assert_array_equal(res.spike_times[0], [189.0])          # one rebound spike


def test_tc_fires_a_rebound_burst_after_the_hold(runs):
    times = runs["TC_burst", 0.0]                            # no depolarizing current at all
    assert times.size >= 3 and times[0] > 120.0              # fired only after the release
    assert np.all(np.diff(times[:4]) < 15)                   # a burst of >= 4 fast spikes
    assert runs["TC", 50.0].size == 3 and np.diff(runs["TC", 50.0]).min() > 100  # tonic
    for amplitude in (50.0, 100.0):                          # burst first, then slower
        isi = np.diff(runs["TC_burst", amplitude])
        assert isi[0] < 10 and isi[-1] > 3 * isi[0]


def test_rtn_bursts_after_the_hold(runs):
    times = runs["RTN_burst", 30.0]
    assert times[0] > 120.0 and np.all(np.diff(times) < 40)  # one rebound burst
    assert np.diff(runs["RTN", 50.0]).min() > 100            # tonic from rest


def test_cell_types_2007_writes_png_and_json(tmp_path, runs):
    paths = cell_types_2007(tmp_path / "figs")
    assert paths == [tmp_path / "figs" / "cell_types_2007.png",
                     tmp_path / "figs" / "cell_types_2007.json"]
    data = paths[0].read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 100_000
    table = json.loads(paths[1].read_text())
    assert list(table) == list(PUBLISHED)
    assert table["RS"]["name"] == "regular spiking (L5 pyramidal)"
    assert table["TC_burst"]["name"] == "thalamo-cortical (cat dLGN), burst mode"
    for key, entry in table.items():
        duration, amplitudes, hold = PUBLISHED[key]
        p = entry["protocol"]
        assert (p["duration_ms"], p["amplitudes_pA"]) == (duration, list(amplitudes))
        assert (p["hold_pA"], p["method"], p["dt_ms"]) == (hold or 0.0, "euler", TAU)
        assert [run["current_pA"] for run in entry["runs"]] == list(amplitudes)
        for run in entry["runs"]:
            assert_array_equal(run["spike_times"], runs[key, run["current_pA"]])


def test_trace_shows_the_u_dependent_peak():
    # the core shows the cut-off each spike crossed (v_at_spike="peak")
    p = PROTOCOLS_2007["TC_burst"]
    res = run_protocol_2007(p, 0.0)
    v = res.v[0]
    k = np.rint(res.spike_times[0] / TAU).astype(int)
    u_pre = res.u[0, k] - 10.0                               # TC: u jumps by d = 10
    np.testing.assert_allclose(v[k], 35 + 0.1 * u_pre, rtol=0, atol=1e-9)
    assert np.all(np.delete(v, k) < 35 + 0.1 * np.delete(res.u[0], k))
    rs = run_protocol_2007("RS", 100.0)
    k = np.rint(rs.spike_times[0] / TAU).astype(int)
    assert_array_equal(rs.v[0, k], 35.0)


def test_run_protocol_2007_rejects_unknown_key():
    with pytest.raises(ValueError, match="protocol: expected one of RS, IB"):
        run_protocol_2007("RZ", 10.0)
    assert isinstance(PROTOCOLS_2007["RS"], Protocol2007)


def test_example_script(tmp_path):
    out = tmp_path / "figs"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "cell_types_2007.py"),
                           "--out", str(out)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(out / "cell_types_2007.png"),
                                   str(out / "cell_types_2007.json")]





def test_each_input_axis_is_labelled_with_its_own_step(tmp_path):
    """0.1 labelled every input axis with the panel's largest step (the 60 pA row
    read "100 pA"), next to the previous row's trace label: each input axis now
    names its own run's levels, and every label sits in its own run's rows."""
    from figure_geometry import drawn

    from izhic.figures.izhikevich2007 import _draw_protocol
    from izhic.plotting import new_figure

    for key in ("RS", "FS", "TC_burst"):
        p = PROTOCOLS_2007[key]
        runs = []
        for amplitude in p.amplitudes:
            res = run_protocol_2007(p, amplitude)
            runs.append((amplitude, res, res.v[0]))
        fig = new_figure(figsize=(5.0, 5.5))
        _draw_protocol(fig, fig.add_gridspec(1, 1)[0], p, runs)
        renderer = drawn(fig)
        axes = {ax.get_gid(): ax for ax in fig.axes}
        boxes = {gid: ax.get_window_extent(renderer) for gid, ax in axes.items()}
        for amplitude, res, _ in runs:
            run_id = f"{key} {amplitude:g} pA"
            axi, axv = axes[f"input: {run_id}"], axes[f"v: {run_id}"]
            expected = sorted({p.hold, amplitude}) if p.burst_mode else [amplitude]
            assert [t.get_text() for t in axi.get_yticklabels()] == \
                [f"{i:g} pA" for i in expected]
            assert list(axi.get_yticks()) == expected          # at the step's own height
            count, = [t for t in axv.texts if t.get_gid() == f"count: {run_id}"]
            n = res.spike_times[0].size
            assert count.get_text() == f"{n} spike{'' if n == 1 else 's'}"
            # no label of this run reaches into another run's axes
            own = {f"input: {run_id}", f"v: {run_id}"}
            for text in [count, *axi.get_yticklabels()]:
                box = text.get_window_extent(renderer)
                for gid, other in boxes.items():
                    if gid not in own:
                        assert not box.overlaps(other), (text.get_text(), gid)
