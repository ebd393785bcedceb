/* run.c — the main job (see run.h).  Channels: brem of shower e- and e+ (or of the beam muon),
 * resonant annihilation of shower positrons on atomic electrons, Primakoff production by shower
 * photons.  MC cross sections at log-spaced energy nodes come from one engine call; the folding
 * N = n * int dE T(E) sigma(E) uses host/physics/fold.c.  Annihilation, whose Breit-Wigner is too
 * narrow for nodes, is folded by adaptive quadrature of its closed-form sigma(E+). */
#include "run.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dy_process_table.h"
#include "physics/conventions.h"
#include "physics/couplings.h"
#include "physics/fold.h"
#include "physics/materials.h"
#include "physics/tracklength.h"
#include "processes/dy_proc_annihilation.h"
#include "processes/dy_proc_primakoff.h"

#define MAXCH             DY_GRID_MAX_CHANNELS
#define XBINS             200   /* x = E_X/E bins of the node histograms */
#define ELEM_FRACTION_MIN 0.005 /* elements below 0.5 % of sum n Z^2 are dropped (and reported) */

typedef struct channel {
    char name[32];
    int kind;            /* 0 node-folded MC (brem, primakoff), 1 annihilation quadrature */
    int process;         /* DY_PROC_brem / DY_PROC_primakoff */
    dy_tracklength T;    /* track length of the particle that produces */
    int single_node;     /* muon beam: one node at the mean energy, N = n L sigma */
    double E_mean, L_cm; /* muon */
    int first_param;     /* index of the channel's first integral, or -1 (shares another) */
    int shares;          /* channel index whose integrals it reuses (e+ brem = e- brem) */
} channel;

typedef struct plan {
    const dy_config *cfg;
    dy_material mat;
    double L_cm, L_X0;
    int lepton; /* brem: 0 e, 1 mu */
    int nch;
    channel ch[MAXCH];
    int nel;                       /* elements kept */
    double elZ[8], elA[8], eln[8]; /* Z, A, atoms/cm^3 */
    int K;                         /* nodes per (channel, mass, element) */
} plan;

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

static dy_status make_plan(const dy_config *c, plan *P, dy_error *err)
{
    dy_status s;
    memset(P, 0, sizeof *P);
    P->cfg = c;
    if ((s = find_material(c->target.material, &P->mat, err)) != DY_OK) return s;
    P->L_cm =
        c->target.thickness_cm > 0 ? c->target.thickness_cm : c->target.thickness_X0 * P->mat.X0_cm;
    P->L_X0 = P->L_cm / P->mat.X0_cm;
    if (c->beam.spread_GeV > 0)
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: beam.spread_GeV > 0 is not supported yet "
                            "(set it to 0)",
                            c->path);
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
                if (!strcmp(p, "brem") &&
                    (s = add_channel(P, "brem-e-", 0, DY_PROC_brem, DY_PARTICLE_ELECTRON, err)))
                    return s;
                int have_ep = 0; /* "brem" on a thick target already has the e+ channel */
                for (int k = 0; k < P->nch; ++k)
                    have_ep |= !strcmp(P->ch[k].name, "brem-e+");
                if (!have_ep && (P->L_X0 > 0.3 || !strcmp(p, "brem-positron"))) {
                    if ((s = add_channel(P, "brem-e+", 0, DY_PROC_brem, DY_PARTICLE_POSITRON, err)))
                        return s;
                }
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
        } else {
            return dy_error_set(err, DY_ERR_INVALID, "%s: unknown process '%s'", c->path, p);
        }
    }
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
    if (kept < tot)
        fprintf(stderr,
                "darkyield: note: elements with %.2g %% of sum n Z^2 of %s dropped from "
                "brem/Primakoff\n",
                100.0 * (1.0 - kept / tot), P->mat.name);
    return DY_OK;
}

/* Lowest production energy of a channel for mass m. */
static double threshold(const plan *P, const channel *ch, double m)
{
    if (ch->process == DY_PROC_brem) return (m + (P->lepton ? DY_M_MU : DY_M_E)) * (1.0 + 1e-6);
    return m * (1.0 + 1e-6) + m * m / (2.0 * P->elA[0] * DY_AMU_GEV); /* Primakoff */
}

typedef struct ann_ctx {
    const dy_tracklength *T;
    dy_annih_config ac;
    int visible; /* 1: inclusive visible A' (ee + mumu): the limit applies the branching ratio */
} ann_ctx;

