/* backend_cpu.c — the reference backend: the shared device layer compiled as plain C.  The batch
 * state lives in host memory; an iteration's chunks are sampled and reduced chunk by chunk in
 * per-thread buffers (OpenMP across chunks), then combined and finished like on a GPU.  Each
 * chunk writes only its own record and records are combined in chunk order, so the thread count
 * never changes a result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../engine/backend.h"
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct cpu_state {
    dy_params *params;
    dy_histspec *hspec;
    double *grids, *itrec, *hrun, *hw, *part, *fw;
    size_t n, part_cap;
    dy_layout lay;
    /* per-thread chunk buffers */
    double *tw, *tobs;
    unsigned char *tbins;
    size_t t_cap;
    int nthreads;
} cpu_state;

static int cpu_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static dy_status cpu_probe(dy_error *err)
{
    (void)err;
    return DY_OK;
}

static int cpu_auto_pick(void)
{
    return 1;
}

static int cpu_device_count(void)
{
    return 1;
}

static void cpu_describe(char *buf, size_t n)
{
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "  cpu 0: host processor, fp64 yes, %d thread%s (%s)\n",
             cpu_threads(), cpu_threads() == 1 ? "" : "s",
#ifdef _OPENMP
             "OpenMP"
#else
             "no OpenMP"
#endif
    );
}

static dy_status cpu_init(void **state, int device, char *name, size_t n, dy_error *err)
{
    if (device > 0)
        return dy_error_set(err, DY_ERR_INVALID, "cpu backend: no device %d (only 0)", device);
    cpu_state *s = calloc(1, sizeof *s);
    if (!s) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    snprintf(name, n, "host processor, %d thread%s", cpu_threads(), cpu_threads() == 1 ? "" : "s");
    *state = s;
    return DY_OK;
}

static size_t cpu_max_samples(void *state)
{
    (void)state;
    return (size_t)1 << 24; /* bounds the chunk records of a launch (~50 MB) */
}

static size_t cpu_batch_hint(void *state)
{
    (void)state;
    return 256;
}

static void cpu_batch_close(void *state)
{
    cpu_state *s = state;
    free(s->params);
    free(s->hspec);
    free(s->grids);
    free(s->itrec);
    free(s->hrun);
    free(s->hw);
    free(s->fw);
    s->params = NULL;
    s->hspec = NULL;
    s->grids = s->itrec = s->hrun = s->hw = s->fw = NULL;
    s->n = 0;
}

static dy_status cpu_batch_open(void *state, const dy_batch_desc *d, dy_dev_stats *st,
                                dy_error *err)
{
    cpu_state *s = state;
    const size_t n = d->n, P = dy_record_size(d->lay), G = DY_GRID_STRIDE(d->lay);
    const size_t H = DY_HRUN * (size_t)d->lay.n_obs * d->lay.hbins;
    (void)st;
    cpu_batch_close(s);
    s->n = n;
    s->lay = d->lay;
    s->params = malloc(n * sizeof *s->params);
    s->hspec = malloc((d->lay.n_obs ? n * d->lay.n_obs : 1) * sizeof *s->hspec);
    s->grids = malloc(n * G * sizeof *s->grids);
    s->itrec = calloc(n * P, sizeof *s->itrec);
    s->hrun = calloc(H ? n * H : 1, sizeof *s->hrun);
    s->hw = calloc(n, sizeof *s->hw);
    const size_t F = (size_t)d->lay.n_func * d->lay.hbins;
    s->fw = calloc(F ? n * F : 1, sizeof *s->fw);
    if (!s->params || !s->hspec || !s->grids || !s->itrec || !s->hrun || !s->hw || !s->fw) {
        cpu_batch_close(s);
        return dy_error_set(err, DY_ERR_NOMEM, "cpu backend: out of memory for %zu integrals", n);
    }
    memcpy(s->params, d->params, n * sizeof *s->params);
    if (d->lay.n_obs) memcpy(s->hspec, d->hspec, n * d->lay.n_obs * sizeof *s->hspec);
    if (F) memcpy(s->fw, d->fw, n * F * sizeof *s->fw);
    for (size_t j = 0; j < n; ++j) {
        dy_map_flat(s->grids + j * G, d->lay.dim);
        if (d->maps)
            memcpy(s->grids + j * G, d->maps + j * DY_MAP_STRIDE,
                   d->lay.dim * (DY_NBINS + 1) * sizeof *s->grids);
    }
    return DY_OK;
}

static dy_status cpu_read_maps(void *state, double *out, dy_dev_stats *st, dy_error *err)
{
    cpu_state *s = state;
    const size_t G = DY_GRID_STRIDE(s->lay);
    (void)st;
    (void)err;
    for (size_t j = 0; j < s->n; ++j) {
        memset(out + j * DY_MAP_STRIDE, 0, DY_MAP_STRIDE * sizeof *out);
        memcpy(out + j * DY_MAP_STRIDE, s->grids + j * G,
               s->lay.dim * (DY_NBINS + 1) * sizeof *out);
    }
    return DY_OK;
}

/* Buffers: chunk records of one launch, and one chunk's samples per thread. */
static dy_status ensure(cpu_state *s, size_t nrec, size_t chunk, dy_error *err)
{
    if (nrec > s->part_cap) {
        free(s->part);
        s->part = malloc(nrec * sizeof *s->part);
        s->part_cap = s->part ? nrec : 0;
        if (!s->part) return dy_error_set(err, DY_ERR_NOMEM, "cpu backend: out of memory");
    }
    const int th = cpu_threads();
    if (chunk > s->t_cap || th > s->nthreads) {
        free(s->tw);
        free(s->tobs);
        free(s->tbins);
        s->tw = malloc((size_t)th * chunk * sizeof *s->tw);
        s->tobs = malloc((size_t)th * chunk * DY_MAX_OBS * sizeof *s->tobs);
        s->tbins = malloc((size_t)th * chunk * DY_MAX_DIM);
        s->t_cap = chunk;
        s->nthreads = th;
        if (!s->tw || !s->tobs || !s->tbins) {
            s->t_cap = 0;
            return dy_error_set(err, DY_ERR_NOMEM, "cpu backend: out of memory");
        }
    }
    return DY_OK;
}

