/* test_acceptance.c — the detector acceptance of visible-decay limits (docs/limits.md §3.1): the
 * share of an angle histogram inside a half-angle (whole bins, the solid-angle share of the first
 * bin, the ln-theta share of the others); end to end, a tiny aperture scales the signal by the
 * accepted share of the run's own angle histogram (read from its CSV, not through the limit's
 * code path), so with every A' decaying in the volume (region beyond z1 = 0) the lower edge rises
 * by 1/sqrt(share); a disc of radius R at distance L gives the same as atan(R/L); bad
 * acceptances are refused with the reason. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dy_test.h"
#include "dy_test_cli.h"
#include "darkyield/dy.h"
#include "physics/acceptance.h"

static char out[1 << 17];

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void fraction_unit(void **state)
{
    (void)state;
    const double e[3] = {1e-3, 1e-2, 1e-1}, h[2] = {1.0, 3.0}, h0[2] = {1.0, 0.0};
    dy_assert_close(dy_accept_fraction(e, 2, h, 1e-2), 0.25, 0.0, 1e-14);
    dy_assert_close(dy_accept_fraction(e, 2, h, 5e-3), 0.25 * 0.25, 0.0, 1e-14); /* theta^2 */
    dy_assert_close(dy_accept_fraction(e, 2, h, sqrt(1e-3)), (1.0 + 1.5) / 4.0, 0.0, 1e-14);
    assert_true(dy_accept_fraction(e, 2, h, 0.0) == 0.0);
    assert_true(isnan(dy_accept_fraction(e, 2, h, 0.2))); /* the last bin runs on to pi */
    dy_assert_close(dy_accept_fraction(e, 2, h0, 0.2), 1.0, 0.0, 1e-15);
    dy_assert_close(dy_accept_half_angle(3.0, 4.0), atan(0.75), 0.0, 1e-15);
    assert_true(isnan(dy_accept_half_angle(1.0, 0.0)));
}

/* The e+e- acceptance against a plain Monte Carlo of the same geometry (uniform cos theta*,
 * azimuth and decay point; exact small-angle-free boosts), for both and either product. */
static void products_vs_mc(void **state)
{
    (void)state;
    const double m = 0.05, E = 2.0, th = 1e-3, off = 1e4, l0 = 0.0, l1 = 5e3, R = 15.0;
    const double me = 0.51099895e-3, g = E / m, b = sqrt(1.0 - 1.0 / (g * g));
    const double ps = sqrt(0.25 * m * m - me * me), es = 0.5 * m;
    unsigned long long x = 88172645463325252ULL;
    const int N = 200000;
    int nb = 0, na = 0;
    for (int i = 0; i < N; ++i) {
        double u[3];
        for (int k = 0; k < 3; ++k) { /* xorshift64 */
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            u[k] = (double)(x >> 11) / 9007199254740992.0;
        }
        const double c = 2.0 * u[0] - 1.0, ph = 6.283185307179586 * u[1];
        const double lev = l0 + (l1 - l0) * u[2], s = sqrt(1.0 - c * c);
        int hit[2];
        for (int d = 0; d < 2; ++d) {
            const double pl = g * ((d ? -1.0 : 1.0) * ps * c + b * es);
            const double px = (d ? -1.0 : 1.0) * ps * s * cos(ph),
                         py = (d ? -1.0 : 1.0) * ps * s * sin(ph);
            const double X = tan(th) * off + px / pl * lev, Y = py / pl * lev;
            hit[d] = pl > 0.0 && X * X + Y * Y < R * R;
        }
        nb += hit[0] && hit[1];
        na += hit[0] || hit[1];
    }
    const double pb = (double)nb / N, pa = (double)na / N;
    const double qb = dy_accept_products(m, E, th, off, l0, l1, R, 1);
    const double qa = dy_accept_products(m, E, th, off, l0, l1, R, 0);
    printf("both: quadrature %.4f, MC %.4f; any: %.4f, %.4f\n", qb, pb, qa, pa);
    assert_true(pb > 0.02 && pb < 0.9 && pa > pb);
    assert_true(fabs(qb - pb) < 4.0 * sqrt(pb * (1 - pb) / N) + 0.003);
    assert_true(fabs(qa - pa) < 4.0 * sqrt(pa * (1 - pa) / N) + 0.003);
    /* far from the edges of a wide disc every product arrives */
    dy_assert_close(dy_accept_products(m, E, 0.0, off, l0, l1, 1e4, 1), 1.0, 0.0, 1e-15);
}

/* Row values of the run's angle CSV: sum of dNdE (total channel, energy bins above cut) with
 * theta_hi <= th_hi (all bins when th_hi is inf), per mass. */
