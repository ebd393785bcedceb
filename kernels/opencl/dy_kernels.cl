/* dy_kernels.cl — OpenCL entry points: index, bounds check, call the shared device layer.
 * Flattened with the C preprocessor and embedded into the library at build time. */
#include "../dy_reduce.h"

DY_KERNEL void dy_kernel_sample(DY_GLOBAL const dy_params *params, DY_GLOBAL const double *grids,
                                DY_GLOBAL const dy_ictl *ctl, dy_launch L, dy_u64 n,
                                DY_GLOBAL double *w, DY_GLOBAL unsigned char *bins,
                                DY_GLOBAL double *obs)
{
    const dy_u64 g = DY_GLOBAL_ID();
    if (g < n) dy_sample_one(params, grids, ctl, L, g, w, bins, obs);
}

DY_KERNEL void dy_kernel_reduce(DY_GLOBAL const dy_params *params, DY_GLOBAL const dy_ictl *ctl,
                                dy_launch L, dy_u64 n, DY_GLOBAL const double *w,
                                DY_GLOBAL const unsigned char *bins, DY_GLOBAL const double *obs,
                                DY_GLOBAL const dy_histspec *hspec, DY_GLOBAL const double *fw,
                                DY_GLOBAL double *part)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < n) dy_reduce_chunk(params, ctl, L, r, w, bins, obs, hspec, fw, part);
}

DY_KERNEL void dy_kernel_combine(DY_GLOBAL const dy_ictl *ctl, dy_launch L, dy_u64 n,
                                 DY_GLOBAL const double *part, DY_GLOBAL double *itrec)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < n) dy_combine(ctl, L, r, part, itrec);
}

DY_KERNEL void dy_kernel_finish(DY_GLOBAL const dy_params *params, DY_GLOBAL const dy_ictl *ctl,
                                dy_launch L, dy_u64 n, DY_GLOBAL double *itrec,
                                DY_GLOBAL double *grids, DY_GLOBAL const dy_histspec *hspec,
                                DY_GLOBAL double *hrun, DY_GLOBAL double *hw, DY_GLOBAL double *out)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < n) dy_finish(params, ctl, L, r, itrec, grids, hspec, hrun, hw, out);
}

/* Flat maps for integrals 0..n-1 (dim axes each). */
DY_KERNEL void dy_kernel_flat(DY_GLOBAL double *grids, dy_u32 dim, dy_u64 n)
{
    const dy_u64 j = DY_GLOBAL_ID();
    if (j < n) dy_map_flat(grids + j * 2 * dim * (DY_NBINS + 1), dim); /* DY_GRID_STRIDE */
}

/* Known-answer check of the Philox block on the device: out[4*i..] = philox(ctr[4i..], key[2i..]).
 */
DY_KERNEL void dy_kernel_philox(DY_GLOBAL const dy_u32 *ctr, DY_GLOBAL const dy_u32 *key,
                                DY_GLOBAL dy_u32 *out, dy_u32 n)
{
    const dy_u64 i = DY_GLOBAL_ID();
    dy_u32 c[4], k[2], o[4];
    int m;
    if (i >= n) return;
    for (m = 0; m < 4; ++m)
        c[m] = ctr[4 * i + m];
    k[0] = key[2 * i];
    k[1] = key[2 * i + 1];
    dy_philox4x32(c, k, o);
    for (m = 0; m < 4; ++m)
        out[4 * i + m] = o[m];
}
