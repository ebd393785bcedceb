/* test_api.c — the public C API (include/darkyield/): the version; dy_xsec_compute returns what
 * the engine gives for the same request (bit for bit: same parameters, same seed), the
 * deterministic approximations unchanged, sigma exactly proportional to coupling^2 and, per
 * atom, to Z; bad options refused with the command line's words and nothing written; a yield
 * grid from a config text equal to dy_run_grid's, written as `darkyield run` writes it, and
 * config errors naming the config and line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "darkyield/dy.h"
#include "dy_test.h"
#include "io/config.h"
#include "jobs/run.h"
#include "physics/xsec.h"

static void version(void **state)
{
    (void)state;
    assert_string_equal(dy_version(), DY_VERSION);
    assert_int_equal(dy_version_number(), DY_VERSION_NUMBER);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", DY_VERSION_MAJOR, DY_VERSION_MINOR, DY_VERSION_PATCH);
    assert_string_equal(v, DY_VERSION);
}

static dy_engine *cpu(void)
{
    dy_engine *e = NULL;
    dy_error err;
    if (dy_engine_open("cpu", &e, &err) != DY_OK) fail_msg("%s", err.msg);
    return e;
}

/* e W -> e W A' at 8 GeV, as examples/xsec_scan.c */
static void brem_spec(dy_xsec_spec *s)
{
    dy_xsec_spec_default(s);
    s->process = "brem";
    s->target = "W";
    s->coupling = 1e-4;
    s->precision = 2e-2;
}

static const double E[3] = {8.0, 8.0, 8.0}, M[3] = {0.01, 0.1, 0.5};

static void xsec_is_the_engine_result(void **state)
{
    (void)state;
    dy_engine *e = cpu();
    dy_xsec_spec s;
    dy_xsec_value v[3];
    dy_error err;
    brem_spec(&s);
    if (dy_xsec_compute(e, &s, 3, E, M, v, &err) != DY_OK) fail_msg("%s", err.msg);

    /* the same request by hand: physics/xsec.h, then one engine call */
    dy_xsec_request r;
    dy_params p[3];
    dy_result res[3];
    dy_xsec_request_default(&r);
    r.process = DY_XPROC_BREM;
    r.Z = 74;
    r.A = 183.84;
    r.coupling = 1e-4;
    for (int i = 0; i < 3; ++i) {
        r.energy = E[i];
        r.mass = M[i];
        assert_int_equal(dy_xsec_setup(&r, &p[i], &err), DY_OK);
        p[i].id = 0;
        dy_xsec_select_form(&r, &p[i], NULL);
    }
    dy_vegas_options o;
    dy_vegas_options_default(&o);
    o.rel_precision = 2e-2;
    o.max_eval = s.max_eval;
    o.seed = 1;
    assert_int_equal(dy_integrate(e, p, 3, &o, NULL, res, NULL, &err), DY_OK);
    for (int i = 0; i < 3; ++i) {
        assert_true(v[i].value > 0.0 && v[i].error > 0.0);
        assert_true(v[i].value == res[i].value && v[i].error == res[i].error);
        assert_true(v[i].n_eval == res[i].n_eval && v[i].converged == res[i].converged);
        assert_true(v[i].error <= 2e-2 * v[i].value); /* the precision asked for */
        assert_string_equal(v[i].unit, "pb");
        assert_string_equal(v[i].coupling_name, "eps");
        assert_true(v[i].Z == 74.0 && v[i].A == 183.84);
        assert_true(v[i].energy_GeV == E[i] && v[i].mass_GeV == M[i]);
    }
    /* sigma ~ eps^2 exactly: the coupling stays out of the random stream */
    dy_xsec_value w[3];
    s.coupling = 3e-4;
    assert_int_equal(dy_xsec_compute(e, &s, 3, E, M, w, &err), DY_OK);
    for (int i = 0; i < 3; ++i)
        dy_assert_close(w[i].value, 9.0 * v[i].value, 0.0, 1e-12);
    /* the deterministic IWW is physics/xsec.h's dy_xsec_approx; no MC numbers */
    s.coupling = 1e-4;
    s.method = "iww";
    assert_int_equal(dy_xsec_compute(NULL, &s, 3, E, M, w, &err), DY_OK);
    for (int i = 0; i < 3; ++i) {
        double a, ae;
        r.energy = E[i];
        r.mass = M[i];
        assert_int_equal(dy_xsec_approx(&r, DY_XM_IWW, &a, &ae, &err), DY_OK);
        assert_true(w[i].value == a && w[i].error == ae);
        assert_true(isnan(w[i].chi2_dof) && w[i].n_eval == 0 && w[i].converged);
    }
    dy_engine_close(e);
}

