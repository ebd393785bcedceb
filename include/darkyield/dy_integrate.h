/* dy_integrate.h — batched VEGAS: many independent integrals (grid points) advanced together,
 * each with its own adaptive map (G. P. Lepage, J. Comput. Phys. 27, 192 (1978)) and stratified
 * sampling in the map's y-space; maps, iteration records and histograms stay on the device.
 * Each integral warms its map up until it stops improving, then sizes its iterations to reach its
 * error target; the iterations after the warm-up are combined with weights proportional to their
 * sample counts (not 1/sigma^2: docs/engine.md), with chi^2/dof and Q. */
#ifndef DY_INTEGRATE_H
#define DY_INTEGRATE_H
#include <stdint.h>
#include "dy_engine.h"
#include "dy_types.h" /* dy_params, dy_histspec (kernels/dy_types.h) */

#ifdef __cplusplus
extern "C" {
#endif

struct dy_result;

typedef struct dy_vegas_options {
    uint64_t seed;         /* Philox key: results depend on it and on each integral only */
    double rel_precision;  /* stop when error/|value| <= this (0: unused) */
    double abs_precision;  /* ... or when error <= this (0: unused; both 0: run to the budget) */
    uint64_t max_eval;     /* evaluation budget per integral */
    uint32_t n_eval_start; /* samples of the first iteration */
    uint32_t n_eval_max;   /* samples per iteration at most */
    uint32_t warmup_min;   /* warm-up iterations (map training, discarded) at least ... */
    uint32_t warmup_max;   /* ... and at most; in between, until the map stops improving */
    uint32_t min_iter;     /* combined iterations required before stopping (>= 2) */
    uint32_t max_iter;     /* combined iterations at most */
    double alpha;          /* grid damping exponent (Lepage's alpha; default 1.0) */
    double defensive;      /* uniform fraction mixed into maps of integrands with exact zeros */
    int stratify;          /* 1: stratified sampling (default); 0: importance sampling only */
    int progress;          /* 1: progress line on stderr (only when it is a terminal) */
    /* Optional: called after every combined iteration of every integral with that iteration's
     * estimate and the running combination (for vegas-style iteration tables). */
    void (*on_iteration)(void *ctx, size_t integral, uint32_t iteration, double value, double error,
                         const struct dy_result *running);
    void *ctx;
    /* Optional: n_func (<= DY_MAX_FUNC) linear functionals of each integral's histogram 0,
     * F_f = sum_b func_w[(i * DY_MAX_FUNC + f) * DY_MAX_HBINS + b] x (the integral in bin b),
     * estimated per stratum like the integral itself (dy_result.func_*): summing histogram bins
     * in quadrature ignores their covariance and can overstate such a sum's error several
     * times.  E.g. a yield above an energy cut.  Needs histogram 0. */
    uint32_t n_func;
    const double *func_w;
    /* Optional: after every iteration, set target[3i] (the integral) and target[3i + 1 + f]
     * (functional f), the absolute errors they should reach (0: use rel_/abs_precision for the
     * integral, no goal for a functional), from the running results of all n integrals of the
     * call and sd1[3i + ...], the per-sample standard deviations of their latest iteration.
     * Lets a caller spend an error budget on the quantities a user asked for.  Must depend only
     * on its arguments (and on integrals it groups together) to keep results reproducible. */
    void (*targets)(void *ctx, size_t n, const struct dy_result *running, const double *sd1,
                    double *target);
    void *targets_ctx;
    /* Optional, n * DY_MAP_STRIDE doubles: each integral's final VEGAS map (axis d's DY_NBINS + 1
     * edges at d * (DY_NBINS + 1)), e.g. to draw events from it (dy_engine_weights_on_maps). */
    double *maps_out;
    /* Optional: called after every iteration with the number of integrals finished and their
     * total, then once with (n, n): a progress display anywhere (progress: a terminal only). */
    void (*on_progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} dy_vegas_options;

/* Defaults: seed 1, 1e-3 relative, 1e8 evaluations, 1024 samples at the start and 2^22 per
 * iteration at most, 1..8 warm-up iterations, 2..200 combined iterations, stratified, defensive
 * mixture 0.1 where the support ends inside the domain. */
DY_API void dy_vegas_options_default(dy_vegas_options *o);

typedef struct dy_result {
    double value;         /* integral estimate (units of the integrand: pb for cross sections) */
    double error;         /* one-standard-deviation error */
    double chi2_dof;      /* consistency of the combined iterations */
    double q;             /* P(chi^2 >= observed) for dof = iterations - 1 */
    uint64_t n_eval;      /* evaluations including the warm-up */
    uint64_t n_nonfinite; /* non-finite weights seen (counted, never summed) */
    uint32_t n_iter;      /* combined iterations (0 while warming up) */
    int converged;        /* 1 when the precision goal was met (or an explicit zero) */
    double func_value[DY_MAX_FUNC]; /* the functionals (options.func_w) and their errors */
    double func_error[DY_MAX_FUNC];
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
DY_API dy_status dy_integrate(dy_engine *e, const dy_params *params, size_t n,
                              const dy_vegas_options *o, const dy_histspec *hspec, dy_result *res,
                              dy_hist *hist, dy_error *err);

/* Raw weights of one launch (the first n_samples samples of iteration `iteration` on a flat map,
 * unstratified): w has n * n_samples entries.  For backend-consistency checks. */
DY_API dy_status dy_engine_weights(dy_engine *e, const dy_params *params, size_t n, uint64_t seed,
                                   uint32_t iteration, uint32_t n_samples, double *w,
                                   dy_error *err);

/* The same on given maps (n * DY_MAP_STRIDE, as dy_vegas_options.maps_out returns them; NULL:
 * flat): the weights of draws from the adapted density, e.g. for unweighted events. */
DY_API dy_status dy_engine_weights_on_maps(dy_engine *e, const dy_params *params, size_t n,
                                           const double *maps, uint64_t seed, uint32_t iteration,
                                           uint32_t n_samples, double *w, dy_error *err);

/* The point x in (0,1)^dim of draw `sample` of iteration `iteration` on map `map` (NULL: flat) —
 * the same point whose weight dy_engine_weights_on_maps returned, reproduced on the host (the
 * random numbers depend only on seed, the integral's stream key, iteration and sample).  *jac
 * gets the map's Jacobian. */
DY_API void dy_engine_point(const dy_params *p, const double *map, uint64_t seed,
                            uint32_t iteration, uint32_t sample, double *x, double *jac);

/* The random-stream key of an integral: a hash of its process, dimension, parameters (less those
 * that only scale the integrand, dy_proc_scale_slot) and id. */
DY_API uint64_t dy_stream_key(const dy_params *p);

#ifdef __cplusplus
}
#endif
#endif
