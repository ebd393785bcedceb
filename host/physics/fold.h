/* fold.h — fold cross sections with track-length spectra: N = n * integral dE T(E) g(E), where g is
 * known at energy nodes E_0 < ... < E_{K-1} (MC results of the engine), interpolated between
 * nodes by piecewise cubic Lagrange polynomials in z(E) (dy_fold_z) on the four nearest nodes and
 * zero below E_0 (the nodes start at threshold).  A fold rule is a list of quadrature points
 * (E_i, a_i = T(E_i) dE_i), each with its interpolation coefficients on the nodes, so every folded
 * quantity is a linear map of node values and MC variances propagate exactly.  Each point also
 * carries the coefficients of coarser and shifted interpolations whose differences estimate the
 * interpolation (folding) error (dy_fold_error; docs/yields.md, "Folding error"). */
#ifndef DY_FOLD_H
#define DY_FOLD_H
#include "darkyield/dy_status.h"
#include "physics/tracklength.h"

#define DY_FOLD_NS 4 /* interpolation stencil: cubic Lagrange in z */

/* g(E_i) = sum_s c[s] g[k[s]] (k: indices into the full node list) */
typedef struct dy_fold_interp {
    int k[DY_FOLD_NS];
    double c[DY_FOLD_NS];
} dy_fold_interp;

/* Interpolations of a rule: FULL the value (centred cubic stencils on all K nodes); EVEN and ODD
 * the embedded rules on nodes 0, 2, 4, ..., K-1 and 0, 1, 3, 5, ..., K-1; DOWN and UP the FULL
 * stencils shifted by one node while they still span the point's interval (never extrapolating,
 * which would amplify the nodes' noise), and on the end intervals, where they cannot shift, the
 * quadratic on the three nearest nodes with its difference to the cubic scaled by 2.7. */
enum { DY_FOLD_FULL, DY_FOLD_EVEN, DY_FOLD_ODD, DY_FOLD_DOWN, DY_FOLD_UP, DY_FOLD_NR };

typedef struct dy_fold_rule {
    int n;     /* points */
    double *E; /* energy of point i, GeV */
    double *a; /* track length carried by point i, cm per incident particle */
    double *s; /* ln(E0/E_i), exact near E0 (from lambda); 0: the path beyond lambda = 64 or at
                  E0 itself; NaN without a beam energy (depth profiles, physics/geometry.h) */
    dy_fold_interp *ip[DY_FOLD_NR]; /* [rule][point] */
} dy_fold_rule;

/* Folding (interpolation) error of a quantity folded with every rule, y[DY_FOLD_NR]:
 * max(|y_FULL - y_EVEN|, |y_FULL - y_ODD|) / 3 (a fold on every other node differs from the full
 * one by >= (2^2 - 1) times the full one's error for an interpolation of order >= 2) and
 * max(|y_FULL - y_DOWN|, |y_FULL - y_UP|) / 2.7 (a cubic stencil shifted by one node differs by
 * ~2.7 times the error: the integrals over an interval of the node polynomials, 1.0 / 0.367; on
 * the end intervals this is |quadratic - cubic|).  The first catches errors that the shifted
 * stencils share (all K nodes too coarse), the second those the coarse rules share (sigma
 * saturating towards E0).  Measured against fine folds: >= 0.6 and on average 3-10 times the
 * actual error for K >= 9; MC noise adds ~0.3 of the MC error (docs/yields.md, "Folding error"). */
double dy_fold_error(const double *y);
#define DY_FOLD_MIN_NODES 9 /* fewer nodes: the embedded rules say nothing (plan-time error) */

/* Build the rule for nodes E[0..K) (K >= 2, increasing).  The interval [E_0, E_{K-1}] is cut at
 * every node and at the nb break points brk[] inside it (output bin edges, the energy cut: where
 * a folded quantity has a step), and each piece gets 32-point Gauss-Legendre in ln E.  When the
 * last node is the beam energy, the last interval is integrated in lambda = -ln(1 - E/E0) on
 * octave segments up to lambda = 64 plus the remaining path as one point at E0 (the primary's
 * path piles up at E -> E0: an integrable end-point singularity in E, smooth in lambda). */
dy_status dy_fold_rule_build(const dy_tracklength *T, int K, const double *E, int nb,
                             const double *brk, dy_fold_rule *r, dy_error *err);
void dy_fold_rule_free(dy_fold_rule *r);

/* Weights w[0..K) with integral_{L}^{E_{K-1}} dE T g = sum_k w_k g_k over the points with E >= L
 * (L = 0: all), for interpolation v (DY_FOLD_FULL, _EVEN, _ODD, _DOWN, _UP). */
void dy_fold_rule_weights(const dy_fold_rule *r, int K, int v, double L, double *w);

/* Build a rule (with L as a break point) and take its weights: w[v * K + k] for the NR rules
 * (w holds DY_FOLD_NR * K values). */
dy_status dy_fold_weights(const dy_tracklength *T, int K, const double *E, double L, double *w,
                          dy_error *err);

#define DY_FOLD_C 2.0 /* where z turns from threshold (sqrt) to log behaviour, in xi */
/* Interpolation variable z = sqrt(xi (xi + 2c)), xi = ln(E/E_first): ~ sqrt(2c xi) at threshold,
 * where sigma ~ xi^p (p ~ 1.5 Primakoff, ~2 brem) becomes a polynomial in z, and ~ xi + c (log
 * spacing) far above it. */
double dy_fold_z(double E, double E_first);

/* The run's nodes: uniform in z from lo (threshold) to hi (beam energy). */
void dy_fold_nodes(double lo, double hi, int K, double *E);

/* Log-spaced nodes: E_k = lo (hi/lo)^(k/(K-1)). */
void dy_fold_nodes_log(double lo, double hi, int K, double *E);
#endif
