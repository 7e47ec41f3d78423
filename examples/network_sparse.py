"""A sparse network of 100,000 Izhikevich neurons, asynchronous with weights x sqrt(10)
====================================================================================

net.m's neurons (Izhikevich 2003) at 100 times net.m's size, each receiving
K = 100 synapses instead of net.m's 1000:

- 80 % excitatory: a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2;
  20 % inhibitory: a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2
  (r uniform in [0, 1] per neuron), an :class:`izhic.connect.Population` of
  two groups "E" and "I"; v0 = -65 mV, u0 = b v0.
- Each neuron draws its K = 100 presynaptic neurons uniformly from the whole
  population, with repeats (:func:`izhic.connect.fixed_indegree`); net.m's
  weights scaled by ``s``: excitatory ``0.5 s U``, inhibitory ``-s U`` (U
  uniform in [0, 1] per synapse); axonal delays uniform integers 1 .. 20 ms
  (``--max-delay``); current synapses: the summed weights that arrive in a
  step are added to that step's input.
- Thalamic input, as net.m: ``5 N(0, 1)`` (excitatory) and ``2 N(0, 1)``
  (inhibitory) per 1 ms step (``noise_kind="per_step"``).
- net.m's numerics: ``method="izhikevich2003"`` (two 0.5 ms half steps of v
  with the same u and input, then u from the new v), dt = 1 ms; 1000 ms.

Why the weights are scaled by sqrt(10), not by 10
-------------------------------------------------
With K inputs of weight J from neurons firing irregularly, the recurrent
input has a mean proportional to K J and a variance proportional to K J^2.
Going from net.m's 1000 inputs to 100, ``s = 10`` keeps the mean but makes
the variance 10 times larger; ``s = sqrt(10)`` keeps the variance (the
scaling J ~ 1/sqrt(K) of balanced networks) and lowers the mean by sqrt(10).
The larger fluctuations of ``s = 10`` synchronize the network: it is not
net.m's regime. Measured with this script (N = 1e5, 1000 ms, seed 1,
statistics over 200-1000 ms):

==================================  =======  ============  ===================
weights, delays                     rate     pop. Fano     most neurons in 1 ms
==================================  =======  ============  ===================
x sqrt(10), 1-20 ms (the default)   5.35 Hz  1.05          0.60 %
x 10, 1-20 ms                       9.49 Hz  327           2.1 %
x 10, 1 ms (``--max-delay 1``)      20.4 Hz  1.0e4         20 %
x sqrt(10), 1 ms                    5.35 Hz  1.15          0.61 %
x 1, 1 ms                           4.69 Hz  1.0           0.56 %
==================================  =======  ============  ===================

With net.m's delay of 1 ms, ``s = 10`` gives massive population bursts
every ~160 ms (the first one puts 32 % of the neurons in one ms); delays of
1 .. 20 ms smear them into population waves at ~7 Hz, still far from
asynchronous. ``s = sqrt(10)`` and ``s = 1`` stay asynchronous, with either
delay. ``--weight-scale x10`` and ``x1`` (and ``--max-delay 1``) show them.

Outputs (in the current directory, or ``--out DIR``; DIR is created, not its
parents): ``network_sparse_<SCALE>.png`` with (a) a raster of 1000 neurons
(800 excitatory in blue, 200 inhibitory in red), (b) the population rate in
1 ms bins and smoothed (Gaussian, sigma 5 ms), (c) its power spectrum
(Welch, 256 ms segments) with the level of independent Poisson neurons at
the same rate (2 rate / N); ``network_sparse_<SCALE>.json``: the parameters,
the timings and the statistics; ``network_sparse_<SCALE>.npz``: the curves
(population rate, spectrum) and the raster's spikes.

Statistics (printed; over (--discard, duration], 200 ms by default, so that
the start from rest, a damped wave of ~150 ms, is left out):

- mean rates (all, excitatory, inhibitory);
- the CV of each neuron's inter-spike intervals, mean and median over the
  neurons with at least 2 intervals (1 for a Poisson train). The neurons
  here fire rather regularly (after each spike u jumps by d and recovers
  over ~1/a = 50 ms): 0.42 over 800 ms, 0.48 over 5 s (fewer intervals per
  neuron bias the estimate low);
- the population Fano factor: variance over mean of the network's spike
  count in 1 ms bins, about 1 for independent neurons at any N, much larger
  when the neurons fire together; the CV of the population rate (1 ms bins;
  it also shrinks as 1 / sqrt(N) for independent neurons); the largest
  fraction of the neurons firing in one ms;
- the spectral peak in 1-100 Hz: its frequency and its power over the
  Poisson level (a flat spectrum gives a few, the largest of noisy
  estimates).

The run time is printed: building the network, and simulating it.

Command line
------------
::

    python examples/network_sparse.py                     # N = 1e5, 1000 ms, x sqrt(10)
    python examples/network_sparse.py --weight-scale x10  # population waves
    python examples/network_sparse.py --weight-scale x10 --max-delay 1   # bursts
    python examples/network_sparse.py --n-neurons 10000 --duration 2000 --out /tmp/net
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import namedtuple
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed

import numpy as np  # noqa: E402
from scipy import ndimage, signal  # noqa: E402

import izhic  # noqa: E402
from izhic import connect  # noqa: E402
from izhic.plotting import new_figure, save_png  # noqa: E402
from izhic.figures._common import new_output_dir  # noqa: E402

#: Synapses per neuron (net.m: 1000, all to all).
INDEGREE = 100
#: Scale of net.m's weights, by name (see the module docstring).
WEIGHT_SCALES = {"sqrt10": math.sqrt(10.0), "x10": 10.0, "x1": 1.0}
SCALE_LABELS = {"sqrt10": "x sqrt(10)", "x10": "x 10", "x1": "x 1"}
#: Thalamic input per step (sigma of the Gaussian): excitatory, inhibitory.
THALAMIC = (5.0, 2.0)
EXCITATORY_FRACTION = 0.8
DT = 1.0                     # ms, net.m's
METHOD = "izhikevich2003"    # net.m's update
RASTER_NEURONS = 1000        # shown in the raster (80 % excitatory)
SMOOTH_MS = 5.0              # sigma of the Gaussian that smooths the population rate
WELCH_SEGMENT = 256          # samples (ms) per Welch segment: 3.9 Hz resolution
PEAK_BAND = (1.0, 100.0)     # Hz: where the spectral peak is looked for


def excitatory(n, rng):
    """net.m's excitatory neurons: regular spiking to chattering with r."""
    r = rng.random(n)
    return izhic.Izhikevich2003(a=0.02, b=0.2, c=-65.0 + 15.0 * r ** 2, d=8.0 - 6.0 * r ** 2)


