/* backend_cuda.c — CUDA backend, C side: device choice and checks, memory, and the calls into the
 * extern "C" launch wrappers of kernels/cuda/dy_kernels.cu.  The runtime is linked statically, so
 * the binary loads without a driver; the probe then says which of "no driver", "driver too old",
 * "no device" or "GPU too old for this build" applies.  A batch's state stays on the device; an
 * iteration is queued on one stream (control table in from pinned memory, launches, totals out to
 * pinned memory) and synchronised once.  Every CUDA call is checked. */
#include <cuda_runtime_api.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../engine/backend.h"

int dy_cuda_launch_sample(void *stream, const dy_params *params, const double *grids,
                          const dy_ictl *ctl, dy_launch L, dy_u64 n, double *w, unsigned char *bins,
                          double *obs);
int dy_cuda_launch_reduce(void *stream, const dy_params *params, const dy_ictl *ctl, dy_launch L,
                          dy_u64 n, const double *w, const unsigned char *bins, const double *obs,
                          const dy_histspec *hspec, const double *fw, double *part);
int dy_cuda_launch_combine(void *stream, const dy_ictl *ctl, dy_launch L, dy_u64 n,
                           const double *part, double *itrec);
int dy_cuda_launch_finish(void *stream, const dy_params *params, const dy_ictl *ctl, dy_launch L,
                          dy_u64 n, double *itrec, double *grids, const dy_histspec *hspec,
                          double *hrun, double *hw, double *out);
int dy_cuda_launch_flat(void *stream, double *grids, dy_u32 dim, dy_u64 n);
int dy_cuda_launch_philox(const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n);
int dy_cuda_check_image(void);

typedef struct cu_state {
    int dev, sync_each; /* DARKYIELD_CUDA_SYNC=1: synchronise after every kernel (diagnosis) */
    size_t global_mem;
    cudaStream_t stream;
    /* the open batch */
    dy_params *params;
    dy_histspec *hspec;
    double *grids, *itrec, *hrun, *hw, *out, *fw;
    dy_ictl *ctl;
    size_t n;
    dy_layout lay;
    /* pinned host staging for the control table and the totals */
    dy_ictl *h_ctl;
    double *h_out;
    /* per-launch scratch, grown and kept */
    double *w, *obs, *part;
    unsigned char *bins;
    size_t cap_samp, cap_part;
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

/* Release-path calls cannot fail the caller; a failure is still reported. */
static void cu_free_ptr(void *p, int pinned)
{
    if (!p) return;
    cudaError_t rc = pinned ? cudaFreeHost(p) : cudaFree(p);
    if (rc != cudaSuccess)
        fprintf(stderr, "darkyield: warning: cuda: %s: %s\n", pinned ? "cudaFreeHost" : "cudaFree",
                cudaGetErrorString(rc));
}

static int env_device(void)
{
    const char *env = getenv("DARKYIELD_CUDA_DEVICE");
    char *end;
    if (!env || !*env) return 0;
    long v = strtol(env, &end, 10);
    return (*end || v < 0 || v > 1 << 20) ? -2 : (int)v;
}

/* Why no CUDA device can be used, in words a user can act on. */
static dy_status explain(cudaError_t rc, dy_error *err)
{
    void *lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib)
        return dy_error_set(err, DY_ERR_UNAVAILABLE,
                            "cuda: no NVIDIA driver on this machine (libcuda.so.1 not found)");
    dlclose(lib);
    if (rc == cudaErrorInsufficientDriver) {
        int drv = 0, rt = 0;
        cudaDriverGetVersion(&drv);
        cudaRuntimeGetVersion(&rt);
        return dy_error_set(err, DY_ERR_UNAVAILABLE,
                            "cuda: the NVIDIA driver supports CUDA %d.%d, this build needs %d.%d "
                            "(update the driver)",
                            drv / 1000, drv % 1000 / 10, rt / 1000, rt % 1000 / 10);
    }
    if (rc == cudaErrorNoDevice)
        return dy_error_set(err, DY_ERR_UNAVAILABLE, "cuda: the driver sees no GPU");
    return dy_error_set(err, DY_ERR_UNAVAILABLE, "cuda: no usable device: %s (%s)",
                        cudaGetErrorName(rc), cudaGetErrorString(rc));
}

