"""Fixtures for the benchmarks: the C yardstick, timing, the summary.

``yardstick`` compiles ``benchmarks/yardstick.c`` twice into a temporary
directory and loads both builds with ctypes:

* ``native``: ``cc -O3 -march=native -shared -fPIC`` (the yardstick of
  workloads W1-W3, a plain C loop of the Euler step);
* ``baseline``: the same without ``-march`` (what a portable x86-64 build
  gets).

Without a C compiler the benchmarks that need it are skipped with the reason.

``measure`` times one entry (a warm-up call, then ``benchmark.pedantic``) and
records it for the summary; ``bench_group`` says how the summary shows a group
(its reference entry, the unit of work, lines under the table). At the end of a
benchmark run the summary prints every entry's median time per unit of work
(neuron-steps by default) as a multiple of its group's reference: the C
yardstick (native) where the group has it. With ``--benchmark-json`` the same
numbers are saved under ``izhic_summary``.
"""
from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "yardstick.c"

#: The two builds: name -> flags (besides -shared -fPIC).
BUILDS = {
    "native": ["-O3", "-march=native"],
    "baseline": ["-O3"],
}

_POINTER_D = ctypes.POINTER(ctypes.c_double)
_POINTER_LL = ctypes.POINTER(ctypes.c_longlong)


@dataclass(frozen=True)
class CBuild:
    """One compiled build of yardstick.c."""

    name: str
    flags: tuple
    lib: ctypes.CDLL

    def _call(self, fn, current, n_steps, dt):
        current = np.ascontiguousarray(current, dtype=np.float64)
        counts = np.empty(current.size, dtype=np.int64)
        fn(current.size, current.ctypes.data_as(_POINTER_D), int(n_steps), float(dt),
           counts.ctypes.data_as(_POINTER_LL))
        return counts

    def blocked(self, current, n_steps, dt):
        """Spike counts of neurons with currents ``current`` (blocks of 64)."""
        return self._call(self.lib.izh_yardstick, current, n_steps, dt)

    def single(self, current, n_steps, dt):
        """Same numbers, one neuron at a time."""
        return self._call(self.lib.izh_yardstick_single, current, n_steps, dt)


def _compiler():
    cc = shlex.split(os.environ.get("CC", "cc"))
    return cc if cc and shutil.which(cc[0]) else None


