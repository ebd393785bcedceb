/* run.c — the main job (see run.h).  Channels: brem of shower e- and e+ (or of the beam muon),
 * resonant annihilation of shower positrons on atomic electrons, associated production e+ e- ->
 * gamma A' of positrons on atomic electrons, Primakoff production by shower photons, dark Compton
 * gamma e- -> e- A' of shower photons on atomic electrons.  MC cross sections
 * at log-spaced energy nodes come from one engine call; the folding N = n * int dE T(E) sigma(E)
 * uses host/physics/fold.c.  Annihilation, whose Breit-Wigner is too narrow for nodes, is folded by
 * adaptive quadrature of its closed-form sigma(E+). */
#include "run.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_interp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dy_process_table.h"
#include "physics/annih_bound.h"
#include "physics/brem_ww.h"
#include "physics/conventions.h"
#include "physics/couplings.h"
#include "physics/fold.h"
#include "physics/geometry.h"
#include "physics/materials.h"
#include "physics/rratio.h"
#include "physics/tracklength.h"
#include "processes/dy_proc_annihilation.h"
#include "processes/dy_proc_compton.h"
#include "processes/dy_proc_primakoff.h"

#define MAXCH             DY_GRID_MAX_CHANNELS
#define XBINS             200   /* x = E_X/E bins of the node histograms */
#define ELEM_FRACTION_MIN 0.005 /* elements below 0.5 % of sum n Z^2 are dropped (and reported) */

typedef struct channel {
    char name[32];
    int kind;    /* 0 node-folded MC (brem, primakoff, compton, annihilation-gamma), 1 annihilation
                    quadrature */
    int process; /* DY_PROC_brem / _primakoff / _compton / _annihilation (annihilation-gamma) */
    double escale;    /* compton, annihilation-gamma: n_e / sum_kept n_el Z_el (per-electron sigma,
                         every electron); else 1 */
    dy_tracklength T; /* track length of the particle that produces */
    int single_node;  /* muon beam: one node at the mean energy, N = n L sigma */
    double E_mean, L_cm; /* muon */
    int first_param;     /* index of the channel's first integral, or -1 (shares another) */
    int shares;          /* channel index whose integrals it reuses (e+ brem = e- brem) */
    double box[DY_CFG_MAX_MASSES]; /* muon: relative error of the one-node rule, per mass */
    double *cutw;     /* [mass][node][x bin]: the value rule's weights of the yield above the cut */
    int func;         /* the engine functional (0 or 1) that estimates this channel's cut yield */
    dy_geo_depth dep; /* production-depth table (geometry.depth_bins > 0) */
} channel;

typedef struct plan {
    const dy_config *cfg;
    dy_material mat;
    double L_cm, L_X0;
    int lepton; /* brem: 0 e, 1 mu */
    int nch;
    channel ch[MAXCH];
    int verbose;                   /* notes on stderr (dy_run_open's verbose) */
    int nel;                       /* elements kept */
    double elZ[8], elA[8], eln[8]; /* Z, A, atoms/cm^3 */
    int K;                         /* nodes per (channel, mass, element) */
    dy_yield_grid ann; /* annihilation (closed-form sigma, no MC): folded at plan time; errors =
                          quadrature errors */
} plan;

static dy_status plan_folds(plan *P, dy_error *err);

/* Geometry outputs (docs/geometry.md): which channels have an angle model, and the depth table
 * of every channel's track length. */
static dy_status plan_geometry(plan *P, dy_error *err)
{
    const dy_config *c = P->cfg;
    for (int i = 0; i < P->nch; ++i) {
        channel *ch = &P->ch[i];
        if (c->theta_bins > 0 && ch->process == DY_PROC_primakoff)
            return dy_error_set(err, DY_ERR_INVALID,
                                "%s: geometry.theta_bins: no angular model for primakoff yet "
                                "(set theta_bins: 0)",
                                c->path);
        if (c->depth_bins > 0) {
            dy_status s = dy_geo_depth_init(&ch->dep, &ch->T, &P->mat, c->depth_bins, err);
            if (s != DY_OK) {
                if (err) {
                    const size_t n = strlen(err->msg);
                    snprintf(err->msg + n, sizeof err->msg - n, " (%s, channel %s)", c->path,
                             ch->name);
                }
                return s;
            }
        }
    }
    return DY_OK;
}

static dy_status find_material(const char *name, dy_material *m, dy_error *err)
{
    char alt[64];
    if (dy_material_lookup(name, m, NULL) == DY_OK) return DY_OK;
    snprintf(alt, sizeof alt, "%s", name); /* "na64-ecal" and "na64_ecal" are the same */
    for (char *p = alt; *p; ++p)
        if (*p == '-') *p = '_';
    if (dy_material_lookup(alt, m, NULL) == DY_OK) return DY_OK;
    return dy_material_lookup(name, m, err);
}

static int beam_particle(const char *s)
{
    if (!strcmp(s, "e-")) return DY_PARTICLE_ELECTRON;
    if (!strcmp(s, "e+")) return DY_PARTICLE_POSITRON;
    if (!strcmp(s, "gamma")) return DY_PARTICLE_PHOTON;
    return DY_PARTICLE_MUON;
}

static int mediator_index(const char *s)
{
    return !strcmp(s, "scalar") ? 1 : !strcmp(s, "pseudoscalar") ? 2 : !strcmp(s, "axial") ? 3 : 0;
}

/* Add a shower (or thin-target) channel of species sp. */
static dy_status add_channel(plan *P, const char *name, int kind, int process, int sp,
                             dy_error *err)
{
    const dy_config *c = P->cfg;
    channel *ch = &P->ch[P->nch];
    dy_status s;
    const int beam = beam_particle(c->beam.particle);
    memset(ch, 0, sizeof *ch);
    snprintf(ch->name, sizeof ch->name, "%s", name);
    ch->kind = kind;
    ch->process = process;
    ch->shares = -1;
    const int tl = sp == DY_PARTICLE_ELECTRON ? 0 : sp == DY_PARTICLE_POSITRON ? 1 : 2;
    if (beam != DY_PARTICLE_MUON && c->target.tracklength_file[tl][0]) {
        /* imported spectrum (e.g. from a Geant4 run of the full detector) */
        s = dy_tracklength_init_csv(&ch->T, c->target.tracklength_file[tl], sp, c->beam.energy_GeV,
                                    err);
    } else if (beam == DY_PARTICLE_MUON) {
        s = dy_tracklength_init_muon(&ch->T, &P->mat, c->beam.energy_GeV, P->L_cm, -1.0, err);
        if (s == DY_OK) s = dy_tracklength_muon_mean(&ch->T, &ch->E_mean, &ch->L_cm);
        ch->single_node = 1;
    } else if (P->L_X0 <= 0.3 && sp == beam) {
        /* thin target: the primary with Tsai's straggling (docs/tracklengths.md) */
        s = dy_tracklength_init_thin(&ch->T, &P->mat, c->beam.energy_GeV, P->L_cm, beam,
                                     DY_PARTICLE_PRIMARY, err);
    } else {
        dy_shower_opts o;
        dy_shower_opts_default(&o);
        o.approx_b = 1; /* ionisation below a few E_c (Rossi approximation B factor) */
        s = dy_tracklength_init_shower(&ch->T, &P->mat, c->beam.energy_GeV, P->L_cm, beam, sp, &o,
                                       err);
    }
    if (s == DY_OK) ++P->nch;
    return s;
}

static dy_status make_plan(const dy_config *c, int verbose, plan *P, dy_error *err)
{
    dy_status s;
    memset(P, 0, sizeof *P);
    P->cfg = c;
    P->verbose = verbose;
    if ((s = find_material(c->target.material, &P->mat, err)) != DY_OK) return s;
    P->L_cm =
        c->target.thickness_cm > 0 ? c->target.thickness_cm : c->target.thickness_X0 * P->mat.X0_cm;
    P->L_X0 = P->L_cm / P->mat.X0_cm;
    /* a beam-energy spread is folded for annihilation only (its narrow resonance is where it
     * matters: ann_spread_table); the node channels' sigma varies slowly with E0 */
    if (c->beam.spread_GeV > 0)
        for (int i = 0; i < c->n_processes; ++i)
            if (strcmp(c->processes[i], "annihilation"))
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: beam.spread_GeV > 0 is supported for processes: "
                                    "[annihilation] only (got %s; set the spread to 0)",
                                    c->path, c->processes[i]);
    const int beam = beam_particle(c->beam.particle);
    const int alp = !strcmp(c->model.mediator, "alp");
    P->lepton = beam == DY_PARTICLE_MUON;
    P->K = c->quad_nodes;
    for (int i = 0; i < c->n_processes; ++i) {
        const char *p = c->processes[i];
        if (!strcmp(p, "brem") || !strcmp(p, "brem-positron")) {
            if (alp)
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: process brem needs a vector, "
                                    "scalar, pseudoscalar or axial mediator, not alp (ALPs are "
                                    "produced by primakoff)",
                                    c->path);
            if (beam == DY_PARTICLE_MUON) {
                if (!strcmp(p, "brem") &&
                    (s = add_channel(P, "brem-mu", 0, DY_PROC_brem, beam, err)))
                    return s;
            } else if (beam == DY_PARTICLE_PHOTON) {
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: brem with a photon beam is not "
                                    "supported",
                                    c->path);
            } else {
                /* "brem": the beam's own sign (primary and shower) and, in a thick target, the
                 * other sign (shower); "brem-positron": the e+ channel in any target */
                const int thick = P->L_X0 > 0.3, own_ep = beam == DY_PARTICLE_POSITRON;
                const int em = !strcmp(p, "brem") && (!own_ep || thick);
                const int ep =
                    (!strcmp(p, "brem") && (own_ep || thick)) || !strcmp(p, "brem-positron");
                int have_ep = 0; /* "brem" on a thick target already has the e+ channel */
                for (int k = 0; k < P->nch; ++k)
                    have_ep |= !strcmp(P->ch[k].name, "brem-e+");
                if (em &&
                    (s = add_channel(P, "brem-e-", 0, DY_PROC_brem, DY_PARTICLE_ELECTRON, err)))
                    return s;
                if (ep && !have_ep &&
                    (s = add_channel(P, "brem-e+", 0, DY_PROC_brem, DY_PARTICLE_POSITRON, err)))
                    return s;
            }
        } else if (!strcmp(p, "annihilation")) {
            if (strcmp(c->model.mediator, "vector") || beam == DY_PARTICLE_MUON)
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: annihilation needs an electron, positron or photon beam "
                                    "and model.mediator: vector (got %s)",
                                    c->path, c->model.mediator);
            if ((s = add_channel(P, "annihilation", 1, -1, DY_PARTICLE_POSITRON, err))) return s;
        } else if (!strcmp(p, "primakoff")) {
            if (!alp)
                return dy_error_set(err, DY_ERR_INVALID, "%s: primakoff needs model.mediator: alp",
                                    c->path);
            if (beam == DY_PARTICLE_MUON)
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: primakoff needs shower photons "
                                    "(electron or photon beam)",
                                    c->path);
            if ((s = add_channel(P, "primakoff", 0, DY_PROC_primakoff, DY_PARTICLE_PHOTON, err)))
                return s;
        } else if (!strcmp(p, "compton")) {
            if (strcmp(c->model.mediator, "vector") || beam == DY_PARTICLE_MUON)
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: compton needs shower photons (electron, positron or "
                                    "photon beam) and model.mediator: vector (got %s)",
                                    c->path, c->model.mediator);
            if ((s = add_channel(P, "compton", 0, DY_PROC_compton, DY_PARTICLE_PHOTON, err)))
                return s;
        } else if (!strcmp(p, "annihilation-gamma")) {
            if (strcmp(c->model.mediator, "vector") || beam == DY_PARTICLE_MUON)
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: annihilation-gamma needs an electron, positron or photon "
                                    "beam and model.mediator: vector (got %s)",
                                    c->path, c->model.mediator);
            if ((s = add_channel(P, "annihilation-gamma", 0, DY_PROC_annihilation,
                                 DY_PARTICLE_POSITRON, err)))
                return s;
        } else {
            return dy_error_set(err, DY_ERR_INVALID, "%s: unknown process '%s'", c->path, p);
        }
    }
    /* the folding error needs embedded rules on every other node (fold.h) */
    for (int i = 0; i < P->nch; ++i)
        if (P->ch[i].kind == 0 && !P->ch[i].single_node && P->K < DY_FOLD_MIN_NODES)
            return dy_error_set(
                err, DY_ERR_INVALID,
                "%s: quadrature.nodes = %d is too few for the folding and its "
                "error estimate of channel %s (at least %d; 17 or more recommended)",
                c->path, P->K, P->ch[i].name, DY_FOLD_MIN_NODES);
    /* brem from e+ reuses the e- cross sections (equal at tree level with one-photon exchange) */
    for (int a = 0; a < P->nch; ++a)
        for (int b = 0; b < a; ++b)
            if (P->ch[a].process == DY_PROC_brem && P->ch[b].process == DY_PROC_brem &&
                !P->ch[a].single_node && P->ch[a].shares < 0)
                P->ch[a].shares = b;
    /* elements: keep those with >= 0.5 % of sum n Z^2 (brem and Primakoff scale as Z^2) */
    double tot = 0.0, kept = 0.0;
    for (int i = 0; i < P->mat.n_elem; ++i) {
        const double n = DY_N_AVOGADRO * P->mat.density * P->mat.w[i] / P->mat.A[i];
        tot += n * P->mat.Z[i] * P->mat.Z[i];
    }
    for (int i = 0; i < P->mat.n_elem && P->nel < 8; ++i) {
        const double n = DY_N_AVOGADRO * P->mat.density * P->mat.w[i] / P->mat.A[i];
        if (n * P->mat.Z[i] * P->mat.Z[i] < ELEM_FRACTION_MIN * tot) continue;
        P->elZ[P->nel] = P->mat.Z[i];
        P->elA[P->nel] = P->mat.A[i];
        P->eln[P->nel++] = n;
        kept += n * P->mat.Z[i] * P->mat.Z[i];
    }
    /* compton and annihilation-gamma are per electron (free, at rest): sum_el n_el Z_el sigma_e
     * over the kept elements, rescaled to every electron of the material, n_e sigma_e, which is
     * exact */
    double nz = 0.0;
    for (int i = 0; i < P->nel; ++i)
        nz += P->eln[i] * P->elZ[i];
    for (int i = 0; i < P->nch; ++i)
        P->ch[i].escale =
            (P->ch[i].process == DY_PROC_compton || P->ch[i].process == DY_PROC_annihilation) &&
                    nz > 0.0
                ? P->mat.n_e / nz
                : 1.0;
    if (kept < tot && P->verbose)
        fprintf(stderr,
                "darkyield: note: elements with %.2g %% of sum n Z^2 of %s dropped from "
                "brem/Primakoff\n",
                100.0 * (1.0 - kept / tot), P->mat.name);
    if ((s = plan_geometry(P, err)) != DY_OK) return s;
    if ((s = plan_folds(P, err)) != DY_OK) dy_yield_grid_free(&P->ann);
    return s;
}

