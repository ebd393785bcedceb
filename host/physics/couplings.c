/* couplings.c — the table of models and their couplings (couplings.h).  The normalisations:
 * kinetic mixing L ⊃ eps e A'_mu J^mu_em gives alpha_X = eps^2 alpha (Holdom, PLB 166 (1986) 196;
 * BEST09 = Bjorken, Essig, Schuster, Toro, PRD 80 (2009) 075018); a gauge boson with
 * L ⊃ g Z'_mu J^mu_X couples to the lepton with g (charge 1 under L_mu - L_tau and B - L), so
 * alpha_X = g^2/4pi (He, Joshi, Lew, Volkas, PRD 43 (1991) R22; Gninenko, Krasnikov, Matveev,
 * PRD 91 (2015) 095015); S, P, A as in docs/physics-brem.md §1; ALP L ⊃ -(g/4) a F Fdual. */
#include "physics/couplings.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "dy_portable.h"
#include "physics/dy_constants.h"

static const dy_coupling_info k_models[DY_MODEL_COUNT] = {
    {"vector", "kinetically mixed dark photon A'", "eps", "1",
     "L includes eps e A'_mu J^mu_em (kinetic mixing), alpha_X = eps^2 alpha", 0, 1, 1.0},
    {"lmu-ltau", "L_mu - L_tau gauge boson Z'", "g_Z'", "1",
     "L includes g_Z' Z'_mu J^mu_(Lmu-Ltau) (muon charge +1), alpha_X = g_Z'^2/(4 pi)", 0, 0,
     1.0 / (4.0 * DY_PI * DY_ALPHA_EM)},
    {"b-l", "B - L gauge boson Z'", "g_B-L", "1",
     "L includes g_B-L Z'_mu J^mu_(B-L) (lepton charge -1), alpha_X = g_B-L^2/(4 pi)", 0, 1,
     1.0 / (4.0 * DY_PI * DY_ALPHA_EM)},
    {"scalar", "scalar coupled to leptons", "g_S", "1",
     "L includes -g_S phi lbar l, alpha_X = g_S^2/(4 pi)", 1, 1, 1.0},
    {"pseudoscalar", "pseudoscalar coupled to leptons", "g_P", "1",
     "L includes -i g_P a lbar g5 l, alpha_X = g_P^2/(4 pi)", 2, 1, 1.0},
    {"axial", "axial vector coupled to leptons", "g_A", "1",
     "L includes g_A A_mu lbar g^mu g5 l, alpha_X = g_A^2/(4 pi)", 3, 1, 1.0},
    {"alp", "axion-like particle coupled to photons", "g_agg", "GeV^-1",
     "L includes -(g_agg/4) a F Fdual, g_agg in GeV^-1", -1, 0, 1.0},
};

const dy_coupling_info *dy_coupling_info_of(dy_model m)
{
    return (m >= 0 && m < DY_MODEL_COUNT) ? &k_models[m] : NULL;
}

int dy_model_from_name(const char *name)
{
    for (int i = 0; name && i < DY_MODEL_COUNT; ++i)
        if (!strcmp(name, k_models[i].model)) return i;
    return -1;
}

double dy_coupling_alpha_x(dy_model m, double g)
{
    if (m == DY_MODEL_DARK_PHOTON) return g * g * DY_ALPHA_EM;
    if (m == DY_MODEL_ALP || !dy_coupling_info_of(m)) return NAN;
    return g * g / (4.0 * DY_PI);
}

double dy_coupling_kernel_scale(dy_model m, double g)
{
    const dy_coupling_info *c = dy_coupling_info_of(m);
    return c ? c->kernel_factor * g * g : NAN;
}

double dy_coupling_kernel_value(dy_model m, double g)
{
    const dy_coupling_info *c = dy_coupling_info_of(m);
    return c ? sqrt(c->kernel_factor) * g : NAN;
}

dy_status dy_coupling_check(dy_model m, double g, const char *what, dy_error *err)
{
    const dy_coupling_info *c = dy_coupling_info_of(m);
    if (!c) return dy_error_set(err, DY_ERR_INVALID, "%s: unknown model %d", what, (int)m);
    if (!(g >= DY_COUPLING_MIN && g <= DY_COUPLING_MAX))
        return dy_error_set(err, DY_ERR_INVALID,
                            "%s: %s = %g%s%s is outside [%g, %g]: results scale as %s^2 and would "
                            "underflow to 0 or overflow (compute at a coupling in range and "
                            "rescale by (%s/%s_0)^2)",
                            what, c->name, g, strcmp(c->unit, "1") ? " " : "",
                            strcmp(c->unit, "1") ? c->unit : "", DY_COUPLING_MIN, DY_COUPLING_MAX,
                            c->name, c->name, c->name);
    return DY_OK;
}

int dy_coupling_format(dy_model m, double g, char *buf, int size)
{
    const dy_coupling_info *c = dy_coupling_info_of(m);
    if (!c) return snprintf(buf, (size_t)size, "coupling = %.10g", g);
    return snprintf(buf, (size_t)size, "%s = %.10g%s%s", c->name, g,
                    strcmp(c->unit, "1") ? " " : "", strcmp(c->unit, "1") ? c->unit : "");
}
