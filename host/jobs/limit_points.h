/* limit_points.h — the signal of each data set at one mass (events at the yield file's coupling,
 * with the yield's relative error), interpolation between grid masses where the yield is smooth
 * in log-log, and the event limits of a mass from the statistics of the limit config
 * (docs/limits.md §1.5, §2.1). */
#ifndef DY_LIMIT_POINTS_H
#define DY_LIMIT_POINTS_H
#include "io/limit_config.h"
#include "io/yield_reader.h"
#include "physics/profile.h"

typedef struct dy_lpoint {
    double mass;                 /* GeV */
    int grid;                    /* 1: a mass of the yield grid, 0: interpolated */
    double S[DY_LCFG_MAX_SETS];  /* signal events per data set at the file's coupling c0 */
    double sy[DY_LCFG_MAX_SETS]; /* relative error of S from the yield file (MC, folding) */
    double ev[6];                /* event limits on the summed signal: obs, median, -1, +1, -2,
                                    +2 sigma */
    double toy_err;              /* cls-toys: statistical error of ev[0] from the toys */
} dy_lpoint;

/* S and sy of every data set at grid mass im: bins of dN/dE inside the data set's energy window
 * (a straddling bin counts its part above/below the edge, flat inside), times the efficiency and
 * N_pot; the file's exact N_above_cut when the window is the file's cut and the efficiency a
 * number.  zprime_br: the Z' invisible BR (1 otherwise). */
void dy_lpoint_signal(const dy_limit_config *cfg, const dy_yield_file *yf, int im, double cut,
                      double br, dy_lpoint *p);

/* Grid points plus interpolated ones (per_decade per decade of mass) inside every interval where
 * ln S_total is smooth in ln m: the slope of the interval differs from each neighbour's by less
 * than max_dslope (so a resonance resolved by the grid stays a grid-only peak).  S and sy are
 * interpolated linearly in ln m (ln S, sy).  *out is malloc'd; returns its length, -1 on no
 * memory. */
int dy_lpoints_interpolate(const dy_lpoint *grid, int n, int n_sets, int per_decade,
                           double max_dslope, dy_lpoint **out);

/* The likelihood model of point p: signal template normalised to one event in all (s_d =
 * S_d/S_total), so mu is the summed signal in events. */
void dy_lpoint_model(const dy_limit_config *cfg, const dy_lpoint *p, dy_pl_model *m);

/* The event limits ev[] of p with the config's profile method (cls-asymptotic, cls-toys,
 * cousins-highland).  DY_OK with ev = inf when there is no signal. */
dy_status dy_lpoint_events(const dy_limit_config *cfg, dy_lpoint *p, dy_error *err);
#endif
