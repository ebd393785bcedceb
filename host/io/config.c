/* config.c — load and validate the YAML run configuration (schema: docs/config.md).
 * libyaml's document API builds a node tree with source marks; we walk it with a fixed schema,
 * so every problem can name file:line:column and the dotted key.  No libcyaml. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "io/config.h"
#include "io/infile.h"
#include "io/yaml_override.h"
#include "io/yaml_util.h"
#include "physics/couplings.h"

#define MAX_SECTIONS 16

typedef struct cfg_ctx {
    dy_yaml_ctx y; /* document, file name, error */
    int n_sec;     /* maps seen so far and the keys that introduced them ("beam:"), for messages */
    const yaml_node_t *sec_map[MAX_SECTIONS], *sec_key[MAX_SECTIONS];
} cfg_ctx;

/* ------------------------------------------------------------------------------------ hash */

uint64_t dy_fnv1a64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* ----------------------------------------------------------------------------- schema lists */

static const char *const k_root_keys[] = {
    "name",       "seed",   "backend",      "precision",  "max_eval",    "beam",
    "target",     "model",  "processes",    "masses_GeV", "energy_bins", "cuts",
    "quadrature", "output", "annihilation", "geometry",   NULL};
static const char *const k_beam_keys[] = {"particle", "energy_GeV", "spread_GeV", NULL};
static const char *const k_target_keys[] = {"material", "thickness_X0", "thickness_cm",
                                            "tracklengths", NULL};
static const char *const k_tl_keys[] = {"e-", "e+", "gamma", NULL};
static const char *const k_model_keys[] = {"mediator", "decay",        "alpha_D",  "mchi_over_m",
                                           "dm_kind",  "dm_splitting", "coupling", NULL};
static const char *const k_mass_keys[] = {"min", "max", "n", "scale", NULL};
static const char *const k_ebin_keys[] = {"min_GeV", "max_GeV", "n", NULL};
static const char *const k_cut_keys[] = {"energy_min_GeV", NULL};
static const char *const k_quad_keys[] = {"nodes", NULL};
static const char *const k_ann_keys[] = {"electron_motion", "isr", "photon_min_GeV", NULL};
static const char *const k_onoff[] = {"off", "on", "false", "true", NULL};
static const char *const k_out_keys[] = {"dir", "formats", "plots", NULL};
static const char *const k_geo_keys[] = {"theta_bins", "theta_min_rad", "theta_max_rad",
                                         "depth_bins", NULL};

static const char *const k_backends[] = {"auto", "cpu", "opencl", "cuda", NULL};
static const char *const k_particles[] = {"e-", "e+", "mu-", "mu+", "gamma", NULL};
static const char *const k_mediators[] = {"vector",       "lmu-ltau", "b-l", "scalar",
                                          "pseudoscalar", "axial",    "alp", NULL};
static const char *const k_decays[] = {"invisible", "visible", NULL};
static const char *const k_dm_kinds[] = {"dirac", "scalar", "majorana", "inelastic", NULL};
static const char *const k_processes[] = {
    "brem", "annihilation", "primakoff", "brem-positron", "compton", "annihilation-gamma", NULL};
static const char *const k_scales[] = {"log", "linear", NULL};
static const char *const k_formats[] = {"hdf5", "csv", NULL};

/* ------------------------------------------------------------------------------- map access */

static void remember_section(cfg_ctx *c, const yaml_node_t *map, const yaml_node_t *key)
{
    if (c->n_sec < MAX_SECTIONS) {
        c->sec_map[c->n_sec] = map;
        c->sec_key[c->n_sec++] = key;
    }
}

/* Where to report a problem of a whole map: at "beam:" rather than at the map's first key. */
static const yaml_node_t *map_pos(const cfg_ctx *c, const yaml_node_t *map)
{
    for (int i = 0; i < c->n_sec; ++i)
        if (c->sec_map[i] == map && c->sec_key[i]) return c->sec_key[i];
    return map;
}

/* The value of key in map (NULL if absent or null).  A required key that is absent is an error
 * at the map's position; present but empty is an error at the value. */
