/* dy_me_brem.h — spin-summed/averaged squared amplitudes of l N -> l N X, X = V (vector), S
 * (scalar), P (pseudoscalar), A (axial vector), nucleus = heavy spin-0 charge with form factor (G2
 * factored out). 2->3: reference note physics-brem.md §4.1 (V, S, P); axial derived in
 * docs/physics-brem.md §3. 2->2 (WW limit): reference §3.2 (LMM17 arXiv:1609.06781; LM17
 * arXiv:1705.01633).  FP64 only (P7). */
#ifndef DY_ME_BREM_H
#define DY_ME_BREM_H
#include "../dy_portable.h"
#include "dy_brem_kinematics.h"

enum dy_brem_mediator { DY_BREM_V = 0, DY_BREM_S = 1, DY_BREM_P = 2, DY_BREM_A = 3 };

/* Invariants of one point.  s = s~ = (p'+k)^2 - m_l^2, u = u~ = (p-k)^2 - m_l^2, t = -q^2,
 * P = P_i + P_f: P2 = P^2 = 4M^2 + t, Pp = P.p, Ppp = P.p', Pk = P.k;  spu = s~ + u~ = 2 k.q. */
typedef struct dy_brem_inv {
    double s, u, t, spu, P2, Pp, Ppp, Pk, m2, ml2;
} dy_brem_inv;

/* Invariants from exact kinematics.  Uses s~ + u~ = 2 k.q and P.p' = P.p - P.k (P.q = 0), which
 * follow from p' = p - k + q and q^2 = -t (derived). */
DY_DEVICE dy_brem_inv dy_brem_invariants(const dy_brem_kin *K)
{
    dy_brem_inv iv;
    const double P0 = 2.0 * K->M - K->q0; /* P = 2 P_i - q */
    iv.t = K->t;
    iv.u = K->ut;
    iv.spu = 2.0 * K->kq;
    iv.s = iv.spu - iv.u;
    iv.P2 = 4.0 * K->M * K->M + K->t;
    iv.Pp = P0 * K->p[0] + K->q[1] * K->p[1] + K->q[2] * K->p[2] + K->q[3] * K->p[3];
    iv.Pk = P0 * K->k[0] + K->q[1] * K->k[1] + K->q[2] * K->k[2] + K->q[3] * K->k[3];
    iv.Ppp = iv.Pp - iv.Pk;
    iv.m2 = K->m * K->m;
    iv.ml2 = K->ml * K->ml;
    return iv;
}

/* A^2_{2->3} = (1/2) sum over lepton spins and X polarisations of |ubar(p') Gamma u(p) eps*|^2 with
 * Gamma = vertex (p'+k+m_l)/s~ Pslash + Pslash (p-k+m_l)/u~ vertex; vertex = gamma^a (V),
 * 1 (S), gamma5 (P), gamma^a gamma5 (A); polarisation sum -g + k k/m^2 (the k k part vanishes for
 * V). |M|^2 = (4 pi alpha)^2 g_X^2 G2(t)/t^2 A^2 (reference §4.1).  Building blocks (derived):
 *   TV  = 2 P^2 [(s+t)^2 + (u+t)^2]/(s u) - 8 t [(P.p)^2 + (P.p')^2]/(s u)
 *   TS  = P^2 (s+u)^2/(s u) - 4 t (P.k)^2/(s u)
 *   BR  = t P^2 (s+u)^2/(s u)^2 - 4 (P.p/s + P.p'/u)^2
 *   TPS = t P^2/(s u)
 *   V = TV - 8 m^2 TPS + 2 (m^2 + 2 m_l^2) BR                          (reference §4.1)
 *   S = TS + (m^2 - 4 m_l^2) BR,   P = TS + m^2 BR                     (reference §4.1)
 *   A = TV - 8 (m^2 - 4 m_l^2) TPS + 2 (m^2 - 4 m_l^2) BR + (4 m_l^2/m^2) TS   (docs §3, derived)
 */