static double theta_sum(const char *path, double mass, double cut, double th_hi)
{
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    char line[1024];
    double s = 0.0;
    int hdr = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        if (!hdr++) continue;
        char ch[64];
        double m, elo, ehi, tlo, thi, v, ev;
        if (sscanf(line, "%63[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf", ch, &m, &elo, &ehi, &tlo, &thi, &v,
                   &ev) != 8)
            fail_msg("bad line %s", line);
        if (strcmp(ch, "total") || fabs(m / mass - 1.0) > 1e-6 || elo < cut - 1e-9) continue;
        if (thi <= th_hi * (1.0 + 1e-7)) s += v;
    }
    fclose(f);
    return s;
}

/* A limit config on yields h5 with the extra text (acceptance); returns the CLI's status. */
static int limit(const char *tag, const char *h5, const char *extra, char csv[1400])
{
    char dir[1200], cfg[1300], text[8192], args[1400];
    snprintf(dir, sizeof dir, "%s/test_acceptance_%s", DY_BINARY_DIR, tag);
    snprintf(cfg, sizeof cfg, "%s.yaml", dir);
    snprintf(text, sizeof text,
             "name: l\nyields: %s\nmodel: {particle: dark_photon}\nmode: visible\n"
             "%sstatistics: {pot: 1e18}\n"
             "cuts: {energy_min_GeV: 2}\ncoupling_scan: {min: 1e-12, max: 1e-2, per_decade: 20}\n"
             "%soutput: {dir: %s, formats: [csv], plots: false}\n",
             h5, strstr(extra, "decay:") ? "" : "decay: {region: beyond, z1_cm: 0}\n", extra, dir);
    put(cfg, text);
    snprintf(csv, 1400, "%s/l_limits.csv", dir);
    remove(csv);
    snprintf(args, sizeof args, "limit %s --quiet", cfg);
    return dy_run_cli(args, out, sizeof out);
}

