/* limit_points.c — per-mass signals of the data sets, interpolation between grid masses, and
 * event limits with nuisances (docs/limits.md §1.5, §2.1). */
#include "jobs/limit_points.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void dy_lpoint_signal(const dy_limit_config *cfg, const dy_yield_file *yf, int im, double cut,
                      double br, dy_lpoint *p)
{
    const dy_yield_grid *g = &yf->g;
    const double M = g->masses_GeV[im], top = g->ebin_edges_GeV[g->n_ebins];
    memset(p, 0, sizeof *p);
    p->mass = M;
    p->grid = 1;
    for (int d = 0; d < cfg->n_sets; ++d) {
        const dy_limit_dataset *ds = &cfg->set[d];
        const double lo = ds->have_emin ? ds->e_min : cut, hi = ds->have_emax ? ds->e_max : top;
        const int const_eff = ds->have_eff || !cfg->eff_table[0];
        const double eff0 = ds->have_eff ? ds->eff_const : cfg->eff_const;
        double Y = 0.0, v = 0.0;
        for (int e = 0; e < g->n_ebins; ++e) {
            const double a = fmax(g->ebin_edges_GeV[e], lo), b = fmin(g->ebin_edges_GeV[e + 1], hi);
            if (!(b > a)) continue;
            const double eff = const_eff ? eff0 : dy_limit_efficiency(cfg, M, 0.5 * (a + b));
            const int k = dy_yield_grid_index(g, im, e);
            Y += g->sum_dNdE[k] * (b - a) * eff;
            const double s = g->sum_dNdE_err[k] * (b - a) * eff;
            v += s * s; /* bins taken as independent (the file holds no covariance) */
        }
        /* the file's N_above_cut is the exact integral when the window and efficiency allow */
        const int same_cut = fabs(lo - yf->cut_energy_min_GeV) <= 1e-9 * fmax(1.0, lo);
        if (same_cut && !ds->have_emax && const_eff) {
            Y = g->sum_N_above[im] * eff0;
            v = g->sum_N_above_err[im] * eff0;
            v *= v;
        }
        p->S[d] = ds->n_pot * Y * br;
        p->sy[d] = Y > 0.0 ? sqrt(v) / Y : 0.0;
    }
}

static double total(const dy_lpoint *p, int n_sets)
{
    double s = 0.0;
    for (int d = 0; d < n_sets; ++d)
        s += p->S[d];
    return s;
}

int dy_lpoints_interpolate(const dy_lpoint *grid, int n, int n_sets, int per_decade,
                           double max_dslope, dy_lpoint **out)
{
    /* slopes of ln S_total in ln m per interval (NAN where an end has no signal) */
    double *k = malloc(sizeof(double) * (n > 1 ? n - 1 : 1));
    int cap = n + 1, no = 0;
    for (int i = 0; i + 1 < n; ++i)
        cap += (int)ceil(log10(grid[i + 1].mass / grid[i].mass) * per_decade) + 1;
    dy_lpoint *o = malloc(sizeof(dy_lpoint) * cap);
    if (!k || !o) {
        free(k);
        free(o);
        return -1;
    }
    for (int i = 0; i + 1 < n; ++i) {
        const double a = total(&grid[i], n_sets), b = total(&grid[i + 1], n_sets);
        k[i] = a > 0.0 && b > 0.0 ? log(b / a) / log(grid[i + 1].mass / grid[i].mass) : NAN;
    }
    for (int i = 0; i < n; ++i) {
        o[no++] = grid[i];
        if (i + 1 >= n || !isfinite(k[i])) continue;
        if (i > 0 && !(fabs(k[i] - k[i - 1]) < max_dslope)) continue;
        if (i + 2 < n && !(fabs(k[i + 1] - k[i]) < max_dslope)) continue;
        int ok = 1; /* every data set needs signal at both ends for ln S */
        for (int d = 0; d < n_sets; ++d)
            if (!(grid[i].S[d] > 0.0) || !(grid[i + 1].S[d] > 0.0)) ok = 0;
        if (!ok) continue;
        const double lr = log(grid[i + 1].mass / grid[i].mass);
        const int ni = (int)ceil(log10(grid[i + 1].mass / grid[i].mass) * per_decade) - 1;
        for (int j = 1; j <= ni && no < cap; ++j) {
            const double t = (double)j / (ni + 1);
            dy_lpoint *p = &o[no++];
            memset(p, 0, sizeof *p);
            p->mass = grid[i].mass * exp(t * lr);
            p->grid = 0;
            for (int d = 0; d < n_sets; ++d) {
                p->S[d] = exp((1 - t) * log(grid[i].S[d]) + t * log(grid[i + 1].S[d]));
                p->sy[d] = (1 - t) * grid[i].sy[d] + t * grid[i + 1].sy[d];
            }
        }
    }
    free(k);
    *out = o;
    return no;
}

void dy_lpoint_model(const dy_limit_config *cfg, const dy_lpoint *p, dy_pl_model *m)
{
    const double st = total(p, cfg->n_sets);
    memset(m, 0, sizeof *m);
    m->n_bins = cfg->n_sets;
    for (int d = 0; d < cfg->n_sets; ++d) {
        const dy_limit_dataset *ds = &cfg->set[d];
        dy_pl_bin *b = &m->bin[d];
        b->s = st > 0.0 ? p->S[d] / st : 0.0;
        b->b = ds->background;
        b->n = ds->observed;
        b->sb = ds->background_rel_sigma;
        b->se = ds->eff_rel_sigma;
        b->sp = ds->pot_rel_sigma;
        b->ss = ds->shared_sig_rel_sigma;
        b->sbs = ds->shared_bkg_rel_sigma;
        b->sy = cfg->yield_error ? p->sy[d] : 0.0;
    }
}

dy_status dy_lpoint_events(const dy_limit_config *cfg, dy_lpoint *p, dy_error *err)
{
    if (!(total(p, cfg->n_sets) > 0.0)) {
        for (int k = 0; k < 6; ++k)
            p->ev[k] = HUGE_VAL;
        return DY_OK;
    }
    dy_pl_model m;
    dy_lpoint_model(cfg, p, &m);
    dy_pl_options o = {!strcmp(cfg->method, "cls-toys")           ? DY_PL_TOYS
                       : !strcmp(cfg->method, "cousins-highland") ? DY_PL_HYBRID
                                                                  : DY_PL_ASYMPTOTIC,
                       cfg->cl, cfg->n_toys, cfg->toy_seed};
    dy_pl_limit l;
    const dy_status st = dy_pl_upper(&m, &o, &l, err);
    if (st != DY_OK) return st;
    p->ev[0] = l.obs;
    p->ev[1] = l.median;
    p->ev[2] = l.m1;
    p->ev[3] = l.p1;
    p->ev[4] = l.m2;
    p->ev[5] = l.p2;
    p->toy_err = l.obs_toy_err;
    return DY_OK;
}
