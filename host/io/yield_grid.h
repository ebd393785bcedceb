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
#define DY_GRID_MAX_ELEM     16 /* = DY_MAT_MAX_ELEM */

/* The diagnostics of a channel's MC integrals (one per mass x element x energy node), as the
 * engine returned them; n_nodes == 0: none recorded (a grid built by hand or read from a file, a
 * closed-form channel, or one that reuses another channel's integrals: shares). */
typedef struct dy_grid_integrals {
    int n_elem, n_nodes;
    char shares[DY_GRID_NAME_LEN]; /* the channel whose integrals this one reuses (brem-e+ on
                                      brem-e-), "" if none */
    double elem_Z[DY_GRID_MAX_ELEM], elem_A[DY_GRID_MAX_ELEM]; /* the element axis */
    double *E_GeV; /* [mass][node]: energy of the incident particle at the node */
    double *sigma_pb, *sigma_err_pb, *chi2_dof, *q; /* [mass][elem][node] */
    uint64_t *n_eval, *n_nonfinite;                 /* [mass][elem][node] */
    int32_t *n_iter, *converged;                    /* [mass][elem][node] */
    const char *sigma_units;                        /* what sigma_pb is (per atom, coupling) */
} dy_grid_integrals;

/* What was run (the writers' /beam, /target, /model groups); recorded == 0: not known (a grid
 * built by hand or read back from a file: only the model name and coupling are then written). */
typedef struct dy_grid_setup {
    int recorded;
    char beam_particle[8];
    double beam_energy_GeV, beam_spread_GeV;
    char material[64];
    double thickness_cm, thickness_X0, density_g_cm3, X0_cm, n_atom_cm3, n_e_cm3;
    int n_elem; /* the material's elements */
    double Z[DY_GRID_MAX_ELEM], A[DY_GRID_MAX_ELEM], w[DY_GRID_MAX_ELEM]; /* A g/mol, w mass fr. */
    const char *tracklength_file[3]; /* e-, e+, gamma imported spectra ("" or NULL: built-in);
                                        borrowed */
    char decay[16], dm_kind[16];
    double alpha_D, mchi_over_m, dm_splitting;
    char processes[256]; /* comma-separated, as configured */
    double precision;    /* relative precision goal per integral */
    uint64_t max_eval;   /* evaluation budget per integral */
    int quad_nodes;      /* energy nodes of the track-length folding */
} dy_grid_setup;

/* One production channel.  Arrays are row-major [mass][ebin]; all yields are per particle on
 * target, at the configured coupling (g->coupling), and scale as coupling^2. */
typedef struct dy_yield_channel {
    char name[DY_GRID_NAME_LEN]; /* "brem-e-", "brem-e+", "annihilation", "primakoff", "brem-mu" */
    double *dNdE, *dNdE_err;     /* [n_masses*n_ebins], 1/GeV */
    double *N_above, *N_above_err; /* [n_masses], yield with E > g->cut_energy_min_GeV */
    double *N_total, *N_total_err; /* [n_masses], yield over all energies */
    dy_grid_integrals mc;          /* diagnostics of its MC integrals (optional) */
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
    dy_grid_setup setup;
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
        free(ch->mc.E_GeV);
        free(ch->mc.sigma_pb);
        free(ch->mc.sigma_err_pb);
        free(ch->mc.chi2_dof);
        free(ch->mc.q);
        free(ch->mc.n_eval);
        free(ch->mc.n_nonfinite);
        free(ch->mc.n_iter);
        free(ch->mc.converged);
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

/* Allocate channel c's integral diagnostics for ne elements x nn nodes per mass (zero-filled). */
static inline dy_status dy_grid_integrals_alloc(dy_yield_grid *g, int c, int ne, int nn,
                                                dy_error *err)
{
    dy_grid_integrals *m = &g->ch[c].mc;
    if (ne < 1 || ne > DY_GRID_MAX_ELEM || nn < 1)
        return dy_error_set(err, DY_ERR_INVALID, "integral diagnostics: %d elements x %d nodes", ne,
                            nn);
    const size_t n3 = (size_t)g->n_masses * (size_t)ne * (size_t)nn;
    m->n_elem = ne;
    m->n_nodes = nn;
    int ok = (m->E_GeV = calloc((size_t)g->n_masses * (size_t)nn, sizeof(double))) != NULL;
    ok &= (m->sigma_pb = calloc(n3, sizeof(double))) != NULL;
    ok &= (m->sigma_err_pb = calloc(n3, sizeof(double))) != NULL;
    ok &= (m->chi2_dof = calloc(n3, sizeof(double))) != NULL;
    ok &= (m->q = calloc(n3, sizeof(double))) != NULL;
    ok &= (m->n_eval = calloc(n3, sizeof(uint64_t))) != NULL;
    ok &= (m->n_nonfinite = calloc(n3, sizeof(uint64_t))) != NULL;
    ok &= (m->n_iter = calloc(n3, sizeof(int32_t))) != NULL;
    ok &= (m->converged = calloc(n3, sizeof(int32_t))) != NULL;
    return ok ? DY_OK : dy_error_set(err, DY_ERR_NOMEM, "integral diagnostics: out of memory");
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
