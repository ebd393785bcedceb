/* test_writers.c — the HDF5 and CSV writers: a small synthetic yield grid is written and read
 * back (HDF5 C API: datasets, shapes, values, units/config attributes; h5dump parses it; CSV
 * rows, columns and values), and failing writes leave neither the file nor a .tmp behind. */
#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test.h"
#include "io/writer.h"

#define TMPDIR DY_BINARY_DIR "/test_writers_tmp"
enum { NM = 3, NE = 4, NCH = 2 };

static const char *const k_config = "name: synth\nbeam: {particle: e-, energy_GeV: 100}\n";
static dy_yield_grid grid;
static dy_error err;

static double val_dnde(int c, int m, int b)
{
    return (c + 1) * 1e-6 * (m + 1) / (b + 1.0);
}
static double val_na(int c, int m)
{
    return (c + 1) * 1e-5 * (m + 1) + 1e-7 * c;
}

static void make_grid(void)
{
    static const double masses[NM] = {0.001, 0.01, 0.1};
    assert_int_equal(dy_yield_grid_alloc(NM, NE, NCH, &grid, &err), DY_OK);
    assert_int_equal(dy_yield_grid_set_channel(&grid, 0, "brem-e-", &err), DY_OK);
    assert_int_equal(dy_yield_grid_set_channel(&grid, 1, "annihilation", &err), DY_OK);
    for (int m = 0; m < NM; ++m)
        grid.masses_GeV[m] = masses[m];
    dy_yield_grid_linear_edges(&grid, 0.0, 100.0);
    for (int c = 0; c < NCH; ++c)
        for (int m = 0; m < NM; ++m) {
            for (int b = 0; b < NE; ++b) {
                const int i = dy_yield_grid_index(&grid, m, b);
                grid.ch[c].dNdE[i] = val_dnde(c, m, b);
                grid.ch[c].dNdE_err[i] = 0.01 * val_dnde(c, m, b);
            }
            grid.ch[c].N_above[m] = val_na(c, m);
            grid.ch[c].N_above_err[m] = 0.02 * val_na(c, m);
            grid.ch[c].N_total[m] = 2.0 * val_na(c, m);
            grid.ch[c].N_total_err[m] = 0.03 * val_na(c, m);
        }
    dy_yield_grid_sum(&grid);
    grid.name = "synth";
    grid.config_text = k_config;
    grid.config_hash = 0x0123456789abcdefull;
    grid.version = "9.9.9-test";
    grid.backend = "cpu";
    grid.device = "test device\nwith a newline";
    grid.cut_energy_min_GeV = 50.0;
    grid.coupling = 1e-3;
    grid.model = "lmu-ltau"; /* the outputs name its coupling g_Z' */
    grid.seed = 42;
    grid.wall_seconds = 1.5;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static const char *in_tmp(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    mkdir(TMPDIR, 0755);
    snprintf(buf[k], sizeof buf[k], "%s/%s", TMPDIR, name);
    return buf[k];
}

static int setup(void **state)
{
    (void)state;
    make_grid();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dy_yield_grid_free(&grid);
    return 0;
}

/* -------------------------------------------------------------------------------- grid sums */

static void sums_in_quadrature(void **state)
{
    (void)state;
    const int i = dy_yield_grid_index(&grid, 2, 1);
    dy_assert_close(grid.sum_dNdE[i], val_dnde(0, 2, 1) + val_dnde(1, 2, 1), 0, 1e-15);
    dy_assert_close(grid.sum_dNdE_err[i], 0.01 * hypot(val_dnde(0, 2, 1), val_dnde(1, 2, 1)), 0,
                    1e-14);
    dy_assert_close(grid.sum_N_above[1], val_na(0, 1) + val_na(1, 1), 0, 1e-15);
    dy_assert_close(grid.sum_N_total_err[1], 0.03 * hypot(val_na(0, 1), val_na(1, 1)), 0, 1e-14);
    dy_assert_close(grid.ebin_edges_GeV[1], 25.0, 0, 0);
    dy_yield_grid tmp;
    assert_int_equal(dy_yield_grid_alloc(0, 4, 1, &tmp, &err), DY_ERR_INVALID);
    assert_int_equal(dy_yield_grid_alloc(2, 4, 9, &tmp, &err), DY_ERR_INVALID);
    assert_int_equal(dy_yield_grid_set_channel(&grid, 0, "total", &err), DY_ERR_INVALID);
    assert_int_equal(dy_yield_grid_set_channel(&grid, 0, "a/b", &err), DY_ERR_INVALID);
    assert_int_equal(dy_yield_grid_set_channel(&grid, 2, "x", &err), DY_ERR_INVALID);
}

/* ------------------------------------------------------------------------------------- HDF5 */

static void read_dataset(hid_t f, const char *name, int rank, const hsize_t *dims, double *buf)
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    if (ds < 0) fail_msg("dataset %s missing", name);
    hid_t sp = H5Dget_space(ds);
    hsize_t got[4] = {0};
    assert_int_equal(H5Sget_simple_extent_ndims(sp), rank);
    H5Sget_simple_extent_dims(sp, got, NULL);
    for (int r = 0; r < rank; ++r)
        if (got[r] != dims[r])
            fail_msg("%s: dim %d is %llu, expected %llu", name, r, (unsigned long long)got[r],
                     (unsigned long long)dims[r]);
    hid_t t = H5Dget_type(ds);
    assert_int_equal(H5Tget_class(t), H5T_FLOAT);
    assert_int_equal((int)H5Tget_size(t), 8);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(ds);
}

