/* writer_meta.c — what every yield output records besides the numbers: the model, its coupling
 * (name, unit, definition), the "per particle on target at <coupling>, scales as <coupling>^2"
 * statement, the conventions of the channels and how 'total' combines errors (writer.h). */
#include <stdio.h>
#include <string.h>
#include "io/writer.h"
#include "physics/conventions.h"
#include "physics/couplings.h"

dy_grid_coupling dy_grid_coupling_of(const dy_yield_grid *g)
{
    dy_grid_coupling r = {"unknown", "unnamed coupling", "unknown", "not recorded",
                          "model not recorded"};
    const dy_coupling_info *c = g ? dy_coupling_info_of(dy_model_from_name(g->model)) : NULL;
    if (c) {
        r.model = c->model;
        r.particle = c->particle;
        r.name = c->name;
        r.unit = c->unit;
        r.definition = c->definition;
    }
    return r;
}

void dy_grid_units(const dy_yield_grid *g, int per_gev, char *buf, size_t n)
{
    const dy_grid_coupling c = dy_grid_coupling_of(g);
    const int dim = strcmp(c.unit, "1") != 0 && strcmp(c.model, "unknown") != 0;
    snprintf(buf, n, "%sper particle on target at %s = %.10g%s%s; scales as %s^2",
             per_gev ? "1/GeV " : "", c.name, g->coupling, dim ? " " : "", dim ? c.unit : "",
             c.name);
}

void dy_grid_channel_list(const dy_yield_grid *g, char *buf, size_t n)
{
    size_t u = 0;
    buf[0] = '\0';
    for (int c = 0; c < g->n_channels && u < n; ++c)
        u += (size_t)snprintf(buf + u, n - u, "%s%s", c ? "," : "", g->ch[c].name);
}

void dy_grid_conventions(const dy_yield_grid *g, char *buf, size_t n)
{
    char ch[DY_GRID_MAX_CHANNELS * (DY_GRID_NAME_LEN + 1)], run[2048];
    dy_grid_channel_list(g, ch, sizeof ch);
    dy_conventions_run(ch, run, sizeof run);
    snprintf(buf, n, "%s%s%s", DY_CONV_CONSTANTS, run[0] ? "; " : "", run);
}

const char *dy_grid_total_errors(const dy_yield_grid *g)
{
    return g->total_errors ? g->total_errors
                           : "'total' = sum over channels, errors added in quadrature (channels "
                             "taken as independent)";
}
