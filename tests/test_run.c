/* test_run.c — the main job end to end: the shipped default config at low precision writes
 * complete, readable HDF5 and CSV files and nothing partial; the annihilation yield of a narrow
 * resonance equals the hand formula n_e T+(E_R) * int sigma dE+ (narrow width, ref §2.6); the muon
 * yield equals n_atom L sigma(E_mean) from an independent engine call; bad configs fail cleanly. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "dy_test.h"
#include "dy_test_cli.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

static char out[1 << 17];

/* Write text to path. */
static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Output directory and config path of a test run named tag, in the build tree. */
static void run_paths(const char *tag, char dir[512], char cfg[512])
{
    snprintf(dir, 512, "%s/test_run_%s", DY_BINARY_DIR, tag);
    snprintf(cfg, 512, "%s/test_run_%s.yaml", DY_BINARY_DIR, tag);
}

/* Write text to cfg and run it on backend (any checkpoint of an earlier run is discarded);
 * the test fails with darkyield's output unless the run succeeds. */
static void run_text(const char *cfg, const char *text, const char *backend)
{
    char args[1024];
    put(cfg, text);
    snprintf(args, sizeof args, "run %s --backend %s --fresh", cfg, backend);
    int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 0) fail_msg("run %s failed (%d):\n%s", cfg, rc, out);
}

/* The positron track length of 100 GeV electrons in 40 X0 of lead, as the run builds it. */
static void pb_positrons(dy_material *pb, dy_tracklength *T)
{
    dy_error err;
    dy_shower_opts o;
    if (dy_material_lookup("Pb", pb, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_shower_opts_default(&o);
    o.approx_b = 1;
    if (dy_tracklength_init_shower(T, pb, 100.0, 40 * pb->X0_cm, DY_PARTICLE_ELECTRON,
                                   DY_PARTICLE_POSITRON, &o, &err) != DY_OK)
        fail_msg("%s", err.msg);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Read dataset /group/name into v (n doubles). */
static void h5read(const char *file, const char *dset, double *v, int n)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, dset, H5P_DEFAULT);
    if (d < 0) fail_msg("%s: no dataset %s", file, dset);
    hid_t sp = H5Dget_space(d);
    assert_int_equal((int)H5Sget_simple_extent_npoints(sp), n);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
}

static void default_config_low_precision(void **state)
{
    (void)state;
    char cfg[512], dir[512], args[1200], h5[600], csv[600], ic[600];
    run_paths("default", dir, cfg);
    /* the shipped file with a coarser precision and the output redirected */
    char src[512], text[8192];
    snprintf(src, sizeof src, "%s/configs/na64e-invisible.yaml", DY_SOURCE_DIR);
    FILE *f = fopen(src, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    FILE *g = fopen(cfg, "w");
    assert_non_null(g);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "precision:", 10)) line = "precision: 0.05";
        if (strstr(line, "  dir:")) {
            fprintf(g, "  dir: %s\n", dir);
            continue;
        }
        if (strstr(line, "  plots:")) line = "  plots: false";
        fprintf(g, "%s\n", line);
    }
    fclose(g);
    snprintf(args, sizeof args, "run %s --backend cpu", cfg);
    int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 0) fail_msg("run failed (%d):\n%s", rc, out);
    snprintf(h5, sizeof h5, "%s/na64e-invisible.h5", dir);
    snprintf(csv, sizeof csv, "%s/na64e-invisible.csv", dir);
    snprintf(ic, sizeof ic, "%s/na64e-invisible_integrated.csv", dir);
    assert_true(exists(h5) && exists(csv) && exists(ic));
    double m[8], above[8], above_err[8], tot[8], tot_err[8], dnde[8 * 50], dnde_err[8 * 50];
    h5read(h5, "/masses_GeV", m, 8);
    h5read(h5, "/total/N_above_cut", above, 8);
    h5read(h5, "/total/N_above_cut_err", above_err, 8);
    h5read(h5, "/total/N_total", tot, 8);
    h5read(h5, "/total/N_total_err", tot_err, 8);
    h5read(h5, "/total/dNdE", dnde, 8 * 50);
    h5read(h5, "/total/dNdE_err", dnde_err, 8 * 50);
    for (int i = 0; i < 8; ++i) {
        assert_true(above[i] > 0.0 && isfinite(above[i]));
        assert_true(above_err[i] >= 0.0 && above_err[i] < 0.2 * above[i]);
        assert_true(tot[i] >= above[i] - 4.0 * above_err[i]);
    }
    /* brem yield above the cut falls with the mass below the annihilation window */
    for (int i = 1; i < 5; ++i)
        assert_true(above[i] < above[i - 1]);
    /* the bins cover all energies (0..100 GeV): the spectrum integrates to the total yield (the
     * two come from different folds: histogram bins vs total cross sections) */
    for (int i = 0; i < 8; ++i) {
        double s = 0.0, v = tot_err[i] * tot_err[i];
        for (int b = 0; b < 50; ++b) {
            s += dnde[i * 50 + b] * 2.0;
            v += 4.0 * dnde_err[i * 50 + b] * dnde_err[i * 50 + b];
        }
        dy_assert_close(s, tot[i], 4.0 * sqrt(v) + 1e-3 * tot[i], 0.0);
    }
    /* no temporary files left next to the outputs */
    snprintf(args, sizeof args, "ls %s | grep -c tmp", dir);
    FILE *p = popen(args, "r");
    int ntmp = -1;
    assert_int_equal(fscanf(p, "%d", &ntmp), 1);
    pclose(p);
    assert_int_equal(ntmp, 0);
}

