/* xsec.c — process set-up for cross-section requests: validation with clear messages, engine
 * parameters per process, the WW-family approximations, default histograms. */
#include "xsec.h"
#include <math.h>
#include <string.h>
#include <stdio.h>
#include "annih_bound.h"
#include "brem_ww.h"
#include "rratio.h"
#include "couplings.h"
#include "dy_process_table.h"

static const char *const method_names[DY_XM_COUNT] = {"etl", "ww",  "iww",    "hiww",
                                                      "bw",  "nwa", "closed", "bound"};

void dy_xsec_request_default(dy_xsec_request *r)
{
    memset(r, 0, sizeof *r);
    r->model = DY_MODEL_DARK_PHOTON;
    r->ww_tmax = DY_BREM_TMAX_M2;
    r->ww_theta_max = 0.3;
    r->inelastic = 1;
    r->coupling = 1.0;
    r->alpha_d = 0.1;
    r->dm_mass = -1.0; /* < 0: m/3 */
    r->dm_splitting = 0.1;
}

const char *dy_xsec_process_name(int process)
{
    return process == DY_XPROC_BREM           ? "brem"
           : process == DY_XPROC_ANNIHILATION ? "annihilation"
           : process == DY_XPROC_PRIMAKOFF    ? "primakoff"
           : process == DY_XPROC_COMPTON      ? "compton"
                                              : "?";
}

const char *dy_xsec_method_name(int m)
{
    return (m >= 0 && m < DY_XM_COUNT) ? method_names[m] : "?";
}

int dy_xsec_method_from_name(const char *s)
{
    for (int m = 0; m < DY_XM_COUNT; ++m)
        if (!strcmp(s, method_names[m])) return m;
    return -1;
}

int dy_xsec_method_valid(const dy_xsec_request *r, int m)
{
    switch (r->process) {
    case DY_XPROC_BREM: return m == DY_XM_ETL || m == DY_XM_WW || m == DY_XM_IWW || m == DY_XM_HIWW;
    case DY_XPROC_ANNIHILATION: return m == DY_XM_BW || m == DY_XM_NWA || m == DY_XM_BOUND;
    default: return m == DY_XM_ETL || m == DY_XM_CLOSED;
    }
}

static dy_status check_common(const dy_xsec_request *r, dy_error *err)
{
    if (!(r->energy > 0.0) || !isfinite(r->energy))
        return dy_error_set(err, DY_ERR_INVALID, "energy %g GeV: must be positive", r->energy);
    if (!(r->mass > 0.0) || !isfinite(r->mass))
        return dy_error_set(err, DY_ERR_INVALID, "mass %g GeV: must be positive", r->mass);
    const dy_status s = dy_coupling_check(r->model, r->coupling, "coupling", err);
    if (s != DY_OK) return s;
    if (!(r->Z >= 1.0 && r->Z <= 120.0) || !(r->A >= r->Z))
        return dy_error_set(err, DY_ERR_INVALID, "target Z=%g, A=%g: need 1 <= Z <= 120, A >= Z",
                            r->Z, r->A);
    const dy_coupling_info *ci = dy_coupling_info_of(r->model);
    if (r->process == DY_XPROC_BREM && ci->brem_mediator < 0)
        return dy_error_set(err, DY_ERR_INVALID, "brem: the %s (%s) is not radiated by leptons",
                            ci->model, ci->particle);
    if (r->process == DY_XPROC_BREM && !r->lepton && !ci->couples_to_e)
        return dy_error_set(err, DY_ERR_INVALID,
                            "brem: the %s (%s) does not couple to electrons; use --lepton mu",
                            ci->model, ci->particle);
    if (r->process == DY_XPROC_ANNIHILATION && r->model != DY_MODEL_DARK_PHOTON)
        return dy_error_set(err, DY_ERR_INVALID,
                            "annihilation is computed for the dark photon A' (coupling eps) only, "
                            "not %s",
                            ci->model);
    if (r->process == DY_XPROC_COMPTON && r->model != DY_MODEL_DARK_PHOTON)
        return dy_error_set(
            err, DY_ERR_INVALID,
            "compton is computed for the dark photon A' (coupling eps) only, not %s", ci->model);
    if (r->process == DY_XPROC_PRIMAKOFF && r->model != DY_MODEL_ALP)
        return dy_error_set(err, DY_ERR_INVALID,
                            "primakoff produces the alp (coupling g_agg in GeV^-1), not %s",
                            ci->model);
    if (r->process == DY_XPROC_BREM && !(r->ww_theta_max > 0.0 && r->ww_theta_max <= DY_PI))
        return dy_error_set(err, DY_ERR_INVALID, "WW theta_max %g rad: need 0 < theta_max <= pi",
                            r->ww_theta_max);
    return DY_OK;
}

