/* cmd_events_thick.c — `darkyield events --config RUN.yaml`: unweighted thick-target events of
 * one channel of a run config, the incident energy varying per event (jobs/thick_events.h,
 * docs/events.md "Thick targets").  LHEF 3.0, plain or gzip. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli/events_thick.h"
#include "hepmc3/dy_hepmc3.h"
#include "dy_process_table.h"
#include "io/config.h"
#include "io/events_out.h"
#include "io/outset.h"
#include "jobs/run.h"
#include "jobs/thick_events.h"
#include "physics/conventions.h"
#include "physics/couplings.h"

#define CMD    "events"
#define MAX_N  1000000000ULL
#define PDG_AP 622 /* as the thin-target events (G4DarkBreM's default) */

void dy_events_thick_help(void)
{
    printf("\nThick target (events of a run config, shower folded in):\n"
           "  darkyield events --config RUN.yaml --mass m --n N --output FILE [options]\n"
           "  --config RUN.yaml  the run configuration (as `darkyield run`): beam, target,\n"
           "                     model, precision, quadrature nodes\n"
           "  --channel C        brem-e-, brem-e+, brem-mu, primakoff, compton or annihilation\n"
           "                     (required when the config has more than one channel)\n"
           "  --mass m           one of the config's masses (GeV)\n"
           "  --format F         lhe (default), hepmc3 (%s) or csv (brem\n"
           "                     channels: G4DarkBreM's library, each row its own incident\n"
           "                     energy; --csv-unit GeV|MeV)\n"
           "  --n, --seed (default: the config's), --output (one file), --gzip,\n"
           "  --precision, --max-eval (defaults: the config's), --pilot, --safety,\n"
           "  --boson-pdg, --backend, --stats, --quiet as above.  The incident particle's\n"
           "  energy varies per event (the beam line of each event carries it): E is\n"
           "  distributed as n T(E) sigma(E), the run's yield integrand, and XSECUP is the\n"
           "  yield per particle on target (not pb).  annihilation: E+ of the positron (line 1)\n"
           "  is distributed as n_e T+(E+) sigma(E+) (the resonance's Breit-Wigner, sampled\n"
           "  exactly), the final state (chi chi or l+ l- as the config's decay) as the\n"
           "  thin-target events; electron motion, ISR, a beam-energy spread and hadronic\n"
           "  decays are refused.  --precision/--max-eval do not apply to it (no MC integral).\n",
           dy_hepmc3_available() ? "available in this build" : "not in this build");
}

typedef dy_thick_opts topts;

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
    if (dy_parse_u64(s, v) || *v < lo || *v > hi)
        return dy_cli_usage_error(CMD, "%s '%s': expected an integer %llu .. %llu", opt, s,
                                  (unsigned long long)lo, (unsigned long long)hi);
    return 0;
}

