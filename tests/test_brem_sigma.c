/* test_brem_sigma.c — integrates the ETL process dy_proc_brem_eval with GSL's VEGAS (fixed seed):
 * the DMG4 calibration point (3643 pb), WW/ETL ratios stated in the reference note (physics-brem.md
 * §6), the phi-integrated (3-D, default) against the phi-sampled (4-D) form, coupling scaling,
 * observables and zero outside phase space.  Bands documented in docs/physics-brem.md §7. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_monte_vegas.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include "dy_test.h"
#include "dy_test_brem_vegas.h"
#include "physics/brem_ww.h"
#include "processes/dy_proc_brem.h"

/* VEGAS (GSL) over the kernel's integrand (tests/dy_test_brem_vegas.h); chi^2/dof < 5 required */
static double vegas(dy_params *p, double *err)
{
    double chi2;
    const double r = dy_test_brem_vegas(p, err, &chi2);
    assert_true(chi2 < 5.0);
    return r;
}

static double etl(int lepton, int med, double E0, double m, double coupling, int inel, double *err)
{
    dy_params p;
    dy_proc_brem_setup(&p, lepton, med, 82.0, 207.0, E0, m, coupling, inel);
    return vegas(&p, err);
}

/* DMG4 DarkPhotons.cc: 3643 pb at eps = 1e-4, 150 GeV e- on Pb, m = 16.7 MeV, elastic + inelastic,
 * x up to 1 - m_e/E0.  Systematic allowance 1% (alpha = 1/137 and M = A GeV in DMG4).  With the
 * default 3-D (phi-integrated) form. */
static void test_calibration_point(void **state)
{
    (void)state;
    double err;
    const double s = etl(0, DY_BREM_V, 150.0, 0.0167, 1e-4, 1, &err);
    dy_params p;
    dy_proc_brem_setup(&p, 0, DY_BREM_V, 82.0, 207.0, 150.0, 0.0167, 1e-4, 1);
    assert_int_equal(p.dim, DY_BREM_DIM);
    printf("    sigma_ETL = %.2f +- %.2f pb (reference 3643 pb, %+.2f%%)\n", s, err,
           100.0 * (s / 3643.0 - 1.0));
    assert_true(err < 3e-3 * s);
    dy_assert_close(s, 3643.0, 4.0 * err + 0.01 * 3643.0, 0.0);
}

static double ww_sigma(int lepton, int med, double E0, double m, int method, int tmax_mode)
{
    dy_brem_ww_input in;
    double s, err;
    char msg[160];
    dy_brem_ww_input_default(&in, lepton, med, 82.0, 207.0, E0, m);
    in.tmax_mode = tmax_mode;
    in.epsrel = 1e-5;
    assert_int_equal(dy_brem_ww_sigma(&in, method, &s, &err, msg, sizeof msg), 0);
    return s;
}

/* e- Pb 100 GeV: full WW (theta <= 0.3, chi(x, theta), t_max = E0^2) overestimates the ETL by
 * 30-60 % (reference §6, P5); IWW/ETL ~ 1.7 at 100 MeV (reference P4). */
static void test_ww_over_etl_electron(void **state)
{
    (void)state;
    const double masses[2] = {0.01, 0.1};
    for (int i = 0; i < 2; ++i) {
        double err;
        const double e = etl(0, DY_BREM_V, 100.0, masses[i], 1.0, 1, &err);
        const double w =
            ww_sigma(0, DY_BREM_V, 100.0, masses[i], DY_BREM_METHOD_WW, DY_BREM_TMAX_E02);
        const double wm =
            ww_sigma(0, DY_BREM_V, 100.0, masses[i], DY_BREM_METHOD_WW, DY_BREM_TMAX_M2);
        const double iw =
            ww_sigma(0, DY_BREM_V, 100.0, masses[i], DY_BREM_METHOD_IWW, DY_BREM_TMAX_M2);
        printf("    e- m = %g: ETL %.5g pb (+-%.1e), WW(E0^2)/ETL %.4f, WW(m^2+ml^2)/ETL %.4f, "
               "IWW/ETL %.4f\n",
               masses[i], e, err / e, w / e, wm / e, iw / e);
        assert_true(w / e > 1.3 && w / e < 1.6);
        if (i == 1) assert_true(iw / e > 1.5 && iw / e < 1.9);
    }
}

/* mu- Pb 160 GeV, m = 100 MeV: WW (theta <= 0.3, t_max = m^2 + m_mu^2) within ~1 % of the ETL
 * (reference §5, §6; DMG4 HISTORY "within 1-2 %"): asserted |WW/ETL - 1| < 2 %.  The other
 * mediators are a regression check at 3 % (measured <= 1.1 %, not a reference statement). */
