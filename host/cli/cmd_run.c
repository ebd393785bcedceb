/* cmd_run.c — `darkyield run CONFIG`: the main job.  Loads and validates the YAML config, computes
 * the yield grid on the chosen backend in groups of grid points committed to a checkpoint (so a
 * killed run continues with --resume), or one shard of it (--shard I/N, merged by `darkyield
 * merge`), or across MPI ranks under mpirun; writes HDF5 and CSV as one output set (unique
 * temporaries, renamed together when all are complete; the output directory's lock keeps a
 * second run of the same grid out) and draws the plots with scripts/plot_yields.py (started
 * without a shell) when python3 has matplotlib and h5py.
 * Splitting never changes a result bit: docs/distributed.md. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "jobs/grid_run.h"
#include "jobs/mpi_run.h"
#include "jobs/run.h"
#include "jobs/shard.h"
#include "io/writer.h"

static void help(void)
{
    printf("usage: darkyield run CONFIG.yaml [options]\n"
           "       mpirun -np N darkyield run CONFIG.yaml [options]\n\n"
           "Computes the differential yields dN/dE of the configured processes per particle on\n"
           "target across the mass grid, writes <out>/<name>.h5, <name>.csv,\n"
           "<name>_integrated.csv and plots.  Schema: docs/config.md; examples: configs/.\n"
           "Grid points (masses) are computed in groups and committed to <out>/<name>.ckpt as\n"
           "they finish; SIGINT/SIGTERM stop after the current group.  Results are identical\n"
           "however the grid is split (shards, ranks, resumes): docs/distributed.md.\n\n"
           "  --set KEY=VALUE  override a config key (dotted: beam.energy_GeV=150,\n"
           "                   masses_GeV=[0.01,0.1]); repeatable; the outputs record the result\n"
           "  --format F       summary on stdout: table (default), csv or json\n"
           "  --quiet          only warnings and errors on stderr (no plan, progress, notes)\n"
           "  --verbose        also a line per VEGAS iteration of every integral on stderr\n"
           "  --backend B      cuda, opencl, cpu or auto (overrides the config's backend:)\n"
           "  --stats FILE     engine statistics as JSON (launches, bytes to/from the device,\n"
           "                   host and device seconds; under MPI: FILE.rank<N> per worker)\n"
           "  --no-plots       skip the plots\n"
           "  --shard I/N      compute shard I of N (masses with index %% N == I) and write\n"
           "                   <out>/<name>.part-I-of-N.dyp for 'darkyield merge'\n"
           "  --resume         continue from the checkpoint of an interrupted run\n"
           "  --fresh          discard an existing checkpoint and start again\n"
           "  --no-checkpoint  do not write a checkpoint\n"
           "  --group G        grid points per engine call (default: >= 256 integrals; MPI: 1)\n"
           "  --schedule S     MPI: dynamic (work queue, largest first; default) or static\n");
}

/* SIGINT/SIGTERM: finish the group in flight, commit it, exit 128+signal.  SA_RESETHAND: a
 * second signal takes the default action (immediate exit; the checkpoint stays consistent). */
static volatile sig_atomic_t g_stop = 0;
static int g_announce = 1;

