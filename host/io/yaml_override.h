/* yaml_override.h — `--set key=value` on a YAML config: each dotted key (beam.energy_GeV) set to
 * a YAML value (150, [0.1, 0.2], {min: 0, max: 1, n: 4}), replacing the key's value or adding
 * the key (and the maps above it), then the whole document emitted again as YAML text.  The
 * result starts with comment lines naming the file and the overrides, and is what the config
 * parser then validates, hashes and records: an output's config reproduces the run. */
#ifndef DY_YAML_OVERRIDE_H
#define DY_YAML_OVERRIDE_H
#include <stddef.h>
#include "darkyield/dy_status.h"

/* Apply sets[0..n) to text[0..len) (the config at path, for messages); *out (malloc'd,
 * NUL-terminated, *out_len bytes) gets the new text.  DY_ERR_INVALID names the --set that is
 * malformed (no '=', an empty or bad key component, a value that is not YAML, a key below a
 * value that is not a map). */
dy_status dy_yaml_override(const char *text, size_t len, const char *path, const char *const *sets,
                           int n, char **out, size_t *out_len, dy_error *err);

#endif
