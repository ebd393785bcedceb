/* test_couplings.c — every model has its own named coupling, converted in one place
 * (host/physics/couplings.c), and each model's normalisation matches an independent formula:
 * the L_mu - L_tau Z' with g radiates like a dark photon with eps^2 alpha = g^2/4pi (0.1.0 used
 * eps = g), B - L likewise for electrons, the ALP Primakoff cross section equals the closed form
 * written out here, S/P/A use alpha_X = g^2/4pi, and a Z' limit on g computed through the whole
 * chain (run -> HDF5 -> limit) is exactly sqrt(4 pi alpha) times the 0.1.0 output. */
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "dy_test.h"
#include "dy_test_cli.h"
#include "physics/brem_ww.h"
#include "physics/couplings.h"
#include "physics/dy_constants.h"

#define ALPHA (1.0 / 137.035999084)
#define PI    3.14159265358979323846
#define TMP   DY_BINARY_DIR "/test_couplings_tmp"

static char out[1 << 17];

static void table_names_and_normalisations(void **state)
{
    (void)state;
    static const struct {
        const char *model, *name, *unit;
        double factor; /* yield(g) / (g^2 yield_kernel(1)) */
    } want[] = {{"vector", "eps", "1", 1.0},
                {"lmu-ltau", "g_Z'", "1", 1.0 / (4 * PI * ALPHA)},
                {"b-l", "g_B-L", "1", 1.0 / (4 * PI * ALPHA)},
                {"scalar", "g_S", "1", 1.0},
                {"pseudoscalar", "g_P", "1", 1.0},
                {"axial", "g_A", "1", 1.0},
                {"alp", "g_agg", "GeV^-1", 1.0}};
    for (size_t i = 0; i < sizeof want / sizeof *want; ++i) {
        const int m = dy_model_from_name(want[i].model);
        assert_true(m >= 0);
        const dy_coupling_info *c = dy_coupling_info_of((dy_model)m);
        assert_string_equal(c->name, want[i].name);
        assert_string_equal(c->unit, want[i].unit);
        dy_assert_close(dy_coupling_kernel_scale((dy_model)m, 3e-4) / (9e-8), want[i].factor, 0.0,
                        1e-14);
        dy_assert_close(pow(dy_coupling_kernel_value((dy_model)m, 3e-4), 2) / 9e-8, want[i].factor,
                        0.0, 1e-14);
    }
    /* alpha_X: eps^2 alpha for the A', g^2/4pi for the gauge bosons and S, P, A */
    dy_assert_close(dy_coupling_alpha_x(DY_MODEL_DARK_PHOTON, 1e-3), 1e-6 * ALPHA, 0.0, 1e-15);
    dy_assert_close(dy_coupling_alpha_x(DY_MODEL_LMU_LTAU, 1e-3), 1e-6 / (4 * PI), 0.0, 1e-15);
    dy_assert_close(dy_coupling_alpha_x(DY_MODEL_AXIAL, 0.5), 0.25 / (4 * PI), 0.0, 1e-15);
    assert_true(isnan(dy_coupling_alpha_x(DY_MODEL_ALP, 1e-3)));
    assert_int_equal(dy_model_from_name("zprime"), -1);
    /* the range check names the coupling */
    dy_error e;
    assert_int_equal(dy_coupling_check(DY_MODEL_LMU_LTAU, 1e-300, "x", &e), DY_ERR_INVALID);
    assert_non_null(strstr(e.msg, "x: g_Z' = 1e-300 is outside"));
    assert_int_equal(dy_coupling_check(DY_MODEL_ALP, 1e200, "y", &e), DY_ERR_INVALID);
    assert_non_null(strstr(e.msg, "g_agg = 1e+200 GeV^-1"));
    assert_int_equal(dy_coupling_check(DY_MODEL_LMU_LTAU, 1e-3, "x", &e), DY_OK);
    assert_int_equal(dy_coupling_check(DY_MODEL_ALP, DY_COUPLING_MAX, "x", &e), DY_OK);
}

/* sigma of the row `method` in the CSV text of `darkyield xsec --format csv` */
static double sigma_of(const char *text, const char *method, double *err)
{
    char key[32];
    snprintf(key, sizeof key, ",%s,", method);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (*l == '#') continue;
        const char *k = strstr(l, key);
        const char *nl = strchr(l, '\n');
        double s, e;
        if (k && (!nl || k < nl) && sscanf(k + strlen(key), "%lf,%lf", &s, &e) == 2) {
            if (err) *err = e;
            return s;
        }
    }
    fail_msg("no %s row in:\n%s", method, text);
    return NAN;
}

static void xsec(const char *args)
{
    const int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 0) fail_msg("darkyield %s -> %d:\n%s", args, rc, out);
}

/* The muon Z': a vector coupling g to the muon, alpha_X = g^2/4pi, i.e. the dark photon's
 * eps^2 alpha with eps = g/sqrt(4 pi alpha).  Same seed, same integrals: equal to rounding. */