static dy_status cpu_iterate(void *state, const dy_iter_plan *p, double *out, dy_dev_stats *st,
                             dy_error *err)
{
    cpu_state *s = state;
    const dy_ictl *ctl = p->ctl;
    const uint64_t P = dy_record_size(s->lay);
    const dy_u32 nroles = dy_chunk_roles(s->lay);
    const double t0 = dy_wall_seconds();
    size_t chunk = 1;
    dy_status rc = DY_OK;
    for (uint32_t a = 0; a < p->n_active; ++a)
        if ((size_t)ctl[a].spc * ctl[a].nh > chunk) chunk = (size_t)ctl[a].spc * ctl[a].nh;
    for (size_t l = 0; l < p->n_launch && rc == DY_OK; ++l) {
        const dy_launch L = p->launch[l];
        const long long nch = (long long)(L.chunk_end - L.chunk_begin);
        if ((rc = ensure(s, (size_t)nch * P, chunk, err)) != DY_OK) break;
#pragma omp parallel if (nch > 1) /* threads only when there is work to share */
        {
#ifdef _OPENMP
            const int t = omp_get_thread_num();
#else
            const int t = 0;
#endif
            double *w = s->tw + (size_t)t * s->t_cap;
            double *obs = s->tobs + (size_t)t * s->t_cap * DY_MAX_OBS;
            unsigned char *bins = s->tbins + (size_t)t * s->t_cap * DY_MAX_DIM;
#pragma omp for schedule(dynamic, 1)
            for (long long cl = 0; cl < nch; ++cl) {
                const dy_u64 cg = L.chunk_begin + (dy_u64)cl;
                const dy_ictl *c = ctl + dy_find_active(ctl, p->n_active, cg, 1);
                const dy_u64 h0 = (cg - c->chunk_first) * c->spc;
                const dy_u64 h1 = h0 + c->spc < c->n_strata ? h0 + c->spc : c->n_strata;
                dy_launch Lc = L; /* this chunk alone, its samples at buffer position 0 */
                Lc.chunk_begin = cg;
                Lc.chunk_end = cg + 1;
                Lc.sample_begin = c->sample_first + h0 * c->nh;
                Lc.n_active = 1; /* its integral's entry only: no search per sample */
                const dy_u64 count = (h1 - h0) * c->nh;
                for (dy_u64 g = 0; g < count; ++g)
                    dy_sample_one(s->params, s->grids, c, Lc, g, w, bins, obs);
                if (p->w_out) memcpy(p->w_out + Lc.sample_begin, w, count * sizeof *w);
                for (dy_u32 r = 0; r < nroles; ++r)
                    dy_reduce_chunk(s->params, c, Lc, r, w, bins, obs, s->hspec, s->fw,
                                    s->part + (size_t)cl * P);
            }
        }
        const long long nr = (long long)p->n_active * (long long)P;
#pragma omp parallel for schedule(static) if (nr > 1 << 14)
        for (long long r = 0; r < nr; ++r)
            dy_combine(ctl, L, (dy_u64)r, s->part, s->itrec);
        st->launches += 2;
    }
    if (rc == DY_OK && p->n_launch) {
        const dy_launch L = p->launch[0];
        const long long nr = (long long)p->n_active * dy_finish_tasks(s->lay);
        /* a task refines a map axis (O(DY_NBINS) with logs): threads pay off from a few dozen
         * (serial, 1000 integrals' finishes were a third of a 2-thread run of 6-D Genz peaks) */
#pragma omp parallel for schedule(dynamic, 16) if (nr > 64)
        for (long long r = 0; r < nr; ++r)
            dy_finish(s->params, ctl, L, (dy_u64)r, s->itrec, s->grids, s->hspec, s->hrun, s->hw,
                      out);
        st->launches += 1;
    }
    st->device_seconds += dy_wall_seconds() - t0;
    return rc;
}

static dy_status cpu_histograms(void *state, double *hrun, double *hw, dy_dev_stats *st,
                                dy_error *err)
{
    cpu_state *s = state;
    (void)st;
    (void)err;
    memcpy(hrun, s->hrun, s->n * DY_HRUN * s->lay.n_obs * (size_t)s->lay.hbins * sizeof *hrun);
    memcpy(hw, s->hw, s->n * sizeof *hw);
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
    cpu_state *s = state;
    if (!s) return;
    cpu_batch_close(s);
    free(s->part);
    free(s->tw);
    free(s->tobs);
    free(s->tbins);
    free(s);
}

const dy_backend_type dy_backend_cpu = {
    .name = "cpu",
    .priority = 0,
    .probe = cpu_probe,
    .auto_pick = cpu_auto_pick,
    .device_count = cpu_device_count,
    .describe = cpu_describe,
    .init = cpu_init,
    .max_samples = cpu_max_samples,
    .batch_hint = cpu_batch_hint,
    .batch_open = cpu_batch_open,
    .iterate = cpu_iterate,
    .histograms = cpu_histograms,
    .read_maps = cpu_read_maps,
    .batch_close = cpu_batch_close,
    .philox = cpu_philox,
    .free = cpu_free,
};
