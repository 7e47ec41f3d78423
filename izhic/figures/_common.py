"""Small helpers shared by the figure modules: the output directory, JSON
files, spike times rounded for JSON, a spike count as text.

Examples
--------
>>> from izhic.figures._common import rounded_times, spikes_text
>>> spikes_text(1), spikes_text(5)
('1 spike', '5 spikes')
>>> rounded_times([0.30000000000000004, 1.0])
[0.3, 1.0]
"""
from __future__ import annotations

import json
import os
from pathlib import Path

#: Spike times in the JSON files are rounded to 1e-6 ms.
JSON_DECIMALS = 6


def output_dir(out_dir):
    """``out_dir`` as a :class:`pathlib.Path`, created (with its parents) if missing."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return out


def new_output_dir(out_dir):
    """``out_dir`` as a :class:`pathlib.Path`, created if missing; its parent
    must exist (a typo must not leave directories behind): ValueError
    naming both otherwise."""
    out = Path(out_dir)
    parent = out.resolve().parent
    if not parent.is_dir():
        raise ValueError(f"{os.fspath(out)!r}: the directory {os.fspath(parent)!r} does not "
                         "exist (DIR is created, not its parents)")
    out.mkdir(exist_ok=True)
    return out


def write_json(path, data, indent=1):
    """Write ``data`` as JSON (``indent=None``: one line), ending with a newline."""
    with open(path, "w") as f:
        json.dump(data, f, indent=indent)
        f.write("\n")


def rounded_times(values, decimals=JSON_DECIMALS):
    """Times (ms) as a list of floats rounded to ``decimals`` places."""
    return [round(float(t), decimals) for t in values]


def spikes_text(n):
    """``"1 spike"``, ``"5 spikes"``."""
    return f"{n} spike{'' if n == 1 else 's'}"
