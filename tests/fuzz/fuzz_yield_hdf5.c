/* fuzz_yield_hdf5.c — libFuzzer harness for darkyield's checks in the yield-file reader
 * (dy_yield_read_mem).  The input is a program that edits a valid yield file through the HDF5
 * API — objects replaced by datasets, attributes or groups of any type class, rank, dims, size
 * and value, deleted, or turned into soft/external links or external storage — so every file is
 * well formed for HDF5 (whose own parser is fuzzed by fuzz_yield_hdf5_raw) and what is explored
 * is what other tools could legitimately write.  The file lives in memory (core driver). */
#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "io/yield_reader.h"

typedef struct src {
    const uint8_t *p;
    size_t n;
} src;

static unsigned u8(src *s)
{
    if (!s->n) return 0;
    --s->n;
    return *s->p++;
}

static double num(src *s)
{
    static const double k[] = {0.0,     1.0, -1.0,     0.5,       100.0,  1e-4,   50.0, 1e300,
                               -1e-300, NAN, INFINITY, -INFINITY, 1e-320, 4096.0, 0.01, 1e6};
    const unsigned c = u8(s);
    if (c < 240) return k[c % 16] * (1.0 + (c / 16) * 0.25);
    double x = 0.0; /* raw bits */
    unsigned char b[8];
    for (int i = 0; i < 8; ++i)
        b[i] = (unsigned char)u8(s);
    memcpy(&x, b, sizeof x);
    return x;
}

static const char *const k_obj[] = {"masses_GeV",
                                    "energy_bin_edges_GeV",
                                    "brem-e-",
                                    "brem-e-/dNdE",
                                    "brem-e-/dNdE_err",
                                    "brem-e-/N_above_cut",
                                    "brem-e-/N_above_cut_err",
                                    "brem-e-/N_total",
                                    "brem-e-/N_total_err",
                                    "annihilation",
                                    "annihilation/dNdE",
                                    "annihilation/N_total",
                                    "total",
                                    "total/dNdE",
                                    "x/y/z"};
static const char *const k_attr[] = {"coupling", "cut_energy_min_GeV", "name", "channels"};
static const char *const k_piece[] = {
    "brem-e-", "annihilation", ",", "total", "../", "/", "brem-e-/dNdE", "a", "", "é", ",,", "x"};
#define NOBJ (sizeof k_obj / sizeof *k_obj)

/* A type: f64, f32, i32, u8, fixed string, variable string, compound of one double, or an
 * array of 3 doubles.  *vlen set for the variable string. */
static hid_t make_type(src *s, int *vlen, size_t *fixed)
{
    const unsigned c = u8(s) % 8;
    *vlen = 0;
    *fixed = 0;
    hid_t t;
    switch (c) {
    case 0: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case 1: return H5Tcopy(H5T_NATIVE_FLOAT);
    case 2: return H5Tcopy(H5T_NATIVE_INT);
    case 3: return H5Tcopy(H5T_NATIVE_UCHAR);
    case 4:
        t = H5Tcopy(H5T_C_S1);
        *fixed = 1 + u8(s) % 64;
        H5Tset_size(t, *fixed);
        if (u8(s) & 1) H5Tset_cset(t, H5T_CSET_UTF8);
        return t;
    case 5:
        t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
        if (u8(s) & 1) H5Tset_cset(t, H5T_CSET_UTF8);
        *vlen = 1;
        return t;
    case 6:
        t = H5Tcreate(H5T_COMPOUND, sizeof(double));
        H5Tinsert(t, "v", 0, H5T_NATIVE_DOUBLE);
        return t;
    default: {
        const hsize_t three = 3;
        return H5Tarray_create2(H5T_NATIVE_DOUBLE, 1, &three);
    }
    }
}

