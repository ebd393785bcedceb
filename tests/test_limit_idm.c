/* test_limit_idm.c — `darkyield limit` for inelastic dark matter end to end on a small synthetic
 * dark-photon yield file: the invisible signature (chi2 beyond z1) at long lifetime is the dark
 * photon's invisible limit divided by sqrt(BR(A' -> chi1 chi2)); the semi-visible band's lower
 * edge is the long-lifetime eps^4 solution; the CSV's columns (eps band, y band, m_chi1) and its
 * header; the pseudo-Dirac thermal line; HEPData bands in eps and y (validated); config errors with
 * FILE:LINE:COLUMN and no output. */
#include "dy_test.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test_cli.h"
#include "dy_test_hepdata.h"
#include "dy_test_yields.h"
#include "physics/dy_constants.h"
#include "physics/dy_dark_widths.h"
#include "physics/idm.h"
#include "physics/rratio.h"

#define TMP DY_BINARY_DIR "/test_limit_idm_tmp"

static int setup(void **state)
{
    (void)state;
    mkdir(TMP, 0777);
    return dy_write_synthetic_yields(TMP "/y.h5", "vector");
}

static int file_has(const char *path, const char *needle)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, needle) != NULL;
}

static void run_ok(const char *cfg_path)
{
    char args[1024], out[65536];
    snprintf(args, sizeof args, "limit %s --no-plots", cfg_path);
    const int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 0) fail_msg("darkyield %s -> %d:\n%s", args, rc, out);
}

#define IDM_MODEL                                                                                  \
    "model: {particle: inelastic_dm, alpha_D: 0.1, mchi_over_m: 0.25, dm_splitting: 0.1}\n"

/* BR(A' -> chi1 chi2) at eps (m1 = m/4, Delta = 0.1, alpha_D = 0.1) */
static double br_idm(double m, double eps)
{
    const double gdm = dy_width_ap_dm(m, 0.1, 0.25 * m, 0.1, DY_DM_INELASTIC);
    return gdm / (gdm + eps * eps * dy_ap_visible_widths(m, 1.0).total);
}

/* Invisible signature: the lower edge where chi2 lives long (stable at 10 MeV: m2 - m1 = 0.25 MeV
 * < 2 m_e; l ~ 1e10 cm at 0.1 GeV) is the dark photon's invisible limit / sqrt(BR) to 1e-6; at
 * 0.5 GeV chi2 decays before z1 for part of the spectrum (lower edge above it) and the band
 * closes below eps = 1. */
static void test_invisible(void **state)
{
    (void)state;
    dy_write_text(TMP "/dp.yaml",
                  "yields: " TMP "/y.h5\n"
                  "model: {particle: dark_photon, alpha_D: 0.1, mchi_over_m: 0.25}\n"
                  "statistics: {pot: 1e16}\nefficiency: 0.5\n"
                  "output: {dir: " TMP "/dp, formats: [csv]}\n");
    dy_write_text(TMP "/inv.yaml", "yields: " TMP "/y.h5\n" IDM_MODEL "mode: invisible\n"
                                   "decay: {z1_cm: 500}\n"
                                   "statistics: {pot: 1e16}\nefficiency: 0.5\n"
                                   "coupling_scan: {min: 1e-7, max: 1}\n"
                                   "output: {dir: " TMP "/inv, formats: [csv, hepdata]}\n");
    run_ok(TMP "/dp.yaml");
    run_ok(TMP "/inv.yaml");
    const char *f = TMP "/inv/inv_limits.csv";
    for (int m = 0; m < 3; ++m) {
        const double inv = dy_csv_value(TMP "/dp/dp_limits.csv", "coupling_obs", m);
        const double lo = dy_csv_value(f, "obs_lower", m), up = dy_csv_value(f, "obs_upper", m);
        const double ratio = lo * sqrt(br_idm(dy_synth_m[m], lo)) / inv;
        printf("m = %g: dark photon %.8g, iDM band [%.8g, %.4g], lower sqrt(BR)/dp = %.9f\n",
               dy_synth_m[m], inv, lo, up, ratio);
        if (m < 2) {
            dy_assert_close(ratio, 1.0, 0.0, 1e-6);
        } else {
            assert_true(ratio > 1.0 + 1e-6 && ratio < 1.01);
            assert_true(up > lo && up < 1.0);
        }
        /* y = eps^2 alpha_D (m1/m)^4, m_chi_GeV = m1 */
        dy_assert_close(dy_csv_value(f, "y_obs_lower", m), lo * lo * 0.1 * pow(0.25, 4), 0.0, 1e-6);
        dy_assert_close(dy_csv_value(f, "m_chi_GeV", m), 0.25 * dy_synth_m[m], 0.0, 1e-9);
    }
    assert_true(file_has(f, "y = eps^2 alpha_D (m_chi1/m_A')^4"));
    assert_true(file_has(f, "particle: inelastic_dm; mode: invisible (beyond, z1 = 500 cm)"));
    assert_true(file_has(f, "chi2 does not decay before z1"));
    assert_true(dy_csv_value(TMP "/inv/inv_thermal.csv", "y_pseudo-dirac", 0) > 0.0);
    assert_int_equal(access(TMP "/inv/hepdata/observed.yaml", R_OK), 0);
    assert_int_equal(access(TMP "/inv/hepdata/observed_y.yaml", R_OK), 0);
    assert_true(file_has(TMP "/inv/hepdata/expected_y.yaml", "m_chi1"));
    assert_true(file_has(TMP "/inv/hepdata/observed_y.yaml", "(m_chi2 - m_chi1)/m_chi1"));
    assert_int_equal(access(TMP "/inv/hepdata/thermal_pseudo-dirac.yaml", R_OK), 0);
    dy_assert_hepdata_valid(TMP "/inv/hepdata");
}

