/* yield_grid.c — a yield grid with libdarkyield: a run configuration (a YAML file given on the
 * command line, else the small one below held in memory) computed on the cpu backend, then the
 * yield above the energy cut per mass with its error, and the files `darkyield run` writes.
 * Build: see examples/CMakeLists.txt (CMake) or examples/Makefile (pkg-config). */
#include <darkyield/dy.h>
#include <stdio.h>
#include <string.h>

/* e+ annihilation e+ e- -> A' -> chi chi of 100 GeV shower positrons in 40 X0 of lead */
static const char config[] = "name: example\n"
                             "seed: 1\n"
                             "precision: 0.02\n"
                             "beam: {particle: e-, energy_GeV: 100}\n"
                             "target: {material: Pb, thickness_X0: 40}\n"
                             "model: {mediator: vector, decay: invisible, alpha_D: 0.1,\n"
                             "        mchi_over_m: 0.3333333, dm_kind: dirac, coupling: 1.0e-4}\n"
                             "processes: [annihilation]\n"
                             "masses_GeV: [0.1, 0.2, 0.3]\n"
                             "energy_bins: {min_GeV: 0, max_GeV: 100, n: 20}\n"
                             "cuts: {energy_min_GeV: 50}\n"
                             "output: {dir: example-out, formats: [hdf5, csv], plots: false}\n";

int main(int argc, char **argv)
{
    dy_yields_options o;
    dy_yields *y = NULL;
    dy_error err;
    dy_yields_options_default(&o);
    o.backend = "cpu";
    const dy_status st =
        argc > 1 ? dy_yields_run_file(NULL, argv[1], &o, &y, &err)
                 : dy_yields_run_string(NULL, config, strlen(config), "example", &o, &y, &err);
    if (st != DY_OK) {
        fprintf(stderr, "yield_grid: %s: %s\n", dy_status_string(st), err.msg);
        return 1;
    }
    const double *m = dy_yields_masses(y), *err_above;
    const double *above = dy_yields_N_above(y, -1, &err_above);
    printf("# %s: yields per particle on target at %s = %g [%s], E > %g GeV (backend %s)\n",
           dy_yields_name(y), dy_yields_coupling_name(y), dy_yields_coupling(y),
           dy_yields_coupling_unit(y), dy_yields_cut_GeV(y), dy_yields_backend(y));
    printf("# channels:");
    for (int c = 0; c < dy_yields_n_channels(y); ++c)
        printf(" %s", dy_yields_channel_name(y, c));
    printf("\n%10s %14s %10s\n", "mass/GeV", "N(E>cut)", "error");
    for (int i = 0; i < dy_yields_n_masses(y); ++i)
        printf("%10.4g %14.6g %10.2g\n", m[i], above[i], err_above[i]);
    const dy_status ws = dy_yields_write(y, NULL, &err);
    if (ws != DY_OK) fprintf(stderr, "yield_grid: %s\n", err.msg);
    dy_yields_free(y);
    return ws != DY_OK;
}
