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
    cl_kernel k_sample, k_reduce, k_combine, k_finish, k_flat, k_philox;
    /* one work-group size per kernel, fixed for the engine's life (launch1d) */
    size_t ls_sample, ls_reduce, ls_combine, ls_finish, ls_flat, ls_philox;
    /* the open batch: parameters, maps, iteration records, histograms, control, totals */
    cl_mem b_params, b_hspec, b_grids, b_itrec, b_hrun, b_hw, b_ctl, b_out, b_fw;
    size_t n;
    dy_layout lay;
    /* per-launch scratch, grown on demand and kept */
    cl_mem b_w, b_bins, b_obs, b_part;
    size_t cap_samp, cap_part;
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

/* The fp64 devices of all platforms, in platform order. */
static cl_uint fp64_devices(cl_device_id *out, cl_uint max, cl_int *rc)
{
    cl_device_id devs[32];
    cl_uint nd = list_devices(devs, 32, rc), k = 0;
    for (cl_uint i = 0; i < nd && k < max; ++i)
        if (has_fp64(devs[i])) out[k++] = devs[i];
    return k;
}

/* The device to use: `device` (an index among the fp64 devices), else DARKYIELD_OPENCL_DEVICE
 * (an index among all devices, as `darkyield devices` lists them), else the first fp64 one. */
static dy_status pick_device(int device, cl_device_id *out, dy_error *err)
{
    cl_device_id devs[32], f64[32];
    cl_int rc;
    cl_uint nd = list_devices(devs, 32, &rc);
    const char *env = getenv("DARKYIELD_OPENCL_DEVICE");
    if (rc != CL_SUCCESS)
        return dy_error_set(err, DY_ERR_UNAVAILABLE, "opencl: no platform (%s)", cl_errname(rc));
    if (nd == 0) return dy_error_set(err, DY_ERR_UNAVAILABLE, "opencl: no device");
    if (device >= 0) {
        cl_uint nf = fp64_devices(f64, 32, &rc);
        if ((cl_uint)device >= nf)
            return dy_error_set(err, DY_ERR_INVALID, "opencl: no fp64 device %d (%u found)", device,
                                nf);
        *out = f64[device];
        return DY_OK;
    }
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
    return pick_device(-1, &d, err);
}

/* Only a GPU or accelerator is taken automatically: on the host processor, PoCL is slower than
 * the native cpu backend (benchmarks/RESULTS.md). */
static int ocl_auto_pick(void)
{
    cl_device_id d;
    cl_device_type t = 0;
    if (pick_device(-1, &d, NULL) != DY_OK) return 0;
    clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof t, &t, NULL);
    return (t & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0;
}

static int ocl_device_count(void)
{
    cl_device_id f64[32];
    cl_int rc;
    return (int)fp64_devices(f64, 32, &rc);
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

static void release(cl_mem *m)
{
    if (*m) clReleaseMemObject(*m);
    *m = NULL;
}

static void ocl_batch_close(void *state)
{
    cl_state *s = state;
    cl_mem *m[] = {&s->b_params, &s->b_hspec, &s->b_grids, &s->b_itrec, &s->b_hrun,
                   &s->b_hw,     &s->b_ctl,   &s->b_out,   &s->b_fw};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; ++i)
        release(m[i]);
    s->n = 0;
}

/* The work-group size of a kernel's launches: a multiple of the device's preferred one, at most
 * DY_OCL_LOCAL (64) and what the kernel allows.  Fixed, with the global size rounded up to it
 * (every kernel checks its index against n): with a NULL local size the implementation picks one
 * per global size, and PoCL compiles the kernel anew for each (448 compilations, 5.7 min, for
 * test_genz on a cold cache; one per kernel now).  Results do not depend on it: work items are
 * independent and every reduction has a fixed order. */
