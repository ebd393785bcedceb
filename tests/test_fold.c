/* test_fold.c — the track-length folding rules (host/physics/fold.c) against independent adaptive
 * quadrature, without MC: a flat imported track length times a toy sigma, with and without a
 * lower energy limit; the weights of real shower spectra summing to the integrated track length
 * (end-point pile-up at E0 included) for every rule; the fold of analytic cross sections with a
 * threshold (sigma ~ xi^p, xi = ln(E/E_thr)) and saturation, over e-, gamma, thin-target and
 * e+-beam spectra: the folding error estimate covers the actual error (within 4 of its own
 * sigmas), is not absurdly large (within a factor 10 of the actual error on aggregate) and is
 * not MC noise (below half the propagated MC error of 1 % node noise); and
 * the new rule needs several times fewer nodes than the old linear-in-ln E rule. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <unistd.h>
#include "dy_test.h"
#include "physics/fold.h"
#include "physics/tracklength.h"

/* ---- an independent reference: adaptive quadrature of T g ---- */

typedef struct toy {
    double thr, p; /* sigma = xi^p / (2^p + xi^p) (1 + 0.1 ln(1 + xi)), xi = ln(E/thr) */
} toy;

static double toy_sigma(const toy *s, double E)
{
    if (!(E > s->thr)) return 0.0;
    const double xi = log(E / s->thr), a = pow(xi, s->p);
    return a / (pow(2.0, s->p) + a) * (1.0 + 0.1 * log1p(xi));
}

typedef struct ref_ctx {
    const dy_tracklength *T;
    const toy *s;
} ref_ctx;

static double ref_lnE(double u, void *vp)
{
    const ref_ctx *c = vp;
    const double E = exp(u);
    return dy_tracklength_eval(c->T, E) * E * toy_sigma(c->s, E);
}

static double ref_lambda(double l, void *vp)
{
    const ref_ctx *c = vp;
    return dy_tracklength_eval_lambda(c->T, l) * toy_sigma(c->s, -c->T->E0 * expm1(-l));
}

/* int_{lo}^{E0} dE T sigma (+ the path exactly at E0): QAGS in ln E below E0/2, in lambda above */
static double reference(const dy_tracklength *T, const toy *s, double lo)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(2000);
    ref_ctx c = {T, s};
    double r1 = 0.0, r2 = 0.0, e;
    const double mid = 0.5 * T->E0;
    if (lo < mid) {
        gsl_function F = {ref_lnE, &c};
        const double pts[3] = {log(lo), log(fmin(mid, 3.0 * s->thr)), log(mid)};
        const int st = gsl_integration_qagp(&F, (double *)pts, lo < 3.0 * s->thr ? 3 : 2, 0.0,
                                            1e-10, 2000, w, &r1, &e);
        assert_true(st == 0 || st == GSL_EROUND);
    }
    gsl_function G = {ref_lambda, &c};
    const int st =
        gsl_integration_qagiu(&G, -log1p(-fmax(lo, mid) / T->E0), 0.0, 1e-10, 2000, w, &r2, &e);
    assert_true(st == 0 || st == GSL_EROUND);
    gsl_integration_workspace_free(w);
    return r1 + r2 + T->delta_T_cm * toy_sigma(s, T->E0);
}

/* ---- the fold with the rule's weights ---- */

typedef struct folded {
    double v[DY_FOLD_NR]; /* per rule */
    double err;           /* dy_fold_error */
} folded;

static folded fold(const dy_tracklength *T, const toy *s, int K, double L)
{
    double E[256], w[DY_FOLD_NR * 256];
    dy_error err;
    folded f;
    dy_fold_nodes(s->thr * (1.0 + 1e-6), T->E0, K, E);
    if (dy_fold_weights(T, K, E, L, w, &err) != DY_OK) fail_msg("%s", err.msg);
    for (int v = 0; v < DY_FOLD_NR; ++v) {
        f.v[v] = 0.0;
        for (int k = 0; k < K; ++k)
            f.v[v] += w[v * K + k] * toy_sigma(s, E[k]);
    }
    f.err = dy_fold_error(f.v);
    return f;
}

