/* rratio.h — hadronic widths of a visible dark photon from the measured R ratio:
 * Gamma(A' -> hadrons) = Gamma_point(A' -> mu mu) R(M), Gamma_point = alpha eps^2 M/3
 * (Buschmann, Kopp, Liu, Machado, JHEP 07 (2015) 045, arXiv:1505.07459; Ilten, Soreq, Williams,
 * Xue, JHEP 06 (2018) 004, arXiv:1801.04847).
 * R: the tabulated data of rratio_data.c up to 2.0045 GeV, above it the quark-parton model with
 * open charm and bottom.  Physics and checks: docs/physics-annihilation-primakoff.md §1.1. */
#ifndef DY_PHYSICS_RRATIO_H
#define DY_PHYSICS_RRATIO_H

extern const int dy_rratio_n;
extern const double dy_rratio_table[][2]; /* sqrt(s) GeV, R */

#define DY_RRATIO_SQRTS_MIN 0.2818382931 /* first row (2 m_pi+ = 0.2791 GeV): R = 0 below */
#define DY_RRATIO_SQRTS_MAX 40.0         /* above: the Z pole and the top are not modelled */

/* R(sqrt s): linear interpolation of the table (its peaks are rows), 0 below its first row;
 * above its last row 2.1801 (its u, d, s continuum) + the c and b quark-parton terms
 * 3 Q^2 K beta (3 - beta^2)/2, beta = sqrt(1 - 4 m^2/s), m = m_D0 (open charm), m_B (open bottom),
 * K = 2.1801/2 (the table's QCD factor).  Narrow charmonia and bottomonia are not included. */
double dy_rratio(double sqrt_s);

/* Gamma(A' -> hadrons) at mass M for kinetic mixing eps, GeV. */
double dy_width_ap_had(double M, double eps);

/* The visible A''s partial widths at mass M: e e, mu mu, hadrons (GeV) and BR(e e). */
typedef struct dy_ap_visible {
    double ee, mumu, had, total, br_ee, br_mumu, br_had;
} dy_ap_visible;
dy_ap_visible dy_ap_visible_widths(double M, double eps);
#endif
