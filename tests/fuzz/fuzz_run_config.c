/* fuzz_run_config.c — libFuzzer harness: the run-config parser (host/io/config.c) on arbitrary
 * bytes.  Any input must give DY_OK or a clean error, never a crash, leak or UB. */
#include <stddef.h>
#include <stdint.h>
#include "io/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dy_config cfg;
    dy_error err;
    if (dy_config_parse((const char *)data, size, "fuzz.yaml", &cfg, &err) == DY_OK)
        dy_config_free(&cfg);
    return 0;
}