/* Lowest production energy of a channel for mass m. */
static double threshold(const plan *P, const channel *ch, double m)
{
    if (ch->process == DY_PROC_brem) return (m + (P->lepton ? DY_M_MU : DY_M_E)) * (1.0 + 1e-6);
    if (ch->process == DY_PROC_compton) /* s = m_e^2 + 2 m_e E > (m_e + m)^2 */
        return (m + m * m / (2.0 * DY_M_E)) * (1.0 + 1e-6);
    if (ch->process == DY_PROC_annihilation) {
        /* e+ e- -> gamma A': the photon's CM energy w = (s - m^2)/(2 sqrt s) reaches the config's
         * least w0 at sqrt s = w0 + sqrt(w0^2 + m^2); s = 2 m_e^2 + 2 m_e E+ (threshold s = m^2,
         * where sigma ~ 1/(s - m^2) diverges: the soft photon) */
        const double w0 = P->cfg->ann_photon_min_GeV, rs = w0 + sqrt(w0 * w0 + m * m);
        return fmax((rs * rs - 2.0 * DY_M_E * DY_M_E) / (2.0 * DY_M_E), DY_M_E * (1.0 + 1e-9));
    }
    return m * (1.0 + 1e-6) + m * m / (2.0 * P->elA[0] * DY_AMU_GEV); /* Primakoff */
}

typedef struct ann_ctx {
    const dy_tracklength *T;
    dy_annih_config ac;
    int visible; /* 1: inclusive visible A' (ee + mumu): the limit applies the branching ratio */
    /* narrow-width extras (electron motion, ISR): sigma = I K(E+) instead of the at-rest BW */
    const dy_annih_extras *ex;
    double I;              /* int sigma_rest dE+, pb GeV */
    int nk;                /* > 0: K from the table (motion and ISR together) */
    const double *kv, *kk; /* table: v = (E+ - E_R)/P and E+ K */
    gsl_interp *kip;
    gsl_interp_accel *kacc;
    double brk[4 * DY_SHELLS_MAX]; /* extra break points in E+ */
    int nbrk;
    int leg; /* 1: the positron-leg half of ISR: I K_motion(E') T_isr(E') (annih_bound.h) */
    const dy_geo_depth *dep; /* non-NULL: only the positrons' path in depth bin dbin */
    int dbin;
    /* beam spread: T smeared by the Gaussian beam energy, tabulated on [s_lo, s_hi] */
    int ns;
    double s_lo, s_dE, sigE, *sT;
} ann_ctx;

static double ann_T_cb(double E, void *tp) /* dy_isr_track's callback */
{
    return dy_tracklength_eval(tp, E);
}

/* the positron-leg ISR fold: motion alone (or the resonance E_R) times T_isr */
static double ann_leg(ann_ctx *a, double E)
{
    const dy_annih_extras mo = {a->ex->shells, 0};
    const double k = dy_annih_nwa_kernel(&mo, a->ac.m_ap, E);
    if (!(k > 0.0)) return 0.0;
    return a->I * k * dy_isr_track(ann_T_cb, (void *)a->T, a->T->E0, E);
}

/* sigma_eff(E+) = I K(E+) in pb per electron (narrow width, with the extras) */
static double ann_sigma_extras(ann_ctx *a, double E)
{
    if (!a->nk) return a->I * dy_annih_nwa_kernel(a->ex, a->ac.m_ap, E);
    const double P = sqrt((E - DY_M_E) * (E + DY_M_E));
    const double v = (E - dy_annih_e_res(a->ac.m_ap)) / P;
    if (!(v >= a->kv[0] && v <= a->kv[a->nk - 1])) return 0.0;
    return a->I * gsl_interp_eval(a->kip, a->kv, a->kk, v, a->kacc) / E;
}

#define ANN_LAMBDA_MAX 64.0 /* beyond it E+ = E0 to double precision */
#define SPREAD_LO      10.0 /* the smeared table starts 10 sigma below E0 (the spectrum there: T) */
#define SPREAD_HI      8.0  /* ... and ends 8 sigma above it */
#define SPREAD_N       1601

/* T(E+) of a beam with a Gaussian energy spread sigma, assuming the spectrum shifts with the
 * beam energy (T(E+; E0') = T(E+ - E0' + E0; E0), exact to O(sigma/E0)): in lambda of the
 * nominal beam, T_s(E+) = int dlambda dL/dlambda G(E+ - E0 (1 - e^-lambda)) plus the path beyond
 * lambda = 64 (at E0) times G(E+ - E0).  Smooth, so the resonance is folded in E+ alone. */
typedef struct spread_par {
    const dy_tracklength *T;
    double E, sig;
} spread_par;

static double spread_integrand(double lam, void *vp)
{
    const spread_par *p = vp;
    const double d = (p->E + p->T->E0 * expm1(-lam)) / p->sig;
    return dy_tracklength_eval_lambda(p->T, lam) * exp(-0.5 * d * d) / (sqrt(2.0 * DY_PI) * p->sig);
}

static double spread_tail(double lam, void *vp)
{
    return dy_tracklength_eval_lambda(vp, lam);
}

static dy_status ann_spread_table(ann_ctx *a, double sig, gsl_integration_workspace *ws,
                                  dy_error *err)
{
    const double E0 = a->T->E0;
    double tail, ae;
    gsl_function G = {spread_tail, (void *)a->T};
    int st = gsl_integration_qagiu(&G, ANN_LAMBDA_MAX, 1e-300, 1e-8, 1000, ws, &tail, &ae);
    if (st && st != GSL_EROUND) goto fail;
    a->ns = SPREAD_N;
    a->sigE = sig;
    a->s_lo = E0 - SPREAD_LO * sig;
    a->s_dE = (SPREAD_LO + SPREAD_HI) * sig / (SPREAD_N - 1);
    if (!(a->sT = malloc(SPREAD_N * sizeof *a->sT)))
        return dy_error_set(err, DY_ERR_NOMEM, "annihilation: out of memory");
    for (int i = 0; i < SPREAD_N; ++i) {
        const double E = a->s_lo + a->s_dE * i;
        spread_par p = {a->T, E, sig};
        /* the lambdas whose E+ lies within 12 sigma of E */
        const double u1 = E0 - E + 12.0 * sig, u2 = E0 - E - 12.0 * sig;
        const double l1 = u1 < E0 ? fmax(0.0, -log(u1 / E0)) : 0.0;
        const double l2 = u2 > 0.0 ? fmin(ANN_LAMBDA_MAX, -log(u2 / E0)) : ANN_LAMBDA_MAX;
        double r = 0.0;
        if (l2 > l1) {
            gsl_function F = {spread_integrand, &p};
            st = gsl_integration_qag(&F, l1, l2, 0.0, 1e-8, 1000, GSL_INTEG_GAUSS21, ws, &r, &ae);
            if (st && st != GSL_EROUND) goto fail;
        }
        const double d = (E - E0) / sig;
        a->sT[i] = r + tail * exp(-0.5 * d * d) / (sqrt(2.0 * DY_PI) * sig);
    }
    return DY_OK;
fail:
    return dy_error_set(err, DY_ERR_NUMERIC, "annihilation: beam-spread table: %s",
                        gsl_strerror(st));
}

/* The positrons' track length at E+ (cm/GeV), smeared by the beam spread near E0. */
static double ann_T(const ann_ctx *a, double E)
{
    if (!a->ns || E < a->s_lo) return dy_tracklength_eval(a->T, E);
    const double u = (E - a->s_lo) / a->s_dE;
    if (!(u < a->ns - 1)) return 0.0;
    const int k = (int)u;
    return a->sT[k] + (u - k) * (a->sT[k + 1] - a->sT[k]);
}

/* The share of the positrons' path at s = ln(E0/E+) that lies in depth bin a->dbin (1 without). */
static double ann_depth(const ann_ctx *a, double s)
{
    double f[DY_GEO_MAX_BINS];
    if (!a->dep) return 1.0;
    dy_geo_depth_eval_s(a->dep, s, f);
    return f[a->dbin];
}

/* sigma(E+) in pb per electron */
static double ann_sigma(ann_ctx *a, double E)
{
    if (a->ex) return ann_sigma_extras(a, E);
    a->ac.e_pos = E;
    double sig = dy_annih_sigma_total(&a->ac);
    if (a->visible) { /* e+e- -> A' -> anything = ee + mumu + hadrons (no dark decays) */
        a->ac.channel = DY_ANN_CH_MUMU;
        sig += dy_annih_sigma_total(&a->ac);
        a->ac.channel = DY_ANN_CH_EE;
        if (a->ac.gamma_had > 0.0) { /* 12 pi G_ee G_had/(beta_e^2 D), both at sqrt(s) */
            const double s = dy_annih_s(E), rs = sqrt(s), be2 = 1.0 - 4.0 * DY_M_E * DY_M_E / s;
            sig += 12.0 * DY_PI * dy_width_ap_ll(rs, a->ac.eps, DY_M_E) *
                   dy_width_ap_had(rs, a->ac.eps) / (be2 * dy_annih_bw_den(s, &a->ac)) *
                   DY_GEV2_TO_PB;
        }
    }
    return sig;
}

static double ann_integrand(double E, void *vp)
{
    ann_ctx *a = vp;
    const double w = a->dep ? ann_depth(a, E < a->T->E0 ? log(a->T->E0 / E) : 0.0) : 1.0;
    if (a->leg) return w * ann_leg(a, E);
    return w * ann_T(a, E) * ann_sigma(a, E);
}

/* The same in lambda = -ln(1 - E+/E0): dL/dlambda sigma, smooth where the primary positron's
 * path piles up at E+ -> E0 (an integrable singularity of T in E). */
static double ann_integrand_lambda(double lam, void *vp)
{
    ann_ctx *a = vp;
    const double w = a->dep ? ann_depth(a, -log1p(-exp(-lam))) : 1.0;
    if (a->leg) return w * ann_leg(a, -a->T->E0 * expm1(-lam)) * a->T->E0 * exp(-lam);
    return w * dy_tracklength_eval_lambda(a->T, lam) * ann_sigma(a, -a->T->E0 * expm1(-lam));
}

