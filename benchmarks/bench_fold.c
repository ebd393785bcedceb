/* bench_fold.c — issue 5: fold brem with the shower track length two ways, for the NA64 ECAL,
 * 100 GeV e-, m = 0.1 GeV, yield of A' with E > 50 GeV (brem from shower e-):
 *  (a) darkyield's method: sigma and x-histograms at K log-spaced energy nodes (one batched engine
 *      call), folded by quadrature (host/physics/fold.c);
 *  (b) energy as one more MC dimension: VEGAS (GSL, one thread) over (ln E, the brem variables)
 *      with T(E) evaluated in the integrand, to 0.2 % by the protocol of peers/gsl_peer.h.
 * Both to 1 % statistical precision; run with OMP_NUM_THREADS=1 for a like-for-like comparison. */
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "peers/gsl_peer.h"
#include "physics/fold.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

#define M_X 0.1
#define CUT 50.0
#define E0  100.0

typedef struct ctx {
    dy_tracklength *T;
    double n, lo;
    int lambda; /* 1: sample E through lambda = -ln(1 - E/E0) in [lambda(CUT), 64] */
} ctx;

static double f5(double *u, size_t dim, void *vp)
{
    ctx *c = vp;
    double obs[DY_MAX_OBS];
    (void)dim;
    double E, jac;
    if (c->lambda) {
        const double l0 = -log1p(-CUT / E0), lam = l0 + (64.0 - l0) * u[0];
        E = -E0 * expm1(-lam);
        jac = (64.0 - l0) * dy_tracklength_eval_lambda(c->T, lam); /* = T dE/du */
    } else {
        E = c->lo * pow(E0 / c->lo, u[0]);
        jac = E * log(E0 / c->lo) * dy_tracklength_eval(c->T, E);
    }
    if (E <= CUT) return 0.0;
    dy_params p;
    memset(&p, 0, sizeof p);
    dy_proc_brem_setup(&p, 0, 0, 82, 207.2, E, M_X, 1.0, 1);
    const double s = dy_proc_brem_eval(&p, u + 1, obs, DY_MAX_OBS);
    if (obs[0] * E <= CUT) return 0.0;
    return c->n * jac * s * DY_PB_TO_CM2;
}

static double lam_f(double l, void *vp)
{
    return dy_tracklength_eval_lambda(vp, l);
}

