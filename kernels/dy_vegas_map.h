/* dy_vegas_map.h — refinement of one VEGAS map axis from its per-interval sums of w^2, shared by
 * every backend (the map lives where the samples are drawn).  G. P. Lepage, J. Comput. Phys. 27
 * (1978) 192, Sec. 3: neighbour smoothing, damping m_i = ((r_i - 1)/ln r_i)^alpha, then new edges
 * that give every interval the same share of sum m.  Optionally a defensive mixture (Hesterberg,
 * Technometrics 37 (1995) 185): a fraction lambda of uniform density, so no interval grows wider
 * than 1/(lambda N) where the map cannot resolve a discontinuity. */
#ifndef DY_VEGAS_MAP_H
#define DY_VEGAS_MAP_H
#include "dy_types.h"

/* edge[0..DY_NBINS] (edge[0] = 0, edge[DY_NBINS] = 1) refined in place from a[0..DY_NBINS), the
 * per-interval sums of w^2, which are overwritten; nw[0..DY_NBINS] is scratch.  No private
 * arrays: on a GPU (and in PoCL's work-groups) they would cost local memory per work item. */
DY_DEVICE void dy_map_refine_axis(DY_GLOBAL double *edge, DY_GLOBAL double *a, DY_GLOBAL double *nw,
                                  double alpha, double lam, dy_u32 merge)
{
    double tot = 0.0, msum = 0.0, per, run = 0.0;
    int b, i, j = 0;
    /* few samples per interval: pool `merge` neighbours into one refinement bin (in place: bin k
     * reads intervals k*merge.. >= k), so each bin's sum is not mostly noise; the map keeps its
     * DY_NBINS edges and the pooled density is spread evenly over the pooled intervals */
    const int g = merge > 1 && merge <= DY_NBINS ? (int)merge : 1, K = DY_NBINS / g;
    if (g > 1)
        for (b = 0; b < K; ++b) {
            double s = 0.0;
            for (i = 0; i < g; ++i)
                s += a[b * g + i];
            a[b] = s;
        }
    /* smoothing (1, 6, 1)/8, (7, 1)/8 at the ends, as in vegas (Lepage, arXiv:2009.05112) */
    for (b = 0; b < K; ++b) {
        const double l = a[b > 0 ? b - 1 : b], r = a[b < K - 1 ? b + 1 : b];
        nw[b] = (b == 0 || b == K - 1) ? (7.0 * a[b] + (b == 0 ? r : l)) / 8.0
                                       : (l + 6.0 * a[b] + r) / 8.0;
        tot += nw[b];
    }
    if (!(tot > 0.0) || !DY_ISFINITE(tot)) return; /* nothing seen: keep the map */
    for (b = 0; b < K; ++b) {                      /* damping: a[] now holds m_b */
        const double r = nw[b] / tot;
        const double q = r <= 0.0 ? 0.0 : (DY_FABS(r - 1.0) < 1e-12 ? 1.0 : (r - 1.0) / DY_LOG(r));
        a[b] = alpha == 1.5 ? q * DY_SQRT(q) : DY_POW(q, alpha); /* the default without pow */
        msum += a[b];
    }
    /* spread back, top down (b / g <= b), uniform in x over the pooled bin: its intervals get
     * shares in proportion to their widths, so the new map is what a map of K intervals would
     * be.  Splitting evenly instead keeps the old intervals' fine structure, which iterations
     * smaller than the present one learned from fewer samples: that noise accumulates (6-D Genz
     * product peak, 256 intervals: 30 % more evaluations to 1e-3) */
    for (b = DY_NBINS - 1; g > 1 && b >= 0; --b) {
        const int k = b / g;
        const double wk = edge[(k + 1) * g] - edge[k * g];
        a[b] = wk > 0.0 ? a[k] * (edge[b + 1] - edge[b]) / wk : a[k] / g;
    }
    if (lam > 0.0)
        for (b = 0; b < DY_NBINS; ++b)
            a[b] = (1.0 - lam) * a[b] + lam * msum * (edge[b + 1] - edge[b]);
    per = msum / DY_NBINS;
    nw[0] = 0.0;
    for (i = 1; i < DY_NBINS; ++i) {
        const double target = i * per;
        double f;
        while (j < DY_NBINS - 1 && run + a[j] < target)
            run += a[j++];
        f = a[j] > 0.0 ? (target - run) / a[j] : 0.0;
        nw[i] = edge[j] + DY_FMIN(DY_FMAX(f, 0.0), 1.0) * (edge[j + 1] - edge[j]);
    }
    nw[DY_NBINS] = 1.0;
    for (i = 1; i < DY_NBINS; ++i) /* keep the edges increasing */
        if (!(nw[i] > nw[i - 1])) nw[i] = nw[i - 1];
    for (i = 0; i <= DY_NBINS; ++i)
        edge[i] = nw[i];
}

/* The flat map of one integral (dim axes). */
DY_DEVICE void dy_map_flat(DY_GLOBAL double *grid, dy_u32 dim)
{
    dy_u32 d;
    int b;
    for (d = 0; d < dim; ++d)
        for (b = 0; b <= DY_NBINS; ++b)
            grid[d * (DY_NBINS + 1) + b] = (double)b / DY_NBINS;
}

#endif
