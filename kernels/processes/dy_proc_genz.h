/* dy_proc_genz.h — the Genz test-integrand families on [0,1]^d (A. Genz, "Testing multidimensional
 * integration routines", in Tools, Methods and Languages for Scientific and Engineering
 * Computation, North-Holland 1984, pp. 81-94), shipped as a real process so any backend can be
 * checked against closed-form answers.  par[0..7] = a_i (difficulty), par[8..15] = u_i (shift),
 * ipar[0] = family. */
#ifndef DY_PROC_GENZ_H
#define DY_PROC_GENZ_H
#include "../dy_types.h"

enum dy_genz_family {
    DY_GENZ_OSCILLATORY = 0,
    DY_GENZ_PRODUCT_PEAK = 1,
    DY_GENZ_CORNER_PEAK = 2,
    DY_GENZ_GAUSSIAN = 3,
    DY_GENZ_C0 = 4,
    DY_GENZ_DISCONTINUOUS = 5,
    DY_GENZ_NFAMILIES = 6
};
#define DY_GENZ_A 0 /* par index of a_1 */
#define DY_GENZ_U 8 /* par index of u_1 */

/* Integrand value at x in [0,1]^d.  Observable 0 is x_1 (for histogram tests). */
DY_DEVICE double dy_proc_genz_eval(const dy_params *p, const double *x, double *obs, dy_u32 nobs)
{
    const dy_u32 d = p->dim;
    double s = 0.0, f = 1.0;
    dy_u32 i;
    if (nobs) obs[0] = x[0];
    switch (p->ipar[0]) {
    case DY_GENZ_OSCILLATORY:
        for (i = 0; i < d; ++i)
            s += p->par[DY_GENZ_A + i] * x[i];
        return DY_COS(DY_TWO_PI * p->par[DY_GENZ_U] + s);
    case DY_GENZ_PRODUCT_PEAK:
        for (i = 0; i < d; ++i) {
            const double a = p->par[DY_GENZ_A + i], dx = x[i] - p->par[DY_GENZ_U + i];
            f /= 1.0 / (a * a) + dx * dx;
        }
        return f;
    case DY_GENZ_CORNER_PEAK:
        for (i = 0; i < d; ++i)
            s += p->par[DY_GENZ_A + i] * x[i];
        return DY_POW(1.0 + s, -(double)(d + 1));
    case DY_GENZ_GAUSSIAN:
        for (i = 0; i < d; ++i) {
            const double a = p->par[DY_GENZ_A + i], dx = x[i] - p->par[DY_GENZ_U + i];
            s += a * a * dx * dx;
        }
        return DY_EXP(-s);
    case DY_GENZ_C0:
        for (i = 0; i < d; ++i)
            s += p->par[DY_GENZ_A + i] * DY_FABS(x[i] - p->par[DY_GENZ_U + i]);
        return DY_EXP(-s);
    case DY_GENZ_DISCONTINUOUS:
        if (x[0] > p->par[DY_GENZ_U] || (d > 1 && x[1] > p->par[DY_GENZ_U + 1])) return 0.0;
        for (i = 0; i < d; ++i)
            s += p->par[DY_GENZ_A + i] * x[i];
        return DY_EXP(s);
    default: return 0.0;
    }
}

/* Closed-form integrals over [0,1]^d (Genz 1984; derivations in docs/genz.md). */
DY_DEVICE double dy_proc_genz_exact(const dy_params *p)
{
    const dy_u32 d = p->dim;
    double r = 1.0;
    dy_u32 i;
    switch (p->ipar[0]) {
    case DY_GENZ_OSCILLATORY: {
        /* Re[ e^{i 2pi u1} prod_j (e^{i a_j} - 1)/(i a_j) ], |.| and phase per factor */
        double mod = 1.0, ph = DY_TWO_PI * p->par[DY_GENZ_U];
        for (i = 0; i < d; ++i) {
            const double a = p->par[DY_GENZ_A + i];
            mod *= 2.0 * DY_SIN(0.5 * a) / a;
            ph += 0.5 * a;
        }
        return mod * DY_COS(ph);
    }
    case DY_GENZ_PRODUCT_PEAK:
        for (i = 0; i < d; ++i) {
            const double a = p->par[DY_GENZ_A + i], u = p->par[DY_GENZ_U + i];
            r *= a * (DY_ATAN(a * (1.0 - u)) + DY_ATAN(a * u));
        }
        return r;
    case DY_GENZ_CORNER_PEAK: {
        /* (1/(d! prod a)) sum_{v in {0,1}^d} (-1)^|v| / (1 + a.v) */
        double sum = 0.0, norm = 1.0;
        dy_u32 v;
        for (i = 0; i < d; ++i)
            norm *= (double)(i + 1) * p->par[DY_GENZ_A + i];
        for (v = 0; v < (1u << d); ++v) {
            double av = 1.0;
            int sign = 1;
            for (i = 0; i < d; ++i)
                if (v & (1u << i)) {
                    av += p->par[DY_GENZ_A + i];
                    sign = -sign;
                }
            sum += (double)sign / av;
        }
        return sum / norm;
    }
    case DY_GENZ_GAUSSIAN:
        for (i = 0; i < d; ++i) {
            const double a = p->par[DY_GENZ_A + i], u = p->par[DY_GENZ_U + i];
            r *= 0.886226925452758014 / a * (erf(a * (1.0 - u)) + erf(a * u)); /* sqrt(pi)/2 */
        }
        return r;
    case DY_GENZ_C0:
        for (i = 0; i < d; ++i) {
            const double a = p->par[DY_GENZ_A + i], u = p->par[DY_GENZ_U + i];
            r *= (2.0 - DY_EXP(-a * u) - DY_EXP(-a * (1.0 - u))) / a;
        }
        return r;
    case DY_GENZ_DISCONTINUOUS:
        for (i = 0; i < d; ++i) {
            const double a = p->par[DY_GENZ_A + i];
            const double c = (i < 2) ? p->par[DY_GENZ_U + i] : 1.0;
            r *= DY_EXPM1(a * c) / a;
        }
        return r;
    default: return 0.0;
    }
}
#endif
