"""Long and large runs: Ctrl-C, peak memory, the progress bar, traces of a few neurons.

The Ctrl-C and memory checks run in subprocesses (a signal to a child; the
child's own peak RSS). There is no timing assertion: the subprocess timeouts
only bound a hang. The measured Ctrl-C delay and peak RSS are printed
(``pytest -s`` shows them).
"""
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import izhic

MB = 1e6


def _python(code):
    return [sys.executable, "-c", textwrap.dedent(code)]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_interrupts_a_long_run():
    # 2e5 neurons x 1e6 steps on one thread: minutes of work if not interrupted
    child = subprocess.Popen(_python("""
        import izhic
        print("started", flush=True)
        izhic.simulate("RS", 10.0, n_neurons=200_000, duration=100_000.0, dt=0.1,
                       method="euler", n_threads=1)
        print("finished", flush=True)
        """), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        time.sleep(0.5)  # well inside the run loop
        sent = time.perf_counter()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
        delay = time.perf_counter() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    print(f"\nCtrl-C: the child exited {delay * 1000:.0f} ms after SIGINT")
    assert child.returncode != 0
    assert "KeyboardInterrupt" in err
    assert "finished" not in out


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_peak_memory_of_a_million_neurons(method):
    # the issue: "a process simulating 1e6 neurons for 1000 steps peaks under 600 MB"
    child = subprocess.run(_python(f"""
        import sys
        import numpy as np
        import izhic
        current = np.random.default_rng(0).uniform(0.0, 20.0, 1_000_000)
        res = izhic.simulate("RS", current, duration=100.0, dt=0.1, method={method!r})
        assert res.spike_times.n_spikes > 1_000_000
        if sys.platform.startswith("linux"):
            # the peak of this process's own memory map (ru_maxrss would not
            # do: Linux carries it over from the parent across fork and exec,
            # so a child of a large pytest process reports the parent's size)
            with open("/proc/self/status") as f:
                print(int(next(line for line in f if line.startswith("VmHWM:")).split()[1]) * 1024)
        else:
            import resource
            scale = 1 if sys.platform == "darwin" else 1024   # bytes on macOS, KiB elsewhere
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale)
        """), capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    peak = int(child.stdout.split()[-1])   # bytes
    print(f"\n{method}: 1e6 neurons x 1000 steps, peak RSS {peak / MB:.0f} MB")
    assert peak < 600 * MB


def test_progress_bar_gives_the_same_result(capsys):
    current = np.linspace(0.0, 20.0, 1000)
    quiet = izhic.simulate("RS", current, duration=200.0, dt=0.1, method="euler")
    assert capsys.readouterr().err == ""
    shown = izhic.simulate("RS", current, duration=200.0, dt=0.1, method="euler",
                           progress=True)
    err = capsys.readouterr().err
    assert "izhic euler, 1000 neurons" in err  # tqdm writes to stderr
    assert quiet.spike_times.n_spikes > 0
    assert_array_equal(shown.spike_times.offsets, quiet.spike_times.offsets)
    assert_array_equal(shown.spike_times.times, quiet.spike_times.times)
    assert_array_equal(shown.v_final, quiet.v_final)
    assert_array_equal(shown.u_final, quiet.u_final)


def test_traces_of_a_few_neurons_allocate_only_those():
    n, duration, dt = 100_000, 100.0, 0.1
    current = np.linspace(0.0, 20.0, n)
    tracemalloc.start()
    try:
        res = izhic.simulate("RS", current, duration=duration, dt=dt, method="euler",
                             record=("v", "u"), record_neurons=[0, 50_000, n - 1])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    n_samples = 1001
    assert res.v.shape == res.u.shape == (3, n_samples)
    assert res.t.shape == (n_samples,)
    assert_array_equal(res.record_neurons, [0, 50_000, n - 1])
    # traces of all neurons would be 2 x 1e5 x 1001 x 8 bytes = 1.6 GB
    assert peak < 50 * MB, f"traced peak {peak / MB:.0f} MB"
    # the rows are the neurons asked for
    few = izhic.simulate("RS", current[[0, 50_000, n - 1]], duration=duration, dt=dt,
                         method="euler", record="v")
    assert_array_equal(res.v, few.v)


def test_spikes_that_cannot_fit_stop_the_run_early(monkeypatch):
    # the spike count is projected to the end of the run after each chunk; with
    # (pretend) 300 MiB available, a run heading for ~1.2 GiB of spikes stops
    # with MemoryError at about a quarter of the way, not at the end
    from izhic import _checks
    monkeypatch.setattr(_checks, "available_memory", lambda: 300 * 2**20)
    with pytest.raises(MemoryError, match="spikes take .* GiB.*shorter run"):
        izhic.simulate("RS", np.full(200_000, 1e4), duration=1000.0, dt=0.1,
                       method="euler", n_threads=2)
