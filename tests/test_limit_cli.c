/* test_limit_cli.c — `darkyield limit` end to end on a small synthetic yield file written with
 * dy_write_hdf5: invisible limits against the analytic formula (and their 1/sqrt(N_pot)
 * scaling), a changed energy cut read from the spectrum, an efficiency table, visible bands for
 * the A' and the ALP, the (g-2) and thermal CSVs, HEPData files, and config errors with
 * FILE:LINE and the key. */
#include "dy_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test_cli.h"
#include "dy_test_hepdata.h"
#include "dy_test_yields.h"

#define TMP DY_BINARY_DIR "/test_limit_cli_tmp"

static int setup(void **state)
{
    (void)state;
    mkdir(TMP, 0777);
    /* the same numbers as yields of the dark photon, the L_mu - L_tau Z' and the ALP */
    if (dy_write_synthetic_yields(TMP "/y.h5", "vector") ||
        dy_write_synthetic_yields(TMP "/yz.h5", "lmu-ltau") ||
        dy_write_synthetic_yields(TMP "/ya.h5", "alp"))
        return -1;
    return 0;
}

static const char *k_base = "yields: " TMP "/y.h5\n"
                            "model: {particle: dark_photon, alpha_D: 0.5, mchi_over_m: 0.25}\n"
                            "statistics:\n  pot: %s\n  observed: 0\n"
                            "efficiency: 0.5\n"
                            "output: {dir: " TMP "/%s, plots: false}\n";

static void run_ok(const char *cfg_path)
{
    char args[1024], out[65536];
    snprintf(args, sizeof args, "limit %s --no-plots", cfg_path);
    const int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 0) fail_msg("darkyield %s -> %d:\n%s", args, rc, out);
}

static void test_invisible(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text, k_base, "1e10", "inv1");
    dy_write_text(TMP "/inv1.yaml", text);
    snprintf(text, sizeof text, k_base, "4e10", "inv4");
    dy_write_text(TMP "/inv4.yaml", text);
    run_ok(TMP "/inv1.yaml");
    run_ok(TMP "/inv4.yaml");
    for (int m = 0; m < 3; ++m) {
        /* eps = sqrt(2.302585/(N_pot eff N_above)) */
        const double eps = sqrt(2.302585093 / (1e10 * 0.5 * 50.0 * dy_synth_c[m]));
        const double e1 = dy_csv_value(TMP "/inv1/inv1_limits.csv", "coupling_obs", m);
        dy_assert_close(e1, eps, 0.0, 1e-7);
        dy_assert_close(dy_csv_value(TMP "/inv1/inv1_limits.csv", "coupling_exp", m), eps, 0.0,
                        1e-7);
        dy_assert_close(e1 / dy_csv_value(TMP "/inv4/inv4_limits.csv", "coupling_obs", m), 2.0, 0.0,
                        1e-7);
        /* y = eps^2 alpha_D (m_chi/m)^4 */
        dy_assert_close(dy_csv_value(TMP "/inv1/inv1_limits.csv", "y_obs", m),
                        eps * eps * 0.5 * pow(0.25, 4), 0.0, 1e-6);
        dy_assert_close(dy_csv_value(TMP "/inv1/inv1_limits.csv", "m_chi_GeV", m),
                        0.25 * dy_synth_m[m], 0.0, 1e-9);
    }
    /* thermal lines and HEPData were written */
    assert_true(dy_csv_value(TMP "/inv1/inv1_thermal.csv", "y_scalar", 0) > 0.0);
    assert_int_equal(access(TMP "/inv1/hepdata/submission.yaml", R_OK), 0);
    assert_int_equal(access(TMP "/inv1/hepdata/observed.yaml", R_OK), 0);
    assert_int_equal(access(TMP "/inv1/hepdata/thermal_majorana.yaml", R_OK), 0);
}

