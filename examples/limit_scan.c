/* limit_scan.c — a limit with libdarkyield: the yield grid of yield_grid.c computed in memory
 * (or read from the HDF5 file given on the command line), then the 90% CL invisible dark-photon
 * limit on eps for 1e11 electrons on target, no events observed and no background, printed per
 * mass and written as `darkyield limit` writes it.  A dark-photon yield is per eps^2, so
 * eps_up = eps0 sqrt(s_up/(N_pot N)); with n = 0, b = 0, s_up = ln 10 = 2.30 events.
 * Build: see examples/CMakeLists.txt (CMake) or examples/Makefile (pkg-config). */
#include <darkyield/dy.h>
#include <stdio.h>
#include <string.h>

static const char run_config[] = "name: example\n"
                                 "seed: 1\n"
                                 "precision: 0.02\n"
                                 "beam: {particle: e-, energy_GeV: 100}\n"
                                 "target: {material: Pb, thickness_X0: 40}\n"
                                 "model: {mediator: vector, decay: invisible, alpha_D: 0.1,\n"
                                 "        mchi_over_m: 0.3333333, dm_kind: dirac, coupling: "
                                 "1.0e-4}\n"
                                 "processes: [annihilation]\n"
                                 "masses_GeV: [0.1, 0.2, 0.3]\n"
                                 "energy_bins: {min_GeV: 0, max_GeV: 100, n: 20}\n"
                                 "cuts: {energy_min_GeV: 50}\n"
                                 "output: {dir: example-out, formats: [hdf5, csv], plots: false}\n";

static const char limit_config[] =
    "name: example-limit\n"
    "model: {particle: dark_photon}\n"
    "mode: invisible\n"
    "statistics: {pot: 1.0e11, observed: 0, background: 0, cl: 0.9}\n"
    "efficiency: 0.5\n"
    "output: {dir: example-out/limits, formats: [csv], plots: false}\n";

int main(int argc, char **argv)
{
    dy_error err;
    dy_yields *y = NULL;
    dy_limits_options lo;
    dy_limits_options_default(&lo);
    if (argc > 1) {
        lo.yields_path = argv[1];
    } else {
        dy_yields_options o;
        dy_yields_options_default(&o);
        o.backend = "cpu";
        if (dy_yields_run_string(NULL, run_config, strlen(run_config), "example", &o, &y, &err) !=
            DY_OK) {
            fprintf(stderr, "limit_scan: %s\n", err.msg);
            return 1;
        }
        lo.yields = y;
    }
    dy_limits *l = NULL;
    dy_status st =
        dy_limits_compute_string(limit_config, strlen(limit_config), "limit", &lo, &l, &err);
    if (st == DY_OK) {
        const double *m = dy_limits_column(l, "mass_GeV");
        const double *obs = dy_limits_column(l, "coupling_obs");
        const double *ymin = dy_limits_column(l, "y_obs");
        double ev[6];
        dy_limits_event_limits(l, ev);
        printf("# %s: %g%% CL limit on %s, s_up = %.4f events (%s)\n", dy_limits_name(l),
               100.0 * dy_limits_cl(l), dy_limits_coupling_name(l), ev[0], dy_limits_method(l));
        printf("%10s %14s %14s\n", "mass/GeV", "eps", "y");
        for (int i = 0; i < dy_limits_n_points(l); ++i)
            printf("%10.4g %14.6e %14.6e\n", m[i], obs[i], ymin[i]);
        st = dy_limits_write(l, NULL, &err);
        if (st == DY_OK) printf("# wrote %s\n", dy_limits_csv_path(l));
    }
    if (st != DY_OK) fprintf(stderr, "limit_scan: %s: %s\n", dy_status_string(st), err.msg);
    dy_limits_free(l);
    dy_yields_free(y);
    return st != DY_OK;
}
