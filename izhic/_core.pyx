# cython: language_level=3
"""izhic's compiled core: nogil kernels that advance many independent neurons.

The kernels trust their inputs: every check happens in :mod:`izhic.simulate`.

Layout of the work
------------------
Neurons are cut into blocks of ``width`` lanes (64 for populations, 8 for a
handful of neurons, 1 for a single neuron, whose state then stays in
registers). A block's state and parameters live in local arrays on the
calling thread's stack; the time loop runs inside the block, and the update of
the lanes is one branch-free loop that the C compiler turns into vector code.
Parameters shared by all neurons are scalars (registers). Fired lanes come out
as a 64-bit mask per step; spikes are extracted from the masks every NMASK
steps into one append-only buffer per thread. Blocks are distributed over
OpenMP threads with ``prange(schedule="static")``; each block writes only its
own neurons, and each neuron's spikes land in one buffer in time order, so
results do not depend on the thread count.

A run is advanced in chunks of steps (``Run.advance``): between chunks the GIL
is taken back, so Ctrl-C and progress reporting work on long runs.

Numerics of the 2003 form (every method: the current of step k held over the
step, state (v, u) at the start of step k is the state at t = k dt)::

    f(v, u) = q2*(v*v) + q1*v + q0 - u + I     (0.04, 5, 140 unless given), left to right

    euler           v1 = v + dt*f(v, u);         u1 = u + (dt*a)*(b*v - u)
    izhikevich2004  v1 = v + dt*f(v, u);         u1 = u + (dt*a)*(b*v1 - u)
    izhikevich2003  vh = v + (dt/2)*f(v, u);     v1 = vh + (dt/2)*f(vh, u);
                    u1 = u + (dt*a)*(b*v1 - u)
    rk4_grid, rk4   classic RK4 of (f, a*(b*v - u)) over dt
    (accommodation recovery: (dt*a*b)*(v + 65) in place of (dt*a)*(b*v - u))

    then: v1 is held in [-1e150, 1e150] (so v*v never overflows; no realistic
    run comes near), and if v1 >= v_peak: spike at t = (k+1)*dt, v1 = c,
    u1 = u1 + d. "rk4" instead redoes such a step to locate the crossing (see
    the comment above _rk4_locate). The 2007 form: see _lanes_2007 and
    _lanes_rk4_2007.

The NumPy reference (``izhic.reference``) evaluates the same expressions in the
same order; the build uses ``-ffp-contract=off`` so the results are identical
bit for bit.
"""
from cython.parallel cimport prange, threadid
from libc.stdlib cimport malloc, realloc, free
from libc.string cimport memset
from libc.math cimport fabs
from libc.stdint cimport int32_t, int64_t, uint64_t

import numpy as np

cdef extern from *:
    """
    #ifndef IZHIC_BUILD_NATIVE
    #define IZHIC_BUILD_NATIVE 0
    #endif
    #ifndef IZHIC_BUILD_OPENMP
    #define IZHIC_BUILD_OPENMP 0
    #endif
    #define IZHIC_VBIG 1e150
    #include <math.h>
    /* Plain C ternaries: gcc maps them to vminpd/vmaxpd/vblendmpd in vector
       loops (Cython would lower `a if c else b` to if/else statements). */
    /* The bounds arrive as run-time values (hi = VBIG, lo = -VBIG): with a
       compile-time constant gcc folds the clamped branch and emits masked
       code instead of one vminpd + vmaxpd. */
    static inline double izhic_clamp(double x, double hi, double lo) {
        x = x < hi ? x : hi;
        return x > lo ? x : lo;
    }
    static inline double izhic_lower(double x, double lo) { return x > lo ? x : lo; }
    #if defined(_MSC_VER)
    #include <intrin.h>
    static inline int izhic_ctz(unsigned long long x) { unsigned long i; _BitScanForward64(&i, x); return (int)i; }
    #else
    static inline int izhic_ctz(unsigned long long x) { return __builtin_ctzll(x); }
    #endif
    /* Gaussian noise: a standard normal number for (seed, neuron, step),
       from a counter-based hash (splitmix64's finalizer) and Box-Muller, so
       it is the same for any thread count, block layout or chunking.
       log/cos/sqrt are the C library's (no -ffast-math: never vectorized
       variants), which is also what Python's math module calls. */
    static inline unsigned long long izhic_mix64(unsigned long long z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    static inline double izhic_normal(unsigned long long seed, unsigned long long neuron,
                                      unsigned long long step) {
        unsigned long long h1 = izhic_mix64(seed ^ izhic_mix64(
            neuron ^ izhic_mix64(step + 0x9e3779b97f4a7c15ULL)));
        unsigned long long h2 = izhic_mix64(h1 + 0x9e3779b97f4a7c15ULL);
        double u1 = ((double)(h1 >> 11) + 1.0) * 0x1.0p-53;    /* (0, 1] */
        double u2 = (double)(h2 >> 11) * 0x1.0p-53;            /* [0, 1) */
        return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    }
    static inline double izhic_sel(int cond, double a, double b) { return cond ? a : b; }
    #ifdef _OPENMP
    #include <omp.h>
    static int izhic_max_threads(void) { return omp_get_max_threads(); }
    #define IZHIC_HAVE_OPENMP 1
    #else
    static int izhic_max_threads(void) { return 1; }
    #define IZHIC_HAVE_OPENMP 0
    #endif
    """
    int IZHIC_BUILD_NATIVE
    const double VBIG "IZHIC_VBIG"   # |v| bound: v*v never overflows
    double _clamp "izhic_clamp"(double x, double hi, double lo) noexcept nogil
    double _lower "izhic_lower"(double x, double lo) noexcept nogil
    int _ctz "izhic_ctz"(uint64_t x) noexcept nogil
    double _normal "izhic_normal"(uint64_t seed, uint64_t neuron, uint64_t step) noexcept nogil
    double _sel "izhic_sel"(bint cond, double a, double b) noexcept nogil
    int IZHIC_HAVE_OPENMP
    int izhic_max_threads() noexcept nogil

#: Compiled with OpenMP (parallel over neurons)?
OPENMP = bool(IZHIC_HAVE_OPENMP)
#: Compiled with -march=native (vector units of the build machine)?
NATIVE = bool(IZHIC_BUILD_NATIVE)

cdef double LOCATE_TOL = 1e-10   # ms: rk4 crossing times are located to this
cdef enum:
    MAX_LOCATE_ITER = 60
    MAX_SPIKES_PER_STEP = 1000   # rk4: more crossings than this in one step is an error
    SUBSTEPS = 2                 # rk4: a step that carries a spike is redone in sub-steps
    MAXW = 64          # widest block (lanes)
    NMASK = 256        # steps between two spike extractions

# method codes (keep in sync with izhic.simulate.METHODS)
cdef enum:
    M_EULER = 0
    M_IZH2004 = 1
    M_IZH2003 = 2
    M_RK4 = 3

# what a v trace shows in the sample of a step that ended in a spike
cdef enum:
    SHOW_PEAK = 0        # v_peak
    SHOW_OVERSHOOT = 1   # the value the step computed, before the reset
    SHOW_RESET = 2       # the state after the reset (c)

#: method "rk4": at most this many spikes of one neuron within one step
SPIKES_PER_STEP_LIMIT = MAX_SPIKES_PER_STEP

METHOD_CODES = {"euler": M_EULER, "izhikevich2004": M_IZH2004,
                "izhikevich2003": M_IZH2003, "rk4": M_RK4, "rk4_grid": M_RK4}
V_AT_SPIKE_CODES = {"peak": SHOW_PEAK, "overshoot": SHOW_OVERSHOOT, "reset": SHOW_RESET}



ctypedef struct SpikeBuf:
    int32_t* neuron
    double* time
    Py_ssize_t n
    Py_ssize_t cap
    int failed
    Py_ssize_t capped           # steps cut short by MAX_SPIKES_PER_STEP


ctypedef struct Special07:
    # B(v) = b' (v - v_u) + cubic max(v - v_cubic, 0)^3, b' = b_low where v <= v_switch
    # peak = v_peak + peak_u u;  reset: v = c + c_u u, u = min(u + d, u_max)
    int use_vu
    double v_u, cubic, v_cubic, b_low, v_switch, peak_u, c_u, u_max


