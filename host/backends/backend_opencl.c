/* backend_opencl.c — OpenCL backend: picks an fp64-capable device, builds the embedded program
 * (kernels/ flattened at build time) at run time, and runs the sample + reduce kernels.  A device
 * without fp64 is refused: the physics is never run in single precision. */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../engine/backend.h"

extern const char dy_opencl_src[]; /* generated: build/dy_opencl_src.c */

typedef struct cl_state {
    cl_device_id dev;
    cl_context ctx;
    cl_command_queue q;
    cl_program prog;
    cl_kernel k_sample, k_reduce, k_philox;
    cl_mem b_params, b_grids, b_hspec, b_w, b_bins, b_obs, b_tot, b_acc, b_hst;
    size_t cap_int, cap_samp, cap_chunks; /* capacities of the cached buffers */
    cl_ulong global_mem;
} cl_state;

static const char *cl_errname(cl_int e)
{
    /* clang-format off */
    switch (e) {
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_DEVICE_NOT_AVAILABLE: return "CL_DEVICE_NOT_AVAILABLE";
    case CL_COMPILER_NOT_AVAILABLE: return "CL_COMPILER_NOT_AVAILABLE";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_DEVICE: return "CL_INVALID_DEVICE";
    case CL_INVALID_CONTEXT: return "CL_INVALID_CONTEXT";
    case CL_INVALID_PROGRAM: return "CL_INVALID_PROGRAM";
    case CL_INVALID_KERNEL_NAME: return "CL_INVALID_KERNEL_NAME";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_ARG_SIZE: return "CL_INVALID_ARG_SIZE";
    case CL_INVALID_ARG_VALUE: return "CL_INVALID_ARG_VALUE";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case CL_INVALID_MEM_OBJECT: return "CL_INVALID_MEM_OBJECT";
    case CL_INVALID_BUILD_OPTIONS: return "CL_INVALID_BUILD_OPTIONS";
    case CL_INVALID_PLATFORM: return "CL_INVALID_PLATFORM";
    case CL_INVALID_GLOBAL_WORK_SIZE: return "CL_INVALID_GLOBAL_WORK_SIZE";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    }
    /* clang-format on */
    return "CL error";
}

#define CL_TRY(call, what)                                                                         \
    do {                                                                                           \
        cl_int rc_ = (call);                                                                       \
        if (rc_ != CL_SUCCESS) {                                                                   \
            st = dy_error_set(err, DY_ERR_DEVICE, "opencl: %s: %s (%d)", what, cl_errname(rc_),    \
                              rc_);                                                                \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* All devices of all platforms, in platform order. */
static cl_uint list_devices(cl_device_id *devs, cl_uint max, cl_int *rc_out)
{
    cl_platform_id plats[8];
    cl_uint np = 0, nd = 0;
    cl_int rc = clGetPlatformIDs(8, plats, &np);
    *rc_out = rc;
    if (rc != CL_SUCCESS) return 0;
    for (cl_uint p = 0; p < np && nd < max; ++p) {
        cl_uint k = 0;
        if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, max - nd, devs + nd, &k) == CL_SUCCESS)
            nd += k;
    }
    return nd;
}

static int has_fp64(cl_device_id d)
{
    cl_device_fp_config fp = 0;
    clGetDeviceInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp, &fp, NULL);
    return fp != 0;
}

static void dev_name(cl_device_id d, char *buf, size_t n)
{
    char name[128] = "?", ver[128] = "?";
    clGetDeviceInfo(d, CL_DEVICE_NAME, sizeof name, name, NULL);
    clGetDeviceInfo(d, CL_DEVICE_VERSION, sizeof ver, ver, NULL);
    snprintf(buf, n, "%s (%s)", name, ver);
}

/* The device to use: DARKYIELD_OPENCL_DEVICE=<index> or the first fp64-capable one. */
static dy_status pick_device(cl_device_id *out, dy_error *err)
{
    cl_device_id devs[32];
    cl_int rc;
    cl_uint nd = list_devices(devs, 32, &rc);
    const char *env = getenv("DARKYIELD_OPENCL_DEVICE");
    if (rc != CL_SUCCESS)
        return dy_error_set(err, DY_ERR_UNAVAILABLE, "opencl: no platform (%s)", cl_errname(rc));
    if (nd == 0) return dy_error_set(err, DY_ERR_UNAVAILABLE, "opencl: no device");
    if (env && *env) {
        char *end;
        long i = strtol(env, &end, 10);
        if (*end || i < 0 || (cl_uint)i >= nd)
            return dy_error_set(err, DY_ERR_INVALID,
                                "DARKYIELD_OPENCL_DEVICE='%s': expected an index below %u", env,
                                nd);
        if (!has_fp64(devs[i])) {
            char nm[300];
            dev_name(devs[i], nm, sizeof nm);
            return dy_error_set(err, DY_ERR_UNAVAILABLE,
                                "opencl: device %ld, %s, has no fp64 (cl_khr_fp64); darkyield "
                                "refuses to compute in single precision",
                                i, nm);
        }
        *out = devs[i];
        return DY_OK;
    }
    for (cl_uint i = 0; i < nd; ++i)
        if (has_fp64(devs[i])) {
            *out = devs[i];
            return DY_OK;
        }
    return dy_error_set(err, DY_ERR_UNAVAILABLE,
                        "opencl: none of the %u device(s) supports fp64 (cl_khr_fp64); darkyield "
                        "refuses to compute in single precision",
                        nd);
}

