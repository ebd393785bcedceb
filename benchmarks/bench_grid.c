/* bench_grid.c — grid scheduling (issue 7 benchmark): the cost of each grid point of a run with
 * uneven point costs (light vs heavy masses) measured one engine call per point, the makespan that
 * static blocks and the dynamic queue give on W workers from those costs, and — when a darkyield
 * binary is given — the real wall time of `darkyield run` in one process and under `mpirun -np
 * 1/2/3` with --schedule static and dynamic. Usage: bench_grid [path/to/darkyield [precision
 * (default 0.01)]].  Results: RESULTS.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "jobs/grid_run.h"
#include "jobs/run.h"
#include "darkyield/dy.h"
#include "io/config.h"

static const char *cfg_fmt =
    "name: bench-grid\nseed: 3\nprecision: %g\n"
    "beam: {particle: e-, energy_GeV: 100}\n"
    "target: {material: na64_ecal, thickness_X0: 40}\n"
    "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
    "dm_kind: dirac, coupling: 1}\n"
    "processes: [brem, annihilation]\n"
    "masses_GeV: {min: 0.002, max: 1.0, n: 12, scale: log}\n"
    "energy_bins: {min_GeV: 0, max_GeV: 100, n: 50}\n"
    "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: 17}\n"
    "output: {dir: bench_grid_out, formats: [hdf5], plots: false}\n";

static double makespan_static(const double *c, int n, int W)
{
    double worst = 0.0;
    for (int w = 0; w < W; ++w) {
        double t = 0.0;
        for (int i = (int)((long)n * w / W); i < (int)((long)n * (w + 1) / W); ++i)
            t += c[i];
        worst = fmax(worst, t);
    }
    return worst;
}

/* Greedy list scheduling in the given order: each point to the first free worker. */
static double makespan_dynamic(const double *c, const int *order, int n, int W)
{
    double fin[64] = {0}, worst = 0.0;
    for (int i = 0; i < n; ++i) {
        int best = 0;
        for (int w = 1; w < W; ++w)
            if (fin[w] < fin[best]) best = w;
        fin[best] += c[order[i]];
    }
    for (int w = 0; w < W; ++w)
        worst = fmax(worst, fin[w]);
    return worst;
}

static const dy_run *g_r;
static int by_estimate(const void *a, const void *b)
{
    const double x = dy_run_point_cost(g_r, *(const int *)a),
                 y = dy_run_point_cost(g_r, *(const int *)b);
    return x < y ? 1 : x > y ? -1 : *(const int *)a - *(const int *)b;
}

static const double *g_c;
static int by_cost(const void *a, const void *b)
{
    const double x = g_c[*(const int *)a], y = g_c[*(const int *)b];
    return x < y ? 1 : x > y ? -1 : 0;
}

static double timed(const char *cmd)
{
    const double t0 = dy_wall_now();
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_grid: failed: %s\n", cmd);
        return NAN;
    }
    return dy_wall_now() - t0;
}

int main(int argc, char **argv)
{
    const char *cli = argc > 1 && argv[1][0] ? argv[1] : NULL;
    const double prec = argc > 2 ? atof(argv[2]) : 0.01;
    char text[2048];
    dy_config cfg;
    dy_error err;
    dy_engine *e;
    dy_run *r;
    snprintf(text, sizeof text, cfg_fmt, prec);
    FILE *f = fopen("bench_grid.yaml", "w");
    if (!f) return 1;
    fputs(text, f);
    fclose(f);
    if (dy_config_load("bench_grid.yaml", &cfg, &err) != DY_OK ||
        dy_engine_open("cpu", &e, &err) != DY_OK || dy_run_open(&cfg, 1, &r, &err) != DY_OK) {
        fprintf(stderr, "bench_grid: %s\n", err.msg);
        return 1;
    }
    const int n = dy_run_points(r);
    double c[64], tot = 0.0;
    int order[64], natural[64], est[64];
    printf("| point | mass GeV | cost s (cpu, %s) |\n|---|---|---|\n", dy_engine_device(e));
    for (int p = 0; p < n; ++p) {
        const double t0 = dy_wall_now();
        if (dy_run_compute(r, e, &p, 1, 0, &err) != DY_OK) {
            fprintf(stderr, "bench_grid: %s\n", err.msg);
            return 1;
        }
        c[p] = dy_wall_now() - t0;
        tot += c[p];
        order[p] = natural[p] = est[p] = p;
        printf("| %d | %.4g | %.2f |\n", p, cfg.masses_GeV[p], c[p]);
    }
    g_c = c;
    qsort(order, (size_t)n, sizeof *order, by_cost);
    g_r = r;
    qsort(est, (size_t)n, sizeof *est, by_estimate);
    printf("\nsum %.2f s, max point %.2f s\n\n| workers | static blocks s | dynamic queue (grid "
           "order) s | dynamic, largest estimate first (darkyield) s | dynamic, largest measured "
           "cost first (oracle) s | bound max(sum/W, max) s |\n|---|---|---|---|---|---|\n",
           tot, c[order[0]]);
    for (int W = 2; W <= 8; W *= 2) {
        double mx = 0.0;
        for (int i = 0; i < n; ++i)
            mx = fmax(mx, c[i]);
        printf("| %d | %.2f | %.2f | %.2f | %.2f | %.2f |\n", W, makespan_static(c, n, W),
               makespan_dynamic(c, natural, n, W), makespan_dynamic(c, est, n, W),
               makespan_dynamic(c, order, n, W), fmax(tot / W, mx));
    }
    dy_run_close(r);
    dy_engine_close(e);
    if (cli) {
        char cmd[4096];
        const char *mpi = "mpirun --oversubscribe --allow-run-as-root --bind-to none";
        printf("\n| command | wall s |\n|---|---|\n");
        snprintf(cmd, sizeof cmd, "%s run bench_grid.yaml --backend cpu --fresh >/dev/null 2>&1",
                 cli);
        printf("| darkyield run (1 process, 2 threads) | %.2f |\n", timed(cmd));
        const char *sched[2] = {"static", "dynamic"};
        for (int np = 1; np <= 3; ++np)
            for (int s = 0; s < (np == 3 ? 2 : 1); ++s) {
                snprintf(cmd, sizeof cmd,
                         "%s -np %d %s run bench_grid.yaml --backend cpu --fresh --schedule %s "
                         ">/dev/null 2>&1",
                         mpi, np, cli, np == 3 ? sched[s] : "dynamic");
                printf("| mpirun -np %d%s%s | %.2f |\n", np, np == 3 ? " --schedule " : "",
                       np == 3 ? sched[s] : "", timed(cmd));
                fflush(stdout);
            }
    }
    dy_config_free(&cfg);
    return 0;
}
