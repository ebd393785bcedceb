/* atomic_file.h — one output file committed on its own: an output set (io/outset.h) of one.
 * Written under a unique temporary name and renamed into place only when complete, so a failed
 * or interrupted run never leaves a partial output file; "-" is standard output. */
#ifndef DY_ATOMIC_FILE_H
#define DY_ATOMIC_FILE_H
#include <stdio.h>
#include "darkyield/dy_status.h"
#include "io/outset.h"

typedef struct dy_atomic_file {
    FILE *f;
    dy_outset set;
} dy_atomic_file;

/* Open path (through symbolic links; "-" = stdout) for writing. */
dy_status dy_atomic_open(dy_atomic_file *a, const char *path, dy_error *err);
/* Finish and rename onto path (ok != 0), or remove the temporary (ok == 0, returns DY_OK). */
dy_status dy_atomic_close(dy_atomic_file *a, int ok, dy_error *err);
#endif
