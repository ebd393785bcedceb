/* test_decay.c — checks of kernels/physics/dy_decay.h: decay lengths against the reference's ALP
 * benchmarks and hand formulas, decay-in-window and escape probabilities against closed forms and
 * series in both limits l >> z and l << z, sum rules, monotonicity and absence of NaN. */
#include "dy_test.h"
#include <stdio.h>

#include "physics/dy_decay.h"

static void test_decay_length(void **state)
{
    (void)state;
    /* ref §4.3 benchmarks, E = 50 GeV unless stated (quoted to 3 digits) */
    dy_assert_close(dy_alp_decay_length_cm(50.0, 0.05, 1e-3), 31.7, 0, 2e-3);
    dy_assert_close(dy_alp_decay_length_cm(50.0, 0.1, 1e-3), 1.98, 0, 2e-3);
    dy_assert_close(dy_alp_decay_length_cm(50.0, 0.01, 1e-3), 19800.0, 0, 2e-3);
    dy_assert_close(dy_alp_decay_length_cm(50.0, 0.05, 1e-4), 3170.0, 0, 2e-3);
    dy_assert_close(dy_alp_decay_length_cm(100.0, 0.1, 1e-4), 397.0, 0, 2e-3);
    dy_assert_close(dy_alp_decay_length_cm(50.0, 0.1, 1e-5), 19800.0, 0, 2e-3);
    /* l = 64 pi hbar c p/(g^2 m^4) exactly */
    {
        const double e = 50.0, m = 0.05, g = 1e-3, p = sqrt(e * e - m * m);
        dy_assert_close(dy_alp_decay_length_cm(e, m, g),
                        64.0 * DY_PI * DY_HBARC_GEV_CM * p / (g * g * pow(m, 4)), 0, 1e-14);
        /* ref: 3.967e-14 m p/(g^2 m^4) */
        dy_assert_close(dy_alp_decay_length_cm(e, m, g), 3.967e-12 * p / (g * g * pow(m, 4)), 0,
                        2e-4);
    }
    dy_assert_close(dy_decay_length_cm(10.0, 0.5, 1e-12), 20.0 * DY_HBARC_GEV_CM / 1e-12, 0, 1e-15);
    assert_true(isinf(dy_decay_length_cm(10.0, 0.5, 0.0))); /* stable */
}

/* 1 - e^{-x} by its Taylor series to x^9 (x <= 1e-3: truncation < 1e-33) */
static double one_minus_exp_series(double x)
{
    double term = x, sum = 0.0;
    int n;
    for (n = 1; n <= 9; ++n) {
        sum += term;
        term *= -x / (double)(n + 1);
    }
    return sum;
}

/* l >> z: P = e^{-a}(1 - e^{-x}), x = (z2-z1)/l, a = z1/l, with 1 - e^{-x} from its series */
static void test_long_lived(void **state)
{
    static const double ratios[] = {1e3, 1e6, 1e9, 1e12};
    size_t i;
    (void)state;
    for (i = 0; i < 4; ++i) {
        const double z1 = 1.0, z2 = 3.0, l = ratios[i] * z2;
        const double x = (z2 - z1) / l, a = z1 / l;
        const double series = exp(-a) * one_minus_exp_series(x);
        const double naive = exp(-z1 / l) - exp(-z2 / l);
        const double p = dy_decay_prob_in(z1, z2, l);
        dy_assert_close(p, series, 0, 1e-15);                                    /* a few ulp */
        dy_assert_close(exp(dy_decay_log_prob_in(z1, z2, l)), series, 0, 1e-14); /* |ln P| ulp */
        dy_assert_close(dy_decay_prob_before(z2, l), one_minus_exp_series(z2 / l), 0, 1e-15);
        dy_assert_close(dy_decay_prob_escape(z2, l), exp(-z2 / l), 0, 1e-16);
        if (ratios[i] >= 1e6) assert_true(fabs(naive / series - 1.0) > 1e-13); /* what expm1 buys */
        if (i == 1)
            printf("l/z = 1e6: P = %.17g (series %.17g), naive difference rel. error %.2e\n", p,
                   series, naive / series - 1.0);
    }
}

