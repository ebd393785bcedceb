/* test_events_thick_ann.c — thick-target annihilation events (jobs/thick_annihilation.h,
 * `darkyield events --config --channel annihilation`).  10 GeV e+ on 2 X0 of W, Dirac chi with
 * alpha_D = 0.5 and m_chi = m/3 (a wide resonance: E_R = 9.8 GeV, FWHM ~ 3 GeV at m = 0.1
 * GeV), and a visible A' of 0.05 GeV from 10 GeV e- (a resonance of relative width ~1e-9).  The
 * events' yield equals the run's N_total (quadrature) within 4 sigma of the events' error; the
 * E+ histogram follows the run's dN/dE_X of the same channel (E_X = E+ + m_e, chi^2), while the
 * other mass's spectrum and T+ left out (sigma alone) are rejected; every event balances
 * four-momentum, is on shell, carries E+ in line 1 and the final state of the config; a seed
 * gives the same events bit for bit, another others; the command (on 0.1 X0) writes an LHE file
 * whose header names the process and the run's N_total, the same as HepMC3 (when built), and
 * refuses electron motion, --stats and csv with a message and no file. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "darkyield/dy_integrate.h"
#include "dy_test.h"
#include "dy_test_backend.h"
#include "dy_test_chi2.h"
#include "dy_test_cli.h"
#include "io/config.h"
#include "jobs/run.h"
#include "jobs/thick_annihilation.h"

#define NEV  20000
#define SEED 11

static const char *INV_TEXT = "name: ann_thick\nseed: 3\nbackend: cpu\n"
                              "beam:\n  particle: e+\n  energy_GeV: 10\n"
                              "target:\n  material: W\n  thickness_X0: 2\n"
                              "model:\n  mediator: vector\n  coupling: 1e-4\n"
                              "  decay: invisible\n  alpha_D: 0.5\n  mchi_over_m: 0.333333\n"
                              "processes: [annihilation]\nmasses_GeV: [0.05, 0.1]\n"
                              "energy_bins:\n  min_GeV: 0\n  max_GeV: 10\n  n: 20\n"
                              "output:\n  dir: test_events_thick_ann_out\n  formats: [csv]\n";
static const char *VIS_TEXT = "name: ann_thick_vis\nseed: 3\nbackend: cpu\n"
                              "beam:\n  particle: e-\n  energy_GeV: 10\n"
                              "target:\n  material: W\n  thickness_X0: 2\n"
                              "model:\n  mediator: vector\n  coupling: 1e-4\n  decay: visible\n"
                              "processes: [annihilation]\nmasses_GeV: [0.05]\n"
                              "energy_bins:\n  min_GeV: 0\n  max_GeV: 10\n  n: 20\n"
                              "output:\n  dir: test_events_thick_ann_out\n  formats: [csv]\n";

/* the command's own runs: a thin target (Tsai's straggling: no shower tables to build) */
static const char *THIN_TEXT = "name: ann_thin\nseed: 3\nbackend: cpu\n"
                               "beam:\n  particle: e+\n  energy_GeV: 10\n"
                               "target:\n  material: W\n  thickness_X0: 0.1\n"
                               "model:\n  mediator: vector\n  coupling: 1e-4\n"
                               "  decay: invisible\n  alpha_D: 0.5\n  mchi_over_m: 0.333333\n"
                               "processes: [annihilation]\nmasses_GeV: [0.1]\n"
                               "energy_bins:\n  min_GeV: 0\n  max_GeV: 10\n  n: 20\n"
                               "output:\n  dir: test_events_thick_ann_out\n  formats: [csv]\n";

static char inv_path[512], vis_path[512], thin_path[512];
static dy_engine *engine;
static dy_config cfg[2];
static dy_yield_grid grid[2];
static dy_run *run[2];
static dy_run_ann_view view[3]; /* invisible m = 0.05, 0.1; visible 0.05 */
static dy_thick_ann th[3];
static char out[1 << 16];

