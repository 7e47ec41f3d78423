"""Loads the compiled core built for the best instruction-set level this CPU has.

The build (setup.py) compiles ``izhic/_core.pyx`` once per x86-64 level
(``x86-64-v2``, ``-v3`` with AVX2, ``-v4`` with AVX-512) into
``izhic/_isa/<level>/``; each variant is the module ``izhic._core``. At import
the best level the CPU supports is loaded and registered as ``izhic._core``, so
``from izhic import _core`` gives it everywhere. All levels give the same bits
(the build keeps FMA contraction off).

``IZHIC_CPU=<level>`` (``x86-64-v2`` or ``v2``, ...) forces a level; a level the
CPU lacks, or one this build does not have, is refused. A ``-march=native``
build (``IZHIC_NATIVE=1``) has the one level ``native``; a build for another
architecture has ``baseline``.

>>> from izhic import _cpu
>>> _cpu.LEVEL in _cpu.available()
True
>>> _cpu.parse_level("v3")
'x86-64-v3'
"""
import importlib.machinery
import importlib.util
import os
import sys

#: x86-64 levels, lowest first, with the CPU features each needs beyond the one
#: below (the compilers' definitions of -march=x86-64-vN; names as NumPy's
#: ``__cpu_features__``)
LEVELS = {
    "x86-64-v2": ("SSE3", "SSSE3", "SSE41", "SSE42", "POPCNT"),
    "x86-64-v3": ("AVX", "AVX2", "FMA3", "BMI", "BMI2", "LZCNT", "MOVBE", "F16C"),
    "x86-64-v4": ("AVX512F", "AVX512BW", "AVX512CD", "AVX512DQ", "AVX512VL"),
}
#: the variants' directories (izhic/_isa/<dir>/) by level name
_DIRS = {"x86-64-v2": "v2", "x86-64-v3": "v3", "x86-64-v4": "v4",
         "native": "native", "baseline": "baseline"}
#: /proc/cpuinfo's names for the features that Linux spells differently
_LINUX_NAMES = {"SSE3": "pni", "SSE41": "sse4_1", "SSE42": "sse4_2", "FMA3": "fma",
                "BMI": "bmi1", "LZCNT": "abm"}
_HERE = os.path.dirname(os.path.abspath(__file__))


def parse_level(name):
    """The level's full name (``"v3"`` -> ``"x86-64-v3"``); ValueError if unknown."""
    key = name.strip().lower()
    if key in ("v2", "v3", "v4"):
        key = "x86-64-" + key
    if key not in _DIRS:
        raise ValueError(name)
    return key


def _path(level):
    """The variant's shared library, or None when this build lacks it."""
    folder = os.path.join(_HERE, "_isa", _DIRS[level])
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(folder, "_core" + suffix)
        if os.path.isfile(path):
            return path
    return None


def available():
    """The levels this build has, lowest first."""
    return [level for level in _DIRS if _path(level) is not None]


def cpu_features():
    """The CPU's features (NumPy's names); None when they cannot be read.

    Linux: /proc/cpuinfo's flags (the ones the kernel enables); elsewhere NumPy's
    run-time detection."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return {f for level in LEVELS.values() for f in level
                            if _LINUX_NAMES.get(f, f.lower()) in flags}
    except OSError:
        pass
    try:
        try:
            from numpy._core._multiarray_umath import __cpu_features__ as found
        except ImportError:   # NumPy 1.x
            from numpy.core._multiarray_umath import __cpu_features__ as found
    except ImportError:
        return None
    return {name for name, have in found.items() if have}


def supported(features=None):
    """The x86-64 levels the CPU has, lowest first (the lowest alone when unknown)."""
    if features is None:
        features = cpu_features()
    if features is None:
        return list(LEVELS)[:1]
    levels = []
    for level, needs in LEVELS.items():
        if not set(needs) <= features:
            break
        levels.append(level)
    return levels


def missing(level, features=None):
    """The features ``level`` needs that the CPU lacks (itself and the levels below)."""
    features = cpu_features() if features is None else features
    if features is None or level not in LEVELS:
        return []
    names = list(LEVELS)
    needs = [f for lv in names[:names.index(level) + 1] for f in LEVELS[lv]]
    return [f for f in needs if f not in features]


def choose(requested=None):
    """The level to load: the best the CPU has, or ``requested`` (IZHIC_CPU)."""
    have = available()
    if not have:
        return None
    if not requested or requested.strip().lower() == "auto":
        x86 = [level for level in have if level in LEVELS]
        if not x86:
            return have[-1]   # native or baseline: the build's one core
        ok = [level for level in x86 if level in supported()]
        if not ok:   # (the build's lowest level would die of an illegal instruction)
            raise ImportError(
                f"this CPU lacks {x86[0]} (no {', '.join(missing(x86[0]))}), the lowest "
                "level of this build of izhic; build it from source with IZHIC_NATIVE=1")
        return ok[-1]
    try:
        level = parse_level(requested)
    except ValueError:
        raise ImportError(
            f"IZHIC_CPU={requested!r} is not a level izhic knows; use one of "
            f"{', '.join(have)} (this build's), or leave IZHIC_CPU unset for the best "
            "the CPU has") from None
    if level not in have:
        raise ImportError(
            f"IZHIC_CPU={requested!r}: this build of izhic has no {level} core; it has "
            f"{', '.join(have)}")
    lacks = missing(level)
    if lacks:
        raise ImportError(
            f"IZHIC_CPU={requested!r}: this CPU lacks {level} (no {', '.join(lacks)}); "
            f"it supports {', '.join(supported()) or 'none of the x86-64 levels'}")
    return level


def _load(level):
    """Imports the variant as ``izhic._core`` (its name inside, as the stub's)."""
    name = "izhic._core"
    loader = importlib.machinery.ExtensionFileLoader(name, _path(level))
    spec = importlib.util.spec_from_file_location(name, _path(level), loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    setattr(sys.modules["izhic"], "_core", module)   # (as an import would)
    return module


def _level_of(core):
    """The level of a loaded core, from the folder it was loaded from."""
    folder = os.path.basename(os.path.dirname(getattr(core, "__file__", "") or ""))
    for level, name in _DIRS.items():
        if name == folder:
            return level
    return "native" if core.NATIVE else "baseline"   # (a core built as izhic/_core*.so)


if "izhic._core" in sys.modules:   # (izhic imported again: keep the loaded core)
    LEVEL = _level_of(sys.modules["izhic._core"])
else:
    LEVEL = choose(os.environ.get("IZHIC_CPU"))
    if LEVEL is None:   # no variants: a core built by other means, as izhic/_core*.so
        from . import _core
        LEVEL = _level_of(_core)
    else:
        _load(LEVEL)