def inhibitory(n, rng):
    """net.m's inhibitory neurons: fast spiking to low-threshold spiking with r."""
    r = rng.random(n)
    return izhic.Izhikevich2003(a=0.02 + 0.08 * r, b=0.25 - 0.05 * r, c=-65.0, d=2.0)


def build(n_neurons, scale, max_delay, seeds):
    """The population and its synapses: (Population, Synapses)."""
    n_exc = int(round(EXCITATORY_FRACTION * n_neurons))
    pop = connect.Population({"E": (n_exc, excitatory), "I": (n_neurons - n_exc, inhibitory)},
                             seed=seeds[0])

    def weight(pre, post, rng):
        return np.where(pre < n_exc, 0.5, -1.0) * scale * rng.random(pre.size)

    def delay(pre, post, rng):
        return rng.integers(1, max_delay + 1, pre.size).astype(np.float64)

    syn = connect.fixed_indegree(pop.n, pop.n, INDEGREE, weight=weight, delay=delay,
                                 seed=seeds[1])
    return pop, syn


def population_counts(times, n_steps):
    """Spikes per 1 ms step: a spike at t = k + 1 was found at the end of step k."""
    steps = np.rint(np.asarray(times) / DT).astype(np.int64) - 1
    return np.bincount(steps, minlength=n_steps)[:n_steps]


