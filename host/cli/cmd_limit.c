/* cmd_limit.c — `darkyield limit CONFIG`: exclusion and sensitivity curves from a yield grid.
 * Reads the limit YAML (host/io/limit_config.c) and the HDF5 yields of `darkyield run`, turns the
 * event limit (observed and expected, ±1σ/±2σ) into coupling limits per mass (analytic when the
 * particle is invisible, an excluded band when it must decay in a volume), adds the thermal-relic
 * lines or the (g-2)_mu band, and writes CSV, HEPData YAML and plots.  docs/limits.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "io/outlock.h"
#include "io/outset.h"
#include "io/pyhf_export.h"
#include "io/hepdata.h"
#include "io/limit_config.h"
#include "io/yield_reader.h"
#include "limit_points.h"
#include "physics/couplings.h"
#include "physics/dy_constants.h"
#include "physics/gminus2.h"
#include "physics/limits.h"
#include "physics/relic.h"

#define NS 6 /* observed, expected median, -1σ, +1σ, -2σ, +2σ */
static const char *const k_sname[NS] = {"obs", "exp", "exp_m1", "exp_p1", "exp_m2", "exp_p2"};

static void help(void)
{
    printf(
        "usage: darkyield limit LIMIT.yaml [options]\n\n"
        "Exclusion (observed) and sensitivity (expected, ±1σ/±2σ) limits on the coupling per\n"
        "mass from the yields of 'darkyield run': N_sig = N_pot (g/g0)^2 sum_E eff Y(E) "
        "[P_decay].\n"
        "Writes <out>/<name>_limits.csv, thermal-relic or (g-2) CSVs, <out>/hepdata/ and plots.\n"
        "Schema and physics: docs/limits.md; examples: configs/limit-*.yaml.\n\n"
        "  --set KEY=VALUE  override a config key (observed=3, yields=out/x/x.h5); repeatable\n"
        "  --format F       summary on stdout: table (default), csv or json\n"
        "  --quiet          only warnings and errors on stderr\n"
        "  --verbose        a line per mass on stderr (signal, event limits)\n"
        "  --no-plots       skip the plots\n");
}

typedef struct names {
    const char *mass, *coupling, *coupling_units, *title;
    const dy_coupling_info *ci;
} names;

/* The limit's particle and the model whose coupling it is (physics/couplings.h). */
static dy_model particle_model(const char *particle)
{
    return !strcmp(particle, "zprime")      ? DY_MODEL_LMU_LTAU
           : !strcmp(particle, "zprime-bl") ? DY_MODEL_B_L
           : !strcmp(particle, "alp")       ? DY_MODEL_ALP
                                            : DY_MODEL_DARK_PHOTON;
}

static names axis_names(const dy_limit_config *c)
{
    const dy_model md = particle_model(c->particle);
    const dy_coupling_info *ci = dy_coupling_info_of(md);
    names n = {"m_A'", ci->name, "", "dark photon A'", ci};
    if (md == DY_MODEL_LMU_LTAU) n.mass = "m_Z'", n.title = "L_mu - L_tau Z'";
    if (md == DY_MODEL_B_L) n.mass = "m_Z'", n.title = "B - L Z'";
    if (md == DY_MODEL_ALP) n.mass = "m_a", n.title = "ALP (a gamma gamma)";
    if (strcmp(ci->unit, "1")) n.coupling_units = ci->unit;
    return n;
}

/* The yield file must hold the limit's model: its yields are per that model's coupling^2.  Files
 * of darkyield 0.1.0 carry no model; their A' and ALP yields are per eps^2 and g_agg^2 as now,
 * but their "Z'" yields were per eps^2 of an A', not per g_Z'^2. */
