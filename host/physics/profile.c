/* profile.c — profile-likelihood CLs for several counting bins with log-normal nuisances
 * (asymptotic and toys) and the Cousins–Highland hybrid; docs/limits.md §1.2–1.4.
 * Sources: CCGV = G. Cowan, K. Cranmer, E. Gross, O. Vitells, EPJC 71 (2011) 1554,
 * arXiv:1007.1727; A. L. Read, J. Phys. G 28 (2002) 2693 (CLs); R. D. Cousins, V. L. Highland,
 * NIM A320 (1992) 331; pyhf (L. Heinrich, M. Feickert, G. Stark, JOSS 6 (2021) 2823) for the
 * HistFactory conventions matched here. */
#include "physics/profile.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dy_rng.h"

#define MAXP (4 + 3 * DY_PL_MAX_BINS) /* mu, th_y, th_s, th_bs, and th_e, th_p, th_b per bin */

/* Parameter layout: x[0] = mu, then one nuisance per non-zero sigma. */
typedef struct layout {
    int np;      /* parameters including mu */
    int jy;      /* shared yield nuisance (-1: none) */
    int js, jbs; /* shared signal and background nuisances (-1: none) */
    int je[DY_PL_MAX_BINS], jp[DY_PL_MAX_BINS], jb[DY_PL_MAX_BINS];
    double ay, ae[DY_PL_MAX_BINS], ap[DY_PL_MAX_BINS], ab[DY_PL_MAX_BINS]; /* ln(1+sigma) */
} layout;

/* Data: counts (real numbers for Asimov data) and the global observables of the constraints. */
typedef struct pdata {
    double n[DY_PL_MAX_BINS];
    double g[MAXP];
} pdata;

static void make_layout(const dy_pl_model *m, layout *L)
{
    int k = 1;
    L->jy = -1;
    L->ay = 0.0;
    for (int d = 0; d < m->n_bins; ++d)
        if (m->bin[d].sy > 0.0) {
            L->jy = k++;
            break;
        }
    L->js = L->jbs = -1;
    for (int d = 0; d < m->n_bins; ++d)
        if (m->bin[d].ss > 0.0) {
            L->js = k++;
            break;
        }
    for (int d = 0; d < m->n_bins; ++d)
        if (m->bin[d].sbs > 0.0 && m->bin[d].b > 0.0) {
            L->jbs = k++;
            break;
        }
    for (int d = 0; d < m->n_bins; ++d) {
        const dy_pl_bin *b = &m->bin[d];
        L->je[d] = b->se > 0.0 ? k++ : -1;
        L->jp[d] = b->sp > 0.0 ? k++ : -1;
        L->jb[d] = b->sb > 0.0 && b->b > 0.0 ? k++ : -1;
        L->ae[d] = log1p(b->se);
        L->ap[d] = log1p(b->sp);
        L->ab[d] = log1p(b->sb);
    }
    L->np = k;
}

