/* thick_events.c — thick-target events by accept-reject over (E, element, final state)
 * (thick_events.h, docs/events.md "Thick targets"). */
#include "jobs/thick_events.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy_integrate.h"
#include "dy_process_table.h"
#include "dy_rng.h"
#include "physics/fold.h"
#include "engine/clock.h"

#define NSUB       8    /* cells per node interval (and per lambda octave) */
#define NSUB_MU    32   /* cells of the muon's box */
#define LAMBDA_MAX 64.0 /* as the fold: beyond it E = E0 to double precision */
#define FLOOR      1e-6 /* no (cell, element) below this share of the largest estimate */

/* The incident energy at v of cell c and the track length per unit v there (cm per unit v;
 * kind 2: the whole cell's path). */
static double cell_energy(const dy_thick *t, const dy_thick_cell *c, double v, double *tdv)
{
    const dy_tracklength *T = t->v.T;
    const double E0 = T->E0;
    if (c->kind == 0) {
        const double E = exp(v);
        *tdv = dy_tracklength_eval(T, E) * E; /* dE = E d ln E */
        return E;
    }
    if (c->kind == 1) {
        *tdv = dy_tracklength_eval_lambda(T, v); /* dL/dlambda, smooth at E -> E0 */
        return -E0 * expm1(-v);
    }
    if (c->kind == 2) {
        *tdv = t->L_rest;
        return E0;
    }
    *tdv = dy_tracklength_eval(T, v);
    return v;
}

/* Node cross section of element el interpolated linearly in z at E (the proposal only). */
static double sigma_interp(const dy_thick *t, int el, double E)
{
    const int K = t->v.K;
    const dy_events_point *nd = t->node + (size_t)el * K;
    if (K == 1) return fmax(nd[0].res.value, 0.0);
    const double *En = t->v.E;
    int j = 0;
    while (j + 2 < K && E > En[j + 1])
        ++j;
    const double z = dy_fold_z(E, En[0]), z0 = dy_fold_z(En[j], En[0]),
                 z1 = dy_fold_z(En[j + 1], En[0]);
    double a = z1 > z0 ? (z - z0) / (z1 - z0) : 0.0;
    a = a < 0.0 ? 0.0 : a > 1.0 ? 1.0 : a;
    return fmax((1.0 - a) * nd[j].res.value + a * nd[j + 1].res.value, 0.0);
}

/* The node nearest to E in z, never the threshold node (sigma ~ 0 there: its map has nothing
 * to adapt to) unless it is the only one. */
static int nearest_node(const dy_thick *t, double E)
{
    const int K = t->v.K;
    if (K == 1) return 0;
    const double z = dy_fold_z(E, t->v.E[0]);
    int best = 1;
    for (int k = 2; k < K; ++k)
        if (fabs(dy_fold_z(t->v.E[k], t->v.E[0]) - z) <
            fabs(dy_fold_z(t->v.E[best], t->v.E[0]) - z))
            best = k;
    return best;
}

static double lam_f(double lam, void *p)
{
    return dy_tracklength_eval_lambda(p, lam);
}

static dy_status add_cell(dy_thick *t, int *cap, double lo, double hi, int kind, dy_error *err)
{
    if (t->nc == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        dy_thick_cell *c = realloc(t->cell, (size_t)*cap * sizeof *c);
        if (!c) return dy_error_set(err, DY_ERR_NOMEM, "events: out of memory");
        t->cell = c;
    }
    dy_thick_cell *c = &t->cell[t->nc++];
    c->lo = lo;
    c->hi = hi;
    c->kind = kind;
    double tdv;
    c->node = nearest_node(t, cell_energy(t, c, 0.5 * (lo + hi), &tdv));
    return DY_OK;
}