/* Values for n elements of type t: numbers converted by HDF5, strings from pieces. */
static void *make_values(src *s, hid_t t, int vlen, size_t fixed, size_t n, char ***strs)
{
    *strs = NULL;
    if (vlen) {
        char **v = calloc(n ? n : 1, sizeof *v);
        for (size_t i = 0; i < n; ++i) {
            char b[256] = "";
            const unsigned k = u8(s) % 6;
            for (unsigned j = 0; j < k; ++j)
                strncat(b, k_piece[u8(s) % 12], sizeof b - strlen(b) - 1);
            v[i] = strdup(b);
        }
        *strs = v;
        return v;
    }
    const size_t sz = H5Tget_size(t);
    unsigned char *v = calloc(n ? n : 1, sz ? sz : 1);
    for (size_t i = 0; i < n; ++i) {
        unsigned char *e = v + i * sz;
        if (fixed) {
            const unsigned c = u8(s);
            const char *piece = k_piece[c % 12];
            memcpy(e, piece, strlen(piece) < fixed ? strlen(piece) : fixed);
            if (c & 0x80) memset(e, 'n', fixed); /* unterminated */
        } else if (H5Tget_class(t) == H5T_FLOAT && sz == sizeof(double)) {
            const double x = num(s);
            memcpy(e, &x, sizeof x);
        } else {
            for (size_t j = 0; j < sz; ++j)
                e[j] = (unsigned char)u8(s);
        }
    }
    return v;
}

static void free_values(void *v, char **strs, size_t n)
{
    for (size_t i = 0; strs && i < n; ++i)
        free(strs[i]);
    free(v);
}

static hid_t make_space(src *s, size_t *n)
{
    const int rank = (int)(u8(s) % 4);
    hsize_t d[3] = {1, 1, 1};
    *n = 1;
    if (rank == 0) return H5Screate(H5S_SCALAR);
    for (int i = 0; i < rank; ++i) {
        d[i] = u8(s) % 9;
        *n *= d[i];
    }
    return H5Screate_simple(rank, d, NULL);
}

static void remove_link(hid_t f, const char *name)
{
    if (H5Lexists(f, name, H5P_DEFAULT) > 0) H5Ldelete(f, name, H5P_DEFAULT);
}

