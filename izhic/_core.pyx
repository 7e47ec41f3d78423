# cython: language_level=3
"""izhic's compiled core: nogil kernels that advance many independent neurons.

The kernels trust their inputs: every check happens in :mod:`izhic._plan`,
which hands :class:`Run` a validated plan (contiguous arrays, integer codes
and flags); nothing here parses strings or builds NumPy arrays.

Layout of the work
------------------
Neurons are cut into blocks of ``width`` lanes (64 for populations, 8 for a
handful of neurons, 1 for a single neuron, whose state then stays in
registers). A block's state and parameters live in local arrays on the
calling thread's stack; the time loop runs inside the block, and the update of
the lanes is one branch-free loop that the C compiler turns into vector code.
Parameters shared by all neurons are scalars (registers). Fired lanes come out
as a 64-bit mask per step; spikes are extracted from the masks every NMASK
steps into an append-only buffer. The blocks are split into ``n_parts``
contiguous partitions, each with its own spike buffer; the partitions are
distributed over OpenMP threads with ``prange(schedule="static")``. Each
neuron belongs to one partition, so its spikes land in one buffer in time
order whatever the number of threads OpenMP actually provides: results do not
depend on the thread count.

A run is advanced in chunks of steps (``Run.advance``): between chunks the GIL
is taken back, so Ctrl-C and progress reporting work on long runs. Steps are
counted from t = 0 of the first run of a chain (``step0`` is the first step of
this run), so a run continued from a state draws the same noise and input as
one long run.

Times: the end of step k is reported at ``t_{k+1} = ((k + 1) * num) / den``
where ``num / den`` is dt as the decimal the user wrote (0.1 = 1/10), so a
run of 0.3 ms ends at 0.3, not 0.30000000000000004. Input is sampled at
``k * dt`` (the product), as Izhikevich's figure code does.

Numerics of the 2003 form (every method: the current of step k held over the
step, state (v, u) at the start of step k is the state at t = k dt)::

    f(v, u) = q2*(v*v) + q1*v + q0 - u + I     (0.04, 5, 140 unless given), left to right
              ((q2*v + q1)*v + q0 - u + I with horner=True)

    euler           v1 = v + dt*f(v, u);         u1 = u + (dt*a)*(b*v - u)
    izhikevich2004  v1 = v + dt*f(v, u);         u1 = u + (dt*a)*(b*v1 - u)
    izhikevich2003  vh = v + (dt/2)*f(v, u);     v1 = vh + (dt/2)*f(vh, u);
                    u1 = u + (dt*a)*(b*v1 - u)
    rk4_grid, rk4   classic RK4 of (f, a*(b*v - u)) over dt
    (accommodation recovery: (dt*a*b)*(v + 65) in place of (dt*a)*(b*v - u))

    then: v1 is held in [-1e150, 1e150] (so v*v never overflows; no realistic
    run comes near), and if v1 >= v_peak: spike at t_{k+1}, v1 = c,
    u1 = u1 + d. "rk4" instead redoes such a step to locate the crossing (see
    the comment above _rk4_locate). The 2007 form: see _lanes_2007 and
    _lanes_rk4_2007.

A state that leaves the model's range (|u| >= 1e150, or v pinned at -1e150,
which is also where a NaN lands, or |v| >= 1e150 after a 2007 special-cell
reset c + c_u u of a runaway u) is reported per partition (first neuron and
step); the wrapper raises instead of returning it.

The NumPy reference (``izhic.reference``) evaluates the same expressions in the
same order; the build uses ``-ffp-contract=off`` so the results are identical
bit for bit.
"""
from cython.parallel cimport parallel, prange, threadid
from libc.stdlib cimport malloc, calloc, realloc, free
from libc.string cimport memset
from libc.math cimport fabs, exp, nextafter, INFINITY, sqrt, atan, log
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint64_t


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
    /* Functions kept out of line whatever gcc's inliner thinks, with all
       they call inlined into them (flatten: without it gcc called a generic
       copy of the lane loop, with a run-time width), declared by their C
       names as Cython writes them (a mismatch is a compile error, not a
       silent change): the RK4 step of a block (see _rk4_block). */
    #if defined(__GNUC__) || defined(__clang__)
    #define IZHIC_NOINLINE __attribute__((noinline, flatten))
    #else
    #define IZHIC_NOINLINE
    #endif
    static uint64_t __pyx_f_5izhic_5_core__rk4_ool_s(int, double, double, double, int,
        Py_ssize_t, double, double, double, double *, double *, double *, double *, double *,
        double const *, double const *, double const *, double, double, double, double, double,
        double, int, int) IZHIC_NOINLINE;
    /* ... and the grid step of a 2003 block with per-lane parameters (see
       _grid_pl), whose pointers are restrict-qualified. */
    #if defined(__GNUC__) || defined(__clang__)
    #define IZHIC_RESTRICT __restrict
    #else
    #define IZHIC_RESTRICT
    #endif
    typedef double* IZHIC_RESTRICT izhic_rd;
    typedef const double* IZHIC_RESTRICT izhic_crd;
    static void __pyx_f_5izhic_5_core__grid_pl(int, Py_ssize_t, int64_t, double, double,
        double, double, double, double, izhic_rd, izhic_rd, izhic_rd, izhic_crd, izhic_crd,
        izhic_crd, izhic_crd, izhic_crd, izhic_crd, uint64_t, uint64_t *) IZHIC_NOINLINE;
    #if defined(_MSC_VER)
    #include <intrin.h>
    static inline int izhic_ctz(unsigned long long x) { unsigned long i; _BitScanForward64(&i, x); return (int)i; }
    #else
    static inline int izhic_ctz(unsigned long long x) { return __builtin_ctzll(x); }
    #endif
    /* A hint to fetch a cache line ahead of use (the synapse tables are read
       at random places, one miss after another otherwise). */
    #if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    /* as asm: gcc's vectorizer drops __builtin_prefetch from loops it vectorizes */
    #define izhic_prefetch(p) __asm__ volatile("prefetcht0 %0" : : "m"(*(const char*)(p)))
    #elif defined(__GNUC__) || defined(__clang__)
    #define izhic_prefetch(p) __builtin_prefetch((const void*)(p))
    #else
    #define izhic_prefetch(p) ((void)0)
    #endif
    /* A barrier of the enclosing parallel region (an orphaned directive):
       Cython makes a prange inside "with parallel()" an "omp for nowait". */
    #ifdef _OPENMP
    static inline void izhic_barrier(void) {
        _Pragma("omp barrier")
    }
    #else
    static inline void izhic_barrier(void) {}
    #endif
    /* Random numbers: counter-based (izhic/_noise.py is the reference, bit for
       bit). A neuron's stream key is mix64(mix64(id + stream) ^ seed); the
       bits of step k are mix64(key + (k + 1) * GOLDEN) (SplitMix64 from the
       neuron's own starting point). Normal numbers: a 256-layer ziggurat
       whose tables come with the plan; the rare slow path uses the C
       library's exp/log (which Python's math module calls too). */
    #define IZHIC_GOLDEN 0x9e3779b97f4a7c15ULL
    #define IZHIC_GOLDEN2 0xd1b54a32d192ed03ULL
    static inline unsigned long long izhic_mix64(unsigned long long z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    static inline unsigned long long izhic_key(unsigned long long seed, unsigned long long id,
                                               unsigned long long stream) {
        return izhic_mix64(izhic_mix64(id + stream) ^ seed);
    }
    static inline double izhic_unit(unsigned long long h) {
        return (double)(h >> 11) * 0x1.0p-53;                  /* [0, 1) */
    }
    static double izhic_zig_slow(unsigned long long h, int i, double u, double x,
                                 const double* X, const double* R, const double* F) {
        for (;;) {            /* the fast test failed for (h, i, u, x) */
            h = izhic_mix64(h + IZHIC_GOLDEN2);
            if (i == 0) {     /* the tail beyond X[1] (Marsaglia) */
                for (;;) {
                    double e = -log(1.0 - izhic_unit(h)) / X[1];
                    h = izhic_mix64(h + IZHIC_GOLDEN2);
                    double y = -log(1.0 - izhic_unit(h));
                    h = izhic_mix64(h + IZHIC_GOLDEN2);
                    if (y + y > e * e) return u > 0.0 ? X[1] + e : -(X[1] + e);
                }
            }
            if (F[i + 1] + izhic_unit(h) * (F[i] - F[i + 1]) < exp(-0.5 * x * x)) return x;
            h = izhic_mix64(h + IZHIC_GOLDEN2);
            i = (int)(h & 0xFF);
            u = 2.0 * izhic_unit(h) - 1.0;
            x = u * X[i];
            if (fabs(u) < R[i]) return x;
        }
    }
    static inline double izhic_normal(unsigned long long key, unsigned long long step,
                                      const double* X, const double* R, const double* F) {
        unsigned long long h = izhic_mix64(key + (step + 1) * IZHIC_GOLDEN);
        int i = (int)(h & 0xFF);
        double u = 2.0 * izhic_unit(h) - 1.0;
        double x = u * X[i];
        if (fabs(u) < R[i]) return x;
        return izhic_zig_slow(h, i, u, x, X, R, F);
    }
    /* out[j] += scale[j] * normal(keys[j], step) for n <= 64 lanes, the same
       numbers as izhic_normal: the fast path for every lane first (a loop
       without branches, so it vectorizes), then the rare lanes that need the
       slow path. */
    static inline void izhic_add_normals(long n, const unsigned long long* keys,
                                         unsigned long long step, const double* scale,
                                         double* out, const double* X, const double* R,
                                         const double* F) {
        double x[64];
        int slow[64];
        int any = 0;
        const unsigned long long sk = (step + 1) * IZHIC_GOLDEN;
        for (long j = 0; j < n; j++) {
            unsigned long long h = izhic_mix64(keys[j] + sk);
            int i = (int)(h & 0xFF);
            double u = 2.0 * izhic_unit(h) - 1.0;
            x[j] = u * X[i];
            slow[j] = !(fabs(u) < R[i]);
            any |= slow[j];
        }
        if (any) {
            for (long j = 0; j < n; j++) {
                if (slow[j]) {
                    unsigned long long h = izhic_mix64(keys[j] + sk);
                    int i = (int)(h & 0xFF);
                    double u = 2.0 * izhic_unit(h) - 1.0;
                    x[j] = izhic_zig_slow(h, i, u, u * X[i], X, R, F);
                }
            }
        }
        for (long j = 0; j < n; j++) out[j] = out[j] + scale[j] * x[j];
    }
    /* Poisson arrivals of mean lam in one step, by inverse transform (the
       smallest n with U < sum_{j<=n} e^-lam lam^j / j!) */
    static inline int izhic_poisson(unsigned long long key, unsigned long long step,
                                    double emlam, double lam) {
        double u = izhic_unit(izhic_mix64(key + (step + 1) * IZHIC_GOLDEN));
        double p = emlam, cdf = emlam;
        int n = 0;
        while (u >= cdf && n < 10000) {
            n += 1;
            p = p * lam / n;
            cdf = cdf + p;
            if (p == 0.0) break;
        }
        return n;
    }
    static inline double izhic_sel(int cond, double a, double b) { return cond ? a : b; }
    /* Method "ps": the series of 8 lanes side by side (_ps_orders in the
       .pyx says what it computes). The terms are a [order][64] table: lane
       j's term of order k at X[64 k + j], X the address of the 8 lanes' first
       column. Parameters: 8 values (ps = 1) or one for all (ps = 0). The
       expressions and their order are _ps_series', so a lane gets its bits;
       GCC and Clang keep the 8 lanes in vector registers, other compilers get
       the same arithmetic lane by lane. */
    #if defined(__GNUC__) || defined(__clang__)
    /* vectors of the machine's width (wider ones are compared lane by lane) */
    #if defined(__AVX512F__)
    #define IZHIC_VW 8
    #elif defined(__AVX__)
    #define IZHIC_VW 4
    #else
    #define IZHIC_VW 2
    #endif
    #define IZHIC_NQ (8 / IZHIC_VW)       /* vectors per 8 lanes */
    typedef double izhic_vd __attribute__((vector_size(8 * IZHIC_VW)));
    typedef long long izhic_vl __attribute__((vector_size(8 * IZHIC_VW)));
    static inline izhic_vd izhic_ld(const double* p) {
        izhic_vd x; __builtin_memcpy(&x, p, sizeof x); return x; }
    static inline void izhic_st(double* p, izhic_vd x) { __builtin_memcpy(p, &x, sizeof x); }
    static inline izhic_vd izhic_prm(const double* p, int ps) {
        izhic_vd x = {0};
        if (ps) return izhic_ld(p);
        return x + p[0]; }
    static inline izhic_vd izhic_vabs(izhic_vd x) {
        return (izhic_vd)((izhic_vl)x & 0x7fffffffffffffffLL); }
    /* any lane of K still 0 (a lane still going on)? On x86 one mask
       instruction: the lane-by-lane OR it replaces (extracts, moves, ORs)
       was a fifth of ps's time on random 2003 neurons (perf, AVX-512). */
    #if defined(__AVX512F__) && IZHIC_VW == 8
    #include <immintrin.h>
    static inline int izhic_any_open(izhic_vl K) {
        return _mm512_cmpeq_epi64_mask((__m512i)K, _mm512_setzero_si512()) != 0; }
    #elif defined(__AVX__) && IZHIC_VW == 4
    #include <immintrin.h>
    static inline int izhic_any_open(izhic_vl K) {
        return _mm256_movemask_pd((__m256d)(K == 0)) != 0; }
    #elif (defined(__x86_64__) || defined(_M_X64)) && IZHIC_VW == 2
    #include <emmintrin.h>
    static inline int izhic_any_open(izhic_vl K) {
        return _mm_movemask_pd((__m128d)(K == 0)) != 0; }
    #else
    static inline int izhic_any_open(izhic_vl K) {
        izhic_vl o = (K == 0);
        long long t = 0;
        int j;
        for (j = 0; j < IZHIC_VW; j++) t |= o[j];
        return t != 0;
    }
    #endif
    /* the state of one vector of lanes' series */
    typedef struct {
        izhic_vd kk, vr, vt, invc, a, b, h, tolv, tolu, c1;
        izhic_vd xp;                  /* |A| of the newest term */
        izhic_vd i1, i2;              /* the input's terms of orders 1, 2 (tv) */
        int tv;
        izhic_vl K, okp;              /* okp: the newest terms within the tolerance */
        double* A;
        double* U;
        int open, last;
    } izhic_psv;
    static inline void izhic_ps_start(izhic_psv* s, double* A, double* U, const int* Kj,
                                      const double* hp, const double* tvp, const double* tup,
                                      const double* kkp, const double* vrp, const double* vtp,
                                      const double* invcp, const double* ap, const double* bp,
                                      int ps, const double* It) {
        int j;
        izhic_vd z = {0};
        s->tv = It != NULL;
        s->i1 = s->tv ? izhic_ld(It) : z;
        s->i2 = s->tv ? izhic_ld(It + 64) : z;
        s->kk = izhic_prm(kkp, ps); s->vr = izhic_prm(vrp, ps); s->vt = izhic_prm(vtp, ps);
        s->invc = izhic_prm(invcp, ps); s->a = izhic_prm(ap, ps); s->b = izhic_prm(bp, ps);
        s->h = izhic_ld(hp); s->tolv = izhic_ld(tvp); s->tolu = izhic_ld(tup);
        for (j = 0; j < IZHIC_VW; j++) s->K[j] = Kj[j];
        s->A = A;
        s->U = U;
        s->open = izhic_any_open(s->K);
        s->last = 0;
    }
    /* order 0 (the terms of order 1) */
    static inline void izhic_ps_order0(izhic_psv* s, int f07, const double* v0p, const double* Ip,
                                       double q2, double q1, double q0, int accom) {
        izhic_vd P, F, G, B, An, Un, Ak = izhic_ld(s->A), Uk = izhic_ld(s->U);
        izhic_vl fin;
        P = Ak * Ak;
        if (f07) {
            s->c1 = s->kk * (2.0 * Ak - (s->vt - s->vr));
            F = (s->kk * (P - (s->vt - s->vr) * Ak) - Uk + izhic_ld(Ip)) * s->invc;
            B = s->b * (izhic_ld(v0p) - s->vr);
            G = s->a * (B - Uk);
        } else {
            s->c1 = (2.0 * q2) * Ak + q1;
            F = q2 * P + q1 * Ak + q0 - Uk + izhic_ld(Ip);
            if (accom) G = (s->a * s->b) * (Ak + 65.0);
            else G = s->a * (s->b * Ak - Uk);
        }
        An = (s->h * 1.0) * F;
        Un = (s->h * 1.0) * G;
        izhic_st(s->A + 64, An);
        izhic_st(s->U + 64, Un);
        s->xp = izhic_vabs(An);
        fin = (s->xp < 1e300) & (izhic_vabs(Un) < 1e300);
        s->okp = (s->xp <= s->tolv) & (izhic_vabs(Un) <= s->tolu);
        s->K = s->K - ((s->K == 0) & ~fin & 1);
        s->open = izhic_any_open(s->K);
        s->last = 1;
    }
    /* order k >= 1 (the terms of order k + 1) */
    static inline void izhic_ps_order(izhic_psv* s, int f07, int k, int probe, double q2,
                                      int accom) {
        izhic_vd P, P1, F, G, B, x, y, r, ru, Ak, Uk, An, Un, fk = {0}, zv = {0};
        izhic_vl open, fin, cv, ok, g;
        const double* A = s->A;
        int i = 1;
        P = fk;
        P1 = fk;
        while (i + 1 < (k + 1) / 2) {
            P = P + izhic_ld(A + 64 * i) * izhic_ld(A + 64 * (k - i));
            P1 = P1 + izhic_ld(A + 64 * (i + 1)) * izhic_ld(A + 64 * (k - i - 1));
            i += 2;
        }
        if (i < (k + 1) / 2)
            P = P + izhic_ld(A + 64 * i) * izhic_ld(A + 64 * (k - i));
        P = 2.0 * (P + P1);
        if (k % 2 == 0) {
            x = izhic_ld(A + 64 * (k / 2));
            P = P + x * x;
        }
        fk = fk + 1.0 / (k + 1);
        Ak = izhic_ld(A + 64 * k);
        Uk = izhic_ld(s->U + 64 * k);
        if (f07) {
            F = s->kk * P - Uk;
            if (s->tv) F = F + (k == 1 ? s->i1 : (k == 2 ? s->i2 : zv));
            F = (F + s->c1 * Ak) * s->invc;
            B = s->b * Ak;
            G = s->a * (B - Uk);
        } else {
            F = q2 * P - Uk;
            if (s->tv) F = F + (k == 1 ? s->i1 : (k == 2 ? s->i2 : zv));
            F = F + s->c1 * Ak;
            if (accom) G = (s->a * s->b) * Ak;
            else G = s->a * (s->b * Ak - Uk);
        }
        An = (s->h * fk) * F;
        Un = (s->h * fk) * G;
        izhic_st(s->A + 64 * (k + 1), An);
        izhic_st(s->U + 64 * (k + 1), Un);
        x = izhic_vabs(An);
        y = izhic_vabs(Un);
        fin = (x < 1e300) & (y < 1e300);
        /* the last two terms within the tolerance (the older's test kept
           from the order before: |Ak| <= tolv and |Uk| <= tolu) */
        ok = (x <= s->tolv) & (y <= s->tolu);
        cv = s->okp & ok;
        s->okp = ok;
        open = (s->K == 0);
        /* open lanes: k + 1 where converged, -1 where a term overflowed */
        s->K = (s->K & ~open) | (open & ((fin & cv & (k + 1)) | (~fin & -1)));
        if (k == probe) {
            r = x / (s->xp + 1e-300);
            r = r * r;
            ru = r * r;
            y = x * (ru * ru) * ru * r;
            g = (s->K == 0) & (x > s->tolv) & (y > s->tolv);
            s->K = s->K + g;                  /* (g: -1 where given up) */
        }
        s->open = izhic_any_open(s->K);
        s->xp = x;
        s->last = k + 1;
    }
    /* _ps_orders for n times 8 lanes (n = 1, 2, 4), each vector of lanes to
       the order it needs, the vectors' chains side by side (which the core
       overlaps); Kc[c]: the highest order computed for the c-th 8 */
    static inline void izhic_ps_orders_n(int n, int f07, int max_order, int probe, double* A,
                                         double* U, const double* v0, const double* I,
                                         const double* h, const double* tolv, const double* tolu,
                                         int* Kj, int* Kc, double q2, double q1, double q0,
                                         int accom, const double* kk, const double* vr,
                                         const double* vt, const double* invc, const double* a,
                                         const double* b, int ps, const double* It) {
        izhic_psv s[4 * IZHIC_NQ];
        int c, j, k, o, nv = n * IZHIC_NQ, any;
        for (c = 0; c < nv; c++) {
            o = IZHIC_VW * c;
            izhic_ps_start(&s[c], A + o, U + o, Kj + o, h + o, tolv + o, tolu + o,
                           kk + o * ps, vr + o * ps, vt + o * ps, invc + o * ps, a + o * ps,
                           b + o * ps, ps, It == NULL ? NULL : It + o);
            if (s[c].open)
                izhic_ps_order0(&s[c], f07, v0 + o, I + o, q2, q1, q0, accom);
        }
        for (k = 1; k < max_order; k++) {
            any = 0;
            for (c = 0; c < nv; c++) {
                if (s[c].open) {
                    izhic_ps_order(&s[c], f07, k, probe, q2, accom);
                    any = 1;
                }
            }
            if (!any) break;
        }
        for (c = 0; c < n; c++) {
            Kc[c] = 0;
            for (o = 0; o < IZHIC_NQ; o++)
                Kc[c] = s[IZHIC_NQ * c + o].last > Kc[c] ? s[IZHIC_NQ * c + o].last : Kc[c];
        }
        for (c = 0; c < nv; c++)
            for (j = 0; j < IZHIC_VW; j++) Kj[IZHIC_VW * c + j] = (int)s[c].K[j];
    }
    static int izhic_ps_orders8(int f07, int max_order, int probe, double* A,
                                double* U, const double* v0, const double* I, const double* h,
                                const double* tolv, const double* tolu, int* Kj, double q2,
                                double q1, double q0, int accom, const double* kk,
                                const double* vr, const double* vt, const double* invc,
                                const double* a, const double* b, int ps, const double* It) {
        int Kc[2];
        izhic_ps_orders_n(1, f07, max_order, probe, A, U, v0, I, h, tolv, tolu, Kj, Kc, q2, q1,
                          q0, accom, kk, vr, vt, invc, a, b, ps, It);
        return Kc[0];
    }
    /* sum_{k = Kj..1} of the terms (_ps_sums), 8 lanes */
    static void izhic_ps_sums8(int Kmax, const double* A, const double* U, const int* Kj,
                               double* sv, double* su) {
        izhic_vd s, t, z = {0};
        izhic_vl K, m;
        int k, j, q;
        for (q = 0; q < IZHIC_NQ; q++) {
            s = z;
            t = z;
            for (j = 0; j < IZHIC_VW; j++) K[j] = Kj[IZHIC_VW * q + j];
            for (k = Kmax; k > 0; k--) {
                m = (K >= k);
                s = s + (izhic_vd)(((izhic_vl)izhic_ld(A + 64 * k + IZHIC_VW * q) & m)
                                   | ((izhic_vl)z & ~m));
                t = t + (izhic_vd)(((izhic_vl)izhic_ld(U + 64 * k + IZHIC_VW * q) & m)
                                   | ((izhic_vl)z & ~m));
            }
            izhic_st(sv + IZHIC_VW * q, s);
            izhic_st(su + IZHIC_VW * q, t);
        }
    }
    #else
    static int izhic_ps_orders8(int f07, int max_order, int probe, double* A, double* U,
                                const double* v0, const double* I, const double* h,
                                const double* tolv, const double* tolu, int* Kj, double q2,
                                double q1, double q0, int accom, const double* kk,
                                const double* vr, const double* vt, const double* invc,
                                const double* a, const double* b, int ps, const double* It) {
        double P[8], P1[8], c1[8], F, G, B, x, y, r, ru, fk, ik;
        int k, i, j, left, s, fin, cv;
        for (j = 0; j < 8; j++) {
            s = ps * j;
            P[j] = A[j] * A[j];
            if (f07) {
                c1[j] = kk[s] * (2.0 * A[j] - (vt[s] - vr[s]));
                F = (kk[s] * (P[j] - (vt[s] - vr[s]) * A[j]) - U[j] + I[j]) * invc[s];
                B = b[s] * (v0[j] - vr[s]);
                G = a[s] * (B - U[j]);
            } else {
                c1[j] = (2.0 * q2) * A[j] + q1;
                F = q2 * P[j] + q1 * A[j] + q0 - U[j] + I[j];
                G = accom ? (a[s] * b[s]) * (A[j] + 65.0) : a[s] * (b[s] * A[j] - U[j]);
            }
            A[64 + j] = (h[j] * 1.0) * F;
            U[64 + j] = (h[j] * 1.0) * G;
            fin = fabs(A[64 + j]) < 1e300 && fabs(U[64 + j]) < 1e300;
            if (Kj[j] == 0 && !fin) Kj[j] = -1;
        }
        for (k = 1; k < max_order; k++) {
            /* (order, then term, then lane: 8 independent chains) */
            fk = 1.0 / (k + 1);
            for (j = 0; j < 8; j++) {
                P[j] = 0.0;
                P1[j] = 0.0;
            }
            i = 1;
            while (i + 1 < (k + 1) / 2) {
                for (j = 0; j < 8; j++) {
                    P[j] = P[j] + A[64 * i + j] * A[64 * (k - i) + j];
                    P1[j] = P1[j] + A[64 * (i + 1) + j] * A[64 * (k - i - 1) + j];
                }
                i += 2;
            }
            if (i < (k + 1) / 2)
                for (j = 0; j < 8; j++)
                    P[j] = P[j] + A[64 * i + j] * A[64 * (k - i) + j];
            for (j = 0; j < 8; j++) {
                P[j] = 2.0 * (P[j] + P1[j]);
                if (k % 2 == 0)
                    P[j] = P[j] + A[64 * (k / 2) + j] * A[64 * (k / 2) + j];
            }
            left = 0;
            for (j = 0; j < 8; j++) {
                s = ps * j;
                /* the input's terms (It: orders 1, 2; zero above) */
                ik = It == NULL ? 0.0 : (k == 1 ? It[j] : (k == 2 ? It[64 + j] : 0.0));
                if (f07) {
                    F = kk[s] * P[j] - U[64 * k + j];
                    if (It != NULL) F = F + ik;
                    F = (F + c1[j] * A[64 * k + j]) * invc[s];
                    B = b[s] * A[64 * k + j];
                    G = a[s] * (B - U[64 * k + j]);
                } else {
                    F = q2 * P[j] - U[64 * k + j];
                    if (It != NULL) F = F + ik;
                    F = F + c1[j] * A[64 * k + j];
                    G = accom ? (a[s] * b[s]) * A[64 * k + j]
                              : a[s] * (b[s] * A[64 * k + j] - U[64 * k + j]);
                }
                A[64 * (k + 1) + j] = (h[j] * fk) * F;
                U[64 * (k + 1) + j] = (h[j] * fk) * G;
                x = fabs(A[64 * (k + 1) + j]);
                y = fabs(U[64 * (k + 1) + j]);
                fin = (x < 1e300) & (y < 1e300);
                cv = (fabs(A[64 * k + j]) <= tolv[j]) & (x <= tolv[j])
                     & (fabs(U[64 * k + j]) <= tolu[j]) & (y <= tolu[j]);
                Kj[j] = Kj[j] + (Kj[j] == 0) * (fin * cv * (k + 1) - (1 - fin));
                left += Kj[j] == 0;
            }
            if (left == 0) break;
            if (k == probe) {
                left = 0;
                for (j = 0; j < 8; j++) {
                    x = fabs(A[64 * (k + 1) + j]);
                    r = x / (fabs(A[64 * k + j]) + 1e-300);
                    r = r * r;
                    ru = r * r;
                    y = x * (ru * ru) * ru * r;
                    Kj[j] = Kj[j] - ((Kj[j] == 0) & (x > tolv[j]) & (y > tolv[j]));
                    left += Kj[j] == 0;
                }
                if (left == 0) break;
            }
        }
        return k + 1;
    }
    static void izhic_ps_orders_n(int n, int f07, int max_order, int probe, double* A,
                                  double* U, const double* v0, const double* I, const double* h,
                                  const double* tolv, const double* tolu, int* Kj, int* Kc,
                                  double q2, double q1, double q0, int accom, const double* kk,
                                  const double* vr, const double* vt, const double* invc,
                                  const double* a, const double* b, int ps, const double* It) {
        int c;
        for (c = 0; c < n; c++)
            Kc[c] = izhic_ps_orders8(f07, max_order, probe, A + 8 * c, U + 8 * c, v0 + 8 * c,
                                     I + 8 * c, h + 8 * c, tolv + 8 * c, tolu + 8 * c,
                                     Kj + 8 * c, q2, q1, q0, accom, kk + 8 * c * ps,
                                     vr + 8 * c * ps, vt + 8 * c * ps, invc + 8 * c * ps,
                                     a + 8 * c * ps, b + 8 * c * ps, ps,
                                     It == NULL ? NULL : It + 8 * c);
    }
    static void izhic_ps_sums8(int Kmax, const double* A, const double* U, const int* Kj,
                               double* sv, double* su) {
        int k, j;
        for (j = 0; j < 8; j++) {
            sv[j] = 0.0;
            su[j] = 0.0;
        }
        for (k = Kmax; k > 0; k--)
            for (j = 0; j < 8; j++) {
                sv[j] = sv[j] + (k <= Kj[j] ? A[64 * k + j] : 0.0);
                su[j] = su[j] + (k <= Kj[j] ? U[64 * k + j] : 0.0);
            }
    }
    #endif
    /* 16 and 32 lanes: _ps_orders' calls */
    #define IZHIC_PS_ORDERS(NAME, N) \
    static void NAME(int f07, int max_order, int probe, double* A, double* U, \
                     const double* v0, const double* I, const double* h, const double* tolv, \
                     const double* tolu, int* Kj, int* Kc, double q2, double q1, double q0, \
                     int accom, const double* kk, const double* vr, const double* vt, \
                     const double* invc, const double* a, const double* b, int ps, \
                     const double* It) { \
        izhic_ps_orders_n(N, f07, max_order, probe, A, U, v0, I, h, tolv, tolu, Kj, Kc, q2, q1, \
                          q0, accom, kk, vr, vt, invc, a, b, ps, It); \
    }
    IZHIC_PS_ORDERS(izhic_ps_orders16, 2)
    IZHIC_PS_ORDERS(izhic_ps_orders32, 4)
    #undef IZHIC_PS_ORDERS
    /* the neuron of random event j of step k (izhic._noise.kick_neuron) */
    static inline long izhic_kick(unsigned long long key, unsigned long long k,
                                  unsigned long long j, unsigned long long per, long n) {
        unsigned long long h = izhic_mix64(key + (k * per + j + 1) * IZHIC_GOLDEN);
        return (long)((double)(h >> 11) * 0x1.0p-53 * (double)n);
    }
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
    void _prefetch "izhic_prefetch"(const void* p) noexcept nogil
    void _barrier "izhic_barrier"() noexcept nogil
    long _kick "izhic_kick"(uint64_t key, uint64_t k, uint64_t j, uint64_t per,
                            long n) noexcept nogil
    void _add_normals "izhic_add_normals"(long n, const uint64_t* keys, uint64_t step,
                                          const double* scale, double* out, const double* X,
                                          const double* R, const double* F) noexcept nogil
    uint64_t _key "izhic_key"(uint64_t seed, uint64_t neuron, uint64_t stream) noexcept nogil
    double _normal "izhic_normal"(uint64_t key, uint64_t step, const double* X, const double* R,
                                  const double* F) noexcept nogil
    int _poisson "izhic_poisson"(uint64_t key, uint64_t step, double emlam, double lam) noexcept nogil
    double _sel "izhic_sel"(bint cond, double a, double b) noexcept nogil
    int _ps_orders8 "izhic_ps_orders8"(bint f07, int max_order, int probe, double* A, double* U,
                                       const double* v0, const double* I, const double* h,
                                       const double* tolv, const double* tolu, int* Kj, double q2,
                                       double q1, double q0, bint accom, const double* kk,
                                       const double* vr, const double* vt, const double* invc,
                                       const double* a, const double* b, int ps,
                                       const double* It) noexcept nogil
    void _ps_orders16 "izhic_ps_orders16"(bint f07, int max_order, int probe, double* A,
                                          double* U, const double* v0, const double* I,
                                          const double* h, const double* tolv, const double* tolu,
                                          int* Kj, int* Kc, double q2, double q1, double q0,
                                          bint accom, const double* kk, const double* vr,
                                          const double* vt, const double* invc, const double* a,
                                          const double* b, int ps, const double* It) noexcept nogil
    void _ps_orders32 "izhic_ps_orders32"(bint f07, int max_order, int probe, double* A,
                                          double* U, const double* v0, const double* I,
                                          const double* h, const double* tolv, const double* tolu,
                                          int* Kj, int* Kc, double q2, double q1, double q0,
                                          bint accom, const double* kk, const double* vr,
                                          const double* vt, const double* invc, const double* a,
                                          const double* b, int ps, const double* It) noexcept nogil
    void _ps_sums8 "izhic_ps_sums8"(int Kmax, const double* A, const double* U, const int* Kj,
                                    double* sv, double* su) noexcept nogil
    int IZHIC_HAVE_OPENMP
    int izhic_max_threads() noexcept nogil

#: Compiled with OpenMP (parallel over neurons)?
OPENMP = bool(IZHIC_HAVE_OPENMP)
#: Compiled with -march=native (vector units of the build machine)?
NATIVE = bool(IZHIC_BUILD_NATIVE)

cdef double LOCATE_TOL = 1e-10   # ms: rk4 crossing times are located to this
cdef double LOCATE_ACCEPT = 3e-6  # ms: a spike's Newton correction this small (in a
                                  # sub-step H <= 0.05 ms) is taken without another RK4
                                  # evaluation (izhic.reference)
cdef double LOCATE_ACCEPT_LONG = 1e-6   # ms: the same above H = 0.05, times (0.05 / H)^4
cdef enum:
    MAX_LOCATE_ITER = 60
    MAX_SPIKES_PER_STEP = 1000   # rk4: more crossings than this in one step is an error
    SUBSTEPS = 2                 # rk4: a step that carries a spike is redone in sub-steps
    MAXW = 64          # widest block (lanes)
    MAX_EXP = 4        # exponential synapses: at most this many time constants in one run
    NMASK = 256        # steps between two spike extractions
    PREFETCH = 24       # delivery: queue entries fetched ahead
    LTP_PREFETCH = 12   # potentiation: incoming synapses fetched ahead
    MAX_PARTS = 1024    # network runs: partitions (one per thread)
    PROJ_BITS = 24      # a queue entry's proj: the projection, and its group's plastic flag
    PROJ_MASK = (1 << 24) - 1
    MAX_PIECES = 64     # rk4: a step is split at most MAX_PIECES - 1 times at input edges
    MAX_KINKS = 2       # rk4: switches of a form (2007: v_switch, v_cubic)
    MAX_SWITCHES_PER_STEP = 64   # rk4: located switch crossings in one step (then plain RK4)

# method codes (keep in sync with izhic.simulate.METHODS)
cdef enum:
    M_EULER = 0
    M_IZH2004 = 1
    M_IZH2003 = 2
    M_RK4 = 3
    M_PS = 4

# what a v trace shows in the sample of a step that ended in a spike
cdef enum:
    SHOW_PEAK = 0        # v_peak
    SHOW_OVERSHOOT = 1   # the value the step computed, before the reset
    SHOW_RESET = 2       # the state after the reset (c)

#: method "rk4": at most this many spikes of one neuron within one step
SPIKES_PER_STEP_LIMIT = MAX_SPIKES_PER_STEP
#: method "ps": at most this many sub-steps of one neuron within one step
PS_SUBSTEPS_LIMIT = PS_MAX_SUBSTEPS
#: method "rk4": at most this many pieces of one step (split at input edges)
PIECES_PER_STEP_LIMIT = MAX_PIECES

cdef uint64_t C_STREAM = 0xBF58476D1CE4E5B9     # the noise stream (izhic._noise)

#: integer codes of the methods and of what v shows at a spike (the plan uses them)
METHOD_CODES = {"euler": M_EULER, "izhikevich2004": M_IZH2004,
                "izhikevich2003": M_IZH2003, "rk4": M_RK4, "rk4_grid": M_RK4,
                "ps": M_PS}
V_AT_SPIKE_CODES = {"peak": SHOW_PEAK, "overshoot": SHOW_OVERSHOOT, "reset": SHOW_RESET}
#: |v| bound of the state (and |u| bound of the range check)
V_BOUND = VBIG
#: the range of the state is checked every this many steps (and at the end of a chunk)
RANGE_CHECK_STEPS = NMASK



ctypedef struct SpikeBuf:
    int32_t* neuron
    double* time
    Py_ssize_t n
    Py_ssize_t cap
    int failed
    Py_ssize_t capped           # steps cut short by MAX_SPIKES_PER_STEP
    int64_t capped_step         # the first of them, and its neuron
    int32_t capped_neuron
    Py_ssize_t stalled          # of them: ps steps cut short by PS_MAX_SUBSTEPS
    Py_ssize_t diverged         # checks that found a state out of range
    int64_t div_step            # the first: the step it was found after, and the neuron
    int32_t div_neuron


ctypedef struct Proj:
    # one Synapses object: pre-major rows grouped by delay (izhic.synapses)
    const int64_t* gptr         # neuron i's (pre, delay) groups: gptr[i] .. gptr[i + 1] - 1
    const int64_t* gstart       # group g's synapses: gstart[g] .. gstart[g + 1] - 1
    const uint16_t* gdidx       # group g's delay: dsteps[gdidx[g]]
    const int32_t* post         # sorted within each group
    const double* w
    const int32_t* dsteps       # delays in steps
    int acc                     # the accumulator it feeds
    int unique                  # no (pre, delay) group hits a target twice
    # plasticity (rule != 0): w is the run's own copy, changed through wm
    int rule
    double* wm
    const uint8_t* mask         # plastic synapses (NULL: all)
    const uint8_t* gflag        # plastic runs: group g has 0 no, 1 only, 2 some plastic synapses
    double* sd                  # izhikevich2006: the derivatives
    double* apre                # additive: each synapse's presynaptic trace, at step tpre
    int64_t* tpre
    const int64_t* in_ptr       # the plastic synapses onto neuron i: in_ptr[i] .. in_ptr[i+1]-1
    const int64_t* in_syn       # (their storage positions,
    const int32_t* in_pre       #  presynaptic neurons
    const int32_t* in_dly       #  and delays in steps)
    const int64_t* in_off       #  and where their traces are: in_pre - in_dly * n


ctypedef struct PoissonIn:
    int acc
    double weight, lam, emlam   # arrivals per step: Poisson(lam); emlam = exp(-lam)
    const uint64_t* keys        # one stream key per neuron


ctypedef struct QEntry:
    int64_t start               # synapses start .. start + length - 1 of projection proj
    int64_t step                # the step the spike was found in
    int32_t length
    int32_t proj


ctypedef struct Queue:
    QEntry* e
    Py_ssize_t n, cap


ctypedef struct WinBuf:
    int32_t* neuron
    int64_t* step
    Py_ssize_t n, cap
    int failed


ctypedef struct Special07:
    # B(v) = b' (v - v_u) + cubic max(v - v_cubic, 0)^3, b' = b_low where v <= v_switch
    # peak = v_peak + peak_u u;  reset: v = c + c_u u, u = min(u + d, u_max)
    int use_vu
    double v_u, cubic, v_cubic, b_low, v_switch, peak_u, c_u, u_max
    int nullcline               # B(v) has a special term (v_u, cubic, b switch)


ctypedef struct Ctx:
    Py_ssize_t n
    Py_ssize_t width
    Py_ssize_t n_blocks
    int method
    int shared_params             # a, b, c, d, peak: one value for all neurons
    double dt
    int64_t step0               # absolute index of the run's first step
    int64_t k_end               # and of the step after its last
    double tnum, tden           # reported time of step boundary k: (k * tnum) / tden
    int n_parts                 # partitions of the blocks (one spike buffer each)
    const int64_t* part         # partition p holds blocks part[p] .. part[p + 1] - 1
    double vbig                 # = VBIG, read at run time (see izhic_clamp)
    const double* a
    const double* b
    const double* c
    const double* d
    const double* peak
    const double* dta           # dt * a (network runs with per-neuron parameters; padded)
    const double* current       # per-neuron offset (constant part of the input)
    const double* wave          # shared waveform, one value per step (NULL: none)
    const double* own           # per-neuron waveforms [step, neuron] (NULL: none)
    const double* noise         # per-neuron noise amplitude per step (NULL: none)
    const uint64_t* noise_keys  # each neuron's noise stream key (izhic._noise.stream_key)
    uint64_t seed
    int varying                 # any of wave, own, noise
    # rk4 with waveforms (staged): wave (n_steps, 3) and own (n_steps, 3, n) hold
    # the input at t_k, t_k + dt/2 and t_{k+1} (left limit); the steps with
    # an input edge inside are split into pieces (izhic.inputs.Stimulus.sample_stages)
    int staged
    const int64_t* split        # (n_steps + 1,): pieces of step k (NULL: no step is split)
    const double* piece_start   # ms from the start of the step
    const double* piece_length
    const double* piece_wave    # (n_pieces, 3) (NULL: no shared waveform)
    const double* piece_own     # (n_pieces, 3, n) (NULL: no per-neuron waveform)
    int n_kinks                 # rk4: the form's switches, located like spikes
    double kink[MAX_KINKS]
    int kink_b                  # which of them is the switch of b (-1: none)
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
    int horner                  # the polynomial as (q2 v + q1) v + q0 (spnet)
    double* v
    double* u
    SpikeBuf* bufs              # one append-only spike buffer per partition
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
    # random numbers (noise, Poisson input): the ziggurat's tables
    const double* zig_x
    const double* zig_r
    const double* zig_f
    # ---- network input (net = 0: none) ----
    int net
    int64_t window              # steps per window: no spike arrives in the window it is found in
    Py_ssize_t n_acc            # input accumulators, each [window][n]
    double* acc
    int acc_current             # index of the current accumulator (-1: none)
    int acc_voltage             # index of the voltage-jump accumulator (-1: none)
    int n_exp                   # exponential synapses: accumulators first_exp .. + n_exp - 1
    int first_exp
    double* syn                 # [n_exp][n] their synaptic currents (state)
    const double* exp_full      # [n_exp] exp(-dt / tau)
    const double* exp_half      # [n_exp] exp(-(dt / 2) / tau)
    const double* exp_rate      # [n_exp] 1 / tau
    int n_proj
    Proj* proj
    const int64_t* ev_ptr       # events of this run's step k: ev_ptr[k] .. ev_ptr[k + 1] - 1
    const int32_t* ev_neuron
    const double* ev_amp
    int n_poisson
    PoissonIn* poisson
    int64_t ring                # queue slots (>= the longest delay + the window, in steps)
    Queue* queue                # queue[(k % ring) * n_parts + p]: the synapse ranges that
                                # act in step k, from the spikes of partition p's neurons
    Queue* hist                 # hist[(k % ring) * n_parts + p]: the neurons of partition p
                                # that spiked in step k (in order)
    int push_failed             # a window's spikes could not enter the history (no memory)
    WinBuf* win                 # per partition: the spikes of the window (neuron, step)
    # random events (izhic.inputs.random_events): kick_n neurons a step
    uint64_t kick_key
    int kick_n
    double kick_amp
    # plasticity (izhic.plasticity): rule 0 none, 1 izhikevich2006, 2 additive
    int rule
    double tr_amp, tr_decay, ltd_ratio, bias, sd_decay, w_min, w_max
    double tau_plus, tau_minus, a_plus, a_minus
    int64_t interval            # izhikevich2006: steps between weight updates
    double* traces              # izhikevich2006: traces[(k % n_cols) * n + i] = x_i in step k
    int64_t n_cols
    double* apost               # additive: each neuron's trace, at the step tpost
    int64_t* tpost


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


cdef inline double _time(int64_t k, double tnum, double tden) noexcept nogil:
    """The reported time of step boundary k: k dt as the decimal dt (see the
    module docstring); k * tnum is an exact integer (the wrapper checks)."""
    return (<double> k * tnum) / tden


cdef inline void _flush(SpikeBuf* buf, Py_ssize_t base, const uint64_t* masks,
                        int64_t k_first, Py_ssize_t n_steps, double tnum,
                        double tden) noexcept nogil:
    """Append the spikes of ``n_steps`` steps, given as one fired-lane mask per
    step (step ``k_first + i`` ends at ``t_{k_first + i + 1}``)."""
    cdef Py_ssize_t i, j
    cdef uint64_t bits
    cdef double t
    for i in range(n_steps):
        bits = masks[i]
        if bits == 0:
            continue
        t = _time(k_first + i + 1, tnum, tden)
        while bits != 0:
            if buf.n == buf.cap and _grow(buf) != 0:
                return
            j = _ctz(bits)
            bits = bits & (bits - 1)
            buf.neuron[buf.n] = <int32_t> (base + j)
            buf.time[buf.n] = t
            buf.n += 1


cdef inline void _check_range(SpikeBuf* buf, Py_ssize_t base, Py_ssize_t nb, const double* v,
                              const double* u, int64_t k) noexcept nogil:
    """Report the first lane whose state left the model's range after step k:
    |u| >= VBIG (or NaN), or v pinned at -VBIG (where the lower clamp also
    puts a NaN). No realistic run comes within 50 orders of magnitude."""
    cdef Py_ssize_t j
    cdef int bad = 0
    for j in range(nb):
        bad = bad | (not (fabs(u[j]) < VBIG)) | (not (fabs(v[j]) < VBIG))
    if not bad:
        return
    for j in range(nb):
        if not (fabs(u[j]) < VBIG) or not (fabs(v[j]) < VBIG):
            if buf.diverged == 0 or k < buf.div_step:
                buf.div_step = k
                buf.div_neuron = <int32_t> (base + j)
            buf.diverged += 1
            return


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

cdef extern from *:
    ctypedef double* rdptr "izhic_rd"            # double* __restrict
    ctypedef const double* crdptr "izhic_crd"    # const double* __restrict
ctypedef fused prm_t:
    double
    cdptr


cdef inline double _p(prm_t p, Py_ssize_t j) noexcept nogil:
    if prm_t is double:
        return p
    else:
        return p[j]


cdef inline double _poly(bint horner, double q2, double q1, double q0, double x) noexcept nogil:
    """The 2003 form's polynomial: q2 (x x) + q1 x + q0, or (q2 x + q1) x + q0."""
    if horner:
        return (q2 * x + q1) * x + q0
    return q2 * (x * x) + q1 * x + q0


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
                                 double q2, double q1, double q0, bint accom, bint horner,
                                  double* v, double* u, double* vpre, const double* I,
                                  prm_t dta, prm_t b, prm_t c, prm_t d,
                                  prm_t peak) noexcept nogil:
    cdef Py_ssize_t j
    cdef double vo, uo, vn, un
    cdef uint64_t fired = 0
    for j in range(w):
        vo = v[j]
        uo = u[j]
        vn = vo + dt * (_poly(horner, q2, q1, q0, vo) - uo + I[j])
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
                                 double q2, double q1, double q0, bint accom, bint horner,
                                 double* v, double* u, double* vpre, const double* I,
                                 prm_t dta, prm_t b, prm_t c, prm_t d,
                                 prm_t peak) noexcept nogil:
    cdef Py_ssize_t j
    cdef double vo, uo, vh, vn, un, h = 0.5 * dt
    cdef uint64_t fired = 0
    for j in range(w):
        vo = v[j]
        uo = u[j]
        vh = _clamp(vo + h * (_poly(horner, q2, q1, q0, vo) - uo + I[j]), hi, lo)
        vn = vh + h * (_poly(horner, q2, q1, q0, vh) - uo + I[j])
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
                            double q2, double q1, double q0, bint accom, bint horner,
                            const double* v, const double* u, double* vs, double* us,
                            double* acc_v, double* acc_u, double weight, bint first,
                            const double* I, prm_t a, prm_t b) noexcept nogil:
    """One RK4 stage over all lanes: the slopes at (vs, us), with the current
    of that stage's time ``I``, are added to the accumulators (weight 1 or 2),
    and (vs, us) become v + h*slope, u + h*slope. Stage-major loops keep the
    lanes independent, so the stages of different lanes overlap in the
    pipeline (one lane's four stages are a long chain)."""
    cdef Py_ssize_t j
    cdef double kv, ku, x, y
    for j in range(w):
        x = vs[j]
        y = us[j]
        kv = _poly(horner, q2, q1, q0, x) - y + I[j]
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
                                 double q2, double q1, double q0, bint accom, bint horner,
                                double* v, double* u, double* vpre, const double* I,
                                const double* Ih, const double* I4,
                                prm_t a, prm_t b, prm_t c, prm_t d,
                                prm_t peak) noexcept nogil:
    # k1 + 2 k2 + 2 k3 + k4, summed left to right as in the reference; the
    # current of the stages at t_k (I), t_k + dt/2 (Ih) and t_k + dt (I4)
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
    _rk4_stage(w, h, hi, lo, q2, q1, q0, accom, horner, v, u, vs, us, acc_v, acc_u, 1.0, True, I, a, b)
    _rk4_stage(w, h, hi, lo, q2, q1, q0, accom, horner, v, u, vs, us, acc_v, acc_u, 2.0, False, Ih, a, b)
    _rk4_stage(w, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vs, us, acc_v, acc_u, 2.0, False, Ih, a, b)
    for j in range(w):
        x = vs[j]
        y = us[j]
        kv = _poly(horner, q2, q1, q0, x) - y + I4[j]
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
# integrator's own order). The root is found by Newton, started at the cubic
# Hermite interpolant of the time as a function of y = -1/(v + q1/(2 q2)) over
# the crossing sub-step (its two ends and their slopes, no evaluation: near the
# blow-up v ~ -1/(q2 (t - t*)), so the time is nearly linear in y; within
# 1.3e-6 ms of the root at dt = 0.1, 16x closer than the same interpolant in v;
# in F = v - peak(u) where the cut-off moves with u), or else where the
# frozen-u Riccati equation reaches the peak (closed form; else from theta = 0,
# F and the slope known there without an evaluation) with F'(theta) ~ v'(v(theta),
# u(theta)) (exact for the flow, off by O(theta^4) for the step map), kept
# inside a bracket [lo, hi] with F(lo) < 0 <= F(hi) (the midpoint when Newton
# leaves it). On the upstroke v is convex in time, so the iterates climb from
# below: the earliest crossing, and no evaluation beyond the peak where v^2
# blows up. The neuron is reset at the crossing (v = c, u = u(theta) + d) and
# the rest of the step is integrated from there (in one RK4 step), so several
# spikes in one step are handled; more than MAX_SPIKES_PER_STEP is reported
# (the wrapper raises). A Newton correction of at most LOCATE_ACCEPT (3e-6 ms,
# in sub-steps up to 0.05 ms) is taken without another evaluation, the state
# moved along its slopes: the slope is the flow's, not the step map's, so the
# iteration converges linearly, and what is left is the ratio it converges by
# times the correction. That ratio grows fast with H: at H = 0.05 no first
# correction up to 3e-5 ms moved a located time, at H = 0.0625 one of 1e-6 ms
# moved it by 3e-10 ms; above H = 0.05 the limit is LOCATE_ACCEPT_LONG (1e-6
# ms) times (0.05 / H)^4 (unscaled, the located time was 1e-7 ms off at
# dt = 1). Measured against the step map's root found by bisection to the
# last bit, 2003 presets RS, IB, CH, FS, LTS at I = 5, 10, 30: at most
# 1.85e-11 ms at dt = 0.01, 9.69e-11 at 0.1, 9.73e-11 at 0.25, 1.01e-10 at
# 0.5, 1.05e-10 at 1 (from the Riccati start, stopping at a 1e-10 ms
# correction: 1.1-2.0e-10). RK4 evaluations per spiking step on those cases
# (sub-steps, locator and rest): 3.52 / 3.50 / 5.16 / 5.89 / 8.08 at dt
# 0.01 / 0.1 / 0.25 / 0.5 / 1 (3.88 at dt 0.1 with a 1e-6 ms limit there),
# against 6.69 / 4.94 / 5.51 / 6.45 / 8.07 from the Riccati start (and 7.8
# on W2 before that start and the one-step rest).
#
# Chosen by measurement (README, "How rk4 finds the crossing"): halving the
# bracket before Newton cost 8 evaluations per spike for the same answer;
# 2 sub-steps took the worst error over the 2003 presets at dt = 0.1 from
# 0.0104 to 0.0083 ms, 4 or 8 gained nothing more; redoing also the steps
# whose last stage passes the peak cost 5x and changed no error. Dense output
# of the full step is useless exactly when the stages run into the blow-up
# (large dt, large current); the exact Riccati solution with u frozen is only
# first order in a*theta (as an answer; as Newton's start it saves 1.7
# evaluations per spike).
# ---------------------------------------------------------------------------

