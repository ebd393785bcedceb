/* writer_hdf5.c — write a run's yield grid to one HDF5 file (HDF5 1.10 C API, plain types that
 * h5py reads: IEEE f64 datasets, variable-length UTF-8 string attributes).  The file is built in
 * memory and written through an output set (io/outset.h): unique temporary, rename when the
 * set is complete, nothing left behind on failure. */
#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "darkyield/dy.h"
#include "io/h5_memory.h"
#include "io/h5_write.h"
#include "io/writer.h"
#include "io/writer_hdf5_setup.h"

/* Keep the innermost (most specific) message of the HDF5 error stack. */
static herr_t last_desc(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    if (e && e->desc && e->desc[0]) snprintf((char *)data, 512, "%s", e->desc);
    return 0;
}

static dy_status h5_fail(dy_error *err, const char *path, const char *what)
{
    char detail[512] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, last_desc, detail);
    H5Eclear2(H5E_DEFAULT);
    return dy_error_set(err, DY_ERR_IO, "cannot write HDF5 file '%s': %s%s%s%s", path, what,
                        detail[0] ? " (HDF5: " : "", detail, detail[0] ? ")" : "");
}

static int attr_string(hid_t obj, const char *name, const char *value)
{
    return dy_h5_attr_string(obj, name, value);
}

static int attr_double(hid_t obj, const char *name, double x)
{
    return dy_h5_attr_double(obj, name, x);
}

static int write_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims,
                         const double *data, const char *units, const char *desc)
{
    return dy_h5_dataset(loc, name, rank, dims, H5T_NATIVE_DOUBLE, data, units, desc);
}

/* The grid axes as dimension scales (h5py's ds.dims, xarray's coordinates). */
static const char *const k_axes2[2] = {"/masses_GeV", "/energy_bin_centers_GeV"};

/* One group: /<name>/dNdE ... from the given arrays (a channel or the sums). */
/* The optional geometry datasets of a group (docs/geometry.md). */
static int write_geometry(hid_t grp, const dy_yield_grid *g, const char *name, const double *th,
                          const double *the, const double *dp, const double *dpe)
{
    char u[256], d[1600];
    int ok = 1;
    dy_grid_units(g, 1, u, sizeof u);
    if (g->n_tbins > 0 && th && the) {
        const hsize_t d3[3] = {(hsize_t)g->n_masses, (hsize_t)g->n_ebins, (hsize_t)g->n_tbins};
        snprintf(d, sizeof d,
                 "dN/dE of the bosons with angle theta in the bin ('%s'); shape [mass][energy "
                 "bin][theta bin] (axes /masses_GeV, /energy_bin_edges_GeV, "
                 "/theta_bin_edges_rad); the sum over theta bins is dNdE; %s",
                 name, g->theta_model);
        ok = ok && write_dataset(grp, "dNdE_theta", 3, d3, th, u, d) == 0;
        snprintf(d, sizeof d, "1-sigma uncertainty of dNdE_theta ('%s'): the share of dNdE_err",
                 name);
        ok = ok && write_dataset(grp, "dNdE_theta_err", 3, d3, the, u, d) == 0;
    }
    if (g->n_dbins > 0 && dp && dpe) {
        const hsize_t d3[3] = {(hsize_t)g->n_masses, (hsize_t)g->n_dbins, (hsize_t)g->n_ebins};
        snprintf(d, sizeof d,
                 "dN/dE of the bosons produced in the depth bin ('%s'); shape [mass][depth "
                 "bin][energy bin] (axes /masses_GeV, /depth_bin_edges_cm, "
                 "/energy_bin_edges_GeV); the sum over depth bins is dNdE; %s",
                 name, g->depth_model);
        ok = ok && write_dataset(grp, "dNdE_depth", 3, d3, dp, u, d) == 0;
        snprintf(d, sizeof d, "1-sigma uncertainty of dNdE_depth ('%s'): the share of dNdE_err",
                 name);
        ok = ok && write_dataset(grp, "dNdE_depth_err", 3, d3, dpe, u, d) == 0;
    }
    return ok ? 0 : -1;
}

