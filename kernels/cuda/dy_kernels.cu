/* dy_kernels.cu — CUDA entry points over the shared device layer, plus extern "C" launch wrappers
 * so every other host file stays C17 (the only C++ translation unit; compiled offline by nvcc).
 * Launches go to the caller's stream and return the launch error only; faults in a kernel surface
 * at the caller's next synchronisation.  Block sizes are the starting points of issue 13's
 * measurement on an H100/H200 (the sample kernel is register-heavy: 128 threads). */
#include "../dy_reduce.h"
#include <cuda_runtime.h>

#define DY_SAMPLE_THREADS 128
#define DY_REDUCE_THREADS 128
#define DY_SMALL_THREADS  256

__global__ void __launch_bounds__(DY_SAMPLE_THREADS)
    dy_kernel_sample(const dy_params *__restrict__ params, const double *__restrict__ grids,
                     const dy_ictl *__restrict__ ctl, dy_launch L, dy_u64 n, double *w,
                     unsigned char *bins, double *obs)
{
    const dy_u64 g = DY_GLOBAL_ID();
    if (g < n) dy_sample_one(params, grids, ctl, L, g, w, bins, obs);
}

__global__ void __launch_bounds__(DY_REDUCE_THREADS)
    dy_kernel_reduce(const dy_params *__restrict__ params, const dy_ictl *__restrict__ ctl,
                     dy_launch L, dy_u64 n, const double *__restrict__ w,
                     const unsigned char *__restrict__ bins, const double *__restrict__ obs,
                     const dy_histspec *__restrict__ hspec, const double *__restrict__ fw,
                     double *part)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < n) dy_reduce_chunk(params, ctl, L, r, w, bins, obs, hspec, fw, part);
}

__global__ void __launch_bounds__(DY_SMALL_THREADS)
    dy_kernel_combine(const dy_ictl *__restrict__ ctl, dy_launch L, dy_u64 n,
                      const double *__restrict__ part, double *itrec)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < n) dy_combine(ctl, L, r, part, itrec);
}

__global__ void __launch_bounds__(DY_SMALL_THREADS)
    dy_kernel_finish(const dy_params *__restrict__ params, const dy_ictl *__restrict__ ctl,
                     dy_launch L, dy_u64 n, double *itrec, double *grids,
                     const dy_histspec *__restrict__ hspec, double *hrun, double *hw, double *out)
{
    const dy_u64 r = DY_GLOBAL_ID();
    if (r < n) dy_finish(params, ctl, L, r, itrec, grids, hspec, hrun, hw, out);
}

__global__ void dy_kernel_flat(double *grids, dy_u32 dim, dy_u64 n)
{
    const dy_u64 j = DY_GLOBAL_ID();
    if (j < n) dy_map_flat(grids + j * 2 * dim * (DY_NBINS + 1), dim); /* DY_GRID_STRIDE */
}

__global__ void dy_kernel_philox(const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n)
{
    const dy_u64 i = DY_GLOBAL_ID();
    if (i < n) dy_philox4x32(ctr + 4 * i, key + 2 * i, out + 4 * i);
}

static unsigned int dy_blocks(unsigned long long n, unsigned int threads)
{
    return (unsigned int)((n + threads - 1) / threads);
}

/* n == 0 launches nothing and succeeds (as on cpu and opencl). */
#define DY_LAUNCH(kernel, threads, n, stream, ...)                                                 \
    do {                                                                                           \
        if ((n) == 0) return 0;                                                                    \
        kernel<<<dy_blocks((n), (threads)), (threads), 0, (cudaStream_t)(stream)>>>(__VA_ARGS__);  \
        return (int)cudaGetLastError();                                                            \
    } while (0)

extern "C" int dy_cuda_launch_sample(void *stream, const dy_params *params, const double *grids,
                                     const dy_ictl *ctl, dy_launch L, dy_u64 n, double *w,
                                     unsigned char *bins, double *obs)
{
    DY_LAUNCH(dy_kernel_sample, DY_SAMPLE_THREADS, n, stream, params, grids, ctl, L, n, w, bins,
              obs);
}

extern "C" int dy_cuda_launch_reduce(void *stream, const dy_params *params, const dy_ictl *ctl,
                                     dy_launch L, dy_u64 n, const double *w,
                                     const unsigned char *bins, const double *obs,
                                     const dy_histspec *hspec, const double *fw, double *part)
{
    DY_LAUNCH(dy_kernel_reduce, DY_REDUCE_THREADS, n, stream, params, ctl, L, n, w, bins, obs,
              hspec, fw, part);
}

extern "C" int dy_cuda_launch_combine(void *stream, const dy_ictl *ctl, dy_launch L, dy_u64 n,
                                      const double *part, double *itrec)
{
    DY_LAUNCH(dy_kernel_combine, DY_SMALL_THREADS, n, stream, ctl, L, n, part, itrec);
}

extern "C" int dy_cuda_launch_finish(void *stream, const dy_params *params, const dy_ictl *ctl,
                                     dy_launch L, dy_u64 n, double *itrec, double *grids,
                                     const dy_histspec *hspec, double *hrun, double *hw,
                                     double *out)
{
    DY_LAUNCH(dy_kernel_finish, DY_SMALL_THREADS, n, stream, params, ctl, L, n, itrec, grids, hspec,
              hrun, hw, out);
}

extern "C" int dy_cuda_launch_flat(void *stream, double *grids, dy_u32 dim, dy_u64 n)
{
    DY_LAUNCH(dy_kernel_flat, DY_SMALL_THREADS, n, stream, grids, dim, n);
}

extern "C" int dy_cuda_launch_philox(const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n)
{
    DY_LAUNCH(dy_kernel_philox, 64, n, 0, ctr, key, out, n);
}

/* Whether this build holds code the current device can run (cudaErrorNoKernelImageForDevice
 * otherwise: a GPU older than every architecture compiled in). */
extern "C" int dy_cuda_check_image(void)
{
    cudaFuncAttributes a;
    return (int)cudaFuncGetAttributes(&a, dy_kernel_sample);
}
