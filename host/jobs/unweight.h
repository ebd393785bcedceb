/* unweight.h — unweighted events from an integral's converged VEGAS map, by accept-reject
 * (docs/events.md).  The draws are the engine's (dy_engine_weights_on_maps: unstratified, from
 * the adapted density); draw i of pass k is accepted when u_acc * w_max < w_i, where u_acc is a
 * further uniform of the same Philox counter (dy_rng_uniforms, slot dim) and w_max a bound
 * taken from a pilot sample times a safety factor.  A weight above w_max raises w_max to the
 * safety factor times that weight and restarts generation from the first pass, so every draw
 * that produced the events was tested against one constant w_max >= its weight: exact
 * accept-reject.  Everything depends only on the seed, the integral and its map: the same seed
 * gives the same events, bit for bit, on one backend. */
#ifndef DY_UNWEIGHT_H
#define DY_UNWEIGHT_H
#include <stddef.h>
#include <stdint.h>
#include "darkyield/dy.h"

/* Philox iteration numbers of the draws: far above any VEGAS iteration of the integration. */
#define DY_UNW_ITER_PILOT 0x100000u
#define DY_UNW_ITER_GEN   0x100001u /* pass k: DY_UNW_ITER_GEN + k */

typedef struct dy_unweight_options {
    uint64_t seed;         /* Philox key (the integration's seed is fine: other counters) */
    uint64_t n_events;     /* events wanted (>= 1) */
    uint32_t n_pilot;      /* pilot draws for w_max (multiple of 16; default 2^18) */
    double safety;         /* w_max = safety x the largest weight seen (default 1.2) */
    uint32_t max_restarts; /* give up after this many raises of w_max (default 50) */
    uint64_t max_draws;    /* give up after this many draws in one attempt (default 2^36) */
} dy_unweight_options;

void dy_unweight_options_default(dy_unweight_options *o);

/* One accepted draw: the Philox iteration and sample that reproduce its point
 * (dy_engine_point) and its further uniforms (dy_unweight_uniforms). */
typedef struct dy_unweight_draw {
    uint32_t iteration, sample;
} dy_unweight_draw;

typedef struct dy_unweight_stats {
    double w_max;         /* the bound the events were drawn against */
    double w_max_pilot;   /* the largest pilot weight */
    double w_max_seen;    /* the largest weight among the draws of the events */
    double mean_w;        /* mean weight of those draws (an estimate of the integral) */
    double mean_w_error;  /* its standard error */
    uint64_t draws;       /* draws of the final attempt, up to the last event */
    uint64_t draws_total; /* all draws, pilot and restarts included */
    uint32_t restarts;    /* raises of w_max */
    double efficiency;    /* events / draws of the final attempt */
} dy_unweight_stats;

/* Draw o->n_events events of integral p on map (DY_MAP_STRIDE doubles, dy_vegas_options.maps_out)
 * into out[0..n_events).  p->dim must be <= DY_MAX_DIM - 2.  Weights must be finite and >= 0
 * (an error otherwise). */
dy_status dy_unweight(dy_engine *e, const dy_params *p, const double *map,
                      const dy_unweight_options *o, dy_unweight_draw *out, dy_unweight_stats *st,
                      dy_error *err);

/* The accept-reject loop for any proposal (the thin-target map here, the thick-target proposals of
 * thick_events.h and thick_annihilation.h): fn(ctx, it, n, w, u, err) fills the weights and the
 * acceptance uniforms of draws [0, n) of pass it, each a function of its counters only.  Pilot
 * pass it_pilot (o->n_pilot draws) sets w_max = safety x its largest weight; passes it_gen + k
 * of pass_min..pass_max draws (multiples of 16) follow until o->n_events are accepted into
 * draws[]; a weight above w_max raises it and restarts from pass it_gen. */
typedef dy_status (*dy_unweight_pass_fn)(const void *ctx, uint32_t it, uint32_t n, double *w,
                                         double *u, dy_error *err);
typedef struct dy_unweight_source {
    dy_unweight_pass_fn fn;
    const void *ctx;
    uint32_t it_pilot, it_gen;
    uint32_t pass_min, pass_max; /* draws per pass */
    const char *quantity;        /* named when all pilot weights vanish ("cross section") */
    const char *proposal;        /* named when no bound is safe ("map") */
} dy_unweight_source;
dy_status dy_unweight_accept(const dy_unweight_source *src, const dy_unweight_options *o,
                             dy_unweight_draw *draws, dy_unweight_stats *st, dy_error *err);

/* Fills st's figures of a final (unraised) attempt: bound w_max, largest weight seen, draws,
 * sum and sum of squares of their weights, accepted events (shared by the thin- and
 * thick-target generators). */
void dy_unweight_stats_set(dy_unweight_stats *st, double w_max, double seen, uint64_t draws,
                           double s1, double s2, uint64_t accepted);

/* The point u (dim values; *jac: the map's Jacobian) and the two further uniforms of a draw:
 * extra[0] decided its acceptance, extra[1] is free for the event (e.g. an azimuth). */
void dy_unweight_uniforms(const dy_params *p, const double *map, uint64_t seed, dy_unweight_draw d,
                          double *u, double *jac, double extra[2]);
#endif
