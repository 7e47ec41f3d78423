"""The figures of figure1.m (2004 Fig. 1, 2003 Fig. 2) against the figure code.

izhic.figures.figure1m runs the protocols as the code does,
izhic.figures.izhikevich2004 and izhic.figures.izhikevich2003 draw them.

The oracle is the public figure code (``figure1.m``) transcribed literally into
a plain Python loop below, with its own parameters and its own ``if``
statements for the inputs (nothing is taken from izhic.protocols). izhic's
spike times (converted to the code's convention, the sample t_k) and traces
must equal the loop's exactly.
"""
import doctest
import importlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from izhic.models import PRESETS_2003
from izhic.protocols import FEATURES_2004, NEURON_TYPES_2003
from izhic.figures.figure1m import run_protocol
from izhic.figures.izhikevich2003 import neuron_types_2003
from izhic.figures.izhikevich2004 import (ACCURATE, accurate_run, compare_accurate,
                                          features_2004, run_panel)

ROOT = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LETTERS = "ABCDEFGHIJKLMNOPQRST"


# ------------------------------------------------------- the figure code ----
# (a, b, c, d, V0, u0 or None for b*V0, tau, T, I(t), v-equation (linear, constant),
#  accommodation), copied from figure1.m panel by panel.

def _k_input(t):
    T1 = 400 / 10
    T2 = T1 + 20
    T3 = 0.7 * 400
    T4 = T3 + 40
    if ((t > T1) and (t < T1 + 4)) or ((t > T2) and (t < T2 + 4)) or \
            ((t > T3) and (t < T3 + 4)) or ((t > T4) and (t < T4 + 4)):
        return 0.65
    return 0


def _l_input(t):
    T1 = 100 / 11
    T2 = T1 + 5
    T3 = 0.7 * 100
    T4 = T3 + 10
    if ((t > T1) and (t < T1 + 2)) or ((t > T2) and (t < T2 + 2)) or \
            ((t > T3) and (t < T3 + 2)) or ((t > T4) and (t < T4 + 2)):
        return 9
    return 0


def _o_input(t):
    if ((t > 10) and (t < 15)) or ((t > 80) and (t < 85)):
        return 1
    elif (t > 70) and (t < 75):
        return -6
    return 0


def _r_input(t):
    if t < 200:
        return t / 25
    elif t < 300:
        return 0
    elif t < 312.5:
        return (t - 300) / 12.5 * 4
    return 0


STANDARD = (5.0, 140.0)
CLASS1 = (4.1, 108.0)

FIGURE_2004 = {
    "A": (0.02, 0.2, -65, 6, -70, None, 0.25, 100, lambda t: 14 if t > 100 / 10 else 0),
    "B": (0.02, 0.25, -65, 6, -64, None, 0.25, 200, lambda t: 0.5 if t > 20 else 0),
    "C": (0.02, 0.2, -50, 2, -70, None, 0.25, 220, lambda t: 15 if t > 22 else 0),
    "D": (0.02, 0.25, -55, 0.05, -64, None, 0.2, 200, lambda t: 0.6 if t > 20 else 0),
    "E": (0.02, 0.2, -55, 4, -70, None, 0.25, 160, lambda t: 10 if t > 160 / 10 else 0),
    "F": (0.01, 0.2, -65, 8, -70, None, 0.25, 85, lambda t: 30 if t > 85 / 10 else 0),
    "G": (0.02, -0.1, -55, 6, -60, None, 0.25, 300,
          lambda t: (0.075 * (t - 30)) if t > 30 else 0, CLASS1),
    "H": (0.2, 0.26, -65, 0, -64, None, 0.25, 300,
          lambda t: -0.5 + (0.015 * (t - 30)) if t > 30 else -0.5),
    "I": (0.02, 0.2, -65, 6, -70, None, 0.2, 100,
          lambda t: 7.04 if (t > 100 / 10 and t < 100 / 10 + 3) else 0),
    "J": (0.05, 0.26, -60, 0, -62, None, 0.25, 200,
          lambda t: 2 if (t > 200 / 10 and t < 200 / 10 + 5) else 0),
    "K": (0.1, 0.26, -60, -1, -62, None, 0.25, 400, _k_input),
    "L": (0.02, -0.1, -55, 6, -60, None, 0.25, 100, _l_input, CLASS1),
    "M": (0.03, 0.25, -60, 4, -64, None, 0.2, 200,
          lambda t: -15 if (t > 20 and t < 20 + 5) else 0),
    "N": (0.03, 0.25, -52, 0, -64, None, 0.2, 200,
          lambda t: -15 if (t > 20 and t < 20 + 5) else 0),
    "O": (0.03, 0.25, -60, 4, -64, None, 0.25, 100, _o_input),
    "P": (0.1, 0.26, -60, 0, -61, None, 0.25, 300,
          lambda t: 1.24 if ((t > 300 / 8 and t < 300 / 8 + 5) or (t > 216 and t < 216 + 5))
          else 0.24),
    "Q": (1, 0.2, -60, -21, -70, None, 0.1, 50, lambda t: 20 if abs(t - 10) < 1 else 0),
    "R": (0.02, 1, -55, 4, -65, -16, 0.5, 400, _r_input, STANDARD, True),
    "S": (-0.02, -1, -60, 8, -63.8, None, 0.5, 350,
          lambda t: 80 if (t < 50 or t > 250) else 75),
    "T": (-0.026, -1, -45, -2, -63.8, None, 0.5, 350,
          lambda t: 80 if (t < 50 or t > 250) else 75),
}

