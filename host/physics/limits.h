/* limits.h — upper limits on a Poisson signal (classical Neyman, CLs / Bayesian-flat-prior, and
 * Feldman–Cousins), expected limits with ±1σ/±2σ bands from the background-only distribution,
 * and the conversion of an event limit into coupling limits from a yield spectrum (analytic for
 * invisible decays; an excluded band [lower, upper] in log-space for decays in a volume). */
#ifndef DY_LIMITS_H
#define DY_LIMITS_H
#include "darkyield/dy_status.h"

typedef enum dy_limit_method {
    DY_LIMIT_POISSON =
        0, /* CLs = P(n<=n0|s+b)/P(n<=n0|b) = 1-CL (Read 2002; = Bayes, flat prior) */
    DY_LIMIT_CLASSICAL = 1, /* Neyman: P(n<=n0|s+b) = 1-CL, s clamped at 0 (PDG Statistics) */
    DY_LIMIT_FC = 2         /* Feldman & Cousins, PRD 57 (1998) 3873, as in their tables */
} dy_limit_method;

/* Upper limit s_up on the mean signal for n observed events and expected background b >= 0 at
 * confidence level cl in (0, 1).  DY_ERR_INVALID for bad arguments. */
dy_status dy_limit_upper(int n, double b, double cl, dy_limit_method m, double *s_up,
                         dy_error *err);

/* The Feldman–Cousins confidence interval [lo, hi] for n observed on background b: the plain
 * likelihood-ratio construction (no adjustment). */
dy_status dy_limit_fc_interval(int n, double b, double cl, double *lo, double *hi, dy_error *err);

/* The FC upper limit as in FC's tables: the plain mu2 made non-increasing in b (the sup over
 * b' >= b); e.g. 1.08 for n = 0, b = 3 where the plain construction gives 0.95. */
dy_status dy_limit_fc_upper(int n, double b, double cl, double *s_up, dy_error *err);

/* Expected upper limit: the limit for n ~ Poisson(b) at the quantiles 50% (median), 15.87/84.13%
 * (m1/p1, "-1σ/+1σ") and 2.275/97.725% (m2/p2).  n_q = smallest n with P(N <= n | b) >= q. */
typedef struct dy_limit_expected {
    double median, m1, p1, m2, p2;
    int n_median, n_m1, n_p1, n_m2, n_p2;
} dy_limit_expected;
dy_status dy_limit_expected_upper(double b, double cl, dy_limit_method m, dy_limit_expected *out,
                                  dy_error *err);

/* ------------------------------------------------------------ from events to couplings */

typedef enum dy_decay_kind {
    DY_DECAY_NONE = 0,   /* invisible: every produced particle counts (times w) */
    DY_DECAY_AP_EE = 1,  /* A' -> e+e-: Gamma_ee + Gamma_mumu from eps, times BR(ee) */
    DY_DECAY_ALP_GG = 2, /* a -> gamma gamma: Gamma = g^2 m^3/(64 pi) */
    DY_DECAY_IDM = 3     /* A' -> chi1 chi2 (BR), chi2 -> chi1 e+e- in the volume (physics/idm.h) */
} dy_decay_kind;

typedef enum dy_decay_region {
    DY_REGION_BETWEEN = 0, /* decay in [z1, z2] from the production point */
    DY_REGION_BEYOND = 1   /* no decay before z1 (decays downstream or escapes) */
} dy_decay_region;

#define DY_SIGNAL_MAX_BINS  8192 /* entries: energy bins, or (depth point x energy bin) */
#define DY_SIGNAL_MAX_EBINS 512  /* energy bins of a yield file the limit takes */

/* The signal at one mass: produced particles per particle on target at coupling c0, times the
 * signal efficiency, in energy bins [e_lo, e_hi] (already cut), N_sig(g) = n_pot (g/c0)^2
 * sum_i w_i <P_decay(g, E)>_i (a 4-point Gauss–Legendre average over each bin). */
typedef struct dy_signal_spec {
    double mass_GeV, c0, n_pot;
    int n_bins;
    double e_lo[DY_SIGNAL_MAX_BINS], e_hi[DY_SIGNAL_MAX_BINS], w[DY_SIGNAL_MAX_BINS];
    /* production depth of entry i behind the target's front face, cm (0: the front): the decay
     * volume [z1, z2] (from the front) is then [z1 - depth, z2 - depth] from the production
     * point, clipped at 0 (docs/geometry.md) */
    double depth_cm[DY_SIGNAL_MAX_BINS];
    dy_decay_kind decay;
    dy_decay_region region;
    double z1_cm, z2_cm;
    /* DY_DECAY_IDM (dy_signal_set_idm): chi1, chi2 masses (GeV); Gamma(chi2 -> chi1 e+e-) at
     * coupling 1; Gamma(A' -> chi1 chi2); the A' visible width at coupling 1.  The decaying
     * particle is chi2 with E2 uniform over the box of each A' energy; BR(A' -> chi1 chi2) =
     * gamma_dm/(gamma_dm + g^2 gamma_vis) at the coupling g of the scan. */
    double idm_m1, idm_m2, idm_gamma_chi2, idm_gamma_dm, idm_gamma_vis;
} dy_signal_spec;

/* ln N_sig at coupling g = exp(log_g); -inf when no signal; NaN when a weight is negative or
 * not finite (bad yields must not read as "no signal"). */
double dy_signal_log_events(const dy_signal_spec *s, double log_g);

/* Invisible mode: N_sig = n_pot (g/c0)^2 Y (Y = sum of w) so g_lim = c0 sqrt(s_up/(n_pot Y));
 * +inf when Y <= 0. */
double dy_limit_coupling_invisible(double s_up, double n_pot, double yield, double c0);

/* Decay mode: the band of couplings with N_sig(g) >= s_up, scanned on [g_min, g_max] with
 * per_decade points in log g and refined by bisection in log g.  The edges are NaN when no
 * coupling in the range is excluded; *flags bit 1 / bit 2 set when the band reaches g_min / g_max
 * (the value is then the scan edge). */
#define DY_BAND_OPEN_LOW  1
#define DY_BAND_OPEN_HIGH 2
dy_status dy_limit_coupling_band(const dy_signal_spec *s, double s_up, double g_min, double g_max,
                                 int per_decade, double *lower, double *upper, int *flags,
                                 dy_error *err);

/* Width at coupling 1 in GeV (A' -> ee + mumu, or a -> gamma gamma) and BR of the signal final
 * state (BR(ee) for the A', 1 for the ALP); both Gamma scale as coupling^2. */
void dy_signal_width_unit(dy_decay_kind d, double m, double *gamma1, double *br);

#endif