ctypedef struct Lane:
    # one neuron's parameters for the scalar spike-location code; the current
    # at time t into the step is I + sum_g s[g] exp(-t rate[g]) (I alone when
    # n_exp = 0: held over the step)
    double I, a, b, c, d, peak
    int n_exp
    double s[MAX_EXP]
    double rate[MAX_EXP]
    double q2, q1, q0           # 2003 form
    int accom
    int horner
    int f07                     # 2007 form
    double k, vr, vt, invc
    const Special07* sp         # 2007 special-cell terms (NULL: none)
    # rk4 with waveform input (staged): the step in pieces, the current of a
    # piece a quadratic through its values at start, middle and end
    int tv                      # the current varies within the step (staged or n_exp)
    int staged
    int n_pieces
    const double* ps0           # the pieces' starts (ms into the step) and lengths
    const double* ph
    const double* ptri          # (n_pieces, 3): the current at start, middle, end
    double pa, pc1, pc2, pst    # the piece in use: pa + tau (pc1 + tau pc2), tau = t - pst
    int n_kinks                 # switches of the form (located like spikes)
    double kink[MAX_KINKS]
    int kink_b                  # the kink where b switches (-1: none)
    int bside                   # -1: B(v)'s branch by v; else forced (see _B07)


cdef inline double _B07(const Lane* L, double x) noexcept nogil:
    """The 2007 u-nullcline B(v) of one neuron (see _b07); with ``L.bside``
    >= 0 on the branch it names (0: b, 1: b_low) whatever v is (a step that
    ends on the switch is the old branch's, its last stage included)."""
    cdef double bb, z
    if L.bside < 0:
        return _b07(L.sp != NULL, L.sp, x, L.b, L.vr)
    bb = _sel(L.bside == 1, L.sp.b_low, L.b)
    z = x - L.sp.v_cubic
    z = _sel(z > 0.0, z, 0.0)
    return bb * (x - _sel(L.sp.use_vu, L.sp.v_u, L.vr)) + L.sp.cubic * (z * z * z)


