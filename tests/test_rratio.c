/* test_rratio.c — hadronic widths of a visible dark photon from the measured R ratio
 * (host/physics/rratio.c, docs/physics-annihilation-primakoff.md §1.1): BR(ee) = 1 below the
 * mu mu threshold, BR(mu mu)/BR(ee) the lepton-mass ratio (-> 1) whatever the hadrons do, R at
 * the omega and phi peaks = the shipped table's rows, the total width continuous where the
 * description changes (2 m_pi, the table's end, open charm and bottom), the parton-model R above
 * the table against the measured continuum, and the widths reaching the limits, the annihilation
 * branching ratios and the relic targets. */
#include <stdio.h>
#include <string.h>
#include "darkyield/dy.h"
#include "dy_test.h"
#include "physics/dy_dark_widths.h"
#include "physics/limits.h"
#include "physics/rratio.h"
#include "physics/xsec.h"
#include "processes/dy_proc_annihilation.h"

static void test_leptonic_region(void **state)
{
    (void)state;
    dy_ap_visible w = dy_ap_visible_widths(0.1, 1e-3); /* below 2 m_mu and 2 m_pi */
    dy_assert_close(w.br_ee, 1.0, 0.0, 0.0);
    dy_assert_close(w.had, 0.0, 0.0, 0.0);
    dy_assert_close(
        w.ee, DY_ALPHA_EM * 1e-6 * 0.1 / 3.0 * (1.0 + 2.0 * 2.611e-5) * sqrt(1.0 - 4.0 * 2.611e-5),
        0.0, 1e-4);
    const double Ms[4] = {0.3, 0.5, 1.0, 3.0};
    for (int i = 0; i < 4; ++i) {
        const double M = Ms[i], r = DY_M_MU * DY_M_MU / (M * M);
        w = dy_ap_visible_widths(M, 1.0);
        const double lep =
            (1.0 + 2.0 * r) * sqrt(1.0 - 4.0 * r) /
            ((1.0 + 2.0 * DY_M_E * DY_M_E / (M * M)) * sqrt(1.0 - 4.0 * DY_M_E * DY_M_E / (M * M)));
        dy_assert_close(w.br_mumu / w.br_ee, lep, 0.0, 1e-12);
        if (M >= 0.5) dy_assert_close(w.br_mumu / w.br_ee, 1.0, 0.02, 0.0);
        dy_assert_close(w.br_ee + w.br_mumu + w.br_had, 1.0, 1e-15, 0.0);
        dy_assert_close(w.had, DY_ALPHA_EM * M / 3.0 * dy_rratio(M), 0.0, 1e-15);
    }
    /* 0.3 GeV: hadrons are ~2 % of mu mu (R = 0.017 just above 2 m_pi) */
    w = dy_ap_visible_widths(0.3, 1.0);
    assert_true(w.had > 0.0 && w.had < 0.03 * w.mumu);
}

/* the omega and phi peaks are table rows; linear interpolation cannot exceed them */
static void test_peaks(void **state)
{
    (void)state;
    int iw = -1, ip = -1;
    for (int i = 0; i < dy_rratio_n; ++i) {
        const double x = dy_rratio_table[i][0];
        if (x > 0.7 && x < 0.85 && (iw < 0 || dy_rratio_table[i][1] > dy_rratio_table[iw][1]))
            iw = i;
        if (x > 0.99 && x < 1.05 && (ip < 0 || dy_rratio_table[i][1] > dy_rratio_table[ip][1]))
            ip = i;
    }
    dy_assert_close(dy_rratio_table[iw][0], 0.7816278, 1e-6, 0.0); /* the omega (782.66 MeV) */
    dy_assert_close(dy_rratio_table[ip][0], 1.0185914, 1e-6, 0.0); /* the phi (1019.46 MeV) */
    dy_assert_close(dy_rratio(dy_rratio_table[iw][0]), 19.777996020495674, 0.0, 1e-9);
    dy_assert_close(dy_rratio(dy_rratio_table[ip][0]), 45.4626033247607, 0.0, 1e-9);
    double mw = 0.0, mp = 0.0;
    for (double x = 0.7; x < 0.85; x += 1e-5)
        mw = fmax(mw, dy_rratio(x));
    for (double x = 0.99; x < 1.05; x += 1e-5)
        mp = fmax(mp, dy_rratio(x));
    assert_true(mw <= 19.777996020495674 * (1.0 + 1e-12) && mw > 19.7);
    assert_true(mp <= 45.4626033247607 * (1.0 + 1e-12) && mp > 45.0);
    /* the rho shoulder below the omega: R ~ 10 at 0.77 GeV; R = 0 below the first row */
    assert_true(dy_rratio(0.77) > 9.0 && dy_rratio(0.77) < 11.5);
    dy_assert_close(dy_rratio(0.27), 0.0, 0.0, 0.0);
    assert_true(dy_rratio(NAN) == 0.0);
}

static double gtot(double M)
{
    return dy_ap_visible_widths(M, 1.0).total;
}

