"""The phase-plane figure of the registry: an RS neuron at I = 10.

The drawing is :func:`izhic.plotting.phase_plane` (any preset or model form,
any current); ``examples/phase_plane.py`` draws it next to v(t), for a 2003
preset or a 2007 cell type.

Examples
--------
>>> import tempfile
>>> from izhic.figures.phase_plane import phase_plane_rs
>>> [path.name for path in phase_plane_rs(tempfile.mkdtemp())]
['phase_plane_RS_10.png']
"""
from __future__ import annotations

from ..plotting import new_figure, phase_plane, save_png
from ._common import output_dir

__all__ = ["phase_plane_rs"]


def phase_plane_rs(out_dir="figures"):
    """Phase plane of an RS neuron at I = 10: nullclines, fixed points, trajectory, resets.

    Writes ``phase_plane_RS_10.png`` into ``out_dir`` (created if missing)
    and returns ``[path]``. Any preset and current:
    :func:`izhic.plotting.phase_plane` or ``examples/phase_plane.py``.

    Parameters
    ----------
    out_dir : str or path-like, default "figures"
        Output directory, created if missing.

    Returns
    -------
    list of pathlib.Path
        ``[out_dir / "phase_plane_RS_10.png"]``.

    Examples
    --------
    The module's example runs it; here only where it writes:

    >>> import tempfile
    >>> from izhic.figures.phase_plane import phase_plane_rs
    >>> [p.name for p in phase_plane_rs(tempfile.mkdtemp())]   # doctest: +SKIP
    ['phase_plane_RS_10.png']
    """
    out = output_dir(out_dir)
    fig = new_figure(figsize=(7.5, 6.0))
    phase_plane("RS", 10.0, ax=fig.add_subplot(1, 1, 1))
    path = out / "phase_plane_RS_10.png"
    save_png(fig, path, dpi=120, bbox_inches="tight")
    return [path]
