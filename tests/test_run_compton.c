/* test_run_compton.c — the dark-Compton channel of `run` (shower photons on atomic electrons):
 * present and named in the grid, HDF5 and CSV; positive and finite with finite errors; N_total
 * and N(E_A' > cut) equal independent folds n_e int dE T_gamma(E) sigma(E) (GSL; sigma closed
 * form, or |M|^2 integrated above the cut; every electron of the material, so the elements dropped
 * from brem must not be lost); stable under the node count
 * within the quoted errors; switched off when not in the processes list; explicit zeros where the
 * threshold lies above the beam. */
#include <hdf5.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdio.h>
#include <string.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "dy_test.h"
#include "dy_test_cli.h"
#include "io/config.h"
#include "jobs/run.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

static char out[1 << 16];

static void run(const char *text, dy_yield_grid *g)
{
    dy_config c;
    dy_error err;
    dy_engine *e;
    if (dy_config_parse(text, strlen(text), "test_run_compton.yaml", &c, &err) != DY_OK)
        fail_msg("%s", err.msg);
    if (dy_engine_open("cpu", &e, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_run_grid(&c, e, 0, g, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_engine_close(e);
    dy_config_free(&c);
}

static void agree(const char *what, double a, double ea, double b, double eb)
{
    const double s = sqrt(ea * ea + eb * eb);
    if (!(fabs(a - b) < 4.0 * s))
        fail_msg("%s: %.8g +- %.2g vs %.8g +- %.2g: %.1f sigma", what, a, ea, b, eb,
                 fabs(a - b) / s);
}

static int channel(const dy_yield_grid *g, const char *name)
{
    for (int c = 0; c < g->n_channels; ++c)
        if (!strcmp(g->ch[c].name, name)) return c;
    return -1;
}

/* na64_ecal (Pb + scintillator: H is dropped from the Z^2-weighted element list) */
static const char *cfg = "name: rc\nseed: 3\nprecision: 0.005\n"
                         "beam: {particle: e-, energy_GeV: 100}\n"
                         "target: {material: na64_ecal, thickness_X0: 40}\n"
                         "model: {mediator: vector}\nprocesses: [%s]\n"
                         "masses_GeV: [0.01, 0.1]\n"
                         "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
                         "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: %d}\n"
                         "output: {dir: %s, formats: [hdf5, csv], plots: false}\n";

typedef struct hand {
    const dy_tracklength *T;
    double m, cut, E; /* cut > 0: only E_A' > cut */
    gsl_integration_workspace *w2;
} hand;

/* B dsigma/dB = B pi alpha^2 G(B)/A^2 (eps = 1), in ln B */
static double hand_b(double lnB, void *vp)
{
    const hand *h = vp;
    const double B = exp(lnB), A = DY_M_E * h->E, s = DY_M_E * DY_M_E + 2.0 * A;
    return B * DY_PI * DY_ALPHA_EM * DY_ALPHA_EM * dy_compton_G(s, h->m, A, B) / (A * A) *
           DY_GEV2_TO_PB;
}

/* sigma_e(E) with E_A' = (B + M^2/2)/m_e > cut: B > m_e cut - M^2/2 */
static double sigma_above(hand *h, double E)
{
    double blo, bhi, L, r, ae;
    if (!dy_compton_blimits(E, h->m, &blo, &bhi, &L)) return 0.0;
    const double bc = fmax(blo, DY_M_E * h->cut - 0.5 * h->m * h->m);
    if (!(bc < bhi)) return 0.0;
    h->E = E;
    gsl_function F = {hand_b, h};
    gsl_integration_qag(&F, log(bc), log(bhi), 0.0, 1e-9, 1000, GSL_INTEG_GAUSS61, h->w2, &r, &ae);
    return r;
}

static double hand_f(double lnE, void *vp)
{
    hand *h = vp;
    const double E = exp(lnE);
    return E * dy_tracklength_eval(h->T, E) *
           (h->cut > 0.0 ? sigma_above(h, E) : dy_compton_sigma(E, h->m, 1.0, 1.0));
}

/* n_e int_{E_th}^{E0} dE T_gamma(E) sigma_e(E) (above the cut: sigma of E_A' > cut), per
 * incident electron */
static double hand_fold(const dy_material *mat, const dy_tracklength *T, double m, double cut)
{
    const double Eth = fmax(m + m * m / (2.0 * DY_M_E), cut);
    hand h = {T, m, cut, 0.0, gsl_integration_workspace_alloc(1000)};
    gsl_function F = {hand_f, &h};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double r, ae;
    const int st = gsl_integration_qags(&F, log(Eth), log(100.0), 0.0, 1e-7, 1000, w, &r, &ae);
    gsl_integration_workspace_free(w);
    gsl_integration_workspace_free(h.w2);
    if (st && st != GSL_EROUND) fail_msg("hand fold: %s", gsl_strerror(st));
    return mat->n_e * r * DY_PB_TO_CM2;
}

static void channel_matches_hand_fold_and_nodes(void **state)
{
    (void)state;
    dy_yield_grid g[2];
    const int K[2] = {17, 25};
    for (int i = 0; i < 2; ++i) {
        char text[1024];
        snprintf(text, sizeof text, cfg, "compton", K[i], "unused");
        run(text, &g[i]);
    }
    dy_material mat;
    dy_tracklength T;
    dy_error err;
    dy_shower_opts o;
    dy_shower_opts_default(&o);
    o.approx_b = 1; /* as the run builds it */
    if (dy_material_lookup("na64_ecal", &mat, &err) != DY_OK ||
        dy_tracklength_init_shower(&T, &mat, 100.0, 40 * mat.X0_cm, DY_PARTICLE_ELECTRON,
                                   DY_PARTICLE_PHOTON, &o, &err) != DY_OK)
        fail_msg("%s", err.msg);
    for (int i = 0; i < 2; ++i) {
        const int c = channel(&g[i], "compton");
        assert_true(c >= 0);
        assert_int_equal(g[i].n_channels, 1);
        const dy_yield_channel *a = &g[i].ch[c];
        for (int m = 0; m < 2; ++m) {
            assert_true(isfinite(a->N_total[m]) && a->N_total[m] > 0.0);
            assert_true(isfinite(a->N_above[m]) && a->N_above[m] > 0.0);
            assert_true(a->N_total_err[m] > 0.0 && a->N_total_err[m] < 0.01 * a->N_total[m]);
            assert_true(a->N_above_err[m] > 0.0 && isfinite(a->N_above_err[m]));
            assert_true(a->N_above[m] < a->N_total[m]);
            const double h = hand_fold(&mat, &T, g[i].masses_GeV[m], 0.0);
            const double ha = hand_fold(&mat, &T, g[i].masses_GeV[m], 50.0);
            printf("K = %d, m = %g: N_total %.8g +- %.2g, hand fold %.8g (%.2f sigma); N_above "
                   "%.6g +- %.2g, hand fold %.6g (%.2f sigma)\n",
                   K[i], g[i].masses_GeV[m], a->N_total[m], a->N_total_err[m], h,
                   (a->N_total[m] - h) / a->N_total_err[m], a->N_above[m], a->N_above_err[m], ha,
                   (a->N_above[m] - ha) / a->N_above_err[m]);
            agree("N_total vs hand fold", a->N_total[m], a->N_total_err[m], h, 1e-6 * h);
            agree("N_above vs hand fold", a->N_above[m], a->N_above_err[m], ha, 1e-6 * ha);
            double sum = 0.0;
            for (int b = 0; b < g[i].n_ebins; ++b) {
                const double d = a->dNdE[dy_yield_grid_index(&g[i], m, b)];
                assert_true(isfinite(d) && d >= 0.0);
                sum += d * (g[i].ebin_edges_GeV[b + 1] - g[i].ebin_edges_GeV[b]);
            }
            /* the spectrum integrates to the total (bins cover 0 .. E0) */
            dy_assert_close(sum, a->N_total[m], 4.0 * a->N_total_err[m], 0.0);
        }
    }
    const dy_yield_channel *a = &g[0].ch[0], *b = &g[1].ch[0];
    for (int m = 0; m < 2; ++m) {
        agree("N_total K=17 vs 25", a->N_total[m], a->N_total_err[m], b->N_total[m],
              b->N_total_err[m]);
        agree("N_above K=17 vs 25", a->N_above[m], a->N_above_err[m], b->N_above[m],
              b->N_above_err[m]);
        for (int k = 0; k < g[0].n_ebins; ++k) {
            const int j = dy_yield_grid_index(&g[0], m, k);
            agree("dN/dE K=17 vs 25", a->dNdE[j], a->dNdE_err[j], b->dNdE[j], b->dNdE_err[j]);
        }
    }
    dy_tracklength_free(&T);
    for (int i = 0; i < 2; ++i)
        dy_yield_grid_free(&g[i]);
}

/* Through the CLI: the channel is named in the HDF5 groups and the CSV rows; not listed, absent;
 * a non-vector mediator is refused with the config line. */
static void named_in_outputs_and_switchable(void **state)
{
    (void)state;
    char dir[512], path[600], text[1024], args[1200];
    snprintf(dir, sizeof dir, "%s/test_run_compton", DY_BINARY_DIR);
    snprintf(path, sizeof path, "%s/test_run_compton.yaml", DY_BINARY_DIR);
    snprintf(text, sizeof text, cfg, "compton", 9, dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    snprintf(args, sizeof args, "run %s --backend cpu --fresh", path);
    if (dy_run_cli(args, out, sizeof out) != 0) fail_msg("run failed:\n%s", out);
    snprintf(path, sizeof path, "%s/rc.h5", dir);
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h >= 0);
    assert_true(H5Lexists(h, "/compton", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(h, "/compton/N_total", H5P_DEFAULT) > 0);
    H5Fclose(h);
    snprintf(path, sizeof path, "%s/rc_integrated.csv", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    int rows = 0, conv = 0;
    while (fgets(line, sizeof line, f)) {
        rows += !strncmp(line, "compton,", 8);
        conv |= line[0] == '#' && strstr(line, "compton: exact tree-level") != NULL;
    }
    fclose(f);
    assert_int_equal(rows, 2);
    assert_true(conv);
    /* not in the list: no such channel */
    dy_yield_grid g;
    snprintf(text, sizeof text, cfg, "annihilation", 9, "unused");
    run(text, &g);
    assert_true(channel(&g, "compton") < 0);
    dy_yield_grid_free(&g);
    /* compton for a scalar mediator: refused, naming the line */
    snprintf(text, sizeof text, cfg, "compton", 9, "unused");
    char *md = strstr(text, "mediator: vector");
    assert_non_null(md);
    memcpy(md, "mediator: scalar", 16);
    dy_config c;
    dy_error err;
    assert_int_not_equal(dy_config_parse(text, strlen(text), "x.yaml", &c, &err), DY_OK);
    assert_non_null(strstr(err.msg, "compton"));
    assert_non_null(strstr(err.msg, "x.yaml:7"));
}

/* A mass whose Compton threshold m + m^2/2m_e lies above the beam (0.2 GeV: 39 GeV > 10 GeV)
 * is closed: explicit zeros, while a lighter one (0.05 GeV: 2.5 GeV) is produced; brem at both */
static void closed_above_threshold_is_zero(void **state)
{
    (void)state;
    static const char *t = "name: rcc\nseed: 3\nprecision: 0.01\n"
                           "beam: {particle: e-, energy_GeV: 10}\n"
                           "target: {material: Pb, thickness_cm: 10}\n"
                           "model: {mediator: vector}\nprocesses: [compton, brem]\n"
                           "masses_GeV: [0.05, 0.2]\n"
                           "energy_bins: {min_GeV: 0, max_GeV: 10, n: 10}\n"
                           "output: {dir: unused, formats: [csv], plots: false}\n";
    dy_yield_grid g;
    run(t, &g);
    const int c = channel(&g, "compton"), b = channel(&g, "brem-e-");
    assert_true(c >= 0 && b >= 0);
    assert_true(g.ch[c].N_total[0] > 0.0 && isfinite(g.ch[c].N_total_err[0]));
    assert_true(g.ch[c].N_total[1] == 0.0 && g.ch[c].N_total_err[1] == 0.0);
    for (int e = 0; e < g.n_ebins; ++e)
        assert_true(g.ch[c].dNdE[dy_yield_grid_index(&g, 1, e)] == 0.0);
    assert_true(g.ch[b].N_total[1] > 0.0);
    dy_yield_grid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(channel_matches_hand_fold_and_nodes),
                                       cmocka_unit_test(named_in_outputs_and_switchable),
                                       cmocka_unit_test(closed_above_threshold_is_zero)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
