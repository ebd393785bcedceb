/* events_thick.h — the options of `darkyield events --config` shared by its node-folded channels
 * (cmd_events_thick.c) and annihilation (cmd_events_thick_ann.c). */
#ifndef DY_CLI_EVENTS_THICK_H
#define DY_CLI_EVENTS_THICK_H
#include <stdint.h>
#include "io/config.h"
#include "io/events_out.h"
#include "io/outset.h"
#include "jobs/run.h"

typedef struct dy_thick_opts {
    const char *config, *channel, *output, *backend, *stats;
    double mass, precision, safety;
    uint64_t n, seed, max_eval, pilot;
    int have_mass, have_seed, gzip, quiet, pdg;
    int format;  /* DY_THICK_LHE, DY_THICK_HEPMC3 or DY_THICK_CSV */
    double unit; /* csv: 1 (GeV) or 1000 (MeV) */
} dy_thick_opts;

enum { DY_THICK_LHE = 0, DY_THICK_HEPMC3 = 1, DY_THICK_CSV = 2 };

/* One file of thick-target events in the chosen format (events_thick_out.c): LHEF 3.0 (info),
 * HepMC3 ASCII (info->text as its run attribute, info->sigma +- error in the cross-section
 * field: the yield per particle on target, as XSECUP) or G4DarkBreM's CSV (no header text;
 * each row its event's target Z and incident energy). */
typedef struct dy_thick_out {
    dy_evstream *zs;
    struct dy_hepmc3 *hw;
    int format;
    double unit, sigma, error;
    const char *path;
} dy_thick_out;

int dy_thick_out_begin(dy_thick_out *w, const dy_thick_opts *o, dy_evstream *zs,
                       const dy_lhe_info *info);
/* event number j (from 0); E_inc its incident energy (csv) */
int dy_thick_out_event(dy_thick_out *w, const dy_event *ev, uint64_t j, double E_inc);
int dy_thick_out_end(dy_thick_out *w);
void dy_thick_out_discard(dy_thick_out *w);

/* Annihilation events of mass index im into set's output; returns the exit status. */
int dy_events_thick_ann(dy_thick_opts *o, const dy_config *cfg, const dy_run *run, int im,
                        dy_outset *set, int argc, char **argv);
#endif
