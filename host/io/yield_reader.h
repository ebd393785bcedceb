/* yield_reader.h — read back a `darkyield run` HDF5 yield file (layout: docs/config.md §4.1) with
 * the HDF5 C API, for the limit computation: masses, energy bins, the per-channel spectra and
 * integrated yields, and the root attributes coupling and cut_energy_min_GeV. */
#ifndef DY_YIELD_READER_H
#define DY_YIELD_READER_H
#include "darkyield/dy_status.h"
#include "io/yield_grid.h"

typedef struct dy_yield_file {
    dy_yield_grid g;           /* channels as in the file (or the selection); sums filled */
    double coupling;           /* the yields are per particle on target at this coupling */
    double cut_energy_min_GeV; /* N_above_cut counts E > this */
    char name[256];            /* root attribute name */
    char model[32];            /* root attribute model ("vector", "lmu-ltau", ...; "" if absent:
                                  files of darkyield 0.1.0, which did not name the coupling) */
} dy_yield_file;

/* Read path.  channels/n_select: the channels to sum (NULL/0 = all channels of the file; the
 * sums are then the file's /total).  DY_ERR_NOT_FOUND when the file or a requested channel is
 * missing, DY_ERR_IO when it is not a darkyield HDF5 file (message names what is missing). */
dy_status dy_yield_read(const char *path, const char (*channels)[32], int n_select,
                        dy_yield_file *out, dy_error *err);

void dy_yield_file_free(dy_yield_file *f);
#endif
