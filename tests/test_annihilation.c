/* test_annihilation.c — checks of kernels/processes/dy_proc_annihilation.h and dy_dark_widths.h:
 * the integrand integrated over its unit interval (GSL QAG) against closed forms, the peak and
 * narrow-width limits of the Breit-Wigner, angular laws, widths against hand formulas, the exact
 * e+e- -> gamma A' matrix element against brute-force traces, and unphysical-point handling. */
#include "dy_test.h"
#include "dy_test_quad.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdio.h>

#include "physics/dy_dark_widths.h"
#include "processes/dy_proc_annihilation.h"

#define ME DY_M_E
#define AL DY_ALPHA_EM
#define PB DY_GEV2_TO_PB

/* deterministic quadrature over the process's unit interval (tests/dy_test_quad.h) */
static double integrate_u(const dy_params *p)
{
    dy_params q = *p; /* the set-up leaves the process id to the caller */
    q.process = DY_PROC_annihilation;
    return dy_test_integrate_1d(&q, 1e-13);
}

static dy_annih_config cfg(int channel, int kind, double m, double mchi, double eps, double ad,
                           double epos)
{
    dy_annih_config c;
    dy_annih_config_default(&c);
    c.channel = channel;
    c.dm_kind = kind;
    c.m_ap = m;
    c.m_chi = mchi;
    c.eps = eps;
    c.alpha_d = ad;
    c.e_pos = epos;
    return c;
}

static double sigma_mc(const dy_annih_config *c)
{
    dy_params p;
    const int st = dy_proc_annihilation_setup(&p, c);
    assert_int_equal(st, DY_ANN_OK);
    assert_int_equal(p.dim, 1);
    return integrate_u(&p);
}

/* ---- widths ---- */
static void test_widths_hand(void **state)
{
    const double m = 0.3, ad = 0.1, eps = 1e-3;
    const double r = 0.1 / 0.3; /* m_chi = m/3 */
    dy_ap_widths b;
    (void)state;
    /* hand formulas, reference §2.2 */
    dy_assert_close(dy_width_ap_dm(m, ad, 0.1, 0.0, DY_DM_DIRAC),
                    ad * m / 3.0 * (1.0 + 2.0 * r * r) * sqrt(1.0 - 4.0 * r * r), 0, 1e-14);
    dy_assert_close(dy_width_ap_dm(m, ad, 0.1, 0.0, DY_DM_SCALAR),
                    ad * m / 12.0 * pow(1.0 - 4.0 * r * r, 1.5), 0, 1e-14);
    dy_assert_close(dy_width_ap_dm(m, ad, 0.1, 0.0, DY_DM_MAJORANA),
                    ad * m / 6.0 * pow(1.0 - 4.0 * r * r, 1.5), 0, 1e-14);
    /* inelastic with delta = 0 is the Dirac width */
    dy_assert_close(dy_width_ap_dm(m, ad, 0.1, 0.0, DY_DM_INELASTIC),
                    dy_width_ap_dm(m, ad, 0.1, 0.0, DY_DM_DIRAC), 0, 1e-14);
    {
        /* inelastic, delta = 0.4: Gamma = 2 alpha_D q (E1 E2 + m1 m2 + q^2/3)/M^2 with the correct
         * E1 = (M^2 + m1^2 - m2^2)/(2M) (equivalent form, docs §1); DMG4's stored copy used 2
         * sqrt(M) */
        const double m1 = 0.1, m2 = 0.14;
        const double e1 = (m * m + m1 * m1 - m2 * m2) / (2.0 * m), e2 = m - e1;
        const double q = sqrt(e1 * e1 - m1 * m1);
        const double hand = 2.0 * ad * q * (e1 * e2 + m1 * m2 + q * q / 3.0) / (m * m);
        const double e1bug = (m * m + m1 * m1 - m2 * m2) / (2.0 * sqrt(m));
        dy_assert_close(dy_width_ap_dm(m, ad, m1, 0.4, DY_DM_INELASTIC), hand, 0, 1e-13);
        assert_true(fabs(e1bug - e1) / e1 > 0.1); /* the bug would have been visible */
        dy_assert_close(dy_two_body_q(m, m1, m2), q, 0, 1e-13);
        assert_true(dy_width_ap_dm(m, ad, 0.1, 0.6, DY_DM_INELASTIC) > 0.0);   /* 0.1+0.16 < 0.3 */
        assert_true(dy_width_ap_dm(m, ad, 0.1, 1.01, DY_DM_INELASTIC) == 0.0); /* 0.1+0.201 > 0.3 */
    }
    /* leptons with thresholds */
    dy_assert_close(dy_width_ap_ll(m, eps, DY_M_MU),
                    AL * eps * eps * m / 3.0 * (1.0 + 2.0 * pow(DY_M_MU / m, 2)) *
                        sqrt(1.0 - 4.0 * pow(DY_M_MU / m, 2)),
                    0, 1e-14);
    dy_assert_close(dy_width_ap_ll(m, eps, ME), AL * eps * eps * m / 3.0, 0, 1e-5);
    assert_true(dy_width_ap_ll(0.2, eps, DY_M_MU) == 0.0);
    assert_true(dy_width_ap_dm(m, ad, 0.16, 0.0, DY_DM_DIRAC) == 0.0);
    /* branching ratios */
    b = dy_ap_branchings(m, eps, ad, 0.1, 0.0, DY_DM_DIRAC);
    dy_assert_close(b.ee + b.mumu + b.dm, 1.0, 1e-15, 0);
    assert_true(b.dm > 0.9999 && b.ee > 0.0 && b.mumu > 0.0);
    b = dy_ap_branchings(0.15, 1.0, 0.0, 0.05, 0.0, DY_DM_DIRAC);
    dy_assert_close(b.ee, 1.0, 1e-15, 0); /* below the muon threshold, no DM: B_ee = 1 */
    /* ALP: Gamma = g^2 m^3/(64 pi); ref §4.3: g = 1e-3, m = 10 MeV -> tau = 1.32e-10 s */
    dy_assert_close(dy_width_alp_gg(0.05, 1e-3), 1e-6 * 1.25e-4 / (64.0 * DY_PI), 0, 1e-14);
    dy_assert_close(6.582119569e-25 / dy_width_alp_gg(0.01, 1e-3), 1.32e-10, 0, 5e-3);
}

