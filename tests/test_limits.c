/* test_limits.c — Poisson/CLs/Feldman–Cousins upper limits against tabulated values, expected
 * limits from the background-only distribution, the invisible-mode coupling limit (1/sqrt(N_pot)
 * scaling) and the visible-mode signal and excluded band against closed forms in the long- and
 * short-decay-length limits, including couplings where exp(-z/l) underflows. */
#include "dy_test.h"
#include <string.h>
#include "physics/dy_decay.h"
#include "physics/limits.h"

static void test_poisson_tabulated(void **state)
{
    (void)state;
    dy_error e;
    double s;
    /* classical 90% CL, b = 0: 2.303, 3.890, 5.322, 6.681 (PDG Statistics, Table 40.3) */
    const double cl90[4] = {2.302585, 3.889720, 5.322320, 6.680783};
    for (int n = 0; n < 4; ++n) {
        assert_int_equal(dy_limit_upper(n, 0.0, 0.9, DY_LIMIT_CLASSICAL, &s, &e), DY_OK);
        dy_assert_close(s, cl90[n], 1e-5, 0.0);
        assert_int_equal(dy_limit_upper(n, 0.0, 0.9, DY_LIMIT_POISSON, &s, &e), DY_OK);
        dy_assert_close(s, cl90[n], 1e-5, 0.0); /* CLs = classical without background */
    }
    /* 0 observed: -ln(0.1) = 2.302585 at any b for CLs (Helene); 95%: -ln 0.05 = 2.996 */
    assert_int_equal(dy_limit_upper(0, 5.0, 0.9, DY_LIMIT_POISSON, &s, &e), DY_OK);
    dy_assert_close(s, 2.302585093, 1e-8, 0.0);
    assert_int_equal(dy_limit_upper(0, 0.0, 0.95, DY_LIMIT_POISSON, &s, &e), DY_OK);
    dy_assert_close(s, 2.995732274, 1e-8, 0.0);
    /* CLs n = 1, b = 1 (PDG Bayesian table): 3.27; classical n = 1, b = 1: 2.89; clamp at 0 */
    assert_int_equal(dy_limit_upper(1, 1.0, 0.9, DY_LIMIT_POISSON, &s, &e), DY_OK);
    dy_assert_close(s, 3.27, 0.005, 0.0);
    assert_int_equal(dy_limit_upper(1, 1.0, 0.9, DY_LIMIT_CLASSICAL, &s, &e), DY_OK);
    dy_assert_close(s, 2.8897, 0.001, 0.0);
    assert_int_equal(dy_limit_upper(0, 4.0, 0.9, DY_LIMIT_CLASSICAL, &s, &e), DY_OK);
    dy_assert_close(s, 0.0, 0.0, 0.0);
    /* bad input */
    assert_int_equal(dy_limit_upper(-1, 0.0, 0.9, DY_LIMIT_POISSON, &s, &e), DY_ERR_INVALID);
    assert_int_equal(dy_limit_upper(0, -1.0, 0.9, DY_LIMIT_POISSON, &s, &e), DY_ERR_INVALID);
    assert_int_equal(dy_limit_upper(0, 0.0, 1.0, DY_LIMIT_POISSON, &s, &e), DY_ERR_INVALID);
}

static void test_feldman_cousins_tables(void **state)
{
    (void)state;
    dy_error e;
    double lo, hi, s;
    /* FC 1998 Table IV (90% CL), given to 2 decimals: plain construction */
    struct {
        int n;
        double b, lo, hi;
    } t[] = {{0, 0.0, 0.00, 2.44}, {1, 0.0, 0.11, 4.36}, {3, 0.0, 1.10, 7.42},
             {0, 1.0, 0.00, 1.61}, {1, 3.0, 0.00, 1.88}, {2, 3.0, 0.00, 3.04}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; ++i) {
        assert_int_equal(dy_limit_fc_interval(t[i].n, t[i].b, 0.9, &lo, &hi, &e), DY_OK);
        dy_assert_close(lo, t[i].lo, 0.0051, 0.0);
        dy_assert_close(hi, t[i].hi, 0.0051, 0.0);
    }
    /* n = 0, b = 3: the table's 1.08 needs FC's monotone-in-b rule; the plain belt gives 0.95 */
    assert_int_equal(dy_limit_fc_interval(0, 3.0, 0.9, &lo, &hi, &e), DY_OK);
    dy_assert_close(hi, 0.953, 0.002, 0.0);
    assert_int_equal(dy_limit_upper(0, 3.0, 0.9, DY_LIMIT_FC, &s, &e), DY_OK);
    dy_assert_close(s, 1.08, 0.0051, 0.0);
    assert_int_equal(dy_limit_upper(0, 0.0, 0.9, DY_LIMIT_FC, &s, &e), DY_OK);
    dy_assert_close(s, 2.44, 0.0051, 0.0);
    assert_int_equal(dy_limit_upper(0, 4.0, 0.9, DY_LIMIT_FC, &s, &e), DY_OK);
    dy_assert_close(s, 1.01, 0.0051, 0.0);
}

