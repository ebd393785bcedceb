/* config.c — load and validate the YAML run configuration (schema: docs/config.md).
 * libyaml's document API builds a node tree with source marks; we walk it with a fixed schema,
 * so every problem can name file:line:column and the dotted key.  No libcyaml. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "io/config.h"

#define MAX_SECTIONS 16

typedef struct cfg_ctx {
    const char *path;
    yaml_document_t *doc;
    dy_error *err;
    dy_status st;
    int n_sec; /* maps seen so far and the keys that introduced them ("beam:"), for messages */
    const yaml_node_t *sec_map[MAX_SECTIONS], *sec_key[MAX_SECTIONS];
} cfg_ctx;

/* ---------------------------------------------------------------- messages and small helpers */

/* Record "path:line:col: message" (line/column 1-based); returns -1 for `return fail(...)`. */
static int fail_at(cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[3072];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        dy_error_set(c->err, DY_ERR_INVALID, "%s:%zu:%zu: %s", c->path, n->start_mark.line + 1,
                     n->start_mark.column + 1, msg);
    else
        dy_error_set(c->err, DY_ERR_INVALID, "%s: %s", c->path, msg);
    c->st = DY_ERR_INVALID;
    return -1;
}

static yaml_node_t *node_at(cfg_ctx *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

static const char *sval(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* A plain empty scalar, "~" or "null": the key is present without a value. */
static int is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *s = sval(n);
    return n->data.scalar.length == 0 || !strcmp(s, "~") || !strcmp(s, "null") ||
           !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static const char *kind_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a map";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE:
        return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "a plain value"
                                                               : "a quoted string";
    default: return "nothing";
    }
}

/* "beam" + "energy_GeV" -> "beam.energy_GeV"; the root section is "". */
static const char *full_key(char *buf, size_t size, const char *sect, const char *key)
{
    snprintf(buf, size, "%s%s%s", sect, sect[0] ? "." : "", key);
    return buf;
}

static void join_list(char *buf, size_t size, const char *const *list)
{
    buf[0] = '\0';
    for (int i = 0; list[i]; ++i) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "", list[i]);
    }
}

static int in_list(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; ++i)
        if (!strcmp(s, list[i])) return i;
    return -1;
}

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

static const char *const k_root_keys[] = {"name",       "seed",       "backend",     "precision",
                                          "max_eval",   "beam",       "target",      "model",
                                          "processes",  "masses_GeV", "energy_bins", "cuts",
                                          "quadrature", "output",     NULL};
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
static const char *const k_out_keys[] = {"dir", "formats", "plots", NULL};

static const char *const k_backends[] = {"auto", "cpu", "opencl", "cuda", NULL};
static const char *const k_particles[] = {"e-", "e+", "mu-", "mu+", "gamma", NULL};
static const char *const k_mediators[] = {"vector", "scalar", "pseudoscalar", "axial", "alp", NULL};
static const char *const k_decays[] = {"invisible", "visible", NULL};
static const char *const k_dm_kinds[] = {"dirac", "scalar", "majorana", "inelastic", NULL};
static const char *const k_processes[] = {"brem", "annihilation", "primakoff", "brem-positron",
                                          NULL};
static const char *const k_scales[] = {"log", "linear", NULL};
static const char *const k_formats[] = {"hdf5", "csv", NULL};

/* ------------------------------------------------------------------------------- map access */

/* Every key of map must be a scalar from `allowed`, and appear once. */
static int check_map(cfg_ctx *c, yaml_node_t *map, const char *sect, const char *const *allowed)
{
    char k[128], list[512];
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         ++p) {
        yaml_node_t *key = node_at(c, p->key);
        if (key->type != YAML_SCALAR_NODE)
            return fail_at(c, key, "a key in '%s' is %s, expected a name", sect[0] ? sect : "(top)",
                           kind_name(key));
        if (in_list(sval(key), allowed) < 0) {
            join_list(list, sizeof list, allowed);
            return fail_at(c, key, "unknown key '%s' (allowed here: %s)",
                           full_key(k, sizeof k, sect, sval(key)), list);
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; ++q) {
            yaml_node_t *prev = node_at(c, q->key);
            if (!strcmp(sval(prev), sval(key)))
                return fail_at(c, key, "duplicate key '%s' (first given at line %zu)",
                               full_key(k, sizeof k, sect, sval(key)), prev->start_mark.line + 1);
        }
    }
    return 0;
}

