"""examples/polychronization_2006.py on a few seconds of model time: its files and
what it prints, a checkpoint resumed to the uninterrupted run, Ctrl-C.

The example's default (10 minutes of model time) takes seconds of wall time; its
docstring's numbers come from full runs. Here each run simulates 2-4 s (tens of
ms) and draws its figure (most of the time); the histogram times are moved to
0, 1 and 2 s (a hidden option) so that the parts of a run, and the weight
fractions that a resumed run reads back, are exercised. The Ctrl-C test runs
the script as ``__main__`` (its exit status) and interrupts it after its first
minute of model time (about half a second)."""
import _thread
import contextlib
import io
import json
import re
import runpy
import sys
import threading

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from helpers import load_example   # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SHORT = ["--seconds", "4", "--weight-times", "0,1,2"]
#: What differs between two runs of the same network: the wall times, how it was run.
NOT_COMPARED = ("wall_s", "timing", "parameters")


@pytest.fixture(scope="module")
def example():
    """examples/polychronization_2006.py, imported as a module."""
    return load_example("polychronization_2006")


def run(example, *args):
    """main(args): -> (Outcome, what it printed on stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        outcome = example.main(list(args))
    return outcome, out.getvalue()


def numbers(data):
    """The JSON's content less what may differ between equal runs."""
    return {k: v for k, v in data.items() if k not in NOT_COMPARED}


@pytest.fixture(scope="module")
def short(example, tmp_path_factory):
    """4 s with a progress bar, into a directory that main creates."""
    out = tmp_path_factory.mktemp("spnet") / "figs"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        outcome, printed = run(example, *SHORT, "--out", str(out))
    return outcome, printed, err.getvalue(), out


def test_files_and_json(short):
    outcome, printed, err, out = short
    assert outcome.status == 0
    assert [p.name for p in outcome.paths] == ["polychronization_2006_4s.png",
                                               "polychronization_2006_4s.json"]
    assert all(p.parent == out and p.is_file() for p in outcome.paths)
    assert printed.splitlines()[-2:] == [str(p) for p in outcome.paths]
    png = outcome.paths[0].read_bytes()
    assert png[:8] == PNG_MAGIC and len(png) > 30_000
    assert len(outcome.figure.axes) == 5
    assert "4 s of model time" in outcome.figure.get_suptitle()
    assert "polychronization_2006 (model s)" in err         # the progress bar
    data = json.loads(outcome.paths[1].read_text())
    assert data == json.loads(json.dumps(outcome.summary))
    assert data["complete"] is True and data["duration_ms"] == 4000.0
    p = data["parameters"]
    assert (p["seed"], p["duration_ms"], p["tag"], p["resumed"]) == (1, 4000.0, "4s", False)
    assert p["weight_times_s"] == [0, 1, 2]
    assert p["network"]["n_excitatory"] == 800 and p["network"]["kick"] == 20.0
    # the histograms at 0, 1, 2 s and the end; their fractions at each
    assert data["weight_times_ms"] == [0.0, 1000.0, 2000.0, 4000.0]
    rows = data["weight_fractions_at"]
    assert [r["t_ms"] for r in rows] == data["weight_times_ms"]
    assert rows[0] == {"t_ms": 0.0, "below": 0.0, "between": 1.0, "above": 0.0, "zero": 0.0,
                       "cap": 0.0}                      # every weight 6 at the start
    assert {k: v for k, v in rows[-1].items() if k != "t_ms"} == data["weights_final"]
    for row, hist in zip(rows, data["weight_histograms"]):
        assert sum(hist) == 80_000
        assert row["below"] + row["between"] + row["above"] == pytest.approx(1.0)
    # the weights move once a second, from all at 6
    hist = np.array(data["weight_histograms"])
    assert hist[1].max() < 80_000 and not np.array_equal(hist[1], hist[3])
    # the rates are the spike counts of each second
    counts = np.array(data["spikes_per_second"])
    assert counts.shape == (4, 2)
    assert data["rate_first_second_hz"]["excitatory"] == counts[0, 0] / 800
    assert data["rate_last_10_s_hz"]["inhibitory"] == pytest.approx(counts[:, 1].mean() / 200)
    assert set(data["spectrum_end"]) >= {"delta_1_4", "gamma_30_100"}
    t = data["timing"]
    assert t["simulation_wall_s"] > 0 and t["wall_s"] > t["simulation_wall_s"]
    assert t["model_s_per_wall_s"] == pytest.approx(4.0 / t["simulation_wall_s"])


def test_printed_numbers_are_the_json(short):
    outcome, printed, _, _ = short
    data = outcome.summary

    def floats(pattern):
        found = re.search(pattern, printed)
        assert found, pattern
        return [float(x) for x in found.groups()]

    e, i = floats(r"first second: excitatory ([\d.]+) Hz, inhibitory ([\d.]+) Hz")
    assert (e, i) == pytest.approx(tuple(data["rate_first_second_hz"].values()), abs=5e-4)
    e, i = floats(r"last 4 s: excitatory ([\d.]+) Hz, inhibitory ([\d.]+) Hz")
    assert (e, i) == pytest.approx(tuple(data["rate_last_10_s_hz"].values()), abs=5e-4)
    table = [line for line in printed.splitlines() if line.startswith("  t = ")]
    assert len(table) == len(data["weight_fractions_at"]) == 4
    for line, row in zip(table, data["weight_fractions_at"]):
        shown = [float(x) / 100 for x in re.findall(r"([\d.]+)%", line)]
        assert shown == pytest.approx([row[k] for k in ("below", "between", "above", "zero",
                                                        "cap")], abs=5e-5)
    delta, gamma = floats(r"delta \(1-4 Hz\) ([\d.]+)%, gamma \(30-100 Hz\) ([\d.]+)%")
    bands = data["spectrum_end"]
    assert (delta / 100, gamma / 100) == pytest.approx(
        (bands["delta_1_4"], bands["gamma_30_100"]), abs=5e-5)
    wall, speed, total = floats(r"wall time: ([\d.]+) s simulating \(([\d.]+) model s per "
                                r"wall s\); ([\d.]+) s")
    t = data["timing"]
    assert (wall, speed, total) == pytest.approx(
        (t["simulation_wall_s"], t["model_s_per_wall_s"], t["wall_s"]), abs=0.05)