static const char *narrow_cfg =
    "name: narrow\nseed: 3\nprecision: 0.01\n"
    "beam: {particle: e-, energy_GeV: 100}\n"
    "target: {material: Pb, thickness_X0: 40}\n"
    "model: {mediator: vector, decay: invisible, alpha_D: 0.001, mchi_over_m: 0.3333333, "
    "dm_kind: dirac, coupling: 1.0e-4}\n"
    "processes: [annihilation]\n"
    "masses_GeV: [0.1, 0.2]\n"
    "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
    "cuts: {energy_min_GeV: 0}\n"
    "output: {dir: %s, formats: [hdf5], plots: false}\n";

static void annihilation_matches_narrow_width(void **state)
{
    (void)state;
    char cfg[512], dir[512], text[2048], h5[600];
    run_paths("narrow", dir, cfg);
    snprintf(text, sizeof text, narrow_cfg, dir);
    run_text(cfg, text, "cpu");
    snprintf(h5, sizeof h5, "%s/narrow.h5", dir);
    double N[2];
    h5read(h5, "/annihilation/N_total", N, 2);
    /* hand formula: N = n_e T+(E_R) (2 pi^2 alpha eps^2 B/m_e) with B = B(A' -> chi chi) */
    dy_material pb;
    dy_tracklength T;
    pb_positrons(&pb, &T);
    const double masses[2] = {0.1, 0.2};
    for (int i = 0; i < 2; ++i) {
        const double m = masses[i];
        dy_ap_widths b = dy_ap_branchings(m, 1e-4, 0.001, m / 3.0, 0.0, DY_DM_DIRAC);
        const double ER = dy_annih_e_res(m);
        const double hand = pb.n_e * dy_tracklength_eval(&T, ER) *
                            dy_annih_nwa_integral(m, 1e-4, b.dm) * DY_PB_TO_CM2;
        /* Gamma/m ~ 3e-4: finite-width corrections ~ 1e-3 plus the variation of T+ across the
         * resonance; 1 % is generous */
        dy_assert_close(N[i], hand, 0.0, 0.01);
    }
    dy_tracklength_free(&T);
}

