/* dy_brem_kinematics.h — exact lab kinematics of l(p) + N(P_i) -> l(p') + X(k) + N(P_f), nucleus at
 * rest. Variables (x = E_X/E0, 1 - cos theta_X, t = -q^2, phi); q = P_i - P_f flows into the lepton
 * line.  dy_brem_kin_t builds the four-vectors at one phi; dy_brem_kin_t_phiavg only the
 * phi-independent part and the range of s~ over phi (for the phi-integrated amplitude).
 * Parameterisation of PETITE (Blinov et al., arXiv:2401.06843; see docs/physics-brem.md §2) with
 * the cancellation-free forms of reference note physics-brem.md pitfall P7.  FP64 throughout.
 */
#ifndef DY_BREM_KINEMATICS_H
#define DY_BREM_KINEMATICS_H
#include "../dy_portable.h"

/* One phase-space point.  Four-vectors are (E, px, py, pz), beam along +z, k in the x-z plane. */
typedef struct dy_brem_kin {
    /* inputs */
    double E0, ml, m, M; /* beam energy, lepton mass, X mass, nucleus mass (GeV) */
    double x, omc, t, phi;
    /* derived, angle level */
    double pl;     /* |p| */
    double Ek, kk; /* E_X, |k| */
    double cth, sth;
    double EV, V;      /* E and |vec| of p - k */
    double ut;         /* u~ = (p-k)^2 - m_l^2 = m^2 - 2 p.k  (< 0) */
    double s2;         /* E_M^2 - V^2: squared invariant mass of the recoil system (l' N) */
    double tmin, tmax; /* exact t_-(x, theta), t_+(x, theta) */
    /* derived, t level */
    double q0, qq, cthq, sthq; /* q^0 = -t/2M, |q|, angle of q to V */
    double kq;                 /* k.q, so that s~ = 2 k.q - u~ */
    double p[4], pp[4], k[4], Pi[4], Pf[4], q[4];
    /* t level without phi: s~ = sbar - sdel cos(phi) */
    double Ep;         /* E' = E_V - t/2M */
    double sbar, sdel; /* <s~>_phi and the amplitude of its cos(phi) term (>= 0) */
} dy_brem_kin;

/* Minkowski product (+,-,-,-). */
DY_DEVICE double dy_brem_dot(const double *a, const double *b)
{
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
}

/* 2M(sqrt(M^2+Q^2) - M) written without cancellation (note P7). */
DY_DEVICE double dy_brem_t_of_Q(double M, double Q)
{
    return 2.0 * M * Q * Q / (DY_SQRT(M * M + Q * Q) + M);
}

/* Angle level: fills K from (E0, ml, m, M, x, 1-cos theta) including the exact t-limits.
 * Returns 1 when (x, theta) is inside phase space (|k| real, final state reachable), else 0.
 * t-limits (PETITE `integration_range`): E_M = (1-x)E0 + M, D = u~^2 + 4 M u~ E_M + 4 M^2 V^2,
 * Q_+- = |V (u~ + 2 M E_M) +- E_M sqrt(D)| / (2 (E_M^2 - V^2)); the small root is taken from
 * Q_+ Q_- = |u~ (u~ + 4 M E_M)| / (4 (E_M^2 - V^2)) (derived, docs/physics-brem.md §2).
 * Threshold (derived, docs §2): with V^2 = E_V^2 - m_l^2 - u~ and g = u~ + 2 M (E_V - m_l),
 * E_M^2 - V^2 = (M + m_l)^2 + g and D = g (g + 4 M m_l).  D >= 0 alone also admits g <= -4 M m_l,
 * i.e. the recoil system (l' N) below the PSEUDO-threshold (M - m_l)^2, where both roots belong
 * to the negative-energy branch E' = E_V - t/2M < 0 (and A^2 < 0).  The physical condition is
 * g >= 0: invariant mass of (l' N) >= M + m_l.  Reached for light nuclei (M ~ E0) at large
 * angle and x -> 1, where |u~| > 2 M (E_V + m_l). */
