/* h5_write.c — HDF5 writing helpers (see h5_write.h). */
#include "io/h5_write.h"
#include <hdf5_hl.h>

int dy_h5_attr_string(hid_t obj, const char *name, const char *value)
{
    const char *v = value ? value : "";
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    int ok = t >= 0 && sp >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
             H5Tset_cset(t, H5T_CSET_UTF8) >= 0;
    if (ok)
        ok = (a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, t, &v) >= 0;
    if (a >= 0) ok &= H5Aclose(a) >= 0;
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    return ok ? 0 : -1;
}

static int attr_n(hid_t obj, const char *name, hid_t file_type, hid_t mem_type, const void *value,
                  int n)
{
    const hsize_t dim = (hsize_t)n;
    hid_t sp = n < 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL), a = H5I_INVALID_HID;
    int ok = sp >= 0 && (a = H5Acreate2(obj, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, mem_type, value) >= 0;
    if (a >= 0) ok &= H5Aclose(a) >= 0;
    if (sp >= 0) H5Sclose(sp);
    return ok ? 0 : -1;
}

int dy_h5_attr_double(hid_t obj, const char *name, double x)
{
    return attr_n(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &x, -1);
}

int dy_h5_attr_u64(hid_t obj, const char *name, uint64_t x)
{
    return attr_n(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &x, -1);
}

int dy_h5_attr_int(hid_t obj, const char *name, int x)
{
    const int32_t v = (int32_t)x;
    return attr_n(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &v, -1);
}

int dy_h5_attr_doubles(hid_t obj, const char *name, const double *x, int n)
{
    return n < 1 ? -1 : attr_n(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x, n);
}

int dy_h5_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims, hid_t mem_type,
                  const void *data, const char *units, const char *desc)
{
    const hid_t ft = H5Tequal(mem_type, H5T_NATIVE_UINT64) > 0  ? H5T_STD_U64LE
                     : H5Tequal(mem_type, H5T_NATIVE_INT32) > 0 ? H5T_STD_I32LE
                                                                : H5T_IEEE_F64LE;
    hid_t sp = H5Screate_simple(rank, dims, NULL), ds = H5I_INVALID_HID;
    int ok = sp >= 0 &&
             (ds = H5Dcreate2(loc, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0 &&
             dy_h5_attr_string(ds, "units", units) == 0 &&
             (!desc || dy_h5_attr_string(ds, "description", desc) == 0);
    if (ds >= 0) ok &= H5Dclose(ds) >= 0;
    if (sp >= 0) H5Sclose(sp);
    return ok ? 0 : -1;
}

int dy_h5_make_scale(hid_t loc, const char *path, const char *label)
{
    hid_t ds = H5Dopen2(loc, path, H5P_DEFAULT);
    int ok = ds >= 0 && H5DSset_scale(ds, label) >= 0;
    if (ds >= 0) ok &= H5Dclose(ds) >= 0;
    return ok ? 0 : -1;
}

int dy_h5_attach(hid_t loc, const char *path, int rank, const char *const *scale)
{
    hid_t ds = H5Dopen2(loc, path, H5P_DEFAULT);
    int ok = ds >= 0;
    for (int i = 0; ok && i < rank; ++i) {
        if (!scale[i]) continue;
        hid_t sc = H5Dopen2(loc, scale[i], H5P_DEFAULT);
        char label[64] = "";
        ok = sc >= 0 && H5DSattach_scale(ds, sc, (unsigned)i) >= 0 &&
             H5DSget_scale_name(sc, label, sizeof label) > 0 &&
             H5DSset_label(ds, (unsigned)i, label) >= 0; /* h5py: ds.dims[i].label */
        if (sc >= 0) ok &= H5Dclose(sc) >= 0;
    }
    if (ds >= 0) ok &= H5Dclose(ds) >= 0;
    return ok ? 0 : -1;
}
