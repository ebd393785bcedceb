/* tracklength.c — differential track lengths in targets (cm/GeV per incident particle).
 * Thick targets: Rossi Approximation A, depth-integrated shower equations solved in Mellin space
 * (closed forms, finite or infinite thickness) and inverted numerically once into a cached table;
 * thin targets: Tsai straggling; muons: constant dE/dx; imported CSV histograms.
 * Formulas, sources and validity: docs/tracklengths.md. */
#include "physics/tracklength.h"
#include "io/atomic_file.h"
#include "io/infile.h"

#include <complex.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_sf_expint.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_lambert.h>
#include <gsl/gsl_sf_psi.h>

#define TL_PI     3.14159265358979323846
#define TL_PSI2   0.42278433509846713939 /* psi(2) = 1 - gamma_E */
#define TL_U_MIN  1e-7                   /* smallest u = ln(E0/E) in the shower table */
#define TL_W_STEP (1.0 / 6.0)            /* table step in w = ln u + u */

/* ================================ particles ================================================ */

int dy_particle_from_name(const char *s)
{
    static const struct {
        const char *n;
        int p;
    } k[] = {{"e-", DY_PARTICLE_ELECTRON},     {"electron", DY_PARTICLE_ELECTRON},
             {"e+", DY_PARTICLE_POSITRON},     {"positron", DY_PARTICLE_POSITRON},
             {"gamma", DY_PARTICLE_PHOTON},    {"photon", DY_PARTICLE_PHOTON},
             {"g", DY_PARTICLE_PHOTON},        {"mu", DY_PARTICLE_MUON},
             {"mu-", DY_PARTICLE_MUON},        {"mu+", DY_PARTICLE_MUON},
             {"muon", DY_PARTICLE_MUON},       {"e+-", DY_PARTICLE_CHARGED},
             {"e+e-", DY_PARTICLE_CHARGED},    {"charged", DY_PARTICLE_CHARGED},
             {"primary", DY_PARTICLE_PRIMARY}, {"any", DY_PARTICLE_ANY}};
    if (!s) return -1;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; ++i)
        if (!strcasecmp(s, k[i].n)) return k[i].p;
    return -1;
}

const char *dy_particle_name(dy_particle p)
{
    switch (p) {
    case DY_PARTICLE_ELECTRON: return "e-";
    case DY_PARTICLE_POSITRON: return "e+";
    case DY_PARTICLE_PHOTON: return "gamma";
    case DY_PARTICLE_MUON: return "mu";
    case DY_PARTICLE_CHARGED: return "e+-";
    case DY_PARTICLE_PRIMARY: return "primary";
    case DY_PARTICLE_ANY: return "any";
    }
    return "?";
}

/* ================================ Approximation A in Mellin space ========================== */

/* Shower constants for Rossi's b: k = 4/3 + 2b (soft-photon coefficient of phi_0),
 * D = 7/9 - b/3 (pair-production probability per X0), beta of the gamma-subordinator that carries
 * the slowly decaying part of 1/A(s) (docs §3.2). */
typedef struct mellin_consts {
    double b, k, D, beta, L; /* L in X0, INFINITY for an infinite target */
} mellin_consts;

static mellin_consts make_consts(double b, double L)
{
    mellin_consts m;
    m.b = b;
    m.k = 4.0 / 3.0 + 2.0 * b;
    m.D = 7.0 / 9.0 - b / 3.0;
    m.beta = exp(TL_PSI2 - 0.5 / m.k); /* A(s) - k ln(1 + s/beta) = O(1/s) */
    m.L = L;
    return m;
}

static double complex cpsi(double complex s)
{
    gsl_sf_result re, im;
    if (gsl_sf_complex_psi_e(creal(s), cimag(s), &re, &im) != GSL_SUCCESS) return NAN;
    return re.val + I * im.val;
}

/* Rossi Approx-A Mellin kernels (reference §3.1, from phi_0(v) = k(1-v)/v + v and
 * psi_0(u) = 1 - k u(1-u)):
 *   A(s) = k[psi(s+2) - psi(2)] + 1/2 - 1/((s+1)(s+2))   electron radiation loss
 *   B(s) = 2[1/(s+1) - k/((s+2)(s+3))]                    pair production (both leptons)
 *   C(s) = k[1/s - 1/(s+1)] + 1/(s+2)                      photon emission
 *   D    = 7/9 - b/3                                       photon absorption */
static void kernels_abc(const mellin_consts *m, double complex s, double complex *A,
                        double complex *B, double complex *C)
{
    *A = m->k * (cpsi(s + 2.0) - TL_PSI2) + 0.5 - 1.0 / ((s + 1.0) * (s + 2.0));
    *B = 2.0 * (1.0 / (s + 1.0) - m->k / ((s + 2.0) * (s + 3.0)));
    *C = m->k * (1.0 / s - 1.0 / (s + 1.0)) + 1.0 / (s + 2.0);
}

/* E_n(z) = int_0^1 tau^n e^{z tau} dtau, complex z, n <= 5. */
static double complex en_int(int n, double complex z)
{
    if (cabs(z) < 4.0) {
        double complex term = 1.0, sum = 0.0;
        for (int j = 0; j < 60; ++j) {
            const double complex add = term / (double)(n + j + 1);
            sum += add;
            if (cabs(add) < 1e-18 * cabs(sum)) break;
            term *= z / (double)(j + 1);
        }
        return sum;
    }
    const double complex ez = cexp(z);
    double complex e = (ez - 1.0) / z;
    for (int j = 1; j <= n; ++j)
        e = (ez - (double)j * e) / z;
    return e;
}

/* h(mu) = int_0^L e^{mu t} dt (depth-integrated propagator); L = inf: -1/mu (Re mu < 0). */
static double complex h_fun(double complex mu, double L)
{
    if (isinf(L)) return -1.0 / mu;
    return L * en_int(0, mu * L);
}

/* First divided difference h[a,b] = (h(a) - h(b))/(a - b), stable for a -> b (Taylor about the
 * midpoint with h^(n)(m) = L^{n+1} E_n(m L)). */
static double complex h_dd(double complex a, double complex b, double L)
{
    if (isinf(L)) return 1.0 / (a * b);
    const double complex d = 0.5 * (a - b), mid = 0.5 * (a + b);
    if (cabs(d) * L < 1e-2) {
        const double complex d2L2 = d * d * L * L;
        return L * L *
               (en_int(1, mid * L) + en_int(3, mid * L) * d2L2 / 6.0 +
                en_int(5, mid * L) * d2L2 * d2L2 / 120.0);
    }
    return (h_fun(a, L) - h_fun(b, L)) / (a - b);
}

enum { COMP_PRIM = 0, COMP_SEC = 1, COMP_GAM_E = 2, COMP_CHG_G = 3, COMP_GAM_G = 4 };