static void muon_yield_is_n_L_sigma(void **state)
{
    (void)state;
    char cfg[512], dir[512], text[2048], h5[600];
    run_paths("mu", dir, cfg);
    snprintf(text, sizeof text,
             "name: mu\nprecision: 0.005\nbeam: {particle: mu-, energy_GeV: 160}\n"
             "target: {material: Pb, thickness_cm: 10}\nmodel: {mediator: vector, coupling: 1}\n"
             "processes: [brem]\nmasses_GeV: [0.1]\nenergy_bins: {min_GeV: 0, max_GeV: 160, n: 8}\n"
             "output: {dir: %s, formats: [hdf5], plots: false}\n",
             dir);
    run_text(cfg, text, "cpu");
    snprintf(h5, sizeof h5, "%s/mu.h5", dir);
    double N, Ne;
    h5read(h5, "/brem-mu/N_total", &N, 1);
    h5read(h5, "/brem-mu/N_total_err", &Ne, 1);
    /* independent: sigma at the muon's mean energy on the engine, times n_atom L */
    dy_material pb;
    dy_tracklength T;
    dy_error err;
    double Em = 0.0, L = 0.0; /* clang: fail_msg is not known to return */
    if (dy_material_lookup("Pb", &pb, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_tracklength_init_muon(&T, &pb, 160.0, 10.0, -1.0, &err) != DY_OK ||
        dy_tracklength_muon_mean(&T, &Em, &L) != DY_OK)
        fail_msg("%s", err.msg);
    dy_engine *e;
    if (dy_engine_open("cpu", &e, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_params p;
    dy_result r;
    dy_vegas_options o;
    memset(&p, 0, sizeof p);
    dy_proc_brem_setup(&p, 1, 0, 82, 207.2, Em, 0.1, 1.0, 1);
    p.process = DY_PROC_brem;
    p.id = 12345; /* a different random stream from the run's */
    dy_vegas_options_default(&o);
    o.seed = 99;
    o.rel_precision = 0.002;
    if (dy_integrate(e, &p, 1, &o, NULL, &r, NULL, &err) != DY_OK) fail_msg("%s", err.msg);
    const double hand = pb.n_atom * L * r.value * DY_PB_TO_CM2;
    const double hand_err = pb.n_atom * L * r.error * DY_PB_TO_CM2;
    dy_assert_close(N, hand, 4.0 * sqrt(Ne * Ne + hand_err * hand_err), 0.0);
    dy_engine_close(e);
    dy_tracklength_free(&T);
}

/* An imported track-length histogram (target.tracklengths) replaces the built-in shower: a flat
 * e+ spectrum of 2 cm/GeV gives N = n_e * 2 cm/GeV * int sigma dE+ (narrow width). */
static void imported_tracklength(void **state)
{
    (void)state;
    char cfg[512], dir[512], tl[512], text[4096], args[1024], h5[600];
    run_paths("import", dir, cfg);
    snprintf(tl, sizeof tl, "%s/test_run_import_tl.csv", DY_BINARY_DIR);
    put(tl, "# E_lo_GeV,E_hi_GeV,T_cm_per_GeV\n0.001,100,2\n");
    snprintf(text, sizeof text, narrow_cfg, dir);
    char *t = strstr(text, "target: {material: Pb, thickness_X0: 40}");
    char tail[2048];
    snprintf(tail, sizeof tail, "%s", t + strlen("target: {material: Pb, thickness_X0: 40}"));
    snprintf(t, sizeof text - (size_t)(t - text),
             "target: {material: Pb, thickness_X0: 40, tracklengths: {e+: %s}}%s", tl, tail);
    run_text(cfg, text, "cpu");
    snprintf(h5, sizeof h5, "%s/narrow.h5", dir);
    double N[2];
    h5read(h5, "/annihilation/N_total", N, 2);
    dy_material pb;
    dy_error err;
    if (dy_material_lookup("Pb", &pb, &err) != DY_OK) fail_msg("%s", err.msg);
    const double masses[2] = {0.1, 0.2};
    for (int i = 0; i < 2; ++i) {
        dy_ap_widths b =
            dy_ap_branchings(masses[i], 1e-4, 0.001, masses[i] / 3.0, 0.0, DY_DM_DIRAC);
        const double hand =
            pb.n_e * 2.0 * dy_annih_nwa_integral(masses[i], 1e-4, b.dm) * DY_PB_TO_CM2;
        dy_assert_close(N[i], hand, 0.0, 0.01);
    }
    /* a missing file is an error naming it */
    unlink(tl);
    snprintf(args, sizeof args, "run %s --backend cpu --fresh", cfg);
    assert_int_not_equal(dy_run_cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "test_run_import_tl.csv"));
}

/* The same run on opencl (when available) gives the cpu's yields: same streams, same folding. */
static void backends_agree(void **state)
{
    (void)state;
    dy_error err;
    int have = 0;
    for (int i = 0; i < dy_backend_count(); ++i)
        if (!strcmp(dy_backend_name(i), "opencl") && dy_backend_probe(i, &err) == DY_OK) have = 1;
    if (!have) {
        printf("SKIP: no usable OpenCL device here\n");
        skip();
    }
    if (getenv("DARKYIELD_TEST_NO_OPENCL")) { /* scripts/ci-sanitizers.sh: see there */
        printf("SKIP: OpenCL runs are left out of this (sanitizer) build's suite\n");
        skip();
    }
    double N[2][2];
    for (int b = 0; b < 2; ++b) {
        char cfg[512], dir[512], text[2048], h5[600];
        char tag[32];
        snprintf(tag, sizeof tag, "be%d", b);
        run_paths(tag, dir, cfg);
        snprintf(text, sizeof text,
                 "name: be\nprecision: 0.01\nbeam: {particle: e-, energy_GeV: 8}\n"
                 "target: {material: W, thickness_X0: 0.1}\nmodel: {mediator: vector}\n"
                 "processes: [brem]\nmasses_GeV: [0.01, 0.1]\n"
                 "energy_bins: {min_GeV: 0, max_GeV: 8, n: 8}\ncuts: {energy_min_GeV: 4}\n"
                 "quadrature: {nodes: 9}\noutput: {dir: %s, formats: [hdf5], plots: false}\n",
                 dir);
        run_text(cfg, text, b ? "opencl" : "cpu");
        snprintf(h5, sizeof h5, "%s/be.h5", dir);
        h5read(h5, "/total/N_above_cut", N[b], 2);
    }
    for (int i = 0; i < 2; ++i)
        dy_assert_close(N[1][i], N[0][i], 0.0, 1e-9);
}

/* Visible A' (decay: visible): the A' has no dark width, the channel is inclusive (B = 1), so
 * N = n_e T+(E_R) 2 pi^2 alpha eps^2/m_e; it scales as eps^2 (regression: alpha_D used to enter
 * the width and suppress the yield by B_ee ~ alpha eps^2/alpha_D). */
static void visible_annihilation(void **state)
{
    (void)state;
    char cfg[512], dir[512], text[2048], h5[600];
    run_paths("vis", dir, cfg);
    snprintf(text, sizeof text, narrow_cfg, dir);
    char *d = strstr(text, "decay: invisible");
    memcpy(d, "decay: visible  ", 16);
    run_text(cfg, text, "cpu");
    snprintf(h5, sizeof h5, "%s/narrow.h5", dir);
    double N[2];
    h5read(h5, "/annihilation/N_total", N, 2);
    dy_material pb;
    dy_tracklength T;
    pb_positrons(&pb, &T);
    const double m = 0.1; /* below 2 m_mu: inclusive = e+e- */
    const double hand = pb.n_e * dy_tracklength_eval(&T, dy_annih_e_res(m)) *
                        dy_annih_nwa_integral(m, 1e-4, 1.0) * DY_PB_TO_CM2;
    dy_assert_close(N[0], hand, 0.0, 0.01);
    dy_tracklength_free(&T);
}

/* A photon beam's uncollided photons (9/7 X0 at exactly E0) feed Primakoff: the yield above the
 * cut is larger than with an electron beam of the same energy (regression). */
static void photon_beam_primakoff(void **state)
{
    (void)state;
    double N[2];
    for (int b = 0; b < 2; ++b) {
        char cfg[512], dir[512], text[2048], h5[600];
        char tag[32];
        snprintf(tag, sizeof tag, "gam%d", b);
        run_paths(tag, dir, cfg);
        snprintf(text, sizeof text,
                 "name: g\nprecision: 0.01\nbeam: {particle: %s, energy_GeV: 100}\n"
                 "target: {material: Pb, thickness_X0: 40}\nmodel: {mediator: alp}\n"
                 "processes: [primakoff]\nmasses_GeV: [0.01]\n"
                 "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\ncuts: {energy_min_GeV: 50}\n"
                 "quadrature: {nodes: 9}\noutput: {dir: %s, formats: [hdf5], plots: false}\n",
                 b ? "gamma" : "e-", dir);
        run_text(cfg, text, "cpu");
        snprintf(h5, sizeof h5, "%s/g.h5", dir);
        h5read(h5, "/primakoff/N_above_cut", &N[b], 1);
    }
    /* uncollided photons alone: n_Pb (9/7) X0 sigma(100 GeV) */
    dy_material pb;
    dy_error err;
    if (dy_material_lookup("Pb", &pb, &err) != DY_OK) fail_msg("%s", err.msg);
    const double uncollided = pb.n_atom * (9.0 / 7.0) * pb.X0_cm *
                              dy_primakoff_sigma_closed(100.0, 0.01, 1.0, 82, 207.2) * DY_PB_TO_CM2;
    assert_true(N[1] > N[0]);
    assert_true(N[1] > uncollided);
}

static void bad_configs_fail_cleanly(void **state)
{
    (void)state;
    char cfg[512], dir[512], text[2048], args[1024];
    run_paths("bad", dir, cfg);
    /* a mass above the kinematic limit, a missing file, an unknown material */
    snprintf(text, sizeof text, narrow_cfg, dir);
    char *m = strstr(text, "[0.1, 0.2]");
    memcpy(m, "[0.1, 200]", 10);
    put(cfg, text);
    snprintf(args, sizeof args, "run %s --backend cpu", cfg);
    assert_int_not_equal(dy_run_cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "200"));
    assert_int_not_equal(dy_run_cli("run /no/such/config.yaml", out, sizeof out), 0);
    assert_non_null(strstr(out, "/no/such/config.yaml"));
    snprintf(text, sizeof text, narrow_cfg, dir);
    m = strstr(text, "material: Pb");
    memcpy(m, "material: Xx", 12);
    put(cfg, text);
    assert_int_not_equal(dy_run_cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "Xx"));
    assert_false(exists(dir)); /* nothing written */
    /* annihilation of an A' needs the vector mediator */
    snprintf(text, sizeof text, narrow_cfg, dir);
    m = strstr(text, "mediator: vector");
    memcpy(m, "mediator: scalar", 16);
    put(cfg, text);
    assert_int_not_equal(dy_run_cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "mediator: vector"));
    /* too few nodes for the folding error: refused at plan time, before any MC (exit 2) */
    snprintf(text, sizeof text, narrow_cfg, dir);
    m = strstr(text, "processes: [annihilation]");
    memcpy(m, "processes: [brem]        ", 25);
    strcat(text, "quadrature: {nodes: 6}\n");
    put(cfg, text);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 2);
    assert_non_null(strstr(out, "quadrature.nodes = 6"));
    assert_null(strstr(out, "MC integrals"));
    assert_false(exists(dir));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(annihilation_matches_narrow_width),
                                       cmocka_unit_test(muon_yield_is_n_L_sigma),
                                       cmocka_unit_test(bad_configs_fail_cleanly),
                                       cmocka_unit_test(imported_tracklength),
                                       cmocka_unit_test(backends_agree),
                                       cmocka_unit_test(visible_annihilation),
                                       cmocka_unit_test(photon_beam_primakoff),
                                       cmocka_unit_test(default_config_low_precision)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
