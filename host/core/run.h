/* run.h — the main job: a run configuration turned into a yield grid.  Plan (channels, elements,
 * energy nodes) -> one batched engine call for all MC cross sections -> folding with the
 * track-length spectra -> dy_yield_grid for the writers. */
#ifndef DY_RUN_H
#define DY_RUN_H
#include "darkyield/dy.h"
#include "io/config.h"
#include "io/yield_grid.h"

/* Compute the grid described by cfg on engine e.  progress: print the plan and a progress line. */
dy_status dy_run_grid(const dy_config *cfg, dy_engine *e, int progress, dy_yield_grid *g,
                      dy_error *err);
#endif
