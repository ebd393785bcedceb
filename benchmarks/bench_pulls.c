/* bench_pulls.c — honesty of the engine's errors: every Genz family in 1..8 dimensions, R
 * independent replicas (ids) of one integral each, at a relative precision: mean and RMS of the
 * pulls (value - exact)/error (~0 and ~1 when errors are honest), the fraction beyond 3 sigma,
 * and the mean evaluations.  usage: bench_pulls [replicas=200] [precision=2e-3] [backend=cpu]
 * [family] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy.h"
#include "engine/genz.h"

int main(int argc, char **argv)
{
    const int R = argc > 1 ? atoi(argv[1]) : 200;
    const double prec = argc > 2 ? atof(argv[2]) : 2e-3;
    const char *backend = argc > 3 ? argv[3] : "cpu";
    const int only = argc > 4 ? dy_genz_family_from_name(argv[4]) : -1;
    dy_engine *e;
    dy_error err;
    if (R < 2 || !(prec > 0.0)) {
        fprintf(stderr, "usage: bench_pulls [replicas >= 2] [precision > 0] [backend] [family]\n");
        return 2;
    }
    if (dy_engine_open(backend, &e, &err) != DY_OK) {
        fprintf(stderr, "bench_pulls: %s\n", err.msg);
        return 1;
    }
    dy_params *p = malloc((size_t)R * sizeof *p);
    dy_result *r = malloc((size_t)R * sizeof *r);
    printf("| family | dim | mean pull | rms pull | > 3 sigma | spread/sigma | evaluations |\n"
           "|---|---|---|---|---|---|---|\n");
    for (int f = 0; f < DY_GENZ_NFAMILIES; ++f) {
        if (only >= 0 && f != only) continue;
        for (unsigned d = 1; d <= DY_MAX_DIM; ++d) {
            dy_vegas_options o;
            if (dy_genz_grid(f, d, 1, 1000 + d, 0, p, &err) != DY_OK) return 1;
            for (int i = 1; i < R; ++i) {
                p[i] = p[0];
                p[i].id = (dy_u64)i;
            }
            dy_vegas_options_default(&o);
            o.seed = 12345;
            o.rel_precision = prec;
            if (dy_integrate(e, p, (size_t)R, &o, NULL, r, NULL, &err) != DY_OK) {
                fprintf(stderr, "bench_pulls: %s\n", err.msg);
                return 1;
            }
            const double exact = dy_genz_exact(&p[0]);
            double m = 0.0, m2 = 0.0, far = 0.0, ev = 0.0, mv = 0.0, vv = 0.0, sg = 0.0;
            for (int i = 0; i < R; ++i) {
                const double pull = (r[i].value - exact) / r[i].error;
                m += pull / R;
                m2 += pull * pull / R;
                far += fabs(pull) > 3.0 ? 1.0 / R : 0.0;
                ev += (double)r[i].n_eval / R;
                mv += r[i].value / R;
                sg += r[i].error / R;
            }
            for (int i = 0; i < R; ++i)
                vv += (r[i].value - mv) * (r[i].value - mv) / (R - 1);
            printf("| %s | %u | %+.2f | %.2f | %.3f | %.2f | %.0f |\n", dy_genz_family_name(f), d,
                   m, sqrt(m2), far, sqrt(vv) / sg, ev);
            fflush(stdout);
        }
    }
    free(p);
    free(r);
    dy_engine_close(e);
    return 0;
}
