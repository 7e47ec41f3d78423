"""The ``izhic`` command line.

::

    izhic run RS --current 10            # simulate, print the spikes, plot v
    izhic fi RS --currents 0:40:1        # F-I curve: PNG + CSV
    izhic figure rs_sweep --out figures  # reproduce a registered figure
    izhic info                           # version, build, methods, presets

Each command prints the paths of the files it wrote. Exit status: 0 on
success, 2 for a bad argument (a one-line message on stderr, no traceback),
1 when a file cannot be written, 130 when interrupted.

:func:`main` takes the argument list (``sys.argv[1:]`` by default) and returns
the exit status, so it can be driven in-process.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import textwrap

import numpy as np

from ._extras import require

__all__ = ["main", "parse_currents"]

PROG = "izhic"
#: Longest trace a ``run`` records (samples); longer runs record every k-th step.
MAX_TRACE_SAMPLES = 2_000_000
#: Spike times ``run`` prints; the count and rate cover all spikes.
N_SPIKES_SHOWN = 10
#: Rows of the F-I table ``fi`` prints; the CSV holds them all.
N_ROWS_SHOWN = 21
#: Most currents ``fi`` accepts from a START:STOP:STEP range (a typo guard).
MAX_CURRENTS = 100_000


class _UsageError(Exception):
    """A bad argument: reported in one line, exit status 2."""


class _Failure(Exception):
    """A run that could not be done (no memory, a file not written): exit status 1."""


def _checked(command, func, *args, **kwargs):
    """Call an izhic function; its argument errors become one-line usage errors."""
    try:
        return func(*args, **kwargs)
    except (ValueError, TypeError) as exc:  # izhic's checks name the argument
        raise _UsageError(f"{PROG} {command}: error: {exc}") from None
    except MemoryError as exc:
        raise _Failure(f"{PROG} {command}: error: {exc}") from None


class _Parser(argparse.ArgumentParser):
    """ArgumentParser that raises instead of printing usage and exiting."""

    def error(self, message):
        raise _UsageError(f"{self.prog}: error: {message} (see '{self.prog} --help')")


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Defaults shown (where there is one); a text with line breaks (the examples) kept
    as written, a one-paragraph description wrapped."""

    def __init__(self, prog):
        super().__init__(prog, max_help_position=30)

    def _fill_text(self, text, width, indent):
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


# ------------------------------------------------------------ argument types ----

def _preset_name(text):
    from .models import PRESETS_2003, PRESETS_2007

    key = text.strip().upper()
    if key not in PRESETS_2003 and key not in PRESETS_2007:
        raise argparse.ArgumentTypeError(
            f"unknown preset {text!r}; choose one of {', '.join(PRESETS_2003)} (2003 form) "
            f"or {', '.join(PRESETS_2007)} (--form 2007)")
    return key


def _model(command, args):
    """The preset of the chosen form (a usage error if it has no such preset)."""
    from .models import preset

    return _checked(command, preset, args.preset, year=args.form)


def _number(text):
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def parse_currents(text):
    """Currents from ``START:STOP[:STEP]`` (STOP included when on the grid) or ``a,b,c``.

    >>> parse_currents("0:2:0.5").tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    >>> parse_currents("1, 5,10").tolist()
    [1.0, 5.0, 10.0]
    """
    text = text.strip()
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) not in (2, 3):
                raise ValueError(f"{text!r}: expected START:STOP or START:STOP:STEP")
            start, stop = _number(parts[0]), _number(parts[1])
            step = _number(parts[2]) if len(parts) == 3 else 1.0
            if not all(map(math.isfinite, (start, stop, step))):
                raise ValueError(f"{text!r}: START, STOP and STEP must be finite")
            if not step > 0:
                raise ValueError(f"{text!r}: STEP must be > 0")
            if stop < start:
                raise ValueError(f"{text!r}: STOP must be >= START")
            span = (stop - start) / step
            n = math.floor(span + 1e-9) + 1
            if n > MAX_CURRENTS:
                raise ValueError(f"{text!r} gives {n} currents; at most {MAX_CURRENTS}")
            # k * step from START (no accumulated rounding), tidied to 12 digits
            currents = np.array([float(f"{start + k * step:.12g}") for k in range(n)])
        else:
            items = text.split(",")
            if not all(item.strip() for item in items):
                raise ValueError(f"{text!r}: empty item in the list")
            currents = np.array([_number(item) for item in items])
            if not np.isfinite(currents).all():
                raise ValueError(f"{text!r}: currents must be finite")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return currents


