/* api_limits.c — the public limit call (include/darkyield/dy_limits.h): the limit config loaded
 * or parsed by io/limit_config.c, the yields read from HDF5 or copied from a dy_yields result,
 * and the limit job of `darkyield limit` (jobs/limit_job.c) computing and writing them. */
#include <stdlib.h>
#include <string.h>
#include "api/api_yields.h"
#include "darkyield/dy_limits.h"
#include "jobs/limit_job.h"

struct dy_limits {
    dy_limit_job j;
    char coupling_unit[16];
};

void dy_limits_options_default(dy_limits_options *o)
{
    if (o) memset(o, 0, sizeof *o);
}

/* Shared tail: l->j.cfg loaded (or a failed load: st); the yields, then the limits. */
static dy_status finish(dy_limits *l, const dy_limits_options *o, dy_status st, dy_limits **out,
                        dy_error *err)
{
    dy_limit_job *j = &l->j;
    if (st == DY_OK) {
        j->quiet = o && o->quiet;
        j->silent = o && o->silent;
        j->verbose = o && o->verbose;
        j->progress = o ? o->progress : NULL;
        j->progress_user = o ? o->progress_user : NULL;
        dy_limit_config *c = j->cfg;
        if (o && o->yields) {
            const dy_yield_grid *g = dy_yields_grid_of(o->yields);
            snprintf(c->yields, sizeof c->yields, "(in memory: run '%s')",
                     dy_yields_name(o->yields));
            st = dy_limit_job_set_grid(j, g, dy_yields_name(o->yields), g->model, err);
        } else if (o && o->yields_path) {
            snprintf(c->yields, sizeof c->yields, "%s", o->yields_path);
            st = dy_limit_job_read_yields(j, err);
        } else if (!c->yields[0]) {
            st = dy_error_set(err, DY_ERR_INVALID,
                              "%s: missing key 'yields' (the HDF5 file of 'darkyield run'), and "
                              "no yields given to the call",
                              c->path);
        } else {
            st = dy_limit_job_read_yields(j, err);
        }
    }
    if (st == DY_OK) st = dy_limit_job_compute(j, err);
    if (st != DY_OK) {
        dy_limits_free(l);
        return st;
    }
    const dy_limit_names nn = dy_limit_job_names(j->cfg);
    snprintf(l->coupling_unit, sizeof l->coupling_unit, "%s",
             nn.coupling_units[0] ? nn.coupling_units : "1");
    *out = l;
    return DY_OK;
}

static dy_limits *alloc(void)
{
    dy_limits *l = calloc(1, sizeof *l);
    if (l && !(l->j.cfg = calloc(1, sizeof *l->j.cfg))) {
        free(l);
        l = NULL;
    }
    return l;
}

/* the yields come from the call when it names them: 'yields' may then be left out */
static int flags_of(const dy_limits_options *o)
{
    return o && (o->yields || o->yields_path) ? DY_LCFG_YIELDS_OPTIONAL : 0;
}

dy_status dy_limits_compute_file(const char *path, const dy_limits_options *o, dy_limits **out,
                                 dy_error *err)
{
    if (!path || !out)
        return dy_error_set(err, DY_ERR_INVALID, "dy_limits_compute_file: NULL argument");
    *out = NULL;
    dy_limits *l = alloc();
    if (!l) return dy_error_set(err, DY_ERR_NOMEM, "dy_limits_compute_file: out of memory");
    const dy_status st = dy_limit_config_load_opt(path, o ? o->sets : NULL, o ? o->n_sets : 0,
                                                  flags_of(o), l->j.cfg, err);
    return finish(l, o, st, out, err);
}

dy_status dy_limits_compute_string(const char *yaml, size_t len, const char *name,
                                   const dy_limits_options *o, dy_limits **out, dy_error *err)
{
    if (!yaml || !out)
        return dy_error_set(err, DY_ERR_INVALID, "dy_limits_compute_string: NULL argument");
    *out = NULL;
    dy_limits *l = alloc();
    if (!l) return dy_error_set(err, DY_ERR_NOMEM, "dy_limits_compute_string: out of memory");
    const dy_status st =
        dy_limit_config_parse_opt(yaml, len, name && *name ? name : "limit", o ? o->sets : NULL,
                                  o ? o->n_sets : 0, flags_of(o), l->j.cfg, err);
    return finish(l, o, st, out, err);
}

void dy_limits_free(dy_limits *l)
{
    if (!l) return;
    dy_limit_job_free(&l->j);
    free(l);
}

int dy_limits_n_points(const dy_limits *l)
{
    return l ? l->j.np : 0;
}
int dy_limits_n_columns(const dy_limits *l)
{
    return l ? l->j.n_cols : 0;
}
const char *dy_limits_column_name(const dy_limits *l, int k)
{
    return l && k >= 0 && k < l->j.n_cols ? l->j.col[k].name : NULL;
}
const double *dy_limits_column(const dy_limits *l, const char *name)
{
    if (!l || !name) return NULL;
    for (int k = 0; k < l->j.n_cols; ++k)
        if (!strcmp(l->j.col[k].name, name)) return l->j.col[k].v;
    return NULL;
}

void dy_limits_event_limits(const dy_limits *l, double *ev)
{
    if (l && ev) memcpy(ev, l->j.s, sizeof l->j.s);
}

const char *dy_limits_name(const dy_limits *l)
{
    return l ? l->j.cfg->name : NULL;
}
const char *dy_limits_particle(const dy_limits *l)
{
    return l ? l->j.cfg->particle : NULL;
}
const char *dy_limits_mode(const dy_limits *l)
{
    return l ? l->j.cfg->mode : NULL;
}
const char *dy_limits_method(const dy_limits *l)
{
    return l ? l->j.cfg->method : NULL;
}
double dy_limits_cl(const dy_limits *l)
{
    return l ? l->j.cfg->cl : 0.0;
}
const char *dy_limits_coupling_name(const dy_limits *l)
{
    return l ? dy_limit_job_names(l->j.cfg).coupling : NULL;
}
const char *dy_limits_coupling_unit(const dy_limits *l)
{
    return l ? l->coupling_unit : NULL;
}
double dy_limits_cut_GeV(const dy_limits *l)
{
    return l ? l->j.cut : 0.0;
}
const char *dy_limits_log(const dy_limits *l)
{
    return l ? l->j.log : NULL;
}

dy_status dy_limits_write(dy_limits *l, const char *out_dir, dy_error *err)
{
    if (!l) return dy_error_set(err, DY_ERR_INVALID, "dy_limits_write: NULL result");
    return dy_limit_job_write(&l->j, out_dir, err);
}

const char *dy_limits_csv_path(const dy_limits *l)
{
    return !l ? NULL : l->j.cfg->want_csv ? l->j.fcsv : "";
}
