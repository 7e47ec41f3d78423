/* C loops of three networks of Izhikevich neurons: what plain C achieves, to
 * time izhic's network kernel against, and (in a build with -ffp-contract=off)
 * bit-exact twins of the NumPy oracles in tests/network_oracles.py.
 *
 *   nl_netm    Izhikevich 2003 net.m: dense S, column adds of the fired neurons
 *   nl_sparse  net.m's neurons, sparse synapses with delays (pre-major CSR
 *              grouped by delay): push into a ring buffer, or izhic's
 *              canonical order (pull at delivery, or queue at spike time)
 *   nl_spnet   Izhikevich 2006 spnet.m (delays, STDP), exactly
 *
 * Conventions (those of the oracles): float64; 1 ms steps numbered t = 1..T;
 * a spike is (t, neuron) with t the step at whose start v >= 30 was found;
 * every floating-point expression in the order the oracle writes it.
 * Every spike is recorded into a growable buffer (struct spikebuf, below).
 * Return value of each loop: 0, or NL_NOMEM, or NL_NONFINITE (v became NaN or
 * infinite: there is no lower bound on v, as in the published code).
 *
 * Input: a given current (T x N, or one value per neuron for all steps), or
 * noise drawn inside the loop from a ziggurat normal sampler over xoshiro256+
 * (for timing: net.m's 5 randn / 2 randn at the cost of a few ns each).
 *
 * Built by benchmarks/network_loops.py with cc -O3 -march=native -shared -fPIC
 * (timing) and the same plus -ffp-contract=off (bit-exact checks: no FMA).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NL_NOMEM (-1)
#define NL_NONFINITE (-2)
#define VPEAK 30.0

/* ------------------------------------------------------------------------ */
/* Spike record: (step, neuron) pairs, grown by doubling.                    */
/* The caller zero-initializes it and frees it with nl_spikebuf_free.        */
/* ------------------------------------------------------------------------ */

typedef struct {
    int64_t n, cap;
    int32_t *step, *neuron;
} spikebuf;

static int sb_push(spikebuf *b, int32_t step, int32_t neuron)
{
    if (b->n == b->cap) {
        int64_t cap = b->cap ? 2 * b->cap : 4096;
        int32_t *s = realloc(b->step, cap * sizeof *s);
        if (!s) return NL_NOMEM;
        b->step = s;
        s = realloc(b->neuron, cap * sizeof *s);
        if (!s) return NL_NOMEM;
        b->neuron = s;
        b->cap = cap;
    }
    b->step[b->n] = step;
    b->neuron[b->n] = neuron;
    b->n++;
    return 0;
}

void nl_spikebuf_free(spikebuf *b)
{
    free(b->step);
    free(b->neuron);
    b->step = b->neuron = NULL;
    b->n = b->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Random numbers: xoshiro256+ (Blackman & Vigna), seeded by splitmix64;     */
/* normals by a 256-layer ziggurat (Marsaglia & Tsang 2000).                 */
/* ------------------------------------------------------------------------ */

typedef struct { uint64_t s[4]; } rng_t;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    const uint64_t result = s[0] + s[3];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {           /* splitmix64 */
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        r->s[i] = z ^ (z >> 31);
    }
}

/* uniform in [0, 1) from the top 53 bits (xoshiro256+'s low bits are weak) */
static inline double rng_uniform(rng_t *r) { return (rng_next(r) >> 11) * 0x1.0p-53; }

