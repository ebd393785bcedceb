/* compton_event.h — one dark Compton event gamma e- -> e- A' on an electron at rest from a point
 * of the Compton integrand's unit cube (dy_proc_compton_point: the same B = p'.k), the A' at the
 * lab angle of the exact 2->2 kinematics, turned about the beam by a uniform azimuth. */
#ifndef DY_COMPTON_EVENT_H
#define DY_COMPTON_EVENT_H
#include "physics/brem_event.h"

/* Photon, electron at rest (incoming), electron (outgoing), A' (id ap_pdg), lab frame, photon
 * along +z.  The electron recoils with E = m_e + omega - E_A' and three-momentum k - q (so
 * four-momentum balances by construction; its mass shell tests the angle).  Returns 0, or -1
 * when u lies outside phase space. */
int dy_compton_event(const dy_params *p, const double *u, double phi0, int ap_pdg, dy_event *ev);
#endif
