/* api_xsec.c — the public cross-section call (include/darkyield/dy_xsec.h): names turned into a
 * dy_xsec_request (physics/xsec.h), then the same engine integration or deterministic
 * approximation as `darkyield xsec` (host/cli/cmd_xsec.c) for every point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/xsec_hist2d.h"
#include "api/xsec_names.h"
#include "darkyield/dy_xsec.h"
#include "darkyield/dy_integrate.h"
#include "physics/couplings.h"
#include "physics/materials.h"
#include "physics/xsec.h"

void dy_xsec_spec_default(dy_xsec_spec *s)
{
    dy_xsec_request r;
    dy_xsec_request_default(&r);
    memset(s, 0, sizeof *s);
    s->coupling = r.coupling;
    s->alpha_d = r.alpha_d;
    s->dm_mass_GeV = 0.0; /* m/3 */
    s->dm_splitting = r.dm_splitting;
    s->ww_theta_max = r.ww_theta_max;
    s->precision = 1e-3;
    s->max_eval = 100000000ULL;
    s->seed = 1;
}

/* methods integrated on the engine: exact tree level, or the Breit-Wigner of annihilation */
static int on_engine(int m)
{
    return m == DY_XM_ETL || m == DY_XM_BW;
}

/* The request and method of a spec (every name checked), energy and mass still to be set. */
static dy_status request_of(const dy_xsec_spec *s, dy_xsec_request *r, int *method, dy_error *err)
{
    dy_status st;
    dy_xsec_request_default(r);
    if ((st = dy_xsec_names_process(s->process, r, err)) != DY_OK) return st;
    if ((st = dy_xsec_names_model(s->process, s->mediator, r, err)) != DY_OK) return st;
    if ((st = dy_xsec_names_lepton(s->lepton, r, err)) != DY_OK) return st;
    if ((st = dy_xsec_names_form_factor(s->form_factor, r, err)) != DY_OK) return st;
    if ((st = dy_xsec_names_target(s->target, r, err)) != DY_OK) return st;
    if ((st = dy_xsec_names_annihilation(s->dm_kind, s->final_state, s->channel, r, err)) != DY_OK)
        return st;
    if ((st = dy_xsec_names_ww_tmax(s->ww_tmax, r, err)) != DY_OK) return st;
    if (!(s->coupling > 0.0))
        return dy_error_set(err, DY_ERR_INVALID, "coupling %g: expected a positive number",
                            s->coupling);
    if (!(s->alpha_d > 0.0))
        return dy_error_set(err, DY_ERR_INVALID, "alpha_d %g: expected a positive number",
                            s->alpha_d);
    if (!(s->dm_splitting >= 0.0))
        return dy_error_set(err, DY_ERR_INVALID, "dm_splitting %g: expected >= 0", s->dm_splitting);
    if (!(s->ww_theta_max > 0.0) || s->ww_theta_max > 3.14159265358979323846)
        return dy_error_set(err, DY_ERR_INVALID,
                            "ww_theta_max %g: expected an angle in (0, pi] rad", s->ww_theta_max);
    if (!(s->precision > 0.0) || s->precision >= 1.0)
        return dy_error_set(err, DY_ERR_INVALID, "precision %g: expected 0 < p < 1", s->precision);
    if (s->max_eval < 4096)
        return dy_error_set(err, DY_ERR_INVALID, "max_eval %llu: expected >= 4096",
                            (unsigned long long)s->max_eval);
    if (s->per_atom && (r->process == DY_XPROC_ANNIHILATION || r->process == DY_XPROC_COMPTON) &&
        !s->target)
        return dy_error_set(err, DY_ERR_INVALID, "per_atom needs a target");
    r->coupling = s->coupling;
    r->alpha_d = s->alpha_d;
    r->dm_mass = s->dm_mass_GeV > 0.0 ? s->dm_mass_GeV : -1.0;
    r->dm_splitting = s->dm_splitting;
    r->per_atom = s->per_atom != 0;
    r->ww_theta_max = s->ww_theta_max;
    *method = r->process == DY_XPROC_ANNIHILATION ? DY_XM_BW : DY_XM_ETL;
    if (s->method) {
        *method = dy_xsec_method_from_name(s->method);
        if (*method < 0)
            return dy_error_set(err, DY_ERR_INVALID,
                                "method '%s': expected etl, ww, iww, hiww (brem), bw, nwa "
                                "(annihilation) or etl, closed (primakoff)",
                                s->method);
    }
    if (!dy_xsec_method_valid(r, *method))
        return dy_error_set(err, DY_ERR_INVALID, "method %s does not apply to process %s",
                            dy_xsec_method_name(*method), dy_xsec_process_name(r->process));
    return DY_OK;
}