/* Mellin transform Pi(s) = int_0^1 x^s f(x) dx of one component (what is inverted numerically).
 * Depth-integrated propagator S = int_0^L exp(M t) dt, M = [[-A, B], [C, -D]] on (e, gamma),
 * by Sylvester's formula with eigenvalues mu1 ~ -D, mu2 ~ -A written without cancellation:
 * p = (A-D)/2, q = sqrt(p^2 + BC) (branch Re(q conj p) >= 0), mu1,2 = -(A+D)/2 +- q,
 *   S_ee - h(-A) = BC/(p+q) (h[mu1,mu2] - h[mu2,-A])   (all secondaries of an e beam)
 *   S_ge = C h[mu1,mu2],  S_eg = B h[mu1,mu2]
 *   S_gg - h(-D) = BC/(p+q) (h[mu1,-D] - h[mu1,mu2])   (photon beam minus uncollided photons)
 * Infinite L reduces to BC/(A Delta), C/Delta, B/Delta, BC/(D Delta), Delta = AD - BC (§3.1).
 * COMP_PRIM: h(-A) - h(-Phi), Phi = k ln(1 + s/beta): primary minus its gamma-process part. */
static double complex mellin_pi(const mellin_consts *m, int comp, double complex s)
{
    double complex A, B, C;
    kernels_abc(m, s, &A, &B, &C);
    if (comp == COMP_PRIM) {
        const double complex Phi = m->k * clog(1.0 + s / m->beta);
        return h_dd(-A, -Phi, m->L) * (Phi - A);
    }
    const double D = m->D;
    const double complex p = 0.5 * (A - D);
    double complex q = csqrt(p * p + B * C);
    if (creal(q * conj(p)) < 0.0) q = -q;
    const double complex mu1 = -0.5 * (A + D) + q, mu2 = -0.5 * (A + D) - q;
    const double complex bcpq = B * C / (p + q);
    switch (comp) {
    case COMP_SEC: return 0.5 * bcpq * (h_dd(mu1, mu2, m->L) - h_dd(mu2, -A, m->L));
    case COMP_GAM_E: return C * h_dd(mu1, mu2, m->L);
    case COMP_CHG_G: return B * h_dd(mu1, mu2, m->L);
    default: return bcpq * (h_dd(mu1, -D, m->L) - h_dd(mu1, mu2, m->L));
    }
}

typedef struct inv_par {
    const mellin_consts *m;
    int comp;
    double c, u;
    int part; /* 0: Re Pi (cosine), 1: -Im Pi (sine), 2: Re[Pi e^{iuy}] */
} inv_par;

static double inv_integrand(double y, void *vp)
{
    const inv_par *p = vp;
    const double complex v = mellin_pi(p->m, p->comp, p->c + I * y);
    if (p->part == 2) return creal(v) * cos(p->u * y) - cimag(v) * sin(p->u * y);
    return p->part == 0 ? creal(v) : -cimag(v);
}

/* g(u) = x f(x), u = ln(1/x): Bromwich integral along Re s = c,
 * g(u) = (e^{cu}/pi) int_0^inf [Re Pi(c+iy) cos(uy) - Im Pi(c+iy) sin(uy)] dy.
 * The y integral: GSL QAWF (Fourier integral with epsilon-algorithm extrapolation over cycles),
 * started at y = 0 for u >= 0.05; for smaller u (cycles longer than the structure of Pi) Gauss-
 * Kronrod on doubling intervals up to Y >= 200/u first, then QAWF for the tail. */
static int bromwich(const mellin_consts *m, int comp, double c, double u, double gscale, double *g)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_integration_workspace *cw = gsl_integration_workspace_alloc(1000);
    gsl_integration_qawo_table *tc = gsl_integration_qawo_table_alloc(u, 1.0, GSL_INTEG_COSINE, 30);
    gsl_integration_qawo_table *ts = gsl_integration_qawo_table_alloc(u, 1.0, GSL_INTEG_SINE, 30);
    int status = GSL_ENOMEM;
    if (w && cw && tc && ts) {
        inv_par p = {m, comp, c, u, 2};
        gsl_function F = {inv_integrand, &p};
        /* absolute target: 1e-11 gscale in x^2 f (shower parts, g ~ e^u) or in x f (primary) */
        const double scale = gscale * (comp == COMP_PRIM ? exp(-c * u) : exp((1.0 - c) * u));
        const double eps = 1e-11 * TL_PI * scale;
        double sum = 0.0, y0 = 0.0;
        status = GSL_SUCCESS;
        if (u < 0.05) {
            double a = 0.0, b = 1.0;
            while (status == GSL_SUCCESS && a < 200.0 / u) {
                double r = 0.0, e = 0.0;
                int s = gsl_integration_qag(&F, a, b, 0.02 * eps, 1e-12, 1000, GSL_INTEG_GAUSS61, w,
                                            &r, &e);
                if (s != GSL_SUCCESS && e > 0.1 * eps) status = s;
                sum += r;
                a = b;
                b *= 2.0;
            }
            y0 = a;
        }
        double r1 = 0.0, e1 = 0.0, r2 = 0.0, e2 = 0.0;
        p.part = 0;
        int s1 = gsl_integration_qawf(&F, y0, eps, 1000, w, cw, tc, &r1, &e1);
        p.part = 1;
        int s2 = gsl_integration_qawf(&F, y0, eps, 1000, w, cw, ts, &r2, &e2);
        /* accept round-off limited results whose error estimate is still small */
        if (s1 != GSL_SUCCESS && e1 < 1e3 * eps) s1 = GSL_SUCCESS;
        if (s2 != GSL_SUCCESS && e2 < 1e3 * eps) s2 = GSL_SUCCESS;
        if (status == GSL_SUCCESS) status = s1 != GSL_SUCCESS ? s1 : s2;
        *g = exp(c * u) / TL_PI * (sum + r1 + r2);
        if (!isfinite(*g)) status = GSL_EFAILED;
    }
    gsl_integration_qawo_table_free(ts);
    gsl_integration_qawo_table_free(tc);
    gsl_integration_workspace_free(cw);
    gsl_integration_workspace_free(w);
    return status;
}

/* Gamma-subordinator part of the primary: Phi(s) = k ln(1+s/beta) has potential density
 * g_G(u) = int_0^L dt beta^{kt} u^{kt-1} e^{-beta u}/Gamma(kt)
 *        = (1/(k u)) int_0^{kL} z^tau e^{-z}/Gamma(tau) dtau,  z = beta u  (docs §3.2). */
typedef struct gg_par {
    double lnz, z;
} gg_par;

static double gg_integrand(double tau, void *vp)
{
    const gg_par *p = vp;
    if (tau <= 0.0) return 0.0;
    gsl_sf_result lg;
    if (gsl_sf_lngamma_e(tau, &lg) != GSL_SUCCESS) return 0.0;
    return exp(tau * p->lnz - p->z - lg.val);
}

