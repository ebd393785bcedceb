/* run.h — the main job: a run configuration turned into a yield grid.  Plan (channels, elements,
 * energy nodes) -> engine calls for the MC cross sections of any subset of grid points -> folding
 * with the track-length spectra -> dy_yield_grid for the writers.  A grid point is one mass with
 * all its integrals (channels x elements x nodes); integral ids are their index in the full plan,
 * so a point's results are bit-identical whichever subset, process or rank computes it
 * (shards, checkpoints, MPI: host/jobs/grid_run.h, docs/distributed.md). */
#ifndef DY_RUN_H
#define DY_RUN_H
#include <stddef.h>
#include <stdint.h>
#include "darkyield/dy.h"
#include "io/config.h"
#include "io/yield_grid.h"
#include "physics/tracklength.h"
#include "processes/dy_proc_annihilation.h"

typedef struct dy_run dy_run; /* opaque: plan, parameters, results of the points done */

/* Plan the grid of cfg (which must outlive the run).  Every configuration error is reported here,
 * before anything is computed or written.  verbose: print the plan on stderr. */
dy_status dy_run_open(const dy_config *cfg, int verbose, dy_run **r, dy_error *err);
void dy_run_close(dy_run *r);

const dy_config *dy_run_config(const dy_run *r);
int dy_run_points(const dy_run *r);          /* grid points (= masses) */
int dy_run_point_integrals(const dy_run *r); /* MC integrals per point (may be 0) */
int dy_run_point_done(const dy_run *r, int p);
int dy_run_points_done(const dy_run *r);
/* Relative cost estimate of point p (orders the dynamic queue; never affects results). */
double dy_run_point_cost(const dy_run *r, int p);

/* Compute points pts[0..np) in one engine call and mark them done.  engine_progress: bit 0, the
 * engine's own progress line (terminal only); bit 1, a stderr line per VEGAS iteration. */
dy_status dy_run_compute(dy_run *r, dy_engine *e, const int *pts, int np, int engine_progress,
                         dy_error *err);
/* Called by dy_run_compute after every VEGAS iteration with the integrals finished and their
 * total (NULL: none); for progress displays, never affects results. */
void dy_run_set_progress(dy_run *r, void (*fn)(void *ctx, size_t done, size_t total), void *ctx);

/* A point's results as a flat record of dy_run_point_words() 64-bit words (dy_result fields and
 * histogram bins, doubles by bit pattern): for checkpoints, part files and MPI messages.
 * Unpacking marks the point done. */
size_t dy_run_point_words(const dy_run *r);
void dy_run_pack_point(const dy_run *r, int p, uint64_t *words);
dy_status dy_run_unpack_point(dy_run *r, int p, const uint64_t *words, dy_error *err);

/* One node-folded channel of the plan at mass index im, as thick-target events need it
 * (jobs/thick_events.h): the track length of the particle that produces, the kept elements and
 * their densities, the K energy nodes and the (element, node) integrals' parameters as the run
 * integrates them, and the factor that turns n_el [cm^-3] x T [cm/GeV] x sigma [pb, kernel
 * coupling 1] x dE [GeV] into a yield per incident particle.  Pointers stay valid while r is
 * open.  DY_ERR_NOT_FOUND (naming the channels there are) when the plan has no channel `name`,
 * DY_ERR_INVALID for an annihilation channel (closed-form sigma, no nodes). */
typedef struct dy_run_channel_view {
    const char *name;
    int process;                   /* DY_PROC_brem, DY_PROC_primakoff or DY_PROC_compton */
    int single_node;               /* muon beam: one node at E_mean carrying the path L_cm */
    double E_mean, L_cm;           /* muon */
    const dy_tracklength *T;       /* of this channel (brem-e+ has its own, brem-e-'s integrals) */
    int nel;                       /* elements */
    const double *elZ, *elA, *eln; /* [nel]: Z, A, atoms/cm^3 */
    int K;                         /* nodes (1 for the muon) */
    const double *E;               /* [K]: node energies, GeV (threshold .. beam energy) */
    const dy_params *par;          /* [nel][K]: the node integrals */
    double scale;                  /* coupling^2 x pb -> cm^2 (x n_e / sum n_el Z_el for compton) */
    int closed;                    /* 1: threshold above the beam energy at this mass (no yield) */
    double mass;                   /* GeV */
    const dy_run *run;
    int channel;
} dy_run_channel_view;

dy_status dy_run_channel(const dy_run *r, const char *name, int im, dy_run_channel_view *v,
                         dy_error *err);
/* The integral of the view's process on element el at any incident energy E, set up exactly as
 * the run sets up its nodes (kernel coupling 1, 3-D brem). */
void dy_run_channel_params(const dy_run_channel_view *v, int el, double E, dy_params *p);
/* The annihilation channel of the plan at mass index im, as thick-target events need it
 * (jobs/thick_annihilation.h): the positrons' track length, the electron density, the
 * Breit-Wigner's configuration as the run folds it (at eps_ref = min(coupling, 1e-3), so that
 * the width is physical; scale = (coupling/eps_ref)^2 x pb -> cm^2), the lowest E+ with
 * sigma > 0 and the run's own N_total +- error of the channel at this mass (quadrature, per
 * incident particle).  The cross section is dy_run_ann_sigma.  DY_ERR_NOT_FOUND when the plan
 * has no annihilation channel. */
typedef struct dy_run_ann_view {
    const char *name;            /* "annihilation" */
    const dy_tracklength *T;     /* the positrons' */
    double n_e;                  /* electrons/cm^3 */
    dy_annih_config ac;          /* e_pos unset; channel INVISIBLE, or EE with visible = 1 */
    int visible;                 /* 1: sigma = ee + mumu + hadrons (decay: visible) */
    double E_thr;                /* GeV: sigma = 0 below (threshold of the final state) */
    double scale;                /* (coupling/eps_ref)^2 x pb -> cm^2 */
    double N_total, N_total_err; /* the run's, per incident particle */
    int closed;                  /* 1: no yield (m <= 2 m_e or threshold above the beam) */
    int extras;                  /* 1: electron motion or ISR on (narrow-width kernels) */
    double spread;               /* beam energy spread, GeV (0: none) */
    double mass;                 /* GeV */
} dy_run_ann_view;

dy_status dy_run_annihilation(const dy_run *r, int im, dy_run_ann_view *v, dy_error *err);
/* sigma(E+) in pb per electron at eps_ref, exactly as the run folds it (no extras, no spread) */
double dy_run_ann_sigma(const dy_run_ann_view *v, double E);

/* The plan's channel names, comma-separated, into buf (for messages). */
void dy_run_channel_names(const dy_run *r, char *buf, size_t n);

/* Fold all points (every one must be done) into *g (allocated here; dy_yield_grid_free). */
dy_status dy_run_fold(dy_run *r, dy_yield_grid *g, dy_error *err);

/* Everything in one go: plan, one engine call over the whole grid, fold.  progress: print the
 * plan and the engine's progress line. */
dy_status dy_run_grid(const dy_config *cfg, dy_engine *e, int progress, dy_yield_grid *g,
                      dy_error *err);
/* The same with dy_run_set_progress(fn, ctx). */
dy_status dy_run_grid_cb(const dy_config *cfg, dy_engine *e, int progress,
                         void (*fn)(void *ctx, size_t done, size_t total), void *ctx,
                         dy_yield_grid *g, dy_error *err);
#endif
