/* dy_sample.h — the engine's device layer, part 1: draw one stratified VEGAS sample and evaluate
 * the integrand.  Shared by every backend; only this layer (with dy_reduce.h) touches global
 * memory, physics never does.  Sample s of an integral lies in stratum h = s / n_h; the stratum's
 * digits in base ns place it among ns^dim equal hypercubes of the map's y-space (Lepage,
 * J. Comput. Phys. 27 (1978) 192, Sec. 4; vegas's stratification, arXiv:2009.05112 Sec. 2). */
#ifndef DY_SAMPLE_H
#define DY_SAMPLE_H
#include "dy_process_table.h"
#include "dy_rng.h"

/* Per integral: the map (dim axes of DY_NBINS + 1 edges), then as much scratch for refinement. */
#define DY_GRID_STRIDE(lay) (2 * (lay).dim * (DY_NBINS + 1))

/* Doubles in one reduction record of the batch layout (see dy_types.h). */
DY_DEVICE dy_u64 dy_record_size(dy_layout lay)
{
    return DY_NTOT + (dy_u64)lay.dim * DY_NBINS + DY_HREC * (dy_u64)lay.n_obs * lay.hbins;
}

/* The control entry whose range holds `key` (a sample or a chunk index): entries are ordered,
 * first values ascending, the first at 0. */
DY_DEVICE dy_u32 dy_find_active(DY_GLOBAL const dy_ictl *ctl, dy_u32 n, dy_u64 key, int by_chunk)
{
    dy_u32 lo = 0, hi = n - 1;
    while (lo < hi) {
        const dy_u32 mid = (lo + hi + 1) / 2;
        const dy_u64 v = by_chunk ? ctl[mid].chunk_first : ctl[mid].sample_first;
        if (v <= key)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Work item g of a sampling launch (sample L.sample_begin + g of the iteration): writes its
 * weight, its map-interval index per axis and its observables at buffer position g. */
DY_DEVICE void dy_sample_one(DY_GLOBAL const dy_params *params, DY_GLOBAL const double *grids,
                             DY_GLOBAL const dy_ictl *ctl, dy_launch L, dy_u64 g,
                             DY_GLOBAL double *w, DY_GLOBAL unsigned char *bins,
                             DY_GLOBAL double *obs)
{
    const dy_u64 gs = L.sample_begin + g;
    DY_GLOBAL const dy_ictl *c = ctl + dy_find_active(ctl, L.n_active, gs, 0);
    const dy_u32 s = (dy_u32)(gs - c->sample_first);
    const dy_u32 ns = c->ns;
    const dy_u32 j = c->integral;
    DY_PARAMS_AT(p, params + j);
    DY_GLOBAL const double *grid = grids + (dy_u64)j * DY_GRID_STRIDE(L.lay);
    double y[DY_MAX_DIM], x[DY_MAX_DIM], o[DY_MAX_OBS];
    double jac = 1.0;
    dy_u32 h = s / c->nh, d, k;
    dy_rng_uniforms(L.seed, p->id, L.iteration, s, p->dim, y);
    for (d = 0; d < p->dim; ++d) {
        /* stratum digit d, then the VEGAS map: piecewise-linear inverse CDF on DY_NBINS
         * intervals (Lepage 1978) */
        DY_GLOBAL const double *e = grid + d * (DY_NBINS + 1);
        const dy_u32 digit = h % ns;
        const double yn = ((double)digit + y[d]) / (double)ns * DY_NBINS;
        dy_u32 b = (dy_u32)yn;
        double lo, width;
        h /= ns;
        if (b >= DY_NBINS) b = DY_NBINS - 1;
        lo = e[b];
        width = e[b + 1] - lo;
        x[d] = lo + (yn - (double)b) * width;
        jac *= width * DY_NBINS;
        bins[g * L.lay.dim + d] = (unsigned char)b;
    }
    for (k = 0; k < DY_MAX_OBS; ++k)
        o[k] = 0.0;
    w[g] = jac * dy_integrand(p, x, o, L.lay.n_obs);
    for (k = 0; k < L.lay.n_obs; ++k)
        obs[g * L.lay.n_obs + k] = o[k];
}

#endif