static void flat_track_times_log_sigma(void **state)
{
    (void)state;
    char path[512];
    dy_error err;
    dy_tracklength T;
    snprintf(path, sizeof path, "%s/test_fold_flat.csv", DY_BINARY_DIR);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "# E_lo_GeV,E_hi_GeV,T_cm_per_GeV\n1,100,2\n");
    fclose(f);
    if (dy_tracklength_init_csv(&T, path, DY_PARTICLE_ANY, 100.0, &err) != DY_OK)
        fail_msg("%s", err.msg);
    enum { K = 17 };
    double E[K], w[DY_FOLD_NR * K], g[K];
    dy_fold_nodes(1.0, 100.0, K, E);
    for (int k = 0; k < K; ++k)
        g[k] = log(E[k]); /* toy sigma(E) = ln E: smooth in the interpolation variable */
    /* int_1^100 2 ln E dE = 2 [E ln E - E]_1^100 and int_10^100 likewise; 10 GeV is not a node */
    const double lo[2] = {0.0, 10.0};
    for (int c = 0; c < 2; ++c) {
        const double a = lo[c] > 1.0 ? lo[c] : 1.0;
        const double exact = 2.0 * ((100.0 * log(100.0) - 100.0) - (a * log(a) - a));
        double y[DY_FOLD_NR] = {0.0};
        if (dy_fold_weights(&T, K, E, lo[c], w, &err) != DY_OK) fail_msg("%s", err.msg);
        for (int v = 0; v < DY_FOLD_NR; ++v)
            for (int k = 0; k < K; ++k)
                y[v] += w[v * K + k] * g[k];
        dy_assert_close(y[DY_FOLD_FULL], exact, 4.0 * dy_fold_error(y), 1e-9);
        assert_true(dy_fold_error(y) < 1e-5 * exact);
    }
    dy_tracklength_free(&T);
    unlink(path);
}

static void shower_weights_sum_to_track_length(void **state)
{
    (void)state;
    dy_error err;
    dy_material m;
    dy_tracklength T;
    if (dy_material_lookup("Pb", &m, &err) != DY_OK) fail_msg("%s", err.msg);
    for (int c = 0; c < 4; ++c) {
        /* e- beam: e-, e+, gamma; photon beam: gamma, whose uncollided path (9/7 X0 in an
         * infinite target) sits exactly at E0 and must be in the weights */
        const int beam = c < 3 ? DY_PARTICLE_ELECTRON : DY_PARTICLE_PHOTON;
        const int sp = c < 3 ? c : DY_PARTICLE_PHOTON;
        if (dy_tracklength_init_shower(&T, &m, 100.0, INFINITY, beam, sp, NULL, &err) != DY_OK)
            fail_msg("%s", err.msg);
        enum { K = 16 };
        double E[K], w[DY_FOLD_NR * K];
        dy_fold_nodes(0.5, 100.0, K, E);
        if (dy_fold_weights(&T, K, E, 0.0, w, &err) != DY_OK) fail_msg("%s", err.msg);
        const double L = dy_tracklength_integral(&T, 0.5, 100.0);
        /* every rule's interpolation coefficients add to one: sum of weights = int T dE */
        for (int v = 0; v < DY_FOLD_NR; ++v) {
            double sum = 0.0;
            for (int k = 0; k < K; ++k)
                sum += w[v * K + k];
            dy_assert_close(sum, L, 0.0, 1e-5);
        }
        if (c == 3) assert_true(T.delta_T_cm > 1.2 * m.X0_cm && L > T.delta_T_cm);
        dy_tracklength_free(&T);
    }
}

/* The spectra of the runs: shower e- and gamma of 100 GeV e- in 40 X0 of Pb (Rossi approx. B),
 * the primary e- of a 0.05 X0 target (Tsai straggling: its path piles up within 1e-3 of E0) and
 * the e+ of a 10 GeV e+ beam in 40 X0 (primary pile-up again). */
