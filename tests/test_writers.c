/* test_writers.c — the HDF5 and CSV writers: a small synthetic yield grid is written and read
 * back (HDF5 C API: datasets, shapes, values, units/config attributes; h5dump parses it; CSV
 * rows, columns and values), and failing writes leave neither the file nor a temporary behind;
 * output sets write through symbolic links, keep devices in place, use unique temporaries and
 * commit all files or none (issue 10.9). */
#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test.h"
#include "io/outset.h"
#include "io/writer.h"
#include "jobs/shard.h"

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

/* A fresh scratch directory: leftovers of an earlier run would fool the temporary counts. */
static int clean_tmpdir(void **state)
{
    (void)state;
    return system("rm -rf '" TMPDIR "'") == 0 ? 0 : -1;
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

static int temporaries(const char *dir);

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
    assert_int_equal(temporaries(TMPDIR), 0);
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

/* A grid built by hand records no beam or target: the file has /model (from the grid's model and
 * coupling) but no /beam or /target, and says its channels have no integral diagnostics; with
 * diagnostics and a setup, both are written back exactly (n_eval as unsigned 64-bit). */
static void hdf5_setup_and_integrals(void **state)
{
    (void)state;
    const char *path = in_tmp("bare.h5");
    if (dy_write_hdf5(path, &grid, &err) != DY_OK) fail_msg("%s", err.msg);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    char s[512];
    assert_true(H5Lexists(f, "/model", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(f, "/beam", H5P_DEFAULT) == 0);
    assert_true(H5Lexists(f, "/target", H5P_DEFAULT) == 0);
    read_attr_string(f, "/model", "name", s, sizeof s);
    assert_string_equal(s, "lmu-ltau");
    read_attr_string(f, "/model", "coupling_name", s, sizeof s);
    assert_string_equal(s, "g_Z'");
    read_attr_string(f, "/brem-e-", "integrals", s, sizeof s);
    assert_non_null(strstr(s, "none"));
    H5Fclose(f);

    dy_grid_setup *u = &grid.setup;
    u->recorded = 1;
    snprintf(u->beam_particle, sizeof u->beam_particle, "mu+");
    u->beam_energy_GeV = 160.0;
    snprintf(u->material, sizeof u->material, "Pb");
    u->thickness_cm = 5.6;
    u->n_elem = 1;
    u->Z[0] = 82.0;
    u->A[0] = 207.2;
    u->w[0] = 1.0;
    u->tracklength_file[1] = "/data/Tplus.csv";
    snprintf(u->processes, sizeof u->processes, "brem");
    u->max_eval = 12345678901ull;
    assert_int_equal(dy_grid_integrals_alloc(&grid, 0, 2, 3, &err), DY_OK);
    dy_grid_integrals *m = &grid.ch[0].mc;
    m->elem_Z[0] = 82.0;
    m->elem_Z[1] = 6.0;
    for (int i = 0; i < NM * 2 * 3; ++i) {
        m->sigma_pb[i] = 1.0 + i;
        m->chi2_dof[i] = 0.5 + 0.01 * i;
        m->n_eval[i] = (1ull << 40) + (uint64_t)i; /* beyond 2^32: stored as u64 */
        m->converged[i] = i % 2;
    }
    snprintf(grid.ch[1].mc.shares, sizeof grid.ch[1].mc.shares, "brem-e-");
    path = in_tmp("full.h5");
    if (dy_write_hdf5(path, &grid, &err) != DY_OK) fail_msg("%s", err.msg);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    read_attr_string(f, "/beam", "particle", s, sizeof s);
    assert_string_equal(s, "mu+");
    int pdg = 0;
    hid_t a = H5Aopen_by_name(f, "/beam", "pdg_id", H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_INT, &pdg) >= 0);
    H5Aclose(a);
    assert_int_equal(pdg, -13);
    read_attr_string(f, "/target", "tracklength_e+", s, sizeof s);
    assert_string_equal(s, "/data/Tplus.csv");
    read_attr_string(f, "/target", "tracklength_gamma", s, sizeof s);
    assert_non_null(strstr(s, "built-in"));
    unsigned long long me = 0;
    a = H5Aopen(f, "max_eval", H5P_DEFAULT);
    assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_ULLONG, &me) >= 0);
    H5Aclose(a);
    assert_true(me == 12345678901ull);
    read_attr_string(f, "/brem-e-", "integrals", s, sizeof s);
    assert_string_equal(s, "/brem-e-/integrals");
    read_attr_string(f, "/annihilation", "integrals", s, sizeof s);
    assert_string_equal(s, "/brem-e-/integrals");
    uint64_t ne[NM * 6];
    int32_t cv[NM * 6];
    double chi[NM * 6];
    hid_t d = H5Dopen2(f, "/brem-e-/integrals/n_eval", H5P_DEFAULT), t = H5Dget_type(d);
    assert_true(H5Tget_class(t) == H5T_INTEGER && H5Tget_size(t) == 8 &&
                H5Tget_sign(t) == H5T_SGN_NONE);
    assert_true(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ne) >= 0);
    H5Tclose(t);
    H5Dclose(d);
    d = H5Dopen2(f, "/brem-e-/integrals/converged", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, cv) >= 0);
    H5Dclose(d);
    const hsize_t d3[3] = {NM, 2, 3};
    read_dataset(f, "/brem-e-/integrals/chi2_dof", 3, d3, chi);
    for (int i = 0; i < NM * 6; ++i) {
        assert_true(ne[i] == (1ull << 40) + (uint64_t)i);
        assert_int_equal(cv[i], i % 2);
        dy_assert_close(chi[i], 0.5 + 0.01 * i, 0, 1e-15);
    }
    /* sigma_pb x coupling_factor = the model's cross section: g^2/(4 pi alpha) for the
     * L_mu - L_tau Z' at g = 1e-3 (docs/physics.md, couplings table) */
    double cf = 0.0;
    a = H5Aopen_by_name(f, "/brem-e-/integrals", "coupling_factor", H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_DOUBLE, &cf) >= 0);
    H5Aclose(a);
    dy_assert_close(cf, 1e-6 * 137.035999084 / (4.0 * 3.14159265358979323846), 0, 1e-12);
    H5Fclose(f);
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

