/* yield_reader.c — HDF5 yield file reader (see yield_reader.h).  The file may come from anyone:
 * it is read into memory (a regular file only) and opened from that image (core driver), and
 * every object is checked for kind, type class, shape and size before anything is read into a
 * buffer; values are checked for range before use.  Automatic HDF5 error printing is off and
 * failures name the file and the dataset or attribute. */
#include "io/yield_reader.h"
#include "io/h5_memory.h"
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Numeric (integer or floating point) type class: what H5Dread may convert to double. */
static int numeric(hid_t type)
{
    const H5T_class_t c = H5Tget_class(type);
    return c == H5T_INTEGER || c == H5T_FLOAT;
}

/* name is a hard link in loc: soft and external links (which could make HDF5 open any file
 * on this machine) are not followed. */
static int hard_link(hid_t loc, const char *name)
{
    H5L_info_t li;
    return H5Lexists(loc, name, H5P_DEFAULT) > 0 && H5Lget_info(loc, name, &li, H5P_DEFAULT) >= 0 &&
           li.type == H5L_TYPE_HARD;
}

/* Data stored in this file: no external raw-data files, no virtual (multi-file) layout. */
static int self_contained(hid_t ds)
{
    hid_t pl = H5Dget_create_plist(ds);
    if (pl < 0) return 0;
    const H5D_layout_t lay = H5Pget_layout(pl);
    const int ok = H5Pget_external_count(pl) == 0 &&
                   (lay == H5D_CONTIGUOUS || lay == H5D_COMPACT || lay == H5D_CHUNKED);
    H5Pclose(pl);
    return ok;
}

/* Read dataset name (rank 1 to 3, exactly the dims want) of numbers into buf, all finite;
 * -1 with err set on failure.  grp names the group in messages ("" for the root). */
static int read_ds(hid_t loc, const char *grp, const char *name, int rank, const hsize_t *want,
                   double *buf, const char *path, dy_error *err)
{
    const char *sep = grp[0] ? "/" : "";
    if (!hard_link(loc, name)) {
        dy_error_set(err, DY_ERR_INVALID,
                     "%s: dataset '%s%s%s' missing (not a darkyield yield file?)", path, grp, sep,
                     name);
        return -1;
    }
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0) {
        dy_error_set(err, DY_ERR_INVALID, "%s: '%s%s%s' is not a dataset", path, grp, sep, name);
        return -1;
    }
    hid_t sp = H5Dget_space(ds), ty = H5Dget_type(ds);
    hsize_t dims[3] = {0, 0, 0};
    const int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    int ok = ty >= 0 && numeric(ty) && self_contained(ds) && r == rank &&
             H5Sget_simple_extent_dims(sp, dims, NULL) == rank;
    for (int i = 0; ok && i < rank; ++i)
        ok = dims[i] == want[i];
    const char *why = ok ? "read failed" : "the wrong shape or type";
    if (ok) ok = H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    if (ty >= 0) H5Tclose(ty);
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(ds);
    if (!ok) {
        dy_error_set(err, DY_ERR_INVALID, "%s: dataset '%s%s%s' has %s", path, grp, sep, name, why);
        return -1;
    }
    hsize_t n = 1;
    for (int i = 0; i < rank; ++i)
        n *= want[i];
    for (hsize_t i = 0; i < n; ++i)
        if (!isfinite(buf[i])) {
            dy_error_set(err, DY_ERR_INVALID, "%s: dataset '%s%s%s' holds a non-finite value (%g)",
                         path, grp, sep, name, buf[i]);
            return -1;
        }
    return 0;
}

/* Length of the 1-D dataset name (-1: missing, not 1-D or not numbers). */
static int dims_of(hid_t f, const char *name, hsize_t *n)
{
    if (!hard_link(f, name)) return -1;
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    if (ds < 0) return -1;
    hid_t sp = H5Dget_space(ds), ty = H5Dget_type(ds);
    int ok = sp >= 0 && ty >= 0 && numeric(ty) && H5Sget_simple_extent_ndims(sp) == 1 &&
             H5Sget_simple_extent_dims(sp, n, NULL) == 1;
    if (ty >= 0) H5Tclose(ty);
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(ds);
    return ok ? 0 : -1;
}

/* A root attribute holding exactly one element (scalar, or a simple space of one point). */
static hid_t open_single_attr(hid_t f, const char *name)
{
    if (H5Aexists(f, name) <= 0) return H5I_INVALID_HID;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return H5I_INVALID_HID;
    hid_t sp = H5Aget_space(a);
    const H5S_class_t k = sp >= 0 ? H5Sget_simple_extent_type(sp) : H5S_NO_CLASS;
    const int ok = k == H5S_SCALAR || (k == H5S_SIMPLE && H5Sget_simple_extent_npoints(sp) == 1);
    if (sp >= 0) H5Sclose(sp);
    if (!ok) {
        H5Aclose(a);
        return H5I_INVALID_HID;
    }
    return a;
}