#define DY_OCL_LOCAL 64
static size_t work_group_size(cl_device_id dev, cl_kernel k)
{
    size_t max = 0, pref = 0;
    if (clGetKernelWorkGroupInfo(k, dev, CL_KERNEL_WORK_GROUP_SIZE, sizeof max, &max, NULL) !=
            CL_SUCCESS ||
        max == 0)
        max = 1;
    if (clGetKernelWorkGroupInfo(k, dev, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, sizeof pref,
                                 &pref, NULL) != CL_SUCCESS ||
        pref == 0)
        pref = 1;
    size_t ls = pref;
    while (ls * 2 <= DY_OCL_LOCAL && ls * 2 <= max)
        ls *= 2;
    return ls <= max ? ls : max;
}

/* A 1-D launch of n work items in groups of ls (the global size rounded up to a multiple). */
static cl_int launch1d(cl_command_queue q, cl_kernel k, size_t n, size_t ls)
{
    const size_t gs = (n + ls - 1) / ls * ls;
    return clEnqueueNDRangeKernel(q, k, 1, NULL, &gs, &ls, 0, NULL, NULL);
}

static void ocl_free(void *state)
{
    cl_state *s = state;
    if (!s) return;
    ocl_batch_close(s);
    release(&s->b_w);
    release(&s->b_bins);
    release(&s->b_obs);
    release(&s->b_part);
    cl_kernel *k[] = {&s->k_sample, &s->k_reduce, &s->k_combine,
                      &s->k_finish, &s->k_flat,   &s->k_philox};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; ++i)
        if (*k[i]) clReleaseKernel(*k[i]);
    if (s->prog) clReleaseProgram(s->prog);
    if (s->q) clReleaseCommandQueue(s->q);
    if (s->ctx) clReleaseContext(s->ctx);
    free(s);
}

static dy_status ocl_init(void **state, int device, char *name, size_t n, dy_error *err)
{
    dy_status st = DY_OK;
    cl_int rc;
    cl_state *s = calloc(1, sizeof *s);
    if (!s) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    if ((st = pick_device(device, &s->dev, err)) != DY_OK) goto fail;
    dev_name(s->dev, name, n);
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
                          name, cl_errname(rc), log ? log : "(unavailable)");
        free(log);
        goto fail;
    }
    struct {
        cl_kernel *k;
        size_t *ls;
        const char *name;
    } ks[] = {{&s->k_sample, &s->ls_sample, "dy_kernel_sample"},
              {&s->k_reduce, &s->ls_reduce, "dy_kernel_reduce"},
              {&s->k_combine, &s->ls_combine, "dy_kernel_combine"},
              {&s->k_finish, &s->ls_finish, "dy_kernel_finish"},
              {&s->k_flat, &s->ls_flat, "dy_kernel_flat"},
              {&s->k_philox, &s->ls_philox, "dy_kernel_philox"}};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; ++i) {
        *ks[i].k = clCreateKernel(s->prog, ks[i].name, &rc);
        CL_TRY(rc, ks[i].name);
        *ks[i].ls = work_group_size(s->dev, *ks[i].k);
    }
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
    /* w, obs, bins and chunk records: ~ 64 bytes a sample; a launch under 1/4 of the memory */
    size_t cap = (size_t)(s->global_mem / 4 / 64);
    size_t lim = (size_t)1 << 24;
    return cap < lim ? cap : lim;
}

static size_t ocl_batch_hint(void *state)
{
    (void)state;
    return 1024;
}

static dy_status make_buffer(cl_state *s, cl_mem *m, size_t bytes, dy_error *err)
{
    dy_status st = DY_OK;
    cl_int rc;
    release(m);
    *m = clCreateBuffer(s->ctx, CL_MEM_READ_WRITE, bytes ? bytes : 8, NULL, &rc);
    CL_TRY(rc, "clCreateBuffer");
    return DY_OK;
fail:
    *m = NULL;
    return st;
}

static dy_status fill_zero(cl_state *s, cl_mem m, size_t bytes, dy_error *err)
{
    dy_status st = DY_OK;
    const double zero = 0.0;
    if (bytes == 0) return DY_OK;
    CL_TRY(clEnqueueFillBuffer(s->q, m, &zero, sizeof zero, 0, bytes, 0, NULL, NULL), "fill");
    return DY_OK;
fail:
    return st;
}

