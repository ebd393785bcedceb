/* relic.h — thermal-relic targets for light dark matter annihilating through a dark photon
 * (chi chi -> A'* -> l+ l-): the y = eps^2 alpha_D (m_chi/m_A')^4 that gives Omega h^2 = 0.12 by
 * freeze-out, for complex scalar (p-wave), Majorana (p-wave), pseudo-Dirac and Dirac (s-wave) DM.
 * Kolb & Turner freeze-out (x_f iteration, post-freeze-out integral); docs/limits.md §4. */
#ifndef DY_RELIC_H
#define DY_RELIC_H
#include "darkyield/dy_status.h"

typedef enum dy_relic_kind {
    DY_RELIC_SCALAR = 0,       /* complex scalar, p-wave */
    DY_RELIC_MAJORANA = 1,     /* Majorana, L = (g_D/2) chibar g^mu g5 chi A'_mu: p-wave */
    DY_RELIC_PSEUDO_DIRAC = 2, /* chi1 chi2 co-annihilation (splitting delta), s-wave */
    DY_RELIC_DIRAC = 3         /* Dirac, s-wave (CMB-excluded; for comparison) */
} dy_relic_kind;

/* Which g_eff(T), h_eff(T) the freeze-out uses */
typedef enum dy_relic_gstar_kind {
    DY_GSTAR_SS2018 = 0,    /* Saikawa & Shirai 2018 tabulation (default) */
    DY_GSTAR_IDEAL_STEP = 1 /* ideal gas with a smooth QCD step (darkyield before issue 17) */
} dy_relic_gstar_kind;

typedef struct dy_relic_params {
    dy_relic_kind kind;
    double mchi_GeV;           /* DM mass (the lighter state for pseudo-Dirac) */
    double ratio;              /* m_A'/m_chi (> 0; the propagator 1/(m_A'^2 - 4 m_chi^2) is kept) */
    double alpha_D;            /* enters only through the A' width in the propagator */
    double delta;              /* (m2 - m1)/m1 for pseudo-Dirac, >= 0 */
    double omega_h2;           /* target, 0.12 (Planck 2018) */
    dy_relic_gstar_kind gstar; /* 0 (left out of an initialiser): the tabulation */
} dy_relic_params;

/* Effective relativistic degrees of freedom for energy (g_eff = g_*rho) and entropy
 * (h_eff = g_*s) at photon temperature T (GeV): K. Saikawa, S. Shirai, JCAP 05 (2018) 035,
 * arXiv:1803.01038, their tabulation (lattice QCD across the crossover, N_eff = 3.046), every 4th
 * row shipped (gstar_table.c), interpolated in ln T by Steffen's monotone cubic; constant below
 * 2 keV and above 10 TeV (the ends of the shipped rows). */
void dy_relic_gstar(double T_GeV, double *g_eff, double *h_eff);

/* The model before the tabulation, kept for comparison: photons, 3 neutrinos (instant decoupling
 * at 2 MeV, T_nu from e+- entropy), e, mu, pions below the QCD crossover, u d s c b quarks, gluons,
 * tau above it, a smooth step in ln T between 120 and 250 MeV; exact Fermi/Bose integrals. */
void dy_relic_gstar_ideal(double T_GeV, double *g_eff, double *h_eff);

/* dy_relic_gstar or dy_relic_gstar_ideal */
void dy_relic_gstar_model(dy_relic_gstar_kind k, double T_GeV, double *g_eff, double *h_eff);

/* Omega h^2 for a given y, and the freeze-out x_f = m/T_f. */
dy_status dy_relic_omega(const dy_relic_params *p, double y, double *omega_h2, double *x_f,
                         dy_error *err);

/* The y with Omega h^2 = p->omega_h2 (iterated: Omega is ~ 1/y up to ln y in x_f). */
dy_status dy_relic_y_target(const dy_relic_params *p, double *y, double *x_f, dy_error *err);

/* The seed talk's closed forms for m_A' = 3 m_chi: eps^2 alpha_D ~ 1e-11 (m/MeV)^2 for scalar
 * (p-wave) and 0.4e-12 (m/MeV)^2 for fermion (s-wave) DM.  Rough (factor ~2). */
double dy_relic_closed_form_eps2_alphaD(dy_relic_kind k, double mchi_GeV);

#endif
