/* test_fold_error.c — "no config change may move a result by more than a few of its quoted
 * errors" (issue 10.2), end to end on the cpu backend: a brem run at K = 9 and K = 17 energy
 * nodes gives N_total, N(E > cut) and every dN/dE bin within 4 combined sigmas (the fold used to
 * move N_total by ~4 % at these K against MC errors of ~0.2 %); ALP (Primakoff) yields above the
 * cut at neighbouring masses agree within 4 sigmas with the mass dependence of the closed-form
 * cross section (they used to wiggle by +-1 % against 0.07 % errors). */
#include <stdio.h>
#include <string.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "dy_test.h"
#include "io/config.h"
#include "jobs/run.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

/* Run the config text on the cpu backend into *g. */
static void run(const char *text, dy_yield_grid *g)
{
    dy_config c;
    dy_error err;
    dy_engine *e;
    if (dy_config_parse(text, strlen(text), "test_fold_error.yaml", &c, &err) != DY_OK)
        fail_msg("%s", err.msg);
    if (dy_engine_open("cpu", &e, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_run_grid(&c, e, 0, g, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_engine_close(e);
    dy_config_free(&c);
}

/* |a - b| < 4 sqrt(ea^2 + eb^2) */
static void agree(const char *what, double a, double ea, double b, double eb)
{
    const double s = sqrt(ea * ea + eb * eb);
    if (!(fabs(a - b) < 4.0 * s))
        fail_msg("%s: %.8g +- %.2g vs %.8g +- %.2g: %.1f sigma", what, a, ea, b, eb,
                 fabs(a - b) / s);
}

static const char *brem_cfg = "name: fe\nseed: 5\nprecision: 0.02\n"
                              "beam: {particle: e-, energy_GeV: 100}\n"
                              "target: {material: Pb, thickness_X0: 40}\n"
                              "model: {mediator: vector}\nprocesses: [brem]\n"
                              "masses_GeV: [0.005, 0.2]\n"
                              "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
                              "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: %d}\n"
                              "output: {dir: unused, formats: [hdf5], plots: false}\n";

static void node_count_moves_brem_within_errors(void **state)
{
    (void)state;
    dy_yield_grid g[2];
    const int K[2] = {9, 17};
    for (int i = 0; i < 2; ++i) {
        char text[1024];
        snprintf(text, sizeof text, brem_cfg, K[i]);
        run(text, &g[i]);
    }
    for (int c = 0; c <= g[0].n_channels; ++c) { /* every channel and the sum */
        const int tot = c == g[0].n_channels;
        for (int m = 0; m < g[0].n_masses; ++m) {
            char w[128];
            const dy_yield_channel *a = &g[0].ch[tot ? 0 : c], *b = &g[1].ch[tot ? 0 : c];
            snprintf(w, sizeof w, "%s N_total m = %g", tot ? "total" : a->name, g[0].masses_GeV[m]);
            if (tot)
                agree(w, g[0].sum_N_total[m], g[0].sum_N_total_err[m], g[1].sum_N_total[m],
                      g[1].sum_N_total_err[m]);
            else
                agree(w, a->N_total[m], a->N_total_err[m], b->N_total[m], b->N_total_err[m]);
            snprintf(w, sizeof w, "%s N_above m = %g", tot ? "total" : a->name, g[0].masses_GeV[m]);
            if (tot)
                agree(w, g[0].sum_N_above[m], g[0].sum_N_above_err[m], g[1].sum_N_above[m],
                      g[1].sum_N_above_err[m]);
            else
                agree(w, a->N_above[m], a->N_above_err[m], b->N_above[m], b->N_above_err[m]);
            for (int e = 0; e < g[0].n_ebins; ++e) {
                const int i = dy_yield_grid_index(&g[0], m, e);
                snprintf(w, sizeof w, "%s dN/dE m = %g bin %d", tot ? "total" : a->name,
                         g[0].masses_GeV[m], e);
                if (tot)
                    agree(w, g[0].sum_dNdE[i], g[0].sum_dNdE_err[i], g[1].sum_dNdE[i],
                          g[1].sum_dNdE_err[i]);
                else
                    agree(w, a->dNdE[i], a->dNdE_err[i], b->dNdE[i], b->dNdE_err[i]);
            }
        }
    }
    /* the errors say how they were made */
    assert_non_null(strstr(g[1].errors, "folding"));
    for (int i = 0; i < 2; ++i)
        dy_yield_grid_free(&g[i]);
}

static const char *alp_cfg = "name: fa\nseed: 7\nprecision: 0.01\n"
                             "beam: {particle: e-, energy_GeV: 100}\n"
                             "target: {material: Pb, thickness_X0: 40}\n"
                             "model: {mediator: alp}\nprocesses: [primakoff]\n"
                             "masses_GeV: [0.001, 0.00125, 0.0016, 0.002]\n"
                             "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
                             "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: 24}\n"
                             "output: {dir: unused, formats: [hdf5], plots: false}\n";

/* n_Pb int_{50}^{100} dE T_gamma sigma_closed(E, m): the closed-form (high-energy) Primakoff
 * cross section for the mass dependence between neighbouring masses (a few 1e-4 here) */
static double closed_above(const dy_tracklength *T, double m)
{
    double s = 0.0;
    for (int i = 0; i < 2000; ++i) { /* midpoint rule in E: smooth integrand */
        const double E = 50.0 + 50.0 * (i + 0.5) / 2000;
        s += dy_tracklength_eval(T, E) * dy_primakoff_sigma_closed(E, m, 1.0, 82, 207.2);
    }
    return s;
}

static void alp_neighbouring_masses_within_errors(void **state)
{
    (void)state;
    dy_yield_grid g;
    run(alp_cfg, &g);
    dy_material pb;
    dy_tracklength T;
    dy_error err;
    dy_shower_opts o;
    dy_shower_opts_default(&o);
    o.approx_b = 1;
    if (dy_material_lookup("Pb", &pb, &err) != DY_OK ||
        dy_tracklength_init_shower(&T, &pb, 100.0, 40 * pb.X0_cm, DY_PARTICLE_ELECTRON,
                                   DY_PARTICLE_PHOTON, &o, &err) != DY_OK)
        fail_msg("%s", err.msg);
    const dy_yield_channel *a = &g.ch[0];
    for (int m = 0; m + 1 < g.n_masses; ++m) {
        const double r = closed_above(&T, g.masses_GeV[m + 1]) / closed_above(&T, g.masses_GeV[m]);
        assert_true(fabs(r - 1.0) < 2e-3); /* the expected change is small */
        char w[96];
        snprintf(w, sizeof w, "N_above m = %g vs %g", g.masses_GeV[m + 1], g.masses_GeV[m]);
        agree(w, a->N_above[m + 1], a->N_above_err[m + 1], r * a->N_above[m],
              r * a->N_above_err[m]);
        /* and the quoted error is an MC-size error, not a blanket */
        assert_true(a->N_above_err[m] < 3e-3 * a->N_above[m]);
    }
    dy_tracklength_free(&T);
    dy_yield_grid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(node_count_moves_brem_within_errors),
                                       cmocka_unit_test(alp_neighbouring_masses_within_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