static void spectra(dy_tracklength T[4])
{
    dy_error err;
    dy_material pb;
    dy_shower_opts o;
    if (dy_material_lookup("Pb", &pb, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_shower_opts_default(&o);
    o.approx_b = 1;
    const double L = 40.0 * pb.X0_cm;
    if (dy_tracklength_init_shower(&T[0], &pb, 100.0, L, DY_PARTICLE_ELECTRON, DY_PARTICLE_ELECTRON,
                                   &o, &err) ||
        dy_tracklength_init_shower(&T[1], &pb, 100.0, L, DY_PARTICLE_ELECTRON, DY_PARTICLE_PHOTON,
                                   &o, &err) ||
        dy_tracklength_init_thin(&T[2], &pb, 100.0, 0.05 * pb.X0_cm, DY_PARTICLE_ELECTRON,
                                 DY_PARTICLE_PRIMARY, &err) ||
        dy_tracklength_init_shower(&T[3], &pb, 10.0, L, DY_PARTICLE_POSITRON, DY_PARTICLE_POSITRON,
                                   &o, &err))
        fail_msg("%s", err.msg);
}

/* The acceptance test of the folding error: for every spectrum, threshold (light and heavy
 * masses), threshold power (Primakoff ~1.5, brem ~2), node count and lower limit (all energies,
 * and a cut at E0/2 that is no node), |fold - reference| < 4 * estimate (plus the 1e-6 floor of
 * the Gauss-Legendre points), and on aggregate the estimate is within a factor 10 of the error. */
static void folding_error_is_honest(void **state)
{
    (void)state;
    dy_tracklength T[4];
    spectra(T);
    const double thr[3] = {0.0025, 0.05, 1.0}, pw[2] = {1.5, 2.0};
    const int Ks[3] = {17, 24, 33};
    double sum_est = 0.0, sum_act = 0.0;
    int n = 0;
    for (int t = 0; t < 4; ++t)
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 2; ++b)
                for (int cut = 0; cut < 2; ++cut) {
                    const toy s = {thr[a] * T[t].E0 / 100.0, pw[b]};
                    const double L = cut ? 0.5 * T[t].E0 : 0.0;
                    const double ref = reference(&T[t], &s, cut ? L : s.thr * (1.0 + 1e-6));
                    for (int k = 0; k < 3; ++k) {
                        const folded f = fold(&T[t], &s, Ks[k], L);
                        const double act = fabs(f.v[DY_FOLD_FULL] - ref);
                        if (act > 4.0 * f.err + 1e-6 * ref)
                            fail_msg("spectrum %d, threshold %g GeV, power %g, cut %g, K = %d: "
                                     "fold %.10g vs reference %.10g (%.2g) beyond 4 x estimate "
                                     "%.2g",
                                     t, s.thr, s.p, L, Ks[k], f.v[0], ref, act / ref, f.err / ref);
                        sum_est += f.err / ref;
                        sum_act += act / ref;
                        ++n;
                    }
                }
    printf("folding error: %d folds, mean estimate %.3g, mean actual %.3g (relative)\n", n,
           sum_est / n, sum_act / n);
    assert_true(sum_est >= sum_act);
    assert_true(sum_est < 10.0 * sum_act);
    for (int t = 0; t < 4; ++t)
        dy_tracklength_free(&T[t]);
}

/* The estimate must not be MC noise: node values with 1 % Gaussian noise (the smooth part is
 * folded to ~1e-5 at K = 33) give folding-error estimates below half the propagated MC error, on
 * average over 200 replicas, for N_total and for a cut at E0/2 (where the primary's pile-up at E0
 * makes the last interval count; an extrapolating stencil there amplified the noise ~6x). */
static void folding_error_is_not_noise(void **state)
{
    (void)state;
    dy_tracklength T[4];
    spectra(T);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 12345);
    enum { K = 33, NREP = 200 };
    for (int t = 0; t < 4; ++t)
        for (int cut = 0; cut < 2; ++cut) {
            const toy s = {0.05 * T[t].E0 / 100.0, 2.0};
            const double L = cut ? 0.5 * T[t].E0 : 0.0;
            double E[K], w[DY_FOLD_NR * K], g[K], mc = 0.0, est = 0.0;
            dy_error err;
            dy_fold_nodes(s.thr * (1.0 + 1e-6), T[t].E0, K, E);
            if (dy_fold_weights(&T[t], K, E, L, w, &err) != DY_OK) fail_msg("%s", err.msg);
            for (int k = 0; k < K; ++k)
                mc += pow(w[k] * 0.01 * toy_sigma(&s, E[k]), 2);
            mc = sqrt(mc);
            for (int r = 0; r < NREP; ++r) {
                double y[DY_FOLD_NR] = {0.0};
                for (int k = 0; k < K; ++k)
                    g[k] = toy_sigma(&s, E[k]) * (1.0 + 0.01 * gsl_ran_gaussian(rng, 1.0));
                for (int v = 0; v < DY_FOLD_NR; ++v)
                    for (int k = 0; k < K; ++k)
                        y[v] += w[v * K + k] * g[k];
                est += dy_fold_error(y) / NREP;
            }
            printf("spectrum %d, cut %g: mean estimate / MC error = %.3f\n", t, L, est / mc);
            assert_true(est < 0.5 * mc);
        }
    gsl_rng_free(rng);
    for (int t = 0; t < 4; ++t)
        dy_tracklength_free(&T[t]);
}

