/* relic.c — thermal-relic y for dark-photon-mediated light DM (docs/limits.md §4).
 * sigma v from the s-channel A' with the full propagator, final states e, mu and hadrons (the
 * measured R ratio at sqrt s = 2 m_chi, physics/rratio.h), Kolb & Turner's freeze-out: x_f by
 * iteration, Omega h^2 = 1.07e9 GeV^-1 / (M_Pl J), J = int_{x_f}^inf (h_eff/sqrt(g_eff)) <sigma
 * v>_eff dx/x^2 (KT eqs. 5.43-5.45).  g_eff, h_eff: Saikawa & Shirai's tabulation
 * (arXiv:1803.01038, gstar_table.c); the ideal gas with a QCD step that preceded it is kept as
 * dy_relic_gstar_ideal for comparison. */
#include "physics/relic.h"
#include <gsl/gsl_integration.h>
#include <math.h>
#include "physics/dy_constants.h"
#include "physics/dy_dark_widths.h"
#include "physics/gstar_table.h"
#include "physics/rratio.h"

#define M_PLANCK_GEV 1.220890e19 /* Planck mass, PDG */
#define T_NU_DEC     2.0e-3      /* neutrino decoupling (instantaneous), GeV */
#define T_QCD_LO     0.120       /* hadron gas below, quark-gluon plasma above (smooth step) */
#define T_QCD_HI     0.250

/* ------------------------------------ g_eff(T), h_eff(T): ideal gas with a QCD step (old) */

/* Energy (*rho) and entropy (*s) of one internal state of mass m at temperature T, in units of
 * the massless boson's (pi^2/30 T^4, 2 pi^2/45 T^3): (15/pi^4) int u^2 E/(e^E -+ 1) du and
 * (45/(4 pi^4)) int u^2 (E + u^2/(3E))/(e^E -+ 1) du, E = sqrt(u^2 + z^2), z = m/T (Simpson). */
