/* test_h5_selfdesc.c — the HDF5 files describe themselves (issue 14.5): a small `darkyield run`
 * writes /beam, /target and /model with the configured parameters (UTF-8 strings, units in the
 * attribute names), dimension scales on the mass and energy axes of every grid dataset, and the
 * engine's diagnostics of every MC integral, which agree with the cross section recomputed by
 * `darkyield xsec` at two of the nodes; the `xsec` HDF5 file records seed, backend, command line
 * and version the same way; h5py sees all of it (tests/h5_selfdesc.py, skipped without h5py). */
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "darkyield/dy.h"
#include "dy_test.h"
#include "dy_test_cli.h"

#define TMP  DY_BINARY_DIR "/test_h5_selfdesc_tmp"
#define RUN  TMP "/sd.h5"
#define XS   TMP "/xs.h5"
#define PREC 0.05
enum { NM = 2, NB = 10, K = 17 };
static const double k_masses[NM] = {0.01, 0.1};
static char out[1 << 16];

static int setup(void **state)
{
    (void)state;
    if (system("rm -rf '" TMP "' && mkdir -p '" TMP "'") != 0) return -1;
    FILE *f = fopen(TMP "/sd.yaml", "w");
    if (!f) return -1;
    fprintf(f,
            "name: sd\nseed: 3\nprecision: %g\n"
            "beam: {particle: e-, energy_GeV: 100}\n"
            "target: {material: na64_ecal, thickness_X0: 40}\n"
            "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.25, "
            "dm_kind: dirac, coupling: 1}\n"
            "processes: [brem, annihilation]\nmasses_GeV: [%g, %g]\n"
            "energy_bins: {min_GeV: 0, max_GeV: 100, n: %d}\ncuts: {energy_min_GeV: 50}\n"
            "quadrature: {nodes: %d}\n"
            "output: {dir: " TMP ", formats: [hdf5], plots: false}\n",
            PREC, k_masses[0], k_masses[1], NB, K);
    fclose(f);
    int rc = dy_run_cli("run " TMP "/sd.yaml --backend cpu --quiet", out, sizeof out);
    if (rc != 0) {
        fprintf(stderr, "run failed (%d): %s\n", rc, out);
        return -1;
    }
    rc = dy_run_cli("xsec --process brem --target W --energy 8 --mass 0.01,0.1 --method etl,ww "
                    "--precision 0.02 --seed 7 --backend cpu --quiet --format hdf5 --output " XS,
                    out, sizeof out);
    if (rc != 0) fprintf(stderr, "xsec failed (%d): %s\n", rc, out);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------ reading helpers */

static hid_t open_file(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) fail_msg("cannot open %s", path);
    return f;
}

/* String attribute attr of obj (a path in f) into s; fails unless it is variable-length UTF-8. */
static void attr_str(hid_t f, const char *obj, const char *attr, char *s, size_t n)
{
    hid_t a = H5Aopen_by_name(f, obj, attr, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) fail_msg("%s: attribute %s missing", obj, attr);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_STRING);
    if (H5Tget_cset(t) != H5T_CSET_UTF8) fail_msg("%s: attribute %s is not UTF-8", obj, attr);
    assert_true(H5Tis_variable_str(t) > 0);
    char *v = NULL;
    assert_true(H5Aread(a, t, &v) >= 0);
    snprintf(s, n, "%s", v ? v : "");
    H5free_memory(v);
    H5Tclose(t);
    H5Aclose(a);
}

static double attr_num(hid_t f, const char *obj, const char *attr)
{
    double x = NAN;
    hid_t a = H5Aopen_by_name(f, obj, attr, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) fail_msg("%s: attribute %s missing", obj, attr);
    assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &x) >= 0);
    H5Aclose(a);
    return x;
}

/* A 1-D attribute of doubles; returns its length. */
static int attr_nums(hid_t f, const char *obj, const char *attr, double *x, int max)
{
    hid_t a = H5Aopen_by_name(f, obj, attr, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) fail_msg("%s: attribute %s missing", obj, attr);
    hid_t sp = H5Aget_space(a);
    const int n = (int)H5Sget_simple_extent_npoints(sp);
    assert_true(n >= 1 && n <= max);
    assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, x) >= 0);
    H5Sclose(sp);
    H5Aclose(a);
    return n;
}

