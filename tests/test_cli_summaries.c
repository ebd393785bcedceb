/* test_cli_summaries.c — the command line as users script it: `--set key=value` on run and limit
 * configs (the value used and recorded in the outputs' config), `--format csv|json` summaries on
 * stdout that hold the numbers of the output files and nothing else, `--quiet` leaving stderr
 * empty, malformed overrides refused before any output exists, and ranges lo:hi:n[:log] for
 * the energies and masses of `xsec`. */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dy_test.h"
#include "dy_test_cli.h"

static char out[1 << 17], err[1 << 16];
static char dir[512], cfg[600], lcfg[600];

static const char *cfg_text =
    "name: summ\nseed: 2\nprecision: 0.02\n"
    "beam: {particle: e-, energy_GeV: 100}\n"
    "target: {material: Pb, thickness_X0: 40}\n"
    "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
    "dm_kind: dirac, coupling: 1.0e-4}\n"
    "processes: [annihilation]\n"
    "masses_GeV: [0.1, 0.2, 0.3]\n"
    "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
    "cuts: {energy_min_GeV: 50}\n"
    "output: {dir: %s/a, formats: [hdf5, csv], plots: false}\n";

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* darkyield with args[] (NULL-terminated, after the program); stdout in out, stderr in err. */
static int run(const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = DY_CLI;
    for (int i = 0; args[i] && n < 31; ++i)
        argv[n++] = args[i];
    argv[n] = NULL;
    const int st = dy_run_argv(argv, NULL, 0, out, sizeof out, NULL, err, sizeof err);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
    (void)state;
    char text[2048], cmd[1200];
    snprintf(dir, sizeof dir, "%s/test_cli_summaries", DY_BINARY_DIR);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0) return -1;
    snprintf(cfg, sizeof cfg, "%s/summ.yaml", dir);
    snprintf(text, sizeof text, cfg_text, dir);
    put(cfg, text);
    return 0;
}

/* The numbers after "key": [ in s (at most n), their count. */
static int json_array(const char *s, const char *key, double *v, int n)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\": [", key);
    const char *p = strstr(s, k);
    if (!p) return -1;
    p += strlen(k);
    int i = 0;
    while (i < n && *p != ']') {
        char *end;
        v[i++] = strtod(p, &end);
        if (end == p) return -1;
        p = end;
        while (*p == ',' || *p == ' ')
            ++p;
    }
    return i;
}

static void h5read(const char *file, const char *dset, double *v, int n)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, dset, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t sp = H5Dget_space(d);
    assert_int_equal((int)H5Sget_simple_extent_npoints(sp), n);
    H5Sclose(sp);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Fclose(f);
}

/* The root attribute 'config' of an output file. */
static void h5config(const char *file, char *buf, size_t n)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t a = H5Aopen(f, "config", H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    char *s = NULL;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t));
    assert_true(H5Tis_variable_str(t) > 0);
    assert_true(H5Aread(a, mt, &s) >= 0);
    snprintf(buf, n, "%s", s);
    H5free_memory(s);
    H5Tclose(mt);
    H5Tclose(t);
    H5Aclose(a);
    H5Fclose(f);
}

static double first_total_above[3], first_total_err[3];

static void json_summary_is_the_file(void **state)
{
    (void)state;
    const char *a[] = {"run", cfg, "--backend", "cpu", "--format", "json", "--quiet", NULL};
    assert_int_equal(run(a), 0);
    if (err[0]) fail_msg("--quiet, yet stderr says:\n%s", err);
    assert_true(out[0] == '{' && strstr(out, "\n}\n") == out + strlen(out) - 3);
    assert_non_null(strstr(out, "\"command\": \"run\""));
    assert_non_null(strstr(out, "\"coupling_name\": \"eps\""));
    /* the total's yields above the cut, as the HDF5 file has them (%.17g: bit for bit) */
    const char *tot = strstr(out, "\"total\": {");
    assert_non_null(tot);
    double v[3], e[3], f[3], fe[3], m[3];
    assert_int_equal(json_array(tot, "N_above_cut", v, 3), 3);
    assert_int_equal(json_array(tot, "N_above_cut_err", e, 3), 3);
    assert_int_equal(json_array(out, "masses_GeV", m, 3), 3);
    char h5[700];
    snprintf(h5, sizeof h5, "%s/a/summ.h5", dir);
    h5read(h5, "/total/N_above_cut", f, 3);
    h5read(h5, "/total/N_above_cut_err", fe, 3);
    for (int i = 0; i < 3; ++i) {
        assert_true(v[i] == f[i] && e[i] == fe[i]);
        assert_true(v[i] > 0.0);
        first_total_above[i] = v[i];
        first_total_err[i] = e[i];
    }
    dy_assert_close(m[2], 0.3, 0.0, 1e-15);
    if (system("command -v python3 >/dev/null 2>&1") == 0) { /* and it is JSON */
        char j[700], cmd[1600];
        snprintf(j, sizeof j, "%s/summary.json", dir);
        put(j, out);
        snprintf(cmd, sizeof cmd, "python3 -m json.tool '%s' >/dev/null", j);
        assert_int_equal(system(cmd), 0);
    }
}