static int setup(void **state)
{
    (void)state;
    dy_error err;
    gsl_set_error_handler_off(); /* as the command: GSL errors are status codes */
    engine = dy_test_open_engine();
    if (!engine) return 0;
    snprintf(inv_path, sizeof inv_path, "%s/test_events_thickann.yaml", DY_BINARY_DIR);
    snprintf(vis_path, sizeof vis_path, "%s/test_events_thickann_vis.yaml", DY_BINARY_DIR);
    dy_write_text(inv_path, INV_TEXT);
    dy_write_text(vis_path, VIS_TEXT);
    snprintf(thin_path, sizeof thin_path, "%s/test_events_thickann_thin.yaml", DY_BINARY_DIR);
    dy_write_text(thin_path, THIN_TEXT);
    const char *paths[2] = {inv_path, vis_path};
    for (int c = 0; c < 2; ++c) {
        if (dy_config_load(paths[c], &cfg[c], &err) != DY_OK) fail_msg("%s", err.msg);
        if (dy_run_grid(&cfg[c], engine, 0, &grid[c], &err) != DY_OK) fail_msg("%s", err.msg);
        if (dy_run_open(&cfg[c], 0, &run[c], &err) != DY_OK) fail_msg("%s", err.msg);
    }
    for (int k = 0; k < 3; ++k) {
        if (dy_run_annihilation(run[k / 2], k % 2, &view[k], &err) != DY_OK ||
            dy_thick_ann_init(&th[k], &view[k], &err) != DY_OK)
            fail_msg("%d: %s", k, err.msg);
        dy_unweight_options uo;
        dy_unweight_options_default(&uo);
        uo.seed = SEED;
        uo.n_events = k == 1 ? NEV : 4000;
        if (dy_thick_ann_unweight(&th[k], &uo, &err) != DY_OK) fail_msg("%d: %s", k, err.msg);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (!engine) return 0;
    for (int k = 0; k < 3; ++k)
        dy_thick_ann_free(&th[k]);
    for (int c = 0; c < 2; ++c) {
        dy_run_close(run[c]);
        dy_yield_grid_free(&grid[c]);
        dy_config_free(&cfg[c]);
    }
    dy_engine_close(engine);
    return 0;
}

/* The events' yield against the run's N_total: the view's and the grid's (the same number). */
static void total_matches_run(void **state)
{
    (void)state;
    if (!engine) skip();
    for (int k = 0; k < 3; ++k) {
        const dy_yield_channel *ch = &grid[k / 2].ch[0];
        assert_string_equal(ch->name, "annihilation");
        const double N = ch->N_total[k % 2], dN = ch->N_total_err[k % 2];
        const double Y = th[k].st.mean_w, dY = th[k].st.mean_w_error;
        printf("m = %g (%s): events %.6g +- %.2g, run %.6g +- %.2g, efficiency %.3g, raises %u\n",
               view[k].mass, k == 2 ? "visible" : "invisible", Y, dY, N, dN, th[k].st.efficiency,
               th[k].st.restarts);
        assert_true(N == view[k].N_total && N > 0.0);
        assert_true(dY > 0.0 && dY < 0.02 * Y);
        assert_true(fabs(Y - N) < 4.0 * sqrt(dY * dY + dN * dN));
        assert_true(th[k].st.efficiency > 0.05 && th[k].st.efficiency <= 1.0);
        assert_true(th[k].st.w_max_seen <= th[k].st.w_max);
    }
    assert_true(th[1].pC > 0.0); /* the e+ beam: the primary's path beyond lambda = 64 */
}

static double dot(const double *a, const double *b)
{
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
}

static void conservation(void **state)
{
    (void)state;
    if (!engine) skip();
    for (int k = 1; k < 3; ++k) {
        const int vis = k == 2;
        double Emin = 1e9, Emax = 0.0;
        for (uint64_t i = 0; i < th[k].n_events; ++i) {
            dy_event ev;
            double E;
            assert_int_equal(dy_thick_ann_event(&th[k], i, 622, &ev, &E), 0);
            assert_int_equal(ev.n, 5);
            assert_int_equal(ev.part[0].pdg, -11);
            assert_int_equal(ev.part[1].pdg, 11);
            assert_int_equal(ev.part[2].pdg, 622);
            assert_int_equal(ev.part[2].status, 2);
            assert_int_equal(ev.part[3].pdg, vis ? 11 : 52); /* m = 0.05 < 2 m_mu: e+e- only */
            assert_int_equal(ev.part[4].pdg, vis ? -11 : -52);
            assert_true(E == ev.part[0].p[0] && E >= view[k].E_thr && E <= 10.0);
            Emin = fmin(Emin, E);
            Emax = fmax(Emax, E);
            for (int q = 0; q < 4; ++q) {
                const double in = ev.part[0].p[q] + ev.part[1].p[q];
                dy_assert_close(ev.part[3].p[q] + ev.part[4].p[q], in, 1e-12 * E, 0.0);
                dy_assert_close(ev.part[2].p[q], in, 1e-12 * E, 0.0);
            }
            dy_assert_close(ev.part[2].m * ev.part[2].m, dy_annih_s(E), 0.0, 1e-12);
            for (int j = 0; j < 5; ++j)
                dy_assert_close(dot(ev.part[j].p, ev.part[j].p), ev.part[j].m * ev.part[j].m,
                                1e-11 * E * E, 0.0);
        }
        printf("m = %g: E+ in [%.4g, %.4g] GeV\n", view[k].mass, Emin, Emax);
        if (!vis) assert_true(Emin < 6.0 && Emax == 10.0); /* wide peak; the primary at E0 */
        if (vis) { /* E_R = 2.446 GeV, Gamma/m ~ 1e-9: every event on the peak */
            const double ER = dy_annih_e_res(0.05);
            assert_true(fabs(Emin - ER) < 1e-6 * ER && fabs(Emax - ER) < 1e-6 * ER);
        }
    }
}

/* The events' E+ per bin of E_X = E+ + m_e, as the run's dN/dE bins (the last bin takes E+ up
 * to E0). */
static void histogram(const dy_thick_ann *t, int nb, double w, double *cnt)
{
    for (int b = 0; b < nb; ++b)
        cnt[b] = 0.0;
    for (uint64_t i = 0; i < t->n_events; ++i) {
        dy_event ev;
        double E;
        dy_thick_ann_event(t, i, 622, &ev, &E);
        int b = (int)((E + DY_M_E) / w);
        cnt[b < nb ? b : nb - 1] += 1.0;
    }
}

/* int sigma dE+ over [a, b] (Simpson, 400 steps: the resonance is 3 GeV wide) */
static double sigma_int(const dy_run_ann_view *v, double a, double b)
{
    a = fmax(a, v->E_thr);
    if (!(b > a)) return 0.0;
    const int n = 400;
    const double h = (b - a) / n;
    double s = dy_run_ann_sigma(v, a) + dy_run_ann_sigma(v, b);
    for (int i = 1; i < n; ++i)
        s += (i % 2 ? 4.0 : 2.0) * dy_run_ann_sigma(v, a + i * h);
    return s * h / 3.0;
}

static void positron_energy(void **state)
{
    (void)state;
    if (!engine) skip();
    const dy_yield_grid *g = &grid[0];
    const int NB = g->n_ebins;
    double cnt[64], val[64], err[64], v0[64], e0[64], vs[64], es[64];
    assert_true(NB <= 64);
    const double w = g->ebin_edges_GeV[1] - g->ebin_edges_GeV[0];
    histogram(&th[1], NB, w, cnt);
    for (int b = 0; b < NB; ++b) {
        val[b] = g->ch[0].dNdE[dy_yield_grid_index(g, 1, b)] * w;
        err[b] = g->ch[0].dNdE_err[dy_yield_grid_index(g, 1, b)] * w;
        v0[b] = g->ch[0].dNdE[dy_yield_grid_index(g, 0, b)] * w; /* m = 0.05 GeV */
        e0[b] = g->ch[0].dNdE_err[dy_yield_grid_index(g, 0, b)] * w;
        const double lo = g->ebin_edges_GeV[b] - DY_M_E, hi = g->ebin_edges_GeV[b + 1] - DY_M_E;
        vs[b] = sigma_int(&view[1], lo, b + 1 == NB ? 10.0 : hi); /* T+ left out */
        es[b] = 0.0;
    }
    int n1, n2, n3;
    const double p = dy_chi2_pvalue(val, err, cnt, (unsigned)NB, &n1);
    const double p0 = dy_chi2_pvalue(v0, e0, cnt, (unsigned)NB, &n2);
    const double ps = dy_chi2_pvalue(vs, es, cnt, (unsigned)NB, &n3);
    printf("E+: p = %.3g (%d dof); against m = 0.05 GeV p = %.3g; sigma alone p = %.3g\n", p, n1,
           p0, ps);
    assert_true(n1 >= 10);
    assert_true(p > 1e-3);
    assert_true(p0 < 1e-6);
    assert_true(ps < 1e-6);
}

static void reproducible(void **state)
{
    (void)state;
    if (!engine) skip();
    dy_thick_ann t;
    dy_error err;
    dy_unweight_options uo;
    dy_unweight_options_default(&uo);
    uo.n_events = 500;
    for (int k = 0; k < 2; ++k) {
        uo.seed = k ? SEED + 1 : SEED;
        if (dy_thick_ann_init(&t, &view[0], &err) != DY_OK ||
            dy_thick_ann_unweight(&t, &uo, &err) != DY_OK)
            fail_msg("%s", err.msg);
        int same = 1;
        for (uint64_t i = 0; i < uo.n_events; ++i) {
            dy_event a, b;
            assert_int_equal(dy_thick_ann_event(&t, i, 622, &a, NULL), 0);
            assert_int_equal(dy_thick_ann_event(&th[0], i, 622, &b, NULL), 0);
            same &= !memcmp(a.part, b.part, sizeof a.part);
        }
        assert_int_equal(same, !k); /* the same seed: bit for bit; another: other events */
        dy_thick_ann_free(&t);
    }
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void command(void **state)
{
    (void)state;
    if (!engine) skip();
    char f[512], a[2048], bad[512];
    snprintf(f, sizeof f, "%s/test_events_thickann.lhe", DY_BINARY_DIR);
    remove(f);
    snprintf(a, sizeof a, "events --config %s --mass 0.1 --n 200 --seed 5 --output %s --quiet",
             thin_path, f);
    if (dy_run_cli(a, out, sizeof out) != 0) fail_msg("%s:\n%s", a, out);
    FILE *g = fopen(f, "r");
    assert_non_null(g);
    static char text[1 << 20];
    const size_t n = fread(text, 1, sizeof text - 1, g);
    fclose(g);
    text[n] = 0;
    assert_non_null(strstr(text, "annihilation events of the run config"));
    assert_non_null(strstr(text, "chi chi-bar (Dirac, PDG 52 -52)"));
    assert_non_null(strstr(text, "NOT pb"));
    assert_non_null(strstr(text, "The run's N_total of channel annihilation"));
    assert_non_null(strstr(text, "</LesHouchesEvents>"));
    int events = 0;
    for (const char *s = text; (s = strstr(s, "<event>")); ++s)
        ++events;
    assert_int_equal(events, 200);
    /* HepMC3 (when this build has it): the same header text, 50 events */
    remove(f);
    snprintf(a, sizeof a,
             "events --config %s --mass 0.1 --n 50 --format hepmc3 --output %s --quiet", thin_path,
             f);
    if (dy_run_cli(a, out, sizeof out) != 0) {
        assert_non_null(strstr(out, "without HepMC3"));
        assert_false(exists(f));
    } else {
        assert_non_null(g = fopen(f, "r"));
        const size_t nh = fread(text, 1, sizeof text - 1, g);
        fclose(g);
        text[nh] = 0;
        assert_true(!strncmp(text, "HepMC::Version 3", 16));
        assert_non_null(strstr(text, "annihilation events of the run config"));
        assert_non_null(strstr(text, "HepMC::Asciiv3-END_EVENT_LISTING"));
        int nev = 0;
        for (const char *l = text; (l = strstr(l, "\nE ")); ++l)
            ++nev;
        assert_int_equal(nev, 50);
    }
    /* refused: electron motion (narrow-width kernels), and --stats; no file either time */
    snprintf(bad, sizeof bad, "%s/test_events_thickann_motion.yaml", DY_BINARY_DIR);
    char *mt = malloc(strlen(THIN_TEXT) + 64);
    assert_non_null(mt);
    sprintf(mt, "%sannihilation:\n  electron_motion: on\n", THIN_TEXT);
    dy_write_text(bad, mt);
    free(mt);
    const char *cases[3][3] = {{bad, "electron_motion", ""},
                               {thin_path, "--stats", " --stats s.json"},
                               {thin_path, "brem events only", " --format csv"}};
    for (int k = 0; k < 3; ++k) {
        remove(f);
        snprintf(a, sizeof a, "events --config %s --mass 0.1 --n 10 --output %s%s", cases[k][0], f,
                 cases[k][2]);
        const int rc = dy_run_cli(a, out, sizeof out);
        if (rc == 0 || !strstr(out, cases[k][1]))
            fail_msg("'%s': rc %d, expected '%s':\n%s", a, rc, cases[k][1], out);
        assert_false(exists(f));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(total_matches_run), cmocka_unit_test(conservation),
        cmocka_unit_test(positron_energy),   cmocka_unit_test(reproducible),
        cmocka_unit_test(command),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
