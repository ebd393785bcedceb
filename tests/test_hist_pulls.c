/* test_hist_pulls.c — histogram errors are honest: the bins of dx_1 of Genz product families
 * (Gaussian, product peak, C0 in 1-4 dimensions), whose marginals in x_1 have closed forms, over
 * 20 independent streams at precisions 1e-3 and 1e-2: no bin beyond 5 sigma of its analytic
 * integral, pulls not wider than N(0,1).  Before the bins' errors were made robust
 * (docs/engine.md, Histograms), bins far from the peak had pulls of 20 and empty bins 0 +- 0.
 * DY_BACKENDS: cpu opencl cuda */
#include <string.h>
#include "engine/genz.h"
#include "dy_test_backend.h"

#define NREP  20
#define NBINS 20

static dy_engine *engine;

static int setup(void **state)
{
    (void)state;
    engine = dy_test_open_engine();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dy_engine_close(engine);
    return 0;
}

/* The integral of a product-family Genz integrand over x_1 in [l, h], the other coordinates over
 * [0, 1]: the 1-D factor in closed form (Genz 1984; docs/genz.md) times the closed form of the
 * remaining dim - 1 coordinates. */
static double bin_exact(const dy_params *p, double l, double h)
{
    const double a = p->par[DY_GENZ_A], u = p->par[DY_GENZ_U];
    double f1 = 0.0, rest = 1.0;
    switch (p->ipar[0]) {
    case DY_GENZ_GAUSSIAN: /* int exp(-a^2 (x-u)^2) = sqrt(pi)/(2a) [erf] */
        f1 = 0.886226925452758014 / a * (erf(a * (h - u)) - erf(a * (l - u)));
        break;
    case DY_GENZ_PRODUCT_PEAK: /* int 1/(a^-2 + (x-u)^2) = a [atan(a (x-u))] */
        f1 = a * (atan(a * (h - u)) - atan(a * (l - u)));
        break;
    case DY_GENZ_C0: /* int exp(-a |x-u|), split at u */
        if (l < u) f1 += (exp(-a * (u - fmin(h, u))) - exp(-a * (u - l))) / a;
        if (h > u) f1 += (exp(-a * (fmax(l, u) - u)) - exp(-a * (h - u))) / a;
        break;
    default: fail_msg("family %d has no closed-form marginal here", p->ipar[0]);
    }
    if (p->dim > 1) {
        dy_params q = *p;
        q.dim = p->dim - 1;
        for (unsigned d = 0; d + 1 < p->dim; ++d) {
            q.par[DY_GENZ_A + d] = p->par[DY_GENZ_A + d + 1];
            q.par[DY_GENZ_U + d] = p->par[DY_GENZ_U + d + 1];
        }
        rest = dy_genz_exact(&q);
    }
    return f1 * rest;
}

/* Pulls (content - exact) / error of every bin of NREP streams of one family in 1..4-D. */
static void check_family(int family, double precision, double *sum2, double *npull)
{
    for (unsigned dim = 1; dim <= 4; ++dim) {
        dy_params p[NREP];
        dy_result r[NREP];
        dy_histspec hs[NREP * DY_MAX_OBS];
        static dy_hist hist[NREP * DY_MAX_OBS];
        dy_error err;
        dy_vegas_options o;
        if (dy_genz_grid(family, dim, 1, 1000 + dim, 0, p, &err) != DY_OK) fail_msg("%s", err.msg);
        memset(hs, 0, sizeof hs);
        for (int i = 0; i < NREP; ++i) {
            p[i] = p[0];
            p[i].id = (dy_u64)i;
            hs[i * DY_MAX_OBS] = (dy_histspec){0.0, 1.0, NBINS, 0}; /* observable 0 = x_1 */
        }
        dy_vegas_options_default(&o);
        o.seed = 12345;
        o.rel_precision = precision;
        if (dy_integrate(engine, p, NREP, &o, hs, r, hist, &err) != DY_OK)
            fail_msg("integrate: %s", err.msg);
        for (int i = 0; i < NREP; ++i)
            for (int b = 0; b < NBINS; ++b) {
                const dy_hist *h = &hist[i * DY_MAX_OBS];
                const double ex = bin_exact(&p[0], (double)b / NBINS, (b + 1.0) / NBINS);
                const double pull = (h->content[b] - ex) / h->error[b];
                if (!(fabs(pull) <= 5.0))
                    fail_msg("%s d=%u precision %g stream %d bin %d: %.6g +- %.3g, exact %.6g "
                             "(%.1f sigma)",
                             dy_genz_family_name(family), dim, precision, i, b, h->content[b],
                             h->error[b], ex, pull);
                *sum2 += pull * pull;
                *npull += 1.0;
            }
    }
}

/* Pooled over families, dimensions, streams and bins: the rms pull must not exceed 1.1 (bins of
 * one histogram share a map, so their pulls are not quite independent; 4/sqrt(2N) would be
 * 0.02).  The bins' errors are conservative in low dimensions (the unstratified variance), so
 * the rms is below 1; it must stay above 0.4 (errors not inflated beyond use). */
static void bin_pulls(void **state)
{
    (void)state;
    if (!engine) skip();
    const int fam[] = {DY_GENZ_GAUSSIAN, DY_GENZ_PRODUCT_PEAK, DY_GENZ_C0};
    const double prec[] = {1e-3, 1e-2};
    for (int k = 0; k < 2; ++k) {
        double sum2 = 0.0, npull = 0.0;
        for (int f = 0; f < 3; ++f)
            check_family(fam[f], prec[k], &sum2, &npull);
        const double rms = sqrt(sum2 / npull);
        printf("precision %g: %.0f bin pulls, rms %.3f, none beyond 5\n", prec[k], npull, rms);
        if (!(rms <= 1.1 && rms >= 0.4))
            fail_msg("precision %g: rms pull of %.0f bins %.3f outside [0.4, 1.1]", prec[k], npull,
                     rms);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(bin_pulls)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
