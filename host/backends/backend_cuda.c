/* backend_cuda.c — CUDA backend, C side: device choice, memory, and calls into the extern "C"
 * launch wrappers of kernels/cuda/dy_kernels.cu.  The runtime is linked statically, so the binary
 * loads without a driver; cudaGetDeviceCount then reports why no device can be used. */
#include <cuda_runtime_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../engine/backend.h"

int dy_cuda_launch_sample(const dy_params *params, const double *grids, dy_launch L, double *w,
                          unsigned char *bins, double *obs);
int dy_cuda_launch_reduce(const dy_params *params, dy_launch L, const double *w,
                          const unsigned char *bins, const double *obs, const dy_histspec *hspec,
                          double *tot, double *acc, double *hst);
int dy_cuda_launch_philox(const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n);

typedef struct cu_state {
    int dev;
    size_t global_mem;
    dy_params *params;
    double *grids, *w, *obs, *tot, *acc, *hst;
    dy_histspec *hspec;
    unsigned char *bins;
    size_t cap_int, cap_samp, cap_chunks;
} cu_state;

#define CU_TRY(call, what)                                                                         \
    do {                                                                                           \
        cudaError_t rc_ = (cudaError_t)(call);                                                     \
        if (rc_ != cudaSuccess) {                                                                  \
            st = dy_error_set(err, DY_ERR_DEVICE, "cuda: %s: %s (%s)", what,                       \
                              cudaGetErrorName(rc_), cudaGetErrorString(rc_));                     \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* Device choice: DARKYIELD_CUDA_DEVICE=<index>, else device 0. */
static int wanted_device(void)
{
    const char *env = getenv("DARKYIELD_CUDA_DEVICE");
    return (env && *env) ? atoi(env) : 0;
}

static dy_status cu_probe(dy_error *err)
{
    int n = 0;
    cudaError_t rc = cudaGetDeviceCount(&n);
    if (rc != cudaSuccess)
        return dy_error_set(err, DY_ERR_UNAVAILABLE, "cuda: no usable device: %s (%s)",
                            cudaGetErrorName(rc), cudaGetErrorString(rc));
    if (n == 0) return dy_error_set(err, DY_ERR_UNAVAILABLE, "cuda: no device");
    if (wanted_device() < 0 || wanted_device() >= n)
        return dy_error_set(err, DY_ERR_INVALID, "DARKYIELD_CUDA_DEVICE=%d: only %d device(s)",
                            wanted_device(), n);
    return DY_OK;
}

static void cu_describe(char *buf, size_t n)
{
    int nd = 0;
    size_t used = strlen(buf);
    cudaError_t rc = cudaGetDeviceCount(&nd);
    if (rc != cudaSuccess) {
        snprintf(buf + used, n - used, "  (no CUDA device: %s)\n", cudaGetErrorString(rc));
        return;
    }
    for (int i = 0; i < nd && used + 1 < n; ++i) {
        struct cudaDeviceProp p;
        if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
        snprintf(buf + used, n - used,
                 "  cuda %d: %s, sm_%d%d, fp64 yes, %d multiprocessors, %.1f GiB\n", i, p.name,
                 p.major, p.minor, p.multiProcessorCount,
                 (double)p.totalGlobalMem / (1024.0 * 1024.0 * 1024.0));
        used = strlen(buf);
    }
}

static void release_buffers(cu_state *s)
{
    void *m[] = {s->params, s->grids, s->hspec, s->w, s->bins, s->obs, s->tot, s->acc, s->hst};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; ++i)
        if (m[i]) cudaFree(m[i]);
    s->params = NULL;
    s->grids = s->w = s->obs = s->tot = s->acc = s->hst = NULL;
    s->hspec = NULL;
    s->bins = NULL;
    s->cap_int = s->cap_samp = s->cap_chunks = 0;
}

static void cu_free(void *state)
{
    cu_state *s = state;
    if (!s) return;
    release_buffers(s);
    free(s);
}

static dy_status cu_init(void **state, char *device, size_t n, dy_error *err)
{
    dy_status st = DY_OK;
    struct cudaDeviceProp p;
    cu_state *s = calloc(1, sizeof *s);
    if (!s) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    s->dev = wanted_device();
    CU_TRY(cudaSetDevice(s->dev), "cudaSetDevice");
    CU_TRY(cudaGetDeviceProperties(&p, s->dev), "cudaGetDeviceProperties");
    s->global_mem = p.totalGlobalMem;
    snprintf(device, n, "%s (sm_%d%d)", p.name, p.major, p.minor);
    *state = s;
    return DY_OK;
fail:
    free(s);
    *state = NULL;
    return st;
}

static size_t cu_max_samples(void *state)
{
    const cu_state *s = state;
    size_t cap = s->global_mem / 4 / 48, lim = (size_t)1 << 24;
    return cap < lim ? cap : lim;
}

static dy_status ensure(cu_state *s, size_t ni, size_t ns, size_t nch, dy_error *err)
{
    dy_status st = DY_OK;
    if (ni <= s->cap_int && ns <= s->cap_samp && nch <= s->cap_chunks) return DY_OK;
    release_buffers(s);
    CU_TRY(cudaMalloc((void **)&s->params, ni * sizeof(dy_params)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->grids, ni * DY_GRID_STRIDE * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->hspec, ni * DY_MAX_OBS * sizeof(dy_histspec)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->w, ns * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->bins, ns * DY_MAX_DIM), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->obs, ns * DY_MAX_OBS * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->tot, nch * DY_TOT_STRIDE * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->acc, nch * DY_MAX_DIM * DY_NBINS * sizeof(double)),
           "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->hst, nch * DY_MAX_OBS * 2 * DY_MAX_HBINS * sizeof(double)),
           "cudaMalloc");
    s->cap_int = ni;
    s->cap_samp = ns;
    s->cap_chunks = nch;
    return DY_OK;
fail:
    release_buffers(s);
    return st;
}