ctypedef struct Ctx:
    Py_ssize_t n
    Py_ssize_t width
    Py_ssize_t n_blocks
    int method
    int shared_params             # a, b, c, d, peak: one value for all neurons
    double dt
    double vbig                 # = VBIG, read at run time (see izhic_clamp)
    const double* a
    const double* b
    const double* c
    const double* d
    const double* peak
    const double* current       # per-neuron offset (constant part of the input)
    const double* wave          # shared waveform, one value per step (NULL: none)
    const double* own           # per-neuron waveforms [step, neuron] (NULL: none)
    const double* noise         # per-neuron noise amplitude per step (NULL: none)
    const uint64_t* ids         # identity of each neuron in the noise stream (NULL: its index)
    uint64_t seed
    int varying                 # any of wave, own, noise
    double q2, q1, q0           # v' = q2 v^2 + q1 v + q0 - u + I (shared by the run)
    # 2007 form: C v' = k (v - vr)(v - vt) - u + I (per neuron: k, vr, vt, dt/C)
    int form2007
    int special07               # the special-cell terms below are in use
    const double* k07
    const double* vr07
    const double* vt07
    const double* dtc07
    const double* invc07        # 1 / C (RK4 slopes)
    Special07 sp
    int accom                   # u' = a b (v + 65) (2004 panel R) instead of a (b v - u)
    double* v
    double* u
    SpikeBuf* bufs              # one append-only spike buffer per thread
    Py_ssize_t n_bufs
    # traces (optional)
    Py_ssize_t stride
    Py_ssize_t n_samples
    const int32_t* rec_row      # neuron -> trace row, -1 if not recorded (NULL: none)
    const char* blk_rec         # block has a recorded neuron
    double* tr_v                # [row, sample], NULL if v not recorded
    double* tr_u
    int v_at_spike
    int locate                  # rk4: find the crossing inside the step
    int interp                  # grid methods: interpolated spike times


cdef int _grow(SpikeBuf* buf) noexcept nogil:
    """Double the capacity of ``buf``; on failure mark it failed and return -1."""
    cdef Py_ssize_t cap = 256 if buf.cap == 0 else 2 * buf.cap
    cdef int32_t* ni
    cdef double* ti
    ni = <int32_t*> realloc(buf.neuron, cap * sizeof(int32_t))
    if ni == NULL:
        buf.failed = 1
        return -1
    buf.neuron = ni
    ti = <double*> realloc(buf.time, cap * sizeof(double))
    if ti == NULL:
        buf.failed = 1
        return -1
    buf.time = ti
    buf.cap = cap
    return 0


cdef inline void _push_one(SpikeBuf* buf, int32_t neuron, double t) noexcept nogil:
    if buf.failed or (buf.n == buf.cap and _grow(buf) != 0):
        return
    buf.neuron[buf.n] = neuron
    buf.time[buf.n] = t
    buf.n += 1


cdef inline void _flush(SpikeBuf* buf, Py_ssize_t base, const uint64_t* masks,
                        Py_ssize_t k_first, Py_ssize_t n_steps, double dt) noexcept nogil:
    """Append the spikes of ``n_steps`` steps, given as one fired-lane mask per
    step (step ``k_first + i`` ends at ``(k_first + i + 1) * dt``)."""
    cdef Py_ssize_t i, j
    cdef uint64_t bits
    cdef double t
    for i in range(n_steps):
        bits = masks[i]
        if bits == 0:
            continue
        t = (k_first + i + 1) * dt
        while bits != 0:
            if buf.n == buf.cap and _grow(buf) != 0:
                return
            j = _ctz(bits)
            bits = bits & (bits - 1)
            buf.neuron[buf.n] = <int32_t> (base + j)
            buf.time[buf.n] = t
            buf.n += 1


# ---------------------------------------------------------------------------
# A small pool of spike buffers kept between runs. Fresh memory costs a page
# fault per 4 KiB on first touch (microseconds each on virtual machines), so
# sweeps of many runs reuse buffers that are already mapped. Taken and
# returned only while holding the GIL, so no lock is needed.
# ---------------------------------------------------------------------------
cdef enum:
    POOL_SLOTS = 32
cdef Py_ssize_t POOL_MAX_BYTES = 256 * 1024 * 1024   # keep at most this much
cdef SpikeBuf _pool[POOL_SLOTS]
cdef Py_ssize_t _pool_n = 0
cdef Py_ssize_t _pool_bytes = 0


cdef void _pool_take(SpikeBuf* buf):
    global _pool_n, _pool_bytes
    memset(buf, 0, sizeof(SpikeBuf))
    if _pool_n > 0:
        _pool_n -= 1
        buf.neuron = _pool[_pool_n].neuron
        buf.time = _pool[_pool_n].time
        buf.cap = _pool[_pool_n].cap          # n, failed, capped stay 0
        _pool_bytes -= buf.cap * (sizeof(int32_t) + sizeof(double))


cdef void _pool_give(SpikeBuf* buf):
    global _pool_n, _pool_bytes
    cdef Py_ssize_t size = buf.cap * (sizeof(int32_t) + sizeof(double))
    if buf.cap > 0 and not buf.failed and _pool_n < POOL_SLOTS and _pool_bytes + size <= POOL_MAX_BYTES:
        _pool[_pool_n] = buf[0]
        _pool_n += 1
        _pool_bytes += size
    else:
        free(buf.neuron)
        free(buf.time)
    memset(buf, 0, sizeof(SpikeBuf))


def release_pool():
    """Free the spike buffers kept for reuse between runs."""
    global _pool_n, _pool_bytes
    while _pool_n > 0:
        _pool_n -= 1
        free(_pool[_pool_n].neuron)
        free(_pool[_pool_n].time)
    _pool_bytes = 0


# ---------------------------------------------------------------------------
# Lane updates: one time step of `w` <= 64 lanes, branch-free so that the C
# compiler vectorizes them. Parameters are either one scalar shared by the
# block (prm_t = double: kept in registers) or one value per lane (prm_t =
# pointer). Each returns a bit mask of the lanes that reached the peak, and
# stores the pre-reset v in vpre only when asked (an "overshoot" trace sample).
#
# v_peak < VBIG is guaranteed by the wrapper, so a v that does not spike is
# below VBIG: only the lower bound is applied to the state. Values that feed
# v*v inside a step (2003 half step, RK4 stages) are bounded on both sides.
# ---------------------------------------------------------------------------

ctypedef const double* cdptr
ctypedef fused prm_t:
    double
    cdptr


cdef inline double _p(prm_t p, Py_ssize_t j) noexcept nogil:
    if prm_t is double:
        return p
    else:
        return p[j]


cdef inline double _ku(bint accom, double a, double b, double v, double u) noexcept nogil:
    if accom:
        return (a * b) * (v + 65.0)
    return a * (b * v - u)


cdef inline double _b07(bint special, const Special07* sp, double x, double b,
                        double vr) noexcept nogil:
    """The 2007 u-nullcline B(v): b (v - vr), or with the special-cell terms
    b' (v - v_u) + cubic max(v - v_cubic, 0)^3, b' = b_low where v <= v_switch."""
    cdef double bb, z
    if not special:
        return b * (x - vr)
    bb = _sel(x <= sp.v_switch, sp.b_low, b)
    z = x - sp.v_cubic
    z = _sel(z > 0.0, z, 0.0)
    return bb * (x - _sel(sp.use_vu, sp.v_u, vr)) + sp.cubic * (z * z * z)


# Each lane loop below ends with the same few lines (keep the pre-reset v for
# a trace, reset where v reached the peak, set the lane's bit of the fired
# mask). They are written out in every loop on purpose: folding them into one
# inline helper left the results bit-identical but made the single-neuron
# Euler path (W1, latency-bound) 10% slower (measured: 0.72 vs 0.65 ms).

