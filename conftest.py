"""Repository-wide pytest configuration.

The benchmarks (``benchmarks/``) take one to two minutes and measure speed, not
correctness, so a plain ``python -m pytest`` leaves them out even though
``testpaths`` lists the directory. They run when benchmarking is asked for:
``pytest --benchmark-only`` (or ``--benchmark-enable``), or when
``benchmarks`` or a file in it is named on the command line.
"""
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent / "benchmarks"


def _names_benchmarks(arg, cwd):
    """True when the command-line argument ``arg`` is benchmarks/ or inside it."""
    if arg.startswith("-"):
        return False
    path = (Path(cwd) / arg.split("::", 1)[0]).resolve()
    return path == BENCHMARKS or BENCHMARKS in path.parents


def _benchmarks_requested(config):
    if config.getoption("benchmark_only", False) or config.getoption("benchmark_enable", False):
        return True
    # the arguments as typed (config.args also holds testpaths when none were typed)
    params = config.invocation_params
    return any(_names_benchmarks(str(arg), params.dir) for arg in params.args)


def pytest_configure(config):
    # testpaths become initial paths, which pytest_ignore_collect cannot veto:
    # drop benchmarks/ from them instead
    if not _benchmarks_requested(config):
        cwd = config.invocation_params.dir
        config.args[:] = [arg for arg in config.args if not _names_benchmarks(arg, cwd)]


def pytest_ignore_collect(collection_path, config):
    # benchmarks/ met while walking a parent directory (``pytest .``)
    if collection_path.resolve() == BENCHMARKS and not _benchmarks_requested(config):
        return True
    return None
