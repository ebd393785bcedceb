/* gsl_peer.c — the GSL VEGAS protocol of gsl_peer.h. */
#include "gsl_peer.h"
#include <gsl/gsl_monte_vegas.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <time.h>

double dy_bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void dy_gsl_protocol_default(dy_gsl_protocol *p, size_t calls, double rel)
{
    p->calls = calls;
    p->warmup = 5;
    p->rel = rel;
    p->max_eval = 1000000000ULL;
    p->seed = 1;
}

typedef struct counted {
    double (*f)(double *, size_t, void *);
    void *ctx;
    uint64_t n;
} counted;

static double counted_f(double *x, size_t dim, void *vp)
{
    counted *c = vp;
    ++c->n; /* every evaluation GSL makes passes here */
    return c->f(x, dim, c->ctx);
}

int dy_gsl_vegas(double (*f)(double *x, size_t dim, void *ctx), void *ctx, size_t dim,
                 const dy_gsl_protocol *p, dy_gsl_run *out)
{
    double xl[16], xu[16], res = 0.0, err = 0.0;
    if (!f || !out || !p || dim < 1 || dim > 16 || p->calls < 2 || p->warmup < 1 || !(p->rel > 0.0))
        return -1;
    for (size_t j = 0; j < dim; ++j) {
        xl[j] = 0.0;
        xu[j] = 1.0;
    }
    const double t0 = dy_bench_now();
    counted c = {f, ctx, 0};
    gsl_monte_function F = {counted_f, dim, &c};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_monte_vegas_state *s = gsl_monte_vegas_alloc(dim);
    int rc = -1;
    if (!rng || !s) goto done;
    gsl_rng_set(rng, p->seed);
    gsl_monte_vegas_params vp;
    gsl_monte_vegas_params_get(s, &vp);
    vp.stage = 0;
    vp.iterations = p->warmup;
    gsl_monte_vegas_params_set(s, &vp);
    if (gsl_monte_vegas_integrate(&F, xl, xu, dim, p->calls, rng, s, &res, &err)) goto done;
    out->n_eval_warmup = c.n;
    out->n_iter = 0;
    out->converged = 0;
    vp.iterations = 1;
    for (;;) {
        vp.stage = out->n_iter == 0 ? 1 : 3; /* 1: same grid, new average; 3: same average */
        gsl_monte_vegas_params_set(s, &vp);
        if (gsl_monte_vegas_integrate(&F, xl, xu, dim, p->calls, rng, s, &res, &err)) goto done;
        ++out->n_iter;
        if (isfinite(res) && err <= p->rel * fabs(res) && res != 0.0) {
            out->converged = 1;
            break;
        }
        if (c.n >= p->max_eval || !isfinite(res)) break;
    }
    out->chi2_dof = out->n_iter > 1 ? gsl_monte_vegas_chisq(s) : NAN;
    rc = 0;
done:
    out->value = res;
    out->error = err;
    out->n_eval = c.n;
    if (s) gsl_monte_vegas_free(s);
    if (rng) gsl_rng_free(rng);
    out->wall_s = dy_bench_now() - t0;
    return rc;
}
