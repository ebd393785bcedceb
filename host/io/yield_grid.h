/* yield_grid.h — the results of one `darkyield run`: per-channel spectra dN/dE and integrated
 * yields on a (mass x energy-bin) grid, their sums, and the metadata the writers record.
 * Small inline helpers (alloc / free / sums / bin edges) so the engine and the writers share it. */
#ifndef DY_YIELD_GRID_H
#define DY_YIELD_GRID_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy_status.h"

#define DY_GRID_MAX_CHANNELS 8
#define DY_GRID_NAME_LEN     32

/* One production channel.  Arrays are row-major [mass][ebin]; all yields are per particle on
 * target, at the configured coupling (g->coupling), and scale as coupling^2. */
typedef struct dy_yield_channel {
    char name[DY_GRID_NAME_LEN]; /* "brem-e-", "brem-e+", "annihilation", "primakoff", "brem-mu" */
    double *dNdE, *dNdE_err;     /* [n_masses*n_ebins], 1/GeV */
    double *N_above, *N_above_err; /* [n_masses], yield with E > g->cut_energy_min_GeV */
    double *N_total, *N_total_err; /* [n_masses], yield over all energies */
    /* optional (geometry outputs, NULL when off): dN/dE of the bosons in angle bin t,
     * [mass][ebin][tbin], and of those produced in depth bin d, [mass][dbin][ebin], 1/GeV; summed
     * over t or d they are dNdE */
    double *dNdE_theta, *dNdE_theta_err;
    double *dNdE_depth, *dNdE_depth_err;
} dy_yield_channel;

typedef struct dy_yield_grid {
    int n_masses, n_ebins, n_channels;
    double *masses_GeV;     /* [n_masses] */
    double *ebin_edges_GeV; /* [n_ebins + 1], increasing */
    dy_yield_channel ch[DY_GRID_MAX_CHANNELS];
    /* sums over channels (dy_yield_grid_sum: errors in quadrature; the main job then adds the
     * errors of channels sharing MC integrals linearly, see total_errors) */
    double *sum_dNdE, *sum_dNdE_err;       /* [n_masses*n_ebins] */
    double *sum_N_above, *sum_N_above_err; /* [n_masses] */
    double *sum_N_total, *sum_N_total_err; /* [n_masses] */
    /* geometry outputs (0 bins: off; dy_yield_grid_alloc_geometry) */
    int n_tbins, n_dbins;
    double *theta_edges_rad; /* [n_tbins + 1]: the first bin takes every angle below edge 1, the
                                last every angle above edge n_tbins - 1 */
    double *depth_edges_cm;  /* [n_dbins + 1], 0 .. target thickness */
    double *sum_dNdE_theta, *sum_dNdE_theta_err; /* [mass][ebin][tbin] */
    double *sum_dNdE_depth, *sum_dNdE_depth_err; /* [mass][dbin][ebin] */
    char theta_model[512], depth_model[1024];    /* how they were made (for the outputs) */
    /* metadata (borrowed pointers, not freed; NULL is written as "") */
    const char *name;        /* run name (config 'name') */
    const char *config_text; /* full YAML text */
    uint64_t config_hash;    /* FNV-1a 64 of config_text */
    const char *version;     /* darkyield version; NULL -> DY_VERSION */
    const char *backend;     /* "cpu", "opencl", "cuda" */
    const char *device;      /* device description */
    double cut_energy_min_GeV;
    double coupling;   /* eps / g / g_agg the yields were computed at */
    const char *model; /* the model (physics/couplings.h: "vector", "lmu-ltau", ...): names the
                          coupling in the outputs; NULL: unnamed "coupling" */
    const char *total_errors; /* how 'total' combines channel errors; NULL: in quadrature */
    uint64_t seed;
    double wall_seconds;
    char errors[512]; /* how the *_err were made (MC, folding); "" if not recorded */
} dy_yield_grid;

