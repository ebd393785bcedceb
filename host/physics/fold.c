/* fold.c — track-length folding rules (see fold.h). */
#include "fold.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NGL        32
#define LAMBDA_MAX 64.0

void dy_fold_nodes_log(double lo, double hi, int K, double *E)
{
    for (int k = 0; k < K; ++k)
        E[k] = K > 1 ? lo * pow(hi / lo, (double)k / (K - 1)) : hi;
    if (K > 1) E[K - 1] = hi; /* exact end point, no round-off */
}

void dy_fold_rule_free(dy_fold_rule *r)
{
    free(r->E);
    free(r->a);
    free(r->k);
    free(r->t);
    memset(r, 0, sizeof *r);
}

static void add(dy_fold_rule *r, double E, double a, int k, double t)
{
    r->E[r->n] = E;
    r->a[r->n] = a;
    r->k[r->n] = k;
    r->t[r->n] = t;
    ++r->n;
}

static double lam_f(double lam, void *vp)
{
    return dy_tracklength_eval_lambda(vp, lam);
}

dy_status dy_fold_rule_build(const dy_tracklength *T, int K, const double *E, dy_fold_rule *r,
                             dy_error *err)
{
    const int cap = K * NGL + 8 * NGL + 2;
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(NGL);
    memset(r, 0, sizeof *r);
    r->E = malloc(cap * sizeof *r->E);
    r->a = malloc(cap * sizeof *r->a);
    r->k = malloc(cap * sizeof *r->k);
    r->t = malloc(cap * sizeof *r->t);
    if (!gl || !r->E || !r->a || !r->k || !r->t) {
        gsl_integration_glfixed_table_free(gl);
        dy_fold_rule_free(r);
        return dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
    }
    const double E0 = T->E0;
    for (int k = 0; k + 1 < K; ++k) {
        const double a = log(E[k]), b = log(E[k + 1]);
        if (k + 2 == K && E0 > 0.0 && E[k + 1] >= E0 * (1.0 - 1e-12)) {
            /* last interval, in lambda: octave segments, then the rest of the path at E0 */
            double l0 = -log1p(-E[k] / E0);
            for (double l1 = fmax(2.0 * l0, 1.0); l0 < LAMBDA_MAX; l0 = l1, l1 *= 2.0) {
                if (l1 > LAMBDA_MAX) l1 = LAMBDA_MAX;
                for (size_t i = 0; i < NGL; ++i) {
                    double li, wi;
                    gsl_integration_glfixed_point(l0, l1, i, &li, &wi, gl);
                    const double e = -E0 * expm1(-li);
                    add(r, e, dy_tracklength_eval_lambda(T, li) * wi, k, (log(e) - a) / (b - a));
                }
            }
            gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
            gsl_function F = {lam_f, (void *)T};
            double tail = 0.0, ae;
            int st = ws ? gsl_integration_qagiu(&F, LAMBDA_MAX, 1e-300, 1e-8, 200, ws, &tail, &ae)
                        : GSL_ENOMEM;
            gsl_integration_workspace_free(ws);
            if (st && st != GSL_EROUND && st != GSL_EMAXITER) {
                gsl_integration_glfixed_table_free(gl);
                dy_fold_rule_free(r);
                return dy_error_set(err, DY_ERR_NUMERIC, "fold: end-point tail failed (%s)",
                                    gsl_strerror(st));
            }
            add(r, E0, tail, k, 1.0);
            /* photon beam: the uncollided photons' path sits exactly at E0 (not in eval) */
            if (T->delta_T_cm > 0.0) add(r, E0, T->delta_T_cm, k, 1.0);
            continue;
        }
        for (size_t i = 0; i < NGL; ++i) {
            double xi, wi;
            gsl_integration_glfixed_point(a, b, i, &xi, &wi, gl);
            const double e = exp(xi);
            add(r, e, dy_tracklength_eval(T, e) * e * wi, k, (xi - a) / (b - a)); /* dE = E dlnE */
        }
    }
    gsl_integration_glfixed_table_free(gl);
    for (int i = 0; i < r->n; ++i)
        if (!isfinite(r->a[i]) || r->a[i] < 0.0) {
            const double e = r->E[i];
            dy_fold_rule_free(r);
            return dy_error_set(err, DY_ERR_NUMERIC, "fold: bad track length at E = %g GeV", e);
        }
    return DY_OK;
}

void dy_fold_rule_weights(const dy_fold_rule *r, int K, double *w)
{
    memset(w, 0, (size_t)K * sizeof *w);
    for (int i = 0; i < r->n; ++i) {
        w[r->k[i]] += (1.0 - r->t[i]) * r->a[i];
        w[r->k[i] + 1] += r->t[i] * r->a[i];
    }
}

dy_status dy_fold_weights(const dy_tracklength *T, int K, const double *E, double L, double *w,
                          dy_error *err)
{
    dy_fold_rule r;
    dy_status s = dy_fold_rule_build(T, K, E, &r, err);
    if (s != DY_OK) return s;
    memset(w, 0, (size_t)K * sizeof *w);
    for (int i = 0; i < r.n; ++i) {
        if (r.E[i] < L) continue;
        w[r.k[i]] += (1.0 - r.t[i]) * r.a[i];
        w[r.k[i] + 1] += r.t[i] * r.a[i];
    }
    dy_fold_rule_free(&r);
    return DY_OK;
}
