/* test_relic.c — thermal-relic targets against the seed talk's closed forms (eps^2 alpha_D ~
 * 1e-11 (m/MeV)^2 scalar, 0.4e-12 (m/MeV)^2 fermion, m_A' = 3 m_chi; "rough": we allow a factor
 * 2.5), g_* limits, the relations between the DM kinds, and the one-loop Z' (g-2)_mu. */
#include "dy_test.h"
#include "dy_portable.h"
#include "physics/dy_constants.h"
#include "physics/gminus2.h"
#include "physics/relic.h"

static void test_gstar(void **state)
{
    (void)state;
    double g, h;
    dy_relic_gstar(1e-5, &g, &h); /* today's plasma: 2 + 7/8 6 (4/11)^{4/3} = 3.363; h = 3.909 */
    dy_assert_close(g, 3.363, 0.02, 0.0);
    dy_assert_close(h, 3.909, 0.02, 0.0);
    dy_relic_gstar(0.01, &g, &h); /* gamma + e + 3 nu: 10.75 */
    dy_assert_close(g, 10.75, 0.05, 0.0);
    dy_relic_gstar(10.0, &g, &h); /* QGP with u d s c b, gluons, leptons: 86.25 */
    dy_assert_close(g, 86.25, 1.0, 0.0);
}

static double eps2aD(dy_relic_kind k, double m, double *xf)
{
    dy_relic_params p = {k, m, 3.0, 0.1, 0.0, 0.12};
    double y;
    dy_error e;
    assert_int_equal(dy_relic_y_target(&p, &y, xf, &e), DY_OK);
    return y * 81.0; /* y = eps^2 alpha_D / 3^4 */
}

static void test_closed_forms(void **state)
{
    (void)state;
    const double ms[] = {0.001, 0.003, 0.01, 0.03, 0.1};
    for (int i = 0; i < 5; ++i) {
        double xf;
        const double s = eps2aD(DY_RELIC_SCALAR, ms[i], &xf);
        const double cs = dy_relic_closed_form_eps2_alphaD(DY_RELIC_SCALAR, ms[i]);
        assert_true(s / cs > 0.4 && s / cs < 2.5);
        assert_true(xf > 12.0 && xf < 22.0); /* light thermal relics freeze out at x ~ 15-20 */
        const double f = eps2aD(DY_RELIC_PSEUDO_DIRAC, ms[i], &xf);
        const double cf = dy_relic_closed_form_eps2_alphaD(DY_RELIC_PSEUDO_DIRAC, ms[i]);
        assert_true(f / cf > 0.4 && f / cf < 2.5);
        /* p-wave needs more: b/a = 1/6 and <v^2> = 6/x integrated past x_f: ~ 2 x_f */
        assert_true(s / f > 10.0 && s / f < 60.0);
    }
    /* ~ m^2 scaling between 1 and 10 MeV (x_f and g_* vary only logarithmically) */
    const double r = eps2aD(DY_RELIC_SCALAR, 0.01, NULL) / eps2aD(DY_RELIC_SCALAR, 0.001, NULL);
    assert_true(r > 50.0 && r < 200.0);
}

static void test_kinds(void **state)
{
    (void)state;
    /* Majorana: same sigma v as the complex scalar, twice the effective rate (self-conjugate,
     * g = 2 both): y_Majorana = y_scalar / 2 up to the log in x_f */
    const double rm = eps2aD(DY_RELIC_MAJORANA, 0.02, NULL) / eps2aD(DY_RELIC_SCALAR, 0.02, NULL);
    dy_assert_close(rm, 0.5, 0.02, 0.0);
    /* pseudo-Dirac with zero splitting = Dirac; a splitting suppresses co-annihilation */
    dy_assert_close(eps2aD(DY_RELIC_PSEUDO_DIRAC, 0.02, NULL), eps2aD(DY_RELIC_DIRAC, 0.02, NULL),
                    0.0, 1e-9);
    dy_relic_params p = {DY_RELIC_PSEUDO_DIRAC, 0.02, 3.0, 0.1, 0.1, 0.12};
    double y, om, xf;
    dy_error e;
    assert_int_equal(dy_relic_y_target(&p, &y, &xf, &e), DY_OK);
    assert_true(y * 81.0 > 1.5 * eps2aD(DY_RELIC_DIRAC, 0.02, NULL));
    /* Omega ~ x_f/y: doubling y halves Omega, times x_f(2y)/x_f(y) = 1 + ln 2/x_f (s-wave) */
    p.delta = 0.0;
    assert_int_equal(dy_relic_y_target(&p, &y, &xf, &e), DY_OK);
    const double xf1 = xf;
    assert_int_equal(dy_relic_omega(&p, 2.0 * y, &om, &xf, &e), DY_OK);
    dy_assert_close(xf, xf1 + log(2.0), 0.05, 0.0);
    dy_assert_close(om, 0.06 * (1.0 + log(2.0) / xf1), 0.002, 0.0);
    /* errors */
    p.mchi_GeV = 1e-4;
    assert_int_equal(dy_relic_y_target(&p, &y, &xf, &e), DY_ERR_INVALID);
    p.mchi_GeV = 0.02;
    p.ratio = -1.0;
    assert_int_equal(dy_relic_y_target(&p, &y, &xf, &e), DY_ERR_INVALID);
}

static void test_gminus2(void **state)
{
    (void)state;
    const double m = DY_M_MU;
    /* light Z': alpha'/(2 pi) = g^2/(8 pi^2); heavy: g^2 m^2/(12 pi^2 M^2) */
    dy_assert_close(dy_gm2_zprime(1e-3, 1e-6), 1e-6 / (8 * DY_PI * DY_PI), 0.0, 1e-3);
    dy_assert_close(dy_gm2_zprime(1e-3, 50.0), 1e-6 * m * m / (12 * DY_PI * DY_PI * 2500.0), 0.0,
                    5e-4); /* next order: O((m/M)^2 ln(M/m)) */
    /* M = m: I = int x^2(1-x)/(x^2-x+1) dx = -x + x/(x^2-x+1) integrated = pi/(3 sqrt 3) - 1/2 */
    dy_assert_close(dy_gm2_zprime(1.0, m) * 4 * DY_PI * DY_PI, DY_PI / (3.0 * sqrt(3.0)) - 0.5,
                    1e-12, 0.0);
    dy_gm2_band b;
    dy_error e;
    assert_int_equal(dy_gm2_band_at(0.01, 2.51e-9, 0.59e-9, &b, &e), DY_OK);
    dy_assert_close(dy_gm2_zprime(b.central, 0.01), 2.51e-9, 0.0, 1e-12);
    dy_assert_close(dy_gm2_zprime(b.lo1, 0.01), 1.92e-9, 0.0, 1e-12);
    dy_assert_close(dy_gm2_zprime(b.hi2, 0.01), 3.69e-9, 0.0, 1e-12);
    assert_true(b.central > 4e-4 && b.central < 6e-4); /* the familiar g ~ 5e-4 at 10 MeV */
    assert_int_equal(dy_gm2_band_at(0.01, 1e-9, 0.6e-9, &b, &e), DY_OK);
    assert_true(isnan(b.lo2)); /* 1e-9 - 1.2e-9 < 0 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gstar),
        cmocka_unit_test(test_closed_forms),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_gminus2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
