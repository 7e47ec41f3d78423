"""One build, several instruction-set levels: each gives the same bits.

The build compiles the core for x86-64-v2, -v3 and -v4 (setup.py) and izhic._cpu
loads the best the CPU has; IZHIC_CPU forces a lower one. FMA contraction is off,
so every level must give bit-identical spike times and final states. Each level
runs in its own interpreter (the core is chosen once, at import)."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import izhic
from izhic import _cpu

X86 = [level for level in _cpu.available() if level in _cpu.LEVELS]
RUNNABLE = [level for level in X86 if level in _cpu.supported()]
needs_levels = pytest.mark.skipif(not X86, reason="a native or non-x86 build: one core only")

#: representative runs: rk4, euler and ps, the 2003 and 2007 forms, noise, a network
#: (current and exponential synapses, Poisson input), one thread and two
CASES = textwrap.dedent("""
    import hashlib, json, sys
    import numpy as np
    import izhic
    from izhic import inputs

    def digest(res):
        h = hashlib.sha256()
        for a in (res.spike_times.times, res.spike_times.offsets, res.v_final, res.u_final):
            h.update(np.ascontiguousarray(a).tobytes())
        return [h.hexdigest(), int(res.spike_times.n_spikes)]

    rng = np.random.default_rng(2003)
    out = {"cpu": izhic.show_config()["cpu"]}
    i03 = rng.uniform(0, 20, 300)
    i07 = rng.uniform(40, 300, 300)
    rs07 = izhic.PRESETS_2007["RS"]
    for method in ("rk4", "euler"):
        for threads in (1, 2):
            out[f"2003 {method} {threads}"] = digest(izhic.simulate(
                "RS", i03, 300.0, 0.1, method, noise=3.0, seed=5, n_threads=threads))
            out[f"2007 {method} {threads}"] = digest(izhic.simulate(
                rs07, i07, 300.0, 0.1, method, noise=30.0, seed=6, n_threads=threads))
    out["2003 FS single rk4"] = digest(izhic.simulate("FS", 8.0, 500.0, 0.25, "rk4"))
    # ps: its series in vectors of each level's width (8, 4, 2 lanes)
    m = 100
    rand = izhic.Izhikevich2003(a=rng.uniform(0.01, 0.1, m), b=rng.uniform(0.15, 0.3, m),
                                c=rng.uniform(-70.0, -45.0, m), d=rng.uniform(0.05, 8.0, m))
    for dt in (0.25, 1.0):
        out[f"2003 random ps {dt}"] = digest(izhic.simulate(
            rand, rng.uniform(0.0, 30.0, m), 300.0, dt, "ps"))
        out[f"2007 ps {dt}"] = digest(izhic.simulate(rs07, i07, 300.0, dt, "ps"))
        # (a waveform: the input's terms of orders 1 and 2 in the vectors)
        sine = inputs.function(lambda t: 3.0 * np.sin(t / 8.0), "sine", edges=[])
        out[f"2003 random ps sine {dt}"] = digest(izhic.simulate(
            rand, rng.uniform(0.0, 30.0, m) + sine, 300.0, dt, "ps"))
    n = 200
    pre, post = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    weight = np.where(pre < 160, 1.0, -2.0) * rng.random(4000)
    delay = 0.5 * rng.integers(1, 9, 4000)
    for kind, tau in (("current", None), ("exponential", 3.0)):
        syn = izhic.Synapses(pre, post, weight, delay, kind=kind, tau=tau, n_neurons=n)
        for method in ("rk4", "euler"):
            out[f"net {kind} {method}"] = digest(izhic.simulate(
                "RS", rng.uniform(0, 6, n), 300.0, 0.5, method, noise=2.0, seed=7,
                synapses=syn, poisson=inputs.poisson(20.0, 0.5), n_threads=2))
    json.dump(out, sys.stdout)
