/* yaml_util.c — libyaml helpers shared by the config parsers (see yaml_util.h): one place for
 * document loading, schema checks of maps, scalar conversions and the file:line:column messages,
 * so the run and limit configs report problems the same way. */
#include "io/yaml_util.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------- loading */

static dy_status yaml_problem(const yaml_parser_t *ps, const char *text, size_t len,
                              const char *path, int detail, dy_error *err)
{
    const char *problem = ps->problem ? ps->problem : "unknown problem";
    if (!detail)
        return dy_error_set(err, DY_ERR_INVALID, "%s:%zu:%zu: YAML syntax error: %s", path,
                            ps->problem_mark.line + 1, ps->problem_mark.column + 1, problem);
    if (ps->error == YAML_MEMORY_ERROR)
        return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory while parsing YAML", path);
    if (ps->error == YAML_READER_ERROR)
        return dy_error_set(err, DY_ERR_INVALID, "%s: YAML read error at byte %zu: %s", path,
                            ps->problem_offset, problem);
    char ctx[512] = "";
    if (ps->context)
        snprintf(ctx, sizeof ctx, " (%s at line %zu, column %zu)", ps->context,
                 ps->context_mark.line + 1, ps->context_mark.column + 1);
    const size_t at = ps->problem_mark.index;
    const char *hint =
        at < len && text[at] == '\t' ? "; YAML does not allow tabs for indentation" : "";
    return dy_error_set(err, DY_ERR_INVALID, "%s:%zu:%zu: YAML syntax error: %s%s%s", path,
                        ps->problem_mark.line + 1, ps->problem_mark.column + 1, problem, ctx, hint);
}

dy_status dy_yaml_load(yaml_document_t *doc, const char *text, size_t len, const char *path,
                       const char *what, int detail, dy_error *err)
{
    yaml_parser_t ps;
    yaml_document_t extra;
    if (!yaml_parser_initialize(&ps))
        return dy_error_set(err, DY_ERR_NOMEM, "%s: cannot initialise the YAML parser", path);
    yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
    dy_status st = DY_OK;
    if (!yaml_parser_load(&ps, doc)) {
        st = yaml_problem(&ps, text, len, path, detail, err);
        yaml_parser_delete(&ps);
        return st;
    }
    if (!yaml_document_get_root_node(doc)) {
        st = dy_error_set(err, DY_ERR_INVALID, "%s: the %s is empty", path, what);
    } else if (!yaml_parser_load(&ps, &extra)) { /* the rest of the stream must parse, too */
        st = yaml_problem(&ps, text, len, path, detail, err);
    } else {
        if (yaml_document_get_root_node(&extra))
            st = dy_error_set(err, DY_ERR_INVALID,
                              "%s:%zu:%zu: a second YAML document ('---') is not allowed", path,
                              extra.start_mark.line + 1, extra.start_mark.column + 1);
        yaml_document_delete(&extra);
    }
    yaml_parser_delete(&ps);
    if (st != DY_OK) yaml_document_delete(doc);
    return st;
}

/* ----------------------------------------------------------------- messages and nodes */

int dy_yaml_fail(dy_yaml_ctx *c, const yaml_node_t *n, const char *fmt, ...)
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

yaml_node_t *dy_yaml_node(const dy_yaml_ctx *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

const char *dy_yaml_str(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

int dy_yaml_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *s = dy_yaml_str(n);
    return n->data.scalar.length == 0 || !strcmp(s, "~") || !strcmp(s, "null") ||
           !strcmp(s, "Null") || !strcmp(s, "NULL");
}

const char *dy_yaml_kind(const yaml_node_t *n)
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

const char *dy_yaml_key(char *buf, size_t size, const char *sect, const char *key)
{
    snprintf(buf, size, "%s%s%s", sect, sect[0] ? "." : "", key);
    return buf;
}

void dy_yaml_join(char *buf, size_t size, const char *const *list)
{
    buf[0] = '\0';
    for (int i = 0; list[i]; ++i) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "", list[i]);
    }
}

int dy_yaml_in_list(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; ++i)
        if (!strcmp(s, list[i])) return i;
    return -1;
}

/* ---------------------------------------------------------------------------- maps */

