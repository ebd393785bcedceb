/* dy_dark_widths.h — two-body decay widths of a dark photon A' (to leptons and to dark matter) and
 * of an ALP (to two photons), plus A' branching ratios.  Shared by the annihilation process (whose
 * Breit-Wigner needs the width at the running mass sqrt(s)) and the decay-probability helpers.
 * Units: GeV.  Derivations and conventions: docs/physics-annihilation-primakoff.md §1. */
#ifndef DY_DARK_WIDTHS_H
#define DY_DARK_WIDTHS_H
#include "../dy_portable.h"
#include "dy_constants.h"

/* Dark-matter species coupled to the A' (ipar of the annihilation process uses the same numbers).
 *   DIRAC     : L = g_D A'_mu chibar gamma^mu chi                 (vector current)
 *   SCALAR    : L = i g_D A'^mu (chi^* d_mu chi - chi d_mu chi^*)  (complex scalar)
 *   MAJORANA  : L = (g_D/2) A'_mu chibar gamma^mu gamma^5 chi     (only the axial current survives)
 *   INELASTIC : L = g_D A'_mu psibar gamma^mu psi, psi = (chi1 + i chi2)/sqrt 2: the off-diagonal
 *               vector vertex between the Majorana chi1, chi2 (pseudo-Dirac, m2 = m1 (1 + delta))
 * with alpha_D = g_D^2/(4 pi). */
enum dy_dm_kind { DY_DM_DIRAC = 0, DY_DM_SCALAR = 1, DY_DM_MAJORANA = 2, DY_DM_INELASTIC = 3 };

/* Kallen-type helper: CM momentum of a two-body state (m1, m2) at invariant mass M, 0 below
 * threshold.  Product form sqrt((M^2-(m1+m2)^2)(M^2-(m1-m2)^2))/(2M): no cancellation near
 * threshold. */
DY_DEVICE double dy_two_body_q(double M, double m1, double m2)
{
    const double sp = (M - m1 - m2) * (M + m1 + m2);
    const double sm = (M - m1 + m2) * (M + m1 - m2);
    if (M <= 0.0 || sp <= 0.0) return 0.0;
    return DY_SQRT(sp * sm) / (2.0 * M);
}

/* Gamma(A' -> l+ l-) = (alpha eps^2 M/3)(1 + 2 ml^2/M^2) sqrt(1 - 4 ml^2/M^2)
 * [standard vector -> f fbar; DMG4 DarkPhotonsAnnihilation::Width drops the m_l terms]. */
DY_DEVICE double dy_width_ap_ll(double M, double eps, double ml)
{
    const double r2 = ml * ml / (M * M);
    if (r2 >= 0.25) return 0.0;
    return DY_ALPHA_EM * eps * eps * M / 3.0 * (1.0 + 2.0 * r2) * DY_SQRT(1.0 - 4.0 * r2);
}

/* Gamma(A' -> DM) at A' mass M (also used off shell at M = sqrt(s)).
 * m1 = DM mass (lighter state for INELASTIC), delta = (m2 - m1)/m1 (INELASTIC only).
 *   Dirac     : (alpha_D M/3)(1 + 2r^2) sqrt(1 - 4r^2)                [reference §2.2, standard]
 *   scalar    : (alpha_D M/12)(1 - 4r^2)^{3/2}                        [reference §2.2, standard]
 *   Majorana  : (alpha_D M/6)(1 - 4r^2)^{3/2}  = 1/2 x Dirac axial (g_D^2 M beta^3/(12 pi)), the
 * 1/2 for identical particles; derived in docs §1 (convention L = (g_D/2) chibar g g5 chi A')
 *   inelastic : 2 alpha_D q/(3 M^2) [3 m1 m2 + M^2 - m1^2/2 - m2^2/2 - (m1^2-m2^2)^2/(2M^2)]
 *               [DMG4 DarkPhotonsAnnihilation::Width, iBranchingType 2; re-derived in docs §1.
 *               DMG4's stored copy computes the CM energy with 2 sqrt(M) instead of 2M (reference
 *               §2.2 pitfall); here q comes from dy_two_body_q and E1 = (M^2+m1^2-m2^2)/(2M).] */
DY_DEVICE double dy_width_ap_dm(double M, double alpha_d, double m1, double delta, int kind)
{
    if (kind == DY_DM_INELASTIC) {
        const double m2 = m1 * (1.0 + delta);
        const double q = dy_two_body_q(M, m1, m2);
        const double M2 = M * M, d12 = m1 * m1 - m2 * m2;
        if (q <= 0.0) return 0.0;
        return 2.0 * alpha_d * q / (3.0 * M2) *
               (3.0 * m1 * m2 + M2 - 0.5 * m1 * m1 - 0.5 * m2 * m2 - d12 * d12 / (2.0 * M2));
    } else {
        const double r2 = m1 * m1 / (M * M);
        double b;
        if (r2 >= 0.25) return 0.0;
        b = DY_SQRT(1.0 - 4.0 * r2);
        if (kind == DY_DM_DIRAC) return alpha_d * M / 3.0 * (1.0 + 2.0 * r2) * b;
        if (kind == DY_DM_SCALAR) return alpha_d * M / 12.0 * b * b * b;
        if (kind == DY_DM_MAJORANA) return alpha_d * M / 6.0 * b * b * b;
        return 0.0;
    }
}

/* Partial and total widths of the A' at mass M: e+e-, mu+mu-, DM.  Hadronic widths are not here
 * (device code has no R table): the host adds Gamma(A' -> hadrons) = alpha eps^2 M R(M)/3 from
 * host/physics/rratio.h (the annihilation config's gamma_had, the limits, the relic targets). */
typedef struct dy_ap_widths {
    double ee, mumu, dm, total;
} dy_ap_widths;

DY_DEVICE dy_ap_widths dy_ap_widths_at(double M, double eps, double alpha_d, double m1,
                                       double delta, int kind)
{
    dy_ap_widths w;
    w.ee = dy_width_ap_ll(M, eps, DY_M_E);
    w.mumu = dy_width_ap_ll(M, eps, DY_M_MU);
    w.dm = (alpha_d > 0.0) ? dy_width_ap_dm(M, alpha_d, m1, delta, kind) : 0.0;
    w.total = w.ee + w.mumu + w.dm;
    return w;
}

/* Branching ratios B_ee, B_mumu, B_DM (same struct; total = 1 unless all widths vanish). */
DY_DEVICE dy_ap_widths dy_ap_branchings(double M, double eps, double alpha_d, double m1,
                                        double delta, int kind)
{
    dy_ap_widths w = dy_ap_widths_at(M, eps, alpha_d, m1, delta, kind);
    const double t = w.total;
    if (t > 0.0) {
        w.ee /= t;
        w.mumu /= t;
        w.dm /= t;
        w.total = 1.0;
    }
    return w;
}

/* ALP: Gamma(a -> gamma gamma) = g^2 m^3/(64 pi), L = -(g/4) a F Ftilde, g in GeV^-1
 * [reference §4.3; DMG4 ALP::Width]. The scalar with L = -(g/4) s F F has the same width. */
DY_DEVICE double dy_width_alp_gg(double m, double g)
{
    return g * g * m * m * m / (64.0 * DY_PI);
}

#endif