static int write_group(hid_t f, const dy_yield_grid *g, const dy_yield_channel *ch,
                       const char *name, const double *dNdE, const double *dNdE_err,
                       const double *Na, const double *Na_err, const double *Nt,
                       const double *Nt_err, const char **what)
{
    char u_dnde[256], u_n[256], d[512];
    const hsize_t d2[2] = {(hsize_t)g->n_masses, (hsize_t)g->n_ebins};
    const hsize_t d1[1] = {(hsize_t)g->n_masses};
    const int tot = !strcmp(name, "total");
    const char *src = tot ? "sum over all channels of" : "channel";
    dy_grid_units(g, 1, u_dnde, sizeof u_dnde);
    dy_grid_units(g, 0, u_n, sizeof u_n);
    *what = name;
    hid_t grp = H5Gcreate2(f, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (grp < 0) return -1;
    int ok = 1;
    snprintf(d, sizeof d,
             "dN/dE of the produced particle, %s '%s'; shape [mass][energy bin] "
             "(axes /masses_GeV, /energy_bin_edges_GeV)",
             src, name);
    ok = ok && write_dataset(grp, "dNdE", 2, d2, dNdE, u_dnde, d) == 0;
    snprintf(d, sizeof d, "1-sigma uncertainty of dNdE (%s '%s'); shape [mass][energy bin]%s%s",
             src, name, tot ? "; " : "", tot ? dy_grid_total_errors(g) : "");
    ok = ok && write_dataset(grp, "dNdE_err", 2, d2, dNdE_err, u_dnde, d) == 0;
    snprintf(d, sizeof d,
             "yield with produced-particle energy above cut_energy_min_GeV = %g GeV "
             "(%s '%s'); shape [mass]",
             g->cut_energy_min_GeV, src, name);
    ok = ok && write_dataset(grp, "N_above_cut", 1, d1, Na, u_n, d) == 0;
    snprintf(d, sizeof d, "1-sigma uncertainty of N_above_cut (%s '%s'); shape [mass]", src, name);
    ok = ok && write_dataset(grp, "N_above_cut_err", 1, d1, Na_err, u_n, d) == 0;
    snprintf(d, sizeof d, "yield integrated over all energies (%s '%s'); shape [mass]", src, name);
    ok = ok && write_dataset(grp, "N_total", 1, d1, Nt, u_n, d) == 0;
    snprintf(d, sizeof d, "1-sigma uncertainty of N_total (%s '%s'); shape [mass]", src, name);
    ok = ok && write_dataset(grp, "N_total_err", 1, d1, Nt_err, u_n, d) == 0;
    static const char *const two[] = {"dNdE", "dNdE_err"};
    static const char *const one[] = {"N_above_cut", "N_above_cut_err", "N_total", "N_total_err"};
    for (int i = 0; ok && i < 2; ++i)
        ok = dy_h5_attach(grp, two[i], 2, k_axes2) == 0;
    for (int i = 0; ok && i < 4; ++i)
        ok = dy_h5_attach(grp, one[i], 1, k_axes2) == 0;
    if (ok && !tot) ok = dy_write_hdf5_integrals(f, grp, g, (int)(ch - g->ch)) == 0;
    if (ok)
        ok = write_geometry(grp, g, name,
                            tot  ? g->sum_dNdE_theta
                            : ch ? ch->dNdE_theta
                                 : NULL,
                            tot  ? g->sum_dNdE_theta_err
                            : ch ? ch->dNdE_theta_err
                                 : NULL,
                            tot  ? g->sum_dNdE_depth
                            : ch ? ch->dNdE_depth
                                 : NULL,
                            tot  ? g->sum_dNdE_depth_err
                            : ch ? ch->dNdE_depth_err
                                 : NULL) == 0;
    ok &= H5Gclose(grp) >= 0;
    return ok ? 0 : -1;
}

static int write_root_attrs(hid_t f, const dy_yield_grid *g)
{
    char hash[24], created[32], channels[DY_GRID_MAX_CHANNELS * (DY_GRID_NAME_LEN + 1)] = "";
    char per[256], conv[3072];
    const dy_grid_coupling cp = dy_grid_coupling_of(g);
    dy_grid_units(g, 0, per, sizeof per);
    dy_grid_conventions(g, conv, sizeof conv);
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)g->config_hash);
    const time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(created, sizeof created, "unknown");
    dy_grid_channel_list(g, channels, sizeof channels);
    const unsigned long long seed = g->seed;
    return attr_string(f, "name", g->name) || attr_string(f, "config", g->config_text) ||
           attr_string(f, "config_hash", hash) ||
           attr_string(f, "version", g->version ? g->version : DY_VERSION) ||
           attr_string(f, "backend", g->backend) || attr_string(f, "device", g->device) ||
           dy_h5_attr_u64(f, "seed", seed) ||
           attr_double(f, "cut_energy_min_GeV", g->cut_energy_min_GeV) ||
           attr_double(f, "coupling", g->coupling) || attr_string(f, "model", cp.model) ||
           attr_string(f, "coupling_name", cp.name) || attr_string(f, "coupling_unit", cp.unit) ||
           attr_string(f, "coupling_definition", cp.definition) ||
           attr_string(f, "yields_per", per) || attr_string(f, "conventions", conv) ||
           attr_string(f, "total_errors", dy_grid_total_errors(g)) ||
           attr_double(f, "wall_seconds", g->wall_seconds) ||
           attr_string(f, "channels", channels) || attr_string(f, "created", created) ||
           attr_string(f, "errors", g->errors);
}

