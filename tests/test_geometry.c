/* test_geometry.c — geometry-aware yields (docs/geometry.md): the angle and depth outputs sum to
 * dN/dE (every channel, thick and thin targets, muons); the default job is unchanged by them;
 * the brem angle model (IWW at fixed x) against the exact tree-level angle histogram of the
 * engine at one energy; the A' angle scale of BEST09; the depth profiles (the thin target's
 * uniform path, the gamma profile's maximum at t_max); bad geometry values are refused. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "dy_test.h"
#include "dy_test_cli.h"
#include "physics/dy_constants.h"
#include "physics/geometry.h"
#include "physics/limits.h"
#include "physics/materials.h"
#include "physics/tracklength.h"
#include "processes/dy_proc_brem.h"

static char out[1 << 17];

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Run config text (tag names its files in the build tree); returns the CLI's exit status. */
static int run_cfg(const char *tag, const char *body, const char *extra, char h5[600])
{
    char cfg[512], dir[512], text[8192], args[1400];
    snprintf(dir, sizeof dir, "%s/test_geometry_%s", DY_BINARY_DIR, tag);
    snprintf(cfg, sizeof cfg, "%s/test_geometry_%s.yaml", DY_BINARY_DIR, tag);
    snprintf(text, sizeof text,
             "name: g\nseed: 3\nprecision: 0.03\n%s%s\noutput: {dir: %s, plots: false}\n", body,
             extra, dir);
    put(cfg, text);
    snprintf(h5, 600, "%s/g.h5", dir);
    remove(h5);
    snprintf(args, sizeof args, "run %s --backend cpu --fresh", cfg);
    return dy_run_cli(args, out, sizeof out);
}

/* Dataset /name as n doubles (malloc'd), or NULL if absent. */
static double *h5get(const char *file, const char *name, size_t *n)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    double *v = NULL;
    if (H5Lexists(f, name, H5P_DEFAULT) > 0) {
        hid_t d = H5Dopen2(f, name, H5P_DEFAULT), sp = H5Dget_space(d);
        *n = (size_t)H5Sget_simple_extent_npoints(sp);
        v = malloc(*n * sizeof *v);
        assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        H5Sclose(sp);
        H5Dclose(d);
    }
    H5Fclose(f);
    return v;
}

#define NT 10
#define ND 8
static const char *k_geo = "geometry: {theta_bins: 10, theta_min_rad: 1e-5, theta_max_rad: 0.3, "
                           "depth_bins: 8}\n";

/* Every channel (and total) of file h5: sum over theta and over depth = dNdE (to round-off and
 * the annihilation quadrature's 1e-7), NE energy bins, NM masses; returns the depth profile of
 * channel ch for mass 0 (fractions of N in the binned range) in prof. */
static void check_sums(const char *h5, const char *const *chs, int nch, int NM, int NE,
                       const char *ch, double *prof)
{
    for (int c = 0; c < nch; ++c) {
        char p[128];
        size_t n, nt, nd;
        snprintf(p, sizeof p, "/%s/dNdE", chs[c]);
        double *d = h5get(h5, p, &n);
        snprintf(p, sizeof p, "/%s/dNdE_theta", chs[c]);
        double *t = h5get(h5, p, &nt);
        snprintf(p, sizeof p, "/%s/dNdE_depth", chs[c]);
        double *z = h5get(h5, p, &nd);
        if (!d || !t || !z) fail_msg("%s: %s lacks a dataset", h5, chs[c]);
        assert_int_equal((int)n, NM * NE);
        assert_int_equal((int)nt, NM * NE * NT);
        assert_int_equal((int)nd, NM * NE * ND);
        double dmax = 0.0;
        for (size_t i = 0; i < n; ++i)
            dmax = fmax(dmax, d[i]);
        for (int m = 0; m < NM; ++m)
            for (int b = 0; b < NE; ++b) {
                const size_t i = (size_t)m * NE + b;
                double st = 0.0, sz = 0.0;
                for (int k = 0; k < NT; ++k)
                    st += t[i * NT + k];
                for (int k = 0; k < ND; ++k)
                    sz += z[((size_t)m * ND + k) * NE + b];
                dy_assert_close(st, d[i], 1e-12 * dmax, 1e-9);
                dy_assert_close(sz, d[i], 1e-12 * dmax, 2e-6);
            }
        if (prof && !strcmp(chs[c], ch)) {
            double tot = 0.0;
            for (int k = 0; k < ND; ++k) {
                prof[k] = 0.0;
                for (int b = 0; b < NE; ++b)
                    prof[k] += z[(size_t)k * NE + b];
                tot += prof[k];
            }
            for (int k = 0; k < ND; ++k)
                prof[k] /= tot;
        }
        free(d);
        free(t);
        free(z);
    }
}

