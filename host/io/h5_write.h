/* h5_write.h — the small HDF5 writing helpers shared by the run file (writer_hdf5.c) and the
 * cross-section file (xsec_hdf5.c), so both follow one convention: variable-length UTF-8 string
 * attributes, little-endian IEEE f64 / u64 / i32 data, a "units" attribute on every dataset, and
 * grid axes as HDF5 dimension scales (H5DS, libhdf5_hl) that h5py and xarray show as labelled
 * axes.  Every call returns 0 on success and -1 on failure, and closes what it opened. */
#ifndef DY_H5_WRITE_H
#define DY_H5_WRITE_H
#include <hdf5.h>
#include <stdint.h>

int dy_h5_attr_string(hid_t obj, const char *name, const char *value); /* NULL is written "" */
int dy_h5_attr_double(hid_t obj, const char *name, double x);
int dy_h5_attr_u64(hid_t obj, const char *name, uint64_t x);
int dy_h5_attr_int(hid_t obj, const char *name, int x);
/* A 1-D attribute of n doubles. */
int dy_h5_attr_doubles(hid_t obj, const char *name, const double *x, int n);

/* Dataset name in loc of rank 1..3 and the given dims from data (mem_type: H5T_NATIVE_DOUBLE,
 * H5T_NATIVE_UINT64 or H5T_NATIVE_INT32; stored as f64le, u64le or i32le), with the string
 * attributes "units" and "description" (description may be NULL: none). */
int dy_h5_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims, hid_t mem_type,
                  const void *data, const char *units, const char *desc);

/* Make dataset path (1-D) a dimension scale called label. */
int dy_h5_make_scale(hid_t loc, const char *path, const char *label);
/* Attach the dimension scales scale[i] (paths from loc; NULL: none) to the axes 0..rank-1 of
 * the dataset path, and label each axis with its scale's name. */
int dy_h5_attach(hid_t loc, const char *path, int rank, const char *const *scale);
#endif
