/* fuzz_overlay_csv.c — libFuzzer harness: the overlay CSV reader of `darkyield limit`
 * (dy_overlay_parse, docs/limits.md §7.1), in the coupling plane of each model and with the
 * y plane allowed. */
#include <stddef.h>
#include <stdint.h>
#include "io/overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const couplings[] = {"eps", "g_Z'", "g_agg"};
    for (int i = 0; i < 3; ++i) {
        dy_overlay_plane plane;
        int n;
        dy_error err;
        (void)dy_overlay_parse(data, size, "fuzz.csv", couplings[i], i == 0, &plane, &n, &err);
    }
    return 0;
}