/* Dataset path read as doubles (n values, checked). */
static void read_all(hid_t f, const char *path, double *x, hssize_t n)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0) fail_msg("dataset %s missing", path);
    hid_t sp = H5Dget_space(d);
    if (H5Sget_simple_extent_npoints(sp) != n)
        fail_msg("%s: %lld values, expected %lld", path,
                 (long long)H5Sget_simple_extent_npoints(sp), (long long)n);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
}

/* ------------------------------------------------------------------------------- the tests */

static void beam_target_model(void **state)
{
    (void)state;
    hid_t f = open_file(RUN);
    char s[4096];
    attr_str(f, "/beam", "particle", s, sizeof s);
    assert_string_equal(s, "e-");
    assert_true(attr_num(f, "/beam", "pdg_id") == 11.0);
    assert_true(attr_num(f, "/beam", "energy_GeV") == 100.0);
    assert_true(attr_num(f, "/beam", "energy_spread_GeV") == 0.0);
    attr_str(f, "/beam", "units", s, sizeof s);
    assert_non_null(strstr(s, "_GeV"));
    attr_str(f, "/target", "material", s, sizeof s);
    assert_string_equal(s, "na64_ecal");
    const double X0 = attr_num(f, "/target", "radiation_length_cm");
    assert_true(attr_num(f, "/target", "thickness_X0") == 40.0);
    dy_assert_close(attr_num(f, "/target", "thickness_cm"), 40.0 * X0, 0, 1e-12);
    /* the NA64 ECAL: lead and scintillator (C, H); its X0 about 1.1 cm */
    assert_true(X0 > 0.9 && X0 < 1.3);
    double Z[16], w[16], A[16];
    const int n = attr_nums(f, "/target", "elements_Z", Z, 16);
    assert_int_equal(attr_nums(f, "/target", "elements_mass_fraction", w, 16), n);
    assert_int_equal(attr_nums(f, "/target", "elements_A_g_per_mol", A, 16), n);
    double sw = 0.0;
    int lead = 0;
    for (int i = 0; i < n; ++i) {
        sw += w[i];
        lead |= Z[i] == 82.0 && fabs(A[i] - 207.2) < 0.1;
    }
    assert_true(lead);
    dy_assert_close(sw, 1.0, 1e-12, 0);
    attr_str(f, "/target", "tracklength_e-", s, sizeof s);
    assert_non_null(strstr(s, "built-in"));
    attr_str(f, "/model", "name", s, sizeof s);
    assert_string_equal(s, "vector");
    attr_str(f, "/model", "coupling_name", s, sizeof s);
    assert_string_equal(s, "eps");
    attr_str(f, "/model", "decay", s, sizeof s);
    assert_string_equal(s, "invisible");
    attr_str(f, "/model", "dm_kind", s, sizeof s);
    assert_string_equal(s, "dirac");
    assert_true(attr_num(f, "/model", "coupling") == 1.0);
    assert_true(attr_num(f, "/model", "alpha_D") == 0.1);
    assert_true(attr_num(f, "/model", "mchi_over_m") == 0.25);
    /* the attributes readers already use stay where they were */
    assert_true(attr_num(f, "/", "coupling") == 1.0);
    assert_true(attr_num(f, "/", "cut_energy_min_GeV") == 50.0);
    assert_true(attr_num(f, "/", "precision") == PREC);
    assert_true(attr_num(f, "/", "quadrature_nodes") == K);
    static const char *const utf[] = {"name",   "config",   "version",     "backend",
                                      "device", "channels", "conventions", "processes"};
    for (size_t i = 0; i < sizeof utf / sizeof *utf; ++i)
        attr_str(f, "/", utf[i], s, sizeof s);
    attr_str(f, "/", "processes", s, sizeof s);
    assert_string_equal(s, "brem,annihilation");
    H5Fclose(f);
}

