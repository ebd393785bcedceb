/* acceptance.c — the angular acceptance share of an angle histogram (physics/acceptance.h). */
#include "physics/acceptance.h"
#include <math.h>

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
