/* test_setups.c — the setups of docs/setups.md: each shipped run config and its limit config run
 * end to end on small grids (--set overrides), with a physics check each: NA64 B - L equals the
 * dark-photon limit of the same run times e / sqrt(BR(Z' -> nu nu)) (the same brem with
 * eps e -> g); E137 gives a visible band whose lower edge falls and upper edge rises with the
 * depth-integrated decay factor as expected (lower < upper); LDMX reaches the invisible limit
 * sqrt(s_up / (N_pot eff Y)) of its yields; PADME's resonant annihilation with the beam's energy
 * spread equals the narrow-width yield n_e L G(E_R - E0) int sigma dE+; PADME's associated
 * production e+ e- -> gamma A' on its thin target is n_e L sigma(E0) up to the straggling, and its
 * invisible limit is sqrt(s_up / (N_pot eff Y)). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dy_test.h"
#include "dy_test_cli.h"
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "physics/materials.h"

static char out[1 << 17];

#define SMALL                                                                                      \
    "--backend cpu --fresh --quiet --set precision=0.05 --set quadrature.nodes=9 "                 \
    "--set output.plots=false"

/* Run `darkyield run configs/<cfg>.yaml` with the small-grid overrides and extra ones into
 * build/test_setups/<tag>; fails with darkyield's output unless it succeeds. */
static void run(const char *cfg, const char *tag, const char *extra)
{
    char args[2048];
    snprintf(args, sizeof args,
             "run %s/configs/%s.yaml " SMALL " --set output.dir=%s/test_setups/%s %s",
             DY_SOURCE_DIR, cfg, DY_BINARY_DIR, tag, extra);
    if (dy_run_cli(args, out, sizeof out)) fail_msg("%s:\n%s", args, out);
}

/* `darkyield limit configs/<cfg>.yaml` on the yields of run tag (file <name>.h5). */
static void limit(const char *cfg, const char *tag, const char *name, const char *extra)
{
    char args[2048];
    snprintf(args, sizeof args,
             "limit %s/configs/%s.yaml --quiet --set yields=%s/test_setups/%s/%s.h5 "
             "--set output.dir=%s/test_setups/%s-limit --set output.plots=false %s",
             DY_SOURCE_DIR, cfg, DY_BINARY_DIR, tag, name, DY_BINARY_DIR, tag, extra);
    if (dy_run_cli(args, out, sizeof out)) fail_msg("%s:\n%s", args, out);
}

/* Column col of data row `row` of a CSV with '#' comments and a header line. */
static double csv(const char *tag, const char *file, const char *col, int row)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/test_setups/%s/%s", DY_BINARY_DIR, tag, file);
    return dy_csv_value(path, col, row);
}

#define MASSES "--set masses_GeV.n=2 --set masses_GeV.min=0.005 --set masses_GeV.max=0.3"

/* B - L: g_lim = e eps_lim / sqrt(BR_inv) with BR_inv = 0.125/(0.125 + sum_l f_l/12) (3 nu, leptons
 * only; 0.6 below 2 m_mu for m >> m_e, 3/7 far above), eps_lim from the same yields computed for a
 * dark photon (the same MC stream: the kernels differ only by the coupling normalisation). */
static void na64_bl(void **state)
{
    (void)state;
    run("na64e-bl", "bl", MASSES);
    limit("limit-na64e-bl", "bl", "na64e-bl", "");
    run("na64e-bl", "bl-vector", MASSES " --set model.mediator=vector");
    limit("limit-na64e-bl", "bl-vector", "na64e-bl", "--set model.particle=dark_photon");
    const double e = sqrt(4.0 * 3.14159265358979324 / 137.035999084), re = 0.000510998950 / 0.005;
    const double fe = (1.0 + 2.0 * re * re) * sqrt(1.0 - 4.0 * re * re); /* e+e-, m = 5 MeV */
    const double br[2] = {0.125 / (0.125 + fe / 12.0), 3.0 / 7.0};
    for (int m = 0; m < 2; ++m) {
        const double g = csv("bl-limit", "na64e-bl-3.2e11_limits.csv", "coupling_obs", m);
        const double eps = csv("bl-vector-limit", "na64e-bl-3.2e11_limits.csv", "coupling_obs", m);
        const double ratio = g / (e * eps / sqrt(br[m]));
        printf("B-L m index %d: g = %.5g, e eps / sqrt(BR) = %.5g (ratio %.6f)\n", m, g,
               e * eps / sqrt(br[m]), ratio);
        /* the muon threshold for m = 0.3 GeV: BR = 1/(1 + 0.5 (1 + f_mu)), f_mu < 1 */
        if (m == 0) dy_assert_close(ratio, 1.0, 0.0, 1e-6);
        if (m == 1) assert_true(ratio > 0.95 && ratio < 1.0);
    }
}

/* E137: a band, the lower edge where the A' lives long (N ~ eps^4), the upper where it decays
 * in the shield; the yields file holds the depths (geometry.depth_bins). */
