/* cmd_limit.c — `darkyield limit CONFIG`: exclusion and sensitivity curves from a yield grid.
 * The limit YAML (host/io/limit_config.c) and the HDF5 yields of `darkyield run` go to the limit
 * job (host/jobs/limit_job.c, as the public dy_limits API does), which computes the coupling
 * limits per mass and writes CSV, HEPData and pyhf outputs; here: the options, the summary on
 * stdout (table, CSV or JSON) and the plots.  docs/limits.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "darkyield/dy_version.h"
#include "jobs/limit_job.h"

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

/* The limits as one JSON object: the event limits, then per point the coupling limits named as
 * the CSV columns (visible decays: excluded bands, lower and upper). */
static void limit_json(const dy_limit_job *j)
{
    const dy_limit_config *cfg = j->cfg;
    const dy_lpoint *pts = j->pts;
    const int np = j->np, visible = j->visible, want_y = j->want_y;
    const double *s = j->s, r4 = j->r4;
    const dy_limit_names nn_ = dy_limit_job_names(cfg), *nn = &nn_;
    const char *csv = j->fcsv;
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
    for (int k = 0; k < DY_LJ_NS; ++k) {
        fprintf(f, "%s\"%s\": ", k ? ", " : "", dy_limit_sname[k]);
        dy_json_num(f, s[k]);
    }
    fputs("}", f);
    for (int m = 0; m < np; ++m)
        col[m] = pts[m].mass;
    dy_json_key(f, "masses_GeV", 0);
    dy_json_nums(f, col, np);
    char key[64];
    for (int k = 0; k < DY_LJ_NS; ++k)
        for (int e = 0; e < (visible ? 2 : 1); ++e) {
            if (visible)
                snprintf(key, sizeof key, "%s_%s", dy_limit_sname[k], e ? "upper" : "lower");
            else
                snprintf(key, sizeof key, "coupling_%s", dy_limit_sname[k]);
            for (int m = 0; m < np; ++m)
                col[m] = dy_limit_job_r(j, m, k, e);
            dy_json_key(f, key, 0);
            dy_json_nums(f, col, np); /* inf (no signal at that mass) is null */
        }
    if (!visible) {
        for (int m = 0; m < np; ++m)
            col[m] = dy_limit_job_signal(j, m);
        dy_json_key(f, "signal_per_pot_coupling2", 0);
        dy_json_nums(f, col, np);
    }
    if (want_y) {
        for (int m = 0; m < np; ++m)
            col[m] = pts[m].mass * cfg->mchi_over_m;
        dy_json_key(f, "m_chi_GeV", 0);
        dy_json_nums(f, col, np);
        for (int k = 0; k < DY_LJ_NS; ++k) {
            for (int m = 0; m < np; ++m)
                col[m] =
                    dy_limit_job_r(j, m, k, 0) * dy_limit_job_r(j, m, k, 0) * cfg->alpha_D * r4;
            snprintf(key, sizeof key, "y_%s", dy_limit_sname[k]);
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

    dy_limit_job *j = calloc(1, sizeof *j);
    dy_error err;
    int rc = 0;
    if (!j || !(j->cfg = calloc(1, sizeof *j->cfg))) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        free(j);
        return 1;
    }
    j->quiet = dy_cli_quiet;
    j->verbose = dy_cli_verbose;
    dy_cli_stdout_reserved = format != DY_FMT_TABLE;
    FILE *info = format == DY_FMT_TABLE ? stdout : stderr; /* "wrote ..." lines */
    if (dy_limit_config_load_with(path, sets, n_sets, j->cfg, &err) != DY_OK ||
        dy_limit_job_read_yields(j, &err) != DY_OK || dy_limit_job_compute(j, &err) != DY_OK ||
        dy_limit_job_write(j, NULL, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    const dy_limit_config *cfg = j->cfg;
    const dy_limit_names nn = dy_limit_job_names(cfg);
    const int np = j->np, visible = j->visible, want_y = j->want_y;
    const double *s = j->s;

    /* summary on stdout */
    if (format == DY_FMT_CSV) {
        dy_limit_job_rows(stdout, j);
        goto summarised;
    }
    if (format == DY_FMT_JSON) {
        limit_json(j);
        goto summarised;
    }
    if (cfg->have_event_limit)
        printf("# %s: %s, %s; N_pot = %g, CL %g: s_up = %.6g (statistics.event_limit, given)\n",
               cfg->name, nn.title, cfg->mode, cfg->n_pot, cfg->cl, s[0]);
    else
        printf("# %s: %s, %s; N_pot = %g, %d observed, background %g, CL %g (%s): s_up = %.4g, "
               "expected %.4g [%.4g, %.4g]\n",
               cfg->name, nn.title, cfg->mode, cfg->n_pot, cfg->observed, cfg->background, cfg->cl,
               cfg->method, s[0], s[1], s[2], s[3]);
    if (visible) {
        printf("%12s %14s %14s %14s %14s\n", "mass/GeV", "obs lower", "obs upper", "exp lower",
               "exp upper");
        for (int m = 0; m < np; ++m)
            printf("%12.5g %14.5g %14.5g %14.5g %14.5g\n", j->pts[m].mass,
                   dy_limit_job_r(j, m, 0, 0), dy_limit_job_r(j, m, 0, 1),
                   dy_limit_job_r(j, m, 1, 0), dy_limit_job_r(j, m, 1, 1));
    } else {
        printf("%12s %14s %14s %14s %14s%s\n", "mass/GeV", nn.coupling, "expected", "exp -1s",
               "exp +1s", want_y ? "        y(obs)" : "");
        for (int m = 0; m < np; ++m) {
            const double g0 = dy_limit_job_r(j, m, 0, 0);
            printf("%12.5g %14.5g %14.5g %14.5g %14.5g", j->pts[m].mass, g0,
                   dy_limit_job_r(j, m, 1, 0), dy_limit_job_r(j, m, 2, 0),
                   dy_limit_job_r(j, m, 3, 0));
            if (want_y) printf(" %14.5g", g0 * g0 * cfg->alpha_D * j->r4);
            printf("\n");
        }
    }
summarised:
    if (info == stdout || !dy_cli_quiet) {
        if (cfg->want_csv) fprintf(info, "wrote %s\n", j->fcsv);
        if (cfg->want_hepdata) fprintf(info, "wrote %s/submission.yaml\n", j->hdir);
    }
    fflush(stdout);

    if (want_plots && cfg->want_plots && cfg->want_csv) {
        const char *args[8 + 3 * DY_LCFG_MAX_OVER];
        int n = 0;
        args[n++] = j->fcsv;
        args[n++] = cfg->out_dir;
        if (j->have_therm) {
            args[n++] = "--thermal";
            args[n++] = j->ftherm;
        }
        if (j->have_gm2) {
            args[n++] = "--gm2";
            args[n++] = j->fgm2;
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
    dy_limit_job_free(j);
    free(j);
    return rc;
}
