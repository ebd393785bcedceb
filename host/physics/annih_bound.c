/* annih_bound.c — atomic-electron motion and initial-state radiation for resonant annihilation.
 * Formulas and their sources: docs/physics-annihilation-primakoff.md §2.6-2.8. */
#include "physics/annih_bound.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ Slater groups */

/* Madelung filling order (n, l) */
static const int k_fill[][2] = {{1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}, {4, 0}, {3, 2},
                                {4, 1}, {5, 0}, {4, 2}, {5, 1}, {6, 0}, {4, 3}, {5, 2},
                                {6, 1}, {7, 0}, {5, 3}, {6, 2}, {7, 1}};
/* Slater's groups in his order: (n, kind) with kind 0 = s,p; 2 = d; 3 = f */
static const int k_group[][2] = {{1, 0}, {2, 0}, {3, 0}, {3, 2}, {4, 0}, {4, 2}, {4, 3},
                                 {5, 0}, {5, 2}, {5, 3}, {6, 0}, {6, 2}, {7, 0}};
#define NGROUP ((int)(sizeof k_group / sizeof k_group[0]))

/* Slater's effective principal quantum numbers n* (n = 7 extrapolated: 4.3) */
static double nstar_of(int n)
{
    static const double t[8] = {0.0, 1.0, 2.0, 3.0, 3.7, 4.0, 4.2, 4.3};
    return t[n];
}

int dy_slater_groups(int Z, double *occ, double *zeff, double *nstar)
{
    double N[NGROUP] = {0.0};
    int left = Z, ng = 0;
    if (Z < 1 || Z > 100) return -1;
    for (size_t i = 0; i < sizeof k_fill / sizeof k_fill[0] && left > 0; ++i) {
        const int n = k_fill[i][0], l = k_fill[i][1], cap = 2 * (2 * l + 1);
        const int put = left < cap ? left : cap;
        const int kind = l <= 1 ? 0 : l;
        for (int g = 0; g < NGROUP; ++g)
            if (k_group[g][0] == n && k_group[g][1] == kind) N[g] += put;
        left -= put;
    }
    for (int g = 0; g < NGROUP; ++g) {
        if (N[g] <= 0.0) continue;
        const int n = k_group[g][0], kind = k_group[g][1];
        /* Slater's rules: 0.35 per other electron of the group (0.30 in 1s); for s,p: 0.85 per
         * electron with principal number n-1, 1.00 for n-2 and below; for d, f: 1.00 for every
         * electron in the groups before.  Groups after contribute nothing. */
        double S = (n == 1 ? 0.30 : 0.35) * (N[g] - 1.0);
        for (int h = 0; h < g; ++h) {
            const int nh = k_group[h][0];
            if (kind != 0 || nh <= n - 2)
                S += N[h];
            else if (nh == n - 1)
                S += 0.85 * N[h];
        }
        if (occ) occ[ng] = N[g];
        if (zeff) zeff[ng] = Z - S;
        if (nstar) nstar[ng] = nstar_of(n);
        ++ng;
    }
    return ng;
}

/* integral of 8/(3 pi v0) (1 + v^2/v0^2)^-3 over |v| < 1: with v = v0 tan(th),
 * (16/3pi) [3th/8 + sin(2th)/4 + sin(4th)/32], th = atan(1/v0) */
static double shape_mass(double v0)
{
    const double th = atan(1.0 / v0);
    return 16.0 / (3.0 * DY_PI) * (0.375 * th + 0.25 * sin(2.0 * th) + sin(4.0 * th) / 32.0);
}

