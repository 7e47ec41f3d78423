"""Every public name has a complete numpydoc entry: Parameters (every one),
Returns, an Examples section (numpydoc.validate's PR01, PR02, RT01, YD01,
EX01, GL08), for the names in each public module's ``__all__`` and the public
methods their classes define."""
import importlib
import inspect

import pytest

validate = pytest.importorskip("numpydoc.validate")

MODULES = ["izhic", "izhic.models", "izhic.inputs", "izhic.synapses", "izhic.connect",
           "izhic.network", "izhic.plasticity", "izhic.analysis", "izhic.plotting",
           "izhic.protocols", "izhic.result", "izhic.sweeps", "izhic.reference",
           "izhic.figures", "izhic.figures.rs_study", "izhic.figures.izhikevich2003",
           "izhic.figures.izhikevich2004", "izhic.figures.izhikevich2006",
           "izhic.figures.izhikevich2007", "izhic.figures.phase_plane",
           "izhic.figures.figure1m"]
CODES = {"PR01", "PR02", "RT01", "YD01", "EX01", "GL08"}


def public_names():
    """{dotted name where it is defined: object} (classes, callables and the
    public methods a class defines itself; no data, no properties)."""
    out = {}
    for name in MODULES:
        mod = importlib.import_module(name)
        assert mod.__all__, name
        for attr in mod.__all__:
            obj = getattr(mod, attr)
            if inspect.ismodule(obj) or not (inspect.isclass(obj) or callable(obj)):
                continue
            key = f"{getattr(obj, '__module__', name)}.{getattr(obj, '__qualname__', attr)}"
            out.setdefault(key, obj)
            if inspect.isclass(obj):
                for meth, raw in vars(obj).items():
                    if meth.startswith("_") or isinstance(raw, property):
                        continue
                    raw = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
                    if inspect.isfunction(raw):
                        out.setdefault(f"{key}.{meth}", raw)
    return out


NAMES = public_names()


def test_the_walk_finds_the_api():
    assert "izhic.simulate.simulate" in NAMES or any(k.endswith(".simulate") for k in NAMES)
    assert len(NAMES) > 150


@pytest.mark.parametrize("name", sorted(NAMES))
def test_complete_numpydoc_entry(name):
    errors = [f"{code}: {msg}" for code, msg in validate.validate(name)["errors"]
              if code in CODES]
    assert not errors, f"{name}: " + "; ".join(errors)
