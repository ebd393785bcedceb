/* events.h — the events job: thin-target brem (phi sampled: the 4-D form), Primakoff or dark
 * Compton integrals with their maps kept (one batched VEGAS run), unweighted draws per point,
 * and the events they give. */
#ifndef DY_EVENTS_H
#define DY_EVENTS_H
#include <stdint.h>
#include "darkyield/dy.h"
#include "jobs/unweight.h"
#include "physics/annihilation_event.h"
#include "physics/brem_event.h"
#include "physics/compton_event.h"
#include "physics/primakoff_event.h"

typedef struct dy_events_point {
    dy_params p;   /* the integral (4-D brem, primakoff), set by the caller (dy_xsec_setup) */
    double *map;   /* DY_MAP_STRIDE doubles: its converged map */
    dy_result res; /* its cross section, pb */
    dy_unweight_stats st;    /* the unweighting */
    dy_unweight_draw *draws; /* the accepted draws, one per event */
    uint64_t n_events;
    double seconds_integrate; /* this point's share of the batched integration */
    double seconds_unweight;
} dy_events_point;

/* Integrate pts[0..n) in one engine call (o: the engine's options; maps_out is set here),
 * switching each to the 4-D form.  Allocates the maps. */
dy_status dy_events_integrate(dy_engine *e, dy_events_point *pts, size_t n,
                              const dy_vegas_options *o, dy_error *err);

/* Draw uo->n_events unweighted events of point pt (allocates pt->draws). */
dy_status dy_events_unweight(dy_engine *e, dy_events_point *pt, const dy_unweight_options *uo,
                             dy_error *err);

/* Event i of pt (seed: the unweighting's), with the boson's PDG id; 0 or -1 (see dy_brem_event). */
int dy_events_get(const dy_events_point *pt, uint64_t seed, uint64_t i, int boson_pdg,
                  dy_event *ev);

void dy_events_point_free(dy_events_point *pt);
#endif
