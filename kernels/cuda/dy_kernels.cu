/* dy_kernels.cu — CUDA entry points over the shared device layer, plus extern "C" launch wrappers
 * so every other host file stays C17 (the only C++ translation unit; compiled offline by nvcc). */
#include "../dy_sample.h"
#include <cuda_runtime.h>

DY_KERNEL void dy_kernel_sample(const dy_params *params, const double *grids, dy_launch L,
                                double *w, unsigned char *bins, double *obs)
{
    const dy_u64 g = DY_GLOBAL_ID();
    if (g < (dy_u64)L.n_integrals * L.n_samples) dy_sample_one(params, grids, L, g, w, bins, obs);
}

DY_KERNEL void dy_kernel_reduce(const dy_params *params, dy_launch L, const double *w,
                                const unsigned char *bins, const double *obs,
                                const dy_histspec *hspec, double *tot, double *acc, double *hst)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < (dy_u64)L.n_integrals * (L.n_samples / DY_CHUNK) * DY_NROLES)
        dy_reduce_one(params, L, r, w, bins, obs, hspec, tot, acc, hst);
}

DY_KERNEL void dy_kernel_philox(const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n)
{
    const dy_u64 i = DY_GLOBAL_ID();
    if (i < n) dy_philox4x32(ctr + 4 * i, key + 2 * i, out + 4 * i);
}

static unsigned int dy_blocks(unsigned long long n, unsigned int threads)
{
    return (unsigned int)((n + threads - 1) / threads);
}

extern "C" int dy_cuda_launch_sample(const dy_params *params, const double *grids, dy_launch L,
                                     double *w, unsigned char *bins, double *obs)
{
    const unsigned long long n = (unsigned long long)L.n_integrals * L.n_samples;
    dy_kernel_sample<<<dy_blocks(n, 128), 128>>>(params, grids, L, w, bins, obs);
    return (int)cudaGetLastError();
}

extern "C" int dy_cuda_launch_reduce(const dy_params *params, dy_launch L, const double *w,
                                     const unsigned char *bins, const double *obs,
                                     const dy_histspec *hspec, double *tot, double *acc,
                                     double *hst)
{
    const unsigned long long n =
        (unsigned long long)L.n_integrals * (L.n_samples / DY_CHUNK) * DY_NROLES;
    dy_kernel_reduce<<<dy_blocks(n, 64), 64>>>(params, L, w, bins, obs, hspec, tot, acc, hst);
    return (int)cudaGetLastError();
}

extern "C" int dy_cuda_launch_philox(const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n)
{
    dy_kernel_philox<<<dy_blocks(n, 64), 64>>>(ctr, key, out, n);
    return (int)cudaGetLastError();
}
