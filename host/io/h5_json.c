/* h5_json.c — walk an HDF5 file image and write what it holds as JSON (h5_json.h): groups,
 * datasets, attributes and dimension scales, read back through the HDF5 library itself so the
 * JSON is the file, not a second description of it. */
#include "io/h5_json.h"
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sb {
    char *s;
    size_t n, cap;
    int bad; /* out of memory or an HDF5 read failed */
} sb;

static void put(sb *b, const char *fmt, ...)
{
    if (b->bad) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        const int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->bad = 1;
            return;
        }
        if (b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        const size_t cap = 2 * (b->cap + (size_t)k) + 256;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->bad = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

static void put_str(sb *b, const char *s)
{
    put(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; ++p) {
        if (*p == '"' || *p == '\\')
            put(b, "\\%c", *p);
        else if (*p < 0x20)
            put(b, "\\u%04x", *p);
        else
            put(b, "%c", *p); /* UTF-8 passes through */
    }
    put(b, "\"");
}

static void put_double(sb *b, double x)
{
    char t[32];
    if (isnan(x))
        snprintf(t, sizeof t, "NaN");
    else if (isinf(x))
        snprintf(t, sizeof t, "%s", x > 0 ? "Infinity" : "-Infinity");
    else
        snprintf(t, sizeof t, "%.17g", x);             /* exact */
    put(b, "%s%s", t, strpbrk(t, ".eNI") ? "" : ".0"); /* stays a float in the reader */
}

/* A value of type t and space sp read by rd(obj, memtype, buf) (an attribute or a dataset). */
typedef herr_t (*reader)(hid_t obj, hid_t mem, void *buf);
static herr_t rd_attr(hid_t a, hid_t m, void *buf)
{
    return H5Aread(a, m, buf);
}
static herr_t rd_dset(hid_t d, hid_t m, void *buf)
{
    return H5Dread(d, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

static void put_value(sb *b, hid_t obj, hid_t t, hid_t sp, reader rd)
{
    hsize_t dims[H5S_MAX_RANK];
    const int rank = H5Sget_simple_extent_ndims(sp);
    const hssize_t n = H5Sget_simple_extent_npoints(sp);
    if (rank < 0 || n < 0 || H5Sget_simple_extent_dims(sp, dims, NULL) < 0) {
        b->bad = 1;
        return;
    }
    const H5T_class_t cls = H5Tget_class(t);
    const size_t size = H5Tget_size(t);
    if (cls == H5T_STRING && rank == 0) {
        char *v = NULL;
        if (H5Tis_variable_str(t) > 0) {
            hid_t m = H5Tcopy(H5T_C_S1);
            H5Tset_size(m, H5T_VARIABLE);
            H5Tset_cset(m, H5Tget_cset(t));
            if (rd(obj, m, &v) < 0) b->bad = 1;
            put(b, "{\"dtype\": \"str\", \"shape\": [], \"data\": ");
            put_str(b, v);
            put(b, "}");
            if (v) H5free_memory(v);
            H5Tclose(m);
        } else {
            hid_t m = H5Tcopy(t);
            char *buf = calloc(1, size + 1);
            if (!buf || rd(obj, m, buf) < 0) b->bad = 1;
            put(b, "{\"dtype\": \"str\", \"shape\": [], \"data\": ");
            put_str(b, buf);
            put(b, "}");
            free(buf);
            H5Tclose(m);
        }
        return;
    }
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) { /* not written by darkyield */
        put(b, "null");
        return;
    }
    const int sign = cls == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_2;
    const char *kind = cls == H5T_FLOAT ? "float" : sign ? "int" : "uint";
    put(b, "{\"dtype\": \"%s%zu\", \"shape\": [", kind, 8 * size);
    for (int i = 0; i < rank; ++i)
        put(b, "%s%llu", i ? ", " : "", (unsigned long long)dims[i]);
    put(b, "], \"data\": [");
    void *buf = malloc((size_t)(n ? n : 1) * 8);
    const hid_t m = cls == H5T_FLOAT ? H5T_NATIVE_DOUBLE
                    : sign           ? H5T_NATIVE_LLONG
                                     : H5T_NATIVE_ULLONG;
    if (!buf || (n && rd(obj, m, buf) < 0)) b->bad = 1;
    for (hssize_t i = 0; buf && !b->bad && i < n; ++i) {
        if (i) put(b, ", ");
        if (cls == H5T_FLOAT)
            put_double(b, ((double *)buf)[i]);
        else if (sign)
            put(b, "%lld", ((long long *)buf)[i]);
        else
            put(b, "%llu", ((unsigned long long *)buf)[i]);
    }
    free(buf);
    put(b, "]}");
}

static int is_ds_bookkeeping(const char *name)
{
    return !strcmp(name, "CLASS") || !strcmp(name, "NAME") || !strcmp(name, "DIMENSION_LIST") ||
           !strcmp(name, "REFERENCE_LIST") || !strcmp(name, "DIMENSION_LABELS");
}

typedef struct walk {
    sb *b;
    int first;
} walk;

static herr_t one_attr(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    walk *w = data;
    if (is_ds_bookkeeping(name)) return 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    put(w->b, "%s", w->first ? "" : ", ");
    w->first = 0;
    put_str(w->b, name);
    put(w->b, ": ");
    put_value(w->b, a, t, sp, rd_attr);
    H5Sclose(sp);
    H5Tclose(t);
    H5Aclose(a);
    return w->b->bad ? -1 : 0;
}

static void put_attrs(sb *b, hid_t obj)
{
    walk w = {b, 1};
    hsize_t idx = 0;
    put(b, "\"attrs\": {");
    if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, one_attr, &w) < 0) b->bad = 1;
    put(b, "}");
}