def isi_cv(trains, t0, t1):
    """CV of the inter-spike intervals (sample standard deviation over mean) of
    each neuron with at least two intervals among its spikes in (t0, t1] (NaN
    for the others)."""
    neuron = np.repeat(np.arange(len(trains)), np.diff(trains.offsets))
    inside = (trains.times > t0) & (trains.times <= t1)
    t, k = trains.times[inside], neuron[inside]
    same = k[1:] == k[:-1]
    isi, owner = np.diff(t)[same], k[1:][same]
    n_isi = np.bincount(owner, minlength=len(trains))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, weights=isi, minlength=len(trains)) / n_isi
        dev = isi - mean[owner]
        var = np.bincount(owner, weights=dev * dev, minlength=len(trains)) / (n_isi - 1)
        return np.where(n_isi >= 2, np.sqrt(var) / mean, np.nan)


def spectrum(rate):
    """Welch power spectral density of a rate in 1 ms bins: (Hz, Hz^2/Hz), from
    half-overlapping Hann segments of WELCH_SEGMENT ms (3.9 Hz apart)."""
    n = rate.size
    return signal.welch(rate, fs=1000.0 / DT, nperseg=min(WELCH_SEGMENT, n),
                        detrend="constant", scaling="density")


def statistics(res, pop, n_steps, discard):
    """The regime's numbers over the steps after ``discard`` ms, and the curves."""
    n = pop.n
    counts = population_counts(res.spike_times.times, n_steps)
    first = int(round(discard / DT))
    window = counts[first:]
    seconds = window.size * DT / 1000.0
    rate = counts / n / (DT / 1000.0)                      # Hz, per 1 ms bin
    freqs, psd = spectrum(rate[first:])
    mean_rate = window.sum() / n / seconds
    poisson_level = 2.0 * mean_rate / n                    # white PSD of independent neurons
    band = (freqs >= PEAK_BAND[0]) & (freqs <= PEAK_BAND[1])
    peak = int(np.flatnonzero(band)[np.argmax(psd[band])])
    cv = isi_cv(res.spike_times, first * DT, n_steps * DT)
    spikes = res.spike_counts(first * DT + 0.5 * DT, n_steps * DT)
    groups = {name: float(spikes[pop[name].start:pop[name].stop].sum()
                          / len(pop[name]) / seconds) for name in pop}
    stats = {
        "window_ms": [first * DT, n_steps * DT],
        "n_spikes": int(window.sum()),
        "mean_rate_hz": float(mean_rate),
        "rate_excitatory_hz": groups["E"],
        "rate_inhibitory_hz": groups["I"],
        "cv_isi_mean": float(np.nanmean(cv)) if np.isfinite(cv).any() else None,
        "cv_isi_median": float(np.nanmedian(cv)) if np.isfinite(cv).any() else None,
        "cv_isi_neurons": int(np.isfinite(cv).sum()),
        "population_fano": float(window.var() / window.mean()) if window.sum() else None,
        "population_rate_cv": float(window.std() / window.mean()) if window.sum() else None,
        "max_fraction_per_ms": float(window.max() / n),
        "spectral_peak_hz": float(freqs[peak]),
        "spectral_peak_over_poisson": float(psd[peak] / poisson_level) if mean_rate else None,
    }
    curves = {"t_ms": (np.arange(n_steps) + 0.5) * DT, "rate_hz": rate,
              "freq_hz": freqs, "psd_hz2_per_hz": psd, "poisson_level": poisson_level}
    return stats, curves


def raster_subset(res, pop):
    """Spikes of the first 80 % of RASTER_NEURONS excitatory and the first 20 %
    inhibitory neurons (a random sample: the wiring is random): (times, rows, n_exc shown)."""
    n_show = min(RASTER_NEURONS, pop.n)
    n_exc = min(int(round(EXCITATORY_FRACTION * n_show)), len(pop["E"]))
    chosen = np.concatenate([np.asarray(pop["E"][:n_exc]),
                             np.asarray(pop["I"][:n_show - n_exc])])
    trains = res.spike_times
    times = [trains[i] for i in chosen]
    rows = [np.full(t.size, row) for row, t in enumerate(times)]
    return np.concatenate(times), np.concatenate(rows), n_exc, chosen