cdef inline double _I_at(const Lane* L, double t) noexcept nogil:
    """The current t ms into the step (the lanes' I, Ih, I4 at 0, dt/2, dt)."""
    cdef double x = L.I, tau
    cdef int g
    if L.staged:
        tau = t - L.pst
        x = L.pa + tau * (L.pc1 + tau * L.pc2)
    for g in range(L.n_exp):
        x = x + L.s[g] * exp(-t * L.rate[g])
    return x


cdef inline double _fv(const Lane* L, double x, double y, double I) noexcept nogil:
    """dv/dt under the current I (same expressions as the lanes)."""
    if L.f07:
        return (L.k * (x - L.vr) * (x - L.vt) - y + I) * L.invc
    return _poly(L.horner, L.q2, L.q1, L.q0, x) - y + I


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


cdef inline void _rk4_one(const Lane* L, double v, double u, double h, double t0, double hi,
                          double lo, double* v1, double* u1) noexcept nogil:
    """One RK4 step of length h from t0 ms into the step; the same
    expressions, in the same order, as the RK4 lanes (so h = dt from t0 = 0
    gives the same bits)."""
    cdef double hs, h6 = h / 6.0, x, y, kv, ku, av, au, Ih, I4
    cdef int s
    if L.tv:
        Ih = _I_at(L, t0 + 0.5 * h)
        I4 = _I_at(L, t0 + h)
    else:
        Ih = I4 = L.I
    kv = _fv(L, v, u, _I_at(L, t0) if L.tv else L.I)
    ku = _gu(L, v, u)
    av = kv
    au = ku
    for s in range(3):              # stages 2, 3, 4: at v + h/2 k1, v + h/2 k2, v + h k3
        hs = 0.5 * h if s < 2 else h
        x = _clamp(v + hs * kv, hi, lo)
        y = u + hs * ku
        kv = _fv(L, x, y, Ih if s < 2 else I4)
        ku = _gu(L, x, y)
        if s < 2:
            av = av + 2.0 * kv
            au = au + 2.0 * ku
    v1[0] = v + h6 * (av + kv)
    u1[0] = u + h6 * (au + ku)


cdef inline double _riccati_guess(const Lane* L, double v, double u, double t0,
                                  double H) noexcept nogil:
    """The time v takes from v to the peak with u and the current frozen (the
    Riccati equation v' = q2 v^2 + q1 v + c0, solved exactly): Newton's start;
    0 where it does not reach the peak within H (then Newton starts at 0)."""
    cdef double q2, q1, c0, D, s, P = _peak_at(L, u), I, rp, rm, T
    I = _I_at(L, t0) if L.tv else L.I
    if L.f07:
        q2 = L.k * L.invc
        q1 = -L.k * (L.vr + L.vt) * L.invc
        c0 = (L.k * L.vr * L.vt - u + I) * L.invc
    else:
        q2 = L.q2
        q1 = L.q1
        c0 = L.q0 - u + I
    if not (q2 > 0.0) or not (P > v):
        return 0.0
    D = q1 * q1 - 4.0 * q2 * c0
    if D < 0.0:
        s = sqrt(-D)
        T = (2.0 / s) * (atan((2.0 * q2 * P + q1) / s) - atan((2.0 * q2 * v + q1) / s))
    else:
        s = sqrt(D)
        rp = (-q1 + s) / (2.0 * q2)
        rm = (-q1 - s) / (2.0 * q2)
        if not (v > rp) or s == 0.0:
            return 0.0
        T = log(((P - rp) * (v - rm)) / ((P - rm) * (v - rp))) / (q2 * (rp - rm))
    if T > 0.0 and T < H:
        return T
    return 0.0


cdef double _hermite_guess(const Lane* L, double v, double u, double v1, double u1,
                           double H, double t0) noexcept nogil:
    """Newton's start for a spike, from the sub-step [0, H] that crossed (its
    end: (v1, u1)): the time as a cubic Hermite interpolant (0 at the start,
    H at the end, slopes from v'), at the cut-off, in y = -1/(v + sigma),
    sigma = q1 / (2 q2) (on the upstroke v ~ -1/(q2 (t - t*)), so the time is
    nearly linear in y); in F = v - peak(u) where the cut-off moves with u.
    No RK4 evaluation, no transcendental. 0 where it is unusable (then the
    Riccati start). izhic.reference._hermite_guess, same expressions."""
    cdef double c0, c1, y0, y1, yp, f0, f1, g0, g1, sig, z0, z1, zp, D, x, y, T
    c0 = _I_at(L, t0) if L.tv else L.I
    c1 = _I_at(L, t0 + H) if L.tv else L.I
    if L.f07 and L.sp != NULL and L.sp.peak_u != 0.0:
        y0 = v - _peak_at(L, u)
        y1 = v1 - _peak_at(L, u1)
        yp = 0.0
        f0 = _fv(L, v, u, c0) - L.sp.peak_u * _gu(L, v, u)
        f1 = _fv(L, v1, u1, c1) - L.sp.peak_u * _gu(L, v1, u1)
        if not (f0 > 0.0 and f1 > 0.0):
            return 0.0
        g0 = 1.0 / f0
        g1 = 1.0 / f1
    else:
        if L.f07:
            sig = -(L.vr + L.vt) * 0.5
        elif L.q2 > 0.0:
            sig = L.q1 / (2.0 * L.q2)
        else:
            return 0.0
        z0 = v + sig
        z1 = v1 + sig
        zp = _peak_at(L, u) + sig
        f0 = _fv(L, v, u, c0)
        f1 = _fv(L, v1, u1, c1)
        if not (z0 > 0.0 and z1 > 0.0 and zp > 0.0 and f0 > 0.0 and f1 > 0.0):
            return 0.0
        y0 = -1.0 / z0
        y1 = -1.0 / z1
        yp = -1.0 / zp
        g0 = (z0 * z0) / f0
        g1 = (z1 * z1) / f1
    D = y1 - y0
    if not (D > 0.0):
        return 0.0
    x = (yp - y0) / D
    y = 1.0 - x
    T = H * (x * (y * (y * (g0 * D / H))) + x * (x * ((3.0 - 2.0 * x) - y * (g1 * D / H))))
    if T > 0.0 and T < H:
        return T
    return 0.0


cdef double _rk4_locate(const Lane* L, double v, double u, double H, double t0, double hi,
                        double lo, bint spike, double K, double sgn, double v1, double u1,
                        double* vx, double* ux) noexcept nogil:
    """theta in (0, H] where the RK4 step map from (v, u) reaches the peak, given
    v < peak <= v_RK4(H) (peak: _peak_at(u)). (vx, ux) receive the state at theta.
    With ``spike`` false: where it crosses the switch v = K instead, upward
    (sgn = 1) or downward (sgn = -1); the same iteration on sgn (v - K) (v is
    not convex there, the bracket keeps it safe).

    Newton from _hermite_guess (sub-steps up to 0.125 ms; (v1, u1): the state
    at H), else from the time the frozen-u Riccati equation takes to the peak
    (_riccati_guess), else from theta = 0 (F and the slope known there without
    an RK4 evaluation; switches always start there). An iterate outside the
    bracket [lo, hi] (F(lo) < 0 <= F(hi)) is replaced by the bracket's
    midpoint, so the step map is never evaluated far beyond the peak. Stops
    when the correction is below LOCATE_TOL ms, far below the integrator's own
    error; a spike's Newton correction below LOCATE_ACCEPT (LOCATE_ACCEPT_LONG
    times (0.05 / H)^4 for H > 0.05 ms) is taken without another evaluation."""
    cdef double tlo = 0.0, thi = H, th = 0.0, tn, vt = v, ut = u, f, slope, cur, ds, r
    cdef double accept = LOCATE_ACCEPT
    cdef int it
    cdef bint newton
    if H > 0.05:
        # the ratio the iteration converges by grows fast with H: at H = 0.05
        # no first correction up to 3e-5 ms moved a located time, at 0.0625 a
        # limit of 1e-6 ms moved one by 3e-10 ms
        r = 0.05 / H
        accept = LOCATE_ACCEPT_LONG * (r * r) * (r * r)
    if spike:
        if H <= 0.125:      # (longer sub-steps: the Riccati start is the closer one)
            th = _hermite_guess(L, v, u, v1, u1, H, t0)
        if th == 0.0:
            th = _riccati_guess(L, v, u, t0, H)
        if th > 0.0:
            _rk4_one(L, v, u, th, t0, hi, lo, &vt, &ut)
    for it in range(MAX_LOCATE_ITER):
        f = vt - _peak_at(L, ut) if spike else sgn * (vt - K)
        if f >= 0.0 and th == 0.0:
            break               # (a switch: the sub-step starts on it)
        if f >= 0.0:
            thi = th
        else:
            tlo = th
        slope = _fv(L, vt, ut, _I_at(L, t0 + th) if L.tv else L.I)
        if not spike:
            slope = sgn * slope
        elif L.f07 and L.sp != NULL:
            slope = slope - L.sp.peak_u * _gu(L, vt, ut)
        tn = th - f / slope if slope > 0.0 else -1.0
        newton = tn > tlo and tn < thi
        if not newton:
            tn = 0.5 * (tlo + thi)
        if fabs(tn - th) <= LOCATE_TOL and th > 0.0:
            break
        if spike and newton and th > 0.0 and fabs(tn - th) <= accept:
            # a Newton step (not the midpoint) this small is taken without
            # another evaluation: the state moved along its slopes
            cur = _I_at(L, t0 + th) if L.tv else L.I
            ds = tn - th
            vx[0] = vt + ds * _fv(L, vt, ut, cur)
            ux[0] = ut + ds * _gu(L, vt, ut)
            return tn
        th = tn
        _rk4_one(L, v, u, th, t0, hi, lo, &vt, &ut)
    vx[0] = vt
    ux[0] = ut
    return th


cdef inline void _quadratic(double ya, double ym, double yb, double H, double* c0,
                            double* c1, double* c2) noexcept nogil:
    """c0 + tau (c1 + tau c2): the quadratic through ya, ym, yb at tau = 0,
    H / 2, H (a piece of a waveform, as every method that splits sees it)."""
    cdef double dh = ym - ya, db = yb - ya
    c0[0] = ya
    c1[0] = (4.0 * dh - db) / H
    c2[0] = (2.0 * (db - 2.0 * dh)) / (H * H)


cdef inline void _lane_piece(Lane* L, Py_ssize_t p) noexcept nogil:
    """Make piece p the lane's current: the quadratic in tau = t - start
    through the piece's values at start, middle and end."""
    L.pst = L.ps0[p]
    _quadratic(L.ptri[3 * p], L.ptri[3 * p + 1], L.ptri[3 * p + 2], L.ph[p], &L.pa, &L.pc1,
               &L.pc2)


cdef inline int _spike_here(SpikeBuf* buf, int32_t neuron, double t, const Lane* L,
                            double* v, double* u, bint* above, double* cut) noexcept nogil:
    """A spike at time t of a neuron stepped alone (rk4, ps) in state (v, u) on
    its cut-off: store it, reset, and note the side of each switch. Returns 1."""
    cdef int q
    cut[0] = _peak_at(L, u[0])
    _push_one(buf, neuron, t)
    _reset(L, v, u)
    for q in range(L.n_kinks):
        above[q] = v[0] > L.kink[q]
    return 1


cdef inline int _step_start(SpikeBuf* buf, int32_t neuron, double t0, const Lane* L,
                            double* v, double* u, bint* above, double* cut) noexcept nogil:
    """The start of a step redone alone (rk4, ps): the side of each switch, and
    an initial state at or above the peak spikes at t0 and is reset. Returns
    the spikes stored (0 or 1)."""
    cdef int q
    if v[0] >= _peak_at(L, u[0]):
        return _spike_here(buf, neuron, t0, L, v, u, above, cut)
    for q in range(L.n_kinks):
        above[q] = v[0] > L.kink[q]
    return 0


cdef inline void _cap(SpikeBuf* buf, int64_t k, int32_t neuron) noexcept nogil:
    """Record a step cut short (too many spikes or sub-steps): the wrapper raises."""
    if buf.capped == 0 or k < buf.capped_step:
        buf.capped_step = k
        buf.capped_neuron = neuron
    buf.capped += 1


cdef int _rk4_spiking_step(SpikeBuf* buf, int32_t neuron, int64_t k, double t0, double t1,
                           double dt, double v, double u, Lane* L, double hi, double lo,
                           double* v_out, double* u_out, double* cut) noexcept nogil:
    """Redo step k, [t0, t1] (t1 - t0 = dt up to rounding), of a neuron whose RK4
    step crossed the peak (or that starts at or above it, or crossed a switch
    of its form, or whose step is split at an input edge), piece by piece
    (one piece unless the input has an edge inside the step), each in
    SUBSTEPS RK4 sub-steps: locate the crossing in the first sub-step that
    crosses, store the spike, reset there and integrate the rest of the piece
    (in one RK4 step, cut again at a further crossing) from the reset state. A sub-step that crosses a
    switch of the form (v = kink) is cut at the crossing the same way (no
    reset), so no RK4 step straddles a switch. Time is measured from the
    start of the step (s), so the state never depends on t0; a spike time is
    ``min(t0 + s, t1)``. Returns the number of spikes; -1 if it hit
    MAX_SPIKES_PER_STEP (the step is then cut short at the last reset).
    ``cut`` receives the cut-off at the last crossing (what a v trace shows)."""
    cdef double s = 0.0, end, h, th, vx, ux, v1 = v, u1 = u, thk, vk, uk, tq, vq, uq
    cdef int n = 0, i, q, qk, n_sw = 0, m
    cdef Py_ssize_t p
    cdef bint crossing, switched
    cdef bint above[MAX_KINKS]
    n = _step_start(buf, neuron, t0, L, &v, &u, above, cut)
    for p in range(L.n_pieces):
        if L.staged:
            _lane_piece(L, p)
        if p > 0:
            s = L.ps0[p]
        end = dt if p == L.n_pieces - 1 else L.ps0[p] + L.ph[p]
        while True:
            if end - s <= 1e-12 * dt:
                break
            m = SUBSTEPS if n == 0 else 1      # after a reset: the rest in one step
            h = (end - s) / m
            crossing = False
            switched = False
            for i in range(m):
                _rk4_one(L, v, u, h, s, hi, lo, &v1, &u1)
                if n_sw < MAX_SWITCHES_PER_STEP:
                    for q in range(L.n_kinks):
                        if (v1 > L.kink[q]) != above[q]:
                            switched = True
                if switched or v1 >= _peak_at(L, u1):
                    crossing = True
                    break
                v = v1
                u = u1
                s = s + h
            if not crossing:
                break
            if switched:
                # the earliest switch crossed in the sub-step: integrate to it exactly
                thk = h
                vk = v1
                uk = u1
                qk = 0
                for q in range(L.n_kinks):
                    if (v1 > L.kink[q]) != above[q]:
                        if q == L.kink_b:       # the located step is the old branch's
                            L.bside = 0 if above[q] else 1
                        tq = _rk4_locate(L, v, u, h, s, hi, lo, False, L.kink[q],
                                         -1.0 if above[q] else 1.0, v1, u1, &vq, &uq)
                        L.bside = -1
                        if tq <= thk:
                            thk = tq
                            vk = vq
                            uk = uq
                            qk = q
                above[qk] = not above[qk]
                s = s + thk
                # on the switch, on its new side (the branch of the form that
                # applies from here: B(v) may jump there, TC's and RTN's b does)
                v = nextafter(L.kink[qk], INFINITY) if above[qk] else L.kink[qk]
                u = uk
                n_sw += 1
                continue
            if n >= MAX_SPIKES_PER_STEP:
                _cap(buf, k, neuron)
                n = -1
                break
            th = _rk4_locate(L, v, u, h, s, hi, lo, True, 0.0, 1.0, v1, u1, &vx, &ux)
            s = s + th
            v = vx
            u = ux
            n += _spike_here(buf, neuron, _sel(t0 + s < t1, t0 + s, t1), L, &v, &u, above, cut)
        if n < 0:
            break
    v_out[0] = v
    u_out[0] = u
    return n


# ---------------------------------------------------------------------------
# Method "ps": Parker-Sochacki (Stewart & Bair 2009). Every form is a
# polynomial vector field on each side of its switches, so the Taylor
# coefficients of (v, u) at a point follow from the coefficients below them by
# Cauchy products, to any order. They are kept scaled by the sub-step, V[k] =
# v^(k)(t) h^k / k!, so the state at t + theta h is sum_k V[k] theta^k and a
# shorter sub-step f h only multiplies V[k] by f^k. Each sub-step:
#
# 1. from the state at s ms into the step and h = the rest of the input piece,
#    the coefficients order by order until two successive terms of v and of u
#    are below PS_TOL (1 + |v|), (1 + |u|); when PS_MAX_ORDER is reached first
#    (the step reaches past the series' radius: v's blow-up on the upstroke),
#    h is shortened to where the last two terms would be at that tolerance
#    (the step-size rule of Taylor integrators, Jorba and Zou 2005), safety
#    0.8, and the scaled terms rescaled;
# 2. v and u at the sub-step's end (Horner in theta). Where v reached the peak
#    (v_peak + peak_u u), or crossed a switch of the form, the crossing is the
#    root of that polynomial in (0, 1], by safeguarded Newton from theta = 1
#    (on the upstroke v is convex, so the iterates descend from above): the
#    earliest event wins; the neuron is reset (or switched) there and the rest
#    of the piece is integrated from there.
#
# The input is what rk4 sees (the same Lane): held over the step, or a
# quadratic in each piece of the step (split at edges), plus the exponential
# synapses s exp(-rate t), whose Taylor terms are known in closed form.
#
# Order k >= 1 of the quadratic term is written as c1 V[k] + q2 (the Cauchy
# product without its two terms in V[k]), c1 = 2 q2 V[0] + q1 fixed over the
# sub-step, and c1 V[k] is added last: the newest term then ends the chain of
# operations instead of starting it (the series is a chain of dependent
# orders; measured: ps 1.16x faster on the random 2003 sets).
#
# Where the time goes, and how it runs at vector speed: for the held input
# or a waveform without an edge inside the step (its quadratic's terms of
# orders 0-2), and the forms without switches (the common case), _ps_lanes
# does every lane's whole step as one sub-step, 8, 16 or 32 lanes at a time
# in vector registers (izhic_ps_orders8/16/32, C, GCC and Clang vector
# extensions; the chains of 4 vectors side by side hide more of each order's
# latency), each vector to the order it needs; the lanes it cannot finish (a
# spike, a step past the series' radius) go on side by side in _ps_redo, one
# sub-step each per round with its own h and order; only the roots
# (_ps_root, four interleaved Horner chains, Newton from a Hermite start), the
# resets and the shortenings are lane by lane. Every path has _ps_series'
# expressions in the same order, so a lane gets the same bits from any of
# them (tests/test_ps.py compares them on every form, with ps_vector turning
# the vector paths off), whatever its block, its neighbours or the thread
# count.
# ---------------------------------------------------------------------------

cdef enum:
    PS_MAX_ORDER = 32          # beyond: the sub-step is shortened
    PS_MAX_SUBSTEPS = 4096     # per step; more and the run is refused as not advancing
cdef double PS_TOL = 1e-12     # relative size of the last two terms of a series
cdef bint _ps_vector_on = True  # the lanes' vector paths (_ps_lanes, _ps_redo); see ps_vector


def ps_vector(on=None):
    """Whether method "ps" takes its vector paths (``_ps_lanes``, then
    ``_ps_redo``) where they apply; ``on``: set it (a bool) and return the
    previous setting. Off, every lane goes through ``_ps_spiking_step`` alone:
    the same bits, more slowly. For the tests that compare the two paths."""
    global _ps_vector_on
    cdef bint old = _ps_vector_on
    if on is not None:
        if not isinstance(on, bool):
            raise TypeError(f"on must be a bool or None, not {type(on).__name__}")
        _ps_vector_on = on
    return old


cdef inline double _ps_horner(const double* X, int K, double th) noexcept nogil:
    cdef double r = X[K]
    cdef int j
    for j in range(K - 1, -1, -1):
        r = r * th + X[j]
    return r


cdef inline double _ps_poly4(const double* X, int m, double th, double t4) noexcept nogil:
    """sum_k X[k] theta^k, k < 4 m (X zero-padded to there), by four
    interleaved Horner chains in theta^4 (a quarter of Horner's latency)."""
    cdef double c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0
    cdef int i
    for i in range(m - 1, -1, -1):
        c0 = c0 * t4 + X[4 * i]
        c1 = c1 * t4 + X[4 * i + 1]
        c2 = c2 * t4 + X[4 * i + 2]
        c3 = c3 * t4 + X[4 * i + 3]
    return (c0 + th * c1) + (th * th) * (c2 + th * c3)


cdef inline double _ps_at(const double* X, int K, double th) noexcept nogil:
    """sum_{k <= K} X[k] theta^k by _ps_poly4 (X copied, zero-padded)."""
    cdef double Y[PS_MAX_ORDER + 4]
    cdef int j, m = (K + 4) // 4
    cdef double t2 = th * th
    for j in range(4 * m):
        Y[j] = X[j] if j <= K else 0.0
    return _ps_poly4(Y, m, th, t2 * t2)