static dy_status ocl_probe(dy_error *err)
{
    cl_device_id d;
    return pick_device(&d, err);
}

static void ocl_describe(char *buf, size_t n)
{
    cl_device_id devs[32];
    cl_int rc;
    cl_uint nd = list_devices(devs, 32, &rc);
    size_t used = strlen(buf);
    if (rc != CL_SUCCESS || nd == 0) {
        snprintf(buf + used, n - used, "  (no OpenCL device: %s)\n",
                 rc != CL_SUCCESS ? cl_errname(rc) : "platform without devices");
        return;
    }
    for (cl_uint i = 0; i < nd && used + 1 < n; ++i) {
        char nm[300];
        cl_uint cu = 0;
        cl_ulong mem = 0;
        dev_name(devs[i], nm, sizeof nm);
        clGetDeviceInfo(devs[i], CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL);
        clGetDeviceInfo(devs[i], CL_DEVICE_GLOBAL_MEM_SIZE, sizeof mem, &mem, NULL);
        snprintf(buf + used, n - used, "  opencl %u: %s, fp64 %s, %u compute units, %.1f GiB\n", i,
                 nm, has_fp64(devs[i]) ? "yes" : "NO (refused)", cu,
                 (double)mem / (1024.0 * 1024.0 * 1024.0));
        used = strlen(buf);
    }
}

static void release_buffers(cl_state *s)
{
    cl_mem *m[] = {&s->b_params, &s->b_grids, &s->b_hspec, &s->b_w,  &s->b_bins,
                   &s->b_obs,    &s->b_tot,   &s->b_acc,   &s->b_hst};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; ++i)
        if (*m[i]) {
            clReleaseMemObject(*m[i]);
            *m[i] = NULL;
        }
    s->cap_int = s->cap_samp = s->cap_chunks = 0;
}

static void ocl_free(void *state)
{
    cl_state *s = state;
    if (!s) return;
    release_buffers(s);
    if (s->k_sample) clReleaseKernel(s->k_sample);
    if (s->k_reduce) clReleaseKernel(s->k_reduce);
    if (s->k_philox) clReleaseKernel(s->k_philox);
    if (s->prog) clReleaseProgram(s->prog);
    if (s->q) clReleaseCommandQueue(s->q);
    if (s->ctx) clReleaseContext(s->ctx);
    free(s);
}

static dy_status ocl_init(void **state, char *device, size_t n, dy_error *err)
{
    dy_status st = DY_OK;
    cl_int rc;
    cl_state *s = calloc(1, sizeof *s);
    if (!s) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    if ((st = pick_device(&s->dev, err)) != DY_OK) goto fail;
    dev_name(s->dev, device, n);
    clGetDeviceInfo(s->dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof s->global_mem, &s->global_mem, NULL);
    s->ctx = clCreateContext(NULL, 1, &s->dev, NULL, NULL, &rc);
    CL_TRY(rc, "clCreateContext");
    s->q = clCreateCommandQueue(s->ctx, s->dev, 0, &rc);
    CL_TRY(rc, "clCreateCommandQueue");
    const char *src = dy_opencl_src;
    s->prog = clCreateProgramWithSource(s->ctx, 1, &src, NULL, &rc);
    CL_TRY(rc, "clCreateProgramWithSource");
    rc = clBuildProgram(s->prog, 1, &s->dev, "-cl-std=CL1.2", NULL, NULL);
    if (rc != CL_SUCCESS) {
        size_t len = 0;
        char *log;
        clGetProgramBuildInfo(s->prog, s->dev, CL_PROGRAM_BUILD_LOG, 0, NULL, &len);
        log = calloc(len + 1, 1);
        if (log) clGetProgramBuildInfo(s->prog, s->dev, CL_PROGRAM_BUILD_LOG, len, log, NULL);
        st = dy_error_set(err, DY_ERR_DEVICE,
                          "opencl: building the kernel program for %s failed (%s); build log:\n%s",
                          device, cl_errname(rc), log ? log : "(unavailable)");
        free(log);
        goto fail;
    }
    s->k_sample = clCreateKernel(s->prog, "dy_kernel_sample", &rc);
    CL_TRY(rc, "clCreateKernel(dy_kernel_sample)");
    s->k_reduce = clCreateKernel(s->prog, "dy_kernel_reduce", &rc);
    CL_TRY(rc, "clCreateKernel(dy_kernel_reduce)");
    s->k_philox = clCreateKernel(s->prog, "dy_kernel_philox", &rc);
    CL_TRY(rc, "clCreateKernel(dy_kernel_philox)");
    *state = s;
    return DY_OK;
fail:
    ocl_free(s);
    *state = NULL;
    return st;
}