/* Semi-visible: nothing at 10 MeV (chi2 stable); at 0.1 GeV the lower edge solves the
 * long-lifetime N = N_pot eff eps^2 BR int dN/dE <(z2 - z1)/l> dE = s_up with
 * <1/l> = (Gamma(eps)/hbar c) m2 (u_hi - u_lo)/(E_hi - E_lo) over the chi2 box (Simpson over
 * 50..100 GeV here, Gauss-Legendre in the code). */
static void test_semi_visible(void **state)
{
    (void)state;
    dy_write_text(TMP "/sv.yaml", "yields: " TMP "/y.h5\n" IDM_MODEL "mode: semi_visible\n"
                                  "decay: {z1_cm: 50, z2_cm: 550}\n"
                                  "statistics: {pot: 1e16}\nefficiency: 0.5\n"
                                  "coupling_scan: {min: 1e-7, max: 1}\n"
                                  "output: {dir: " TMP "/sv, formats: [csv]}\n");
    run_ok(TMP "/sv.yaml");
    const char *f = TMP "/sv/sv_limits.csv";
    assert_true(isnan(dy_csv_value(f, "obs_lower", 0)) && isnan(dy_csv_value(f, "obs_upper", 0)));
    const double lo = dy_csv_value(f, "obs_lower", 1), up = dy_csv_value(f, "obs_upper", 1);
    const double m = 0.1, m1 = 0.025, m2 = 0.0275;
    const double g1 = dy_idm_width_chi2(m, m1, 0.1, 1.0, 0.1);
    const int ns = 2000;
    double s = 0.0;
    for (int i = 0; i <= ns; ++i) {
        const double e = 50.0 + 50.0 * i / ns, w = (i == 0 || i == ns) ? 1 : (i % 2 ? 4 : 2);
        double el, eh;
        dy_idm_chi2_box(m, m1, m2, e, &el, &eh);
        s += w * m2 * (acosh(eh / m2) - acosh(el / m2)) / (eh - el);
    }
    s *= 50.0 / (3.0 * ns) * dy_synth_c[1] * 500.0 * g1 /
         DY_HBARC_GEV_CM; /* int dN/dE <(z2-z1)/l> at eps 1 */
    /* N = 1e16 0.5 BR eps^4 s = 2.302585 (CLs, n = 0, b = 0) */
    const double want = pow(2.302585093 / (1e16 * 0.5 * br_idm(m, lo) * s), 0.25);
    printf("semi-visible m = 0.1: band [%.8g, %.6g], long-lifetime lower edge %.8g\n", lo, up,
           want);
    dy_assert_close(lo, want, 0.0, 1e-4);
    /* m2 - m1 = 2.5 MeV: even at eps = 1 chi2 flies 1e2-2e3 cm, the band is open at the scan's top;
     * at 0.5 GeV (12.5 MeV) with fewer EOT and z1 = 200 cm it closes where chi2 decays first */
    assert_true(up == 1.0);
    dy_write_text(TMP "/sv2.yaml", "yields: " TMP "/y.h5\n" IDM_MODEL "mode: semi_visible\n"
                                   "decay: {z1_cm: 200, z2_cm: 700}\n"
                                   "statistics: {pot: 1e12}\nefficiency: 0.5\n"
                                   "coupling_scan: {min: 1e-7, max: 1}\n"
                                   "output: {dir: " TMP "/sv2, formats: [csv]}\n");
    run_ok(TMP "/sv2.yaml");
    f = TMP "/sv2/sv2_limits.csv";
    const double lo5 = dy_csv_value(f, "obs_lower", 2), up5 = dy_csv_value(f, "obs_upper", 2);
    printf("semi-visible m = 0.5: band [%.6g, %.6g]\n", lo5, up5);
    assert_true(lo5 > 1e-7 && up5 > lo5 && up5 < 1.0);
    dy_assert_close(dy_csv_value(f, "y_obs_upper", 2), up5 * up5 * 0.1 * pow(0.25, 4), 0.0, 1e-6);
    assert_true(file_has(f, "mass_GeV,obs_lower,obs_upper,"));
    assert_true(file_has(f, ",m_chi_GeV,y_obs_lower,y_obs_upper,"));
    assert_true(file_has(f, "signal: chi2 -> chi1 e+e- between z1 and z2"));
    assert_true(file_has(f, "semi-visible"));
}

