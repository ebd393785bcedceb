/* dy_kernels.cl — OpenCL entry points: index, bounds check, call the shared device layer.
 * Flattened with the C preprocessor and embedded into the library at build time. */
#include "../dy_sample.h"

DY_KERNEL void dy_kernel_sample(DY_GLOBAL const dy_params *params, DY_GLOBAL const double *grids,
                                dy_launch L, DY_GLOBAL double *w, DY_GLOBAL unsigned char *bins,
                                DY_GLOBAL double *obs)
{
    const dy_u64 g = DY_GLOBAL_ID();
    if (g < (dy_u64)L.n_integrals * L.n_samples) dy_sample_one(params, grids, L, g, w, bins, obs);
}

DY_KERNEL void dy_kernel_reduce(DY_GLOBAL const dy_params *params, dy_launch L,
                                DY_GLOBAL const double *w, DY_GLOBAL const unsigned char *bins,
                                DY_GLOBAL const double *obs, DY_GLOBAL const dy_histspec *hspec,
                                DY_GLOBAL double *tot, DY_GLOBAL double *acc, DY_GLOBAL double *hst)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < (dy_u64)L.n_integrals * (L.n_samples / DY_CHUNK) * DY_NROLES)
        dy_reduce_one(params, L, r, w, bins, obs, hspec, tot, acc, hst);
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