yaml_node_t *dy_yaml_find(const dy_yaml_ctx *c, yaml_node_t *map, const char *key,
                          yaml_node_t **key_node)
{
    if (!map) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         ++p) {
        yaml_node_t *k = dy_yaml_node(c, p->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp(dy_yaml_str(k), key)) {
            if (key_node) *key_node = k;
            return dy_yaml_node(c, p->value);
        }
    }
    return NULL;
}

int dy_yaml_check_map(dy_yaml_ctx *c, yaml_node_t *map, const char *sect,
                      const char *const *allowed)
{
    char k[160], list[512];
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         ++p) {
        yaml_node_t *key = dy_yaml_node(c, p->key);
        if (key->type != YAML_SCALAR_NODE)
            return dy_yaml_fail(c, key, "a key in '%s' is %s, expected a name",
                                sect[0] ? sect : "(top)", dy_yaml_kind(key));
        dy_yaml_key(k, sizeof k, sect, dy_yaml_str(key));
        if (dy_yaml_in_list(dy_yaml_str(key), allowed) < 0) {
            dy_yaml_join(list, sizeof list, allowed);
            return dy_yaml_fail(c, key, "unknown key '%s' (allowed here: %s)", k, list);
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; ++q) {
            yaml_node_t *prev = dy_yaml_node(c, q->key);
            if (!strcmp(dy_yaml_str(prev), dy_yaml_str(key)))
                return dy_yaml_fail(c, key, "duplicate key '%s' (first given at line %zu)", k,
                                    prev->start_mark.line + 1);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------- scalars */

int dy_yaml_double(dy_yaml_ctx *c, yaml_node_t *v, const char *k, double *out)
{
    if (v->type != YAML_SCALAR_NODE)
        return dy_yaml_fail(c, v, "'%s' must be a number, got %s", k, dy_yaml_kind(v));
    const char *s = dy_yaml_str(v);
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return dy_yaml_fail(c, v, "'%s' must be a number, got the quoted string \"%s\"", k, s);
    int ok = s[0] != '\0';
    for (const char *p = s; *p; ++p)
        if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p)) ok = 0;
    char *end = NULL;
    errno = 0;
    const double x = ok ? strtod(s, &end) : 0.0;
    if (!ok || end == s || *end != '\0' || errno == ERANGE || !isfinite(x))
        return dy_yaml_fail(c, v, "'%s' must be a finite number, got '%s'", k, s);
    *out = x;
    return 0;
}

int dy_yaml_int(dy_yaml_ctx *c, yaml_node_t *v, const char *k, long lo, long hi, int *out)
{
    double x;
    if (dy_yaml_double(c, v, k, &x)) return -1;
    if (x != floor(x))
        return dy_yaml_fail(c, v, "'%s' must be an integer, got '%s'", k, dy_yaml_str(v));
    if (x < (double)lo || x > (double)hi)
        return dy_yaml_fail(c, v, "'%s' must be in %ld..%ld, got %s", k, lo, hi, dy_yaml_str(v));
    *out = (int)x;
    return 0;
}

int dy_yaml_u64(dy_yaml_ctx *c, yaml_node_t *v, const char *k, uint64_t *out)
{
    if (v->type != YAML_SCALAR_NODE)
        return dy_yaml_fail(c, v, "'%s' must be an integer, got %s", k, dy_yaml_kind(v));
    const char *s = dy_yaml_str(v);
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return dy_yaml_fail(c, v, "'%s' must be an integer, got the quoted string \"%s\"", k, s);
    int digits = s[0] != '\0';
    for (const char *p = s; *p; ++p)
        digits &= isdigit((unsigned char)*p) != 0;
    if (digits) {
        errno = 0;
        char *end;
        unsigned long long u = strtoull(s, &end, 10);
        if (errno == ERANGE || *end != '\0')
            return dy_yaml_fail(c, v, "'%s' must be an integer below 2^64, got '%s'", k, s);
        *out = (uint64_t)u;
        return 0;
    }
    /* "2e7" style: accept an exactly integral number up to 2^53 */
    double x;
    if (dy_yaml_double(c, v, k, &x)) return -1;
    if (x < 0.0 || x != floor(x) || x > 9007199254740992.0)
        return dy_yaml_fail(c, v, "'%s' must be a non-negative integer, got '%s'", k, s);
    *out = (uint64_t)x;
    return 0;
}