/* -ln L up to constants; optionally the gradient and Hessian (row-major np x np). */
static double nll(const dy_pl_model *m, const layout *L, const pdata *D, const double *x,
                  double *grad, double *hess)
{
    const int np = L->np;
    double f = 0.0;
    if (grad) memset(grad, 0, sizeof(double) * np);
    if (hess) memset(hess, 0, sizeof(double) * np * np);
    for (int j = 1; j < np; ++j) { /* unit Gaussian constraints around the global observables */
        const double r = x[j] - D->g[j];
        f += 0.5 * r * r;
        if (grad) grad[j] += r;
        if (hess) hess[j * np + j] += 1.0;
    }
    for (int d = 0; d < m->n_bins; ++d) {
        const dy_pl_bin *b = &m->bin[d];
        /* signal and background factors and their parameters (index, coefficient) */
        int idx[4], ni = 0, bidx[2], nb = 0;
        double a[4], ba[2], A = 0.0, AB = 0.0;
        const int js[4] = {L->jy >= 0 && b->sy > 0.0 ? L->jy : -1,
                           L->js >= 0 && b->ss > 0.0 ? L->js : -1, L->je[d], L->jp[d]};
        const double as[4] = {log1p(b->sy), log1p(b->ss), L->ae[d], L->ap[d]};
        for (int t = 0; t < 4; ++t)
            if (js[t] >= 0) {
                idx[ni] = js[t];
                a[ni] = as[t];
                A += as[t] * x[js[t]];
                ++ni;
            }
        const int jbk[2] = {L->jb[d], L->jbs >= 0 && b->sbs > 0.0 && b->b > 0.0 ? L->jbs : -1};
        const double abk[2] = {L->ab[d], log1p(b->sbs)};
        for (int t = 0; t < 2; ++t)
            if (jbk[t] >= 0) {
                bidx[nb] = jbk[t];
                ba[nb] = abk[t];
                AB += abk[t] * x[jbk[t]];
                ++nb;
            }
        const double S1 = b->s * exp(A), S = x[0] * S1;
        const double B = nb ? b->b * exp(AB) : b->b;
        const double lam = S + B, n = D->n[d];
        if (n > 0.0) {
            if (!(lam > 0.0)) return HUGE_VAL;
            f += lam - n * log(lam);
        } else {
            f += lam;
        }
        if (!grad && !hess) continue;
        /* d lambda / d x for the parameters touching this bin */
        int pi[7], npi = 0;
        double dl[7];
        pi[npi] = 0;
        dl[npi++] = S1;
        for (int t = 0; t < ni; ++t) {
            pi[npi] = idx[t];
            dl[npi++] = a[t] * S;
        }
        for (int t = 0; t < nb; ++t) {
            pi[npi] = bidx[t];
            dl[npi++] = ba[t] * B;
        }
        const double w = n > 0.0 ? 1.0 - n / lam : 1.0, v = n > 0.0 ? n / (lam * lam) : 0.0;
        if (grad)
            for (int p = 0; p < npi; ++p)
                grad[pi[p]] += w * dl[p];
        if (!hess) continue;
        for (int p = 0; p < npi; ++p)
            for (int q = 0; q < npi; ++q)
                hess[pi[p] * np + pi[q]] += v * dl[p] * dl[q];
        /* second derivatives of lambda */
        for (int t = 0; t < ni; ++t) {
            hess[0 * np + idx[t]] += w * a[t] * S1;
            hess[idx[t] * np + 0] += w * a[t] * S1;
            for (int u = 0; u < ni; ++u)
                hess[idx[t] * np + idx[u]] += w * a[t] * a[u] * S;
        }
        for (int t = 0; t < nb; ++t)
            for (int u = 0; u < nb; ++u)
                hess[bidx[t] * np + bidx[u]] += w * ba[t] * ba[u] * B;
    }
    return f;
}

/* Minimise over the nuisances (and mu >= 0 unless mu_fixed) by damped Newton
 * (Levenberg–Marquardt); x holds the start and the result.  Returns the minimum. */
static double minimise(const dy_pl_model *m, const layout *L, const pdata *D, double *x,
                       int mu_fixed)
{
    const int np = L->np;
    double g[MAXP], H[MAXP * MAXP], A[MAXP * MAXP], dx[MAXP], xt[MAXP];
    int fr[MAXP];
    double f = nll(m, L, D, x, g, H), lambda = 1e-6;
    for (int it = 0; it < 500; ++it) {
        /* free parameters: mu is held at its bound when the gradient pushes it below 0 */
        int nf = 0;
        for (int j = 0; j < np; ++j)
            if (j > 0 || (!mu_fixed && !(x[0] <= 0.0 && g[0] > 0.0))) fr[nf++] = j;
        double gmax = 0.0;
        for (int i = 0; i < nf; ++i)
            gmax = fmax(gmax, fabs(g[fr[i]]));
        if (gmax < 1e-11) break;
        int accepted = 0;
        while (!accepted && lambda < 1e12) {
            for (int i = 0; i < nf; ++i) {
                for (int k = 0; k < nf; ++k)
                    A[i * nf + k] = H[fr[i] * np + fr[k]];
                A[i * nf + i] += lambda * (1.0 + fabs(H[fr[i] * np + fr[i]]));
                dx[i] = -g[fr[i]];
            }
            gsl_matrix_view Am = gsl_matrix_view_array(A, nf, nf);
            gsl_vector_view bv = gsl_vector_view_array(dx, nf);
            gsl_error_handler_t *old = gsl_set_error_handler_off();
            const int bad = gsl_linalg_cholesky_decomp1(&Am.matrix) ||
                            gsl_linalg_cholesky_svx(&Am.matrix, &bv.vector);
            gsl_set_error_handler(old);
            if (bad) {
                lambda = fmax(lambda * 10.0, 1e-6);
                continue;
            }
            memcpy(xt, x, sizeof(double) * np);
            for (int i = 0; i < nf; ++i)
                xt[fr[i]] += dx[i];
            if (xt[0] < 0.0) xt[0] = 0.0;
            const double ft = nll(m, L, D, xt, NULL, NULL);
            if (ft <= f) {
                const double drop = f - ft;
                memcpy(x, xt, sizeof(double) * np);
                f = nll(m, L, D, x, g, H);
                lambda = fmax(lambda * 0.1, 1e-12);
                accepted = 1;
                if (drop < 1e-15 * (1.0 + fabs(f)) && gmax < 1e-7) it = 1 << 20;
            } else {
                lambda *= 10.0;
            }
        }
        if (!accepted) break;
    }
    return f;
}