static size_t ocl_max_samples(void *state)
{
    const cl_state *s = state;
    /* w, obs, bins: ~ 8 + 32 + 8 bytes a sample; keep a launch under 1/4 of device memory. */
    size_t cap = (size_t)(s->global_mem / 4 / 48);
    size_t lim = (size_t)1 << 22;
    return cap < lim ? cap : lim;
}

/* (Re)allocate the cached buffers when a launch needs more than they hold. */
static dy_status ensure(cl_state *s, size_t ni, size_t ns, size_t nch, dy_error *err)
{
    dy_status st = DY_OK;
    cl_int rc;
    if (ni <= s->cap_int && ns <= s->cap_samp && nch <= s->cap_chunks) return DY_OK;
    release_buffers(s);
    struct {
        cl_mem *m;
        size_t bytes;
    } b[] = {
        {&s->b_params, ni * sizeof(dy_params)},
        {&s->b_grids, ni * DY_GRID_STRIDE * sizeof(double)},
        {&s->b_hspec, ni * DY_MAX_OBS * sizeof(dy_histspec)},
        {&s->b_w, ns * sizeof(double)},
        {&s->b_bins, ns * DY_MAX_DIM},
        {&s->b_obs, ns * DY_MAX_OBS * sizeof(double)},
        {&s->b_tot, nch * DY_TOT_STRIDE * sizeof(double)},
        {&s->b_acc, nch * DY_MAX_DIM * DY_NBINS * sizeof(double)},
        {&s->b_hst, nch * DY_MAX_OBS * 2 * DY_MAX_HBINS * sizeof(double)},
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; ++i) {
        *b[i].m = clCreateBuffer(s->ctx, CL_MEM_READ_WRITE, b[i].bytes, NULL, &rc);
        CL_TRY(rc, "clCreateBuffer");
    }
    s->cap_int = ni;
    s->cap_samp = ns;
    s->cap_chunks = nch;
    return DY_OK;
fail:
    release_buffers(s);
    return st;
}

