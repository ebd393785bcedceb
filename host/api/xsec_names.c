/* xsec_names.c — option names of `darkyield xsec` to a dy_xsec_request (api/xsec_names.h). */
#include "api/xsec_names.h"
#include <stdlib.h>
#include <string.h>
#include "physics/brem_ww.h"
#include "physics/couplings.h"
#include "physics/materials.h"

static const char *const k_dm_kinds[] = {"dirac", "scalar", "majorana", "inelastic"};

const char *dy_xsec_dm_kind_name(int kind)
{
    return kind >= 0 && kind < 4 ? k_dm_kinds[kind] : "?";
}

dy_status dy_xsec_names_process(const char *process, dy_xsec_request *r, dy_error *err)
{
    if (!process || !strcmp(process, "brem"))
        r->process = DY_XPROC_BREM;
    else if (!strcmp(process, "annihilation"))
        r->process = DY_XPROC_ANNIHILATION;
    else if (!strcmp(process, "primakoff"))
        r->process = DY_XPROC_PRIMAKOFF;
    else if (!strcmp(process, "compton"))
        r->process = DY_XPROC_COMPTON;
    else
        return dy_error_set(err, DY_ERR_INVALID,
                            "process '%s': expected brem, annihilation, primakoff or compton",
                            process);
    return DY_OK;
}

dy_status dy_xsec_names_model(const char *process, const char *mediator, dy_xsec_request *r,
                              dy_error *err)
{
    (void)process;
    if (r->process == DY_XPROC_BREM) {
        const int m = mediator ? dy_model_from_name(mediator) : DY_MODEL_DARK_PHOTON;
        if (m < 0 || m == DY_MODEL_ALP)
            return dy_error_set(err, DY_ERR_INVALID,
                                "mediator '%s': expected vector, lmu-ltau, b-l, scalar, "
                                "pseudoscalar or axial",
                                mediator);
        r->model = m;
    } else if (r->process == DY_XPROC_PRIMAKOFF) {
        r->inelastic = 0; /* elastic (Tsai) by default */
        if (mediator && strcmp(mediator, "pseudoscalar") && strcmp(mediator, "scalar"))
            return dy_error_set(err, DY_ERR_INVALID,
                                "mediator: primakoff takes pseudoscalar or scalar");
        r->mediator = mediator && !strcmp(mediator, "scalar") ? 1 : 0;
        r->model = DY_MODEL_ALP;
    } else if (mediator && r->process == DY_XPROC_COMPTON) {
        return dy_error_set(err, DY_ERR_INVALID,
                            "mediator does not apply to compton (the dark photon A' only)");
    } else if (mediator) {
        return dy_error_set(err, DY_ERR_INVALID,
                            "mediator does not apply to annihilation (the dark photon A'; "
                            "dm-kind and final-state choose the final state)");
    }
    return DY_OK;
}

dy_status dy_xsec_names_lepton(const char *lepton, dy_xsec_request *r, dy_error *err)
{
    if (lepton && strcmp(lepton, "e") && strcmp(lepton, "mu"))
        return dy_error_set(err, DY_ERR_INVALID, "lepton '%s': expected e or mu", lepton);
    r->lepton = lepton && !strcmp(lepton, "mu");
    return DY_OK;
}

dy_status dy_xsec_names_form_factor(const char *ff, dy_xsec_request *r, dy_error *err)
{
    if (!ff) return DY_OK;
    if (!strcmp(ff, "elastic"))
        r->inelastic = 0;
    else if (!strcmp(ff, "elastic+inelastic"))
        r->inelastic = 1;
    else
        return dy_error_set(err, DY_ERR_INVALID,
                            "form-factor '%s': expected elastic or elastic+inelastic", ff);
    return DY_OK;
}

dy_status dy_xsec_names_target(const char *s, dy_xsec_request *r, dy_error *err)
{
    if (!s) {
        if (r->process != DY_XPROC_ANNIHILATION && r->process != DY_XPROC_COMPTON)
            return dy_error_set(err, DY_ERR_INVALID, "target is required");
        s = "1,1.008"; /* per electron: the target only matters per atom */
    }
    if (strchr(s, ',')) { /* Z,A: decimal numbers, the whole string parsed, nothing cut */
        char *end;
        const double Z = strtod(s, &end);
        const double A = *end == ',' && end != s ? strtod(end + 1, &end) : 0.0;
        const char *c = strchr(s, ',');
        const int digits = (s[0] >= '0' && s[0] <= '9') && (c[1] >= '0' && c[1] <= '9');
        if (!digits || *end || !(Z >= 1.0) || !(A >= Z) || !(A < 1e4))
            return dy_error_set(err, DY_ERR_INVALID, "target '%s': expected Z,A with A >= Z >= 1",
                                s);
        r->Z = Z;
        r->A = A;
        return DY_OK;
    }
    dy_material m;
    const dy_status st = dy_material_lookup(s, &m, err);
    if (st != DY_OK) return st;
    if (m.n_elem != 1)
        return dy_error_set(err, DY_ERR_INVALID,
                            "target '%s' is a compound or mixture; cross sections are per atom "
                            "of one element (use Z,A)",
                            s);
    r->Z = m.Z[0];
    r->A = m.A[0];
    return DY_OK;
}

dy_status dy_xsec_names_annihilation(const char *dm_kind, const char *final_state,
                                     const char *channel, dy_xsec_request *r, dy_error *err)
{
    if (dm_kind) {
        r->dm_kind = -1;
        for (int i = 0; i < 4; ++i)
            if (!strcmp(dm_kind, k_dm_kinds[i])) r->dm_kind = i;
        if (r->dm_kind < 0)
            return dy_error_set(err, DY_ERR_INVALID,
                                "dm-kind '%s': expected dirac, scalar, majorana or inelastic",
                                dm_kind);
    }
    if (final_state) {
        if (!strcmp(final_state, "invisible"))
            r->visible = 0;
        else if (!strcmp(final_state, "ee"))
            r->visible = 1;
        else if (!strcmp(final_state, "mumu"))
            r->visible = 2;
        else
            return dy_error_set(err, DY_ERR_INVALID,
                                "final-state '%s': expected invisible, ee or mumu", final_state);
    }
    if (channel) {
        if (!strcmp(channel, "resonant"))
            r->channel = 0;
        else if (!strcmp(channel, "gamma"))
            r->channel = 1;
        else
            return dy_error_set(err, DY_ERR_INVALID, "channel '%s': expected resonant or gamma",
                                channel);
    }
    return DY_OK;
}

dy_status dy_xsec_names_ww_tmax(const char *tmax, dy_xsec_request *r, dy_error *err)
{
    if (!tmax) return DY_OK;
    if (!strcmp(tmax, "m2"))
        r->ww_tmax = DY_BREM_TMAX_M2;
    else if (!strcmp(tmax, "E0sq"))
        r->ww_tmax = DY_BREM_TMAX_E02;
    else
        return dy_error_set(err, DY_ERR_INVALID,
                            "ww-tmax '%s': expected m2 (m^2 + m_l^2) or E0sq (E0^2)", tmax);
    if (r->process != DY_XPROC_BREM)
        return dy_error_set(err, DY_ERR_INVALID, "ww-tmax applies to process brem");
    return DY_OK;
}
