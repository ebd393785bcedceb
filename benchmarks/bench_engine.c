/* bench_engine.c — engine throughput and time to precision (issue 2 benchmark):
 *  1. evaluations per second per backend on a grid of 6-D Genz product-peak integrals;
 *  2. wall time to 0.1 % relative precision on one such integral: darkyield (each backend) vs
 *     GSL's gsl_monte_vegas single-threaded on the same integrand, run to the same 0.1 % by the
 *     protocol of benchmarks/peers/gsl_peer.h, its evaluations counted in the integrand wrapper.
 * The side-by-side comparison with all peers is benchmarks/run-peers.sh.
 * Usage: bench_engine [n_points (default 256)].  Results go to benchmarks/RESULTS.md by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "engine/genz.h"
#include "darkyield/dy.h"
#include "peers/gsl_peer.h"

static double gsl_f(double *x, size_t dim, void *params)
{
    double obs[DY_MAX_OBS];
    dy_params *p = params;
    (void)dim;
    return dy_proc_genz_eval(p, x, obs, 0);
}

int main(int argc, char **argv)
{
    const size_t npts = argc > 1 ? (size_t)atol(argv[1]) : 256;
    dy_params *p = malloc(npts * sizeof *p);
    dy_result *r = malloc(npts * sizeof *r);
    dy_error err;
    if (dy_genz_grid(DY_GENZ_PRODUCT_PEAK, 6, npts, 1, 0, p, &err) != DY_OK) return 1;
    printf("| backend | device | grid | evaluations | wall s | evaluations/s "
           "|\n|---|---|---|---|---|---|\n");
    for (int b = 0; b < dy_backend_count(); ++b) {
        dy_engine *e;
        if (dy_backend_probe(b, &err) != DY_OK || dy_engine_open(dy_backend_name(b), &e, &err))
            continue;
        dy_vegas_options o;
        dy_vegas_options_default(&o);
        o.rel_precision = 0.0; /* fixed budget: pure throughput */
        o.max_eval = 1u << 17;
        o.n_eval_start = o.n_eval_max = 1u << 14;
        const double t0 = dy_bench_now();
        dy_integrate(e, p, npts, &o, NULL, r, NULL, &err);
        const double dt = dy_bench_now() - t0;
        unsigned long long n = 0;
        for (size_t i = 0; i < npts; ++i)
            n += r[i].n_eval;
        printf("| %s | %s | %zu x genz-product-peak d=6 | %llu | %.3f | %.3g |\n",
               dy_backend_name(b), dy_engine_device(e), npts, n, dt, n / dt);
        dy_engine_close(e);
    }
    printf("\n| integrator | value | rel. error | evaluations | wall s |\n|---|---|---|---|---|\n");
    const double exact = dy_genz_exact(&p[0]);
    for (int b = 0; b < dy_backend_count(); ++b) {
        dy_engine *e;
        if (dy_backend_probe(b, &err) != DY_OK || dy_engine_open(dy_backend_name(b), &e, &err))
            continue;
        dy_vegas_options o;
        dy_vegas_options_default(&o);
        o.rel_precision = 1e-3;
        const double t0 = dy_bench_now();
        dy_integrate(e, p, 1, &o, NULL, r, NULL, &err);
        printf("| darkyield %s | %.6g (exact %.6g) | %.2g | %llu | %.3f |\n", dy_backend_name(b),
               r[0].value, exact, r[0].error / r[0].value, (unsigned long long)r[0].n_eval,
               dy_bench_now() - t0);
        dy_engine_close(e);
    }
    for (int k = 0; k < 2; ++k) { /* GSL VEGAS, one thread, to the same 1e-3 */
        const size_t calls = k ? 1u << 16 : 1u << 14;
        dy_gsl_protocol gp;
        dy_gsl_run run;
        dy_gsl_protocol_default(&gp, calls, 1e-3);
        if (dy_gsl_vegas(gsl_f, &p[0], 6, &gp, &run)) return 1;
        printf("| gsl_monte_vegas (1 thread, %zu calls/iteration) | %.6g | %.2g | %llu (counted; "
               "%llu in the warm-up) | %.3f |\n",
               calls, run.value, run.error / run.value, (unsigned long long)run.n_eval,
               (unsigned long long)run.n_eval_warmup, run.wall_s);
    }
    free(p);
    free(r);
    return 0;
}