/* Temporaries of output sets (".<name>.tmp-XXXXXX") left in dir. */
static int temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

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

    /* 2. the final name is taken by a directory */
    const char *hdir = in_tmp("isdir.h5");
    mkdir(hdir, 0755);
    assert_int_equal(dy_write_hdf5(hdir, &grid, &err), DY_ERR_IO);
    assert_non_null(strstr(err.msg, "directory"));
    assert_int_equal(temporaries(TMPDIR), 0);
    assert_true(dir_is_empty(hdir));

    /* 3. CSV: the integrated file's name is a directory -> neither file is left */
    mkdir(in_tmp("clash_integrated.csv"), 0755);
    assert_int_equal(dy_write_csv(in_tmp("clash.csv"), &grid, &err), DY_ERR_IO);
    assert_false(exists(in_tmp("clash.csv")));
    assert_int_equal(temporaries(TMPDIR), 0);

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

/* ------------------------------------------------- output sets: links, streams, commit as a set */

static int same_file_bytes(const char *a, const char *b)
{
    FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
    int same = x && y;
    while (same) {
        const int c = fgetc(x), d = fgetc(y);
        same = c == d;
        if (c == EOF || d == EOF) break;
    }
    if (x) fclose(x);
    if (y) fclose(y);
    return same;
}

static void copy_file(const char *from, const char *to)
{
    FILE *x = fopen(from, "rb"), *y = fopen(to, "wb");
    assert_non_null(x);
    assert_non_null(y);
    for (int c; (c = fgetc(x)) != EOF;)
        fputc(c, y);
    fclose(x);
    fclose(y);
}