static int attr_double(hid_t f, const char *name, double *x)
{
    hid_t a = open_single_attr(f, name);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a);
    int ok = t >= 0 && numeric(t) && H5Aread(a, H5T_NATIVE_DOUBLE, x) >= 0 && isfinite(*x);
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return ok ? 0 : -1;
}

/* A string attribute (variable or fixed length, one element) into buf; empty if absent or of
 * another kind. */
static void attr_string(hid_t f, const char *name, char *buf, size_t size)
{
    buf[0] = '\0';
    hid_t a = open_single_attr(f, name);
    if (a < 0) return;
    hid_t ft = H5Aget_type(a), mt = H5I_INVALID_HID;
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING) {
        const htri_t var = H5Tis_variable_str(ft);
        mt = H5Tcopy(H5T_C_S1);
        if (mt >= 0) H5Tset_cset(mt, H5Tget_cset(ft)); /* ASCII and UTF-8 do not convert */
        if (var > 0 && mt >= 0 && H5Tset_size(mt, H5T_VARIABLE) >= 0) {
            char *s = NULL;
            if (H5Aread(a, mt, &s) >= 0 && s) {
                snprintf(buf, size, "%s", s);
                H5free_memory(s);
            }
        } else if (var == 0 && mt >= 0) {
            const size_t n = H5Tget_size(ft); /* fixed length: read the whole element */
            char *s = n > 0 && n < (1u << 20) ? calloc(1, n + 1) : NULL;
            if (s && H5Tset_size(mt, n) >= 0 && H5Aread(a, mt, s) >= 0) {
                s[n] = '\0';
                snprintf(buf, size, "%s", s);
            }
            free(s);
        }
    }
    if (mt >= 0) H5Tclose(mt);
    if (ft >= 0) H5Tclose(ft);
    H5Aclose(a);
}

/* A channel name is also an HDF5 group name: letters, digits, '_', '+', '-' only. */
static int good_channel(const char *s)
{
    if (!s[0] || strlen(s) >= DY_GRID_NAME_LEN) return 0;
    for (; *s; ++s)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '+' || *s == '-'))
            return 0;
    return 1;
}

static int read_channel(hid_t f, const char *grp, int nm, int ne, double *dn, double *dne,
                        double *na, double *nae, double *nt, double *nte, const char *path,
                        dy_error *err)
{
    const hsize_t d2[2] = {(hsize_t)nm, (hsize_t)ne}, d1[1] = {(hsize_t)nm};
    if (H5Lexists(f, grp, H5P_DEFAULT) <= 0) {
        dy_error_set(err, DY_ERR_NOT_FOUND, "%s: no channel '%s' in the yield file", path, grp);
        return -1;
    }
    hid_t g = hard_link(f, grp) ? H5Gopen2(f, grp, H5P_DEFAULT) : H5I_INVALID_HID;
    if (g < 0) {
        dy_error_set(err, DY_ERR_INVALID, "%s: channel '%s' is not a group", path, grp);
        return -1;
    }
    const int bad = read_ds(g, grp, "dNdE", 2, d2, dn, path, err) ||
                    read_ds(g, grp, "dNdE_err", 2, d2, dne, path, err) ||
                    read_ds(g, grp, "N_above_cut", 1, d1, na, path, err) ||
                    read_ds(g, grp, "N_above_cut_err", 1, d1, nae, path, err) ||
                    read_ds(g, grp, "N_total", 1, d1, nt, path, err) ||
                    read_ds(g, grp, "N_total_err", 1, d1, nte, path, err);
    H5Gclose(g);
    return bad ? -1 : 0;
}

/* The HDF5 signature at offset 0, 512, 1024, ... (a user block may precede it). */
static int has_signature(const unsigned char *p, size_t n)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    for (size_t off = 0; off + 8 <= n; off = off ? 2 * off : 512)
        if (!memcmp(p + off, sig, 8)) return 1;
    return 0;
}

