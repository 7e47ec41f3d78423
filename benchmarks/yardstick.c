/* The C yardstick: how fast plain C runs
 * the simplest Izhikevich simulation on this machine.
 *
 * Model: Izhikevich 2003 RS (a 0.02, b 0.2, c -65, d 8), v0 = -65, u0 = b*v0,
 * float64, current constant in time and one value per neuron. Textbook forward
 * Euler, v and u both from the old state, evaluated in the same order as
 * izhic's "euler" method:
 *
 *     v1 = v + dt*(0.04*(v*v) + 5*v + 140 - u + I)
 *     u1 = u + (dt*a)*(b*v - u)
 *     if v1 >= 30: v1 = c, u1 = u1 + d, count += 1
 *
 * Only spike counts are kept. Neurons are cut into blocks of 64 held in local
 * arrays (vector registers after -O3 -march=native); the time loop runs inside
 * the block and the reset is branch-free (selects, counts kept as doubles), so
 * the compiler vectorizes the lane loop.
 *
 * Built by benchmarks/conftest.py with `cc -O3 [-march=native] -shared -fPIC`
 * and called through ctypes.
 */

#define IZH_A 0.02
#define IZH_B 0.2
#define IZH_C (-65.0)
#define IZH_D 8.0
#define IZH_VPEAK 30.0
#define IZH_V0 (-65.0)
#define BLOCK 64

/* Advance `w` neurons (w <= BLOCK) for n_steps; write their spike counts.
 * Called with the constant BLOCK for full blocks so that the compiler emits a
 * fixed-trip-count vector loop. */
static inline long long run_block(int w, const double* I, int n_steps, double dt,
                                  long long* counts)
{
    double v[BLOCK], u[BLOCK], cur[BLOCK], cnt[BLOCK];
    const double dta = dt * IZH_A;
    long long total = 0;
    int j, k;

    for (j = 0; j < w; j++) {
        v[j] = IZH_V0;
        u[j] = IZH_B * IZH_V0;
        cur[j] = I[j];
        cnt[j] = 0.0;
    }
    for (k = 0; k < n_steps; k++) {
        for (j = 0; j < w; j++) {
            double vo = v[j], uo = u[j];
            double vn = vo + dt * (0.04 * (vo * vo) + 5.0 * vo + 140.0 - uo + cur[j]);
            double un = uo + dta * (IZH_B * vo - uo);
            int fired = vn >= IZH_VPEAK;
            v[j] = fired ? IZH_C : vn;
            u[j] = fired ? un + IZH_D : un;
            cnt[j] += fired ? 1.0 : 0.0;
        }
    }
    for (j = 0; j < w; j++) {
        counts[j] = (long long)cnt[j];
        total += counts[j];
    }
    return total;
}

/* Blocked yardstick: n neurons with currents I[n]; counts[n] receives each
 * neuron's spike count. Returns the total number of spikes. */
long long izh_yardstick(int n, const double* I, int n_steps, double dt, long long* counts)
{
    long long total = 0;
    int start = 0;
    for (; start + BLOCK <= n; start += BLOCK)
        total += run_block(BLOCK, I + start, n_steps, dt, counts + start);
    if (start < n)
        total += run_block(n - start, I + start, n_steps, dt, counts + start);
    return total;
}

/* One neuron at a time, the state in two scalars: latency-bound (each step
 * waits for the previous one), the way most hand-written simulators loop. */
long long izh_yardstick_single(int n, const double* I, int n_steps, double dt,
                               long long* counts)
{
    const double dta = dt * IZH_A;
    long long total = 0;
    int i, k;
    for (i = 0; i < n; i++) {
        double v = IZH_V0, u = IZH_B * IZH_V0, cur = I[i];
        long long cnt = 0;
        for (k = 0; k < n_steps; k++) {
            double vn = v + dt * (0.04 * (v * v) + 5.0 * v + 140.0 - u + cur);
            double un = u + dta * (IZH_B * v - u);
            if (vn >= IZH_VPEAK) {
                vn = IZH_C;
                un += IZH_D;
                cnt++;
            }
            v = vn;
            u = un;
        }
        counts[i] = cnt;
        total += cnt;
    }
    return total;
}