/* Can device d run this build's code? */
static dy_status check_device(int d, dy_error *err)
{
    struct cudaDeviceProp p;
    cudaError_t rc = cudaSetDevice(d);
    if (rc == cudaSuccess) rc = cudaGetDeviceProperties(&p, d);
    if (rc != cudaSuccess)
        return dy_error_set(err, DY_ERR_UNAVAILABLE, "cuda: device %d: %s", d,
                            cudaGetErrorString(rc));
    rc = (cudaError_t)dy_cuda_check_image();
    if (rc != cudaSuccess)
        return dy_error_set(err, DY_ERR_UNAVAILABLE,
                            "cuda: device %d, %s (sm_%d%d), cannot run this build's code (%s); "
                            "rebuild with -DDARKYIELD_CUDA_ARCHITECTURES=%d%d",
                            d, p.name, p.major, p.minor, cudaGetErrorName(rc), p.major, p.minor);
    return DY_OK;
}

static dy_status cu_probe(dy_error *err)
{
    int n = 0;
    cudaError_t rc = cudaGetDeviceCount(&n);
    if (rc != cudaSuccess) return explain(rc, err);
    if (n == 0) return dy_error_set(err, DY_ERR_UNAVAILABLE, "cuda: the driver sees no GPU");
    const int d = env_device();
    if (d < 0 || d >= n)
        return dy_error_set(err, DY_ERR_INVALID,
                            "DARKYIELD_CUDA_DEVICE='%s': expected an index below %d",
                            getenv("DARKYIELD_CUDA_DEVICE"), n);
    return check_device(d, err);
}

static int cu_auto_pick(void)
{
    return 1;
}

static int cu_device_count(void)
{
    int n = 0;
    return cudaGetDeviceCount(&n) == cudaSuccess ? n : 0;
}

static void cu_describe(char *buf, size_t n)
{
    int nd = 0;
    size_t used = strlen(buf);
    cudaError_t rc = cudaGetDeviceCount(&nd);
    if (rc != cudaSuccess) {
        dy_error why;
        explain(rc, &why);
        snprintf(buf + used, n - used, "  (%s)\n", why.msg);
        return;
    }
    for (int i = 0; i < nd && used + 1 < n; ++i) {
        struct cudaDeviceProp p;
        dy_error why;
        if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
        const int ok = check_device(i, &why) == DY_OK;
        snprintf(buf + used, n - used,
                 "  cuda %d: %s, sm_%d%d, fp64 yes, %d multiprocessors, %.1f GiB%s\n", i, p.name,
                 p.major, p.minor, p.multiProcessorCount,
                 (double)p.totalGlobalMem / (1024.0 * 1024.0 * 1024.0),
                 ok ? "" : " (not supported by this build)");
        used = strlen(buf);
    }
}

static void cu_batch_close(void *state)
{
    cu_state *s = state;
    void *m[] = {s->params, s->hspec, s->grids, s->itrec, s->hrun, s->hw, s->out, s->ctl, s->fw};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; ++i)
        cu_free_ptr(m[i], 0);
    cu_free_ptr(s->h_ctl, 1);
    cu_free_ptr(s->h_out, 1);
    s->params = NULL;
    s->hspec = NULL;
    s->grids = s->itrec = s->hrun = s->hw = s->out = s->fw = NULL;
    s->ctl = s->h_ctl = NULL;
    s->h_out = NULL;
    s->n = 0;
}

static void cu_free(void *state)
{
    cu_state *s = state;
    if (!s) return;
    cu_batch_close(s);
    cu_free_ptr(s->w, 0);
    cu_free_ptr(s->obs, 0);
    cu_free_ptr(s->part, 0);
    cu_free_ptr(s->bins, 0);
    if (s->stream) {
        cudaError_t rc = cudaStreamDestroy(s->stream);
        if (rc != cudaSuccess)
            fprintf(stderr, "darkyield: warning: cuda: cudaStreamDestroy: %s\n",
                    cudaGetErrorString(rc));
    }
    free(s);
}