/* Brem needs sqrt(s) = sqrt(M^2 + m_l^2 + 2 M E0) >= M + m_l + m (the recoiling nucleus): below
 * E_thr = a + (a^2 - m_l^2)/(2M), a = m + m_l, no point of phase space is physical. */
static double brem_threshold(double ml, double m, double A)
{
    const double M = A * DY_AMU_GEV, a = m + ml;
    return a + (a - ml) * (a + ml) / (2.0 * M);
}

static dy_status setup_brem(dy_xsec_request *r, dy_params *p, dy_error *err)
{
    const double ml = r->lepton ? DY_M_MU : DY_M_E;
    const dy_coupling_info *ci = dy_coupling_info_of(r->model);
    /* kinematic limit: E_X = x E0 >= m and x <= 1 - m_l/E0  (pitfall P1) */
    if (r->mass >= r->energy - ml)
        return dy_error_set(err, DY_ERR_INVALID,
                            "brem: mass %g GeV is above the kinematic limit E - m_l = %g GeV",
                            r->mass, r->energy - ml);
    memset(p, 0, sizeof *p);
    /* the kernel's coupling gives the model's alpha_X (physics/couplings.c) */
    dy_proc_brem_setup(p, r->lepton, ci->brem_mediator, r->Z, r->A, r->energy, r->mass,
                       dy_coupling_kernel_value(r->model, r->coupling), r->inelastic);
    p->process = DY_PROC_brem;
    const double eth = brem_threshold(ml, r->mass, r->A);
    if (!(r->energy > eth))
        snprintf(r->zero_reason, sizeof r->zero_reason,
                 "E0 = %g GeV is below the brem threshold %.6g GeV (recoil of the nucleus, "
                 "M = %g GeV)",
                 r->energy, eth, r->A * DY_AMU_GEV);
    return DY_OK;
}

void dy_xsec_select_form(const dy_xsec_request *r, dy_params *p, const dy_histspec *h)
{
    if (r->process == DY_XPROC_BREM) dy_proc_brem_set_phi(p, h && h[3].nbins > 0);
}

const char *dy_xsec_method_unit(int method)
{
    return method == DY_XM_NWA ? "pb*GeV" : "pb";
}

static void annih_config(const dy_xsec_request *r, dy_annih_config *c)
{
    dy_annih_config_default(c);
    c->m_ap = r->mass;
    c->m_chi = r->dm_mass >= 0.0 ? r->dm_mass : r->mass / 3.0;
    c->delta = r->dm_splitting;
    c->eps = r->coupling;
    c->alpha_d = r->alpha_d;
    c->e_pos = r->energy;
    c->dm_kind = r->dm_kind;
    c->channel = r->channel == 1 ? DY_ANN_CH_GAMMA_AP
                 : r->visible    ? (r->visible == 2 ? DY_ANN_CH_MUMU : DY_ANN_CH_EE)
                                 : DY_ANN_CH_INVISIBLE;
    c->gamma_had = dy_width_ap_had(r->mass, r->coupling); /* R ratio: 0 below 2 m_pi */
}