static double ann_tail(double lam, void *vp)
{
    return dy_tracklength_eval_lambda(vp, lam);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* n_e int_{lo}^{hi} dE+ T+(E+) sigma(E+) (per incident particle), hi <= E0.  The resonance is
 * resolved by break points at E_R and E_R +- 4^j half-widths (FWHM in E+ = m Gamma/m_e, ref
 * §2.1): an adaptive rule over [E_R, 100 GeV] alone misses a peak of relative width 1e-6 at its
 * end.  Above E0/2 the integral is taken in lambda = -ln(1 - E+/E0) (the break points mapped),
 * up to lambda = 64, plus sigma(E0) times the path beyond: the primary positron of an e+ beam
 * piles up at E0 like the primary electron in brem (fold.c), and the resonance may sit there. */
static dy_status ann_fold(ann_ctx *a, double ne, double lo, double hi, double *v, double *e,
                          gsl_integration_workspace *ws, dy_error *err)
{
    double pts[48 + 4 * DY_SHELLS_MAX], lp[48 + 4 * DY_SHELLS_MAX], r = 0.0, ae = 0.0;
    size_t np = 0;
    const double ER = dy_annih_e_res(a->ac.m_ap), E0 = a->T->E0;
    const dy_ap_widths wd = dy_ap_widths_at(a->ac.m_ap, a->ac.eps, a->ac.alpha_d, a->ac.m_chi,
                                            a->ac.delta, a->ac.dm_kind);
    const double half = 0.5 * a->ac.m_ap * (wd.total + a->ac.gamma_had) / DY_M_E;
    *v = *e = 0.0;
    /* beam spread: the smeared spectrum is smooth and reaches SPREAD_HI sigma above E0; it is
     * folded in E+ alone, with break points across the smeared peak */
    if (a->ns && hi >= E0) hi = a->s_lo + a->s_dE * (a->ns - 1);
    if (!(hi > lo)) return DY_OK;
    const double Em = a->ns ? hi : E0 > 0.0 ? fmax(lo, 0.5 * E0) : hi; /* start of lambda part */
    const double hE = fmin(hi, Em);
    if (hE > lo) {
        pts[np++] = lo;
        pts[np++] = hE;
    }
    size_t nl = 0;
    if (hi > Em) {
        lp[nl++] = -log1p(-Em / E0);
        lp[nl++] = hi >= E0 ? ANN_LAMBDA_MAX : -log1p(-hi / E0);
    }
    double cand[32];
    int nc = 0;
    cand[nc++] = ER;
    if (a->ns) {
        static const double ks[9] = {-10.0, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 8.0};
        for (int i = 0; i < 9; ++i)
            cand[nc++] = E0 + ks[i] * a->sigE;
    }
    for (double k = 1.0; k < 1e4 && !a->ex; k *= 4.0) { /* the extras' kernels have no BW */
        cand[nc++] = ER - k * half;
        cand[nc++] = ER + k * half;
    }
    for (int i = 0; i < nc + (a->ex ? a->nbrk : 0); ++i) {
        const double p = i < nc ? cand[i] : a->brk[i - nc];
        if (p > lo && p < hE) pts[np++] = p;
        if (p > Em && p < hi) {
            const double l = -log1p(-p / E0);
            if (l > lp[0] && l < lp[1]) lp[nl++] = l;
        }
    }
    if (np) {
        qsort(pts, np, sizeof *pts, cmp_double);
        size_t u = 1;
        for (size_t i = 1; i < np; ++i)
            if (pts[i] > pts[u - 1]) pts[u++] = pts[i];
        np = u;
        gsl_function F = {ann_integrand, a};
        int st = 0;
        if (!a->ns) {
            st = gsl_integration_qagp(&F, pts, np, 0.0, 1e-7, 1000, ws, &r, &ae);
        } else { /* beam spread: piece by piece (QAGP's extrapolation took the kinks of the
                    tabulated spectrum under a peak of relative width 1e-11 for a singularity) */
            for (size_t i = 0; i + 1 < np && (!st || st == GSL_EROUND); ++i) {
                double ri = 0.0, ei = 0.0;
                if (pts[i + 1] > pts[i])
                    st = gsl_integration_qag(&F, pts[i], pts[i + 1], 0.0, 1e-7, 1000,
                                             GSL_INTEG_GAUSS21, ws, &ri, &ei);
                r += ri;
                ae += ei;
            }
        }
        if (st && st != GSL_EROUND)
            return dy_error_set(err, DY_ERR_NUMERIC,
                                "annihilation folding: %s (m = %g GeV, E+ in [%g, %g] GeV)",
                                gsl_strerror(st), a->ac.m_ap, lo, hE);
    }
    if (nl) {
        double rl, al;
        qsort(lp, nl, sizeof *lp, cmp_double);
        size_t u = 1;
        for (size_t i = 1; i < nl; ++i)
            if (lp[i] > lp[u - 1]) lp[u++] = lp[i];
        nl = u;
        gsl_function F = {ann_integrand_lambda, a};
        int st = gsl_integration_qagp(&F, lp, nl, 0.0, 1e-7, 1000, ws, &rl, &al);
        if (st && st != GSL_EROUND)
            return dy_error_set(err, DY_ERR_NUMERIC,
                                "annihilation folding near E0: %s (m = %g GeV)", gsl_strerror(st),
                                a->ac.m_ap);
        r += rl;
        ae += al;
        if (hi >= E0 && !a->leg) { /* the path beyond lambda = 64, at E+ = E0 */
            gsl_function G = {ann_tail, (void *)a->T};
            st = gsl_integration_qagiu(&G, ANN_LAMBDA_MAX, 1e-300, 1e-8, 1000, ws, &rl, &al);
            if (st && st != GSL_EROUND)
                return dy_error_set(err, DY_ERR_NUMERIC,
                                    "annihilation folding: end-point tail: %s (m = %g GeV)",
                                    gsl_strerror(st), a->ac.m_ap);
            const double sE0 = ann_sigma(a, E0) * ann_depth(a, 0.0);
            r += rl * sE0;
            ae += al * sE0;
        }
    }
    *v = ne * r * DY_PB_TO_CM2;
    *e = ne * ae * DY_PB_TO_CM2;
    return DY_OK;
}

/* Electron motion and ISR (annih_bound.h) in the narrow-width approximation, added to the exact
 * at-rest Breit-Wigner yield: dN = n_e I [int_lo^hi T K dE+ - T(E_R) (E_R in [lo, hi))].  The
 * neglected term is O(Gamma/m) of the correction (docs/physics-annihilation-primakoff.md §2.8). */
static dy_status ann_extras_delta(ann_ctx *a, double ne, double lo, double hi, double *v, double *e,
                                  gsl_integration_workspace *ws, dy_error *err)
{
    const double ER = dy_annih_e_res(a->ac.m_ap);
    const dy_annih_extras *ex = a->ex;
    *v = *e = 0.0;
    if (!ex) return DY_OK;
    /* motion reaches E+ = E_R/(1 - v) >= E_R/2; ISR alone starts at E_R */
    const double lmin = ex->shells ? 0.5 * ER : ER;
    const double l2 = fmax(lo, fmax(lmin, DY_M_E * (1.0 + 1e-9)));
    const int in = ER >= lo && ER < hi && ER < a->T->E0;
    dy_status s = DY_OK;
    if (hi > l2 && (s = ann_fold(a, ne, l2, hi, v, e, ws, err)) != DY_OK) return s;
    if (ex->isr) {
        /* half the radiation is the electron's: the A' keeps E+ + m_e (the fold above); the
         * positron's photon takes (1 - z) E+ along, so that half sits at the A' energy of the
         * un-radiated resonance, E' + m_e (docs §2.8) */
        double vl = 0.0, el = 0.0;
        if (ex->shells) {
            const double l3 = fmax(lo, fmax(0.5 * ER, DY_M_E * (1.0 + 1e-9)));
            a->leg = 1;
            if (hi > l3) s = ann_fold(a, ne, l3, hi, &vl, &el, ws, err);
            a->leg = 0;
            if (s != DY_OK) return s;
        } else if (in) {
            vl = ne * a->I * dy_isr_track(ann_T_cb, (void *)a->T, a->T->E0, ER) * DY_PB_TO_CM2;
        }
        *v = 0.5 * (*v + vl);
        *e = 0.5 * (*e + el);
    }
    if (in) *v -= ne * a->I * dy_tracklength_eval(a->T, ER) * DY_PB_TO_CM2;
    return DY_OK;
}

/* The table of E+ K(E+) against v = (E+ - E_R)/P when motion and ISR are both on (each K is a
 * quadrature): sinh-spaced in v around 0, where the outer shells are narrow. */
#define ANN_KTAB 400
static dy_status ann_extras_table(ann_ctx *a, double *kv, double *kk, dy_error *err)
{
    const double ER = dy_annih_e_res(a->ac.m_ap), E0 = a->T->E0;
    const double P0 = sqrt((E0 - DY_M_E) * (E0 + DY_M_E));
    const double vtop = fmin(1.0 - 1e-9, (E0 - ER) / P0), A = 2e-3;
    a->nk = 0;
    if (!(vtop > -1.0 + 1e-6)) return DY_OK;
    const double u0 = asinh(-1.0 / A), u1 = asinh(vtop / A);
    for (int j = 0; j < ANN_KTAB; ++j) {
        const double v = j == ANN_KTAB - 1 ? vtop : A * sinh(u0 + (u1 - u0) * j / (ANN_KTAB - 1));
        /* E+ from v = (E+ - E_R)/P, P = sqrt(E+^2 - m_e^2): the root with the sign of v */
        const double q = 1.0 - v * v;
        const double E = (ER + v * sqrt(ER * ER - q * DY_M_E * DY_M_E)) / q;
        kv[j] = v;
        kk[j] = E * dy_annih_nwa_kernel(a->ex, a->ac.m_ap, E);
        if (!isfinite(kk[j]))
            return dy_error_set(err, DY_ERR_NUMERIC,
                                "annihilation with electron motion and ISR: the kernel failed at "
                                "E+ = %g GeV (m = %g GeV)",
                                E, a->ac.m_ap);
    }
    a->nk = ANN_KTAB;
    return DY_OK;
}

/* The Breit-Wigner's configuration at mass m and coupling eref (run_annihilation and
 * dy_run_annihilation alike); returns the lowest E+ with sigma > 0. */
static double ann_setup(const dy_config *c, double m, double eref, ann_ctx *a)
{
    dy_annih_config_default(&a->ac);
    a->ac.m_ap = m;
    a->ac.eps = eref;
    a->ac.alpha_d = c->model.alpha_D;
    a->ac.m_chi = c->model.mchi_over_m * m;
    a->ac.delta = c->model.dm_splitting;
    a->ac.dm_kind = !strcmp(c->model.dm_kind, "scalar")      ? DY_DM_SCALAR
                    : !strcmp(c->model.dm_kind, "majorana")  ? DY_DM_MAJORANA
                    : !strcmp(c->model.dm_kind, "inelastic") ? DY_DM_INELASTIC
                                                             : DY_DM_DIRAC;
    a->visible = !strcmp(c->model.decay, "visible");
    a->ac.channel = a->visible ? DY_ANN_CH_EE : DY_ANN_CH_INVISIBLE;
    if (a->visible) a->ac.alpha_d = 0.0;        /* visible: the A' decays to SM particles only */
    a->ac.gamma_had = dy_width_ap_had(m, eref); /* R ratio (physics/rratio.h) */
    /* threshold: s = 2 m_e^2 + 2 m_e E+ >= (m_1 + m_2)^2 (ref §2.1); below it sigma = 0 */
    const double m12 =
        a->ac.channel == DY_ANN_CH_EE
            ? 2.0 * DY_M_E
            : a->ac.m_chi * (2.0 + (a->ac.dm_kind == DY_DM_INELASTIC ? a->ac.delta : 0.0));
    return fmax(DY_M_E * (1.0 + 1e-9), (m12 * m12 - 2.0 * DY_M_E * DY_M_E) / (2.0 * DY_M_E));
}

static dy_status run_annihilation(const plan *P, const channel *ch, dy_yield_channel *out,
                                  const dy_yield_grid *g, dy_error *err)
{
    const dy_config *c = P->cfg;
    const double eref = fmin(c->model.coupling, 1e-3); /* BW width must be physical: scale later */
    const double scale = (c->model.coupling / eref) * (c->model.coupling / eref);
    const double E0 = c->beam.energy_GeV;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    dy_status s = DY_OK;
    ann_ctx a;
    memset(&a, 0, sizeof a);
    if (!ws) return dy_error_set(err, DY_ERR_NOMEM, "annihilation folding: out of memory");
    a.T = &ch->T;
    /* electron motion / ISR (config annihilation.electron_motion / .isr; default off) */
    dy_atomic_shells shells;
    dy_annih_extras ex = {NULL, c->ann_isr};
    double kv[ANN_KTAB], kk[ANN_KTAB];
    if (c->ann_electron_motion) {
        if ((s = dy_atomic_shells_material(&P->mat, &shells, err)) != DY_OK) {
            gsl_integration_workspace_free(ws);
            return s;
        }
        ex.shells = &shells;
    }
    const int extras = ex.shells || ex.isr;
    gsl_interp *kip = extras ? gsl_interp_alloc(gsl_interp_steffen, ANN_KTAB) : NULL;
    gsl_interp_accel *kacc = extras ? gsl_interp_accel_alloc() : NULL;
    if (extras && (!kip || !kacc)) {
        gsl_interp_free(kip);
        gsl_interp_accel_free(kacc);
        gsl_integration_workspace_free(ws);
        return dy_error_set(err, DY_ERR_NOMEM, "annihilation folding: out of memory");
    }
    a.dep = NULL;
    a.dbin = 0;
    a.ns = 0;
    a.sT = NULL;
    if (c->beam.spread_GeV > 0.0) s = ann_spread_table(&a, c->beam.spread_GeV, ws, err);
    for (int im = 0; im < g->n_masses && s == DY_OK; ++im) {
        const double m = g->masses_GeV[im];
        const double Ethr = ann_setup(c, m, eref, &a);
        if (m <= 2.0 * DY_M_E) continue; /* no resonance: explicit zero */
        const double ne = P->mat.n_e;
        double v, e;
        if (Ethr >= E0 && !extras) continue; /* explicit zero: no production below threshold */
        /* the extras' narrow-width set-up: I = int sigma dE+ of what ann_sigma sums */
        ann_ctx ax = a;
        if (extras) {
            const dy_ap_widths wd =
                dy_ap_widths_at(m, eref, a.ac.alpha_d, a.ac.m_chi, a.ac.delta, a.ac.dm_kind);
            const double wt = wd.total + a.ac.gamma_had; /* B: inclusive visible, or the DM's */
            ax.ex = &ex;
            ax.I = dy_annih_nwa_integral(m, eref, a.visible ? 1.0 : wd.dm / wt);
            ax.kip = kip;
            ax.kacc = kacc;
            ax.kv = kv;
            ax.kk = kk;
            ax.nbrk = 0;
            const double ER = dy_annih_e_res(m);
            for (int k = 0; ex.shells && k < shells.n && ax.nbrk + 4 <= 4 * DY_SHELLS_MAX; ++k)
                for (double cv = -3.0; cv <= 3.0; cv += 2.0) /* E+ = E_R/(1 - v), v = c v0 */
                    if (fabs(cv) * shells.v0[k] < 1.0)
                        ax.brk[ax.nbrk++] = ER / (1.0 - cv * shells.v0[k]);
            if (ex.shells && ex.isr) {
                if ((s = ann_extras_table(&ax, kv, kk, err)) != DY_OK) break;
                if (ax.nk && gsl_interp_init(kip, kv, kk, (size_t)ax.nk)) {
                    s = dy_error_set(err, DY_ERR_NUMERIC, "annihilation extras: bad kernel table");
                    break;
                }
                gsl_interp_accel_reset(kacc);
                if (!ax.nk) continue; /* the resonance is out of reach */
            }
        }
        const double lo_cut = c->cut_energy_min_GeV - DY_M_E;
        /* E_X = E+ + m_e: the A' carries the whole positron energy (ref §2.1) */
        v = e = 0.0;
        if (Ethr < E0 && (s = ann_fold(&a, ne, Ethr, E0, &v, &e, ws, err))) break;
        out->N_total[im] = v * scale;
        out->N_total_err[im] = e * scale;
        if (extras) {
            if ((s = ann_extras_delta(&ax, ne, DY_M_E, E0, &v, &e, ws, err))) break;
            out->N_total[im] += v * scale;
            out->N_total_err[im] += e * scale;
        }
        v = e = 0.0;
        if (Ethr < E0 && (s = ann_fold(&a, ne, fmax(lo_cut, Ethr), E0, &v, &e, ws, err))) break;
        out->N_above[im] = v * scale;
        out->N_above_err[im] = e * scale;
        if (extras) {
            if ((s = ann_extras_delta(&ax, ne, fmax(lo_cut, DY_M_E), E0, &v, &e, ws, err))) break;
            out->N_above[im] += v * scale;
            out->N_above_err[im] += e * scale;
        }
        for (int b = 0; b < g->n_ebins && s == DY_OK; ++b) {
            /* E_X reaches E0 + m_e: a bin ending at or above E0 takes the positrons up to E0 */
            const double lo = g->ebin_edges_GeV[b] - DY_M_E, hi = g->ebin_edges_GeV[b + 1] - DY_M_E;
            const double w = g->ebin_edges_GeV[b + 1] - g->ebin_edges_GeV[b];
            const double top = g->ebin_edges_GeV[b + 1] >= E0 ? E0 : fmin(hi, E0);
            const size_t ix = dy_yield_grid_index(g, im, b);
            v = e = 0.0;
            if (Ethr < E0) s = ann_fold(&a, ne, fmax(lo, Ethr), top, &v, &e, ws, err);
            out->dNdE[ix] = v * scale / w;
            out->dNdE_err[ix] = e * scale / w;
            /* a bin ending at or above E0 also takes the rest-NWA point E_R < E0 */
            const double xlo = fmax(lo, DY_M_E), xhi = top >= E0 ? E0 * (1.0 + 1e-15) : top;
            if (extras && s == DY_OK) {
                s = ann_extras_delta(&ax, ne, xlo, xhi, &v, &e, ws, err);
                out->dNdE[ix] += v * scale / w;
                out->dNdE_err[ix] += e * scale / w;
            }
            /* angle: the A' carries the positron's momentum (theta = 0 to it: the first bin) */
            if (g->n_tbins > 0) out->dNdE_theta[ix * g->n_tbins] = out->dNdE[ix];
            for (int d = 0; d < g->n_dbins && s == DY_OK; ++d) {
                const size_t id = ((size_t)im * g->n_dbins + d) * g->n_ebins + b;
                a.dep = ax.dep = &ch->dep;
                a.dbin = ax.dbin = d;
                v = e = 0.0;
                if (Ethr < E0) s = ann_fold(&a, ne, fmax(lo, Ethr), top, &v, &e, ws, err);
                out->dNdE_depth[id] = v * scale / w;
                if (extras && s == DY_OK) {
                    s = ann_extras_delta(&ax, ne, xlo, xhi, &v, &e, ws, err);
                    out->dNdE_depth[id] += v * scale / w;
                }
                a.dep = ax.dep = NULL;
            }
        }
    }
    gsl_interp_free(kip);
    gsl_interp_accel_free(kacc);
    free(a.sT);
    gsl_integration_workspace_free(ws);
    return s;
}

/* Quadrature (folding) error of a channel's yields, beside the MC errors in dy_yield_channel. */
typedef struct fold_err {
    double *tot, *above, *dNdE; /* [masses], [masses], [masses][ebins] */
} fold_err;

/* The muon's one-node rule N = n L sigma(E_mean) misses the curvature of sigma across the box
 * [E_low, E0]: box mean - sigma(E_mean) = sigma'' dE^2/24 + ..., estimated by Simpson's rule on
 * the IWW cross section (host/physics/brem_ww.c) as a fraction of sigma(E_mean) (below threshold
 * sigma = 0). */
static dy_status muon_box_error(const plan *P, const channel *ch, double m, double *rel,
                                dy_error *err)
{
    const double Es[3] = {ch->T.E_low, ch->E_mean, ch->T.E0};
    double s[3] = {0.0, 0.0, 0.0}, ae;
    char msg[256] = "";
    *rel = 0.0;
    for (int i = 0; i < 3; ++i) {
        if (m >= Es[i] - DY_M_MU) continue;
        dy_brem_ww_input in;
        dy_brem_ww_input_default(&in, 1, mediator_index(P->cfg->model.mediator), P->elZ[0],
                                 P->elA[0], Es[i], m);
        if (dy_brem_ww_sigma(&in, DY_BREM_METHOD_IWW, &s[i], &ae, msg, sizeof msg))
            return dy_error_set(err, DY_ERR_NUMERIC,
                                "muon folding error estimate (IWW at %g GeV, m = %g GeV): %s",
                                Es[i], m, msg);
    }
    if (s[1] > 0.0) *rel = fabs(s[0] + s[2] - 2.0 * s[1]) / (6.0 * s[1]);
    return DY_OK;
}

/* The E_X range of the node histograms' bins at energy E: bin j spans [x0 + j ex, x0 + (j+1) ex].
 * Histograms are of x = E_X/E in [0, 1] (x0 = 0, ex = E/XBINS), except annihilation-gamma's, of
 * cos theta* in [-1, 1] (the A' CM angle to the positron), on which the A' lab energy is linear:
 * E_X = gamma E* + beta gamma q* cos theta* (boost of the CM, E* = (s + m^2)/(2 sqrt s),
 * q* = (s - m^2)/(2 sqrt s); kernels/processes/dy_proc_annihilation.h). */
static void xbin_map(const channel *ch, double m, double E, double *x0, double *ex)
{
    if (ch->process == DY_PROC_annihilation) {
        const double s = dy_annih_s(E), rs = sqrt(s), M2 = m * m;
        const double Es = (s + M2) / (2.0 * rs), q = (s - M2) / (2.0 * rs);
        const double g = (E + DY_M_E) / rs, bg = sqrt((E - DY_M_E) * (E + DY_M_E)) / rs;
        *x0 = g * Es - bg * q;
        *ex = q > 0.0 ? 2.0 * bg * q / XBINS : 0.0;
        return;
    }
    *x0 = 0.0;
    *ex = E / XBINS;
}

/* One (point, x bin) of fold_channel: frac of the bin's E_X range lies in output row `row` (a bin
 * or the cut).  Each rule's folded value gets a * frac * its interpolated content hv[v]; the value
 * rule's weights W[row][node][j] (for the MC variance) get a * frac * c. */
static void fold_add(double *Y, double *W, int nrow, int nk, int row, int j, double a, double frac,
                     const double *hv, const dy_fold_interp *full)
{
    for (int v = 0; v < DY_FOLD_NR; ++v)
        Y[v * nrow + row] += a * frac * hv[v];
    for (int t = 0; t < DY_FOLD_NS; ++t)
        if (full->c[t] != 0.0)
            W[((size_t)row * nk + (size_t)full->k[t]) * XBINS + (size_t)j] += a * frac * full->c[t];
}

/* Fold one node-based channel: node values summed over elements (n_el sigma_el, cm^-3 pb), then
 * mapped through the fold rule.  Spectra and the yield above the cut use each node's histogram in
 * x = E_X/E, interpolated between nodes at fixed x and spread uniformly within an x bin, so no
 * output bin edge has to coincide with a node (the rule breaks at every bin edge and at the cut,
 * where the folded quantities have steps).  Every quantity is folded with each interpolation of
 * the rule (fold.h): the value, and the embedded and shifted ones whose differences estimate the
 * folding error; the MC variance comes from the value's weights per (node, x bin).  The muon is a
 * single node at its mean energy. */
static dy_status fold_channel(const plan *P, const channel *ch, const dy_result *res,
                              const dy_hist *hist, const double *Ek, dy_yield_channel *out,
                              fold_err *qe, const dy_yield_grid *g, dy_error *err)
{
    const dy_config *c = P->cfg;
    const channel *own = ch->shares >= 0 ? &P->ch[ch->shares] : ch;
    const int nk = own->single_node ? 1 : P->K, NE = P->nel, NB = g->n_ebins, NR = NB + 1;
    const double y0 = g->ebin_edges_GeV[0], dy = g->ebin_edges_GeV[1] - g->ebin_edges_GeV[0];
    /* sigma was computed at kernel coupling 1: the model's coupling^2 in its own normalisation
     * (eps^2 for the A', g^2/(4 pi alpha) for the Z', physics/couplings.c) */
    const double c2 =
        dy_coupling_kernel_scale(dy_model_from_name(c->model.mediator), c->model.coupling);
    const double u = c2 * DY_PB_TO_CM2 * ch->escale, cut = c->cut_energy_min_GeV;
    const double E0top = c->beam.energy_GeV;
    const size_t nw = (size_t)NR * nk * XBINS, nh = (size_t)nk * XBINS;
    double *W = malloc(nw * sizeof *W); /* value rule: [bin or cut][node][x bin] */
    double *H = malloc(2 * nh * sizeof *H), *HV = H + nh; /* sum_el n h, sum_el n^2 dh^2 */
    double *Y = malloc((size_t)DY_FOLD_NR * NR * sizeof *Y);
    double *gt = malloc(3 * (size_t)nk * sizeof *gt), *gtv = gt + nk, *w = gt + 2 * (size_t)nk;
    double *brk = malloc(((size_t)NB + 2) * sizeof *brk);
    unsigned char *nz = malloc(XBINS);
    /* geometry outputs: value rule only, [bin][theta bin] and [depth bin][bin] */
    const int NT = c->theta_bins, ND = c->depth_bins, NG = NT + ND;
    double *TH = malloc(((size_t)NB * (NT + ND) + NG + 1) * sizeof *TH), *DP = TH + (size_t)NB * NT;
    double *ft = DP + (size_t)NB * ND, *fd = ft + NT;
    const int mi = mediator_index(c->model.mediator);
    const double ml = P->lepton ? DY_M_MU : DY_M_E;
    dy_geo_chi *chi = NT && ch->process == DY_PROC_brem ? malloc(sizeof *chi) : NULL;
    /* brem angles on a grid of NEG energies (log-spaced over the nodes) x the x bins, linearly
     * interpolated in ln E at each fold point: 25x cheaper than at every point, and still a
     * distribution (sum 1) */
    enum { NEG = 96 };
    double *TT = chi ? malloc((size_t)NEG * XBINS * NT * sizeof *TT) : NULL;
    int eb = 0; /* the angle model's element: the largest n Z^2 (brem's weight) */
    for (int el = 1; el < P->nel; ++el)
        if (P->eln[el] * P->elZ[el] * P->elZ[el] > P->eln[eb] * P->elZ[eb] * P->elZ[eb]) eb = el;
    dy_fold_rule rule = {0};
    dy_status s = DY_OK;
    if (!W || !H || !Y || !gt || !brk || !nz || !TH ||
        (NT && ch->process == DY_PROC_brem && (!chi || !TT))) {
        s = dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
        goto done;
    }
    for (int b = 0; b <= NB; ++b)
        brk[b] = g->ebin_edges_GeV[b];
    brk[NB + 1] = cut;
    for (int im = 0; im < g->n_masses && s == DY_OK; ++im) {
        const int base = own->first_param + im * NE * nk;
        const double *E = &Ek[base]; /* the same nodes for every element */
        /* closed below the beam energy (dark Compton's threshold E = m + m^2/2m_e can exceed
         * it): every integral is an explicit zero and so is the yield (calloc'ed) */
        if (!own->single_node && !(threshold(P, own, g->masses_GeV[im]) < own->T.E0)) continue;
        memset(nz, 0, XBINS);
        for (int k = 0; k < nk; ++k) {
            gt[k] = gtv[k] = 0.0;
            for (int j = 0; j < XBINS; ++j)
                H[(size_t)k * XBINS + j] = HV[(size_t)k * XBINS + j] = 0.0;
            for (int el = 0; el < NE; ++el) {
                const dy_result *r = &res[base + el * nk + k];
                const dy_hist *h = &hist[(base + el * nk + k) * DY_MAX_OBS];
                const double n = P->eln[el];
                gt[k] += n * r->value;
                gtv[k] += n * n * r->error * r->error;
                for (int j = 0; j < XBINS; ++j) {
                    H[(size_t)k * XBINS + j] += n * h->content[j];
                    HV[(size_t)k * XBINS + j] += n * n * h->error[j] * h->error[j];
                    nz[j] |= h->content[j] != 0.0 || h->error[j] != 0.0;
                }
            }
        }
        /* the muon's one-point rule: its whole path at the mean energy */
        double e1 = ch->E_mean, a1 = ch->L_cm, box = 0.0;
        dy_fold_interp ip1 = {{0}, {1.0}};
        if (own->single_node) {
            rule.n = 1;
            rule.E = &e1, rule.a = &a1;
            for (int v = 0; v < DY_FOLD_NR; ++v)
                rule.ip[v] = &ip1;
            box = ch->box[im];
        } else if ((s = dy_fold_rule_build(&ch->T, nk, E, NB + 2, brk, &rule, err)) != DY_OK) {
            break;
        }
        double tot[DY_FOLD_NR] = {0.0}, totv = 0.0, lE0 = 0.0, dlE = 0.0;
        const double mass = g->masses_GeV[im];
        int neg = 1;
        if (NG) memset(TH, 0, (size_t)NB * NG * sizeof *TH);
        if (chi) {
            if ((s = dy_geo_chi_init(chi, P->elZ[eb], P->elA[eb], mass * mass + ml * ml, err)))
                break;
            lE0 = log(E[0]);
            const double span = log(E[nk - 1]) - lE0;
            neg = nk > 1 && span > 1e-9 ? NEG : 1;
            dlE = neg > 1 ? span / (neg - 1) : 0.0;
            for (int k = 0; k < neg; ++k)
                for (int j = 0; j < XBINS; ++j)
                    if (nz[j])
                        dy_geo_theta_brem_ww(chi, mi, ml, mass, exp(lE0 + dlE * k),
                                             (j + 0.5) / XBINS, NT, g->theta_edges_rad,
                                             TT + ((size_t)k * XBINS + j) * NT);
        }
        memset(W, 0, nw * sizeof *W);
        memset(Y, 0, (size_t)DY_FOLD_NR * NR * sizeof *Y);
        for (int q = 0; q < rule.n; ++q) {
            const dy_fold_interp *ip[DY_FOLD_NR];
            for (int v = 0; v < DY_FOLD_NR; ++v)
                ip[v] = &rule.ip[v][q];
            for (int v = 0; v < DY_FOLD_NR; ++v)
                for (int t = 0; t < DY_FOLD_NS; ++t)
                    tot[v] += rule.a[q] * ip[v]->c[t] * gt[ip[v]->k[t]];
            /* spectra: x bin j of a node spread over [x0 + j ex, x0 + (j+1) ex] in E_X */
            double x0, ex;
            const double a = rule.a[q];
            xbin_map(own, g->masses_GeV[im], rule.E[q], &x0, &ex);
            if (!(ex > 0.0)) continue; /* at threshold: no phase space */
            if (ND) {                  /* where the producing particles of this energy travel */
                if (own->single_node || !rule.s)
                    dy_geo_depth_eval(&ch->dep, rule.E[q], fd);
                else
                    dy_geo_depth_eval_s(&ch->dep, rule.s[q], fd);
            }
            for (int j = 0; j < XBINS; ++j) {
                if (!nz[j]) continue; /* empty at every node */
                double hv[DY_FOLD_NR];
                for (int v = 0; v < DY_FOLD_NR; ++v) {
                    hv[v] = 0.0;
                    for (int t = 0; t < DY_FOLD_NS; ++t)
                        hv[v] += ip[v]->c[t] * H[(size_t)ip[v]->k[t] * XBINS + j];
                }
                const double x1 = x0 + j * ex, x2 = x1 + ex;
                if (x2 > cut)
                    fold_add(Y, W, NR, nk, NB, j, a, (x2 - fmax(x1, cut)) / ex, hv, ip[0]);
                const int b1 = (int)floor((x1 - y0) / dy), b2 = (int)floor((x2 - y0) / dy);
                if (b2 < 0 || b1 >= NB) continue;
                if (NT) { /* the boson's angle at this (E, x) */
                    const double xc = (j + 0.5) / XBINS;
                    if (ch->process == DY_PROC_compton)
                        dy_geo_theta_compton(mass, rule.E[q], xc, NT, g->theta_edges_rad, ft);
                    else if (ch->process == DY_PROC_annihilation)
                        dy_geo_theta_annihilation_gamma(mass, rule.E[q], x1 + 0.5 * ex, NT,
                                                        g->theta_edges_rad, ft);
                    else if (neg == 1)
                        memcpy(ft, TT + (size_t)j * NT, (size_t)NT * sizeof *ft);
                    else {
                        double uk = (log(rule.E[q]) - lE0) / dlE;
                        uk = uk < 0.0 ? 0.0 : uk > neg - 1 ? neg - 1 : uk;
                        int k = (int)uk;
                        if (k > neg - 2) k = neg - 2;
                        const double wk = uk - k;
                        const double *t0 = TT + ((size_t)k * XBINS + j) * NT, *t1 = t0 + XBINS * NT;
                        for (int t = 0; t < NT; ++t)
                            ft[t] = (1.0 - wk) * t0[t] + wk * t1[t];
                    }
                }
                for (int b = b1 < 0 ? 0 : b1; b <= b2 && b < NB; ++b) {
                    /* a top bin ending at the beam energy takes E_X up to E0 + m_e (only
                     * annihilation-gamma's A' carries the target electron's mass beyond E0) */
                    const double lo = y0 + b * dy;
                    const double hi = b == NB - 1 && lo + dy >= E0top ? INFINITY : lo + dy;
                    const double ov = fmin(hi, x2) - fmax(lo, x1);
                    if (!(ov > 0.0)) continue;
                    fold_add(Y, W, NR, nk, b, j, a, ov / ex, hv, ip[0]);
                    const double val = a * ov / ex * hv[0];
                    for (int t = 0; t < NT; ++t)
                        TH[(size_t)b * NT + t] += val * ft[t];
                    for (int d = 0; d < ND; ++d)
                        DP[(size_t)d * NB + b] += val * fd[d];
                }
            }
        }
        dy_fold_rule_weights(&rule, nk, DY_FOLD_FULL, 0.0, w);
        for (int k = 0; k < nk; ++k)
            totv += w[k] * w[k] * gtv[k];
        if (own->single_node)
            memset(&rule, 0, sizeof rule);
        else
            dy_fold_rule_free(&rule);
        out->N_total[im] = u * tot[0];
        out->N_total_err[im] = u * sqrt(totv);
        qe->tot[im] = u * (dy_fold_error(tot) + box * fabs(tot[0]));
        for (int b = 0; b <= NB; ++b) {
            double y[DY_FOLD_NR], yv = 0.0;
            for (int v = 0; v < DY_FOLD_NR; ++v)
                y[v] = Y[v * NR + b];
            const double *Wb = &W[(size_t)b * nh];
            for (size_t i = 0; i < nh; ++i)
                yv += Wb[i] * Wb[i] * HV[i];
            const double qv = dy_fold_error(y) + box * fabs(y[0]);
            if (b == NB) {
                /* MC error from the engine's functionals of the same weights (the bins'
                 * errors in quadrature, yv, ignore their covariance) */
                double fv = 0.0;
                for (int k = 0; k < nk; ++k)
                    for (int el = 0; el < NE; ++el) {
                        const double fe = res[base + el * nk + k].func_error[ch->func];
                        fv += P->eln[el] * P->eln[el] * fe * fe;
                    }
                out->N_above[im] = u * y[0];
                out->N_above_err[im] = u * sqrt(fv);
                qe->above[im] = u * qv;
            } else {
                const int i = dy_yield_grid_index(g, im, b);
                out->dNdE[i] = u * y[0] / dy;
                out->dNdE_err[i] = u * sqrt(yv) / dy;
                qe->dNdE[i] = u * qv / dy;
                for (int t = 0; t < NT; ++t)
                    out->dNdE_theta[(size_t)i * NT + t] = u * TH[(size_t)b * NT + t] / dy;
                for (int d = 0; d < ND; ++d)
                    out->dNdE_depth[((size_t)im * ND + d) * NB + b] =
                        u * DP[(size_t)d * NB + b] / dy;
                if (y0 + (b + 1) * dy <= mass) { /* E_X < m: none (interpolation undershoots) */
                    out->dNdE[i] = out->dNdE_err[i] = qe->dNdE[i] = 0.0;
                    for (int t = 0; t < NT; ++t)
                        out->dNdE_theta[(size_t)i * NT + t] = 0.0;
                    for (int d = 0; d < ND; ++d)
                        out->dNdE_depth[((size_t)im * ND + d) * NB + b] = 0.0;
                }
            }
        }
    }
done:
    free(TH);
    free(TT);
    free(chi);
    free(W);
    free(H);
    free(Y);
    free(gt);
    free(brk);
    free(nz);
    return s;
}

/* The value rule's weights of the yield above the cut on (node, x bin), W[node * XBINS + j]: the
 * cut row of fold_channel's weights, from the rule alone.  The engine estimates sum_j W_j h_j of
 * each node with its own stratified error (a functional of the x histogram): the bins' errors
 * added in quadrature ignore their covariance and overstate that error 2-3x. */
static void cut_weights(const channel *ch, double m, const dy_fold_rule *rule, int nk, double cut,
                        double *W)
{
    memset(W, 0, (size_t)nk * XBINS * sizeof *W);
    for (int q = 0; q < rule->n; ++q) {
        const dy_fold_interp *full = &rule->ip[DY_FOLD_FULL][q];
        double x0, ex;
        xbin_map(ch, m, rule->E[q], &x0, &ex);
        if (!(ex > 0.0)) continue;
        for (int j = 0; j < XBINS; ++j) {
            const double x1 = x0 + j * ex, x2 = x1 + ex;
            if (!(x2 > cut)) continue;
            for (int t = 0; t < DY_FOLD_NS; ++t)
                W[(size_t)full->k[t] * XBINS + j] +=
                    rule->a[q] * (x2 - fmax(x1, cut)) / ex * full->c[t];
        }
    }
}

/* Everything of the fold that needs no MC, done at plan time so that a fold that cannot work is a
 * configuration error before any MC work: the node rules of every (channel, mass) are built and
 * dropped, the muon's one-node error is estimated, and annihilation (closed-form sigma) is folded
 * and kept for dy_run_fold. */
static dy_status plan_folds(plan *P, dy_error *err)
{
    const dy_config *c = P->cfg;
    const int NB = c->ebins.n, NM = c->n_masses;
    const double E0 = c->beam.energy_GeV;
    dy_status s = DY_OK;
    double *brk = malloc(((size_t)NB + 2) * sizeof *brk), nodes[256];
    if (!brk) return dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
    dy_yield_grid eg;
    memset(&eg, 0, sizeof eg);
    eg.n_ebins = NB;
    eg.ebin_edges_GeV = brk;
    dy_yield_grid_linear_edges(&eg, c->ebins.min_GeV, c->ebins.max_GeV); /* as dy_run_fold */
    brk[NB + 1] = c->cut_energy_min_GeV;
    for (int i = 0; i < P->nch && s == DY_OK; ++i) {
        channel *ch = &P->ch[i];
        if (ch->kind == 1) {
            if ((s = dy_yield_grid_alloc(NM, NB, 1, &P->ann, err)) != DY_OK ||
                (s = dy_yield_grid_alloc_geometry(&P->ann, c->theta_bins, c->depth_bins, err)))
                break;
            memcpy(P->ann.masses_GeV, c->masses_GeV, (size_t)NM * sizeof(double));
            memcpy(P->ann.ebin_edges_GeV, brk, ((size_t)NB + 1) * sizeof(double));
            s = run_annihilation(P, ch, &P->ann.ch[0], &P->ann, err);
            continue;
        }
        const int nk = ch->single_node ? 1 : P->K;
        ch->func = ch->shares >= 0;
        ch->cutw = calloc((size_t)NM * nk * XBINS, sizeof *ch->cutw);
        if (!ch->cutw) {
            s = dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
            break;
        }
        for (int im = 0; im < NM && s == DY_OK; ++im) {
            const double m = c->masses_GeV[im], thr = threshold(P, ch, m);
            double *cw = ch->cutw + (size_t)im * nk * XBINS;
            if (ch->single_node) { /* the whole path at the mean energy */
                double e1 = ch->E_mean, a1 = ch->L_cm;
                dy_fold_interp ip1 = {{0}, {1.0}};
                dy_fold_rule one = {0};
                one.n = 1;
                one.E = &e1, one.a = &a1;
                one.ip[DY_FOLD_FULL] = &ip1;
                cut_weights(ch, m, &one, 1, c->cut_energy_min_GeV, cw);
                s = muon_box_error(P, ch, m, &ch->box[im], err);
                continue;
            }
            if (!(thr < E0)) { /* brem: dy_run_open reports the kinematic limit; else closed */
                if (P->verbose && ch->process != DY_PROC_brem)
                    fprintf(stderr,
                            "darkyield: note: %s is closed at m = %g GeV (threshold %g GeV above "
                            "the beam's %g GeV): its yields there are explicit zeros\n",
                            ch->name, m, thr, E0);
                continue;
            }
            dy_fold_rule rule;
            dy_fold_nodes(thr, E0, P->K, nodes);
            s = dy_fold_rule_build(&ch->T, P->K, nodes, NB + 2, brk, &rule, err);
            if (s == DY_OK) {
                cut_weights(ch, m, &rule, P->K, c->cut_energy_min_GeV, cw);
                dy_fold_rule_free(&rule);
            }
        }
    }
    free(brk);
    if (s != DY_OK && err) {
        const size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof err->msg - n, " (%s)", c->path);
    }
    return s;
}

