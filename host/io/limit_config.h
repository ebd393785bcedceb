/* limit_config.h — the YAML file of `darkyield limit CONFIG` (schema: docs/limits.md §6): which
 * yield file, the statistics (particles on target, observed events, background, CL, method), the
 * signal efficiency (a number or a CSV table over mass and energy), the energy cut, invisible or
 * visible mode with the decay volume, and the outputs.  libyaml document API; every error names
 * file:line:column and the dotted key, like host/io/config.c. */
#ifndef DY_LIMIT_CONFIG_H
#define DY_LIMIT_CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "darkyield/dy_status.h"

#define DY_LCFG_PATH     4096
#define DY_LCFG_MAX_OVER 8
#define DY_LCFG_MAX_CH   8
#define DY_LCFG_MAX_SETS 64 /* = DY_PL_MAX_BINS */

/* One data set (run period or energy bin): its own particles on target, observed count,
 * background, efficiency and energy window, with relative 1-sigma uncertainties (fractions). */
typedef struct dy_limit_dataset {
    char name[64];
    double n_pot, pot_rel_sigma;
    int observed;
    double background, background_rel_sigma; /* events */
    int have_eff;                            /* 0: the config's 'efficiency' (number or table) */
    double eff_const, eff_rel_sigma;
    /* relative sigmas of the signal and background common to all data sets (one nuisance each,
     * shared; e.g. an EOT calibration or efficiency shared by run periods), this set's size */
    double shared_sig_rel_sigma, shared_bkg_rel_sigma;
    int have_emin, have_emax; /* 0: the cut / the top of the spectrum */
    double e_min, e_max;      /* GeV */
} dy_limit_dataset;

typedef struct dy_limit_config {
    char path[DY_LCFG_PATH];   /* the config file as given */
    char name[256];            /* default: file stem */
    char yields[DY_LCFG_PATH]; /* HDF5 file of `darkyield run` (relative to the config file) */
    int yields_optional;       /* DY_LCFG_YIELDS_OPTIONAL: 'yields' may be left out */
    int n_channels;            /* 0 = all channels of the file */
    char channels[DY_LCFG_MAX_CH][32];
    char particle[24];  /* "dark_photon", "zprime", "alp" */
    double alpha_D;     /* dark_photon: y = eps^2 alpha_D (m_chi/m_A')^4; default 0.1 */
    double mchi_over_m; /* m_chi/m_A', default 1/3 */
    char mode[16];      /* "invisible" (default) or "visible" */
    char region[16];    /* visible: "between" (z1..z2) or "beyond" (no decay before z1) */
    double z1_cm, z2_cm;
    /* visible: the detector's angular acceptance (docs/limits.md §3.1); acc_kind 0: none, 1: a
     * fixed half-angle acc_theta_rad, 2: a disc of radius acc_radius_cm at acc_distance_cm from
     * the target's front face (half-angle atan(R/(L - production depth))) */
    int acc_kind;
    int acc_products; /* 0: the A' direction; 1: both decay products must hit; 2: at least one */
    double acc_theta_rad, acc_radius_cm, acc_distance_cm;
    double n_pot;         /* particles on target (EOT, MOT), summed over data sets */
    int observed;         /* default 0; summed over data sets */
    double background;    /* default 0; summed over data sets */
    int have_event_limit; /* statistics.event_limit: a published upper limit on the signal events,
                             used as is (observed and expected) in place of observed/background */
    double event_limit;
    int n_sets; /* data sets: 'statistics' alone gives one */
    dy_limit_dataset set[DY_LCFG_MAX_SETS];
    int yield_error;          /* the yield's quoted error as a nuisance (profile methods) */
    int n_toys;               /* cls-toys: toys per hypothesis, default 5000 */
    uint64_t toy_seed;        /* default 1 */
    int interp_per_decade;    /* 0: no interpolation between grid masses */
    double interp_max_dslope; /* interpolate where d ln Y/d ln m changes less than this */
    double cl;                /* default 0.9 */
    char method[24];  /* "poisson" (CLs, default), "classical", "fc", "cls-asymptotic", "cls-toys",
                         "cousins-highland" */
    double eff_const; /* default 1 (when no table) */
    char eff_table[DY_LCFG_PATH];  /* "" or a CSV: mass_GeV,energy_GeV,efficiency */
    int eff_nm, eff_ne;            /* the table: a full grid, masses x energies, increasing */
    double *eff_m, *eff_e, *eff_v; /* eff_v[im*eff_ne + ie] */
    int have_cut;
    double cut_GeV;      /* default: the yield file's cut */
    double g_min, g_max; /* visible scan range, defaults 1e-10 .. 1 */
    int per_decade;      /* default 20 */
    int n_thermal;       /* dark_photon invisible: relic lines (default all three) */
    char thermal[4][32]; /* "scalar", "majorana", "pseudo-dirac", "dirac" */
    double dm_splitting; /* pseudo-Dirac (m2-m1)/m1, default 0 */
    double omega_h2;     /* default 0.12 */
    int have_gm2;        /* zprime: the (g-2)_mu band */
    double gm2_delta, gm2_sigma;
    int n_overlays;
    char overlay_file[DY_LCFG_MAX_OVER][DY_LCFG_PATH], overlay_label[DY_LCFG_MAX_OVER][128];
    int overlay_y[DY_LCFG_MAX_OVER]; /* 1: an m_chi_GeV,y curve (the y plot) */
    char out_dir[DY_LCFG_PATH];      /* default out/limits/<name> */
    int want_csv, want_hepdata, want_plots, want_pyhf;
} dy_limit_config;

dy_status dy_limit_config_load(const char *path, dy_limit_config *cfg, dy_error *err);
/* The same with --set overrides ("observed=3", io/yaml_override.h) applied before validation. */
dy_status dy_limit_config_load_with(const char *path, const char *const *sets, int n_sets,
                                    dy_limit_config *cfg, dy_error *err);
dy_status dy_limit_config_parse(const char *text, size_t len, const char *path,
                                dy_limit_config *cfg, dy_error *err);
/* With flags: DY_LCFG_YIELDS_OPTIONAL when the caller brings the yields (dy_limits API). */
#define DY_LCFG_YIELDS_OPTIONAL 1
dy_status dy_limit_config_load_opt(const char *path, const char *const *sets, int n_sets, int flags,
                                   dy_limit_config *cfg, dy_error *err);
dy_status dy_limit_config_parse_opt(const char *text, size_t len, const char *path,
                                    const char *const *sets, int n_sets, int flags,
                                    dy_limit_config *cfg, dy_error *err);
void dy_limit_config_free(dy_limit_config *cfg);

/* Signal efficiency at mass m and energy E: the constant, or the table interpolated linearly in
 * ln m and E, clamped at the table's edges. */
double dy_limit_efficiency(const dy_limit_config *cfg, double m, double e);

/* Load a CSV efficiency table into cfg (columns mass_GeV,energy_GeV,efficiency; '#' comments and
 * one header line allowed; the rows must fill a grid).  Errors name FILE:LINE. */
dy_status dy_limit_efficiency_load(dy_limit_config *cfg, const char *csv, dy_error *err);
/* The same from an open stream (csv names it in messages). */
dy_status dy_limit_efficiency_read(dy_limit_config *cfg, FILE *f, const char *csv, dy_error *err);
#endif
