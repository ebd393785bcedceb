/* writer.h — output writers for a finished run (dy_yield_grid): one HDF5 file and two CSV files.
 * Files are written through output sets (io/outset.h): unique temporaries renamed into place
 * only when every file of the set is complete, so a crash or a failed write never leaves a
 * partial file or a mixed set under the final names.  Layout and units: docs/config.md. */
#ifndef DY_WRITER_H
#define DY_WRITER_H
#include <stddef.h>
#include "darkyield/dy_status.h"
#include "io/outset.h"
#include "io/yield_grid.h"

/* Units strings shared by the writers (printf formats taking g->coupling). */
#define DY_UNITS_DNDE_FMT "1/GeV per particle on target at coupling %g; scales as coupling^2"
#define DY_UNITS_N_FMT    "per particle on target at coupling %g; scales as coupling^2"

/* HDF5 file at path: /masses_GeV, /energy_bin_edges_GeV, /<channel>/{dNdE, dNdE_err,
 * N_above_cut, N_above_cut_err, N_total, N_total_err} for each channel and for "total" (the sums,
 * which must be filled: dy_yield_grid_sum), each with "units" and "description" attributes; root
 * attributes name, config, config_hash, version, backend, device, seed, cut_energy_min_GeV,
 * coupling, wall_seconds, channels, created.  DY_ERR_IO on failure (nothing left at path). */
dy_status dy_write_hdf5(const char *path, const dy_yield_grid *g, dy_error *err);

/* CSV files: path (one row per channel incl. "total", mass and energy bin:
 * channel,mass_GeV,E_lo_GeV,E_hi_GeV,dNdE_per_GeV,dNdE_err_per_GeV) and "<stem>_integrated.csv"
 * next to it (stem = path without ".csv"; one row per channel and mass:
 * channel,mass_GeV,N_above_cut,N_above_cut_err,N_total,N_total_err,cut_energy_min_GeV).
 * Leading '#' lines give units, version, config name and hash.  DY_ERR_IO on failure. */
dy_status dy_write_csv(const char *path, const dy_yield_grid *g, dy_error *err);

/* The integrated-yield CSV path for a spectrum CSV path ("a/b.csv" -> "a/b_integrated.csv"). */
/* The same files as members of the output set s (committed, or aborted, by the caller). */
dy_status dy_write_hdf5_to(dy_outset *s, const char *path, const dy_yield_grid *g, dy_error *err);
dy_status dy_write_csv_to(dy_outset *s, const char *path, const dy_yield_grid *g, dy_error *err);

dy_status dy_csv_integrated_path(const char *path, char *out, size_t size, dy_error *err);

#endif
