/* vegas.c — batched VEGAS on the host: all active integrals advance in lockstep (iteration k uses
 * Philox counter word k), launches group integrals by their current sample count, and each
 * integral keeps its own map, iteration record and histograms.  Map refinement: G. P. Lepage,
 * J. Comput. Phys. 27, 192 (1978), Sec. 3 (smoothing, damping exponent alpha). */
#include <float.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "backend.h"
#include "darkyield/dy_integrate.h"

void dy_vegas_options_default(dy_vegas_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->rel_precision = 1e-3;
    o->max_eval = 100000000ULL;
    o->n_eval_start = 4 * DY_CHUNK;
    o->n_eval_max = 1u << 20;
    o->warmup_iter = 5;
    o->min_iter = 3;
    o->max_iter = 200;
    o->alpha = 1.5;
    o->defensive = 0.05;
}

typedef struct vstate {
    double grid[DY_GRID_STRIDE];
    double acc[DY_MAX_DIM * DY_NBINS]; /* this iteration's sum of w^2 per map bin */
    double s1, s2, bad;                /* this iteration's sums */
    double *it_val, *it_var, *it_n;    /* combined iterations: value, variance, samples */
    double *hs1, *hs2;                 /* this iteration's histogram sums */
    double *hc, *hv, hw;               /* histogram accumulators: sum n c, sum n^2 v, sum n */
    uint32_t n_it;
    int done;
} vstate;

static uint32_t round_chunk(uint64_t n)
{
    if (n < DY_CHUNK) n = DY_CHUNK;
    return (uint32_t)(((n + DY_CHUNK - 1) / DY_CHUNK) * DY_CHUNK);
}

static void flat_grid(double *g)
{
    for (int d = 0; d < DY_MAX_DIM; ++d)
        for (int b = 0; b <= DY_NBINS; ++b)
            g[d * (DY_NBINS + 1) + b] = (double)b / DY_NBINS;
}

/* Lepage's refinement of one axis from the per-bin sums of w^2. */
static void refine_axis(double *edge, const double *a, double alpha, double lam)
{
    double s[DY_NBINS], m[DY_NBINS], tot = 0.0, msum = 0.0, nw[DY_NBINS + 1];
    for (int b = 0; b < DY_NBINS; ++b) {
        const double l = a[b > 0 ? b - 1 : b], r = a[b < DY_NBINS - 1 ? b + 1 : b];
        s[b] =
            (b == 0 || b == DY_NBINS - 1) ? 0.5 * (a[b] + (b == 0 ? r : l)) : (l + a[b] + r) / 3.0;
        tot += s[b];
    }
    if (!(tot > 0.0) || !isfinite(tot)) return; /* nothing seen: keep the map */
    for (int b = 0; b < DY_NBINS; ++b) {
        const double r = s[b] / tot;
        m[b] = r <= 0.0 ? 0.0 : (fabs(r - 1.0) < 1e-12 ? 1.0 : pow((r - 1.0) / log(r), alpha));
        msum += m[b];
    }
    /* Defensive mixture (Hesterberg, Technometrics 37, 185 (1995)): blend a fraction lambda of the
     * uniform density into the map, so no new interval is wider than 1/(lambda N) and weights
     * stay bounded next to discontinuities the map cannot resolve. */
    for (int b = 0; b < DY_NBINS; ++b)
        m[b] = (1.0 - lam) * m[b] + lam * msum * (edge[b + 1] - edge[b]);
    const double per = msum / DY_NBINS;
    double run = 0.0;
    int j = 0;
    nw[0] = 0.0;
    for (int i = 1; i < DY_NBINS; ++i) {
        const double target = i * per;
        while (j < DY_NBINS - 1 && run + m[j] < target)
            run += m[j++];
        const double f = m[j] > 0.0 ? (target - run) / m[j] : 0.0;
        nw[i] = edge[j] + fmin(fmax(f, 0.0), 1.0) * (edge[j + 1] - edge[j]);
    }
    nw[DY_NBINS] = 1.0;
    for (int i = 1; i < DY_NBINS; ++i) /* keep the edges strictly increasing */
        if (!(nw[i] > nw[i - 1])) nw[i] = nw[i - 1];
    memcpy(edge, nw, sizeof nw);
}

