/* annih_bound.h — resonant annihilation beyond a free electron at rest: the motion of atomic
 * electrons (impulse approximation with a Compton profile J(p_z), Arias-Aragon, Darme, Grilli di
 * Cortona, Nardi, PRL 132 (2024) 261801, arXiv:2403.15387) and initial-state radiation (the O(beta)
 * electron structure function of Kuraev-Fadin 1985 / Nicrosini-Trentadue 1987).
 * Physics, approximations and checks: docs/physics-annihilation-primakoff.md §2.6-2.8. */
#ifndef DY_PHYSICS_ANNIH_BOUND_H
#define DY_PHYSICS_ANNIH_BOUND_H
#include "darkyield/dy_status.h"
#include "physics/materials.h"
#include "processes/dy_proc_annihilation.h"

#define DY_SHELLS_MAX 64 /* Slater groups of all elements of a material */

/* Atomic electrons as Slater groups: occupancy (electron fraction of the material) and the
 * momentum scale v0 = alpha Z_eff/n* (units of m_e).  Each group's profile is the hydrogenic 1s
 * shape J(v) = 8/(3 pi v0) (1 + v^2/v0^2)^-3 (same <p^2> = (Z_eff alpha m_e/n*)^2 as any hydrogenic
 * nl state), truncated to |v| < 1 and renormalised (norm[]). */
typedef struct dy_atomic_shells {
    int n;
    double frac[DY_SHELLS_MAX]; /* fraction of the material's electrons in the group (sum 1) */
    double v0[DY_SHELLS_MAX];   /* momentum scale / m_e */
    double norm[DY_SHELLS_MAX]; /* 1 / (integral of the 1s shape over |v| < 1) */
} dy_atomic_shells;

/* Slater groups of element Z (1..100), Madelung filling, Slater's screening (Phys. Rev. 36 (1930)
 * 57).  Writes the groups' screened charges Z_eff and effective n* into zeff/nstar when not NULL
 * (arrays of DY_SHELLS_MAX); returns the number of groups, or -1 for a bad Z. */
int dy_slater_groups(int Z, double *occ, double *zeff, double *nstar);

/* Shells of a material (electron-weighted over its elements); error names the element. */
dy_status dy_atomic_shells_material(const dy_material *mat, dy_atomic_shells *out, dy_error *err);
dy_status dy_atomic_shells_element(int Z, dy_atomic_shells *out, dy_error *err);

/* Compton profile per electron J(v), v = p_z/m_e, normalised to 1 over |v| < 1 (0 outside). */
double dy_compton_profile(const dy_atomic_shells *sh, double v);

/* ISR: beta(s) = (2 alpha/pi)(ln(s/m_e^2) - 1) and the O(beta) e+e- radiator
 * G(z) = beta (1-z)^(beta-1) (1 + 3 beta/4) - (beta/2)(1 + z), z = s'/s in (0,1); int_0^1 G = 1. */
double dy_isr_beta(double s);
double dy_isr_radiator(double z, double beta);

/* What the annihilation includes beyond the free electron at rest. */
typedef struct dy_annih_extras {
    const dy_atomic_shells *shells; /* NULL: electrons at rest */
    int isr;                        /* 1: initial-state radiation */
} dy_annih_extras;

/* Narrow-width kernel: sigma_eff(E+) / I, GeV^-1, where I = int sigma_rest dE+ (NWA, pb GeV) and
 * E+ the positron's total lab energy.  Motion alone conserves the resonance's integral: int K dE+
 * = 1 (for E+ >> m_e); ISR gives int K dE+ = int G(z)/z dz > 1 (the radiative-return tail),
 * while int G dz = 1. */
double dy_annih_nwa_kernel(const dy_annih_extras *x, double m_ap, double e_pos);

/* The positron-leg half of ISR in a track-length fold: the path of positrons that reach energy E'
 * after radiating, T_isr(E') = int dz G(z) T(E)/z, E = (E' + m_e)/z - m_e <= E0 (beta at s(E)).
 * T(E, tp) is the track length, 0 above E0.  NAN if the quadrature fails. */
double dy_isr_track(double (*T)(double E, void *tp), void *tp, double E0, double e_prime);

/* Exact Breit-Wigner cross section per electron with the extras, pb: the closed-form sigma of c
 * (dy_annih_sigma_total) convolved with J and/or G by adaptive quadrature (GSL).  abserr: the
 * quadrature's estimate. */
dy_status dy_annih_sigma_extras(const dy_annih_config *c, const dy_annih_extras *x, double *sigma,
                                double *abserr, dy_error *err);
#endif