static dy_status cu_init(void **state, int device, char *name, size_t n, dy_error *err)
{
    dy_status st = DY_OK;
    struct cudaDeviceProp p;
    const char *sync = getenv("DARKYIELD_CUDA_SYNC");
    cu_state *s = calloc(1, sizeof *s);
    if (!s) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    s->dev = device >= 0 ? device : env_device();
    s->sync_each = sync && *sync && strcmp(sync, "0") != 0;
    if ((st = check_device(s->dev, err)) != DY_OK) goto fail;
    CU_TRY(cudaGetDeviceProperties(&p, s->dev), "cudaGetDeviceProperties");
    CU_TRY(cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking), "cudaStreamCreate");
    s->global_mem = p.totalGlobalMem;
    snprintf(name, n, "%s (sm_%d%d, device %d)", p.name, p.major, p.minor, s->dev);
    *state = s;
    return DY_OK;
fail:
    cu_free(s);
    *state = NULL;
    return st;
}

static size_t cu_max_samples(void *state)
{
    const cu_state *s = state;
    /* w, bins, obs and chunk records: ~ 64 bytes a sample; a launch under 1/4 of the memory */
    size_t cap = s->global_mem / 4 / 64, lim = (size_t)1 << 27;
    return cap < lim ? cap : lim;
}

static size_t cu_batch_hint(void *state)
{
    (void)state;
    return 4096;
}

static dy_status cu_batch_open(void *state, const dy_batch_desc *d, dy_dev_stats *stats,
                               dy_error *err)
{
    cu_state *s = state;
    dy_status st = DY_OK;
    const size_t n = d->n, P = dy_record_size(d->lay), G = DY_GRID_STRIDE(d->lay);
    const size_t H = DY_HRUN * (size_t)d->lay.n_obs * d->lay.hbins, NO = d->lay.n_obs;
    cu_batch_close(s);
    s->n = n;
    s->lay = d->lay;
    CU_TRY(cudaSetDevice(s->dev), "cudaSetDevice");
    CU_TRY(cudaMalloc((void **)&s->params, n * sizeof(dy_params)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->hspec, (NO ? n * NO : 1) * sizeof(dy_histspec)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->grids, n * G * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->itrec, n * P * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->hrun, (H ? n * H : 1) * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->hw, n * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->out, n * DY_NTOT * sizeof(double)), "cudaMalloc");
    CU_TRY(cudaMalloc((void **)&s->ctl, n * sizeof(dy_ictl)), "cudaMalloc");
    const size_t F = (size_t)d->lay.n_func * d->lay.hbins;
    CU_TRY(cudaMalloc((void **)&s->fw, (F ? n * F : 1) * sizeof(double)), "cudaMalloc");
    if (F) {
        CU_TRY(cudaMemcpyAsync(s->fw, d->fw, n * F * sizeof(double), cudaMemcpyHostToDevice,
                               s->stream),
               "upload functional weights");
        stats->bytes_to_device += n * F * sizeof(double);
    }
    CU_TRY(cudaMallocHost((void **)&s->h_ctl, n * sizeof(dy_ictl)), "cudaMallocHost");
    CU_TRY(cudaMallocHost((void **)&s->h_out, n * DY_NTOT * sizeof(double)), "cudaMallocHost");
    CU_TRY(cudaMemcpyAsync(s->params, d->params, n * sizeof(dy_params), cudaMemcpyHostToDevice,
                           s->stream),
           "upload params");
    stats->bytes_to_device += n * sizeof(dy_params);
    if (NO) {
        CU_TRY(cudaMemcpyAsync(s->hspec, d->hspec, n * NO * sizeof(dy_histspec),
                               cudaMemcpyHostToDevice, s->stream),
               "upload histogram specs");
        stats->bytes_to_device += n * NO * sizeof(dy_histspec);
    }
    CU_TRY(cudaMemsetAsync(s->itrec, 0, n * P * sizeof(double), s->stream), "cudaMemset");
    if (H) CU_TRY(cudaMemsetAsync(s->hrun, 0, n * H * sizeof(double), s->stream), "cudaMemset");
    CU_TRY(cudaMemsetAsync(s->hw, 0, n * sizeof(double), s->stream), "cudaMemset");
    CU_TRY(dy_cuda_launch_flat(s->stream, s->grids, d->lay.dim, n), "launch flat maps");
    if (d->maps) /* given maps over the flat ones (the scratch half stays as it is) */
        CU_TRY(cudaMemcpy2DAsync(s->grids, G * sizeof(double), d->maps,
                                 DY_MAP_STRIDE * sizeof(double),
                                 d->lay.dim * (DY_NBINS + 1) * sizeof(double), n,
                                 cudaMemcpyHostToDevice, s->stream),
               "upload maps");
    /* the caller's params may go away: the upload must be done before we return */
    CU_TRY(cudaStreamSynchronize(s->stream), "opening the batch");
    stats->launches += 1;
    return DY_OK;
fail:
    cu_batch_close(s);
    return st;
}

