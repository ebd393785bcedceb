/* test_injection.c — a config from a colleague can never run a command (issue 10.7): the plot
 * scripts are started with an argument vector, so an output.dir and overlay labels/files full of
 * shell syntax (quotes, spaces, ';', $(...), backticks) are plain characters: no command runs,
 * and the plots are still drawn into that very directory (or cleanly skipped where python3 lacks
 * matplotlib). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test.h"
#include "dy_test_cli.h"

#define TDIR DY_BINARY_DIR "/test_injection"
static char out[1 << 16], errs[1 << 16];

/* Every way a shell would have run "touch PWNED*" here. */
#define EVIL "it's \"q\" $(touch PWNED1) `touch PWNED2` '; touch PWNED3; ' & x"

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void no_command_ran(void)
{
    static const char *const marks[] = {"PWNED1", "PWNED2", "PWNED3", "x"};
    for (int i = 0; i < 4; ++i)
        if (exists(marks[i])) fail_msg("a shell ran a command from the config: %s", marks[i]);
}

static int have_plotting(void)
{
    const char *argv[] = {"/usr/bin/python3", "-c", "import matplotlib, h5py, numpy", NULL};
    if (access(argv[0], X_OK) != 0) return 0;
    const int st = dy_run_argv(argv, NULL, 0, out, sizeof out, NULL, errs, sizeof errs);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int run(const char *const *argv)
{
    const int st = dy_run_argv(argv, NULL, 0, out, sizeof out, NULL, errs, sizeof errs);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
    (void)state;
    if (system("rm -rf '" TDIR "' && mkdir -p '" TDIR "'")) return -1;
    return chdir(TDIR); /* where an injected 'touch' would have landed */
}

static void evil_output_dir_and_labels(void **state)
{
    (void)state;
    char dir[1024], h5[1200], png[2600];
    snprintf(dir, sizeof dir, "%s/out %s", TDIR, EVIL);
    FILE *f = fopen("evil.yaml", "w");
    assert_non_null(f);
    /* YAML single-quoted scalar: '' is one quote */
    fprintf(f, "name: evil\nseed: 3\nprecision: 0.05\n"
               "beam: {particle: e-, energy_GeV: 100}\n"
               "target: {material: Pb, thickness_X0: 40}\n"
               "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
               "dm_kind: dirac, coupling: 1e-4}\n"
               "processes: [annihilation]\n"
               "masses_GeV: [0.02, 0.1, 0.2, 0.4]\n"
               "energy_bins: {min_GeV: 0, max_GeV: 100, n: 20}\n"
               "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: 9}\n"
               "output:\n  dir: '");
    for (const char *p = dir; *p; ++p)
        fputs(*p == '\'' ? "''" : (char[2]){*p, 0}, f);
    fprintf(f, "'\n  formats: [hdf5, csv]\n  plots: true\n");
    fclose(f);
    const char *runv[] = {DY_CLI, "run", "evil.yaml", "--backend", "cpu", NULL};
    if (run(runv) != 0) fail_msg("run failed:\n%s", errs);
    no_command_ran();
    snprintf(h5, sizeof h5, "%s/evil.h5", dir);
    assert_true(exists(h5));
    const int plotting = have_plotting();
    snprintf(png, sizeof png, "%s/evil_yield_map.png", dir);
    if (plotting && !exists(png)) fail_msg("no plot in '%s':\n%s", dir, errs);
    if (!plotting) assert_non_null(strstr(errs, "plots skipped"));
    assert_null(strstr(errs, "plotting failed"));

    /* a limit whose overlay file and label, and output dir, are just as hostile */
    char ov[1200], lim[1200];
    snprintf(ov, sizeof ov, "%s/over %s.csv", TDIR, EVIL);
    f = fopen(ov, "w");
    assert_non_null(f);
    fprintf(f, "# an old limit\nmass_GeV,eps\n0.02,1e-4\n0.4,1e-3\n");
    fclose(f);
    snprintf(lim, sizeof lim, "%s/limits %s", TDIR, EVIL);
    f = fopen("limit.yaml", "w");
    assert_non_null(f);
    fprintf(f, "yields: \"");
    for (const char *p = h5; *p; ++p) /* YAML double-quoted scalar: escape " and \ */
        fprintf(f, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
    fprintf(f, "\"\nmodel: {particle: dark_photon}\nstatistics: {pot: 1e10}\n"
               "overlays:\n  - file: \"");
    for (const char *p = ov; *p; ++p)
        fprintf(f, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
    fprintf(f, "\"\n    label: \"%s\"\noutput:\n  dir: \"", "old \\\"limit\\\" $(touch PWNED1)");
    for (const char *p = lim; *p; ++p)
        fprintf(f, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
    fprintf(f, "\"\n  plots: true\n");
    fclose(f);
    const char *limv[] = {DY_CLI, "limit", "limit.yaml", NULL};
    if (run(limv) != 0) fail_msg("limit failed:\n%s", errs);
    no_command_ran();
    snprintf(png, sizeof png, "%s/limit_limits_coupling.png", lim);
    if (plotting && !exists(png)) fail_msg("no limit plot in '%s':\n%s", lim, errs);
    assert_null(strstr(errs, "plotting failed"));
    assert_null(strstr(errs, "quote in a path"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(evil_output_dir_and_labels)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
