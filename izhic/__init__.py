"""izhic: fast, accurate simulation of Izhikevich spiking neurons.

>>> import izhic
>>> res = izhic.simulate("RS", current=[0, 5, 10], duration=1000.0, dt=0.25,
...                      method="izhikevich2004")
>>> res.spike_times[2][:3]
array([ 3.75, 29.  , 75.  ])
"""
from . import inputs, reference
from .analysis import FICurve, fi_curve, rheobase
from .models import PRESETS_2003, PRESETS_2007, Izhikevich2003, Izhikevich2007, preset
from .result import SimulationResult, SpikeTrains
from .simulate import METHODS, simulate
from .sweeps import sweep   # dask, xarray and zarr are imported when a sweep runs

__version__ = "0.1.0"

__all__ = [
    "simulate", "METHODS", "Izhikevich2003", "Izhikevich2007", "PRESETS_2003",
    "PRESETS_2007", "preset",
    "SimulationResult", "SpikeTrains", "reference", "show_config",
    "fi_curve", "rheobase", "FICurve", "inputs", "sweep",
]


def show_config():
    """How the compiled core was built: OpenMP, native vector code, threads."""
    from . import _core

    return {
        "openmp": _core.OPENMP,
        "native": _core.NATIVE,
        "max_threads": _core.max_threads(),
        "version": __version__,
    }
