/* test_engine.c — properties of the engine on the selected backend that no physics test checks:
 * a result depends on its integral only (streams keyed by content: the same value bit for bit
 * whatever else is in the batch, in any order; a replica id gives another stream); draws from an
 * adapted map are reproduced on the host and average to the integral; the statistics count what
 * crossed the bus (at most 1 KiB per integral per iteration) and are written as JSON.
 * DY_BACKENDS: cpu opencl cuda */
#include <stdlib.h>
#include <string.h>
#include "dy_process_table.h"
#include "dy_test_backend.h"
#include "dy_test_cli.h"
#include "engine/genz.h"

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

static void brem(dy_params *p, double m)
{
    memset(p, 0, sizeof *p);
    dy_proc_brem_setup(p, 0, DY_BREM_V, 82, 207.2, 100.0, m, 1.0, 1);
    p->process = DY_PROC_brem;
}

static void integrate(const dy_params *p, size_t n, dy_result *r, double *maps)
{
    dy_vegas_options o;
    dy_error err;
    dy_vegas_options_default(&o);
    o.seed = 7;
    o.rel_precision = 3e-3;
    o.maps_out = maps;
    if (dy_integrate(engine, p, n, &o, NULL, r, NULL, &err) != DY_OK) fail_msg("%s", err.msg);
}

/* One brem point alone, with neighbours, in reverse order: bit-identical every time. */
static void result_depends_on_the_integral_only(void **state)
{
    (void)state;
    if (!engine) skip();
    dy_params a[3], b[3];
    dy_result ra[3], rb[3], r1;
    brem(&a[0], 0.01);
    brem(&a[1], 0.1);
    brem(&a[2], 1.0);
    for (int i = 0; i < 3; ++i)
        b[i] = a[2 - i];
    integrate(a, 3, ra, NULL);
    integrate(b, 3, rb, NULL);
    integrate(&a[1], 1, &r1, NULL);
    for (int i = 0; i < 3; ++i) {
        assert_memory_equal(&ra[i].value, &rb[2 - i].value, sizeof(double));
        assert_memory_equal(&ra[i].error, &rb[2 - i].error, sizeof(double));
        assert_int_equal(ra[i].n_eval, rb[2 - i].n_eval);
    }
    assert_memory_equal(&ra[1].value, &r1.value, sizeof(double));
    /* a replica tag selects an independent stream: another value, within errors */
    dy_params c = a[1];
    dy_result rc;
    c.id = 1;
    integrate(&c, 1, &rc, NULL);
    assert_true(rc.value != r1.value);
    dy_assert_close(rc.value, r1.value, 5.0 * sqrt(rc.error * rc.error + r1.error * r1.error), 0.0);
    /* the coupling only scales: the same stream, a result scaled exactly */
    dy_params d;
    dy_result rd;
    memset(&d, 0, sizeof d);
    dy_proc_brem_setup(&d, 0, DY_BREM_V, 82, 207.2, 100.0, 0.1, 1e-3, 1);
    d.process = DY_PROC_brem;
    integrate(&d, 1, &rd, NULL);
    dy_assert_close(rd.value, 1e-6 * r1.value, 0.0, 1e-12);
}

/* Draws from the final map: the host reproduces each point and weight, and the weights average
 * to the integral (an unbiased estimator on any map). */
static void draws_from_the_adapted_map(void **state)
{
    (void)state;
    if (!engine) skip();
    enum { NS = 1 << 14 };
    dy_params p;
    dy_result r;
    dy_error err;
    double *maps = calloc(DY_MAP_STRIDE, sizeof *maps), *w = malloc(NS * sizeof *w);
    brem(&p, 0.1);
    integrate(&p, 1, &r, maps);
    for (int d = 0; d < (int)p.dim; ++d) { /* a trained map: edges from 0 to 1, increasing */
        const double *e = maps + d * (DY_NBINS + 1);
        assert_true(e[0] == 0.0 && e[DY_NBINS] == 1.0);
        for (int b = 0; b < DY_NBINS; ++b)
            assert_true(e[b + 1] >= e[b]);
    }
    if (dy_engine_weights_on_maps(engine, &p, 1, maps, 99, 1000, NS, w, &err) != DY_OK)
        fail_msg("%s", err.msg);
    double s = 0.0, s2 = 0.0;
    for (int i = 0; i < NS; ++i) {
        s += w[i];
        s2 += w[i] * w[i];
    }
    const double mean = s / NS, sd = sqrt((s2 / NS - mean * mean) / (NS - 1));
    dy_assert_close(mean, r.value, 4.0 * sqrt(sd * sd + r.error * r.error), 0.0);
    for (int i = 0; i < NS; i += 997) {
        double x[DY_MAX_DIM], jac, obs[DY_MAX_OBS];
        dy_engine_point(&p, maps, 99, 1000, (uint32_t)i, x, &jac);
        const double f = jac * dy_integrand(&p, x, obs, 0);
        /* cpu bit for bit; other backends to their math libraries (test_backend_consistency) */
        dy_assert_close(w[i], f, 1e-300, 1e-9);
    }
    free(maps);
    free(w);
}