/* ---- integral of the integrand = closed forms ---- */
static void test_integral_dirac_scalar(void **state)
{
    /* (m_A', m_chi, alpha_D, E+): on peak, below, above, near the chi chi threshold, broad */
    static const double pts[][4] = {{0.1, 0.03, 0.1, 9.784}, {0.1, 0.03, 0.1, 8.0},
                                    {0.1, 0.03, 0.1, 30.0},  {0.25, 0.1, 0.5, 40.0},
                                    {0.25, 0.1, 0.5, 39.2},  {0.017, 0.005, 0.1, 1.0}};
    size_t i;
    int kind;
    (void)state;
    for (kind = DY_DM_DIRAC; kind <= DY_DM_SCALAR; ++kind)
        for (i = 0; i < sizeof pts / sizeof pts[0]; ++i) {
            dy_annih_config c =
                cfg(DY_ANN_CH_INVISIBLE, kind, pts[i][0], pts[i][1], 1e-3, pts[i][2], pts[i][3]);
            const double mc = sigma_mc(&c), cf = dy_annih_sigma_total(&c);
            /* reference §2.3 forms with m_e -> 0 (the header keeps (1 + 2me^2/s)/beta_e) */
            const double s = dy_annih_s(c.e_pos), mx2 = c.m_chi * c.m_chi;
            const double bet = sqrt(1.0 - 4.0 * mx2 / s), D = dy_annih_bw_den(s, &c);
            const double ref =
                (kind == DY_DM_DIRAC)
                    ? 4.0 * DY_PI / 3.0 * AL * 1e-6 * c.alpha_d * bet * (s + 2.0 * mx2) / D * PB
                    : DY_PI / 3.0 * AL * 1e-6 * c.alpha_d * bet * bet * bet * s / D * PB;
            assert_true(cf > 0.0);
            dy_assert_close(mc, cf, 0, 1e-10);
            dy_assert_close(cf, ref, 0, 10.0 * ME * ME / s);
        }
    /* constant-width BW: same numerators */
    {
        dy_annih_config c = cfg(DY_ANN_CH_INVISIBLE, DY_DM_DIRAC, 0.25, 0.1, 1e-3, 0.5, 45.0);
        c.width_mode = DY_ANN_WIDTH_FIXED;
        dy_assert_close(sigma_mc(&c), dy_annih_sigma_total(&c), 0, 1e-10);
    }
}