static int lookup(cfg_ctx *c, yaml_node_t *map, const char *sect, const char *key, int required,
                  yaml_node_t **out)
{
    char k[128];
    yaml_node_t *v = dy_yaml_find(&c->y, map, key, NULL);
    *out = NULL;
    if (v && dy_yaml_is_null(v)) {
        if (required)
            return dy_yaml_fail(&c->y, v, "required key '%s' has no value",
                                dy_yaml_key(k, sizeof k, sect, key));
        v = NULL;
    }
    if (!v && required)
        return dy_yaml_fail(&c->y, map_pos(c, map), "missing required key '%s'",
                            dy_yaml_key(k, sizeof k, sect, key));
    *out = v;
    return 0;
}

/* A section (nested map): checked for unknown/duplicate keys. */
static int get_section(cfg_ctx *c, yaml_node_t *root, const char *key, int required,
                       const char *const *allowed, yaml_node_t **out)
{
    if (lookup(c, root, "", key, required, out)) return -1;
    if (!*out) return 0;
    if ((*out)->type != YAML_MAPPING_NODE)
        return dy_yaml_fail(&c->y, *out, "'%s' must be a map of 'key: value' lines, got %s", key,
                            dy_yaml_kind(*out));
    yaml_node_t *key_node = NULL;
    dy_yaml_find(&c->y, root, key, &key_node);
    remember_section(c, *out, key_node);
    return dy_yaml_check_map(&c->y, *out, key, allowed);
}

/* ---------------------------------------------------------------- typed getters on a section */

static int get_double(cfg_ctx *c, yaml_node_t *map, const char *sect, const char *key, int required,
                      double def, double *out, yaml_node_t **where)
{
    char k[128];
    yaml_node_t *v;
    if (lookup(c, map, sect, key, required, &v)) return -1;
    if (where) *where = v;
    *out = def;
    return v ? dy_yaml_double(&c->y, v, dy_yaml_key(k, sizeof k, sect, key), out) : 0;
}

static int get_int(cfg_ctx *c, yaml_node_t *map, const char *sect, const char *key, int required,
                   int def, long lo, long hi, int *out, yaml_node_t **where)
{
    char k[128];
    yaml_node_t *v;
    if (lookup(c, map, sect, key, required, &v)) return -1;
    if (where) *where = v;
    *out = def;
    return v ? dy_yaml_int(&c->y, v, dy_yaml_key(k, sizeof k, sect, key), lo, hi, out) : 0;
}

static int get_enum(cfg_ctx *c, yaml_node_t *map, const char *sect, const char *key, int required,
                    const char *def, const char *const *allowed, char *buf, size_t size,
                    yaml_node_t **where)
{
    char k[128];
    yaml_node_t *v;
    if (lookup(c, map, sect, key, required, &v)) return -1;
    if (where) *where = v;
    if (!v) {
        snprintf(buf, size, "%s", def);
        return 0;
    }
    return dy_yaml_enum(&c->y, v, dy_yaml_key(k, sizeof k, sect, key), allowed, buf, size);
}

/* -------------------------------------------------------------------------------- sections */

static int need_positive(cfg_ctx *c, yaml_node_t *where, const char *k, double x, int allow_zero)
{
    if (allow_zero ? x >= 0.0 : x > 0.0) return 0;
    return dy_yaml_fail(&c->y, where, "'%s' must be %s, got %g", k, allow_zero ? ">= 0" : "> 0", x);
}

