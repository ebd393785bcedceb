/* test_rng_kat.c — Philox4x32-10 known-answer vectors (Random123 kat_vectors, D. E. Shaw Research,
 * BSD-3) on the selected backend, and the uniform stream's range and independence of counters.
 * DY_BACKENDS: cpu opencl cuda */
#include <string.h>
#include "engine/backend.h"
#include "dy_rng.h"
#include "dy_test_backend.h"

static const dy_u32 kat_ctr[3][4] = {{0, 0, 0, 0},
                                     {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                     {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
static const dy_u32 kat_key[3][2] = {
    {0, 0}, {0xffffffffu, 0xffffffffu}, {0xa4093822u, 0x299f31d0u}};
static const dy_u32 kat_out[3][4] = {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
                                     {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
                                     {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}};

static void philox_known_answers(void **state)
{
    (void)state;
    dy_engine *e = dy_test_open_engine();
    if (!e) skip();
    dy_u32 out[12];
    dy_error err;
    memset(out, 0, sizeof out);
    if (e->type->philox(e->state, &kat_ctr[0][0], &kat_key[0][0], out, 3, &err) != DY_OK)
        fail_msg("philox launch: %s", err.msg);
    for (int i = 0; i < 3; ++i)
        for (int w = 0; w < 4; ++w)
            if (out[4 * i + w] != kat_out[i][w])
                fail_msg("vector %d word %d: got %08x, expected %08x", i, w, out[4 * i + w],
                         kat_out[i][w]);
    dy_engine_close(e);
}

static void uniforms_open_interval_and_distinct(void **state)
{
    (void)state;
    double y[8], z[8];
    dy_rng_uniforms(42, 7, 3, 11, 8, y);
    for (int i = 0; i < 8; ++i)
        assert_true(y[i] > 0.0 && y[i] < 1.0);
    dy_rng_uniforms(42, 7, 3, 12, 8, z); /* next sample: a different point */
    assert_true(memcmp(y, z, sizeof y) != 0);
    dy_rng_uniforms(42, 8, 3, 11, 8, z); /* next integral */
    assert_true(memcmp(y, z, sizeof y) != 0);
    dy_rng_uniforms(42, 7, 4, 11, 8, z); /* next iteration */
    assert_true(memcmp(y, z, sizeof y) != 0);
    dy_rng_uniforms(42, 7, 3, 11, 8, z); /* same counters: the same point */
    assert_memory_equal(y, z, sizeof y);
    /* mean of many uniforms is 1/2 within 4 sigma = 4/sqrt(12 n) */
    double s = 0.0;
    const int n = 200000;
    for (int i = 0; i < n / 8; ++i) {
        dy_rng_uniforms(5, 1, 0, (dy_u32)i, 8, y);
        for (int k = 0; k < 8; ++k)
            s += y[k];
    }
    dy_assert_close(s / n, 0.5, 4.0 / sqrt(12.0 * n), 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(philox_known_answers),
                                       cmocka_unit_test(uniforms_open_interval_and_distinct)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