/* Attribute `attr` of object `obj` (path in f) as a string. */
static void read_attr_string(hid_t f, const char *obj, const char *attr, char *out, size_t size)
{
    hid_t a = H5Aopen_by_name(f, obj, attr, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) fail_msg("attribute %s of %s missing", attr, obj);
    hid_t ft = H5Aget_type(a);
    assert_int_equal(H5Tget_class(ft), H5T_STRING);
    assert_true(H5Tis_variable_str(ft) > 0);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char *s = NULL;
    assert_true(H5Aread(a, mt, &s) >= 0);
    snprintf(out, size, "%s", s ? s : "");
    H5free_memory(s);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Aclose(a);
}

static double read_attr_double(hid_t f, const char *attr)
{
    double x = NAN;
    hid_t a = H5Aopen(f, attr, H5P_DEFAULT);
    if (a < 0) fail_msg("root attribute %s missing", attr);
    assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &x) >= 0);
    H5Aclose(a);
    return x;
}

static void hdf5_roundtrip(void **state)
{
    (void)state;
    const char *path = in_tmp("synth.h5");
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    remove(path);
    if (dy_write_hdf5(path, &grid, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(exists(path));
    assert_false(exists(tmp));
    /* writing again replaces the file */
    if (dy_write_hdf5(path, &grid, &err) != DY_OK) fail_msg("%s", err.msg);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    double buf[NM * NE], edges[NE + 1];
    const hsize_t dm[1] = {NM}, de[1] = {NE + 1}, d2[2] = {NM, NE};
    read_dataset(f, "/masses_GeV", 1, dm, buf);
    dy_assert_close(buf[0], 0.001, 0, 0);
    dy_assert_close(buf[2], 0.1, 0, 0);
    read_dataset(f, "/energy_bin_edges_GeV", 1, de, edges);
    dy_assert_close(edges[NE], 100.0, 0, 0);
    dy_assert_close(edges[2], 50.0, 0, 0);

    const char *const groups[NCH + 1] = {"brem-e-", "annihilation", "total"};
    char name[128], s[4096];
    for (int c = 0; c <= NCH; ++c) {
        snprintf(name, sizeof name, "/%s/dNdE", groups[c]);
        read_dataset(f, name, 2, d2, buf);
        for (int m = 0; m < NM; ++m)
            for (int b = 0; b < NE; ++b) {
                const double e =
                    c < NCH ? val_dnde(c, m, b) : val_dnde(0, m, b) + val_dnde(1, m, b);
                dy_assert_close(buf[m * NE + b], e, 0, 1e-15);
            }
        read_attr_string(f, name, "units", s, sizeof s);
        if (!strstr(s, "1/GeV per particle on target at g_Z' = 0.001; scales as g_Z'^2"))
            fail_msg("units of %s: '%s'", name, s);
        read_attr_string(f, name, "description", s, sizeof s);
        assert_non_null(strstr(s, "[mass][energy bin]"));
        snprintf(name, sizeof name, "/%s/dNdE_err", groups[c]);
        read_dataset(f, name, 2, d2, buf);
        snprintf(name, sizeof name, "/%s/N_above_cut", groups[c]);
        read_dataset(f, name, 1, dm, buf);
        for (int m = 0; m < NM; ++m)
            dy_assert_close(buf[m], c < NCH ? val_na(c, m) : val_na(0, m) + val_na(1, m), 0, 1e-15);
        read_attr_string(f, name, "units", s, sizeof s);
        assert_non_null(strstr(s, "per particle on target at g_Z' = 0.001; scales as g_Z'^2"));
        read_attr_string(f, name, "description", s, sizeof s);
        assert_non_null(strstr(s, "50 GeV"));
        static const char *const rest[] = {"N_above_cut_err", "N_total", "N_total_err"};
        for (int k = 0; k < 3; ++k) {
            snprintf(name, sizeof name, "/%s/%s", groups[c], rest[k]);
            read_dataset(f, name, 1, dm, buf);
        }
        dy_assert_close(buf[1],
                        c < NCH ? 0.03 * val_na(c, 1) : 0.03 * hypot(val_na(0, 1), val_na(1, 1)), 0,
                        1e-14);
    }
    read_attr_string(f, "/masses_GeV", "units", s, sizeof s);
    assert_string_equal(s, "GeV");
    read_attr_string(f, "/", "config", s, sizeof s);
    assert_string_equal(s, k_config);
    read_attr_string(f, "/", "config_hash", s, sizeof s);
    assert_string_equal(s, "0123456789abcdef");
    read_attr_string(f, "/", "version", s, sizeof s);
    assert_string_equal(s, "9.9.9-test");
    read_attr_string(f, "/", "backend", s, sizeof s);
    assert_string_equal(s, "cpu");
    read_attr_string(f, "/", "channels", s, sizeof s);
    assert_string_equal(s, "brem-e-,annihilation");
    read_attr_string(f, "/", "created", s, sizeof s);
    assert_int_equal(strlen(s), 20); /* 2024-01-02T03:04:05Z */
    assert_int_equal(s[10], 'T');
    dy_assert_close(read_attr_double(f, "cut_energy_min_GeV"), 50.0, 0, 0);
    dy_assert_close(read_attr_double(f, "coupling"), 1e-3, 0, 0);
    /* the coupling is named, with its unit and definition, and the conventions are recorded */
    read_attr_string(f, "/", "model", s, sizeof s);
    assert_string_equal(s, "lmu-ltau");
    read_attr_string(f, "/", "coupling_name", s, sizeof s);
    assert_string_equal(s, "g_Z'");
    read_attr_string(f, "/", "coupling_unit", s, sizeof s);
    assert_string_equal(s, "1");
    read_attr_string(f, "/", "coupling_definition", s, sizeof s);
    assert_non_null(strstr(s, "alpha_X = g_Z'^2/(4 pi)"));
    read_attr_string(f, "/", "yields_per", s, sizeof s);
    assert_string_equal(s, "per particle on target at g_Z' = 0.001; scales as g_Z'^2");
    read_attr_string(f, "/", "conventions", s, sizeof s);
    assert_non_null(strstr(s, "alpha = 1/137.035999084"));
    assert_non_null(strstr(s, "brem channels: brem etl: exact 2->3 tree level"));
    assert_non_null(strstr(s, "form factor elastic + inelastic"));
    assert_non_null(strstr(s, "annihilation:"));
    assert_null(strstr(s, "primakoff:")); /* only the channels of this grid */
    read_attr_string(f, "/", "total_errors", s, sizeof s);
    assert_non_null(strstr(s, "quadrature"));
    read_attr_string(f, "/total/dNdE_err", "description", s, sizeof s);
    assert_non_null(strstr(s, "quadrature"));
    unsigned long long seed = 0;
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_ULLONG, &seed) >= 0);
    H5Aclose(a);
    assert_true(seed == 42);
    H5Fclose(f);

    if (system("command -v h5dump > /dev/null 2>&1") == 0) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "h5dump -H '%s' > /dev/null 2>&1", path);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "h5dump -d /total/dNdE '%s' > /dev/null 2>&1", path);
        assert_int_equal(system(cmd), 0);
    }
}