/* Histograms: every observable's bins add up to the cross section (to rounding: the same
 * weights), and the 4-D form they need (azimuth sampled) agrees with the 3-D default (azimuth
 * integrated analytically) within the errors. */
static void xsec_histograms(void **state)
{
    (void)state;
    dy_engine *e = cpu();
    dy_xsec_spec s;
    dy_xsec_value v, v3;
    dy_error err;
    brem_spec(&s);
    dy_xsec_histogram *h = calloc(DY_XSEC_MAX_OBS, sizeof *h);
    assert_non_null(h);
    if (dy_xsec_compute_histograms(e, &s, 1, &E[1], &M[1], &v, h, &err) != DY_OK)
        fail_msg("%s", err.msg);
    static const char *const names[] = {"x", "theta_X", "E_lepton", "theta_lepton"};
    for (int k = 0; k < DY_XSEC_MAX_OBS; ++k) {
        assert_string_equal(h[k].name, names[k]);
        assert_true(h[k].nbins > 0);
        double sum = 0.0;
        for (int b = 0; b < h[k].nbins; ++b) {
            assert_true(h[k].edges[b + 1] > h[k].edges[b]);
            assert_true(h[k].dsigma[b] >= 0.0 && h[k].error[b] >= 0.0);
            sum += h[k].dsigma[b] * (h[k].edges[b + 1] - h[k].edges[b]);
        }
        dy_assert_close(sum, v.value, 0.0, 1e-12);
    }
    assert_true(h[1].log_bins && !h[0].log_bins);
    assert_int_equal(dy_xsec_compute(e, &s, 1, &E[1], &M[1], &v3, &err), DY_OK);
    const double sig = hypot(v.error, v3.error);
    if (!(fabs(v.value - v3.value) < 4.0 * sig))
        fail_msg("4-D %.8g +- %.3g vs 3-D %.8g +- %.3g", v.value, v.error, v3.value, v3.error);
    /* deterministic methods have no histograms */
    s.method = "ww";
    assert_int_equal(dy_xsec_compute_histograms(e, &s, 1, &E[1], &M[1], &v, h, &err),
                     DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "histograms need a Monte-Carlo method"));
    free(h);
    dy_engine_close(e);
}

static void annihilation_per_atom(void **state)
{
    (void)state;
    dy_engine *e = cpu();
    dy_xsec_spec s;
    dy_xsec_value a, b;
    dy_error err;
    dy_xsec_spec_default(&s);
    s.process = "annihilation";
    s.coupling = 1e-4;
    s.precision = 1e-2;
    /* on resonance: E+ = m^2 / (2 m_e) for m = 0.1 GeV */
    const double Er = 0.01 / (2 * 0.51099895e-3);
    assert_int_equal(dy_xsec_point(e, &s, Er, 0.1, &a, &err), DY_OK);
    s.target = "Pb";
    s.per_atom = 1;
    assert_int_equal(dy_xsec_point(e, &s, Er, 0.1, &b, &err), DY_OK);
    assert_true(a.value > 0.0);
    dy_assert_close(b.value, 82.0 * a.value, 0.0, 1e-12);
    s.method = "nwa";
    assert_int_equal(dy_xsec_point(e, &s, Er, 0.1, &b, &err), DY_OK);
    assert_string_equal(b.unit, "pb*GeV");
    dy_engine_close(e);
}