/* A config error: exit 2, the message, and no output directory contents. */
static void expect_error(const char *name, const char *yaml, const char *needle)
{
    char path[512], args[700], out[16384], csv[600];
    snprintf(path, sizeof path, TMP "/%s.yaml", name);
    dy_write_text(path, yaml);
    snprintf(args, sizeof args, "limit %s --no-plots", path);
    const int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 2 || !strstr(out, needle))
        fail_msg("%s: rc %d, want 2 and '%s' in:\n%s", name, rc, needle, out);
    snprintf(csv, sizeof csv, TMP "/err/%s_limits.csv", name);
    assert_int_equal(access(csv, F_OK), -1);
}

#define TAIL "statistics: {pot: 1e12}\noutput: {dir: " TMP "/err}\n"

static void test_errors(void **state)
{
    (void)state;
    expect_error("e_closed",
                 "yields: " TMP "/y.h5\n"
                 "model: {particle: inelastic_dm, alpha_D: 0.1, mchi_over_m: 0.49,\n"
                 "        dm_splitting: 0.1}\nmode: invisible\ndecay: {z1_cm: 500}\n" TAIL,
                 "e_closed.yaml:3:23: 'model.dm_splitting' 0.1 with 'model.mchi_over_m' 0.49 "
                 "gives m1 + m2 = 1.029 m_A' >= m_A'");
    expect_error("e_zero",
                 "yields: " TMP "/y.h5\n"
                 "model: {particle: inelastic_dm, alpha_D: 0.1, dm_splitting: 0}\n"
                 "decay: {z1_cm: 500}\n" TAIL,
                 "e_zero.yaml:2:61: 'model.dm_splitting' must be > 0");
    expect_error("e_nosplit",
                 "yields: " TMP "/y.h5\nmodel: {particle: inelastic_dm, alpha_D: 0.1}\n"
                 "decay: {z1_cm: 500}\n" TAIL,
                 "e_nosplit.yaml:2:8: missing required key 'model.dm_splitting'");
    expect_error("e_noalpha",
                 "yields: " TMP "/y.h5\nmodel: {particle: inelastic_dm, dm_splitting: 0.1}\n"
                 "decay: {z1_cm: 500}\n" TAIL,
                 "e_noalpha.yaml:2:8: missing required key 'model.alpha_D'");
    expect_error("e_nodecay", "yields: " TMP "/y.h5\n" IDM_MODEL "mode: semi_visible\n" TAIL,
                 "'mode: semi_visible' of inelastic_dm needs a 'decay' section");
    expect_error("e_noz2",
                 "yields: " TMP "/y.h5\n" IDM_MODEL "mode: semi_visible\n"
                 "decay: {z1_cm: 50}\n" TAIL,
                 "e_noz2.yaml:4:8: missing required key 'decay.z2_cm'");
    expect_error("e_region",
                 "yields: " TMP "/y.h5\n" IDM_MODEL "mode: invisible\n"
                 "decay: {region: between, z1_cm: 50, z2_cm: 60}\n" TAIL,
                 "e_region.yaml:4:17: inelastic_dm 'mode: invisible' needs 'decay.region: beyond'");
    expect_error("e_semi_dp",
                 "yields: " TMP "/y.h5\nmodel: {particle: dark_photon}\nmode: semi_visible\n"
                 "decay: {z1_cm: 50, z2_cm: 60}\n" TAIL,
                 "e_semi_dp.yaml:3:7: 'mode: semi_visible' applies to 'model.particle: "
                 "inelastic_dm'");
    expect_error("e_split_dp",
                 "yields: " TMP "/y.h5\nmodel: {particle: dark_photon, dm_splitting: 0.1}\n" TAIL,
                 "'model.dm_splitting' applies to 'model.particle: inelastic_dm'");
    expect_error("e_visible",
                 "yields: " TMP "/y.h5\n" IDM_MODEL "mode: visible\ndecay: {z1_cm: 50}\n" TAIL,
                 "inelastic_dm takes 'mode: invisible'");
    /* the directory was never filled */
    assert_int_equal(access(TMP "/err/hepdata", F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invisible),
        cmocka_unit_test(test_semi_visible),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