static void species(double z, int fermion, double *rho, double *s)
{
    *rho = *s = 0.0;
    if (z > 40.0) return;
    const int n = 800;
    const double umax = 40.0 + z, h = umax / n;
    double ar = 0.0, as = 0.0;
    for (int i = 1; i <= n; ++i) { /* u = 0 contributes 0 */
        const double u = i * h, e = sqrt(u * u + z * z);
        const double f = 1.0 / (exp(e) + (fermion ? 1.0 : -1.0));
        const double w = (i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        ar += w * u * u * e * f;
        as += w * u * u * (e + u * u / (3.0 * e)) * f;
    }
    const double pi4 = DY_PI * DY_PI * DY_PI * DY_PI;
    *rho = 15.0 / pi4 * ar * h / 3.0;
    *s = 45.0 / (4.0 * pi4) * as * h / 3.0;
}

typedef struct sp {
    double m, g;
    int fermion;
} sp;

static void sum_species(const sp *list, int n, double T, double *g, double *h)
{
    *g = *h = 0.0;
    for (int i = 0; i < n; ++i) {
        double r, s;
        species(list[i].m / T, list[i].fermion, &r, &s);
        *g += list[i].g * r;
        *h += list[i].g * s;
    }
}

static void gstar_direct(double T, double *g_eff, double *h_eff)
{
    static const sp had[] = {{DY_M_E, 4, 1}, {DY_M_MU, 4, 1}, {DY_M_PI, 2, 0}, {0.13498, 1, 0}};
    static const sp qgp[] = {{DY_M_E, 4, 1},  {DY_M_MU, 4, 1}, {1.77686, 4, 1},
                             {0.0022, 12, 1}, {0.0047, 12, 1}, {0.095, 12, 1},
                             {1.27, 12, 1},   {4.18, 12, 1},   {0.0, 16, 0}};
    static const sp el[] = {{DY_M_E, 4, 1}};
    double g = 2.0, h = 2.0, gh, hh, gq, hq;
    sum_species(had, 4, T, &gh, &hh);
    if (T > T_QCD_LO) {
        double t = log(T / T_QCD_LO) / log(T_QCD_HI / T_QCD_LO);
        t = t > 1.0 ? 1.0 : t;
        const double w = t * t * (3.0 - 2.0 * t);
        sum_species(qgp, 9, T, &gq, &hq);
        gh = (1.0 - w) * gh + w * gq;
        hh = (1.0 - w) * hh + w * hq;
    }
    g += gh;
    h += hh;
    /* neutrinos: 3 x 2 states x 7/8; below decoupling (T_nu/T)^3 = h_{e gamma}(T)/h_{e
     * gamma}(T_dec) (entropy of e+- and photons is conserved while the neutrinos are decoupled) */
    double r = 1.0;
    if (T < T_NU_DEC) {
        double g1, h1, g2, h2;
        sum_species(el, 1, T, &g1, &h1);
        sum_species(el, 1, T_NU_DEC, &g2, &h2);
        r = cbrt((2.0 + h1) / (2.0 + h2));
    }
    g += 5.25 * r * r * r * r;
    h += 5.25 * r * r * r;
    *g_eff = g;
    *h_eff = h;
}

#define NT 400
static double s_logt0 = -13.0, s_logt1 = 5.0; /* ln T from ~2 keV to ~150 GeV */
static double s_g[NT], s_h[NT];
static int s_ready = 0;

void dy_relic_gstar_ideal(double T, double *g_eff, double *h_eff)
{
    if (!s_ready) {
        for (int i = 0; i < NT; ++i)
            gstar_direct(exp(s_logt0 + (s_logt1 - s_logt0) * i / (NT - 1)), &s_g[i], &s_h[i]);
        s_ready = 1;
    }
    double x = (log(T) - s_logt0) / (s_logt1 - s_logt0) * (NT - 1);
    if (x < 0.0) x = 0.0;
    if (x > NT - 1) x = NT - 1;
    int i = (int)x;
    if (i >= NT - 1) i = NT - 2;
    const double f = x - i;
    *g_eff = (1.0 - f) * s_g[i] + f * s_g[i + 1];
    *h_eff = (1.0 - f) * s_h[i] + f * s_h[i + 1];
}

/* Steffen's monotone slope at interior node i of (x, y[col]) (M. Steffen, A&A 239 (1990) 443,
 * eqs. 11, 24): never overshoots, so a monotone stretch of the table stays monotone. */
static double steffen_slope(const double (*t)[5], int i, int col, const double *x)
{
    const double h0 = x[1] - x[0], h1 = x[2] - x[1];
    const double s0 = (t[i][col] - t[i - 1][col]) / h0, s1 = (t[i + 1][col] - t[i][col]) / h1;
    const double p = (s0 * h1 + s1 * h0) / (h0 + h1);
    if (s0 * s1 <= 0.0) return 0.0;
    double m = fmin(fabs(s0), fabs(s1));
    m = fmin(m, 0.5 * fabs(p));
    return s0 > 0.0 ? 2.0 * m : -2.0 * m;
}

/* Hermite cubic in ln T between rows i and i+1 of the table, column col (1: g_rho, 3: g_s) */
static double table_interp(int i, int col, double lt)
{
    const double(*t)[5] = dy_gstar_ss2018;
    const int n = dy_gstar_ss2018_rows;
    double x[4];
    for (int k = -1; k <= 2; ++k) {
        const int j = i + k < 0 ? 0 : (i + k > n - 1 ? n - 1 : i + k);
        x[k + 1] = log(t[j][0]);
    }
    const double h = x[2] - x[1], s = (t[i + 1][col] - t[i][col]) / h;
    const double d0 = i > 0 ? steffen_slope(t, i, col, x) : s;
    const double d1 = i + 1 < n - 1 ? steffen_slope(t, i + 1, col, x + 1) : s;
    const double u = (lt - x[1]) / h, u2 = u * u, u3 = u2 * u;
    return (2.0 * u3 - 3.0 * u2 + 1.0) * t[i][col] + (u3 - 2.0 * u2 + u) * h * d0 +
           (-2.0 * u3 + 3.0 * u2) * t[i + 1][col] + (u3 - u2) * h * d1;
}

void dy_relic_gstar(double T, double *g_eff, double *h_eff)
{
    const double(*t)[5] = dy_gstar_ss2018;
    const int n = dy_gstar_ss2018_rows;
    if (!(T > t[0][0])) { /* below 2 keV: e+- gone, neutrinos decoupled; constant */
        *g_eff = t[0][1];
        *h_eff = t[0][3];
        return;
    }
    if (T >= t[n - 1][0]) { /* the end of the shipped rows (10 TeV): held there */
        *g_eff = t[n - 1][1];
        *h_eff = t[n - 1][3];
        return;
    }
    int lo = 0, hi = n - 1; /* t[lo][0] < T <= t[hi][0] */
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (t[mid][0] < T)
            lo = mid;
        else
            hi = mid;
    }
    const double lt = log(T);
    *g_eff = table_interp(lo, 1, lt);
    *h_eff = table_interp(lo, 3, lt);
}

