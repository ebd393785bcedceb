/* api_yields.c — the public yield-grid call (include/darkyield/dy_yields.h): the config loaded or
 * parsed by io/config.c, computed by dy_run_grid (jobs/run.c) and written by the run's writers
 * (jobs/shard.c), exactly as `darkyield run` does on one process. */
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy_version.h"
#include "darkyield/dy_yields.h"
#include "api/api_yields.h"
#include "io/config.h"
#include "io/h5_json.h"
#include "io/writer.h"
#include "io/yield_grid.h"
#include "jobs/run.h"
#include "jobs/shard.h"

struct dy_yields {
    dy_config cfg; /* the grid borrows its name, text and model */
    dy_yield_grid g;
    dy_grid_coupling coupling;
    char backend[16], device[128];
    char *file_json; /* dy_yields_file_json, made on first call */
};

void dy_yields_options_default(dy_yields_options *o)
{
    memset(o, 0, sizeof *o);
}

/* Compute the grid of y->cfg (loaded) on e, or on an engine opened for the call. */
static dy_status compute(dy_engine *e, const dy_yields_options *o, dy_yields *y, dy_error *err)
{
    dy_engine *own = NULL;
    dy_status s;
    if (!e) {
        const char *name = o && o->backend ? o->backend : y->cfg.backend;
        if ((s = dy_engine_open(name, &own, err)) != DY_OK) return s;
        e = own;
    }
    snprintf(y->backend, sizeof y->backend, "%s", dy_engine_backend(e));
    snprintf(y->device, sizeof y->device, "%s", dy_engine_device(e));
    s = dy_run_grid_cb(&y->cfg, e, o ? o->progress : 0, o ? o->on_progress : NULL,
                       o ? o->progress_user : NULL, &y->g, err);
    dy_engine_close(own);
    if (s != DY_OK) return s;
    y->g.name = y->cfg.name;
    y->g.config_text = y->cfg.config_text;
    y->g.config_hash = y->cfg.hash;
    y->g.version = DY_VERSION;
    y->g.backend = y->backend;
    y->g.device = y->device;
    y->coupling = dy_grid_coupling_of(&y->g);
    return DY_OK;
}

/* Shared tail of both entry points: y holds a loaded config (or a failed load: st). */
static dy_status finish(dy_engine *e, const dy_yields_options *o, dy_yields *y, dy_status st,
                        dy_yields **out, dy_error *err)
{
    if (st == DY_OK) st = compute(e, o, y, err);
    if (st != DY_OK) {
        dy_yields_free(y);
        return st;
    }
    *out = y;
    return DY_OK;
}

dy_status dy_yields_run_file(dy_engine *e, const char *path, const dy_yields_options *o,
                             dy_yields **out, dy_error *err)
{
    if (!path || !out)
        return dy_error_set(err, DY_ERR_INVALID, "dy_yields_run_file: NULL argument");
    *out = NULL;
    dy_yields *y = calloc(1, sizeof *y);
    if (!y) return dy_error_set(err, DY_ERR_NOMEM, "dy_yields_run_file: out of memory");
    const dy_status st =
        dy_config_load_with(path, o ? o->sets : NULL, o ? o->n_sets : 0, &y->cfg, err);
    return finish(e, o, y, st, out, err);
}

dy_status dy_yields_run_string(dy_engine *e, const char *yaml, size_t len, const char *name,
                               const dy_yields_options *o, dy_yields **out, dy_error *err)
{
    if (!yaml || !out)
        return dy_error_set(err, DY_ERR_INVALID, "dy_yields_run_string: NULL argument");
    *out = NULL;
    dy_yields *y = calloc(1, sizeof *y);
    if (!y) return dy_error_set(err, DY_ERR_NOMEM, "dy_yields_run_string: out of memory");
    const char *label = name && *name ? name : "config";
    const dy_status st =
        dy_config_parse_with(yaml, len, label, o ? o->sets : NULL, o ? o->n_sets : 0, &y->cfg, err);
    return finish(e, o, y, st, out, err);
}

const dy_yield_grid *dy_yields_grid_of(const dy_yields *y)
{
    return y ? &y->g : NULL;
}

void dy_yields_free(dy_yields *y)
{
    if (!y) return;
    dy_yield_grid_free(&y->g);
    dy_config_free(&y->cfg);
    free(y->file_json);
    free(y);
}

int dy_yields_n_masses(const dy_yields *y)
{
    return y ? y->g.n_masses : 0;
}
int dy_yields_n_ebins(const dy_yields *y)
{
    return y ? y->g.n_ebins : 0;
}
int dy_yields_n_channels(const dy_yields *y)
{
    return y ? y->g.n_channels : 0;
}
const double *dy_yields_masses(const dy_yields *y)
{
    return y ? y->g.masses_GeV : NULL;
}
const double *dy_yields_ebin_edges(const dy_yields *y)
{
    return y ? y->g.ebin_edges_GeV : NULL;
}

const char *dy_yields_channel_name(const dy_yields *y, int c)
{
    if (!y || c < -1 || c >= y->g.n_channels) return NULL;
    return c < 0 ? "total" : y->g.ch[c].name;
}

