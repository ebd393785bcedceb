/* dy_proc_compton.h — dark Compton scattering gamma(k) e-(p) -> e-(p') A'(q) on an atomic electron
 * at rest (free, no binding or motion), exact tree level with both electron masses and the A' mass.
 * One integration variable (ln b, b = p'.k); the integral over u in (0,1) is sigma in pb per
 * electron times the config's electron count Z (1: per electron, Z: per atom).
 * Derivation, sources and checks: docs/physics-compton.md. */
#ifndef DY_PROC_COMPTON_H
#define DY_PROC_COMPTON_H
#include "../dy_types.h"
#include "../physics/dy_constants.h"

enum dy_compton_status { /* ipar[3] */
                         DY_CMP_OK = 0,
                         DY_CMP_BAD_INPUT = 1,      /* non-positive E, m, eps or Z */
                         DY_CMP_BELOW_THRESHOLD = 2 /* s <= (m_e + m_A')^2 */
};

/* par[] layout (inputs 0..3, the rest precomputed by dy_proc_compton_setup) */
#define DY_CMP_EG   0  /* photon energy omega (lab, electron at rest), GeV */
#define DY_CMP_MAP  1  /* A' mass M, GeV */
#define DY_CMP_EPS  2  /* kinetic mixing eps */
#define DY_CMP_Z    3  /* electrons counted (1 per electron, Z per atom) */
#define DY_CMP_S    4  /* s = m_e^2 + 2 m_e omega */
#define DY_CMP_A    5  /* A = p.k = m_e omega, GeV^2 */
#define DY_CMP_BLO  6  /* b- = p'.k at the lower end, GeV^2 */
#define DY_CMP_BHI  7  /* b+ */
#define DY_CMP_LN   8  /* ln(b+/b-) */
#define DY_CMP_NORM 9  /* pi alpha^2 eps^2 Z/A^2 * ln(b+/b-) * GeV^-2 -> pb */
#define DY_CMP_SIG  10 /* closed-form total, pb */

typedef struct dy_compton_config {
    double e_gamma; /* photon energy, GeV */
    double m_ap;    /* A' mass, GeV */
    double eps;     /* kinetic mixing (1 = "per eps^2") */
    double Z;       /* electrons counted: 1 per electron, Z per atom */
} dy_compton_config;

/* Spin- and polarisation-summed |M|^2 of gamma(k) e(p) -> e(p') A'(q), divided by 8 e^4 eps^2, in
 * A = p.k, B = p'.k and t = (p - p')^2 = m_e^2 + M^2 - s + 2B:
 * G = A/B + B/A + M^2 t/(2AB) + 2 m_e^2 (1/A - 1/B) + m_e^4 (1/A - 1/B)^2 + (m_e^2 M^2/2)(1/A^2 +
 * 1/B^2).  The crossing (p1, p2, k) -> (p, -p', -k) of e+e- -> gamma A' (dy_annih_gamma_ap_F, a
 * fermion crossed: overall sign -1); at M = 0 Peskin-Schroeder Eq. (5.87) (docs §2). */
DY_DEVICE double dy_compton_G(double s, double m_ap, double A, double B)
{
    const double me2 = DY_M_E * DY_M_E, M2 = m_ap * m_ap, iA = 1.0 / A, iB = 1.0 / B;
    const double t = me2 + M2 - s + 2.0 * B, d = iA - iB;
    return A * iB + B * iA + 0.5 * M2 * t * iA * iB + 2.0 * me2 * d + me2 * me2 * d * d +
           0.5 * me2 * M2 * (iA * iA + iB * iB);
}

/* Limits b-, b+ of B = p'.k: in the CM B = w (E' + q cos), w = (s - m^2)/(2 sqrt s),
 * E' = (s + m^2 - M^2)/(2 sqrt s), q = sqrt(lambda(s, m^2, M^2))/(2 sqrt s) (CM energies and
 * momentum); b- = w^2 m^2/b+ (no cancellation) and ln(b+/b-) = ln((E' + q)/(E' - q)) =
 * log1p(2 v/(1 - v)), v = q/E'.  Returns 0 at or below threshold s <= (m + M)^2. */
