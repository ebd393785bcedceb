/* cmd_run.c — `darkyield run CONFIG`: the main job.  Loads and validates the YAML config, computes
 * the yield grid on the chosen backend, writes HDF5 and CSV (temporary name, renamed when complete)
 * and draws the plots with scripts/plot_yields.py when Debian's python3 has matplotlib and h5py. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "core/run.h"
#include "io/writer.h"

static void help(void)
{
    printf("usage: darkyield run CONFIG.yaml [--backend B]\n\n"
           "Computes the differential yields dN/dE of the configured processes per particle on\n"
           "target across the mass grid, writes <out>/<name>.h5, <name>.csv,\n"
           "<name>_integrated.csv and plots.  Schema: docs/config.md; examples: configs/.\n\n"
           "  --backend B   cuda, opencl, cpu or auto (overrides the config's backend:)\n"
           "  --no-plots    skip the plots\n");
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; ++p)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST) return -1;
            *p = '/';
        }
    return (mkdir(buf, 0777) && errno != EEXIST) ? -1 : 0;
}

static void plots(const char *h5, const char *dir)
{
    char script[4096], cmd[32768];
    const char *env = getenv("DARKYIELD_SCRIPTS");
    snprintf(script, sizeof script, "%s/plot_yields.py", env && *env ? env : DY_SCRIPTS_DIR);
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    if (access(script, R_OK) != 0) {
        fprintf(stderr, "darkyield: plots skipped: %s not found (set DARKYIELD_SCRIPTS)\n", script);
        return;
    }
    snprintf(cmd, sizeof cmd, "%s -c 'import matplotlib, h5py' 2>/dev/null", py);
    if (system(cmd) != 0) {
        fprintf(stderr, "darkyield: plots skipped: python3 lacks matplotlib/h5py "
                        "(apt-get install python3-matplotlib python3-h5py)\n");
        return;
    }
    snprintf(cmd, sizeof cmd, "MPLBACKEND=Agg %s '%s' '%s' '%s'", py, script, h5, dir);
    if (system(cmd) != 0) fprintf(stderr, "darkyield: warning: plotting failed (%s)\n", cmd);
}

int dy_cmd_run(int argc, char **argv)
{
    const char *path = NULL, *backend = NULL;
    int want_plots = 1;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            help();
            return 0;
        } else if (!strcmp(argv[i], "--backend")) {
            if (++i >= argc) return dy_cli_usage_error("run", "--backend needs a value");
            backend = argv[i];
        } else if (!strcmp(argv[i], "--no-plots")) {
            want_plots = 0;
        } else if (argv[i][0] == '-') {
            return dy_cli_usage_error("run", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return dy_cli_usage_error("run", "unexpected argument '%s'", argv[i]);
        }
    }
    if (!path) return dy_cli_usage_error("run", "a CONFIG file is required");
    dy_config cfg;
    dy_error err;
    dy_engine *e = NULL;
    dy_yield_grid g;
    int rc = 0;
    memset(&g, 0, sizeof g);
    if (dy_config_load(path, &cfg, &err) != DY_OK) return dy_cli_fail(&err);
    if (!backend && strcmp(cfg.backend, "auto")) backend = cfg.backend;
    if ((rc = dy_cli_open_engine(backend, &e))) goto out;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (dy_run_grid(&cfg, e, 1, &g, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    g.name = cfg.name;
    g.config_text = cfg.config_text;
    g.config_hash = cfg.hash;
    g.version = DY_VERSION;
    g.backend = dy_engine_backend(e);
    g.device = dy_engine_device(e);
    g.wall_seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    if (make_dirs(cfg.out_dir)) {
        dy_error_set(&err, DY_ERR_IO, "cannot create output directory %s: %s", cfg.out_dir,
                     strerror(errno));
        rc = dy_cli_fail(&err);
        goto out;
    }
    char h5[8192], csv[8192];
    snprintf(h5, sizeof h5, "%s/%s.h5", cfg.out_dir, cfg.name);
    snprintf(csv, sizeof csv, "%s/%s.csv", cfg.out_dir, cfg.name);
    if ((cfg.want_hdf5 && dy_write_hdf5(h5, &g, &err) != DY_OK) ||
        (cfg.want_csv && dy_write_csv(csv, &g, &err) != DY_OK)) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    printf("# %s: yields per %s on target at coupling %g (scale as coupling^2), %.1f s\n", cfg.name,
           cfg.beam.particle, g.coupling, g.wall_seconds);
    printf("%12s %16s %10s %16s %10s\n", "mass/GeV", "N(E>cut)", "error", "N(all E)", "error");
    for (int m = 0; m < g.n_masses; ++m)
        printf("%12.5g %16.6g %10.2g %16.6g %10.2g\n", g.masses_GeV[m], g.sum_N_above[m],
               g.sum_N_above_err[m], g.sum_N_total[m], g.sum_N_total_err[m]);
    if (cfg.want_hdf5) printf("wrote %s\n", h5);
    if (cfg.want_csv) printf("wrote %s\n", csv);
    fflush(stdout);
    if (want_plots && cfg.want_plots && cfg.want_hdf5) plots(h5, cfg.out_dir);
out:
    dy_yield_grid_free(&g);
    dy_config_free(&cfg);
    dy_engine_close(e);
    return rc;
}