/* Combination of iterations, weighted by their sample counts n_i:  I = sum n_i I_i / sum n_i,
 * sigma^2 = sum n_i^2 sigma_i^2 / (sum n_i)^2, chi^2 = sum (I_i - I)^2 / sigma_i^2.  Lepage's
 * 1/sigma_i^2 weights correlate with the estimates when weights are heavy-tailed and bias the
 * result (measured: -0.4 % per iteration, 5-7 sigma, on genz-discontinuous; docs/engine.md). */
static void combine(const vstate *v, uint32_t m, dy_result *r)
{
    double sn = 0.0, snv = 0.0, sv2 = 0.0, chi2 = 0.0;
    for (uint32_t i = 0; i < m; ++i) {
        sn += v->it_n[i];
        snv += v->it_n[i] * v->it_val[i];
        sv2 += v->it_n[i] * v->it_n[i] * v->it_var[i];
    }
    r->value = snv / sn;
    r->error = sqrt(sv2) / sn;
    for (uint32_t i = 0; i < m; ++i) {
        const double dv = v->it_val[i] - r->value;
        chi2 += dv * dv / v->it_var[i];
    }
    r->n_iter = m;
    r->chi2_dof = m > 1 ? chi2 / (m - 1) : 0.0;
    r->q = m > 1 ? gsl_sf_gamma_inc_Q(0.5 * (m - 1), 0.5 * chi2) : 1.0;
}

typedef struct launch_buf {
    double *tot, *acc, *hst;
    size_t cap_chunks;
} launch_buf;

static dy_status buf_ensure(launch_buf *lb, size_t nch, dy_error *err)
{
    if (nch <= lb->cap_chunks) return DY_OK;
    free(lb->tot);
    free(lb->acc);
    free(lb->hst);
    lb->tot = malloc(nch * DY_TOT_STRIDE * sizeof(double));
    lb->acc = malloc(nch * DY_MAX_DIM * DY_NBINS * sizeof(double));
    lb->hst = malloc(nch * DY_MAX_OBS * 2 * DY_MAX_HBINS * sizeof(double));
    lb->cap_chunks = nch;
    if (!lb->tot || !lb->acc || !lb->hst) {
        lb->cap_chunks = 0;
        return dy_error_set(err, DY_ERR_NOMEM, "vegas: cannot allocate %zu chunk buffers", nch);
    }
    return DY_OK;
}

/* One launch over integrals idx[0..ni) (all with n_samples = n per iteration), samples
 * [off, off + ns); sums are added into each integral's state in chunk order. */