static int gamma_part_quad(const mellin_consts *m, double u, double *g)
{
    gg_par p = {log(m->beta * u), m->beta * u};
    gsl_function F = {gg_integrand, &p};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    if (!w) return GSL_ENOMEM;
    double r = 0.0, e = 0.0;
    int st;
    if (isinf(m->L))
        st = gsl_integration_qagiu(&F, 0.0, 0.0, 1e-12, 1000, w, &r, &e);
    else
        st = gsl_integration_qags(&F, 0.0, m->k * m->L, 0.0, 1e-12, 1000, w, &r, &e);
    if (st != GSL_SUCCESS && e < 1e-9 * fabs(r)) st = GSL_SUCCESS;
    gsl_integration_workspace_free(w);
    *g = r / (m->k * u);
    return st;
}

/* u g_G(u) for tiny u (z << 1), given ln u, without GSL error paths: tau = sigma/ell,
 * ell = -ln z, Gauss-Legendre on sigma in [0, min(60, kL ell)] of e^{-sigma}/Gamma(sigma/ell)
 * (used at evaluation time; e^{-z} = 1 to < 1e-7 here). */
static double gamma_part_small(const mellin_consts *m, const gsl_integration_glfixed_table *gl,
                               double lnu)
{
    const double ell = -(log(m->beta) + lnu);
    double smax = 60.0;
    if (!isinf(m->L) && m->k * m->L * ell < smax) smax = m->k * m->L * ell;
    double sum = 0.0;
    for (size_t i = 0; i < gl->n; ++i) {
        double xi, wi;
        gsl_integration_glfixed_point(0.0, smax, i, &xi, &wi, gl);
        sum += wi * exp(-xi) * gsl_sf_gammainv(xi / ell);
    }
    return sum / ell / m->k;
}

/* ================================ shower table + cache ===================================== */

typedef struct dy_tl_shower_table {
    double b, L_X0, c_sec, c_prim, x_min;
    int photon_beam;
    mellin_consts m;
    int n;
    double *w; /* grid in w = ln u + u */
    double *P, *S,
        *G; /* e beam: u g_prim, x^2 f_sec, x^2 f_gamma; photon beam: -, x^2 f_chg, x^2 f_g */
    gsl_interp *iP, *iS, *iG;
    double rem0; /* primary remainder g_rem(u_min) */
    double u_max;
    double K_e, K_g; /* Rossi constants (infinite target, e beam) */
    double delta;    /* photon beam: uncollided photon path (1 - e^{-DL})/D, X0 */
    gsl_integration_glfixed_table *gl;
} dy_tl_shower_table;

static void shower_table_free(dy_tl_shower_table *t)
{
    if (!t) return;
    gsl_interp_free(t->iP);
    gsl_interp_free(t->iS);
    gsl_interp_free(t->iG);
    if (t->gl) gsl_integration_glfixed_table_free(t->gl);
    free(t->w);
    free(t->P);
    free(t->S);
    free(t->G);
    free(t);
}

void dy_shower_rossi_constants(double b, double *K_charged, double *K_photon)
{
    const mellin_consts m = make_consts(b, INFINITY);
    const double k = m.k, D = m.D;
    /* at s = 1: A = C = k/2 + 1/3, B = D (energy conservation: Delta(1) = 0) */
    const double A1 = k / 2.0 + 1.0 / 3.0, B1 = 1.0 - k / 6.0, C1 = A1;
    const double psi1_3 = TL_PI * TL_PI / 6.0 - 1.0 - 0.25; /* psi'(3) */
    const double dA = k * psi1_3 + 5.0 / 36.0;              /* (2s+3)/((s+1)^2(s+2)^2) at 1 */
    const double dB = 2.0 * (-0.25 + k * 7.0 / 144.0);      /* k(2s+5)/((s+2)^2(s+3)^2) */
    const double dC = k * (-1.0 + 0.25) - 1.0 / 9.0;
    const double dDelta = dA * D - dB * C1 - B1 * dC;
    if (K_charged) *K_charged = D / dDelta;
    if (K_photon) *K_photon = C1 / dDelta;
}