static void test_continuity(void **state)
{
    (void)state;
    const double joints[4] = {dy_rratio_table[0][0], dy_rratio_table[dy_rratio_n - 1][0],
                              2.0 * 1.86484, 2.0 * 5.27966};
    for (int i = 0; i < 4; ++i) {
        /* open flavour rises as beta ~ sqrt(2 d/x): a step of 1e-14 x leaves ~1e-7 */
        const double x = joints[i], d = (i >= 2 ? 1e-14 : 1e-9) * x;
        /* the first row has R = 4.9e-4 (just above 2 m_pi = 0.2791 GeV): a 5e-4 step at most */
        dy_assert_close(gtot(x + d), gtot(x - d), 0.0, i == 0 ? 6e-4 : 2e-7);
    }
    /* everywhere: no relative step above what the steepest slope of the table gives (phi) */
    double prev = gtot(0.2), maxjump = 0.0;
    for (double x = 0.2 + 1e-5; x < 12.0; x += 1e-5) {
        const double g = gtot(x);
        maxjump = fmax(maxjump, fabs(g - prev) / prev);
        prev = g;
    }
    assert_true(maxjump < 0.2);
    printf("largest relative change of Gamma_tot per 10 keV step, 0.2-12 GeV: %.3g\n", maxjump);
}

/* above the table: quark-parton model with the table's QCD factor; measured continuum (PDG R
 * compilation, BES and CLEO/CUSB): R ~ 2.2 at 3 GeV, 3.5-3.7 at 5-9 GeV, ~3.9-4.1 at 12-30 GeV */
static void test_parton(void **state)
{
    (void)state;
    dy_assert_close(dy_rratio(3.0), 2.1801, 0.0, 1e-12);
    dy_assert_close(dy_rratio(5.0), 3.55, 0.2, 0.0);
    dy_assert_close(dy_rratio(9.0), 3.6, 0.2, 0.0);
    dy_assert_close(dy_rratio(20.0), 3.95, 0.2, 0.0);
    /* charm's asymptote 3 (4/9) K: */
    const double K = 2.1801 / 2.0;
    dy_assert_close(dy_rratio(39.0), 2.1801 + (3.0 * 4.0 / 9.0 + 3.0 / 9.0) * K, 0.0, 2e-3);
}

/* the widths reach the limits (Gamma per eps^2, BR ee), the annihilation's branching ratios
 * (NWA of e+e- -> A' -> e+e- at the phi) and the kernel's Breit-Wigner */
static void test_users(void **state)
{
    (void)state;
    double g1, br;
    dy_signal_width_unit(DY_DECAY_AP_EE, 1.0, &g1, &br);
    const dy_ap_visible w = dy_ap_visible_widths(1.0, 1.0);
    dy_assert_close(g1, w.total, 0.0, 1e-15);
    dy_assert_close(br, w.ee / w.total, 0.0, 1e-15);
    assert_true(br < 0.4 && br > 0.3); /* R(1 GeV) = 0.93: BR(ee) = 1/(1 + 1 + 0.93) */

    dy_xsec_request r;
    dy_error err;
    double s, e;
    dy_xsec_request_default(&r);
    r.process = DY_XPROC_ANNIHILATION;
    r.Z = 82;
    r.A = 207.2;
    r.mass = 1.0195;
    r.energy = dy_annih_e_res(r.mass);
    r.coupling = 1e-3;
    r.visible = 1;
    r.alpha_d = 0.1;
    assert_int_equal(dy_xsec_approx(&r, DY_XM_NWA, &s, &e, &err), DY_OK);
    const dy_ap_widths lw = dy_ap_widths_at(r.mass, 1e-3, 0.1, r.mass / 3.0, 0.1, DY_DM_DIRAC);
    const double had = dy_width_ap_had(r.mass, 1e-3);
    dy_assert_close(s, dy_annih_nwa_integral(r.mass, 1e-3, lw.ee / (lw.total + had)), 0.0, 1e-12);

    /* the Breit-Wigner width: gamma_had adds to Im Pi (0: the leptonic width alone) */
    dy_annih_config c;
    dy_annih_config_default(&c);
    c.m_ap = 1.0195;
    c.eps = 1e-3;
    c.alpha_d = 0.0;
    c.channel = DY_ANN_CH_EE;
    const double s0 = c.m_ap * c.m_ap;
    const double d0 = dy_annih_bw_den(s0, &c);
    const dy_ap_widths lw0 = dy_ap_widths_at(c.m_ap, 1e-3, 0.0, 0.0, 0.0, DY_DM_DIRAC);
    dy_assert_close(d0, s0 * lw0.total * lw0.total, 0.0, 1e-14);
    c.gamma_had = dy_width_ap_had(c.m_ap, 1e-3);
    dy_assert_close(dy_annih_bw_den(s0, &c), s0 * pow(lw0.total + c.gamma_had, 2.0), 0.0, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leptonic_region), cmocka_unit_test(test_peaks),
        cmocka_unit_test(test_continuity),      cmocka_unit_test(test_parton),
        cmocka_unit_test(test_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
