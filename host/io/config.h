/* config.h — the run configuration of `darkyield run CONFIG`: a YAML file (schema: docs/config.md)
 * parsed with libyaml's document API into a plain struct, validated field by field and across
 * fields.  Every error names file:line:column and the dotted key ("beam.energy_GeV"). */
#ifndef DY_CONFIG_H
#define DY_CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include "darkyield/dy_status.h"

#define DY_CFG_MAX_MASSES    4096 /* = DY_YIELD_MAX_MASSES: the reader takes what run writes */
#define DY_CFG_MAX_PROCESSES 8
#define DY_CFG_MAX_EBINS     256
#define DY_CFG_STR_LEN       4096 /* paths */
#define DY_CFG_NAME_LEN      256
#define DY_CFG_MAX_GEO_BINS  64        /* angle and depth bins (geometry.*) */
#define DY_CFG_MAX_BYTES     (1 << 20) /* larger config files are refused */

typedef struct dy_config_beam {
    char particle[8];  /* "e-", "e+", "mu-", "mu+", "gamma" */
    double energy_GeV; /* > 0 */
    double spread_GeV; /* >= 0: Gaussian sigma of the beam energy; smears the yield in energy */
} dy_config_beam;

typedef struct dy_config_target {
    char material[64]; /* a name for dy_material_lookup() (host/physics/materials.h), not checked */
    double thickness_X0; /* exactly one of thickness_X0 / thickness_cm is > 0, the other is 0 */
    double thickness_cm;
    /* optional imported track lengths (CSV, host/physics/tracklength.h format) for e-, e+, gamma;
     * "" = use the built-in model.  Paths relative to the current directory. */
    char tracklength_file[3][DY_CFG_STR_LEN];
} dy_config_target;

typedef struct dy_config_model {
    char mediator[16];   /* the model (physics/couplings.h): "vector" (dark photon A', eps),
                            "lmu-ltau", "b-l" (Z', g), "scalar", "pseudoscalar", "axial" (g),
                            "alp" (g_agg in GeV^-1) */
    char decay[16];      /* "invisible", "visible" */
    double alpha_D;      /* dark coupling alpha_D = g_D^2/4pi, > 0 */
    double mchi_over_m;  /* m_chi / m_mediator: 0 < r < 0.5 (invisible), > 0 (visible) */
    char dm_kind[16];    /* "dirac", "scalar", "majorana", "inelastic" */
    double dm_splitting; /* (m_chi2 - m_chi1)/m_chi1 for inelastic DM, >= 0 */
    double coupling;     /* the model's coupling: eps (A'), g (Z', S, P, A), g_agg in GeV^-1
                            (ALP), DY_COUPLING_MIN..MAX; yields are at this value */
} dy_config_model;

typedef struct dy_config_ebins {
    double min_GeV, max_GeV; /* 0 <= min < max */
    int n;                   /* 1..DY_CFG_MAX_EBINS equal-width bins */
} dy_config_ebins;

typedef struct dy_config {
    char path[DY_CFG_STR_LEN];  /* the file as given to dy_config_load */
    char name[DY_CFG_NAME_LEN]; /* [A-Za-z0-9._+-]; default: file stem */
    char backend[16];           /* "auto", "cpu", "opencl", "cuda" */
    char *config_text;          /* the whole file, NUL-terminated (malloc'd; dy_config_free) */
    size_t config_len;          /* bytes in config_text (without the NUL) */
    uint64_t seed;              /* default 1 */
    uint64_t hash;              /* FNV-1a 64 of config_text */
    uint64_t max_eval;          /* evaluation budget per integral, default 2e7 */
    double precision;           /* relative precision goal per integral, 0 < p < 1, default 0.01 */
    dy_config_beam beam;
    dy_config_target target;
    dy_config_model model;
    int n_processes;                          /* 1..8, no repeats */
    char processes[DY_CFG_MAX_PROCESSES][32]; /* "brem", "annihilation", "primakoff", ... */
    int n_masses;                             /* 1..DY_CFG_MAX_MASSES, strictly increasing */
    double masses_GeV[DY_CFG_MAX_MASSES];     /* 0 < m < beam energy */
    char mass_scale[8];                       /* "list", "log" or "linear" (how they were given) */
    dy_config_ebins ebins;                    /* bins of the produced particle's energy */
    double cut_energy_min_GeV;                /* integrated yield above this energy, default 0 */
    int quad_nodes;                           /* track-length folding nodes, 4..256, default 24 */
    int ann_electron_motion; /* annihilation.electron_motion: atomic-electron motion (default 0) */
    int ann_isr;             /* annihilation.isr: initial-state radiation (default 0) */
    double ann_photon_min_GeV;    /* annihilation.photon_min_GeV: annihilation-gamma's least photon
                                     energy in the e+ e- CM frame (required with that process) */
    char out_dir[DY_CFG_STR_LEN]; /* default "out/<name>" */
    int want_hdf5, want_csv, want_plots; /* 0/1 */
    /* geometry-aware outputs (docs/geometry.md), off when 0: dN/dE per bin of the boson's angle
     * theta to the producing particle (log-spaced in [theta_min, theta_max] rad; the first bin
     * takes every angle below, the last every angle above) and per bin of the production depth
     * (uniform in cm over the target's thickness) */
    int theta_bins, depth_bins;
    double theta_min_rad, theta_max_rad;
} dy_config;

/* Read and validate the YAML file at path.  On success *cfg is filled (call dy_config_free);
 * on failure *cfg holds no memory and err says file:line:column, the key and the problem.
 * Status: DY_ERR_NOT_FOUND (no such file), DY_ERR_IO (unreadable), DY_ERR_INVALID (everything
 * else: syntax, unknown/duplicate/missing key, wrong type, bad value, cross-field rule). */
dy_status dy_config_load(const char *path, dy_config *cfg, dy_error *err);

/* Same, from text in memory (len bytes); path is used for messages and the default name. */
dy_status dy_config_parse(const char *text, size_t len, const char *path, dy_config *cfg,
                          dy_error *err);

/* The same with --set overrides ("beam.energy_GeV=150", io/yaml_override.h) applied to the text
 * before it is validated; the recorded config_text is the overridden one. */
dy_status dy_config_load_with(const char *path, const char *const *sets, int n_sets, dy_config *cfg,
                              dy_error *err);
dy_status dy_config_parse_with(const char *text, size_t len, const char *path,
                               const char *const *sets, int n_sets, dy_config *cfg, dy_error *err);

/* Free config_text and zero the struct (safe on a zeroed or failed config). */
void dy_config_free(dy_config *cfg);

/* 64-bit FNV-1a hash (offset basis 0xcbf29ce484222325, prime 0x100000001b3). */
uint64_t dy_fnv1a64(const void *data, size_t len);

/* 1 if cfg lists the process name ("brem", ...), else 0. */
int dy_config_has_process(const dy_config *cfg, const char *name);

#endif