FIGURE_2003 = {
    "RS": (0.02, 0.2, -65, 8, -63, None, 0.25, 150, lambda t: 14 if t > 150 / 10 else 0),
    "IB": (0.02, 0.2, -55, 4, -70, None, 0.25, 150, lambda t: 11 if t > 150 / 10 else 0),
    "CH": (0.02, 0.2, -50, 2, -70, None, 0.25, 150, lambda t: 10 if t > 150 / 10 else 0),
    "FS": (0.1, 0.2, -65, 2, -70, None, 0.25, 150, lambda t: 10 if t > 150 / 10 else 0),
    "TC": (0.02, 0.25, -65, 0.05, -63, None, 0.25, 150,
           lambda t: 1.5 if t > 2 * 150 / 10 else 0),
    "TC_burst": (0.02, 0.25, -65, 0.05, -87, None, 0.25, 150,
                 lambda t: 0.0 if t > 3 * 150 / 10 else -25),
    "RZ": (0.1, 0.26, -65, 2, -70, None, 0.25, 100,
           lambda t: 10 if (t > 60 and t < 60 + 5) else (-0.5 if t > 10 else -2)),
    "LTS": (0.02, 0.25, -65, 2, -63, None, 0.25, 250, lambda t: 10.0 if t > 25 else 0),
}


def _square(v):
    return v * v


def figure_code(spec, square=_square):
    """figure1.m, one panel: -> (spike times t_k, VV, II, number of samples with V == 30).

    ``V^2`` is the correctly rounded square ``V * V`` (what izhic computes).
    Python's ``V**2`` calls libm's pow, which rounds the other way for a few
    values (panel B, t = 170.5: V = -62.93744467875994, an almost exact tie):
    see test_spike_times_do_not_hinge_on_the_last_bit.
    """
    a, b, c, d, V, u0, tau, T, current = spec[:9]
    linear, constant = spec[9] if len(spec) > 9 else STANDARD
    accommodation = len(spec) > 10 and spec[10]
    u = b * V if u0 is None else u0
    spikes, VV, II = [], [], []
    at_30 = 0
    for k in range(round(T / tau) + 1):          # tspan = 0:tau:T, T included
        t = k * tau
        I = current(t)
        V = V + tau * (0.04 * square(V) + linear * V + constant - u + I)
        if accommodation:
            u = u + tau * a * (b * (V + 65))
        else:
            u = u + tau * a * (b * V - u)
        at_30 += V == 30
        if V > 30:
            spikes.append(t)
            VV.append(30)
            V = c
            u = u + d
        else:
            VV.append(V)
        II.append(I)
    return np.array(spikes), np.array(VV, dtype=float), np.array(II, dtype=float), at_30