static dy_status ocl_batch_open(void *state, const dy_batch_desc *d, dy_dev_stats *st_,
                                dy_error *err)
{
    cl_state *s = state;
    dy_status st = DY_OK;
    const size_t n = d->n, P = dy_record_size(d->lay), G = DY_GRID_STRIDE(d->lay);
    const size_t H = DY_HRUN * (size_t)d->lay.n_obs * d->lay.hbins, NO = d->lay.n_obs;
    ocl_batch_close(s);
    s->n = n;
    s->lay = d->lay;
    struct {
        cl_mem *m;
        size_t bytes;
    } b[] = {{&s->b_params, n * sizeof(dy_params)},
             {&s->b_hspec, n * NO * sizeof(dy_histspec)},
             {&s->b_grids, n * G * sizeof(double)},
             {&s->b_itrec, n * P * sizeof(double)},
             {&s->b_hrun, n * H * sizeof(double)},
             {&s->b_hw, n * sizeof(double)},
             {&s->b_ctl, n * sizeof(dy_ictl)},
             {&s->b_out, n * DY_NTOT * sizeof(double)},
             {&s->b_fw, n * d->lay.n_func * d->lay.hbins * sizeof(double)}};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; ++i)
        if ((st = make_buffer(s, b[i].m, b[i].bytes, err)) != DY_OK) goto fail;
    CL_TRY(clEnqueueWriteBuffer(s->q, s->b_params, CL_FALSE, 0, n * sizeof(dy_params), d->params, 0,
                                NULL, NULL),
           "upload params");
    st_->bytes_to_device += n * sizeof(dy_params);
    if (NO) {
        CL_TRY(clEnqueueWriteBuffer(s->q, s->b_hspec, CL_FALSE, 0, n * NO * sizeof(dy_histspec),
                                    d->hspec, 0, NULL, NULL),
               "upload histogram specs");
        st_->bytes_to_device += n * NO * sizeof(dy_histspec);
    }
    if (d->lay.n_func) {
        const size_t fb = n * d->lay.n_func * d->lay.hbins * sizeof(double);
        CL_TRY(clEnqueueWriteBuffer(s->q, s->b_fw, CL_FALSE, 0, fb, d->fw, 0, NULL, NULL),
               "upload functional weights");
        st_->bytes_to_device += fb;
    }
    if ((st = fill_zero(s, s->b_itrec, n * P * sizeof(double), err)) != DY_OK) goto fail;
    if ((st = fill_zero(s, s->b_hrun, n * H * sizeof(double), err)) != DY_OK) goto fail;
    if ((st = fill_zero(s, s->b_hw, n * sizeof(double), err)) != DY_OK) goto fail;
    const dy_u32 dim = d->lay.dim;
    const cl_ulong nn = n;
    CL_TRY(clSetKernelArg(s->k_flat, 0, sizeof(cl_mem), &s->b_grids), "set arg");
    CL_TRY(clSetKernelArg(s->k_flat, 1, sizeof dim, &dim), "set arg");
    CL_TRY(clSetKernelArg(s->k_flat, 2, sizeof nn, &nn), "set arg");
    CL_TRY(launch1d(s->q, s->k_flat, n, s->ls_flat), "launch flat maps");
    st_->launches += 1;
    if (d->maps) /* given maps over the flat ones (the scratch half stays as it is) */
        for (size_t j = 0; j < n; ++j) {
            CL_TRY(clEnqueueWriteBuffer(s->q, s->b_grids, CL_TRUE, j * G * sizeof(double),
                                        dim * (DY_NBINS + 1) * sizeof(double),
                                        d->maps + j * DY_MAP_STRIDE, 0, NULL, NULL),
                   "upload maps");
            st_->bytes_to_device += dim * (DY_NBINS + 1) * sizeof(double);
        }
    return DY_OK;
fail:
    ocl_batch_close(s);
    return st;
}

