"""Make ``tests/data/exact_2003.npz``: exact hybrid spike trains of the 2003 presets.

For each of the seven presets of Izhikevich (2003) (RS, IB, CH, FS, LTS, TC,
RZ) and each constant current in CURRENTS, one neuron is run for 1000 ms from
v = -65 mV, u = b v by :func:`izhic.reference.simulate_solve_ivp` (DOP853 with
a terminal event at v_peak and a restart after every reset) twice:

* the reference, rtol = atol = 1e-12;
* a check, rtol = atol = 1e-13.

Their largest spike-time difference (``disagreement``, ms; ``inf`` when the
spike counts differ) measures how well the spike train is determined by the
model at all. A case is ``well_conditioned`` when it is below
``WELL_CONDITIONED_MS``. Where it is not (IB at I = 30 and 35 bursts
irregularly: chaotic), no integrator can be held to a spike-time tolerance and
the accuracy claims leave the case out.

Run from the repository root (about two minutes on two cores)::

    python tests/data/make_exact_2003.py            # writes tests/data/exact_2003.npz

Contents of the file (case ``k = i * len(currents) + j`` is preset ``presets[i]``
at ``currents[j]``):

=================== ==================== =====================================
key                 shape, dtype         meaning
=================== ==================== =====================================
presets             (7,) str             preset names
currents            (10,) float64        constant currents (model units)
times, offsets      (n,), (71,) f8/i8    reference spike times (ms, 1e-12);
                                         case k: times[offsets[k]:offsets[k+1]]
times_check,        as above             check spike times (1e-13)
offsets_check
disagreement        (70,) float64        max |t_ref - t_check| in ms (inf if
                                         the counts differ, 0 if no spikes)
well_conditioned    (70,) bool           disagreement < WELL_CONDITIONED_MS
meta                () str               JSON: tolerances, duration, v0,
                                         threshold, scipy/numpy versions, date
=================== ==================== =====================================
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import scipy

from izhic.reference import simulate_solve_ivp

PRESETS = ("RS", "IB", "CH", "FS", "LTS", "TC", "RZ")
CURRENTS = (3.0, 4.0, 5.0, 7.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0)
DURATION = 1000.0  # ms
V0 = -65.0  # mV; u0 = b v0
METHOD = "DOP853"
TOL_REFERENCE = 1e-12
TOL_CHECK = 1e-13
#: a case whose two references differ by less than this in every spike (ms)
WELL_CONDITIONED_MS = 1e-6

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "exact_2003.npz")


def exact_train(preset, current, tol):
    """Exact hybrid spike times (ms) of one neuron."""
    res = simulate_solve_ivp(preset, current=current, duration=DURATION, v0=V0,
                             method=METHOD, rtol=tol, atol=tol)
    return np.asarray(res.spike_times[0])


def _case(args):
    preset, current = args
    start = time.perf_counter()
    ref = exact_train(preset, current, TOL_REFERENCE)
    check = exact_train(preset, current, TOL_CHECK)
    return ref, check, time.perf_counter() - start


def disagreement(ref, check):
    """Largest spike-time difference (ms); inf when the counts differ."""
    if ref.size != check.size:
        return np.inf
    return float(np.max(np.abs(ref - check))) if ref.size else 0.0


def _flat(trains):
    offsets = np.zeros(len(trains) + 1, dtype=np.int64)
    np.cumsum([t.size for t in trains], out=offsets[1:])
    return np.concatenate(trains), offsets


def make(out=DEFAULT_OUT, workers=None):
    cases = [(p, c) for p in PRESETS for c in CURRENTS]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_case, cases))
    refs = [r[0] for r in results]
    checks = [r[1] for r in results]
    dis = np.array([disagreement(r, c) for r, c in zip(refs, checks)])
    times, offsets = _flat(refs)
    times_check, offsets_check = _flat(checks)
    meta = {
        "method": METHOD, "rtol_atol_reference": TOL_REFERENCE, "rtol_atol_check": TOL_CHECK,
        "duration_ms": DURATION, "v0_mV": V0, "u0": "b * v0",
        "well_conditioned_ms": WELL_CONDITIONED_MS,
        "scipy": scipy.__version__, "numpy": np.__version__,
        "date": datetime.date.today().isoformat(),
        "command": "python tests/data/make_exact_2003.py",
    }
    np.savez_compressed(
        out, presets=np.array(PRESETS), currents=np.array(CURRENTS),
        times=times, offsets=offsets, times_check=times_check, offsets_check=offsets_check,
        disagreement=dis, well_conditioned=dis < WELL_CONDITIONED_MS,
        meta=np.array(json.dumps(meta)))
    for (p, c), ref, d, (_, _, sec) in zip(cases, refs, dis, results):
        flag = "" if d < WELL_CONDITIONED_MS else "   ILL-CONDITIONED"
        print(f"{p:>3} I={c:4g}: {ref.size:4d} spikes, 1e-12 vs 1e-13 {d:9.2e} ms "
              f"({sec:5.1f} s){flag}")
    print(out, f"({os.path.getsize(out) / 1e3:.0f} kB)")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description="Exact hybrid spike trains of the 2003 "
                                     "presets (solve_ivp DOP853 with restart).")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output file (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes (default: one per core)")
    args = parser.parse_args(argv)
    make(args.out, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