static void dimension_scales(void **state)
{
    (void)state;
    hid_t f = open_file(RUN);
    hid_t m = H5Dopen2(f, "/masses_GeV", H5P_DEFAULT),
          e = H5Dopen2(f, "/energy_bin_centers_GeV", H5P_DEFAULT);
    assert_true(m >= 0 && e >= 0);
    assert_true(H5DSis_scale(m) > 0 && H5DSis_scale(e) > 0);
    char name[64];
    assert_true(H5DSget_scale_name(m, name, sizeof name) > 0);
    assert_string_equal(name, "mass_GeV");
    assert_true(H5DSget_scale_name(e, name, sizeof name) > 0);
    assert_string_equal(name, "energy_GeV");
    double c[NB], edges[NB + 1];
    read_all(f, "/energy_bin_centers_GeV", c, NB);
    read_all(f, "/energy_bin_edges_GeV", edges, NB + 1);
    for (int i = 0; i < NB; ++i)
        dy_assert_close(c[i], 0.5 * (edges[i] + edges[i + 1]), 0, 1e-15);
    static const char *const grp[] = {"brem-e-", "brem-e+", "annihilation", "total"};
    static const char *const one[] = {"N_above_cut", "N_above_cut_err", "N_total", "N_total_err"};
    char p[128];
    for (int g = 0; g < 4; ++g) {
        for (int k = 0; k < 2; ++k) {
            snprintf(p, sizeof p, "/%s/%s", grp[g], k ? "dNdE_err" : "dNdE");
            hid_t d = H5Dopen2(f, p, H5P_DEFAULT);
            if (d < 0) fail_msg("%s missing", p);
            if (H5DSis_attached(d, m, 0) <= 0 || H5DSis_attached(d, e, 1) <= 0)
                fail_msg("%s: the mass and energy scales are not attached", p);
            assert_int_equal(H5DSis_attached(d, e, 0), 0); /* and not on the wrong axis */
            assert_true(H5DSget_label(d, 1, name, sizeof name) > 0);
            assert_string_equal(name, "energy_GeV");
            H5Dclose(d);
        }
        for (int k = 0; k < 4; ++k) {
            snprintf(p, sizeof p, "/%s/%s", grp[g], one[k]);
            hid_t d = H5Dopen2(f, p, H5P_DEFAULT);
            if (d < 0 || H5DSis_attached(d, m, 0) <= 0) fail_msg("%s: no mass scale", p);
            H5Dclose(d);
        }
    }
    H5Dclose(m);
    H5Dclose(e);
    H5Fclose(f);
}