static int is_link(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
}

/* A symbolic link is written through (the link stays, its target is replaced); a dangling one
 * creates its target; a non-regular target (/dev/null) is written in place; a loop is an
 * error; a full device (/dev/full) gives "No space left on device" and leaves nothing. */
static void outputs_follow_links(void **state)
{
    (void)state;
    char link[1100], target[1100];
    snprintf(target, sizeof target, "%s", in_tmp("real.h5"));
    snprintf(link, sizeof link, "%s", in_tmp("link.h5"));
    remove(target);
    remove(link);
    assert_int_equal(symlink("real.h5", link), 0); /* relative to the link's directory */
    if (dy_write_hdf5(link, &grid, &err) != DY_OK) fail_msg("%s", err.msg); /* dangling */
    assert_true(is_link(link));
    assert_true(exists(target));
    chmod(target, 0640);
    if (dy_write_hdf5(link, &grid, &err) != DY_OK) fail_msg("%s", err.msg); /* replaces it */
    assert_true(is_link(link));
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0640); /* the replaced file's mode is kept */
    hid_t f = H5Fopen(link, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    H5Fclose(f);
    /* a link loop */
    char a[1100], b[1100];
    snprintf(a, sizeof a, "%s", in_tmp("loop_a.csv"));
    snprintf(b, sizeof b, "%s", in_tmp("loop_b.csv"));
    remove(a);
    remove(b);
    assert_int_equal(symlink("loop_b.csv", a), 0);
    assert_int_equal(symlink("loop_a.csv", b), 0);
    assert_int_equal(dy_write_hdf5(a, &grid, &err), DY_ERR_IO);
    assert_non_null(strstr(err.msg, "symbolic links"));
    /* devices: written in place, never replaced (through private links, so that old code
     * replacing its target could never touch the real /dev/null) */
    char null[1100], full[1100];
    snprintf(null, sizeof null, "%s", in_tmp("null.h5"));
    remove(null);
    assert_int_equal(symlink("/dev/null", null), 0);
    assert_int_equal(dy_write_hdf5(null, &grid, &err), DY_OK);
    assert_true(is_link(null));
    assert_int_equal(stat(null, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    remove(null);
    snprintf(full, sizeof full, "%s", in_tmp("full.h5"));
    remove(full);
    assert_int_equal(symlink("/dev/full", full), 0);
    assert_int_equal(dy_write_hdf5(full, &grid, &err), DY_ERR_IO);
    if (!strstr(err.msg, "No space left on device")) fail_msg("got: %s", err.msg);
    assert_true(is_link(full));
    assert_int_equal(temporaries(TMPDIR), 0);
    remove(full);
    remove(a);
    remove(b);
}

/* Temporary names are unique: two writers of one file never share a temporary; the last
 * commit wins with a complete file. */
static void temporaries_are_unique(void **state)
{
    (void)state;
    const char *path = in_tmp("twice.csv");
    dy_outset s1, s2;
    dy_outset_init(&s1);
    dy_outset_init(&s2);
    FILE *f1 = dy_outset_add(&s1, path, &err), *f2 = dy_outset_add(&s2, path, &err);
    assert_non_null(f1);
    assert_non_null(f2);
    assert_string_not_equal(s1.file[0].tmp, s2.file[0].tmp);
    fputs("one\n", f1);
    fputs("two\n", f2);
    assert_int_equal(dy_outset_commit(&s1, &err), DY_OK);
    assert_int_equal(dy_outset_commit(&s2, &err), DY_OK);
    FILE *f = fopen(path, "r");
    char line[16] = "";
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "two\n");
    /* one set may not name a file twice */
    dy_outset_init(&s1);
    assert_non_null(dy_outset_add(&s1, path, &err));
    assert_null(dy_outset_add(&s1, path, &err));
    assert_non_null(strstr(err.msg, "twice"));
    dy_outset_abort(&s1);
    assert_int_equal(temporaries(TMPDIR), 0);
}

/* A run's files are committed as a set: when one of them cannot be written, or a rename fails
 * half way, the old files stay as they were and no temporary is left. */
static void outputs_commit_as_a_set(void **state)
{
    (void)state;
    dy_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.want_hdf5 = cfg.want_csv = 1;
    char h5[1100], csv[1100], icsv[1100]; /* in_tmp's buffers rotate */
    snprintf(h5, sizeof h5, "%s", in_tmp("set.h5"));
    snprintf(csv, sizeof csv, "%s", in_tmp("set.csv"));
    snprintf(icsv, sizeof icsv, "%s", in_tmp("set_integrated.csv"));
    remove(icsv);
    if (dy_write_outputs(&cfg, &grid, h5, csv, &err) != DY_OK) fail_msg("%s", err.msg);
    copy_file(h5, in_tmp("set.h5.old"));
    copy_file(csv, in_tmp("set.csv.old"));
    copy_file(icsv, in_tmp("set_integrated.csv.old"));
    dy_yield_grid g2 = grid; /* other numbers, so a replaced file would differ */
    g2.coupling = 2e-3;
    /* 1. the integrated CSV cannot be created (its name is a directory now) */
    remove(icsv);
    mkdir(icsv, 0755);
    assert_int_equal(dy_write_outputs(&cfg, &g2, h5, csv, &err), DY_ERR_IO);
    assert_non_null(strstr(err.msg, "set_integrated.csv"));
    assert_true(same_file_bytes(h5, in_tmp("set.h5.old")));
    assert_true(same_file_bytes(csv, in_tmp("set.csv.old")));
    assert_int_equal(temporaries(TMPDIR), 0);
    rmdir(icsv);
    copy_file(in_tmp("set_integrated.csv.old"), icsv);
    /* 2. the second rename fails after the first succeeded: the first is put back */
    dy_outset set;
    dy_outset_init(&set);
    assert_int_equal(dy_write_hdf5_to(&set, h5, &g2, &err), DY_OK);
    assert_int_equal(dy_write_csv_to(&set, csv, &g2, &err), DY_OK);
    assert_int_equal(set.n, 3);
    remove(set.file[1].tmp); /* its rename will fail (ENOENT) */
    assert_int_equal(dy_outset_commit(&set, &err), DY_ERR_IO);
    if (!strstr(err.msg, "set.csv")) fail_msg("%s", err.msg);
    assert_true(same_file_bytes(h5, in_tmp("set.h5.old")));
    assert_true(same_file_bytes(csv, in_tmp("set.csv.old")));
    assert_true(same_file_bytes(icsv, in_tmp("set_integrated.csv.old")));
    assert_int_equal(temporaries(TMPDIR), 0);
    /* 3. and when all is well, all three are replaced */
    assert_int_equal(dy_write_outputs(&cfg, &g2, h5, csv, &err), DY_OK);
    assert_false(same_file_bytes(h5, in_tmp("set.h5.old")));
    assert_false(same_file_bytes(icsv, in_tmp("set_integrated.csv.old")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sums_in_quadrature, setup, teardown),
        cmocka_unit_test_setup_teardown(hdf5_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(hdf5_setup_and_integrals, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_metadata_one_line, setup, teardown),
        cmocka_unit_test_setup_teardown(unnamed_coupling, setup, teardown),
        cmocka_unit_test_setup_teardown(failing_writes_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(plot_script_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(outputs_follow_links, setup, teardown),
        cmocka_unit_test_setup_teardown(temporaries_are_unique, setup, teardown),
        cmocka_unit_test_setup_teardown(outputs_commit_as_a_set, setup, teardown),
    };
    return cmocka_run_group_tests(tests, clean_tmpdir, NULL);
}