def _build(cc, name, flags, out_dir):
    target = out_dir / f"yardstick_{name}.so"
    cmd = [*cc, *flags, "-shared", "-fPIC", str(SOURCE), "-o", str(target)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        return None, f"`{' '.join(cmd)}` failed:\n{res.stderr.strip()}"
    lib = ctypes.CDLL(str(target))
    for fn in (lib.izh_yardstick, lib.izh_yardstick_single):
        fn.restype = ctypes.c_longlong
        fn.argtypes = [ctypes.c_int, _POINTER_D, ctypes.c_int, ctypes.c_double, _POINTER_LL]
    return CBuild(name, tuple(flags), lib), None


def pytest_collection_modifyitems(config, items):
    """Run (and so list in the summary) the matched-accuracy groups after the others."""
    items.sort(key=lambda item: item.path.name == "test_matched_accuracy.py")


@pytest.fixture(scope="session")
def yardstick_builds(tmp_path_factory):
    """``{name: CBuild or the reason it is missing (str)}`` for every name in BUILDS."""
    cc = _compiler()
    if cc is None:
        reason = (f"no C compiler ({os.environ.get('CC', 'cc')!r} not found on PATH): "
                  "C yardstick skipped")
        return dict.fromkeys(BUILDS, reason)
    out_dir = tmp_path_factory.mktemp("yardstick")
    builds = {}
    for name, flags in BUILDS.items():
        build, error = _build(cc, name, flags, out_dir)
        builds[name] = build if build is not None else f"C yardstick not built: {error}"
    return builds


@pytest.fixture(scope="session")
def yardstick(yardstick_builds):
    """A function ``build name -> CBuild`` that skips the test when it is missing."""
    def get(name):
        build = yardstick_builds[name]
        if isinstance(build, str):
            pytest.skip(build)
        return build
    return get


@pytest.fixture(scope="session")
def bench_record():
    """``record(group, name, stats, work)`` for the summary."""
    return record


@pytest.fixture(scope="session")
def bench_group():
    """``group_options(group, **options)``: how the summary shows a group (see :class:`Group`)."""
    return group_options


@pytest.fixture(scope="session")
def measure():
    """``measure(benchmark, group, name, fn, work, warm=None, min_rounds=3)``: time ``fn``
    (see :func:`timed`)."""
    return timed


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

TARGET_S = 1.0  # time spent timing one entry (about)
MIN_ROUNDS = 3
MAX_ROUNDS = 200


def timed(benchmark, group, name, fn, work, warm=None, min_rounds=MIN_ROUNDS):
    """Warm up, then time ``fn`` with ``benchmark.pedantic``; -> (warm-up result, median s).

    The warm-up is one untimed call whose result is returned (for the
    correctness checks) and whose duration sets the number of rounds: as many
    as fit in about ``TARGET_S`` seconds, between ``min_rounds`` (default
    ``MIN_ROUNDS``) and ``MAX_ROUNDS``. ``warm=(result, seconds)`` stands for a warm-up already
    made (the same call, just before): no extra call then. ``work`` (neuron-steps
    unless the group says otherwise) goes to the summary and to ``extra_info``.
    The median is None under ``--benchmark-disable`` (``fn`` runs once, untimed).
    """
    if warm is None:
        start = time.perf_counter()
        first = fn()
        elapsed = time.perf_counter() - start
    else:
        first, elapsed = warm
    rounds = int(min(MAX_ROUNDS, max(min_rounds, TARGET_S / max(elapsed, 1e-9))))
    benchmark.group = group
    benchmark.name = name
    benchmark.pedantic(fn, rounds=rounds, iterations=1, warmup_rounds=0)
    if benchmark.stats is None:  # --benchmark-disable: a plain run, nothing timed
        return first, None
    median = benchmark.stats.stats.median
    opts = group_options(group)
    benchmark.extra_info[opts.rate] = float(f"{work / median / opts.rate_scale:.4g}")
    record(group, name, benchmark.stats.stats, work)
    return first, median


# --------------------------------------------------------------------------
# Summary: each entry as a multiple of its group's reference
# --------------------------------------------------------------------------

YARDSTICK_NAME = "C yardstick (native)"
_RESULTS = []  # (group, entry name, median s, min s, work)


@dataclass
class Group:
    """How the summary shows one group.

    reference: the entry the x column divides by (default: the C yardstick
    (native) where the group has it, else its first entry); rate, rate_scale:
    header and scale of the throughput column (work / median / rate_scale);
    notes: lines printed under the table; footer: ``footer(rows)`` -> more
    lines, rows being ``(name, median, min, work)``, called at the end.
    """

    reference: str | None = None
    rate: str = "M neuron-steps/s"
    rate_scale: float = 1e6
    notes: list = field(default_factory=list)
    footer: object = None


_GROUPS = {}


def group_options(group, **options):
    """The :class:`Group` of ``group`` (created on first use), updated with ``options``."""
    opts = _GROUPS.setdefault(group, Group())
    for key, value in options.items():
        if not hasattr(opts, key):
            raise TypeError(f"group_options: unknown option {key!r}")
        setattr(opts, key, value)
    return opts


def record(group, name, stats, work):
    """Called by the benchmarks after each measurement (``stats``: benchmark.stats.stats)."""
    _RESULTS.append((group, name, stats.median, stats.min, work))


def _summary():
    """``{group: (options, reference row, rows)}``, rows as ``(name, median, min, work)``."""
    groups = {}
    for group, *row in _RESULTS:
        groups.setdefault(group, []).append(tuple(row))
    out = {}
    for group, rows in groups.items():
        opts = group_options(group)
        wanted = opts.reference or YARDSTICK_NAME
        ref = next((r for r in rows if r[0] == wanted), rows[0])
        out[group] = (opts, ref, rows)
    return out


def pytest_terminal_summary(terminalreporter):
    """Each entry's median per unit of work as a multiple of its group's reference.

    Per unit of work (neuron-steps unless the group says otherwise), so that an
    entry run on a subset of the neurons (solve_ivp) reads as the full-size ratio.
    """
    if not _RESULTS:
        return
    tr = terminalreporter
    tr.section("izhic benchmarks: time per unit of work relative to the group's reference")
    for group, (opts, ref, rows) in _summary().items():
        ref_cost = ref[1] / ref[3]
        tr.write_line(f"{group}   (x = per unit of work, relative to {ref[0]})")
        tr.write_line(f"  {'entry':52s} {'median':>10s} {'min':>10s} {opts.rate:>16s}"
                      f" {'x':>9s}")
        for name, median, fastest, work in rows:
            tr.write_line(f"  {name:52s} {_fmt(median):>10s} {_fmt(fastest):>10s} "
                          f"{work / median / opts.rate_scale:16.1f} "
                          f"{median / work / ref_cost:9.2f}")
        lines = list(opts.notes)
        if opts.footer is not None:
            lines += list(opts.footer(rows))
        for line in lines:
            tr.write_line(f"  {line}")


def pytest_benchmark_update_json(config, benchmarks, output_json):
    """``--benchmark-json``: the summary's x column and notes go in ``izhic_summary``."""
    summary = {}
    for group, (opts, ref, rows) in _summary().items():
        ref_cost = ref[1] / ref[3]
        lines = list(opts.notes) + (list(opts.footer(rows)) if opts.footer else [])
        summary[group] = {
            "reference": ref[0],
            "x": {name: median / work / ref_cost for name, median, _, work in rows},
            "notes": lines,
        }
    output_json["izhic_summary"] = summary


def _fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"