/* -------------------------------------------------------------------------------------- CSV */

/* Split a line at commas into at most max fields (in place); returns the count. */
static int split(char *line, char **fields, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma) break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static double num(const char *s)
{
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end) fail_msg("not a number: '%s'", s);
    return x;
}

static void csv_roundtrip(void **state)
{
    (void)state;
    const char *path = in_tmp("synth.csv");
    const char *ipath = in_tmp("synth_integrated.csv");
    char ip[1100];
    assert_int_equal(dy_csv_integrated_path(path, ip, sizeof ip, &err), DY_OK);
    assert_string_equal(ip, ipath);
    assert_int_equal(dy_csv_integrated_path("a/b", ip, sizeof ip, &err), DY_OK);
    assert_string_equal(ip, "a/b_integrated.csv");
    if (dy_write_csv(path, &grid, &err) != DY_OK) fail_msg("%s", err.msg);

    static const char *const chans[NCH + 1] = {"brem-e-", "annihilation", "total"};
    char line[4096], *fld[16] = {NULL};
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int comments = 0, rows = 0, header = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') {
            ++comments;
            assert_true(!header); /* comments only at the top */
            continue;
        }
        if (!header) {
            assert_string_equal(
                line, "channel,mass_GeV,E_lo_GeV,E_hi_GeV,dNdE_per_GeV,dNdE_err_per_GeV\n");
            header = 1;
            continue;
        }
        assert_int_equal(split(line, fld, 16), 6);
        const int c = rows / (NM * NE), m = rows / NE % NM, b = rows % NE;
        assert_true(c <= NCH);
        assert_string_equal(fld[0], chans[c]);
        dy_assert_close(num(fld[1]), grid.masses_GeV[m], 0, 1e-12);
        dy_assert_close(num(fld[2]), 25.0 * b, 0, 0);
        dy_assert_close(num(fld[3]), 25.0 * (b + 1), 0, 0);
        const double e = c < NCH ? val_dnde(c, m, b) : val_dnde(0, m, b) + val_dnde(1, m, b);
        dy_assert_close(num(fld[4]), e, 0, 1e-11);
        dy_assert_close(num(fld[5]),
                        0.01 * (c < NCH ? e : hypot(val_dnde(0, m, b), val_dnde(1, m, b))), 0,
                        1e-11);
        ++rows;
    }
    fclose(f);
    assert_true(comments >= 4);
    assert_int_equal(rows, (NCH + 1) * NM * NE);

    f = fopen(ipath, "r");
    assert_non_null(f);
    rows = header = comments = 0;
    int saw_hash = 0, saw_units = 0, saw_coupling = 0, saw_per = 0, saw_conv = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') {
            saw_hash |= strstr(line, "0123456789abcdef") != NULL;
            saw_units |= strstr(line, "units") != NULL;
            saw_coupling |= strstr(line, "# model: lmu-ltau (L_mu - L_tau gauge boson Z'); "
                                         "coupling: g_Z' [1]: ") != NULL;
            saw_per |= strstr(line, "# yields are per particle on target at g_Z' = 0.001; scales "
                                    "as g_Z'^2") != NULL;
            saw_conv |= strstr(line, "# conventions: alpha = 1/137.035999084") != NULL;
            continue;
        }
        if (!header) {
            assert_string_equal(line, "channel,mass_GeV,N_above_cut,N_above_cut_err,N_total,"
                                      "N_total_err,cut_energy_min_GeV\n");
            header = 1;
            continue;
        }
        assert_int_equal(split(line, fld, 16), 7);
        const int c = rows / NM, m = rows % NM;
        assert_string_equal(fld[0], chans[c]);
        dy_assert_close(num(fld[1]), grid.masses_GeV[m], 0, 1e-12);
        const double na = c < NCH ? val_na(c, m) : val_na(0, m) + val_na(1, m);
        dy_assert_close(num(fld[2]), na, 0, 1e-11);
        dy_assert_close(num(fld[4]), 2.0 * na, 0, 1e-11);
        dy_assert_close(num(fld[6]), 50.0, 0, 0);
        ++rows;
    }
    fclose(f);
    assert_true(saw_hash && saw_units && saw_coupling && saw_per && saw_conv);
    assert_int_equal(rows, (NCH + 1) * NM);
}

