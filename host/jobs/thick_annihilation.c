/* thick_annihilation.c — thick-target annihilation events: E+ by accept-reject on a mixture
 * proposal, then the thin-target final state (thick_annihilation.h, docs/events.md). */
#include "jobs/thick_annihilation.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dy_process_table.h"
#include "dy_rng.h"
#include "engine/clock.h"

#define NLN        128  /* cells in ln E+ below E_a */
#define NOCT       8    /* cells per octave of lambda above */
#define LAMBDA_MAX 64.0 /* as the run's fold: beyond it E+ = E0 to double precision */
#define FLOOR      1e-6 /* no cell below this share of the largest estimate */
#define ANG_BLOCKS 1000 /* blocks of 4 angle pairs before the final state gives up */

/* Target density per incident particle: per unit E+ below E_a, per unit lambda above (the
 * run's ann_integrand / ann_integrand_lambda, times n_e and the scale). */
static double target_E(const dy_thick_ann *t, double E)
{
    return t->v.scale * t->v.n_e * dy_tracklength_eval(t->v.T, E) * dy_run_ann_sigma(&t->v, E);
}

static double target_lam(const dy_thick_ann *t, double lam)
{
    const double E = -t->E0 * expm1(-lam);
    return t->v.scale * t->v.n_e * dy_tracklength_eval_lambda(t->v.T, lam) *
           dy_run_ann_sigma(&t->v, E);
}

/* A's density per unit E+ */
static double bw_density(const dy_thick_ann *t, double E)
{
    const double m = t->v.ac.m_ap, x = (dy_annih_s(E) - m * m) / t->G;
    return 2.0 * DY_M_E / t->G / ((1.0 + x * x) * (t->th_hi - t->th_lo));
}

/* The H cell holding ln E+ (lam 0) or lambda (lam 1): binary search over contiguous cells
 * (the ln E cells first). */