void dy_relic_gstar_model(dy_relic_gstar_kind k, double T, double *g_eff, double *h_eff)
{
    if (k == DY_GSTAR_IDEAL_STEP)
        dy_relic_gstar_ideal(T, g_eff, h_eff);
    else
        dy_relic_gstar(T, g_eff, h_eff);
}

/* ------------------------------------------------------------------------------ sigma v */

/* sigma v_rel = a + b v^2 at s -> 4 m^2 for eps^2 alpha_D = 1, summed over l = e, mu:
 * K_l = beta_l (1 + m_l^2/(2 m^2)), D = (M^2 - 4 m^2)^2 + M^2 Gamma^2, M = ratio m.
 *   Dirac / pseudo-Dirac (chi1 chi2): a = 16 pi alpha m^2 K / D              (vector current)
 *   complex scalar, Majorana:         b = (8 pi/3) alpha m^2 K / D           (p-wave)
 * From sigma = g1^2 g2^2 s/(12 pi |D|) (beta_f/beta_i)(1 + 2m_i^2/s)(1 + 2m_f^2/s) for a vector
 * current, with (1 + 2m_i^2/s) -> beta_i^2 for a scalar or axial current; v = 2 beta_i.  The
 * Majorana vertex of L = (g_D/2) chibar g^mu g5 chi is g_D g^mu g5 (two contractions). */
static void sigmav_coeffs(const dy_relic_params *p, double *a, double *b)
{
    const double m = p->mchi_GeV, M = p->ratio * m;
    static const int dm_kind[4] = {DY_DM_SCALAR, DY_DM_MAJORANA, DY_DM_INELASTIC, DY_DM_DIRAC};
    const double G = dy_width_ap_dm(M, p->alpha_D, m, p->delta, dm_kind[p->kind]);
    const double D = (M * M - 4.0 * m * m) * (M * M - 4.0 * m * m) + M * M * G * G;
    const double ml[2] = {DY_M_E, DY_M_MU};
    double K = 0.0;
    for (int i = 0; i < 2; ++i)
        if (ml[i] < m) {
            const double r2 = ml[i] * ml[i] / (m * m);
            K += sqrt(1.0 - r2) * (1.0 + 0.5 * r2);
        }
    /* hadrons: sigma(-> hadrons) = sigma_point(-> mu mu) R(sqrt s), sqrt s = 2 m (rratio.h) */
    K += dy_rratio(2.0 * m);
    *a = *b = 0.0;
    if (p->kind == DY_RELIC_DIRAC || p->kind == DY_RELIC_PSEUDO_DIRAC)
        *a = 16.0 * DY_PI * DY_ALPHA_EM * m * m * K / D;
    else
        *b = 8.0 * DY_PI / 3.0 * DY_ALPHA_EM * m * m * K / D;
}

/* Effective <sigma v> of the total DM density at x = m/T, and the internal states g:
 *   Majorana: <sigma v> (self-conjugate), g = 2;  scalar: <sigma v>/2 (chi + chi*), g = 2;
 *   Dirac: a/2, g = 4;  pseudo-Dirac: Griest-Seckel co-annihilation
 *   sigma_eff = sigma_12 2 g1 g2 w/(g1 + g2 w)^2, w = (1+delta)^{3/2} e^{-x delta}, g1 = g2 = 2.
 * <v^2> = 6/x (non-relativistic Maxwell-Boltzmann, relative velocity). */
static double sigma_eff(const dy_relic_params *p, double a, double b, double x)
{
    const double sv = a + 6.0 * b / x;
    switch (p->kind) {
    case DY_RELIC_MAJORANA: return sv;
    case DY_RELIC_SCALAR: return 0.5 * sv;
    case DY_RELIC_DIRAC: return 0.5 * sv;
    case DY_RELIC_PSEUDO_DIRAC: {
        const double w = pow(1.0 + p->delta, 1.5) * exp(-x * p->delta);
        return sv * 2.0 * 2.0 * 2.0 * w / ((2.0 + 2.0 * w) * (2.0 + 2.0 * w));
    }
    }
    return 0.0;
}

static double g_internal(dy_relic_kind k)
{
    return (k == DY_RELIC_DIRAC || k == DY_RELIC_PSEUDO_DIRAC) ? 4.0 : 2.0;
}

typedef struct jctx {
    const dy_relic_params *p;
    double a, b, xf;
} jctx;

/* integrand of J after x = x_f/t: (1/x_f) F(x_f/t) on t in (0, 1] */
static double j_integrand(double t, void *vp)
{
    const jctx *c = vp;
    if (t <= 0.0) return 0.0;
    const double x = c->xf / t;
    double g, h;
    dy_relic_gstar_model(c->p->gstar, c->p->mchi_GeV / x, &g, &h);
    return h / sqrt(g) * sigma_eff(c->p, c->a, c->b, x) / c->xf;
}

