/* test_profile.c — the profile-likelihood and Cousins–Highland limits of host/physics/profile.c
 * against independent numbers: the exact Poisson CLs (Read 2002) for toys without nuisances
 * (q~_mu orders a single count like n), closed forms for the asymptotic CLs of one bin (CCGV
 * eqs. 65-66 with q~ evaluated analytically), the Cousins–Highland first-order formula
 * U0 (1 + sigma^2 (U0 - n)/2) and the n = 0 closed form with a Gaussian efficiency, the
 * limit of large counts, and nuisances shared by data sets against the exactly equivalent
 * single bin. */
#include "dy_test.h"
#include <gsl/gsl_cdf.h>
#include <string.h>
#include "physics/limits.h"
#include "physics/profile.h"

static dy_pl_model one_bin(int n, double b)
{
    dy_pl_model m;
    memset(&m, 0, sizeof m);
    m.n_bins = 1;
    m.bin[0].s = 1.0;
    m.bin[0].n = n;
    m.bin[0].b = b;
    return m;
}

static double lnl(int n, double lam) /* -ln Pois without the constant */
{
    return n > 0 ? lam - n * log(lam) : lam;
}

/* Asymptotic CLs of one bin, no nuisances, in closed form: mu_hat = max(0, n - b), Asimov n = b. */
static double cls_closed(int n, double b, double mu)
{
    const double mh = fmax(0.0, n - b);
    const double q = mh > mu ? 0.0 : 2.0 * (lnl(n, mu + b) - lnl(n, mh + b));
    const double qa = 2.0 * ((mu + b) - b * log(mu + b) - (b - b * log(b)));
    const double sq = sqrt(q), sqa = sqrt(qa);
    const double t = sq <= sqa ? sq - sqa : (q - qa) / (2.0 * sqa);
    return gsl_cdf_ugaussian_P(-(t + sqa)) / gsl_cdf_ugaussian_P(-t);
}

static void test_asymptotic_closed_form(void **state)
{
    (void)state;
    const struct {
        int n;
        double b;
    } c[] = {{5, 3.0}, {0, 2.0}, {12, 15.0}, {40, 30.0}};
    dy_pl_options o = {DY_PL_ASYMPTOTIC, 0.9, 0, 1};
    dy_error e;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; ++i) {
        dy_pl_model m = one_bin(c[i].n, c[i].b);
        dy_pl_limit l;
        assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
        dy_assert_close(cls_closed(c[i].n, c[i].b, l.obs), 0.1, 1e-7, 0.0);
        /* expected median: 2 Phi(-sqrt(q_A)) = alpha */
        const double qa = 2.0 * ((l.median + c[i].b) - c[i].b * log(l.median + c[i].b) -
                                 (c[i].b - c[i].b * log(c[i].b)));
        dy_assert_close(2.0 * gsl_cdf_ugaussian_P(-sqrt(qa)), 0.1, 1e-7, 0.0);
        assert_true(l.m2 < l.m1 && l.m1 < l.median && l.median < l.p1 && l.p1 < l.p2);
    }
    /* large counts: the asymptotic limit approaches the exact CLs (n = b = 400: within 2 %) */
    dy_pl_model m = one_bin(400, 400.0);
    dy_pl_limit l;
    double ex;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
    assert_int_equal(dy_limit_upper(400, 400.0, 0.9, DY_LIMIT_POISSON, &ex, &e), DY_OK);
    dy_assert_close(l.obs, ex, 0.0, 0.02);
    /* nuisances weaken the limit: background, then efficiency uncertainty */
    m = one_bin(5, 3.0);
    double prev;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
    prev = l.obs;
    m.bin[0].sb = 0.3;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
    assert_true(l.obs > prev * 1.01);
    prev = l.obs;
    m.bin[0].se = 0.2;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
    assert_true(l.obs > prev * 1.001);
}

/* Toys without nuisances: for one count q~_mu is decreasing in n below mu + b, so CLs from toys
 * is the exact CLs: at the exact limits (2.3026 for n = 0, 3.2718 for n = 1, b = 1) the toys give
 * CLs = 0.1 within 4 sigma of their binomial error, sigma_CLs/CLs = sqrt((1-p_sb)/(N p_sb) +
 * (1-p_b)/(N p_b)). */
