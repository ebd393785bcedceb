/* brem_ww.c — WW / IWW / HIWW dark-boson bremsstrahlung cross sections by nested GSL quadrature
 * (x in ln(1-x), angle in v = 1 - U_min/U, chi in ln t).  Formulas and sources in brem_ww.h and
 * docs/physics-brem.md §6; all four mediators share the 2->2 amplitudes of dy_me_brem.h. */
#include "physics/brem_ww.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdio.h>

#include "physics/dy_constants.h"
#include "physics/dy_me_brem.h"

#define WW_LIMIT 1000

typedef struct ww_ctx {
    const dy_brem_ww_input *in;
    dy_ffscales s;
    double alx, xmin, xmax, tmax, chi_iww;
    double x;   /* current x (angular integrand) */
    int method; /* enum dy_brem_ww_method */
    int status; /* first inner failure */
    gsl_integration_workspace *w_x, *w_v, *w_t;
} ww_ctx;

void dy_brem_ww_input_default(dy_brem_ww_input *in, int lepton, int mediator, double Z, double A,
                              double E0, double m)
{
    in->mediator = mediator;
    in->inelastic = 1;
    in->tmax_mode = DY_BREM_TMAX_M2;
    in->pad_ = 0;
    in->ml = lepton == 1 ? DY_M_MU : DY_M_E;
    in->m = m;
    in->E0 = E0;
    in->Z = Z;
    in->A = A;
    in->coupling = 1.0;
    in->theta_max = 0.3;
    in->chi_fixed = 0.0;
    in->x_min = 0.0;
    in->x_max = 0.0;
    in->epsrel = 1e-6;
}

static int fail(char *msg, size_t n, int status, const char *text)
{
    if (msg && n) snprintf(msg, n, "%s", text);
    return status;
}

/* (t - tmin)/t^2 G2(t) * t, the chi integrand in ln t */
typedef struct chi_par {
    const dy_ffscales *s;
    int inel;
    double tmin;
} chi_par;

static double chi_integrand(double lt, void *vp)
{
    const chi_par *c = vp;
    const double t = exp(lt);
    return (t - c->tmin) * t * dy_ff_g2_over_t2(c->s, t, c->inel);
}

static int chi_ws(const dy_ffscales *s, int inel, double tmin, double tmax, double epsrel,
                  gsl_integration_workspace *w, double *chi, double *abserr)
{
    chi_par c = {s, inel, tmin};
    gsl_function f = {chi_integrand, &c};
    double pts[5];
    const double br[3] = {s->ta, s->d, 0.71};
    size_t np = 0;
    *chi = 0.0;
    *abserr = 0.0;
    if (!(tmax > tmin) || !(tmin > 0.0)) return 0;
    pts[np++] = log(tmin);
    for (int i = 0; i < 3; ++i)
        if (br[i] > tmin && br[i] < tmax) pts[np++] = log(br[i]);
    pts[np++] = log(tmax);
    return gsl_integration_qagp(&f, pts, np, 0.0, epsrel, WW_LIMIT, w, chi, abserr);
}

int dy_brem_chi(const dy_ffscales *s, int inelastic, double tmin, double tmax, double epsrel,
                double *chi, double *abserr)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(WW_LIMIT);
    int st;
    if (!w) return GSL_ENOMEM;
    st = chi_ws(s, inelastic, tmin, tmax, epsrel > 0 ? epsrel : 1e-9, w, chi, abserr);
    gsl_integration_workspace_free(w);
    return st;
}

/* DMG4 DarkPhotons.cc (reference §2): t_a = 1/a^2, t_d = d */
double dy_brem_chi_el_analytic(const dy_ffscales *s, double tmin, double tmax)
{
    const double ta = s->ta, td = s->d, dd = ta - td;
    return -s->Z * s->Z * td * td / (dd * dd * dd) *
           (dd * (ta + td + 2.0 * tmax) * (tmax - tmin) / ((ta + tmax) * (td + tmax)) +
            (ta + td + 2.0 * tmin) * log((ta + tmax) * (td + tmin) / ((td + tmax) * (ta + tmin))));
}

static int check_input(const dy_brem_ww_input *in, int method, int need_ml, char *msg, size_t n)
{
    if (!in) return fail(msg, n, GSL_EINVAL, "brem_ww: null input");
    if (method < 0 || method > 2) return fail(msg, n, GSL_EINVAL, "brem_ww: unknown method");
    if (in->mediator < 0 || in->mediator > 3)
        return fail(msg, n, GSL_EINVAL, "brem_ww: unknown mediator (0 V, 1 S, 2 P, 3 A)");
    if (!(in->m > 0.0) || !(in->E0 > 0.0) || !(in->Z > 0.0) || !(in->A > 0.0) ||
        !(in->coupling > 0.0))
        return fail(msg, n, GSL_EDOM, "brem_ww: m, E0, Z, A and coupling must be positive");
    if (!(in->ml >= 0.0) || (need_ml && !(in->ml > 0.0) && !(in->x_max > 0.0)))
        return fail(msg, n, GSL_EDOM, "brem_ww: lepton mass must be positive (or set x_max)");
    if (!(in->m + in->ml < in->E0))
        return fail(msg, n, GSL_EDOM, "brem_ww: no phase space (m + m_l >= E0)");
    if (in->mediator == DY_BREM_A && in->ml > 0.0 && !(in->m > 0.0))
        return fail(msg, n, GSL_EDOM, "brem_ww: axial vector needs m > 0");
    return 0;
}

