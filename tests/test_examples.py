"""examples/accuracy.py: its figures and its exit status (the script itself runs
for minutes, so its parts are tested on small made-up numbers; the README's
numbers come from a full run).

Each figure test is one that would have caught a defect of 0.1: the euler line
hidden under the interpolated one, the "dt 0.1" label on the arrow, a failed
claim printed as FAIL while the script exited 0."""
import io

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from figure_geometry import crosses_box, display_segment, drawn   # noqa: E402
from helpers import load_example   # noqa: E402


@pytest.fixture(scope="module")
def accuracy():
    """examples/accuracy.py, imported as a module."""
    return load_example("accuracy")


def made_up_errors(accuracy):
    """Errors of every method series for RS at I = 10: first order, euler and its
    interpolated spike times almost equal (as measured: 6.89 and 6.84 ms at dt 0.1)."""
    errors = {}
    for k, (label, _, _) in enumerate(accuracy.METHOD_SERIES):
        for dt in accuracy.DTS:
            if label.startswith("euler"):
                e = 70.0 * dt * (0.993 if "interpolated" in label else 1.0)
            elif label.startswith("rk4 ("):
                e = 0.04 * dt ** 4
            else:
                e = (60.0 + 20 * k) * dt
            errors[(label, dt) + accuracy.WP_CASE] = (e, 0.5 * e, 0)
    return errors


def test_euler_line_is_visible_beside_the_interpolated_one(accuracy):
    from izhic.plotting import new_figure

    ax = accuracy.panel_methods(new_figure().add_subplot(), made_up_errors(accuracy))
    lines = {line.get_label(): line for line in ax.lines}
    euler, interp = lines["euler"], lines["euler, interpolated spike times"]
    # the two lie on top of each other: the wide one underneath, the narrow one on top
    assert np.allclose(euler.get_ydata(), interp.get_ydata(), rtol=0.01)
    assert euler.get_linewidth() >= 2.5 * interp.get_linewidth()
    assert euler.get_zorder() < interp.get_zorder()
    assert euler.get_color() != interp.get_color()
    # and the legend shows them apart
    handles = {t.get_text(): h for t, h in zip(ax.get_legend().get_texts(),
                                               ax.get_legend().legend_handles)}
    assert handles["euler"].get_linewidth() > handles[
        "euler, interpolated spike times"].get_linewidth()


#: A measured run of examples/accuracy.py (RS at I = 10, one neuron; AMD EPYC, 2
#: cores): (value, wall time s, max error ms) per family. The arrow from rk4 at
#: dt 0.125 to DOP853 at 1e-5 passes just above rk4's dt 0.1 point.
MEASURED = {
    "izhic rk4": [(1.0, 1.17e-4, 0.368), (0.5, 1.38e-4, 0.0721), (0.25, 1.85e-4, 9.75e-3),
                  (0.2, 2.11e-4, 4.7e-3), (0.125, 2.86e-4, 7.28e-4), (0.1, 3.39e-4, 3.62e-4),
                  (0.05, 5.9e-4, 1.87e-5), (0.025, 1.09e-3, 6.95e-7), (0.01, 2.59e-3, 5.49e-9),
                  (0.005, 5.18e-3, 2.09e-9)],
    "izhic euler": [(1.0, 9.29e-5, 49.5), (0.5, 9.81e-5, 27.7), (0.25, 1.16e-4, 16.4),
                    (0.1, 1.65e-4, 6.89), (0.05, 2.46e-4, 3.24), (0.025, 4.05e-4, 1.47),
                    (0.01, 8.83e-4, 0.655), (0.005, 1.7e-3, 0.305), (0.0025, 3.28e-3, 0.175),
                    (0.001, 8.62e-3, 0.0636)],
    "izhic rk4, per neuron of 10000": [(0.1, 3.52e-5, 3.62e-4)],
    "solve_ivp RK45": [(1e-3, 0.0341, 0.455), (1e-5, 0.0428, 0.0267), (1e-7, 0.0833, 1.1e-4),
                       (1e-9, 0.184, 1.35e-6), (1e-11, 0.431, 1.02e-8)],
    "solve_ivp DOP853": [(1e-3, 0.0356, 0.072), (1e-4, 0.0395, 1.27e-3), (1e-5, 0.0358, 4.41e-5),
                         (1e-7, 0.0721, 5.16e-6), (1e-9, 0.12, 1.02e-7), (1e-11, 0.208, 3.51e-10)],
    "solve_ivp LSODA": [(1e-3, 0.0277, 1.71), (1e-6, 0.0576, 0.0119), (1e-8, 0.0968, 1.97e-4),
                        (1e-11, 0.151, 2.82e-7)],
}