DY_DEVICE double dy_me_brem_a2(const dy_brem_inv *iv, int mediator)
{
    const double su = iv->s * iv->u;
    const double spu2 = iv->spu * iv->spu;
    const double a = iv->Pp * iv->u + iv->Ppp * iv->s; /* (P.p/s + P.p'/u) s u */
    const double br = (iv->t * iv->P2 * spu2 - 4.0 * a * a) / (su * su);
    const double tps = iv->t * iv->P2 / su;
    const double ts = (iv->P2 * spu2 - 4.0 * iv->t * iv->Pk * iv->Pk) / su;
    double tv, st, ut;
    if (mediator == DY_BREM_S) return ts + (iv->m2 - 4.0 * iv->ml2) * br;
    if (mediator == DY_BREM_P) return ts + iv->m2 * br;
    st = iv->s + iv->t;
    ut = iv->u + iv->t;
    tv =
        (2.0 * iv->P2 * (st * st + ut * ut) - 8.0 * iv->t * (iv->Pp * iv->Pp + iv->Ppp * iv->Ppp)) /
        su;
    if (mediator == DY_BREM_V) return tv - 8.0 * iv->m2 * tps + 2.0 * (iv->m2 + 2.0 * iv->ml2) * br;
    if (mediator == DY_BREM_A) {
        const double c = iv->m2 - 4.0 * iv->ml2;
        return tv - 8.0 * c * tps + 2.0 * c * br + 4.0 * iv->ml2 / iv->m2 * ts;
    }
    return 0.0;
}

/* The mediator's combination of the building blocks TV, TS, BR, TPS (table above). */
DY_DEVICE double dy_me_brem_mix(int mediator, double m2, double ml2, double tv, double ts,
                                double br, double tps)
{
    const double c = m2 - 4.0 * ml2;
    switch (mediator) {
    case DY_BREM_V: return tv - 8.0 * m2 * tps + 2.0 * (m2 + 2.0 * ml2) * br;
    case DY_BREM_S: return ts + c * br;
    case DY_BREM_P: return ts + m2 * br;
    case DY_BREM_A: return tv - 8.0 * c * tps + 2.0 * c * br + 4.0 * ml2 / m2 * ts;
    default: return 0.0;
    }
}

/* Invariants at a given s~ with (x, theta, t) fixed (derived, docs/physics-brem.md §3.2): from
 * s~ = 2 p.q - t, 2 (p-k).q = t - u~ and P = 2 P_i - q,
 *   P.p = 2 M E0 - (s~ + t)/2,   P.p' = 2 M E_V - (t - u~)/2 (phi-independent),   P.k = P.p - P.p'.
 */
DY_DEVICE dy_brem_inv dy_brem_invariants_at_s(const dy_brem_kin *K, double s)
{
    dy_brem_inv iv;
    iv.t = K->t;
    iv.u = K->ut;
    iv.s = s;
    iv.spu = s + K->ut;
    iv.P2 = 4.0 * K->M * K->M + K->t;
    iv.Pp = 2.0 * K->M * K->E0 - 0.5 * (s + K->t);
    iv.Ppp = 2.0 * K->M * K->EV - 0.5 * (K->t - K->ut);
    iv.Pk = iv.Pp - iv.Ppp;
    iv.m2 = K->m * K->m;
    iv.ml2 = K->ml * K->ml;
    return iv;
}

/* <A^2>_phi = (1/2pi) int dphi A^2_{2->3} in closed form for V, S, P, A (derived,
 * docs/physics-brem.md §3.2; for V equal to PETITE's phi-integrated form, arXiv:2401.06843).
 * Needs dy_brem_kin_t_phiavg.  At fixed (x, theta, t), A^2 is a Laurent polynomial in s~:
 *   A^2 = c1 s~ + c0 + c_1/s~ + c_2/s~^2,   s~ = sbar - sdel cos(phi),   W = sbar^2 - sdel^2,
 *   <A^2> = A^2(s~ = sbar) + c_1 d1 + c_2 d2   with
 *   d1 = <1/s~> - 1/sbar     = sdel^2 / (sbar sqrt(W) (sbar + sqrt(W))),
 *   d2 = <1/s~^2> - 1/sbar^2 = sdel^2 (sbar^2 + sbar sqrt(W) + W) / (sbar^2 W^1.5 (sbar + sqrt W)).
 * The O(M^2 E0^2) coefficients c_1, c_2 only multiply d1, d2 = O(sdel^2).  PETITE's arrangement
 * c1 sbar + c0 + c_1/sqrt(W) + c_2 sbar/W^1.5 cancels to ~1e-6 in double near the collinear peak;
 * this one stays at ~1e-10 (measured, docs §3.2).  Per block (derived), with A0 = 2 M E0 - t/2,
 * A1 = 2 M E_V - t/2, K0 = 2 M E_X - u~/2 and P.p' as above:
 *   c_2:  BR -> t P^2 - 4 A0^2;  TV, TS, TPS -> 0
 *   c_1:  TV -> [2 P^2 (t^2 + (u~+t)^2) - 8 t (A0^2 + P.p'^2)]/u~,  TS -> (P^2 u~^2 - 4 t K0^2)/u~,
 *         BR -> (2 t P^2 - 8 A0 A1)/u~,  TPS -> t P^2/u~ */