/* Statistics: counters move, at most 1 KiB per integral per iteration comes back, JSON. */
static void statistics(void **state)
{
    (void)state;
    if (!engine) skip();
    enum { N = 64 };
    dy_params p[N];
    dy_result r[N];
    dy_error err;
    dy_engine_stats a, b;
    if (dy_genz_grid(DY_GENZ_GAUSSIAN, 4, N, 5, 0, p, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_engine_get_stats(engine, &a);
    integrate(p, N, r, NULL);
    dy_engine_get_stats(engine, &b);
    uint64_t it = 0, ev = 0;
    for (int i = 0; i < N; ++i) {
        it += r[i].n_iter;
        ev += r[i].n_eval;
    }
    assert_int_equal(b.integrals - a.integrals, N);
    assert_int_equal(b.evaluations - a.evaluations, ev);
    assert_true(b.iterations > a.iterations && b.launches > a.launches);
    assert_true(b.device_seconds >= a.device_seconds && b.host_seconds >= a.host_seconds);
    /* per integral and (lockstep) iteration: the totals only, here 7 doubles */
    const double per = (double)(b.bytes_from_device - a.bytes_from_device) /
                       ((double)N * (double)(b.iterations - a.iterations));
    printf("bytes from the device per integral per iteration: %.1f\n", per);
    assert_true(per <= 1024.0);
    (void)it;
    char path[512];
    snprintf(path, sizeof path, "%s/test_engine_stats_%s.json", DY_BINARY_DIR,
             dy_test_backend_name());
    if (dy_engine_stats_write_json(engine, path, &err) != DY_OK) fail_msg("%s", err.msg);
    FILE *f = fopen(path, "r");
    char text[2048] = "";
    assert_non_null(f);
    size_t k = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[k] = 0;
    const char *keys[] = {"\"integrals\"",         "\"iterations\"",     "\"launches\"",
                          "\"host_seconds\"",      "\"device_seconds\"", "\"bytes_to_device\"",
                          "\"bytes_from_device\"", "\"backend\"",        "\"evaluations\""};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; ++i)
        if (!strstr(text, keys[i])) fail_msg("stats JSON lacks %s:\n%s", keys[i], text);
    assert_true(text[0] == '{' && strchr(text, '}'));
}

/* --stats on the commands that run the engine: JSON with the documented keys, and for the run at
 * most 1 KiB per integral per iteration from the device besides the final histograms. */
static long json_number(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtol(p + strlen(key) + 2, NULL, 10) : -1;
}

static void stats_option(void **state)
{
    (void)state;
    if (!engine) skip();
    static char out[1 << 16];
    char args[1024], path[512], text[2048];
    const char *be = dy_test_backend_name();
    snprintf(path, sizeof path, "%s/test_engine_cli_stats_%s.json", DY_BINARY_DIR, be);
    const char *cmds[] = {"integrate --integrand genz-gaussian --dim 3 --points 40",
                          "xsec --process brem --lepton e --target Pb --energy 100 --mass 0.01,0.1 "
                          "--method etl --precision 1e-2"};
    for (size_t c = 0; c < sizeof cmds / sizeof *cmds; ++c) {
        remove(path);
        snprintf(args, sizeof args, "%s --backend %s --stats %s", cmds[c], be, path);
        if (dy_run_cli(args, out, sizeof out) != 0) fail_msg("%s:\n%s", args, out);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        const size_t k = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[k] = 0;
        const long n = json_number(text, "\"integrals\""), it = json_number(text, "\"iterations\"");
        const long from = json_number(text, "\"bytes_from_device\"");
        if (!(n > 0 && it > 0 && from >= 0) || !strstr(text, "\"device_seconds\""))
            fail_msg("%s: %s", args, text);
        if (c == 0) assert_true((double)from / ((double)n * (double)it) <= 1024.0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(result_depends_on_the_integral_only),
        cmocka_unit_test(draws_from_the_adapted_map),
        cmocka_unit_test(statistics),
        cmocka_unit_test(stats_option),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