static void zprime_is_vector_with_g2_over_4pi(void **state)
{
    (void)state;
    const double g = 3e-4, eps = g / sqrt(4 * PI * ALPHA);
    char args[1024];
    const char *base = "xsec --process brem --lepton mu --target Pb --energy 160 --mass 0.1 "
                       "--method etl,ww --precision 1e-2 --backend cpu --format csv";
    snprintf(args, sizeof args, "%s --mediator lmu-ltau --coupling %.17g", base, g);
    xsec(args);
    assert_non_null(strstr(out, ",lmu-ltau,82,207.2,160,0.1,0.0003,g_Z',1,etl,"));
    assert_non_null(strstr(out, "at g_Z' = 0.0003, scales as g_Z'^2"));
    double ez;
    const double sz = sigma_of(out, "etl", &ez), wz = sigma_of(out, "ww", NULL);
    snprintf(args, sizeof args, "%s --mediator vector --coupling %.17g", base, eps);
    xsec(args);
    const double sa = sigma_of(out, "etl", NULL), wa = sigma_of(out, "ww", NULL);
    dy_assert_close(sz, sa, 0.0, 1e-9);
    dy_assert_close(wz, wa, 0.0, 1e-9);
    /* 0.1.0 read the Z' coupling as eps: sigma(eps = g) is 4 pi alpha / 1 = 10.9 x too large */
    snprintf(args, sizeof args, "%s --mediator vector --coupling %.17g", base, g);
    xsec(args);
    dy_assert_close(sigma_of(out, "etl", NULL) / sz, 4 * PI * ALPHA, 0.0, 1e-9);
    /* the absolute scale: WW (DMG4 DarkZ's method for muons, good to ~1 % against the ETL) */
    dy_assert_close(wz / sz, 1.0, 0.02 + 4.0 * ez / sz, 0.0);
    /* B - L: the same for electrons */
    const char *be = "xsec --process brem --target W --energy 8 --mass 0.05 --method ww "
                     "--format csv";
    snprintf(args, sizeof args, "%s --mediator b-l --coupling %.17g", be, g);
    xsec(args);
    assert_non_null(strstr(out, ",g_B-L,1,ww,"));
    const double sb = sigma_of(out, "ww", NULL);
    snprintf(args, sizeof args, "%s --mediator vector --coupling %.17g", be, eps);
    xsec(args);
    dy_assert_close(sb, sigma_of(out, "ww", NULL), 0.0, 1e-12);
}

/* S, P, A: alpha_X = g^2/(4 pi), as the WW library (brem_ww.c) defines it independently. */
static void spa_use_g2_over_4pi(void **state)
{
    (void)state;
    static const char *const med[] = {"scalar", "pseudoscalar", "axial"};
    for (int k = 0; k < 3; ++k) {
        char args[512];
        snprintf(args, sizeof args,
                 "xsec --process brem --lepton mu --mediator %s --coupling 0.02 --target Pb "
                 "--energy 160 --mass 0.2 --method iww --format csv",
                 med[k]);
        xsec(args);
        dy_brem_ww_input in;
        double s, e;
        char msg[256];
        dy_brem_ww_input_default(&in, 1, k + 1, 82, 207.2, 160.0, 0.2);
        in.coupling = 1.0;
        if (dy_brem_ww_sigma(&in, DY_BREM_METHOD_IWW, &s, &e, msg, sizeof msg)) fail_msg("%s", msg);
        /* the library at g = 1 has alpha_X = 1/(4 pi): times g^2 */
        dy_assert_close(sigma_of(out, "iww", NULL), 4e-4 * s, 0.0, 1e-9);
    }
}

/* The ALP: sigma = (g^2 alpha Z^2/8) d^2/(d - t_a)^3 [(d + 2 t_min + t_a) ln((d + t_min)/(t_a +
 * t_min)) - 2 (d - t_a)], t_a = (m_e Z^{1/3}/111)^2, d = 0.164 A^{-2/3} GeV^2, t_min =
 * m^4/(4 E^2) (Tsai elastic form factor, small angle; docs/physics-annihilation-primakoff.md
 * §3.3), in pb with g in GeV^-1. */
static void alp_primakoff_closed_form(void **state)
{
    (void)state;
    const double g = 2e-3, Z = 82, A = 207.2, E = 50, m = 0.05;
    xsec("xsec --process primakoff --target Pb --energy 50 --mass 0.05 --coupling 2e-3 "
         "--method closed --format csv");
    assert_non_null(strstr(out, ",g_agg,GeV^-1,closed,"));
    const double me = 0.51099895e-3, ta = pow(me * cbrt(Z) / 111.0, 2),
                 d = 0.164 * pow(A, -2.0 / 3.0), tmin = pow(m, 4) / (4 * E * E);
    const double hand = g * g * ALPHA * Z * Z / 8.0 * d * d / pow(d - ta, 3) *
                        ((d + 2 * tmin + ta) * log((d + tmin) / (ta + tmin)) - 2 * (d - ta)) *
                        0.389379372e9;
    dy_assert_close(sigma_of(out, "closed", NULL), hand, 0.0, 1e-9);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static double h5_double(const char *file, const char *dset, int i)
{
    double v[8];
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, dset, H5P_DEFAULT);
    assert_true(d >= 0);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Fclose(f);
    return v[i];
}

