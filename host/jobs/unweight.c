/* unweight.c — accept-reject on the engine's draws from a converged map (unweight.h). */
#include "jobs/unweight.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy_integrate.h"
#include "dy_rng.h"

#define GROUP    16u        /* dy_engine_weights_on_maps takes multiples of 16 draws */
#define PASS_MIN (1u << 14) /* draws per pass: at least ... */
#define PASS_MAX (1u << 22) /* ... and at most (the weights buffer: 32 MiB) */

void dy_unweight_options_default(dy_unweight_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->n_events = 1000;
    o->n_pilot = 1u << 18;
    o->safety = 1.2;
    o->max_restarts = 50;
    o->max_draws = 1ULL << 36;
}

void dy_unweight_uniforms(const dy_params *p, const double *map, uint64_t seed, dy_unweight_draw d,
                          double *u, double *jac, double extra[2])
{
    double y[DY_MAX_DIM];
    dy_engine_point(p, map, seed, d.iteration, d.sample, u, jac);
    /* the same counter's later slots: independent of the point's (Philox blocks) */
    dy_rng_uniforms(seed, dy_stream_key(p), d.iteration, d.sample, p->dim + 2, y);
    extra[0] = y[p->dim];
    extra[1] = y[p->dim + 1];
}

static uint32_t pass_size(const dy_unweight_source *src, uint64_t n)
{
    if (n < src->pass_min) n = src->pass_min;
    if (n > src->pass_max) n = src->pass_max;
    return (uint32_t)((n + GROUP - 1) / GROUP * GROUP);
}

static dy_status check_weight(double w, uint32_t it, uint32_t s, dy_error *err)
{
    if (isfinite(w) && w >= 0.0) return DY_OK;
    return dy_error_set(err, DY_ERR_NUMERIC,
                        "events: weight %g at draw %u of pass %u: accept-reject needs finite, "
                        "non-negative weights",
                        w, s, it);
}

