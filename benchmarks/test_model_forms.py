"""Model forms: the plain 2003 and 2007 forms must run at the same speed.

The issue on the classic repertoire asks that adding the 2004 variants, the
2007 form and its special cells leaves the common cases as fast as before
(within 10%). Group ``model forms (W2-size: 1000 neurons x 1e4 steps, euler)``
times one workload shape in every form, one thread:

- 2003 RS, shared parameters (the W2 entry of test_workloads.py);
- 2003 with per-neuron parameters (a, b, c, d differ per neuron);
- 2004 panel G's v-polynomial (0.04 v^2 + 4.1 v + 108);
- 2003 with the accommodation recovery (panel R's u' = a b (v + 65));
- 2007 RS (plain form, per-neuron k, vr, vt, C loaded per lane);
- 2007 LTS (special-cell terms: u-dependent peak and reset, u cap).

The currents are subthreshold (no neuron fires), so the entries compare the
cost of a step alone: spikes add the same storage cost (~10 ns each) to every
form, and the forms fire at very different rates for the same current range.
``x`` in the summary is relative to the 2003 entry. Measured (Intel Xeon,
one core, medians of 10 rounds alternating with a build of 0.1.0): every plain
form within 2% of 2003 RS (2007 RS 0.97x, 2004 G 1.01x, accommodation 0.98x);
per-neuron parameters 1.08x (their loads each step; 1.35x until their grid
steps ran out of line, see ``_grid_pl`` in izhic/_core.pyx); 2007 LTS 1.28x
(its moving peak, reset and u cap; B(v) stays b (v - vr), and the kernel
computes it so: 1.9x when every special-cell term was computed). Against 0.1.0
the entries take 0.83x (2007 LTS) to 1.03x (accommodation) of its time.
"""
import numpy as np
import pytest

import izhic

GROUP = "model forms: cost of a step (1000 neurons x 1e4 steps, euler, no spikes)"
N, DURATION, DT = 1000, 1000.0, 0.1
_rng = np.random.default_rng(0)
_PER_NEURON_2003 = izhic.Izhikevich2003(a=_rng.uniform(0.01, 0.03, N), b=0.2 + 0.02 * _rng.random(N),
                                        c=_rng.uniform(-65, -55, N), d=_rng.uniform(2, 8, N))

_SUB_2003 = np.linspace(-5.0, 2.0, N)     # below rheobase (RS: 3.45)
_SUB_2007 = np.linspace(-100.0, 40.0, N)  # pA, below rheobase (2007 RS: ~51 pA)
FORMS = {
    "2003 RS (shared parameters)": ("RS", _SUB_2003),
    "2003, per-neuron a, b, c, d": (_PER_NEURON_2003, _SUB_2003),
    "2004 G polynomial (4.1, 108)": (izhic.Izhikevich2003(0.02, 0.2, -65, 8, linear=4.1,
                                                          constant=108.0), _SUB_2003 - 25.0),
    "2003, accommodation recovery": (izhic.Izhikevich2003(0.02, 0.2, -65, 8,
                                                          recovery="accommodation"),
                                     _SUB_2003 - 20.0),
    "2007 RS (plain form)": (izhic.PRESETS_2007["RS"], _SUB_2007),
    "2007 LTS (special-cell terms)": (izhic.PRESETS_2007["LTS"], _SUB_2007 - 60.0),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_model_form(benchmark, measure, name):
    model, current = FORMS[name]

    def run():
        return izhic.simulate(model, current, DURATION, DT, "euler", n_threads=1).spike_counts()

    counts, _ = measure(benchmark, GROUP, name, run, N * int(DURATION / DT))
    assert np.sum(counts) == 0, f"{name}: the step-cost comparison wants no spikes"
