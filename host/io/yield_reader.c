/* yield_reader.c — HDF5 yield file reader (see yield_reader.h).  Every HDF5 call is checked;
 * automatic error printing is switched off and failures name the dataset or attribute. */
#include "io/yield_reader.h"
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read dataset name (1-D of n or 2-D of n0 x n1 doubles) into buf; -1 with err set on failure. */
static int read_ds(hid_t loc, const char *name, int rank, const hsize_t *want, double *buf,
                   const char *path, dy_error *err)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0) {
        dy_error_set(err, DY_ERR_IO, "%s: dataset '%s' missing (not a darkyield yield file?)", path,
                     name);
        return -1;
    }
    hid_t sp = H5Dget_space(ds);
    hsize_t dims[2] = {0, 0};
    const int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    int ok = r == rank && H5Sget_simple_extent_dims(sp, dims, NULL) == rank;
    for (int i = 0; ok && i < rank; ++i)
        ok = dims[i] == want[i];
    if (ok) ok = H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(ds);
    if (!ok) {
        dy_error_set(err, DY_ERR_IO, "%s: dataset '%s' has the wrong shape or type", path, name);
        return -1;
    }
    return 0;
}

static int dims_of(hid_t f, const char *name, hsize_t *n)
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    if (ds < 0) return -1;
    hid_t sp = H5Dget_space(ds);
    int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 &&
             H5Sget_simple_extent_dims(sp, n, NULL) == 1;
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(ds);
    return ok ? 0 : -1;
}

static int attr_double(hid_t f, const char *name, double *x)
{
    if (H5Aexists(f, name) <= 0) return -1;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return -1;
    int ok = H5Aread(a, H5T_NATIVE_DOUBLE, x) >= 0;
    H5Aclose(a);
    return ok ? 0 : -1;
}

/* A variable-length string attribute into buf (empty if absent). */
static void attr_string(hid_t f, const char *name, char *buf, size_t size)
{
    buf[0] = '\0';
    if (H5Aexists(f, name) <= 0) return;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return;
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char *s = NULL;
    if (H5Aread(a, t, &s) >= 0 && s) {
        snprintf(buf, size, "%s", s);
        H5free_memory(s);
    }
    H5Tclose(t);
    H5Aclose(a);
}

static int read_channel(hid_t f, const char *grp, int nm, int ne, double *dn, double *dne,
                        double *na, double *nae, double *nt, double *nte, const char *path,
                        dy_error *err)
{
    char k[96];
    const hsize_t d2[2] = {(hsize_t)nm, (hsize_t)ne}, d1[1] = {(hsize_t)nm};
    if (H5Lexists(f, grp, H5P_DEFAULT) <= 0) {
        dy_error_set(err, DY_ERR_NOT_FOUND, "%s: no channel '%s' in the yield file", path, grp);
        return -1;
    }
#define RD(nm_, r_, d_, b_)                                                                        \
    (snprintf(k, sizeof k, "%s/%s", grp, nm_), read_ds(f, k, r_, d_, b_, path, err))
    return RD("dNdE", 2, d2, dn) || RD("dNdE_err", 2, d2, dne) || RD("N_above_cut", 1, d1, na) ||
                   RD("N_above_cut_err", 1, d1, nae) || RD("N_total", 1, d1, nt) ||
                   RD("N_total_err", 1, d1, nte)
               ? -1
               : 0;
#undef RD
}

dy_status dy_yield_read(const char *path, const char (*channels)[32], int n_select,
                        dy_yield_file *out, dy_error *err)
{
    memset(out, 0, sizeof *out);
    if (access(path, R_OK) != 0)
        return dy_error_set(err, errno == ENOENT ? DY_ERR_NOT_FOUND : DY_ERR_IO,
                            "cannot open yield file '%s': %s (run 'darkyield run' on the matching "
                            "config first)",
                            path, strerror(errno));
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return dy_error_set(err, DY_ERR_IO, "'%s' is not an HDF5 file", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return dy_error_set(err, DY_ERR_IO, "cannot open HDF5 file '%s'", path);
    dy_status st = DY_OK;
    hsize_t nm = 0, ne1 = 0;
    char chlist[1024];
    const char *names[DY_GRID_MAX_CHANNELS];
    char store[DY_GRID_MAX_CHANNELS][32];
    int nch = 0;
    if (dims_of(f, "masses_GeV", &nm) || dims_of(f, "energy_bin_edges_GeV", &ne1) || nm < 1 ||
        ne1 < 2 || nm > 4096 || ne1 > 4097) {
        st = dy_error_set(err, DY_ERR_IO,
                          "%s: missing /masses_GeV or /energy_bin_edges_GeV (not a darkyield "
                          "yield file?)",
                          path);
        goto done;
    }
    if (attr_double(f, "coupling", &out->coupling) ||
        attr_double(f, "cut_energy_min_GeV", &out->cut_energy_min_GeV) || !(out->coupling > 0.0) ||
        !isfinite(out->coupling) || !isfinite(out->cut_energy_min_GeV)) {
        st = dy_error_set(err, DY_ERR_IO,
                          "%s: root attributes 'coupling' and "
                          "'cut_energy_min_GeV' are missing or invalid",
                          path);
        goto done;
    }
    attr_string(f, "name", out->name, sizeof out->name);
    attr_string(f, "model", out->model, sizeof out->model);
    if (n_select > 0) {
        for (int i = 0; i < n_select && i < DY_GRID_MAX_CHANNELS; ++i)
            names[nch++] = channels[i];
    } else {
        attr_string(f, "channels", chlist, sizeof chlist);
        for (char *tok = strtok(chlist, ","); tok && nch < DY_GRID_MAX_CHANNELS;
             tok = strtok(NULL, ",")) {
            snprintf(store[nch], sizeof store[nch], "%s", tok);
            names[nch] = store[nch];
            ++nch;
        }
        if (nch == 0) {
            snprintf(store[0], 32, "total");
            names[nch++] = store[0];
        }
    }
    if ((st = dy_yield_grid_alloc((int)nm, (int)ne1 - 1, nch, &out->g, err)) != DY_OK) goto done;
    dy_yield_grid *g = &out->g;
    const hsize_t d_m[1] = {nm}, d_e[1] = {ne1};
    if (read_ds(f, "masses_GeV", 1, d_m, g->masses_GeV, path, err) ||
        read_ds(f, "energy_bin_edges_GeV", 1, d_e, g->ebin_edges_GeV, path, err)) {
        st = err ? err->status : DY_ERR_IO;
        goto done;
    }
    for (int c = 0; c < nch; ++c) {
        dy_yield_channel *ch = &g->ch[c];
        snprintf(ch->name, sizeof ch->name, "%s", names[c]);
        if (read_channel(f, names[c], (int)nm, (int)ne1 - 1, ch->dNdE, ch->dNdE_err, ch->N_above,
                         ch->N_above_err, ch->N_total, ch->N_total_err, path, err)) {
            st = err ? err->status : DY_ERR_IO;
            goto done;
        }
    }
    dy_yield_grid_sum(g);
    g->cut_energy_min_GeV = out->cut_energy_min_GeV;
    g->coupling = out->coupling;
    g->model = out->model[0] ? out->model : NULL;
done:
    H5Fclose(f);
    if (st != DY_OK) dy_yield_file_free(out);
    return st;
}

void dy_yield_file_free(dy_yield_file *f)
{
    if (!f) return;
    dy_yield_grid_free(&f->g);
    memset(f, 0, sizeof *f);
}