/* A call that fails says why, in the command line's words, and leaves out[] alone. */
static void expect_xsec_error(const dy_xsec_spec *s, double energy, double mass, dy_status want,
                              const char *needle)
{
    dy_xsec_value v;
    dy_error err;
    memset(&v, 0x5a, sizeof v);
    const dy_status st = dy_xsec_point(NULL, s, energy, mass, &v, &err);
    if (st != want) fail_msg("status %d, expected %d (%s)", st, want, err.msg);
    if (!strstr(err.msg, needle)) fail_msg("message '%s' lacks '%s'", err.msg, needle);
    const unsigned char *b = (const unsigned char *)&v;
    for (size_t i = 0; i < sizeof v; ++i)
        assert_int_equal(b[i], 0x5a);
}

static void xsec_errors(void **state)
{
    (void)state;
    dy_xsec_spec s;
    brem_spec(&s);
    expect_xsec_error(&s, 8.0, 9.0, DY_ERR_INVALID, "kinematic limit");
    expect_xsec_error(&s, -8.0, 0.1, DY_ERR_INVALID, "expected positive numbers");
    s.process = "brems";
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "process 'brems'");
    brem_spec(&s);
    s.target = "water";
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "compound or mixture");
    s.target = "Unobtainium";
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_NOT_FOUND, "Unobtainium");
    s.target = "82,x";
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "expected Z,A");
    s.target = NULL;
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "target is required");
    brem_spec(&s);
    s.method = "nwa";
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "does not apply to process brem");
    s.method = "etl";
    s.mediator = "tensor";
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "mediator 'tensor'");
    brem_spec(&s);
    s.lepton = "tau";
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "lepton 'tau'");
    brem_spec(&s);
    s.coupling = -1;
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "coupling");
    brem_spec(&s);
    s.precision = 1.5;
    expect_xsec_error(&s, 8.0, 0.1, DY_ERR_INVALID, "precision");
    dy_xsec_spec_default(&s);
    s.process = "annihilation";
    s.dm_kind = "axion";
    expect_xsec_error(&s, 10.0, 0.1, DY_ERR_INVALID, "dm-kind 'axion'");
    s.dm_kind = NULL;
    s.mediator = "vector";
    expect_xsec_error(&s, 10.0, 0.1, DY_ERR_INVALID, "mediator does not apply");
    dy_error err;
    assert_int_equal(dy_xsec_compute(NULL, NULL, 1, E, M, NULL, &err), DY_ERR_INVALID);
}

static const char *cfg_text =
    "name: api\nseed: 3\nprecision: 0.02\n"
    "beam: {particle: e-, energy_GeV: 100}\n"
    "target: {material: Pb, thickness_X0: 40}\n"
    "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
    "dm_kind: dirac, coupling: 1.0e-4}\n"
    "processes: [annihilation]\n"
    "masses_GeV: [0.1, 0.2]\n"
    "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
    "cuts: {energy_min_GeV: 30}\n"
    "output: {dir: %s, formats: [hdf5, csv], plots: false}\n";