cdef inline int _ps_shrink(double* V, double* U, Py_ssize_t st, double tolv, double tolu,
                           double* h_io) noexcept nogil:
    """A series (terms V[k * st], U[k * st], k = 1..PS_MAX_ORDER, scaled to
    the sub-step h_io) that did not converge by PS_MAX_ORDER: shorten the
    sub-step to where its last two terms would meet the tolerance (Jorba and
    Zou), safety 0.8, rescale the terms, and return the order the shortened
    series needs (-1 if the sub-step underflowed)."""
    cdef int K = PS_MAX_ORDER, k
    cdef double f = 0.0, x, h, f2, pa, pb
    # f = min (tol / |term_k|)^(1/k), as the exponent of its logarithm: one
    # exp and up to four logs instead of up to four pow calls
    for k in range(K - 1, K + 1):
        if fabs(V[k * st]) > tolv:
            x = log(tolv / fabs(V[k * st])) / k
            f = _sel(x < f, x, f)
        if fabs(U[k * st]) > tolu:
            x = log(tolu / fabs(U[k * st])) / k
            f = _sel(x < f, x, f)
    f = 0.8 * exp(f)
    h = h_io[0] * f
    # rescale the terms (term k by f^k, two chains of powers: half the
    # latency of one) up to the order the shortened series needs; the terms
    # past it are not read
    f2 = f * f
    pa = f
    pb = f2
    V[st] = V[st] * pa
    U[st] = U[st] * pa
    k = 1
    while True:
        V[(k + 1) * st] = V[(k + 1) * st] * pb
        U[(k + 1) * st] = U[(k + 1) * st] * pb
        if k + 1 >= K or (fabs(V[k * st]) <= tolv and fabs(V[(k + 1) * st]) <= tolv
                          and fabs(U[k * st]) <= tolu and fabs(U[(k + 1) * st]) <= tolu):
            break
        x = pa * f2
        pa = pb
        pb = x
        k += 1
    h_io[0] = h
    if h <= 0.0:
        return -1
    return k + 1


cdef inline void _ps_input_terms(double c0, double c1, double c2, double tau, double h,
                                 double* I0, double* I1, double* I2) noexcept nogil:
    """The Taylor terms (scaled by h^k) at tau of the input c0 + tau (c1 + tau c2):
    the one definition of every ps path (_ps_series, _ps_lanes, _ps_redo)."""
    I0[0] = c0 + tau * (c1 + tau * c2)
    I1[0] = (c1 + 2.0 * c2 * tau) * h
    I2[0] = c2 * (h * h)


cdef inline double _ps_shift(bint f07, double peak, double vr, double vt, double q1,
                             double q2) noexcept nogil:
    """_ps_root's ``zs`` for a spike of the quadratic forms with a fixed
    cut-off: peak + sigma, sigma = -(vr + vt) / 2 (2007) or q1 / (2 q2); 0 (no
    Hermite start) where q2 <= 0."""
    if f07:
        return peak - (vr + vt) * 0.5
    if q2 > 0.0:
        return peak + q1 / (2.0 * q2)
    return 0.0


