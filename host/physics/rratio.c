/* rratio.c — R(sqrt s) from the shipped table and the quark-parton model above it; the visible
 * dark photon's hadronic width (rratio.h). */
#include "physics/rratio.h"
#include <math.h>
#include "physics/dy_dark_widths.h"

#define M_D0 1.86484 /* D0 mass, GeV (PDG 2020): open charm from 2 m_D0 */
#define M_B0 5.27966 /* B0 mass, GeV (PDG 2020): open bottom from 2 m_B0 */

static double parton(double rs, double m, double q2, double K)
{
    const double r = 2.0 * m / rs;
    if (r >= 1.0) return 0.0;
    const double b = sqrt((1.0 - r) * (1.0 + r));
    return 3.0 * q2 * K * b * (3.0 - b * b) / 2.0;
}

double dy_rratio(double rs)
{
    const int n = dy_rratio_n;
    if (!(rs >= dy_rratio_table[0][0])) return 0.0; /* also NaN */
    if (rs >= dy_rratio_table[n - 1][0]) {
        const double uds = dy_rratio_table[n - 1][1], K = uds / 2.0; /* 3 (4+1+1)/9 = 2 */
        return uds + parton(rs, M_D0, 4.0 / 9.0, K) + parton(rs, M_B0, 1.0 / 9.0, K);
    }
    /* the grid is log-spaced: bisection keeps this independent of that */
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (dy_rratio_table[mid][0] <= rs)
            lo = mid;
        else
            hi = mid;
    }
    const double x0 = dy_rratio_table[lo][0], x1 = dy_rratio_table[hi][0];
    const double f = (rs - x0) / (x1 - x0);
    return (1.0 - f) * dy_rratio_table[lo][1] + f * dy_rratio_table[hi][1];
}

double dy_width_ap_had(double M, double eps)
{
    return DY_ALPHA_EM * eps * eps * M / 3.0 * dy_rratio(M);
}

dy_ap_visible dy_ap_visible_widths(double M, double eps)
{
    dy_ap_visible w;
    w.ee = dy_width_ap_ll(M, eps, DY_M_E);
    w.mumu = dy_width_ap_ll(M, eps, DY_M_MU);
    w.had = dy_width_ap_had(M, eps);
    w.total = w.ee + w.mumu + w.had;
    w.br_ee = w.total > 0.0 ? w.ee / w.total : 0.0;
    w.br_mumu = w.total > 0.0 ? w.mumu / w.total : 0.0;
    w.br_had = w.total > 0.0 ? w.had / w.total : 0.0;
    return w;
}