/* l << z: the linear probability underflows to exactly 0, the log keeps -z1/l + log(1 - e^{-dz/l})
 */
static void test_short_lived(void **state)
{
    static const double ratios[] = {1e-2, 1e-6, 1e-12, 1e-300};
    size_t i;
    (void)state;
    for (i = 0; i < 4; ++i) {
        const double z1 = 1.0, z2 = 1.5, l = ratios[i] * z1;
        const double lp = dy_decay_log_prob_in(z1, z2, l);
        const double p = dy_decay_prob_in(z1, z2, l);
        const double le = dy_decay_log_prob_escape(z2, l);
        assert_true(isfinite(lp) && isfinite(p) && isfinite(le) && p >= 0.0);
        dy_assert_close(lp, -z1 / l + log1p(-exp(-(z2 - z1) / l)), 0, 1e-15);
        dy_assert_close(le, -z2 / l, 0, 1e-15);
        dy_assert_close(p, exp(lp), 1e-320, 1e-13);
        dy_assert_close(dy_decay_prob_before(z1, l), 1.0, 1e-16, 0);
        if (i >= 1) assert_true(p == 0.0 && dy_decay_prob_escape(z2, l) == 0.0);
    }
    /* l = 0.01 z: P = e^{-100}(1 - e^{-50}) = 3.720075976020836e-44 (e^{-100}
     * = 3.7200759760208360e-44) */
    dy_assert_close(dy_decay_prob_in(1.0, 1.5, 0.01), 3.7200759760208360e-44, 0, 1e-14);
}

static void test_sum_rules_monotonic(void **state)
{
    double l;
    (void)state;
    /* P(before z1) + P(in [z1,z2]) + P(escape z2) = 1 over 24 decades of l/z */
    for (l = 1e-6; l < 1e18; l *= 7.3) {
        const double z1 = 2.0, z2 = 5.0;
        const double sum =
            dy_decay_prob_before(z1, l) + dy_decay_prob_in(z1, z2, l) + dy_decay_prob_escape(z2, l);
        dy_assert_close(sum, 1.0, 3e-16, 0);
    }
    /* monotonic in z2 and in z1; maximum over l at l* = (z2 - z1)/ln(z2/z1) */
    {
        double z, prev = 0.0;
        const double z1 = 2.0, z2 = 5.0, ls = (z2 - z1) / log(z2 / z1);
        for (z = 2.1; z < 50.0; z *= 1.3) {
            const double p = dy_decay_prob_in(z1, z, 3.0);
            assert_true(p > prev);
            prev = p;
        }
        prev = 1.0;
        for (z = 0.0; z < 4.9; z += 0.3) {
            const double p = dy_decay_prob_in(z, z2, 3.0);
            assert_true(p < prev);
            prev = p;
        }
        assert_true(dy_decay_prob_in(z1, z2, ls) > dy_decay_prob_in(z1, z2, ls * 1.01));
        assert_true(dy_decay_prob_in(z1, z2, ls) > dy_decay_prob_in(z1, z2, ls * 0.99));
    }
    /* degenerate inputs */
    assert_true(dy_decay_prob_in(2.0, 2.0, 1.0) == 0.0);
    assert_true(dy_decay_prob_in(3.0, 2.0, 1.0) == 0.0);
    assert_true(dy_decay_prob_in(1.0, 2.0, HUGE_VAL) == 0.0);
    assert_true(dy_decay_prob_escape(2.0, HUGE_VAL) == 1.0);
    assert_true(isinf(dy_decay_log_prob_in(1.0, 2.0, HUGE_VAL)));
    dy_assert_close(dy_decay_prob_in(-1.0, 2.0, 1.0), -expm1(-2.0), 0, 1e-15); /* z1 < 0 clamped */
    dy_assert_close(dy_log1mexp(1e-20), log(1e-20), 0, 1e-15);
    dy_assert_close(dy_log1mexp(40.0), -exp(-40.0), 0, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decay_length),
        cmocka_unit_test(test_long_lived),
        cmocka_unit_test(test_short_lived),
        cmocka_unit_test(test_sum_rules_monotonic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
