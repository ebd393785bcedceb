/* limit_job.c — the limit computation of `darkyield limit` as a job (host/jobs/limit_job.h): the
 * checks of the yields, the event limits (once for the single-count methods, per mass for the
 * profile ones), the per-mass signal and the interpolated masses, the coupling limits (analytic
 * when the particle is invisible, an excluded band when it must decay in a volume), the
 * thermal-relic lines or the (g-2)_mu band, and the command's output files.  docs/limits.md. */
#include "jobs/limit_job.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "darkyield/dy_version.h"
#include "io/hepdata.h"
#include "io/outlock.h"
#include "io/outset.h"
#include "io/pyhf_export.h"
#include "physics/acceptance.h"
#include "physics/dy_constants.h"
#include "physics/gminus2.h"
#include "physics/idm.h"
#include "physics/limits.h"
#include "physics/relic.h"

#define NS DY_LJ_NS
#define NT DY_LJ_NT
const char *const dy_limit_sname[NS] = {"obs", "exp", "exp_m1", "exp_p1", "exp_m2", "exp_p2"};

/* res holds per point, for each of the NS limits, (lower or the limit, upper), then the signal. */
#define R(m, k, e) res[(size_t)(m) * (NS * 2 + 1) + (k)*2 + (e)]
#define RY(m)      res[(size_t)(m) * (NS * 2 + 1) + NS * 2]

/* A note (warning = 0: not when quiet) or a warning (not when silent), kept in j->log too. */
__attribute__((format(printf, 3, 4))) static void note(dy_limit_job *j, int warning,
                                                       const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    const size_t k = strlen(j->log);
    if (k + 1 < sizeof j->log)
        snprintf(j->log + k, sizeof j->log - k, "%s: %s\n", warning ? "warning" : "note", line);
    if (!j->silent && (warning || !j->quiet))
        fprintf(stderr, "darkyield: %s: %s\n", warning ? "warning" : "note", line);
}

/* The limit's particle and the model whose coupling it is (physics/couplings.h). */
static dy_model particle_model(const char *particle)
{
    return !strcmp(particle, "zprime")      ? DY_MODEL_LMU_LTAU
           : !strcmp(particle, "zprime-bl") ? DY_MODEL_B_L
           : !strcmp(particle, "alp")       ? DY_MODEL_ALP
                                            : DY_MODEL_DARK_PHOTON;
}

dy_limit_names dy_limit_job_names(const dy_limit_config *c)
{
    const dy_model md = particle_model(c->particle);
    const dy_coupling_info *ci = dy_coupling_info_of(md);
    dy_limit_names n = {"m_A'", ci->name, "", "dark photon A'", ci};
    if (md == DY_MODEL_LMU_LTAU) n.mass = "m_Z'", n.title = "L_mu - L_tau Z'";
    if (md == DY_MODEL_B_L) n.mass = "m_Z'", n.title = "B - L Z'";
    if (md == DY_MODEL_ALP) n.mass = "m_a", n.title = "ALP (a gamma gamma)";
    if (!strcmp(c->particle, "inelastic_dm"))
        n.title = "inelastic DM (A' -> chi1 chi2, chi2 -> chi1 e+e-)";
    if (strcmp(ci->unit, "1")) n.coupling_units = ci->unit;
    return n;
}

dy_status dy_limit_job_read_yields(dy_limit_job *j, dy_error *err)
{
    const dy_limit_config *c = j->cfg;
    return dy_yield_read(c->yields, c->n_channels ? c->channels : NULL, c->n_channels, &j->yf, err);
}

static void copy(double *dst, const double *src, size_t n)
{
    memcpy(dst, src, n * sizeof *dst);
}