/* uniform integer in [0, n) (Lemire's multiply-shift on the top 32 bits) */
static inline int32_t rng_below(rng_t *r, uint32_t n)
{
    return (int32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#define ZIG_R 3.6541528853610088        /* start of the tail, 256 layers */
#define ZIG_V 4.92867323399e-3          /* area of each layer (unnormalized pdf) */
static double zig_x[257], zig_f[257];   /* layer edges, decreasing; pdf there */

__attribute__((constructor)) static void zig_init(void)
{
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    zig_x[0] = ZIG_V / f;               /* the base layer: tail folded in */
    zig_x[1] = ZIG_R;
    for (int i = 2; i < 256; i++)
        zig_x[i] = sqrt(-2.0 * log(ZIG_V / zig_x[i - 1] + exp(-0.5 * zig_x[i - 1] * zig_x[i - 1])));
    zig_x[256] = 0.0;
    for (int i = 0; i <= 256; i++) zig_f[i] = exp(-0.5 * zig_x[i] * zig_x[i]);
}

static double zig_slow(rng_t *r, int i, double x)
{
    if (i == 0) {                        /* the tail beyond R (Marsaglia 1964) */
        double xt, y;
        do {
            xt = -log(1.0 - rng_uniform(r)) / ZIG_R;
            y = -log(1.0 - rng_uniform(r));
        } while (y + y < xt * xt);
        return x < 0 ? -(ZIG_R + xt) : ZIG_R + xt;
    }
    if (zig_f[i + 1] + (zig_f[i] - zig_f[i + 1]) * rng_uniform(r) < exp(-0.5 * x * x))
        return x;
    return NAN;                          /* rejected: draw again */
}

static inline double rng_normal(rng_t *r)
{
    for (;;) {
        uint64_t bits = rng_next(r);
        int i = (int)((bits >> 3) & 0xff);                   /* layer */
        double x = ((int64_t)(bits >> 11) - (1LL << 52)) * 0x1.0p-52 * zig_x[i];
        if (fabs(x) < zig_x[i + 1]) return x;                /* ~99% */
        x = zig_slow(r, i, x);
        if (x == x) return x;
    }
}

/* n standard normals from seed (to test the sampler) */
void nl_normals(uint64_t seed, int64_t n, double *out)
{
    rng_t r;
    rng_seed(&r, seed);
    for (int64_t k = 0; k < n; k++) out[k] = rng_normal(&r);
}

/* ------------------------------------------------------------------------ */
/* Pieces shared by the loops                                               */
/* ------------------------------------------------------------------------ */

/* The input of step t (before the synaptic part): noise scale[i]*z if scale is
 * given, else cur[(t-1)*stride + i] (stride N: a T x N array; 0: constant). */
typedef struct {
    const double *cur;
    int64_t stride;
    const double *scale;
    rng_t rng;
} input_t;

static inline void input_fill(input_t *in, int n, int t, double *restrict I)
{
    if (in->scale) {
        for (int i = 0; i < n; i++) I[i] = in->scale[i] * rng_normal(&in->rng);
    } else {
        const double *c = in->cur + (int64_t)(t - 1) * in->stride;
        memcpy(I, c, n * sizeof *I);
    }
}

/* Find v >= 30 (increasing index), record (t, i), reset, append i to fired.
 * Returns the number fired, or an error. A NaN or infinite v is an error. */
static int threshold(int n, int t, double *restrict v, double *restrict u,
                     const double *restrict c, const double *restrict d,
                     int32_t *restrict fired, spikebuf *out)
{
    int nf = 0;
    for (int i = 0; i < n; i++) {
        if (__builtin_expect(!(v[i] < VPEAK && v[i] >= -DBL_MAX), 0)) {
            if (!(v[i] >= VPEAK && v[i] <= DBL_MAX)) return NL_NONFINITE;
            if (sb_push(out, t, i)) return NL_NOMEM;
            v[i] = c[i];
            u[i] = u[i] + d[i];
            fired[nf++] = i;
        }
    }
    return nf;
}

/* net.m's update with I = cur + syn (the order of the oracles); gcc vectorizes
 * this loop (restrict pointers, no branches). */
static void update_2003(int n, double *restrict v, double *restrict u,
                        const double *restrict a, const double *restrict b,
                        const double *restrict cur, const double *restrict syn)
{
    for (int i = 0; i < n; i++) {
        double I = cur[i] + syn[i];
        double vi = v[i], ui = u[i];
        vi = vi + 0.5 * (0.04 * (vi * vi) + 5.0 * vi + 140.0 - ui + I);
        vi = vi + 0.5 * (0.04 * (vi * vi) + 5.0 * vi + 140.0 - ui + I);
        v[i] = vi;
        u[i] = ui + a[i] * (b[i] * vi - ui);
    }
}

/* A growable list of synapse ranges [r[2k], r[2k+1]) */
typedef struct {
    int64_t n, cap;
    int64_t *r;
} rangeq;

static int rq_push(rangeq *q, int64_t lo, int64_t hi)
{
    if (q->n == q->cap) {
        int64_t cap = q->cap ? 2 * q->cap : 1024;
        int64_t *r = realloc(q->r, 2 * cap * sizeof *r);
        if (!r) return NL_NOMEM;
        q->r = r;
        q->cap = cap;
    }
    q->r[2 * q->n] = lo;
    q->r[2 * q->n + 1] = hi;
    q->n++;
    return 0;
}

static void *scratch(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* ------------------------------------------------------------------------ */
/* net.m                                                                    */
/* ------------------------------------------------------------------------ */

/* Izhikevich 2003 net.m. ST is S transposed (ST[pre*N + post] = S[post, pre]),
 * so that a fired neuron's column is a contiguous row. For t = 1..T: fired =
 * v >= 30 (recorded, reset); syn = 0, then syn += ST[j] for the fired j in
 * DECREASING index; I = input + syn; two half steps; u. v, u: initial state
 * in, final state out. Input: thal (T x N) if not NULL, else noise_scale[i] *
 * normal from seed. */
int nl_netm(int n, const double *a, const double *b, const double *c, const double *d,
            const double *ST, int T, const double *thal, const double *noise_scale,
            uint64_t seed, double *v, double *u, spikebuf *out)
{
    double *I = scratch(n, sizeof *I), *syn = scratch(n, sizeof *syn);
    int32_t *fired = scratch(n, sizeof *fired);
    input_t in = {thal, n, noise_scale, {{0}}};
    int err = 0;
    rng_seed(&in.rng, seed);
    if (!I || !syn || !fired) err = NL_NOMEM;
    for (int t = 1; t <= T && !err; t++) {
        int nf = threshold(n, t, v, u, c, d, fired, out);
        if (nf < 0) { err = nf; break; }
        input_fill(&in, n, t, I);
        memset(syn, 0, n * sizeof *syn);
        for (int k = nf - 1; k >= 0; k--) {
            const double *restrict col = ST + (int64_t)fired[k] * n;
            for (int i = 0; i < n; i++) syn[i] += col[i];
        }
        update_2003(n, v, u, a, b, I, syn);
    }
    free(I); free(syn); free(fired);
    return err;
}

/* ------------------------------------------------------------------------ */
/* Sparse synapses with delays                                              */
/* ------------------------------------------------------------------------ */

/* net.m's neurons; the synapses of pre neuron j with delay m (1..D) are
 * ptr[j*D + m - 1] .. ptr[j*D + m] - 1 (targets post[], weights w[]), in the
 * order of the caller's synapse list. A spike found at the start of step t
 * acts through its delay-m synapses in step t + m - 1.
 *
 * mode 0 (push, for timing): at the spike, every synapse adds its weight into
 *   ring[(t + m - 1) % D], the summed input of that future step; step t uses
 *   ring[t % D] and clears it. Per target the adds come oldest spike first.
 * mode 1 (pull, izhic's canonical order, exactly tests' net_m_delays): step t
 *   sums syn = 0 + ... over the firing steps newest first (delay 1 first),
 *   within a step the fired neurons in decreasing index, each one's
 *   synapses of the matching delay in list order.
 * mode 2 (queue, the canonical order too): at the spike, each non-empty
 *   delay group's range of synapses is appended to the list of the step it
 *   acts in; step t walks its list BACKWARDS. The list was filled oldest
 *   firing step first and, within one, in increasing neuron index, so the
 *   walk is the order of mode 1, without looking groups up at delivery.
 * Then I = input + syn, two half steps, u. Input: noise (noise_scale != NULL)
 * or cur (T x N when cur_stride = N, one value per neuron when 0). */
int nl_sparse(int n, const double *a, const double *b, const double *c, const double *d,
              int D, const int64_t *ptr, const int32_t *post, const double *w,
              int T, int mode, const double *cur, int64_t cur_stride,
              const double *noise_scale, uint64_t seed,
              double *v, double *u, spikebuf *out)
{
    double *I = scratch(n, sizeof *I);
    double *ring = scratch((size_t)(mode == 0 ? D : 1) * n, sizeof *ring);
    int32_t *fired = scratch(n, sizeof *fired);
    int64_t *first = scratch((size_t)T + 2, sizeof *first);  /* out index of step t's first spike */
    rangeq *queue = scratch(D, sizeof *queue);                /* mode 2: one list a future step */
    input_t in = {cur, cur_stride, noise_scale, {{0}}};
    int err = 0;
    rng_seed(&in.rng, seed);
    if (!I || !ring || !fired || !first || !queue) err = NL_NOMEM;
    for (int t = 1; t <= T && !err; t++) {
        first[t] = out->n;
        int nf = threshold(n, t, v, u, c, d, fired, out);
        if (nf < 0) { err = nf; break; }
        double *syn;
        if (mode == 0) {
            for (int k = 0; k < nf; k++) {
                const int64_t *p = ptr + (int64_t)fired[k] * D;
                for (int m = 1; m <= D; m++) {
                    double *restrict slot = ring + (int64_t)((t + m - 1) % D) * n;
                    for (int64_t s = p[m - 1]; s < p[m]; s++) slot[post[s]] += w[s];
                }
            }
            syn = ring + (int64_t)(t % D) * n;
        } else if (mode == 2) {
            for (int k = 0; k < nf && !err; k++) {
                const int64_t *p = ptr + (int64_t)fired[k] * D;
                for (int m = 1; m <= D && !err; m++)
                    if (p[m - 1] < p[m]) err = rq_push(queue + (t + m - 1) % D, p[m - 1], p[m]);
            }
            rangeq *q = queue + t % D;
            syn = ring;
            memset(syn, 0, n * sizeof *syn);
            for (int64_t k = q->n - 1; k >= 0; k--)
                for (int64_t s = q->r[2 * k]; s < q->r[2 * k + 1]; s++) syn[post[s]] += w[s];
            q->n = 0;
        } else {
            syn = ring;
            memset(syn, 0, n * sizeof *syn);
            for (int m = 1; m <= D && t - m + 1 >= 1; m++) {
                int tf = t - m + 1;
                for (int64_t k = (tf == t ? out->n : first[tf + 1]) - 1; k >= first[tf]; k--) {
                    const int64_t *p = ptr + (int64_t)out->neuron[k] * D;
                    for (int64_t s = p[m - 1]; s < p[m]; s++) syn[post[s]] += w[s];
                }
            }
        }
        input_fill(&in, n, t, I);
        update_2003(n, v, u, a, b, I, syn);
        if (mode == 0) memset(syn, 0, n * sizeof *syn);
    }
    for (int m = 0; m < D && queue; m++) free(queue[m].r);
    free(I); free(ring); free(fired); free(first); free(queue);
    return err;
}

/* ------------------------------------------------------------------------ */
/* spnet (Izhikevich 2006)                                                  */
/* ------------------------------------------------------------------------ */

/* spnet's update (Horner form of the quadratic, b = 0.2); vectorized */
static void update_spnet(int n, double *restrict v, double *restrict u,
                         const double *restrict a, const double *restrict I)
{
    for (int i = 0; i < n; i++) {
        double vi = v[i], ui = u[i];
        vi = vi + 0.5 * ((0.04 * vi + 5.0) * vi + 140.0 - ui + I[i]);
        vi = vi + 0.5 * ((0.04 * vi + 5.0) * vi + 140.0 - ui + I[i]);
        v[i] = vi;
        u[i] = ui + a[i] * (0.2 * vi - ui);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* spnet.m exactly (see tests/network_oracles.py: spnet for the algorithm).
 * post, s, sd: N x M (row n = neuron n's synapses; s, sd in/out, s usually 6 /
 * -5 and sd 0 at the start). Column m of an excitatory neuron has delay
 * m / (M/D) + 1; inhibitory synapses all delay 1. pre_ptr (N+1), pre_p,
 * pre_m: each neuron's incoming excitatory synapses in spnet.m's order (column-
 * major find). sm: the weight cap (10). kicks[t-1]: the neuron with I = 20 in step t, or NULL to draw
 * it from seed. v, u: state in/out (-65, -13 at the start). sec_wall, if not
 * NULL, receives the wall time of each completed model second (s). */
int nl_spnet(int n, int ne, int M, int D, double sm, const int32_t *post, double *s, double *sd,
             const int64_t *pre_ptr, const int32_t *pre_p, const int32_t *pre_m,
             int64_t T, const int32_t *kicks, uint64_t seed,
             double *v, double *u, spikebuf *out, double *sec_wall)
{
    const int per = M / D, ncol = 1001 + D;
    /* STDP[col*N + i]: the trace of neuron i; column tau + D - 1 is now */
    double *STDP = scratch((size_t)ncol * n, sizeof *STDP);
    double *I = scratch(n, sizeof *I), *a = scratch(n, sizeof *a), *dd = scratch(n, sizeof *dd);
    double *cc = scratch(n, sizeof *cc);
    int32_t *fired = scratch(n, sizeof *fired);
    int32_t *pre_delay = scratch(pre_ptr[n], sizeof *pre_delay);
    rng_t rng;
    int err = 0;
    double t_sec = now_s();
    rng_seed(&rng, seed);
    if (!STDP || !I || !a || !dd || !cc || !fired || !pre_delay) err = NL_NOMEM;
    for (int i = 0; i < n && !err; i++) {
        a[i] = i < ne ? 0.02 : 0.1;
        dd[i] = i < ne ? 8.0 : 2.0;
        cc[i] = -65.0;
    }
    for (int64_t k = 0; k < pre_ptr[n] && !err; k++) pre_delay[k] = pre_m[k] / per + 1;

    for (int64_t t = 1; t <= T && !err; t++) {
        const int tau = (int)((t - 1) % 1000) + 1;
        double *restrict now = STDP + (int64_t)(tau + D - 1) * n;
        memset(I, 0, n * sizeof *I);
        I[kicks ? kicks[t - 1] : rng_below(&rng, n)] = 20.0;
        int nf = threshold(n, (int)t, v, u, cc, dd, fired, out);
        if (nf < 0) { err = nf; break; }
        for (int k = 0; k < nf; k++) now[fired[k]] = 0.1;
        /* LTP: each incoming excitatory synapse gains the pre trace at t - delay */
        for (int k = 0; k < nf; k++) {
            for (int64_t q = pre_ptr[fired[k]]; q < pre_ptr[fired[k] + 1]; q++) {
                int64_t syn = (int64_t)pre_p[q] * M + pre_m[q];
                sd[syn] = sd[syn] + now[pre_p[q] - (int64_t)pre_delay[q] * n];
            }
        }
        /* delivery and LTD: the spikes of the last D steps, newest first */
        for (int64_t k = out->n - 1; k >= 0 && out->step[k] > t - D; k--) {
            const int src = out->neuron[k], j = (int)(t - out->step[k]) + 1;
            int lo, hi;
            if (src < ne) { lo = (j - 1) * per; hi = j * per; }
            else { lo = 0; hi = j == 1 ? M : 0; }
            for (int m = lo; m < hi; m++) {
                const int64_t syn = (int64_t)src * M + m;
                const int tgt = post[syn];
                I[tgt] = I[tgt] + s[syn];
                sd[syn] = sd[syn] - 1.2 * now[tgt];
            }
        }
        update_spnet(n, v, u, a, I);
        for (int i = 0; i < n; i++) now[n + i] = 0.95 * now[i];   /* traces decay */
        if (tau == 1000) {
            memmove(STDP, STDP + (int64_t)1000 * n, (size_t)(D + 1) * n * sizeof *STDP);
            for (int64_t q = 0; q < (int64_t)ne * M; q++) {
                double x = 0.01 + s[q] + sd[q];
                x = sm <= x ? sm : x;                  /* numpy.minimum(sm, x) */
                s[q] = 0.0 >= x ? 0.0 : x;             /* numpy.maximum(0, x) */
            }
            for (int64_t q = 0; q < (int64_t)n * M; q++) sd[q] = 0.9 * sd[q];
            if (sec_wall) {
                double t_end = now_s();
                sec_wall[t / 1000 - 1] = t_end - t_sec;
                t_sec = t_end;
            }
        }
    }
    free(STDP); free(I); free(a); free(dd); free(cc); free(fired); free(pre_delay);
    return err;
}