static void set_overrides_are_used_and_recorded(void **state)
{
    (void)state;
    char od[600];
    snprintf(od, sizeof od, "output.dir=%s/b", dir);
    const char *a[] = {"run",
                       cfg,
                       "--backend",
                       "cpu",
                       "--format",
                       "csv",
                       "--quiet",
                       "--set",
                       "model.coupling=2e-4",
                       "--set",
                       "masses_GeV=[0.1, 0.2, 0.3]",
                       "--set",
                       od,
                       NULL};
    assert_int_equal(run(a), 0);
    assert_string_equal(err, "");
    /* csv: a header, then channel and total rows per mass */
    const char *hdr = "channel,mass_GeV,N_above_cut,N_above_cut_err,N_total,N_total_err,"
                      "cut_energy_min_GeV,coupling,coupling_name,coupling_unit\n";
    assert_true(!strncmp(out, hdr, strlen(hdr)));
    int rows = 0, totals = 0;
    for (const char *p = out + strlen(hdr); *p; p = strchr(p, '\n') + 1) {
        ++rows;
        if (!strncmp(p, "total,", 6)) {
            double m, N, e;
            assert_int_equal(sscanf(p, "total,%lf,%lf,%lf", &m, &N, &e), 3);
            /* yields ~ eps^2: twice the coupling, four times the yield (the MC errors apart) */
            const double want = 4.0 * first_total_above[totals];
            const double sig = hypot(e, 4.0 * first_total_err[totals]);
            if (!(fabs(N - want) <= 4.0 * sig + 1e-9 * want))
                fail_msg("m = %g: N = %.10g, expected 4 x %.10g (+- %.3g)", m, N,
                         first_total_above[totals], sig);
            assert_non_null(strstr(p, ",0.0002,eps,1\n"));
            ++totals;
        }
        if (!strchr(p, '\n')) break;
    }
    assert_int_equal(rows, 6);
    assert_int_equal(totals, 3);
    /* the outputs record the config that ran: the overrides, named and applied */
    char h5[700], text[8192];
    snprintf(h5, sizeof h5, "%s/b/summ.h5", dir);
    h5config(h5, text, sizeof text);
    assert_non_null(strstr(text, "with --set:"));
    assert_non_null(strstr(text, "#   model.coupling=2e-4"));
    assert_non_null(strstr(text, "coupling: 2e-4"));
}

static void expect_refused(const char *const *a, const char *needle)
{
    const int rc = run(a);
    if (rc != 2) fail_msg("exit %d, expected 2; stderr:\n%s", rc, err);
    if (!strstr(err, needle)) fail_msg("stderr lacks '%s':\n%s", needle, err);
    assert_string_equal(out, "");
}

static void bad_overrides(void **state)
{
    (void)state;
    char od[600], c[700];
    snprintf(od, sizeof od, "output.dir=%s/never", dir);
    const char *a1[] = {"run", cfg, "--set", od, "--set", "beam.energy_GeV", NULL};
    expect_refused(a1, "--set 'beam.energy_GeV': expected key=value");
    const char *a2[] = {"run", cfg, "--set", od, "--set", "seed.x=1", NULL};
    expect_refused(a2, "'seed' in");
    const char *a3[] = {"run", cfg, "--set", od, "--set", "beam.energy_GeV=[1", NULL};
    expect_refused(a3, "--set beam.energy_GeV");
    const char *a4[] = {"run", cfg, "--set", od, "--set", "beam.energy_GeV=-5", NULL};
    expect_refused(a4, "'beam.energy_GeV' must be > 0");
    const char *a5[] = {"run", cfg, "--set", od, "--set", "mases_GeV=[1]", NULL};
    expect_refused(a5, "unknown key 'mases_GeV'");
    const char *a6[] = {"run", cfg, "--format", "xml", NULL};
    expect_refused(a6, "--format needs table, csv or json");
    const char *a7[] = {"run", cfg, "--set", od, "--set", "a..b=1", NULL};
    expect_refused(a7, "bad key 'a..b'");
    struct stat st;
    snprintf(c, sizeof c, "%s/never", dir);
    assert_int_not_equal(stat(c, &st), 0); /* nothing was written */
}