static void on_signal(int sig)
{
    if (!g_stop && g_announce) {
        static const char m[] = "\ndarkyield: signal received: finishing the current group of "
                                "grid points, then saving the checkpoint (again to abort)\n";
        ssize_t k = write(2, m, sizeof m - 1);
        (void)k;
    }
    g_stop = sig;
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The summary as CSV: one row per channel (and "total") and mass, the coupling named. */
static void print_csv(const dy_yield_grid *g)
{
    const dy_grid_coupling cp = dy_grid_coupling_of(g);
    printf("channel,mass_GeV,N_above_cut,N_above_cut_err,N_total,N_total_err,cut_energy_min_GeV,"
           "coupling,coupling_name,coupling_unit\n");
    for (int c = 0; c <= g->n_channels; ++c) {
        const dy_yield_channel *ch = c < g->n_channels ? &g->ch[c] : NULL;
        for (int m = 0; m < g->n_masses; ++m)
            printf("%s,%.10g,%.10g,%.4g,%.10g,%.4g,%.10g,%.10g,%s,%s\n", ch ? ch->name : "total",
                   g->masses_GeV[m], ch ? ch->N_above[m] : g->sum_N_above[m],
                   ch ? ch->N_above_err[m] : g->sum_N_above_err[m],
                   ch ? ch->N_total[m] : g->sum_N_total[m],
                   ch ? ch->N_total_err[m] : g->sum_N_total_err[m], g->cut_energy_min_GeV,
                   g->coupling, cp.name, cp.unit);
    }
}

/* The summary as one JSON object, named like the HDF5 file (docs/config.md). */
static void print_json(const dy_config *cfg, const dy_yield_grid *g, const char *h5,
                       const char *csv)
{
    const dy_grid_coupling cp = dy_grid_coupling_of(g);
    char hash[24], per[256];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)g->config_hash);
    dy_grid_units(g, 0, per, sizeof per);
    FILE *f = stdout;
    fputs("{\n", f);
    dy_json_key(f, "darkyield", 1);
    dy_json_str(f, DY_VERSION);
    dy_json_key(f, "command", 0);
    dy_json_str(f, "run");
    dy_json_key(f, "name", 0);
    dy_json_str(f, cfg->name);
    dy_json_key(f, "config", 0);
    dy_json_str(f, cfg->path);
    dy_json_key(f, "config_hash", 0);
    dy_json_str(f, hash);
    dy_json_key(f, "seed", 0);
    fprintf(f, "%llu", (unsigned long long)g->seed);
    dy_json_key(f, "backend", 0);
    dy_json_str(f, g->backend);
    dy_json_key(f, "device", 0);
    dy_json_str(f, g->device);
    dy_json_key(f, "wall_seconds", 0);
    dy_json_num(f, g->wall_seconds);
    dy_json_key(f, "model", 0);
    dy_json_str(f, cp.model);
    dy_json_key(f, "coupling", 0);
    dy_json_num(f, g->coupling);
    dy_json_key(f, "coupling_name", 0);
    dy_json_str(f, cp.name);
    dy_json_key(f, "coupling_unit", 0);
    dy_json_str(f, cp.unit);
    dy_json_key(f, "coupling_definition", 0);
    dy_json_str(f, cp.definition);
    dy_json_key(f, "yields_per", 0);
    dy_json_str(f, per);
    dy_json_key(f, "cut_energy_min_GeV", 0);
    dy_json_num(f, g->cut_energy_min_GeV);
    dy_json_key(f, "masses_GeV", 0);
    dy_json_nums(f, g->masses_GeV, g->n_masses);
    dy_json_key(f, "channels", 0);
    fputs("{", f);
    for (int c = 0; c <= g->n_channels; ++c) {
        const dy_yield_channel *ch = c < g->n_channels ? &g->ch[c] : NULL;
        fputs(c ? ",\n    " : "\n    ", f);
        dy_json_str(f, ch ? ch->name : "total");
        fputs(": {\"N_above_cut\": ", f);
        dy_json_nums(f, ch ? ch->N_above : g->sum_N_above, g->n_masses);
        fputs(", \"N_above_cut_err\": ", f);
        dy_json_nums(f, ch ? ch->N_above_err : g->sum_N_above_err, g->n_masses);
        fputs(", \"N_total\": ", f);
        dy_json_nums(f, ch ? ch->N_total : g->sum_N_total, g->n_masses);
        fputs(", \"N_total_err\": ", f);
        dy_json_nums(f, ch ? ch->N_total_err : g->sum_N_total_err, g->n_masses);
        fputs("}", f);
    }
    fputs("\n  }", f);
    dy_json_key(f, "outputs", 0);
    fputs("[", f);
    int k = 0;
    if (cfg->want_hdf5) dy_json_str(f, h5), ++k;
    if (cfg->want_csv) {
        if (k) fputs(", ", f);
        dy_json_str(f, csv);
    }
    fputs("]\n}\n", f);
}

static void print_table(const dy_config *cfg, const dy_yield_grid *g)
{
    char per[256]; /* "per particle on target at g_Z' = 1; scales as g_Z'^2" */
    dy_grid_units(g, 0, per, sizeof per);
    printf("# %s: yields (beam %s) %s; %.1f s\n", cfg->name, cfg->beam.particle, per,
           g->wall_seconds);
    printf("%12s %16s %10s %16s %10s\n", "mass/GeV", "N(E>cut)", "error", "N(all E)", "error");
    for (int m = 0; m < g->n_masses; ++m)
        printf("%12.5g %16.6g %10.2g %16.6g %10.2g\n", g->masses_GeV[m], g->sum_N_above[m],
               g->sum_N_above_err[m], g->sum_N_total[m], g->sum_N_total_err[m]);
}

