/* test_idm.c — inelastic dark matter (host/physics/idm.c): Gamma(chi2 -> chi1 e+e-) against the
 * small-splitting formula of Izaguirre et al. (arXiv:1508.03050) and against a brute-force
 * Monte Carlo over the electron energies with the traces contracted from explicit 4-vectors;
 * the sign of the m1 m2 trace term; A' -> chi1 chi2 at zero splitting; the chi2 energy box and
 * the box-averaged decay probability against a Monte Carlo of chi2 decays and a fine quadrature;
 * the iDM signal of dy_signal_log_events in the long-lifetime limits. */
#include "dy_test.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "physics/dy_constants.h"
#include "physics/dy_dark_widths.h"
#include "physics/idm.h"
#include "physics/limits.h"
#include "physics/rratio.h"

static const double k_pi = 3.14159265358979323846;

/* splitmix64 -> uniform (0, 1) */
static double unif(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

/* Izaguirre, Krnjaic, Shuve, PRD 93 (2016) 063523: Gamma ~ 4 eps^2 alpha alpha_D Delta^5 m1^5/(15
 * pi m^4)
 */
static double ikst(double m, double m1, double delta, double eps, double ad)
{
    return 4.0 * eps * eps * DY_ALPHA_EM * ad * pow(delta * m1, 5.0) / (15.0 * k_pi * pow(m, 4.0));
}

static double width(double m, double m1, double delta, double me, int sign)
{
    double w, e;
    dy_error err;
    assert_int_equal(dy_idm_width_chi2_full(m, m1, delta, 1e-3, 0.1, me, sign, &w, &e, &err),
                     DY_OK);
    assert_true(e < 1e-8 * w);
    return w;
}

/* Small splitting, me = 0: the ratio to the Delta^5 formula tends to 1, its deviation is
 * O(Delta) (linear fit: |ratio - 1| / Delta bounded and nearly constant).  The other sign of the
 * m1 m2 term gives 3 x the formula: the sign is the one the formula (and the Fermi-like vector
 * current at small splitting) picks.  With the physical m_e at m1 = 1 GeV the ratio moves by
 * O(m_e^2/dm^2) only. */
static void test_small_splitting(void **state)
{
    (void)state;
    const double m1 = 1.0, m = 3.0;
    double slope[5];
    for (int i = 0; i < 5; ++i) {
        const double d = 0.01 * (i + 1);
        const double r = width(m, m1, d, 0.0, 1) / ikst(m, m1, d, 1e-3, 0.1);
        const double rw = width(m, m1, d, 0.0, -1) / ikst(m, m1, d, 1e-3, 0.1);
        const double rme = width(m, m1, d, DY_M_E, 1) / ikst(m, m1, d, 1e-3, 0.1);
        slope[i] = (r - 1.0) / d;
        printf("Delta = %.2f: Gamma/IKST = %.6f (other sign %.4f, with m_e %.6f)\n", d, r, rw, rme);
        assert_true(fabs(r - 1.0) < 2.0 * d); /* O(Delta) */
        dy_assert_close(rw, 3.0, 0.0, 6.0 * d);
        assert_true(fabs(rme - r) < 20.0 * (DY_M_E / (d * m1)) * (DY_M_E / (d * m1)));
    }
    /* the O(Delta) coefficient is a constant: the slope changes by O(Delta) across the range */
    assert_true(fabs(slope[4] - slope[0]) < 0.1 * fabs(slope[0]) + 0.2);
}

/* Minkowski dot product, metric (+, -, -, -) */
static double dot(const double *a, const double *b)
{
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
}

/* The traces contracted from explicit tensors: A^{mu nu} = a^mu b^nu + a^nu b^mu - g^{mu nu} X
 * with X = p1.p2 - m1 m2 (chi) and k1.k2 + me^2 (electrons), times 4 each. */
static double contract(const double *p1, const double *p2, const double *k1, const double *k2,
                       double m1, double m2, double me)
{
    static const double g[4] = {1.0, -1.0, -1.0, -1.0};
    const double x = dot(p1, p2) - m1 * m2, y = dot(k1, k2) + me * me;
    double s = 0.0;
    for (int mu = 0; mu < 4; ++mu)
        for (int nu = 0; nu < 4; ++nu) {
            const double a = 4.0 * (p1[mu] * p2[nu] + p1[nu] * p2[mu] - (mu == nu ? g[mu] * x : 0));
            /* lower the indices of the electron tensor */
            const double b = 4.0 * g[mu] * g[nu] *
                             (k1[mu] * k2[nu] + k1[nu] * k2[mu] - (mu == nu ? g[mu] * y : 0));
            s += a * b;
        }
    return s;
}

/* Brute force: uniform points in the electron energies (E-, E+) of the chi2 rest frame,
 * dGamma = |M|^2/(64 pi^3 m2) dE- dE+ (spin-averaged |M|^2, PDG Kinematics), the 4-vectors built
 * from momentum balance and the traces contracted above.  Within 4 sigma of the Dalitz
 * integration, well above threshold and close to it. */
static void test_brute_force(void **state)
{
    (void)state;
    const double cases[2][3] = {{0.35, 0.1, 0.5}, {0.1, 0.03, 0.05}}; /* m, m1, Delta */
    const double me = DY_M_E, eps = 1e-3, ad = 0.1;
    for (int c = 0; c < 2; ++c) {
        const double m = cases[c][0], m1 = cases[c][1], m2 = m1 * (1.0 + cases[c][2]);
        const double emax = (m2 * m2 + me * me - (m1 + me) * (m1 + me)) / (2.0 * m2);
        const double coup = 4.0 * k_pi * DY_ALPHA_EM * eps * eps * 4.0 * k_pi * ad;
        uint64_t seed = 12345 + c;
        const int n = 400000;
        double s1 = 0.0, s2 = 0.0;
        for (int i = 0; i < n; ++i) {
            const double ea = me + (emax - me) * unif(&seed), eb = me + (emax - me) * unif(&seed);
            const double e1 = m2 - ea - eb;
            const double ka = sqrt(ea * ea - me * me), kb = sqrt(eb * eb - me * me);
            const double pp2 = e1 * e1 - m1 * m1;
            double f = 0.0;
            if (e1 > m1) {
                const double ct = (pp2 - ka * ka - kb * kb) / (2.0 * ka * kb);
                if (ct > -1.0 && ct < 1.0) {
                    const double st = sqrt(1.0 - ct * ct);
                    const double k1[4] = {ea, 0.0, 0.0, ka}, k2[4] = {eb, kb * st, 0.0, kb * ct};
                    const double p1[4] = {e1, -k2[1], 0.0, -ka - k2[3]}, p2[4] = {m2, 0, 0, 0};
                    const double q[4] = {ea + eb, k2[1], 0.0, ka + k2[3]};
                    const double prop = dot(q, q) - m * m;
                    f = 0.5 * coup * contract(p1, p2, k1, k2, m1, m2, me) / (prop * prop) /
                        (64.0 * k_pi * k_pi * k_pi * m2) * (emax - me) * (emax - me);
                }
            }
            s1 += f;
            s2 += f * f;
        }
        const double mc = s1 / n, sig = sqrt((s2 / n - mc * mc) / (n - 1));
        const double w = width(m, m1, cases[c][2], me, 1);
        printf("m1 = %g, Delta = %g: Dalitz %.8g GeV, brute force %.8g +- %.2g (%.2f sigma)\n", m1,
               cases[c][2], w, mc, sig, (w - mc) / sig);
        assert_true(fabs(w - mc) < 4.0 * sig);
        assert_true(sig < 0.01 * w); /* a test that can fail */
        /* the physical entry point agrees (width scales as eps^2 alpha_D) */
        dy_assert_close(dy_idm_width_chi2(m, m1, cases[c][2], 1.0, 1.0), w / (eps * eps * ad), 0.0,
                        1e-12);
    }
    /* below threshold (m2 - m1 <= 2 m_e) chi2 is stable here */
    assert_true(dy_idm_width_chi2(0.1, 0.03, 0.03, 1.0, 1.0) == 0.0);
    double w;
    dy_error err;
    assert_int_equal(dy_idm_width_chi2_full(0.1, 0.03, -0.1, 1, 1, DY_M_E, 1, &w, NULL, &err),
                     DY_ERR_INVALID);
}

/* A' -> chi1 chi2 at splitting -> 0 is the Dirac pair width (alpha_D M/3)(1 + 2r^2) sqrt(1-4r^2) */
static void test_ap_width(void **state)
{
    (void)state;
    const double M = 0.1, ad = 0.1;
    for (int i = 0; i < 3; ++i) {
        const double m1 = M * (0.1 + 0.15 * i), r2 = m1 * m1 / (M * M);
        const double dirac = ad * M / 3.0 * (1.0 + 2.0 * r2) * sqrt(1.0 - 4.0 * r2);
        dy_assert_close(dy_width_ap_dm(M, ad, m1, 1e-9, DY_DM_INELASTIC), dirac, 0.0, 1e-7);
        /* and it closes as the splitting grows */
        assert_true(dy_width_ap_dm(M, ad, m1, 0.1, DY_DM_INELASTIC) < dirac);
    }
}

/* The box: E2 = gamma (E* + beta p* cos), extremes at cos = -+1.  The box average of the decay
 * probability against a Monte Carlo of isotropic decays and exponential decay points, for a
 * volume and for "beyond", at a lifetime where P ~ 0.2-0.6; against a fine trapezoid in E2 for a
 * short lifetime (the steep end of the box); and the long-lifetime limit
 * <(z2 - z1)/l> = (z2 - z1)/(c tau) m2 (u_hi - u_lo)/(E_hi - E_lo) (int dE/p = acosh). */
static void test_box(void **state)
{
    (void)state;
    const double m = 0.1, m1 = 0.03, m2 = 0.036, e = 20.0, z1 = 50.0, z2 = 500.0;
    const double es = (m * m + m2 * m2 - m1 * m1) / (2.0 * m), ps = sqrt(es * es - m2 * m2);
    const double gam = e / m, gb = sqrt(e * e - m * m) / m;
    double lo, hi;
    assert_int_equal(dy_idm_chi2_box(m, m1, m2, e, &lo, &hi), 1);
    dy_assert_close(lo, gam * es - gb * ps, 0.0, 1e-9);
    dy_assert_close(hi, gam * es + gb * ps, 0.0, 1e-12);
    double lo0, hi0;
    assert_int_equal(dy_idm_chi2_box(m, m1, m2, 0.09, &lo0, &hi0), 0); /* below the A' mass */
    const double ctau = 2.0; /* cm: lab decay lengths ~ 50..1300 cm */
    uint64_t seed = 99;
    const int n = 1000000;
    int in = 0, beyond = 0;
    for (int i = 0; i < n; ++i) {
        const double c = 2.0 * unif(&seed) - 1.0, e2 = gam * es + gb * ps * c;
        const double l = sqrt(e2 * e2 - m2 * m2) / m2 * ctau, z = -l * log(unif(&seed));
        in += z > z1 && z < z2;
        beyond += z > z1;
    }
    const double pin = exp(dy_idm_log_prob_box(m, m1, m2, e, log(ctau), 0, z1, z2));
    const double pbe = exp(dy_idm_log_prob_box(m, m1, m2, e, log(ctau), 1, z1, 0.0));
    const double fin = (double)in / n, fbe = (double)beyond / n;
    const double sin_ = sqrt(fin * (1 - fin) / n), sbe = sqrt(fbe * (1 - fbe) / n);
    printf("box: P_in %.6f vs MC %.6f +- %.1g; P_beyond %.6f vs MC %.6f +- %.1g\n", pin, fin, sin_,
           pbe, fbe, sbe);
    assert_true(fabs(pin - fin) < 4.0 * sin_ && fabs(pbe - fbe) < 4.0 * sbe);
    assert_true(fin > 0.2 && fbe > 0.2 && fbe < 0.95);
    /* short lifetime: only the top of the box survives to z1; trapezoid in E2, 2e5 steps */
    const double ct2 = 0.02, nst = 200000;
    double t_in = 0.0, t_be = 0.0;
    for (int i = 0; i <= nst; ++i) {
        const double e2 = lo + (hi - lo) * i / nst, w = (i == 0 || i == nst) ? 0.5 : 1.0;
        const double l = sqrt(fmax(e2 * e2 - m2 * m2, 0.0)) / m2 * ct2;
        t_in += w * (l > 0 ? exp(-z1 / l) * -expm1(-(z2 - z1) / l) : 0.0) / nst;
        t_be += w * (l > 0 ? exp(-z1 / l) : 0.0) / nst;
    }
    const double q_in = exp(dy_idm_log_prob_box(m, m1, m2, e, log(ct2), 0, z1, z2));
    const double q_be = exp(dy_idm_log_prob_box(m, m1, m2, e, log(ct2), 1, z1, 0.0));
    printf("short lifetime: P_in %.8g vs %.8g, P_beyond %.8g vs %.8g\n", q_in, t_in, q_be, t_be);
    assert_true(t_in > 1e-30);
    dy_assert_close(q_in, t_in, 0.0, 1e-6);
    dy_assert_close(q_be, t_be, 0.0, 1e-6);
    /* long lifetime */
    const double ct3 = 1e12, uh = acosh(hi / m2), ul = acosh(lo / m2);
    const double want = (z2 - z1) / ct3 * m2 * (uh - ul) / (hi - lo);
    dy_assert_close(exp(dy_idm_log_prob_box(m, m1, m2, e, log(ct3), 0, z1, z2)), want, 0.0, 1e-8);
    /* stable chi2 (c tau = inf): everything escapes, nothing decays in the volume */
    assert_true(dy_idm_log_prob_box(m, m1, m2, e, HUGE_VAL, 1, z1, 0.0) == 0.0);
    assert_true(dy_idm_log_prob_box(m, m1, m2, e, HUGE_VAL, 0, z1, z2) == -HUGE_VAL);
}

/* A one-bin spectrum at mass m (A' energies 40..60 GeV), weight w per particle on target. */
static void one_bin(dy_signal_spec *s, double m, dy_decay_kind d, dy_decay_region r, double z1,
                    double z2)
{
    memset(s, 0, sizeof *s);
    s->mass_GeV = m;
    s->c0 = 1.0;
    s->n_pot = 1e12;
    s->n_bins = 1;
    s->e_lo[0] = 40.0;
    s->e_hi[0] = 60.0;
    s->w[0] = 3e-8;
    s->decay = d;
    s->region = r;
    s->z1_cm = z1;
    s->z2_cm = z2;
}

/* Long lifetime (alpha_D = 1e-8, eps = 1e-5: c tau ~ 1e13 cm): the invisible signature (chi2
 * beyond z_out) is the plain invisible dark-photon signal times BR(A' -> chi1 chi2) to 1e-6
 * (1 - BR ~ 1e-4 here, so a signal without the BR fails), and
 * the semi-visible one is yield x BR x <(z2 - z1)/l>, the average over the box (acosh, as above)
 * and over the bin (Simpson, 2000 steps). */
static void test_signal_long_lifetime(void **state)
{
    (void)state;
    const double m = 0.1, r = 1.0 / 3.0, delta = 0.4, ad = 1e-8, g = 1e-5;
    static dy_signal_spec inv, idm;
    dy_error err;
    one_bin(&inv, m, DY_DECAY_NONE, DY_REGION_BEYOND, 0, 0);
    one_bin(&idm, m, DY_DECAY_NONE, DY_REGION_BEYOND, 600.0, 0);
    assert_int_equal(dy_signal_set_idm(&idm, m, r, delta, ad, &err), DY_OK);
    assert_int_equal(idm.decay, DY_DECAY_IDM);
    const double gdm = dy_width_ap_dm(m, ad, m * r, delta, DY_DM_INELASTIC);
    const double br = gdm / (gdm + g * g * dy_ap_visible_widths(m, 1.0).total);
    const double n_inv = exp(dy_signal_log_events(&inv, log(g)));
    const double n_idm = exp(dy_signal_log_events(&idm, log(g)));
    printf("long lifetime: iDM invisible %.10g, dark photon x BR %.10g (BR = %.8f)\n", n_idm,
           n_inv * br, br);
    assert_true(br < 1.0 - 2e-5); /* the BR is tested, not 1: 20x the tolerance below */
    dy_assert_close(n_idm, n_inv * br, 0.0, 1e-6);

    const double z1 = 50.0, z2 = 550.0;
    idm.region = DY_REGION_BETWEEN;
    idm.z1_cm = z1;
    idm.z2_cm = z2;
    const double n_sv = exp(dy_signal_log_events(&idm, log(g)));
    const double m1 = m * r, m2 = m1 * (1.0 + delta),
                 ctau = DY_HBARC_GEV_CM / idm.idm_gamma_chi2 / (g * g);
    const int ns = 2000;
    double avg = 0.0;
    for (int i = 0; i <= ns; ++i) {
        const double e = 40.0 + 20.0 * i / ns, wgt = (i == 0 || i == ns) ? 1 : (i % 2 ? 4 : 2);
        double lo, hi;
        dy_idm_chi2_box(m, m1, m2, e, &lo, &hi);
        avg += wgt * (z2 - z1) / ctau * m2 * (acosh(hi / m2) - acosh(lo / m2)) / (hi - lo);
    }
    avg /= 3.0 * ns;
    const double want = 1e12 * g * g * 3e-8 * br * avg;
    printf("long lifetime: semi-visible %.10g, yield BR <(z2-z1)/l> %.10g\n", n_sv, want);
    assert_true(n_sv > 0.0);
    dy_assert_close(n_sv, want, 0.0, 1e-6);
}

/* Heavier chi2 channels: above 2 m_mu the chi1 mu+ mu- width is added (0 below it: the muon
 * term vanishes exactly there), and above 2 m_pi, where hadronic decays open, the point is refused
 * rather than given a lifetime too long. */
static void test_heavier_channels(void **state)
{
    (void)state;
    static dy_signal_spec s;
    dy_error err;
    double we, wmu;
    /* m1 = 5 GeV, Delta = 0.05: m2 - m1 = 0.25 GeV, between 2 m_mu and 2 m_pi */
    assert_int_equal(dy_idm_width_chi2_full(20.0, 5.0, 0.05, 1.0, 0.1, DY_M_E, 1, &we, NULL, &err),
                     DY_OK);
    assert_int_equal(
        dy_idm_width_chi2_full(20.0, 5.0, 0.05, 1.0, 0.1, DY_M_MU, 1, &wmu, NULL, &err), DY_OK);
    printf("m2 - m1 = 0.25 GeV: Gamma(ee) %.6g, Gamma(mumu) %.6g GeV\n", we, wmu);
    assert_true(wmu > 0.0 && wmu < we); /* open, and phase-space suppressed */
    one_bin(&s, 20.0, DY_DECAY_NONE, DY_REGION_BEYOND, 600.0, 0);
    assert_int_equal(dy_signal_set_idm(&s, 20.0, 0.25, 0.05, 0.1, &err), DY_OK);
    dy_assert_close(s.idm_gamma_chi2, we + wmu, 0.0, 1e-12);
    /* m2 - m1 = 0.2 GeV < 2 m_mu: the muon channel is closed */
    assert_int_equal(
        dy_idm_width_chi2_full(16.0, 4.0, 0.05, 1.0, 0.1, DY_M_MU, 1, &wmu, NULL, &err), DY_OK);
    assert_true(wmu == 0.0);
    /* m2 - m1 = 0.375 GeV > 2 m_pi: refused, the reason named */
    assert_int_equal(dy_signal_set_idm(&s, 30.0, 0.25, 0.05, 0.1, &err), DY_ERR_INVALID);
    printf("refused: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "2 m_pi"));
}

/* The excluded band of the semi-visible signal closes: N ~ eps^4 at small eps, and chi2 decays
 * before z1 at large eps. */
static void test_signal_band(void **state)
{
    (void)state;
    static dy_signal_spec s;
    dy_error err;
    one_bin(&s, 0.1, DY_DECAY_NONE, DY_REGION_BETWEEN, 50.0, 550.0);
    s.w[0] = 3e-6;
    assert_int_equal(dy_signal_set_idm(&s, 0.1, 1.0 / 3.0, 0.4, 0.1, &err), DY_OK);
    double lo, up;
    int flags;
    assert_int_equal(dy_limit_coupling_band(&s, 2.3, 1e-8, 1.0, 20, &lo, &up, &flags, &err), DY_OK);
    printf("band: eps in [%.4g, %.4g]\n", lo, up);
    assert_int_equal(flags, 0);
    assert_true(lo > 1e-8 && lo < up && up < 1.0);
    /* the edges are where N = 2.3 */
    dy_assert_close(exp(dy_signal_log_events(&s, log(lo))), 2.3, 0.0, 1e-6);
    dy_assert_close(exp(dy_signal_log_events(&s, log(up))), 2.3, 0.0, 1e-6);
    /* m1 + m2 >= m is refused */
    assert_int_equal(dy_signal_set_idm(&s, 0.1, 0.49, 0.1, 0.1, &err), DY_ERR_INVALID);
}

/* With a production depth d (yields with depth bins) the volume is [z1 - d, z2 - d] from the
 * production point, as for the visible A' (docs/limits.md §3). */
static void test_signal_depth(void **state)
{
    (void)state;
    static dy_signal_spec a, b;
    dy_error err;
    one_bin(&a, 0.1, DY_DECAY_NONE, DY_REGION_BETWEEN, 50.0, 550.0);
    one_bin(&b, 0.1, DY_DECAY_NONE, DY_REGION_BETWEEN, 40.0, 540.0);
    a.depth_cm[0] = 10.0;
    assert_int_equal(dy_signal_set_idm(&a, 0.1, 1.0 / 3.0, 0.4, 0.1, &err), DY_OK);
    assert_int_equal(dy_signal_set_idm(&b, 0.1, 1.0 / 3.0, 0.4, 0.1, &err), DY_OK);
    for (int i = 0; i < 3; ++i) {
        const double lg = log(1e-4) + 3.0 * i;
        dy_assert_close(dy_signal_log_events(&a, lg), dy_signal_log_events(&b, lg), 1e-12, 0.0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_splitting),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_ap_width),
        cmocka_unit_test(test_box),
        cmocka_unit_test(test_signal_long_lifetime),
        cmocka_unit_test(test_heavier_channels),
        cmocka_unit_test(test_signal_band),
        cmocka_unit_test(test_signal_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
