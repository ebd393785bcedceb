/* dy_test_quad.h — deterministic 1-D integration of a one-dimensional process over its unit
 * interval (GSL QAG, 61-point rule), through the process table: an independent check of the
 * engine's Monte-Carlo for processes with dim = 1 (annihilation, Primakoff). */
#ifndef DY_TEST_QUAD_H
#define DY_TEST_QUAD_H
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include "dy_process_table.h"
#include "dy_test.h"

static inline double dy_test_quad_f(double u, void *vp)
{
    double obs[DY_MAX_OBS], x[DY_MAX_DIM] = {0};
    x[0] = u;
    return dy_integrand((const dy_params *)vp, x, obs, DY_MAX_OBS);
}

/* integral over u in (0,1) of the process integrand of p (p->dim must be 1) */
static inline double dy_test_integrate_1d(const dy_params *p, double epsrel)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(2000);
    gsl_function F = {dy_test_quad_f, (void *)p};
    double r = 0.0, err = 0.0;
    int st = gsl_integration_qag(&F, 0.0, 1.0, 0.0, epsrel, 2000, GSL_INTEG_GAUSS61, w, &r, &err);
    gsl_integration_workspace_free(w);
    if (st != GSL_SUCCESS && st != GSL_EROUND) fail_msg("qag status %d", st);
    return r;
}
#endif
