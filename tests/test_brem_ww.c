/* test_brem_ww.c — WW / IWW quadrature (host/physics/brem_ww.c) against closed forms: the elastic
 * photon flux chi (reference physics-brem.md §2 numbers), the m_l -> 0 WW dsigma/dx of §3.1, the
 * IWW closed-form angular integral (§3.3), and the error returns on bad input. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdio.h>
#include <string.h>
#include "dy_test.h"
#include "physics/brem_ww.h"
#include "physics/dy_constants.h"
#include "physics/dy_me_brem.h"

/* chi for Pb, E0 = 100 GeV, t_min = m^4/4E0^2, t_max = m^2: 8.2236e4 (100 MeV), 7.6563e4 (10 MeV)
 */
static void test_chi_reference(void **state)
{
    (void)state;
    const dy_ffscales s = dy_ff_scales(82.0, 207.0);
    const double mm[2] = {0.1, 0.01}, ref[2] = {8.2236e4, 7.6563e4};
    for (int i = 0; i < 2; ++i) {
        const double m = mm[i], tmin = m * m * m * m / (4.0 * 1e4), tmax = m * m;
        double chi, err;
        assert_int_equal(dy_brem_chi(&s, 0, tmin, tmax, 1e-10, &chi, &err), 0);
        const double an = dy_brem_chi_el_analytic(&s, tmin, tmax);
        printf("    m = %g: chi quadrature %.8g, analytic %.8g, reference %.5g\n", m, chi, an,
               ref[i]);
        dy_assert_close(chi, an, 0.0, 1e-9);
        dy_assert_close(chi, ref[i], 0.0, 1e-4); /* 5 significant digits quoted */
    }
    /* the inelastic term only adds */
    double ce, ci, err;
    assert_int_equal(dy_brem_chi(&s, 0, 1e-8, 1.0, 0, &ce, &err), 0);
    assert_int_equal(dy_brem_chi(&s, 1, 1e-8, 1.0, 0, &ci, &err), 0);
    assert_true(ci > ce && ci < 1.1 * ce);
}

/* m_l -> 0, chi fixed, no angular cut: dsigma/dx = 4 alpha_X alpha^2 chi beta
 * x(1-x+x^2/3)/(m^2(1-x)) (reference §3.1, BEST09). */
static void test_ww_massless_closed_form(void **state)
{
    (void)state;
    dy_brem_ww_input in;
    const double chi = 5.0e4, E0 = 100.0;
    const double masses[3] = {0.005, 0.1, 1.0}, xs[4] = {0.05, 0.3, 0.7, 0.99};
    char msg[128];
    for (int im = 0; im < 3; ++im)
        for (int ix = 0; ix < 4; ++ix) {
            const double m = masses[im], x = xs[ix];
            double r, err;
            if (x * E0 <= m) continue;
            dy_brem_ww_input_default(&in, 0, DY_BREM_V, 82, 207, E0, m);
            in.ml = 0.0;
            in.chi_fixed = chi;
            in.theta_max = -1.0;
            in.coupling = 1e-3;
            assert_int_equal(dy_brem_ww_dsigma_dx(&in, DY_BREM_METHOD_WW, x, &r, &err, msg, 128),
                             0);
            const double beta = sqrt(1.0 - m * m / (x * x * E0 * E0));
            const double cf = 4.0 * 1e-6 * DY_ALPHA_EM * DY_ALPHA_EM * DY_ALPHA_EM * chi * beta *
                              x * (1.0 - x + x * x / 3.0) / (m * m * (1.0 - x)) * DY_GEV2_TO_PB;
            dy_assert_close(r, cf, 0.0, 1e-7);
        }
}

/* IWW: the library's closed-form u~ integral equals (a) a direct GSL quadrature of
 * int_{-inf}^{u_max} A^2_{2->2}/u~^2 du~ and (b) the WW angular quadrature with chi frozen and no
 * angular cut, for every mediator and both leptons; (c) the explicit vector formula of §3.3. */
typedef struct uint_par {
    int med;
    double x, m, ml, U;
} uint_par;

static double u_integrand(double z, void *vp)
{
    /* u~ = -U / z, z in (0, 1]: du~ = U/z^2 dz */
    const uint_par *p = vp;
    const double ut = -p->U / z;
    return dy_me_brem_a2_22(p->med, p->x, ut, p->m, p->ml) / (ut * ut) * p->U / (z * z);
}