static void test_toys_exact(void **state)
{
    (void)state;
    dy_pl_options o = {DY_PL_TOYS, 0.9, 20000, 7};
    dy_error e;
    double cls;
    dy_pl_model m = one_bin(0, 0.0);
    assert_int_equal(dy_pl_cls(&m, &o, 2.302585093, &cls, NULL, &e), DY_OK);
    dy_assert_close(cls, 0.1, 4.0 * sqrt(0.1 * 0.9 / 20000), 0.0); /* p_b = 1, p_sb = 0.1 */
    m = one_bin(1, 1.0);
    assert_int_equal(dy_pl_cls(&m, &o, 3.271820, &cls, NULL, &e), DY_OK);
    const double psb = 0.07358, pb = 0.73576;
    dy_assert_close(cls, 0.1, 4.0 * 0.1 * sqrt((1 - psb) / (20000 * psb) + (1 - pb) / (20000 * pb)),
                    0.0);
    /* the limit itself from 2000 toys: near 3.27, with an error estimate; same seed, same limit */
    dy_pl_limit l, l2;
    o.n_toys = 2000;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
    assert_true(l.obs_toy_err > 0.02 && l.obs_toy_err < 0.3);
    dy_assert_close(l.obs, 3.2718, 4.0 * fmax(l.obs_toy_err, 0.1), 0.0);
    assert_int_equal(dy_pl_upper(&m, &o, &l2, &e), DY_OK);
    dy_assert_close(l2.obs, l.obs, 0.0, 0.0);
}

static void test_cousins_highland(void **state)
{
    (void)state;
    dy_pl_options o = {DY_PL_HYBRID, 0.9, 0, 1};
    dy_error e;
    dy_pl_limit l;
    /* no uncertainty: exactly the Poisson CLs of §1 */
    const struct {
        int n;
        double b;
    } c[] = {{0, 0.0}, {1, 1.0}, {3, 2.0}, {2, 0.0}};
    for (size_t i = 0; i < 4; ++i) {
        dy_pl_model m = one_bin(c[i].n, c[i].b);
        double ex;
        assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
        assert_int_equal(dy_limit_upper(c[i].n, c[i].b, 0.9, DY_LIMIT_POISSON, &ex, &e), DY_OK);
        dy_assert_close(l.obs, ex, 0.0, 1e-8);
    }
    /* n = 0, b = 0, Gaussian efficiency sigma: E[e^{-s eps}] = e^{-s + s^2 sigma^2/2} = alpha
     * gives s = (1 - sqrt(1 - 2 U0 sigma^2))/sigma^2 (truncation at eps = 0 is 5 sigma away) */
    const double u0 = -log(0.1);
    for (int k = 1; k <= 2; ++k) {
        const double sg = 0.1 * k;
        dy_pl_model m = one_bin(0, 0.0);
        m.bin[0].se = sg;
        assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
        dy_assert_close(l.obs, (1.0 - sqrt(1.0 - 2.0 * u0 * sg * sg)) / (sg * sg), 0.0, 1e-5);
    }
    /* Cousins–Highland's first-order formula U0 (1 + sigma^2 (U0 - n)/2), b = 0, sigma = 5 %
     * split into efficiency, EOT and yield (combined in quadrature): O(sigma^4) agreement */
    for (int n = 0; n <= 2; ++n) {
        dy_pl_model m = one_bin(n, 0.0);
        m.bin[0].se = 0.03;
        m.bin[0].sp = 0.0;
        m.bin[0].sy = 0.04;
        double U0, sr, sb;
        dy_pl_hybrid_sigmas(&m, &sr, &sb);
        dy_assert_close(sr, 0.05, 1e-15, 0.0);
        assert_int_equal(dy_limit_upper(n, 0.0, 0.9, DY_LIMIT_POISSON, &U0, &e), DY_OK);
        assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
        dy_assert_close(l.obs, U0 * (1.0 + 0.0025 * (U0 - n) / 2.0), 0.0, 5e-4);
        assert_true(l.obs > U0);
    }
}

/* Correlated systematics between data sets.  With the background proportional to the signal
 * (b_d / B = s_d / S = f_d) and only shared nuisances, the two-bin likelihood factorises exactly:
 * prod_d Pois(n_d | lambda f_d) = Pois(N | lambda) Multinomial(n | N, f), and the multinomial does
 * not depend on mu or the nuisances.  So every profile-likelihood ratio, and hence every limit,
 * equals that of one bin with the summed counts and the same sigmas (also for Asimov data, whose
 * counts are lambda f_d).  The same sigmas taken independent per data set average down: the
 * limit is lower. */