def _image_path(text):
    """An output image path whose extension matplotlib can write."""
    Figure = require("matplotlib.figure", "plot", "the izhic command's images").Figure
    formats = Figure().canvas.get_supported_filetypes()
    ext = os.path.splitext(text)[1].lower().lstrip(".")
    if ext not in formats:
        shown = ", ".join(f".{name}" for name in ("png", "pdf", "svg") if name in formats)
        raise argparse.ArgumentTypeError(
            f"{text!r}: the file name must end in an image format matplotlib writes "
            f"({shown}, ...)")
    return text


# ------------------------------------------------------------------ helpers ----

def _prepare(path, command, option="--out"):
    """An output file's path as str; its directory must exist (nothing is
    created: a typo must not leave directories behind)."""
    parent = os.path.dirname(os.fspath(path))
    if parent and not os.path.isdir(parent):
        raise _Failure(f"{PROG} {command}: error: {option} {os.fspath(path)!r}: the directory "
                       f"{parent!r} does not exist")
    return os.fspath(path)


def _name_of(args):
    from .models import PRESET_NAMES, PRESET_NAMES_2007

    names = PRESET_NAMES if args.form == 2003 else PRESET_NAMES_2007
    return f"{args.preset}{'' if args.form == 2003 else ' (2007)'}", names.get(args.preset, "")


def _describe_preset(args, model):
    name, long = _name_of(args)
    return f"{name} ({long}: {model.checked().label()})"


def _fmt_current(current):
    return f"{current:g}"


# ------------------------------------------------------------------ commands ----

def _cmd_run(args):
    from .models import PRESET_NAMES
    from .plotting import new_figure, plot_trace
    from .simulate import simulate

    model = _model("run", args)
    name, long = _name_of(args)
    out = _prepare(args.out or f"izhic_{args.preset}_{_fmt_current(args.current)}.png", "run")
    csv_out = _prepare(args.csv, "run", "--csv") if args.csv else None
    n_steps = args.duration / args.dt if args.dt > 0 else 0
    stride = max(1, math.ceil(n_steps / MAX_TRACE_SAMPLES)) if math.isfinite(n_steps) else 1
    res = _checked("run", simulate, model, current=args.current, duration=args.duration,
                   dt=args.dt, method=args.method, v0=args.v0, record=("v", "u"),
                   record_dt=None if stride == 1 else stride * args.dt)
    times = res.spike_times[0]
    rate = times.size * 1000.0 / res.duration if res.duration > 0 else 0.0
    v0 = res.v[0, 0]

    lines = [
        f"{_describe_preset(args, model)}, I = {_fmt_current(args.current)}",
        f"{res.duration:g} ms, method {res.method}, dt = {res.dt:g} ms, "
        f"v0 = {v0:g} mV, u0 = {res.u[0, 0]:g}",
        f"spikes: {times.size} ({rate:.4g} Hz over {res.duration:g} ms)",
    ]
    if times.size:
        shown = ", ".join(f"{t:.2f}" for t in times[:N_SPIKES_SHOWN])
        more = f", ... ({times.size} in all)" if times.size > N_SPIKES_SHOWN else ""
        lines.append(f"first spike times (ms): {shown}{more}")
    if stride > 1:
        lines.append(f"trace: one sample every {stride} steps ({stride * res.dt:g} ms), "
                     f"at most {MAX_TRACE_SAMPLES} samples")

    fig = new_figure(figsize=(10, 3.8))
    ax = fig.subplots()
    plot_trace(res, ax=ax, title="")
    fig.suptitle(f"{name} ({long}), I = {_fmt_current(args.current)}: "
                 f"{times.size} spike{'' if times.size == 1 else 's'} in "
                 f"{res.duration:g} ms ({rate:.4g} Hz)", fontsize=11)
    ax.set_title(f"{res.method}, dt = {res.dt:g} ms, v0 = {v0:g} mV; "
                 f"v drawn up to v_peak at each spike", fontsize=9, color="0.3")
    fig.tight_layout()
    paths = [out]
    fig.savefig(paths[0], dpi=120)
    if csv_out:
        paths.append(_write_trace_csv(csv_out, res))
    # files first, then the report (a closed pipe on stdout loses no file)
    print("\n".join(lines + [f"wrote {path}" for path in paths]))
    return 0


