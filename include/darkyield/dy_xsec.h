/* dy_xsec.h — cross sections of dark-boson production, as `darkyield xsec` computes them: exact
 * tree level on the engine (Monte Carlo, with an error) or the deterministic approximations.
 * Options are named like the command's flags; values are per atom (annihilation: per electron
 * unless per_atom) at the given coupling, in pb (the energy-integrated nwa: pb GeV), and scale as
 * the coupling squared.  Units: GeV.  docs/api.md. */
#ifndef DY_PUBLIC_XSEC_H
#define DY_PUBLIC_XSEC_H
#include <stddef.h>
#include <stdint.h>
#include "dy_api.h"
#include "dy_engine.h"
#include "dy_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What to compute.  Strings are the `xsec` flags' values; NULL picks the flag's default. */
typedef struct dy_xsec_spec {
    const char *process; /* "brem" (default), "annihilation", "primakoff" */
    const char *method;  /* brem: "etl" (default), "ww", "iww", "hiww"; annihilation: "bw"
                            (default), "nwa"; primakoff: "etl" (default), "closed" */
    const char *lepton;  /* brem: "e" (default) or "mu" */
    const char
        *mediator;           /* brem: "vector" (default), "lmu-ltau", "b-l", "scalar",
                                "pseudoscalar", "axial"; primakoff: "pseudoscalar" (default), "scalar" */
    const char *target;      /* element ("Pb", "W", ...) or "Z,A"; annihilation may leave it NULL */
    const char *form_factor; /* "elastic" or "elastic+inelastic"; NULL: elastic+inelastic for
                                brem, elastic for primakoff */
    double coupling;         /* the model's coupling (eps, g, or g_agg in 1/GeV); default 1 */
    /* annihilation */
    double alpha_d;          /* dark coupling alpha_D (default 0.1) */
    const char *dm_kind;     /* "dirac" (default), "scalar", "majorana", "inelastic" */
    double dm_mass_GeV;      /* chi mass; <= 0: m/3 (default) */
    double dm_splitting;     /* (m_chi2 - m_chi1)/m_chi1 for inelastic DM (default 0.1) */
    const char *final_state; /* "invisible" (default), "ee", "mumu" */
    const char *channel;     /* "resonant" (default) or "gamma" (e+e- -> gamma A') */
    int per_atom;            /* 1: multiply by Z of the target */
    /* brem, WW family */
    const char *ww_tmax; /* "m2" (default: m^2 + m_l^2) or "E0sq" */
    double ww_theta_max; /* ww: upper lab angle of X in rad (default 0.3) */
    /* Monte Carlo (etl, bw) */
    double precision;  /* relative precision goal (default 1e-3) */
    uint64_t max_eval; /* evaluation budget per point (default 1e8) */
    uint64_t seed;     /* random seed (default 1); a seed reproduces a result on a backend */
} dy_xsec_spec;

/* The defaults above (every string NULL). */
DY_API void dy_xsec_spec_default(dy_xsec_spec *s);

/* One (energy, mass) point. */
typedef struct dy_xsec_value {
    double energy_GeV, mass_GeV;
    double value;     /* the cross section, pb (nwa: pb GeV) */
    double error;     /* one standard deviation, same unit (deterministic methods: quadrature) */
    double chi2_dof;  /* Monte Carlo: consistency of the iterations; NaN otherwise */
    double q;         /* Monte Carlo: P(chi^2 >= observed); NaN otherwise */
    uint64_t n_eval;  /* integrand evaluations (0 for deterministic methods) */
    int converged;    /* 1 when the precision goal was met (or an explicit zero) */
    const char *unit; /* "pb" or "pb*GeV" (static string) */
    double Z, A;      /* the target element the value is for */
    const char *coupling_name, *coupling_unit; /* "eps", "g_Z'", "g_agg"; "1", "GeV^-1" */
    char note[128]; /* why the point is an explicit zero (below threshold, ...), or "" */
} dy_xsec_value;