@pytest.fixture(scope="module")
def oracle_2004():
    return {key: figure_code(spec) for key, spec in FIGURE_2004.items()}


@pytest.fixture(scope="module")
def oracle_2003():
    return {key: figure_code(spec) for key, spec in FIGURE_2003.items()}


# ------------------------------------------------- protocols are the code ----

@pytest.mark.parametrize("key", LETTERS)
def test_panel_protocol_matches_figure_code(key):
    p = FEATURES_2004[key]
    a, b, c, d, v0, u0, tau, T, current = FIGURE_2004[key][:9]
    linear, constant = FIGURE_2004[key][9] if len(FIGURE_2004[key]) > 9 else STANDARD
    assert (p.a, p.b, p.c, p.d, p.v0, p.tau, p.duration) == (a, b, c, d, v0, tau, T)
    assert p.u_init == (b * v0 if u0 is None else u0)
    assert (p.linear, p.constant) == (linear, constant)
    assert p.recovery == ("accommodation" if key == "R" else "standard")
    # the input at every sample of the figure code and of the accurate grid
    for dt in (tau, 0.01):
        t = p.sample_times(dt)
        assert_array_equal(p.current(t), [current(x) for x in t])


@pytest.mark.parametrize("key", list(NEURON_TYPES_2003))
def test_trace_protocol_matches_figure_code(key):
    p = NEURON_TYPES_2003[key]
    a, b, c, d, v0, _, tau, T, current = FIGURE_2003[key]
    assert (p.a, p.b, p.c, p.d, p.v0, p.tau, p.duration) == (a, b, c, d, v0, tau, T)
    preset = PRESETS_2003[key.split("_")[0]]
    assert (preset.a, preset.b, preset.c, preset.d) == (a, b, c, d)
    t = p.sample_times()
    assert_array_equal(p.current(t), [current(x) for x in t])


def test_panel_names_and_the_published_details():
    assert [FEATURES_2004[k].name for k in "AFQST"] == [
        "tonic spiking", "spike frequency adaptation", "depolarizing after-potential",
        "inhibition-induced spiking", "inhibition-induced bursting"]
    assert FEATURES_2004["T"].d == -2          # not 0, as some third-party lists have it
    assert FEATURES_2004["R"].u_init == -16
    k = FEATURES_2004["K"].current(np.array([40, 40.25, 43.75, 44, 60.25, 280.25, 323.75, 324]))
    assert_array_equal(k, [0, 0.65, 0.65, 0, 0.65, 0.65, 0.65, 0])


# ------------------------------------- izhic reproduces the code exactly ----

@pytest.mark.parametrize("key", LETTERS)
def test_panel_spike_times_equal_figure_code(key, oracle_2004):
    spikes, VV, II, at_30 = oracle_2004[key]
    assert at_30 == 0   # V > 30 (code) and v >= 30 (izhic) cannot disagree
    run = run_panel(key)
    assert_array_equal(run.spike_times, spikes)
    # izhic's own time is the end of the step, t_k + tau
    tau = FEATURES_2004[key].tau
    assert_allclose(run.result.spike_times[0], spikes + tau, rtol=0, atol=1e-12)
    # the code advances the samples t = 0 .. T, T included: T/tau + 1 steps
    t, v = run.trace()
    assert t.size == VV.size == FEATURES_2004[key].n_samples
    assert_array_equal(t, np.arange(VV.size) * tau)
    assert_array_equal(v, VV)                   # 30 at a spike, as the code plots it
    assert_array_equal(run.current[:-1], II)


@pytest.mark.parametrize("key", list(NEURON_TYPES_2003))
def test_2003_traces_equal_figure_code(key, oracle_2003):
    spikes, VV, II, at_30 = oracle_2003[key]
    assert at_30 == 0
    p = NEURON_TYPES_2003[key]
    run = run_protocol(p)
    assert_array_equal(run.spike_times, spikes)
    t, v = run.trace()
    assert_array_equal(v, VV)
    assert_array_equal(run.current[:-1], II)
    # v_at_spike="reset": the samples after a spike hold c instead of 30
    reset = run_protocol(p, v_at_spike="reset")
    _, v_reset = reset.trace()
    assert_array_equal(v_reset, np.where(VV == 30, p.c, VV))