static void nominal_data(const dy_pl_model *m, pdata *D)
{
    memset(D, 0, sizeof *D);
    for (int d = 0; d < m->n_bins; ++d)
        D->n[d] = m->bin[d].n;
}

/* expected counts at parameters x */
static void expected(const dy_pl_model *m, const layout *L, const double *x, double *lam)
{
    for (int d = 0; d < m->n_bins; ++d) {
        const dy_pl_bin *b = &m->bin[d];
        double A = 0.0;
        if (L->jy >= 0 && b->sy > 0.0) A += log1p(b->sy) * x[L->jy];
        if (L->je[d] >= 0) A += L->ae[d] * x[L->je[d]];
        if (L->jp[d] >= 0) A += L->ap[d] * x[L->jp[d]];
        if (L->js >= 0 && b->ss > 0.0) A += log1p(b->ss) * x[L->js];
        double AB = 0.0;
        if (L->jb[d] >= 0) AB += L->ab[d] * x[L->jb[d]];
        if (L->jbs >= 0 && b->sbs > 0.0) AB += log1p(b->sbs) * x[L->jbs];
        lam[d] = x[0] * b->s * exp(A) + b->b * exp(AB);
    }
}

static double sum_signal(const dy_pl_model *m)
{
    double s = 0.0;
    for (int d = 0; d < m->n_bins; ++d)
        s += m->bin[d].s;
    return s;
}

/* Free fit (mu >= 0) of data D: minimum in *f, parameters in x. */
static void free_fit(const dy_pl_model *m, const layout *L, const pdata *D, double *x, double *f)
{
    double nt = 0.0, bt = 0.0;
    for (int d = 0; d < m->n_bins; ++d) {
        nt += D->n[d];
        bt += m->bin[d].b;
    }
    for (int j = 1; j < L->np; ++j)
        x[j] = D->g[j];
    x[0] = fmax(0.0, (nt - bt) / sum_signal(m));
    *f = minimise(m, L, D, x, 0);
}

/* q~_mu (CCGV eq. 16) of data D, given its free fit (f_free, mu_hat); x: start/result of the
 * conditional fit. */
static double qtilde(const dy_pl_model *m, const layout *L, const pdata *D, double mu,
                     double f_free, double mu_hat, double *x)
{
    if (mu_hat > mu) return 0.0;
    x[0] = mu;
    const double fc = minimise(m, L, D, x, 1);
    return fmax(0.0, 2.0 * (fc - f_free));
}

double dy_pl_fit_nll(const dy_pl_model *m, double mu, int mu_fixed, double *mu_hat)
{
    layout L;
    pdata D;
    double x[MAXP] = {0}, f;
    make_layout(m, &L);
    nominal_data(m, &D);
    if (mu_fixed) {
        x[0] = mu;
        f = minimise(m, &L, &D, x, 1);
    } else {
        free_fit(m, &L, &D, x, &f);
    }
    if (mu_hat) *mu_hat = x[0];
    return f;
}

