/* test_api_limits.c — the public limit, material and track-length calls (dy_limits.h,
 * dy_materials.h): an invisible dark-photon limit from an in-memory grid equals the analytic
 * eps = eps0 sqrt(s_up/(N_pot N_above)) with s_up = ln 10 (0 observed, no background, 90% CLs),
 * the same limits from the grid written to HDF5, a CSV equal to `darkyield limit`'s, overrides;
 * bad input refused with a message naming the problem; radiation lengths against the PDG's
 * tables; the thin-target track length integrating to the thickness, Rossi's approximation B to
 * E0 X0/Ec, the integral equal to the sum of the spectrum's values, photons refused down to 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "darkyield/dy.h"
#include "dy_test.h"

/* |a - b| <= tol, with both numbers in the message */
#define assert_double_equal(a, b, tol)                                                             \
    do {                                                                                           \
        const double a_ = (a), b_ = (b);                                                           \
        if (!(fabs(a_ - b_) <= (tol))) fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);         \
    } while (0)

static const char *run_text =
    "name: apilim\nseed: 5\nprecision: 0.02\n"
    "beam: {particle: e-, energy_GeV: 100}\n"
    "target: {material: Pb, thickness_X0: 40}\n"
    "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
    "dm_kind: dirac, coupling: 1.0e-4}\n"
    "processes: [annihilation]\n"
    "masses_GeV: [0.1, 0.2]\n"
    "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
    "cuts: {energy_min_GeV: 30}\n"
    "output: {dir: %s, formats: [hdf5, csv], plots: false}\n";

static const char *lim_text = "name: apilim\n"
                              "model: {particle: dark_photon}\n"
                              "mode: invisible\n"
                              "statistics: {pot: 1.0e11, observed: 0, background: 0, cl: 0.9, "
                              "method: poisson}\n"
                              "output: {dir: %s, formats: [csv], plots: false}\n";

static dy_yields *Y;  /* one grid for every test */
static char dir[512]; /* its outputs */

/* the run's progress: integrals done never decrease, never exceed the total, end at it */
static size_t run_done, run_total, run_calls;
static void run_progress(void *user, size_t done, size_t total)
{
    (void)user;
    if (done < run_done || done > total || (run_total && total != run_total))
        run_calls = 0;
    else
        ++run_calls;
    run_done = done;
    run_total = total;
}

