/* vegas.c — batched VEGAS, the host's half: every integral's schedule (warm-up, then iterations
 * sized to its error target), the control table and launch plan of each iteration, and the
 * combination of iterations.  Samples, reductions, maps and histograms live on the device
 * (kernels/dy_sample.h, dy_reduce.h, dy_vegas_map.h); an iteration sends down one control entry
 * per active integral and brings back DY_NTOT totals.  All active integrals advance in lockstep
 * (iteration k uses Philox counter word k); an integral's results depend only on itself (and on
 * the integrals a caller's `targets` hook groups with it), never on the rest of the batch. */
#include <float.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "backend.h"
#include "darkyield/dy_integrate.h"

#define CHUNK_SAMPLES    2048u  /* target samples per reduction chunk (whole strata) */
#define GROUP_SAMPLES    16u    /* unstratified: samples per variance group */
#define ZERO_SAMPLES     65536u /* all-zero samples before a result is declared an explicit zero */
#define MERGE_SAMPLES    32.0   /* samples per pooled refinement bin wanted (refine_merge) */
#define MERGE_TOP        64.0   /* ... and per interval before the map refines all of them */
#define MERGE_MAX        (DY_NBINS / 16u) /* at most this many intervals pooled (16 bins left) */
#define GROWTH           2.0  /* an iteration has at most this many times the samples of the last */
#define Q_CONSISTENT     1e-3 /* iterations less consistent than this (chi^2 Q) are not converged */
#define Q_INFLATE        1e-2 /* ... and below this the error is scaled by sqrt(chi^2/dof) */
#define HIST_MIN_SAMPLES 25   /* a histogram bin of fewer samples gets at least a sample's error */

/* Map intervals pooled per refinement bin, so that each bin sees about MERGE_SAMPLES samples of
 * the iteration (MERGE_TOP before all DY_NBINS intervals refine alone): with fewer, Lepage's
 * refinement chases noise.  A small iteration thus refines a coarse map and a large one the full
 * 192 intervals, which the 6-D Genz product peak at 1e-4 needs (128 intervals: 13 % more
 * evaluations; 256 refined alone from 32 samples each: 35 % more at 1e-3). */
static dy_u32 refine_merge(double n)
{
    dy_u32 g = 1;
    while (g < MERGE_MAX && n * g < (g == 1 ? MERGE_TOP : MERGE_SAMPLES) * DY_NBINS)
        g *= 2;
    return g;
}

void dy_vegas_options_default(dy_vegas_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->rel_precision = 1e-3;
    o->max_eval = 100000000ULL;
    /* 512-sample warm-up iterations and damping alpha = 1 (Lepage's 1.5 in GSL, 0.5 in vegas 6):
     * measured on the 6-D Genz product peak, 1000 integrals at 1e-2 38 % fewer evaluations than
     * 1024 and 1.5, 256 at 1e-3 15 % fewer, 1e-4 and brem at 1e-3 and 1e-4 within +-12 %
     * (benchmarks/RESULTS.md, "Engine defaults") */
    o->n_eval_start = 512;
    o->n_eval_max = 1u << 22;
    o->warmup_min = 1;
    o->warmup_max = 8;
    o->min_iter = 2;
    o->max_iter = 200;
    o->alpha = 1.0;
    o->defensive = 0.1;
    o->stratify = 1;
}

/* FNV-1a over the integral's content (less the slots that only scale it), finished by splitmix64
 * (Steele et al., OOPSLA 2014) so that nearby parameters give unrelated Philox keys. */