static int load_masses(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *v, *key = NULL, *where[DY_CFG_MAX_MASSES];
    if (lookup(c, root, "", "masses_GeV", 1, &v)) return -1;
    dy_yaml_find(&c->y, root, "masses_GeV", &key);
    remember_section(c, v, key);
    if (v->type == YAML_SEQUENCE_NODE) {
        snprintf(cfg->mass_scale, sizeof cfg->mass_scale, "list");
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             ++it) {
            yaml_node_t *e = dy_yaml_node(&c->y, *it);
            double m;
            if (cfg->n_masses >= DY_CFG_MAX_MASSES)
                return dy_yaml_fail(&c->y, e, "'masses_GeV' has more than %d entries",
                                    DY_CFG_MAX_MASSES);
            if (dy_yaml_double(&c->y, e, "masses_GeV", &m) ||
                need_positive(c, e, "masses_GeV", m, 0))
                return -1;
            if (cfg->n_masses > 0 && !(m > cfg->masses_GeV[cfg->n_masses - 1]))
                return dy_yaml_fail(&c->y, e,
                                    "'masses_GeV' must be strictly increasing (%g after %g)", m,
                                    cfg->masses_GeV[cfg->n_masses - 1]);
            where[cfg->n_masses] = e;
            cfg->masses_GeV[cfg->n_masses++] = m;
        }
        if (cfg->n_masses == 0)
            return dy_yaml_fail(&c->y, v, "'masses_GeV' must not be an empty list");
    } else if (v->type == YAML_MAPPING_NODE) {
        yaml_node_t *wmin, *wmax, *wn;
        double lo, hi;
        int n;
        if (dy_yaml_check_map(&c->y, v, "masses_GeV", k_mass_keys) ||
            get_double(c, v, "masses_GeV", "min", 1, 0.0, &lo, &wmin) ||
            get_double(c, v, "masses_GeV", "max", 1, 0.0, &hi, &wmax) ||
            get_int(c, v, "masses_GeV", "n", 1, 0, 1, DY_CFG_MAX_MASSES, &n, &wn) ||
            get_enum(c, v, "masses_GeV", "scale", 0, "log", k_scales, cfg->mass_scale,
                     sizeof cfg->mass_scale, NULL) ||
            need_positive(c, wmin, "masses_GeV.min", lo, 0))
            return -1;
        if (n > 1 && !(hi > lo))
            return dy_yaml_fail(
                &c->y, wmax, "'masses_GeV.max' (%g) must be above 'masses_GeV.min' (%g)", hi, lo);
        if (n == 1 && hi < lo)
            return dy_yaml_fail(&c->y, wmax, "'masses_GeV.max' (%g) is below 'masses_GeV.min' (%g)",
                                hi, lo);
        const int is_log = !strcmp(cfg->mass_scale, "log");
        for (int i = 0; i < n; ++i) {
            const double t = n > 1 ? (double)i / (n - 1) : 0.0;
            double m = is_log ? lo * pow(hi / lo, t) : lo + (hi - lo) * t;
            if (i == n - 1 && n > 1) m = hi; /* exact end point */
            cfg->masses_GeV[i] = m;
            where[i] = i == 0 ? wmin : wmax;
        }
        cfg->n_masses = n;
    } else {
        return dy_yaml_fail(
            &c->y, v,
            "'masses_GeV' must be a list [m1, m2, ...] or a map {min, max, n, scale}, "
            "got %s",
            dy_yaml_kind(v));
    }
    for (int i = 0; i < cfg->n_masses; ++i)
        if (!(cfg->masses_GeV[i] < cfg->beam.energy_GeV))
            return dy_yaml_fail(&c->y, where[i],
                                "'masses_GeV': mass %g GeV is not below the beam energy %g GeV",
                                cfg->masses_GeV[i], cfg->beam.energy_GeV);
    return 0;
}

static int load_beam_target(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *beam, *tgt, *w, *wx0, *wcm, *v;
    if (get_section(c, root, "beam", 1, k_beam_keys, &beam) ||
        get_enum(c, beam, "beam", "particle", 1, "", k_particles, cfg->beam.particle,
                 sizeof cfg->beam.particle, NULL) ||
        get_double(c, beam, "beam", "energy_GeV", 1, 0.0, &cfg->beam.energy_GeV, &w) ||
        need_positive(c, w, "beam.energy_GeV", cfg->beam.energy_GeV, 0) ||
        get_double(c, beam, "beam", "spread_GeV", 0, 0.0, &cfg->beam.spread_GeV, &w) ||
        need_positive(c, w, "beam.spread_GeV", cfg->beam.spread_GeV, 1))
        return -1;
    if (get_section(c, root, "target", 1, k_target_keys, &tgt) ||
        lookup(c, tgt, "target", "material", 1, &v) ||
        dy_yaml_string(&c->y, v, "target.material", cfg->target.material,
                       sizeof cfg->target.material) ||
        get_double(c, tgt, "target", "thickness_X0", 0, 0.0, &cfg->target.thickness_X0, &wx0) ||
        get_double(c, tgt, "target", "thickness_cm", 0, 0.0, &cfg->target.thickness_cm, &wcm))
        return -1;
    /* optional imported track-length spectra (Geant4 CSV histograms), one file per species */
    yaml_node_t *tl = NULL;
    if (get_section(c, tgt, "tracklengths", 0, k_tl_keys, &tl)) return -1;
    for (int i = 0; tl && k_tl_keys[i]; ++i) {
        char key[64];
        snprintf(key, sizeof key, "target.tracklengths.%s", k_tl_keys[i]);
        if (lookup(c, tl, "target.tracklengths", k_tl_keys[i], 0, &v)) return -1;
        if (v && (dy_yaml_string(&c->y, v, key, cfg->target.tracklength_file[i],
                                 sizeof cfg->target.tracklength_file[i]) ||
                  dy_yaml_resolve_path(&c->y, v, key, cfg->target.tracklength_file[i],
                                       sizeof cfg->target.tracklength_file[i])))
            return -1;
    }
    if (wx0 && wcm)
        return dy_yaml_fail(&c->y, wcm,
                            "give exactly one of 'target.thickness_X0' and 'target.thickness_cm', "
                            "not both");
    if (!wx0 && !wcm)
        return dy_yaml_fail(
            &c->y, map_pos(c, tgt),
            "missing required key 'target.thickness_X0' (or 'target.thickness_cm')");
    if (wx0) return need_positive(c, wx0, "target.thickness_X0", cfg->target.thickness_X0, 0);
    return need_positive(c, wcm, "target.thickness_cm", cfg->target.thickness_cm, 0);
}

