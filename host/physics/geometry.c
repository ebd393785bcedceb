/* geometry.c — angle and depth distributions of the produced bosons (see geometry.h). */
#include "physics/geometry.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "physics/dy_constants.h"
#include "physics/brem_ww.h"
#include "physics/dy_me_brem.h"

void dy_geo_theta_edges(int n, double lo, double hi, double *e)
{
    for (int i = 0; i <= n; ++i)
        e[i] = lo * pow(hi / lo, (double)i / n);
    e[n] = hi;
}

/* Bin fractions from a CDF sampled at the inner edges (first bin from 0, last to the end):
 * F[0..n] with F[0] = 0 and F[n] = 1, made non-decreasing. */
static void cdf_to_fractions(int n, double *F, double *f)
{
    for (int i = 1; i <= n; ++i)
        if (F[i] < F[i - 1]) F[i] = F[i - 1];
    for (int i = 0; i < n; ++i)
        f[i] = F[i + 1] - F[i];
}

void dy_geo_theta_brem(int mediator, double ml, double m, double E, double x, int n,
                       const double *e, double *f)
{
    double F[DY_GEO_MAX_BINS + 1], c0, c1;
    memset(f, 0, (size_t)n * sizeof *f);
    if (!(x > 0.0 && x < 1.0) || !(E > 0.0) || n < 1 || n > DY_GEO_MAX_BINS) return;
    dy_me_brem_22_coeffs(mediator, x, m, ml, &c0, &c1);
    const double um = m * m * (1.0 - x) / x + ml * ml * x;
    /* G(V) = int_{U_min}^{V} dV' (c0 + c1 x (U_min - V')/V'^2)/V'^2 (docs/physics-brem.md §6) */
#define G_OF(V)                                                                                    \
    (c0 * (1.0 / um - 1.0 / (V)) +                                                                 \
     c1 * x *                                                                                      \
         (um * (1.0 / (um * um * um) - 1.0 / ((V) * (V) * (V))) / 3.0 -                            \
          0.5 * (1.0 / (um * um) - 1.0 / ((V) * (V)))))
    const double Ginf = c0 / um - c1 * x / (6.0 * um * um);
    if (!(Ginf > 0.0)) { /* no angular information: kept, so that the sum stays dN/dE */
        f[0] = 1.0;
        return;
    }
    F[0] = 0.0;
    F[n] = 1.0;
    for (int i = 1; i < n; ++i) {
        const double V = um + x * E * E * e[i] * e[i];
        F[i] = G_OF(V) / Ginf;
    }
#undef G_OF
    cdf_to_fractions(n, F, f);
}

dy_status dy_geo_chi_init(dy_geo_chi *c, double Z, double A, double tmax, dy_error *err)
{
    const dy_ffscales sc = dy_ff_scales(Z, A);
    c->tmax = tmax;
    c->lt0 = log(1e-26);
    c->dlt = (log(tmax) - c->lt0) / (DY_GEO_NCHI - 1);
    for (int i = 0; i < DY_GEO_NCHI; ++i) {
        double ae;
        const double t = i == DY_GEO_NCHI - 1 ? tmax : exp(c->lt0 + c->dlt * i);
        const int st = dy_brem_chi(&sc, 1, t, tmax, 1e-6, &c->chi[i], &ae);
        if (st)
            return dy_error_set(err, DY_ERR_NUMERIC, "angle model: chi(t_min = %g) failed (%d)", t,
                                st);
    }
    return DY_OK;
}

static double chi_at(const dy_geo_chi *c, double tmin)
{
    if (!(tmin < c->tmax)) return 0.0;
    double u = (log(tmin) - c->lt0) / c->dlt;
    if (u <= 0.0) return c->chi[0]; /* below 1e-26 GeV^2: screened, chi saturates */
    int k = (int)u;
    if (k >= DY_GEO_NCHI - 1) k = DY_GEO_NCHI - 2;
    const double w = u - k;
    return (1.0 - w) * c->chi[k] + w * c->chi[k + 1];
}