/* One of a channel's arrays (which: 0 dNdE, 1 N_above, 2 N_total) and its error array. */
static const double *array_of(const dy_yields *y, int c, int which, const double **error)
{
    const double *v = NULL, *e = NULL;
    if (y && c >= -1 && c < y->g.n_channels) {
        const dy_yield_grid *g = &y->g;
        const dy_yield_channel *ch = c >= 0 ? &g->ch[c] : NULL;
        if (which == 0) {
            v = ch ? ch->dNdE : g->sum_dNdE;
            e = ch ? ch->dNdE_err : g->sum_dNdE_err;
        } else if (which == 1) {
            v = ch ? ch->N_above : g->sum_N_above;
            e = ch ? ch->N_above_err : g->sum_N_above_err;
        } else {
            v = ch ? ch->N_total : g->sum_N_total;
            e = ch ? ch->N_total_err : g->sum_N_total_err;
        }
    }
    if (error) *error = e;
    return v;
}

const double *dy_yields_dNdE(const dy_yields *y, int c, const double **error)
{
    return array_of(y, c, 0, error);
}
const double *dy_yields_N_above(const dy_yields *y, int c, const double **error)
{
    return array_of(y, c, 1, error);
}
const double *dy_yields_N_total(const dy_yields *y, int c, const double **error)
{
    return array_of(y, c, 2, error);
}

int dy_yields_n_theta_bins(const dy_yields *y)
{
    return y ? y->g.n_tbins : 0;
}
const double *dy_yields_theta_edges(const dy_yields *y)
{
    return y && y->g.n_tbins > 0 ? y->g.theta_edges_rad : NULL;
}
int dy_yields_n_depth_bins(const dy_yields *y)
{
    return y ? y->g.n_dbins : 0;
}
const double *dy_yields_depth_edges(const dy_yields *y)
{
    return y && y->g.n_dbins > 0 ? y->g.depth_edges_cm : NULL;
}

/* The geometry arrays (depth: 1, angle: 0) of channel c (-1: total), NULL when off. */
static const double *geometry_of(const dy_yields *y, int c, int depth, const double **error)
{
    const double *v = NULL, *e = NULL;
    if (y && c >= -1 && c < y->g.n_channels && (depth ? y->g.n_dbins : y->g.n_tbins) > 0) {
        const dy_yield_grid *g = &y->g;
        const dy_yield_channel *ch = c >= 0 ? &g->ch[c] : NULL;
        v = depth ? (ch ? ch->dNdE_depth : g->sum_dNdE_depth)
                  : (ch ? ch->dNdE_theta : g->sum_dNdE_theta);
        e = depth ? (ch ? ch->dNdE_depth_err : g->sum_dNdE_depth_err)
                  : (ch ? ch->dNdE_theta_err : g->sum_dNdE_theta_err);
    }
    if (error) *error = e;
    return v;
}
const double *dy_yields_dNdE_theta(const dy_yields *y, int c, const double **error)
{
    return geometry_of(y, c, 0, error);
}
const double *dy_yields_dNdE_depth(const dy_yields *y, int c, const double **error)
{
    return geometry_of(y, c, 1, error);
}

double dy_yields_cut_GeV(const dy_yields *y)
{
    return y ? y->g.cut_energy_min_GeV : 0.0;
}
double dy_yields_coupling(const dy_yields *y)
{
    return y ? y->g.coupling : 0.0;
}
const char *dy_yields_coupling_name(const dy_yields *y)
{
    return y ? y->coupling.name : NULL;
}
const char *dy_yields_coupling_unit(const dy_yields *y)
{
    return y ? y->coupling.unit : NULL;
}
const char *dy_yields_name(const dy_yields *y)
{
    return y ? y->cfg.name : NULL;
}
const char *dy_yields_backend(const dy_yields *y)
{
    return y ? y->backend : NULL;
}
const char *dy_yields_device(const dy_yields *y)
{
    return y ? y->device : NULL;
}

dy_status dy_yields_write(const dy_yields *y, const char *out_dir, dy_error *err)
{
    if (!y) return dy_error_set(err, DY_ERR_INVALID, "dy_yields_write: NULL result");
    if (!y->cfg.want_hdf5 && !y->cfg.want_csv)
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: the config asks for neither HDF5 nor CSV output", y->cfg.path);
    char h5[4400], csv[4400];
    dy_output_paths(&y->cfg, out_dir, h5, csv, sizeof h5);
    return dy_write_outputs(&y->cfg, &y->g, h5, csv, err);
}

const char *dy_yields_file_json(dy_yields *y, dy_error *err)
{
    if (!y) {
        dy_error_set(err, DY_ERR_INVALID, "dy_yields_file_json: NULL result");
        return NULL;
    }
    if (y->file_json) return y->file_json;
    void *img = NULL;
    size_t n = 0;
    dy_status st = dy_yield_grid_check(&y->g, err);
    if (st == DY_OK) st = dy_hdf5_image(y->cfg.name, &y->g, &img, &n, err);
    if (st == DY_OK) st = dy_h5_image_json(img, n, &y->file_json, err);
    free(img);
    return st == DY_OK ? y->file_json : NULL;
}