static int parse(int argc, char **argv, topts *o)
{
    static const struct option lo[] = {
        {"config", required_argument, 0, 'c'},   {"channel", required_argument, 0, 'C'},
        {"mass", required_argument, 0, 'm'},     {"n", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'},     {"output", required_argument, 0, 'o'},
        {"gzip", no_argument, 0, 'z'},           {"format", required_argument, 0, 'f'},
        {"csv-unit", required_argument, 0, 'U'}, {"precision", required_argument, 0, 'p'},
        {"max-eval", required_argument, 0, 'N'}, {"pilot", required_argument, 0, 'L'},
        {"safety", required_argument, 0, 'F'},   {"boson-pdg", required_argument, 0, 'B'},
        {"backend", required_argument, 0, 'b'},  {"stats", required_argument, 0, 'S'},
        {"quiet", no_argument, 0, 'q'},          {0, 0, 0, 0}};
    int c, rc;
    uint64_t v;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'c': o->config = optarg; break;
        case 'C': o->channel = optarg; break;
        case 'm':
            if (dy_parse_double(optarg, &o->mass) || !(o->mass > 0.0))
                return dy_cli_usage_error(CMD, "--mass '%s': expected one positive mass (GeV)",
                                          optarg);
            o->have_mass = 1;
            break;
        case 'n':
            if ((rc = parse_u64("--n", optarg, 1, MAX_N, &o->n))) return rc;
            break;
        case 's':
            if (dy_parse_u64(optarg, &o->seed))
                return dy_cli_usage_error(CMD, "--seed '%s': expected an integer 0 .. 2^64-1",
                                          optarg);
            o->have_seed = 1;
            break;
        case 'o': o->output = optarg; break;
        case 'z': o->gzip = 1; break;
        case 'f':
            if (!strcmp(optarg, "lhe"))
                o->format = DY_THICK_LHE;
            else if (!strcmp(optarg, "hepmc3"))
                o->format = DY_THICK_HEPMC3;
            else if (!strcmp(optarg, "csv"))
                o->format = DY_THICK_CSV;
            else
                return dy_cli_usage_error(CMD, "--format '%s': expected lhe, hepmc3 or csv",
                                          optarg);
            if (o->format == DY_THICK_HEPMC3 && !dy_hepmc3_available())
                return dy_cli_usage_error(CMD, "--format hepmc3: this darkyield was built "
                                               "without HepMC3 (install Debian's libhepmc3-dev)");
            break;
        case 'U':
            if (strcmp(optarg, "GeV") && strcmp(optarg, "MeV"))
                return dy_cli_usage_error(CMD, "--csv-unit '%s': expected GeV or MeV", optarg);
            o->unit = !strcmp(optarg, "MeV") ? 1000.0 : 1.0;
            break;
        case 'p':
            if (dy_parse_double(optarg, &o->precision) || !(o->precision > 0.0) ||
                o->precision >= 1.0)
                return dy_cli_usage_error(CMD, "--precision '%s': expected 0 < p < 1", optarg);
            break;
        case 'N':
            if ((rc = parse_u64("--max-eval", optarg, 4096, UINT64_MAX, &o->max_eval))) return rc;
            break;
        case 'L':
            if ((rc = parse_u64("--pilot", optarg, 16, 1u << 26, &o->pilot))) return rc;
            if (o->pilot % 16)
                return dy_cli_usage_error(CMD, "--pilot '%s': expected a multiple of 16", optarg);
            break;
        case 'F':
            if (dy_parse_double(optarg, &o->safety) || !(o->safety >= 1.0) || o->safety > 100.0)
                return dy_cli_usage_error(CMD, "--safety '%s': expected 1 <= f <= 100", optarg);
            break;
        case 'B':
            if ((rc = parse_u64("--boson-pdg", optarg, 1, 2147483647ULL, &v))) return rc;
            o->pdg = (int)v;
            break;
        case 'b': o->backend = optarg; break;
        case 'S': o->stats = optarg; break;
        case 'q':
            o->quiet = 1;
            dy_cli_quiet = 1;
            break;
        default:
            return dy_cli_usage_error(CMD,
                                      "unknown or incomplete option '%s' (with --config: "
                                      "--channel, --mass, --n, --seed, --output, --gzip, "
                                      "--format, --csv-unit, --precision, --max-eval, --pilot, "
                                      "--safety, --boson-pdg, --backend, --stats, --quiet)",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc) return dy_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (!o->have_mass) return dy_cli_usage_error(CMD, "--mass is required (one of the config's)");
    if (!o->n) return dy_cli_usage_error(CMD, "--n (events) is required");
    if (!o->output) return dy_cli_usage_error(CMD, "--output is required");
    if (o->unit != 1.0 && o->format != DY_THICK_CSV)
        return dy_cli_usage_error(CMD, "--csv-unit applies to --format csv");
    if (!strcmp(o->output, "-") && o->gzip)
        return dy_cli_usage_error(CMD, "--gzip to standard output is not supported");
    const size_t lo_ = strlen(o->output);
    if (lo_ >= 3 && !strcmp(o->output + lo_ - 3, ".gz")) o->gzip = 1;
    return 0;
}

/* The beam's incident particle of the channel: PDG id. */
static int incident_pdg(const dy_run_channel_view *v)
{
    if (v->process != DY_PROC_brem) return 22;
    if (!strcmp(v->name, "brem-mu")) return 13;
    return !strcmp(v->name, "brem-e+") ? -11 : 11;
}

static char *header_text(const topts *o, const dy_config *cfg, const dy_thick *t, int main_el,
                         const char *backend, int argc, char **argv)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f) return NULL;
    const dy_run_channel_view *v = &t->v;
    const int model = dy_model_from_name(cfg->model.mediator);
    const dy_coupling_info *ci = dy_coupling_info_of(model);
    char cs[96];
    dy_coupling_format(model, cfg->model.coupling, cs, sizeof cs);
    dy_events_header_command(f, argc, argv);
    fprintf(f,
            "\nthick target: events of the run config %s (name %s), channel %s, boson mass "
            "m = %.10g GeV, boson PDG id %d (%s, model %s)\n",
            cfg->path, cfg->name, v->name, v->mass, o->pdg, ci->particle, cfg->model.mediator);
    fprintf(f,
            "beam: %s of %.10g GeV on %s (thickness as configured: %g cm, %g X0); the incident "
            "particle of each event (line 1, PDG %d) is a %s of the shower (or the beam) with "
            "energy E varying per event: E, the element and the final state are distributed as "
            "n_el T(E) dsigma_el(E), the integrand of the run's yield (T: track length, cm/GeV "
            "per incident beam particle)\n",
            cfg->beam.particle, cfg->beam.energy_GeV, cfg->target.material,
            cfg->target.thickness_cm, cfg->target.thickness_X0, incident_pdg(v),
            v->process == DY_PROC_brem ? "lepton" : "photon");
    fprintf(f, "elements:");
    for (int el = 0; el < v->nel; ++el)
        fprintf(f, " Z = %g A = %g (%.6g atoms/cm^3)", v->elZ[el], v->elA[el], v->eln[el]);
    fprintf(f, "; <init> beam 2 and the Z_nuc line are element %d (the largest n Z^2)\n",
            main_el + 1);
    fprintf(f, "coupling: %s [%s] = %s (%s)\n", ci->name, ci->unit, cs, ci->definition);
    fprintf(f,
            "normalisation (EOT): XSECUP +- XERRUP = %.10g +- %.3g = the events' yield per %s "
            "on target (dimensionless, NOT pb): N_expected = XSECUP x (particles on target); "
            "each event stands for XSECUP / N of it.  Compare the run's N_total of channel %s "
            "at this mass\n",
            t->st.mean_w, t->st.mean_w_error, cfg->beam.particle, v->name);
    fprintf(f,
            "node integrals: %d nodes x %d element(s) (the run's quadrature nodes), VEGAS to "
            "precision %g; proposal: %d cells of the incident energy, final state from the "
            "nearest node's converged map\n",
            v->K, v->nel, o->precision, t->nc);
    fprintf(f,
            "events: %llu unweighted (weight 1 each), accept-reject against w_max = %.6g (%.3g "
            "x the largest of %llu pilot weights %.6g, raised %u times = bound violations); "
            "efficiency %.4g over %llu draws; largest weight drawn %.6g (mean %.6g +- %.2g)\n",
            (unsigned long long)t->n_events, t->st.w_max, o->safety, (unsigned long long)o->pilot,
            t->st.w_max_pilot, t->st.restarts, t->st.efficiency, (unsigned long long)t->st.draws,
            t->st.w_max_seen, t->st.mean_w, t->st.mean_w_error);
    fprintf(f, "seed: %llu; backend: %s (node integrals; weights on the host)\n",
            (unsigned long long)o->seed, backend);
    fprintf(f, "conventions: %s; %s; %s\n", DY_CONV_CONSTANTS, DY_CONV_FF_INELASTIC,
            v->process == DY_PROC_brem ? DY_CONV_BREM_ETL : "exact tree-level 2->2");
    fprintf(f, "particles: incident particle (energy E of this event), target (in, at rest), "
               "then the outgoing particles as the thin-target events of the same process; E, p "
               "in GeV, lab frame, incident particle along +z (the direction of the shower "
               "particle, not of the beam)\n");
    if (fclose(f)) {
        free(s);
        return NULL;
    }
    return s;
}

