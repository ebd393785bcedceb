/* dy_formfactors.h — nuclear/atomic form factors of a target of charge Z, mass number A.
 * Sources: Y.-S. Tsai, Rev. Mod. Phys. 46, 815 (1974); Bjorken, Essig, Schuster, Toro,
 * PRD 80, 075018 (2009), App. A (Eqs. A18, A19); inelastic term as corrected in
 * Blinov et al. (PETITE), arXiv:2401.06843, App. B (Eqs. B.2, B.3).  t = -q^2 > 0 in GeV^2. */
#ifndef DY_FORMFACTORS_H
#define DY_FORMFACTORS_H
#include "../dy_portable.h"
#include "dy_constants.h"

/* Screening and size scales for (Z, A), precomputed once on the host and carried in par[]. */
typedef struct dy_ffscales {
    double Z;
    double ta;  /* 1/a^2,  a  = 111 Z^{-1/3}/m_e   (atomic screening, elastic) */
    double tap; /* 1/a'^2, a' = 773 Z^{-2/3}/m_e   (atomic screening, inelastic) */
    double d;   /* 0.164 A^{-2/3} GeV^2             (nuclear size) */
} dy_ffscales;

DY_DEVICE dy_ffscales dy_ff_scales(double Z, double A)
{
    dy_ffscales s;
    const double a = 111.0 * DY_POW(Z, -1.0 / 3.0) / DY_M_E;
    const double ap = 773.0 * DY_POW(Z, -2.0 / 3.0) / DY_M_E;
    s.Z = Z;
    s.ta = 1.0 / (a * a);
    s.tap = 1.0 / (ap * ap);
    s.d = 0.164 * DY_POW(A, -2.0 / 3.0);
    return s;
}

/* Elastic form factor F(t) (charge-normalised, F -> 1 for t_a << t << d):
 * atomic screening a^2 t/(1 + a^2 t) times nuclear dipole-like 1/(1 + t/d)  [BEST09 A18]. */
DY_DEVICE double dy_ff_elastic(const dy_ffscales *s, double t)
{
    return t / (s->ta + t) / (1.0 + t / s->d);
}

/* G2 elastic = Z^2 F^2  [BEST09 Eq. A18]. */
DY_DEVICE double dy_ff_g2_elastic(const dy_ffscales *s, double t)
{
    const double f = dy_ff_elastic(s, t);
    return s->Z * s->Z * f * f;
}

/* G2 inelastic (quasi-elastic protons) = Z (a'^2 t/(1+a'^2 t))^2 (1 + tau(mu_p^2 - 1))/(1 +
 * t/0.71)^4, tau = t/(4 m_p^2)  [BEST09 A19 as corrected in arXiv:2401.06843 Eqs. B.2-B.3]. */
DY_DEVICE double dy_ff_g2_inelastic(const dy_ffscales *s, double t)
{
    const double scr = t / (s->tap + t);
    const double dip = 1.0 + t / 0.71;
    const double dip2 = dip * dip;
    return s->Z * scr * scr * (1.0 + t * (DY_MU_P * DY_MU_P - 1.0) / (4.0 * DY_M_P * DY_M_P)) /
           (dip2 * dip2);
}

/* G2(t)/t^2 without the t^2/t^2 cancellation at tiny t (PETITE's form). */
DY_DEVICE double dy_ff_g2_over_t2(const dy_ffscales *s, double t, int with_inelastic)
{
    const double el = s->Z / (s->ta + t) / (1.0 + t / s->d);
    double r = el * el;
    if (with_inelastic) {
        const double dip = 1.0 + t / 0.71;
        const double dip2 = dip * dip;
        const double in = 1.0 / (s->tap + t);
        r += s->Z * in * in * (1.0 + t * (DY_MU_P * DY_MU_P - 1.0) / (4.0 * DY_M_P * DY_M_P)) /
             (dip2 * dip2);
    }
    return r;
}

#endif