_Static_assert(DY_XSEC_MAX_OBS == DY_MAX_OBS && DY_XSEC_MAX_BINS == DY_MAX_HBINS,
               "dy_xsec_histogram mirrors the engine's histograms");

/* The engine's histogram of one observable as densities per unit, times z (per atom). */
static void histogram_of(const dy_hist *h, const char *name, const char *unit, double z,
                         dy_xsec_histogram *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->unit, sizeof out->unit, "%s", unit);
    out->nbins = (int)h->spec.nbins;
    out->log_bins = h->spec.is_log != 0;
    for (int b = 0; b <= out->nbins; ++b) {
        const double t = h->spec.lo + (h->spec.hi - h->spec.lo) * b / out->nbins;
        out->edges[b] = out->log_bins ? pow(10.0, t) : t;
    }
    for (int b = 0; b < out->nbins; ++b) {
        const double w = out->edges[b + 1] - out->edges[b];
        out->dsigma[b] = z * h->content[b] / w;
        out->error[b] = z * h->error[b] / w;
    }
}

static dy_status compute(dy_engine *e, const dy_xsec_spec *s, size_t n, const double *energy_GeV,
                         const double *mass_GeV, dy_xsec_value *out, dy_xsec_histogram *hout,
                         dy_error *err);

dy_status dy_xsec_compute(dy_engine *e, const dy_xsec_spec *s, size_t n, const double *energy_GeV,
                          const double *mass_GeV, dy_xsec_value *out, dy_error *err)
{
    return compute(e, s, n, energy_GeV, mass_GeV, out, NULL, err);
}

dy_status dy_xsec_compute_histograms(dy_engine *e, const dy_xsec_spec *s, size_t n,
                                     const double *energy_GeV, const double *mass_GeV,
                                     dy_xsec_value *out, dy_xsec_histogram *hist, dy_error *err)
{
    if (n && !hist)
        return dy_error_set(err, DY_ERR_INVALID, "dy_xsec_compute_histograms: NULL histograms");
    return compute(e, s, n, energy_GeV, mass_GeV, out, hist, err);
}