/* Thick lead, e- beam, brem + annihilation: sums; with the geometry off the same dNdE to the bit
 * and no geometry datasets. */
static void thick_sums_and_default_unchanged(void **state)
{
    (void)state;
    const char *body = "beam: {particle: e-, energy_GeV: 10}\ntarget: {material: Pb, thickness_X0: "
                       "20}\nmodel: {mediator: vector, decay: invisible, alpha_D: 0.1, "
                       "mchi_over_m: 0.3333, coupling: 1}\nprocesses: [brem, annihilation]\n"
                       "masses_GeV: [0.01, 0.1]\nenergy_bins: {min_GeV: 0, max_GeV: 10, n: 10}\n"
                       "quadrature: {nodes: 13}\n";
    char h5[600], h5b[600];
    if (run_cfg("thick", body, k_geo, h5)) fail_msg("%s", out);
    const char *chs[] = {"brem-e-", "brem-e+", "annihilation", "total"};
    double prof[ND];
    check_sums(h5, chs, 4, 2, 10, "brem-e-", prof);
    /* a thick target: the A's come from the first few X0 more than from the back */
    assert_true(prof[0] + prof[1] > prof[6] + prof[7]);
    if (run_cfg("thick0", body, "", h5b)) fail_msg("%s", out);
    size_t n1, n2, n3;
    double *a = h5get(h5, "/total/dNdE", &n1), *b = h5get(h5b, "/total/dNdE", &n2);
    assert_int_equal((int)n1, (int)n2);
    for (size_t i = 0; i < n1; ++i)
        assert_true(a[i] == b[i]);
    assert_null(h5get(h5b, "/total/dNdE_theta", &n3));
    assert_null(h5get(h5b, "/depth_bin_edges_cm", &n3));
    double *e = h5get(h5, "/depth_bin_edges_cm", &n3);
    assert_int_equal((int)n3, ND + 1);
    dy_material pb;
    dy_error err;
    assert_int_equal(dy_material_lookup("Pb", &pb, &err), DY_OK);
    dy_assert_close(e[ND], 20 * pb.X0_cm, 0.0, 1e-12);
    free(a);
    free(b);
    free(e);
}

/* Thin tungsten (0.1 X0): the primary's path is uniform in depth, so the brem yield per depth
 * bin is flat to O(bt) (the electron loses energy with depth: ~ 4/3 t ln(...) shifts less than
 * 10 % across 0.1 X0); a muon's path is uniform exactly. */
static void thin_and_muon(void **state)
{
    (void)state;
    char h5[600];
    const char *body = "beam: {particle: e-, energy_GeV: 8}\ntarget: {material: W, thickness_X0: "
                       "0.1}\nmodel: {mediator: vector, decay: invisible, alpha_D: 0.1, "
                       "mchi_over_m: 0.3333, coupling: 1}\nprocesses: [brem]\n"
                       "masses_GeV: [0.05]\nenergy_bins: {min_GeV: 0, max_GeV: 8, n: 8}\n"
                       "quadrature: {nodes: 13}\n";
    if (run_cfg("thin", body, k_geo, h5)) fail_msg("%s", out);
    const char *chs[] = {"brem-e-", "total"};
    double prof[ND];
    check_sums(h5, chs, 2, 1, 8, "brem-e-", prof);
    for (int k = 0; k < ND; ++k)
        dy_assert_close(prof[k], 1.0 / ND, 0.0, 0.10);
    const char *mu = "beam: {particle: mu-, energy_GeV: 160}\ntarget: {material: Pb, "
                     "thickness_cm: 10}\nmodel: {mediator: lmu-ltau, decay: invisible, alpha_D: "
                     "0.1, mchi_over_m: 0.3333, coupling: 1}\nprocesses: [brem]\n"
                     "masses_GeV: [0.1]\nenergy_bins: {min_GeV: 0, max_GeV: 160, n: 8}\n";
    if (run_cfg("mu", mu, k_geo, h5)) fail_msg("%s", out);
    const char *chm[] = {"brem-mu", "total"};
    check_sums(h5, chm, 2, 1, 8, "brem-mu", prof);
    for (int k = 0; k < ND; ++k)
        dy_assert_close(prof[k], 1.0 / ND, 0.0, 1e-9);
}