uint64_t dy_stream_key(const dy_params *p)
{
    uint64_t h = 1469598103934665603ULL;
#define DY_MIX_(v)                                                                                 \
    do {                                                                                           \
        uint64_t x_ = (v);                                                                         \
        for (int b_ = 0; b_ < 8; ++b_, x_ >>= 8)                                                   \
            h = (h ^ (x_ & 0xffu)) * 1099511628211ULL;                                             \
    } while (0)
    DY_MIX_(p->process);
    DY_MIX_(p->dim);
    for (int i = 0; i < DY_NPAR; ++i) {
        uint64_t u;
        memcpy(&u, &p->par[i], sizeof u);
        DY_MIX_(dy_proc_scale_slot(p->process, i) ? 0 : u);
    }
    for (int i = 0; i < DY_NIPAR; ++i)
        DY_MIX_((uint64_t)(uint32_t)p->ipar[i]);
    DY_MIX_(p->id);
#undef DY_MIX_
    h += 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

enum { PH_WARM = 0, PH_MAIN = 1, PH_DONE = 2 };

typedef struct istate {
    int phase;
    uint32_t n_next;      /* samples of its next iteration */
    uint32_t warm_it;     /* warm-up iterations done */
    double sd1, sd1_prev; /* per-sample standard deviation: latest, previous iteration */
    double warm_samples;  /* samples spent warming up */
    double zero_samples;  /* samples seen while every weight was exactly 0 */
    int seen_nonzero;     /* any weight != 0 so far */
    double lambda;        /* defensive fraction of its next refinements */
    double sw, swv, sw2v; /* main iterations: sum w, sum w I, sum w^2 var (weights w_i) */
    double fswv[DY_MAX_FUNC], fsw2v[DY_MAX_FUNC]; /* ... the same for the functionals */
    double fsd1[DY_MAX_FUNC];  /* per-sample standard deviations of the functionals */
    double *it_val, *it_var;   /* main iterations: estimate and variance, */
    double *it_fval, *it_fvar; /* the functionals' ([f * max_iter + m]), */
    double *it_n, *it_wps;     /* samples and predicted weight per sample */
    int n_weights;             /* 1: weights n_i (an iteration was far worse than predicted) */
    uint32_t last_n;           /* samples of its latest iteration */
    int unstratified;          /* stratification switched off (iterations were inconsistent) */
    double hist_n;             /* samples of the iterations its histograms hold */
} istate;

/* Strata of an iteration of n samples in dim dimensions: ns per axis with ns^dim <= n/2 (at least
 * two samples per stratum, as in vegas) and ns <= DY_NBINS: strata are never finer than the map,
 * which resolves finer structure itself, so a stratum holds enough samples that its variance is
 * seen even where an unresolved discontinuity crosses few strata (1-D); without stratification (or
 * when ns would be 1), groups of GROUP_SAMPLES iid samples whose within-group variance estimates
 * the plain MC variance. */
static void strata(uint32_t n, uint32_t dim, int stratify, dy_ictl *c)
{
    uint64_t ns = 1;
    if (stratify) {
        ns = (uint64_t)floor(pow(n / 2.0, 1.0 / dim));
        for (;;) { /* exact integer root despite pow's rounding */
            uint64_t p = 1, q = 1;
            for (uint32_t d = 0; d < dim; ++d) {
                p *= ns;
                q *= ns + 1;
            }
            if (ns > 1 && 2 * p > n)
                --ns;
            else if (2 * q <= n)
                ++ns;
            else
                break;
        }
        if (ns > DY_NBINS) ns = DY_NBINS;
    }
    if (ns > 1) {
        uint64_t p = 1;
        for (uint32_t d = 0; d < dim; ++d)
            p *= ns;
        c->ns = (dy_u32)ns;
        c->n_strata = (dy_u32)p;
        c->nh = (dy_u32)(n / p);
    } else {
        c->ns = 1;
        c->nh = GROUP_SAMPLES;
        c->n_strata = n / GROUP_SAMPLES > 0 ? n / GROUP_SAMPLES : 1;
    }
    c->spc = CHUNK_SAMPLES / c->nh > 0 ? CHUNK_SAMPLES / c->nh : 1;
    c->n_chunks = (c->n_strata + c->spc - 1) / c->spc;
}

uint64_t dy_plan_chunk_sample(const dy_ictl *ctl, uint32_t n_active, uint64_t c)
{
    const dy_ictl *e = &ctl[n_active - 1];
    if (c >= e->chunk_first + e->n_chunks) return e->sample_first + (uint64_t)e->n_strata * e->nh;
    const dy_ictl *x = ctl + dy_find_active(ctl, n_active, c, 1);
    return x->sample_first + (c - x->chunk_first) * x->spc * x->nh;
}

/* Launches of at most cap samples covering the iteration's chunks in order (a chunk is never
 * split); returns their number.  launch[] has room for every chunk. */
static size_t plan_launches(const dy_ictl *ctl, uint32_t na, uint64_t cap, dy_launch proto,
                            dy_launch *launch)
{
    size_t nl = 0;
    uint64_t used = 0;
    dy_launch *cur = NULL;
    for (uint32_t a = 0; a < na; ++a) {
        const dy_ictl *c = &ctl[a];
        const uint64_t per = (uint64_t)c->spc * c->nh; /* samples of a full chunk */
        uint64_t k = 0;
        while (k < c->n_chunks) {
            if (!cur || used + per > cap) {
                if (cur) cur->chunk_end = c->chunk_first + k;
                cur = &launch[nl++];
                *cur = proto;
                cur->chunk_begin = c->chunk_first + k;
                cur->sample_begin = c->sample_first + k * per;
                used = 0;
            }
            /* as many of this integral's chunks as fit (at least one) */
            uint64_t fit = (cap - used) / per;
            if (fit == 0) fit = 1;
            if (fit > c->n_chunks - k) fit = c->n_chunks - k;
            const uint64_t last = k + fit == c->n_chunks;
            used += last ? (uint64_t)c->n_strata * c->nh - k * per : fit * per;
            k += fit;
        }
    }
    if (cur) cur->chunk_end = ctl[na - 1].chunk_first + ctl[na - 1].n_chunks;
    return nl;
}

/* Iterations after the warm-up combined with predictable weights w_i = n_i / s_{i-1}^2, s_{i-1}
 * the per-sample deviation measured in the iteration before (which trained iteration i's map):
 * I = sum w_i I_i / sum w_i, sigma^2 = sum w_i^2 sigma_i^2 / (sum w_i)^2, chi^2 = sum (I_i - I)^2
 * / sigma_i^2.  Close to inverse-variance weights while the map improves, but fixed before the
 * iteration is drawn: Lepage's 1/sigma_i^2 uses the iteration's own variance, which correlates
 * with its estimate when weights are heavy-tailed and biases the result (measured: -0.4 % per
 * iteration, 5-7 sigma, on genz-discontinuous; docs/engine.md).  When an iteration turns out far
 * worse than predicted (a rare large weight seen for the first time), its predicted weight would
 * be far too large: the integral then falls back to weights n_i for good. */
static void combine(istate *v, uint32_t m, uint32_t m_max, dy_result *r)
{
    double chi2 = 0.0;
    v->sw = v->swv = v->sw2v = 0.0;
    for (int f = 0; f < DY_MAX_FUNC; ++f)
        v->fswv[f] = v->fsw2v[f] = 0.0;
    for (uint32_t i = 0; i < m; ++i) {
        const double w = v->it_n[i] * (v->n_weights ? 1.0 : v->it_wps[i]);
        v->sw += w;
        v->swv += w * v->it_val[i];
        v->sw2v += w * w * v->it_var[i];
        for (int f = 0; f < DY_MAX_FUNC; ++f) {
            v->fswv[f] += w * v->it_fval[f * m_max + i];
            v->fsw2v[f] += w * w * v->it_fvar[f * m_max + i];
        }
    }
    r->value = v->swv / v->sw;
    r->error = sqrt(v->sw2v) / v->sw;
    for (int f = 0; f < DY_MAX_FUNC; ++f) {
        r->func_value[f] = v->fswv[f] / v->sw;
        r->func_error[f] = sqrt(v->fsw2v[f]) / v->sw;
    }
    for (uint32_t i = 0; i < m; ++i) {
        const double dv = v->it_val[i] - r->value;
        chi2 += dv * dv / v->it_var[i];
    }
    r->n_iter = m;
    r->chi2_dof = m > 1 ? chi2 / (m - 1) : 0.0;
    r->q = m > 1 ? gsl_sf_gamma_inc_Q(0.5 * (m - 1), 0.5 * chi2) : 1.0;
}

/* Weight w of the next iteration so that the combination reaches error E: the smallest w with
 * (sum w_i^2 var_i + rho w) / (sum w_i + w)^2 <= E^2, where an iteration of weight w = n / s^2 has
 * variance rho / w... i.e. rho = (per-sample variance of the quantity) / s^2 (1 for the total). */
static double weight_for(double sw, double sw2v, double rho, double E)
{
    const double a = E * E, b = 2.0 * E * E * sw - rho, c = E * E * sw * sw - sw2v;
    const double disc = b * b - 4.0 * a * c;
    if (c >= 0.0 || disc < 0.0) return 0.0; /* already there */
    return (-b + sqrt(disc)) / (2.0 * a);
}

static dy_status check_params(const dy_params *p, size_t n, const dy_histspec *hspec, dy_error *err)
{
    for (size_t i = 0; i < n; ++i) {
        if (p[i].dim < 1 || p[i].dim > DY_MAX_DIM)
            return dy_error_set(err, DY_ERR_INVALID, "integral %zu: dimension %u outside 1..%d", i,
                                p[i].dim, DY_MAX_DIM);
        if (p[i].process >= DY_PROC_COUNT_)
            return dy_error_set(err, DY_ERR_INVALID, "integral %zu: unknown process %u", i,
                                p[i].process);
        for (int o = 0; hspec && o < DY_MAX_OBS; ++o) {
            const dy_histspec *h = &hspec[i * DY_MAX_OBS + o];
            if (h->nbins > DY_MAX_HBINS || (h->nbins && !(h->hi > h->lo)))
                return dy_error_set(err, DY_ERR_INVALID, "integral %zu: bad histogram %d", i, o);
        }
    }
    return DY_OK;
}

/* The batch as the device sees it: stream keys in id, the layout, compact histogram specs. */
static dy_status batch_prepare(const dy_params *params, size_t n, const dy_histspec *hspec,
                               const dy_vegas_options *o, dy_params **dp, dy_histspec **dh,
                               double **fw, dy_layout *lay, dy_error *err)
{
    memset(lay, 0, sizeof *lay);
    *dp = malloc((n ? n : 1) * sizeof **dp);
    *dh = NULL;
    *fw = NULL;
    if (!*dp) return dy_error_set(err, DY_ERR_NOMEM, "vegas: out of memory for %zu integrals", n);
    for (size_t i = 0; i < n; ++i) {
        (*dp)[i] = params[i];
        (*dp)[i].id = dy_stream_key(&params[i]);
        if (params[i].dim > lay->dim) lay->dim = params[i].dim;
        for (uint32_t k = 0; hspec && k < DY_MAX_OBS; ++k)
            if (hspec[i * DY_MAX_OBS + k].nbins) {
                if (k + 1 > lay->n_obs) lay->n_obs = k + 1;
                if (hspec[i * DY_MAX_OBS + k].nbins > lay->hbins)
                    lay->hbins = hspec[i * DY_MAX_OBS + k].nbins;
            }
    }
    if (lay->n_obs) {
        *dh = calloc(n * lay->n_obs, sizeof **dh);
        if (!*dh) return dy_error_set(err, DY_ERR_NOMEM, "vegas: out of memory");
        for (size_t i = 0; i < n; ++i)
            memcpy(*dh + i * lay->n_obs, hspec + i * DY_MAX_OBS, lay->n_obs * sizeof **dh);
    }
    if (o && o->n_func && o->func_w && lay->n_obs) {
        const uint32_t F = o->n_func < DY_MAX_FUNC ? o->n_func : DY_MAX_FUNC;
        lay->n_func = F;
        *fw = calloc(n * F * lay->hbins, sizeof **fw);
        if (!*fw) return dy_error_set(err, DY_ERR_NOMEM, "vegas: out of memory");
        for (size_t i = 0; i < n; ++i)
            for (uint32_t f = 0; f < F; ++f)
                memcpy(*fw + (i * F + f) * lay->hbins,
                       o->func_w + (i * DY_MAX_FUNC + f) * DY_MAX_HBINS, lay->hbins * sizeof **fw);
    }
    return DY_OK;
}

/* One iteration of the active integrals of ctl (sample_first/chunk_first filled here). */
static dy_status run_iteration(dy_engine *e, dy_ictl *ctl, uint32_t na, dy_launch proto,
                               dy_launch **lbuf, size_t *lcap, double *out, double *w_out,
                               dy_error *err)
{
    uint64_t s = 0, c = 0;
    for (uint32_t a = 0; a < na; ++a) {
        ctl[a].sample_first = s;
        ctl[a].chunk_first = c;
        s += (uint64_t)ctl[a].n_strata * ctl[a].nh;
        c += ctl[a].n_chunks;
    }
    if (c > *lcap) {
        free(*lbuf);
        *lbuf = malloc(c * sizeof **lbuf);
        *lcap = *lbuf ? c : 0;
        if (!*lbuf) return dy_error_set(err, DY_ERR_NOMEM, "vegas: out of memory for launches");
    }
    size_t cap = e->type->max_samples(e->state);
    if (cap < 2 * CHUNK_SAMPLES) cap = 2 * CHUNK_SAMPLES;
    proto.n_active = na;
    dy_iter_plan plan = {ctl, na, *lbuf, plan_launches(ctl, na, cap, proto, *lbuf), w_out};
    dy_status st = e->type->iterate(e->state, &plan, out, &e->dev, err);
    ++e->rounds;
    return st;
}

/* One histogram bin from its accumulators a[s * B] over the main iterations i (DY_HRUN,
 * kernels/dy_types.h: weights w_i, estimates c_i, unstratified variances v_i), sw = sum w_i.
 * Its error is the largest of three (docs/engine.md, Histograms):
 *  - internal: sum w_i^2 v_i / sw^2, the iterations' own variances propagated;
 *  - external: m/(m-1) sum w_i^2 (c_i - C)^2 / sw^2, the scatter of the iterations (R. T. Birge,
 *    Phys. Rev. 40 (1932) 207; the PDG's scale factor does the same for the totals).  The weights
 *    are the totals', so an iteration whose map left the bin almost unsampled (c_i = 0 +- 0) can
 *    weigh most: only the scatter sees that;
 *  - one sample: a bin seen by no sample (or a few) has a variance estimate of 0 (or of those
 *    few, whose weights need not represent the bin: in a thinly sampled tail the rare large
 *    weights are missing), however much it holds.  A bin of fewer than HIST_MIN_SAMPLES samples
 *    is known only to within about one sample of the mean weight: 1.841 |I| / N, N the
 *    histogrammed samples, 1.841 the 1-sigma upper limit on a Poisson mean for 0 events
 *    (N. Gehrels, ApJ 303 (1986) 336, Table 1).
 * The error quoted is then the upper one of a count of k = C^2/var effective samples, (sqrt(k +
 * 3/4) + 1) |C| / k (Gehrels eq. 9 at 1 sigma) instead of |C| / sqrt(k): a thin bin's estimate is
 * right-skewed (its rare large weights are usually missing, and its variance estimate with them),
 * so its low outcomes came with errors too small (3-D Genz Gaussian, tail bins of x_1, 400 streams:
 * pulls to -6.2, 2-4 % beyond 3 sigma; with the upper error to -4.4, <= 1 %).  A bin of 100
 * effective samples gets 10 % more, one of 10^4 1 %. */
static void hist_bin(const double *a, size_t B, double sw, double I, double N, double *content,
                     double *error)
{
    const double C = a[0] / sw, m = a[5 * B], k = a[7 * B];
    const double floor_err = N > 0.0 && k < HIST_MIN_SAMPLES ? 1.841 * fabs(I) / N : 0.0;
    double var = a[B] / (sw * sw);
    if (m > 1.0) {
        const double ext = (a[3 * B] - 2.0 * C * a[2 * B] + C * C * a[4 * B]) * m / (m - 1.0);
        var = fmax(var, ext / (sw * sw));
    }
    *content = C;
    double e = sqrt(var);
    if (C != 0.0 && var > 0.0) { /* the upper error of k_eff effective samples */
        const double keff = C * C / var;
        e = fabs(C) * (sqrt(keff + 0.75) + 1.0) / keff;
    }
    *error = fmax(e, floor_err);
}

dy_status dy_integrate(dy_engine *e, const dy_params *params, size_t n, const dy_vegas_options *o,
                       const dy_histspec *hspec, dy_result *res, dy_hist *hist, dy_error *err)
{
    dy_status st = DY_OK;
    const double t_start = dy_wall_seconds();
    if (o->max_iter < 1 || o->alpha < 0.0 || !(o->defensive >= 0.0 && o->defensive < 1.0) ||
        o->rel_precision < 0.0 || o->abs_precision < 0.0 || o->max_eval == 0 ||
        o->n_eval_start < 16 || o->warmup_max < 1 || o->warmup_max < o->warmup_min)
        return dy_error_set(err, DY_ERR_INVALID, "vegas: invalid options");
    if ((st = check_params(params, n, hspec, err)) != DY_OK) return st;
    for (size_t i = 0; i < n; ++i)
        memset(&res[i], 0, sizeof res[i]);
    if (n == 0) return DY_OK;
    const uint32_t max_iter = o->max_iter, min_iter = o->min_iter > 2 ? o->min_iter : 2;
    const uint32_t nmin = o->n_eval_start;
    const uint32_t nmax = o->n_eval_max > nmin ? o->n_eval_max : nmin;
    dy_params *dp = NULL;
    dy_histspec *dh = NULL;
    double *fw = NULL;
    dy_layout lay;
    istate *vs = calloc(n, sizeof *vs);
    enum { NA = 4 + 2 * DY_MAX_FUNC, TS = 1 + DY_MAX_FUNC }; /* arrays; target stride */
    double *vals = malloc(NA * n * (size_t)max_iter * sizeof(double));
    dy_ictl *ctl = malloc(n * sizeof *ctl);
    double *out = malloc(n * DY_NTOT * sizeof *out);
    double *tgt = calloc(TS * n, sizeof *tgt), *sd1 = calloc(TS * n, sizeof *sd1);
    dy_launch *lbuf = NULL;
    size_t lcap = 0;
    int opened = 0;
    if (!vs || !vals || !ctl || !out || !tgt || !sd1) {
        st = dy_error_set(err, DY_ERR_NOMEM, "vegas: out of memory for %zu integrals", n);
        goto done;
    }
    if ((st = batch_prepare(params, n, hspec, o, &dp, &dh, &fw, &lay, err)) != DY_OK) goto done;
    const dy_batch_desc desc = {dp, dh, NULL, fw, n, lay};
    if ((st = e->type->batch_open(e->state, &desc, &e->dev, err)) != DY_OK) goto done;
    opened = 1;
    for (size_t i = 0; i < n; ++i) {
        vs[i].n_next = nmin;
        vs[i].it_val = vals + NA * i * max_iter;
        vs[i].it_var = vs[i].it_val + max_iter;
        vs[i].it_n = vs[i].it_var + max_iter;
        vs[i].it_wps = vs[i].it_n + max_iter;
        vs[i].it_fval = vs[i].it_wps + max_iter;
        vs[i].it_fvar = vs[i].it_fval + DY_MAX_FUNC * max_iter;
    }
    dy_launch proto;
    memset(&proto, 0, sizeof proto);
    proto.seed = o->seed;
    proto.lay = lay;
    const int tty = o->progress && isatty(2);
    for (uint32_t k = 0;; ++k) {
        uint32_t na = 0;
        for (size_t i = 0; i < n; ++i) {
            if (vs[i].phase == PH_DONE) continue;
            dy_ictl *c = &ctl[na++];
            memset(c, 0, sizeof *c);
            c->integral = (dy_u32)i;
            strata(vs[i].n_next, params[i].dim, o->stratify && !vs[i].unstratified, c);
            c->flags = DY_ICTL_REFINE | (vs[i].phase == PH_MAIN ? DY_ICTL_HIST : 0u);
            if (c->flags & DY_ICTL_HIST) vs[i].hist_n += (double)c->n_strata * c->nh;
            c->alpha = o->alpha;
            c->lambda = vs[i].lambda;
            c->merge = refine_merge((double)c->n_strata * c->nh);
            /* the iteration's weight per sample (combine), for the histograms too */
            c->hweight = vs[i].sd1 > 0.0 ? 1.0 / (vs[i].sd1 * vs[i].sd1) : 1.0;
        }
        if (na == 0) break;
        proto.iteration = k;
        if ((st = run_iteration(e, ctl, na, proto, &lbuf, &lcap, out, NULL, err)) != DY_OK)
            goto done;
        /* record the iteration, in integral order */
        for (uint32_t a = 0; a < na; ++a) {
            const size_t i = ctl[a].integral;
            istate *v = &vs[i];
            dy_result *r = &res[i];
            const double *t = out + (size_t)a * DY_NTOT;
            const double ns = ctl[a].n_strata, nn = ns * ctl[a].nh;
            const double I = t[DY_T_MEAN] / ns;
            double var = t[DY_T_VAR] / (ns * ns);
            const double sd_pred = v->sd1; /* the previous iteration's: this one's weight */
            r->n_eval += (uint64_t)nn;
            r->n_nonfinite += (uint64_t)t[DY_T_BAD];
            e->evaluations += (uint64_t)nn;
            v->last_n = (uint32_t)nn;
            if (t[DY_T_W2] == 0.0 && !v->seen_nonzero) { /* every weight so far exactly 0 */
                v->zero_samples += nn;
                continue;
            }
            if (!(var > 0.0)) var = fmax(DBL_EPSILON * DBL_EPSILON * I * I, DBL_MIN);
            if (t[DY_T_W2] > 0.0 || !v->seen_nonzero) { /* an all-zero iteration of a nonzero */
                v->sd1_prev = v->sd1;                   /* integral keeps the last sd for plans */
                v->sd1 = sqrt(var * nn);
            }
            v->seen_nonzero = 1;
            sd1[TS * i] = v->sd1;
            double FI[DY_MAX_FUNC], fvar[DY_MAX_FUNC];
            for (int f = 0; f < DY_MAX_FUNC; ++f) {
                FI[f] = t[DY_T_FMEAN + 2 * f] / ns;
                fvar[f] = t[DY_T_FVAR + 2 * f] / (ns * ns);
                if (t[DY_T_W2] > 0.0) v->fsd1[f] = sqrt(fvar[f] * nn);
                sd1[TS * i + 1 + f] = v->fsd1[f];
            }
            /* exact zeros beside nonzero weights: the support ends inside the domain, where a
             * map can shrink the density next to the edge until the samples miss part of the
             * support (weights then look well-behaved while the estimate is low, unseen by any
             * statistic of the weights: docs/engine.md).  From then on every refinement mixes in
             * the uniform density (Hesterberg 1995). */
            if (t[DY_T_ZERO] > 0.0 && t[DY_T_W2] > 0.0) v->lambda = o->defensive;
            if (v->phase == PH_WARM) {
                r->value = I; /* running estimate while warming up (n_iter stays 0) */
                r->error = sqrt(var);
                for (int f = 0; f < DY_MAX_FUNC; ++f) {
                    r->func_value[f] = FI[f];
                    r->func_error[f] = sqrt(fvar[f]);
                }
                continue;
            }
            const uint32_t m = r->n_iter;
            v->it_val[m] = I;
            v->it_var[m] = var;
            for (int f = 0; f < DY_MAX_FUNC; ++f) {
                v->it_fval[f * max_iter + m] = FI[f];
                v->it_fvar[f * max_iter + m] = fvar[f];
            }
            v->it_n[m] = nn;
            v->it_wps[m] = sd_pred > 0.0 ? 1.0 / (sd_pred * sd_pred) : 1.0;
            if (!(sd_pred > 0.0) || v->sd1 > 3.0 * sd_pred) v->n_weights = 1;
            combine(v, m + 1, max_iter, r);
            if (o->on_iteration) o->on_iteration(o->ctx, i, k + 1, I, sqrt(var), r);
        }
        if (o->targets) o->targets(o->targets_ctx, n, res, sd1, tgt);
        /* decide, per integral: done, or the size of its next iteration */
        for (uint32_t a = 0; a < na; ++a) {
            const size_t i = ctl[a].integral;
            istate *v = &vs[i];
            dy_result *r = &res[i];
            const uint32_t nn = v->last_n;
            const int budget_left = r->n_eval + nmin <= o->max_eval;
            if (!v->seen_nonzero) { /* explicit zero, or not seen the support yet */
                if (v->zero_samples >= ZERO_SAMPLES || !budget_left) {
                    r->value = r->error = 0.0;
                    r->converged = v->zero_samples >= ZERO_SAMPLES;
                    r->q = 1.0;
                    v->phase = PH_DONE;
                } else {
                    v->n_next = 2 * nn < nmax ? 2 * nn : nmax;
                }
                continue;
            }
            const double *T = tgt + TS * i;
            double E =
                T[0] > 0.0 ? T[0] : fmax(o->rel_precision * fabs(r->value), o->abs_precision);
            if (o->rel_precision == 0.0 && o->abs_precision == 0.0 && !(T[0] > 0.0)) E = 0.0;
            double need = E > 0.0 ? (v->sd1 / E) * (v->sd1 / E) : INFINITY;
            int fmet = 1; /* the functionals' goals (0: none) */
            for (int f = 0; f < DY_MAX_FUNC; ++f)
                if (T[1 + f] > 0.0) {
                    if (E > 0.0)
                        need = fmax(need, (v->fsd1[f] / T[1 + f]) * (v->fsd1[f] / T[1 + f]));
                    fmet &= r->func_error[f] <= T[1 + f];
                }
            double next;
            if (v->phase == PH_WARM) {
                v->warm_it++;
                v->warm_samples += nn;
                /* the map has settled when the per-sample deviation stops falling; a rise is
                 * noise of a small iteration (a rare large weight), not a settled map */
                const double ratio = v->warm_it < 2 ? 0.0 : v->sd1 / v->sd1_prev;
                const int improving = ratio < 0.8 || ratio > 1.25;
                const int enough = v->warm_samples >= 0.25 * need;
                if (v->warm_it < o->warmup_max &&
                    (v->warm_it < o->warmup_min || (improving && !enough))) {
                    next = nn; /* like vegas and GSL: small constant iterations train the map */
                    v->n_next = (uint32_t)fmin(fmax(next, nmin), nmax);
                    if (!budget_left) v->phase = PH_DONE;
                    continue;
                }
                v->phase = PH_MAIN;
                next = E > 0.0 ? need / (0.95 * 0.95) / min_iter : 2.0 * nn;
            } else {
                const int met = E > 0.0 && r->error <= E && fmet;
                const int consistent = r->q >= Q_CONSISTENT;
                r->converged = met && r->n_iter >= min_iter && consistent;
                if (r->converged || r->n_iter >= max_iter) {
                    v->phase = PH_DONE;
                    continue;
                }
                if (met && !consistent) {
                    /* the iterations disagree beyond their errors: the variance sits in a few
                     * strata (a discontinuity the map cannot resolve crosses few of them in low
                     * dimensions) and their few samples misjudge it.  Start the combination
                     * again without strata, where every sample sees that variance, with larger
                     * iterations; once unstratified, only larger iterations. */
                    if (!v->unstratified && o->stratify) {
                        /* back to the warm-up: the weights of the new scheme's iterations are
                         * predicted from its own first iteration, not from the old scheme's */
                        v->unstratified = 1;
                        v->sw = v->swv = v->sw2v = 0.0;
                        v->n_weights = 0;
                        r->n_iter = 0;
                        r->converged = 0;
                        v->phase = PH_WARM;
                        v->warm_it = 0;
                        v->warm_samples = 0.0;
                        v->sd1_prev = 0.0;
                    }
                    next = 2.0 * nn;
                } else if (E > 0.0) {
                    /* the map still improves: expect the next deviation to keep falling as the
                     * last one did (at most by half), so the next iteration does not overshoot */
                    const double f =
                        v->sd1_prev > 0.0 ? fmin(fmax(v->sd1 / v->sd1_prev, 0.5), 1.0) : 1.0;
                    const double wps = v->n_weights ? 1.0 : 1.0 / (v->sd1 * v->sd1);
                    double w = weight_for(v->sw, v->sw2v, wps * f * f * v->sd1 * v->sd1, 0.95 * E);
                    for (int fu = 0; fu < DY_MAX_FUNC; ++fu)
                        if (T[1 + fu] > 0.0)
                            w = fmax(w, weight_for(v->sw, v->fsw2v[fu],
                                                   wps * f * f * v->fsd1[fu] * v->fsd1[fu],
                                                   0.95 * T[1 + fu]));
                    next = w / wps;
                    if (r->n_iter + 1 < min_iter) next /= (double)(min_iter - r->n_iter);
                    /* while the map still improves, grow gently (a larger iteration trains a
                     * better map); once it has settled, finish in one; never a sliver (it adds
                     * little and estimates its own variance poorly) */
                    const double ratio = v->sd1_prev > 0.0 ? v->sd1 / v->sd1_prev : 1.0;
                    next = fmax(fmin(next, (ratio < 0.8 ? 2.0 : GROWTH) * nn),
                                (met ? 0.25 : 0.5) * nn);
                } else {
                    next = 2.0 * nn;
                }
            }
            /* at most GROWTH x the last iteration: the deviation that sizes it was measured on
             * fewer samples and may be a fluctuation */
            next = fmin(fmin(fmax(next, nmin), nmax), GROWTH * nn);
            if ((double)r->n_eval + next > (double)o->max_eval)
                next = (double)(o->max_eval - r->n_eval);
            if (next < nmin) {
                v->phase = PH_DONE; /* budget spent: converged stays 0 */
                continue;
            }
            v->n_next = (uint32_t)next;
        }
        if (tty || o->on_progress) {
            size_t nd = 0;
            for (size_t i = 0; i < n; ++i)
                nd += vs[i].phase == PH_DONE;
            if (tty)
                fprintf(stderr, "\rvegas: iteration %u, %zu/%zu integrals done   ", k + 1, nd, n);
            if (o->on_progress) o->on_progress(o->progress_ctx, nd, n);
        }
    }
    if (tty) fprintf(stderr, "\n");
    if (o->on_progress) o->on_progress(o->progress_ctx, n, n);
    /* iterations inconsistent with their errors: the spread is the better error (as the PDG's
     * scale factor, Rev. Part. Phys., Introduction, Sec. 5.2.2) */
    for (size_t i = 0; i < n; ++i)
        if (res[i].n_iter > 1 && res[i].q < Q_INFLATE) res[i].error *= sqrt(res[i].chi2_dof);
    if (hist) {
        double *hrun = NULL, *hw = NULL;
        if (lay.n_obs) {
            hrun = calloc(n * DY_HRUN * lay.n_obs * (size_t)lay.hbins, sizeof *hrun);
            hw = calloc(n, sizeof *hw);
            if (!hrun || !hw) {
                free(hrun);
                free(hw);
                st = dy_error_set(err, DY_ERR_NOMEM, "vegas: out of memory for histograms");
                goto done;
            }
            if ((st = e->type->histograms(e->state, hrun, hw, &e->dev, err)) != DY_OK) {
                free(hrun);
                free(hw);
                goto done;
            }
        }
        for (size_t i = 0; i < n; ++i)
            for (uint32_t ob = 0; ob < DY_MAX_OBS; ++ob) {
                dy_hist *h = &hist[i * DY_MAX_OBS + ob];
                memset(h, 0, sizeof *h);
                if (!hspec || ob >= lay.n_obs) continue;
                h->spec = hspec[i * DY_MAX_OBS + ob];
                const size_t B = (size_t)lay.n_obs * lay.hbins;
                const double *a = hrun + i * DY_HRUN * B + ob * (size_t)lay.hbins;
                for (uint32_t hb = 0; hb < h->spec.nbins && hw[i] > 0.0; ++hb)
                    hist_bin(a + hb, B, hw[i], res[i].value, vs[i].hist_n, &h->content[hb],
                             &h->error[hb]);
            }
        free(hrun);
        free(hw);
    }
    if (o->maps_out && (st = e->type->read_maps(e->state, o->maps_out, &e->dev, err)) != DY_OK)
        goto done;
    e->integrals += n;
done:
    if (opened) e->type->batch_close(e->state);
    free(vs);
    free(vals);
    free(ctl);
    free(out);
    free(tgt);
    free(sd1);
    free(lbuf);
    free(dp);
    free(dh);
    free(fw);
    e->wall_seconds += dy_wall_seconds() - t_start;
    return st;
}

dy_status dy_engine_weights(dy_engine *e, const dy_params *params, size_t n, uint64_t seed,
                            uint32_t iteration, uint32_t n_samples, double *w, dy_error *err)
{
    return dy_engine_weights_on_maps(e, params, n, NULL, seed, iteration, n_samples, w, err);
}

dy_status dy_engine_weights_on_maps(dy_engine *e, const dy_params *params, size_t n,
                                    const double *maps, uint64_t seed, uint32_t iteration,
                                    uint32_t n_samples, double *w, dy_error *err)
{
    dy_status st;
    if (n == 0) return DY_OK;
    if (n_samples == 0 || n_samples % GROUP_SAMPLES)
        return dy_error_set(err, DY_ERR_INVALID, "weights: n_samples must be a multiple of %u",
                            GROUP_SAMPLES);
    if ((st = check_params(params, n, NULL, err)) != DY_OK) return st;
    dy_params *dp = NULL;
    dy_histspec *dh = NULL;
    dy_layout lay;
    dy_ictl *ctl = calloc(n, sizeof *ctl);
    double *out = malloc(n * DY_NTOT * sizeof *out);
    dy_launch *lbuf = NULL;
    size_t lcap = 0;
    if (!ctl || !out) {
        st = dy_error_set(err, DY_ERR_NOMEM, "out of memory");
        goto done;
    }
    double *fw = NULL;
    if ((st = batch_prepare(params, n, NULL, NULL, &dp, &dh, &fw, &lay, err)) != DY_OK) goto done;
    const dy_batch_desc desc = {dp, NULL, maps, NULL, n, lay};
    if ((st = e->type->batch_open(e->state, &desc, &e->dev, err)) != DY_OK) goto done;
    for (size_t i = 0; i < n; ++i) {
        ctl[i].integral = (dy_u32)i;
        strata(n_samples, params[i].dim, 0, &ctl[i]); /* unstratified: y uniform */
    }
    dy_launch proto;
    memset(&proto, 0, sizeof proto);
    proto.seed = seed;
    proto.iteration = iteration;
    proto.lay = lay;
    st = run_iteration(e, ctl, (uint32_t)n, proto, &lbuf, &lcap, out, w, err);
    e->type->batch_close(e->state);
done:
    free(ctl);
    free(out);
    free(lbuf);
    free(dp);
    free(dh);
    return st;
}

void dy_engine_point(const dy_params *p, const double *map, uint64_t seed, uint32_t iteration,
                     uint32_t sample, double *x, double *jac)
{
    double y[DY_MAX_DIM];
    *jac = 1.0;
    dy_rng_uniforms(seed, dy_stream_key(p), iteration, sample, p->dim, y);
    for (uint32_t d = 0; d < p->dim; ++d) { /* the map of dy_sample_one, unstratified */
        const double yn = y[d] * DY_NBINS;
        uint32_t b = (uint32_t)yn;
        if (b >= DY_NBINS) b = DY_NBINS - 1;
        if (!map) {
            x[d] = y[d];
            continue;
        }
        const double *edge = map + d * (DY_NBINS + 1);
        const double width = edge[b + 1] - edge[b];
        x[d] = edge[b] + (yn - (double)b) * width;
        *jac *= width * DY_NBINS;
    }
}
