/* limit_job.h — one `darkyield limit` computation, shared by the command (host/cli/cmd_limit.c)
 * and the public API (host/api/api_limits.c): a loaded limit config and its yields in, the event
 * limits and per-mass coupling limits (observed, expected and its ±1σ/±2σ band) out, as the
 * columns of <name>_limits.csv; then, on request, the outputs of the command (CSV, thermal and
 * (g-2) lines, HEPData, pyhf workspaces), all or none.  docs/limits.md. */
#ifndef DY_LIMIT_JOB_H
#define DY_LIMIT_JOB_H
#include <stdio.h>
#include "darkyield/dy_status.h"
#include "io/limit_config.h"
#include "io/yield_reader.h"
#include "jobs/limit_points.h"
#include "physics/couplings.h"

#define DY_LJ_NS       6  /* observed, expected median, -1σ, +1σ, -2σ, +2σ */
#define DY_LJ_NT       40 /* points of the thermal-relic and (g-2) lines */
#define DY_LJ_MAX_COLS 48

/* The names of the limit's axes and model (HEPData, titles, JSON). */
typedef struct dy_limit_names {
    const char *mass, *coupling, *coupling_units, *title;
    const dy_coupling_info *ci;
} dy_limit_names;

/* One column of the limits table; fmt: 'm' (%.10g), 'v' (%.8g), 't' (%.3g), 'd' (an integer). */
typedef struct dy_limit_column {
    char name[32];
    char fmt;
    double *v; /* [np] */
} dy_limit_column;

typedef struct dy_limit_job {
    dy_limit_config *cfg; /* owned (malloc'd), freed by dy_limit_job_free */
    dy_yield_file yf;     /* owned */
    /* messages on stderr: notes unless quiet, warnings unless silent; verbose: a line per mass.
     * Notes and warnings are also kept in log, one per line ("note: ...", "warning: ..."). */
    int quiet, verbose, silent;
    void (*progress)(void *user, int done, int total); /* after each mass, or NULL */
    void *progress_user;
    char log[4096];
    /* results of dy_limit_job_compute */
    double cut;                    /* GeV */
    int visible, profile, want_y;  /* want_y: y = eps^2 alpha_D (m_chi/m_A')^4 columns */
    int zero_band;                 /* every expected band has zero width */
    double r4;                     /* (m_chi/m_A')^4 */
    double s[DY_LJ_NS];            /* event limits (profile methods: at the first mass) */
    int np;                        /* points: grid masses and interpolated ones */
    dy_lpoint *pts;                /* [np] */
    double *res;                   /* per point: NS (lower or the limit, upper), then signal */
    int nth, have_therm, have_gm2; /* thermal-relic targets, (g-2)_mu band */
    double tm[DY_LJ_NT], ty[4][DY_LJ_NT], gm[DY_LJ_NT], gb[5][DY_LJ_NT];
    int n_cols; /* the limits table, as <name>_limits.csv */
    dy_limit_column col[DY_LJ_MAX_COLS];
    double *colbuf;
    /* set by dy_limit_job_write: the files it wrote */
    char fcsv[8192], ftherm[8192], fgm2[8192], hdir[8192];
} dy_limit_job;

/* The event-limit names ("obs", "exp", "exp_m1", "exp_p1", "exp_m2", "exp_p2"). */
extern const char *const dy_limit_sname[DY_LJ_NS];

dy_limit_names dy_limit_job_names(const dy_limit_config *c);

/* Read j->cfg->yields (the config's channel selection) into j->yf. */
dy_status dy_limit_job_read_yields(dy_limit_job *j, dy_error *err);

/* Copy an in-memory grid (a run's result) into j->yf with the config's channel selection: the
 * grid's own total for all channels, else the selected channels summed (errors in quadrature,
 * as the file reader does).  name and model as the file's root attributes. */
dy_status dy_limit_job_set_grid(dy_limit_job *j, const dy_yield_grid *g, const char *name,
                                const char *model, dy_error *err);

/* The limits of j->cfg from j->yf.  Every check of the yields and the config comes first. */
dy_status dy_limit_job_compute(dy_limit_job *j, dy_error *err);

/* Column k's value at point m: R(m, k, e) (e = 0: the limit or the lower edge, 1: upper edge). */
double dy_limit_job_r(const dy_limit_job *j, int m, int k, int e);
double dy_limit_job_signal(const dy_limit_job *j, int m); /* N_sig/(N_pot coupling^2) */

/* The limits table as CSV (header row and one row per point). */
void dy_limit_job_rows(FILE *f, const dy_limit_job *j);

/* Write the command's outputs into out_dir (NULL: the config's output.dir): CSV, thermal or (g-2)
 * lines, HEPData and pyhf as the config asks; all or none (no plots). */
dy_status dy_limit_job_write(dy_limit_job *j, const char *out_dir, dy_error *err);

void dy_limit_job_free(dy_limit_job *j);
#endif