cdef inline uint64_t _lanes_euler(Py_ssize_t w, bint u_from_new_v, bint store_pre, double dt, double hi, double lo,
                                 double q2, double q1, double q0, bint accom,
                                  double* v, double* u, double* vpre, const double* I,
                                  prm_t dta, prm_t b, prm_t c, prm_t d,
                                  prm_t peak) noexcept nogil:
    cdef Py_ssize_t j
    cdef double vo, uo, vn, un
    cdef uint64_t fired = 0
    for j in range(w):
        vo = v[j]
        uo = u[j]
        vn = vo + dt * (q2 * (vo * vo) + q1 * vo + q0 - uo + I[j])
        if accom:   # 2004 panel R: u' = a b (v + 65)
            un = uo + (_p(dta, j) * _p(b, j)) * (_sel(u_from_new_v, _clamp(vn, hi, lo), vo) + 65.0)
        else:
            un = uo + _p(dta, j) * (_p(b, j) * _sel(u_from_new_v, _clamp(vn, hi, lo), vo) - uo)
        if store_pre:
            vpre[j] = _clamp(vn, hi, lo)
        v[j] = _sel(vn >= _p(peak, j), _p(c, j), _lower(vn, lo))
        u[j] = _sel(vn >= _p(peak, j), un + _p(d, j), un)
        fired = fired | (<uint64_t> (vn >= _p(peak, j)) << j)
    return fired


cdef inline uint64_t _lanes_half(Py_ssize_t w, bint store_pre, double dt, double hi, double lo,
                                 double q2, double q1, double q0, bint accom,
                                 double* v, double* u, double* vpre, const double* I,
                                 prm_t dta, prm_t b, prm_t c, prm_t d,
                                 prm_t peak) noexcept nogil:
    cdef Py_ssize_t j
    cdef double vo, uo, vh, vn, un, h = 0.5 * dt
    cdef uint64_t fired = 0
    for j in range(w):
        vo = v[j]
        uo = u[j]
        vh = _clamp(vo + h * (q2 * (vo * vo) + q1 * vo + q0 - uo + I[j]), hi, lo)
        vn = vh + h * (q2 * (vh * vh) + q1 * vh + q0 - uo + I[j])
        if accom:
            un = uo + (_p(dta, j) * _p(b, j)) * (_clamp(vn, hi, lo) + 65.0)
        else:
            un = uo + _p(dta, j) * (_p(b, j) * _clamp(vn, hi, lo) - uo)
        if store_pre:
            vpre[j] = _clamp(vn, hi, lo)
        v[j] = _sel(vn >= _p(peak, j), _p(c, j), _lower(vn, lo))
        u[j] = _sel(vn >= _p(peak, j), un + _p(d, j), un)
        fired = fired | (<uint64_t> (vn >= _p(peak, j)) << j)
    return fired


cdef inline void _rk4_stage(Py_ssize_t w, double h, double hi, double lo,
                            double q2, double q1, double q0, bint accom,
                            const double* v, const double* u, double* vs, double* us,
                            double* acc_v, double* acc_u, double weight, bint first,
                            const double* I, prm_t a, prm_t b) noexcept nogil:
    """One RK4 stage over all lanes: the slopes at (vs, us) are added to the
    accumulators (weight 1 or 2), and (vs, us) become v + h*slope, u + h*slope.
    Stage-major loops keep the lanes independent, so the stages of different
    lanes overlap in the pipeline (one lane's four stages are a long chain)."""
    cdef Py_ssize_t j
    cdef double kv, ku, x, y
    for j in range(w):
        x = vs[j]
        y = us[j]
        kv = q2 * (x * x) + q1 * x + q0 - y + I[j]
        ku = _ku(accom, _p(a, j), _p(b, j), x, y)
        if first:
            acc_v[j] = kv
            acc_u[j] = ku
        else:
            acc_v[j] = acc_v[j] + weight * kv
            acc_u[j] = acc_u[j] + weight * ku
        vs[j] = _clamp(v[j] + h * kv, hi, lo)
        us[j] = u[j] + h * ku


cdef inline uint64_t _lanes_rk4(Py_ssize_t w, bint store_pre, double dt, double hi, double lo,
                                 double q2, double q1, double q0, bint accom,
                                double* v, double* u, double* vpre, const double* I,
                                prm_t a, prm_t b, prm_t c, prm_t d,
                                prm_t peak) noexcept nogil:
    # k1 + 2 k2 + 2 k3 + k4, summed left to right as in the reference
    cdef double vs[MAXW]
    cdef double us[MAXW]
    cdef double acc_v[MAXW]
    cdef double acc_u[MAXW]
    cdef Py_ssize_t j
    cdef double x, y, kv, ku, vn, un, h = 0.5 * dt, dt6 = dt / 6.0
    cdef uint64_t fired = 0
    for j in range(w):
        vs[j] = v[j]
        us[j] = u[j]
    _rk4_stage(w, h, hi, lo, q2, q1, q0, accom, v, u, vs, us, acc_v, acc_u, 1.0, True, I, a, b)
    _rk4_stage(w, h, hi, lo, q2, q1, q0, accom, v, u, vs, us, acc_v, acc_u, 2.0, False, I, a, b)
    _rk4_stage(w, dt, hi, lo, q2, q1, q0, accom, v, u, vs, us, acc_v, acc_u, 2.0, False, I, a, b)
    for j in range(w):
        x = vs[j]
        y = us[j]
        kv = q2 * (x * x) + q1 * x + q0 - y + I[j]
        ku = _ku(accom, _p(a, j), _p(b, j), x, y)
        vn = v[j] + dt6 * (acc_v[j] + kv)
        un = u[j] + dt6 * (acc_u[j] + ku)
        if store_pre:
            vpre[j] = _clamp(vn, hi, lo)
        v[j] = _sel(vn >= _p(peak, j), _p(c, j), _lower(vn, lo))
        u[j] = _sel(vn >= _p(peak, j), un + _p(d, j), un)
        fired = fired | (<uint64_t> (vn >= _p(peak, j)) << j)
    return fired


# ---------------------------------------------------------------------------
# Spike location inside the step (method "rk4")
#
# The vector step is the plain RK4 step above. In the rare steps where it ends
# at or above the peak, the lane is redone here, alone, in SUBSTEPS RK4
# sub-steps. In the first sub-step that crosses, the crossing time is the root
# theta of F(theta) = v_RK4(theta) - v_peak, where v_RK4(theta) is one RK4 step
# of length theta from the sub-step's start (the step map, accurate to the
# integrator's own order). The root is found by Newton from theta = 0 (F and
# the slope known there without an evaluation) with F'(theta) ~ v'(v(theta),
# u(theta)) (exact for the flow, off by O(theta^4) for the step map), kept
# inside a bracket [lo, hi] with F(lo) < 0 <= F(hi) (the midpoint when Newton
# leaves it). On the upstroke v is convex in time, so the iterates climb from
# below: the earliest crossing, and no evaluation beyond the peak where v^2
# blows up. The neuron is reset at the crossing (v = c, u = u(theta) + d) and
# the rest of the step is integrated from there, so several spikes in one
# step are handled; more than MAX_SPIKES_PER_STEP is reported (the wrapper
# raises). About 5.7 RK4 evaluations per spike at dt = 0.1.
#
# Chosen by measurement (README, "How rk4 finds the crossing"): halving the
# bracket before Newton cost 8 evaluations per spike for the same answer;
# 2 sub-steps took the worst error over the 2003 presets at dt = 0.1 from
# 0.0104 to 0.0083 ms, 4 or 8 gained nothing more; redoing also the steps
# whose last stage passes the peak cost 5x and changed no error. Dense output
# of the full step is useless exactly when the stages run into the blow-up
# (large dt, large current); the exact Riccati solution with u frozen is only
# first order in a*theta.
# ---------------------------------------------------------------------------

ctypedef struct Lane:
    # one neuron's parameters for the scalar spike-location code
    double I, a, b, c, d, peak
    double q2, q1, q0           # 2003 form
    int accom
    int f07                     # 2007 form
    double k, vr, vt, invc
    const Special07* sp         # 2007 special-cell terms (NULL: none)


cdef inline double _B07(const Lane* L, double x) noexcept nogil:
    """The 2007 u-nullcline B(v) of one neuron (see _b07)."""
    return _b07(L.sp != NULL, L.sp, x, L.b, L.vr)


