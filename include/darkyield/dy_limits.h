/* dy_limits.h — `darkyield limit` as a call: a limit configuration (YAML, schema in
 * docs/limits.md; a file or text in memory) and yields (the config's HDF5 file, another file, or
 * a grid computed by dy_yields_run_*) turned into exclusion (observed) and sensitivity (expected,
 * ±1σ/±2σ) limits on the coupling per mass, as the columns of <name>_limits.csv.  Units: GeV.
 * docs/api.md. */
#ifndef DY_PUBLIC_LIMITS_H
#define DY_PUBLIC_LIMITS_H
#include <stddef.h>
#include "dy_api.h"
#include "dy_status.h"
#include "dy_yields.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dy_limits dy_limits; /* opaque: the configuration and its limits */

typedef struct dy_limits_options {
    /* The yields: a grid in memory (takes precedence), else an HDF5 file of `darkyield run`,
     * else the config's 'yields' key (required only then). */
    const dy_yields *yields;
    const char *yields_path;
    /* Overrides as `darkyield limit --set`: n_sets strings "key=value" ("observed=3"). */
    const char *const *sets;
    int n_sets;
    int quiet;   /* 1: no notes on stderr (warnings still) */
    int silent;  /* 1: nothing on stderr; notes and warnings only in dy_limits_log */
    int verbose; /* 1: a line per mass on stderr */
    /* Called after each mass with (user, done, total), or NULL. */
    void (*progress)(void *user, int done, int total);
    void *progress_user;
} dy_limits_options;

/* The defaults: the config's yields, no overrides, notes and warnings on stderr. */
DY_API void dy_limits_options_default(dy_limits_options *o);

/* Load and validate the limit config at path (relative paths in it are relative to its
 * directory), read the yields, check them against the config (model, finite values, energy
 * range) and compute the limits into *out (dy_limits_free).  Nothing is written to disk
 * (dy_limits_write does that).  Errors: DY_ERR_INVALID (config:line: key: problem, or the yields
 * file and object), DY_ERR_NOT_FOUND (a file or a channel), DY_ERR_IO, DY_ERR_NOMEM. */
DY_API dy_status dy_limits_compute_file(const char *path, const dy_limits_options *o,
                                        dy_limits **out, dy_error *err);

/* The same from the YAML text yaml[0..len); name is used in messages ("name:3: ...") and as the
 * default limit name; relative paths are relative to the current directory. */
DY_API dy_status dy_limits_compute_string(const char *yaml, size_t len, const char *name,
                                          const dy_limits_options *o, dy_limits **out,
                                          dy_error *err);

DY_API void dy_limits_free(dy_limits *l);

/* The table: n_points rows (grid masses, then interpolated ones in mass order), n_columns named
 * as the CSV's columns: mass_GeV; invisible: coupling_obs, coupling_exp, coupling_exp_m1,
 * coupling_exp_p1, coupling_exp_m2, coupling_exp_p2, signal_per_pot_coupling2; visible decays:
 * obs_lower, obs_upper, exp_lower, ... (the excluded band, NaN where nothing is excluded); the
 * profile methods add events_obs, events_exp, events_exp_m1, events_exp_p1 (and
 * events_obs_toy_err); interpolation adds grid (1: a grid mass); dark photons m_chi_GeV and
 * y_obs ... y_exp_p2; inelastic_dm (both modes: bands) m_chi_GeV (= m1) and y_obs_lower,
 * y_obs_upper, ... y_exp_p2_upper.  A limit is +inf where a mass has no signal. */
DY_API int dy_limits_n_points(const dy_limits *l);
DY_API int dy_limits_n_columns(const dy_limits *l);
DY_API const char *dy_limits_column_name(const dy_limits *l, int k); /* NULL out of range */
/* Column by name ([n_points]), or NULL when the table has no such column. */
DY_API const double *dy_limits_column(const dy_limits *l, const char *name);

/* The event limits (obs, median, -1σ, +1σ, -2σ, +2σ) in events; profile methods: those of the
 * first mass with a signal.  ev must hold 6. */
DY_API void dy_limits_event_limits(const dy_limits *l, double *ev);

/* What the numbers are: the limit name, particle ("dark_photon", "zprime", "zprime-bl", "alp",
 * "inelastic_dm"), mode ("invisible", "visible", "semi_visible"), method, CL, coupling name and
 * unit, the energy cut used (GeV). */
DY_API const char *dy_limits_name(const dy_limits *l);
DY_API const char *dy_limits_particle(const dy_limits *l);
DY_API const char *dy_limits_mode(const dy_limits *l);
DY_API const char *dy_limits_method(const dy_limits *l);
DY_API double dy_limits_cl(const dy_limits *l);
DY_API const char *dy_limits_coupling_name(const dy_limits *l);
DY_API const char *dy_limits_coupling_unit(const dy_limits *l);
DY_API double dy_limits_cut_GeV(const dy_limits *l);
/* The notes and warnings of the computation, one per line ("note: ...", "warning: ..."; "" when
 * none). */
DY_API const char *dy_limits_log(const dy_limits *l);

/* Write the outputs of `darkyield limit` (no plots) into out_dir (NULL: the config's output.dir):
 * <name>_limits.csv, thermal or (g-2) lines, hepdata/ and pyhf/ as the config asks; all or
 * none. */
DY_API dy_status dy_limits_write(dy_limits *l, const char *out_dir, dy_error *err);
/* After dy_limits_write: the CSV file written ("" before, or when the config asks for none). */
DY_API const char *dy_limits_csv_path(const dy_limits *l);

#ifdef __cplusplus
}
#endif
#endif