/* The angle model at fixed x (IWW) spread over the engine's exact x histogram, against the
 * engine's own exact theta histogram at the same energy: the same distribution within the
 * model's stated accuracy (docs/geometry.md: the measured CDF difference), and the median angle
 * on the scale max(sqrt(m m_e), m^{3/2}/E0^{1/2})/E0 of BEST09 (arXiv:0906.0580, Sec. II). */
#define TB 40
static void brem_angle_vs_engine(void **state)
{
    (void)state;
    dy_engine *e;
    dy_error err;
    if (dy_engine_open("cpu", &e, &err) != DY_OK) fail_msg("%s", err.msg);
    const double E0 = 20.0, ms[3] = {0.005, 0.05, 0.5}, lo = -8.0, hi = log10(3.0);
    double edges[TB + 1];
    for (int i = 0; i <= TB; ++i)
        edges[i] = pow(10.0, lo + (hi - lo) * i / TB);
    for (int im = 0; im < 3; ++im) {
        const double m = ms[im];
        dy_params p;
        memset(&p, 0, sizeof p);
        dy_proc_brem_setup(&p, 0, 0, 74, 183.84, E0, m, 1.0, 1);
        p.process = DY_PROC_brem;
        p.id = 7;
        dy_histspec hs[DY_MAX_OBS];
        memset(hs, 0, sizeof hs);
        hs[0].lo = 0.0, hs[0].hi = 1.0, hs[0].nbins = 200;
        hs[1].lo = lo, hs[1].hi = hi, hs[1].nbins = TB, hs[1].is_log = 1;
        dy_hist *h = calloc(DY_MAX_OBS, sizeof *h);
        dy_result r;
        dy_vegas_options o;
        dy_vegas_options_default(&o);
        o.seed = 5;
        o.rel_precision = 0.003;
        if (dy_integrate(e, &p, 1, &o, hs, &r, h, &err) != DY_OK) fail_msg("%s", err.msg);
        double model[TB] = {0}, iww[TB] = {0}, f[TB], exact[TB], se = 0.0, sm = 0.0, si = 0.0;
        dy_geo_chi chi;
        if (dy_geo_chi_init(&chi, 74, 183.84, m * m + DY_M_E * DY_M_E, &err) != DY_OK)
            fail_msg("%s", err.msg);
        for (int j = 0; j < 200; ++j) {
            dy_geo_theta_brem_ww(&chi, 0, DY_M_E, m, E0, (j + 0.5) / 200.0, TB, edges, f);
            for (int t = 0; t < TB; ++t)
                model[t] += h[0].content[j] * f[t];
            dy_geo_theta_brem(0, DY_M_E, m, E0, (j + 0.5) / 200.0, TB, edges, f);
            for (int t = 0; t < TB; ++t)
                iww[t] += h[0].content[j] * f[t];
        }
        for (int t = 0; t < TB; ++t) {
            exact[t] = h[1].content[t];
            se += exact[t];
            sm += model[t];
            si += iww[t];
        }
        dy_assert_close(se, r.value, 0.0, 0.01); /* the histogram range holds every angle */
        /* largest CDF difference and the medians */
        double ce = 0.0, cm = 0.0, ci = 0.0, dmax = 0.0, dmi = 0.0, med_e = 0.0, med_m = 0.0;
        for (int t = 0; t < TB; ++t) {
            const double pe = ce, pm = cm;
            ce += exact[t] / se;
            cm += model[t] / sm;
            ci += iww[t] / si;
            dmax = fmax(dmax, fabs(ce - cm));
            dmi = fmax(dmi, fabs(ce - ci));
            if (pe < 0.5 && ce >= 0.5)
                med_e = edges[t] * pow(edges[t + 1] / edges[t], (0.5 - pe) / (ce - pe));
            if (pm < 0.5 && cm >= 0.5)
                med_m = edges[t] * pow(edges[t + 1] / edges[t], (0.5 - pm) / (cm - pm));
        }
        const double scale = fmax(sqrt(m * DY_M_E), pow(m, 1.5) / sqrt(E0)) / E0;
        printf("m = %g GeV: median theta exact %.3g, model %.3g, BEST09 scale %.3g; max |CDF "
               "difference| %.3f (chi fixed: %.3f)\n",
               m, med_e, med_m, scale, dmax, dmi);
        /* measured (docs/geometry.md): 0.054 / 0.028 / 0.034, medians 0.84 / 0.92 / 0.90 of the
         * exact ones (with chi fixed, IWW: 0.045 / 0.054 / 0.153, the model too wide at large m) */
        assert_true(dmax < 0.08);
        assert_true(fabs(log(med_m / med_e)) < log(1.25));
        assert_true(dmi > dmax || m < 0.01); /* chi's angle dependence matters at large m */
        assert_true(med_e > scale / 2.0 && med_e < 2.0 * scale);
        free(h);
    }
    dy_engine_close(e);
}

