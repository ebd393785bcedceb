/* gsl_peer.h — gsl_monte_vegas (GSL, one thread) run to a relative precision by the usual
 * warm-up-then-iterate protocol, with the integrand's evaluations counted in the wrapper (never
 * from a formula: GSL rounds the calls of an iteration down to whole boxes, and one call runs
 * `iterations` iterations).  Protocol (benchmarks/RESULTS.md, "Peers"):
 *   1. warm-up: one call with stage 0 (flat grid) and `warmup` iterations of `calls` samples;
 *      it only adapts the grid and its estimate is discarded;
 *   2. main: stage 1 (keep the grid, new weighted average), then stage 3 (continue the same
 *      average), one iteration of `calls` samples per call, until error <= rel |value| or
 *      max_eval evaluations.  The value, error and chi^2/dof are GSL's cumulative ones. */
#ifndef DY_GSL_PEER_H
#define DY_GSL_PEER_H
#include <stddef.h>
#include <stdint.h>

typedef struct dy_gsl_protocol {
    size_t calls;      /* samples per iteration asked of GSL */
    unsigned warmup;   /* iterations of the warm-up call (>= 1) */
    double rel;        /* relative precision goal (> 0) */
    uint64_t max_eval; /* give up after this many evaluations (converged = 0) */
    unsigned long seed;
} dy_gsl_protocol;

typedef struct dy_gsl_run {
    double value, error, chi2_dof;
    uint64_t n_eval;        /* evaluations of the integrand, warm-up included (counted) */
    uint64_t n_eval_warmup; /* of which in the warm-up */
    unsigned n_iter;        /* combined iterations after the warm-up */
    int converged;          /* 1 when error <= rel |value| */
    double wall_s;          /* allocation, warm-up and iterations */
} dy_gsl_run;

/* Integrate f over the unit cube [0,1]^dim.  Returns 0, or -1 on bad arguments / GSL failure. */
int dy_gsl_vegas(double (*f)(double *x, size_t dim, void *ctx), void *ctx, size_t dim,
                 const dy_gsl_protocol *p, dy_gsl_run *out);

/* Default protocol: 5 warm-up iterations, 1e9 evaluations at most, seed 1. */
void dy_gsl_protocol_default(dy_gsl_protocol *p, size_t calls, double rel);

double dy_bench_now(void); /* monotonic clock, seconds */
#endif