static void tiny_aperture(void **state)
{
    (void)state;
    char cfg[800], dir[600], text[4096], args[1400], h5[800], tcsv[800], c0[1400], c1[1400],
        c2[1400];
    snprintf(dir, sizeof dir, "%s/test_acceptance_run", DY_BINARY_DIR);
    snprintf(cfg, sizeof cfg, "%s.yaml", dir);
    snprintf(text, sizeof text,
             "name: g\nseed: 3\nprecision: 0.05\nbeam: {particle: e-, energy_GeV: 20}\n"
             "target: {material: Al, thickness_X0: 10}\nmodel: {mediator: vector, decay: "
             "visible, coupling: 1}\nprocesses: [brem]\nmasses_GeV: [0.005, 0.05]\n"
             "energy_bins: {min_GeV: 0, max_GeV: 20, n: 10}\nquadrature: {nodes: 9}\n"
             "geometry: {theta_bins: 10, theta_min_rad: 1.0e-6, theta_max_rad: 0.1}\n"
             "output: {dir: %s, formats: [hdf5, csv], plots: false}\n",
             dir);
    put(cfg, text);
    snprintf(args, sizeof args, "run %s --backend cpu --fresh --quiet", cfg);
    if (dy_run_cli(args, out, sizeof out)) fail_msg("%s", out);
    snprintf(h5, sizeof h5, "%s/g.h5", dir);
    snprintf(tcsv, sizeof tcsv, "%s/g_theta.csv", dir);
    /* edges 1e-6 * 10^(k/2): edge 3 = 3.16e-5 rad, below the median A' angle at 5 and 50 MeV */
    const double th = 1e-6 * pow(10.0, 1.5);
    char acc[256];
    if (limit("none", h5, "", c0)) fail_msg("%s", out);
    snprintf(acc, sizeof acc, "acceptance: {theta_max_rad: %.17g}\n", th);
    if (limit("theta", h5, acc, c1)) fail_msg("%s", out);
    snprintf(acc, sizeof acc, "acceptance: {radius_cm: %.17g, distance_cm: 1.0e6}\n",
             tan(th) * 1e6);
    if (limit("disc", h5, acc, c2)) fail_msg("%s", out);
    const double masses[2] = {0.005, 0.05};
    for (int m = 0; m < 2; ++m) {
        const double all = theta_sum(tcsv, masses[m], 2.0, INFINITY);
        const double in = theta_sum(tcsv, masses[m], 2.0, th);
        const double f = in / all;
        const double l0 = dy_csv_value(c0, "obs_lower", m), l1 = dy_csv_value(c1, "obs_lower", m);
        const double l2 = dy_csv_value(c2, "obs_lower", m);
        printf("m = %g GeV: accepted share %.4g (histogram); lower edge %.5g -> %.5g (ratio %.6g, "
               "expected 1/sqrt(share) = %.6g); disc %.5g\n",
               masses[m], f, l0, l1, l1 / l0, 1.0 / sqrt(f), l2);
        assert_true(f > 0.0 && f < 0.5); /* a tiny aperture */
        dy_assert_close(l1 / l0, 1.0 / sqrt(f), 0.0, 1e-5);
        dy_assert_close(l2, l1, 0.0, 1e-6);
    }
    /* the e+e- followed to a wide disc (0.04 rad at 1e4 m, decays in the first 1e3 m): requiring
     * both products costs little at 5 MeV and more at 50 MeV (the soft product of an asymmetric
     * decay, E < ~0.06 E_A', leaves at more than 0.04 rad), either one costs less; neither beats
     * the A' direction beyond quadrature (A' just outside the rim with a product inside) */
    {
        char cb[1400], cy[1400], ca[1400];
        const char *base = "acceptance: {radius_cm: 4.0e4, distance_cm: 1.0e6%s}\n"
                           "decay: {region: between, z1_cm: 100, z2_cm: 1.0e5}\n";
        char t3[512];
        snprintf(t3, sizeof t3, base, "");
        if (limit("p_boson", h5, t3, cb)) fail_msg("%s", out);
        snprintf(t3, sizeof t3, base, ", products: both");
        if (limit("p_both", h5, t3, cy)) fail_msg("%s", out);
        snprintf(t3, sizeof t3, base, ", products: any");
        if (limit("p_any", h5, t3, ca)) fail_msg("%s", out);
        for (int m = 0; m < 2; ++m) {
            const double lb = dy_csv_value(cb, "obs_lower", m),
                         ly = dy_csv_value(cy, "obs_lower", m);
            const double la = dy_csv_value(ca, "obs_lower", m);
            printf("m index %d: lower edge boson %.6g, both %.6g, any %.6g\n", m, lb, ly, la);
            assert_true(ly > lb * (1.0 - 1e-4) && la <= ly * (1.0 + 1e-9) && la > 0.999 * lb);
            if (m == 0) assert_true(ly < 1.01 * lb); /* 5 MeV: products within ~1e-3 rad */
            if (m == 1) assert_true(ly > 1.01 * lb); /* 50 MeV: soft products miss */
        }
    }
    /* statistics.event_limit: N_sig is then compared with the given number, so the lower edge
     * (N ~ g^2 here) scales as sqrt(event_limit / 2.302585), the n = 0 Poisson limit at 90 % */
    if (limit("evlim", h5, "", c1)) fail_msg("%s", out);
    {
        char cfgp[1000], t2[8192];
        snprintf(cfgp, sizeof cfgp, "%s/test_acceptance_evlim.yaml", DY_BINARY_DIR);
        FILE *f = fopen(cfgp, "r");
        assert_non_null(f);
        const size_t n = fread(t2, 1, sizeof t2 - 1, f);
        fclose(f);
        t2[n] = 0;
        char *p = strstr(t2, "statistics: {pot: 1e18}");
        assert_non_null(p);
        char rest[8192];
        snprintf(rest, sizeof rest, "%s", p + strlen("statistics: {pot: 1e18}"));
        snprintf(p, sizeof t2 - (size_t)(p - t2), "statistics: {pot: 1e18, event_limit: 100}%s",
                 rest);
        put(cfgp, t2);
        snprintf(args, sizeof args, "limit %s --quiet", cfgp);
        if (dy_run_cli(args, out, sizeof out)) fail_msg("%s", out);
        for (int m = 0; m < 2; ++m)
            dy_assert_close(dy_csv_value(c1, "obs_lower", m) / dy_csv_value(c0, "obs_lower", m),
                            sqrt(100.0 / 2.302585093), 0.0, 1e-5);
    }
    /* refused: angles not in the file, the aperture above the file's angle range, invisible */
    char nog[700];
    snprintf(nog, sizeof nog, "%s/test_acceptance_noangle.yaml", DY_BINARY_DIR);
    snprintf(text, sizeof text,
             "name: n\nprecision: 0.1\nbeam: {particle: e-, energy_GeV: 20}\n"
             "target: {material: Al, thickness_X0: 10}\nmodel: {mediator: vector, decay: "
             "visible, coupling: 1}\nprocesses: [brem]\nmasses_GeV: [0.05]\n"
             "energy_bins: {min_GeV: 0, max_GeV: 20, n: 10}\nquadrature: {nodes: 9}\n"
             "output: {dir: %s/test_acceptance_noangle, formats: [hdf5], plots: false}\n",
             DY_BINARY_DIR);
    put(nog, text);
    snprintf(args, sizeof args, "run %s --backend cpu --fresh --quiet", nog);
    if (dy_run_cli(args, out, sizeof out)) fail_msg("%s", out);
    snprintf(h5, sizeof h5, "%s/test_acceptance_noangle/n.h5", DY_BINARY_DIR);
    assert_true(limit("bad1", h5, "acceptance: {theta_max_rad: 0.01}\n", c1) != 0);
    assert_non_null(strstr(out, "geometry.theta_bins"));
    snprintf(h5, sizeof h5, "%s/g.h5", dir);
    assert_true(limit("bad2", h5, "acceptance: {theta_max_rad: 0.2}\n", c1) != 0);
    assert_non_null(strstr(out, "geometry.theta_max_rad"));
    assert_true(limit("bad3", h5, "acceptance: {radius_cm: 10}\n", c1) != 0);
    assert_non_null(strstr(out, "distance_cm"));
    assert_true(limit("bad4", h5, "acceptance: {theta_max_rad: 0.01, radius_cm: 10}\n", c1) != 0);
    assert_non_null(strstr(out, "not both"));
    assert_true(limit("bad6", h5, "acceptance: {theta_max_rad: 0.01, products: both}\n", c1) != 0);
    assert_non_null(strstr(out, "acceptance.products"));
    assert_true(limit("bad7", h5,
                      "acceptance: {radius_cm: 10, distance_cm: 1000, products: any}\n"
                      "decay: {region: between, z1_cm: 100, z2_cm: 2000}\n",
                      c1) != 0); /* the volume reaches past the detector */
    assert_non_null(strstr(out, "distance_cm >= decay.z2_cm"));
    { /* invisible mode: nothing has to reach a detector */
        char cfgp[1000];
        snprintf(cfgp, sizeof cfgp, "%s/test_acceptance_inv.yaml", DY_BINARY_DIR);
        snprintf(text, sizeof text,
                 "name: l\nyields: %s\nmodel: {particle: dark_photon}\nstatistics: {pot: 1e18}\n"
                 "acceptance: {theta_max_rad: 0.01}\noutput: {dir: %s/test_acceptance_inv}\n",
                 h5, DY_BINARY_DIR);
        put(cfgp, text);
        snprintf(args, sizeof args, "limit %s --quiet", cfgp);
        assert_true(dy_run_cli(args, out, sizeof out) != 0);
        assert_non_null(strstr(out, "only to 'mode: visible'"));
    }
    FILE *fc = fopen(c1, "r"); /* no partial output */
    assert_null(fc);
}

