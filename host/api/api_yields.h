/* api_yields.h — what the other API files need of a dy_yields result (not exported). */
#ifndef DY_API_YIELDS_INTERNAL_H
#define DY_API_YIELDS_INTERNAL_H
#include "darkyield/dy_yields.h"
#include "io/yield_grid.h"

/* The computed grid (its model and name set as in the run's HDF5 file). */
const dy_yield_grid *dy_yields_grid_of(const dy_yields *y);
#endif
