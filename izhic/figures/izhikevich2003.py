"""Izhikevich (2003), "Simple model of spiking neurons": Fig. 2 and Fig. 3.

Izhikevich E.M. (2003) IEEE Trans. Neural Networks 14:1569-1572.

* Fig. 2, :func:`neuron_types_2003`: the model's cortical and thalamic neuron
  types (RS, IB, CH, FS, TC tonic and burst, RZ, LTS), as drawn by the public
  figure code (``figure1.m``; its numerics and conventions:
  :mod:`izhic.figures.figure1m`), with the protocols of
  :data:`izhic.protocols.NEURON_TYPES_2003`.
* Fig. 3, :func:`network_2003`: net.m's 1000 coupled neurons, raster and
  population rate (the network itself: :mod:`izhic.network`).

Examples
--------
>>> from izhic.figures.izhikevich2003 import network_2003_figure
>>> from izhic.network import network_2003 as run
>>> fig = network_2003_figure(run(100.0, seed=0))
>>> fig.axes[0].get_title().splitlines()[0]
'Izhikevich (2003), Fig. 3: the network of net.m, 1000 neurons'
"""
from __future__ import annotations

from ..network import network_2003 as run_network
from ..plotting import new_figure, save_png
from ..protocols import NEURON_TYPES_2003
from ._common import output_dir, rounded_times, write_json
from .figure1m import panel_figure, run_protocol

__all__ = ["neuron_types_2003", "network_2003", "network_2003_figure",
           "NEURON_TYPES_2003_OUTPUTS", "NETWORK_2003_OUTPUTS"]

NEURON_TYPES_2003_OUTPUTS = ("neuron_types_2003.png", "neuron_types_2003.json")
NETWORK_2003_OUTPUTS = ("network_2003.png", "network_2003.json")


# ---------------------------------------------------------------- Fig. 2 ----

def neuron_types_2003(out_dir="figures"):
    """Izhikevich (2003) Fig. 2: the eight neuron types with the figure code's numerics.

    RS, IB, CH, FS, TC (tonic and burst mode), RZ and LTS, each with the
    public figure code's protocol (:data:`izhic.protocols.NEURON_TYPES_2003`)
    and numerics (``method="izhikevich2004"``, tau = 0.25 ms).

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.

    Returns
    -------
    list of pathlib.Path
        - ``neuron_types_2003.png``: the eight traces in a 2 x 4 grid, input
          drawn under each;
        - ``neuron_types_2003.json``: ``{"RS": {"name": "regular spiking",
          "spike_times": [...]}, ...}`` (keys RS, IB, CH, FS, TC, TC_burst,
          RZ, LTS), spike times in the figure code's convention (the sample
          ``t_k`` whose update crossed 30 mV), ms.

    Examples
    --------
    Drawing takes about a second, so the call is not run here:

    >>> import tempfile
    >>> from izhic.figures.izhikevich2003 import NEURON_TYPES_2003_OUTPUTS, neuron_types_2003
    >>> NEURON_TYPES_2003_OUTPUTS
    ('neuron_types_2003.png', 'neuron_types_2003.json')
    >>> [p.name for p in neuron_types_2003(tempfile.mkdtemp())]   # doctest: +SKIP
    ['neuron_types_2003.png', 'neuron_types_2003.json']
    """
    out = output_dir(out_dir)
    runs = {key: run_protocol(p) for key, p in NEURON_TYPES_2003.items()}
    paths = [out / name for name in NEURON_TYPES_2003_OUTPUTS]

    fig = panel_figure(
        NEURON_TYPES_2003, runs, (2, 4), figsize=(13.0, 5.6),
        title="Izhikevich (2003), Fig. 2: firing patterns of the model's neuron types, "
              "figure-code numerics (Euler, tau = 0.25 ms, v then u from the new v)",
        note="v from -90 to 30 mV (spikes drawn at 30 mV); green: the input, drawn under the "
             "trace (shape only, not to scale)",
        note_y=0.015, top=0.86, bottom=0.09, hspace=0.45)
    save_png(fig, paths[0], dpi=110)
    write_json(paths[1], {key: {"name": NEURON_TYPES_2003[key].name,
                                "spike_times": rounded_times(run.spike_times)}
                          for key, run in runs.items()})
    return paths


