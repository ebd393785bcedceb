/* test_fold.c — the track-length folding against hand-integrated values: a flat imported track
 * length times a toy sigma linear in ln E (which the node interpolation represents exactly), with
 * and without a lower energy limit; and the weights of a real shower spectrum summing to the
 * independently integrated track length (including the end-point pile-up at E0). */
#include <stdio.h>
#include <unistd.h>
#include "dy_test.h"
#include "physics/fold.h"
#include "physics/tracklength.h"

static void flat_track_times_log_sigma(void **state)
{
    (void)state;
    char path[512];
    dy_error err;
    dy_tracklength T;
    snprintf(path, sizeof path, "%s/test_fold_flat.csv", DY_BINARY_DIR);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "# E_lo_GeV,E_hi_GeV,T_cm_per_GeV\n1,100,2\n");
    fclose(f);
    if (dy_tracklength_init_csv(&T, path, DY_PARTICLE_ANY, 100.0, &err) != DY_OK)
        fail_msg("%s", err.msg);
    enum { K = 9 };
    double E[K], w[K], g[K];
    dy_fold_nodes_log(1.0, 100.0, K, E);
    for (int k = 0; k < K; ++k)
        g[k] = log(E[k]); /* toy sigma(E) = ln E */
    /* int_1^100 2 ln E dE = 2 [E ln E - E]_1^100 and int_10^100 likewise */
    const double lo[2] = {0.0, 10.0};
    for (int c = 0; c < 2; ++c) {
        const double a = lo[c] > 1.0 ? lo[c] : 1.0;
        const double exact = 2.0 * ((100.0 * log(100.0) - 100.0) - (a * log(a) - a));
        double sum = 0.0;
        if (dy_fold_weights(&T, K, E, lo[c], w, &err) != DY_OK) fail_msg("%s", err.msg);
        for (int k = 0; k < K; ++k)
            sum += w[k] * g[k];
        dy_assert_close(sum, exact, 0.0, 1e-6);
    }
    dy_tracklength_free(&T);
    unlink(path);
}

static void shower_weights_sum_to_track_length(void **state)
{
    (void)state;
    dy_error err;
    dy_material m;
    dy_tracklength T;
    if (dy_material_lookup("Pb", &m, &err) != DY_OK) fail_msg("%s", err.msg);
    for (int c = 0; c < 4; ++c) {
        /* e- beam: e-, e+, gamma; photon beam: gamma, whose uncollided path (9/7 X0 in an
         * infinite target) sits exactly at E0 and must be in the weights */
        const int beam = c < 3 ? DY_PARTICLE_ELECTRON : DY_PARTICLE_PHOTON;
        const int sp = c < 3 ? c : DY_PARTICLE_PHOTON;
        if (dy_tracklength_init_shower(&T, &m, 100.0, INFINITY, beam, sp, NULL, &err) != DY_OK)
            fail_msg("%s", err.msg);
        enum { K = 16 };
        double E[K], w[K], sum = 0.0;
        dy_fold_nodes_log(0.5, 100.0, K, E);
        if (dy_fold_weights(&T, K, E, 0.0, w, &err) != DY_OK) fail_msg("%s", err.msg);
        for (int k = 0; k < K; ++k) {
            assert_true(w[k] >= 0.0);
            sum += w[k];
        }
        /* sum of weights = int T dE (the interpolation factors add to one) */
        dy_assert_close(sum, dy_tracklength_integral(&T, 0.5, 100.0), 0.0, 1e-5);
        if (c == 3) assert_true(T.delta_T_cm > 1.2 * m.X0_cm && sum > T.delta_T_cm);
        dy_tracklength_free(&T);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(flat_track_times_log_sigma),
                                       cmocka_unit_test(shower_weights_sum_to_track_length)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