static void test_iww_closed_form(void **state)
{
    (void)state;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    const double E0 = 160.0, masses[3] = {0.01, 0.1, 0.8}, xs[3] = {0.2, 0.6, 0.95};
    char msg[128];
    for (int lep = 0; lep < 2; ++lep)
        for (int med = 0; med < 4; ++med)
            for (int im = 0; im < 3; ++im)
                for (int ix = 0; ix < 3; ++ix) {
                    dy_brem_ww_input in;
                    const double m = masses[im], x = xs[ix];
                    double iww, ww, err, chi, uq;
                    dy_brem_ww_input_default(&in, lep, med, 82, 207, E0, m);
                    assert_int_equal(
                        dy_brem_ww_dsigma_dx(&in, DY_BREM_METHOD_IWW, x, &iww, &err, msg, 128), 0);
                    const dy_ffscales s = dy_ff_scales(82, 207);
                    assert_int_equal(dy_brem_chi(&s, 1, m * m * m * m / (4 * E0 * E0),
                                                 m * m + in.ml * in.ml, 1e-10, &chi, &err),
                                     0);
                    in.chi_fixed = chi;
                    in.theta_max = -1.0;
                    assert_int_equal(
                        dy_brem_ww_dsigma_dx(&in, DY_BREM_METHOD_WW, x, &ww, &err, msg, 128), 0);
                    dy_assert_close(ww, iww, 0.0, 1e-6);
                    /* direct quadrature of the u~ integral */
                    uint_par up = {med, x, m, in.ml, m * m * (1 - x) / x + in.ml * in.ml * x};
                    gsl_function f = {u_integrand, &up};
                    assert_int_equal(gsl_integration_qag(&f, 0.0, 1.0, 0.0, 1e-11, 1000,
                                                         GSL_INTEG_GAUSS61, w, &uq, &err),
                                     0);
                    const double kk = sqrt(x * x * E0 * E0 - m * m);
                    const double alx = med == DY_BREM_V ? DY_ALPHA_EM : 1.0 / (4.0 * DY_PI);
                    const double pre = alx * DY_ALPHA_EM * DY_ALPHA_EM * chi * kk / E0 * (1 - x) /
                                       x * DY_GEV2_TO_PB;
                    dy_assert_close(iww, pre * uq, 0.0, 1e-8);
                    if (med == DY_BREM_V) {
                        const double U = up.U, ml2 = in.ml * in.ml;
                        const double v = 2 * (2 - 2 * x + x * x) / ((1 - x) * U) -
                                         2 * (m * m + 2 * ml2) * x / (3 * U * U);
                        dy_assert_close(iww, pre * v, 0.0, 1e-12);
                    }
                }
    gsl_integration_workspace_free(w);
}

/* WW total with chi(x, theta) for muons at 160 GeV is a smooth, finite, positive number and HIWW
 * equals IWW up to beta(x) -> beta(1) (both use chi(m^4/4E0^2, m^2 + m_l^2)). */
static void test_sigma_methods(void **state)
{
    (void)state;
    dy_brem_ww_input in;
    double ww, iww, hiww, err;
    char msg[128];
    dy_brem_ww_input_default(&in, 1, DY_BREM_V, 82, 207, 160.0, 0.1);
    assert_int_equal(dy_brem_ww_sigma(&in, DY_BREM_METHOD_WW, &ww, &err, msg, 128), 0);
    assert_int_equal(dy_brem_ww_sigma(&in, DY_BREM_METHOD_IWW, &iww, &err, msg, 128), 0);
    assert_int_equal(dy_brem_ww_sigma(&in, DY_BREM_METHOD_HIWW, &hiww, &err, msg, 128), 0);
    printf("    mu Pb 160 GeV m = 0.1: WW %.6g pb, IWW %.6g pb, HIWW %.6g pb (coupling 1)\n", ww,
           iww, hiww);
    assert_true(ww > 0.0 && iww > ww);
    dy_assert_close(hiww, iww, 0.0, 1e-3);
}

static void test_bad_input(void **state)
{
    (void)state;
    dy_brem_ww_input in;
    double r = 0, err = 0;
    char msg[128];
    dy_brem_ww_input_default(&in, 0, DY_BREM_V, 82, 207, 100.0, 150.0); /* m >= E0 */
    msg[0] = 0;
    assert_int_not_equal(dy_brem_ww_sigma(&in, DY_BREM_METHOD_WW, &r, &err, msg, 128), 0);
    assert_true(strlen(msg) > 0);
    dy_brem_ww_input_default(&in, 0, DY_BREM_V, -82, 207, 100.0, 0.1);
    msg[0] = 0;
    assert_int_not_equal(dy_brem_ww_sigma(&in, DY_BREM_METHOD_IWW, &r, &err, msg, 128), 0);
    assert_true(strlen(msg) > 0);
    dy_brem_ww_input_default(&in, 0, 7, 82, 207, 100.0, 0.1);
    assert_int_not_equal(dy_brem_ww_dsigma_dx(&in, DY_BREM_METHOD_WW, 0.5, &r, &err, NULL, 0), 0);
    dy_brem_ww_input_default(&in, 0, DY_BREM_V, 82, 207, 100.0, 0.1);
    assert_int_not_equal(dy_brem_ww_dsigma_dx(&in, DY_BREM_METHOD_WW, 1.5, &r, &err, msg, 128), 0);
    assert_int_not_equal(dy_brem_ww_dsigma_dx(&in, 9, 0.5, &r, &err, msg, 128), 0);
    in.m = 0.0;
    assert_int_not_equal(dy_brem_ww_dsigma_dx(&in, DY_BREM_METHOD_IWW, 0.5, &r, &err, msg, 128), 0);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chi_reference),   cmocka_unit_test(test_ww_massless_closed_form),
        cmocka_unit_test(test_iww_closed_form), cmocka_unit_test(test_sigma_methods),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