static int load_model(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *m, *w, *wr;
    dy_config_model *md = &cfg->model;
    if (get_section(c, root, "model", 1, k_model_keys, &m) ||
        get_enum(c, m, "model", "mediator", 1, "", k_mediators, md->mediator, sizeof md->mediator,
                 NULL) ||
        get_enum(c, m, "model", "decay", 0, "invisible", k_decays, md->decay, sizeof md->decay,
                 NULL) ||
        get_double(c, m, "model", "alpha_D", 0, 0.1, &md->alpha_D, &w) ||
        need_positive(c, w, "model.alpha_D", md->alpha_D, 0) ||
        get_double(c, m, "model", "mchi_over_m", 0, 1.0 / 3.0, &md->mchi_over_m, &wr) ||
        need_positive(c, wr, "model.mchi_over_m", md->mchi_over_m, 0) ||
        get_enum(c, m, "model", "dm_kind", 0, "dirac", k_dm_kinds, md->dm_kind, sizeof md->dm_kind,
                 NULL) ||
        get_double(c, m, "model", "dm_splitting", 0, 0.1, &md->dm_splitting, &w) ||
        need_positive(c, w, "model.dm_splitting", md->dm_splitting, 1) ||
        get_double(c, m, "model", "coupling", 0, 1.0, &md->coupling, &w) ||
        need_positive(c, w, "model.coupling", md->coupling, 0))
        return -1;
    /* the model names the coupling (physics/couplings.h); yields scale as its square */
    dy_error e2;
    if (dy_coupling_check(dy_model_from_name(md->mediator), md->coupling, "'model.coupling'",
                          &e2) != DY_OK)
        return dy_yaml_fail(&c->y, w, "%s", e2.msg);
    if (!strcmp(md->decay, "invisible") && !(md->mchi_over_m < 0.5))
        return dy_yaml_fail(
            &c->y, wr,
            "'model.mchi_over_m' must be below 0.5 for invisible decay (m -> chi chi "
            "needs 2 m_chi < m), got %g",
            md->mchi_over_m);
    return 0;
}

