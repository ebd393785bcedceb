/* limit_config.c — parse and validate the limit YAML (schema: docs/limits.md §6).  Same approach
 * as host/io/config.c: libyaml's document API, a fixed schema walked over the node tree, and one
 * message "FILE:LINE:COLUMN: what is wrong" naming the dotted key. */
#include "io/limit_config.h"
#include "io/infile.h"
#include "io/overlay.h"
#include "io/yaml_override.h"
#include "io/yaml_util.h"
#include "physics/couplings.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* The helpers below keep this parser's own wording and accepted spellings (narrower null and bool
 * words, shorter messages than the run config's dy_yaml_string/enum/bool/name_list). */

/* A plain empty scalar, "~" or "null" (not "Null"/"NULL", unlike dy_yaml_is_null). */
static int is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    return n->data.scalar.length == 0 || !strcmp(dy_yaml_str(n), "~") ||
           !strcmp(dy_yaml_str(n), "null");
}

/* Value of key in map: NULL when absent or null.  *kn = the key node (for messages). */
static yaml_node_t *get(dy_yaml_ctx *c, yaml_node_t *map, const char *key, yaml_node_t **kn)
{
    yaml_node_t *v = dy_yaml_find(c, map, key, kn);
    return v && is_null(v) ? NULL : v;
}

static int to_string(dy_yaml_ctx *c, yaml_node_t *v, const char *k, char *buf, size_t size)
{
    if (v->type != YAML_SCALAR_NODE)
        return dy_yaml_fail(c, v, "'%s' must be a string, got %s", k, dy_yaml_kind(v));
    if (v->data.scalar.length == 0) return dy_yaml_fail(c, v, "'%s' must not be empty", k);
    if (v->data.scalar.length >= size || strlen(dy_yaml_str(v)) != v->data.scalar.length)
        return dy_yaml_fail(c, v, "'%s' is too long or contains NUL", k);
    memcpy(buf, dy_yaml_str(v), v->data.scalar.length + 1);
    return 0;
}

static int to_enum(dy_yaml_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                   char *buf, size_t size)
{
    char list[256];
    dy_yaml_join(list, sizeof list, allowed);
    if (v->type != YAML_SCALAR_NODE)
        return dy_yaml_fail(c, v, "'%s' must be one of %s, got %s", k, list, dy_yaml_kind(v));
    if (dy_yaml_in_list(dy_yaml_str(v), allowed) < 0)
        return dy_yaml_fail(c, v, "unknown value '%s' for '%s' (allowed: %s)", dy_yaml_str(v), k,
                            list);
    snprintf(buf, size, "%s", dy_yaml_str(v));
    return 0;
}

/* Optional number with a check lo < x (or lo <= x with incl) and x <= hi. */
static int opt_num(dy_yaml_ctx *c, yaml_node_t *map, const char *sect, const char *key, double def,
                   double lo, int incl, double hi, double *out, yaml_node_t **where)
{
    char k[160];
    dy_yaml_key(k, sizeof k, sect, key);
    yaml_node_t *v = get(c, map, key, NULL);
    if (where) *where = v;
    *out = def;
    if (!v) return 0;
    if (dy_yaml_double(c, v, k, out)) return -1;
    char upper[48] = "";
    if (isfinite(hi)) snprintf(upper, sizeof upper, " and <= %.10g", hi);
    if (!(incl ? *out >= lo : *out > lo) || !(*out <= hi))
        return dy_yaml_fail(c, v, "'%s' must be %s %g%s, got %g", k, incl ? ">=" : ">", lo, upper,
                            *out);
    return 0;
}

static int section(dy_yaml_ctx *c, yaml_node_t *root, const char *key, int required,
                   const char *const *allowed, yaml_node_t **out)
{
    yaml_node_t *kn = NULL;
    *out = get(c, root, key, &kn);
    if (!*out) return required ? dy_yaml_fail(c, root, "missing required section '%s'", key) : 0;
    if ((*out)->type != YAML_MAPPING_NODE)
        return dy_yaml_fail(c, *out, "'%s' must be a map of 'key: value' lines, got %s", key,
                            dy_yaml_kind(*out));
    return dy_yaml_check_map(c, *out, key, allowed);
}

static const char *const k_root[] = {
    "name",       "yields",     "channels", "model",         "mode",       "decay",
    "statistics", "efficiency", "cuts",     "coupling_scan", "thermal",    "gminus2",
    "overlays",   "output",     "datasets", "interpolate",   "acceptance", NULL};
static const char *const k_model[] = {"particle", "alpha_D", "mchi_over_m", "dm_splitting", NULL};
static const char *const k_particles[] = {"dark_photon", "zprime",       "zprime-bl",
                                          "alp",         "inelastic_dm", NULL};
static const char *const k_modes[] = {"invisible", "visible", "semi_visible", NULL};
static const char *const k_decay[] = {"region", "z1_cm", "z2_cm", NULL};
static const char *const k_regions[] = {"between", "beyond", NULL};
static const char *const k_acc[] = {"theta_max_rad", "radius_cm", "distance_cm", "products", NULL};
static const char *const k_products[] = {"boson", "both", "any", NULL};
static const char *const k_stat[] = {"pot",
                                     "event_limit",
                                     "observed",
                                     "background",
                                     "cl",
                                     "method",
                                     "pot_rel_sigma",
                                     "background_rel_sigma",
                                     "efficiency_rel_sigma",
                                     "yield_error",
                                     "toys",
                                     "seed",
                                     NULL};
static const char *const k_methods[] = {"poisson",  "classical",        "fc", "cls-asymptotic",
                                        "cls-toys", "cousins-highland", NULL};
static const char *const k_set[] = {"name",
                                    "pot",
                                    "observed",
                                    "background",
                                    "pot_rel_sigma",
                                    "background_rel_sigma",
                                    "efficiency",
                                    "efficiency_rel_sigma",
                                    "shared_signal_rel_sigma",
                                    "shared_background_rel_sigma",
                                    "energy_min_GeV",
                                    "energy_max_GeV",
                                    NULL};