static dy_status run_launch(dy_engine *e, const dy_params *params, const dy_histspec *hspec,
                            vstate *vs, const size_t *idx, size_t ni, uint32_t off, uint32_t ns,
                            uint32_t iteration, uint64_t seed, uint32_t n_obs, launch_buf *lb,
                            dy_params *pbuf, double *gbuf, dy_histspec *hbuf, dy_error *err)
{
    dy_batch b;
    dy_status st;
    const size_t nch_each = ns / DY_CHUNK, nch = ni * nch_each;
    if ((st = buf_ensure(lb, nch, err)) != DY_OK) return st;
    for (size_t i = 0; i < ni; ++i) {
        pbuf[i] = params[idx[i]];
        memcpy(gbuf + i * DY_GRID_STRIDE, vs[idx[i]].grid, sizeof vs[0].grid);
        if (n_obs)
            memcpy(hbuf + i * DY_MAX_OBS, hspec + idx[i] * DY_MAX_OBS, DY_MAX_OBS * sizeof *hbuf);
    }
    memset(&b, 0, sizeof b);
    b.params = pbuf;
    b.grids = gbuf;
    b.hspec = n_obs ? hbuf : NULL;
    b.launch.seed = seed;
    b.launch.iteration = iteration;
    b.launch.n_integrals = (dy_u32)ni;
    b.launch.n_samples = ns;
    b.launch.sample_offset = off;
    b.launch.n_obs = n_obs;
    b.tot = lb->tot;
    b.acc = lb->acc;
    b.hst = lb->hst;
    if ((st = e->type->run(e->state, &b, err)) != DY_OK) return st;
    for (size_t i = 0; i < ni; ++i) {
        vstate *v = &vs[idx[i]];
        for (size_t c = 0; c < nch_each; ++c) {
            const size_t jc = i * nch_each + c;
            v->s1 += lb->tot[jc * DY_TOT_STRIDE];
            v->s2 += lb->tot[jc * DY_TOT_STRIDE + 1];
            v->bad += lb->tot[jc * DY_TOT_STRIDE + 2];
            for (int k = 0; k < DY_MAX_DIM * DY_NBINS; ++k)
                v->acc[k] += lb->acc[jc * DY_MAX_DIM * DY_NBINS + k];
            for (uint32_t o = 0; o < n_obs; ++o) {
                const double *h = lb->hst + (jc * DY_MAX_OBS + o) * 2 * DY_MAX_HBINS;
                for (int hb = 0; hb < DY_MAX_HBINS; ++hb) {
                    if ((uint32_t)hb >= hspec[idx[i] * DY_MAX_OBS + o].nbins) break;
                    v->hs1[o * DY_MAX_HBINS + hb] += h[2 * hb];
                    v->hs2[o * DY_MAX_HBINS + hb] += h[2 * hb + 1];
                }
            }
        }
    }
    return DY_OK;
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

dy_status dy_integrate(dy_engine *e, const dy_params *params, size_t n, const dy_vegas_options *o,
                       const dy_histspec *hspec, dy_result *res, dy_hist *hist, dy_error *err)
{
    dy_status st = DY_OK;
    uint32_t n_obs = 0;
    if (o->max_iter < 1 || o->alpha < 0.0 || !(o->defensive >= 0.0 && o->defensive < 1.0) ||
        o->rel_precision < 0.0 || o->max_eval == 0)
        return dy_error_set(err, DY_ERR_INVALID, "vegas: invalid options");
    if ((st = check_params(params, n, hspec, err)) != DY_OK) return st;
    if (hspec)
        for (size_t i = 0; i < n; ++i)
            for (uint32_t k = 0; k < DY_MAX_OBS; ++k)
                if (hspec[i * DY_MAX_OBS + k].nbins && k + 1 > n_obs) n_obs = k + 1;
    const uint32_t max_iter = o->max_iter;
    const uint32_t nmax =
        round_chunk(o->n_eval_max > o->n_eval_start ? o->n_eval_max : o->n_eval_start);
    const size_t cap = e->type->max_samples(e->state);
    vstate *vs = calloc(n, sizeof *vs);
    size_t *idx = malloc(n * sizeof *idx);
    double *vals = malloc(3 * n * (size_t)max_iter * sizeof(double));
    double *hmem = n_obs ? calloc(4 * n * DY_MAX_OBS * DY_MAX_HBINS, sizeof(double)) : NULL;
    const size_t per_launch = cap / DY_CHUNK > 0 ? cap : DY_CHUNK;
    const size_t max_ni = per_launch / DY_CHUNK < n ? per_launch / DY_CHUNK : n;
    dy_params *pbuf = malloc((max_ni ? max_ni : 1) * sizeof *pbuf);
    double *gbuf = malloc((max_ni ? max_ni : 1) * DY_GRID_STRIDE * sizeof *gbuf);
    dy_histspec *hbuf = malloc((max_ni ? max_ni : 1) * DY_MAX_OBS * sizeof *hbuf);
    launch_buf lb = {0};
    if (!vs || !idx || !vals || !pbuf || !gbuf || !hbuf || (n_obs && !hmem)) {
        st = dy_error_set(err, DY_ERR_NOMEM, "vegas: out of memory for %zu integrals", n);
        goto done;
    }
    for (size_t i = 0; i < n; ++i) {
        flat_grid(vs[i].grid);
        vs[i].n_it = round_chunk(o->n_eval_start);
        vs[i].it_val = vals + 3 * i * max_iter;
        vs[i].it_var = vs[i].it_val + max_iter;
        vs[i].it_n = vs[i].it_var + max_iter;
        if (n_obs) {
            double *h = hmem + 4 * i * DY_MAX_OBS * DY_MAX_HBINS;
            vs[i].hs1 = h;
            vs[i].hs2 = h + DY_MAX_OBS * DY_MAX_HBINS;
            vs[i].hc = h + 2 * DY_MAX_OBS * DY_MAX_HBINS;
            vs[i].hv = h + 3 * DY_MAX_OBS * DY_MAX_HBINS;
        }
        memset(&res[i], 0, sizeof res[i]);
    }
    const int tty = o->progress && isatty(2);
    for (uint32_t k = 0;; ++k) {
        /* active integrals grouped by samples per iteration (ascending), index order within a
         * group; n_it takes few distinct values (powers of two times the start) */
        size_t na = 0;
        for (uint32_t lo = 0;;) {
            uint32_t nn = UINT32_MAX;
            for (size_t i = 0; i < n; ++i)
                if (!vs[i].done && vs[i].n_it > lo && vs[i].n_it < nn) nn = vs[i].n_it;
            if (nn == UINT32_MAX) break;
            for (size_t i = 0; i < n; ++i)
                if (!vs[i].done && vs[i].n_it == nn) idx[na++] = i;
            lo = nn;
        }
        if (na == 0) break;
        for (size_t a = 0; a < na; ++a) {
            vstate *v = &vs[idx[a]];
            v->s1 = v->s2 = v->bad = 0.0;
            memset(v->acc, 0, sizeof v->acc);
            if (n_obs) memset(v->hs1, 0, 2 * DY_MAX_OBS * DY_MAX_HBINS * sizeof(double));
        }
        /* Launch groups of equal n; a group's integrals share launches of <= cap samples. */
        for (size_t a = 0; a < na;) {
            const uint32_t nn = vs[idx[a]].n_it;
            size_t g_end = a;
            while (g_end < na && vs[idx[g_end]].n_it == nn)
                ++g_end;
            if (nn > per_launch) { /* one integral per launch, samples split chunk-aligned */
                const uint32_t step = (uint32_t)(per_launch / DY_CHUNK * DY_CHUNK);
                for (size_t i = a; i < g_end && st == DY_OK; ++i)
                    for (uint32_t off = 0; off < nn && st == DY_OK; off += step) {
                        const uint32_t ns = nn - off < step ? nn - off : step;
                        st = run_launch(e, params, hspec, vs, &idx[i], 1, off, ns, k, o->seed,
                                        n_obs, &lb, pbuf, gbuf, hbuf, err);
                    }
            } else {
                const size_t per = per_launch / nn;
                for (size_t i = a; i < g_end && st == DY_OK; i += per) {
                    const size_t ni = g_end - i < per ? g_end - i : per;
                    st = run_launch(e, params, hspec, vs, &idx[i], ni, 0, nn, k, o->seed, n_obs,
                                    &lb, pbuf, gbuf, hbuf, err);
                }
            }
            if (st != DY_OK) goto done;
            a = g_end;
        }
        /* Per-integral bookkeeping, in index order. */
        for (size_t a = 0; a < na; ++a) {
            const size_t i = idx[a];
            vstate *v = &vs[i];
            dy_result *r = &res[i];
            const double nn = v->n_it;
            const double I = v->s1 / nn;
            double var = (v->s2 / nn - I * I) / (nn - 1.0);
            if (!(var > 0.0)) var = fmax(DBL_EPSILON * DBL_EPSILON * I * I, DBL_MIN);
            r->n_eval += v->n_it;
            r->n_nonfinite += (uint64_t)v->bad;
            for (uint32_t d = 0; d < params[i].dim; ++d)
                refine_axis(v->grid + d * (DY_NBINS + 1), v->acc + d * DY_NBINS, o->alpha,
                            o->defensive);
            if (k < o->warmup_iter) continue;
            const uint32_t m = r->n_iter;
            v->it_val[m] = I;
            v->it_var[m] = var;
            v->it_n[m] = nn;
            combine(v, m + 1, r);
            if (o->on_iteration) o->on_iteration(o->ctx, i, k + 1, I, sqrt(var), r);
            for (uint32_t ob = 0; ob < n_obs; ++ob)
                for (uint32_t hb = 0; hb < hspec[i * DY_MAX_OBS + ob].nbins; ++hb) {
                    const size_t q = ob * DY_MAX_HBINS + hb;
                    const double c = v->hs1[q] / nn;
                    const double hv = fmax((v->hs2[q] / nn - c * c) / (nn - 1.0), 0.0);
                    v->hc[q] += nn * c;
                    v->hv[q] += nn * nn * hv;
                }
            v->hw += nn;
            const int met =
                (o->rel_precision > 0.0 && r->error <= o->rel_precision * fabs(r->value)) ||
                (o->abs_precision > 0.0 && r->error <= o->abs_precision) ||
                (r->value == 0.0 && v->s2 == 0.0); /* explicit zero */
            r->converged = met && r->n_iter >= (o->min_iter > 1 ? o->min_iter : 2);
            if (r->converged || r->n_iter >= max_iter || r->n_eval + v->n_it > o->max_eval) {
                v->done = 1;
                continue;
            }
            /* Grow the iteration when the goal is many iterations away (and the budget allows). */
            if (o->rel_precision > 0.0 && r->value != 0.0) {
                const double rel = r->error / fabs(r->value);
                const double need = r->n_iter * (rel / o->rel_precision) * (rel / o->rel_precision);
                if (need - r->n_iter > 8.0 && 2ULL * v->n_it <= nmax &&
                    r->n_eval + 2ULL * v->n_it <= o->max_eval)
                    v->n_it *= 2;
            }
        }
        if (tty) {
            size_t nd = 0;
            for (size_t i = 0; i < n; ++i)
                nd += vs[i].done;
            fprintf(stderr, "\rvegas: iteration %u, %zu/%zu integrals done   ", k + 1, nd, n);
        }
    }
    if (tty) fprintf(stderr, "\n");
    if (hist)
        for (size_t i = 0; i < n; ++i)
            for (uint32_t ob = 0; ob < DY_MAX_OBS; ++ob) {
                dy_hist *h = &hist[i * DY_MAX_OBS + ob];
                memset(h, 0, sizeof *h);
                if (!hspec || ob >= n_obs) continue;
                h->spec = hspec[i * DY_MAX_OBS + ob];
                for (uint32_t hb = 0; hb < h->spec.nbins && vs[i].hw > 0.0; ++hb) {
                    const size_t q = ob * DY_MAX_HBINS + hb;
                    h->content[hb] = vs[i].hc[q] / vs[i].hw;
                    h->error[hb] = sqrt(vs[i].hv[q]) / vs[i].hw;
                }
            }
done:
    free(vs);
    free(idx);
    free(vals);
    free(hmem);
    free(pbuf);
    free(gbuf);
    free(hbuf);
    free(lb.tot);
    free(lb.acc);
    free(lb.hst);
    return st;
}

dy_status dy_engine_weights(dy_engine *e, const dy_params *params, size_t n, uint64_t seed,
                            uint32_t iteration, uint32_t n_samples, double *w, dy_error *err)
{
    dy_status st;
    dy_batch b;
    if (n_samples == 0 || n_samples % DY_CHUNK)
        return dy_error_set(err, DY_ERR_INVALID, "weights: n_samples must be a multiple of %u",
                            DY_CHUNK);
    if ((st = check_params(params, n, NULL, err)) != DY_OK) return st;
    const size_t nch = n * (n_samples / DY_CHUNK);
    double *grids = malloc(n * DY_GRID_STRIDE * sizeof(double));
    launch_buf lb = {0};
    if (!grids) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    if ((st = buf_ensure(&lb, nch, err)) != DY_OK) goto done;
    for (size_t i = 0; i < n; ++i)
        flat_grid(grids + i * DY_GRID_STRIDE);
    memset(&b, 0, sizeof b);
    b.params = params;
    b.grids = grids;
    b.launch.seed = seed;
    b.launch.iteration = iteration;
    b.launch.n_integrals = (dy_u32)n;
    b.launch.n_samples = n_samples;
    b.tot = lb.tot;
    b.acc = lb.acc;
    b.hst = lb.hst;
    b.w_out = w;
    st = e->type->run(e->state, &b, err);
done:
    free(grids);
    free(lb.tot);
    free(lb.acc);
    free(lb.hst);
    return st;
}
