/* fuzz_limit_config.c — libFuzzer harness: the limit-config parser (host/io/limit_config.c),
 * which also opens the efficiency table and overlays it names (regular files only). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "io/limit_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dy_limit_config *cfg;
    dy_error err;
    if (!cfg && !(cfg = calloc(1, sizeof *cfg))) return 0;
    if (dy_limit_config_parse((const char *)data, size, "fuzz.yaml", cfg, &err) == DY_OK)
        dy_limit_config_free(cfg);
    return 0;
}