static void test_integral_other_kinds(void **state)
{
    (void)state;
    {
        dy_annih_config c = cfg(DY_ANN_CH_INVISIBLE, DY_DM_MAJORANA, 0.2, 0.06, 1e-3, 0.1, 35.0);
        const double s = dy_annih_s(c.e_pos), b2 = 1.0 - 4.0 * 0.06 * 0.06 / s;
        const double be = sqrt(1.0 - 4.0 * ME * ME / s);
        /* independent: 1/2 x Dirac axial = (2 pi/3) alpha eps^2 alpha_D beta^3 s
         * (1+2me^2/s)/(beta_e D) */
        const double hand = 2.0 * DY_PI / 3.0 * AL * 1e-6 * 0.1 * b2 * sqrt(b2) * s *
                            (1.0 + 2.0 * ME * ME / s) / (be * dy_annih_bw_den(s, &c)) * PB;
        dy_assert_close(sigma_mc(&c), hand, 0, 1e-10);
        dy_assert_close(dy_annih_sigma_total(&c), hand, 0, 1e-12);
    }
    {
        dy_annih_config c = cfg(DY_ANN_CH_INVISIBLE, DY_DM_INELASTIC, 0.2, 0.05, 1e-3, 0.1, 36.0);
        c.delta = 0.4;
        dy_assert_close(sigma_mc(&c), dy_annih_sigma_total(&c), 0, 1e-10);
        c.delta = 0.0; /* delta = 0 reduces to Dirac */
        {
            dy_annih_config d = c;
            d.dm_kind = DY_DM_DIRAC;
            dy_assert_close(sigma_mc(&c), dy_annih_sigma_total(&d), 0, 1e-10);
        }
    }
    {
        dy_annih_config c = cfg(DY_ANN_CH_EE, DY_DM_DIRAC, 0.05, 0.0, 1.0, 0.0, 2.4);
        dy_assert_close(sigma_mc(&c), dy_annih_sigma_total(&c), 0, 1e-10);
        c.channel = DY_ANN_CH_MUMU;
        c.m_ap = 0.3;
        c.e_pos = 88.0;
        dy_assert_close(sigma_mc(&c), dy_annih_sigma_total(&c), 0, 1e-10);
    }
}

/* ---- peak and narrow-width limits ---- */
static void test_peak(void **state)
{
    static const int kinds[] = {DY_DM_DIRAC, DY_DM_SCALAR, DY_DM_MAJORANA, DY_DM_INELASTIC};
    size_t i;
    (void)state;
    for (i = 0; i < 4; ++i) {
        dy_annih_config c = cfg(DY_ANN_CH_INVISIBLE, kinds[i], 0.1, 0.03, 1e-2, 0.1, 0.0);
        dy_params p;
        double pk, pk_ref;
        c.delta = 0.2;
        c.e_pos = dy_annih_e_res(c.m_ap);
        dy_assert_close(dy_annih_s(c.e_pos), c.m_ap * c.m_ap, 0, 1e-15);
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_OK);
        pk = dy_annih_sigma_peak(c.m_ap, p.par[DY_ANN_BEE], p.par[DY_ANN_BDM]);
        dy_assert_close(integrate_u(&p), pk, 0, 1e-10);
        /* reference form 12 pi B_ee B_chichi/m^2 (m_e -> 0): differs by 4 m_e^2/m^2 = 1.04e-4 */
        pk_ref = 12.0 * DY_PI * p.par[DY_ANN_BEE] * p.par[DY_ANN_BDM] / (c.m_ap * c.m_ap) * PB;
        dy_assert_close(pk, pk_ref, 0, 1.1e-4);
    }
    { /* visible: 12 pi B_ee^2/m^2 */
        dy_annih_config c = cfg(DY_ANN_CH_EE, DY_DM_DIRAC, 0.017, 0.0, 1.0, 0.0, 0.0);
        dy_params p;
        c.e_pos = dy_annih_e_res(c.m_ap);
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_OK);
        dy_assert_close(p.par[DY_ANN_BEE], 1.0, 1e-15, 0);
        dy_assert_close(integrate_u(&p), dy_annih_sigma_peak(c.m_ap, 1.0, 1.0), 0, 1e-10);
    }
    dy_assert_close(dy_annih_e_res(0.1), 9.784, 0, 1e-4); /* ref §2.1 examples */
    dy_assert_close(dy_annih_e_res(0.225), 49.53, 0, 1e-4);
}

