/* fuzz_efficiency_csv.c — libFuzzer harness: the efficiency-table reader of `darkyield limit`
 * (dy_limit_efficiency_read), then the interpolation inside and outside the table. */
#define _GNU_SOURCE /* fmemopen */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "io/limit_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dy_limit_config *cfg;
    if (size == 0) return 0;
    if (!cfg && !(cfg = calloc(1, sizeof *cfg))) return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f) return 0;
    dy_error err;
    if (dy_limit_efficiency_read(cfg, f, "fuzz.csv", &err) == DY_OK) {
        static const double m[] = {1e-4, 0.01, 0.5, 3.0, 1e3}, e[] = {0.0, 1.0, 50.0, 1e4};
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 4; ++j)
                (void)dy_limit_efficiency(cfg, m[i], e[j]);
    }
    dy_limit_config_free(cfg);
    fclose(f);
    return 0;
}
