/* xsec_hist2d.c — d2sigma/dx dtheta_X of dark bremsstrahlung (xsec_hist2d.h): x slices of the
 * exact tree-level integral (physics/xsec.c's brem setup with a narrowed x range), each with a
 * log theta_X histogram from the engine; densities per unit x and per rad. */
#include "api/xsec_hist2d.h"
#include <math.h>
#include <stdlib.h>
#include "darkyield/dy_integrate.h"
#include "dy_process_table.h"

enum { NX = DY_XSEC_HIST2D_NX, NT = DY_XSEC_HIST2D_NTHETA };

dy_status dy_xsec_hist2d_request(dy_engine *e, const dy_xsec_request *req0, size_t n,
                                 const double *E, const double *M, uint64_t seed, double precision,
                                 uint64_t max_eval, dy_xsec_hist2d_bin *out, dy_error *err)
{
    const size_t m = n * NX;
    dy_params *p = calloc(m ? m : 1, sizeof *p);
    dy_histspec *hs = calloc(m ? m * DY_MAX_OBS : 1, sizeof *hs);
    dy_hist *h = calloc(m ? m * DY_MAX_OBS : 1, sizeof *h);
    dy_result *r = calloc(m ? m : 1, sizeof *r);
    double(*xr)[2] = calloc(m ? m : 1, sizeof *xr);
    dy_xsec_request req = *req0;
    dy_status st = DY_OK;
    if (!p || !hs || !h || !r || !xr) {
        st = dy_error_set(err, DY_ERR_NOMEM, "2-D histograms: out of memory for %zu points", n);
        goto done;
    }
    for (size_t i = 0; i < n; ++i) {
        req.energy = E[i];
        req.mass = M[i];
        dy_params base;
        if ((st = dy_xsec_setup(&req, &base, err)) != DY_OK) goto done;
        const double x0 = base.par[DY_BREM_P_XMIN], x1 = base.par[DY_BREM_P_XMAX];
        for (int s = 0; s < NX; ++s) {
            const size_t j = i * NX + (size_t)s;
            p[j] = base;
            xr[j][0] = x0 + (x1 - x0) * s / NX;
            xr[j][1] = x0 + (x1 - x0) * (s + 1) / NX;
            dy_proc_brem_set_xrange(&p[j], xr[j][0], xr[j][1]);
            /* streams keyed by content and slice: a point's bins never depend on the list */
            p[j].id = 1000000ULL + (dy_u64)s;
            dy_histspec *t = &hs[j * DY_MAX_OBS + 1];
            t->lo = -8.0;
            t->hi = log10(DY_PI);
            t->nbins = NT;
            t->is_log = 1;
        }
    }
    dy_vegas_options o;
    dy_vegas_options_default(&o);
    o.seed = seed;
    o.rel_precision = precision;
    o.max_eval = max_eval;
    if (m && (st = dy_integrate(e, p, m, &o, hs, r, h, err)) != DY_OK) goto done;
    for (size_t j = 0; j < m; ++j) {
        const dy_hist *hh = &h[j * DY_MAX_OBS + 1];
        const double dx = xr[j][1] - xr[j][0];
        for (int b = 0; b < NT; ++b) {
            const double lo = pow(10.0, hh->spec.lo + (hh->spec.hi - hh->spec.lo) * b / NT);
            const double hi = pow(10.0, hh->spec.lo + (hh->spec.hi - hh->spec.lo) * (b + 1) / NT);
            dy_xsec_hist2d_bin *o2 = &out[j * NT + (size_t)b];
            o2->energy_GeV = E[j / NX];
            o2->mass_GeV = M[j / NX];
            o2->x_lo = xr[j][0];
            o2->x_hi = xr[j][1];
            o2->theta_lo_rad = lo;
            o2->theta_hi_rad = hi;
            o2->d2sigma = hh->content[b] / (dx * (hi - lo));
            o2->error = hh->error[b] / (dx * (hi - lo));
        }
    }
done:
    free(p);
    free(hs);
    free(h);
    free(r);
    free(xr);
    return st;
}