static void test_cut_background_table(void **state)
{
    (void)state;
    /* cut 70 GeV: the spectrum bins above it (30 GeV of the flat spectrum); 2 observed on b = 1
     * with CLs: s_up = 4.4429; efficiency table 0.2 at all masses/energies */
    dy_write_text(TMP "/eff.csv", "# test table\nmass_GeV,energy_GeV,efficiency\n"
                                  "0.001,0,0.2\n0.001,100,0.2\n1,0,0.2\n1,100,0.2\n");
    dy_write_text(TMP "/cut.yaml", "yields: " TMP "/yz.h5\nmodel: {particle: zprime}\n"
                                   "statistics: {pot: 1e12, observed: 2, background: 1}\n"
                                   "efficiency: {table: " TMP "/eff.csv}\n"
                                   "cuts: {energy_min_GeV: 70}\n"
                                   "gminus2: {delta_a_mu: 2.51e-9, sigma: 0.59e-9}\n"
                                   "output: {dir: " TMP "/cut, formats: [csv]}\n");
    run_ok(TMP "/cut.yaml");
    for (int m = 0; m < 3; ++m) {
        const double M = dy_synth_m[m], r = 0.1056583755 * 0.1056583755 / (M * M);
        const double br = r >= 0.25 ? 1.0 : 1.0 / (1.0 + (1 + 2 * r) * sqrt(1 - 4 * r));
        const double g = sqrt(4.44294 / (1e12 * 0.2 * 30.0 * dy_synth_c[m] * br));
        dy_assert_close(dy_csv_value(TMP "/cut/cut_limits.csv", "coupling_obs", m), g, 0.0, 2e-5);
    }
    assert_true(dy_csv_value(TMP "/cut/cut_gm2.csv", "g_central", 0) > 0.0);
    assert_int_equal(access(TMP "/cut/hepdata/submission.yaml", F_OK), -1); /* csv only */
}

static void test_visible(void **state)
{
    (void)state;
    dy_write_text(TMP "/vis.yaml",
                  "yields: " TMP "/y.h5\nmodel: {particle: dark_photon}\n"
                  "mode: visible\ndecay: {region: between, z1_cm: 10, z2_cm: 100}\n"
                  "statistics: {pot: 1e15}\ncuts: {energy_min_GeV: 30}\n"
                  "coupling_scan: {min: 1e-9, max: 1}\n"
                  "output: {dir: " TMP "/vis, plots: false}\n");
    run_ok(TMP "/vis.yaml");
    const double lo = dy_csv_value(TMP "/vis/vis_limits.csv", "obs_lower", 0);
    const double up = dy_csv_value(TMP "/vis/vis_limits.csv", "obs_upper", 0);
    assert_true(lo > 1e-9 && up > lo && up < 1.0);
    dy_write_text(TMP "/alp.yaml", "yields: " TMP "/ya.h5\nmodel: {particle: alp}\n"
                                   "mode: visible\ndecay: {region: beyond, z1_cm: 50}\n"
                                   "statistics: {pot: 1e15}\n"
                                   "coupling_scan: {min: 1e-8, max: 10}\n"
                                   "output: {dir: " TMP "/alp, plots: false}\n");
    run_ok(TMP "/alp.yaml");
    const double alo = dy_csv_value(TMP "/alp/alp_limits.csv", "obs_lower", 0);
    const double aup = dy_csv_value(TMP "/alp/alp_limits.csv", "obs_upper", 0);
    /* at the lower edge l ~ 1e6 cm >> z1: the ALP escapes, the edge is the invisible limit */
    dy_assert_close(alo, sqrt(2.302585093 / (1e15 * 50.0 * dy_synth_c[0])), 0.0, 1e-3);
    assert_true(aup > alo);
}

