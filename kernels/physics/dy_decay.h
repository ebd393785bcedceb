/* dy_decay.h — lab decay length and the probabilities that a particle produced at z = 0 decays
 * inside [z1, z2] or survives beyond z2.  Written to stay exact in both limits: expm1 when the
 * decay length l >> z (no 1 - (1 - eps) cancellation) and log space when l << z (the linear
 * probability then underflows to 0, which is its correct double value; the log keeps the number).
 * Formulas: reference §4.3; details in docs/physics-annihilation-primakoff.md §4. */
#ifndef DY_DECAY_H
#define DY_DECAY_H
#include "../dy_portable.h"
#include "dy_constants.h"
#include "dy_dark_widths.h"

/* Lab decay length l = (p/m) hbar c/Gamma in cm (p = lab momentum, m = mass, Gamma = total width,
 * all GeV).  Gamma <= 0 -> +inf (stable). */
DY_DEVICE double dy_decay_length_cm(double p, double m, double gamma)
{
    if (!(gamma > 0.0)) return HUGE_VAL;
    return p / m * DY_HBARC_GEV_CM / gamma;
}

/* ALP of energy E, mass m, coupling g (GeV^-1): l = 64 pi hbar c p/(g^2 m^4)  [ref §4.3]. */
DY_DEVICE double dy_alp_decay_length_cm(double e, double m, double g)
{
    const double p = DY_SQRT(DY_FMAX((e - m) * (e + m), 0.0));
    return dy_decay_length_cm(p, m, dy_width_alp_gg(m, g));
}

/* log(1 - exp(-x)) for x > 0 without cancellation (Maechler's log1mexp: the switch at ln 2
 * keeps full precision on both sides); -inf at x = 0. */
DY_DEVICE double dy_log1mexp(double x)
{
    if (!(x > 0.0)) return -HUGE_VAL;
    return (x <= 0.693147180559945309) ? DY_LOG(-DY_EXPM1(-x)) : DY_LOG1P(-DY_EXP(-x));
}

/* ln P(decay in [z1, z2]) = -z1/l + ln(1 - exp(-(z2 - z1)/l)); z measured from the production
 * point, 0 <= z1 <= z2 (z1 < 0 is clamped to 0).  l = +inf or z2 <= z1 -> -inf. */
DY_DEVICE double dy_decay_log_prob_in(double z1, double z2, double l)
{
    const double a = DY_FMAX(z1, 0.0);
    if (!(z2 > a) || !(l > 0.0)) return -HUGE_VAL;
    return -a / l + dy_log1mexp((z2 - a) / l);
}

/* P(decay in [z1, z2]) = exp(-z1/l) (1 - exp(-(z2 - z1)/l)) = exp(-z1/l) (-expm1(-(z2-z1)/l)).
 * For l >> z this is (z2 - z1)/l to full precision; for l << z1 it underflows to 0 (exact double).
 */
DY_DEVICE double dy_decay_prob_in(double z1, double z2, double l)
{
    const double a = DY_FMAX(z1, 0.0);
    if (!(z2 > a) || !(l > 0.0)) return 0.0;
    return DY_EXP(-a / l) * (-DY_EXPM1(-(z2 - a) / l));
}

/* ln P(no decay before z2) = -z2/l. */
DY_DEVICE double dy_decay_log_prob_escape(double z2, double l)
{
    if (!(l > 0.0)) return (z2 > 0.0) ? -HUGE_VAL : 0.0;
    return -DY_FMAX(z2, 0.0) / l;
}

/* P(no decay before z2) = exp(-z2/l). */
DY_DEVICE double dy_decay_prob_escape(double z2, double l)
{
    return DY_EXP(dy_decay_log_prob_escape(z2, l));
}

/* P(decay before z) = 1 - exp(-z/l) = -expm1(-z/l) (exact for both l >> z and l << z). */
DY_DEVICE double dy_decay_prob_before(double z, double l)
{
    if (!(l > 0.0)) return (z > 0.0) ? 1.0 : 0.0;
    return -DY_EXPM1(-DY_FMAX(z, 0.0) / l);
}

#endif