static void test_ww_over_etl_muon(void **state)
{
    (void)state;
    for (int med = 0; med < 4; ++med) {
        double err;
        const double e = etl(1, med, 160.0, 0.1, 1.0, 1, &err);
        const double w = ww_sigma(1, med, 160.0, 0.1, DY_BREM_METHOD_WW, DY_BREM_TMAX_M2);
        printf("    mu- m = 0.1, mediator %d: ETL %.5g pb (+-%.1e), WW/ETL %.4f\n", med, e, err / e,
               w / e);
        dy_assert_close(w / e, 1.0, 4.0 * err / e + (med == DY_BREM_V ? 0.02 : 0.03), 0.0);
    }
}

/* The same total cross section from both forms (same map for u0..u2, GSL VEGAS with equal
 * budgets): |3-D - 4-D| < 4 sigma, and the 3-D error at least 3x smaller (measured 4.5-6.3x, i.e.
 * 20-40x less variance per evaluation, docs §5).  e- 100 GeV V and mu- 160 GeV A, m = 0.1. */
static void test_phi_forms(void **state)
{
    (void)state;
    const int lep[2] = {0, 1}, med[2] = {DY_BREM_V, DY_BREM_A};
    for (int i = 0; i < 2; ++i) {
        dy_params p;
        double e3, e4;
        dy_proc_brem_setup(&p, lep[i], med[i], 82.0, 207.0, lep[i] ? 160.0 : 100.0, 0.1, 1.0, 1);
        const double s3 = vegas(&p, &e3);
        dy_proc_brem_set_phi(&p, 1);
        assert_int_equal(p.dim, DY_BREM_DIM_PHI);
        const double s4 = vegas(&p, &e4);
        printf("    lepton %d mediator %d: 3-D %.7g +- %.2g, 4-D %.7g +- %.2g pb (%+.2f sigma), "
               "error ratio 4-D/3-D %.2f\n",
               lep[i], med[i], s3, e3, s4, e4, (s3 - s4) / hypot(e3, e4), e4 / e3);
        dy_assert_close(s3, s4, 4.0 * hypot(e3, e4), 0.0);
        assert_true(e3 < e4 / 3.0);
    }
}

/* sigma scales as coupling^2; zero outside phase space; observables inside their ranges and
 * written only for k < nobs; x, theta_X and E' (phi-independent) equal in both forms at the same
 * (u0, u1, u2), the recoil lepton's angle (obs 3) only in 4-D. */
static void test_integrand_properties(void **state)
{
    (void)state;
    dy_params p1, p2, p3, p4;
    double obs[4], o4[4];
    unsigned seed = 7u;
    dy_proc_brem_setup(&p1, 0, DY_BREM_V, 82, 207, 100.0, 0.05, 1e-4, 1);
    dy_proc_brem_setup(&p2, 0, DY_BREM_V, 82, 207, 100.0, 0.05, 2e-4, 1);
    dy_proc_brem_setup(&p3, 1, DY_BREM_S, 82, 207, 10.0, 12.0, 1.0, 1); /* m > E0 */
    p4 = p1;
    dy_proc_brem_set_phi(&p4, 1);
    assert_int_equal(p1.dim, 3);
    assert_int_equal(p4.dim, 4);
    int nonzero = 0;
    for (int n = 0; n < 2000; ++n) {
        double u[4];
        for (int k = 0; k < 4; ++k) {
            seed = seed * 1664525u + 1013904223u;
            u[k] = ((seed >> 8) + 0.5) / 16777216.0;
        }
        const double f1 = dy_proc_brem_eval(&p1, u, obs, DY_MAX_OBS);
        const double f4 = dy_proc_brem_eval(&p4, u, o4, DY_MAX_OBS);
        if (f1 != 0.0) {
            ++nonzero;
            assert_true(obs[0] > 0.0 && obs[0] < 1.0);
            assert_true(obs[1] >= 0.0 && obs[1] <= DY_PI);
            assert_true(obs[2] > 0.0 && obs[2] <= 100.0);
            assert_true(obs[3] == 0.0);
        }
        if (f4 != 0.0) {
            assert_true(f1 != 0.0);
            for (int k = 0; k < 3; ++k)
                dy_assert_close(o4[k], obs[k], 0.0, 1e-13);
            assert_true(o4[3] >= 0.0 && o4[3] <= DY_PI);
        }
        for (dy_u32 nobs = 0; nobs < DY_MAX_OBS; ++nobs) {
            double o[4];
            dy_proc_brem_eval(&p4, u, o, nobs);
            for (dy_u32 k = nobs; k < DY_MAX_OBS; ++k)
                assert_true(o[k] == 0.0);
        }
        dy_assert_close(dy_proc_brem_eval(&p2, u, obs, DY_MAX_OBS), 4.0 * f1, 0.0, 1e-12);
        assert_true(dy_proc_brem_eval(&p3, u, obs, DY_MAX_OBS) == 0.0);
        dy_proc_brem_set_phi(&p3, 1);
        assert_true(dy_proc_brem_eval(&p3, u, obs, DY_MAX_OBS) == 0.0);
        dy_proc_brem_set_phi(&p3, 0);
    }
    assert_true(nonzero > 1900);
}