dy_status dy_pl_check(const dy_pl_model *m, dy_error *err)
{
    if (m->n_bins < 1 || m->n_bins > DY_PL_MAX_BINS)
        return dy_error_set(err, DY_ERR_INVALID, "need 1 .. %d data sets, got %d", DY_PL_MAX_BINS,
                            m->n_bins);
    double st = 0.0;
    for (int d = 0; d < m->n_bins; ++d) {
        const dy_pl_bin *b = &m->bin[d];
        if (!(b->s >= 0.0) || !isfinite(b->s) || !(b->b >= 0.0) || !isfinite(b->b) || b->n < 0 ||
            b->n > 100000)
            return dy_error_set(err, DY_ERR_INVALID,
                                "data set %d: need signal >= 0, background >= 0 and observed in "
                                "0 .. 100000 (got %g, %g, %d)",
                                d + 1, b->s, b->b, b->n);
        const double sg[6] = {b->sb, b->se, b->sp, b->sy, b->ss, b->sbs};
        for (int k = 0; k < 6; ++k)
            if (!(sg[k] >= 0.0 && sg[k] < 10.0))
                return dy_error_set(err, DY_ERR_INVALID,
                                    "data set %d: relative uncertainties must be in [0, 10), got "
                                    "%g",
                                    d + 1, sg[k]);
        st += b->s;
    }
    if (!(st > 0.0)) return dy_error_set(err, DY_ERR_INVALID, "no signal in any data set");
    return DY_OK;
}

/* ------------------------------------------------------------------ asymptotic CLs */

typedef struct ctx {
    const dy_pl_model *m;
    layout L;
    pdata D, A;                /* observed and Asimov (background-only, profiled) data */
    double f_free, mu_hat;     /* free fit to the observed data */
    double fA0;                /* -ln L of the Asimov data at its own parameters */
    double x0[MAXP];           /* conditional fit at mu = 0 (the Asimov parameters) */
    double xc[MAXP], xa[MAXP]; /* warm starts of the conditional fits */
    /* toys */
    const dy_pl_options *opt;
    double *qb, *qsb;
} ctx;

static void ctx_init(ctx *c, const dy_pl_model *m)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    make_layout(m, &c->L);
    nominal_data(m, &c->D);
    double x[MAXP] = {0};
    free_fit(m, &c->L, &c->D, x, &c->f_free);
    c->mu_hat = x[0];
    memset(c->x0, 0, sizeof c->x0);
    minimise(m, &c->L, &c->D, c->x0, 1);
    /* Asimov data of mu = 0 with the nuisances and global observables at their conditional
     * fit to the data (CCGV §5; pyhf generate_asimov_data) */
    double lam[DY_PL_MAX_BINS];
    expected(m, &c->L, c->x0, lam);
    memset(&c->A, 0, sizeof c->A);
    for (int d = 0; d < m->n_bins; ++d)
        c->A.n[d] = lam[d];
    for (int j = 1; j < c->L.np; ++j)
        c->A.g[j] = c->x0[j];
    c->fA0 = nll(m, &c->L, &c->A, c->x0, NULL, NULL);
    memcpy(c->xc, c->x0, sizeof c->xc);
    memcpy(c->xa, c->x0, sizeof c->xa);
}

static double q_asimov(ctx *c, double mu)
{
    c->xa[0] = mu;
    const double f = minimise(c->m, &c->L, &c->A, c->xa, 1);
    return fmax(0.0, 2.0 * (f - c->fA0));
}

/* CLs from q~ and q~_A (CCGV eqs. 65-66 in pyhf's shifted variable) */
static double cls_from_q(double q, double qa)
{
    const double sq = sqrt(q), sqa = sqrt(qa);
    if (!(sqa > 1e-300)) return 1.0;
    const double t = sq <= sqa ? sq - sqa : (q - qa) / (2.0 * sqa);
    const double psb = gsl_cdf_ugaussian_P(-(t + sqa)), pb = gsl_cdf_ugaussian_P(-t);
    return pb > 0.0 ? psb / pb : 1.0;
}

static double cls_exp_from_qa(double qa, double N)
{
    const double sqa = sqrt(qa);
    if (!(sqa > 1e-300)) return 1.0;
    return gsl_cdf_ugaussian_P(-(N + sqa)) / gsl_cdf_ugaussian_P(-N);
}

static const double k_band[5] = {2.0, 1.0, 0.0, -1.0, -2.0}; /* pyhf order */

/* ------------------------------------------------------------------ toys */

