/* test_events_thick.c — thick-target events of a run config (host/jobs/thick_events.h,
 * `darkyield events --config`): 10 GeV e- on 10 X0 of W, 9 nodes, precision 1e-2.  The events'
 * yield (mean weight) equals the run's N_total of brem-e- and brem-e+ within 4 sigma of both
 * errors; the incident-energy histogram follows n T(E) sigma(E) folded from the run's own node
 * cross sections (chi^2, with the fold's MC and interpolation errors), and the positrons' fold
 * must be rejected; the boson-energy histogram follows the run's dN/dE_A' (chi^2), and another
 * mass's spectrum must be rejected; every event conserves four-momentum, puts its particles on
 * their mass shells and carries its incident energy in line 1; a seed gives the same events bit
 * for bit, another seed others; the command writes a complete LHE file (a 0.1 X0 config: header,
 * EOT normalisation, varying beam energy), the same bytes for the same seed, G4DarkBreM's CSV
 * (rows with their own incident energy) and HepMC3 (or its refusal), and bad input (no
 * config, a mass or channel not in it, several channels, an unknown format) fails with a
 * message and leaves no file (channel errors of the plan checked through dy_run_channel, which
 * has no nodes for annihilation: tests/test_events_thick_ann.c covers its own sampler).
 * DY_BACKENDS: cpu opencl cuda */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "darkyield/dy_integrate.h"
#include "dy_process_table.h"
#include "dy_test_backend.h"
#include "dy_test_chi2.h"
#include "dy_test_cli.h"
#include "io/config.h"
#include "jobs/run.h"
#include "jobs/thick_events.h"
#include "physics/fold.h"

#define NEV  10000
#define SEED 7

static const char *CFG_TEXT = "name: thick_test\nseed: 3\nbackend: cpu\nprecision: 0.01\n"
                              "beam:\n  particle: e-\n  energy_GeV: 10\n"
                              "target:\n  material: W\n  thickness_X0: 10\n"
                              "model:\n  mediator: vector\n  coupling: 1\n"
                              "processes: [brem]\nmasses_GeV: [0.05, 0.1]\n"
                              "energy_bins:\n  min_GeV: 0\n  max_GeV: 10\n  n: 20\n"
                              "quadrature:\n  nodes: 9\n"
                              "output:\n  dir: test_events_thick_out\n  formats: [csv]\n";

/* a thin target (Tsai's straggling: no shower tables to build) for the command's own runs */
static const char *THIN_TEXT = "name: thin_test\nseed: 3\nbackend: cpu\nprecision: 0.01\n"
                               "beam:\n  particle: e-\n  energy_GeV: 8\n"
                               "target:\n  material: W\n  thickness_X0: 0.1\n"
                               "model:\n  mediator: vector\n  coupling: 1\n"
                               "processes: [brem]\nmasses_GeV: [0.1]\n"
                               "energy_bins:\n  min_GeV: 0\n  max_GeV: 8\n  n: 20\n"
                               "quadrature:\n  nodes: 9\n"
                               "output:\n  dir: test_events_thick_out\n  formats: [csv]\n";

static char cfg_path[512], thin_path[512];
static dy_engine *engine;
static dy_config cfg;
static dy_yield_grid grid;
static dy_run *run;
static dy_thick th[2]; /* brem-e- and brem-e+ at m = 0.1 GeV (mass index 1) */
static char out[1 << 16];

