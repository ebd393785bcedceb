/* annihilation_event.h — one positron-annihilation event on an atomic electron at rest from a
 * point of the annihilation integrand's unit cube (dy_proc_annihilation_point: the same CM
 * angle): resonant e+ e- -> A'* -> chi chi (or l+ l-) and e+ e- -> gamma A', lab frame, positron
 * along +z, turned about the beam by a uniform azimuth (docs/events.md). */
#ifndef DY_ANNIHILATION_EVENT_H
#define DY_ANNIHILATION_EVENT_H
#include "physics/brem_event.h"

/* Dark-matter ids of the PDG Monte Carlo numbering scheme (Workman et al. (PDG), PTEP 2022
 * 083C01, "Monte Carlo particle numbering scheme": 51 spin-0 and 52 spin-1/2 dark matter), and
 * 58 for the heavier state chi_2 of inelastic dark matter (Pythia 8's extension of that range,
 * its manual's "Dark Matter Processes"; not PDG-assigned). */
#define DY_PDG_DM_SCALAR  51
#define DY_PDG_DM_FERMION 52
#define DY_PDG_DM_CHI2    58

/* Resonant: e+ (-11), e- (11) in; the s-channel A'* (ap_pdg, status 2, mass sqrt(s)); its
 * daughters (status 1, mothers 3 3): chi and its antiparticle (Dirac 52 -52, complex scalar 51
 * -51, Majorana 52 52, inelastic 52 58) or l- l+ (11 -11, 13 -13).  gamma A': e+, e- in; photon
 * (22) and A' (ap_pdg) out.  Four-momentum balances by construction (both final particles are
 * the CM pair boosted along +z).  ev->t = s (SCALUP = sqrt(s)).  Returns 0, or -1 when u lies
 * outside phase space. */
int dy_annihilation_event(const dy_params *p, const double *u, double phi0, int ap_pdg,
                          dy_event *ev);
#endif
