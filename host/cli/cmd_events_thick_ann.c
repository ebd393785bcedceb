/* cmd_events_thick_ann.c — `darkyield events --config RUN.yaml --channel annihilation`:
 * unweighted thick-target annihilation events, E+ varying per event
 * (jobs/thick_annihilation.h, docs/events.md "Thick targets: annihilation").  LHEF 3.0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli/events_thick.h"
#include "io/events_out.h"
#include "jobs/thick_annihilation.h"
#include "physics/conventions.h"
#include "physics/couplings.h"

#define CMD "events"

static const char *final_state(const dy_config *cfg)
{
    if (!strcmp(cfg->model.decay, "visible")) return "l+ l- (e+e-, and mu+mu- above 2 m_mu)";
    if (!strcmp(cfg->model.dm_kind, "scalar")) return "chi chi* (complex scalar, PDG 51 -51)";
    if (!strcmp(cfg->model.dm_kind, "majorana")) return "chi chi (Majorana, PDG 52 52)";
    if (!strcmp(cfg->model.dm_kind, "inelastic")) return "chi_1 chi_2 (inelastic, PDG 52 58)";
    return "chi chi-bar (Dirac, PDG 52 -52)";
}

static char *header_text(const dy_thick_opts *o, const dy_config *cfg, const dy_thick_ann *t,
                         int argc, char **argv)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f) return NULL;
    const dy_run_ann_view *v = &t->v;
    const int model = dy_model_from_name(cfg->model.mediator);
    const dy_coupling_info *ci = dy_coupling_info_of(model);
    char cs[96];
    dy_coupling_format(model, cfg->model.coupling, cs, sizeof cs);
    dy_events_header_command(f, argc, argv);
    fprintf(f,
            "\nthick target: annihilation events of the run config %s (name %s), channel %s: "
            "e+ e- -> A'* -> %s on atomic electrons at rest, A' mass m = %.10g GeV (PDG id %d of "
            "the A'* line, model %s, alpha_D = %g, m_chi/m = %g)\n",
            cfg->path, cfg->name, v->name, final_state(cfg), v->mass, o->pdg, cfg->model.mediator,
            cfg->model.alpha_D, cfg->model.mchi_over_m);
    fprintf(f,
            "beam: %s of %.10g GeV on %s (thickness as configured: %g cm, %g X0; %.6g "
            "electrons/cm^3); the positron of each event (line 1) is one of the shower (or the "
            "beam) with energy E+ varying per event, distributed as n_e T+(E+) sigma(E+), the "
            "integrand of the run's yield (T+: positron track length, cm/GeV per incident beam "
            "particle; sigma: the at-rest Breit-Wigner, E+ > %.6g GeV)\n",
            cfg->beam.particle, cfg->beam.energy_GeV, cfg->target.material,
            cfg->target.thickness_cm, cfg->target.thickness_X0, v->n_e, v->E_thr);
    fprintf(f, "coupling: %s [%s] = %s (%s)\n", ci->name, ci->unit, cs, ci->definition);
    fprintf(f,
            "normalisation (EOT): XSECUP +- XERRUP = %.10g +- %.3g = the events' yield per %s "
            "on target (dimensionless, NOT pb): N_expected = XSECUP x (particles on target); "
            "each event stands for XSECUP / N of it.  The run's N_total of channel %s at this "
            "mass (quadrature): %.10g +- %.3g\n",
            t->st.mean_w, t->st.mean_w_error, cfg->beam.particle, v->name, v->N_total,
            v->N_total_err);
    fprintf(f,
            "sampling: E+ from a mixture proposal (the fixed-width Breit-Wigner in s by inverse "
            "CDF, %d cells in ln E+ / lambda = -ln(1 - E+/E0), and the path beyond lambda = 64 "
            "at E0: shares %.3g %.3g %.3g), accept-reject on n_e T+ sigma / proposal; final "
            "state at E+ as the thin-target events (cos theta* by accept-reject on dsigma/dcos)\n",
            t->nc, t->pA, t->pH, t->pC);
    fprintf(f,
            "events: %llu unweighted (weight 1 each), accept-reject against w_max = %.6g (%.3g "
            "x the largest of %llu pilot weights %.6g, raised %u times = bound violations); "
            "efficiency %.4g over %llu draws; largest weight drawn %.6g\n",
            (unsigned long long)t->n_events, t->st.w_max, o->safety, (unsigned long long)o->pilot,
            t->st.w_max_pilot, t->st.restarts, t->st.efficiency, (unsigned long long)t->st.draws,
            t->st.w_max_seen);
    fprintf(f, "seed: %llu; backend: none (closed-form cross section, weights on the host)\n",
            (unsigned long long)o->seed);
    fprintf(f,
            "conventions: %s; annihilation: exact tree-level 2->2 on a free electron at rest, "
            "running-width Breit-Wigner, no electron motion, no ISR\n",
            DY_CONV_CONSTANTS);
    fprintf(f, "particles: e+ (energy E+ of this event), e- (at rest), the A'* (status 2, mass "
               "sqrt(s)), its two daughters; E, p in GeV, lab frame, positron along +z (the "
               "direction of the shower positron, not of the beam)\n");
    if (fclose(f)) {
        free(s);
        return NULL;
    }
    return s;
}

int dy_events_thick_ann(dy_thick_opts *o, const dy_config *cfg, const dy_run *run, int im,
                        dy_outset *set, int argc, char **argv)
{
    dy_error err;
    dy_run_ann_view v;
    dy_thick_ann th;
    dy_evstream *zs = NULL;
    dy_thick_out wo;
    int rc = 0;
    memset(&wo, 0, sizeof wo);
    memset(&th, 0, sizeof th);
    if (o->format == DY_THICK_CSV)
        return dy_cli_usage_error(CMD, "--format csv: G4DarkBreM's CSV holds brem events only "
                                       "(channel annihilation: use lhe or hepmc3)");
    if (o->stats)
        return dy_cli_usage_error(CMD, "--stats: annihilation has no MC integral (no engine "
                                       "statistics)");
    if (dy_run_annihilation(run, im, &v, &err) != DY_OK)
        return err.status == DY_ERR_NOT_FOUND ? dy_cli_usage_error(CMD, "%s", err.msg)
                                              : dy_cli_fail(&err);
    if (dy_thick_ann_init(&th, &v, &err) != DY_OK) {
        rc = err.status == DY_ERR_INVALID ? dy_cli_usage_error(CMD, "%s", err.msg)
                                          : dy_cli_fail(&err);
        goto out;
    }
    FILE *file = dy_outset_add(set, o->output, &err);
    if (!file) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    dy_unweight_options uo;
    dy_unweight_options_default(&uo);
    uo.seed = o->seed;
    uo.n_events = o->n;
    uo.n_pilot = (uint32_t)o->pilot;
    uo.safety = o->safety;
    if (dy_thick_ann_unweight(&th, &uo, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    char *text = header_text(o, cfg, &th, argc, argv);
    zs = calloc(1, sizeof *zs);
    if (!text || !zs) {
        free(text);
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    if (dy_evstream_open(zs, file, o->gzip, &err) != DY_OK) {
        free(text);
        rc = dy_cli_fail(&err);
        goto out;
    }
    const dy_lhe_info info = {-11, 11,           cfg->beam.energy_GeV, DY_M_E, 0.0,
                              0.0, th.st.mean_w, th.st.mean_w_error,   text};
    rc = dy_thick_out_begin(&wo, o, zs, &info);
    free(text);
    if (rc) goto out;
    for (uint64_t j = 0; j < th.n_events; ++j) {
        dy_event ev;
        double E;
        if (dy_thick_ann_event(&th, j, o->pdg, &ev, &E) != 0) {
            dy_error_set(&err, DY_ERR_NUMERIC, "accepted draw %llu lies outside phase space",
                         (unsigned long long)j);
            rc = dy_cli_fail(&err);
            goto out;
        }
        if ((rc = dy_thick_out_event(&wo, &ev, j, E))) goto out;
    }
    if ((rc = dy_thick_out_end(&wo))) goto out;
    if (dy_evstream_close(zs, o->output, &err) != DY_OK || dy_outset_commit(set, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (!o->quiet)
        fprintf(stderr,
                "darkyield: %s, m = %g GeV: yield %.6g +- %.2g per %s on target (run: %.6g +- "
                "%.2g); %llu events, efficiency %.3g, w_max raised %u times; %.3g s drawing\n"
                "darkyield: wrote %s\n",
                v.name, v.mass, th.st.mean_w, th.st.mean_w_error, cfg->beam.particle, v.N_total,
                v.N_total_err, (unsigned long long)th.n_events, th.st.efficiency, th.st.restarts,
                th.seconds_unweight, o->output);
out:
    dy_thick_out_discard(&wo);
    if (zs) dy_evstream_discard(zs);
    free(zs);
    dy_thick_ann_free(&th);
    return rc;
}
