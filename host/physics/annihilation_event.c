/* annihilation_event.c — annihilation events from points of the integrand
 * (annihilation_event.h). */
#include "physics/annihilation_event.h"
#include <math.h>
#include <string.h>
#include "dy_process_table.h"

static void set(dy_event_particle *q, int pdg, int status, double E, double px, double py,
                double pz, double m, int mo1, int mo2)
{
    q->pdg = pdg;
    q->status = status;
    q->m = m;
    q->p[0] = E;
    q->p[1] = px + 0.0; /* + 0.0: no -0 */
    q->p[2] = py + 0.0;
    q->p[3] = pz + 0.0;
    q->mother[0] = mo1;
    q->mother[1] = mo2;
}

/* The final pair's ids: the reported particle (at the integrand's angle) first. */
static void pair_ids(const dy_params *p, int ap_pdg, int *a, int *b)
{
    const int ch = p->ipar[0], kind = p->ipar[1];
    if (ch == DY_ANN_CH_GAMMA_AP) {
        *a = ap_pdg;
        *b = 22;
    } else if (ch == DY_ANN_CH_EE || ch == DY_ANN_CH_MUMU) {
        *a = ch == DY_ANN_CH_EE ? 11 : 13;
        *b = -*a;
    } else if (kind == DY_DM_SCALAR) {
        *a = DY_PDG_DM_SCALAR;
        *b = -DY_PDG_DM_SCALAR;
    } else if (kind == DY_DM_MAJORANA) {
        *a = *b = DY_PDG_DM_FERMION;
    } else if (kind == DY_DM_INELASTIC) {
        *a = DY_PDG_DM_FERMION;
        *b = DY_PDG_DM_CHI2;
    } else {
        *a = DY_PDG_DM_FERMION;
        *b = -DY_PDG_DM_FERMION;
    }
}

/* Lab energy and p_z of a CM particle (e, q, cos c, sin sn) boosted by (g, bg) along +z:
 * E = g e + bg q c, p_z = bg e + g q c.  For c < 0 the backward sums cancel; there
 * g e - bg q |c| = (e^2 + bg^2 (m^2 + q^2 sn^2))/(g e + bg q |c|) (g^2 - bg^2 = 1) and p_z
 * likewise, with m^2 = e^2 - q^2 given as m2. */
static void boost(double g, double bg, double e, double q, double c, double sn, double m2,
                  double *E, double *pz)
{
    if (c >= 0.0) {
        *E = g * e + bg * q * c;
        *pz = bg * e + g * q * c;
        return;
    }
    const double ac = -c, tr2 = m2 + q * q * sn * sn; /* e^2 - q^2 c^2 */
    *E = (e * e + bg * bg * tr2) / (g * e + bg * q * ac);
    /* bg e - g q |c| = (bg^2 e^2 - g^2 q^2 c^2)/(bg e + g q |c|) = (bg^2 tr2 - q^2 c^2)/(...) */
    *pz = (bg * bg * tr2 - q * q * c * c) / (bg * e + g * q * ac);
}

int dy_annihilation_event(const dy_params *p, const double *u, double phi0, int ap_pdg,
                          dy_event *ev)
{
    double c, sn, T, sech2;
    memset(ev, 0, sizeof *ev);
    if (p->process != DY_PROC_annihilation ||
        !dy_proc_annihilation_point(p, u, &c, &sn, &T, &sech2))
        return -1;
    const double *par = p->par, me = DY_M_E;
    const double ep = par[DY_ANN_EPOS], pp = sqrt((ep - me) * (ep + me));
    const double s = par[DY_ANN_S], rs = sqrt(s), g = par[DY_ANN_GBOOST], bg = par[DY_ANN_BGBOOST];
    const int gam = p->ipar[0] == DY_ANN_CH_GAMMA_AP;
    /* CM: the reported particle (E*, q n), the other (sqrt s - E*, -q n), n at (theta*, phi0);
     * masses: gamma A' (M, 0), resonant (m3, m4) as the setup's E* (docs/physics-annihilation-
     * primakoff.md §2) */
    const double m3 = gam                                 ? par[DY_ANN_MAP]
                      : p->ipar[0] == DY_ANN_CH_INVISIBLE ? par[DY_ANN_M1]
                      : p->ipar[0] == DY_ANN_CH_EE        ? DY_M_E
                                                          : DY_M_MU;
    const double m4 = gam ? 0.0 : p->ipar[0] == DY_ANN_CH_INVISIBLE ? par[DY_ANN_M2] : m3;
    const double e3 = par[DY_ANN_ESTAR], e4 = rs - e3, q = par[DY_ANN_QSTAR];
    const double qx = q * sn * cos(phi0), qy = q * sn * sin(phi0), qz = q * c;
    /* boost along +z (boost()): cancellation-free for the backward particle */
    if (!(q > 0.0)) return -1;
    int id3, id4;
    pair_ids(p, ap_pdg, &id3, &id4);
    double E3, z3, E4, z4;
    boost(g, bg, e3, q, c, sn, m3 * m3, &E3, &z3);
    boost(g, bg, e4, q, -c, sn, m4 * m4, &E4, &z4);
    (void)qz;
    set(&ev->part[0], -11, -1, ep, 0.0, 0.0, pp, me, 0, 0);
    set(&ev->part[1], 11, -1, me, 0.0, 0.0, 0.0, me, 0, 0);
    if (gam) {
        set(&ev->part[2], id4, 1, E4, -qx, -qy, z4, m4, 1, 2);
        set(&ev->part[3], id3, 1, E3, qx, qy, z3, m3, 1, 2);
        ev->n = 4;
    } else {
        set(&ev->part[2], ap_pdg, 2, ep + me, 0.0, 0.0, pp, rs, 1, 2);
        set(&ev->part[3], id3, 1, E3, qx, qy, z3, m3, 3, 3);
        set(&ev->part[4], id4, 1, E4, -qx, -qy, z4, m4, 3, 3);
        ev->n = 5;
    }
    ev->t = s;
    return 0;
}