static int load_processes(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *v;
    if (lookup(c, root, "", "processes", 1, &v) ||
        dy_yaml_name_list(&c->y, v, "processes", k_processes, DY_CFG_MAX_PROCESSES, cfg->processes,
                          &cfg->n_processes))
        return -1;
    const int alp = !strcmp(cfg->model.mediator, "alp");
    const int muon = !strncmp(cfg->beam.particle, "mu", 2);
    const dy_coupling_info *ci = dy_coupling_info_of(dy_model_from_name(cfg->model.mediator));
    for (int i = 0; i < cfg->n_processes; ++i) {
        const int prim = !strcmp(cfg->processes[i], "primakoff");
        yaml_node_t *e = dy_yaml_node(&c->y, v->data.sequence.items.start[i]);
        if (!strncmp(cfg->processes[i], "brem", 4) && !muon && ci && !ci->couples_to_e && !alp)
            return dy_yaml_fail(&c->y, e,
                                "process '%s': the %s (model.mediator: %s) does not couple to "
                                "electrons; it is radiated by muon beams (beam.particle: mu-)",
                                cfg->processes[i], ci->particle, ci->model);
        if (prim && !alp)
            return dy_yaml_fail(&c->y, e,
                                "process 'primakoff' needs 'model.mediator: alp' (got '%s')",
                                cfg->model.mediator);
        if (!strcmp(cfg->processes[i], "compton") && strcmp(cfg->model.mediator, "vector"))
            return dy_yaml_fail(&c->y, e,
                                "process 'compton' (gamma e- -> e- A') is computed for "
                                "'model.mediator: vector' only (got '%s')",
                                cfg->model.mediator);
        if (!strcmp(cfg->processes[i], "annihilation-gamma") &&
            (strcmp(cfg->model.mediator, "vector") || muon))
            return dy_yaml_fail(&c->y, e,
                                "process 'annihilation-gamma' (e+ e- -> gamma A') is computed for "
                                "'model.mediator: vector' and an electron, positron or photon beam "
                                "only (got '%s', beam '%s')",
                                cfg->model.mediator, cfg->beam.particle);
        if (!prim && alp)
            return dy_yaml_fail(&c->y, e,
                                "process '%s' is not available for 'model.mediator: alp' (the ALP "
                                "couples to photons only: use [primakoff])",
                                cfg->processes[i]);
    }
    return 0;
}

static int load_bins_cuts(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *eb, *cuts, *quad, *wlo, *whi, *w;
    const double E0 = cfg->beam.energy_GeV;
    if (get_section(c, root, "energy_bins", 1, k_ebin_keys, &eb) ||
        get_double(c, eb, "energy_bins", "min_GeV", 0, 0.0, &cfg->ebins.min_GeV, &wlo) ||
        need_positive(c, wlo, "energy_bins.min_GeV", cfg->ebins.min_GeV, 1) ||
        get_double(c, eb, "energy_bins", "max_GeV", 0, E0, &cfg->ebins.max_GeV, &whi) ||
        get_int(c, eb, "energy_bins", "n", 1, 0, 1, DY_CFG_MAX_EBINS, &cfg->ebins.n, NULL))
        return -1;
    if (whi && !(cfg->ebins.max_GeV <= E0))
        return dy_yaml_fail(&c->y, whi,
                            "'energy_bins.max_GeV' (%g) is above the beam energy (%g GeV): no "
                            "particle is produced there",
                            cfg->ebins.max_GeV, E0);
    if (!(cfg->ebins.max_GeV > cfg->ebins.min_GeV))
        return dy_yaml_fail(&c->y, whi ? whi : wlo,
                            "'energy_bins.max_GeV' (%g%s) must be above 'energy_bins.min_GeV' (%g)",
                            cfg->ebins.max_GeV, whi ? "" : ", the beam energy", cfg->ebins.min_GeV);
    if (get_section(c, root, "cuts", 0, k_cut_keys, &cuts) ||
        get_double(c, cuts, "cuts", "energy_min_GeV", 0, 0.0, &cfg->cut_energy_min_GeV, &w) ||
        need_positive(c, w, "cuts.energy_min_GeV", cfg->cut_energy_min_GeV, 1))
        return -1;
    if (!(cfg->cut_energy_min_GeV < E0))
        return dy_yaml_fail(&c->y, w,
                            "'cuts.energy_min_GeV' (%g) must be below the beam energy (%g GeV)",
                            cfg->cut_energy_min_GeV, E0);
    if (get_section(c, root, "quadrature", 0, k_quad_keys, &quad) ||
        get_int(c, quad, "quadrature", "nodes", 0, 24, 4, 256, &cfg->quad_nodes, NULL))
        return -1;
    /* annihilation extras (docs/physics-annihilation-primakoff.md §2.6-2.8): off by default */
    yaml_node_t *ann;
    char em[8], isr[8];
    if (get_section(c, root, "annihilation", 0, k_ann_keys, &ann) ||
        get_enum(c, ann, "annihilation", "electron_motion", 0, "off", k_onoff, em, sizeof em,
                 NULL) ||
        get_enum(c, ann, "annihilation", "isr", 0, "off", k_onoff, isr, sizeof isr, NULL))
        return -1;
    cfg->ann_electron_motion = !strcmp(em, "on") || !strcmp(em, "true");
    cfg->ann_isr = !strcmp(isr, "on") || !strcmp(isr, "true");
    /* e+ e- -> gamma A': tree-level sigma grows as 1/(s - m^2) towards its threshold (the soft
     * photon), so its fold over the positron spectrum needs a least photon energy, which the
     * user states (docs/config.md) */
    int gam = 0;
    for (int i = 0; i < cfg->n_processes; ++i)
        gam |= !strcmp(cfg->processes[i], "annihilation-gamma");
    yaml_node_t *wp = NULL;
    if (ann &&
        get_double(c, ann, "annihilation", "photon_min_GeV", 0, 0.0, &cfg->ann_photon_min_GeV, &wp))
        return -1;
    if (wp && !gam)
        return dy_yaml_fail(&c->y, wp,
                            "'annihilation.photon_min_GeV' applies to process "
                            "'annihilation-gamma' only, which is not in 'processes'");
    if (gam && !wp)
        return dy_yaml_fail(&c->y,
                            ann ? map_pos(c, ann) : dy_yaml_find(&c->y, root, "processes", NULL),
                            "process 'annihilation-gamma' needs 'annihilation.photon_min_GeV', the "
                            "least photon energy in the e+ e- centre-of-mass frame (GeV; its "
                            "cross section diverges as that energy goes to 0)");
    int res = 0;
    for (int i = 0; i < cfg->n_processes; ++i)
        res |= !strcmp(cfg->processes[i], "annihilation");
    if (gam && res && cfg->ann_isr) /* ISR's radiative-return tail is e+ e- -> gamma A' (LL) */
        return dy_yaml_fail(&c->y, map_pos(c, ann),
                            "'annihilation.isr: on' with processes 'annihilation' and "
                            "'annihilation-gamma' counts the hard-photon tail twice (the ISR "
                            "radiative return is e+ e- -> gamma A' at leading log): drop one");
    if (gam && !(cfg->ann_photon_min_GeV > 0.0 && cfg->ann_photon_min_GeV < cfg->beam.energy_GeV))
        return dy_yaml_fail(&c->y, wp,
                            "'annihilation.photon_min_GeV' must be > 0 and below the beam energy "
                            "(%g GeV), got %g",
                            cfg->beam.energy_GeV, cfg->ann_photon_min_GeV);
    return 0;
}