/* ---- the run object: plan, integral parameters, results of the points computed so far ---- */

struct dy_run {
    plan P;
    int n;        /* MC integrals of the whole grid (ids 0..n-1 = index in this plan) */
    int NM;       /* grid points (masses) */
    int per_pt;   /* MC integrals per grid point */
    size_t words; /* record words per point (dy_run_pack_point) */
    dy_params *par;
    dy_histspec *hs;
    dy_hist *hist;
    dy_result *res;
    double *Ek;
    double *wt;          /* [nch][2][n]: the yields' weights on each integral (error budget) */
    unsigned char *done; /* [NM] */
    int verbose;
    void (*on_progress)(void *ctx, size_t done, size_t total); /* dy_run_set_progress */
    void *progress_ctx;
};

void dy_run_set_progress(dy_run *r, void (*fn)(void *ctx, size_t done, size_t total), void *ctx)
{
    r->on_progress = fn;
    r->progress_ctx = ctx;
}

/* The integrals of point im, in record order: owning channels in order, then (element, node). */
static int point_integrals(const dy_run *r, int im, int *idx)
{
    const plan *P = &r->P;
    int m = 0;
    for (int i = 0; i < P->nch; ++i) {
        const channel *ch = &P->ch[i];
        if (ch->first_param < 0) continue;
        const int cnt = P->nel * (ch->single_node ? 1 : P->K);
        for (int j = 0; j < cnt; ++j)
            idx[m++] = ch->first_param + im * cnt + j;
    }
    return m;
}

