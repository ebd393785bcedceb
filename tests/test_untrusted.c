/* test_untrusted.c — data files from other tools or colleagues are validated before use
 * (issue 10.8).  Yield HDF5 files are crafted with the HDF5 C API: root attributes of the wrong
 * shape, type or size (0.1.0 overflowed a stack buffer on them), datasets of the wrong rank,
 * dims or type, non-finite or out-of-range axes, links to other files, external raw storage, a
 * truncated file, more energy bins than `limit` holds; and inputs that are not regular files
 * (FIFO, device, directory) as yields, efficiency table, overlay, part file or checkpoint; and
 * a file on which the HDF5 library itself loops.  Each is a clear error naming the file, exit 2,
 * never a crash or a hang (an alarm turns a hang into a failure). */
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test.h"
#include "dy_test_cli.h"
#include "io/writer.h"
#include "io/yield_reader.h"

#define TDIR DY_BINARY_DIR "/test_untrusted"
static char out[1 << 16], errs[1 << 16];
static dy_error err;

/* A valid yield file: 3 masses, ne bins, one channel "brem-e-". */
static void write_good(const char *path, int ne)
{
    dy_yield_grid g;
    assert_int_equal(dy_yield_grid_alloc(3, ne, 1, &g, &err), DY_OK);
    assert_int_equal(dy_yield_grid_set_channel(&g, 0, "brem-e-", &err), DY_OK);
    for (int m = 0; m < 3; ++m) {
        g.masses_GeV[m] = 0.01 * (m + 1);
        g.ch[0].N_above[m] = g.ch[0].N_total[m] = 1e-6;
        g.ch[0].N_above_err[m] = g.ch[0].N_total_err[m] = 1e-8;
        for (int b = 0; b < ne; ++b) {
            g.ch[0].dNdE[dy_yield_grid_index(&g, m, b)] = 1e-7;
            g.ch[0].dNdE_err[dy_yield_grid_index(&g, m, b)] = 1e-9;
        }
    }
    dy_yield_grid_linear_edges(&g, 0.0, 100.0);
    dy_yield_grid_sum(&g);
    g.name = "crafted";
    g.coupling = 1e-4;
    g.cut_energy_min_GeV = 50.0;
    if (dy_write_hdf5(path, &g, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_yield_grid_free(&g);
}

/* Open a fresh copy of the good file for editing. */
static hid_t edit(const char *path)
{
    write_good(path, 10);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

/* Replace attribute name of obj by one of type t and dims n (0 = scalar), filled from data. */
static void put_attr(hid_t obj, const char *name, hid_t t, hsize_t n, const void *data)
{
    if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
    hid_t sp = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, t, data) >= 0);
    H5Aclose(a);
    H5Sclose(sp);
}

/* Replace dataset name in loc by doubles of the given rank/dims (data: enough values). */
static void put_ds(hid_t loc, const char *name, hid_t t, int rank, const hsize_t *dims,
                   const void *data)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) > 0) H5Ldelete(loc, name, H5P_DEFAULT);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    assert_true(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
}

static void expect_refused(const char *path, const char *needle)
{
    dy_yield_file y;
    const dy_status s = dy_yield_read(path, NULL, 0, &y, &err);
    if (s == DY_OK) fail_msg("%s accepted (expected '%s')", path, needle);
    if (!strstr(err.msg, needle) || !strstr(err.msg, path))
        fail_msg("expected '%s' and the file name in: %s", needle, err.msg);
}

static int setup(void **state)
{
    (void)state;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return system("rm -rf '" TDIR "' && mkdir -p '" TDIR "'") == 0 ? 0 : -1;
}