static void expect_error(const char *name, const char *yaml, const char *needle)
{
    char path[512], args[700], out[16384];
    snprintf(path, sizeof path, TMP "/%s.yaml", name);
    dy_write_text(path, yaml);
    snprintf(args, sizeof args, "limit %s --no-plots", path);
    const int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 2 || !strstr(out, needle))
        fail_msg("%s: rc %d, want 2 and '%s' in:\n%s", name, rc, needle, out);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("e_unknown",
                 "yields: a.h5\nmodel: {particle: alp}\nstatistics: {pot: 1}\nbogus: 1\n",
                 "e_unknown.yaml:4:1: unknown key 'bogus'");
    expect_error("e_nested",
                 "yields: a.h5\nmodel: {particle: alp}\nstatistics:\n  pot: 1\n  obs: 2\n",
                 "e_nested.yaml:5:3: unknown key 'statistics.obs'");
    expect_error("e_type", "yields: a.h5\nmodel: {particle: alp}\nstatistics: {pot: \"1e10\"}\n",
                 "e_type.yaml:3:19: 'statistics.pot' must be a number");
    expect_error("e_enum", "yields: a.h5\nmodel: {particle: photon}\nstatistics: {pot: 1}\n",
                 "unknown value 'photon' for 'model.particle'");
    expect_error("e_frac",
                 "yields: a.h5\nmodel: {particle: alp}\nstatistics: {pot: 1, observed: 1.5}\n",
                 "'statistics.observed' must be a whole number");
    expect_error("e_vis",
                 "yields: a.h5\nmodel: {particle: alp}\nmode: visible\nstatistics: {pot: 1}\n",
                 "'mode: visible' needs a 'decay' section");
    expect_error("e_z",
                 "yields: a.h5\nmodel: {particle: alp}\nmode: visible\n"
                 "decay: {z1_cm: 50, z2_cm: 10}\nstatistics: {pot: 1}\n",
                 "e_z.yaml:4:27: 'decay.z2_cm' (10) must be above");
    expect_error("e_dup",
                 "yields: a.h5\nmodel: {particle: alp}\nstatistics: {pot: 1}\nyields: b.h5\n",
                 "duplicate key 'yields'");
    expect_error("e_eff",
                 "yields: a.h5\nmodel: {particle: alp}\nstatistics: {pot: 1}\nefficiency: 1.5\n",
                 "'efficiency' must be in (0, 1]");
    expect_error("e_nofile",
                 "yields: " TMP "/none.h5\nmodel: {particle: alp}\nstatistics: {pot: 1}\n",
                 "cannot open yield file");
    expect_error("e_channel",
                 "yields: " TMP "/ya.h5\nchannels: [annihilation]\nmodel: {particle: alp}\n"
                 "statistics: {pot: 1}\n",
                 "no channel 'annihilation'");
    dy_write_text(TMP "/bad_eff.csv",
                  "mass_GeV,energy_GeV,efficiency\n0.1,0,0.5\n0.1,10,0.5\n1,0,0.5\n");
    expect_error("e_table",
                 "yields: a.h5\nmodel: {particle: alp}\nstatistics: {pot: 1}\n"
                 "efficiency: {table: " TMP "/bad_eff.csv}\n",
                 "must fill a grid");
    expect_error("e_syntax", "yields: [a.h5\nmodel: {particle: alp}\n", "YAML syntax error");
    char out[4096];
    assert_int_equal(dy_run_cli("limit " TMP "/does-not-exist.yaml", out, sizeof out), 2);
    assert_non_null(strstr(out, "cannot open limit config"));
    assert_int_equal(dy_run_cli("limit --help", out, sizeof out), 0);
}

/* Write a 3-mass, 10-bin yield file like setup()'s, with model `model` (NULL: none recorded) and
 * the value `bad` at (mass bad_m, bin bad_b) of dNdE (or, if bad_b < 0, of N_above_cut); the
 * mass zero_mass (if >= 0) has no yield at all. */
static void write_yields(const char *path, const char *model, int bad_m, int bad_b, double bad,
                         int zero_mass)
{
    dy_yield_grid g;
    dy_error e;
    assert_int_equal(dy_yield_grid_alloc(3, 10, 1, &g, &e), DY_OK);
    dy_yield_grid_set_channel(&g, 0, "brem-mu", &e);
    dy_yield_grid_linear_edges(&g, 0.0, 100.0);
    for (int m = 0; m < 3; ++m) {
        const double c = m == zero_mass ? 0.0 : dy_synth_c[m];
        g.masses_GeV[m] = dy_synth_m[m];
        for (int b = 0; b < 10; ++b)
            g.ch[0].dNdE[m * 10 + b] = c;
        g.ch[0].N_above[m] = 50.0 * c;
        g.ch[0].N_total[m] = 100.0 * c;
    }
    if (bad_m >= 0) {
        if (bad_b >= 0)
            g.ch[0].dNdE[bad_m * 10 + bad_b] = bad;
        else
            g.ch[0].N_above[bad_m] = bad;
    }
    dy_yield_grid_sum(&g);
    g.name = "synthetic";
    g.config_text = "name: synthetic\n";
    g.cut_energy_min_GeV = 50.0;
    g.coupling = 1.0;
    g.model = model;
    assert_int_equal(dy_write_hdf5(path, &g, &e), DY_OK);
    dy_yield_grid_free(&g);
}