typedef struct bw_ctx {
    dy_annih_config c;
    double m, mg; /* m, m Gamma */
} bw_ctx;

/* sigma(E+) dE+/dphi with s = m^2 + m Gamma tan(phi) */
static double f_bw(double phi, void *vp)
{
    bw_ctx *b = (bw_ctx *)vp;
    const double t = tan(phi), s = b->m * b->m + b->mg * t;
    b->c.e_pos = (s - 2.0 * ME * ME) / (2.0 * ME);
    return dy_annih_sigma_total(&b->c) * b->mg * (1.0 + t * t) / (2.0 * ME);
}

/* int sigma dE+ over s in m^2 (1 -+ w), divided by the pure-BW fraction of that window.  epsrel
 * 1e-7: for Gamma/m ~ 1e-9 the round-off of s = 2 m_e^2 + 2 m_e E+ is ~1e-8 of m Gamma. */
static double nwa_numeric(const dy_annih_config *c, double gam, double wnd)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(2000);
    gsl_function F;
    bw_ctx b;
    double r = 0.0, err = 0.0, lo, hi;
    int st;
    b.c = *c;
    b.m = c->m_ap;
    b.mg = c->m_ap * gam;
    lo = atan(-wnd * b.m * b.m / b.mg);
    hi = atan(wnd * b.m * b.m / b.mg);
    F.function = f_bw;
    F.params = &b;
    st = gsl_integration_qag(&F, lo, hi, 0.0, 1e-7, 2000, GSL_INTEG_GAUSS61, w, &r, &err);
    gsl_integration_workspace_free(w);
    if (st != GSL_SUCCESS && st != GSL_EROUND) fail_msg("qag status %d (err %g of %g)", st, err, r);
    return r * DY_PI / (hi - lo);
}

static void test_nwa(void **state)
{
    (void)state;
    { /* visible A' -> e+e-, eps = 1e-3: Gamma/m = 2.4e-9 */
        dy_annih_config c = cfg(DY_ANN_CH_EE, DY_DM_DIRAC, 0.1, 0.0, 1e-3, 0.0, 0.0);
        const dy_ap_widths w = dy_ap_branchings(0.1, 1e-3, 0.0, 0.0, 0.0, DY_DM_DIRAC);
        const double gam = dy_ap_widths_at(0.1, 1e-3, 0.0, 0.0, 0.0, DY_DM_DIRAC).total;
        const double num = nwa_numeric(&c, gam, 0.2);
        const double nwa = dy_annih_nwa_integral(0.1, 1e-3, w.ee);
        const double hand = 2.0 * DY_PI * DY_PI * AL * 1e-6 * w.ee / ME * PB; /* ref §2.3 */
        printf("NWA visible: numeric %.10g  exact-me %.10g (rel %.2e)  ref-form %.10g (rel %.2e)\n",
               num, nwa, num / nwa - 1.0, hand, num / hand - 1.0);
        dy_assert_close(num, nwa, 0, 1e-6);
        dy_assert_close(num, hand, 0, 1e-3);
        dy_assert_close(nwa / (1e-6 * w.ee), 1.0976e11, 0, 2e-4); /* ref: 1.0976e-25 cm^2 GeV */
    }
    { /* invisible, small alpha_D = 1e-4 (Gamma/m ~ 3e-5), Dirac, m_chi = m/3 */
        dy_annih_config c = cfg(DY_ANN_CH_INVISIBLE, DY_DM_DIRAC, 0.1, 0.1 / 3.0, 1e-3, 1e-4, 0.0);
        const dy_ap_widths w = dy_ap_branchings(0.1, 1e-3, 1e-4, 0.1 / 3.0, 0.0, DY_DM_DIRAC);
        const double gam = dy_ap_widths_at(0.1, 1e-3, 1e-4, 0.1 / 3.0, 0.0, DY_DM_DIRAC).total;
        const double num = nwa_numeric(&c, gam, 0.2);
        const double nwa = dy_annih_nwa_integral(0.1, 1e-3, w.dm);
        const double hand = 2.0 * DY_PI * DY_PI * AL * 1e-6 * w.dm / ME * PB;
        printf("NWA invisible: numeric %.10g  exact-me %.10g (rel %.2e)  ref-form (rel %.2e)\n",
               num, nwa, num / nwa - 1.0, num / hand - 1.0);
        dy_assert_close(num, nwa, 0, 1e-4);
        dy_assert_close(num, hand, 0, 1e-3);
    }
}

