/* yaml_override.c — `--set key=value` on a YAML document (io/yaml_override.h), with libyaml's
 * document API: the value parsed as its own document and copied in, the result emitted again.
 * libyaml keeps nodes in one growing array, so nodes are held by id, never by pointer, across
 * additions. */
#include "io/yaml_override.h"
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "io/yaml_util.h"

#define MAX_DEPTH 8 /* key components: the schemas nest two or three deep */

static yaml_node_t *node(yaml_document_t *d, int id)
{
    return yaml_document_get_node(d, id);
}

/* Copy node id of src (and everything below it) into dst; the new id, or 0 (out of memory). */
static int copy_node(yaml_document_t *dst, yaml_document_t *src, int id, int depth)
{
    const yaml_node_t *n = node(src, id);
    if (!n || depth > 64) return 0;
    if (n->type == YAML_SCALAR_NODE)
        return yaml_document_add_scalar(dst, n->tag, n->data.scalar.value,
                                        (int)n->data.scalar.length, n->data.scalar.style);
    if (n->type == YAML_SEQUENCE_NODE) {
        const int s = yaml_document_add_sequence(dst, n->tag, n->data.sequence.style);
        if (!s) return 0;
        const int k = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
        for (int i = 0; i < k; ++i) {
            const int item = node(src, id)->data.sequence.items.start[i];
            const int c = copy_node(dst, src, item, depth + 1);
            if (!c || !yaml_document_append_sequence_item(dst, s, c)) return 0;
        }
        return s;
    }
    if (n->type == YAML_MAPPING_NODE) {
        const int m = yaml_document_add_mapping(dst, n->tag, n->data.mapping.style);
        if (!m) return 0;
        const int k = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        for (int i = 0; i < k; ++i) {
            const yaml_node_pair_t p = node(src, id)->data.mapping.pairs.start[i];
            const int ck = copy_node(dst, src, p.key, depth + 1);
            const int cv = ck ? copy_node(dst, src, p.value, depth + 1) : 0;
            if (!cv || !yaml_document_append_mapping_pair(dst, m, ck, cv)) return 0;
        }
        return m;
    }
    return 0;
}

/* The pair index of scalar key `key` in mapping map_id, or -1. */
static int find_pair(yaml_document_t *d, int map_id, const char *key)
{
    const yaml_node_t *m = node(d, map_id);
    const int k = (int)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    for (int i = 0; i < k; ++i) {
        const yaml_node_t *kn = node(d, m->data.mapping.pairs.start[i].key);
        if (kn && kn->type == YAML_SCALAR_NODE && !strcmp((const char *)kn->data.scalar.value, key))
            return i;
    }
    return -1;
}

/* Add key: value_id to mapping map_id; 0 on failure. */
static int add_pair(yaml_document_t *d, int map_id, const char *key, int value_id)
{
    const int k = yaml_document_add_scalar(d, NULL, (yaml_char_t *)key, (int)strlen(key),
                                           YAML_PLAIN_SCALAR_STYLE);
    return k && yaml_document_append_mapping_pair(d, map_id, k, value_id);
}

static int key_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '+';
}