def _write_trace_csv(path, res):
    import csv

    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["t_ms", "v_mV", "u"])
        for t, v, u in zip(res.t.tolist(), res.v[0].tolist(), res.u[0].tolist()):
            writer.writerow([repr(t), repr(v), repr(u)])
    return path


def _cmd_fi(args):
    from .analysis import fi_curve
    from .models import PRESET_NAMES
    from .plotting import new_figure

    model = _model("fi", args)
    name, long = _name_of(args)
    out = _prepare(args.out or f"izhic_fi_{args.preset}.png", "fi")
    csv_path = _prepare(args.csv or f"{os.path.splitext(out)[0]}.csv", "fi", "--csv")
    fi = _checked("fi", fi_curve, model, args.currents, duration=args.duration, dt=args.dt,
                  method=args.method, discard=args.discard, v0=args.v0)
    v0 = model.initial_state(model.checked(), args.v0)[0]

    lines = [
        f"{_describe_preset(args, model)}: F-I curve, {len(fi)} currents",
        f"{fi.duration:g} ms, method {fi.method}, dt = {fi.dt:g} ms, v0 = {v0:g} mV; "
        f"rate = spikes in [{fi.discard:g}, {fi.duration:g}] ms / "
        f"{(fi.duration - fi.discard) / 1000.0:g} s",
        f"{'current':>10} {'count':>7} {'rate (Hz)':>10} {'last ISI (Hz)':>14} "
        f"{'first spike (ms)':>17}",
    ]
    rows = np.arange(len(fi))
    if len(fi) > N_ROWS_SHOWN:
        rows = np.unique(np.linspace(0, len(fi) - 1, N_ROWS_SHOWN).round().astype(int))
    for i in rows:
        first = "-" if np.isnan(fi.first_spike[i]) else f"{fi.first_spike[i]:.2f}"
        lines.append(f"{fi.currents[i]:>10g} {fi.counts[i]:>7d} {fi.rates[i]:>10.2f} "
                     f"{fi.steady_rates[i]:>14.2f} {first:>17}")
    if rows.size < len(fi):
        lines.append(f"({rows.size} of {len(fi)} rows shown; all are in the CSV)")

    fig = new_figure(figsize=(8, 5.5))
    ax = fig.subplots()
    fi.plot(ax=ax, color="tab:blue", markersize=4, zorder=3, label="mean rate in the window")
    ax.plot(fi.currents, fi.steady_rates, linestyle="--", marker="s", markersize=5,
            markerfacecolor="none", color="tab:orange", zorder=2,
            label="rate from the last inter-spike interval")
    ax.legend(loc="upper left")
    fig.suptitle(f"{name} ({long}): firing rate vs input current", fontsize=12)
    ax.set_xlabel("input current I (" + ("model units" if args.form == 2003 else "pA") + ")")
    ax.set_ylabel("firing rate (Hz)")
    ax.set_ylim(bottom=min(-1.0, ax.get_ylim()[0]))
    fig.tight_layout()
    paths = [out, csv_path]
    fig.savefig(paths[0], dpi=120)
    fi.to_csv(paths[1])
    # files first, then the report (a closed pipe on stdout loses no file)
    print("\n".join(lines + [f"wrote {path}" for path in paths]))
    return 0


def _figures():
    from .figures import FIGURES

    return FIGURES


