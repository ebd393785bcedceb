/* brem_event.c — brem events from points of the integrand (brem_event.h). */
#include "physics/brem_event.h"
#include <math.h>
#include <string.h>
#include "dy_process_table.h"

int dy_nucleus_pdg(double Z, double A)
{
    return 1000000000 + 10000 * (int)lround(Z) + 10 * (int)lround(A);
}

static void put(dy_event_particle *q, int pdg, int status, const double *v, double m, double c,
                double s)
{
    q->pdg = pdg;
    q->status = status;
    q->m = m;
    q->p[0] = v[0];
    q->p[1] = c * v[1] - s * v[2] + 0.0; /* + 0.0: no -0 for the beam's zeros */
    q->p[2] = s * v[1] + c * v[2] + 0.0;
    q->p[3] = v[3];
}

int dy_brem_event(const dy_params *p, const double *u, double phi0, int boson_pdg, dy_event *ev)
{
    dy_brem_kin K;
    double jac, x, w, dt[2];
    memset(ev, 0, sizeof *ev);
    if (p->process != DY_PROC_brem || p->dim != DY_BREM_DIM_PHI) return -1;
    if (!dy_proc_brem_point(p, u, &K, &jac, &x, &w, dt)) return -1;
    if (!dy_brem_kin_t(&K, K.t, DY_TWO_PI * u[3])) return -1;
    const int lep = p->ipar[DY_BREM_I_LEPTON] == 1 ? 13 : 11;
    const int nuc = dy_nucleus_pdg(p->par[DY_BREM_P_Z], p->par[DY_BREM_P_A]);
    const double c = cos(phi0), s = sin(phi0);
    put(&ev->part[0], lep, -1, K.p, K.ml, c, s);
    put(&ev->part[1], nuc, -1, K.Pi, K.M, c, s);
    put(&ev->part[2], lep, 1, K.pp, K.ml, c, s);
    put(&ev->part[3], nuc, 1, K.Pf, K.M, c, s);
    put(&ev->part[4], boson_pdg, 1, K.k, K.m, c, s);
    ev->n = 5;
    ev->t = K.t;
    return 0;
}