@pytest.mark.parametrize("table", [FIGURE_2004, FIGURE_2003], ids=["2004", "2003"])
def test_spike_times_do_not_hinge_on_the_last_bit(table):
    """The figure code in MATLAB may square with a libm-like pow: V**2 differs from
    V*V by one ulp now and then (the traces of 14 of the 28 runs change, by up to
    0.012 mV in panel H), but not one spike time moves."""
    n_changed = 0
    for spec in table.values():
        exact, v_exact = figure_code(spec)[:2]
        pow_, v_pow = figure_code(spec, square=lambda v: v**2)[:2]
        assert_array_equal(pow_, exact)
        n_changed += not np.array_equal(v_pow, v_exact)
    assert n_changed > 0   # the check is not vacuous (on this libm)


def test_published_spike_counts():
    """What the published figures show (figure1.m numerics)."""
    counts = {key: run_panel(key).spike_times.size for key in LETTERS}
    assert counts == {"A": 5, "B": 1, "C": 28, "D": 6, "E": 6, "F": 6, "G": 10, "H": 14,
                      "I": 1, "J": 1, "K": 1, "L": 1, "M": 1, "N": 7, "O": 1, "P": 5,
                      "Q": 1, "R": 1, "S": 3, "T": 12}
    assert run_panel("A").spike_times.tolist() == [13.0, 17.0, 31.5, 59.25, 86.75]


def test_run_panel_rejects_unknown_letter():
    with pytest.raises(ValueError, match="letter: expected one of A, B"):
        run_panel("Z")


# ------------------------------------------------ the accurate solution ----

def test_accurate_changes_behaviour_where_numerics_matter():
    """Panels whose behaviour exists only with the published numerics."""
    stats = {}
    for key in "GIJLNPQST":
        ref, stopped = accurate_run(key)
        stats[key] = compare_accurate(run_panel(key), ref)
        stats[key]["stopped"] = stopped
    for key in "GJL":    # same spikes within ~0.9 ms
        assert not stats[key]["differs_visibly"]
        assert abs(stats[key]["max_shift_ms"]) < 0.9
    assert stats["I"]["max_shift_ms"] < -9     # latency 26.6 -> 16.7 ms
    assert (stats["N"]["count_published"], stats["N"]["count_accurate"]) == (7, 14)
    assert (stats["P"]["count_published"], stats["P"]["count_accurate"]) == (5, 7)
    assert (stats["Q"]["count_published"], stats["Q"]["count_accurate"]) == (1, 8)
    assert (stats["S"]["count_published"], stats["S"]["count_accurate"]) == (3, 4)
    # T runs away: the run is stopped before it exceeds MAX_ACCURATE_SPIKES
    assert stats["T"]["stopped"] is not None and stats["T"]["count_accurate"] > 500
    assert all(stats[key]["stopped"] is None for key in "GIJLNPQS")


@pytest.mark.parametrize("key", "INPQS")
def test_accurate_is_converged(key):
    """The accurate reference (rk4, dt = 0.01) moves by < 0.25 ms at a 10x finer step
    (the rest: where the input's strict edges fall on the finer grid), and the
    published scheme itself converges to it (dt = 0.001: same spike count)."""
    ref = run_panel(key, **ACCURATE).spike_times
    fine = run_panel(key, "rk4", 0.001).spike_times
    assert ref.size == fine.size
    assert_allclose(ref, fine, atol=0.25)   # N: pulse 5 - dt ms long, last spike 0.2 ms
    assert run_panel(key, "izhikevich2004", 0.001).spike_times.size == ref.size


# ------------------------------------------------------------- figures ----

@pytest.fixture(scope="module")
def features_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("features") / "figures"
    return out, features_2004(out)


