/* dy_reduce.h — the engine's device layer, part 2: reductions in a fixed order, so a seed gives
 * bit-identical sums on a backend whatever the launch size, batch or thread count.
 *   chunk:   one work item per (chunk, role) sums its chunk's samples in index order into the
 *            chunk's record (role 0 totals with the within-stratum variances, 1..dim the map's
 *            per-interval sums of w^2, then one per histogram);
 *   combine: one work item per (active integral, record slot) adds the launch's chunks, in chunk
 *            order, into the integral's iteration record (a left fold: splitting an iteration
 *            over launches does not change it);
 *   finish:  one work item per (active integral, task) after the iteration's last launch: totals
 *            out to the host, map refinement (dy_vegas_map.h), histogram accumulation; each task
 *            clears its slots of the iteration record. */
#ifndef DY_REDUCE_H
#define DY_REDUCE_H
#include "dy_sample.h"
#include "dy_vegas_map.h"

/* Histogram bin of value v, or -1 outside [lo, hi). */
DY_DEVICE int dy_hist_bin(DY_GLOBAL const dy_histspec *h, double v)
{
    double f;
    if (h->nbins == 0) return -1;
    if (h->is_log) {
        if (!(v > 0.0)) return -1;
        v = log10(v);
    }
    f = (v - h->lo) / (h->hi - h->lo);
    if (!(f >= 0.0) || f >= 1.0) return -1;
    return (int)(f * h->nbins);
}

DY_DEVICE dy_u32 dy_chunk_roles(dy_layout lay)
{
    return 1 + lay.dim + lay.n_obs;
}