static void test_expected_band(void **state)
{
    (void)state;
    dy_error e;
    dy_limit_expected x;
    /* b = 0: n = 0 with certainty, every quantile gives 2.303 */
    assert_int_equal(dy_limit_expected_upper(0.0, 0.9, DY_LIMIT_POISSON, &x, &e), DY_OK);
    dy_assert_close(x.median, 2.302585, 1e-5, 0.0);
    dy_assert_close(x.p2, 2.302585, 1e-5, 0.0);
    /* b = 3: P(N<=1) = 0.199 >= 0.1587 -> n_m1 = 1; median n = 3 (P(N<=2) = 0.423);
     * P(N<=4) = 0.815 < 0.8413 <= P(N<=5) = 0.916 -> n_p1 = 5 */
    assert_int_equal(dy_limit_expected_upper(3.0, 0.9, DY_LIMIT_POISSON, &x, &e), DY_OK);
    assert_int_equal(x.n_median, 3);
    assert_int_equal(x.n_m1, 1);
    assert_int_equal(x.n_p1, 5);
    double s;
    dy_limit_upper(3, 3.0, 0.9, DY_LIMIT_POISSON, &s, &e);
    dy_assert_close(x.median, s, 1e-12, 0.0);
    assert_true(x.m2 <= x.m1 && x.m1 < x.median && x.median < x.p1 && x.p1 <= x.p2);
}

static void test_invisible_scaling(void **state)
{
    (void)state;
    /* g = c0 sqrt(s/(N Y)): 2.303 events, Y = 1e-10 per POT at c0 = 1 */
    const double g1 = dy_limit_coupling_invisible(2.302585, 1e10, 1e-10, 1.0);
    dy_assert_close(g1, sqrt(2.302585), 1e-12, 0.0);
    const double g4 = dy_limit_coupling_invisible(2.302585, 4e10, 1e-10, 1.0);
    dy_assert_close(g1 / g4, 2.0, 0.0, 1e-14); /* 1/sqrt(N_pot) */
    /* yields at c0 = 1e-3 scale as (g/c0)^2 */
    dy_assert_close(dy_limit_coupling_invisible(2.302585, 1e10, 1e-16, 1e-3), g1, 0.0, 1e-14);
    assert_true(isinf(dy_limit_coupling_invisible(2.3, 1e10, 0.0, 1.0)));
    /* consistency with the signal function */
    static dy_signal_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.mass_GeV = 0.01;
    sp.c0 = 1.0;
    sp.n_pot = 1e10;
    sp.n_bins = 2;
    sp.e_lo[0] = 50;
    sp.e_hi[0] = 60;
    sp.w[0] = 4e-11;
    sp.e_lo[1] = 60;
    sp.e_hi[1] = 100;
    sp.w[1] = 6e-11;
    dy_assert_close(exp(dy_signal_log_events(&sp, log(g1))), 2.302585, 0.0, 1e-12);
}

/* one narrow bin at energy E: the 4-point average is the point value */
static void one_bin(dy_signal_spec *sp, dy_decay_kind d, double m, double E, double w)
{
    memset(sp, 0, sizeof *sp);
    sp->mass_GeV = m;
    sp->c0 = 1.0;
    sp->n_pot = 1e11;
    sp->n_bins = 1;
    sp->e_lo[0] = E * (1 - 1e-9);
    sp->e_hi[0] = E * (1 + 1e-9);
    sp->w[0] = w;
    sp->decay = d;
    sp->region = DY_REGION_BETWEEN;
    sp->z1_cm = 50.0;
    sp->z2_cm = 550.0;
}