/* Scratch for a launch of ns samples and nrec record doubles (grown, never shrunk). */
static dy_status ensure_scratch(cl_state *s, size_t ns, size_t nrec, dy_error *err)
{
    dy_status st;
    if (ns > s->cap_samp) {
        s->cap_samp = 0;
        if ((st = make_buffer(s, &s->b_w, ns * sizeof(double), err)) != DY_OK) return st;
        if ((st = make_buffer(s, &s->b_bins, ns * DY_MAX_DIM, err)) != DY_OK) return st;
        if ((st = make_buffer(s, &s->b_obs, ns * DY_MAX_OBS * sizeof(double), err)) != DY_OK)
            return st;
        s->cap_samp = ns;
    }
    if (nrec > s->cap_part) {
        s->cap_part = 0;
        if ((st = make_buffer(s, &s->b_part, nrec * sizeof(double), err)) != DY_OK) return st;
        s->cap_part = nrec;
    }
    return DY_OK;
}

static dy_status enqueue(cl_state *s, cl_kernel k, size_t ls, size_t n, const char *what,
                         dy_error *err)
{
    dy_status st = DY_OK;
    if (n == 0) return DY_OK;
    CL_TRY(launch1d(s->q, k, n, ls), what);
    return DY_OK;
fail:
    return st;
}

#define ARG(k, i, v) CL_TRY(clSetKernelArg(k, i, sizeof(v), &(v)), "set kernel argument")

static dy_status ocl_iterate(void *state, const dy_iter_plan *p, double *out, dy_dev_stats *st_,
                             dy_error *err)
{
    cl_state *s = state;
    dy_status st = DY_OK;
    const size_t na = p->n_active, P = dy_record_size(s->lay);
    const double t0 = dy_wall_seconds();
    if (na == 0 || p->n_launch == 0) return DY_OK;
    CL_TRY(clEnqueueWriteBuffer(s->q, s->b_ctl, CL_FALSE, 0, na * sizeof(dy_ictl), p->ctl, 0, NULL,
                                NULL),
           "upload control table");
    st_->bytes_to_device += na * sizeof(dy_ictl);
    for (size_t l = 0; l < p->n_launch; ++l) {
        const dy_launch L = p->launch[l];
        const cl_ulong ns = dy_plan_chunk_sample(p->ctl, p->n_active, L.chunk_end) - L.sample_begin;
        const cl_ulong nch = L.chunk_end - L.chunk_begin;
        const cl_ulong nred = nch * dy_chunk_roles(s->lay), ncomb = na * P;
        if ((st = ensure_scratch(s, ns, nch * P, err)) != DY_OK) return st;
        ARG(s->k_sample, 0, s->b_params);
        ARG(s->k_sample, 1, s->b_grids);
        ARG(s->k_sample, 2, s->b_ctl);
        ARG(s->k_sample, 3, L);
        ARG(s->k_sample, 4, ns);
        ARG(s->k_sample, 5, s->b_w);
        ARG(s->k_sample, 6, s->b_bins);
        ARG(s->k_sample, 7, s->b_obs);
        if ((st = enqueue(s, s->k_sample, s->ls_sample, ns, "launch sample", err)) != DY_OK)
            return st;
        if (p->w_out) {
            CL_TRY(clEnqueueReadBuffer(s->q, s->b_w, CL_TRUE, 0, ns * sizeof(double),
                                       p->w_out + L.sample_begin, 0, NULL, NULL),
                   "read weights");
            st_->bytes_from_device += ns * sizeof(double);
        }
        ARG(s->k_reduce, 0, s->b_params);
        ARG(s->k_reduce, 1, s->b_ctl);
        ARG(s->k_reduce, 2, L);
        ARG(s->k_reduce, 3, nred);
        ARG(s->k_reduce, 4, s->b_w);
        ARG(s->k_reduce, 5, s->b_bins);
        ARG(s->k_reduce, 6, s->b_obs);
        ARG(s->k_reduce, 7, s->b_hspec);
        ARG(s->k_reduce, 8, s->b_fw);
        ARG(s->k_reduce, 9, s->b_part);
        if ((st = enqueue(s, s->k_reduce, s->ls_reduce, nred, "launch reduce", err)) != DY_OK)
            return st;
        ARG(s->k_combine, 0, s->b_ctl);
        ARG(s->k_combine, 1, L);
        ARG(s->k_combine, 2, ncomb);
        ARG(s->k_combine, 3, s->b_part);
        ARG(s->k_combine, 4, s->b_itrec);
        if ((st = enqueue(s, s->k_combine, s->ls_combine, ncomb, "launch combine", err)) != DY_OK)
            return st;
        st_->launches += 3;
    }
    {
        const dy_launch L = p->launch[0];
        const cl_ulong nfin = na * dy_finish_tasks(s->lay);
        ARG(s->k_finish, 0, s->b_params);
        ARG(s->k_finish, 1, s->b_ctl);
        ARG(s->k_finish, 2, L);
        ARG(s->k_finish, 3, nfin);
        ARG(s->k_finish, 4, s->b_itrec);
        ARG(s->k_finish, 5, s->b_grids);
        ARG(s->k_finish, 6, s->b_hspec);
        ARG(s->k_finish, 7, s->b_hrun);
        ARG(s->k_finish, 8, s->b_hw);
        ARG(s->k_finish, 9, s->b_out);
        if ((st = enqueue(s, s->k_finish, s->ls_finish, nfin, "launch finish", err)) != DY_OK)
            return st;
        st_->launches += 1;
    }
    CL_TRY(clEnqueueReadBuffer(s->q, s->b_out, CL_TRUE, 0, na * DY_NTOT * sizeof(double), out, 0,
                               NULL, NULL),
           "read iteration totals");
    st_->bytes_from_device += na * DY_NTOT * sizeof(double);
    st_->device_seconds += dy_wall_seconds() - t0;
    return DY_OK;
fail:
    return st;
}

