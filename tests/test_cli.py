"""The ``izhic`` command line: every command in-process, the entry point through a subprocess."""
import csv
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic
from izhic.cli import MAX_CURRENTS, N_ROWS_SHOWN, main, parse_currents
from izhic.figures import FIGURES

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
COMMANDS = ("run", "fi", "figure", "info")


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    """Run in a fresh, empty directory (default output names land there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli(capsys):
    """``cli(*argv) -> (exit status, stdout, stderr)`` of ``izhic.cli.main``."""
    def run(*argv):
        rc = main(list(argv))
        out, err = capsys.readouterr()
        return rc, out, err
    return run


def wrote(out):
    """The paths a command reported writing, in order."""
    return [line[len("wrote "):] for line in out.splitlines() if line.startswith("wrote ")]


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 10_000  # a drawn figure, not an empty canvas


# ------------------------------------------------------------------- help ----

def test_help_top_level_names_the_commands(cli):
    rc, out, err = cli("--help")
    assert rc == 0 and err == ""
    assert out.startswith("usage: izhic ")
    for command in COMMANDS:
        assert f"\n    {command} " in out  # listed with its one-line description
    assert "examples:" in out and "izhic run RS --current 10" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_each_command(cli, command):
    rc, out, err = cli(command, "--help")
    assert rc == 0 and err == ""
    assert out.startswith(f"usage: izhic {command} ")


@pytest.mark.parametrize("command", ["run", "fi"])
def test_help_shows_defaults_presets_and_methods(cli, command):
    _, out, _ = cli(command, "--help")
    flat = " ".join(out.split())
    assert "(default: 1000.0)" in flat and "default: the form's (rk4 for 2003" in flat
    assert ", ".join(izhic.PRESETS_2003) in flat
    assert ", ".join(izhic.METHODS) in flat
    assert "examples:" in out


def test_version(cli):
    rc, out, _ = cli("--version")
    assert rc == 0 and out.strip() == f"izhic {izhic.__version__}"


# -------------------------------------------------------------------- run ----

def test_run_defaults(cli, cwd):
    rc, out, err = cli("run", "RS")
    assert rc == 0, err
    expected = izhic.simulate("RS", 10.0, 1000.0, 0.1, "rk4").spike_times[0]
    assert f"\nspikes: {expected.size} ({expected.size * 1.0:.4g} Hz" in out
    first = ", ".join(f"{t:.2f}" for t in expected[:10])
    assert f"first spike times (ms): {first}, ... ({expected.size} in all)" in out
    assert wrote(out) == ["izhic_RS_10.png"]
    assert_png(cwd / "izhic_RS_10.png")


def test_run_trace_csv_matches_simulate(cli, cwd):
    rc, out, err = cli("run", "fs", "--current", "5", "--duration", "50", "--dt", "0.25",
                       "--method", "izhikevich2004", "--v0", "-70",
                       "--out", "plots/fs.png", "--csv", "data/fs.csv")
    assert rc == 1 and "the directory 'plots' does not exist" in err   # nothing created
    assert not (cwd / "plots").exists() and not (cwd / "data").exists()
    (cwd / "plots").mkdir()
    (cwd / "data").mkdir()
    rc, out, err = cli("run", "fs", "--current", "5", "--duration", "50", "--dt", "0.25",
                       "--method", "izhikevich2004", "--v0", "-70",
                       "--out", "plots/fs.png", "--csv", "data/fs.csv")
    assert rc == 0, err
    assert out.startswith("FS (fast spiking")  # preset names are case-insensitive
    assert wrote(out) == ["plots/fs.png", "data/fs.csv"]
    assert_png(cwd / "plots" / "fs.png")
    header, rows = read_csv(cwd / "data" / "fs.csv")
    assert header == ["t_ms", "v_mV", "u"]
    table = np.array(rows, dtype=float)
    res = izhic.simulate("FS", 5.0, 50.0, 0.25, "izhikevich2004", v0=-70.0, record=("v", "u"))
    assert_array_equal(table[:, 0], res.t)  # floats written exactly
    assert_array_equal(table[:, 1], res.v[0])
    assert_array_equal(table[:, 2], res.u[0])
    assert res.spike_counts()[0] > 0 and table[:, 1].max() == 30.0  # v drawn up to v_peak


def test_run_other_image_format(cli, cwd):
    rc, out, err = cli("run", "TC", "-I", "-5", "--duration", "100", "--out", "tc.pdf")
    assert rc == 0, err
    assert "spikes: 0 (0 Hz over 100 ms)" in out
    assert "first spike times" not in out
    assert (cwd / "tc.pdf").read_bytes()[:5] == b"%PDF-"


# --------------------------------------------------------------------- fi ----

def test_fi_published_numerics(cli, cwd):
    rc, out, err = cli("fi", "RS", "--currents", "0,4,10,40", "--method", "izhikevich2004",
                       "--dt", "0.25", "--discard", "200")
    assert rc == 0, err
    assert wrote(out) == ["izhic_fi_RS.png", "izhic_fi_RS.csv"]
    assert_png(cwd / "izhic_fi_RS.png")
    header, rows = read_csv(cwd / "izhic_fi_RS.csv")
    assert header == ["current", "count", "rate_hz", "steady_rate_hz", "first_spike_ms"]
    table = np.array(rows, dtype=float)
    assert_array_equal(table[:, 0], [0, 4, 10, 40])
    assert_array_equal(table[:, 1], [0, 5, 18, 67])  # the original RS project's counts
    assert_array_equal(table[:, 2], [0.0, 6.25, 22.5, 83.75])
    assert "rate = spikes in [200, 1000] ms / 0.8 s" in out
    assert "        10      18      22.50" in out


def test_fi_long_range_shows_part_of_the_table(cli, cwd):
    (cwd / "fi").mkdir()
    rc, out, err = cli("fi", "lts", "--duration", "100", "--out", "fi/lts.svg",
                       "--csv", "lts_table.csv")
    assert rc == 0, err
    assert wrote(out) == ["fi/lts.svg", "lts_table.csv"]
    assert b"<svg" in (cwd / "fi" / "lts.svg").read_bytes()[:1000]
    _, rows = read_csv(cwd / "lts_table.csv")
    assert [float(row[0]) for row in rows] == list(range(41))  # default 0:40:1, all rows
    assert f"({N_ROWS_SHOWN} of 41 rows shown; all are in the CSV)" in out


@pytest.mark.parametrize("text, expected", [
    ("0:40:1", np.arange(41.0)),
    ("0:40", np.arange(41.0)),                      # STEP defaults to 1
    ("0:1:0.1", np.round(np.arange(11) * 0.1, 12)),  # STOP on the grid despite rounding
    ("0:1:0.3", [0.0, 0.3, 0.6, 0.9]),              # STOP off the grid: not included
    ("-5:5:2.5", [-5.0, -2.5, 0.0, 2.5, 5.0]),
    ("3:3", [3.0]),
    ("10", [10.0]),
    ("1, 5,10", [1.0, 5.0, 10.0]),
    ("-1e1,2.5", [-10.0, 2.5]),
])
def test_parse_currents(text, expected):
    assert_array_equal(parse_currents(text), expected)


@pytest.mark.parametrize("text, message", [
    ("", "empty item"),
    ("1,,2", "empty item"),
    ("1,a", "'a' is not a number"),
    ("1:x", "'x' is not a number"),
    ("1:2:3:4", "expected START:STOP or START:STOP:STEP"),
    ("5:1", "STOP must be >= START"),
    ("0:10:0", "STEP must be > 0"),
    ("0:10:-1", "STEP must be > 0"),
    ("0:inf", "must be finite"),
    ("1,nan", "must be finite"),
    ("0:1e9:1", f"at most {MAX_CURRENTS}"),
])
def test_parse_currents_errors(text, message):
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse_currents(text)


# ----------------------------------------------------------------- figure ----

def test_figure_list(cli):
    rc, out, err = cli("figure", "--list")
    assert rc == 0 and err == ""
    names = [line.split()[0] for line in out.splitlines()]
    assert names == list(FIGURES)
    assert re.search(r"^rs_sweep +The original RS project", out, re.M)


def test_figure_rs_sweep(cli, cwd):
    rc, out, err = cli("figure", "rs_sweep", "--out", "rs")
    assert rc == 0, err
    names = ("membrane_potential.png", "spike_rate_vs_current.png", "spike_rate_vs_current.csv")
    assert wrote(out) == [f"rs/{name}" for name in names]
    for name in names[:2]:
        assert_png(cwd / "rs" / name)
    header, rows = read_csv(cwd / "rs" / names[2])
    counts = [int(row[header.index("count_izhikevich2004")]) for row in rows]
    assert counts[10] == 18 and counts[40] == 67


# ------------------------------------------------------------------- info ----

def test_info(cli):
    rc, out, err = cli("info")
    assert rc == 0 and err == ""
    assert out.startswith(f"izhic {izhic.__version__}\nbuild: openmp=")
    for name in izhic.METHODS:
        assert f"\n  {name} " in out
    for name in izhic.PRESETS_2003:
        assert f"\n  {name} " in out
    assert "regular spiking" in out and "rs_sweep" in out


# ----------------------------------------------------------------- errors ----

def test_bare_izhic_shows_the_help(cli):
    rc, out, err = cli()
    assert rc == 0 and out.startswith("usage: izhic") and "commands:" in out and not err


def test_no_directory_is_created_for_an_output_file(cli, cwd):
    rc, _, err = cli("run", "RS", "--out", "nowhere/deeper/x.png")
    assert rc == 1 and "--out 'nowhere/deeper/x.png': the directory 'nowhere/deeper' does " \
                       "not exist" in err
    assert not (cwd / "nowhere").exists()
    rc, _, err = cli("figure", "rs_sweep", "--out", "nowhere/figs")
    assert rc == 1 and "does not exist" in err and not (cwd / "nowhere").exists()


def test_2007_presets(cli, cwd):
    rc, out, err = cli("run", "LTS", "--form", "2007", "--current", "200", "--duration", "300")
    assert rc == 0, err
    assert out.startswith("LTS (2007) (low-threshold spiking") and "method euler" in out
    res = izhic.simulate(izhic.PRESETS_2007["LTS"], 200.0, 300.0)
    assert f"spikes: {res.spike_times.n_spikes} " in out
    rc, out, err = cli("fi", "FS", "--form", "2007", "--currents", "0:400:100",
                       "--duration", "200")
    assert rc == 0, err
    fi = izhic.fi_curve(izhic.PRESETS_2007["FS"], [0.0, 100.0, 200.0, 300.0, 400.0],
                        duration=200.0)
    table = np.loadtxt(cwd / "izhic_fi_FS.csv", delimiter=",", skiprows=1)
    assert_array_equal(table[:, 1], fi.counts)


@pytest.mark.parametrize("argv, message", [
    (["bogus"], "izhic: error: argument COMMAND: invalid choice: 'bogus'"),
    (["run"], "izhic run: error: the following arguments are required: PRESET"),
    (["run", "XX"], "izhic run: error: argument PRESET: unknown preset 'XX'; choose one of "
                    "RS, IB, CH, FS, LTS, TC, RZ (2003 form) or RS, IB, CH, LTS, FS, TC, RTN "
                    "(--form 2007)"),
    (["run", "RTN"], "izhic run: error: model: unknown preset 'RTN' of the 2003 form"),
    (["run", "RS", "--current", "abc"], "argument --current/-I: invalid float value: 'abc'"),
    (["run", "RS", "--method", "heun"], "argument --method: invalid choice: 'heun'"),
    (["run", "RS", "--out", "trace.txt"], "argument --out: 'trace.txt': the file name must "
                                          "end in an image format"),
    (["run", "RS", "--dt", "0.3"], "izhic run: error: duration: 1000.0 ms is not a whole "
                                   "number of steps of dt=0.3 ms"),
    (["run", "RS", "--dt", "0"], "izhic run: error: dt: must be > 0"),
    (["run", "RS", "--current", "nan"], "izhic run: error: current: values must be finite"),
    (["fi", "RS", "--currents", "5:1"], "izhic fi: error: argument --currents: '5:1': STOP "
                                        "must be >= START"),
    (["fi", "RS", "--currents", "1,,2"], "argument --currents: '1,,2': empty item"),
    (["fi", "RS", "--discard", "2000"], "izhic fi: error: discard: must satisfy"),
    (["fi", "RS", "--currents=-1e9"], "izhic fi: error: current: -1e+09"),
    (["figure"], "izhic figure: error: give a figure NAME or --list"),
    (["figure", "nope"], "izhic figure: error: argument NAME: invalid choice: 'nope'"),
    (["figure", "rs_sweep", "--list"], "izhic figure: error: give a NAME or --list, not both"),
])
def test_errors_one_line_exit_2(cli, cwd, argv, message):
    rc, out, err = cli(*argv)
    assert rc == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")  # one line, no usage, no traceback
    assert message in err
    assert list(cwd.iterdir()) == []  # nothing written


def test_unwritable_output_exit_1(cli, cwd):
    (cwd / "blocker").write_text("a file, not a directory")
    rc, out, err = cli("run", "RS", "--duration", "10", "--out", "blocker/trace.png")
    assert rc == 1
    assert err.startswith("izhic run: error: ") and err.count("\n") == 1


# ------------------------------------------------------------- subprocess ----

def _python_m_izhic(cwd, *argv):
    return subprocess.run([sys.executable, "-m", "izhic", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_python_m_izhic_run(cwd):
    proc = _python_m_izhic(cwd, "run", "RS", "--current", "10", "--duration", "200",
                           "--csv", "rs.csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.splitlines()[-2:] == ["wrote izhic_RS_10.png", "wrote rs.csv"]
    assert_png(cwd / "izhic_RS_10.png")
    assert (cwd / "rs.csv").read_text().startswith("t_ms,v_mV,u\n0.0,-65.0,-13.0\n")


def test_python_m_izhic_error(cwd):
    proc = _python_m_izhic(cwd, "fi", "nope")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("izhic fi: error: argument PRESET: unknown preset 'nope'")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_python_m_izhic_help(cwd):
    proc = _python_m_izhic(cwd, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: izhic ")
    assert all(f"\n    {command} " in proc.stdout for command in COMMANDS)


_SCRIPT = Path(sys.executable).with_name("izhic")


@pytest.mark.skipif(not _SCRIPT.exists(), reason="izhic console script not installed "
                                                 "next to this Python")
def test_console_script(cwd):
    proc = subprocess.run([str(_SCRIPT), "figure", "--list"], cwd=cwd, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "rs_sweep"