dy_status dy_limit_job_set_grid(dy_limit_job *j, const dy_yield_grid *g, const char *name,
                                const char *model, dy_error *err)
{
    const dy_limit_config *c = j->cfg;
    int idx[DY_GRID_MAX_CHANNELS], nch = 0;
    if (c->n_channels == 0) {
        for (int k = 0; k < g->n_channels; ++k)
            idx[nch++] = k;
    } else {
        for (int i = 0; i < c->n_channels && nch < DY_GRID_MAX_CHANNELS; ++i) {
            int k = 0;
            while (k < g->n_channels && strcmp(g->ch[k].name, c->channels[i]))
                ++k;
            if (k == g->n_channels)
                return dy_error_set(err, DY_ERR_NOT_FOUND,
                                    "%s: channels: the yields '%s' have no channel '%s'", c->path,
                                    name ? name : "", c->channels[i]);
            idx[nch++] = k;
        }
    }
    dy_yield_file *f = &j->yf;
    dy_yield_file_free(f);
    dy_status st = dy_yield_grid_alloc(g->n_masses, g->n_ebins, nch, &f->g, err);
    if (st != DY_OK) return st;
    const size_t nm = (size_t)g->n_masses, n2 = nm * (size_t)g->n_ebins;
    copy(f->g.masses_GeV, g->masses_GeV, nm);
    copy(f->g.ebin_edges_GeV, g->ebin_edges_GeV, (size_t)g->n_ebins + 1);
    for (int k = 0; k < nch; ++k) {
        const dy_yield_channel *a = &g->ch[idx[k]];
        dy_yield_channel *b = &f->g.ch[k];
        snprintf(b->name, sizeof b->name, "%s", a->name);
        copy(b->dNdE, a->dNdE, n2);
        copy(b->dNdE_err, a->dNdE_err, n2);
        copy(b->N_above, a->N_above, nm);
        copy(b->N_above_err, a->N_above_err, nm);
        copy(b->N_total, a->N_total, nm);
        copy(b->N_total_err, a->N_total_err, nm);
    }
    if (g->n_tbins > 0 || g->n_dbins > 0) { /* the angle and depth spectra (docs/geometry.md) */
        const int nt = g->n_tbins > 0 && g->theta_edges_rad ? g->n_tbins : 0;
        const int nd = g->n_dbins > 0 && g->depth_edges_cm ? g->n_dbins : 0;
        if ((st = dy_yield_grid_alloc_geometry(&f->g, nt, nd, err)) != DY_OK) return st;
        if (nt) copy(f->g.theta_edges_rad, g->theta_edges_rad, (size_t)nt + 1);
        if (nd) copy(f->g.depth_edges_cm, g->depth_edges_cm, (size_t)nd + 1);
        for (int k = 0; k < nch; ++k) {
            const dy_yield_channel *a = &g->ch[idx[k]];
            dy_yield_channel *b = &f->g.ch[k];
            if (nt && a->dNdE_theta && a->dNdE_theta_err) {
                copy(b->dNdE_theta, a->dNdE_theta, n2 * nt);
                copy(b->dNdE_theta_err, a->dNdE_theta_err, n2 * nt);
            }
            if (nd && a->dNdE_depth && a->dNdE_depth_err) {
                copy(b->dNdE_depth, a->dNdE_depth, n2 * nd);
                copy(b->dNdE_depth_err, a->dNdE_depth_err, n2 * nd);
            }
        }
    }
    if (c->n_channels == 0) { /* the run's total, with its error model */
        copy(f->g.sum_dNdE, g->sum_dNdE, n2);
        copy(f->g.sum_dNdE_err, g->sum_dNdE_err, n2);
        copy(f->g.sum_N_above, g->sum_N_above, nm);
        copy(f->g.sum_N_above_err, g->sum_N_above_err, nm);
        copy(f->g.sum_N_total, g->sum_N_total, nm);
        copy(f->g.sum_N_total_err, g->sum_N_total_err, nm);
        dy_yield_grid_sum_geometry(&f->g); /* channels' geometry summed (errors in quadrature) */
    } else {
        dy_yield_grid_sum(&f->g);
    }
    f->coupling = g->coupling;
    f->cut_energy_min_GeV = g->cut_energy_min_GeV;
    snprintf(f->name, sizeof f->name, "%s", name ? name : "");
    snprintf(f->model, sizeof f->model, "%s", model ? model : "");
    f->g.coupling = f->coupling;
    f->g.cut_energy_min_GeV = f->cut_energy_min_GeV;
    f->g.model = f->model[0] ? f->model : NULL;
    if (!(f->coupling > 0.0) || !isfinite(f->coupling) || !(f->cut_energy_min_GeV >= 0.0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "yields '%s': coupling %g (must be > 0) or energy cut %g GeV "
                            "(must be >= 0) invalid",
                            f->name, f->coupling, f->cut_energy_min_GeV);
    return DY_OK;
}

/* The yield file must hold the limit's model: its yields are per that model's coupling^2.  Files
 * of darkyield 0.1.0 carry no model; their A' and ALP yields are per eps^2 and g_agg^2 as now,
 * but their "Z'" yields were per eps^2 of an A', not per g_Z'^2. */
static int check_model(dy_limit_job *j, const dy_yield_file *y, dy_error *err)
{
    const dy_limit_config *c = j->cfg;
    const dy_model want = particle_model(c->particle);
    const dy_coupling_info *ci = dy_coupling_info_of(want);
    if (!y->model[0] || !strcmp(y->model, "unknown")) {
        if (want == DY_MODEL_LMU_LTAU) {
            dy_error_set(err, DY_ERR_INVALID,
                         "%s: the yield file '%s' does not say which model (coupling) its yields "
                         "belong to (written by darkyield 0.1.0, whose muon 'Z'' yields were per "
                         "eps^2 of a dark photon): re-run 'darkyield run' with model.mediator: "
                         "lmu-ltau",
                         c->path, c->yields);
            return -1;
        }
        note(j, 0, "yield file '%s' names no model; taking its yields as per %s^2 of the %s",
             c->yields, ci->name, ci->particle);
        return 0;
    }
    const int have = dy_model_from_name(y->model);
    if (have != (int)want) {
        const dy_coupling_info *hi = dy_coupling_info_of((dy_model)have);
        dy_error_set(err, DY_ERR_INVALID,
                     "%s: model.particle %s needs yields of model '%s' (coupling %s), but '%s' "
                     "holds model '%s'%s%s%s",
                     c->path, c->particle, ci->model, ci->name, c->yields, y->model,
                     hi ? " (coupling " : "", hi ? hi->name : "", hi ? ")" : "");
        return -1;
    }
    return 0;
}

/* Every number the limit uses must be finite and yields >= 0 (a NaN or a negative yield would
 * silently become "nothing produced" and an infinite limit). */
static int check_yields(const dy_limit_config *c, const dy_yield_file *y, dy_error *err)
{
    const dy_yield_grid *g = &y->g;
    for (int m = 0; m < g->n_masses; ++m)
        if (!(g->masses_GeV[m] > 0.0) || !isfinite(g->masses_GeV[m]) ||
            (m > 0 && !(g->masses_GeV[m] > g->masses_GeV[m - 1]))) {
            dy_error_set(err, DY_ERR_INVALID,
                         "%s: /masses_GeV[%d] = %g: masses must be finite, > 0 and increasing",
                         c->yields, m, g->masses_GeV[m]);
            return -1;
        }
    for (int e = 0; e <= g->n_ebins; ++e)
        if (!isfinite(g->ebin_edges_GeV[e]) || g->ebin_edges_GeV[e] < 0.0 ||
            (e > 0 && !(g->ebin_edges_GeV[e] > g->ebin_edges_GeV[e - 1]))) {
            dy_error_set(err, DY_ERR_INVALID,
                         "%s: /energy_bin_edges_GeV[%d] = %g: edges must be finite, >= 0 and "
                         "increasing",
                         c->yields, e, g->ebin_edges_GeV[e]);
            return -1;
        }
    for (int k = 0; k < g->n_channels; ++k) {
        const dy_yield_channel *ch = &g->ch[k];
        for (int m = 0; m < g->n_masses; ++m) {
            const double a = ch->N_above[m], t = ch->N_total[m];
            if (!(a >= 0.0) || !isfinite(a) || !(t >= 0.0) || !isfinite(t)) {
                dy_error_set(err, DY_ERR_INVALID,
                             "%s: channel '%s' at m = %g GeV: N_above_cut = %g, N_total = %g; "
                             "yields must be finite and >= 0",
                             c->yields, ch->name, g->masses_GeV[m], a, t);
                return -1;
            }
            for (int e = 0; e < g->n_ebins; ++e) {
                const double v = ch->dNdE[dy_yield_grid_index(g, m, e)];
                if (!(v >= 0.0) || !isfinite(v)) {
                    dy_error_set(err, DY_ERR_INVALID,
                                 "%s: channel '%s' dNdE at m = %g GeV, E in [%g, %g] GeV is %g; "
                                 "yields must be finite and >= 0",
                                 c->yields, ch->name, g->masses_GeV[m], g->ebin_edges_GeV[e],
                                 g->ebin_edges_GeV[e + 1], v);
                    return -1;
                }
            }
        }
    }
    return 0;
}

/* BR(Z' -> nu nu) for L_mu - L_tau: Gamma(nu nu) = g^2 M/(12 pi) (nu_mu + nu_tau, one helicity
 * each), Gamma(mu mu) = g^2 M/(12 pi)(1 + 2r) sqrt(1 - 4r), r = m_mu^2/M^2 (tau channel closed). */
static double zprime_br_invisible(double M)
{
    const double r = DY_M_MU * DY_M_MU / (M * M);
    return r >= 0.25 ? 1.0 : 1.0 / (1.0 + (1.0 + 2.0 * r) * sqrt(1.0 - 4.0 * r));
}

/* BR(Z' -> nu nu) for B - L (docs/setups.md): three left-handed neutrinos of charge -1,
 * Gamma(nu nu) = g^2 M/(24 pi) each, against Gamma(l l) = g^2 M/(12 pi)(1 + 2r) sqrt(1 - 4r) for
 * l = e, mu, tau (r = m_l^2/M^2); decays to hadrons (quarks of charge 1/3, via omega/phi mixing
 * near 0.8-1 GeV) are not included, so above ~0.5 GeV the BR is overstated. */
static double bl_br_invisible(double M)
{
    const double ml[3] = {DY_M_E, DY_M_MU, 1.77686};
    double ll = 0.0;
    for (int i = 0; i < 3; ++i) {
        const double r = ml[i] * ml[i] / (M * M);
        if (r < 0.25) ll += (1.0 + 2.0 * r) * sqrt(1.0 - 4.0 * r) / 12.0;
    }
    return 0.125 / (0.125 + ll);
}

static double br_invisible(const char *particle, double M)
{
    return !strcmp(particle, "zprime")      ? zprime_br_invisible(M)
           : !strcmp(particle, "zprime-bl") ? bl_br_invisible(M)
                                            : 1.0;
}

static void print_hdr_comments(FILE *f, const dy_limit_job *j)
{
    const dy_limit_config *c = j->cfg;
    const dy_yield_file *y = &j->yf;
    const double cut = j->cut, *s = j->s;
    const int profile = j->profile;
    const dy_coupling_info *ci = dy_coupling_info_of(particle_model(c->particle));
    char cs[96];
    dy_coupling_format(particle_model(c->particle), y->coupling, cs, sizeof cs);
    fprintf(f, "# darkyield %s limit '%s' from yields '%s' (run '%s', model %s, computed at %s)\n",
            DY_VERSION, c->name, c->yields, y->name, y->model[0] ? y->model : ci->model, cs);
    fprintf(f, "# coupling definition: %s (%s); N_sig = N_pot (%s/%s_0)^2 sum_E eff dN/dE dE%s\n",
            ci->definition, ci->particle, ci->name, ci->name, j->visible ? " <P_decay>" : "");
    fprintf(f, "# particle: %s; mode: %s", c->particle, c->mode);
    if (j->visible) {
        fprintf(f, " (%s, z1 = %g cm", c->region, c->z1_cm);
        if (!strcmp(c->region, "between")) fprintf(f, ", z2 = %g cm", c->z2_cm);
        fputc(')', f);
    }
    if (!strcmp(c->particle, "inelastic_dm"))
        fprintf(f,
                "\n# iDM: m1 = %g m_A', m2 = (1 + %g) m1, alpha_D = %g; BR(A' -> chi1 chi2) at "
                "each eps; chi2 energy uniform over the A' -> chi1 chi2 box (isotropic in the A' "
                "frame); %s",
                c->mchi_over_m, c->dm_splitting, c->alpha_D,
                strcmp(c->region, "between")
                    ? "signal: chi2 does not decay before z1 (missing energy)"
                    : "signal: chi2 -> chi1 e+e- between z1 and z2");
    if (c->acc_kind == 1)
        fprintf(f, "; acceptance: A' within %g rad of the beam axis", c->acc_theta_rad);
    if (c->acc_kind == 2)
        fprintf(f,
                "; acceptance: %s into a disc of radius %g cm at %g cm from the target's "
                "front face",
                c->acc_products == 1   ? "both e+ and e- (decays uniform in the volume)"
                : c->acc_products == 2 ? "e+ or e- (decays uniform in the volume)"
                                       : "A' pointing",
                c->acc_radius_cm, c->acc_distance_cm);
    if (c->have_event_limit)
        fprintf(f,
                "\n# statistics.event_limit = %g signal events (given in the config; observed and "
                "expected)",
                c->event_limit);
    fprintf(f, "\n# N_pot = %g; observed = %d; background = %g; CL = %g; method = %s\n", c->n_pot,
            c->observed, c->background, c->cl, c->method);
    fprintf(
        f, "# event limits%s: obs %.6g, expected %.6g (-1s %.6g, +1s %.6g, -2s %.6g, +2s %.6g)\n",
        profile ? " (first mass; per mass in events_*)" : "", s[0], s[1], s[2], s[3], s[4], s[5]);
    if (profile) {
        fprintf(f, "# method %s: %s; yield error %s\n", c->method,
                !strcmp(c->method, "cls-asymptotic")
                    ? "profile-likelihood CLs, q~_mu, asymptotic formulae (Cowan et al., EPJC 71 "
                      "(2011) 1554); log-normal nuisances, pyhf normsys conventions"
                : !strcmp(c->method, "cls-toys")
                    ? "profile-likelihood CLs, q~_mu distributions from toys"
                    : "Cousins-Highland hybrid: Poisson CLs of the summed counts averaged over "
                      "truncated-Gaussian priors (NIM A320 (1992) 331)",
                c->yield_error ? "included (shared nuisance)" : "not included");
        if (!strcmp(c->method, "cls-toys"))
            fprintf(f, "# toys: %d per hypothesis and mu, seed %llu\n", c->n_toys,
                    (unsigned long long)c->toy_seed);
        for (int d = 0; d < c->n_sets; ++d) {
            const dy_limit_dataset *ds = &c->set[d];
            fprintf(f,
                    "# data set %s: N_pot = %g (rel. sigma %g), observed %d, background %g (rel. "
                    "sigma %g), efficiency %s%g (rel. sigma %g)",
                    ds->name, ds->n_pot, ds->pot_rel_sigma, ds->observed, ds->background,
                    ds->background_rel_sigma, ds->have_eff ? "" : "config x ",
                    ds->have_eff ? ds->eff_const : 1.0, ds->eff_rel_sigma);
            if (ds->shared_sig_rel_sigma > 0.0)
                fprintf(f, ", shared signal rel. sigma %g", ds->shared_sig_rel_sigma);
            if (ds->shared_bkg_rel_sigma > 0.0)
                fprintf(f, ", shared background rel. sigma %g", ds->shared_bkg_rel_sigma);
            if (ds->have_emin) fprintf(f, ", E > %g GeV", ds->e_min);
            if (ds->have_emax) fprintf(f, ", E < %g GeV", ds->e_max);
            fputc('\n', f);
        }
    }
    if (c->interp_per_decade > 0)
        fprintf(f,
                "# interpolated masses (grid = 0): %d per decade where d ln N/d ln m changes by "
                "less than %g between neighbouring intervals; yields log-log interpolated\n",
                c->interp_per_decade, c->interp_max_dslope);
    fprintf(f, "# energy cut E > %g GeV; efficiency %s%s%s\n", cut, c->eff_table[0] ? "table " : "",
            c->eff_table[0] ? c->eff_table : "", c->eff_table[0] ? "" : "constant");
    int own = 0; /* data sets with their own efficiency: listed in their lines above */
    for (int d = 0; d < c->n_sets; ++d)
        own |= c->set[d].have_eff;
    if (own)
        fprintf(f, "# efficiency = per data set\n");
    else if (!c->eff_table[0])
        fprintf(f, "# efficiency = %g\n", c->eff_const);
}

/* The thermal-relic targets over the m_chi range of the grid, or the (g-2) band over its masses. */
static dy_status lines(dy_limit_job *j, dy_error *err)
{
    const dy_limit_config *cfg = j->cfg;
    const dy_yield_grid *g = &j->yf.g;
    const int nm = g->n_masses;
    j->nth = 0;
    j->have_therm = j->want_y && cfg->n_thermal > 0;
    j->have_gm2 = cfg->have_gm2;
    if (j->have_therm) {
        const double lo = fmax(g->masses_GeV[0] * cfg->mchi_over_m, 1.05 * DY_M_E);
        const double hi = fmin(g->masses_GeV[nm - 1] * cfg->mchi_over_m, 10.0);
        for (int i = 0; i < NT && hi > lo; ++i) {
            const double mc = lo * pow(hi / lo, (double)i / (NT - 1));
            int ok = 1;
            for (int k = 0; k < cfg->n_thermal; ++k) {
                const char *t = cfg->thermal[k];
                dy_relic_params p = {!strcmp(t, "scalar")     ? DY_RELIC_SCALAR
                                     : !strcmp(t, "majorana") ? DY_RELIC_MAJORANA
                                     : !strcmp(t, "dirac")    ? DY_RELIC_DIRAC
                                                              : DY_RELIC_PSEUDO_DIRAC,
                                     mc,
                                     1.0 / cfg->mchi_over_m,
                                     cfg->alpha_D,
                                     cfg->dm_splitting,
                                     cfg->omega_h2,
                                     DY_GSTAR_SS2018};
                dy_error e2; /* a mass without a freeze-out solution is left out */
                if (dy_relic_y_target(&p, &j->ty[k][j->nth], NULL, &e2) != DY_OK) ok = 0;
            }
            if (ok) j->tm[j->nth++] = mc;
        }
        j->have_therm = j->nth > 0;
    }
    if (j->have_gm2) {
        const double lo = g->masses_GeV[0], hi = g->masses_GeV[nm - 1];
        for (int i = 0; i < NT; ++i) {
            dy_gm2_band b;
            j->gm[i] = nm > 1 ? lo * pow(hi / lo, (double)i / (NT - 1)) : lo;
            dy_status s = dy_gm2_band_at(j->gm[i], cfg->gm2_delta, cfg->gm2_sigma, &b, err);
            if (s != DY_OK) return s;
            j->gb[0][i] = b.central;
            j->gb[1][i] = b.lo1;
            j->gb[2][i] = b.hi1;
            j->gb[3][i] = b.lo2;
            j->gb[4][i] = b.hi2;
        }
    }
    return DY_OK;
}

/* The columns of the limits table (the CSV's), filled from the results. */
static dy_status columns(dy_limit_job *j, dy_error *err)
{
    const dy_limit_config *cfg = j->cfg;
    const int np = j->np, toys = j->profile && !strcmp(cfg->method, "cls-toys");
    const double *res = j->res;
    int nc = 0;
    dy_limit_column *c = j->col;
#define COL(fm, ...) (snprintf(c[nc].name, sizeof c[nc].name, __VA_ARGS__), c[nc++].fmt = (fm))
    COL('m', "mass_GeV");
    for (int k = 0; k < NS; ++k)
        if (j->visible) {
            COL('v', "%s_lower", dy_limit_sname[k]);
            COL('v', "%s_upper", dy_limit_sname[k]);
        } else {
            COL('v', "coupling_%s", dy_limit_sname[k]);
        }
    if (!j->visible) COL('v', "signal_per_pot_coupling2");
    if (j->profile) {
        COL('v', "events_obs");
        COL('v', "events_exp");
        COL('v', "events_exp_m1");
        COL('v', "events_exp_p1");
    }
    if (toys) COL('t', "events_obs_toy_err");
    if (cfg->interp_per_decade > 0) COL('d', "grid");
    if (j->want_y) {
        COL('m', "m_chi_GeV");
        for (int k = 0; k < NS; ++k)
            if (j->visible) { /* iDM: the band's edges in y */
                COL('v', "y_%s_lower", dy_limit_sname[k]);
                COL('v', "y_%s_upper", dy_limit_sname[k]);
            } else {
                COL('v', "y_%s", dy_limit_sname[k]);
            }
    }
#undef COL
    j->n_cols = nc;
    free(j->colbuf);
    if (!(j->colbuf = malloc(sizeof(double) * (size_t)nc * (size_t)(np > 0 ? np : 1))))
        return dy_error_set(err, DY_ERR_NOMEM, "limits table: out of memory");
    for (int i = 0; i < nc; ++i)
        c[i].v = j->colbuf + (size_t)i * np;
    for (int m = 0; m < np; ++m) {
        const dy_lpoint *p = &j->pts[m];
        int i = 0;
        c[i++].v[m] = p->mass;
        for (int k = 0; k < NS; ++k) {
            c[i++].v[m] = R(m, k, 0);
            if (j->visible) c[i++].v[m] = R(m, k, 1);
        }
        if (!j->visible) c[i++].v[m] = RY(m);
        if (j->profile)
            for (int k = 0; k < 4; ++k)
                c[i++].v[m] = p->ev[k];
        if (toys) c[i++].v[m] = p->toy_err;
        if (cfg->interp_per_decade > 0) c[i++].v[m] = p->grid;
        if (j->want_y) {
            c[i++].v[m] = p->mass * cfg->mchi_over_m;
            for (int k = 0; k < NS; ++k)
                for (int e = 0; e < (j->visible ? 2 : 1); ++e)
                    c[i++].v[m] = R(m, k, e) * R(m, k, e) * cfg->alpha_D * j->r4;
        }
    }
    return DY_OK;
}

dy_status dy_limit_job_compute(dy_limit_job *j, dy_error *err)
{
    const dy_limit_config *cfg = j->cfg;
    const dy_yield_file *yf = &j->yf;
    const dy_yield_grid *g = &yf->g;
    dy_status st;
    if (check_model(j, yf, err) || check_yields(cfg, yf, err)) return err->status;
    if (g->n_ebins > DY_SIGNAL_MAX_EBINS)
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: %d energy bins; 'darkyield limit' handles at most %d (rebin the "
                            "file)",
                            cfg->yields, g->n_ebins, DY_SIGNAL_MAX_EBINS);
    if (g->n_ebins * (g->n_dbins > 0 ? 2 * g->n_dbins : 1) > DY_SIGNAL_MAX_BINS)
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: %d energy bins x %d depth bins; 'darkyield limit' handles at "
                            "most %d energy x 2 depth points (rebin the file)",
                            cfg->yields, g->n_ebins, g->n_dbins, DY_SIGNAL_MAX_BINS);
    const int nm = g->n_masses;
    const int idm = !strcmp(cfg->particle, "inelastic_dm");
    /* iDM limits are bands in both modes: the chi2 must live long enough (docs/limits.md §3.2) */
    const int visible = j->visible = !strcmp(cfg->mode, "visible") || idm;
    if (cfg->acc_kind && !(g->n_tbins > 0 && g->sum_dNdE_theta && g->theta_edges_rad))
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: 'acceptance' needs the bosons' angles, but '%s' has no angle "
                            "bins: re-run 'darkyield run' with geometry.theta_bins "
                            "(docs/geometry.md)",
                            cfg->path, cfg->yields);
    if (cfg->acc_kind == 2 && g->n_dbins > 0 && g->depth_edges_cm &&
        !(cfg->acc_distance_cm > g->depth_edges_cm[g->n_dbins]))
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: acceptance.distance_cm = %g cm is not behind the target (%g cm "
                            "thick)",
                            cfg->path, cfg->acc_distance_cm, g->depth_edges_cm[g->n_dbins]);
    const int dark_photon = !strcmp(cfg->particle, "dark_photon");
    const double cut = j->cut = cfg->have_cut ? cfg->cut_GeV : yf->cut_energy_min_GeV;
    if (!(cut < g->ebin_edges_GeV[g->n_ebins]))
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: energy cut %g GeV is above the yield file's energy range (up to "
                            "%g GeV)",
                            cfg->path, cut, g->ebin_edges_GeV[g->n_ebins]);
    if (cut < yf->cut_energy_min_GeV - 1e-12 && cut < g->ebin_edges_GeV[0])
        note(j, 1, "cut %g GeV is below the spectrum's range", cut);

    /* event limits: one set for the exact single-count methods, per mass for the profile ones */
    const int profile = j->profile = !strcmp(cfg->method, "cls-asymptotic") ||
                                     !strcmp(cfg->method, "cls-toys") ||
                                     !strcmp(cfg->method, "cousins-highland");
    const dy_limit_method method = !strcmp(cfg->method, "fc")          ? DY_LIMIT_FC
                                   : !strcmp(cfg->method, "classical") ? DY_LIMIT_CLASSICAL
                                                                       : DY_LIMIT_POISSON;
    double *s = j->s;
    if (!profile) {
        dy_limit_expected ex;
        memset(&ex, 0, sizeof ex);
        if ((st = dy_limit_upper(cfg->observed, cfg->background, cfg->cl, method, &s[0], err)) !=
                DY_OK ||
            (st = dy_limit_expected_upper(cfg->background, cfg->cl, method, &ex, err)) != DY_OK)
            return st;
        s[1] = ex.median;
        s[2] = ex.m1;
        s[3] = ex.p1;
        s[4] = ex.m2;
        s[5] = ex.p2;
        if (cfg->have_event_limit) /* the published limit, observed and expected alike */
            for (int k = 0; k < NS; ++k)
                s[k] = cfg->event_limit;
    }
    if (visible && cfg->n_sets > 1)
        for (int d = 0; d < cfg->n_sets; ++d)
            if (cfg->set[d].have_emin || cfg->set[d].have_emax ||
                cfg->set[d].have_eff != cfg->set[0].have_eff)
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s: data set '%s': in 'mode: visible' the data sets share "
                                    "the energy window and the kind of efficiency (a number "
                                    "each, or all the 'efficiency' of the config)",
                                    cfg->path, cfg->set[d].name);

    /* the signal of every data set per grid mass, then the interpolated masses */
    free(j->pts);
    if (!(j->pts = calloc((size_t)nm, sizeof *j->pts)))
        return dy_error_set(err, DY_ERR_NOMEM, "limits: out of memory");
    for (int m = 0; m < nm; ++m) {
        const double M = g->masses_GeV[m];
        dy_lpoint_signal(cfg, yf, m, cut, br_invisible(cfg->particle, M), &j->pts[m]);
        double st_ = 0.0;
        for (int d = 0; d < cfg->n_sets; ++d)
            st_ += j->pts[m].S[d];
        if (!(st_ > 0.0))
            note(j, 0,
                 "m = %g GeV: no signal above the cut (yield 0): no sensitivity, the limit is "
                 "written as inf (HEPData '-')",
                 M);
    }
    int np = nm;
    if (cfg->interp_per_decade > 0 && nm > 1) {
        dy_lpoint *o = NULL;
        np = dy_lpoints_interpolate(j->pts, nm, cfg->n_sets, cfg->interp_per_decade,
                                    cfg->interp_max_dslope, &o);
        if (np < 0) return dy_error_set(err, DY_ERR_NOMEM, "limits: out of memory");
        free(j->pts);
        j->pts = o;
    }
    j->np = np;
    dy_lpoint *pts = j->pts;

    /* per point: res[m][k][0/1] = lower/upper edge for event limit k; RY = N_sig/(N_pot g^2) */
    free(j->res);
    double *res = j->res = calloc((size_t)np * (NS * 2 + 1), sizeof(double));
    dy_signal_spec *spec = calloc(1, sizeof *spec);
    if (!res || !spec) {
        free(spec);
        return dy_error_set(err, DY_ERR_NOMEM, "limits: out of memory");
    }
    const dy_limit_names nn = dy_limit_job_names(cfg);
    int open_warned = 0, first_ev = -1;
    st = DY_OK;
    for (int m = 0, im = 0; m < np && st == DY_OK; ++m) {
        dy_lpoint *pt = &pts[m];
        const double M = pt->mass;
        double St = 0.0;
        for (int d = 0; d < cfg->n_sets; ++d)
            St += pt->S[d];
        if (profile) {
            if ((st = dy_lpoint_events(cfg, pt, err)) != DY_OK) {
                dy_error e2 = *err;
                dy_error_set(err, e2.status, "%s: m = %g GeV: %s", cfg->path, M, e2.msg);
                break;
            }
            if (first_ev < 0 && isfinite(pt->ev[0])) first_ev = m;
        } else {
            memcpy(pt->ev, s, sizeof pt->ev);
        }
        if (j->verbose && !j->silent)
            fprintf(stderr,
                    "darkyield: limit: m = %g GeV (%s): signal %.6g events at %s = %g; event "
                    "limits obs %.4g, expected %.4g [%.4g, %.4g]\n",
                    M, pt->grid ? "grid mass" : "interpolated", St, nn.coupling, yf->coupling,
                    pt->ev[0], pt->ev[1], pt->ev[2], pt->ev[3]);
        RY(m) = St / (cfg->n_pot * yf->coupling * yf->coupling);
        if (!visible) {
            for (int k = 0; k < NS; ++k) {
                R(m, k, 0) = dy_limit_coupling_invisible(pt->ev[k], 1.0, St, yf->coupling);
                R(m, k, 1) = INFINITY;
            }
            if (j->progress) j->progress(j->progress_user, m + 1, np);
            continue;
        }
        /* visible: the spectrum of this mass with decays in the volume.  Between grid masses
         * ('interpolate', docs/limits.md §2.1) each bin's dN/dE is interpolated in ln m, like S:
         * ln dN/dE where both ends are > 0, dN/dE itself otherwise; the efficiency and the decay
         * probability are evaluated at M itself. */
        while (im + 1 < nm && g->masses_GeV[im + 1] <= M)
            ++im;
        const int on_grid = g->masses_GeV[im] == M;
        const double tm =
            on_grid ? 0.0
                    : log(M / g->masses_GeV[im]) / log(g->masses_GeV[im + 1] / g->masses_GeV[im]);
        memset(spec, 0, sizeof *spec);
        spec->mass_GeV = M;
        spec->c0 = yf->coupling;
        spec->n_pot = cfg->n_sets > 1 ? 1.0 : cfg->n_pot;
        spec->decay = dark_photon ? DY_DECAY_AP_EE : DY_DECAY_ALP_GG;
        spec->region = !strcmp(cfg->region, "beyond") ? DY_REGION_BEYOND : DY_REGION_BETWEEN;
        spec->z1_cm = cfg->z1_cm;
        spec->z2_cm = cfg->z2_cm;
        if (idm && (st = dy_signal_set_idm(spec, M, cfg->mchi_over_m, cfg->dm_splitting,
                                           cfg->alpha_D, err)) != DY_OK) {
            dy_error e2 = *err;
            dy_error_set(err, e2.status, "%s: m = %g GeV: %s", cfg->path, M, e2.msg);
            break;
        }
        /* with production depths in the file: 2-point Gauss-Legendre in each depth bin, the
         * decay volume then measured from the target's front face (docs/geometry.md); between
         * grid masses the depth shares are those of the grid mass below */
        const int ndp = g->n_dbins > 0 && g->sum_dNdE_depth ? 2 * g->n_dbins : 1;
        /* the e+e- acceptance per energy bin (products mode), made once per mass: the A' is
         * taken as produced at the target's mid-depth (the depth moves the A' offset at the
         * detector by depth/distance, docs/limits.md §3.1) */
        double pshare[DY_SIGNAL_MAX_EBINS];
        for (int e = 0; e < g->n_ebins; ++e)
            pshare[e] = -1.0;
        const double dmid =
            g->n_dbins > 0 && g->depth_edges_cm ? 0.5 * g->depth_edges_cm[g->n_dbins] : 0.0;
        for (int e = 0; e < g->n_ebins && st == DY_OK; ++e)
            for (int q = 0; q < ndp && st == DY_OK; ++q) {
                const double lo = g->ebin_edges_GeV[e], hi = g->ebin_edges_GeV[e + 1];
                if (!(hi > cut)) continue;
                const double l2 = fmax(lo, cut), c = 0.5 * (l2 + hi);
                const int k = spec->n_bins++;
                const double d0 = g->sum_dNdE[dy_yield_grid_index(g, im, e)];
                double dnde = d0;
                if (!on_grid) {
                    const double a = d0, b = g->sum_dNdE[dy_yield_grid_index(g, im + 1, e)];
                    dnde = a > 0.0 && b > 0.0 ? exp((1.0 - tm) * log(a) + tm * log(b))
                                              : (1.0 - tm) * a + tm * b;
                }
                double dn = dnde * (hi - l2);
                if (ndp > 1) {
                    const int d = q / 2;
                    const double d1 = g->depth_edges_cm[d], d2 = g->depth_edges_cm[d + 1];
                    const double gx = (q % 2 ? 0.5 : -0.5) / sqrt(3.0); /* nodes at +-1/sqrt(3) */
                    const double dd =
                        g->sum_dNdE_depth[((size_t)im * g->n_dbins + d) * g->n_ebins + e];
                    spec->depth_cm[k] = 0.5 * (d1 + d2) + gx * (d2 - d1);
                    dn = on_grid ? 0.5 * dd * (hi - l2)
                                 : (d0 > 0.0 ? 0.5 * dn * dd / d0 : dn / (double)ndp);
                }
                if (cfg->acc_kind) { /* angles of the grid mass below between grid masses */
                    const double th =
                        cfg->acc_kind == 1
                            ? cfg->acc_theta_rad
                            : dy_accept_half_angle(cfg->acc_radius_cm,
                                                   cfg->acc_distance_cm - spec->depth_cm[k]);
                    const double fa = dy_accept_fraction(
                        g->theta_edges_rad, g->n_tbins,
                        g->sum_dNdE_theta + ((size_t)im * g->n_ebins + e) * g->n_tbins, th);
                    if (!isfinite(fa)) {
                        st = dy_error_set(err, DY_ERR_INVALID,
                                          "%s: acceptance half-angle %g rad is above the yield "
                                          "file's largest angle edge %g rad, where its last angle "
                                          "bin is not resolved: re-run with a larger "
                                          "geometry.theta_max_rad",
                                          cfg->path, th, g->theta_edges_rad[g->n_tbins]);
                        break;
                    }
                    /* the e+e- followed to the detector (decays uniform over the volume) */
                    if (cfg->acc_products && pshare[e] < 0.0)
                        pshare[e] = dy_accept_products_share(
                            g->theta_edges_rad, g->n_tbins,
                            g->sum_dNdE_theta + ((size_t)im * g->n_ebins + e) * g->n_tbins, M, c,
                            cfg->acc_distance_cm - dmid, cfg->acc_distance_cm - cfg->z2_cm,
                            cfg->acc_distance_cm - cfg->z1_cm, cfg->acc_radius_cm,
                            cfg->acc_products == 1);
                    dn *= cfg->acc_products ? pshare[e] : fa;
                }
                spec->e_lo[k] = l2;
                spec->e_hi[k] = hi;
                if (cfg->n_sets == 1) {
                    spec->w[k] = dn * dy_limit_efficiency(cfg, M, c);
                } else {
                    for (int d = 0; d < cfg->n_sets; ++d)
                        spec->w[k] += cfg->set[d].n_pot * dn *
                                      (cfg->set[d].have_eff ? cfg->set[d].eff_const
                                                            : dy_limit_efficiency(cfg, M, c));
                }
            }
        for (int k = 0; k < NS && st == DY_OK; ++k) {
            int flags, same = 0;
            if (!isfinite(pt->ev[k])) {
                R(m, k, 0) = R(m, k, 1) = NAN;
                continue;
            }
            while (same < k && pt->ev[same] != pt->ev[k])
                ++same;
            if (same < k) { /* the same event limit (b = 0: all six): the same band */
                R(m, k, 0) = R(m, same, 0);
                R(m, k, 1) = R(m, same, 1);
                continue;
            }
            if ((st = dy_limit_coupling_band(spec, pt->ev[k], cfg->g_min, cfg->g_max,
                                             cfg->per_decade, &R(m, k, 0), &R(m, k, 1), &flags,
                                             err)) != DY_OK)
                break;
            if (flags && !open_warned) {
                const int low = (flags & DY_BAND_OPEN_LOW) != 0;
                if (!low && cfg->g_max >= 1.0) /* a wider scan would not be physics */
                    note(j, 1,
                         "at m = %g GeV the excluded band is open at the coupling_scan upper "
                         "edge (%g): excluded up to there at least",
                         M, cfg->g_max);
                else
                    note(j, 1,
                         "at m = %g GeV the excluded band reaches the coupling_scan %s edge "
                         "(%g); widen coupling_scan",
                         M, low ? "lower" : "upper", low ? cfg->g_min : cfg->g_max);
                open_warned = 1;
            }
        }
        if (st == DY_OK && j->progress) j->progress(j->progress_user, m + 1, np);
    }
    free(spec);
    if (st != DY_OK) return st;
    if (profile) /* the header and summary quote the event limits of the first mass */
        for (int k = 0; k < NS; ++k)
            s[k] = first_ev >= 0 ? pts[first_ev].ev[k] : INFINITY;
    j->zero_band = 1; /* every expected band of zero width (b = 0 and the exact methods) */
    for (int m = 0; m < np; ++m)
        if (pts[m].ev[2] != pts[m].ev[1] || pts[m].ev[3] != pts[m].ev[1]) j->zero_band = 0;
    j->r4 = pow(cfg->mchi_over_m, 4.0);
    j->want_y = (dark_photon && !visible) || idm;
    if ((st = lines(j, err)) != DY_OK) return st;
    return columns(j, err);
}