static double tmax_of(const dy_brem_ww_input *in)
{
    return in->tmax_mode == DY_BREM_TMAX_E02 ? in->E0 * in->E0 : in->m * in->m + in->ml * in->ml;
}

static void ctx_init(ww_ctx *c, const dy_brem_ww_input *in)
{
    c->in = in;
    c->s = dy_ff_scales(in->Z, in->A);
    c->alx = in->mediator == DY_BREM_V ? in->coupling * in->coupling * DY_ALPHA_EM
                                       : in->coupling * in->coupling / (4.0 * DY_PI);
    c->xmin = in->x_min > 0.0 ? in->x_min : in->m / in->E0;
    c->xmax = in->x_max > 0.0 ? in->x_max : 1.0 - in->ml / in->E0;
    c->tmax = tmax_of(in);
    c->status = 0;
    c->chi_iww = 0.0;
}

/* WW angular integrand in v = 1 - U_min/U (U = -u~):
 * dsigma/dx = int dv alpha_X alpha^2 |k| (1-x) chi A^2_{2->2} (sin theta/theta)/(x E0 U_min)
 * from dsigma/(dx dcos) = 2 alpha_X alpha^2 |k| E0 (1-x) chi A^2/u~^2 (reference §3.1). */
static double ww_v_integrand(double v, void *vp)
{
    ww_ctx *c = vp;
    const dy_brem_ww_input *in = c->in;
    const double x = c->x, E0 = in->E0, m = in->m, ml = in->ml;
    const double umin = m * m * (1.0 - x) / x + ml * ml * x;
    const double U = umin / (1.0 - v);
    const double th2 = umin * v / ((1.0 - v) * x * E0 * E0);
    const double th = sqrt(th2);
    const double kk = sqrt((x * E0 - m) * (x * E0 + m));
    double chi = in->chi_fixed, err, sinc = 1.0;
    if (!(chi > 0.0)) {
        const double omx = 1.0 - x, tmin = U * U / (4.0 * E0 * E0 * omx * omx);
        const int st = chi_ws(&c->s, in->inelastic, tmin, c->tmax, 1e-8, c->w_t, &chi, &err);
        if (st && !c->status) c->status = st;
    }
    if (in->theta_max >= 0.0 && th > 1e-4) sinc = sin(th) / th;
    return c->alx * DY_ALPHA_EM * DY_ALPHA_EM * kk * (1.0 - x) * chi *
           dy_me_brem_a2_22(in->mediator, x, -U, m, ml) * sinc / (x * E0 * umin) * DY_GEV2_TO_PB;
}

/* closed-form u~ integral: int_{-inf}^{-U} (c0 + c1 (x u + x U)/u^2)/u^2 du = c0/U - c1 x/(6U^2)
 * (U = m^2(1-x)/x + m_l^2 x, so m^2(1-x) + m_l^2 x^2 = x U; derived, docs §6) */
static double iww_dsdx(const ww_ctx *c, double x, double chi, int hyper)
{
    const dy_brem_ww_input *in = c->in;
    const double m = in->m, ml = in->ml, E0 = in->E0;
    const double U = m * m * (1.0 - x) / x + ml * ml * x;
    double c0, c1, kov;
    dy_me_brem_22_coeffs(in->mediator, x, m, ml, &c0, &c1);
    /* |k|/E0 = x beta(x); HIWW (G4DarkBreM) uses beta(1) = sqrt(1 - m^2/E0^2) */
    kov = hyper ? x * sqrt(1.0 - m * m / (E0 * E0)) : sqrt((x * E0 - m) * (x * E0 + m)) / E0;
    return c->alx * DY_ALPHA_EM * DY_ALPHA_EM * chi * kov * (1.0 - x) / x *
           (c0 / U - c1 * x / (6.0 * U * U)) * DY_GEV2_TO_PB;
}