static double ann_integrand(double E, void *vp)
{
    ann_ctx *a = vp;
    a->ac.e_pos = E;
    double sig = dy_annih_sigma_total(&a->ac);
    if (a->visible) { /* e+e- -> A' -> anything = ee + mumu when the A' has no dark decays */
        a->ac.channel = DY_ANN_CH_MUMU;
        sig += dy_annih_sigma_total(&a->ac);
        a->ac.channel = DY_ANN_CH_EE;
    }
    return dy_tracklength_eval(a->T, E) * sig;
}

/* n_e int_{lo}^{hi} dE+ T+(E+) sigma(E+) (per incident particle).  The resonance is resolved by
 * break points at E_R and E_R +- 4^j half-widths (FWHM in E+ = m Gamma/m_e, ref §2.1): an
 * adaptive rule over [E_R, 100 GeV] alone misses a peak of relative width 1e-6 at its end. */
static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static dy_status ann_fold(ann_ctx *a, double ne, double lo, double hi, double *v, double *e,
                          gsl_integration_workspace *ws, dy_error *err)
{
    double pts[24], r = 0.0, ae = 0.0;
    size_t np = 0;
    const double ER = dy_annih_e_res(a->ac.m_ap);
    const dy_ap_widths wd = dy_ap_widths_at(a->ac.m_ap, a->ac.eps, a->ac.alpha_d, a->ac.m_chi,
                                            a->ac.delta, a->ac.dm_kind);
    const double half = 0.5 * a->ac.m_ap * wd.total / DY_M_E;
    *v = *e = 0.0;
    if (!(hi > lo)) return DY_OK;
    pts[np++] = lo;
    pts[np++] = hi;
    if (ER > lo && ER < hi) pts[np++] = ER;
    for (double k = 1.0; k < 1e4 && np + 2 <= 24; k *= 4.0) {
        if (ER - k * half > lo && ER - k * half < hi) pts[np++] = ER - k * half;
        if (ER + k * half > lo && ER + k * half < hi) pts[np++] = ER + k * half;
    }
    qsort(pts, np, sizeof *pts, cmp_double);
    gsl_function F = {ann_integrand, a};
    int st = gsl_integration_qagp(&F, pts, np, 0.0, 1e-7, 1000, ws, &r, &ae);
    if (st && st != GSL_EROUND)
        return dy_error_set(err, DY_ERR_NUMERIC, "annihilation folding: %s (m = %g GeV)",
                            gsl_strerror(st), a->ac.m_ap);
    *v = ne * r * DY_PB_TO_CM2;
    *e = ne * ae * DY_PB_TO_CM2;
    return DY_OK;
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
    a.T = &ch->T;
    for (int im = 0; im < g->n_masses && s == DY_OK; ++im) {
        const double m = g->masses_GeV[im];
        dy_annih_config_default(&a.ac);
        a.ac.m_ap = m;
        a.ac.eps = eref;
        a.ac.alpha_d = c->model.alpha_D;
        a.ac.m_chi = c->model.mchi_over_m * m;
        a.ac.delta = c->model.dm_splitting;
        a.ac.dm_kind = !strcmp(c->model.dm_kind, "scalar")      ? DY_DM_SCALAR
                       : !strcmp(c->model.dm_kind, "majorana")  ? DY_DM_MAJORANA
                       : !strcmp(c->model.dm_kind, "inelastic") ? DY_DM_INELASTIC
                                                                : DY_DM_DIRAC;
        a.visible = !strcmp(c->model.decay, "visible");
        a.ac.channel = a.visible ? DY_ANN_CH_EE : DY_ANN_CH_INVISIBLE;
        if (a.visible) a.ac.alpha_d = 0.0; /* visible: the A' decays to SM leptons only */
        if (m <= 2.0 * DY_M_E) continue;   /* no resonance: explicit zero */
        const double ne = P->mat.n_e;
        double v, e;
        /* threshold: s = 2 m_e^2 + 2 m_e E+ >= (m_1 + m_2)^2 (ref §2.1); below it sigma = 0 */
        const double m12 =
            a.ac.channel == DY_ANN_CH_EE
                ? 2.0 * DY_M_E
                : a.ac.m_chi * (2.0 + (a.ac.dm_kind == DY_DM_INELASTIC ? a.ac.delta : 0.0));
        const double Ethr =
            fmax(DY_M_E * (1.0 + 1e-9), (m12 * m12 - 2.0 * DY_M_E * DY_M_E) / (2.0 * DY_M_E));
        if (Ethr >= E0) continue; /* explicit zero: no production below threshold */
        /* E_X = E+ + m_e: the A' carries the whole positron energy (ref §2.1) */
        if ((s = ann_fold(&a, ne, Ethr, E0, &v, &e, ws, err))) break;
        out->N_total[im] = v * scale;
        out->N_total_err[im] = e * scale;
        if ((s = ann_fold(&a, ne, fmax(c->cut_energy_min_GeV - DY_M_E, Ethr), E0, &v, &e, ws, err)))
            break;
        out->N_above[im] = v * scale;
        out->N_above_err[im] = e * scale;
        for (int b = 0; b < g->n_ebins && s == DY_OK; ++b) {
            const double lo = g->ebin_edges_GeV[b] - DY_M_E, hi = g->ebin_edges_GeV[b + 1] - DY_M_E;
            const double w = g->ebin_edges_GeV[b + 1] - g->ebin_edges_GeV[b];
            s = ann_fold(&a, ne, fmax(lo, Ethr), fmin(hi, E0), &v, &e, ws, err);
            out->dNdE[dy_yield_grid_index(g, im, b)] = v * scale / w;
            out->dNdE_err[dy_yield_grid_index(g, im, b)] = e * scale / w;
        }
    }
    gsl_integration_workspace_free(ws);
    return s;
}

