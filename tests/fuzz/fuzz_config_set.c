/* fuzz_config_set.c — libFuzzer harness: `--set` overrides (host/io/yaml_override.c) on a run
 * config.  The first line of the input is the override, the rest the YAML text; any input must
 * give DY_OK or a clean error, never a crash, leak or UB. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "io/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    const size_t k = nl ? (size_t)(nl - data) : size;
    char *set = malloc(k + 1);
    if (!set) return 0;
    memcpy(set, data, k);
    set[k] = 0; /* an embedded NUL just ends the override early */
    const char *sets[1] = {set};
    const char *text = nl ? (const char *)nl + 1 : "";
    const size_t len = nl ? size - k - 1 : 0;
    dy_config cfg;
    dy_error err;
    if (dy_config_parse_with(text, len, "fuzz.yaml", sets, 1, &cfg, &err) == DY_OK)
        dy_config_free(&cfg);
    free(set);
    return 0;
}