static void test_decay_limits(void **state)
{
    (void)state;
    static dy_signal_spec sp;
    const double m = 0.02, E = 80.0, w = 1e-6, p = sqrt(E * E - m * m);
    one_bin(&sp, DY_DECAY_AP_EE, m, E, w);
    double g1, br;
    dy_signal_width_unit(DY_DECAY_AP_EE, m, &g1, &br);
    dy_assert_close(br, 1.0, 0.0, 0.0); /* below the mu threshold only ee */
    dy_assert_close(g1, DY_ALPHA_EM * m / 3.0 * (1 + 2 * 6.53e-4) * sqrt(1 - 4 * 6.53e-4), 0.0,
                    1e-5);
    /* long decay length (g = 1e-9): P = (z2 - z1)/l to O(z/l) */
    double g = 1e-9, l = p / m * DY_HBARC_GEV_CM / (g1 * g * g);
    assert_true(l > 1e10);
    double N = exp(dy_signal_log_events(&sp, log(g)));
    dy_assert_close(N, 1e11 * g * g * w * 500.0 / l, 0.0, 1e-6);
    /* short decay length (g = 5e-3): ln N = ln(N g^2 w) - z1/l with exp(-z1/l) ~ 1e-330 */
    g = 5e-3;
    l = p / m * DY_HBARC_GEV_CM / (g1 * g * g);
    const double lnN = dy_signal_log_events(&sp, log(g));
    assert_true(isfinite(lnN) && lnN < -700.0); /* underflows in linear space, not here */
    dy_assert_close(lnN, log(1e11 * g * g * w) - 50.0 / l, 0.0, 1e-9);
    /* beyond z1: ln P = -z1/l */
    sp.region = DY_REGION_BEYOND;
    dy_assert_close(dy_signal_log_events(&sp, log(g)), log(1e11 * g * g * w) - 50.0 / l, 0.0, 1e-9);
    g = 1e-9;
    dy_assert_close(exp(dy_signal_log_events(&sp, log(g))), 1e11 * g * g * w, 0.0, 1e-6);

    /* ALP width g^2 m^3/(64 pi) */
    dy_signal_width_unit(DY_DECAY_ALP_GG, 0.05, &g1, &br);
    dy_assert_close(g1, 0.05 * 0.05 * 0.05 / (64.0 * DY_PI), 0.0, 1e-14);
}

static void test_decay_band(void **state)
{
    (void)state;
    static dy_signal_spec sp;
    const double m = 0.02, E = 80.0, w = 1.0, p = sqrt(E * E - m * m), s = 2.302585;
    one_bin(&sp, DY_DECAY_AP_EE, m, E, w);
    sp.n_pot = 1e15; /* lower edge at g ~ 5e-6 where l ~ 6e4 cm >> z2 */
    double g1, br, lo, up;
    int flags;
    dy_error e;
    dy_signal_width_unit(DY_DECAY_AP_EE, m, &g1, &br);
    assert_int_equal(dy_limit_coupling_band(&sp, s, 1e-10, 1.0, 20, &lo, &up, &flags, &e), DY_OK);
    assert_int_equal(flags, 0);
    /* lower edge: N = n_pot w g^4 g1 m (z2 - z1)/(p hbar c) = s (long-l limit) */
    const double A = 1e15 * w * g1 * m * 500.0 / (p * DY_HBARC_GEV_CM);
    dy_assert_close(lo, pow(s / A, 0.25), 0.0, 2e-3); /* O(z2/l) = 1% in N */
    dy_assert_close(exp(dy_signal_log_events(&sp, log(lo))), s, 0.0, 1e-8);
    /* upper edge: N(up) = s, found where exp(-z1/l) is tiny */
    dy_assert_close(exp(dy_signal_log_events(&sp, log(up))), s, 0.0, 1e-8);
    const double l_up = p / m * DY_HBARC_GEV_CM / (g1 * up * up);
    assert_true(50.0 / l_up > 5.0);
    assert_true(up > lo);
    /* no signal: nothing excluded */
    sp.n_pot = 1.0;
    assert_int_equal(dy_limit_coupling_band(&sp, s, 1e-10, 1.0, 20, &lo, &up, &flags, &e), DY_OK);
    assert_true(isnan(lo) && isnan(up));
    /* band reaching the scan edge is flagged */
    sp.n_pot = 1e15;
    assert_int_equal(dy_limit_coupling_band(&sp, s, 1e-5, 1e-4, 20, &lo, &up, &flags, &e), DY_OK);
    assert_true(flags & DY_BAND_OPEN_LOW);
    assert_int_equal(dy_limit_coupling_band(&sp, s, 1.0, 0.1, 20, &lo, &up, &flags, &e),
                     DY_ERR_INVALID);
    /* a scan whose range overflows in linear space (1e300/1e-300 = inf; 0.1.0 then scanned no
     * point and said "nothing excluded") finds the same band as a narrow scan */
    double lo2, up2;
    assert_int_equal(dy_limit_coupling_band(&sp, s, 1e-10, 1.0, 20, &lo, &up, &flags, &e), DY_OK);
    assert_int_equal(dy_limit_coupling_band(&sp, s, 1e-300, 1e300, 20, &lo2, &up2, &flags, &e),
                     DY_OK);
    dy_assert_close(lo2, lo, 0.0, 1e-9);
    dy_assert_close(up2, up, 0.0, 1e-9);
    /* a signal that is not a number is an error, never "nothing excluded" */
    sp.w[0] = NAN;
    assert_int_equal(dy_limit_coupling_band(&sp, s, 1e-10, 1.0, 20, &lo, &up, &flags, &e),
                     DY_ERR_NUMERIC);
    assert_non_null(strstr(e.msg, "not a number"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_tabulated), cmocka_unit_test(test_feldman_cousins_tables),
        cmocka_unit_test(test_expected_band),     cmocka_unit_test(test_invisible_scaling),
        cmocka_unit_test(test_decay_limits),      cmocka_unit_test(test_decay_band),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