cdef int _ps_series(const Lane* L, double v, double u, double s, double* h_io, double* V,
                    double* U) noexcept nogil:
    """The scaled Taylor coefficients of (v, u) at s ms into the step (see
    above); ``h_io``: the sub-step wanted on entry, the one the coefficients
    are scaled to on return (shorter where the series needs it). Returns the
    order K: V[0..K], U[0..K]. -1 if no sub-step would converge (h underflows)."""
    cdef double A[PS_MAX_ORDER + 1]     # v - vr (2007) or v (2003)
    cdef double Z[PS_MAX_ORDER + 1]     # v - v_cubic (2007 cubic term)
    cdef double Z2[PS_MAX_ORDER + 1]
    cdef double Is[PS_MAX_ORDER + 1]    # the input's terms
    cdef double eg[MAX_EXP]
    cdef double h = h_io[0], tolv = PS_TOL * (1.0 + fabs(v)), tolu = PS_TOL * (1.0 + fabs(u))
    cdef double P, P1, F, G, B, bb = L.b, vb = L.vr, cub = 0.0, vt0 = L.vt - L.vr
    cdef double Z3, fk, c1
    cdef int k, j, g, K = -1, tries = 0
    cdef bint ok
    if L.f07 and L.sp != NULL:
        bb = _sel(v <= L.sp.v_switch, L.sp.b_low, L.b)
        vb = _sel(L.sp.use_vu, L.sp.v_u, L.vr)
        if L.sp.cubic != 0.0 and v > L.sp.v_cubic:
            cub = L.sp.cubic
    while True:
        # the input's terms at s, scaled by h^k
        for k in range(PS_MAX_ORDER + 1):
            Is[k] = 0.0
        if L.staged:
            _ps_input_terms(L.pa, L.pc1, L.pc2, s - L.pst, h, &Is[0], &Is[1], &Is[2])
        else:
            Is[0] = L.I
        for g in range(L.n_exp):
            eg[g] = L.s[g] * exp(-s * L.rate[g])
            Is[0] = Is[0] + eg[g]
        V[0] = v
        U[0] = u
        if L.f07:
            A[0] = v - L.vr
            if cub != 0.0:
                Z[0] = v - L.sp.v_cubic
            c1 = L.k * (2.0 * A[0] - vt0)        # (the linear term of orders >= 1)
        else:
            A[0] = v
            c1 = (2.0 * L.q2) * A[0] + L.q1
        ok = True
        for k in range(PS_MAX_ORDER):
            for g in range(L.n_exp):
                eg[g] = eg[g] * (-L.rate[g] * h) / k if k > 0 else eg[g]
                if k > 0:
                    Is[k] = Is[k] + eg[g]
            # the Cauchy product of order k, sum_j A[j] A[k-j] (2007: A (A - (vt -
            # vr))), without its two terms in A[k], 2 A[0] A[k]: they join the
            # linear term, c1 A[k], added last (the newest term at the end of
            # the chain). Two partial sums: half the latency of one chain.
            if k == 0:
                P = A[0] * A[0]
            else:
                P = 0.0
                P1 = 0.0
                j = 1
                while j + 1 < (k + 1) // 2:
                    P = P + A[j] * A[k - j]
                    P1 = P1 + A[j + 1] * A[k - j - 1]
                    j += 2
                if j < (k + 1) // 2:
                    P = P + A[j] * A[k - j]
                P = 2.0 * (P + P1)
                if k % 2 == 0:
                    P = P + A[k // 2] * A[k // 2]
            fk = 1.0 / (k + 1)
            if L.f07:
                if k == 0:
                    F = (L.k * (P - vt0 * A[0]) - U[0] + Is[0]) * L.invc
                    B = bb * (V[0] - vb)
                else:
                    F = L.k * P - U[k]
                    if L.tv:
                        F = F + Is[k]
                    F = (F + c1 * A[k]) * L.invc
                    B = bb * V[k]
                if cub != 0.0:
                    Z2[k] = 0.0
                    for j in range(k + 1):
                        Z2[k] = Z2[k] + Z[j] * Z[k - j]
                    Z3 = 0.0
                    for j in range(k + 1):
                        Z3 = Z3 + Z2[j] * Z[k - j]
                    B = B + cub * Z3
                G = L.a * (B - U[k])
            else:
                if k == 0:
                    F = L.q2 * P + L.q1 * A[0] + L.q0 - U[0] + Is[0]
                else:
                    F = L.q2 * P - U[k]
                    if L.tv:
                        F = F + Is[k]
                    F = F + c1 * A[k]
                if L.accom:
                    G = (L.a * L.b) * (V[k] + 65.0 if k == 0 else V[k])
                else:
                    G = L.a * (L.b * V[k] - U[k])
            V[k + 1] = (h * fk) * F
            U[k + 1] = (h * fk) * G
            A[k + 1] = V[k + 1]
            Z[k + 1] = V[k + 1]
            if not (fabs(V[k + 1]) < 1e300 and fabs(U[k + 1]) < 1e300):
                ok = False
                break
            if (k >= 1 and fabs(V[k]) <= tolv and fabs(V[k + 1]) <= tolv
                    and fabs(U[k]) <= tolu and fabs(U[k + 1]) <= tolu):
                K = k + 1
                break
        if not ok:
            h = h * 0.01          # (terms beyond any radius: start again much shorter)
            tries += 1
            if h <= 0.0 or tries > 60:
                return -1
            continue
        if K > 0:
            h_io[0] = h
            return K
        # not converged by PS_MAX_ORDER: shorten (_ps_shrink)
        K = _ps_shrink(V, U, 1, tolv, tolu, &h)
        h_io[0] = h
        return K


cdef double _ps_root(double* R, int K, double zs) noexcept nogil:
    """The theta in (0, 1] where sum_k R[k] theta^k reaches 0, given
    R(0) < 0 <= R(1): Newton inside the bracket [lo, hi] (R(lo) < 0 <= R(hi);
    the midpoint when an iterate leaves it), to a correction of 4e-16.
    Newton starts from theta = 1, or, for a spike of the quadratic forms (``zs``
    > 0: R + zs is v + sigma, sigma = q1 / (2 q2) or -(vr + vt) / 2, as in
    _hermite_guess), from the cubic Hermite interpolant of theta in
    y = -1/(v + sigma) over [0, 1] with the series' end slopes (time nearly
    linear in y on the upstroke). From theta = 1 the iterates descend to the
    root steepest first (R is convex and increasing on the upstroke); the
    interpolant's start takes 3.9 evaluations of R and R' per spike instead
    of 5.7 (counted in a Python port: 887 spikes of 20 random 2003 neurons,
    dt = 0.25). 0 when R(0) >= 0."""
    cdef double X[PS_MAX_ORDER + 4]
    cdef double D[PS_MAX_ORDER + 4]
    cdef double lo = 0.0, hi = 1.0, th = 1.0, f, df, tn, t2
    cdef double z0, z1, y0, y1, yp, g0, g1, Dy, x, y
    cdef int it, j, m = (K + 4) // 4
    if R[0] >= 0.0:
        return 0.0
    # the polynomial and its derivative, zero-padded for _ps_poly4
    for j in range(4 * m):
        X[j] = R[j] if j <= K else 0.0
        D[j] = (j + 1) * R[j + 1] if j < K else 0.0
    f = _ps_poly4(X, m, th, 1.0)
    df = _ps_poly4(D, m, th, 1.0)
    if zs > 0.0 and f > 0.0:
        z0 = X[0] + zs
        z1 = f + zs
        if z0 > 0.0 and X[1] > 0.0 and df > 0.0:
            y0 = -1.0 / z0
            y1 = -1.0 / z1
            yp = -1.0 / zs
            g0 = (z0 * z0) / X[1]
            g1 = (z1 * z1) / df
            Dy = y1 - y0
            if Dy > 0.0:
                x = (yp - y0) / Dy
                y = 1.0 - x
                tn = x * (y * (y * (g0 * Dy))) + x * (x * ((3.0 - 2.0 * x) - y * (g1 * Dy)))
                if tn > 0.0 and tn < 1.0:
                    hi = 1.0
                    th = tn
                    t2 = th * th
                    f = _ps_poly4(X, m, th, t2 * t2)
                    df = _ps_poly4(D, m, th, t2 * t2)
    for it in range(100):
        if f >= 0.0:
            hi = th
            if f == 0.0:
                break
        else:
            lo = th
        tn = th - f / df if df > 0.0 else -1.0
        if fabs(tn - th) <= 4e-16:
            # converged (f is at rounding level: th may lie on either side)
            return _sel(tn > lo, _sel(tn < hi, tn, hi), lo)
        if hi - lo <= 4e-16:
            break
        if not (tn > lo and tn < hi):
            tn = 0.5 * (lo + hi)
        th = tn
        t2 = th * th
        f = _ps_poly4(X, m, th, t2 * t2)
        df = _ps_poly4(D, m, th, t2 * t2)
    return hi


cdef int _ps_spiking_step(SpikeBuf* buf, int32_t neuron, int64_t k, double t0, double t1,
                          double dt, double v, double u, Lane* L, double* v_out,
                          double* u_out, double* cut) noexcept nogil:
    """Step k, [t0, t1], of one neuron by Parker-Sochacki sub-steps (see
    above), piece by piece (one piece unless the input has an edge inside the
    step). As _rk4_spiking_step: returns the number of spikes, -1 if it hit
    MAX_SPIKES_PER_STEP; ``cut`` receives the cut-off at the last crossing.
    A step that does not advance (PS_MAX_SUBSTEPS sub-steps, or no sub-step
    converges) is cut short and reported like a capped one (``buf.stalled``
    tells them apart)."""
    cdef double V[PS_MAX_ORDER + 1]
    cdef double U[PS_MAX_ORDER + 1]
    cdef double R[PS_MAX_ORDER + 1]
    cdef double s = 0.0, end, h, v1, u1, th, thq, pu = 0.0, sg, zs = 0.0
    cdef int n = 0, q, qk, n_sw = 0, K, j, ev, nsub = 0
    cdef Py_ssize_t p
    cdef bint above[MAX_KINKS]
    if L.f07 and L.sp != NULL:
        pu = L.sp.peak_u
    # (_ps_root's Hermite start, for a fixed cut-off of the quadratic forms)
    if pu == 0.0:
        zs = _ps_shift(L.f07, L.peak, L.vr, L.vt, L.q1, L.q2)
    n = _step_start(buf, neuron, t0, L, &v, &u, above, cut)
    for p in range(L.n_pieces):
        if L.staged:
            _lane_piece(L, p)
        if p > 0:
            s = L.ps0[p]
        end = dt if p == L.n_pieces - 1 else L.ps0[p] + L.ph[p]
        while end - s > 1e-12 * dt:
            nsub += 1
            h = end - s
            K = _ps_series(L, v, u, s, &h, V, U) if nsub <= PS_MAX_SUBSTEPS else -1
            if K < 0:
                _cap(buf, k, neuron)
                buf.stalled += 1
                n = -1
                break
            v1 = _ps_horner(V, K, 1.0)
            u1 = _ps_horner(U, K, 1.0)
            ev = -1                      # the event: -1 none, 0 a spike, 1 + q switch q
            th = 1.0
            if v1 >= _peak_at(L, u1):
                for j in range(K + 1):
                    R[j] = V[j] - pu * U[j]
                R[0] = R[0] - L.peak
                th = _ps_root(R, K, zs)
                ev = 0
            if n_sw < MAX_SWITCHES_PER_STEP:
                for q in range(L.n_kinks):
                    if (v1 > L.kink[q]) != above[q]:
                        sg = -1.0 if above[q] else 1.0
                        for j in range(K + 1):
                            R[j] = sg * V[j]
                        R[0] = R[0] - sg * L.kink[q]
                        thq = _ps_root(R, K, 0.0)
                        if ev < 0 or thq < th:
                            th = thq
                            ev = 1 + q
            if ev < 0:
                v = _sel(v1 > -VBIG, v1, -VBIG)
                u = u1
                s = s + h
                continue
            s = s + th * h
            u = _ps_at(U, K, th)
            if ev > 0:
                qk = ev - 1
                above[qk] = not above[qk]
                # on the switch, on its new side (as _rk4_spiking_step)
                v = nextafter(L.kink[qk], INFINITY) if above[qk] else L.kink[qk]
                n_sw += 1
                continue
            if n >= MAX_SPIKES_PER_STEP:
                _cap(buf, k, neuron)
                n = -1
                break
            v = _ps_horner(V, K, th)
            n += _spike_here(buf, neuron, _sel(t0 + s < t1, t0 + s, t1), L, &v, &u, above, cut)
        if n < 0:
            break
    v_out[0] = v
    u_out[0] = u
    return n


cdef enum:
    PS_VEC_ORDER = 24          # the lanes' common series (_ps_lanes) stops here
    PS_VEC_PROBE = 9           # and gives up there on a lane whose terms shrink too slowly


cdef inline void _ps_orders(Py_ssize_t w, bint f07, int max_order, int probe, double* A,
                            double* U, const double* v0, const double* I, const double* hj,
                            const double* tolv, const double* tolu, int* Kj, int* Kc, double q2,
                            double q1, double q0, bint accom, prm_t kk, prm_t vr, prm_t vt,
                            prm_t invc, prm_t a, prm_t b, const double* It) noexcept nogil:
    """The series of _ps_series for w lanes (a multiple of 8) at once, order
    by order, with the same expressions in the same order (so that a lane
    gets the same bits either way): the terms A[k * MAXW + j] (A[j] = v - vr
    (2007) or v, the caller's; A[k] = V[k] for k >= 1), U[k * MAXW + j],
    lane j from v0[j], U[j] over hj[j] ms with the input I[j] held, or
    (``It`` not NULL: a waveform's quadratic over the sub-step, _ps_series'
    Is) with I[j] its term of order 0 and It[j], It[MAXW + j] its terms of
    orders 1 and 2. Kj[j]: 0
    for a lane to compute (-1 for the others) becomes its order where its
    series converged, -1 where a term overflowed or where, at order
    ``probe``, it looked as though it would not converge, and stays 0 where it
    did not converge by ``max_order``. Each 8 lanes go to the order they need (izhic_ps_orders8, in
    vector registers): Kc[g] the highest order computed for lanes 8 g to
    8 g + 7 (0: none to compute)."""
    cdef Py_ssize_t g = 0, j, n8
    cdef int todo
    cdef const double* pk
    cdef const double* pvr
    cdef const double* pvt
    cdef const double* pinvc
    cdef const double* pa
    cdef const double* pb
    cdef int ps = 0 if prm_t is double else 1
    cdef const double* pt = NULL
    while g < w:
        # 32, 16 or 8 lanes at a time (the chains of 4, 2 or 1 sets of 8
        # side by side: the more, the more of each order's latency is hidden)
        n8 = 4 if g + 32 <= w else (2 if g + 16 <= w else 1)
        todo = 0
        for j in range(g, g + 8 * n8):
            todo = todo | (Kj[j] == 0)
        if not todo:
            for j in range(n8):
                Kc[(g >> 3) + j] = 0
            g += 8 * n8
            continue
        if prm_t is double:
            pk, pvr, pvt, pinvc, pa, pb = &kk, &vr, &vt, &invc, &a, &b
        else:
            pk, pvr, pvt, pinvc, pa, pb = kk + g, vr + g, vt + g, invc + g, a + g, b + g
        if It != NULL:
            pt = It + g
        if n8 == 4:
            _ps_orders32(f07, max_order, probe, &A[g], &U[g], &v0[g], &I[g], &hj[g], &tolv[g],
                         &tolu[g], &Kj[g], &Kc[g >> 3], q2, q1, q0, accom, pk, pvr, pvt, pinvc,
                         pa, pb, ps, pt)
        elif n8 == 2:
            _ps_orders16(f07, max_order, probe, &A[g], &U[g], &v0[g], &I[g], &hj[g], &tolv[g],
                         &tolu[g], &Kj[g], &Kc[g >> 3], q2, q1, q0, accom, pk, pvr, pvt, pinvc,
                         pa, pb, ps, pt)
        else:
            Kc[g >> 3] = _ps_orders8(f07, max_order, probe, &A[g], &U[g], &v0[g], &I[g], &hj[g],
                                     &tolv[g], &tolu[g], &Kj[g], q2, q1, q0, accom, pk, pvr, pvt,
                                     pinvc, pa, pb, ps, pt)
        g += 8 * n8


cdef inline void _ps_sums(Py_ssize_t w, const int* Kc, const double* A, const double* U,
                          const int* Kj, double* sv, double* su) noexcept nogil:
    """sum_{k = Kj[j]..1} of A[k], U[k] for w lanes: the order of _ps_horner
    at theta = 1 (the same bits, once V[0], U[0] are added), masked so that
    it runs for 8 lanes at once (izhic_ps_sums8), each 8 from their Kc."""
    cdef Py_ssize_t g = 0
    while g < w:
        _ps_sums8(Kc[g >> 3], &A[g], &U[g], &Kj[g], &sv[g], &su[g])
        g += 8


cdef uint64_t _ps_lanes(Py_ssize_t w, bint f07, uint64_t live, double dt, double q2, double q1,
                        double q0, bint accom, double* v, double* u, const double* I,
                        prm_t kk, prm_t vr, prm_t vt, prm_t invc, prm_t a, prm_t b,
                        prm_t peak, const double* st3) noexcept nogil:
    """Method "ps", the common case at vector speed: the first sub-step of
    _ps_spiking_step (the whole step, h = dt) for every lane of a block at
    once (_ps_orders). For the input held over the step (``st3`` NULL) or a
    waveform's quadratic over it (``st3``: its coefficients pa, pc1, pc2 as
    _lane_piece makes them, [3][MAXW]; a step without edges inside) and the
    forms without switches. Returns the lanes among ``live`` that are done: their series
    converged by PS_VEC_ORDER and v stayed below the peak; their v, u are
    advanced. The other lanes are left as they are, for _ps_redo or
    _ps_spiking_step."""
    cdef double A[(PS_VEC_ORDER + 1) * MAXW]
    cdef double U[(PS_VEC_ORDER + 1) * MAXW]
    cdef double hj[MAXW]
    cdef double tolv[MAXW]
    cdef double tolu[MAXW]
    cdef double sv[MAXW]
    cdef double su[MAXW]
    cdef int Kj[MAXW]
    cdef int Kc[MAXW]                  # (one per 8 lanes)
    cdef double I0[MAXW]
    cdef double It[2 * MAXW]
    cdef double r, ru
    cdef Py_ssize_t j
    cdef uint64_t done = 0
    cdef const double* Iu = I
    if st3 != NULL:
        # _ps_series' Is[0..2], same expressions
        for j in range(w):
            _ps_input_terms(st3[j], st3[MAXW + j], st3[2 * MAXW + j], 0.0, dt, &I0[j], &It[j],
                            &It[MAXW + j])
        Iu = I0
    for j in range(w):
        tolv[j] = PS_TOL * (1.0 + fabs(v[j]))
        tolu[j] = PS_TOL * (1.0 + fabs(u[j]))
        A[j] = v[j] - _p(vr, j) if f07 else v[j]
        U[j] = u[j]
        hj[j] = dt
        Kj[j] = 0 if (live >> j) & 1 else -1
    _ps_orders(w, f07, PS_VEC_ORDER, PS_VEC_PROBE, A, U, v, Iu, hj, tolv, tolu, Kj, Kc, q2, q1,
               q0, accom, kk, vr, vt, invc, a, b, It if st3 != NULL else NULL)
    _ps_sums(w, Kc, A, U, Kj, sv, su)
    for j in range(w):
        if Kj[j] <= 0:
            continue
        r = sv[j] + v[j]
        ru = su[j] + u[j]
        if r < _p(peak, j):
            v[j] = _sel(r > -VBIG, r, -VBIG)
            u[j] = ru
            done = done | ((<uint64_t> 1) << j)
    return done


cdef void _ps_redo(SpikeBuf* buf, Py_ssize_t base, uint64_t lanes, int64_t k, double t0,
                   double t1, double dt, bint f07, double q2, double q1, double q0, bint accom,
                   const double* v0_, const double* u0_, const double* I, const double* peak_,
                   double* v, double* u, double* vpk, int* nsp, prm_t kk, prm_t vr, prm_t vt,
                   prm_t invc, prm_t a, prm_t b, prm_t c, prm_t d,
                   const double* st3) noexcept nogil:
    """_ps_spiking_step for the lanes of ``lanes`` at once: the lanes whose
    step _ps_lanes could not do (a spike, or a sub-step too long for its
    series), for the same inputs and forms, none starting at or above the
    peak. The lanes go side by side, one sub-step each per round, each with
    its own sub-step and order (_ps_orders at the lanes' own h, in a packed
    set of lanes), so that the upstroke's series, the dearest part of ps, runs
    at vector speed; the roots, resets and shortenings are done lane by lane,
    with _ps_spiking_step's code. A lane gets the same bits as from
    _ps_spiking_step (its series has the same expressions in the same order)
    and its spikes are stored in time order. nsp[j]: lane j's spikes, -1 for a
    step cut short (as _ps_spiking_step)."""
    cdef double A[(PS_MAX_ORDER + 1) * MAXW]
    cdef double U[(PS_MAX_ORDER + 1) * MAXW]
    cdef double R[PS_MAX_ORDER + 1]
    cdef double Vt[PS_MAX_ORDER + 1]
    cdef double Ut[PS_MAX_ORDER + 1]
    cdef double gv[MAXW]
    cdef double gu[MAXW]
    cdef double gs[MAXW]
    cdef double gh[MAXW]
    cdef double gI[MAXW]
    cdef double gIt[2 * MAXW]          # (a waveform: the input's terms of orders 1, 2)
    cdef double gpa[MAXW]
    cdef double gpc1[MAXW]
    cdef double gpc2[MAXW]
    cdef double v0c[MAXW]
    cdef double tolv[MAXW]
    cdef double tolu[MAXW]
    cdef double sv[MAXW]
    cdef double su[MAXW]
    cdef double gk[MAXW]
    cdef double gvr[MAXW]
    cdef double gvt[MAXW]
    cdef double ginvc[MAXW]
    cdef double ga[MAXW]
    cdef double gb[MAXW]
    cdef int Kj[MAXW]
    cdef int Kc[MAXW]                  # (one per 8 lanes)
    cdef int idx[MAXW]
    cdef int n[MAXW]
    cdef int nsub[MAXW]
    cdef int tries[MAXW]
    cdef bint retry[MAXW]
    cdef bint live[MAXW]
    cdef Py_ssize_t m = 0, mp, jj, j, i
    cdef int K, nl
    cdef double v1, u1, h, th, pk
    cdef uint64_t bits = lanes
    while bits != 0:
        idx[m] = _ctz(bits)
        bits = bits & (bits - 1)
        m += 1
    mp = (m + 7) & ~(<Py_ssize_t> 7)          # whole vectors: no scalar remainder loops
    for jj in range(mp):
        j = idx[jj] if jj < m else idx[0]     # (the padding: copies of the first lane, idle)
        gv[jj] = v0_[j]
        gu[jj] = u0_[j]
        gI[jj] = I[j]
        if st3 != NULL:
            gpa[jj] = st3[j]
            gpc1[jj] = st3[MAXW + j]
            gpc2[jj] = st3[2 * MAXW + j]
        gk[jj] = _p(kk, j)
        gvr[jj] = _p(vr, j)
        gvt[jj] = _p(vt, j)
        ginvc[jj] = _p(invc, j)
        ga[jj] = _p(a, j)
        gb[jj] = _p(b, j)
        gs[jj] = 0.0
        n[jj] = 0
        nsub[jj] = 0
        retry[jj] = False
        live[jj] = jj < m
    while True:
        nl = 0
        for jj in range(mp):
            if live[jj] and not retry[jj]:
                nsub[jj] += 1
                if nsub[jj] > PS_MAX_SUBSTEPS:
                    _cap(buf, k, <int32_t> (base + idx[jj]))
                    buf.stalled += 1
                    n[jj] = -1
                    live[jj] = False
                gh[jj] = dt - gs[jj]
                tries[jj] = 0
            retry[jj] = False
            # (a lane that is done computes on from its last state, idle)
            v0c[jj] = gv[jj]
            A[jj] = gv[jj] - gvr[jj] if f07 else gv[jj]
            U[jj] = gu[jj]
            tolv[jj] = PS_TOL * (1.0 + fabs(gv[jj]))
            tolu[jj] = PS_TOL * (1.0 + fabs(gu[jj]))
            Kj[jj] = 0 if live[jj] else -1
            gh[jj] = _sel(live[jj], gh[jj], 0.0)
            if st3 != NULL:
                # the waveform's terms at the sub-step (_ps_series' Is)
                _ps_input_terms(gpa[jj], gpc1[jj], gpc2[jj], gs[jj] - 0.0, gh[jj], &gI[jj],
                                &gIt[jj], &gIt[MAXW + jj])
            nl += live[jj]
        if nl == 0:
            break
        _ps_orders(mp, f07, PS_MAX_ORDER, -1, A, U, v0c, gI, gh, tolv, tolu, Kj, Kc, q2, q1, q0,
                   accom, <cdptr> gk, <cdptr> gvr, <cdptr> gvt, <cdptr> ginvc, <cdptr> ga,
                   <cdptr> gb, gIt if st3 != NULL else NULL)
        # the lanes whose series did not converge (_ps_series' own fallbacks)
        for jj in range(m):
            if not live[jj] or Kj[jj] > 0:
                continue
            if Kj[jj] < 0:
                # a term overflowed: start again much shorter
                gh[jj] = gh[jj] * 0.01
                tries[jj] += 1
                if gh[jj] <= 0.0 or tries[jj] > 60:
                    _cap(buf, k, <int32_t> (base + idx[jj]))
                    buf.stalled += 1
                    n[jj] = -1
                    live[jj] = False
                else:
                    retry[jj] = True
                continue
            Kj[jj] = _ps_shrink(&A[jj], &U[jj], MAXW, tolv[jj], tolu[jj], &gh[jj])
            if Kj[jj] < 0:
                _cap(buf, k, <int32_t> (base + idx[jj]))
                buf.stalled += 1
                n[jj] = -1
                live[jj] = False
        _ps_sums(mp, Kc, A, U, Kj, sv, su)
        # each lane's sub-step: a spike (the root of its series), or on
        for jj in range(m):
            if not live[jj] or retry[jj]:
                continue
            j = idx[jj]
            K = Kj[jj]
            h = gh[jj]
            v1 = sv[jj] + v0c[jj]
            u1 = su[jj] + gu[jj]
            pk = peak_[j]
            if v1 >= pk:
                for i in range(K + 1):
                    Vt[i] = A[i * MAXW + jj]
                    Ut[i] = U[i * MAXW + jj]
                Vt[0] = v0c[jj]
                for i in range(K + 1):
                    R[i] = Vt[i] - 0.0 * Ut[i]
                R[0] = R[0] - pk
                th = _ps_root(R, K, _ps_shift(f07, pk, gvr[jj], gvt[jj], q1, q2))
                gs[jj] = gs[jj] + th * h
                gu[jj] = _ps_at(Ut, K, th)
                if n[jj] >= MAX_SPIKES_PER_STEP:
                    _cap(buf, k, <int32_t> (base + j))
                    n[jj] = -1
                    live[jj] = False
                    continue
                vpk[j] = pk
                _push_one(buf, <int32_t> (base + j),
                          _sel(t0 + gs[jj] < t1, t0 + gs[jj], t1))
                gv[jj] = _p(c, j)
                gu[jj] = gu[jj] + _p(d, j)
                n[jj] += 1
            else:
                gv[jj] = _sel(v1 > -VBIG, v1, -VBIG)
                gu[jj] = u1
                gs[jj] = gs[jj] + h
            if not (dt - gs[jj] > 1e-12 * dt):
                live[jj] = False
    for jj in range(m):
        j = idx[jj]
        v[j] = gv[jj]
        u[j] = gu[jj]
        nsp[j] = n[jj]


cdef inline double _interp_time(double t0, double t1, double dt, double v_start,
                                double v_end, double peak) noexcept nogil:
    """Grid methods with spike_time="interpolate": where the straight line from
    v_start (t0) to the pre-reset v_end (t1 = t0 + dt) meets the peak."""
    cdef double th, t
    if v_start >= peak:
        return t0
    th = dt * ((peak - v_start) / (v_end - v_start))
    if th > dt:
        th = dt
    t = t0 + th
    return t if t < t1 else t1


cdef inline void _fill_current(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, Py_ssize_t w,
                               Py_ssize_t k, const double* I0, double* Ik) noexcept nogil:
    """The current of step k (absolute) for the lanes: offset + shared(t_k) +
    own_i(t_k) + noise_i(k), added in this order (as izhic.reference does); the
    waveforms hold this run's steps only; the noise comes from each neuron's
    stream (its key, computed with the plan)."""
    cdef Py_ssize_t j
    cdef double s
    for j in range(w):
        Ik[j] = I0[j]
    if ctx.wave != NULL:
        s = ctx.wave[k - ctx.step0]
        for j in range(w):
            Ik[j] = Ik[j] + s
    if ctx.own != NULL:
        for j in range(nb):
            Ik[j] = Ik[j] + ctx.own[(k - ctx.step0) * ctx.n + base + j]
    if ctx.noise != NULL:
        _add_normals(nb, &ctx.noise_keys[base], <uint64_t> k, &ctx.noise[base], Ik,
                     ctx.zig_x, ctx.zig_r, ctx.zig_f)


cdef inline uint64_t _step_form(int method, bint store_pre, bint accom, bint horner,
                                Py_ssize_t w, double dt, double hi, double lo, double q2,
                                double q1, double q0, double* v, double* u, double* vpre,
                                const double* I, const double* Ih, const double* I4,
                                prm_t a, prm_t dta, prm_t b, prm_t c, prm_t d,
                                prm_t peak) noexcept nogil:
    if method == M_EULER:
        if store_pre:
            return _lanes_euler(w, False, True, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, dta, b, c, d, peak)
        return _lanes_euler(w, False, False, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, dta, b, c, d, peak)
    elif method == M_IZH2004:
        if store_pre:
            return _lanes_euler(w, True, True, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, dta, b, c, d, peak)
        return _lanes_euler(w, True, False, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, dta, b, c, d, peak)
    elif method == M_IZH2003:
        if store_pre:
            return _lanes_half(w, True, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, dta, b, c, d, peak)
        return _lanes_half(w, False, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, dta, b, c, d, peak)
    if store_pre:
        return _lanes_rk4(w, True, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, Ih, I4, a, b, c, d, peak)
    return _lanes_rk4(w, False, dt, hi, lo, q2, q1, q0, accom, horner, v, u, vpre, I, Ih, I4, a, b, c, d, peak)


cdef inline uint64_t _step(bint variant, double q2, double q1, double q0, int method,
                           bint store_pre, Py_ssize_t w, double dt,
                           double hi, double lo, double* v, double* u, double* vpre,
                           const double* I, const double* Ih, const double* I4,
                           prm_t a, prm_t dta, prm_t b, prm_t c, prm_t d,
                           prm_t peak, int accom, int horner) noexcept nogil:
    """One step of ``w`` lanes of the 2003 form with ``method``; the bint
    arguments of the lane functions are literals, so every call is a
    specialized loop. The v polynomial's coefficients are shared by the run
    (registers): the callers read them from the context once, not every step.
    ``I``, ``Ih``, ``I4``: the current at t_k, t_k + dt/2 and t_k + dt (the
    same array when it is held over the step; RK4 uses all three, the other
    methods ``I``). ``variant``: the accommodation recovery or the Horner
    polynomial (out of line; the standard form is the hot path)."""
    if variant:
        # out of line, one function per block width, so that its lane loops
        # are unrolled for that width (a run-time width cost the accommodation
        # form 11%)
        if w == MAXW:
            return _step_variant64(method, store_pre, dt, hi, lo, q2, q1, q0,
                                   v, u, vpre, I, Ih, I4, a, dta, b, c, d, peak, accom, horner)
        return _step_variant(method, store_pre, w, dt, hi, lo, q2, q1, q0,
                             v, u, vpre, I, Ih, I4, a, dta, b, c, d, peak, accom, horner)
    return _step_form(method, store_pre, False, False, w, dt, hi, lo, q2, q1, q0,
                      v, u, vpre, I, Ih, I4, a, dta, b, c, d, peak)


cdef inline uint64_t _step_one(bint variant, double q2, double q1, double q0, int method,
                               bint store_pre, double dt, double hi, double lo, double* v,
                               double* u, double* vpre, double I, double Ih, double I4,
                               double a, double dta, double b, double c, double d,
                               double peak, int accom, int horner) noexcept nogil:
    """_step for a single neuron (width 1, all inlined into _run_one). The
    out-of-line variant gets copies of the state: an address passed to a
    function that is not inlined would keep v and u in memory for the whole
    loop (measured: 35% slower on one neuron)."""
    cdef double tv, tu, tpre, tI = I, tIh = Ih, tI4 = I4
    cdef uint64_t fired
    if variant:
        tv = v[0]
        tu = u[0]
        tpre = vpre[0]
        fired = _step_variant(method, store_pre, 1, dt, hi, lo, q2, q1, q0, &tv, &tu, &tpre,
                              &tI, &tIh, &tI4, a, dta, b, c, d, peak, accom, horner)
        v[0] = tv
        u[0] = tu
        vpre[0] = tpre
        return fired
    return _step_form(method, store_pre, False, False, 1, dt, hi, lo, q2, q1, q0,
                      v, u, vpre, &tI, &tIh, &tI4, a, dta, b, c, d, peak)


cdef inline void _keep(Py_ssize_t w, const double* v, const double* u, double* v0,
                       double* u0) noexcept nogil:
    """(v0, u0) <- (v, u): the start of the step, for the lanes that rk4 redoes
    (nothing when v0 is NULL)."""
    cdef Py_ssize_t j
    if v0 != NULL:
        for j in range(w):
            v0[j] = v[j]
            u0[j] = u[j]


cdef void _grid_pl(int method, Py_ssize_t w, int64_t n, double dt, double hi, double lo,
                   double q2, double q1, double q0, rdptr v, rdptr u, rdptr vpre, crdptr I,
                   crdptr dta, crdptr b, crdptr c, crdptr d, crdptr peak, uint64_t valid,
                   uint64_t* masks) noexcept nogil:
    """n steps (at most NMASK) of a grid method (euler, izhikevich2004,
    izhikevich2003) for a 2003 block of w = MAXW or 8 lanes with per-lane
    parameters, constant input and nothing recorded; step i's fired-lane mask
    to masks[i]. Out of line (IZHIC_NOINLINE) with restrict-qualified
    pointers: inlined into _run_block, gcc kept the parameters' addresses in
    spilled registers and reloaded them in every iteration of the lane loop
    (per-neuron a, b, c, d ran 1.21x 0.1.0's time; 1.12x with the stack
    arrays passed as such, 1.09x out of line with one call per step, 0.97x
    so; the model-forms benchmark, euler). These methods read neither ``a``
    (dta stands in for it) nor the stage currents (I for all three)."""
    cdef int64_t i
    if w == MAXW:
        for i in range(n):
            masks[i] = _step_form(method, False, False, False, MAXW, dt, hi, lo, q2, q1, q0,
                                  <double*> v, <double*> u, <double*> vpre, <cdptr> I,
                                  <cdptr> I, <cdptr> I, <cdptr> dta, <cdptr> dta, <cdptr> b,
                                  <cdptr> c, <cdptr> d, <cdptr> peak) & valid
    else:
        for i in range(n):
            masks[i] = _step_form(method, False, False, False, 8, dt, hi, lo, q2, q1, q0,
                                  <double*> v, <double*> u, <double*> vpre, <cdptr> I,
                                  <cdptr> I, <cdptr> I, <cdptr> dta, <cdptr> dta, <cdptr> b,
                                  <cdptr> c, <cdptr> d, <cdptr> peak) & valid


cdef uint64_t _rk4_ool_s(bint variant, double q2, double q1, double q0, bint store_pre,
                         Py_ssize_t w, double dt, double hi, double lo, double* v, double* u,
                         double* vpre, double* v0, double* u0, const double* I,
                         const double* Ih, const double* I4, double a, double dta, double b,
                         double c, double d, double peak, int accom, int horner) noexcept nogil:
    # see _rk4_block; w: MAXW or 8
    if w == MAXW:
        _keep(MAXW, v, u, v0, u0)
        return _step(variant, q2, q1, q0, M_RK4, store_pre, MAXW, dt, hi, lo, v, u, vpre,
                     I, Ih, I4, a, dta, b, c, d, peak, accom, horner)
    _keep(8, v, u, v0, u0)
    return _step(variant, q2, q1, q0, M_RK4, store_pre, 8, dt, hi, lo, v, u, vpre,
                 I, Ih, I4, a, dta, b, c, d, peak, accom, horner)


cdef inline uint64_t _rk4_block(bint variant, double q2, double q1, double q0,
                                bint store_pre, Py_ssize_t w, double dt, double hi, double lo,
                                double* v, double* u, double* vpre, double* v0, double* u0,
                                const double* I, const double* Ih, const double* I4, prm_t a,
                                prm_t dta, prm_t b, prm_t c, prm_t d, prm_t peak, int accom,
                                int horner) noexcept nogil:
    """The RK4 step of a block of the 2003 form (w = MAXW or 8 lanes) for
    _run_block. With shared parameters out of line (_rk4_ool_s, see
    IZHIC_NOINLINE): inlined into _run_block, beside its spike, switch and
    sampling code, the four stage loops ran out of registers and reloaded
    their pointers from the stack in every iteration (rk4's locating loop:
    217 instructions per block-step where rk4_grid's had 156). With ``v0``
    (not NULL) the start of the step is kept in (v0, u0) for the lanes that
    rk4 redoes.
    Measured before choosing where: out of line, per-lane parameters (pointers
    that might alias the state, for all gcc knows there) ran rk4_grid 2.2x
    slower, the 2007 form's RK4 gained on RS and lost on FS, and a call per
    step cost euler 12%; those stay inline."""
    if prm_t is double:
        return _rk4_ool_s(variant, q2, q1, q0, store_pre, w, dt, hi, lo, v, u, vpre, v0, u0, I,
                          Ih, I4, a, dta, b, c, d, peak, accom, horner)
    else:
        _keep(w, v, u, v0, u0)
        return _step(variant, q2, q1, q0, M_RK4, store_pre, w, dt, hi, lo, v, u, vpre, I, Ih,
                     I4, a, dta, b, c, d, peak, accom, horner)


cdef uint64_t _step_variant64(int method, bint store_pre, double dt, double hi,
                              double lo, double q2, double q1, double q0, double* v, double* u,
                              double* vpre, const double* I, const double* Ih, const double* I4,
                              prm_t a, prm_t dta, prm_t b,
                              prm_t c, prm_t d, prm_t peak, int accom, int horner) noexcept nogil:
    return _step_variant_body(method, store_pre, MAXW, dt, hi, lo, q2, q1, q0, v, u, vpre, I,
                              Ih, I4, a, dta, b, c, d, peak, accom, horner)


cdef uint64_t _step_variant(int method, bint store_pre, Py_ssize_t w, double dt, double hi,
                            double lo, double q2, double q1, double q0, double* v, double* u,
                            double* vpre, const double* I, const double* Ih, const double* I4,
                            prm_t a, prm_t dta, prm_t b,
                            prm_t c, prm_t d, prm_t peak, int accom, int horner) noexcept nogil:
    if w == 8:
        return _step_variant_body(method, store_pre, 8, dt, hi, lo, q2, q1, q0, v, u, vpre,
                                  I, Ih, I4, a, dta, b, c, d, peak, accom, horner)
    return _step_variant_body(method, store_pre, 1, dt, hi, lo, q2, q1, q0, v, u, vpre, I,
                              Ih, I4, a, dta, b, c, d, peak, accom, horner)


cdef inline uint64_t _step_variant_body(int method, bint store_pre, Py_ssize_t w, double dt,
                                        double hi, double lo, double q2, double q1, double q0,
                                        double* v, double* u, double* vpre, const double* I,
                                        const double* Ih, const double* I4, prm_t a,
                                        prm_t dta, prm_t b, prm_t c, prm_t d, prm_t peak,
                                        int accom, int horner) noexcept nogil:
    """The variants of the 2003 form (accommodation recovery, 2004 panel R;
    Horner polynomial, spnet), meant to be kept out of line: inlining them
    beside the standard form made gcc stop inlining the hot path. Whether
    they stay out of line is gcc's choice (gcc 12, -march=native: the built
    module has no symbol for _step_variant64, inlined everywhere);
    IZHIC_NOINLINE would force it, not measured."""
    if accom and horner:
        return _step_form(method, store_pre, True, True, w, dt, hi, lo, q2, q1, q0,
                          v, u, vpre, I, Ih, I4, a, dta, b, c, d, peak)
    if accom:
        return _step_form(method, store_pre, True, False, w, dt, hi, lo, q2, q1, q0,
                          v, u, vpre, I, Ih, I4, a, dta, b, c, d, peak)
    return _step_form(method, store_pre, False, True, w, dt, hi, lo, q2, q1, q0,
                      v, u, vpre, I, Ih, I4, a, dta, b, c, d, peak)


cdef inline uint64_t _lanes_2007(Py_ssize_t w, bint u_from_new_v, bint store_pre,
                                 bint special, bint full, double hi, double lo, double* v,
                                 double* u,
                                 double* vpre, double* vpk, const double* I, prm_t kk, prm_t vr, prm_t vt,
                                 prm_t dtc, const Special07* sp, prm_t dta, prm_t b, prm_t c,
                                 prm_t d, prm_t peak) noexcept nogil:
    """One Euler step of the 2007 form: v from the old state; u from the old
    (method "euler", the book's scheme) or the new v ("izhikevich2004" order).
    ``special`` and not ``full``: a special cell whose B(v) is b (v - vr) (its
    v_u, cubic and b-switch terms absent: LTS), computed as such."""
    cdef Py_ssize_t j
    cdef double vo, uo, vn, vu, un, pk, uu
    cdef uint64_t fired = 0
    for j in range(w):
        vo = v[j]
        uo = u[j]
        vn = vo + _p(dtc, j) * (_p(kk, j) * (vo - _p(vr, j)) * (vo - _p(vt, j)) - uo + I[j])
        vu = _sel(u_from_new_v, _clamp(vn, hi, lo), vo)
        if special:
            un = uo + _p(dta, j) * (_b07(full, sp, vu, _p(b, j), _p(vr, j)) - uo)
            pk = _p(peak, j) + sp.peak_u * un
            uu = un + _p(d, j)
            uu = _sel(uu < sp.u_max, uu, sp.u_max)
            if store_pre:
                vpre[j] = _clamp(vn, hi, lo)
                vpk[j] = pk
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
                                     double* vpk, const double* I, const double* Ih,
                                     const double* I4, prm_t kk, prm_t vr, prm_t vt,
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
    _rk4_stage_2007(w, h, hi, lo, special, sp, v, u, vs, us, acc_v, acc_u, 2.0, False, Ih, kk, vr, vt, invc, a, b)
    _rk4_stage_2007(w, dt, hi, lo, special, sp, v, u, vs, us, acc_v, acc_u, 2.0, False, Ih, kk, vr, vt, invc, a, b)
    for j in range(w):
        x = vs[j]
        y = us[j]
        kv = (_p(kk, j) * (x - _p(vr, j)) * (x - _p(vt, j)) - y + I4[j]) * _p(invc, j)
        ku = _p(a, j) * (_b07(special, sp, x, _p(b, j), _p(vr, j)) - y)
        vn = v[j] + dt6 * (acc_v[j] + kv)
        un = u[j] + dt6 * (acc_u[j] + ku)
        if store_pre:
            vpre[j] = _clamp(vn, hi, lo)
        if special:
            pk = _p(peak, j) + sp.peak_u * un
            uu = un + _p(d, j)
            uu = _sel(uu < sp.u_max, uu, sp.u_max)
            if store_pre:
                vpk[j] = pk
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
                                double* vpre, double* vpk, const double* I,
                                const double* Ih, const double* I4, prm_t kk, prm_t vr, prm_t vt,
                                prm_t dtc, prm_t invc, prm_t a, prm_t dta, prm_t b, prm_t c,
                                prm_t d, prm_t peak) noexcept nogil:
    cdef const Special07* sp = &ctx.sp
    cdef bint new_v = method == M_IZH2004
    if method == M_RK4:
        if ctx.special07:
            if store_pre:
                return _lanes_rk4_2007(w, True, True, dt, hi, lo, v, u, vpre, vpk, I, Ih, I4, kk, vr, vt, invc, sp, a, b, c, d, peak)
            return _lanes_rk4_2007(w, False, True, dt, hi, lo, v, u, vpre, vpk, I, Ih, I4, kk, vr, vt, invc, sp, a, b, c, d, peak)
        if store_pre:
            return _lanes_rk4_2007(w, True, False, dt, hi, lo, v, u, vpre, vpk, I, Ih, I4, kk, vr, vt, invc, sp, a, b, c, d, peak)
        return _lanes_rk4_2007(w, False, False, dt, hi, lo, v, u, vpre, vpk, I, Ih, I4, kk, vr, vt, invc, sp, a, b, c, d, peak)
    if ctx.special07 and ctx.sp.nullcline:
        return _euler_2007(True, True, new_v, store_pre, w, hi, lo, v, u, vpre, vpk, I, kk, vr,
                           vt, dtc, sp, dta, b, c, d, peak)
    if ctx.special07:
        return _euler_2007(True, False, new_v, store_pre, w, hi, lo, v, u, vpre, vpk, I, kk, vr,
                           vt, dtc, sp, dta, b, c, d, peak)
    return _euler_2007(False, False, new_v, store_pre, w, hi, lo, v, u, vpre, vpk, I, kk, vr, vt,
                       dtc, sp, dta, b, c, d, peak)