static const char *const k_interp[] = {"per_decade", "max_slope_change", NULL};
static const char *const k_eff[] = {"table", NULL};
static const char *const k_cuts[] = {"energy_min_GeV", NULL};
static const char *const k_scan[] = {"min", "max", "per_decade", NULL};
static const char *const k_thermal[] = {"kinds", "dm_splitting", "omega_h2", NULL};
static const char *const k_tkinds[] = {"scalar", "majorana", "pseudo-dirac", "dirac", NULL};
static const char *const k_gm2[] = {"delta_a_mu", "sigma", NULL};
static const char *const k_over[] = {"file", "label", NULL};
static const char *const k_out[] = {"dir", "formats", "plots", NULL};
static const char *const k_formats[] = {"csv", "hepdata", "pyhf", NULL};

static int name_list(dy_yaml_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                     int max, char (*names)[32], int *n)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return dy_yaml_fail(c, v, "'%s' must be a list [...], got %s", k, dy_yaml_kind(v));
    *n = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         ++it) {
        yaml_node_t *e = dy_yaml_node(c, *it);
        char nm[32];
        if (allowed) {
            if (to_enum(c, e, k, allowed, nm, sizeof nm)) return -1;
        } else if (to_string(c, e, k, nm, sizeof nm)) {
            return -1;
        }
        for (int j = 0; j < *n; ++j)
            if (!strcmp(names[j], nm)) return dy_yaml_fail(c, e, "'%s' lists '%s' twice", k, nm);
        if (*n >= max) return dy_yaml_fail(c, e, "'%s' has more than %d entries", k, max);
        snprintf(names[(*n)++], 32, "%s", nm);
    }
    if (*n == 0) return dy_yaml_fail(c, v, "'%s' must not be empty", k);
    return 0;
}

static int scalar_bool(dy_yaml_ctx *c, yaml_node_t *v, const char *k, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", "True", "Yes", "On", NULL};
    static const char *const no[] = {"false", "no", "off", "False", "No", "Off", NULL};
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (dy_yaml_in_list(dy_yaml_str(v), yes) >= 0) return *out = 1, 0;
        if (dy_yaml_in_list(dy_yaml_str(v), no) >= 0) return *out = 0, 0;
    }
    return dy_yaml_fail(c, v, "'%s' must be true or false", k);
}

/* pot, observed, background and the relative sigmas of one data set from map s (section sect) */
static int load_counts(dy_yaml_ctx *c, yaml_node_t *s, const char *sect, dy_limit_dataset *d)
{
    yaml_node_t *w;
    double obs;
    char k[160];
    if (opt_num(c, s, sect, "pot", 0.0, 0.0, 0, HUGE_VAL, &d->n_pot, NULL) ||
        opt_num(c, s, sect, "observed", 0.0, 0.0, 1, 100000.0, &obs, &w) ||
        opt_num(c, s, sect, "background", 0.0, 0.0, 1, 1e5, &d->background, NULL) ||
        opt_num(c, s, sect, "pot_rel_sigma", 0.0, 0.0, 1, 9.99, &d->pot_rel_sigma, NULL) ||
        opt_num(c, s, sect, "background_rel_sigma", 0.0, 0.0, 1, 9.99, &d->background_rel_sigma,
                NULL) ||
        opt_num(c, s, sect, "efficiency_rel_sigma", 0.0, 0.0, 1, 9.99, &d->eff_rel_sigma, NULL) ||
        opt_num(c, s, sect, "shared_signal_rel_sigma", 0.0, 0.0, 1, 9.99, &d->shared_sig_rel_sigma,
                NULL) ||
        opt_num(c, s, sect, "shared_background_rel_sigma", 0.0, 0.0, 1, 9.99,
                &d->shared_bkg_rel_sigma, NULL))
        return -1;
    if (obs != floor(obs))
        return dy_yaml_fail(c, w, "'%s' must be a whole number of events, got %g",
                            dy_yaml_key(k, sizeof k, sect, "observed"), obs);
    d->observed = (int)obs;
    return 0;
}

static int load_datasets(dy_yaml_ctx *c, yaml_node_t *v, dy_limit_config *cfg)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return dy_yaml_fail(c, v, "'datasets' must be a list of maps, got %s", dy_yaml_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         ++it) {
        yaml_node_t *e = dy_yaml_node(c, *it), *x, *w1, *w2;
        if (cfg->n_sets >= DY_LCFG_MAX_SETS)
            return dy_yaml_fail(c, e, "'datasets' has more than %d entries", DY_LCFG_MAX_SETS);
        if (e->type != YAML_MAPPING_NODE)
            return dy_yaml_fail(c, e, "each entry of 'datasets' must be a map, got %s",
                                dy_yaml_kind(e));
        if (dy_yaml_check_map(c, e, "datasets", k_set)) return -1;
        dy_limit_dataset *d = &cfg->set[cfg->n_sets];
        memset(d, 0, sizeof *d);
        if ((x = get(c, e, "name", NULL))) {
            if (to_string(c, x, "datasets.name", d->name, sizeof d->name)) return -1;
            for (const char *p = d->name; *p; ++p)
                if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
                    return dy_yaml_fail(c, x,
                                        "'datasets.name' may use only letters, digits and . _ + "
                                        "-, got '%s'",
                                        d->name);
        } else {
            snprintf(d->name, sizeof d->name, "set%d", cfg->n_sets + 1);
        }
        for (int j = 0; j < cfg->n_sets; ++j)
            if (!strcmp(cfg->set[j].name, d->name))
                return dy_yaml_fail(c, x ? x : e, "'datasets' names '%s' twice", d->name);
        if (!get(c, e, "pot", NULL))
            return dy_yaml_fail(c, e, "missing required key 'datasets.pot' (data set '%s')",
                                d->name);
        if (load_counts(c, e, "datasets", d)) return -1;
        if ((x = get(c, e, "efficiency", NULL))) {
            d->have_eff = 1;
            if (dy_yaml_double(c, x, "datasets.efficiency", &d->eff_const)) return -1;
            if (!(d->eff_const > 0.0 && d->eff_const <= 1.0))
                return dy_yaml_fail(c, x, "'datasets.efficiency' must be in (0, 1], got %g",
                                    d->eff_const);
        }
        if (opt_num(c, e, "datasets", "energy_min_GeV", NAN, 0.0, 1, HUGE_VAL, &d->e_min, &w1) ||
            opt_num(c, e, "datasets", "energy_max_GeV", NAN, 0.0, 0, HUGE_VAL, &d->e_max, &w2))
            return -1;
        d->have_emin = w1 != NULL;
        d->have_emax = w2 != NULL;
        if (w1 && w2 && !(d->e_max > d->e_min))
            return dy_yaml_fail(c, w2,
                                "'datasets.energy_max_GeV' (%g) must be above energy_min_GeV (%g)",
                                d->e_max, d->e_min);
        ++cfg->n_sets;
    }
    if (cfg->n_sets == 0) return dy_yaml_fail(c, v, "'datasets' must not be empty");
    return 0;
}