def draw(summary, curves, raster):
    """The three-panel figure: raster, population rate, spectrum."""
    p, s = summary["parameters"], summary["statistics"]
    times, rows, n_exc, chosen = raster
    duration, discard = p["duration_ms"], p["discard_ms"]
    fig = new_figure(figsize=(10.0, 10.0), layout="constrained")
    ax_raster, ax_rate, ax_psd = fig.subplots(
        3, 1, gridspec_kw={"height_ratios": [2.4, 1.0, 1.1]})
    exc = rows < n_exc
    for mask, colour, label in ((exc, "tab:blue", "excitatory"),
                                (~exc, "tab:red", "inhibitory")):
        ax_raster.plot(times[mask], rows[mask], ".", ms=2.0, mew=0, color=colour)
        ax_raster.plot([], [], "s", color=colour, ms=5, label=label)
    ax_raster.axhline(n_exc - 0.5, color="0.5", lw=0.6)
    ax_raster.set_xlim(0, duration)
    ax_raster.set_ylim(-0.5, chosen.size - 0.5)
    ax_raster.set_ylabel(f"neuron ({n_exc} E, {chosen.size - n_exc} I of {p['n_neurons']:,})")
    ax_raster.set_xlabel("time (ms)")
    ax_raster.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=9,
                     frameon=False, borderaxespad=0.1, handletextpad=0.2)
    ax_raster.set_title("(a) spikes of a sample of neurons", loc="left", fontsize=10)

    t, rate = curves["t_ms"], curves["rate_hz"]
    ax_rate.plot(t, rate, color="0.65", lw=0.6, label="1 ms bins")
    ax_rate.plot(t, ndimage.gaussian_filter1d(rate, SMOOTH_MS / DT), color="black", lw=1.2,
                 label=f"smoothed (Gaussian, sigma {SMOOTH_MS:g} ms)")
    ax_rate.axhline(s["mean_rate_hz"], color="tab:green", lw=0.8, ls="--",
                    label=f"mean {s['mean_rate_hz']:.2f} Hz")
    if discard > 0:
        ax_rate.axvspan(0, discard, color="0.9", zorder=0, label="start (left out of the stats)")
    ax_rate.set_xlim(0, duration)
    ax_rate.set_ylim(0, 1.5 * rate.max() if rate.max() > 0 else 1.0)   # room for the legend
    ax_rate.set_xlabel("time (ms)")
    ax_rate.set_ylabel("population rate (Hz)")
    ax_rate.legend(loc="upper right", fontsize=8, framealpha=0.9, ncol=2)
    ax_rate.set_title(f"(b) population rate: CV {_fmt(s['population_rate_cv'])} (1 ms bins), "
                      f"Fano factor {_fmt_big(s['population_fano'])}, at most "
                      f"{100 * s['max_fraction_per_ms']:.2f} % of the neurons in one ms",
                      loc="left", fontsize=10)

    draw_spectrum(ax_psd, s, curves, discard)

    fig.suptitle(f"Sparse network of Izhikevich neurons: N = {p['n_neurons']:,}, K = "
                 f"{INDEGREE}, net.m's weights {SCALE_LABELS[p['weight_scale']]}, delays "
                 f"{_delays(p['max_delay_ms'])}\nmean rate {s['mean_rate_hz']:.2f} Hz, CV of ISIs "
                 f"{_fmt(s['cv_isi_mean'])}, population Fano factor "
                 f"{_fmt_big(s['population_fano'])} ({p['duration_ms']:g} ms, "
                 f"'{METHOD}', dt = {DT:g} ms)", fontsize=12)
    return fig