static dy_status shower_table_build(double b, double L_X0, int photon_beam, double c_sec,
                                    double c_prim, double x_min, dy_tl_shower_table **out,
                                    dy_error *err)
{
    dy_tl_shower_table *t = calloc(1, sizeof *t);
    if (!t) return dy_error_set(err, DY_ERR_NOMEM, "track-length table: out of memory");
    t->b = b;
    t->L_X0 = L_X0;
    t->photon_beam = photon_beam;
    t->c_sec = c_sec;
    t->c_prim = c_prim;
    t->x_min = x_min;
    t->m = make_consts(b, L_X0);
    t->u_max = -log(x_min);
    dy_shower_rossi_constants(b, &t->K_e, &t->K_g);
    t->delta = photon_beam ? (isinf(L_X0) ? 1.0 / t->m.D : -expm1(-t->m.D * L_X0) / t->m.D) : 0.0;
    const double w0 = log(TL_U_MIN) + TL_U_MIN, w1 = log(t->u_max) + t->u_max;
    t->n = (int)ceil((w1 - w0) / TL_W_STEP) + 1;
    const size_t n = (size_t)t->n;
    t->w = malloc(n * sizeof(double));
    t->P = calloc(n, sizeof(double));
    t->S = malloc(n * sizeof(double));
    t->G = malloc(n * sizeof(double));
    t->gl = gsl_integration_glfixed_table_alloc(96);
    if (!t->w || !t->P || !t->S || !t->G || !t->gl) {
        shower_table_free(t);
        return dy_error_set(err, DY_ERR_NOMEM, "track-length table: out of memory");
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    dy_status st = DY_OK;
    for (int j = 0; j < t->n && st == DY_OK; ++j) {
        const double w = w0 + (w1 - w0) * j / (t->n - 1);
        const double u = gsl_sf_lambert_W0(exp(w)); /* solves ln u + u = w */
        double gp = 0.0, gs = 0.0, gg = 0.0, ga = 0.0;
        int s1 = GSL_SUCCESS, s2, s3, s4 = GSL_SUCCESS;
        t->w[j] = w;
        if (photon_beam) {
            s2 = bromwich(&t->m, COMP_CHG_G, c_sec, u, 1.0, &gs);
            s3 = bromwich(&t->m, COMP_GAM_G, c_sec, u, 1.0, &gg);
        } else {
            s4 = gamma_part_quad(&t->m, u, &ga);
            s1 = bromwich(&t->m, COMP_PRIM, c_prim, u, fmax(1.0, ga), &gp);
            s2 = bromwich(&t->m, COMP_SEC, c_sec, u, 1.0, &gs);
            s3 = bromwich(&t->m, COMP_GAM_E, c_sec, u, 1.0, &gg);
            t->P[j] = u * (gp + ga);
            if (j == 0) t->rem0 = gp;
        }
        t->S[j] = exp(-u) * gs;
        t->G[j] = exp(-u) * gg;
        if (s1 || s2 || s3 || s4)
            st = dy_error_set(err, DY_ERR_NUMERIC,
                              "track-length table (b=%g, L=%g X0): inverse Mellin transform "
                              "failed at x=%g (%s)",
                              b, L_X0, exp(-u),
                              gsl_strerror(s1   ? s1
                                           : s2 ? s2
                                           : s3 ? s3
                                                : s4));
    }
    gsl_set_error_handler(old);
    if (st == DY_OK) {
        t->iP = gsl_interp_alloc(gsl_interp_cspline, n);
        t->iS = gsl_interp_alloc(gsl_interp_cspline, n);
        t->iG = gsl_interp_alloc(gsl_interp_cspline, n);
        if (!t->iP || !t->iS || !t->iG || gsl_interp_init(t->iP, t->w, t->P, n) ||
            gsl_interp_init(t->iS, t->w, t->S, n) || gsl_interp_init(t->iG, t->w, t->G, n))
            st = dy_error_set(err, DY_ERR_NUMERIC, "track-length table: interpolation failed");
    }
    if (st != DY_OK) {
        shower_table_free(t);
        return st;
    }
    *out = t;
    return DY_OK;
}

#define TL_CACHE_SIZE 16
static pthread_mutex_t g_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static dy_tl_shower_table *g_cache[TL_CACHE_SIZE];

static int same(double a, double b)
{
    return a == b || (isinf(a) && isinf(b));
}

static dy_status shower_table_get(double b, double L_X0, int photon_beam, double c_sec,
                                  double c_prim, double x_min, const dy_tl_shower_table **out,
                                  dy_error *err)
{
    pthread_mutex_lock(&g_cache_lock);
    for (int i = 0; i < TL_CACHE_SIZE; ++i) {
        const dy_tl_shower_table *t = g_cache[i];
        if (t && same(t->b, b) && same(t->L_X0, L_X0) && t->photon_beam == photon_beam &&
            t->c_sec == c_sec && t->c_prim == c_prim && t->x_min == x_min) {
            *out = t;
            pthread_mutex_unlock(&g_cache_lock);
            return DY_OK;
        }
    }
    dy_tl_shower_table *t = NULL;
    dy_status st = shower_table_build(b, L_X0, photon_beam, c_sec, c_prim, x_min, &t, err);
    if (st == DY_OK) {
        int slot = -1;
        for (int i = 0; i < TL_CACHE_SIZE && slot < 0; ++i)
            if (!g_cache[i]) slot = i;
        if (slot >= 0) g_cache[slot] = t;
        /* cache full: the table is kept alive (leaked) because objects point to it */
        *out = t;
    }
    pthread_mutex_unlock(&g_cache_lock);
    return st;
}

void dy_tracklength_cache_clear(void)
{
    pthread_mutex_lock(&g_cache_lock);
    for (int i = 0; i < TL_CACHE_SIZE; ++i) {
        shower_table_free(g_cache[i]);
        g_cache[i] = NULL;
    }
    pthread_mutex_unlock(&g_cache_lock);
}

dy_status dy_shower_f_direct(double b, double L_X0, int component, double x, double c, double *f,
                             dy_error *err)
{
    if (!(x > 0.0 && x < 1.0) || component < 0 || component > 4 || !(b >= 0.0) || !f)
        return dy_error_set(err, DY_ERR_INVALID, "dy_shower_f_direct: bad argument (x=%g, comp=%d)",
                            x, component);
    const int infinite = isinf(L_X0) || L_X0 <= 0.0;
    const mellin_consts m = make_consts(b, infinite ? INFINITY : L_X0);
    if (!(c > 0.0) || (infinite && component != COMP_PRIM && !(c > 1.0)))
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_shower_f_direct: contour Re s = %g must lie right of the "
                            "singularities (> 1 for shower parts of an infinite target, > 0 else)",
                            c);
    const double u = -log(x);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double g = 0.0, ga = 0.0;
    int st = component == COMP_PRIM ? gamma_part_quad(&m, u, &ga) : GSL_SUCCESS;
    if (st == GSL_SUCCESS) st = bromwich(&m, component, c, u, fmax(1.0, ga), &g);
    gsl_set_error_handler(old);
    if (st != GSL_SUCCESS)
        return dy_error_set(err, DY_ERR_NUMERIC, "dy_shower_f_direct: quadrature failed (%s)",
                            gsl_strerror(st));
    *f = (g + ga) / x;
    return DY_OK;
}

/* ================================ approximation B ========================================== */

double dy_rossi_approx_b_factor(double eps)
{
    /* Rossi approx. B: integral track length above E, in units of E0 X0/Ec:
     * 1 + eps e^eps Ei(-eps) = 1 - eps e^eps E1(eps), eps = E/(K Ec), K = 0.437 [Rossi 1952, U];
     * differentiating, T_B = (E0 X0/(K Ec^2)) [(1+eps) e^eps E1(eps) - 1] = T_A(x->0) R(eps). */
    if (!(eps > 0.0)) return 0.0;
    if (eps > 1000.0) { /* asymptotic series, avoids the cancellation */
        const double i = 1.0 / eps;
        return 1.0 - 4.0 * i + 18.0 * i * i - 96.0 * i * i * i + 600.0 * i * i * i * i;
    }
    return eps * eps * ((1.0 + eps) * gsl_sf_expint_E1_scaled(eps) - 1.0);
}

/* ================================ thin target ============================================== */

typedef struct dy_tl_thin_table {
    double b, L; /* Tsai b, thickness in X0 */
    int n;
    double *v, *J; /* v = ln(1 + lambda), J(lambda) = int_0^L e^{-b t lambda}/Q(t) dt */
    gsl_interp *iJ;
    double lam_max;
} dy_tl_thin_table;

/* Q(t) = int_0^1 y^{bt-1}(1 - y + 3y^2/4) dy = 1/(bt) - 1/(bt+1) + (3/4)/(bt+2): with it,
 * Tsai's I = (4t/3) y^{bt-1}(1 - y + 3y^2/4)/(E0 Gamma(1+bt)) integrates to (4t/3) Q/Gamma(1+bt).
 */
static double tsai_q(double bt)
{
    return 1.0 / bt - 1.0 / (bt + 1.0) + 0.75 / (bt + 2.0);
}

double dy_tsai_straggling(double E0, double E, double t, double b, int normalised)
{
    if (!(E > 0.0 && E < E0) || !(t > 0.0)) return 0.0;
    const double y = (E0 - E) / E0, bt = b * t;
    const double shape = pow(y, bt - 1.0) * (1.0 - y + 0.75 * y * y) / E0;
    /* raw: [(E0-E)/E0]^{bt} t/(E0-E) (4/3 - 4y/3 + y^2)/Gamma(1+bt)  [Tsai RMP 1974 eq. 4.7] */
    if (!normalised) return (4.0 * t / 3.0) * shape / gsl_sf_gamma(1.0 + bt);
    return shape / tsai_q(bt);
}

typedef struct thin_par {
    double b, lam;
} thin_par;

static double thin_integrand(double t, void *vp)
{
    const thin_par *p = vp;
    if (t <= 0.0) return 0.0;
    return exp(-p->b * t * p->lam) / tsai_q(p->b * t);
}

static void thin_table_free(dy_tl_thin_table *t)
{
    if (!t) return;
    gsl_interp_free(t->iJ);
    free(t->v);
    free(t->J);
    free(t);
}