static size_t integral_words(const dy_histspec *hs)
{
    size_t w = 8 + 2 * DY_MAX_FUNC;
    for (int o = 0; o < DY_MAX_OBS; ++o)
        w += 2 * (size_t)hs[o].nbins;
    return w;
}

/* The weights with which each yield the user asked for (per channel and mass) depends on the
 * integrals: wt[c][0] = n_el times the fold weight of the node (N_total), wt[c][1] = n_el (the
 * yield above the cut is sum n_el F over the nodes' functionals, whose weights hold the fold's).
 * Used only to spend the error budget (run_targets); the yields are folded in dy_run_fold. */
static dy_status alloc_weights(dy_run *r, dy_error *err)
{
    const plan *P = &r->P;
    const int NE = P->nel, n = r->n;
    r->wt = calloc((size_t)P->nch * 2 * (size_t)(n ? n : 1), sizeof *r->wt);
    double *w = malloc((size_t)(P->K > 0 ? P->K : 1) * DY_FOLD_NR * sizeof *w);
    dy_status s = DY_OK;
    if (!r->wt || !w) {
        free(w);
        return dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
    }
    for (int c = 0; c < P->nch && s == DY_OK; ++c) {
        const channel *ch = &P->ch[c];
        const channel *own = ch->shares >= 0 ? &P->ch[ch->shares] : ch;
        if (ch->kind != 0) continue;
        const int nk = own->single_node ? 1 : P->K;
        double *wt = r->wt + (size_t)c * 2 * n, *wa = wt + n;
        for (int im = 0; im < r->NM && s == DY_OK; ++im) {
            const int base = own->first_param + im * NE * nk;
            if (!own->single_node && !(threshold(P, own, r->P.cfg->masses_GeV[im]) < own->T.E0))
                continue; /* closed at this mass: explicit zeros, weight 0 (calloc'ed) */
            if (own->single_node)
                w[0] = ch->L_cm;
            else
                s = dy_fold_weights(&ch->T, nk, &r->Ek[base], 0.0, w, err);
            for (int el = 0; el < NE && s == DY_OK; ++el)
                for (int k = 0; k < nk; ++k) {
                    wt[base + el * nk + k] =
                        P->eln[el] * w[own->single_node ? 0 : DY_FOLD_FULL * nk + k];
                    wa[base + el * nk + k] = P->eln[el];
                }
        }
    }
    free(w);
    return s;
}

