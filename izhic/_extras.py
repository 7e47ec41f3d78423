"""The optional dependencies, imported where a feature needs them.

``import izhic`` and :func:`izhic.simulate` need NumPy only. Each feature
that needs more imports it through :func:`require`, so that its absence is
an ImportError naming the extra that installs it (``pip install
"izhic[plot]"``), not a bare ``ModuleNotFoundError`` from deep inside.
"""
from __future__ import annotations

import importlib

#: extra -> what it installs (keep in sync with pyproject.toml)
EXTRAS = {
    "plot": ("matplotlib", "scipy"),
    "progress": ("tqdm",),
    "scipy": ("scipy",),
    "sweep": ("dask[distributed]", "xarray", "zarr"),
    "io": ("pandas", "neo"),
}


def require(module, extra, feature):
    """Import ``module`` for ``feature``, or raise ImportError naming ``extra``.

    Parameters
    ----------
    module : str
        The module to import, e.g. ``"matplotlib.pyplot"``.
    extra : str
        The extra of izhic that installs it (a key of :data:`EXTRAS`).
    feature : str
        What needs it, as the user called it (e.g. ``"simulate(progress=True)"``).

    Returns
    -------
    module
        The imported module.

    Examples
    --------
    >>> from izhic._extras import require
    >>> require("json", "plot", "an example").dumps([1])
    '[1]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise ImportError(
            f"{feature} needs {package}, which is not installed: "
            f'pip install "izhic[{extra}]" (the {extra} extra: '
            f"{', '.join(EXTRAS[extra])})") from exc
