/* dy_proc_primakoff.h — Primakoff production gamma Z -> a Z of an axion-like particle
 * (pseudoscalar, L = -(g/4) a F Ftilde) or a scalar (L = -(g/4) s F F) on a nucleus of charge Z and
 * mass A u, with exact 2->2 kinematics including the nuclear recoil.  One integration variable (ln
 * t); the integral over u in (0,1) is sigma per atom in pb.  Derivations:
 * docs/physics-annihilation-primakoff.md §3. */
#ifndef DY_PROC_PRIMAKOFF_H
#define DY_PROC_PRIMAKOFF_H
#include "../dy_types.h"
#include "../physics/dy_constants.h"
#include "../physics/dy_formfactors.h"

enum dy_primakoff_parity { DY_PRIM_PSEUDOSCALAR = 0, DY_PRIM_SCALAR = 1 }; /* ipar[0] */
enum dy_primakoff_status {                                                 /* ipar[3] */
                           DY_PRIM_OK = 0,
                           DY_PRIM_BAD_INPUT = 1, /* non-positive E, m, g, Z, A, or unknown enum */
                           DY_PRIM_BELOW_THRESHOLD = 2 /* s <= (M + m)^2, i.e. E <= m + m^2/(2M) */
};

/* par[] layout (inputs 0..4, the rest precomputed by dy_proc_primakoff_setup) */
#define DY_PRIM_EG      0  /* photon energy E (lab, nucleus at rest), GeV */
#define DY_PRIM_MA      1  /* ALP mass m, GeV */
#define DY_PRIM_G       2  /* coupling g, GeV^-1 */
#define DY_PRIM_Z       3  /* nuclear charge */
#define DY_PRIM_A       4  /* mass number */
#define DY_PRIM_MN      5  /* nucleus mass M (default A * DY_AMU_GEV), GeV */
#define DY_PRIM_S       6  /* s = M^2 + 2 M E */
#define DY_PRIM_TMIN    7  /* exact t_min, GeV^2 */
#define DY_PRIM_TMAX    8  /* exact t_max, GeV^2 */
#define DY_PRIM_THI     9  /* upper integration limit min(t_max, t_cut), GeV^2 */
#define DY_PRIM_LNRANGE 10 /* ln(t_hi/t_min) */
#define DY_PRIM_NORM    11 /* alpha g^2 s/(32 M^2 E^2) * ln(t_hi/t_min) * GeV^-2 -> pb */
#define DY_PRIM_TA      12 /* form-factor scales (dy_ffscales of dy_formfactors.h) */
#define DY_PRIM_TAP     13
#define DY_PRIM_D       14
#define DY_PRIM_TCUT    15 /* t_cut actually used, GeV^2 */

typedef struct dy_primakoff_config {
    double e_gamma;   /* photon energy, GeV */
    double m_a;       /* ALP mass, GeV */
    double g;         /* coupling, GeV^-1 */
    double Z, A;      /* target */
    double t_cut;     /* upper t cut-off, GeV^2; <= 0: 1e3 x max(d, 0.71 GeV^2 if inelastic) */
    double m_n;       /* nucleus mass, GeV; <= 0: A * DY_AMU_GEV (a huge value = no recoil) */
    dy_i32 parity;    /* enum dy_primakoff_parity */
    dy_i32 inelastic; /* 1: add the quasi-elastic (incoherent) G2 term of dy_ff_g2_inelastic */
} dy_primakoff_config;

/* Exact limits of t = -(P' - P)^2 for gamma(E) + N(M, at rest) -> a(m) + N.  Returns 0 below
 * threshold.  N(t) = s (t - t_min)(t_max - t) (docs §3.1), with
 *   t_max + t_min = [2ME(2ME - m^2) - 2M^2 m^2]/s,  t_max - t_min = (s - M^2) sqrt(lambda)/s,
 *   t_min t_max = M^2 m^4/s   (used for t_min: no cancellation; -> m^4/(E+p)^2 ~ m^4/(4E^2), M ->
 * inf), lambda = (2M(E - m) - m^2)(2M(E + m) - m^2).  s - M^2 = 2ME is never formed by subtraction.
 */
