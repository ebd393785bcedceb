/* geometry.h — the geometry-aware parts of the yields (docs/geometry.md): how the produced boson's
 * angle to the producing particle is distributed at fixed energies, and at which depth of the
 * target the producing particles of a given energy travel.  Both are conditional distributions
 * (fractions that sum to 1), so spreading dN/dE over angle or depth bins with them reproduces
 * dN/dE exactly. */
#ifndef DY_GEOMETRY_H
#define DY_GEOMETRY_H
#include "darkyield/dy_status.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

#define DY_GEO_MAX_BINS 64 /* = DY_CFG_MAX_GEO_BINS */

/* Log-spaced angle edges e[0..n] from lo to hi (rad). */
void dy_geo_theta_edges(int n, double lo, double hi, double *e);

/* Brem l N -> l N X at lepton energy E (GeV), X mass m, energy fraction x, lepton mass ml:
 * fractions f[0..n) of the angle theta_X in the bins of edges e[0..n] (the first bin takes
 * theta < e[0], the last theta > e[n]).  The improved Weizsaecker-Williams angular distribution
 * at fixed x: dsigma/(dx dU) ~ A^2_{2->2}(x, U)/U^2 with U = x E^2 theta^2 + U_min,
 * U_min = m^2 (1-x)/x + ml^2 x and A^2 = c0 + c1 x (U_min - U)/U^2, the 2->2 amplitude of LM17
 * (Y.-S. Liu, G. A. Miller, PRD 96 (2017) 016004, arXiv:1705.01633) with chi fixed at its IWW
 * value and small angles, as in host/physics/brem_ww.c (docs/physics-brem.md §6); integrated in
 * U in closed form.  mediator: DY_BREM_V, _S, _P, _A. */
void dy_geo_theta_brem(int mediator, double ml, double m, double E, double x, int n,
                       const double *e, double *f);

/* The same with chi's dependence on the angle (the Weizsaecker-Williams form of BEST09,
 * arXiv:0906.0580, Eq. A12 as in host/physics/brem_ww.c: chi(t_min(U), t_max),
 * t_min = U^2/(4 E^2 (1-x)^2), t_max = m^2 + ml^2, elastic + inelastic form factors), on a table
 * of chi in ln t_min built per (Z, A, m) by dy_geo_chi_init; the angle bins integrated by
 * 8-point Gauss-Legendre in ln U.  Falls back to the closed form where chi vanishes. */
#define DY_GEO_NCHI 160
typedef struct dy_geo_chi {
    double lt0, dlt, tmax;
    double chi[DY_GEO_NCHI];
} dy_geo_chi;
dy_status dy_geo_chi_init(dy_geo_chi *c, double Z, double A, double tmax, dy_error *err);
void dy_geo_theta_brem_ww(const dy_geo_chi *c, int mediator, double ml, double m, double E,
                          double x, int n, const double *e, double *f);

/* Dark Compton gamma e- -> e- X on an electron at rest: the angle is fixed by 2 -> 2 kinematics,
 * cos theta = (E_X (w + m_e) - w m_e - m^2/2)/(w p_X) at photon energy w, E_X = x w; all of the
 * fraction goes to that angle's bin. */
void dy_geo_theta_compton(double m, double w, double x, int n, const double *e, double *f);

/* e+ e- -> gamma X on an electron at rest: the angle to the positron is fixed by 2 -> 2
 * kinematics, cos theta = ((E+ + m_e) E_X - (s + m^2)/2)/(p+ p_X) (the photon massless), s = 2
 * m_e^2
 * + 2 m_e E+; all of the fraction goes to that angle's bin. */
void dy_geo_theta_annihilation_gamma(double m, double Epos, double EX, int n, const double *e,
                                     double *f);

/* Production depth of the particles of one track-length spectrum, as fractions over nd equal
 * bins in depth [0, L] (cm) at each energy: a table in s = ln(E0/E). */
typedef struct dy_geo_depth {
    int nd, ns;
    double E0, L_cm;
    double ls0, dls; /* grid in ln s: ln s_k = ls0 + k dls */
    double *f;       /* [ns][nd] */
    char model[160]; /* how (for the outputs) */
} dy_geo_depth;

/* Build the table for track length T (the channel's) in material mat: thin-target primary, Tsai's
 * straggling at each depth (as the thin model itself, tracklength.h); thin-target photons, first
 * order: the track length at depth t grows as t; muon: uniform (constant dE/dx); thick target
 * (shower): the primary lepton (beam species) with the Bethe-Heitler energy distribution at each
 * depth, the rest with the longitudinal gamma-distribution profile of the PDG review (Longo &
 * Sestili) with t_max = ln(E0/E) + C, normalised within [0, L]; a photon beam's uncollided
 * photons (the path at E0) attenuate as e^{-7t/9}.  Imported (CSV) spectra carry no depth:
 * DY_ERR_INVALID. */
dy_status dy_geo_depth_init(dy_geo_depth *d, const dy_tracklength *T, const dy_material *mat,
                            int nd, dy_error *err);
/* Fractions f[0..nd) at energy E (GeV), sum 1 (linear interpolation in ln s). */
void dy_geo_depth_eval(const dy_geo_depth *d, double E, double *f);
/* The same at s = ln(E0/E) (exact near E0: fold rules carry it); s <= 0: the path at E0. */
void dy_geo_depth_eval_s(const dy_geo_depth *d, double s, double *f);
void dy_geo_depth_free(dy_geo_depth *d);

/* The gamma-distribution fraction of a shower's track length within depth [t1, t2] X0 of a
 * target of L X0 (normalised to [0, L]) for particles of energy E: a = 1 + b t_max, b = 0.5,
 * t_max = max(0, ln(E0/E) + C) (PDG review 'Passage of particles through matter', Eq. 34.36 of
 * the 2022 edition; C = -0.5 electron or positron beam, +0.5 photon beam). */
double dy_geo_gamma_fraction(double E0, double E, double C, double t1, double t2, double L);
#define DY_GEO_LS_B 0.5 /* Longo-Sestili b */
#endif