static herr_t one_scale(hid_t did, unsigned dim, hid_t sid, void *data)
{
    (void)did;
    (void)dim;
    walk *w = data;
    char path[512];
    if (H5Iget_name(sid, path, sizeof path) < 0) return -1;
    put(w->b, "%s", w->first ? "" : ", ");
    w->first = 0;
    put_str(w->b, path);
    return 0;
}

static void put_dims(sb *b, hid_t d, int rank)
{
    put(b, "\"dims\": [");
    for (int i = 0; i < rank; ++i) {
        char label[256] = "";
        if (H5DSget_label(d, (unsigned)i, label, sizeof label) < 0) label[0] = '\0';
        put(b, "%s{\"label\": ", i ? ", " : "");
        put_str(b, label);
        put(b, ", \"scales\": [");
        walk w = {b, 1};
        if (H5DSget_num_scales(d, (unsigned)i) > 0 &&
            H5DSiterate_scales(d, (unsigned)i, NULL, one_scale, &w) < 0)
            b->bad = 1;
        put(b, "]}");
    }
    put(b, "]");
}

static void put_node(sb *b, hid_t loc, const char *name);

static herr_t one_member(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    walk *w = data;
    put(w->b, "%s", w->first ? "" : ", ");
    w->first = 0;
    put_str(w->b, name);
    put(w->b, ": ");
    put_node(w->b, g, name);
    return w->b->bad ? -1 : 0;
}

static void put_node(sb *b, hid_t loc, const char *name)
{
    hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
    if (o < 0) {
        b->bad = 1;
        return;
    }
    if (H5Iget_type(o) == H5I_GROUP) {
        put(b, "{\"kind\": \"group\", ");
        put_attrs(b, o);
        put(b, ", \"members\": {");
        walk w = {b, 1};
        hsize_t idx = 0;
        if (H5Literate(o, H5_INDEX_NAME, H5_ITER_INC, &idx, one_member, &w) < 0) b->bad = 1;
        put(b, "}}");
    } else if (H5Iget_type(o) == H5I_DATASET) {
        hid_t t = H5Dget_type(o), sp = H5Dget_space(o);
        put(b, "{\"kind\": \"dataset\", ");
        put_attrs(b, o);
        put(b, ", \"value\": ");
        put_value(b, o, t, sp, rd_dset);
        put(b, ", ");
        put_dims(b, o, H5Sget_simple_extent_ndims(sp));
        put(b, "}");
        H5Sclose(sp);
        H5Tclose(t);
    } else {
        put(b, "null"); /* a named datatype: not written by darkyield */
    }
    H5Oclose(o);
}

dy_status dy_h5_image_json(const void *img, size_t len, char **out, dy_error *err)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* the image is only read: HDF5 neither copies nor frees it */
    hid_t f = H5LTopen_file_image((void *)img, len,
                                  H5LT_FILE_IMAGE_DONT_COPY | H5LT_FILE_IMAGE_DONT_RELEASE);
    if (f < 0) return dy_error_set(err, DY_ERR_IO, "cannot read back the HDF5 file image");
    sb b = {0};
    put_node(&b, f, "/");
    H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    if (b.bad) {
        free(b.s);
        return dy_error_set(err, DY_ERR_IO, "cannot describe the HDF5 file image as JSON");
    }
    *out = b.s;
    return DY_OK;
}