static void limit_summaries(void **state)
{
    (void)state;
    char text[2048];
    snprintf(lcfg, sizeof lcfg, "%s/lim.yaml", dir);
    snprintf(text, sizeof text,
             "name: lim\nyields: %s/a/summ.h5\n"
             "model: {particle: dark_photon, alpha_D: 0.1, mchi_over_m: 0.3333333}\n"
             "mode: invisible\n"
             "statistics: {pot: 2.84e11, observed: 0, background: 0.0, cl: 0.9, method: "
             "poisson}\n"
             "efficiency: 0.5\ncuts: {energy_min_GeV: 50}\n"
             "output: {dir: %s/lim, formats: [csv], plots: false}\n",
             dir, dir);
    put(lcfg, text);
    /* 3 observed on no background: the 90% CL Poisson upper limit 6.68 (PDG, Table 40.3) */
    const char *a[] = {
        "limit", lcfg, "--format", "json", "--quiet", "--set", "statistics.observed=3", NULL};
    assert_int_equal(run(a), 0);
    assert_string_equal(err, "");
    double obs, c3[3], c0[3];
    const char *p = strstr(out, "\"event_limits\": {\"obs\": ");
    assert_non_null(p);
    obs = strtod(p + strlen("\"event_limits\": {\"obs\": "), NULL);
    dy_assert_close(obs, 6.68, 0.005, 0.0);
    assert_int_equal(json_array(out, "coupling_obs", c3, 3), 3);
    const char *b[] = {"limit", lcfg, "--format", "csv", "--quiet", NULL};
    assert_int_equal(run(b), 0);
    const char *hdr = "mass_GeV,coupling_obs,coupling_exp,";
    assert_true(!strncmp(out, hdr, strlen(hdr)));
    const char *row = strchr(out, '\n') + 1;
    for (int i = 0; i < 3; ++i) {
        double m;
        assert_int_equal(sscanf(row, "%lf,%lf", &m, &c0[i]), 2);
        /* eps_up ~ sqrt(s_up): 3 observed against 0 is sqrt(6.68 / 2.30) times higher */
        dy_assert_close(c3[i], c0[i] * sqrt(obs / 2.302585093), 0.0, 1e-6);
        row = strchr(row, '\n') + 1;
    }
}

static void xsec_quiet(void **state)
{
    (void)state;
    const char *a[] = {"xsec", "--process", "brem", "--target",  "W",   "--energy",
                       "8",    "--mass",    "0.1",  "--backend", "cpu", "--precision",
                       "2e-2", "--format",  "csv",  "--quiet",   NULL};
    assert_int_equal(run(a), 0);
    assert_string_equal(err, "");
    assert_non_null(strstr(out, ",etl,"));
}

/* --mass lo:hi:n[:log]: the points of numpy's geomspace / linspace, end points exact. */
static void xsec_ranges(void **state)
{
    (void)state;
    const char *a[] = {"xsec",     "--process", "brem",   "--target",     "W",
                       "--energy", "2:8:4",     "--mass", "0.01:1:5:log", "--method",
                       "ww",       "--format",  "csv",    "--quiet",      NULL};
    assert_int_equal(run(a), 0);
    double E[20], M[20];
    int n = 0;
    for (const char *p = strstr(out, "\nbrem,"); p && n < 20; p = strstr(p + 1, "\nbrem,")) {
        /* process,lepton,mediator,Z,A,energy_GeV,mass_GeV,... */
        assert_int_equal(sscanf(p + 1, "brem,e,vector,%*[^,],%*[^,],%lf,%lf", &E[n], &M[n]), 2);
        ++n;
    }
    assert_int_equal(n, 20);
    for (int i = 0; i < 20; ++i) {
        dy_assert_close(E[i], 2.0 + 2.0 * (i / 5), 0.0, 1e-15);
        dy_assert_close(M[i], 0.01 * pow(10.0, 0.5 * (i % 5)), 0.0, 1e-14);
    }
    assert_true(M[4] == 1.0 && E[19] == 8.0);
    const char *b[] = {"xsec",     "--process", "brem",   "--target",   "W",
                       "--energy", "8",         "--mass", "0.1:0.01:3", NULL};
    expect_refused(b, "--mass '0.1:0.01:3': expected 0 < lo < hi");
    const char *c[] = {"xsec",     "--process", "brem",   "--target",       "W",
                       "--energy", "8",         "--mass", "0.01:1:3:cubic", NULL};
    expect_refused(c, "or a range lo:hi:n");
    const char *d[] = {"xsec",     "--process", "brem",   "--target", "W",
                       "--energy", "8",         "--mass", "0.01:1:0", NULL};
    expect_refused(d, "the number of values must be 1 .. 256");
}