/* ---- angular laws ---- */
static void test_angular(void **state)
{
    const double m = 0.1, mc = 0.001,
                 epos = 9.0; /* off peak is fine: the shape is s-dependent only */
    dy_params pd, ps;
    double od[4], os[4], u, cth;
    dy_annih_config cd = cfg(DY_ANN_CH_INVISIBLE, DY_DM_DIRAC, m, mc, 1e-3, 0.1, epos);
    dy_annih_config cs = cfg(DY_ANN_CH_INVISIBLE, DY_DM_SCALAR, m, mc, 1e-3, 0.1, epos);
    const double s = dy_annih_s(epos), be2 = 1.0 - 4.0 * ME * ME / s, b2 = 1.0 - 4.0 * mc * mc / s;
    const double c0 = 1.0 + 4.0 * (ME * ME + mc * mc) / s;
    (void)state;
    assert_int_equal(dy_proc_annihilation_setup(&pd, &cd), DY_ANN_OK);
    assert_int_equal(dy_proc_annihilation_setup(&ps, &cs), DY_ANN_OK);
    for (u = 0.55; u < 1.0; u += 0.15) {
        const double half = 0.5;
        const double fd0 = dy_proc_annihilation_eval(&pd, &half, od, DY_MAX_OBS);
        const double fs0 = dy_proc_annihilation_eval(&ps, &half, os, DY_MAX_OBS);
        const double fd = dy_proc_annihilation_eval(&pd, &u, od, DY_MAX_OBS);
        const double fs = dy_proc_annihilation_eval(&ps, &u, os, DY_MAX_OBS);
        cth = 2.0 * u - 1.0;
        dy_assert_close(od[0], cth, 1e-15, 0);
        /* Dirac ~ 1 + cos^2 (+ mass terms), scalar ~ 1 - cos^2  [ref §2.3 angular laws] */
        dy_assert_close(fd / fd0, (c0 + be2 * b2 * cth * cth) / c0, 0, 1e-13);
        dy_assert_close(fs / fs0, 1.0 - be2 * cth * cth, 0, 1e-13);
        dy_assert_close(fd / fd0, 1.0 + cth * cth, 0, 2.0 * 4.0 * mc * mc / s);
        dy_assert_close(fs / fs0, 1.0 - cth * cth, 0, 4.0 * ME * ME / s);
    }
    { /* lab observables: energy conservation E1 + E2 = E+ + m_e, forward boost */
        const double uu = 0.8, uu2 = 0.2; /* cos and -cos: the partner of one is the other */
        double o1[4], o2[4];
        dy_proc_annihilation_eval(&pd, &uu, o1, DY_MAX_OBS);
        dy_proc_annihilation_eval(&pd, &uu2, o2, DY_MAX_OBS);
        dy_assert_close(o1[1] + o2[1], epos + ME, 0, 1e-13);
        assert_true(o1[2] > 0.0 && o1[2] < 0.05 && o2[2] > o1[2]);
        dy_assert_close(o1[3], epos, 0, 0);
    }
}

