/* writer_hdf5_setup.h — the descriptive parts of the run's HDF5 file (writer_hdf5_setup.c). */
#ifndef DY_WRITER_HDF5_SETUP_H
#define DY_WRITER_HDF5_SETUP_H
#include <hdf5.h>
#include "io/yield_grid.h"

/* Parts of the HDF5 file (writer_hdf5_setup.c, in an open file f; 0 or -1): /model always, /beam,
 * /target and the root attributes processes, precision, max_eval, quadrature_nodes when
 * g->setup is recorded; the attribute "integrals" of channel c's group and, when its
 * diagnostics are recorded, the group /<channel>/integrals in chgrp. */
int dy_write_hdf5_setup(hid_t f, const dy_yield_grid *g);
int dy_write_hdf5_integrals(hid_t f, hid_t chgrp, const dy_yield_grid *g, int c);

#endif