/* The gamma profile peaks at t_max = ln(E0/E) + C (PDG review, Eq. 34.36-34.37). */
static void gamma_profile_maximum(void **state)
{
    (void)state;
    const double E0 = 100.0, E = 0.01, C = -0.5, tmax = log(E0 / E) + C, dt = 0.05;
    double best = -1.0, tb = 0.0;
    for (double t = 0.0; t < 30.0; t += dt) {
        const double f = dy_geo_gamma_fraction(E0, E, C, t, t + dt, 200.0);
        if (f > best) best = f, tb = t + 0.5 * dt;
    }
    dy_assert_close(tb, tmax, 2.0 * dt, 0.0);
    dy_assert_close(dy_geo_gamma_fraction(E0, E, C, 0.0, 40.0, 40.0), 1.0, 1e-12, 0.0);
}

/* The shower depth model against the exact Approximation-A solution of the shower equations for a
 * finite target (tracklength.h, inverse Mellin transform): the track length at energy E within the
 * first t X0 is T(E; t), so T(E; t)/T(E; L) is the exact depth CDF of approximation A.  100 GeV
 * e- on 20 X0 of Pb, E = 0.1 .. 90 GeV, t = 1, 2, 4, 8 X0.  Measured largest CDF differences
 * (docs/geometry.md): 0.064 (e-, E = 1 GeV, t = 8), 0.092 (photons, E = 90 GeV, t = 2). */
static void depth_vs_approximation_a(void **state)
{
    (void)state;
    dy_material pb;
    dy_error err;
    dy_shower_opts o;
    assert_int_equal(dy_material_lookup("Pb", &pb, &err), DY_OK);
    dy_shower_opts_default(&o);
    const double E0 = 100.0, L = 20.0, ts[4] = {1.0, 2.0, 4.0, 8.0}, Es[5] = {0.1, 1, 10, 50, 90};
    const int sp[2] = {DY_PARTICLE_ELECTRON, DY_PARTICLE_PHOTON};
    for (int k = 0; k < 2; ++k) {
        dy_tracklength Tf, Tt[4];
        dy_geo_depth d;
        if (dy_tracklength_init_shower(&Tf, &pb, E0, L * pb.X0_cm, DY_PARTICLE_ELECTRON, sp[k], &o,
                                       &err) != DY_OK ||
            dy_geo_depth_init(&d, &Tf, &pb, 40, &err) != DY_OK)
            fail_msg("%s", err.msg);
        for (int it = 0; it < 4; ++it)
            if (dy_tracklength_init_shower(&Tt[it], &pb, E0, ts[it] * pb.X0_cm,
                                           DY_PARTICLE_ELECTRON, sp[k], &o, &err) != DY_OK)
                fail_msg("%s", err.msg);
        double worst = 0.0;
        for (int ie = 0; ie < 5; ++ie) {
            double f[40];
            dy_geo_depth_eval(&d, Es[ie], f);
            const double TL = dy_tracklength_eval(&Tf, Es[ie]);
            for (int it = 0; it < 4; ++it) {
                double c = 0.0;
                for (int i = 0; i < (int)(2.0 * ts[it] + 0.5); ++i) /* bins of 0.5 X0 */
                    c += f[i];
                worst = fmax(worst, fabs(c - dy_tracklength_eval(&Tt[it], Es[ie]) / TL));
            }
        }
        printf("%s: largest depth-CDF difference to approximation A %.3f\n", k ? "gamma" : "e-",
               worst);
        assert_true(worst < (k ? 0.13 : 0.09));
        for (int it = 0; it < 4; ++it)
            dy_tracklength_free(&Tt[it]);
        dy_tracklength_free(&Tf);
        dy_geo_depth_free(&d);
    }
}