/* The device string contains a newline: it must not break the comment block. */
static void csv_metadata_one_line(void **state)
{
    (void)state;
    const char *path = in_tmp("meta.csv");
    assert_int_equal(dy_write_csv(path, &grid, &err), DY_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    while (fgets(line, sizeof line, f) && line[0] == '#')
        ;
    fclose(f);
    assert_string_equal(line, "channel,mass_GeV,E_lo_GeV,E_hi_GeV,dNdE_per_GeV,dNdE_err_per_GeV\n");
}

/* A grid that does not say its model is written with an "unnamed coupling", never with another
 * model's name. */
static void unnamed_coupling(void **state)
{
    (void)state;
    grid.model = NULL;
    const char *path = in_tmp("unnamed.csv");
    assert_int_equal(dy_write_csv(path, &grid, &err), DY_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int saw = 0;
    while (fgets(line, sizeof line, f) && line[0] == '#')
        saw |= strstr(line, "at unnamed coupling = 0.001; scales as unnamed coupling^2") != NULL;
    fclose(f);
    assert_true(saw);
}

/* -------------------------------------------------------------------------- failing writes */

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n == 0;
}

static void failing_writes_leave_nothing(void **state)
{
    (void)state;
    /* 1. the directory does not exist */
    const char *h5 = in_tmp("no/such/dir/x.h5"), *csv = in_tmp("no/such/dir/x.csv");
    assert_int_equal(dy_write_hdf5(h5, &grid, &err), DY_ERR_IO);
    assert_non_null(strstr(err.msg, "x.h5"));
    assert_int_equal(dy_write_csv(csv, &grid, &err), DY_ERR_IO);
    assert_non_null(strstr(err.msg, "x.csv"));
    assert_false(exists(in_tmp("no")));

    /* 2. the final name is taken by a directory: rename fails after a complete .tmp */
    const char *hdir = in_tmp("isdir.h5");
    mkdir(hdir, 0755);
    assert_int_equal(dy_write_hdf5(hdir, &grid, &err), DY_ERR_IO);
    assert_non_null(strstr(err.msg, "rename"));
    assert_false(exists(in_tmp("isdir.h5.tmp")));
    assert_true(dir_is_empty(hdir));

    /* 3. CSV: the integrated file's name is a directory -> neither file is left */
    mkdir(in_tmp("clash_integrated.csv"), 0755);
    assert_int_equal(dy_write_csv(in_tmp("clash.csv"), &grid, &err), DY_ERR_IO);
    assert_false(exists(in_tmp("clash.csv")));
    assert_false(exists(in_tmp("clash.csv.tmp")));
    assert_false(exists(in_tmp("clash_integrated.csv.tmp")));

    /* 4. a read-only directory (meaningless for root, who may write anyway) */
    const char *ro = in_tmp("readonly");
    mkdir(ro, 0755);
    chmod(ro, 0555);
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/probe", ro);
    FILE *pf = fopen(probe, "w");
    if (pf) { /* running as root: permissions do not apply */
        fclose(pf);
        remove(probe);
    } else {
        char p[1100];
        snprintf(p, sizeof p, "%s/r.h5", ro);
        assert_int_equal(dy_write_hdf5(p, &grid, &err), DY_ERR_IO);
        snprintf(p, sizeof p, "%s/r.csv", ro);
        assert_int_equal(dy_write_csv(p, &grid, &err), DY_ERR_IO);
        assert_true(dir_is_empty(ro));
    }
    chmod(ro, 0755);

    /* 5. an invalid grid is refused before anything is created */
    dy_yield_grid bad = grid;
    snprintf(bad.ch[1].name, sizeof bad.ch[1].name, "brem-e-");
    assert_int_equal(dy_write_hdf5(in_tmp("bad.h5"), &bad, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "twice"));
    assert_int_equal(dy_write_csv(in_tmp("bad.csv"), &bad, &err), DY_ERR_INVALID);
    assert_false(exists(in_tmp("bad.h5")));
    assert_false(exists(in_tmp("bad.csv")));
}

/* ----------------------------------------------------------------------- the plot script */

static void plot_script_runs(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import h5py, matplotlib' > /dev/null 2>&1") != 0)
        skip(); /* Debian's python3-h5py / python3-matplotlib are not installed */
    const char *path = in_tmp("plot.h5");
    assert_int_equal(dy_write_hdf5(path, &grid, &err), DY_OK);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/scripts/plot_yields.py' '%s' '%s' > /dev/null",
             DY_SOURCE_DIR, path, in_tmp("plots"));
    assert_int_equal(system(cmd), 0);
    static const char *const stems[] = {"yield_map", "spectra", "integrated"};
    for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 2; ++k) {
            char f[1100];
            snprintf(f, sizeof f, "%s/synth_%s.%s", in_tmp("plots"), stems[i], k ? "pdf" : "png");
            if (!exists(f)) fail_msg("plot %s not written", f);
        }
    /* a file that is not HDF5 gives a non-zero exit and a message, not a traceback */
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/scripts/plot_yields.py' '%s' '%s' 2>&1",
             DY_SOURCE_DIR, in_tmp("synth.csv"), in_tmp("plots"));
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[4096] = "";
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    const int rc = pclose(p);
    assert_true(rc != 0);
    assert_non_null(strstr(out, "cannot read HDF5 file"));
    assert_null(strstr(out, "Traceback"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sums_in_quadrature, setup, teardown),
        cmocka_unit_test_setup_teardown(hdf5_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_metadata_one_line, setup, teardown),
        cmocka_unit_test_setup_teardown(unnamed_coupling, setup, teardown),
        cmocka_unit_test_setup_teardown(failing_writes_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(plot_script_runs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