/* The integral of a node-folded channel's process on element el at incident energy E (kernel
 * coupling 1; below threshold Primakoff and Compton are explicit zeros). */
static void node_params(const plan *pp, int process, int el, double E, double m, dy_params *p)
{
    const dy_config *c = pp->cfg;
    if (process == DY_PROC_brem) {
        dy_proc_brem_setup(p, pp->lepton, mediator_index(c->model.mediator), pp->elZ[el],
                           pp->elA[el], E, m, 1.0, 1);
        p->process = DY_PROC_brem;
    } else if (process == DY_PROC_compton) {
        dy_compton_config cc;
        cc.e_gamma = E;
        cc.m_ap = m;
        cc.eps = 1.0;
        cc.Z = pp->elZ[el];            /* per atom */
        dy_proc_compton_setup(p, &cc); /* below threshold: explicit zero */
        p->process = DY_PROC_compton;
    } else if (process == DY_PROC_annihilation) {
        /* e+ e- -> gamma A' per atom: Z electrons, as eps^2 = Z at unit coupling (sigma ~ eps^2
         * exactly; a distinct eps per element also gives each element its own random stream, as
         * compton's Z does) */
        dy_annih_config ac;
        dy_annih_config_default(&ac);
        ac.channel = DY_ANN_CH_GAMMA_AP;
        ac.m_ap = m;
        ac.eps = sqrt(pp->elZ[el]);
        ac.e_pos = E;
        dy_proc_annihilation_setup(p, &ac); /* below threshold: explicit zero */
        p->process = DY_PROC_annihilation;
    } else {
        dy_primakoff_config pc;
        memset(&pc, 0, sizeof pc);
        pc.e_gamma = E;
        pc.m_a = m;
        pc.g = 1.0;
        pc.Z = pp->elZ[el];
        pc.A = pp->elA[el];
        pc.parity = DY_PRIM_PSEUDOSCALAR;
        dy_proc_primakoff_setup(p, &pc); /* below threshold: explicit zero */
        p->process = DY_PROC_primakoff;
    }
    p->id = 0;
}

dy_status dy_run_open(const dy_config *c, int verbose, dy_run **out, dy_error *err)
{
    dy_status s;
    dy_run *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r) return dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
    plan *pp = &r->P;
    r->verbose = verbose;
    if ((s = make_plan(c, verbose, pp, err)) != DY_OK) {
        for (int i = 0; i < pp->nch; ++i) {
            dy_tracklength_free(&pp->ch[i].T);
            dy_geo_depth_free(&pp->ch[i].dep);
            free(pp->ch[i].cutw);
        }
        free(r);
        return s;
    }
    const int NM = c->n_masses, K = pp->K, NE = pp->nel;
    const double E0 = c->beam.energy_GeV;
    int n = 0;
    for (int i = 0; i < pp->nch; ++i) {
        channel *ch = &pp->ch[i];
        ch->first_param = -1;
        if (ch->kind != 0 || ch->shares >= 0) continue;
        ch->first_param = n;
        n += NM * NE * (ch->single_node ? 1 : K);
    }
    r->n = n;
    r->NM = NM;
    r->per_pt = n / NM;
    r->par = calloc((size_t)(n ? n : 1), sizeof *r->par);
    r->hs = calloc((size_t)(n ? n : 1) * DY_MAX_OBS, sizeof *r->hs);
    r->hist = calloc((size_t)(n ? n : 1) * DY_MAX_OBS, sizeof *r->hist);
    r->res = calloc((size_t)(n ? n : 1), sizeof *r->res);
    r->Ek = calloc((size_t)n + 1, sizeof *r->Ek);
    r->done = calloc((size_t)NM, 1);
    if (!r->par || !r->hs || !r->hist || !r->res || !r->Ek || !r->done) {
        s = dy_error_set(err, DY_ERR_NOMEM, "run: out of memory for %d integrals", n);
        goto fail;
    }
    for (int i = 0; i < pp->nch; ++i) {
        const channel *ch = &pp->ch[i];
        if (ch->first_param < 0) continue;
        const int nk = ch->single_node ? 1 : K;
        for (int im = 0; im < NM; ++im) {
            const double m = c->masses_GeV[im];
            double nodes[256];
            if (ch->single_node)
                nodes[0] = ch->E_mean;
            else
                dy_fold_nodes(threshold(pp, ch, m), E0, K, nodes);
            for (int el = 0; el < NE; ++el)
                for (int k = 0; k < nk; ++k) {
                    const int idx = ch->first_param + (im * NE + el) * nk + k;
                    dy_params *p = &r->par[idx];
                    const double E = nodes[k];
                    if (ch->process == DY_PROC_brem && m >= E - (pp->lepton ? DY_M_MU : DY_M_E)) {
                        s = dy_error_set(err, DY_ERR_INVALID,
                                         "%s: mass %g GeV is above the "
                                         "kinematic limit at %g GeV",
                                         c->path, m, E);
                        goto fail;
                    }
                    node_params(pp, ch->process, el, E, m, p);
                    /* the engine keys an integral's random stream by its content: a point's
                     * results never depend on the rest of the grid, shard or batch */
                    p->id = 0;
                    /* histogram of x = E_X/E: the node's energy spectrum (fold_channel);
                     * annihilation-gamma: of cos theta*, linear in E_X (xbin_map) */
                    r->hs[idx * DY_MAX_OBS].lo = ch->process == DY_PROC_annihilation ? -1.0 : 0.0;
                    r->hs[idx * DY_MAX_OBS].hi = 1.0;
                    r->hs[idx * DY_MAX_OBS].nbins = XBINS;
                    r->Ek[idx] = E;
                }
        }
    }
    r->words = n ? (size_t)r->per_pt * integral_words(r->hs) : 0;
    if ((s = alloc_weights(r, err)) != DY_OK) goto fail;
    if (verbose)
        fprintf(stderr,
                "darkyield: %s: %d channel(s), %d mass(es), %d MC integrals (%d energy "
                "nodes x %d element(s)), target %s %.3g cm = %.3g X0\n",
                c->name, pp->nch, NM, n, K, NE, pp->mat.name, pp->L_cm, pp->L_X0);
    *out = r;
    return DY_OK;
fail:
    dy_run_close(r);
    return s;
}

void dy_run_close(dy_run *r)
{
    if (!r) return;
    for (int i = 0; i < r->P.nch; ++i) {
        dy_tracklength_free(&r->P.ch[i].T);
        dy_geo_depth_free(&r->P.ch[i].dep);
        free(r->P.ch[i].cutw);
    }
    dy_yield_grid_free(&r->P.ann);
    free(r->par);
    free(r->hs);
    free(r->hist);
    free(r->res);
    free(r->Ek);
    free(r->wt);
    free(r->done);
    free(r);
}

int dy_run_points(const dy_run *r)
{
    return r->NM;
}
int dy_run_point_integrals(const dy_run *r)
{
    return r->per_pt;
}
size_t dy_run_point_words(const dy_run *r)
{
    return r->words;
}
int dy_run_point_done(const dy_run *r, int p)
{
    return p >= 0 && p < r->NM && r->done[p];
}
const dy_config *dy_run_config(const dy_run *r)
{
    return r->P.cfg;
}

int dy_run_points_done(const dy_run *r)
{
    int k = 0;
    for (int i = 0; i < r->NM; ++i)
        k += r->done[i];
    return k;
}

void dy_run_channel_names(const dy_run *r, char *buf, size_t n)
{
    size_t k = 0;
    if (n) buf[0] = 0;
    for (int i = 0; i < r->P.nch && k < n; ++i)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", r->P.ch[i].name);
}

dy_status dy_run_channel(const dy_run *r, const char *name, int im, dy_run_channel_view *v,
                         dy_error *err)
{
    const plan *P = &r->P;
    memset(v, 0, sizeof *v);
    for (int i = 0; i < P->nch; ++i) {
        const channel *ch = &P->ch[i];
        if (strcmp(ch->name, name)) continue;
        if (ch->kind != 0)
            return dy_error_set(err, DY_ERR_INVALID,
                                "%s: channel %s has a closed-form cross section and no energy "
                                "nodes: no thick-target events for it",
                                P->cfg->path, name);
        if (im < 0 || im >= r->NM)
            return dy_error_set(err, DY_ERR_INVALID, "run: no grid point %d", im);
        const channel *own = ch->shares >= 0 ? &P->ch[ch->shares] : ch;
        const int nk = own->single_node ? 1 : P->K;
        const int base = own->first_param + im * P->nel * nk;
        const double c2 = dy_coupling_kernel_scale(dy_model_from_name(P->cfg->model.mediator),
                                                   P->cfg->model.coupling);
        v->name = ch->name;
        v->process = own->process;
        v->single_node = own->single_node;
        v->E_mean = ch->E_mean;
        v->L_cm = ch->L_cm;
        v->T = &ch->T;
        v->nel = P->nel;
        v->elZ = P->elZ;
        v->elA = P->elA;
        v->eln = P->eln;
        v->K = nk;
        v->E = &r->Ek[base];
        v->par = &r->par[base];
        v->scale = c2 * DY_PB_TO_CM2 * ch->escale;
        v->run = r;
        v->channel = i;
        v->mass = P->cfg->masses_GeV[im];
        v->closed = !own->single_node && !(threshold(P, own, P->cfg->masses_GeV[im]) < own->T.E0);
        return DY_OK;
    }
    char names[256];
    dy_run_channel_names(r, names, sizeof names);
    return dy_error_set(err, DY_ERR_NOT_FOUND, "%s: no channel '%s' (this config has: %s)",
                        P->cfg->path, name, names);
}

void dy_run_channel_params(const dy_run_channel_view *v, int el, double E, dy_params *p)
{
    const dy_run *r = v->run;
    node_params(&r->P, v->process, el, E, v->mass, p);
}

dy_status dy_run_annihilation(const dy_run *r, int im, dy_run_ann_view *v, dy_error *err)
{
    const plan *P = &r->P;
    const dy_config *c = P->cfg;
    memset(v, 0, sizeof *v);
    for (int i = 0; i < P->nch; ++i) {
        const channel *ch = &P->ch[i];
        if (ch->kind != 1) continue;
        if (im < 0 || im >= r->NM)
            return dy_error_set(err, DY_ERR_INVALID, "run: no grid point %d", im);
        const double eref = fmin(c->model.coupling, 1e-3), m = c->masses_GeV[im];
        ann_ctx a;
        memset(&a, 0, sizeof a);
        v->E_thr = ann_setup(c, m, eref, &a);
        v->name = ch->name;
        v->T = &ch->T;
        v->n_e = P->mat.n_e;
        v->ac = a.ac;
        v->visible = a.visible;
        v->scale = (c->model.coupling / eref) * (c->model.coupling / eref) * DY_PB_TO_CM2;
        v->N_total = P->ann.ch[0].N_total[im];
        v->N_total_err = P->ann.ch[0].N_total_err[im];
        v->closed = m <= 2.0 * DY_M_E || !(v->E_thr < ch->T.E0);
        v->extras = c->ann_electron_motion || c->ann_isr;
        v->spread = c->beam.spread_GeV;
        v->mass = m;
        return DY_OK;
    }
    char names[256];
    dy_run_channel_names(r, names, sizeof names);
    return dy_error_set(err, DY_ERR_NOT_FOUND, "%s: no annihilation channel (this config has: %s)",
                        c->path, names);
}

double dy_run_ann_sigma(const dy_run_ann_view *v, double E)
{
    ann_ctx a;
    memset(&a, 0, sizeof a);
    a.ac = v->ac;
    a.visible = v->visible;
    return ann_sigma(&a, E);
}

/* Relative cost of a point: its number of MC integrals times a mass factor.  Measured
 * (benchmarks/RESULTS.md, "Grid scheduling"): at 1e-3 precision an NA64 brem point at 1 GeV costs
 * ~3x one at 2 MeV, about 1 + 0.3 ln(m/m_min); at coarse precision all points cost the minimum
 * iterations and the factor only reorders equals.  Orders the dynamic queue (largest first);
 * never affects results. */