/* ---- e+e- -> gamma A' ---- */
static void test_gamma_ap(void **state)
{
    /* brute-force 4x4 Dirac-matrix traces (docs §2.5), F = sum|M|^2/(8 e^4 eps^2):
     * {s, M, cos theta (photon vs e-), F} */
    static const double bf[][4] = {{4.0e-5, 0.005, 0.3, 41.031089815778724},
                                   {4.0e-5, 0.005, -0.999, 230.31514983539268},
                                   {2.7e-5, 0.005, 0.95, 7395.7713555141385},
                                   {1.0e-3, 0.017, 0.9999, 3804.0007244966182}};
    size_t i;
    (void)state;
    for (i = 0; i < 4; ++i) {
        const double s = bf[i][0], M = bf[i][1], c = bf[i][2], rs = sqrt(s);
        const double w = (s - M * M) / (2.0 * rs), p = sqrt(s / 4.0 - ME * ME);
        const double a = w * (rs / 2.0 - p * c), b = w * (rs / 2.0 + p * c);
        dy_assert_close(dy_annih_gamma_ap_F(s, M, a, b), bf[i][3], 0, 1e-9);
    }
    /* integral of the integrand = exact closed form; several energies incl. near threshold */
    {
        static const double pts[][2] = {{0.017, 1.0}, {0.017, 0.30}, {0.017, 100.0},
                                        {0.1, 9.9},   {0.1, 100.0},  {0.3, 200.0}};
        for (i = 0; i < 6; ++i) {
            dy_annih_config c =
                cfg(DY_ANN_CH_GAMMA_AP, DY_DM_DIRAC, pts[i][0], 0, 1e-4, 0, pts[i][1]);
            dy_assert_close(sigma_mc(&c), dy_annih_sigma_gamma_ap(c.m_ap, 1e-4, c.e_pos), 0, 1e-10);
        }
    }
    /* leading-log form reproduces the reference benchmarks (ref §2.4, eps = 1e-4) */
    dy_assert_close(dy_annih_sigma_gamma_ap_ll(0.017, 1e-4, 1.0), 29.9, 0, 2e-3);
    dy_assert_close(dy_annih_sigma_gamma_ap_ll(0.017, 1e-4, 10.0), 2.53, 0, 2e-3);
    dy_assert_close(dy_annih_sigma_gamma_ap_ll(0.017, 1e-4, 100.0), 0.304, 0, 2e-3);
    dy_assert_close(dy_annih_sigma_gamma_ap_ll(0.1, 1e-4, 10.0), 245.0, 0, 2e-3);
    dy_assert_close(dy_annih_sigma_gamma_ap_ll(0.1, 1e-4, 100.0), 0.344, 0, 2e-3);
    /* exact = LL - (4 pi alpha^2 eps^2/s) 2M^2/(s-M^2) + O(m_e^2/(s-M^2)) */
    {
        static const double pts[][2] = {{0.017, 100.0}, {0.017, 1.0}, {0.1, 100.0}, {0.1, 10.0}};
        for (i = 0; i < 4; ++i) {
            const double M = pts[i][0], s = dy_annih_s(pts[i][1]), M2 = M * M;
            const double ex = dy_annih_sigma_gamma_ap(M, 1e-4, pts[i][1]);
            const double ll = dy_annih_sigma_gamma_ap_ll(M, 1e-4, pts[i][1]);
            const double soft = 4.0 * DY_PI * AL * AL * 1e-8 / s * 2.0 * M2 / (s - M2) * PB;
            printf("gammaA' M=%g E=%g: exact %.6g pb, LL %.6g pb (exact/LL-1 = %.3e)\n", M,
                   pts[i][1], ex, ll, ex / ll - 1.0);
            dy_assert_close(ex, ll - soft, 0, 20.0 * ME * ME / (s - M2));
        }
    }
    /* M -> 0: sigma/(2 eps^2) = Dirac's e+e- -> gamma gamma total (exact in m_e; Heitler),
     * pi r_e^2/(g+1) [(g^2+4g+1)/(g^2-1) ln(g + sqrt(g^2-1)) - (g+3)/sqrt(g^2-1)], g = E+/m_e */
    {
        static const double gs[] = {1.5, 3.0, 100.0, 1e5};
        for (i = 0; i < 4; ++i) {
            const double g = gs[i], r2 = AL * AL / (ME * ME), sq = sqrt(g * g - 1.0);
            const double dirac =
                DY_PI * r2 / (g + 1.0) *
                ((g * g + 4.0 * g + 1.0) / (g * g - 1.0) * log(g + sq) - (g + 3.0) / sq) * PB;
            dy_assert_close(dy_annih_sigma_gamma_ap(1e-12, 1.0, g * ME) / 2.0, dirac, 0, 1e-9);
        }
    }
    /* massless-electron differential form of ref §2.4 at a non-collinear angle */
    {
        const double M = 0.05, s = dy_annih_s(50.0), c = 0.3, rs = sqrt(s), M2 = M * M;
        const double w = (s - M2) / (2.0 * rs), p = sqrt(s / 4.0 - ME * ME);
        const double a = w * (rs / 2.0 - p * c), b = w * (rs / 2.0 + p * c), sn2 = 1.0 - c * c;
        const double be = sqrt(1.0 - 4.0 * ME * ME / s);
        const double ex =
            DY_PI * AL * AL / s * (1.0 - M2 / s) * dy_annih_gamma_ap_F(s, M, a, b) / be;
        const double ref = 2.0 * DY_PI * AL * AL / s * (1.0 - M2 / s) *
                           ((1.0 + c * c) / sn2 + 4.0 * M2 * s / ((s - M2) * (s - M2) * sn2));
        dy_assert_close(ex, ref, 0, 50.0 * ME * ME / s); /* mass terms ~ 20 m_e^2/s here */
    }
}