static int check_model(const dy_limit_config *c, const dy_yield_file *y, dy_error *err)
{
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
        if (!dy_cli_quiet)
            fprintf(stderr,
                    "darkyield: note: yield file '%s' names no model; taking its yields as per "
                    "%s^2 of the %s\n",
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

static void print_hdr_comments(FILE *f, const dy_limit_config *c, const dy_yield_file *y,
                               double cut, const double *s, int profile)
{
    const dy_coupling_info *ci = dy_coupling_info_of(particle_model(c->particle));
    char cs[96];
    dy_coupling_format(particle_model(c->particle), y->coupling, cs, sizeof cs);
    fprintf(f, "# darkyield %s limit '%s' from yields '%s' (run '%s', model %s, computed at %s)\n",
            DY_VERSION, c->name, c->yields, y->name, y->model[0] ? y->model : ci->model, cs);
    fprintf(f, "# coupling definition: %s (%s); N_sig = N_pot (%s/%s_0)^2 sum_E eff dN/dE dE%s\n",
            ci->definition, ci->particle, ci->name, ci->name,
            strcmp(c->mode, "visible") ? "" : " <P_decay>");
    fprintf(f, "# particle: %s; mode: %s", c->particle, c->mode);
    if (!strcmp(c->mode, "visible"))
        fprintf(f, " (%s, z1 = %g cm%s%g%s)", c->region, c->z1_cm,
                strcmp(c->region, "between") ? "" : ", z2 = ",
                strcmp(c->region, "between") ? NAN : c->z2_cm,
                strcmp(c->region, "between") ? "" : " cm");
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

/* res holds per point, for each of the NS limits, (lower or the limit, upper), then the signal. */
#define R(m, k, e) res[(size_t)(m) * (NS * 2 + 1) + (k)*2 + (e)]
#define RY(m)      res[(size_t)(m) * (NS * 2 + 1) + NS * 2]

/* The limits table: a header row, then one row per point (the CSV file's body, and the CSV
 * summary on stdout). */
static void limit_rows(FILE *f, const dy_limit_config *cfg, const dy_lpoint *pts, int np,
                       const double *res, int visible, int profile, int want_y, double r4)
{
    fprintf(f, "mass_GeV");
    for (int k = 0; k < NS; ++k)
        if (visible)
            fprintf(f, ",%s_lower,%s_upper", k_sname[k], k_sname[k]);
        else
            fprintf(f, ",coupling_%s", k_sname[k]);
    if (!visible) fprintf(f, ",signal_per_pot_coupling2");
    if (profile) fprintf(f, ",events_obs,events_exp,events_exp_m1,events_exp_p1");
    if (profile && !strcmp(cfg->method, "cls-toys")) fprintf(f, ",events_obs_toy_err");
    if (cfg->interp_per_decade > 0) fprintf(f, ",grid");
    if (want_y) {
        fprintf(f, ",m_chi_GeV");
        for (int k = 0; k < NS; ++k)
            fprintf(f, ",y_%s", k_sname[k]);
    }
    fputc('\n', f);
    for (int m = 0; m < np; ++m) {
        fprintf(f, "%.10g", pts[m].mass);
        for (int k = 0; k < NS; ++k)
            if (visible)
                fprintf(f, ",%.8g,%.8g", R(m, k, 0), R(m, k, 1));
            else
                fprintf(f, ",%.8g", R(m, k, 0));
        if (!visible) fprintf(f, ",%.8g", RY(m));
        if (profile)
            fprintf(f, ",%.8g,%.8g,%.8g,%.8g", pts[m].ev[0], pts[m].ev[1], pts[m].ev[2],
                    pts[m].ev[3]);
        if (profile && !strcmp(cfg->method, "cls-toys")) fprintf(f, ",%.3g", pts[m].toy_err);
        if (cfg->interp_per_decade > 0) fprintf(f, ",%d", pts[m].grid);
        if (want_y) {
            fprintf(f, ",%.10g", pts[m].mass * cfg->mchi_over_m);
            for (int k = 0; k < NS; ++k)
                fprintf(f, ",%.8g", R(m, k, 0) * R(m, k, 0) * cfg->alpha_D * r4);
        }
        fputc('\n', f);
    }
}

/* The limits as one JSON object: the event limits, then per point the coupling limits named as
 * the CSV columns (visible decays: excluded bands, lower and upper). */
static void limit_json(const dy_limit_config *cfg, const dy_lpoint *pts, int np, const double *res,
                       const double *s, int visible, int want_y, double r4, const names *nn,
                       const char *csv)
{
    FILE *f = stdout;
    double *col = malloc((size_t)(np > 0 ? np : 1) * sizeof *col);
    if (!col) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        return;
    }
    fputs("{\n", f);
    dy_json_key(f, "darkyield", 1);
    dy_json_str(f, DY_VERSION);
    dy_json_key(f, "command", 0);
    dy_json_str(f, "limit");
    dy_json_key(f, "name", 0);
    dy_json_str(f, cfg->name);
    dy_json_key(f, "config", 0);
    dy_json_str(f, cfg->path);
    dy_json_key(f, "yields", 0);
    dy_json_str(f, cfg->yields);
    dy_json_key(f, "particle", 0);
    dy_json_str(f, cfg->particle);
    dy_json_key(f, "title", 0);
    dy_json_str(f, nn->title);
    dy_json_key(f, "mode", 0);
    dy_json_str(f, cfg->mode);
    dy_json_key(f, "coupling_name", 0);
    dy_json_str(f, nn->coupling);
    dy_json_key(f, "coupling_unit", 0);
    dy_json_str(f, nn->coupling_units[0] ? nn->coupling_units : "1");
    dy_json_key(f, "n_pot", 0);
    dy_json_num(f, cfg->n_pot);
    dy_json_key(f, "observed", 0);
    fprintf(f, "%d", cfg->observed);
    dy_json_key(f, "background", 0);
    dy_json_num(f, cfg->background);
    dy_json_key(f, "cl", 0);
    dy_json_num(f, cfg->cl);
    dy_json_key(f, "method", 0);
    dy_json_str(f, cfg->method);
    dy_json_key(f, "event_limits", 0);
    fputs("{", f);
    for (int k = 0; k < NS; ++k) {
        fprintf(f, "%s\"%s\": ", k ? ", " : "", k_sname[k]);
        dy_json_num(f, s[k]);
    }
    fputs("}", f);
    for (int m = 0; m < np; ++m)
        col[m] = pts[m].mass;
    dy_json_key(f, "masses_GeV", 0);
    dy_json_nums(f, col, np);
    char key[64];
    for (int k = 0; k < NS; ++k)
        for (int e = 0; e < (visible ? 2 : 1); ++e) {
            if (visible)
                snprintf(key, sizeof key, "%s_%s", k_sname[k], e ? "upper" : "lower");
            else
                snprintf(key, sizeof key, "coupling_%s", k_sname[k]);
            for (int m = 0; m < np; ++m)
                col[m] = R(m, k, e);
            dy_json_key(f, key, 0);
            dy_json_nums(f, col, np); /* inf (no signal at that mass) is null */
        }
    if (!visible) {
        for (int m = 0; m < np; ++m)
            col[m] = RY(m);
        dy_json_key(f, "signal_per_pot_coupling2", 0);
        dy_json_nums(f, col, np);
    }
    if (want_y) {
        for (int m = 0; m < np; ++m)
            col[m] = pts[m].mass * cfg->mchi_over_m;
        dy_json_key(f, "m_chi_GeV", 0);
        dy_json_nums(f, col, np);
        for (int k = 0; k < NS; ++k) {
            for (int m = 0; m < np; ++m)
                col[m] = R(m, k, 0) * R(m, k, 0) * cfg->alpha_D * r4;
            snprintf(key, sizeof key, "y_%s", k_sname[k]);
            dy_json_key(f, key, 0);
            dy_json_nums(f, col, np);
        }
    }
    dy_json_key(f, "outputs", 0);
    fputs("[", f);
    if (cfg->want_csv) dy_json_str(f, csv);
    fputs("]\n}\n", f);
    free(col);
}

int dy_cmd_limit(int argc, char **argv)
{
    const char *path = NULL, *sets[DY_CLI_MAX_SETS];
    int want_plots = 1, n_sets = 0, format = DY_FMT_TABLE;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            help();
            return 0;
        } else if (!strcmp(argv[i], "--no-plots")) {
            want_plots = 0;
        } else if (!strcmp(argv[i], "--set")) {
            if (++i >= argc) return dy_cli_usage_error("limit", "--set needs KEY=VALUE");
            if (n_sets == DY_CLI_MAX_SETS)
                return dy_cli_usage_error("limit", "more than %d --set options", DY_CLI_MAX_SETS);
            sets[n_sets++] = argv[i];
        } else if (!strcmp(argv[i], "--format")) {
            if (++i >= argc || (format = dy_cli_format_from_name(argv[i])) < 0)
                return dy_cli_usage_error("limit", "--format needs table, csv or json");
        } else if (!strcmp(argv[i], "--quiet")) {
            dy_cli_quiet = 1;
        } else if (!strcmp(argv[i], "--verbose")) {
            dy_cli_verbose = 1;
        } else if (argv[i][0] == '-') {
            return dy_cli_usage_error("limit", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return dy_cli_usage_error("limit", "unexpected argument '%s'", argv[i]);
        }
    }
    if (!path) return dy_cli_usage_error("limit", "a LIMIT config file is required");
    if (dy_cli_check_verbosity("limit")) return 2;

    dy_limit_config *cfg = calloc(1, sizeof *cfg);
    dy_signal_spec *spec = calloc(1, sizeof *spec);
    dy_yield_file yf;
    dy_error err;
    int rc = 0;
    double *res = NULL;
    dy_lpoint *pts = NULL;
    dy_outset set; /* every output file, committed together */
    dy_outlock lock = {.fd = -1};
    struct {
        FILE *f;
    } a = {NULL}; /* the output file being written */
    dy_outset_init(&set);
    memset(&yf, 0, sizeof yf);
    if (!cfg || !spec) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        free(cfg);
        free(spec);
        return 1;
    }
    dy_cli_stdout_reserved = format != DY_FMT_TABLE;
    FILE *info = format == DY_FMT_TABLE ? stdout : stderr; /* "wrote ..." lines */
    if (dy_limit_config_load_with(path, sets, n_sets, cfg, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (dy_yield_read(cfg->yields, cfg->n_channels ? cfg->channels : NULL, cfg->n_channels, &yf,
                      &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (check_model(cfg, &yf, &err) || check_yields(cfg, &yf, &err)) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    const dy_yield_grid *g = &yf.g;
    if (g->n_ebins > DY_SIGNAL_MAX_EBINS ||
        g->n_ebins * (g->n_dbins > 0 ? 2 * g->n_dbins : 1) > DY_SIGNAL_MAX_BINS) {
        if (g->n_ebins > DY_SIGNAL_MAX_EBINS)
            dy_error_set(
                &err, DY_ERR_INVALID,
                "%s: %d energy bins; 'darkyield limit' handles at most %d (rebin the file)",
                cfg->yields, g->n_ebins, DY_SIGNAL_MAX_EBINS);
        else
            dy_error_set(&err, DY_ERR_INVALID,
                         "%s: %d energy bins x %d depth bins; 'darkyield limit' handles at most "
                         "%d energy x 2 depth points (rebin the file)",
                         cfg->yields, g->n_ebins, g->n_dbins, DY_SIGNAL_MAX_BINS);
        rc = dy_cli_fail(&err);
        goto out;
    }
    const int nm = g->n_masses, visible = !strcmp(cfg->mode, "visible");
    const int dark_photon = !strcmp(cfg->particle, "dark_photon");
    const double cut = cfg->have_cut ? cfg->cut_GeV : yf.cut_energy_min_GeV;
    if (!(cut < g->ebin_edges_GeV[g->n_ebins])) {
        dy_error_set(&err, DY_ERR_INVALID,
                     "%s: energy cut %g GeV is above the yield file's "
                     "energy range (up to %g GeV)",
                     cfg->path, cut, g->ebin_edges_GeV[g->n_ebins]);
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (cut < yf.cut_energy_min_GeV - 1e-12 && cut < g->ebin_edges_GeV[0])
        fprintf(stderr, "darkyield: warning: cut %g GeV is below the spectrum's range\n", cut);

    /* event limits: one set for the exact single-count methods, per mass for the profile ones */
    const int profile = !strcmp(cfg->method, "cls-asymptotic") ||
                        !strcmp(cfg->method, "cls-toys") ||
                        !strcmp(cfg->method, "cousins-highland");
    const dy_limit_method method = !strcmp(cfg->method, "fc")          ? DY_LIMIT_FC
                                   : !strcmp(cfg->method, "classical") ? DY_LIMIT_CLASSICAL
                                                                       : DY_LIMIT_POISSON;
    double s[NS];
    dy_limit_expected ex;
    memset(&ex, 0, sizeof ex);
    if (!profile) {
        if (dy_limit_upper(cfg->observed, cfg->background, cfg->cl, method, &s[0], &err) != DY_OK ||
            dy_limit_expected_upper(cfg->background, cfg->cl, method, &ex, &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        s[1] = ex.median;
        s[2] = ex.m1;
        s[3] = ex.p1;
        s[4] = ex.m2;
        s[5] = ex.p2;
    }
    if (visible && cfg->n_sets > 1)
        for (int d = 0; d < cfg->n_sets; ++d)
            if (cfg->set[d].have_emin || cfg->set[d].have_emax ||
                cfg->set[d].have_eff != cfg->set[0].have_eff) {
                dy_error_set(&err, DY_ERR_INVALID,
                             "%s: data set '%s': in 'mode: visible' the data sets share the "
                             "energy window and the kind of efficiency (a number each, or all "
                             "the 'efficiency' of the config)",
                             cfg->path, cfg->set[d].name);
                rc = dy_cli_fail(&err);
                goto out;
            }

    /* the signal of every data set per grid mass, then the interpolated masses */
    pts = calloc((size_t)nm, sizeof *pts);
    if (!pts) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    int n_nosignal = 0;
    for (int m = 0; m < nm; ++m) {
        const double M = g->masses_GeV[m];
        dy_lpoint_signal(cfg, &yf, m, cut, br_invisible(cfg->particle, M), &pts[m]);
        double st = 0.0;
        for (int d = 0; d < cfg->n_sets; ++d)
            st += pts[m].S[d];
        if (!(st > 0.0)) {
            if (!dy_cli_quiet)
                fprintf(stderr,
                        "darkyield: note: m = %g GeV: no signal above the cut (yield 0): no "
                        "sensitivity, the limit is written as inf (HEPData '-')\n",
                        M);
            ++n_nosignal;
        }
    }
    int np = nm;
    if (cfg->interp_per_decade > 0 && nm > 1) {
        dy_lpoint *o = NULL;
        np = dy_lpoints_interpolate(pts, nm, cfg->n_sets, cfg->interp_per_decade,
                                    cfg->interp_max_dslope, &o);
        if (np < 0) {
            fprintf(stderr, "darkyield: error: out of memory\n");
            rc = 1;
            goto out;
        }
        free(pts);
        pts = o;
    }

    /* per point: res[m][k][0/1] = lower/upper edge for event limit k; RY = N_sig/(N_pot g^2) */
    res = calloc((size_t)np * (NS * 2 + 1), sizeof(double));
    if (!res) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    int open_warned = 0, first_ev = -1;
    for (int m = 0, im = 0; m < np; ++m) {
        dy_lpoint *pt = &pts[m];
        const double M = pt->mass;
        double St = 0.0;
        for (int d = 0; d < cfg->n_sets; ++d)
            St += pt->S[d];
        if (profile) {
            if (dy_lpoint_events(cfg, pt, &err) != DY_OK) {
                dy_error e2 = err;
                dy_error_set(&err, e2.status, "%s: m = %g GeV: %s", cfg->path, M, e2.msg);
                rc = dy_cli_fail(&err);
                goto out;
            }
            if (first_ev < 0 && isfinite(pt->ev[0])) first_ev = m;
        } else {
            memcpy(pt->ev, s, sizeof s);
        }
        if (dy_cli_verbose)
            fprintf(stderr,
                    "darkyield: limit: m = %g GeV (%s): signal %.6g events at %s = %g; event "
                    "limits obs %.4g, expected %.4g [%.4g, %.4g]\n",
                    M, pt->grid ? "grid mass" : "interpolated", St, axis_names(cfg).coupling,
                    yf.coupling, pt->ev[0], pt->ev[1], pt->ev[2], pt->ev[3]);
        RY(m) = St / (cfg->n_pot * yf.coupling * yf.coupling);
        if (!visible) {
            for (int k = 0; k < NS; ++k) {
                R(m, k, 0) = dy_limit_coupling_invisible(pt->ev[k], 1.0, St, yf.coupling);
                R(m, k, 1) = INFINITY;
            }
            continue;
        }
        /* visible: the spectrum of this grid mass with decays in the volume */
        while (im < nm && g->masses_GeV[im] != M)
            ++im;
        memset(spec, 0, sizeof *spec);
        spec->mass_GeV = M;
        spec->c0 = yf.coupling;
        spec->n_pot = cfg->n_sets > 1 ? 1.0 : cfg->n_pot;
        spec->decay = dark_photon ? DY_DECAY_AP_EE : DY_DECAY_ALP_GG;
        spec->region = !strcmp(cfg->region, "beyond") ? DY_REGION_BEYOND : DY_REGION_BETWEEN;
        spec->z1_cm = cfg->z1_cm;
        spec->z2_cm = cfg->z2_cm;
        /* with production depths in the file: 2-point Gauss-Legendre in each depth bin, the
         * decay volume then measured from the target's front face (docs/geometry.md) */
        const int ndp = g->n_dbins > 0 && g->sum_dNdE_depth ? 2 * g->n_dbins : 1;
        for (int e = 0; e < g->n_ebins; ++e)
            for (int q = 0; q < ndp; ++q) {
                const double lo = g->ebin_edges_GeV[e], hi = g->ebin_edges_GeV[e + 1];
                if (!(hi > cut)) continue;
                const double l2 = fmax(lo, cut), c = 0.5 * (l2 + hi);
                const int k = spec->n_bins++;
                double dn = g->sum_dNdE[dy_yield_grid_index(g, im, e)] * (hi - l2);
                if (ndp > 1) {
                    const int d = q / 2;
                    const double d1 = g->depth_edges_cm[d], d2 = g->depth_edges_cm[d + 1];
                    const double gx = (q % 2 ? 0.5 : -0.5) / sqrt(3.0); /* nodes at +-1/sqrt(3) */
                    spec->depth_cm[k] = 0.5 * (d1 + d2) + gx * (d2 - d1);
                    dn = 0.5 * g->sum_dNdE_depth[((size_t)im * g->n_dbins + d) * g->n_ebins + e] *
                         (hi - l2);
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
        for (int k = 0; k < NS; ++k) {
            int flags;
            if (!isfinite(pt->ev[k])) {
                R(m, k, 0) = R(m, k, 1) = NAN;
                continue;
            }
            if (dy_limit_coupling_band(spec, pt->ev[k], cfg->g_min, cfg->g_max, cfg->per_decade,
                                       &R(m, k, 0), &R(m, k, 1), &flags, &err) != DY_OK) {
                rc = dy_cli_fail(&err);
                goto out;
            }
            if (flags && !open_warned) {
                fprintf(stderr,
                        "darkyield: warning: at m = %g GeV the excluded band reaches the "
                        "coupling_scan %s edge (%g); widen coupling_scan\n",
                        M, (flags & DY_BAND_OPEN_LOW) ? "lower" : "upper",
                        (flags & DY_BAND_OPEN_LOW) ? cfg->g_min : cfg->g_max);
                open_warned = 1;
            }
        }
    }
    if (profile) /* the header and summary quote the event limits of the first mass */
        for (int k = 0; k < NS; ++k)
            s[k] = first_ev >= 0 ? pts[first_ev].ev[k] : INFINITY;
    int zero_band = 1; /* every expected band of zero width (b = 0 and the exact methods) */
    for (int m = 0; m < np; ++m)
        if (pts[m].ev[2] != pts[m].ev[1] || pts[m].ev[3] != pts[m].ev[1]) zero_band = 0;
    (void)n_nosignal;

    /* hepdata/ is per directory: one limit job at a time writes into it */
    if (dy_outlock_take(&lock, cfg->out_dir, "darkyield-limit", "limit outputs", &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    const names nn = axis_names(cfg);
    const double r4 = pow(cfg->mchi_over_m, 4.0);
    const int want_y = dark_photon && !visible;
    char fcsv[8192], ftherm[8192], fgm2[8192], hdir[8192];
    snprintf(fcsv, sizeof fcsv, "%s/%s_limits.csv", cfg->out_dir, cfg->name);
    snprintf(ftherm, sizeof ftherm, "%s/%s_thermal.csv", cfg->out_dir, cfg->name);
    snprintf(fgm2, sizeof fgm2, "%s/%s_gm2.csv", cfg->out_dir, cfg->name);
    snprintf(hdir, sizeof hdir, "%s/hepdata", cfg->out_dir);

    /* thermal targets over the m_chi range of the grid, (g-2) band over the mass range */
    enum { NT = 40 };
    double tm[NT], ty[4][NT], gm[NT], gb[5][NT];
    int nth = 0, have_therm = want_y && cfg->n_thermal > 0, have_gm2 = cfg->have_gm2;
    if (have_therm) {
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
                                     cfg->omega_h2};
                if (dy_relic_y_target(&p, &ty[k][nth], NULL, &err) != DY_OK) ok = 0;
            }
            if (ok) tm[nth++] = mc;
        }
        have_therm = nth > 0;
    }
    if (have_gm2) {
        const double lo = g->masses_GeV[0], hi = g->masses_GeV[nm - 1];
        for (int i = 0; i < NT; ++i) {
            dy_gm2_band b;
            gm[i] = nm > 1 ? lo * pow(hi / lo, (double)i / (NT - 1)) : lo;
            if (dy_gm2_band_at(gm[i], cfg->gm2_delta, cfg->gm2_sigma, &b, &err) != DY_OK) {
                rc = dy_cli_fail(&err);
                goto out;
            }
            gb[0][i] = b.central;
            gb[1][i] = b.lo1;
            gb[2][i] = b.hi1;
            gb[3][i] = b.lo2;
            gb[4][i] = b.hi2;
        }
    }

    if (cfg->want_csv) {
        if (!(a.f = dy_outset_add(&set, fcsv, &err))) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        print_hdr_comments(a.f, cfg, &yf, cut, s, profile);
        fprintf(a.f, "# coupling: %s [%s]; mass: %s [GeV]%s\n", nn.coupling,
                nn.coupling_units[0] ? nn.coupling_units : "1", nn.mass,
                want_y ? "; y = eps^2 alpha_D (m_chi/m_A')^4" : "");
        if (!visible)
            fprintf(a.f,
                    "# signal_per_pot_coupling2 = N_sig/(N_pot %s^2) after cut, efficiency%s; "
                    "inf = no signal at that mass\n",
                    nn.coupling, strncmp(cfg->particle, "zprime", 6) ? "" : " and BR(Z' -> nu nu)");
        if (want_y)
            fprintf(a.f, "# alpha_D = %g; m_chi/m_A' = %g\n", cfg->alpha_D, cfg->mchi_over_m);
        fprintf(a.f, "# title: %s %s\n", nn.title, visible ? "visible decays" : "invisible");
        limit_rows(a.f, cfg, pts, np, res, visible, profile, want_y, r4);
        if (have_therm) {
            if (!(a.f = dy_outset_add(&set, ftherm, &err))) {
                rc = dy_cli_fail(&err);
                goto out;
            }
            fprintf(a.f,
                    "# thermal-relic targets y = eps^2 alpha_D (m_chi/m_A')^4 for Omega h^2 = "
                    "%g; m_A'/m_chi = %g, alpha_D = %g, pseudo-Dirac splitting %g\n"
                    "# Kolb-Turner freeze-out, leptonic final states (docs/limits.md §4)\n",
                    cfg->omega_h2, 1.0 / cfg->mchi_over_m, cfg->alpha_D, cfg->dm_splitting);
            fprintf(a.f, "m_chi_GeV");
            for (int k = 0; k < cfg->n_thermal; ++k)
                fprintf(a.f, ",y_%s", cfg->thermal[k]);
            fputc('\n', a.f);
            for (int i = 0; i < nth; ++i) {
                fprintf(a.f, "%.8g", tm[i]);
                for (int k = 0; k < cfg->n_thermal; ++k)
                    fprintf(a.f, ",%.8g", ty[k][i]);
                fputc('\n', a.f);
            }
        }
        if (have_gm2) {
            if (!(a.f = dy_outset_add(&set, fgm2, &err))) {
                rc = dy_cli_fail(&err);
                goto out;
            }
            fprintf(a.f,
                    "# (g-2)_mu band of the L_mu - L_tau Z': Delta a_mu = %g +- %g (one loop); "
                    "g = g_Z', the gauge coupling of the limit (alpha_X = g^2/(4 pi))\n",
                    cfg->gm2_delta, cfg->gm2_sigma);
            fprintf(a.f, "mass_GeV,g_central,g_lo1,g_hi1,g_lo2,g_hi2\n");
            for (int i = 0; i < NT; ++i)
                fprintf(a.f, "%.8g,%.8g,%.8g,%.8g,%.8g,%.8g\n", gm[i], gb[0][i], gb[1][i], gb[2][i],
                        gb[3][i], gb[4][i]);
        }
    }

    if (cfg->want_hepdata) {
        dy_hep_table t[8];
        int nt = 0;
        char cl_s[32], comm[8192];
        double *col = calloc((size_t)np * (NS * 2 + 4), sizeof(double));
        double *ycol = col + (size_t)np * NS * 2; /* scratch: y obs, exp, -, + */
        if (!col) {
            rc = 1;
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
            rc = 1;
            goto out;
        }
        for (int m = 0; m < np; ++m) {
            em[m] = R(m, 1, 0) - R(m, 2, 0);
            em[np + m] = R(m, 3, 0) - R(m, 1, 0);
        }
        snprintf(cl_s, sizeof cl_s, "%g%%", 100.0 * cfg->cl);
        dy_hep_var mass = {.name = nn.mass, .units = "GeV", .values = g->masses_GeV};
        dy_hep_var base = {.units = nn.coupling_units,
                           .n_qual = 3,
                           .qual_name = {"CL", "N_pot", "coupling"},
                           .qual_value = {cl_s, NULL, nn.ci->definition}};
        char npot_s[32];
        snprintf(npot_s, sizeof npot_s, "%g", cfg->n_pot);
        base.qual_value[1] = npot_s;
        snprintf(comm, sizeof comm,
                 "darkyield %s: %s limits (%s) from %s, N_pot = %g, %d observed, "
                 "background %g, %s. Coupling %s: %s.%s",
                 DY_VERSION, nn.title, cfg->mode, cfg->yields, cfg->n_pot, cfg->observed,
                 cfg->background, cfg->method, nn.coupling, nn.ci->definition,
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
        }
        double *therr = NULL;
        if (have_therm) {
            static char tn[4][64], tf[4][64];
            dy_hep_var mc = {.name = "m_chi", .units = "GeV", .values = tm};
            for (int k = 0; k < cfg->n_thermal && nt < 8; ++k) {
                snprintf(tn[k], 64, "Thermal target %s", cfg->thermal[k]);
                snprintf(tf[k], 64, "thermal_%s.yaml", cfg->thermal[k]);
                dy_hep_var yv = {.name = "y", .units = "", .values = ty[k]};
                snprintf(descs[4 + k], 512,
                         "y giving Omega h^2 = %g by freeze-out for %s dark "
                         "matter (m_A'/m_chi = %g).",
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
        dy_status hs = dy_hepdata_write_to(&set, hdir, comm, t, nt, &err);
        free(therr);
        free(em);
        free(col);
        if (hs != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
    }

    if (cfg->want_pyhf) { /* a workspace per grid mass, normalised to the observed limit */
        char pdir[4200], fidx[4300], fj[4800];
        snprintf(pdir, sizeof pdir, "%s/pyhf", cfg->out_dir);
        snprintf(fidx, sizeof fidx, "%s/index.csv", pdir);
        if (mkdir(pdir, 0777) != 0 && errno != EEXIST) {
            dy_error_set(&err, DY_ERR_IO, "cannot create '%s': %s", pdir, strerror(errno));
            rc = dy_cli_fail(&err);
            goto out;
        }
        FILE *fi = dy_outset_add(&set, fidx, &err);
        if (!fi) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        fprintf(fi,
                "# HistFactory workspaces of '%s' (pyhf schema 1.0.0), one per grid mass; mu = 1 "
                "is the observed %g%% CL limit of darkyield (%s): the signal there is "
                "events_ref, at coupling_ref.  mu_exp*: darkyield's expected limits in mu\n",
                cfg->name, 100.0 * cfg->cl, cfg->method);
        fprintf(fi, "mass_GeV,file,coupling_ref,events_ref,mu_exp,mu_exp_m1,mu_exp_p1,mu_exp_m2,"
                    "mu_exp_p2\n");
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
            FILE *fw = dy_outset_add(&set, fj, &err);
            if (!fw) {
                rc = dy_cli_fail(&err);
                goto out;
            }
            dy_pl_model pm;
            dy_lpoint_model(cfg, &pts[m], &pm);
            dy_pyhf_write(fw, &pm, (const char(*)[64])names, pts[m].ev[0]);
            fprintf(fi, "%.10g,%s,%.10g,%.10g", pts[m].mass, base, R(m, 0, 0), pts[m].ev[0]);
            for (int k = 1; k < NS; ++k)
                fprintf(fi, ",%.10g", pts[m].ev[k] / pts[m].ev[0]);
            fputc('\n', fi);
        }
    }

    if (dy_outset_commit(&set, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }

    /* summary on stdout */
    if (format == DY_FMT_CSV) {
        limit_rows(stdout, cfg, pts, np, res, visible, profile, want_y, r4);
        goto summarised;
    }
    if (format == DY_FMT_JSON) {
        limit_json(cfg, pts, np, res, s, visible, want_y, r4, &nn, fcsv);
        goto summarised;
    }
    printf("# %s: %s, %s; N_pot = %g, %d observed, background %g, CL %g (%s): s_up = %.4g, "
           "expected %.4g [%.4g, %.4g]\n",
           cfg->name, nn.title, cfg->mode, cfg->n_pot, cfg->observed, cfg->background, cfg->cl,
           cfg->method, s[0], s[1], s[2], s[3]);
    if (visible) {
        printf("%12s %14s %14s %14s %14s\n", "mass/GeV", "obs lower", "obs upper", "exp lower",
               "exp upper");
        for (int m = 0; m < np; ++m)
            printf("%12.5g %14.5g %14.5g %14.5g %14.5g\n", pts[m].mass, R(m, 0, 0), R(m, 0, 1),
                   R(m, 1, 0), R(m, 1, 1));
    } else {
        printf("%12s %14s %14s %14s %14s%s\n", "mass/GeV", nn.coupling, "expected", "exp -1s",
               "exp +1s", want_y ? "        y(obs)" : "");
        for (int m = 0; m < np; ++m) {
            printf("%12.5g %14.5g %14.5g %14.5g %14.5g", pts[m].mass, R(m, 0, 0), R(m, 1, 0),
                   R(m, 2, 0), R(m, 3, 0));
            if (want_y) printf(" %14.5g", R(m, 0, 0) * R(m, 0, 0) * cfg->alpha_D * r4);
            printf("\n");
        }
    }
summarised:
    if (info == stdout || !dy_cli_quiet) {
        if (cfg->want_csv) fprintf(info, "wrote %s\n", fcsv);
        if (cfg->want_hepdata) fprintf(info, "wrote %s/submission.yaml\n", hdir);
    }
    fflush(stdout);

    if (want_plots && cfg->want_plots && cfg->want_csv) {
        const char *args[8 + 3 * DY_LCFG_MAX_OVER];
        int n = 0;
        args[n++] = fcsv;
        args[n++] = cfg->out_dir;
        if (have_therm) {
            args[n++] = "--thermal";
            args[n++] = ftherm;
        }
        if (have_gm2) {
            args[n++] = "--gm2";
            args[n++] = fgm2;
        }
        for (int i = 0; i < cfg->n_overlays; ++i) {
            args[n++] = "--overlay";
            args[n++] = cfg->overlay_file[i];
            args[n++] = cfg->overlay_label[i];
        }
        args[n] = NULL;
        dy_cli_plot("plot_limits.py", args);
    }
out:
    dy_outset_abort(&set); /* after a failure: no output at all */
    dy_outlock_release(&lock);
    free(res);
    free(pts);
    dy_yield_file_free(&yf);
    dy_limit_config_free(cfg);
    free(cfg);
    free(spec);
    return rc;
}
#undef R
#undef RY