static void h5_string(const char *file, const char *attr, char *buf, size_t n)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t a = H5Aopen(f, attr, H5P_DEFAULT);
    if (a < 0) fail_msg("%s: no attribute %s", file, attr);
    hid_t t = H5Aget_type(a);
    char *s = NULL;
    assert_true(H5Aread(a, t, &s) >= 0);
    snprintf(buf, n, "%s", s);
    H5free_memory(s);
    H5Tclose(t);
    H5Aclose(a);
    H5Fclose(f);
}

/* The whole chain for the muon: yields of model lmu-ltau are per g_Z'^2, exactly 1/(4 pi alpha)
 * of the dark photon's per eps^2 (same MC integrals); the Z' limit on g is sqrt(4 pi alpha) =
 * 0.3028 times the 0.1.0 output, which was the eps limit of the dark-photon yields (below 2 m_mu
 * the invisible BR is 1, so the two limit formulas coincide); A' yields scale as eps^2. */
static void zprime_limit_moves_by_sqrt_4pi_alpha(void **state)
{
    (void)state;
    static const char *const models[] = {"vector", "lmu-ltau", "vector"};
    static const double coupling[] = {1.0, 1.0, 0.01};
    char cfg[600], text[2048], h5[3][600], args[1024];
    mkdir(TMP, 0777);
    for (int k = 0; k < 3; ++k) {
        snprintf(cfg, sizeof cfg, TMP "/mu%d.yaml", k);
        snprintf(text, sizeof text,
                 "name: mu%d\nprecision: 0.02\nbeam: {particle: mu-, energy_GeV: 160}\n"
                 "target: {material: Pb, thickness_cm: 10}\n"
                 "model: {mediator: %s, coupling: %g}\nprocesses: [brem]\n"
                 "masses_GeV: [0.05, 0.15]\nenergy_bins: {n: 8}\ncuts: {energy_min_GeV: 80}\n"
                 "output: {dir: " TMP "/mu%d, formats: [hdf5], plots: false}\n",
                 k, models[k], coupling[k], k);
        put(cfg, text);
        snprintf(args, sizeof args, "run %s --backend cpu --fresh --no-checkpoint", cfg);
        xsec(args);
        if (k == 1) /* the summary names the coupling too */
            assert_non_null(strstr(out, "per particle on target at g_Z' = 1; scales as g_Z'^2"));
        snprintf(h5[k], sizeof h5[k], TMP "/mu%d/mu%d.h5", k, k);
    }
    char s[512];
    h5_string(h5[1], "coupling_name", s, sizeof s);
    assert_string_equal(s, "g_Z'");
    h5_string(h5[1], "yields_per", s, sizeof s);
    assert_string_equal(s, "per particle on target at g_Z' = 1; scales as g_Z'^2");
    h5_string(h5[0], "coupling_name", s, sizeof s);
    assert_string_equal(s, "eps");
    for (int m = 0; m < 2; ++m) {
        const double na = h5_double(h5[0], "/brem-mu/N_above_cut", m);
        dy_assert_close(h5_double(h5[1], "/brem-mu/N_above_cut", m), na / (4 * PI * ALPHA), 0.0,
                        1e-12);
        dy_assert_close(h5_double(h5[2], "/brem-mu/N_above_cut", m), 1e-4 * na, 0.0, 1e-12);
    }
    /* limits: zprime on the lmu-ltau yields; dark_photon on the vector yields = 0.1.0's "Z'" */
    static const char *const lim[2][2] = {{"mu0", "dark_photon"}, {"mu1", "zprime"}};
    for (int k = 0; k < 2; ++k) {
        snprintf(cfg, sizeof cfg, TMP "/lim%d.yaml", k);
        snprintf(text, sizeof text,
                 "yields: " TMP "/%s/%s.h5\nmodel: {particle: %s}\n"
                 "statistics: {pot: 1e12}\nefficiency: 0.5\n"
                 "output: {dir: " TMP "/lim%d, formats: [csv], plots: false}\n",
                 lim[k][0], lim[k][0], lim[k][1], k);
        put(cfg, text);
        snprintf(args, sizeof args, "limit %s --no-plots", cfg);
        xsec(args);
    }
    for (int m = 0; m < 2; ++m) {
        const double old = dy_csv_value(TMP "/lim0/lim0_limits.csv", "coupling_obs", m);
        const double g = dy_csv_value(TMP "/lim1/lim1_limits.csv", "coupling_obs", m);
        dy_assert_close(g / old, sqrt(4 * PI * ALPHA), 0.0, 2e-7); /* 8-digit CSVs */
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_names_and_normalisations),
        cmocka_unit_test(zprime_is_vector_with_g2_over_4pi),
        cmocka_unit_test(spa_use_g2_over_4pi),
        cmocka_unit_test(alp_primakoff_closed_form),
        cmocka_unit_test(zprime_limit_moves_by_sqrt_4pi_alpha),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
