/* fuzz_tracklength_csv.c — libFuzzer harness: the track-length CSV reader
 * (dy_tracklength_read_csv), then the table is evaluated and integrated across its range. */
#define _GNU_SOURCE /* fmemopen */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "physics/tracklength.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f) return 0;
    dy_tracklength t;
    dy_error err;
    if (dy_tracklength_read_csv(&t, f, "fuzz.csv", DY_PARTICLE_ANY, 0.0, &err) == DY_OK) {
        const double lo = t.e_lo[0], hi = t.e_hi[t.nbins - 1];
        for (int i = 0; i <= 8; ++i)
            (void)dy_tracklength_eval(&t, lo + (hi - lo) * i / 8.0);
        (void)dy_tracklength_integral(&t, lo, hi);
        dy_tracklength_free(&t);
    }
    fclose(f);
    return 0;
}
