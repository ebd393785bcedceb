/* fold.h — fold cross sections with track-length spectra: N = n * integral dE T(E) g(E), where g is
 * known at energy nodes E_0 < ... < E_{K-1} (MC results of the engine), linear in ln E between
 * nodes and zero below E_0 (the nodes start at threshold).  A fold rule is a list of quadrature
 * points (E_i, a_i = T(E_i) dE_i) with their node interval and interpolation factor, so every
 * folded quantity is a linear map of node values and MC variances propagate exactly. */
#ifndef DY_FOLD_H
#define DY_FOLD_H
#include "darkyield/dy_status.h"
#include "physics/tracklength.h"

typedef struct dy_fold_rule {
    int n;     /* points */
    double *E; /* energy of point i, GeV */
    double *a; /* track length carried by point i, cm per incident particle */
    int *k;    /* node interval [E_k, E_{k+1}] of point i */
    double *t; /* interpolation factor: g(E_i) = (1 - t) g_k + t g_{k+1} */
} dy_fold_rule;

/* Build the rule for nodes E[0..K): 32-point Gauss-Legendre in ln E on every interval; on the last
 * one, when it ends at the beam energy, Gauss-Legendre in lambda = -ln(1 - E/E0) on octave
 * segments up to lambda = 64 plus the remaining path as one point at E0 (the primary's path
 * piles up at E -> E0: an integrable end-point singularity in E, smooth in lambda). */
dy_status dy_fold_rule_build(const dy_tracklength *T, int K, const double *E, dy_fold_rule *r,
                             dy_error *err);
void dy_fold_rule_free(dy_fold_rule *r);

/* Weights w[0..K) with integral_{E_0}^{E_{K-1}} dE T g = sum_k w_k g_k. */
void dy_fold_rule_weights(const dy_fold_rule *r, int K, double *w);

/* Same as building the rule and taking its weights, with points below L dropped (L at a node, or
 * 0, keeps this exact). */
dy_status dy_fold_weights(const dy_tracklength *T, int K, const double *E, double L, double *w,
                          dy_error *err);

/* Log-spaced nodes: E_k = lo (hi/lo)^(k/(K-1)). */
void dy_fold_nodes_log(double lo, double hi, int K, double *E);
#endif