double dy_run_point_cost(const dy_run *r, int p)
{
    const dy_config *c = r->P.cfg;
    const double f = 1.0 + 0.3 * log(c->masses_GeV[p] / c->masses_GeV[0]);
    return (1.0 + (double)r->per_pt) * (f > 1.0 ? f : 1.0);
}

/* The error budget (issue 11.5): every yield Y = sum_k w_k sigma_k the user asked for (per
 * channel and mass, in total and above the cut) should reach the relative precision of the
 * config at the least cost.  With per-sample deviations s_k, sample counts n_k ~ |w_k| s_k
 * minimise sum n_k at fixed variance (Neyman allocation, J. Neyman, J. R. Stat. Soc. 97 (1934)
 * 558), i.e. targets e_k^2 = V s_k / (|w_k| sum_j |w_j| s_j), V = (p Y)^2.  An integral takes the
 * strictest target of the yields it enters.  Each point is budgeted on its own integrals only,
 * so its results never depend on the other points of the call. */
typedef struct run_budget {
    const dy_run *r;
    const int *idx; /* call integral -> plan integral */
    int np;         /* points of the call, per_pt integrals each, in call order */
} run_budget;

static void run_targets(void *ctx, size_t n, const dy_result *res, const double *sd1, double *tgt)
{
    enum { TS = 1 + DY_MAX_FUNC };
    const run_budget *b = ctx;
    const dy_run *r = b->r;
    const int per = r->per_pt, N = r->n;
    const double p2 = r->P.cfg->precision * r->P.cfg->precision;
    (void)n;
    for (int pt = 0; pt < b->np; ++pt) {
        const int o = pt * per; /* this point's call integrals: [o, o + per) */
        for (int i = 0; i < TS * per; ++i)
            tgt[TS * o + i] = INFINITY;
        for (int c = 0; c < r->P.nch; ++c) {
            if (r->P.ch[c].kind != 0) continue;
            const int fu = r->P.ch[c].func;
            /* 0: N_total = sum_k w_k sigma_k; 1: N above the cut = sum_k n_el F_k, F_k the
             * functional of node k (its fold weights included) */
            for (int type = 0; type < 2; ++type) {
                const double *w = r->wt + ((size_t)c * 2 + type) * N;
                const int slot = type ? 1 + fu : 0;
                double Y = 0.0, S = 0.0;
                for (int i = 0; i < per; ++i) {
                    const double wi = w[b->idx[o + i]];
                    Y += wi * (type ? res[o + i].func_value[fu] : res[o + i].value);
                    S += fabs(wi) * sd1[TS * (o + i) + slot];
                }
                if (!(Y > 0.0) || !(S > 0.0)) continue;
                for (int i = 0; i < per; ++i) {
                    const double wi = fabs(w[b->idx[o + i]]), si = sd1[TS * (o + i) + slot];
                    if (wi == 0.0 || !(si > 0.0)) continue;
                    const double e = sqrt(p2 * Y * Y * si / (wi * S));
                    if (e < tgt[TS * (o + i) + slot]) tgt[TS * (o + i) + slot] = e;
                }
            }
        }
        for (int i = 0; i < TS * per; ++i) /* no yield: the config's precision, no other goal */
            if (!isfinite(tgt[TS * o + i])) tgt[TS * o + i] = 0.0;
    }
}

/* --verbose: one stderr line per combined VEGAS iteration, naming the integral's channel and mass
 * (found from its plan id as in the cut weights above). */
typedef struct iter_ctx {
    const dy_run *r;
    const int *idx;
} iter_ctx;

static void print_iteration(void *ctx, size_t i, uint32_t it, double value, double error,
                            const dy_result *run)
{
    const iter_ctx *x = ctx;
    const plan *P = &x->r->P;
    const char *chn = "?";
    double mass = NAN;
    for (int c = 0; c < P->nch; ++c) {
        const channel *ch = &P->ch[c];
        const int cnt = P->nel * (ch->single_node ? 1 : P->K), off = x->idx[i] - ch->first_param;
        if (ch->first_param < 0 || off < 0 || off >= x->r->NM * cnt) continue;
        chn = ch->name;
        mass = P->cfg->masses_GeV[off / cnt];
        break;
    }
    fprintf(stderr,
            "darkyield: vegas: %s m = %g GeV, integral %d, iteration %u: %.6g +- %.2g; "
            "combined %.6g +- %.2g, chi2/dof %.2f, %llu evaluations\n",
            chn, mass, x->idx[i], it, value, error, run->value, run->error, run->chi2_dof,
            (unsigned long long)run->n_eval);
}

dy_status dy_run_compute(dy_run *r, dy_engine *e, const int *pts, int np, int engine_progress,
                         dy_error *err)
{
    const dy_config *c = r->P.cfg;
    dy_status s = DY_OK;
    if (np <= 0 || r->n == 0) {
        for (int i = 0; i < np; ++i)
            r->done[pts[i]] = 1;
        if (r->on_progress) r->on_progress(r->progress_ctx, 0, 0); /* no MC integral at all */
        return DY_OK;
    }
    const size_t m = (size_t)np * r->per_pt;
    int *idx = malloc(m * sizeof *idx);
    dy_params *par = malloc(m * sizeof *par);
    dy_histspec *hs = malloc(m * DY_MAX_OBS * sizeof *hs);
    dy_hist *hist = malloc(m * DY_MAX_OBS * sizeof *hist);
    dy_result *res = malloc(m * sizeof *res);
    if (!idx || !par || !hs || !hist || !res) {
        s = dy_error_set(err, DY_ERR_NOMEM, "run: out of memory for %zu integrals", m);
        goto done;
    }
    size_t k = 0;
    for (int i = 0; i < np; ++i) {
        if (pts[i] < 0 || pts[i] >= r->NM) {
            s = dy_error_set(err, DY_ERR_INVALID, "run: no grid point %d", pts[i]);
            goto done;
        }
        k += (size_t)point_integrals(r, pts[i], idx + k);
    }
    for (size_t i = 0; i < m; ++i) { /* a subset of the plan: ids (random streams) unchanged */
        par[i] = r->par[idx[i]];
        memcpy(&hs[i * DY_MAX_OBS], &r->hs[(size_t)idx[i] * DY_MAX_OBS], DY_MAX_OBS * sizeof *hs);
    }
    dy_vegas_options o;
    dy_vegas_options_default(&o);
    o.seed = c->seed;
    o.rel_precision = c->precision;
    o.max_eval = c->max_eval;
    o.progress = engine_progress & 1;
    o.on_progress = r->on_progress;
    o.progress_ctx = r->progress_ctx;
    iter_ctx ictx = {r, idx};
    if (engine_progress & 2) { /* --verbose */
        o.on_iteration = print_iteration;
        o.ctx = &ictx;
    }
    run_budget budget = {r, idx, np};
    double *fw = calloc(m * DY_MAX_FUNC * DY_MAX_HBINS, sizeof *fw);
    if (!fw) {
        s = dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
        goto done;
    }
    for (size_t i = 0; i < m; ++i) /* each channel's cut weights on the integral's node */
        for (int c = 0; c < r->P.nch; ++c) {
            const channel *ch = &r->P.ch[c];
            const channel *own = ch->shares >= 0 ? &r->P.ch[ch->shares] : ch;
            if (ch->kind != 0) continue;
            const int nk = own->single_node ? 1 : r->P.K, NE = r->P.nel;
            const int off = idx[i] - own->first_param;
            if (off < 0 || off >= r->NM * NE * nk) continue;
            const int im = off / (NE * nk), k = off % nk;
            memcpy(fw + (i * DY_MAX_FUNC + ch->func) * DY_MAX_HBINS,
                   ch->cutw + ((size_t)im * nk + k) * XBINS, XBINS * sizeof *fw);
        }
    o.n_func = DY_MAX_FUNC;
    o.func_w = fw;
    o.targets = run_targets;
    o.targets_ctx = &budget;
    s = dy_integrate(e, par, m, &o, hs, res, hist, err);
    free(fw);
    if (s != DY_OK) goto done;
    for (size_t i = 0; i < m; ++i) {
        r->res[idx[i]] = res[i];
        memcpy(&r->hist[(size_t)idx[i] * DY_MAX_OBS], &hist[i * DY_MAX_OBS],
               DY_MAX_OBS * sizeof *hist);
    }
    for (int i = 0; i < np; ++i)
        r->done[pts[i]] = 1;
done:
    free(idx);
    free(par);
    free(hs);
    free(hist);
    free(res);
    return s;
}