double dy_limit_job_r(const dy_limit_job *j, int m, int k, int e)
{
    const double *res = j->res;
    return R(m, k, e);
}

double dy_limit_job_signal(const dy_limit_job *j, int m)
{
    const double *res = j->res;
    return RY(m);
}

void dy_limit_job_rows(FILE *f, const dy_limit_job *j)
{
    for (int i = 0; i < j->n_cols; ++i)
        fprintf(f, "%s%s", i ? "," : "", j->col[i].name);
    fputc('\n', f);
    for (int m = 0; m < j->np; ++m) {
        for (int i = 0; i < j->n_cols; ++i) {
            const dy_limit_column *c = &j->col[i];
            if (i) fputc(',', f);
            if (c->fmt == 'm')
                fprintf(f, "%.10g", c->v[m]);
            else if (c->fmt == 't')
                fprintf(f, "%.3g", c->v[m]);
            else if (c->fmt == 'd')
                fprintf(f, "%d", (int)c->v[m]);
            else
                fprintf(f, "%.8g", c->v[m]);
        }
        fputc('\n', f);
    }
}

void dy_limit_job_free(dy_limit_job *j)
{
    if (!j) return;
    free(j->pts);
    free(j->res);
    free(j->colbuf);
    dy_yield_file_free(&j->yf);
    if (j->cfg) dy_limit_config_free(j->cfg);
    free(j->cfg);
    memset(j, 0, sizeof *j);
}