dy_status dy_unweight_accept(const dy_unweight_source *src, const dy_unweight_options *o,
                             dy_unweight_draw *draws, dy_unweight_stats *st, dy_error *err)
{
    if (o->n_events == 0 || o->n_pilot == 0 || o->n_pilot % GROUP || !(o->safety >= 1.0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "events: need n_events >= 1, n_pilot a positive multiple of %u and "
                            "safety >= 1",
                            GROUP);
    memset(st, 0, sizeof *st);
    const uint32_t cap = src->pass_max > o->n_pilot ? src->pass_max : o->n_pilot;
    double *w = malloc((size_t)cap * sizeof *w), *u = malloc((size_t)cap * sizeof *u);
    dy_status s = DY_OK;
    if (!draws || !w || !u) s = dy_error_set(err, DY_ERR_NOMEM, "events: out of memory");
    double sum = 0.0;
    if (s == DY_OK) s = src->fn(src->ctx, src->it_pilot, o->n_pilot, w, u, err);
    for (uint32_t i = 0; s == DY_OK && i < o->n_pilot; ++i) {
        if ((s = check_weight(w[i], src->it_pilot, i, err)) != DY_OK) break;
        if (w[i] > st->w_max_pilot) st->w_max_pilot = w[i];
        sum += w[i];
    }
    st->draws_total = o->n_pilot;
    if (s == DY_OK && !(st->w_max_pilot > 0.0))
        s = dy_error_set(err, DY_ERR_INVALID,
                         "events: all %u pilot weights are zero: the %s vanishes, there is "
                         "nothing to generate",
                         o->n_pilot, src->quantity);
    double wmax = o->safety * st->w_max_pilot;
    const double eff0 = s == DY_OK ? sum / o->n_pilot / wmax : 1.0; /* sizes the first pass */
    while (s == DY_OK) {
        /* one attempt: passes until n_events are accepted or a weight exceeds wmax */
        uint64_t acc = 0, ndraw = 0;
        double s1 = 0.0, s2 = 0.0, seen = 0.0;
        int raised = 0;
        for (uint32_t k = 0; acc < o->n_events && !raised; ++k) {
            const uint64_t left = o->n_events - acc;
            const double eff = acc > 0 ? (double)acc / (double)ndraw : eff0;
            const uint32_t n = pass_size(src, (uint64_t)(1.1 * (double)left / eff) + GROUP);
            const uint32_t it = src->it_gen + k;
            if (ndraw >= o->max_draws || it >= (1u << 24)) {
                s = dy_error_set(err, DY_ERR_NUMERIC,
                                 "events: %llu draws gave %llu of %llu events (efficiency %.2g): "
                                 "stopped",
                                 (unsigned long long)ndraw, (unsigned long long)acc,
                                 (unsigned long long)o->n_events, (double)acc / (double)ndraw);
                break;
            }
            if ((s = src->fn(src->ctx, it, n, w, u, err)) != DY_OK) break;
            st->draws_total += n;
            for (uint32_t i = 0; i < n && acc < o->n_events; ++i) {
                if ((s = check_weight(w[i], it, i, err)) != DY_OK) break;
                if (w[i] > wmax) { /* the bound was not safe: raise it, start again */
                    wmax = o->safety * w[i];
                    raised = 1;
                    break;
                }
                ++ndraw;
                s1 += w[i];
                s2 += w[i] * w[i];
                if (w[i] > seen) seen = w[i];
                if (u[i] * wmax < w[i]) {
                    draws[acc].iteration = it;
                    draws[acc++].sample = i;
                }
            }
            if (s != DY_OK) break;
        }
        if (s != DY_OK) break;
        if (raised) {
            if (++st->restarts > o->max_restarts) {
                s = dy_error_set(err, DY_ERR_NUMERIC,
                                 "events: the weight bound was raised %u times (now %g): the "
                                 "weights have no safe maximum on this %s",
                                 o->max_restarts, wmax, src->proposal);
                break;
            }
            continue;
        }
        dy_unweight_stats_set(st, wmax, seen, ndraw, s1, s2, acc);
        break;
    }
    free(w);
    free(u);
    return s;
}

/* The thin-target proposal: the engine's draws on the integral's map; u_acc is slot dim of each
 * draw's counter (dy_unweight_uniforms reads the same slot back). */
typedef struct thin_src {
    dy_engine *e;
    const dy_params *p;
    const double *map;
    uint64_t seed, key;
} thin_src;

static dy_status thin_pass(const void *ctx, uint32_t it, uint32_t n, double *w, double *u,
                           dy_error *err)
{
    const thin_src *t = ctx;
    const dy_status s = dy_engine_weights_on_maps(t->e, t->p, 1, t->map, t->seed, it, n, w, err);
    if (s != DY_OK) return s;
#pragma omp parallel for schedule(static)
    for (uint32_t i = 0; i < n; ++i) {
        double y[DY_MAX_DIM];
        dy_rng_uniforms(t->seed, t->key, it, i, t->p->dim + 1, y);
        u[i] = y[t->p->dim];
    }
    return DY_OK;
}

dy_status dy_unweight(dy_engine *e, const dy_params *p, const double *map,
                      const dy_unweight_options *o, dy_unweight_draw *out, dy_unweight_stats *st,
                      dy_error *err)
{
    if (p->dim > DY_MAX_DIM - 2)
        return dy_error_set(err, DY_ERR_INVALID, "events: dimension %u > %d", p->dim,
                            DY_MAX_DIM - 2);
    const thin_src t = {e, p, map, o->seed, dy_stream_key(p)};
    const dy_unweight_source src = {thin_pass, &t,       DY_UNW_ITER_PILOT, DY_UNW_ITER_GEN,
                                    PASS_MIN,  PASS_MAX, "cross section",   "map"};
    return dy_unweight_accept(&src, o, out, st, err);
}

void dy_unweight_stats_set(dy_unweight_stats *st, double w_max, double seen, uint64_t draws,
                           double s1, double s2, uint64_t accepted)
{
    const double n = (double)draws;
    st->w_max = w_max;
    st->w_max_seen = seen;
    st->draws = draws;
    st->mean_w = s1 / n; /* the mean weight and its standard error */
    st->mean_w_error =
        draws > 1 ? sqrt(fmax(s2 / n - st->mean_w * st->mean_w, 0.0) / (n - 1.0)) : 0.0;
    st->efficiency = (double)accepted / n;
}