def _summary(func):
    doc = (func.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


def _cmd_figure(args):
    figures = _figures()
    if args.list:
        if args.name:
            raise _UsageError(f"{PROG} figure: error: give a NAME or --list, not both")
        width = max(map(len, figures), default=0)
        for name, func in figures.items():
            print(f"{name:<{width}}  {_summary(func)}")
        return 0
    if not args.name:
        raise _UsageError(f"{PROG} figure: error: give a figure NAME or --list "
                          f"(see '{PROG} figure --help')")
    from .figures._common import new_output_dir

    try:
        new_output_dir(args.out)
    except ValueError as exc:
        raise _Failure(f"{PROG} figure: error: --out {exc}") from None
    for path in figures[args.name](args.out):
        print(f"wrote {path}")
    return 0


def _cmd_info(args):
    import izhic

    from .models import PRESET_NAMES, PRESETS_2003
    from .simulate import METHODS

    width = 79
    print(f"izhic {izhic.__version__}")
    config = izhic.show_config()
    print("build: " + ", ".join(f"{key}={value}" for key, value in config.items()
                               if key != "version"))
    print("\nmethods (--method):")
    for name, text in METHODS.items():
        lines = textwrap.wrap(text, width=width - 20) or [""]
        print(f"  {name:<16}  {lines[0]}")
        for line in lines[1:]:
            print(f"  {'':<16}  {line}")
    print("\npresets (PRESET; Izhikevich 2003, Fig. 2) of v' = 0.04 v^2 + 5 v + 140 - u + I,\n"
          "u' = a (b v - u); when v >= v_peak: v <- c, u <- u + d")
    for name, p in PRESETS_2003.items():
        print(f"  {name:<4} {PRESET_NAMES.get(name, ''):<23} a={p.a:<5g} b={p.b:<5g} "
              f"c={p.c:<4g} d={p.d:<5g} v_peak={p.v_peak:g}")
    print("\nfigures (izhic figure NAME):")
    figures = _figures()
    fw = max(map(len, figures), default=0)
    for name, func in figures.items():
        print(f"  {name:<{fw}}  {_summary(func)}")
    return 0


# ------------------------------------------------------------------- parser ----

_TOP_EPILOG = """\
examples:
  izhic run RS --current 10                  simulate 1 s of an RS neuron, plot v
  izhic run FS --current 5 --duration 200 --out fs.png --csv fs.csv
  izhic fi RS                                F-I curve for I = 0..40
  izhic fi RS --method izhikevich2004 --dt 0.25 --discard 200
                                             ... with the original RS project's numerics
  izhic figure --list                        the figures izhic reproduces
  izhic figure rs_sweep --out figures
  izhic info                                 version, build, methods, presets

'izhic COMMAND --help' describes each command. Units: time ms, v mV, current in
the model's units (I = 10 drives an RS neuron at ~23 Hz)."""

_RUN_EPILOG = """\
examples:
  izhic run RS                               I = 10 for 1000 ms -> izhic_RS_10.png
  izhic run ch --current 10 --duration 300   presets are case-insensitive
  izhic run RS --current 10 --method izhikevich2004 --dt 0.25
  izhic run TC --current -5                  a negative current
  izhic run IB --out ib.pdf --csv ib.csv     any image format; the trace as CSV

The CSV has columns t_ms, v_mV, u (one row per sample, floats written exactly).
Spike times are the end of the step for grid methods, the located crossing of
v_peak for rk4; the rate is spikes / duration."""

_FI_EPILOG = """\
examples:
  izhic fi RS                                I = 0, 1, ..., 40 -> izhic_fi_RS.png/.csv
  izhic fi FS --currents 0:20:0.5
  izhic fi LTS --currents 2,5,10,20 --discard 200
  izhic fi RS --currents=-5:5:1              (a range starting with '-' needs '=')
  izhic fi RS --method izhikevich2004 --dt 0.25 --discard 200
      the original RS project's numerics: 18 spikes at I = 10, 67 at I = 40

One fresh neuron per current (v0, u0 = b v0), all simulated together. The
CSV has columns current, count, rate_hz, steady_rate_hz (from the last
inter-spike interval), first_spike_ms (nan if it never fired)."""

_FIGURE_EPILOG = """\
examples:
  izhic figure --list
  izhic figure rs_sweep                      -> figures/membrane_potential.png, ...
  izhic figure rs_sweep --out /tmp/rs"""


def _add_neuron_options(p, *, dt_help):
    from .simulate import METHODS

    p.add_argument("--duration", type=float, default=1000.0, metavar="MS",
                   help="simulated time (ms), a whole number of steps of dt")
    p.add_argument("--dt", type=float, default=0.1, metavar="MS", help=dt_help)
    p.add_argument("--form", type=int, choices=(2003, 2007), default=2003, metavar="YEAR",
                   help="model form of the preset: 2003 (Izhikevich 2003) or 2007 "
                        "(Izhikevich 2007, ch. 8: RS, IB, CH, LTS, FS, TC, RTN)")
    p.add_argument("--method", choices=list(METHODS), default=None, metavar="METHOD",
                   help=f"integration method: {', '.join(METHODS)} (see 'izhic info'); "
                        "default: the form's (rk4 for 2003, euler for 2007)")
    p.add_argument("--v0", type=float, default=None, metavar="MV",
                   help="initial membrane potential (mV); default the form's (-65, or vr); "
                        "u0 is the form's (b v0, or 0)")


def build_parser():
    """The argument parser of the ``izhic`` command (for docs and tests)."""
    import izhic
    from .models import PRESETS_2003

    presets = ", ".join(PRESETS_2003)
    parser = _Parser(
        prog=PROG, formatter_class=_Formatter, epilog=_TOP_EPILOG,
        description="Simulate Izhikevich spiking neurons: run a preset and plot its membrane "
                    "potential, draw an F-I curve, reproduce a published figure. Every "
                    "command prints the paths of the files it writes.")
    parser.add_argument("--version", action="version", version=f"izhic {izhic.__version__}")
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "run", formatter_class=_Formatter, epilog=_RUN_EPILOG,
        help="simulate one neuron at a constant current, plot v",
        description="Simulate one neuron of a 2003 preset at a constant current from t = 0. "
                    "Prints the spike count, rate and first spike times, plots the membrane "
                    "potential (spikes marked along the top) and optionally writes the "
                    "trace as CSV.")
    p.add_argument("preset", type=_preset_name, metavar="PRESET",
                   help=f"neuron class (Izhikevich 2003): {presets}; case-insensitive; "
                        "with --form 2007 one of the 2007 cell types")
    p.add_argument("--current", "-I", type=float, default=10.0, metavar="I",
                   help="constant input current (model units; pA for the 2007 form)")
    _add_neuron_options(p, dt_help="time step (ms)")
    p.add_argument("--out", type=_image_path, metavar="FILE.png",
                   help="plot of v (.png, .pdf, .svg, ...) (default: izhic_PRESET_I.png)")
    p.add_argument("--csv", metavar="FILE.csv", help="also write the trace (t, v, u) as CSV")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "fi", formatter_class=_Formatter, epilog=_FI_EPILOG,
        help="F-I curve: firing rate vs constant current",
        description="Firing rate of a 2003 preset against constant input current "
                    "(izhic.analysis.fi_curve). Prints a table, writes the plot (mean rate "
                    "in the window and the rate from the last inter-spike interval) and "
                    "the CSV.")
    p.add_argument("preset", type=_preset_name, metavar="PRESET",
                   help=f"neuron class (Izhikevich 2003): {presets}; case-insensitive; "
                        "with --form 2007 one of the 2007 cell types")
    p.add_argument("--currents", type=parse_currents, default="0:40:1", metavar="CURRENTS",
                   help="input currents (model units): START:STOP[:STEP] (STOP included "
                        "when on the grid, STEP default 1) or a list I1,I2,...")
    _add_neuron_options(p, dt_help="time step (ms)")
    p.add_argument("--discard", type=float, default=0.0, metavar="MS",
                   help="count spikes with discard <= t <= duration only (skip a transient)")
    p.add_argument("--out", type=_image_path, metavar="FILE.png",
                   help="plot (.png, .pdf, .svg, ...) (default: izhic_fi_PRESET.png)")
    p.add_argument("--csv", metavar="FILE.csv",
                   help="table (default: the plot's name with .csv)")
    p.set_defaults(func=_cmd_fi)

    figures = _figures()
    p = sub.add_parser(
        "figure", formatter_class=_Formatter, epilog=_FIGURE_EPILOG,
        help="reproduce a named figure ('izhic figure --list')",
        description="Reproduce a figure izhic knows by name: write its files into DIR and "
                    "print their paths. 'izhic figure --list' says what each one shows.")
    p.add_argument("name", nargs="?", choices=list(figures), metavar="NAME",
                   help=f"figure to draw: {', '.join(figures)}")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.add_argument("--out", default="figures", metavar="DIR",
                   help="output directory, created if missing (its parent must exist)")
    p.set_defaults(func=_cmd_figure)

    p = sub.add_parser(
        "info", formatter_class=_Formatter,
        help="version, build, methods, presets, figures",
        description="Print the version, how the compiled core was built (OpenMP, native "
                    "vector code, threads), the integration methods, the presets and the "
                    "figures.")
    p.set_defaults(func=_cmd_info)
    return parser


def main(argv=None):
    """Run the ``izhic`` command line; -> exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for a bad argument, 1 when a file cannot be written,
        130 when interrupted.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser()
        if not argv:               # bare `izhic`: what it can do, not an error
            parser.print_help()
            return 0
        args = parser.parse_args(argv)
        try:
            return args.func(args)
        except BrokenPipeError:
            raise
        except OSError as exc:  # an output file or directory
            raise _Failure(f"{PROG} {args.command}: error: {exc}") from None
    except _Failure as exc:
        print(exc, file=sys.stderr)
        return 1
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BrokenPipeError:  # e.g. `izhic info | head`: stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error at exit
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