void dy_geo_theta_brem_ww(const dy_geo_chi *c, int mediator, double ml, double m, double E,
                          double x, int n, const double *e, double *f)
{
    static const double gx[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                 0.9602898564975363};
    static const double gw[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                 0.1012285362903763};
    double c0, c1, tot = 0.0;
    memset(f, 0, (size_t)n * sizeof *f);
    if (!(x > 0.0 && x < 1.0) || !(E > 0.0) || n < 1 || n > DY_GEO_MAX_BINS) return;
    dy_me_brem_22_coeffs(mediator, x, m, ml, &c0, &c1);
    const double um = m * m * (1.0 - x) / x + ml * ml * x, k2 = 2.0 * E * (1.0 - x);
    const double vmax = k2 * sqrt(c->tmax); /* t_min(U) = (U/k2)^2 reaches t_max */
    double vlo = um;
    for (int i = 0; i < n && vlo < vmax; ++i) {
        double vhi = i == n - 1 ? vmax : um + x * E * E * e[i + 1] * e[i + 1];
        if (vhi > vmax) vhi = vmax;
        if (!(vhi > vlo)) continue;
        const double a = log(vlo), b = log(vhi), h = 0.5 * (b - a), mid = 0.5 * (a + b);
        double sum = 0.0;
        for (int j = 0; j < 8; ++j) {
            const double V = exp(mid + (j < 4 ? -gx[j] : gx[j - 4]) * h);
            const double a2 = c0 + c1 * x * (um - V) / (V * V);
            sum += gw[j % 4] * chi_at(c, (V / k2) * (V / k2)) * a2 / V; /* dV/V^2 = dlnV/V */
        }
        f[i] = fmax(0.0, sum * h);
        tot += f[i];
        vlo = vhi;
    }
    if (!(tot > 0.0)) {
        dy_geo_theta_brem(mediator, ml, m, E, x, n, e, f);
        return;
    }
    for (int i = 0; i < n; ++i)
        f[i] /= tot;
}

void dy_geo_theta_compton(double m, double w, double x, int n, const double *e, double *f)
{
    memset(f, 0, (size_t)n * sizeof *f);
    if (n < 1) return;
    const double EX = x * w, me = DY_M_E;
    if (!(EX > m)) {
        f[n - 1] = 1.0; /* no such x: kept somewhere so that the sum stays dN/dE */
        return;
    }
    const double p = sqrt((EX - m) * (EX + m));
    double c = (EX * (w + me) - w * me - 0.5 * m * m) / (w * p);
    c = c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
    const double th = 2.0 * asin(sqrt(0.5 * (1.0 - c))); /* acos without round-off at c ~ 1 */
    int i = 0;
    while (i < n - 1 && th >= e[i + 1])
        ++i;
    f[i] = 1.0;
}

void dy_geo_theta_annihilation_gamma(double m, double Epos, double EX, int n, const double *e,
                                     double *f)
{
    memset(f, 0, (size_t)n * sizeof *f);
    if (n < 1) return;
    const double me = DY_M_E, s = 2.0 * me * me + 2.0 * me * Epos;
    const double pp = sqrt((Epos - me) * (Epos + me));
    if (!(EX > m) || !(pp > 0.0)) {
        f[n - 1] = 1.0; /* no such E_X: kept somewhere so that the sum stays dN/dE */
        return;
    }
    const double p = sqrt((EX - m) * (EX + m));
    double c = ((Epos + me) * EX - 0.5 * (s + m * m)) / (pp * p);
    c = c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
    const double th = 2.0 * asin(sqrt(0.5 * (1.0 - c)));
    int i = 0;
    while (i < n - 1 && th >= e[i + 1])
        ++i;
    f[i] = 1.0;
}

/* ------------------------------------------------------------------------------- depth */

double dy_geo_gamma_fraction(double E0, double E, double C, double t1, double t2, double L)
{
    const double b = DY_GEO_LS_B, tm = fmax(0.0, log(E0 / E) + C), a = 1.0 + b * tm;
    const double norm = gsl_sf_gamma_inc_P(a, b * L);
    if (!(norm > 0.0)) return 0.0;
    return (gsl_sf_gamma_inc_P(a, b * fmin(t2, L)) - gsl_sf_gamma_inc_P(a, b * fmax(t1, 0.0))) /
           norm;
}

enum { PRIM_NONE, PRIM_TSAI, PRIM_BH };

typedef struct dpar {
    int kind;
    double b, lny, lns, lc; /* lc > 0: the tail beyond lambda = lc (s -> 0) */
} dpar;

/* Depth density (in t, X0; up to t-independent factors) of the primary lepton at fractional
 * energy loss y = 1 - E/E0 (s = ln(E0/E)): Tsai's thin-slab straggling y^{bt} / q(bt) (RMP 46
 * (1974) 815, eq. 4.7, normalised per depth as in the thin model), or Bethe-Heitler's
 * s^{bt} / Gamma(bt) (b = 4/3; H. Bethe, W. Heitler, Proc. R. Soc. A 146 (1934) 83; B. Rossi,
 * High-Energy Particles (1952) §2.13).  The tail (path beyond lambda = lc at E -> E0) integrates
 * y = e^{-lambda} over lambda > lc: e^{-bt lc} / (bt q(bt)) and e^{-bt lc} / Gamma(1 + bt). */