def measured_work_precision(accuracy):
    assert accuracy.POPULATION == 10_000
    rows = []
    for family, points in MEASURED.items():
        for value, wall, error in points:
            setting = (f"dt={value:g}" if family.startswith("izhic")
                       else f"rtol=atol={value:g}")
            rows.append(dict(family=family, setting=setting, value=value, wall_s=wall,
                             max_error_ms=error, count_diff=int(value == 1.0 and "euler"
                                                                in family)))
    return rows


def test_work_precision_labels_stay_off_the_arrow(accuracy):
    rows = measured_work_precision(accuracy)
    ratios = accuracy.speed_ratios(rows)
    assert ratios[0]["setting"] == "dt=0.125"
    assert (ratios[2]["family"], ratios[2]["setting"]) == ("solve_ivp DOP853", "rtol=atol=1e-05")
    fig = accuracy.work_precision_figure(rows, ratios)
    ax = fig.axes[0]
    renderer = drawn(fig)
    arrow, = [t for t in ax.texts if t.get_gid() == "matched arrow"]
    segment = display_segment(ax, arrow.xyann, arrow.xy)
    labels = [t for t in ax.texts if (t.get_gid() or "").endswith("dt label")]
    assert {t.get_text() for t in labels} >= {"dt 1", "dt 0.1", "dt 0.01"}
    for label in labels:
        assert not crosses_box(*segment, label.get_window_extent(renderer)), label.get_text()


@pytest.mark.parametrize("claims, status", [
    ([(True, "a"), (None, "info"), (True, "b")], 0),
    ([(True, "a"), (False, "order below 3.5"), (None, "info")], 1),
])
def test_exit_status_follows_the_claims(accuracy, claims, status):
    out = io.StringIO()
    assert accuracy.report(claims, file=out) == status
    text = out.getvalue()
    assert ("FAIL order below 3.5" in text) == (status == 1)
    assert ("1 claim(s) failed" in text) == (status == 1)


def test_inputs_figure_draws_every_case_and_claims_name_the_failures(accuracy):
    # made-up errors: every case at 1e-4 ms, except 2007 FS over its bound
    cases = {name: None for name in ("RS sine", "RS pulses", "CH sine", "2007 FS", "2007 TC")}
    errors = {}
    for name in cases:
        for dt in accuracy.INPUT_DTS:
            e = 0.05 if name == "2007 FS" else 1e-4
            errors[(name, "rk4", dt)] = (e, 0)
            errors[(name, "rk4, input held", dt)] = (0.1, 0)
    fig = accuracy.inputs_figure(cases, errors)
    ax_a, ax_b = fig.axes[:2]
    assert len(ax_a.get_legend().get_texts()) == 6      # 3 cases x (rk4, held)
    assert len(ax_b.get_legend().get_texts()) == 2
    claims = accuracy.input_claims(cases, errors)
    failed = [text for ok, text in claims if ok is False]
    assert len(failed) == 1 and "2007 FS" in failed[0]
    assert [ok for ok, text in claims if "CH sine" in text] == [None]   # shown, not claimed
    out = io.StringIO()
    assert accuracy.report(claims, file=out) == 1
