/* dy_integrate.h — batched VEGAS: many independent integrals (grid points) advanced together,
 * each with its own adaptive map (G. P. Lepage, J. Comput. Phys. 27, 192 (1978)).  Iterations
 * after the warm-up are combined by inverse-variance weighting with chi^2/dof and Q. */
#ifndef DY_INTEGRATE_H
#define DY_INTEGRATE_H
#include <stdint.h>
#include "dy_engine.h"
#include "dy_types.h" /* dy_params, dy_histspec (kernels/dy_types.h) */

struct dy_result;

typedef struct dy_vegas_options {
    uint64_t seed;         /* Philox key: results depend on it and on dy_params.id only */
    double rel_precision;  /* stop when error/|value| <= this (0: run to the budget) */
    double abs_precision;  /* ... or when error <= this (0: unused) */
    uint64_t max_eval;     /* evaluation budget per integral */
    uint32_t n_eval_start; /* samples per iteration at the start (rounded up to 4096) */
    uint32_t n_eval_max;   /* cap on samples per iteration (grows x2 when far from the goal) */
    uint32_t warmup_iter;  /* iterations that only adapt the map and are discarded */
    uint32_t min_iter;     /* combined iterations required before stopping (>= 2) */
    uint32_t max_iter;     /* combined iterations at most */
    double alpha;          /* grid damping exponent (Lepage's alpha, 1.5) */
    double defensive;      /* uniform fraction mixed into the map (0.05; bounds weights) */
    int progress;          /* 1: progress line on stderr (only when it is a terminal) */
    /* Optional: called after every combined iteration of every integral with that iteration's
     * estimate and the running combination (for vegas-style iteration tables). */
    void (*on_iteration)(void *ctx, size_t integral, uint32_t iteration, double value, double error,
                         const struct dy_result *running);
    void *ctx;
} dy_vegas_options;

/* Defaults: seed 1, 1e-3 relative, 1e8 evaluations, 4096..2^20 per iteration, 5 warm-up. */
void dy_vegas_options_default(dy_vegas_options *o);

typedef struct dy_result {
    double value;         /* integral estimate (units of the integrand: pb for cross sections) */
    double error;         /* one-standard-deviation error */
    double chi2_dof;      /* consistency of the combined iterations */
    double q;             /* P(chi^2 >= observed) for dof = iterations - 1 */
    uint64_t n_eval;      /* evaluations including the warm-up */
    uint64_t n_nonfinite; /* non-finite weights seen (counted, never summed) */
    uint32_t n_iter;      /* combined iterations */
    int converged;        /* 1 when the precision goal was met */
} dy_result;

/* Histogram of one observable of one integral: content[b] is the integral restricted to bin b
 * (divide by the bin width for a density), error[b] its standard deviation. */
typedef struct dy_hist {
    dy_histspec spec;
    double content[DY_MAX_HBINS];
    double error[DY_MAX_HBINS];
} dy_hist;

/* Integrate n integrals.  hspec (n * DY_MAX_OBS entries, nbins 0 = unused) and hist (same size)
 * may be NULL.  res[i] is filled for every i. */
dy_status dy_integrate(dy_engine *e, const dy_params *params, size_t n, const dy_vegas_options *o,
                       const dy_histspec *hspec, dy_result *res, dy_hist *hist, dy_error *err);

/* Raw weights of one launch (the first n_samples samples of iteration `iteration` on a flat map):
 * w has n * n_samples entries.  For backend-consistency checks. */
dy_status dy_engine_weights(dy_engine *e, const dy_params *params, size_t n, uint64_t seed,
                            uint32_t iteration, uint32_t n_samples, double *w, dy_error *err);

#endif