static dy_status ensure_scratch(cu_state *s, size_t ns, size_t nrec, dy_error *err)
{
    dy_status st = DY_OK;
    if (ns > s->cap_samp) {
        cu_free_ptr(s->w, 0);
        cu_free_ptr(s->bins, 0);
        cu_free_ptr(s->obs, 0);
        s->w = s->obs = NULL;
        s->bins = NULL;
        s->cap_samp = 0;
        CU_TRY(cudaMalloc((void **)&s->w, ns * sizeof(double)), "cudaMalloc");
        CU_TRY(cudaMalloc((void **)&s->bins, ns * DY_MAX_DIM), "cudaMalloc");
        CU_TRY(cudaMalloc((void **)&s->obs, ns * DY_MAX_OBS * sizeof(double)), "cudaMalloc");
        s->cap_samp = ns;
    }
    if (nrec > s->cap_part) {
        cu_free_ptr(s->part, 0);
        s->part = NULL;
        s->cap_part = 0;
        CU_TRY(cudaMalloc((void **)&s->part, nrec * sizeof(double)), "cudaMalloc");
        s->cap_part = nrec;
    }
    return DY_OK;
fail:
    return st;
}

/* After a launch: its launch error; with DARKYIELD_CUDA_SYNC, its execution error too. */
static dy_status launched(cu_state *s, int rc, const char *what, dy_error *err)
{
    dy_status st = DY_OK;
    CU_TRY(rc, what);
    if (s->sync_each) CU_TRY(cudaStreamSynchronize(s->stream), what);
    return DY_OK;
fail:
    return st;
}