/* Optional geometry-aware outputs (docs/geometry.md): both off (0 bins) unless asked for. */
static int load_geometry(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *geo, *wlo, *whi, *wn;
    if (get_section(c, root, "geometry", 0, k_geo_keys, &geo) ||
        get_int(c, geo, "geometry", "theta_bins", 0, 0, 0, DY_CFG_MAX_GEO_BINS, &cfg->theta_bins,
                &wn) ||
        get_double(c, geo, "geometry", "theta_min_rad", 0, 1e-6, &cfg->theta_min_rad, &wlo) ||
        get_double(c, geo, "geometry", "theta_max_rad", 0, 0.3, &cfg->theta_max_rad, &whi) ||
        get_int(c, geo, "geometry", "depth_bins", 0, 0, 0, DY_CFG_MAX_GEO_BINS, &cfg->depth_bins,
                NULL))
        return -1;
    if (!(cfg->theta_min_rad > 0.0))
        return dy_yaml_fail(&c->y, wlo,
                            "'geometry.theta_min_rad' must be > 0 (log-spaced bins), "
                            "got %g",
                            cfg->theta_min_rad);
    if (!(cfg->theta_max_rad > cfg->theta_min_rad) || !(cfg->theta_max_rad <= 3.14159))
        return dy_yaml_fail(&c->y, whi ? whi : wlo,
                            "'geometry.theta_max_rad' (%g) must be above 'geometry.theta_min_rad' "
                            "(%g) and at most pi",
                            cfg->theta_max_rad, cfg->theta_min_rad);
    if ((wlo || whi) && cfg->theta_bins == 0)
        return dy_yaml_fail(
            &c->y, wlo ? wlo : whi,
            "'geometry.theta_min_rad/theta_max_rad' need 'geometry.theta_bins' > 0");
    (void)wn;
    return 0;
}

