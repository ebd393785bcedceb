/* compton_event.c — dark Compton events from points of the integrand (compton_event.h). */
#include "physics/compton_event.h"
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

int dy_compton_event(const dy_params *p, const double *u, double phi0, int ap_pdg, dy_event *ev)
{
    double B;
    memset(ev, 0, sizeof *ev);
    if (p->process != DY_PROC_compton || !dy_proc_compton_point(p, u, &B)) return -1;
    const double w = p->par[DY_CMP_EG], M = p->par[DY_CMP_MAP], M2 = M * M;
    /* as the integrand's observables (docs/physics-compton.md): E_A' = (B + M^2/2)/m_e and
     * 1 - cos = [m_e - B/omega - M^2/(E_A' + p_A')]/p_A' */
    const double ea = (B + 0.5 * M2) / DY_M_E;
    const double pa = sqrt(fmax((ea - M) * (ea + M), 0.0));
    if (!(pa > 0.0) || !(ea < w)) return -1;
    double omc = (DY_M_E - B / w - M2 / (ea + pa)) / pa;
    omc = fmin(fmax(omc, 0.0), 2.0);
    const double sn = sqrt(omc * (2.0 - omc)), cs = 1.0 - omc, T = w - ea;
    const double ax = pa * sn * cos(phi0), ay = pa * sn * sin(phi0), az = pa * cs;
    set(&ev->part[0], 22, -1, w, 0.0, 0.0, w, 0.0);
    set(&ev->part[1], 11, -1, DY_M_E, 0.0, 0.0, 0.0, DY_M_E);
    /* q_z = omega - p_A' cos = T + M^2/(E_A' + p_A') + p_A' (1 - cos): no cancellation */
    set(&ev->part[2], 11, 1, DY_M_E + T, -ax, -ay, T + M2 / (ea + pa) + pa * omc, DY_M_E);
    set(&ev->part[3], ap_pdg, 1, ea, ax, ay, az, M);
    ev->n = 4;
    ev->t = 2.0 * DY_M_E * T; /* -(p - p')^2: the transfer to the electron */
    return 0;
}