static double prim_density(double t, void *vp)
{
    const dpar *p = vp;
    const double bt = p->b * t;
    if (!(t > 0.0)) return 0.0;
    if (p->kind == PRIM_TSAI) {
        const double q = 1.0 / bt - 1.0 / (bt + 1.0) + 0.75 / (bt + 2.0);
        if (p->lc > 0.0) return exp(-bt * p->lc) / (bt * q);
        return exp(bt * p->lny) / q;
    }
    if (p->lc > 0.0) return exp(-bt * p->lc - gsl_sf_lngamma(1.0 + bt));
    return exp(bt * p->lns - gsl_sf_lngamma(bt));
}

#define NS_GRID   300
#define LS_MIN    (-66.0) /* ln s at lambda ~ 66: below the fold's lambda = 64 */
#define LS_MAX    4.0     /* s = ln(E0/E) up to e^4 ~ 55 */
#define TAIL_LAMB 64.0    /* the fold's last lambda (fold.c) */

/* Fractions over the nd bins of [0, L_X0] of the primary's density; w the total (for the
 * mixture weight, relative units of prim_density). */
static int prim_fractions(dpar *p, int nd, double L, double *f, gsl_integration_workspace *ws)
{
    double tot = 0.0;
    for (int d = 0; d < nd; ++d) {
        double r, ae;
        gsl_function F = {prim_density, p};
        const int st = gsl_integration_qag(&F, L * d / nd, L * (d + 1) / nd, 0.0, 1e-8, 500,
                                           GSL_INTEG_GAUSS21, ws, &r, &ae);
        if (st && st != GSL_EROUND) return st;
        f[d] = r;
        tot += r;
    }
    for (int d = 0; d < nd; ++d)
        f[d] = tot > 0.0 ? f[d] / tot : 1.0 / nd;
    return 0;
}

