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

double dy_fold_z(double E, double E_first)
{
    const double xi = E > E_first ? log(E / E_first) : 0.0;
    return sqrt(xi * (xi + 2.0 * DY_FOLD_C));
}

void dy_fold_nodes(double lo, double hi, int K, double *E)
{
    const double zmax = dy_fold_z(hi, lo);
    for (int k = 0; k < K; ++k) {
        const double z = K > 1 ? zmax * k / (K - 1) : zmax;
        E[k] = lo * exp(z * z / (sqrt(z * z + DY_FOLD_C * DY_FOLD_C) + DY_FOLD_C)); /* xi(z) */
    }
    if (K > 1) E[K - 1] = hi;
}

void dy_fold_rule_free(dy_fold_rule *r)
{
    free(r->E);
    free(r->a);
    free(r->s);
    for (int v = 0; v < DY_FOLD_NR; ++v)
        free(r->ip[v]);
    memset(r, 0, sizeof *r);
}

typedef struct builder {
    dy_fold_rule *r;
    int cap, nomem;
    int *iv; /* full-node interval of each point */
} builder;

static void add(builder *b, double E, double a, int j, double sl)
{
    dy_fold_rule *r = b->r;
    if (b->nomem) return;
    if (r->n == b->cap) {
        const int cap = b->cap ? 2 * b->cap : 1024;
        double *nE = realloc(r->E, (size_t)cap * sizeof *nE);
        if (nE) r->E = nE;
        double *na = realloc(r->a, (size_t)cap * sizeof *na);
        if (na) r->a = na;
        int *ni = realloc(b->iv, (size_t)cap * sizeof *ni);
        if (ni) b->iv = ni;
        double *ns = realloc(r->s, (size_t)cap * sizeof *ns);
        if (ns) r->s = ns;
        if (!nE || !na || !ni || !ns) {
            b->nomem = 1;
            return;
        }
        b->cap = cap;
    }
    r->E[r->n] = E;
    r->a[r->n] = a;
    r->s[r->n] = sl;
    b->iv[r->n] = j;
    ++r->n;
}

static double lam_f(double lam, void *vp)
{
    return dy_tracklength_eval_lambda(vp, lam);
}

/* Lagrange coefficients at u on the stencil of the node list idx[0..m) (into the full nodes E)
 * for the point in list interval js: the NS nodes around the interval, clamped to the list. */
/* Lagrange coefficients at u of the nodes idx[s0 .. s0 + ns) (indices into the full nodes E). */
static void lagrange(const double *E, const int *idx, int s0, int ns, double u, dy_fold_interp *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < ns; ++i) {
        const double ui = dy_fold_z(E[idx[s0 + i]], E[0]);
        double c = 1.0;
        for (int l = 0; l < ns; ++l)
            if (l != i) {
                const double ul = dy_fold_z(E[idx[s0 + l]], E[0]);
                c *= (u - ul) / (ui - ul);
            }
        o->k[i] = idx[s0 + i];
        o->c[i] = c;
    }
}

#define SHIFT_DIV 2.7 /* shifted cubic stencil vs centred: ~2.7 x the error (fold.h) */
#define HALF_DIV  3.0 /* every other node vs all: >= 2^2 - 1 x the error (fold.h) */

/* Interpolation at u for a point in list interval js of the node list idx[0..m): the centred
 * cubic stencil (clamped at the ends), or (shift = -1, +1) the stencil shifted by one node while
 * it still spans the interval (no extrapolation: it would amplify the nodes' noise up to 6x).  At
 * the ends, where it cannot shift, the three nearest nodes (a quadratic, a subset of the cubic's
 * nodes) with its difference to the cubic scaled by SHIFT_DIV: dy_fold_error then takes
 * |quadratic - cubic| itself, the error of the lower order. */