static void op(hid_t f, src *s)
{
    const unsigned what = u8(s) % 7;
    const char *name = k_obj[u8(s) % NOBJ];
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    int vlen;
    size_t fixed, n;
    char **strs;
    if (what == 0 || what == 6) { /* a dataset (what 6: its raw data in an external file) */
        remove_link(f, name);
        hid_t t = make_type(s, &vlen, &fixed), sp = make_space(s, &n);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        if (what == 6 && !vlen) H5Pset_external(dcpl, "/nonexistent/raw.bin", 0, H5F_UNLIMITED);
        hid_t d = H5Dcreate2(f, name, t, sp, lcpl, dcpl, H5P_DEFAULT);
        void *v = make_values(s, t, vlen, fixed, n, &strs);
        if (d >= 0 && what == 0) H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        free_values(v, strs, n);
        if (d >= 0) H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(sp);
        H5Tclose(t);
    } else if (what == 1) { /* a root attribute */
        const char *an = k_attr[u8(s) % 4];
        if (H5Aexists(f, an) > 0) H5Adelete(f, an);
        hid_t t = make_type(s, &vlen, &fixed), sp = make_space(s, &n);
        hid_t a = H5Acreate2(f, an, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        void *v = make_values(s, t, vlen, fixed, n, &strs);
        if (a >= 0) H5Awrite(a, t, v);
        free_values(v, strs, n);
        if (a >= 0) H5Aclose(a);
        H5Sclose(sp);
        H5Tclose(t);
    } else if (what == 2) {
        remove_link(f, name);
    } else if (what == 3) {
        remove_link(f, name);
        hid_t g = H5Gcreate2(f, name, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        if (g >= 0) H5Gclose(g);
    } else if (what == 4) {
        remove_link(f, name);
        H5Lcreate_soft(k_obj[u8(s) % NOBJ], f, name, lcpl, H5P_DEFAULT);
    } else {
        remove_link(f, name);
        H5Lcreate_external("/nonexistent/other.h5", "/", f, name, lcpl, H5P_DEFAULT);
    }
    H5Pclose(lcpl);
}

/* The valid starting point: 3 masses, 4 bins, channel brem-e-, written like darkyield does. */
static void base(hid_t f)
{
    static const double m[3] = {0.01, 0.1, 1.0}, e[5] = {0, 25, 50, 75, 100}, y[12] = {1e-6};
    const hsize_t d3 = 3, d5 = 5, d34[2] = {3, 4};
    hid_t s3 = H5Screate_simple(1, &d3, NULL), s5 = H5Screate_simple(1, &d5, NULL);
    hid_t s34 = H5Screate_simple(2, d34, NULL), sc = H5Screate(H5S_SCALAR);
    hid_t d =
        H5Dcreate2(f, "masses_GeV", H5T_IEEE_F64LE, s3, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m);
    H5Dclose(d);
    d = H5Dcreate2(f, "energy_bin_edges_GeV", H5T_IEEE_F64LE, s5, H5P_DEFAULT, H5P_DEFAULT,
                   H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, e);
    H5Dclose(d);
    hid_t g = H5Gcreate2(f, "brem-e-", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    static const char *const ds[6] = {"dNdE",    "dNdE_err",   "N_above_cut", "N_above_cut_err",
                                      "N_total", "N_total_err"};
    for (int i = 0; i < 6; ++i) {
        d = H5Dcreate2(g, ds[i], H5T_IEEE_F64LE, i < 2 ? s34 : s3, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, y);
        H5Dclose(d);
    }
    H5Gclose(g);
    const double c = 1e-4, cut = 50.0;
    hid_t a = H5Acreate2(f, "coupling", H5T_IEEE_F64LE, sc, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &c);
    H5Aclose(a);
    a = H5Acreate2(f, "cut_energy_min_GeV", H5T_IEEE_F64LE, sc, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &cut);
    H5Aclose(a);
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, H5T_VARIABLE);
    H5Tset_cset(st, H5T_CSET_UTF8);
    const char *ch = "brem-e-";
    a = H5Acreate2(f, "channels", st, sc, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, st, &ch);
    H5Aclose(a);
    H5Tclose(st);
    H5Sclose(s3);
    H5Sclose(s5);
    H5Sclose(s34);
    H5Sclose(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_core(fapl, 1 << 16, 0);
    hid_t f = H5Fcreate("/dev/null/fuzz-image.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0) return 0;
    base(f);
    src s = {data, size};
    for (int i = 0; i < 24 && s.n > 0; ++i)
        op(f, &s);
    H5Fflush(f, H5F_SCOPE_GLOBAL);
    const ssize_t n = H5Fget_file_image(f, NULL, 0);
    void *img = n > 0 ? malloc((size_t)n) : NULL;
    if (img && H5Fget_file_image(f, img, (size_t)n) != n) {
        free(img);
        img = NULL;
    }
    H5Fclose(f);
    if (!img) return 0;
    /* the selection path too: the user's channel list of a limit config */
    static const char sel[2][32] = {"brem-e-", "annihilation"};
    dy_yield_file y;
    dy_error err;
    const int pick = size > 0 ? data[0] % 3 : 0;
    if (dy_yield_read_mem(img, (size_t)n, "fuzz.h5", pick ? sel : NULL, pick == 2 ? 2 : pick, &y,
                          &err) == DY_OK) {
        /* the reader promises finite axes and values */
        for (int m = 0; m < y.g.n_masses; ++m)
            if (!isfinite(y.g.masses_GeV[m]) || !isfinite(y.g.ch[0].N_total[m])) abort();
        for (int b = 0; b <= y.g.n_ebins; ++b)
            if (!isfinite(y.g.ebin_edges_GeV[b])) abort();
        for (int i = 0; i < y.g.n_masses * y.g.n_ebins; ++i)
            if (!isfinite(y.g.ch[0].dNdE[i])) abort();
        if (!isfinite(y.coupling) || !(y.coupling > 0)) abort();
        dy_yield_file_free(&y);
    }
    free(img);
    return 0;
}