static int load_root(dy_yaml_ctx *c, yaml_node_t *root, dy_limit_config *cfg)
{
    yaml_node_t *v, *w, *s;
    if (root->type != YAML_MAPPING_NODE)
        return dy_yaml_fail(c, root, "the limit config must be a map of 'key: value' lines, got %s",
                            dy_yaml_kind(root));
    if (dy_yaml_check_map(c, root, "", k_root)) return -1;
    if ((v = get(c, root, "name", NULL))) {
        if (to_string(c, v, "name", cfg->name, sizeof cfg->name)) return -1;
        for (const char *p = cfg->name; *p; ++p)
            if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
                return dy_yaml_fail(
                    c, v, "'name' may use only letters, digits and . _ + -, got '%s'", cfg->name);
        if (cfg->name[0] == '.') return dy_yaml_fail(c, v, "'name' must not start with '.'");
    } else {
        dy_yaml_default_name(cfg->path, "limit", cfg->name, sizeof cfg->name);
    }
    if (!(v = get(c, root, "yields", NULL))) {
        if (!cfg->yields_optional)
            return dy_yaml_fail(c, root,
                                "missing required key 'yields' (the HDF5 file of 'darkyield run')");
    } else if (to_string(c, v, "yields", cfg->yields, sizeof cfg->yields) ||
               dy_yaml_resolve_path(c, v, "yields", cfg->yields, sizeof cfg->yields)) {
        return -1;
    }
    if ((v = get(c, root, "channels", NULL)) &&
        name_list(c, v, "channels", NULL, DY_LCFG_MAX_CH, cfg->channels, &cfg->n_channels))
        return -1;

    /* model */
    if (section(c, root, "model", 1, k_model, &s)) return -1;
    if (!(v = get(c, s, "particle", NULL)))
        return dy_yaml_fail(c, s, "missing required key 'model.particle'");
    if (to_enum(c, v, "model.particle", k_particles, cfg->particle, sizeof cfg->particle) ||
        opt_num(c, s, "model", "alpha_D", 0.1, 0.0, 0, HUGE_VAL, &cfg->alpha_D, NULL) ||
        opt_num(c, s, "model", "mchi_over_m", 1.0 / 3.0, 0.0, 0, 0.5, &cfg->mchi_over_m, &w))
        return -1;
    if (w && !(cfg->mchi_over_m < 0.5))
        return dy_yaml_fail(c, w, "'model.mchi_over_m' must be below 0.5 (A' -> chi chi)");
    /* inelastic DM (docs/limits.md §3.2): A' -> chi1 chi2, m1 = mchi_over_m m_A', m2 = (1 +
     * dm_splitting) m1; the chi2 lifetime ~ 1/(eps^2 alpha_D Delta^5), so both are required */
    const int idm = !strcmp(cfg->particle, "inelastic_dm");
    yaml_node_t *wd = get(c, s, "dm_splitting", NULL);
    if (wd && !idm)
        return dy_yaml_fail(c, wd,
                            "'model.dm_splitting' applies to 'model.particle: inelastic_dm' (the "
                            "thermal targets take 'thermal.dm_splitting')");
    if (idm) {
        if (!get(c, s, "alpha_D", NULL))
            return dy_yaml_fail(c, s,
                                "missing required key 'model.alpha_D' (inelastic_dm: the chi2 "
                                "lifetime depends on it)");
        if (!wd)
            return dy_yaml_fail(c, s,
                                "missing required key 'model.dm_splitting' (inelastic_dm: "
                                "Delta = (m2 - m1)/m1 > 0)");
        if (opt_num(c, s, "model", "dm_splitting", 0.0, 0.0, 0, HUGE_VAL, &cfg->dm_splitting, NULL))
            return -1;
        if (!((2.0 + cfg->dm_splitting) * cfg->mchi_over_m < 1.0))
            return dy_yaml_fail(c, wd,
                                "'model.dm_splitting' %g with 'model.mchi_over_m' %g gives m1 + "
                                "m2 = %g m_A' >= m_A': A' -> chi1 chi2 is closed",
                                cfg->dm_splitting, cfg->mchi_over_m,
                                (2.0 + cfg->dm_splitting) * cfg->mchi_over_m);
    }

    /* mode and decay */
    snprintf(cfg->mode, sizeof cfg->mode, "invisible");
    if ((v = get(c, root, "mode", NULL)) &&
        to_enum(c, v, "mode", k_modes, cfg->mode, sizeof cfg->mode))
        return -1;
    /* iDM: both modes follow chi2 to its decay (invisible: beyond z1_cm, the end of the last
     * detector; semi_visible: e+e- from decays in [z1_cm, z2_cm]) */
    yaml_node_t *wmode = get(c, root, "mode", NULL);
    const int semi = !strcmp(cfg->mode, "semi_visible");
    if (semi && !idm)
        return dy_yaml_fail(c, wmode,
                            "'mode: semi_visible' applies to 'model.particle: inelastic_dm'");
    if (idm && !strcmp(cfg->mode, "visible"))
        return dy_yaml_fail(c, wmode,
                            "inelastic_dm takes 'mode: invisible' (chi2 decays beyond the "
                            "detectors) or 'mode: semi_visible' (chi2 -> chi1 e+e- in a volume), "
                            "not 'visible'");
    const int visible = !strcmp(cfg->mode, "visible") || idm;
    if (section(c, root, "decay", 0, k_decay, &s)) return -1;
    if (visible && !s)
        return dy_yaml_fail(c, root, "'mode: %s'%s needs a 'decay' section", cfg->mode,
                            idm ? " of inelastic_dm" : "");
    if (!visible && s)
        return dy_yaml_fail(c, s,
                            "'decay' applies only to 'mode: visible' (invisible: every produced "
                            "particle counts)");
    if (visible) {
        if (!strncmp(cfg->particle, "zprime", 6))
            return dy_yaml_fail(c, get(c, root, "mode", NULL),
                                "'mode: visible' is available for dark_photon (A' -> ee) and alp "
                                "(a -> gamma gamma), not %s",
                                cfg->particle);
        yaml_node_t *wz1, *wz2;
        snprintf(cfg->region, sizeof cfg->region, idm && !semi ? "beyond" : "between");
        if ((v = get(c, s, "region", NULL)) &&
            to_enum(c, v, "decay.region", k_regions, cfg->region, sizeof cfg->region))
            return -1;
        if (idm && strcmp(cfg->region, semi ? "between" : "beyond"))
            return dy_yaml_fail(c, v,
                                "inelastic_dm 'mode: %s' needs 'decay.region: %s' (or leave it "
                                "out)",
                                cfg->mode, semi ? "between" : "beyond");
        if (opt_num(c, s, "decay", "z1_cm", NAN, 0.0, 1, HUGE_VAL, &cfg->z1_cm, &wz1) ||
            opt_num(c, s, "decay", "z2_cm", NAN, 0.0, 0, HUGE_VAL, &cfg->z2_cm, &wz2))
            return -1;
        if (!wz1) return dy_yaml_fail(c, s, "missing required key 'decay.z1_cm'");
        if (!strcmp(cfg->region, "between")) {
            if (!wz2)
                return dy_yaml_fail(c, s, "missing required key 'decay.z2_cm' (region: between)");
            if (!(cfg->z2_cm > cfg->z1_cm))
                return dy_yaml_fail(c, wz2, "'decay.z2_cm' (%g) must be above 'decay.z1_cm' (%g)",
                                    cfg->z2_cm, cfg->z1_cm);
        } else if (wz2) {
            return dy_yaml_fail(c, wz2,
                                "'decay.z2_cm' is not used with 'region: beyond' (decays after "
                                "z1_cm or escapes)");
        }
    }

    /* the detector's angular acceptance (visible mode; docs/limits.md §3.1) */
    if (section(c, root, "acceptance", 0, k_acc, &s)) return -1;
    if (s && (!visible || idm))
        return dy_yaml_fail(c, s,
                            "'acceptance' applies only to 'mode: visible' (the decay products "
                            "must reach the detector)%s",
                            idm ? "; inelastic_dm has no angular acceptance" : "");
    if (s) {
        yaml_node_t *wt, *wr, *wl;
        if (opt_num(c, s, "acceptance", "theta_max_rad", NAN, 0.0, 0, 3.14159265358979323846,
                    &cfg->acc_theta_rad, &wt) ||
            opt_num(c, s, "acceptance", "radius_cm", NAN, 0.0, 0, HUGE_VAL, &cfg->acc_radius_cm,
                    &wr) ||
            opt_num(c, s, "acceptance", "distance_cm", NAN, 0.0, 0, HUGE_VAL, &cfg->acc_distance_cm,
                    &wl))
            return -1;
        if (wt && (wr || wl))
            return dy_yaml_fail(c, wt,
                                "'acceptance' takes either 'theta_max_rad' or 'radius_cm' with "
                                "'distance_cm', not both");
        if (!wt && !(wr && wl))
            return dy_yaml_fail(c, s,
                                "'acceptance' needs 'theta_max_rad', or both 'radius_cm' and "
                                "'distance_cm' (the detector's radius and its distance from the "
                                "target's front face)");
        cfg->acc_kind = wt ? 1 : 2;
        char pr[16] = "boson";
        if ((v = get(c, s, "products", NULL))) {
            if (to_enum(c, v, "acceptance.products", k_products, pr, sizeof pr)) return -1;
            cfg->acc_products = !strcmp(pr, "both") ? 1 : !strcmp(pr, "any") ? 2 : 0;
            if (cfg->acc_products &&
                (cfg->acc_kind != 2 || strcmp(cfg->region, "between") ||
                 !(cfg->acc_distance_cm >= cfg->z2_cm) || strcmp(cfg->particle, "dark_photon")))
                return dy_yaml_fail(c, v,
                                    "'acceptance.products: %s' follows the e+e- of A' decays in "
                                    "a volume before the detector: it needs model.particle "
                                    "dark_photon, 'radius_cm' and 'distance_cm', 'decay.region: "
                                    "between' and distance_cm >= decay.z2_cm",
                                    pr);
        }
    }

    /* statistics: one data set here, or several under 'datasets' (docs/limits.md §1.5) */
    if (section(c, root, "statistics", 1, k_stat, &s)) return -1;
    yaml_node_t *dsn = get(c, root, "datasets", NULL), *wm;
    if (opt_num(c, s, "statistics", "cl", 0.9, 0.0, 0, 0.9999999, &cfg->cl, NULL)) return -1;
    snprintf(cfg->method, sizeof cfg->method, "poisson");
    if ((wm = get(c, s, "method", NULL)) &&
        to_enum(c, wm, "statistics.method", k_methods, cfg->method, sizeof cfg->method))
        return -1;
    const int profile = !strcmp(cfg->method, "cls-asymptotic") ||
                        !strcmp(cfg->method, "cls-toys") ||
                        !strcmp(cfg->method, "cousins-highland");
    cfg->yield_error = profile;
    if ((v = get(c, s, "yield_error", NULL))) {
        if (scalar_bool(c, v, "statistics.yield_error", &cfg->yield_error)) return -1;
        if (cfg->yield_error && !profile)
            return dy_yaml_fail(c, v,
                                "'statistics.yield_error: true' needs 'statistics.method' "
                                "cls-asymptotic, cls-toys or cousins-highland");
    }
    if (opt_num(c, s, "statistics", "event_limit", NAN, 0.0, 0, 1e9, &cfg->event_limit, &w))
        return -1;
    if (w) { /* a published event limit (e.g. a background-subtracted count's upper limit) */
        if (profile || dsn || get(c, s, "observed", NULL) || get(c, s, "background", NULL))
            return dy_yaml_fail(c, w,
                                "'statistics.event_limit' (a published upper limit on the signal "
                                "events) replaces 'observed' and 'background' and needs one data "
                                "set and 'method' poisson, classical or fc");
        cfg->have_event_limit = 1;
    }
    double toys, seed;
    if (opt_num(c, s, "statistics", "toys", 5000.0, 100.0, 1, 1e6, &toys, &w)) return -1;
    if (w && strcmp(cfg->method, "cls-toys"))
        return dy_yaml_fail(c, w, "'statistics.toys' applies to 'method: cls-toys'");
    if (toys != floor(toys))
        return dy_yaml_fail(c, w, "'statistics.toys' must be a whole number, got %g", toys);
    cfg->n_toys = (int)toys;
    if (opt_num(c, s, "statistics", "seed", 1.0, 0.0, 1, 9007199254740992.0, &seed, &w)) return -1;
    if (seed != floor(seed))
        return dy_yaml_fail(c, w, "'statistics.seed' must be a whole number, got %g", seed);
    cfg->toy_seed = (uint64_t)seed;
    if (dsn) {
        static const char *const per_set[] = {"pot",
                                              "observed",
                                              "background",
                                              "pot_rel_sigma",
                                              "background_rel_sigma",
                                              "efficiency_rel_sigma",
                                              NULL};
        for (int i = 0; per_set[i]; ++i)
            if ((v = get(c, s, per_set[i], NULL)))
                return dy_yaml_fail(c, v,
                                    "'statistics.%s' and 'datasets' both given: give it per data "
                                    "set",
                                    per_set[i]);
        if (load_datasets(c, dsn, cfg)) return -1;
    } else {
        if (!get(c, s, "pot", NULL))
            return dy_yaml_fail(c, s, "missing required key 'statistics.pot'");
        cfg->n_sets = 1;
        dy_limit_dataset *d = &cfg->set[0];
        snprintf(d->name, sizeof d->name, "all");
        if (load_counts(c, s, "statistics", d)) return -1;
    }
    /* totals: what one counting experiment (and the old methods) sees */
    cfg->n_pot = cfg->background = 0.0;
    cfg->observed = 0;
    int any_unc = cfg->yield_error;
    for (int i = 0; i < cfg->n_sets; ++i) {
        const dy_limit_dataset *d = &cfg->set[i];
        cfg->n_pot += d->n_pot;
        cfg->observed += d->observed;
        cfg->background += d->background;
        any_unc |= d->pot_rel_sigma > 0.0 || d->background_rel_sigma > 0.0 ||
                   d->eff_rel_sigma > 0.0 || d->shared_sig_rel_sigma > 0.0 ||
                   d->shared_bkg_rel_sigma > 0.0;
    }
    if (!profile && (any_unc || cfg->n_sets > 1))
        return dy_yaml_fail(c, wm ? wm : s,
                            "uncertainties (*_rel_sigma) and several data sets need "
                            "'statistics.method' cls-asymptotic, cls-toys or cousins-highland "
                            "(got '%s')",
                            cfg->method);
    if (cfg->observed > 100000)
        return dy_yaml_fail(c, dsn ? dsn : s, "more than 100000 observed events in all");

    /* efficiency: a number or {table: file.csv} */
    cfg->eff_const = 1.0;
    if ((v = get(c, root, "efficiency", NULL))) {
        if (v->type == YAML_MAPPING_NODE) {
            yaml_node_t *t;
            if (dy_yaml_check_map(c, v, "efficiency", k_eff)) return -1;
            if (!(t = get(c, v, "table", NULL)))
                return dy_yaml_fail(c, v, "missing required key 'efficiency.table'");
            if (to_string(c, t, "efficiency.table", cfg->eff_table, sizeof cfg->eff_table) ||
                dy_yaml_resolve_path(c, t, "efficiency.table", cfg->eff_table,
                                     sizeof cfg->eff_table))
                return -1;
            dy_error e2;
            if (dy_limit_efficiency_load(cfg, cfg->eff_table, &e2) != DY_OK)
                return dy_yaml_fail(c, t, "'efficiency.table': %s", e2.msg);
        } else {
            if (dy_yaml_double(c, v, "efficiency", &cfg->eff_const)) return -1;
            if (!(cfg->eff_const > 0.0 && cfg->eff_const <= 1.0))
                return dy_yaml_fail(c, v, "'efficiency' must be in (0, 1], got %g", cfg->eff_const);
        }
    }

    if (section(c, root, "cuts", 0, k_cuts, &s)) return -1;
    if ((v = get(c, s, "energy_min_GeV", NULL))) {
        cfg->have_cut = 1;
        if (opt_num(c, s, "cuts", "energy_min_GeV", 0.0, 0.0, 1, HUGE_VAL, &cfg->cut_GeV, NULL))
            return -1;
    }

    double pd;
    if (section(c, root, "coupling_scan", 0, k_scan, &s) ||
        opt_num(c, s, "coupling_scan", "min", 1e-10, 0.0, 0, HUGE_VAL, &cfg->g_min, NULL) ||
        opt_num(c, s, "coupling_scan", "max", 1.0, 0.0, 0, HUGE_VAL, &cfg->g_max, &w) ||
        opt_num(c, s, "coupling_scan", "per_decade", 20.0, 1.0, 1, 1000.0, &pd, NULL))
        return -1;
    cfg->per_decade = (int)pd;
    if (!(cfg->g_max > cfg->g_min))
        return dy_yaml_fail(c, w ? w : s, "'coupling_scan.max' must be above 'coupling_scan.min'");
    { /* the scan is in the particle's coupling: keep it where N_sig ~ g^2..g^4 stays finite */
        const dy_model md = !strcmp(cfg->particle, "zprime")      ? DY_MODEL_LMU_LTAU
                            : !strcmp(cfg->particle, "zprime-bl") ? DY_MODEL_B_L
                            : !strcmp(cfg->particle, "alp")       ? DY_MODEL_ALP
                                                                  : DY_MODEL_DARK_PHOTON;
        dy_error e2;
        yaml_node_t *wmin = get(c, s, "min", NULL);
        if (dy_coupling_check(md, cfg->g_min, "'coupling_scan.min'", &e2) != DY_OK)
            return dy_yaml_fail(c, wmin ? wmin : s, "%s", e2.msg);
        if (dy_coupling_check(md, cfg->g_max, "'coupling_scan.max'", &e2) != DY_OK)
            return dy_yaml_fail(c, w ? w : s, "%s", e2.msg);
    }

    /* thermal targets (dark photon only) */
    if (section(c, root, "thermal", 0, k_thermal, &s)) return -1;
    if (s && strcmp(cfg->particle, "dark_photon") && !idm)
        return dy_yaml_fail(c, s,
                            "'thermal' targets apply to 'model.particle: dark_photon' or "
                            "inelastic_dm");
    cfg->n_thermal = 0;
    if ((v = get(c, s, "kinds", NULL))) {
        if (name_list(c, v, "thermal.kinds", k_tkinds, 4, cfg->thermal, &cfg->n_thermal)) return -1;
        if (idm && (cfg->n_thermal != 1 || strcmp(cfg->thermal[0], "pseudo-dirac")))
            return dy_yaml_fail(c, v, "inelastic_dm's thermal target is [pseudo-dirac] only");
    } else if (!strcmp(cfg->particle, "dark_photon") && !visible) {
        cfg->n_thermal = 3;
        snprintf(cfg->thermal[0], 16, "scalar");
        snprintf(cfg->thermal[1], 16, "majorana");
        snprintf(cfg->thermal[2], 16, "pseudo-dirac");
    } else if (idm) { /* chi1 chi2 co-annihilation at the model's splitting */
        cfg->n_thermal = 1;
        snprintf(cfg->thermal[0], 16, "pseudo-dirac");
    }
    if ((v = get(c, s, "dm_splitting", NULL)) && idm)
        return dy_yaml_fail(c, v,
                            "'thermal.dm_splitting': inelastic_dm's thermal target uses "
                            "'model.dm_splitting'");
    if ((!idm &&
         opt_num(c, s, "thermal", "dm_splitting", 0.0, 0.0, 1, 1.0, &cfg->dm_splitting, NULL)) ||
        opt_num(c, s, "thermal", "omega_h2", 0.12, 0.0, 0, HUGE_VAL, &cfg->omega_h2, NULL))
        return -1;

    if (section(c, root, "gminus2", 0, k_gm2, &s)) return -1;
    if (s) {
        if (strcmp(cfg->particle, "zprime"))
            return dy_yaml_fail(c, s, "'gminus2' applies to 'model.particle: zprime'");
        if (!get(c, s, "delta_a_mu", NULL) || !get(c, s, "sigma", NULL))
            return dy_yaml_fail(c, s, "'gminus2' needs both 'delta_a_mu' and 'sigma'");
        cfg->have_gm2 = 1;
        if (opt_num(c, s, "gminus2", "delta_a_mu", 0.0, 0.0, 0, 1.0, &cfg->gm2_delta, NULL) ||
            opt_num(c, s, "gminus2", "sigma", 0.0, 0.0, 0, 1.0, &cfg->gm2_sigma, NULL))
            return -1;
    }

    if ((v = get(c, root, "overlays", NULL))) {
        if (v->type != YAML_SEQUENCE_NODE)
            return dy_yaml_fail(c, v, "'overlays' must be a list of {file, label}, got %s",
                                dy_yaml_kind(v));
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             ++it) {
            yaml_node_t *e = dy_yaml_node(c, *it), *f, *l;
            if (cfg->n_overlays >= DY_LCFG_MAX_OVER)
                return dy_yaml_fail(c, e, "'overlays' has more than %d entries", DY_LCFG_MAX_OVER);
            if (e->type != YAML_MAPPING_NODE)
                return dy_yaml_fail(c, e, "each entry of 'overlays' must be a map {file, label}");
            if (dy_yaml_check_map(c, e, "overlays", k_over)) return -1;
            if (!(f = get(c, e, "file", NULL)))
                return dy_yaml_fail(c, e, "missing 'overlays.file'");
            const int i = cfg->n_overlays++;
            if (to_string(c, f, "overlays.file", cfg->overlay_file[i], DY_LCFG_PATH) ||
                dy_yaml_resolve_path(c, f, "overlays.file", cfg->overlay_file[i], DY_LCFG_PATH))
                return -1;
            dy_error e2;
            if (dy_check_input(cfg->overlay_file[i], "overlay file", &e2) != DY_OK)
                return dy_yaml_fail(c, f, "'overlays.file': %s", e2.msg);
            /* the whole file is checked now, before any output: docs/limits.md §7.1 */
            const dy_model md = !strcmp(cfg->particle, "zprime") ? DY_MODEL_LMU_LTAU
                                : !strcmp(cfg->particle, "alp")  ? DY_MODEL_ALP
                                                                 : DY_MODEL_DARK_PHOTON;
            const int allow_y = md == DY_MODEL_DARK_PHOTON && (!visible || idm);
            dy_overlay_plane plane;
            int npts;
            if (dy_overlay_check(cfg->overlay_file[i], dy_coupling_info_of(md)->name, allow_y,
                                 &plane, &npts, &e2) != DY_OK)
                return dy_yaml_fail(c, f, "'overlays.file': %s", e2.msg);
            cfg->overlay_y[i] = plane == DY_OVERLAY_Y;
            if ((l = get(c, e, "label", NULL))) {
                if (to_string(c, l, "overlays.label", cfg->overlay_label[i], 128)) return -1;
            } else {
                const char *base = strrchr(cfg->overlay_file[i], '/');
                base = base ? base + 1 : cfg->overlay_file[i];
                const size_t n = strlen(base) < 127 ? strlen(base) : 127;
                memmove(cfg->overlay_label[i], base, n);
                cfg->overlay_label[i][n] = '\0';
            }
        }
    }

    /* interpolation between grid masses (both modes): docs/limits.md §2.1 */
    if (section(c, root, "interpolate", 0, k_interp, &s)) return -1;
    if (s) {
        double pd2;
        if (opt_num(c, s, "interpolate", "per_decade", 20.0, 1.0, 1, 1000.0, &pd2, &w) ||
            opt_num(c, s, "interpolate", "max_slope_change", 0.5, 0.0, 0, 100.0,
                    &cfg->interp_max_dslope, NULL))
            return -1;
        if (pd2 != floor(pd2))
            return dy_yaml_fail(c, w, "'interpolate.per_decade' must be a whole number");
        cfg->interp_per_decade = (int)pd2;
    }

    if (section(c, root, "output", 0, k_out, &s)) return -1;
    if ((v = get(c, s, "dir", NULL))) {
        if (to_string(c, v, "output.dir", cfg->out_dir, sizeof cfg->out_dir) ||
            dy_yaml_resolve_path(c, v, "output.dir", cfg->out_dir, sizeof cfg->out_dir))
            return -1;
    } else {
        snprintf(cfg->out_dir, sizeof cfg->out_dir, "out/limits/%s", cfg->name);
    }
    cfg->want_csv = cfg->want_hepdata = 1;
    if ((v = get(c, s, "formats", NULL))) {
        char f[3][32];
        int n;
        if (name_list(c, v, "output.formats", k_formats, 3, f, &n)) return -1;
        cfg->want_csv = cfg->want_hepdata = 0;
        for (int i = 0; i < n; ++i) {
            cfg->want_csv |= !strcmp(f[i], "csv");
            cfg->want_hepdata |= !strcmp(f[i], "hepdata");
            cfg->want_pyhf |= !strcmp(f[i], "pyhf");
        }
    }
    cfg->want_plots = cfg->want_csv;
    if ((v = get(c, s, "plots", NULL))) {
        if (scalar_bool(c, v, "output.plots", &cfg->want_plots)) return -1;
        if (cfg->want_plots && !cfg->want_csv)
            return dy_yaml_fail(c, v,
                                "'output.plots: true' needs 'csv' in 'output.formats' (the plot "
                                "script reads the CSV files)");
    }
    return 0;
}

