/* xsec_hdf5.c — write a cross-section table as HDF5: datasets energy_GeV, mass_GeV, method, sigma,
 * error, chi2_dof, q, n_eval, converged, unit (one row per grid point and method), attributes for
 * the process, units and the run (seed, backend, command, version, created); plain types so
 * h5py reads it without custom code, UTF-8 strings as in the run file (io/h5_write.h). */
#include "xsec_hdf5.h"
#include "io/h5_memory.h"
#include "io/h5_write.h"
#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int dset_d(hid_t f, const char *name, const double *v, int n, const char *units)
{
    const hsize_t dim = (hsize_t)n;
    return dy_h5_dataset(f, name, 1, &dim, H5T_NATIVE_DOUBLE, v, units, NULL) == 0;
}

/* A 1-D dataset of variable-length UTF-8 strings. */
static int dset_s(hid_t f, const char *name, const char *const *v, int n)
{
    hsize_t dim = (hsize_t)n;
    hid_t st = H5Tcopy(H5T_C_S1), sp = H5Screate_simple(1, &dim, NULL), d = H5I_INVALID_HID;
    int ok = st >= 0 && sp >= 0 && H5Tset_size(st, H5T_VARIABLE) >= 0 &&
             H5Tset_cset(st, H5T_CSET_UTF8) >= 0 &&
             (d = H5Dcreate2(f, name, st, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Dwrite(d, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
    if (d >= 0) ok &= H5Dclose(d) >= 0;
    if (sp >= 0) H5Sclose(sp);
    if (st >= 0) H5Tclose(st);
    return ok;
}

static int attr_s(hid_t f, const char *name, const char *v)
{
    return dy_h5_attr_string(f, name, v) == 0;
}

static int attr_d(hid_t f, const char *name, double v)
{
    return dy_h5_attr_double(f, name, v) == 0;
}

/* The file built in memory (core driver, no backing store) and added to the set: HDF5 never
 * holds a file on disk, so a full disk cannot leave it in a broken state. */
dy_status dy_write_xsec_hdf5_to(dy_outset *set, const char *path, const dy_xsec_table *t,
                                dy_error *err)
{
    char note[256];
    snprintf(note, sizeof note,
             "cross sections at coupling %s = %.10g (attribute 'coupling'); they scale as %s^2",
             t->coupling_name ? t->coupling_name : "coupling", t->coupling,
             t->coupling_name ? t->coupling_name : "coupling");
    char created[32];
    const time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(created, sizeof created, "unknown");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0) {
        if (fapl >= 0) H5Pclose(fapl);
        return dy_error_set(err, DY_ERR_IO, "writing HDF5 file %s failed", path);
    }
    hid_t f = H5Fcreate(DY_H5_MEMORY_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0) return dy_error_set(err, DY_ERR_IO, "cannot write %s", path);
    /* integers as in the run file's integral diagnostics: n_eval uint64, converged int32 */
    int32_t *cv = malloc((size_t)t->n * sizeof *cv);
    const hsize_t nr = (hsize_t)t->n;
    int ok = cv != NULL;
    for (int i = 0; ok && i < t->n; ++i)
        cv[i] = (int32_t)t->converged[i];
    ok = ok && dset_d(f, "energy_GeV", t->energy_GeV, t->n, "GeV");
    ok = ok && dset_d(f, "mass_GeV", t->mass_GeV, t->n, "GeV");
    ok = ok && dset_s(f, "method", t->method, t->n);
    ok = ok && dset_d(f, "sigma", t->sigma, t->n, "see dataset 'unit' (pb, or pb*GeV for nwa)");
    ok = ok && dset_d(f, "error", t->error, t->n, "same as sigma; one standard deviation");
    ok = ok && dset_s(f, "unit", t->unit, t->n);
    ok = ok && dset_d(f, "chi2_dof", t->chi2_dof, t->n, "1");
    ok = ok && dset_d(f, "q", t->q, t->n, "1");
    ok = ok && !dy_h5_dataset(f, "n_eval", 1, &nr, H5T_NATIVE_UINT64, t->n_eval, "1",
                              "integrand evaluations, warm-up included (0: closed form)");
    ok = ok && !dy_h5_dataset(f, "converged", 1, &nr, H5T_NATIVE_INT32, cv, "1",
                              "1 = precision goal met");
    ok = ok && attr_s(f, "process", t->process) && attr_s(f, "lepton", t->lepton) &&
         attr_s(f, "mediator", t->mediator) && attr_s(f, "version", t->version) &&
         attr_s(f, "command", t->command) && attr_d(f, "Z", t->Z) && attr_d(f, "A", t->A) &&
         attr_d(f, "coupling", t->coupling) && attr_s(f, "model", t->model) &&
         attr_s(f, "coupling_name", t->coupling_name) &&
         attr_s(f, "coupling_unit", t->coupling_unit) &&
         attr_s(f, "coupling_definition", t->coupling_definition) &&
         attr_s(f, "form_factor", t->form_factor) && attr_s(f, "conventions", t->conventions) &&
         attr_s(f, "notes", t->notes) && attr_s(f, "note", note) &&
         dy_h5_attr_u64(f, "seed", t->seed) == 0 && attr_s(f, "backend", t->backend) &&
         attr_s(f, "device", t->device) && attr_d(f, "precision", t->precision) &&
         dy_h5_attr_u64(f, "max_eval", t->max_eval) == 0 && attr_s(f, "created", created);
    free(cv);
    void *img = NULL;
    ssize_t n = -1;
    ok = ok && H5Fflush(f, H5F_SCOPE_GLOBAL) >= 0 && (n = H5Fget_file_image(f, NULL, 0)) > 0 &&
         (img = malloc((size_t)n)) && H5Fget_file_image(f, img, (size_t)n) == n;
    ok = H5Fclose(f) >= 0 && ok;
    if (!ok) {
        free(img);
        return dy_error_set(err, DY_ERR_IO, "writing HDF5 file %s failed", path);
    }
    FILE *out = dy_outset_add(set, path, err);
    dy_status st = out ? DY_OK : err ? err->status : DY_ERR_IO;
    if (out && fwrite(img, 1, (size_t)n, out) != (size_t)n)
        st = dy_error_set(err, DY_ERR_IO, "cannot write %s: %s", path,
                          strerror(errno ? errno : EIO));
    free(img);
    return st;
}

dy_status dy_write_xsec_hdf5(const char *path, const dy_xsec_table *t, dy_error *err)
{
    dy_outset set;
    dy_outset_init(&set);
    const dy_status st = dy_write_xsec_hdf5_to(&set, path, t, err);
    if (st != DY_OK) {
        dy_outset_abort(&set);
        return st;
    }
    return dy_outset_commit(&set, err);
}