static int load_output(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *out, *v, *wplots;
    if (get_section(c, root, "output", 0, k_out_keys, &out) ||
        lookup(c, out, "output", "dir", 0, &v))
        return -1;
    if (v) {
        /* relative to the config's directory; the default below to the current one */
        if (dy_yaml_string(&c->y, v, "output.dir", cfg->out_dir, sizeof cfg->out_dir) ||
            dy_yaml_resolve_path(&c->y, v, "output.dir", cfg->out_dir, sizeof cfg->out_dir))
            return -1;
    } else if ((size_t)snprintf(cfg->out_dir, sizeof cfg->out_dir, "out/%s", cfg->name) >=
               sizeof cfg->out_dir) {
        return dy_yaml_fail(&c->y, NULL, "default output directory 'out/%s' is too long",
                            cfg->name);
    }
    cfg->want_hdf5 = cfg->want_csv = 1;
    if (lookup(c, out, "output", "formats", 0, &v)) return -1;
    if (v) {
        char f[2][32];
        int n;
        if (dy_yaml_name_list(&c->y, v, "output.formats", k_formats, 2, f, &n)) return -1;
        cfg->want_hdf5 = cfg->want_csv = 0;
        for (int i = 0; i < n; ++i) {
            cfg->want_hdf5 |= !strcmp(f[i], "hdf5");
            cfg->want_csv |= !strcmp(f[i], "csv");
        }
    }
    if (lookup(c, out, "output", "plots", 0, &wplots)) return -1;
    cfg->want_plots = cfg->want_hdf5; /* default: plots when there is an HDF5 file to read */
    if (wplots) {
        if (dy_yaml_bool(&c->y, wplots, "output.plots", &cfg->want_plots)) return -1;
        if (cfg->want_plots && !cfg->want_hdf5)
            return dy_yaml_fail(&c->y, wplots,
                                "'output.plots: true' needs 'hdf5' in 'output.formats' (the plot "
                                "script reads the HDF5 file)");
    }
    return 0;
}

static int load_root(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *v, *w;
    if (root->type != YAML_MAPPING_NODE)
        return dy_yaml_fail(&c->y, root, "the config must be a map of 'key: value' lines, got %s",
                            dy_yaml_kind(root));
    if (dy_yaml_check_map(&c->y, root, "", k_root_keys) || lookup(c, root, "", "name", 0, &v))
        return -1;
    if (v) {
        if (dy_yaml_string(&c->y, v, "name", cfg->name, sizeof cfg->name)) return -1;
        for (const char *p = cfg->name; *p; ++p)
            if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
                return dy_yaml_fail(&c->y, v,
                                    "'name' may use only letters, digits and . _ + - (it names "
                                    "output files), got '%s'",
                                    cfg->name);
        if (cfg->name[0] == '.')
            return dy_yaml_fail(&c->y, v, "'name' must not start with '.', got '%s'", cfg->name);
    } else {
        dy_yaml_default_name(cfg->path, "run", cfg->name, sizeof cfg->name);
    }
    cfg->seed = 1;
    if (lookup(c, root, "", "seed", 0, &v) || (v && dy_yaml_u64(&c->y, v, "seed", &cfg->seed)))
        return -1;
    cfg->max_eval = 20000000;
    if (lookup(c, root, "", "max_eval", 0, &v) ||
        (v && dy_yaml_u64(&c->y, v, "max_eval", &cfg->max_eval)))
        return -1;
    if (v && cfg->max_eval < 1000)
        return dy_yaml_fail(&c->y, v, "'max_eval' must be at least 1000, got %s", dy_yaml_str(v));
    if (get_enum(c, root, "", "backend", 0, "auto", k_backends, cfg->backend, sizeof cfg->backend,
                 NULL) ||
        get_double(c, root, "", "precision", 0, 0.01, &cfg->precision, &w))
        return -1;
    if (!(cfg->precision > 0.0 && cfg->precision < 1.0))
        return dy_yaml_fail(&c->y, w, "'precision' must be a relative precision in (0, 1), got %g",
                            cfg->precision);
    return load_beam_target(c, root, cfg) || load_model(c, root, cfg) ||
           load_processes(c, root, cfg) || load_masses(c, root, cfg) ||
           load_bins_cuts(c, root, cfg) || load_geometry(c, root, cfg) || load_output(c, root, cfg);
}

/* ----------------------------------------------------------------------------- entry points */

