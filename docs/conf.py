"""Sphinx configuration of izhic's documentation.

Build it (warnings are errors) with::

    python -m pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""
import os
import sys

import izhic

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))   # _gallery.py

project = "izhic"
author = "The izhic developers"
copyright = "The izhic developers (BSD-3-Clause)"
release = izhic.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# the gallery: every script in examples/ run for real (docs/_gallery.py gives
# each its arguments and collects the PNGs it writes); -D plot_gallery=0 builds
# the pages without running them
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "gallery",
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"__init__\.py",
    "reset_argv": "_gallery.argv",
    "image_scrapers": ("_gallery.png_scraper",),
    "reset_modules": (),
    "abort_on_example_error": True,
    "download_all_examples": False,
    "min_reported_time": 1,
    "show_memory": False,
}

exclude_patterns = ["_build", "gallery/*.ipynb", "gallery/*.py"]
templates_path = []

# autodoc: the members a module exports (its __all__), in source order
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"          # the numpydoc sections say the types
# numpydoc: no automatic member tables (the pages list what they document)
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# a class's docstring and its __init__'s are one numpydoc block
autoclass_content = "class"


html_theme = "pydata_sphinx_theme"
html_title = f"izhic {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
# the guide's pages stand alone: no empty "Section Navigation" column beside them
html_sidebars = {"index": [], "guide/*": []}

# izhic.inputs' docstrings write absolute values as |edge| and |t_on|, which
# reStructuredText reads as substitutions: define each as its own text
rst_prolog = "\n".join(f".. |{name}| replace:: \\|{name}\\|" for name in ("edge", "t_on"))


# ``izhic`` re-exports names that are documented in their own modules
# (izhic.Synapses is izhic.synapses.Synapses) and the models page's presets are
# documented under izhic: a reference to one name of an object resolves to the
# name it is documented under
def _documented_names(target):
    import importlib

    parts = target.split(".")
    obj = None
    for i in range(len(parts) - 1, 0, -1):   # the longest prefix that imports
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return []
        break
    if obj is None:
        return []
    name = parts[-1]
    names = []
    if getattr(obj, "__module__", None) and getattr(obj, "__qualname__", None):
        names.append(f"{obj.__module__}.{obj.__qualname__}")
    if getattr(izhic, name, None) is obj:
        names.append(f"izhic.{name}")
    return [n for n in names if n != target]


def _resolve_alias(app, env, node, contnode):
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("izhic."):
        return None
    domain = env.get_domain("py")
    for name in _documented_names(target):
        node["reftarget"] = name
        ref = domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                                  name, node, contnode)
        if ref is not None:
            return ref
    node["reftarget"] = target
    return None


def setup(app):
    app.connect("missing-reference", _resolve_alias)
