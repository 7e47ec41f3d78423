"""Helpers shared by the test modules (imported as ``helpers``: pytest puts
this folder on sys.path)."""
import importlib.util
from pathlib import Path

import numpy as np
from numpy.testing import assert_array_equal


def random_population(seed, n, current_range=(-5.0, 40.0)):
    """Per-neuron parameters around the 2003 presets; currents from silent to fast."""
    rng = np.random.default_rng(seed)
    model = {
        "a": rng.uniform(0.01, 0.1, n),
        "b": rng.uniform(0.2, 0.26, n),
        "c": rng.uniform(-65.0, -50.0, n),
        "d": rng.uniform(0.05, 8.0, n),
    }
    return model, rng.uniform(*current_range, n)


def assert_same(result, ref):
    """Spike for spike and bit for bit (spike trains and final state)."""
    assert_array_equal(result.spike_times.offsets, ref.spike_times.offsets)
    assert_array_equal(result.spike_times.times, ref.spike_times.times)
    assert_array_equal(result.v_final, ref.v_final)
    assert_array_equal(result.u_final, ref.u_final)


def core_equals_numpy(model, current, *args, **kwargs):
    """Run the NumPy oracle once, then izhic with 1 and 2 threads: both must
    equal it spike for spike and bit for bit. Returns the oracle's result."""
    import izhic
    from izhic.reference import simulate_numpy

    ref = simulate_numpy(model, current, *args, **kwargs)
    for n_threads in (1, 2):
        assert_same(izhic.simulate(model, current, *args, n_threads=n_threads, **kwargs), ref)
    return ref


def load_example(name):
    """``examples/<name>.py`` imported as a module named ``<name>_example``."""
    path = Path(__file__).resolve().parents[1] / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