static uint64_t dbits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double bitsd(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

void dy_run_pack_point(const dy_run *r, int p, uint64_t *w)
{
    int *idx = malloc((size_t)(r->per_pt ? r->per_pt : 1) * sizeof *idx);
    if (!idx) return;
    const int m = point_integrals(r, p, idx);
    for (int i = 0; i < m; ++i) {
        const dy_result *q = &r->res[idx[i]];
        *w++ = dbits(q->value);
        *w++ = dbits(q->error);
        *w++ = dbits(q->chi2_dof);
        *w++ = dbits(q->q);
        *w++ = q->n_eval;
        *w++ = q->n_nonfinite;
        *w++ = q->n_iter;
        *w++ = (uint64_t)(int64_t)q->converged;
        for (int f = 0; f < DY_MAX_FUNC; ++f) {
            *w++ = dbits(q->func_value[f]);
            *w++ = dbits(q->func_error[f]);
        }
        for (int o = 0; o < DY_MAX_OBS; ++o) {
            const dy_hist *h = &r->hist[(size_t)idx[i] * DY_MAX_OBS + o];
            const unsigned nb = r->hs[(size_t)idx[i] * DY_MAX_OBS + o].nbins;
            for (unsigned b = 0; b < nb; ++b)
                *w++ = dbits(h->content[b]);
            for (unsigned b = 0; b < nb; ++b)
                *w++ = dbits(h->error[b]);
        }
    }
    free(idx);
}

dy_status dy_run_unpack_point(dy_run *r, int p, const uint64_t *w, dy_error *err)
{
    if (p < 0 || p >= r->NM) return dy_error_set(err, DY_ERR_INVALID, "no grid point %d", p);
    int *idx = malloc((size_t)(r->per_pt ? r->per_pt : 1) * sizeof *idx);
    if (!idx) return dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
    const int m = point_integrals(r, p, idx);
    for (int i = 0; i < m; ++i) {
        dy_result *q = &r->res[idx[i]];
        q->value = bitsd(*w++);
        q->error = bitsd(*w++);
        q->chi2_dof = bitsd(*w++);
        q->q = bitsd(*w++);
        q->n_eval = *w++;
        q->n_nonfinite = *w++;
        q->n_iter = (uint32_t)*w++;
        q->converged = (int)(int64_t)*w++;
        for (int f = 0; f < DY_MAX_FUNC; ++f) {
            q->func_value[f] = bitsd(*w++);
            q->func_error[f] = bitsd(*w++);
        }
        for (int o = 0; o < DY_MAX_OBS; ++o) {
            dy_hist *h = &r->hist[(size_t)idx[i] * DY_MAX_OBS + o];
            const dy_histspec *sp = &r->hs[(size_t)idx[i] * DY_MAX_OBS + o];
            memset(h, 0, sizeof *h);
            h->spec = *sp;
            for (unsigned b = 0; b < sp->nbins; ++b)
                h->content[b] = bitsd(*w++);
            for (unsigned b = 0; b < sp->nbins; ++b)
                h->error[b] = bitsd(*w++);
        }
    }
    r->done[p] = 1;
    free(idx);
    return DY_OK;
}

/* Channels that reuse another's integrals (brem-e+ on brem-e-'s) have correlated MC errors: in
 * the total their errors add linearly within such a group (an upper bound; the weights differ),
 * and groups add in quadrature. */
static void total_errors_shared(const plan *P, dy_yield_grid *g)
{
    const int n2 = g->n_masses * g->n_ebins;
    double *grp = calloc((size_t)P->nch, sizeof *grp);
    if (!grp) return; /* keep the quadrature sums */
#define DY_GROUPED(field, errfield, n)                                                             \
    for (int i = 0; i < (n); ++i) {                                                                \
        double v = 0.0;                                                                            \
        memset(grp, 0, (size_t)P->nch * sizeof *grp);                                              \
        for (int c = 0; c < P->nch; ++c)                                                           \
            grp[P->ch[c].shares >= 0 ? P->ch[c].shares : c] += g->ch[c].errfield[i];               \
        for (int c = 0; c < P->nch; ++c)                                                           \
            v += grp[c] * grp[c];                                                                  \
        g->field[i] = sqrt(v);                                                                     \
    }
    DY_GROUPED(sum_dNdE_err, dNdE_err, n2)
    DY_GROUPED(sum_N_above_err, N_above_err, g->n_masses)
    DY_GROUPED(sum_N_total_err, N_total_err, g->n_masses)
#undef DY_GROUPED
    free(grp);
}

/* Add the folding (quadrature) errors q to the MC errors of the channels and of the sums: within a
 * channel in quadrature (independent of its MC noise), across channels linearly (channels folded
 * from the same nodes share their interpolation error; an upper bound otherwise).  Records the
 * method and the largest folding share in g->errors. */
static double add_q(int nch, int n, double *const *v, double *const *e, double *const *q,
                    double *sum_err)
{
    double big = 0.0; /* largest folding error / value */
    for (int i = 0; i < n; ++i) {
        double qs = 0.0;
        for (int c = 0; c < nch; ++c) {
            qs += q[c][i];
            e[c][i] = hypot(e[c][i], q[c][i]);
            if (v[c][i] > 0.0) big = fmax(big, q[c][i] / v[c][i]);
        }
        sum_err[i] = hypot(sum_err[i], qs);
    }
    return big;
}

static void add_fold_errors(const plan *P, const fold_err *q, dy_yield_grid *g)
{
    double *v[MAXCH], *e[MAXCH], *qq[MAXCH], big[3];
    for (int f = 0; f < 3; ++f) {
        for (int c = 0; c < P->nch; ++c) {
            dy_yield_channel *ch = &g->ch[c];
            v[c] = f == 0 ? ch->N_total : f == 1 ? ch->N_above : ch->dNdE;
            e[c] = f == 0 ? ch->N_total_err : f == 1 ? ch->N_above_err : ch->dNdE_err;
            qq[c] = f == 0 ? q[c].tot : f == 1 ? q[c].above : q[c].dNdE;
        }
        big[f] = add_q(P->nch, f < 2 ? g->n_masses : g->n_masses * g->n_ebins, v, e, qq,
                       f == 0   ? g->sum_N_total_err
                       : f == 1 ? g->sum_N_above_err
                                : g->sum_dNdE_err);
    }
    int nodes = 0, muon = 0, ann = 0;
    for (int c = 0; c < P->nch; ++c) {
        nodes |= P->ch[c].kind == 0 && !P->ch[c].single_node;
        muon |= P->ch[c].single_node;
        ann |= P->ch[c].kind == 1;
    }
    char rule[160] = "";
    if (nodes)
        snprintf(rule, sizeof rule,
                 "; node channels: embedded rules (K = %d nodes vs every other node, and cubic "
                 "stencils shifted by one node)",
                 P->K);
    snprintf(g->errors, sizeof g->errors,
             "*_err = 1 sigma = sqrt(MC^2 + folding^2), folding errors added linearly over "
             "channels%s%s%s; largest folding error %.2g %% of N_total, %.2g %% of N_above_cut",
             rule, muon ? "; muon: sigma's curvature over the energy-loss box (IWW)" : "",
             ann ? "; annihilation (no MC): adaptive-quadrature error" : "", 100.0 * big[0],
             100.0 * big[1]);
}

/* What was run, for the writers' /beam, /target and /model (the plan's material and the config). */
static void record_setup(const plan *P, dy_yield_grid *g)
{
    const dy_config *c = P->cfg;
    dy_grid_setup *u = &g->setup;
    u->recorded = 1;
    snprintf(u->beam_particle, sizeof u->beam_particle, "%s", c->beam.particle);
    u->beam_energy_GeV = c->beam.energy_GeV;
    u->beam_spread_GeV = c->beam.spread_GeV;
    snprintf(u->material, sizeof u->material, "%s", c->target.material);
    u->thickness_cm = P->L_cm;
    u->thickness_X0 = P->L_X0;
    u->density_g_cm3 = P->mat.density;
    u->X0_cm = P->mat.X0_cm;
    u->n_atom_cm3 = P->mat.n_atom;
    u->n_e_cm3 = P->mat.n_e;
    u->n_elem = P->mat.n_elem < DY_GRID_MAX_ELEM ? P->mat.n_elem : DY_GRID_MAX_ELEM;
    for (int i = 0; i < u->n_elem; ++i) {
        u->Z[i] = P->mat.Z[i];
        u->A[i] = P->mat.A[i];
        u->w[i] = P->mat.w[i];
    }
    for (int i = 0; i < 3; ++i)
        u->tracklength_file[i] = c->target.tracklength_file[i];
    snprintf(u->decay, sizeof u->decay, "%s", c->model.decay);
    snprintf(u->dm_kind, sizeof u->dm_kind, "%s", c->model.dm_kind);
    u->alpha_D = c->model.alpha_D;
    u->mchi_over_m = c->model.mchi_over_m;
    u->dm_splitting = c->model.dm_splitting;
    size_t n = 0;
    u->processes[0] = '\0';
    for (int i = 0; i < c->n_processes && n < sizeof u->processes; ++i)
        n += (size_t)snprintf(u->processes + n, sizeof u->processes - n, "%s%s", i ? "," : "",
                              c->processes[i]);
    u->precision = c->precision;
    u->max_eval = c->max_eval;
    u->quad_nodes = c->quad_nodes;
}

/* The engine's diagnostics of every MC integral, per channel that owns integrals: [mass][element]
 * [node] as in the plan (dy_run_open); channels reusing another's integrals name it. */
static dy_status record_integrals(const dy_run *r, dy_yield_grid *g, dy_error *err)
{
    const plan *P = &r->P;
    for (int i = 0; i < P->nch; ++i) {
        const channel *ch = &P->ch[i];
        dy_grid_integrals *m = &g->ch[i].mc;
        if (ch->kind != 0) continue;
        if (ch->shares >= 0) {
            snprintf(m->shares, sizeof m->shares, "%s", P->ch[ch->shares].name);
            continue;
        }
        const int nk = ch->single_node ? 1 : P->K, NE = P->nel;
        dy_status s = dy_grid_integrals_alloc(g, i, NE, nk, err);
        if (s != DY_OK) return s;
        for (int el = 0; el < NE; ++el) {
            m->elem_Z[el] = P->elZ[el];
            m->elem_A[el] = P->elA[el];
        }
        m->sigma_units = "pb per atom of the element at unit kernel coupling (times the group's "
                         "coupling_factor: at the file's coupling)";
        for (int im = 0; im < g->n_masses; ++im)
            for (int el = 0; el < NE; ++el)
                for (int k = 0; k < nk; ++k) {
                    const int idx = ch->first_param + (im * NE + el) * nk + k;
                    const size_t o = ((size_t)im * NE + el) * nk + k;
                    const dy_result *q = &r->res[idx];
                    if (el == 0) m->E_GeV[(size_t)im * nk + k] = r->Ek[idx];
                    m->sigma_pb[o] = q->value;
                    m->sigma_err_pb[o] = q->error;
                    m->chi2_dof[o] = q->chi2_dof;
                    m->q[o] = q->q;
                    m->n_eval[o] = q->n_eval;
                    m->n_nonfinite[o] = q->n_nonfinite;
                    m->n_iter[o] = (int32_t)q->n_iter;
                    m->converged[o] = q->converged;
                }
    }
    return DY_OK;
}

/* The geometry outputs' axes and model descriptions. */
static void geometry_axes(const plan *P, dy_yield_grid *g)
{
    const dy_config *c = P->cfg;
    if (g->n_tbins) {
        dy_geo_theta_edges(g->n_tbins, c->theta_min_rad, c->theta_max_rad, g->theta_edges_rad);
        snprintf(g->theta_model, sizeof g->theta_model,
                 "theta = angle of the boson to the producing particle (the parent's own angle to "
                 "the beam not included); brem: improved Weizsaecker-Williams angular "
                 "distribution at fixed x; compton and annihilation-gamma: 2->2 kinematics; "
                 "annihilation: 0; bin 0 "
                 "takes all angles below edge 1, the last bin all above its lower edge");
    }
    if (g->n_dbins) {
        for (int d = 0; d <= g->n_dbins; ++d)
            g->depth_edges_cm[d] = P->L_cm * d / g->n_dbins;
        int n = snprintf(g->depth_model, sizeof g->depth_model,
                         "depth in cm from the target's front face; per channel: ");
        for (int i = 0; i < P->nch && n > 0 && (size_t)n < sizeof g->depth_model; ++i)
            n += snprintf(g->depth_model + n, sizeof g->depth_model - (size_t)n, "%s%s: %s",
                          i ? "; " : "", P->ch[i].name, P->ch[i].dep.model);
    }
}

/* Errors of the geometry outputs: each bin carries its share of its dN/dE bin's error (the
 * angle and depth models' own systematics are not in them: docs/geometry.md); the sums the
 * total's relative error. */
static void geometry_errors(dy_yield_grid *g)
{
    const int NB = g->n_ebins, NT = g->n_tbins, ND = g->n_dbins;
    for (int c = 0; c <= g->n_channels; ++c) {
        const int tot = c == g->n_channels;
        const double *v = tot ? g->sum_dNdE : g->ch[c].dNdE;
        const double *e = tot ? g->sum_dNdE_err : g->ch[c].dNdE_err;
        const double *tv = tot ? g->sum_dNdE_theta : g->ch[c].dNdE_theta;
        double *te = tot ? g->sum_dNdE_theta_err : g->ch[c].dNdE_theta_err;
        const double *dv = tot ? g->sum_dNdE_depth : g->ch[c].dNdE_depth;
        double *de = tot ? g->sum_dNdE_depth_err : g->ch[c].dNdE_depth_err;
        for (int m = 0; m < g->n_masses; ++m)
            for (int b = 0; b < NB; ++b) {
                const int i = dy_yield_grid_index(g, m, b);
                for (int t = 0; t < NT; ++t) {
                    const size_t k = (size_t)i * NT + t;
                    te[k] = v[i] > 0.0 ? e[i] * tv[k] / v[i] : e[i] / NT;
                }
                for (int d = 0; d < ND; ++d) {
                    const size_t k = ((size_t)m * ND + d) * NB + b;
                    de[k] = v[i] > 0.0 ? e[i] * dv[k] / v[i] : e[i] / ND;
                }
            }
    }
}

dy_status dy_run_fold(dy_run *r, dy_yield_grid *g, dy_error *err)
{
    const dy_config *c = r->P.cfg;
    plan *P = &r->P;
    dy_status s;
    fold_err q[MAXCH];
    memset(q, 0, sizeof q);
    for (int i = 0; i < r->NM; ++i)
        if (!r->done[i])
            return dy_error_set(err, DY_ERR_INVALID, "run: grid point %d (mass %g GeV) missing", i,
                                c->masses_GeV[i]);
    if ((s = dy_yield_grid_alloc(c->n_masses, c->ebins.n, P->nch, g, err)) != DY_OK) return s;
    const size_t NM = (size_t)c->n_masses, n2 = NM * (size_t)c->ebins.n;
    memcpy(g->masses_GeV, c->masses_GeV, NM * sizeof(double));
    dy_yield_grid_linear_edges(g, c->ebins.min_GeV, c->ebins.max_GeV);
    if ((s = dy_yield_grid_alloc_geometry(g, c->theta_bins, c->depth_bins, err))) goto done;
    geometry_axes(P, g);
    for (int i = 0; i < P->nch; ++i) {
        if ((s = dy_yield_grid_set_channel(g, i, P->ch[i].name, err))) goto done;
        if (!(q[i].tot = calloc(2 * NM + n2, sizeof(double)))) {
            s = dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
            goto done;
        }
        q[i].above = q[i].tot + NM;
        q[i].dNdE = q[i].tot + 2 * NM;
    }
    g->cut_energy_min_GeV = c->cut_energy_min_GeV;
    g->coupling = c->model.coupling;
    g->model = c->model.mediator;
    g->total_errors = DY_CONV_TOTAL_ERRORS;
    g->seed = c->seed;
    record_setup(P, g);
    if ((s = record_integrals(r, g, err)) != DY_OK) goto done;
    int nc = 0;
    for (int i = 0; i < r->n; ++i)
        nc += r->res[i].converged || r->res[i].value == 0.0;
    if (nc < r->n)
        fprintf(stderr,
                "darkyield: warning: %d of %d integrals did not reach precision %g "
                "within max_eval %llu (their errors are propagated)\n",
                r->n - nc, r->n, c->precision, (unsigned long long)c->max_eval);
    for (int i = 0; i < P->nch && s == DY_OK; ++i) {
        dy_yield_channel *o = &g->ch[i];
        if (P->ch[i].kind == 1) { /* folded at plan time: values and quadrature errors */
            const dy_yield_channel *a = &P->ann.ch[0];
            memcpy(o->N_total, a->N_total, NM * sizeof(double));
            memcpy(o->N_above, a->N_above, NM * sizeof(double));
            memcpy(o->dNdE, a->dNdE, n2 * sizeof(double));
            memcpy(q[i].tot, a->N_total_err, NM * sizeof(double));
            memcpy(q[i].above, a->N_above_err, NM * sizeof(double));
            memcpy(q[i].dNdE, a->dNdE_err, n2 * sizeof(double));
            if (g->n_tbins) memcpy(o->dNdE_theta, a->dNdE_theta, n2 * g->n_tbins * sizeof(double));
            if (g->n_dbins) memcpy(o->dNdE_depth, a->dNdE_depth, n2 * g->n_dbins * sizeof(double));
        } else {
            s = fold_channel(P, &P->ch[i], r->res, r->hist, r->Ek, o, &q[i], g, err);
        }
    }
    if (s == DY_OK) {
        dy_yield_grid_sum(g);
        total_errors_shared(P, g); /* MC errors of the sums */
        add_fold_errors(P, q, g);
        geometry_errors(g);
    }
done:
    for (int i = 0; i < P->nch; ++i)
        free(q[i].tot);
    if (s != DY_OK) dy_yield_grid_free(g);
    return s;
}

dy_status dy_run_grid(const dy_config *c, dy_engine *e, int progress, dy_yield_grid *g,
                      dy_error *err)
{
    return dy_run_grid_cb(c, e, progress, NULL, NULL, g, err);
}

dy_status dy_run_grid_cb(const dy_config *c, dy_engine *e, int progress,
                         void (*fn)(void *ctx, size_t done, size_t total), void *ctx,
                         dy_yield_grid *g, dy_error *err)
{
    dy_run *r;
    dy_status s;
    memset(g, 0, sizeof *g);
    if ((s = dy_run_open(c, progress, &r, err)) != DY_OK) return s;
    dy_run_set_progress(r, fn, ctx);
    int *pts = malloc((size_t)r->NM * sizeof *pts);
    if (!pts) {
        dy_run_close(r);
        return dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
    }
    for (int i = 0; i < r->NM; ++i)
        pts[i] = i;
    s = dy_run_compute(r, e, pts, r->NM, progress, err);
    if (s == DY_OK) s = dy_run_fold(r, g, err);
    free(pts);
    dy_run_close(r);
    return s;
}
