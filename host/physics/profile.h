/* profile.h — upper limits on a signal strength mu from several counting bins (run periods or
 * energy bins) with nuisance parameters, by the profile-likelihood CLs of Cowan, Cranmer, Gross,
 * Vitells (CCGV, arXiv:1007.1727, test statistic q~_mu of their eq. 16), asymptotically or with
 * toys, and by the Cousins–Highland hybrid (NIM A320 (1992) 331).  docs/limits.md §1.2–1.4.
 *
 * Model (the HistFactory likelihood of pyhf, so that an exported workspace gives the same fit):
 *   lambda_d = mu s_d (1+se_d)^th_e,d (1+sp_d)^th_p,d (1+sy_d)^th_y (1+ss_d)^th_s
 *              + b_d (1+sb_d)^th_b,d (1+sbs_d)^th_bs
 *   L = prod_d Pois(n_d | lambda_d) * prod_j N(g_j | th_j, 1)
 * Log-normal factors (pyhf normsys, interpcode 1, hi = 1+sigma, lo = 1/(1+sigma)); th_y (the
 * yield's own error), th_s (a signal uncertainty common to the data sets: an EOT calibration or
 * efficiency shared by run periods) and th_bs (a common background uncertainty) are one
 * nuisance each, shared by all bins with each bin's own sigma; the others belong to one bin. */
#ifndef DY_PROFILE_H
#define DY_PROFILE_H
#include <stdint.h>
#include "darkyield/dy_status.h"

#define DY_PL_MAX_BINS 64

typedef struct dy_pl_bin {
    double s;   /* expected signal at mu = 1 (events) */
    double b;   /* expected background (events) */
    int n;      /* observed events */
    double sb;  /* relative 1 sigma of the background (0: known) */
    double se;  /* relative 1 sigma of the signal efficiency */
    double sp;  /* relative 1 sigma of the particles on target (EOT/MOT) */
    double sy;  /* relative 1 sigma of the yield (MC and quadrature): shared nuisance */
    double ss;  /* relative 1 sigma of the signal common to all bins (shared nuisance th_s) */
    double sbs; /* relative 1 sigma of the background common to all bins (shared th_bs) */
} dy_pl_bin;

typedef struct dy_pl_model {
    int n_bins;
    dy_pl_bin bin[DY_PL_MAX_BINS];
} dy_pl_model;

typedef enum dy_pl_method {
    DY_PL_ASYMPTOTIC = 0, /* CCGV asymptotic formulae (eqs. 65-66 via pyhf's convention) */
    DY_PL_TOYS = 1,       /* q~_mu distributions from pseudo-experiments */
    DY_PL_HYBRID = 2      /* Cousins–Highland: Poisson CLs of the summed counts, averaged over
                             truncated-Gaussian priors of the signal scale and the background */
} dy_pl_method;

typedef struct dy_pl_options {
    dy_pl_method method;
    double cl;     /* confidence level, e.g. 0.9 */
    int n_toys;    /* toys per hypothesis and mu (DY_PL_TOYS), 100 .. 1e6 */
    uint64_t seed; /* toys: the same toys at every mu (one Philox uniform per toy variate) */
} dy_pl_options;

/* The limit on mu: observed and expected (median, -1/+1, -2/+2 sigma; "-" = the lower limit),
 * and for toys the statistical uncertainty of the observed limit from the finite number of
 * toys (binomial CLs error through the slope of ln CLs; 0 otherwise). */
typedef struct dy_pl_limit {
    double obs, median, m1, p1, m2, p2;
    double obs_toy_err;
} dy_pl_limit;

/* Validate the model: 1 .. DY_PL_MAX_BINS bins, s, b >= 0 finite, n in 0 .. 1e5, relative
 * sigmas in [0, 10), some signal.  Messages name the bin (1-based). */
dy_status dy_pl_check(const dy_pl_model *m, dy_error *err);

/* Upper limits on mu at opt->cl. */
dy_status dy_pl_upper(const dy_pl_model *m, const dy_pl_options *opt, dy_pl_limit *out,
                      dy_error *err);

/* CLs at signal strength mu: observed and, in ex[0..4], the expected at N = +2, +1, 0, -1, -2
 * (pyhf's order: N = +2 gives the lowest limit).  For tests and the pyhf comparison. */
dy_status dy_pl_cls(const dy_pl_model *m, const dy_pl_options *opt, double mu, double *cls,
                    double ex[5], dy_error *err);

/* Profile fit: -ln L minimised over the nuisances at fixed mu (mu_fixed = 1) or over mu >= 0 and
 * the nuisances; returns -ln L (up to a constant) and the fitted mu in *mu_hat. */
double dy_pl_fit_nll(const dy_pl_model *m, double mu, int mu_fixed, double *mu_hat);

/* The Cousins–Highland combined relative signal sigma and absolute background sigma of the
 * summed counts (efficiency and EOT sigmas independent per bin; the yield and the shared
 * signal and background sigmas fully correlated, summed linearly). */
void dy_pl_hybrid_sigmas(const dy_pl_model *m, double *sig_rel, double *bkg_abs);
#endif
