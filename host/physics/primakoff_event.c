/* primakoff_event.c — Primakoff events from points of the integrand (primakoff_event.h). */
#include "physics/primakoff_event.h"
#include <math.h>
#include <string.h>
#include "dy_process_table.h"

static void set(dy_event_particle *q, int pdg, int status, double E, double px, double py,
                double pz, double m)
{
    q->pdg = pdg;
    q->status = status;
    q->m = m;
    q->p[0] = E;
    q->p[1] = px + 0.0; /* + 0.0: no -0 */
    q->p[2] = py + 0.0;
    q->p[3] = pz + 0.0;
}

int dy_primakoff_event(const dy_params *p, const double *u, double phi0, int alp_pdg, dy_event *ev)
{
    double t, dtm;
    memset(ev, 0, sizeof *ev);
    if (p->process != DY_PROC_primakoff || !dy_proc_primakoff_point(p, u, &t, &dtm)) return -1;
    const double E = p->par[DY_PRIM_EG], m = p->par[DY_PRIM_MA], M = p->par[DY_PRIM_MN];
    /* as the integrand's observables: recoil T = t/(2M), E_a = E - T, and
     * 1 - cos theta_a = [t - 2 m^2 T/(E_a + p_a) - m^4/(E_a + p_a)^2]/(2 E p_a)
     * (docs/physics-annihilation-primakoff.md §3.2) */
    const double T = t / (2.0 * M), ea = E - T;
    const double pa = sqrt(fmax((ea - m) * (ea + m), 0.0)), sum = ea + pa;
    if (!(pa > 0.0)) return -1;
    double omc = (t - 2.0 * m * m * T / sum - m * m * m * m / (sum * sum)) / (2.0 * E * pa);
    omc = fmin(fmax(omc, 0.0), 2.0);
    const double sn = sqrt(omc * (2.0 - omc)), cs = 1.0 - omc;
    const double ax = pa * sn * cos(phi0), ay = pa * sn * sin(phi0), az = pa * cs;
    const int nuc = dy_nucleus_pdg(p->par[DY_PRIM_Z], p->par[DY_PRIM_A]);
    set(&ev->part[0], 22, -1, E, 0.0, 0.0, E, 0.0);
    set(&ev->part[1], nuc, -1, M, 0.0, 0.0, 0.0, M);
    set(&ev->part[2], alp_pdg, 1, ea, ax, ay, az, m);
    /* q_z = E - p_a cos = (E - p_a) + p_a (1 - cos), E - p_a = (T (E + E_a) + m^2)/(E + p_a):
     * no cancellation at small angles */
    const double e_pa = (T * (E + ea) + m * m) / (E + pa);
    set(&ev->part[3], nuc, 1, M + T, -ax, -ay, e_pa + pa * omc, M);
    ev->n = 4;
    ev->t = t;
    return 0;
}
