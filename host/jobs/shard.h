/* shard.h — merging shard part files (`darkyield merge`) and writing a finished grid's outputs
 * (shared by `run` and `merge`, so both write the same files). */
#ifndef DY_SHARD_H
#define DY_SHARD_H
#include <stddef.h>
#include "darkyield/dy_status.h"
#include "io/config.h"
#include "io/yield_grid.h"

/* Output paths for cfg: out is NULL (the config's output.dir), a directory, or a file name
 * ending in ".h5" (the CSV files go next to it).  h5/csv get "<dir>/<name>.h5" / ".csv". */
void dy_output_paths(const dy_config *cfg, const char *out, char *h5, char *csv, size_t n);

/* Create the directory and write the formats the config asks for (HDF5, CSV). */
dy_status dy_write_outputs(const dy_config *cfg, const dy_yield_grid *g, const char *h5,
                           const char *csv, dy_error *err);

typedef struct dy_merge_result {
    char h5[4400], csv[4400]; /* written files ("" when the format is off) */
    int want_hdf5, want_csv;
    int n_points, n_parts;
    double wall_seconds; /* sum over the parts */
} dy_merge_result;

/* Merge parts[0..n): every part must be a complete part file of the same config (hash), darkyield
 * version and shard count; every shard exactly once; every grid point exactly once.  Then fold
 * and write what `run` without shards writes.  Errors (DY_ERR_INVALID) name the offending files
 * and the missing or repeated shards. */
dy_status dy_merge_parts(const char *const *parts, int n, const char *out, int verbose,
                         dy_merge_result *mr, dy_error *err);
#endif
