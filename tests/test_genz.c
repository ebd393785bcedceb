/* test_genz.c — every Genz family in 1..8 dimensions through batched VEGAS on the selected backend:
 * the pulls of 20 independent streams per dimension against the closed forms are N(0,1) (the
 * errors are honest: not too small, not too large), none beyond 5 sigma.
 * DY_BACKENDS: cpu opencl cuda */
#include <string.h>
#include "engine/genz.h"
#include "dy_test_backend.h"

#define NREP 20

static dy_engine *engine;

static int setup(void **state)
{
    (void)state;
    engine = dy_test_open_engine();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dy_engine_close(engine);
    return 0;
}

/* NREP replicas (ids 0..NREP-1 select independent random streams) of one integral per
 * dimension 1..8: pooled over the 8 x NREP results, the pulls (value - exact) / error must be
 * N(0,1): mean within 4/sqrt(N), RMS within 4 of its own standard deviations (1/sqrt(2N)), and
 * no single pull beyond 5 sigma (p = 6e-7 each). */
static void check_family(int family)
{
    if (!engine) skip();
    double sum = 0.0, sum2 = 0.0, npull = 0.0;
    for (unsigned dim = 1; dim <= DY_MAX_DIM; ++dim) {
        dy_params p[NREP];
        dy_result r[NREP];
        dy_error err;
        dy_vegas_options o;
        if (dy_genz_grid(family, dim, 1, 1000 + dim, 0, p, &err) != DY_OK) fail_msg("%s", err.msg);
        for (int i = 1; i < NREP; ++i) {
            p[i] = p[0];
            p[i].id = (dy_u64)i;
        }
        dy_vegas_options_default(&o);
        o.seed = 12345;
        o.rel_precision = 2e-3;
        o.max_eval = 1u << 18;
        if (dy_integrate(engine, p, NREP, &o, NULL, r, NULL, &err) != DY_OK)
            fail_msg("integrate: %s", err.msg);
        const double exact = dy_genz_exact(&p[0]);
        for (int i = 0; i < NREP; ++i) {
            const double pull = (r[i].value - exact) / r[i].error;
            if (!(fabs(pull) <= 5.0))
                fail_msg("%s d=%u stream %d: %.10g +- %.3g, exact %.10g (%.1f sigma)",
                         dy_genz_family_name(family), dim, i, r[i].value, r[i].error, exact, pull);
            assert_int_equal(r[i].n_nonfinite, 0);
            sum += pull;
            sum2 += pull * pull;
            npull += 1.0;
        }
    }
    const double mean = sum / npull, rms = sqrt(sum2 / npull);
    printf("%s: %.0f pulls, mean %+.3f, rms %.3f\n", dy_genz_family_name(family), npull, mean, rms);
    if (fabs(mean) > 4.0 / sqrt(npull) || fabs(rms - 1.0) > 4.0 / sqrt(2.0 * npull))
        fail_msg("%s: pulls of %.0f results have mean %+.3f (|mean| <= %.3f) and rms %.3f "
                 "(1 +- %.3f): the errors are not honest",
                 dy_genz_family_name(family), npull, mean, 4.0 / sqrt(npull), rms,
                 4.0 / sqrt(2.0 * npull));
}

#define FAMILY_TEST(fn, fam)                                                                       \
    static void fn(void **state)                                                                   \
    {                                                                                              \
        (void)state;                                                                               \
        check_family(fam);                                                                         \
    }
FAMILY_TEST(oscillatory, DY_GENZ_OSCILLATORY)
FAMILY_TEST(product_peak, DY_GENZ_PRODUCT_PEAK)
FAMILY_TEST(corner_peak, DY_GENZ_CORNER_PEAK)
FAMILY_TEST(gaussian, DY_GENZ_GAUSSIAN)
FAMILY_TEST(c0, DY_GENZ_C0)
FAMILY_TEST(discontinuous, DY_GENZ_DISCONTINUOUS)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oscillatory), cmocka_unit_test(product_peak),
        cmocka_unit_test(corner_peak), cmocka_unit_test(gaussian),
        cmocka_unit_test(c0),          cmocka_unit_test(discontinuous),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