DY_DEVICE int dy_primakoff_tlimits(double E, double m, double M, double *tmin, double *tmax)
{
    const double twoME = 2.0 * M * E, m2 = m * m;
    const double s = M * M + twoME;
    const double lam = (2.0 * M * (E - m) - m2) * (2.0 * M * (E + m) - m2);
    const double b = twoME * (twoME - m2) - 2.0 * M * M * m2;
    if (!(lam > 0.0)) {
        *tmin = 0.0;
        *tmax = 0.0;
        return 0;
    }
    *tmax = (b + twoME * DY_SQRT(lam)) / (2.0 * s);
    *tmin = M * M * m2 * m2 / (s * *tmax);
    return 1;
}

/* Small-angle, infinite-mass closed form with the elastic Tsai form factor, pb per atom [ref §4.2]:
 * sigma = (g^2 alpha Z^2/8) d^2/(d - t_a)^3 [(d + 2 t_min + t_a) ln((d + t_min)/(t_a + t_min)) -
 * 2(d - t_a)], t_min = m^4/(4E^2), t_a = 1/a^2, d from dy_ff_scales.  Integral of (g^2 alpha Z^2/8)
 * F^2 (t-t_min)/t^2 over (t_min, inf)  [DMG4 ALP.cc / Dusaev et al. arXiv:2004.04469 Eq. (5) for
 * the integrand]. */
DY_DEVICE double dy_primakoff_sigma_closed(double e_gamma, double m_a, double g, double Z, double A)
{
    const dy_ffscales f = dy_ff_scales(Z, A);
    const double tmin = m_a * m_a * m_a * m_a / (4.0 * e_gamma * e_gamma);
    const double d = f.d, ta = f.ta, dd = d - ta;
    return g * g * DY_ALPHA_EM * Z * Z / 8.0 * d * d / (dd * dd * dd) *
           ((d + 2.0 * tmin + ta) * DY_LOG((d + tmin) / (ta + tmin)) - 2.0 * dd) * DY_GEV2_TO_PB;
}

/* Fills p->par / p->ipar / p->dim (= 1); returns enum dy_primakoff_status (also in ipar[3]). */
DY_DEVICE int dy_proc_primakoff_setup(dy_params *p, const dy_primakoff_config *c)
{
    double M, tmin, tmax, thi, tcut;
    dy_ffscales f;
    int i;
    for (i = 0; i < DY_NPAR; ++i)
        p->par[i] = 0.0;
    p->dim = 1;
    p->ipar[0] = c->parity;
    p->ipar[1] = c->inelastic ? 1 : 0;
    p->ipar[2] = 0;
    p->par[DY_PRIM_EG] = c->e_gamma;
    p->par[DY_PRIM_MA] = c->m_a;
    p->par[DY_PRIM_G] = c->g;
    p->par[DY_PRIM_Z] = c->Z;
    p->par[DY_PRIM_A] = c->A;
    if (!(c->e_gamma > 0.0) || !(c->m_a > 0.0) || !(c->g > 0.0) || !(c->Z >= 1.0) ||
        !(c->A >= 1.0) || c->parity < 0 || c->parity > DY_PRIM_SCALAR) {
        p->ipar[3] = DY_PRIM_BAD_INPUT;
        return DY_PRIM_BAD_INPUT;
    }
    M = (c->m_n > 0.0) ? c->m_n : c->A * DY_AMU_GEV;
    f = dy_ff_scales(c->Z, c->A);
    p->par[DY_PRIM_MN] = M;
    p->par[DY_PRIM_S] = M * M + 2.0 * M * c->e_gamma;
    p->par[DY_PRIM_TA] = f.ta;
    p->par[DY_PRIM_TAP] = f.tap;
    p->par[DY_PRIM_D] = f.d;
    if (!dy_primakoff_tlimits(c->e_gamma, c->m_a, M, &tmin, &tmax)) {
        p->ipar[3] = DY_PRIM_BELOW_THRESHOLD;
        return DY_PRIM_BELOW_THRESHOLD;
    }
    tcut = c->t_cut;
    if (!(tcut > 0.0)) tcut = 1.0e3 * (c->inelastic ? DY_FMAX(f.d, 0.71) : f.d);
    thi = DY_FMIN(tmax, tcut);
    if (!(thi > tmin)) { /* cut-off below t_min: nothing to integrate */
        p->ipar[3] = DY_PRIM_BAD_INPUT;
        return DY_PRIM_BAD_INPUT;
    }
    p->par[DY_PRIM_TMIN] = tmin;
    p->par[DY_PRIM_TMAX] = tmax;
    p->par[DY_PRIM_THI] = thi;
    p->par[DY_PRIM_TCUT] = tcut;
    p->par[DY_PRIM_LNRANGE] = DY_LOG(thi / tmin);
    /* dsigma/dt = alpha g^2 G2(t) s (t - t_min)(t_max - t)/(32 M^2 E^2 t^2)  (docs §3.1) */
    p->par[DY_PRIM_NORM] = DY_ALPHA_EM * c->g * c->g * p->par[DY_PRIM_S] /
                           (32.0 * M * M * c->e_gamma * c->e_gamma) * p->par[DY_PRIM_LNRANGE] *
                           DY_GEV2_TO_PB;
    p->ipar[3] = DY_PRIM_OK;
    return DY_PRIM_OK;
}

