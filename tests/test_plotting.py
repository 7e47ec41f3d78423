"""Phase-plane helpers (izhic.plotting) and examples/phase_plane.py.

Nullclines against their formulas, fixed points against the closed form of
the quadratic and the Jacobian's eigenvalues from NumPy (an independent
oracle), the saddle-node at I = (5 - b)^2 / 0.16 - 140, the artists that
phase_plane draws, and the example script end to end."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from izhic.plotting import fixed_points, nullclines, phase_plane

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PRESETS = tuple(izhic.PRESETS_2003)
KINDS = {"stable node", "stable focus", "unstable node", "unstable focus", "saddle", "center",
         "saddle-node"}


def new_axes():
    return Figure().subplots()


def saddle_node_current(b, q2=0.04, q1=5.0, q0=140.0):
    """I where the two fixed points merge: (q1 - b)^2 = 4 q2 (q0 + I)."""
    return (q1 - b) ** 2 / (4.0 * q2) - q0


def jacobian_eigenvalues(model, v, u, current, h=1e-6):
    """Eigenvalues of the Jacobian of (v', u') by central differences (oracle)."""
    p = izhic.preset(model) if isinstance(model, str) else model

    def field(x):
        vv, uu = x
        dv = p.quadratic * vv * vv + p.linear * vv + p.constant - uu + current
        du = (p.a * p.b * (vv + 65.0) if p.recovery == "accommodation"
              else p.a * (p.b * vv - uu))
        return np.array([dv, du])

    x = np.array([v, u])
    jac = np.column_stack([(field(x + h * e) - field(x - h * e)) / (2 * h) for e in np.eye(2)])
    return np.linalg.eigvals(jac)


def by_gid(ax, gid):
    artists = ax.lines + ax.texts + ax.collections
    return [a for a in artists if a.get_gid() == gid]


# ------------------------------------------------------------------ nullclines ----

def test_nullclines_formulas():
    v = np.array([-80.0, -62.5, -60.0, 0.0, 30.0])
    u_v, u_u = nullclines("RS", 10.0, v)
    assert_allclose(u_v, 0.04 * v * v + 5.0 * v + 140.0 + 10.0, rtol=1e-14, atol=1e-12)
    assert_allclose(u_v[:3], [6.0, -6.25, -6.0], rtol=1e-14)
    assert_allclose(u_u, 0.2 * v, rtol=1e-15)
    # LTS: b = 0.25; a dict of one neuron works as well as a preset name
    _, u_u = nullclines({"a": 0.02, "b": 0.25, "c": -65.0, "d": 2.0}, 0.0, v)
    assert_allclose(u_u, 0.25 * v, rtol=1e-15)


def test_nullclines_general_coefficients_and_shapes():
    # Izhikevich (2004) panels G, L: v' = 0.04 v^2 + 4.1 v + 108 - u + I
    model = izhic.Izhikevich2003(a=0.02, b=-0.1, c=-55.0, d=6.0, linear=4.1, constant=108.0)
    v = np.linspace(-90.0, 30.0, 7).reshape(7, 1)
    u_v, u_u = nullclines(model, 1.5, v)
    assert u_v.shape == u_u.shape == (7, 1)
    assert_allclose(u_v, 0.04 * v * v + 4.1 * v + 108.0 + 1.5, rtol=1e-14, atol=1e-12)
    assert_allclose(u_u, -0.1 * v, rtol=1e-15)
    u_v, u_u = nullclines("RS", 0.0, -70.0)
    assert u_v.shape == () and u_v == pytest.approx(-14.0)


def test_nullclines_accommodation_u_nullcline_is_nan():
    # u' = a b (v + 65) vanishes on the vertical line v = -65: not a graph u(v)
    model = izhic.Izhikevich2003(a=0.02, b=1.0, c=-55.0, d=4.0, recovery="accommodation")
    u_v, u_u = nullclines(model, 0.0, [-70.0, -65.0])
    assert_allclose(u_v, [-14.0, -16.0], rtol=1e-14)  # f(-70) = -14, f(-65) = -16
    assert np.isnan(u_u).all()


@pytest.mark.parametrize("func", [nullclines, fixed_points])
def test_one_neuron_only(func):
    args = (0.0, [-60.0]) if func is nullclines else (0.0,)
    population = {"a": [0.02, 0.1], "b": 0.2, "c": -65.0, "d": 8.0}
    with pytest.raises(ValueError, match=r"model\.a: a phase plane is drawn for one neuron.*"
                                         r"got 2 values"):
        func(population, *args)
    with pytest.raises(ValueError, match=r"current: .*one neuron and a constant current.*"
                                         r"got 3 values"):
        func("RS", [1.0, 2.0, 3.0], *args[1:])
    with pytest.raises(TypeError, match="current: a phase plane needs a constant current"):
        func("RS", izhic.inputs.step(10.0, 5.0), *args[1:])
    with pytest.raises(ValueError, match="model: unknown preset 'XX'"):
        func("XX", *args)
    with pytest.raises(ValueError, match="current: must be finite"):
        func("RS", np.inf, *args[1:])


# ---------------------------------------------------------------- fixed points ----

def test_rs_at_rest_stable_node_and_saddle():
    # 0.04 v^2 + 4.8 v + 140 = 0: v = -70, -50
    (v1, u1, k1), (v2, u2, k2) = fixed_points("RS", 0.0)
    assert_allclose([v1, u1, v2, u2], [-70.0, -14.0, -50.0, -10.0], rtol=1e-13)
    assert (k1, k2) == ("stable node", "saddle")


def test_rs_initial_state_is_a_fixed_point_at_i3():
    # the original RS project: v0 = -65, u0 = b v0 = -13 is at rest for I = 3
    # (0.04 * 4225 - 4.8 * 65 + 140 + 3 = 169 - 312 + 143 = 0); the other root is -55
    points = fixed_points("RS", 3.0)
    assert [kind for _, _, kind in points] == ["stable node", "saddle"]
    assert_allclose([points[0][:2], points[1][:2]], [[-65.0, -13.0], [-55.0, -11.0]],
                    rtol=1e-13)
    res = izhic.simulate("RS", 3.0, duration=500.0, dt=0.1)
    assert res.spike_counts()[0] == 0
    assert_allclose([res.v_final[0], res.u_final[0]], [-65.0, -13.0], atol=1e-9)


@pytest.mark.parametrize("b", [0.2, 0.25, 0.26])
def test_saddle_node_current(b):
    model = {"a": 0.02, "b": b, "c": -65.0, "d": 2.0}
    i_sn = saddle_node_current(b)
    if b == 0.2:
        assert i_sn == pytest.approx(4.0, abs=1e-12)  # the RS rheobase of the reference
    assert len(fixed_points(model, i_sn - 0.01)) == 2
    assert fixed_points(model, i_sn + 0.01) == []
    assert fixed_points(model, i_sn + 10.0) == []
    (v, u, kind), = fixed_points(model, i_sn)
    assert kind == "saddle-node"
    assert v == pytest.approx(-(5.0 - b) / 0.08, rel=1e-12) and u == pytest.approx(b * v)


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("current", [-5.0, 0.0, 0.1])
def test_fixed_points_are_on_both_nullclines_and_classified(name, current):
    points = fixed_points(name, current)
    assert len(points) == 2
    assert points[0][0] < points[1][0]
    for v, u, kind in points:
        u_v, u_u = nullclines(name, current, v)
        assert_allclose([u, u], [u_v, u_u], rtol=1e-12, atol=1e-11)
        eig = jacobian_eigenvalues(name, v, u, current)
        assert kind in KINDS
        if kind == "saddle":
            assert eig.real.min() < 0 < eig.real.max() and not eig.imag.any()
        else:
            assert kind.startswith("stable" if eig.real.max() < 0 else "unstable")
            assert kind.endswith("focus" if eig.imag.any() else "node")
    # the upper point is always a saddle; the rest state below it is stable at these
    # currents (RZ's turns unstable at I = 0.27, before its saddle-node at 0.4225)
    assert points[1][2] == "saddle"
    assert points[0][2].startswith("stable")


def test_integrator_and_resonator():
    # RS rests at a node (an integrator), RZ at a focus (a resonator: damped oscillations)
    assert fixed_points("RS", 0.0)[0][2] == "stable node"
    assert fixed_points("RZ", 0.0)[0][2] == "stable focus"
    (v, u, _), _ = fixed_points("RZ", 0.0)  # 0.04 v^2 + 4.74 v + 140 = 0: -62.5 and -56
    assert_allclose([v, u], [-62.5, -16.25], rtol=1e-13)


def test_unstable_rest_state_just_below_the_saddle_node():
    # RS: trace 0.08 v + 5 - a changes sign at v = -62.25, i.e. I = 3.7975 < 4
    # (a Hopf point): between it and I = 4 the rest state is unstable
    assert fixed_points("RS", 3.7)[0][2] == "stable focus"
    assert fixed_points("RS", 3.9)[0][2].startswith("unstable")
    assert fixed_points("RS", 3.99)[0][2] == "unstable node"


def test_fixed_points_general_coefficients():
    # panel G: 0.04 v^2 + 4.1 v + 108 - b v + I with b = -0.1 -> 0.04 v^2 + 4.2 v + 108 + I
    model = izhic.Izhikevich2003(a=0.02, b=-0.1, c=-55.0, d=6.0, linear=4.1, constant=108.0)
    roots = np.sort(np.roots([0.04, 4.2, 108.0]).real)
    points = fixed_points(model, 0.0)
    assert_allclose([v for v, _, _ in points], roots, rtol=1e-13)
    assert_allclose([u for _, u, _ in points], -0.1 * roots, rtol=1e-13)
    assert fixed_points(model, saddle_node_current(-0.1, q1=4.1, q0=108.0) + 0.01) == []


def test_fixed_points_accommodation():
    # panel R: u' = a b (v + 65): one fixed point at v = -65, u = f(-65) + I
    model = izhic.Izhikevich2003(a=0.02, b=1.0, c=-55.0, d=4.0, recovery="accommodation")
    (v, u, kind), = fixed_points(model, 2.0)
    assert (v, u) == (-65.0, pytest.approx(-14.0, rel=1e-14))
    eig = jacobian_eigenvalues(model, v, u, 2.0)
    assert eig.real.max() < 0 and eig.imag.any()
    assert kind == "stable focus"


def test_fixed_points_degenerate_recovery():
    with pytest.raises(ValueError, match="u' is zero everywhere"):
        fixed_points({"a": 0.0, "b": 0.2, "c": -65.0, "d": 8.0}, 0.0)


# ----------------------------------------------------------------- phase_plane ----

@pytest.mark.parametrize("name", PRESETS)
def test_phase_plane_all_presets(name):
    ax = phase_plane(name, 10.0, ax=new_axes())
    assert isinstance(ax, Axes)
    assert len(ax.lines) > 0
    for gid in ("v-nullcline", "u-nullcline", "v_peak", "c", "start", "vector field"):
        assert len(by_gid(ax, gid)) == 1, gid
    assert by_gid(ax, "trajectory")
    assert ax.get_xlabel() == "v (mV)" and ax.get_ylabel().startswith("u")
    title = ax.get_title()
    assert title.startswith(f"{name} (") and "I = 10" in title and "rk4" in title
    p = izhic.preset(name)
    low, high = ax.get_xlim()
    assert low <= min(p.c, -65.0) - 15.0 and high == p.v_peak + 5.0
    assert ax.get_legend() is not None


def test_phase_plane_trajectory_and_resets_match_the_simulation():
    ax = phase_plane("RS", 10.0, duration=200.0, dt=0.05, ax=new_axes())
    res = izhic.simulate("RS", 10.0, duration=200.0, dt=0.05, record=("v", "u"))
    n_spikes = res.spike_counts()[0]
    assert n_spikes >= 4
    segments = by_gid(ax, "trajectory")
    resets = by_gid(ax, "reset")
    assert len(segments) == n_spikes + 1 and len(resets) == n_spikes
    first = segments[0]
    assert (first.get_xdata()[0], first.get_ydata()[0]) == (-65.0, -13.0)
    p = izhic.preset("RS")
    for seg, nxt, arrow in zip(segments, segments[1:], resets):
        (v_end, u_end), = np.column_stack([seg.get_xdata(), seg.get_ydata()])[-1:]
        assert v_end == p.v_peak
        assert arrow.xyann == (v_end, u_end)                   # from (v_peak, u)
        assert arrow.xy == pytest.approx((p.c, u_end + p.d))    # to (c, u + d)
        assert (nxt.get_xdata()[0], nxt.get_ydata()[0]) == pytest.approx(arrow.xy)
    # every recorded sample is on the drawn trajectory, in order
    drawn_v = np.concatenate([s.get_xdata() for s in segments])
    assert np.isin(res.u[0], np.concatenate([s.get_ydata() for s in segments])).all()
    assert drawn_v.size == res.t.size + 2 * n_spikes
    assert_array_equal(res.v_final[0], segments[-1].get_xdata()[-1])


def test_phase_plane_grid_method_resets_are_exact():
    # euler: the sample after a spike is exactly (c, u + d) of the drawn jump
    ax = phase_plane("FS", 10.0, duration=50.0, dt=0.1, method="euler", ax=new_axes())
    for arrow in by_gid(ax, "reset"):
        assert arrow.xy[0] == -65.0
        assert arrow.xy[1] - arrow.xyann[1] == pytest.approx(2.0, abs=1e-12)
    assert "euler, dt = 0.1 ms" in ax.get_title()


def test_phase_plane_fixed_point_markers():
    ax = phase_plane("RS", 0.0, ax=new_axes())
    stable, = by_gid(ax, "fixed point: stable node")
    saddle, = by_gid(ax, "fixed point: saddle")
    assert stable.get_fillstyle() == "full" and saddle.get_fillstyle() == "none"
    assert_allclose([stable.get_xdata()[0], saddle.get_xdata()[0]], [-70.0, -50.0])
    assert not by_gid(ax, "trajectory")[0].get_xdata().max() > -64.0  # it just settles
    assert not by_gid(ax, "reset")
    ax = phase_plane("RS", 10.0, ax=new_axes())
    assert not [a for a in ax.lines if (a.get_gid() or "").startswith("fixed point")]


def test_phase_plane_options():
    ax = phase_plane("RZ", 0.0, v_range=(-75, -50), u_range=(-18, -12), vector_field=False,
                     v0=-63.0, u0=-16.0, ax=new_axes())
    assert ax.get_xlim() == (-75.0, -50.0) and ax.get_ylim() == (-18.0, -12.0)
    assert not by_gid(ax, "vector field")
    assert by_gid(ax, "fixed point: stable focus")
    assert by_gid(ax, "trajectory")[0].get_ydata()[0] == -16.0
    model = izhic.Izhikevich2003(a=0.02, b=1.0, c=-55.0, d=4.0, recovery="accommodation")
    ax = phase_plane(model, 2.0, u0=-16.0, ax=new_axes())
    u_null, = by_gid(ax, "u-nullcline")
    assert_array_equal(u_null.get_xdata(), [-65.0, -65.0])  # the vertical line v = -65
    assert ax.get_title().startswith("a=0.02, b=1, c=-55, d=4, I = 2")


def test_phase_plane_new_figure():
    plt = pytest.importorskip("matplotlib.pyplot")
    ax = phase_plane("RS", 10.0, duration=20.0)
    try:
        assert isinstance(ax, Axes)
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"v_range": (0.0, -10.0)}, ValueError, r"v_range: low must be below high"),
    ({"u_range": 5.0}, TypeError, r"u_range: expected \(low, high\)"),
    ({"v_range": (np.nan, 1.0)}, ValueError, r"v_range\[0\]: must be finite"),
    ({"method": "nope"}, ValueError, r"method: unknown value 'nope'"),
    ({"model": {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "v_peak": [30.0, 35.0]}},
     ValueError, r"model\.v_peak: a phase plane is drawn for one neuron"),
    ({"current": np.array([1.0, 2.0])}, ValueError, r"current: .*got 2 values"),
])
def test_phase_plane_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        phase_plane(**{"ax": new_axes(), **kwargs})


# --------------------------------------------------------------------- example ----

def test_example_script_writes_png(tmp_path):
    out = tmp_path / "figs"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "phase_plane.py"),
                           "--preset", "fs", "--current", "10", "--duration", "100",
                           "--out", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path = out / "phase_plane_FS_10.png"
    assert proc.stdout.split() == [str(path)]
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 30_000   # a real two-panel figure, not an empty canvas


def test_example_script_help_and_errors():
    script = str(ROOT / "examples" / "phase_plane.py")
    proc = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    for option in ("--preset", "--current", "--duration", "--method", "--out"):
        assert option in proc.stdout
    proc = subprocess.run([sys.executable, script, "--preset", "XX"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "invalid choice: 'XX'" in proc.stderr