static dy_status compute(dy_engine *e, const dy_xsec_spec *s, size_t n, const double *energy_GeV,
                         const double *mass_GeV, dy_xsec_value *out, dy_xsec_histogram *hout,
                         dy_error *err)
{
    dy_xsec_request r;
    int method = DY_XM_ETL;
    dy_status st;
    if (!s || (n && (!energy_GeV || !mass_GeV || !out)))
        return dy_error_set(err, DY_ERR_INVALID, "dy_xsec_compute: NULL argument");
    if ((st = request_of(s, &r, &method, err)) != DY_OK) return st;
    if (hout && !on_engine(method))
        return dy_error_set(err, DY_ERR_INVALID,
                            "histograms need a Monte-Carlo method (etl, or bw for annihilation), "
                            "not %s",
                            dy_xsec_method_name(method));
    if (n == 0) return DY_OK;
    dy_params *par = calloc(n, sizeof *par);
    dy_result *res = calloc(n, sizeof *res);
    dy_xsec_value *val = calloc(n, sizeof *val);
    dy_histspec *hs = hout ? calloc(n * DY_MAX_OBS, sizeof *hs) : NULL;
    dy_hist *hist = hout ? calloc(n * DY_MAX_OBS, sizeof *hist) : NULL;
    const char *hn[DY_MAX_OBS], *hu[DY_MAX_OBS];
    dy_engine *own = NULL;
    if (!par || !res || !val || (hout && (!hs || !hist))) {
        st = dy_error_set(err, DY_ERR_NOMEM, "dy_xsec_compute: out of memory for %zu points", n);
        goto done;
    }
    /* every point validated before any work: a bad mass fails the call, not a row */
    for (size_t i = 0; i < n; ++i) {
        if (!(energy_GeV[i] > 0.0) || !(mass_GeV[i] > 0.0)) {
            st = dy_error_set(err, DY_ERR_INVALID,
                              "point %zu: energy %g GeV, mass %g GeV: expected positive numbers", i,
                              energy_GeV[i], mass_GeV[i]);
            goto done;
        }
        r.energy = energy_GeV[i];
        r.mass = mass_GeV[i];
        if ((st = dy_xsec_setup(&r, &par[i], err)) != DY_OK) goto done;
        par[i].id = 0; /* streams keyed by content: a point's value never depends on the list */
        if (hs) dy_xsec_default_hists(&r, &hs[i * DY_MAX_OBS], hn, hu);
        /* brem: phi sampled (4-D) only for the recoil lepton's angle histogram */
        dy_xsec_select_form(&r, &par[i], hs ? &hs[i * DY_MAX_OBS] : NULL);
        val[i].energy_GeV = r.energy;
        val[i].mass_GeV = r.mass;
        val[i].unit = dy_xsec_method_unit(method);
        val[i].Z = r.Z;
        val[i].A = r.A;
        val[i].coupling_name = dy_coupling_info_of(r.model)->name;
        val[i].coupling_unit = dy_coupling_info_of(r.model)->unit;
        if (r.zero_reason[0]) snprintf(val[i].note, sizeof val[i].note, "%s", r.zero_reason);
    }
    if (on_engine(method)) {
        dy_vegas_options o;
        if (!e) {
            if ((st = dy_engine_open(NULL, &own, err)) != DY_OK) goto done;
            e = own;
        }
        dy_vegas_options_default(&o);
        o.seed = s->seed;
        o.rel_precision = s->precision;
        o.max_eval = s->max_eval;
        if ((st = dy_integrate(e, par, n, &o, hs, res, hist, err)) != DY_OK) goto done;
        /* --per-atom: annihilation is per electron, Z of them per atom */
        const double z = r.process == DY_XPROC_ANNIHILATION && r.per_atom ? r.Z : 1.0;
        for (size_t i = 0; i < n; ++i) {
            val[i].value = res[i].value * z;
            val[i].error = res[i].error * z;
            val[i].chi2_dof = res[i].chi2_dof;
            val[i].q = res[i].q;
            val[i].n_eval = res[i].n_eval;
            val[i].converged = res[i].converged;
            for (int k = 0; hout && k < DY_MAX_OBS; ++k)
                histogram_of(&hist[i * DY_MAX_OBS + k], hn[k], hu[k], z, &hout[i * DY_MAX_OBS + k]);
        }
    } else {
        for (size_t i = 0; i < n; ++i) {
            r.energy = energy_GeV[i];
            r.mass = mass_GeV[i];
            if ((st = dy_xsec_approx(&r, method, &val[i].value, &val[i].error, err)) != DY_OK)
                goto done;
            val[i].chi2_dof = NAN;
            val[i].q = NAN;
            val[i].converged = 1;
        }
    }
    memcpy(out, val, n * sizeof *out);
    st = DY_OK;
done:
    dy_engine_close(own);
    free(hs);
    free(hist);
    free(par);
    free(res);
    free(val);
    return st;
}

dy_status dy_xsec_point(dy_engine *e, const dy_xsec_spec *s, double energy_GeV, double mass_GeV,
                        dy_xsec_value *out, dy_error *err)
{
    return dy_xsec_compute(e, s, 1, &energy_GeV, &mass_GeV, out, err);
}

dy_status dy_xsec_compute_hist2d(dy_engine *e, const dy_xsec_spec *s, size_t n,
                                 const double *energy_GeV, const double *mass_GeV,
                                 dy_xsec_hist2d_bin *out, dy_error *err)
{
    dy_xsec_request r;
    int method = DY_XM_ETL;
    dy_status st;
    if (!s || (n && (!energy_GeV || !mass_GeV || !out)))
        return dy_error_set(err, DY_ERR_INVALID, "dy_xsec_compute_hist2d: NULL argument");
    if ((st = request_of(s, &r, &method, err)) != DY_OK) return st;
    if (r.process != DY_XPROC_BREM || method != DY_XM_ETL)
        return dy_error_set(err, DY_ERR_INVALID,
                            "2-D histograms need process brem and method etl, not %s and %s",
                            s->process ? s->process : "brem", dy_xsec_method_name(method));
    for (size_t i = 0; i < n; ++i)
        if (!(energy_GeV[i] > 0.0) || !(mass_GeV[i] > 0.0))
            return dy_error_set(err, DY_ERR_INVALID,
                                "point %zu: energy %g GeV, mass %g GeV: expected positive numbers",
                                i, energy_GeV[i], mass_GeV[i]);
    dy_engine *own = NULL;
    if (!e) {
        if ((st = dy_engine_open(NULL, &own, err)) != DY_OK) return st;
        e = own;
    }
    st = dy_xsec_hist2d_request(e, &r, n, energy_GeV, mass_GeV, s->seed, s->precision, s->max_eval,
                                out, err);
    dy_engine_close(own);
    return st;
}