static dy_status cu_iterate(void *state, const dy_iter_plan *p, double *out, dy_dev_stats *stats,
                            dy_error *err)
{
    cu_state *s = state;
    dy_status st = DY_OK;
    const size_t na = p->n_active, P = dy_record_size(s->lay);
    const double t0 = dy_wall_seconds();
    if (na == 0 || p->n_launch == 0) return DY_OK;
    memcpy(s->h_ctl, p->ctl, na * sizeof(dy_ictl));
    CU_TRY(
        cudaMemcpyAsync(s->ctl, s->h_ctl, na * sizeof(dy_ictl), cudaMemcpyHostToDevice, s->stream),
        "upload control table");
    stats->bytes_to_device += na * sizeof(dy_ictl);
    for (size_t l = 0; l < p->n_launch; ++l) {
        const dy_launch L = p->launch[l];
        const dy_u64 ns = dy_plan_chunk_sample(p->ctl, p->n_active, L.chunk_end) - L.sample_begin;
        const dy_u64 nch = L.chunk_end - L.chunk_begin;
        if ((st = ensure_scratch(s, ns, nch * P, err)) != DY_OK) return st;
        if ((st = launched(s,
                           dy_cuda_launch_sample(s->stream, s->params, s->grids, s->ctl, L, ns,
                                                 s->w, s->bins, s->obs),
                           "sample kernel", err)) != DY_OK)
            return st;
        if (p->w_out) {
            CU_TRY(cudaMemcpyAsync(p->w_out + L.sample_begin, s->w, ns * sizeof(double),
                                   cudaMemcpyDeviceToHost, s->stream),
                   "read weights");
            CU_TRY(cudaStreamSynchronize(s->stream), "read weights");
            stats->bytes_from_device += ns * sizeof(double);
        }
        if ((st = launched(s,
                           dy_cuda_launch_reduce(s->stream, s->params, s->ctl, L,
                                                 nch * dy_chunk_roles(s->lay), s->w, s->bins,
                                                 s->obs, s->hspec, s->fw, s->part),
                           "reduce kernel", err)) != DY_OK)
            return st;
        if ((st = launched(s,
                           dy_cuda_launch_combine(s->stream, s->ctl, L, na * P, s->part, s->itrec),
                           "combine kernel", err)) != DY_OK)
            return st;
        stats->launches += 3;
    }
    if ((st = launched(s,
                       dy_cuda_launch_finish(s->stream, s->params, s->ctl, p->launch[0],
                                             na * dy_finish_tasks(s->lay), s->itrec, s->grids,
                                             s->hspec, s->hrun, s->hw, s->out),
                       "finish kernel", err)) != DY_OK)
        return st;
    stats->launches += 1;
    CU_TRY(cudaMemcpyAsync(s->h_out, s->out, na * DY_NTOT * sizeof(double), cudaMemcpyDeviceToHost,
                           s->stream),
           "read iteration totals");
    CU_TRY(cudaStreamSynchronize(s->stream),
           s->sync_each ? "iteration"
                        : "a kernel of this iteration (DARKYIELD_CUDA_SYNC=1 names which)");
    memcpy(out, s->h_out, na * DY_NTOT * sizeof(double));
    stats->bytes_from_device += na * DY_NTOT * sizeof(double);
    stats->device_seconds += dy_wall_seconds() - t0;
    return DY_OK;
fail:
    return st;
}

static dy_status cu_histograms(void *state, double *hrun, double *hw, dy_dev_stats *stats,
                               dy_error *err)
{
    cu_state *s = state;
    dy_status st = DY_OK;
    const size_t H = DY_HRUN * (size_t)s->lay.n_obs * s->lay.hbins;
    if (H)
        CU_TRY(cudaMemcpy(hrun, s->hrun, s->n * H * sizeof(double), cudaMemcpyDeviceToHost),
               "read histograms");
    CU_TRY(cudaMemcpy(hw, s->hw, s->n * sizeof(double), cudaMemcpyDeviceToHost),
           "read histogram weights");
    stats->bytes_from_device += s->n * (H + 1) * sizeof(double);
    return DY_OK;
fail:
    return st;
}

static dy_status cu_read_maps(void *state, double *out, dy_dev_stats *stats, dy_error *err)
{
    cu_state *s = state;
    dy_status st = DY_OK;
    const size_t G = DY_GRID_STRIDE(s->lay), A = s->lay.dim * (DY_NBINS + 1);
    memset(out, 0, s->n * DY_MAP_STRIDE * sizeof *out);
    CU_TRY(cudaMemcpy2D(out, DY_MAP_STRIDE * sizeof(double), s->grids, G * sizeof(double),
                        A * sizeof(double), s->n, cudaMemcpyDeviceToHost),
           "read maps");
    stats->bytes_from_device += s->n * A * sizeof(double);
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
    cu_free_ptr(dc, 0);
    cu_free_ptr(dk, 0);
    cu_free_ptr(dout, 0);
    return st;
}

const dy_backend_type dy_backend_cuda = {
    .name = "cuda",
    .priority = 2,
    .probe = cu_probe,
    .auto_pick = cu_auto_pick,
    .device_count = cu_device_count,
    .describe = cu_describe,
    .init = cu_init,
    .max_samples = cu_max_samples,
    .batch_hint = cu_batch_hint,
    .batch_open = cu_batch_open,
    .iterate = cu_iterate,
    .histograms = cu_histograms,
    .read_maps = cu_read_maps,
    .batch_close = cu_batch_close,
    .philox = cu_philox,
    .free = cu_free,
};