/* Toys use common random numbers in the strict sense: variate j of toy i of hypothesis hyp (0: b,
 * 1: s+b) is one counter-based uniform u(seed, hyp, i, j), turned into a count by the Poisson
 * inverse CDF and into a global observable by the Gaussian one.  A toy's count then moves
 * monotonically with mu and no toy shifts the stream of the next, so CLs(mu) from one seed is a
 * monotone step function of mu and its crossing of alpha is well defined.  (Drawing with
 * gsl_ran_poisson, whose use of the stream depends on the count, re-randomised every toy after
 * the first that changed with mu: a noisy CLs(mu), a biased crossing and a random slope.) */
static double toy_uniform(uint64_t seed, int hyp, int i, int j)
{
    double u[4];
    dy_rng_uniforms(seed, 0x746f7973u + (uint64_t)hyp, (dy_u32)(j >> 2), (dy_u32)i, 4, u);
    return u[j & 3];
}

/* smallest n with P(N <= n | lam) >= u */
static double pois_inv(double u, double lam)
{
    if (!(lam > 0.0)) return 0.0;
    if (lam < 30.0) { /* sum the terms; u <= 1 - 2^-33 ends it well before n = 200 */
        double p = exp(-lam), c = p;
        int n = 0;
        while (c < u && n < 1000) {
            p *= lam / ++n;
            c += p;
        }
        return n;
    }
    double n = fmax(0.0, floor(lam + sqrt(lam) * gsl_cdf_ugaussian_Pinv(u)));
    while (n > 0.0 && gsl_cdf_poisson_P((unsigned)n - 1, lam) >= u)
        n -= 1.0;
    while (gsl_cdf_poisson_P((unsigned)n, lam) < u)
        n += 1.0;
    return n;
}

/* q~_mu of pseudo-experiment i of hypothesis hyp, drawn at parameters xgen (counts Poisson,
 * global observables Gaussian around the generating nuisances: the "profile construction" of
 * RooStats/pyhf). */
