/* limits.c — Poisson upper limits (CLs, classical, Feldman–Cousins), expected limits from the
 * background-only distribution, and the coupling limits that follow from a yield spectrum
 * (docs/limits.md §1–3).  Decays: log-space probabilities of kernels/physics/dy_decay.h. */
#include "physics/limits.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "physics/dy_decay.h"
#include "physics/idm.h"
#include "physics/rratio.h"

/* ------------------------------------------------------------------------ Poisson helpers */

/* ln P(n | lambda); lambda = 0 gives 0 for n = 0 and -inf otherwise. */
static double log_pois(int n, double lambda)
{
    if (lambda <= 0.0) return n == 0 ? 0.0 : -HUGE_VAL;
    return n * log(lambda) - lambda - lgamma(n + 1.0);
}

/* P(N <= n | lambda) = Q(n+1, lambda) (regularised upper incomplete gamma). */
static double pois_cdf(int n, double lambda)
{
    if (lambda <= 0.0) return 1.0;
    return gsl_sf_gamma_inc_Q(n + 1.0, lambda);
}

static dy_status check_args(int n, double b, double cl, dy_error *err)
{
    if (n < 0 || n > 100000)
        return dy_error_set(err, DY_ERR_INVALID, "observed events must be in 0..100000, got %d", n);
    if (!(b >= 0.0) || !isfinite(b) || b > 1e5)
        return dy_error_set(err, DY_ERR_INVALID, "background must be in [0, 1e5], got %g", b);
    if (!(cl > 0.0 && cl < 1.0))
        return dy_error_set(err, DY_ERR_INVALID, "confidence level must be in (0, 1), got %g", cl);
    return DY_OK;
}

