/* xsec.c — process set-up for cross-section requests: validation with clear messages, engine
 * parameters per process, the WW-family approximations, default histograms. */
#include "xsec.h"
#include <math.h>
#include <string.h>
#include "brem_ww.h"
#include "dy_process_table.h"

static const char *const method_names[DY_XM_COUNT] = {"etl", "ww", "iww", "hiww", "bw", "nwa"};

void dy_xsec_request_default(dy_xsec_request *r)
{
    memset(r, 0, sizeof *r);
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
    case DY_XPROC_ANNIHILATION: return m == DY_XM_ETL || m == DY_XM_BW || m == DY_XM_NWA;
    default: return m == DY_XM_ETL;
    }
}

static dy_status check_common(const dy_xsec_request *r, dy_error *err)
{
    if (!(r->energy > 0.0) || !isfinite(r->energy))
        return dy_error_set(err, DY_ERR_INVALID, "energy %g GeV: must be positive", r->energy);
    if (!(r->mass > 0.0) || !isfinite(r->mass))
        return dy_error_set(err, DY_ERR_INVALID, "mass %g GeV: must be positive", r->mass);
    if (!(r->coupling > 0.0) || !isfinite(r->coupling))
        return dy_error_set(err, DY_ERR_INVALID, "coupling %g: must be positive", r->coupling);
    if (!(r->Z >= 1.0 && r->Z <= 120.0) || !(r->A >= r->Z))
        return dy_error_set(err, DY_ERR_INVALID, "target Z=%g, A=%g: need 1 <= Z <= 120, A >= Z",
                            r->Z, r->A);
    return DY_OK;
}

static dy_status setup_brem(const dy_xsec_request *r, dy_params *p, dy_error *err)
{
    const double ml = r->lepton ? DY_M_MU : DY_M_E;
    if (r->mediator < 0 || r->mediator > 3)
        return dy_error_set(err, DY_ERR_INVALID, "brem: unknown mediator %d", r->mediator);
    /* kinematic limit: E_X = x E0 >= m and x <= 1 - m_l/E0  (pitfall P1) */
    if (r->mass >= r->energy - ml)
        return dy_error_set(err, DY_ERR_INVALID,
                            "brem: mass %g GeV is above the kinematic limit E - m_l = %g GeV",
                            r->mass, r->energy - ml);
    memset(p, 0, sizeof *p);
    dy_proc_brem_setup(p, r->lepton, r->mediator, r->Z, r->A, r->energy, r->mass, r->coupling,
                       r->inelastic);
    p->process = DY_PROC_brem;
    return DY_OK;
}

dy_status dy_xsec_setup(const dy_xsec_request *r, dy_params *p, dy_error *err)
{
    dy_status s = check_common(r, err);
    if (s != DY_OK) return s;
    switch (r->process) {
    case DY_XPROC_BREM: return setup_brem(r, p, err);
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
    if (r->process != DY_XPROC_BREM || method < DY_XM_WW || method > DY_XM_HIWW)
        return dy_error_set(err, DY_ERR_INVALID, "method %s does not apply to %s",
                            dy_xsec_method_name(method), dy_xsec_process_name(r->process));
    if (r->mass >= r->energy - (r->lepton ? DY_M_MU : DY_M_E))
        return dy_error_set(err, DY_ERR_INVALID, "brem: mass %g GeV is above the kinematic limit",
                            r->mass);
    dy_brem_ww_input in;
    dy_brem_ww_input_default(&in, r->lepton, r->mediator, r->Z, r->A, r->energy, r->mass);
    in.coupling = r->coupling;
    in.inelastic = r->inelastic;
    /* t_max: electrons need E0^2 (t_max = m^2 + m_e^2 cuts the flux below sqrt(d), pitfall P2);
     * muons use m^2 + m_mu^2 as DMG4 DarkZ does. */
    in.tmax_mode = r->lepton ? DY_BREM_TMAX_M2 : DY_BREM_TMAX_E02;
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
    default: break;
    }
}