static dy_status cu_run(void *state, dy_batch *b, dy_error *err)
{
    cu_state *s = state;
    dy_status st = DY_OK;
    const dy_launch L = b->launch;
    const size_t ni = L.n_integrals, ns = ni * L.n_samples, nch = ni * dy_batch_chunks(&L);
    const enum cudaMemcpyKind h2d = cudaMemcpyHostToDevice, d2h = cudaMemcpyDeviceToHost;
    if ((st = ensure(s, ni, ns, nch, err)) != DY_OK) return st;
    CU_TRY(cudaMemcpy(s->params, b->params, ni * sizeof(dy_params), h2d), "upload params");
    CU_TRY(cudaMemcpy(s->grids, b->grids, ni * DY_GRID_STRIDE * sizeof(double), h2d),
           "upload grids");
    if (L.n_obs)
        CU_TRY(cudaMemcpy(s->hspec, b->hspec, ni * DY_MAX_OBS * sizeof(dy_histspec), h2d),
               "upload histogram specs");
    CU_TRY(dy_cuda_launch_sample(s->params, s->grids, L, s->w, s->bins, s->obs), "sample kernel");
    CU_TRY(dy_cuda_launch_reduce(s->params, L, s->w, s->bins, s->obs, s->hspec, s->tot, s->acc,
                                 s->hst),
           "reduce kernel");
    CU_TRY(cudaMemcpy(b->tot, s->tot, nch * DY_TOT_STRIDE * sizeof(double), d2h), "read totals");
    CU_TRY(cudaMemcpy(b->acc, s->acc, nch * DY_MAX_DIM * DY_NBINS * sizeof(double), d2h),
           "read map accumulators");
    if (L.n_obs)
        CU_TRY(
            cudaMemcpy(b->hst, s->hst, nch * DY_MAX_OBS * 2 * DY_MAX_HBINS * sizeof(double), d2h),
            "read histograms");
    if (b->w_out) CU_TRY(cudaMemcpy(b->w_out, s->w, ns * sizeof(double), d2h), "read weights");
    return DY_OK;
fail:
    return st;
}

static dy_status cu_philox(void *state, const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n,
                           dy_error *err)
{
    (void)state;
    dy_status st = DY_OK;
    dy_u32 *dc = NULL, *dk = NULL, *dout = NULL;
    CU_TRY(cudaMalloc((void **)&dc, 16 * (size_t)n), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&dk, 8 * (size_t)n), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&dout, 16 * (size_t)n), "cudaMalloc");
    CU_TRY(cudaMemcpy(dc, ctr, 16 * (size_t)n, cudaMemcpyHostToDevice), "upload");
    CU_TRY(cudaMemcpy(dk, key, 8 * (size_t)n, cudaMemcpyHostToDevice), "upload");
    CU_TRY(dy_cuda_launch_philox(dc, dk, dout, n), "philox kernel");
    CU_TRY(cudaMemcpy(out, dout, 16 * (size_t)n, cudaMemcpyDeviceToHost), "read");
fail:
    cudaFree(dc);
    cudaFree(dk);
    cudaFree(dout);
    return st;
}

const dy_backend_type dy_backend_cuda = {
    .name = "cuda",
    .priority = 2,
    .probe = cu_probe,
    .describe = cu_describe,
    .init = cu_init,
    .max_samples = cu_max_samples,
    .run = cu_run,
    .philox = cu_philox,
    .free = cu_free,
};