dy_status dy_geo_depth_init(dy_geo_depth *d, const dy_tracklength *T, const dy_material *mat,
                            int nd, dy_error *err)
{
    memset(d, 0, sizeof *d);
    if (nd < 1 || nd > DY_GEO_MAX_BINS)
        return dy_error_set(err, DY_ERR_INVALID, "depth bins: %d (1..%d)", nd, DY_GEO_MAX_BINS);
    if (T->model == DY_TL_TABLE)
        return dy_error_set(err, DY_ERR_INVALID,
                            "geometry.depth_bins: an imported track-length table (%s) carries no "
                            "depth; use the built-in track lengths or depth_bins: 0",
                            T->label);
    if (T->model == DY_TL_NONE || !isfinite(T->L_cm) || !(T->L_cm > 0.0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "geometry.depth_bins needs a target of finite thickness");
    d->nd = nd;
    d->ns = NS_GRID + 1; /* the last row: the path at E0 (s = 0) */
    d->E0 = T->E0;
    d->L_cm = T->L_cm;
    d->ls0 = LS_MIN;
    d->dls = (LS_MAX - LS_MIN) / (NS_GRID - 1);
    d->f = calloc((size_t)d->ns * nd, sizeof *d->f);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(500);
    double *fp = malloc((size_t)nd * sizeof *fp);
    if (!d->f || !ws || !fp) {
        free(fp);
        gsl_integration_workspace_free(ws);
        dy_geo_depth_free(d);
        return dy_error_set(err, DY_ERR_NOMEM, "depth table: out of memory");
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    const double L = T->L_X0, E0 = T->E0;
    const int primary = T->species == DY_PARTICLE_PRIMARY || T->species == T->beam ||
                        (T->species == DY_PARTICLE_CHARGED && T->beam != DY_PARTICLE_PHOTON);
    const double C = T->beam == DY_PARTICLE_PHOTON ? 0.5 : -0.5;
    int kind = PRIM_NONE; /* 0: no primary part */
    if (T->model == DY_TL_THIN && T->species != DY_PARTICLE_PHOTON) kind = PRIM_TSAI;
    if (T->model == DY_TL_SHOWER && primary && T->beam != DY_PARTICLE_PHOTON) kind = PRIM_BH;
    if (T->model == DY_TL_MUON)
        snprintf(d->model, sizeof d->model, "uniform (muon: constant dE/dx)");
    else if (T->model == DY_TL_THIN)
        snprintf(d->model, sizeof d->model, "%s",
                 kind ? "thin target: Tsai straggling at each depth"
                      : "thin target: first-order photons, track length ~ depth");
    else
        snprintf(d->model, sizeof d->model,
                 "shower: %sLongo-Sestili gamma profile b = 0.5, t_max = ln(E0/E) %+.1f",
                 kind ? "primary by Bethe-Heitler straggling, the rest by the " : "", C);
    int st = 0;
    for (int k = 0; k < d->ns && !st; ++k) {
        double *f = d->f + (size_t)k * nd;
        const int tail = k == NS_GRID;
        const double ls = tail ? LS_MIN : LS_MIN + d->dls * k, s = exp(ls);
        const double E = E0 * exp(-s);
        if (T->model == DY_TL_MUON) {
            for (int i = 0; i < nd; ++i)
                f[i] = 1.0 / nd;
            continue;
        }
        if (tail && T->beam == DY_PARTICLE_PHOTON && T->species == DY_PARTICLE_PHOTON) {
            /* the photon beam's path at E0: the uncollided photons, attenuated as e^{-7t/9}
             * (pair production, mean free path 9/7 X0; Tsai RMP 46 (1974) 815, PDG review) */
            const double mu = 7.0 / 9.0, n = -expm1(-mu * L);
            for (int i = 0; i < nd; ++i)
                f[i] = (exp(-mu * L * i / nd) - exp(-mu * L * (i + 1) / nd)) / n;
            continue;
        }
        if (T->model == DY_TL_THIN && !kind) { /* first-order photons: dT/dt ~ t */
            for (int i = 0; i < nd; ++i)
                f[i] = ((i + 1.0) * (i + 1.0) - (double)i * i) / ((double)nd * nd);
            continue;
        }
        double wp = 0.0; /* share of the primary in T(E) */
        if (kind) {
            dpar p = {kind, kind == PRIM_TSAI ? mat->b_tsai : 4.0 / 3.0, log(-expm1(-s)), ls,
                      tail ? TAIL_LAMB : 0.0};
            if ((st = prim_fractions(&p, nd, L, fp, ws))) break;
            if (kind == PRIM_TSAI || tail || s < 1e-6) {
                wp = 1.0; /* thin: the channel is the primary; near E0 the primary is all */
            } else {
                /* Bethe-Heitler: dT/dE = X0 int_0^L dt s^{bt-1}/(E0 Gamma(bt)) */
                double r, ae;
                p.lns = ls;
                gsl_function F = {prim_density, &p};
                st =
                    gsl_integration_qag(&F, 0.0, L, 0.0, 1e-8, 500, GSL_INTEG_GAUSS21, ws, &r, &ae);
                if (st && st != GSL_EROUND) break;
                st = 0;
                const double Tp = T->X0_cm * r / (s * E0), Tt = dy_tracklength_eval(T, E);
                wp = Tt > 0.0 ? fmin(1.0, Tp / Tt) : 1.0;
            }
        }
        for (int i = 0; i < nd; ++i) {
            const double g = dy_geo_gamma_fraction(E0, E, C, L * i / nd, L * (i + 1) / nd, L);
            f[i] = wp * (kind ? fp[i] : 0.0) + (1.0 - wp) * g;
        }
    }
    gsl_set_error_handler(old);
    free(fp);
    gsl_integration_workspace_free(ws);
    if (st) {
        dy_geo_depth_free(d);
        return dy_error_set(err, DY_ERR_NUMERIC, "depth table: quadrature failed (%s)",
                            gsl_strerror(st));
    }
    return DY_OK;
}

void dy_geo_depth_eval_s(const dy_geo_depth *d, double s, double *f)
{
    const int nd = d->nd;
    if (!(s > 0.0) || !isfinite(s)) { /* the path at E0 */
        memcpy(f, d->f + (size_t)NS_GRID * nd, (size_t)nd * sizeof *f);
        return;
    }
    double u = (log(s) - d->ls0) / d->dls;
    u = u < 0.0 ? 0.0 : u > NS_GRID - 1 ? NS_GRID - 1 : u;
    int k = (int)u;
    if (k >= NS_GRID - 1) k = NS_GRID - 2;
    const double w = u - k;
    const double *a = d->f + (size_t)k * nd, *b = a + nd;
    for (int i = 0; i < nd; ++i)
        f[i] = (1.0 - w) * a[i] + w * b[i];
}

void dy_geo_depth_eval(const dy_geo_depth *d, double E, double *f)
{
    dy_geo_depth_eval_s(d, E < d->E0 ? log(d->E0 / E) : 0.0, f);
}

void dy_geo_depth_free(dy_geo_depth *d)
{
    free(d->f);
    memset(d, 0, sizeof *d);
}