DY_DEVICE int dy_brem_kin_angle(dy_brem_kin *K, double E0, double ml, double m, double M, double x,
                                double omc)
{
    double a, b, c, g, D, s2, Qb, Qs;
    K->E0 = E0;
    K->ml = ml;
    K->m = m;
    K->M = M;
    K->x = x;
    K->omc = omc;
    K->pl = DY_SQRT((E0 - ml) * (E0 + ml));
    K->Ek = x * E0;
    if (K->Ek <= m || omc < 0.0 || omc > 2.0) return 0;
    K->kk = DY_SQRT((K->Ek - m) * (K->Ek + m));
    K->cth = 1.0 - omc;
    K->sth = DY_SQRT(omc * (2.0 - omc));
    K->EV = E0 - K->Ek; /* = (1-x) E0 */
    /* E_k E - k p = (k^2 m_l^2 + m^2 p^2 + m^2 m_l^2) / (E_k E + k p)  (P7) */
    a = (K->kk * K->kk * ml * ml + m * m * K->pl * K->pl + m * m * ml * ml) /
        (K->Ek * E0 + K->kk * K->pl);
    K->ut = m * m - 2.0 * (a + K->kk * K->pl * omc);
    /* V^2 = (p - k)^2 + 2 p k (1 - cos theta)  (P7) */
    b = K->pl - K->kk;
    K->V = DY_SQRT(b * b + 2.0 * K->pl * K->kk * omc);
    c = K->EV + M; /* E_M */
    if (K->EV <= ml) return 0;
    /* threshold of the (l' N) system: g = u~ + 2 M (E_V - m_l) >= 0 (see above) */
    g = K->ut + 2.0 * M * (K->EV - ml);
    if (!(g >= 0.0)) return 0;
    D = K->ut * K->ut + 4.0 * M * K->ut * c + 4.0 * M * M * K->V * K->V; /* = g (g + 4 M m_l) */
    s2 = (c - K->V) * (c + K->V); /* E_M^2 - V^2 >= (M + m_l)^2 > 0 */
    K->s2 = s2;
    if (!(D >= 0.0) || !(s2 > 0.0)) return 0; /* guards against round-off at threshold */
    Qb = (DY_FABS(K->V * (K->ut + 2.0 * M * c)) + c * DY_SQRT(D)) / (2.0 * s2);
    Qs = DY_FABS(K->ut * (K->ut + 4.0 * M * c)) / (4.0 * s2 * Qb);
    K->tmin = dy_brem_t_of_Q(M, Qs);
    K->tmax = dy_brem_t_of_Q(M, Qb);
    return K->tmax > K->tmin ? 1 : 0;
}

/* t level: q^0 = -t/2M, |q| = sqrt(t + t^2/4M^2); on-shell p' fixes
 * cos theta_q = (u~ - t - E_V t/M) / (2 V |q|)  (exact rewrite of the reference §4.2 formula).
 * That formula comes from E'^2 = m_l^2 + |p'|^2 and so also has E' < 0 solutions: E' = E_V - t/2M
 * > 0 is required as well (implied by the angle-level threshold for t in [t_-, t_+]; kept as a
 * guard for callers that pass other t).
 * phi is the azimuth of q around V, measured from the k-side of the beam plane.
 * Builds p, p', k, P_i, P_f, q.  Returns 1 when |cos theta_q| <= 1 and E' > 0, else 0. */
