/* test_run_positron.c — e+ beams (issue 10.3): processes [brem, annihilation] with a 10 GeV e+
 * beam used to fail ("annihilation folding: singularity") after the whole MC run, because the
 * primary positron's path piles up at E0.  Thick (40 X0) and thin (0.05 X0) Pb targets, with a
 * resonance at E_R = 2.45 GeV, 9.78 GeV and 0.999 E0 (on the pile-up): the yields are finite and
 * positive; the annihilation yield equals an independent quadrature of n_e int T+ sigma (thick:
 * in lambda with its own break points; thin: over depth and energy from Tsai's straggling
 * function itself, not the track-length tables), and far from the resonance the thin target
 * gives n_e L sigma(E0) up to the straggling correction; the primary's brem equals the e- beam's
 * (charge symmetry of the shower and straggling models); a fold that cannot work is refused at
 * plan time, before any MC. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdio.h>
#include <string.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "dy_test.h"
#include "io/config.h"
#include "jobs/run.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

#define E0    10.0
#define EPS   1e-3 /* the coupling: no rescaling of the Breit-Wigner width in the run */
#define ALPHA 0.1
#define MCHI  0.1 /* m_chi / m: e+e- -> chi chi opens below E0 for every mass here */

#define NM 4
static double masses[NM] = {0.05, 0.1, 0.0, 0.2}; /* [2]: E_R = 0.999 E0 (main); [3]: E_R > E0 */

static const char *cfg_fmt = "name: ep\nseed: 11\nprecision: 0.02\n"
                             "beam: {particle: %s, energy_GeV: 10}\n"
                             "target: {material: Pb, thickness_X0: %g}\n"
                             "model: {mediator: vector, decay: invisible, alpha_D: 0.1, "
                             "mchi_over_m: 0.1, dm_kind: dirac, coupling: 1.0e-3}\n"
                             "processes: [%s]\nmasses_GeV: [%.10g, %.10g, %.10g, %.10g]\n"
                             "energy_bins: {min_GeV: 0, max_GeV: 10, n: 10}\n"
                             "cuts: {energy_min_GeV: 5}\nquadrature: {nodes: %d}\n"
                             "output: {dir: unused, formats: [hdf5], plots: false}\n";

static dy_status run(const char *beam, double X0, const char *proc, int K, dy_yield_grid *g,
                     dy_error *err)
{
    char text[2048];
    dy_config c;
    dy_engine *e;
    snprintf(text, sizeof text, cfg_fmt, beam, X0, proc, masses[0], masses[1], masses[2], masses[3],
             K);
    if (dy_config_parse(text, strlen(text), "ep.yaml", &c, err) != DY_OK) fail_msg("%s", err->msg);
    if (dy_engine_open("cpu", &e, err) != DY_OK) fail_msg("%s", err->msg);
    dy_status s = dy_run_grid(&c, e, 0, g, err);
    dy_engine_close(e);
    dy_config_free(&c);
    return s;
}

static const dy_yield_channel *channel(const dy_yield_grid *g, const char *name)
{
    for (int c = 0; c < g->n_channels; ++c)
        if (!strcmp(g->ch[c].name, name)) return &g->ch[c];
    fail_msg("no channel %s", name);
    return NULL;
}

/* Threshold of e+e- -> chi chi in total positron energy, s = 2 m_e^2 + 2 m_e E+ = (2 m_chi)^2 */
static double threshold(double m)
{
    const double m12 = 2.0 * MCHI * m;
    return fmax(DY_M_E * (1.0 + 1e-9), (m12 * m12 - 2.0 * DY_M_E * DY_M_E) / (2.0 * DY_M_E));
}

/* sigma(E+) of the run's annihilation channel, pb per electron */
static double sigma(double m, double E)
{
    dy_annih_config a;
    dy_annih_config_default(&a);
    a.m_ap = m;
    a.eps = EPS;
    a.alpha_d = ALPHA;
    a.m_chi = MCHI * m;
    a.e_pos = E;
    return dy_annih_sigma_total(&a);
}