static int find_cell(const dy_thick_ann *t, int lam, double v)
{
    int lo = 0, hi = t->nc - 1;
    while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        const dy_thick_ann_cell *c = &t->cell[mid];
        if (c->lam < lam || (c->lam == lam && c->lo <= v))
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The weight of a continuous point E+ (lam: its lambda, or < 0 below E_a). */
static double weight_at(const dy_thick_ann *t, double E, double lam)
{
    if (lam < 0.0) {
        if (!(E >= t->v.E_thr && E < t->E_a)) return 0.0;
        const int c = find_cell(t, 0, log(E));
        const dy_thick_ann_cell *cl = &t->cell[c];
        double g = t->pA * bw_density(t, E);
        if (!cl->lam) g += t->pH * t->q[c] / (E * (cl->hi - cl->lo));
        return g > 0.0 ? target_E(t, E) / g : 0.0;
    }
    if (!(lam >= t->lam_a && lam <= LAMBDA_MAX)) return 0.0; /* beyond 64: the atom C */
    const int c = find_cell(t, 1, lam);
    const dy_thick_ann_cell *cl = &t->cell[c];
    double g = t->pA * bw_density(t, E) * t->E0 * exp(-lam);
    if (cl->lam) g += t->pH * t->q[c] / (cl->hi - cl->lo);
    return g > 0.0 ? target_lam(t, lam) / g : 0.0;
}

typedef struct drawn {
    double E, w, acc, ych, phi;
} drawn;

static void draw(const dy_thick_ann *t, uint32_t it, uint32_t sample, drawn *d)
{
    double y[7];
    dy_rng_uniforms(t->seed, t->key, it, sample, 7, y);
    const double yp = y[2] + (y[3] - 0.5) * 0x1p-32; /* 64-bit resolution: far BW tails */
    d->acc = y[4];
    d->ych = y[5];
    d->phi = DY_TWO_PI * y[6];
    if (y[0] < t->pC) { /* C: the path beyond lambda = 64, at E0 */
        d->E = t->E0;
        d->w = t->atom / t->pC;
        return;
    }
    double E, lam = -1.0;
    if (y[0] < t->pC + t->pA) { /* A: x = tan(theta), theta uniform */
        const double m = t->v.ac.m_ap;
        const double x = tan(t->th_lo + yp * (t->th_hi - t->th_lo));
        E = (m * m + t->G * x - 2.0 * DY_M_E * DY_M_E) / (2.0 * DY_M_E);
        E = fmin(fmax(E, t->v.E_thr), t->E0);
        if (E >= t->E_a) lam = E < t->E0 ? -log1p(-E / t->E0) : INFINITY;
    } else { /* H: a cell by its share, uniform inside */
        int lo = 0, hi = t->nc - 1;
        while (lo < hi) {
            const int mid = (lo + hi) / 2;
            if (t->cum[mid] > y[1])
                hi = mid;
            else
                lo = mid + 1;
        }
        const dy_thick_ann_cell *c = &t->cell[lo];
        const double v = c->lo + yp * (c->hi - c->lo);
        if (c->lam) {
            lam = v;
            E = -t->E0 * expm1(-v);
        } else {
            E = exp(v);
        }
    }
    d->E = E;
    d->w = weight_at(t, E, lam);
}

static dy_status weights(const void *ctx, uint32_t it, uint32_t n, double *w, double *u,
                         dy_error *err)
{
    (void)err;
    const dy_thick_ann *t = ctx;
#pragma omp parallel for schedule(static)
    for (uint32_t i = 0; i < n; ++i) {
        drawn d;
        draw(t, it, i, &d);
        w[i] = d.w;
        u[i] = d.acc;
    }
    return DY_OK;
}

static double lam_f(double lam, void *p)
{
    return dy_tracklength_eval_lambda(p, lam);
}

static dy_status add_cell(dy_thick_ann *t, int *cap, double lo, double hi, int lam, dy_error *err)
{
    if (t->nc == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        dy_thick_ann_cell *c = realloc(t->cell, (size_t)*cap * sizeof *c);
        if (!c) return dy_error_set(err, DY_ERR_NOMEM, "events: out of memory");
        t->cell = c;
    }
    t->cell[t->nc++] = (dy_thick_ann_cell){lo, hi, lam};
    return DY_OK;
}

/* The estimated share of cell c: the largest density of its ends and middle times its width. */
static double cell_estimate(const dy_thick_ann *t, const dy_thick_ann_cell *c)
{
    double est = 0.0;
    for (int k = 0; k < 3; ++k) {
        const double v = c->lo + 0.5 * k * (c->hi - c->lo);
        const double g = c->lam ? target_lam(t, v) : exp(v) * target_E(t, exp(v));
        if (isfinite(g) && g > est) est = g;
    }
    return est * (c->hi - c->lo);
}

static dy_status refuse(const dy_run_ann_view *v, const char *why, dy_error *err)
{
    return dy_error_set(err, DY_ERR_INVALID,
                        "events: channel %s at m = %g GeV: %s; thick-target annihilation events "
                        "need the at-rest Breit-Wigner of the run (docs/events.md)",
                        v->name, v->mass, why);
}

dy_status dy_thick_ann_init(dy_thick_ann *t, const dy_run_ann_view *v, dy_error *err)
{
    memset(t, 0, sizeof *t);
    t->v = *v;
    const dy_annih_config *ac = &v->ac;
    if (v->closed)
        return refuse(v, "no yield (m <= 2 m_e, or the threshold lies above the beam energy)", err);
    if (v->extras)
        return refuse(v, "annihilation.electron_motion / isr are on (narrow-width kernels)", err);
    if (v->spread > 0.0) return refuse(v, "the beam has an energy spread", err);
    if (v->visible && ac->gamma_had > 0.0)
        return refuse(v, "the visible A' decays to hadrons here (R ratio), not generated", err);
    const double m3 = v->visible ? DY_M_E : ac->m_chi;
    const double m4 =
        v->visible ? DY_M_E : ac->m_chi * (ac->dm_kind == DY_DM_INELASTIC ? 1.0 + ac->delta : 1.0);
    if (m3 + m4 >= ac->m_ap)
        return refuse(v, "the A' cannot decay on shell (m_1 + m_2 >= m): an off-shell continuum",
                      err);
    t->E0 = v->T->E0;
    if (v->visible && ac->m_ap <= 2.0 * DY_M_MU && dy_annih_s(t->E0) > 4.0 * DY_M_MU * DY_M_MU)
        return refuse(v, "the mu mu continuum above an A' lighter than 2 m_mu is reached", err);
    const dy_ap_widths wd =
        dy_ap_widths_at(ac->m_ap, ac->eps, ac->alpha_d, ac->m_chi, ac->delta, ac->dm_kind);
    t->G = ac->m_ap * (wd.total + ac->gamma_had);
    if (!(t->G > 0.0)) return refuse(v, "the A' has no width", err);
    const double m2 = ac->m_ap * ac->m_ap;
    t->th_lo = atan((dy_annih_s(v->E_thr) - m2) / t->G);
    t->th_hi = atan((dy_annih_s(t->E0) - m2) / t->G);
    t->E_a = fmax(v->E_thr, 0.5 * t->E0);
    t->lam_a = -log1p(-t->E_a / t->E0);
    int cap = 0;
    dy_status s = DY_OK;
    if (t->E_a > v->E_thr) {
        const double a = log(v->E_thr), b = log(t->E_a);
        for (int i = 0; i < NLN && !s; ++i)
            s = add_cell(t, &cap, a + (b - a) * i / NLN, a + (b - a) * (i + 1) / NLN, 0, err);
    }
    for (double l0 = t->lam_a; l0 < LAMBDA_MAX && !s;) { /* lambda octaves, as the fold */
        const double l1 = fmin(fmax(2.0 * l0, 1.0), LAMBDA_MAX);
        for (int i = 0; i < NOCT && !s; ++i)
            s = add_cell(t, &cap, l0 + (l1 - l0) * i / NOCT, l0 + (l1 - l0) * (i + 1) / NOCT, 1,
                         err);
        l0 = l1;
    }
    if (s) return s;
    t->q = malloc((size_t)t->nc * sizeof *t->q);
    t->cum = malloc((size_t)t->nc * sizeof *t->cum);
    if (!t->q || !t->cum) return dy_error_set(err, DY_ERR_NOMEM, "events: out of memory");
    double top = 0.0, sum = 0.0, acc = 0.0;
    for (int c = 0; c < t->nc; ++c) {
        t->q[c] = cell_estimate(t, &t->cell[c]);
        if (t->q[c] > top) top = t->q[c];
    }
    if (!(top > 0.0)) return refuse(v, "T+ sigma vanishes on every cell", err);
    for (int c = 0; c < t->nc; ++c) {
        if (t->q[c] < FLOOR * top) t->q[c] = FLOOR * top;
        sum += t->q[c];
    }
    for (int c = 0; c < t->nc; ++c) {
        t->q[c] /= sum;
        acc += t->q[c];
        t->cum[c] = acc;
    }
    t->cum[t->nc - 1] = 1.0;
    /* C: the path beyond lambda = 64 at E0, as the run's fold (its ann_tail) */
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    gsl_function F = {lam_f, (void *)v->T};
    double ae;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    const int st =
        ws ? gsl_integration_qagiu(&F, LAMBDA_MAX, 1e-300, 1e-8, 1000, ws, &t->L_rest, &ae)
           : GSL_ENOMEM;
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(ws);
    if (st && st != GSL_EROUND)
        return dy_error_set(err, DY_ERR_NUMERIC,
                            "events: the positrons' path beyond lambda = 64 failed (%s)",
                            gsl_strerror(st));
    t->atom = v->scale * v->n_e * t->L_rest * dy_run_ann_sigma(v, t->E0);
    /* mixture: C with (about) its share of the run's yield, A and H half the rest each */
    if (t->atom > 0.0)
        t->pC = v->N_total > 0.0 ? fmin(0.5, fmax(0.02, t->atom / v->N_total)) : 0.02;
    t->pA = t->pH = 0.5 * (1.0 - t->pC);
    uint64_t mb;
    memcpy(&mb, &v->mass, sizeof mb);
    t->key = 0x616e6e69686c6174ULL ^ mb; /* apart from every VEGAS and thin-target stream */
    return DY_OK;
}

dy_status dy_thick_ann_unweight(dy_thick_ann *t, const dy_unweight_options *o, dy_error *err)
{
    const double t0 = dy_wall_seconds();
    t->seed = o->seed;
    free(t->draws);
    t->draws = o->n_events ? malloc((size_t)o->n_events * sizeof *t->draws) : NULL;
    t->n_events = o->n_events;
    const dy_unweight_source src = {weights,
                                    t,
                                    DY_THICK_ANN_ITER_PILOT,
                                    DY_THICK_ANN_ITER_GEN,
                                    DY_THICK_PASS_MIN,
                                    DY_THICK_PASS_MAX,
                                    "yield",
                                    "proposal"};
    const dy_status s = dy_unweight_accept(&src, o, t->draws, &t->st, err);
    t->seconds_unweight = dy_wall_seconds() - t0;
    return s;
}

int dy_thick_ann_event(const dy_thick_ann *t, uint64_t i, int ap_pdg, dy_event *ev, double *E_pos)
{
    drawn d;
    const uint32_t it = t->draws[i].iteration, sm = t->draws[i].sample;
    draw(t, it, sm, &d);
    if (E_pos) *E_pos = d.E;
    dy_annih_config ac = t->v.ac;
    ac.e_pos = d.E;
    if (t->v.visible) { /* ee or mumu by their cross sections at this E+ (no hadrons here) */
        ac.channel = DY_ANN_CH_EE;
        const double see = dy_annih_sigma_total(&ac);
        ac.channel = DY_ANN_CH_MUMU;
        const double smm = dy_annih_sigma_total(&ac);
        ac.channel = d.ych * (see + smm) < see ? DY_ANN_CH_EE : DY_ANN_CH_MUMU;
    }
    dy_params p;
    memset(&p, 0, sizeof p);
    p.process = DY_PROC_annihilation;
    if (dy_proc_annihilation_setup(&p, &ac) != DY_ANN_OK) return -1;
    /* c = 2u - 1 with density C0 + C2 c^2 (>= 0): accept-reject on C0 + max(C2, 0) */
    const double C0 = p.par[DY_ANN_C0], C2 = p.par[DY_ANN_C2], top = C0 + fmax(C2, 0.0);
    if (!(top > 0.0)) return -1;
    for (uint32_t b = 0; b < ANG_BLOCKS; ++b) {
        double y[8];
        dy_rng_uniforms(t->seed, t->key ^ (0x100000000ULL + b), it, sm, 8, y);
        for (int k = 0; k < 8; k += 2) {
            const double c = 2.0 * y[k] - 1.0;
            if (y[k + 1] * top < C0 + C2 * c * c)
                return dy_annihilation_event(&p, &y[k], d.phi, ap_pdg, ev);
        }
    }
    return -1;
}

void dy_thick_ann_free(dy_thick_ann *t)
{
    free(t->cell);
    free(t->q);
    free(t->cum);
    free(t->draws);
    memset(t, 0, sizeof *t);
}
