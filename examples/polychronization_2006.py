"""Izhikevich's (2006) polychronization network (spnet): STDP makes its weights bimodal
====================================================================================

The model (E. M. Izhikevich, "Polychronization: computation with spikes",
Neural Computation 18, 2006; its programs spnet.m and spnet.cpp):

- 1000 neurons, v0 = -65 mV, u0 = -13: 800 excitatory (regular spiking:
  a = 0.02, b = 0.2, c = -65, d = 8) and 200 inhibitory (fast spiking:
  a = 0.1, d = 2).
- 100 outgoing synapses per neuron, to distinct targets (no self-synapses):
  an excitatory neuron onto any neuron, weight 6 (mV of input per spike),
  axonal delays 1 .. 20 ms, 5 synapses per delay; an inhibitory neuron onto
  excitatory neurons only, weight -5, delay 1 ms. Of the 100,000 synapses,
  the 80,000 excitatory ones are plastic.
- STDP acts on a derivative, not on the weight: each neuron has a trace
  (set to 0.1 when it fires, x 0.95 each ms); when a neuron fires, each
  synapse onto it gains the presynaptic trace as it was one delay earlier
  (potentiation); when a spike arrives at a synapse, it loses 1.2 times the
  target's trace (depression). Once every second each excitatory weight
  becomes ``clip(w + 0.01 + sd, 0, 10)`` and the derivative ``sd`` decays
  by 0.9. The weights thus move only once a second, from what a whole
  second of spike timing said.
- Thalamic input: each ms one neuron, drawn at random, gets I = 20.
- spnet's numerics: two 0.5 ms steps of v with the same u (net.m's), then u,
  with dt = 1 ms.

izhic reproduces spnet.m exactly: run on the same connections and the same
thalamic input, its spikes equal those of a line-by-line NumPy transcription
of spnet.m spike for spike and its weights bit for bit
(tests/test_plasticity.py). The connections are drawn as spnet.cpp draws
them (``izhic.network.spnet_targets``), from ``--seed``, and so is the input
(``izhic.inputs.random_events``).
This script runs :func:`izhic.network.polychronization_2006` and draws its
figure (:func:`izhic.figures.izhikevich2006.polychronization_2006_figure`).

What to expect
--------------
Measured with this script: seed 1 (the default) for 10 minutes (the
default) and for one hour (``--hours 1``); seeds 2 and 3 for both too.
Weights are the fractions of the 80,000 excitatory ones below 0.5 / between
/ above 9.5 (exactly 0, exactly 10); rates excitatory / inhibitory.

- The first second: 4.74 / 16.6 Hz, three synchronous population bursts
  (panel c); over the first 10 s (``--seconds 10``) 62 % of the 1-100 Hz
  power of the population rate is in the delta band (1-4 Hz), 7.6 % in
  gamma (30-100 Hz).
- The rates then fall (1.3 / 5.3 Hz over 5-20 s, the inhibitory rate at
  its lowest, 3.7 Hz, at 8 s) and rise again as the weights spread:
  4.2 / 33 Hz over 60-120 s, 3.3 / 27 Hz over 300-600 s, 2.75 / 21.8 Hz
  in the last 10 s of the 10 minutes.
- The weights, all 6 at the start: after 1 min 5.8 % / 58.1 % / 36.2 %
  (4.0 % at 0, 30.8 % at 10); after 10 min 29.5 % / 25.9 % / 44.6 %
  (21.7 %, 39.0 %): bimodal, piled at 0 and at the cap (panel a). Seeds 2
  and 3 after 10 min: 30.6 / 24.8 / 44.6 % and 28.7 / 26.1 / 45.2 %.
- At 10 min, the last 10 s: delta 51.6 %, gamma 26.5 % of the 1-100 Hz
  power (seeds 2 and 3: gamma 24.9 % and 30.0 %); a bump near 37 Hz.
- After one hour (seed 1): rates 4.02 / 31.9 Hz in the last 10 s, weights
  37.7 % / 14.0 % / 48.3 % (31.0 % at 0, 45.0 % at 10), delta 37.0 %,
  gamma 49.7 % (a peak near 58 Hz); the inhibitory rate of each second
  swings between ~17 and ~50 Hz over the last half hour. Seed 1's network is
  the odd one out: seeds 2 and 3 after one hour have 29.7 / 24.2 / 46.1 %
  and 29.6 / 21.7 / 48.8 % of the weights, gamma 25.0 % and 20.2 %, rates
  2.73 / 22.0 and 3.32 / 26.7 Hz, near their 10-minute values.

Outputs
-------
In ``--out DIR`` (default ``figures``; DIR is created, not its parents),
with TAG the duration asked for (``10min``, ``1h``, ``90s``):

- ``polychronization_2006_TAG.png``: (a) the excitatory weight distribution
  at 0, 1 min, 10 min, 1 h (those within the run) and the end (log scale:
  from all at 6 to piles at 0 and at the cap 10); (b) the rate of each
  second; (c, d) rasters of the first and the last second (excitatory in
  blue, inhibitory in red); (e) the spectrum of the population rate over
  the last 10 s, with its delta and gamma fractions.
- ``polychronization_2006_TAG.json``: what the figure states
  (:func:`izhic.figures.izhikevich2006.summary`: rates of each second,
  weight histograms, final weight fractions, spectral bands), the weight
  fractions at each histogram time (``weight_fractions_at``), the run's
  parameters and its wall times.

Printed: the rates (excitatory, inhibitory) of the first second and of the
last 10 s; the fractions of the excitatory weights below 0.5, between 0.5
and 9.5, above 9.5, exactly 0 and exactly 10 at each histogram time; the
fractions of the 1-100 Hz power of the population rate (last 10 s) in the
delta (1-4 Hz) and gamma (30-100 Hz) bands; the wall time and the model
seconds simulated per wall second; the paths.

Long runs, checkpoints, Ctrl-C
------------------------------
``--checkpoint FILE`` saves the run's state every ``--checkpoint-every``
model minutes (default 1), at each histogram time and at the end (FILE is
an ``.npz``; beside it, ``FILE.fractions.json`` keeps the weight fractions
already measured). ``--resume`` continues from FILE; the result equals that
of the uninterrupted run (only the wall times differ). A longer duration
than the checkpoint's extends a finished run.

Ctrl-C stops the run within a fraction of a second: the figure and the
JSON are still written, for the whole seconds computed (the JSON has
``"complete": false``), the script says how to resume (with
``--checkpoint``) and exits with status 130.

Run time
--------
On a 2-core AMD EPYC machine: 10 minutes of model time in 3.4 s of
simulation with ``--threads 1`` (175 model seconds per wall second), 5.0 s
with izhic's default (2 threads here); the script in all (imports, the
figure) 1.5 s more. One hour: 21-24 s of simulation with ``--threads 1``
(150-170 model s per wall s), 25 s in all. For a network this small,
``--threads 1`` is the safer choice on a busy machine: with one busy
process on the other core, 60 s of model time took 2.4 s with the default
(2 threads) against 0.30 s with one thread, and a 10-minute run with the
default on a loaded machine took 106 s.

Command line
------------
::

    python examples/polychronization_2006.py                 # 10 minutes, seed 1
    python examples/polychronization_2006.py --hours 1 --checkpoint spnet.npz
    python examples/polychronization_2006.py --hours 1 --checkpoint spnet.npz --resume
    python examples/polychronization_2006.py --minutes 2 --seed 3 --out /tmp/spnet --quiet
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import sys
import tempfile
import time
import warnings
from collections import namedtuple
from contextlib import ExitStack
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed

from izhic.figures._common import new_output_dir  # noqa: E402
from izhic.figures.izhikevich2006 import polychronization_2006_figure, summary  # noqa: E402
from izhic.network import SPNET, polychronization_2006  # noqa: E402
from izhic.plotting import save_png  # noqa: E402

#: Times (s) of the weight histograms (those within the run; the end is added).
WEIGHT_TIMES_S = (0, 60, 600, 3600)
#: Default model time: 10 minutes.
DEFAULT_MINUTES = 10.0
#: Exit status of an interrupted run (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130
#: The columns of the weight table: key of ``weight_fractions()``, heading.
FRACTIONS = (("below", "< 0.5"), ("between", "0.5-9.5"), ("above", "> 9.5"),
             ("zero", "= 0"), ("cap", "= 10"))

#: What :func:`main` made: the JSON's content, the figure, the files written,
#: the exit status (0, or 130 when interrupted).
Outcome = namedtuple("Outcome", ["summary", "figure", "paths", "status"])


def duration_tag(seconds):
    """The duration asked for, in file names: ``3s``, ``90s``, ``10min``, ``1h``."""
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}min"
    return f"{seconds}s"


def when(ms):
    """A model time for people: ``0 s``, ``70 s``, ``10 min``, ``1 h``."""
    s = ms / 1000.0
    if s > 0 and s % 3600 == 0:
        return f"{s / 3600:g} h"
    if s > 0 and s % 60 == 0:
        return f"{s / 60:g} min"
    return f"{s:g} s"


def output_dir(parser, out):
    """``out`` as a Path, created if missing; its parent must exist."""
    try:
        return new_output_dir(out)
    except ValueError as exc:
        parser.error(f"--out {exc}")


def whole_seconds(parser, option, seconds):
    """``seconds`` as an int: a whole, positive number of seconds."""
    if not (seconds >= 1 and abs(seconds - round(seconds)) < 1e-9):
        parser.error(f"{option}: the model time must be a whole number of seconds, at least "
                     f"1 s (got {seconds:g} s)")
    return int(round(seconds))


def weight_times(parser, text):
    """``--weight-times 0,1,2`` (s) -> sorted whole seconds."""
    try:
        values = sorted({float(x) for x in text.split(",") if x.strip()})
    except ValueError:
        parser.error(f"--weight-times: comma-separated seconds, got {text!r}")
    if any(v < 0 or v != round(v) for v in values):
        parser.error(f"--weight-times: whole seconds >= 0, got {text!r}")
    return [int(v) for v in values]


# -- the record of the weight fractions beside a checkpoint ------------------------------
#
# izhic's checkpoint keeps the weight histograms (bins 0.2 wide) but only the last weights;
# the fractions below 0.5, above 9.5, at 0 and at 10 of the earlier histogram times are kept
# here, in FILE.fractions.json, written (atomically) after each completed part of the run.

def record_path(checkpoint):
    return Path(os.fspath(checkpoint) + ".fractions.json")


def read_record(parser, checkpoint, seed):
    path = record_path(checkpoint)
    if not path.is_file():
        parser.error(f"--resume: {os.fspath(checkpoint)!r} has no {path.name!r} beside it (the "
                     "record of the weight fractions that this script writes); resume it with "
                     "izhic.network.polychronization_2006(..., resume=True) instead")
    record = json.loads(path.read_text())
    if record.get("seed") != seed:
        parser.error(f"--resume: the checkpoint {os.fspath(checkpoint)!r} is of seed "
                     f"{record.get('seed')}, not --seed {seed}")
    return record


def write_record(checkpoint, record):
    path = record_path(checkpoint)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(tmp, path)


def _key(ms):
    return f"{ms:.0f}"


def run(parser, args, seconds, times_s, checkpoint, record):
    """Run spnet in parts that end at the histogram times (each part continues the
    previous one from the checkpoint, so that the weights at those times are seen),
    from ``record`` (:func:`read_record`'s, when resuming; None: from t = 0).
    -> (the last result or None, interrupted, the record of the fractions)."""
    duration = seconds * 1000.0
    wt = [t * 1000.0 for t in times_s if t <= seconds]
    ends = sorted({t for t in wt if t > 0} | {duration})
    if args.checkpoint is not None:
        every = args.checkpoint_every * 60_000.0
    else:
        every = 2.0 * duration          # a temporary file: saved at the end of each part only
    resuming = record is not None
    if args.resume and not resuming:
        print(f"no checkpoint at {os.fspath(checkpoint)} yet: starting from t = 0")
    if not resuming:
        record = {"seed": args.seed, "completed_ms": 0.0, "weight_fractions": {}}
        write_record(checkpoint, record)
    parts = [t for t in ends if t > record["completed_ms"]] or [duration]
    net, interrupted = None, False
    try:
        for k, end in enumerate(parts):
            if not args.quiet and len(parts) > 1:      # one progress bar per part
                print(f"part {k + 1} of {len(parts)}: up to {when(end)} of model time",
                      file=sys.stderr)
            caught = []
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    part = polychronization_2006(
                        end, seed=args.seed, keep_spikes=False, n_threads=args.threads,
                        progress=not args.quiet, checkpoint=checkpoint, checkpoint_every=every,
                        resume=resuming or k > 0, weight_times=wt)
            except ValueError as exc:
                if not resuming:
                    raise
                # a checkpoint that does not fit this run (its seed, a later time)
                parser.error(f"--resume: {str(exc).removeprefix('resume: ')}")
            finally:
                for w in caught:                # the interruption is reported by main
                    if not (issubclass(w.category, RuntimeWarning)
                            and "interrupted" in str(w.message)):
                        warnings.warn(w.message, w.category, stacklevel=2)
            net = part
            if not part.complete:
                interrupted = True
                break
            record["weight_fractions"][_key(end)] = part.weight_fractions()
            record["completed_ms"] = end
            write_record(checkpoint, record)
    except KeyboardInterrupt:                   # between two parts: the last one stands
        interrupted = True
    return net, interrupted, record


def fractions_at(net, record):
    """[{"t_ms", "below", "between", "above", "zero", "cap"}] at each histogram time
    (None for a time whose fractions are not known)."""
    rows = []
    for t in net.weight_times:
        t = float(t)
        if t == net.duration:
            f = net.weight_fractions()
        elif t == 0.0:
            f = net.weight_fractions(net.synapses.weight)       # the initial weights
        else:
            f = record["weight_fractions"].get(_key(t))
        rows.append({"t_ms": t, **(f or dict.fromkeys(k for k, _ in FRACTIONS))})
    return rows


def _pct(x):
    return "    n/a" if x is None else f"{100 * x:6.2f}%"


def report(data, file=None):
    """Print the statistics of the JSON's content ``data`` (to ``file``, default stdout)."""
    file = sys.stdout if file is None else file
    p, tm = data["parameters"], data["timing"]
    done = data["duration_ms"]
    state = "" if data["complete"] else f" (interrupted: {when(done)} of {when(p['duration_ms'])})"
    seconds = len(data["spikes_per_second"])
    r1, r10 = data["rate_first_second_hz"], data["rate_last_10_s_hz"]
    lines = [f"spnet (Izhikevich 2006), seed {p['seed']}: {when(done)} of model time{state}"]
    if seconds:
        lines += [
            f"rates in the first second: excitatory {r1['excitatory']:.3f} Hz, "
            f"inhibitory {r1['inhibitory']:.3f} Hz",
            f"rates in the last {min(seconds, 10)} s: excitatory {r10['excitatory']:.3f} Hz, "
            f"inhibitory {r10['inhibitory']:.3f} Hz"]
    lines.append("excitatory weights at  " + "".join(f"{h:>8}" for _, h in FRACTIONS))
    for row in data["weight_fractions_at"]:
        lines.append(f"  t = {when(row['t_ms']):>10}      "
                     + "".join(f" {_pct(row[k])}" for k, _ in FRACTIONS))
    bands = data.get("spectrum_end")
    if bands:
        lines.append(
            f"spectrum of the population rate over the last {min(seconds, 10)} s: delta "
            f"(1-4 Hz) {100 * bands['delta_1_4']:.2f}%, gamma (30-100 Hz) "
            f"{100 * bands['gamma_30_100']:.2f}% of the 1-100 Hz power; peak at "
            f"{data['spectrum_peak_hz']:.2f} Hz")
    speed = tm["model_s_per_wall_s"]
    lines.append(f"wall time: {tm['simulation_wall_s']:.2f} s simulating "
                 f"({'n/a' if speed is None else f'{speed:.1f}'} model s per wall s"
                 f"{', over all the runs of the checkpoint' if p['resumed'] else ''}); "
                 f"{tm['wall_s']:.2f} s for this run of the script in all")
    print("\n".join(lines), file=file)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        description="Izhikevich's (2006) polychronization network (spnet), exactly: 1000 "
                    "neurons, STDP on 80,000 excitatory synapses with delays 1-20 ms.",
        epilog="Writes polychronization_2006_<TAG>.png and .json into DIR (TAG: the duration, "
               "e.g. 10min) and prints the rates, the weight fractions, the spectrum's bands, "
               "the wall time and the paths. Ctrl-C writes what was computed and exits 130.")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, metavar="M",
                        help=f"model time in minutes (default: {DEFAULT_MINUTES:g})")
    length.add_argument("--hours", type=float, metavar="H",
                        help="model time in hours, for long runs (e.g. --hours 1)")
    length.add_argument("--seconds", type=float, metavar="S", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the connections and of the thalamic input "
                             "(default: %(default)s)")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="threads of the kernel (default: izhic's choice; the result "
                             "does not depend on it)")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="output directory, created if missing but not its parents "
                             "(default: %(default)s)")
    parser.add_argument("--checkpoint", default=None, metavar="FILE",
                        help="save the run's state to FILE (.npz) every --checkpoint-every "
                             "model minutes, at the histogram times and at the end")
    parser.add_argument("--checkpoint-every", type=float, default=1.0, metavar="M",
                        help="model minutes between checkpoints (default: %(default)g)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from --checkpoint FILE (if it exists)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    # histogram times (s), for short test runs
    parser.add_argument("--weight-times", default=None, metavar="S,S,...",
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.hours is not None:
        seconds = whole_seconds(parser, "--hours", args.hours * 3600.0)
    elif args.seconds is not None:
        seconds = whole_seconds(parser, "--seconds", args.seconds)
    else:
        minutes = DEFAULT_MINUTES if args.minutes is None else args.minutes
        seconds = whole_seconds(parser, "--minutes", minutes * 60.0)
    if not args.checkpoint_every > 0:
        parser.error(f"--checkpoint-every: must be > 0 minutes, got {args.checkpoint_every:g}")
    if args.resume and args.checkpoint is None:
        parser.error("--resume: needs --checkpoint FILE (the file to resume from)")
    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads: at least 1, got {args.threads}")
    times_s = (list(WEIGHT_TIMES_S) if args.weight_times is None
               else weight_times(parser, args.weight_times))
    record = None
    if args.resume and Path(args.checkpoint).exists():
        record = read_record(parser, args.checkpoint, args.seed)
    resumed = record is not None
    out = output_dir(parser, args.out)
    start = time.perf_counter()

    with ExitStack() as stack:
        if args.checkpoint is None:     # the parts of the run still go through a file
            checkpoint = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "run.npz"
        else:
            checkpoint = Path(args.checkpoint)
        net, interrupted, record = run(parser, args, seconds, times_s, checkpoint, record)
    status = INTERRUPTED if interrupted else 0
    if net is None:
        print("interrupted before the first second was computed: nothing written")
        return Outcome(None, None, [], status)
    if interrupted and net.complete:    # stopped between two parts
        net = dataclasses.replace(net, complete=False)

    data = summary(net)
    data["weight_fractions_at"] = fractions_at(net, record)
    data["parameters"] = {
        "seed": args.seed, "duration_ms": seconds * 1000.0, "tag": duration_tag(seconds),
        "n_threads": args.threads, "checkpoint": args.checkpoint,
        "checkpoint_every_min": args.checkpoint_every if args.checkpoint else None,
        "resumed": resumed, "weight_times_s": [t for t in times_s if t <= seconds],
        "network": dict(SPNET), "method": "izhikevich2003", "dt_ms": 1.0}
    stem = out / f"polychronization_2006_{duration_tag(seconds)}"
    paths = [stem.with_suffix(".png"), stem.with_suffix(".json")]
    fig = polychronization_2006_figure(net)
    save_png(fig, paths[0], dpi=110)
    data["timing"] = {
        "simulation_wall_s": net.wall_s,
        "model_s_per_wall_s": net.duration / 1000.0 / net.wall_s if net.wall_s > 0 else None,
        "wall_s": time.perf_counter() - start}
    with open(paths[1], "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")

    report(data)
    if interrupted:
        print(f"interrupted at t = {when(net.duration)} of {when(seconds * 1000.0)}: the "
              "figure and the JSON hold the completed part")
        if args.checkpoint is not None:
            here = globals().get("__file__") or sys.argv[0]   # (the docs' gallery: no __file__)
            script = os.path.relpath(here)
            script = here if script.startswith("..") else script
            again = argv if "--resume" in argv else [*argv, "--resume"]
            print("resume with: " + shlex.join(["python", script, *again]))
        else:
            print("no --checkpoint was given: it cannot be resumed (give --checkpoint FILE "
                  "to save a run that can)")
    for path in paths:
        print(path)
    return Outcome(data, fig, paths, status)


if __name__ == "__main__":
    status = main().status
    if status:      # (no exit on success: the docs' gallery runs this inside Sphinx)
        sys.exit(status)