static void test_shared_nuisances(void **state)
{
    (void)state;
    dy_error e;
    dy_pl_limit l1, l2, li, l0;
    const double f[2] = {0.3, 0.7};
    const int n[2] = {1, 3};
    dy_pl_model one = one_bin(4, 2.0), two, ind;
    one.bin[0].se = 0.2; /* one bin: its own signal and background sigmas are "shared" */
    one.bin[0].sb = 0.3;
    memset(&two, 0, sizeof two);
    two.n_bins = 2;
    for (int d = 0; d < 2; ++d) {
        two.bin[d].s = f[d];
        two.bin[d].b = 2.0 * f[d];
        two.bin[d].n = n[d];
        two.bin[d].ss = 0.2;
        two.bin[d].sbs = 0.3;
    }
    ind = two;
    for (int d = 0; d < 2; ++d) {
        ind.bin[d].ss = ind.bin[d].sbs = 0.0;
        ind.bin[d].se = 0.2;
        ind.bin[d].sb = 0.3;
    }
    dy_pl_options o = {DY_PL_ASYMPTOTIC, 0.9, 0, 1};
    assert_int_equal(dy_pl_upper(&one, &o, &l1, &e), DY_OK);
    assert_int_equal(dy_pl_upper(&two, &o, &l2, &e), DY_OK);
    assert_int_equal(dy_pl_upper(&ind, &o, &li, &e), DY_OK);
    const double a1[6] = {l1.obs, l1.median, l1.m1, l1.p1, l1.m2, l1.p2};
    const double a2[6] = {l2.obs, l2.median, l2.m1, l2.p1, l2.m2, l2.p2};
    for (int k = 0; k < 6; ++k)
        dy_assert_close(a2[k], a1[k], 0.0, 1e-6); /* the fits converge to 1e-11 in the gradient */
    /* -ln L differs by the multinomial constant only, at any fixed mu */
    const double c0 = dy_pl_fit_nll(&two, 0.0, 1, NULL) - dy_pl_fit_nll(&one, 0.0, 1, NULL);
    for (double mu = 1.0; mu < 10.0; mu += 2.5)
        dy_assert_close(dy_pl_fit_nll(&two, mu, 1, NULL) - dy_pl_fit_nll(&one, mu, 1, NULL), c0,
                        1e-8, 0.0);
    /* independent sigmas: smaller total uncertainty, a lower limit, but above none at all */
    dy_pl_model none = two;
    for (int d = 0; d < 2; ++d)
        none.bin[d].ss = none.bin[d].sbs = 0.0;
    assert_int_equal(dy_pl_upper(&none, &o, &l0, &e), DY_OK);
    assert_true(li.obs < l2.obs - 0.05 && li.obs > l0.obs);
    /* Cousins–Highland: shared sigmas add linearly, so n = 0, b = 0 with a shared 10 % on two
     * data sets is the one-bin closed form (1 - sqrt(1 - 2 U0 sigma^2))/sigma^2 */
    dy_pl_model ch;
    memset(&ch, 0, sizeof ch);
    ch.n_bins = 2;
    ch.bin[0].s = 0.25;
    ch.bin[1].s = 0.75;
    ch.bin[0].ss = ch.bin[1].ss = 0.1;
    double sr, sb;
    dy_pl_hybrid_sigmas(&ch, &sr, &sb);
    dy_assert_close(sr, 0.1, 1e-15, 0.0);
    dy_pl_options oh = {DY_PL_HYBRID, 0.9, 0, 1};
    assert_int_equal(dy_pl_upper(&ch, &oh, &l1, &e), DY_OK);
    const double u0 = -log(0.1);
    dy_assert_close(l1.obs, (1.0 - sqrt(1.0 - 2.0 * u0 * 0.01)) / 0.01, 0.0, 1e-5);
    ch.bin[0].ss = ch.bin[1].ss = 0.0; /* the same as independent efficiencies: sqrt(5/8) less */
    ch.bin[0].se = ch.bin[1].se = 0.1;
    dy_pl_hybrid_sigmas(&ch, &sr, &sb);
    dy_assert_close(sr, 0.1 * sqrt(0.25 * 0.25 + 0.75 * 0.75), 1e-15, 0.0);
    /* a shared background sigma adds linearly too */
    ch.bin[0].b = 1.0;
    ch.bin[1].b = 3.0;
    ch.bin[0].sbs = ch.bin[1].sbs = 0.2;
    dy_pl_hybrid_sigmas(&ch, &sr, &sb);
    dy_assert_close(sb, 0.8, 1e-14, 0.0);
}

static void test_bad_models(void **state)
{
    (void)state;
    dy_pl_options o = {DY_PL_ASYMPTOTIC, 0.9, 0, 1};
    dy_error e;
    dy_pl_limit l;
    dy_pl_model m = one_bin(0, 0.0);
    m.bin[0].s = 0.0;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_ERR_INVALID); /* no signal */
    m = one_bin(-1, 0.0);
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_ERR_INVALID);
    m = one_bin(0, NAN);
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_ERR_INVALID);
    m = one_bin(0, 1.0);
    m.bin[0].sb = -0.1;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_ERR_INVALID);
    m.bin[0].sb = 0.1;
    o.cl = 1.0;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_ERR_INVALID);
    o.cl = 0.9;
    o.method = DY_PL_TOYS;
    o.n_toys = 10;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_ERR_INVALID);
    m.n_bins = 0;
    assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asymptotic_closed_form),
        cmocka_unit_test(test_toys_exact),
        cmocka_unit_test(test_cousins_highland),
        cmocka_unit_test(test_shared_nuisances),
        cmocka_unit_test(test_bad_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
