/* acceptance.c — the angular acceptance share of an angle histogram (physics/acceptance.h). */
#include "physics/acceptance.h"
#include <math.h>
#include "physics/dy_constants.h"

double dy_accept_fraction(const double *e, int nt, const double *h, double theta_acc)
{
    double tot = 0.0, acc = 0.0;
    for (int t = 0; t < nt; ++t)
        tot += h[t];
    if (!(tot > 0.0) || !(theta_acc > 0.0)) return 0.0;
    for (int t = 0; t < nt; ++t) {
        const double lo = t ? e[t] : 0.0, hi = e[t + 1];
        if (!(h[t] > 0.0) || theta_acc <= lo) continue;
        if (t == nt - 1 && theta_acc >= hi) return NAN; /* the last bin runs on to pi */
        /* within the first bin (theta << the emission angles) dN/dtheta ~ theta; in a
         * log-spaced bin the share is taken flat in ln theta */
        const double s = theta_acc >= hi ? 1.0
                         : t == 0        ? (theta_acc / hi) * (theta_acc / hi)
                                         : log(theta_acc / lo) / log(hi / lo);
        acc += h[t] * s;
    }
    return acc / tot;
}

double dy_accept_half_angle(double radius, double distance)
{
    return distance > 0.0 ? atan(radius / distance) : NAN;
}

/* The azimuths phi in [0, pi] at which a product displaced by b from the A' point a (both cm)
 * lands within R: sign +1: |a + b e^{i phi}| < R, i.e. phi > arccos(k); sign -1: the opposite
 * product, phi < arccos(-k); k = (R^2 - a^2 - b^2)/(2ab).  As [lo, hi] within [0, pi]. */
static void arc(double a, double b, double R, int sign, double *lo, double *hi)
{
    const double pi = 3.14159265358979323846;
    if (!isfinite(b)) { /* a backward product never reaches the plane */
        *lo = 0.0, *hi = -1.0;
        return;
    }
    if (a * b == 0.0) {
        const int in = a * a + b * b < R * R;
        *lo = 0.0, *hi = in ? pi : -1.0;
        return;
    }
    const double k = fmax(-1.0, fmin(1.0, (R * R - a * a - b * b) / (2.0 * a * b)));
    if (sign > 0)
        *lo = acos(k), *hi = pi;
    else
        *lo = 0.0, *hi = acos(-k);
}

double dy_accept_products(double m, double E, double theta, double off, double lev_lo,
                          double lev_hi, double R, int need_both)
{
    enum { NC = 64, NZ = 32 };
    const double pi = 3.14159265358979323846;
    if (!(E > m) || !(m > 2.0 * DY_M_E) || !(lev_hi > lev_lo)) return 0.0;
    const double g = E / m, b = sqrt(1.0 - 1.0 / (g * g));
    const double es = 0.5 * m, ps = sqrt(0.25 * m * m - DY_M_E * DY_M_E); /* rest frame */
    const double a = tan(theta) * off;
    double acc = 0.0;
    for (int i = 0; i < NC; ++i) {
        const double c = -1.0 + 2.0 * (i + 0.5) / NC, s = sqrt(1.0 - c * c);
        const double pt = ps * s, pl1 = g * (ps * c + b * es), pl2 = g * (-ps * c + b * es);
        /* tan of each product's angle to the A' */
        const double t1 = pl1 > 0.0 ? pt / pl1 : INFINITY, t2 = pl2 > 0.0 ? pt / pl2 : INFINITY;
        for (int q = 0; q < NZ; ++q) {
            const double lev = lev_lo + (lev_hi - lev_lo) * (q + 0.5) / NZ;
            double l1, h1, l2, h2; /* product 2 lies opposite product 1 in azimuth */
            arc(a, t1 * lev, R, +1, &l1, &h1);
            arc(a, t2 * lev, R, -1, &l2, &h2);
            const double w1 = fmax(0.0, h1 - l1), w2 = fmax(0.0, h2 - l2);
            const double both = fmax(0.0, fmin(h1, h2) - fmax(l1, l2));
            acc += (need_both ? both : w1 + w2 - both) / pi;
        }
    }
    return acc / (NC * NZ);
}

double dy_accept_products_share(const double *e, int nt, const double *h, double m, double E,
                                double off, double lev_lo, double lev_hi, double R, int need_both)
{
    double tot = 0.0, acc = 0.0;
    for (int t = 0; t < nt; ++t) {
        tot += h[t];
        if (!(h[t] > 0.0)) continue;
        double p = 0.0;
        for (int k = 0; k < 3; ++k) {
            const double u = (k + 0.5) / 3.0;
            const double th = t ? e[t] * pow(e[t + 1] / e[t], u) : e[1] * sqrt(u);
            p += dy_accept_products(m, E, th, off, lev_lo, lev_hi, R, need_both) / 3.0;
        }
        acc += h[t] * p;
    }
    return tot > 0.0 ? acc / tot : 0.0;
}
