/* events.c — the events job (events.h). */
#include "jobs/events.h"
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy_integrate.h"
#include "dy_process_table.h"
#include "engine/clock.h"

dy_status dy_events_integrate(dy_engine *e, dy_events_point *pts, size_t n,
                              const dy_vegas_options *o, dy_error *err)
{
    dy_params *p = calloc(n, sizeof *p);
    dy_result *r = calloc(n, sizeof *r);
    double *maps = calloc(n * DY_MAP_STRIDE, sizeof *maps);
    dy_status s = DY_OK;
    if (!p || !r || !maps) {
        s = dy_error_set(err, DY_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; ++i) {
        if (pts[i].p.process != DY_PROC_brem && pts[i].p.process != DY_PROC_primakoff &&
            pts[i].p.process != DY_PROC_compton && pts[i].p.process != DY_PROC_annihilation) {
            s = dy_error_set(err, DY_ERR_INVALID,
                             "events: only brem, primakoff, compton and "
                             "annihilation integrals are supported");
            goto done;
        }
        if (pts[i].p.process == DY_PROC_brem)
            dy_proc_brem_set_phi(&pts[i].p, 1); /* the full final state needs phi */
        p[i] = pts[i].p;
    }
    dy_vegas_options vo = *o;
    vo.maps_out = maps;
    const double t0 = dy_wall_seconds();
    if ((s = dy_integrate(e, p, n, &vo, NULL, r, NULL, err)) != DY_OK) goto done;
    const double dt = (dy_wall_seconds() - t0) / (double)n;
    for (size_t i = 0; i < n; ++i) {
        pts[i].res = r[i];
        pts[i].seconds_integrate = dt;
        pts[i].map = malloc(DY_MAP_STRIDE * sizeof *pts[i].map);
        if (!pts[i].map) {
            s = dy_error_set(err, DY_ERR_NOMEM, "out of memory");
            goto done;
        }
        memcpy(pts[i].map, maps + i * DY_MAP_STRIDE, DY_MAP_STRIDE * sizeof *maps);
    }
done:
    free(p);
    free(r);
    free(maps);
    return s;
}

dy_status dy_events_unweight(dy_engine *e, dy_events_point *pt, const dy_unweight_options *uo,
                             dy_error *err)
{
    free(pt->draws);
    pt->draws = malloc((size_t)uo->n_events * sizeof *pt->draws);
    if (!pt->draws) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    pt->n_events = uo->n_events;
    const double t0 = dy_wall_seconds();
    const dy_status s = dy_unweight(e, &pt->p, pt->map, uo, pt->draws, &pt->st, err);
    pt->seconds_unweight = dy_wall_seconds() - t0;
    return s;
}

int dy_events_get(const dy_events_point *pt, uint64_t seed, uint64_t i, int boson_pdg, dy_event *ev)
{
    double u[DY_MAX_DIM], jac, extra[2];
    dy_unweight_uniforms(&pt->p, pt->map, seed, pt->draws[i], u, &jac, extra);
    /* extra[1]: the azimuth of the whole event about the beam */
    if (pt->p.process == DY_PROC_annihilation)
        return dy_annihilation_event(&pt->p, u, DY_TWO_PI * extra[1], boson_pdg, ev);
    if (pt->p.process == DY_PROC_compton)
        return dy_compton_event(&pt->p, u, DY_TWO_PI * extra[1], boson_pdg, ev);
    if (pt->p.process == DY_PROC_primakoff)
        return dy_primakoff_event(&pt->p, u, DY_TWO_PI * extra[1], boson_pdg, ev);
    return dy_brem_event(&pt->p, u, DY_TWO_PI * extra[1], boson_pdg, ev);
}

void dy_events_point_free(dy_events_point *pt)
{
    free(pt->map);
    free(pt->draws);
    pt->map = NULL;
    pt->draws = NULL;
}