static dy_status setup_annihilation(dy_xsec_request *r, dy_params *p, dy_error *err)
{
    dy_annih_config c;
    annih_config(r, &c);
    if (!(r->alpha_d >= 0.0) || (!r->visible && r->channel == 0 && !(r->alpha_d > 0.0)))
        return dy_error_set(err, DY_ERR_INVALID, "annihilation: alpha_D %g must be positive",
                            r->alpha_d);
    if (r->channel == 0 && !r->visible) {
        const double m2 = c.m_chi * (1.0 + (c.dm_kind == DY_DM_INELASTIC ? c.delta : 0.0));
        if (!(c.m_chi > 0.0) || c.m_chi + m2 >= r->mass)
            return dy_error_set(err, DY_ERR_INVALID,
                                "annihilation: dark-matter mass %g GeV: need 0 < m_chi1 + m_chi2 < "
                                "m_A' = %g GeV for the invisible decay",
                                c.m_chi, r->mass);
    }
    if (r->channel == 0 && r->mass <= 2.0 * DY_M_E)
        return dy_error_set(err, DY_ERR_INVALID, "annihilation: m_A' = %g GeV must exceed 2 m_e",
                            r->mass);
    memset(p, 0, sizeof *p);
    const int st = dy_proc_annihilation_setup(p, &c);
    p->process = DY_PROC_annihilation;
    r->zero_reason[0] = 0;
    if (st == DY_ANN_BELOW_THRESHOLD)
        snprintf(r->zero_reason, sizeof r->zero_reason, "E+ = %g GeV is below threshold",
                 r->energy);
    else if (st == DY_ANN_DECAY_CLOSED)
        snprintf(r->zero_reason, sizeof r->zero_reason,
                 "the A' cannot decay into this final state");
    else if (st != DY_ANN_OK)
        return dy_error_set(err, DY_ERR_INVALID, "annihilation: invalid parameters (E+ %g, m %g)",
                            r->energy, r->mass);
    return DY_OK;
}

static dy_status setup_primakoff(dy_xsec_request *r, dy_params *p, dy_error *err)
{
    dy_primakoff_config c;
    memset(&c, 0, sizeof c);
    c.e_gamma = r->energy;
    c.m_a = r->mass;
    c.g = r->coupling;
    c.Z = r->Z;
    c.A = r->A;
    c.parity = r->mediator == 1 ? DY_PRIM_SCALAR : DY_PRIM_PSEUDOSCALAR;
    c.inelastic = r->inelastic;
    memset(p, 0, sizeof *p);
    const int st = dy_proc_primakoff_setup(p, &c);
    p->process = DY_PROC_primakoff;
    r->zero_reason[0] = 0;
    if (st == DY_PRIM_BELOW_THRESHOLD)
        snprintf(r->zero_reason, sizeof r->zero_reason,
                 "E = %g GeV is below threshold m_a + m_a^2/2M", r->energy);
    else if (st != DY_PRIM_OK)
        return dy_error_set(err, DY_ERR_INVALID, "primakoff: invalid parameters");
    return DY_OK;
}

/* Dark Compton on a free electron at rest; per electron, or per atom (x Z) with --per-atom. */
static dy_status setup_compton(dy_xsec_request *r, dy_params *p, dy_error *err)
{
    dy_compton_config c;
    c.e_gamma = r->energy;
    c.m_ap = r->mass;
    c.eps = r->coupling;
    c.Z = r->per_atom ? r->Z : 1.0;
    memset(p, 0, sizeof *p);
    const int st = dy_proc_compton_setup(p, &c);
    p->process = DY_PROC_compton;
    r->zero_reason[0] = 0;
    if (st == DY_CMP_BELOW_THRESHOLD)
        snprintf(r->zero_reason, sizeof r->zero_reason,
                 "E = %g GeV is below the threshold m_A' + m_A'^2/(2 m_e) = %.6g GeV", r->energy,
                 r->mass + r->mass * r->mass / (2.0 * DY_M_E));
    else if (st != DY_CMP_OK)
        return dy_error_set(err, DY_ERR_INVALID, "compton: invalid parameters (E %g, m %g)",
                            r->energy, r->mass);
    return DY_OK;
}