static dy_status ocl_histograms(void *state, double *hrun, double *hw, dy_dev_stats *st_,
                                dy_error *err)
{
    cl_state *s = state;
    dy_status st = DY_OK;
    const size_t H = DY_HRUN * (size_t)s->lay.n_obs * s->lay.hbins;
    if (H)
        CL_TRY(clEnqueueReadBuffer(s->q, s->b_hrun, CL_TRUE, 0, s->n * H * sizeof(double), hrun, 0,
                                   NULL, NULL),
               "read histograms");
    CL_TRY(clEnqueueReadBuffer(s->q, s->b_hw, CL_TRUE, 0, s->n * sizeof(double), hw, 0, NULL, NULL),
           "read histogram weights");
    st_->bytes_from_device += s->n * (H + 1) * sizeof(double);
    return DY_OK;
fail:
    return st;
}

static dy_status ocl_read_maps(void *state, double *out, dy_dev_stats *st_, dy_error *err)
{
    cl_state *s = state;
    dy_status st = DY_OK;
    const size_t G = DY_GRID_STRIDE(s->lay), A = s->lay.dim * (DY_NBINS + 1);
    for (size_t j = 0; j < s->n; ++j) {
        memset(out + j * DY_MAP_STRIDE, 0, DY_MAP_STRIDE * sizeof *out);
        CL_TRY(clEnqueueReadBuffer(s->q, s->b_grids, CL_TRUE, j * G * sizeof(double),
                                   A * sizeof(double), out + j * DY_MAP_STRIDE, 0, NULL, NULL),
               "read maps");
        st_->bytes_from_device += A * sizeof(double);
    }
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
    CL_TRY(launch1d(s->q, s->k_philox, n, s->ls_philox), "launch");
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
    .auto_pick = ocl_auto_pick,
    .device_count = ocl_device_count,
    .describe = ocl_describe,
    .init = ocl_init,
    .max_samples = ocl_max_samples,
    .batch_hint = ocl_batch_hint,
    .batch_open = ocl_batch_open,
    .iterate = ocl_iterate,
    .histograms = ocl_histograms,
    .read_maps = ocl_read_maps,
    .batch_close = ocl_batch_close,
    .philox = ocl_philox,
    .free = ocl_free,
};
