/* events_thick.h — the options of `darkyield events --config` shared by its node-folded channels
 * (cmd_events_thick.c) and annihilation (cmd_events_thick_ann.c). */
#ifndef DY_CLI_EVENTS_THICK_H
#define DY_CLI_EVENTS_THICK_H
#include <stdint.h>
#include "io/config.h"
#include "io/outset.h"
#include "jobs/run.h"

typedef struct dy_thick_opts {
    const char *config, *channel, *output, *backend, *stats;
    double mass, precision, safety;
    uint64_t n, seed, max_eval, pilot;
    int have_mass, have_seed, gzip, quiet, pdg;
} dy_thick_opts;

/* Annihilation events of mass index im into set's output; returns the exit status. */
int dy_events_thick_ann(dy_thick_opts *o, const dy_config *cfg, const dy_run *run, int im,
                        dy_outset *set, int argc, char **argv);
#endif
