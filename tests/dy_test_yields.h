/* dy_test_yields.h — the synthetic yields file of the limit command's tests: masses
 * dy_synth_m, one channel brem-e- with a flat spectrum of 10 bins over 0-100 GeV, dN/dE =
 * dy_synth_c per GeV per EOT at coupling 1, an energy cut at 50 GeV (so N above the cut is half of
 * N total), written as HDF5 with the model named. */
#ifndef DY_TEST_YIELDS_H
#define DY_TEST_YIELDS_H
#include "io/writer.h"

static const double dy_synth_m[3] = {0.01, 0.1, 0.5}, dy_synth_c[3] = {2e-9, 5e-10, 1e-11};

/* 0 on success, -1 (with nothing certain about path) on failure. */
static inline int dy_write_synthetic_yields(const char *path, const char *model)
{
    dy_yield_grid g;
    dy_error e;
    if (dy_yield_grid_alloc(3, 10, 1, &g, &e) != DY_OK) return -1;
    dy_yield_grid_set_channel(&g, 0, "brem-e-", &e);
    dy_yield_grid_linear_edges(&g, 0.0, 100.0);
    for (int m = 0; m < 3; ++m) {
        g.masses_GeV[m] = dy_synth_m[m];
        for (int b = 0; b < 10; ++b)
            g.ch[0].dNdE[m * 10 + b] = dy_synth_c[m];
        g.ch[0].N_above[m] = 50.0 * dy_synth_c[m];
        g.ch[0].N_total[m] = 100.0 * dy_synth_c[m];
    }
    dy_yield_grid_sum(&g);
    g.name = "synthetic";
    g.config_text = "name: synthetic\n";
    g.backend = "cpu";
    g.device = "test";
    g.cut_energy_min_GeV = 50.0;
    g.coupling = 1.0;
    g.model = model;
    const dy_status st = dy_write_hdf5(path, &g, &e);
    dy_yield_grid_free(&g);
    return st == DY_OK ? 0 : -1;
}

#endif