def draw_spectrum(ax, s, curves, discard):
    """Panel (c): the Welch spectrum on log axes, the Poisson level, the peak."""
    f, psd = curves["freq_hz"], curves["psd_hz2_per_hz"]
    when = f"after {discard:g} ms" if discard else "of the whole run"
    segment = min(WELCH_SEGMENT, curves["t_ms"].size - int(round(discard / DT)))
    ax.set_title(f"(c) spectrum of the population rate {when} (Welch, {segment} ms segments)",
                 loc="left", fontsize=10)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("power (Hz² / Hz)")
    inner = (f > 0) & (psd > 0)
    level = curves["poisson_level"]
    if s["n_spikes"] == 0 or not inner.any():
        ax.text(0.5, 0.5, "no spikes after the start", ha="center", va="center",
                transform=ax.transAxes)
        return
    ax.loglog(f[inner], psd[inner], color="black", lw=1.0, label="Welch estimate")
    ax.axhline(level, color="tab:green", lw=0.8, ls="--",
               label="independent Poisson neurons (2 rate / N)")
    ax.plot(s["spectral_peak_hz"], s["spectral_peak_over_poisson"] * level, "v",
            color="tab:orange", ms=7,
            label=f"peak in {PEAK_BAND[0]:g}-{PEAK_BAND[1]:g} Hz: {s['spectral_peak_hz']:.1f} Hz,"
                  f" {_fmt_big(s['spectral_peak_over_poisson'])} x Poisson")
    ax.set_xlim(f[inner][0], f[-1])
    # at least a decade either side of the Poisson level, so that noise looks its size
    ax.set_ylim(min(level / 10, psd[inner].min() / 2), max(level * 10, psd.max() * 2))
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)


def _fmt(value, spec=".2f"):
    return "n/a" if value is None else format(value, spec)


def _fmt_big(value):
    """Three significant digits, whole numbers above 1000 (1.05, 327, 11,366)."""
    if value is None:
        return "n/a"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _threads(n_threads):
    return "izhic's default threads" if n_threads is None else f"{n_threads} thread(s)"


def _delays(max_delay):
    return "1 ms" if max_delay == 1 else f"1-{max_delay} ms"


def report(summary, file=None):
    """Print the timings and the regime's statistics (to ``file``, default stdout)."""
    file = sys.stdout if file is None else file
    p, s, tm = summary["parameters"], summary["statistics"], summary["timings_s"]
    asynchronous = s["population_fano"] is not None and s["population_fano"] < 3.0
    lines = [
        f"built {p['n_neurons']:,} neurons and {p['n_synapses']:,} synapses in "
        f"{tm['build']:.2f} s; simulated {p['duration_ms']:g} ms in {tm['simulate']:.2f} s "
        f"({_threads(p['n_threads'])})",
        f"weights x {p['scale']:.4g} ({p['weight_scale']}), delays "
        f"{_delays(p['max_delay_ms'])}; statistics over "
        f"{s['window_ms'][0]:g}-{s['window_ms'][1]:g} ms:",
        f"  mean rate {s['mean_rate_hz']:.2f} Hz (E {s['rate_excitatory_hz']:.2f}, "
        f"I {s['rate_inhibitory_hz']:.2f})",
        f"  CV of ISIs: mean {_fmt(s['cv_isi_mean'])}, median {_fmt(s['cv_isi_median'])} "
        f"({s['cv_isi_neurons']:,} neurons with >= 2 intervals)",
        f"  population Fano factor (1 ms bins) {_fmt_big(s['population_fano'])}; CV of the "
        f"population rate {_fmt(s['population_rate_cv'])}; at most "
        f"{100 * s['max_fraction_per_ms']:.2f} % of the neurons in one ms",
        f"  spectral peak in {PEAK_BAND[0]:g}-{PEAK_BAND[1]:g} Hz: "
        f"{s['spectral_peak_hz']:.1f} Hz, {_fmt_big(s['spectral_peak_over_poisson'])} x the "
        "Poisson level",
        f"  regime: {'asynchronous' if asynchronous else 'synchronous (population events)'}",
    ]
    print("\n".join(lines), file=file)


#: What :func:`main` made: the summary (as in the JSON), the figure, the files written.
Outcome = namedtuple("Outcome", ["summary", "figure", "paths"])