static dy_status parse_flags(const char *text, size_t len, const char *path, int flags,
                             dy_limit_config *cfg, dy_error *err)
{
    if (!cfg || !text || !path)
        return dy_error_set(err, DY_ERR_INVALID, "dy_limit_config_parse: NULL argument");
    memset(cfg, 0, sizeof *cfg);
    cfg->yields_optional = (flags & DY_LCFG_YIELDS_OPTIONAL) != 0;
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    yaml_document_t doc;
    dy_status st = dy_yaml_load(&doc, text, len, path, "limit config", 0, err);
    if (st == DY_OK) {
        dy_yaml_ctx c = {path, &doc, err, DY_OK};
        if (load_root(&c, yaml_document_get_root_node(&doc), cfg)) st = DY_ERR_INVALID;
        yaml_document_delete(&doc);
    }
    if (st != DY_OK) dy_limit_config_free(cfg);
    return st;
}

dy_status dy_limit_config_parse(const char *text, size_t len, const char *path,
                                dy_limit_config *cfg, dy_error *err)
{
    return parse_flags(text, len, path, 0, cfg, err);
}

/* The text with the overrides applied, parsed; a problem found only then says so. */
dy_status dy_limit_config_parse_opt(const char *text, size_t len, const char *path,
                                    const char *const *sets, int n_sets, int flags,
                                    dy_limit_config *cfg, dy_error *err)
{
    if (n_sets <= 0) return parse_flags(text, len, path, flags, cfg, err);
    char *merged;
    size_t mlen;
    dy_status st = dy_yaml_override(text, len, path, sets, n_sets, &merged, &mlen, err);
    if (st != DY_OK) return st;
    st = parse_flags(merged, mlen, path, flags, cfg, err);
    free(merged);
    if (st != DY_OK && err) {
        const size_t k = strlen(err->msg);
        snprintf(err->msg + k, sizeof err->msg - k, " (in the config with the --set overrides)");
    }
    return st;
}