def test_features_2004_writes_png_and_json(features_dir, oracle_2004):
    out, paths = features_dir
    assert paths == [out / name for name in ("features_2004.png", "features_2004.json",
                                             "features_2004_accurate.png",
                                             "features_2004_accurate.json")]
    for path in paths[::2]:
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 50_000
    table = json.loads(paths[1].read_text())
    assert list(table) == list(LETTERS)
    for key, entry in table.items():
        assert set(entry) == {"name", "spike_times"}
        assert entry["name"] == FEATURES_2004[key].name
        assert_allclose(entry["spike_times"], oracle_2004[key][0], rtol=0, atol=1e-9)
    accurate = json.loads(paths[3].read_text())
    assert list(accurate) == list(LETTERS)
    assert accurate["Q"]["published"] == [11.3] and len(accurate["Q"]["accurate"]) == 8
    assert accurate["T"]["accurate_stopped_at_ms"] is not None


def test_neuron_types_2003_writes_png_and_json(tmp_path, oracle_2003):
    paths = neuron_types_2003(tmp_path)
    assert paths == [tmp_path / "neuron_types_2003.png", tmp_path / "neuron_types_2003.json"]
    assert paths[0].read_bytes()[:8] == PNG_MAGIC
    table = json.loads(paths[1].read_text())
    assert list(table) == list(NEURON_TYPES_2003)
    for key, entry in table.items():
        assert_allclose(entry["spike_times"], oracle_2003[key][0], rtol=0, atol=1e-9)


@pytest.mark.parametrize("script, args, names", [
    ("features_2004.py", ["--no-accurate"], ["features_2004.png", "features_2004.json"]),
    ("neuron_types_2003.py", [], ["neuron_types_2003.png", "neuron_types_2003.json"]),
])
def test_example_scripts(tmp_path, script, args, names):
    out = tmp_path / "figs"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / script), "--out", str(out),
                           *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(out / name) for name in names]


def test_docstring_examples():
    # the figure modules' doctests: tests/test_figures.py
    result = doctest.testmod(importlib.import_module("izhic.protocols"),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_accurate_titles_name_the_shift_one_way():
    """The accurate panels say "largest shift" (equal counts: the spike that moved
    most) or "first-spike shift" (the counts differ), never "up to" next to "1st";
    the caption says what each means; every title fits in the figure."""
    from figure_geometry import drawn, inside

    from izhic.figures.izhikevich2004 import _SHIFT_CAPTION, _accurate_figure, _accurate_note

    base = {"accurate_stopped_at_ms": None, "count_published": 5}
    assert _accurate_note({**base, "count_accurate": 5, "max_shift_ms": -4.08,
                           "first_spike_shift_ms": -0.5}) == \
        "5 spikes, largest shift 4.08 ms earlier"
    assert _accurate_note({**base, "count_accurate": 29, "max_shift_ms": None,
                           "first_spike_shift_ms": 0.496}) == \
        "29 spikes, first-spike shift 0.496 ms later"
    assert _accurate_note({**base, "count_accurate": 651, "max_shift_ms": None,
                           "first_spike_shift_ms": None, "accurate_stopped_at_ms": 170.0}) \
        == "runaway, 651 spikes by 170 ms"
    assert "Largest shift (same spike count)" in _SHIFT_CAPTION
    assert "First-spike shift (the\ncounts differ)" in _SHIFT_CAPTION

    pairs = {}
    for key in "ACQ":                     # equal counts, more spikes, a new tonic train
        published, (accurate, stopped) = run_panel(key), accurate_run(key)
        stats = compare_accurate(published, accurate)
        stats["accurate_stopped_at_ms"] = stopped
        pairs[key] = (published, accurate, stats)
    fig = _accurate_figure(pairs)
    renderer = drawn(fig)
    titles = [ax.title for ax in fig.axes if ax.get_title()]
    assert len(titles) == 6
    notes = [t.get_text().splitlines()[-1] for t in titles[1::2]]
    assert notes[0].startswith("5 spikes, largest shift ")
    assert notes[1].startswith("29 spikes, first-spike shift ")
    assert notes[2].startswith("8 spikes, first-spike shift ")
    for title in titles + [fig._suptitle]:
        assert inside(title.get_window_extent(renderer), fig.bbox), title.get_text()
    assert any(_SHIFT_CAPTION in t.get_text() for t in fig.axes[-2].texts + fig.texts)
