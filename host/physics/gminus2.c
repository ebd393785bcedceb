/* gminus2.c — Z' one-loop (g-2)_mu and the coupling band (see gminus2.h, docs/limits.md §5). */
#include "physics/gminus2.h"
#include <gsl/gsl_integration.h>
#include <math.h>
#include "dy_portable.h"
#include "physics/dy_constants.h"

static double integrand(double x, void *vp)
{
    const double r2 = *(const double *)vp; /* (M/m)^2 */
    return x * x * (1.0 - x) / (x * x + r2 * (1.0 - x));
}

double dy_gm2_zprime(double g, double M)
{
    const double m = DY_M_MU;
    if (!(M >= 0.0)) return NAN;
    double r2 = (M / m) * (M / m);
    /* smooth on [0, 1] for any M (for M -> 0 it tends to 1 - x); 64-point Gauss-Legendre is
     * exact to ~1e-12 for M >~ 1e-3 m; use the small-M series below that */
    if (M < 1e-4 * m) return g * g / (8.0 * DY_PI * DY_PI);
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(128);
    if (!t) return NAN;
    gsl_function F = {integrand, &r2};
    const double I = gsl_integration_glfixed(&F, 0.0, 1.0, t);
    gsl_integration_glfixed_table_free(t);
    return g * g / (4.0 * DY_PI * DY_PI) * I;
}

dy_status dy_gm2_band_at(double M, double delta_a, double sigma, dy_gm2_band *out, dy_error *err)
{
    if (!(M > 0.0) || !(sigma >= 0.0) || !isfinite(delta_a))
        return dy_error_set(err, DY_ERR_INVALID,
                            "(g-2): need m_Z' > 0 and sigma >= 0 (got %g, %g, %g)", M, delta_a,
                            sigma);
    const double unit = dy_gm2_zprime(1.0, M); /* Delta a_mu scales as g^2 */
    const double k[5] = {0.0, -1.0, 1.0, -2.0, 2.0};
    double *v[5] = {&out->central, &out->lo1, &out->hi1, &out->lo2, &out->hi2};
    for (int i = 0; i < 5; ++i) {
        const double a = delta_a + k[i] * sigma;
        *v[i] = (a > 0.0 && unit > 0.0) ? sqrt(a / unit) : NAN;
    }
    return DY_OK;
}