static yaml_node_t *find_value(cfg_ctx *c, yaml_node_t *map, const char *key,
                               yaml_node_t **key_node)
{
    if (!map) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         ++p) {
        yaml_node_t *k = node_at(c, p->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp(sval(k), key)) {
            if (key_node) *key_node = k;
            return node_at(c, p->value);
        }
    }
    return NULL;
}

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
    yaml_node_t *v = find_value(c, map, key, NULL);
    *out = NULL;
    if (v && is_null(v)) {
        if (required)
            return fail_at(c, v, "required key '%s' has no value",
                           full_key(k, sizeof k, sect, key));
        v = NULL;
    }
    if (!v && required)
        return fail_at(c, map_pos(c, map), "missing required key '%s'",
                       full_key(k, sizeof k, sect, key));
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
        return fail_at(c, *out, "'%s' must be a map of 'key: value' lines, got %s", key,
                       kind_name(*out));
    yaml_node_t *key_node = NULL;
    find_value(c, root, key, &key_node);
    remember_section(c, *out, key_node);
    return check_map(c, *out, key, allowed);
}

/* ------------------------------------------------------------------------------ scalar types */

static int scalar_double(cfg_ctx *c, yaml_node_t *v, const char *k, double *out)
{
    if (v->type != YAML_SCALAR_NODE)
        return fail_at(c, v, "'%s' must be a number, got %s", k, kind_name(v));
    const char *s = sval(v);
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return fail_at(c, v, "'%s' must be a number, got the quoted string \"%s\"", k, s);
    int ok = s[0] != '\0';
    for (const char *p = s; *p; ++p)
        if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p)) ok = 0;
    char *end = NULL;
    errno = 0;
    const double x = ok ? strtod(s, &end) : 0.0;
    if (!ok || end == s || *end != '\0' || errno == ERANGE || !isfinite(x))
        return fail_at(c, v, "'%s' must be a finite number, got '%s'", k, s);
    *out = x;
    return 0;
}

static int scalar_int(cfg_ctx *c, yaml_node_t *v, const char *k, long lo, long hi, int *out)
{
    double x;
    if (scalar_double(c, v, k, &x)) return -1;
    if (x != floor(x)) return fail_at(c, v, "'%s' must be an integer, got '%s'", k, sval(v));
    if (x < (double)lo || x > (double)hi)
        return fail_at(c, v, "'%s' must be in %ld..%ld, got %s", k, lo, hi, sval(v));
    *out = (int)x;
    return 0;
}

static int scalar_u64(cfg_ctx *c, yaml_node_t *v, const char *k, uint64_t *out)
{
    if (v->type != YAML_SCALAR_NODE)
        return fail_at(c, v, "'%s' must be an integer, got %s", k, kind_name(v));
    const char *s = sval(v);
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return fail_at(c, v, "'%s' must be an integer, got the quoted string \"%s\"", k, s);
    int digits = s[0] != '\0';
    for (const char *p = s; *p; ++p)
        digits &= isdigit((unsigned char)*p) != 0;
    if (digits) {
        errno = 0;
        char *end;
        unsigned long long u = strtoull(s, &end, 10);
        if (errno == ERANGE || *end != '\0')
            return fail_at(c, v, "'%s' must be an integer below 2^64, got '%s'", k, s);
        *out = (uint64_t)u;
        return 0;
    }
    /* "2e7" style: accept an exactly integral number up to 2^53 */
    double x;
    if (scalar_double(c, v, k, &x)) return -1;
    if (x < 0.0 || x != floor(x) || x > 9007199254740992.0)
        return fail_at(c, v, "'%s' must be a non-negative integer, got '%s'", k, s);
    *out = (uint64_t)x;
    return 0;
}

static int scalar_bool(cfg_ctx *c, yaml_node_t *v, const char *k, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
                                      "YES",  "on",   "On",   "ON",  NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no",  "No",
                                     "NO",    "off",   "Off",   "OFF", NULL};
    if (v->type != YAML_SCALAR_NODE || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return fail_at(c, v, "'%s' must be true or false, got %s", k, kind_name(v));
    if (in_list(sval(v), yes) >= 0)
        *out = 1;
    else if (in_list(sval(v), no) >= 0)
        *out = 0;
    else
        return fail_at(c, v, "'%s' must be true or false, got '%s'", k, sval(v));
    return 0;
}