/* Cross sections at n points (energy_GeV[i], mass_GeV[i]), computed in one batched engine call.
 * e: the engine for Monte-Carlo methods; NULL opens the best available one for the call (not
 * needed by the deterministic methods).  Every point is validated before any work: a bad option
 * or a mass above the kinematic limit fails the call (DY_ERR_INVALID / DY_ERR_NOT_FOUND) with a
 * message naming the problem, and out[] is then left untouched. */
DY_API dy_status dy_xsec_compute(dy_engine *e, const dy_xsec_spec *s, size_t n,
                                 const double *energy_GeV, const double *mass_GeV,
                                 dy_xsec_value *out, dy_error *err);

/* Differential cross sections of one point in one observable (the `--histograms` output of
 * `darkyield xsec`): dsigma/d(observable) averaged over each bin, pb per unit of the observable
 * (annihilation per_atom: times Z).  Observables per process — brem: x = E_X/E0, theta_X (rad),
 * E_lepton (GeV), theta_lepton (rad); annihilation: cos_theta_star, E_lab (GeV), theta_lab
 * (rad); primakoff: theta_a (rad), t (GeV^2).  An unused slot has nbins 0 and name "". */
#define DY_XSEC_MAX_OBS  4
#define DY_XSEC_MAX_BINS 256
typedef struct dy_xsec_histogram {
    char name[32];                      /* "x", "theta_X", ... */
    char unit[16];                      /* "1", "rad", "GeV", "GeV^2" */
    int nbins;                          /* 0: unused */
    int log_bins;                       /* 1: bins equal in log10 of the observable */
    double edges[DY_XSEC_MAX_BINS + 1]; /* bin edges, in the observable's unit */
    double dsigma[DY_XSEC_MAX_BINS];    /* pb per unit */
    double error[DY_XSEC_MAX_BINS];     /* one standard deviation, same unit */
} dy_xsec_histogram;

/* dy_xsec_compute, with the histograms of every point: hist[i * DY_XSEC_MAX_OBS + k] is
 * observable k of point i.  Monte-Carlo methods only (etl, bw); brem then integrates the
 * azimuth numerically (4-D), since theta_lepton depends on it. */
DY_API dy_status dy_xsec_compute_histograms(dy_engine *e, const dy_xsec_spec *s, size_t n,
                                            const double *energy_GeV, const double *mass_GeV,
                                            dy_xsec_value *out, dy_xsec_histogram *hist,
                                            dy_error *err);

/* The 2-D brem histogram of `darkyield xsec --hist2d`: d2sigma/dx dtheta_X (x = E_X/E, theta_X
 * the lab angle of X) for each point, in DY_XSEC_HIST2D_NX equal slices of the x range times
 * DY_XSEC_HIST2D_NTHETA bins of log10 theta_X from 1e-8 rad to pi, one engine integral per slice.
 * s: process "brem" (or NULL), method "etl" (or NULL); out[(i * NX + k) * NTHETA + b] is bin b
 * of slice k of point i (n * NX * NTHETA bins).  Summed over bins times their widths, a point's
 * bins give its cross section (within errors). */
#define DY_XSEC_HIST2D_NX     10
#define DY_XSEC_HIST2D_NTHETA 60
typedef struct dy_xsec_hist2d_bin {
    double energy_GeV, mass_GeV;
    double x_lo, x_hi, theta_lo_rad, theta_hi_rad;
    double d2sigma; /* pb per unit x per rad, at the spec's coupling */
    double error;   /* one standard deviation, same unit */
} dy_xsec_hist2d_bin;
DY_API dy_status dy_xsec_compute_hist2d(dy_engine *e, const dy_xsec_spec *s, size_t n,
                                        const double *energy_GeV, const double *mass_GeV,
                                        dy_xsec_hist2d_bin *out, dy_error *err);

/* One point: the same as dy_xsec_compute with n = 1. */
DY_API dy_status dy_xsec_point(dy_engine *e, const dy_xsec_spec *s, double energy_GeV,
                               double mass_GeV, dy_xsec_value *out, dy_error *err);

#ifdef __cplusplus
}
#endif
#endif