dy_status dy_limit_config_load(const char *path, dy_limit_config *cfg, dy_error *err)
{
    return dy_limit_config_load_with(path, NULL, 0, cfg, err);
}

dy_status dy_limit_config_load_with(const char *path, const char *const *sets, int n_sets,
                                    dy_limit_config *cfg, dy_error *err)
{
    return dy_limit_config_load_opt(path, sets, n_sets, 0, cfg, err);
}

dy_status dy_limit_config_load_opt(const char *path, const char *const *sets, int n_sets, int flags,
                                   dy_limit_config *cfg, dy_error *err)
{
    if (!path || !cfg) return dy_error_set(err, DY_ERR_INVALID, "dy_limit_config_load: NULL");
    memset(cfg, 0, sizeof *cfg);
    FILE *f = dy_open_input(path, "limit config", err); /* regular files only: never hangs */
    if (!f) return err ? err->status : DY_ERR_IO;
    const size_t cap = 1 << 20;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    }
    const size_t n = fread(buf, 1, cap + 1, f);
    const int bad = ferror(f);
    fclose(f);
    dy_status st;
    if (bad)
        st = dy_error_set(err, DY_ERR_IO, "cannot read limit config '%s'", path);
    else if (n > cap)
        st = dy_error_set(err, DY_ERR_INVALID, "limit config '%s' is larger than 1 MiB", path);
    else
        st = dy_limit_config_parse_opt(buf, n, path, sets, n_sets, flags, cfg, err);
    free(buf);
    return st;
}