cdef inline double _fv(const Lane* L, double x, double y) noexcept nogil:
    """dv/dt (same expressions as the lanes)."""
    if L.f07:
        return (L.k * (x - L.vr) * (x - L.vt) - y + L.I) * L.invc
    return L.q2 * (x * x) + L.q1 * x + L.q0 - y + L.I


cdef inline double _gu(const Lane* L, double x, double y) noexcept nogil:
    """du/dt (same expressions as the lanes)."""
    if L.f07:
        return L.a * (_B07(L, x) - y)
    return _ku(L.accom, L.a, L.b, x, y)


cdef inline double _peak_at(const Lane* L, double u) noexcept nogil:
    """The spike cut-off (2007 special cells: v_peak + peak_u u)."""
    if L.f07 and L.sp != NULL:
        return L.peak + L.sp.peak_u * u
    return L.peak


cdef inline void _reset(const Lane* L, double* v, double* u) noexcept nogil:
    """v <- c, u <- u + d (2007 special cells: c + c_u u, min(u + d, u_max))."""
    cdef double uu
    if L.f07 and L.sp != NULL:
        v[0] = L.c + L.sp.c_u * u[0]
        uu = u[0] + L.d
        u[0] = _sel(uu < L.sp.u_max, uu, L.sp.u_max)
    else:
        v[0] = L.c
        u[0] = u[0] + L.d


cdef inline void _rk4_one(const Lane* L, double v, double u, double h, double hi, double lo,
                          double* v1, double* u1) noexcept nogil:
    """One RK4 step of length h; the same expressions, in the same order, as
    the RK4 lanes (so h = dt gives the same bits)."""
    cdef double hs, h6 = h / 6.0, x, y, kv, ku, av, au
    cdef int s
    kv = _fv(L, v, u)
    ku = _gu(L, v, u)
    av = kv
    au = ku
    for s in range(3):              # stages 2, 3, 4: at v + h/2 k1, v + h/2 k2, v + h k3
        hs = 0.5 * h if s < 2 else h
        x = _clamp(v + hs * kv, hi, lo)
        y = u + hs * ku
        kv = _fv(L, x, y)
        ku = _gu(L, x, y)
        if s < 2:
            av = av + 2.0 * kv
            au = au + 2.0 * ku
    v1[0] = v + h6 * (av + kv)
    u1[0] = u + h6 * (au + ku)


cdef double _rk4_locate(const Lane* L, double v, double u, double H, double hi, double lo,
                        double* vx, double* ux) noexcept nogil:
    """theta in (0, H] where the RK4 step map from (v, u) reaches the peak, given
    v < peak <= v_RK4(H) (peak: _peak_at(u)). (vx, ux) receive the state at theta.

    Newton from theta = 0 (where F and the slope are known without an RK4
    evaluation). On the upstroke v is convex in time, so the iterates climb
    monotonically from below and never evaluate the step map beyond the peak;
    an iterate outside the bracket [lo, hi] (F(lo) < 0 <= F(hi)) is replaced by
    the bracket's midpoint. Stops when the correction is below LOCATE_TOL ms,
    far below the integrator's own error."""
    cdef double tlo = 0.0, thi = H, th = 0.0, tn, vt = v, ut = u, f, slope
    cdef int it
    for it in range(MAX_LOCATE_ITER):
        f = vt - _peak_at(L, ut)
        if f >= 0.0:
            thi = th
        else:
            tlo = th
        slope = _fv(L, vt, ut)
        if L.f07 and L.sp != NULL:
            slope = slope - L.sp.peak_u * _gu(L, vt, ut)
        tn = th - f / slope if slope > 0.0 else -1.0
        if not (tn > tlo and tn < thi):
            tn = 0.5 * (tlo + thi)
        if fabs(tn - th) <= LOCATE_TOL and th > 0.0:
            break
        th = tn
        _rk4_one(L, v, u, th, hi, lo, &vt, &ut)
    vx[0] = vt
    ux[0] = ut
    return th


cdef int _rk4_spiking_step(SpikeBuf* buf, int32_t neuron, double t0, double dt,
                           double v, double u, const Lane* L, double hi, double lo,
                           double* v_out, double* u_out) noexcept nogil:
    """Redo the step [t0, t0 + dt] of a neuron whose RK4 step crossed the peak
    (or that starts at or above it), in SUBSTEPS RK4 sub-steps: locate the
    crossing in the first sub-step that crosses, store the spike, reset there
    and integrate the rest of the step (again in SUBSTEPS pieces) from the reset
    state. Time is measured from the start of the step (s), so the state never
    depends on t0. Returns the number of spikes; -1 if it hit
    MAX_SPIKES_PER_STEP (the step is then cut short at the last reset)."""
    cdef double s = 0.0, h, th, vx, ux, v1 = v, u1 = u
    cdef int n = 0, i
    cdef bint crossing
    if v >= _peak_at(L, u):          # an initial state at or above the peak
        _push_one(buf, neuron, t0)
        _reset(L, &v, &u)
        n = 1
    while True:
        if dt - s <= 1e-12 * dt:
            break
        h = (dt - s) / SUBSTEPS
        crossing = False
        for i in range(SUBSTEPS):
            _rk4_one(L, v, u, h, hi, lo, &v1, &u1)
            if v1 >= _peak_at(L, u1):
                crossing = True
                break
            v = v1
            u = u1
            s = s + h
        if not crossing:
            break
        if n >= MAX_SPIKES_PER_STEP:
            buf.capped += 1
            n = -1
            break
        th = _rk4_locate(L, v, u, h, hi, lo, &vx, &ux)
        s = s + th
        _push_one(buf, neuron, t0 + s)
        n += 1
        v = vx
        u = ux
        _reset(L, &v, &u)
    v_out[0] = v
    u_out[0] = u
    return n


cdef inline double _interp_time(double t0, double dt, double v_start, double v_end,
                                double peak) noexcept nogil:
    """Grid methods with spike_time="interpolate": where the straight line from
    v_start (t0) to the pre-reset v_end (t0 + dt) meets the peak."""
    cdef double th
    if v_start >= peak:
        return t0
    th = dt * ((peak - v_start) / (v_end - v_start))
    if th > dt:
        th = dt
    return t0 + th


cdef inline void _fill_current(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, Py_ssize_t w,
                               Py_ssize_t k, const double* I0, double* Ik) noexcept nogil:
    """The current of step k for the lanes: offset + shared(t_k) + own_i(t_k)
    + noise_i(k), added in this order (as izhic.reference does)."""
    cdef Py_ssize_t j
    cdef double s
    for j in range(w):
        Ik[j] = I0[j]
    if ctx.wave != NULL:
        s = ctx.wave[k]
        for j in range(w):
            Ik[j] = Ik[j] + s
    if ctx.own != NULL:
        for j in range(nb):
            Ik[j] = Ik[j] + ctx.own[k * ctx.n + base + j]
    if ctx.noise != NULL:
        for j in range(nb):
            Ik[j] = Ik[j] + ctx.noise[base + j] * _normal(
                ctx.seed, <uint64_t> (base + j) if ctx.ids == NULL else ctx.ids[base + j],
                <uint64_t> k)


cdef inline uint64_t _step_form(int method, bint store_pre, bint accom, Py_ssize_t w,
                                double dt, double hi, double lo, double q2, double q1,
                                double q0, double* v, double* u, double* vpre, const double* I,
                                prm_t a, prm_t dta, prm_t b, prm_t c, prm_t d,
                                prm_t peak) noexcept nogil:
    if method == M_EULER:
        if store_pre:
            return _lanes_euler(w, False, True, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, dta, b, c, d, peak)
        return _lanes_euler(w, False, False, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, dta, b, c, d, peak)
    elif method == M_IZH2004:
        if store_pre:
            return _lanes_euler(w, True, True, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, dta, b, c, d, peak)
        return _lanes_euler(w, True, False, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, dta, b, c, d, peak)
    elif method == M_IZH2003:
        if store_pre:
            return _lanes_half(w, True, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, dta, b, c, d, peak)
        return _lanes_half(w, False, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, dta, b, c, d, peak)
    if store_pre:
        return _lanes_rk4(w, True, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, a, b, c, d, peak)
    return _lanes_rk4(w, False, dt, hi, lo, q2, q1, q0, accom, v, u, vpre, I, a, b, c, d, peak)