static int scalar_string(cfg_ctx *c, yaml_node_t *v, const char *k, char *buf, size_t size)
{
    if (v->type != YAML_SCALAR_NODE)
        return fail_at(c, v, "'%s' must be a string, got %s", k, kind_name(v));
    if (v->data.scalar.length == 0) return fail_at(c, v, "'%s' must not be empty", k);
    if (v->data.scalar.length >= size)
        return fail_at(c, v, "'%s' is too long (%zu characters, at most %zu)", k,
                       v->data.scalar.length, size - 1);
    if (strlen(sval(v)) != v->data.scalar.length)
        return fail_at(c, v, "'%s' contains a NUL character", k);
    memcpy(buf, sval(v), v->data.scalar.length + 1);
    return 0;
}

static int scalar_enum(cfg_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                       char *buf, size_t size)
{
    char list[256];
    if (v->type != YAML_SCALAR_NODE)
        return fail_at(c, v, "'%s' must be one of the names %s, got %s", k,
                       (join_list(list, sizeof list, allowed), list), kind_name(v));
    if (in_list(sval(v), allowed) < 0) {
        join_list(list, sizeof list, allowed);
        return fail_at(c, v, "unknown value '%s' for '%s' (allowed: %s)", sval(v), k, list);
    }
    snprintf(buf, size, "%s", sval(v));
    return 0;
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
    return v ? scalar_double(c, v, full_key(k, sizeof k, sect, key), out) : 0;
}

static int get_int(cfg_ctx *c, yaml_node_t *map, const char *sect, const char *key, int required,
                   int def, long lo, long hi, int *out, yaml_node_t **where)
{
    char k[128];
    yaml_node_t *v;
    if (lookup(c, map, sect, key, required, &v)) return -1;
    if (where) *where = v;
    *out = def;
    return v ? scalar_int(c, v, full_key(k, sizeof k, sect, key), lo, hi, out) : 0;
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
    return scalar_enum(c, v, full_key(k, sizeof k, sect, key), allowed, buf, size);
}

/* A list of distinct names from `allowed`; returns the count in *n (at most max). */
static int get_name_list(cfg_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                         int max, char (*names)[32], int *n)
{
    char list[256];
    join_list(list, sizeof list, allowed);
    if (v->type != YAML_SEQUENCE_NODE)
        return fail_at(c, v, "'%s' must be a list like [%s], got %s", k, list, kind_name(v));
    *n = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         ++it) {
        yaml_node_t *e = node_at(c, *it);
        char name[32];
        if (scalar_enum(c, e, k, allowed, name, sizeof name)) return -1;
        for (int j = 0; j < *n; ++j)
            if (!strcmp(names[j], name)) return fail_at(c, e, "'%s' lists '%s' twice", k, name);
        if (*n >= max) return fail_at(c, e, "'%s' has more than %d entries", k, max);
        snprintf(names[(*n)++], 32, "%s", name);
    }
    if (*n == 0) return fail_at(c, v, "'%s' must not be empty (choose from %s)", k, list);
    return 0;
}

/* -------------------------------------------------------------------------------- sections */

static int need_positive(cfg_ctx *c, yaml_node_t *where, const char *k, double x, int allow_zero)
{
    if (allow_zero ? x >= 0.0 : x > 0.0) return 0;
    return fail_at(c, where, "'%s' must be %s, got %g", k, allow_zero ? ">= 0" : "> 0", x);
}

