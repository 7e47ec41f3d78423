"""Fixtures for the benchmarks: the C yardstick, built once per session.

``yardstick`` compiles ``benchmarks/yardstick.c`` twice into a temporary
directory and loads both builds with ctypes:

* ``native``: ``cc -O3 -march=native -shared -fPIC`` (the yardstick of
  shared/reference/performance.md);
* ``baseline``: the same without ``-march`` (what a portable x86-64 build
  gets).

Without a C compiler the benchmarks that need it are skipped with the reason.
At the end of a benchmark run a short summary prints every entry's median time
per neuron-step as a multiple of the C yardstick (native) of its group.
"""
from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
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
    """``record(group, name, stats, neuron_steps)`` for the summary."""
    return record


# --------------------------------------------------------------------------
# Summary: each entry as a multiple of its group's C yardstick (native)
# --------------------------------------------------------------------------

YARDSTICK_NAME = "C yardstick (native)"
_RESULTS = []  # (group, entry name, median s, min s, neuron-steps)


def record(group, name, stats, neuron_steps):
    """Called by the benchmarks after each measurement (``stats``: benchmark.stats.stats)."""
    _RESULTS.append((group, name, stats.median, stats.min, neuron_steps))


def pytest_terminal_summary(terminalreporter):
    """Each entry's median per neuron-step as a multiple of its group's reference.

    The reference is the C yardstick (native) where the group has it, else the
    group's first entry. Per neuron-step, so that an entry run on a subset of
    the neurons (solve_ivp) reads as the full-size ratio.
    """
    if not _RESULTS:
        return
    tr = terminalreporter
    tr.section("izhic benchmarks: time per neuron-step relative to the group's reference")
    groups = {}
    for group, *row in _RESULTS:
        groups.setdefault(group, []).append(row)
    for group, rows in groups.items():
        ref = next((r for r in rows if r[0] == YARDSTICK_NAME), rows[0])
        ref_cost = ref[1] / ref[3]
        tr.write_line(f"{group}   (x = per neuron-step, relative to {ref[0]})")
        tr.write_line(f"  {'entry':50s} {'median':>10s} {'min':>10s} {'M steps/s':>10s}"
                      f" {'x':>9s}")
        for name, median, fastest, work in rows:
            tr.write_line(f"  {name:50s} {_fmt(median):>10s} {_fmt(fastest):>10s} "
                          f"{work / median / 1e6:10.1f} {median / work / ref_cost:9.2f}")


def _fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"
