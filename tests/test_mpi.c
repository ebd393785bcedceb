/* test_mpi.c — `mpirun -np N darkyield run`: the files written with 2 ranks (one scheduler, one
 * worker) and with 3 ranks under static blocks equal those of -np 1 (the single-process path)
 * bit for bit in every dataset.  Skipped with a message when darkyield was built without MPI or
 * mpirun is absent.  Runs as root need --allow-run-as-root (CI containers). */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "dy_test.h"
#include "dy_test_h5.h"

static char out[1 << 16];
static char dir[512], cfg[600];

static int sh(const char *cmd, char *buf, size_t n)
{
    FILE *p = popen(cmd, "r");
    size_t used = 0;
    if (!p) return -1;
    buf[0] = 0;
    while (used + 1 < n) {
        size_t k = fread(buf + used, 1, n - 1 - used, p);
        if (!k) break;
        used += k;
    }
    buf[used] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void mpirun(int np, const char *extra, const char *save_as)
{
    char cmd[4000];
    snprintf(cmd, sizeof cmd,
             "mpirun --oversubscribe --allow-run-as-root --bind-to none -np %d %s run %s "
             "--backend cpu %s 2>&1 && mv %s/mpi.h5 %s/%s",
             np, DY_CLI, cfg, extra, dir, dir, save_as);
    int rc = sh(cmd, out, sizeof out);
    if (rc != 0) fail_msg("%s failed (%d):\n%s", cmd, rc, out);
}

static void ranks_do_not_change_results(void **state)
{
    (void)state;
#ifndef DY_HAVE_MPI
    print_message("SKIPPED: darkyield was built without MPI (cmake -DDARKYIELD_MPI=ON)\n");
    skip();
#else
    char buf[256], a[1200], b[700];
    if (sh("command -v mpirun", buf, sizeof buf) != 0) {
        print_message("SKIPPED: mpirun not found (apt-get install openmpi-bin)\n");
        skip();
    }
    snprintf(dir, sizeof dir, "%s/test_mpi", DY_BINARY_DIR);
    snprintf(cfg, sizeof cfg, "%s/mpi.yaml", dir);
    snprintf(a, sizeof a, "rm -rf %s && mkdir -p %s", dir, dir);
    assert_int_equal(system(a), 0);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fprintf(f,
            "name: mpi\nseed: 11\nprecision: 0.05\n"
            "beam: {particle: e-, energy_GeV: 100}\n"
            "target: {material: Pb, thickness_X0: 40}\n"
            "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
            "dm_kind: dirac, coupling: 1}\n"
            "processes: [brem, annihilation]\n"
            "masses_GeV: [0.004, 0.03, 0.15, 0.5]\n"
            "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
            "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: 9}\n"
            "output: {dir: %s, formats: [hdf5], plots: false}\n",
            dir);
    fclose(f);
    mpirun(1, "", "np1.h5");
    mpirun(2, "", "np2.h5");
    if (!strstr(out, "over 1 worker rank")) fail_msg("-np 2 did not schedule over ranks:\n%s", out);
    mpirun(3, "--schedule static", "np3_static.h5");
    snprintf(a, sizeof a, "%s/np1.h5", dir);
    snprintf(b, sizeof b, "%s/np2.h5", dir);
    dy_h5_same(a, b);
    snprintf(b, sizeof b, "%s/np3_static.h5", dir);
    dy_h5_same(a, b);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(ranks_do_not_change_results)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