dy_status dy_xsec_setup(dy_xsec_request *r, dy_params *p, dy_error *err)
{
    dy_status s = check_common(r, err);
    if (s != DY_OK) return s;
    r->zero_reason[0] = 0;
    switch (r->process) {
    case DY_XPROC_BREM: return setup_brem(r, p, err);
    case DY_XPROC_ANNIHILATION: return setup_annihilation(r, p, err);
    case DY_XPROC_PRIMAKOFF: return setup_primakoff(r, p, err);
    case DY_XPROC_COMPTON: return setup_compton(r, p, err);
    default:
        return dy_error_set(err, DY_ERR_INVALID, "process %s: no exact-tree-level integrand",
                            dy_xsec_process_name(r->process));
    }
}

dy_status dy_xsec_approx(const dy_xsec_request *r, int method, double *sigma_pb, double *err_pb,
                         dy_error *err)
{
    dy_status s = check_common(r, err);
    char msg[512] = "";
    if (s != DY_OK) return s;
    if (r->process == DY_XPROC_ANNIHILATION && method == DY_XM_NWA) {
        /* narrow width: int sigma dE+ = 2 pi^2 alpha eps^2 B / m_e (ref §2.3), per electron */
        dy_annih_config c;
        dy_params p;
        dy_xsec_request rr = *r;
        if ((s = setup_annihilation(&rr, &p, err)) != DY_OK) return s;
        annih_config(r, &c);
        const double b = c.channel == DY_ANN_CH_EE     ? p.par[DY_ANN_BEE]
                         : c.channel == DY_ANN_CH_MUMU ? p.par[DY_ANN_BMUMU]
                                                       : p.par[DY_ANN_BDM];
        if (c.channel == DY_ANN_CH_GAMMA_AP)
            return dy_error_set(err, DY_ERR_INVALID, "nwa applies to the resonant channel only");
        *sigma_pb = dy_annih_nwa_integral(r->mass, r->coupling, b) * (r->per_atom ? r->Z : 1.0);
        *err_pb = 0.0;
        return DY_OK;
    }
    if (r->process == DY_XPROC_ANNIHILATION && method == DY_XM_BOUND) {
        /* exact BW convolved with the Compton profile of --target and/or the ISR radiator */
        dy_annih_config c;
        dy_params p;
        dy_xsec_request rr = *r;
        dy_atomic_shells sh;
        if ((s = setup_annihilation(&rr, &p, err)) != DY_OK) return s;
        annih_config(r, &c);
        if (c.channel == DY_ANN_CH_GAMMA_AP)
            return dy_error_set(err, DY_ERR_INVALID, "bound applies to the resonant channel only");
        dy_annih_extras x = {NULL, r->isr};
        if (r->motion) {
            if ((s = dy_atomic_shells_element((int)lround(r->Z), &sh, err)) != DY_OK) return s;
            x.shells = &sh;
        }
        if ((s = dy_annih_sigma_extras(&c, &x, sigma_pb, err_pb, err)) != DY_OK) return s;
        *sigma_pb *= r->per_atom ? r->Z : 1.0;
        *err_pb *= r->per_atom ? r->Z : 1.0;
        return DY_OK;
    }
    if (r->process == DY_XPROC_PRIMAKOFF && method == DY_XM_CLOSED) {
        /* small-angle elastic closed form (ref §4.2) */
        *sigma_pb = r->energy > r->mass
                        ? dy_primakoff_sigma_closed(r->energy, r->mass, r->coupling, r->Z, r->A)
                        : 0.0;
        *err_pb = 0.0;
        return DY_OK;
    }
    if (r->process == DY_XPROC_COMPTON && method == DY_XM_CLOSED) {
        /* exact tree-level closed form (docs/physics-compton.md §3); 0 below threshold */
        *sigma_pb = dy_compton_sigma(r->energy, r->mass, r->coupling, r->per_atom ? r->Z : 1.0);
        *err_pb = 0.0;
        return DY_OK;
    }
    if (r->process != DY_XPROC_BREM || method < DY_XM_WW || method > DY_XM_HIWW)
        return dy_error_set(err, DY_ERR_INVALID, "method %s does not apply to %s",
                            dy_xsec_method_name(method), dy_xsec_process_name(r->process));
    if (r->mass >= r->energy - (r->lepton ? DY_M_MU : DY_M_E))
        return dy_error_set(err, DY_ERR_INVALID, "brem: mass %g GeV is above the kinematic limit",
                            r->mass);
    dy_brem_ww_input in;
    dy_brem_ww_input_default(&in, r->lepton, dy_coupling_info_of(r->model)->brem_mediator, r->Z,
                             r->A, r->energy, r->mass);
    in.coupling = dy_coupling_kernel_value(r->model, r->coupling);
    in.inelastic = r->inelastic;
    in.tmax_mode = r->ww_tmax; /* one rule for both leptons, recorded in every output */
    in.theta_max = r->ww_theta_max;
    const int m = method == DY_XM_WW    ? DY_BREM_METHOD_WW
                  : method == DY_XM_IWW ? DY_BREM_METHOD_IWW
                                        : DY_BREM_METHOD_HIWW;
    if (dy_brem_ww_sigma(&in, m, sigma_pb, err_pb, msg, sizeof msg))
        return dy_error_set(err, DY_ERR_NUMERIC, "brem %s: %s", dy_xsec_method_name(method), msg);
    return DY_OK;
}