def test_resumed_checkpoint_equals_the_uninterrupted_run(example, short, tmp_path):
    whole = short[0].summary
    ckpt = tmp_path / "run.npz"
    # two threads, then one, then izhic's choice (short): the same numbers
    first, _ = run(example, "--seconds", "2", "--weight-times", "0,1,2", "--checkpoint",
                   str(ckpt), "--checkpoint-every", "0.02", "--quiet", "--out", str(tmp_path),
                   "--threads", "2")
    assert first.status == 0 and ckpt.is_file()
    assert first.paths[1].name == "polychronization_2006_2s.json"
    # the 2 s run is the start of the 4 s one
    assert first.summary["spikes_per_second"] == whole["spikes_per_second"][:2]
    resumed, printed = run(example, *SHORT, "--checkpoint", str(ckpt), "--resume", "--quiet",
                           "--out", str(tmp_path), "--threads", "1")
    assert resumed.status == 0 and resumed.summary["parameters"]["resumed"] is True
    # the same numbers, the weight fractions at 1 and 2 s read back from the first run
    assert numbers(resumed.summary) == numbers(whole)
    assert json.loads(resumed.paths[1].read_text())["weight_fractions_at"] == \
        whole["weight_fractions_at"]
    assert "over all the runs of the checkpoint" in printed


def test_ctrl_c_writes_the_completed_part_and_exits_130(example, tmp_path, monkeypatch,
                                                        capsys):
    ckpt = tmp_path / "long.npz"
    out = tmp_path / "figs"
    # one thread: two threads lose much time at each step's barrier when another
    # process holds a core (the result is the same)
    args = ["--minutes", "60", "--checkpoint", str(ckpt), "--quiet", "--out", str(out),
            "--threads", "1"]
    monkeypatch.setattr(sys, "argv", [example.__file__, *args])
    stop = threading.Event()

    def ctrl_c_after_the_first_minute():
        """An interrupt (as Ctrl-C sends it) once the first part of the run (to 1 min)
        is done and recorded: a timer alone may fire before anything was computed
        on a busy machine."""
        record = example.record_path(ckpt)
        while not stop.wait(0.01):
            try:
                if json.loads(record.read_text())["completed_ms"] > 0:
                    break
            except (OSError, ValueError):
                pass
        if not stop.wait(0.05):
            _thread.interrupt_main()

    watcher = threading.Thread(target=ctrl_c_after_the_first_minute, daemon=True)
    watcher.start()
    try:
        with pytest.raises(SystemExit) as exc:
            runpy.run_path(example.__file__, run_name="__main__")
    finally:
        stop.set()
        watcher.join()
    assert exc.value.code == 130
    printed = capsys.readouterr().out
    png, js = out / "polychronization_2006_1h.png", out / "polychronization_2006_1h.json"
    assert png.read_bytes()[:8] == PNG_MAGIC
    data = json.loads(js.read_text())
    done = data["duration_ms"]
    assert data["complete"] is False and data["parameters"]["duration_ms"] == 3_600_000.0
    assert 60_000.0 <= done < 3_600_000.0 and done % 1000.0 == 0
    assert len(data["spikes_per_second"]) == done / 1000
    assert data["weight_times_ms"][-1] == done
    assert f"interrupted: {example.when(done)} of 1 h" in printed
    assert "resume with: python " in printed and "--resume" in printed
    assert printed.splitlines()[-2:] == [str(png), str(js)]
    # and the checkpoint continues it
    more = done / 1000 + 2
    resumed, _ = run(example, "--seconds", f"{more:g}", "--checkpoint", str(ckpt), "--resume",
                     "--quiet", "--out", str(out), "--threads", "1")
    assert resumed.status == 0 and resumed.summary["complete"] is True
    assert resumed.summary["duration_ms"] == done + 2000.0
    assert resumed.summary["spikes_per_second"][:-2] == data["spikes_per_second"]


def test_bad_arguments_are_refused_and_write_nothing(example, tmp_path, capsys):
    (tmp_path / "other.npz").write_bytes(b"")        # a checkpoint not made by the script
    for args, message in [
            (["--out", str(tmp_path / "missing" / "figs")], "does not exist"),
            (["--seconds", "2.5"], "--seconds: the model time must be a whole number"),
            (["--minutes", "0.001"], "--minutes: the model time must be a whole number"),
            (["--minutes", "1", "--hours", "1"], "not allowed with argument"),
            (["--resume"], "--resume: needs --checkpoint FILE"),
            (["--hours", "1e-9"], "--hours: the model time must be a whole number"),
            (["--checkpoint-every", "0"], "--checkpoint-every: must be > 0"),
            (["--checkpoint", str(tmp_path / "other.npz"), "--resume"],
             "has no 'other.npz.fractions.json' beside it")]:
        with pytest.raises(SystemExit) as exc:
            example.main(["--quiet", "--out", str(tmp_path / "figs"), *args])
        assert exc.value.code == 2
        assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.npz"]