static dy_status build_cells(dy_thick *t, dy_error *err)
{
    const dy_run_channel_view *v = &t->v;
    const double E0 = v->T->E0;
    int cap = 0;
    dy_status s = DY_OK;
    if (v->single_node) { /* the muon's box [E_low, E0], uniform in E */
        const double a = v->T->E_low, b = E0;
        for (int i = 0; i < NSUB_MU && !s; ++i)
            s = add_cell(t, &cap, a + (b - a) * i / NSUB_MU, a + (b - a) * (i + 1) / NSUB_MU, 3,
                         err);
        return s;
    }
    const int K = v->K;
    const int lam_last = v->E[K - 1] >= E0 * (1.0 - 1e-12);
    for (int j = 0; j + 1 < K && !s; ++j) {
        if (lam_last && j + 2 == K) { /* lambda octaves up to 64, as the fold */
            double l0 = -log1p(-v->E[j] / E0);
            while (l0 < LAMBDA_MAX && !s) {
                const double l1 = fmin(fmax(2.0 * l0, 1.0), LAMBDA_MAX);
                for (int i = 0; i < NSUB && !s; ++i)
                    s = add_cell(t, &cap, l0 + (l1 - l0) * i / NSUB,
                                 l0 + (l1 - l0) * (i + 1) / NSUB, 1, err);
                l0 = l1;
            }
            break;
        }
        const double a = log(v->E[j]), b = log(v->E[j + 1]);
        for (int i = 0; i < NSUB && !s; ++i)
            s = add_cell(t, &cap, a + (b - a) * i / NSUB, a + (b - a) * (i + 1) / NSUB, 0, err);
    }
    if (s || !lam_last) return s;
    /* the path beyond lambda = 64 (E = E0 in double precision), as the fold's last point */
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    gsl_function F = {lam_f, (void *)v->T};
    double ae;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = ws ? gsl_integration_qagiu(&F, LAMBDA_MAX, 1e-300, 1e-8, 200, ws, &t->L_rest, &ae)
                : GSL_ENOMEM;
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(ws);
    if (st && st != GSL_EROUND && st != GSL_EMAXITER)
        return dy_error_set(err, DY_ERR_NUMERIC,
                            "events: the track length beyond lambda = 64 "
                            "failed");
    t->L_rest += v->T->delta_T_cm; /* a photon beam's uncollided photons, at E0 */
    if (t->L_rest > 0.0) s = add_cell(t, &cap, 0.0, 1.0, 2, err);
    return s;
}

static dy_status build_proposal(dy_thick *t, dy_error *err)
{
    const int NE = t->v.nel;
    const size_t n = (size_t)t->nc * NE;
    t->cum = malloc(n * sizeof *t->cum);
    t->prob = malloc(n * sizeof *t->prob);
    if (!t->cum || !t->prob) return dy_error_set(err, DY_ERR_NOMEM, "events: out of memory");
    double top = 0.0, sum = 0.0;
    for (int c = 0; c < t->nc; ++c)
        for (int el = 0; el < NE; ++el) {
            const dy_thick_cell *cl = &t->cell[c];
            double est = 0.0, tdv;
            if (cl->kind == 2) {
                est = t->L_rest * sigma_interp(t, el, cell_energy(t, cl, 0.5, &tdv));
            } else {
                for (int q = 0; q < 3; ++q) { /* ends and middle: the largest */
                    const double vv = cl->lo + 0.5 * q * (cl->hi - cl->lo);
                    const double E = cell_energy(t, cl, vv, &tdv);
                    const double g = tdv * sigma_interp(t, el, E);
                    if (isfinite(g) && g > est) est = g;
                }
                est *= cl->hi - cl->lo;
            }
            est *= t->v.eln[el];
            t->prob[(size_t)c * NE + el] = est;
            if (est > top) top = est;
        }
    if (!(top > 0.0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "events: channel %s at m = %g GeV: every node cross section is zero, "
                            "there is nothing to generate",
                            t->v.name, t->v.mass);
    for (size_t i = 0; i < n; ++i) {
        if (t->prob[i] < FLOOR * top) t->prob[i] = FLOOR * top; /* every cell can be drawn */
        sum += t->prob[i];
    }
    double acc = 0.0;
    for (size_t i = 0; i < n; ++i) {
        t->prob[i] /= sum;
        acc += t->prob[i];
        t->cum[i] = acc;
    }
    t->cum[n - 1] = 1.0;
    return DY_OK;
}

dy_status dy_thick_init(dy_thick *t, dy_engine *e, const dy_run_channel_view *v,
                        const dy_vegas_options *o, dy_error *err)
{
    memset(t, 0, sizeof *t);
    t->v = *v;
    /* e+ e- -> gamma A' has no final-state builder for a node's map here (thin-target
     * `events --process annihilation --channel gamma` has one) */
    if (v->process == DY_PROC_annihilation)
        return dy_error_set(err, DY_ERR_INVALID,
                            "events: no thick-target events for channel %s (thin-target: "
                            "events --process annihilation --channel gamma)",
                            v->name);
    if (v->closed)
        return dy_error_set(err, DY_ERR_INVALID,
                            "events: channel %s is closed at m = %g GeV (threshold above the "
                            "beam energy): no events",
                            v->name, v->mass);
    const size_t n = (size_t)v->nel * v->K;
    t->node = calloc(n, sizeof *t->node);
    if (!t->node) return dy_error_set(err, DY_ERR_NOMEM, "events: out of memory");
    for (size_t i = 0; i < n; ++i)
        t->node[i].p = v->par[i];
    const double t0 = dy_wall_seconds();
    dy_status s = dy_events_integrate(e, t->node, n, o, err);
    t->seconds_integrate = dy_wall_seconds() - t0;
    if (s == DY_OK) s = build_cells(t, err);
    if (s == DY_OK) s = build_proposal(t, err);
    /* the draws' own stream: the first node's key, moved off every integral's */
    t->key = dy_stream_key(&t->node[0].p) ^ 0x746869636b657673ULL;
    return s;
}

typedef struct drawn {
    int cell, el;
    double E, w, jac, acc, phi;
    double u[DY_MAX_DIM];
    dy_params p;
} drawn;

/* Draw `sample` of pass `it`: its (cell, element), E, integral at E, unit-cube point, weight. */
static void draw(const dy_thick *t, uint32_t it, uint32_t sample, drawn *d)
{
    const int NE = t->v.nel, dim = (int)t->node[0].p.dim;
    double y[DY_MAX_DIM + 4];
    dy_rng_uniforms(t->seed, t->key, it, sample, (dy_u32)dim + 4, y);
    /* (cell, element): the first cumulative probability above y[0] */
    const size_t n = (size_t)t->nc * NE;
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (t->cum[mid] > y[0])
            hi = mid;
        else
            lo = mid + 1;
    }
    d->cell = (int)(lo / NE);
    d->el = (int)(lo % NE);
    const dy_thick_cell *c = &t->cell[d->cell];
    double tdv;
    d->E = cell_energy(t, c, c->lo + y[1] * (c->hi - c->lo), &tdv);
    dy_run_channel_params(&t->v, d->el, d->E, &d->p);
    const dy_events_point *nd = &t->node[(size_t)d->el * t->v.K + c->node];
    d->p.dim = nd->p.dim; /* 4-D brem: the final state needs phi */
    /* the point on the node's map, from uniforms y[2 ..] (dy_engine_point's map) */
    d->jac = 1.0;
    for (int k = 0; k < dim; ++k) {
        const double yn = y[2 + k] * DY_NBINS;
        uint32_t b = (uint32_t)yn;
        if (b >= DY_NBINS) b = DY_NBINS - 1;
        const double *edge = nd->map + (size_t)k * (DY_NBINS + 1);
        const double width = edge[b + 1] - edge[b];
        d->u[k] = edge[b] + (yn - (double)b) * width;
        d->jac *= width * DY_NBINS;
    }
    d->acc = y[2 + dim];
    d->phi = DY_TWO_PI * y[3 + dim];
    double obs[DY_MAX_OBS];
    const double f = dy_integrand(&d->p, d->u, obs, 0);
    const double width = c->kind == 2 ? 1.0 : c->hi - c->lo;
    d->w = t->v.scale * t->v.eln[d->el] * tdv * width * f * d->jac / t->prob[lo];
}

