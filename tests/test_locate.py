"""rk4's spike locator (izhic.reference._rk4_locate, which the core equals bit for
bit: tests/test_reference.py) against the root of the step map found by
bisection, and its Hermite start against that root, on presets of every form
and random 2003 parameters, at several step sizes."""

import numpy as np
import pytest

import izhic
from izhic import reference as R
from izhic.models import as_model

MODELS = {
    "RS": "RS", "CH": "CH", "FS": "FS", "LTS": "LTS",
    "2007 RS": izhic.PRESETS_2007["RS"], "2007 FS": izhic.PRESETS_2007["FS"],
    "2007 LTS": izhic.PRESETS_2007["LTS"],     # its cut-off moves with u
}


def _one(model):
    return as_model(model).broadcast(1).take(0)


def _bisect(m, I, v, u, H):
    """The first theta in (0, H] where one RK4 step of length theta reaches the
    cut-off: bisection to the last bit (v_RK4(theta) - peak is increasing on
    the upstroke)."""
    lo, hi = 0.0, H
    while True:
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            return hi
        vt, ut = R._rk4_stages(m, v, u, I.stages(0.0, mid), mid, R._clamp1)
        if vt - m.peak(ut) >= 0.0:
            hi = mid
        else:
            lo = mid


def _crossings(m, current, H, n=12):
    """(v, u, v1, u1) at the start and end of sub-steps of length H that cross
    the cut-off, from a trajectory of plain RK4 sub-steps with resets."""
    I = R._StepCurrent(current)
    v, u = (float(x) for x in m.initial_state(m, None, None))
    out = []
    for _ in range(int(2000.0 / H)):
        v1, u1 = R._rk4_stages(m, v, u, I.stages(0.0, H), H, R._clamp1)
        if v1 >= m.peak(u1):
            out.append((v, u, v1, u1))
            if len(out) == n:
                break
            v, u = m.reset(v1, u1)
            v, u = float(v), float(u)
        else:
            v, u = float(v1), float(u1)
    return I, out


CURRENTS = {"2003": [5.0, 10.0, 30.0], "2007": [150.0, 300.0, 600.0]}


@pytest.mark.parametrize("H", [0.005, 0.05, 0.125, 0.5])
@pytest.mark.parametrize("name", list(MODELS))
def test_located_time_is_the_step_maps_root(name, H):
    m = _one(MODELS[name])
    if name == "2007 FS" and H > 0.125:
        H = 0.25            # (plain RK4 sub-steps of 0.5 ms blow up on its cubic u-nullcline)
    worst = 0.0
    n = 0
    for current in CURRENTS["2007" if hasattr(m, "vt") else "2003"]:
        I, cases = _crossings(m, current, H)
        for v, u, v1, u1 in cases:
            th, vx, ux = R._rk4_locate(m, I, v, u, H, 0.0, end=(v1, u1))
            root = _bisect(m, I, v, u, H)
            worst = max(worst, abs(th - root))
            vr, ur = R._rk4_stages(m, v, u, I.stages(0.0, root), root, R._clamp1)
            # u there, to what the time's error moves it (2007 FS: u' ~ 2500 pA/ms)
            assert abs(ux - ur) <= 1e-9 * max(1.0, abs(float(m.du(vr, ur))))
            n += 1
    assert n >= 6
    assert worst <= 5e-10


@pytest.mark.parametrize("name", list(MODELS))
def test_hermite_start_is_close_at_dt_0_1(name):
    # the sub-steps of dt = 0.1: the start within 1e-5 ms of the root (measured
    # 1.3e-6 on the 2003 presets), so one RK4 evaluation usually ends the search
    m = _one(MODELS[name])
    H = 0.05
    for current in CURRENTS["2007" if hasattr(m, "vt") else "2003"]:
        I, cases = _crossings(m, current, H)
        assert cases
        for v, u, v1, u1 in cases:
            g = R._hermite_guess(m, I, v, u, v1, u1, H, 0.0)
            assert 0.0 < g < H
            assert abs(g - _bisect(m, I, v, u, H)) <= 1e-5


def test_random_2003_parameters():
    rng = np.random.default_rng(2026)
    for _ in range(20):
        model = dict(a=rng.uniform(0.01, 0.1), b=rng.uniform(0.15, 0.3),
                     c=rng.uniform(-70.0, -45.0), d=rng.uniform(0.05, 8.0))
        m = _one(model)
        for H in (0.05, 0.125):
            I, cases = _crossings(m, rng.uniform(5.0, 30.0), H, n=4)
            for v, u, v1, u1 in cases:
                th, _, _ = R._rk4_locate(m, I, v, u, H, 0.0, end=(v1, u1))
                assert abs(th - _bisect(m, I, v, u, H)) <= 5e-10


@pytest.mark.parametrize("name", ["RS", "CH", "FS", "LTS", "2007 RS"])
def test_one_evaluation_locates_at_dt_0_1(name, monkeypatch):
    # sub-steps of dt = 0.1: the Hermite start is close enough that its first
    # Newton correction (at most LOCATE_ACCEPT) is taken without a second RK4
    # evaluation, and the located time is still the step map's root
    m = _one(MODELS[name])
    H = 0.05
    calls = []
    stages = R._rk4_stages

    def counted(*args):
        calls.append(1)
        return stages(*args)

    n = 0
    for current in CURRENTS["2007" if hasattr(m, "vt") else "2003"]:
        I, cases = _crossings(m, current, H)
        for v, u, v1, u1 in cases:
            root = _bisect(m, I, v, u, H)
            monkeypatch.setattr(R, "_rk4_stages", counted)
            del calls[:]
            th, _, _ = R._rk4_locate(m, I, v, u, H, 0.0, end=(v1, u1))
            monkeypatch.setattr(R, "_rk4_stages", stages)
            assert len(calls) == 1
            assert abs(th - root) <= 5e-10
            n += 1
    assert n >= 6