/* Index of (mass im, energy bin ie) in the 2-D arrays. */
static inline int dy_yield_grid_index(const dy_yield_grid *g, int im, int ie)
{
    return im * g->n_ebins + ie;
}

/* Free every array and zero *g (safe on a zeroed grid). */
static inline void dy_yield_grid_free(dy_yield_grid *g)
{
    if (!g) return;
    free(g->masses_GeV);
    free(g->ebin_edges_GeV);
    for (int c = 0; c < DY_GRID_MAX_CHANNELS; ++c) {
        dy_yield_channel *ch = &g->ch[c];
        free(ch->dNdE);
        free(ch->dNdE_err);
        free(ch->N_above);
        free(ch->N_above_err);
        free(ch->N_total);
        free(ch->N_total_err);
        free(ch->dNdE_theta);
        free(ch->dNdE_theta_err);
        free(ch->dNdE_depth);
        free(ch->dNdE_depth_err);
    }
    free(g->theta_edges_rad);
    free(g->depth_edges_cm);
    free(g->sum_dNdE_theta);
    free(g->sum_dNdE_theta_err);
    free(g->sum_dNdE_depth);
    free(g->sum_dNdE_depth_err);
    free(g->sum_dNdE);
    free(g->sum_dNdE_err);
    free(g->sum_N_above);
    free(g->sum_N_above_err);
    free(g->sum_N_total);
    free(g->sum_N_total_err);
    memset(g, 0, sizeof *g);
}

/* Zero *g and allocate (zero-filled) arrays for nm masses, ne energy bins and nch channels
 * (1..DY_GRID_MAX_CHANNELS).  Channel names are left empty: use dy_yield_grid_set_channel. */
static inline dy_status dy_yield_grid_alloc(int nm, int ne, int nch, dy_yield_grid *g,
                                            dy_error *err)
{
    if (!g) return dy_error_set(err, DY_ERR_INVALID, "dy_yield_grid_alloc: NULL grid");
    memset(g, 0, sizeof *g);
    if (nm < 1 || ne < 1 || nch < 1 || nch > DY_GRID_MAX_CHANNELS)
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_yield_grid_alloc: bad shape %d masses x %d bins x %d channels", nm,
                            ne, nch);
    const size_t n2 = (size_t)nm * (size_t)ne;
    g->n_masses = nm;
    g->n_ebins = ne;
    g->n_channels = nch;
    int ok = (g->masses_GeV = calloc((size_t)nm, sizeof(double))) != NULL;
    ok &= (g->ebin_edges_GeV = calloc((size_t)ne + 1, sizeof(double))) != NULL;
    for (int c = 0; c < nch; ++c) {
        dy_yield_channel *ch = &g->ch[c];
        ok &= (ch->dNdE = calloc(n2, sizeof(double))) != NULL;
        ok &= (ch->dNdE_err = calloc(n2, sizeof(double))) != NULL;
        ok &= (ch->N_above = calloc((size_t)nm, sizeof(double))) != NULL;
        ok &= (ch->N_above_err = calloc((size_t)nm, sizeof(double))) != NULL;
        ok &= (ch->N_total = calloc((size_t)nm, sizeof(double))) != NULL;
        ok &= (ch->N_total_err = calloc((size_t)nm, sizeof(double))) != NULL;
    }
    ok &= (g->sum_dNdE = calloc(n2, sizeof(double))) != NULL;
    ok &= (g->sum_dNdE_err = calloc(n2, sizeof(double))) != NULL;
    ok &= (g->sum_N_above = calloc((size_t)nm, sizeof(double))) != NULL;
    ok &= (g->sum_N_above_err = calloc((size_t)nm, sizeof(double))) != NULL;
    ok &= (g->sum_N_total = calloc((size_t)nm, sizeof(double))) != NULL;
    ok &= (g->sum_N_total_err = calloc((size_t)nm, sizeof(double))) != NULL;
    if (!ok) {
        dy_yield_grid_free(g);
        return dy_error_set(err, DY_ERR_NOMEM, "yield grid %d x %d x %d: out of memory", nm, ne,
                            nch);
    }
    return DY_OK;
}