static int load_masses(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *v, *key = NULL, *where[DY_CFG_MAX_MASSES];
    if (lookup(c, root, "", "masses_GeV", 1, &v)) return -1;
    find_value(c, root, "masses_GeV", &key);
    remember_section(c, v, key);
    if (v->type == YAML_SEQUENCE_NODE) {
        snprintf(cfg->mass_scale, sizeof cfg->mass_scale, "list");
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             ++it) {
            yaml_node_t *e = node_at(c, *it);
            double m;
            if (cfg->n_masses >= DY_CFG_MAX_MASSES)
                return fail_at(c, e, "'masses_GeV' has more than %d entries", DY_CFG_MAX_MASSES);
            if (scalar_double(c, e, "masses_GeV", &m) || need_positive(c, e, "masses_GeV", m, 0))
                return -1;
            if (cfg->n_masses > 0 && !(m > cfg->masses_GeV[cfg->n_masses - 1]))
                return fail_at(c, e, "'masses_GeV' must be strictly increasing (%g after %g)", m,
                               cfg->masses_GeV[cfg->n_masses - 1]);
            where[cfg->n_masses] = e;
            cfg->masses_GeV[cfg->n_masses++] = m;
        }
        if (cfg->n_masses == 0) return fail_at(c, v, "'masses_GeV' must not be an empty list");
    } else if (v->type == YAML_MAPPING_NODE) {
        yaml_node_t *wmin, *wmax, *wn;
        double lo, hi;
        int n;
        if (check_map(c, v, "masses_GeV", k_mass_keys) ||
            get_double(c, v, "masses_GeV", "min", 1, 0.0, &lo, &wmin) ||
            get_double(c, v, "masses_GeV", "max", 1, 0.0, &hi, &wmax) ||
            get_int(c, v, "masses_GeV", "n", 1, 0, 1, DY_CFG_MAX_MASSES, &n, &wn) ||
            get_enum(c, v, "masses_GeV", "scale", 0, "log", k_scales, cfg->mass_scale,
                     sizeof cfg->mass_scale, NULL) ||
            need_positive(c, wmin, "masses_GeV.min", lo, 0))
            return -1;
        if (n > 1 && !(hi > lo))
            return fail_at(c, wmax, "'masses_GeV.max' (%g) must be above 'masses_GeV.min' (%g)", hi,
                           lo);
        if (n == 1 && hi < lo)
            return fail_at(c, wmax, "'masses_GeV.max' (%g) is below 'masses_GeV.min' (%g)", hi, lo);
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
        return fail_at(c, v,
                       "'masses_GeV' must be a list [m1, m2, ...] or a map {min, max, n, scale}, "
                       "got %s",
                       kind_name(v));
    }
    for (int i = 0; i < cfg->n_masses; ++i)
        if (!(cfg->masses_GeV[i] < cfg->beam.energy_GeV))
            return fail_at(c, where[i],
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
        scalar_string(c, v, "target.material", cfg->target.material, sizeof cfg->target.material) ||
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
        if (v && scalar_string(c, v, key, cfg->target.tracklength_file[i],
                               sizeof cfg->target.tracklength_file[i]))
            return -1;
    }
    if (wx0 && wcm)
        return fail_at(c, wcm,
                       "give exactly one of 'target.thickness_X0' and 'target.thickness_cm', "
                       "not both");
    if (!wx0 && !wcm)
        return fail_at(c, map_pos(c, tgt),
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
    if (!strcmp(md->decay, "invisible") && !(md->mchi_over_m < 0.5))
        return fail_at(c, wr,
                       "'model.mchi_over_m' must be below 0.5 for invisible decay (m -> chi chi "
                       "needs 2 m_chi < m), got %g",
                       md->mchi_over_m);
    return 0;
}

