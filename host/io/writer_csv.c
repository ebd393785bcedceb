/* writer_csv.c — write a run's yield grid as two long-format CSV files (spectra and integrated
 * yields) with '#' header lines for units and provenance.  Both are members of one output set
 * (io/outset.h): renamed into place only when both are complete; on failure nothing is left. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "darkyield/dy.h"
#include "io/writer.h"

#define NUM "%.12g"

dy_status dy_csv_integrated_path(const char *path, char *out, size_t size, dy_error *err)
{
    size_t n = path ? strlen(path) : 0;
    if (n == 0) return dy_error_set(err, DY_ERR_INVALID, "dy_write_csv: no output path");
    if (n >= 4 && !strcmp(path + n - 4, ".csv")) n -= 4;
    if ((size_t)snprintf(out, size, "%.*s_integrated.csv", (int)n, path) >= size)
        return dy_error_set(err, DY_ERR_INVALID, "output path '%s' is too long", path);
    return DY_OK;
}

/* A metadata string on one comment line: newlines and carriage returns become spaces. */
static void put_meta(FILE *f, const char *s)
{
    for (s = s ? s : ""; *s; ++s)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void header(FILE *f, const dy_yield_grid *g, const char *what)
{
    fprintf(f, "# darkyield %s: ", g->version ? g->version : DY_VERSION);
    put_meta(f, what);
    fprintf(f, "\n# run: ");
    put_meta(f, g->name);
    fprintf(f, "; config_hash: %016llx; seed: %llu; backend: ", (unsigned long long)g->config_hash,
            (unsigned long long)g->seed);
    put_meta(f, g->backend);
    fprintf(f, "; device: ");
    put_meta(f, g->device);
    const dy_grid_coupling cp = dy_grid_coupling_of(g);
    char per[256], conv[3072];
    dy_grid_units(g, 0, per, sizeof per);
    dy_grid_conventions(g, conv, sizeof conv);
    fprintf(f, "\n# model: %s (%s); coupling: %s [%s]: %s\n", cp.model, cp.particle, cp.name,
            cp.unit, cp.definition);
    fprintf(f, "# yields are %s; *_err = 1 sigma\n# total: %s\n# conventions: %s\n", per,
            dy_grid_total_errors(g), conv);
    if (g->errors[0]) {
        fprintf(f, "# errors: ");
        put_meta(f, g->errors);
        fputc('\n', f);
    }
}

static void write_spectra(FILE *f, const dy_yield_grid *g)
{
    header(f, g, "produced-particle energy spectra dN/dE");
    fprintf(f, "# units: mass_GeV, E_lo_GeV, E_hi_GeV in GeV; dNdE_per_GeV, dNdE_err_per_GeV in "
               "1/GeV per particle on target\n");
    fprintf(f, "channel,mass_GeV,E_lo_GeV,E_hi_GeV,dNdE_per_GeV,dNdE_err_per_GeV\n");
    for (int c = 0; c <= g->n_channels; ++c) {
        const int tot = c == g->n_channels;
        const char *name = tot ? "total" : g->ch[c].name;
        const double *v = tot ? g->sum_dNdE : g->ch[c].dNdE;
        const double *e = tot ? g->sum_dNdE_err : g->ch[c].dNdE_err;
        for (int m = 0; m < g->n_masses; ++m)
            for (int b = 0; b < g->n_ebins; ++b) {
                const int i = dy_yield_grid_index(g, m, b);
                fprintf(f, "%s," NUM "," NUM "," NUM "," NUM "," NUM "\n", name, g->masses_GeV[m],
                        g->ebin_edges_GeV[b], g->ebin_edges_GeV[b + 1], v[i], e[i]);
            }
    }
}

static void write_integrated(FILE *f, const dy_yield_grid *g)
{
    header(f, g, "integrated yields");
    fprintf(f, "# units: mass_GeV and cut_energy_min_GeV in GeV; N_* in produced particles per "
               "particle on target; N_above_cut counts energies above cut_energy_min_GeV\n");
    fprintf(f, "channel,mass_GeV,N_above_cut,N_above_cut_err,N_total,N_total_err,"
               "cut_energy_min_GeV\n");
    for (int c = 0; c <= g->n_channels; ++c) {
        const int tot = c == g->n_channels;
        const dy_yield_channel *ch = &g->ch[tot ? 0 : c];
        for (int m = 0; m < g->n_masses; ++m)
            fprintf(f, "%s," NUM "," NUM "," NUM "," NUM "," NUM "," NUM "\n",
                    tot ? "total" : ch->name, g->masses_GeV[m],
                    tot ? g->sum_N_above[m] : ch->N_above[m],
                    tot ? g->sum_N_above_err[m] : ch->N_above_err[m],
                    tot ? g->sum_N_total[m] : ch->N_total[m],
                    tot ? g->sum_N_total_err[m] : ch->N_total_err[m], g->cut_energy_min_GeV);
    }
}

/* Geometry CSVs (docs/geometry.md): "<stem>_theta.csv" and "<stem>_depth.csv". */
static void write_theta(FILE *f, const dy_yield_grid *g)
{
    header(f, g, "produced-particle spectra dN/dE per angle bin");
    fprintf(f, "# theta: ");
    put_meta(f, g->theta_model);
    fprintf(f, "\n# units: GeV, rad; dNdE_per_GeV, dNdE_err_per_GeV in 1/GeV per particle on "
               "target (summed over theta bins: the spectra CSV)\n");
    fprintf(f, "channel,mass_GeV,E_lo_GeV,E_hi_GeV,theta_lo_rad,theta_hi_rad,dNdE_per_GeV,"
               "dNdE_err_per_GeV\n");
    const int NT = g->n_tbins;
    for (int c = 0; c <= g->n_channels; ++c) {
        const int tot = c == g->n_channels;
        const char *name = tot ? "total" : g->ch[c].name;
        const double *v = tot ? g->sum_dNdE_theta : g->ch[c].dNdE_theta;
        const double *e = tot ? g->sum_dNdE_theta_err : g->ch[c].dNdE_theta_err;
        for (int m = 0; m < g->n_masses; ++m)
            for (int b = 0; b < g->n_ebins; ++b)
                for (int t = 0; t < NT; ++t) {
                    const size_t i = (size_t)dy_yield_grid_index(g, m, b) * NT + t;
                    fprintf(f, "%s," NUM "," NUM "," NUM "," NUM "," NUM "," NUM "," NUM "\n", name,
                            g->masses_GeV[m], g->ebin_edges_GeV[b], g->ebin_edges_GeV[b + 1],
                            g->theta_edges_rad[t], g->theta_edges_rad[t + 1], v[i], e[i]);
                }
    }
}

static void write_depth(FILE *f, const dy_yield_grid *g)
{
    header(f, g, "produced-particle spectra dN/dE per production-depth bin");
    fprintf(f, "# depth: ");
    put_meta(f, g->depth_model);
    fprintf(f, "\n# units: GeV, cm; dNdE_per_GeV, dNdE_err_per_GeV in 1/GeV per particle on "
               "target (summed over depth bins: the spectra CSV)\n");
    fprintf(f, "channel,mass_GeV,depth_lo_cm,depth_hi_cm,E_lo_GeV,E_hi_GeV,dNdE_per_GeV,"
               "dNdE_err_per_GeV\n");
    const int ND = g->n_dbins, NB = g->n_ebins;
    for (int c = 0; c <= g->n_channels; ++c) {
        const int tot = c == g->n_channels;
        const char *name = tot ? "total" : g->ch[c].name;
        const double *v = tot ? g->sum_dNdE_depth : g->ch[c].dNdE_depth;
        const double *e = tot ? g->sum_dNdE_depth_err : g->ch[c].dNdE_depth_err;
        for (int m = 0; m < g->n_masses; ++m)
            for (int d = 0; d < ND; ++d)
                for (int b = 0; b < NB; ++b) {
                    const size_t i = ((size_t)m * ND + d) * NB + b;
                    fprintf(f, "%s," NUM "," NUM "," NUM "," NUM "," NUM "," NUM "," NUM "\n", name,
                            g->masses_GeV[m], g->depth_edges_cm[d], g->depth_edges_cm[d + 1],
                            g->ebin_edges_GeV[b], g->ebin_edges_GeV[b + 1], v[i], e[i]);
                }
    }
}

dy_status dy_csv_geometry_path(const char *path, const char *what, char *out, size_t size,
                               dy_error *err)
{
    size_t n = path ? strlen(path) : 0;
    if (n == 0) return dy_error_set(err, DY_ERR_INVALID, "dy_write_csv: no output path");
    if (n >= 4 && !strcmp(path + n - 4, ".csv")) n -= 4;
    if ((size_t)snprintf(out, size, "%.*s_%s.csv", (int)n, path, what) >= size)
        return dy_error_set(err, DY_ERR_INVALID, "output path '%s' is too long", path);
    return DY_OK;
}

dy_status dy_write_csv_to(dy_outset *s, const char *path, const dy_yield_grid *g, dy_error *err)
{
    char ipath[4200];
    dy_status st = dy_csv_integrated_path(path, ipath, sizeof ipath, err);
    if (st != DY_OK) return st;
    if ((st = dy_yield_grid_check(g, err)) != DY_OK) return st;
    FILE *f = dy_outset_add(s, path, err);
    if (!f) return err ? err->status : DY_ERR_IO;
    write_spectra(f, g);
    if (!(f = dy_outset_add(s, ipath, err))) return err ? err->status : DY_ERR_IO;
    write_integrated(f, g);
    for (int k = 0; k < 2; ++k) {
        if (!(k ? g->n_dbins > 0 && g->sum_dNdE_depth : g->n_tbins > 0 && g->sum_dNdE_theta))
            continue;
        if ((st = dy_csv_geometry_path(path, k ? "depth" : "theta", ipath, sizeof ipath, err)))
            return st;
        if (!(f = dy_outset_add(s, ipath, err))) return err ? err->status : DY_ERR_IO;
        if (k)
            write_depth(f, g);
        else
            write_theta(f, g);
    }
    return DY_OK; /* write errors surface when the set is committed */
}

dy_status dy_write_csv(const char *path, const dy_yield_grid *g, dy_error *err)
{
    dy_outset s;
    dy_outset_init(&s);
    dy_status st = dy_write_csv_to(&s, path, g, err);
    if (st != DY_OK) {
        dy_outset_abort(&s);
        return st;
    }
    return dy_outset_commit(&s, err);
}