/* NaN or negative yields are errors (0.1.0: inf limits and exit 0), with no output. */
static void test_bad_yields(void **state)
{
    (void)state;
    const char *cfg = "yields: %s\nmodel: {particle: %s}\nstatistics: {pot: 1e10}\n"
                      "cuts: {energy_min_GeV: %s}\noutput: {dir: " TMP "/%s, plots: false}\n";
    char text[1024];
    write_yields(TMP "/nan.h5", "vector", 1, 7, NAN, -1);
    snprintf(text, sizeof text, cfg, TMP "/nan.h5", "dark_photon", "30", "bad_nan");
    /* refused by the yield reader (values must be finite) before limit's own checks */
    expect_error("bad_nan", text, "dataset 'brem-mu/dNdE' holds a non-finite value (nan)");
    write_yields(TMP "/neg.h5", "vector", 2, 3, -1e-12, -1);
    snprintf(text, sizeof text, cfg, TMP "/neg.h5", "dark_photon", "30", "bad_neg");
    expect_error("bad_neg", text, "is -1e-12; yields must be finite and >= 0");
    write_yields(TMP "/negn.h5", "alp", 0, -1, -5e-9, -1);
    snprintf(text, sizeof text, cfg, TMP "/negn.h5", "alp", "50", "bad_negn");
    expect_error("bad_negn", text, "N_above_cut = -5e-09");
    assert_int_equal(access(TMP "/bad_nan", F_OK), -1); /* nothing written */
    assert_int_equal(access(TMP "/bad_neg", F_OK), -1);
    /* a mass with no yield at all: an explicit note and inf, not a silent number */
    write_yields(TMP "/zero.h5", "vector", -1, 0, 0.0, 1);
    snprintf(text, sizeof text, cfg, TMP "/zero.h5", "dark_photon", "50", "zero");
    dy_write_text(TMP "/zero.yaml", text);
    char out[16384];
    assert_int_equal(dy_run_cli("limit " TMP "/zero.yaml --no-plots", out, sizeof out), 0);
    assert_non_null(strstr(out, "m = 0.1 GeV: no signal above the cut"));
    assert_true(isinf(dy_csv_value(TMP "/zero/zero_limits.csv", "coupling_obs", 1)));
    assert_true(dy_csv_value(TMP "/zero/zero_limits.csv", "coupling_obs", 0) > 0.0);
}

/* The yields must be those of the limit's model: a Z' limit needs lmu-ltau yields (per g_Z'^2),
 * and a file without a model (0.1.0, whose muon "Z'" yields were per eps^2) is refused for it. */
static void test_model_of_yields(void **state)
{
    (void)state;
    expect_error("zp_on_ap",
                 "yields: " TMP "/y.h5\nmodel: {particle: zprime}\nstatistics: {pot: 1e12}\n",
                 "model.particle zprime needs yields of model 'lmu-ltau' (coupling g_Z')");
    expect_error("ap_on_alp",
                 "yields: " TMP "/ya.h5\nmodel: {particle: dark_photon}\nstatistics: {pot: 1}\n",
                 "holds model 'alp' (coupling g_agg)");
    write_yields(TMP "/old.h5", NULL, -1, 0, 0.0, -1);
    expect_error("zp_old",
                 "yields: " TMP "/old.h5\nmodel: {particle: zprime}\nstatistics: {pot: 1e12}\n",
                 "re-run 'darkyield run' with model.mediator: lmu-ltau");
    dy_write_text(TMP "/ap_old.yaml",
                  "yields: " TMP
                  "/old.h5\nmodel: {particle: dark_photon}\nstatistics: {pot: 1e10}\n"
                  "output: {dir: " TMP "/ap_old, formats: [csv]}\n");
    char out[16384];
    assert_int_equal(dy_run_cli("limit " TMP "/ap_old.yaml --no-plots", out, sizeof out), 0);
    assert_non_null(strstr(out, "names no model; taking its yields as per eps^2"));
}

/* Couplings outside the usable range in a scan are a config error naming the coupling. */
static void test_scan_range(void **state)
{
    (void)state;
    expect_error("scan_wide",
                 "yields: " TMP "/ya.h5\nmodel: {particle: alp}\nmode: visible\n"
                 "decay: {region: beyond, z1_cm: 50}\nstatistics: {pot: 1e15}\n"
                 "coupling_scan: {min: 1e-300, max: 1e300}\n",
                 "scan_wide.yaml:6:22: 'coupling_scan.min': g_agg = 1e-300 GeV^-1 is outside");
    expect_error("scan_big",
                 "yields: " TMP "/y.h5\nmodel: {particle: dark_photon}\nmode: visible\n"
                 "decay: {z1_cm: 10, z2_cm: 100}\nstatistics: {pot: 1e15}\n"
                 "coupling_scan: {min: 1e-9, max: 1e200}\n",
                 "'coupling_scan.max': eps = 1e+200 is outside");
}

/* The k-th number of the "- value: X" lines after the line that starts with `after`. */
static double hep_value(const char *path, const char *after, int k)
{
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    char line[4096];
    int seen = 0, i = 0;
    double v = NAN;
    while (fgets(line, sizeof line, f)) {
        if (!seen) {
            seen = !strncmp(line, after, strlen(after));
            continue;
        }
        const char *p = strstr(line, "- value: ");
        if (p && i++ == k) {
            v = strtod(p + 9, NULL);
            break;
        }
    }
    fclose(f);
    return v;
}