/* The variable maps (dy_proc_brem.h): u0 -> ln(1-x) with the break at ln(m_l^2/m^2), and the
 * t map with breaks at 1/a^2 and d, for breaks below, inside and above the range: monotonic, onto
 * the range (end points to 1e-12; t_+ to 1e-8, the 1/t piece subtracts there), and the returned
 * Jacobian equals the central difference of the map (step 1e-6 max(min(u, 1-u), 1e-3), agreement
 * 1e-4 relative: round-off of the difference; the few points next to a break, where the one-sided
 * differences disagree, are skipped: at most 2 per break). */
static double y_of(const dy_params *p, double u)
{
    double y;
    dy_proc_brem_map_y(p, u, &y);
    return y;
}
static double t_of(const double *lim, double u)
{
    double t, a, b;
    dy_proc_brem_map_t_breaks(lim[0], lim[1], 4e-10, 4.7e-3, u, &t, &a, &b);
    return t;
}
static int check_jac(double j, double fm, double f0, double fp, double h)
{
    const double l = (f0 - fm) / h, r = (fp - f0) / h;
    if (fabs(l - r) > 1e-3 * fabs(l + r)) return 1; /* a break between the three points */
    dy_assert_close(j, 0.5 * (l + r), 0.0, 1e-4);
    return 0;
}
static void test_maps(void **state)
{
    (void)state;
    enum { N = 20000 };
    const double ms[4] = {1e-4, 0.01, 0.3, 2.0};
    for (int lep = 0; lep < 2; ++lep)
        for (int i = 0; i < 4; ++i) {
            dy_params p;
            dy_proc_brem_setup(&p, lep, DY_BREM_V, 82, 207, 100.0, ms[i], 1.0, 1);
            const double ylo = p.par[DY_BREM_P_YLO], yhi = p.par[DY_BREM_P_YHI];
            double y, prev = -INFINITY;
            int skipped = 0;
            for (int k = 0; k < N; ++k) {
                const double u = (k + 0.5) / N, jy = dy_proc_brem_map_y(&p, u, &y);
                const double h = 1e-6 * fmax(fmin(u, 1.0 - u), 1e-3);
                assert_true(jy > 0.0 && y >= ylo && y <= yhi && y > prev);
                prev = y;
                skipped += check_jac(jy, y_of(&p, u - h), y, y_of(&p, u + h), h);
            }
            assert_true(skipped <= 2);
            dy_assert_close(y_of(&p, 0.0), ylo, 1e-12, 0.0);
            dy_assert_close(y_of(&p, 1.0), yhi, 1e-12, 0.0);
        }
    const double lim[6][2] = {{1e-16, 1e3}, {1e-16, 1e-11}, {1e-12, 1e-6},
                              {1e-6, 1e-4}, {1e-5, 1.0},    {0.1, 30.0}};
    for (int i = 0; i < 6; ++i) {
        double t, dtlo, dthi, prev = 0.0;
        int skipped = 0;
        for (int k = 0; k < N; ++k) {
            const double u = (k + 0.5) / N, h = 1e-6 * fmax(fmin(u, 1.0 - u), 1e-3);
            const double j =
                dy_proc_brem_map_t_breaks(lim[i][0], lim[i][1], 4e-10, 4.7e-3, u, &t, &dtlo, &dthi);
            assert_true(j > 0.0 && t >= lim[i][0] && t <= lim[i][1] && t > prev);
            assert_true(dtlo == t - lim[i][0] && dthi == lim[i][1] - t);
            prev = t;
            skipped += check_jac(j, t_of(lim[i], u - h), t, t_of(lim[i], u + h), h);
        }
        assert_true(skipped <= 4);
        dy_assert_close(t_of(lim[i], 0.0), lim[i][0], 0.0, 1e-12);
        dy_assert_close(t_of(lim[i], 1.0), lim[i][1], 0.0, 1e-8);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_point),    cmocka_unit_test(test_ww_over_etl_electron),
        cmocka_unit_test(test_ww_over_etl_muon),     cmocka_unit_test(test_phi_forms),
        cmocka_unit_test(test_integrand_properties), cmocka_unit_test(test_maps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