int dy_cmd_events_thick(int argc, char **argv)
{
    topts o;
    memset(&o, 0, sizeof o);
    o.safety = 1.2;
    o.pilot = 1u << 18;
    o.unit = 1.0;
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    dy_config cfg;
    dy_error err;
    dy_run *run = NULL;
    dy_engine *eng = NULL;
    dy_thick th;
    dy_evstream *zs = NULL;
    dy_outset set;
    dy_thick_out wo;
    memset(&wo, 0, sizeof wo);
    memset(&th, 0, sizeof th);
    dy_outset_init(&set);
    if (dy_config_load(o.config, &cfg, &err) != DY_OK) return dy_cli_fail(&err);
    int im = -1;
    for (int i = 0; i < cfg.n_masses; ++i)
        if (fabs(cfg.masses_GeV[i] - o.mass) <= 1e-9 * o.mass) im = i;
    if (im < 0) {
        char list[512];
        size_t k = 0;
        list[0] = 0;
        for (int i = 0; i < cfg.n_masses && k < sizeof list - 32; ++i)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%.10g", i ? ", " : "",
                                  cfg.masses_GeV[i]);
        rc = dy_cli_usage_error(CMD, "--mass %.10g GeV is not one of the masses of %s (%s)", o.mass,
                                o.config, list);
        goto out;
    }
    if (!o.have_seed) o.seed = cfg.seed;
    if (!(o.precision > 0.0)) o.precision = cfg.precision;
    if (!o.max_eval) o.max_eval = cfg.max_eval;
    if ((rc = dy_run_open(&cfg, 0, &run, &err) != DY_OK ? dy_cli_fail(&err) : 0)) goto out;
    dy_run_channel_view v;
    char names[256];
    if (!o.channel) {
        dy_run_channel_names(run, names, sizeof names);
        if (strchr(names, ',')) {
            rc = dy_cli_usage_error(CMD, "%s has several channels (%s): choose one with --channel",
                                    o.config, names);
            goto out;
        }
        o.channel = names;
    }
    if (!strcmp(o.channel, "annihilation")) { /* closed-form sigma: its own generator */
        if (!o.pdg) o.pdg = PDG_AP;
        rc = dy_events_thick_ann(&o, &cfg, run, im, &set, argc, argv);
        goto out;
    }
    if (dy_run_channel(run, o.channel, im, &v, &err) != DY_OK) {
        rc = err.status == DY_ERR_NOT_FOUND || err.status == DY_ERR_INVALID
                 ? dy_cli_usage_error(CMD, "%s", err.msg)
                 : dy_cli_fail(&err);
        goto out;
    }
    if (v.closed) {
        rc = dy_cli_usage_error(CMD,
                                "channel %s is closed at m = %g GeV (threshold above the "
                                "beam energy): no events",
                                v.name, v.mass);
        goto out;
    }
    if (o.format == DY_THICK_CSV && v.process != DY_PROC_brem) {
        rc = dy_cli_usage_error(CMD,
                                "--format csv: G4DarkBreM's CSV holds brem events only (channel "
                                "%s: use lhe or hepmc3)",
                                v.name);
        goto out;
    }
    if (!o.pdg) o.pdg = v.process == DY_PROC_primakoff ? DY_PDG_ALP : PDG_AP;
    FILE *file = dy_outset_add(&set, o.output, &err);
    if (!file) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if ((rc = dy_cli_open_engine(o.backend ? o.backend : cfg.backend, &eng))) goto out;
    dy_vegas_options vo;
    dy_vegas_options_default(&vo);
    vo.seed = o.seed;
    vo.rel_precision = o.precision;
    vo.max_eval = o.max_eval;
    vo.progress = !o.quiet;
    if (dy_thick_init(&th, eng, &v, &vo, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    dy_unweight_options uo;
    dy_unweight_options_default(&uo);
    uo.seed = o.seed;
    uo.n_events = o.n;
    uo.n_pilot = (uint32_t)o.pilot;
    uo.safety = o.safety;
    if (dy_thick_unweight(&th, &uo, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    int mel = 0; /* the element of <init>: the largest n Z^2 */
    for (int el = 1; el < v.nel; ++el)
        if (v.eln[el] * v.elZ[el] * v.elZ[el] > v.eln[mel] * v.elZ[mel] * v.elZ[mel]) mel = el;
    char *text = header_text(&o, &cfg, &th, mel, dy_engine_backend(eng), argc, argv);
    zs = calloc(1, sizeof *zs);
    if (!text || !zs) {
        free(text);
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    if (dy_evstream_open(zs, file, o.gzip, &err) != DY_OK) {
        free(text);
        rc = dy_cli_fail(&err);
        goto out;
    }
    const int brem = v.process == DY_PROC_brem, cmp = v.process == DY_PROC_compton;
    const dy_params *p0 = &th.node[(size_t)mel * v.K].p;
    const double Mn = brem ? p0->par[DY_BREM_P_MN] : v.elA[mel] * DY_AMU_GEV;
    const dy_lhe_info info = {incident_pdg(&v),
                              cmp ? 11 : dy_nucleus_pdg(v.elZ[mel], v.elA[mel]),
                              cfg.beam.energy_GeV,
                              cmp ? DY_M_E : Mn,
                              cmp ? 0.0 : v.elZ[mel],
                              cmp ? 0.0 : v.elA[mel],
                              th.st.mean_w,
                              th.st.mean_w_error,
                              text};
    rc = dy_thick_out_begin(&wo, &o, zs, &info);
    free(text);
    if (rc) goto out;
    for (uint64_t j = 0; j < th.n_events; ++j) {
        dy_event ev;
        double E;
        if (dy_thick_event(&th, j, o.pdg, &ev, &E) != 0) {
            dy_error_set(&err, DY_ERR_NUMERIC, "accepted draw %llu lies outside phase space",
                         (unsigned long long)j);
            rc = dy_cli_fail(&err);
            goto out;
        }
        if ((rc = dy_thick_out_event(&wo, &ev, j, E))) goto out;
    }
    if ((rc = dy_thick_out_end(&wo))) goto out;
    if (dy_evstream_close(zs, o.output, &err) != DY_OK || dy_outset_commit(&set, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (!o.quiet)
        fprintf(stderr,
                "darkyield: %s, m = %g GeV: yield %.6g +- %.2g per %s on target; %llu events, "
                "efficiency %.3g, w_max raised %u times; %.3g s integrating, %.3g s drawing\n"
                "darkyield: wrote %s\n",
                v.name, v.mass, th.st.mean_w, th.st.mean_w_error, cfg.beam.particle,
                (unsigned long long)th.n_events, th.st.efficiency, th.st.restarts,
                th.seconds_integrate, th.seconds_unweight, o.output);
    rc = dy_cli_write_stats(eng, o.stats);
out:
    dy_thick_out_discard(&wo);
    dy_outset_abort(&set);
    if (zs) dy_evstream_discard(zs);
    free(zs);
    dy_thick_free(&th);
    dy_engine_close(eng);
    dy_run_close(run);
    dy_config_free(&cfg);
    return rc;
}