/* A photon beam's uncollided photons (its path at E0) attenuate as exp(-7t/9) (9/7 X0 mean free
 * path): the depth fractions at E0 are those of the exponential in [0, L]. */
static void photon_beam_uncollided(void **state)
{
    (void)state;
    dy_material w;
    dy_error err;
    dy_tracklength T;
    dy_geo_depth d;
    assert_int_equal(dy_material_lookup("W", &w, &err), DY_OK);
    if (dy_tracklength_init_shower(&T, &w, 10.0, 5.0 * w.X0_cm, DY_PARTICLE_PHOTON,
                                   DY_PARTICLE_PHOTON, NULL, &err) != DY_OK ||
        dy_geo_depth_init(&d, &T, &w, 5, &err) != DY_OK)
        fail_msg("%s", err.msg);
    double f[5];
    dy_geo_depth_eval_s(&d, 0.0, f);
    for (int i = 0; i < 5; ++i)
        dy_assert_close(f[i],
                        (exp(-7.0 * i / 9.0) - exp(-7.0 * (i + 1) / 9.0)) / -expm1(-35.0 / 9.0),
                        0.0, 1e-12);
    dy_geo_depth_free(&d);
    dy_tracklength_free(&T);
}

/* Bad geometry values: a clear error naming the key, non-zero exit, no output. */
static void bad_values(void **state)
{
    (void)state;
    const char *body = "beam: {particle: e-, energy_GeV: 8}\ntarget: {material: W, thickness_X0: "
                       "0.1}\nmodel: {mediator: vector, decay: invisible, alpha_D: 0.1, "
                       "mchi_over_m: 0.3333, coupling: 1}\nprocesses: [brem]\n"
                       "masses_GeV: [0.05]\nenergy_bins: {min_GeV: 0, max_GeV: 8, n: 8}\n";
    const char *bad[][2] = {
        {"geometry: {theta_bins: -1}\n", "geometry.theta_bins"},
        {"geometry: {theta_bins: 65}\n", "geometry.theta_bins"},
        {"geometry: {depth_bins: 1000}\n", "geometry.depth_bins"},
        {"geometry: {theta_bins: 4, theta_min_rad: 0}\n", "geometry.theta_min_rad"},
        {"geometry: {theta_bins: 4, theta_min_rad: 0.1, theta_max_rad: 0.01}\n",
         "geometry.theta_max_rad"},
        {"geometry: {theta_bins: 4, theta_max_rad: 4}\n", "geometry.theta_max_rad"},
        {"geometry: {theta_min_rad: 0.001}\n", "geometry.theta_bins"},
        {"geometry: {theta_bins: x}\n", "geometry.theta_bins"},
        {"geometry: {depth: 3}\n", "depth"},
    };
    char h5[600];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        const int rc = run_cfg("bad", body, bad[i][0], h5);
        if (rc == 0 || !strstr(out, bad[i][1]))
            fail_msg("'%s': rc %d, expected an error naming %s:\n%s", bad[i][0], rc, bad[i][1],
                     out);
        struct stat st;
        assert_true(stat(h5, &st) != 0);
    }
    const char *prim = "beam: {particle: e-, energy_GeV: 8}\ntarget: {material: W, thickness_X0: "
                       "10}\nmodel: {mediator: alp, decay: visible, coupling: 1e-4}\n"
                       "processes: [primakoff]\nmasses_GeV: [0.05]\n"
                       "energy_bins: {min_GeV: 0, max_GeV: 8, n: 8}\n";
    /* the beam spread is folded for annihilation only */
    const char *spr =
        "beam: {particle: e-, energy_GeV: 8, spread_GeV: 0.02}\ntarget: {material: W, "
        "thickness_X0: 0.1}\nmodel: {mediator: vector, decay: invisible, alpha_D: "
        "0.1, mchi_over_m: 0.3333, coupling: 1}\nprocesses: [brem]\n"
        "masses_GeV: [0.05]\nenergy_bins: {min_GeV: 0, max_GeV: 8, n: 8}\n";
    int rc = run_cfg("bads", spr, "", h5);
    if (rc == 0 || !strstr(out, "spread_GeV > 0 is supported for processes: [annihilation]"))
        fail_msg("spread with brem: rc %d\n%s", rc, out);
    rc = run_cfg("badp", prim, "geometry: {theta_bins: 4}\n", h5);
    if (rc == 0 || !strstr(out, "primakoff")) fail_msg("primakoff angles: rc %d\n%s", rc, out);
    char tl[512], imp[2048];
    snprintf(tl, sizeof tl, "%s/test_geometry_tl.csv", DY_BINARY_DIR);
    put(tl, "# E_lo_GeV,E_hi_GeV,T_cm_per_GeV\n0.001,8,2\n");
    snprintf(
        imp, sizeof imp,
        "beam: {particle: e-, energy_GeV: 8}\ntarget: {material: W, thickness_X0: 10, "
        "tracklengths: {e-: %s, e+: %s}}\nmodel: {mediator: vector, decay: invisible, alpha_D: "
        "0.1, mchi_over_m: 0.3333, coupling: 1}\nprocesses: [brem]\n"
        "masses_GeV: [0.05]\nenergy_bins: {min_GeV: 0, max_GeV: 8, n: 8}\n",
        tl, tl);
    rc = run_cfg("badi", imp, "geometry: {depth_bins: 4}\n", h5);
    if (rc == 0 || !strstr(out, "carries no depth")) fail_msg("imported: rc %d\n%s", rc, out);
}