static void integral_diagnostics(void **state)
{
    (void)state;
    hid_t f = open_file(RUN);
    char s[512];
    attr_str(f, "/brem-e-", "integrals", s, sizeof s);
    assert_string_equal(s, "/brem-e-/integrals");
    attr_str(f, "/brem-e+", "integrals", s, sizeof s); /* e+ brem reuses the e- cross sections */
    assert_string_equal(s, "/brem-e-/integrals");
    attr_str(f, "/annihilation", "integrals", s, sizeof s);
    assert_non_null(strstr(s, "none"));
    assert_true(attr_num(f, "/brem-e-/integrals", "coupling_factor") == 1.0); /* eps = 1 */
    assert_true(H5Lexists(f, "/annihilation/integrals", H5P_DEFAULT) == 0);
    double Z[8];
    hid_t zd = H5Dopen2(f, "/brem-e-/integrals/element_Z", H5P_DEFAULT);
    hid_t zs = H5Dget_space(zd);
    const int ne = (int)H5Sget_simple_extent_npoints(zs);
    H5Sclose(zs);
    H5Dclose(zd);
    assert_true(ne >= 1 && ne <= 8);
    read_all(f, "/brem-e-/integrals/element_Z", Z, ne);
    assert_true(Z[0] == 82.0); /* lead dominates sum n Z^2 */
    const hssize_t n3 = (hssize_t)NM * ne * K;
    double *v = malloc(8 * (size_t)n3 * sizeof *v), *er = v + n3, *chi = er + n3, *q = chi + n3,
           *nev = q + n3, *cv = nev + n3, *nit = cv + n3, E[NM * K];
    assert_non_null(v);
    read_all(f, "/brem-e-/integrals/sigma_pb", v, n3);
    read_all(f, "/brem-e-/integrals/sigma_err_pb", er, n3);
    read_all(f, "/brem-e-/integrals/chi2_dof", chi, n3);
    read_all(f, "/brem-e-/integrals/q", q, n3);
    read_all(f, "/brem-e-/integrals/n_eval", nev, n3);
    read_all(f, "/brem-e-/integrals/converged", cv, n3);
    read_all(f, "/brem-e-/integrals/n_iter", nit, n3);
    read_all(f, "/brem-e-/integrals/E_node_GeV", E, NM * K);
    int n_conv = 0;
    for (int im = 0; im < NM; ++im) {
        assert_true(E[im * K] > k_masses[im] && E[im * K + K - 1] == 100.0);
        for (int k = 1; k < K; ++k)
            assert_true(E[im * K + k] > E[im * K + k - 1]);
        for (int el = 0; el < ne; ++el)
            for (int k = 0; k < K; ++k) {
                const hssize_t o = ((hssize_t)im * ne + el) * K + k;
                assert_true(cv[o] == 0.0 || cv[o] == 1.0);
                n_conv += cv[o] == 1.0;
                if (v[o] == 0.0) continue; /* explicit zero at the threshold node */
                assert_true(v[o] > 0.0 && er[o] > 0.0 && nev[o] >= 1024.0 && nit[o] >= 2.0);
                assert_true(isfinite(chi[o]) && chi[o] >= 0.0 && q[o] >= 0.0 && q[o] <= 1.0);
                /* converged means the goal was met; otherwise the budget ran out */
                if (cv[o] == 1.0) assert_true(er[o] <= PREC * v[o] * (1.0 + 1e-12));
            }
    }
    assert_true(n_conv > 0);
    /* honest iteration errors give Q uniform on [0, 1]: of n non-zero integrals about n/100 have
     * Q < 0.01; 7 or more of ~64 would have probability ~1e-6 (binomial) */
    int n_nz = 0, n_lowq = 0;
    for (hssize_t o = 0; o < n3; ++o)
        if (v[o] > 0.0) {
            ++n_nz;
            n_lowq += q[o] < 0.01;
        }
    if (n_lowq > 6) fail_msg("%d of %d integrals have Q < 0.01", n_lowq, n_nz);
    /* independent evidence: the same cross section from `darkyield xsec` (its own run of the
     * engine at its own precision) at two nodes of the heavier mass, on lead */
    const int im = 1, nodes[2] = {5, 12};
    for (int i = 0; i < 2; ++i) {
        const int k = nodes[i];
        char args[512];
        snprintf(args, sizeof args,
                 "xsec --process brem --target Pb --energy %.17g --mass %.17g --precision 0.01 "
                 "--seed 11 --backend cpu --quiet --format csv",
                 E[im * K + k], k_masses[im]);
        assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
        /* the data row: process,lepton,mediator,Z,A,energy_GeV,mass_GeV,coupling,coupling_name,
         * coupling_unit,method,sigma_pb,error_pb,... */
        double xs = NAN, xer = NAN;
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            if (strncmp(line, "brem,", 5)) continue;
            char *fld[13], *save = NULL;
            int nf = 0;
            for (char *t = strtok_r(line, ",", &save); t && nf < 13; t = strtok_r(NULL, ",", &save))
                fld[nf++] = t;
            if (nf == 13 && !strcmp(fld[10], "etl")) {
                xs = strtod(fld[11], NULL);
                xer = strtod(fld[12], NULL);
            }
            break;
        }
        if (!isfinite(xs)) fail_msg("no etl row in:\n%s", out);
        const hssize_t o = ((hssize_t)im * ne + 0) * K + k;
        dy_assert_close(v[o], xs, 4.0 * hypot(er[o], xer), 0);
    }
    /* the diagnostics carry their axes */
    hid_t d = H5Dopen2(f, "/brem-e-/integrals/chi2_dof", H5P_DEFAULT);
    hid_t m = H5Dopen2(f, "/masses_GeV", H5P_DEFAULT);
    hid_t z = H5Dopen2(f, "/brem-e-/integrals/element_Z", H5P_DEFAULT);
    hid_t nd = H5Dopen2(f, "/brem-e-/integrals/node", H5P_DEFAULT);
    assert_true(H5DSis_attached(d, m, 0) > 0 && H5DSis_attached(d, z, 1) > 0 &&
                H5DSis_attached(d, nd, 2) > 0);
    H5Dclose(nd);
    H5Dclose(z);
    H5Dclose(m);
    H5Dclose(d);
    free(v);
    H5Fclose(f);
}