static dy_status ocl_run(void *state, dy_batch *b, dy_error *err)
{
    cl_state *s = state;
    dy_status st = DY_OK;
    const dy_launch L = b->launch;
    const size_t ni = L.n_integrals, ns = ni * L.n_samples, nch = ni * dy_batch_chunks(&L);
    const size_t nr = nch * DY_NROLES;
    if ((st = ensure(s, ni, ns, nch, err)) != DY_OK) return st;
    CL_TRY(clEnqueueWriteBuffer(s->q, s->b_params, CL_FALSE, 0, ni * sizeof(dy_params), b->params,
                                0, NULL, NULL),
           "upload params");
    CL_TRY(clEnqueueWriteBuffer(s->q, s->b_grids, CL_FALSE, 0, ni * DY_GRID_STRIDE * sizeof(double),
                                b->grids, 0, NULL, NULL),
           "upload grids");
    if (L.n_obs)
        CL_TRY(clEnqueueWriteBuffer(s->q, s->b_hspec, CL_FALSE, 0,
                                    ni * DY_MAX_OBS * sizeof(dy_histspec), b->hspec, 0, NULL, NULL),
               "upload histogram specs");
    cl_kernel k = s->k_sample;
    CL_TRY(clSetKernelArg(k, 0, sizeof(cl_mem), &s->b_params), "set arg");
    CL_TRY(clSetKernelArg(k, 1, sizeof(cl_mem), &s->b_grids), "set arg");
    CL_TRY(clSetKernelArg(k, 2, sizeof(dy_launch), &L), "set arg");
    CL_TRY(clSetKernelArg(k, 3, sizeof(cl_mem), &s->b_w), "set arg");
    CL_TRY(clSetKernelArg(k, 4, sizeof(cl_mem), &s->b_bins), "set arg");
    CL_TRY(clSetKernelArg(k, 5, sizeof(cl_mem), &s->b_obs), "set arg");
    CL_TRY(clEnqueueNDRangeKernel(s->q, k, 1, NULL, &ns, NULL, 0, NULL, NULL), "launch sample");
    k = s->k_reduce;
    CL_TRY(clSetKernelArg(k, 0, sizeof(cl_mem), &s->b_params), "set arg");
    CL_TRY(clSetKernelArg(k, 1, sizeof(dy_launch), &L), "set arg");
    CL_TRY(clSetKernelArg(k, 2, sizeof(cl_mem), &s->b_w), "set arg");
    CL_TRY(clSetKernelArg(k, 3, sizeof(cl_mem), &s->b_bins), "set arg");
    CL_TRY(clSetKernelArg(k, 4, sizeof(cl_mem), &s->b_obs), "set arg");
    CL_TRY(clSetKernelArg(k, 5, sizeof(cl_mem), &s->b_hspec), "set arg");
    CL_TRY(clSetKernelArg(k, 6, sizeof(cl_mem), &s->b_tot), "set arg");
    CL_TRY(clSetKernelArg(k, 7, sizeof(cl_mem), &s->b_acc), "set arg");
    CL_TRY(clSetKernelArg(k, 8, sizeof(cl_mem), &s->b_hst), "set arg");
    CL_TRY(clEnqueueNDRangeKernel(s->q, k, 1, NULL, &nr, NULL, 0, NULL, NULL), "launch reduce");
    CL_TRY(clEnqueueReadBuffer(s->q, s->b_tot, CL_FALSE, 0, nch * DY_TOT_STRIDE * sizeof(double),
                               b->tot, 0, NULL, NULL),
           "read totals");
    CL_TRY(clEnqueueReadBuffer(s->q, s->b_acc, CL_FALSE, 0,
                               nch * DY_MAX_DIM * DY_NBINS * sizeof(double), b->acc, 0, NULL, NULL),
           "read map accumulators");
    if (L.n_obs)
        CL_TRY(clEnqueueReadBuffer(s->q, s->b_hst, CL_FALSE, 0,
                                   nch * DY_MAX_OBS * 2 * DY_MAX_HBINS * sizeof(double), b->hst, 0,
                                   NULL, NULL),
               "read histograms");
    if (b->w_out)
        CL_TRY(clEnqueueReadBuffer(s->q, s->b_w, CL_FALSE, 0, ns * sizeof(double), b->w_out, 0,
                                   NULL, NULL),
               "read weights");
    CL_TRY(clFinish(s->q), "clFinish");
    return DY_OK;
fail:
    return st;
}

static dy_status ocl_philox(void *state, const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out,
                            dy_u32 n, dy_error *err)
{
    cl_state *s = state;
    dy_status st = DY_OK;
    cl_int rc;
    cl_mem bc = NULL, bk = NULL, bo = NULL;
    size_t gs = n;
    bc = clCreateBuffer(s->ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, 16 * (size_t)n,
                        (void *)ctr, &rc);
    CL_TRY(rc, "clCreateBuffer");
    bk = clCreateBuffer(s->ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, 8 * (size_t)n, (void *)key,
                        &rc);
    CL_TRY(rc, "clCreateBuffer");
    bo = clCreateBuffer(s->ctx, CL_MEM_WRITE_ONLY, 16 * (size_t)n, NULL, &rc);
    CL_TRY(rc, "clCreateBuffer");
    CL_TRY(clSetKernelArg(s->k_philox, 0, sizeof(cl_mem), &bc), "set arg");
    CL_TRY(clSetKernelArg(s->k_philox, 1, sizeof(cl_mem), &bk), "set arg");
    CL_TRY(clSetKernelArg(s->k_philox, 2, sizeof(cl_mem), &bo), "set arg");
    CL_TRY(clSetKernelArg(s->k_philox, 3, sizeof(dy_u32), &n), "set arg");
    CL_TRY(clEnqueueNDRangeKernel(s->q, s->k_philox, 1, NULL, &gs, NULL, 0, NULL, NULL), "launch");
    CL_TRY(clEnqueueReadBuffer(s->q, bo, CL_TRUE, 0, 16 * (size_t)n, out, 0, NULL, NULL), "read");
fail:
    if (bc) clReleaseMemObject(bc);
    if (bk) clReleaseMemObject(bk);
    if (bo) clReleaseMemObject(bo);
    return st;
}

const dy_backend_type dy_backend_opencl = {
    .name = "opencl",
    .priority = 1,
    .probe = ocl_probe,
    .describe = ocl_describe,
    .init = ocl_init,
    .max_samples = ocl_max_samples,
    .run = ocl_run,
    .philox = ocl_philox,
    .free = ocl_free,
};