static dy_status thin_table_build(double b, double L, dy_tl_thin_table **out, dy_error *err)
{
    dy_tl_thin_table *t = calloc(1, sizeof *t);
    if (!t) return dy_error_set(err, DY_ERR_NOMEM, "thin-target table: out of memory");
    t->b = b;
    t->L = L;
    t->n = 241;
    /* the asymptotic form beyond lam_max (thin_J) needs lambda >> 1/(bL): for targets thinner than
     * ~0.05 X0 the table must reach 40/(bL) (PADME's 8e-4 X0: 3.7e4), else the path of the
     * positrons and electrons that have hardly radiated is lost (57 % of it at 8e-4 X0) */
    t->lam_max = fmax(500.0, 40.0 / (b * L));
    t->v = malloc((size_t)t->n * sizeof(double));
    t->J = malloc((size_t)t->n * sizeof(double));
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(500);
    dy_status st = DY_OK;
    if (!t->v || !t->J || !w)
        st = dy_error_set(err, DY_ERR_NOMEM, "thin-target table: out of memory");
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (int j = 0; j < t->n && st == DY_OK; ++j) {
        t->v[j] = log1p(t->lam_max) * j / (t->n - 1);
        thin_par p = {b, expm1(t->v[j])};
        gsl_function F = {thin_integrand, &p};
        double r, e;
        int s = gsl_integration_qags(&F, 0.0, L, 0.0, 1e-12, 500, w, &r, &e);
        if (s != GSL_SUCCESS && e > 1e-9 * fabs(r))
            st = dy_error_set(err, DY_ERR_NUMERIC, "thin-target table: quadrature failed (%s)",
                              gsl_strerror(s));
        t->J[j] = r;
    }
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(w);
    if (st == DY_OK) {
        t->iJ = gsl_interp_alloc(gsl_interp_cspline, (size_t)t->n);
        if (!t->iJ || gsl_interp_init(t->iJ, t->v, t->J, (size_t)t->n))
            st = dy_error_set(err, DY_ERR_NUMERIC, "thin-target table: interpolation failed");
    }
    if (st != DY_OK) {
        thin_table_free(t);
        return st;
    }
    *out = t;
    return DY_OK;
}

static double thin_J(const dy_tl_thin_table *t, double lam)
{
    if (lam >= t->lam_max) {
        /* lambda >> 1/(bL): 1/Q(t) = bt(1 + 0.625 bt + ...) gives J = (1 + 1.25/lambda)/(b
         * lambda^2)
         * + O(lambda^-4); scaled to the last table point */
        const double r = t->lam_max / lam;
        return t->J[t->n - 1] * r * r * (1.0 + 1.25 / lam) / (1.0 + 1.25 / t->lam_max);
    }
    return gsl_interp_eval(t->iJ, t->v, t->J, log1p(lam), NULL);
}

/* ================================ construction ============================================= */

void dy_shower_opts_default(dy_shower_opts *o)
{
    o->b = -1.0;
    o->approx_b = 0;
    o->Ec = 0.0;
    o->x_min = 1e-8;
    o->c_shower = 1.25;
    o->c_primary = 0.5;
}

static dy_status check_common(dy_tracklength *t, const dy_material *mat, double E0, dy_error *err)
{
    if (!t) return dy_error_set(err, DY_ERR_INVALID, "track length: NULL object");
    memset(t, 0, sizeof *t);
    if (!mat || !(mat->X0_cm > 0.0))
        return dy_error_set(err, DY_ERR_INVALID, "track length: material without X0");
    if (!(E0 > 0.0 && isfinite(E0)))
        return dy_error_set(err, DY_ERR_INVALID, "track length: beam energy %g GeV must be > 0",
                            E0);
    t->E0 = E0;
    t->X0_cm = mat->X0_cm;
    return DY_OK;
}

