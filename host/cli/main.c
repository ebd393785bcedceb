/* main.c — the darkyield executable: dispatch to subcommands. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "darkyield %s — Monte-Carlo production of light dark-sector particles in fixed-target "
            "experiments\n\n"
            "usage: darkyield <command> [options]\n\n"
            "commands:\n"
            "  devices     list backends and devices (cuda, opencl, cpu)\n"
            "  events      unweighted thin-target brem events (LHEF 3.0, G4DarkBreM CSV)\n"
            "  integrate   batched VEGAS on Genz test integrands (check a backend)\n"
            "  limit       exclusion/sensitivity curves from yield grids (configs/limit-*.yaml)\n"
            "  run         the main job: yield grids from a YAML config (configs/*.yaml)\n"
            "  merge       combine shard part files (run --shard I/N) into the outputs\n"
            "  xsec        cross sections: exact tree level, WW, IWW, K-factors, histograms\n\n"
            "Run 'darkyield <command> --help' for the options of a command.\n",
            DY_VERSION);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL errors become status codes, never abort() */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("darkyield %s\n", DY_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "devices")) return dy_cmd_devices(argc - 1, argv + 1);
    if (!strcmp(cmd, "events")) return dy_cmd_events(argc - 1, argv + 1);
    if (!strcmp(cmd, "integrate")) return dy_cmd_integrate(argc - 1, argv + 1);
    if (!strcmp(cmd, "xsec")) return dy_cmd_xsec(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return dy_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge")) return dy_cmd_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "limit")) return dy_cmd_limit(argc - 1, argv + 1);
    fprintf(stderr, "darkyield: error: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
