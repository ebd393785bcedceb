/* dy_sample.h — the engine's device layer, shared by every backend: draw one VEGAS sample and
 * evaluate the integrand (dy_sample_one), then reduce one (integral, chunk, role) in a fixed
 * sample order (dy_reduce_one).  Only this layer touches global memory; physics never does. */
#ifndef DY_SAMPLE_H
#define DY_SAMPLE_H
#include "dy_process_table.h"
#include "dy_rng.h"

#define DY_CHUNK       4096u /* samples per reduction chunk: fixes the summation order */
#define DY_GRID_STRIDE (DY_MAX_DIM * (DY_NBINS + 1))
#define DY_NROLES      (1 + DY_MAX_DIM + DY_MAX_OBS) /* totals, one per map axis, one per histogram */
#define DY_TOT_STRIDE  4

/* Work item g of a sampling launch: integral j = g / n_samples, sample s = offset + g % n. */
DY_DEVICE void dy_sample_one(DY_GLOBAL const dy_params *params, DY_GLOBAL const double *grids,
                             dy_launch L, dy_u64 g, DY_GLOBAL double *w,
                             DY_GLOBAL unsigned char *bins, DY_GLOBAL double *obs)
{
    const dy_u64 j = g / L.n_samples;
    const dy_u32 s = L.sample_offset + (dy_u32)(g % L.n_samples);
    DY_GLOBAL const double *grid = grids + j * DY_GRID_STRIDE;
    dy_params p = params[j];
    double y[DY_MAX_DIM], x[DY_MAX_DIM], o[DY_MAX_OBS];
    double jac = 1.0;
    dy_u32 d, k;
    dy_rng_uniforms(L.seed, p.id, L.iteration, s, p.dim, y);
    for (d = 0; d < p.dim; ++d) {
        /* VEGAS map (Lepage 1978): piecewise-linear inverse CDF on DY_NBINS intervals. */
        DY_GLOBAL const double *e = grid + d * (DY_NBINS + 1);
        const double yn = y[d] * DY_NBINS;
        dy_u32 b = (dy_u32)yn;
        double lo, width;
        if (b >= DY_NBINS) b = DY_NBINS - 1;
        lo = e[b];
        width = e[b + 1] - lo;
        x[d] = lo + (yn - (double)b) * width;
        jac *= width * DY_NBINS;
        bins[g * DY_MAX_DIM + d] = (unsigned char)b;
    }
    for (k = 0; k < DY_MAX_OBS; ++k)
        o[k] = 0.0;
    w[g] = jac * dy_integrand(&p, x, o, L.n_obs);
    for (k = 0; k < L.n_obs; ++k)
        obs[g * DY_MAX_OBS + k] = o[k];
}

/* Histogram bin of value v, or -1 outside [lo, hi). */
DY_DEVICE int dy_hist_bin(DY_GLOBAL const dy_histspec *h, double v)
{
    double f;
    if (h->nbins == 0) return -1;
    if (h->is_log) {
        if (!(v > 0.0)) return -1;
        v = log10(v);
    }
    f = (v - h->lo) / (h->hi - h->lo);
    if (!(f >= 0.0) || f >= 1.0) return -1;
    return (int)(f * h->nbins);
}

/* Reduction work item r over (integral, chunk, role).  Each output slot has exactly one owner
 * and samples are visited in index order, so sums are bit-reproducible on a given backend. */
DY_DEVICE void dy_reduce_one(DY_GLOBAL const dy_params *params, dy_launch L, dy_u64 r,
                             DY_GLOBAL const double *w, DY_GLOBAL const unsigned char *bins,
                             DY_GLOBAL const double *obs, DY_GLOBAL const dy_histspec *hspec,
                             DY_GLOBAL double *tot, DY_GLOBAL double *acc, DY_GLOBAL double *hst)
{
    const dy_u32 nch = L.n_samples / DY_CHUNK;
    const dy_u32 role = (dy_u32)(r % DY_NROLES);
    const dy_u64 jc = r / DY_NROLES; /* integral * nch + chunk */
    const dy_u64 j = jc / nch;
    const dy_u64 first = j * L.n_samples + (jc % nch) * DY_CHUNK;
    const dy_u32 dim = params[j].dim;
    dy_u64 g;
    if (role == 0) {
        double s1 = 0.0, s2 = 0.0, bad = 0.0;
        for (g = first; g < first + DY_CHUNK; ++g) {
            const double v = w[g];
            if (DY_ISFINITE(v)) {
                s1 += v;
                s2 += v * v;
            } else {
                bad += 1.0;
            }
        }
        tot[jc * DY_TOT_STRIDE + 0] = s1;
        tot[jc * DY_TOT_STRIDE + 1] = s2;
        tot[jc * DY_TOT_STRIDE + 2] = bad;
        tot[jc * DY_TOT_STRIDE + 3] = 0.0;
    } else if (role <= DY_MAX_DIM) {
        const dy_u32 d = role - 1;
        DY_GLOBAL double *a = acc + (jc * DY_MAX_DIM + d) * DY_NBINS;
        dy_u32 b;
        if (d >= dim) return;
        for (b = 0; b < DY_NBINS; ++b)
            a[b] = 0.0;
        for (g = first; g < first + DY_CHUNK; ++g) {
            const double v = w[g];
            if (DY_ISFINITE(v)) a[bins[g * DY_MAX_DIM + d]] += v * v;
        }
    } else {
        const dy_u32 k = role - 1 - DY_MAX_DIM;
        DY_GLOBAL const dy_histspec *h = hspec + j * DY_MAX_OBS + k;
        DY_GLOBAL double *hh = hst + (jc * DY_MAX_OBS + k) * (2 * DY_MAX_HBINS);
        dy_u32 b;
        if (k >= L.n_obs) return;
        for (b = 0; b < 2 * h->nbins; ++b)
            hh[b] = 0.0;
        for (g = first; g < first + DY_CHUNK; ++g) {
            const double v = w[g];
            const int hb = dy_hist_bin(h, obs[g * DY_MAX_OBS + k]);
            if (hb >= 0 && DY_ISFINITE(v)) {
                hh[2 * hb] += v;
                hh[2 * hb + 1] += v * v;
            }
        }
    }
}
#endif