/* ---- unphysical points ---- */
static void test_unphysical(void **state)
{
    dy_params p;
    double obs[4], u = 0.5;
    (void)state;
    {
        dy_annih_config c = cfg(DY_ANN_CH_INVISIBLE, DY_DM_DIRAC, 0.1, 0.06, 1e-3, 0.1, 20.0);
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_DECAY_CLOSED);
        assert_int_equal(p.ipar[3], DY_ANN_DECAY_CLOSED);
        assert_true(dy_proc_annihilation_eval(&p, &u, obs, DY_MAX_OBS) == 0.0);
        c.dm_kind = DY_DM_INELASTIC; /* 0.03 + 0.03*2.5 > 0.1 */
        c.m_chi = 0.03;
        c.delta = 1.5;
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_DECAY_CLOSED);
    }
    { /* on-shell decay open, but E+ below the pair threshold s < 4 m_chi^2 */
        dy_annih_config c = cfg(DY_ANN_CH_INVISIBLE, DY_DM_SCALAR, 0.1, 0.04, 1e-3, 0.1, 5.0);
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_BELOW_THRESHOLD);
        assert_true(dy_proc_annihilation_eval(&p, &u, obs, DY_MAX_OBS) == 0.0);
        assert_true(dy_annih_sigma_total(&c) == 0.0);
        c.e_pos = 7.0; /* s = 7.15e-3 > 6.4e-3 */
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_OK);
        assert_true(dy_proc_annihilation_eval(&p, &u, obs, DY_MAX_OBS) > 0.0);
    }
    {
        dy_annih_config c = cfg(DY_ANN_CH_MUMU, DY_DM_DIRAC, 0.2, 0.0, 1.0, 0.0, 50.0);
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_DECAY_CLOSED);
        c.channel = DY_ANN_CH_GAMMA_AP;
        c.e_pos = 30.0; /* s = 0.0307 < 0.04 */
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_BELOW_THRESHOLD);
        assert_true(dy_proc_annihilation_eval(&p, &u, obs, DY_MAX_OBS) == 0.0);
        assert_true(dy_annih_sigma_gamma_ap(0.2, 1.0, 30.0) == 0.0);
        c.e_pos = 0.4 * ME; /* E+ < m_e */
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_BAD_INPUT);
        c.e_pos = 50.0;
        c.eps = 0.0;
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_BAD_INPUT);
        c.eps = 1.0;
        c.channel = 7;
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_BAD_INPUT);
        assert_true(dy_proc_annihilation_eval(&p, &u, obs, DY_MAX_OBS) == 0.0);
    }
    { /* the integrand never returns NaN at the ends of the interval */
        dy_annih_config c = cfg(DY_ANN_CH_GAMMA_AP, DY_DM_DIRAC, 0.017, 0.0, 1.0, 0.0, 100.0);
        const double ends[] = {1e-300, 1e-17, 0.5, 1.0 - 1e-16};
        size_t i;
        assert_int_equal(dy_proc_annihilation_setup(&p, &c), DY_ANN_OK);
        for (i = 0; i < 4; ++i) {
            const double f = dy_proc_annihilation_eval(&p, &ends[i], obs, DY_MAX_OBS);
            assert_true(isfinite(f) && f > 0.0 && isfinite(obs[1]) && isfinite(obs[2]));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths_hand),
        cmocka_unit_test(test_integral_dirac_scalar),
        cmocka_unit_test(test_integral_other_kinds),
        cmocka_unit_test(test_peak),
        cmocka_unit_test(test_nwa),
        cmocka_unit_test(test_angular),
        cmocka_unit_test(test_gamma_ap),
        cmocka_unit_test(test_unphysical),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
