/* test_overlay.c — the overlay CSV format of docs/limits.md §7.1: well-formed files in both
 * planes (comments, blank lines, CRLF, a byte-order mark, spaces, any mass order), and every
 * malformed kind refused with FILE:LINE and what is wrong; then through `darkyield limit`: a bad
 * overlay is a config error (exit 2) naming the config entry and the overlay's line, with no
 * output written. */
#include "dy_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test_cli.h"
#include "io/overlay.h"

#define TMP DY_BINARY_DIR "/test_overlay_tmp"

static const char *put(const char *name, const char *text, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, TMP "/%s", name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
    return path;
}
#define PUT(name, lit) put(name, lit, sizeof lit - 1)

static void ok(const char *path, const char *coupling, int allow_y, dy_overlay_plane want, int rows)
{
    dy_overlay_plane pl;
    int n = 0;
    dy_error e;
    if (dy_overlay_check(path, coupling, allow_y, &pl, &n, &e) != DY_OK)
        fail_msg("%s: %s", path, e.msg);
    assert_int_equal(pl, want);
    assert_int_equal(n, rows);
}

static void bad(const char *path, const char *coupling, int allow_y, const char *needle)
{
    dy_error e;
    if (dy_overlay_check(path, coupling, allow_y, NULL, NULL, &e) == DY_OK)
        fail_msg("%s accepted, want '%s'", path, needle);
    if (!strstr(e.msg, needle)) fail_msg("%s: got '%s', want '%s'", path, e.msg, needle);
}

static void test_good(void **state)
{
    (void)state;
    ok(PUT("a.csv", "# NA64 2019, digitised\n\nmass_GeV,eps\n0.001,1e-5\n0.01, 2.5e-5 \n"
                    "  # a comment between rows\n1.0,3E-4\n"),
       "eps", 1, DY_OVERLAY_COUPLING, 3);
    ok(PUT("crlf.csv", "\xEF\xBB\xBFmass_GeV,g_agg\r\n0.1,1e-4\r\n0.05,2e-4\r\n0.2,3e-4"), "g_agg",
       0, DY_OVERLAY_COUPLING, 3); /* BOM, CRLF, no final newline, a closed contour's order */
    ok(PUT("y.csv", "m_chi_GeV,y\n0.003,1e-12\n0.3,1e-9\n"), "eps", 1, DY_OVERLAY_Y, 2);
    ok(PUT("zp.csv", "mass_GeV , g_Z'\n0.01,1e-4\n0.1,1e-3\n"), "g_Z'", 0, DY_OVERLAY_COUPLING, 2);
}