static double half_width(double m)
{
    const dy_ap_widths w = dy_ap_widths_at(m, EPS, ALPHA, MCHI * m, 0.0, DY_DM_DIRAC);
    return 0.5 * m * w.total / DY_M_E;
}

/* ---- thick: n_e int dlambda dL/dlambda sigma, GAUSS61 pieces around the resonance ---- */

typedef struct tctx {
    const dy_tracklength *T;
    double m;
} tctx;

static double thick_f(double l, void *vp)
{
    const tctx *c = vp;
    return dy_tracklength_eval_lambda(c->T, l) * sigma(c->m, -E0 * expm1(-l));
}

static double thick_reference(const dy_tracklength *T, double m, double lo)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(4000);
    tctx c = {T, m};
    gsl_function F = {thick_f, &c};
    const double ER = dy_annih_e_res(m), h = half_width(m);
    double br[16], sum = 0.0, r, e;
    int n = 0;
    br[n++] = -log1p(-lo / E0);
    const double k[5] = {-10.0, -1.0, 0.0, 1.0, 10.0};
    for (int i = 0; i < 5; ++i) {
        const double E = ER + k[i] * h;
        if (E > lo && E < E0) br[n++] = -log1p(-E / E0);
    }
    for (int i = 0; i + 1 < n; ++i) {
        assert_true(br[i + 1] > br[i]);
        const int st = gsl_integration_qag(&F, br[i], br[i + 1], 0.0, 1e-10, 4000,
                                           GSL_INTEG_GAUSS61, w, &r, &e);
        assert_true(st == 0 || st == GSL_EROUND);
        sum += r;
    }
    const int st = gsl_integration_qagiu(&F, br[n - 1], 0.0, 1e-10, 4000, w, &r, &e);
    assert_true(st == 0 || st == GSL_EROUND);
    gsl_integration_workspace_free(w);
    return sum + r;
}

/* ---- thin: n_e X0 int_0^t dt' int dy I(E0, E0 (1 - y), t') sigma, with Tsai's normalised
 * I = y^{bt'-1} (1 - y + 3y^2/4) / Q(bt'), in v = y^{bt'} (no end-point singularity) ---- */

typedef struct vctx {
    double m, bt;
} vctx;

static double thin_v(double v, void *vp)
{
    const vctx *c = vp;
    const double y = pow(v, 1.0 / c->bt);
    const double Q = 1.0 / c->bt - 1.0 / (c->bt + 1.0) + 0.75 / (c->bt + 2.0);
    return (1.0 - y + 0.75 * y * y) * sigma(c->m, E0 * (1.0 - y)) / (c->bt * Q);
}

static double thin_reference(double m, double b, double t)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(4000);
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(24);
    const double ER = dy_annih_e_res(m), h = half_width(m);
    double sum = 0.0;
    for (size_t i = 0; i < 24; ++i) {
        double ti, wi;
        gsl_integration_glfixed_point(0.0, t, i, &ti, &wi, gl);
        vctx c = {m, b * ti};
        gsl_function F = {thin_v, &c};
        double pts[8], r, e;
        int n = 0;
        pts[n++] = 0.0;
        const double k[3] = {1.0, 0.0, -1.0}; /* increasing v = decreasing E */
        for (int j = 0; j < 3; ++j) {
            const double y = 1.0 - (ER + k[j] * h) / E0;
            if (y > 0.0 && y < 1.0) pts[n++] = pow(y, c.bt);
        }
        pts[n++] = 1.0;
        const int st = gsl_integration_qagp(&F, pts, (size_t)n, 0.0, 1e-10, 4000, w, &r, &e);
        assert_true(st == 0 || st == GSL_EROUND);
        sum += wi * r;
    }
    gsl_integration_glfixed_table_free(gl);
    gsl_integration_workspace_free(w);
    return sum;
}