cdef inline uint64_t _step(bint accom, double q2, double q1, double q0, int method,
                           bint store_pre, Py_ssize_t w, double dt,
                           double hi, double lo, double* v, double* u, double* vpre,
                           const double* I, prm_t a, prm_t dta, prm_t b, prm_t c, prm_t d,
                           prm_t peak) noexcept nogil:
    """One step of ``w`` lanes with ``method``; the bint arguments of the lane
    functions are literals, so every call is a specialized loop. The v
    polynomial's coefficients are shared by the run (registers): the callers
    read them from the context once, not every step."""
    if accom:
        return _step_accom(method, store_pre, w, dt, hi, lo, q2, q1, q0,
                           v, u, vpre, I, a, dta, b, c, d, peak)
    return _step_form(method, store_pre, False, w, dt, hi, lo, q2, q1, q0,
                      v, u, vpre, I, a, dta, b, c, d, peak)


cdef uint64_t _step_accom(int method, bint store_pre, Py_ssize_t w, double dt, double hi,
                          double lo, double q2, double q1, double q0, double* v, double* u,
                          double* vpre, const double* I, prm_t a, prm_t dta, prm_t b, prm_t c,
                          prm_t d, prm_t peak) noexcept nogil:
    """The accommodation form (2004 panel R), kept out of line: it is rare, and
    inlining it beside the standard form made gcc stop inlining the hot path."""
    return _step_form(method, store_pre, True, w, dt, hi, lo, q2, q1, q0,
                      v, u, vpre, I, a, dta, b, c, d, peak)


cdef inline uint64_t _lanes_2007(Py_ssize_t w, bint u_from_new_v, bint store_pre,
                                 bint special, double hi, double lo, double* v, double* u,
                                 double* vpre, const double* I, prm_t kk, prm_t vr, prm_t vt,
                                 prm_t dtc, const Special07* sp, prm_t dta, prm_t b, prm_t c,
                                 prm_t d, prm_t peak) noexcept nogil:
    """One Euler step of the 2007 form: v from the old state; u from the old
    (method "euler", the book's scheme) or the new v ("izhikevich2004" order)."""
    cdef Py_ssize_t j
    cdef double vo, uo, vn, vu, un, pk, uu
    cdef uint64_t fired = 0
    for j in range(w):
        vo = v[j]
        uo = u[j]
        vn = vo + _p(dtc, j) * (_p(kk, j) * (vo - _p(vr, j)) * (vo - _p(vt, j)) - uo + I[j])
        vu = _sel(u_from_new_v, _clamp(vn, hi, lo), vo)
        if special:
            un = uo + _p(dta, j) * (_b07(True, sp, vu, _p(b, j), _p(vr, j)) - uo)
            pk = _p(peak, j) + sp.peak_u * un
            uu = un + _p(d, j)
            uu = _sel(uu < sp.u_max, uu, sp.u_max)
            if store_pre:
                vpre[j] = _clamp(vn, hi, lo)
            v[j] = _sel(vn >= pk, _p(c, j) + sp.c_u * un, _lower(vn, lo))
            u[j] = _sel(vn >= pk, uu, un)
            fired = fired | (<uint64_t> (vn >= pk) << j)
        else:
            un = uo + _p(dta, j) * (_b07(False, sp, vu, _p(b, j), _p(vr, j)) - uo)
            if store_pre:
                vpre[j] = _clamp(vn, hi, lo)
            v[j] = _sel(vn >= _p(peak, j), _p(c, j), _lower(vn, lo))
            u[j] = _sel(vn >= _p(peak, j), un + _p(d, j), un)
            fired = fired | (<uint64_t> (vn >= _p(peak, j)) << j)
    return fired


cdef inline void _rk4_stage_2007(Py_ssize_t w, double h, double hi, double lo,
                                 bint special, const Special07* sp,
                                 const double* v, const double* u, double* vs, double* us,
                                 double* acc_v, double* acc_u, double weight, bint first,
                                 const double* I, prm_t kk, prm_t vr, prm_t vt, prm_t invc,
                                 prm_t a, prm_t b) noexcept nogil:
    """_rk4_stage for the 2007 form."""
    cdef Py_ssize_t j
    cdef double kv, ku, x, y
    for j in range(w):
        x = vs[j]
        y = us[j]
        kv = (_p(kk, j) * (x - _p(vr, j)) * (x - _p(vt, j)) - y + I[j]) * _p(invc, j)
        ku = _p(a, j) * (_b07(special, sp, x, _p(b, j), _p(vr, j)) - y)
        if first:
            acc_v[j] = kv
            acc_u[j] = ku
        else:
            acc_v[j] = acc_v[j] + weight * kv
            acc_u[j] = acc_u[j] + weight * ku
        vs[j] = _clamp(v[j] + h * kv, hi, lo)
        us[j] = u[j] + h * ku


cdef inline uint64_t _lanes_rk4_2007(Py_ssize_t w, bint store_pre, bint special, double dt,
                                     double hi, double lo, double* v, double* u, double* vpre,
                                     const double* I, prm_t kk, prm_t vr, prm_t vt,
                                     prm_t invc, const Special07* sp, prm_t a, prm_t b,
                                     prm_t c, prm_t d, prm_t peak) noexcept nogil:
    """One classic RK4 step of the 2007 form, reset at the end of the step."""
    cdef double vs[MAXW]
    cdef double us[MAXW]
    cdef double acc_v[MAXW]
    cdef double acc_u[MAXW]
    cdef Py_ssize_t j
    cdef double x, y, kv, ku, vn, un, pk, uu, h = 0.5 * dt, dt6 = dt / 6.0
    cdef uint64_t fired = 0
    for j in range(w):
        vs[j] = v[j]
        us[j] = u[j]
    _rk4_stage_2007(w, h, hi, lo, special, sp, v, u, vs, us, acc_v, acc_u, 1.0, True, I, kk, vr, vt, invc, a, b)
    _rk4_stage_2007(w, h, hi, lo, special, sp, v, u, vs, us, acc_v, acc_u, 2.0, False, I, kk, vr, vt, invc, a, b)
    _rk4_stage_2007(w, dt, hi, lo, special, sp, v, u, vs, us, acc_v, acc_u, 2.0, False, I, kk, vr, vt, invc, a, b)
    for j in range(w):
        x = vs[j]
        y = us[j]
        kv = (_p(kk, j) * (x - _p(vr, j)) * (x - _p(vt, j)) - y + I[j]) * _p(invc, j)
        ku = _p(a, j) * (_b07(special, sp, x, _p(b, j), _p(vr, j)) - y)
        vn = v[j] + dt6 * (acc_v[j] + kv)
        un = u[j] + dt6 * (acc_u[j] + ku)
        if store_pre:
            vpre[j] = _clamp(vn, hi, lo)
        if special:
            pk = _p(peak, j) + sp.peak_u * un
            uu = un + _p(d, j)
            uu = _sel(uu < sp.u_max, uu, sp.u_max)
            v[j] = _sel(vn >= pk, _p(c, j) + sp.c_u * un, _lower(vn, lo))
            u[j] = _sel(vn >= pk, uu, un)
            fired = fired | (<uint64_t> (vn >= pk) << j)
        else:
            v[j] = _sel(vn >= _p(peak, j), _p(c, j), _lower(vn, lo))
            u[j] = _sel(vn >= _p(peak, j), un + _p(d, j), un)
            fired = fired | (<uint64_t> (vn >= _p(peak, j)) << j)
    return fired