static void hist(dy_histspec *h, double lo, double hi, unsigned n, int is_log)
{
    h->lo = lo;
    h->hi = hi;
    h->nbins = n;
    h->is_log = (dy_u32)is_log;
}

void dy_xsec_default_hists(const dy_xsec_request *r, dy_histspec h[DY_MAX_OBS],
                           const char *names[DY_MAX_OBS], const char *units[DY_MAX_OBS])
{
    memset(h, 0, DY_MAX_OBS * sizeof *h);
    for (int k = 0; k < DY_MAX_OBS; ++k)
        names[k] = units[k] = "";
    switch (r->process) {
    case DY_XPROC_BREM:
        hist(&h[0], 0.0, 1.0, 50, 0);
        names[0] = "x";
        units[0] = "1";
        hist(&h[1], -8.0, log10(DY_PI), 60, 1);
        names[1] = "theta_X";
        units[1] = "rad";
        hist(&h[2], 0.0, r->energy, 50, 0);
        names[2] = "E_lepton";
        units[2] = "GeV";
        hist(&h[3], -9.0, log10(DY_PI), 60, 1);
        names[3] = "theta_lepton";
        units[3] = "rad";
        break;
    case DY_XPROC_ANNIHILATION:
        hist(&h[0], -1.0, 1.0, 40, 0);
        names[0] = "cos_theta_star";
        units[0] = "1";
        hist(&h[1], 0.0, r->energy + DY_M_E, 50, 0);
        names[1] = "E_lab";
        units[1] = "GeV";
        hist(&h[2], -7.0, log10(DY_PI), 60, 1);
        names[2] = "theta_lab";
        units[2] = "rad";
        break;
    case DY_XPROC_PRIMAKOFF:
        hist(&h[1], -10.0, log10(DY_PI), 60, 1);
        names[1] = "theta_a";
        units[1] = "rad";
        hist(&h[2], -14.0, 1.0, 60, 1);
        names[2] = "t";
        units[2] = "GeV^2";
        break;
    case DY_XPROC_COMPTON:
        hist(&h[0], 0.0, 1.0, 50, 0);
        names[0] = "x";
        units[0] = "1";
        hist(&h[1], -8.0, log10(DY_PI), 60, 1);
        names[1] = "theta_Ap";
        units[1] = "rad";
        hist(&h[2], 0.0, r->energy, 50, 0);
        names[2] = "T_recoil";
        units[2] = "GeV";
        break;
    default: break;
    }
}
