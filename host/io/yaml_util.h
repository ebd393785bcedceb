/* yaml_util.h — the small libyaml helper layer shared by the YAML parsers (host/io/config.c,
 * host/io/limit_config.c): load one document, walk maps with a fixed schema, convert scalars,
 * and report every problem as "FILE:LINE:COLUMN: message" naming the dotted key. */
#ifndef DY_YAML_UTIL_H
#define DY_YAML_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>
#include "darkyield/dy_status.h"

/* What every helper needs: the loaded document, the file name for messages, where to put the
 * error.  st is DY_OK until the first dy_yaml_fail(), then DY_ERR_INVALID. */
typedef struct dy_yaml_ctx {
    const char *path;
    yaml_document_t *doc;
    dy_error *err;
    dy_status st;
} dy_yaml_ctx;

/* Parse text as exactly one non-empty YAML document into *doc (the caller deletes it with
 * yaml_document_delete() after DY_OK; on error nothing is left to delete).  "%s: the <what> is
 * empty" names an empty file.  detail = 1: syntax errors add libyaml's context and a hint on
 * tabs, reader and memory errors are told apart; detail = 0: "FILE:L:C: YAML syntax error: ..."
 * only. */
dy_status dy_yaml_load(yaml_document_t *doc, const char *text, size_t len, const char *path,
                       const char *what, int detail, dy_error *err);

/* Record "path:line:col: message" (1-based; "path: message" when n is NULL), set c->st;
 * returns -1 for `return dy_yaml_fail(...)`. */
int dy_yaml_fail(dy_yaml_ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Node of the document by id; the text of a scalar node. */
yaml_node_t *dy_yaml_node(const dy_yaml_ctx *c, int id);
const char *dy_yaml_str(const yaml_node_t *n);
/* A plain empty scalar, "~", "null", "Null" or "NULL": a key present without a value. */
int dy_yaml_is_null(const yaml_node_t *n);
/* "a map", "a list", "a plain value", "a quoted string": for "got %s" in messages. */
const char *dy_yaml_kind(const yaml_node_t *n);

/* "beam" + "energy_GeV" -> "beam.energy_GeV" in buf (returned); the root section is "". */
const char *dy_yaml_key(char *buf, size_t size, const char *sect, const char *key);
/* NULL-terminated name list -> "a, b, c" in buf. */
void dy_yaml_join(char *buf, size_t size, const char *const *list);
/* Index of s in the NULL-terminated list, or -1. */
int dy_yaml_in_list(const char *s, const char *const *list);

/* The value node of key in map (NULL when map is NULL or the key is absent; a null value is
 * returned as is); *key_node (if given) = the key's node, for messages. */
yaml_node_t *dy_yaml_find(const dy_yaml_ctx *c, yaml_node_t *map, const char *key,
                          yaml_node_t **key_node);
/* Every key of map must be a scalar from `allowed` and appear once; sect names the map in
 * messages ("" for the top level). */
int dy_yaml_check_map(dy_yaml_ctx *c, yaml_node_t *map, const char *sect,
                      const char *const *allowed);

/* Scalar conversions of a value node v; k is the dotted key for messages.  0 = ok, -1 = error
 * recorded.  double: a plain finite number; int: an integral number in lo..hi; u64: digits below
 * 2^64 or an integral number up to 2^53 ("2e7"); bool: true/false, yes/no, on/off (three
 * spellings each); string: non-empty, shorter than size, no NUL; enum: a name from `allowed`. */
int dy_yaml_double(dy_yaml_ctx *c, yaml_node_t *v, const char *k, double *out);
int dy_yaml_int(dy_yaml_ctx *c, yaml_node_t *v, const char *k, long lo, long hi, int *out);
int dy_yaml_u64(dy_yaml_ctx *c, yaml_node_t *v, const char *k, uint64_t *out);
int dy_yaml_bool(dy_yaml_ctx *c, yaml_node_t *v, const char *k, int *out);
int dy_yaml_string(dy_yaml_ctx *c, yaml_node_t *v, const char *k, char *buf, size_t size);
int dy_yaml_enum(dy_yaml_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                 char *buf, size_t size);
/* A non-empty list of distinct names from `allowed`, at most max; the count in *n. */
int dy_yaml_name_list(dy_yaml_ctx *c, yaml_node_t *v, const char *k, const char *const *allowed,
                      int max, char (*names)[32], int *n);

/* Run name from a file path: the file stem with characters outside [A-Za-z0-9._+-] replaced by
 * '_'; `fallback` when nothing is left. */
void dy_yaml_default_name(const char *path, const char *fallback, char *name, size_t size);
/* A path read from the config (in buf, of size size): relative paths are taken relative to the
 * directory of the config file c->path (a label without '/', e.g. an in-memory config, leaves them
 * relative to the current directory); absolute paths stay.  n and k name the value for the error
 * when the result does not fit.  0 = ok, -1 = error recorded. */
int dy_yaml_resolve_path(dy_yaml_ctx *c, const yaml_node_t *n, const char *k, char *buf,
                         size_t size);

#endif
