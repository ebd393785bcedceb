/* fold.h — fold cross sections with track-length spectra: N = n * integral dE T(E) g(E), where g is
 * known at energy nodes E_0 < ... < E_{K-1} (MC results of the engine) and taken linear in ln E
 * between nodes and zero below E_0 (the nodes start at threshold).  The integral is a weighted sum
 * of the node values, so MC variances propagate exactly: var N = n^2 sum w_k^2 var g_k. */
#ifndef DY_FOLD_H
#define DY_FOLD_H
#include "darkyield/dy_status.h"
#include "physics/tracklength.h"

/* Weights w[0..K) (cm per incident particle, per unit of g) with
 * integral_{max(L, E_0)}^{E_{K-1}} dE T(E) g(E) = sum_k w_k g_k.  Gauss-Legendre (GSL glfixed,
 * 32 points) in ln E on every node interval; T is evaluated exactly. */
dy_status dy_fold_weights(const dy_tracklength *T, int K, const double *E, double L, double *w,
                          dy_error *err);

/* Log-spaced nodes: E_k = lo (hi/lo)^(k/(K-1)). */
void dy_fold_nodes_log(double lo, double hi, int K, double *E);
#endif