/* CLs: P(N<=n|s+b) = (1-cl) P(N<=n|b); the left side falls monotonically with s. */
static double upper_cls(int n, double b, double cl)
{
    const double target = (1.0 - cl) * pois_cdf(n, b);
    double lo = 0.0, hi = n + 10.0 + 10.0 * sqrt(n + 1.0);
    while (pois_cdf(n, hi + b) > target)
        hi *= 2.0;
    for (int it = 0; it < 200 && hi - lo > 1e-13 * hi; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (pois_cdf(n, mid + b) > target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ------------------------------------------------------------------------ Feldman–Cousins */

/* Is n0 inside the acceptance interval of the FC construction at signal mu?  FC add n in
 * decreasing order of R = P(n|mu+b)/P(n|mu_best+b), mu_best = max(0, n-b), until the summed
 * probability reaches cl (FC 1998 §IV.B).  So n0 is accepted iff the probability of all n ranked
 * before it is < cl (ties: smaller n first); no sort is needed.  Beyond lambda ± (12 sqrt(lambda)
 * + 15) the probabilities are negligible. */
static int fc_accepts(int n0, double mu, double b, double cl)
{
    const double lam = mu + b;
    const int nlo = (int)fmax(0.0, floor(lam - 12.0 * sqrt(lam) - 15.0));
    const int nhi = (int)ceil(lam + 12.0 * sqrt(lam) + 15.0);
    const double r0 = log_pois(n0, lam) - log_pois(n0, fmax(0.0, n0 - b) + b);
    double before = 0.0;
    for (int n = nlo; n <= nhi; ++n) {
        if (n == n0) continue;
        const double lp = log_pois(n, lam);
        const double r = lp - log_pois(n, fmax(0.0, n - b) + b);
        if (r > r0 || (r == r0 && n < n0)) before += exp(lp);
    }
    return before < cl;
}

/* Largest mu accepting n (plain construction): scan down from above the central-interval
 * limit at (1+cl)/2 (the FC upper end lies below it) in steps h, then bisect to 1e-9. */
static double fc_upper_raw(int n, double b, double cl)
{
    const double scale = n + b + 1.0;
    const double h = 0.01 * fmax(1.0, sqrt(scale) / 3.0);
    const double mu0 = fmax(0.0, n - b); /* n has R = 1 there: always accepted */
    const double central = 0.5 * gsl_cdf_chisq_Pinv(0.5 * (1.0 + cl), 2.0 * (n + 1)) - b;
    double mu = fmax(mu0, central) + 1.0 + 0.5 * sqrt(scale);
    while (mu > mu0 && !fc_accepts(n, mu, b, cl))
        mu -= h;
    if (mu <= mu0) mu = mu0;
    double a = mu, c = mu + h; /* accepted at a, rejected at c */
    for (int it = 0; it < 60 && c - a > 1e-9; ++it) {
        const double mid = 0.5 * (a + c);
        if (fc_accepts(n, mid, b, cl))
            a = mid;
        else
            c = mid;
    }
    return a;
}

dy_status dy_limit_fc_interval(int n, double b, double cl, double *lo, double *hi, dy_error *err)
{
    dy_status st = check_args(n, b, cl, err);
    if (st != DY_OK) return st;
    *hi = fc_upper_raw(n, b, cl);
    const double h = 0.01 * fmax(1.0, sqrt(n + b + 1.0) / 3.0);
    const double mu0 = fmax(0.0, n - b);
    if (fc_accepts(n, 0.0, b, cl)) {
        *lo = 0.0;
        return DY_OK;
    }
    double first = mu0; /* smallest accepted grid point below mu0 */
    for (double mu = mu0 - h; mu > 0.0; mu -= h) {
        if (!fc_accepts(n, mu, b, cl)) break;
        first = mu;
    }
    double r = fmax(0.0, first - h), acc = first; /* rejected at r, accepted at acc */
    for (int it = 0; it < 60 && acc - r > 1e-9; ++it) {
        const double mid = 0.5 * (r + acc);
        if (fc_accepts(n, mid, b, cl))
            acc = mid;
        else
            r = mid;
    }
    *lo = acc;
    return DY_OK;
}

/* FC's tables (FC 1998 §IV.B) make the upper limit non-increasing in b: the plain construction
 * jumps up at some b (for n = 0 near b = 3.46, from 0.76 to 1.07), so mu2(n, b) is the supremum
 * of the plain mu2(n, b') over b' >= b.  The plain mu2 falls between the jumps, so the sup is
 * reached at the left edge of a window of larger mu2 (some are only ~0.003 wide in b, hence the
 * 0.002 step), located by bisection in b'.  The jumps shrink as b grows, so
 * b' <= b + 3 + sqrt(n + b) suffices. */
dy_status dy_limit_fc_upper(int n, double b, double cl, double *s_up, dy_error *err)
{
    dy_status st = check_args(n, b, cl, err);
    if (st != DY_OK) return st;
    double best = fc_upper_raw(n, b, cl), prev = best;
    const double db = 0.002, width = 3.0 + sqrt(n + b);
    for (double bp = b + db; bp <= b + width; bp += db) {
        const double cur = fc_upper_raw(n, bp, cl);
        if (cur > prev + 1e-6) { /* a jump in (bp - db, bp]: its right-hand value */
            double a = bp - db, c = bp, vc = cur;
            for (int it = 0; it < 30; ++it) {
                const double mid = 0.5 * (a + c), v = fc_upper_raw(n, mid, cl);
                if (v > prev + 0.5 * (vc - prev)) {
                    c = mid;
                    vc = v;
                } else {
                    a = mid;
                }
            }
            if (vc > best) best = vc;
        }
        if (cur > best) best = cur;
        prev = cur;
    }
    *s_up = best;
    return DY_OK;
}

dy_status dy_limit_upper(int n, double b, double cl, dy_limit_method m, double *s_up, dy_error *err)
{
    dy_status st = check_args(n, b, cl, err);
    if (st != DY_OK) return st;
    switch (m) {
    case DY_LIMIT_POISSON: *s_up = upper_cls(n, b, cl); return DY_OK;
    case DY_LIMIT_CLASSICAL:
        /* sum_{k<=n} P(k|s+b) = 1-cl  <=>  s + b = chi2^-1(cl; 2(n+1))/2 (PDG Statistics) */
        *s_up = fmax(0.0, 0.5 * gsl_cdf_chisq_Pinv(cl, 2.0 * (n + 1)) - b);
        return DY_OK;
    case DY_LIMIT_FC: return dy_limit_fc_upper(n, b, cl, s_up, err);
    }
    return dy_error_set(err, DY_ERR_INVALID, "unknown limit method %d", (int)m);
}

static int pois_quantile(double b, double q)
{
    int n = 0;
    while (pois_cdf(n, b) < q && n < 1000000)
        ++n;
    return n;
}

dy_status dy_limit_expected_upper(double b, double cl, dy_limit_method m, dy_limit_expected *out,
                                  dy_error *err)
{
    dy_status st = check_args(0, b, cl, err);
    if (st != DY_OK) return st;
    const double q[5] = {0.5, 0.158655253931457, 0.841344746068543, 0.0227501319481792,
                         0.977249868051821};
    int *ns[5] = {&out->n_median, &out->n_m1, &out->n_p1, &out->n_m2, &out->n_p2};
    double *vs[5] = {&out->median, &out->m1, &out->p1, &out->m2, &out->p2};
    for (int i = 0; i < 5; ++i) {
        *ns[i] = pois_quantile(b, q[i]);
        int j = 0; /* reuse an earlier limit for the same n (FC is the slow one) */
        while (j < i && *ns[j] != *ns[i])
            ++j;
        if (j < i)
            *vs[i] = *vs[j];
        else if ((st = dy_limit_upper(*ns[i], b, cl, m, vs[i], err)) != DY_OK)
            return st;
    }
    return DY_OK;
}

/* ------------------------------------------------------------------ couplings from yields */

double dy_limit_coupling_invisible(double s_up, double n_pot, double yield, double c0)
{
    if (!(yield > 0.0) || !(n_pot > 0.0)) return HUGE_VAL;
    return c0 * sqrt(s_up / (n_pot * yield));
}

void dy_signal_width_unit(dy_decay_kind d, double m, double *gamma1, double *br)
{
    if (d == DY_DECAY_AP_EE) {
        /* visible A': Gamma_ee + Gamma_mumu + Gamma_hadrons (R ratio, physics/rratio.h),
         * BR(ee) = Gamma_ee/total */
        const dy_ap_visible w = dy_ap_visible_widths(m, 1.0);
        *gamma1 = w.total;
        *br = w.br_ee;
    } else if (d == DY_DECAY_ALP_GG) {
        *gamma1 = dy_width_alp_gg(m, 1.0);
        *br = 1.0;
    } else {
        *gamma1 = 0.0;
        *br = 1.0;
    }
}

/* 4-point Gauss–Legendre on [-1, 1]. */
static const double k_gl_x[4] = {-0.861136311594052575, -0.339981043584856265, 0.339981043584856265,
                                 0.861136311594052575};
static const double k_gl_w[4] = {0.347854845137453857, 0.652145154862546143, 0.652145154862546143,
                                 0.347854845137453857};

/* ln(e^x + e^y) */
static double log_add(double x, double y)
{
    if (x == -HUGE_VAL) return y;
    if (y == -HUGE_VAL) return x;
    return fmax(x, y) + log1p(exp(-fabs(x - y)));
}

double dy_signal_log_events(const dy_signal_spec *s, double log_g)
{
    if (!(s->n_pot > 0.0) || !(s->c0 > 0.0)) return -HUGE_VAL;
    const double base = log(s->n_pot) + 2.0 * (log_g - log(s->c0));
    for (int i = 0; i < s->n_bins && i < DY_SIGNAL_MAX_BINS; ++i)
        if (!(s->w[i] >= 0.0) || !isfinite(s->w[i])) return NAN; /* never "no signal" */
    if (s->decay == DY_DECAY_NONE) {
        double y = 0.0;
        for (int i = 0; i < s->n_bins; ++i)
            y += s->w[i];
        return y > 0.0 ? base + log(y) : -HUGE_VAL;
    }
    double g1, br;
    const int idm = s->decay == DY_DECAY_IDM;
    if (idm) {
        /* chi2 decays (g1 = 0: below the e+e- threshold, stable); BR(A' -> chi1 chi2) at g */
        g1 = s->idm_gamma_chi2;
        br = s->idm_gamma_dm > 0.0
                 ? 1.0 / (1.0 + exp(2.0 * log_g) * s->idm_gamma_vis / s->idm_gamma_dm)
                 : 0.0;
        if (isnan(g1) || isnan(br)) return NAN; /* never "no signal" */
        if (!(g1 >= 0.0) || !(br > 0.0)) return -HUGE_VAL;
    } else {
        dy_signal_width_unit(s->decay, s->mass_GeV, &g1, &br);
        if (!(g1 > 0.0) || !(br > 0.0)) return -HUGE_VAL;
    }
    const double m = s->mass_GeV;
    /* iDM: ln(c tau of chi2) = ln(hbar c/Gamma(1)) - 2 ln g (+inf when stable) */
    const double log_ctau = idm ? log(DY_HBARC_GEV_CM) - log(g1) - 2.0 * log_g : 0.0;
    /* terms t_k = ln(w gw/2 BR P_k); log-sum-exp over all nodes, in two passes (max, sum) */
    double tmax = -HUGE_VAL, sum = 0.0, idm_acc = -HUGE_VAL;
    for (int pass = 0; pass < 2; ++pass)
        for (int i = 0; i < s->n_bins && i < DY_SIGNAL_MAX_BINS; ++i) {
            if (!(s->w[i] > 0.0) || !(s->e_hi[i] > s->e_lo[i])) continue;
            const double c = 0.5 * (s->e_lo[i] + s->e_hi[i]), hw = 0.5 * (s->e_hi[i] - s->e_lo[i]);
            const double d = s->depth_cm[i] > 0.0 ? s->depth_cm[i] : 0.0;
            const double z1 = fmax(s->z1_cm - d, 0.0), z2 = s->z2_cm - d;
            if (s->region == DY_REGION_BETWEEN && !(z2 > z1)) continue; /* behind the volume */
            for (int j = 0; j < 4; ++j) {
                const double e = c + hw * k_gl_x[j];
                if (!(e > m)) continue;
                if (idm) { /* one pass: the box average is the costly part */
                    if (pass == 1) continue;
                    const double lpi = dy_idm_log_prob_box(m, s->idm_m1, s->idm_m2, e, log_ctau,
                                                           s->region == DY_REGION_BEYOND, z1, z2);
                    idm_acc = log_add(idm_acc, log(s->w[i] * 0.5 * k_gl_w[j] * br) + lpi);
                    continue;
                }
                const double p = sqrt((e - m) * (e + m));
                /* ln l = ln(p/m hbar c / Gamma(1)) - 2 ln g: Gamma scales as g^2 */
                const double log_l = log(p / m * DY_HBARC_GEV_CM / g1) - 2.0 * log_g;
                double lp;
                if (s->region == DY_REGION_BEYOND) {
                    lp = -z1 * exp(-log_l); /* ln P = -z1/l, -inf if l -> 0 */
                } else if (log_l > 600.0) {
                    /* l >> z2: P = (z2 - z1)/l to relative O(z/l) (l would overflow near 700) */
                    lp = log(z2 - z1) - log_l;
                } else {
                    lp = dy_decay_log_prob_in(z1, z2, exp(log_l));
                }
                const double tk = log(s->w[i] * 0.5 * k_gl_w[j] * br) + lp;
                if (pass == 0) {
                    if (tk > tmax) tmax = tk;
                } else if (tmax > -HUGE_VAL) {
                    sum += exp(tk - tmax);
                }
            }
        }
    if (idm) return idm_acc > -HUGE_VAL ? base + idm_acc : -HUGE_VAL;
    if (!(tmax > -HUGE_VAL)) return -HUGE_VAL;
    return base + tmax + log(sum);
}

dy_status dy_limit_coupling_band(const dy_signal_spec *s, double s_up, double g_min, double g_max,
                                 int per_decade, double *lower, double *upper, int *flags,
                                 dy_error *err)
{
    *lower = *upper = NAN;
    *flags = 0;
    if (!(g_min > 0.0) || !(g_max > g_min) || per_decade < 1 || per_decade > 1000)
        return dy_error_set(err, DY_ERR_INVALID,
                            "coupling scan needs 0 < g_min < g_max and 1..1000 points per decade "
                            "(got %g, %g, %d)",
                            g_min, g_max, per_decade);
    if (!(s_up > 0.0)) return dy_error_set(err, DY_ERR_INVALID, "event limit must be > 0");
    if (s->n_bins > DY_SIGNAL_MAX_BINS)
        return dy_error_set(err, DY_ERR_INVALID, "too many energy bins (%d > %d)", s->n_bins,
                            DY_SIGNAL_MAX_BINS);
    const double x0 = log(g_min), x1 = log(g_max), ls = log(s_up);
    /* decades from the logs: g_max/g_min can overflow (1e300/1e-300) */
    const double npd = ceil((log10(g_max) - log10(g_min)) * per_decade) + 1.0;
    if (!(npd >= 2.0 && npd <= 1e6) || !isfinite(x0) || !isfinite(x1))
        return dy_error_set(err, DY_ERR_INVALID,
                            "coupling scan %g .. %g with %d points per decade: %.3g points "
                            "(need 2 .. 1e6)",
                            g_min, g_max, per_decade, npd);
    const int np = (int)npd;
    int first = -1, last = -1;
    for (int i = 0; i < np; ++i) {
        const double x = (i == np - 1) ? x1 : x0 + (x1 - x0) * i / (np - 1);
        const double f = dy_signal_log_events(s, x) - ls;
        if (isnan(f)) /* never "nothing excluded" from a number that is not one */
            return dy_error_set(err, DY_ERR_NUMERIC,
                                "m = %g GeV: the signal is not a number at coupling %g (bad yields "
                                "or an overflow in the decay probability)",
                                s->mass_GeV, exp(x));
        if (f >= 0.0) {
            if (first < 0) first = i;
            last = i;
        }
    }
    if (first < 0) return DY_OK; /* nothing excluded in the range */
    /* bisection in x = ln g between a grid point below and above each crossing */
    const double dx = (x1 - x0) / (np - 1);
    if (first == 0) {
        *flags |= DY_BAND_OPEN_LOW;
        *lower = g_min;
    } else {
        double a = x0 + dx * (first - 1), c = x0 + dx * first; /* f(a) < 0 <= f(c) */
        for (int it = 0; it < 200 && c - a > 1e-12; ++it) {
            const double mid = 0.5 * (a + c);
            if (dy_signal_log_events(s, mid) - ls >= 0.0)
                c = mid;
            else
                a = mid;
        }
        *lower = exp(0.5 * (a + c));
    }
    if (last == np - 1) {
        *flags |= DY_BAND_OPEN_HIGH;
        *upper = g_max;
    } else {
        double a = x0 + dx * last, c = x0 + dx * (last + 1); /* f(a) >= 0 > f(c) */
        for (int it = 0; it < 200 && c - a > 1e-12; ++it) {
            const double mid = 0.5 * (a + c);
            if (dy_signal_log_events(s, mid) - ls >= 0.0)
                a = mid;
            else
                c = mid;
        }
        *upper = exp(0.5 * (a + c));
    }
    return DY_OK;
}
