/* yield_reader.h — read back a `darkyield run` HDF5 yield file (layout: docs/config.md §4.1) with
 * the HDF5 C API, for the limit computation: masses, energy bins, the per-channel spectra and
 * integrated yields, and the root attributes coupling and cut_energy_min_GeV. */
#ifndef DY_YIELD_READER_H
#define DY_YIELD_READER_H
#include <stddef.h>
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

/* What the reader accepts (darkyield run writes at most DY_CFG_MAX_MASSES = 4096 masses and 256
 * bins). */
#define DY_YIELD_MAX_MASSES 4096
#define DY_YIELD_MAX_EBINS  4096
#define DY_YIELD_MAX_DBINS  64                /* production-depth bins (docs/geometry.md) */
#define DY_YIELD_MAX_FILE   ((size_t)1 << 32) /* bytes */

/* Read path (a regular file, read whole and opened from memory: the file may come from another
 * tool or a colleague, so kinds, types, shapes, sizes and values are all checked; no soft or
 * external link or external storage is followed).  The HDF5 parse runs in a child process
 * (yield_isolate.c) limited to DARKYIELD_READ_TIMEOUT seconds (default 120): a file on which
 * HDF5 itself loops or crashes is an error too, never a hang or a crash.  channels/n_select: the
 * channels to sum (NULL/0 = all channels of the file; the sums are then the file's /total).
 * DY_ERR_NOT_FOUND when the file or a requested channel is missing, DY_ERR_IO when it cannot be
 * read, DY_ERR_INVALID when it is not a darkyield HDF5 yield file or holds values out of range (the
 * message names the file and the object). */
dy_status dy_yield_read(const char *path, const char (*channels)[32], int n_select,
                        dy_yield_file *out, dy_error *err);
/* The same in this process, from the n bytes of an HDF5 file image at buf (path names it in
 * messages): all of darkyield's checks, none of the isolation. */
dy_status dy_yield_read_mem(const void *buf, size_t n, const char *path, const char (*channels)[32],
                            int n_select, dy_yield_file *out, dy_error *err);

/* A file with /depth_bin_edges_cm (a run with geometry.depth_bins) also gives g.n_dbins,
 * g.depth_edges_cm and every selected channel's dNdE_depth (and their sum): the visible-decay
 * limits integrate over the production depth with them. */
void dy_yield_file_free(dy_yield_file *f);
#endif