/* Allocate (zero-filled) the geometry outputs of an allocated grid: nt angle bins and nd depth
 * bins (0: that output off).  Edges are left for the caller. */
static inline dy_status dy_yield_grid_alloc_geometry(dy_yield_grid *g, int nt, int nd,
                                                     dy_error *err)
{
    const size_t n2 = (size_t)g->n_masses * (size_t)g->n_ebins;
    int ok = 1;
    g->n_tbins = nt;
    g->n_dbins = nd;
    if (nt > 0) {
        ok &= (g->theta_edges_rad = calloc((size_t)nt + 1, sizeof(double))) != NULL;
        ok &= (g->sum_dNdE_theta = calloc(n2 * nt, sizeof(double))) != NULL;
        ok &= (g->sum_dNdE_theta_err = calloc(n2 * nt, sizeof(double))) != NULL;
    }
    if (nd > 0) {
        ok &= (g->depth_edges_cm = calloc((size_t)nd + 1, sizeof(double))) != NULL;
        ok &= (g->sum_dNdE_depth = calloc(n2 * nd, sizeof(double))) != NULL;
        ok &= (g->sum_dNdE_depth_err = calloc(n2 * nd, sizeof(double))) != NULL;
    }
    for (int c = 0; c < g->n_channels && ok; ++c) {
        dy_yield_channel *ch = &g->ch[c];
        if (nt > 0) {
            ok &= (ch->dNdE_theta = calloc(n2 * nt, sizeof(double))) != NULL;
            ok &= (ch->dNdE_theta_err = calloc(n2 * nt, sizeof(double))) != NULL;
        }
        if (nd > 0) {
            ok &= (ch->dNdE_depth = calloc(n2 * nd, sizeof(double))) != NULL;
            ok &= (ch->dNdE_depth_err = calloc(n2 * nd, sizeof(double))) != NULL;
        }
    }
    if (!ok) return dy_error_set(err, DY_ERR_NOMEM, "yield grid geometry: out of memory");
    return DY_OK;
}

/* Name channel c.  Names become HDF5 group names and CSV fields: [A-Za-z0-9_+-], not "total". */
static inline dy_status dy_yield_grid_set_channel(dy_yield_grid *g, int c, const char *name,
                                                  dy_error *err)
{
    if (!g || c < 0 || c >= g->n_channels || !name || !name[0] ||
        strlen(name) >= DY_GRID_NAME_LEN || !strcmp(name, "total"))
        return dy_error_set(err, DY_ERR_INVALID, "bad channel %d name '%s'", c,
                            name ? name : "(null)");
    for (const char *p = name; *p; ++p)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '+' || *p == '-'))
            return dy_error_set(err, DY_ERR_INVALID, "bad character in channel name '%s'", name);
    snprintf(g->ch[c].name, sizeof g->ch[c].name, "%s", name);
    return DY_OK;
}

/* Check a grid before writing it: shape, arrays present, edges increasing, channel names set,
 * valid and distinct.  DY_ERR_INVALID with the reason. */