/* Fold one node-based channel: node values summed over elements (n_el sigma_el, cm^-3 pb), then
 * mapped through the fold rule.  Spectra and the yield above the cut use each node's histogram in
 * x = E_X/E, interpolated between nodes at fixed x and spread uniformly within an x bin, so no
 * output bin edge has to coincide with a node.  The muon is a single node at its mean energy. */
static dy_status fold_channel(const plan *P, const channel *ch, const dy_result *res,
                              const dy_hist *hist, const double *Ek, dy_yield_channel *out,
                              const dy_yield_grid *g, dy_error *err)
{
    const dy_config *c = P->cfg;
    const channel *own = ch->shares >= 0 ? &P->ch[ch->shares] : ch;
    const int nk = own->single_node ? 1 : P->K, NE = P->nel, NB = g->n_ebins;
    const double y0 = g->ebin_edges_GeV[0], dy = g->ebin_edges_GeV[1] - g->ebin_edges_GeV[0];
    /* sigma was computed at kernel coupling 1: the model's coupling^2 in its own normalisation
     * (eps^2 for the A', g^2/(4 pi alpha) for the Z', physics/couplings.c) */
    const double c2 =
        dy_coupling_kernel_scale(dy_model_from_name(c->model.mediator), c->model.coupling);
    double *W = malloc((size_t)(NB + 1) * nk * XBINS * sizeof *W);
    double *gt = malloc(2 * (size_t)nk * sizeof *gt), *gtv = gt + nk;
    dy_fold_rule rule = {0};
    dy_status s = DY_OK;
    if (!W || !gt) {
        free(W);
        free(gt);
        return dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
    }
    for (int im = 0; im < g->n_masses && s == DY_OK; ++im) {
        const int base = own->first_param + im * NE * nk;
        const double *E = &Ek[base]; /* the same nodes for every element */
        for (int k = 0; k < nk; ++k) {
            gt[k] = gtv[k] = 0.0;
            for (int el = 0; el < NE; ++el) {
                const dy_result *r = &res[base + el * nk + k];
                gt[k] += P->eln[el] * r->value;
                gtv[k] += P->eln[el] * P->eln[el] * r->error * r->error;
            }
        }
        /* the muon's one-point rule: its whole path at the mean energy */
        double e1 = ch->E_mean, a1 = ch->L_cm, t1 = 0.0;
        int k1 = 0;
        if (own->single_node) {
            rule.n = 1;
            rule.E = &e1, rule.a = &a1, rule.t = &t1, rule.k = &k1;
        } else if ((s = dy_fold_rule_build(&ch->T, nk, E, &rule, err)) != DY_OK) {
            break;
        }
        /* total: the MC total cross sections at the nodes */
        double tot = 0.0, totv = 0.0;
        memset(W, 0, (size_t)(NB + 1) * nk * XBINS * sizeof *W);
        for (int q = 0; q < rule.n; ++q) {
            for (int side = 0; side < 2; ++side) {
                const int k = rule.k[q] + side;
                const double f = rule.a[q] * (side ? rule.t[q] : 1.0 - rule.t[q]);
                if (f == 0.0 || k >= nk) continue;
                tot += f * gt[k];
                /* spectra: x bin j of node k spread over [j, j+1] E/XBINS in E_X */
                const double ex = rule.E[q] / XBINS;
                for (int j = 0; j < XBINS; ++j) {
                    const double e1 = j * ex, e2 = e1 + ex;
                    if (e2 > c->cut_energy_min_GeV)
                        W[((size_t)NB * nk + k) * XBINS + j] +=
                            f * (e2 - fmax(e1, c->cut_energy_min_GeV)) / ex;
                    int b1 = (int)floor((e1 - y0) / dy), b2 = (int)floor((e2 - y0) / dy);
                    if (b2 < 0 || b1 >= NB) continue;
                    for (int b = b1 < 0 ? 0 : b1; b <= b2 && b < NB; ++b) {
                        const double lo = y0 + b * dy, hi = lo + dy;
                        const double ov = fmin(hi, e2) - fmax(lo, e1);
                        if (ov > 0.0) W[((size_t)b * nk + k) * XBINS + j] += f * ov / ex;
                    }
                }
            }
        }
        if (!own->single_node) {
            double *w = malloc((size_t)nk * sizeof *w);
            if (!w) {
                s = dy_error_set(err, DY_ERR_NOMEM, "fold: out of memory");
                break;
            }
            dy_fold_rule_weights(&rule, nk, w);
            for (int k = 0; k < nk; ++k)
                totv += w[k] * w[k] * gtv[k];
            free(w);
            dy_fold_rule_free(&rule);
        } else {
            totv = ch->L_cm * ch->L_cm * gtv[0];
            memset(&rule, 0, sizeof rule);
        }
        out->N_total[im] = c2 * tot * DY_PB_TO_CM2;
        out->N_total_err[im] = c2 * sqrt(totv) * DY_PB_TO_CM2;
        for (int b = 0; b <= NB; ++b) {
            double y = 0.0, yv = 0.0;
            for (int k = 0; k < nk; ++k)
                for (int el = 0; el < NE; ++el) {
                    const dy_hist *h = &hist[(base + el * nk + k) * DY_MAX_OBS];
                    const double *Wk = &W[((size_t)b * nk + k) * XBINS];
                    for (int j = 0; j < XBINS; ++j) {
                        if (Wk[j] == 0.0) continue;
                        y += Wk[j] * P->eln[el] * h->content[j];
                        yv += Wk[j] * Wk[j] * P->eln[el] * P->eln[el] * h->error[j] * h->error[j];
                    }
                }
            y *= c2 * DY_PB_TO_CM2;
            yv = c2 * sqrt(yv) * DY_PB_TO_CM2;
            if (b == NB) {
                out->N_above[im] = y;
                out->N_above_err[im] = yv;
            } else {
                out->dNdE[dy_yield_grid_index(g, im, b)] = y / dy;
                out->dNdE_err[dy_yield_grid_index(g, im, b)] = yv / dy;
            }
        }
    }
    free(W);
    free(gt);
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
    unsigned char *done; /* [NM] */
    int verbose;
};

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
    size_t w = 8;
    for (int o = 0; o < DY_MAX_OBS; ++o)
        w += 2 * (size_t)hs[o].nbins;
    return w;
}