static void yields_from_text(void **state)
{
    (void)state;
    char dir[512], text[2048], path[700];
    dy_error err;
    snprintf(dir, sizeof dir, "%s/test_api_out", DY_BINARY_DIR);
    snprintf(text, sizeof text, cfg_text, dir);
    dy_engine *e = cpu();
    dy_yields *y = NULL;
    dy_yields_options o;
    dy_yields_options_default(&o);
    if (dy_yields_run_string(e, text, strlen(text), "api.yaml", &o, &y, &err) != DY_OK)
        fail_msg("%s", err.msg);

    /* the same config through dy_run_grid */
    dy_config cfg;
    dy_yield_grid g;
    assert_int_equal(dy_config_parse(text, strlen(text), "api.yaml", &cfg, &err), DY_OK);
    assert_int_equal(dy_run_grid(&cfg, e, 0, &g, &err), DY_OK);
    assert_int_equal(dy_yields_n_masses(y), 2);
    assert_int_equal(dy_yields_n_ebins(y), 10);
    assert_int_equal(dy_yields_n_channels(y), g.n_channels);
    assert_string_equal(dy_yields_channel_name(y, 0), "annihilation");
    assert_string_equal(dy_yields_channel_name(y, -1), "total");
    assert_null(dy_yields_channel_name(y, g.n_channels));
    assert_null(dy_yields_N_above(y, g.n_channels, NULL));
    assert_string_equal(dy_yields_coupling_name(y), "eps");
    assert_string_equal(dy_yields_backend(y), "cpu");
    dy_assert_close(dy_yields_cut_GeV(y), 30.0, 0.0, 0.0);
    dy_assert_close(dy_yields_coupling(y), 1e-4, 0.0, 0.0);
    const double *ea, *et, *ed;
    const double *a = dy_yields_N_above(y, -1, &ea), *t = dy_yields_N_total(y, 0, &et);
    const double *d = dy_yields_dNdE(y, 0, &ed);
    double above[2], above_err[2];
    for (int m = 0; m < 2; ++m) {
        above[m] = a[m];
        above_err[m] = ea[m];
        assert_true(dy_yields_masses(y)[m] == g.masses_GeV[m]);
        assert_true(a[m] == g.sum_N_above[m] && ea[m] == g.sum_N_above_err[m]);
        assert_true(t[m] == g.ch[0].N_total[m] && et[m] == g.ch[0].N_total_err[m]);
        assert_true(a[m] > 0.0 && a[m] <= t[m]);
        for (int b = 0; b < 10; ++b)
            assert_true(d[m * 10 + b] == g.ch[0].dNdE[m * 10 + b] &&
                        ed[m * 10 + b] == g.ch[0].dNdE_err[m * 10 + b]);
    }
    for (int b = 0; b <= 10; ++b)
        dy_assert_close(dy_yields_ebin_edges(y)[b], 10.0 * b, 1e-12, 0.0);
    dy_yield_grid_free(&g);
    dy_config_free(&cfg);

    /* written as the run writes it: both files, under the config's out_dir */
    assert_int_equal(dy_yields_write(y, NULL, &err), DY_OK);
    struct stat st;
    snprintf(path, sizeof path, "%s/api.h5", dir);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/api_integrated.csv", dir);
    assert_int_equal(stat(path, &st), 0);
    dy_yields_free(y);

    /* overrides as --set: twice the coupling, four times the yields (MC errors apart) */
    const char *sets[] = {"model.coupling=2e-4", "masses_GeV=[0.1, 0.2]"};
    o.sets = sets;
    o.n_sets = 2;
    dy_yields *y2 = NULL;
    if (dy_yields_run_string(e, text, strlen(text), "api.yaml", &o, &y2, &err) != DY_OK)
        fail_msg("%s", err.msg);
    dy_assert_close(dy_yields_coupling(y2), 2e-4, 0.0, 0.0);
    const double *a2e, *a2 = dy_yields_N_above(y2, -1, &a2e);
    for (int m = 0; m < 2; ++m) {
        const double sig = hypot(a2e[m], 4.0 * above_err[m]);
        if (!(fabs(a2[m] - 4.0 * above[m]) <= 4.0 * sig + 1e-9 * above[m]))
            fail_msg("m %d: %.10g, expected 4 x %.10g +- %.3g", m, a2[m], above[m], sig);
    }
    dy_yields_free(y2);
    const char *bad_set[] = {"seed.x=1"};
    o.sets = bad_set;
    o.n_sets = 1;
    assert_int_equal(dy_yields_run_string(e, text, strlen(text), "api.yaml", &o, &y2, &err),
                     DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "--set seed.x"));
    assert_null(y2);
    dy_engine_close(e);
}