static int setup(void **state)
{
    (void)state;
    dy_error err;
    engine = dy_test_open_engine();
    if (!engine) return 0;
    printf("backend: %s\n", dy_engine_backend(engine));
    snprintf(cfg_path, sizeof cfg_path, "%s/test_events_thick_%s.yaml", DY_BINARY_DIR,
             dy_test_backend_name());
    FILE *f = fopen(cfg_path, "w");
    if (!f) return -1;
    fputs(CFG_TEXT, f);
    fclose(f);
    snprintf(thin_path, sizeof thin_path, "%s/test_events_thick_%s_thin.yaml", DY_BINARY_DIR,
             dy_test_backend_name());
    if (!(f = fopen(thin_path, "w"))) return -1;
    fputs(THIN_TEXT, f);
    fclose(f);
    if (dy_config_load(cfg_path, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_run_grid(&cfg, engine, 0, &grid, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_run_open(&cfg, 0, &run, &err) != DY_OK) fail_msg("%s", err.msg);
    const char *names[2] = {"brem-e-", "brem-e+"};
    for (int c = 0; c < 2; ++c) {
        dy_run_channel_view v;
        if (dy_run_channel(run, names[c], 1, &v, &err) != DY_OK) fail_msg("%s", err.msg);
        dy_vegas_options vo;
        dy_vegas_options_default(&vo);
        vo.seed = SEED;
        vo.rel_precision = cfg.precision;
        vo.max_eval = cfg.max_eval;
        if (dy_thick_init(&th[c], engine, &v, &vo, &err) != DY_OK) fail_msg("%s", err.msg);
        dy_unweight_options uo;
        dy_unweight_options_default(&uo);
        uo.seed = SEED;
        uo.n_events = c ? 2000 : NEV;
        if (dy_thick_unweight(&th[c], &uo, &err) != DY_OK) fail_msg("%s", err.msg);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (!engine) return 0;
    dy_thick_free(&th[0]);
    dy_thick_free(&th[1]);
    dy_run_close(run);
    dy_yield_grid_free(&grid);
    dy_config_free(&cfg);
    dy_engine_close(engine);
    return 0;
}

static int grid_channel(const char *name)
{
    for (int c = 0; c < grid.n_channels; ++c)
        if (!strcmp(grid.ch[c].name, name)) return c;
    fail_msg("no channel %s in the run's grid", name);
    return -1;
}

/* The events' yield against the run's N_total (whose error holds MC and folding). */
static void total_matches_run(void **state)
{
    (void)state;
    if (!engine) skip();
    for (int c = 0; c < 2; ++c) {
        const dy_yield_channel *ch = &grid.ch[grid_channel(th[c].v.name)];
        const double N = ch->N_total[1], dN = ch->N_total_err[1];
        const double Y = th[c].st.mean_w, dY = th[c].st.mean_w_error;
        printf("%s: events %.6g +- %.2g, run %.6g +- %.2g, efficiency %.3g, raises %u\n",
               th[c].v.name, Y, dY, N, dN, th[c].st.efficiency, th[c].st.restarts);
        assert_true(N > 0.0 && dY > 0.0 && dY < 0.05 * Y);
        assert_true(fabs(Y - N) < 4.0 * sqrt(dY * dY + dN * dN));
        assert_true(th[c].st.efficiency > 0.0 && th[c].st.efficiency <= 1.0);
        assert_true(th[c].st.w_max_seen <= th[c].st.w_max);
    }
}

static double dot(const double *a, const double *b)
{
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
}

static void conservation(void **state)
{
    (void)state;
    if (!engine) skip();
    const double E0 = cfg.beam.energy_GeV, m = 0.1;
    for (int c = 0; c < 2; ++c) {
        double Emin = E0, Emax = 0.0;
        for (uint64_t i = 0; i < th[c].n_events; ++i) {
            dy_event ev;
            double E;
            assert_int_equal(dy_thick_event(&th[c], i, 622, &ev, &E), 0);
            assert_int_equal(ev.n, 5);
            assert_int_equal(ev.part[0].pdg, c ? -11 : 11); /* brem-e+: positrons */
            assert_int_equal(ev.part[2].pdg, ev.part[0].pdg);
            assert_int_equal(ev.part[1].pdg, 1000741840);
            assert_int_equal(ev.part[4].pdg, 622);
            assert_true(E == ev.part[0].p[0]); /* line 1 carries the incident energy */
            assert_true(E > m && E <= E0);
            Emin = fmin(Emin, E);
            Emax = fmax(Emax, E);
            const double M = ev.part[1].m;
            for (int k = 0; k < 4; ++k) {
                const double in = ev.part[0].p[k] + ev.part[1].p[k];
                const double o = ev.part[2].p[k] + ev.part[3].p[k] + ev.part[4].p[k];
                dy_assert_close(o, in, 1e-12 * (E + M), 0.0);
            }
            for (int j = 0; j < 5; ++j)
                dy_assert_close(dot(ev.part[j].p, ev.part[j].p), ev.part[j].m * ev.part[j].m,
                                1e-12 * ev.part[j].p[0] * (E + M), 0.0);
            assert_true(ev.part[4].p[0] < E);
        }
        assert_true(Emin < 0.5 * E0 && Emax > (c ? 0.5 : 0.9) * E0); /* E varies over the shower */
    }
}

/* Expected events per incident-energy bin [edges] of channel c: n T(E) sigma(E) folded from the
 * run's node cross sections (brem-e-'s, which brem-e+ shares) with the fold's own rule, cut at
 * the edges; errors from the nodes' MC errors and the fold's interpolation estimate. */
static void incident_expected(const dy_thick *t, const double *edges, int nb, double *val,
                              double *err)
{
    const dy_grid_integrals *mc = &grid.ch[grid_channel("brem-e-")].mc;
    const int K = mc->n_nodes, im = 1;
    assert_int_equal(K, t->v.K);
    assert_int_equal(mc->n_elem, 1);
    const double *E = &mc->E_GeV[(size_t)im * K], *s = &mc->sigma_pb[(size_t)im * K];
    const double *se = &mc->sigma_err_pb[(size_t)im * K];
    dy_fold_rule r;
    dy_error e;
    if (dy_fold_rule_build(t->v.T, K, E, nb + 1, edges, &r, &e) != DY_OK) fail_msg("%s", e.msg);
    double *y = calloc((size_t)nb * DY_FOLD_NR, sizeof *y), *w = calloc((size_t)nb * K, sizeof *w);
    assert_non_null(y);
    assert_non_null(w);
    for (int q = 0; q < r.n; ++q) {
        int b = 0;
        while (b + 1 < nb && r.E[q] >= edges[b + 1])
            ++b;
        for (int v = 0; v < DY_FOLD_NR; ++v)
            for (int k = 0; k < DY_FOLD_NS; ++k)
                y[b * DY_FOLD_NR + v] += r.a[q] * r.ip[v][q].c[k] * s[r.ip[v][q].k[k]];
        for (int k = 0; k < DY_FOLD_NS; ++k)
            w[b * K + r.ip[DY_FOLD_FULL][q].k[k]] += r.a[q] * r.ip[DY_FOLD_FULL][q].c[k];
    }
    for (int b = 0; b < nb; ++b) {
        double var = 0.0;
        for (int k = 0; k < K; ++k)
            var += w[b * K + k] * w[b * K + k] * se[k] * se[k];
        const double fe = dy_fold_error(&y[b * DY_FOLD_NR]);
        val[b] = y[b * DY_FOLD_NR + DY_FOLD_FULL];
        err[b] = sqrt(var + fe * fe);
    }
    dy_fold_rule_free(&r);
    free(y);
    free(w);
}

static void incident_energy(void **state)
{
    (void)state;
    if (!engine) skip();
    enum { NB = 24 };
    double edges[NB + 1], cnt[NB] = {0}, val[NB], err[NB], pv[NB], pe[NB];
    const double E0 = cfg.beam.energy_GeV, lo = 0.1001;
    for (int b = 0; b <= NB; ++b) /* log bins: the shower's leptons are soft */
        edges[b] = lo * pow(E0 / lo, (double)b / NB);
    for (uint64_t i = 0; i < th[0].n_events; ++i) {
        dy_event ev;
        double E;
        dy_thick_event(&th[0], i, 622, &ev, &E);
        int b = 0;
        while (b + 1 < NB && E >= edges[b + 1])
            ++b;
        cnt[b] += 1.0;
    }
    incident_expected(&th[0], edges, NB, val, err);
    int ndof;
    const double p = dy_chi2_pvalue(val, err, cnt, NB, &ndof);
    incident_expected(&th[1], edges, NB, pv, pe); /* the positrons' T(E) */
    int ndof2;
    const double p2 = dy_chi2_pvalue(pv, pe, cnt, NB, &ndof2);
    printf("incident energy: p = %.3g (%d dof); against the e+ fold p = %.3g\n", p, ndof, p2);
    assert_true(ndof >= 10);
    assert_true(p > 1e-3);
    assert_true(p2 < 1e-6);
}

static void boson_energy(void **state)
{
    (void)state;
    if (!engine) skip();
    const int NB = grid.n_ebins;
    const dy_yield_channel *ch = &grid.ch[grid_channel("brem-e-")];
    double cnt[64] = {0}, val[64], err[64], val0[64], err0[64];
    assert_true(NB <= 64);
    const double dy = grid.ebin_edges_GeV[1] - grid.ebin_edges_GeV[0];
    for (int b = 0; b < NB; ++b) {
        val[b] = ch->dNdE[dy_yield_grid_index(&grid, 1, b)] * dy;
        err[b] = ch->dNdE_err[dy_yield_grid_index(&grid, 1, b)] * dy;
        val0[b] = ch->dNdE[dy_yield_grid_index(&grid, 0, b)] * dy; /* m = 0.05 GeV */
        err0[b] = ch->dNdE_err[dy_yield_grid_index(&grid, 0, b)] * dy;
    }
    for (uint64_t i = 0; i < th[0].n_events; ++i) {
        dy_event ev;
        dy_thick_event(&th[0], i, 622, &ev, NULL);
        int b = (int)floor((ev.part[4].p[0] - grid.ebin_edges_GeV[0]) / dy);
        if (b >= 0 && b < NB) cnt[b] += 1.0;
    }
    int ndof, ndof0;
    const double p = dy_chi2_pvalue(val, err, cnt, (unsigned)NB, &ndof);
    const double p0 = dy_chi2_pvalue(val0, err0, cnt, (unsigned)NB, &ndof0);
    printf("boson energy: p = %.3g (%d dof); against m = 0.05 GeV p = %.3g\n", p, ndof, p0);
    assert_true(ndof >= 10);
    assert_true(p > 1e-3);
    assert_true(p0 < 1e-6);
}

static void reproducible(void **state)
{
    (void)state;
    if (!engine) skip();
    dy_error err;
    dy_thick t;
    dy_unweight_options uo;
    dy_unweight_options_default(&uo);
    dy_vegas_options vo;
    dy_vegas_options_default(&vo);
    vo.seed = SEED;
    vo.rel_precision = cfg.precision;
    vo.max_eval = cfg.max_eval;
    if (dy_thick_init(&t, engine, &th[0].v, &vo, &err) != DY_OK) fail_msg("%s", err.msg);
    uo.seed = SEED;
    uo.n_events = NEV; /* as th[0]: a bound raised after event 300 restarts, so a shorter run's
                        * events need not be a prefix of a longer one's */
    if (dy_thick_unweight(&t, &uo, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(t.n_events, th[0].n_events);
    for (uint64_t i = 0; i < NEV; ++i) { /* the same seed: the same events */
        dy_event a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        dy_thick_event(&t, i, 622, &a, NULL);
        dy_thick_event(&th[0], i, 622, &b, NULL);
        assert_memory_equal(&a, &b, sizeof a);
    }
    uo.seed = SEED + 1;
    if (dy_thick_unweight(&t, &uo, &err) != DY_OK) fail_msg("%s", err.msg);
    int same = 0;
    for (uint64_t i = 0; i < 300; ++i) {
        dy_event a, b;
        dy_thick_event(&t, i, 622, &a, NULL);
        dy_thick_event(&th[0], i, 622, &b, NULL);
        same += a.part[0].p[0] == b.part[0].p[0];
    }
    assert_true(same < 10);
    dy_thick_free(&t);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *s = malloc(*n + 1);
    if (s && fread(s, 1, *n, f) != *n) *n = 0;
    if (s) s[*n] = 0;
    fclose(f);
    return s;
}

static void command(void **state)
{
    (void)state;
    if (!engine) skip();
    char a[2048], f1[512], f2[512];
    snprintf(f1, sizeof f1, "%s/test_events_thick_%s_1.lhe", DY_BINARY_DIR, dy_test_backend_name());
    snprintf(f2, sizeof f2, "%s/test_events_thick_%s_2.lhe", DY_BINARY_DIR, dy_test_backend_name());
    remove(f1);
    remove(f2);
    for (int k = 0; k < 2; ++k) { /* the same command twice (the header holds the command) */
        snprintf(a, sizeof a,
                 "events --config %s --mass 0.1 --n 400 --seed 5 --output %s --backend %s --quiet",
                 thin_path, f1, dy_test_backend_name());
        const int rc = dy_run_cli(a, out, sizeof out);
        if (rc) fail_msg("%s failed (%d):\n%s", a, rc, out);
        if (!k) assert_int_equal(rename(f1, f2), 0);
    }
    size_t n1, n2;
    char *s1 = slurp(f1, &n1), *s2 = slurp(f2, &n2);
    assert_non_null(s1);
    assert_non_null(s2);
    assert_true(n1 == n2 && n1 > 0 && !memcmp(s1, s2, n1)); /* same seed, same bytes */
    assert_non_null(strstr(s1, "thick target: events of the run config"));
    assert_non_null(strstr(s1, "channel brem-e-"));
    assert_non_null(strstr(s1, "NOT pb"));
    assert_non_null(strstr(s1, "energy E varying per event"));
    assert_non_null(strstr(s1, "<init>\n11 1000741840 8.000000000000e+00"));
    assert_non_null(strstr(s1, "</LesHouchesEvents>\n"));
    /* 400 events, each incident line (status -1, id 11) with its own energy */
    int events = 0, distinct = 0;
    double last = -1.0;
    for (const char *p = strstr(s1, "<event>"); p; p = strstr(p + 1, "<event>")) {
        const char *l = strchr(strchr(p, '\n') + 1, '\n') + 1; /* the first particle line */
        int id, st;
        double px, py, pz, E;
        assert_int_equal(
            sscanf(l, "%d %d %*d %*d %*d %*d %lf %lf %lf %lf", &id, &st, &px, &py, &pz, &E), 6);
        assert_int_equal(id, 11);
        assert_int_equal(st, -1);
        assert_true(E > 0.1 && E <= 8.0 && px == 0.0 && py == 0.0 && pz > 0.0 && pz < E);
        distinct += E != last;
        last = E;
        ++events;
    }
    assert_int_equal(events, 400);
    assert_true(distinct > 300);
    free(s1);
    free(s2);
    /* G4DarkBreM's CSV (brem): its column line, then one row per event with the element's Z and
     * the event's own incident energy (MeV with --csv-unit MeV) */
    snprintf(a, sizeof a,
             "events --config %s --mass 0.1 --n 300 --seed 5 --format csv --csv-unit MeV "
             "--output %s --backend %s --quiet",
             thin_path, f1, dy_test_backend_name());
    if (dy_run_cli(a, out, sizeof out)) fail_msg("%s failed:\n%s", a, out);
    s1 = slurp(f1, &n1);
    assert_non_null(s1);
    assert_true(!strncmp(s1, "target_Z,incident_energy,recoil_energy,", 39));
    int rows = 0;
    distinct = 0;
    last = -1.0;
    for (const char *l = strchr(s1, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        double Z, E, Er;
        assert_int_equal(sscanf(l + 1, "%lf,%lf,%lf", &Z, &E, &Er), 3);
        assert_true(Z == 74.0 && E > 100.0 && E <= 8000.0 && Er > 0.0 && Er < E);
        distinct += E != last;
        last = E;
        ++rows;
    }
    assert_int_equal(rows, 300);
    assert_true(distinct > 200);
    free(s1);
    /* HepMC3 (when this build has it): 50 events between HepMC3's own first and last lines */
    snprintf(a, sizeof a,
             "events --config %s --mass 0.1 --n 50 --seed 5 --format hepmc3 --output %s "
             "--backend %s --quiet",
             thin_path, f1, dy_test_backend_name());
    remove(f1);
    const int rc = dy_run_cli(a, out, sizeof out);
    if (rc) {
        assert_non_null(strstr(out, "without HepMC3"));
        assert_null(slurp(f1, &n1));
        return;
    }
    s1 = slurp(f1, &n1);
    assert_non_null(s1);
    assert_true(!strncmp(s1, "HepMC::Version 3", 16));
    assert_non_null(strstr(s1, "thick target: events of the run config"));
    assert_non_null(strstr(s1, "HepMC::Asciiv3-END_EVENT_LISTING"));
    int nev = 0;
    for (const char *l = s1; (l = strstr(l, "\nE ")); ++l)
        ++nev;
    assert_int_equal(nev, 50);
    free(s1);
}

static void bad_input(void **state)
{
    (void)state;
    if (!engine) skip();
    char f[512], a[2048], ann[512];
    snprintf(f, sizeof f, "%s/test_events_thick_%s_bad.lhe", DY_BINARY_DIR, dy_test_backend_name());
    snprintf(ann, sizeof ann, "%s/test_events_thick_%s_ann.yaml", DY_BINARY_DIR,
             dy_test_backend_name());
    FILE *g = fopen(ann, "w");
    assert_non_null(g);
    fputs("name: ann\nbackend: cpu\nbeam:\n  particle: e+\n  energy_GeV: 10\n"
          "target:\n  material: W\n  thickness_X0: 10\nmodel:\n  mediator: vector\n"
          "processes: [annihilation, annihilation-gamma]\nmasses_GeV: [0.05]\n"
          "annihilation:\n  photon_min_GeV: 0.01\n"
          "energy_bins:\n  min_GeV: 0\n  max_GeV: 10\n  n: 10\nquadrature:\n  nodes: 9\n",
          g);
    fclose(g);
    struct {
        const char *args, *msg;
    } cases[] = {
        {"--config /no/such/run.yaml --channel brem-e- --mass 0.1 --n 10", "/no/such/run.yaml"},
        {"--config CFG --channel brem-e- --mass 0.07 --n 10", "not one of the masses"},
        {"--config CFG --mass 0.1 --n 10", "several channels (brem-e-, brem-e+)"},
        {"--config CFG --channel brem-e- --mass 0.1 --n 10 --format root", "lhe, hepmc3 or csv"},
        {"--config CFG --channel brem-e- --mass 0.1 --n 10 --csv-unit MeV",
         "applies to --format csv"},
        {"--config CFG --channel brem-e- --n 10", "--mass is required"},
        {"--config CFG --channel brem-e- --mass 0.1 --n 0", "--n"},
        {"--config CFG --channel brem-e- --mass 0.1 --n 10 --energy 8", "unknown"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        char args[512];
        const char *s = cases[k].args;
        size_t j = 0;
        while (*s && j < sizeof args - 256) { /* CFG / ANN: the two configs */
            if (!strncmp(s, "CFG", 3) || !strncmp(s, "ANN", 3)) {
                j += (size_t)snprintf(args + j, sizeof args - j, "%s", *s == 'C' ? cfg_path : ann);
                s += 3;
            } else
                args[j++] = *s++;
        }
        args[j] = 0;
        remove(f);
        snprintf(a, sizeof a, "events %s --output %s --backend cpu", args, f);
        const int rc = dy_run_cli(a, out, sizeof out);
        if (rc == 0 || !strstr(out, cases[k].msg))
            fail_msg("'%s': rc %d, expected a message with '%s':\n%s", a, rc, cases[k].msg, out);
        assert_false(exists(f));
    }
    /* channels the plan lacks or that have no nodes: the same messages through the API (the
     * command prints them; each command run would build the shower tables anew) */
    dy_run_channel_view v;
    dy_error err;
    assert_int_equal(dy_run_channel(run, "brem-mu", 1, &v, &err), DY_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no channel 'brem-mu' (this config has: brem-e-, brem-e+)"));
    dy_config ac;
    dy_run *ar;
    if (dy_config_load(ann, &ac, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_run_open(&ac, 0, &ar, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(dy_run_channel(ar, "annihilation", 0, &v, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "closed-form cross section"));
    /* e+ e- -> gamma A' has nodes but no thick-target final state: refused by name */
    dy_thick th;
    dy_vegas_options o;
    dy_vegas_options_default(&o);
    assert_int_equal(dy_run_channel(ar, "annihilation-gamma", 0, &v, &err), DY_OK);
    assert_int_equal(dy_thick_init(&th, engine, &v, &o, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "no thick-target events for channel annihilation-gamma"));
    dy_run_close(ar);
    dy_config_free(&ac);
}

/* Primakoff and dark Compton of the shower photons and brem of a beam muon (20 GeV on 20 X0 of
 * Pb, 9 nodes, 1e-2): the events' yield against the run's N_total within 4 sigma, every event
 * balanced with its incident particle (22, 22, 13) at its own energy. */
static void photon_and_muon_channels(void **state)
{
    (void)state;
    if (!engine) skip();
    static const char *common = "seed: 3\nbackend: cpu\nprecision: 0.01\n"
                                "target:\n  material: Pb\n  thickness_X0: 20\n"
                                "quadrature:\n  nodes: 9\n"
                                "energy_bins:\n  min_GeV: 0\n  max_GeV: 20\n  n: 10\n"
                                "output:\n  dir: test_events_thick_out\n  formats: [csv]\n";
    const struct {
        const char *name, *beam, *model, *proc, *channel;
        double m;
        int pdg, nout;
    } cs[] = {{"prim", "e-", "alp\n  coupling: 1e-4", "primakoff", "primakoff", 0.02, 22, 2},
              {"cmp", "e-", "vector", "compton", "compton", 0.005, 22, 2},
              {"mu", "mu-", "vector", "brem", "brem-mu", 0.1, 13, 3}};
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; ++k) {
        char path[512];
        snprintf(path, sizeof path, "%s/test_events_thick_%s_%s.yaml", DY_BINARY_DIR,
                 dy_test_backend_name(), cs[k].name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f,
                "name: %s\n%sbeam:\n  particle: %s\n  energy_GeV: 20\nmodel:\n  mediator: %s\n"
                "processes: [%s]\nmasses_GeV: [%g]\n",
                cs[k].name, common, cs[k].beam, cs[k].model, cs[k].proc, cs[k].m);
        fclose(f);
        dy_config c;
        dy_yield_grid g;
        dy_run *r;
        dy_error err;
        dy_run_channel_view v;
        dy_thick t;
        if (dy_config_load(path, &c, &err) != DY_OK) fail_msg("%s", err.msg);
        if (dy_run_grid(&c, engine, 0, &g, &err) != DY_OK) fail_msg("%s", err.msg);
        if (dy_run_open(&c, 0, &r, &err) != DY_OK) fail_msg("%s", err.msg);
        if (dy_run_channel(r, cs[k].channel, 0, &v, &err) != DY_OK) fail_msg("%s", err.msg);
        dy_vegas_options vo;
        dy_vegas_options_default(&vo);
        vo.seed = SEED;
        vo.rel_precision = c.precision;
        vo.max_eval = c.max_eval;
        dy_unweight_options uo;
        dy_unweight_options_default(&uo);
        uo.seed = SEED;
        uo.n_events = 2000;
        if (dy_thick_init(&t, engine, &v, &vo, &err) != DY_OK ||
            dy_thick_unweight(&t, &uo, &err) != DY_OK)
            fail_msg("%s: %s", cs[k].channel, err.msg);
        const double N = g.ch[0].N_total[0], dN = g.ch[0].N_total_err[0];
        const double Y = t.st.mean_w, dY = t.st.mean_w_error;
        printf("%s: events %.6g +- %.2g, run %.6g +- %.2g, efficiency %.3g\n", cs[k].channel, Y, dY,
               N, dN, t.st.efficiency);
        assert_string_equal(g.ch[0].name, cs[k].channel);
        assert_true(N > 0.0 && dY > 0.0 && fabs(Y - N) < 4.0 * sqrt(dY * dY + dN * dN));
        for (uint64_t i = 0; i < t.n_events; ++i) {
            dy_event ev;
            double E;
            assert_int_equal(dy_thick_event(&t, i, 622, &ev, &E), 0);
            assert_int_equal(ev.n, 2 + cs[k].nout);
            assert_int_equal(ev.part[0].pdg, cs[k].pdg);
            assert_true(E == ev.part[0].p[0] && E > cs[k].m && E <= 20.0);
            const double M = ev.part[1].m;
            for (int q = 0; q < 4; ++q) {
                const double in = ev.part[0].p[q] + ev.part[1].p[q];
                double o = 0.0;
                for (int j = 2; j < ev.n; ++j)
                    o += ev.part[j].p[q];
                dy_assert_close(o, in, 1e-12 * (E + M), 0.0);
            }
        }
        dy_thick_free(&t);
        dy_run_close(r);
        dy_yield_grid_free(&g);
        dy_config_free(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(total_matches_run), cmocka_unit_test(conservation),
        cmocka_unit_test(incident_energy),   cmocka_unit_test(boson_energy),
        cmocka_unit_test(reproducible),      cmocka_unit_test(command),
        cmocka_unit_test(bad_input),         cmocka_unit_test(photon_and_muon_channels),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