/* Apply one "a.b.c=value" to doc. */
static dy_status apply_one(yaml_document_t *doc, const char *set, const char *path, dy_error *err)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set)
        return dy_error_set(err, DY_ERR_INVALID,
                            "--set '%.200s': expected key=value (e.g. beam.energy_GeV=150)", set);
    char key[512], comp[MAX_DEPTH][128];
    const size_t kl = (size_t)(eq - set);
    if (kl >= sizeof key)
        return dy_error_set(err, DY_ERR_INVALID, "--set '%.200s': key too long", set);
    memcpy(key, set, kl);
    key[kl] = 0;
    int nc = 0;
    for (const char *p = key;;) {
        const char *dot = strchr(p, '.');
        const size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (l == 0 || l >= sizeof comp[0] || nc == MAX_DEPTH)
            return dy_error_set(err, DY_ERR_INVALID,
                                "--set '%.200s': bad key '%s' (dotted names, e.g. beam.energy_GeV)",
                                set, key);
        for (size_t i = 0; i < l; ++i)
            if (!key_char_ok(p[i]))
                return dy_error_set(err, DY_ERR_INVALID,
                                    "--set '%.200s': bad character '%c' in key '%s'", set, p[i],
                                    key);
        memcpy(comp[nc], p, l);
        comp[nc++][l] = 0;
        if (!dot) break;
        p = dot + 1;
    }
    /* the value: one YAML document of its own ("" is a key without a value) */
    yaml_document_t v;
    const char *val = eq + 1;
    char label[600];
    snprintf(label, sizeof label, "--set %s", key);
    if (!*val) val = "~";
    dy_status st = dy_yaml_load(&v, val, strlen(val), label, "value", 0, err);
    if (st != DY_OK) return st;
    int vid = copy_node(doc, &v, 1, 0);
    yaml_document_delete(&v);
    if (!vid) return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
    /* walk down: maps are created where keys are missing */
    int map = 1;
    for (int i = 0; i < nc; ++i) {
        if (node(doc, map)->type != YAML_MAPPING_NODE)
            return dy_error_set(err, DY_ERR_INVALID,
                                "--set %s: '%s' in %s is not a map, so it has no key '%s'", key,
                                i ? comp[i - 1] : "(the top level)", path, comp[i]);
        const int p = find_pair(doc, map, comp[i]);
        if (i == nc - 1) {
            if (p >= 0)
                node(doc, map)->data.mapping.pairs.start[p].value = vid;
            else if (!add_pair(doc, map, comp[i], vid))
                return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
        } else if (p >= 0) {
            map = node(doc, map)->data.mapping.pairs.start[p].value;
        } else {
            const int m = yaml_document_add_mapping(doc, NULL, YAML_FLOW_MAPPING_STYLE);
            if (!m || !add_pair(doc, map, comp[i], m))
                return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
            map = m;
        }
    }
    return DY_OK;
}

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static int put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->n + n + 1 > cap)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (!t) return 0;
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
    return 1;
}

static int write_handler(void *ctx, unsigned char *s, size_t n)
{
    return put(ctx, (const char *)s, n);
}

dy_status dy_yaml_override(const char *text, size_t len, const char *path, const char *const *sets,
                           int n, char **out, size_t *out_len, dy_error *err)
{
    *out = NULL;
    *out_len = 0;
    yaml_document_t doc;
    dy_status st = dy_yaml_load(&doc, text, len, path, "config", 1, err);
    if (st != DY_OK) return st;
    if (yaml_document_get_root_node(&doc)->type != YAML_MAPPING_NODE) {
        yaml_document_delete(&doc);
        return dy_error_set(err, DY_ERR_INVALID, "%s: the config is not a map of keys", path);
    }
    for (int i = 0; i < n && st == DY_OK; ++i)
        st = apply_one(&doc, sets[i], path, err);
    if (st != DY_OK) {
        yaml_document_delete(&doc);
        return st;
    }
    /* a header naming the source and the overrides (comments: the text stays one document) */
    buf b = {0};
    int ok = put(&b, "# ", 2) && put(&b, path, strlen(path)) && put(&b, " with --set:", 12);
    for (int i = 0; i < n && ok; ++i) {
        ok = put(&b, "\n#   ", 5);
        for (const char *p = sets[i]; *p && ok; ++p) /* one line each, whatever they hold */
            ok = put(&b, *p == '\n' || *p == '\r' ? " " : p, 1);
    }
    ok = ok && put(&b, "\n", 1);
    yaml_emitter_t em;
    if (!ok || !yaml_emitter_initialize(&em)) {
        yaml_document_delete(&doc);
        free(b.s);
        return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
    }
    yaml_emitter_set_output(&em, write_handler, &b);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, 100);
    const int opened = yaml_emitter_open(&em);
    if (!opened) yaml_document_delete(&doc); /* otherwise yaml_emitter_dump deletes it */
    ok = opened && yaml_emitter_dump(&em, &doc) && yaml_emitter_close(&em) &&
         yaml_emitter_flush(&em);
    if (!ok) {
        st = dy_error_set(err, DY_ERR_INVALID, "%s with --set: cannot write the YAML: %s", path,
                          em.problem ? em.problem : "emitter error");
        free(b.s);
        b.s = NULL;
    }
    yaml_emitter_delete(&em);
    if (!ok) return st;
    *out = b.s;
    *out_len = b.n;
    return DY_OK;
}