/* The decay-probability factor with production depths: production at depth d sees the volume
 * [z1 - d, z2 - d], so at short decay lengths l the signal is the front-point one times the mean
 * of exp(d/l) (closed form), and at long ones (l >> z2) the two agree to O(z/l). */
static void decay_depth_factor(void **state)
{
    (void)state;
    static dy_signal_spec a, b;
    memset(&a, 0, sizeof a);
    a.mass_GeV = 0.05, a.c0 = 1.0, a.n_pot = 1e18, a.decay = DY_DECAY_AP_EE;
    a.region = DY_REGION_BETWEEN, a.z1_cm = 100.0, a.z2_cm = 1000.0;
    a.n_bins = 1, a.e_lo[0] = 10.0, a.e_hi[0] = 10.0 * (1.0 + 1e-9), a.w[0] = 1e-6;
    b = a;
    const int n = 20;
    b.n_bins = n;
    for (int i = 0; i < n; ++i) {
        b.e_lo[i] = a.e_lo[0], b.e_hi[i] = a.e_hi[0], b.w[i] = a.w[0] / n;
        b.depth_cm[i] = 50.0 * (i + 0.5) / n;
    }
    double g1, br;
    dy_signal_width_unit(DY_DECAY_AP_EE, a.mass_GeV, &g1, &br);
    const double p = sqrt(100.0 - 0.0025), lg[2] = {log(1e-4), log(1e-8)};
    for (int k = 0; k < 2; ++k) {
        const double l = p / a.mass_GeV * DY_HBARC_GEV_CM / (g1 * exp(2.0 * lg[k]));
        const double ra = dy_signal_log_events(&b, lg[k]) - dy_signal_log_events(&a, lg[k]);
        double mean = 0.0;
        for (int i = 0; i < n; ++i)
            mean += exp(b.depth_cm[i] / l) / n;
        printf("l = %.3g cm: ln(N_depth/N_front) = %.6g (closed form %.6g)\n", l, ra, log(mean));
        dy_assert_close(ra, log(mean), 1e-9, 1e-6);
        if (k == 0) assert_true(l < 20.0 && ra > 0.5);
        if (k == 1) assert_true(l > 1e5 && fabs(ra) < 1e-3);
    }
}

