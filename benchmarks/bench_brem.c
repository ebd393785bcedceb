/* bench_brem.c — issue 3 benchmark: exact-tree-level bremsstrahlung cross sections at 0.1 %
 * relative precision, wall time and evaluations per backend, for 100 GeV e- on Pb (m = 10 MeV,
 * 100 MeV, 1 GeV) and 160 GeV mu- on Pb (m = 10, 100 MeV), each alone and all five in one batch. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void)
{
    const struct {
        int lepton;
        double E, m;
    } pts[5] = {{0, 100, 0.01}, {0, 100, 0.1}, {0, 100, 1.0}, {1, 160, 0.01}, {1, 160, 0.1}};
    dy_params p[5];
    dy_result r[5];
    dy_error err;
    for (int i = 0; i < 5; ++i) {
        memset(&p[i], 0, sizeof p[i]);
        dy_proc_brem_setup(&p[i], pts[i].lepton, 0, 82, 207.2, pts[i].E, pts[i].m, 1.0, 1);
        p[i].process = DY_PROC_brem;
        p[i].id = (dy_u64)i;
    }
    printf(
        "| backend | beam | m / GeV | sigma / pb (eps = 1) | rel. error | evaluations | wall s |\n"
        "|---|---|---|---|---|---|---|\n");
    for (int b = 0; b < dy_backend_count(); ++b) {
        dy_engine *e;
        if (dy_backend_probe(b, &err) != DY_OK || dy_engine_open(dy_backend_name(b), &e, &err))
            continue;
        dy_vegas_options o;
        dy_vegas_options_default(&o);
        o.rel_precision = 1e-3;
        double tall = 0.0;
        for (int i = 0; i < 5; ++i) {
            const double t0 = now();
            dy_integrate(e, &p[i], 1, &o, NULL, &r[i], NULL, &err);
            const double dt = now() - t0;
            tall += dt;
            printf("| %s | %s %g GeV | %g | %.6g | %.2g | %llu | %.2f |\n", dy_backend_name(b),
                   pts[i].lepton ? "mu-" : "e-", pts[i].E, pts[i].m, r[i].value,
                   r[i].error / r[i].value, (unsigned long long)r[i].n_eval, dt);
        }
        const double t0 = now();
        dy_integrate(e, p, 5, &o, NULL, r, NULL, &err);
        unsigned long long n = 0;
        for (int i = 0; i < 5; ++i)
            n += r[i].n_eval;
        printf("| %s | all five in one batch | | | | %llu | %.2f (one by one: %.2f) |\n",
               dy_backend_name(b), n, now() - t0, tall);
        dy_engine_close(e);
    }
    return 0;
}