static void yields_errors(void **state)
{
    (void)state;
    dy_yields *y = (dy_yields *)&y; /* set to NULL on failure */
    dy_error err;
    const char bad[] = "name: bad\nbeam: {particle: e-, energy_GeV: 100}\nmases_GeV: [0.1]\n";
    assert_int_equal(dy_yields_run_string(NULL, bad, strlen(bad), "bad.yaml", NULL, &y, &err),
                     DY_ERR_INVALID);
    assert_null(y);
    if (!strstr(err.msg, "bad.yaml:3") || !strstr(err.msg, "mases_GeV"))
        fail_msg("message '%s' lacks the file, line and key", err.msg);
    assert_int_equal(dy_yields_run_file(NULL, "/no/such/config.yaml", NULL, &y, &err),
                     DY_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "/no/such/config.yaml"));
    char text[2048];
    snprintf(text, sizeof text, cfg_text, "x");
    dy_yields_options o;
    dy_yields_options_default(&o);
    o.backend = "nonesuch";
    assert_int_not_equal(dy_yields_run_string(NULL, text, strlen(text), "b", &o, &y, &err), DY_OK);
    assert_non_null(strstr(err.msg, "nonesuch"));
    assert_null(y);
    dy_yields_free(NULL);
}

/* The geometry outputs through the API (docs/geometry.md): off by default (0 bins, NULL);
 * with `geometry:` the edges and the arrays, which sum to dNdE over angle and over depth. */
static void yields_geometry(void **state)
{
    (void)state;
    const char *base = "name: geo\nprecision: 0.05\nbeam: {particle: e-, energy_GeV: 8}\n"
                       "target: {material: W, thickness_X0: 0.1}\nmodel: {mediator: vector, "
                       "decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333, coupling: 1}\n"
                       "processes: [brem]\nmasses_GeV: [0.05]\nenergy_bins: {min_GeV: 0, "
                       "max_GeV: 8, n: 4}\nquadrature: {nodes: 9}\n";
    char text[1024];
    dy_error err;
    dy_yields *y = NULL;
    if (dy_yields_run_string(NULL, base, strlen(base), "geo.yaml", NULL, &y, &err) != DY_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(dy_yields_n_theta_bins(y), 0);
    assert_int_equal(dy_yields_n_depth_bins(y), 0);
    assert_null(dy_yields_dNdE_theta(y, -1, NULL));
    assert_null(dy_yields_depth_edges(y));
    dy_yields_free(y);
    snprintf(text, sizeof text, "%sgeometry: {theta_bins: 5, depth_bins: 3}\n", base);
    if (dy_yields_run_string(NULL, text, strlen(text), "geo.yaml", NULL, &y, &err) != DY_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(dy_yields_n_theta_bins(y), 5);
    assert_int_equal(dy_yields_n_depth_bins(y), 3);
    dy_assert_close(dy_yields_theta_edges(y)[0], 1e-6, 0.0, 1e-12);
    dy_assert_close(dy_yields_theta_edges(y)[5], 0.3, 0.0, 1e-12);
    dy_assert_close(dy_yields_depth_edges(y)[0], 0.0, 0.0, 0.0);
    const double *te, *de, *d = dy_yields_dNdE(y, -1, NULL);
    const double *t = dy_yields_dNdE_theta(y, -1, &te), *z = dy_yields_dNdE_depth(y, 0, &de);
    assert_non_null(te);
    assert_non_null(de);
    for (int b = 0; b < 4; ++b) {
        double st = 0.0, sz = 0.0;
        for (int k = 0; k < 5; ++k)
            st += t[b * 5 + k];
        for (int k = 0; k < 3; ++k)
            sz += z[k * 4 + b];
        dy_assert_close(st, d[b], 1e-300, 1e-9);
        dy_assert_close(sz, d[b], 1e-300, 1e-7);
    }
    dy_yields_free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version),         cmocka_unit_test(xsec_is_the_engine_result),
        cmocka_unit_test(xsec_histograms), cmocka_unit_test(annihilation_per_atom),
        cmocka_unit_test(xsec_errors),     cmocka_unit_test(yields_from_text),
        cmocka_unit_test(yields_errors),   cmocka_unit_test(yields_geometry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