static void test_bad(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, TMP "/none.csv");
    bad(path, "eps", 1, "none.csv");
    bad(PUT("e1.csv", "mass_GeV,g_agg\n0.1,1e-4\n0.2,2e-4\n"), "eps", 1,
        "e1.csv:1: header 'mass_GeV,g_agg': this limit takes 'mass_GeV,eps' or 'm_chi_GeV,y'");
    bad(PUT("e2.csv", "m_chi_GeV,y\n0.1,1e-4\n0.2,2e-4\n"), "eps", 0,
        "e2.csv:1: header 'm_chi_GeV,y': this limit takes 'mass_GeV,eps'");
    bad(PUT("e3.csv", "# c\nmass_GeV,eps\n0.1,1e-4\n0.2,2e-4,7\n"), "eps", 1,
        "e3.csv:4: expected 2 comma-separated columns");
    bad(PUT("e4.csv", "mass_GeV,eps\n0.1;1e-4\n"), "eps", 1,
        "e4.csv:2: expected 2 comma-separated columns");
    bad(PUT("e5.csv", "mass_GeV,eps\n0.1,1e-4\n\n0.2,abc\n"), "eps", 1,
        "e5.csv:4: 'abc' is not a decimal number (eps)");
    bad(PUT("e6.csv", "mass_GeV,eps\n0x10,1e-4\n0.2,1e-3\n"), "eps", 1,
        "e6.csv:2: '0x10' is not a decimal number (mass_GeV)");
    bad(PUT("e7.csv", "mass_GeV,eps\n0.1,nan\n0.2,1e-3\n"), "eps", 1,
        "e7.csv:2: 'nan' is not a decimal number (eps)");
    bad(PUT("e8.csv", "mass_GeV,eps\n0.1,1e-4\n0.2,0\n"), "eps", 1,
        "e8.csv:3: mass_GeV = 0.2, eps = 0: both must be finite and > 0 (log axes)");
    bad(PUT("e9.csv", "mass_GeV,eps\n-0.1,1e-4\n0.2,1\n"), "eps", 1, "e9.csv:2: mass_GeV = -0.1");
    bad(PUT("e10.csv", "mass_GeV,eps\n1e999,1e-4\n0.2,1\n"), "eps", 1,
        "e10.csv:2: mass_GeV = 1e999, eps = 1e-4: both must be finite");
    bad(PUT("e11.csv", "mass_GeV,eps\n0.1,1e-4\n"), "eps", 1,
        "e11.csv: 1 data row; a curve needs at least 2");
    bad(PUT("e12.csv", "# only comments\n\n"), "eps", 1, "e12.csv: no header line");
    bad(PUT("e13.csv", "0.1,1e-4\n0.2,1e-3\n"), "eps", 1, "e13.csv:1: header '0.1,1e-4'");
    bad(put("e14.csv", "mass_GeV,eps\n0.1,1e-4\n0.2\0,1e-3\n", 32), "eps", 1,
        "e14.csv:3: a NUL byte: not a text file");
    bad(PUT("e15.csv", "mass_GeV,eps\n0.1,1e-4\n0.2,\x1b[31m\n"), "eps", 1,
        "e15.csv:3: '?[31m' is not a decimal number"); /* control bytes are not echoed */
    bad(PUT("e16.csv", "mass_GeV,eps\n,1e-4\n0.2,1\n"), "eps", 1,
        "e16.csv:2: '' is not a decimal number (mass_GeV)");
    char *big = malloc(3000);
    assert_non_null(big);
    memset(big, '1', 3000);
    memcpy(big, "mass_GeV,eps\n0.", 15);
    bad(put("e17.csv", big, 3000), "eps", 1, "e17.csv:2: line longer than 1000 characters");
    free(big);
    assert_int_equal(mkdir(TMP "/dir.csv", 0755) == 0 || access(TMP "/dir.csv", F_OK) == 0, 1);
    bad(TMP "/dir.csv", "eps", 1, "dir.csv");
}

static void test_cli(void **state)
{
    (void)state;
    /* the overlay is checked while the config is read: exit 2 before the yield file is even
     * opened (it does not exist here), nothing written */
    PUT("cli_bad.csv", "# digitised\nmass_GeV,eps\n0.01,1e-4\n0.1,1e-3 x\n");
    PUT("cli.yaml", "yields: none.h5\nmodel: {particle: dark_photon}\nstatistics: {pot: 1e10}\n"
                    "overlays: [{file: cli_bad.csv, label: old}]\noutput: {dir: out}\n");
    char out[16384];
    const int rc = dy_run_cli("limit " TMP "/cli.yaml --no-plots", out, sizeof out);
    if (rc != 2 || !strstr(out, "cli.yaml:4:19: 'overlays.file': ") ||
        !strstr(out, "cli_bad.csv:4: '1e-3 x' is not a decimal number (eps)"))
        fail_msg("rc %d:\n%s", rc, out);
    assert_int_equal(access(TMP "/out", F_OK), -1);
    /* the y plane is refused for the ALP, whose limit has no y plot */
    PUT("cli_y.csv", "m_chi_GeV,y\n0.01,1e-10\n0.1,1e-9\n");
    PUT("cli2.yaml", "yields: none.h5\nmodel: {particle: alp}\nstatistics: {pot: 1e10}\n"
                     "overlays: [{file: cli_y.csv}]\n");
    const int rc2 = dy_run_cli("limit " TMP "/cli2.yaml --no-plots", out, sizeof out);
    if (rc2 != 2 || !strstr(out, "cli_y.csv:1: header 'm_chi_GeV,y': this limit takes "
                                 "'mass_GeV,g_agg'"))
        fail_msg("rc %d:\n%s", rc2, out);
}

static int setup(void **state)
{
    (void)state;
    (void)!system("rm -rf '" TMP "'");
    return mkdir(TMP, 0755);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
