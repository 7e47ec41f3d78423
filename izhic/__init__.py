"""izhic: fast, accurate simulation of Izhikevich spiking neurons.

>>> import izhic
>>> res = izhic.simulate("RS", current=[0, 5, 10], duration=1000.0, dt=0.25,
...                      method="izhikevich2004")
>>> res.spike_times[2][:3]
array([ 3.75, 29.  , 75.  ])
"""
from . import _cpu   # first: it loads the core built for this CPU as izhic._core
from . import connect, inputs, reference
from ._version import __version__
from .analysis import FICurve, fi_curve, fixed_points, nullclines, rheobase
from .models import (METHODS, PRESETS_2003, PRESETS_2007, AccuracyWarning, Izhikevich2003,
                     Izhikevich2007, preset)
from .result import SimulationResult, SpikeTrains, State, load
from .simulate import simulate
from .plasticity import STDP
from .synapses import Synapses
from .sweeps import sweep   # dask, xarray and zarr are imported when a sweep runs

__all__ = [
    "simulate", "METHODS", "Izhikevich2003", "Izhikevich2007", "PRESETS_2003",
    "PRESETS_2007", "preset", "State", "AccuracyWarning", "Synapses",
    "SimulationResult", "SpikeTrains", "reference", "show_config",
    "fi_curve", "rheobase", "FICurve", "nullclines", "fixed_points", "inputs", "sweep",
    "connect", "STDP", "load",
]


def show_config():
    """How the compiled core was built: OpenMP, native vector code, threads.

    Returns
    -------
    dict
        ``openmp`` (bool), ``native`` (bool: built with ``-march=native``),
        ``max_threads`` (int), ``version`` (str).

    Examples
    --------
    >>> import izhic
    >>> sorted(izhic.show_config())
    ['cpu', 'max_threads', 'native', 'openmp', 'version']
    """
    from . import _core

    return {
        "openmp": _core.OPENMP,
        "native": _core.NATIVE,
        "cpu": _cpu.LEVEL,
        "max_threads": _core.max_threads(),
        "version": __version__,
    }