DY_DEVICE int dy_brem_kin_t(dy_brem_kin *K, double t, double phi)
{
    double eV[3], e1[3], qv[3], cp, sp;
    int i;
    K->t = t;
    K->phi = phi;
    K->q0 = -t / (2.0 * K->M);
    K->qq = DY_SQRT(t + K->q0 * K->q0);
    if (!(K->EV + K->q0 > 0.0)) return 0; /* E' > 0 */
    K->cthq = (K->ut - t - K->EV * t / K->M) / (2.0 * K->V * K->qq);
    if (!(DY_FABS(K->cthq) <= 1.0)) return 0;
    K->sthq = DY_SQRT((1.0 - K->cthq) * (1.0 + K->cthq));
    /* unit vectors: e_V along p - k, e1 in the beam plane, e2 = y */
    eV[0] = -K->kk * K->sth / K->V;
    eV[1] = 0.0;
    eV[2] = (K->pl - K->kk * K->cth) / K->V;
    e1[0] = eV[2];
    e1[1] = 0.0;
    e1[2] = -eV[0];
    cp = DY_COS(phi);
    sp = DY_SIN(phi);
    for (i = 0; i < 3; ++i)
        qv[i] = K->qq * (K->cthq * eV[i] + K->sthq * cp * e1[i]) +
                (i == 1 ? K->qq * K->sthq * sp : 0.0);
    K->p[0] = K->E0;
    K->p[1] = 0.0;
    K->p[2] = 0.0;
    K->p[3] = K->pl;
    K->k[0] = K->Ek;
    K->k[1] = K->kk * K->sth;
    K->k[2] = 0.0;
    K->k[3] = K->kk * K->cth;
    K->q[0] = K->q0;
    K->Pi[0] = K->M;
    K->Pf[0] = K->M - K->q0;
    for (i = 1; i < 4; ++i) {
        K->q[i] = qv[i - 1];
        K->Pi[i] = 0.0;
        K->Pf[i] = -qv[i - 1];
    }
    K->pp[0] = K->EV + K->q0; /* E' = (1-x) E0 - t/2M */
    for (i = 1; i < 4; ++i)
        K->pp[i] = K->p[i] - K->k[i] + K->q[i];
    K->kq = dy_brem_dot(K->k, K->q);
    return 1;
}

/* t level, phi integrated (docs/physics-brem.md §3.2, derived): every phi-dependent invariant is
 * linear in s~ = 2 p.q - t, and s~ = sbar - sdel cos(phi) with
 *   sbar = -t (1 + E0/M) - (u~ - t - E_V t/M) R,   R = |p| (|p| - |k| cos theta)/V^2,
 *   sdel = |k||p| sin(theta) sqrt(s2 (t - t_-)(t_+ - t)) / (M V^2).
 * The square root is V |q| sin(theta_q) written as the product of its roots in t (derived:
 * V^2 |q|^2 - (V.q)^2 = s2 (t - t_-)(t_+ - t)/4M^2), which stays accurate near t_+- where the
 * direct 1 - cos^2(theta_q) cancels.  dtlo = t - t_-, dthi = t_+ - t are passed in because the
 * caller's t map gives them without cancellation.  Returns 1 when sbar > sdel >= 0 and E' > 0. */
DY_DEVICE int dy_brem_kin_t_phiavg(dy_brem_kin *K, double t, double dtlo, double dthi)
{
    const double R = K->pl * ((K->pl - K->kk) + K->kk * K->omc) / (K->V * K->V);
    K->t = t;
    K->q0 = -t / (2.0 * K->M);
    K->qq = DY_SQRT(t + K->q0 * K->q0);
    K->Ep = K->EV + K->q0;
    K->sbar = K->sdel = 0.0;
    if (!(K->Ep > 0.0) || !(dtlo >= 0.0) || !(dthi >= 0.0)) return 0;
    K->sbar = -t * (1.0 + K->E0 / K->M) - (K->ut - t - K->EV * t / K->M) * R;
    K->sdel = K->kk * K->pl * K->sth * DY_SQRT(K->s2 * dtlo * dthi) / (K->M * K->V * K->V);
    return K->sbar > K->sdel ? 1 : 0;
}

/* Polar angle (rad) of a three-vector v[1..3] with respect to +z, stable at small angles. */
DY_DEVICE double dy_brem_polar(const double *v)
{
    return atan2(DY_SQRT(v[1] * v[1] + v[2] * v[2]), v[3]);
}

#endif
