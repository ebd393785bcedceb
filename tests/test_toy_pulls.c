/* test_toy_pulls.c — the toy-based CLs limit (cls-toys, host/physics/profile.c) over many seeds
 * against the exact Poisson CLs of one count with a known background (A. L. Read, J. Phys. G 28
 * (2002) 2693: CLs = P(n <= n_obs | mu + b) / P(n <= n_obs | b); q~_mu orders one count
 * like n, so the toys estimate exactly this), evaluated here by direct Poisson sums.  Asserted:
 * the limits are unbiased (mean over S seeds within 4 sigma of the mean), the quoted toy error
 * events_obs_toy_err matches the seed-to-seed scatter (ratio within 4/sqrt(2(S-1))), and the
 * pulls (limit - exact)/error have mean 0 and rms 1 within 4/sqrt(S) and 4/sqrt(2S).  200 toys
 * and 40 seeds per case keep it to about two seconds. */
#include "dy_test.h"
#include <string.h>
#include "physics/profile.h"

#define SEEDS 40
#define TOYS  200

/* exact CLs of one count: ratio of Poisson cumulative sums */
static double cls_exact(int n, double b, double mu)
{
    double ps = exp(-(mu + b)), pb = exp(-b), ss = ps, sb = pb;
    for (int k = 1; k <= n; ++k) {
        ps *= (mu + b) / k;
        pb *= b / k;
        ss += ps;
        sb += pb;
    }
    return ss / sb;
}

static double limit_exact(int n, double b, double alpha)
{
    double lo = 0.0, hi = 100.0;
    for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (cls_exact(n, b, mid) > alpha)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

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

/* Seeds 1..SEEDS for each case: bias and scatter per case, pulls over all. */
static void test_pulls(void **state)
{
    (void)state;
    const struct {
        int n;
        double b;
    } cs[] = {{0, 1.0}, {1, 1.0}, {3, 2.0}};
    const int nc = (int)(sizeof cs / sizeof cs[0]);
    double sp = 0.0, sp2 = 0.0;
    for (int c = 0; c < nc; ++c) {
        const double ex = limit_exact(cs[c].n, cs[c].b, 0.1);
        dy_pl_model m = one_bin(cs[c].n, cs[c].b);
        double sx = 0.0, sx2 = 0.0, se = 0.0;
        for (int s = 1; s <= SEEDS; ++s) {
            dy_pl_options o = {DY_PL_TOYS, 0.9, TOYS, (uint64_t)s};
            dy_pl_limit l;
            dy_error e;
            assert_int_equal(dy_pl_upper(&m, &o, &l, &e), DY_OK);
            assert_true(isfinite(l.obs) && l.obs_toy_err > 0.0 && isfinite(l.obs_toy_err));
            sx += l.obs;
            sx2 += l.obs * l.obs;
            se += l.obs_toy_err;
            const double p = (l.obs - ex) / l.obs_toy_err;
            sp += p;
            sp2 += p * p;
        }
        const double mean = sx / SEEDS, sd = sqrt((sx2 - SEEDS * mean * mean) / (SEEDS - 1));
        print_message("n = %d, b = %g: exact %.4f, toys %.4f +- %.4f, scatter %.4f, mean error "
                      "%.4f\n",
                      cs[c].n, cs[c].b, ex, mean, sd / sqrt(SEEDS), sd, se / SEEDS);
        dy_assert_close(mean, ex, 4.0 * sd / sqrt(SEEDS), 0.0);
        dy_assert_close(sd / (se / SEEDS), 1.0, 4.0 / sqrt(2.0 * (SEEDS - 1)), 0.0);
    }
    const int np = nc * SEEDS;
    const double pm = sp / np, prms = sqrt(sp2 / np);
    print_message("pulls over %d limits: mean %.3f, rms %.3f\n", np, pm, prms);
    dy_assert_close(pm, 0.0, 4.0 / sqrt(np), 0.0);
    dy_assert_close(prms, 1.0, 4.0 / sqrt(2.0 * np), 0.0);
}

/* One seed's CLs(mu) is non-increasing in mu for one count (each toy's count rises with mu from
 * the same uniform): toys that re-randomise with mu give a noisy, non-monotone curve. */
static void test_monotone(void **state)
{
    (void)state;
    dy_pl_model m = one_bin(1, 1.0);
    dy_pl_options o = {DY_PL_TOYS, 0.9, 1000, 3};
    dy_error e;
    double prev = 2.0;
    for (int i = 0; i <= 40; ++i) {
        double cls;
        assert_int_equal(dy_pl_cls(&m, &o, 2.5 + 0.05 * i, &cls, NULL, &e), DY_OK);
        assert_true(cls <= prev);
        prev = cls;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pulls),
        cmocka_unit_test(test_monotone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
