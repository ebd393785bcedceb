/* test_genz.c — every Genz family in 1..8 dimensions through batched VEGAS on the selected backend:
 * each estimate within 4 sigma of the closed form, and the reported sigma consistent (factor 1.5)
 * with the spread of 20 independent streams of the same integral.
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

/* NREP copies of one integral (ids 0..NREP-1 select independent random streams). */
static void check_family(int family)
{
    if (!engine) skip();
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
        o.n_eval_start = 1u << 13;
        if (dy_integrate(engine, p, NREP, &o, NULL, r, NULL, &err) != DY_OK)
            fail_msg("integrate: %s", err.msg);
        const double exact = dy_genz_exact(&p[0]);
        double mean = 0.0, var = 0.0, sig = 0.0;
        for (int i = 0; i < NREP; ++i) {
            if (fabs(r[i].value - exact) > 4.0 * r[i].error)
                fail_msg("%s d=%u stream %d: %.10g +- %.3g, exact %.10g (%.1f sigma)",
                         dy_genz_family_name(family), dim, i, r[i].value, r[i].error, exact,
                         (r[i].value - exact) / r[i].error);
            assert_int_equal(r[i].n_nonfinite, 0);
            mean += r[i].value / NREP;
            sig += r[i].error / NREP;
        }
        for (int i = 0; i < NREP; ++i)
            var += (r[i].value - mean) * (r[i].value - mean);
        const double spread = sqrt(var / (NREP - 1));
        if (spread > 1.5 * sig || spread < sig / 1.5)
            fail_msg("%s d=%u: spread of %d streams %.3g vs reported sigma %.3g (ratio %.2f)",
                     dy_genz_family_name(family), dim, NREP, spread, sig, spread / sig);
    }
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