dy_status dy_config_parse(const char *text, size_t len, const char *path, dy_config *cfg,
                          dy_error *err)
{
    if (!cfg) return dy_error_set(err, DY_ERR_INVALID, "dy_config_parse: NULL config");
    memset(cfg, 0, sizeof *cfg);
    if (!text || !path) return dy_error_set(err, DY_ERR_INVALID, "dy_config_parse: NULL argument");
    if (strlen(path) >= sizeof cfg->path)
        return dy_error_set(err, DY_ERR_INVALID, "config path is too long");
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    cfg->config_text = malloc(len + 1);
    if (!cfg->config_text) return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
    memcpy(cfg->config_text, text, len);
    cfg->config_text[len] = '\0';
    cfg->config_len = len;
    cfg->hash = dy_fnv1a64(text, len);

    yaml_document_t doc;
    dy_status st = dy_yaml_load(&doc, cfg->config_text, len, path, "config", 1, err);
    if (st == DY_OK) {
        cfg_ctx c = {{path, &doc, err, DY_OK}, 0, {NULL}, {NULL}};
        if (load_root(&c, yaml_document_get_root_node(&doc), cfg)) st = c.y.st;
        yaml_document_delete(&doc);
    }
    if (st != DY_OK) dy_config_free(cfg);
    return st;
}

/* The text with the overrides applied, parsed; a problem found only then says so. */
static dy_status parse_with_sets(const char *text, size_t len, const char *path,
                                 const char *const *sets, int n_sets, dy_config *cfg, dy_error *err)
{
    if (n_sets <= 0) return dy_config_parse(text, len, path, cfg, err);
    char *merged;
    size_t mlen;
    dy_status st = dy_yaml_override(text, len, path, sets, n_sets, &merged, &mlen, err);
    if (st != DY_OK) return st;
    st = dy_config_parse(merged, mlen, path, cfg, err);
    free(merged);
    if (st != DY_OK && err) {
        const size_t k = strlen(err->msg);
        snprintf(err->msg + k, sizeof err->msg - k, " (in the config with the --set overrides)");
    }
    return st;
}

dy_status dy_config_load(const char *path, dy_config *cfg, dy_error *err)
{
    return dy_config_load_with(path, NULL, 0, cfg, err);
}

dy_status dy_config_parse_with(const char *text, size_t len, const char *path,
                               const char *const *sets, int n_sets, dy_config *cfg, dy_error *err)
{
    if (!cfg) return dy_error_set(err, DY_ERR_INVALID, "dy_config_parse: NULL config");
    memset(cfg, 0, sizeof *cfg);
    if (!text || !path) return dy_error_set(err, DY_ERR_INVALID, "dy_config_parse: NULL argument");
    return parse_with_sets(text, len, path, sets, n_sets, cfg, err);
}

dy_status dy_config_load_with(const char *path, const char *const *sets, int n_sets, dy_config *cfg,
                              dy_error *err)
{
    if (!path || !cfg) return dy_error_set(err, DY_ERR_INVALID, "dy_config_load: NULL argument");
    memset(cfg, 0, sizeof *cfg);
    FILE *f = dy_open_input(path, "config file", err); /* regular files only: never hangs */
    if (!f) return err ? err->status : DY_ERR_IO;
    char *buf = malloc(DY_CFG_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
    }
    const size_t n = fread(buf, 1, DY_CFG_MAX_BYTES + 1, f);
    const int bad = ferror(f);
    const int e = errno;
    fclose(f);
    dy_status st;
    if (bad)
        st = dy_error_set(err, DY_ERR_IO, "cannot read config file '%s': %s", path, strerror(e));
    else if (n > DY_CFG_MAX_BYTES)
        st = dy_error_set(err, DY_ERR_INVALID, "config file '%s' is larger than %d bytes", path,
                          DY_CFG_MAX_BYTES);
    else
        st = parse_with_sets(buf, n, path, sets, n_sets, cfg, err);
    free(buf);
    return st;
}

void dy_config_free(dy_config *cfg)
{
    if (!cfg) return;
    free(cfg->config_text);
    memset(cfg, 0, sizeof *cfg);
}

int dy_config_has_process(const dy_config *cfg, const char *name)
{
    for (int i = 0; cfg && name && i < cfg->n_processes; ++i)
        if (!strcmp(cfg->processes[i], name)) return 1;
    return 0;
}