static void crafted_attributes(void **state)
{
    (void)state;
    const char *p = TDIR "/attr.h5";
    static double many[4096];
    for (int i = 0; i < 4096; ++i)
        many[i] = 1e-4;
    /* 'coupling' as 4096 doubles: 0.1.0 read them into one double on the stack */
    hid_t f = edit(p);
    put_attr(f, "coupling", H5T_NATIVE_DOUBLE, 4096, many);
    H5Fclose(f);
    expect_refused(p, "'coupling'");
    /* 'coupling' as a string */
    f = edit(p);
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, 8);
    put_attr(f, "coupling", st, 0, "1e-4\0\0\0\0");
    H5Fclose(f);
    expect_refused(p, "'coupling'");
    /* 'name' as 512 variable-length strings: 0.1.0 wrote 512 pointers into one */
    f = edit(p);
    hid_t vs = H5Tcopy(H5T_C_S1);
    H5Tset_size(vs, H5T_VARIABLE);
    static const char *names[512];
    for (int i = 0; i < 512; ++i)
        names[i] = "x";
    put_attr(f, "name", vs, 512, names);
    H5Fclose(f);
    dy_yield_file y;
    if (dy_yield_read(p, NULL, 0, &y, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_string_equal(y.name, "");                /* not a single string: ignored */
    assert_string_equal(y.g.ch[0].name, "brem-e-"); /* while 'channels' is still read */
    dy_yield_file_free(&y);
    /* 'name' as a fixed-length string of 60000 characters: read whole, kept to 255 */
    f = edit(p);
    static char longname[60000];
    memset(longname, 'n', sizeof longname);
    H5Tset_size(st, sizeof longname);
    put_attr(f, "name", st, 0, longname);
    H5Fclose(f);
    if (dy_yield_read(p, NULL, 0, &y, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(strlen(y.name), sizeof y.name - 1);
    dy_yield_file_free(&y);
    /* 'channels' naming a path outside the groups, or too many channels */
    f = edit(p);
    const char *ch = "../brem-e-";
    put_attr(f, "channels", vs, 0, &ch);
    H5Fclose(f);
    expect_refused(p, "bad channel name");
    f = edit(p);
    ch = "a,b,c,d,e,f,g,h,i,j";
    put_attr(f, "channels", vs, 0, &ch);
    H5Fclose(f);
    expect_refused(p, "more than 8 channels");
    H5Tclose(st);
    H5Tclose(vs);
}

static void crafted_datasets(void **state)
{
    (void)state;
    const char *p = TDIR "/ds.h5";
    static double v[5000];
    for (int i = 0; i < 5000; ++i)
        v[i] = 1.0 + i;
    const hsize_t d2[2] = {3, 1}, d3[1] = {3}, d11[1] = {11}, dbig[1] = {5000};
    hid_t f = edit(p); /* masses 2-D */
    put_ds(f, "masses_GeV", H5T_NATIVE_DOUBLE, 2, d2, v);
    H5Fclose(f);
    expect_refused(p, "masses_GeV");
    f = edit(p); /* dNdE with the wrong dims */
    put_ds(f, "brem-e-/dNdE", H5T_NATIVE_DOUBLE, 2, (hsize_t[]){3, 64}, v);
    H5Fclose(f);
    expect_refused(p, "brem-e-/dNdE' has the wrong shape");
    f = edit(p); /* N_total as strings */
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, 4);
    put_ds(f, "brem-e-/N_total", st, 1, d3, "abc\0def\0ghi");
    H5Tclose(st);
    H5Fclose(f);
    expect_refused(p, "N_total' has the wrong shape or type");
    f = edit(p); /* a NaN yield */
    double nan3[3] = {1e-6, NAN, 1e-6};
    put_ds(f, "brem-e-/N_above_cut", H5T_NATIVE_DOUBLE, 1, d3, nan3);
    H5Fclose(f);
    expect_refused(p, "non-finite");
    f = edit(p); /* a negative mass */
    double neg[3] = {0.01, -0.02, 0.03};
    put_ds(f, "masses_GeV", H5T_NATIVE_DOUBLE, 1, d3, neg);
    H5Fclose(f);
    expect_refused(p, "not positive");
    f = edit(p); /* edges not increasing */
    double edges[11] = {0, 10, 20, 30, 40, 35, 60, 70, 80, 90, 100};
    put_ds(f, "energy_bin_edges_GeV", H5T_NATIVE_DOUBLE, 1, d11, edges);
    H5Fclose(f);
    expect_refused(p, "increasing");
    f = edit(p); /* more masses than the reader takes */
    put_ds(f, "masses_GeV", H5T_NATIVE_DOUBLE, 1, dbig, v);
    H5Fclose(f);
    expect_refused(p, "masses");
}

/* Links and storage that would make HDF5 open other files are not followed. */
static void links_out_of_the_file(void **state)
{
    (void)state;
    const char *p = TDIR "/links.h5";
    hid_t f = edit(p);
    H5Ldelete(f, "brem-e-", H5P_DEFAULT);
    assert_true(H5Lcreate_external("/dev/zero", "/", f, "brem-e-", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    H5Fclose(f);
    expect_refused(p, "not a group");
    f = edit(p);
    H5Ldelete(f, "masses_GeV", H5P_DEFAULT);
    assert_true(
        H5Lcreate_soft("/energy_bin_edges_GeV", f, "masses_GeV", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    H5Fclose(f);
    expect_refused(p, "masses_GeV");
    /* raw data of N_total kept in an external file (here a FIFO: reading it would hang) */
    const char *fifo = TDIR "/raw.fifo";
    remove(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    f = edit(p);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_external(dcpl, fifo, 0, 3 * sizeof(double)) >= 0);
    H5Ldelete(f, "brem-e-/N_total", H5P_DEFAULT);
    const hsize_t d3[1] = {3};
    hid_t sp = H5Screate_simple(1, d3, NULL);
    hid_t d =
        H5Dcreate2(f, "brem-e-/N_total", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(d >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Pclose(dcpl);
    H5Fclose(f);
    alarm(20);
    expect_refused(p, "N_total");
    alarm(0);
    remove(fifo);
}

static void damaged_and_foreign_files(void **state)
{
    (void)state;
    const char *p = TDIR "/cut.h5";
    write_good(p, 10);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    for (off_t len = st.st_size / 2; len > 0; len /= 4) { /* truncated copies */
        write_good(p, 10);
        assert_int_equal(truncate(p, len), 0);
        dy_yield_file y;
        assert_int_not_equal(dy_yield_read(p, NULL, 0, &y, &err), DY_OK);
        assert_non_null(strstr(err.msg, p));
    }
    FILE *f = fopen(TDIR "/text.h5", "w");
    fputs("not hdf5\n", f);
    fclose(f);
    expect_refused(TDIR "/text.h5", "not an HDF5 file");
}

static int run(const char *const *argv)
{
    const int s = dy_run_argv(argv, NULL, 0, out, sizeof out, NULL, errs, sizeof errs);
    return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
}

static void write_limit(const char *path, const char *yields, const char *extra)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "yields: %s\nmodel: {particle: dark_photon}\nstatistics: {pot: 1e10}\n%s"
            "output: {dir: %s/limits, plots: false}\n",
            yields, extra, TDIR);
    fclose(f);
}

static void expect_cli(const char *const *argv, int code, const char *needle)
{
    const int rc = run(argv);
    if (rc != code || !strstr(errs, needle))
        fail_msg("%s %s: exit %d (want %d) and '%s' in:\n%s", argv[1], argv[2], rc, code, needle,
                 errs);
}

/* `limit` on more energy bins than its signal buffer (0.1.0 wrote past it). */
static void limit_with_many_bins(void **state)
{
    (void)state;
    write_good(TDIR "/bins.h5", 600);
    write_limit(TDIR "/bins.yaml", TDIR "/bins.h5", "");
    const char *argv[] = {DY_CLI, "limit", TDIR "/bins.yaml", NULL};
    expect_cli(argv, 2, "600 energy bins");
    write_good(TDIR "/bins.h5", 500); /* what fits still works */
    if (run(argv) != 0) fail_msg("500 bins:\n%s", errs);
}

/* Inputs that are not regular files: refused at once, never read or waited on. */
static void not_regular_files(void **state)
{
    (void)state;
    const char *fifo = TDIR "/pipe";
    remove(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    write_good(TDIR "/y.h5", 10);
    alarm(60);
    const char *lim[] = {DY_CLI, "limit", TDIR "/l.yaml", NULL};
    write_limit(TDIR "/l.yaml", fifo, "");
    expect_cli(lim, 2, "FIFO");
    write_limit(TDIR "/l.yaml", "/dev/zero", "");
    expect_cli(lim, 2, "character device");
    write_limit(TDIR "/l.yaml", TDIR, "");
    expect_cli(lim, 2, "directory");
    write_limit(TDIR "/l.yaml", TDIR "/y.h5", "efficiency: {table: /dev/zero}\n");
    expect_cli(lim, 2, "efficiency table '/dev/zero' is a character device");
    write_limit(TDIR "/l.yaml", TDIR "/y.h5", "efficiency: {table: " TDIR "/pipe}\n");
    expect_cli(lim, 2, "FIFO");
    write_limit(TDIR "/l.yaml", TDIR "/y.h5", "efficiency: {table: " TDIR "}\n");
    expect_cli(lim, 2, "directory");
    write_limit(TDIR "/l.yaml", TDIR "/y.h5", "overlays: [{file: " TDIR "/pipe, label: x}]\n");
    expect_cli(lim, 2, "overlay file");
    const char *limfifo[] = {DY_CLI, "limit", fifo, NULL};
    expect_cli(limfifo, 2, "FIFO");
    const char *merge[] = {DY_CLI, "merge", fifo, NULL};
    expect_cli(merge, 2, "FIFO");
    const char *runfifo[] = {DY_CLI, "run", fifo, NULL};
    expect_cli(runfifo, 2, "FIFO");
    alarm(0);
    remove(fifo);
}

/* A file on which HDF5 1.10 itself loops forever (a corrupted global-heap string, found by
 * tests/fuzz/fuzz_yield_hdf5_raw): the isolated reader stops it at the time limit. */
static void hdf5_that_loops(void **state)
{
    (void)state;
    write_limit(TDIR "/loop.yaml", DY_SOURCE_DIR "/tests/data/hdf5_global_heap_loop.h5", "");
    const char *argv[] = {DY_CLI, "limit", TDIR "/loop.yaml", NULL};
    const char *env[] = {"DARKYIELD_READ_TIMEOUT=2", NULL};
    alarm(60);
    const int s = dy_run_argv(argv, env, 0, out, sizeof out, NULL, errs, sizeof errs);
    alarm(0);
    assert_true(WIFEXITED(s));
    assert_int_equal(WEXITSTATUS(s), 2);
    if (!strstr(errs, "did not finish reading it in 2 s")) fail_msg("got:\n%s", errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crafted_attributes),    cmocka_unit_test(crafted_datasets),
        cmocka_unit_test(links_out_of_the_file), cmocka_unit_test(damaged_and_foreign_files),
        cmocka_unit_test(limit_with_many_bins),  cmocka_unit_test(not_regular_files),
        cmocka_unit_test(hdf5_that_loops)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