/* The API with the yields in memory (dy_limits_options.yields) applies the acceptance as the
 * CLI does on the file: the same run (same seed, cpu) gives the same lower edges. */
static void in_memory(void **state)
{
    (void)state;
    char path[1200], text[8192], rtext[4096];
    dy_error err;
    snprintf(path, sizeof path, "%s/test_acceptance_run.yaml", DY_BINARY_DIR);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("run tiny_aperture first (%s)", path);
    size_t n = fread(rtext, 1, sizeof rtext - 1, f);
    fclose(f);
    rtext[n] = 0;
    dy_yields_options yo;
    dy_yields_options_default(&yo);
    yo.backend = "cpu";
    dy_yields *y = NULL;
    if (dy_yields_run_string(NULL, rtext, n, "run.yaml", &yo, &y, &err) != DY_OK)
        fail_msg("%s", err.msg);
    snprintf(path, sizeof path, "%s/test_acceptance_theta.yaml", DY_BINARY_DIR);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    dy_limits_options lo;
    dy_limits_options_default(&lo);
    lo.yields = y;
    lo.quiet = 1;
    dy_limits *l = NULL;
    if (dy_limits_compute_string(text, n, "limit.yaml", &lo, &l, &err) != DY_OK)
        fail_msg("%s", err.msg);
    const double *lower = dy_limits_column(l, "obs_lower");
    assert_non_null(lower);
    char csv[1400];
    snprintf(csv, sizeof csv, "%s/test_acceptance_theta/l_limits.csv", DY_BINARY_DIR);
    for (int m = 0; m < 2; ++m)
        dy_assert_close(lower[m], dy_csv_value(csv, "obs_lower", m), 0.0, 1e-7);
    dy_limits_free(l);
    dy_yields_free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fraction_unit),
        cmocka_unit_test(products_vs_mc),
        cmocka_unit_test(tiny_aperture),
        cmocka_unit_test(in_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