# ---------------------------------------------------------------- Fig. 3 ----

def network_2003_figure(net):
    """The raster and the population rate of a :class:`izhic.network.Network2003`.

    Returns a :class:`matplotlib.figure.Figure` (not managed by pyplot): the
    raster (excitatory blue, inhibitory red) over the population rate in 1 ms
    bins. The title is two lines, so that it fits over the raster's axes.

    Parameters
    ----------
    net : Network2003
        What :func:`izhic.network.network_2003` returned.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the raster and the population rate.

    Examples
    --------
    >>> from izhic.network import network_2003
    >>> from izhic.figures.izhikevich2003 import network_2003_figure
    >>> fig = network_2003_figure(network_2003(100.0, n_excitatory=40, n_inhibitory=10))
    >>> len(fig.axes), [float(x) for x in fig.axes[1].get_xlim()]
    (2, [0.0, 100.0])
    """
    fig = new_figure(figsize=(9.0, 6.5))
    ax1, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    exc = net.neurons < net.n_excitatory
    ax1.plot(net.times[exc], net.neurons[exc], ".", ms=1.2, color="tab:blue")
    ax1.plot(net.times[~exc], net.neurons[~exc], ".", ms=1.2, color="tab:red")
    ax1.set_ylim(0, net.n_neurons)
    ax1.set_ylabel("neuron (blue: excitatory, red: inhibitory)")
    ax1.set_title(f"Izhikevich (2003), Fig. 3: the network of net.m, {net.n_neurons} neurons\n"
                  f"mean rate {net.mean_rate():.1f} Hz; izhic, method 'izhikevich2003', "
                  "dt = 1 ms", fontsize=11)
    centres, rate = net.population_rate(1.0)
    ax2.plot(centres, rate, color="0.2", lw=0.8)
    ax2.set_xlabel("time (ms)")
    ax2.set_ylabel("rate (Hz)")
    ax2.set_xlim(0, net.duration)
    fig.tight_layout()
    return fig


def network_2003(out_dir="figures"):
    """Izhikevich (2003) Fig. 3: 1000 coupled neurons (net.m), raster and population rate.

    Writes ``network_2003.png`` (raster of the 800 excitatory and 200
    inhibitory neurons over 1000 ms, and the population rate in 1 ms bins) and
    ``network_2003.json`` (``{"times": [...], "neurons": [...], "mean_rate_hz":
    ...}``); see :mod:`izhic.network` for the numerics.

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.

    Returns
    -------
    list of pathlib.Path
        ``[out_dir / "network_2003.png", out_dir / "network_2003.json"]``.

    Examples
    --------
    Drawing the 1000 neurons takes about a second, so the call is not run here:

    >>> import tempfile
    >>> from izhic.figures.izhikevich2003 import NETWORK_2003_OUTPUTS, network_2003
    >>> NETWORK_2003_OUTPUTS
    ('network_2003.png', 'network_2003.json')
    >>> [p.name for p in network_2003(tempfile.mkdtemp())]   # doctest: +SKIP
    ['network_2003.png', 'network_2003.json']
    """
    out = output_dir(out_dir)
    net = run_network(1000.0, seed=0)
    png, js = (out / name for name in NETWORK_2003_OUTPUTS)
    save_png(network_2003_figure(net), png, dpi=120)
    write_json(js, {"times": net.times.tolist(), "neurons": net.neurons.tolist(),
                    "mean_rate_hz": net.mean_rate(), "seed": net.seed,
                    "n_excitatory": net.n_excitatory, "n_inhibitory": net.n_inhibitory},
               indent=None)
    return [png, js]