static int file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    static char buf[1 << 18];
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strstr(buf, needle) != NULL;
}

/* HEPData: '90% CL' (0.1.0 wrote '90%%'), no zero-width band at b = 0 (hepdata-validator rejects
 * it), the CSV's digits, the coupling named per model, and every submission validates. */
static void test_hepdata_outputs(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text, k_base, "1e10", "inv1");
    dy_write_text(TMP "/inv1.yaml", text);
    run_ok(TMP "/inv1.yaml");
    const char *sub = TMP "/inv1/hepdata/submission.yaml";
    assert_true(file_has(sub, "Observed 90% CL upper limit on eps"));
    assert_false(file_has(sub, "%%"));
    assert_true(file_has(sub, "alpha_X = eps^2 alpha")); /* the coupling's definition */
    assert_false(file_has(TMP "/inv1/hepdata/expected.yaml", "asymerror")); /* b = 0: no band */
    assert_true(file_has(TMP "/inv1/hepdata/observed.yaml", "{name: 'eps', units: ''}"));
    for (int m = 0; m < 3; ++m) /* at least the CSV's 8 digits (6 digits would be off 1e-6) */
        dy_assert_close(hep_value(TMP "/inv1/hepdata/observed.yaml", "dependent_variables", m),
                        dy_csv_value(TMP "/inv1/inv1_limits.csv", "coupling_obs", m), 0.0, 5e-8);
    /* b = 3: a real band, the Z' named g_Z', the (g-2) table in the same coupling */
    dy_write_text(TMP "/band.yaml", "yields: " TMP "/yz.h5\nmodel: {particle: zprime}\n"
                                    "statistics: {pot: 1e12, background: 3}\n"
                                    "gminus2: {delta_a_mu: 2.51e-9, sigma: 0.59e-9}\n"
                                    "output: {dir: " TMP "/band, plots: false}\n");
    run_ok(TMP "/band.yaml");
    assert_true(file_has(TMP "/band/hepdata/expected.yaml", "asymerror"));
    assert_true(file_has(TMP "/band/hepdata/observed.yaml", "{name: 'g_Z''', units: ''}"));
    assert_true(file_has(TMP "/band/hepdata/gminus2.yaml", "{name: 'g_Z''', units: ''}"));
    assert_true(file_has(TMP "/band/band_limits.csv", "# coupling: g_Z' [1]; mass: m_Z' [GeV]"));
    assert_true(file_has(TMP "/band/band_gm2.csv", "g = g_Z', the gauge coupling of the limit"));
    /* every submission written by this test passes hepdata-validator */
    run_ok(TMP "/vis.yaml");
    run_ok(TMP "/alp.yaml");
    dy_assert_hepdata_valid(TMP "/inv1/hepdata");
    dy_assert_hepdata_valid(TMP "/band/hepdata");
    dy_assert_hepdata_valid(TMP "/vis/hepdata");
    dy_assert_hepdata_valid(TMP "/alp/hepdata");
}

static void test_plots(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import matplotlib, numpy' >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    char args[512], out[65536];
    snprintf(args, sizeof args, "limit " TMP "/inv1.yaml");
    dy_write_text(TMP "/over.csv", "# overlay\nmass_GeV,eps\n0.01,1e-4\n0.5,1e-3\n");
    dy_write_text(TMP "/over_y.csv", "m_chi_GeV,y\n0.003,1e-12\n0.2,1e-9\n"); /* the y plot's */
    dy_write_text(TMP "/plot.yaml", "yields: " TMP "/y.h5\nmodel: {particle: dark_photon}\n"
                                    "statistics: {pot: 1e10, background: 2}\n"
                                    "overlays: [{file: " TMP "/over.csv, label: old}, {file: " TMP
                                    "/over_y.csv, label: old y}]\n"
                                    "output: {dir: " TMP "/plot}\n");
    const int rc = dy_run_cli("limit " TMP "/plot.yaml", out, sizeof out);
    if (rc != 0) fail_msg("rc %d: %s", rc, out);
    assert_int_equal(access(TMP "/plot/plot_limits_coupling.png", R_OK), 0);
    assert_int_equal(access(TMP "/plot/plot_limits_coupling.pdf", R_OK), 0);
    assert_int_equal(access(TMP "/plot/plot_limits_y.png", R_OK), 0);
    (void)args;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invisible),  cmocka_unit_test(test_cut_background_table),
        cmocka_unit_test(test_visible),    cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bad_yields), cmocka_unit_test(test_model_of_yields),
        cmocka_unit_test(test_scan_range), cmocka_unit_test(test_hepdata_outputs),
        cmocka_unit_test(test_plots),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