int main(void)
{
    double sig_above_E0 = 0.0; /* sigma(E_X > CUT) at E0, pb, from the last node */
    dy_material mat;
    dy_tracklength T;
    dy_error err;
    dy_material_lookup("na64_ecal", &mat, &err);
    dy_shower_opts so;
    dy_shower_opts_default(&so);
    so.approx_b = 1;
    dy_tracklength_init_shower(&T, &mat, E0, 40 * mat.X0_cm, DY_PARTICLE_ELECTRON,
                               DY_PARTICLE_ELECTRON, &so, &err);
    const double n = DY_N_AVOGADRO * mat.density * mat.w[0] / mat.A[0]; /* Pb atoms only */
    printf("| method | N(E_X > 50 GeV) per e- (eps = 1, Pb atoms) | rel. error | evaluations | "
           "wall s |\n"
           "|---|---|---|---|---|\n");
    for (int K = 9; K <= 33; K += 8) { /* (a) nodes: only E > CUT matters for this yield */
        dy_engine *e;
        dy_engine_open("cpu", &e, &err);
        double E[64], w[64];
        dy_params p[64];
        dy_result r[64];
        dy_histspec hs[64 * DY_MAX_OBS];
        dy_hist h[64 * DY_MAX_OBS];
        memset(hs, 0, sizeof hs);
        dy_fold_nodes_log(CUT, E0, K, E);
        for (int k = 0; k < K; ++k) {
            memset(&p[k], 0, sizeof p[k]);
            dy_proc_brem_setup(&p[k], 0, 0, 82, 207.2, E[k], M_X, 1.0, 1);
            p[k].process = DY_PROC_brem;
            p[k].id = (dy_u64)k;
            hs[k * DY_MAX_OBS].lo = 0.0;
            hs[k * DY_MAX_OBS].hi = 1.0;
            hs[k * DY_MAX_OBS].nbins = 200;
        }
        dy_vegas_options o;
        dy_vegas_options_default(&o);
        o.rel_precision = 0.01;
        const double t0 = dy_bench_now();
        dy_integrate(e, p, (size_t)K, &o, hs, r, h, &err);
        dy_fold_rule rule;
        dy_fold_rule_build(&T, K, E, 0, NULL, &rule, &err);
        double y = 0.0, yv = 0.0;
        unsigned long long ne = 0;
        memset(w, 0, sizeof w);
        for (int q = 0; q < rule.n; ++q)
            for (int s = 0; s < DY_FOLD_NS; ++s) {
                const int k = rule.ip[DY_FOLD_FULL][q].k[s];
                const double f = rule.a[q] * rule.ip[DY_FOLD_FULL][q].c[s];
                if (f == 0.0) continue;
                for (int j = 0; j < 200; ++j) { /* x bins above CUT/E, uniform within a bin */
                    const double x1 = j / 200.0, x2 = x1 + 1 / 200.0, xc = CUT / rule.E[q];
                    if (x2 <= xc) continue;
                    const double fr = (x2 - fmax(x1, xc)) * 200.0;
                    y += f * fr * h[k * DY_MAX_OBS].content[j];
                    yv += pow(f * fr * h[k * DY_MAX_OBS].error[j], 2);
                }
            }
        for (int k = 0; k < K; ++k)
            ne += r[k].n_eval;
        sig_above_E0 = 0.0;
        for (int j = 100; j < 200; ++j)
            sig_above_E0 += h[(K - 1) * DY_MAX_OBS].content[j];
        y *= n * DY_PB_TO_CM2;
        yv = sqrt(yv) * n * DY_PB_TO_CM2;
        printf("| nodes, K = %d (engine cpu + quadrature) | %.5g | %.2g | %llu | %.2f |\n", K, y,
               yv / y, ne, dy_bench_now() - t0);
        dy_fold_rule_free(&rule);
        dy_engine_close(e);
    }
    dy_params pb; /* (b) energy + the brem variables: the dimension comes from the process */
    dy_proc_brem_setup(&pb, 0, 0, 82, 207.2, E0, M_X, 1.0, 1);
    for (int lam = 0; lam < 2; ++lam) {
        ctx c = {&T, n, CUT, lam};
        dy_gsl_protocol gp; /* benchmarks/peers/gsl_peer.h: evaluations counted, not assumed */
        dy_gsl_run run;
        dy_gsl_protocol_default(&gp, 200000, 2e-3);
        gp.max_eval = 50000000ULL;
        if (dy_gsl_vegas(f5, &c, 1 + pb.dim, &gp, &run)) return 1;
        const double res = run.value;
        printf("| energy as a MC dimension, %s (GSL VEGAS, 1 thread, %u-D) | %.5g | %.2g | %llu | "
               "%.2f |\n",
               lam ? "in lambda = -ln(1-E/E0) up to 64" : "in ln E", 1 + pb.dim, res,
               run.error / res, (unsigned long long)run.n_eval, run.wall_s);
        if (lam) { /* the path beyond lambda = 64 sits at E0 (1 - 1e-28): add n L_tail sigma(E0) */
            gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
            gsl_function G = {lam_f, &T};
            double tail, te;
            gsl_integration_qagiu(&G, 64.0, 1e-300, 1e-8, 200, ws, &tail, &te);
            gsl_integration_workspace_free(ws);
            printf("| ... plus the path beyond lambda = 64 (%.3g cm) at sigma(E0) | %.5g | | | |\n",
                   tail, res + n * tail * sig_above_E0 * DY_PB_TO_CM2);
        }
    }
    dy_tracklength_free(&T);
    return 0;
}