static double dsdx_core(ww_ctx *c, int method, double x, double *abserr)
{
    const dy_brem_ww_input *in = c->in;
    double r = 0.0, err = 0.0;
    *abserr = 0.0;
    if (!(x * in->E0 > in->m) || !(x < 1.0)) return 0.0;
    if (method == DY_BREM_METHOD_WW) {
        const double umin = in->m * in->m * (1.0 - x) / x + in->ml * in->ml * x;
        double vmax = 1.0;
        gsl_function f = {ww_v_integrand, c};
        int st;
        if (in->theta_max >= 0.0) {
            const double umax = umin + x * in->E0 * in->E0 * in->theta_max * in->theta_max;
            vmax = 1.0 - umin / umax;
        }
        c->x = x;
        st = gsl_integration_qag(&f, 0.0, vmax, 0.0, 1e-7, WW_LIMIT, GSL_INTEG_GAUSS21, c->w_v, &r,
                                 &err);
        if (st && !c->status) c->status = st;
        *abserr = err;
        return r;
    }
    return iww_dsdx(c, x, c->chi_iww, method == DY_BREM_METHOD_HIWW);
}

static int ctx_alloc(ww_ctx *c)
{
    c->w_x = gsl_integration_workspace_alloc(WW_LIMIT);
    c->w_v = gsl_integration_workspace_alloc(WW_LIMIT);
    c->w_t = gsl_integration_workspace_alloc(WW_LIMIT);
    return c->w_x && c->w_v && c->w_t ? 0 : GSL_ENOMEM;
}

static void ctx_free(ww_ctx *c)
{
    if (c->w_x) gsl_integration_workspace_free(c->w_x);
    if (c->w_v) gsl_integration_workspace_free(c->w_v);
    if (c->w_t) gsl_integration_workspace_free(c->w_t);
}

/* IWW and HIWW flux: chi(t_min = m^4/(4 E0^2), t_max); for HIWW this is the x = 1, theta = 0 value
 * of the WW t_min with m_l -> 0 (G4DarkBreM "HyperImproved"), identical to the LM17 IWW choice. */
static int ctx_chi_fixed(ww_ctx *c, int method)
{
    double err;
    const double m = c->in->m, E0 = c->in->E0;
    if (method == DY_BREM_METHOD_WW) return 0;
    return chi_ws(&c->s, c->in->inelastic, m * m * m * m / (4.0 * E0 * E0), c->tmax, 1e-9, c->w_t,
                  &c->chi_iww, &err);
}

int dy_brem_ww_dsigma_dx(const dy_brem_ww_input *in, int method, double x, double *dsdx_pb,
                         double *abserr_pb, char *msg, size_t msg_len)
{
    ww_ctx c = {0};
    int st = check_input(in, method, 0, msg, msg_len);
    double err = 0.0;
    if (st) return st;
    if (!(x > 0.0 && x < 1.0)) return fail(msg, msg_len, GSL_EDOM, "brem_ww: x outside (0,1)");
    ctx_init(&c, in);
    if ((st = ctx_alloc(&c)) != 0) {
        ctx_free(&c);
        return fail(msg, msg_len, st, "brem_ww: out of memory");
    }
    st = ctx_chi_fixed(&c, method);
    *dsdx_pb = st ? 0.0 : dsdx_core(&c, method, x, &err);
    if (abserr_pb) *abserr_pb = err;
    if (!st) st = c.status;
    ctx_free(&c);
    if (st) return fail(msg, msg_len, st, gsl_strerror(st));
    return 0;
}

/* x integrand in y = ln(1-x): dsigma/dx (1-x) */
static double x_integrand(double y, void *vp)
{
    ww_ctx *c = vp;
    const double omx = exp(y), x = -expm1(y);
    double err;
    return dsdx_core(c, c->method, x, &err) * omx;
}

int dy_brem_ww_sigma(const dy_brem_ww_input *in, int method, double *sigma_pb, double *abserr_pb,
                     char *msg, size_t msg_len)
{
    ww_ctx c = {0};
    int st = check_input(in, method, 1, msg, msg_len);
    double r = 0.0, err = 0.0;
    if (st) return st;
    ctx_init(&c, in);
    if (!(c.xmax > c.xmin) || !(c.xmax < 1.0))
        return fail(msg, msg_len, GSL_EDOM, "brem_ww: empty x range");
    if ((st = ctx_alloc(&c)) != 0) {
        ctx_free(&c);
        return fail(msg, msg_len, st, "brem_ww: out of memory");
    }
    st = ctx_chi_fixed(&c, method);
    if (!st) {
        gsl_function f = {x_integrand, &c};
        c.method = method;
        st = gsl_integration_qag(&f, log(1.0 - c.xmax), log1p(-c.xmin), 0.0,
                                 in->epsrel > 0 ? in->epsrel : 1e-6, WW_LIMIT, GSL_INTEG_GAUSS21,
                                 c.w_x, &r, &err);
        if (!st) st = c.status;
    }
    ctx_free(&c);
    *sigma_pb = r;
    if (abserr_pb) *abserr_pb = err;
    if (st) return fail(msg, msg_len, st, gsl_strerror(st));
    return 0;
}
