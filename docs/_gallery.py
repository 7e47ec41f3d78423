"""sphinx-gallery's hooks for izhic's examples (see conf.py).

The examples are command-line scripts that write their figures as PNG files
into ``--out DIR`` (they draw on matplotlib ``Figure`` objects, not pyplot).
The gallery runs each one for real, with the arguments below, into a folder
of its own, and shows the PNGs it wrote.
"""
import shutil
import tempfile
from pathlib import Path

from sphinx_gallery.scrapers import figure_rst

#: the arguments each example runs with in the gallery: the long runs shortened
#: (the README's figures come from the defaults)
ARGS = {
    "network_sparse.py": ["--n-neurons", "20000", "--duration", "500"],
    "polychronization_2006.py": ["--seconds", "60", "--quiet"],
    "sweep_fi_surface.py": ["--small"],
}

_OUT = Path(tempfile.mkdtemp(prefix="izhic-gallery-"))


def _out_dir(src_file):
    return _OUT / Path(src_file).stem


def argv(gallery_conf, script_vars):
    """sys.argv[1:] for an example: its ARGS and an --out folder of its own."""
    name = Path(script_vars["src_file"]).name
    return ARGS.get(name, []) + ["--out", str(_out_dir(name))]


def png_scraper(block, block_vars, gallery_conf):
    """The PNG files the example wrote so far, moved into the gallery's images."""
    out = _out_dir(block_vars["src_file"])
    written = sorted(out.glob("*.png")) if out.is_dir() else []
    images = []
    for png, path in zip(written, block_vars["image_path_iterator"]):
        shutil.move(str(png), path)
        images.append(path)
    return figure_rst(images, gallery_conf["src_dir"])