static void e137(void **state)
{
    (void)state;
    run("e137", "e137", MASSES " --set geometry.theta_bins=4");
    limit("limit-e137", "e137", "e137", "");
    for (int m = 0; m < 2; ++m) {
        const double lo = csv("e137-limit", "e137_limits.csv", "obs_lower", m);
        const double up = csv("e137-limit", "e137_limits.csv", "obs_upper", m);
        printf("E137 m index %d: excluded %.3g .. %.3g\n", m, lo, up);
        assert_true(lo > 1e-9 && lo < up && up < 1e-3);
    }
}

/* E141 and E774 (close detectors, acceptance from the angle bins): each gives a band at 3 and
 * 8 MeV, the upper edge falling with the mass (the lifetime ~ 1/(eps^2 m)); E774, with 4e5 times
 * fewer electrons but 30 times the energy, sees neither as weak couplings (its lower edge is
 * higher) but reaches shorter lifetimes (its upper edge is higher). */
static void e141_e774(void **state)
{
    (void)state;
    const char *ms = "--set masses_GeV.n=2 --set masses_GeV.min=0.003 --set masses_GeV.max=0.008 "
                     "--set geometry.theta_bins=10";
    run("e141", "e141", ms);
    limit("limit-e141", "e141", "e141", "");
    run("e774", "e774", ms);
    limit("limit-e774", "e774", "e774", "");
    double lo[2][2], up[2][2];
    for (int m = 0; m < 2; ++m) {
        lo[0][m] = csv("e141-limit", "e141_limits.csv", "obs_lower", m);
        up[0][m] = csv("e141-limit", "e141_limits.csv", "obs_upper", m);
        lo[1][m] = csv("e774-limit", "e774_limits.csv", "obs_lower", m);
        up[1][m] = csv("e774-limit", "e774_limits.csv", "obs_upper", m);
        printf("m index %d: E141 %.3g .. %.3g, E774 %.3g .. %.3g\n", m, lo[0][m], up[0][m],
               lo[1][m], up[1][m]);
        for (int x = 0; x < 2; ++x)
            assert_true(lo[x][m] > 1e-7 && lo[x][m] < up[x][m] && up[x][m] < 0.5);
        assert_true(lo[1][m] > lo[0][m] && up[1][m] > up[0][m]);
    }
    for (int x = 0; x < 2; ++x)
        assert_true(up[x][1] < up[x][0]);
}

/* LDMX: the invisible limit eps = sqrt(s_up / (N_pot eff N(E > 5.6 GeV))). */
static void ldmx(void **state)
{
    (void)state;
    run("ldmx", "ldmx", MASSES);
    limit("limit-ldmx", "ldmx", "ldmx", "");
    for (int m = 0; m < 2; ++m) {
        const double eps = csv("ldmx-limit", "ldmx-1e16_limits.csv", "coupling_obs", m);
        assert_true(isfinite(eps) && eps > 0.0);
        /* N above the limit's cut from the spectrum: the run's own cut is 4 GeV */
        double N = 0.0;
        for (int b = 0; b < 40; ++b) {
            const double lo = csv("ldmx", "ldmx.csv", "E_lo_GeV", m * 40 + b);
            if (lo >= 5.6 - 1e-9) N += 0.2 * csv("ldmx", "ldmx.csv", "dNdE_per_GeV", m * 40 + b);
        }
        dy_assert_close(eps, sqrt(2.302585093 / (1e16 * 0.5 * N)), 0.0, 1e-6);
    }
}

/* PADME: 282 MeV e+ with a 0.7 MeV Gaussian spread on 100 um of diamond.  Near the peak the
 * resonant yield is the narrow-width one, N = n_e L G(E_R - E0) int sigma dE+ (the beam's
 * Gaussian G in E+; docs/setups.md), less the ~0.5 % of positrons that radiated more than the
 * spread: within 1.5 %; the largest yield is at the mass whose E_R = m^2/(2 m_e) - m_e is nearest
 * E0 (16.99 MeV).  Then the limit config runs on it. */
static void padme(void **state)
{
    (void)state;
    run("padme-x17", "padme", "");
    dy_material dia;
    dy_error err;
    if (dy_material_lookup("diamond", &dia, &err) != DY_OK) fail_msg("%s", err.msg);
    const double E0 = 0.282, sig = 0.0007, L = 0.01;
    int best = -1, nchk = 0;
    double bv = -1.0;
    for (int m = 0; m < 21; ++m) {
        const double M = csv("padme", "padme-x17_integrated.csv", "mass_GeV", m);
        const double N = csv("padme", "padme-x17_integrated.csv", "N_total", m);
        if (N > bv) bv = N, best = m;
        const double d = (dy_annih_e_res(M) - E0) / sig;
        if (fabs(d) > 1.5) continue;
        const double G = exp(-0.5 * d * d) / (sqrt(2.0 * DY_PI) * sig);
        const double hand = dia.n_e * L * G * dy_annih_nwa_integral(M, 1e-4, 1.0) * DY_PB_TO_CM2;
        printf("PADME m = %.5f GeV: (E_R - E0)/sigma = %+.2f, N = %.5g, narrow width %.5g\n", M, d,
               N, hand);
        dy_assert_close(N, hand, 0.0, 0.015);
        assert_true(N < hand); /* the radiated positrons are missing from the peak */
        ++nchk;
    }
    assert_true(nchk >= 3);
    dy_assert_close(csv("padme", "padme-x17_integrated.csv", "mass_GeV", best), 0.01699, 0.0, 1e-9);
    limit("limit-padme-x17", "padme", "padme-x17", "");
    const double lo = csv("padme-limit", "padme-x17_limits.csv", "obs_lower", best);
    assert_true(lo > 1e-5 && lo < 1e-2);
}

