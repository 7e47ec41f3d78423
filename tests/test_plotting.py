"""Drawing helpers (izhic.plotting: phase_plane, plot_trace, new_figure, save_png)
and examples/phase_plane.py.

Nullclines against their formulas, fixed points against the closed form of
the quadratic and the Jacobian's eigenvalues from NumPy (an independent
oracle), the saddle-node at I = (5 - b)^2 / 0.16 - 140, the artists that
phase_plane draws and where they sit (no label crossed by the trajectory, the
start visible over a fixed point), the 2007 form, and the example script end
to end."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import izhic
from izhic.plotting import (fixed_points, new_figure, nullclines, phase_plane, plot_trace,
                            save_png)

matplotlib = pytest.importorskip("matplotlib")
from figure_geometry import crosses_box, display_segment, drawn, inside, line_segments  # noqa: E402
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


# ------------------------------------------------ where the artists sit ----

#: (model, current) pairs that fire, of every form; RS at I = 10 is the figure
#: of the registry, whose "c (reset)" label the trajectory used to cross.
FIRING = [("RS", 10.0), ("IB", 10.0), ("FS", 10.0), ("RZ", 0.5),
          (izhic.PRESETS_2007["RS"], 100.0), (izhic.PRESETS_2007["LTS"], 200.0),
          (izhic.PRESETS_2007["FS"], 200.0), (izhic.PRESETS_2007["TC"], 100.0)]
FIRING_IDS = ["RS", "IB", "FS", "RZ", "RS2007", "LTS2007", "FS2007", "TC2007"]


def drawn_phase_plane(model, current, **kwargs):
    fig = Figure(figsize=(7.5, 6.0))
    ax = phase_plane(model, current, duration=300.0, ax=fig.add_subplot(), **kwargs)
    return fig, ax, drawn(fig)


def trajectory_segments(ax):
    """Every drawn piece of the trajectory and every reset arrow, display coordinates."""
    segments = [seg for line in by_gid(ax, "trajectory") for seg in line_segments(ax, line)]
    segments += [display_segment(ax, arrow.xyann, arrow.xy) for arrow in by_gid(ax, "reset")]
    return segments


@pytest.mark.parametrize("model, current", FIRING, ids=FIRING_IDS)
def test_cut_off_and_reset_labels_are_not_crossed(model, current):
    fig, ax, renderer = drawn_phase_plane(model, current)
    labels = by_gid(ax, "label: v_peak") + by_gid(ax, "label: c")
    assert len(labels) == 2
    segments = trajectory_segments(ax)
    assert len(segments) > 100 and by_gid(ax, "reset")
    title = ax.title.get_window_extent(renderer)
    for label in labels:
        box = label.get_window_extent(renderer)
        assert not any(crosses_box(p, q, box) for p, q in segments), label.get_text()
        assert not box.overlaps(title), label.get_text()
        assert inside(box, fig.bbox)
    # each label names its line and stands at it (where the line meets the top edge)
    p = izhic.preset(model) if isinstance(model, str) else model
    top = ax.get_ylim()[1]
    for label, x in zip(labels, (p.peak(top), p.reset(0.0, top)[0])):
        lo, hi = ax.get_xlim()
        assert label.xy[0] == pytest.approx(min(max(float(x), lo), hi))


@pytest.mark.parametrize("model, current", [("RS", 3.0), ("RZ", 0.0), ("LTS", 0.0)])
def test_start_marker_is_drawn_above_a_fixed_point_and_stays_visible(model, current):
    # at these currents the run starts at (or next to) the rest state
    ax = phase_plane(model, current, ax=new_axes())
    start, = by_gid(ax, "start")
    points = [a for a in ax.lines if (a.get_gid() or "").startswith("fixed point")]
    assert points
    rest = min(points, key=lambda a: np.hypot(a.get_xdata()[0] - start.get_xdata()[0],
                                              a.get_ydata()[0] - start.get_ydata()[0]))
    assert start.get_zorder() > max(a.get_zorder() for a in points)
    # an open marker of another shape, larger than the fixed point's: both show
    assert start.get_marker() != rest.get_marker()
    assert start.get_fillstyle() == "none"
    assert start.get_markersize() > rest.get_markersize()
    assert start.get_color() != rest.get_color()
    if (model, current) == ("RS", 3.0):     # exactly at the stable node (-65, -13)
        assert (start.get_xdata()[0], start.get_ydata()[0]) == (-65.0, -13.0)
        assert (rest.get_xdata()[0], rest.get_ydata()[0]) == pytest.approx((-65.0, -13.0))


@pytest.mark.parametrize("name, current", [("RS", 100.0), ("LTS", 200.0), ("FS", 200.0),
                                           ("TC", 100.0)])
def test_phase_plane_2007(name, current):
    model = izhic.PRESETS_2007[name]
    ax = phase_plane(model, current, duration=300.0, ax=new_axes())
    res = izhic.simulate(model, current, 300.0, 0.05, "rk4")
    n_spikes = res.spike_counts()[0]
    assert n_spikes >= 3
    title = ax.get_title()
    assert title.startswith(f"{name} 2007 (") and f"I = {current:g} pA" in title
    assert "((" not in title and "))" not in title        # no nested parentheses
    assert f"{n_spikes} spikes" in title
    assert ax.get_ylabel() == "u (pA)"
    assert len(by_gid(ax, "reset")) == n_spikes
    # the view holds the whole trajectory and the cut-off it reaches
    drawn_u = np.concatenate([s.get_ydata() for s in by_gid(ax, "trajectory")])
    drawn_v = np.concatenate([s.get_xdata() for s in by_gid(ax, "trajectory")])
    (v_lo, v_hi), (u_lo, u_hi) = ax.get_xlim(), ax.get_ylim()
    assert u_lo <= drawn_u.min() and drawn_u.max() <= u_hi
    assert v_lo <= drawn_v.min() and drawn_v.max() <= v_hi
    tilted = name in ("LTS", "TC")      # cut-off and reset move with u
    texts = {a.get_text() for a in by_gid(ax, "label: v_peak") + by_gid(ax, "label: c")}
    assert texts == ({"v_peak(u)", "c(u) (reset)"} if tilted else {"v_peak", "c (reset)"})
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert ("reset (v_peak(u), u) -> (c(u), u + d)" in legend) == tilted
    u_null = next(t for t in legend if t.startswith("u-nullcline"))
    assert u_null == {"RS": "u-nullcline (u = -2 (v + 60))",
                      "LTS": "u-nullcline (u = 8 (v + 56))",
                      "FS": "u-nullcline (u = 0.025 (v + 55)^3 for v > -55, else 0)",
                      "TC": "u-nullcline (u = 15 (v + 60) for v <= -65, else 0)"}[name]


def test_tc_u_nullcline_is_broken_at_its_jump():
    # TC: b = 15 below -65 mV, 0 above: u = B(v) jumps from -75 to 0 at v = -65
    ax = phase_plane(izhic.PRESETS_2007["TC"], 100.0, ax=new_axes())
    line, = by_gid(ax, "u-nullcline")
    v, u = line.get_xdata(), line.get_ydata()
    gap = np.flatnonzero(np.isnan(v))
    assert gap.size == 1
    assert v[gap[0] - 1] == -65.0 and u[gap[0] - 1] == pytest.approx(-75.0)
    assert v[gap[0] + 1] > -65.0 and u[gap[0] + 1] == 0.0
    # RTN's switch leaves the nullcline continuous: no gap
    ax = phase_plane(izhic.PRESETS_2007["RTN"], 70.0, ax=new_axes())
    assert not np.isnan(by_gid(ax, "u-nullcline")[0].get_xdata()).any()


def test_phase_plane_2003_units():
    ax = phase_plane("RS", 10.0, ax=new_axes())
    assert ax.get_title().startswith("RS (regular spiking), I = 10 (model units)\n")
    assert ax.get_ylabel() == "u (model units, as the current)"


# ------------------------------------------------------------ plot_trace ----

def test_plot_trace_draws_v_and_spikes():
    res = izhic.simulate("RS", current=[0.0, 10.0], duration=200.0, dt=0.25,
                         method="izhikevich2004", record="v", record_neurons=[1])
    fig = new_figure()
    ax = plot_trace(res, ax=fig.subplots())
    trace, marks = ax.lines[0], ax.lines[-1]
    assert_array_equal(trace.get_xdata(), res.t)
    assert_array_equal(trace.get_ydata(), res.v[0])
    # row 0 of the trace is neuron 1: its spikes are marked, not neuron 0's (none)
    assert_array_equal(marks.get_xdata(), res.spike_times[1])
    assert res.spike_counts()[1] > 0
    assert ax.get_title().startswith("izhikevich2004, dt = 0.25 ms: ")
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "v (mV)"


def test_plot_trace_errors():
    fig = new_figure()
    ax = fig.subplots()
    with pytest.raises(ValueError, match="no v trace; simulate with record='v'"):
        plot_trace(izhic.simulate("RS", 10.0, 10.0), ax=ax)
    res = izhic.simulate("RS", 10.0, 10.0, record="v")
    with pytest.raises(ValueError, match="row: the result holds 1 v trace"):
        plot_trace(res, ax=ax, row=1)


def test_save_png_writes_a_palette_png(tmp_path):
    from PIL import Image

    fig, ax, _ = drawn_phase_plane("RS", 10.0)
    full, small = tmp_path / "full.png", tmp_path / "small.png"
    fig.savefig(full, dpi=80)
    assert save_png(fig, small, dpi=80) == small
    assert small.read_bytes()[:8] == PNG_MAGIC
    with Image.open(full) as a, Image.open(small) as b:
        assert b.mode == "P" and a.size == b.size
        # the same picture: every pixel within a few levels of the true-colour one
        diff = np.abs(np.asarray(a.convert("RGB"), float) - np.asarray(b.convert("RGB"), float))
        assert np.percentile(diff, 99) <= 16
    assert small.stat().st_size < 0.75 * full.stat().st_size


# --------------------------------------------------------------------- example ----

def run_example(tmp_path, *args):
    """examples/phase_plane.py ``args`` --out tmp_path/figs, from tmp_path: -> the one
    path it printed, after checking that it wrote a real PNG there."""
    out = tmp_path / "figs"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "phase_plane.py"), *args,
                           "--out", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path, = map(Path, proc.stdout.split())
    assert path.parent == out
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 30_000   # a real two-panel figure, not an empty canvas
    return path


def test_example_script_writes_png(tmp_path):
    path = run_example(tmp_path, "--preset", "fs", "--current", "10", "--duration", "100")
    assert path.name == "phase_plane_FS_10.png"


def test_example_script_help_and_errors():
    script = str(ROOT / "examples" / "phase_plane.py")
    proc = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    for option in ("--form", "--preset", "--current", "--duration", "--method", "--out"):
        assert option in proc.stdout
    proc = subprocess.run([sys.executable, script, "--preset", "XX"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "invalid choice: 'XX'" in proc.stderr
    proc = subprocess.run([sys.executable, script, "--form", "2007", "--preset", "RZ"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "RZ is not a 2007 preset" in proc.stderr


def test_example_script_2007_cell(tmp_path):
    path = run_example(tmp_path, "--form", "2007", "--preset", "lts", "--duration", "150")
    assert path.name == "phase_plane_2007_LTS_300.png"   # the largest step of LTS's protocol
