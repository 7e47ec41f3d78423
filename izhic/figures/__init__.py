"""Figures that izhic reproduces, one module per source, and their registry.

============================================  ============================================
module                                        what it reproduces
============================================  ============================================
:mod:`izhic.figures.rs_study`                 the original RS study's two figures
:mod:`izhic.figures.izhikevich2003`           Izhikevich (2003) Fig. 2 (neuron types) and
                                              Fig. 3 (the 1000-neuron network)
:mod:`izhic.figures.izhikevich2004`           Izhikevich (2004) Fig. 1 (twenty features)
:mod:`izhic.figures.izhikevich2006`           Izhikevich (2006) polychronization (spnet):
                                              weights, rates, rasters, rhythm
:mod:`izhic.figures.izhikevich2007`           Izhikevich (2007) ch. 8 (the cell types)
:mod:`izhic.figures.phase_plane`              a phase plane (RS at I = 10)
:mod:`izhic.figures.figure1m`                 figure1.m's numerics and panels (2003 Fig. 2,
                                              2004 Fig. 1)
============================================  ============================================

The published stimuli and parameters are data in :mod:`izhic.protocols`;
general drawing helpers (:func:`~izhic.plotting.new_figure`,
:func:`~izhic.plotting.plot_trace`, :func:`~izhic.plotting.phase_plane`) are in
:mod:`izhic.plotting`.

The figure functions live in the package (not in ``examples/``) so that the
installed command line, ``izhic figure NAME``, can redraw them. Each takes an
output directory, writes its files there and returns their paths; they are
collected in :data:`FIGURES`. They draw on a :class:`matplotlib.figure.Figure`
of their own (:func:`new_figure`), without pyplot: they never open a window,
need no display and leave pyplot's state (and backend) alone.

Examples
--------
>>> from izhic.figures import FIGURES
>>> list(FIGURES)
['rs_sweep', 'features_2004', 'neuron_types_2003', 'cell_types_2007', 'network_2003', 'polychronization_2006', 'phase_plane']
>>> FIGURES["network_2003"].__doc__.splitlines()[0]
'Izhikevich (2003) Fig. 3: 1000 coupled neurons (net.m), raster and population rate.'
>>> paths = FIGURES["rs_sweep"]("figures")     # doctest: +SKIP
"""
from __future__ import annotations

from ..plotting import new_figure
from .izhikevich2003 import network_2003, neuron_types_2003
from .izhikevich2004 import features_2004
from .izhikevich2006 import polychronization_2006
from .izhikevich2007 import cell_types_2007
from .phase_plane import phase_plane_rs
from .rs_study import rs_sweep

__all__ = ["FIGURES", "new_figure", "rs_sweep", "features_2004", "neuron_types_2003",
           "cell_types_2007", "network_2003", "polychronization_2006", "phase_plane_rs"]

#: Reproducible figures by name: ``FIGURES[name](out_dir) -> list of paths``.
#: The first line of each function's docstring describes it (``izhic figure --list``).
FIGURES = {
    "rs_sweep": rs_sweep,
    "features_2004": features_2004,
    "neuron_types_2003": neuron_types_2003,
    "cell_types_2007": cell_types_2007,
    "network_2003": network_2003,
    "polychronization_2006": polychronization_2006,
    "phase_plane": phase_plane_rs,
}