/* Weights and acceptance uniforms of draws [0, n) of pass it (in parallel: each depends only on
 * its own counter, so the order of evaluation never matters). */
static dy_status weights(const void *ctx, uint32_t it, uint32_t n, double *w, double *u,
                         dy_error *err)
{
    (void)err;
    const dy_thick *t = ctx;
#pragma omp parallel for schedule(static)
    for (uint32_t i = 0; i < n; ++i) {
        drawn d;
        draw(t, it, i, &d);
        w[i] = d.w;
        u[i] = d.acc;
    }
    return DY_OK;
}

dy_status dy_thick_unweight(dy_thick *t, const dy_unweight_options *o, dy_error *err)
{
    const double t0 = dy_wall_seconds();
    t->seed = o->seed;
    free(t->draws);
    t->draws = o->n_events ? malloc((size_t)o->n_events * sizeof *t->draws) : NULL;
    t->n_events = o->n_events;
    const dy_unweight_source src = {
        weights,           t,       DY_THICK_ITER_PILOT, DY_THICK_ITER_GEN, DY_THICK_PASS_MIN,
        DY_THICK_PASS_MAX, "yield", "proposal"};
    const dy_status s = dy_unweight_accept(&src, o, t->draws, &t->st, err);
    t->seconds_unweight = dy_wall_seconds() - t0;
    return s;
}

int dy_thick_event(const dy_thick *t, uint64_t i, int boson_pdg, dy_event *ev, double *E_inc)
{
    drawn d;
    draw(t, t->draws[i].iteration, t->draws[i].sample, &d);
    if (E_inc) *E_inc = d.E;
    if (d.p.process == DY_PROC_compton) return dy_compton_event(&d.p, d.u, d.phi, boson_pdg, ev);
    if (d.p.process == DY_PROC_primakoff)
        return dy_primakoff_event(&d.p, d.u, d.phi, boson_pdg, ev);
    const int r = dy_brem_event(&d.p, d.u, d.phi, boson_pdg, ev);
    if (r == 0 && !strcmp(t->v.name, "brem-e+")) /* the same integrand, a positron's lines */
        ev->part[0].pdg = ev->part[2].pdg = -11;
    return r;
}

void dy_thick_free(dy_thick *t)
{
    const size_t n = (size_t)t->v.nel * t->v.K;
    for (size_t i = 0; t->node && i < n; ++i)
        dy_events_point_free(&t->node[i]);
    free(t->node);
    free(t->cell);
    free(t->cum);
    free(t->prob);
    free(t->draws);
    memset(t, 0, sizeof *t);
}