""")


def _run(code, level):
    env = dict(os.environ)
    env.pop("IZHIC_CPU", None)
    if level is not None:
        env["IZHIC_CPU"] = level
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=600)


@needs_levels
def test_every_level_gives_the_same_bits():
    results = {}
    for level in RUNNABLE:
        proc = _run(CASES, level)
        assert proc.returncode == 0, proc.stderr
        results[level] = json.loads(proc.stdout)
        assert results[level].pop("cpu") == level
    lowest = results[RUNNABLE[0]]
    assert all(count > 0 for _, count in lowest.values())
    for level in RUNNABLE[1:]:
        for case, got in results[level].items():
            assert got == lowest[case], f"{case}: {level} differs from {RUNNABLE[0]}"


@needs_levels
def test_the_best_level_is_the_default():
    proc = _run("import izhic; print(izhic.show_config()['cpu'])", None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == RUNNABLE[-1]
    # the short names work too, and the loaded core is the module izhic._core
    proc = _run("import izhic, izhic._core as c; from izhic import _core;"
                "print(izhic.show_config()['cpu'], c is _core, c.__name__, c.__file__)", "v2")
    assert proc.returncode == 0, proc.stderr
    cpu, same, name, path = proc.stdout.split()
    assert (cpu, same, name) == ("x86-64-v2", "True", "izhic._core")
    assert os.path.join("_isa", "v2") in path


@pytest.mark.parametrize("value", ["x86-64-v7", "avx512", "znver4"])
def test_an_unknown_level_is_refused(value):
    proc = _run("import izhic", value)
    assert proc.returncode != 0
    assert f"IZHIC_CPU={value!r}" in proc.stderr and "not a level izhic knows" in proc.stderr


@needs_levels
def test_a_level_the_cpu_lacks_is_refused():
    lacking = [level for level in X86 if level not in RUNNABLE]
    if not lacking:
        pytest.skip("this CPU has every level of the build")
    proc = _run("import izhic", lacking[0])
    assert proc.returncode != 0
    assert f"IZHIC_CPU={lacking[0]!r}: this CPU lacks" in proc.stderr


def test_levels_from_cpu_features():
    v2 = set(_cpu.LEVELS["x86-64-v2"])
    v3 = v2 | set(_cpu.LEVELS["x86-64-v3"])
    v4 = v3 | set(_cpu.LEVELS["x86-64-v4"])
    assert _cpu.supported(v4) == list(_cpu.LEVELS)
    assert _cpu.supported(v4 - {"BMI2"}) == ["x86-64-v2"]   # levels build on each other
    assert _cpu.supported(v3 | {"AVX512F"}) == ["x86-64-v2", "x86-64-v3"]
    assert _cpu.supported(set()) == []
    assert _cpu.missing("x86-64-v4", v3 | {"AVX512F", "AVX512CD"}) == [
        "AVX512BW", "AVX512DQ", "AVX512VL"]
    assert _cpu.parse_level(" V4 ") == "x86-64-v4"
    with pytest.raises(ValueError):
        _cpu.parse_level("v1")


def test_show_config_names_the_level():
    config = izhic.show_config()
    assert config["cpu"] == _cpu.LEVEL
    assert config["cpu"] in _cpu.available() or not _cpu.available()
    assert config["native"] == (config["cpu"] == "native")


def _vector_registers(path):
    """Instructions of a compiled core that use 256-bit (ymm) and 512-bit (zmm)
    registers, as objdump disassembles them."""
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(path)],
                          capture_output=True, text=True, check=True, timeout=300).stdout
    return text.count("%ymm"), text.count("%zmm")


@needs_levels
@pytest.mark.slow
def test_each_level_uses_only_its_own_instructions():
    # the baseline core (x86-64-v2: SSE4.2) holds no AVX2 or AVX-512 code, the
    # AVX2 core (v3) no AVX-512 code: a CPU without them never meets them
    import shutil
    from pathlib import Path

    if shutil.which("objdump") is None:
        pytest.skip("objdump (binutils) is not installed")
    found = {}
    for level in X86:
        short = level.replace("x86-64-", "")
        (path,) = [p for p in (Path(izhic.__file__).parent / "_isa" / short).iterdir()
                   if p.name.startswith("_core.") and p.suffix in (".so", ".pyd")]
        found[short] = _vector_registers(path)
    assert found["v2"] == (0, 0), found
    assert found["v3"][1] == 0 and found["v3"][0] > 1000, found    # AVX2 used, no AVX-512
    assert found["v4"][1] > 1000, found