static void interp(const double *E, const int *idx, int m, int js, int shift, double u,
                   dy_fold_interp *o)
{
    const int ns = m < DY_FOLD_NS ? m : DY_FOLD_NS;
    int s0 = js - (ns - 1) / 2;
    if (s0 > m - ns) s0 = m - ns;
    if (s0 < 0) s0 = 0;
    const int s1 = s0 + shift;
    if (!shift || ns < DY_FOLD_NS ||
        (s1 >= 0 && s1 <= m - ns && s1 <= js && s1 + ns - 1 >= js + 1)) {
        lagrange(E, idx, shift ? s1 : s0, ns, u, o);
        return;
    }
    dy_fold_interp q;
    int s2 = js - (shift < 0);
    if (s2 > m - 3) s2 = m - 3;
    if (s2 < 0) s2 = 0;
    lagrange(E, idx, s0, ns, u, o); /* c = c_cubic + SHIFT_DIV (c_quadratic - c_cubic) */
    lagrange(E, idx, s2, 3, u, &q);
    for (int t = 0; t < ns; ++t)
        o->c[t] *= 1.0 - SHIFT_DIV;
    for (int i = 0; i < 3; ++i)
        o->c[s2 + i - s0] += SHIFT_DIV * q.c[i]; /* its slot in the cubic's stencil */
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Points of the piece [e1, e2] of full-node interval j: Gauss-Legendre in ln E, or in lambda
 * (octave segments) on the last interval when it ends at E0; the final piece adds the path
 * beyond lambda = 64 and any path exactly at E0. */
static int piece(builder *b, const dy_tracklength *T, const gsl_integration_glfixed_table *gl,
                 double e1, double e2, int j, int in_lambda, int final)
{
    const double E0 = T->E0;
    if (!in_lambda) {
        const double u1 = log(e1), u2 = log(e2);
        for (size_t i = 0; i < NGL; ++i) {
            double xi, wi;
            gsl_integration_glfixed_point(u1, u2, i, &xi, &wi, gl);
            const double e = exp(xi);
            add(b, e, dy_tracklength_eval(T, e) * e * wi, j, /* dE = E dlnE */
                E0 > 0.0 ? log(E0) - xi : NAN);
        }
        return 0;
    }
    double l0 = -log1p(-e1 / E0);
    const double lend = final ? LAMBDA_MAX : fmin(-log1p(-e2 / E0), LAMBDA_MAX);
    while (l0 < lend) {
        const double l1 = fmin(fmax(2.0 * l0, 1.0), lend);
        for (size_t i = 0; i < NGL; ++i) {
            double li, wi;
            gsl_integration_glfixed_point(l0, l1, i, &li, &wi, gl);
            add(b, -E0 * expm1(-li), dy_tracklength_eval_lambda(T, li) * wi, j, -log1p(-exp(-li)));
        }
        l0 = l1;
    }
    if (!final) return 0;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    gsl_function F = {lam_f, (void *)T};
    double tail = 0.0, ae;
    int st =
        ws ? gsl_integration_qagiu(&F, LAMBDA_MAX, 1e-300, 1e-8, 200, ws, &tail, &ae) : GSL_ENOMEM;
    gsl_integration_workspace_free(ws);
    if (st && st != GSL_EROUND && st != GSL_EMAXITER) return st;
    add(b, E0, tail, j, 0.0); /* s = 0: the path beyond lambda = 64 */
    /* photon beam: the uncollided photons' path sits exactly at E0 (not in eval) */
    if (T->delta_T_cm > 0.0) add(b, E0, T->delta_T_cm, j, 0.0);
    return 0;
}

dy_status dy_fold_rule_build(const dy_tracklength *T, int K, const double *E, int nb,
                             const double *brk, dy_fold_rule *r, dy_error *err)
{
    memset(r, 0, sizeof *r);
    if (K < 2) return dy_error_set(err, DY_ERR_INVALID, "fold: %d nodes (need >= 2)", K);
    for (int k = 0; k + 1 < K; ++k)
        if (!(E[k] > 0.0 && E[k + 1] > E[k]))
            return dy_error_set(err, DY_ERR_INVALID, "fold: nodes not increasing at %d", k);
    builder b = {r, 0, 0, NULL};
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(NGL);
    double *cut = malloc(((size_t)nb + 1) * sizeof *cut);
    int *sub = malloc((size_t)K * sizeof *sub);
    dy_status s = DY_OK;
    if (!gl || !cut || !sub) {
        s = dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
        goto done;
    }
    /* break points strictly inside the node range, sorted, no duplicates of nodes */
    int nc = 0;
    for (int i = 0; i < nb; ++i)
        if (brk[i] > E[0] * (1.0 + 1e-12) && brk[i] < E[K - 1] * (1.0 - 1e-12)) cut[nc++] = brk[i];
    qsort(cut, (size_t)nc, sizeof *cut, cmp_double);
    const double E0 = T->E0;
    const int lam_last = E0 > 0.0 && E[K - 1] >= E0 * (1.0 - 1e-12);
    int ic = 0;
    for (int j = 0; j + 1 < K && !s; ++j) {
        const int in_lambda = lam_last && j + 2 == K;
        double e1 = E[j];
        while (ic < nc && cut[ic] <= e1 * (1.0 + 1e-12))
            ++ic;
        for (;;) {
            const int last = !(ic < nc && cut[ic] < E[j + 1] * (1.0 - 1e-12));
            const double e2 = last ? E[j + 1] : cut[ic];
            if (piece(&b, T, gl, e1, e2, j, in_lambda, in_lambda && last))
                s = dy_error_set(err, DY_ERR_NUMERIC, "fold: end-point tail failed");
            if (last || s) break;
            e1 = e2;
            while (ic < nc && cut[ic] <= e1 * (1.0 + 1e-12))
                ++ic;
        }
    }
    if (!s && b.nomem) s = dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
    if (s) goto done;
    for (int i = 0; i < r->n; ++i)
        if (!isfinite(r->a[i]) || r->a[i] < 0.0) {
            s = dy_error_set(err, DY_ERR_NUMERIC, "fold: bad track length at E = %g GeV", r->E[i]);
            goto done;
        }
    /* interpolations (fold.h): all nodes, every other node (two subsets), shifted stencils */
    for (int v = 0; v < DY_FOLD_NR && !s; ++v) {
        const int half = v == DY_FOLD_EVEN || v == DY_FOLD_ODD;
        const int shift = v == DY_FOLD_DOWN ? -1 : v == DY_FOLD_UP ? 1 : 0;
        int ns = 0;
        for (int k = 0; k < K; ++k)
            if (!half || k == 0 || k == K - 1 || k % 2 == (v == DY_FOLD_ODD)) sub[ns++] = k;
        if (!(r->ip[v] = malloc((size_t)(r->n ? r->n : 1) * sizeof *r->ip[v]))) {
            s = dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
            break;
        }
        for (int i = 0; i < r->n; ++i) {
            int js = 0; /* the subset's interval holding full-node interval b.iv[i] */
            while (js + 2 < ns && sub[js + 1] <= b.iv[i])
                ++js;
            interp(E, sub, ns, js, shift, dy_fold_z(r->E[i], E[0]), &r->ip[v][i]);
        }
    }
done:
    gsl_integration_glfixed_table_free(gl);
    free(cut);
    free(sub);
    free(b.iv);
    if (s) dy_fold_rule_free(r);
    return s;
}

double dy_fold_error(const double *y)
{
    const double F = y[DY_FOLD_FULL];
    const double h = fmax(fabs(F - y[DY_FOLD_EVEN]), fabs(F - y[DY_FOLD_ODD])) / HALF_DIV;
    const double s = fmax(fabs(F - y[DY_FOLD_DOWN]), fabs(F - y[DY_FOLD_UP])) / SHIFT_DIV;
    return fmax(h, s);
}

void dy_fold_rule_weights(const dy_fold_rule *r, int K, int v, double L, double *w)
{
    memset(w, 0, (size_t)K * sizeof *w);
    for (int i = 0; i < r->n; ++i) {
        if (r->E[i] < L) continue;
        for (int s = 0; s < DY_FOLD_NS; ++s)
            w[r->ip[v][i].k[s]] += r->ip[v][i].c[s] * r->a[i];
    }
}

dy_status dy_fold_weights(const dy_tracklength *T, int K, const double *E, double L, double *w,
                          dy_error *err)
{
    dy_fold_rule r;
    dy_status s = dy_fold_rule_build(T, K, E, L > 0.0 ? 1 : 0, &L, &r, err);
    if (s != DY_OK) return s;
    for (int v = 0; v < DY_FOLD_NR; ++v)
        dy_fold_rule_weights(&r, K, v, L, w + (size_t)v * K);
    dy_fold_rule_free(&r);
    return DY_OK;
}