static dy_status check(const dy_relic_params *p, dy_error *err)
{
    if (!p || (int)p->kind < 0 || (int)p->kind > 3 || !(p->mchi_GeV > 0.0) || !(p->ratio > 0.0) ||
        !(p->alpha_D >= 0.0) || !(p->delta >= 0.0) || !(p->omega_h2 > 0.0))
        return dy_error_set(err, DY_ERR_INVALID, "relic: bad parameters");
    if (p->mchi_GeV < 1e-4 || p->mchi_GeV > 20.0)
        return dy_error_set(err, DY_ERR_INVALID,
                            "relic: m_chi = %g GeV outside 0.1 MeV .. 20 GeV (g_* table)",
                            p->mchi_GeV);
    if (p->mchi_GeV <= DY_M_E)
        return dy_error_set(err, DY_ERR_INVALID,
                            "relic: m_chi = %g GeV is below m_e: no leptonic annihilation",
                            p->mchi_GeV);
    return DY_OK;
}

dy_status dy_relic_omega(const dy_relic_params *p, double y, double *omega_h2, double *x_f,
                         dy_error *err)
{
    dy_status st = check(p, err);
    if (st != DY_OK) return st;
    if (!(y > 0.0)) return dy_error_set(err, DY_ERR_INVALID, "relic: y must be > 0");
    double a, b;
    sigmav_coeffs(p, &a, &b);
    const double r4 = p->ratio * p->ratio * p->ratio * p->ratio; /* eps^2 alpha_D = y ratio^4 */
    a *= y * r4;
    b *= y * r4;
    const double n = b > 0.0 ? 1.0 : 0.0, m = p->mchi_GeV, gi = g_internal(p->kind);
    /* x_f = ln[0.038 (n+1) g M_Pl m <sigma v>_eff(x_f) / sqrt(g_* x_f)]  (KT 5.43 as iteration) */
    double x = 20.0;
    for (int it = 0; it < 200; ++it) {
        double g, h;
        dy_relic_gstar_model(p->gstar, m / x, &g, &h);
        const double arg =
            0.038 * (n + 1.0) * gi * M_PLANCK_GEV * m * sigma_eff(p, a, b, x) / sqrt(g * x);
        if (!(arg > 1.0))
            return dy_error_set(err, DY_ERR_NUMERIC,
                                "relic: no freeze-out (annihilation too weak) at y = %g", y);
        const double xn = log(arg);
        if (fabs(xn - x) < 1e-10 * x) {
            x = xn;
            break;
        }
        x = 0.5 * (x + xn);
    }
    jctx c = {p, a, b, x};
    /* fixed 256-point Gauss-Legendre: deterministic, and the g_* kinks cost < 1e-4 */
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(256);
    if (!gl) return dy_error_set(err, DY_ERR_NOMEM, "relic: out of memory");
    gsl_function F = {j_integrand, &c};
    const double J = gsl_integration_glfixed(&F, 0.0, 1.0, gl);
    gsl_integration_glfixed_table_free(gl);
    if (!(J > 0.0) || !isfinite(J))
        return dy_error_set(err, DY_ERR_NUMERIC, "relic: post-freeze-out integral is %g", J);
    *omega_h2 = 1.07e9 / (M_PLANCK_GEV * J);
    if (x_f) *x_f = x;
    return DY_OK;
}

dy_status dy_relic_y_target(const dy_relic_params *p, double *y, double *x_f, dy_error *err)
{
    dy_status st = check(p, err);
    if (st != DY_OK) return st;
    double yy = 1e-9 * (p->mchi_GeV / 0.1) * (p->mchi_GeV / 0.1), om, xf = 0.0;
    for (int it = 0; it < 100; ++it) {
        if ((st = dy_relic_omega(p, yy, &om, &xf, err)) != DY_OK) return st;
        const double r = om / p->omega_h2;
        yy *= r;
        if (fabs(r - 1.0) < 1e-9) break;
    }
    *y = yy;
    if (x_f) *x_f = xf;
    return DY_OK;
}

double dy_relic_closed_form_eps2_alphaD(dy_relic_kind k, double mchi_GeV)
{
    const double mm = mchi_GeV * 1e3; /* MeV */
    if (k == DY_RELIC_SCALAR) return 1e-11 * mm * mm;
    if (k == DY_RELIC_DIRAC || k == DY_RELIC_PSEUDO_DIRAC) return 0.4e-12 * mm * mm;
    return NAN;
}
