/* dy_yields.h — the main job of `darkyield run` as a call: a run configuration (YAML, schema in
 * docs/config.md; a file or text in memory) turned into a yield grid over masses and energy bins,
 * per particle on target at the configured coupling (scaling as its square).  Units: GeV.
 * docs/api.md. */
#ifndef DY_PUBLIC_YIELDS_H
#define DY_PUBLIC_YIELDS_H
#include <stddef.h>
#include <stdint.h>
#include "dy_api.h"
#include "dy_engine.h"
#include "dy_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dy_yields dy_yields; /* opaque: the configuration and its grid */

typedef struct dy_yields_options {
    const char *backend; /* NULL: the config's backend: (auto: the best available) */
    int progress;        /* 1: the plan and a progress line on stderr (a terminal only) */
    /* Overrides as `darkyield run --set`: n_sets strings "key=value" (dotted keys, YAML values,
     * e.g. "beam.energy_GeV=150"), applied to the config before it is validated. */
    const char *const *sets;
    int n_sets;
    /* Called after every VEGAS iteration of the grid's one engine call with the integrals
     * finished and their total (then once with total, total), or NULL: a progress display
     * anywhere, e.g. a notebook (progress above: a terminal only). */
    void (*on_progress)(void *user, size_t done, size_t total);
    void *progress_user;
} dy_yields_options;

/* The defaults: the config's backend, no progress, no overrides. */
DY_API void dy_yields_options_default(dy_yields_options *o);

/* Load and validate the config at path, compute its grid and return it in *out (dy_yields_free).
 * e: the engine to compute on; NULL opens one (options->backend, else the config's).  Every
 * configuration error (file:line: key: problem) is reported before anything is computed;
 * nothing is written to disk (dy_yields_write does that). */
DY_API dy_status dy_yields_run_file(dy_engine *e, const char *path, const dy_yields_options *o,
                                    dy_yields **out, dy_error *err);

/* The same from the YAML text yaml[0..len); name is used in messages ("name:3: ...") and as the
 * default run name.  Relative paths in the text are relative to the current directory. */
DY_API dy_status dy_yields_run_string(dy_engine *e, const char *yaml, size_t len, const char *name,
                                      const dy_yields_options *o, dy_yields **out, dy_error *err);

DY_API void dy_yields_free(dy_yields *y);

/* Shape: masses, energy bins of the produced particle, channels ("brem-e-", "brem-e+",
 * "annihilation", "primakoff", "brem-mu", "compton", "annihilation-gamma"; channel index -1 is
 * their total). */
DY_API int dy_yields_n_masses(const dy_yields *y);
DY_API int dy_yields_n_ebins(const dy_yields *y);
DY_API int dy_yields_n_channels(const dy_yields *y);
DY_API const double *dy_yields_masses(const dy_yields *y);                  /* [n_masses], GeV */
DY_API const double *dy_yields_ebin_edges(const dy_yields *y);              /* [n_ebins + 1], GeV */
DY_API const char *dy_yields_channel_name(const dy_yields *y, int channel); /* -1: "total" */

/* Arrays of a channel (-1: total), with their one-standard-deviation errors (MC and folding),
 * or NULL for a channel that does not exist:
 *   dNdE       [n_masses * n_ebins], row-major by mass, 1/GeV per particle on target;
 *   N_above    [n_masses], the yield above the config's energy cut;
 *   N_total    [n_masses], the yield over all energies. */
DY_API const double *dy_yields_dNdE(const dy_yields *y, int channel, const double **error);
DY_API const double *dy_yields_N_above(const dy_yields *y, int channel, const double **error);
DY_API const double *dy_yields_N_total(const dy_yields *y, int channel, const double **error);

/* Geometry outputs of a run with `geometry:` (docs/geometry.md); 0 bins and NULL when off:
 *   theta edges [n_theta + 1] in rad, dNdE_theta [n_masses * n_ebins * n_theta] (row-major:
 *   mass, energy bin, angle bin), dN/dE of the bosons in each angle bin to their parent;
 *   depth edges [n_depth + 1] in cm from the target's front face, dNdE_depth
 *   [n_masses * n_depth * n_ebins] (mass, depth bin, energy bin).  Summed over the angle or
 *   depth bins they are dNdE.  Channel -1: total. */
DY_API int dy_yields_n_theta_bins(const dy_yields *y);
DY_API const double *dy_yields_theta_edges(const dy_yields *y);
DY_API const double *dy_yields_dNdE_theta(const dy_yields *y, int channel, const double **error);
DY_API int dy_yields_n_depth_bins(const dy_yields *y);
DY_API const double *dy_yields_depth_edges(const dy_yields *y);
DY_API const double *dy_yields_dNdE_depth(const dy_yields *y, int channel, const double **error);

/* What the numbers are: the energy cut (GeV), the coupling they are at, its name ("eps", "g_Z'",
 * "g_agg") and unit ("1", "GeV^-1"), the run name, and the backend and device they came from. */
DY_API double dy_yields_cut_GeV(const dy_yields *y);
DY_API double dy_yields_coupling(const dy_yields *y);
DY_API const char *dy_yields_coupling_name(const dy_yields *y);
DY_API const char *dy_yields_coupling_unit(const dy_yields *y);
DY_API const char *dy_yields_name(const dy_yields *y);
DY_API const char *dy_yields_backend(const dy_yields *y);
DY_API const char *dy_yields_device(const dy_yields *y);

/* Everything the run's HDF5 file (dy_yields_write) holds, as JSON: groups, datasets with their
 * values, attributes (/beam, /target, /model, the root's, /<channel>/integrals ...) and each
 * axis's label and dimension scales; the same file image, read back by the HDF5 library, so a
 * reader without HDF5 (the Python package) sees what h5py shows of the file.  Layout:
 *   node  = {"kind": "group", "attrs": {...}, "members": {name: node, ...}}
 *         | {"kind": "dataset", "attrs": {...}, "value": value,
 *            "dims": [{"label": "mass_GeV", "scales": ["/masses_GeV"]}, ...]}
 *   value = {"dtype": "float64" | "int32" | "uint64" | "str", "shape": [...], "data": [...]}
 * (data flat, row-major; a string's data is the string; NaN, Infinity, -Infinity as such).
 * The dimension-scale bookkeeping attributes (CLASS, NAME, DIMENSION_LIST, REFERENCE_LIST,
 * DIMENSION_LABELS) are left out: "dims" says what they encode.  The text is owned by y (valid
 * until dy_yields_free); NULL on failure, with err set. */
DY_API const char *dy_yields_file_json(dy_yields *y, dy_error *err);

/* Write the grid as `darkyield run` does (HDF5 and CSV as the config asks, no plots) into out_dir
 * (NULL: the config's out_dir): <name>.h5, <name>.csv, <name>_integrated.csv, all or none. */
DY_API dy_status dy_yields_write(const dy_yields *y, const char *out_dir, dy_error *err);

#ifdef __cplusplus
}
#endif
#endif