/* Work item r of a chunk-reduction launch: chunk r / roles of the launch, role r % roles. */
DY_DEVICE void dy_reduce_chunk(DY_GLOBAL const dy_params *params, DY_GLOBAL const dy_ictl *ctl,
                               dy_launch L, dy_u64 r, DY_GLOBAL const double *w,
                               DY_GLOBAL const unsigned char *bins, DY_GLOBAL const double *obs,
                               DY_GLOBAL const dy_histspec *hspec, DY_GLOBAL const double *fw,
                               DY_GLOBAL double *part)
{
    const dy_u32 nroles = dy_chunk_roles(L.lay);
    const dy_u32 role = (dy_u32)(r % nroles);
    const dy_u64 cl = r / nroles, cg = L.chunk_begin + cl;
    DY_GLOBAL const dy_ictl *c = ctl + dy_find_active(ctl, L.n_active, cg, 1);
    const dy_u32 nh = c->nh;
    const dy_u64 h0 = (cg - c->chunk_first) * c->spc;
    const dy_u64 h1 = h0 + c->spc < c->n_strata ? h0 + c->spc : c->n_strata;
    const dy_u64 first = c->sample_first + h0 * nh - L.sample_begin;
    const dy_u64 last = c->sample_first + h1 * nh - L.sample_begin;
    const dy_u32 dim = params[c->integral].dim;
    DY_GLOBAL double *rec = part + cl * dy_record_size(L.lay);
    dy_u64 g;
    if (role == 0) {
        /* functionals F_f = sum_bins fw[f][bin] x (integral in bin) of histogram 0: per stratum
         * like the total, so their errors keep the stratification and the bins' covariance */
        const dy_u32 nf = L.lay.n_obs > 0 ? L.lay.n_func : 0;
        DY_GLOBAL const dy_histspec *h0 = hspec + (dy_u64)c->integral * L.lay.n_obs;
        DY_GLOBAL const double *fwj = fw + (dy_u64)c->integral * nf * L.lay.hbins;
        double sm = 0.0, sv = 0.0, s2 = 0.0, bad = 0.0, zero = 0.0;
        double fm[DY_MAX_FUNC], fv[DY_MAX_FUNC];
        dy_u32 f;
        for (f = 0; f < DY_MAX_FUNC; ++f)
            fm[f] = fv[f] = 0.0;
        for (g = first; g < last; g += nh) {
            double mean = 0.0, dev = 0.0, smean[DY_MAX_FUNC], sdev[DY_MAX_FUNC];
            dy_u32 i;
            for (f = 0; f < DY_MAX_FUNC; ++f)
                smean[f] = sdev[f] = 0.0;
            for (i = 0; i < nh; ++i) {
                const double v = w[g + i];
                if (DY_ISFINITE(v)) {
                    mean += v;
                    s2 += v * v;
                    zero += v == 0.0 ? 1.0 : 0.0;
                } else {
                    bad += 1.0; /* counted, never summed: enters the stratum as 0 */
                }
            }
            mean /= nh;
            for (i = 0; i < nh; ++i) {
                const double v = DY_ISFINITE(w[g + i]) ? w[g + i] : 0.0, e = v - mean;
                dev += e * e;
            }
            for (f = 0; f < nf; ++f) { /* two passes over the stratum's few samples */
                for (i = 0; i < nh; ++i) {
                    const int hb = dy_hist_bin(h0, obs[(g + i) * L.lay.n_obs]);
                    const double v = DY_ISFINITE(w[g + i]) ? w[g + i] : 0.0;
                    smean[f] += hb >= 0 ? v * fwj[f * L.lay.hbins + hb] : 0.0;
                }
                smean[f] /= nh;
                for (i = 0; i < nh; ++i) {
                    const int hb = dy_hist_bin(h0, obs[(g + i) * L.lay.n_obs]);
                    const double v = DY_ISFINITE(w[g + i]) ? w[g + i] : 0.0;
                    const double e = (hb >= 0 ? v * fwj[f * L.lay.hbins + hb] : 0.0) - smean[f];
                    sdev[f] += e * e;
                }
                fm[f] += smean[f];
                fv[f] += sdev[f] / ((double)(nh - 1) * nh);
            }
            sm += mean;
            sv += dev / ((double)(nh - 1) * nh); /* (sample variance of the stratum) / n_h */
        }
        rec[DY_T_MEAN] = sm;
        rec[DY_T_VAR] = sv;
        rec[DY_T_W2] = s2;
        rec[DY_T_BAD] = bad;
        rec[DY_T_ZERO] = zero;
        for (f = 0; f < DY_MAX_FUNC; ++f) {
            rec[DY_T_FMEAN + 2 * f] = fm[f];
            rec[DY_T_FVAR + 2 * f] = fv[f];
        }
    } else if (role <= L.lay.dim) {
        const dy_u32 d = role - 1;
        DY_GLOBAL double *a = rec + DY_NTOT + d * DY_NBINS;
        dy_u32 b;
        for (b = 0; b < DY_NBINS; ++b)
            a[b] = 0.0;
        if (d >= dim) return;
        for (g = first; g < last; ++g) {
            const double v = w[g];
            if (DY_ISFINITE(v)) a[bins[g * L.lay.dim + d]] += v * v;
        }
    } else {
        /* histogram k: per bin the sum over strata of the stratum mean of w 1_bin (the
         * stratified estimate, as the totals) and the plain sum of (w 1_bin)^2, whose
         * unstratified variance dy_finish takes, and the bin's samples (docs/engine.md, Histograms)
         */
        const dy_u32 k = role - 1 - L.lay.dim;
        DY_GLOBAL const dy_histspec *h = hspec + (dy_u64)c->integral * L.lay.n_obs + k;
        DY_GLOBAL double *hh =
            rec + DY_NTOT + L.lay.dim * DY_NBINS + DY_HREC * (dy_u64)k * L.lay.hbins;
        dy_u32 b;
        for (b = 0; b < DY_HREC * L.lay.hbins; ++b)
            hh[b] = 0.0;
        for (g = first; g < last; g += nh) {
            dy_u32 i, j;
            for (i = 0; i < nh; ++i) {
                const int hb = dy_hist_bin(h, obs[(g + i) * L.lay.n_obs + k]);
                double sum = 0.0, sq = 0.0, cnt = 0.0;
                int seen = 0;
                if (hb < 0) continue;
                for (j = 0; j < i && !seen; ++j) /* the bin's first sample in the stratum */
                    seen = dy_hist_bin(h, obs[(g + j) * L.lay.n_obs + k]) == hb;
                if (seen) continue;
                for (j = i; j < nh; ++j) {
                    const double v = w[g + j];
                    if (DY_ISFINITE(v) && dy_hist_bin(h, obs[(g + j) * L.lay.n_obs + k]) == hb) {
                        sum += v;
                        sq += v * v;
                        cnt += 1.0;
                    }
                }
                hh[DY_HREC * hb] += sum / nh;
                hh[DY_HREC * hb + 1] += sq;
                hh[DY_HREC * hb + 2] += cnt;
            }
        }
    }
}

/* Work item r of a combine launch: slot r % P of active integral r / P. */
DY_DEVICE void dy_combine(DY_GLOBAL const dy_ictl *ctl, dy_launch L, dy_u64 r,
                          DY_GLOBAL const double *part, DY_GLOBAL double *itrec)
{
    const dy_u64 P = dy_record_size(L.lay);
    DY_GLOBAL const dy_ictl *c = ctl + r / P;
    const dy_u64 q = r % P;
    const dy_u64 c0 = c->chunk_first > L.chunk_begin ? c->chunk_first : L.chunk_begin;
    const dy_u64 cend = c->chunk_first + c->n_chunks;
    const dy_u64 c1 = cend < L.chunk_end ? cend : L.chunk_end;
    DY_GLOBAL double *acc = itrec + (dy_u64)c->integral * P + q;
    double v;
    dy_u64 cg;
    if (c0 >= c1) return;
    v = *acc;
    for (cg = c0; cg < c1; ++cg)
        v += part[(cg - L.chunk_begin) * P + q];
    *acc = v;
}