static double c_f(double y, void *vp)
{
    const double m = *(const double *)vp;
    return (1.0 - y + 0.75 * y * y) * (sigma(m, E0 * (1.0 - y)) / sigma(m, E0) - 1.0) / y;
}

static double first_order_C(double m)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_function F = {c_f, &m};
    double pts[3] = {0.0, 1.0 - threshold(m) / E0, 1.0}, r, e;
    const int st = gsl_integration_qagp(&F, pts, 3, 0.0, 1e-9, 1000, w, &r, &e);
    assert_true(st == 0 || st == GSL_EROUND);
    gsl_integration_workspace_free(w);
    return r;
}

static void thick_target(void **state)
{
    (void)state;
    dy_yield_grid g, ge;
    dy_error err;
    if (run("e+", 40, "brem, annihilation", 9, &g, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_material pb;
    dy_tracklength T;
    dy_shower_opts o;
    if (dy_material_lookup("Pb", &pb, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_shower_opts_default(&o);
    o.approx_b = 1;
    if (dy_tracklength_init_shower(&T, &pb, E0, 40 * pb.X0_cm, DY_PARTICLE_POSITRON,
                                   DY_PARTICLE_POSITRON, &o, &err) != DY_OK)
        fail_msg("%s", err.msg);
    const dy_yield_channel *a = channel(&g, "annihilation");
    for (int m = 0; m < NM; ++m) {
        for (int c = 0; c < g.n_channels; ++c)
            assert_true(isfinite(g.ch[c].N_total[m]) && g.ch[c].N_total[m] > 0.0 &&
                        g.ch[c].N_above[m] > 0.0 && g.ch[c].N_above[m] <= g.ch[c].N_total[m]);
        const double ref =
            pb.n_e * thick_reference(&T, masses[m], threshold(masses[m])) * DY_PB_TO_CM2;
        const double ref_above =
            pb.n_e * thick_reference(&T, masses[m], 5.0 - DY_M_E) * DY_PB_TO_CM2;
        /* the quoted error is the adaptive-quadrature error; 1e-6: the reference's tolerance */
        dy_assert_close(a->N_total[m], ref, 4.0 * a->N_total_err[m], 1e-6);
        dy_assert_close(a->N_above[m], ref_above, 4.0 * a->N_above_err[m], 1e-6);
        /* the spectrum holds the whole yield (the top bin takes E_X up to E0 + m_e) */
        double s = 0.0;
        for (int b = 0; b < g.n_ebins; ++b)
            s += a->dNdE[dy_yield_grid_index(&g, m, b)] * 1.0;
        dy_assert_close(s, a->N_total[m], 0.0, 1e-6);
    }
    /* the resonance on the primary's pile-up dominates the yield */
    assert_true(a->N_above[2] > 3.0 * a->N_above[0]);
    /* charge symmetry: e+ of an e+ beam = e- of an e- beam, and vice versa */
    if (run("e-", 40, "brem", 9, &ge, &err) != DY_OK) fail_msg("%s", err.msg);
    for (int m = 0; m < NM; ++m) {
        const dy_yield_channel *p = channel(&g, "brem-e+"), *q = channel(&ge, "brem-e-");
        dy_assert_close(p->N_total[m], q->N_total[m],
                        4.0 * sqrt(p->N_total_err[m] * p->N_total_err[m] +
                                   q->N_total_err[m] * q->N_total_err[m]),
                        0.0);
        p = channel(&g, "brem-e-"), q = channel(&ge, "brem-e+");
        dy_assert_close(p->N_above[m], q->N_above[m],
                        4.0 * sqrt(p->N_above_err[m] * p->N_above_err[m] +
                                   q->N_above_err[m] * q->N_above_err[m]),
                        0.0);
    }
    dy_tracklength_free(&T);
    dy_yield_grid_free(&g);
    dy_yield_grid_free(&ge);
}

static void thin_target(void **state)
{
    (void)state;
    dy_yield_grid g, ge;
    dy_error err;
    const double t = 0.05;
    if (run("e+", t, "brem, annihilation", 9, &g, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_material pb;
    if (dy_material_lookup("Pb", &pb, &err) != DY_OK) fail_msg("%s", err.msg);
    const double L = t * pb.X0_cm;
    const dy_yield_channel *a = channel(&g, "annihilation"), *p = channel(&g, "brem-e+");
    for (int m = 0; m < NM; ++m) {
        assert_true(isfinite(p->N_total[m]) && p->N_total[m] > 0.0 && p->N_above[m] > 0.0);
        assert_true(isfinite(a->N_total[m]) && a->N_total[m] > 0.0);
        /* independent: depth x energy quadrature of Tsai's straggling (1e-4: the thin model's
         * depth table, interpolated in lambda) */
        const double ref =
            pb.n_e * pb.X0_cm * thin_reference(masses[m], pb.b_tsai, t) * DY_PB_TO_CM2;
        dy_assert_close(a->N_total[m], ref, 4.0 * a->N_total_err[m], 1e-4);
    }
    /* below its resonance (E_R = 39 GeV > E0): n_e L sigma(E0) [1 + (bt/2) C], C = int_0^1 dy
     * (1 - y + 3y^2/4) (sigma(E0 (1 - y))/sigma(E0) - 1)/y: Tsai's spectrum to first order in
     * bt (bt' y^{bt'-1} -> bt'/y away from y = 0), averaged over depth; (bt)^2 for the rest */
    const double hand = pb.n_e * L * sigma(masses[3], E0) * DY_PB_TO_CM2;
    const double bt = pb.b_tsai * t, first = 1.0 + 0.5 * bt * first_order_C(masses[3]);
    printf("thin, below the resonance: N / (n_e L sigma(E0)) = %.5f, first order in bt %.5f\n",
           a->N_total[3] / hand, first);
    dy_assert_close(a->N_total[3] / hand, first, bt * bt, 0.0);
    /* on the resonance at 0.999 E0 the thin target sees sigma near its peak: far more yield
     * than the tail mass, and nearly all of it above the cut */
    assert_true(a->N_total[2] > 10.0 * a->N_total[0]);
    assert_true(a->N_above[2] > 0.99 * a->N_total[2]);
    /* the primary's brem: the same as an e- beam's primary (Tsai straggling is charge blind) */
    if (run("e-", t, "brem", 9, &ge, &err) != DY_OK) fail_msg("%s", err.msg);
    const dy_yield_channel *q = channel(&ge, "brem-e-");
    for (int m = 0; m < NM; ++m)
        dy_assert_close(p->N_above[m], q->N_above[m],
                        4.0 * sqrt(p->N_above_err[m] * p->N_above_err[m] +
                                   q->N_above_err[m] * q->N_above_err[m]),
                        0.0);
    dy_yield_grid_free(&g);
    dy_yield_grid_free(&ge);
}

/* A fold that cannot work is a plan-time error: too few nodes for the folding error. */
static void plan_time_fold_errors(void **state)
{
    (void)state;
    dy_yield_grid g;
    dy_error err;
    assert_int_equal(run("e+", 40, "brem, annihilation", 5, &g, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "quadrature.nodes = 5"));
    assert_non_null(strstr(err.msg, "ep.yaml"));
}

int main(void)
{
    gsl_set_error_handler_off();
    masses[2] = sqrt(2.0 * DY_M_E * 0.999 * E0 + 2.0 * DY_M_E * DY_M_E); /* E_R = 0.999 E0 */
    const struct CMUnitTest tests[] = {cmocka_unit_test(thick_target),
                                       cmocka_unit_test(thin_target),
                                       cmocka_unit_test(plan_time_fold_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
