/* gminus2.h — one-loop contribution of a vector boson Z' (L_mu - L_tau: g Z'_a mubar g^a mu) to the
 * muon anomalous magnetic moment, and the coupling band that explains a measured Delta a_mu.
 * Formula: Leveille, NPB 137 (1978) 63; Pospelov, PRD 80 (2009) 095002; docs/limits.md §5. */
#ifndef DY_GMINUS2_H
#define DY_GMINUS2_H
#include "darkyield/dy_status.h"

/* Delta a_mu = (g^2/4 pi^2) int_0^1 m^2 x^2 (1-x)/(m^2 x^2 + M^2 (1-x)) dx  (M = m_Z', m = m_mu).
 * Limits: g^2/(8 pi^2) for M << m; g^2 m^2/(12 pi^2 M^2) for M >> m. */
double dy_gm2_zprime(double g, double m_zp_GeV);

/* Couplings g with Delta a_mu(g) = delta_a + k sigma for k = 0, -1, +1, -2, +2 (NaN where
 * delta_a + k sigma <= 0). */
typedef struct dy_gm2_band {
    double central, lo1, hi1, lo2, hi2;
} dy_gm2_band;
dy_status dy_gm2_band_at(double m_zp_GeV, double delta_a, double sigma, dy_gm2_band *out,
                         dy_error *err);
#endif