dy_status dy_tracklength_init_shower(dy_tracklength *t, const dy_material *mat, double E0,
                                     double thickness_cm, dy_particle beam, dy_particle species,
                                     const dy_shower_opts *opts, dy_error *err)
{
    dy_status st = check_common(t, mat, E0, err);
    if (st != DY_OK) return st;
    dy_shower_opts o;
    if (opts)
        o = *opts;
    else
        dy_shower_opts_default(&o);
    if (beam != DY_PARTICLE_ELECTRON && beam != DY_PARTICLE_POSITRON && beam != DY_PARTICLE_PHOTON)
        return dy_error_set(err, DY_ERR_INVALID, "shower track length: beam '%s' not e-, e+, gamma",
                            dy_particle_name(beam));
    if (species != DY_PARTICLE_ELECTRON && species != DY_PARTICLE_POSITRON &&
        species != DY_PARTICLE_PHOTON && species != DY_PARTICLE_CHARGED &&
        species != DY_PARTICLE_PRIMARY)
        return dy_error_set(err, DY_ERR_INVALID, "shower track length: species '%s' not tracked",
                            dy_particle_name(species));
    const double b = o.b >= 0.0 ? o.b : mat->b_rossi;
    if (!(b >= 0.0 && b < 0.1) || !(o.x_min > 0.0 && o.x_min < 1e-2) || !(o.c_shower > 1.0) ||
        !(o.c_primary > 0.0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "shower track length: bad options (b=%g, x_min=%g, contours %g, %g)", b,
                            o.x_min, o.c_shower, o.c_primary);
    const int infinite = !(thickness_cm > 0.0) || isinf(thickness_cm);
    t->model = DY_TL_SHOWER;
    t->beam = beam;
    t->species = species;
    t->L_cm = infinite ? INFINITY : thickness_cm;
    t->L_X0 = infinite ? INFINITY : thickness_cm / mat->X0_cm;
    t->approx_b = o.approx_b;
    t->Ec = o.Ec > 0.0 ? o.Ec : mat->Ec;
    const int pb = beam == DY_PARTICLE_PHOTON;
    st = shower_table_get(b, t->L_X0, pb, o.c_shower, o.c_primary, o.x_min, &t->shower, err);
    if (st != DY_OK) return st;
    if (pb) {
        if (species == DY_PARTICLE_ELECTRON || species == DY_PARTICLE_POSITRON)
            t->c_chg = 0.5;
        else if (species == DY_PARTICLE_CHARGED)
            t->c_chg = 1.0;
        else if (species == DY_PARTICLE_PHOTON)
            t->c_gam = 1.0;
        if (species == DY_PARTICLE_PHOTON || species == DY_PARTICLE_PRIMARY)
            t->delta_T_cm = t->shower->delta * t->X0_cm;
    } else {
        const dy_particle same_sign = beam; /* primary + secondaries of the beam's charge */
        if (species == DY_PARTICLE_PRIMARY) {
            t->c_prim = 1.0;
        } else if (species == same_sign) {
            t->c_prim = 1.0;
            t->c_sec = 1.0;
        } else if (species == DY_PARTICLE_CHARGED) {
            t->c_prim = 1.0;
            t->c_sec = 2.0;
        } else if (species == DY_PARTICLE_PHOTON) {
            t->c_gam = 1.0;
        } else {
            t->c_sec = 1.0; /* opposite charge: secondaries only */
        }
    }
    snprintf(t->label, sizeof t->label,
             "Rossi approx. A%s, %s in %s from %g GeV %s, L = %g X0, b = %.4f",
             t->approx_b ? "+B" : "", dy_particle_name(species), mat->name, E0,
             dy_particle_name(beam), t->L_X0, b);
    return DY_OK;
}

dy_status dy_tracklength_init_thin(dy_tracklength *t, const dy_material *mat, double E0,
                                   double thickness_cm, dy_particle beam, dy_particle species,
                                   dy_error *err)
{
    dy_status st = check_common(t, mat, E0, err);
    if (st != DY_OK) return st;
    if (!(thickness_cm > 0.0 && isfinite(thickness_cm)))
        return dy_error_set(err, DY_ERR_INVALID, "thin target: thickness %g cm must be > 0",
                            thickness_cm);
    if (beam != DY_PARTICLE_ELECTRON && beam != DY_PARTICLE_POSITRON)
        return dy_error_set(err, DY_ERR_INVALID, "thin target: beam '%s' must be e- or e+",
                            dy_particle_name(beam));
    if (species != beam && species != DY_PARTICLE_PRIMARY && species != DY_PARTICLE_PHOTON)
        return dy_error_set(err, DY_ERR_INVALID,
                            "thin target: species '%s' not modelled (primary %s or gamma; use the "
                            "shower model with a finite thickness for secondaries)",
                            dy_particle_name(species), dy_particle_name(beam));
    t->model = DY_TL_THIN;
    t->beam = beam;
    t->species = species == DY_PARTICLE_PHOTON ? DY_PARTICLE_PHOTON : DY_PARTICLE_PRIMARY;
    t->L_cm = thickness_cm;
    t->L_X0 = thickness_cm / mat->X0_cm;
    if (t->L_X0 > 1.0)
        return dy_error_set(err, DY_ERR_INVALID,
                            "thin target: %g X0 is not thin (use the shower model above ~0.3 X0)",
                            t->L_X0);
    if (t->species == DY_PARTICLE_PRIMARY) {
        st = thin_table_build(mat->b_tsai, t->L_X0, &t->thin, err);
        if (st != DY_OK) return st;
    }
    snprintf(t->label, sizeof t->label, "thin target (Tsai), %s in %s from %g GeV %s, L = %g X0",
             dy_particle_name(t->species), mat->name, E0, dy_particle_name(beam), t->L_X0);
    return DY_OK;
}

dy_status dy_tracklength_init_muon(dy_tracklength *t, const dy_material *mat, double E0,
                                   double thickness_cm, double dEdx_GeV_cm, dy_error *err)
{
    dy_status st = check_common(t, mat, E0, err);
    if (st != DY_OK) return st;
    if (!(thickness_cm > 0.0 && isfinite(thickness_cm)))
        return dy_error_set(err, DY_ERR_INVALID, "muon: thickness %g cm must be finite and > 0",
                            thickness_cm);
    /* default <dE/dx> = rho (a + b E0), a = minimum ionisation, b = a/E_mu,c (docs §4) */
    const double dedx =
        dEdx_GeV_cm >= 0.0 ? dEdx_GeV_cm : mat->density * mat->dedx_min * (1.0 + E0 / mat->Emu_c);
    const double loss = dedx * thickness_cm;
    if (!(loss < E0 - 0.1056583755))
        return dy_error_set(err, DY_ERR_INVALID,
                            "muon: mean loss %g GeV over %g cm exceeds the kinetic energy; "
                            "first-order model invalid",
                            loss, thickness_cm);
    t->model = DY_TL_MUON;
    t->beam = DY_PARTICLE_MUON;
    t->species = DY_PARTICLE_MUON;
    t->L_cm = thickness_cm;
    t->L_X0 = thickness_cm / mat->X0_cm;
    t->dEdx = dedx;
    t->E_low = loss > 0.0 ? E0 - loss : E0 * (1.0 - 1e-9);
    snprintf(t->label, sizeof t->label, "muon, %g cm of %s at %g GeV, dE/dx = %g GeV/cm",
             thickness_cm, mat->name, E0, dedx);
    return DY_OK;
}

dy_status dy_tracklength_muon_mean(const dy_tracklength *t, double *E_mean, double *L_cm)
{
    if (!t || t->model != DY_TL_MUON) return DY_ERR_INVALID;
    if (E_mean) *E_mean = 0.5 * (t->E0 + t->E_low);
    if (L_cm) *L_cm = t->L_cm;
    return DY_OK;
}

/* ================================ CSV ====================================================== */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        ++s;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int parse_num(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

dy_status dy_tracklength_read_csv(dy_tracklength *t, FILE *f, const char *name, dy_particle species,
                                  double E0, dy_error *err)
{
    if (!t || !f) return dy_error_set(err, DY_ERR_INVALID, "track-length CSV: NULL argument");
    memset(t, 0, sizeof *t);
    const char *nm = name ? name : "<stream>";
    char line[4096];
    int lineno = 0, cap = 0, n = 0, seen_data = 0, file_species = -1;
    double *lo = NULL, *hi = NULL, *val = NULL;
    dy_status st = DY_OK;
    while (st == DY_OK && fgets(line, sizeof line, f)) {
        ++lineno;
        if (!strchr(line, '\n') && !feof(f)) {
            st = dy_error_set(err, DY_ERR_INVALID, "%s:%d: line too long", nm, lineno);
            break;
        }
        char *s = trim(line);
        if (*s == '\0' || *s == '#') continue;
        char *fld[5];
        int nf = 0;
        for (char *p = s; nf < 5;) {
            fld[nf++] = p;
            char *c = strchr(p, ',');
            if (!c) break;
            *c = '\0';
            p = c + 1;
        }
        for (int i = 0; i < nf; ++i)
            fld[i] = trim(fld[i]);
        double v[3];
        if (!seen_data && nf >= 1 && !parse_num(fld[0], &v[0]) &&
            (isalpha((unsigned char)fld[0][0]) || fld[0][0] == '"')) {
            seen_data = 1; /* header line */
            continue;
        }
        seen_data = 1;
        if (nf < 3 || nf > 4) {
            st = dy_error_set(err, DY_ERR_INVALID,
                              "%s:%d: expected 3 or 4 fields (E_lo_GeV,E_hi_GeV,T_cm_per_GeV"
                              "[,particle]), found %d",
                              nm, lineno, nf);
            break;
        }
        for (int i = 0; i < 3 && st == DY_OK; ++i)
            if (!parse_num(fld[i], &v[i]))
                st = dy_error_set(err, DY_ERR_INVALID, "%s:%d: field %d ('%s') is not a number", nm,
                                  lineno, i + 1, fld[i]);
        if (st != DY_OK) break;
        if (nf == 4) {
            const int p = dy_particle_from_name(fld[3]);
            if (p < 0 || p == DY_PARTICLE_ANY || p == DY_PARTICLE_PRIMARY) {
                st = dy_error_set(err, DY_ERR_INVALID, "%s:%d: unknown particle '%s'", nm, lineno,
                                  fld[3]);
                break;
            }
            if (species != DY_PARTICLE_ANY && p != (int)species) continue;
            if (file_species >= 0 && p != file_species) {
                st = dy_error_set(err, DY_ERR_INVALID,
                                  "%s:%d: several particle species in the file ('%s' after '%s'); "
                                  "select one",
                                  nm, lineno, fld[3], dy_particle_name((dy_particle)file_species));
                break;
            }
            file_species = p;
        }
        if (!(v[0] >= 0.0 && v[1] > v[0])) {
            st = dy_error_set(err, DY_ERR_INVALID, "%s:%d: bin [%g, %g] GeV: need 0 <= E_lo < E_hi",
                              nm, lineno, v[0], v[1]);
            break;
        }
        if (n > 0 && v[0] < hi[n - 1] * (1.0 - 1e-12)) {
            st = dy_error_set(err, DY_ERR_INVALID,
                              "%s:%d: bins not increasing: E_lo = %g GeV below previous E_hi = %g",
                              nm, lineno, v[0], hi[n - 1]);
            break;
        }
        if (!(v[2] >= 0.0)) {
            st = dy_error_set(err, DY_ERR_INVALID, "%s:%d: negative track length %g cm/GeV", nm,
                              lineno, v[2]);
            break;
        }
        /* nothing in the target is above the primary energy: such a spectrum was made for
         * another beam (empty bins beyond it are allowed) */
        if (E0 > 0.0 && v[2] > 0.0 && v[1] > E0 * (1.0 + 1e-9)) {
            st = dy_error_set(err, DY_ERR_INVALID,
                              "%s:%d: bin [%g, %g] GeV has track length %g cm/GeV above the beam "
                              "energy %g GeV (a spectrum for another beam energy?)",
                              nm, lineno, v[0], v[1], v[2], E0);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            double *a = realloc(lo, (size_t)cap * sizeof *a);
            if (a) lo = a;
            double *b = realloc(hi, (size_t)cap * sizeof *b);
            if (b) hi = b;
            double *c = realloc(val, (size_t)cap * sizeof *c);
            if (c) val = c;
            if (!a || !b || !c) {
                st = dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", nm);
                break;
            }
        }
        lo[n] = v[0];
        hi[n] = v[1];
        val[n] = v[2];
        ++n;
    }
    if (st == DY_OK && ferror(f)) st = dy_error_set(err, DY_ERR_IO, "%s: read error", nm);
    if (st == DY_OK && n == 0)
        st = dy_error_set(err, DY_ERR_INVALID, "%s: no bins%s%s", nm,
                          species != DY_PARTICLE_ANY ? " for particle " : "",
                          species != DY_PARTICLE_ANY ? dy_particle_name(species) : "");
    if (st != DY_OK) {
        free(lo);
        free(hi);
        free(val);
        return st;
    }
    t->model = DY_TL_TABLE;
    t->species = file_species >= 0 ? (dy_particle)file_species : species;
    t->beam = DY_PARTICLE_ANY;
    t->nbins = n;
    t->e_lo = lo;
    t->e_hi = hi;
    t->t_bin = val;
    t->E0 = E0 > 0.0 ? E0 : hi[n - 1];
    t->L_cm = NAN;
    t->L_X0 = NAN;
    t->X0_cm = NAN;
    snprintf(t->label, sizeof t->label, "table %s (%d bins, %s)", nm, n,
             dy_particle_name(t->species));
    return DY_OK;
}

dy_status dy_tracklength_init_csv(dy_tracklength *t, const char *path, dy_particle species,
                                  double E0, dy_error *err)
{
    if (!path) return dy_error_set(err, DY_ERR_INVALID, "track-length CSV: NULL path");
    FILE *f = dy_open_input(path, "track-length CSV", err); /* regular files only: never hangs */
    if (!f) return err ? err->status : DY_ERR_IO;
    dy_status st = dy_tracklength_read_csv(t, f, path, species, E0, err);
    fclose(f);
    return st;
}

dy_status dy_tracklength_write_csv(const dy_tracklength *t, const char *path, double Emin,
                                   double Emax, int n, int log_bins, dy_error *err)
{
    if (!t || !path || n < 1 || !(Emax > Emin) || !(Emin >= 0.0) || (log_bins && !(Emin > 0.0)))
        return dy_error_set(err, DY_ERR_INVALID, "write CSV: bad arguments");
    dy_atomic_file out; /* unique temporary, renamed when complete; "-" = stdout */
    if (dy_atomic_open(&out, path, err) != DY_OK) return err ? err->status : DY_ERR_IO;
    FILE *f = out.f;
    fprintf(f, "# darkyield track length: %s\n", t->label);
    fprintf(f, "# dT/dE averaged over the bin, cm/GeV per incident particle\n");
    fprintf(f, "E_lo_GeV,E_hi_GeV,T_cm_per_GeV,particle\n");
    dy_status st = DY_OK;
    for (int i = 0; i < n && st == DY_OK; ++i) {
        double a, b;
        if (log_bins) {
            a = Emin * pow(Emax / Emin, (double)i / n);
            b = Emin * pow(Emax / Emin, (double)(i + 1) / n);
        } else {
            a = Emin + (Emax - Emin) * i / n;
            b = Emin + (Emax - Emin) * (i + 1) / n;
        }
        if (i == n - 1) b = Emax;
        const double v = dy_tracklength_integral(t, a, b) / (b - a);
        if (!isfinite(v))
            st = dy_error_set(err, DY_ERR_NUMERIC, "%s: integral failed in bin [%g, %g]", path, a,
                              b);
        else
            fprintf(f, "%.17g,%.17g,%.17g,%s\n", a, b, v, dy_particle_name(t->species));
    }
    const dy_status cs = dy_atomic_close(&out, st == DY_OK, err); /* nothing left on failure */
    return st != DY_OK ? st : cs;
}

/* ================================ evaluation =============================================== */

/* dL/dlambda (cm) of the shower model at u = ln(E0/E), y = 1 - E/E0 = 1 - e^{-u} and
 * lambda = -ln y (u underflows to 0 for lambda > ~745; then u = y). */
static double shower_eval_u(const dy_tracklength *t, double u, double y, double lam)
{
    const dy_tl_shower_table *s = t->shower;
    const double x = exp(-u);
    double yg = 0.0, S, G; /* yg = y x f_prim, S = x^2 f_sec (or f_chg), G = x^2 f_gamma */
    if (u < TL_U_MIN) {
        /* y g_prim = u g_G(u) (y/u) + g_rem y with y/u -> 1 (u underflows to 0 beyond lambda ~745)
         */
        if (t->c_prim != 0.0) {
            const double lnu = u > 0.0 ? log(u) : -lam;
            const double y_over_u = u > 0.0 ? y / u : 1.0;
            yg = gamma_part_small(&s->m, s->gl, lnu) * y_over_u + s->rem0 * y;
        }
        S = s->S[0];
        G = s->G[0];
    } else if (u > s->u_max) {
        yg = y * s->P[s->n - 1] / s->u_max;
        S = s->S[s->n - 1];
        G = s->G[s->n - 1];
    } else {
        const double w = log(u) + u;
        if (t->c_prim != 0.0) yg = y * gsl_interp_eval(s->iP, s->w, s->P, w, NULL) / u;
        S = gsl_interp_eval(s->iS, s->w, s->S, w, NULL);
        G = gsl_interp_eval(s->iG, s->w, s->G, w, NULL);
    }
    double fy; /* f(x) y */
    if (s->photon_beam)
        fy = (t->c_chg * S + t->c_gam * G) * y / (x * x);
    else
        fy = t->c_prim * yg / x + (t->c_sec * S + t->c_gam * G) * y / (x * x);
    if (t->approx_b && t->species != DY_PARTICLE_PHOTON)
        fy *= dy_rossi_approx_b_factor(x * t->E0 / (s->K_e * t->Ec));
    /* T dE = X0 f(x) dx with dx = y dlambda */
    return t->X0_cm * fy;
}

/* dL/dlambda, lambda = -ln(1 - E/E0), for the thin model (smooth in lambda). */
static double thin_eval_lambda(const dy_tracklength *t, double lam)
{
    const double y = exp(-lam), x = -expm1(-lam);
    if (t->species == DY_PARTICLE_PHOTON) {
        /* photons radiated by the undegraded primary: dN/dk per X0 = (4/3 - 4z/3 + z^2)/k,
         * z = k/E0, each travelling (L - t): T_gamma = X0 (L^2/2)(4/3 - 4z/3 + z^2)/k */
        const double z = x;
        return t->X0_cm * 0.5 * t->L_X0 * t->L_X0 * (4.0 / 3.0 - 4.0 * z / 3.0 + z * z) / z * y;
    }
    /* T = X0 int_0^L I~(E0,E,t) dt = X0 (1 - y + 3y^2/4)/(E0 y) J(lambda); dE = E0 y dlambda */
    return t->X0_cm * (1.0 - y + 0.75 * y * y) * thin_J(t->thin, lam);
}

double dy_tracklength_eval_lambda(const dy_tracklength *t, double lam)
{
    if (!(lam > 0.0)) return 0.0;
    switch (t->model) {
    case DY_TL_SHOWER: {
        const double y = exp(-lam);
        const double u = -log1p(-y);
        return shower_eval_u(t, u, y, lam);
    }
    case DY_TL_THIN: return thin_eval_lambda(t, lam);
    default: {
        const double E = -t->E0 * expm1(-lam);
        return dy_tracklength_eval(t, E) * t->E0 * exp(-lam);
    }
    }
}

double dy_tracklength_eval(const dy_tracklength *t, double E)
{
    if (!t || !(E > 0.0)) return 0.0;
    switch (t->model) {
    case DY_TL_SHOWER:
    case DY_TL_THIN: {
        if (!(E < t->E0)) return 0.0;
        const double y = (t->E0 - E) / t->E0;
        const double lam = -log(y);
        if (t->model == DY_TL_THIN) return thin_eval_lambda(t, lam) / (t->E0 * y);
        return shower_eval_u(t, -log(E / t->E0), y, lam) / (t->E0 * y);
    }
    case DY_TL_MUON: return (E >= t->E_low && E <= t->E0) ? t->L_cm / (t->E0 - t->E_low) : 0.0;
    case DY_TL_TABLE: {
        if (E < t->e_lo[0] || E >= t->e_hi[t->nbins - 1]) return 0.0;
        int a = 0, b = t->nbins - 1;
        while (a < b) { /* last bin with e_lo <= E */
            const int m = (a + b + 1) / 2;
            if (t->e_lo[m] <= E)
                a = m;
            else
                b = m - 1;
        }
        return E < t->e_hi[a] ? t->t_bin[a] : 0.0;
    }
    default: return 0.0;
    }
}

typedef struct int_par {
    const dy_tracklength *t;
} int_par;

static double int_lnE(double lnE, void *vp)
{
    const int_par *p = vp;
    const double E = exp(lnE);
    return dy_tracklength_eval(p->t, E) * E;
}

static double int_lambda(double lam, void *vp)
{
    const int_par *p = vp;
    return dy_tracklength_eval_lambda(p->t, lam);
}

double dy_tracklength_integral(const dy_tracklength *t, double E1, double E2)
{
    if (!t || !(E2 > E1)) return 0.0;
    if (t->model == DY_TL_MUON) {
        const double a = fmax(E1, t->E_low), b = fmin(E2, t->E0);
        return b > a ? (b - a) * t->L_cm / (t->E0 - t->E_low) : 0.0;
    }
    if (t->model == DY_TL_TABLE) {
        double sum = 0.0;
        for (int i = 0; i < t->nbins; ++i) {
            const double a = fmax(E1, t->e_lo[i]), b = fmin(E2, t->e_hi[i]);
            if (b > a) sum += (b - a) * t->t_bin[i];
        }
        return sum;
    }
    if (t->model != DY_TL_SHOWER && t->model != DY_TL_THIN) return NAN;
    const double E0 = t->E0;
    E1 = fmax(E1, 0.0);
    E2 = fmin(E2, E0);
    if (!(E2 > E1)) return 0.0;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    if (!w) return NAN;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int_par p = {t};
    double total = 0.0;
    int bad = 0;
    const double Emid = 0.5 * E0;
    if (E1 < Emid) { /* low part in ln E */
        const double b = fmin(E2, Emid);
        const double a = E1 > 0.0 ? E1 : fmin(b, E0) * 1e-12;
        gsl_function F = {int_lnE, &p};
        double r, e;
        int s = gsl_integration_qags(&F, log(a), log(b), 0.0, 1e-9, 1000, w, &r, &e);
        if (s != GSL_SUCCESS && e > 1e-6 * fabs(r)) bad = 1;
        total += r;
    }
    if (E2 > Emid) { /* high part in lambda = -ln(1 - E/E0), to infinity if E2 = E0 */
        const double la = -log1p(-fmax(E1, Emid) / E0);
        gsl_function F = {int_lambda, &p};
        double r, e;
        int s;
        if (E2 >= E0) {
            s = gsl_integration_qagiu(&F, la, 0.0, 1e-9, 1000, w, &r, &e);
            total += t->delta_T_cm; /* photon beam: the uncollided photons, exactly at E0 */
        } else
            s = gsl_integration_qags(&F, la, -log1p(-E2 / E0), 0.0, 1e-9, 1000, w, &r, &e);
        if (s != GSL_SUCCESS && e > 1e-6 * fabs(r)) bad = 1;
        total += r;
    }
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(w);
    return bad ? NAN : total;
}

void dy_tracklength_free(dy_tracklength *t)
{
    if (!t) return;
    thin_table_free(t->thin);
    free(t->e_lo);
    free(t->e_hi);
    free(t->t_bin);
    memset(t, 0, sizeof *t);
}