DY_DEVICE int dy_compton_blimits(double e_gamma, double m_ap, double *blo, double *bhi, double *lnr)
{
    const double me = DY_M_E, me2 = me * me, M = m_ap;
    const double s = me2 + 2.0 * me * e_gamma, rs = DY_SQRT(s);
    const double above = s - (me + M) * (me + M), lam = above * (s - (me - M) * (me - M));
    double ws, ep, qs, v;
    if (!(above > 0.0) || !(lam > 0.0)) {
        *blo = *bhi = *lnr = 0.0;
        return 0;
    }
    ws = me * e_gamma / rs;
    ep = (s + me2 - M * M) / (2.0 * rs);
    qs = DY_SQRT(lam) / (2.0 * rs);
    v = qs / ep;
    *bhi = ws * (ep + qs);
    *blo = ws * ws * me2 / *bhi;
    *lnr = DY_LOG1P(2.0 * v / (1.0 - v));
    return 1;
}

/* Closed-form total cross section (pb, times the electron count Z): sigma = (pi alpha^2 eps^2
 * Z/A^2) int G dB, dsigma/dB = pi alpha^2 eps^2 G/A^2 (docs §3), with int G dB = c1 L + (b+^2 -
 * b-^2)/(2A) + c0 (b+ - b-) + c2 (1/b- - 1/b+), L = ln(b+/b-), c1 = A + M^2 (m^2 + M^2 - s)/(2A) -
 * 2 m^2 - 2 m^4/A,  c0 = (M^2 + 2 m^2)/A + m^4/A^2 + m^2 M^2/ (2A^2),  c2 = m^4 + m^2 M^2/2.  M =
 * 0: the Klein-Nishina total cross section. */
DY_DEVICE double dy_compton_sigma(double e_gamma, double m_ap, double eps, double Z)
{
    const double me2 = DY_M_E * DY_M_E, M2 = m_ap * m_ap;
    const double s = me2 + 2.0 * DY_M_E * e_gamma, A = DY_M_E * e_gamma;
    double blo, bhi, L, c0, c1, c2, in;
    if (!dy_compton_blimits(e_gamma, m_ap, &blo, &bhi, &L)) return 0.0;
    c1 = A + 0.5 * M2 * (me2 + M2 - s) / A - 2.0 * me2 - 2.0 * me2 * me2 / A;
    c0 = (M2 + 2.0 * me2) / A + (me2 * me2 + 0.5 * me2 * M2) / (A * A);
    c2 = me2 * me2 + 0.5 * me2 * M2;
    in = c1 * L + 0.5 * (bhi - blo) * (bhi + blo) / A + c0 * (bhi - blo) +
         c2 * (bhi - blo) / (bhi * blo);
    return DY_PI * DY_ALPHA_EM * DY_ALPHA_EM * eps * eps * Z / (A * A) * in * DY_GEV2_TO_PB;
}

/* Klein-Nishina total cross section per electron (pb), kappa = omega/m_e:
 * 2 pi r_e^2 {(1+k)/k^2 [2(1+k)/(1+2k) - ln(1+2k)/k] + ln(1+2k)/(2k) - (1+3k)/(1+2k)^2}
 * (Klein and Nishina, Z. Phys. 52 (1929) 853; Heitler, Quantum Theory of Radiation, §22). */
DY_DEVICE double dy_compton_klein_nishina(double e_gamma)
{
    const double k = e_gamma / DY_M_E, re = DY_ALPHA_EM / DY_M_E, l = DY_LOG1P(2.0 * k);
    return 2.0 * DY_PI * re * re *
           ((1.0 + k) / (k * k) * (2.0 * (1.0 + k) / (1.0 + 2.0 * k) - l / k) + l / (2.0 * k) -
            (1.0 + 3.0 * k) / ((1.0 + 2.0 * k) * (1.0 + 2.0 * k))) *
           DY_GEV2_TO_PB;
}

/* Fills p->par / p->ipar / p->dim (= 1); returns enum dy_compton_status (also in ipar[3]).
 * A non-OK status leaves NORM = 0: the integrand is an explicit zero. */