static inline dy_status dy_yield_grid_check(const dy_yield_grid *g, dy_error *err)
{
    if (!g || g->n_masses < 1 || g->n_ebins < 1 || g->n_channels < 1 ||
        g->n_channels > DY_GRID_MAX_CHANNELS || !g->masses_GeV || !g->ebin_edges_GeV ||
        !g->sum_dNdE || !g->sum_dNdE_err || !g->sum_N_above || !g->sum_N_above_err ||
        !g->sum_N_total || !g->sum_N_total_err)
        return dy_error_set(err, DY_ERR_INVALID, "yield grid is empty or not allocated");
    for (int i = 0; i < g->n_ebins; ++i)
        if (!(g->ebin_edges_GeV[i + 1] > g->ebin_edges_GeV[i]))
            return dy_error_set(err, DY_ERR_INVALID, "yield grid: energy bin edges not increasing");
    for (int c = 0; c < g->n_channels; ++c) {
        const dy_yield_channel *ch = &g->ch[c];
        if (!ch->dNdE || !ch->dNdE_err || !ch->N_above || !ch->N_above_err || !ch->N_total ||
            !ch->N_total_err)
            return dy_error_set(err, DY_ERR_INVALID, "yield grid: channel %d not allocated", c);
        if (!ch->name[0] || !strcmp(ch->name, "total") || strchr(ch->name, '/') ||
            strchr(ch->name, ',') || strchr(ch->name, '.'))
            return dy_error_set(err, DY_ERR_INVALID, "yield grid: bad channel %d name '%s'", c,
                                ch->name);
        for (int d = 0; d < c; ++d)
            if (!strcmp(g->ch[d].name, ch->name))
                return dy_error_set(err, DY_ERR_INVALID, "yield grid: channel '%s' twice",
                                    ch->name);
    }
    return DY_OK;
}

/* Equal-width bin edges from lo to hi. */
static inline void dy_yield_grid_linear_edges(dy_yield_grid *g, double lo, double hi)
{
    for (int i = 0; i <= g->n_ebins; ++i)
        g->ebin_edges_GeV[i] = lo + (hi - lo) * i / g->n_ebins;
    g->ebin_edges_GeV[g->n_ebins] = hi;
}

/* The geometry outputs' sums over channels (errors in quadrature). */
static inline void dy_yield_grid_sum_geometry(dy_yield_grid *g)
{
    const int n2 = g->n_masses * g->n_ebins;
    for (int k = 0; k < 2; ++k) {
        const int nb = k ? g->n_dbins : g->n_tbins;
        double *sv = k ? g->sum_dNdE_depth : g->sum_dNdE_theta;
        double *se = k ? g->sum_dNdE_depth_err : g->sum_dNdE_theta_err;
        if (nb <= 0 || !sv || !se) continue;
        for (size_t i = 0; i < (size_t)n2 * nb; ++i) {
            double s = 0.0, e2 = 0.0;
            for (int c = 0; c < g->n_channels; ++c) {
                const double *v = k ? g->ch[c].dNdE_depth : g->ch[c].dNdE_theta;
                const double *e = k ? g->ch[c].dNdE_depth_err : g->ch[c].dNdE_theta_err;
                if (!v || !e) continue;
                s += v[i];
                e2 += e[i] * e[i];
            }
            sv[i] = s;
            se[i] = sqrt(e2);
        }
    }
}

/* sum_* = sum over channels of the values; errors in quadrature (channels independent). */
static inline void dy_yield_grid_sum(dy_yield_grid *g)
{
    const int n2 = g->n_masses * g->n_ebins;
    for (int i = 0; i < n2; ++i) {
        double s = 0.0, e2 = 0.0;
        for (int c = 0; c < g->n_channels; ++c) {
            s += g->ch[c].dNdE[i];
            e2 += g->ch[c].dNdE_err[i] * g->ch[c].dNdE_err[i];
        }
        g->sum_dNdE[i] = s;
        g->sum_dNdE_err[i] = sqrt(e2);
    }
    for (int m = 0; m < g->n_masses; ++m) {
        double a = 0.0, a2 = 0.0, t = 0.0, t2 = 0.0;
        for (int c = 0; c < g->n_channels; ++c) {
            a += g->ch[c].N_above[m];
            a2 += g->ch[c].N_above_err[m] * g->ch[c].N_above_err[m];
            t += g->ch[c].N_total[m];
            t2 += g->ch[c].N_total_err[m] * g->ch[c].N_total_err[m];
        }
        g->sum_N_above[m] = a;
        g->sum_N_above_err[m] = sqrt(a2);
        g->sum_N_total[m] = t;
        g->sum_N_total_err[m] = sqrt(t2);
    }
    dy_yield_grid_sum_geometry(g);
}

#endif