/* End to end: an E137-like dump (thick Al, decays 17900..38300 cm) run with and without depth
 * bins; the visible limit's upper edge (short lifetimes) rises with the depth-integrated decay
 * factor, the lower edge (long lifetimes, l >> z) stays. */
static void visible_limit_depth(void **state)
{
    (void)state;
    const char *body = "beam: {particle: e-, energy_GeV: 20}\ntarget: {material: Al, "
                       "thickness_X0: 10}\nmodel: {mediator: vector, decay: visible, coupling: "
                       "1}\nprocesses: [brem]\nmasses_GeV: [0.01, 0.05]\n"
                       "energy_bins: {min_GeV: 0, max_GeV: 20, n: 10}\nquadrature: {nodes: 13}\n";
    char h5[2][600], lim[2][1400], args[1600], dir[2][1200], text[8192];
    const char *tag[2] = {"e137d", "e137f"};
    for (int k = 0; k < 2; ++k) {
        if (run_cfg(tag[k], body, k ? "" : "geometry: {depth_bins: 10}\n", h5[k]))
            fail_msg("%s", out);
        snprintf(dir[k], sizeof dir[k], "%s/test_geometry_%s_lim", DY_BINARY_DIR, tag[k]);
        if (snprintf(lim[k], sizeof lim[k], "%s.yaml", dir[k]) >= (int)sizeof lim[k]) fail();
        snprintf(text, sizeof text,
                 "name: l\nyields: %s\nmodel: {particle: dark_photon}\nmode: visible\n"
                 "decay: {region: between, z1_cm: 17900, z2_cm: 38300}\n"
                 "statistics: {pot: 1.87e20}\ncuts: {energy_min_GeV: 2}\n"
                 "coupling_scan: {min: 1e-9, max: 1e-2, per_decade: 20}\n"
                 "output: {dir: %s, formats: [csv], plots: false}\n",
                 h5[k], dir[k]);
        put(lim[k], text);
        if (snprintf(args, sizeof args, "limit %s", lim[k]) >= (int)sizeof args) fail();
        if (dy_run_cli(args, out, sizeof out)) fail_msg("%s", out);
    }
    for (int m = 0; m < 2; ++m) {
        char c0[1400], c1[1400];
        snprintf(c0, sizeof c0, "%s/l_limits.csv", dir[0]);
        snprintf(c1, sizeof c1, "%s/l_limits.csv", dir[1]);
        const double lo0 = dy_csv_value(c0, "obs_lower", m), lo1 = dy_csv_value(c1, "obs_lower", m);
        const double up0 = dy_csv_value(c0, "obs_upper", m), up1 = dy_csv_value(c1, "obs_upper", m);
        printf("m index %d: lower %.5g (depth) vs %.5g (front); upper %.5g vs %.5g\n", m, lo0, lo1,
               up0, up1);
        dy_assert_close(lo0, lo1, 0.0, 1e-3);
        assert_true(up0 > up1 * 1.0001 && up0 < up1 * 1.01); /* ~1 m of shower vs 179 m */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gamma_profile_maximum),
        cmocka_unit_test(bad_values),
        cmocka_unit_test(brem_angle_vs_engine),
        cmocka_unit_test(thick_sums_and_default_unchanged),
        cmocka_unit_test(thin_and_muon),
        cmocka_unit_test(decay_depth_factor),
        cmocka_unit_test(depth_vs_approximation_a),
        cmocka_unit_test(photon_beam_uncollided),
        cmocka_unit_test(visible_limit_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
