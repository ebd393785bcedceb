/* dy_test_brem_vegas.h — GSL's VEGAS over the brem integrand called as plain C: an integrator
 * independent of darkyield's engine (5 x 1e5 warm-up calls, discarded, then 10 x 2e5 calls,
 * fixed seed) in p->dim dimensions (3: phi integrated, 4: phi sampled).  Returns the estimate;
 * *err its error, *chi2 the chi^2/dof of the final stage. */
#ifndef DY_TEST_BREM_VEGAS_H
#define DY_TEST_BREM_VEGAS_H
#include <gsl/gsl_monte_vegas.h>
#include <gsl/gsl_rng.h>
#include "dy_test.h"
#include "processes/dy_proc_brem.h"

static inline double dy_test_brem_f(double *u, size_t dim, void *vp)
{
    double obs[DY_MAX_OBS];
    (void)dim;
    return dy_proc_brem_eval((const dy_params *)vp, u, obs, DY_MAX_OBS);
}

static inline double dy_test_brem_vegas(dy_params *p, double *err, double *chi2)
{
    const size_t dim = p->dim;
    double xl[4] = {0, 0, 0, 0}, xu[4] = {1, 1, 1, 1}, res = 0.0;
    gsl_monte_function F = {dy_test_brem_f, dim, p};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_monte_vegas_state *s = gsl_monte_vegas_alloc(dim);
    gsl_monte_vegas_params vp;
    gsl_rng_set(r, 20240601u);
    gsl_monte_vegas_params_get(s, &vp);
    vp.stage = 0;
    vp.iterations = 5;
    gsl_monte_vegas_params_set(s, &vp);
    assert_int_equal(gsl_monte_vegas_integrate(&F, xl, xu, dim, 100000, r, s, &res, err), 0);
    vp.stage = 1;
    vp.iterations = 10;
    gsl_monte_vegas_params_set(s, &vp);
    assert_int_equal(gsl_monte_vegas_integrate(&F, xl, xu, dim, 200000, r, s, &res, err), 0);
    *chi2 = gsl_monte_vegas_chisq(s);
    gsl_monte_vegas_free(s);
    gsl_rng_free(r);
    return res;
}
#endif