static int load_processes(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *v;
    if (lookup(c, root, "", "processes", 1, &v) ||
        get_name_list(c, v, "processes", k_processes, DY_CFG_MAX_PROCESSES, cfg->processes,
                      &cfg->n_processes))
        return -1;
    const int alp = !strcmp(cfg->model.mediator, "alp");
    for (int i = 0; i < cfg->n_processes; ++i) {
        const int prim = !strcmp(cfg->processes[i], "primakoff");
        yaml_node_t *e = node_at(c, v->data.sequence.items.start[i]);
        if (prim && !alp)
            return fail_at(c, e, "process 'primakoff' needs 'model.mediator: alp' (got '%s')",
                           cfg->model.mediator);
        if (!prim && alp)
            return fail_at(c, e,
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
    if (!(cfg->ebins.max_GeV > cfg->ebins.min_GeV))
        return fail_at(c, whi ? whi : wlo,
                       "'energy_bins.max_GeV' (%g%s) must be above 'energy_bins.min_GeV' (%g)",
                       cfg->ebins.max_GeV, whi ? "" : ", the beam energy", cfg->ebins.min_GeV);
    if (get_section(c, root, "cuts", 0, k_cut_keys, &cuts) ||
        get_double(c, cuts, "cuts", "energy_min_GeV", 0, 0.0, &cfg->cut_energy_min_GeV, &w) ||
        need_positive(c, w, "cuts.energy_min_GeV", cfg->cut_energy_min_GeV, 1))
        return -1;
    if (!(cfg->cut_energy_min_GeV < E0))
        return fail_at(c, w, "'cuts.energy_min_GeV' (%g) must be below the beam energy (%g GeV)",
                       cfg->cut_energy_min_GeV, E0);
    return get_section(c, root, "quadrature", 0, k_quad_keys, &quad) ||
           get_int(c, quad, "quadrature", "nodes", 0, 24, 4, 256, &cfg->quad_nodes, NULL);
}

static int load_output(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *out, *v, *wplots;
    if (get_section(c, root, "output", 0, k_out_keys, &out) ||
        lookup(c, out, "output", "dir", 0, &v))
        return -1;
    if (v) {
        if (scalar_string(c, v, "output.dir", cfg->out_dir, sizeof cfg->out_dir)) return -1;
    } else if ((size_t)snprintf(cfg->out_dir, sizeof cfg->out_dir, "out/%s", cfg->name) >=
               sizeof cfg->out_dir) {
        return fail_at(c, NULL, "default output directory 'out/%s' is too long", cfg->name);
    }
    cfg->want_hdf5 = cfg->want_csv = 1;
    if (lookup(c, out, "output", "formats", 0, &v)) return -1;
    if (v) {
        char f[2][32];
        int n;
        if (get_name_list(c, v, "output.formats", k_formats, 2, f, &n)) return -1;
        cfg->want_hdf5 = cfg->want_csv = 0;
        for (int i = 0; i < n; ++i) {
            cfg->want_hdf5 |= !strcmp(f[i], "hdf5");
            cfg->want_csv |= !strcmp(f[i], "csv");
        }
    }
    if (lookup(c, out, "output", "plots", 0, &wplots)) return -1;
    cfg->want_plots = cfg->want_hdf5; /* default: plots when there is an HDF5 file to read */
    if (wplots) {
        if (scalar_bool(c, wplots, "output.plots", &cfg->want_plots)) return -1;
        if (cfg->want_plots && !cfg->want_hdf5)
            return fail_at(c, wplots,
                           "'output.plots: true' needs 'hdf5' in 'output.formats' (the plot "
                           "script reads the HDF5 file)");
    }
    return 0;
}

/* Default name: file stem with characters outside [A-Za-z0-9._+-] replaced by '_'. */
static void default_name(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n >= size) n = size - 1;
    memcpy(name, base, n);
    name[n] = '\0';
    char *dot = strrchr(name, '.');
    if (dot && dot != name) *dot = '\0';
    for (char *p = name; *p; ++p)
        if (!isalnum((unsigned char)*p) && !strchr("._+-", *p)) *p = '_';
    if (!name[0]) snprintf(name, size, "run");
}

static int load_root(cfg_ctx *c, yaml_node_t *root, dy_config *cfg)
{
    yaml_node_t *v, *w;
    if (root->type != YAML_MAPPING_NODE)
        return fail_at(c, root, "the config must be a map of 'key: value' lines, got %s",
                       kind_name(root));
    if (check_map(c, root, "", k_root_keys) || lookup(c, root, "", "name", 0, &v)) return -1;
    if (v) {
        if (scalar_string(c, v, "name", cfg->name, sizeof cfg->name)) return -1;
        for (const char *p = cfg->name; *p; ++p)
            if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
                return fail_at(c, v,
                               "'name' may use only letters, digits and . _ + - (it names "
                               "output files), got '%s'",
                               cfg->name);
        if (cfg->name[0] == '.')
            return fail_at(c, v, "'name' must not start with '.', got '%s'", cfg->name);
    } else {
        default_name(cfg->path, cfg->name, sizeof cfg->name);
    }
    cfg->seed = 1;
    if (lookup(c, root, "", "seed", 0, &v) || (v && scalar_u64(c, v, "seed", &cfg->seed)))
        return -1;
    cfg->max_eval = 20000000;
    if (lookup(c, root, "", "max_eval", 0, &v) ||
        (v && scalar_u64(c, v, "max_eval", &cfg->max_eval)))
        return -1;
    if (v && cfg->max_eval < 1000)
        return fail_at(c, v, "'max_eval' must be at least 1000, got %s", sval(v));
    if (get_enum(c, root, "", "backend", 0, "auto", k_backends, cfg->backend, sizeof cfg->backend,
                 NULL) ||
        get_double(c, root, "", "precision", 0, 0.01, &cfg->precision, &w))
        return -1;
    if (!(cfg->precision > 0.0 && cfg->precision < 1.0))
        return fail_at(c, w, "'precision' must be a relative precision in (0, 1), got %g",
                       cfg->precision);
    return load_beam_target(c, root, cfg) || load_model(c, root, cfg) ||
           load_processes(c, root, cfg) || load_masses(c, root, cfg) ||
           load_bins_cuts(c, root, cfg) || load_output(c, root, cfg);
}

/* ----------------------------------------------------------------------------- entry points */

static dy_status yaml_problem(const yaml_parser_t *ps, const char *text, size_t len,
                              const char *path, dy_error *err)
{
    if (ps->error == YAML_MEMORY_ERROR)
        return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory while parsing YAML", path);
    if (ps->error == YAML_READER_ERROR)
        return dy_error_set(err, DY_ERR_INVALID, "%s: YAML read error at byte %zu: %s", path,
                            ps->problem_offset, ps->problem ? ps->problem : "unknown problem");
    char ctx[512] = "";
    if (ps->context)
        snprintf(ctx, sizeof ctx, " (%s at line %zu, column %zu)", ps->context,
                 ps->context_mark.line + 1, ps->context_mark.column + 1);
    const size_t at = ps->problem_mark.index;
    const char *hint =
        at < len && text[at] == '\t' ? "; YAML does not allow tabs for indentation" : "";
    return dy_error_set(err, DY_ERR_INVALID, "%s:%zu:%zu: YAML syntax error: %s%s%s", path,
                        ps->problem_mark.line + 1, ps->problem_mark.column + 1,
                        ps->problem ? ps->problem : "unknown problem", ctx, hint);
}

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

    yaml_parser_t ps;
    yaml_document_t doc, extra;
    if (!yaml_parser_initialize(&ps)) {
        dy_config_free(cfg);
        return dy_error_set(err, DY_ERR_NOMEM, "%s: cannot initialise the YAML parser", path);
    }
    yaml_parser_set_input_string(&ps, (const unsigned char *)cfg->config_text, len);
    dy_status st = DY_OK;
    if (!yaml_parser_load(&ps, &doc)) {
        st = yaml_problem(&ps, cfg->config_text, len, path, err);
    } else {
        cfg_ctx c = {path, &doc, err, DY_OK, 0, {NULL}, {NULL}};
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            st = dy_error_set(err, DY_ERR_INVALID, "%s: the config is empty", path);
        } else if (!yaml_parser_load(&ps, &extra)) { /* rest of the stream must parse, too */
            st = yaml_problem(&ps, cfg->config_text, len, path, err);
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&extra);
            if (r2)
                st = dy_error_set(err, DY_ERR_INVALID,
                                  "%s:%zu:%zu: a second YAML document ('---') is not allowed", path,
                                  extra.start_mark.line + 1, extra.start_mark.column + 1);
            yaml_document_delete(&extra);
            if (st == DY_OK && load_root(&c, root, cfg)) st = c.st;
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&ps);
    if (st != DY_OK) dy_config_free(cfg);
    return st;
}

dy_status dy_config_load(const char *path, dy_config *cfg, dy_error *err)
{
    if (!path || !cfg) return dy_error_set(err, DY_ERR_INVALID, "dy_config_load: NULL argument");
    memset(cfg, 0, sizeof *cfg);
    FILE *f = fopen(path, "rb");
    if (!f)
        return dy_error_set(err, errno == ENOENT ? DY_ERR_NOT_FOUND : DY_ERR_IO,
                            "cannot open config file '%s': %s", path, strerror(errno));
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
        st = dy_config_parse(buf, n, path, cfg, err);
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