dy_status dy_run_open(const dy_config *c, int verbose, dy_run **out, dy_error *err)
{
    dy_status s;
    dy_run *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r) return dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
    plan *pp = &r->P;
    r->verbose = verbose;
    if ((s = make_plan(c, pp, err)) != DY_OK) {
        for (int i = 0; i < pp->nch; ++i)
            dy_tracklength_free(&pp->ch[i].T);
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
                dy_fold_nodes_log(threshold(pp, ch, m), E0, K, nodes);
            for (int el = 0; el < NE; ++el)
                for (int k = 0; k < nk; ++k) {
                    const int idx = ch->first_param + (im * NE + el) * nk + k;
                    dy_params *p = &r->par[idx];
                    const double E = nodes[k];
                    if (ch->process == DY_PROC_brem) {
                        if (m >= E - (pp->lepton ? DY_M_MU : DY_M_E)) {
                            s = dy_error_set(err, DY_ERR_INVALID,
                                             "%s: mass %g GeV is above the "
                                             "kinematic limit at %g GeV",
                                             c->path, m, E);
                            goto fail;
                        }
                        dy_proc_brem_setup(p, pp->lepton, mediator_index(c->model.mediator),
                                           pp->elZ[el], pp->elA[el], E, m, 1.0, 1);
                        p->process = DY_PROC_brem;
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
                    /* the engine's random stream of an integral depends on (seed, id) only */
                    p->id = (dy_u64)idx;
                    /* histogram of x = E_X/E: the node's energy spectrum (fold_channel) */
                    r->hs[idx * DY_MAX_OBS].lo = 0.0;
                    r->hs[idx * DY_MAX_OBS].hi = 1.0;
                    r->hs[idx * DY_MAX_OBS].nbins = XBINS;
                    r->Ek[idx] = E;
                }
        }
    }
    r->words = n ? (size_t)r->per_pt * integral_words(r->hs) : 0;
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
    for (int i = 0; i < r->P.nch; ++i)
        dy_tracklength_free(&r->P.ch[i].T);
    free(r->par);
    free(r->hs);
    free(r->hist);
    free(r->res);
    free(r->Ek);
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