void dy_limit_config_free(dy_limit_config *cfg)
{
    if (!cfg) return;
    free(cfg->eff_m);
    free(cfg->eff_e);
    free(cfg->eff_v);
    cfg->eff_m = cfg->eff_e = cfg->eff_v = NULL;
    cfg->eff_nm = cfg->eff_ne = 0;
}

/* ------------------------------------------------------------------- efficiency table */

static int find_or_add(double *list, int *n, int cap, double x)
{
    for (int i = 0; i < *n; ++i)
        if (list[i] == x) return i;
    if (*n >= cap) return -1;
    list[(*n)++] = x;
    return *n - 1;
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

dy_status dy_limit_efficiency_load(dy_limit_config *cfg, const char *csv, dy_error *err)
{
    FILE *f = dy_open_input(csv, "efficiency table", err); /* a device or FIFO would hang */
    if (!f) return err ? err->status : DY_ERR_IO;
    const dy_status st = dy_limit_efficiency_read(cfg, f, csv, err);
    fclose(f);
    return st;
}

dy_status dy_limit_efficiency_read(dy_limit_config *cfg, FILE *f, const char *csv, dy_error *err)
{
    enum { CAP = 512, ROWS = 65536 };
    double *rows = malloc(sizeof(double) * 3 * ROWS), ms[CAP], es[CAP];
    int nm = 0, ne = 0, nr = 0, line = 0, header_ok = 1;
    char buf[1024];
    dy_status st = DY_OK;
    if (!rows) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    while (fgets(buf, sizeof buf, f)) {
        ++line;
        if (!strchr(buf, '\n') && !feof(f)) { /* never parse the rest of a line as a new row */
            st = dy_error_set(err, DY_ERR_INVALID, "%s:%d: line longer than %d characters", csv,
                              line, (int)sizeof buf - 2);
            break;
        }
        char *p = buf;
        while (isspace((unsigned char)*p))
            ++p;
        if (!*p || *p == '#') continue;
        double m, e, v;
        char tail;
        if (sscanf(p, "%lf , %lf , %lf %c", &m, &e, &v, &tail) != 3) {
            if (header_ok && isalpha((unsigned char)*p)) { /* one header line */
                header_ok = 0;
                continue;
            }
            st =
                dy_error_set(err, DY_ERR_INVALID,
                             "%s:%d: expected 'mass_GeV,energy_GeV,efficiency' numbers", csv, line);
            break;
        }
        header_ok = 0;
        if (!(m > 0.0) || !(e >= 0.0) || !(v >= 0.0 && v <= 1.0) || !isfinite(m) || !isfinite(e)) {
            st = dy_error_set(err, DY_ERR_INVALID,
                              "%s:%d: need mass > 0, energy >= 0 and 0 <= efficiency <= 1", csv,
                              line);
            break;
        }
        if (nr >= ROWS || find_or_add(ms, &nm, CAP, m) < 0 || find_or_add(es, &ne, CAP, e) < 0) {
            st = dy_error_set(err, DY_ERR_INVALID, "%s:%d: table too large", csv, line);
            break;
        }
        rows[3 * nr] = m;
        rows[3 * nr + 1] = e;
        rows[3 * nr + 2] = v;
        ++nr;
    }
    if (st == DY_OK && nr == 0) st = dy_error_set(err, DY_ERR_INVALID, "%s: no data rows", csv);
    if (st == DY_OK && nr != nm * ne)
        st = dy_error_set(err, DY_ERR_INVALID,
                          "%s: the rows must fill a grid (%d masses x %d energies = %d, got %d "
                          "rows)",
                          csv, nm, ne, nm * ne, nr);
    if (st == DY_OK) {
        qsort(ms, (size_t)nm, sizeof(double), cmp_d);
        qsort(es, (size_t)ne, sizeof(double), cmp_d);
        free(cfg->eff_m);
        free(cfg->eff_e);
        free(cfg->eff_v);
        cfg->eff_m = malloc(sizeof(double) * nm);
        cfg->eff_e = malloc(sizeof(double) * ne);
        cfg->eff_v = malloc(sizeof(double) * nm * ne);
        if (!cfg->eff_m || !cfg->eff_e || !cfg->eff_v) {
            st = dy_error_set(err, DY_ERR_NOMEM, "out of memory");
        } else {
            memcpy(cfg->eff_m, ms, sizeof(double) * nm);
            memcpy(cfg->eff_e, es, sizeof(double) * ne);
            for (int i = 0; i < nm * ne; ++i)
                cfg->eff_v[i] = NAN;
            for (int r = 0; r < nr; ++r) {
                int im = 0, ie = 0;
                while (cfg->eff_m[im] != rows[3 * r])
                    ++im;
                while (cfg->eff_e[ie] != rows[3 * r + 1])
                    ++ie;
                if (!isnan(cfg->eff_v[im * ne + ie])) {
                    st = dy_error_set(err, DY_ERR_INVALID, "%s: (mass %g, energy %g) given twice",
                                      csv, rows[3 * r], rows[3 * r + 1]);
                    break;
                }
                cfg->eff_v[im * ne + ie] = rows[3 * r + 2];
            }
            cfg->eff_nm = nm;
            cfg->eff_ne = ne;
        }
    }
    free(rows);
    if (st != DY_OK) {
        free(cfg->eff_m);
        free(cfg->eff_e);
        free(cfg->eff_v);
        cfg->eff_m = cfg->eff_e = cfg->eff_v = NULL;
        cfg->eff_nm = cfg->eff_ne = 0;
    }
    return st;
}

/* index i and weight t of x in the increasing list a (clamped) */
static void locate(const double *a, int n, double x, int *i, double *t)
{
    if (n < 2 || x <= a[0]) {
        *i = 0;
        *t = 0.0;
        return;
    }
    if (x >= a[n - 1]) {
        *i = n - 2;
        *t = 1.0;
        return;
    }
    int k = 0;
    while (a[k + 1] < x)
        ++k;
    *i = k;
    *t = (x - a[k]) / (a[k + 1] - a[k]);
}

double dy_limit_efficiency(const dy_limit_config *cfg, double m, double e)
{
    if (!cfg->eff_v) return cfg->eff_const;
    const int nm = cfg->eff_nm, ne = cfg->eff_ne;
    int im, ie;
    double tm, te;
    if (nm >= 2) {
        double lm[512];
        for (int i = 0; i < nm; ++i)
            lm[i] = log(cfg->eff_m[i]);
        locate(lm, nm, log(m), &im, &tm);
    } else {
        im = 0;
        tm = 0.0;
    }
    locate(cfg->eff_e, ne, e, &ie, &te);
    const int im1 = nm >= 2 ? im + 1 : im, ie1 = ne >= 2 ? ie + 1 : ie;
#define V(a, b) cfg->eff_v[(a)*ne + (b)]
    return (1 - tm) * ((1 - te) * V(im, ie) + te * V(im, ie1)) +
           tm * ((1 - te) * V(im1, ie) + te * V(im1, ie1));
#undef V
}
