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

/* What the writers record besides the numbers (writer_meta.c).  The grid's model names its
 * coupling; a grid without (or with an unknown) model gets "unnamed coupling". */
typedef struct dy_grid_coupling {
    const char *model, *name, *unit, *definition, *particle;
} dy_grid_coupling;
dy_grid_coupling dy_grid_coupling_of(const dy_yield_grid *g);
/* Units of the yields: "[1/GeV ]per particle on target at eps = 1; scales as eps^2". */
void dy_grid_units(const dy_yield_grid *g, int per_gev, char *buf, size_t n);
/* Channel names, comma-separated. */
void dy_grid_channel_list(const dy_yield_grid *g, char *buf, size_t n);
/* The constants and the conventions of the grid's channels (physics/conventions.h). */
void dy_grid_conventions(const dy_yield_grid *g, char *buf, size_t n);
/* How 'total' combines the channel errors. */
const char *dy_grid_total_errors(const dy_yield_grid *g);

/* HDF5 file at path: /masses_GeV, /energy_bin_centers_GeV (dimension scales "mass_GeV" and
 * "energy_GeV", attached to the axes of every grid dataset), /energy_bin_edges_GeV,
 * /<channel>/{dNdE, dNdE_err, N_above_cut, N_above_cut_err, N_total, N_total_err} for each channel
 * and for "total" (the sums, which must be filled: dy_yield_grid_sum), each with "units" and
 * "description" attributes, and /<channel>/integrals (the MC integrals' diagnostics, when
 * recorded); groups /beam, /target, /model with the parameters as attributes; root attributes
 * name, config, config_hash, version, backend, device, seed, cut_energy_min_GeV, coupling, model,
 * coupling_name, coupling_unit, coupling_definition, yields_per, conventions, total_errors,
 * wall_seconds, channels, created, errors (and processes, precision, max_eval,
 * quadrature_nodes).  Strings are UTF-8.  DY_ERR_IO on failure (nothing left at path). */
dy_status dy_write_hdf5(const char *path, const dy_yield_grid *g, dy_error *err);

/* The HDF5 file of dy_write_hdf5 as a memory image (*img malloc'ed, *len bytes); path only names
 * the file in messages. */
dy_status dy_hdf5_image(const char *path, const dy_yield_grid *g, void **img, size_t *len,
                        dy_error *err);

/* CSV files: path (one row per channel incl. "total", mass and energy bin:
 * channel,mass_GeV,E_lo_GeV,E_hi_GeV,dNdE_per_GeV,dNdE_err_per_GeV) and "<stem>_integrated.csv"
 * next to it (stem = path without ".csv"; one row per channel and mass:
 * channel,mass_GeV,N_above_cut,N_above_cut_err,N_total,N_total_err,cut_energy_min_GeV).
 * Leading '#' lines give version, config name and hash, the model and its coupling, units,
 * conventions and how 'total' combines errors.  DY_ERR_IO on failure. */
dy_status dy_write_csv(const char *path, const dy_yield_grid *g, dy_error *err);

/* The integrated-yield CSV path for a spectrum CSV path ("a/b.csv" -> "a/b_integrated.csv"). */
/* The same files as members of the output set s (committed, or aborted, by the caller). */
dy_status dy_write_hdf5_to(dy_outset *s, const char *path, const dy_yield_grid *g, dy_error *err);
dy_status dy_write_csv_to(dy_outset *s, const char *path, const dy_yield_grid *g, dy_error *err);

dy_status dy_csv_integrated_path(const char *path, char *out, size_t size, dy_error *err);
/* "a/b.csv" -> "a/b_<what>.csv" (what: "theta", "depth"): the geometry CSVs, written beside the
 * spectra when the grid has them (rows channel,mass_GeV,E_lo_GeV,E_hi_GeV,theta_lo_rad,
 * theta_hi_rad,dNdE_per_GeV,dNdE_err_per_GeV and channel,mass_GeV,depth_lo_cm,depth_hi_cm,
 * E_lo_GeV,E_hi_GeV,dNdE_per_GeV,dNdE_err_per_GeV; docs/geometry.md). */
dy_status dy_csv_geometry_path(const char *path, const char *what, char *out, size_t size,
                               dy_error *err);

#endif
