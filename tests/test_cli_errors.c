/* test_cli_errors.c — bad input to the command line gets a clear message naming the problem and a
 * non-zero exit; good input works and prints the documented columns. */
#include "dy_test.h"
#include "dy_test_cli.h"
#include <unistd.h>

static char out[1 << 16];

static void expect_error(const char *args, int code, const char *needle)
{
    int rc = dy_run_cli(args, out, sizeof out);
    if (rc != code) fail_msg("'%s': exit %d, expected %d; output:\n%s", args, rc, code, out);
    if (!strstr(out, needle)) fail_msg("'%s': output lacks '%s':\n%s", args, needle, out);
}

static void usage_errors(void **state)
{
    (void)state;
    expect_error("", 2, "usage");
    expect_error("frobnicate", 2, "unknown command 'frobnicate'");
    expect_error("integrate --dim 2", 2, "--integrand is required");
    expect_error("integrate --integrand genz-wobbly --dim 2", 2, "unknown integrand 'genz-wobbly'");
    expect_error("integrate --integrand genz-gaussian --dim 0", 2, "--dim '0'");
    expect_error("integrate --integrand genz-gaussian --dim 9", 2, "--dim '9'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --precision -1", 2,
                 "--precision '-1'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --precision abc", 2,
                 "--precision 'abc'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --seed -3", 2, "--seed '-3'");
    /* strict numbers: strtoull would skip the space and wrap " -1" to 2^64 - 1 */
    expect_error("integrate --integrand genz-gaussian --dim 2 --seed ' -1'", 2, "--seed ' -1'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --seed +7", 2, "--seed '+7'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --seed 18446744073709551616", 2,
                 "--seed '18446744073709551616'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --precision ' 0.1'", 2,
                 "--precision ' 0.1'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --precision 0x1p-4", 2,
                 "--precision '0x1p-4'");
    expect_error("run configs/na64mu.yaml --shard ' 1/3'", 2, "--shard ' 1/3'");
    expect_error("run configs/na64mu.yaml --shard 1/+3", 2, "--shard '1/+3'");
    expect_error("integrate --integrand genz-gaussian --dim 2 --bogus", 2, "--bogus");
    expect_error("integrate --integrand genz-gaussian --dim 2 --format xml", 2, "--format 'xml'");
}

static void unknown_backend(void **state)
{
    (void)state;
    expect_error("integrate --integrand genz-gaussian --dim 2 --backend quantum", 2,
                 "unknown backend 'quantum'");
    setenv("DARKYIELD_BACKEND", "abacus", 1);
    expect_error("integrate --integrand genz-gaussian --dim 2", 2, "unknown backend 'abacus'");
    unsetenv("DARKYIELD_BACKEND");
}

static void good_run_prints_csv(void **state)
{
    (void)state;
    int rc = dy_run_cli("integrate --integrand genz-c0 --dim 3 --points 3 --backend cpu "
                        "--format csv --precision 1e-2",
                        out, sizeof out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "darkyield: backend cpu")); /* the choice is always printed */
    assert_non_null(strstr(out, "point,integrand,dim,value,error,exact,pull,chi2_dof,q,n_eval,"));
    assert_non_null(strstr(out, "\n2,genz-c0,3,"));
    assert_int_equal(dy_run_cli("--version", out, sizeof out), 0);
    assert_non_null(strstr(out, "darkyield "));
    assert_int_equal(dy_run_cli("devices", out, sizeof out), 0);
    assert_non_null(strstr(out, "cpu: available"));
}

/* A run whose imported track lengths reach above the beam energy (a spectrum made for another
 * beam; 0.1.0 accepted it and scaled a yield x48) stops before computing, naming file:line. */
static void tracklengths_above_beam(void **state)
{
    (void)state;
    const char *tl = DY_BINARY_DIR "/test_cli_errors_tl.csv";
    const char *cfg = DY_BINARY_DIR "/test_cli_errors_tl.yaml";
    FILE *f = fopen(tl, "w");
    assert_non_null(f);
    fputs("E_lo_GeV,E_hi_GeV,T_cm_per_GeV\n0.001,100,2\n100,4800,2\n", f);
    fclose(f);
    f = fopen(cfg, "w");
    assert_non_null(f);
    fprintf(f,
            "beam: {particle: e-, energy_GeV: 100}\n"
            "target: {material: Pb, thickness_X0: 40, tracklengths: {e+: %s}}\n"
            "model: {mediator: vector, alpha_D: 0.001}\nprocesses: [annihilation]\n"
            "masses_GeV: [0.1]\nenergy_bins: {n: 10}\n"
            "output: {dir: " DY_BINARY_DIR "/test_cli_errors_tl, plots: false}\n",
            tl);
    fclose(f);
    char args[1024];
    snprintf(args, sizeof args, "run %s --backend cpu --fresh", cfg);
    expect_error(args, 2, "test_cli_errors_tl.csv:3: bin [100, 4800] GeV has track length 2");
    assert_int_not_equal(access(DY_BINARY_DIR "/test_cli_errors_tl", F_OK), 0);
    unlink(tl);
    unlink(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usage_errors), cmocka_unit_test(unknown_backend),
        cmocka_unit_test(good_run_prints_csv), cmocka_unit_test(tracklengths_above_beam)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
