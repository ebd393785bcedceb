/* backend_cpu.c — the reference backend: the shared device layer compiled as plain C, looped over
 * work items (OpenMP across items when available).  Each item writes only its own outputs, so the
 * thread count never changes a result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../engine/backend.h"
#ifdef _OPENMP
#include <omp.h>
#endif

static dy_status cpu_probe(dy_error *err)
{
    (void)err;
    return DY_OK;
}

static int cpu_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static void cpu_describe(char *buf, size_t n)
{
    snprintf(buf, n, "  cpu 0: host processor, fp64 yes, %d thread%s (%s)\n", cpu_threads(),
             cpu_threads() == 1 ? "" : "s",
#ifdef _OPENMP
             "OpenMP"
#else
             "no OpenMP"
#endif
    );
}

static dy_status cpu_init(void **state, char *device, size_t n, dy_error *err)
{
    (void)err;
    *state = NULL;
    snprintf(device, n, "host processor, %d thread%s", cpu_threads(),
             cpu_threads() == 1 ? "" : "s");
    return DY_OK;
}

static size_t cpu_max_samples(void *state)
{
    (void)state;
    return (size_t)1 << 20;
}

static dy_status cpu_run(void *state, dy_batch *b, dy_error *err)
{
    (void)state;
    (void)err;
    const dy_launch L = b->launch;
    const long long n = (long long)L.n_integrals * L.n_samples;
    const long long nr = (long long)L.n_integrals * (L.n_samples / DY_CHUNK) * DY_NROLES;
    double *w = b->w_out;
    unsigned char *bins = malloc((size_t)n * DY_MAX_DIM);
    double *obs = L.n_obs ? malloc((size_t)n * DY_MAX_OBS * sizeof *obs) : NULL;
    int own_w = 0;
    if (!w) {
        w = malloc((size_t)n * sizeof *w);
        own_w = 1;
    }
    if (!bins || !w || (L.n_obs && !obs)) {
        free(bins);
        free(obs);
        if (own_w) free(w);
        return dy_error_set(err, DY_ERR_NOMEM, "cpu backend: cannot allocate %lld samples", n);
    }
#pragma omp parallel for schedule(static)
    for (long long g = 0; g < n; ++g)
        dy_sample_one(b->params, b->grids, L, (dy_u64)g, w, bins, obs);
#pragma omp parallel for schedule(dynamic, 1)
    for (long long r = 0; r < nr; ++r)
        dy_reduce_one(b->params, L, (dy_u64)r, w, bins, obs, b->hspec, b->tot, b->acc, b->hst);
    free(bins);
    free(obs);
    if (own_w) free(w);
    return DY_OK;
}

static dy_status cpu_philox(void *state, const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out,
                            dy_u32 n, dy_error *err)
{
    (void)state;
    (void)err;
    for (dy_u32 i = 0; i < n; ++i)
        dy_philox4x32(ctr + 4 * i, key + 2 * i, out + 4 * i);
    return DY_OK;
}

static void cpu_free(void *state)
{
    (void)state;
}

const dy_backend_type dy_backend_cpu = {
    .name = "cpu",
    .priority = 0,
    .probe = cpu_probe,
    .describe = cpu_describe,
    .init = cpu_init,
    .max_samples = cpu_max_samples,
    .run = cpu_run,
    .philox = cpu_philox,
    .free = cpu_free,
};