DY_DEVICE dy_u32 dy_finish_tasks(dy_layout lay)
{
    return 1 + lay.dim + lay.n_obs * lay.hbins;
}

/* Work item r of the finish launch: task r % T of active integral r / T.  out gets the
 * iteration's DY_NTOT totals per active integral; hrun holds per integral DY_HRUN blocks of
 * n_obs x hbins accumulators (dy_types.h), hw sum_i w_i, w_i = n_i x ictl.hweight (the
 * iteration weights of the totals, vegas.c). */
DY_DEVICE void dy_finish(DY_GLOBAL const dy_params *params, DY_GLOBAL const dy_ictl *ctl,
                         dy_launch L, dy_u64 r, DY_GLOBAL double *itrec, DY_GLOBAL double *grids,
                         DY_GLOBAL const dy_histspec *hspec, DY_GLOBAL double *hrun,
                         DY_GLOBAL double *hw, DY_GLOBAL double *out)
{
    const dy_u32 T = dy_finish_tasks(L.lay);
    const dy_u64 a = r / T;
    const dy_u32 t = (dy_u32)(r % T);
    DY_GLOBAL const dy_ictl *c = ctl + a;
    const dy_u32 j = c->integral;
    DY_GLOBAL double *rec = itrec + (dy_u64)j * dy_record_size(L.lay);
    const double n = (double)c->n_strata * c->nh;
    if (t == 0) {
        dy_u32 q;
        for (q = 0; q < DY_NTOT; ++q) {
            out[a * DY_NTOT + q] = rec[q];
            rec[q] = 0.0;
        }
        if (c->flags & DY_ICTL_HIST) hw[j] += n * c->hweight;
    } else if (t <= L.lay.dim) {
        const dy_u32 d = t - 1;
        DY_GLOBAL double *acc = rec + DY_NTOT + d * DY_NBINS;
        dy_u32 b;
        DY_GLOBAL double *grid = grids + (dy_u64)j * DY_GRID_STRIDE(L.lay);
        if ((c->flags & DY_ICTL_REFINE) && d < params[j].dim)
            dy_map_refine_axis(grid + d * (DY_NBINS + 1), acc,
                               grid + (L.lay.dim + d) * (DY_NBINS + 1), c->alpha, c->lambda,
                               c->merge);
        for (b = 0; b < DY_NBINS; ++b)
            acc[b] = 0.0;
    } else {
        const dy_u32 k = (t - 1 - L.lay.dim) / L.lay.hbins, b = (t - 1 - L.lay.dim) % L.lay.hbins;
        const dy_u64 q = DY_NTOT + L.lay.dim * DY_NBINS + DY_HREC * ((dy_u64)k * L.lay.hbins + b);
        const dy_u64 B = (dy_u64)L.lay.n_obs * L.lay.hbins; /* stride of hrun's accumulators */
        DY_GLOBAL double *hq = hrun + (dy_u64)j * DY_HRUN * B + (dy_u64)k * L.lay.hbins + b;
        if ((c->flags & DY_ICTL_HIST) && b < hspec[(dy_u64)j * L.lay.n_obs + k].nbins) {
            const double ns = (double)c->n_strata, wi = n * c->hweight;
            /* the bin's variance as if the n samples were drawn without strata (Cochran,
             * Sampling Techniques, 3rd ed., 1977, Sec. 5.6: never below the stratified variance
             * in expectation, with equal strata and samples); the stratified one comes from the
             * few samples a bin has in each stratum and is often 0 where the bin's edge cuts a
             * stratum.  sy: the iteration's sum of w 1_bin */
            const double cc = rec[q] / ns, sy = rec[q] * c->nh;
            const double v = DY_FMAX(rec[q + 1] - sy * sy / n, 0.0) / (n * (n - 1.0));
            hq[0] += wi * cc;
            hq[B] += wi * wi * v;
            hq[2 * B] += wi * wi * cc;
            hq[3 * B] += wi * wi * cc * cc;
            hq[4 * B] += wi * wi;
            hq[5 * B] += 1.0;
            hq[6 * B] += rec[q + 1];
            hq[7 * B] += rec[q + 2];
        }
        rec[q] = 0.0;
        rec[q + 1] = 0.0;
        rec[q + 2] = 0.0;
    }
}

#endif