/* --verbose: a line per VEGAS iteration naming channel and mass (run), per point (xsec), per
 * mass (limit); the numbers are those of a quiet run (same seed); --quiet with it is refused. */
static void verbose_detail(void **state)
{
    (void)state;
    char od[600];
    snprintf(od, sizeof od, "output.dir=%s/verbose", dir);
    const char *a[] = {"run",       cfg,
                       "--backend", "cpu",
                       "--format",  "json",
                       "--set",     od,
                       "--set",     "processes=[brem]",
                       "--set",     "masses_GeV=[0.1]",
                       "--set",     "precision=0.05",
                       "--set",     "quadrature.nodes=9",
                       "--verbose", NULL};
    assert_int_equal(run(a), 0);
    const char *line = strstr(err, "darkyield: vegas: brem-e- m = 0.1 GeV, integral ");
    if (!line) fail_msg("no per-iteration line on stderr:\n%s", err);
    assert_non_null(strstr(line, ", iteration "));
    assert_non_null(strstr(line, "chi2/dof"));
    double v[1], q[1];
    const char *tot = strstr(out, "\"total\": {");
    assert_non_null(tot);
    assert_int_equal(json_array(tot, "N_above_cut", v, 1), 1);
    a[16] = "--quiet";
    assert_int_equal(run(a), 0);
    assert_string_equal(err, "");
    tot = strstr(out, "\"total\": {");
    assert_non_null(tot);
    assert_int_equal(json_array(tot, "N_above_cut", q, 1), 1);
    assert_true(v[0] == q[0] && v[0] > 0.0);

    const char *x[] = {"xsec", "--process", "brem", "--target",  "W",   "--energy",
                       "8",    "--mass",    "0.1",  "--backend", "cpu", "--precision",
                       "2e-2", "--format",  "csv",  "--verbose", NULL};
    assert_int_equal(run(x), 0);
    assert_non_null(strstr(err, "darkyield: vegas: point 1 of 1, iteration "));
    assert_non_null(strstr(out, ",etl,"));

    const char *l[] = {"limit", lcfg, "--format", "csv", "--verbose", NULL};
    assert_int_equal(run(l), 0);
    const char *m[] = {"m = 0.1 GeV (grid mass)", "m = 0.2 GeV (grid mass)",
                       "m = 0.3 GeV (grid mass)"};
    for (int i = 0; i < 3; ++i)
        if (!strstr(err, m[i])) fail_msg("stderr lacks '%s':\n%s", m[i], err);
    assert_non_null(strstr(err, "event limits obs 2.303"));

    const char *b[] = {"limit", lcfg, "--quiet", "--verbose", NULL};
    expect_refused(b, "--quiet and --verbose exclude each other");
    const char *c[] = {"xsec", "--process", "brem", "--target",  "W",       "--energy",
                       "8",    "--mass",    "0.1",  "--verbose", "--quiet", NULL};
    expect_refused(c, "--quiet and --verbose exclude each other");
    const char *d[] = {"run", cfg, "--verbose", "--quiet", NULL};
    expect_refused(d, "--quiet and --verbose exclude each other");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_summary_is_the_file),
        cmocka_unit_test(set_overrides_are_used_and_recorded),
        cmocka_unit_test(bad_overrides),
        cmocka_unit_test(limit_summaries),
        cmocka_unit_test(xsec_quiet),
        cmocka_unit_test(xsec_ranges),
        cmocka_unit_test(verbose_detail),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