/* Regression (issue 10.2): the rule before this one (linear in ln E between log-spaced nodes)
 * was 0.25-0.8 % off at K = 24-33 for light masses; the cubic rule on nodes uniform in
 * z = sqrt(xi (xi + 2c)) is several times closer with half the nodes, 20 times with as many. */
static void fewer_nodes_than_linear_rule(void **state)
{
    (void)state;
    dy_tracklength T[4];
    spectra(T);
    const toy s = {0.0025, 2.0};
    const double ref = reference(&T[0], &s, s.thr * (1.0 + 1e-6));
    /* the old rule: linear interpolation in ln E, log-spaced nodes, K = 33 */
    enum { K = 33 };
    double E[K], old = 0.0;
    dy_error err;
    dy_fold_nodes_log(s.thr * (1.0 + 1e-6), 100.0, K, E);
    dy_fold_rule r;
    if (dy_fold_rule_build(&T[0], K, E, 0, NULL, &r, &err) != DY_OK) fail_msg("%s", err.msg);
    for (int q = 0; q < r.n; ++q) {
        int j = 0;
        while (j + 2 < K && E[j + 1] <= r.E[q])
            ++j;
        const double t = log(r.E[q] / E[j]) / log(E[j + 1] / E[j]);
        old += r.a[q] * ((1.0 - t) * toy_sigma(&s, E[j]) + t * toy_sigma(&s, E[j + 1]));
    }
    dy_fold_rule_free(&r);
    const folded f17 = fold(&T[0], &s, 17, 0.0), f33 = fold(&T[0], &s, 33, 0.0);
    const double e_old = fabs(old - ref) / ref, e17 = fabs(f17.v[0] - ref) / ref,
                 e33 = fabs(f33.v[0] - ref) / ref;
    printf("relative errors: linear rule K = 33: %.3g; cubic rule K = 17: %.3g, K = 33: %.3g\n",
           e_old, e17, e33);
    assert_true(e_old > 1e-3);
    assert_true(e17 < 0.25 * e_old && e33 < 0.05 * e_old);
    for (int t = 0; t < 4; ++t)
        dy_tracklength_free(&T[t]);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {cmocka_unit_test(flat_track_times_log_sigma),
                                       cmocka_unit_test(shower_weights_sum_to_track_length),
                                       cmocka_unit_test(folding_error_is_honest),
                                       cmocka_unit_test(folding_error_is_not_noise),
                                       cmocka_unit_test(fewer_nodes_than_linear_rule)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