static dy_status read_file(hid_t f, const char *path, const char (*channels)[32], int n_select,
                           dy_yield_file *out, dy_error *err)
{
    dy_status st = DY_OK;
    hsize_t nm = 0, ne1 = 0;
    char chlist[1024];
    const char *names[DY_GRID_MAX_CHANNELS];
    char store[DY_GRID_MAX_CHANNELS][32];
    int nch = 0;
    if (dims_of(f, "masses_GeV", &nm) || dims_of(f, "energy_bin_edges_GeV", &ne1))
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: missing /masses_GeV or /energy_bin_edges_GeV (not a darkyield "
                            "yield file?)",
                            path);
    if (nm < 1 || ne1 < 2 || nm > DY_YIELD_MAX_MASSES || ne1 > DY_YIELD_MAX_EBINS + 1)
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: %llu masses and %llu energy bin edges: this reader takes 1..%d "
                            "masses and 2..%d edges",
                            path, (unsigned long long)nm, (unsigned long long)ne1,
                            DY_YIELD_MAX_MASSES, DY_YIELD_MAX_EBINS + 1);
    if (attr_double(f, "coupling", &out->coupling) ||
        attr_double(f, "cut_energy_min_GeV", &out->cut_energy_min_GeV) || !(out->coupling > 0.0) ||
        !isfinite(out->coupling) || !(out->cut_energy_min_GeV >= 0.0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: root attributes 'coupling' (> 0) and 'cut_energy_min_GeV' (>= 0) "
                            "are missing or invalid (one number each)",
                            path);
    attr_string(f, "name", out->name, sizeof out->name);
    attr_string(f, "model", out->model, sizeof out->model);
    if (n_select > 0) {
        for (int i = 0; i < n_select && i < DY_GRID_MAX_CHANNELS; ++i)
            names[nch++] = channels[i];
    } else {
        attr_string(f, "channels", chlist, sizeof chlist);
        char *save = NULL;
        for (char *tok = strtok_r(chlist, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (nch == DY_GRID_MAX_CHANNELS)
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: attribute 'channels' lists more than %d channels", path,
                                    DY_GRID_MAX_CHANNELS);
            snprintf(store[nch], sizeof store[nch], "%.31s", tok);
            names[nch] = store[nch];
            ++nch;
        }
        if (nch == 0) {
            snprintf(store[0], 32, "total");
            names[nch++] = store[0];
        }
    }
    for (int c = 0; c < nch; ++c)
        if (!good_channel(names[c]))
            return dy_error_set(err, DY_ERR_INVALID,
                                "%s: bad channel name '%s' (letters, digits, _ + - only)", path,
                                names[c]);
    if ((st = dy_yield_grid_alloc((int)nm, (int)ne1 - 1, nch, &out->g, err)) != DY_OK) return st;
    dy_yield_grid *g = &out->g;
    const hsize_t d_m[1] = {nm}, d_e[1] = {ne1};
    if (read_ds(f, "", "masses_GeV", 1, d_m, g->masses_GeV, path, err) ||
        read_ds(f, "", "energy_bin_edges_GeV", 1, d_e, g->ebin_edges_GeV, path, err))
        return err ? err->status : DY_ERR_INVALID;
    for (hsize_t i = 0; i < nm; ++i)
        if (!(g->masses_GeV[i] > 0.0))
            return dy_error_set(err, DY_ERR_INVALID, "%s: mass %g GeV is not positive", path,
                                g->masses_GeV[i]);
    for (hsize_t i = 0; i < ne1; ++i)
        if (!(g->ebin_edges_GeV[i] >= 0.0) ||
            (i > 0 && !(g->ebin_edges_GeV[i] > g->ebin_edges_GeV[i - 1])))
            return dy_error_set(err, DY_ERR_INVALID,
                                "%s: energy bin edges must be >= 0 and increasing (%g at %llu)",
                                path, g->ebin_edges_GeV[i], (unsigned long long)i);
    for (int c = 0; c < nch; ++c) {
        dy_yield_channel *ch = &g->ch[c];
        snprintf(ch->name, sizeof ch->name, "%s", names[c]);
        if (read_channel(f, names[c], (int)nm, (int)ne1 - 1, ch->dNdE, ch->dNdE_err, ch->N_above,
                         ch->N_above_err, ch->N_total, ch->N_total_err, path, err))
            return err ? err->status : DY_ERR_INVALID;
    }
    /* optional angle and production-depth spectra (a run with geometry.theta_bins and
     * geometry.depth_bins, docs/geometry.md) */
    hsize_t nd1 = 0, nt1 = 0;
    const int have_d = H5Lexists(f, "depth_bin_edges_cm", H5P_DEFAULT) > 0;
    const int have_t = H5Lexists(f, "theta_bin_edges_rad", H5P_DEFAULT) > 0;
    if (have_d &&
        (dims_of(f, "depth_bin_edges_cm", &nd1) || nd1 < 2 || nd1 > DY_YIELD_MAX_DBINS + 1))
        return dy_error_set(err, DY_ERR_INVALID, "%s: /depth_bin_edges_cm must hold 2..%d edges",
                            path, DY_YIELD_MAX_DBINS + 1);
    if (have_t &&
        (dims_of(f, "theta_bin_edges_rad", &nt1) || nt1 < 2 || nt1 > DY_YIELD_MAX_DBINS + 1))
        return dy_error_set(err, DY_ERR_INVALID, "%s: /theta_bin_edges_rad must hold 2..%d edges",
                            path, DY_YIELD_MAX_DBINS + 1);
    if (have_d || have_t) {
        const int nd = have_d ? (int)nd1 - 1 : 0, nt = have_t ? (int)nt1 - 1 : 0;
        if ((st = dy_yield_grid_alloc_geometry(g, nt, nd, err)) != DY_OK) return st;
        const hsize_t d_d[1] = {nd1}, d3[3] = {nm, (hsize_t)nd, ne1 - 1};
        const hsize_t d_t[1] = {nt1}, t3[3] = {nm, ne1 - 1, (hsize_t)nt};
        if ((have_d &&
             read_ds(f, "", "depth_bin_edges_cm", 1, d_d, g->depth_edges_cm, path, err)) ||
            (have_t &&
             read_ds(f, "", "theta_bin_edges_rad", 1, d_t, g->theta_edges_rad, path, err)))
            return err ? err->status : DY_ERR_INVALID;
        for (int i = 0; nd > 0 && i <= nd; ++i)
            if (!(g->depth_edges_cm[i] >= 0.0) || !isfinite(g->depth_edges_cm[i]) ||
                (i > 0 && !(g->depth_edges_cm[i] > g->depth_edges_cm[i - 1])))
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: depth bin edges must be finite, >= 0 and increasing",
                                    path);
        for (int i = 0; nt > 0 && i <= nt; ++i)
            if (!(g->theta_edges_rad[i] > 0.0) || !isfinite(g->theta_edges_rad[i]) ||
                (i > 0 && !(g->theta_edges_rad[i] > g->theta_edges_rad[i - 1])))
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: angle bin edges must be finite, > 0 and increasing", path);
        for (int c = 0; c < nch; ++c) {
            hid_t gr = H5Gopen2(f, names[c], H5P_DEFAULT);
            if (gr < 0) return dy_error_set(err, DY_ERR_INVALID, "%s: no group %s", path, names[c]);
            dy_yield_channel *ch = &g->ch[c];
            const int bad =
                (nd &&
                 (read_ds(gr, names[c], "dNdE_depth", 3, d3, ch->dNdE_depth, path, err) ||
                  read_ds(gr, names[c], "dNdE_depth_err", 3, d3, ch->dNdE_depth_err, path, err))) ||
                (nt &&
                 (read_ds(gr, names[c], "dNdE_theta", 3, t3, ch->dNdE_theta, path, err) ||
                  read_ds(gr, names[c], "dNdE_theta_err", 3, t3, ch->dNdE_theta_err, path, err)));
            H5Gclose(gr);
            if (bad) return err ? err->status : DY_ERR_INVALID;
        }
    }
    dy_yield_grid_sum(g);
    g->cut_energy_min_GeV = out->cut_energy_min_GeV;
    g->coupling = out->coupling;
    g->model = out->model[0] ? out->model : NULL;
    return DY_OK;
}

dy_status dy_yield_read_mem(const void *buf, size_t n, const char *path, const char (*channels)[32],
                            int n_select, dy_yield_file *out, dy_error *err)
{
    memset(out, 0, sizeof *out);
    if (!has_signature(buf, n))
        return dy_error_set(err, DY_ERR_INVALID, "'%s' is not an HDF5 file", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0 ||
        H5Pset_file_image(fapl, (void *)buf, n) < 0) {
        if (fapl >= 0) H5Pclose(fapl);
        return dy_error_set(err, DY_ERR_NOMEM, "%s: cannot set up the HDF5 reader", path);
    }
    hid_t f = H5Fopen(DY_H5_MEMORY_NAME, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0)
        return dy_error_set(err, DY_ERR_INVALID, "cannot open HDF5 file '%s' (damaged?)", path);
    const dy_status st = read_file(f, path, channels, n_select, out, err);
    H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    if (st != DY_OK) dy_yield_file_free(out);
    return st;
}

void dy_yield_file_free(dy_yield_file *f)
{
    if (!f) return;
    dy_yield_grid_free(&f->g);
    memset(f, 0, sizeof *f);
}
