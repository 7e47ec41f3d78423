"""The F-I surface of the 2007 regular-spiking cell over (k, a) x current
======================================================================

Izhikevich (2007) RS (C = 100 pF, vr = -60, vt = -40 mV, b = -2 nS, c = -50,
d = 100, v_peak = 35) with k from 0.2 to 1.6 nS/mV and a from 0.003 to 0.3
1/ms (log), for currents 0, 1, ..., 399 pA: 50 x 50 x 400 = 1e6 neurons, each
from rest (v = vr, u = 0) for 1000 ms, the book's forward Euler at dt = 0.1 ms,
in one ``izhic.sweep`` (10 chunks of 1e5 neurons). Writes
``sweep_fi_surface.png``:

* the steady rate (spikes in [200, 1000] ms) at 300 pA over (k, a);
* the rheobase over (k, a): the smallest grid current at which the cell fires
  at least once in the 1000 ms (so within 1 pA above the true threshold, and
  a little above it where the first spike would come later than 1 s);
* the rheobase minus the saddle-node current of the model,
  I* = (k (vt - vr) + b)^2 / (4 k), which does not depend on a: the sweep finds
  I* to within the grid's 1 pA where u recovers fast (a >= 0.03), and up to
  ~5 pA above it where u is slow (a ~ 0.003), the first spike near threshold
  then coming after the 1 s.

    python examples/sweep_fi_surface.py [--cluster [--workers N]] [--store PATH]
                                        [--out DIR] [--small]

``--cluster`` runs the chunks on a dask.distributed LocalCluster of N worker
processes (default 2, one thread each) instead of this process's threads; the
numbers are the same bit for bit. ``--store PATH`` writes the sweep to a Zarr
store as it goes (run it again to resume). ``--small`` is a 10 x 10 x 100 grid
(a quick check). Needs the sweep extra: ``pip install -e ".[sweep]"``.
"""
import argparse
import os
import time

import numpy as np

import izhic
from izhic.figures import new_figure

DURATION, DT, WINDOW = 1000.0, 0.1, (200.0, 1000.0)
SHOW_CURRENT = 300.0


def grid(small):
    n_ka, step = (10, 4.0) if small else (50, 1.0)
    return {"k": np.round(np.linspace(0.2, 1.6, n_ka), 6),
            "a": np.round(np.geomspace(0.003, 0.3, n_ka), 8),
            "current": np.arange(0.0, 400.0, step)}


def rheobase(latency, currents):
    """The smallest grid current with a first spike in the run (NaN: none fires)."""
    fires = np.isfinite(latency)
    first = np.argmax(fires, axis=-1)
    return np.where(fires.any(axis=-1), currents[first], np.nan)


def saddle_node(model, k):
    """Current of the saddle-node bifurcation of C v' = k (v - vr)(v - vt) - u + I,
    u' = a (b (v - vr) - u): I* = (k (vt - vr) + b)^2 / (4 k)."""
    return (k * (model.vt - model.vr) + model.b) ** 2 / (4.0 * k)


def draw(ds, model, path):
    k, a = ds["k"].values, ds["a"].values
    rate = ds["rate"].sel(current=SHOW_CURRENT, method="nearest")
    rheo = rheobase(ds["latency"].values, ds["current"].values)
    fig = new_figure(figsize=(17, 4.8), dpi=110, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.12)
    ax_rate, ax_rheo, ax_excess = fig.subplots(1, 3)
    extent = dict(shading="nearest")

    mesh = ax_rate.pcolormesh(k, a, rate.values.T, cmap="magma", **extent)
    fig.colorbar(mesh, ax=ax_rate, label="rate in [200, 1000] ms (Hz)")
    ax_rate.set_title(f"steady rate at I = {float(rate['current']):g} pA")

    mesh = ax_rheo.pcolormesh(k, a, rheo.T, cmap="viridis", **extent)
    fig.colorbar(mesh, ax=ax_rheo, label="rheobase (pA)")
    ax_rheo.set_title("rheobase: smallest grid current that fires in 1 s")
    excess = rheo - saddle_node(model, k)[:, None]
    mesh = ax_excess.pcolormesh(k, a, excess.T, cmap="cividis", vmin=0.0, **extent)
    fig.colorbar(mesh, ax=ax_excess, label="rheobase - I* (pA)")
    ax_excess.set_title("above the saddle-node current I* = (k Δv + b)² / 4k")

    for ax in (ax_rate, ax_rheo, ax_excess):
        ax.set_yscale("log")
        ax.set_xlabel("k (nS/mV)")
        ax.set_ylabel("a (1/ms)")
        ax.plot(model.k, model.a, marker="*", color="white", markeredgecolor="black",
                markersize=13, linestyle="none", label="RS (book)")
        ax.legend(loc="upper left", fontsize=8, framealpha=0.8)

    fig.suptitle(f"2007 RS cell: {ds['rate'].size:,} neurons, forward Euler dt = {DT} ms, "
                 f"{DURATION:g} ms each", fontsize=12)
    fig.savefig(path)


def main():
    parser = argparse.ArgumentParser(description='The F-I surface of the 2007 regular-spiking cell over (k, a) x current')
    parser.add_argument("--cluster", action="store_true",
                        help="run on a dask.distributed LocalCluster")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--store", help="a Zarr store to write (and resume)")
    parser.add_argument("--out", default="figures", help="output directory (default: figures)")
    parser.add_argument("--small", action="store_true", help="a 10 x 10 x 100 grid")
    args = parser.parse_args()

    model = izhic.PRESETS_2007["RS"]
    options = dict(duration=DURATION, dt=DT, method="euler", measures=("rate", "latency"),
                   window=WINDOW, store=args.store, progress=True)
    start = time.perf_counter()
    if args.cluster:
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True) as cluster:
            with Client(cluster) as client:
                ds = izhic.sweep(model, grid(args.small), client=client, **options)
                ds = ds.load()
    else:
        ds = izhic.sweep(model, grid(args.small), **options)
    elapsed = time.perf_counter() - start
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "sweep_fi_surface.png")
    draw(ds, model, path)
    where = f"a LocalCluster of {args.workers} workers" if args.cluster else "this process"
    print(f"{ds['rate'].size} neurons in {elapsed:.1f} s on {where}")
    print(path)


if __name__ == "__main__":
    main()