static double toy_q(ctx *c, int hyp, int i, const double *xgen, double mu)
{
    const dy_pl_model *m = c->m;
    const uint64_t seed = c->opt->seed ? c->opt->seed : 1;
    pdata T;
    double lam[DY_PL_MAX_BINS], x[MAXP], f;
    memset(&T, 0, sizeof T);
    expected(m, &c->L, xgen, lam);
    for (int d = 0; d < m->n_bins; ++d)
        T.n[d] = pois_inv(toy_uniform(seed, hyp, i, d), lam[d]);
    for (int j = 1; j < c->L.np; ++j)
        T.g[j] = xgen[j] + gsl_cdf_ugaussian_Pinv(toy_uniform(seed, hyp, i, m->n_bins + j - 1));
    free_fit(m, &c->L, &T, x, &f);
    const double mh = x[0];
    memcpy(x, xgen, sizeof x);
    return qtilde(m, &c->L, &T, mu, f, mh, x);
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* fraction of sorted v[0..n) with v >= q (ties within a relative 1e-9 count: discrete data) */
static double frac_ge(const double *v, int n, double q)
{
    const double thr = q - 1e-9 * (1.0 + q);
    int lo = 0, hi = n;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (v[mid] >= thr)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (double)(n - lo) / n;
}

/* Toy distributions of q~_mu under mu (qsb) and 0 (qb), sorted. */
static void toys_at(ctx *c, double mu)
{
    const int N = c->opt->n_toys;
    double xs[MAXP];
    memcpy(xs, c->xc, sizeof xs);
    xs[0] = mu;
    minimise(c->m, &c->L, &c->D, xs, 1);
    memcpy(c->xc, xs, sizeof xs);
    for (int i = 0; i < N; ++i) {
        c->qsb[i] = toy_q(c, 1, i, xs, mu);
        c->qb[i] = toy_q(c, 0, i, c->x0, mu);
    }
    qsort(c->qsb, (size_t)N, sizeof(double), cmp_d);
    qsort(c->qb, (size_t)N, sizeof(double), cmp_d);
}

/* ------------------------------------------------------------------ Cousins–Highland */

void dy_pl_hybrid_sigmas(const dy_pl_model *m, double *sig_rel, double *bkg_abs)
{
    double st = 0.0, v = 0.0, vy = 0.0, vs = 0.0, vb = 0.0, vbs = 0.0;
    for (int d = 0; d < m->n_bins; ++d) {
        const dy_pl_bin *b = &m->bin[d];
        st += b->s;
        v += b->s * b->s * (b->se * b->se + b->sp * b->sp);
        vy += b->s * b->sy; /* fully correlated: linear sums */
        vs += b->s * b->ss;
        vb += b->b * b->sb * b->b * b->sb;
        vbs += b->b * b->sbs;
    }
    *sig_rel = st > 0.0 ? sqrt(v + vy * vy + vs * vs) / st : 0.0;
    *bkg_abs = sqrt(vb + vbs * vbs);
}

/* Gauss–Legendre nodes on [-1, 1] (GSL fixed tables are not needed for 48 points) */
#define NGL 48
static double gl_x[NGL], gl_w[NGL];
static int gl_ready;
static void gl_init(void)
{
    if (gl_ready) return;
    for (int i = 0; i < NGL; ++i) { /* Newton on P_n from the Chebyshev guess */
        double x = cos(M_PI * (i + 0.75) / (NGL + 0.5)), dp = 1.0;
        for (int it = 0; it < 100; ++it) {
            double p0 = 1.0, p1 = x;
            for (int k = 2; k <= NGL; ++k) {
                const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            dp = NGL * (x * p1 - p0) / (x * x - 1.0);
            const double dx = p1 / dp;
            x -= dx;
            if (fabs(dx) < 1e-16) break;
        }
        gl_x[i] = x;
        gl_w[i] = 2.0 / ((1.0 - x * x) * dp * dp);
    }
    gl_ready = 1;
}

/* Nodes and weights of a Gaussian N(c, s) truncated to [0, inf), normalised: 8 sigma wide. */
static int trunc_gauss_nodes(double c, double s, double *x, double *w)
{
    if (!(s > 0.0)) {
        x[0] = c;
        w[0] = 1.0;
        return 1;
    }
    const double lo = fmax(0.0, c - 8.0 * s), hi = c + 8.0 * s;
    double sum = 0.0;
    for (int i = 0; i < NGL; ++i) {
        x[i] = 0.5 * (lo + hi) + 0.5 * (hi - lo) * gl_x[i];
        const double z = (x[i] - c) / s;
        w[i] = 0.5 * (hi - lo) * gl_w[i] * exp(-0.5 * z * z);
        sum += w[i];
    }
    for (int i = 0; i < NGL; ++i)
        w[i] /= sum;
    return NGL;
}

/* P(N <= n | mu s eps + beta) averaged over the priors of eps and beta (Cousins–Highland eq. 5
 * generalised to an uncertain background, as in J. Conrad et al., PRD 67 (2003) 012002). */
static double hybrid_cdf(int n, double st, double mu, const double *ex, const double *ew, int ne,
                         const double *bx, const double *bw, int nb)
{
    double p = 0.0;
    for (int i = 0; i < ne; ++i)
        for (int k = 0; k < nb; ++k) {
            const double lam = mu * st * ex[i] + bx[k];
            p += ew[i] * bw[k] * (lam > 0.0 ? gsl_sf_gamma_inc_Q(n + 1.0, lam) : 1.0);
        }
    return p;
}

typedef struct hyb {
    int n;
    double st, ex[NGL], ew[NGL], bx[NGL], bw[NGL], den;
    int ne, nb;
} hyb;

static void hyb_init(hyb *h, const dy_pl_model *m, int n)
{
    double sr, sb, bt = 0.0;
    gl_init();
    dy_pl_hybrid_sigmas(m, &sr, &sb);
    for (int d = 0; d < m->n_bins; ++d)
        bt += m->bin[d].b;
    h->n = n;
    h->st = sum_signal(m);
    h->ne = trunc_gauss_nodes(1.0, sr, h->ex, h->ew);
    h->nb = trunc_gauss_nodes(bt, sb, h->bx, h->bw);
    h->den = hybrid_cdf(n, h->st, 0.0, h->ex, h->ew, h->ne, h->bx, h->bw, h->nb);
}

static double hyb_cls(const hyb *h, double mu)
{
    return hybrid_cdf(h->n, h->st, mu, h->ex, h->ew, h->ne, h->bx, h->bw, h->nb) / h->den;
}

/* ------------------------------------------------------------------ limits */

/* which curve: -1 observed, 0..4 expected (k_band) */
static double cls_at(ctx *c, double mu, int which)
{
    if (c->opt->method == DY_PL_ASYMPTOTIC) {
        const double qa = q_asimov(c, mu);
        if (which >= 0) return cls_exp_from_qa(qa, k_band[which]);
        double x[MAXP];
        memcpy(x, c->xc, sizeof x);
        const double q = qtilde(c->m, &c->L, &c->D, mu, c->f_free, c->mu_hat, x);
        if (c->mu_hat <= mu) memcpy(c->xc, x, sizeof x);
        return cls_from_q(q, qa);
    }
    /* toys */
    toys_at(c, mu);
    const int N = c->opt->n_toys;
    double q;
    if (which < 0) {
        double x[MAXP];
        memcpy(x, c->xc, sizeof x);
        q = qtilde(c->m, &c->L, &c->D, mu, c->f_free, c->mu_hat, x);
    } else { /* the b-only quantile at Phi(N) (pyhf EmpiricalDistribution.expected_value) */
        const double p = gsl_cdf_ugaussian_P(k_band[which]);
        int i = (int)floor(p * (N - 1) + 0.5);
        q = c->qb[i < 0 ? 0 : i >= N ? N - 1 : i];
    }
    const double pb = frac_ge(c->qb, N, q), psb = frac_ge(c->qsb, N, q);
    return pb > 0.0 ? psb / pb : 1.0;
}

/* mu with CLs(mu) = alpha: bracket by doubling, then bisection in ln mu. */
static double solve(ctx *c, double alpha, int which, double scale)
{
    double lo = 0.0, hi = scale;
    int k = 0;
    while (cls_at(c, hi, which) > alpha && k++ < 60) {
        lo = hi;
        hi *= 2.0;
    }
    if (k >= 60) return HUGE_VAL;
    const double tol = c->opt->method == DY_PL_TOYS ? 1e-4 : 1e-9;
    for (int it = 0; it < 200 && hi - lo > tol * hi; ++it) {
        const double mid = lo > 0.0 ? sqrt(lo * hi) : 0.5 * hi;
        if (cls_at(c, mid, which) > alpha)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double solve_hybrid(const hyb *h, double alpha, double scale)
{
    double lo = 0.0, hi = scale;
    int k = 0;
    while (hyb_cls(h, hi) > alpha && k++ < 60) {
        lo = hi;
        hi *= 2.0;
    }
    if (k >= 60) return HUGE_VAL;
    for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (hyb_cls(h, mid) > alpha)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static int pois_quantile(double b, double q)
{
    int n = 0;
    while (b > 0.0 && gsl_sf_gamma_inc_Q(n + 1.0, b) < q && n < 1000000)
        ++n;
    return n;
}

static dy_status check_opt(const dy_pl_options *o, dy_error *err)
{
    if (!(o->cl > 0.0 && o->cl < 1.0))
        return dy_error_set(err, DY_ERR_INVALID, "confidence level must be in (0, 1), got %g",
                            o->cl);
    if (o->method == DY_PL_TOYS && (o->n_toys < 100 || o->n_toys > 1000000))
        return dy_error_set(err, DY_ERR_INVALID, "toys must be 100 .. 1e6, got %d", o->n_toys);
    if (o->method != DY_PL_ASYMPTOTIC && o->method != DY_PL_TOYS && o->method != DY_PL_HYBRID)
        return dy_error_set(err, DY_ERR_INVALID, "unknown method %d", (int)o->method);
    return DY_OK;
}

dy_status dy_pl_upper(const dy_pl_model *m, const dy_pl_options *opt, dy_pl_limit *out,
                      dy_error *err)
{
    dy_status st = dy_pl_check(m, err);
    if (st != DY_OK || (st = check_opt(opt, err)) != DY_OK) return st;
    memset(out, 0, sizeof *out);
    const double alpha = 1.0 - opt->cl, stot = sum_signal(m);
    double nt = 0.0, bt = 0.0;
    for (int d = 0; d < m->n_bins; ++d) {
        nt += m->bin[d].n;
        bt += m->bin[d].b;
    }
    const double scale = (3.0 + nt + 2.0 * sqrt(bt + 1.0)) / stot;
    double *band[5] = {&out->m2, &out->m1, &out->median, &out->p1, &out->p2}; /* k_band */
    if (opt->method == DY_PL_HYBRID) {
        /* expected: the summed count at the quantiles of Poisson(b) (as §1 for the exact CLs) */
        hyb h;
        hyb_init(&h, m, (int)nt);
        out->obs = solve_hybrid(&h, alpha, scale);
        const double q[5] = {0.0227501319481792, 0.158655253931457, 0.5, 0.841344746068543,
                             0.977249868051821};
        double *dst[5] = {&out->m2, &out->m1, &out->median, &out->p1, &out->p2};
        for (int i = 0; i < 5; ++i) {
            hyb_init(&h, m, pois_quantile(bt, q[i]));
            *dst[i] = solve_hybrid(&h, alpha, scale);
        }
        return DY_OK;
    }
    ctx c;
    ctx_init(&c, m);
    c.opt = opt;
    if (opt->method == DY_PL_TOYS) {
        c.qb = malloc(sizeof(double) * opt->n_toys);
        c.qsb = malloc(sizeof(double) * opt->n_toys);
        if (!c.qb || !c.qsb) {
            free(c.qb);
            free(c.qsb);
            return dy_error_set(err, DY_ERR_NOMEM, "out of memory for %d toys", opt->n_toys);
        }
    }
    out->obs = solve(&c, alpha, -1, scale);
    for (int i = 0; i < 5; ++i)
        *band[i] = solve(&c, alpha, i, scale);
    if (opt->method == DY_PL_TOYS && isfinite(out->obs)) {
        /* The toys' statistical error of the limit: the binomial errors of CL_{s+b} and CL_b
         * (independent samples) at the crossing, r = sigma_CLs/CLs = sqrt((1-p_sb)/(N p_sb) +
         * (1-p_b)/(N p_b)) with p_sb = alpha p_b there, carried to mu through the slope of
         * ln CLs(mu) of the same toys, taken as the secant between CLs = alpha e^(+-w r): a
         * secant spanning several toys averages over the one-toy steps of CLs(mu), where a
         * local finite difference hits a step or none (docs/limits.md §1.2). */
        const int N = opt->n_toys;
        double x[MAXP];
        memcpy(x, c.xc, sizeof x);
        toys_at(&c, out->obs);
        const double q = qtilde(m, &c.L, &c.D, out->obs, c.f_free, c.mu_hat, x);
        const double pb = frac_ge(c.qb, N, q), psb = fmin(1.0, alpha * pb);
        const double rel =
            sqrt((1.0 - psb) / (N * fmax(psb, 1.0 / N)) + (1.0 - pb) / (N * fmax(pb, 1.0 / N)));
        /* w = 2: twice the toys of a +-r secant, so a steadier slope (pull rms 1.1 instead of
         * 1.3 at 200 toys); ln CLs is nearly linear in mu over it; the upper target stays
         * below CLs(0) = 1 */
        const double w = fmin(2.0, log(0.5 / alpha) / fmax(rel, 1e-300));
        const double lo = solve(&c, alpha * exp(w * rel), -1, scale);
        const double hi = solve(&c, alpha * exp(-w * rel), -1, scale);
        out->obs_toy_err = isfinite(hi) ? (hi - lo) / (2.0 * w) : HUGE_VAL;
    }
    free(c.qb);
    free(c.qsb);
    return DY_OK;
}

dy_status dy_pl_cls(const dy_pl_model *m, const dy_pl_options *opt, double mu, double *cls,
                    double ex[5], dy_error *err)
{
    dy_status st = dy_pl_check(m, err);
    if (st != DY_OK || (st = check_opt(opt, err)) != DY_OK) return st;
    if (opt->method == DY_PL_HYBRID) {
        double nt = 0.0;
        for (int d = 0; d < m->n_bins; ++d)
            nt += m->bin[d].n;
        hyb h;
        hyb_init(&h, m, (int)nt);
        *cls = hyb_cls(&h, mu);
        if (ex)
            for (int i = 0; i < 5; ++i)
                ex[i] = NAN;
        return DY_OK;
    }
    ctx c;
    ctx_init(&c, m);
    c.opt = opt;
    if (opt->method == DY_PL_TOYS) {
        c.qb = malloc(sizeof(double) * opt->n_toys);
        c.qsb = malloc(sizeof(double) * opt->n_toys);
        if (!c.qb || !c.qsb) {
            free(c.qb);
            free(c.qsb);
            return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
        }
    }
    *cls = cls_at(&c, mu, -1);
    if (ex)
        for (int i = 0; i < 5; ++i)
            ex[i] = cls_at(&c, mu, i);
    free(c.qb);
    free(c.qsb);
    return DY_OK;
}