static int write_all(hid_t f, const dy_yield_grid *g, const char **what)
{
    const hsize_t nm[1] = {(hsize_t)g->n_masses}, ne[1] = {(hsize_t)g->n_ebins + 1};
    *what = "root attributes";
    if (write_root_attrs(f, g)) return -1;
    *what = "/masses_GeV";
    if (write_dataset(f, "masses_GeV", 1, nm, g->masses_GeV, "GeV",
                      "mass of the produced particle (mediator or ALP); first axis of dNdE"))
        return -1;
    *what = "/energy_bin_edges_GeV";
    if (write_dataset(f, "energy_bin_edges_GeV", 1, ne, g->ebin_edges_GeV, "GeV",
                      "edges of the produced-particle energy bins (n_ebins + 1); the bins of the "
                      "second axis of dNdE"))
        return -1;
    *what = "/energy_bin_centers_GeV";
    const hsize_t nb[1] = {(hsize_t)g->n_ebins};
    double *mid = malloc((size_t)g->n_ebins * sizeof *mid);
    if (!mid) return -1;
    for (int i = 0; i < g->n_ebins; ++i)
        mid[i] = 0.5 * (g->ebin_edges_GeV[i] + g->ebin_edges_GeV[i + 1]);
    const int bad = write_dataset(f, "energy_bin_centers_GeV", 1, nb, mid, "GeV",
                                  "centres of the produced-particle energy bins (edges: "
                                  "/energy_bin_edges_GeV); second axis of dNdE");
    free(mid);
    if (bad || dy_h5_make_scale(f, "masses_GeV", "mass_GeV") ||
        dy_h5_make_scale(f, "energy_bin_centers_GeV", "energy_GeV"))
        return -1;
    *what = "/beam, /target, /model";
    if (dy_write_hdf5_setup(f, g)) return -1;
    if (g->n_tbins > 0 && g->theta_edges_rad) {
        const hsize_t nt[1] = {(hsize_t)g->n_tbins + 1};
        *what = "/theta_bin_edges_rad";
        if (write_dataset(f, "theta_bin_edges_rad", 1, nt, g->theta_edges_rad, "rad",
                          "edges of the angle bins of dNdE_theta (log-spaced; the first bin also "
                          "takes smaller angles, the last larger ones); third axis of dNdE_theta"))
            return -1;
    }
    if (g->n_dbins > 0 && g->depth_edges_cm) {
        const hsize_t nd[1] = {(hsize_t)g->n_dbins + 1};
        *what = "/depth_bin_edges_cm";
        if (write_dataset(f, "depth_bin_edges_cm", 1, nd, g->depth_edges_cm, "cm",
                          "edges of the production-depth bins of dNdE_depth, from the target's "
                          "front face to its back; second axis of dNdE_depth"))
            return -1;
    }
    for (int c = 0; c < g->n_channels; ++c) {
        const dy_yield_channel *ch = &g->ch[c];
        if (write_group(f, g, ch, ch->name, ch->dNdE, ch->dNdE_err, ch->N_above, ch->N_above_err,
                        ch->N_total, ch->N_total_err, what))
            return -1;
    }
    return write_group(f, g, NULL, "total", g->sum_dNdE, g->sum_dNdE_err, g->sum_N_above,
                       g->sum_N_above_err, g->sum_N_total, g->sum_N_total_err, what);
}

