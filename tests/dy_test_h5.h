/* dy_test_h5.h — bit-for-bit comparison of every dataset of two HDF5 files (shards, resumes and
 * MPI ranks must reproduce a single run exactly). */
#ifndef DY_TEST_H5_H
#define DY_TEST_H5_H
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dy_test.h"

typedef struct dy_h5_cmp {
    hid_t other;
    int n, bad;
    char first_bad[256];
} dy_h5_cmp;

static inline herr_t dy_h5_cmp_one(hid_t obj, const char *name, const H5O_info_t *info, void *vp)
{
    dy_h5_cmp *c = vp;
    if (info->type != H5O_TYPE_DATASET) return 0;
    hid_t a = H5Dopen2(obj, name, H5P_DEFAULT), b = H5Dopen2(c->other, name, H5P_DEFAULT);
    if (a < 0 || b < 0) {
        ++c->bad;
        snprintf(c->first_bad, sizeof c->first_bad, "%s missing", name);
        if (a >= 0) H5Dclose(a);
        if (b >= 0) H5Dclose(b);
        return 0;
    }
    hid_t sa = H5Dget_space(a), sb = H5Dget_space(b);
    const hssize_t na = H5Sget_simple_extent_npoints(sa), nb = H5Sget_simple_extent_npoints(sb);
    if (na != nb) {
        ++c->bad;
        snprintf(c->first_bad, sizeof c->first_bad, "%s: sizes differ", name);
    } else {
        double *va = malloc((size_t)na * sizeof *va), *vb = malloc((size_t)na * sizeof *vb);
        H5Dread(a, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, va);
        H5Dread(b, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, vb);
        if (memcmp(va, vb, (size_t)na * sizeof *va)) {
            if (!c->bad++) snprintf(c->first_bad, sizeof c->first_bad, "%s differs", name);
        }
        free(va);
        free(vb);
    }
    ++c->n;
    H5Sclose(sa);
    H5Sclose(sb);
    H5Dclose(a);
    H5Dclose(b);
    return 0;
}

/* Number of datasets compared; fails on any difference. */
static inline int dy_h5_same(const char *x, const char *y)
{
    hid_t fa = H5Fopen(x, H5F_ACC_RDONLY, H5P_DEFAULT),
          fb = H5Fopen(y, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (fa < 0 || fb < 0) fail_msg("cannot open %s or %s", x, y);
    dy_h5_cmp c = {fb, 0, 0, ""};
    H5Ovisit(fa, H5_INDEX_NAME, H5_ITER_NATIVE, dy_h5_cmp_one, &c
#if H5_VERSION_GE(1, 12, 0)
             ,
             H5O_INFO_BASIC
#endif
    );
    H5Fclose(fa);
    H5Fclose(fb);
    if (c.bad) fail_msg("%s vs %s: %d dataset(s) differ (%s)", x, y, c.bad, c.first_bad);
    return c.n;
}

#endif