int dy_cmd_run(int argc, char **argv)
{
    const char *path = NULL, *backend = NULL, *stats = NULL, *sets[DY_CLI_MAX_SETS];
    int want_plots = 1, n_sets = 0, format = DY_FMT_TABLE;
    dy_grid_opts o;
    dy_error err;
    dy_grid_opts_default(&o);
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help();
            return 0;
        } else if (!strcmp(a, "--stats")) {
            if (++i >= argc) return dy_cli_usage_error("run", "--stats needs a file");
            stats = argv[i];
        } else if (!strcmp(a, "--backend")) {
            if (++i >= argc) return dy_cli_usage_error("run", "--backend needs a value");
            backend = argv[i];
        } else if (!strcmp(a, "--no-plots")) {
            want_plots = 0;
        } else if (!strcmp(a, "--set")) {
            if (++i >= argc) return dy_cli_usage_error("run", "--set needs KEY=VALUE");
            if (n_sets == DY_CLI_MAX_SETS)
                return dy_cli_usage_error("run", "more than %d --set options", DY_CLI_MAX_SETS);
            sets[n_sets++] = argv[i];
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc || (format = dy_cli_format_from_name(argv[i])) < 0)
                return dy_cli_usage_error("run", "--format needs table, csv or json");
        } else if (!strcmp(a, "--quiet")) {
            dy_cli_quiet = 1;
        } else if (!strcmp(a, "--verbose")) {
            dy_cli_verbose = 1;
        } else if (!strcmp(a, "--shard")) {
            if (++i >= argc) return dy_cli_usage_error("run", "--shard needs I/N");
            if (dy_shard_parse(argv[i], &o.shard_i, &o.shard_n, &err) != DY_OK)
                return dy_cli_usage_error("run", "%s", err.msg);
        } else if (!strcmp(a, "--resume")) {
            o.resume = 1;
        } else if (!strcmp(a, "--fresh")) {
            o.fresh = 1;
        } else if (!strcmp(a, "--no-checkpoint")) {
            o.checkpoint = 0;
        } else if (!strcmp(a, "--group")) {
            uint64_t g;
            if (++i >= argc || dy_parse_u64(argv[i], &g) || g < 1 || g > 100000)
                return dy_cli_usage_error("run", "--group needs a count >= 1");
            o.group = (int)g;
        } else if (!strcmp(a, "--schedule")) {
            if (++i >= argc || (strcmp(argv[i], "dynamic") && strcmp(argv[i], "static")))
                return dy_cli_usage_error("run", "--schedule needs dynamic or static");
            o.schedule = !strcmp(argv[i], "static") ? DY_SCHED_STATIC : DY_SCHED_DYNAMIC;
        } else if (a[0] == '-') {
            return dy_cli_usage_error("run", "unknown option '%s'", a);
        } else if (!path) {
            path = a;
        } else {
            return dy_cli_usage_error("run", "unexpected argument '%s'", a);
        }
    }
    if (!path) return dy_cli_usage_error("run", "a CONFIG file is required");
    if (dy_cli_check_verbosity("run")) return 2;
    if (o.resume && o.fresh)
        return dy_cli_usage_error("run", "--resume and --fresh exclude each other");

    dy_mpi m;
    if (dy_mpi_start(&m, NULL, NULL, &err) != DY_OK) return dy_cli_fail(&err);
    const int root = m.rank == 0;
    const int talk = root && !dy_cli_quiet;                /* plan, progress and notes on stderr */
    FILE *info = format == DY_FMT_TABLE ? stdout : stderr; /* "wrote ..." lines */
    dy_cli_stdout_reserved = format != DY_FMT_TABLE;
    o.progress = talk ? 1 + dy_cli_verbose : 0;
    o.stats = stats;
    o.stop = &g_stop;
    g_announce = root;
    dy_config cfg;
    dy_engine *e = NULL;
    dy_run *r = NULL;
    dy_yield_grid g;
    dy_ckpt ck;
    dy_outlock lock = {.fd = -1};
    int rc = 0, abort_job = 0;
    o.lock = &lock; /* taken by rank 0 in dy_grid_prepare, held until the outputs are written */
    memset(&g, 0, sizeof g);
    memset(&ck, 0, sizeof ck);
    ck.fd = -1;
    if (dy_config_load_with(path, sets, n_sets, &cfg, &err) != DY_OK) {
        rc = root ? dy_cli_fail(&err) : 2;
        dy_mpi_end(&m, 0);
        return rc;
    }
    if (!backend && strcmp(cfg.backend, "auto")) backend = cfg.backend;
    if (dy_run_open(&cfg, talk, &r, &err) != DY_OK) { /* every config error, before any output */
        rc = root ? dy_cli_fail(&err) : 2;
        goto out;
    }
    install_handlers();
    const double t0 = dy_wall_now();
    char be[16] = "", dev[128] = "";
    dy_status s;
    if (m.size > 1) {
        dy_mpi_outcome mo;
        if (talk)
            fprintf(stderr, "darkyield: MPI: rank 0 schedules %s over %d worker rank(s)\n",
                    o.schedule == DY_SCHED_STATIC ? "static blocks" : "a dynamic queue",
                    m.size - 1);
        s = dy_mpi_exec(&m, r, backend, &o, &ck, &mo, &err);
        snprintf(be, sizeof be, "%s", mo.backend);
        snprintf(dev, sizeof dev, "%s", mo.device);
        if (!root) { /* a worker's failure was reported by rank 0 */
            rc = s == DY_OK ? 0 : 1;
            goto out;
        }
    } else {
        if ((rc = dy_cli_open_engine(backend, &e))) goto out;
        snprintf(be, sizeof be, "%s", dy_engine_backend(e));
        snprintf(dev, sizeof dev, "%s", dy_engine_device(e));
        s = dy_grid_prepare(r, &o, be, dev, &ck, &err);
        if (s == DY_OK) s = dy_grid_exec_serial(r, e, &o, &ck, &err);
        if (s == DY_OK && (rc = dy_cli_write_stats(e, stats))) goto out;
    }
    if (s != DY_OK) {
        rc = dy_cli_fail(&err);
        if (s == DY_ERR_INTERRUPTED) rc = 128 + (int)g_stop;
        goto out;
    }
    const double wall = dy_wall_now() - t0;
    char ckpath[4400];
    dy_grid_ckpt_path(&cfg, &o, ckpath, sizeof ckpath);
    if (o.shard_n > 1) {
        char part[4400];
        if (dy_grid_write_part(r, &o, be, dev, wall, part, sizeof part, &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        if (ck.fd >= 0) remove(ckpath);
        if (info == stdout || !dy_cli_quiet)
            fprintf(info,
                    "wrote %s (shard %d of %d: %d grid point(s); combine with 'darkyield "
                    "merge')\n",
                    part, o.shard_i, o.shard_n,
                    (dy_run_points(r) - o.shard_i + o.shard_n - 1) / o.shard_n);
        goto out;
    }
    if (dy_run_fold(r, &g, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    g.name = cfg.name;
    g.config_text = cfg.config_text;
    g.config_hash = cfg.hash;
    g.version = DY_VERSION;
    g.backend = be;
    g.device = dev;
    g.wall_seconds = wall;
    char h5[4400], csv[4400];
    dy_output_paths(&cfg, NULL, h5, csv, sizeof h5);
    if (dy_write_outputs(&cfg, &g, h5, csv, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (ck.fd >= 0) remove(ckpath); /* the outputs hold everything now */
    if (format == DY_FMT_CSV)
        print_csv(&g);
    else if (format == DY_FMT_JSON)
        print_json(&cfg, &g, h5, csv);
    else
        print_table(&cfg, &g);
    if (info == stdout || !dy_cli_quiet) {
        if (cfg.want_hdf5) fprintf(info, "wrote %s\n", h5);
        if (cfg.want_csv) fprintf(info, "wrote %s\n", csv);
    }
    fflush(stdout);
    if (want_plots && cfg.want_plots && cfg.want_hdf5) {
        const char *args[] = {h5, cfg.out_dir, NULL};
        dy_cli_plot("plot_yields.py", args);
    }
out:
    if (ck.fd >= 0 || ck.tmp[0]) dy_ckpt_close(&ck);
    dy_outlock_release(&lock);
    dy_yield_grid_free(&g);
    dy_run_close(r);
    dy_config_free(&cfg);
    dy_engine_close(e);
    dy_mpi_end(&m, abort_job);
    return rc;
}