DY_DEVICE double dy_me_brem_a2_phiavg(const dy_brem_kin *K, int mediator)
{
    const dy_brem_inv iv = dy_brem_invariants_at_s(K, K->sbar);
    const double t = K->t, u = K->ut, P2 = iv.P2;
    const double A0 = 2.0 * K->M * K->E0 - 0.5 * t, A1 = 2.0 * K->M * K->EV - 0.5 * t;
    const double K0 = 2.0 * K->M * K->Ek - 0.5 * u, upt = u + t;
    const double sb = K->sbar, b2 = K->sdel * K->sdel;
    const double rw = DY_SQRT((sb - K->sdel) * (sb + K->sdel)), w = rw * rw;
    const double d1 = b2 / (sb * rw * (sb + rw));
    const double d2 = d1 * (sb * sb + sb * rw + w) / (sb * w);
    /* the c_1 blocks share the factor 1/u~, and the mix is linear */
    const double tv1 = 2.0 * P2 * (t * t + upt * upt) - 8.0 * t * (A0 * A0 + iv.Ppp * iv.Ppp);
    const double ts1 = P2 * u * u - 4.0 * t * K0 * K0;
    const double c1 =
        dy_me_brem_mix(mediator, iv.m2, iv.ml2, tv1, ts1, 2.0 * t * P2 - 8.0 * A0 * A1, t * P2) / u;
    const double c2 =
        dy_me_brem_mix(mediator, iv.m2, iv.ml2, 0.0, 0.0, t * P2 - 4.0 * A0 * A0, 0.0);
    return dy_me_brem_a2(&iv, mediator) + c1 * d1 + c2 * d2;
}

/* 2->2 amplitude of the WW approximation at t = t_min (reference §3.2), u~ < 0 the WW u~ of §3.1.
 * W = u~ x + m^2 (1-x) + m_l^2 x^2:
 *   S: x^2/(1-x) + 2 (m^2 - 4 m_l^2) W/u~^2        P: x^2/(1-x) + 2 m^2 W/u~^2
 *   V: 2 (2-2x+x^2)/(1-x) + 4 (m^2 + 2 m_l^2) W/u~^2
 *   A: 4 m_l^2 x^2/((1-x) m^2) + 2 (2-2x+x^2)/(1-x) + 4 (m^2 - 4 m_l^2) W/u~^2
 * The A row is the collinear limit of the 2->3 A above (TV, TS, BR -> (2-2x+x^2)/(1-x), x^2/(1-x),
 * 2W/u~^2, TPS -> 0): m in its first term is the boson mass (docs §4). */
DY_DEVICE double dy_me_brem_a2_22(int mediator, double x, double ut, double m, double ml)
{
    const double m2 = m * m, ml2 = ml * ml;
    const double w = (ut * x + m2 * (1.0 - x) + ml2 * x * x) / (ut * ut);
    const double tsv = x * x / (1.0 - x);
    const double tvv = (2.0 - 2.0 * x + x * x) / (1.0 - x);
    switch (mediator) {
    case DY_BREM_V: return 2.0 * tvv + 4.0 * (m2 + 2.0 * ml2) * w;
    case DY_BREM_S: return tsv + 2.0 * (m2 - 4.0 * ml2) * w;
    case DY_BREM_P: return tsv + 2.0 * m2 * w;
    case DY_BREM_A: return 4.0 * ml2 / m2 * tsv + 2.0 * tvv + 4.0 * (m2 - 4.0 * ml2) * w;
    default: return 0.0;
    }
}

/* Coefficients of A^2_{2->2} = c0 + c1 W/u~^2 (used for the closed-form IWW angular integral). */
DY_DEVICE void dy_me_brem_22_coeffs(int mediator, double x, double m, double ml, double *c0,
                                    double *c1)
{
    const double m2 = m * m, ml2 = ml * ml;
    const double tsv = x * x / (1.0 - x);
    const double tvv = (2.0 - 2.0 * x + x * x) / (1.0 - x);
    *c0 = 0.0;
    *c1 = 0.0;
    if (mediator == DY_BREM_V) {
        *c0 = 2.0 * tvv;
        *c1 = 4.0 * (m2 + 2.0 * ml2);
    } else if (mediator == DY_BREM_S) {
        *c0 = tsv;
        *c1 = 2.0 * (m2 - 4.0 * ml2);
    } else if (mediator == DY_BREM_P) {
        *c0 = tsv;
        *c1 = 2.0 * m2;
    } else if (mediator == DY_BREM_A) {
        *c0 = 4.0 * ml2 / m2 * tsv + 2.0 * tvv;
        *c1 = 4.0 * (m2 - 4.0 * ml2);
    }
}

#endif
