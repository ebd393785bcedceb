/* primakoff_event.h — one Primakoff event gamma N -> a N from a point of the Primakoff
 * integrand's unit cube (dy_proc_primakoff_point: the same t), the ALP at the lab angle of the
 * exact 2->2 kinematics, turned about the beam by a uniform azimuth (the integrand has none). */
#ifndef DY_PRIMAKOFF_EVENT_H
#define DY_PRIMAKOFF_EVENT_H
#include "physics/brem_event.h"

/* The ALP's PDG id by default: "ax" of MadGraph's ALP_linear_UFO model (Brivio et al.,
 * arXiv:1701.05379), not a PDG-assigned number. */
#define DY_PDG_ALP 9000005

/* Photon, nucleus (incoming), ALP (id alp_pdg), recoil nucleus (outgoing), lab frame, photon
 * along +z.  The nucleus recoils with E = M + t/(2M) and three-momentum k_gamma - p_a (so
 * four-momentum balances by construction; its mass shell tests the angle).  Returns 0, or -1
 * when u lies outside phase space. */
int dy_primakoff_event(const dy_params *p, const double *u, double phi0, int alp_pdg, dy_event *ev);
#endif