/* The whole file as a memory image (HDF5 core driver without backing store: the library never
 * touches the disk, so a full disk or a failed write cannot leave HDF5 with an open file). */
dy_status dy_hdf5_image(const char *path, const dy_yield_grid *g, void **img, size_t *len,
                        dy_error *err)
{
    *img = NULL;
    *len = 0;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors become dy_error, not stderr noise */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, 1 << 20, 0) < 0) {
        if (fapl >= 0) H5Pclose(fapl);
        return h5_fail(err, path, "cannot set up the in-memory file");
    }
    hid_t f = H5Fcreate(DY_H5_MEMORY_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0) return h5_fail(err, path, "cannot create the file");
    const char *what = "";
    char msg[128];
    dy_status st = DY_OK;
    ssize_t n = -1;
    if (write_all(f, g, &what)) {
        snprintf(msg, sizeof msg, "writing %s failed", what);
        st = h5_fail(err, path, msg);
    } else if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || (n = H5Fget_file_image(f, NULL, 0)) <= 0 ||
               !(*img = malloc((size_t)n)) || H5Fget_file_image(f, *img, (size_t)n) != n) {
        st = *img || n <= 0 ? h5_fail(err, path, "cannot take the file image")
                            : dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
    }
    if (H5Fclose(f) < 0 && st == DY_OK) st = h5_fail(err, path, "closing the file failed");
    if (st != DY_OK) {
        free(*img);
        *img = NULL;
        return st;
    }
    *len = (size_t)n;
    return DY_OK;
}

dy_status dy_write_hdf5_to(dy_outset *s, const char *path, const dy_yield_grid *g, dy_error *err)
{
    void *img;
    size_t n;
    if (!path || !path[0])
        return dy_error_set(err, DY_ERR_INVALID, "dy_write_hdf5: no output path");
    dy_status st = dy_yield_grid_check(g, err);
    if (st != DY_OK) return st;
    if ((st = dy_hdf5_image(path, g, &img, &n, err)) != DY_OK) return st;
    FILE *f = dy_outset_add(s, path, err);
    if (!f) st = err ? err->status : DY_ERR_IO;
    if (f && fwrite(img, 1, n, f) != n)
        st = dy_error_set(err, DY_ERR_IO, "cannot write HDF5 file '%s': %s", path,
                          strerror(errno ? errno : EIO));
    free(img);
    return st;
}

dy_status dy_write_hdf5(const char *path, const dy_yield_grid *g, dy_error *err)
{
    dy_outset s;
    dy_outset_init(&s);
    dy_status st = dy_write_hdf5_to(&s, path, g, err);
    if (st != DY_OK) {
        dy_outset_abort(&s);
        return st;
    }
    return dy_outset_commit(&s, err);
}
