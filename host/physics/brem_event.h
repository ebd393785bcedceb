/* brem_event.h — one bremsstrahlung event l N -> l N X from a point of the brem integrand's unit
 * cube: the four-vectors of dy_brem_kin_t at the point's (x, theta_X, t, phi), turned about the
 * beam axis by a uniform azimuth (the integrand puts X in the x-z plane). */
#ifndef DY_BREM_EVENT_H
#define DY_BREM_EVENT_H
#include "darkyield/dy.h"

#define DY_EVENT_MAX 5

typedef struct dy_event_particle {
    int pdg;       /* PDG id (nuclei: 100ZZZAAA0) */
    int status;    /* LHEF ISTUP: -1 incoming, 1 outgoing */
    double p[4];   /* E, px, py, pz in GeV (lab frame: nucleus at rest, beam along +z) */
    double m;      /* mass, GeV */
    int mother[2]; /* LHEF MOTHUP (1-based); 0 0 = the default: none (in), 1 2 (out) */
} dy_event_particle;

typedef struct dy_event {
    int n;
    dy_event_particle part[DY_EVENT_MAX];
    double t; /* momentum transfer -q^2 to the nucleus, GeV^2 */
} dy_event;

/* PDG id of the nucleus (Z, A): 10LZZZAAAI with L = I = 0, A rounded to an integer. */
int dy_nucleus_pdg(double Z, double A);

/* The event at u (dim 4: x, angle, t, phi maps of dy_proc_brem_point) turned by phi0 (rad)
 * about the beam: beam lepton, nucleus (incoming), lepton, nucleus, X (outgoing), X with PDG id
 * boson_pdg.  Returns 0, or -1 when u lies outside phase space (a draw of weight 0). */
int dy_brem_event(const dy_params *p, const double *u, double phi0, int boson_pdg, dy_event *ev);
#endif