cdef inline uint64_t _step_2007(Ctx* ctx, int method, bint store_pre, Py_ssize_t w,
                                double dt, double hi, double lo, double* v, double* u,
                                double* vpre, const double* I, prm_t kk, prm_t vr, prm_t vt,
                                prm_t dtc, prm_t invc, prm_t a, prm_t dta, prm_t b, prm_t c,
                                prm_t d, prm_t peak) noexcept nogil:
    cdef const Special07* sp = &ctx.sp
    cdef bint new_v = method == M_IZH2004
    if method == M_RK4:
        if ctx.special07:
            if store_pre:
                return _lanes_rk4_2007(w, True, True, dt, hi, lo, v, u, vpre, I, kk, vr, vt, invc, sp, a, b, c, d, peak)
            return _lanes_rk4_2007(w, False, True, dt, hi, lo, v, u, vpre, I, kk, vr, vt, invc, sp, a, b, c, d, peak)
        if store_pre:
            return _lanes_rk4_2007(w, True, False, dt, hi, lo, v, u, vpre, I, kk, vr, vt, invc, sp, a, b, c, d, peak)
        return _lanes_rk4_2007(w, False, False, dt, hi, lo, v, u, vpre, I, kk, vr, vt, invc, sp, a, b, c, d, peak)
    if ctx.special07:
        if new_v:
            if store_pre:
                return _lanes_2007(w, True, True, True, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
            return _lanes_2007(w, True, False, True, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
        if store_pre:
            return _lanes_2007(w, False, True, True, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
        return _lanes_2007(w, False, False, True, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
    if new_v:
        if store_pre:
            return _lanes_2007(w, True, True, False, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
        return _lanes_2007(w, True, False, False, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
    if store_pre:
        return _lanes_2007(w, False, True, False, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
    return _lanes_2007(w, False, False, False, hi, lo, v, u, vpre, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)


cdef void _sample(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, Py_ssize_t k,
                  uint64_t fired, const double* v, const double* u,
                  const double* vpre, const double* peak) noexcept nogil:
    """Store the trace values of the recorded lanes at the end of step k."""
    cdef Py_ssize_t j, row, s = (k + 1) // ctx.stride
    cdef double shown
    for j in range(nb):
        row = ctx.rec_row[base + j]
        if row < 0:
            continue
        if ctx.tr_v != NULL:
            shown = v[j]
            if (fired >> j) & 1:
                if ctx.v_at_spike == SHOW_PEAK:
                    shown = peak[j]
                elif ctx.v_at_spike == SHOW_OVERSHOOT:
                    shown = vpre[j]
            ctx.tr_v[row * ctx.n_samples + s] = shown
        if ctx.tr_u != NULL:
            ctx.tr_u[row * ctx.n_samples + s] = u[j]


cdef inline void _fill_lane(Lane* L, Ctx* ctx, double I, double a, double b, double c,
                            double d, double peak, double k, double vr, double vt,
                            double invc) noexcept nogil:
    L.I = I
    L.a = a
    L.b = b
    L.c = c
    L.d = d
    L.peak = peak
    L.q2 = ctx.q2
    L.q1 = ctx.q1
    L.q0 = ctx.q0
    L.accom = ctx.accom
    L.f07 = ctx.form2007
    L.k = k
    L.vr = vr
    L.vt = vt
    L.invc = invc
    L.sp = &ctx.sp if ctx.special07 else NULL


cdef inline void _run_block(Ctx* ctx, SpikeBuf* buf, Py_ssize_t blk, Py_ssize_t k0,
                            Py_ssize_t k1, Py_ssize_t w, prm_t mode) noexcept nogil:
    """Advance block ``blk`` (``w`` lanes) from step k0 to step k1 (exclusive).

    ``mode`` only selects the specialization: shared (double) or per-lane
    (pointer) parameters."""
    cdef double v[MAXW]
    cdef double u[MAXW]
    cdef double vpre[MAXW]
    cdef double I[MAXW]
    cdef double a_[MAXW]
    cdef double dta_[MAXW]
    cdef double b_[MAXW]
    cdef double c_[MAXW]
    cdef double d_[MAXW]
    cdef double peak_[MAXW]
    cdef uint64_t masks[NMASK]
    cdef double v0_[MAXW]
    cdef double u0_[MAXW]
    cdef double Ik[MAXW]          # current of the step (time-varying input)
    cdef double k07_[MAXW]
    cdef double vr07_[MAXW]
    cdef double vt07_[MAXW]
    cdef double dtc07_[MAXW]
    cdef double invc07_[MAXW]
    cdef prm_t k07, vr07, vt07, dtc07, invc07
    cdef Lane L
    cdef bint f07 = ctx.form2007 != 0
    cdef bint accom = ctx.accom != 0, varying = ctx.varying != 0
    cdef bint locate = ctx.locate != 0, interp = ctx.interp != 0
    cdef double q2 = ctx.q2, q1 = ctx.q1, q0 = ctx.q0
    cdef double* Icur = &I[0]
    cdef uint64_t bits
    cdef prm_t a, dta, b, c, d, peak
    cdef Py_ssize_t base = blk * w
    cdef Py_ssize_t nb = ctx.n - base
    cdef Py_ssize_t j, k, km, src
    cdef uint64_t fired, valid
    cdef double dt = ctx.dt, hi = ctx.vbig, lo = -ctx.vbig
    cdef int method = ctx.method
    cdef bint rec = ctx.rec_row != NULL and ctx.blk_rec[blk] != 0
    cdef bint pre_wanted = rec and ctx.tr_v != NULL and ctx.v_at_spike == SHOW_OVERSHOOT
    cdef bint sample
    if nb > w:
        nb = w
    if varying:
        Icur = &Ik[0]
    valid = (~(<uint64_t> 0)) >> (64 - nb)     # lanes that hold real neurons
    # load; padding lanes repeat lane 0 so they hold valid numbers
    for j in range(w):
        src = base + j if j < nb else base
        v[j] = ctx.v[src]
        u[j] = ctx.u[src]
        I[j] = ctx.current[src]
        peak_[j] = ctx.peak[src if ctx.shared_params == 0 else 0]
        if f07:
            k07_[j] = ctx.k07[src]
            vr07_[j] = ctx.vr07[src]
            vt07_[j] = ctx.vt07[src]
            dtc07_[j] = ctx.dtc07[src]
            invc07_[j] = ctx.invc07[src]
    if prm_t is double:
        if f07:
            k07 = ctx.k07[0]
            vr07 = ctx.vr07[0]
            vt07 = ctx.vt07[0]
            dtc07 = ctx.dtc07[0]
            invc07 = ctx.invc07[0]
        else:
            k07 = vr07 = vt07 = dtc07 = invc07 = 0.0
        a = ctx.a[0]
        dta = dt * ctx.a[0]
        b = ctx.b[0]
        c = ctx.c[0]
        d = ctx.d[0]
        peak = ctx.peak[0]
    else:
        for j in range(w):
            src = base + j if j < nb else base
            a_[j] = ctx.a[src]
            dta_[j] = dt * ctx.a[src]
            b_[j] = ctx.b[src]
            c_[j] = ctx.c[src]
            d_[j] = ctx.d[src]
        k07 = k07_
        vr07 = vr07_
        vt07 = vt07_
        dtc07 = dtc07_
        invc07 = invc07_
        a = a_
        dta = dta_
        b = b_
        c = c_
        d = d_
        peak = peak_
    if locate or interp:
        # spikes with times inside the step: handled lane by lane, at once
        for k in range(k0, k1):
            sample = rec and (k + 1) % ctx.stride == 0
            for j in range(w):
                v0_[j] = v[j]
                u0_[j] = u[j]
            if varying:
                _fill_current(ctx, base, nb, w, k, I, Ik)
            if f07:
                fired = _step_2007(ctx, method, interp or (sample and pre_wanted), w, dt,
                                   hi, lo, v, u, vpre, Icur, k07, vr07, vt07, dtc07, invc07,
                                   a, dta, b, c, d, peak) & valid
            else:
                fired = _step(accom, q2, q1, q0, method, interp or (sample and pre_wanted), w, dt,
                              hi, lo, v, u, vpre, Icur, a, dta, b, c, d, peak) & valid
            if k == 0 and locate:
                for j in range(nb):
                    if v0_[j] >= peak_[j]:
                        fired = fired | ((<uint64_t> 1) << j)
            bits = fired
            while bits != 0:
                j = _ctz(bits)
                bits = bits & (bits - 1)
                if locate:
                    _fill_lane(&L, ctx, Icur[j], _p(a, j), _p(b, j), _p(c, j), _p(d, j),
                               peak_[j], _p(k07, j), _p(vr07, j), _p(vt07, j), _p(invc07, j))
                    _rk4_spiking_step(buf, <int32_t> (base + j), k * dt, dt, v0_[j], u0_[j],
                                      &L, hi, lo, &v[j], &u[j])
                    vpre[j] = peak_[j]
                else:
                    _push_one(buf, <int32_t> (base + j),
                              _interp_time(k * dt, dt, v0_[j], vpre[j], peak_[j]))
            if sample:
                _sample(ctx, base, nb, k, fired, v, u, vpre, peak_)
        for j in range(nb):
            ctx.v[base + j] = v[j]
            ctx.u[base + j] = u[j]
        return
    # The fired-lane mask of each step goes to `masks`; spikes are extracted
    # from it every NMASK steps, so the step loop has no data-dependent branch.
    km = k0
    for k in range(k0, k1):
        sample = rec and (k + 1) % ctx.stride == 0
        if varying:
            _fill_current(ctx, base, nb, w, k, I, Ik)
        if f07:
            fired = _step_2007(ctx, method, sample and pre_wanted, w, dt, hi, lo, v, u, vpre,
                               Icur, k07, vr07, vt07, dtc07, invc07, a, dta, b, c, d,
                               peak) & valid
        else:
            fired = _step(accom, q2, q1, q0, method, sample and pre_wanted, w, dt, hi, lo, v, u, vpre, Icur,
                          a, dta, b, c, d, peak) & valid
        masks[k - km] = fired
        if sample:
            _sample(ctx, base, nb, k, fired, v, u, vpre, peak_)
        if k - km == NMASK - 1:
            _flush(buf, base, masks, km, NMASK, dt)
            km = k + 1
    _flush(buf, base, masks, km, k1 - km, dt)
    for j in range(nb):
        ctx.v[base + j] = v[j]
        ctx.u[base + j] = u[j]


cdef void _run_one(Ctx* ctx, SpikeBuf* buf, Py_ssize_t i, Py_ssize_t k0,
                   Py_ssize_t k1) noexcept nogil:
    """Advance neuron ``i`` alone (width 1): its state stays in registers, which
    matters for a single neuron, where the step's latency is the cost."""
    cdef double v = ctx.v[i], u = ctx.u[i], vpre = 0.0, I = ctx.current[i], I0 = I
    cdef double tv, tu, tpre, vs0, us0
    cdef Lane L
    cdef Py_ssize_t p = 0 if ctx.shared_params else i
    cdef double dt = ctx.dt, hi = ctx.vbig, lo = -ctx.vbig
    cdef double a = ctx.a[p], dta = dt * ctx.a[p], b = ctx.b[p], c = ctx.c[p], d = ctx.d[p]
    cdef double peak = ctx.peak[p]
    cdef Py_ssize_t k, km
    cdef uint64_t fired
    cdef uint64_t masks[NMASK]
    cdef int method = ctx.method
    cdef bint f07 = ctx.form2007 != 0
    cdef bint accom = ctx.accom != 0, varying = ctx.varying != 0
    cdef bint locate = ctx.locate != 0, interp = ctx.interp != 0
    cdef double q2 = ctx.q2, q1 = ctx.q1, q0 = ctx.q0
    cdef bint rec = ctx.rec_row != NULL and ctx.rec_row[i] >= 0
    cdef bint pre_wanted = rec and ctx.tr_v != NULL and ctx.v_at_spike == SHOW_OVERSHOOT
    cdef bint sample
    if locate or interp:
        for k in range(k0, k1):
            sample = rec and (k + 1) % ctx.stride == 0
            vs0 = v
            us0 = u
            if varying:
                _fill_current(ctx, i, 1, 1, k, &I0, &I)
            if f07:
                fired = _step_2007(ctx, method, interp or (sample and pre_wanted), 1, dt,
                                   hi, lo, &v, &u, &vpre, &I, ctx.k07[i], ctx.vr07[i],
                                   ctx.vt07[i], ctx.dtc07[i], ctx.invc07[i], a, dta, b, c, d,
                                   peak)
            else:
                fired = _step(accom, q2, q1, q0, method, interp or (sample and pre_wanted), 1, dt,
                              hi, lo, &v, &u, &vpre, &I, a, dta, b, c, d, peak)
            if k == 0 and locate and vs0 >= peak:
                fired = 1
            if fired:
                if locate:
                    if f07:
                        _fill_lane(&L, ctx, I, a, b, c, d, peak, ctx.k07[i], ctx.vr07[i],
                                   ctx.vt07[i], ctx.invc07[i])
                    else:
                        _fill_lane(&L, ctx, I, a, b, c, d, peak, 0.0, 0.0, 0.0, 0.0)
                    _rk4_spiking_step(buf, <int32_t> i, k * dt, dt, vs0, us0, &L, hi, lo,
                                      &tv, &tu)
                    v = tv
                    u = tu
                    vpre = peak
                else:
                    _push_one(buf, <int32_t> i, _interp_time(k * dt, dt, vs0, vpre, peak))
            if sample:
                tv = v
                tu = u
                tpre = vpre
                _sample(ctx, i, 1, k, fired, &tv, &tu, &tpre, &peak)
        ctx.v[i] = v
        ctx.u[i] = u
        return
    km = k0
    for k in range(k0, k1):
        sample = rec and (k + 1) % ctx.stride == 0
        if varying:
            _fill_current(ctx, i, 1, 1, k, &I0, &I)
        if f07:
            fired = _step_2007(ctx, method, sample and pre_wanted, 1, dt, hi, lo, &v, &u, &vpre,
                               &I, ctx.k07[i], ctx.vr07[i], ctx.vt07[i], ctx.dtc07[i],
                               ctx.invc07[i], a, dta, b, c, d, peak)
        else:
            fired = _step(accom, q2, q1, q0, method, sample and pre_wanted, 1, dt, hi, lo, &v, &u, &vpre, &I,
                          a, dta, b, c, d, peak)
        masks[k - km] = fired
        if sample:
            tv = v   # copies: the addresses of v, u never escape, so they stay in registers
            tu = u
            tpre = vpre
            _sample(ctx, i, 1, k, fired, &tv, &tu, &tpre, &peak)
        if k - km == NMASK - 1:
            _flush(buf, i, masks, km, NMASK, dt)
            km = k + 1
    _flush(buf, i, masks, km, k1 - km, dt)
    ctx.v[i] = v
    ctx.u[i] = u


cdef void _advance_block(Ctx* ctx, SpikeBuf* buf, Py_ssize_t blk, Py_ssize_t k0,
                         Py_ssize_t k1) noexcept nogil:
    """Dispatch to a specialization with a compile-time width, so the lane
    loops are fully unrolled."""
    cdef cdptr per_lane = NULL
    if ctx.width == 1:
        _run_one(ctx, buf, blk, k0, k1)
    elif ctx.shared_params:
        if ctx.width == MAXW:
            _run_block(ctx, buf, blk, k0, k1, MAXW, 0.0)
        else:
            _run_block(ctx, buf, blk, k0, k1, 8, 0.0)
    else:
        if ctx.width == MAXW:
            _run_block(ctx, buf, blk, k0, k1, MAXW, per_lane)
        else:
            _run_block(ctx, buf, blk, k0, k1, 8, per_lane)


def max_threads():
    """Threads OpenMP would use by default (1 without OpenMP)."""
    return izhic_max_threads()


cdef class Run:
    """One simulation in progress: parameters, state, spike buffers, traces.

    Created by :func:`izhic.simulate` with validated, contiguous float64 arrays;
    the arrays are kept referenced here for the lifetime of the run.
    """
    cdef Ctx ctx
    cdef object _keep
    cdef const double[::1] _a, _b, _c, _d, _peak, _current
    cdef double[::1] _v, _u
    cdef const int32_t[::1] _rec_row
    cdef const char[::1] _blk_rec
    cdef double[:, ::1] _tr_v, _tr_u
    cdef const double[::1] _wave, _noise, _k07, _vr07, _vt07, _dtc07, _invc07
    cdef const double[:, ::1] _own
    cdef const uint64_t[::1] _ids
    cdef readonly int n_threads

    def __cinit__(self):
        memset(&self.ctx, 0, sizeof(Ctx))

    def __init__(self, str method, double dt,
                 const double[::1] a, const double[::1] b, const double[::1] c,
                 const double[::1] d, const double[::1] peak, const double[::1] current,
                 double[::1] v, double[::1] u,
                 Py_ssize_t stride=1, rec_row=None, tr_v=None, tr_u=None,
                 str v_at_spike="peak", int n_threads=1, bint interpolate=False,
                 wave=None, own=None, noise=None, uint64_t seed=0,
                 double q2=0.04, double q1=5.0, double q0=140.0, bint accommodation=False,
                 form2007=None, special07=None, ids=None):
        cdef Py_ssize_t n = v.shape[0]
        cdef Py_ssize_t w = MAXW if n >= 4 * MAXW else (8 if n > 1 else 1)
        cdef Py_ssize_t i
        self._a, self._b, self._c, self._d = a, b, c, d
        self._peak, self._current, self._v, self._u = peak, current, v, u
        self.ctx.n = n
        self.ctx.width = w
        self.ctx.n_blocks = (n + w - 1) // w
        self.ctx.method = METHOD_CODES[method]
        self.ctx.locate = method == "rk4"
        self.ctx.interp = interpolate and method != "rk4"
        self.ctx.shared_params = a.shape[0] == 1 and n > 1
        self.ctx.dt = dt
        self.ctx.vbig = VBIG
        self.ctx.a = &a[0]
        self.ctx.b = &b[0]
        self.ctx.c = &c[0]
        self.ctx.d = &d[0]
        self.ctx.peak = &peak[0]
        self.ctx.current = &current[0]
        self.ctx.v = &v[0]
        self.ctx.u = &u[0]
        self.ctx.stride = stride
        if wave is not None:
            self._wave = wave
            self.ctx.wave = &self._wave[0]
        if own is not None:
            self._own = own
            self.ctx.own = &self._own[0, 0]
        if noise is not None:
            self._noise = noise
            self.ctx.noise = &self._noise[0]
            self.ctx.seed = seed
            if ids is not None:
                self._ids = ids
                self.ctx.ids = &self._ids[0]
        self.ctx.varying = wave is not None or own is not None or noise is not None
        self.ctx.q2 = q2
        self.ctx.q1 = q1
        self.ctx.q0 = q0
        self.ctx.accom = accommodation
        if form2007 is not None:        # (k, vr, vt, dt/C, 1/C) per neuron
            self._k07, self._vr07, self._vt07, self._dtc07, self._invc07 = form2007
            self.ctx.form2007 = 1
            self.ctx.k07 = &self._k07[0]
            self.ctx.vr07 = &self._vr07[0]
            self.ctx.vt07 = &self._vt07[0]
            self.ctx.dtc07 = &self._dtc07[0]
            self.ctx.invc07 = &self._invc07[0]
            if special07 is not None:
                self.ctx.special07 = 1
                self.ctx.sp.use_vu = special07["use_vu"]
                self.ctx.sp.v_u = special07["v_u"]
                self.ctx.sp.cubic = special07["cubic"]
                self.ctx.sp.v_cubic = special07["v_cubic"]
                self.ctx.sp.b_low = special07["b_low"]
                self.ctx.sp.v_switch = special07["v_switch"]
                self.ctx.sp.peak_u = special07["peak_u"]
                self.ctx.sp.c_u = special07["c_u"]
                self.ctx.sp.u_max = special07["u_max"]
        self.ctx.v_at_spike = V_AT_SPIKE_CODES[v_at_spike]
        # threads: fixed for the run (static schedule: each neuron is always
        # advanced by the same thread, so its spikes sit in one buffer in order)
        self.n_threads = max(1, min(n_threads, self.ctx.n_blocks))
        self.ctx.n_bufs = self.n_threads
        self.ctx.bufs = <SpikeBuf*> malloc(self.ctx.n_bufs * sizeof(SpikeBuf))
        if self.ctx.bufs == NULL:
            raise MemoryError("izhic: cannot allocate spike buffers")
        for i in range(self.ctx.n_bufs):
            _pool_take(&self.ctx.bufs[i])
        if rec_row is not None:
            self._rec_row = rec_row
            self.ctx.rec_row = &self._rec_row[0]
            blk = np.zeros(self.ctx.n_blocks, dtype=np.int8)
            rows = np.asarray(rec_row)
            recorded = np.flatnonzero(rows >= 0)
            blk[recorded // w] = 1
            self._blk_rec = blk.view(np.uint8).view("b")
            self.ctx.blk_rec = &self._blk_rec[0]
            if tr_v is not None:
                self._tr_v = tr_v
                self.ctx.tr_v = &self._tr_v[0, 0]
                self.ctx.n_samples = tr_v.shape[1]
            if tr_u is not None:
                self._tr_u = tr_u
                self.ctx.tr_u = &self._tr_u[0, 0]
                self.ctx.n_samples = tr_u.shape[1]

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.ctx.bufs != NULL:
            for i in range(self.ctx.n_bufs):
                _pool_give(&self.ctx.bufs[i])
            free(self.ctx.bufs)
            self.ctx.bufs = NULL

    @property
    def width(self):
        return self.ctx.width

    @property
    def n_blocks(self):
        return self.ctx.n_blocks

    def advance(self, Py_ssize_t k0, Py_ssize_t k1):
        """Advance every neuron from step k0 to step k1 (exclusive).

        Returns False if a spike buffer could not grow (out of memory)."""
        cdef Py_ssize_t blk, nblk = self.ctx.n_blocks
        cdef Ctx* ctx = &self.ctx
        cdef int nt = self.n_threads
        with nogil:
            if nt == 1:
                for blk in range(nblk):
                    _advance_block(ctx, &ctx.bufs[0], blk, k0, k1)
            else:
                for blk in prange(nblk, schedule="static", num_threads=nt):
                    _advance_block(ctx, &ctx.bufs[threadid()], blk, k0, k1)
        for blk in range(ctx.n_bufs):
            if ctx.bufs[blk].failed:
                return False
        return True

    def n_capped(self):
        """Steps cut short because a neuron crossed the peak more than
        MAX_SPIKES_PER_STEP times within them (method "rk4")."""
        cdef Py_ssize_t i, total = 0
        for i in range(self.ctx.n_bufs):
            total += self.ctx.bufs[i].capped
        return total

    def n_spikes(self):
        """Spikes stored so far."""
        cdef Py_ssize_t i, total = 0
        for i in range(self.ctx.n_bufs):
            total += self.ctx.bufs[i].n
        return total

    def collect(self):
        """Spike times as (times, offsets): neuron i's times are
        ``times[offsets[i]:offsets[i+1]]``, in increasing order. Frees the buffers."""
        cdef Py_ssize_t n = self.ctx.n, blk, i, total = self.n_spikes()
        cdef SpikeBuf* buf
        offsets_arr = np.zeros(n + 1, dtype=np.int64)
        times_arr = np.empty(total, dtype=np.float64)
        cdef int64_t[::1] off = offsets_arr
        cdef double[::1] times = times_arr
        cdef int64_t[::1] pos
        with nogil:
            for blk in range(self.ctx.n_bufs):
                buf = &self.ctx.bufs[blk]
                for i in range(buf.n):
                    off[buf.neuron[i] + 1] += 1
            for i in range(n):
                off[i + 1] += off[i]
        pos_arr = offsets_arr[:n].copy()
        pos = pos_arr
        with nogil:
            for blk in range(self.ctx.n_bufs):
                buf = &self.ctx.bufs[blk]
                for i in range(buf.n):
                    times[pos[buf.neuron[i]]] = buf.time[i]
                    pos[buf.neuron[i]] += 1
        for blk in range(self.ctx.n_bufs):
            _pool_give(&self.ctx.bufs[blk])
        return times_arr, offsets_arr