static dy_status add_element(int Z, double weight, dy_atomic_shells *out, dy_error *err)
{
    double occ[DY_SHELLS_MAX], zeff[DY_SHELLS_MAX], ns[DY_SHELLS_MAX];
    const int ng = dy_slater_groups(Z, occ, zeff, ns);
    if (ng < 0)
        return dy_error_set(err, DY_ERR_INVALID,
                            "electron motion: Z = %d has no Slater groups (need 1 <= Z <= 100)", Z);
    if (out->n + ng > DY_SHELLS_MAX)
        return dy_error_set(err, DY_ERR_INVALID, "electron motion: more than %d electron groups",
                            DY_SHELLS_MAX);
    for (int g = 0; g < ng; ++g) {
        const int k = out->n++;
        out->frac[k] = weight * occ[g] / Z;
        out->v0[k] = DY_ALPHA_EM * zeff[g] / ns[g];
        out->norm[k] = 1.0 / shape_mass(out->v0[k]);
    }
    return DY_OK;
}

dy_status dy_atomic_shells_element(int Z, dy_atomic_shells *out, dy_error *err)
{
    memset(out, 0, sizeof *out);
    return add_element(Z, 1.0, out, err);
}

dy_status dy_atomic_shells_material(const dy_material *mat, dy_atomic_shells *out, dy_error *err)
{
    double tot = 0.0;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < mat->n_elem; ++i)
        tot += mat->w[i] * mat->Z[i] / mat->A[i]; /* electrons per gram / N_A */
    for (int i = 0; i < mat->n_elem; ++i) {
        const int Z = (int)lround(mat->Z[i]);
        if (fabs(mat->Z[i] - Z) > 1e-9)
            return dy_error_set(err, DY_ERR_INVALID,
                                "electron motion: element Z = %g of %s is not an integer",
                                mat->Z[i], mat->name);
        const dy_status s = add_element(Z, mat->w[i] * mat->Z[i] / mat->A[i] / tot, out, err);
        if (s != DY_OK) return s;
    }
    return DY_OK;
}

double dy_compton_profile(const dy_atomic_shells *sh, double v)
{
    double j = 0.0;
    if (!(fabs(v) < 1.0)) return 0.0;
    for (int k = 0; k < sh->n; ++k) {
        const double y = v / sh->v0[k], d = 1.0 + y * y;
        j += sh->frac[k] * sh->norm[k] * 8.0 / (3.0 * DY_PI * sh->v0[k]) / (d * d * d);
    }
    return j;
}

/* ------------------------------------------------------------------ ISR */

/* Kuraev-Fadin, Sov. J. Nucl. Phys. 41 (1985) 466, Eq. (28), to O(beta) without the non-log
 * constant (alpha/pi)(pi^2/3 - 1/2); the same as the convolution of two Nicrosini-Trentadue
 * structure functions D(x) = (beta/2)(1-x)^(beta/2-1)(1 + 3beta/8) - (beta/4)(1+x). */
double dy_isr_beta(double s)
{
    return 2.0 * DY_ALPHA_EM / DY_PI * (log(s / (DY_M_E * DY_M_E)) - 1.0);
}

double dy_isr_radiator(double z, double beta)
{
    if (!(z > 0.0 && z < 1.0)) return 0.0;
    return beta * pow(1.0 - z, beta - 1.0) * (1.0 + 0.75 * beta) - 0.5 * beta * (1.0 + z);
}

/* ------------------------------------------------------------------ kinematics */

/* Impulse approximation: the electron has energy m_e and momentum m_e v along the positron, so
 * s = 2 m_e^2 + 2 m_e (E - P v): the at-rest cross section at E' = E - P v.  Flux (Moller):
 * sqrt((E - P v)^2 - m_e^2)/P, 1 at rest.  Binding and p_T enter at O(p^2/m_e^2) and are dropped.
 */
static double flux(double Ep, double P)
{
    const double a = Ep * Ep - DY_M_E * DY_M_E;
    return a > 0.0 ? sqrt(a) / P : 0.0;
}

typedef struct kern_ctx {
    const dy_atomic_shells *sh;
    double E, P, ER, b0;
} kern_ctx;

/* Both extras, in t = (1 - z)^b0 (b0 = beta(m^2)), z = (E_R + m_e)/(E' + m_e), E' = E - P v:
 * dv = (E_R + m_e)/(z^2 P) dz and dz = (1-z)^(1-b0) dt/b0 absorb the (1-z)^(beta-1) end point. */