/* PADME e+ e- -> gamma A' (550 MeV e+, 100 um diamond, 8.2e-4 X0): N = n_e L eps^2 sigma(E0) (the
 * closed form) up to the positrons' straggling, (bt/2) C with bt = 1.1e-3 and |C| of a few
 * (test_run_gammaap computes it): 1 % stated; the zero-background limit eps = eps_file
 * sqrt(2.303 / (N_pot eff N)) with the config's 1e13 and 0.5. */
static void padme_gammaap(void **state)
{
    (void)state;
    run("padme-gammaap", "padme-gammaap",
        "--set masses_GeV.n=3 --set masses_GeV.min=0.001 --set masses_GeV.max=0.022");
    dy_material dia;
    dy_error err;
    if (dy_material_lookup("diamond", &dia, &err) != DY_OK) fail_msg("%s", err.msg);
    for (int m = 0; m < 3; ++m) {
        const double M = csv("padme-gammaap", "padme-gammaap_integrated.csv", "mass_GeV", m);
        const double N = csv("padme-gammaap", "padme-gammaap_integrated.csv", "N_total", m);
        const double eN = csv("padme-gammaap", "padme-gammaap_integrated.csv", "N_total_err", m);
        const double hand = dia.n_e * 0.01 * dy_annih_sigma_gamma_ap(M, 1e-3, 0.55) * DY_PB_TO_CM2;
        printf("PADME gamma A' m = %.4f GeV: N = %.6g +- %.2g, n_e L sigma(E0) = %.6g (ratio "
               "%.5f)\n",
               M, N, eN, hand, N / hand);
        dy_assert_close(N, hand, 4.0 * eN, 0.01);
    }
    limit("limit-padme-gammaap", "padme-gammaap", "padme-gammaap", "");
    for (int m = 0; m < 3; ++m) {
        const double N = csv("padme-gammaap", "padme-gammaap_integrated.csv", "N_total", m);
        const double eps =
            csv("padme-gammaap-limit", "padme-gammaap-1e13_limits.csv", "coupling_obs", m);
        dy_assert_close(eps, 1e-3 * sqrt(2.302585093 / (1e13 * 0.5 * N)), 0.0, 1e-6);
    }
}

/* NA64e inelastic DM on the invisible run's yields: at 5 MeV chi2 is stable (m2 - m1 = 0.67 MeV <
 * 2 m_e), so the invisible signature's lower edge is the dark photon's invisible limit (BR(A' ->
 * chi1 chi2) = 1 - O(eps^2 alpha/alpha_D) = 1 - 1e-10 there) to 1e-6 and the semi-visible mode
 * excludes nothing; at 300 MeV the semi-visible band closes below eps = 1. */
static void na64_idm(void **state)
{
    (void)state;
    run("na64e-invisible", "idm", MASSES);
    limit("limit-na64e-invisible", "idm", "na64e-invisible", "");
    const double eps = csv("idm-limit", "na64e-invisible-2.84e11_limits.csv", "coupling_obs", 0);
    limit("limit-na64e-idm", "idm", "na64e-invisible",
          "--set mode=invisible --set decay.z1_cm=600 --set decay.z2_cm=null "
          "--set output.dir=" DY_BINARY_DIR "/test_setups/idm-inv");
    const double lo = csv("idm-inv", "na64e-idm-2.84e11_limits.csv", "obs_lower", 0);
    printf("NA64 iDM invisible at 5 MeV: lower edge %.8g, dark photon %.8g\n", lo, eps);
    dy_assert_close(lo, eps, 0.0, 1e-6);
    limit("limit-na64e-idm", "idm", "na64e-invisible", "");
    const char *f = "na64e-idm-2.84e11_limits.csv";
    assert_true(isnan(csv("idm-limit", f, "obs_lower", 0)));
    const double l3 = csv("idm-limit", f, "obs_lower", 1), u3 = csv("idm-limit", f, "obs_upper", 1);
    printf("NA64 iDM semi-visible at 300 MeV: eps in [%.4g, %.4g]\n", l3, u3);
    assert_true(l3 > 1e-6 && l3 < u3 && u3 < 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(na64_bl),  cmocka_unit_test(e137),  cmocka_unit_test(e141_e774),
        cmocka_unit_test(ldmx),     cmocka_unit_test(padme), cmocka_unit_test(padme_gammaap),
        cmocka_unit_test(na64_idm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