dy_status dy_run_compute(dy_run *r, dy_engine *e, const int *pts, int np, int engine_progress,
                         dy_error *err)
{
    const dy_config *c = r->P.cfg;
    dy_status s = DY_OK;
    if (np <= 0 || r->n == 0) {
        for (int i = 0; i < np; ++i)
            r->done[pts[i]] = 1;
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
    o.progress = engine_progress;
    if ((s = dy_integrate(e, par, m, &o, hs, res, hist, err)) != DY_OK) goto done;
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

dy_status dy_run_fold(dy_run *r, dy_yield_grid *g, dy_error *err)
{
    const dy_config *c = r->P.cfg;
    plan *P = &r->P;
    dy_status s;
    for (int i = 0; i < r->NM; ++i)
        if (!r->done[i])
            return dy_error_set(err, DY_ERR_INVALID, "run: grid point %d (mass %g GeV) missing", i,
                                c->masses_GeV[i]);
    if ((s = dy_yield_grid_alloc(c->n_masses, c->ebins.n, P->nch, g, err)) != DY_OK) return s;
    memcpy(g->masses_GeV, c->masses_GeV, (size_t)c->n_masses * sizeof(double));
    dy_yield_grid_linear_edges(g, c->ebins.min_GeV, c->ebins.max_GeV);
    for (int i = 0; i < P->nch; ++i)
        if ((s = dy_yield_grid_set_channel(g, i, P->ch[i].name, err))) goto done;
    g->cut_energy_min_GeV = c->cut_energy_min_GeV;
    g->coupling = c->model.coupling;
    g->model = c->model.mediator;
    g->total_errors = DY_CONV_TOTAL_ERRORS;
    g->seed = c->seed;
    int nc = 0;
    for (int i = 0; i < r->n; ++i)
        nc += r->res[i].converged || r->res[i].value == 0.0;
    if (nc < r->n)
        fprintf(stderr,
                "darkyield: warning: %d of %d integrals did not reach precision %g "
                "within max_eval %llu (their errors are propagated)\n",
                r->n - nc, r->n, c->precision, (unsigned long long)c->max_eval);
    for (int i = 0; i < P->nch && s == DY_OK; ++i) {
        if (P->ch[i].kind == 1)
            s = run_annihilation(P, &P->ch[i], &g->ch[i], g, err);
        else
            s = fold_channel(P, &P->ch[i], r->res, r->hist, r->Ek, &g->ch[i], g, err);
    }
    if (s == DY_OK) {
        dy_yield_grid_sum(g);
        total_errors_shared(P, g);
    }
done:
    if (s != DY_OK) dy_yield_grid_free(g);
    return s;
}

dy_status dy_run_grid(const dy_config *c, dy_engine *e, int progress, dy_yield_grid *g,
                      dy_error *err)
{
    dy_run *r;
    dy_status s;
    memset(g, 0, sizeof *g);
    if ((s = dy_run_open(c, progress, &r, err)) != DY_OK) return s;
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
