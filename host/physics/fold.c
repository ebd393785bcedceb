/* fold.c — track-length folding weights (see fold.h). */
#include "fold.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <string.h>

void dy_fold_nodes_log(double lo, double hi, int K, double *E)
{
    for (int k = 0; k < K; ++k)
        E[k] = K > 1 ? lo * pow(hi / lo, (double)k / (K - 1)) : hi;
    if (K > 1) E[K - 1] = hi; /* exact end point, no round-off */
}

typedef struct lam_ctx {
    const dy_tracklength *T;
    double E0, a, b; /* ln E of the interval ends */
    int upper;       /* 1: weight of the upper node (t), 0: lower (1 - t) */
} lam_ctx;

/* dL/dlambda times the interpolation factor, in lambda = -ln(1 - E/E0). */
static double lam_f(double lam, void *vp)
{
    const lam_ctx *c = vp;
    const double E = -c->E0 * expm1(-lam);
    const double t = (log(E) - c->a) / (c->b - c->a);
    return dy_tracklength_eval_lambda(c->T, lam) * (c->upper ? t : 1.0 - t);
}

dy_status dy_fold_weights(const dy_tracklength *T, int K, const double *E, double L, double *w,
                          dy_error *err)
{
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(32);
    if (!gl) return dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
    memset(w, 0, (size_t)K * sizeof *w);
    for (int k = 0; k + 1 < K; ++k) {
        const double a = log(E[k]), b = log(E[k + 1]);
        const double lo = L > E[k] ? log(L) : a;
        if (lo >= b) continue;
        if (k + 2 == K && T->E0 > 0.0 && E[k + 1] >= T->E0 * (1.0 - 1e-12)) {
            /* last interval up to the beam energy: the primary's path piles up at E -> E0
             * (integrable end-point singularity); fold it in lambda = -ln(1 - E/E0). */
            gsl_integration_workspace *ws = gsl_integration_workspace_alloc(500);
            lam_ctx c = {T, T->E0, a, b, 0};
            gsl_function F = {lam_f, &c};
            double r0 = 0.0, r1 = 0.0, ae;
            const double l0 = -log1p(-exp(lo) / T->E0);
            int st = ws ? gsl_integration_qagiu(&F, l0, 0.0, 1e-8, 500, ws, &r0, &ae) : GSL_ENOMEM;
            c.upper = 1;
            if (!st) st = gsl_integration_qagiu(&F, l0, 0.0, 1e-8, 500, ws, &r1, &ae);
            gsl_integration_workspace_free(ws);
            if (st && st != GSL_EROUND) {
                gsl_integration_glfixed_table_free(gl);
                return dy_error_set(err, DY_ERR_NUMERIC, "fold: end-point integral failed (%s)",
                                    gsl_strerror(st));
            }
            w[k] += r0;
            w[k + 1] += r1;
            continue;
        }
        for (size_t i = 0; i < 32; ++i) {
            double xi, wi;
            gsl_integration_glfixed_point(lo, b, i, &xi, &wi, gl);
            const double e = exp(xi), t = (xi - a) / (b - a);
            const double te = dy_tracklength_eval(T, e) * e * wi; /* dE = E d lnE */
            w[k] += (1.0 - t) * te;
            w[k + 1] += t * te;
        }
    }
    gsl_integration_glfixed_table_free(gl);
    for (int k = 0; k < K; ++k)
        if (!isfinite(w[k]))
            return dy_error_set(err, DY_ERR_NUMERIC,
                                "fold: non-finite track-length weight at "
                                "E = %g GeV",
                                E[k]);
    return DY_OK;
}