dy_status dy_limit_job_write(dy_limit_job *j, const char *out_dir, dy_error *err)
{
    dy_limit_config *cfg = j->cfg;
    if (out_dir) snprintf(cfg->out_dir, sizeof cfg->out_dir, "%s", out_dir);
    const int np = j->np, visible = j->visible, want_y = j->want_y, zero_band = j->zero_band;
    const int have_therm = j->have_therm, have_gm2 = j->have_gm2, nth = j->nth;
    const double r4 = j->r4, *res = j->res;
    const dy_lpoint *pts = j->pts;
    double(*ty)[NT] = j->ty, (*gb)[NT] = j->gb, *tm = j->tm, *gm = j->gm;
    const dy_limit_names nn = dy_limit_job_names(cfg);
    char *fcsv = j->fcsv, *ftherm = j->ftherm, *fgm2 = j->fgm2, *hdir = j->hdir;
    const size_t nf = sizeof j->fcsv;
    snprintf(fcsv, nf, "%s/%s_limits.csv", cfg->out_dir, cfg->name);
    snprintf(ftherm, nf, "%s/%s_thermal.csv", cfg->out_dir, cfg->name);
    snprintf(fgm2, nf, "%s/%s_gm2.csv", cfg->out_dir, cfg->name);
    snprintf(hdir, nf, "%s/hepdata", cfg->out_dir);
    dy_outset set; /* every output file, committed together */
    dy_outlock lock = {.fd = -1};
    FILE *af = NULL; /* the output file being written */
    dy_status st = DY_OK;
    dy_outset_init(&set);
    /* hepdata/ is per directory: one limit job at a time writes into it */
    if ((st = dy_outlock_take(&lock, cfg->out_dir, "darkyield-limit", "limit outputs", err)) !=
        DY_OK)
        goto out;

    if (cfg->want_csv) {
        if (!(af = dy_outset_add(&set, fcsv, err))) {
            st = err->status;
            goto out;
        }
        print_hdr_comments(af, j);
        fprintf(af, "# coupling: %s [%s]; mass: %s [GeV]%s\n", nn.coupling,
                nn.coupling_units[0] ? nn.coupling_units : "1", nn.mass,
                !want_y ? ""
                : strcmp(cfg->particle, "inelastic_dm")
                    ? "; y = eps^2 alpha_D (m_chi/m_A')^4"
                    : "; y = eps^2 alpha_D (m_chi1/m_A')^4, m_chi_GeV = m_chi1 (y_*_lower/upper: "
                      "the band's edges)");
        if (!visible)
            fprintf(af,
                    "# signal_per_pot_coupling2 = N_sig/(N_pot %s^2) after cut, efficiency%s; "
                    "inf = no signal at that mass\n",
                    nn.coupling, strncmp(cfg->particle, "zprime", 6) ? "" : " and BR(Z' -> nu nu)");
        if (want_y)
            fprintf(af, "# alpha_D = %g; m_chi/m_A' = %g\n", cfg->alpha_D, cfg->mchi_over_m);
        fprintf(af, "# title: %s %s\n", nn.title,
                !strcmp(cfg->mode, "semi_visible")      ? "semi-visible (chi2 decays in the volume)"
                : strcmp(cfg->particle, "inelastic_dm") ? (visible ? "visible decays" : "invisible")
                                                        : "invisible (chi2 decays beyond z1)");
        dy_limit_job_rows(af, j);
        if (have_therm) {
            if (!(af = dy_outset_add(&set, ftherm, err))) {
                st = err->status;
                goto out;
            }
            fprintf(af,
                    "# thermal-relic targets y = eps^2 alpha_D (m_chi/m_A')^4 for Omega h^2 = "
                    "%g; m_A'/m_chi = %g, alpha_D = %g, pseudo-Dirac splitting %g\n"
                    "# Kolb-Turner freeze-out, final states e, mu and hadrons (R ratio), g_eff and "
                    "h_eff of "
                    "Saikawa & Shirai 2018 (arXiv:1803.01038; docs/limits.md §4)\n",
                    cfg->omega_h2, 1.0 / cfg->mchi_over_m, cfg->alpha_D, cfg->dm_splitting);
            fprintf(af, "m_chi_GeV");
            for (int k = 0; k < cfg->n_thermal; ++k)
                fprintf(af, ",y_%s", cfg->thermal[k]);
            fputc('\n', af);
            for (int i = 0; i < nth; ++i) {
                fprintf(af, "%.8g", tm[i]);
                for (int k = 0; k < cfg->n_thermal; ++k)
                    fprintf(af, ",%.8g", ty[k][i]);
                fputc('\n', af);
            }
        }
        if (have_gm2) {
            if (!(af = dy_outset_add(&set, fgm2, err))) {
                st = err->status;
                goto out;
            }
            fprintf(af,
                    "# (g-2)_mu band of the L_mu - L_tau Z': Delta a_mu = %g +- %g (one loop); "
                    "g = g_Z', the gauge coupling of the limit (alpha_X = g^2/(4 pi))\n",
                    cfg->gm2_delta, cfg->gm2_sigma);
            fprintf(af, "mass_GeV,g_central,g_lo1,g_hi1,g_lo2,g_hi2\n");
            for (int i = 0; i < NT; ++i)
                fprintf(af, "%.8g,%.8g,%.8g,%.8g,%.8g,%.8g\n", gm[i], gb[0][i], gb[1][i], gb[2][i],
                        gb[3][i], gb[4][i]);
        }
    }

    if (cfg->want_hepdata) {
        dy_hep_table t[8];
        int nt = 0;
        char cl_s[32], comm[8192];
        double *col = calloc((size_t)np * (NS * 2 + 5), sizeof(double));
        double *ycol = col + (size_t)np * NS * 2;        /* scratch: y obs, exp, -, + */
        double *pmass = col + (size_t)np * (NS * 2 + 4); /* grid and interpolated masses */
        if (!col) {
            st = dy_error_set(err, DY_ERR_NOMEM, "limit outputs: out of memory");
            goto out;
        }
        for (int m = 0; m < np; ++m)
            for (int k = 0; k < NS; ++k) {
                col[(size_t)(2 * k) * np + m] = R(m, k, 0);
                col[(size_t)(2 * k + 1) * np + m] = R(m, k, 1);
            }
        /* err arrays for ±1σ around the median (lower edge) */
        double *em = malloc(sizeof(double) * np * 6);
        if (!em) {
            free(col);
            st = dy_error_set(err, DY_ERR_NOMEM, "limit outputs: out of memory");
            goto out;
        }
        for (int m = 0; m < np; ++m) {
            em[m] = R(m, 1, 0) - R(m, 2, 0);
            em[np + m] = R(m, 3, 0) - R(m, 1, 0);
        }
        snprintf(cl_s, sizeof cl_s, "%g%%", 100.0 * cfg->cl);
        for (int m = 0; m < np; ++m) /* not g->masses_GeV: np > nm with 'interpolate' */
            pmass[m] = pts[m].mass;
        dy_hep_var mass = {.name = nn.mass, .units = "GeV", .values = pmass};
        dy_hep_var base = {.units = nn.coupling_units,
                           .n_qual = 3,
                           .qual_name = {"CL", "N_pot", "coupling"},
                           .qual_value = {cl_s, NULL, nn.ci->definition}};
        char npot_s[32];
        snprintf(npot_s, sizeof npot_s, "%g", cfg->n_pot);
        base.qual_value[1] = npot_s;
        char stat_s[160];
        if (cfg->have_event_limit)
            snprintf(stat_s, sizeof stat_s,
                     "a given limit of %g signal events (statistics.event_limit)",
                     cfg->event_limit);
        else
            snprintf(stat_s, sizeof stat_s, "%d observed, background %g, %s", cfg->observed,
                     cfg->background, cfg->method);
        snprintf(comm, sizeof comm,
                 "darkyield %s: %s limits (%s) from %s, N_pot = %g, %s. Coupling %s: %s.%s",
                 DY_VERSION, nn.title, cfg->mode, cfg->yields, cfg->n_pot, stat_s, nn.coupling,
                 nn.ci->definition,
                 zero_band ? " With this background every quantile of the background-only "
                             "distribution gives the same event limit: the expected band has "
                             "zero width and is not written as an uncertainty."
                           : "");
        static char descs[8][512];
        if (!visible) {
            dy_hep_var v = base;
            v.name = nn.coupling;
            v.values = col;
            snprintf(descs[0], 512, "Observed %s CL upper limit on %s (invisible decays).", cl_s,
                     nn.coupling);
            t[nt++] = (dy_hep_table){
                "Observed limit", descs[0], "observed.yaml", nn.coupling, np, mass, 1, {v}};
            v.values = col + 2 * np;
            v.err_minus = em;
            v.err_plus = em + np;
            v.err_label = "expected 1 sigma";
            snprintf(descs[1], 512,
                     "Expected (median) %s CL upper limit on %s with the ±1σ band from "
                     "the background-only %s%s.",
                     cl_s, nn.coupling,
                     !strcmp(cfg->method, "cls-asymptotic") ? "Asimov data set (asymptotic CLs)"
                     : !strcmp(cfg->method, "cls-toys")     ? "toys of q~_mu"
                                                            : "Poisson distribution",
                     zero_band ? " (zero width at this background)" : "");
            t[nt++] = (dy_hep_table){
                "Expected limit", descs[1], "expected.yaml", nn.coupling, np, mass, 1, {v}};
            if (want_y) {
                for (int m = 0; m < np; ++m) {
                    ycol[m] = R(m, 0, 0) * R(m, 0, 0) * cfg->alpha_D * r4;
                    em[2 * np + m] = pts[m].mass * cfg->mchi_over_m;
                    em[3 * np + m] = R(m, 1, 0) * R(m, 1, 0) * cfg->alpha_D * r4;
                    em[4 * np + m] = em[3 * np + m] - R(m, 2, 0) * R(m, 2, 0) * cfg->alpha_D * r4;
                    em[5 * np + m] = R(m, 3, 0) * R(m, 3, 0) * cfg->alpha_D * r4 - em[3 * np + m];
                }
                dy_hep_var mchi = {.name = "m_chi", .units = "GeV", .values = em + 2 * np};
                dy_hep_var yv = base;
                yv.name = "y";
                yv.units = "";
                yv.values = ycol;
                static char aq[64], rq[64];
                snprintf(aq, sizeof aq, "%g", cfg->alpha_D);
                snprintf(rq, sizeof rq, "%g", cfg->mchi_over_m);
                yv.n_qual = 5;
                yv.qual_name[3] = "alpha_D";
                yv.qual_value[3] = aq;
                yv.qual_name[4] = "m_chi/m_A'";
                yv.qual_value[4] = rq;
                snprintf(descs[2], 512, "Observed limit on y = eps^2 alpha_D (m_chi/m_A')^4.");
                t[nt++] = (dy_hep_table){
                    "Observed limit on y", descs[2], "observed_y.yaml", "y", np, mchi, 1, {yv}};
                yv.values = em + 3 * np;
                yv.err_minus = em + 4 * np;
                yv.err_plus = em + 5 * np;
                yv.err_label = "expected 1 sigma";
                snprintf(descs[3], 512, "Expected limit on y with its ±1σ band.");
                t[nt++] = (dy_hep_table){
                    "Expected limit on y", descs[3], "expected_y.yaml", "y", np, mchi, 1, {yv}};
            }
        } else {
            dy_hep_var lo = base, up = base;
            lo.name = "lower edge";
            up.name = "upper edge";
            lo.values = col;
            up.values = col + np;
            snprintf(descs[0], 512,
                     "Observed %s CL excluded band in %s: from the lower to the "
                     "upper edge ('-': nothing excluded).",
                     cl_s, nn.coupling);
            t[nt++] = (dy_hep_table){"Observed excluded region",
                                     descs[0],
                                     "observed.yaml",
                                     nn.coupling,
                                     np,
                                     mass,
                                     2,
                                     {lo, up}};
            lo.values = col + 2 * np;
            up.values = col + 3 * np;
            snprintf(descs[1], 512, "Expected (median) excluded band in %s.", nn.coupling);
            t[nt++] = (dy_hep_table){"Expected excluded region",
                                     descs[1],
                                     "expected.yaml",
                                     nn.coupling,
                                     np,
                                     mass,
                                     2,
                                     {lo, up}};
            if (want_y) { /* inelastic DM: the bands in y against m_chi1 (scratch: ycol, em) */
                for (int m = 0; m < np; ++m) {
                    ycol[m] = pts[m].mass * cfg->mchi_over_m;
                    for (int q = 0; q < 4; ++q) /* obs lower, upper; exp lower, upper */
                        em[(2 + q) * np + m] =
                            R(m, q / 2, q % 2) * R(m, q / 2, q % 2) * cfg->alpha_D * r4;
                }
                static char aq[64], rq[64], dq[64];
                snprintf(aq, sizeof aq, "%g", cfg->alpha_D);
                snprintf(rq, sizeof rq, "%g", cfg->mchi_over_m);
                snprintf(dq, sizeof dq, "%g", cfg->dm_splitting);
                dy_hep_var mchi = {.name = "m_chi1", .units = "GeV", .values = ycol};
                dy_hep_var ylo = base, yup = base;
                ylo.name = "y lower edge";
                yup.name = "y upper edge";
                ylo.units = yup.units = "";
                ylo.n_qual = yup.n_qual = 6;
                ylo.qual_name[3] = yup.qual_name[3] = "alpha_D";
                ylo.qual_value[3] = yup.qual_value[3] = aq;
                ylo.qual_name[4] = yup.qual_name[4] = "m_chi1/m_A'";
                ylo.qual_value[4] = yup.qual_value[4] = rq;
                ylo.qual_name[5] = yup.qual_name[5] = "(m_chi2 - m_chi1)/m_chi1";
                ylo.qual_value[5] = yup.qual_value[5] = dq;
                ylo.values = em + 2 * np;
                yup.values = em + 3 * np;
                snprintf(descs[2], 512,
                         "Observed %s CL excluded band in y = eps^2 alpha_D (m_chi1/m_A')^4 "
                         "('-': nothing excluded).",
                         cl_s);
                t[nt++] = (dy_hep_table){"Observed excluded region in y",
                                         descs[2],
                                         "observed_y.yaml",
                                         "y",
                                         np,
                                         mchi,
                                         2,
                                         {ylo, yup}};
                ylo.values = em + 4 * np;
                yup.values = em + 5 * np;
                snprintf(descs[3], 512, "Expected (median) excluded band in y.");
                t[nt++] = (dy_hep_table){"Expected excluded region in y",
                                         descs[3],
                                         "expected_y.yaml",
                                         "y",
                                         np,
                                         mchi,
                                         2,
                                         {ylo, yup}};
            }
        }
        double *therr = NULL;
        if (have_therm) {
            static char tn[4][64], tf[4][64];
            dy_hep_var mc = {.name = "m_chi", .units = "GeV", .values = tm};
            for (int k = 0; k < cfg->n_thermal && nt < 8; ++k) {
                snprintf(tn[k], 64, "Thermal target %s", cfg->thermal[k]);
                snprintf(tf[k], 64, "thermal_%s.yaml", cfg->thermal[k]);
                dy_hep_var yv = {.name = "y", .units = "", .values = ty[k]};
                snprintf(
                    descs[4 + k], 512,
                    "y giving Omega h^2 = %g by freeze-out for %s dark "
                    "matter (m_A'/m_chi = %g; Kolb-Turner, final states e, mu and hadrons, g_* of "
                    "Saikawa & Shirai 2018, arXiv:1803.01038).",
                    cfg->omega_h2, cfg->thermal[k], 1.0 / cfg->mchi_over_m);
                t[nt++] = (dy_hep_table){tn[k], descs[4 + k], tf[k], "y", nth, mc, 1, {yv}};
            }
        }
        if (have_gm2 && nt < 8 && (therr = malloc(sizeof(double) * NT * 2))) {
            for (int i = 0; i < NT; ++i) {
                therr[i] = gb[0][i] - gb[1][i];
                therr[NT + i] = gb[2][i] - gb[0][i];
            }
            dy_hep_var mz = {.name = "m_Z'", .units = "GeV", .values = gm};
            dy_hep_var gv = {.name = nn.coupling,
                             .units = "",
                             .values = gb[0],
                             .err_minus = therr,
                             .err_plus = therr + NT,
                             .err_label = "Delta a_mu 1 sigma"};
            snprintf(descs[7], 512,
                     "Coupling that explains Delta a_mu = %g ± %g by the one-loop "
                     "Z' contribution.",
                     cfg->gm2_delta, cfg->gm2_sigma);
            t[nt++] = (dy_hep_table){
                "(g-2)_mu band", descs[7], "gminus2.yaml", nn.coupling, NT, mz, 1, {gv}};
        }
        dy_status hs = dy_hepdata_write_to(&set, hdir, comm, t, nt, err);
        free(therr);
        free(em);
        free(col);
        if (hs != DY_OK) {
            st = err->status;
            goto out;
        }
    }

    if (cfg->want_pyhf) { /* a workspace per grid mass, normalised to the observed limit */
        char pdir[4200], fidx[4300], fj[4800];
        snprintf(pdir, sizeof pdir, "%s/pyhf", cfg->out_dir);
        snprintf(fidx, sizeof fidx, "%s/index.csv", pdir);
        if (mkdir(pdir, 0777) != 0 && errno != EEXIST) {
            dy_error_set(err, DY_ERR_IO, "cannot create '%s': %s", pdir, strerror(errno));
            st = err->status;
            goto out;
        }
        FILE *fi = dy_outset_add(&set, fidx, err);
        if (!fi) {
            st = err->status;
            goto out;
        }
        fprintf(fi,
                "# HistFactory workspaces of '%s' (pyhf schema 1.0.0), one per grid mass; mu = 1 "
                "is the observed %g%% CL limit of darkyield (%s): the signal there is "
                "events_ref, at coupling_ref.  mu_exp*: darkyield's expected limits in mu\n",
                cfg->name, 100.0 * cfg->cl, cfg->method);
        /* visible mode: mu = 1 is reached at the two edges of the excluded band */
        fprintf(fi, "mass_GeV,file,%s,events_ref,mu_exp,mu_exp_m1,mu_exp_p1,mu_exp_m2,mu_exp_p2\n",
                visible ? "coupling_ref_lower,coupling_ref_upper" : "coupling_ref");
        char names[DY_LCFG_MAX_SETS][64];
        for (int d = 0; d < cfg->n_sets; ++d)
            snprintf(names[d], sizeof names[d], "%s", cfg->set[d].name);
        for (int m = 0, ig = 0; m < np; ++m) {
            if (!pts[m].grid) continue;
            const int idx = ig++;
            if (!isfinite(pts[m].ev[0]) || !(pts[m].ev[0] > 0.0)) continue;
            char base[512];
            snprintf(base, sizeof base, "%s_m%04d.json", cfg->name, idx);
            snprintf(fj, sizeof fj, "%s/%s", pdir, base);
            FILE *fw = dy_outset_add(&set, fj, err);
            if (!fw) {
                st = err->status;
                goto out;
            }
            dy_pl_model pm;
            dy_lpoint_model(cfg, &pts[m], &pm);
            dy_pyhf_write(fw, &pm, (const char(*)[64])names, pts[m].ev[0]);
            fprintf(fi, "%.10g,%s,%.10g", pts[m].mass, base, R(m, 0, 0));
            if (visible) fprintf(fi, ",%.10g", R(m, 0, 1));
            fprintf(fi, ",%.10g", pts[m].ev[0]);
            for (int k = 1; k < NS; ++k)
                fprintf(fi, ",%.10g", pts[m].ev[k] / pts[m].ev[0]);
            fputc('\n', fi);
        }
    }

    if (dy_outset_commit(&set, err) != DY_OK) {
        st = err->status;
        goto out;
    }

out:
    dy_outset_abort(&set); /* after a failure: no output at all */
    dy_outlock_release(&lock);
    return st;
}