def output_dir(parser, out):
    """``out`` as a Path, created if missing; its parent must exist."""
    try:
        return new_output_dir(out)
    except ValueError as exc:
        parser.error(f"--out {exc}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Simulate a sparse network of Izhikevich neurons (net.m's neurons, K = "
                    f"{INDEGREE} synapses each, delays 1-20 ms) and show its regime.",
        epilog="Writes network_sparse_<SCALE>.png, .json and .npz into DIR and prints the "
               "statistics and their paths.")
    parser.add_argument("--n-neurons", type=int, default=100_000, metavar="N",
                        help="neurons, 80 %% excitatory (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=1000.0, metavar="MS",
                        help="simulated time in whole ms (default: %(default)g)")
    parser.add_argument("--weight-scale", choices=list(WEIGHT_SCALES), default="sqrt10",
                        help="scale of net.m's weights: sqrt10 (asynchronous), x10 "
                             "(synchronous), x1 (default: %(default)s)")
    parser.add_argument("--max-delay", type=int, default=20, metavar="MS",
                        help="delays are uniform integers 1 .. MS ms (default: %(default)s)")
    parser.add_argument("--discard", type=float, default=200.0, metavar="MS",
                        help="start left out of the statistics (default: %(default)g)")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the neurons, the synapses and the noise "
                             "(default: %(default)s)")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="OpenMP threads (default: izhic's choice, all cores for large runs)")
    parser.add_argument("--out", default=".", metavar="DIR",
                        help="output directory, created if missing but not its parents "
                             "(default: the current directory)")
    args = parser.parse_args(argv)
    if args.n_neurons < 10:
        parser.error(f"--n-neurons: at least 10, got {args.n_neurons}")
    n_steps = int(round(args.duration / DT))
    if abs(n_steps * DT - args.duration) > 1e-9 or not 0 <= args.discard < args.duration:
        parser.error(f"--duration: a whole number of ms above --discard ({args.discard:g}), "
                     f"got {args.duration:g}")
    if abs(round(args.discard / DT) * DT - args.discard) > 1e-9:
        parser.error(f"--discard: a whole number of ms, got {args.discard:g}")
    if not (n_steps - args.discard / DT) >= 16:
        parser.error("--duration: at least 16 ms after --discard are needed for a spectrum")
    if args.max_delay < 1:
        parser.error(f"--max-delay: at least 1 ms, got {args.max_delay}")
    out = output_dir(parser, args.out)

    # three independent seeds (neurons, synapses, noise) from --seed
    seeds = [int(x) for x in np.random.SeedSequence(args.seed).generate_state(3)]
    scale = WEIGHT_SCALES[args.weight_scale]
    start = time.perf_counter()
    pop, syn = build(args.n_neurons, scale, args.max_delay, seeds)
    built = time.perf_counter()
    noise = np.where(np.arange(pop.n) < len(pop["E"]), *THALAMIC)
    res = izhic.simulate(pop.model, 0.0, n_steps * DT, DT, METHOD, synapses=syn, noise=noise,
                         noise_kind="per_step", seed=seeds[2], n_threads=args.threads)
    simulated = time.perf_counter()

    stats, curves = statistics(res, pop, n_steps, args.discard)
    summary = {
        "parameters": {
            "n_neurons": pop.n, "n_excitatory": len(pop["E"]), "n_inhibitory": len(pop["I"]),
            "indegree": INDEGREE, "n_synapses": syn.n_synapses,
            "weight_scale": args.weight_scale, "scale": scale, "max_delay_ms": args.max_delay,
            "thalamic_noise": list(THALAMIC), "method": METHOD, "dt_ms": DT,
            "duration_ms": n_steps * DT, "discard_ms": args.discard, "seed": args.seed,
            "n_threads": args.threads,
        },
        "timings_s": {"build": built - start, "simulate": simulated - built},
        "statistics": stats,
    }
    raster = raster_subset(res, pop)
    fig = draw(summary, curves, raster)
    stem = out / f"network_sparse_{args.weight_scale}"
    paths = [stem.with_suffix(".png"), stem.with_suffix(".json"), stem.with_suffix(".npz")]
    save_png(fig, paths[0], dpi=110)
    with open(paths[1], "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    np.savez_compressed(paths[2], raster_times_ms=raster[0], raster_rows=raster[1],
                        raster_neurons=raster[3], **curves)
    report(summary)
    for path in paths:
        print(path)
    return Outcome(summary, fig, paths)


if __name__ == "__main__":
    main()