static double kern_t(double t, void *vp)
{
    const kern_ctx *k = vp;
    const double omz = pow(t, 1.0 / k->b0), z = 1.0 - omz;
    if (!(z > 0.0) || !(omz > 0.0)) return 0.0;
    const double Ep = (k->ER + DY_M_E) / z - DY_M_E, v = (k->E - Ep) / k->P;
    const double s = 2.0 * DY_M_E * (Ep + DY_M_E), beta = dy_isr_beta(s);
    /* G(z) (1-z)^(1-b0)/b0 without forming (1-z)^(beta-1) */
    const double g = beta / k->b0 * pow(omz, beta - k->b0) * (1.0 + 0.75 * beta) -
                     0.5 * beta * (1.0 + z) * pow(omz, 1.0 - k->b0) / k->b0;
    return dy_compton_profile(k->sh, v) * flux(Ep, k->P) * g / (Ep + DY_M_E) * (k->ER + DY_M_E) /
           (z * z * k->P);
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* break points in v in (lo, hi): 0 and +-c v0 of every group */
static size_t v_breaks(const dy_atomic_shells *sh, double lo, double hi, double *pts, size_t cap)
{
    size_t n = 0;
    pts[n++] = lo;
    if (0.0 > lo && 0.0 < hi) pts[n++] = 0.0;
    for (int k = 0; k < sh->n && n + 4 < cap; ++k)
        for (int sg = -1; sg <= 1; sg += 2)
            for (double c = 1.0; c <= 3.0; c += 2.0) {
                const double v = sg * c * sh->v0[k];
                if (v > lo && v < hi) pts[n++] = v;
            }
    pts[n++] = hi;
    qsort(pts, n, sizeof *pts, cmp_d);
    return n;
}

double dy_annih_nwa_kernel(const dy_annih_extras *x, double m_ap, double e_pos)
{
    const double me = DY_M_E, ER = dy_annih_e_res(m_ap);
    if (!(e_pos > me)) return 0.0;
    const double P = sqrt((e_pos - me) * (e_pos + me));
    if (x->shells && !x->isr) { /* delta(E - P v - E_R): v_R = (E - E_R)/P */
        const double vR = (e_pos - ER) / P;
        return dy_compton_profile(x->shells, vR) * flux(ER, P) / P;
    }
    if (!x->shells && x->isr) { /* delta(z (E + m_e) - (E_R + m_e)) */
        const double z = (ER + me) / (e_pos + me);
        return dy_isr_radiator(z, dy_isr_beta(2.0 * me * (e_pos + me))) / (e_pos + me);
    }
    if (!x->shells) return 0.0;
    /* both: int dv J f G(z_R(v))/(E' + m_e) over E' > E_R, i.e. v < (E - E_R)/P */
    const double vmax = fmin(1.0, (e_pos - ER) / P);
    if (!(vmax > -1.0)) return 0.0;
    kern_ctx k = {x->shells, e_pos, P, ER, dy_isr_beta(m_ap * m_ap)};
    double vp[4 * DY_SHELLS_MAX + 4], pts[4 * DY_SHELLS_MAX + 4], r = 0.0, ae = 0.0;
    const size_t nv = v_breaks(x->shells, -1.0, vmax, vp, sizeof vp / sizeof vp[0]);
    size_t np = 0;
    for (size_t i = 0; i < nv; ++i) { /* v -> z -> t, decreasing in v */
        const double z = (ER + me) / (e_pos - P * vp[nv - 1 - i] + me);
        const double t = z >= 1.0 ? 0.0 : pow(1.0 - z, k.b0);
        if (np == 0 || t > pts[np - 1]) pts[np++] = t;
    }
    if (np < 2) return 0.0;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(400);
    if (!ws) return NAN;
    gsl_function F = {kern_t, &k};
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    const int st = gsl_integration_qagp(&F, pts, np, 0.0, 1e-7, 400, ws, &r, &ae);
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(ws);
    return (st && st != GSL_EROUND && st != GSL_EMAXITER) ? NAN : r;
}

typedef struct trk_ctx {
    double (*T)(double, void *);
    void *tp;
    double Ep, b0;
} trk_ctx;

/* in t = (1-z)^b0 as kern_t: G(z) dz = g dt */
static double trk_t(double t, void *vp)
{
    const trk_ctx *k = vp;
    const double omz = pow(t, 1.0 / k->b0), z = 1.0 - omz;
    if (!(z > 0.0) || !(omz > 0.0)) return 0.0;
    const double E = (k->Ep + DY_M_E) / z - DY_M_E;
    const double beta = dy_isr_beta(2.0 * DY_M_E * (E + DY_M_E));
    const double g = beta / k->b0 * pow(omz, beta - k->b0) * (1.0 + 0.75 * beta) -
                     0.5 * beta * (1.0 + z) * pow(omz, 1.0 - k->b0) / k->b0;
    return g * k->T(E, k->tp) / z;
}

double dy_isr_track(double (*T)(double E, void *tp), void *tp, double E0, double e_prime)
{
    const double zmin = (e_prime + DY_M_E) / (E0 + DY_M_E);
    if (!(zmin < 1.0) || !(e_prime > DY_M_E)) return 0.0;
    trk_ctx k = {T, tp, e_prime, dy_isr_beta(2.0 * DY_M_E * (e_prime + DY_M_E))};
    const double tmax = pow(1.0 - zmin, k.b0);
    double r = 0.0, ae = 0.0;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    if (!ws) return NAN;
    gsl_function F = {trk_t, &k};
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    const int st = gsl_integration_qags(&F, 0.0, tmax, 0.0, 1e-7, 200, ws, &r, &ae);
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(ws);
    return (st && st != GSL_EROUND && st != GSL_EMAXITER) ? NAN : r;
}

/* ------------------------------------------------------------------ exact Breit-Wigner */

typedef struct bw_ctx {
    dy_annih_config c;
    const dy_atomic_shells *sh;
    int isr;
    double E, P, half; /* half width in E+ at rest: m Gamma/(2 m_e) */
    gsl_integration_workspace *w_in, *w_out;
    int fail;
} bw_ctx;

static double sigma_rest(bw_ctx *b, double Ep)
{
    if (!(Ep > DY_M_E)) return 0.0;
    b->c.e_pos = Ep;
    return dy_annih_sigma_total(&b->c);
}

typedef struct isr_ctx {
    bw_ctx *b;
    double Ep, beta;
} isr_ctx;

/* t = (1-z)^beta: G dz = [(1 + 3beta/4) - (1/2)(1+z)(1-z)^(1-beta)] dt, z = 1 - t^(1/beta) */
static double isr_t(double t, void *vp)
{
    isr_ctx *q = vp;
    const double omz = pow(t, 1.0 / q->beta), z = 1.0 - omz;
    const double g = (1.0 + 0.75 * q->beta) - 0.5 * (1.0 + z) * pow(omz, 1.0 - q->beta);
    return g * sigma_rest(q->b, z * (q->Ep + DY_M_E) - DY_M_E);
}

/* sigma_ISR at at-rest energy Ep */
static double sigma_isr(bw_ctx *b, double Ep)
{
    const double me = DY_M_E, s = 2.0 * me * (Ep + me), m2 = b->c.m_ap * b->c.m_ap;
    const double beta = dy_isr_beta(s);
    const double zmin = 4.0 * me * me / s * (1.0 + 1e-9); /* s' above the e+e- threshold */
    if (!(zmin < 1.0)) return 0.0;
    const double tmax = pow(1.0 - zmin, beta);
    double pts[32], r = 0.0, ae = 0.0;
    size_t np = 0;
    pts[np++] = 0.0;
    const double zr = m2 / s, dz = 2.0 * me * b->half / s; /* resonance and half width in z */
    for (double k = 0.0; k < 1e5; k = (k == 0.0 ? 1.0 : 4.0 * k))
        for (int sg = -1; sg <= 1; sg += 2) {
            const double z = zr + sg * k * dz;
            if (z > zmin && z < 1.0) {
                const double t = pow(1.0 - z, beta);
                if (t > 0.0 && t < tmax && np < 30) pts[np++] = t;
            }
            if (k == 0.0) break;
        }
    pts[np++] = tmax;
    qsort(pts, np, sizeof *pts, cmp_d);
    isr_ctx q = {b, Ep, beta};
    gsl_function F = {isr_t, &q};
    const int st = gsl_integration_qagp(&F, pts, np, 0.0, 1e-8, 1000, b->w_in, &r, &ae);
    if (st && st != GSL_EROUND) b->fail = st;
    return r;
}

static double sigma_at(bw_ctx *b, double Ep)
{
    return b->isr ? sigma_isr(b, Ep) : sigma_rest(b, Ep);
}

static double motion_v(double v, void *vp)
{
    bw_ctx *b = vp;
    const double Ep = b->E - b->P * v;
    return dy_compton_profile(b->sh, v) * flux(Ep, b->P) * sigma_at(b, Ep);
}

dy_status dy_annih_sigma_extras(const dy_annih_config *c, const dy_annih_extras *x, double *sigma,
                                double *abserr, dy_error *err)
{
    bw_ctx b;
    memset(&b, 0, sizeof b);
    b.c = *c;
    b.sh = x->shells;
    b.isr = x->isr;
    b.E = c->e_pos;
    b.P = sqrt((c->e_pos - DY_M_E) * (c->e_pos + DY_M_E));
    {
        const dy_ap_widths w =
            dy_ap_widths_at(c->m_ap, c->eps, c->alpha_d, c->m_chi, c->delta, c->dm_kind);
        b.half = 0.5 * c->m_ap * (w.total + c->gamma_had) / DY_M_E;
    }
    *sigma = *abserr = 0.0;
    b.w_in = gsl_integration_workspace_alloc(1000);
    b.w_out = gsl_integration_workspace_alloc(1000);
    if (!b.w_in || !b.w_out) {
        gsl_integration_workspace_free(b.w_in);
        gsl_integration_workspace_free(b.w_out);
        return dy_error_set(err, DY_ERR_NOMEM, "annihilation extras: out of memory");
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    if (!b.sh) {
        *sigma = sigma_at(&b, b.E);
    } else {
        /* break points: the groups' widths and the resonance E' = E_R +- 4^j half widths */
        double pts[4 * DY_SHELLS_MAX + 40];
        size_t np = v_breaks(b.sh, -1.0, 1.0, pts, 4 * DY_SHELLS_MAX + 8);
        const double ER = dy_annih_e_res(c->m_ap);
        for (double k = 0.0; k < 1e5; k = (k == 0.0 ? 1.0 : 4.0 * k))
            for (int sg = -1; sg <= 1; sg += 2) {
                const double v = (b.E - ER - sg * k * b.half) / b.P;
                if (v > -1.0 && v < 1.0 && np < sizeof pts / sizeof pts[0]) pts[np++] = v;
                if (k == 0.0) break;
            }
        qsort(pts, np, sizeof *pts, cmp_d);
        size_t u = 1; /* drop duplicates */
        for (size_t i = 1; i < np; ++i)
            if (pts[i] > pts[u - 1]) pts[u++] = pts[i];
        gsl_function F = {motion_v, &b};
        const int st = gsl_integration_qagp(&F, pts, u, 0.0, 1e-7, 1000, b.w_out, sigma, abserr);
        if (st && st != GSL_EROUND) b.fail = st;
    }
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(b.w_in);
    gsl_integration_workspace_free(b.w_out);
    if (b.fail)
        return dy_error_set(err, DY_ERR_NUMERIC,
                            "annihilation extras (m = %g GeV, E+ = %g GeV): %s", c->m_ap, c->e_pos,
                            gsl_strerror(b.fail));
    return DY_OK;
}