/* The unit-cube map of the integrand, shared with the event generator (host/physics/
 * primakoff_event.c): u[0] in (0,1) -> ln t uniform in (ln t_min, ln t_hi); t and t - t_min
 * (expm1: no cancellation near t_min).  Returns 0 when the point lies outside (bad set-up or u
 * at an edge: the integrand is 0 there). */
DY_DEVICE int dy_proc_primakoff_point(const dy_params *p, const double *u, double *t, double *dtm)
{
    double x;
    if (p->ipar[3] != DY_PRIM_OK || !(u[0] > 0.0 && u[0] < 1.0)) return 0;
    x = u[0] * p->par[DY_PRIM_LNRANGE];
    *t = p->par[DY_PRIM_TMIN] * DY_EXP(x);
    *dtm = p->par[DY_PRIM_TMIN] * DY_EXPM1(x);
    return 1;
}

/* u[0] in (0,1) -> ln t uniform in (ln t_min, ln t_hi).  Returns dsigma/du in pb.
 * Pseudoscalar and scalar give the same |M|^2 for a spin-0 coherent nucleus (docs §3.1), so
 * ipar[0] only labels the sample.  G2 = Z^2 F_el^2 (+ inelastic term if ipar[1]).
 * obs[0] = x = E_a/E, obs[1] = theta_a (lab), obs[2] = t (GeV^2), obs[3] = recoil kinetic energy
 * t/(2M). */
DY_DEVICE double dy_proc_primakoff_eval(const dy_params *p, const double *u, double *obs,
                                        dy_u32 nobs)
{
    const double *par = p->par;
    const double E = par[DY_PRIM_EG], m = par[DY_PRIM_MA], M = par[DY_PRIM_MN];
    const double tmax = par[DY_PRIM_TMAX];
    double t, dtm, g2t2, T, ea, pa, sum, omc;
    dy_ffscales f;
    obs[0] = 0.0;
    obs[1] = 0.0;
    obs[2] = 0.0;
    obs[3] = 0.0;
    if (!dy_proc_primakoff_point(p, u, &t, &dtm)) return 0.0; /* t - t_min: dtm */
    f.Z = par[DY_PRIM_Z];
    f.ta = par[DY_PRIM_TA];
    f.tap = par[DY_PRIM_TAP];
    f.d = par[DY_PRIM_D];
    g2t2 = dy_ff_g2_over_t2(&f, t, p->ipar[1]); /* G2/t^2 without t^2/t^2 cancellation */
    /* observables: recoil T = t/(2M), E_a = E - T; polar angle from
     * 1 - cos = [t - 2 m^2 T/(E_a + p_a) - m^4/(E_a + p_a)^2]/(2 E p_a)  (docs §3.2) */
    T = t / (2.0 * M);
    ea = E - T;
    pa = DY_SQRT(DY_FMAX((ea - m) * (ea + m), 0.0));
    sum = ea + pa;
    omc = (pa > 0.0) ? (t - 2.0 * m * m * T / sum - m * m * m * m / (sum * sum)) / (2.0 * E * pa)
                     : 0.0;
    omc = DY_FMIN(DY_FMAX(omc, 0.0), 2.0);
    obs[0] = ea / E;
    obs[1] = nobs > 1 ? 2.0 * asin(DY_SQRT(0.5 * omc)) : 0.0; /* asin only when asked */
    obs[2] = t;
    obs[3] = T;
    /* dsigma/du = t dsigma/dt * ln(t_hi/t_min); NORM holds the constants and the ln range */
    return par[DY_PRIM_NORM] * t * dtm * DY_FMAX(tmax - t, 0.0) * g2t2;
}

#endif
