/* thick_events.h — unweighted thick-target events of one node-folded channel of a run config
 * (brem of shower e-/e+ or the beam muon, Primakoff and dark Compton of shower photons): the
 * incident energy E, the element and the final state are drawn together from
 * n_el T(E) dsigma_el(E), the integrand of the run's yield N = sum_el n_el int dE T(E) sigma_el(E)
 * (docs/yields.md), by accept-reject against one constant bound (docs/events.md, "Thick
 * targets").
 *
 * Proposal: the energy range is cut into cells (8 per node interval, uniform in ln E; the last
 * interval in lambda = -ln(1 - E/E0) up to lambda = 64 plus the path beyond it as one cell at
 * E0, as the fold does; the muon's box [E_low, E0] in 32 cells of E).  A (cell, element) is
 * picked with probability proportional to an estimate of its share of the yield (the node cross
 * sections of this job's own integrals, interpolated linearly in the fold's z, times the track
 * length, the largest of the cell's ends and middle), E uniformly in the cell's variable, the
 * final state from the converged VEGAS map of the node nearest in z (the maps live on the unit
 * cube, whose variables scale with E).  The weight W = (target density) / (proposal density) is
 * evaluated on the host with the kernel's own integrand (dy_integrand).  Its mean is the yield
 * per incident particle; accept when u w_max < W; a W above w_max raises the bound (safety x W)
 * and restarts generation from the first pass (dy_unweight's rule), so the events are exact
 * accept-reject on one bound.  Everything is a function of the seed and of the maps: the same
 * seed gives the same events, bit for bit, on one backend. */
#ifndef DY_THICK_EVENTS_H
#define DY_THICK_EVENTS_H
#include <stdint.h>
#include "darkyield/dy.h"
#include "jobs/events.h"
#include "jobs/run.h"
#include "jobs/unweight.h"

/* Draws per accept-reject pass of the thick-target generators: at least ... and at most (two
 * buffers of 8 MiB). */
#define DY_THICK_PASS_MIN (1u << 12)
#define DY_THICK_PASS_MAX (1u << 20)

/* Philox iterations of the draws (24 bits): apart from the VEGAS ones and from dy_unweight's. */
#define DY_THICK_ITER_PILOT 0x200000u
#define DY_THICK_ITER_GEN   0x200001u /* pass k: + k */

typedef struct dy_thick_cell {
    double lo, hi; /* in ln E (kind 0), lambda (1) or E (3); kind 2: the path at E0 */
    int kind;
    int node; /* the node whose map proposes the final state */
} dy_thick_cell;

typedef struct dy_thick {
    dy_run_channel_view v;
    dy_events_point *node; /* [nel][K]: 4-D brem (phi sampled), Primakoff, Compton, with maps */
    int nc;                /* cells */
    dy_thick_cell *cell;   /* [nc] */
    double *cum;           /* [nc * nel]: cumulative proposal probabilities of (cell, element) */
    double *prob;          /* [nc * nel] */
    double L_rest;         /* track length beyond lambda = 64 (cm), the last cell's */
    uint64_t key;          /* Philox stream of the draws */
    uint64_t seed;
    dy_unweight_stats st;
    dy_unweight_draw *draws; /* accepted draws, one per event */
    uint64_t n_events;
    double seconds_integrate, seconds_unweight;
} dy_thick;

/* Integrate the view's node integrals (o: the engine's options) with their maps kept and build
 * the proposal.  The view must outlive t. */
dy_status dy_thick_init(dy_thick *t, dy_engine *e, const dy_run_channel_view *v,
                        const dy_vegas_options *o, dy_error *err);

/* Draw uo->n_events events (uo->seed, n_pilot, safety, max_restarts, max_draws as dy_unweight).
 * t->st.mean_w +- mean_w_error is the yield per incident particle (at the config's coupling). */
dy_status dy_thick_unweight(dy_thick *t, const dy_unweight_options *uo, dy_error *err);

/* Event i (boson PDG id boson_pdg; brem-e+: the lepton lines -11): 0, or -1 when the draw lies
 * outside phase space.  *E_inc (may be NULL) gets its incident energy. */
int dy_thick_event(const dy_thick *t, uint64_t i, int boson_pdg, dy_event *ev, double *E_inc);

void dy_thick_free(dy_thick *t);
#endif