static void xsec_file(void **state)
{
    (void)state;
    hid_t f = open_file(XS);
    char s[4096];
    attr_str(f, "/", "command", s, sizeof s);
    assert_non_null(strstr(s, "--seed 7"));
    assert_non_null(strstr(s, "--process brem"));
    attr_str(f, "/", "version", s, sizeof s);
    assert_string_equal(s, DY_VERSION);
    attr_str(f, "/", "backend", s, sizeof s);
    assert_string_equal(s, "cpu");
    attr_str(f, "/", "device", s, sizeof s);
    assert_true(s[0] != '\0');
    attr_str(f, "/", "created", s, sizeof s);
    assert_int_equal(strlen(s), 20);
    attr_str(f, "/", "process", s, sizeof s);
    attr_str(f, "/", "conventions", s, sizeof s);
    unsigned long long seed = 0;
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_ULLONG, &seed) >= 0);
    H5Aclose(a);
    assert_true(seed == 7);
    assert_true(attr_num(f, "/", "precision") == 0.02);
    hid_t d = H5Dopen2(f, "method", H5P_DEFAULT), t = H5Dget_type(d);
    assert_int_equal(H5Tget_cset(t), H5T_CSET_UTF8);
    H5Tclose(t);
    H5Dclose(d);
    /* the integers as in the run file: n_eval uint64 (the etl rows counted, ww rows 0) and
     * converged int32 */
    uint64_t ne[4];
    int32_t cv[4];
    d = H5Dopen2(f, "n_eval", H5P_DEFAULT);
    t = H5Dget_type(d);
    assert_true(H5Tget_class(t) == H5T_INTEGER && H5Tget_size(t) == 8 &&
                H5Tget_sign(t) == H5T_SGN_NONE);
    assert_true(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ne) >= 0);
    H5Tclose(t);
    H5Dclose(d);
    d = H5Dopen2(f, "converged", H5P_DEFAULT);
    t = H5Dget_type(d);
    assert_true(H5Tget_class(t) == H5T_INTEGER && H5Tget_size(t) == 4);
    assert_true(H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, cv) >= 0);
    H5Tclose(t);
    H5Dclose(d);
    for (int i = 0; i < 4; ++i) { /* rows: (m, method) = (0.01, etl), (0.01, ww), ... */
        assert_true(i % 2 ? ne[i] == 0 : ne[i] >= 1024);
        assert_true(cv[i] == 0 || cv[i] == 1);
    }
    H5Fclose(f);
    /* closed-form methods only: no engine ran, and the file says so */
    assert_int_equal(dy_run_cli("xsec --process brem --target W --energy 8 --mass 0.1 --method ww "
                                "--quiet --format hdf5 --output " TMP "/ww.h5",
                                out, sizeof out),
                     0);
    f = open_file(TMP "/ww.h5");
    attr_str(f, "/", "backend", s, sizeof s);
    assert_non_null(strstr(s, "none"));
    H5Fclose(f);
}

static void h5py_sees_it(void **state)
{
    (void)state;
    struct stat st;
    if (stat("/usr/bin/python3", &st) != 0) skip();
    const int rc =
        system("/usr/bin/python3 '" DY_SOURCE_DIR "/tests/h5_selfdesc.py' '" RUN "' '" XS "'");
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) skip(); /* Debian's python3-h5py not installed */
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(beam_target_model),
                                       cmocka_unit_test(dimension_scales),
                                       cmocka_unit_test(integral_diagnostics),
                                       cmocka_unit_test(xsec_file), cmocka_unit_test(h5py_sees_it)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