int dy_yaml_bool(dy_yaml_ctx *c, yaml_node_t *v, const char *k, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
                                      "YES",  "on",   "On",   "ON",  NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no",  "No",
                                     "NO",    "off",   "Off",   "OFF", NULL};
    if (v->type != YAML_SCALAR_NODE || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return dy_yaml_fail(c, v, "'%s' must be true or false, got %s", k, dy_yaml_kind(v));
    if (dy_yaml_in_list(dy_yaml_str(v), yes) >= 0)
        *out = 1;
    else if (dy_yaml_in_list(dy_yaml_str(v), no) >= 0)
        *out = 0;
    else
        return dy_yaml_fail(c, v, "'%s' must be true or false, got '%s'", k, dy_yaml_str(v));
    return 0;
}

int dy_yaml_string(dy_yaml_ctx *c, yaml_node_t *v, const char *k, char *buf, size_t size)
{
    if (v->type != YAML_SCALAR_NODE)
        return dy_yaml_fail(c, v, "'%s' must be a string, got %s", k, dy_yaml_kind(v));
    if (v->data.scalar.length == 0) return dy_yaml_fail(c, v, "'%s' must not be empty", k);
    if (v->data.scalar.length >= size)
        return dy_yaml_fail(c, v, "'%s' is too long (%zu characters, at most %zu)", k,
                            v->data.scalar.length, size - 1);
    if (strlen(dy_yaml_str(v)) != v->data.scalar.length)
        return dy_yaml_fail(c, v, "'%s' contains a NUL character", k);
    memcpy(buf, dy_yaml_str(v), v->data.scalar.length + 1);
    return 0;
}

int dy_yaml_enum(dy_yaml_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                 char *buf, size_t size)
{
    char list[256];
    dy_yaml_join(list, sizeof list, allowed);
    if (v->type != YAML_SCALAR_NODE)
        return dy_yaml_fail(c, v, "'%s' must be one of the names %s, got %s", k, list,
                            dy_yaml_kind(v));
    if (dy_yaml_in_list(dy_yaml_str(v), allowed) < 0)
        return dy_yaml_fail(c, v, "unknown value '%s' for '%s' (allowed: %s)", dy_yaml_str(v), k,
                            list);
    snprintf(buf, size, "%s", dy_yaml_str(v));
    return 0;
}

int dy_yaml_name_list(dy_yaml_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                      int max, char (*names)[32], int *n)
{
    char list[256];
    dy_yaml_join(list, sizeof list, allowed);
    if (v->type != YAML_SEQUENCE_NODE)
        return dy_yaml_fail(c, v, "'%s' must be a list like [%s], got %s", k, list,
                            dy_yaml_kind(v));
    *n = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         ++it) {
        yaml_node_t *e = dy_yaml_node(c, *it);
        char name[32];
        if (dy_yaml_enum(c, e, k, allowed, name, sizeof name)) return -1;
        for (int j = 0; j < *n; ++j)
            if (!strcmp(names[j], name))
                return dy_yaml_fail(c, e, "'%s' lists '%s' twice", k, name);
        if (*n >= max) return dy_yaml_fail(c, e, "'%s' has more than %d entries", k, max);
        snprintf(names[(*n)++], 32, "%s", name);
    }
    if (*n == 0) return dy_yaml_fail(c, v, "'%s' must not be empty (choose from %s)", k, list);
    return 0;
}

/* ---------------------------------------------------------------------------- names */

void dy_yaml_default_name(const char *path, const char *fallback, char *name, size_t size)
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
    if (!name[0]) snprintf(name, size, "%s", fallback);
}

int dy_yaml_resolve_path(dy_yaml_ctx *c, const yaml_node_t *n, const char *k, char *buf,
                         size_t size)
{
    const char *slash = c->path ? strrchr(c->path, '/') : NULL;
    if (!buf[0] || buf[0] == '/' || !slash) return 0;
    const size_t dir = (size_t)(slash - c->path) + 1, len = strlen(buf); /* "dir/" */
    if (dir + len >= size)
        return dy_yaml_fail(c, n, "'%s' is too long once taken relative to the config's directory",
                            k);
    memmove(buf + dir, buf, len + 1);
    memcpy(buf, c->path, dir);
    return 0;
}
