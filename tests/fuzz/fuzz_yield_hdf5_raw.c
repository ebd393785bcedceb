/* fuzz_yield_hdf5_raw.c — libFuzzer harness: the yield-file reader on arbitrary file bytes
 * (dy_yield_read_mem, in process: core driver, the bytes never touch the disk).  This mostly
 * fuzzes HDF5 1.10's own parser, which loops or crashes on some damaged files (the first such
 * file it found is tests/data/hdf5_global_heap_loop.h5); `darkyield limit` therefore parses in
 * a child with a time limit (host/io/yield_isolate.c).  For long manual runs, not in the CI
 * smoke (scripts/ci-fuzz.sh skips *_raw); fuzz_yield_hdf5 covers darkyield's checks. */
#include <stddef.h>
#include <stdint.h>
#include "io/yield_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dy_yield_file y;
    dy_error err;
    if (dy_yield_read_mem(data, size, "fuzz.h5", NULL, 0, &y, &err) == DY_OK) {
        double s = 0.0; /* touch everything the reader promises */
        for (int i = 0; i < y.g.n_masses * y.g.n_ebins; ++i)
            s += y.g.sum_dNdE[i];
        for (int m = 0; m < y.g.n_masses; ++m)
            s += y.g.masses_GeV[m] + y.g.sum_N_above[m];
        (void)s;
        dy_yield_file_free(&y);
    }
    return 0;
}