static int setup(void **state)
{
    (void)state;
    char text[2048];
    dy_error err;
    snprintf(dir, sizeof dir, "%s/test_api_limits_out", DY_BINARY_DIR);
    snprintf(text, sizeof text, run_text, dir);
    dy_yields_options o;
    dy_yields_options_default(&o);
    o.backend = "cpu";
    if (dy_yields_run_string(NULL, text, strlen(text), "run.yaml", &o, &Y, &err) != DY_OK ||
        dy_yields_write(Y, NULL, &err) != DY_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dy_yields_free(Y);
    return 0;
}

static dy_limits *limits_of(const char *extra, const dy_limits_options *o)
{
    char text[2048];
    dy_error err;
    dy_limits *l = NULL;
    snprintf(text, sizeof text, lim_text, dir);
    strncat(text, extra, sizeof text - strlen(text) - 1);
    if (dy_limits_compute_string(text, strlen(text), "limit.yaml", o, &l, &err) != DY_OK)
        fail_msg("%s", err.msg);
    return l;
}

/* dy_yields_options.on_progress over a brem grid's VEGAS integrals; results unchanged */
static void run_progress_calls(void **state)
{
    (void)state;
    static const char *text = "name: prog\nseed: 5\nprecision: 0.05\n"
                              "beam: {particle: e-, energy_GeV: 100}\n"
                              "target: {material: Pb, thickness_X0: 40}\n"
                              "model: {mediator: vector, decay: invisible, coupling: 1.0e-4}\n"
                              "processes: [brem]\nmasses_GeV: [0.1]\n"
                              "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n";
    dy_yields_options o;
    dy_yields_options_default(&o);
    o.backend = "cpu";
    dy_yields *a = NULL, *b = NULL;
    dy_error err;
    if (dy_yields_run_string(NULL, text, strlen(text), "prog", &o, &a, &err) != DY_OK)
        fail_msg("%s", err.msg);
    o.on_progress = run_progress;
    if (dy_yields_run_string(NULL, text, strlen(text), "prog", &o, &b, &err) != DY_OK)
        fail_msg("%s", err.msg);
    assert_true(run_calls >= 2); /* some iterations, then the end */
    assert_true(run_total > 0);
    assert_int_equal(run_done, run_total);
    assert_double_equal(dy_yields_N_above(a, -1, NULL)[0], dy_yields_N_above(b, -1, NULL)[0], 0.0);
    dy_yields_free(a);
    dy_yields_free(b);
}

static void invisible_is_analytic(void **state)
{
    (void)state;
    dy_limits_options o;
    dy_limits_options_default(&o);
    o.yields = Y;
    o.silent = 1;
    dy_limits *l = limits_of("", &o);
    assert_int_equal(dy_limits_n_points(l), 2);
    double ev[6];
    dy_limits_event_limits(l, ev);
    assert_double_equal(ev[0], log(10.0), 1e-9); /* P(0 | s) = 0.1 */
    const double *m = dy_limits_column(l, "mass_GeV"), *g = dy_limits_column(l, "coupling_obs");
    const double *ge = dy_limits_column(l, "coupling_exp");
    assert_non_null(m);
    assert_non_null(g);
    assert_non_null(ge);
    const double *na = dy_yields_N_above(Y, -1, NULL);
    for (int i = 0; i < 2; ++i) {
        assert_double_equal(m[i], dy_yields_masses(Y)[i], 0.0);
        const double want = 1e-4 * sqrt(log(10.0) / (1e11 * na[i]));
        assert_true(fabs(g[i] / want - 1.0) < 1e-12);
        assert_double_equal(ge[i], g[i], 0.0); /* b = 0: the expected limit is the observed */
    }
    assert_null(dy_limits_column(l, "obs_lower")); /* a visible-mode column */
    assert_null(dy_limits_column(l, "no_such_column"));
    assert_string_equal(dy_limits_column_name(l, 0), "mass_GeV");
    assert_null(dy_limits_column_name(l, dy_limits_n_columns(l)));
    assert_string_equal(dy_limits_coupling_name(l), "eps");
    assert_string_equal(dy_limits_coupling_unit(l), "1");
    assert_string_equal(dy_limits_mode(l), "invisible");
    assert_double_equal(dy_limits_cl(l), 0.9, 0.0);
    assert_double_equal(dy_limits_cut_GeV(l), 30.0, 0.0);
    dy_limits_free(l);

    /* overrides, as --set: 4x the particles on target halve the coupling limit */
    const char *sets[] = {"statistics.pot=4e11"};
    o.sets = sets;
    o.n_sets = 1;
    dy_limits *l4 = limits_of("", &o);
    const double *g4 = dy_limits_column(l4, "coupling_obs");
    for (int i = 0; i < 2; ++i)
        assert_true(fabs(g4[i] / (1e-4 * sqrt(log(10.0) / (4e11 * na[i]))) - 1.0) < 1e-12);
    dy_limits_free(l4);
}

static int progress_calls;
static void count(void *user, int done, int total)
{
    (void)user;
    assert_int_equal(total, 2);
    assert_int_equal(done, ++progress_calls);
}

/* The file written by dy_yields_write gives the same limits, and dy_limits_write the CSV the
 * command writes for the same config. */
static void from_file_and_as_the_cli(void **state)
{
    (void)state;
    char h5[700], cfgp[700], d_api[700], d_cli[700], text[2048], cmd[3000];
    snprintf(h5, sizeof h5, "%s/apilim.h5", dir);
    snprintf(d_api, sizeof d_api, "%s/api", dir);
    snprintf(d_cli, sizeof d_cli, "%s/cli", dir);
    snprintf(cfgp, sizeof cfgp, "%s/limit.yaml", dir);
    snprintf(text, sizeof text, lim_text, d_cli);
    FILE *f = fopen(cfgp, "w");
    assert_non_null(f);
    fprintf(f, "yields: apilim.h5\n%s", text);
    fclose(f);

    dy_limits_options o;
    dy_limits_options_default(&o);
    o.yields = Y;
    o.silent = 1;
    dy_limits *mem = limits_of("", &o);
    dy_limits_options_default(&o);
    o.silent = 1;
    o.progress = count;
    dy_limits *fl = NULL;
    dy_error err;
    if (dy_limits_compute_file(cfgp, &o, &fl, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(progress_calls, 2);
    assert_int_equal(dy_limits_n_columns(fl), dy_limits_n_columns(mem));
    for (int k = 0; k < dy_limits_n_columns(fl); ++k) {
        const char *name = dy_limits_column_name(fl, k);
        const double *a = dy_limits_column(fl, name), *b = dy_limits_column(mem, name);
        assert_non_null(b);
        for (int i = 0; i < 2; ++i)
            assert_double_equal(a[i], b[i], 0.0);
    }
    if (dy_limits_write(fl, d_api, &err) != DY_OK) fail_msg("%s", err.msg);
    char csv[800];
    snprintf(csv, sizeof csv, "%s/apilim_limits.csv", d_api);
    assert_string_equal(dy_limits_csv_path(fl), csv);
    snprintf(cmd, sizeof cmd, "'%s' limit '%s' --no-plots --quiet > /dev/null", DY_CLI, cfgp);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s/apilim_limits.csv'", csv, d_cli);
    assert_int_equal(system(cmd), 0);
    dy_limits_free(fl);
    dy_limits_free(mem);
}

static void expect_limit_error(const char *text, const dy_limits_options *o, dy_status want,
                               const char *msg)
{
    dy_error err;
    dy_limits *l = (dy_limits *)&err; /* must come back NULL */
    assert_int_equal(dy_limits_compute_string(text, strlen(text), "bad.yaml", o, &l, &err), want);
    assert_null(l);
    if (!strstr(err.msg, msg)) fail_msg("'%s' does not say '%s'", err.msg, msg);
}

static void limit_errors(void **state)
{
    (void)state;
    dy_limits_options o;
    dy_limits_options_default(&o);
    o.silent = 1;
    const char *ok = "model: {particle: dark_photon}\nstatistics: {pot: 1e11}\n";
    expect_limit_error(ok, &o, DY_ERR_INVALID, "missing required key 'yields'");
    expect_limit_error("model: {particle: dark_photon}\nstatistics: {pot: 1e11}\nbogus: 1\n", &o,
                       DY_ERR_INVALID, "bad.yaml:3");
    o.yields_path = "/nonexistent/y.h5";
    expect_limit_error(ok, &o, DY_ERR_NOT_FOUND, "/nonexistent/y.h5");
    o.yields_path = NULL;
    o.yields = Y;
    expect_limit_error("model: {particle: dark_photon}\nstatistics: {pot: 1e11}\n"
                       "channels: [brem-e-]\n",
                       &o, DY_ERR_NOT_FOUND, "no channel 'brem-e-'");
    expect_limit_error("model: {particle: alp}\nstatistics: {pot: 1e11}\n", &o, DY_ERR_INVALID,
                       "model");
    expect_limit_error("model: {particle: dark_photon}\nstatistics: {pot: -1}\n", &o,
                       DY_ERR_INVALID, "pot");
    const char *sets[] = {"statistics.cl=2"};
    o.sets = sets;
    o.n_sets = 1;
    expect_limit_error(ok, &o, DY_ERR_INVALID, "cl");
    dy_error err;
    dy_limits *l = NULL;
    assert_int_equal(dy_limits_compute_file(NULL, &o, &l, &err), DY_ERR_INVALID);
    assert_int_equal(dy_limits_compute_string(NULL, 0, NULL, &o, &l, &err), DY_ERR_INVALID);
    assert_int_equal(dy_limits_write(NULL, NULL, &err), DY_ERR_INVALID);
    assert_int_equal(dy_limits_n_points(NULL), 0);
    assert_null(dy_limits_column(NULL, "mass_GeV"));
}

/* Radiation lengths: the PDG's table of atomic and nuclear properties (Pb 6.37 g/cm^2, 0.5612
 * cm; W 6.76 g/cm^2, 0.3504 cm), which quotes Tsai's formula; 0.5% covers its rounding and the
 * table's densities. */
static void materials(void **state)
{
    (void)state;
    dy_material_info m;
    dy_error err;
    if (dy_material_find("Pb", &m, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(m.n_elements, 1);
    assert_double_equal(m.Z[0], 82.0, 0.0);
    assert_true(fabs(m.A[0] - 207.2) < 0.01);
    assert_true(fabs(m.density_g_cm3 - 11.35) < 0.01);
    assert_true(fabs(m.X0_g_cm2 / 6.37 - 1.0) < 5e-3);
    assert_true(fabs(m.X0_cm / 0.5612 - 1.0) < 5e-3);
    assert_double_equal(m.X0_cm * m.density_g_cm3, m.X0_g_cm2, 1e-12 * m.X0_g_cm2);
    if (dy_material_find("tungsten", &m, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(fabs(m.X0_g_cm2 / 6.76 - 1.0) < 5e-3);
    assert_true(fabs(m.X0_cm / 0.3504 - 1.0) < 5e-3);
    if (dy_material_find("na64-ecal", &m, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(m.n_elements >= 3); /* Pb, C, H */
    double w = 0.0;
    for (int i = 0; i < m.n_elements; ++i)
        w += m.mass_fraction[i];
    assert_double_equal(w, 1.0, 1e-12);
    assert_string_equal(dy_material_name_at(0), "H");
    assert_null(dy_material_name_at(10000));
    memset(&m, 0x5a, sizeof m);
    assert_int_equal(dy_material_find("unobtainium", &m, &err), DY_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "unobtainium"));
    assert_int_equal(m.n_elements, 0x5a5a5a5a); /* untouched */
    assert_int_not_equal(dy_material_find("0,1", &m, &err), DY_OK);
    assert_int_equal(dy_material_find(NULL, &m, &err), DY_ERR_INVALID);
}

static void expect_tl_error(const dy_tracklength_spec *s, const char *msg)
{
    dy_error err;
    double E = 1.0, T = -1.0;
    assert_int_not_equal(dy_tracklength_compute(s, 1, &E, &T, &err), DY_OK);
    if (!strstr(err.msg, msg)) fail_msg("'%s' does not say '%s'", err.msg, msg);
}

static void tracklengths(void **state)
{
    (void)state;
    dy_tracklength_spec s;
    dy_material_info pb;
    dy_error err;
    dy_material_find("Pb", &pb, &err);
    /* thin target: the primary's straggling is normalised per depth, so its track length is L */
    dy_tracklength_spec_default(&s);
    s.material = "Pb";
    s.thickness_X0 = 0.1;
    s.energy_GeV = 100.0;
    double E[3] = {50.0, 99.0, 200.0}, T[3], L;
    if (dy_tracklength_compute(&s, 3, E, T, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_tracklength_integral_cm(&s, 0.0, 100.0, &L, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(fabs(L / (0.1 * pb.X0_cm) - 1.0) < 1e-5);
    assert_true(T[0] > 0.0 && T[1] > T[0]); /* peaked at E0 */
    assert_double_equal(T[2], 0.0, 0.0);    /* above the beam */
    /* thick target, all e+-: Rossi's approximation B integrates to E0 X0/Ec */
    s.thickness_X0 = 0.0;
    s.species = "e+-";
    if (dy_tracklength_integral_cm(&s, 0.0, 100.0, &L, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(fabs(L / (100.0 * pb.X0_cm / pb.Ec_GeV) - 1.0) < 1e-4);
    /* the quadrature of the API is the sum of the values it returns (midpoint rule, 1e-3) */
    double Em[2000], Tm[2000], sum = 0.0;
    for (int i = 0; i < 2000; ++i)
        Em[i] = 10.0 + 10.0 * (i + 0.5) / 2000;
    if (dy_tracklength_compute(&s, 2000, Em, Tm, &err) != DY_OK) fail_msg("%s", err.msg);
    for (int i = 0; i < 2000; ++i)
        sum += Tm[i] * 10.0 / 2000;
    if (dy_tracklength_integral_cm(&s, 10.0, 20.0, &L, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(fabs(sum / L - 1.0) < 1e-3);
    /* photons of the same shower exceed the charged track length (Rossi: ~ E0/E^2 X0 vs E^-2) */
    s.species = "gamma";
    double Tg[1], Tc[1], e1[1] = {10.0};
    if (dy_tracklength_compute(&s, 1, e1, Tg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(dy_tracklength_integral_cm(&s, 0.0, 100.0, &L, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "diverges"));
    s.species = "e+-";
    if (dy_tracklength_compute(&s, 1, e1, Tc, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(Tg[0] > Tc[0] && Tc[0] > 0.0);

    s.species = NULL;
    s.energy_GeV = 0.0;
    expect_tl_error(&s, "energy_GeV");
    s.energy_GeV = 100.0;
    s.beam = "proton";
    expect_tl_error(&s, "beam 'proton'");
    s.beam = "mu";
    expect_tl_error(&s, "finite thickness");
    s.beam = "e-";
    s.model = "magic";
    expect_tl_error(&s, "model 'magic'");
    s.model = NULL;
    s.material = "unobtainium";
    expect_tl_error(&s, "unobtainium");
    assert_int_equal(dy_tracklength_compute(NULL, 0, NULL, NULL, &err), DY_ERR_INVALID);
    s.material = "Pb";
    double L2;
    assert_int_equal(dy_tracklength_integral_cm(&s, 5.0, 1.0, &L2, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "energy range"));
}

int main(void)
{
    mkdir(DY_BINARY_DIR, 0777);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_progress_calls),
        cmocka_unit_test(invisible_is_analytic),
        cmocka_unit_test(from_file_and_as_the_cli),
        cmocka_unit_test(limit_errors),
        cmocka_unit_test(materials),
        cmocka_unit_test(tracklengths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