DY_DEVICE int dy_proc_compton_setup(dy_params *p, const dy_compton_config *c)
{
    double blo, bhi, L;
    int i;
    for (i = 0; i < DY_NPAR; ++i)
        p->par[i] = 0.0;
    for (i = 0; i < 4; ++i)
        p->ipar[i] = 0;
    p->dim = 1;
    p->par[DY_CMP_EG] = c->e_gamma;
    p->par[DY_CMP_MAP] = c->m_ap;
    p->par[DY_CMP_EPS] = c->eps;
    p->par[DY_CMP_Z] = c->Z;
    if (!(c->e_gamma > 0.0) || !(c->m_ap > 0.0) || !(c->eps > 0.0) || !(c->Z > 0.0)) {
        p->ipar[3] = DY_CMP_BAD_INPUT;
        return DY_CMP_BAD_INPUT;
    }
    p->par[DY_CMP_S] = DY_M_E * DY_M_E + 2.0 * DY_M_E * c->e_gamma;
    p->par[DY_CMP_A] = DY_M_E * c->e_gamma;
    if (!dy_compton_blimits(c->e_gamma, c->m_ap, &blo, &bhi, &L)) {
        p->ipar[3] = DY_CMP_BELOW_THRESHOLD;
        return DY_CMP_BELOW_THRESHOLD;
    }
    p->par[DY_CMP_BLO] = blo;
    p->par[DY_CMP_BHI] = bhi;
    p->par[DY_CMP_LN] = L;
    p->par[DY_CMP_NORM] = DY_PI * DY_ALPHA_EM * DY_ALPHA_EM * c->eps * c->eps * c->Z /
                          (p->par[DY_CMP_A] * p->par[DY_CMP_A]) * L * DY_GEV2_TO_PB;
    p->par[DY_CMP_SIG] = dy_compton_sigma(c->e_gamma, c->m_ap, c->eps, c->Z);
    p->ipar[3] = DY_CMP_OK;
    return DY_CMP_OK;
}

/* The unit-cube map of the integrand, shared with the event generator (host/physics/
 * compton_event.c): u[0] in (0,1) -> ln B uniform in (ln b-, ln b+), B = p'.k.  Returns 0 when
 * the point lies outside (bad set-up or u at an edge: the integrand is 0 there). */
DY_DEVICE int dy_proc_compton_point(const dy_params *p, const double *u, double *B)
{
    if (p->ipar[3] != DY_CMP_OK || !(u[0] > 0.0 && u[0] < 1.0)) return 0;
    *B = p->par[DY_CMP_BLO] * DY_EXP(u[0] * p->par[DY_CMP_LN]);
    *B = DY_FMIN(*B, p->par[DY_CMP_BHI]);
    return 1;
}

/* u[0] in (0,1) -> ln B uniform in (ln b-, ln b+): dsigma/du = NORM/L * B * G(B) * L.
 * Lab observables (electron at rest, photon along z): E_A' = (B + M^2/2)/m_e, so
 * obs[0] = x = E_A'/omega, obs[1] = theta_A' from E_A' - p_A' cos = m_e - B/omega, i.e.
 * 1 - cos = [m_e - B/omega - M^2/(E_A' + p_A')]/p_A', obs[2] = recoil kinetic energy omega - E_A'.
 */
DY_DEVICE double dy_proc_compton_eval(const dy_params *p, const double *u, double *obs, dy_u32 nobs)
{
    const double *par = p->par;
    const double w = par[DY_CMP_EG], M = par[DY_CMP_MAP], M2 = M * M;
    double B, ea, pa, omc;
    obs[0] = 0.0;
    obs[1] = 0.0;
    obs[2] = 0.0;
    obs[3] = 0.0;
    if (!dy_proc_compton_point(p, u, &B)) return 0.0;
    ea = (B + 0.5 * M2) / DY_M_E;
    obs[0] = ea / w;
    obs[2] = w - ea;
    if (nobs > 1) { /* the angle only when asked: acos is costly */
        pa = DY_SQRT(DY_FMAX((ea - M) * (ea + M), 0.0));
        omc = pa > 0.0 ? (DY_M_E - B / w - M2 / (ea + pa)) / pa : 0.0;
        omc = DY_FMIN(DY_FMAX(omc, 0.0), 2.0);
        obs[1] = 2.0 * asin(DY_SQRT(0.5 * omc));
    }
    return par[DY_CMP_NORM] * B * dy_compton_G(par[DY_CMP_S], M, par[DY_CMP_A], B);
}

#endif