cdef inline uint64_t _euler_2007(bint special, bint full, bint new_v, bint store_pre,
                                 Py_ssize_t w, double hi, double lo, double* v, double* u,
                                 double* vpre, double* vpk, const double* I, prm_t kk, prm_t vr,
                                 prm_t vt, prm_t dtc, const Special07* sp, prm_t dta, prm_t b,
                                 prm_t c, prm_t d, prm_t peak) noexcept nogil:
    """_lanes_2007 with literal flags (``special`` and ``full`` are literals at
    each call: one specialized loop per combination)."""
    if new_v:
        if store_pre:
            return _lanes_2007(w, True, True, special, full, hi, lo, v, u, vpre, vpk, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
        return _lanes_2007(w, True, False, special, full, hi, lo, v, u, vpre, vpk, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
    if store_pre:
        return _lanes_2007(w, False, True, special, full, hi, lo, v, u, vpre, vpk, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)
    return _lanes_2007(w, False, False, special, full, hi, lo, v, u, vpre, vpk, I, kk, vr, vt, dtc, sp, dta, b, c, d, peak)


cdef void _sample(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, int64_t k,
                  uint64_t fired, const double* v, const double* u,
                  const double* vpre, const double* peak) noexcept nogil:
    """Store the trace values of the recorded lanes at the end of step k;
    ``peak``: the cut-off each lane reached (u-dependent for the 2007 special
    cells)."""
    cdef Py_ssize_t j, row, s = (k + 1 - ctx.step0) // ctx.stride
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
    L.horner = ctx.horner
    L.f07 = ctx.form2007
    L.k = k
    L.vr = vr
    L.vt = vt
    L.invc = invc
    L.sp = &ctx.sp if ctx.special07 else NULL
    L.n_exp = 0
    L.tv = 0
    L.staged = 0
    L.n_pieces = 1
    L.n_kinks = ctx.n_kinks
    L.kink[0] = ctx.kink[0]
    L.kink[1] = ctx.kink[1]
    L.kink_b = ctx.kink_b
    L.bside = -1


# ---------------------------------------------------------------------------
# Networks: synapses with delays, events, Poisson input
#
# The run advances in windows of ``window`` steps, no longer than the shortest
# delay, so no spike arrives in the window it was found in. In each window:
#
# 1. (parallel over the partitions of the neurons) each partition fills the
#    input accumulators of its own neurons for every step of the window, in
#    this order: the current events, the Poisson inputs (in the order given),
#    then the synapses whose spikes arrive in that step (from the step's
#    queue, walked backwards, see below), and advances its blocks through the
#    window, reading the accumulators step by step;
# 2. (serial) the spikes the window found, by step and then by neuron, push
#    the synapse ranges they drive into the queues of the steps they arrive
#    in: for each spike, each Synapses object (last to first), its groups of
#    equal delay (a range of storage) go to queue[(k + delay) % ring].
#
# Walking a queue backwards gives the canonical summation order of a step's
# synaptic input, that of Izhikevich's spnet: newest spikes first; among the
# spikes found in one step, decreasing neuron index; for one spike, the
# Synapses objects in the order given; within one, its synapses in storage
# order. Each partition adds only into its own neurons (a group is sorted by
# target, so its part is found by bisection), so the sums, and the results,
# do not depend on the thread count.
# ---------------------------------------------------------------------------

cdef int _q_push(Queue* q, int64_t start, int32_t length, int32_t proj,
                 int64_t step) noexcept nogil:
    cdef Py_ssize_t cap
    cdef QEntry* e
    if q.n == q.cap:
        cap = 64 if q.cap == 0 else 2 * q.cap
        e = <QEntry*> realloc(q.e, cap * sizeof(QEntry))
        if e == NULL:
            return -1
        q.e = e
        q.cap = cap
    q.e[q.n].start = start
    q.e[q.n].step = step
    q.e[q.n].length = length
    q.e[q.n].proj = proj
    q.n += 1
    return 0


cdef inline void _win_push(WinBuf* b, int32_t neuron, int64_t step) noexcept nogil:
    cdef Py_ssize_t cap
    cdef int32_t* ni
    cdef int64_t* si
    if b.failed:
        return
    if b.n == b.cap:
        cap = 64 if b.cap == 0 else 2 * b.cap
        ni = <int32_t*> realloc(b.neuron, cap * sizeof(int32_t))
        if ni == NULL:
            b.failed = 1
            return
        b.neuron = ni
        si = <int64_t*> realloc(b.step, cap * sizeof(int64_t))
        if si == NULL:
            b.failed = 1
            return
        b.step = si
        b.cap = cap
    b.neuron[b.n] = neuron
    b.step[b.n] = step
    b.n += 1


cdef inline Py_ssize_t _lower_bound(const int32_t* post, Py_ssize_t a, Py_ssize_t b,
                                    Py_ssize_t x) noexcept nogil:
    """The first index in [a, b) with post >= x (post sorted there)."""
    cdef Py_ssize_t mid
    while a < b:
        mid = a + (b - a) // 2
        if post[mid] < x:
            a = mid + 1
        else:
            b = mid
    return a


cdef inline double _clip(double x, double lo, double hi) noexcept nogil:
    return lo if x < lo else (hi if x > hi else x)


cdef inline double _decayed(double x, int64_t steps, double dt, double tau) noexcept nogil:
    """x after ``steps`` steps of exponential decay (exact: exp of the time)."""
    if x == 0.0:
        return 0.0
    return x * exp(-(<double> steps * dt) / tau)


cdef inline void _depress(Ctx* ctx, const Proj* P, Py_ssize_t a, Py_ssize_t b,
                          int64_t k, bint masked) noexcept nogil:
    """The plasticity of arrivals a .. b - 1 of P in step k (their targets are
    this partition's); ``masked``: some of them are not plastic."""
    cdef Py_ssize_t s
    cdef int32_t i
    cdef const double* x = NULL
    cdef double* sd = P.sd
    cdef const int32_t* post = P.post
    cdef double ltd = ctx.ltd_ratio
    if P.rule == 1:
        x = ctx.traces + (k % ctx.n_cols) * ctx.n
        if not masked:         # sd -= ltd_ratio * the target's trace in step k
            for s in range(a, b):
                sd[s] = sd[s] - ltd * x[post[s]]
            return
    for s in range(a, b):
        if masked and P.mask[s] == 0:
            continue
        i = P.post[s]
        if P.rule == 1:        # sd -= ltd_ratio * the target's trace in step k
            P.sd[s] = P.sd[s] - ctx.ltd_ratio * x[i]
        else:                  # the synapse's pre trace gains a_plus; w loses the post trace
            P.apre[s] = _decayed(P.apre[s], k - P.tpre[s], ctx.dt, ctx.tau_plus) + ctx.a_plus
            P.tpre[s] = k
            P.wm[s] = _clip(P.wm[s] - _decayed(ctx.apost[i], k - ctx.tpost[i], ctx.dt,
                                               ctx.tau_minus), ctx.w_min, ctx.w_max)


cdef inline void _deliver_entry(Ctx* ctx, const QEntry* q, Py_ssize_t lo_n, Py_ssize_t hi_n,
                                Py_ssize_t off, int64_t k) noexcept nogil:
    """Add the synapses of one queue entry that target neurons lo_n .. hi_n - 1
    into their accumulators' slot ``off`` (= step in the window * n), for
    step k; then their plasticity, if any."""
    cdef Py_ssize_t a, b, s, m
    cdef const Proj* P = &ctx.proj[q.proj & PROJ_MASK]
    cdef int flag = q.proj >> PROJ_BITS
    cdef const int32_t* post = P.post
    cdef const double* x
    cdef double* sd
    cdef double ltd
    cdef int32_t t
    cdef const double* w
    cdef double* acc
    cdef double* dst
    a = q.start
    b = a + q.length
    if post[a] < lo_n:
        a = _lower_bound(post, a, b, lo_n)
    if a < b and post[b - 1] >= hi_n:
        b = _lower_bound(post, a, b, hi_n)
    if a >= b:
        return
    w = P.w
    acc = ctx.acc + (P.acc * ctx.window) * ctx.n + off
    if flag == 1 and P.rule == 1:
        # spnet's delivery: the weight into the target's input, and the
        # depression by the target's trace, in one pass
        x = ctx.traces + (k % ctx.n_cols) * ctx.n
        sd = P.sd
        ltd = ctx.ltd_ratio
        for s in range(a, b):
            t = post[s]
            acc[t] = acc[t] + w[s]
            sd[s] = sd[s] - ltd * x[t]
        return
    if P.unique and post[b - 1] - post[a] == b - 1 - a:   # consecutive targets: a dense column
        dst = acc + post[a]
        m = b - a
        for s in range(m):
            dst[s] = dst[s] + w[a + s]
    else:
        for s in range(a, b):
            acc[post[s]] = acc[post[s]] + w[s]
    if flag:
        _depress(ctx, P, a, b, k, flag == 2)


cdef inline void _prefetch_entry(Ctx* ctx, const QEntry* q) noexcept nogil:
    cdef const Proj* P = &ctx.proj[q.proj & PROJ_MASK]
    cdef int64_t last = q.start + q.length - 1
    _prefetch(&P.post[q.start])
    _prefetch(&P.w[q.start])
    if P.sd != NULL and q.proj >> PROJ_BITS:   # the derivatives its depression changes
        _prefetch(&P.sd[q.start])
    if q.length <= 16:          # a short group: its last lines too (a long one streams)
        _prefetch(&P.post[last])
        _prefetch(&P.w[last])
        if P.sd != NULL and q.proj >> PROJ_BITS:
            _prefetch(&P.sd[last])


cdef void _deliver(Ctx* ctx, Py_ssize_t slot, Py_ssize_t lo_n, Py_ssize_t hi_n,
                   Py_ssize_t off, int64_t k) noexcept nogil:
    """Add the synapses queued in ``slot`` that target neurons lo_n .. hi_n - 1
    into their accumulators' slot ``off``, in the canonical order: the
    sub-queues of the partitions merged backwards (newest spikes first; among
    the spikes of one step the later partitions, which hold the higher neuron
    indices, first; each sub-queue backwards)."""
    cdef Py_ssize_t np_ = ctx.n_parts, p, e
    cdef const Queue* q
    cdef int64_t step, best
    cdef Py_ssize_t cur[MAX_PARTS]
    if np_ == 1:
        q = &ctx.queue[slot]
        for e in range(q.n - 1, -1, -1):
            if e >= PREFETCH:          # the entry PREFETCH ahead: its targets and weights
                _prefetch_entry(ctx, &q.e[e - PREFETCH])
            _deliver_entry(ctx, &q.e[e], lo_n, hi_n, off, k)
        return
    for p in range(np_):
        cur[p] = ctx.queue[slot * np_ + p].n - 1
    while True:
        best = -1
        for p in range(np_):
            if cur[p] >= 0:
                step = ctx.queue[slot * np_ + p].e[cur[p]].step
                if step > best:
                    best = step
        if best < 0:
            return
        for p in range(np_ - 1, -1, -1):
            q = &ctx.queue[slot * np_ + p]
            e = cur[p]
            while e >= 0 and q.e[e].step == best:
                if e >= PREFETCH:
                    _prefetch_entry(ctx, &q.e[e - PREFETCH])
                _deliver_entry(ctx, &q.e[e], lo_n, hi_n, off, k)
                e -= 1
            cur[p] = e


cdef void _window_inputs(Ctx* ctx, Py_ssize_t p, int64_t kw0, int64_t kw1) noexcept nogil:
    """Step 1 of a window, the input half: the accumulators of partition p's
    neurons for the steps kw0 .. kw1 - 1."""
    cdef Py_ssize_t lo_n = ctx.part[p] * ctx.width
    cdef Py_ssize_t hi_n = ctx.part[p + 1] * ctx.width
    cdef Py_ssize_t a, kk, off, e, i, q
    cdef int64_t k
    cdef int cnt
    cdef double* acc
    cdef const PoissonIn* P
    if hi_n > ctx.n:
        hi_n = ctx.n
    if hi_n <= lo_n:
        return
    for a in range(ctx.n_acc):
        for kk in range(kw1 - kw0):
            memset(&ctx.acc[(a * ctx.window + kk) * ctx.n + lo_n], 0,
                   (hi_n - lo_n) * sizeof(double))
    for k in range(kw0, kw1):
        off = (k - kw0) * ctx.n
        if ctx.ev_ptr != NULL:
            acc = ctx.acc + (ctx.acc_current * ctx.window) * ctx.n + off
            for e in range(ctx.ev_ptr[k - ctx.step0], ctx.ev_ptr[k - ctx.step0 + 1]):
                i = ctx.ev_neuron[e]
                if lo_n <= i < hi_n:
                    acc[i] = acc[i] + ctx.ev_amp[e]
        if ctx.kick_n:
            acc = ctx.acc + (ctx.acc_current * ctx.window) * ctx.n + off
            for e in range(ctx.kick_n):
                i = _kick(ctx.kick_key, <uint64_t> k, <uint64_t> e, <uint64_t> ctx.kick_n,
                          ctx.n)
                if lo_n <= i < hi_n:
                    acc[i] = acc[i] + ctx.kick_amp
        for q in range(ctx.n_poisson):
            P = &ctx.poisson[q]
            acc = ctx.acc + (P.acc * ctx.window) * ctx.n + off
            for i in range(lo_n, hi_n):
                cnt = _poisson(P.keys[i], <uint64_t> k, P.emlam, P.lam)
                if cnt:
                    acc[i] = acc[i] + P.weight * <double> cnt
        _deliver(ctx, k % ctx.ring, lo_n, hi_n, off, k)


cdef int _push_spike(Ctx* ctx, int32_t i, int64_t k, int64_t from_step,
                     Py_ssize_t p) noexcept nogil:
    """Queue the synapse groups that spike (i, found at the end of step k; i in
    partition p) drives, those that arrive at from_step or later, into p's
    sub-queues; -1 if out of memory."""
    cdef int pj
    cdef int64_t g, s, d, slot, k_slot = k % ctx.ring
    cdef const Proj* P
    for pj in range(ctx.n_proj - 1, -1, -1):
        P = &ctx.proj[pj]
        for g in range(P.gptr[i], P.gptr[i + 1]):
            d = P.dsteps[P.gdidx[g]]
            if k + d >= from_step:
                slot = k_slot + d                   # (k + d) % ring: d < ring
                if slot >= ctx.ring:
                    slot = slot - ctx.ring
                s = P.gstart[g]
                if _q_push(&ctx.queue[slot * ctx.n_parts + p], s,
                           <int32_t> (P.gstart[g + 1] - s),
                           pj | ((<int32_t> P.gflag[g]) << PROJ_BITS if P.gflag != NULL
                                 else 0), k) != 0:
                    return -1
    return 0


cdef inline Py_ssize_t _part_of(const Ctx* ctx, int32_t i) noexcept nogil:
    """The partition that holds neuron i."""
    cdef Py_ssize_t p = 0, blk = i // ctx.width
    while ctx.part[p + 1] <= blk:
        p += 1
    return p


cdef void _prefetch_rows(Ctx* ctx, const WinBuf* b, int64_t k) noexcept nogil:
    """Fetch the group tables of the spikes in b found in step k ahead of
    _push_spike (two passes: the rows' first groups, then the groups: every
    line of a row's group starts and its delays' first and last lines; the
    first lines alone: N = 1e5, K = 100, 20 delays 2% slower on one thread, 4% on two)."""
    cdef Py_ssize_t e, pj
    cdef int64_t g, g0, g1
    cdef const Proj* P
    cdef int32_t i
    for pj in range(ctx.n_proj):
        P = &ctx.proj[pj]
        for e in range(b.n):
            if b.step[e] == k:
                _prefetch(&P.gptr[b.neuron[e]])
    for pj in range(ctx.n_proj):
        P = &ctx.proj[pj]
        for e in range(b.n):
            if b.step[e] == k:
                i = b.neuron[e]
                g0 = P.gptr[i]
                g1 = P.gptr[i + 1]
                if g1 == g0:
                    continue
                _prefetch(&P.gdidx[g0])
                _prefetch(&P.gdidx[g1 - 1])
                g = g0
                while g <= g1:          # the row's lines of gstart (g1: its end)
                    _prefetch(&P.gstart[g])
                    g = g + 8
                _prefetch(&P.gstart[g1])


cdef void _push_part(Ctx* ctx, Py_ssize_t p, int64_t kw0, int64_t kw1) noexcept nogil:
    """Step 2 of a window for partition p: the spikes it found, by step and
    then by neuron, queue their synapses into p's sub-queues (the steps they
    arrive in are past the window and, as ring >= max_delay + window, not
    the slots other partitions are delivering from)."""
    cdef int64_t k
    cdef Py_ssize_t e
    cdef WinBuf* b = &ctx.win[p]
    for k in range(kw0, kw1):
        _prefetch_rows(ctx, b, k)
        for e in range(b.n):
            if b.step[e] == k and not b.failed:
                if _push_spike(ctx, b.neuron[e], k, kw1, p) != 0:
                    b.failed = 1


cdef void _close_window(Ctx* ctx, Py_ssize_t p, int64_t kw0, int64_t kw1) noexcept nogil:
    """After a window, for partition p (in the parallel phase: its slots are
    its own): the spikes it found, by step, enter its history; its delivered
    queue slots and its window buffer are emptied for reuse. Out of memory
    sets ``ctx.push_failed``."""
    cdef int64_t k
    cdef Py_ssize_t e
    cdef WinBuf* b = &ctx.win[p]
    cdef Queue* h
    if b.failed:
        ctx.push_failed = 1
    for k in range(kw0, kw1):
        ctx.queue[(k % ctx.ring) * ctx.n_parts + p].n = 0     # delivered
        h = &ctx.hist[(k % ctx.ring) * ctx.n_parts + p]
        h.n = 0                                               # the slot now holds step k
        for e in range(b.n):
            if b.step[e] == k and _q_push(h, b.neuron[e], 0, 0, k) != 0:
                ctx.push_failed = 1
    b.n = 0


cdef void _update_weights(Ctx* ctx, Py_ssize_t c, Py_ssize_t n_chunks) noexcept nogil:
    """izhikevich2006, at the end of an interval: w = clip((bias + w) + sd),
    sd *= sd_decay, for every plastic synapse; chunk c of n_chunks of each
    projection's groups (element by element: any split gives the same)."""
    cdef Py_ssize_t pj, s, g, g0, g1, n_groups
    cdef Proj* P
    cdef double bias = ctx.bias, w_min = ctx.w_min, w_max = ctx.w_max, decay = ctx.sd_decay
    cdef double* wm
    cdef double* sd
    for pj in range(ctx.n_proj):
        P = &ctx.proj[pj]
        if P.rule != 1:
            continue
        wm = P.wm
        sd = P.sd
        n_groups = P.gptr[ctx.n]
        g0 = (n_groups * c) // n_chunks
        g1 = (n_groups * (c + 1)) // n_chunks
        for g in range(g0, g1):
            if P.gflag[g] == 0:
                continue
            if P.gflag[g] == 1:
                for s in range(P.gstart[g], P.gstart[g + 1]):
                    wm[s] = _clip((bias + wm[s]) + sd[s], w_min, w_max)
                    sd[s] = decay * sd[s]
            else:
                for s in range(P.gstart[g], P.gstart[g + 1]):
                    if P.mask[s] != 0:
                        wm[s] = _clip((bias + wm[s]) + sd[s], w_min, w_max)
                        sd[s] = decay * sd[s]


cdef void _plastic_part(Ctx* ctx, Py_ssize_t p, int64_t k) noexcept nogil:
    """After step k, for partition p's neurons: their traces, then the
    potentiation of the synapses onto the neurons that fired in step k."""
    cdef Py_ssize_t lo_n = ctx.part[p] * ctx.width
    cdef Py_ssize_t hi_n = ctx.part[p + 1] * ctx.width
    cdef const WinBuf* b = &ctx.win[p]
    cdef Py_ssize_t i, e, pj, q
    cdef int64_t s, col, now = (k + 1) % ctx.n_cols if ctx.rule == 1 else 0
    cdef double* xn
    cdef const double* xo
    cdef Proj* P
    if hi_n > ctx.n:
        hi_n = ctx.n
    if ctx.rule == 1:          # x(k + 1) = decay x(k), or the amplitude for a spike
        xn = ctx.traces + ((k + 1) % ctx.n_cols) * ctx.n
        xo = ctx.traces + (k % ctx.n_cols) * ctx.n
        for i in range(lo_n, hi_n):
            xn[i] = ctx.tr_decay * xo[i]
        for e in range(b.n):
            if b.step[e] == k:
                xn[b.neuron[e]] = ctx.tr_amp
    for e in range(b.n):
        if b.step[e] != k:
            continue
        i = b.neuron[e]
        if ctx.rule == 2:
            ctx.apost[i] = _decayed(ctx.apost[i], k + 1 - ctx.tpost[i], ctx.dt,
                                    ctx.tau_minus) + ctx.a_minus
            ctx.tpost[i] = k + 1
        for pj in range(ctx.n_proj):
            P = &ctx.proj[pj]
            if P.rule == 1:
                _potentiate_2006(P, P.in_ptr[i], P.in_ptr[i + 1], k, now, ctx.traces, ctx.n,
                                 ctx.n_cols)
            elif P.rule == 2:
                for q in range(P.in_ptr[i], P.in_ptr[i + 1]):
                    s = P.in_syn[q]
                    P.wm[s] = _clip(P.wm[s] + _decayed(P.apre[s], k + 1 - P.tpre[s], ctx.dt,
                                                       ctx.tau_plus), ctx.w_min, ctx.w_max)


cdef inline void _potentiate_2006(Proj* P, int64_t q0, int64_t q1, int64_t k, int64_t now,
                                  const double* traces, Py_ssize_t n,
                                  int64_t n_cols) noexcept nogil:
    """sd += the pre trace as seen at the synapse (delay steps before step
    k + 1), for the incoming synapses q0 .. q1 - 1 of a neuron that fired.
    (Before the run's first step the ring holds zeros: a run from t = 0
    starts with zero traces, and the columns of steps before it are not
    written until their turn comes.)"""
    cdef double* sd = P.sd
    cdef const int64_t* in_syn = P.in_syn
    cdef const int64_t* in_off = P.in_off
    cdef int64_t q, idx, base = now * n, wrap = n_cols * n
    for q in range(q0, q1):
        if q + LTP_PREFETCH < q1:           # the derivatives are scattered: fetch ahead
            _prefetch(&sd[in_syn[q + LTP_PREFETCH]])
        idx = base + in_off[q]              # ((k + 1 - d) % n_cols) * n + pre
        if idx < 0:
            idx = idx + wrap
        sd[in_syn[q]] = sd[in_syn[q]] + traces[idx]


cdef inline void _finish_window(Ctx* ctx, Py_ssize_t p, int64_t kw0,
                                int64_t kw1) noexcept nogil:
    """After a window (of one step when plastic), for partition p: the
    plasticity of its spikes, then its history and its delivered slots."""
    if ctx.rule:
        _plastic_part(ctx, p, kw0)
    _close_window(ctx, p, kw0, kw1)


cdef void _window_part(Ctx* ctx, Py_ssize_t p, int64_t kw0, int64_t kw1) noexcept nogil:
    """A window for partition p: its input, its neurons, then its spikes'
    synapses into its sub-queues."""
    cdef Py_ssize_t blk
    cdef SpikeBuf* buf = &ctx.bufs[p]
    _window_inputs(ctx, p, kw0, kw1)
    for blk in range(ctx.part[p], ctx.part[p + 1]):
        if buf.capped or buf.diverged:
            return              # the run is refused: no point going on
        _advance_block(ctx, buf, blk, kw0, kw1)
    _push_part(ctx, p, kw0, kw1)


cdef inline void _held_plus_current(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb,
                                    Py_ssize_t w, Py_ssize_t off, const double* src,
                                    double* out) noexcept nogil:
    """out = the held current src + the current synapses' input (slot off)."""
    cdef Py_ssize_t j
    cdef const double* acc
    for j in range(w):
        out[j] = src[j]
    if ctx.acc_current >= 0:
        acc = ctx.acc + (ctx.acc_current * ctx.window) * ctx.n + off + base
        for j in range(nb):
            out[j] = out[j] + acc[j]


cdef inline void _net_step(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, Py_ssize_t w,
                           Py_ssize_t off, const double* src, double* Ik, double* Bk,
                           double* Ih, double* I4, double* sg, double* v) noexcept nogil:
    """The network input of one step for the lanes (slot ``off`` of the
    accumulators; the ``nb`` lanes that hold neurons): v jumps by the voltage
    input; B = src + the current input; the exponential synapses' currents
    s_g jump by their input; the current is B + sum_g s_g at the stage times
    t_k (Ik), t_k + dt/2 (Ih) and t_k + dt (I4) (s_g decays as exp(-t / tau_g)
    over the step)."""
    cdef Py_ssize_t j
    cdef const double* acc
    if ctx.acc_voltage >= 0:
        acc = ctx.acc + (ctx.acc_voltage * ctx.window) * ctx.n + off + base
        for j in range(nb):
            v[j] = v[j] + acc[j]
    if ctx.n_exp == 0:              # the held current alone
        _held_plus_current(ctx, base, nb, w, off, src, Ik)
        return
    _held_plus_current(ctx, base, nb, w, off, src, Bk)
    _exp_stages(ctx, base, nb, w, off, Bk, Bk, Bk, sg, Ik, Ih, I4)


cdef inline void _exp_stages(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, Py_ssize_t w,
                             Py_ssize_t off, const double* B0, const double* Bh,
                             const double* B4, double* sg, double* Ik, double* Ih,
                             double* I4) noexcept nogil:
    """The exponential synapses' currents s_g jump by their input (slot off);
    Ik, Ih, I4 = B + sum_g s_g at t_k, t_k + dt/2 and t_k + dt (B0, Bh, B4: the
    rest of the current there)."""
    cdef Py_ssize_t j, g
    cdef const double* acc
    cdef double x, xh, x4
    for g in range(ctx.n_exp):
        acc = ctx.acc + ((ctx.first_exp + g) * ctx.window) * ctx.n + off + base
        for j in range(nb):
            sg[g * MAXW + j] = sg[g * MAXW + j] + acc[j]
    for j in range(w):
        x = B0[j]
        xh = Bh[j]
        x4 = B4[j]
        for g in range(ctx.n_exp):
            x = x + sg[g * MAXW + j]
            xh = xh + sg[g * MAXW + j] * ctx.exp_half[g]
            x4 = x4 + sg[g * MAXW + j] * ctx.exp_full[g]
        Ik[j] = x
        Ih[j] = xh
        I4[j] = x4


cdef inline void _stage_currents(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, Py_ssize_t w,
                                 int64_t k, const double* I0, double* Nz,
                                 double* S) noexcept nogil:
    """rk4 with waveforms: S[st * MAXW + j] = ((offset + shared) + own) + noise
    at the stage times t_k, t_k + dt/2 and t_{k+1} (st = 0, 1, 2; the
    waveforms' values there, the noise of the step); Nz: the noise alone."""
    cdef Py_ssize_t j, st
    cdef int64_t kl = k - ctx.step0
    cdef double x
    cdef double* row
    for j in range(w):
        Nz[j] = 0.0
    if ctx.noise != NULL:
        _add_normals(nb, &ctx.noise_keys[base], <uint64_t> k, &ctx.noise[base], Nz,
                     ctx.zig_x, ctx.zig_r, ctx.zig_f)
    for st in range(3):
        row = &S[st * MAXW]
        for j in range(w):
            row[j] = I0[j]
        if ctx.wave != NULL:
            x = ctx.wave[3 * kl + st]
            for j in range(w):
                row[j] = row[j] + x
        if ctx.own != NULL:
            for j in range(nb):
                row[j] = row[j] + ctx.own[(3 * kl + st) * ctx.n + base + j]
        if ctx.noise != NULL:
            for j in range(w):
                row[j] = row[j] + Nz[j]


cdef inline void _net_step_staged(Ctx* ctx, Py_ssize_t base, Py_ssize_t nb, Py_ssize_t w,
                                  Py_ssize_t off, double* S, double* Acc, double* Ik,
                                  double* Ih, double* I4, double* sg,
                                  double* v) noexcept nogil:
    """_net_step for rk4 with waveforms: v jumps by the voltage input; the
    current input (Acc) is added to each stage time's S (B at t_k, t_k + dt/2,
    t_{k+1}); the exponential synapses' currents jump; Ik, Ih, I4 = B + their
    currents at the stage times."""
    cdef Py_ssize_t j, st
    cdef const double* acc
    if ctx.acc_voltage >= 0:
        acc = ctx.acc + (ctx.acc_voltage * ctx.window) * ctx.n + off + base
        for j in range(nb):
            v[j] = v[j] + acc[j]
    for j in range(w):
        Acc[j] = 0.0
    if ctx.acc_current >= 0:
        acc = ctx.acc + (ctx.acc_current * ctx.window) * ctx.n + off + base
        for j in range(nb):
            Acc[j] = acc[j]
        for st in range(3):
            for j in range(w):
                S[st * MAXW + j] = S[st * MAXW + j] + Acc[j]
    _exp_stages(ctx, base, nb, w, off, &S[0], &S[MAXW], &S[2 * MAXW], sg, Ik, Ih, I4)


cdef inline void _piece_currents(Ctx* ctx, int64_t p0, int64_t np_, Py_ssize_t i, double I0,
                                 double Nz, double Acc, double* tri) noexcept nogil:
    """Neuron i's current (without exponential synapses) at the start, middle
    and end of the pieces p0 .. p0 + np_ - 1 of a split step, summed as in
    _stage_currents (then + the current input Acc in a network run)."""
    cdef int64_t q
    cdef Py_ssize_t st
    cdef double x
    for q in range(np_):
        for st in range(3):
            x = I0
            if ctx.piece_wave != NULL:
                x = x + ctx.piece_wave[3 * (p0 + q) + st]
            if ctx.piece_own != NULL:
                x = x + ctx.piece_own[(3 * (p0 + q) + st) * ctx.n + i]
            if ctx.noise != NULL:
                x = x + Nz
            if ctx.net and ctx.acc_current >= 0:
                x = x + Acc
            tri[3 * q + st] = x


cdef inline void _run_block(Ctx* ctx, SpikeBuf* buf, Py_ssize_t blk, int64_t k0,
                            int64_t k1, Py_ssize_t w, prm_t mode, bint f07) noexcept nogil:
    """Advance block ``blk`` (``w`` lanes) from step k0 to step k1 (exclusive,
    absolute step indices). In a network run, k0 .. k1 is one window and the
    step's input comes from the accumulators (see _window_inputs).

    ``mode`` only selects the specialization: shared (double) or per-lane
    (pointer) parameters; ``f07`` (a literal at each call) the model form."""
    cdef double v[MAXW]
    cdef double u[MAXW]
    cdef double vpre[MAXW]
    cdef double vpk[MAXW]         # the cut-off a lane reached (u-dependent cells)
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
    cdef double Ik[MAXW]          # current of the step (time-varying or network input)
    cdef double Bk[MAXW]          # its part held over the step (network runs)
    cdef double Ih_[MAXW]         # the current at t_k + dt/2 and t_k + dt (exponential synapses)
    cdef double I4_[MAXW]
    cdef double sg[MAX_EXP * MAXW]   # the exponential synapses' currents
    cdef double k07_[MAXW]
    cdef double vr07_[MAXW]
    cdef double vt07_[MAXW]
    cdef double dtc07_[MAXW]
    cdef double invc07_[MAXW]
    cdef double S3[3 * MAXW]      # rk4 with waveforms: the current at the stage times
    cdef double Nz[MAXW]          # its noise part
    cdef double Acc[MAXW]         # its network current input
    cdef double tri[3 * MAX_PIECES]
    cdef double zero = 0.0
    cdef int64_t p0 = 0, np_ = 0
    cdef uint64_t redo, spiked, lock = 0
    cdef int nsp_[MAXW]
    cdef prm_t k07, vr07, vt07, dtc07, invc07
    cdef Lane L
    cdef int accom = ctx.accom, horner = ctx.horner
    cdef bint variant = accom != 0 or horner != 0
    cdef bint varying = ctx.varying != 0
    cdef bint staged = ctx.staged != 0
    cdef bint split_step = False
    cdef int n_kinks = ctx.n_kinks
    cdef bint net = ctx.net != 0
    cdef bint jumps = net and ctx.acc_voltage >= 0
    cdef int n_exp = ctx.n_exp
    cdef bint locate = ctx.locate != 0, interp = ctx.interp != 0
    cdef double q2 = ctx.q2, q1 = ctx.q1, q0 = ctx.q0
    cdef double tnum = ctx.tnum, tden = ctx.tden
    cdef double* Icur = &I[0]
    cdef double* Ihc
    cdef double* I4c
    cdef const double* src
    cdef WinBuf* win = NULL
    cdef uint64_t bits
    cdef prm_t a, dta, b, c, d, peak
    cdef Py_ssize_t base = blk * w
    cdef Py_ssize_t nb = ctx.n - base
    cdef Py_ssize_t j, src_i, g, p
    cdef int64_t k, km, step0 = ctx.step0
    cdef int nsp
    cdef uint64_t fired, valid
    cdef double dt = ctx.dt, hi = ctx.vbig, lo = -ctx.vbig
    cdef int method = ctx.method
    cdef bint ps = method == M_PS       # Parker-Sochacki: every lane, every step, alone
    # (... or most of them at once: input held over the step, no switches)
    cdef bint ps_vec = ps and _ps_vector_on and ctx.n_exp == 0 and not (f07 and ctx.special07)
    cdef double P3[3 * MAXW]      # ps with waveforms: the step's quadratic (as _lane_piece)
    cdef uint64_t live
    cdef bint rec = ctx.rec_row != NULL and ctx.blk_rec[blk] != 0
    cdef bint moving = f07 and ctx.special07 != 0      # the cut-off moves with u
    cdef bint pre_wanted = rec and ctx.tr_v != NULL and (
        ctx.v_at_spike == SHOW_OVERSHOOT or (ctx.v_at_spike == SHOW_PEAK and moving))
    cdef double* shown_peak = &vpk[0] if moving or locate else &peak_[0]
    cdef bint sample
    if nb > w:
        nb = w
    if varying or net:
        Icur = &Ik[0]
    Ihc = Icur
    I4c = Icur
    if n_exp:
        Ihc = &Ih_[0]
        I4c = &I4_[0]
    src = &Ik[0] if varying else &I[0]
    if staged:
        if net:
            Icur = &Ik[0]
            Ihc = &Ih_[0]
            I4c = &I4_[0]
        else:
            Icur = &S3[0]
            Ihc = &S3[MAXW]
            I4c = &S3[2 * MAXW]
    if net:
        p = 0
        while ctx.part[p + 1] <= blk:
            p += 1
        win = &ctx.win[p]
    valid = (~(<uint64_t> 0)) >> (64 - nb)     # lanes that hold real neurons
    # load (loops without branches, so they vectorize); padding lanes repeat
    # lane 0 so they hold valid numbers
    for j in range(nb):
        v[j] = ctx.v[base + j]
        u[j] = ctx.u[base + j]
        I[j] = ctx.current[base + j]
    for j in range(nb, w):
        v[j] = ctx.v[base]
        u[j] = ctx.u[base]
        I[j] = ctx.current[base]
    if ctx.shared_params:
        for j in range(w):
            peak_[j] = ctx.peak[0]
    else:
        for j in range(nb):
            peak_[j] = ctx.peak[base + j]
        for j in range(nb, w):
            peak_[j] = ctx.peak[base]
    if f07 and ctx.dta == NULL:
        for j in range(w):
            src_i = base + j if j < nb else base
            k07_[j] = ctx.k07[src_i]
            vr07_[j] = ctx.vr07[src_i]
            vt07_[j] = ctx.vt07[src_i]
            dtc07_[j] = ctx.dtc07[src_i]
            invc07_[j] = ctx.invc07[src_i]
    for g in range(n_exp):
        for j in range(w):
            sg[g * MAXW + j] = ctx.syn[g * ctx.n + (base + j if j < nb else base)]
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
    elif ctx.dta != NULL:
        # a network block, advanced one window at a time: its parameters are
        # read in place (the plan pads them to whole blocks) instead of being
        # copied every window
        if f07:
            k07 = ctx.k07 + base
            vr07 = ctx.vr07 + base
            vt07 = ctx.vt07 + base
            dtc07 = ctx.dtc07 + base
            invc07 = ctx.invc07 + base
        else:                   # not read (the 2003 form), but valid addresses
            k07 = k07_
            vr07 = vr07_
            vt07 = vt07_
            dtc07 = dtc07_
            invc07 = invc07_
        a = ctx.a + base
        dta = ctx.dta + base
        b = ctx.b + base
        c = ctx.c + base
        d = ctx.d + base
        peak = ctx.peak + base
    else:
        for j in range(w):
            src_i = base + j if j < nb else base
            a_[j] = ctx.a[src_i]
            dta_[j] = dt * ctx.a[src_i]
            b_[j] = ctx.b[src_i]
            c_[j] = ctx.c[src_i]
            d_[j] = ctx.d[src_i]
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
            sample = rec and (k + 1 - step0) % ctx.stride == 0
            if staged:
                _stage_currents(ctx, base, nb, w, k, I, Nz, S3)
                if net:
                    _net_step_staged(ctx, base, nb, w, (k - k0) * ctx.n, S3, Acc, Ik, Ih_, I4_,
                                     sg, v)
                split_step = ctx.split != NULL and (ctx.split[k - step0 + 1]
                                                    > ctx.split[k - step0])
                if split_step:
                    p0 = ctx.split[k - step0]
                    np_ = ctx.split[k - step0 + 1] - p0
            else:
                if varying:
                    _fill_current(ctx, base, nb, w, k, I, Ik)
                if net:
                    _net_step(ctx, base, nb, w, (k - k0) * ctx.n, src, Ik, Bk, Ih_, I4_, sg, v)
            if method == M_RK4 and not (split_step or ps or f07):
                fired = _rk4_block(variant, q2, q1, q0, interp or (sample and pre_wanted), w, dt,
                                   hi, lo, v, u, vpre, v0_, u0_, Icur, Ihc, I4c, a, dta, b, c, d,
                                   peak, accom, horner) & valid
            else:
                _keep(w, v, u, v0_, u0_)
                if split_step or ps:
                    fired = 0               # every lane is done below, piece by piece
                elif f07:
                    fired = _step_2007(ctx, method, interp or (sample and pre_wanted), w, dt,
                                       hi, lo, v, u, vpre, vpk, Icur, Ihc, I4c, k07, vr07, vt07,
                                       dtc07, invc07, a, dta, b, c, d, peak) & valid
                else:
                    fired = _step(variant, q2, q1, q0, method, interp or (sample and pre_wanted),
                                  w, dt, hi, lo, v, u, vpre, Icur, Ihc, I4c, a, dta, b, c, d,
                                  peak, accom, horner) & valid
            if locate and (k == step0 or jumps):
                for j in range(nb):          # a state at or above the peak spikes at once
                    if v0_[j] >= peak_[j]:
                        fired = fired | ((<uint64_t> 1) << j)
            redo = fired
            lock = 0
            if split_step:
                redo = valid
            elif ps:
                redo = valid
                if ps_vec:
                    # the lanes whose whole step is one quiet sub-step, at
                    # once; the rest (and a state at or above the peak) alone
                    live = valid
                    for j in range(nb):
                        if v0_[j] >= peak_[j]:
                            live = live & ~((<uint64_t> 1) << j)
                    if staged:
                        # the step's one piece, its quadratic as _lane_piece makes it
                        for j in range(w):
                            _quadratic(S3[j], S3[MAXW + j], S3[2 * MAXW + j], dt, &P3[j],
                                       &P3[MAXW + j], &P3[2 * MAXW + j])
                    redo = valid & ~_ps_lanes(w, f07, live, dt, q2, q1, q0, accom != 0, v, u,
                                              Icur, k07, vr07, vt07, invc07, a, b, peak,
                                              P3 if staged else NULL)
                    lock = redo & live
                    if lock != 0 and ctx.n_kinks == 0:
                        # the rest side by side (the state at or above the peak alone)
                        _ps_redo(buf, base, lock, k, _time(k, tnum, tden),
                                 _time(k + 1, tnum, tden), dt, f07, q2, q1, q0, accom != 0,
                                 v0_, u0_, Icur, peak_, v, u, vpk, nsp_, k07, vr07, vt07,
                                 invc07, a, b, c, d, P3 if staged else NULL)
                    else:
                        lock = 0
            elif n_kinks and locate:
                # a step that crossed a switch of the form is redone, cut at the switch
                for j in range(nb):
                    for g in range(n_kinks):
                        if (v0_[j] > ctx.kink[g]) != (v[j] > ctx.kink[g]):
                            redo = redo | ((<uint64_t> 1) << j)

            bits = redo
            while bits != 0:
                j = _ctz(bits)
                bits = bits & (bits - 1)
                if locate:
                    if (lock >> j) & 1:
                        nsp = nsp_[j]               # (done by _ps_redo)
                    else:
                        _fill_lane(&L, ctx, Icur[j], _p(a, j), _p(b, j), _p(c, j), _p(d, j),
                                   peak_[j], _p(k07, j), _p(vr07, j), _p(vt07, j), _p(invc07, j))
                        if n_exp:
                            L.I = Bk[j]
                            L.n_exp = n_exp
                            L.tv = 1
                            for g in range(n_exp):
                                L.s[g] = sg[g * MAXW + j]
                                L.rate[g] = ctx.exp_rate[g]
                        if staged:
                            L.staged = 1
                            L.tv = 1
                            if split_step:
                                _piece_currents(ctx, p0, np_, base + j, I[j], Nz[j], Acc[j], tri)
                                L.n_pieces = <int> np_
                                L.ps0 = &ctx.piece_start[p0]
                                L.ph = &ctx.piece_length[p0]
                            else:
                                tri[0] = S3[j]
                                tri[1] = S3[MAXW + j]
                                tri[2] = S3[2 * MAXW + j]
                                L.ps0 = &zero
                                L.ph = &dt
                            L.ptri = &tri[0]
                        if ps:
                            nsp = _ps_spiking_step(buf, <int32_t> (base + j), k,
                                                   _time(k, tnum, tden), _time(k + 1, tnum, tden),
                                                   dt, v0_[j], u0_[j], &L, &v[j], &u[j], &vpk[j])
                        else:
                            nsp = _rk4_spiking_step(buf, <int32_t> (base + j), k,
                                                    _time(k, tnum, tden), _time(k + 1, tnum, tden),
                                                    dt, v0_[j], u0_[j], &L, hi, lo, &v[j], &u[j],
                                                    &vpk[j])
                    vpre[j] = vpk[j]
                    if nsp != 0:
                        fired = fired | ((<uint64_t> 1) << j)
                    else:
                        fired = fired & ~((<uint64_t> 1) << j)
                    if net:
                        while nsp > 0:
                            _win_push(win, <int32_t> (base + j), k)
                            nsp -= 1
                else:
                    _push_one(buf, <int32_t> (base + j),
                              _interp_time(_time(k, tnum, tden), _time(k + 1, tnum, tden), dt,
                                           v0_[j], vpre[j], peak_[j]))
                    if net:
                        _win_push(win, <int32_t> (base + j), k)
            for g in range(n_exp):
                for j in range(w):
                    sg[g * MAXW + j] = sg[g * MAXW + j] * ctx.exp_full[g]
            if sample:
                _sample(ctx, base, nb, k, fired, v, u, vpre, shown_peak)
            if (k - k0) % NMASK == NMASK - 1:
                _check_range(buf, base, nb, v, u, k)
            if buf.capped or buf.diverged:
                break           # the run is refused: no point going on
    elif prm_t is not double and ctx.dta == NULL and not (
            f07 or variant or varying or staged or net or rec) and (
            method == M_EULER or method == M_IZH2004 or method == M_IZH2003):
        # what the loop below does, NMASK steps at a time out of line (_grid_pl)
        km = k0
        while k1 - km >= NMASK:
            _grid_pl(method, w, NMASK, dt, hi, lo, q2, q1, q0, <rdptr> v, <rdptr> u,
                     <rdptr> vpre, <crdptr> Icur, <crdptr> dta_, <crdptr> b_, <crdptr> c_,
                     <crdptr> d_, <crdptr> peak_, valid, masks)
            _flush(buf, base, masks, km, NMASK, tnum, tden)
            _check_range(buf, base, nb, v, u, km + NMASK - 1)
            km = km + NMASK
        _grid_pl(method, w, k1 - km, dt, hi, lo, q2, q1, q0, <rdptr> v, <rdptr> u,
                 <rdptr> vpre, <crdptr> Icur, <crdptr> dta_, <crdptr> b_, <crdptr> c_,
                 <crdptr> d_, <crdptr> peak_, valid, masks)
        _flush(buf, base, masks, km, k1 - km, tnum, tden)
    else:
        # The fired-lane mask of each step goes to `masks`; spikes are extracted
        # from it every NMASK steps, so the step loop has no data-dependent branch.
        km = k0
        for k in range(k0, k1):
            sample = rec and (k + 1 - step0) % ctx.stride == 0
            if varying:
                _fill_current(ctx, base, nb, w, k, I, Ik)
            if net:
                _net_step(ctx, base, nb, w, (k - k0) * ctx.n, src, Ik, Bk, Ih_, I4_, sg, v)
            if method == M_RK4 and not f07:
                fired = _rk4_block(variant, q2, q1, q0, sample and pre_wanted, w, dt, hi, lo, v,
                                   u, vpre, NULL, NULL, Icur, Ihc, I4c, a, dta, b, c, d, peak,
                                   accom, horner) & valid
            elif f07:
                fired = _step_2007(ctx, method, sample and pre_wanted, w, dt, hi, lo, v, u, vpre,
                                   vpk, Icur, Ihc, I4c, k07, vr07, vt07, dtc07, invc07, a, dta,
                                   b, c, d, peak) & valid
            else:
                fired = _step(variant, q2, q1, q0, method, sample and pre_wanted, w, dt, hi, lo,
                              v, u, vpre, Icur, Ihc, I4c, a, dta, b, c, d, peak, accom,
                              horner) & valid
            masks[k - km] = fired
            if net:
                bits = fired
                while bits != 0:
                    j = _ctz(bits)
                    bits = bits & (bits - 1)
                    _win_push(win, <int32_t> (base + j), k)
                for g in range(n_exp):
                    for j in range(w):
                        sg[g * MAXW + j] = sg[g * MAXW + j] * ctx.exp_full[g]
            if sample:
                _sample(ctx, base, nb, k, fired, v, u, vpre, shown_peak)
            if k - km == NMASK - 1:
                _flush(buf, base, masks, km, NMASK, tnum, tden)
                _check_range(buf, base, nb, v, u, k)
                km = k + 1
        _flush(buf, base, masks, km, k1 - km, tnum, tden)
    if not net or (k1 - step0) % NMASK < k1 - k0 or k1 == ctx.k_end:
        _check_range(buf, base, nb, v, u, k1 - 1)
    for j in range(nb):
        ctx.v[base + j] = v[j]
        ctx.u[base + j] = u[j]
    for g in range(n_exp):
        for j in range(nb):
            ctx.syn[g * ctx.n + base + j] = sg[g * MAXW + j]


cdef void _run_one(Ctx* ctx, SpikeBuf* buf, Py_ssize_t i, int64_t k0,
                   int64_t k1) noexcept nogil:
    """Advance neuron ``i`` alone (width 1): its state stays in registers, which
    matters for a single neuron, where the step's latency is the cost."""
    cdef double v = ctx.v[i], u = ctx.u[i], vpre = 0.0, I = ctx.current[i], I0 = I
    cdef double tv, tu, tpre, vs0, us0, vpk = 0.0, tpk
    cdef Lane L
    cdef Py_ssize_t p = 0 if ctx.shared_params else i
    cdef double dt = ctx.dt, hi = ctx.vbig, lo = -ctx.vbig
    cdef double a = ctx.a[p], dta = dt * ctx.a[p], b = ctx.b[p], c = ctx.c[p], d = ctx.d[p]
    cdef double peak = ctx.peak[p]
    cdef int64_t k, km, step0 = ctx.step0
    cdef uint64_t fired
    cdef uint64_t masks[NMASK]
    cdef int method = ctx.method
    cdef bint f07 = ctx.form2007 != 0
    cdef int accom = ctx.accom, horner = ctx.horner
    cdef bint variant = accom != 0 or horner != 0
    cdef bint varying = ctx.varying != 0
    cdef bint locate = ctx.locate != 0, interp = ctx.interp != 0
    cdef double q2 = ctx.q2, q1 = ctx.q1, q0 = ctx.q0
    cdef double tnum = ctx.tnum, tden = ctx.tden
    cdef bint rec = ctx.rec_row != NULL and ctx.rec_row[i] >= 0
    cdef bint moving = f07 and ctx.special07 != 0      # the cut-off moves with u
    cdef bint pre_wanted = rec and ctx.tr_v != NULL and (
        ctx.v_at_spike == SHOW_OVERSHOOT or (ctx.v_at_spike == SHOW_PEAK and moving))
    cdef bint sample
    vpk = peak
    if locate or interp:
        for k in range(k0, k1):
            sample = rec and (k + 1 - step0) % ctx.stride == 0
            vs0 = v
            us0 = u
            if varying:
                _fill_current(ctx, i, 1, 1, k, &I0, &I)
            if f07:
                tpk = vpk
                fired = _step_2007(ctx, method, interp or (sample and pre_wanted), 1, dt,
                                   hi, lo, &v, &u, &vpre, &tpk, &I, &I, &I, ctx.k07[i], ctx.vr07[i],
                                   ctx.vt07[i], ctx.dtc07[i], ctx.invc07[i], a, dta, b, c, d,
                                   peak)
            else:
                fired = _step_one(variant, q2, q1, q0, method, interp or (sample and pre_wanted),
                                  dt, hi, lo, &v, &u, &vpre, I, I, I, a, dta, b, c, d, peak,
                                  accom, horner)
            if k == step0 and locate and vs0 >= peak:
                fired = 1
            if fired:
                if locate:
                    if f07:
                        _fill_lane(&L, ctx, I, a, b, c, d, peak, ctx.k07[i], ctx.vr07[i],
                                   ctx.vt07[i], ctx.invc07[i])
                    else:
                        _fill_lane(&L, ctx, I, a, b, c, d, peak, 0.0, 0.0, 0.0, 0.0)
                    tpk = peak
                    _rk4_spiking_step(buf, <int32_t> i, k, _time(k, tnum, tden),
                                      _time(k + 1, tnum, tden), dt, vs0, us0, &L, hi, lo,
                                      &tv, &tu, &tpk)
                    v = tv
                    u = tu
                    vpre = tpk
                else:
                    _push_one(buf, <int32_t> i, _interp_time(_time(k, tnum, tden),
                                                             _time(k + 1, tnum, tden), dt,
                                                             vs0, vpre, peak))
            if sample:
                tv = v
                tu = u
                tpre = vpre
                tpk = vpre if locate else (tpk if moving else peak)
                _sample(ctx, i, 1, k, fired, &tv, &tu, &tpre, &tpk)
            if (k - k0) % NMASK == NMASK - 1:
                tv = v
                tu = u
                _check_range(buf, i, 1, &tv, &tu, k)
            if buf.capped or buf.diverged:
                break           # the run is refused: no point going on
    else:
        km = k0
        for k in range(k0, k1):
            sample = rec and (k + 1 - step0) % ctx.stride == 0
            if varying:
                _fill_current(ctx, i, 1, 1, k, &I0, &I)
            if f07:
                tpk = peak
                fired = _step_2007(ctx, method, sample and pre_wanted, 1, dt, hi, lo, &v, &u,
                                   &vpre, &tpk, &I, &I, &I, ctx.k07[i], ctx.vr07[i], ctx.vt07[i],
                                   ctx.dtc07[i], ctx.invc07[i], a, dta, b, c, d, peak)
            else:
                fired = _step_one(variant, q2, q1, q0, method, sample and pre_wanted, dt, hi, lo,
                                  &v, &u, &vpre, I, I, I, a, dta, b, c, d, peak, accom, horner)
            masks[k - km] = fired
            if sample:
                tv = v   # copies: the addresses of v, u never escape, so they stay in registers
                tu = u
                tpre = vpre
                if not moving:
                    tpk = peak
                _sample(ctx, i, 1, k, fired, &tv, &tu, &tpre, &tpk)
            if k - km == NMASK - 1:
                _flush(buf, i, masks, km, NMASK, tnum, tden)
                tv = v
                tu = u
                _check_range(buf, i, 1, &tv, &tu, k)
                km = k + 1
        _flush(buf, i, masks, km, k1 - km, tnum, tden)
    tv = v
    tu = u
    _check_range(buf, i, 1, &tv, &tu, k1 - 1)
    ctx.v[i] = v
    ctx.u[i] = u


cdef void _advance_block(Ctx* ctx, SpikeBuf* buf, Py_ssize_t blk, int64_t k0,
                         int64_t k1) noexcept nogil:
    """Dispatch to a specialization with a compile-time width, so the lane
    loops are fully unrolled."""
    if ctx.width == 1:
        _run_one(ctx, buf, blk, k0, k1)
    elif ctx.form2007:
        _advance_block_form(ctx, buf, blk, k0, k1, True)
    else:
        _advance_block_form(ctx, buf, blk, k0, k1, False)


cdef inline void _advance_block_form(Ctx* ctx, SpikeBuf* buf, Py_ssize_t blk, int64_t k0,
                                     int64_t k1, bint f07) noexcept nogil:
    """(the model form a literal too: the 2003 form's loops hold no 2007 code)"""
    cdef cdptr per_lane = NULL
    if ctx.shared_params:
        if ctx.width == MAXW:
            _run_block(ctx, buf, blk, k0, k1, MAXW, 0.0, f07)
        else:
            _run_block(ctx, buf, blk, k0, k1, 8, 0.0, f07)
    else:
        if ctx.width == MAXW:
            _run_block(ctx, buf, blk, k0, k1, MAXW, per_lane, f07)
        else:
            _run_block(ctx, buf, blk, k0, k1, 8, per_lane, f07)


cdef void _advance_part(Ctx* ctx, Py_ssize_t p, int64_t k0, int64_t k1) noexcept nogil:
    cdef Py_ssize_t blk
    cdef SpikeBuf* buf = &ctx.bufs[p]
    for blk in range(ctx.part[p], ctx.part[p + 1]):
        if buf.capped or buf.diverged:
            return              # the run is refused: no point going on
        _advance_block(ctx, buf, blk, k0, k1)


def max_threads():
    """Threads OpenMP would use by default (1 without OpenMP)."""
    return izhic_max_threads()


cdef class Run:
    """One simulation in progress, built from a validated plan
    (:class:`izhic._plan.Plan`): parameters, state, spike buffers, traces.

    The plan's arrays are kept referenced here for the lifetime of the run;
    the state arrays ``plan.v`` and ``plan.u`` are advanced in place.
    """
    cdef Ctx ctx
    cdef const double[::1] _a, _b, _c, _d, _peak, _current, _dta
    cdef double[::1] _v, _u
    cdef const int32_t[::1] _rec_row
    cdef const char[::1] _blk_rec
    cdef double[:, ::1] _tr_v, _tr_u
    cdef const double[::1] _wave, _noise, _k07, _vr07, _vt07, _dtc07, _invc07
    cdef const double[:, ::1] _own, _pown
    cdef const double[::1] _pstart, _plen, _pwave
    cdef const int64_t[::1] _split
    cdef const uint64_t[::1] _ids
    cdef const int64_t[::1] _part
    cdef const double[::1] _zx, _zr, _zf
    cdef double[::1] _acc, _syn
    cdef const double[::1] _efull, _ehalf, _erate, _ev_amp
    cdef const int64_t[::1] _ev_ptr
    cdef const int32_t[::1] _ev_neuron
    cdef object _keep                 # the plan's network arrays, referenced while running
    cdef readonly int n_threads
    cdef readonly Py_ssize_t n_parts

    def __cinit__(self):
        memset(&self.ctx, 0, sizeof(Ctx))

    def __init__(self, plan):
        cdef Py_ssize_t i
        self._a, self._b, self._c, self._d = plan.a, plan.b, plan.c, plan.d
        self._peak, self._current, self._v, self._u = plan.v_peak, plan.current, plan.v, plan.u
        self.ctx.n = plan.n
        self.ctx.width = plan.width
        self.ctx.n_blocks = plan.n_blocks
        self.ctx.method = plan.method_code
        self.ctx.locate = plan.locate
        self.ctx.interp = plan.interpolate
        self.ctx.shared_params = plan.shared_params
        self.ctx.dt = plan.dt
        self.ctx.step0 = plan.step0
        self.ctx.k_end = plan.step0 + plan.n_steps
        self.ctx.tnum = plan.time_num
        self.ctx.tden = plan.time_den
        self.ctx.vbig = VBIG
        self.ctx.a = &self._a[0]
        self.ctx.b = &self._b[0]
        self.ctx.c = &self._c[0]
        self.ctx.d = &self._d[0]
        self.ctx.peak = &self._peak[0]
        if plan.dta is not None:
            self._dta = plan.dta
            self.ctx.dta = &self._dta[0]
        self.ctx.current = &self._current[0]
        self.ctx.v = &self._v[0]
        self.ctx.u = &self._u[0]
        self.ctx.stride = plan.stride
        if plan.wave is not None:
            self._wave = plan.wave
            self.ctx.wave = &self._wave[0]
        if plan.own is not None:
            self._own = plan.own
            self.ctx.own = &self._own[0, 0]
        if plan.staged:
            self.ctx.staged = 1
            if plan.wave3 is not None:
                self._wave = plan.wave3.reshape(-1)
                self.ctx.wave = &self._wave[0]
            if plan.own3 is not None:
                self._own = plan.own3.reshape(-1, plan.n)
                self.ctx.own = &self._own[0, 0]
            if plan.split is not None:
                self._split = plan.split
                self.ctx.split = &self._split[0]
                self._pstart, self._plen = plan.piece_start, plan.piece_length
                self.ctx.piece_start = &self._pstart[0]
                self.ctx.piece_length = &self._plen[0]
                if plan.piece_wave is not None:
                    self._pwave = plan.piece_wave.reshape(-1)
                    self.ctx.piece_wave = &self._pwave[0]
                if plan.piece_own is not None:
                    self._pown = plan.piece_own.reshape(-1, plan.n)
                    self.ctx.piece_own = &self._pown[0, 0]
        self.ctx.n_kinks = len(plan.kinks)
        self.ctx.kink_b = plan.kink_b
        for i in range(len(plan.kinks)):
            self.ctx.kink[i] = plan.kinks[i]
        if plan.noise is not None:
            self._noise = plan.noise
            self.ctx.noise = &self._noise[0]
            self.ctx.seed = plan.seed
            self._ids = plan.noise_keys
            self.ctx.noise_keys = &self._ids[0]
        if plan.zig_x is not None:
            self._zx, self._zr, self._zf = plan.zig_x, plan.zig_r, plan.zig_f
            self.ctx.zig_x = &self._zx[0]
            self.ctx.zig_r = &self._zr[0]
            self.ctx.zig_f = &self._zf[0]
        self.ctx.varying = (plan.wave is not None or plan.own is not None
                            or plan.noise is not None or plan.staged)
        self.ctx.q2 = plan.q2
        self.ctx.q1 = plan.q1
        self.ctx.q0 = plan.q0
        self.ctx.accom = plan.accommodation
        self.ctx.horner = plan.horner
        if plan.form2007:
            self._k07, self._vr07, self._vt07 = plan.k07, plan.vr07, plan.vt07
            self._dtc07, self._invc07 = plan.dtc07, plan.invc07
            self.ctx.form2007 = 1
            self.ctx.k07 = &self._k07[0]
            self.ctx.vr07 = &self._vr07[0]
            self.ctx.vt07 = &self._vt07[0]
            self.ctx.dtc07 = &self._dtc07[0]
            self.ctx.invc07 = &self._invc07[0]
            if plan.special07:
                self.ctx.special07 = 1
                (self.ctx.sp.use_vu, self.ctx.sp.v_u, self.ctx.sp.cubic, self.ctx.sp.v_cubic,
                 self.ctx.sp.b_low, self.ctx.sp.v_switch, self.ctx.sp.peak_u, self.ctx.sp.c_u,
                 self.ctx.sp.u_max) = plan.special_terms
                # (LTS: a moving peak and reset and a u cap, but B(v) = b (v - vr))
                self.ctx.sp.nullcline = (self.ctx.sp.use_vu or self.ctx.sp.cubic != 0.0
                                         or self.ctx.sp.v_switch > -INFINITY)
        self.ctx.v_at_spike = plan.v_at_spike_code
        # partitions: fixed for the run; each has its own spike buffer, so the
        # results do not depend on how many threads OpenMP provides
        self._part = plan.partitions
        self.n_parts = plan.partitions.shape[0] - 1
        self.ctx.n_parts = <int> self.n_parts
        self.ctx.part = &self._part[0]
        self.n_threads = plan.n_threads
        self.ctx.n_bufs = self.n_parts
        self.ctx.bufs = <SpikeBuf*> malloc(self.ctx.n_bufs * sizeof(SpikeBuf))
        if self.ctx.bufs == NULL:
            raise MemoryError("izhic: cannot allocate spike buffers")
        for i in range(self.ctx.n_bufs):
            _pool_take(&self.ctx.bufs[i])
        net = plan.network
        if net is not None:
            self._setup_network(net)
        if plan.rec_row is not None:
            self._rec_row = plan.rec_row
            self.ctx.rec_row = &self._rec_row[0]
            self._blk_rec = plan.blk_rec
            self.ctx.blk_rec = &self._blk_rec[0]
            if plan.tr_v is not None:
                self._tr_v = plan.tr_v
                self.ctx.tr_v = &self._tr_v[0, 0]
                self.ctx.n_samples = plan.tr_v.shape[1]
            if plan.tr_u is not None:
                self._tr_u = plan.tr_u
                self.ctx.tr_u = &self._tr_u[0, 0]
                self.ctx.n_samples = plan.tr_u.shape[1]

    cdef _setup_plastic(self, Proj* P, pr):
        """A plastic projection's arrays (the plan's, changed in place)."""
        cdef double[::1] wm = pr.weight
        cdef const uint8_t[::1] mask
        cdef double[::1] sd, apre
        cdef int64_t[::1] tpre
        cdef const int64_t[::1] in_ptr = pr.in_ptr
        cdef const int64_t[::1] in_syn = pr.in_syn
        cdef const int32_t[::1] in_pre = pr.in_pre
        cdef const int32_t[::1] in_dly = pr.in_dly
        cdef const int64_t[::1] in_off = pr.in_off
        P.wm = &wm[0] if wm.shape[0] else NULL
        P.w = P.wm
        cdef const uint8_t[::1] gflag = pr.gflag
        P.gflag = &gflag[0] if gflag.shape[0] else NULL
        if pr.mask is not None:
            mask = pr.mask
            P.mask = &mask[0] if mask.shape[0] else NULL
        if pr.sd is not None:
            sd = pr.sd
            P.sd = &sd[0] if sd.shape[0] else NULL
        if pr.apre is not None:
            apre, tpre = pr.apre, pr.tpre
            P.apre = &apre[0] if apre.shape[0] else NULL
            P.tpre = &tpre[0] if tpre.shape[0] else NULL
        P.in_ptr = &in_ptr[0]
        P.in_syn = &in_syn[0] if in_syn.shape[0] else NULL
        P.in_pre = &in_pre[0] if in_pre.shape[0] else NULL
        P.in_dly = &in_dly[0] if in_dly.shape[0] else NULL
        P.in_off = &in_off[0] if in_off.shape[0] else NULL

    def _setup_rule(self, net):
        """The run's plasticity rule and random events."""
        cdef Ctx* ctx = &self.ctx
        cdef double[::1] traces, apost
        cdef int64_t[::1] tpost
        ctx.kick_key = net.kick_key
        ctx.kick_n = net.kick_n
        ctx.kick_amp = net.kick_amp
        ctx.rule = net.rule
        if not net.rule:
            return
        prm = net.stdp
        ctx.w_min, ctx.w_max = prm["w_min"], prm["w_max"]
        if net.rule == 1:
            ctx.tr_amp, ctx.tr_decay = prm["trace_amplitude"], prm["trace_decay"]
            ctx.ltd_ratio, ctx.bias = prm["ltd_ratio"], prm["bias"]
            ctx.sd_decay = prm["derivative_decay"]
            ctx.interval = net.interval
            ctx.n_cols = net.n_cols
            traces = net.traces
            ctx.traces = &traces[0]
        else:
            ctx.tau_plus, ctx.tau_minus = prm["tau_plus"], prm["tau_minus"]
            ctx.a_plus, ctx.a_minus = prm["a_plus"], prm["a_minus"]
            apost, tpost = net.apost, net.tpost
            ctx.apost = &apost[0]
            ctx.tpost = &tpost[0]

    def _setup_network(self, net):
        """The network part of the plan (izhic._plan.NetworkPlan)."""
        cdef Py_ssize_t i, j
        cdef const int64_t[::1] gptr
        cdef const int64_t[::1] gstart
        cdef const int32_t[::1] post
        cdef const double[::1] wt
        cdef const uint16_t[::1] gdidx
        cdef const int32_t[::1] dsteps
        cdef const uint64_t[::1] keys
        cdef const int32_t[::1] h_neuron
        cdef const int64_t[::1] h_step
        cdef Ctx* ctx = &self.ctx
        self._keep = net
        ctx.net = 1
        ctx.window = net.window
        ctx.ring = net.ring
        ctx.n_acc = net.n_acc
        self._acc = net.acc
        ctx.acc = &self._acc[0]
        ctx.acc_current = net.acc_current
        ctx.acc_voltage = net.acc_voltage
        ctx.n_exp = net.n_exp
        ctx.first_exp = net.first_exp
        if net.n_exp:
            self._syn = net.syn
            ctx.syn = &self._syn[0]
            self._efull, self._ehalf, self._erate = net.exp_full, net.exp_half, net.exp_rate
            ctx.exp_full = &self._efull[0]
            ctx.exp_half = &self._ehalf[0]
            ctx.exp_rate = &self._erate[0]
        if net.ev_ptr is not None:
            self._ev_ptr, self._ev_neuron, self._ev_amp = net.ev_ptr, net.ev_neuron, net.ev_amp
            ctx.ev_ptr = &self._ev_ptr[0]
            ctx.ev_neuron = &self._ev_neuron[0] if self._ev_neuron.shape[0] else NULL
            ctx.ev_amp = &self._ev_amp[0] if self._ev_amp.shape[0] else NULL
        ctx.n_proj = len(net.projections)
        if ctx.n_proj:
            ctx.proj = <Proj*> malloc(ctx.n_proj * sizeof(Proj))
            if ctx.proj == NULL:
                raise MemoryError("izhic: cannot allocate the synapse tables")
            memset(ctx.proj, 0, ctx.n_proj * sizeof(Proj))
            for i, pr in enumerate(net.projections):
                gptr, gstart, gdidx = pr.gptr, pr.gstart, pr.gdidx
                post, wt, dsteps = pr.post, pr.weight, pr.dsteps
                ctx.proj[i].gptr = &gptr[0]
                ctx.proj[i].gstart = &gstart[0]
                ctx.proj[i].gdidx = &gdidx[0] if gdidx.shape[0] else NULL
                ctx.proj[i].post = &post[0] if post.shape[0] else NULL
                ctx.proj[i].w = &wt[0] if wt.shape[0] else NULL
                ctx.proj[i].dsteps = &dsteps[0]
                ctx.proj[i].acc = pr.acc
                ctx.proj[i].unique = pr.unique_targets
                ctx.proj[i].rule = pr.rule
                if pr.rule:
                    self._setup_plastic(&ctx.proj[i], pr)
        self._setup_rule(net)
        ctx.n_poisson = len(net.poisson)
        if ctx.n_poisson:
            ctx.poisson = <PoissonIn*> malloc(ctx.n_poisson * sizeof(PoissonIn))
            if ctx.poisson == NULL:
                raise MemoryError("izhic: cannot allocate the Poisson inputs")
            for i, pq in enumerate(net.poisson):
                keys = pq.keys
                ctx.poisson[i].acc = pq.acc
                ctx.poisson[i].weight = pq.weight
                ctx.poisson[i].lam = pq.lam
                ctx.poisson[i].emlam = pq.emlam
                ctx.poisson[i].keys = &keys[0]
        if ctx.n_parts > MAX_PARTS:
            raise ValueError(f"n_threads: a network run has at most {MAX_PARTS} partitions")
        # zeroed (calloc): if one of them fails, __dealloc__ frees the others
        ctx.queue = <Queue*> calloc(ctx.ring * ctx.n_parts, sizeof(Queue))
        ctx.hist = <Queue*> calloc(ctx.ring * ctx.n_parts, sizeof(Queue))
        ctx.win = <WinBuf*> calloc(ctx.n_parts, sizeof(WinBuf))
        if ctx.queue == NULL or ctx.hist == NULL or ctx.win == NULL:
            raise MemoryError("izhic: cannot allocate the spike queues")
        # spikes still in flight from the state the run continues
        h_neuron, h_step = net.in_flight_neuron, net.in_flight_step
        for j in range(h_neuron.shape[0]):
            if (_q_push(&ctx.hist[(h_step[j] % ctx.ring) * ctx.n_parts
                                  + _part_of(ctx, h_neuron[j])], h_neuron[j], 0, 0,
                        h_step[j]) != 0 or
                    _push_spike(ctx, h_neuron[j], h_step[j], ctx.step0,
                                _part_of(ctx, h_neuron[j])) != 0):
                raise MemoryError("izhic: cannot allocate the spike queues")

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.ctx.bufs != NULL:
            for i in range(self.ctx.n_bufs):
                _pool_give(&self.ctx.bufs[i])
            free(self.ctx.bufs)
            self.ctx.bufs = NULL
        if self.ctx.queue != NULL:
            for i in range(self.ctx.ring * self.ctx.n_parts):
                free(self.ctx.queue[i].e)
            free(self.ctx.queue)
            self.ctx.queue = NULL
        if self.ctx.hist != NULL:       # (separately: its allocation may have failed)
            for i in range(self.ctx.ring * self.ctx.n_parts):
                free(self.ctx.hist[i].e)
            free(self.ctx.hist)
            self.ctx.hist = NULL
        if self.ctx.win != NULL:
            for i in range(self.ctx.n_parts):
                free(self.ctx.win[i].neuron)
                free(self.ctx.win[i].step)
            free(self.ctx.win)
            self.ctx.win = NULL
        free(self.ctx.proj)
        self.ctx.proj = NULL
        free(self.ctx.poisson)
        self.ctx.poisson = NULL

    @property
    def width(self):
        return self.ctx.width

    @property
    def n_blocks(self):
        return self.ctx.n_blocks

    def use_threads(self, int n_threads):
        """Threads for the next calls of :meth:`advance` (at least 1). The
        results do not depend on it: the partitions, and with them the spike
        buffers, are fixed when the run is built."""
        self.n_threads = max(1, n_threads)

    def advance(self, int64_t k0, int64_t k1):
        """Advance every neuron over the run's steps k0 .. k1 - 1 (counted from
        the run's first step, 0).

        Returns False if a spike buffer could not grow (out of memory)."""
        cdef Py_ssize_t p, np_ = self.n_parts
        cdef Ctx* ctx = &self.ctx
        cdef int nt = self.n_threads
        cdef int64_t a0 = ctx.step0 + k0, a1 = ctx.step0 + k1, kw0, kw1, kp0, kp1
        with nogil:
            if ctx.net and (nt == 1 or np_ == 1):
                kw0 = a0
                while kw0 < a1:
                    kw1 = kw0 + ctx.window
                    if kw1 > a1:
                        kw1 = a1
                    for p in range(np_):
                        _window_part(ctx, p, kw0, kw1)
                    if ctx.rule == 1 and (kw0 + 1) % ctx.interval == 0:
                        _update_weights(ctx, 0, 1)   # (a plastic run: windows of one step)
                    for p in range(np_):
                        _finish_window(ctx, p, kw0, kw1)
                    if ctx.push_failed:
                        break
                    for p in range(np_):
                        if ctx.bufs[p].capped or ctx.bufs[p].diverged:
                            kw1 = a1          # refused: stop at this window
                    kw0 = kw1
            elif ctx.net:
                # One team of threads for the whole chunk, one barrier per window:
                # the iteration of partition p finishes p's previous window (its
                # plasticity, its history; they touch p's neurons and queue slots
                # only) and then runs p's next window. The threads all walk the
                # same windows (no early stop here: a refused run is reported
                # after the chunk), so they meet at every barrier.
                with parallel(num_threads=nt):
                    kw0 = a0
                    kp0 = -1
                    kp1 = -1
                    while kw0 < a1:
                        kw1 = kw0 + ctx.window
                        if kw1 > a1:
                            kw1 = a1
                        for p in prange(np_, schedule="static"):
                            if kp0 >= 0:
                                _finish_window(ctx, p, kp0, kp1)
                            _window_part(ctx, p, kw0, kw1)
                        _barrier()
                        if ctx.rule == 1 and (kw0 + 1) % ctx.interval == 0:
                            for p in prange(np_, schedule="static"):
                                _update_weights(ctx, p, np_)
                            _barrier()
                        kp0 = kw0
                        kp1 = kw1
                        kw0 = kw1
                    for p in prange(np_, schedule="static"):
                        if kp0 >= 0:
                            _finish_window(ctx, p, kp0, kp1)
            elif nt == 1 or np_ == 1:
                for p in range(np_):
                    _advance_part(ctx, p, a0, a1)
            else:
                for p in prange(np_, schedule="static", num_threads=nt):
                    _advance_part(ctx, p, a0, a1)
        if ctx.push_failed:
            return False
        for p in range(ctx.n_bufs):
            if ctx.bufs[p].failed:
                return False
        return True

    def in_flight_count(self, int64_t k_end, int64_t max_delay):
        """How many spikes were found in steps k_end - max_delay .. k_end - 1
        (those that may still arrive after k_end)."""
        cdef Ctx* ctx = &self.ctx
        cdef int64_t k, k_first = k_end - max_delay if k_end > max_delay else 0
        cdef Py_ssize_t n = 0
        if not ctx.net:
            return 0
        for k in range(k_first, k_end):
            for p in range(ctx.n_parts):
                n += ctx.hist[(k % ctx.ring) * ctx.n_parts + p].n
        return n

    def in_flight_fill(self, int32_t[::1] neurons, int64_t[::1] steps, int64_t k_end,
                       int64_t max_delay):
        """Write those spikes (see in_flight_count) as (neuron, step), by step and
        then in the order they were found."""
        cdef Ctx* ctx = &self.ctx
        cdef int64_t k, k_first = k_end - max_delay if k_end > max_delay else 0
        cdef Py_ssize_t e, m = 0
        cdef Py_ssize_t p
        cdef const Queue* h
        for k in range(k_first, k_end):
            for p in range(ctx.n_parts):
                h = &ctx.hist[(k % ctx.ring) * ctx.n_parts + p]
                for e in range(h.n):
                    neurons[m] = <int32_t> h.e[e].start
                    steps[m] = k
                    m += 1

    def stalled(self):
        """How many of the capped steps were ps steps that needed more than
        PS_MAX_SUBSTEPS sub-steps (or found none that converges)."""
        cdef Py_ssize_t i, total = 0
        for i in range(self.ctx.n_bufs):
            total += self.ctx.bufs[i].stalled
        return total

    def capped(self):
        """(count, first step, its neuron) of the steps cut short because a
        neuron crossed the peak more than MAX_SPIKES_PER_STEP times within them
        (method "rk4"); the step is absolute. (0, -1, -1) if none."""
        cdef Py_ssize_t i, total = 0
        cdef int64_t step = -1
        cdef int32_t neuron = -1
        for i in range(self.ctx.n_bufs):
            if self.ctx.bufs[i].capped:
                total += self.ctx.bufs[i].capped
                if step < 0 or self.ctx.bufs[i].capped_step < step:
                    step = self.ctx.bufs[i].capped_step
                    neuron = self.ctx.bufs[i].capped_neuron
        return total, step, neuron

    def diverged(self):
        """(count, step, neuron): states found out of the model's range, the
        earliest check that found one (the state after that absolute step) and
        its neuron; (0, -1, -1) if none."""
        cdef Py_ssize_t i, total = 0
        cdef int64_t step = -1
        cdef int32_t neuron = -1
        for i in range(self.ctx.n_bufs):
            if self.ctx.bufs[i].diverged:
                total += self.ctx.bufs[i].diverged
                if step < 0 or self.ctx.bufs[i].div_step < step:
                    step = self.ctx.bufs[i].div_step
                    neuron = self.ctx.bufs[i].div_neuron
        return total, step, neuron

    def n_spikes(self):
        """Spikes stored so far."""
        cdef Py_ssize_t i, total = 0
        for i in range(self.ctx.n_bufs):
            total += self.ctx.bufs[i].n
        return total

    def count(self, int64_t[::1] offsets):
        """Fill ``offsets`` (n + 1 zeros): neuron i's spikes will be
        ``times[offsets[i]:offsets[i+1]]``."""
        cdef Py_ssize_t n = self.ctx.n, p, i
        cdef SpikeBuf* buf
        with nogil:
            for p in range(self.ctx.n_bufs):
                buf = &self.ctx.bufs[p]
                for i in range(buf.n):
                    offsets[buf.neuron[i] + 1] += 1
            for i in range(n):
                offsets[i + 1] += offsets[i]

    def fill(self, double[::1] times, const int64_t[::1] offsets, int64_t[::1] pos):
        """Write the spike times into ``times`` (length offsets[n]), neuron by
        neuron in increasing order (``pos``: a copy of offsets[:n], scratch),
        and free the buffers."""
        cdef Py_ssize_t p, i
        cdef SpikeBuf* buf
        with nogil:
            for p in range(self.ctx.n_bufs):
                buf = &self.ctx.bufs[p]
                for i in range(buf.n):
                    times[pos[buf.neuron[i]]] = buf.time[i]
                    pos[buf.neuron[i]] += 1
        for p in range(self.ctx.n_bufs):
            _pool_give(&self.ctx.bufs[p])
